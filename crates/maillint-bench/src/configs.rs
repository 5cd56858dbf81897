//! The smaller formats at real size, after the files in `../shared/corpus`: an msmtprc with
//! a `defaults` block and several accounts (`msmtprc/Nelyah__dotfiles__.msmtprc`), an
//! OfflineIMAP configuration with the sample file's comments
//! (`offlineimaprc/CJNE__dot__.offlineimaprc`), an Evolution mail account source
//! (`fixtures/evolution/parser/sources`) and an Autodiscover response
//! (`fixtures/outlook/autodiscover/good-imap-smtp.xml`, whose shape is Microsoft's
//! POX Autodiscover response, `reference/outlook.md` 4).

use std::fmt::Write as _;

/// Providers of the generated accounts: `(name, IMAP host, SMTP host)`.
const PROVIDERS: &[(&str, &str, &str)] = &[
    ("gmail", "imap.gmail.com", "smtp.gmail.com"),
    ("work", "mail.example.org", "mail.example.org"),
    ("fastmail", "imap.fastmail.com", "smtp.fastmail.com"),
    ("posteo", "posteo.de", "posteo.de"),
    ("uni", "imap.example.edu", "smtp.example.edu"),
    ("office", "outlook.office365.com", "smtp.office365.com"),
];

/// An msmtprc of about 2 KB: defaults, one account per provider, a default account.
pub fn msmtprc() -> String {
    let mut out = String::from(
        "# msmtp configuration\n# Set default values for all following accounts.\ndefaults\n\
         auth           on\ntls            on\ntls_trust_file /etc/ssl/certs/ca-certificates.crt\n\
         logfile        ~/.msmtp.log\n",
    );
    for (i, (name, _, smtp)) in PROVIDERS.iter().enumerate() {
        let port = if i % 2 == 0 { 587 } else { 465 };
        let _ = write!(
            out,
            "\n# {name}\naccount        {name}\nhost           {smtp}\nport           {port}\n\
             from           zoe.{i}@{name}.example\nuser           zoe.{i}@{name}.example\n\
             passwordeval   \"pass show mail/{name}\"\n"
        );
        if port == 465 {
            out.push_str("tls_starttls   off\n");
        }
    }
    out.push_str("\n# Set a default account\naccount default : gmail\n");
    out
}

/// An OfflineIMAP configuration of about 6 KB: the sample's comments, a general section, and
/// an account with a local and a remote repository per provider.
pub fn offlineimaprc() -> String {
    let names: Vec<&str> = PROVIDERS.iter().map(|p| p.0).collect();
    let mut out = String::from(
        "# Offlineimap sample configuration file\n\n# This file documents *all* possible \
         options and can be quite scary.\n# Looking for a quick start?  Take a look at \
         offlineimap.conf.minimal.\n\n##################################################\n\
         # General definitions\n##################################################\n\n\
         [general]\n\n# This variable specifies which accounts are defined.  Separate them\n\
         # with commas.  Account names should be alphanumeric only.\n",
    );
    let _ = writeln!(out, "accounts = {}\nmaxsyncaccounts = 3\nui = ttyui\n", names.join(", "));
    for (i, (name, imap, _)) in PROVIDERS.iter().enumerate() {
        let _ = write!(
            out,
            "##################################################\n# Account {name}\n\
             ##################################################\n\n[Account {name}]\n\
             # Each account has a local and a remote repository.\n\
             localrepository = {name}-local\nremoterepository = {name}-remote\n\
             autorefresh = 5\nquick = 10\n\n[Repository {name}-local]\ntype = Maildir\n\
             localfolders = ~/Mail/{name}\n\n[Repository {name}-remote]\ntype = IMAP\n\
             remotehost = {imap}\nremoteport = 993\nremoteuser = zoe.{i}@{name}.example\n\
             remotepasseval = get_pass(\"{name}\")\nssl = yes\n\
             sslcacertfile = /etc/ssl/certs/ca-certificates.crt\n\
             # Folders to skip during sync.\n\
             folderfilter = lambda foldername: foldername not in ['[Gmail]/All Mail', \
             '[Gmail]/Spam']\nmaxconnections = 2\nholdconnectionopen = yes\n\n"
        );
    }
    out
}

/// Where an Evolution source lives (`~/.config/evolution/sources`).
pub const EVOLUTION_PATH: &str = "/home/zoe/.config/evolution/sources/1700000000.1@host.source";

/// An Evolution mail account source of about 1 KB.
pub fn evolution_source() -> String {
    "[Data Source]\nDisplayName=zoe@example.org\nEnabled=true\nParent=\n\n\
     [Mail Account]\nBackendName=imapx\nIdentityUid=1700000000.2@host\n\
     ArchiveFolder=folder://1700000000.1%40host/Archive\nNeedsInitialSetup=false\n\
     MarkSeen=inconsistent\nMarkSeenTimeout=1500\nBuiltInJunkFilter=false\n\n\
     [Authentication]\nHost=mail.example.org\nMethod=PLAIN\nPort=993\n\
     ProxyUid=system-proxy\nRememberPassword=true\nUser=zoe\nCredentialName=\n\n\
     [Security]\nMethod=ssl-on-alternate-port\n\n[Offline]\nStaySynchronized=true\n\n\
     [Refresh]\nEnabledOnMeteredNetwork=true\nEnabled=true\nIntervalMinutes=30\n\n\
     [Imapx Backend]\nFilterInbox=true\nStoreChangesInterval=3\nLimitByAge=false\n\
     LimitUnit=years\nLimitValue=1\nUseMultiFetch=false\nUseIdle=true\n\
     UseNamespace=false\nUseQresync=true\nUseRealJunkPath=false\nUseRealTrashPath=false\n\
     UseShellCommand=false\nShellCommand=ssh -C -l %u %h exec /usr/sbin/imapd\n\
     ConcurrentConnections=3\nCheckAll=true\nCheckSubscribed=true\n"
        .to_owned()
}

/// An Autodiscover response of about 3 KB: the user, then an email account with IMAP, POP3
/// and SMTP settings, each protocol with the elements Exchange sends.
pub fn autodiscover() -> String {
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<Autodiscover \
         xmlns=\"http://schemas.microsoft.com/exchange/autodiscover/responseschema/2006\">\n  \
         <Response \
         xmlns=\"http://schemas.microsoft.com/exchange/autodiscover/outlook/responseschema/2006a\">\n\
         \x20   <User>\n      <DisplayName>Zoë Ångström</DisplayName>\n      \
         <AutoDiscoverSMTPAddress>zoe@example.org</AutoDiscoverSMTPAddress>\n    </User>\n    \
         <Account>\n      <AccountType>email</AccountType>\n      <Action>settings</Action>\n",
    );
    for (kind, host, port, tls) in [
        ("IMAP", "imap.example.org", 993, "<SSL>on</SSL>"),
        ("POP3", "pop.example.org", 995, "<SSL>on</SSL>"),
        ("SMTP", "smtp.example.org", 587, "<Encryption>TLS</Encryption>"),
    ] {
        let _ = write!(
            out,
            "      <Protocol>\n        <Type>{kind}</Type>\n        <Server>{host}</Server>\n        \
             <Port>{port}</Port>\n        <LoginName>zoe@example.org</LoginName>\n        \
             <DomainRequired>off</DomainRequired>\n        <SPA>off</SPA>\n        {tls}\n        \
             <AuthRequired>on</AuthRequired>\n        <TTL>1</TTL>\n      </Protocol>\n"
        );
    }
    out.push_str("    </Account>\n  </Response>\n</Autodiscover>\n");
    out
}
