//! A hash table of the names of a pref index: the position of a name in one probe or two,
//! instead of a binary search of a sorted index.
//!
//! The account assembly and the checks look up some 7,300 names in the mail prefs of 100 bench
//! homes (about 190 names a profile). A binary search costs eight comparisons of names that
//! share their first twenty bytes (`mail.server.server1.`), about 450 instructions a lookup,
//! 3.3 M in all; hashing a name costs a multiplication per eight bytes. The index is built
//! through the table too, in load order, without sorting. The table holds positions into the
//! index, not names: the index owns (or borrows) them already.

/// Marks an empty slot.
const EMPTY: u32 = u32::MAX;

/// Positions of the names of an index, by hash, with linear probing.
#[derive(Clone, Debug, Default)]
pub(crate) struct NameTable {
    /// A power of two of slots, at most half of them used; empty for no name. Positions are
    /// `u32`, not `usize`: the table is filled with `EMPTY` for every profile, and half the
    /// bytes halve that fill (0.4 M instructions of memset on the scan of 100 bench homes).
    slots: Vec<u32>,
    /// Shifts a hash right to its slot (its highest bits, the best mixed).
    shift: u32,
}

impl NameTable {
    /// A table for up to `count` names.
    pub(crate) fn with_capacity(count: usize) -> Self {
        if count == 0 {
            return Self::default();
        }
        // Positions must fit below `EMPTY`: four billion statements would be a prefs file of
        // tens of gigabytes.
        assert!(count < EMPTY as usize, "too many names for a name table: {count}");
        // At least twice as many slots as names: probes stay short.
        let bits = (2 * count).next_power_of_two().trailing_zeros().max(1);
        Self { slots: vec![EMPTY; 1 << bits], shift: 64 - bits }
    }

    /// The position of `name` in the index, whose name at a position `name_at` gives; when it
    /// is not there, `None`, and `next` is recorded as its position. At most the capacity's
    /// count of names may be recorded.
    #[inline]
    pub(crate) fn find_or_insert<'i>(
        &mut self,
        name: &str,
        name_at: impl Fn(usize) -> &'i str,
        next: usize,
    ) -> Option<usize> {
        match self.probe(name, name_at) {
            Probe::Found(position) => Some(position),
            Probe::Empty(slot) => {
                if let Some(empty) = self.slots.get_mut(slot) {
                    // Below the capacity's count, so below `EMPTY` (checked in `with_capacity`).
                    *empty = next as u32;
                }
                None
            }
        }
    }

    /// The position of `name` in the index, whose name at a position `name_at` gives.
    #[inline]
    pub(crate) fn find<'i>(&self, name: &str, name_at: impl Fn(usize) -> &'i str) -> Option<usize> {
        match self.probe(name, name_at) {
            Probe::Found(position) => Some(position),
            Probe::Empty(_) => None,
        }
    }

    #[inline]
    fn probe<'i>(&self, name: &str, name_at: impl Fn(usize) -> &'i str) -> Probe {
        let Some(mask) = self.slots.len().checked_sub(1) else { return Probe::Empty(0) };
        let mut slot = (name_hash(name.as_bytes()) >> self.shift) as usize;
        loop {
            let position = self.slots[slot];
            if position == EMPTY {
                return Probe::Empty(slot);
            }
            let position = position as usize;
            if name_at(position) == name {
                return Probe::Found(position);
            }
            slot = (slot + 1) & mask;
        }
    }
}

/// Where a name's probe ends.
enum Probe {
    /// At the slot of the name, which holds this position.
    Found(usize),
    /// At this empty slot (0 in a table with no slot).
    Empty(usize),
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
    /// size, with names alike but for their last bytes (the mail prefs of a profile), each
    /// recorded once however often it is offered.
    #[test]
    fn names_are_found_at_their_positions_and_others_not_at_all() {
        for count in 0..300 {
            let mut names: Vec<String> = Vec::new();
            let mut table = NameTable::with_capacity(count);
            for i in 0..count {
                let name = match i % 4 {
                    0 => format!("mail.server.server{i}.hostname"),
                    1 => format!("mail.server.server1.port{i}"),
                    2 => format!("m{i}"),
                    _ => format!("mail.identity.id{}.useremail", i * 7919 % 1000),
                };
                // Offered twice: the second time it is found.
                for _ in 0..2 {
                    let next = names.len();
                    match table.find_or_insert(&name, |i| names[i].as_str(), next) {
                        Some(position) => assert_eq!(names[position], name),
                        None => names.push(name.clone()),
                    }
                }
            }
            assert_eq!(names.len(), count);
            let name_at = |i: usize| names[i].as_str();
            for (position, name) in names.iter().enumerate() {
                assert_eq!(table.find(name, name_at), Some(position), "{name}");
            }
            for absent in ["", "mail.", "mail.server.server1.", "mail.server.server1.port7x", "é"]
            {
                assert_eq!(table.find(absent, name_at), None, "{absent}");
            }
        }
    }
}
