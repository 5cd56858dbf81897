//! The Akonadi IMAP resource's settings, `$XDG_CONFIG_HOME/akonadi_imap_resource_<N>rc`: the
//! `[network]` group of kdepim-runtime's `resources/imap/imapresource.kcfg`, as
//! `Settings::loadAccount` (`resources/imap/settings.cpp`) hands it to KIMAP.

use maillint_core::{Account, AuthMethod, Endpoint, Located, Protocol, Security};

use crate::CLIENT;
use crate::kconfig::{self, KConfigFile, Value};

/// The group of the server settings (`<group name="network">`).
pub const NETWORK: &str = "network";

/// `Safety` (kcfg default `SSL`) compared exactly as `loadAccount` does: `SSL` is
/// `KIMAP::LoginJob::SSLorTLS`, `STARTTLS` is `LoginJob::STARTTLS` (which fails when the
/// server lists no STARTTLS: "STARTTLS is not supported by the server", KDE/kimap
/// `src/loginjob.cpp`), and every other value (the `None` the setup dialog writes, a typo, a
/// lower-case `ssl`) is `LoginJob::Unencrypted`.
pub fn safety(word: &str) -> Security {
    match word {
        "SSL" => Security::ImplicitTls,
        "STARTTLS" => Security::StarttlsRequired,
        _ => Security::None,
    }
}

/// `OverrideEncryption`, which replaces `Safety` when it is one of these words (any other is
/// ignored with a warning); `SSLV2`, `SSLV3` and `TLSV1` all mean `SSLorTLS` now.
fn override_encryption(word: &str) -> Option<Security> {
    match word {
        "SSLV2" | "SSLV3" | "TLSV1" | "SSL" => Some(Security::ImplicitTls),
        "STARTTLS" => Some(Security::StarttlsRequired),
        "UNENCRYPTED" => Some(Security::None),
        _ => None,
    }
}

/// The word `OverrideEncryption` takes for `security`.
pub fn override_word(security: Security) -> Option<&'static str> {
    match security {
        Security::ImplicitTls => Some("SSL"),
        Security::StarttlsRequired => Some("STARTTLS"),
        Security::None => Some("UNENCRYPTED"),
        Security::StarttlsOptional | Security::Unknown => None,
    }
}

/// The word `Safety` takes for `security` (what the setup dialog writes,
/// `resources/imap/setupserver.cpp`).
pub fn safety_word(security: Security) -> Option<&'static str> {
    match security {
        Security::ImplicitTls => Some("SSL"),
        Security::StarttlsRequired => Some("STARTTLS"),
        Security::None => Some("None"),
        Security::StarttlsOptional | Security::Unknown => None,
    }
}

/// Whether the resource's security comes from a valid `OverrideEncryption`.
pub fn is_overridden(file: &KConfigFile) -> bool {
    file.literal(NETWORK, "OverrideEncryption")
        .is_some_and(|v| override_encryption(v.text).is_some())
}

/// The account of one IMAP resource, when it names a server.
pub fn account(file: &KConfigFile) -> Option<Account> {
    let host = file.value(NETWORK, "ImapServer").filter(|v| !v.text.is_empty())?;
    let security = security(file);
    let endpoint = Endpoint {
        protocol: Protocol::Imap,
        host: (!host.expanded)
            .then(|| Located::explicit(maillint_core::HostName::new(host.text), host.span)),
        // `ImapPort`: kcfg default 993, whatever `Safety` is.
        port: kconfig::port(file, NETWORK, "ImapPort", ("imapresource.kcfg", 993)),
        security,
        auth: auth(file),
        username: file
            .literal(NETWORK, "UserName")
            .map(|v| Located::explicit(v.text.to_owned(), v.span)),
        certificate_verification_disabled: None,
        // The resource keeps its password in the wallet (`settings.cpp`), never in this file.
        secrets: Vec::new(),
        tls_versions: Vec::new(),
        span: host.span,
        locator: "imap".to_owned(),
    };
    let name = file.literal(NETWORK, "name").map(|v| v.text.to_owned()).unwrap_or_else(|| {
        file.0
            .source
            .path()
            .file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned())
    });
    Some(Account {
        client: CLIENT,
        name,
        email: None,
        span: file.whole(),
        endpoints: vec![endpoint],
    })
}

fn security(file: &KConfigFile) -> Located<Security> {
    if let Some(Value { text, span, .. }) = file.literal(NETWORK, "OverrideEncryption")
        && let Some(security) = override_encryption(text)
    {
        return Located::explicit(security, span);
    }
    match file.value(NETWORK, "Safety") {
        Some(v) if v.expanded => Located::derived(Security::Unknown, v.span, "expanded when read"),
        Some(v) => Located::explicit(safety(v.text), v.span),
        None => Located::default(
            Security::ImplicitTls,
            file.insert_at(NETWORK),
            "`Safety` defaults to SSL (imapresource.kcfg)",
        ),
    }
}

/// The names of `MailTransport::TransportBase::EnumAuthenticationType`, in index order
/// (kmailtransport `src/mailtransport.kcfg`, `authtype`).
pub const AUTH_TYPES: &[&str] = &[
    "LOGIN",
    "PLAIN",
    "CRAM_MD5",
    "DIGEST_MD5",
    "GSSAPI",
    "NTLM",
    "APOP",
    "CLEAR",
    "ANONYMOUS",
    "XOAUTH2",
];

/// The model's method for an index of [`AUTH_TYPES`].
pub fn auth_method(index: usize) -> AuthMethod {
    match AUTH_TYPES.get(index) {
        Some(&("LOGIN" | "PLAIN" | "CLEAR")) => AuthMethod::PasswordCleartext,
        Some(&("CRAM_MD5" | "DIGEST_MD5" | "APOP")) => AuthMethod::PasswordEncrypted,
        Some(&"GSSAPI") => AuthMethod::Gssapi,
        Some(&"NTLM") => AuthMethod::Ntlm,
        Some(&"ANONYMOUS") => AuthMethod::None,
        Some(&"XOAUTH2") => AuthMethod::Oauth2,
        _ => AuthMethod::Unknown,
    }
}

/// `Authentication`, an `Int` holding an `EnumAuthenticationType` index (kcfg default 1,
/// `PLAIN`; `mapTransportAuthToKimap`, `settings.cpp`).
fn auth(file: &KConfigFile) -> Located<AuthMethod> {
    match file.value(NETWORK, "Authentication") {
        Some(v) => {
            let method = v.text.trim().parse::<usize>().map_or(AuthMethod::Unknown, auth_method);
            Located::explicit(method, v.span)
        }
        None => Located::default(
            AuthMethod::PasswordCleartext,
            file.insert_at(NETWORK),
            "`Authentication` defaults to 1, PLAIN (imapresource.kcfg)",
        ),
    }
}
