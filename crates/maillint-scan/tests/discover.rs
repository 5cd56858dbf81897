//! Discovery over synthetic home trees: Linux, macOS and Windows layouts, `profiles.ini` with
//! relative and absolute paths and a gap, the fallback without `profiles.ini`, muttrc search
//! orders, Outlook folders, and every kind of path that must not block or stop a scan.

#![cfg(unix)]

mod support;

use std::path::Path;

use maillint_scan::{
    Home, HomeScan, ProblemKind, Role, ScanOptions, SpecialKind, default_roots_in, discover_home,
    homes_under, sort_homes,
};
use support::*;

fn units(scan: &HomeScan, base: &Path) -> Vec<String> {
    scan.units
        .iter()
        .map(|u| {
            let role = match u.role {
                Role::Entry => "entry",
                Role::Candidate => "candidate",
            };
            format!("{} {} {role} {}", u.user, u.client, rel(&u.unit.root, base))
        })
        .collect()
}

fn problems(scan: &HomeScan, base: &Path) -> Vec<String> {
    scan.problems
        .iter()
        .map(|p| format!("{} {}: {:?}", p.user, rel(&p.path, base), p.kind))
        .collect()
}

fn scan(home: &Home) -> HomeScan {
    discover_home(home, &parsers(), &ScanOptions::default())
}

const PREFS: &str = "account one\naccount two\nbad\n";
const PRF: &str = "[General]\r\nCustom=1\r\naccount outlook\r\n";
const REG: &str = "Windows Registry Editor Version 5.00\r\n\r\naccount reg\r\n";

#[test]
fn linux_home_profiles_ini_relative_absolute_gap_mutt_and_outlook() {
    let tmp = tempfile::tempdir().unwrap();
    let base = tmp.path();
    let home = base.join("home/alice");
    let elsewhere = base.join("elsewhere/shared.profile");
    write(
        home.join(".thunderbird/profiles.ini"),
        format!(
            "[General]\nStartWithLastProfile=1\nVersion=2\n\n\
             [Profile0]\nName=default-release\nIsRelative=1\nPath=abc.default-release\nDefault=1\n\n\
             [Profile1]\nName=shared\nIsRelative=0\nPath={}\n\n\
             [Profile2]\nName=same-as-0\nIsRelative=0\nPath={}\n\n\
             [Profile3]\nName=gone\nIsRelative=1\nPath=gone.default\n\n\
             [Profile5]\nName=after-the-gap\nIsRelative=1\nPath=hidden.default\n\n\
             [Install4F96D1932A9F858E]\nDefault=abc.default-release\nLocked=1\n",
            elsewhere.display(),
            home.join(".thunderbird/abc.default-release").display(),
        ),
    );
    write(home.join(".thunderbird/abc.default-release/prefs.js"), PREFS);
    write(home.join(".thunderbird/abc.default-release/user.js"), "account pinned\n");
    write(home.join(".thunderbird/abc.default-release/times.json"), "{}");
    write(home.join(".thunderbird/hidden.default/prefs.js"), PREFS);
    write(elsewhere.join("prefs.js"), PREFS);
    write(home.join(".muttrc"), "source ~/.mutt/muttrc\n");
    write(home.join(".mutt/muttrc"), "account sourced\n");
    write(home.join(".config/neomutt/neomuttrc"), "account neo\n");
    write(home.join("Desktop/outlook.prf"), PRF);
    write(home.join("Desktop/readme.txt"), "[General]");
    write(home.join("Documents/IT/backup.reg"), REG);
    write(home.join("Documents/IT/deeper/too-deep.prf"), PRF);
    write(home.join("Documents/random.reg"), "not an export");
    write(home.join("Downloads/sub/nested.prf"), PRF);
    write(home.join("Music/song.prf"), PRF);

    let found = scan(&Home::new(&home));
    assert_eq!(
        units(&found, base),
        [
            "alice thunderbird entry elsewhere/shared.profile/prefs.js",
            "alice mutt entry home/alice/.config/neomutt/neomuttrc",
            "alice mutt candidate home/alice/.mutt/muttrc",
            "alice mutt entry home/alice/.muttrc",
            "alice thunderbird entry home/alice/.thunderbird/abc.default-release/prefs.js",
            "alice outlook entry home/alice/Desktop/outlook.prf",
            "alice outlook entry home/alice/Documents/IT/backup.reg",
        ]
    );
    assert_eq!(
        problems(&found, base),
        [
            "alice home/alice/.thunderbird/gone.default: MissingProfile { index: \"profiles.ini\", section: \"Profile3\" }",
            "alice home/alice/.thunderbird/profiles.ini: Noted(IndexNote { label: \"profiles hidden\", \
             message: \"[Profile5] not read by Thunderbird: profile enumeration stops at the missing \
             [Profile4] (or its missing `IsRelative`); these profiles were not checked\" })",
        ]
    );
    // Discovery read each unit's root: the linter does not read it again.
    let prefs = &found.units[4];
    assert_eq!(prefs.content.as_deref(), Some(PREFS.as_bytes()));
    // profiles.ini, the 7 unit files (Profile2 is Profile0's file and is not read twice), and
    // random.reg, which was opened and not recognised. Nothing else in the home was opened.
    assert_eq!(found.files_read, 1 + 7 + 1);
}

#[test]
fn windows_profile_copied_onto_a_share() {
    let tmp = tempfile::tempdir().unwrap();
    let base = tmp.path();
    let home = base.join("share/Users/bob");
    let roaming = home.join("AppData/Roaming");
    // Written by Thunderbird on Windows: CRLF, a UTF-8 BOM, an absolute native path that
    // names the profile on C:, and a relative one with `/`.
    write(
        roaming.join("Thunderbird/profiles.ini"),
        "\u{feff}[General]\r\nStartWithLastProfile=1\r\n\r\n\
         [Profile0]\r\nName=default\r\nIsRelative=0\r\n\
         Path=C:\\Users\\bob\\AppData\\Roaming\\Thunderbird\\Profiles\\q1w2e3r4.default\r\n\r\n\
         [Profile1]\r\nName=work\r\nIsRelative=1\r\nPath=Profiles/z9y8x7w6.work\r\n",
    );
    write(roaming.join("Thunderbird/Profiles/q1w2e3r4.default/prefs.js"), PREFS);
    // A profile with only user.js: the unit is rooted at the prefs.js it lacks.
    write(roaming.join("Thunderbird/Profiles/z9y8x7w6.work/user.js"), "account pinned\n");
    write(roaming.join("Microsoft/Outlook/corp.PRF"), PRF);
    write(home.join("OneDrive/Documents/Mail/export.reg"), REG);
    write(home.join("outlook-setup.prf"), PRF);
    write(home.join("desktop.ini"), "[.ShellClassInfo]");

    let found = scan(&Home::new(&home));
    assert_eq!(
        units(&found, base),
        [
            "bob outlook entry share/Users/bob/AppData/Roaming/Microsoft/Outlook/corp.PRF",
            "bob thunderbird entry share/Users/bob/AppData/Roaming/Thunderbird/Profiles/q1w2e3r4.default/prefs.js",
            "bob thunderbird entry share/Users/bob/AppData/Roaming/Thunderbird/Profiles/z9y8x7w6.work/prefs.js",
            "bob outlook entry share/Users/bob/OneDrive/Documents/Mail/export.reg",
            "bob outlook entry share/Users/bob/outlook-setup.prf",
        ]
    );
    assert!(found.units[2].content.is_none(), "prefs.js does not exist, so nothing was read");
    assert_eq!(problems(&found, base), Vec::<String>::new());
}

#[test]
fn macos_home_and_fallback_without_profiles_ini() {
    let tmp = tempfile::tempdir().unwrap();
    let base = tmp.path();
    let carol = base.join("Users/carol");
    write(
        carol.join("Library/Thunderbird/profiles.ini"),
        "[Profile0]\nName=default-release\nIsRelative=1\nPath=Profiles/k3j4.default-release\n",
    );
    write(carol.join("Library/Thunderbird/Profiles/k3j4.default-release/prefs.js"), PREFS);
    write(carol.join(".config/mutt/muttrc"), "account xdg\n");

    let found = scan(&Home::new(&carol));
    assert_eq!(
        units(&found, base),
        [
            "carol mutt entry Users/carol/.config/mutt/muttrc",
            "carol thunderbird entry Users/carol/Library/Thunderbird/Profiles/k3j4.default-release/prefs.js",
        ]
    );

    // Without profiles.ini every folder with a prefs.js is a profile, directly under the root
    // (Linux) or under Profiles/ (macOS, Windows).
    let dave = base.join("home/dave");
    write(dave.join(".thunderbird/p1.default/prefs.js"), PREFS);
    write(dave.join(".thunderbird/Profiles/p2.default/prefs.js"), PREFS);
    write(dave.join(".thunderbird/Crash Reports/events/x"), "");
    write(dave.join(".thunderbird/only-user-js.default/user.js"), "account u\n");
    let found = scan(&Home::new(&dave));
    assert_eq!(
        units(&found, base),
        [
            "dave thunderbird entry home/dave/.thunderbird/Profiles/p2.default/prefs.js",
            "dave thunderbird entry home/dave/.thunderbird/p1.default/prefs.js",
        ]
    );
    assert_eq!(found.problems, []);
}

#[test]
fn special_files_links_loops_and_unreadable_folders_never_block_and_are_reported_once() {
    let tmp = tempfile::tempdir().unwrap();
    let base = tmp.path().to_path_buf();
    let eve = base.join("home/eve");
    symlink("nowhere", eve.join(".muttrc"));
    symlink(".loop", eve.join(".neomuttrc"));
    symlink(".neomuttrc", eve.join(".loop"));
    mkfifo(eve.join(".config/mutt/muttrc"));
    socket(eve.join(".mutt/muttrc"));
    write(eve.join(".neomutt/neomuttrc"), "account e\n");
    symlink(".thunderbird", eve.join(".thunderbird"));
    mkfifo(eve.join("Desktop/pipe.prf"));
    mkfifo(eve.join("Desktop/pipe.txt"));
    write(eve.join("Documents/mail.prf"), PRF);
    let enforced = make_unreadable(eve.join("Documents"));

    let home = Home::new(&eve);
    let found = within_a_minute(move || scan(&home));
    make_readable(eve.join("Documents"));

    // mutt stops at the socket (.mutt/muttrc exists for `access`), neomutt at the FIFO
    // (.config/mutt/muttrc): neither is opened. The neomuttrc in .neomutt/ is only a
    // candidate, read if something sources it.
    let mut expected_units = vec!["eve mutt candidate home/eve/.neomutt/neomuttrc"];
    let mut expected_problems = vec![
        "eve home/eve/.config/mutt/muttrc: Special(Fifo)",
        "eve home/eve/.mutt/muttrc: Special(Socket)",
        "eve home/eve/.muttrc: BrokenSymlink",
        "eve home/eve/.neomuttrc: SymlinkLoop",
        "eve home/eve/.thunderbird: SymlinkLoop",
        "eve home/eve/Desktop/pipe.prf: Special(Fifo)",
    ];
    if enforced {
        expected_problems
            .push("eve home/eve/Documents: UnreadableFolder { error: \"Permission denied\" }");
    } else {
        expected_units.push("eve outlook entry home/eve/Documents/mail.prf");
    }
    assert_eq!(units(&found, &base), expected_units);
    assert_eq!(problems(&found, &base), expected_problems);
    assert!(found.problems.iter().all(|p| !matches!(
        p.kind,
        ProblemKind::Special(SpecialKind::Fifo) if p.path.ends_with("pipe.txt")
    )));
}

#[test]
fn a_file_reached_by_two_paths_is_one_unit() {
    let tmp = tempfile::tempdir().unwrap();
    let home = tmp.path().join("frank");
    // A dotfiles manager links .muttrc to the file in .mutt/: one file, one unit, an entry
    // for mutt (first in its order) under the path mutt finds first... neomutt finds
    // .mutt/muttrc first; both are the same file, which is kept once under its first path.
    write(home.join(".mutt/muttrc"), "account linked\n");
    symlink(".mutt/muttrc", home.join(".muttrc"));
    let found = scan(&Home::new(&home));
    assert_eq!(units(&found, tmp.path()), ["frank mutt entry frank/.mutt/muttrc"]);
}

#[test]
fn all_users_lists_every_folder_under_the_root() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("home");
    for user in ["zoe", "adam", "Public"] {
        std::fs::create_dir_all(root.join(user)).unwrap();
    }
    std::fs::create_dir_all(root.join("lost+found")).unwrap();
    write(root.join("notes.txt"), "not a home");
    std::fs::create_dir_all(tmp.path().join("data/mia")).unwrap();
    symlink(tmp.path().join("data/mia"), root.join("mia"));
    symlink("nowhere", root.join("gone"));
    mkfifo(root.join("pipe"));

    let (mut homes, problems) = homes_under(&root).unwrap();
    sort_homes(&mut homes);
    let users: Vec<&str> = homes.iter().map(|h| h.user.as_str()).collect();
    assert_eq!(users, ["Public", "adam", "mia", "zoe"]);
    assert_eq!(homes[2].path, root.join("mia"));
    assert_eq!(problems.len(), 1);
    assert_eq!(
        (problems[0].user.as_str(), &problems[0].kind),
        ("gone", &ProblemKind::BrokenSymlink)
    );

    assert!(homes_under(&tmp.path().join("missing")).is_err());
    assert!(homes_under(&root.join("notes.txt")).is_err());
}

#[test]
fn default_roots_are_home_and_users_where_they_exist() {
    let tmp = tempfile::tempdir().unwrap();
    assert_eq!(default_roots_in(tmp.path()), Vec::<std::path::PathBuf>::new());
    std::fs::create_dir(tmp.path().join("Users")).unwrap();
    assert_eq!(default_roots_in(tmp.path()), [tmp.path().join("Users")]);
    std::fs::create_dir(tmp.path().join("home")).unwrap();
    assert_eq!(default_roots_in(tmp.path()), [tmp.path().join("home"), tmp.path().join("Users")]);
}

#[test]
fn a_home_is_named_after_its_folder() {
    let tmp = tempfile::tempdir().unwrap();
    let home = tmp.path().join("grace");
    std::fs::create_dir(&home).unwrap();
    assert_eq!(Home::given(&home).unwrap().user, "grace");
    assert_eq!(Home::new(home.join(".")).user, "grace");
    assert!(Home::given(tmp.path().join("nobody")).is_err());
    write(tmp.path().join("file"), "");
    assert!(Home::given(tmp.path().join("file")).is_err());
}

#[test]
fn oversized_files_are_reported_not_read() {
    let tmp = tempfile::tempdir().unwrap();
    let home = tmp.path().join("heidi");
    write(home.join("Desktop/huge.reg"), format!("{REG}{}", "x".repeat(4096)));
    let options = ScanOptions { max_file_size: 1024, ..ScanOptions::default() };
    let found = discover_home(&Home::new(&home), &parsers(), &options);
    assert_eq!(found.units.len(), 0);
    let size = REG.len() + 4096;
    assert_eq!(
        problems(&found, tmp.path()),
        [format!("heidi heidi/Desktop/huge.reg: TooLarge {{ size: {size}, limit: 1024 }}")]
    );
}

/// A file larger than the first bytes offered to the parsers is read into a buffer of its size,
/// allocated once: the rest of it comes in one `read`, not one per doubling of the buffer.
#[test]
fn a_detected_file_is_read_into_a_buffer_of_its_size() {
    let tmp = tempfile::tempdir().unwrap();
    let home = tmp.path().join("ivan");
    let body = format!("{REG}{}", "; a comment line of a real-size export\r\n".repeat(1_500));
    write(home.join("Desktop/backup.reg"), &body);
    let found = scan(&Home::new(&home));
    let [unit] = found.units.as_slice() else {
        panic!("one unit: {:?}", units(&found, tmp.path()))
    };
    let content = unit.content.as_ref().expect("read at discovery");
    assert_eq!(content.len(), body.len());
    assert_eq!(content.capacity(), body.len(), "one allocation of the file's size");
}
