//! Attacks on "nothing a config names is run" (`docs/security.md`, "Code execution"): a
//! user's files name commands in every place their clients accept one, each command would
//! leave a marker file, and `check`, `check --fix`, `check --verify` and `scan` run over
//! them as root. Not one marker may appear.
//!
//! The places, from each client's own manual:
//! - mutt/NeoMutt: backticks in any command line, `source "cmd|"`, `tunnel`, hooks and
//!   macros holding either (muttrc(5), "Command Substitution" and `tunnel`);
//! - msmtp: `passwordeval` (msmtp(1), "passwordeval");
//! - mbsync: `PassCmd`, `UserCmd`, `Tunnel` (mbsync(1));
//! - OfflineIMAP: `remotepasseval`, `remoteusereval`, `pythonfile`, `presynchook`,
//!   `postsynchook`, `preauthtunnel`, `transporttunnel` (offlineimap.conf in its repository);
//! - aerc: `source-cred-cmd`, `outgoing-cred-cmd`, and a sendmail command as `outgoing`
//!   (aerc-accounts(5));
//! - Claws Mail: `tunnelcmd` and `mail_command` (src/prefs_account.c).
//! - himalaya: `auth.cmd`, `message.send.backend.cmd` (sendmail) and `message.send.pre-hook`
//!   in 1.x, `password.command` / `token.command` in 2.x (config.sample.toml at v1.1.0 and
//!   v2.0.0).

mod attack_support;

use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use attack_support::{Lab, NOBODY, maillint, running_as_root, write_as};

/// The server every file names; `--verify` finds it on loopback.
const HOST: &str = "mail.example.org";

const DEADLINE: Duration = Duration::from_secs(60);

/// A command that leaves `pwned/<name>` behind when anything runs it.
fn command(pwned: &Path, name: &str) -> String {
    format!("/usr/bin/touch {}", pwned.join(name).display())
}

fn muttrc(pwned: &Path) -> String {
    let c = |name| command(pwned, name);
    format!(
        "set imap_user = alice\n\
         set imap_pass = \"`{}`\"\n\
         set my_secret = `{}`\n\
         set folder = imaps://mail.example.org:1/\n\
         set smtp_url = smtp://alice@mail.example.org:1/\n\
         set tunnel = \"{}\"\n\
         source \"{} |\"\n\
         account-hook . 'set imap_pass=`{}`'\n\
         folder-hook . 'source \"{}|\"'\n\
         macro index ,p \"<shell-escape>{}<enter>\"\n",
        c("mutt-backtick-pass"),
        c("mutt-backtick-my"),
        c("mutt-tunnel"),
        c("mutt-source-pipe"),
        c("mutt-account-hook"),
        c("mutt-folder-hook"),
        c("mutt-macro"),
    )
}

fn msmtprc(pwned: &Path) -> String {
    format!(
        "defaults\ntls off\n\naccount work\nhost mail.example.org\nport 1\nfrom alice@example.org\n\
         auth on\nuser alice\npasswordeval \"{}\"\n\naccount default : work\n",
        command(pwned, "msmtp-passwordeval")
    )
}

fn mbsyncrc(pwned: &Path) -> String {
    format!(
        "IMAPAccount work\nHost mail.example.org\nPort 1\nUserCmd \"{}\"\nPassCmd \"{}\"\n\
         TLSType None\n\nIMAPAccount tunnelled\nTunnel \"{}\"\nPassCmd \"{}\"\n",
        command(pwned, "mbsync-usercmd"),
        command(pwned, "mbsync-passcmd"),
        command(pwned, "mbsync-tunnel"),
        command(pwned, "mbsync-tunnel-passcmd"),
    )
}

fn offlineimaprc(pwned: &Path) -> String {
    let c = |name| command(pwned, name);
    format!(
        "[general]\naccounts = work\npythonfile = {pwned}/helpers.py\n\n\
         [Account work]\nlocalrepository = local\nremoterepository = remote\n\
         presynchook = {}\npostsynchook = {}\n\n\
         [Repository local]\ntype = Maildir\nlocalfolders = ~/Mail\n\n\
         [Repository remote]\ntype = IMAP\nremotehost = mail.example.org\nremoteport = 1\nssl = no\n\
         remoteusereval = __import__('os').system('{}')\n\
         remotepasseval = __import__('os').system('{}')\n\
\n\
         [Repository preauth]\ntype = IMAP\npreauthtunnel = {}\n\n\
         [Repository tunnelled]\ntype = IMAP\ntransporttunnel = {}\n",
        c("offlineimap-presynchook"),
        c("offlineimap-postsynchook"),
        c("offlineimap-usereval"),
        c("offlineimap-passeval"),
        c("offlineimap-preauthtunnel"),
        c("offlineimap-transporttunnel"),
        pwned = pwned.display(),
    )
}

fn aerc_accounts(pwned: &Path) -> String {
    format!(
        "[work]\nsource = imap+insecure://alice@mail.example.org:1\nsource-cred-cmd = {}\n\
         outgoing = smtp://alice@mail.example.org:1\noutgoing-cred-cmd = {}\nfrom = alice@example.org\n\n\
         [local]\nsource = imap://alice@mail.example.org:1\noutgoing = {}\nfrom = alice@example.org\n",
        command(pwned, "aerc-source-cred-cmd"),
        command(pwned, "aerc-outgoing-cred-cmd"),
        command(pwned, "aerc-sendmail"),
    )
}

fn claws_accountrc(pwned: &Path) -> String {
    format!(
        "[Account: 1]\naccount_name=work\nname=Alice\naddress=alice@example.org\nprotocol=0\n\
         receive_server=mail.example.org\nsmtp_server=mail.example.org\nuser_id=alice\n\
         set_popport=1\npop_port=1\nset_smtpport=1\nsmtp_port=1\nssl_pop=0\nssl_smtp=0\n\
         set_tunnelcmd=1\ntunnelcmd={}\nuse_mail_command=1\nmail_command={}\n",
        command(pwned, "claws-tunnelcmd"),
        command(pwned, "claws-mail-command"),
    )
}

fn himalaya_config(pwned: &Path) -> String {
    format!(
        "[accounts.old]\nbackend.type = \"imap\"\nbackend.host = \"mail.example.org\"\n\
         backend.port = 1\nbackend.encryption.type = \"none\"\nbackend.auth.type = \"password\"\n\
         backend.auth.cmd = \"{}\"\nmessage.send.pre-hook = \"{}\"\n\
         message.send.backend.type = \"sendmail\"\nmessage.send.backend.cmd = \"{}\"\n\n\
         [accounts.new]\nimap.server = \"imap://mail.example.org:1\"\n\
         imap.sasl.plain.username = \"alice\"\nimap.sasl.plain.password.command = \"{}\"\n\
         smtp.server = \"smtp://mail.example.org:1\"\nsmtp.sasl.xoauth2.username = \"alice\"\n\
         smtp.sasl.xoauth2.token.command = [\"/usr/bin/touch\", \"{}\"]\n",
        command(pwned, "himalaya-auth-cmd"),
        command(pwned, "himalaya-pre-hook"),
        command(pwned, "himalaya-sendmail"),
        command(pwned, "himalaya-password-command"),
        pwned.join("himalaya-token-command").display(),
    )
}

/// The files of every client, at their real places in a home.
const FILES: [&str; 7] = [
    ".muttrc",
    ".msmtprc",
    ".mbsyncrc",
    ".offlineimaprc",
    ".config/aerc/accounts.conf",
    ".claws-mail/accountrc",
    ".config/himalaya/config.toml",
];

/// A home of `nobody` with every client's files at their real places.
fn armed_home(lab: &Lab, pwned: &Path) -> PathBuf {
    let home = lab.home("alice", NOBODY);
    let texts = [
        muttrc(pwned),
        msmtprc(pwned),
        mbsyncrc(pwned),
        offlineimaprc(pwned),
        aerc_accounts(pwned),
        claws_accountrc(pwned),
        himalaya_config(pwned),
    ];
    for (name, text) in FILES.iter().zip(texts) {
        write_as(NOBODY, &home.join(name), text);
    }
    home
}

/// The markers left behind, if any.
fn markers(pwned: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(pwned)
        .unwrap()
        .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn no_command_a_config_names_is_ever_run() {
    if !running_as_root("no_command_a_config_names_is_ever_run") {
        return;
    }
    let lab = Lab::new();
    let pwned = lab.path().join("pwned");
    std::fs::create_dir(&pwned).unwrap();
    // Writable by everyone, so a command run as any user would leave its marker.
    std::fs::set_permissions(&pwned, std::fs::Permissions::from_mode(0o1777)).unwrap();
    let home = armed_home(&lab, &pwned);
    let files: Vec<String> =
        FILES.iter().map(|name| home.join(name).display().to_string()).collect();
    let home = home.to_str().unwrap();
    let check = |extra: &[&str]| -> Vec<String> {
        let mut args: Vec<String> = ["check", "--output-format", "json"].map(String::from).to_vec();
        args.extend(extra.iter().map(|arg| arg.to_string()));
        args.extend(files.iter().cloned());
        args
    };
    let scan = |extra: &[&str]| -> Vec<String> {
        let mut args: Vec<String> = ["scan", "--output-format", "json"].map(String::from).to_vec();
        args.extend(extra.iter().map(|arg| arg.to_string()));
        args.push(home.to_string());
        args
    };
    // `--verify` connects only to loopback: every port any file could name resolves there.
    let resolve: Vec<String> = [1, 25, 110, 143, 465, 587, 993, 995]
        .iter()
        .flat_map(|port| ["--resolve".to_string(), format!("{HOST}:{port}:127.0.0.1")])
        .collect();
    let verify: Vec<&str> =
        std::iter::once("--verify").chain(resolve.iter().map(String::as_str)).collect();
    let runs = [check(&[]), check(&verify), check(&["--fix"]), scan(&[]), scan(&verify)];
    for args in runs {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let what = args[..args.len().min(4)].join(" ");
        let run = maillint(&args, lab.path(), DEADLINE);
        run.finished(&what);
        // A run that read nothing proves nothing: every client's file gave findings.
        for name in FILES {
            assert!(run.output.contains(name), "{what}: no finding in {name}:\n{}", run.output);
        }
        if args.contains(&"--verify") {
            assert!(run.output.contains("127.0.0.1:1"), "{what} probed loopback:\n{}", run.output);
        }
        assert_eq!(markers(&pwned), Vec::<String>::new(), "{what} ran a command");
    }
}
