//! A hash table of the names of a sorted pref index: the position of a name in one probe or
//! two, instead of a binary search.
//!
//! The account assembly and the checks look up some 7,300 names in the mail prefs of 100 bench
//! homes (about 190 names a profile). A binary search costs eight comparisons of names that
//! share their first twenty bytes (`mail.server.server1.`), about 450 instructions a lookup,
//! 3.3 M in all; hashing a name costs a multiplication per eight bytes. The table holds
//! positions into the index, not names: the index owns (or borrows) them already.

/// Marks an empty slot.
const EMPTY: u32 = u32::MAX;

/// Positions of the names of an index, by hash, with linear probing.
#[derive(Clone, Debug, Default)]
pub(crate) struct NameTable {
    /// A power of two of slots, at most half of them used; empty when the index is.
    slots: Vec<u32>,
    /// Shifts a hash right to its slot (its highest bits, the best mixed).
    shift: u32,
}

impl NameTable {
    /// The table of `names`, the names of an index in its order (each name once).
    pub(crate) fn new<'n>(names: impl ExactSizeIterator<Item = &'n str>) -> Self {
        let count = names.len();
        if count == 0 || u32::try_from(count).is_err() {
            return Self::default();
        }
        // At least twice as many slots as names: probes stay short.
        let bits = (2 * count).next_power_of_two().trailing_zeros().max(1);
        let mut table = Self { slots: vec![EMPTY; 1 << bits], shift: 64 - bits };
        let mask = table.slots.len() - 1;
        for (position, name) in names.enumerate() {
            let mut slot = table.slot_of(name);
            while table.slots[slot] != EMPTY {
                slot = (slot + 1) & mask;
            }
            table.slots[slot] = position as u32;
        }
        table
    }

    /// Whether the table was built from no names (or too many to hold).
    pub(crate) fn is_empty(&self) -> bool {
        self.slots.is_empty()
    }

    /// The position of `name` in the index the table was built from, whose name at a position
    /// `name_at` gives.
    #[inline]
    pub(crate) fn find<'i>(&self, name: &str, name_at: impl Fn(usize) -> &'i str) -> Option<usize> {
        if self.slots.is_empty() {
            return None;
        }
        let mask = self.slots.len() - 1;
        let mut slot = self.slot_of(name);
        loop {
            let position = *self.slots.get(slot)?;
            if position == EMPTY {
                return None;
            }
            if name_at(position as usize) == name {
                return Some(position as usize);
            }
            slot = (slot + 1) & mask;
        }
    }

    fn slot_of(&self, name: &str) -> usize {
        (name_hash(name.as_bytes()) >> self.shift) as usize
    }
}

/// A hash of a name, eight bytes a step (the last step reads the last eight bytes, overlapping
/// the one before): a rotation, an exclusive or and a multiplication each, as FxHash mixes.
/// Indexed words, not `chunks_exact`, whose setup cost about 20 instructions a name.
fn name_hash(name: &[u8]) -> u64 {
    const SEED: u64 = 0x517c_c1b7_2722_0a95;
    let mix = |hash: u64, word: u64| (hash.rotate_left(5) ^ word).wrapping_mul(SEED);
    let word = |bytes: &[u8]| u64::from_le_bytes(bytes.try_into().unwrap_or_default());
    let mut hash = name.len() as u64;
    let Some(last) = name.len().checked_sub(8) else {
        return name.iter().fold(hash, |hash, &byte| mix(hash, u64::from(byte)));
    };
    let mut at = 0;
    while at < last {
        hash = mix(hash, word(&name[at..at + 8]));
        at += 8;
    }
    mix(hash, word(&name[last..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every name is found at its position and no other name is found, in tables of every
    /// size, with names alike but for their last bytes (the mail prefs of a profile).
    #[test]
    fn names_are_found_at_their_positions_and_others_not_at_all() {
        let mut names: Vec<String> = Vec::new();
        for count in 0..300 {
            let table = NameTable::new(names.iter().map(String::as_str));
            assert_eq!(table.is_empty(), names.is_empty());
            let name_at = |i: usize| names[i].as_str();
            for (position, name) in names.iter().enumerate() {
                assert_eq!(table.find(name, name_at), Some(position), "{name}");
            }
            for absent in ["", "mail.", "mail.server.server1.", "mail.server.server1.port7x", "é"]
            {
                assert_eq!(table.find(absent, name_at), None, "{absent}");
            }
            let next = match count % 4 {
                0 => format!("mail.server.server{count}.hostname"),
                1 => format!("mail.server.server1.port{count}"),
                2 => format!("m{count}"),
                _ => format!("mail.identity.id{}.useremail", count * 7919 % 1000),
            };
            names.push(next);
        }
    }
}
