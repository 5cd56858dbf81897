//! Field changes to edits of `config.toml`. In the 1.x layout each field is its own key
//! (`host`, `port`, `encryption.type`), replaced where written and added after `host` where
//! not. In the 2.x layout the host, port and scheme live in one `server` string, rewritten once
//! for all the changes of a fix, and STARTTLS is the `starttls` key beside it.

use maillint_core::{Edit, FieldChange, FileId, LowerError, Security, Span};

use crate::doc::quoted;
use crate::v1::KeysEdit;
use crate::v2::ServerEdit;

/// Where a fix edits one endpoint.
#[derive(Clone, Debug)]
pub(crate) enum EndpointEdit {
    /// A 1.x backend table.
    Keys(KeysEdit),
    /// A 2.x `imap`/`smtp` table.
    Server(ServerEdit),
}

/// Lowers `changes` for one endpoint.
pub(crate) fn lower(
    file: FileId,
    text: &str,
    edit: &EndpointEdit,
    changes: &[FieldChange],
) -> Result<Vec<Edit>, LowerError> {
    match edit {
        EndpointEdit::Keys(keys) => lower_keys(file, keys, changes),
        EndpointEdit::Server(server) => lower_server(file, text, server, changes),
    }
}

fn by_hand(change: &FieldChange) -> LowerError {
    LowerError(match change {
        FieldChange::Auth(_) => "himalaya takes the sign-in method as its own table (`auth` in \
                                 1.x, `sasl.<mechanism>` in 2.x) with a token source: change it \
                                 by hand"
            .to_owned(),
        other => format!("himalaya's configuration has no place for {other:?}: change it by hand"),
    })
}

fn lower_keys(
    file: FileId,
    keys: &KeysEdit,
    changes: &[FieldChange],
) -> Result<Vec<Edit>, LowerError> {
    let span = |r: &std::ops::Range<usize>| Span::new(file, r.start, r.end);
    let mut edits = Vec::new();
    let add = |key: &str, value: String| -> Result<Edit, LowerError> {
        let anchor = keys.anchor.as_ref().ok_or_else(|| {
            LowerError(format!("`host` is not on a line of its own: add `{key} = {value}` by hand"))
        })?;
        Ok(Edit::insert(Span::point(file, anchor.at), anchor.line(key, &value)))
    };
    for change in changes {
        edits.push(match change {
            FieldChange::Host(host) => Edit::replace(span(&keys.host), quoted(host)),
            FieldChange::Port(port) => match &keys.port {
                Some(range) => Edit::replace(span(range), port.to_string()),
                None => add("port", port.to_string())?,
            },
            FieldChange::Security(security) => {
                let word = match security {
                    Security::ImplicitTls => "tls",
                    Security::StarttlsRequired => "start-tls",
                    other => return Err(insecure(*other)),
                };
                match &keys.encryption {
                    Some(range) => Edit::replace(span(range), quoted(word)),
                    None => add("encryption.type", quoted(word))?,
                }
            }
            other => return Err(by_hand(other)),
        });
    }
    Ok(edits)
}

fn insecure(security: Security) -> LowerError {
    LowerError(format!("maillint only writes secure settings, not `{}`", security.as_str()))
}

fn lower_server(
    file: FileId,
    text: &str,
    edit: &ServerEdit,
    changes: &[FieldChange],
) -> Result<Vec<Edit>, LowerError> {
    let server = &edit.server;
    let mut scheme = edit.scheme.clone();
    let mut host = server.host.0.clone();
    let mut port = server.port.as_ref().and_then(|(p, _)| *p);
    let was_starttls = edit.starttls.as_ref().is_some_and(|(_, on)| *on);
    let mut starttls = was_starttls;
    let plain = edit.bare_scheme.trim_end_matches('s');
    for change in changes {
        match change {
            FieldChange::Host(new) => host.clone_from(new),
            FieldChange::Port(new) => port = Some(*new),
            FieldChange::Security(Security::ImplicitTls) => {
                (scheme, starttls) = (edit.bare_scheme.to_owned(), false);
            }
            FieldChange::Security(Security::StarttlsRequired) => {
                (scheme, starttls) = (plain.to_owned(), true);
            }
            FieldChange::Security(other) => return Err(insecure(*other)),
            other => return Err(by_hand(other)),
        }
    }
    let mut edits = Vec::new();
    let rendered = server.render(&scheme, &host, port, edit.bare_scheme);
    let value = Span::new(file, edit.value.start, edit.value.end);
    if rendered != edit.text {
        let literal = text[edit.value.clone()].starts_with('\'') && !rendered.contains('\'');
        let new = if literal { format!("'{rendered}'") } else { quoted(&rendered) };
        edits.push(Edit::replace(value, new));
    }
    if starttls != was_starttls {
        let word = if starttls { "true" } else { "false" };
        edits.push(match (&edit.starttls, &edit.anchor) {
            (Some((range, _)), _) => Edit::replace(Span::new(file, range.start, range.end), word),
            (None, Some(anchor)) => {
                Edit::insert(Span::point(file, anchor.at), anchor.line("starttls", word))
            }
            (None, None) => {
                return Err(LowerError(
                    "`server` is not on a line of its own: add `starttls = true` by hand"
                        .to_owned(),
                ));
            }
        });
    }
    Ok(edits)
}
