//! `.reg` exports of Outlook profiles: `Windows Registry Editor Version 5.00` (regedit writes
//! it as UTF-16LE with a BOM) or `REGEDIT4` files whose account subkeys
//! `...\9375CFF0413111d3B88A00104B2A6676\0000000N` hold the settings as `hex:` UTF-16LE
//! strings and `dword:` numbers (outlook.md 2, 3).
//!
//! Keys are applied in file order like regedit imports them: a later value replaces an
//! earlier one, `"Name"=-` deletes a value and `[-Key]` deletes a key. Spans point into the
//! decoded text, so a finding in a UTF-16LE file lands on the line and column an editor shows.
//! Password values are recorded as secrets and never decoded.

mod account;
mod bytes;
mod hex;
mod lower;
mod syntax;

use std::path::Path;
use std::sync::Arc;

use maillint_core::fix::{Edit, FieldChange};
use maillint_core::parser::HeadNeedle;
use maillint_core::{
    Client, Confidence, FileId, LowerError, ParseOptions, ParsedUnit, Parser, Protocol, RuleMeta,
    SourceFile, Sources, TextRange,
};

use crate::accounts::{SecuritySource, SettingNames};
use crate::text::{has_extension, sniff, sort_by_position, utf16_of};
use account::AccountReader;
use lower::lower_reg;
use syntax::{Data, HEADER_V4, HEADER_V5, merge, scan};

/// Reads `.reg` exports.
#[derive(Debug, Default, Clone, Copy)]
pub struct RegParser;

/// The profile subkey that holds mail accounts (outlook.md 2.1).
const ACCOUNTS_KEY: &str = "9375CFF0413111d3B88A00104B2A6676";

/// Whether `path` is an account subkey: `...\9375CFF0413111d3B88A00104B2A6676\` and an
/// 8-character name; readers skip other subkeys (outlook.md 2.1).
fn is_account_key(path: &str) -> bool {
    let mut parts = path.rsplit('\\');
    let (Some(last), Some(parent)) = (parts.next(), parts.next()) else { return false };
    parent.eq_ignore_ascii_case(ACCOUNTS_KEY)
        && last.len() == 8
        && last.bytes().all(|b| b.is_ascii_hexdigit())
}

/// The registry value names of one endpoint (outlook.md 2.2).
fn names_for(prefix: &'static str) -> SettingNames {
    match prefix {
        "IMAP" => SettingNames {
            port: "IMAP Port",
            ssl_flag: "IMAP Use SSL",
            secure_connection: "SMTP Secure Connection",
            spa: "IMAP Use SPA",
            use_auth: "SMTP Use Auth",
            auth_method: "SMTP Auth Method",
        },
        "POP3" => SettingNames {
            port: "POP3 Port",
            ssl_flag: "POP3 Use SSL",
            secure_connection: "SMTP Secure Connection",
            spa: "POP3 Use SPA",
            use_auth: "SMTP Use Auth",
            auth_method: "SMTP Auth Method",
        },
        _ => SettingNames {
            port: "SMTP Port",
            ssl_flag: "SMTP Use SSL",
            secure_connection: "SMTP Secure Connection",
            spa: "SMTP Use SPA",
            use_auth: "SMTP Use Auth",
            auth_method: "SMTP Auth Method",
        },
    }
}

/// What [`RegParser::lower`] needs about one value.
#[derive(Clone, Debug)]
struct ValueRef {
    name: String,
    data: Data,
    data_range: TextRange,
}

#[derive(Clone, Debug)]
struct EndpointState {
    protocol: Protocol,
    prefix: &'static str,
    /// Shared by the endpoints of one account.
    values: Arc<[ValueRef]>,
    insert_at: usize,
    leading_eol: bool,
    /// The key's last line ends in a `\` continuation with nothing after it (a truncated
    /// export): a value inserted after it would become part of that continuation.
    open_continuation: bool,
    security_source: SecuritySource,
}

impl EndpointState {
    fn value(&self, name: &str) -> Option<&ValueRef> {
        self.values.iter().find(|v| v.name.eq_ignore_ascii_case(name))
    }
}

#[derive(Debug)]
struct RegState {
    file: FileId,
    eol: &'static str,
    endpoints: Vec<Vec<EndpointState>>,
}

impl Parser for RegParser {
    /// In a `.reg` export a comment is a line starting with `;` (outlook.md 3.1).
    fn comment_leaders(&self) -> &'static [&'static str] {
        &[";"]
    }

    fn name(&self) -> &'static str {
        "outlook-reg"
    }

    fn client(&self) -> Client {
        crate::CLIENT
    }

    fn highest_confidence(&self) -> Confidence {
        Confidence::Name
    }

    fn detect(&self, path: &Path, head: &[u8]) -> Option<Confidence> {
        if has_extension(path, "reg") {
            return Some(Confidence::Name);
        }
        // The first line must be one of the headers: without either in the raw bytes of the
        // first line (and not UTF-16), it is not, and the head need not be decoded. Outside
        // UTF-16 the decoded head keeps every ASCII byte, so its first line is the bytes
        // before the first `\n`; searching those alone spares a search of the whole head.
        static V5: HeadNeedle = HeadNeedle::new(HEADER_V5);
        static V4: HeadNeedle = HeadNeedle::new(HEADER_V4);
        let first_line = &head[..memchr::memchr(b'\n', head).unwrap_or(head.len())];
        if utf16_of(head).is_none() && !V5.is_in(first_line) && !V4.is_in(first_line) {
            return None;
        }
        let text = sniff(head);
        let first = text.lines().next().unwrap_or("").trim();
        (first == HEADER_V5 || first == HEADER_V4).then_some(Confidence::Content)
    }

    fn parse(&self, root: FileId, sources: &mut Sources, _options: &ParseOptions) -> ParsedUnit {
        let file = Arc::clone(sources.get(root));
        let mut unit = parse_reg(root, &file);
        crate::secrets::add_swept(&mut unit, root, file.text());
        unit
    }

    fn lower(
        &self,
        unit: &ParsedUnit,
        _sources: &Sources,
        account: usize,
        endpoint: usize,
        changes: &[FieldChange],
    ) -> Result<Vec<Edit>, LowerError> {
        let (state, endpoint) = crate::accounts::lowering_target::<RegState, _>(
            unit,
            ".reg",
            |s| &s.endpoints,
            account,
            endpoint,
        )?;
        lower_reg(state, endpoint, changes)
    }

    fn rules(&self) -> Vec<Arc<RuleMeta>> {
        crate::rules::for_reg()
    }
}

fn parse_reg(root: FileId, file: &SourceFile) -> ParsedUnit {
    let text = file.text();
    let mut unit = ParsedUnit::default();
    let Some(scan) = scan(text, root, &mut unit.diagnostics) else { return unit };
    let eol = file.line_ending().as_str();
    let mut states = Vec::new();
    for key in merge(&scan.blocks) {
        if !is_account_key(key.path) {
            continue;
        }
        let mut reader = AccountReader { key: &key, file: root, text, eol, unit: &mut unit };
        if let Some((account, endpoint_states)) = reader.read() {
            unit.accounts.push(account);
            states.push(endpoint_states);
        }
    }
    sort_by_position(&mut unit.diagnostics);
    unit.state = Some(Box::new(RegState { file: root, eol, endpoints: states }));
    unit
}

#[cfg(test)]
mod tests {
    use super::*;
    use hex::{HexLayout, Wrapping, format_hex, utf16le_with_nul};
    use maillint_core::{AuthMethod, Security};

    const PATH: &str = "HKEY_CURRENT_USER\\Software\\Microsoft\\Office\\16.0\\Outlook\\Profiles\\Outlook\\9375CFF0413111d3B88A00104B2A6676\\00000002";

    fn hex(text: &str) -> String {
        format_hex(
            &utf16le_with_nul(text),
            0,
            &HexLayout { wrapping: Wrapping::SingleLine, indent: "".into(), upper: false },
            "\r\n",
        )
    }

    #[test]
    fn content_detection_wants_a_header_as_the_first_line_only() {
        let detect = |head: &[u8]| RegParser.detect(Path::new("backup.txt"), head);
        let mut utf16 = vec![0xFF, 0xFE];
        utf16.extend(format!("{HEADER_V5}\r\n").encode_utf16().flat_map(u16::to_le_bytes));
        for head in [
            format!("{HEADER_V5}\r\n\r\n[HKEY_CURRENT_USER\\x]\r\n").into_bytes(),
            format!("\u{feff}{HEADER_V4}\n").into_bytes(),
            format!("  {HEADER_V5}  ").into_bytes(),
            utf16,
        ] {
            assert_eq!(detect(&head), Some(Confidence::Content), "{head:?}");
        }
        for head in [
            format!("; exported\n{HEADER_V5}\n").into_bytes(),
            format!("x{HEADER_V5}\n").into_bytes(),
            b"".to_vec(),
            b"\n".to_vec(),
        ] {
            assert_eq!(detect(&head), None, "{head:?}");
        }
    }

    fn sample() -> String {
        format!(
            "Windows Registry Editor Version 5.00\r\n\r\n[{PATH}]\r\n\"Account Name\"=hex:{}\r\n\"Email\"=hex:{}\r\n\"IMAP Server\"=hex:69,00,6d,00,61,00,70,00,2e,00,67,00,6d,00,61,00,69,00,6c,00,\\\r\n  2e,00,63,00,6f,00,6d,00,00,00\r\n\"IMAP Port\"=dword:000003e1\r\n\"IMAP Use SSL\"=dword:00000001\r\n\"IMAP Password\"=hex:02,aa,bb,cc\r\n\"SMTP Server\"=hex:{}\r\n\"SMTP Port\"=dword:000001d1\r\n\"SMTP Secure Connection\"=dword:00000001\r\n",
            hex("Gmail"),
            hex("me@gmail.com"),
            hex("smtp.gmail.com"),
        )
    }

    fn parse(text: &str) -> (Sources, ParsedUnit) {
        crate::testing::parse_as(&RegParser, "a.reg", text)
    }

    fn relower(text: &str, endpoint: usize, changes: &[FieldChange]) -> (String, ParsedUnit) {
        crate::testing::relower_as(&RegParser, "a.reg", text, endpoint, changes)
    }

    #[test]
    fn regedit_layout_matches_the_reference_fragment() {
        // outlook.md 3.1: `"IMAP Server"=hex:` then 20 bytes, then the rest indented by two.
        let bytes = utf16le_with_nul("imap.gmail.com");
        let text = format_hex(&bytes, "\"IMAP Server\"=hex:".len(), &HexLayout::regedit(), "\r\n");
        assert_eq!(
            text,
            "69,00,6d,00,61,00,70,00,2e,00,67,00,6d,00,61,00,69,00,6c,00,\\\r\n  2e,00,63,00,6f,00,6d,00,00,00"
        );
    }

    #[test]
    fn reads_the_account_with_spans_over_the_whole_hex_value() {
        let text = sample();
        let (sources, unit) = parse(&text);
        assert!(unit.diagnostics.is_empty(), "{:?}", unit.diagnostics);
        let account = &unit.accounts[0];
        assert_eq!(account.name, "00000002 Gmail");
        assert_eq!(account.email.as_ref().unwrap().value, "me@gmail.com");
        let imap = &account.endpoints[0];
        let host = imap.host.as_ref().unwrap();
        assert_eq!(host.value, "imap.gmail.com");
        assert!(
            sources.slice(host.span).starts_with("69,00")
                && sources.slice(host.span).ends_with("00,00")
        );
        assert!(sources.slice(host.span).contains("\\\r\n  2e"));
        assert_eq!(imap.port.as_ref().unwrap().value, 993);
        assert_eq!(sources.slice(imap.port.as_ref().unwrap().span), "000003e1");
        assert_eq!(imap.security.value, Security::ImplicitTls);
        assert_eq!(imap.secrets.len(), 1);
        assert_eq!(imap.secrets[0].setting, "IMAP Password");
        assert_eq!(sources.slice(unit.secrets[0]), "02,aa,bb,cc");
        let smtp = &account.endpoints[1];
        assert_eq!(smtp.port.as_ref().unwrap().value, 465);
        assert_eq!(smtp.security.value, Security::ImplicitTls);
    }

    #[test]
    fn host_rewrite_wraps_like_regedit_and_keeps_other_bytes() {
        let text = sample();
        let (new, unit) =
            relower(&text, 0, &[FieldChange::Host("imap.mail.example-provider.com".to_owned())]);
        let host = unit.accounts[0].endpoints[0].host.as_ref().unwrap();
        assert_eq!(host.value, "imap.mail.example-provider.com");
        let line = new.lines().find(|l| l.starts_with("\"IMAP Server\"")).unwrap();
        assert_eq!(
            line,
            format!("\"IMAP Server\"=hex:{}\\", &hex("imap.mail.example-provider.com")[..20 * 3])
        );
        assert!(new.ends_with(&text[text.find("\"IMAP Port\"").unwrap()..]));
        assert!(unit.diagnostics.is_empty());
    }

    #[test]
    fn dword_and_missing_values_are_written_in_export_form() {
        let text = sample();
        let (new, unit) = relower(
            &text,
            1,
            &[
                FieldChange::Port(587),
                FieldChange::Security(Security::StarttlsRequired),
                FieldChange::Auth(AuthMethod::PasswordCleartext),
            ],
        );
        assert!(new.contains("\"SMTP Port\"=dword:0000024b\r\n"));
        assert!(new.contains("\"SMTP Secure Connection\"=dword:00000002\r\n"));
        assert!(new.ends_with("\"SMTP Use Auth\"=dword:00000001\r\n"));
        let smtp = &unit.accounts[0].endpoints[1];
        assert_eq!(smtp.security.value, Security::StarttlsRequired);
        assert_eq!(smtp.auth.value, AuthMethod::PasswordCleartext);
    }

    #[test]
    fn later_blocks_override_and_deletions_apply() {
        let text = format!(
            "REGEDIT4\n\n[{PATH}]\n\"IMAP Server\"=hex:{}\n\"IMAP Port\"=dword:0000008f\n\n[{PATH}]\n\"IMAP Port\"=dword:000003e1\n\"IMAP Use SSL\"=-\n",
            hex("imap.example.org")
        );
        let (_, unit) = parse(&text);
        let imap = &unit.accounts[0].endpoints[0];
        assert_eq!(imap.port.as_ref().unwrap().value, 993);
        assert!(imap.security.is_default());
        let deleted = format!("{text}\n[-{PATH}]\n");
        assert!(parse(&deleted).1.accounts.is_empty());
    }

    #[test]
    fn wrong_types_and_malformed_lines_are_findings() {
        let text = format!(
            "REGEDIT4\n\n[{PATH}]\n\"IMAP Server\"=\"imap.example.org\"\n\"IMAP Port\"=\"993\"\n\"IMAP Use SSL\"=dwrd:1\n\"SMTP Server\"=hex:73,00,6d,00\n\"X\"=hex:zz\n\"Y\"=hex:+1\n"
        );
        let (sources, unit) = parse(&text);
        let found: Vec<(String, String)> = unit
            .diagnostics
            .iter()
            .map(|d| (d.rule.name.clone(), sources.slice(d.span).to_owned()))
            .collect();
        assert!(found.contains(&("parse-error".to_owned(), String::new())), "{found:?}");
        assert!(
            found.contains(&(
                "reg-unexpected-value-type".to_owned(),
                "\"imap.example.org\"".to_owned()
            )),
            "{found:?}"
        );
        assert!(
            found.contains(&("reg-unexpected-value-type".to_owned(), "\"993\"".to_owned())),
            "{found:?}"
        );
        assert!(
            found.contains(&("reg-unexpected-value-type".to_owned(), "hex:73,00,6d,00".to_owned())),
            "{found:?}"
        );
        assert!(found.contains(&("parse-error".to_owned(), String::new())), "{found:?}");
        assert_eq!(
            unit.diagnostics.iter().filter(|d| d.message.contains("two-digit hex byte")).count(),
            2,
            "`zz` and `+1` are not hex bytes"
        );
        assert_eq!(unit.accounts[0].endpoints[0].host.as_ref().unwrap().value, "imap.example.org");
        assert_eq!(unit.accounts[0].endpoints[1].host.as_ref().unwrap().value, "sm");
        let fix = unit
            .diagnostics
            .iter()
            .find(|d| sources.slice(d.span) == "\"993\"")
            .unwrap()
            .fix
            .clone()
            .unwrap();
        assert_eq!(fix.edits[0].content, "dword:000003e1");
    }

    /// The wrapped `hex:` values of the real regedit exports in the corpus have exactly the
    /// layout [`regedit_line_counts`] reproduces.
    #[test]
    #[allow(clippy::print_stderr)] // the skip notice must be seen
    fn corpus_exports_wrap_like_the_regedit_model() {
        let corpus = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../../shared/corpus/outlook_reg");
        if !corpus.is_dir() {
            eprintln!("SKIPPED: Outlook .reg corpus not found at {}", corpus.display());
            return;
        }
        let mut wrapped = 0;
        for entry in std::fs::read_dir(&corpus).unwrap() {
            let path = entry.unwrap().path();
            let file = SourceFile::from_bytes(&path, &std::fs::read(&path).unwrap());
            let mut diagnostics = Vec::new();
            let scan = scan(file.text(), FileId(0), &mut diagnostics).expect("a registry export");
            for value in scan.blocks.iter().flat_map(|b| &b.values) {
                if let Data::Hex { layout, range, .. } = &value.data {
                    let multi_line = file.slice(*range).contains('\\');
                    if multi_line {
                        assert_eq!(
                            layout.wrapping,
                            Wrapping::Regedit,
                            "{}: {}",
                            path.display(),
                            value.name
                        );
                        wrapped += 1;
                    }
                }
            }
        }
        assert!(wrapped >= 6, "only {wrapped} wrapped values checked");
    }

    #[test]
    fn missing_header_is_one_parse_error() {
        let (_, unit) = parse("[HKEY_CURRENT_USER\\x]\n");
        assert_eq!(unit.diagnostics.len(), 1);
        assert!(unit.accounts.is_empty());
    }
}
