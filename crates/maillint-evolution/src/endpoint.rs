//! One service of a `.source` file as Camel connects to it: `[Authentication]` `Host`, `Port`,
//! `User` and `Method`, and `[Security]` `Method`, with the defaults Camel fills in.
//!
//! How the values reach Camel: `ESourceCamel` binds the `CamelNetworkSettings` properties
//! `host`, `port`, `user`, `auth-mechanism` and `security-method` to the `[Authentication]`
//! and `[Security]` extensions (`src/libedataserver/e-source-camel.c`, `bindings[]`), the
//! security method through its enum nick (`e_binding_transform_enum_nick_to_value`).

use maillint_core::{AuthMethod, Endpoint, Located, Protocol, Security, Span};

use crate::keyfile::{AUTHENTICATION, KeyFile, SECURITY};

/// The nicks of `CamelNetworkSecurityMethod` (`src/camel/camel-enums.h`; the nicks are
/// glib-mkenums' lower-case, dash-separated names of `CAMEL_NETWORK_SECURITY_METHOD_*`).
pub const NICKS: &[(&str, Security)] = &[
    ("none", Security::None),
    ("ssl-on-alternate-port", Security::ImplicitTls),
    // Required: imapx, smtp and pop3 fail when the server offers no STARTTLS ("STARTTLS not
    // supported", camel-imapx-server.c, camel-smtp-transport.c; "STLS not supported by
    // server", camel-pop3-store.c).
    ("starttls-on-standard-port", Security::StarttlsRequired),
];

/// The nick that writes `security`, when Camel has one.
pub fn nick(security: Security) -> Option<&'static str> {
    NICKS.iter().find(|(_, s)| *s == security).map(|(nick, _)| *nick)
}

/// The endpoint of the service a source file describes, when it names a host (Camel cannot
/// connect without one).
pub fn endpoint(source: &KeyFile, protocol: Protocol) -> Option<Endpoint> {
    let (host, host_span) = source.non_empty(AUTHENTICATION, "Host")?;
    let security = security(source);
    let port = port(source, protocol, security.value);
    Some(Endpoint {
        protocol,
        host: Some(Located::explicit(maillint_core::HostName::new(host), host_span)),
        port,
        security,
        auth: auth(source, protocol),
        username: source
            .non_empty(AUTHENTICATION, "User")
            .map(|(user, span)| Located::explicit(user.to_owned(), span)),
        // Evolution keeps certificate trust in Camel's certificate database, not in sources.
        certificate_verification_disabled: None,
        secrets: Vec::new(),
        tls_versions: Vec::new(),
        span: host_span,
        locator: protocol.as_str().to_owned(),
    })
}

/// `[Security] Method`. `ESourceSecurity:method` defaults to "none", and an empty value is
/// stored as "none" (`e_source_security_set_method`, `src/libedataserver/e-source-security.c`);
/// a value that is no nick fails the binding's transform, so Camel keeps its property default,
/// `CAMEL_NETWORK_SECURITY_METHOD_STARTTLS_ON_STANDARD_PORT` (`camel-network-settings.c`).
fn security(source: &KeyFile) -> Located<Security> {
    let Some((word, span)) = source.value(SECURITY, "Method") else {
        return Located::default(
            Security::None,
            source.insert_at(SECURITY),
            "without `[Security] Method` evolution-data-server uses \"none\": no encryption",
        );
    };
    if word.is_empty() {
        return Located::derived(
            Security::None,
            span,
            "an empty `[Security] Method` is stored as \"none\": no encryption",
        );
    }
    match NICKS.iter().find(|(nick, _)| *nick == word) {
        Some(&(_, security)) => Located::explicit(security, span),
        None => Located::derived(
            Security::StarttlsRequired,
            span,
            format!(
                "`{word}` is not a security method Camel knows, so it keeps its default, \
                 starttls-on-standard-port"
            ),
        ),
    }
}

/// `[Authentication] Port`: 0 (the property's default) means the provider's default port for
/// the security method (`camel_network_service_get_default_port`): 993/143 for IMAP
/// (`imapx_store_get_default_port`, `camel-imapx-store.c`), 995/110 for POP3
/// (`camel-pop3-store.c`), 465/25 for SMTP (`camel-smtp-transport.c`): the first with
/// `ssl-on-alternate-port`, the second otherwise.
fn port(source: &KeyFile, protocol: Protocol, security: Security) -> Option<Located<u16>> {
    let written = source.value(AUTHENTICATION, "Port");
    if let Some((text, span)) = written
        && !text.is_empty()
    {
        match text.parse::<u16>() {
            Ok(0) => {}
            Ok(port) => return Some(Located::explicit(port, span)),
            Err(_) => return None,
        }
    }
    let port = match (protocol, security) {
        (_, Security::ImplicitTls) => protocol.implicit_tls_port(),
        (Protocol::Smtp, _) => 25,
        (_, _) => protocol.starttls_port(),
    };
    let at = written.map_or_else(|| source.insert_at(AUTHENTICATION), |(_, span)| span);
    Some(Located::default(
        port,
        at,
        format!("port 0 or none is Camel's default port for the security method, {port}"),
    ))
}

/// `[Authentication] Method`: a Camel SASL mechanism name (`CamelServiceAuthType.authproto`
/// of `src/camel/camel-sasl-*.c`), or the provider's own (`+APOP`, `camel-pop3-provider.c`).
/// "none" or empty is `NULL` for Camel (`transform_none_to_null`, `e-source-camel.c`): IMAP
/// then logs in with `LOGIN`, POP3 with `USER`/`PASS`, and SMTP does not authenticate.
fn auth(source: &KeyFile, protocol: Protocol) -> Located<AuthMethod> {
    let written = source.value(AUTHENTICATION, "Method");
    let Some((word, span)) = written.filter(|(word, _)| !word.is_empty() && *word != "none") else {
        let at = written.map_or_else(|| source.insert_at(AUTHENTICATION), |(_, span)| span);
        return match protocol {
            Protocol::Smtp => Located::default(AuthMethod::None, at, "no mechanism: no SMTP AUTH"),
            _ => Located::default(
                AuthMethod::PasswordCleartext,
                at,
                "no mechanism: the password is sent as is (IMAP LOGIN, POP3 USER/PASS)",
            ),
        };
    };
    let method = match word {
        "PLAIN" | "LOGIN" => AuthMethod::PasswordCleartext,
        "CRAM-MD5" | "DIGEST-MD5" | "+APOP" => AuthMethod::PasswordEncrypted,
        "GSSAPI" => AuthMethod::Gssapi,
        "NTLM" => AuthMethod::Ntlm,
        "XOAUTH2" | "Google" | "Outlook" | "Yahoo" => AuthMethod::Oauth2,
        "ANONYMOUS" => AuthMethod::None,
        _ => AuthMethod::Unknown,
    };
    Located::explicit(method, span)
}

/// The span a fix of `endpoint` writes into: the file its host was read from.
pub fn file_of(endpoint: &Endpoint) -> Option<Span> {
    endpoint.host.as_ref().map(|host| host.span)
}
