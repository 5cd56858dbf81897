//! Outlook's enumerations mapped to the account model, shared by the PRF, registry and
//! Autodiscover readers, and the one place that turns the raw values of an account into an
//! [`Endpoint`].
//!
//! Every value comes from `/work/shared/reference/outlook.md` (cited by section). Values the
//! reference does not document map to [`Security::Unknown`] rather than to a guess.

use maillint_core::builtin::ParseError;
use maillint_core::{
    AuthMethod, Diagnostic, Endpoint, HostName, Located, Protocol, Security, Span, StoredSecret,
};

/// A number read from the file, with the span of its text.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Number {
    pub value: u32,
    pub span: Span,
}

/// `POP3UseSSL` / `IMAPUseSSL` / `SMTPUseSSL` and their registry twins: "0 off, 1 SSL"
/// (outlook.md 1.3, 2.2). Other values are undocumented: encryption requested, mode unknown.
pub(crate) fn ssl_flag_security(value: u32) -> Security {
    match value {
        0 => Security::None,
        1 => Security::ImplicitTls,
        _ => Security::Unknown,
    }
}

/// The `UseSSL` flag that says `security`, when the flag can say it (only off and SSL).
pub(crate) fn security_as_ssl_flag(security: Security) -> Option<u32> {
    match security {
        Security::None => Some(0),
        Security::ImplicitTls => Some(1),
        _ => None,
    }
}

/// `PROP_SMTP_SECURE_CONNECTION` (outlook.md 1.4, MS constants page): 0
/// `ENCRYPT_CONN_NO_SECURITY`, 1 `ENCRYPT_CONN_SSL`, 2 `ENCRYPT_CONN_TLS` (STARTTLS), 3
/// `ENCRYPT_CONN_AUTO` (auto-detect, "treat as downgradable").
pub(crate) fn secure_connection_security(value: u32) -> Security {
    match value {
        0 => Security::None,
        1 => Security::ImplicitTls,
        2 => Security::StarttlsRequired,
        3 => Security::StarttlsOptional,
        _ => Security::Unknown,
    }
}

/// The `SMTPSecureConnection` value for `security` (outlook.md 1.4).
pub(crate) fn security_as_secure_connection(security: Security) -> Option<u32> {
    match security {
        Security::None => Some(0),
        Security::ImplicitTls => Some(1),
        Security::StarttlsRequired => Some(2),
        Security::StarttlsOptional => Some(3),
        Security::Unknown => None,
    }
}

/// Autodiscover `<Encryption>`: `None`, `SSL`, `TLS` or `Auto` (outlook.md 4); `Auto` is
/// opportunistic.
pub(crate) fn encryption_security(text: &str) -> Option<Security> {
    match text.to_ascii_lowercase().as_str() {
        "none" => Some(Security::None),
        "ssl" => Some(Security::ImplicitTls),
        "tls" => Some(Security::StarttlsRequired),
        "auto" => Some(Security::StarttlsOptional),
        _ => None,
    }
}

/// The `<Encryption>` text for `security` (outlook.md 4).
pub(crate) fn security_as_encryption(security: Security) -> Option<&'static str> {
    match security {
        Security::None => Some("None"),
        Security::ImplicitTls => Some("SSL"),
        Security::StarttlsRequired => Some("TLS"),
        Security::StarttlsOptional => Some("Auto"),
        Security::Unknown => None,
    }
}

/// `PROP_SMTP_AUTH_METHOD` value 2, `SMTP_AUTH_RECEIVE_BEFORE_SEND`: log on to the incoming
/// server before sending (outlook.md 1.4).
pub(crate) const SMTP_AUTH_RECEIVE_BEFORE_SEND: u32 = 2;

/// The names a format gives the settings of one endpoint, for messages and defaults.
#[derive(Clone, Copy, Debug)]
pub(crate) struct SettingNames {
    pub port: &'static str,
    pub ssl_flag: &'static str,
    pub secure_connection: &'static str,
    pub spa: &'static str,
    pub use_auth: &'static str,
    pub auth_method: &'static str,
}

/// The raw settings of one endpoint as a format read them.
#[derive(Clone, Debug)]
pub(crate) struct EndpointInput {
    pub protocol: Protocol,
    pub names: SettingNames,
    pub host: Option<Located<String>>,
    pub port: Option<Number>,
    pub ssl_flag: Option<Number>,
    /// SMTP only: `SMTPSecureConnection`.
    pub secure_connection: Option<Number>,
    /// Whether `secure_connection` rather than `ssl_flag` decides the security when both are
    /// present (the one the file maps; outlook.md 1.3).
    pub prefer_secure_connection: bool,
    pub spa: Option<Number>,
    /// SMTP only: `SMTPUseAuth`.
    pub use_auth: Option<Number>,
    /// SMTP only: `SMTPAuthMethod`.
    pub auth_method: Option<Number>,
    pub username: Option<Located<String>>,
    pub secrets: Vec<StoredSecret>,
    /// Where a missing setting would be written.
    pub insert_at: Span,
    pub span: Span,
    pub locator: String,
}

/// Which setting decided an endpoint's security, so that a fix edits that one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum SecuritySource {
    SslFlag,
    SecureConnection,
    Missing,
}

/// Builds the endpoint. Problems with values (a port out of range) become parse errors.
pub(crate) fn build_endpoint(
    input: EndpointInput,
    diagnostics: &mut Vec<Diagnostic>,
) -> (Endpoint, SecuritySource) {
    let names = input.names;
    let protocol = input.protocol;
    let port = input.port.and_then(|n| match u16::try_from(n.value) {
        Ok(port) if port != 0 => Some(Located::explicit(port, n.span)),
        _ => {
            diagnostics.push(Diagnostic::new(
                ParseError::metadata(),
                n.span,
                format!("`{}` is {}, which is not a TCP port (1 to 65535)", names.port, n.value),
            ));
            None
        }
    });

    let use_secure_connection = protocol == Protocol::Smtp
        && input.secure_connection.is_some()
        && (input.prefer_secure_connection || input.ssl_flag.is_none());
    let (security, source) = if use_secure_connection {
        let n = input.secure_connection.expect("checked above");
        (
            located_enum(secure_connection_security(n.value), n, names.secure_connection),
            SecuritySource::SecureConnection,
        )
    } else if let Some(n) = input.ssl_flag {
        (located_enum(ssl_flag_security(n.value), n, names.ssl_flag), SecuritySource::SslFlag)
    } else if let (Protocol::Smtp, Some(n)) = (protocol, input.secure_connection) {
        (
            located_enum(secure_connection_security(n.value), n, names.secure_connection),
            SecuritySource::SecureConnection,
        )
    } else {
        let setting =
            if protocol == Protocol::Smtp { names.secure_connection } else { names.ssl_flag };
        (
            Located::default(
                Security::None,
                input.insert_at,
                format!(
                    "no `{setting}`: no encryption, as readers take a missing flag as 0 \
                     (outlook.md 2.2; Outlook's own default is unverified)"
                ),
            ),
            SecuritySource::Missing,
        )
    };

    let auth = if protocol == Protocol::Smtp {
        smtp_auth(&input)
    } else {
        match input.spa {
            Some(n) if n.value != 0 => Located::explicit(AuthMethod::Ntlm, n.span),
            Some(n) => Located::explicit(AuthMethod::PasswordCleartext, n.span),
            None => Located::default(
                AuthMethod::PasswordCleartext,
                input.insert_at,
                format!("no `{}`: Outlook logs in with the account password, not SPA", names.spa),
            ),
        }
    };

    let endpoint = Endpoint {
        protocol,
        host: input.host.map(|h| h.map(|text| HostName::new(&text))),
        port,
        security,
        auth,
        username: input.username,
        certificate_verification_disabled: None,
        secrets: input.secrets,
        tls_versions: Vec::new(),
        span: input.span,
        locator: input.locator,
    };
    (endpoint, source)
}

fn located_enum(security: Security, n: Number, setting: &str) -> Located<Security> {
    if security == Security::Unknown {
        Located::derived(
            Security::Unknown,
            n.span,
            format!("`{setting}` is {}, a value outlook.md does not document", n.value),
        )
    } else {
        Located::explicit(security, n.span)
    }
}

/// SMTP authentication: `SMTPUseAuth` 0 = none, non-zero = authenticate (outlook.md 1.3);
/// `SMTPUseSPA` 1 = SPA (NTLM); `SMTPAuthMethod` 2 = log on to the incoming server first, so
/// no SMTP AUTH at all (outlook.md 1.4).
fn smtp_auth(input: &EndpointInput) -> Located<AuthMethod> {
    let names = input.names;
    match input.use_auth {
        Some(n) if n.value == 0 => Located::explicit(AuthMethod::None, n.span),
        Some(n) => {
            if let Some(m) = input.auth_method.filter(|m| m.value == SMTP_AUTH_RECEIVE_BEFORE_SEND)
            {
                Located::derived(
                    AuthMethod::None,
                    m.span,
                    format!(
                        "`{}` is 2 (SMTP_AUTH_RECEIVE_BEFORE_SEND): Outlook logs on to the \
                         incoming server instead of authenticating to SMTP",
                        names.auth_method
                    ),
                )
            } else if let Some(spa) = input.spa.filter(|s| s.value != 0) {
                Located::derived(
                    AuthMethod::Ntlm,
                    spa.span,
                    format!("`{}` is on and `{}` asks for SPA (NTLM)", names.use_auth, names.spa),
                )
            } else {
                Located::explicit(AuthMethod::PasswordCleartext, n.span)
            }
        }
        None => Located::default(
            AuthMethod::None,
            input.insert_at,
            format!("no `{}`: 0, Outlook sends without authenticating", names.use_auth),
        ),
    }
}

/// Whether two SMTP security settings that are both read disagree (outlook.md 1.3: two
/// generations of keys). Undocumented values never conflict: their meaning is unknown.
pub(crate) fn smtp_flags_conflict(ssl_flag: u32, secure_connection: u32) -> bool {
    let old = ssl_flag_security(ssl_flag);
    let new = secure_connection_security(secure_connection);
    old != Security::Unknown && new != Security::Unknown && old != new
}

/// Parses a PRF or Autodiscover number: decimal (`993`) or hexadecimal (`0x3E1`), both of
/// which occur in PRF files (outlook.md 1.1).
pub(crate) fn parse_number(text: &str) -> Option<u32> {
    let text = text.trim();
    if let Some(hex) = text.strip_prefix("0x").or_else(|| text.strip_prefix("0X")) {
        if hex.is_empty() || hex.len() > 8 {
            return None;
        }
        return u32::from_str_radix(hex, 16).ok();
    }
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

/// The parser state of `unit` and one endpoint's entry in it, for [`Parser::lower`]. Every
/// Outlook parser keeps its endpoints as `endpoints[account][endpoint]`; `format` names the
/// parser in the error when the unit came from another one.
///
/// [`Parser::lower`]: maillint_core::Parser::lower
pub(crate) fn lowering_target<'a, S: 'static, E>(
    unit: &'a maillint_core::ParsedUnit,
    format: &str,
    endpoints: impl FnOnce(&'a S) -> &'a [Vec<E>],
    account: usize,
    endpoint: usize,
) -> Result<(&'a S, &'a E), maillint_core::LowerError> {
    let state = unit.state_of::<S>(format)?;
    let entry = endpoints(state).get(account).and_then(|a| a.get(endpoint)).ok_or_else(|| {
        maillint_core::LowerError(format!("no endpoint {endpoint} in account {account}"))
    })?;
    Ok((state, entry))
}

#[cfg(test)]
mod tests {
    use super::*;
    use maillint_core::FileId;

    fn names() -> SettingNames {
        SettingNames {
            port: "SMTPPort",
            ssl_flag: "SMTPUseSSL",
            secure_connection: "SMTPSecureConnection",
            spa: "SMTPUseSPA",
            use_auth: "SMTPUseAuth",
            auth_method: "SMTPAuthMethod",
        }
    }

    fn input(protocol: Protocol) -> EndpointInput {
        EndpointInput {
            protocol,
            names: names(),
            host: None,
            port: None,
            ssl_flag: None,
            secure_connection: None,
            prefer_secure_connection: true,
            spa: None,
            use_auth: None,
            auth_method: None,
            username: None,
            secrets: Vec::new(),
            insert_at: Span::point(FileId(0), 0),
            span: Span::point(FileId(0), 0),
            locator: String::new(),
        }
    }

    fn n(value: u32) -> Option<Number> {
        Some(Number { value, span: Span::new(FileId(0), 1, 2) })
    }

    #[test]
    fn secure_connection_enum_follows_the_ms_constants() {
        assert_eq!(secure_connection_security(0), Security::None);
        assert_eq!(secure_connection_security(1), Security::ImplicitTls);
        assert_eq!(secure_connection_security(2), Security::StarttlsRequired);
        assert_eq!(secure_connection_security(3), Security::StarttlsOptional);
        assert_eq!(secure_connection_security(4), Security::Unknown);
        for s in [
            Security::None,
            Security::ImplicitTls,
            Security::StarttlsRequired,
            Security::StarttlsOptional,
        ] {
            assert_eq!(secure_connection_security(security_as_secure_connection(s).unwrap()), s);
            assert_eq!(encryption_security(security_as_encryption(s).unwrap()), Some(s));
        }
        assert_eq!(security_as_ssl_flag(Security::StarttlsRequired), None);
    }

    #[test]
    fn mapped_secure_connection_wins_over_the_old_flag() {
        let mut i = input(Protocol::Smtp);
        i.ssl_flag = n(1);
        i.secure_connection = n(2);
        let (e, source) = build_endpoint(i.clone(), &mut Vec::new());
        assert_eq!(e.security.value, Security::StarttlsRequired);
        assert_eq!(source, SecuritySource::SecureConnection);
        i.prefer_secure_connection = false;
        let (e, source) = build_endpoint(i, &mut Vec::new());
        assert_eq!(e.security.value, Security::ImplicitTls);
        assert_eq!(source, SecuritySource::SslFlag);
    }

    #[test]
    fn missing_flags_are_defaults_at_the_insertion_point() {
        let (e, source) = build_endpoint(input(Protocol::Imap), &mut Vec::new());
        assert_eq!(source, SecuritySource::Missing);
        assert!(e.security.is_default() && e.security.value == Security::None);
        assert!(e.auth.is_default() && e.auth.value == AuthMethod::PasswordCleartext);
        assert!(e.port.is_none());
    }

    #[test]
    fn smtp_auth_follows_use_auth_spa_and_auth_method() {
        let mut i = input(Protocol::Smtp);
        i.use_auth = n(0);
        assert_eq!(build_endpoint(i.clone(), &mut Vec::new()).0.auth.value, AuthMethod::None);
        i.use_auth = n(1);
        assert_eq!(
            build_endpoint(i.clone(), &mut Vec::new()).0.auth.value,
            AuthMethod::PasswordCleartext
        );
        i.spa = n(1);
        assert_eq!(build_endpoint(i.clone(), &mut Vec::new()).0.auth.value, AuthMethod::Ntlm);
        i.auth_method = n(2);
        assert_eq!(build_endpoint(i, &mut Vec::new()).0.auth.value, AuthMethod::None);
    }

    #[test]
    fn port_out_of_range_is_a_parse_error_not_a_port() {
        let mut i = input(Protocol::Smtp);
        i.port = n(70000);
        let mut diagnostics = Vec::new();
        let (e, _) = build_endpoint(i, &mut diagnostics);
        assert!(e.port.is_none());
        assert_eq!(diagnostics.len(), 1);
        assert!(diagnostics[0].message.contains("70000"));
    }

    #[test]
    fn numbers_are_decimal_or_0x() {
        assert_eq!(parse_number("993"), Some(993));
        assert_eq!(parse_number("0x20007"), Some(0x20007));
        assert_eq!(parse_number("0X3E1"), Some(993));
        assert_eq!(parse_number("-1"), None);
        assert_eq!(parse_number("0x"), None);
        assert_eq!(parse_number("ninety"), None);
    }

    #[test]
    fn conflicts_only_between_documented_values() {
        assert!(smtp_flags_conflict(0, 2));
        assert!(smtp_flags_conflict(1, 0));
        assert!(!smtp_flags_conflict(1, 1));
        assert!(!smtp_flags_conflict(0, 0));
        assert!(!smtp_flags_conflict(5, 0));
    }
}
