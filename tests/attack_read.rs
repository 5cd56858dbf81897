//! Attacks on reading: the promises of `docs/security.md` ("Reading and confinement",
//! "Limits"), each attacked the way issue 13 found them broken. An administrator (root) runs
//! `check` and `scan` over homes owned by `nobody`; the attacker's own actions run as
//! `nobody`. Each test has a marker that must never be printed, in any output format, or a
//! bound (time, peak memory) that must hold.

mod attack_support;

use std::path::Path;
use std::time::Duration;

use attack_support::{
    CHECK_FORMATS, Lab, NOBODY, OTHER_USER, SCAN_FORMATS, as_nobody, have_program, maillint,
    maillint_measured, running_as_root, symlink_as, write_as,
};

/// What root alone may read: an SSH private key and a shadow line, each with the marker.
const ROOT_ONLY: &str = "-----BEGIN OPENSSH PRIVATE KEY-----\n\
b3BlbnNzaC1rZXktdjEAAAAABG5vbmU-ROOTONLY-MARKER-key\n\
root:$6$ROOTONLY-MARKER-hash$Zm9vYmFy:19000:0:99999:7:::\n\
-----END OPENSSH PRIVATE KEY-----\n";
const MARKER: &str = "ROOTONLY-MARKER";

/// A generous deadline: each run takes well under a second when nothing hangs.
const DEADLINE: Duration = Duration::from_secs(30);

/// Runs `check` on `target` and `scan` on `home` in every output format; none may print
/// `marker` or hang.
fn every_format_hides(marker: &str, home: &Path, target: &Path, cwd: &Path) {
    for format in CHECK_FORMATS {
        let args = ["check", "--output-format", format, target.to_str().unwrap()];
        maillint(&args, cwd, DEADLINE)
            .finished(&format!("check {format}"))
            .never_shows(marker, &format!("check --output-format {format}"));
    }
    for format in SCAN_FORMATS {
        let args = ["scan", "--output-format", format, home.to_str().unwrap()];
        maillint(&args, cwd, DEADLINE)
            .finished(&format!("scan {format}"))
            .never_shows(marker, &format!("scan --output-format {format}"));
    }
}

/// `~/.muttrc` is a symlink to a file only root may read.
#[test]
fn symlinked_root_only_file_is_never_printed() {
    if !running_as_root("symlinked_root_only_file_is_never_printed") {
        return;
    }
    let lab = Lab::new();
    let secret = lab.root_only("id_ed25519", ROOT_ONLY);
    let home = lab.home("alice", NOBODY);
    symlink_as(NOBODY, &secret, &home.join(".muttrc"));

    every_format_hides(MARKER, &home, &home.join(".muttrc"), lab.path());
    let run = maillint(
        &["check", "--output-format", "concise", home.join(".muttrc").to_str().unwrap()],
        lab.path(),
        DEADLINE,
    );
    assert_eq!(run.code, Some(2), "the refused file is an error:\n{}", run.output);
    assert!(run.output.contains("permission denied"), "says why:\n{}", run.output);
}

/// A folder of the home is a symlink to a folder only root may enter, holding a root-only
/// mail configuration (the state a swap of the folder during a walk leaves): the file is root's
/// and so is the folder the path resolves to, but the path goes through the user's link, so the
/// user is the owner and the file is read with their rights, never root's.
#[test]
fn a_folder_symlinked_into_a_root_only_folder_is_read_as_the_user() {
    use std::os::unix::fs::PermissionsExt;
    if !running_as_root("a_folder_symlinked_into_a_root_only_folder_is_read_as_the_user") {
        return;
    }
    let lab = Lab::new();
    let secret = lab.path().join("secret");
    std::fs::create_dir(&secret).unwrap();
    std::fs::set_permissions(&secret, std::fs::Permissions::from_mode(0o700)).unwrap();
    let msmtprc = secret.join("msmtprc");
    let text = format!(
        "account default\nhost {MARKER}.example.org\nport 25\ntls off\nuser u\npassword pw\n"
    );
    std::fs::write(&msmtprc, text).unwrap();
    std::fs::set_permissions(&msmtprc, std::fs::Permissions::from_mode(0o600)).unwrap();
    let home = lab.home("alice", NOBODY);
    symlink_as(NOBODY, &secret, &home.join("d"));

    let target = home.join("d/msmtprc");
    for format in CHECK_FORMATS {
        let args = ["check", "--output-format", format, target.to_str().unwrap()];
        maillint(&args, lab.path(), DEADLINE)
            .finished(&format!("check {format}"))
            .never_shows(MARKER, &format!("check --output-format {format}"));
    }
    let run = maillint(
        &["check", "--output-format", "concise", target.to_str().unwrap()],
        lab.path(),
        DEADLINE,
    );
    assert_eq!(run.code, Some(2), "the refused file is an error:\n{}", run.output);
    assert!(run.output.contains("permission denied"), "says why:\n{}", run.output);
    // The control: the same file given by its own path is root's, and root reads it.
    let run = maillint(
        &["check", "--output-format", "concise", msmtprc.to_str().unwrap()],
        lab.path(),
        DEADLINE,
    );
    assert!(run.output.contains("tls-disabled"), "root's own file is linted:\n{}", run.output);
}

/// `~/.muttrc` sources a file only root may read, and a world-readable file in a folder only
/// root may enter: the owner could read neither.
#[test]
fn sourced_root_only_file_is_never_printed() {
    if !running_as_root("sourced_root_only_file_is_never_printed") {
        return;
    }
    let lab = Lab::new();
    let secret = lab.root_only("shadow", ROOT_ONLY);
    let private = lab.path().join("private");
    std::fs::create_dir(&private).unwrap();
    std::fs::write(private.join("readable.muttrc"), ROOT_ONLY).unwrap();
    let home = lab.home("alice", NOBODY);
    let muttrc = home.join(".muttrc");
    let text = format!(
        "set imap_user = alice\nsource {}\nsource {}\n",
        secret.display(),
        private.join("readable.muttrc").display()
    );
    write_as(NOBODY, &muttrc, text);
    // The folder is root's and closed to others; the file in it is world-readable.
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&private, std::fs::Permissions::from_mode(0o700)).unwrap();

    every_format_hides(MARKER, &home, &muttrc, lab.path());
    let run = maillint(
        &["check", "--output-format", "concise", muttrc.to_str().unwrap()],
        lab.path(),
        DEADLINE,
    );
    assert!(
        run.output.matches("permission denied").count() >= 2,
        "both `source` lines say why they were not followed:\n{}",
        run.output
    );
}

/// A `profiles.ini` names another user's (world-readable) profile: by an absolute `Path`, by
/// `..`, and through a symlinked profile folder. Its findings are never this user's.
#[test]
fn profiles_ini_path_into_another_home_is_not_attributed() {
    if !running_as_root("profiles_ini_path_into_another_home_is_not_attributed") {
        return;
    }
    let lab = Lab::new();
    let bob = lab.home("bob", OTHER_USER);
    let bob_profile = bob.join(".thunderbird/b.default");
    write_as(
        OTHER_USER,
        &bob_profile.join("prefs.js"),
        prefs_naming("bob-only-marker.example.org"),
    );
    let alice = lab.home("alice", NOBODY);
    let tb = alice.join(".thunderbird");
    let ini = format!(
        "[Profile0]\nName=abs\nIsRelative=0\nPath={}\n\n\
         [Profile1]\nName=dots\nIsRelative=1\nPath=../../bob/.thunderbird/b.default\n\n\
         [Profile2]\nName=link\nIsRelative=1\nPath=c.default\n",
        bob_profile.display()
    );
    write_as(NOBODY, &tb.join("profiles.ini"), ini);
    symlink_as(NOBODY, &bob_profile, &tb.join("c.default"));

    for format in SCAN_FORMATS {
        let args = ["scan", "--output-format", format, alice.to_str().unwrap()];
        maillint(&args, lab.path(), DEADLINE)
            .finished("scan")
            .never_shows("bob-only-marker", &format!("scan --output-format {format}"));
    }
}

/// `check` given a FIFO returns at once with a diagnostic; it never waits for a writer.
#[test]
fn fifo_given_to_check_returns_promptly() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("prefs.js");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());
    let run = maillint(&["check", fifo.to_str().unwrap()], dir.path(), Duration::from_secs(20));
    run.finished("check FIFO");
    assert_eq!(run.code, Some(2), "{}", run.output);
    assert!(run.output.contains("FIFO"), "names what it found:\n{}", run.output);
}

/// A `*.muttrc` symlink to `/dev/zero` is refused: no endless read, no memory growth.
#[test]
fn muttrc_symlink_to_dev_zero_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let link = dir.path().join("evil.muttrc");
    std::os::unix::fs::symlink("/dev/zero", &link).unwrap();
    let home = dir.path().join("home");
    std::fs::create_dir(&home).unwrap();
    std::os::unix::fs::symlink("/dev/zero", home.join(".muttrc")).unwrap();
    for args in [vec!["check", link.to_str().unwrap()], vec!["scan", home.to_str().unwrap()]] {
        refused_in_little_memory(&args, dir.path(), "character device");
    }
}

/// A 500 MB sparse `prefs.js` is refused by the size cap, read no further than the cap, with
/// memory far below its size.
#[test]
fn sparse_prefs_js_is_refused_with_bounded_memory() {
    let dir = tempfile::tempdir().unwrap();
    let profile = dir.path().join("home/.thunderbird/abcd.default");
    std::fs::create_dir_all(&profile).unwrap();
    let prefs = profile.join("prefs.js");
    std::fs::write(&prefs, prefs_naming("imap.example.org")).unwrap();
    std::fs::File::options().write(true).open(&prefs).unwrap().set_len(500 << 20).unwrap();
    let home = dir.path().join("home");
    for args in [vec!["check", profile.to_str().unwrap()], vec!["scan", home.to_str().unwrap()]] {
        refused_in_little_memory(&args, dir.path(), "larger than");
    }
}

/// Runs maillint with `args`: it must end by itself, say `why` the file was refused, and
/// peak below 128 MiB (when GNU time is there to measure it).
fn refused_in_little_memory(args: &[&str], cwd: &Path, why: &str) {
    let Some(run) = maillint_measured(args, cwd, DEADLINE) else { return };
    run.finished(&args.join(" "));
    assert!(run.output.contains(why), "says why:\n{}", run.output);
    let peak = run.peak_rss_kib.expect("GNU time reports the peak");
    assert!(peak < 128 * 1024, "{}: {peak} KiB peak", args.join(" "));
}

/// 22 files, each sourcing the next twice: each is read and run once, in linear time.
#[test]
fn double_source_chain_is_linear() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    std::fs::create_dir(&home).unwrap();
    for i in 0..22 {
        let next = home.join(format!("f{}.rc", i + 1));
        let text = if i < 21 {
            format!("set realname = \"f{i}\"\nsource {0}\nsource {0}\n", next.display())
        } else {
            "set realname = \"last\"\n".to_owned()
        };
        std::fs::write(home.join(format!("f{i}.rc")), text).unwrap();
    }
    std::fs::write(home.join(".muttrc"), format!("source {}\n", home.join("f0.rc").display()))
        .unwrap();
    let muttrc = home.join(".muttrc");
    for args in [vec!["check", muttrc.to_str().unwrap()], vec!["scan", home.to_str().unwrap()]] {
        let run = maillint(&args, dir.path(), DEADLINE);
        run.finished(&args.join(" "));
        assert!(run.elapsed < Duration::from_secs(5), "{}: {:?}", args.join(" "), run.elapsed);
    }
}

/// 100 `source` lines, each through its own symlink to one 15 MB file: it is read once.
#[test]
fn many_symlinks_to_one_big_file_are_read_once() {
    let dir = tempfile::tempdir().unwrap();
    let home = dir.path().join("home");
    std::fs::create_dir(&home).unwrap();
    let line = format!("# {}\n", "x".repeat(1021));
    std::fs::write(home.join("big.rc"), line.repeat(15 * 1024)).unwrap();
    let mut muttrc = String::new();
    for i in 0..100 {
        let link = home.join(format!("l{i}.rc"));
        std::os::unix::fs::symlink(home.join("big.rc"), &link).unwrap();
        muttrc.push_str(&format!("source {}\n", link.display()));
    }
    std::fs::write(home.join(".muttrc"), muttrc).unwrap();
    let muttrc = home.join(".muttrc");
    for args in [vec!["check", muttrc.to_str().unwrap()], vec!["scan", home.to_str().unwrap()]] {
        let Some(run) = maillint_measured(&args, dir.path(), Duration::from_secs(60)) else {
            return;
        };
        run.finished(&args.join(" "));
        assert!(run.elapsed < Duration::from_secs(20), "{}: {:?}", args.join(" "), run.elapsed);
        let peak = run.peak_rss_kib.expect("GNU time reports the peak");
        assert!(peak < 400 * 1024, "{}: {peak} KiB peak for one 15 MB file", args.join(" "));
    }
}

/// While `scan` runs, the attacker (as `nobody`) keeps swapping a FIFO and a regular file at
/// the path `~/.muttrc` sources, through 100 different paths (`~/dN/../part.muttrc`), so that
/// each round checks and opens it 100 times. No round may hang.
#[test]
fn fifo_swapped_over_a_sourced_file_never_hangs_scan() {
    if !running_as_root("fifo_swapped_over_a_sourced_file_never_hangs_scan") {
        return;
    }
    if !have_program("python3", "fifo_swapped_over_a_sourced_file_never_hangs_scan") {
        return;
    }
    let lab = Lab::new();
    let home = lab.home("alice", NOBODY);
    let mut muttrc = String::new();
    for i in 0..100 {
        write_as(NOBODY, &home.join(format!("d{i}/keep")), "");
        muttrc.push_str(&format!("source ~/d{i}/../part.muttrc\n"));
    }
    write_as(NOBODY, &home.join(".muttrc"), muttrc);
    write_as(NOBODY, &home.join("part.muttrc"), "set realname = \"x\"\n");
    // A fast swap (Python, a few microseconds per swap) so that the FIFO often lands between
    // a check of the path and its open; `rename` replaces the path atomically each time.
    // The system's python3: one under root's home (pyenv) is not reachable by `nobody`.
    let python =
        if Path::new("/usr/bin/python3").exists() { "/usr/bin/python3" } else { "python3" };
    let script = format!(
        "exec {python} -c \"import os\nos.chdir('{}')\nwhile True:\n    \
         os.path.exists('p.tmp') or os.mkfifo('p.tmp')\n    os.rename('p.tmp', 'part.muttrc')\n    \
         open('r.tmp', 'w').write('set realname = x')\n    os.rename('r.tmp', 'part.muttrc')\n\"",
        home.display()
    );
    let mut attacker = as_nobody(&script).spawn().unwrap();
    let rounds: Vec<_> = (0..40)
        .map(|_| maillint(&["scan", home.to_str().unwrap()], lab.path(), Duration::from_secs(20)))
        .collect();
    attacker.kill().unwrap();
    attacker.wait().unwrap();
    for (i, run) in rounds.iter().enumerate() {
        run.finished(&format!("scan round {i} with a FIFO swapped in"));
    }
}

/// A profile's `compatibility.ini` (where the Thunderbird parser tells a native Betterbird
/// profile) as the attacker leaves it: a FIFO, a symlink to another user's file or to a file
/// only root may read (both naming Betterbird), a 1 GiB sparse file, garbage. None hangs
/// `check` or `scan`, none fails the profile (its finding is still reported, with no word about
/// the file), and none discloses what the other file says: the profile stays Thunderbird's.
/// The same text in the user's own file does make it Betterbird's. As root, homes owned by
/// `nobody`.
#[test]
fn compatibility_ini_attacks_neither_hang_nor_disclose_nor_fail_the_profile() {
    if !running_as_root("compatibility_ini_attacks_neither_hang_nor_disclose_nor_fail_the_profile")
    {
        return;
    }
    let lab = Lab::new();
    let naming_betterbird = "[Compatibility]\nLastAppDir=/opt/betterbird\n";
    let bob = lab.home("bob", OTHER_USER);
    let bobs_file = bob.join("compatibility.ini");
    write_as(OTHER_USER, &bobs_file, naming_betterbird);
    let root_only = lab.root_only("compatibility.ini", naming_betterbird);
    let cases = ["fifo", "other-user", "root-only", "huge", "garbage", "own"];
    for case in cases {
        let profile = lab.home(case, NOBODY).join(".thunderbird/p.default");
        write_as(NOBODY, &profile.join("prefs.js"), prefs_naming("imap.example.org"));
        let file = profile.join("compatibility.ini");
        match case {
            "fifo" => {
                assert!(
                    std::process::Command::new("mkfifo").arg(&file).status().unwrap().success()
                );
                std::os::unix::fs::lchown(&file, Some(NOBODY), Some(NOBODY)).unwrap();
            }
            "other-user" => symlink_as(NOBODY, &bobs_file, &file),
            "root-only" => symlink_as(NOBODY, &root_only, &file),
            "huge" => {
                write_as(NOBODY, &file, naming_betterbird);
                std::fs::File::options().write(true).open(&file).unwrap().set_len(1 << 30).unwrap();
            }
            "garbage" => {
                write_as(NOBODY, &file, b"\0\xff[Compatibility\nLastAppDir\n=\n".repeat(99))
            }
            _ => write_as(NOBODY, &file, naming_betterbird),
        }
    }
    let expected = |case: &str| if case == "own" { "betterbird" } else { "thunderbird" };
    let root = lab.path().to_str().unwrap();
    let scan =
        maillint(&["scan", "--all-users", root, "--output-format", "json"], lab.path(), DEADLINE);
    for case in cases {
        let profile = lab.path().join(case).join(".thunderbird/p.default");
        let check = maillint(
            &["check", "--output-format", "json", profile.to_str().unwrap()],
            lab.path(),
            DEADLINE,
        );
        for (run, what) in [(&scan, "scan"), (&check, "check")] {
            run.finished(&format!("{what} with a {case} compatibility.ini"));
            assert_eq!(run.code, Some(1), "{what} {case}: only the finding:\n{}", run.output);
            run.never_shows("compatibility.ini", &format!("{what} {case}"));
            // The JSON document, then `scan`'s summary (standard error, in the same output).
            let items: Vec<serde_json::Value> = serde_json::Deserializer::from_str(&run.output)
                .into_iter()
                .next()
                .and_then(Result::ok)
                .unwrap_or_else(|| panic!("{what} {case}: no JSON:\n{}", run.output));
            let prefs = profile.join("prefs.js");
            let found: Vec<_> =
                items.iter().filter(|i| i["path"].as_str() == prefs.to_str()).collect();
            assert!(
                found.iter().any(|i| i["code"] == "T003"),
                "{what} {case}: the profile is still checked: {found:#?}"
            );
            assert!(
                found.iter().all(|i| i["client"].as_str() == Some(expected(case))),
                "{what} {case}: expected {}: {found:#?}",
                expected(case)
            );
        }
    }
}

/// A prefs.js with one IMAP account on `host`.
fn prefs_naming(host: &str) -> String {
    format!(
        "user_pref(\"mail.account.account1.server\", \"server1\");\n\
         user_pref(\"mail.accountmanager.accounts\", \"account1\");\n\
         user_pref(\"mail.server.server1.hostname\", \"{host}\");\n\
         user_pref(\"mail.server.server1.socketType\", 0);\n\
         user_pref(\"mail.server.server1.type\", \"imap\");\n"
    )
}

/// A home of many files, each well under the per-file and per-unit limits (here thirty
/// Outlook `.reg` exports of 1 MB, each its own unit): `scan` reads at most the per-home
/// limit of it, says so once, and goes on with the next home. As root, homes owned by
/// `nobody`.
#[test]
fn a_home_of_many_files_is_cut_short_at_its_limit_and_the_next_home_is_scanned() {
    if !running_as_root("a_home_of_many_files_is_cut_short_at_its_limit") {
        return;
    }
    let lab = Lab::new();
    let alice = lab.home("alice", NOBODY);
    let comment = format!("; {}\r\n", "x".repeat(996));
    let header = "Windows Registry Editor Version 5.00\r\n\r\n";
    let mut reg = String::from(header);
    while reg.len() + comment.len() <= 1_000_000 {
        reg.push_str(&comment);
    }
    reg.push_str(&";".repeat(1_000_000 - reg.len()));
    assert_eq!(reg.len(), 1_000_000);
    for i in 0..30 {
        write_as(NOBODY, &alice.join(format!("Documents/export{i:02}.reg")), &reg);
    }
    let bob = lab.home("bob", NOBODY);
    write_as(
        NOBODY,
        &bob.join(".muttrc"),
        "set imap_user = bob\nset imap_pass = \"BobsPlainPassword\"\n\
         set folder = \"imap://imap.example.org/\"\n",
    );

    let root = lab.path().to_str().unwrap();
    let args = ["scan", "--all-users", root, "--output-format", "concise", "--max-home-size"];
    let run = maillint(&[&args[..], &["4000000"]].concat(), lab.path(), DEADLINE);
    run.finished("scan");
    assert!(
        run.output.contains(
            "alice: this home reached the limit of 4000000 bytes read in one home \
             (`--max-home-size`); the files past it were not read and not checked"
        ),
        "names the home and the limit:\n{}",
        run.output
    );
    // Four files of alice's fill the limit exactly; bob's muttrc is the fifth file read.
    assert!(run.output.contains("5 files read"), "{}", run.output);
    assert!(run.output.contains("[bob/mutt]"), "bob's home is still scanned:\n{}", run.output);

    let run = maillint(
        &["scan", "--all-users", root, "--output-format", "concise", "--max-home-files", "3"],
        lab.path(),
        DEADLINE,
    );
    run.finished("scan --max-home-files");
    assert!(run.output.contains("the limit of 3 files read in one home"), "{}", run.output);
    assert!(run.output.contains("4 files read"), "{}", run.output);
    assert!(run.output.contains("[bob/mutt]"), "{}", run.output);
}

/// A user's own `maillint.toml` in their home (turning every rule off, declaring a plugin) is
/// never read by the administrator's `scan`: their findings are still reported and nothing is
/// run. As root, the home owned by `nobody`.
#[test]
fn a_maillint_toml_inside_a_home_is_ignored_by_scan() {
    if !running_as_root("a_maillint_toml_inside_a_home_is_ignored_by_scan") {
        return;
    }
    let lab = Lab::new();
    let home = lab.home("mallory", NOBODY);
    let ran = lab.path().join("plugin-ran");
    write_as(NOBODY, &home.join("p.sh"), format!("#!/bin/sh\ntouch '{}'\n", ran.display()));
    write_as(
        NOBODY,
        &home.join("maillint.toml"),
        "select = [\"P\"]\nignore = [\"plaintext-password\", \"tls-disabled\"]\n\n\
         [[plugin]]\nname = \"x\"\nkind = \"rule\"\ncommand = \"p.sh\"\nsha256 = \"0000000000000000000000000000000000000000000000000000000000000000\"\n",
    );
    write_as(
        NOBODY,
        &home.join(".muttrc"),
        "set imap_user = mallory\nset imap_pass = \"MalloryPw\"\n\
         set folder = \"imap://imap.example.org/\"\n",
    );
    let root = lab.path().to_str().unwrap();
    let run = maillint(
        &["scan", "--all-users", root, "--output-format", "concise"],
        lab.path(),
        DEADLINE,
    );
    run.finished("scan");
    assert!(!ran.exists(), "{}", run.output);
    assert!(
        run.output.contains("plaintext-password"),
        "the user's config turned it off:\n{}",
        run.output
    );
    assert_eq!(run.code, Some(1), "{}", run.output);
}
