//! The 2.x layout: `imap` and `smtp` tables in `[accounts.NAME]`, each with a `server` (a URL
//! or a bare authority), `starttls`, and one `sasl.<mechanism>` table.
//!
//! Every key and default is read from himalaya's own code at tag v2.0.0 and the client crates it
//! connects with:
//!
//! * `config.sample.toml` and `src/config.rs` (`ImapConfig`, `SmtpConfig`, `parse_server`): a
//!   server without `://` is `imaps://` / `smtps://`; the schemes are `imap`, `imaps`, `unix`
//!   (`smtp`, `smtps`, `unix`); `starttls` is a bool that defaults to `false`; `sasl` is one of
//!   `anonymous`, `login`, `plain` (`username` alias of `authcid`, `password` alias of
//!   `passwd`), `oauthbearer`, `xoauth2` (`token`), `scram-sha-256`; no `sasl` table means no
//!   authentication at all.
//! * io-imap 0.3.1 `src/client.rs` (`default_port`, `ImapClientStd::connect`): `imap://` is plain
//!   TCP on 143, `imaps://` TLS on 993; `starttls = true` sends STARTTLS and upgrades the stream
//!   (the handshake fails without it), and is refused on `imaps://` (`StartTlsOverTls`).
//! * io-smtp `src/client.rs` (`SmtpClientStd::connect`, as himalaya's `src/smtp/client.rs` says:
//!   "match io-smtp's own connection defaults (465 for smtps)"): `smtp://` is plain TCP on 25,
//!   `smtps://` TLS on 465, the same `starttls` rule.
//! * pimalaya/config `src/secret.rs`: a secret is `raw` (the literal) or `command`/`cmd` (run
//!   by himalaya; maillint never runs it).

use maillint_core::builtin::ParseError;
use maillint_core::{
    AuthMethod, Diagnostic, Endpoint, FileId, HostName, Located, Protocol, SecretKind, Security,
    Span, StoredSecret,
};
use toml::de::DeTable;

use crate::anchor::Anchor;
use crate::doc::{self, Entry};
use crate::server::Server;

/// What a fix needs to rewrite one 2.x endpoint.
#[derive(Clone, Debug)]
pub(crate) struct ServerEdit {
    /// The span of the `server` value, quotes included.
    pub value: std::ops::Range<usize>,
    /// The server as himalaya reads it (quotes and escapes undone).
    pub text: String,
    /// The server as parsed.
    pub server: Server,
    /// Its scheme in effect (`imaps` for a bare authority).
    pub scheme: String,
    /// The TLS scheme a bare authority gets (`imaps`, `smtps`).
    pub bare_scheme: &'static str,
    /// The `starttls` value's span and value.
    pub starttls: Option<(std::ops::Range<usize>, bool)>,
    /// Where `starttls = …` goes when the file has none.
    pub anchor: Option<Anchor>,
}

/// The names of one protocol's table and schemes.
struct Names {
    table: &'static str,
    protocol: Protocol,
    plain: &'static str,
    tls: &'static str,
    ports: (u16, u16),
    ports_from: &'static str,
}

const IMAP: Names = Names {
    table: "imap",
    protocol: Protocol::Imap,
    plain: "imap",
    tls: "imaps",
    ports: (143, 993),
    ports_from: "io-imap 0.3.1 `default_port`",
};

const SMTP: Names = Names {
    table: "smtp",
    protocol: Protocol::Smtp,
    plain: "smtp",
    tls: "smtps",
    ports: (25, 465),
    ports_from: "io-smtp `SmtpClientStd::connect`",
};

/// The IMAP and SMTP endpoints of one account table in the 2.x layout.
pub(crate) fn endpoints(
    file: FileId,
    text: &str,
    account: &DeTable<'_>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<(Endpoint, ServerEdit)> {
    [IMAP, SMTP]
        .iter()
        .filter_map(|names| {
            let table = doc::get(account, names.table)?.table()?;
            endpoint(file, text, names, table, diagnostics)
        })
        .collect()
}

fn endpoint(
    file: FileId,
    text: &str,
    names: &Names,
    table: &DeTable<'_>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<(Endpoint, ServerEdit)> {
    let entry = doc::get(table, "server")?;
    let server = Server::parse(entry.str()?)?;
    let content = doc::literal_content(text, &entry);
    // A part's span: its own text when the value is written as is, else the whole value.
    let at = |r: &std::ops::Range<usize>| match &content {
        Some(c) => Span::new(file, c.start + r.start, c.start + r.end),
        None => Span::new(file, entry.span().start, entry.span().end),
    };
    let scheme = server.scheme.as_ref().map_or(names.tls, |(s, _)| s.as_str()).to_owned();
    if scheme != names.plain && scheme != names.tls {
        return None; // `unix://`: a local socket proxy, no network (CHANGELOG 2.0.0, #264).
    }
    let starttls = doc::get(table, "starttls");
    let starttls_value = starttls.and_then(|s| s.bool().map(|b| (s.span(), b)));
    let security = security(file, names, &server, &scheme, starttls, &at, diagnostics);
    let port = match &server.port {
        Some((Some(port), range)) => Some(Located::explicit(*port, at(range))),
        Some((None, _)) => None,
        None => {
            let port = if scheme == names.tls { names.ports.1 } else { names.ports.0 };
            let why =
                format!("no port: himalaya connects {scheme}:// to {port} ({})", names.ports_from);
            Some(Located::default(port, at(&(server.host_end()..server.host_end())), why))
        }
    };
    let (auth, username, secrets) = sasl(file, text, names, table, &at(&server.host.1));
    let endpoint = Endpoint {
        protocol: names.protocol,
        host: Some(Located::explicit(HostName::new(&server.host.0), at(&server.host.1))),
        port: port.clone(),
        security,
        auth,
        username,
        certificate_verification_disabled: None,
        secrets,
        tls_versions: Vec::new(),
        span: Span::new(file, entry.span().start, entry.span().end),
        locator: format!(
            "{scheme}://{}:{}",
            server.host.0,
            port.map_or_else(|| "?".to_owned(), |p| p.value.to_string())
        ),
    };
    let edit = ServerEdit {
        value: entry.span(),
        text: entry.str().unwrap_or_default().to_owned(),
        server,
        scheme,
        bare_scheme: names.tls,
        starttls: starttls_value,
        anchor: Anchor::after(text, &entry),
    };
    Some((endpoint, edit))
}

/// The scheme and `starttls` together: `imaps` is TLS, `imap` with `starttls = true` is
/// STARTTLS that fails without it, `imap` alone is plain TCP.
fn security(
    file: FileId,
    names: &Names,
    server: &Server,
    scheme: &str,
    starttls: Option<Entry<'_, '_>>,
    at: &dyn Fn(&std::ops::Range<usize>) -> Span,
    diagnostics: &mut Vec<Diagnostic>,
) -> Located<Security> {
    let on = starttls.and_then(|s| s.bool()).unwrap_or(false);
    let Some((_, scheme_range)) = &server.scheme else {
        let why = format!(
            "a server without a scheme is {scheme}:// (himalaya v2.0.0 src/config.rs, parse_server)"
        );
        return Located::default(Security::ImplicitTls, at(&(0..0)), why);
    };
    let span = at(scheme_range);
    if scheme == names.tls {
        if let Some(starttls) = starttls.filter(|_| on) {
            let message = format!(
                "himalaya refuses `starttls = true` on {scheme}:// (TLS is already on: \
                 StartTlsOverTls in {}): the account does not connect",
                if names.protocol == Protocol::Imap { "io-imap" } else { "io-smtp" }
            );
            let at = starttls.span();
            diagnostics.push(Diagnostic::new(
                ParseError::metadata(),
                Span::new(file, at.start, at.end),
                message,
            ));
        }
        return Located::derived(
            Security::ImplicitTls,
            span,
            format!("{scheme}:// is TLS from the first byte"),
        );
    }
    match starttls.filter(|_| on) {
        Some(entry) => Located::derived(
            Security::StarttlsRequired,
            Span::new(file, entry.span().start, entry.span().end),
            format!(
                "{scheme}:// with `starttls = true` upgrades with STARTTLS and fails without it"
            ),
        ),
        None => Located::derived(
            Security::None,
            span,
            format!(
                "{scheme}:// is plain TCP unless `{}.starttls = true` (it defaults to false, \
                 himalaya v2.0.0 src/config.rs)",
                names.table
            ),
        ),
    }
}

/// The SASL mechanism (the one key of `sasl`), the user name and the literal secrets.
fn sasl(
    file: FileId,
    text: &str,
    names: &Names,
    table: &DeTable<'_>,
    server: &Span,
) -> (Located<AuthMethod>, Option<Located<String>>, Vec<StoredSecret>) {
    let span = |e: &Entry<'_, '_>| {
        let r = doc::literal_content(text, e).unwrap_or_else(|| e.span());
        Span::new(file, r.start, r.end)
    };
    let mechanism =
        doc::get(table, "sasl").and_then(|s| s.table()).and_then(|t| doc::entries(t).next());
    let Some(mechanism) = mechanism else {
        let why = format!(
            "no `{}.sasl` table: himalaya sends no credentials (himalaya v2.0.0 src/config.rs)",
            names.table
        );
        return (Located::default(AuthMethod::None, *server, why), None, Vec::new());
    };
    let name = mechanism.key.get_ref().as_ref();
    let key = mechanism.key.span();
    let method = match name {
        "plain" | "login" => AuthMethod::PasswordCleartext,
        "scram-sha-256" => AuthMethod::PasswordEncrypted,
        "oauthbearer" | "xoauth2" => AuthMethod::Oauth2,
        "anonymous" => AuthMethod::None,
        _ => AuthMethod::Unknown,
    };
    let auth = Located::explicit(method, Span::new(file, key.start, key.end));
    let Some(fields) = mechanism.table() else { return (auth, None, Vec::new()) };
    let username = ["username", "authcid"]
        .iter()
        .find_map(|k| doc::get(fields, k))
        .and_then(|e| Some(Located::explicit(e.str()?.to_owned(), span(&e))));
    let mut secrets = Vec::new();
    for (holder, kind) in [
        ("password", SecretKind::Password),
        ("passwd", SecretKind::Password),
        ("token", SecretKind::Token),
    ] {
        if let Some(raw) =
            doc::path(fields, &[holder, "raw"]).filter(|e| e.str().is_some_and(|s| !s.is_empty()))
        {
            let setting = format!("{}.sasl.{name}.{holder}.raw", names.table);
            secrets.push(StoredSecret { kind, setting, span: span(&raw) });
        }
    }
    (auth, username, secrets)
}
