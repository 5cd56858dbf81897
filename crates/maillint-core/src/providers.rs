//! Provider facts as data: which hosts, ports, security and authentication each mail provider
//! uses, read from TOML files (the built-in ones live in the repository's `rules/providers/`).
//!
//! Rules ask questions of a [`ProviderDb`]: which provider a mail domain or a host belongs to,
//! which hosts and ports are right for a protocol, which aliases are legacy. Users add their own
//! providers with the same file format, so their own mail hosts get the same protection.
//!
//! A file holds one provider, or several as `[[provider]]` tables (the data generated from
//! Mozilla's ISPDB). A provider that names an ISPDB entry in `ispdb` is an overlay: it is
//! merged into that entry (see [`Provider::overlay`]) instead of standing beside it, so that
//! hand-written facts (app-password policies, ports the ISPDB leaves out, legacy host names)
//! add to the generated ones.

use std::collections::HashMap;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

pub use crate::auth_policy::{AuthPolicy, PasswordPolicy, PasswordRule, Passwords, PolicyInForce};
use crate::model::{Protocol, Security};

/// One provider, as written in a provider file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Provider {
    /// Stable id, e.g. `gmail`.
    pub id: String,
    /// Display name, e.g. `Gmail`.
    pub name: String,
    /// The id of the generated ISPDB provider this one overlays (`googlemail.com`), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ispdb: Option<String>,
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
    /// Host domain to the first provider listing it.
    by_host_domain: HashMap<String, usize>,
}

/// A file of several providers (`[[provider]]` tables).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ProviderList {
    provider: Vec<Provider>,
}

impl ProviderDb {
    /// An empty database.
    pub fn new() -> Self {
        Self::default()
    }

    /// Parses one provider file.
    pub fn parse(path: impl Into<PathBuf>, text: &str) -> Result<Provider, ProviderError> {
        parse_toml(path.into(), text)
    }

    /// Parses a provider file of either form: one provider, or `[[provider]]` tables.
    pub fn parse_many(
        path: impl Into<PathBuf>,
        text: &str,
    ) -> Result<Vec<Provider>, ProviderError> {
        let path = path.into();
        // The generated ISPDB file is a list: parsed as one at once, it is parsed once instead
        // of twice (about a third of every run's start-up). A list that parses has a top-level
        // `provider` key, so the answer is the one the test below gives; anything else takes
        // that test, and its errors are reported as before.
        if text.contains("[[provider]]")
            && let Ok(list) = toml::from_str::<ProviderList>(text)
        {
            return Ok(list.provider);
        }
        let is_list = toml::from_str::<toml::Table>(text)
            .map(|table| table.contains_key("provider"))
            .unwrap_or(false);
        if is_list {
            parse_toml::<ProviderList>(path, text).map(|list| list.provider)
        } else {
            parse_toml::<Provider>(path, text).map(|provider| vec![provider])
        }
    }

    /// Parses a list of providers written as JSON (`{"provider": [...]}`): the form the build
    /// gives the generated ISPDB file, which parses in a fraction of the time of its TOML.
    pub fn parse_json_list(
        path: impl Into<PathBuf>,
        text: &str,
    ) -> Result<Vec<Provider>, ProviderError> {
        serde_json::from_str::<ProviderList>(text).map(|list| list.provider).map_err(|error| {
            ProviderError {
                path: path.into(),
                line: Some(error.line()),
                column: Some(error.column()),
                message: error.to_string(),
            }
        })
    }

    /// Reads and parses a provider file (either form); a provider needs a non-empty id.
    pub fn load_file(path: &std::path::Path) -> Result<Vec<Provider>, ProviderError> {
        let error = |line, column, message: String| ProviderError {
            path: path.to_path_buf(),
            line,
            column,
            message,
        };
        let text = std::fs::read_to_string(path)
            .map_err(|e| error(None, None, format!("cannot read the provider file: {e}")))?;
        let providers = Self::parse_many(path, &text)?;
        if providers.iter().any(|p| p.id.trim().is_empty()) {
            return Err(error(Some(1), Some(1), "a provider needs a non-empty `id`".to_owned()));
        }
        Ok(providers)
    }

    /// Adds a provider. A later provider with the same id replaces the earlier one, so users can
    /// correct built-in facts; a provider that names an ISPDB entry in `ispdb` is merged into
    /// that entry ([`Provider::overlay`]).
    pub fn add(&mut self, provider: Provider) {
        self.insert(provider);
        self.reindex();
    }

    /// Adds providers in order, as [`ProviderDb::add`] does one, indexing once.
    pub fn extend(&mut self, providers: impl IntoIterator<Item = Provider>) {
        for provider in providers {
            self.insert(provider);
        }
        self.reindex();
    }

    fn insert(&mut self, provider: Provider) {
        let base = provider
            .ispdb
            .as_deref()
            .filter(|base| *base != provider.id)
            .and_then(|base| self.providers.iter().position(|p| p.id == base));
        if let Some(i) = base {
            let merged = self.providers[i].clone().overlay(provider);
            self.providers[i] = merged;
            // An earlier provider with the overlay's id is replaced by the merged one.
            let id = &self.providers[i].id;
            if let Some(j) = self.providers.iter().position(|p| &p.id == id).filter(|&j| j != i) {
                self.providers.remove(j);
            }
        } else if let Some(i) = self.providers.iter().position(|p| p.id == provider.id) {
            self.providers[i] = provider;
        } else {
            self.providers.push(provider);
        }
    }

    fn reindex(&mut self) {
        self.by_mail_domain.clear();
        self.by_host.clear();
        self.by_host_domain.clear();
        for (i, p) in self.providers.iter().enumerate() {
            for d in &p.host_domains {
                self.by_host_domain.entry(d.to_ascii_lowercase()).or_insert(i);
            }
            for d in &p.mail_domains {
                self.by_mail_domain.insert(d.to_ascii_lowercase(), i);
            }
            let hosts = p.servers.iter().map(|s| &s.host).chain(p.aliases.iter().map(|a| &a.host));
            for host in hosts {
                let host = host.to_ascii_lowercase();
                // A host several providers list (`outlook.office365.com`, `imap.gmail.com`) is
                // the one of a provider under whose host domains it lives (Microsoft's, not a
                // university's that uses it); among those, the later provider.
                let keep = self.by_host.get(&host).is_some_and(|&earlier| {
                    owns(&self.providers[earlier], &host) && !owns(p, &host)
                });
                if !keep {
                    self.by_host.insert(host, i);
                }
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
        // The host and each of its parent domains, longest first: the longest host domain
        // containing the host wins, and among equal ones the first provider listing it.
        let parents = host.bytes().enumerate().filter(|&(_, b)| b == b'.').map(|(dot, _)| dot + 1);
        std::iter::once(0).chain(parents).find_map(|start| {
            let suffix = &host[start..];
            let &i = self.by_host_domain.get(suffix)?;
            let p = &self.providers[i];
            let d = p.host_domains.iter().find(|d| d.eq_ignore_ascii_case(suffix))?;
            Some((p, HostMatch::UnderDomain(d.as_str())))
        })
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
    /// This generated provider with `overlay`'s hand-written facts added: the overlay's id,
    /// name and auth policy; its sources, mail domains, servers and aliases after this
    /// provider's, without repeating any. Host domains given by the overlay replace the
    /// generated ones: a reviewer may narrow them (`mail.yahoo.com` rather than all of
    /// `yahoo.com`, which carries many other services).
    pub fn overlay(mut self, overlay: Provider) -> Provider {
        fn union<T: PartialEq>(into: &mut Vec<T>, more: Vec<T>) {
            for item in more {
                if !into.contains(&item) {
                    into.push(item);
                }
            }
        }
        self.id = overlay.id;
        self.name = overlay.name;
        self.ispdb = overlay.ispdb;
        union(&mut self.sources, overlay.sources);
        union(&mut self.mail_domains, overlay.mail_domains);
        if !overlay.host_domains.is_empty() {
            self.host_domains = overlay.host_domains;
        }
        union(&mut self.servers, overlay.servers);
        union(&mut self.aliases, overlay.aliases);
        if overlay.auth.is_some() {
            self.auth = overlay.auth;
        }
        self
    }

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

/// Parses TOML into `T`, with the error's line and column.
fn parse_toml<T: serde::de::DeserializeOwned>(
    path: PathBuf,
    text: &str,
) -> Result<T, ProviderError> {
    toml::from_str::<T>(text).map_err(|e| {
        let at = crate::toml_error::locate_toml_error(text, &e);
        ProviderError { path, line: at.line, column: at.column, message: at.message }
    })
}

/// Lower-case, without a trailing dot or surrounding brackets.
pub fn normalize_host(host: &str) -> String {
    host.trim()
        .trim_end_matches('.')
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_ascii_lowercase()
}

/// Whether `host` (lower-case) is under one of the provider's host domains.
fn owns(provider: &Provider, host: &str) -> bool {
    provider.host_domains.iter().any(|d| host_is_under(host, d))
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
    fn either_form_parses_as_the_table_test_decides_and_errors_stay_where_they_were() {
        // What parse_many did before it tried a list first: decide by the parsed table.
        let by_table = |text: &str| {
            let is_list = toml::from_str::<toml::Table>(text)
                .map(|table| table.contains_key("provider"))
                .unwrap_or(false);
            if is_list {
                parse_toml::<ProviderList>("p.toml".into(), text).map(|list| list.provider)
            } else {
                parse_toml::<Provider>("p.toml".into(), text).map(|provider| vec![provider])
            }
        };
        let list = EXAMPLE
            .replace("\nid = ", "\n[[provider]]\nid = ")
            .replace("[[server]]", "[[provider.server]]")
            .replace("[[alias]]", "[[provider.alias]]");
        let broken_list = list.replace("port = 993", "port = \"993\"");
        let single_mentioning_lists = format!("# not a [[provider]] list\n{EXAMPLE}");
        for text in [
            EXAMPLE,
            &list,
            &broken_list,
            &single_mentioning_lists,
            "[[provider]]\n",
            "x = [[provider]]",
        ] {
            assert_eq!(ProviderDb::parse_many("p.toml", text), by_table(text), "{text}");
        }
        assert_eq!(ProviderDb::parse_many("p.toml", &list).unwrap().len(), 1);
        let bad_line = broken_list.lines().position(|line| line.contains("\"993\"")).unwrap() + 1;
        assert_eq!(
            ProviderDb::parse_many("p.toml", &broken_list).unwrap_err().line,
            Some(bad_line)
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
