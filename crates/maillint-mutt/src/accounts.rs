//! From a NeoMutt configuration state to maillint's account model.
//!
//! Endpoints come from the URLs in `folder`, `spool_file`, `mailboxes`, `pop_host` and
//! `smtp_url` (mutt.md sections 4 and 5). URLs to the same server (protocol, TLS mode, host,
//! port) form one endpoint; every URL written for it is remembered so that a fix edits all of
//! them. Security follows the scheme and `ssl_force_tls`/`ssl_starttls`, default ports follow
//! NeoMutt's sources, and every value points at the text that decided it.
//!
//! `servers` groups a state's URLs by server; `endpoint` builds each server's endpoint.

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::ops::Range;
use std::rc::Rc;
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

mod endpoint;
mod servers;
#[cfg(test)]
mod tests;

use endpoint::*;
pub(crate) use servers::servers;
use servers::*;

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

/// A URL of a configuration state, borrowed from it (`'s`) where it can be. Shared (`Rc`)
/// between the states that list the same mailbox entry: a copy of its 512 bytes for every
/// state and move cost ~1.4M instructions of memcpy in the 100-home bench.
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
    list: Vec<Rc<Occurrence<'s>>>,
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
    /// read the entry. Ordered by address: a few integer comparisons per lookup, where
    /// hashing the address (SipHash) cost more than the rest of reading a shared entry.
    parsed: BTreeMap<*const MailboxEntry, (Option<Rc<Occurrence<'s>>>, usize)>,
    /// The calls of [`servers`] so far.
    calls: usize,
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
