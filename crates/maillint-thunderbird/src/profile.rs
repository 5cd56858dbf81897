//! The prefs of one profile: `prefs.js` and `user.js` parsed, and the value each pref ends up
//! with after Thunderbird has loaded both.
//!
//! libpref keeps two values per pref, a default value (set by `pref(...)`) and a user value
//! (set by `user_pref(...)`); the user value wins when both exist (reference 2.2). Files are
//! loaded in order, `prefs.js` first and `user.js` last, so within one layer a later
//! statement replaces an earlier one (reference 5). [`Profile::effective`] gives the statement
//! whose value applies.
//!
//! Most prefs of a profile are not about mail (calendars, add-ons, printers, telemetry), and
//! only mail prefs are looked up by name, except for the name of a `pref(` statement (which
//! K103 compares with the user value): the index holds the names under `mail.` alone, borrowed
//! from the text, in load order, found through a hash table ([`NameTable`]). Only a profile
//! that has a `pref(` or `sticky_pref(` statement outside `mail.` gets every other name
//! indexed too (sorted, for a binary search), so that no lookup ever scans the statements.

use std::borrow::Cow;

use maillint_core::{FileId, Span, TextRange};

use crate::name_table::NameTable;
use crate::prefs::{PrefValue, PrefsFile, Statement};

/// What a file is to Thunderbird.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FileRole {
    /// `prefs.js`: written by Thunderbird, sorted, rewritten at every save.
    Prefs,
    /// `user.js`: written by people, read after `prefs.js` at every start, never written.
    User,
    /// A prefs file under another name (a fragment in a dotfiles repository, a test file).
    Other,
    /// A default-prefs file of the installation (`defaults/pref/*.js`, Debian's
    /// `/etc/thunderbird/pref/*.js`): libpref's grammar with attributes, `pref()` its keyword.
    Defaults,
    /// An AutoConfig file (`general.config.filename`): JavaScript calling `pref()`,
    /// `defaultPref()` and `lockPref()` ([`crate::autoconfig`]).
    AutoConfig,
}

impl FileRole {
    /// Whether the file belongs to the installation (every profile reads it) rather than to one
    /// profile.
    pub fn is_system(self) -> bool {
        matches!(self, FileRole::Defaults | FileRole::AutoConfig)
    }
}

/// The prefix of every pref the account model reads (`mail.server.`, `mail.smtpserver.`,
/// `mail.identity.`, `mail.account.`, `mail.accountmanager.`, `mail.smtpservers`, ...).
pub const MAIL_PREFIX: &str = "mail.";

/// One parsed prefs file of the profile.
#[derive(Clone, Debug)]
pub struct LoadedFile<'t> {
    /// The file in the unit's sources.
    pub id: FileId,
    /// `prefs.js`, `user.js` or something else.
    pub role: FileRole,
    /// What libpref reads from it.
    pub parsed: PrefsFile<'t>,
}

/// A statement of the profile: file (index into [`Profile::files`]) and statement index.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PrefRef {
    /// Index into [`Profile::files`].
    pub file: usize,
    /// Index into that file's statements.
    pub statement: usize,
}

#[derive(Clone, Copy, Debug, Default)]
struct Layers {
    user: Option<PrefRef>,
    default: Option<PrefRef>,
    /// A statement locked the pref (`lockPref()`, `, locked`): its default value applies and
    /// no user value does (modules/libpref/Preferences.cpp, `Pref::GetBoolValue` and its
    /// siblings read the default value when `IsLocked()`).
    locked: bool,
}

impl Layers {
    /// Records a statement read after the ones recorded so far.
    fn set(&mut self, at: PrefRef, statement: &Statement<'_>) {
        if statement.spec.sets_user_value() {
            self.user = Some(at);
        } else {
            self.default = Some(at);
            self.locked |= statement.locked;
        }
    }

    fn effective(&self) -> Option<PrefRef> {
        if self.locked { self.default } else { self.user.or(self.default) }
    }
}

/// The result of reading a pref with an expected type, as Thunderbird's typed getters do.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Typed<T> {
    /// The pref is not set.
    Missing,
    /// The pref is set, with another type: Thunderbird's getter fails and falls back.
    WrongType(PrefRef),
    /// The value and the statement that set it.
    Value(T, PrefRef),
}

impl<T> Typed<T> {
    /// The value and its statement, if the pref has the expected type.
    pub fn value(self) -> Option<(T, PrefRef)> {
        match self {
            Typed::Value(value, at) => Some((value, at)),
            _ => None,
        }
    }
}

/// The statements of `refs` (in load order) by name, sorted by name.
fn index<'t, 's>(
    files: &[LoadedFile<'t>],
    refs: impl Iterator<Item = (PrefRef, &'s Statement<'t>)>,
) -> Vec<(Cow<'t, str>, Layers)>
where
    't: 's,
{
    let mut named: Vec<(Cow<'t, str>, PrefRef)> =
        refs.map(|(at, statement)| (statement.name.clone(), at)).collect();
    // Stable: the statements of one name stay in load order. Sorted input (a prefs.js as
    // Thunderbird writes it) is one run, sorted in one pass.
    named.sort_by(|a, b| a.0.cmp(&b.0));
    let mut index: Vec<(Cow<'t, str>, Layers)> = Vec::with_capacity(named.len());
    for (name, at) in named {
        let statement = &files[at.file].parsed.statements[at.statement];
        match index.last_mut() {
            Some((last, layers)) if *last == name => layers.set(at, statement),
            _ => {
                let mut layers = Layers::default();
                layers.set(at, statement);
                index.push((name, layers));
            }
        }
    }
    index
}

/// The statements of `refs` (in load order) by name, in the order of their first statements,
/// with the table that finds a name's position. Built through the table, for a profile's
/// mail prefs: sorting them and building the table after cost 1.2 M instructions more on the
/// scan of 100 bench homes (Profile::new 5.6 M -> 4.4 M).
fn hashed_index<'t, 's>(
    refs: impl ExactSizeIterator<Item = (PrefRef, &'s Statement<'t>)>,
) -> (Vec<(Cow<'t, str>, Layers)>, NameTable)
where
    't: 's,
{
    // Most mail names are set once: room for every statement spares the copies of growing.
    let mut table = NameTable::with_capacity(refs.len());
    let mut index: Vec<(Cow<'t, str>, Layers)> = Vec::with_capacity(refs.len());
    for (at, statement) in refs {
        let next = index.len();
        match table.find_or_insert(&statement.name, |i| index[i].0.as_ref(), next) {
            Some(position) => index[position].1.set(at, statement),
            None => {
                let mut layers = Layers::default();
                layers.set(at, statement);
                index.push((statement.name.clone(), layers));
            }
        }
    }
    (index, table)
}

/// All prefs files of one profile, in load order, with the effective value of every pref.
#[derive(Clone, Debug, Default, yoke::Yokeable)]
pub struct Profile<'t> {
    /// The files, in the order Thunderbird loads them.
    pub files: Vec<LoadedFile<'t>>,
    /// Every mail pref's name with its statements, in the order of their first statements.
    mail: Vec<(Cow<'t, str>, Layers)>,
    /// The positions of the names of `mail`, by hash: [`Profile::effective`] looks them up.
    mail_table: NameTable,
    /// Every other name, sorted, when a default-value statement outside `mail.` needs it.
    others: Vec<(Cow<'t, str>, Layers)>,
    /// Every statement of a name under `mail.`, in load order: the server and account prefs
    /// are among them, and the passes over those need not look at the other two thirds.
    mail_statements: Vec<PrefRef>,
    /// Every statement that sets a default value (`pref(`, `sticky_pref(`), in load order:
    /// a profile has none or a few, and K103 need not pass over the others.
    default_statements: Vec<PrefRef>,
}

impl<'t> Profile<'t> {
    /// Indexes `files`, given in load order.
    pub fn new(files: Vec<LoadedFile<'t>>) -> Self {
        let is_mail = |stmt: &Statement<'_>| stmt.name.starts_with(MAIL_PREFIX);
        // One pass sorts out both lists: the mail statements, and the few default-value
        // statements (K103 reads them, and they decide whether other names are indexed).
        // A third of a profile's prefs are mail prefs (19,319 of 66,823 in 100 bench homes):
        // room for half spares the copies of growing.
        let count: usize = files.iter().map(|loaded| loaded.parsed.statements.len()).sum();
        let mut mail_statements = Vec::with_capacity(count / 2);
        let mut default_statements = Vec::new();
        for (file, loaded) in files.iter().enumerate() {
            for (statement, stmt) in loaded.parsed.statements.iter().enumerate() {
                let at = PrefRef { file, statement };
                if is_mail(stmt) {
                    mail_statements.push(at);
                }
                if !stmt.spec.sets_user_value() {
                    default_statements.push(at);
                }
            }
        }
        let statement = |at: &PrefRef| &files[at.file].parsed.statements[at.statement];
        let (mail, mail_table) =
            hashed_index(mail_statements.iter().map(|at| (*at, statement(at))));
        let other_default = default_statements.iter().any(|at| !is_mail(statement(at)));
        let others = if other_default {
            let others = files.iter().enumerate().flat_map(|(file, loaded)| {
                let statements = loaded.parsed.statements.iter().enumerate();
                statements.map(move |(statement, stmt)| (PrefRef { file, statement }, stmt))
            });
            index(&files, others.filter(|(_, s)| !is_mail(s)))
        } else {
            Vec::new()
        };
        Self { files, mail, mail_table, others, mail_statements, default_statements }
    }

    /// The statement whose value applies to `name`: the last user value, else the last
    /// default value.
    pub fn effective(&self, name: &str) -> Option<PrefRef> {
        let index = if name.starts_with(MAIL_PREFIX) {
            let found = self.mail_table.find(name, |i| self.mail[i].0.as_ref());
            return found.and_then(|i| self.mail[i].1.effective());
        } else if !self.others.is_empty() {
            &self.others
        } else {
            // Not indexed: no default value outside `mail.` needed it, so a caller outside
            // the checks asks; answer by a scan.
            let mut layers = Layers::default();
            for (at, statement) in self.statements().filter(|(_, s)| s.name == name) {
                layers.set(at, statement);
            }
            return layers.effective();
        };
        Self::search(index, name)
    }

    /// The statement whose value applies to `name`, searched for in a sorted `index`.
    fn search(index: &[(Cow<'t, str>, Layers)], name: &str) -> Option<PrefRef> {
        let found = index.binary_search_by(|(existing, _)| existing.as_ref().cmp(name));
        found.ok().and_then(|i| index[i].1.effective())
    }

    /// Every pref name under `mail.` that is set, sorted (a fragment's accounts are found by
    /// them; a profile lists its accounts, and they need not be sorted for it).
    pub fn mail_names(&self) -> impl Iterator<Item = &str> {
        let mut names: Vec<&str> = self.mail.iter().map(|(name, _)| name.as_ref()).collect();
        names.sort_unstable();
        names.into_iter()
    }

    /// The statement at `at`.
    pub fn statement(&self, at: PrefRef) -> &Statement<'t> {
        &self.files[at.file].parsed.statements[at.statement]
    }

    /// Every statement of every file, with its reference, in load order.
    pub fn statements(&self) -> impl Iterator<Item = (PrefRef, &Statement<'t>)> {
        self.files.iter().enumerate().flat_map(|(file, loaded)| {
            loaded
                .parsed
                .statements
                .iter()
                .enumerate()
                .map(move |(statement, stmt)| (PrefRef { file, statement }, stmt))
        })
    }

    /// Every statement of a name under `mail.` ([`MAIL_PREFIX`]), with its reference, in load
    /// order: [`statements`](Self::statements) without the prefs of other components.
    pub fn mail_statements(&self) -> impl Iterator<Item = (PrefRef, &Statement<'t>)> {
        self.mail_statements.iter().map(|&at| (at, self.statement(at)))
    }

    /// Every statement that sets a default value (`pref(`, `sticky_pref(`), with its
    /// reference, in load order: [`statements`](Self::statements) without the `user_pref(`s.
    pub fn default_statements(&self) -> impl Iterator<Item = (PrefRef, &Statement<'t>)> {
        self.default_statements.iter().map(|&at| (at, self.statement(at)))
    }

    /// The file id of a statement.
    pub fn file_id(&self, at: PrefRef) -> FileId {
        self.files[at.file].id
    }

    /// A span in the file of `at`.
    pub fn span(&self, at: PrefRef, range: TextRange) -> Span {
        Span { file: self.file_id(at), range }
    }

    /// The span of a statement's value literal.
    pub fn value_span(&self, at: PrefRef) -> Span {
        self.span(at, self.statement(at).value_range)
    }

    /// The index of the first file with `role`.
    pub fn file_with_role(&self, role: FileRole) -> Option<usize> {
        self.files.iter().position(|f| f.role == role)
    }

    /// A string pref, as `GetCharPref` reads it.
    pub fn string(&self, name: &str) -> Typed<String> {
        self.typed(name, |value| value.as_text().map(|text| text.into_owned()))
    }

    /// A string pref as [`string`](Self::string) reads it, borrowed from the profile when its
    /// literal needs no decoding: for values looked at and not kept (a type, a host name, a
    /// list of keys), where a `String` a read cost an allocation and a copy (Profile::string
    /// took 420 instructions a call, 4,050 calls on the scan of 100 bench homes).
    pub fn text(&self, name: &str) -> Typed<Cow<'_, str>> {
        match self.effective(name) {
            None => Typed::Missing,
            Some(at) => match self.statement(at).value.as_text() {
                Some(text) => Typed::Value(text, at),
                None => Typed::WrongType(at),
            },
        }
    }

    /// An integer pref, as `GetIntPref` reads it.
    pub fn int(&self, name: &str) -> Typed<i32> {
        self.typed(name, PrefValue::as_int)
    }

    /// A boolean pref, as `GetBoolPref` reads it.
    pub fn bool(&self, name: &str) -> Typed<bool> {
        self.typed(name, PrefValue::as_bool)
    }

    fn typed<T>(&self, name: &str, read: impl Fn(&PrefValue<'t>) -> Option<T>) -> Typed<T> {
        match self.effective(name) {
            None => Typed::Missing,
            Some(at) => match read(&self.statement(at).value) {
                Some(value) => Typed::Value(value, at),
                None => Typed::WrongType(at),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::prefs::{FileKind, parse};

    fn loaded(id: u32, role: FileRole, text: &str) -> LoadedFile<'_> {
        LoadedFile { id: FileId(id), role, parsed: parse(text.as_bytes(), FileKind::User) }
    }

    /// Strings plain, escaped and not UTF-8, other types, repeats and missing names: the
    /// borrowed read gives what the owned one gives.
    #[test]
    fn text_reads_what_string_reads() {
        let profile = Profile::new(vec![
            loaded(
                0,
                FileRole::Prefs,
                "user_pref(\"mail.a\", \"plain\");\nuser_pref(\"mail.b\", \"t\\x41b\\n\");\n\
                 user_pref(\"mail.c\", 3);\nuser_pref(\"mail.d\", true);\nuser_pref(\"e\", \"\");\n\
                 user_pref(\"mail.f\", \"\\u00e9\");\n",
            ),
            loaded(
                1,
                FileRole::User,
                "user_pref(\"mail.a\", \"later\");\npref(\"mail.g\", \"x\");\n",
            ),
        ]);
        let mut names: Vec<String> =
            profile.statements().map(|(_, s)| s.name.to_string()).collect();
        names.extend(["mail.zz", "zz", ""].map(String::from));
        for name in &names {
            let owned = match profile.text(name) {
                Typed::Value(text, at) => Typed::Value(text.into_owned(), at),
                Typed::WrongType(at) => Typed::WrongType(at),
                Typed::Missing => Typed::Missing,
            };
            assert_eq!(owned, profile.string(name), "{name}");
        }
    }

    #[test]
    fn user_values_beat_default_values_and_later_files_beat_earlier_ones() {
        let profile = Profile::new(vec![
            loaded(0, FileRole::Prefs, "user_pref(\"a\", 1);\nuser_pref(\"b\", 1);\n"),
            loaded(1, FileRole::User, "user_pref(\"a\", 2);\npref(\"b\", 2);\npref(\"c\", 3);\n"),
        ]);
        assert_eq!(profile.int("a"), Typed::Value(2, PrefRef { file: 1, statement: 0 }));
        // `pref(` only sets the default; the user value from prefs.js still applies.
        assert_eq!(profile.int("b"), Typed::Value(1, PrefRef { file: 0, statement: 1 }));
        assert_eq!(profile.int("c"), Typed::Value(3, PrefRef { file: 1, statement: 2 }));
        assert_eq!(profile.int("d"), Typed::Missing);
    }

    #[test]
    fn mail_prefs_are_found_in_any_order_and_other_prefs_by_scanning() {
        // Unsorted, a name repeated in one file and across files, a default value, and a name
        // that needs an escape decoded.
        let profile = Profile::new(vec![
            loaded(
                0,
                FileRole::Prefs,
                "user_pref(\"mail.server.server2.port\", 1);\n\
                 user_pref(\"mail.server.server1.port\", 2);\n\
                 user_pref(\"mail.server.server2.port\", 3);\n\
                 user_pref(\"zzz\", 4);\nuser_pref(\"aaa\", 5);\n",
            ),
            loaded(
                1,
                FileRole::User,
                "pref(\"mail.server.server1.port\", 6);\n\
                 user_pref(\"mail.ser\\x76er.server3.port\", 7);\npref(\"zzz\", 8);\n",
            ),
        ]);
        let at = |file, statement| PrefRef { file, statement };
        assert_eq!(profile.int("mail.server.server2.port"), Typed::Value(3, at(0, 2)));
        // The user value from prefs.js beats the default value set later in user.js.
        assert_eq!(profile.int("mail.server.server1.port"), Typed::Value(2, at(0, 1)));
        assert_eq!(profile.int("mail.server.server3.port"), Typed::Value(7, at(1, 1)));
        assert_eq!(profile.int("zzz"), Typed::Value(4, at(0, 3)));
        assert_eq!(profile.int("aaa"), Typed::Value(5, at(0, 4)));
        assert_eq!(profile.int("mail.server.server4.port"), Typed::Missing);
        let names: Vec<&str> = profile.mail_names().collect();
        assert_eq!(
            names,
            ["mail.server.server1.port", "mail.server.server2.port", "mail.server.server3.port"]
        );
    }

    #[test]
    fn the_lists_of_one_pass_are_the_statements_filtered() {
        let lines = [
            "user_pref(\"mail.a\", 1);\n",
            "pref(\"mail.b\", 1);\n",
            "sticky_pref(\"c\", 1);\n",
            "pref(\"d\", 1);\n",
            "user_pref(\"e\", 1);\n",
            "user_pref(\"mail\", 1);\n",
        ];
        let mut state = 0x9E37_79B9_7F4A_7C15_u64;
        for round in 0..200 {
            let mut texts = [String::new(), String::new()];
            for i in 0..(round % 9) {
                maillint_core::testing::xorshift(&mut state);
                texts[i % 2].push_str(lines[(state % lines.len() as u64) as usize]);
            }
            let profile = Profile::new(vec![
                loaded(0, FileRole::Prefs, &texts[0]),
                loaded(1, FileRole::User, &texts[1]),
            ]);
            let refs = |pick: fn(&Statement<'_>) -> bool| -> Vec<PrefRef> {
                profile.statements().filter(|(_, s)| pick(s)).map(|(at, _)| at).collect()
            };
            let defaults: Vec<PrefRef> = profile.default_statements().map(|(at, _)| at).collect();
            assert_eq!(defaults, refs(|s| s.spec != crate::prefs::Spec::UserPref), "{texts:?}");
            let mail: Vec<PrefRef> = profile.mail_statements().map(|(at, _)| at).collect();
            assert_eq!(mail, refs(|s| s.name.starts_with("mail.")), "{texts:?}");
        }
    }

    /// The hashed lookup of mail names finds what a scan of the statements in load order finds,
    /// for names set in either file, by either keyword, once or more, and for names not set.
    #[test]
    fn mail_names_are_looked_up_as_a_scan_of_the_statements_finds_them() {
        let mut state = 0x0123_4567_89AB_CDEF_u64;
        for round in 0..300 {
            let mut texts = [String::new(), String::new()];
            for i in 0..(round % 40) {
                maillint_core::testing::xorshift(&mut state);
                let keyword = if state.is_multiple_of(5) { "pref" } else { "user_pref" };
                let name = format!("mail.server.server{}.a{}", state % 7, (state >> 8) % 5);
                texts[i % 2].push_str(&format!("{keyword}(\"{name}\", {i});\n"));
            }
            let profile = Profile::new(vec![
                loaded(0, FileRole::Prefs, &texts[0]),
                loaded(1, FileRole::User, &texts[1]),
            ]);
            for server in 0..8 {
                for attr in 0..6 {
                    let name = format!("mail.server.server{server}.a{attr}");
                    // The definition: every statement of the name, in load order.
                    let mut layers = Layers::default();
                    for (at, statement) in profile.statements().filter(|(_, s)| s.name == name) {
                        layers.set(at, statement);
                    }
                    let scanned = layers.effective();
                    assert_eq!(profile.effective(&name), scanned, "{name} in {texts:?}");
                }
            }
        }
    }

    #[test]
    fn a_value_of_the_wrong_type_is_reported_as_such() {
        let profile = Profile::new(vec![loaded(0, FileRole::Prefs, "user_pref(\"p\", \"993\");")]);
        assert_eq!(profile.int("p"), Typed::WrongType(PrefRef { file: 0, statement: 0 }));
        assert_eq!(profile.string("p").value().unwrap().0, "993");
    }
}
