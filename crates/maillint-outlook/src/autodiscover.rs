//! Autodiscover POX responses (`autodiscover.xml`): `<Account>` elements whose `<Protocol>`
//! children describe the IMAP, POP3 and SMTP servers Outlook should use (outlook.md 4).
//!
//! Elements are matched by namespace, not by prefix: the root `<Autodiscover>` is in the 2006
//! response schema, `<Response>` and everything in it in the Outlook 2006a schema. An element
//! in another namespace is reported (Outlook would not find it) and still read, so the other
//! rules see its settings.

use std::path::Path;
use std::sync::Arc;

use quick_xml::events::Event;
use quick_xml::name::ResolveResult;
use quick_xml::reader::NsReader;

use maillint_core::builtin::ParseError;
use maillint_core::fix::{Applicability, Edit, FieldChange, Fix};
use maillint_core::parser::HeadNeedle;
use maillint_core::{
    Account, AuthMethod, Client, Confidence, Diagnostic, Endpoint, FileId, HostName, Located,
    LowerError, ParseOptions, ParsedUnit, Parser, Protocol, RuleMeta, Security, SourceFile,
    Sources, Span, TextRange,
};

use crate::accounts::{encryption_security, security_as_encryption};
use crate::rules::{AutodiscoverAmbiguousSsl, AutodiscoverInvalidValue, AutodiscoverNamespace};
use crate::text::{EditSet, WithFix, has_extension, sniff, sort_by_position, utf16_of};

/// Reads Autodiscover POX responses.
#[derive(Debug, Default, Clone, Copy)]
pub struct AutodiscoverParser;

/// The namespace of the root `<Autodiscover>` element (outlook.md 4).
pub const NS_AUTODISCOVER: &str =
    "http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006";
/// The namespace of `<Response>` and its content (outlook.md 4).
pub const NS_OUTLOOK_RESPONSE: &str =
    "http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a";

/// A leaf element read inside `<Protocol>` or `<User>`.
#[derive(Clone, Debug)]
struct Child {
    local: String,
    /// The qualified name as written (`Port`, `a:Port`), for rewriting an empty element.
    qname: String,
    value: String,
    /// The trimmed text content.
    value_range: TextRange,
    /// From `<` of the start tag to `>` of the end tag.
    element_range: TextRange,
    empty: bool,
}

/// An element being read.
#[derive(Debug)]
struct Frame {
    local: String,
    qname: String,
    /// The namespace Outlook expects here, and whether this element (or a parent) is outside it.
    mismatched: bool,
    expected: &'static str,
    start: usize,
    start_tag_end: usize,
    text: String,
    children: Vec<Child>,
    protocols: Vec<ProtocolData>,
}

#[derive(Clone, Debug)]
struct ProtocolData {
    children: Vec<Child>,
    range: TextRange,
    start_tag_end: usize,
}

#[derive(Debug)]
struct AccountData {
    protocols: Vec<ProtocolData>,
    /// Its leaf children (`<AccountType>`, `<Action>`, ...).
    children: Vec<Child>,
}

/// What [`AutodiscoverParser::lower`] needs for one endpoint.
#[derive(Clone, Debug)]
struct EndpointState {
    protocol: Protocol,
    children: Vec<Child>,
    insert_at: usize,
    /// Line break and indentation before an inserted element (empty on a one-line protocol).
    lead: String,
    prefix: String,
}

impl EndpointState {
    fn child(&self, local: &str) -> Option<&Child> {
        self.children.iter().find(|c| c.local.eq_ignore_ascii_case(local))
    }
}

#[derive(Debug)]
struct AutodiscoverState {
    file: FileId,
    endpoints: Vec<Vec<EndpointState>>,
}

impl Parser for AutodiscoverParser {
    /// XML comments.
    fn comment_leaders(&self) -> &'static [&'static str] {
        &["<!--"]
    }

    fn name(&self) -> &'static str {
        "outlook-autodiscover"
    }

    fn client(&self) -> Client {
        crate::CLIENT
    }

    fn detect(&self, path: &Path, head: &[u8]) -> Option<Confidence> {
        let named = path
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.eq_ignore_ascii_case("autodiscover.xml"));
        if named && has_extension(path, "xml") {
            return Some(Confidence::Name);
        }
        // Both namespaces share this start; one search rules out nearly every file, in the raw
        // bytes unless the head is UTF-16.
        const SHARED: &str = "schemas.microsoft.com/exchange/autodiscover/";
        static NAMESPACE: HeadNeedle = HeadNeedle::new(SHARED);
        if utf16_of(head).is_none() && !NAMESPACE.is_in(head) {
            return None;
        }
        let text = sniff(head);
        if !text.contains(SHARED) {
            return None;
        }
        (text.contains(NS_AUTODISCOVER) || text.contains(NS_OUTLOOK_RESPONSE))
            .then_some(Confidence::Content)
    }

    fn parse(&self, root: FileId, sources: &mut Sources, _options: &ParseOptions) -> ParsedUnit {
        let file = Arc::clone(sources.get(root));
        let mut unit = parse_autodiscover(root, &file);
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
        let (state, endpoint) = crate::accounts::lowering_target::<AutodiscoverState, _>(
            unit,
            "Autodiscover",
            |s| &s.endpoints,
            account,
            endpoint,
        )?;
        lower_autodiscover(state.file, endpoint, changes)
    }

    fn rules(&self) -> Vec<Arc<RuleMeta>> {
        crate::rules::for_autodiscover()
    }
}

fn parse_autodiscover(root: FileId, file: &SourceFile) -> ParsedUnit {
    let text = file.text();
    let mut unit = ParsedUnit::default();
    let span = |range: TextRange| Span { file: root, range };
    let mut reader = NsReader::from_str(text);
    let mut stack: Vec<Frame> = Vec::new();
    let mut accounts: Vec<AccountData> = Vec::new();
    let mut email: Option<Child> = None;
    let mut saw_root = false;
    loop {
        let before = reader.buffer_position() as usize;
        let result = reader.read_resolved_event().map(|(ns, event)| {
            let ns = match ns {
                ResolveResult::Bound(ns) => Some(ns.into_inner().to_owned()),
                ResolveResult::Unbound | ResolveResult::Unknown(_) => None,
            };
            (ns, event)
        });
        let after = reader.buffer_position() as usize;
        let (namespace, event) = match result {
            Ok(found) => found,
            Err(error) => {
                let at = (reader.error_position() as usize).min(text.len());
                unit.diagnostics.push(Diagnostic::new(
                    ParseError::metadata(),
                    Span::point(root, at),
                    format!("not well-formed XML: {error}"),
                ));
                // Outlook rejects a response it cannot parse: it configures nothing from it.
                return unit;
            }
        };
        match event {
            Event::Start(ref start) | Event::Empty(ref start) => {
                let position = (before, after);
                let opened =
                    open_element(&mut unit, root, text, &stack, start, namespace, position);
                let Some(frame) = opened else { return unit };
                saw_root = true;
                if matches!(event, Event::Empty(_)) {
                    close(text, frame, after, after, true, &mut stack, &mut accounts, &mut email);
                } else {
                    stack.push(frame);
                }
            }
            Event::End(_) => {
                if let Some(frame) = stack.pop() {
                    close(text, frame, before, after, false, &mut stack, &mut accounts, &mut email);
                }
            }
            Event::Text(_) => {
                if let Some(frame) = stack.last_mut() {
                    frame.text.push_str(&text[before..after]);
                }
            }
            Event::CData(_) => {
                if let Some(frame) = stack.last_mut() {
                    // `<![CDATA[` is 9 characters, `]]>` 3.
                    frame.text.push_str(&text[before + 9..after - 3]);
                }
            }
            Event::GeneralRef(_) => {
                let name = &text[before + 1..after - 1];
                match (resolve_reference(name), stack.last_mut()) {
                    (Some(resolved), Some(frame)) => frame.text.push_str(&resolved),
                    (None, _) => unit.diagnostics.push(Diagnostic::new(
                        ParseError::metadata(),
                        span(TextRange::new(before, after)),
                        format!("unknown entity `&{name};`"),
                    )),
                    (Some(_), None) => {}
                }
            }
            Event::Eof => break,
            Event::Comment(_) | Event::Decl(_) | Event::PI(_) | Event::DocType(_) => {}
        }
    }
    if !saw_root {
        unit.diagnostics.push(Diagnostic::new(
            ParseError::metadata(),
            Span::point(root, 0),
            "the file has no `<Autodiscover>` element",
        ));
        return unit;
    }
    accounts.iter().for_each(|account| check_account_values(account, &mut unit, root));
    build_accounts(root, file, accounts, email, &mut unit);
    sort_by_position(&mut unit.diagnostics);
    unit
}

/// The frame of an element that starts at `position` (its start tag's range), with its
/// namespace checked against the one Outlook reads it in; None when the root is not
/// `<Autodiscover>` (reported: nothing more is read).
fn open_element(
    unit: &mut ParsedUnit,
    root: FileId,
    text: &str,
    stack: &[Frame],
    start: &quick_xml::events::BytesStart<'_>,
    namespace: Option<String>,
    (before, after): (usize, usize),
) -> Option<Frame> {
    let local = start.local_name().into_inner().to_owned();
    let qname = start.name().into_inner().to_owned();
    // The root and its other children (`<Error>`) are in the 2006 schema;
    // `<Response>` starts the Outlook 2006a schema, which its content inherits.
    let expected = match stack.last() {
        None => NS_AUTODISCOVER,
        Some(parent) if stack.len() == 1 && local != "Response" => parent.expected,
        Some(_) if stack.len() == 1 => NS_OUTLOOK_RESPONSE,
        Some(parent) => parent.expected,
    };
    if stack.is_empty() && local != "Autodiscover" {
        unit.diagnostics.push(Diagnostic::new(
            ParseError::metadata(),
            Span { file: root, range: TextRange::new(before, after) },
            format!("the root element is `<{qname}>`, not `<Autodiscover>`"),
        ));
        return None;
    }
    // Children of the root other than `<Response>` (an `<Error>`) are not read.
    let parent_mismatched = stack.last().is_some_and(|f| f.mismatched);
    let mismatched = namespace.as_deref() != Some(expected);
    if mismatched && !parent_mismatched {
        report_namespace(unit, root, text, before, &qname, namespace.as_deref(), expected);
    }
    Some(Frame {
        local,
        qname,
        mismatched: mismatched || parent_mismatched,
        expected,
        start: before,
        start_tag_end: after,
        text: String::new(),
        children: Vec::new(),
        protocols: Vec::new(),
    })
}

/// The text of `&name;`: a character reference or one of XML's predefined entities.
fn resolve_reference(name: &str) -> Option<String> {
    if let Some(number) = name.strip_prefix('#') {
        let code = match number.strip_prefix('x') {
            Some(hex) => u32::from_str_radix(hex, 16).ok(),
            None => number.parse().ok(),
        };
        return code.and_then(char::from_u32).map(String::from);
    }
    quick_xml::escape::resolve_predefined_entity(name).map(str::to_owned)
}

fn report_namespace(
    unit: &mut ParsedUnit,
    root: FileId,
    text: &str,
    start: usize,
    qname: &str,
    actual: Option<&str>,
    expected: &str,
) {
    let name_range = TextRange::new(start + 1, start + 1 + qname.len());
    let mut diagnostic = Diagnostic::new(
        AutodiscoverNamespace::metadata(),
        Span { file: root, range: name_range },
        match actual {
            Some(actual) => format!("`<{qname}>` is in namespace `{actual}`, not `{expected}`"),
            None => format!("`<{qname}>` has no namespace; Outlook reads it in `{expected}`"),
        },
    )
    .with_why("Outlook matches Autodiscover elements by namespace and finds no settings here");
    // Only an unprefixed element without its own default namespace can take an attribute.
    let tag = &text[start..];
    let tag_end = tag.find('>').unwrap_or(tag.len());
    if !qname.contains(':') && !tag[..tag_end].contains("xmlns=") {
        diagnostic = diagnostic.with_fix(Fix {
            title: format!("Put `<{qname}>` in `{expected}`"),
            // Unsafe: Outlook starts to apply settings it ignored until now.
            applicability: Applicability::Unsafe,
            edits: vec![Edit::insert(
                Span::point(root, name_range.end as usize),
                format!(" xmlns=\"{expected}\""),
            )],
        });
    }
    unit.diagnostics.push(diagnostic);
}

/// Finishes an element: leaf values go to their parent, protocols to their account.
#[allow(clippy::too_many_arguments)]
fn close(
    text: &str,
    frame: Frame,
    content_end: usize,
    element_end: usize,
    empty: bool,
    stack: &mut [Frame],
    accounts: &mut Vec<AccountData>,
    email: &mut Option<Child>,
) {
    let value_range = if empty {
        TextRange::empty(element_end)
    } else {
        let raw = &text[frame.start_tag_end..content_end];
        let start = frame.start_tag_end + (raw.len() - raw.trim_start().len());
        TextRange::new(start, start.max(frame.start_tag_end + raw.trim_end().len()))
    };
    match frame.local.as_str() {
        "Protocol" => {
            if let Some(parent) = stack.last_mut() {
                parent.protocols.push(ProtocolData {
                    children: frame.children,
                    range: TextRange::new(frame.start, element_end),
                    start_tag_end: frame.start_tag_end,
                });
            }
            return;
        }
        "Account" => {
            accounts.push(AccountData { protocols: frame.protocols, children: frame.children });
            return;
        }
        _ => {}
    }
    let child = Child {
        local: frame.local,
        qname: frame.qname,
        value: frame.text.trim().to_owned(),
        value_range,
        element_range: TextRange::new(frame.start, element_end),
        empty,
    };
    let Some(parent) = stack.last_mut() else { return };
    if child.local == "AutoDiscoverSMTPAddress" && parent.local == "User" {
        email.get_or_insert(child);
    } else if parent.local == "Protocol" || parent.local == "Account" {
        parent.children.push(child);
    }
}

/// Where an element is inserted in a protocol: after its last child, on a new line indented
/// like that child when the protocol spans lines.
fn insertion(text: &str, protocol: &ProtocolData, eol: &str) -> (usize, String) {
    let Some(last) = protocol.children.last() else {
        let end_tag = protocol.range.end as usize;
        let close = text[..end_tag].rfind("</").unwrap_or(end_tag);
        return (close, String::new());
    };
    (last.element_range.end as usize, lead_of(text, last.element_range.start as usize, eol))
}

/// A line break plus the indentation of the element starting at `start`, or nothing when
/// something other than blanks precedes it on its line.
fn lead_of(text: &str, start: usize, eol: &str) -> String {
    let line_start = text[..start].rfind(['\n', '\r']).map_or(0, |i| i + 1);
    let indent = &text[line_start..start];
    if line_start > 0 && indent.chars().all(|c| c == ' ' || c == '\t') {
        format!("{eol}{indent}")
    } else {
        String::new()
    }
}

fn build_accounts(
    root: FileId,
    file: &SourceFile,
    accounts: Vec<AccountData>,
    email: Option<Child>,
    unit: &mut ParsedUnit,
) {
    let text = file.text();
    let eol = file.line_ending().as_str();
    let span = |range: TextRange| Span { file: root, range };
    let mut states = Vec::new();
    for (account_index, account) in accounts.into_iter().enumerate() {
        let mut endpoints = Vec::new();
        let mut endpoint_states = Vec::new();
        let mut account_range: Option<TextRange> = None;
        for (protocol_index, protocol) in account.protocols.iter().enumerate() {
            account_range =
                Some(account_range.map_or(protocol.range, |r| r.cover(&protocol.range)));
            let child = |local: &str| {
                protocol.children.iter().find(|c| c.local.eq_ignore_ascii_case(local))
            };
            check_other_values(protocol, unit, root);
            let Some(kind) = child("Type") else {
                unit.diagnostics.push(Diagnostic::new(
                    ParseError::metadata(),
                    span(TextRange::new(protocol.range.start as usize, protocol.start_tag_end)),
                    "`<Protocol>` has no `<Type>`",
                ));
                continue;
            };
            // Types: POP3, SMTP, IMAP; DAV, WEB, EXCH and EXPR are not mail servers that
            // maillint checks (outlook.md 4).
            let kind_protocol = match kind.value.to_ascii_uppercase().as_str() {
                "IMAP" => Protocol::Imap,
                "POP3" => Protocol::Pop3,
                "SMTP" => Protocol::Smtp,
                "DAV" | "WEB" | "EXCH" | "EXPR" => continue,
                _ => {
                    invalid_value(unit, root, kind, "POP3, SMTP, IMAP, DAV, WEB, EXCH or EXPR");
                    continue;
                }
            };
            let (insert_at, lead) = insertion(text, protocol, eol);
            let insert_span = Span::point(root, insert_at);
            let prefix = kind.qname.strip_suffix(&kind.local).unwrap_or("").to_owned();
            let (endpoint, ambiguous) = protocol_endpoint(
                kind_protocol,
                protocol,
                insert_span,
                format!("autodiscover:account{}:protocol{}", account_index + 1, protocol_index + 1),
                unit,
                root,
            );
            if let Some((anchor, port)) = ambiguous {
                let ssl = child("SSL");
                let (at, lead) = match ssl {
                    Some(ssl) => (
                        ssl.element_range.end as usize,
                        lead_of(text, ssl.element_range.start as usize, eol),
                    ),
                    None => (insert_at, lead.clone()),
                };
                unit.diagnostics.push(
                    Diagnostic::new(
                        AutodiscoverAmbiguousSsl::metadata(),
                        anchor,
                        format!(
                            "{} on port {port} has SSL on and no `<Encryption>`: it is unclear whether Outlook starts TLS at once or with STARTTLS",
                            kind_protocol
                        ),
                    )
                    .with_why("real deployments fail to log in with this pairing (outlook.md 4)")
                    .with_help("say `<Encryption>TLS</Encryption>` for STARTTLS, or use the implicit-TLS port")
                    .with_fix(Fix {
                        title: "Add `<Encryption>TLS</Encryption>` (STARTTLS)".to_owned(),
                        applicability: Applicability::Unsafe,
                        edits: vec![Edit::insert(
                            Span::point(root, at),
                            format!("{lead}<{prefix}Encryption>TLS</{prefix}Encryption>"),
                        )],
                    }),
                );
            }
            endpoints.push(endpoint);
            endpoint_states.push(EndpointState {
                protocol: kind_protocol,
                children: protocol.children.clone(),
                insert_at,
                lead,
                prefix,
            });
        }
        if endpoints.is_empty() {
            continue;
        }
        let email = email.as_ref().filter(|e| !e.value.is_empty());
        unit.accounts.push(Account {
            client: crate::CLIENT,
            name: match email {
                Some(e) => format!("Autodiscover account {} ({})", account_index + 1, e.value),
                None => format!("Autodiscover account {}", account_index + 1),
            },
            email: email.map(|e| Located::explicit(e.value.clone(), span(e.value_range))),
            span: span(account_range.unwrap_or_default()),
            endpoints,
        });
        states.push(endpoint_states);
    }
    unit.state = Some(Box::new(AutodiscoverState { file: root, endpoints: states }));
}

/// `on`/`off` switches (`SSL`, `SPA`, `AuthRequired`; outlook.md 4).
fn switch(child: &Child, unit: &mut ParsedUnit, root: FileId) -> Option<bool> {
    match child.value.to_ascii_lowercase().as_str() {
        "on" => Some(true),
        "off" => Some(false),
        _ => {
            invalid_value(unit, root, child, "`on` or `off`");
            None
        }
    }
}

/// K310 at `child`'s value: it is not one of `expected`.
fn invalid_value(unit: &mut ParsedUnit, root: FileId, child: &Child, expected: &str) {
    unit.diagnostics.push(Diagnostic::new(
        AutodiscoverInvalidValue::metadata(),
        Span { file: root, range: child.value_range },
        format!("`<{}>` takes {expected}, not `{}`", child.local, child.value),
    ));
}

/// The values of an `<Account>` that say what the response is, from Microsoft's POX reference
/// (learn.microsoft.com/exchange/client-developer/web-service-reference): `AccountType (POX)`,
/// "The possible value is email"; `Action (POX)`, `redirectUrl`, `redirectAddr` or `settings`
/// (outlook.md 4). Compared without case: the reference names no case rule, and a finding on
/// `Email` could be a false one.
fn check_account_values(account: &AccountData, unit: &mut ParsedUnit, root: FileId) {
    for child in &account.children {
        let value = child.value.to_ascii_lowercase();
        match child.local.as_str() {
            "AccountType" if value != "email" => invalid_value(unit, root, child, "`email`"),
            "Action" if !["redirecturl", "redirectaddr", "settings"].contains(&value.as_str()) => {
                invalid_value(unit, root, child, "`redirectUrl`, `redirectAddr` or `settings`");
            }
            _ => {}
        }
    }
}

/// The values of a `<Protocol>` that no endpoint field holds but Outlook reads all the same
/// (outlook.md 4): `DomainRequired`, `UsePOPAuth` and `SMTPLast` are `on`/`off` switches,
/// `TTL` a number of hours.
fn check_other_values(protocol: &ProtocolData, unit: &mut ParsedUnit, root: FileId) {
    for child in &protocol.children {
        let local = child.local.to_ascii_lowercase();
        match local.as_str() {
            "domainrequired" | "usepopauth" | "smtplast" => {
                switch(child, unit, root);
            }
            "ttl" if child.value.parse::<u32>().is_err() => {
                invalid_value(unit, root, child, "a whole number of hours");
            }
            _ => {}
        }
    }
}

/// The security of a `<Protocol>`: `<Encryption>`, else `<SSL>` (on when omitted); also the
/// anchor and port of an ambiguous `SSL` pairing.
fn protocol_security(
    protocol: Protocol,
    data: &ProtocolData,
    port: Option<&Located<u16>>,
    insert_at: Span,
    unit: &mut ParsedUnit,
    root: FileId,
) -> (Located<Security>, Option<(Span, u16)>) {
    let span = |range: TextRange| Span { file: root, range };
    let child = |local: &str| data.children.iter().find(|c| c.local.eq_ignore_ascii_case(local));
    let mut ambiguous = None;
    let security = if let Some(encryption) = child("Encryption") {
        match encryption_security(&encryption.value) {
            Some(security) => Located::explicit(security, span(encryption.value_range)),
            None => {
                invalid_value(unit, root, encryption, "None, SSL, TLS or Auto");
                Located::derived(
                    Security::Unknown,
                    span(encryption.value_range),
                    "unreadable `<Encryption>`",
                )
            }
        }
    } else {
        let ssl = child("SSL");
        let ssl_on = match ssl {
            Some(c) => switch(c, unit, root),
            // "defaults to on when omitted" (outlook.md 4, MS `SSL` element page).
            None => Some(true),
        };
        // 143, 110, 587 and 25 start in plaintext (providers.md 4).
        let plaintext_port = port.as_ref().filter(|p| {
            p.value == protocol.starttls_port() || (protocol == Protocol::Smtp && p.value == 25)
        });
        match (ssl_on, plaintext_port) {
            (Some(true), Some(p)) => {
                let anchor = ssl.map_or(p.span, |c| span(c.value_range));
                ambiguous = Some((anchor, p.value));
                Located::derived(
                    Security::Unknown,
                    anchor,
                    format!(
                        "SSL on port {} without `<Encryption>`: implicit TLS or STARTTLS is unclear",
                        p.value
                    ),
                )
            }
            (Some(on), _) => {
                let security = if on { Security::ImplicitTls } else { Security::None };
                match ssl {
                    Some(c) => Located::explicit(security, span(c.value_range)),
                    None => Located::default(
                        security,
                        insert_at,
                        "no `<SSL>`: it defaults to on (outlook.md 4)",
                    ),
                }
            }
            (None, _) => Located::derived(
                Security::Unknown,
                ssl.map_or(insert_at, |c| span(c.value_range)),
                "unreadable `<SSL>`",
            ),
        }
    };
    (security, ambiguous)
}

/// Builds one endpoint; also returns the anchor and port of an ambiguous `SSL` pairing.
fn protocol_endpoint(
    protocol: Protocol,
    data: &ProtocolData,
    insert_at: Span,
    locator: String,
    unit: &mut ParsedUnit,
    root: FileId,
) -> (Endpoint, Option<(Span, u16)>) {
    let span = |range: TextRange| Span { file: root, range };
    let child = |local: &str| data.children.iter().find(|c| c.local.eq_ignore_ascii_case(local));
    let text_of = |local: &str| {
        child(local)
            .filter(|c| !c.value.is_empty())
            .map(|c| Located::explicit(c.value.clone(), span(c.value_range)))
    };
    let port = child("Port").and_then(|c| match c.value.parse::<u16>() {
        Ok(port) if port != 0 => Some(Located::explicit(port, span(c.value_range))),
        _ => {
            invalid_value(unit, root, c, "a TCP port (1 to 65535)");
            None
        }
    });

    let (security, ambiguous) =
        protocol_security(protocol, data, port.as_ref(), insert_at, unit, root);

    let spa = child("SPA").and_then(|c| switch(c, unit, root).map(|on| (on, span(c.value_range))));
    let auth = match child("AuthRequired") {
        Some(c) => match switch(c, unit, root) {
            Some(false) => Located::explicit(AuthMethod::None, span(c.value_range)),
            Some(true) => match spa {
                Some((true, spa_span)) => Located::derived(
                    AuthMethod::Ntlm,
                    spa_span,
                    "`<SPA>on</SPA>`: Secure Password Authentication (NTLM)",
                ),
                _ => Located::explicit(AuthMethod::PasswordCleartext, span(c.value_range)),
            },
            None => Located::derived(
                AuthMethod::Unknown,
                span(c.value_range),
                "unreadable `<AuthRequired>`",
            ),
        },
        None => match spa {
            Some((true, spa_span)) => Located::explicit(AuthMethod::Ntlm, spa_span),
            _ => Located::default(
                AuthMethod::Unknown,
                insert_at,
                "no `<AuthRequired>`: the response does not say whether to log in",
            ),
        },
    };

    let endpoint = Endpoint {
        protocol,
        host: text_of("Server").map(|h| h.map(|text| HostName::new(&text))),
        port,
        security,
        auth,
        username: text_of("LoginName"),
        certificate_verification_disabled: None,
        secrets: Vec::new(),
        tls_versions: Vec::new(),
        span: span(data.range),
        locator,
    };
    (endpoint, ambiguous)
}

/// Text content: `&`, `<`, `>` (and `\r`, which XML would turn into `\n`), by quick-xml.
fn escape_xml(value: &str) -> String {
    quick_xml::escape::partial_escape(value).into_owned()
}

fn lower_autodiscover(
    file: FileId,
    endpoint: &EndpointState,
    changes: &[FieldChange],
) -> Result<Vec<Edit>, LowerError> {
    let mut edits = EditSet::new(file);
    let set = |edits: &mut EditSet, local: &str, value: &str| {
        let value = escape_xml(value);
        match endpoint.child(local) {
            Some(child) if child.empty => {
                let qname = &child.qname;
                edits.replace(child.element_range, format!("<{qname}>{value}</{qname}>"));
            }
            Some(child) => edits.replace(child.value_range, value),
            None => {
                let p = &endpoint.prefix;
                edits.insert(
                    endpoint.insert_at,
                    format!("{}<{p}{local}>{value}</{p}{local}>", endpoint.lead),
                );
            }
        }
    };
    for change in changes {
        match change {
            FieldChange::Host(host) => {
                if host.is_empty() || host.chars().any(char::is_control) {
                    return Err(LowerError(format!(
                        "`{}` is not a host name",
                        host.escape_debug()
                    )));
                }
                set(&mut edits, "Server", host);
            }
            FieldChange::Port(port) => set(&mut edits, "Port", &port.to_string()),
            FieldChange::Security(security) => {
                let encryption = security_as_encryption(*security)
                    .ok_or_else(|| LowerError("unknown security cannot be written".to_owned()))?;
                let has_ssl = endpoint.child("SSL").is_some();
                match security {
                    _ if endpoint.child("Encryption").is_some() => {
                        set(&mut edits, "Encryption", encryption)
                    }
                    // `<SSL>` says on or off; `<Encryption>` (Outlook 2010 and later) is needed
                    // for STARTTLS and Auto (outlook.md 4).
                    Security::None => set(&mut edits, "SSL", "off"),
                    Security::ImplicitTls if has_ssl => set(&mut edits, "SSL", "on"),
                    _ => set(&mut edits, "Encryption", encryption),
                }
            }
            FieldChange::Auth(auth) => match auth {
                AuthMethod::PasswordCleartext => {
                    set(&mut edits, "AuthRequired", "on");
                    if endpoint.child("SPA").is_some() {
                        set(&mut edits, "SPA", "off");
                    }
                }
                AuthMethod::Ntlm => {
                    set(&mut edits, "AuthRequired", "on");
                    set(&mut edits, "SPA", "on");
                }
                AuthMethod::None => set(&mut edits, "AuthRequired", "off"),
                other => {
                    return Err(LowerError(format!(
                        "Autodiscover POX cannot ask for {} authentication for {}",
                        other.as_str(),
                        endpoint.protocol
                    )));
                }
            },
            FieldChange::EnableCertificateVerification | FieldChange::DisableTlsVersion(_) => {
                return Err(LowerError(
                    "Autodiscover POX has no certificate or TLS version settings".to_owned(),
                ));
            }
        }
    }
    Ok(edits.finish())
}

#[cfg(test)]
mod tests {
    use super::*;
    use maillint_core::fix::apply_edits;

    const SAMPLE: &str = r#"<?xml version="1.0" encoding="utf-8"?>
<Autodiscover xmlns="http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006">
  <Response xmlns="http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a">
    <User><AutoDiscoverSMTPAddress>me@example.net</AutoDiscoverSMTPAddress></User>
    <Account>
      <AccountType>email</AccountType>
      <Action>settings</Action>
      <Protocol>
        <Type>IMAP</Type>
        <Server>imap.example.net</Server>
        <Port>993</Port>
        <SSL>on</SSL>
        <SPA>off</SPA>
        <AuthRequired>on</AuthRequired>
      </Protocol>
      <Protocol>
        <Type>SMTP</Type>
        <Server>smtp.example.net</Server>
        <Port>587</Port>
        <Encryption>TLS</Encryption>
        <AuthRequired>on</AuthRequired>
      </Protocol>
    </Account>
  </Response>
</Autodiscover>
"#;

    fn parse(text: &str) -> (Sources, ParsedUnit) {
        crate::testing::parse_as(&AutodiscoverParser, "autodiscover.xml", text)
    }

    fn relower(text: &str, endpoint: usize, changes: &[FieldChange]) -> (String, ParsedUnit) {
        crate::testing::relower_as(&AutodiscoverParser, "autodiscover.xml", text, endpoint, changes)
    }

    #[test]
    fn reads_the_reference_response() {
        let (sources, unit) = parse(SAMPLE);
        assert!(unit.diagnostics.is_empty(), "{:?}", unit.diagnostics);
        let account = &unit.accounts[0];
        assert_eq!(account.email.as_ref().unwrap().value, "me@example.net");
        let imap = &account.endpoints[0];
        assert_eq!(sources.slice(imap.host.as_ref().unwrap().span), "imap.example.net");
        assert_eq!(imap.security.value, Security::ImplicitTls);
        assert_eq!(imap.auth.value, AuthMethod::PasswordCleartext);
        let smtp = &account.endpoints[1];
        assert_eq!(smtp.security.value, Security::StarttlsRequired);
        assert_eq!(smtp.port.as_ref().unwrap().value, 587);
    }

    #[test]
    fn prefixed_namespaces_are_resolved_and_wrong_ones_reported() {
        let prefixed = SAMPLE
            .replace("<Response xmlns=", "<r:Response xmlns:r=")
            .replace("</Response>", "</r:Response>")
            .replace("<Protocol>", "<r:Protocol xmlns=\"urn:other\">")
            .replace("</Protocol>", "</r:Protocol>");
        let (_, unit) = parse(&prefixed);
        // The protocols' children are now in `urn:other`, and the protocols themselves are
        // prefixed into the right namespace: only the children are reported, once per protocol.
        let names: Vec<&str> = unit.diagnostics.iter().map(|d| d.rule.name.as_str()).collect();
        assert!(names.iter().all(|n| *n == "autodiscover-namespace"), "{names:?}");
        assert!(!names.is_empty());
        assert_eq!(unit.accounts[0].endpoints.len(), 2);

        let missing = SAMPLE.replace(
            "<Response xmlns=\"http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a\">",
            "<Response>",
        );
        let (sources, unit) = parse(&missing);
        assert_eq!(unit.diagnostics.len(), 1);
        assert_eq!(sources.slice(unit.diagnostics[0].span), "Response");
        let fix = unit.diagnostics[0].fix.as_ref().unwrap();
        let fixed =
            apply_edits(&missing, &[(fix.edits[0].span.range, fix.edits[0].content.as_str())])
                .unwrap();
        assert_eq!(fixed, SAMPLE);
    }

    #[test]
    fn ssl_on_a_starttls_port_is_ambiguous_and_fixable() {
        let text = SAMPLE.replace("<Encryption>TLS</Encryption>", "<SSL>on</SSL>");
        let (_, unit) = parse(&text);
        let smtp = &unit.accounts[0].endpoints[1];
        assert_eq!(smtp.security.value, Security::Unknown);
        let d = &unit.diagnostics[0];
        assert_eq!(d.rule.name, "autodiscover-ambiguous-ssl");
        let edit = &d.fix.as_ref().unwrap().edits[0];
        let fixed = apply_edits(&text, &[(edit.span.range, edit.content.as_str())]).unwrap();
        assert!(fixed.contains("<SSL>on</SSL>\n        <Encryption>TLS</Encryption>\n"));
        let (_, reparsed) = parse(&fixed);
        assert_eq!(reparsed.accounts[0].endpoints[1].security.value, Security::StarttlsRequired);
        assert!(reparsed.diagnostics.is_empty());
    }

    #[test]
    fn an_error_element_in_the_root_namespace_is_not_a_namespace_finding() {
        let text = format!(
            "<Autodiscover xmlns=\"{NS_AUTODISCOVER}\">\n  <Response>\n    <Error><ErrorCode>500</ErrorCode></Error>\n  </Response>\n</Autodiscover>\n"
        );
        let (_, unit) = parse(&text);
        // Only `<Response>` is in the wrong namespace; its content is not reported again.
        assert_eq!(unit.diagnostics.len(), 1);
        let text = format!("<Autodiscover xmlns=\"{NS_AUTODISCOVER}\"><Error/></Autodiscover>");
        assert!(parse(&text).1.diagnostics.is_empty());
    }

    #[test]
    fn lowering_replaces_text_and_inserts_missing_elements_with_indentation() {
        let (new, unit) = relower(
            SAMPLE,
            0,
            &[FieldChange::Port(143), FieldChange::Security(Security::StarttlsRequired)],
        );
        assert!(new.contains("<Port>143</Port>"));
        assert!(new.contains("<AuthRequired>on</AuthRequired>\n        <Encryption>TLS</Encryption>\n      </Protocol>"));
        assert_eq!(unit.accounts[0].endpoints[0].security.value, Security::StarttlsRequired);
        let (new, unit) = relower(
            SAMPLE,
            1,
            &[
                FieldChange::Host("mail.example.net".to_owned()),
                FieldChange::Auth(AuthMethod::Ntlm),
            ],
        );
        assert!(new.contains("<Server>mail.example.net</Server>"));
        assert_eq!(unit.accounts[0].endpoints[1].auth.value, AuthMethod::Ntlm);
    }

    #[test]
    fn malformed_xml_is_a_parse_error_with_a_position() {
        let text = "<Autodiscover xmlns=\"http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006\">\n  <Response xmlns=\"http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a\">\n</Autodiscover>\n";
        let (sources, unit) = parse(text);
        assert_eq!(unit.diagnostics.len(), 1);
        assert_eq!(unit.diagnostics[0].rule.name, "parse-error");
        let at = sources.start(unit.diagnostics[0].span);
        assert_eq!(at.line, 3);
        assert!(unit.accounts.is_empty());
    }

    #[test]
    fn every_value_outlook_reads_is_checked_at_its_line_and_column() {
        let text = SAMPLE
            .replace("<Port>993</Port>", "<Port>imaps</Port>")
            .replace("<SPA>off</SPA>", "<SPA>yes</SPA>")
            .replace(
                "<Encryption>TLS</Encryption>",
                "<Encryption>STARTTLS</Encryption><TTL>1.5</TTL><SMTPLast>1</SMTPLast>\
                 <UsePOPAuth>off</UsePOPAuth><DomainRequired>maybe</DomainRequired>",
            )
            .replace("<Type>IMAP</Type>", "<Type>IMAP4</Type>");
        let (sources, unit) = parse(&text);
        let found: Vec<(&str, &str, u32)> = unit
            .diagnostics
            .iter()
            .map(|d| (d.rule.name.as_str(), sources.slice(d.span), sources.start(d.span).line))
            .collect();
        assert_eq!(
            found,
            [
                ("autodiscover-invalid-value", "IMAP4", 9),
                ("autodiscover-invalid-value", "STARTTLS", 20),
                ("autodiscover-invalid-value", "1.5", 20),
                ("autodiscover-invalid-value", "1", 20),
                ("autodiscover-invalid-value", "maybe", 20),
            ]
        );
        let text = SAMPLE
            .replace("<Port>993</Port>", "<Port>imaps</Port>")
            .replace("<SPA>off</SPA>", "<SPA>yes</SPA>");
        let (sources, unit) = parse(&text);
        let spans: Vec<&str> = unit.diagnostics.iter().map(|d| sources.slice(d.span)).collect();
        assert_eq!(spans, ["imaps", "yes"]);
        assert!(unit.diagnostics.iter().all(|d| d.rule.code == "K310"));
    }

    #[test]
    fn account_type_and_action_are_checked_at_their_value() {
        let text = SAMPLE
            .replace("<AccountType>email</AccountType>", "<AccountType>imap</AccountType>")
            .replace("<Action>settings</Action>", "<Action>configure</Action>");
        let (sources, unit) = parse(&text);
        let found: Vec<(&str, &str, u32, u32)> = unit
            .diagnostics
            .iter()
            .map(|d| {
                let at = sources.start(d.span);
                (d.rule.code.as_str(), sources.slice(d.span), at.line, at.column)
            })
            .collect();
        assert_eq!(found, [("K310", "imap", 6, 20), ("K310", "configure", 7, 15)]);
        assert!(
            unit.diagnostics[1].message.contains("`redirectUrl`, `redirectAddr` or `settings`")
        );
        // The documented values, in any case, pass; the protocols are still read.
        let text = SAMPLE.replace("<Action>settings</Action>", "<Action>redirectAddr</Action>");
        let (_, unit) = parse(&text.replace(">email<", ">Email<"));
        assert!(unit.diagnostics.is_empty());
        assert_eq!(unit.accounts[0].endpoints.len(), 2);
    }
}
