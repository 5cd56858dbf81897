//! The provider facts as the host rules compare them, built once per provider database, and the
//! verdicts already reached on host names.
//!
//! [`crate::hosts::Hosts::classify`] runs for every endpoint in nearly every rule: eight rules ask
//! about the same host of the same unit, and the same hosts (`imap.gmail.com`,
//! `mail.example.org`) come back in thousands of homes. Rebuilding lower-cased name lists and
//! comparing the host with every provider name each time was most of maillint's time. The
//! engine creates a [`maillint_core::RuleContext`] per unit and the rules see only
//! `&ProviderDb`, so the index is found by the database's content: a copy of the facts
//! `classify` reads (ids, domains, server and alias names, in order) is kept with the index,
//! and an index is used only for a database equal to that copy. Comparing is much cheaper than
//! building (and a rule compares once per unit, through [`crate::hosts::Hosts`]), and a
//! database dropped and another built at the same address can never pick up the wrong index.
//!
//! Verdicts are kept per index, keyed by host name and the account's provider (the only
//! inputs besides the facts; the user's trusted hosts are checked before the cache). The cache
//! is split into shards behind read-write locks, so the engine's worker threads rarely wait,
//! and each shard is emptied when it reaches its size limit, which bounds memory whatever the
//! number of distinct hosts.

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError, RwLock};

use maillint_core::providers::{Provider, ProviderDb};

use crate::hosts::{Verdict, domain_typo_budget, host_typo_budget, name_label, provider_hosts};

/// How many indexes (distinct provider databases) are kept; a run uses one, tests a few.
const MAX_INDEXES: usize = 4;
/// Shards of the verdict cache.
const SHARDS: usize = 16;
/// Host names per shard before the shard is emptied (16 × 1024 names in all, a few MB at most).
const HOSTS_PER_SHARD: usize = 1024;

/// Where a provider's name comes from in its [`Provider`], so that a verdict can point back at
/// the database's own string.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
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

/// The facts of a database that verdicts depend on, as written, to recognise the database: the
/// number of providers, then for each its id and its lists of mail domains, host domains,
/// server names and alias names. Counts and name lengths are kept as numbers, the names one
/// after the other in one buffer, so that a comparison (once per rule and unit) reads the
/// database's names in order and makes no call per name.
#[derive(PartialEq, Eq)]
struct Fingerprint {
    /// Every list length and name length, in [`walk`] order.
    numbers: Vec<usize>,
    /// Every name, in [`walk`] order.
    text: Vec<u8>,
}

/// One piece of a [`Fingerprint`].
enum Piece<'a> {
    /// A count (of providers, or of the names in a list).
    Count(usize),
    /// A name.
    Name(&'a str),
}

impl Fingerprint {
    fn of(db: &ProviderDb) -> Self {
        let mut fingerprint = Fingerprint { numbers: Vec::new(), text: Vec::new() };
        walk(db, &mut |piece| {
            match piece {
                Piece::Count(n) => fingerprint.numbers.push(n),
                Piece::Name(name) => {
                    fingerprint.numbers.push(name.len());
                    fingerprint.text.extend_from_slice(name.as_bytes());
                }
            }
            true
        });
        fingerprint
    }

    fn matches(&self, db: &ProviderDb) -> bool {
        let mut numbers = self.numbers.iter();
        let mut text = self.text.as_slice();
        walk(db, &mut |piece| match piece {
            Piece::Count(n) => numbers.next() == Some(&n),
            Piece::Name(name) => {
                let name = name.as_bytes();
                match text.split_at_checked(name.len()) {
                    Some((expected, rest))
                        if numbers.next() == Some(&name.len()) && same_bytes(expected, name) =>
                    {
                        text = rest;
                        true
                    }
                    _ => false,
                }
            }
        }) && numbers.next().is_none()
            && text.is_empty()
    }
}

/// Hands every piece of `db`'s fingerprint to `visit`, in order, until `visit` says no.
fn walk<'d, F: FnMut(Piece<'d>) -> bool>(db: &'d ProviderDb, visit: &mut F) -> bool {
    fn list<'d, F: FnMut(Piece<'d>) -> bool>(
        visit: &mut F,
        names: impl ExactSizeIterator<Item = &'d str>,
    ) -> bool {
        visit(Piece::Count(names.len())) && names.into_iter().all(|n| visit(Piece::Name(n)))
    }
    visit(Piece::Count(db.providers().len()))
        && db.providers().iter().all(|p| {
            visit(Piece::Name(&p.id))
                && list(visit, p.mail_domains.iter().map(String::as_str))
                && list(visit, p.host_domains.iter().map(String::as_str))
                && list(visit, p.servers.iter().map(|s| s.host.as_str()))
                && list(visit, p.aliases.iter().map(|a| a.host.as_str()))
        })
}

/// Whether two byte strings of the same length are equal. Names up to 32 bytes (nearly all)
/// are compared as two overlapping words of 4, 8 or 16 bytes, without a call.
fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    fn word<const N: usize>(bytes: &[u8], at: usize) -> [u8; N] {
        let mut word = [0; N];
        word.copy_from_slice(&bytes[at..at + N]);
        word
    }
    fn ends<const N: usize>(a: &[u8], b: &[u8]) -> bool {
        let last = a.len() - N;
        word::<N>(a, 0) == word::<N>(b, 0) && word::<N>(a, last) == word::<N>(b, last)
    }
    debug_assert_eq!(a.len(), b.len());
    match a.len() {
        0..4 => a == b,
        4..8 => ends::<4>(a, b),
        8..16 => ends::<8>(a, b),
        16..=32 => ends::<16>(a, b),
        _ => a == b,
    }
}

/// The index of one provider database.
pub(crate) struct ProviderIndex {
    fingerprint: Fingerprint,
    /// Per provider, in database order.
    pub(crate) providers: Vec<ProviderNames>,
    /// Lower-cased mail domain to provider, later providers winning, as
    /// [`ProviderDb::by_mail_domain`] answers.
    by_mail_domain: HashMap<String, usize>,
    /// Lower-cased mail domain to the first provider listing it.
    first_by_mail_domain: HashMap<String, usize>,
    verdicts: VerdictCache,
}

impl ProviderIndex {
    fn build(db: &ProviderDb) -> Self {
        let mut by_mail_domain = HashMap::new();
        let mut first_by_mail_domain = HashMap::new();
        let mut providers = Vec::with_capacity(db.providers().len());
        for (index, provider) in db.providers().iter().enumerate() {
            for domain in &provider.mail_domains {
                by_mail_domain.insert(domain.to_ascii_lowercase(), index);
                first_by_mail_domain.entry(domain.to_ascii_lowercase()).or_insert(index);
            }
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
            providers.push(ProviderNames {
                hosts,
                host_domains: provider.host_domains.iter().map(|d| Domain::new(d)).collect(),
                mail_domains: provider.mail_domains.iter().map(|d| Domain::new(d)).collect(),
            });
        }
        ProviderIndex {
            fingerprint: Fingerprint::of(db),
            providers,
            by_mail_domain,
            first_by_mail_domain,
            verdicts: VerdictCache::new(),
        }
    }

    /// Whether this index was built from a database with the same facts.
    fn matches(&self, db: &ProviderDb) -> bool {
        self.fingerprint.matches(db)
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
        let first = |name: &str| self.first_by_mail_domain.get(name).copied();
        let parents = domain.bytes().enumerate().filter(|&(_, b)| b == b'.');
        parents.filter_map(|(dot, _)| first(&domain[dot + 1..])).chain(first(domain)).min()
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

/// Whether `host` equals `domain` or is under it; `domain` is lower-case (as
/// [`maillint_core::providers::host_is_under`], without lower-casing `domain` on every call).
pub(crate) fn is_under(host: &str, domain: &str) -> bool {
    host == domain
        || (host.len() > domain.len()
            && host.ends_with(domain)
            && host.as_bytes()[host.len() - domain.len() - 1] == b'.')
}

/// Every index built, most recent last.
static INDEXES: Mutex<Vec<Arc<ProviderIndex>>> = Mutex::new(Vec::new());

thread_local! {
    /// The index this thread used last, checked first (no lock).
    static LAST: RefCell<Option<Arc<ProviderIndex>>> = const { RefCell::new(None) };
}

/// The index of `db`, built the first time a database with these facts is seen.
pub(crate) fn index_for(db: &ProviderDb) -> Arc<ProviderIndex> {
    LAST.with(|last| {
        if let Some(index) = last.borrow().as_ref()
            && index.matches(db)
        {
            return Arc::clone(index);
        }
        let index = shared_index(db);
        *last.borrow_mut() = Some(Arc::clone(&index));
        index
    })
}

/// The index of `db` from the shared list, built and added when missing.
fn shared_index(db: &ProviderDb) -> Arc<ProviderIndex> {
    let mut indexes = INDEXES.lock().unwrap_or_else(PoisonError::into_inner);
    if let Some(index) = indexes.iter().find(|index| index.matches(db)) {
        return Arc::clone(index);
    }
    let index = Arc::new(ProviderIndex::build(db));
    if indexes.len() == MAX_INDEXES {
        indexes.remove(0);
    }
    indexes.push(Arc::clone(&index));
    index
}

/// The verdicts on one host name, by account provider (usually one or two).
type VerdictsByProvider = Vec<(Option<usize>, Verdict)>;

/// Verdicts by host name and account provider.
struct VerdictCache {
    shards: Vec<RwLock<HashMap<Box<str>, VerdictsByProvider>>>,
}

impl VerdictCache {
    fn new() -> Self {
        VerdictCache { shards: (0..SHARDS).map(|_| RwLock::new(HashMap::new())).collect() }
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
    fn an_index_serves_only_databases_with_the_same_facts() {
        let builtin = builtin_providers();
        let index = ProviderIndex::build(&builtin);
        assert!(index.matches(&builtin));
        assert!(index.matches(&builtin.clone()));

        let mut extended = builtin.clone();
        extended.add(ProviderDb::parse("example.toml", EXAMPLE).unwrap());
        assert!(!index.matches(&extended));

        // The same number of providers, one server renamed.
        let mut gmail = builtin.by_mail_domain("gmail.com").unwrap().clone();
        gmail.servers[0].host = "imap2.gmail.com".to_owned();
        let mut changed = builtin.clone();
        changed.add(gmail);
        assert_eq!(changed.providers().len(), builtin.providers().len());
        assert!(!index.matches(&changed));
        assert!(!ProviderIndex::build(&changed).matches(&builtin));

        // The same names, one moved from the mail domains to the host domains.
        let mut moved = builtin.by_mail_domain("gmail.com").unwrap().clone();
        let domain = moved.mail_domains.pop().unwrap();
        moved.host_domains.insert(0, domain);
        let mut moved_db = builtin.clone();
        moved_db.add(moved);
        assert!(!index.matches(&moved_db));

        // An index picked for a database is built from that database.
        let has_imap2 = |index: Arc<ProviderIndex>| {
            index.providers.iter().flat_map(|p| &p.hosts).any(|h| h.name == "imap2.gmail.com")
        };
        assert!(has_imap2(index_for(&changed)));
        assert!(!has_imap2(index_for(&builtin)));
        assert!(has_imap2(index_for(&changed)));
    }

    #[test]
    fn same_bytes_compares_every_byte() {
        for len in 0..40 {
            let a: Vec<u8> = (0..len).map(|i| b'a' + (i % 26) as u8).collect();
            assert!(same_bytes(&a, &a.clone()), "{len}");
            for at in 0..len {
                let mut b = a.clone();
                b[at] = b'.';
                assert!(!same_bytes(&a, &b), "{len} differing at {at}");
            }
        }
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
