//! [`NearNames`]: which of many names may be within one or two edits of a given name, without
//! comparing it with each of them.
//!
//! The look-alike check asks, for a host name, which provider servers and domains are a typo
//! away. With every ISPDB provider loaded that is some 550 server names and 200 domains; an
//! edit distance to each, for every host that is not a provider's, grows with the database.
//! This index answers with a handful of candidates instead, by deletion neighbourhoods (Wolf
//! Garbe's SymSpell, after Mor and Fraenkel 1982): if the Damerau-Levenshtein distance between
//! two strings is `d`, deleting at most `d` characters from each gives a common string
//! (a substitution or a swap of neighbours is one deletion on each side, an insertion one on
//! one side, and a swap across `u` and `v` characters, which costs `1 + |u| + |v|`, is
//! `1 + |u|` deletions on one side and `1 + |v|` on the other). So every name is stored under
//! each string its budget of deletions makes, and a query looks up each string at most
//! [`NearNames::max_budget`] deletions make of it: a name within its budget is always among
//! the candidates. A candidate may be farther (a shared deletion is not a distance), so the
//! caller checks each with the real distance; the index only narrows the search.
//!
//! Strings are not built: each deletion variant is identified by a 64-bit polynomial hash
//! computed from prefix sums in constant time per variant. Two variants that collide only add
//! a candidate the caller then rejects; a query costs `O(len²)` lookups (none for a query
//! longer than every name by more than the largest budget), independent of the number of
//! names.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// The multiplier of the polynomial hash (odd, so that it has an inverse modulo 2^64).
const BASE: u64 = 0x9E37_79B9_7F4A_7C15;
/// `BASE`'s inverse modulo 2^64.
const BASE_INVERSE: u64 = inverse(BASE);

/// The inverse of an odd number modulo 2^64 (Newton's iteration; each step doubles the number
/// of correct low bits, from 3 for `x` itself).
const fn inverse(x: u64) -> u64 {
    let mut inverse = x;
    let mut step = 0;
    while step < 5 {
        inverse = inverse.wrapping_mul(2u64.wrapping_sub(x.wrapping_mul(inverse)));
        step += 1;
    }
    inverse
}

/// Names by their deletion variants (see the module docs). `T` identifies a name to the caller.
///
/// The names stored under one variant form a chain through `entries`, newest first. Building
/// it is one hash-map update per variant. The index used to sort every (variant, name) pair
/// and group them: the look-alike index took 32.8 M instructions to build, 18.8 M of them
/// sorting, once per run before the first look-alike answer (10% of a scan of 100 bench homes,
/// on one thread while the other waited for it); now 8.2 M.
pub(crate) struct NearNames<T> {
    /// Variant hash to the newest entry stored under it.
    heads: HashMap<u64, u32, BuildHasherDefault<PassThrough>>,
    /// A name and the next (older) entry of the same variant, or [`END`].
    entries: Vec<(T, u32)>,
    /// The largest budget of a stored name: how many deletions a query makes.
    max_budget: usize,
    /// The longest stored name, in characters: a query longer by more than `max_budget` is
    /// within no name's budget (each edit changes the length by at most one), and is not
    /// looked up, so a very long host costs nothing.
    longest: usize,
}

/// The end of a chain of entries.
const END: u32 = u32::MAX;

impl<T: Copy + Ord> NearNames<T> {
    /// Indexes `names`, each with how many edits away still counts (0: never a candidate).
    pub(crate) fn build<'n>(names: impl IntoIterator<Item = (T, &'n str, usize)>) -> Self {
        let names: Vec<(T, &str, usize)> =
            names.into_iter().filter(|&(_, _, budget)| budget > 0).collect();
        // Room for every variant at once: the table is not grown (and rehashed) as it fills.
        let variants: usize =
            names.iter().map(|&(_, name, budget)| variant_count(name.len(), budget)).sum();
        let mut index = NearNames {
            heads: HashMap::with_capacity_and_hasher(variants, BuildHasherDefault::default()),
            entries: Vec::with_capacity(variants),
            max_budget: 0,
            longest: 0,
        };
        let mut units = Vec::new();
        for (id, name, budget) in names {
            index.max_budget = index.max_budget.max(budget);
            code_units(name, &mut units);
            index.longest = index.longest.max(units.len());
            for_each_variant(&units, budget, |hash| index.store(hash, id));
        }
        index
    }

    /// Stores `id` under the variant `hash`, once: the variants of one name are stored one
    /// after another, so the same name under the same variant is always the chain's head.
    fn store(&mut self, hash: u64, id: T) {
        let next = self.entries.len() as u32;
        let head = self.heads.entry(hash).or_insert(END);
        if *head != END && self.entries[*head as usize].0 == id {
            return;
        }
        self.entries.push((id, *head));
        *head = next;
    }

    /// Every stored name that may be within its budget of `query`, sorted, each once; among
    /// them every name that is.
    pub(crate) fn candidates(&self, query: &str, out: &mut Vec<T>) {
        if self.max_budget == 0 {
            return;
        }
        let start = out.len();
        let mut units = Vec::new();
        code_units(query, &mut units);
        if units.len() > self.longest + self.max_budget {
            return;
        }
        for_each_variant(&units, self.max_budget, |hash| {
            let mut at = self.heads.get(&hash).copied().unwrap_or(END);
            while at != END {
                let (id, next) = self.entries[at as usize];
                out.push(id);
                at = next;
            }
        });
        out[start..].sort_unstable();
        let mut kept = start;
        for i in start..out.len() {
            if kept == start || out[kept - 1] != out[i] {
                out[kept] = out[i];
                kept += 1;
            }
        }
        out.truncate(kept);
    }
}

/// At most how many variants [`for_each_variant`] visits for a name of `bytes` bytes (at
/// least its characters) within `budget` deletions: itself, one per deleted character and,
/// for two, one per pair.
fn variant_count(bytes: usize, budget: usize) -> usize {
    let pairs = if budget >= 2 { bytes * bytes.saturating_sub(1) / 2 } else { 0 };
    1 + bytes + pairs
}

/// The characters of `text` as numbers (never 0), into `units`: the edit distance counts
/// characters, so a deletion removes a character, not a byte.
fn code_units(text: &str, units: &mut Vec<u64>) {
    units.clear();
    units.extend(text.chars().map(|c| u64::from(c) + 1));
}

/// Calls `visit` with the hash of every string made by deleting at most `deletions` (1 or 2;
/// more are treated as 2) of `units`, the string itself included. Variants that are equal
/// strings (deleting either `a` of `aa`) may be visited more than once.
fn for_each_variant(units: &[u64], deletions: usize, mut visit: impl FnMut(u64)) {
    let n = units.len();
    // prefix[k] = sum of units[m] * BASE^m for m < k; powers[k] = BASE^k.
    let mut prefix = Vec::with_capacity(n + 1);
    let mut power = 1u64;
    let mut sum = 0u64;
    prefix.push(0);
    for &unit in units {
        sum = sum.wrapping_add(unit.wrapping_mul(power));
        power = power.wrapping_mul(BASE);
        prefix.push(sum);
    }
    let total = sum;
    visit(finish(total, n));
    // The part after a deleted position moves down by one place: divide it by BASE.
    const DIVISORS: [u64; 3] = [1, BASE_INVERSE, BASE_INVERSE.wrapping_mul(BASE_INVERSE)];
    let shifted = |from: usize, to: usize, places: usize| {
        prefix[to].wrapping_sub(prefix[from]).wrapping_mul(DIVISORS[places])
    };
    for (i, &before) in prefix[..n].iter().enumerate() {
        visit(finish(before.wrapping_add(shifted(i + 1, n, 1)), n - 1));
        if deletions < 2 {
            continue;
        }
        for j in i + 1..n {
            let hash = before.wrapping_add(shifted(i + 1, j, 1)).wrapping_add(shifted(j + 1, n, 2));
            visit(finish(hash, n - 2));
        }
    }
}

/// The polynomial sum of a variant of length `len` as a well-mixed key (SplitMix64's
/// finaliser over the sum and the length).
fn finish(sum: u64, len: usize) -> u64 {
    let mut z = sum ^ (len as u64).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A hasher for keys that are already well-mixed hashes: it keeps the `u64` it is given.
#[derive(Default)]
struct PassThrough(u64);

impl Hasher for PassThrough {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        // Only `write_u64` is used (the keys are `u64`); anything else is folded in.
        for &byte in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(byte);
        }
    }

    fn write_u64(&mut self, value: u64) {
        self.0 = value;
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;
    use crate::edit_distance::damerau_levenshtein_within;

    /// The hashes of the variants, computed by building each string.
    fn variants_by_hand(text: &str, deletions: usize) -> Vec<u64> {
        let chars: Vec<char> = text.chars().collect();
        let hash = |kept: Vec<char>| {
            let units: Vec<u64> = kept.iter().map(|&c| u64::from(c) + 1).collect();
            let mut sum = 0u64;
            let mut power = 1u64;
            for unit in &units {
                sum = sum.wrapping_add(unit.wrapping_mul(power));
                power = power.wrapping_mul(BASE);
            }
            finish(sum, units.len())
        };
        let without = |skip: &[usize]| {
            chars.iter().enumerate().filter(|(k, _)| !skip.contains(k)).map(|(_, &c)| c).collect()
        };
        let mut out = vec![hash(chars.clone())];
        for i in 0..chars.len() {
            out.push(hash(without(&[i])));
            if deletions >= 2 {
                for j in i + 1..chars.len() {
                    out.push(hash(without(&[i, j])));
                }
            }
        }
        out
    }

    #[test]
    fn the_inverse_is_an_inverse() {
        assert_eq!(BASE.wrapping_mul(BASE_INVERSE), 1);
        assert_eq!(inverse(3).wrapping_mul(3), 1);
    }

    #[test]
    fn variant_hashes_are_those_of_the_strings_with_the_characters_deleted() {
        for text in ["", "a", "ab", "imap.gmail.com", "büro.example", "aab"] {
            for deletions in [1, 2] {
                let mut units = Vec::new();
                code_units(text, &mut units);
                let mut fast = Vec::new();
                for_each_variant(&units, deletions, |h| fast.push(h));
                assert_eq!(fast, variants_by_hand(text, deletions), "{text:?} {deletions}");
            }
        }
    }

    /// The candidates for `query` of an index of `names` (each with its budget), by position.
    fn candidates_among(names: &[(String, usize)], query: &str) -> Vec<usize> {
        let index = NearNames::build(
            names.iter().enumerate().map(|(i, (name, budget))| (i, name.as_str(), *budget)),
        );
        let mut found = Vec::new();
        index.candidates(query, &mut found);
        found
    }

    proptest! {
        // Every name within its budget of the query is a candidate.
        #[test]
        fn candidates_include_every_name_within_its_budget(
            names in proptest::collection::vec(("[ab.]{0,7}", 0usize..3), 1..12),
            query in "[ab.]{0,8}",
        ) {
            let found = candidates_among(&names, &query);
            for (i, (name, budget)) in names.iter().enumerate() {
                if *budget > 0 && damerau_levenshtein_within(&query, name, *budget).is_some() {
                    prop_assert!(found.contains(&i), "{query:?} misses {name:?} ({budget})");
                }
            }
            prop_assert!(found.windows(2).all(|w| w[0] < w[1]));
        }

        // The candidates are exactly the names that share a variant with the query: each
        // name's variants within its budget, the query's within the largest budget.
        #[test]
        fn candidates_are_the_names_sharing_a_variant(
            names in proptest::collection::vec(("[ab.é]{0,7}", 0usize..3), 1..12),
            query in "[ab.é]{0,8}",
        ) {
            let found = candidates_among(&names, &query);
            let max_budget = names.iter().map(|(_, budget)| *budget).max().unwrap_or(0);
            let longest = names
                .iter()
                .filter(|(_, budget)| *budget > 0)
                .map(|(name, _)| name.chars().count())
                .max()
                .unwrap_or(0);
            let expected: Vec<usize> = if max_budget == 0
                || query.chars().count() > longest + max_budget
            {
                Vec::new()
            } else {
                let asked = variants_by_hand(&query, max_budget);
                (0..names.len())
                    .filter(|&i| names[i].1 > 0)
                    .filter(|&i| {
                        variants_by_hand(&names[i].0, names[i].1).iter().any(|v| asked.contains(v))
                    })
                    .collect()
            };
            prop_assert_eq!(found, expected);
        }
    }

    #[test]
    fn variant_count_bounds_the_variants_visited() {
        for text in ["", "a", "ab", "imap.gmail.com", "büro.example", "aab"] {
            for budget in [1, 2] {
                let mut units = Vec::new();
                code_units(text, &mut units);
                let mut visited = 0;
                for_each_variant(&units, budget, |_| visited += 1);
                assert!(visited <= variant_count(text.len(), budget), "{text:?} {budget}");
            }
        }
    }
}
