//! Turning a rule's field changes into edits of an msmtprc.
//!
//! A setting written in the account's own block is changed where it is written (its argument,
//! or the whole line for the argument-less 1.2.x forms and for a bare `tls`). A setting the
//! account gets from `defaults` or from a parent is not changed there, since other accounts
//! share it: a line that overrides it is added to the account's own block, right after its
//! `account` line. Every other byte stays as it is.

use maillint_core::{Edit, FieldChange, LowerError, Security, Span};

use crate::config::{AccountConfig, Block, Setting};

/// The edits for `changes` on the account at `index` of the file's accounts.
pub fn lower(
    text: &str,
    file: maillint_core::FileId,
    config: &AccountConfig,
    index: usize,
    changes: &[FieldChange],
) -> Result<Vec<Edit>, LowerError> {
    let mut wanted: Vec<(&'static str, String)> = Vec::new();
    for change in changes {
        match change {
            FieldChange::Host(host) => wanted.push(("host", host.clone())),
            FieldChange::Port(port) => wanted.push(("port", port.to_string())),
            FieldChange::Security(security) => security_settings(*security, &mut wanted)?,
            FieldChange::EnableCertificateVerification => {
                wanted.push(("tls_certcheck", "on".to_owned()));
            }
            FieldChange::Auth(_) | FieldChange::DisableTlsVersion(_) => {
                return Err(LowerError(format!(
                    "msmtp has no setting that makes this change certain: {change:?}"
                )));
            }
        }
    }
    let mut edits = Vec::new();
    let mut inserted = String::new();
    let newline = if text.contains("\r\n") { "\r\n" } else { "\n" };
    for (field, value) in wanted {
        if in_effect(text, config, field, &value) {
            continue;
        }
        match config.get(field).filter(|s| s.block == Block::Account(index)) {
            Some(setting) => edits.push(replace(file, text, setting, field, &value)),
            None => inserted.push_str(&format!("{field} {value}{newline}")),
        }
    }
    if !inserted.is_empty() {
        let at = config.insert_at;
        // An `account` line at the very end of a file without a final line break.
        if at == text.len() && !text.is_empty() && !text.ends_with('\n') {
            inserted.insert_str(0, newline);
            inserted.truncate(inserted.len() - newline.len());
        }
        edits.push(Edit::insert(Span::point(file, at), inserted));
    }
    Ok(edits)
}

/// The `tls` and `tls_starttls` values of a security msmtp can express.
fn security_settings(
    security: Security,
    wanted: &mut Vec<(&'static str, String)>,
) -> Result<(), LowerError> {
    let (tls, starttls) = match security {
        Security::None => ("off", None),
        Security::StarttlsRequired => ("on", Some("on")),
        Security::ImplicitTls => ("on", Some("off")),
        Security::StarttlsOptional | Security::Unknown => {
            return Err(LowerError(format!("msmtp has no setting for {}", security.describe())));
        }
    };
    wanted.push(("tls", tls.to_owned()));
    if let Some(starttls) = starttls {
        wanted.push(("tls_starttls", starttls.to_owned()));
    }
    Ok(())
}

/// Replaces a setting written in the account's block: its argument in place when there is one
/// and the command is the field's own, else the whole line.
fn replace(
    file: maillint_core::FileId,
    text: &str,
    setting: &Setting,
    field: &str,
    value: &str,
) -> Edit {
    let line = &setting.line;
    if setting.command.name == field && !line.argument.is_empty() {
        let quoted = text[..line.argument.start].ends_with('"');
        let value = if quoted || !value.contains([' ', '\t']) {
            value.to_owned()
        } else {
            format!("\"{value}\"")
        };
        return Edit::replace(Span::new(file, line.argument.start, line.argument.end), value);
    }
    Edit::replace(Span::new(file, line.command.start, line.line.end), format!("{field} {value}"))
}

/// Whether the account already uses `value` for `field`, so that nothing needs writing.
fn in_effect(text: &str, config: &AccountConfig, field: &str, value: &str) -> bool {
    let on = value == "on";
    match field {
        "tls" => config.tls(text) == on,
        "tls_starttls" => config.starttls(text) == on,
        "tls_certcheck" => config.certcheck(text) == on,
        "port" => config.written_port(text).is_some_and(|p| p.to_string() == value),
        _ => config.non_empty(field, text) == Some(value),
    }
}
