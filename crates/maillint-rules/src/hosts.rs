//! What a host name is to the provider facts: a provider's server, a wrong host under one of its
//! domains, a look-alike of one of its hosts, or unrelated.
//!
//! The host rules (`wrong-provider-host`, `protocol-host-mismatch`, `lookalike-host`) and the
//! provider rules (`wrong-provider-port`, `provider-requires-oauth2`) all start from
//! [`Hosts::classify`], so a host gets exactly one verdict and no two host rules report it.
//!
//! The order of the questions (first answer wins):
//!
//! 1. Empty, loopback, an IP address, or one of the user's `trusted-hosts`: unrelated.
//! 2. A known server or alias of a provider (the account's own provider first, so that
//!    `outlook.office365.com` is Outlook.com's for an `@hotmail.com` account): known.
//! 3. Under the domains of a provider: the account's provider (its host or mail domains), else
//!    the provider whose host domains contain the host (longest domain wins), else a provider
//!    whose bare mail domain the host is (`gmail.com`): wrong host of that provider, unless the
//!    host is a typo of another provider's server and closer to it than to any of the owner's
//!    servers (then a look-alike: `imap.email.com` in a Gmail account).
//! 4. Under some provider's mail domain (e.g. `mail.live.de`) without being its wrong host: its
//!    operator is known, so it is no look-alike (same typo exception as above); unrelated.
//! 5. A typo (Damerau-Levenshtein) of a known server, a typo of a provider's host domain, or a
//!    provider's host or domain embedded inside another domain: look-alike.
//!
//! Every rule classifies every endpoint, and the same hosts recur in thousands of homes, so the
//! answers to questions 2 to 5 are computed once per host name and account provider and kept
//! with the run's provider index ([`crate::provider_index`]), which also holds the provider
//! names lower-cased once and maps for the domain questions. A rule asks through a [`Hosts`],
//! which takes that index from the rule context once per check of a unit. Question 5 looks up
//! candidates in an index ([`crate::lookalike`]) instead of comparing the host with every
//! provider name, so its cost does not grow with the number of providers.

use std::cell::OnceCell;
use std::net::IpAddr;
use std::sync::Arc;

use maillint_core::model::{Account, is_loopback_host};
use maillint_core::providers::{Alias, HostMatch, Provider, ProviderDb};
use maillint_core::{Endpoint, HostName, Protocol, RuleContext};

use crate::lookalike::{lookalike, typo_of_another_provider};
use crate::provider_index::{NameRef, ProviderIndex, is_under};

/// How a known host is known.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum KnownAs<'a> {
    /// One of the provider's canonical servers.
    Canonical,
    /// A legacy or alternative name of one.
    Alias(&'a Alias),
}

/// Why a host that is not a server is said to belong to a provider.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Ownership<'a> {
    /// The host is under one of the provider's host domains.
    HostDomain(&'a str),
    /// The host is one of the provider's mail domains (`hotmail.com`), or is under one and the
    /// account's address is at the provider (`pop3.live.com` for `me@live.com`).
    MailDomain(&'a str),
}

#[cfg(test)]
impl Ownership<'_> {
    /// The domain that made the host the provider's.
    pub(crate) fn domain(&self) -> &str {
        match self {
            Ownership::HostDomain(d) | Ownership::MailDomain(d) => d,
        }
    }
}

/// How a look-alike resembles the real thing.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Resemblance {
    /// This many edits (insertions, deletions, substitutions, swaps of neighbours) away.
    Typo {
        /// Damerau-Levenshtein distance.
        distance: usize,
    },
    /// The real name appears, as whole labels, inside another domain.
    Embedded {
        /// The domain that really owns the host (`example.net`).
        outer: String,
    },
}

/// The verdict on one host.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum HostClass<'a> {
    /// Not a provider's and not like one (also: loopback, IP addresses, trusted hosts).
    Unrelated,
    /// A provider's known server or alias.
    Known {
        /// The provider.
        provider: &'a Provider,
        /// Canonical or alias.
        known_as: KnownAs<'a>,
    },
    /// Under a provider's domains, but none of its servers.
    Wrong {
        /// The provider.
        provider: &'a Provider,
        /// Why the host is the provider's.
        ownership: Ownership<'a>,
    },
    /// Resembles a provider's host or domain without being it.
    LookAlike {
        /// The provider resembled.
        provider: &'a Provider,
        /// The real host or domain it resembles.
        target: &'a str,
        /// Whether `target` is a server host name (else a domain).
        target_is_host: bool,
        /// How it resembles it.
        resemblance: Resemblance,
    },
}

/// A [`HostClass`] by position in the provider database instead of by reference, so that it
/// can be kept across units (and rule contexts) that share the same provider facts.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Verdict {
    /// [`HostClass::Unrelated`].
    Unrelated,
    /// [`HostClass::Known`]: the provider, and the alias when the host is one.
    Known {
        /// Index of the provider.
        provider: usize,
        /// Index of the alias in the provider's aliases; `None` for a canonical server.
        alias: Option<usize>,
    },
    /// [`HostClass::Wrong`].
    Wrong {
        /// Index of the provider.
        provider: usize,
        /// [`NameRef::HostDomain`] or [`NameRef::MailDomain`].
        ownership: NameRef,
    },
    /// [`HostClass::LookAlike`].
    LookAlike {
        /// Index of the provider.
        provider: usize,
        /// The host or domain resembled.
        target: NameRef,
        /// How.
        resemblance: Resemblance,
    },
}

impl Verdict {
    /// The verdict with references into `db`, the database it was reached with.
    fn into_class(self, db: &ProviderDb) -> HostClass<'_> {
        let providers = db.providers();
        match self {
            Verdict::Unrelated => HostClass::Unrelated,
            Verdict::Known { provider, alias } => {
                let provider = &providers[provider];
                let known_as = match alias {
                    Some(i) => KnownAs::Alias(&provider.aliases[i]),
                    None => KnownAs::Canonical,
                };
                HostClass::Known { provider, known_as }
            }
            Verdict::Wrong { provider, ownership } => {
                let provider = &providers[provider];
                let domain = ownership.resolve(provider);
                let ownership = match ownership {
                    NameRef::MailDomain(_) => Ownership::MailDomain(domain),
                    _ => Ownership::HostDomain(domain),
                };
                HostClass::Wrong { provider, ownership }
            }
            Verdict::LookAlike { provider, target, resemblance } => {
                let provider = &providers[provider];
                HostClass::LookAlike {
                    provider,
                    target: target.resolve(provider),
                    target_is_host: target.is_host(),
                    resemblance,
                }
            }
        }
    }
}

/// Whether the user trusts `host` (`settings.trusted_hosts`): an entry matches the host itself,
/// and an entry written `*.example.net` or `.example.net` also matches every host under it.
/// `host` is in normal form ([`HostName`]); entries are compared as [`maillint_core::providers::normalize_host`] would
/// write them, without copying them on every call.
pub(crate) fn is_trusted(cx: &RuleContext<'_>, host: &str) -> bool {
    cx.settings.trusted_hosts.iter().any(|entry| {
        let entry =
            entry.trim().trim_end_matches('.').trim_start_matches('[').trim_end_matches(']');
        match entry.strip_prefix("*.").or_else(|| entry.strip_prefix('.')) {
            Some(domain) => {
                host.eq_ignore_ascii_case(domain)
                    || (host.len() > domain.len()
                        && host.as_bytes()[host.len() - domain.len()..]
                            .eq_ignore_ascii_case(domain.as_bytes())
                        && host.as_bytes()[host.len() - domain.len() - 1] == b'.')
            }
            None => host.eq_ignore_ascii_case(entry),
        }
    })
}

/// Every server and alias host name of a provider, once each, in file order.
pub(crate) fn provider_hosts(provider: &Provider) -> Vec<&str> {
    let mut hosts: Vec<&str> = Vec::new();
    for host in provider
        .servers
        .iter()
        .map(|s| s.host.as_str())
        .chain(provider.aliases.iter().map(|a| a.host.as_str()))
    {
        if !hosts.iter().any(|h| h.eq_ignore_ascii_case(host)) {
            hosts.push(host);
        }
    }
    hosts
}

/// The questions a rule asks about hosts during one check of a unit.
///
/// The run's provider index is taken from the context on the first question and kept for the
/// others.
pub(crate) struct Hosts<'c, 'a> {
    cx: &'c RuleContext<'a>,
    index: OnceCell<Arc<ProviderIndex>>,
}

impl<'c, 'a> Hosts<'c, 'a> {
    /// Questions about the hosts of `cx`'s accounts.
    pub(crate) fn new(cx: &'c RuleContext<'a>) -> Self {
        Hosts { cx, index: OnceCell::new() }
    }

    fn index(&self) -> &ProviderIndex {
        self.index.get_or_init(|| ProviderIndex::of(self.cx))
    }

    /// The provider of the account's mail address: its mail domain, or a domain under one of
    /// the provider's mail domains (tenant addresses such as `me@contoso.onmicrosoft.com`).
    pub(crate) fn account_provider(&self, account: &Account) -> Option<&'a Provider> {
        let domain = account.mail_domain()?;
        let provider = self.index().mail_domain_provider(&domain)?;
        Some(&self.cx.providers.providers()[provider])
    }

    /// The rule context the questions are about.
    pub(crate) fn cx(&self) -> &'c RuleContext<'a> {
        self.cx
    }

    /// Classifies the host of an endpoint of `account`.
    pub(crate) fn classify(&self, account: &Account, host: &HostName) -> HostClass<'a> {
        let db: &'a ProviderDb = self.cx.providers;
        // Trusted hosts first: they depend on the settings, which the cached verdicts do not.
        if is_trusted(self.cx, host) {
            return HostClass::Unrelated;
        }
        let index = self.index();
        let own = account.mail_domain().and_then(|d| index.mail_domain_provider(&d));
        index.verdict(host, own, || decide(db, index, own, host)).into_class(db)
    }

    /// The provider whose server (canonical or alias) for the endpoint's protocol the
    /// endpoint's host is.
    pub(crate) fn serving_provider(
        &self,
        account: &Account,
        endpoint: &Endpoint,
    ) -> Option<&'a Provider> {
        let host = endpoint.host.as_ref()?;
        match self.classify(account, &host.value) {
            HostClass::Known { provider, .. }
                if provider.serves(&host.value, endpoint.protocol) =>
            {
                Some(provider)
            }
            _ => None,
        }
    }

    /// Whether the endpoint is a provider's server on a port the provider does not serve for
    /// the protocol: `wrong-provider-port`'s finding, whose fix sets port and security
    /// together. The transport rules stay silent there, because pairing the security with that
    /// port (or requiring STARTTLS on it) would not make it work.
    pub(crate) fn on_unserved_port(&self, account: &Account, endpoint: &Endpoint) -> bool {
        let Some(port) = &endpoint.port else { return false };
        self.serving_provider(account, endpoint)
            .is_some_and(|p| !p.servers_for(endpoint.protocol).any(|s| s.port == port.value))
    }
}

/// Classifies the host of an endpoint of `account` (one question; rules keep a [`Hosts`]).
#[cfg(test)]
pub(crate) fn classify<'a>(cx: &RuleContext<'a>, account: &Account, host: &str) -> HostClass<'a> {
    Hosts::new(cx).classify(account, &HostName::new(host))
}

/// Questions 1 (but trusted hosts) to 5 of the module documentation, for a canonical host of an
/// account of provider `own` (an index into the database).
fn decide(db: &ProviderDb, index: &ProviderIndex, own: Option<usize>, host: &str) -> Verdict {
    if host.is_empty() || is_loopback_host(host) || host.parse::<IpAddr>().is_ok() {
        return Verdict::Unrelated;
    }
    let position = |provider: &Provider| position_of(db.providers(), provider);

    // 2. Known servers and aliases, the account's provider first.
    if let Some(o) = own
        && let Some(known) = index.providers[o].hosts.iter().find(|h| h.name == host)
    {
        let alias = match known.source {
            NameRef::Alias(i) => Some(i),
            _ => None,
        };
        return Verdict::Known { provider: o, alias };
    }
    let by_host = db.by_host(host);
    match &by_host {
        Some((p, HostMatch::Canonical(_))) => {
            if let Some(provider) = position(p) {
                return Verdict::Known { provider, alias: None };
            }
        }
        Some((p, HostMatch::Alias(a))) => {
            let alias = p.aliases.iter().position(|x| std::ptr::eq(x, *a));
            if let Some(provider) = position(p) {
                return Verdict::Known { provider, alias };
            }
        }
        _ => {}
    }

    // 3. Under a provider's domains: its wrong host (or a typo of another provider's server).
    let owner: Option<(usize, NameRef)> = own
        .and_then(|o| {
            let names = &index.providers[o];
            names
                .host_domains
                .iter()
                .position(|d| is_under(host, &d.name))
                .map(|i| (o, NameRef::HostDomain(i)))
                .or_else(|| {
                    names
                        .mail_domains
                        .iter()
                        .position(|d| is_under(host, &d.name))
                        .map(|i| (o, NameRef::MailDomain(i)))
                })
        })
        .or(match &by_host {
            Some((p, HostMatch::UnderDomain(d))) => position(p).and_then(|provider| {
                let i = p.host_domains.iter().position(|x| std::ptr::eq(x.as_str(), *d))?;
                Some((provider, NameRef::HostDomain(i)))
            }),
            _ => None,
        })
        .or_else(|| index.first_mail_domain_equal(host));
    if let Some((provider, ownership)) = owner {
        if let Some(lookalike) = typo_of_another_provider(db, index, own, provider, host) {
            return lookalike;
        }
        return Verdict::Wrong { provider, ownership };
    }

    // 4. Under some provider's mail domain: a known operator, not a look-alike.
    if let Some(operator) = index.first_mail_domain_over(host) {
        return typo_of_another_provider(db, index, own, operator, host)
            .unwrap_or(Verdict::Unrelated);
    }

    // 5. Look-alikes.
    lookalike(db, index, own, host).unwrap_or(Verdict::Unrelated)
}

/// The position of `provider`, a reference into `providers`, found from its address (the
/// database hands out references into its slice) rather than by walking the slice.
fn position_of(providers: &[Provider], provider: &Provider) -> Option<usize> {
    let offset = (provider as *const Provider as usize).checked_sub(providers.as_ptr() as usize)?;
    let index = offset / std::mem::size_of::<Provider>();
    (index < providers.len() && std::ptr::eq(&providers[index], provider)).then_some(index)
}

/// The provider's host that a look-alike or wrong host should become for `protocol`: the
/// resembled server itself when it serves the protocol, else the provider's preferred server.
pub(crate) fn real_host_for<'a>(
    provider: &'a Provider,
    resembled: Option<&'a str>,
    protocol: Protocol,
) -> Option<&'a str> {
    if let Some(host) = resembled
        && provider.servers_for(protocol).any(|s| s.host.eq_ignore_ascii_case(host))
    {
        return Some(host);
    }
    provider.servers_for(protocol).next().map(|s| s.host.as_str())
}

/// Every protocol a host serves for a provider, for messages ("Gmail's SMTP server").
pub(crate) fn protocols_served(provider: &Provider, host: &str) -> Vec<Protocol> {
    let mut protocols: Vec<Protocol> = Vec::new();
    for protocol in [Protocol::Imap, Protocol::Pop3, Protocol::Smtp] {
        if provider.serves(host, protocol) {
            protocols.push(protocol);
        }
    }
    protocols
}

#[cfg(test)]
mod tests {
    use maillint_core::{RuleSettings, RunState};

    use super::*;
    use crate::builtin_providers;
    use crate::testing::AccountBuilder;

    fn verdict(email: Option<&str>, host: &str) -> String {
        verdict_with(email, host, &RuleSettings::default())
    }

    /// One run for the whole test binary: every check uses the built-in providers.
    static RUN: std::sync::LazyLock<RunState> = std::sync::LazyLock::new(RunState::new);

    fn verdict_with(email: Option<&str>, host: &str, settings: &RuleSettings) -> String {
        let db = builtin_providers();
        let account = AccountBuilder::new(email).build();
        let accounts = [account];
        let cx = RuleContext { accounts: &accounts, providers: &db, settings, run: &RUN };
        match classify(&cx, &accounts[0], host) {
            HostClass::Unrelated => "unrelated".to_owned(),
            HostClass::Known { provider, known_as: KnownAs::Canonical } => {
                format!("known {}", provider.id)
            }
            HostClass::Known { provider, known_as: KnownAs::Alias(a) } => {
                format!("alias {} -> {}", provider.id, a.canonical)
            }
            HostClass::Wrong { provider, ownership } => {
                format!("wrong {} via {}", provider.id, ownership.domain())
            }
            HostClass::LookAlike { provider, target, resemblance, .. } => match resemblance {
                Resemblance::Typo { distance } => {
                    format!("lookalike {} {target} typo {distance}", provider.id)
                }
                Resemblance::Embedded { outer } => {
                    format!("lookalike {} {target} embedded in {outer}", provider.id)
                }
            },
        }
    }

    #[test]
    fn known_servers_and_aliases() {
        assert_eq!(verdict(None, "IMAP.Gmail.com."), "known gmail");
        assert_eq!(verdict(None, "imap.gmail.com:993"), "known gmail");
        assert_eq!(verdict(None, "imap.googlemail.com"), "alias gmail -> imap.gmail.com");
        // Legacy names of issue 18: known, not wrong hosts.
        for (email, host, expected) in [
            (
                "me@outlook.com",
                "imap-mail.outlook.com",
                "alias outlook-com -> outlook.office365.com",
            ),
            (
                "me@hotmail.com",
                "pop-mail.outlook.com",
                "alias outlook-com -> outlook.office365.com",
            ),
            ("me@fastmail.com", "mail.messagingengine.com", "alias fastmail -> imap.fastmail.com"),
            ("me@yandex.ru", "imap.yandex.ru", "alias yandex -> imap.yandex.com"),
            ("me@yandex.ru", "smtp.yandex.ru", "alias yandex -> smtp.yandex.com"),
        ] {
            assert_eq!(verdict(Some(email), host), expected, "{host}");
        }
        // Shared by both Microsoft providers: the account decides.
        assert_eq!(verdict(Some("me@hotmail.com"), "outlook.office365.com"), "known outlook-com");
        assert_eq!(verdict(Some("me@example.com"), "outlook.office365.com"), "known microsoft-365");
    }

    #[test]
    fn wrong_hosts_under_provider_domains() {
        assert_eq!(verdict(None, "imap.google.com"), "wrong gmail via google.com");
        assert_eq!(verdict(None, "gmail.com"), "wrong gmail via gmail.com");
        assert_eq!(verdict(None, "mail.gmail.com"), "wrong gmail via gmail.com");
        assert_eq!(verdict(None, "pop3.gmail.com"), "wrong gmail via gmail.com");
        // A bare mail domain that is no host domain.
        assert_eq!(verdict(None, "hotmail.com"), "wrong outlook-com via hotmail.com");
        // Through the account: `live.com` is an Outlook.com address domain.
        assert_eq!(verdict(Some("me@live.com"), "pop3.live.com"), "wrong outlook-com via live.com");
        assert_eq!(verdict(None, "pop3.live.com"), "unrelated");
    }

    #[test]
    fn typos_and_embeddings_are_lookalikes() {
        assert_eq!(verdict(None, "imap.gmial.com"), "lookalike gmail imap.gmail.com typo 1");
        assert_eq!(verdict(None, "imap.gmail.co"), "lookalike gmail imap.gmail.com typo 1");
        assert_eq!(verdict(None, "smtp.gmai.com"), "lookalike gmail smtp.gmail.com typo 1");
        assert_eq!(verdict(None, "imap.gmaill.co"), "lookalike gmail imap.gmail.com typo 2");
        assert_eq!(verdict(None, "mx.gmial.com"), "lookalike gmail gmail.com typo 1");
        assert_eq!(
            verdict(None, "imap.gmail.com.example.net"),
            "lookalike gmail imap.gmail.com embedded in example.net"
        );
        assert_eq!(
            verdict(None, "gmail.com-secure.net"),
            "lookalike gmail gmail.com embedded in com-secure.net"
        );
        assert_eq!(
            verdict(None, "smtp.office356.com"),
            "lookalike microsoft-365 smtp.office365.com typo 1"
        );
    }

    #[test]
    fn real_hosts_of_other_providers_and_unrelated_hosts_are_not_lookalikes() {
        for host in [
            "smtp.mail.com",
            "imap.mail.com",
            "imap.gmx.com",
            "imap.gmx.net",
            "mail.gmx.net",
            "imap.aol.com",
            "imap.yandex.com",
            "secureimap.t-online.de",
            "in.alice.it",
            // ISPDB providers without a hand-written overlay.
            "imap.mail.ru",
            "imap.web.de",
            "imap.one.com",
        ] {
            assert!(verdict(None, host).starts_with("known"), "{host}: {}", verdict(None, host));
        }
        let got: Vec<(&str, String)> = [
            "mail.example.com",
            "imap.fastmail.fm.example.org",
            "mail.live.de",
            "smtp.email.com",
            "outlook.office.com",
            "mail.doctor.com",
            "localhost",
            "127.0.0.1",
            "::1",
            "192.0.2.10",
            "mailserver",
            "gmail.com.br",
        ]
        .into_iter()
        .map(|host| (host, verdict(None, host)))
        .filter(|(_, v)| v != "unrelated")
        .collect();
        assert!(got.is_empty(), "{got:#?}");
        // The ISPDB's Yahoo Japan entry lists POP3 and SMTP only: another host under
        // yahoo.co.jp is not one of its servers (and no look-alike of Yahoo's).
        assert_eq!(verdict(None, "imap.mail.yahoo.co.jp"), "wrong yahoo.co.jp via yahoo.co.jp");
    }

    #[test]
    fn a_typo_under_another_providers_domain_is_a_lookalike_for_that_account() {
        // `imap.email.com` is one edit from both `imap.gmail.com` and `imap.mail.com`; it is
        // under mail.com's address domain `email.com`. For a Gmail account it is a typo of
        // Gmail's server; otherwise it is left alone.
        assert_eq!(
            verdict(Some("me@gmail.com"), "imap.email.com"),
            "lookalike gmail imap.gmail.com typo 1"
        );
        assert_eq!(verdict(None, "imap.email.com"), "unrelated");
    }

    #[test]
    fn trusted_hosts_are_unrelated() {
        let settings = RuleSettings {
            trusted_hosts: vec!["imap.gmial.com".into(), "*.corp.example".into()],
            ..RuleSettings::default()
        };
        assert_eq!(verdict_with(None, "imap.gmial.com", &settings), "unrelated");
        assert_eq!(verdict_with(None, "imap.gmail.com.corp.example", &settings), "unrelated");
        assert_eq!(
            verdict_with(None, "smtp.gmial.com", &settings),
            "lookalike gmail smtp.gmail.com typo 1"
        );
    }
}
