//! Betterbird, the Thunderbird fork: the same profile files read the same way, found in its
//! own Flatpak and shown under its own name.
//!
//! Betterbird keeps Thunderbird's profile folders: `~/.thunderbird` on Linux,
//! `~/Library/Thunderbird` on macOS, `%APPDATA%\Thunderbird` on Windows, and
//! `~/.var/app/eu.betterbird.Betterbird/.thunderbird` for its Flatpak (Betterbird's own
//! support article, <https://blog.betterbird.eu/archive/2025>, "Thunderbird and Betterbird
//! store the profiles in the following locations"; the Flathub manifest
//! github.com/flathub/eu.betterbird.Betterbird, eu.betterbird.Betterbird.yml, has
//! `--persist=.thunderbird`). A profile in a shared folder cannot be told apart from
//! Thunderbird's by its path: the shared folders are Thunderbird's locations, scanned once, and
//! the Thunderbird parser names Betterbird the client of each profile whose
//! `compatibility.ini` says Betterbird last opened it ([`crate::compatibility`]). Profiles in
//! the Flatpak are Betterbird's by their path alone.

use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use maillint_core::{
    Client, ClientSupport, Confidence, Edit, FieldChange, FileId, FolderIndex, Layout, Location,
    LowerError, ParseOptions, ParsedUnit, Parser, Protocol, RuleMeta, Sources, TlsAdvice,
};

use crate::client::{profile_root, profiles_index};
use crate::{FileRole, checks, looks_like_prefs, lower_profile, parse_profile, role_of};

/// Betterbird's Flatpak app id (github.com/flathub/eu.betterbird.Betterbird).
const FLATPAK_APP_ID: &str = "eu.betterbird.Betterbird";

/// Betterbird (betterbird.eu).
#[derive(Debug, Default, Clone, Copy)]
pub struct Betterbird;

/// The handle accounts read from Betterbird's profiles carry.
pub const BETTERBIRD: Client = Client::of(&Betterbird);

impl ClientSupport for Betterbird {
    fn id(&self) -> &str {
        "betterbird"
    }

    fn display_name(&self) -> &str {
        "Betterbird"
    }

    fn parsers(&self) -> Vec<Arc<dyn Parser>> {
        vec![Arc::new(BetterbirdParser)]
    }

    /// The Flatpak's root only: the native folders are Thunderbird's locations, where the
    /// Thunderbird parser recognises Betterbird's profiles (see the module doc).
    fn locations(&self) -> Vec<Location> {
        vec![profile_root(Layout::Flatpak, ".var/app/eu.betterbird.Betterbird/.thunderbird")]
    }

    /// Betterbird keeps Thunderbird's profile service, `profiles.ini` included.
    fn read_index(&self, bytes: &[u8]) -> FolderIndex {
        profiles_index(bytes)
    }

    fn tls_advice(&self, advice: TlsAdvice, protocol: Protocol) -> Option<String> {
        crate::client::connection_security_advice("Betterbird", advice, protocol)
    }

    fn secret_advice(&self, setting: &str, _protocol: Protocol) -> String {
        format!(
            "remove `{setting}` and let Betterbird keep the password in its password manager \
             (protected by a primary password), or sign in with OAuth2"
        )
    }
}

/// Whether `path` lies inside Betterbird's Flatpak folder (`.var/app/eu.betterbird.Betterbird`).
fn in_betterbird_flatpak(path: &Path) -> bool {
    let parts: Vec<Component<'_>> = path.components().collect();
    parts.windows(3).any(|w| {
        w[0].as_os_str() == ".var"
            && w[1].as_os_str() == "app"
            && w[2].as_os_str() == FLATPAK_APP_ID
    })
}

/// The prefs parser for profiles inside Betterbird's Flatpak: Thunderbird's grammar and model,
/// with the accounts shown as Betterbird's.
#[derive(Debug, Default, Clone, Copy)]
pub struct BetterbirdParser;

impl Parser for BetterbirdParser {
    /// libpref's three comment forms, as for Thunderbird (thunderbird.md 2.3).
    fn comment_leaders(&self) -> &'static [&'static str] {
        &["//", "#", "/*"]
    }

    fn name(&self) -> &'static str {
        "betterbird"
    }

    fn client(&self) -> Client {
        BETTERBIRD
    }

    /// A prefs file inside the Flatpak folder, by name or by content; never elsewhere.
    fn detect(&self, path: &Path, head: &[u8]) -> Option<Confidence> {
        let prefs = role_of(path) != FileRole::Other || looks_like_prefs(head);
        (prefs && in_betterbird_flatpak(path)).then_some(Confidence::Path)
    }

    fn unit_root(&self, path: &Path) -> PathBuf {
        crate::profile_unit_root(path)
    }

    fn parse(&self, root: FileId, sources: &mut Sources, _options: &ParseOptions) -> ParsedUnit {
        parse_profile(BETTERBIRD, root, sources)
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ThunderbirdParser;

    #[test]
    fn only_files_in_the_flatpak_folder_are_betterbirds() {
        let flatpak =
            Path::new("/home/u/.var/app/eu.betterbird.Betterbird/.thunderbird/p/prefs.js");
        assert_eq!(BetterbirdParser.detect(flatpak, b""), Some(Confidence::Path));
        let backup = flatpak.with_file_name("prefs-1.js");
        assert_eq!(
            BetterbirdParser.detect(&backup, b"user_pref(\"a\", 1);"),
            Some(Confidence::Path)
        );
        assert_eq!(BetterbirdParser.detect(&backup, b"{}"), None);
        // Thunderbird's own Flatpak and the shared native folder stay Thunderbird's.
        for path in [
            "/home/u/.var/app/org.mozilla.Thunderbird/.thunderbird/p/prefs.js",
            "/home/u/.thunderbird/p/prefs.js",
            "/home/u/eu.betterbird.Betterbird/prefs.js",
        ] {
            assert_eq!(BetterbirdParser.detect(Path::new(path), b""), None, "{path}");
            assert_eq!(ThunderbirdParser.detect(Path::new(path), b""), Some(Confidence::Name));
        }
        // Where both claim a file, Betterbird's claim is the stronger one.
        assert!(Confidence::Path > ThunderbirdParser.detect(flatpak, b"").unwrap());
    }

    #[test]
    fn accounts_in_a_betterbird_profile_are_betterbirds() {
        let mut sources = Sources::new();
        let path =
            Path::new("/nonexistent/.var/app/eu.betterbird.Betterbird/.thunderbird/p/prefs.js");
        let root = sources.add(maillint_core::SourceFile::from_bytes(
            path,
            b"user_pref(\"mail.server.server1.type\", \"imap\");\n\
              user_pref(\"mail.server.server1.hostname\", \"imap.example.org\");\n",
        ));
        let unit = BetterbirdParser.parse(root, &mut sources, &ParseOptions::default());
        assert_eq!(unit.accounts.len(), 1);
        assert_eq!(unit.accounts[0].client, BETTERBIRD);
        assert_eq!(unit.accounts[0].client.display_name(), "Betterbird");
    }
}
