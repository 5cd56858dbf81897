//! The Ansible role in `contrib/ansible/` runs for real: ansible-core (from PyPI; `.ci/run`
//! installs it in a venv) plays it against three inventory hosts on this machine
//! (`ansible_connection=local`), each with its own homes root, and the merged report on the
//! controller counts every user of every host. Without `ansible-playbook` the test says
//! SKIPPED, and fails under CI.

#![cfg(unix)]

mod attack_support;

use std::fs;
use std::path::Path;
use std::process::Command;

use attack_support::have_program;

const MUTTRC: &str = "set imap_user = \"u@example.org\"\nset imap_pass = \"s3cret\"\n\
    set folder = \"imaps://imap.example.org:993/\"\n";

#[test]
fn the_playbook_scans_three_hosts_and_merges_every_user() {
    if !have_program("ansible-playbook", "the_playbook_scans_three_hosts_and_merges_every_user") {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let mut inventory = String::from("[fleet]\n");
    // host1 has 1 home, host2 2, host3 3; every home one muttrc with a stored password.
    for host in 1..=3 {
        let root = tmp.path().join(format!("homes{host}"));
        for user in 0..host {
            let home = root.join(format!("user{host}{user}"));
            fs::create_dir_all(&home).unwrap();
            fs::write(home.join(".muttrc"), MUTTRC).unwrap();
        }
        inventory.push_str(&format!(
            "host{host} ansible_connection=local maillint_homes_root={} \
             maillint_remote_dir={}\n",
            root.display(),
            tmp.path().join(format!("remote{host}")).display()
        ));
    }
    let python = std::env::var("ANSIBLE_PYTHON").unwrap_or_else(|_| "/usr/bin/python3".to_owned());
    inventory.push_str(&format!("\n[fleet:vars]\nansible_python_interpreter={python}\n"));
    fs::write(tmp.path().join("inventory"), inventory).unwrap();

    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let reports = tmp.path().join("reports");
    let output = Command::new("ansible-playbook")
        .arg("-i")
        .arg(tmp.path().join("inventory"))
        .arg(repo.join("contrib/ansible/playbook.yml"))
        .arg("-e")
        .arg(format!("maillint_binary={}", env!("CARGO_BIN_EXE_maillint")))
        .arg("-e")
        .arg(format!("maillint_report_dir={}", reports.display()))
        .env("ANSIBLE_LOCAL_TEMP", tmp.path().join("ansible-local"))
        .env("ANSIBLE_REMOTE_TEMP", tmp.path().join("ansible-remote"))
        .env("ANSIBLE_NOCOLOR", "1")
        .env("ANSIBLE_HOST_KEY_CHECKING", "0")
        .output()
        .expect("ansible-playbook runs");
    let log = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(output.status.success(), "{log}");

    for host in 1..=3 {
        assert!(reports.join(format!("host{host}.json")).is_file(), "fetched host{host}'s report");
    }
    let merged: serde_json::Value =
        serde_json::from_slice(&fs::read(reports.join("merged.json")).unwrap()).unwrap();
    assert_eq!(merged["totals"]["hosts"], 3);
    assert_eq!(merged["totals"]["homes"], 6, "every user of every host");
    let users: Vec<String> = merged["users"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| format!("{}/{}", u["host"].as_str().unwrap(), u["user"].as_str().unwrap()))
        .collect();
    assert_eq!(
        users,
        [
            "host1/user10",
            "host2/user20",
            "host2/user21",
            "host3/user30",
            "host3/user31",
            "host3/user32"
        ]
    );
    assert_eq!(merged["totals"]["users_affected"], 6, "a stored password each");
    let html = fs::read_to_string(reports.join("merged.html")).unwrap();
    assert!(html.contains("<td>host3</td>"), "the HTML has the host column");
}
