//! The provider facts as the host rules compare them, built once per run, and the verdicts
//! already reached on host names.
//!
//! [`crate::hosts::Hosts::classify`] runs for every endpoint in nearly every rule: eight rules ask
//! about the same host of the same unit, and the same hosts (`imap.gmail.com`,
//! `mail.example.org`) come back in thousands of homes. So the names are lower-cased once, the
//! lookups by domain are maps, and the look-alike candidates are an index
//! ([`crate::lookalike::LookalikeIndex`], built the first time a host needs it), all kept in the
//! run's [`RunState`] (the engine's linter owns it and hands it to every rule in the context):
//! built once per run from the run's provider facts, gone with the run.
//!
//! Verdicts are kept with the index, keyed by host name and the account's provider (the only
//! inputs besides the facts; the user's trusted hosts are checked before the cache). The cache
//! is split into shards behind read-write locks, so the engine's worker threads rarely wait,
//! and each shard is emptied when it reaches its size limit, which bounds memory whatever the
//! number of distinct hosts.

use std::collections::HashMap;

use foldhash::fast::RandomState;
use std::sync::{Arc, OnceLock, PoisonError, RwLock};

use maillint_core::providers::{Provider, ProviderDb};
use maillint_core::{RuleContext, RunState};

use crate::hosts::{Verdict, provider_hosts};
use crate::lookalike::{LookalikeIndex, domain_typo_budget, host_typo_budget, name_label};

/// Shards of the verdict cache.
const SHARDS: usize = 16;
/// Host names per shard before the shard is emptied (16 × 1024 names in all, a few MB at most).
const HOSTS_PER_SHARD: usize = 1024;

/// Where a provider's name comes from in its [`Provider`], so that a verdict can point back at
/// the database's own string.
/// Ordered as the look-alike search first meets the names of a provider: servers, aliases,
/// host domains, mail domains.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum NameRef {
    /// `servers[i].host`.
    Server(usize),
    /// `aliases[i].host`.
    Alias(usize),
    /// `host_domains[i]`.
    HostDomain(usize),
    /// `mail_domains[i]`.
    MailDomain(usize),
}

impl NameRef {
    /// The name in `provider`.
    pub(crate) fn resolve(self, provider: &Provider) -> &str {
        match self {
            NameRef::Server(i) => &provider.servers[i].host,
            NameRef::Alias(i) => &provider.aliases[i].host,
            NameRef::HostDomain(i) => &provider.host_domains[i],
            NameRef::MailDomain(i) => &provider.mail_domains[i],
        }
    }

    /// Whether the name is a server's (else a domain).
    pub(crate) fn is_host(self) -> bool {
        matches!(self, NameRef::Server(_) | NameRef::Alias(_))
    }
}

/// A server or alias name of a provider, once each (as [`provider_hosts`] lists them).
pub(crate) struct KnownHost {
    /// Lower-cased.
    pub(crate) name: String,
    /// The first server or alias with this name.
    pub(crate) source: NameRef,
    /// How many edits away still count as a typo of it.
    pub(crate) typo_budget: usize,
}

/// A host or mail domain of a provider.
pub(crate) struct Domain {
    /// Lower-cased.
    pub(crate) name: String,
    /// Number of labels (`gmail.com`: 2).
    pub(crate) labels: usize,
    /// How many edits away still count as a typo of it (host domains; 0: never compared).
    pub(crate) typo_budget: usize,
    /// Whether its name label is distinctive enough (5 characters or more) to count when it
    /// appears inside another domain.
    pub(crate) distinctive: bool,
}

impl Domain {
    fn new(name: &str) -> Self {
        Domain {
            name: name.to_ascii_lowercase(),
            labels: name.split('.').count(),
            typo_budget: domain_typo_budget(name),
            distinctive: name_label(name).len() >= 5,
        }
    }
}

/// One provider's names, lower-cased, in file order.
pub(crate) struct ProviderNames {
    /// Servers, then aliases, each name once.
    pub(crate) hosts: Vec<KnownHost>,
    /// Host domains.
    pub(crate) host_domains: Vec<Domain>,
    /// Mail domains.
    pub(crate) mail_domains: Vec<Domain>,
}

/// The index of one provider database, for one run.
pub(crate) struct ProviderIndex {
    /// Per provider, in database order.
    pub(crate) providers: Vec<ProviderNames>,
    /// Lower-cased mail domain to provider, later providers winning, as
    /// [`ProviderDb::by_mail_domain`] answers.
    by_mail_domain: HashMap<String, usize, RandomState>,
    /// Lower-cased mail domain to the first provider listing it.
    first_by_mail_domain: HashMap<String, usize, RandomState>,
    /// The look-alike candidates, built the first time a host is no provider's.
    lookalikes: OnceLock<LookalikeIndex>,
    verdicts: VerdictCache,
}

impl ProviderIndex {
    /// The index of the run `cx` belongs to, built from `cx`'s provider facts the first time a
    /// rule of the run asks.
    pub(crate) fn of(cx: &RuleContext<'_>) -> Arc<ProviderIndex> {
        Self::in_run(cx.run, cx.providers)
    }

    /// The index kept in `run`, built from `db` if `run` has none yet.
    pub(crate) fn in_run(run: &RunState, db: &ProviderDb) -> Arc<ProviderIndex> {
        run.get_or_init(|| ProviderIndex::build(db))
    }

    pub(crate) fn build(db: &ProviderDb) -> Self {
        let mut by_mail_domain = HashMap::default();
        let mut first_by_mail_domain = HashMap::default();
        let mut providers = Vec::with_capacity(db.providers().len());
        for (index, provider) in db.providers().iter().enumerate() {
            for domain in &provider.mail_domains {
                by_mail_domain.insert(domain.to_ascii_lowercase(), index);
                first_by_mail_domain.entry(domain.to_ascii_lowercase()).or_insert(index);
            }
            providers.push(ProviderNames::new(provider));
        }
        ProviderIndex {
            providers,
            by_mail_domain,
            first_by_mail_domain,
            lookalikes: OnceLock::new(),
            verdicts: VerdictCache::new(),
        }
    }

    /// The look-alike candidates of the providers' names.
    pub(crate) fn lookalikes(&self) -> &LookalikeIndex {
        self.lookalikes.get_or_init(|| LookalikeIndex::build(&self.providers))
    }

    /// The provider hosting addresses at `domain` (lower-case): its mail domain, else the
    /// first provider one of whose mail domains `domain` is under.
    ///
    /// The second question is answered by looking up `domain`'s parent domains (every name
    /// after one of its dots), each in a map that keeps the first provider listing it, rather
    /// than by comparing `domain` with every provider's mail domains.
    pub(crate) fn mail_domain_provider(&self, domain: &str) -> Option<usize> {
        if let Some(&provider) = self.by_mail_domain.get(domain) {
            return Some(provider);
        }
        self.first_mail_domain_over(domain)
    }

    /// The first provider (in database order) one of whose mail domains `host` is, or is
    /// under.
    pub(crate) fn first_mail_domain_over(&self, host: &str) -> Option<usize> {
        let first = |name: &str| self.first_by_mail_domain.get(name).copied();
        let parents = host.bytes().enumerate().filter(|&(_, b)| b == b'.');
        parents.filter_map(|(dot, _)| first(&host[dot + 1..])).chain(first(host)).min()
    }

    /// The first provider (in database order) one of whose mail domains is `host`, and which.
    pub(crate) fn first_mail_domain_equal(&self, host: &str) -> Option<(usize, NameRef)> {
        let provider = *self.first_by_mail_domain.get(host)?;
        let i = self.providers[provider].mail_domains.iter().position(|d| d.name == host)?;
        Some((provider, NameRef::MailDomain(i)))
    }

    /// The verdict on `host` (canonical) for an account of provider `own`, computed by `decide`
    /// the first time.
    pub(crate) fn verdict(
        &self,
        host: &str,
        own: Option<usize>,
        decide: impl FnOnce() -> Verdict,
    ) -> Verdict {
        self.verdicts.get_or_insert(host, own, decide)
    }
}

impl ProviderNames {
    fn new(provider: &Provider) -> Self {
        let hosts = provider_hosts(provider)
            .into_iter()
            .map(|host| {
                let source = match provider.servers.iter().position(|s| s.host == host) {
                    Some(i) => NameRef::Server(i),
                    None => NameRef::Alias(
                        provider.aliases.iter().position(|a| a.host == host).unwrap_or(0),
                    ),
                };
                KnownHost {
                    name: host.to_ascii_lowercase(),
                    source,
                    typo_budget: host_typo_budget(host),
                }
            })
            .collect();
        ProviderNames {
            hosts,
            host_domains: provider.host_domains.iter().map(|d| Domain::new(d)).collect(),
            mail_domains: provider.mail_domains.iter().map(|d| Domain::new(d)).collect(),
        }
    }
}

/// Whether `host` equals `domain` or is under it; `domain` is lower-case (as
/// [`maillint_core::providers::host_is_under`], without lower-casing `domain` on every call).
pub(crate) fn is_under(host: &str, domain: &str) -> bool {
    host == domain
        || (host.len() > domain.len()
            && host.ends_with(domain)
            && host.as_bytes()[host.len() - domain.len() - 1] == b'.')
}

/// The verdicts on one host name, by account provider (usually one or two).
type VerdictsByProvider = Vec<(Option<usize>, Verdict)>;

/// Verdicts by host name and account provider.
struct VerdictCache {
    shards: Vec<RwLock<HashMap<Box<str>, VerdictsByProvider, RandomState>>>,
}

impl VerdictCache {
    fn new() -> Self {
        VerdictCache { shards: (0..SHARDS).map(|_| RwLock::new(HashMap::default())).collect() }
    }

    fn get_or_insert(
        &self,
        host: &str,
        own: Option<usize>,
        decide: impl FnOnce() -> Verdict,
    ) -> Verdict {
        let shard = &self.shards[shard_of(host)];
        {
            let map = shard.read().unwrap_or_else(PoisonError::into_inner);
            if let Some(verdict) =
                map.get(host).and_then(|by_own| by_own.iter().find(|(o, _)| *o == own))
            {
                return verdict.1.clone();
            }
        }
        // Decided outside the lock: another thread may decide the same host meanwhile, and
        // both reach the same verdict.
        let verdict = decide();
        let mut map = shard.write().unwrap_or_else(PoisonError::into_inner);
        if map.len() >= HOSTS_PER_SHARD && !map.contains_key(host) {
            map.clear();
        }
        let by_own = map.entry(host.into()).or_default();
        if !by_own.iter().any(|(o, _)| *o == own) {
            by_own.push((own, verdict.clone()));
        }
        verdict
    }
}

/// The shard of a host name (FNV-1a over its bytes).
fn shard_of(host: &str) -> usize {
    let mut hash: u32 = 0x811c_9dc5;
    for byte in host.bytes() {
        hash = (hash ^ u32::from(byte)).wrapping_mul(0x0100_0193);
    }
    hash as usize % SHARDS
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::builtin_providers;

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
"#;

    #[test]
    fn an_index_is_built_once_per_run_from_that_runs_facts() {
        let builtin = builtin_providers();
        let mut extended = builtin.clone();
        extended.add(ProviderDb::parse("example.toml", EXAMPLE).unwrap());
        let has_example = |index: &ProviderIndex| {
            index.providers.iter().flat_map(|p| &p.hosts).any(|h| h.name == "imap.example.net")
        };
        let (run, other_run) = (RunState::new(), RunState::new());
        let first = ProviderIndex::in_run(&run, &extended);
        assert!(has_example(&first));
        // Asked again in the same run: the same index, not another build.
        assert!(Arc::ptr_eq(&first, &ProviderIndex::in_run(&run, &extended)));
        // Another run builds its own from its own facts.
        assert!(!has_example(&ProviderIndex::in_run(&other_run, &builtin)));
    }

    #[test]
    fn names_are_lower_cased_once_each_with_their_source() {
        let mut db = ProviderDb::new();
        db.add(
            ProviderDb::parse(
                "mixed.toml",
                &EXAMPLE.replace("imap.example.net", "IMAP.Example.net").replace(
                    "host-domains = [\"example.net\"]",
                    "host-domains = [\"Example.NET\"]",
                ),
            )
            .unwrap(),
        );
        let index = ProviderIndex::build(&db);
        let names = &index.providers[0];
        assert_eq!(names.hosts.len(), 1);
        assert_eq!(names.hosts[0].name, "imap.example.net");
        assert_eq!(names.hosts[0].source.resolve(&db.providers()[0]), "IMAP.Example.net");
        assert_eq!(names.host_domains[0].name, "example.net");
        assert_eq!(index.mail_domain_provider("example.net"), Some(0));
        assert_eq!(index.mail_domain_provider("eu.example.net"), Some(0));
        assert_eq!(index.mail_domain_provider("badexample.net"), None);
    }

    #[test]
    fn the_verdict_cache_is_bounded_and_keyed_by_host_and_provider() {
        let cache = VerdictCache::new();
        let mut decided = 0;
        for round in 0..2 {
            for n in 0..SHARDS * HOSTS_PER_SHARD * 2 {
                let host = format!("mail{n}.example.org");
                cache.get_or_insert(&host, None, || {
                    decided += 1;
                    Verdict::Unrelated
                });
            }
            let stored: usize = cache.shards.iter().map(|s| s.read().unwrap().len()).sum();
            assert!(stored <= SHARDS * HOSTS_PER_SHARD, "round {round}: {stored} hosts kept");
        }
        assert!(decided > SHARDS * HOSTS_PER_SHARD * 2);

        let known = Verdict::Known { provider: 3, alias: None };
        assert_eq!(cache.get_or_insert("imap.gmail.com", Some(3), || known.clone()), known);
        assert_eq!(
            cache.get_or_insert("imap.gmail.com", None, || Verdict::Unrelated),
            Verdict::Unrelated
        );
        assert_eq!(cache.get_or_insert("imap.gmail.com", Some(3), || unreachable!()), known);
    }
}
