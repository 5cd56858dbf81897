//! The Linux desktop clients (Evolution, KMail, Geary, Claws Mail) end to end, through the
//! binary: each format is listed by `formats`, read by `check` by path and by content, and
//! found by `scan --all-users` at its real place in a home where it is the only client, with
//! plaintext IMAP/SMTP reported as `tls-disabled` and a port paired with the wrong security as
//! `port-security-mismatch`.

#![cfg(unix)]

mod support;

use std::path::Path;

use support::{maillint, write};

/// One client's files in a home, and what `scan` must report.
struct Case {
    /// The client id in `scan`'s output and in the client column of `formats`.
    client: &'static str,
    /// Files relative to the home, with their content.
    files: &'static [(&'static str, &'static str)],
    /// For each rule, the file (of `files`) its finding is reported in.
    findings: &'static [(&'static str, &'static str)],
    /// A file that is detected by its content alone, and a rule it triggers.
    by_content: (&'static str, &'static str),
    /// Files of `files` the client does not read there, which `scan` must leave alone.
    ignored: &'static [&'static str],
}

const EVOLUTION_ACCOUNT: &str = "[Data Source]\nDisplayName=alice@example.org\nParent=\n\n\
    [Mail Account]\nBackendName=imapx\nIdentityUid=ident\n\n\
    [Authentication]\nHost=imap.example.org\nPort=143\nUser=alice\nMethod=PLAIN\n\n\
    [Security]\nMethod=none\n";

const EVOLUTION: Case = Case {
    client: "evolution",
    files: &[
        (".config/evolution/sources/acct.source", EVOLUTION_ACCOUNT),
        // Not in the sources folder: the registry never reads it.
        (".config/evolution/acct.source", EVOLUTION_ACCOUNT),
        (
            ".config/evolution/sources/ident.source",
            "[Data Source]\nParent=acct\n\n[Mail Identity]\nAddress=alice@example.org\n\n\
             [Mail Submission]\nTransportUid=trans\n",
        ),
        (
            ".config/evolution/sources/trans.source",
            "[Data Source]\nParent=acct\n\n[Mail Transport]\nBackendName=smtp\n\n\
             [Authentication]\nHost=smtp.example.org\nPort=465\n\n\
             [Security]\nMethod=starttls-on-standard-port\n",
        ),
    ],
    findings: &[
        ("tls-disabled", ".config/evolution/sources/acct.source"),
        ("port-security-mismatch", ".config/evolution/sources/trans.source"),
    ],
    by_content: (EVOLUTION_ACCOUNT, "tls-disabled"),
    ignored: &[".config/evolution/acct.source"],
};

const KMAIL_IMAP: &str = "[network]\nImapServer=imap.example.org\nImapPort=143\nSafety=None\n\
    UserName=alice\n";

const KMAIL: Case = Case {
    client: "kmail",
    files: &[
        (".config/akonadi_imap_resource_0rc", KMAIL_IMAP),
        (
            ".config/mailtransports",
            "[Transport 77]\nauth=true\nencryption=TLS\nhost=smtp.example.org\nid=77\n",
        ),
        // Not a resource KMail reads: the name's number is missing.
        (".config/akonadi_imap_resource_rc", KMAIL_IMAP),
    ],
    findings: &[
        ("tls-disabled", ".config/akonadi_imap_resource_0rc"),
        ("port-security-mismatch", ".config/mailtransports"),
    ],
    by_content: (KMAIL_IMAP, "tls-disabled"),
    ignored: &[".config/akonadi_imap_resource_rc"],
};

/// Flathub's KMail (`org.kde.kmail2`) keeps the same files in its sandbox's config folder.
const KMAIL_FLATPAK: Case = Case {
    client: "kmail",
    files: &[
        (".var/app/org.kde.kmail2/config/akonadi_imap_resource_3rc", KMAIL_IMAP),
        (
            ".var/app/org.kde.kmail2/config/mailtransports",
            "[Transport 77]\nauth=true\nencryption=TLS\nhost=smtp.example.org\nid=77\n",
        ),
        // Another app's sandbox: KMail does not read it.
        (".var/app/org.example.Other/config/akonadi_imap_resource_0rc", KMAIL_IMAP),
    ],
    findings: &[
        ("tls-disabled", ".var/app/org.kde.kmail2/config/akonadi_imap_resource_3rc"),
        ("port-security-mismatch", ".var/app/org.kde.kmail2/config/mailtransports"),
    ],
    by_content: (KMAIL_IMAP, "tls-disabled"),
    ignored: &[".var/app/org.example.Other/config/akonadi_imap_resource_0rc"],
};

const GEARY_INI: &str = "[Metadata]\nversion=1\n\n[Account]\nservice_provider=other\n\
    sender_mailboxes=Alice <alice@example.org>;\n\n\
    [Incoming]\nhost=imap.example.org\nport=143\ntransport_security=none\ncredentials=custom\n\n\
    [Outgoing]\nhost=smtp.example.org\nport=587\ntransport_security=transport\n\
    credentials=use-incoming\n";

const GEARY: Case = Case {
    client: "geary",
    files: &[(".config/geary/account_01/geary.ini", GEARY_INI)],
    findings: &[
        ("tls-disabled", ".config/geary/account_01/geary.ini"),
        ("port-security-mismatch", ".config/geary/account_01/geary.ini"),
    ],
    by_content: (GEARY_INI, "tls-disabled"),
    ignored: &[],
};

const CLAWS_ACCOUNTRC: &str = "[Account: 1]\naccount_name=Work\naddress=alice@example.org\n\
    protocol=1\nreceive_server=imap.example.org\nsmtp_server=smtp.example.org\nuser_id=alice\n\
    ssl_imap=0\nset_imapport=1\nimap_port=143\nssl_smtp=2\nset_smtpport=1\nsmtp_port=465\n";

const CLAWS: Case = Case {
    client: "claws-mail",
    files: &[
        (".claws-mail/accountrc", CLAWS_ACCOUNTRC),
        // No primary passphrase: the key is the one built into Claws Mail.
        (".claws-mail/passwordstorerc", "[config_version:1]\n[account:1]\nrecv c2VjcmV0\n"),
        // Claws Mail has no XDG folder: not read.
        (".config/claws-mail/accountrc", CLAWS_ACCOUNTRC),
    ],
    findings: &[
        ("tls-disabled", ".claws-mail/accountrc"),
        ("port-security-mismatch", ".claws-mail/accountrc"),
        ("plaintext-password", ".claws-mail/passwordstorerc"),
    ],
    by_content: (CLAWS_ACCOUNTRC, "tls-disabled"),
    ignored: &[".config/claws-mail/accountrc"],
};

const CASES: &[Case] = &[EVOLUTION, KMAIL, KMAIL_FLATPAK, GEARY, CLAWS];

/// The rules of the json-lines findings of `check PATH`.
fn rules_of_check(path: &Path) -> Vec<String> {
    let output = maillint(&[
        "check",
        "--output-format",
        "json-lines",
        "--color",
        "never",
        path.to_str().unwrap(),
    ]);
    let stdout = String::from_utf8(output.stdout).unwrap();
    stdout
        .lines()
        .map(|line| {
            let item: serde_json::Value = serde_json::from_str(line).unwrap();
            item["rule"].as_str().unwrap().to_owned()
        })
        .collect()
}

#[test]
fn formats_lists_every_desktop_client() {
    let output = maillint(&["formats"]);
    let stdout = String::from_utf8(output.stdout).unwrap();
    for case in CASES {
        assert!(
            stdout.lines().any(|line| line.split_whitespace().nth(1) == Some(case.client)),
            "{} missing from:\n{stdout}",
            case.client
        );
    }
}

#[test]
fn scan_finds_each_client_where_it_keeps_its_files() {
    for case in CASES {
        let tmp = tempfile::tempdir().unwrap();
        let home = tmp.path().join("user");
        for (file, content) in case.files {
            write(&home.join(file), content);
        }
        let root = tmp.path().to_str().unwrap();
        let output = maillint(&["scan", "--all-users", root, "--output-format", "json"]);
        let items: Vec<serde_json::Value> = serde_json::from_slice(&output.stdout).unwrap();
        for (rule, file) in case.findings {
            let path = home.join(file);
            assert!(
                items.iter().any(|item| item["client"] == case.client
                    && item["user"] == "user"
                    && item["rule"] == *rule
                    && item["path"].as_str() == path.to_str()),
                "{}: no {rule} in {}: {items:#?}",
                case.client,
                path.display()
            );
        }
        for file in case.ignored {
            let path = home.join(file);
            assert!(
                !items.iter().any(|item| item["path"].as_str() == path.to_str()),
                "{}: {} is not read by the client but was scanned",
                case.client,
                path.display()
            );
        }
        // `check` on the same file by its path.
        for (rule, file) in case.findings {
            let rules = rules_of_check(&home.join(file));
            assert!(rules.iter().any(|r| r == rule), "{}: check {file}: {rules:?}", case.client);
        }
    }
}

#[test]
fn check_reads_each_format_by_content() {
    for case in CASES {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("exported-settings.txt");
        write(&path, case.by_content.0);
        let rules = rules_of_check(&path);
        assert!(rules.iter().any(|r| r == case.by_content.1), "{}: {rules:?}", case.client);
    }
}
