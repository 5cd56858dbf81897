//! Field changes to edits of an aerc URL: the protocol word and `+insecure` of the scheme, the
//! host, and the port (replaced, or inserted after the host). The rest of the URL (user,
//! password, mechanism, path) and every other byte stay.

use maillint_core::{Edit, FieldChange, FileId, LowerError, Protocol, Security, Span};

use crate::accounts::UrlEdit;

/// Lowers `changes` for one endpoint's URL.
pub(crate) fn lower(
    file: FileId,
    url: &UrlEdit,
    changes: &[FieldChange],
) -> Result<Vec<Edit>, LowerError> {
    let span = |r: &std::ops::Range<usize>| Span::new(file, r.start, r.end);
    let mut edits = Vec::new();
    for change in changes {
        match change {
            FieldChange::Host(host) => {
                let range = url.host.as_ref().ok_or_else(|| no("host"))?;
                edits.push(Edit::replace(span(range), host.clone()));
            }
            FieldChange::Port(port) => edits.push(match &url.port {
                Some(range) => Edit::replace(span(range), port.to_string()),
                None => Edit::insert(Span::point(file, url.host_end), format!(":{port}")),
            }),
            FieldChange::Security(security) => edits.extend(security_edits(file, url, *security)?),
            FieldChange::EnableCertificateVerification => {
                let range = url.insecure.as_ref().ok_or_else(|| no("`+insecure`"))?;
                edits.push(Edit::delete(span(range)));
            }
            FieldChange::Auth(_) => {
                return Err(LowerError(
                    "aerc takes the sign-in method in the scheme (`+oauthbearer`, `+xoauth2`) \
                     with the provider's token endpoint in the query: maillint writes neither, \
                     change it by hand"
                        .to_owned(),
                ));
            }
            other => {
                return Err(LowerError(format!(
                    "aerc's URL has no place for {other:?}: change it by hand"
                )));
            }
        }
    }
    Ok(edits)
}

fn no(what: &str) -> LowerError {
    LowerError(format!("the URL has no {what} to edit"))
}

/// `imaps`/`smtps` for TLS from the first byte, `imap`/`smtp` without `+insecure` for
/// STARTTLS; the mechanism after the protocol word stays.
fn security_edits(
    file: FileId,
    url: &UrlEdit,
    security: Security,
) -> Result<Vec<Edit>, LowerError> {
    let span = |r: &std::ops::Range<usize>| Span::new(file, r.start, r.end);
    let base = match url.protocol {
        Protocol::Imap => "imap",
        Protocol::Smtp => "smtp",
        Protocol::Pop3 => return Err(LowerError("aerc has no POP3".to_owned())),
    };
    let word = match security {
        Security::ImplicitTls => format!("{base}s"),
        Security::StarttlsRequired => base.to_owned(),
        other => {
            return Err(LowerError(format!(
                "maillint only writes secure settings, not `{}`",
                other.as_str()
            )));
        }
    };
    let mut edits = vec![Edit::replace(span(&url.protocol_word), word)];
    // `+insecure` means no STARTTLS for `imap`/`smtp`, and no certificate check for `imaps`:
    // neither belongs to a secure URL.
    if let Some(insecure) = &url.insecure {
        edits.push(Edit::delete(span(insecure)));
    }
    Ok(edits)
}
