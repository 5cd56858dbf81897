//! The account model: what every parser produces and the only thing rules see.
//!
//! A parsed unit (a Thunderbird profile, a muttrc with what it sources, a PRF file, ...) yields
//! [`Account`]s, each with [`Endpoint`]s. Every value is [`Located`]: it carries the [`Span`] of
//! the text it came from and whether it was written in the file or filled in from the client's
//! default. A defaulted value's span is the point where the setting would be written, so that a
//! diagnostic can point there and a fix can insert it.

use std::fmt;

use serde::{Deserialize, Serialize};

pub use crate::client::Client;
pub use crate::host::HostName;
use crate::span::Span;

/// A mail protocol.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Protocol {
    /// IMAP (RFC 9051).
    Imap,
    /// POP3 (RFC 1939).
    Pop3,
    /// SMTP submission (RFC 6409) or relay.
    Smtp,
}

impl Protocol {
    /// Lower-case name: `imap`, `pop3`, `smtp`.
    pub fn as_str(self) -> &'static str {
        match self {
            Protocol::Imap => "imap",
            Protocol::Pop3 => "pop3",
            Protocol::Smtp => "smtp",
        }
    }

    /// The name people write: `IMAP`, `POP3`, `SMTP`.
    pub fn display_name(self) -> &'static str {
        match self {
            Protocol::Imap => "IMAP",
            Protocol::Pop3 => "POP3",
            Protocol::Smtp => "SMTP",
        }
    }

    /// The implicit-TLS port (RFC 8314: 993, 995, 465).
    pub fn implicit_tls_port(self) -> u16 {
        match self {
            Protocol::Imap => 993,
            Protocol::Pop3 => 995,
            Protocol::Smtp => 465,
        }
    }

    /// The port for plaintext or STARTTLS (143, 110; 587 for SMTP submission, RFC 6409).
    pub fn starttls_port(self) -> u16 {
        match self {
            Protocol::Imap => 143,
            Protocol::Pop3 => 110,
            Protocol::Smtp => 587,
        }
    }
}

impl fmt::Display for Protocol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.display_name())
    }
}

/// How the connection is protected.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Security {
    /// No TLS at all.
    None,
    /// STARTTLS if the server offers it, plaintext otherwise: downgradable.
    StarttlsOptional,
    /// STARTTLS, and the connection fails without it.
    StarttlsRequired,
    /// TLS from the first byte (dedicated port).
    ImplicitTls,
    /// Not known from the file (e.g. a value that comes from a command).
    Unknown,
}

impl Security {
    /// Kebab-case name as used in JSON and rule packs.
    pub fn as_str(self) -> &'static str {
        match self {
            Security::None => "none",
            Security::StarttlsOptional => "starttls-optional",
            Security::StarttlsRequired => "starttls-required",
            Security::ImplicitTls => "implicit-tls",
            Security::Unknown => "unknown",
        }
    }

    /// Whether the client begins in plaintext (STARTTLS or no TLS).
    pub fn starts_in_plaintext(self) -> bool {
        matches!(self, Security::None | Security::StarttlsOptional | Security::StarttlsRequired)
    }

    /// Human wording used in messages.
    pub fn describe(self) -> &'static str {
        match self {
            Security::None => "no encryption",
            Security::StarttlsOptional => "STARTTLS if available",
            Security::StarttlsRequired => "STARTTLS",
            Security::ImplicitTls => "SSL/TLS (implicit TLS)",
            Security::Unknown => "unknown security",
        }
    }
}

impl fmt::Display for Security {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How the client authenticates.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum AuthMethod {
    /// A password sent as is (inside TLS, if any): PLAIN, LOGIN, USER/PASS.
    PasswordCleartext,
    /// A challenge-response password mechanism (CRAM-MD5, DIGEST-MD5, APOP).
    PasswordEncrypted,
    /// OAuth 2.0 bearer tokens (XOAUTH2, OAUTHBEARER).
    Oauth2,
    /// Kerberos.
    Gssapi,
    /// NTLM.
    Ntlm,
    /// A TLS client certificate (SASL EXTERNAL).
    TlsCertificate,
    /// No authentication.
    None,
    /// Not known, or "any method" chosen at run time.
    Unknown,
}

impl AuthMethod {
    /// Kebab-case name as used in JSON and rule packs.
    pub fn as_str(self) -> &'static str {
        match self {
            AuthMethod::PasswordCleartext => "password-cleartext",
            AuthMethod::PasswordEncrypted => "password-encrypted",
            AuthMethod::Oauth2 => "oauth2",
            AuthMethod::Gssapi => "gssapi",
            AuthMethod::Ntlm => "ntlm",
            AuthMethod::TlsCertificate => "tls-certificate",
            AuthMethod::None => "none",
            AuthMethod::Unknown => "unknown",
        }
    }

    /// Whether the method sends a password (in any form).
    pub fn uses_password(self) -> bool {
        matches!(self, AuthMethod::PasswordCleartext | AuthMethod::PasswordEncrypted)
    }
}

impl fmt::Display for AuthMethod {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A TLS protocol version a client can be told to allow.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum TlsVersion {
    /// SSL 2.0 (RFC 6176 prohibits it).
    Ssl2,
    /// SSL 3.0 (RFC 7568 deprecates it).
    Ssl3,
    /// TLS 1.0 (RFC 8996 deprecates it).
    Tls1_0,
    /// TLS 1.1 (RFC 8996 deprecates it).
    Tls1_1,
    /// TLS 1.2.
    Tls1_2,
    /// TLS 1.3.
    Tls1_3,
}

impl TlsVersion {
    /// The usual name (`TLS 1.0`, ...).
    pub fn display_name(self) -> &'static str {
        match self {
            TlsVersion::Ssl2 => "SSLv2",
            TlsVersion::Ssl3 => "SSLv3",
            TlsVersion::Tls1_0 => "TLS 1.0",
            TlsVersion::Tls1_1 => "TLS 1.1",
            TlsVersion::Tls1_2 => "TLS 1.2",
            TlsVersion::Tls1_3 => "TLS 1.3",
        }
    }

    /// Versions below TLS 1.2 (RFC 8996).
    pub fn is_legacy(self) -> bool {
        self < TlsVersion::Tls1_2
    }
}

/// Where a value came from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Origin {
    /// Written in the file; the span covers the value's text.
    Explicit,
    /// Not written: the client's default applies. The span is the point where the setting would
    /// be written; `reason` says which default, for messages ("Thunderbird uses 143 when ...").
    Default {
        /// Why this default applies, in words.
        reason: String,
    },
    /// Computed from other settings (e.g. mutt's security from the URL scheme and
    /// `ssl_force_tls`). The span covers the text that decided it.
    Derived {
        /// How it was derived, in words.
        reason: String,
    },
}

/// A value with the place it came from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Located<T> {
    /// The value.
    pub value: T,
    /// The text it came from, or where it would be written when defaulted.
    pub span: Span,
    /// Explicit, defaulted or derived.
    pub origin: Origin,
}

impl<T> Located<T> {
    /// An explicit value.
    pub fn explicit(value: T, span: Span) -> Self {
        Self { value, span, origin: Origin::Explicit }
    }

    /// A defaulted value; `span` is where it would be written.
    pub fn default(value: T, span: Span, reason: impl Into<String>) -> Self {
        Self { value, span, origin: Origin::Default { reason: reason.into() } }
    }

    /// A derived value; `span` is the text that decided it.
    pub fn derived(value: T, span: Span, reason: impl Into<String>) -> Self {
        Self { value, span, origin: Origin::Derived { reason: reason.into() } }
    }

    /// The same place and origin with the value changed by `f` (e.g. text into a
    /// [`HostName`]: `host.map(|text| HostName::new(&text))`).
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Located<U> {
        Located { value: f(self.value), span: self.span, origin: self.origin }
    }

    /// Whether the value was written in the file.
    pub fn is_explicit(&self) -> bool {
        matches!(self.origin, Origin::Explicit)
    }

    /// Whether the value is the client's default.
    pub fn is_default(&self) -> bool {
        matches!(self.origin, Origin::Default { .. })
    }

    /// The reason for a defaulted or derived value.
    pub fn reason(&self) -> Option<&str> {
        match &self.origin {
            Origin::Explicit => None,
            Origin::Default { reason } | Origin::Derived { reason } => Some(reason),
        }
    }
}

/// The kind of secret stored in a file. The secret's value is never kept in the model.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SecretKind {
    /// A password.
    Password,
    /// An OAuth token or other bearer token.
    Token,
}

/// A secret written in the config file. Only its place is recorded, never its value.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct StoredSecret {
    /// What kind of secret.
    pub kind: SecretKind,
    /// The setting that holds it (`imap_pass`, `Password`, a URL's password part, ...).
    pub setting: String,
    /// The secret's text: the span that every renderer must redact.
    pub span: Span,
}

/// One server connection a client makes.
#[derive(Clone, Debug, Serialize)]
pub struct Endpoint {
    /// Which protocol.
    pub protocol: Protocol,
    /// Server host name, normalised by the parser ([`HostName::new`]); the span covers the
    /// text as written. `None` when the file does not say, or the value cannot be known
    /// without running something (a command, an environment variable).
    pub host: Option<Located<HostName>>,
    /// Server port, explicit or the client's default for the protocol and security.
    pub port: Option<Located<u16>>,
    /// Transport security.
    pub security: Located<Security>,
    /// Authentication method.
    pub auth: Located<AuthMethod>,
    /// User name, if written.
    pub username: Option<Located<String>>,
    /// Whether certificate checks are off: `Some` with `value == true` when a setting disables
    /// them (host name or validity checks), with the span of that setting.
    pub certificate_verification_disabled: Option<Located<bool>>,
    /// Secrets stored in the file for this endpoint.
    pub secrets: Vec<StoredSecret>,
    /// TLS versions the client is told to allow, where the file says so explicitly.
    pub tls_versions: Vec<Located<TlsVersion>>,
    /// The text that defines the endpoint as a whole (a URL, a pref block), for findings that
    /// concern the endpoint rather than one value.
    pub span: Span,
    /// Parser-private key that lets the parser that produced this endpoint turn field changes
    /// into text edits (e.g. `server:server2`). Rules treat it as opaque.
    pub locator: String,
}

/// One mail account: an identity with its incoming and outgoing endpoints.
#[derive(Clone, Debug, Serialize)]
pub struct Account {
    /// Which client the account belongs to.
    pub client: Client,
    /// A name that identifies the account to a person (`account1 (me@gmail.com)`).
    pub name: String,
    /// The mail address the account sends as, if known.
    pub email: Option<Located<String>>,
    /// Where the account is defined, for findings about the whole account.
    pub span: Span,
    /// Incoming and outgoing servers.
    pub endpoints: Vec<Endpoint>,
}

impl Account {
    /// The domain of the account's mail address (`gmail.com` for `me@gmail.com`), lower-case.
    pub fn mail_domain(&self) -> Option<String> {
        self.email.as_ref().and_then(|e| mail_domain(&e.value))
    }
}

/// Which endpoint a finding is about, as fields that a report can group and count by
/// (issue 20: "which users send their password to `smtp.gmial.com`").
///
/// The rules that check one endpoint at a time get it set on each of their findings by
/// maillint-rules' `EndpointRule` driver; other rules may set it with [`EndpointFacts::of`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct EndpointFacts {
    /// The account the endpoint belongs to.
    pub account: AccountRef,
    /// Its protocol.
    pub protocol: Protocol,
    /// Its host, when known.
    pub host: Option<HostName>,
    /// Its port, explicit or the client's default, when known.
    pub port: Option<u16>,
    /// Its transport security.
    pub security: Security,
}

impl EndpointFacts {
    /// The facts of `endpoint`, one of `account`'s.
    pub fn of(account: &Account, endpoint: &Endpoint) -> Self {
        Self {
            account: AccountRef::of(account),
            protocol: endpoint.protocol,
            host: endpoint.host.as_ref().map(|h| h.value.clone()),
            port: endpoint.port.as_ref().map(|p| p.value),
            security: endpoint.security.value,
        }
    }
}

/// An account as reports name it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct AccountRef {
    /// The parser's name for the account ([`Account::name`]: the account key and address in a
    /// Thunderbird profile, the section of a PRF file, ...): stable while the file keeps the
    /// account under the same key, and unique within its unit.
    pub id: String,
    /// The account's mail address, as written, if known.
    pub address: Option<String>,
}

impl AccountRef {
    /// How `account` is named in reports.
    pub fn of(account: &Account) -> Self {
        Self {
            id: account.name.clone(),
            address: account.email.as_ref().map(|e| e.value.trim().to_owned()),
        }
    }
}

/// The lower-cased domain part of an address, if it has one.
pub fn mail_domain(address: &str) -> Option<String> {
    let (_, domain) = address.rsplit_once('@')?;
    let domain = domain.trim().trim_end_matches('>').trim_end_matches('.');
    (!domain.is_empty()).then(|| domain.to_ascii_lowercase())
}

/// Whether `host` names the local machine (`localhost`, 127.0.0.0/8, `::1`): plaintext to a
/// local bridge (ProtonMail Bridge, DavMail) does not leave the machine.
pub fn is_loopback_host(host: &str) -> bool {
    let host = host.trim_start_matches('[').trim_end_matches(']').to_ascii_lowercase();
    if host == "localhost" || host.ends_with(".localhost") || host == "::1" {
        return true;
    }
    match host.parse::<std::net::Ipv4Addr>() {
        Ok(ip) => ip.is_loopback(),
        Err(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mail_domain_is_lower_case_and_tolerates_angle_brackets() {
        assert_eq!(mail_domain("Me <Me@GMail.com>").as_deref(), Some("gmail.com"));
        assert_eq!(mail_domain("nobody"), None);
    }

    #[test]
    fn loopback_hosts() {
        for host in ["localhost", "127.0.0.1", "127.8.9.1", "::1", "[::1]"] {
            assert!(is_loopback_host(host), "{host}");
        }
        for host in ["10.0.0.1", "imap.gmail.com", "localhost.example.com"] {
            assert!(!is_loopback_host(host), "{host}");
        }
    }
}
