//! Field changes written back as `Key=Value` lines: a number keeps the style it was written
//! in, and a key the mapping section lacks gets its mapping line too (outlook.md 1.3).

use maillint_core::fix::{Edit, FieldChange};
use maillint_core::{AuthMethod, LowerError, Protocol, Security};

use super::mapping::known_mapping;
use super::{EndpointState, PrfState, names_for};
use crate::accounts::{SecuritySource, security_as_secure_connection, security_as_ssl_flag};
use crate::text::EditSet;

/// How a number was written, so a replacement is written the same way.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct NumberStyle {
    pub(super) hex: bool,
    pub(super) upper_prefix: bool,
    pub(super) upper_digits: bool,
    pub(super) digits: usize,
}

impl NumberStyle {
    pub(super) fn of(text: &str) -> Self {
        let hex_digits = text.strip_prefix("0x").or_else(|| text.strip_prefix("0X"));
        match hex_digits {
            Some(digits) => NumberStyle {
                hex: true,
                upper_prefix: text.starts_with("0X"),
                upper_digits: digits.bytes().any(|b| b.is_ascii_uppercase()),
                digits: digits.len(),
            },
            None => NumberStyle { hex: false, upper_prefix: false, upper_digits: false, digits: 0 },
        }
    }

    pub(super) fn format(self, value: u32) -> String {
        if !self.hex {
            return value.to_string();
        }
        let prefix = if self.upper_prefix { "0X" } else { "0x" };
        let width = self.digits;
        if self.upper_digits {
            format!("{prefix}{value:0width$X}")
        } else {
            format!("{prefix}{value:0width$x}")
        }
    }
}

/// A value for a key: a number keeps the style it was written in.
enum Value<'a> {
    Number(u32),
    Text(&'a str),
}

pub(super) fn lower_prf(
    state: &PrfState,
    endpoint: &EndpointState,
    changes: &[FieldChange],
) -> Result<Vec<Edit>, LowerError> {
    let mut edits = EditSet::new(state.file);
    let prefix = endpoint.prefix;
    let names = names_for(prefix);
    for change in changes {
        match change {
            FieldChange::Host(host) => {
                check_value(host)?;
                set(state, endpoint, &mut edits, &format!("{prefix}Server"), Value::Text(host));
            }
            FieldChange::Port(port) => {
                set(state, endpoint, &mut edits, names.port, Value::Number(u32::from(*port)));
            }
            FieldChange::Security(security) => {
                lower_security(state, endpoint, &mut edits, *security)?;
            }
            FieldChange::Auth(auth) => {
                let (use_auth, spa) = match auth {
                    AuthMethod::PasswordCleartext => (Some(1), Some(0)),
                    AuthMethod::Ntlm => (Some(1), Some(1)),
                    AuthMethod::None if endpoint.protocol == Protocol::Smtp => (Some(0), None),
                    other => {
                        return Err(LowerError(format!(
                            "a PRF file cannot set {} authentication for {}",
                            other.as_str(),
                            endpoint.protocol
                        )));
                    }
                };
                if let (Protocol::Smtp, Some(v)) = (endpoint.protocol, use_auth) {
                    set(state, endpoint, &mut edits, names.use_auth, Value::Number(v));
                }
                // SPA off is what a missing flag means: only write it over an existing value.
                if let Some(v) = spa.filter(|&v| v == 1 || endpoint.key(names.spa).is_some()) {
                    set(state, endpoint, &mut edits, names.spa, Value::Number(v));
                }
            }
            FieldChange::EnableCertificateVerification | FieldChange::DisableTlsVersion(_) => {
                return Err(LowerError(
                    "Outlook's PRF format has no certificate or TLS version settings".to_owned(),
                ));
            }
        }
    }
    Ok(edits.finish())
}

fn check_value(value: &str) -> Result<(), LowerError> {
    if value.is_empty() || value.chars().any(|c| c.is_control()) {
        return Err(LowerError(format!(
            "`{}` cannot be written as a PRF value",
            value.escape_debug()
        )));
    }
    Ok(())
}

fn lower_security(
    state: &PrfState,
    endpoint: &EndpointState,
    edits: &mut EditSet,
    security: Security,
) -> Result<(), LowerError> {
    let names = names_for(endpoint.prefix);
    let flag = security_as_ssl_flag(security);
    if endpoint.protocol != Protocol::Smtp {
        let value = flag.ok_or_else(|| {
            LowerError(format!(
                "`{}` can only say SSL on or off; {} cannot be written in a PRF file",
                names.ssl_flag,
                security.describe()
            ))
        })?;
        set(state, endpoint, edits, names.ssl_flag, Value::Number(value));
        return Ok(());
    }
    let secure_connection = security_as_secure_connection(security)
        .ok_or_else(|| LowerError("unknown security cannot be written".to_owned()))?;
    match endpoint.security_source {
        SecuritySource::SecureConnection => {
            set(state, endpoint, edits, names.secure_connection, Value::Number(secure_connection));
        }
        SecuritySource::SslFlag => {
            let value = flag.ok_or_else(|| {
                LowerError(format!(
                    "this file's mapping uses the older `SMTPUseSSL`, which cannot say {}",
                    security.describe()
                ))
            })?;
            set(state, endpoint, edits, names.ssl_flag, Value::Number(value));
        }
        SecuritySource::Missing => {
            // Write the key the file maps (outlook.md 1.3); prefer the documented property.
            let use_old_flag = !endpoint.is_mapped(names.secure_connection)
                && endpoint.is_mapped(names.ssl_flag)
                && flag.is_some();
            if use_old_flag {
                set(state, endpoint, edits, names.ssl_flag, Value::Number(flag.unwrap_or(0)));
            } else {
                set(
                    state,
                    endpoint,
                    edits,
                    names.secure_connection,
                    Value::Number(secure_connection),
                );
            }
        }
    }
    Ok(())
}

/// Replaces the key's value in place, or inserts a `Key=Value` line at the end of the account
/// section (and the key's mapping line when the mapping section lacks it).
fn set(
    state: &PrfState,
    endpoint: &EndpointState,
    edits: &mut EditSet,
    key: &str,
    value: Value<'_>,
) {
    if let Some(existing) = endpoint.key(key) {
        let text = match value {
            Value::Number(n) => existing.style.format(n),
            Value::Text(t) => t.to_owned(),
        };
        edits.replace(existing.value_range, text);
        return;
    }
    let text = match value {
        Value::Number(n) => n.to_string(),
        Value::Text(t) => t.to_owned(),
    };
    let line = format!("{key}{}{text}", endpoint.separator);
    let eol = state.eol;
    let content =
        if endpoint.leading_eol { format!("{eol}{line}") } else { format!("{line}{eol}") };
    edits.insert(endpoint.insert_at, content);
    let Some(map) = endpoint.map.as_ref().filter(|_| !endpoint.is_mapped(key)) else { return };
    if let Some((mapped_key, mapping)) = known_mapping(key, endpoint.protocol) {
        let line = format!("{mapped_key}={mapping}");
        if !edits.inserts(map.insert_at, &line) {
            let content =
                if map.leading_eol { format!("{eol}{line}") } else { format!("{line}{eol}") };
            edits.insert(map.insert_at, content);
        }
    }
}
