//! One endpoint from a server's URLs and the state: host, port, security, authentication,
//! user name, secrets and TLS versions, each pointing at the text that decided it.

use super::*;

pub(super) fn decider(state: &State, var: &'static Known) -> BoolDecider {
    let value = state.get_known(var);
    // Read in place: moving the value (304 bytes) into a closure for its assignment was a
    // memcpy for each of the 9,000 deciders of the 100-home bench.
    let value = value.as_deref();
    BoolDecider {
        var: var.name,
        value: value.and_then(|v| v.as_bool()),
        assignment: value.and_then(|v| v.assignment),
        mutt_default: false,
    }
}

/// `ssl_force_tls` in the weaker reading of the file's flavour: at its default, a file mutt
/// may read gets mutt's unset default of before 2.0.0 and of Fedora's build
/// ([`crate::flavour`]).
pub(super) fn force_tls_decider(state: &State, flavour: Flavour) -> BoolDecider {
    let mut force = decider(state, &SSL_FORCE_TLS);
    if force.assignment.is_none() && flavour.read_by_mutt() {
        force.value = Some(false);
        force.mutt_default = true;
    }
    force
}

pub(super) fn assignment_span(assignment: &Assignment) -> Option<Span> {
    assignment.item.or(assignment.name)
}

/// Every URL written for an endpoint, once.
pub(super) fn url_edits(list: &[Rc<Occurrence<'_>>]) -> Vec<UrlEdit> {
    let mut urls: Vec<UrlEdit> = Vec::new();
    for o in list {
        if !urls.contains(&o.edit) {
            urls.push(o.edit.clone());
        }
    }
    urls
}

/// Where a fix edits a URL.
pub(super) fn url_edit(value: &SpannedText, url: &url::Url<'_>, implicit_tls: bool) -> UrlEdit {
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

pub(super) fn host_of(list: &[Rc<Occurrence<'_>>]) -> Option<Located<HostName>> {
    list.iter().find_map(|o| {
        let (host, range) = o.url.host.as_ref()?;
        if !o.value.is_known_in(range.clone()) {
            return None;
        }
        Some(Located::explicit(HostName::new(host), span_of(&o.value, range.clone())?))
    })
}

pub(super) fn port_of(
    list: &[Rc<Occurrence<'_>>],
    urls: &[UrlEdit],
    url_span: Span,
) -> Option<Located<u16>> {
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
pub(super) fn security_of(
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
            ["the ", scheme_name, ":// scheme means TLS from the first byte"].concat(),
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
pub(super) fn secrets_of(
    state: &State,
    list: &[Rc<Occurrence<'_>>],
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
                setting: [o.setting, " (password in the URL)"].concat(),
                span,
            };
            if !secrets.contains(&secret) {
                secrets.push(secret);
            }
        }
    }
    (secrets, url_password)
}

pub(super) fn username_of(
    state: &State,
    list: &[Rc<Occurrence<'_>>],
    var: &Known,
) -> Option<Located<String>> {
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
pub(super) fn tls_versions_of(
    state: &State,
) -> (Vec<Located<TlsVersion>>, Vec<(TlsVersion, BoolDecider)>) {
    let mut tls_versions = Vec::new();
    // All six at once: grown from empty, the list was allocated twice for every endpoint.
    let mut version_deciders = Vec::with_capacity(TLS_VERSION_VARS.len());
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
pub(super) struct Settings {
    pub(super) user: Known,
    pub(super) pass: Known,
    pub(super) authenticators: Known,
    pub(super) oauth_refresh: Known,
}

pub(super) static IMAP_SETTINGS: Settings = Settings {
    user: Known::new("imap_user"),
    pass: Known::new("imap_pass"),
    authenticators: Known::new("imap_authenticators"),
    oauth_refresh: Known::new("imap_oauth_refresh_command"),
};

pub(super) static POP_SETTINGS: Settings = Settings {
    user: Known::new("pop_user"),
    pass: Known::new("pop_pass"),
    authenticators: Known::new("pop_authenticators"),
    oauth_refresh: Known::new("pop_oauth_refresh_command"),
};

pub(super) static SMTP_SETTINGS: Settings = Settings {
    user: Known::new("smtp_user"),
    pass: Known::new("smtp_pass"),
    authenticators: Known::new("smtp_authenticators"),
    oauth_refresh: Known::new("smtp_oauth_refresh_command"),
};

pub(super) fn settings_of(protocol: Protocol) -> &'static Settings {
    match protocol {
        Protocol::Imap => &IMAP_SETTINGS,
        Protocol::Pop3 => &POP_SETTINGS,
        Protocol::Smtp => &SMTP_SETTINGS,
    }
}

pub(super) fn build(
    state: &State,
    list: &[Rc<Occurrence<'_>>],
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
    // Texts of an endpoint are joined with `concat`, not `format!`: the formatting machinery
    // cost ~750 instructions a text, 1.2M for the 1,500 texts of the 100-home bench.
    let locator = [first.url.scheme.name(), "://", host_text, ":", &port_text].concat();
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
pub(super) fn security_without_s(
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
            [scheme, ":// with ssl_force_tls set: NeoMutt requires STARTTLS"].concat(),
        ),
        (Some(true), None) => Located::derived(
            Security::StarttlsRequired,
            scheme_span,
            [
                scheme,
                ":// with ssl_force_tls at its default (set since mutt 2.0.0 and NeoMutt \
                 2019-10-25): STARTTLS is required",
            ]
            .concat(),
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
                    [scheme, ":// with ", unset, " and ssl_starttls=no: no TLS at all"].concat(),
                ),
                Some(q) => Located::derived(
                    Security::StarttlsOptional,
                    force_span,
                    [
                        scheme,
                        ":// with ",
                        unset,
                        " and ssl_starttls=",
                        q.as_str(),
                        default_note,
                        ": STARTTLS only when the server offers it",
                    ]
                    .concat(),
                ),
            }
        }
    }
}

pub(super) fn auth_method(
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
            [refresh_var, " is set: NeoMutt can get OAuth2 tokens"].concat(),
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
            [pass_var, " is set and ", authenticators_var, " does not name another method"]
                .concat(),
        );
    }
    if let Some(span) = url_password {
        return Located::derived(AuthMethod::PasswordCleartext, span, "the URL carries a password");
    }
    Located::default(
        AuthMethod::Unknown,
        fallback,
        [
            "neither ",
            authenticators_var,
            ", ",
            refresh_var,
            " nor ",
            pass_var,
            " is set: NeoMutt tries the server's mechanisms and asks for a password",
        ]
        .concat(),
    )
}
