//! kmailtransport's `$XDG_CONFIG_HOME/mailtransports`: one `[Transport <id>]` group per
//! outgoing server, with the entries of `src/mailtransport.kcfg` (KDE/kmailtransport).

use maillint_core::{
    Account, AuthMethod, Endpoint, Located, Protocol, SecretKind, Security, Span, StoredSecret,
};

use crate::CLIENT;
use crate::imap::{AUTH_TYPES, auth_method};
use crate::kconfig::{self, KConfigFile, boolean, enum_index};

/// The prefix of a transport's group (`<group name="Transport $(transportId)">`).
const GROUP_PREFIX: &str = "Transport ";

/// The choices of `encryption`, in index order: `None`, `SSL` ("SSL/TLS encryption") and
/// `TLS` ("STARTTLS encryption"). `SmtpJob` (`src/plugins/smtp/smtpjob.cpp`) maps them to
/// `KSmtp::Session::Unencrypted`, `TLS` and `STARTTLS`; KSMTP's STARTTLS fails when the server
/// does not offer it ("STARTTLS is not supported by the server", KDE/ksmtp `loginjob.cpp`).
pub const ENCRYPTIONS: &[(&str, Security)] = &[
    ("None", Security::None),
    ("SSL", Security::ImplicitTls),
    ("TLS", Security::StarttlsRequired),
];

/// The transports' group names, in order.
pub fn groups(file: &KConfigFile) -> Vec<String> {
    file.0
        .doc
        .group_names()
        .into_iter()
        .filter(|name| name.starts_with(GROUP_PREFIX))
        .map(str::to_owned)
        .collect()
}

/// The accounts of every SMTP transport with a host, and the spans of stored passwords.
pub fn accounts(file: &KConfigFile) -> (Vec<Account>, Vec<Span>) {
    let mut accounts = Vec::new();
    let mut secrets = Vec::new();
    for group in groups(file) {
        // A stored password counts wherever it is, even in a transport that is not SMTP.
        if let Some(password) = file.literal(&group, "password") {
            secrets.push(password.span);
        }
        if let Some(account) = account(file, &group) {
            accounts.push(account);
        }
    }
    (accounts, secrets)
}

fn account(file: &KConfigFile, group: &str) -> Option<Account> {
    // `identifier` (default `SMTP`) names the transport plugin; `sendmail` and the EWS
    // resource do not speak SMTP to a server.
    if file.value(group, "identifier").is_some_and(|v| v.text != "SMTP") {
        return None;
    }
    let host = file.value(group, "host").filter(|v| !v.text.is_empty())?;
    let endpoint = Endpoint {
        protocol: Protocol::Smtp,
        host: (!host.expanded)
            .then(|| Located::explicit(maillint_core::HostName::new(host.text), host.span)),
        // `port`: kcfg default 465, whatever the encryption.
        port: kconfig::port(file, group, "port", ("mailtransport.kcfg", 465)),
        security: security(file, group),
        auth: auth(file, group),
        username: file.literal(group, "user").map(|v| Located::explicit(v.text.to_owned(), v.span)),
        certificate_verification_disabled: None,
        secrets: password(file, group).into_iter().collect(),
        tls_versions: Vec::new(),
        span: host.span,
        locator: group.to_owned(),
    };
    let name = file.literal(group, "name").map_or_else(|| group.to_owned(), |v| v.text.to_owned());
    Some(Account {
        client: CLIENT,
        name,
        email: None,
        span: file.whole(),
        endpoints: vec![endpoint],
    })
}

/// `encryption` (default `SSL`).
fn security(file: &KConfigFile, group: &str) -> Located<Security> {
    let Some(v) = file.value(group, "encryption") else {
        return Located::default(
            Security::ImplicitTls,
            file.insert_at(group),
            "`encryption` defaults to SSL (mailtransport.kcfg)",
        );
    };
    let names: Vec<&str> = ENCRYPTIONS.iter().map(|(name, _)| *name).collect();
    match enum_index(v.text, &names).and_then(|i| ENCRYPTIONS.get(i)) {
        Some(&(_, security)) if !v.expanded => Located::explicit(security, v.span),
        _ => Located::derived(Security::Unknown, v.span, "not one of None, SSL, TLS"),
    }
}

/// The word `encryption` takes for `security`.
pub fn encryption_word(security: Security) -> Option<&'static str> {
    ENCRYPTIONS.iter().find(|(_, s)| *s == security).map(|(name, _)| *name)
}

/// `auth` (`requiresAuthentication`, default false) and `authtype` (default `PLAIN`).
fn auth(file: &KConfigFile, group: &str) -> Located<AuthMethod> {
    let required = file.value(group, "auth");
    if !required.and_then(|v| boolean(v.text)).unwrap_or(false) {
        let at = required.map_or_else(|| file.insert_at(group), |v| v.span);
        return Located::default(AuthMethod::None, at, "`auth` is false: no SMTP AUTH");
    }
    match file.value(group, "authtype") {
        Some(v) => {
            let method = enum_index(v.text, AUTH_TYPES).map_or(AuthMethod::Unknown, auth_method);
            Located::explicit(method, v.span)
        }
        None => Located::default(
            AuthMethod::PasswordCleartext,
            file.insert_at(group),
            "`authtype` defaults to PLAIN (mailtransport.kcfg)",
        ),
    }
}

/// `password`: written by `Transport::usrSave` when the wallet cannot take it, scrambled with
/// `KStringHandler::obscure` (`src/transport.cpp`), which is its own inverse and uses no key:
/// anyone who reads the file reads the password. `Transport::usrRead` reads it whenever
/// `storepass` is true.
fn password(file: &KConfigFile, group: &str) -> Option<StoredSecret> {
    let password = file.literal(group, "password")?;
    Some(StoredSecret {
        kind: SecretKind::Password,
        setting: "password".to_owned(),
        span: password.span,
    })
}
