//! Damerau-Levenshtein distance with a bound, for the typo checks of [`crate::hosts`].
//!
//! The host rules only care whether a name is within one or two edits of a provider's server
//! or domain, and compare every host with about a hundred names. This computes the same
//! distance as `strsim::damerau_levenshtein` (the unrestricted kind, Lowrance and Wagner 1975:
//! insertions, deletions, substitutions and swaps of neighbours, where swapped letters may have
//! been separated by insertions or deletions), but gives up as soon as the answer must exceed
//! the bound, and works on the stack without allocating.

/// Longest string, in bytes, handled on the stack; longer ones go to `strsim`. Host names that
/// long never come within two edits of a provider's name, which are all shorter than this.
const MAX_LEN: usize = 63;

/// The Damerau-Levenshtein distance between `a` and `b` when it is at most `bound`, else
/// `None`.
///
/// Equal to `strsim::damerau_levenshtein(a, b)` whenever that is at most `bound` (tested
/// against it).
pub(crate) fn damerau_levenshtein_within(a: &str, b: &str, bound: usize) -> Option<usize> {
    // Every edit changes the length by at most one.
    if a.len().abs_diff(b.len()) > bound {
        return None;
    }
    if !a.is_ascii() || !b.is_ascii() || a.len() > MAX_LEN || b.len() > MAX_LEN {
        // `strsim` counts characters; for ASCII, bytes are characters.
        let distance = strsim::damerau_levenshtein(a, b);
        return (distance <= bound).then_some(distance);
    }
    bounded_ascii(a.as_bytes(), b.as_bytes(), bound)
}

/// Lowrance and Wagner's algorithm over bytes (strsim's `damerau_levenshtein_impl`), with an
/// exit after any row whose smallest entry exceeds `bound`.
///
/// The exit is sound for the unrestricted distance too: the distance between `a` and `b` is
/// at least the distance between `a[..i]` and the best prefix `b[..j]`, for every `i`. Cut an
/// optimal edit script after `a[..i]`: the part before the cut edits `a[..i]` into some
/// `b[..j]` and costs no more than the whole. When the cut falls inside a swap `x u y -> y v x`
/// (cost `1 + |u| + |v|`), deleting the part `x u'` of the swap that lies before the cut costs
/// `1 + |u'|`, no more than the swap.
fn bounded_ascii(a: &[u8], b: &[u8], bound: usize) -> Option<usize> {
    const WIDTH: usize = MAX_LEN + 2;
    let (n, m) = (a.len(), b.len());
    // `table[i + 1][j + 1]` is the distance between `a[..i]` and `b[..j]`; row and column 0
    // hold a value larger than any distance, so that a swap never starts before the strings.
    let unreachable = (n + m) as u8;
    let mut table = [[0u8; WIDTH]; WIDTH];
    for (i, row) in table.iter_mut().enumerate().take(n + 2) {
        row[0] = unreachable;
        if i >= 1 {
            row[1] = (i - 1) as u8;
        }
    }
    table[0][..m + 2].fill(unreachable);
    for (j, cell) in table[1].iter_mut().enumerate().take(m + 2).skip(1) {
        *cell = (j - 1) as u8;
    }
    // The last row (1-based, as in the table) in which each byte occurred in `a`.
    let mut last_row_of = [0usize; 128];
    for i in 1..=n {
        let mut last_match_column = 0;
        let mut row_min = usize::MAX;
        for j in 1..=m {
            let swap_row = last_row_of[usize::from(b[j - 1])];
            let swap_column = last_match_column;
            let cost = if a[i - 1] == b[j - 1] {
                last_match_column = j;
                0
            } else {
                1
            };
            let substitution = usize::from(table[i][j]) + cost;
            let insertion = usize::from(table[i + 1][j]) + 1;
            let deletion = usize::from(table[i][j + 1]) + 1;
            let swap = usize::from(table[swap_row][swap_column])
                + (i - swap_row - 1)
                + 1
                + (j - swap_column - 1);
            let best = substitution.min(insertion).min(deletion).min(swap);
            // A distance never exceeds n + m, which fits: n, m <= 63.
            table[i + 1][j + 1] = best as u8;
            row_min = row_min.min(best);
        }
        // Column 0 of this row (all of `a[..i]` deleted) is part of the row too.
        row_min = row_min.min(i);
        if row_min > bound {
            return None;
        }
        last_row_of[usize::from(a[i - 1])] = i;
    }
    let distance = usize::from(table[n + 1][m + 1]);
    (distance <= bound).then_some(distance)
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn check(a: &str, b: &str) {
        let expected = strsim::damerau_levenshtein(a, b);
        for bound in 0..=expected + 2 {
            assert_eq!(
                damerau_levenshtein_within(a, b, bound),
                (expected <= bound).then_some(expected),
                "{a:?} {b:?} bound {bound}"
            );
        }
    }

    #[test]
    fn known_distances() {
        assert_eq!(damerau_levenshtein_within("imap.gmial.com", "imap.gmail.com", 2), Some(1));
        assert_eq!(damerau_levenshtein_within("imap.gmaill.co", "imap.gmail.com", 2), Some(2));
        assert_eq!(damerau_levenshtein_within("imap.gmaill.co", "imap.gmail.com", 1), None);
        assert_eq!(damerau_levenshtein_within("imap.gmail.com", "imap.gmail.com", 0), Some(0));
        assert_eq!(damerau_levenshtein_within("", "", 0), Some(0));
        assert_eq!(damerau_levenshtein_within("", "ab", 2), Some(2));
        assert_eq!(damerau_levenshtein_within("ab", "", 1), None);
        // A swap with an insertion between the swapped letters: 2 edits unrestricted (3 for
        // the restricted distance).
        assert_eq!(damerau_levenshtein_within("ca", "abc", 2), Some(2));
        for (a, b) in [
            ("ca", "abc"),
            ("a cat", "an act"),
            ("abcdef", "badcfe"),
            ("smtp.office356.com", "smtp.office365.com"),
            ("imap.email.com", "imap.gmail.com"),
            ("gmail.co", "gmail.com"),
        ] {
            check(a, b);
            check(b, a);
        }
    }

    #[test]
    fn long_and_non_ascii_strings_fall_back_to_strsim() {
        let long = "a".repeat(80);
        let longer = format!("{long}b");
        assert_eq!(damerau_levenshtein_within(&long, &longer, 1), Some(1));
        check("imap.gmäil.com", "imap.gmail.com");
        check("ımap.gmail.com", "imap.gmail.com");
    }

    proptest! {
        // A small alphabet makes swaps, repeats and near-misses common.
        #[test]
        fn agrees_with_strsim(a in "[abc.]{0,12}", b in "[abc.]{0,12}") {
            check(&a, &b);
        }

        #[test]
        fn agrees_with_strsim_on_host_like_names(
            a in "[a-z]{1,6}\\.[a-z]{2,8}\\.[a-z]{2,3}",
            edits in proptest::collection::vec((0usize..20, 0u8..4, b'a'..=b'z'), 0..4),
        ) {
            let mut b = a.clone().into_bytes();
            for (at, kind, letter) in edits {
                let at = at % (b.len() + 1);
                match kind {
                    0 => b.insert(at, letter),
                    1 if at < b.len() => { b.remove(at); }
                    2 if at < b.len() => b[at] = letter,
                    _ if at + 1 < b.len() => b.swap(at, at + 1),
                    _ => {}
                }
            }
            check(&a, &String::from_utf8(b).unwrap());
        }
    }
}
