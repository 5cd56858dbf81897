//! What to probe: the distinct endpoints of the account model, and how each is approached
//! (TLS from the first byte, or a plaintext greeting followed by STARTTLS).

use std::collections::HashMap;
use std::fmt;

use maillint_core::{Account, AuthMethod, Endpoint, ProviderDb, Security, Span};

pub use maillint_core::Protocol;

/// How the probe starts the conversation.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ProbeMode {
    /// TLS handshake first, then the greeting (993, 995, 465; RFC 8314).
    ImplicitTls,
    /// Plaintext greeting and capabilities, then STARTTLS (STLS for POP3) and the handshake.
    Starttls,
}

impl ProbeMode {
    /// The mode for a configured security mode and port.
    ///
    /// * Implicit TLS is probed as implicit TLS; both STARTTLS modes as STARTTLS.
    /// * Security "none" is probed as STARTTLS too: the probe starts in plaintext as the client
    ///   would, and also learns whether the server *could* encrypt, which the fix for a
    ///   plaintext config (switch to STARTTLS) depends on. If STARTTLS is missing, the server
    ///   offers no encryption on that port at all, which is reported.
    /// * Unknown security (e.g. a value computed by a command) is decided by the port:
    ///   993, 995 and 465 are implicit-TLS ports (RFC 8314, `providers.md` section 4), every
    ///   other port starts in plaintext.
    pub fn for_config(security: Security, protocol: Protocol, port: u16) -> Self {
        match security {
            Security::ImplicitTls => ProbeMode::ImplicitTls,
            Security::StarttlsRequired | Security::StarttlsOptional | Security::None => {
                ProbeMode::Starttls
            }
            Security::Unknown => {
                if port == protocol.implicit_tls_port() || [993, 995, 465].contains(&port) {
                    ProbeMode::ImplicitTls
                } else {
                    ProbeMode::Starttls
                }
            }
        }
    }

    /// Words for messages.
    pub fn describe(self) -> &'static str {
        match self {
            ProbeMode::ImplicitTls => "implicit TLS",
            ProbeMode::Starttls => "STARTTLS",
        }
    }
}

/// One endpoint to probe.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Target {
    /// Host name or IP address literal, lower-cased, without brackets or a trailing dot. Used
    /// for SNI and the certificate check even when `--resolve` points it elsewhere.
    pub host: String,
    /// TCP port.
    pub port: u16,
    /// The protocol spoken.
    pub protocol: Protocol,
    /// How the conversation starts.
    pub mode: ProbeMode,
    /// Whether the capabilities must offer OAuth2 (`XOAUTH2` or `OAUTHBEARER`).
    pub expect_oauth2: bool,
}

impl Target {
    /// A target with the host normalised.
    pub fn new(host: &str, port: u16, protocol: Protocol, mode: ProbeMode) -> Self {
        Self { host: normalize(host), port, protocol, mode, expect_oauth2: false }
    }

    /// Requires OAuth2 in the capabilities.
    pub fn expecting_oauth2(mut self) -> Self {
        self.expect_oauth2 = true;
        self
    }

    /// `host:port`, with brackets around an IPv6 literal.
    pub fn authority(&self) -> String {
        if self.host.contains(':') {
            format!("[{}]:{}", self.host, self.port)
        } else {
            format!("{}:{}", self.host, self.port)
        }
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({}, {})", self.authority(), self.protocol, self.mode.describe())
    }
}

fn normalize(host: &str) -> String {
    maillint_core::providers::normalize_host(host)
}

/// The distinct endpoints of `accounts`, each with the spans of every endpoint that names it.
///
/// Endpoints without a host or port (unknown without running a command) cannot be probed and
/// are left out. Two endpoints are the same target when host (case-insensitive), port,
/// protocol and probe mode agree. `expect_oauth2` is set when any endpoint of the target is
/// configured for OAuth2. Use [`targets_from_accounts_with_providers`] to also expect OAuth2
/// on the servers of providers that offer it.
pub fn targets_from_accounts(accounts: &[Account]) -> Vec<(Target, Vec<Span>)> {
    collect(accounts, |_, endpoint| endpoint.auth.value == AuthMethod::Oauth2)
}

/// Like [`targets_from_accounts`], and also expects OAuth2 on a host that belongs to a
/// provider whose authentication policy recommends OAuth2 or refuses passwords (the
/// `[auth]` section of its provider file).
pub fn targets_from_accounts_with_providers(
    accounts: &[Account],
    providers: &ProviderDb,
) -> Vec<(Target, Vec<Span>)> {
    collect(accounts, |host, endpoint| {
        endpoint.auth.value == AuthMethod::Oauth2
            || providers.by_host(host).is_some_and(|(provider, _)| {
                provider.auth.as_ref().is_some_and(|policy| {
                    policy.recommended == AuthMethod::Oauth2 || policy.never_accepts_passwords()
                })
            })
    })
}

fn collect(
    accounts: &[Account],
    wants_oauth2: impl Fn(&str, &Endpoint) -> bool,
) -> Vec<(Target, Vec<Span>)> {
    let mut order: Vec<(Target, Vec<Span>)> = Vec::new();
    let mut index: HashMap<(String, u16, Protocol, ProbeMode), usize> = HashMap::new();
    for account in accounts {
        for endpoint in &account.endpoints {
            let (Some(host), Some(port)) = (&endpoint.host, &endpoint.port) else { continue };
            let host = normalize(&host.value);
            if host.is_empty() {
                continue;
            }
            let port = port.value;
            let mode = ProbeMode::for_config(endpoint.security.value, endpoint.protocol, port);
            let oauth2 = wants_oauth2(&host, endpoint);
            let key = (host.clone(), port, endpoint.protocol, mode);
            match index.get(&key) {
                Some(&i) => {
                    let (target, spans) = &mut order[i];
                    target.expect_oauth2 |= oauth2;
                    if !spans.contains(&endpoint.span) {
                        spans.push(endpoint.span);
                    }
                }
                None => {
                    index.insert(key, order.len());
                    let target = Target {
                        host,
                        port,
                        protocol: endpoint.protocol,
                        mode,
                        expect_oauth2: oauth2,
                    };
                    order.push((target, vec![endpoint.span]));
                }
            }
        }
    }
    order
}

#[cfg(test)]
mod tests {
    use maillint_core::{Client, FileId, Located};

    use super::*;

    fn endpoint(
        host: &str,
        port: u16,
        security: Security,
        auth: AuthMethod,
        at: usize,
    ) -> Endpoint {
        let span = Span::new(FileId(0), at, at + 10);
        Endpoint {
            protocol: Protocol::Imap,
            host: Some(Located::explicit(maillint_core::HostName::new(host), span)),
            port: Some(Located::explicit(port, span)),
            security: Located::explicit(security, span),
            auth: Located::explicit(auth, span),
            username: None,
            certificate_verification_disabled: None,
            secrets: Vec::new(),
            tls_versions: Vec::new(),
            span,
            locator: String::new(),
        }
    }

    #[test]
    fn same_host_port_protocol_and_mode_is_one_target() {
        let account = Account {
            client: Client::named("mutt"),
            name: "a".into(),
            email: None,
            span: Span::point(FileId(0), 0),
            endpoints: vec![
                endpoint("IMAP.Example.net.", 993, Security::ImplicitTls, AuthMethod::Oauth2, 0),
                endpoint("imap.example.net", 993, Security::ImplicitTls, AuthMethod::Unknown, 20),
                endpoint(
                    "imap.example.net",
                    143,
                    Security::StarttlsRequired,
                    AuthMethod::Unknown,
                    40,
                ),
                endpoint(
                    "imap.example.net",
                    143,
                    Security::StarttlsOptional,
                    AuthMethod::Unknown,
                    60,
                ),
                endpoint("imap.example.net", 143, Security::None, AuthMethod::Unknown, 80),
            ],
        };
        let targets = targets_from_accounts(&[account]);
        assert_eq!(targets.len(), 2, "{targets:#?}");
        let (tls, spans) = &targets[0];
        assert_eq!(tls.host, "imap.example.net");
        assert_eq!(tls.mode, ProbeMode::ImplicitTls);
        assert!(tls.expect_oauth2, "one endpoint uses OAuth2");
        assert_eq!(spans.len(), 2);
        let (starttls, spans) = &targets[1];
        assert_eq!(starttls.mode, ProbeMode::Starttls);
        assert!(!starttls.expect_oauth2);
        assert_eq!(spans.len(), 3);
    }

    #[test]
    fn providers_that_recommend_oauth2_expect_it() {
        let mut db = ProviderDb::new();
        let provider = ProviderDb::parse(
            "oauth.toml",
            r#"
id = "oauth"
name = "OAuth Mail"
host-domains = ["oauth.example"]
[[server]]
protocol = "imap"
host = "imap.oauth.example"
port = 993
security = "implicit-tls"
[auth]
recommended = "oauth2"
password = "app-password-only"
note = "test"
"#,
        )
        .unwrap();
        db.add(provider);
        let account = Account {
            client: Client::named("thunderbird"),
            name: "a".into(),
            email: None,
            span: Span::point(FileId(0), 0),
            endpoints: vec![
                endpoint(
                    "imap.oauth.example",
                    993,
                    Security::ImplicitTls,
                    AuthMethod::PasswordCleartext,
                    0,
                ),
                endpoint(
                    "imap.other.example",
                    993,
                    Security::ImplicitTls,
                    AuthMethod::PasswordCleartext,
                    20,
                ),
            ],
        };
        let targets = targets_from_accounts_with_providers(std::slice::from_ref(&account), &db);
        assert!(targets[0].0.expect_oauth2);
        assert!(!targets[1].0.expect_oauth2);
        // Without provider facts, only the endpoint's own auth method counts.
        assert!(!targets_from_accounts(&[account])[0].0.expect_oauth2);
    }

    #[test]
    fn endpoints_without_host_or_port_are_skipped() {
        let mut e =
            endpoint("imap.example.net", 993, Security::ImplicitTls, AuthMethod::Unknown, 0);
        e.host = None;
        let account = Account {
            client: Client::named("mutt"),
            name: "a".into(),
            email: None,
            span: Span::point(FileId(0), 0),
            endpoints: vec![e],
        };
        assert!(targets_from_accounts(&[account]).is_empty());
    }

    #[test]
    fn unknown_security_is_decided_by_the_port() {
        assert_eq!(
            ProbeMode::for_config(Security::Unknown, Protocol::Smtp, 465),
            ProbeMode::ImplicitTls
        );
        assert_eq!(
            ProbeMode::for_config(Security::Unknown, Protocol::Smtp, 587),
            ProbeMode::Starttls
        );
        assert_eq!(ProbeMode::for_config(Security::None, Protocol::Imap, 993), ProbeMode::Starttls);
    }
}
