//! Outlook `.reg` exports as regedit writes them (`reference/outlook.md` 2 and 3): version 5
//! header, UTF-16LE with a byte-order mark and CR LF, account values as `hex:` UTF-16LE text,
//! ports and TLS switches as `dword:`, long `hex` lines wrapped after 25 bytes, and the
//! unrelated keys such an export carries when a whole Office branch was exported (compose
//! fonts as long binary blobs, as in
//! `../shared/corpus/outlook_reg/W0rmsp17__eventLogs__outlook.reg`).

use std::fmt::Write as _;

use super::tree::{Rng, WORDS};

/// The profile key of Outlook 2016 and later (outlook.md 2.1).
const PROFILE_KEY: &str = "HKEY_CURRENT_USER\\Software\\Microsoft\\Office\\16.0\\Outlook\\\
    Profiles\\Outlook\\9375CFF0413111d3B88A00104B2A6676";

/// Where the export is saved, relative to the home (places `maillint scan` looks, see
/// `crates/maillint-scan/src/locations.rs`), and its bytes.
pub fn reg_export(rng: &mut Rng, user: &str) -> (String, Vec<u8>) {
    let path = rng.pick(&[
        "Documents/outlook-backup.reg",
        "Desktop/mail-settings.reg",
        "Documents/IT/outlook.reg",
    ]);
    let mut text = String::from("Windows Registry Editor Version 5.00\r\n\r\n");
    let _ = write!(
        text,
        "[{PROFILE_KEY}]\r\n\"{{ED475418-B0D6-11D2-8C3B-00104B2A6676}}\"=hex:02,00,00,00\r\n\r\n"
    );
    for n in 1..=rng.between(1, 3) {
        account(rng, &mut text, user, n);
    }
    for _ in 0..rng.between(2, 12) {
        mail_settings(rng, &mut text);
    }
    let mut bytes = vec![0xFF, 0xFE];
    for unit in text.encode_utf16() {
        bytes.extend_from_slice(&unit.to_le_bytes());
    }
    (path.to_owned(), bytes)
}

/// One IMAP account with its SMTP server; some without TLS.
fn account(rng: &mut Rng, out: &mut String, user: &str, n: usize) {
    let domain = rng.pick(&["example.org", "example.net", "contoso.example"]);
    let email = format!("{user}.{n}@{domain}");
    let (imap_ssl, smtp_port, smtp_secure) = match rng.below(4) {
        0 => (0, 25, 0),
        1 => (1, 587, 2),
        _ => (1, 465, 1),
    };
    let imap_port = if imap_ssl == 1 { 993 } else { 143 };
    let _ = write!(out, "[{PROFILE_KEY}\\{n:08x}]\r\n");
    hex_value(out, "Account Name", &utf16z(&email));
    hex_value(out, "Display Name", &utf16z(&format!("User {user}")));
    hex_value(out, "Email", &utf16z(&email));
    hex_value(out, "IMAP Server", &utf16z(&format!("imap.{domain}")));
    hex_value(out, "IMAP User", &utf16z(&email));
    let _ = write!(
        out,
        "\"IMAP Port\"=dword:{imap_port:08x}\r\n\"IMAP Use SSL\"=dword:{imap_ssl:08x}\r\n\
         \"IMAP Use SPA\"=dword:00000000\r\n"
    );
    hex_value(out, "SMTP Server", &utf16z(&format!("smtp.{domain}")));
    let _ = write!(
        out,
        "\"SMTP Port\"=dword:{smtp_port:08x}\r\n\"SMTP Secure Connection\"=dword:{smtp_secure:08x}\r\n\
         \"SMTP Use Auth\"=dword:00000001\r\n"
    );
    let mini_uid: Vec<u8> = (0..4).map(|_| rng.below(256) as u8).collect();
    hex_value(out, "Mini UID", &mini_uid);
    out.push_str("\r\n");
}

/// A key of Office's mail settings with a long HTML blob, as a full export has.
fn mail_settings(rng: &mut Rng, out: &mut String) {
    let version = rng.pick(&["14.0", "15.0", "16.0"]);
    let _ = write!(
        out,
        "[HKEY_CURRENT_USER\\Software\\Microsoft\\Office\\{version}\\Common\\MailSettings\\{}]\r\n",
        rng.pick(WORDS)
    );
    let mut html = String::from("<html>\r\n<head>\r\n<style>\r\n span.PersonalComposeStyle\r\n{");
    for _ in 0..rng.between(5, 40) {
        let _ = write!(html, "mso-{}-{}:{};\r\n", rng.pick(WORDS), rng.pick(WORDS), rng.below(99));
    }
    html.push_str("}\r\n</style>\r\n</head>\r\n</html>\r\n");
    hex_value(out, "ComposeFontComplex", html.as_bytes());
    let _ = write!(out, "\"MarkCommentsWith\"=hex:00,00\r\n\"Template\"=hex(2):00,00\r\n\r\n");
}

/// `text` as UTF-16LE with a NUL terminator (outlook.md 2.2).
fn utf16z(text: &str) -> Vec<u8> {
    let mut bytes: Vec<u8> = text.encode_utf16().flat_map(u16::to_le_bytes).collect();
    bytes.extend_from_slice(&[0, 0]);
    bytes
}

/// `"name"=hex:..`, wrapped as regedit wraps it: a `\` after the comma ending a line of about
/// 80 characters, continuation lines indented by two spaces (outlook.md 3.1).
fn hex_value(out: &mut String, name: &str, bytes: &[u8]) {
    let _ = write!(out, "\"{name}\"=hex:");
    let mut column = name.len() + 7;
    for (i, byte) in bytes.iter().enumerate() {
        let _ = write!(out, "{byte:02x}");
        column += 2;
        if i + 1 < bytes.len() {
            out.push(',');
            column += 1;
            if column >= 76 {
                out.push_str("\\\r\n  ");
                column = 2;
            }
        }
    }
    out.push_str("\r\n");
}
