//! Thunderbird support for maillint: reads a profile's `prefs.js` and `user.js`, builds the
//! account model from its `mail.*` prefs, reports Thunderbird-specific pitfalls, and writes
//! fixes back in prefs syntax.
//!
//! The modules, in the order of the flow:
//!
//! * [`prefs`]: the file grammar, exactly as Mozilla's libpref parser accepts it.
//! * [`profile`]: both files of a profile and the value each pref ends up with.
//! * [`accounts`]: accounts and endpoints from the account prefs.
//! * [`checks`]: parse errors and the `K1xx` rules the parser reports itself.
//! * [`lower`]: field changes into edits; [`placement`] and [`syntax`] decide where and how
//!   a pref is written; [`lock`] tells whether Thunderbird runs with the profile.
//! * [`client`]: Thunderbird as maillint registers it ([`Thunderbird`]): where profiles live
//!   and how [`profiles_ini`] leads to them, for `maillint scan`.
//! * [`betterbird`]: the fork, found in its Flatpak; [`compatibility`] tells a native
//!   Betterbird profile, which shares Thunderbird's folders, by the application that last
//!   opened it.
//!
//! Facts come from `reference/thunderbird.md`; sections are cited where they are used.

pub mod accounts;
pub mod autoconfig;
pub mod betterbird;
pub mod checks;
pub mod client;
pub mod compatibility;
pub mod lock;
pub mod lower;
mod name_table;
pub mod placement;
pub mod prefs;
pub mod profile;
pub mod profiles_ini;
mod secrets;
pub mod syntax;
pub mod system;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use maillint_core::builtin::IoError;
use maillint_core::{
    Client, Confidence, Diagnostic, Edit, FieldChange, FileId, LowerError, ParseOptions,
    ParsedUnit, Parser, RuleMeta, SourceFile, Sources, Span,
};

pub use betterbird::{BETTERBIRD, Betterbird, BetterbirdParser};
pub use client::{CLIENT, Thunderbird};
pub use lock::{LockState, profile_lock_state};
pub use lower::ThunderbirdState;
pub use system::{AutoConfigParser, DefaultPrefsParser};

use placement::Placement;
use profile::FileRole;

/// The Thunderbird profile parser (`prefs.js`, `user.js`).
#[derive(Debug, Default, Clone, Copy)]
pub struct ThunderbirdParser;

/// What a file is, by its name.
fn role_of(path: &Path) -> FileRole {
    match maillint_core::parser::file_name(path).and_then(|n| n.to_str()) {
        Some("prefs.js") => FileRole::Prefs,
        Some("user.js") => FileRole::User,
        _ => FileRole::Other,
    }
}

/// The folder holding `path` (`.` for a bare file name).
fn folder_of(path: &Path) -> &Path {
    match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    }
}

/// Whether `head` starts, after whitespace and comments, with a pref statement.
fn looks_like_prefs(head: &[u8]) -> bool {
    let mut rest = head.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(head);
    loop {
        rest = rest.trim_ascii_start();
        if rest.starts_with(b"#") || rest.starts_with(b"//") {
            match rest.iter().position(|&b| b == b'\n' || b == b'\r') {
                Some(end) => rest = &rest[end..],
                None => return false,
            }
        } else if let Some(body) = rest.strip_prefix(b"/*") {
            match body.windows(2).position(|w| w == b"*/") {
                Some(end) => rest = &body[end + 2..],
                None => return false,
            }
        } else {
            break;
        }
    }
    ["user_pref", "sticky_pref", "pref"].iter().any(|keyword| {
        rest.strip_prefix(keyword.as_bytes())
            .is_some_and(|after| after.trim_ascii_start().starts_with(b"("))
    })
}

impl Parser for ThunderbirdParser {
    /// libpref's three comment forms (thunderbird.md 2.3): `//` and `#` to the end of the line,
    /// and `/* */`.
    fn comment_leaders(&self) -> &'static [&'static str] {
        &["//", "#", "/*"]
    }

    fn name(&self) -> &'static str {
        "thunderbird"
    }

    fn client(&self) -> Client {
        CLIENT
    }

    fn highest_confidence(&self) -> Confidence {
        Confidence::Name
    }

    fn detect(&self, path: &Path, head: &[u8]) -> Option<Confidence> {
        match role_of(path) {
            FileRole::Prefs | FileRole::User => Some(Confidence::Name),
            // `role_of` names only a profile's files; the installation's are other parsers'.
            FileRole::Other | FileRole::Defaults | FileRole::AutoConfig => {
                looks_like_prefs(head).then_some(Confidence::Content)
            }
        }
    }

    /// A `user.js` belongs to the `prefs.js` beside it: Thunderbird reads both.
    fn unit_root(&self, path: &Path) -> PathBuf {
        profile_unit_root(path)
    }

    /// A profile in Thunderbird's folders is Thunderbird's, unless Betterbird last opened it
    /// (its `compatibility.ini`, see [`compatibility`]).
    fn parse(&self, root: FileId, sources: &mut Sources, _options: &ParseOptions) -> ParsedUnit {
        let folder = folder_of(sources.get(root).path());
        let client = compatibility::profile_client(folder, sources.policy(), CLIENT);
        parse_profile(client, root, sources)
    }

    /// The client the parse decided: Betterbird for a profile it last opened.
    fn unit_client(&self, unit: &ParsedUnit) -> Client {
        unit.state_of::<ThunderbirdState>(self.name()).map_or(CLIENT, |state| state.client.clone())
    }

    fn lower(
        &self,
        unit: &ParsedUnit,
        sources: &Sources,
        account: usize,
        endpoint: usize,
        changes: &[FieldChange],
    ) -> Result<Vec<Edit>, LowerError> {
        lower_profile(unit, sources, account, endpoint, changes)
    }

    fn rules(&self) -> Vec<Arc<RuleMeta>> {
        checks::rules()
    }
}

/// The root of a profile's unit: `prefs.js` for a `user.js` beside one (both are read).
fn profile_unit_root(path: &Path) -> PathBuf {
    if role_of(path) == FileRole::User {
        let prefs = folder_of(path).join("prefs.js");
        if prefs.is_file() {
            return prefs;
        }
    }
    path.to_path_buf()
}

/// Reads a profile (the root file and its sibling) for `client`: Thunderbird, or a fork that
/// reads the same files the same way.
fn parse_profile(client: Client, root: FileId, sources: &mut Sources) -> ParsedUnit {
    let root_path = sources.get(root).path().to_path_buf();
    let role = role_of(&root_path);
    let folder = folder_of(&root_path).to_path_buf();
    let mut diagnostics = Vec::new();

    // Load order is Thunderbird's: prefs.js, then user.js (reference section 5).
    let mut files = vec![(root, role)];
    let sibling = match role {
        FileRole::Prefs => Some((folder.join("user.js"), FileRole::User)),
        FileRole::User => Some((folder.join("prefs.js"), FileRole::Prefs)),
        FileRole::Other | FileRole::Defaults | FileRole::AutoConfig => None,
    };
    let lock = profile_lock_state(&folder);
    // The sibling is in `sources` already when the fix engine re-parses edited text
    // (including a user.js it is about to create).
    let sibling_present = |path: &Path| sources.find(path).is_some() || path.is_file();
    match sibling {
        Some((path, sibling_role)) if sibling_present(&path) => match sources.load(&path) {
            Ok(id) if sibling_role == FileRole::Prefs => files.insert(0, (id, sibling_role)),
            Ok(id) => files.push((id, sibling_role)),
            Err(error) => diagnostics.push(Diagnostic::new(
                IoError::metadata(),
                Span::point(root, 0),
                format!("cannot read {}: {error}", path.display()),
            )),
        },
        // While Thunderbird runs, prefs.js cannot take a fix (it is rewritten at exit), so
        // changes go into user.js; without one, the fix creates it (reference section 5:
        // user.js is read after prefs.js at every start). Nothing is created unless a
        // fix is applied.
        Some((path, FileRole::User))
            if lock.may_be_running() && std::fs::symlink_metadata(&path).is_err() =>
        {
            let user_js = SourceFile::to_create(path, sources.get(root));
            files.push((sources.add(user_js), FileRole::User));
        }
        _ => {}
    }
    read_unit(client, &files, lock, diagnostics, sources)
}

/// Parses `files` (in load order) into one unit: the checks, the accounts, the secrets.
fn read_unit(
    client: Client,
    files: &[(FileId, FileRole)],
    lock: LockState,
    mut diagnostics: Vec<Diagnostic>,
    sources: &Sources,
) -> ParsedUnit {
    let owned = lower::load_profile(files, sources);
    let profile = owned.get();

    let placement = Placement::new(profile, sources, &lock);
    diagnostics.extend(checks::parse_errors(profile, sources, &placement));
    diagnostics.extend(checks::obsolete_prefs(profile, sources, &placement));
    diagnostics.extend(checks::ignored_prefs(profile, &placement));
    diagnostics.extend(checks::default_prefs(profile, &placement));
    diagnostics.extend(checks::locked_plaintext(profile));
    let mut assembly = accounts::assemble(profile, &placement, client.clone());
    // Credentials the model does not hold (an unterminated string, an LDAP password, a URL
    // with a password) are in the files all the same.
    for span in secrets::sweep(sources, profile) {
        if !assembly.secrets.contains(&span) {
            assembly.secrets.push(span);
        }
    }

    ParsedUnit {
        accounts: assembly.accounts,
        diagnostics,
        secrets: assembly.secrets,
        state: Some(Box::new(ThunderbirdState {
            client,
            profile: owned,
            endpoints: assembly.endpoints,
            lock,
        })),
    }
}

/// Lowers field changes of a profile parsed by [`parse_profile`] into edits.
fn lower_profile(
    unit: &ParsedUnit,
    sources: &Sources,
    account: usize,
    endpoint: usize,
    changes: &[FieldChange],
) -> Result<Vec<Edit>, LowerError> {
    let state =
        unit.state.as_ref().and_then(|state| state.downcast_ref::<ThunderbirdState>()).ok_or_else(
            || LowerError("the unit was not parsed by the Thunderbird parser".into()),
        )?;
    let endpoint = unit
        .accounts
        .get(account)
        .and_then(|a| a.endpoints.get(endpoint))
        .ok_or_else(|| LowerError(format!("no endpoint {endpoint} in account {account}")))?;
    lower::lower(state, sources, endpoint, changes)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_by_name_and_by_content() {
        let parser = ThunderbirdParser;
        assert_eq!(parser.detect(Path::new("a/prefs.js"), b""), Some(Confidence::Name));
        assert_eq!(parser.detect(Path::new("user.js"), b"x"), Some(Confidence::Name));
        let head =
            b"// Mozilla User Preferences\n\n/* Do not edit\n */\n# old\nuser_pref (\"a\", 1);";
        assert_eq!(parser.detect(Path::new("tb.js"), head), Some(Confidence::Content));
        assert_eq!(
            parser.detect(Path::new("x"), b"\xEF\xBB\xBFpref(\"a\", 1);"),
            Some(Confidence::Content)
        );
        assert_eq!(parser.detect(Path::new("x"), b"preferences = 1"), None);
        assert_eq!(parser.detect(Path::new("x"), b"// user_pref(\"a\", 1);"), None);
        assert_eq!(parser.detect(Path::new("x"), b"set imap_user=x"), None);
    }

    /// Parses the `prefs.js` of a profile folder holding `compatibility` (when given).
    fn parse_profile_folder(compatibility: Option<&str>) -> (ParsedUnit, Client) {
        let folder = tempfile::tempdir().unwrap();
        let prefs = folder.path().join("prefs.js");
        std::fs::write(
            &prefs,
            "user_pref(\"mail.server.server1.type\", \"imap\");\n\
             user_pref(\"mail.server.server1.hostname\", \"imap.example.org\");\n",
        )
        .unwrap();
        if let Some(text) = compatibility {
            std::fs::write(folder.path().join(compatibility::FILE_NAME), text).unwrap();
        }
        let mut sources = Sources::new();
        let root = sources.load(&prefs).unwrap();
        let unit = ThunderbirdParser.parse(root, &mut sources, &ParseOptions::default());
        // The file decides the client, and is not one of the unit's sources.
        assert_eq!(sources.len(), 1);
        let client = ThunderbirdParser.unit_client(&unit);
        (unit, client)
    }

    #[test]
    fn a_profile_betterbird_last_opened_is_betterbirds() {
        let (unit, client) = parse_profile_folder(Some(
            "[Compatibility]\r\nLastVersion=140.13.0_20260720101010/20260720101010\r\n\
             LastOSABI=WINNT_x86_64-msvc\r\nLastPlatformDir=C:\\Program Files\\Betterbird\r\n\
             LastAppDir=C:\\Program Files\\Betterbird\r\n",
        ));
        assert_eq!(client, BETTERBIRD);
        assert_eq!(unit.accounts[0].client, BETTERBIRD);

        for compatibility in [
            None,
            Some("[Compatibility]\nLastAppDir=/usr/lib/thunderbird\n"),
            Some("not an ini file at all \u{0} [[["),
        ] {
            let (unit, client) = parse_profile_folder(compatibility);
            assert_eq!(client, CLIENT, "{compatibility:?}");
            assert_eq!(unit.accounts[0].client, CLIENT, "{compatibility:?}");
        }
        // A unit another parser built (or none) is the parser's client.
        assert_eq!(ThunderbirdParser.unit_client(&ParsedUnit::default()), CLIENT);
    }
}
