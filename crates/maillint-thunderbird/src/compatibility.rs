//! `compatibility.ini`: which application last opened a profile, so that a native Betterbird
//! profile is shown as Betterbird's although it sits in Thunderbird's folders.
//!
//! Betterbird keeps Thunderbird's profile service and folders on purpose: its `mail/moz.configure`
//! keeps `MOZ_APP_PROFILE` "Thunderbird" ("We can't set this to Betterbird or else Thunderbird
//! profiles won't be recognised", github.com/Betterbird/thunderbird-patches,
//! `140/branding/05-branding.patch`). So a profile's path cannot tell the two apart; the profile
//! itself can. At every start that finds the profile's recorded version or folders out of date,
//! Gecko rewrites `<profile>/compatibility.ini` (mozilla-central `toolkit/xre/nsAppRunner.cpp`,
//! `WriteVersion`, called from `XREMain::XRE_mainStartup` with `mDirProvider.GetGREDir()` and
//! `mAppData->directory`):
//!
//! ```text
//! [Compatibility]
//! LastVersion=<app version>_<app build id>/<platform build id>   (BuildCompatVersion)
//! LastOSABI=<OS>_<XPCOM ABI>
//! LastPlatformDir=<persistent descriptor of the GRE folder>
//! LastAppDir=<persistent descriptor of the application folder, the one holding application.ini>
//! ```
//!
//! and `CheckCompatibility` reads the same keys back with `nsINIParser`, so the file is read
//! here in that dialect ([`IniFile`]).
//!
//! * `LastVersion` cannot tell Betterbird: its version is Thunderbird's. Betterbird changes only
//!   `mail/config/version_display.txt` (`140.13.0esr` → `140.13.0esr-bb25`, the displayed
//!   version; thunderbird-patches `140/misc/99-misc-release-set-version.patch`), while
//!   `LastVersion` starts with `gAppData->version`, application.ini's `Version`, which is
//!   `MOZ_APP_VERSION` from `version.txt` (Gecko `build/application.ini.in`,
//!   `Version=@MOZ_APP_VERSION@`), left as Thunderbird's.
//! * `LastAppDir` can: it is the folder Betterbird is installed in, named by Betterbird's own
//!   packaging (thunderbird-patches `140/branding/05-branding.patch`, `02-branding.patch`,
//!   `install-on-linux/install-betterbird.sh`, `BetterbirdLauncher/`):
//!   - Linux: the tarball unpacks to `betterbird/` (`MOZ_PKG_DIR = betterbird`), installed as
//!     `/opt/betterbird` by Betterbird's script; distribution packages keep the name.
//!   - macOS: the bundle `Betterbird.app` (`MAC_APP_NAME` is the display name, `Betterbird`);
//!     the application folder is `Betterbird.app/Contents/Resources`.
//!   - Windows: the installer's folder is named after `BrandFullName`, `Betterbird`
//!     (Thunderbird's is "Mozilla Thunderbird"); the portable build runs
//!     `<folder>\core\betterbird.exe` (`BetterbirdLauncher.cpp`), so its application folder is
//!     `core` inside a folder the zip names `BetterbirdPortable-…`.
//!
//! A profile opened by both applications records the last one; a missing or unreadable file,
//! or a folder with another name, leaves the profile Thunderbird's.

use std::path::Path;

use maillint_core::read::{open_regular, read_capped};
use maillint_core::source::ReadPolicy;
use maillint_core::{Client, ReadBudget};

use crate::BETTERBIRD;
use crate::profiles_ini::IniFile;

/// The file's name in a profile folder (`FILE_COMPATIBILITY_INFO` in nsAppRunner.cpp).
pub const FILE_NAME: &str = "compatibility.ini";

/// Gecko writes four or six short lines; anything longer is not its file and is not read.
const MAX_BYTES: u64 = 16 * 1024;

/// Betterbird when the profile in `folder` was last opened by Betterbird (see the module doc),
/// else `default`.
///
/// The file is read the way a unit's files are (a regular file opened without blocking, owned by
/// the configuration's owner or root, read with the owner's rights that the parse runs under,
/// and capped), but it is not added to the unit's sources: it holds no setting to report on or
/// fix, and as a source it would show up in reports as a file of every Thunderbird profile. Any
/// failure to read it is silent: most profiles have the file, and one without it is normal.
pub fn profile_client(folder: &Path, policy: &ReadPolicy, default: Client) -> Client {
    match read_confined(&folder.join(FILE_NAME), policy) {
        Some(bytes)
            if may_name_app_folder(&bytes)
                && last_opened_by_betterbird(&IniFile::parse(&bytes)) =>
        {
            BETTERBIRD
        }
        _ => default,
    }
}

/// The bytes of the file at `path`, when `policy` lets it be read: in the order and under the
/// limits of `Sources::load` (docs/security.md, "One way to open a file", "Limits"), the file
/// drawing on the group's budget (`scan`: the home's) like every other read.
fn read_confined(path: &Path, policy: &ReadPolicy) -> Option<Vec<u8>> {
    let (handle, identity) = open_regular(path).ok()?;
    if let Some(owner) = &policy.owner {
        owner.admits(&identity).ok()?;
    }
    let budget = policy.budget.as_deref();
    let left = budget.map(ReadBudget::open_file).transpose().ok()?.unwrap_or(u64::MAX);
    let cap = MAX_BYTES.min(policy.limits.max_file_bytes).min(left);
    let bytes = read_capped(handle, &identity, cap).ok()?;
    if let Some(budget) = budget {
        budget.spend(bytes.len() as u64);
    }
    Some(bytes)
}

/// Whether `bytes` can hold the keys [`last_opened_by_betterbird`] reads: they are ASCII, and
/// [`IniFile`] only splits and trims its text (UTF-8, invalid bytes replaced) or decodes UTF-16
/// after a byte-order mark. A file of other text is not parsed at all.
fn may_name_app_folder(bytes: &[u8]) -> bool {
    bytes.starts_with(&[0xFF, 0xFE])
        || memchr::memmem::find(bytes, b"LastAppDir").is_some()
        || memchr::memmem::find(bytes, b"LastPlatformDir").is_some()
}

/// Whether the application folder a `compatibility.ini` records is Betterbird's: `LastAppDir`,
/// or `LastPlatformDir` when it is missing (both name the installation folder for Thunderbird
/// and Betterbird, whose GRE and application folders are one).
pub fn last_opened_by_betterbird(ini: &IniFile) -> bool {
    ini.get("Compatibility", "LastAppDir")
        .or_else(|| ini.get("Compatibility", "LastPlatformDir"))
        .is_some_and(names_betterbird)
}

/// Whether the installation folder of the application folder `dir` (a Unix or Windows path) is
/// named `Betterbird…`, in any case.
pub fn names_betterbird(dir: &str) -> bool {
    install_folder(dir).is_some_and(|name| {
        name.as_bytes().get(..PREFIX.len()).is_some_and(|head| head.eq_ignore_ascii_case(PREFIX))
    })
}

const PREFIX: &[u8] = b"betterbird";

/// The name of the folder an application folder belongs to: the `.app` bundle on macOS
/// (`…/Betterbird.app/Contents/Resources`), the folder holding the portable build's `core`,
/// else the folder itself.
fn install_folder(dir: &str) -> Option<&str> {
    let parts: Vec<&str> = dir.split(['/', '\\']).filter(|part| !part.is_empty()).collect();
    let bundle = parts.iter().rev().find(|part| {
        part.len() > 4 && part.as_bytes()[part.len() - 4..].eq_ignore_ascii_case(b".app")
    });
    if let Some(bundle) = bundle {
        return Some(bundle);
    }
    match parts.as_slice() {
        [.., parent, last] if last.eq_ignore_ascii_case("core") => Some(parent),
        [.., last] => Some(last),
        [] => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `compatibility.ini` as Gecko's `WriteVersion` writes it.
    fn written(app_dir: &str, line_break: &str) -> IniFile {
        let text = [
            "[Compatibility]",
            "LastVersion=140.13.0_20260720101010/20260720101010",
            "LastOSABI=Linux_x86_64-gcc3",
            &format!("LastPlatformDir={app_dir}"),
            &format!("LastAppDir={app_dir}"),
            "",
        ]
        .join(line_break);
        IniFile::parse(text.as_bytes())
    }

    #[test]
    fn betterbird_installations_are_told_from_thunderbirds_on_each_system() {
        let betterbird = [
            "/opt/betterbird",
            "/usr/lib/betterbird",
            "/home/alice/Downloads/betterbird",
            "/Applications/Betterbird.app/Contents/Resources",
            "C:\\Program Files\\Betterbird",
            "D:\\Apps\\BetterbirdPortable-140.13.0esr-bb25.en-US.win64\\core",
        ];
        let thunderbird = [
            "/usr/lib/thunderbird",
            "/opt/thunderbird",
            "/app/lib/thunderbird",
            "/snap/thunderbird/812/usr/lib/thunderbird",
            "/Applications/Thunderbird.app/Contents/Resources",
            "C:\\Program Files\\Mozilla Thunderbird",
            "D:\\PortableApps\\ThunderbirdPortable\\App\\Thunderbird64",
            // A Betterbird folder higher up does not make the installation Betterbird's.
            "/home/betterbird/thunderbird",
            "/",
            "",
        ];
        for dir in betterbird {
            assert!(names_betterbird(dir), "{dir}");
            for line_break in ["\n", "\r\n"] {
                assert!(last_opened_by_betterbird(&written(dir, line_break)), "{dir}");
            }
        }
        for dir in thunderbird {
            assert!(!names_betterbird(dir), "{dir}");
            assert!(!last_opened_by_betterbird(&written(dir, "\r\n")), "{dir}");
        }
    }

    #[test]
    fn the_application_folder_decides_and_the_platform_folder_stands_in_for_it() {
        let both = IniFile::parse(
            b"[Compatibility]\nLastPlatformDir=/opt/betterbird\nLastAppDir=/usr/lib/thunderbird\n",
        );
        assert!(!last_opened_by_betterbird(&both));
        let platform_only = IniFile::parse(b"[Compatibility]\nLastPlatformDir=/opt/betterbird\n");
        assert!(last_opened_by_betterbird(&platform_only));
        // Only the [Compatibility] section counts, and the version says nothing.
        for text in [
            &b"[Other]\nLastAppDir=/opt/betterbird\n"[..],
            b"LastAppDir=/opt/betterbird\n",
            b"[Compatibility]\nLastVersion=140.13.0esr-bb25_1/1\n",
            b"\xff\xfe\x00garbage[[[\n=\n",
            b"",
        ] {
            assert!(!last_opened_by_betterbird(&IniFile::parse(text)), "{text:?}");
        }
    }

    #[test]
    fn only_a_file_that_cannot_name_a_folder_is_left_unparsed() {
        let utf16: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain(
                "[Compatibility]\r\nLastAppDir=/opt/betterbird\r\n"
                    .encode_utf16()
                    .flat_map(u16::to_le_bytes),
            )
            .collect();
        for text in [
            &b"[Compatibility]\nLastAppDir=/opt/betterbird\n"[..],
            b"[Compatibility]\n\t LastPlatformDir=/opt/betterbird\n",
            b"\xEF\xBB\xBF[Compatibility]\nLastAppDir=/opt/betterbird\n",
            &utf16,
        ] {
            assert!(may_name_app_folder(text), "{text:?}");
            assert!(last_opened_by_betterbird(&IniFile::parse(text)), "{text:?}");
        }
        for text in [&b"[Compatibility]\nLastVersion=1\nlastappdir=/opt/betterbird\n"[..], b""] {
            assert!(!may_name_app_folder(text), "{text:?}");
            assert!(!last_opened_by_betterbird(&IniFile::parse(text)), "{text:?}");
        }
    }

    #[test]
    fn a_profile_without_a_readable_file_keeps_the_default_client() {
        let folder = tempfile::tempdir().unwrap();
        let policy = ReadPolicy::default();
        assert_eq!(profile_client(folder.path(), &policy, crate::CLIENT), crate::CLIENT);
        let file = folder.path().join(FILE_NAME);
        std::fs::write(&file, "[Compatibility]\nLastAppDir=/opt/betterbird\n").unwrap();
        assert_eq!(profile_client(folder.path(), &policy, crate::CLIENT), BETTERBIRD);
        // The read draws on the group's budget, and a spent budget refuses it.
        let budget = std::sync::Arc::new(ReadBudget::new(1 << 20, 1));
        let policy = ReadPolicy { budget: Some(std::sync::Arc::clone(&budget)), ..policy };
        assert_eq!(profile_client(folder.path(), &policy, crate::CLIENT), BETTERBIRD);
        assert_eq!(budget.used(), (1, 43));
        assert_eq!(profile_client(folder.path(), &policy, crate::CLIENT), crate::CLIENT);
        let policy = ReadPolicy::default();
        // Larger than Gecko ever writes: not read.
        let mut huge = b"[Compatibility]\nLastAppDir=/opt/betterbird\n".to_vec();
        huge.resize(MAX_BYTES as usize + 1, b'\n');
        std::fs::write(&file, huge).unwrap();
        assert_eq!(profile_client(folder.path(), &policy, crate::CLIENT), crate::CLIENT);
        // A folder where the file should be.
        std::fs::remove_file(&file).unwrap();
        std::fs::create_dir(&file).unwrap();
        assert_eq!(profile_client(folder.path(), &policy, crate::CLIENT), crate::CLIENT);
    }
}
