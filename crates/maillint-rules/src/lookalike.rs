//! The look-alike search: which provider server or domain a host resembles, found through an
//! index ([`LookalikeIndex`]) rather than by comparing the host with every provider name.
//!
//! Three resemblances count (the module docs of [`crate::hosts`] say when each is asked):
//!
//! * a typo of a known server or alias, within the server's edit budget
//!   ([`host_typo_budget`]);
//! * a typo of a provider's host domain, comparing the host's last labels with the domain
//!   ([`domain_typo_budget`]);
//! * a provider's server or domain embedded, as whole labels, inside another domain
//!   (`imap.gmail.com.example.net`).
//!
//! The typos come from deletion-neighbourhood indexes ([`NearNames`]), the embedded names from
//! a map looked up with every run of whole labels of the host. Each candidate is then checked
//! exactly as the comparison with every name would check it, and the candidates are offered in
//! the order that comparison would offer them, so the verdict is the same (a unit test compares
//! both on every ISPDB server and its typos); only the cost differs: a few dozen lookups per
//! host instead of an edit distance to each of the 750 names.

use std::collections::HashMap;

use maillint_core::providers::ProviderDb;

use crate::edit_distance::damerau_levenshtein_within;
use crate::hosts::{Resemblance, Verdict};
use crate::near_names::NearNames;
use crate::provider_index::{NameRef, ProviderIndex, ProviderNames};

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

/// Where a look-alike search offers a name, in the order the comparison with every name offers
/// them: all server typos first (provider by provider), then per provider its embedded servers,
/// its host-domain typos and its embedded domains.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Step {
    ServerTypo,
    EmbeddedServer,
    DomainTypo,
    EmbeddedDomain,
}

/// One resemblance found: ordered as the comparison with every name finds them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Offer {
    /// False for [`Step::ServerTypo`], which comes before every other step of every provider.
    after_server_typos: bool,
    /// Index of the provider.
    pub(crate) provider: usize,
    step: Step,
    /// The name's position among the names of its kind (mail domains after host domains).
    position: usize,
    /// The name resembled.
    pub(crate) target: NameRef,
    /// Edits away; 0 for an embedded name.
    pub(crate) distance: usize,
}

impl Offer {
    fn new(provider: usize, step: Step, position: usize, target: NameRef, distance: usize) -> Self {
        let after_server_typos = step != Step::ServerTypo;
        Offer { after_server_typos, provider, step, position, target, distance }
    }
}

/// The providers' names as the look-alike search finds them; built once per run, the first time
/// a host is no provider's.
pub(crate) struct LookalikeIndex {
    /// Server and alias names by typo: (provider, position in its hosts).
    servers: NearNames<(usize, usize)>,
    /// Host domains with a typo budget: (provider, position in its host domains).
    domains: NearNames<(usize, usize)>,
    /// How many labels those host domains have (`gmail.com`: 2), each once.
    domain_labels: Vec<usize>,
    /// Names that count when embedded: every server and alias, and the distinctive host and
    /// mail domains, with where each is offered.
    embeddable: HashMap<String, Vec<Offer>>,
    /// The longest embeddable name, in bytes: a longer run of labels is never looked up.
    longest_embeddable: usize,
}

impl LookalikeIndex {
    /// Indexes the providers' names.
    pub(crate) fn build(providers: &[ProviderNames]) -> Self {
        let servers = NearNames::build(providers.iter().enumerate().flat_map(|(p, names)| {
            names
                .hosts
                .iter()
                .enumerate()
                .map(move |(i, h)| ((p, i), h.name.as_str(), h.typo_budget))
        }));
        let domains = NearNames::build(providers.iter().enumerate().flat_map(|(p, names)| {
            names
                .host_domains
                .iter()
                .enumerate()
                .map(move |(i, d)| ((p, i), d.name.as_str(), d.typo_budget))
        }));
        let mut domain_labels: Vec<usize> = providers
            .iter()
            .flat_map(|names| &names.host_domains)
            .filter(|d| d.typo_budget > 0)
            .map(|d| d.labels)
            .collect();
        domain_labels.sort_unstable();
        domain_labels.dedup();
        let mut embeddable: HashMap<String, Vec<Offer>> = HashMap::new();
        let mut add =
            |name: &str, offer: Offer| embeddable.entry(name.to_owned()).or_default().push(offer);
        for (p, names) in providers.iter().enumerate() {
            for (i, host) in names.hosts.iter().enumerate() {
                add(&host.name, Offer::new(p, Step::EmbeddedServer, i, host.source, 0));
            }
            let host_domains =
                names.host_domains.iter().enumerate().map(|(i, d)| (NameRef::HostDomain(i), d));
            let mail_domains =
                names.mail_domains.iter().enumerate().map(|(i, d)| (NameRef::MailDomain(i), d));
            for (position, (target, domain)) in host_domains.chain(mail_domains).enumerate() {
                // A short name such as `dr.com` or `live.at` appears inside too many unrelated
                // names.
                if domain.distinctive {
                    add(&domain.name, Offer::new(p, Step::EmbeddedDomain, position, target, 0));
                }
            }
        }
        let longest_embeddable = embeddable.keys().map(String::len).max().unwrap_or(0);
        LookalikeIndex { servers, domains, domain_labels, embeddable, longest_embeddable }
    }
}

/// The server typos of `host` within their budgets, in search order.
fn server_typos(index: &ProviderIndex, host: &str) -> Vec<Offer> {
    let mut candidates = Vec::new();
    index.lookalikes().servers.candidates(host, &mut candidates);
    candidates
        .into_iter()
        .filter_map(|(provider, i)| {
            let known = &index.providers[provider].hosts[i];
            let distance = damerau_levenshtein_within(host, &known.name, known.typo_budget)?;
            (distance > 0)
                .then(|| Offer::new(provider, Step::ServerTypo, i, known.source, distance))
        })
        .collect()
}

/// The host-domain typos of `host` (its last labels against each domain with as many labels).
fn domain_typos(index: &ProviderIndex, host: &str, out: &mut Vec<Offer>) {
    let lookalikes = index.lookalikes();
    let mut candidates = Vec::new();
    for &labels in &lookalikes.domain_labels {
        let Some(tail) = tail_labels(host, labels) else { continue };
        candidates.clear();
        lookalikes.domains.candidates(tail, &mut candidates);
        for &(provider, i) in &candidates {
            let domain = &index.providers[provider].host_domains[i];
            if domain.labels != labels {
                continue;
            }
            if let Some(distance) =
                damerau_levenshtein_within(tail, &domain.name, domain.typo_budget)
                && distance > 0
            {
                out.push(Offer::new(
                    provider,
                    Step::DomainTypo,
                    i,
                    NameRef::HostDomain(i),
                    distance,
                ));
            }
        }
    }
}

/// The provider names embedded in `host`: every run of whole labels of `host` that ends before
/// a `.` or `-` is looked up (runs longer than the longest name are not).
fn embedded(index: &ProviderIndex, host: &str, out: &mut Vec<Offer>) {
    let lookalikes = index.lookalikes();
    let bytes = host.as_bytes();
    let starts = std::iter::once(0)
        .chain(bytes.iter().enumerate().filter(|&(_, &b)| b == b'.').map(|(dot, _)| dot + 1));
    for start in starts {
        let window = &bytes[start..bytes.len().min(start + lookalikes.longest_embeddable + 1)];
        for (end, _) in window.iter().enumerate().filter(|&(_, &b)| b == b'.' || b == b'-') {
            let Some(offers) = lookalikes.embeddable.get(&host[start..start + end]) else {
                continue;
            };
            // The same name at another place of the host may be followed by only a country
            // code; `embeds` decides as the comparison with every name does.
            if embeds(host, &host[start..start + end]) {
                out.extend_from_slice(offers);
            }
        }
    }
}

/// Every resemblance of a host outside every provider's domains, in search order.
pub(crate) fn lookalike_offers(index: &ProviderIndex, host: &str) -> Vec<Offer> {
    let mut offers = server_typos(index, host);
    domain_typos(index, host, &mut offers);
    embedded(index, host, &mut offers);
    offers.sort_unstable();
    offers.dedup();
    offers
}

/// A host under `owner`'s domains that is a typo of another provider's server and closer to it
/// than to any of the owner's servers (ties go to the account's own provider).
pub(crate) fn typo_of_another_provider(
    db: &ProviderDb,
    index: &ProviderIndex,
    own: Option<usize>,
    owner: usize,
    host: &str,
) -> Option<Verdict> {
    let providers = db.providers();
    let mut others = Best::new(db, own);
    for offer in server_typos(index, host) {
        if providers[offer.provider].id != providers[owner].id {
            others.offer(offer.provider, offer.target, offer.distance);
        }
    }
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
pub(crate) fn lookalike(
    db: &ProviderDb,
    index: &ProviderIndex,
    own: Option<usize>,
    host: &str,
) -> Option<Verdict> {
    let mut best = Best::new(db, own);
    for offer in lookalike_offers(index, host) {
        best.offer(offer.provider, offer.target, offer.distance);
    }
    best.into_verdict(host)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::builtin_providers;

    /// The search as it was before the index: every name compared with the host, in database
    /// order. The index must find exactly these resemblances, in this order.
    fn offers_by_comparing_every_name(index: &ProviderIndex, host: &str) -> Vec<Offer> {
        let mut offers = Vec::new();
        for (p, names) in index.providers.iter().enumerate() {
            for (i, known) in names.hosts.iter().enumerate() {
                if let Some(d) = damerau_levenshtein_within(host, &known.name, known.typo_budget)
                    && d > 0
                {
                    offers.push(Offer::new(p, Step::ServerTypo, i, known.source, d));
                }
            }
        }
        for (p, names) in index.providers.iter().enumerate() {
            for (i, known) in names.hosts.iter().enumerate() {
                if embeds(host, &known.name) {
                    offers.push(Offer::new(p, Step::EmbeddedServer, i, known.source, 0));
                }
            }
            for (i, domain) in names.host_domains.iter().enumerate() {
                let Some(tail) = tail_labels(host, domain.labels) else { continue };
                if domain.typo_budget > 0
                    && let Some(d) =
                        damerau_levenshtein_within(tail, &domain.name, domain.typo_budget)
                    && d > 0
                {
                    offers.push(Offer::new(p, Step::DomainTypo, i, NameRef::HostDomain(i), d));
                }
            }
            let host_domains =
                names.host_domains.iter().enumerate().map(|(i, d)| (NameRef::HostDomain(i), d));
            let mail_domains =
                names.mail_domains.iter().enumerate().map(|(i, d)| (NameRef::MailDomain(i), d));
            for (position, (target, domain)) in host_domains.chain(mail_domains).enumerate() {
                if domain.distinctive && embeds(host, &domain.name) {
                    offers.push(Offer::new(p, Step::EmbeddedDomain, position, target, 0));
                }
            }
        }
        offers
    }

    /// One-letter typos of `name`: at each position in turn a deletion, a swap with the next
    /// letter, a substitution and an insertion (one kind per position, rotating).
    fn one_letter_typos(name: &str) -> Vec<String> {
        let chars: Vec<char> = name.chars().collect();
        (0..chars.len())
            .map(|at| {
                let mut typo = chars.clone();
                match at % 4 {
                    0 => {
                        typo.remove(at);
                    }
                    1 if at + 1 < typo.len() => typo.swap(at, at + 1),
                    2 => typo[at] = if typo[at] == 'x' { 'q' } else { 'x' },
                    _ => typo.insert(at, 'e'),
                }
                typo.into_iter().collect()
            })
            .collect()
    }

    fn assert_same_offers(index: &ProviderIndex, host: &str) -> usize {
        let expected = offers_by_comparing_every_name(index, host);
        assert_eq!(lookalike_offers(index, host), expected, "{host}");
        expected.len()
    }

    /// Every server and alias of every provider (the ISPDB's and the overlays'), each with its
    /// one-letter typos and inside other domains, and a typo of every host domain: the index
    /// offers exactly what comparing every name offers, in the same order.
    #[test]
    fn the_index_finds_what_comparing_every_name_finds_for_every_provider_name() {
        let db = builtin_providers();
        let index = ProviderIndex::build(&db);
        let (mut hosts, mut offered) = (0, 0);
        for names in &index.providers {
            for known in &names.hosts {
                let name = known.name.as_str();
                let mut queries = one_letter_typos(name);
                queries.extend([
                    name.to_owned(),
                    format!("{name}.example.net"),
                    format!("login-{name}-secure.example"),
                    format!("mail.{name}.br"),
                ]);
                for query in queries {
                    offered += assert_same_offers(&index, &query);
                    hosts += 1;
                }
            }
            for domain in &names.host_domains {
                for typo in one_letter_typos(&domain.name) {
                    offered += assert_same_offers(&index, &format!("imap.{typo}"));
                    hosts += 1;
                }
            }
        }
        assert!(hosts > 5000, "only {hosts} hosts");
        // The search is not vacuous: most of these hosts resemble something.
        assert!(offered > hosts, "{offered} offers for {hosts} hosts");
    }

    proptest! {
        // Hosts assembled from pieces of provider names, with edits: near misses of many kinds.
        #[test]
        fn the_index_finds_what_comparing_every_name_finds_for_any_host(
            pieces in proptest::collection::vec(
                prop::sample::select(vec![
                    "imap", "smtp", "mail", "gmail", "yahoo", "com", "net", "de", "co", "uk",
                    "outlook", "office365", "web", "gmx", "t-online", "example", "-", ".",
                ]),
                1..6,
            ),
            edits in proptest::collection::vec((0usize..40, 0u8..4, b'a'..=b'z'), 0..3),
        ) {
            let mut host = pieces.iter().map(|p| (*p).to_owned()).collect::<Vec<_>>().join(".").into_bytes();
            for (at, kind, letter) in edits {
                let at = at % (host.len() + 1);
                match kind {
                    0 => host.insert(at, letter),
                    1 if at < host.len() => { host.remove(at); }
                    2 if at < host.len() => host[at] = letter,
                    _ if at + 1 < host.len() => host.swap(at, at + 1),
                    _ => {}
                }
            }
            let host = String::from_utf8(host).unwrap();
            let index = test_index();
            prop_assert_eq!(lookalike_offers(index, &host), offers_by_comparing_every_name(index, &host));
        }
    }

    /// One index of the built-in providers for every generated case.
    fn test_index() -> &'static ProviderIndex {
        static INDEX: std::sync::LazyLock<ProviderIndex> =
            std::sync::LazyLock::new(|| ProviderIndex::build(&builtin_providers()));
        &INDEX
    }

    #[test]
    fn a_very_long_host_is_no_typo_and_costs_no_lookups_per_letter_pair() {
        let host = format!("{}.gmail.com", "a".repeat(10_000));
        assert!(lookalike_offers(test_index(), &host).is_empty());
        let dotted = format!("{}imap.gmail.com.example.net", "a.".repeat(5_000));
        let offers = lookalike_offers(test_index(), &dotted);
        assert!(offers.iter().any(|o| o.step == Step::EmbeddedServer), "{offers:?}");
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
