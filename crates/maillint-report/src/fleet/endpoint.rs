//! Which account and endpoint a finding is about: the one whose setting the finding points at.
//!
//! Rules put a finding about an endpoint at one of its settings (the host, the port, the
//! security switch, the stored password...), so the narrowest setting span that holds the
//! finding's span names the endpoint. The narrowest, because an endpoint's own span may cover
//! its account's other endpoints too (an Outlook account section holds IMAP and SMTP).

use maillint_core::{Account, Diagnostic, Endpoint, Span};

/// The settings of a unit's endpoints, to look findings up in.
pub struct EndpointIndex<'a> {
    places: Vec<(Span, &'a Account, &'a Endpoint)>,
}

impl<'a> EndpointIndex<'a> {
    /// Indexes the settings of every endpoint of `accounts`.
    pub fn new(accounts: &'a [Account]) -> Self {
        let mut places = Vec::new();
        for account in accounts {
            for endpoint in &account.endpoints {
                places.extend(setting_spans(endpoint).map(|span| (span, account, endpoint)));
            }
        }
        EndpointIndex { places }
    }

    /// The account and endpoint `d` is about, if it is at one of their settings.
    pub fn find(&self, d: &Diagnostic) -> Option<(&'a Account, &'a Endpoint)> {
        let within = |span: &Span| {
            span.file == d.span.file
                && span.range.start <= d.span.range.start
                && d.span.range.end <= span.range.end
        };
        self.places
            .iter()
            .filter(|(span, _, _)| within(span))
            .min_by_key(|(span, _, _)| span.range.len())
            .map(|&(_, account, endpoint)| (account, endpoint))
    }
}

/// The spans of an endpoint's settings.
fn setting_spans(endpoint: &Endpoint) -> impl Iterator<Item = Span> + '_ {
    [
        Some(endpoint.span),
        endpoint.host.as_ref().map(|l| l.span),
        endpoint.port.as_ref().map(|l| l.span),
        Some(endpoint.security.span),
        Some(endpoint.auth.span),
        endpoint.username.as_ref().map(|l| l.span),
        endpoint.certificate_verification_disabled.as_ref().map(|l| l.span),
    ]
    .into_iter()
    .flatten()
    .chain(endpoint.secrets.iter().map(|s| s.span))
    .chain(endpoint.tls_versions.iter().map(|l| l.span))
}

/// The host an endpoint names, normalised (lower case, no trailing dot); `None` when it names
/// none.
pub fn host_of(endpoint: &Endpoint) -> Option<String> {
    let host = maillint_core::providers::normalize_host(&endpoint.host.as_ref()?.value);
    (!host.is_empty()).then_some(host)
}

/// A stable name for an account: its address, else the name the client gives it.
pub fn account_id(account: &Account) -> String {
    match &account.email {
        Some(email) => email.value.clone(),
        None => account.name.clone(),
    }
}
