//! Where each client keeps its configuration inside a home folder, on Linux, macOS and Windows
//! layouts. A scan looks only here: it never walks a whole home.
//!
//! Paths are relative to the home and use `/`; a Windows profile copied onto a share keeps
//! Windows' own spelling (`AppData/Roaming/...`), which is what is listed.

/// Folders that hold Thunderbird's `profiles.ini` and its profile folders
/// (`/work/shared/reference/thunderbird.md` 7.1).
pub const THUNDERBIRD_ROOTS: &[&str] = &[
    // Linux: profiles directly under the folder (`xxxxxxxx.default-release`).
    ".thunderbird",
    // macOS: profiles under `Profiles/`.
    "Library/Thunderbird",
    // Windows (`%APPDATA%\Thunderbird`): profiles under `Profiles/`.
    "AppData/Roaming/Thunderbird",
    // Snap and Flatpak packages keep their own root inside the home (7.1 says so, with the
    // exact folders marked unverified): the Snap's `$SNAP_USER_COMMON` is
    // `~/snap/<name>/common`, and a Flatpak's home-relative data lives under
    // `~/.var/app/<app-id>`, with Thunderbird's app id `org.mozilla.Thunderbird`.
    "snap/thunderbird/common/.thunderbird",
    ".var/app/org.mozilla.Thunderbird/.thunderbird",
];

/// Folders under a Thunderbird root where profile folders live, for the fallback when
/// `profiles.ini` is missing: the root itself on Linux, `Profiles/` on macOS and Windows (7.1).
pub const THUNDERBIRD_PROFILE_PARENTS: &[&str] = &["", "Profiles"];

/// The file that roots a Thunderbird profile unit, and the one read with it (thunderbird.md 5:
/// `prefs.js` first, then `user.js`). `user.js` is offered on its own only when a profile has no
/// `prefs.js`: otherwise the parser reads it with `prefs.js`.
pub const THUNDERBIRD_PREFS: &str = "prefs.js";
/// See [`THUNDERBIRD_PREFS`].
pub const THUNDERBIRD_USER_PREFS: &str = "user.js";

/// The files mutt reads when it is started without `-F`, in its search order: the first that
/// exists is read (mutt's `init.c`, `mutt_find_cfg`: `~/.muttrc`, `~/.mutt/muttrc`, then
/// `$XDG_CONFIG_HOME/mutt/muttrc`, whose default is `~/.config`). Each location also tries
/// `muttrc-<VERSION>` first (`names[] = { "muttrc-" MUTT_VERSION, "muttrc" }`); see
/// [`is_versioned`].
pub const MUTT_SEARCH_ORDER: &[&str] = &[".muttrc", ".mutt/muttrc", ".config/mutt/muttrc"];

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

/// The files neomutt reads when it is started without `-F`, in its search order (neomutt's
/// `find_cfg`: for each of `$XDG_CONFIG_HOME/neomutt/`, `$XDG_CONFIG_HOME/mutt/`,
/// `~/.neomutt/`, `~/.mutt/` and `~/.`, the names `neomuttrc` then `muttrc`; mutt.md says the
/// full order is unverified, this is the order in the source).
pub const NEOMUTT_SEARCH_ORDER: &[&str] = &[
    ".config/neomutt/neomuttrc",
    ".config/neomutt/muttrc",
    ".config/mutt/neomuttrc",
    ".config/mutt/muttrc",
    ".neomutt/neomuttrc",
    ".neomutt/muttrc",
    ".mutt/neomuttrc",
    ".mutt/muttrc",
    ".neomuttrc",
    ".muttrc",
];

/// Folders where Outlook `.prf` profile files and `.reg` exports are kept, and how deep below
/// each the scan looks (1: the folder's own files; 2: also its direct subfolders).
///
/// `outlook.md` describes the formats but names no place for them: a PRF is imported with
/// `outlook.exe /importprf <file>.prf` from wherever it was put, and a `.reg` export is written
/// wherever regedit was pointed. These are the places such files end up in practice.
pub const OUTLOOK_FOLDERS: &[(&str, usize)] = &[
    // The home itself (`%USERPROFILE%`): deployment scripts and regedit's "Export" dialog
    // write here when no other folder is chosen. Only its own files are looked at; its
    // subfolders are the places below.
    ("", 1),
    // Desktop and Documents: where admins leave a PRF for the user to double-click, and where
    // users save a `.reg` backup of their mail settings; one level of subfolders for the
    // "IT" or "Outlook" folder they often sit in.
    ("Desktop", 2),
    ("Documents", 2),
    // Windows XP's name for Documents, still found in profiles copied from old machines.
    ("My Documents", 2),
    // A PRF sent by the help desk is saved here first.
    ("Downloads", 1),
    // OneDrive's Known Folder Move redirects Desktop and Documents into the OneDrive folder.
    ("OneDrive/Desktop", 2),
    ("OneDrive/Documents", 2),
    // Outlook's own per-user folder (`%APPDATA%\Microsoft\Outlook`): deployment scripts copy
    // the PRF here before running `/importprf`.
    ("AppData/Roaming/Microsoft/Outlook", 1),
    // Outlook's data-file folder since Outlook 2013 (`Documents\Outlook Files`), where some
    // admins keep the PRF next to the PST it configures; covered by `Documents` at depth 2.
];

/// File extensions (compared case-insensitively) offered to the Outlook parsers.
pub const OUTLOOK_EXTENSIONS: &[&str] = &["prf", "reg"];

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
}
