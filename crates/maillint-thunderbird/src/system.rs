//! The installation's own prefs files, formats of their own: default-prefs files and AutoConfig
//! files. Every profile of the installation reads them, `pref()` is the right keyword there,
//! and they are where an organisation sets or locks mail settings for all its users.
//!
//! * Default-prefs files: `defaults/pref/*.js` in the install folder (libpref reads every `.js`
//!   there at start; the Flathub packages install theirs as
//!   `/app/lib/thunderbird/defaults/pref/default-preferences.js`, github.com/flathub/
//!   org.mozilla.Thunderbird and eu.betterbird.Betterbird), and Debian's
//!   `/etc/thunderbird/pref/*.js` ("you can, with this file and all files present in the
//!   /etc/thunderbird/pref directory, override any preference that is present in
//!   /usr/lib/thunderbird/defaults/pref": the header of Debian's
//!   `/etc/thunderbird/pref/thunderbird.js`). libpref's grammar with the `sticky` and `locked`
//!   attributes (reference section 1).
//! * AutoConfig files: [`crate::autoconfig`].
//!
//! Both are read alone (no `user.js` beside them) and never rewritten.

use std::path::{Component, Path};
use std::sync::Arc;

use maillint_core::builtin::NotFollowed;
use maillint_core::{
    Client, Confidence, Diagnostic, Edit, FieldChange, FileId, LowerError, ParseOptions,
    ParsedUnit, Parser, RuleMeta, Sources, Span,
};

use crate::autoconfig::{self, DEFAULT_OBSCURE_VALUE};
use crate::lock::LockState;
use crate::profile::FileRole;
use crate::{CLIENT, checks, lower_profile, read_unit};

/// Whether `path` is `<...>/defaults/pref/<name>.js` or `<...>/thunderbird/pref/<name>.js`.
fn is_default_prefs_path(path: &Path) -> bool {
    if path.extension().is_none_or(|e| e != "js") {
        return false;
    }
    let parts: Vec<Component<'_>> = path.components().collect();
    let [.., grandparent, parent, _] = parts.as_slice() else { return false };
    parent.as_os_str() == "pref"
        && (grandparent.as_os_str() == "defaults" || grandparent.as_os_str() == "thunderbird")
}

/// Reads one system file for Thunderbird.
fn read_system_file(root: FileId, role: FileRole, sources: &Sources) -> ParsedUnit {
    read_unit(CLIENT, &[(root, role)], LockState::NotRunning, Vec::new(), sources)
}

/// Default-prefs files of the installation.
#[derive(Debug, Default, Clone, Copy)]
pub struct DefaultPrefsParser;

impl Parser for DefaultPrefsParser {
    /// libpref's three comment forms (thunderbird.md 2.3).
    fn comment_leaders(&self) -> &'static [&'static str] {
        &["//", "#", "/*"]
    }

    fn name(&self) -> &'static str {
        "thunderbird-defaults"
    }

    fn client(&self) -> Client {
        CLIENT
    }

    /// By path only: the same grammar as a profile's files, told apart by where it is.
    fn detect(&self, path: &Path, _head: &[u8]) -> Option<Confidence> {
        is_default_prefs_path(path).then_some(Confidence::Path)
    }

    fn parse(&self, root: FileId, sources: &mut Sources, _options: &ParseOptions) -> ParsedUnit {
        read_system_file(root, FileRole::Defaults, sources)
    }

    fn lower(
        &self,
        unit: &ParsedUnit,
        sources: &Sources,
        account: usize,
        endpoint: usize,
        changes: &[FieldChange],
    ) -> Result<Vec<Edit>, LowerError> {
        // Refused for these files (see `lower::lower`).
        lower_profile(unit, sources, account, endpoint, changes)
    }

    fn rules(&self) -> Vec<Arc<RuleMeta>> {
        checks::rules()
    }
}

/// AutoConfig files of the installation.
#[derive(Debug, Default, Clone, Copy)]
pub struct AutoConfigParser;

impl Parser for AutoConfigParser {
    /// JavaScript's comments.
    fn comment_leaders(&self) -> &'static [&'static str] {
        &["//", "/*"]
    }

    fn name(&self) -> &'static str {
        "thunderbird-autoconfig"
    }

    fn client(&self) -> Client {
        CLIENT
    }

    fn highest_confidence(&self) -> Confidence {
        Confidence::Name
    }

    /// A `.cfg` file that calls `pref()`, `defaultPref()` or `lockPref()` after its first
    /// line, in plain text or byte-shifted.
    fn detect(&self, path: &Path, head: &[u8]) -> Option<Confidence> {
        if path.extension().is_none_or(|e| !e.eq_ignore_ascii_case("cfg")) {
            return None;
        }
        let plain = autoconfig::has_call(&String::from_utf8_lossy(head));
        (plain || autoconfig::looks_obscured(head)).then_some(Confidence::Name)
    }

    fn parse(&self, root: FileId, sources: &mut Sources, _options: &ParseOptions) -> ParsedUnit {
        let file = sources.get(root);
        let bytes = file.encode(file.text()).unwrap_or_default();
        if autoconfig::looks_obscured(&bytes) {
            return obscured(root);
        }
        read_system_file(root, FileRole::AutoConfig, sources)
    }

    fn lower(
        &self,
        unit: &ParsedUnit,
        sources: &Sources,
        account: usize,
        endpoint: usize,
        changes: &[FieldChange],
    ) -> Result<Vec<Edit>, LowerError> {
        // Refused for these files (see `lower::lower`).
        lower_profile(unit, sources, account, endpoint, changes)
    }

    fn rules(&self) -> Vec<Arc<RuleMeta>> {
        checks::rules()
    }
}

/// A byte-shifted AutoConfig file: reported, not read (its text is not the text Thunderbird
/// evaluates, so no line or column of it would be right).
fn obscured(root: FileId) -> ParsedUnit {
    let diagnostic = Diagnostic::new(
        NotFollowed::metadata(),
        Span::point(root, 0),
        format!(
            "this AutoConfig file is stored byte-shifted by general.config.obscure_value \
             ({DEFAULT_OBSCURE_VALUE}, the default): maillint does not decode it, so its settings \
             are not checked"
        ),
    )
    .with_help(
        "store it as plain text and set `pref(\"general.config.obscure_value\", 0);` in the \
         default-prefs file that names it",
    );
    ParsedUnit { diagnostics: vec![diagnostic], ..ParsedUnit::default() }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ThunderbirdParser;

    #[test]
    fn default_prefs_files_are_known_by_their_folder() {
        for path in [
            "/usr/lib/thunderbird/defaults/pref/channel-prefs.js",
            "/etc/thunderbird/pref/thunderbird.js",
            "/app/lib/betterbird/defaults/pref/default-preferences.js",
        ] {
            assert_eq!(DefaultPrefsParser.detect(Path::new(path), b""), Some(Confidence::Path));
        }
        for path in ["/home/u/.thunderbird/p/prefs.js", "/etc/thunderbird/pref/x.txt", "pref/a.js"]
        {
            assert_eq!(DefaultPrefsParser.detect(Path::new(path), b""), None, "{path}");
        }
        // Its claim outranks Thunderbird's claim by content.
        let path = Path::new("/etc/thunderbird/pref/thunderbird.js");
        let head = b"pref(\"a\", 1);";
        assert!(Confidence::Path > ThunderbirdParser.detect(path, head).unwrap());
    }

    #[test]
    fn autoconfig_files_are_known_by_extension_and_calls() {
        let cfg = Path::new("/usr/lib/thunderbird/thunderbird.cfg");
        assert_eq!(
            AutoConfigParser.detect(cfg, b"// skipped\nlockPref(\"a\", 1);"),
            Some(Confidence::Name)
        );
        // The first line is skipped, so a call there does not count.
        assert_eq!(AutoConfigParser.detect(cfg, b"lockPref(\"a\", 1);"), None);
        assert_eq!(AutoConfigParser.detect(cfg, b"[section]\nkey=value\n"), None);
        let shifted: Vec<u8> = b"//\nlockPref(\"a\", 1);".iter().map(|b| b + 13).collect();
        assert_eq!(AutoConfigParser.detect(cfg, &shifted), Some(Confidence::Name));
        assert_eq!(AutoConfigParser.detect(Path::new("a.js"), b"//\nlockPref(\"a\", 1);"), None);
    }
}
