//! Thunderbird as a client: its parser, where its profiles live, how `profiles.ini` leads to
//! them, and its advice texts.

use std::borrow::Cow;
use std::sync::Arc;

use maillint_core::{
    Client, ClientSupport, FolderIndex, IndexNote, IndexedFolder, Layout, Location, LocationKind,
    Parser, Protocol, Security, TlsAdvice,
};

use crate::profiles_ini::{IniFile, Profiles};
use crate::{AutoConfigParser, DefaultPrefsParser, ThunderbirdParser};

/// Mozilla Thunderbird.
#[derive(Debug, Default, Clone, Copy)]
pub struct Thunderbird;

/// The handle accounts read from Thunderbird's files carry.
pub const CLIENT: Client = Client::of(&Thunderbird);

/// Folders that hold Thunderbird's `profiles.ini` and its profile folders, with the folders
/// under each that hold profiles when there is no `profiles.ini`: the root itself on Linux,
/// `Profiles/` on macOS and Windows (`/work/shared/reference/thunderbird.md` 7.1).
const ROOTS: &[(Layout, &str)] = &[
    // Linux: profiles directly under the folder (`xxxxxxxx.default-release`).
    (Layout::Linux, ".thunderbird"),
    // macOS: profiles under `Profiles/`.
    (Layout::MacOs, "Library/Thunderbird"),
    // Windows (`%APPDATA%\Thunderbird`): profiles under `Profiles/`.
    (Layout::Windows, "AppData/Roaming/Thunderbird"),
    // The Snap runs Thunderbird with `HOME: "$SNAP_USER_COMMON"` = `~/snap/thunderbird/common`
    // (the Thunderbird snap's `snapcraft.yaml`, `apps.thunderbird.environment`; a copy is
    // github.com/dobicinaitis/thunderbird-snap, snapcraft.yaml), so `~/.thunderbird` lands
    // there.
    (Layout::Snap, "snap/thunderbird/common/.thunderbird"),
    // The Flathub package (app id `org.mozilla.Thunderbird`) has `--persist=.thunderbird`
    // (github.com/flathub/org.mozilla.Thunderbird, org.mozilla.Thunderbird.json,
    // finish-args), which maps `~/.thunderbird` to `~/.var/app/org.mozilla.Thunderbird/`.
    (Layout::Flatpak, ".var/app/org.mozilla.Thunderbird/.thunderbird"),
];

impl ClientSupport for Thunderbird {
    fn id(&self) -> &str {
        "thunderbird"
    }

    fn display_name(&self) -> &str {
        "Thunderbird"
    }

    /// A profile's files, and the installation's default-prefs and AutoConfig files.
    fn parsers(&self) -> Vec<Arc<dyn Parser>> {
        vec![Arc::new(ThunderbirdParser), Arc::new(DefaultPrefsParser), Arc::new(AutoConfigParser)]
    }

    /// Each root of [`ROOTS`] as a [`profile_root`].
    fn locations(&self) -> Vec<Location> {
        ROOTS.iter().map(|&(layout, root)| profile_root(layout, root)).collect()
    }

    /// The `[ProfileN]` sections Thunderbird reads (thunderbird.md 7.3), and those it skips or
    /// never reaches.
    ///
    /// `installs.ini`, beside `profiles.ini`, is deliberately not an index: Gecko reads it only
    /// when `profiles.ini` has no `[General] Version`, copies its sections into `profiles.ini`
    /// as `[Install<hash>]`, and an install's `Default=` is matched against the `[ProfileN]`
    /// paths (mozilla/gecko-dev `toolkit/profile/nsToolkitProfileService.cpp`, `Init`). It names
    /// which listed profile an installation opens by default and never a folder of its own, and
    /// maillint lints every listed profile, default or not: reading it would add nothing to scan.
    fn read_index(&self, bytes: &[u8]) -> FolderIndex {
        profiles_index(bytes)
    }

    fn tls_advice(&self, advice: TlsAdvice, protocol: Protocol) -> Option<String> {
        connection_security_advice("Thunderbird", advice, protocol)
    }

    fn secret_advice(&self, setting: &str, _protocol: Protocol) -> String {
        format!(
            "remove `{setting}` and let Thunderbird keep the password in its password manager \
             (protected by a primary password), or sign in with OAuth2"
        )
    }
}

/// The security choice of a server's settings (its UI labels from reference thunderbird.md
/// 8.1), and the pref it writes: an
/// incoming server's `mail.server.<key>.socketType`, an outgoing server's
/// `mail.smtpserver.<key>.try_ssl`, 2 for STARTTLS and 3 for SSL/TLS (reference
/// thunderbird.md 8.1, `nsMsgSocketType`). Certificate checks and TLS versions have no
/// per-server setting there, so those get no advice.
pub(crate) fn connection_security_advice(
    client: &str,
    advice: TlsAdvice,
    protocol: Protocol,
) -> Option<String> {
    let (choice, value) = match advice {
        TlsAdvice::Use(Security::StarttlsRequired) => ("STARTTLS", "2"),
        TlsAdvice::Use(Security::ImplicitTls) => ("SSL/TLS", "3"),
        _ => return None,
    };
    let pref = match protocol {
        Protocol::Smtp => "mail.smtpserver.<key>.try_ssl",
        Protocol::Imap | Protocol::Pop3 => "mail.server.<key>.socketType",
    };
    // concat, not format!: asked for each TLS finding (282 on the bench, ~1,000
    // instructions less each).
    Some(
        [
            "in ",
            client,
            ": the server's security setting \"",
            choice,
            "\" (`",
            pref,
            "` ",
            value,
            ")",
        ]
        .concat(),
    )
}

/// A folder holding `profiles.ini` and the profiles: in each profile `prefs.js` roots the unit
/// and `user.js` is read with it (thunderbird.md 5); `user.js` is offered on its own only when a
/// profile has no `prefs.js`. Profiles sit directly under the root (Linux) or under
/// `Profiles/` (macOS, Windows).
pub(crate) fn profile_root(layout: Layout, root: &'static str) -> Location {
    Location {
        layout,
        kind: LocationKind::Profiles {
            root: Cow::Borrowed(root),
            index: Cow::Borrowed("profiles.ini"),
            parents: vec![Cow::Borrowed(""), Cow::Borrowed("Profiles")],
            files: vec![Cow::Borrowed("prefs.js"), Cow::Borrowed("user.js")],
        },
    }
}

/// The profile folders a `profiles.ini` names, and the sections Thunderbird (and each fork
/// that keeps its profile service) skips or never reaches (thunderbird.md 7.3).
pub(crate) fn profiles_index(bytes: &[u8]) -> FolderIndex {
    let profiles = Profiles::of(&IniFile::parse(bytes));
    let mut notes: Vec<IndexNote> = profiles
        .skipped
        .into_iter()
        .map(|(section, missing)| IndexNote {
            label: "profile section skipped",
            message: format!(
                "[{section}] has no `{missing}` key: Thunderbird skips this profile, and so \
                 does the scan"
            ),
        })
        .collect();
    if let Some((gap, hidden)) = profiles.hidden {
        notes.push(IndexNote {
            label: "profiles hidden",
            message: format!(
                "[{}] not read by Thunderbird: profile enumeration stops at the missing \
                 [{gap}] (or its missing `IsRelative`); these profiles were not checked",
                hidden.join("], [")
            ),
        });
    }
    let folders = profiles
        .entries
        .into_iter()
        .map(|entry| IndexedFolder {
            entry: entry.section,
            path: entry.path,
            relative: entry.is_relative,
        })
        .collect();
    FolderIndex { folders, notes }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_index_names_profiles_and_notes_what_thunderbird_skips() {
        let index = Thunderbird.read_index(
            b"[Profile0]\nName=a\nIsRelative=1\nPath=a.default\n\
              [Profile1]\nIsRelative=1\nName=no-path\n\
              [Profile3]\nName=hidden\nIsRelative=1\nPath=h\n",
        );
        assert_eq!(
            index.folders,
            [IndexedFolder { entry: "Profile0".into(), path: "a.default".into(), relative: true }]
        );
        let labels: Vec<&str> = index.notes.iter().map(|n| n.label).collect();
        assert_eq!(labels, ["profile section skipped", "profiles hidden"]);
        assert!(index.notes[1].message.starts_with("[Profile3] not read by Thunderbird"));
    }

    #[test]
    fn security_advice_is_worded_as_before_the_concat() {
        let cases =
            [(Security::StarttlsRequired, "STARTTLS", 2), (Security::ImplicitTls, "SSL/TLS", 3)];
        for (security, choice, value) in cases {
            for (protocol, pref) in [
                (Protocol::Smtp, "mail.smtpserver.<key>.try_ssl"),
                (Protocol::Imap, "mail.server.<key>.socketType"),
                (Protocol::Pop3, "mail.server.<key>.socketType"),
            ] {
                let advice =
                    connection_security_advice("Betterbird", TlsAdvice::Use(security), protocol);
                let expected = format!(
                    "in Betterbird: the server's security setting \"{choice}\" (`{pref}` {value})"
                );
                assert_eq!(advice.as_deref(), Some(expected.as_str()));
            }
        }
        let none = TlsAdvice::Use(Security::None);
        assert_eq!(connection_security_advice("Thunderbird", none, Protocol::Imap), None);
    }
}
