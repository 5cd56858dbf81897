//! One `[AccountN]` section read through its mapping section into the model
//! (outlook.md 1.2, 1.3).

use maillint_core::builtin::ParseError;
use maillint_core::fix::{Applicability, Edit, Fix};
use maillint_core::{
    Account, Diagnostic, Endpoint, FileId, Located, ParsedUnit, Protocol, SecretKind, SourceFile,
    Span, StoredSecret, TextRange,
};

use super::ini::{Entry, Ini, Section};
use super::lower::NumberStyle;
use super::mapping::{AccountKind, UNMAPPED_BY_DESIGN, account_kind, known_mapping};
use super::{EndpointState, KeyRef, MapInfo, names_for};
use crate::accounts::{self, EndpointInput, Number, build_endpoint};
use crate::rules::{PrfMissingSection, PrfUnmappedKey, SmtpSecurityFlagsConflict};
use crate::text::WithFix;

/// The file an account is read from.
struct Ctx<'a> {
    ini: &'a Ini,
    root: FileId,
    eol: &'static str,
}

impl Ctx<'_> {
    fn span(&self, range: TextRange) -> Span {
        Span { file: self.root, range }
    }
}

/// The account an `[Internet Account List]` entry names, with what the lowering needs about
/// its endpoints; None (with a finding) when its sections are missing or its type is unknown.
pub(super) fn read_account(
    ini: &Ini,
    list_entry: &Entry,
    root: FileId,
    file: &SourceFile,
    unit: &mut ParsedUnit,
) -> Option<(Account, Vec<EndpointState>)> {
    let ctx = Ctx { ini, root, eol: file.line_ending().as_str() };
    let (protocol, section, map) = account_sections(&ctx, list_entry, unit)?;
    let map_info = map.map(|m| map_info(ini, m));
    if let Some(info) = &map_info {
        report_unmapped(&ctx, section, info, protocol, unit);
    }
    let incoming_prefix = if protocol == Protocol::Imap { "IMAP" } else { "POP3" };
    let mut endpoints = Vec::new();
    let mut states = Vec::new();
    for (endpoint_protocol, prefix) in [(protocol, incoming_prefix), (Protocol::Smtp, "SMTP")] {
        let (endpoint, state) =
            read_endpoint(&ctx, section, map_info.as_ref(), endpoint_protocol, prefix, unit);
        endpoints.push(endpoint);
        states.push(state);
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
            .map(|e| Located::explicit(e.value.clone(), ctx.span(e.value_range))),
        span: ctx.span(section.range(&ini.lines)),
        endpoints,
    };
    Some((account, states))
}

/// The account's protocol, its `[AccountN]` section and its mapping section, with a finding
/// for each one missing.
fn account_sections<'i>(
    ctx: &Ctx<'i>,
    list_entry: &Entry,
    unit: &mut ParsedUnit,
) -> Option<(Protocol, &'i Section, Option<&'i Section>)> {
    let map = ctx.ini.section(&list_entry.value);
    let protocol = match account_kind(&list_entry.value, map) {
        AccountKind::Mail(protocol) => protocol,
        AccountKind::Http => return None,
        AccountKind::Unknown => {
            unit.diagnostics.push(Diagnostic::new(
                ParseError::metadata(),
                ctx.span(list_entry.value_range),
                format!(
                    "account type `{}` is neither `I_Mail` (POP3) nor `IMAP_I_Mail` (IMAP), and \
                     no mapping section says `AccountType=POP3` or `IMAP`",
                    list_entry.value
                ),
            ));
            return None;
        }
    };
    let Some(section) = ctx.ini.section(&list_entry.key) else {
        unit.diagnostics.push(Diagnostic::new(
            PrfMissingSection::metadata(),
            ctx.span(list_entry.key_range),
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
                ctx.span(list_entry.value_range),
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
    Some((protocol, section, map))
}

fn map_info(ini: &Ini, map: &Section) -> MapInfo {
    let (insert_at, leading_eol) = map.insert_point(&ini.lines);
    MapInfo {
        name: map.name.clone(),
        mapped: map
            .entries
            .iter()
            .filter(|e| !e.key.eq_ignore_ascii_case("AccountType"))
            .map(|e| e.key.clone())
            .collect(),
        insert_at,
        leading_eol,
    }
}

fn is_mapped(map_info: Option<&MapInfo>, key: &str) -> bool {
    map_info.is_some_and(|m| m.mapped.iter().any(|k| k.eq_ignore_ascii_case(key)))
}

/// Keys the mapping section does not name (outlook.md 1.3).
fn report_unmapped(
    ctx: &Ctx<'_>,
    section: &Section,
    info: &MapInfo,
    protocol: Protocol,
    unit: &mut ParsedUnit,
) {
    let eol = ctx.eol;
    for entry in &section.entries {
        let by_design = UNMAPPED_BY_DESIGN.iter().any(|k| k.eq_ignore_ascii_case(&entry.key));
        if by_design || is_password_key(&entry.key) || is_mapped(Some(info), &entry.key) {
            continue;
        }
        let mut diagnostic = Diagnostic::new(
            PrfUnmappedKey::metadata(),
            ctx.span(entry.key_range),
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
            diagnostic =
                diagnostic.with_help(format!("add `{line}` to [{}]", info.name)).with_fix(Fix {
                    title: format!("Map `{key}` in [{}]", info.name),
                    applicability: Applicability::Unsafe,
                    edits: vec![Edit::insert(Span::point(ctx.root, info.insert_at), content)],
                });
        }
        unit.diagnostics.push(diagnostic);
    }
}

/// A number value: decimal or `0x` hexadecimal, else a finding.
fn number(
    ctx: &Ctx<'_>,
    section: &Section,
    key: &str,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<Number> {
    let entry = section.get(key)?;
    if entry.value.is_empty() {
        return None;
    }
    match accounts::parse_number(&entry.value) {
        Some(value) => Some(Number { value, span: ctx.span(entry.value_range) }),
        None => {
            diagnostics.push(Diagnostic::new(
                ParseError::metadata(),
                ctx.span(entry.value_range),
                format!(
                    "`{}` must be a number, decimal or `0x` hexadecimal; `{}` is not",
                    entry.key, entry.value
                ),
            ));
            None
        }
    }
}

fn read_endpoint(
    ctx: &Ctx<'_>,
    section: &Section,
    map_info: Option<&MapInfo>,
    protocol: Protocol,
    prefix: &'static str,
    unit: &mut ParsedUnit,
) -> (Endpoint, EndpointState) {
    let names = names_for(prefix);
    let smtp = protocol == Protocol::Smtp;
    let string = |key: &str| {
        section
            .get(key)
            .filter(|e| !e.value.is_empty())
            .map(|e| Located::explicit(e.value.clone(), ctx.span(e.value_range)))
    };
    let secrets: Vec<StoredSecret> = section
        .entries
        .iter()
        .filter(|e| is_password_key(&e.key) && !e.value.is_empty())
        .filter(|e| (prefix == "SMTP") == e.key.to_ascii_uppercase().starts_with("SMTP"))
        .map(|e| StoredSecret {
            kind: SecretKind::Password,
            setting: e.key.clone(),
            span: ctx.span(e.value_range),
        })
        .collect();
    unit.secrets.extend(secrets.iter().map(|s| s.span));

    let diagnostics = &mut unit.diagnostics;
    let ssl_flag = number(ctx, section, names.ssl_flag, diagnostics);
    let secure_connection =
        if smtp { number(ctx, section, names.secure_connection, diagnostics) } else { None };
    let prefer_secure_connection = map_info.is_none()
        || is_mapped(map_info, names.secure_connection)
        || !is_mapped(map_info, names.ssl_flag);
    if let (Some(old), Some(new)) = (ssl_flag, secure_connection) {
        let both_read =
            is_mapped(map_info, names.ssl_flag) && is_mapped(map_info, names.secure_connection);
        if both_read && accounts::smtp_flags_conflict(old.value, new.value) {
            diagnostics.push(smtp_flags_conflict(old, new));
        }
    }
    let (insert_at, leading_eol) = section.insert_point(&ctx.ini.lines);
    let input = EndpointInput {
        protocol,
        names,
        host: string(&format!("{prefix}Server")),
        port: number(ctx, section, names.port, diagnostics),
        ssl_flag,
        secure_connection,
        prefer_secure_connection,
        spa: number(ctx, section, names.spa, diagnostics),
        use_auth: if smtp { number(ctx, section, names.use_auth, diagnostics) } else { None },
        auth_method: if smtp { number(ctx, section, names.auth_method, diagnostics) } else { None },
        username: string(&format!("{prefix}UserName")),
        secrets,
        insert_at: Span::point(ctx.root, insert_at),
        span: ctx.span(section.range(&ctx.ini.lines)),
        locator: format!("prf:{}:{}", section.name, protocol.as_str()),
    };
    let (endpoint, security_source) = build_endpoint(input, diagnostics);
    let state = EndpointState {
        protocol,
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
        separator: section.entries.first().map_or_else(|| "=".to_owned(), |e| e.separator.clone()),
        map: map_info.cloned(),
        security_source,
    };
    (endpoint, state)
}

fn smtp_flags_conflict(old: Number, new: Number) -> Diagnostic {
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
    .with_help("remove `SMTPUseSSL` or make both say the same")
}

/// Keys that hold a password (`Password`, and `POP3Password`-style keys some generators
/// write into `[AccountN]` although Microsoft's samples have none, outlook.md 1.1).
fn is_password_key(key: &str) -> bool {
    key.to_ascii_lowercase().ends_with("password")
}
