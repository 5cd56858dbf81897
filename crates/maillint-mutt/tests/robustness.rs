//! Nothing panics on bad input: random muttrc-like text built from the characters that matter
//! to the tokenizer (quotes, backslashes, `#`, `;`, `$`, backticks, line breaks, multi-byte
//! characters) and from real command fragments. Each case is also lowered with every kind of
//! field change, which must succeed or fail cleanly.

mod support;

use maillint_core::fix::apply_edits;
use maillint_core::{AuthMethod, FieldChange, Parser, Security, TextRange, TlsVersion};
use maillint_mutt::MuttParser;
use support::*;

/// A small deterministic generator (no external randomness: the test is reproducible).
struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        self.0 >> 33
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[(self.next() as usize) % items.len()]
    }
}

const PIECES: &[&str] = &[
    "set ",
    "unset ",
    "toggle ",
    "reset ",
    "source ",
    "ifdef ",
    "ifndef ",
    "finish",
    "mailboxes ",
    "account-hook ",
    "folder-hook ",
    "my_x",
    "folder",
    "spoolfile",
    "smtp_url",
    "imap_pass",
    "ssl_force_tls",
    "ssl_verify_host",
    "no",
    "inv",
    "&",
    "?",
    "=",
    "+=",
    "-=",
    " ",
    "\t",
    "'",
    "\"",
    "\\",
    "`",
    "#",
    ";",
    "$",
    "${",
    "}",
    "$my_x",
    "$HOME",
    "~",
    "+",
    "=INBOX",
    "!",
    "<",
    ">",
    "imaps://",
    "imap://",
    "smtp://",
    "u:p@",
    "@",
    "h.example",
    ":993",
    ":0",
    ":99999",
    "/",
    "//",
    "%40",
    "%zz",
    "[::1]",
    "é",
    "\u{1f600}",
    "\n",
    "\r\n",
    "\\\n",
    "yes",
    "ask-no",
    "|",
];

const TEMPLATES: &[&str] = &[
    "set folder=imaps://me@imap.example.org:993/",
    "set folder = \"imap://imap.example.org/\"",
    "set spoolfile=+INBOX",
    "set smtp_url='smtp://me:hunter2-not-real@smtp.example.org:587/'",
    "set smtp_url=smtps://smtp.example.org",
    "mailboxes imaps://other.example.org/INBOX =Sent",
    "set pop_host=pops://pop.example.org",
    "unset ssl_force_tls ssl_verify_host",
    "set nossl_verify_dates ssl_use_tlsv1=yes",
    "set imap_user=me imap_pass=\"secret-not-real\"",
    "set my_h=imap.example.org; set folder=imaps://$my_h/",
    "account-hook . 'set imap_user=x ssl_force_tls=no'",
    "folder-hook imap 'set smtp_url=smtp://h.example/'",
    "toggle ssl_force_tls",
    "set ssl_starttls=no",
];

#[test]
fn random_text_never_panics_and_lowering_fails_cleanly() {
    let changes = [
        FieldChange::Host("imap.example.org".into()),
        FieldChange::Port(993),
        FieldChange::Security(Security::ImplicitTls),
        FieldChange::Security(Security::StarttlsRequired),
        FieldChange::Auth(AuthMethod::Oauth2),
        FieldChange::EnableCertificateVerification,
        FieldChange::DisableTlsVersion(TlsVersion::Tls1_0),
    ];
    let mut rng = Lcg(0x5eed);
    let mut endpoints_seen = 0;
    for _ in 0..1500 {
        // Lines that mostly make sense, with random fragments spliced in.
        let mut text = String::new();
        for _ in 0..(1 + rng.next() % 6) {
            let line = rng.pick(TEMPLATES);
            let cut = (rng.next() as usize) % (line.len() + 1);
            let cut = (0..=cut).rev().find(|&i| line.is_char_boundary(i)).unwrap_or(0);
            text.push_str(&line[..cut]);
            for _ in 0..(rng.next() % 3) {
                text.push_str(rng.pick(PIECES));
            }
            text.push_str(&line[cut..]);
            text.push('\n');
        }
        let (sources, unit) = parse_text(&text);
        for (a, account) in unit.accounts.iter().enumerate() {
            for e in 0..account.endpoints.len() {
                endpoints_seen += 1;
                for change in &changes {
                    if let Ok(edits) =
                        MuttParser.lower(&unit, &sources, a, e, std::slice::from_ref(change))
                    {
                        for edit in &edits {
                            let file = sources.get(edit.span.file).text();
                            assert!(edit.span.range.end as usize <= file.len());
                            assert!(file.is_char_boundary(edit.span.range.start as usize));
                            assert!(file.is_char_boundary(edit.span.range.end as usize));
                        }
                        // The edited text parses again.
                        let pairs: Vec<(TextRange, &str)> =
                            edits.iter().map(|e| (e.span.range, e.content.as_str())).collect();
                        let fixed = apply_edits(&text, &pairs).expect("edits do not overlap");
                        parse_text(&fixed);
                    }
                }
            }
        }
        for diagnostic in &unit.diagnostics {
            let file = sources.get(diagnostic.span.file).text();
            assert!(diagnostic.span.range.end as usize <= file.len(), "{text:?}");
        }
    }
    assert!(endpoints_seen > 50, "the generator built only {endpoints_seen} endpoints");
}
