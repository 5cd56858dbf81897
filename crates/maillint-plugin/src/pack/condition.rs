//! Conditions over the account model, compiled from `[rule.when]`.
//!
//! A [`Condition`] is a list of tests that must all hold. Every test about a value answers
//! `false` when the model does not know the value (no host because it comes from a command, no
//! address, security `unknown`), whether the test is positive (`host`) or negative (`host-not`):
//! a pack rule never reports what maillint could not read. `not = {...}` is plain logic and
//! inverts its table's answer.

use globset::{Glob, GlobSet, GlobSetBuilder};
use maillint_core::model::is_loopback_host;
use maillint_core::providers::{HostMatch, Provider, host_is_under, normalize_host};
use maillint_core::{Account, AuthMethod, Endpoint, Located, Protocol, ProviderDb, Security};

use super::format::{OneOrMany, OriginField, When};

/// What a condition is evaluated on.
pub(crate) struct Subject<'a> {
    /// The account.
    pub account: &'a Account,
    /// The endpoint, absent for an account without endpoints.
    pub endpoint: Option<&'a Endpoint>,
    /// The endpoint's host, normalised (lower case, no trailing dot).
    pub host: Option<&'a str>,
    /// The account's mail domain, lower case.
    pub mail_domain: Option<&'a str>,
    /// Provider facts.
    pub providers: &'a ProviderDb,
    /// Hosts the user trusts (`trusted-hosts`): never treated as a provider's server.
    pub trusted_hosts: &'a [String],
}

/// A set of provider ids, or any provider (`*`).
#[derive(Debug)]
enum ProviderSet {
    Any,
    Ids(Vec<String>),
}

impl ProviderSet {
    fn new(ids: &OneOrMany<String>) -> Self {
        if ids.values().iter().any(|id| id == "*") {
            ProviderSet::Any
        } else {
            ProviderSet::Ids(ids.values().to_vec())
        }
    }

    fn contains(&self, id: &str) -> bool {
        match self {
            ProviderSet::Any => true,
            ProviderSet::Ids(ids) => ids.iter().any(|i| i == id),
        }
    }
}

#[derive(Debug)]
enum Test {
    Client(Vec<String>),
    Protocol(Vec<Protocol>),
    Host { patterns: GlobSet, negate: bool },
    HostInProvider { providers: ProviderSet, negate: bool },
    HostIsLoopback(bool),
    PortIn { ports: Vec<u16>, negate: bool },
    ProviderServesPort(bool),
    SecurityIn { values: Vec<Security>, negate: bool },
    AuthIn { values: Vec<AuthMethod>, negate: bool },
    MailDomain { patterns: GlobSet, negate: bool },
    MailDomainInProvider(ProviderSet),
    CertificateVerificationDisabled(bool),
    HasStoredSecret(bool),
    Explicit(Vec<OriginField>),
    Defaulted(Vec<OriginField>),
    Any(Vec<Condition>),
    Not(Box<Condition>),
}

/// A compiled `[rule.when]` table.
#[derive(Debug, Default)]
pub struct Condition {
    tests: Vec<Test>,
}

/// A glob that does not compile, with the key path of the value inside `[rule.when]`.
#[derive(Debug)]
pub struct ConditionError {
    /// Key path relative to the `when` table (`any[1].host`).
    pub path: Vec<String>,
    /// Index of the value in a list, when the key holds a list.
    pub index: Option<usize>,
    /// What is wrong.
    pub message: String,
}

impl Condition {
    /// Compiles a `[rule.when]` table.
    pub fn compile(when: &When) -> Result<Self, ConditionError> {
        let mut tests = Vec::new();
        if let Some(clients) = &when.client {
            tests.push(Test::Client(clients.values().to_vec()));
        }
        if let Some(protocols) = &when.protocol {
            tests.push(Test::Protocol(protocols.values().to_vec()));
        }
        if let Some(hosts) = &when.host {
            tests.push(Test::Host { patterns: globs("host", hosts)?, negate: false });
        }
        if let Some(hosts) = &when.host_not {
            tests.push(Test::Host { patterns: globs("host-not", hosts)?, negate: true });
        }
        if let Some(ids) = &when.host_in_provider {
            tests.push(Test::HostInProvider { providers: ProviderSet::new(ids), negate: false });
        }
        if let Some(ids) = &when.host_not_in_provider {
            tests.push(Test::HostInProvider { providers: ProviderSet::new(ids), negate: true });
        }
        if let Some(loopback) = when.host_is_loopback {
            tests.push(Test::HostIsLoopback(loopback));
        }
        if let Some(ports) = &when.port_in {
            tests.push(Test::PortIn { ports: ports.values().to_vec(), negate: false });
        }
        if let Some(ports) = &when.port_not_in {
            tests.push(Test::PortIn { ports: ports.values().to_vec(), negate: true });
        }
        if let Some(served) = when.provider_serves_port {
            tests.push(Test::ProviderServesPort(served));
        }
        if let Some(values) = &when.security_in {
            tests.push(Test::SecurityIn { values: values.values().to_vec(), negate: false });
        }
        if let Some(values) = &when.security_not_in {
            tests.push(Test::SecurityIn { values: values.values().to_vec(), negate: true });
        }
        if let Some(values) = &when.auth_in {
            tests.push(Test::AuthIn { values: values.values().to_vec(), negate: false });
        }
        if let Some(values) = &when.auth_not_in {
            tests.push(Test::AuthIn { values: values.values().to_vec(), negate: true });
        }
        if let Some(domains) = &when.mail_domain {
            tests
                .push(Test::MailDomain { patterns: globs("mail-domain", domains)?, negate: false });
        }
        if let Some(domains) = &when.mail_domain_not {
            tests.push(Test::MailDomain {
                patterns: globs("mail-domain-not", domains)?,
                negate: true,
            });
        }
        if let Some(ids) = &when.mail_domain_in_provider {
            tests.push(Test::MailDomainInProvider(ProviderSet::new(ids)));
        }
        if let Some(disabled) = when.certificate_verification_disabled {
            tests.push(Test::CertificateVerificationDisabled(disabled));
        }
        if let Some(stored) = when.has_stored_secret {
            tests.push(Test::HasStoredSecret(stored));
        }
        if let Some(fields) = &when.explicit {
            tests.push(Test::Explicit(fields.values().to_vec()));
        }
        if let Some(fields) = &when.defaulted {
            tests.push(Test::Defaulted(fields.values().to_vec()));
        }
        if let Some(alternatives) = &when.any {
            let mut compiled = Vec::with_capacity(alternatives.len());
            for (i, alternative) in alternatives.iter().enumerate() {
                compiled.push(Condition::compile(alternative).map_err(|mut e| {
                    e.path.insert(0, format!("any[{i}]"));
                    e
                })?);
            }
            tests.push(Test::Any(compiled));
        }
        if let Some(inner) = &when.not {
            let compiled = Condition::compile(inner).map_err(|mut e| {
                e.path.insert(0, "not".to_owned());
                e
            })?;
            tests.push(Test::Not(Box::new(compiled)));
        }
        Ok(Self { tests })
    }

    /// Whether every test holds for `subject`.
    pub fn holds(&self, subject: &Subject<'_>) -> bool {
        self.tests.iter().all(|test| test.holds(subject))
    }
}

fn globs(key: &str, patterns: &OneOrMany<String>) -> Result<GlobSet, ConditionError> {
    let mut builder = GlobSetBuilder::new();
    for (i, pattern) in patterns.values().iter().enumerate() {
        // Host names and domains compare case-insensitively (RFC 4343) and without a trailing
        // dot; `*` may span dots, so `*.corp.example` covers every subdomain.
        let normalized = pattern.trim().trim_end_matches('.').to_ascii_lowercase();
        let glob = Glob::new(&normalized).map_err(|e| ConditionError {
            path: vec![key.to_owned()],
            index: (patterns.values().len() > 1).then_some(i),
            message: format!("invalid glob `{pattern}`: {}", e.kind()),
        })?;
        builder.add(glob);
    }
    builder.build().map_err(|e| ConditionError {
        path: vec![key.to_owned()],
        index: None,
        message: format!("invalid globs: {e}"),
    })
}

/// The provider whose server (canonical or alias) for `protocol` the subject's host is: the
/// account's own provider first (two providers can list one host, e.g. Outlook.com and
/// Microsoft 365's `outlook.office365.com`), then any provider. The same question, in the same
/// order, as the built-in transport rules ask (`maillint-rules`, `hosts::serving_provider`), so
/// that a pack rule and a built-in agree on which ports a provider serves. Loopback hosts, IP
/// addresses and trusted hosts are nobody's server.
fn serving_provider<'a>(s: &Subject<'a>, protocol: Protocol) -> Option<&'a Provider> {
    let raw = s.host?;
    // Thunderbird splits a `host:port` hostname at run time (thunderbird.md section 8), so a
    // leftover `:993` does not make a provider's server another host. IPv6 literals have more
    // than one colon and are left alone.
    let host = match raw.split_once(':') {
        Some((name, port))
            if !port.contains(':')
                && !port.is_empty()
                && port.bytes().all(|b| b.is_ascii_digit()) =>
        {
            name.trim_end_matches('.')
        }
        _ => raw,
    };
    if host.is_empty()
        || is_loopback_host(host)
        || host.parse::<std::net::IpAddr>().is_ok()
        || is_trusted(s.trusted_hosts, host)
    {
        return None;
    }
    let knows = |p: &Provider| {
        p.servers.iter().any(|server| server.host.eq_ignore_ascii_case(host))
            || p.aliases.iter().any(|alias| alias.host.eq_ignore_ascii_case(host))
    };
    let own = s.mail_domain.and_then(|domain| {
        s.providers.by_mail_domain(domain).or_else(|| {
            s.providers
                .providers()
                .iter()
                .find(|p| p.mail_domains.iter().any(|d| host_is_under(domain, d)))
        })
    });
    let provider = match own.filter(|p| knows(p)) {
        Some(p) => p,
        None => match s.providers.by_host(host)? {
            (p, HostMatch::Canonical(_) | HostMatch::Alias(_)) => p,
            (_, HostMatch::UnderDomain(_)) => return None,
        },
    };
    provider.serves(host, protocol).then_some(provider)
}

/// Whether the user trusts `host`: an entry matches the host itself, and `*.example.net` or
/// `.example.net` also every host under it (the built-in rules' reading of `trusted-hosts`).
fn is_trusted(trusted_hosts: &[String], host: &str) -> bool {
    trusted_hosts.iter().any(|entry| {
        let entry = normalize_host(entry);
        match entry.strip_prefix("*.").or_else(|| entry.strip_prefix('.')) {
            Some(domain) => host_is_under(host, domain),
            None => entry == host,
        }
    })
}

fn origin_of<'a>(
    subject: &'a Subject<'_>,
    field: OriginField,
) -> Option<&'a maillint_core::Origin> {
    fn origin<T>(value: &Located<T>) -> &maillint_core::Origin {
        &value.origin
    }
    match field {
        OriginField::Email => subject.account.email.as_ref().map(origin),
        OriginField::Host => subject.endpoint?.host.as_ref().map(origin),
        OriginField::Port => subject.endpoint?.port.as_ref().map(origin),
        OriginField::Security => subject.endpoint.map(|e| origin(&e.security)),
        OriginField::Auth => subject.endpoint.map(|e| origin(&e.auth)),
        OriginField::Username => subject.endpoint?.username.as_ref().map(origin),
    }
}

impl Test {
    fn holds(&self, s: &Subject<'_>) -> bool {
        match self {
            Test::Client(clients) => clients.iter().any(|c| c == s.account.client.as_str()),
            Test::Protocol(protocols) => {
                s.endpoint.is_some_and(|e| protocols.contains(&e.protocol))
            }
            Test::Host { patterns, negate } => {
                s.host.is_some_and(|host| patterns.is_match(host) != *negate)
            }
            Test::HostInProvider { providers, negate } => s.host.is_some_and(|host| {
                let member =
                    s.providers.by_host(host).is_some_and(|(p, _)| providers.contains(&p.id));
                member != *negate
            }),
            Test::HostIsLoopback(wanted) => s.host.is_some_and(|h| is_loopback_host(h) == *wanted),
            Test::PortIn { ports, negate } => s
                .endpoint
                .and_then(|e| e.port.as_ref())
                .is_some_and(|port| ports.contains(&port.value) != *negate),
            Test::ProviderServesPort(wanted) => s.endpoint.is_some_and(|e| {
                let Some(port) = &e.port else { return false };
                serving_provider(s, e.protocol).is_some_and(|provider| {
                    provider.servers_for(e.protocol).any(|server| server.port == port.value)
                        == *wanted
                })
            }),
            Test::SecurityIn { values, negate } => s.endpoint.is_some_and(|e| {
                let value = e.security.value;
                if *negate {
                    value != Security::Unknown && !values.contains(&value)
                } else {
                    values.contains(&value)
                }
            }),
            Test::AuthIn { values, negate } => s.endpoint.is_some_and(|e| {
                let value = e.auth.value;
                if *negate {
                    value != AuthMethod::Unknown && !values.contains(&value)
                } else {
                    values.contains(&value)
                }
            }),
            Test::MailDomain { patterns, negate } => {
                s.mail_domain.is_some_and(|domain| patterns.is_match(domain) != *negate)
            }
            Test::MailDomainInProvider(providers) => s
                .mail_domain
                .and_then(|domain| s.providers.by_mail_domain(domain))
                .is_some_and(|p| providers.contains(&p.id)),
            Test::CertificateVerificationDisabled(wanted) => s.endpoint.is_some_and(|e| {
                let disabled =
                    e.certificate_verification_disabled.as_ref().is_some_and(|d| d.value);
                disabled == *wanted
            }),
            Test::HasStoredSecret(wanted) => {
                s.endpoint.is_some_and(|e| e.secrets.is_empty() != *wanted)
            }
            Test::Explicit(fields) => fields
                .iter()
                .all(|&field| matches!(origin_of(s, field), Some(maillint_core::Origin::Explicit))),
            Test::Defaulted(fields) => fields.iter().all(|&field| {
                matches!(origin_of(s, field), Some(maillint_core::Origin::Default { .. }))
            }),
            Test::Any(conditions) => conditions.iter().any(|c| c.holds(s)),
            Test::Not(condition) => !condition.holds(s),
        }
    }
}
