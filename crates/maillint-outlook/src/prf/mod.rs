//! PRF profile files (`outlook.exe /importprf`): an INI dialect whose `[Internet Account List]`
//! names `[AccountN]` sections, each read through a mapping section (`[I_Mail]` for POP3,
//! `[IMAP_I_Mail]` for IMAP) that maps key names to MAPI properties (outlook.md 1).
//!
//! The INI text is scanned line by line here rather than with the `ini` crate, because every
//! key and value needs its exact byte range for diagnostics and fixes; the tests check the
//! scanner against the `ini` crate on the fixtures. Windows' profile-string semantics apply:
//! keys and section names are case-insensitive, the first occurrence wins, values are trimmed
//! and one pair of surrounding quotes is dropped.

mod account;
mod ini;
mod lower;
mod mapping;

use std::path::Path;
use std::sync::Arc;

use maillint_core::fix::{Edit, FieldChange};
use maillint_core::{
    Client, Confidence, Diagnostic, FileId, LowerError, ParseOptions, ParsedUnit, Parser, Protocol,
    RuleMeta, SourceFile, Sources, Span, TextRange,
};

use crate::accounts::{SecuritySource, SettingNames};
use crate::rules::{PrfMissingSection, PrfServicePassword};
use crate::text::{has_extension, sniff, sort_by_position, utf16_of};
use account::read_account;
use ini::scan;
use lower::{NumberStyle, lower_prf};

/// Reads PRF files.
#[derive(Debug, Default, Clone, Copy)]
pub struct PrfParser;

/// A key present in the account section, for lowering.
#[derive(Clone, Debug)]
struct KeyRef {
    key: String,
    value_range: TextRange,
    style: NumberStyle,
}

/// The mapping section an account is read through.
#[derive(Clone, Debug)]
struct MapInfo {
    name: String,
    mapped: Vec<String>,
    insert_at: usize,
    leading_eol: bool,
}

/// What [`PrfParser::lower`] needs for one endpoint.
#[derive(Clone, Debug)]
struct EndpointState {
    protocol: Protocol,
    /// Key prefix: `POP3`, `IMAP` or `SMTP`.
    prefix: &'static str,
    keys: Vec<KeyRef>,
    insert_at: usize,
    leading_eol: bool,
    separator: String,
    map: Option<MapInfo>,
    security_source: SecuritySource,
}

impl EndpointState {
    fn key(&self, name: &str) -> Option<&KeyRef> {
        self.keys.iter().find(|k| k.key.eq_ignore_ascii_case(name))
    }

    fn is_mapped(&self, key: &str) -> bool {
        self.map.as_ref().is_some_and(|m| m.mapped.iter().any(|k| k.eq_ignore_ascii_case(key)))
    }
}

/// Parser state kept in [`ParsedUnit::state`].
#[derive(Debug)]
struct PrfState {
    file: FileId,
    eol: &'static str,
    endpoints: Vec<Vec<EndpointState>>,
}

fn names_for(prefix: &'static str) -> SettingNames {
    match prefix {
        "IMAP" => SettingNames {
            port: "IMAPPort",
            ssl_flag: "IMAPUseSSL",
            secure_connection: "SMTPSecureConnection",
            spa: "IMAPUseSPA",
            use_auth: "SMTPUseAuth",
            auth_method: "SMTPAuthMethod",
        },
        "POP3" => SettingNames {
            port: "POP3Port",
            ssl_flag: "POP3UseSSL",
            secure_connection: "SMTPSecureConnection",
            spa: "POP3UseSPA",
            use_auth: "SMTPUseAuth",
            auth_method: "SMTPAuthMethod",
        },
        _ => SettingNames {
            port: "SMTPPort",
            ssl_flag: "SMTPUseSSL",
            secure_connection: "SMTPSecureConnection",
            spa: "SMTPUseSPA",
            use_auth: "SMTPUseAuth",
            auth_method: "SMTPAuthMethod",
        },
    }
}

impl Parser for PrfParser {
    /// PRF files are INI files whose comment lines start with `;` (outlook.md 1.1, "Syntax").
    fn comment_leaders(&self) -> &'static [&'static str] {
        &[";"]
    }

    fn name(&self) -> &'static str {
        "outlook-prf"
    }

    fn client(&self) -> Client {
        crate::CLIENT
    }

    fn highest_confidence(&self) -> Confidence {
        Confidence::Name
    }

    fn detect(&self, path: &Path, head: &[u8]) -> Option<Confidence> {
        if has_extension(path, "prf") {
            return Some(Confidence::Name);
        }
        // Section names are case-insensitive, so the markers are looked for in a lower-cased
        // copy; each test needs a section header, so a head without `[` (most files a walk
        // meets) is ruled out before that copy is made, in the raw bytes unless it is UTF-16,
        // with the memchr crate's vector search (`<[u8]>::contains` read about a byte per
        // instruction: 3.4 M of a check of 100 bench homes).
        // A UTF-16 head is decoded only if its bytes may hold a section marker.
        const SECTIONS: [&str; 3] = ["[internet account list]", "[general]", "[service list]"];
        let may_be_prf = match utf16_of(head) {
            None => memchr::memchr(b'[', head).is_some(),
            Some(utf16) => utf16.may_hold(head, &SECTIONS),
        };
        if !may_be_prf {
            return None;
        }
        let text = sniff(head);
        if !text.contains('[') {
            return None;
        }
        let text = text.to_ascii_lowercase();
        let looks_like_prf = text.contains(SECTIONS[0])
            || (text.contains(SECTIONS[1]) && text.contains("custom=1"))
            || text.contains(SECTIONS[2]);
        looks_like_prf.then_some(Confidence::Content)
    }

    fn parse(&self, root: FileId, sources: &mut Sources, _options: &ParseOptions) -> ParsedUnit {
        let file = Arc::clone(sources.get(root));
        let mut unit = parse_prf(root, &file);
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
        let (state, endpoint) = crate::accounts::lowering_target::<PrfState, _>(
            unit,
            "PRF",
            |s| &s.endpoints,
            account,
            endpoint,
        )?;
        lower_prf(state, endpoint, changes)
    }

    fn rules(&self) -> Vec<Arc<RuleMeta>> {
        crate::rules::for_prf()
    }
}

fn parse_prf(root: FileId, file: &SourceFile) -> ParsedUnit {
    let text = file.text();
    let mut unit = ParsedUnit::default();
    let ini = scan(text, root, &mut unit.diagnostics);
    let span = |range: TextRange| Span { file: root, range };

    // Sections 2 and 4: services and their stored passwords (outlook.md 1.1, 1.2).
    let service_list = ini.section("Service List");
    if let Some(list) = service_list {
        for entry in &list.entries {
            if ini.section(&entry.key).is_none() {
                unit.diagnostics.push(Diagnostic::new(
                    PrfMissingSection::metadata(),
                    span(entry.key_range),
                    format!(
                        "[Service List] names `{}` ({}), but there is no [{}] section",
                        entry.key, entry.value, entry.key
                    ),
                ));
            }
        }
    }
    for section in &ini.sections {
        let listed = service_list.is_some_and(|l| l.get(&section.name).is_some());
        if !(listed || is_numbered(&section.name, "Service")) {
            continue;
        }
        for entry in section.entries.iter().filter(|e| e.key.eq_ignore_ascii_case("Password")) {
            if entry.value.is_empty() {
                continue;
            }
            unit.secrets.push(span(entry.value_range));
            unit.diagnostics.push(
                Diagnostic::new(
                    PrfServicePassword::metadata(),
                    span(entry.value_range),
                    format!("`Password` in [{}] stores a password in the PRF file", section.name),
                )
                .with_why(
                    "a PRF file is plain text copied to every machine it configures; anyone \
                     with the file can read the password",
                )
                .with_help("remove the value and let Outlook ask for the password"),
            );
        }
    }

    // Sections 3, 5 and 7: internet accounts read through their mapping sections.
    let mut endpoint_states = Vec::new();
    if let Some(list) = ini.section("Internet Account List") {
        for entry in &list.entries {
            if let Some((account, states)) = read_account(&ini, entry, root, file, &mut unit) {
                unit.accounts.push(account);
                endpoint_states.push(states);
            }
        }
    }
    sort_by_position(&mut unit.diagnostics);
    unit.state = Some(Box::new(PrfState {
        file: root,
        eol: file.line_ending().as_str(),
        endpoints: endpoint_states,
    }));
    unit
}

fn is_numbered(name: &str, prefix: &str) -> bool {
    // Byte-wise: a section name may hold any character, and slicing a `str` inside one panics.
    let (name, prefix) = (name.as_bytes(), prefix.as_bytes());
    name.len() > prefix.len()
        && name[..prefix.len()].eq_ignore_ascii_case(prefix)
        && name[prefix.len()..].iter().all(u8::is_ascii_digit)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::accounts;
    use maillint_core::{AuthMethod, Security};

    const SAMPLE: &str = "[General]\r\nCustom=1\r\n\r\n[Internet Account List]\r\nAccount1=IMAP_I_Mail\r\n\r\n[Account1]\r\nAccountName=Work\r\nEmailAddress=me@example.org\r\nIMAPServer=imap.example.org\r\nIMAPPort=0x3E1\r\nIMAPUseSSL=1\r\nSMTPServer=smtp.example.org\r\nSMTPPort=587\r\nSMTPUseAuth=1\r\n\r\n[IMAP_I_Mail]\r\nAccountType=IMAP\r\nIMAPServer=PT_UNICODE,0x0100\r\nIMAPPort=PT_LONG,0x0104\r\nIMAPUseSSL=PT_LONG,0x0105\r\nSMTPServer=PT_UNICODE,0x0200\r\nSMTPPort=PT_LONG,0x0201\r\nSMTPUseAuth=PT_LONG,0x0203\r\nEmailAddress=PT_UNICODE,0x000C\r\nAccountName=PT_UNICODE,0x0002\r\n";

    fn parse(text: &str) -> (Sources, ParsedUnit) {
        crate::testing::parse_as(&PrfParser, "a.prf", text)
    }

    fn relower(text: &str, endpoint: usize, changes: &[FieldChange]) -> (String, ParsedUnit) {
        crate::testing::relower_as(&PrfParser, "a.prf", text, endpoint, changes)
    }

    #[test]
    fn section_names_with_any_characters_are_compared_without_slicing_inside_one() {
        assert!(is_numbered("Service12", "Service") && is_numbered("service1", "Service"));
        assert!(!is_numbered("Service", "Service") && !is_numbered("Service1a", "Service"));
        // Found by the mutation fuzzer: `Unicod\u{cb}e Personal Folders` panicked here.
        assert!(!is_numbered("Unicod\u{cb}e Personal Folders", "Service"));
        assert!(!is_numbered("Servic\u{e9}1", "Service"));
        let text = "[General]\r\nCustom=1\r\n\r\n[Service List]\r\nService1=Unicode Personal Folders\r\n\r\n[Unicod\u{cb}e Personal Folders]\r\nx=1\r\n";
        let (_, unit) = parse(text);
        assert!(unit.accounts.is_empty());
    }

    #[test]
    fn reads_an_imap_account_with_hex_port_and_exact_spans() {
        let (sources, unit) = parse(SAMPLE);
        assert!(unit.diagnostics.is_empty(), "{:?}", unit.diagnostics);
        let account = &unit.accounts[0];
        assert_eq!(account.name, "[Account1] Work");
        let imap = &account.endpoints[0];
        assert_eq!(imap.protocol, Protocol::Imap);
        assert_eq!(sources.slice(imap.host.as_ref().unwrap().span), "imap.example.org");
        assert_eq!(imap.port.as_ref().unwrap().value, 993);
        assert_eq!(sources.slice(imap.port.as_ref().unwrap().span), "0x3E1");
        assert_eq!(imap.security.value, Security::ImplicitTls);
        let smtp = &account.endpoints[1];
        assert_eq!(smtp.security.value, Security::None);
        assert!(smtp.security.is_default());
        assert_eq!(smtp.auth.value, AuthMethod::PasswordCleartext);
    }

    #[test]
    fn port_keeps_hex_style_and_missing_security_is_inserted_with_its_mapping() {
        let (new, unit) = relower(SAMPLE, 0, &[FieldChange::Port(143)]);
        assert!(new.contains("IMAPPort=0x08F\r\n"), "{new}");
        assert_eq!(unit.accounts[0].endpoints[0].port.as_ref().unwrap().value, 143);

        let (new, unit) = relower(
            SAMPLE,
            1,
            &[FieldChange::Security(Security::StarttlsRequired), FieldChange::Port(465)],
        );
        assert!(
            new.contains("SMTPUseAuth=1\r\nSMTPSecureConnection=2\r\n\r\n[IMAP_I_Mail]"),
            "{new}"
        );
        assert!(
            new.ends_with(
                "AccountName=PT_UNICODE,0x0002\r\nSMTPSecureConnection=PT_LONG,0x020A\r\n"
            )
        );
        let smtp = &unit.accounts[0].endpoints[1];
        assert_eq!(smtp.security.value, Security::StarttlsRequired);
        assert_eq!(smtp.port.as_ref().unwrap().value, 465);
        assert!(unit.diagnostics.is_empty(), "{:?}", unit.diagnostics);
    }

    #[test]
    fn starttls_cannot_be_written_for_imap() {
        let (sources, unit) = parse(SAMPLE);
        let err = PrfParser
            .lower(&unit, &sources, 0, 0, &[FieldChange::Security(Security::StarttlsRequired)])
            .unwrap_err();
        assert!(err.0.contains("IMAPUseSSL"));
    }

    #[test]
    fn unmapped_key_is_reported_with_a_mapping_fix() {
        let text =
            SAMPLE.replace("SMTPUseAuth=1\r\n", "SMTPUseAuth=1\r\nSMTPSecureConnection=1\r\n");
        let (sources, unit) = parse(&text);
        assert_eq!(unit.diagnostics.len(), 1);
        let d = &unit.diagnostics[0];
        assert_eq!(d.rule.name, "prf-unmapped-key");
        assert_eq!(sources.slice(d.span), "SMTPSecureConnection");
        let fix = d.fix.as_ref().unwrap();
        assert_eq!(fix.edits[0].content, "SMTPSecureConnection=PT_LONG,0x020A\r\n");
        // The written value is still the model's value: the finding explains why it may not apply.
        assert_eq!(unit.accounts[0].endpoints[1].security.value, Security::ImplicitTls);
    }

    #[test]
    fn stray_lines_duplicates_and_bad_numbers_are_findings_not_panics() {
        let text = "stray before\r\n[Internet Account List]\r\nAccount1=I_Mail\r\n[Account1]\r\nPOP3Port=abc\r\nPOP3Port=995\r\n[I_Mail\r\n--- POP3 Account Settings ---\r\nPOP3Port=PT_LONG,0x0104\r\n";
        let (sources, unit) = parse(text);
        let mut found: Vec<(&str, String)> = unit
            .diagnostics
            .iter()
            .map(|d| (d.rule.name.as_str(), sources.slice(d.span).to_owned()))
            .collect();
        found.sort();
        assert_eq!(
            found,
            [
                ("parse-error", "".to_owned()),
                ("parse-error", "abc".to_owned()),
                ("prf-duplicate-entry", "POP3Port".to_owned()),
                ("prf-stray-line", "--- POP3 Account Settings ---".to_owned()),
                ("prf-stray-line", "stray before".to_owned()),
            ]
        );
        assert_eq!(unit.accounts[0].endpoints[0].protocol, Protocol::Pop3);
    }

    #[test]
    fn service_password_is_a_secret_and_a_finding_without_its_value() {
        let text = "[Service List]\nService1=Unicode Personal Folders\n[Service1]\nName=PST\nPassword=hunter2\n";
        let (sources, unit) = parse(text);
        assert_eq!(unit.secrets.len(), 1);
        assert_eq!(sources.slice(unit.secrets[0]), "hunter2");
        assert_eq!(unit.diagnostics[0].rule.name, "prf-service-password");
        assert!(!format!("{:?}", unit.diagnostics).contains("hunter2"));
    }

    #[test]
    fn account_password_keys_are_endpoint_secrets_not_unmapped_keys() {
        let text = SAMPLE.replace(
            "SMTPUseAuth=1\r\n",
            "SMTPUseAuth=1\r\nIMAPPassword=hunter2\r\nSMTPPassword=hunter3\r\n",
        );
        let (sources, unit) = parse(&text);
        assert!(unit.diagnostics.is_empty(), "{:?}", unit.diagnostics);
        let imap = &unit.accounts[0].endpoints[0];
        let smtp = &unit.accounts[0].endpoints[1];
        assert_eq!(imap.secrets[0].setting, "IMAPPassword");
        assert_eq!(sources.slice(smtp.secrets[0].span), "hunter3");
        assert_eq!(unit.secrets.len(), 2);
        let debug = format!("{:?}{:?}", unit.accounts, unit.state);
        assert!(!debug.contains("hunter2") && !debug.contains("hunter3"));
    }

    #[test]
    fn number_style_round_trips() {
        for text in ["993", "0x3E1", "0x000003e1", "0X3e1"] {
            let style = NumberStyle::of(text);
            assert_eq!(style.format(accounts::parse_number(text).unwrap()), text);
        }
    }

    /// The scanner agrees with the `ini` crate on every well-formed PRF fixture: same
    /// sections, same keys and values in the same order.
    #[test]
    fn scanner_agrees_with_the_ini_crate_on_the_fixtures() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/outlook");
        let mut checked = 0;
        for sub in ["prf", "rules/wrong-provider-host", "rules/tls-disabled"] {
            for entry in std::fs::read_dir(dir.join(sub)).unwrap() {
                let path = entry.unwrap().path();
                let name = path.file_name().unwrap().to_string_lossy().into_owned();
                if !name.ends_with(".prf") || name.contains("malformed") || name.contains("stray") {
                    continue;
                }
                let file = SourceFile::from_bytes(&path, &std::fs::read(&path).unwrap());
                let mut diagnostics = Vec::new();
                let ini = scan(file.text(), FileId(0), &mut diagnostics);
                let options = ::ini::ParseOption {
                    enabled_quote: false,
                    enabled_escape: false,
                    enabled_indented_mutiline_value: false,
                    enabled_preserve_key_leading_whitespace: false,
                };
                let oracle = ::ini::Ini::load_from_str_opt(file.text(), options).unwrap();
                let theirs: Vec<(String, Vec<(String, String)>)> = oracle
                    .iter()
                    .filter_map(|(section, props)| {
                        let pairs =
                            props.iter().map(|(k, v)| (k.to_owned(), v.to_owned())).collect();
                        section.map(|s| (s.to_owned(), pairs))
                    })
                    .collect();
                let ours: Vec<(String, Vec<(String, String)>)> = ini
                    .sections
                    .iter()
                    .map(|s| {
                        let pairs =
                            s.entries.iter().map(|e| (e.key.clone(), e.value.clone())).collect();
                        (s.name.clone(), pairs)
                    })
                    .collect();
                assert_eq!(ours, theirs, "{name}");
                checked += 1;
            }
        }
        assert!(checked >= 8, "checked {checked} files");
    }

    #[test]
    fn detects_by_extension_and_content() {
        assert_eq!(PrfParser.detect(Path::new("x.PRF"), b""), Some(Confidence::Name));
        assert_eq!(
            PrfParser.detect(Path::new("x.txt"), b"[General]\r\nCustom=1\r\n"),
            Some(Confidence::Content)
        );
        assert_eq!(PrfParser.detect(Path::new("x.txt"), b"user_pref(\"a\", 1);"), None);
    }
}
