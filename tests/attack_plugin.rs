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
