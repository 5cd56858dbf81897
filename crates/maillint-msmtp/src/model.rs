//! From msmtp's accounts to maillint's account model: one SMTP endpoint per account that
//! connects to a host, with the span of every value and the reason for every default.

use maillint_core::{
    Account, AuthMethod, Endpoint, FileId, HostName, Located, Protocol, SecretKind, Security, Span,
    StoredSecret,
};

use crate::CLIENT;
use crate::config::{AccountConfig, Setting};
use crate::resolve::Auth;

/// Builds the model account of `account`, or `None` when it makes no SMTP connection to a
/// host: LMTP (`protocol lmtp`), a unix socket (`socket` "overrides both host/port"), or no
/// host at all (msmtp refuses such an account: "host not set"; it is often only a parent that
/// other accounts inherit from).
pub fn account(file: FileId, text: &str, config: &AccountConfig, index: usize) -> Option<Account> {
    if config.is_lmtp(text) || config.non_empty("socket", text).is_some() {
        return None;
    }
    let host = config.get("host").filter(|s| !s.argument(text).is_empty())?;
    let at =
        |setting: &Setting| Span::new(file, setting.line.argument.start, setting.line.argument.end);
    let insert = Span::point(file, config.insert_at);
    let email = config
        .get("from")
        .filter(|s| !s.argument(text).is_empty())
        .map(|s| Located::explicit(s.argument(text).to_owned(), at(s)));
    let endpoint = Endpoint {
        protocol: Protocol::Smtp,
        host: Some(Located::explicit(HostName::new(host.argument(text)), at(host))),
        port: Some(port(file, text, config, insert)),
        security: security(file, text, config, insert),
        auth: auth(file, text, config, insert),
        username: config
            .get("user")
            .filter(|s| !s.argument(text).is_empty())
            .map(|s| Located::explicit(s.argument(text).to_owned(), at(s))),
        certificate_verification_disabled: certificate_check(file, text, config),
        secrets: secret(file, text, config).into_iter().collect(),
        tls_versions: Vec::new(),
        span: at(host),
        locator: format!("account:{index}"),
    };
    Some(Account {
        client: CLIENT,
        name: config.id.clone(),
        email,
        span: Span::new(file, config.id_range.start, config.id_range.end),
        endpoints: vec![endpoint],
    })
}

/// The span that decides a setting: its argument, or the command when the argument is empty
/// (`tls` alone means `tls on`).
pub fn deciding_span(file: FileId, setting: &Setting) -> Span {
    let line = &setting.line;
    let range = if line.argument.is_empty() { &line.command } else { &line.argument };
    Span::new(file, range.start, range.end)
}

fn port(file: FileId, text: &str, config: &AccountConfig, insert: Span) -> Located<u16> {
    match (config.get("port"), config.written_port(text)) {
        (Some(setting), Some(port)) => Located::explicit(port, deciding_span(file, setting)),
        _ => {
            let port = config.port(text);
            let reason = if port == 465 {
                "msmtp uses port 465 when `tls` is on and `tls_starttls` off"
            } else {
                "msmtp uses port 25 unless `tls` is on and `tls_starttls` off"
            };
            Located::default(port, insert, reason)
        }
    }
}

/// `tls off` is no TLS; `tls on` is STARTTLS, which msmtp requires once `tls` is on ("the
/// server does not support TLS via the STARTTLS command" ends the session, `src/msmtp.c`), or
/// TLS from the first byte with `tls_starttls off`.
fn security(file: FileId, text: &str, config: &AccountConfig, insert: Span) -> Located<Security> {
    let Some(tls) = config.get("tls").filter(|_| config.tls(text)) else {
        return match config.get("tls") {
            Some(off) => Located::explicit(Security::None, deciding_span(file, off)),
            None => Located::default(Security::None, insert, "msmtp's `tls` is off unless set"),
        };
    };
    match (config.get("tls_starttls"), config.starttls(text)) {
        (Some(starttls), true) => {
            Located::explicit(Security::StarttlsRequired, deciding_span(file, starttls))
        }
        (Some(starttls), false) => {
            Located::explicit(Security::ImplicitTls, deciding_span(file, starttls))
        }
        (None, _) => Located::derived(
            Security::StarttlsRequired,
            deciding_span(file, tls),
            "`tls` is on and `tls_starttls` is on unless set",
        ),
    }
}

/// `auth`. Without it msmtp does not authenticate. `auth on` lets msmtp choose (`smtp_auth` in
/// `src/smtp.c`): with TLS active, PLAIN first, then SCRAM, CRAM-MD5, DIGEST-MD5, LOGIN, NTLM;
/// without TLS only SCRAM; never OAuth2 or GSSAPI.
fn auth(file: FileId, text: &str, config: &AccountConfig, insert: Span) -> Located<AuthMethod> {
    let Some(setting) = config.get("auth") else {
        return Located::default(
            AuthMethod::None,
            insert,
            "msmtp does not authenticate unless `auth` is set",
        );
    };
    let span = deciding_span(file, setting);
    let method = match config.auth(text) {
        Auth::None => AuthMethod::None,
        Auth::Choose if config.tls(text) => {
            return Located::derived(
                AuthMethod::PasswordCleartext,
                span,
                "with TLS, `auth on` chooses PLAIN when the server offers it",
            );
        }
        Auth::Choose => {
            return Located::derived(
                AuthMethod::PasswordEncrypted,
                span,
                "without TLS, `auth on` chooses only SCRAM",
            );
        }
        Auth::Method("plain" | "login") => AuthMethod::PasswordCleartext,
        Auth::Method("cram-md5" | "digest-md5" | "scram-sha-1" | "scram-sha-256") => {
            AuthMethod::PasswordEncrypted
        }
        Auth::Method("gssapi") => AuthMethod::Gssapi,
        Auth::Method("external") => AuthMethod::TlsCertificate,
        Auth::Method("ntlm") => AuthMethod::Ntlm,
        Auth::Method("oauthbearer" | "xoauth2") => AuthMethod::Oauth2,
        Auth::Method(_) => AuthMethod::Unknown,
    };
    Located::explicit(method, span)
}

/// `tls_certcheck off` (or 1.2.x's `tls_nocertcheck`) with TLS on: "When the checks are
/// disabled, TLS sessions will not be secure!". Without TLS there is no certificate to check.
fn certificate_check(file: FileId, text: &str, config: &AccountConfig) -> Option<Located<bool>> {
    let setting = config.get("tls_certcheck")?;
    (config.tls(text) && !config.certcheck(text))
        .then(|| Located::explicit(true, deciding_span(file, setting)))
}

/// `password SECRET`: "Consider using the passwordeval command or a key ring instead of this
/// command, to avoid storing cleartext passwords in the configuration file".
fn secret(file: FileId, text: &str, config: &AccountConfig) -> Option<StoredSecret> {
    let setting = config.get("password").filter(|s| !s.argument(text).is_empty())?;
    let range = &setting.line.argument;
    Some(StoredSecret {
        kind: SecretKind::Password,
        setting: "password".to_owned(),
        span: Span::new(file, range.start, range.end),
    })
}
