//! Provider facts as data: which hosts, ports, security and authentication each mail provider
//! uses, read from TOML files (the built-in ones live in the repository's `rules/providers/`).
//!
//! Rules ask questions of a [`ProviderDb`]: which provider a mail domain or a host belongs to,
//! which hosts and ports are right for a protocol, which aliases are legacy. Users add their own
//! providers with the same file format, so their own mail hosts get the same protection.

use std::collections::HashMap;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::model::{AuthMethod, Protocol, Security};

/// One provider, as written in a provider file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Provider {
    /// Stable id, e.g. `gmail`.
    pub id: String,
    /// Display name, e.g. `Gmail`.
    pub name: String,
    /// Where the facts come from (documentation pages, ISPDB files).
    #[serde(default)]
    pub sources: Vec<String>,
    /// Mail domains whose addresses this provider hosts (`gmail.com`, `googlemail.com`).
    #[serde(default)]
    pub mail_domains: Vec<String>,
    /// Domains the provider's servers live under. A host under one of them that is not a known
    /// server is a wrong host for this provider.
    #[serde(default)]
    pub host_domains: Vec<String>,
    /// The canonical servers.
    #[serde(default, rename = "server")]
    pub servers: Vec<Server>,
    /// Legacy or alternative host names that still work but are not canonical.
    #[serde(default, rename = "alias")]
    pub aliases: Vec<Alias>,
    /// Authentication policy.
    #[serde(default)]
    pub auth: Option<AuthPolicy>,
}

/// A canonical server.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Server {
    /// Protocol served.
    pub protocol: Protocol,
    /// Host name.
    pub host: String,
    /// Port.
    pub port: u16,
    /// Security on that port.
    pub security: Security,
}

/// A non-canonical host name and the canonical host it stands for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Alias {
    /// The alias.
    pub host: String,
    /// Protocol it serves.
    pub protocol: Protocol,
    /// The canonical host.
    pub canonical: String,
    /// Why it is not canonical.
    #[serde(default)]
    pub note: Option<String>,
}

/// Whether password sign-in works with a provider.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PasswordPolicy {
    /// The account password works.
    Allowed,
    /// Only an app-specific password works (the account password is refused).
    AppPasswordOnly,
    /// Password sign-in is refused; OAuth2 is the only way.
    NotAccepted,
}

/// How a provider wants clients to authenticate.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct AuthPolicy {
    /// The recommended method.
    pub recommended: AuthMethod,
    /// What happens with passwords.
    pub password: PasswordPolicy,
    /// What changed and when, for messages.
    pub note: String,
}

/// A provider file that could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProviderError {
    /// The file.
    pub path: PathBuf,
    /// 1-based line, when known.
    pub line: Option<usize>,
    /// 1-based column, when known.
    pub column: Option<usize>,
    /// What is wrong.
    pub message: String,
}

impl std::fmt::Display for ProviderError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.path.display())?;
        if let (Some(l), Some(c)) = (self.line, self.column) {
            write!(f, ":{l}:{c}")?;
        }
        write!(f, ": {}", self.message)
    }
}

impl std::error::Error for ProviderError {}

/// How a host relates to a provider.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum HostMatch<'a> {
    /// A canonical server of the provider.
    Canonical(&'a Server),
    /// A legacy alias.
    Alias(&'a Alias),
    /// Under one of the provider's domains, but not a known server.
    UnderDomain(&'a str),
}

/// All provider facts, indexed.
#[derive(Clone, Debug, Default)]
pub struct ProviderDb {
    providers: Vec<Provider>,
    by_mail_domain: HashMap<String, usize>,
    by_host: HashMap<String, usize>,
}

impl ProviderDb {
    /// An empty database.
    pub fn new() -> Self {
        Self::default()
    }

    /// Parses one provider file.
    pub fn parse(path: impl Into<PathBuf>, text: &str) -> Result<Provider, ProviderError> {
        let path = path.into();
        toml::from_str::<Provider>(text).map_err(|e| {
            let (line, column) = match e.span() {
                Some(span) => {
                    let before = &text[..span.start.min(text.len())];
                    let line = before.matches('\n').count() + 1;
                    let column = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
                    (Some(line), Some(column))
                }
                None => (None, None),
            };
            ProviderError { path, line, column, message: e.message().to_owned() }
        })
    }

    /// Adds a provider. A later provider with the same id replaces the earlier one, so users can
    /// correct built-in facts.
    pub fn add(&mut self, provider: Provider) {
        if let Some(i) = self.providers.iter().position(|p| p.id == provider.id) {
            self.providers[i] = provider;
        } else {
            self.providers.push(provider);
        }
        self.reindex();
    }

    fn reindex(&mut self) {
        self.by_mail_domain.clear();
        self.by_host.clear();
        for (i, p) in self.providers.iter().enumerate() {
            for d in &p.mail_domains {
                self.by_mail_domain.insert(d.to_ascii_lowercase(), i);
            }
            for s in &p.servers {
                self.by_host.insert(s.host.to_ascii_lowercase(), i);
            }
            for a in &p.aliases {
                self.by_host.insert(a.host.to_ascii_lowercase(), i);
            }
        }
    }

    /// All providers.
    pub fn providers(&self) -> &[Provider] {
        &self.providers
    }

    /// The provider hosting addresses at `domain`.
    pub fn by_mail_domain(&self, domain: &str) -> Option<&Provider> {
        self.by_mail_domain.get(&domain.to_ascii_lowercase()).map(|&i| &self.providers[i])
    }

    /// The provider a host belongs to, and how: a known server or alias first, else the
    /// provider whose host domains contain it (the longest matching domain wins).
    pub fn by_host(&self, host: &str) -> Option<(&Provider, HostMatch<'_>)> {
        let host = normalize_host(host);
        if let Some(&i) = self.by_host.get(&host) {
            let p = &self.providers[i];
            if let Some(s) = p.servers.iter().find(|s| s.host.eq_ignore_ascii_case(&host)) {
                return Some((p, HostMatch::Canonical(s)));
            }
            if let Some(a) = p.aliases.iter().find(|a| a.host.eq_ignore_ascii_case(&host)) {
                return Some((p, HostMatch::Alias(a)));
            }
        }
        let mut best: Option<(&Provider, &str)> = None;
        for p in &self.providers {
            for d in &p.host_domains {
                if host_is_under(&host, d) && best.is_none_or(|(_, b)| d.len() > b.len()) {
                    best = Some((p, d.as_str()));
                }
            }
        }
        best.map(|(p, d)| (p, HostMatch::UnderDomain(d)))
    }

    /// Whether `host` is a known server or alias of any provider.
    pub fn is_known_host(&self, host: &str) -> bool {
        self.by_host.contains_key(&normalize_host(host))
    }

    /// Every known server and alias host, with its provider.
    pub fn known_hosts(&self) -> impl Iterator<Item = (&str, &Provider)> {
        self.by_host.iter().map(|(h, &i)| (h.as_str(), &self.providers[i]))
    }
}

impl Provider {
    /// Canonical servers for a protocol.
    pub fn servers_for(&self, protocol: Protocol) -> impl Iterator<Item = &Server> {
        self.servers.iter().filter(move |s| s.protocol == protocol)
    }

    /// Whether the provider offers the protocol at all.
    pub fn offers(&self, protocol: Protocol) -> bool {
        self.servers_for(protocol).next().is_some()
    }

    /// The preferred server for a protocol, and for a given security if one fits (so that a
    /// fix keeps STARTTLS on 587 rather than switching to 465 needlessly).
    pub fn preferred_server(
        &self,
        protocol: Protocol,
        security: Option<Security>,
    ) -> Option<&Server> {
        let mut candidates = self.servers_for(protocol);
        let first = candidates.next()?;
        if let Some(sec) = security
            && let Some(s) = std::iter::once(first).chain(candidates).find(|s| s.security == sec)
        {
            return Some(s);
        }
        Some(first)
    }

    /// Whether `host` is one of the provider's canonical servers or aliases for `protocol`.
    pub fn serves(&self, host: &str, protocol: Protocol) -> bool {
        let host = normalize_host(host);
        self.servers_for(protocol).any(|s| s.host.eq_ignore_ascii_case(&host))
            || self
                .aliases
                .iter()
                .any(|a| a.protocol == protocol && a.host.eq_ignore_ascii_case(&host))
    }
}

/// Lower-case, without a trailing dot or surrounding brackets.
pub fn normalize_host(host: &str) -> String {
    host.trim()
        .trim_end_matches('.')
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_ascii_lowercase()
}

/// Whether `host` equals `domain` or is a subdomain of it.
pub fn host_is_under(host: &str, domain: &str) -> bool {
    let domain = domain.to_ascii_lowercase();
    host == domain
        || (host.len() > domain.len()
            && host.ends_with(&domain)
            && host.as_bytes()[host.len() - domain.len() - 1] == b'.')
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXAMPLE: &str = r#"
id = "example"
name = "Example Mail"
mail-domains = ["example.net"]
host-domains = ["example.net"]

[[server]]
protocol = "imap"
host = "imap.example.net"
port = 993
security = "implicit-tls"

[[server]]
protocol = "smtp"
host = "smtp.example.net"
port = 465
security = "implicit-tls"

[[server]]
protocol = "smtp"
host = "smtp.example.net"
port = 587
security = "starttls-required"

[[alias]]
host = "mail.example.net"
protocol = "imap"
canonical = "imap.example.net"
"#;

    #[test]
    fn lookups_by_domain_and_host() {
        let mut db = ProviderDb::new();
        db.add(ProviderDb::parse("example.toml", EXAMPLE).unwrap());
        assert_eq!(db.by_mail_domain("EXAMPLE.net").unwrap().id, "example");
        assert!(matches!(db.by_host("imap.example.net."), Some((_, HostMatch::Canonical(_)))));
        assert!(matches!(db.by_host("mail.example.net"), Some((_, HostMatch::Alias(_)))));
        assert!(matches!(
            db.by_host("pop.example.net"),
            Some((_, HostMatch::UnderDomain("example.net")))
        ));
        assert!(db.by_host("badexample.net").is_none());
        let p = db.by_mail_domain("example.net").unwrap();
        assert_eq!(
            p.preferred_server(Protocol::Smtp, Some(Security::StarttlsRequired)).unwrap().port,
            587
        );
    }

    #[test]
    fn malformed_file_reports_line_and_column() {
        let err = ProviderDb::parse(
            "bad.toml",
            "id = \"x\"\nname = \"X\"\n[[server]]\nprotocol = \"imapx\"\n",
        )
        .unwrap_err();
        assert_eq!(err.line, Some(4));
        assert!(err.to_string().starts_with("bad.toml:4:"), "{err}");
    }
}
