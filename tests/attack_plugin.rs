//! Attacks on plugin trust (`docs/security.md`, "Executables and plugins"): a user's
//! `maillint.toml` declares a plugin with its own correct digest; root runs `check` on that
//! user's file. Nothing may run.

mod attack_support;

use std::os::unix::fs::PermissionsExt;
use std::time::Duration;

use attack_support::{Lab, NOBODY, maillint, running_as_root, write_as};

#[test]
fn plugin_declared_by_another_users_config_is_not_run() {
    if !running_as_root("plugin_declared_by_another_users_config_is_not_run") {
        return;
    }
    let lab = Lab::new();
    let home = lab.home("alice", NOBODY);
    let ran = lab.path().join("plugin-ran-as-root");
    let plugin = home.join("plugin.sh");
    write_as(NOBODY, &plugin, format!("#!/bin/sh\ntouch '{}'\nexit 1\n", ran.display()));
    std::fs::set_permissions(&plugin, std::fs::Permissions::from_mode(0o755)).unwrap();
    let digest = std::process::Command::new("sha256sum").arg(&plugin).output().unwrap();
    let digest = String::from_utf8(digest.stdout).unwrap();
    let digest = digest.split_whitespace().next().unwrap();
    write_as(
        NOBODY,
        &home.join("maillint.toml"),
        format!(
            "[[plugin]]\nname = \"evil\"\nkind = \"rule\"\ncommand = \"plugin.sh\"\n\
             sha256 = \"{digest}\"\n"
        ),
    );
    write_as(NOBODY, &home.join(".muttrc"), "set imap_user = alice\n");

    let run = maillint(
        &["check", home.join(".muttrc").to_str().unwrap()],
        lab.path(),
        Duration::from_secs(30),
    );
    run.finished("check");
    assert!(!ran.exists(), "the plugin ran as root:\n{}", run.output);
    assert_eq!(run.code, Some(2), "{}", run.output);
    assert!(
        run.output.contains("maillint.toml") && run.output.contains("not trusted"),
        "names the file and why:\n{}",
        run.output
    );
}

/// The administrator's own, trusted `maillint.toml` names a plugin program in a folder a user
/// controls, with the program's correct digest. The digest is checked before every start, but
/// that user could swap the file between the check and the start: the program is not run at
/// all. The same for a root-owned program in a folder everyone may write.
#[test]
fn plugin_program_in_a_folder_another_user_controls_is_not_run() {
    if !running_as_root("plugin_program_in_a_folder_another_user_controls_is_not_run") {
        return;
    }
    let lab = Lab::new();
    let alice = lab.home("alice", NOBODY);
    let ran = lab.path().join("plugin-ran-as-root");
    let script = format!("#!/bin/sh\ntouch '{}'\nexit 1\n", ran.display());

    let in_users_folder = alice.join("bin/plugin.sh");
    write_as(NOBODY, &in_users_folder, &script);
    let open_folder = lab.path().join("open");
    std::fs::create_dir(&open_folder).unwrap();
    std::fs::set_permissions(&open_folder, std::fs::Permissions::from_mode(0o777)).unwrap();
    let in_open_folder = open_folder.join("plugin.sh");
    std::fs::write(&in_open_folder, &script).unwrap();

    let muttrc = lab.path().join("admin.muttrc");
    std::fs::write(&muttrc, "set imap_user = admin\n").unwrap();
    for (program, culprit) in
        [(&in_users_folder, "belongs to uid 65534"), (&in_open_folder, "is writable by group")]
    {
        std::fs::set_permissions(program, std::fs::Permissions::from_mode(0o755)).unwrap();
        let digest = std::process::Command::new("sha256sum").arg(program).output().unwrap();
        let digest = String::from_utf8(digest.stdout).unwrap();
        let digest = digest.split_whitespace().next().unwrap().to_owned();
        std::fs::write(
            lab.path().join("maillint.toml"),
            format!(
                "[[plugin]]\nname = \"tool\"\nkind = \"rule\"\ncommand = \"{}\"\n\
                 sha256 = \"{digest}\"\n",
                program.display()
            ),
        )
        .unwrap();
        let run =
            maillint(&["check", muttrc.to_str().unwrap()], lab.path(), Duration::from_secs(30));
        run.finished("check");
        assert!(!ran.exists(), "the plugin ran as root:\n{}", run.output);
        assert_eq!(run.code, Some(2), "{}", run.output);
        assert!(
            run.output.contains("plugin.sh")
                && run.output.contains("not trusted to be run")
                && run.output.contains(culprit),
            "names the program and why:\n{}",
            run.output
        );
    }
}
