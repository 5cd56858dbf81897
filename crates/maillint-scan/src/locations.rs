//! What discovery needs to match file names at a client's locations; the locations themselves
//! belong to each client ([`maillint_core::ClientSupport::locations`]).
//!
//! Paths are relative to the home and use `/`; a Windows profile copied onto a share keeps
//! Windows' own spelling (`AppData/Roaming/...`), which is what clients list.

use std::borrow::Cow;
use std::ffi::OsStr;
use std::path::Path;

/// Whether `name` is `base` (a file name from a search order, such as `.muttrc`) followed by
/// `-` and a version (`.muttrc-2.2.9`): the name mutt of that version reads instead of `base`
/// (mutt's `mutt_find_cfg`; neomutt's `find_cfg` once tried `"neomuttrc-" PACKAGE_VERSION`
/// the same way). Which version will run is not known, so such a file is neither certainly
/// read nor certainly ignored: a scan treats it as a candidate.
pub fn is_versioned(name: &str, base: &str) -> bool {
    name.strip_prefix(base)
        .and_then(|rest| rest.strip_prefix('-'))
        .is_some_and(|version| version.starts_with(|c: char| c.is_ascii_digit()))
}

/// Whether a file name ends in `.` and one of `extensions`, compared without case (Windows
/// file names).
pub fn has_extension(name: &OsStr, extensions: &[Cow<'static, str>]) -> bool {
    Path::new(name).extension().and_then(OsStr::to_str).is_some_and(|extension| {
        extensions.iter().any(|wanted| extension.eq_ignore_ascii_case(wanted))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_version_is_a_dash_then_a_digit() {
        assert!(is_versioned(".muttrc-2.2.9", ".muttrc"));
        assert!(is_versioned("muttrc-1.5.21+git", "muttrc"));
        assert!(is_versioned("neomuttrc-20231103", "neomuttrc"));
        assert!(!is_versioned(".muttrc", ".muttrc"));
        assert!(!is_versioned(".muttrc-", ".muttrc"));
        assert!(!is_versioned(".muttrc-work", ".muttrc"));
        assert!(!is_versioned(".muttrc.2", ".muttrc"));
        assert!(!is_versioned(".neomuttrc-2", ".muttrc"));
    }

    #[test]
    fn extensions_ignore_case() {
        let wanted = [Cow::Borrowed("prf"), Cow::Borrowed("reg")];
        assert!(has_extension(OsStr::new("OUTLOOK.PRF"), &wanted));
        assert!(has_extension(OsStr::new("mail.reg"), &wanted));
        assert!(!has_extension(OsStr::new("prf"), &wanted));
        assert!(!has_extension(OsStr::new("notes.txt"), &wanted));
    }
}
