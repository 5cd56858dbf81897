//! Nothing panics on bad input: random mixtures of each format's lines, cut anywhere, parse
//! into diagnostics with spans inside the text, and lowering any change on any endpoint gives
//! edits that apply or a clean error.

mod support;

use std::path::Path;

use maillint_core::fix::apply_edits;
use maillint_core::{
    AuthMethod, FieldChange, ParseOptions, Security, SourceFile, Sources, TextRange,
};
use proptest::prelude::*;

const PRF_LINES: &[&str] = &[
    "[Internet Account List]",
    "Account1=IMAP_I_Mail",
    "Account2=I_Mail",
    "[Account1]",
    "[Account2]",
    "[IMAP_I_Mail]",
    "[I_Mail",
    "AccountType=IMAP",
    "IMAPServer=imap.example.org",
    "IMAPPort=0x3E1",
    "IMAPPort=",
    "IMAPUseSSL=2",
    "SMTPSecureConnection=9",
    "SMTPUseSSL=1",
    "SMTPPort=99999",
    "SMTPUseSSL=PT_LONG,0x0202",
    "--- stray ---",
    "; comment",
    "",
    "  = value",
    "Password=secret",
    "[Service List]",
    "Service1=Personal Folders",
    "[Service1]",
    "POP3Server=\"pop.example.org\"",
    "SMTPUseAuth=1",
    "SMTPAuthMethod=2",
    "IMAPUseSPA=1",
    "Zoë=Ж",
];
const REG_LINES: &[&str] = &[
    "Windows Registry Editor Version 5.00",
    "REGEDIT4",
    "",
    "[HKEY_CURRENT_USER\\Software\\Microsoft\\Office\\16.0\\Outlook\\Profiles\\P\\9375CFF0413111d3B88A00104B2A6676\\00000002]",
    "[-HKEY_CURRENT_USER\\Software\\Microsoft\\Office\\16.0\\Outlook\\Profiles\\P\\9375CFF0413111d3B88A00104B2A6676\\00000002]",
    "\"IMAP Server\"=hex:69,00,6d,00,\\",
    "  61,00,70,00,00,00",
    "\"SMTP Server\"=hex:73,00",
    "\"IMAP Port\"=dword:000003e1",
    "\"IMAP Port\"=dword:zz",
    "\"POP3 Server\"=\"pop.example.org\"",
    "\"SMTP Port\"=hex(4):d1,01,00,00",
    "\"IMAP Password\"=hex:02,aa",
    "\"Größe\"=-",
    "\"unterminated",
    "@=\"x\"",
    "; comment",
    "\"X\"=hex(2):00,\\",
    "\"SMTP Use SSL\"=dword:00000000",
    "\"SMTP Secure Connection\"=dword:00000002",
];
const XML_PIECES: &[&str] = &[
    "<Autodiscover xmlns=\"http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006\">",
    "<Response xmlns=\"http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a\">",
    "<Response>",
    "<Account>",
    "</Account>",
    "<Protocol>",
    "</Protocol>",
    "<Type>IMAP</Type>",
    "<Type>SMTP</Type>",
    "<Server>h&amp;x</Server>",
    "<Port>587</Port>",
    "<Port>x</Port>",
    "<SSL>on</SSL>",
    "<SSL/>",
    "<Encryption>Auto</Encryption>",
    "<AuthRequired>off</AuthRequired>",
    "<SPA>on</SPA>",
    "</Response>",
    "</Autodiscover>",
    "<!-- c -->",
    "&bogus;",
    "\n",
    "  ",
    "<User><AutoDiscoverSMTPAddress>a@b</AutoDiscoverSMTPAddress></User>",
    "<![CDATA[x]]>",
];

fn check(name: &str, text: &str) {
    let registry = support::registry();
    let parser = registry.detect(Path::new(name), text.as_bytes()).expect("detected by name");
    let mut sources = Sources::new();
    let id = sources.add(SourceFile::from_text(name, text));
    let unit = parser.parse(id, &mut sources, &ParseOptions::default());
    let in_text = |range: TextRange| {
        (range.end as usize) <= text.len()
            && text.is_char_boundary(range.start as usize)
            && text.is_char_boundary(range.end as usize)
    };
    for d in &unit.diagnostics {
        assert!(in_text(d.span.range), "{d:?}");
        for edit in d.fix.iter().flat_map(|f| &f.edits) {
            assert!(in_text(edit.span.range));
        }
    }
    for (a, account) in unit.accounts.iter().enumerate() {
        for (e, endpoint) in account.endpoints.iter().enumerate() {
            assert!(in_text(endpoint.span.range) && in_text(endpoint.security.span.range));
            let changes = [
                FieldChange::Host("mail.example.net".into()),
                FieldChange::Port(465),
                FieldChange::Security(Security::ImplicitTls),
                FieldChange::Auth(AuthMethod::PasswordCleartext),
            ];
            if let Ok(edits) = parser.lower(&unit, &sources, a, e, &changes) {
                let pairs: Vec<_> =
                    edits.iter().map(|x| (x.span.range, x.content.as_str())).collect();
                assert!(pairs.iter().all(|(r, _)| in_text(*r)));
                apply_edits(text, &pairs).expect("lowered edits never overlap");
            }
        }
    }
}

fn lines_from(
    vocabulary: &'static [&'static str],
    joiner: &'static str,
) -> impl Strategy<Value = String> {
    (prop::collection::vec(prop::sample::select(vocabulary), 0..40), any::<prop::sample::Index>())
        .prop_map(move |(lines, cut)| {
            let text = lines.join(joiner);
            // Cut anywhere (on a character boundary), as a truncated file would be.
            let mut at = cut.index(text.len() + 1);
            while !text.is_char_boundary(at) {
                at -= 1;
            }
            text[..at].to_owned()
        })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn prf_never_panics(text in lines_from(PRF_LINES, "\r\n")) {
        check("random.prf", &text);
    }

    #[test]
    fn reg_never_panics(text in lines_from(REG_LINES, "\r\n")) {
        check("random.reg", &text);
    }

    #[test]
    fn autodiscover_never_panics(text in lines_from(XML_PIECES, "")) {
        check("autodiscover.xml", &text);
    }
}
