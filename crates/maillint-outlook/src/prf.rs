//! PRF profile files (`outlook.exe /importprf`): an INI dialect whose `[Internet Account List]`
//! names `[AccountN]` sections, each read through a mapping section (`[I_Mail]` for POP3,
//! `[IMAP_I_Mail]` for IMAP) that maps key names to MAPI properties (outlook.md 1).
//!
//! The INI text is scanned line by line here rather than with the `ini` crate, because every
//! key and value needs its exact byte range for diagnostics and fixes; the tests check the
//! scanner against the `ini` crate on the fixtures. Windows' profile-string semantics apply:
//! keys and section names are case-insensitive, the first occurrence wins, values are trimmed
//! and one pair of surrounding quotes is dropped.

use std::path::Path;
use std::sync::Arc;

use maillint_core::builtin::ParseError;
use maillint_core::fix::{Applicability, Edit, FieldChange, Fix};
use maillint_core::{
    Account, AuthMethod, Client, Confidence, Diagnostic, FileId, Located, LowerError, ParseOptions,
    ParsedUnit, Parser, Protocol, RuleMeta, SecretKind, Security, SourceFile, Sources, Span,
    StoredSecret, TextRange,
};

use crate::accounts::{
    self, EndpointInput, Number, SecuritySource, SettingNames, build_endpoint,
    security_as_secure_connection, security_as_ssl_flag,
};
use crate::rules::{
    PrfDuplicateEntry, PrfMissingSection, PrfServicePassword, PrfStrayLine, PrfUnmappedKey,
    SmtpSecurityFlagsConflict,
};
use crate::text::{
    EditSet, Line, WithFix, has_extension, lines, sniff, sort_by_position, trim_range,
};

/// Reads PRF files.
#[derive(Debug, Default, Clone, Copy)]
pub struct PrfParser;

/// The mapping lines of outlook.md 1.3 (section 7 maps of Office-Customization-Tool files),
/// used when a fix has to add a key's mapping. `None` for the protocol means both.
const KNOWN_MAPPINGS: &[(&str, &str, Option<Protocol>)] = &[
    ("AccountName", "PT_UNICODE,0x0002", None),
    ("DisplayName", "PT_UNICODE,0x000B", None),
    ("EmailAddress", "PT_UNICODE,0x000C", None),
    ("ReplyEmailAddress", "PT_UNICODE,0x0103", None),
    ("Organization", "PT_UNICODE,0x0107", None),
    ("POP3Server", "PT_UNICODE,0x0100", Some(Protocol::Pop3)),
    ("IMAPServer", "PT_UNICODE,0x0100", Some(Protocol::Imap)),
    ("POP3UserName", "PT_UNICODE,0x0101", Some(Protocol::Pop3)),
    ("IMAPUserName", "PT_UNICODE,0x0101", Some(Protocol::Imap)),
    ("POP3Port", "PT_LONG,0x0104", Some(Protocol::Pop3)),
    ("IMAPPort", "PT_LONG,0x0104", Some(Protocol::Imap)),
    ("POP3UseSSL", "PT_LONG,0x0105", Some(Protocol::Pop3)),
    ("IMAPUseSSL", "PT_LONG,0x0105", Some(Protocol::Imap)),
    ("POP3UseSPA", "PT_LONG,0x0108", Some(Protocol::Pop3)),
    ("IMAPUseSPA", "PT_LONG,0x0108", Some(Protocol::Imap)),
    ("SMTPServer", "PT_UNICODE,0x0200", None),
    ("SMTPPort", "PT_LONG,0x0201", None),
    ("SMTPUseSSL", "PT_LONG,0x0202", None),
    ("SMTPSecureConnection", "PT_LONG,0x020A", None),
    ("SMTPUseAuth", "PT_LONG,0x0203", None),
    ("SMTPUserName", "PT_UNICODE,0x0204", None),
    ("SMTPUseSPA", "PT_LONG,0x0207", None),
    ("SMTPAuthMethod", "PT_LONG,0x0208", None),
    ("ServerTimeOut", "PT_LONG,0x0209", None),
    ("ConnectionType", "PT_LONG,0x000F", None),
    ("ConnectionOID", "PT_UNICODE,0x0010", None),
    ("LeaveOnServer", "PT_LONG,0x1000", Some(Protocol::Pop3)),
    ("CheckNewImap", "PT_LONG,0x1100", Some(Protocol::Imap)),
    ("RootFolder", "PT_UNICODE,0x1101", Some(Protocol::Imap)),
];

/// `[AccountN]` keys that are not account properties and so have no mapping line
/// (outlook.md 1.3, "–" in the map column).
const UNMAPPED_BY_DESIGN: &[&str] = &["UniqueService", "DefaultAccount"];

fn known_mapping(key: &str, protocol: Protocol) -> Option<(&'static str, &'static str)> {
    KNOWN_MAPPINGS
        .iter()
        .find(|(k, _, p)| k.eq_ignore_ascii_case(key) && p.is_none_or(|p| p == protocol))
        .map(|(k, m, _)| (*k, *m))
}

/// One `Key=Value` line.
#[derive(Clone, Debug)]
struct Entry {
    key: String,
    key_range: TextRange,
    value: String,
    value_range: TextRange,
    line: usize,
    /// The text between the key and the value (`=`, ` = `), reused for inserted lines.
    separator: String,
}

/// One `[Section]` with its entries in file order.
#[derive(Clone, Debug)]
struct Section {
    name: String,
    name_range: TextRange,
    header_line: usize,
    entries: Vec<Entry>,
}

impl Section {
    /// The first entry with this key (Windows' profile-string functions read the first).
    fn get(&self, key: &str) -> Option<&Entry> {
        self.entries.iter().find(|e| e.key.eq_ignore_ascii_case(key))
    }

    fn range(&self, lines: &[Line]) -> TextRange {
        let start = lines[self.header_line].start;
        let last = self.entries.last().map_or(self.header_line, |e| e.line);
        TextRange::new(start, lines[last].end)
    }

    /// Where a new line goes: after the last entry (or the header), and whether the line
    /// before it lacks a terminator (the file's last line).
    fn insert_point(&self, lines: &[Line]) -> (usize, bool) {
        let last = &lines[self.entries.last().map_or(self.header_line, |e| e.line)];
        if last.has_terminator() { (last.next, false) } else { (last.end, true) }
    }
}

/// The scanned file.
struct Ini {
    lines: Vec<Line>,
    sections: Vec<Section>,
}

impl Ini {
    /// The first section with this name.
    fn section(&self, name: &str) -> Option<&Section> {
        self.sections.iter().find(|s| s.name.eq_ignore_ascii_case(name))
    }
}

fn scan(text: &str, file: FileId, diagnostics: &mut Vec<Diagnostic>) -> Ini {
    let lines = lines(text);
    let mut sections: Vec<Section> = Vec::new();
    for (index, line) in lines.iter().enumerate() {
        let (start, end) = trim_range(text, line.start, line.end);
        let content = &text[start..end];
        if content.is_empty() || content.starts_with(';') {
            continue;
        }
        if let Some(rest) = content.strip_prefix('[') {
            let (name_end, closed) = match rest.find(']') {
                Some(close) => (start + 1 + close, true),
                None => (end, false),
            };
            if !closed {
                diagnostics.push(Diagnostic::new(
                    ParseError::metadata(),
                    Span::point(file, end),
                    "section header has no closing `]`",
                ));
            }
            let (name_start, name_end) = trim_range(text, start + 1, name_end);
            sections.push(Section {
                name: text[name_start..name_end].to_owned(),
                name_range: TextRange::new(name_start, name_end),
                header_line: index,
                entries: Vec::new(),
            });
            continue;
        }
        let equals = content.find('=').filter(|&at| !content[..at].trim().is_empty());
        let (Some(equals), Some(section)) = (equals, sections.last_mut()) else {
            let span = Span::new(file, start, end);
            let message = if equals.is_some() {
                "`Key=Value` line before the first `[Section]`: no section holds it, so Outlook \
                 never reads it"
                    .to_owned()
            } else {
                format!("`{content}` is not a `[Section]`, a `Key=Value` line or a `;` comment")
            };
            diagnostics.push(Diagnostic::new(PrfStrayLine::metadata(), span, message).with_fix(
                Fix {
                    title: "Turn the line into a `;` comment".to_owned(),
                    applicability: Applicability::Safe,
                    edits: vec![Edit::insert(Span::point(file, start), "; ")],
                },
            ));
            continue;
        };
        let (key_start, key_end) = trim_range(text, start, start + equals);
        let (mut value_start, mut value_end) = trim_range(text, start + equals + 1, end);
        let raw = &text[value_start..value_end];
        if raw.len() >= 2
            && ((raw.starts_with('"') && raw.ends_with('"'))
                || (raw.starts_with('\'') && raw.ends_with('\'')))
        {
            value_start += 1;
            value_end -= 1;
        }
        section.entries.push(Entry {
            key: text[key_start..key_end].to_owned(),
            key_range: TextRange::new(key_start, key_end),
            value: text[value_start..value_end].to_owned(),
            value_range: TextRange::new(value_start, value_end),
            line: index,
            separator: text[key_end..trim_range(text, start + equals + 1, end).0].to_owned(),
        });
    }
    let ini = Ini { lines, sections };
    report_duplicates(&ini, file, diagnostics);
    ini
}

fn report_duplicates(ini: &Ini, file: FileId, diagnostics: &mut Vec<Diagnostic>) {
    for (i, section) in ini.sections.iter().enumerate() {
        if ini.sections[..i].iter().any(|s| s.name.eq_ignore_ascii_case(&section.name)) {
            diagnostics.push(Diagnostic::new(
                PrfDuplicateEntry::metadata(),
                Span { file, range: section.name_range },
                format!(
                    "section [{}] appears again; Outlook reads only the first one",
                    section.name
                ),
            ));
        }
        for (j, entry) in section.entries.iter().enumerate() {
            if let Some(first) =
                section.entries[..j].iter().find(|e| e.key.eq_ignore_ascii_case(&entry.key))
            {
                diagnostics.push(
                    Diagnostic::new(
                        PrfDuplicateEntry::metadata(),
                        Span { file, range: entry.key_range },
                        format!(
                            "`{}` is set again in [{}]; Outlook reads only the first value",
                            entry.key, section.name
                        ),
                    )
                    .with_label(maillint_core::Label::new(
                        Span { file, range: first.value_range },
                        "this value applies",
                    )),
                );
            }
        }
    }
}

/// How a number was written, so a replacement is written the same way.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct NumberStyle {
    hex: bool,
    upper_prefix: bool,
    upper_digits: bool,
    digits: usize,
}

impl NumberStyle {
    fn of(text: &str) -> Self {
        let hex_digits = text.strip_prefix("0x").or_else(|| text.strip_prefix("0X"));
        match hex_digits {
            Some(digits) => NumberStyle {
                hex: true,
                upper_prefix: text.starts_with("0X"),
                upper_digits: digits.bytes().any(|b| b.is_ascii_uppercase()),
                digits: digits.len(),
            },
            None => NumberStyle { hex: false, upper_prefix: false, upper_digits: false, digits: 0 },
        }
    }

    fn format(self, value: u32) -> String {
        if !self.hex {
            return value.to_string();
        }
        let prefix = if self.upper_prefix { "0X" } else { "0x" };
        let width = self.digits;
        if self.upper_digits {
            format!("{prefix}{value:0width$X}")
        } else {
            format!("{prefix}{value:0width$x}")
        }
    }
}

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

    fn detect(&self, path: &Path, head: &[u8]) -> Option<Confidence> {
        if has_extension(path, "prf") {
            return Some(Confidence::Name);
        }
        let text = sniff(head);
        // Section names are case-insensitive, so the markers are looked for in a lower-cased
        // copy; each test needs a section header, so a head without `[` (most files a walk
        // meets) is ruled out before that copy is made.
        if !text.contains('[') {
            return None;
        }
        let text = text.to_ascii_lowercase();
        let looks_like_prf = text.contains("[internet account list]")
            || (text.contains("[general]") && text.contains("custom=1"))
            || text.contains("[service list]");
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

/// The protocol of an account type: the mapping section's `AccountType` (`POP3`, also written
/// `POP`, or `IMAP`), else the type name (`I_Mail` = POP3, `IMAP_I_Mail` = IMAP); `INET_HTTP`
/// is obsolete HTTP mail (outlook.md 1.2).
enum AccountKind {
    Mail(Protocol),
    Http,
    Unknown,
}

fn account_kind(type_name: &str, map: Option<&Section>) -> AccountKind {
    if let Some(account_type) = map.and_then(|m| m.get("AccountType")) {
        match account_type.value.to_ascii_uppercase().as_str() {
            "POP3" | "POP" => return AccountKind::Mail(Protocol::Pop3),
            "IMAP" => return AccountKind::Mail(Protocol::Imap),
            "HTTP" => return AccountKind::Http,
            _ => {}
        }
    }
    match type_name.to_ascii_uppercase().as_str() {
        "I_MAIL" => AccountKind::Mail(Protocol::Pop3),
        "IMAP_I_MAIL" => AccountKind::Mail(Protocol::Imap),
        "INET_HTTP" => AccountKind::Http,
        _ => AccountKind::Unknown,
    }
}

fn read_account(
    ini: &Ini,
    list_entry: &Entry,
    root: FileId,
    file: &SourceFile,
    unit: &mut ParsedUnit,
) -> Option<(Account, Vec<EndpointState>)> {
    let span = |range: TextRange| Span { file: root, range };
    let map = ini.section(&list_entry.value);
    let protocol = match account_kind(&list_entry.value, map) {
        AccountKind::Mail(protocol) => protocol,
        AccountKind::Http => return None,
        AccountKind::Unknown => {
            unit.diagnostics.push(Diagnostic::new(
                ParseError::metadata(),
                span(list_entry.value_range),
                format!(
                    "account type `{}` is neither `I_Mail` (POP3) nor `IMAP_I_Mail` (IMAP), and \
                     no mapping section says `AccountType=POP3` or `IMAP`",
                    list_entry.value
                ),
            ));
            return None;
        }
    };
    let Some(section) = ini.section(&list_entry.key) else {
        unit.diagnostics.push(Diagnostic::new(
            PrfMissingSection::metadata(),
            span(list_entry.key_range),
            format!(
                "[Internet Account List] names `{}`, but there is no [{}] section",
                list_entry.key, list_entry.key
            ),
        ));
        return None;
    };
    if map.is_none() {
        unit.diagnostics.push(
            Diagnostic::new(
                PrfMissingSection::metadata(),
                span(list_entry.value_range),
                format!(
                    "account type `{}` needs a [{}] mapping section, and there is none",
                    list_entry.value, list_entry.value
                ),
            )
            .with_why(
                "without the mapping section Outlook cannot tell which property any key of \
                 the account sets",
            ),
        );
    }
    let map_info = map.map(|m| {
        let (insert_at, leading_eol) = m.insert_point(&ini.lines);
        MapInfo {
            name: m.name.clone(),
            mapped: m
                .entries
                .iter()
                .filter(|e| !e.key.eq_ignore_ascii_case("AccountType"))
                .map(|e| e.key.clone())
                .collect(),
            insert_at,
            leading_eol,
        }
    });
    let is_mapped = |key: &str| {
        map_info.as_ref().is_some_and(|m| m.mapped.iter().any(|k| k.eq_ignore_ascii_case(key)))
    };
    let eol = file.line_ending().as_str();

    // Keys the mapping section does not name (outlook.md 1.3).
    if let Some(info) = &map_info {
        for entry in &section.entries {
            let by_design = UNMAPPED_BY_DESIGN.iter().any(|k| k.eq_ignore_ascii_case(&entry.key));
            if by_design || is_password_key(&entry.key) || is_mapped(&entry.key) {
                continue;
            }
            let mut diagnostic = Diagnostic::new(
                PrfUnmappedKey::metadata(),
                span(entry.key_range),
                format!("`{}` is not mapped in [{}], so Outlook ignores it", entry.key, info.name),
            )
            .with_why(
                "Outlook reads an account key only through the file's own mapping section \
                 (outlook.md 1.3)",
            );
            if let Some((key, mapping)) = known_mapping(&entry.key, protocol) {
                let line = format!("{key}={mapping}");
                let content =
                    if info.leading_eol { format!("{eol}{line}") } else { format!("{line}{eol}") };
                diagnostic = diagnostic
                    .with_help(format!("add `{line}` to [{}]", info.name))
                    .with_fix(Fix {
                        title: format!("Map `{key}` in [{}]", info.name),
                        applicability: Applicability::Unsafe,
                        edits: vec![Edit::insert(Span::point(root, info.insert_at), content)],
                    });
            }
            unit.diagnostics.push(diagnostic);
        }
    }

    let (insert_at, leading_eol) = section.insert_point(&ini.lines);
    let separator = section.entries.first().map_or_else(|| "=".to_owned(), |e| e.separator.clone());
    let account_span = span(section.range(&ini.lines));
    let incoming_prefix = if protocol == Protocol::Imap { "IMAP" } else { "POP3" };

    let mut endpoints = Vec::new();
    let mut states = Vec::new();
    for (endpoint_protocol, prefix) in [(protocol, incoming_prefix), (Protocol::Smtp, "SMTP")] {
        let names = names_for(prefix);
        let number = |key: &str, diagnostics: &mut Vec<Diagnostic>| -> Option<Number> {
            let entry = section.get(key)?;
            if entry.value.is_empty() {
                return None;
            }
            match accounts::parse_number(&entry.value) {
                Some(value) => Some(Number { value, span: span(entry.value_range) }),
                None => {
                    diagnostics.push(Diagnostic::new(
                        ParseError::metadata(),
                        span(entry.value_range),
                        format!(
                            "`{}` must be a number, decimal or `0x` hexadecimal; `{}` is not",
                            entry.key, entry.value
                        ),
                    ));
                    None
                }
            }
        };
        let string = |key: &str| {
            section
                .get(key)
                .filter(|e| !e.value.is_empty())
                .map(|e| Located::explicit(e.value.clone(), span(e.value_range)))
        };
        let secrets: Vec<StoredSecret> = section
            .entries
            .iter()
            .filter(|e| is_password_key(&e.key) && !e.value.is_empty())
            .filter(|e| (prefix == "SMTP") == e.key.to_ascii_uppercase().starts_with("SMTP"))
            .map(|e| StoredSecret {
                kind: SecretKind::Password,
                setting: e.key.clone(),
                span: span(e.value_range),
            })
            .collect();
        unit.secrets.extend(secrets.iter().map(|s| s.span));

        let ssl_flag = number(names.ssl_flag, &mut unit.diagnostics);
        let secure_connection = if endpoint_protocol == Protocol::Smtp {
            number(names.secure_connection, &mut unit.diagnostics)
        } else {
            None
        };
        let prefer_secure_connection =
            map_info.is_none() || is_mapped(names.secure_connection) || !is_mapped(names.ssl_flag);
        if let (Some(old), Some(new)) = (ssl_flag, secure_connection) {
            let both_read = is_mapped(names.ssl_flag) && is_mapped(names.secure_connection);
            if both_read && accounts::smtp_flags_conflict(old.value, new.value) {
                unit.diagnostics.push(
                    Diagnostic::new(
                        SmtpSecurityFlagsConflict::metadata(),
                        new.span,
                        format!(
                            "`SMTPSecureConnection={}` and `SMTPUseSSL={}` disagree about the \
                             outgoing security",
                            new.value, old.value
                        ),
                    )
                    .with_label(maillint_core::Label::new(old.span, "older setting"))
                    .with_help("remove `SMTPUseSSL` or make both say the same"),
                );
            }
        }
        let input = EndpointInput {
            protocol: endpoint_protocol,
            names,
            host: string(&format!("{prefix}Server")),
            port: number(names.port, &mut unit.diagnostics),
            ssl_flag,
            secure_connection,
            prefer_secure_connection,
            spa: number(names.spa, &mut unit.diagnostics),
            use_auth: if endpoint_protocol == Protocol::Smtp {
                number(names.use_auth, &mut unit.diagnostics)
            } else {
                None
            },
            auth_method: if endpoint_protocol == Protocol::Smtp {
                number(names.auth_method, &mut unit.diagnostics)
            } else {
                None
            },
            username: string(&format!("{prefix}UserName")),
            secrets,
            insert_at: Span::point(root, insert_at),
            span: account_span,
            locator: format!("prf:{}:{}", section.name, endpoint_protocol.as_str()),
        };
        let (endpoint, security_source) = build_endpoint(input, &mut unit.diagnostics);
        endpoints.push(endpoint);
        states.push(EndpointState {
            protocol: endpoint_protocol,
            prefix,
            keys: section
                .entries
                .iter()
                .map(|e| KeyRef {
                    key: e.key.clone(),
                    value_range: e.value_range,
                    style: NumberStyle::of(&e.value),
                })
                .collect(),
            insert_at,
            leading_eol,
            separator: separator.clone(),
            map: map_info.clone(),
            security_source,
        });
    }

    let account_name =
        section.get("AccountName").map(|e| e.value.clone()).filter(|v| !v.is_empty());
    let account = Account {
        client: crate::CLIENT,
        name: match account_name {
            Some(name) => format!("[{}] {name}", section.name),
            None => format!("[{}]", section.name),
        },
        email: section
            .get("EmailAddress")
            .filter(|e| !e.value.is_empty())
            .map(|e| Located::explicit(e.value.clone(), span(e.value_range))),
        span: account_span,
        endpoints,
    };
    Some((account, states))
}

/// Keys that hold a password (`Password`, and `POP3Password`-style keys some generators
/// write into `[AccountN]` although Microsoft's samples have none, outlook.md 1.1).
fn is_password_key(key: &str) -> bool {
    key.to_ascii_lowercase().ends_with("password")
}

/// A value for a key: a number keeps the style it was written in.
enum Value<'a> {
    Number(u32),
    Text(&'a str),
}

fn lower_prf(
    state: &PrfState,
    endpoint: &EndpointState,
    changes: &[FieldChange],
) -> Result<Vec<Edit>, LowerError> {
    let mut edits = EditSet::new(state.file);
    let prefix = endpoint.prefix;
    let names = names_for(prefix);
    for change in changes {
        match change {
            FieldChange::Host(host) => {
                check_value(host)?;
                set(state, endpoint, &mut edits, &format!("{prefix}Server"), Value::Text(host));
            }
            FieldChange::Port(port) => {
                set(state, endpoint, &mut edits, names.port, Value::Number(u32::from(*port)));
            }
            FieldChange::Security(security) => {
                lower_security(state, endpoint, &mut edits, *security)?;
            }
            FieldChange::Auth(auth) => {
                let (use_auth, spa) = match auth {
                    AuthMethod::PasswordCleartext => (Some(1), Some(0)),
                    AuthMethod::Ntlm => (Some(1), Some(1)),
                    AuthMethod::None if endpoint.protocol == Protocol::Smtp => (Some(0), None),
                    other => {
                        return Err(LowerError(format!(
                            "a PRF file cannot set {} authentication for {}",
                            other.as_str(),
                            endpoint.protocol
                        )));
                    }
                };
                if let (Protocol::Smtp, Some(v)) = (endpoint.protocol, use_auth) {
                    set(state, endpoint, &mut edits, names.use_auth, Value::Number(v));
                }
                // SPA off is what a missing flag means: only write it over an existing value.
                if let Some(v) = spa.filter(|&v| v == 1 || endpoint.key(names.spa).is_some()) {
                    set(state, endpoint, &mut edits, names.spa, Value::Number(v));
                }
            }
            FieldChange::EnableCertificateVerification | FieldChange::DisableTlsVersion(_) => {
                return Err(LowerError(
                    "Outlook's PRF format has no certificate or TLS version settings".to_owned(),
                ));
            }
        }
    }
    Ok(edits.finish())
}

fn check_value(value: &str) -> Result<(), LowerError> {
    if value.is_empty() || value.chars().any(|c| c.is_control()) {
        return Err(LowerError(format!(
            "`{}` cannot be written as a PRF value",
            value.escape_debug()
        )));
    }
    Ok(())
}

fn lower_security(
    state: &PrfState,
    endpoint: &EndpointState,
    edits: &mut EditSet,
    security: Security,
) -> Result<(), LowerError> {
    let names = names_for(endpoint.prefix);
    let flag = security_as_ssl_flag(security);
    if endpoint.protocol != Protocol::Smtp {
        let value = flag.ok_or_else(|| {
            LowerError(format!(
                "`{}` can only say SSL on or off; {} cannot be written in a PRF file",
                names.ssl_flag,
                security.describe()
            ))
        })?;
        set(state, endpoint, edits, names.ssl_flag, Value::Number(value));
        return Ok(());
    }
    let secure_connection = security_as_secure_connection(security)
        .ok_or_else(|| LowerError("unknown security cannot be written".to_owned()))?;
    match endpoint.security_source {
        SecuritySource::SecureConnection => {
            set(state, endpoint, edits, names.secure_connection, Value::Number(secure_connection));
        }
        SecuritySource::SslFlag => {
            let value = flag.ok_or_else(|| {
                LowerError(format!(
                    "this file's mapping uses the older `SMTPUseSSL`, which cannot say {}",
                    security.describe()
                ))
            })?;
            set(state, endpoint, edits, names.ssl_flag, Value::Number(value));
        }
        SecuritySource::Missing => {
            // Write the key the file maps (outlook.md 1.3); prefer the documented property.
            let use_old_flag = !endpoint.is_mapped(names.secure_connection)
                && endpoint.is_mapped(names.ssl_flag)
                && flag.is_some();
            if use_old_flag {
                set(state, endpoint, edits, names.ssl_flag, Value::Number(flag.unwrap_or(0)));
            } else {
                set(
                    state,
                    endpoint,
                    edits,
                    names.secure_connection,
                    Value::Number(secure_connection),
                );
            }
        }
    }
    Ok(())
}

/// Replaces the key's value in place, or inserts a `Key=Value` line at the end of the account
/// section (and the key's mapping line when the mapping section lacks it).
fn set(
    state: &PrfState,
    endpoint: &EndpointState,
    edits: &mut EditSet,
    key: &str,
    value: Value<'_>,
) {
    if let Some(existing) = endpoint.key(key) {
        let text = match value {
            Value::Number(n) => existing.style.format(n),
            Value::Text(t) => t.to_owned(),
        };
        edits.replace(existing.value_range, text);
        return;
    }
    let text = match value {
        Value::Number(n) => n.to_string(),
        Value::Text(t) => t.to_owned(),
    };
    let line = format!("{key}{}{text}", endpoint.separator);
    let eol = state.eol;
    let content =
        if endpoint.leading_eol { format!("{eol}{line}") } else { format!("{line}{eol}") };
    edits.insert(endpoint.insert_at, content);
    let Some(map) = endpoint.map.as_ref().filter(|_| !endpoint.is_mapped(key)) else { return };
    if let Some((mapped_key, mapping)) = known_mapping(key, endpoint.protocol) {
        let line = format!("{mapped_key}={mapping}");
        if !edits.inserts(map.insert_at, &line) {
            let content =
                if map.leading_eol { format!("{eol}{line}") } else { format!("{line}{eol}") };
            edits.insert(map.insert_at, content);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
                let options = ini::ParseOption {
                    enabled_quote: false,
                    enabled_escape: false,
                    enabled_indented_mutiline_value: false,
                    enabled_preserve_key_leading_whitespace: false,
                };
                let oracle = ini::Ini::load_from_str_opt(file.text(), options).unwrap();
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
