//! NeoMutt's variables and commands: the generated tables plus the few names other builds
//! and versions know, and how NeoMutt converts and checks values.
//!
//! The tables in [`crate::neomutt_tables`] come from the NeoMutt binary the oracle test runs
//! (see `tools/gen_neomutt_tables.py`). That binary is Debian's GnuTLS build; variables that
//! only OpenSSL builds, mutt or newer NeoMutt releases know are listed in
//! [`OTHER_BUILD_VARIABLES`] so that a file written for them is not reported as broken.

use crate::neomutt_tables::{COMMANDS, OTHER_SYMBOLS, SYNONYMS, VARIABLES};

/// How `set` transforms a string value before storing it (NeoMutt `parse_set`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Expand {
    /// Stored as written.
    None,
    /// A leading `~` is replaced by the home folder (`mutt_path_tilde`).
    Tilde,
    /// Mailbox shortcuts (`~`, `+`, `=`, `!`, `<`, `>`, ...) are expanded and IMAP URLs
    /// canonicalised (`mutt_buffer_expand_path`).
    Full,
}

/// The type of a variable, as far as parsing its value goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum VarKind {
    /// `yes`/`no` (and NeoMutt's synonyms for them).
    Bool,
    /// `yes`, `no`, `ask-yes`, `ask-no`.
    Quad,
    /// A number.
    Number,
    /// Any string-like type (string, path, mailbox, regex, address, enum, ...).
    String {
        /// What `set` does to the value.
        expand: Expand,
        /// Whether NeoMutt rejects some values (enums, regexes, validated lists). maillint does
        /// not know the valid values and accepts them all.
        validated: bool,
        /// Whether `-=` is supported (string lists).
        list: bool,
    },
}

/// A variable's default value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum DefaultValue {
    /// This text.
    Literal(&'static str),
    /// The home folder followed by this text (`~/Mail`).
    Home(&'static str),
    /// Taken from the machine or the user running NeoMutt: unknown to maillint.
    Environment(&'static str),
}

/// One variable.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct VarDef {
    /// Canonical name.
    pub name: &'static str,
    /// Type.
    pub kind: VarKind,
    /// Default.
    pub default: DefaultValue,
}

/// Variables the generated tables lack because this NeoMutt build or version does not have
/// them, but mutt or other NeoMutt builds do (mutt.md section 4). Setting them is not an
/// error in the files maillint checks.
pub(crate) static OTHER_BUILD_VARIABLES: &[VarDef] = &[
    // mutt.md section 4: NeoMutt (2026) command run for credentials.
    VarDef {
        name: "account_command",
        kind: VarKind::String { expand: Expand::Full, validated: false, list: false },
        default: DefaultValue::Literal(""),
    },
    // mutt.md section 4: OpenSSL builds of mutt and NeoMutt; unset by default.
    VarDef { name: "ssl_use_sslv2", kind: VarKind::Bool, default: DefaultValue::Literal("no") },
    // mutt.md section 4: `ssl_usesystemcerts` (mutt, set by default), renamed
    // `ssl_use_system_certs` in newer NeoMutt.
    VarDef {
        name: "ssl_use_system_certs",
        kind: VarKind::Bool,
        default: DefaultValue::Literal("yes"),
    },
    VarDef {
        name: "ssl_usesystemcerts",
        kind: VarKind::Bool,
        default: DefaultValue::Literal("yes"),
    },
    // mutt.md section 4: OpenSSL builds, unset by default.
    VarDef {
        name: "ssl_verify_partial_chains",
        kind: VarKind::Bool,
        default: DefaultValue::Literal("no"),
    },
];

/// A variable maillint's own code reads by name, looked up on first use only: building an
/// endpoint reads some twenty variables, for every endpoint of every account, and each
/// [`lookup`] hashes the name.
pub(crate) struct Known {
    /// The name as the code spells it.
    pub name: &'static str,
    def: std::sync::OnceLock<Option<&'static VarDef>>,
}

impl Known {
    /// The variable named `name`, not looked up yet.
    pub(crate) const fn new(name: &'static str) -> Known {
        Known { name, def: std::sync::OnceLock::new() }
    }

    /// The variable ([`lookup`] of the name, once).
    pub(crate) fn def(&self) -> Option<&'static VarDef> {
        *self.def.get_or_init(|| lookup(self.name).map(|(def, _)| def))
    }
}

/// Whether a variable is in the NeoMutt build the tables describe.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Availability {
    /// Known to the oracle's NeoMutt.
    ThisBuild,
    /// Known to mutt or other NeoMutt builds only.
    OtherBuild,
}

/// Looks a variable up by canonical name or synonym, in O(1): one hash of the name and,
/// almost always, one comparison ([`NameIndex`]).
pub(crate) fn lookup(name: &str) -> Option<(&'static VarDef, Availability)> {
    static INDEX: std::sync::OnceLock<NameIndex> = std::sync::OnceLock::new();
    INDEX.get_or_init(NameIndex::build).find(name)
}

/// An open-addressing hash table from every variable name and synonym to its variable, built
/// once. The interpreter looks a name up for every `set` item, `$name` and state query, so a
/// binary search over 460 names (nine string comparisons, each a `memcmp`) was a tenth of the
/// parse; this is a multiply per 8 bytes of the name.
struct NameIndex {
    /// `slots.len()` is a power of two; an entry is an index into `entries`, `u16::MAX` is empty.
    slots: Vec<u16>,
    entries: Vec<(&'static str, &'static VarDef, Availability)>,
}

impl NameIndex {
    fn build() -> NameIndex {
        let mut entries: Vec<(&'static str, &'static VarDef, Availability)> = Vec::new();
        for def in VARIABLES {
            entries.push((def.name, def, Availability::ThisBuild));
        }
        for &(alias, canonical) in SYNONYMS {
            if let Ok(i) = VARIABLES.binary_search_by(|v| v.name.cmp(canonical)) {
                entries.push((alias, &VARIABLES[i], Availability::ThisBuild));
            } else if let Some(def) = OTHER_BUILD_VARIABLES.iter().find(|v| v.name == canonical) {
                entries.push((alias, def, Availability::OtherBuild));
            }
        }
        for def in OTHER_BUILD_VARIABLES {
            // A name of this build wins over the same name of another build, as before.
            if VARIABLES.binary_search_by(|v| v.name.cmp(def.name)).is_err() {
                entries.push((def.name, def, Availability::OtherBuild));
            }
        }
        // At most half full, so that a probe sequence stays short.
        let size = (entries.len() * 2).next_power_of_two();
        let mut slots = vec![u16::MAX; size];
        for (i, (name, _, _)) in entries.iter().enumerate() {
            let mut slot = name_hash(name) as usize & (size - 1);
            while slots[slot] != u16::MAX {
                slot = (slot + 1) & (size - 1);
            }
            slots[slot] = i as u16;
        }
        NameIndex { slots, entries }
    }

    fn find(&self, name: &str) -> Option<(&'static VarDef, Availability)> {
        let mask = self.slots.len() - 1;
        let mut slot = name_hash(name) as usize & mask;
        loop {
            let &(entry_name, def, availability) =
                self.entries.get(usize::from(self.slots[slot]))?;
            if entry_name == name {
                return Some((def, availability));
            }
            slot = (slot + 1) & mask;
        }
    }
}

/// FxHash (rustc's hasher) over the bytes of a name: good enough for a fixed set of
/// identifiers, and a few instructions per 8 bytes.
fn name_hash(name: &str) -> u64 {
    const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;
    let mut hash = name.len() as u64;
    let mut chunks = name.as_bytes().chunks_exact(8);
    for chunk in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        hash = (hash.rotate_left(5) ^ u64::from_le_bytes(word)).wrapping_mul(SEED);
    }
    let mut word = [0u8; 8];
    word[..chunks.remainder().len()].copy_from_slice(chunks.remainder());
    hash = (hash.rotate_left(5) ^ u64::from_le_bytes(word)).wrapping_mul(SEED);
    // The high bits are the well-mixed ones.
    hash ^ (hash >> 29)
}

/// The number of variables [`index`] numbers.
pub(crate) fn count() -> usize {
    VARIABLES.len() + OTHER_BUILD_VARIABLES.len()
}

/// A variable's number, `0..count()`: its place in [`VARIABLES`], then in
/// [`OTHER_BUILD_VARIABLES`]. A state keeps its values in a vector indexed by it.
#[inline]
pub(crate) fn index(def: &'static VarDef) -> usize {
    // Every `&'static VarDef` points into one of the two tables: its offset from a table's
    // start is its place there (checked with `ptr::eq`, so another pointer cannot alias).
    let offset = |table: &'static [VarDef]| {
        let at = (def as *const VarDef as usize).wrapping_sub(table.as_ptr() as usize)
            / std::mem::size_of::<VarDef>();
        table.get(at).filter(|d| std::ptr::eq(*d, def)).map(|_| at)
    };
    offset(VARIABLES)
        .or_else(|| offset(OTHER_BUILD_VARIABLES).map(|at| VARIABLES.len() + at))
        .expect("a VarDef is one of the tables' entries")
}

/// The variable numbered `index` (see [`index`]).
pub(crate) fn by_index(index: usize) -> &'static VarDef {
    VARIABLES.get(index).unwrap_or_else(|| &OTHER_BUILD_VARIABLES[index - VARIABLES.len()])
}

/// Whether `name` is a NeoMutt command.
///
/// Content detection asks this of the first word of every line of every file a walk meets, so
/// it is cheap for the words that are not commands: every command starts with a lower-case
/// letter (a test keeps it so), and `COMMANDS` is sorted, so the commands with `name`'s first
/// letter are one short run of the table, compared by length before bytes.
pub(crate) fn is_command(name: &str) -> bool {
    static RUNS: std::sync::OnceLock<[(usize, usize); 26]> = std::sync::OnceLock::new();
    let Some(first) = name.bytes().next().filter(u8::is_ascii_lowercase) else { return false };
    let runs = RUNS.get_or_init(|| {
        let mut runs = [(0, 0); 26];
        for (letter, run) in runs.iter_mut().enumerate() {
            let letter = b'a' + letter as u8;
            let start = COMMANDS.partition_point(|c| c.as_bytes()[0] < letter);
            let end = COMMANDS.partition_point(|c| c.as_bytes()[0] <= letter);
            *run = (start, end);
        }
        runs
    });
    let (start, end) = runs[usize::from(first - b'a')];
    COMMANDS[start..end].iter().any(|c| c.len() == name.len() && *c == name)
}

/// Whether `ifdef` treats `name` as defined, apart from variables, commands and `my_`
/// variables (NeoMutt's functions and compiled features).
pub(crate) fn is_other_symbol(name: &str) -> bool {
    OTHER_SYMBOLS.binary_search(&name).is_ok()
}

/// A boolean value as NeoMutt's `bool` type parses it: `yes`/`no`, `y`/`n`, `true`/`false`,
/// `1`/`0`, `on`/`off`, any case (NeoMutt `config/bool.c`, `BoolValues`; verified against
/// NeoMutt 20220429: `off`, `0`, `n`, `FALSE` are accepted). mutt itself accepts only
/// `yes`/`no` (mutt.md section 2).
pub(crate) fn parse_bool(text: &str) -> Option<bool> {
    const VALUES: [(&str, bool); 10] = [
        ("no", false),
        ("yes", true),
        ("n", false),
        ("y", true),
        ("false", false),
        ("true", true),
        ("0", false),
        ("1", true),
        ("off", false),
        ("on", true),
    ];
    VALUES.iter().find(|(word, _)| word.eq_ignore_ascii_case(text)).map(|(_, value)| *value)
}

/// A quad-option value (mutt.md section 2: `yes`, `no`, `ask-yes`, `ask-no`, any case).
pub(crate) fn parse_quad(text: &str) -> Option<Quad> {
    [Quad::No, Quad::Yes, Quad::AskNo, Quad::AskYes]
        .into_iter()
        .find(|q| q.as_str().eq_ignore_ascii_case(text))
}

/// A quad-option.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Quad {
    /// Never.
    No,
    /// Always.
    Yes,
    /// Ask, defaulting to no.
    AskNo,
    /// Ask, defaulting to yes.
    AskYes,
}

impl Quad {
    /// The value as NeoMutt prints it.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Quad::No => "no",
            Quad::Yes => "yes",
            Quad::AskNo => "ask-no",
            Quad::AskYes => "ask-yes",
        }
    }

    /// What `toggle` and `inv` do: yes ↔ no, ask-yes ↔ ask-no (NeoMutt `quad_he_toggle`;
    /// verified: `set invssl_starttls` turns `ask-yes` into `ask-no`).
    pub(crate) fn toggled(self) -> Quad {
        match self {
            Quad::No => Quad::Yes,
            Quad::Yes => Quad::No,
            Quad::AskNo => Quad::AskYes,
            Quad::AskYes => Quad::AskNo,
        }
    }
}

/// A number as NeoMutt's `number` type accepts it: a decimal integer that fits a C `short`
/// (NeoMutt stores numbers as `short`).
pub(crate) fn parse_number(text: &str) -> Option<i64> {
    text.parse::<i16>().ok().map(i64::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_command_starts_with_a_lower_case_letter() {
        // `is_command` relies on both: the table is sorted, and every name starts with a
        // lower-case letter.
        assert!(COMMANDS.is_sorted());
        for command in COMMANDS {
            assert!(command.starts_with(|c: char| c.is_ascii_lowercase()), "{command}");
            assert!(is_command(command), "{command}");
        }
        assert!(!is_command("Set") && !is_command("{") && !is_command(""));
    }

    #[test]
    fn synonyms_resolve_to_the_new_name() {
        let (def, availability) = lookup("spoolfile").unwrap();
        assert_eq!(def.name, "spool_file");
        assert_eq!(availability, Availability::ThisBuild);
        assert_eq!(lookup("realname").unwrap().0.name, "real_name");
        assert_eq!(lookup("ssl_use_sslv2").unwrap().1, Availability::OtherBuild);
        assert!(lookup("suchvar").is_none());
    }

    #[test]
    fn every_name_and_synonym_is_found_and_nothing_else() {
        for def in VARIABLES {
            let (found, availability) = lookup(def.name).unwrap();
            assert!(std::ptr::eq(found, def), "{}", def.name);
            assert_eq!(availability, Availability::ThisBuild);
        }
        for (alias, canonical) in SYNONYMS {
            assert_eq!(lookup(alias).map(|(d, _)| d.name), Some(*canonical), "{alias}");
        }
        for def in OTHER_BUILD_VARIABLES {
            assert_eq!(lookup(def.name).map(|(d, _)| d.name), Some(def.name));
        }
        for name in ["", "ssl_force_tl", "ssl_force_tlss", "SSL_FORCE_TLS", "my_pass", "x"] {
            assert!(lookup(name).is_none(), "{name}");
        }
    }

    #[test]
    fn every_variable_has_its_own_index() {
        let all = VARIABLES.iter().chain(OTHER_BUILD_VARIABLES);
        for (expected, def) in all.enumerate() {
            assert_eq!(index(def), expected, "{}", def.name);
            assert!(std::ptr::eq(by_index(expected), def));
        }
        assert_eq!(count(), VARIABLES.len() + OTHER_BUILD_VARIABLES.len());
    }

    #[test]
    fn security_variables_have_the_documented_types_and_defaults() {
        // mutt.md section 4.
        let force = lookup("ssl_force_tls").unwrap().0;
        assert_eq!(force.kind, VarKind::Bool);
        assert_eq!(force.default, DefaultValue::Literal("yes"));
        let starttls = lookup("ssl_starttls").unwrap().0;
        assert_eq!(starttls.kind, VarKind::Quad);
        assert_eq!(starttls.default, DefaultValue::Literal("yes"));
        assert_eq!(lookup("folder").unwrap().0.default, DefaultValue::Home("/Mail"));
        assert!(matches!(
            lookup("folder").unwrap().0.kind,
            VarKind::String { expand: Expand::Full, .. }
        ));
        assert!(matches!(
            lookup("smtp_url").unwrap().0.kind,
            VarKind::String { expand: Expand::None, .. }
        ));
    }

    #[test]
    fn commands_and_values() {
        assert!(is_command("account-hook") && is_command("ifndef") && is_command("reset"));
        assert!(!is_command("account"));
        assert_eq!(parse_bool("Off"), Some(false));
        assert_eq!(parse_bool("maybe"), None);
        assert_eq!(parse_quad("ASK-NO"), Some(Quad::AskNo));
        assert_eq!(parse_quad("1"), None);
        assert_eq!(Quad::AskYes.toggled(), Quad::AskNo);
        assert_eq!(parse_number("300"), Some(300));
        assert_eq!(parse_number("99999"), None);
    }
}
