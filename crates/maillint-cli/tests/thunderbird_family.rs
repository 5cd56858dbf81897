//! The Thunderbird family in `maillint scan` and `check`, through the binary: a profile at each
//! real location (native Linux, Flatpak, Snap, macOS, Windows, Betterbird's Flatpak, and native
//! Betterbird profiles in Thunderbird's folders on each system) is found when it is the only
//! mail client of its user, and Betterbird's is shown as Betterbird.

#![cfg(unix)]

mod support;

use std::path::Path;

use support::{maillint, write};

/// IMAP without TLS: one `tls-disabled` finding on line 4 wherever the profile is found.
const PREFS: &str = r#"user_pref("mail.server.server1.hostname", "mail.example.org");
user_pref("mail.server.server1.port", 143);
user_pref("mail.server.server1.type", "imap");
user_pref("mail.server.server1.socketType", 0);
"#;

/// Each user and the profile folder of the one layout they have, relative to their home, the
/// application folder its `compatibility.ini` records (none: no file), and the client the
/// findings must name. Betterbird shares Thunderbird's folders everywhere but its Flatpak; its
/// profiles there are told by `LastAppDir`.
const LAYOUTS: &[(&str, &str, Option<&str>, &str)] = &[
    ("linux", ".thunderbird/a1.default-release", Some("/usr/lib/thunderbird"), "thunderbird"),
    (
        "flatpak",
        ".var/app/org.mozilla.Thunderbird/.thunderbird/b2.default-release",
        None,
        "thunderbird",
    ),
    ("snap", "snap/thunderbird/common/.thunderbird/c3.default", None, "thunderbird"),
    (
        "macos",
        "Library/Thunderbird/Profiles/d4.default-release",
        Some("/Applications/Thunderbird.app/Contents/Resources"),
        "thunderbird",
    ),
    (
        "windows",
        "AppData/Roaming/Thunderbird/Profiles/e5.default-esr",
        Some("C:\\Program Files\\Mozilla Thunderbird"),
        "thunderbird",
    ),
    (
        "bbflatpak",
        ".var/app/eu.betterbird.Betterbird/.thunderbird/f6.default-release",
        None,
        "betterbird",
    ),
    ("bblinux", ".thunderbird/g7.default-release", Some("/opt/betterbird"), "betterbird"),
    (
        "bbmacos",
        "Library/Thunderbird/Profiles/h8.default-release",
        Some("/Applications/Betterbird.app/Contents/Resources"),
        "betterbird",
    ),
    (
        "bbwindows",
        "AppData/Roaming/Thunderbird/Profiles/i9.default-release",
        Some("C:\\Program Files\\Betterbird"),
        "betterbird",
    ),
];

/// `compatibility.ini` as Gecko writes it (toolkit/xre/nsAppRunner.cpp, `WriteVersion`).
fn compatibility(app_dir: &str) -> String {
    format!(
        "[Compatibility]\r\nLastVersion=140.13.0_20260720101010/20260720101010\r\n\
         LastOSABI=Linux_x86_64-gcc3\r\nLastPlatformDir={app_dir}\r\nLastAppDir={app_dir}\r\n"
    )
}

/// Half of the roots have a `profiles.ini` naming the profile, half are found by looking
/// for `prefs.js` in the root's profile folders: both ways lead to the profile.
fn tree(root: &Path) {
    for (index, (user, profile, app_dir, _)) in LAYOUTS.iter().enumerate() {
        let folder = root.join(user).join(profile);
        write(&folder.join("prefs.js"), PREFS);
        if let Some(app_dir) = app_dir {
            write(&folder.join("compatibility.ini"), &compatibility(app_dir));
        }
        if index % 2 == 0 {
            let profiles_root = folder.parent().unwrap();
            let (profiles_root, relative) = if profiles_root.ends_with("Profiles") {
                (
                    profiles_root.parent().unwrap(),
                    format!("Profiles/{}", folder.file_name().unwrap().to_str().unwrap()),
                )
            } else {
                (profiles_root, folder.file_name().unwrap().to_str().unwrap().to_owned())
            };
            write(
                &profiles_root.join("profiles.ini"),
                &format!("[Profile0]\nName=default\nIsRelative=1\nPath={relative}\n"),
            );
        }
    }
}

#[test]
fn each_layout_is_found_when_it_is_the_users_only_client() {
    let tmp = tempfile::tempdir().unwrap();
    tree(tmp.path());
    let root = tmp.path().to_str().unwrap();
    let output = maillint(&["scan", "--all-users", root, "--output-format", "json"]);
    assert_eq!(output.status.code(), Some(1), "{}", String::from_utf8_lossy(&output.stderr));
    let items: Vec<serde_json::Value> = serde_json::from_slice(&output.stdout).unwrap();
    for (user, profile, _, client) in LAYOUTS {
        let path = tmp.path().join(user).join(profile).join("prefs.js");
        let found: Vec<&serde_json::Value> =
            items.iter().filter(|item| item["user"].as_str() == Some(*user)).collect();
        assert!(
            found.iter().any(|item| item["code"] == "T003"
                && item["client"].as_str() == Some(*client)
                && item["path"].as_str() == path.to_str()),
            "{user}: expected T003 from {client} at {}; got {found:#?}",
            path.display()
        );
        assert!(found.iter().all(|item| item["client"].as_str() == Some(*client)), "{found:#?}");
    }
    let summary = String::from_utf8_lossy(&output.stderr);
    assert!(summary.contains("Scanned 9 homes (9 with mail configuration)"), "{summary}");
}

#[test]
fn betterbird_is_a_client_of_its_own_in_the_summary_and_the_format_list() {
    let tmp = tempfile::tempdir().unwrap();
    tree(tmp.path());
    let root = tmp.path().to_str().unwrap();
    let output = maillint(&["scan", "--all-users", root, "--output-format", "concise"]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    let clients = stdout.lines().find(|l| l.starts_with("Clients: ")).unwrap_or_default();
    assert!(clients.contains("betterbird 4 users,"), "{stdout}");
    assert!(clients.contains("thunderbird 5 users"), "{stdout}");
    for user in ["bbflatpak", "bblinux", "bbmacos", "bbwindows"] {
        let prefix = format!("[{user}/betterbird] ");
        assert!(stdout.lines().any(|l| l.starts_with(&prefix)), "{prefix}: {stdout}");
    }

    let formats = String::from_utf8_lossy(&maillint(&["formats"]).stdout).into_owned();
    assert!(formats.lines().any(|l| l.contains("betterbird")), "{formats}");
}

/// `check` on a profile folder that Betterbird last opened names Betterbird: as the client of
/// its findings (json), in its advice (text and SARIF); the same folder last opened by
/// Thunderbird names Thunderbird.
#[test]
fn check_names_betterbird_for_a_profile_it_last_opened() {
    let tmp = tempfile::tempdir().unwrap();
    let folder = tmp.path().join("p.default-release");
    write(&folder.join("prefs.js"), PREFS);
    for (app_dir, client, name) in [
        ("/opt/betterbird", "betterbird", "Betterbird"),
        ("/usr/lib/thunderbird", "thunderbird", "Thunderbird"),
    ] {
        write(&folder.join("compatibility.ini"), &compatibility(app_dir));
        let target = folder.to_str().unwrap();
        let json = maillint(&["check", "--output-format", "json", target]);
        let items: Vec<serde_json::Value> = serde_json::from_slice(&json.stdout).unwrap();
        assert!(!items.is_empty());
        assert!(items.iter().all(|item| item["client"] == client), "{items:#?}");
        let full = maillint(&["check", target]);
        // The help text is wrapped to the terminal's width.
        let text =
            String::from_utf8_lossy(&full.stdout).split_whitespace().collect::<Vec<_>>().join(" ");
        let advice = format!("in {name}: the server's security setting");
        assert!(text.contains(&advice), "{app_dir}: {advice}:\n{text}");
        let sarif = maillint(&["check", "--output-format", "sarif", target]);
        let sarif = String::from_utf8_lossy(&sarif.stdout);
        assert!(sarif.contains(&advice), "{app_dir}: {advice}:\n{sarif}");
    }
}
