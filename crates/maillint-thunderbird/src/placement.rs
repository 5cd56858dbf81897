//! Which file a new or changed pref goes into, and where in it.
//!
//! The rules (reference sections 3, 5 and 6):
//!
//! * A value is changed where it is set: in the statement whose value applies.
//! * A new pref goes into the file that holds the endpoint's other settings: in `prefs.js` at
//!   the place Thunderbird's sorted order gives it, in `user.js` after the server's other
//!   lines.
//! * While Thunderbird runs, `prefs.js` is never edited (Thunderbird overwrites it when it
//!   exits). The change goes into `user.js` as a `user_pref` override appended at its end,
//!   which Thunderbird reads after `prefs.js` at its next start. A profile without `user.js`
//!   gets one: the parser adds it as a file to create ([`SourceFile::to_create`]), and only
//!   when that is impossible (a folder named `user.js`) is the change [`Blocked`].
//!
//! [`SourceFile::to_create`]: maillint_core::SourceFile::to_create

use std::cell::OnceCell;

use maillint_core::{Sources, Span};

use crate::lock::LockState;
use crate::profile::{FileRole, Profile};
use crate::syntax::{InsertAt, SortIndex, after_prefix, at_end, sorted_position_indexed};

/// Where edits go, given the profile and whether Thunderbird runs.
pub struct Placement<'a> {
    /// The profile's files.
    pub profile: &'a Profile<'a>,
    /// Their text.
    pub sources: &'a Sources,
    /// The profile's lock.
    pub lock: &'a LockState,
    /// Per file, built on first use: the sort index for sorted insertion.
    indexes: Vec<OnceCell<SortIndex>>,
}

/// `prefs.js` cannot be edited now, and there is no `user.js` to take the change (nor can
/// one be created).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Blocked {
    /// Why, in one sentence (the lock state).
    pub reason: String,
}

impl<'a> Placement<'a> {
    /// Placement for `profile`, whose files are in `sources`.
    pub fn new(profile: &'a Profile<'a>, sources: &'a Sources, lock: &'a LockState) -> Self {
        let indexes = profile.files.iter().map(|_| OnceCell::new()).collect();
        Self { profile, sources, lock, indexes }
    }

    /// Whether edits to `file` would be lost because Thunderbird runs.
    pub fn is_blocked(&self, file: usize) -> bool {
        self.profile.files[file].role == FileRole::Prefs && self.lock.may_be_running()
    }

    /// The file to write a change into, given the file that would normally take it, and
    /// whether that is a redirect to `user.js`.
    pub fn target(&self, file: usize) -> Result<(usize, bool), Blocked> {
        if !self.is_blocked(file) {
            return Ok((file, false));
        }
        match self.profile.file_with_role(FileRole::User) {
            Some(user_js) => Ok((user_js, true)),
            None => Err(Blocked { reason: self.lock.describe() }),
        }
    }

    /// Where a new line for pref `name` (of the server whose prefs start with `prefix`) goes
    /// in `file`; `redirected` when it overrides a value of `prefs.js` from `user.js`.
    pub fn position(&self, file: usize, prefix: &str, name: &str, redirected: bool) -> InsertAt {
        let loaded = &self.profile.files[file];
        let text = self.sources.get(loaded.id).text();
        match loaded.role {
            FileRole::User if redirected => at_end(text),
            FileRole::User => after_prefix(text, &loaded.parsed, prefix),
            FileRole::Prefs | FileRole::Other | FileRole::Defaults | FileRole::AutoConfig => {
                let index = self.indexes[file].get_or_init(|| SortIndex::new(&loaded.parsed));
                sorted_position_indexed(text, &loaded.parsed, index, name)
            }
        }
    }

    /// The point where a defaulted pref would be written, for the span of a defaulted value.
    pub fn insertion_span(&self, home_file: usize, prefix: &str, name: &str) -> Span {
        let (file, redirected) = self
            .target(home_file)
            .ok()
            // A finding never points into a file that does not exist yet.
            .filter(|(file, _)| !self.sources.get(self.profile.files[*file].id).is_new())
            .unwrap_or((home_file, false));
        let at = self.position(file, prefix, name, redirected);
        Span::point(self.profile.files[file].id, at.offset)
    }
}
