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
//! with the provider database's index ([`crate::provider_index`]), which also holds the
//! provider names lower-cased once. A rule asks through a [`Hosts`], which finds that index
//! once per check of a unit. Edit distances are only computed where the lengths allow a
//! typo, and stop as soon as the budget is exceeded ([`crate::edit_distance`]).

use std::cell::OnceCell;
use std::net::IpAddr;
use std::sync::Arc;

use maillint_core::model::{Account, is_loopback_host};
use maillint_core::providers::{Alias, HostMatch, Provider, ProviderDb};
use maillint_core::{Endpoint, HostName, Protocol, RuleContext};

use crate::edit_distance::damerau_levenshtein_within;
use crate::provider_index::{NameRef, ProviderIndex, index_for, is_under};

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
/// The provider index is found on the first question and kept: finding it means comparing the
/// database's facts with the index's, and while `cx` is borrowed its database cannot change.
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
        self.index.get_or_init(|| index_for(self.cx.providers))
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
    let providers = db.providers();
    let position = |provider: &Provider| providers.iter().position(|p| std::ptr::eq(p, provider));

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
        .or_else(|| {
            index.providers.iter().enumerate().find_map(|(p, names)| {
                let i = names.mail_domains.iter().position(|d| d.name == host)?;
                Some((p, NameRef::MailDomain(i)))
            })
        });
    if let Some((provider, ownership)) = owner {
        if let Some(lookalike) = typo_of_another_provider(db, index, own, provider, host) {
            return lookalike;
        }
        return Verdict::Wrong { provider, ownership };
    }

    // 4. Under some provider's mail domain: a known operator, not a look-alike.
    if let Some(operator) =
        index.providers.iter().position(|p| p.mail_domains.iter().any(|d| is_under(host, &d.name)))
    {
        return typo_of_another_provider(db, index, own, operator, host)
            .unwrap_or(Verdict::Unrelated);
    }

    // 5. Look-alikes.
    lookalike(db, index, own, host).unwrap_or(Verdict::Unrelated)
}

/// How many edits from a known server still count as a typo: two for long names, one for
/// shorter ones (`imap.aol.com` and `imap.aon.com` are one edit apart; at two edits a short
/// name has too many real neighbours).
pub(crate) fn host_typo_budget(known: &str) -> usize {
    if known.len() >= 13 { 2 } else { 1 }
}

/// How many edits from a provider's host domain still count as a typo, by the length of the
/// domain's name label (`gmail` in `gmail.com`): none under 5 characters (`me.com`,
/// `gmx.net`, `aol.com` have countless real neighbours), one up to 9, two from 10
/// (`googlemail`, `messagingengine`).
pub(crate) fn domain_typo_budget(domain: &str) -> usize {
    match name_label(domain).len() {
        0..=4 => 0,
        5..=9 => 1,
        _ => 2,
    }
}

/// Second-level labels under which country-code domains register names (`co.uk`, `com.au`).
const COUNTRY_SECOND_LEVELS: &[&str] =
    &["ac", "co", "com", "edu", "go", "gov", "ne", "net", "or", "org"];

/// How many trailing labels form the public suffix: one (`com`), or two for a country code's
/// second level (`co.uk`). A small stand-in for the public suffix list, enough for messages.
fn public_suffix_labels(labels: &[&str]) -> usize {
    let n = labels.len();
    if n >= 3 && labels[n - 1].len() == 2 && COUNTRY_SECOND_LEVELS.contains(&labels[n - 2]) {
        2
    } else {
        1
    }
}

/// The label that names the registrant (`gmail` in `imap.gmail.com`, `yahoo` in
/// `mail.yahoo.co.uk`).
pub(crate) fn name_label(domain: &str) -> &str {
    let labels: Vec<&str> = domain.split('.').collect();
    let suffix = public_suffix_labels(&labels);
    if labels.len() > suffix { labels[labels.len() - suffix - 1] } else { domain }
}

/// The registrable domain of a host (`example.net` for `imap.gmail.com.example.net`).
pub(crate) fn registrable_domain(host: &str) -> String {
    let labels: Vec<&str> = host.split('.').collect();
    let keep = (public_suffix_labels(&labels) + 1).min(labels.len());
    labels[labels.len() - keep..].join(".")
}

/// The last `count` labels of `host`, if it has that many.
fn tail_labels(host: &str, count: usize) -> Option<&str> {
    let mut seen = 0;
    for (i, b) in host.bytes().enumerate().rev() {
        if b == b'.' {
            seen += 1;
            if seen == count {
                return Some(&host[i + 1..]);
            }
        }
    }
    (seen + 1 == count).then_some(host)
}

/// A candidate resemblance, ranked by [`Candidate::rank`].
struct Candidate<'a> {
    /// Index of the provider.
    provider: usize,
    /// The provider's name resembled, as written in the database.
    target: &'a str,
    target_ref: NameRef,
    /// The edit distance; 0 for an embedded name.
    distance: usize,
}

impl Candidate<'_> {
    /// Lower is better: embedded names first (the strongest signal), then fewer edits, then the
    /// account's own provider, then servers before domains, then by name for a stable choice.
    fn rank(&self, db: &ProviderDb, own: Option<usize>) -> (usize, bool, bool, &str) {
        let not_own = own.is_none_or(|o| db.providers()[o].id != db.providers()[self.provider].id);
        (self.distance, not_own, !self.target_ref.is_host(), self.target)
    }
}

/// The best of the candidates offered, by [`Candidate::rank`]; among equals, the first
/// offered.
struct Best<'a> {
    db: &'a ProviderDb,
    own: Option<usize>,
    best: Option<Candidate<'a>>,
}

impl<'a> Best<'a> {
    fn new(db: &'a ProviderDb, own: Option<usize>) -> Self {
        Best { db, own, best: None }
    }

    fn offer(&mut self, provider: usize, target_ref: NameRef, distance: usize) {
        let target = target_ref.resolve(&self.db.providers()[provider]);
        let candidate = Candidate { provider, target, target_ref, distance };
        let better = match &self.best {
            None => true,
            Some(best) => candidate.rank(self.db, self.own) < best.rank(self.db, self.own),
        };
        if better {
            self.best = Some(candidate);
        }
    }

    /// The best candidate as a look-alike verdict on `host`.
    fn into_verdict(self, host: &str) -> Option<Verdict> {
        let best = self.best?;
        let resemblance = match best.distance {
            0 => Resemblance::Embedded { outer: registrable_domain(host) },
            distance => Resemblance::Typo { distance },
        };
        Some(Verdict::LookAlike { provider: best.provider, target: best.target_ref, resemblance })
    }
}

/// Offers the typos of known servers within their budget, over the providers `include` lets
/// through.
fn server_typos(
    index: &ProviderIndex,
    host: &str,
    include: impl Fn(usize) -> bool,
    best: &mut Best<'_>,
) {
    for (provider, names) in index.providers.iter().enumerate() {
        if !include(provider) {
            continue;
        }
        for known in &names.hosts {
            if let Some(distance) = damerau_levenshtein_within(host, &known.name, known.typo_budget)
                && distance > 0
            {
                best.offer(provider, known.source, distance);
            }
        }
    }
}

/// A host under `owner`'s domains that is a typo of another provider's server and closer to it
/// than to any of the owner's servers (ties go to the account's own provider).
fn typo_of_another_provider(
    db: &ProviderDb,
    index: &ProviderIndex,
    own: Option<usize>,
    owner: usize,
    host: &str,
) -> Option<Verdict> {
    let providers = db.providers();
    let mut others = Best::new(db, own);
    server_typos(index, host, |p| providers[p].id != providers[owner].id, &mut others);
    let best = others.best?;
    let distance = best.distance;
    // Only whether the owner's closest server is nearer, as near or farther matters, so its
    // distance is computed up to `distance` (farther counts as `distance + 1`).
    let owner_best = index.providers[owner]
        .hosts
        .iter()
        .filter_map(|h| damerau_levenshtein_within(host, &h.name, distance))
        .min()
        .unwrap_or(distance + 1);
    let own_is_other = own.is_some_and(|o| providers[o].id == providers[best.provider].id);
    (distance < owner_best || (distance == owner_best && own_is_other)).then_some(
        Verdict::LookAlike {
            provider: best.provider,
            target: best.target_ref,
            resemblance: Resemblance::Typo { distance },
        },
    )
}

/// Whether `host` contains `name` as whole labels followed by more of another domain
/// (`imap.gmail.com.example.net`, `gmail.com-secure.net`). A name followed only by a country
/// code (`gmail.com.br`) is not counted: such names are often the same brand's country domain.
///
/// `name` is compared lower-cased; only the starts of labels in `host` are tried.
fn embeds(host: &str, name: &str) -> bool {
    let (host, name) = (host.as_bytes(), name.as_bytes());
    let mut start = 0;
    loop {
        let end = start + name.len();
        if end <= host.len()
            && host[start..end].iter().zip(name).all(|(h, n)| *h == n.to_ascii_lowercase())
        {
            let rest = &host[end..];
            let continues = matches!(rest.first(), Some(b'.' | b'-'));
            let country_code_only =
                rest.len() == 3 && rest[0] == b'.' && rest[1..].iter().all(u8::is_ascii_alphabetic);
            if continues && !country_code_only {
                return true;
            }
        }
        match host[start..].iter().position(|&b| b == b'.') {
            Some(dot) => start += dot + 1,
            None => return false,
        }
    }
}

/// The best look-alike verdict for a host outside every provider's domains.
fn lookalike(
    db: &ProviderDb,
    index: &ProviderIndex,
    own: Option<usize>,
    host: &str,
) -> Option<Verdict> {
    let mut best = Best::new(db, own);
    server_typos(index, host, |_| true, &mut best);
    for (provider, names) in index.providers.iter().enumerate() {
        for known in &names.hosts {
            if embeds(host, &known.name) {
                best.offer(provider, known.source, 0);
            }
        }
        for (i, domain) in names.host_domains.iter().enumerate() {
            if domain.typo_budget == 0 {
                continue;
            }
            let Some(tail) = tail_labels(host, domain.labels) else { continue };
            if let Some(distance) =
                damerau_levenshtein_within(tail, &domain.name, domain.typo_budget)
                && distance > 0
            {
                best.offer(provider, NameRef::HostDomain(i), distance);
            }
        }
        // Embedded domains: host domains, and mail domains with a distinctive name (a short
        // name such as `dr.com` or `live.at` appears inside too many unrelated names).
        let host_domains =
            names.host_domains.iter().enumerate().map(|(i, d)| (NameRef::HostDomain(i), d));
        let mail_domains =
            names.mail_domains.iter().enumerate().map(|(i, d)| (NameRef::MailDomain(i), d));
        for (target, domain) in host_domains.chain(mail_domains) {
            if domain.distinctive && embeds(host, &domain.name) {
                best.offer(provider, target, 0);
            }
        }
    }
    best.into_verdict(host)
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
    use maillint_core::RuleSettings;

    use super::*;
    use crate::builtin_providers;
    use crate::testing::AccountBuilder;

    fn verdict(email: Option<&str>, host: &str) -> String {
        verdict_with(email, host, &RuleSettings::default())
    }

    fn verdict_with(email: Option<&str>, host: &str, settings: &RuleSettings) -> String {
        let db = builtin_providers();
        let account = AccountBuilder::new(email).build();
        let accounts = [account];
        let cx = RuleContext { accounts: &accounts, providers: &db, settings };
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

    #[test]
    fn helpers() {
        assert_eq!(registrable_domain("imap.mail.yahoo.co.uk"), "yahoo.co.uk");
        assert_eq!(registrable_domain("a.b.example.net"), "example.net");
        assert_eq!(name_label("mail.yahoo.com"), "yahoo");
        assert_eq!(tail_labels("imap.gmail.co", 2), Some("gmail.co"));
        assert_eq!(tail_labels("gmail.co", 2), Some("gmail.co"));
        assert_eq!(tail_labels("localhost", 2), None);
        assert!(embeds("imap.gmail.com.example.net", "gmail.com"));
        assert!(!embeds("imap.gmail.com", "gmail.com"));
        assert!(!embeds("notgmail.com.example.net", "gmail.com"));
        assert!(!embeds("gmail.com.br", "gmail.com"));
    }
}
