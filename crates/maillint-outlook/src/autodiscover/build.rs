//! From the elements read to maillint's accounts: each `<Protocol>`'s server, port, security
//! and authentication, and the values Outlook would reject.

use super::*;

pub(super) fn build_accounts(
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
pub(super) fn switch(child: &Child, unit: &mut ParsedUnit, root: FileId) -> Option<bool> {
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
pub(super) fn invalid_value(unit: &mut ParsedUnit, root: FileId, child: &Child, expected: &str) {
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
pub(super) fn check_account_values(account: &AccountData, unit: &mut ParsedUnit, root: FileId) {
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
pub(super) fn check_other_values(protocol: &ProtocolData, unit: &mut ParsedUnit, root: FileId) {
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
pub(super) fn protocol_security(
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
pub(super) fn protocol_endpoint(
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

/// Where an element is inserted in a protocol: after its last child, on a new line indented
/// like that child when the protocol spans lines.
pub(super) fn insertion(text: &str, protocol: &ProtocolData, eol: &str) -> (usize, String) {
    let Some(last) = protocol.children.last() else {
        let end_tag = protocol.range.end as usize;
        let close = text[..end_tag].rfind("</").unwrap_or(end_tag);
        return (close, String::new());
    };
    (last.element_range.end as usize, lead_of(text, last.element_range.start as usize, eol))
}

/// A line break plus the indentation of the element starting at `start`, or nothing when
/// something other than blanks precedes it on its line.
pub(super) fn lead_of(text: &str, start: usize, eol: &str) -> String {
    let line_start = text[..start].rfind(['\n', '\r']).map_or(0, |i| i + 1);
    let indent = &text[line_start..start];
    if line_start > 0 && indent.chars().all(|c| c == ' ' || c == '\t') {
        format!("{eol}{indent}")
    } else {
        String::new()
    }
}
