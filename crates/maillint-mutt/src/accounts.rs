//! From a NeoMutt configuration state to maillint's account model.
//!
//! Endpoints come from the URLs in `folder`, `spool_file`, `mailboxes`, `pop_host` and
//! `smtp_url` (mutt.md sections 4 and 5). URLs to the same server (protocol, TLS mode, host,
//! port) form one endpoint; every URL written for it is remembered so that a fix edits all of
//! them. Security follows the scheme and `ssl_force_tls`/`ssl_starttls`, default ports follow
//! NeoMutt's sources, and every value points at the text that decided it.

use std::borrow::Cow;
use std::collections::HashMap;
use std::ops::Range;
use std::sync::Arc;

use maillint_core::{
    AuthMethod, Endpoint, HostName, Located, Protocol, SecretKind, Security, Span, StoredSecret,
    TlsVersion,
};

use crate::flavour::Flavour;
use crate::interp::{is_imap, known_spans};
use crate::state::{Assignment, MailboxEntry, State};
use crate::text::SpannedText;
use crate::url::{self, Scheme};
use crate::vars::{self, Known};

/// One URL written for an endpoint, with the places a fix may edit.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct UrlEdit {
    /// The scheme name in the file.
    pub scheme: Option<Span>,
    /// The host in the file.
    pub host: Option<Span>,
    /// The port digits in the file.
    pub port: Option<Span>,
    /// Where `:PORT` would be inserted (after the host) when there is no port.
    pub port_insert: Option<Span>,
    /// Whether the scheme has the `s` (implicit TLS).
    pub implicit_tls: bool,
}

/// A boolean setting that decides part of an endpoint, and how it was written.
#[derive(Clone, Debug)]
pub(crate) struct BoolDecider {
    /// Canonical variable name.
    pub var: &'static str,
    /// Its value (`None` when unknown).
    pub value: Option<bool>,
    /// The assignment, `None` for the default.
    pub assignment: Option<Assignment>,
    /// The value is mutt's default where it differs from NeoMutt's ([`crate::flavour`]).
    pub mutt_default: bool,
}

/// What [`crate::lower`] needs to turn field changes into edits for one endpoint.
#[derive(Clone, Debug)]
pub(crate) struct EndpointEdit {
    /// The protocol.
    pub protocol: Protocol,
    /// Every URL written for the endpoint.
    pub urls: Vec<UrlEdit>,
    /// `ssl_force_tls`.
    pub force_tls: BoolDecider,
    /// `ssl_verify_host` and `ssl_verify_dates`.
    pub verify: Vec<BoolDecider>,
    /// `ssl_use_sslv2` ... `ssl_use_tlsv1_3`.
    pub tls_versions: Vec<(TlsVersion, BoolDecider)>,
    /// Whether a `tunnel` carries the connection.
    pub tunnel: bool,
    /// The scheme of the first URL of any endpoint (first file, first offset): `ssl_force_tls`
    /// is global, so every endpoint that needs it set inserts it at this one place, and the
    /// engine applies the insertion once instead of once per endpoint.
    pub first_url: Option<Span>,
}

impl EndpointEdit {
    /// An endpoint with no URL and no setting to edit (a password no account uses).
    pub(crate) fn none(protocol: Protocol) -> EndpointEdit {
        let unknown = |var| BoolDecider { var, value: None, assignment: None, mutt_default: false };
        EndpointEdit {
            protocol,
            urls: Vec::new(),
            force_tls: unknown("ssl_force_tls"),
            verify: Vec::new(),
            tls_versions: Vec::new(),
            tunnel: false,
            first_url: None,
        }
    }
}

/// An endpoint and its edit information.
pub(crate) struct BuiltEndpoint {
    /// The model.
    pub endpoint: Endpoint,
    /// For lowering.
    pub edit: EndpointEdit,
}

/// The TLS version variables (mutt.md section 4).
static TLS_VERSION_VARS: [(Known, TlsVersion); 6] = [
    (Known::new("ssl_use_sslv2"), TlsVersion::Ssl2),
    (Known::new("ssl_use_sslv3"), TlsVersion::Ssl3),
    (Known::new("ssl_use_tlsv1"), TlsVersion::Tls1_0),
    (Known::new("ssl_use_tlsv1_1"), TlsVersion::Tls1_1),
    (Known::new("ssl_use_tlsv1_2"), TlsVersion::Tls1_2),
    (Known::new("ssl_use_tlsv1_3"), TlsVersion::Tls1_3),
];

// The other variables an endpoint reads, each looked up on first use.
static FOLDER_VARS: [Known; 2] = [Known::new("folder"), Known::new("spool_file")];
static SSL_FORCE_TLS: Known = Known::new("ssl_force_tls");
static SSL_STARTTLS: Known = Known::new("ssl_starttls");
static VERIFY_VARS: [Known; 2] = [Known::new("ssl_verify_host"), Known::new("ssl_verify_dates")];
static TUNNEL: Known = Known::new("tunnel");
static TUNNEL_IS_SECURE: Known = Known::new("tunnel_is_secure");

/// A URL of a configuration state, borrowed from it (`'s`) where it can be.
#[derive(Clone)]
struct Occurrence<'s> {
    /// Which setting the URL came from (`folder`, `smtp_url`, `mailboxes`).
    setting: &'static str,
    /// The value NeoMutt stores (canonical for mailboxes).
    value: Cow<'s, SpannedText>,
    /// The value as written (for a password NeoMutt drops from mailboxes).
    written: Option<Cow<'s, SpannedText>>,
    url: url::Url<'s>,
    protocol: Protocol,
    implicit_tls: bool,
    /// Where a fix edits the URL.
    edit: UrlEdit,
}

/// The protocol of a scheme, and whether it means TLS from the first byte.
pub(crate) fn protocol_of(scheme: Scheme) -> Option<(Protocol, bool)> {
    match scheme {
        Scheme::Imap => Some((Protocol::Imap, false)),
        Scheme::Imaps => Some((Protocol::Imap, true)),
        Scheme::Pop => Some((Protocol::Pop3, false)),
        Scheme::Pops => Some((Protocol::Pop3, true)),
        Scheme::Smtp => Some((Protocol::Smtp, false)),
        Scheme::Smtps => Some((Protocol::Smtp, true)),
        _ => None,
    }
}

/// NeoMutt's default ports.
fn default_port(protocol: Protocol, implicit_tls: bool) -> (u16, &'static str) {
    match (protocol, implicit_tls) {
        (Protocol::Imap, true) => (
            993,
            "an imaps:// URL without a port uses 993 (NeoMutt IMAP_SSL_PORT, imap/private.h; \
             the imaps service port)",
        ),
        (Protocol::Imap, false) => (
            143,
            "an imap:// URL without a port uses 143 (NeoMutt IMAP_PORT, imap/private.h; the \
             imap service port)",
        ),
        (Protocol::Pop3, true) => {
            (995, "a pops:// URL without a port uses 995 (NeoMutt POP_SSL_PORT, pop/private.h)")
        }
        (Protocol::Pop3, false) => {
            (110, "a pop:// URL without a port uses 110 (NeoMutt POP_PORT, pop/private.h)")
        }
        (Protocol::Smtp, true) => {
            (465, "an smtps:// URL without a port uses 465 (NeoMutt SMTPS_PORT, send/smtp.c)")
        }
        (Protocol::Smtp, false) => (
            25,
            "an smtp:// URL without a port uses the `smtp` service port, 25, not the submission \
             port 587 (NeoMutt and mutt smtp.c: getservbyname(\"smtp\"), else SMTP_PORT 25)",
        ),
    }
}

/// The URLs of one configuration state to one server, not yet built into an endpoint: the
/// URLs alone say which account owns most endpoints, so the others are never built.
pub(crate) struct ServerUrls<'s> {
    list: Vec<Occurrence<'s>>,
    /// Every URL written for the server, once.
    pub urls: Vec<UrlEdit>,
}

impl ServerUrls<'_> {
    /// The URLs, as NeoMutt stores them (hooks match them).
    pub(crate) fn values(&self) -> Vec<&str> {
        self.list.iter().map(|o| o.value.as_str()).collect()
    }

    /// Builds the endpoint (once: it takes the URL edits); `first_url` is [`first_url`] of
    /// all the state's servers.
    pub(crate) fn build(
        &mut self,
        state: &State,
        flavour: Flavour,
        first_url: Option<Span>,
    ) -> BuiltEndpoint {
        let mut built = build(state, &self.list, std::mem::take(&mut self.urls), flavour);
        built.edit.first_url = first_url;
        built
    }
}

/// The scheme of the first URL of any server (first file, first offset).
pub(crate) fn first_url(servers: &[ServerUrls<'_>]) -> Option<Span> {
    servers
        .iter()
        .flat_map(|s| s.urls.iter().filter_map(|u| u.scheme))
        .min_by_key(|span| (span.file, span.range.start))
}

/// The mailbox URLs of the states of one parse, each shared entry parsed once. The states
/// of the account files list the final configuration's entries (the journal replays them),
/// so without this every scope would parse the same mailbox URLs again.
///
/// Keyed by the entry's address: every entry here is borrowed for `'s` from a state that
/// outlives the cache, so no address is freed and reused while the cache lives.
#[derive(Default)]
pub(crate) struct MailboxUrls<'s> {
    /// Each entry's URL (`None`: it names no server) and the last call of [`servers`] that
    /// read the entry.
    parsed: HashMap<*const MailboxEntry, (Option<Occurrence<'s>>, usize)>,
    /// The calls of [`servers`] so far.
    calls: usize,
}

/// The URLs of one configuration state, grouped by server. `mailbox_urls` keeps the parsed
/// mailbox URLs for the other states of the same parse.
pub(crate) fn servers<'s>(
    state: &'s State,
    mailbox_urls: &mut MailboxUrls<'s>,
) -> Vec<ServerUrls<'s>> {
    // folder, spool_file, pop_host, smtp_url and the mailboxes.
    let mut occurrences: Vec<Occurrence<'_>> = Vec::with_capacity(state.mailboxes.len() + 4);
    for var in &FOLDER_VARS {
        let name = var.name;
        let occurrence = match state.get_known(var) {
            Some(Cow::Borrowed(value)) => occurrence(
                name,
                Cow::Borrowed(&value.text),
                value.written.as_ref().map(Cow::Borrowed),
                false,
            ),
            Some(Cow::Owned(value)) => {
                occurrence(name, Cow::Owned(value.text), value.written.map(Cow::Owned), false)
            }
            None => None,
        };
        occurrences.extend(occurrence);
    }
    mailbox_urls.calls += 1;
    let call = mailbox_urls.calls;
    for mailbox in state.mailboxes.iter() {
        let (parsed, read_by) =
            mailbox_urls.parsed.entry(Arc::as_ptr(mailbox)).or_insert_with(|| {
                let written = Some(Cow::Borrowed(&mailbox.written));
                (occurrence("mailboxes", Cow::Borrowed(&mailbox.value), written, false), 0)
            });
        // The same shared entry again (an account file's mailboxes replayed from its journal
        // on a configuration that has them) adds nothing to a server: its URL edit and
        // secrets are kept once, and an endpoint reads the first occurrence.
        if *read_by == call {
            continue;
        }
        *read_by = call;
        occurrences.extend(parsed.clone());
    }
    if let Some(text) = state.text("pop_host").filter(|text| !text.is_empty()) {
        // `pop_host` may leave out the scheme: NeoMutt reads it as `pop://` (mutt.md section 4).
        let value = if text.as_str().contains("://") {
            text
        } else {
            let mut with_scheme = SpannedText::synth("pop://");
            with_scheme.push_text(&text);
            Cow::Owned(with_scheme)
        };
        occurrences.extend(occurrence("pop_host", value, None, false));
    }
    if let Some(smtp_url) = state.text("smtp_url") {
        occurrences.extend(occurrence("smtp_url", smtp_url, None, true));
    }

    // Group by server.
    let mut groups: Vec<(Key<'_>, Vec<Occurrence<'_>>)> = Vec::with_capacity(occurrences.len());
    for occurrence in occurrences {
        let key = Key::of(&occurrence);
        match groups.iter_mut().find(|(k, _)| *k == key) {
            Some((_, list)) => list.push(occurrence),
            None => groups.push((key, vec![occurrence])),
        }
    }
    groups.into_iter().map(|(_, list)| ServerUrls { urls: url_edits(&list), list }).collect()
}

/// The URL of a value of `setting`, when it names a server of the right kind (`smtp`: an
/// SMTP server, else a mailbox server).
fn occurrence<'s>(
    setting: &'static str,
    value: Cow<'s, SpannedText>,
    written: Option<Cow<'s, SpannedText>>,
    smtp: bool,
) -> Option<Occurrence<'s>> {
    // The URL borrows from a value the state holds; one built here is copied.
    let url = match &value {
        Cow::Borrowed(text) => url::parse(text.as_str())?,
        Cow::Owned(text) => url::parse(text.as_str())?.into_owned(),
    };
    let (protocol, implicit_tls) = protocol_of(url.scheme)?;
    if (protocol == Protocol::Smtp) != smtp || url.host.is_none() {
        return None;
    }
    if !value.is_known_in(url.scheme_range.clone()) {
        return None;
    }
    let edit = url_edit(&value, &url, implicit_tls);
    Some(Occurrence { setting, value, written, url, protocol, implicit_tls, edit })
}

/// What makes two URLs one server; host names compare without regard to ASCII case.
struct Key<'s> {
    protocol: Protocol,
    implicit_tls: bool,
    host: Option<Cow<'s, str>>,
    port: Option<u16>,
}

impl PartialEq for Key<'_> {
    fn eq(&self, other: &Self) -> bool {
        let host = match (&self.host, &other.host) {
            (Some(a), Some(b)) => a.eq_ignore_ascii_case(b),
            (a, b) => a.is_none() && b.is_none(),
        };
        host && self.protocol == other.protocol
            && self.implicit_tls == other.implicit_tls
            && self.port == other.port
    }
}

impl<'s> Key<'s> {
    fn of(o: &Occurrence<'s>) -> Key<'s> {
        let host = o
            .url
            .host
            .as_ref()
            .and_then(|(h, range)| o.value.is_known_in(range.clone()).then(|| h.clone()));
        let port = match &o.url.port {
            Some((p, range)) if o.value.is_known_in(range.clone()) => Some(*p),
            Some(_) => None,
            None => Some(default_port(o.protocol, o.implicit_tls).0),
        };
        Key { protocol: o.protocol, implicit_tls: o.implicit_tls, host, port }
    }
}

fn span_of(text: &SpannedText, range: Range<usize>) -> Option<Span> {
    text.source_span(range.clone()).or_else(|| text.slice(range).best_span())
}

fn decider(state: &State, var: &'static Known) -> BoolDecider {
    let value = state.get_known(var);
    BoolDecider {
        var: var.name,
        value: value.as_ref().and_then(|v| v.as_bool()),
        assignment: value.and_then(|v| v.assignment),
        mutt_default: false,
    }
}

/// `ssl_force_tls` in the weaker reading of the file's flavour: at its default, a file mutt
/// may read gets mutt's unset default of before 2.0.0 and of Fedora's build
/// ([`crate::flavour`]).
fn force_tls_decider(state: &State, flavour: Flavour) -> BoolDecider {
    let mut force = decider(state, &SSL_FORCE_TLS);
    if force.assignment.is_none() && flavour.read_by_mutt() {
        force.value = Some(false);
        force.mutt_default = true;
    }
    force
}

fn assignment_span(assignment: &Assignment) -> Option<Span> {
    assignment.item.or(assignment.name)
}

/// Every URL written for an endpoint, once.
fn url_edits(list: &[Occurrence<'_>]) -> Vec<UrlEdit> {
    let mut urls: Vec<UrlEdit> = Vec::new();
    for o in list {
        if !urls.contains(&o.edit) {
            urls.push(o.edit.clone());
        }
    }
    urls
}

/// Where a fix edits a URL.
fn url_edit(value: &SpannedText, url: &url::Url<'_>, implicit_tls: bool) -> UrlEdit {
    let host_range = url.host.as_ref().map(|(_, r)| r.clone());
    UrlEdit {
        scheme: value.source_span(url.scheme_range.clone()),
        host: host_range.and_then(|r| value.source_span(r)),
        port: url.port.as_ref().and_then(|(_, r)| value.source_span(r.clone())),
        port_insert: if url.port.is_none() {
            value.source_span(url.host_end..url.host_end)
        } else {
            None
        },
        implicit_tls,
    }
}

fn host_of(list: &[Occurrence<'_>]) -> Option<Located<HostName>> {
    list.iter().find_map(|o| {
        let (host, range) = o.url.host.as_ref()?;
        if !o.value.is_known_in(range.clone()) {
            return None;
        }
        Some(Located::explicit(HostName::new(host), span_of(&o.value, range.clone())?))
    })
}

fn port_of(list: &[Occurrence<'_>], urls: &[UrlEdit], url_span: Span) -> Option<Located<u16>> {
    let first = &list[0];
    let (default, reason) = default_port(first.protocol, first.implicit_tls);
    match list.iter().find_map(|o| o.url.port.as_ref().map(|p| (o, p))) {
        Some((o, (value, range))) => {
            if o.value.is_known_in(range.clone()) {
                span_of(&o.value, range.clone()).map(|span| Located::explicit(*value, span))
            } else {
                None
            }
        }
        None => {
            let at = urls.iter().find_map(|u| u.port_insert).unwrap_or(url_span);
            Some(Located::default(default, at, reason))
        }
    }
}

/// The endpoint's security: the scheme, a `tunnel`, or `ssl_force_tls`/`ssl_starttls`.
fn security_of(
    state: &State,
    first: &Occurrence<'_>,
    scheme_span: Span,
    force: &BoolDecider,
) -> Located<Security> {
    let scheme_name = first.url.scheme.name();
    let tunnel = state.get_known(&TUNNEL).filter(|t| !t.text.is_empty());
    let tunnel_secure = state.get_known(&TUNNEL_IS_SECURE).and_then(|t| t.as_bool());
    if first.implicit_tls {
        return Located::derived(
            Security::ImplicitTls,
            scheme_span,
            format!("the {scheme_name}:// scheme means TLS from the first byte"),
        );
    }
    if let (Some(tunnel), Some(true) | None) = (&tunnel, tunnel_secure) {
        let span = (tunnel.assignment.as_ref())
            .and_then(assignment_span)
            .or_else(|| tunnel.text.best_span())
            .unwrap_or(scheme_span);
        return Located::derived(
            Security::Unknown,
            span,
            "the connection goes through the `tunnel` command, and with `tunnel_is_secure` set \
             NeoMutt assumes the tunnel encrypts it and does not use STARTTLS",
        );
    }
    security_without_s(state, scheme_name, scheme_span, force)
}

/// The passwords stored for an endpoint: `<proto>_pass` and passwords in its URLs. Returns
/// them with the span of the first URL password.
fn secrets_of(
    state: &State,
    list: &[Occurrence<'_>],
    pass_var: &Known,
) -> (Vec<StoredSecret>, Option<Span>) {
    let mut secrets: Vec<StoredSecret> = Vec::new();
    if let Some(pass) = state.get_known(pass_var).filter(|p| !p.text.is_empty()) {
        for span in known_spans(&pass.text, 0..pass.text.len()) {
            let setting = pass_var.name.to_owned();
            secrets.push(StoredSecret { kind: SecretKind::Password, setting, span });
        }
    }
    let mut url_password: Option<Span> = None;
    for o in list {
        let written: &SpannedText = o.written.as_deref().unwrap_or(&o.value);
        // A URL password ends at an `@`: a URL without one has none to parse for.
        if memchr::memchr(b'@', written.as_str().as_bytes()).is_none() {
            continue;
        }
        let Some(parsed) = url::parse(written.as_str()) else { continue };
        let Some((pw, range)) = parsed.pass else { continue };
        if pw.is_empty() {
            continue;
        }
        for span in known_spans(written, range.clone()) {
            url_password.get_or_insert(span);
            let secret = StoredSecret {
                kind: SecretKind::Password,
                setting: format!("{} (password in the URL)", o.setting),
                span,
            };
            if !secrets.contains(&secret) {
                secrets.push(secret);
            }
        }
    }
    (secrets, url_password)
}

fn username_of(state: &State, list: &[Occurrence<'_>], var: &Known) -> Option<Located<String>> {
    list.iter()
        .find_map(|o| {
            let (user, range) = o.url.user.as_ref()?;
            if user.is_empty() || !o.value.is_known_in(range.clone()) {
                return None;
            }
            Some(Located::explicit(user.clone().into_owned(), span_of(&o.value, range.clone())?))
        })
        .or_else(|| {
            let value = state.get_known(var)?;
            if value.text.is_empty() || !value.text.is_known() {
                return None;
            }
            Some(Located::explicit(value.text.as_str().to_owned(), value.text.best_span()?))
        })
}

/// TLS versions turned on explicitly, and the setting that decides each version.
fn tls_versions_of(state: &State) -> (Vec<Located<TlsVersion>>, Vec<(TlsVersion, BoolDecider)>) {
    let mut tls_versions = Vec::new();
    let mut version_deciders = Vec::new();
    for (var, version) in &TLS_VERSION_VARS {
        let version = *version;
        let d = decider(state, var);
        if d.value == Some(true)
            && let Some(span) = d.assignment.as_ref().and_then(assignment_span)
        {
            tls_versions.push(Located::explicit(version, span));
        }
        version_deciders.push((version, d));
    }
    (tls_versions, version_deciders)
}

/// A protocol's account settings (`imap_user`, `smtp_pass`, ...), written out so that
/// building an endpoint formats none of them and looks each up once.
struct Settings {
    user: Known,
    pass: Known,
    authenticators: Known,
    oauth_refresh: Known,
}

static IMAP_SETTINGS: Settings = Settings {
    user: Known::new("imap_user"),
    pass: Known::new("imap_pass"),
    authenticators: Known::new("imap_authenticators"),
    oauth_refresh: Known::new("imap_oauth_refresh_command"),
};

static POP_SETTINGS: Settings = Settings {
    user: Known::new("pop_user"),
    pass: Known::new("pop_pass"),
    authenticators: Known::new("pop_authenticators"),
    oauth_refresh: Known::new("pop_oauth_refresh_command"),
};

static SMTP_SETTINGS: Settings = Settings {
    user: Known::new("smtp_user"),
    pass: Known::new("smtp_pass"),
    authenticators: Known::new("smtp_authenticators"),
    oauth_refresh: Known::new("smtp_oauth_refresh_command"),
};

fn settings_of(protocol: Protocol) -> &'static Settings {
    match protocol {
        Protocol::Imap => &IMAP_SETTINGS,
        Protocol::Pop3 => &POP_SETTINGS,
        Protocol::Smtp => &SMTP_SETTINGS,
    }
}

fn build(
    state: &State,
    list: &[Occurrence<'_>],
    urls: Vec<UrlEdit>,
    flavour: Flavour,
) -> BuiltEndpoint {
    let first = &list[0];
    let protocol = first.protocol;
    let url_span = first.value.best_span().unwrap_or(Span::point(maillint_core::FileId(0), 0));
    let host = host_of(list);
    let port = port_of(list, &urls, url_span);
    let scheme_span = urls.iter().find_map(|u| u.scheme).unwrap_or(url_span);
    let force = force_tls_decider(state, flavour);
    let security = security_of(state, first, scheme_span, &force);

    let settings = settings_of(protocol);
    let pass_var = &settings.pass;
    let (secrets, url_password) = secrets_of(state, list, pass_var);
    let pass = state.get_known(pass_var).filter(|p| !p.text.is_empty());
    let pass = pass.as_ref().map(|p| &p.text);
    let auth = auth_method(state, settings, pass, url_password, url_span);
    let username = username_of(state, list, &settings.user);

    let verify: Vec<BoolDecider> = VERIFY_VARS.iter().map(|v| decider(state, v)).collect();
    let certificate_verification_disabled = verify.iter().find_map(|d| {
        if d.value != Some(false) {
            return None;
        }
        let span = d.assignment.as_ref().and_then(assignment_span)?;
        Some(Located::explicit(true, span))
    });
    let (tls_versions, version_deciders) = tls_versions_of(state);

    let host_text = host.as_ref().map_or("?", |h| h.value.as_str());
    let port_text = port.as_ref().map(|p| p.value.to_string()).unwrap_or_else(|| "?".to_owned());
    let locator = format!("{}://{host_text}:{port_text}", first.url.scheme.name());
    let endpoint = Endpoint {
        protocol,
        host,
        port,
        security,
        auth,
        username,
        certificate_verification_disabled,
        secrets,
        tls_versions,
        span: url_span,
        locator,
    };
    let tunnel = state.get_known(&TUNNEL).is_some_and(|t| !t.text.is_empty());
    let edit = EndpointEdit {
        protocol,
        urls,
        force_tls: force,
        verify,
        tls_versions: version_deciders,
        tunnel,
        first_url: None,
    };
    BuiltEndpoint { endpoint, edit }
}

/// Security of an `imap://`, `pop://` or `smtp://` URL (mutt.md section 5): STARTTLS is
/// required with `ssl_force_tls` set, optional with it unset and `ssl_starttls` yes or ask,
/// absent with both off.
fn security_without_s(
    state: &State,
    scheme: &str,
    scheme_span: Span,
    force: &BoolDecider,
) -> Located<Security> {
    let force_span = force.assignment.as_ref().and_then(assignment_span);
    match (force.value, force_span) {
        (None, span) => Located::derived(
            Security::Unknown,
            span.unwrap_or(scheme_span),
            "ssl_force_tls comes from a value maillint does not know",
        ),
        (Some(true), Some(span)) => Located::derived(
            Security::StarttlsRequired,
            span,
            format!("{scheme}:// with ssl_force_tls set: NeoMutt requires STARTTLS"),
        ),
        (Some(true), None) => Located::derived(
            Security::StarttlsRequired,
            scheme_span,
            format!(
                "{scheme}:// with ssl_force_tls at its default (set since mutt 2.0.0 and \
                 NeoMutt 2019-10-25): STARTTLS is required"
            ),
        ),
        (Some(false), force_span) => {
            let force_span = force_span.unwrap_or(scheme_span);
            let starttls = state.get_known(&SSL_STARTTLS);
            let starttls_span =
                starttls.as_ref().and_then(|s| s.assignment.as_ref()).and_then(assignment_span);
            let quad = starttls
                .as_ref()
                .filter(|s| s.text.is_known())
                .and_then(|s| vars::parse_quad(s.text.as_str()));
            let default_note = if starttls_span.is_none() { " at its default" } else { "" };
            let unset = if force.mutt_default {
                "ssl_force_tls at its default, which mutt before 2.0.0 and Fedora's mutt leave \
                 unset (this file may be read by mutt; NeoMutt and mutt 2.x set it),"
            } else {
                "ssl_force_tls unset"
            };
            match quad {
                None => Located::derived(
                    Security::Unknown,
                    starttls_span.unwrap_or(force_span),
                    "ssl_starttls comes from a value maillint does not know",
                ),
                Some(vars::Quad::No) => Located::derived(
                    Security::None,
                    starttls_span.unwrap_or(force_span),
                    format!("{scheme}:// with {unset} and ssl_starttls=no: no TLS at all"),
                ),
                Some(q) => Located::derived(
                    Security::StarttlsOptional,
                    force_span,
                    format!(
                        "{scheme}:// with {unset} and ssl_starttls={}{default_note}: STARTTLS \
                         only when the server offers it",
                        q.as_str()
                    ),
                ),
            }
        }
    }
}

fn auth_method(
    state: &State,
    settings: &Settings,
    pass: Option<&SpannedText>,
    url_password: Option<Span>,
    fallback: Span,
) -> Located<AuthMethod> {
    let (pass_var, authenticators_var) = (settings.pass.name, settings.authenticators.name);
    let authenticators = state.get_known(&settings.authenticators);
    let mechanisms: Vec<String> = authenticators
        .as_ref()
        .filter(|a| a.text.is_known())
        .map(|a| {
            a.text
                .as_str()
                .split([':', ',', ' '])
                .filter(|m| !m.is_empty())
                .map(|m| m.to_ascii_lowercase())
                .collect()
        })
        .unwrap_or_default();
    let auth_span = authenticators.as_ref().and_then(|a| a.text.best_span());
    if let Some(span) = auth_span
        && mechanisms.iter().any(|m| m == "oauthbearer" || m == "xoauth2")
    {
        return Located::explicit(AuthMethod::Oauth2, span);
    }
    let refresh_var = settings.oauth_refresh.name;
    if let Some(refresh) = state.get_known(&settings.oauth_refresh).filter(|r| !r.text.is_empty())
        && let Some(span) = refresh.text.best_span()
    {
        return Located::derived(
            AuthMethod::Oauth2,
            span,
            format!("{refresh_var} is set: NeoMutt can get OAuth2 tokens"),
        );
    }
    if let (Some(span), Some(first)) = (auth_span, mechanisms.first()) {
        let method = match first.as_str() {
            "login" | "plain" | "user" => Some(AuthMethod::PasswordCleartext),
            "cram-md5" | "digest-md5" | "apop" => Some(AuthMethod::PasswordEncrypted),
            "gssapi" => Some(AuthMethod::Gssapi),
            "anonymous" => Some(AuthMethod::None),
            "external" => Some(AuthMethod::TlsCertificate),
            _ => None,
        };
        if let Some(method) = method {
            return Located::explicit(method, span);
        }
    }
    if let Some(pass) = pass
        && let Some(span) = pass.best_span()
    {
        return Located::derived(
            AuthMethod::PasswordCleartext,
            span,
            format!("{pass_var} is set and {authenticators_var} does not name another method"),
        );
    }
    if let Some(span) = url_password {
        return Located::derived(AuthMethod::PasswordCleartext, span, "the URL carries a password");
    }
    Located::default(
        AuthMethod::Unknown,
        fallback,
        format!(
            "neither {authenticators_var}, {refresh_var} nor {pass_var} is set: NeoMutt tries \
             the server's mechanisms and asks for a password"
        ),
    )
}

/// The address in a `from` value (`Name <me@example.org>` or `me@example.org`), with its
/// range.
pub(crate) fn address_in(text: &str) -> Option<Range<usize>> {
    if let (Some(open), Some(close)) = (text.rfind('<'), text.rfind('>'))
        && open < close
        && text[open + 1..close].contains('@')
    {
        return Some(open + 1..close);
    }
    let trimmed_start = text.len() - text.trim_start().len();
    let trimmed = text.trim();
    (trimmed.contains('@') && !trimmed.contains(' '))
        .then(|| trimmed_start..trimmed_start + trimmed.len())
}

/// The account's mail address: `from`, else an `imap_user`/`smtp_user` that is an address.
pub(crate) fn email(state: &State) -> Option<Located<String>> {
    for var in ["from", "imap_user", "smtp_user"] {
        let Some(value) = state.get(var) else { continue };
        if value.text.is_empty() || !value.text.is_known() {
            continue;
        }
        if let Some(range) = address_in(value.text.as_str()) {
            let span = value.text.source_span(range.clone()).or_else(|| value.text.best_span());
            if let Some(span) = span {
                return Some(Located::explicit(value.text.as_str()[range].to_owned(), span));
            }
        }
    }
    None
}

/// Whether a mailbox value is on a server (for summaries).
pub(crate) fn is_remote(text: &str) -> bool {
    is_imap(text) || text.to_ascii_lowercase().starts_with("pop")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses() {
        let text = "Stefan T <me@example.org>";
        assert_eq!(&text[address_in(text).unwrap()], "me@example.org");
        assert_eq!(address_in("  me@x.org "), Some(2..10));
        assert_eq!(address_in("Stefan"), None);
    }

    #[test]
    fn every_variable_an_endpoint_reads_is_a_neomutt_variable() {
        let settings = [&IMAP_SETTINGS, &POP_SETTINGS, &SMTP_SETTINGS];
        let mut known: Vec<&Known> = (settings.iter())
            .flat_map(|s| [&s.user, &s.pass, &s.authenticators, &s.oauth_refresh])
            .collect();
        known.extend(TLS_VERSION_VARS.iter().map(|(var, _)| var));
        known.extend(FOLDER_VARS.iter().chain(&VERIFY_VARS));
        known.extend([&SSL_FORCE_TLS, &SSL_STARTTLS, &TUNNEL, &TUNNEL_IS_SECURE]);
        for var in known {
            assert!(var.def().is_some(), "{}", var.name);
        }
    }

    #[test]
    fn a_shared_mailbox_listed_twice_is_one_occurrence() {
        let entry = |text: &str, start: usize| {
            let value = SpannedText::copied(maillint_core::FileId(0), start, text);
            Arc::new(MailboxEntry { value: value.clone(), written: value, hook: None })
        };
        let inbox = entry("imaps://u:pw@imap.example.org/INBOX", 0);
        let sent = entry("imaps://imap.example.org/Sent", 40);
        let mut once = State::new(None);
        once.mailboxes = Arc::new(vec![Arc::clone(&inbox), Arc::clone(&sent)]);
        let mut twice = once.clone();
        twice.mailboxes = Arc::new(vec![inbox.clone(), sent.clone(), inbox, sent]);
        let fresh = || MailboxUrls::default();
        let (once_servers, twice_servers) =
            (servers(&once, &mut fresh()), servers(&twice, &mut fresh()));
        assert_eq!(once_servers.len(), 1);
        assert_eq!(twice_servers[0].list.len(), 2, "each shared entry is read once");
        assert_eq!(describe(&once, &mut fresh()), describe(&twice, &mut fresh()));
        // The URLs parsed for one state serve another that shares its entries.
        let mut shared = MailboxUrls::default();
        assert_eq!(describe(&once, &mut shared), describe(&twice, &mut fresh()));
        assert_eq!(shared.parsed.len(), 2);
        assert_eq!(describe(&twice, &mut shared), describe(&twice, &mut fresh()));
        assert_eq!(shared.parsed.len(), 2, "no entry parsed twice");
    }

    /// Every endpoint of a state's servers, with its URL edits.
    fn describe<'s>(state: &'s State, mailbox_urls: &mut MailboxUrls<'s>) -> Vec<String> {
        let servers = servers(state, mailbox_urls);
        let mut out: Vec<String> = Vec::new();
        for mut server in servers {
            let built = server.build(state, Flavour::NeoMutt, None);
            out.push(format!("{:?} {:?}", built.endpoint, built.edit.urls));
        }
        out
    }
}
