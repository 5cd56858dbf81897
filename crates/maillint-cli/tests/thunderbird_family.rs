//! The Thunderbird family in `maillint scan`, through the binary: a profile at each real
//! location (native Linux, Flatpak, Snap, macOS, Windows, Betterbird's Flatpak) is found when it
//! is the only mail client of its user, and Betterbird's is shown as Betterbird.

#![cfg(unix)]

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

/// IMAP without TLS: one `tls-disabled` finding on line 4 wherever the profile is found.
const PREFS: &str = r#"user_pref("mail.server.server1.hostname", "mail.example.org");
user_pref("mail.server.server1.port", 143);
user_pref("mail.server.server1.type", "imap");
user_pref("mail.server.server1.socketType", 0);
"#;

/// Each user and the profile folder of the one layout they have, relative to their home, with
/// the client the findings must name.
const LAYOUTS: &[(&str, &str, &str)] = &[
    ("linux", ".thunderbird/a1.default-release", "thunderbird"),
    ("flatpak", ".var/app/org.mozilla.Thunderbird/.thunderbird/b2.default-release", "thunderbird"),
    ("snap", "snap/thunderbird/common/.thunderbird/c3.default", "thunderbird"),
    ("macos", "Library/Thunderbird/Profiles/d4.default-release", "thunderbird"),
    ("windows", "AppData/Roaming/Thunderbird/Profiles/e5.default-esr", "thunderbird"),
    (
        "bbflatpak",
        ".var/app/eu.betterbird.Betterbird/.thunderbird/f6.default-release",
        "betterbird",
    ),
];

fn write(path: &Path, content: &str) {
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, content).unwrap();
}

fn maillint(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_maillint")).args(args).output().unwrap()
}

/// Half of the roots have a `profiles.ini` naming the profile, half are found by looking
/// for `prefs.js` in the root's profile folders: both ways lead to the profile.
fn tree(root: &Path) {
    for (index, (user, profile, _)) in LAYOUTS.iter().enumerate() {
        let folder = root.join(user).join(profile);
        write(&folder.join("prefs.js"), PREFS);
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
    for (user, profile, client) in LAYOUTS {
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
    assert!(summary.contains("Scanned 6 homes (6 with mail configuration)"), "{summary}");
}

#[test]
fn betterbird_is_a_client_of_its_own_in_the_summary_and_the_format_list() {
    let tmp = tempfile::tempdir().unwrap();
    tree(tmp.path());
    let root = tmp.path().to_str().unwrap();
    let output = maillint(&["scan", "--all-users", root, "--output-format", "concise"]);
    let stdout = String::from_utf8_lossy(&output.stdout);
    let clients = stdout.lines().find(|l| l.starts_with("Clients: ")).unwrap_or_default();
    assert!(clients.contains("betterbird 1 user,"), "{stdout}");
    assert!(clients.contains("thunderbird 5 users"), "{stdout}");
    assert!(stdout.lines().any(|l| l.starts_with("[bbflatpak/betterbird] ")), "{stdout}");

    let formats = String::from_utf8_lossy(&maillint(&["formats"]).stdout).into_owned();
    assert!(formats.lines().any(|l| l.contains("betterbird")), "{formats}");
}
