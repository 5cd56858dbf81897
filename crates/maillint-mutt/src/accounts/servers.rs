//! URLs grouped by server: every mailbox, folder and SMTP URL of a state, keyed by protocol,
//! TLS mode, host and port, with the mailbox URLs parsed once for all the states of a parse.

use super::*;

/// The URLs of one configuration state, grouped by server. `mailbox_urls` keeps the parsed
/// mailbox URLs for the other states of the same parse.
pub(crate) fn servers<'s>(
    state: &'s State,
    mailbox_urls: &mut MailboxUrls<'s>,
) -> Vec<ServerUrls<'s>> {
    // folder, spool_file, pop_host, smtp_url and the mailboxes.
    let mut occurrences: Vec<Rc<Occurrence<'_>>> = Vec::with_capacity(state.mailboxes.len() + 4);
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
        occurrences.extend(occurrence.map(Rc::new));
    }
    mailbox_urls.calls += 1;
    let call = mailbox_urls.calls;
    for mailbox in state.mailboxes.iter() {
        let (parsed, read_by) =
            mailbox_urls.parsed.entry(Arc::as_ptr(mailbox)).or_insert_with(|| {
                let written = Some(Cow::Borrowed(&mailbox.written));
                let parsed = occurrence("mailboxes", Cow::Borrowed(&mailbox.value), written, false);
                (parsed.map(Rc::new), 0)
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
        occurrences.extend(occurrence("pop_host", value, None, false).map(Rc::new));
    }
    if let Some(smtp_url) = state.text("smtp_url") {
        occurrences.extend(occurrence("smtp_url", smtp_url, None, true).map(Rc::new));
    }

    // Group by server.
    let mut groups: Vec<(Key<'_>, Vec<Rc<Occurrence<'_>>>)> = Vec::with_capacity(occurrences.len());
    // A server's list has room for every URL left: it grew from one (two reallocations for
    // the usual server of folder, spool file and mailboxes, ~1,100 in the bench).
    let total = occurrences.len();
    for (i, occurrence) in occurrences.into_iter().enumerate() {
        let key = Key::of(&occurrence);
        match groups.iter_mut().find(|(k, _)| *k == key) {
            Some((_, list)) => list.push(occurrence),
            None => {
                let mut list = Vec::with_capacity(total - i);
                list.push(occurrence);
                groups.push((key, list));
            }
        }
    }
    groups.into_iter().map(|(_, list)| ServerUrls { urls: url_edits(&list), list }).collect()
}

/// The URL of a value of `setting`, when it names a server of the right kind (`smtp`: an
/// SMTP server, else a mailbox server).
pub(super) fn occurrence<'s>(
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
pub(super) struct Key<'s> {
    pub(super) protocol: Protocol,
    pub(super) implicit_tls: bool,
    pub(super) host: Option<Cow<'s, str>>,
    pub(super) port: Option<u16>,
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
    pub(super) fn of(o: &Occurrence<'s>) -> Key<'s> {
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

pub(super) fn span_of(text: &SpannedText, range: Range<usize>) -> Option<Span> {
    text.source_span(range.clone()).or_else(|| text.slice(range).best_span())
}
