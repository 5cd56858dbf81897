//! From mbsync's IMAP servers to maillint's account model: one IMAP endpoint per
//! `IMAPAccount` (or `IMAPStore` with its own settings) that connects to a host.

use maillint_core::{
    Account, AuthMethod, Endpoint, FileId, HostName, Located, Protocol, SecretKind, Security, Span,
    StoredSecret, TlsVersion,
};

use crate::CLIENT;
use crate::config::Server;
use crate::syntax::{Command, Word};
use crate::values;

fn span(file: FileId, word: &Word) -> Span {
    Span::new(file, word.raw.start, word.raw.end)
}

/// The model account of `server`, or `None` when it connects through a `Tunnel` command
/// (mbsync runs it instead of opening a connection) or has no host.
pub fn account(file: FileId, server: &Server, index: usize) -> Option<Account> {
    if server.get("tunnel").is_some() {
        return None;
    }
    let host_word = server.get("host")?.value()?;
    let insert = Span::point(file, server.insert_at);
    let security = security(file, server, insert);
    let endpoint = Endpoint {
        protocol: Protocol::Imap,
        host: Some(Located::explicit(HostName::new(host(&host_word.value)), span(file, host_word))),
        port: Some(port(file, server, security.value, insert)),
        security,
        auth: auth(file, server, insert),
        username: server
            .get("user")
            .and_then(Command::value)
            .map(|w| Located::explicit(w.value.clone(), span(file, w))),
        certificate_verification_disabled: None,
        secrets: server
            .get("pass")
            .and_then(Command::value)
            .map(|w| StoredSecret {
                kind: SecretKind::Password,
                setting: "Pass".to_owned(),
                span: span(file, w),
            })
            .into_iter()
            .collect(),
        tls_versions: tls_versions(file, server),
        span: span(file, host_word),
        locator: format!("server:{index}"),
    };
    Some(Account {
        client: CLIENT,
        name: server.name.clone(),
        email: None,
        span: Span::new(file, server.name_range.start, server.name_range.end),
        endpoints: vec![endpoint],
    })
}

/// The host without v1.4.4's deprecated URL notation (`imaps://host`: "URL notation is
/// deprecated; use a plain host name and possibly 'SSLType IMAPS' instead").
pub fn host(value: &str) -> &str {
    let rest =
        value.strip_prefix("imaps:").or_else(|| value.strip_prefix("imap:")).unwrap_or(value);
    rest.strip_prefix("//").unwrap_or(rest)
}

/// The `SSLType`/`TLSType` line that applies: the later of the two.
pub fn tls_type_line(server: &Server) -> Option<&Command> {
    ["ssltype", "tlstype"].iter().filter_map(|k| server.get(k)).max_by_key(|c| c.number)
}

/// `SSLType`/`TLSType`, else v1.4.4's legacy options or `imaps:` host, else STARTTLS ("the
/// default unless Tunnel"), which mbsync requires: "IMAP error: SSL support not available"
/// ends the session when the server does not offer it.
fn security(file: FileId, server: &Server, insert: Span) -> Located<Security> {
    if let Some(line) = tls_type_line(server)
        && let Some(word) = line.value()
        && let Some(security) = values::tls_type(&word.value)
    {
        return Located::explicit(security, span(file, word));
    }
    if let Some(legacy) = values::legacy(server) {
        let reason = "mbsync 1.4's legacy options (`UseIMAPS`, `RequireSSL`, `UseTLSv1*`)";
        return Located::derived(legacy.security, span(file, &legacy.deciding.keyword), reason);
    }
    if let Some(word) = server.get("host").and_then(Command::value)
        && word.value.starts_with("imaps:")
    {
        return Located::derived(
            Security::ImplicitTls,
            span(file, word),
            "mbsync 1.4 reads `imaps:` as SSLType IMAPS",
        );
    }
    Located::default(
        Security::StarttlsRequired,
        insert,
        "mbsync requires STARTTLS unless `SSLType`/`TLSType` says otherwise",
    )
}

/// `Port`, else 993 for IMAPS and 143 otherwise.
fn port(file: FileId, server: &Server, security: Security, insert: Span) -> Located<u16> {
    if let Some(word) = server.get("port").and_then(Command::value)
        && let Some(port) = values::port(&word.value)
    {
        return Located::explicit(port, span(file, word));
    }
    let port = if security == Security::ImplicitTls { 993 } else { 143 };
    Located::default(port, insert, "mbsync uses port 993 with IMAPS and 143 otherwise")
}

/// `AuthMechs`: without it, `*`, "all mechanisms that are secure enough for the current TLS
/// setting" (mbsync.1), which maillint cannot know.
fn auth(file: FileId, server: &Server, insert: Span) -> Located<AuthMethod> {
    let Some(line) = server.get("authmechs").or_else(|| server.get("authmech")) else {
        return Located::default(
            AuthMethod::Unknown,
            insert,
            "mbsync tries every mechanism the server and SASL offer (`AuthMechs *`)",
        );
    };
    let methods: Vec<AuthMethod> = line.args.iter().map(|w| mechanism(&w.value)).collect();
    let method = match methods.split_first() {
        Some((first, rest)) if rest.iter().all(|m| m == first) => *first,
        _ => AuthMethod::Unknown,
    };
    let first = line.value().map_or(&line.keyword, |w| w);
    Located::explicit(method, span(file, first))
}

fn mechanism(name: &str) -> AuthMethod {
    match name.to_ascii_uppercase().as_str() {
        "LOGIN" | "PLAIN" => AuthMethod::PasswordCleartext,
        "CRAM-MD5" | "DIGEST-MD5" | "SCRAM-SHA-1" | "SCRAM-SHA-256" => {
            AuthMethod::PasswordEncrypted
        }
        "XOAUTH2" | "OAUTHBEARER" => AuthMethod::Oauth2,
        "GSSAPI" => AuthMethod::Gssapi,
        "EXTERNAL" => AuthMethod::TlsCertificate,
        _ => AuthMethod::Unknown,
    }
}

/// The TLS versions the file enables: `TLSVersions +1.x`, the `TLSv1*` words of
/// `SSLVersions` (which lists all that are allowed), and v1.4.4's legacy options (TLS 1.0
/// stays on with them unless `UseTLSv1 no`).
fn tls_versions(file: FileId, server: &Server) -> Vec<Located<TlsVersion>> {
    let mut out = Vec::new();
    if let Some(line) = server.get("tlsversions") {
        for word in &line.args {
            if let Ok((true, version)) = values::tls_version(&word.value) {
                out.push(Located::explicit(version, span(file, word)));
            }
        }
    }
    for key in ["sslversions", "sslversion"] {
        for word in server.get(key).map(|l| l.args.as_slice()).unwrap_or_default() {
            if let Ok(Some(version)) = values::ssl_version(&word.value) {
                out.push(Located::explicit(version, span(file, word)));
            }
        }
    }
    if let Some(legacy) = values::legacy(server) {
        for (version, command) in &legacy.versions {
            out.push(Located::explicit(*version, span(file, &command.keyword)));
        }
        if legacy.security != Security::None && server.get("usetlsv1").is_none() {
            let reason = "mbsync 1.4's legacy options leave TLS 1.0 on unless `UseTLSv1 no`";
            let at = span(file, &legacy.deciding.keyword);
            out.push(Located::derived(TlsVersion::Tls1_0, at, reason));
        }
    }
    out
}
