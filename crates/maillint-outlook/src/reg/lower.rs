//! Field changes written back in export form: `dword:` with 8 lower-case digits, strings as
//! `hex:` UTF-16LE wrapped the way the value was (outlook.md 3.1).

use maillint_core::fix::{Edit, FieldChange};
use maillint_core::{AuthMethod, LowerError, Protocol};

use super::hex::{HexLayout, format_hex, utf16le_with_nul};
use super::syntax::{Data, escape_string};
use super::{EndpointState, RegState, ValueRef, names_for};
use crate::accounts::{SecuritySource, security_as_secure_connection, security_as_ssl_flag};
use crate::text::{EditSet, writable_host};

pub(super) fn lower_reg(
    state: &RegState,
    endpoint: &EndpointState,
    changes: &[FieldChange],
) -> Result<Vec<Edit>, LowerError> {
    if endpoint.open_continuation {
        return Err(LowerError(
            "the account's last value ends in a `\\` continuation with nothing after it; complete or remove that value first".to_owned(),
        ));
    }
    let mut edits = EditSet::new(state.file);
    let prefix = endpoint.prefix;
    let names = names_for(prefix);
    for change in changes {
        match change {
            FieldChange::Host(host) => {
                set_string(
                    state,
                    endpoint,
                    &mut edits,
                    &format!("{prefix} Server"),
                    writable_host(host)?,
                );
            }
            FieldChange::Port(port) => {
                set_dword(state, endpoint, &mut edits, names.port, u32::from(*port))
            }
            FieldChange::Security(security) => {
                let flag = security_as_ssl_flag(*security);
                let secure_connection = security_as_secure_connection(*security);
                let cannot = |setting: &str| {
                    LowerError(format!("`{setting}` cannot say {}", security.describe()))
                };
                match (endpoint.protocol, endpoint.security_source) {
                    (
                        Protocol::Smtp,
                        SecuritySource::SecureConnection | SecuritySource::Missing,
                    ) => {
                        let value =
                            secure_connection.ok_or_else(|| cannot(names.secure_connection))?;
                        set_dword(state, endpoint, &mut edits, names.secure_connection, value);
                    }
                    _ => {
                        // `Use SSL` flags: 0 off, 1 SSL; 2 and 3 are unverified (outlook.md 2.2).
                        let value = flag.ok_or_else(|| cannot(names.ssl_flag))?;
                        set_dword(state, endpoint, &mut edits, names.ssl_flag, value);
                    }
                }
            }
            FieldChange::Auth(auth) => {
                let (use_auth, spa) = match auth {
                    AuthMethod::PasswordCleartext => (1, 0),
                    AuthMethod::Ntlm => (1, 1),
                    AuthMethod::None if endpoint.protocol == Protocol::Smtp => (0, 0),
                    other => {
                        return Err(LowerError(format!(
                            "an Outlook profile cannot be set to {} authentication for {}",
                            other.as_str(),
                            endpoint.protocol
                        )));
                    }
                };
                if endpoint.protocol == Protocol::Smtp {
                    set_dword(state, endpoint, &mut edits, names.use_auth, use_auth);
                }
                if spa == 1 || endpoint.value(names.spa).is_some() {
                    set_dword(state, endpoint, &mut edits, names.spa, spa);
                }
            }
            FieldChange::EnableCertificateVerification | FieldChange::DisableTlsVersion(_) => {
                return Err(LowerError(
                    "Outlook profiles have no certificate or TLS version values".to_owned(),
                ));
            }
        }
    }
    Ok(edits.finish())
}

fn insert_line(state: &RegState, endpoint: &EndpointState, edits: &mut EditSet, line: String) {
    let eol = state.eol;
    let content =
        if endpoint.leading_eol { format!("{eol}{line}") } else { format!("{line}{eol}") };
    edits.insert(endpoint.insert_at, content);
}

fn set_dword(
    state: &RegState,
    endpoint: &EndpointState,
    edits: &mut EditSet,
    name: &str,
    value: u32,
) {
    // Exports write exactly 8 lower-case hex digits (outlook.md 3.1).
    match endpoint.value(name) {
        Some(ValueRef { data: Data::Dword { range, .. }, .. }) => {
            edits.replace(*range, format!("{value:08x}"))
        }
        Some(existing) => edits.replace(existing.data_range, format!("dword:{value:08x}")),
        None => insert_line(state, endpoint, edits, format!("\"{name}\"=dword:{value:08x}")),
    }
}

fn set_string(
    state: &RegState,
    endpoint: &EndpointState,
    edits: &mut EditSet,
    name: &str,
    value: &str,
) {
    let bytes = utf16le_with_nul(value);
    match endpoint.value(name) {
        Some(ValueRef {
            data: Data::Hex { kind: None, range, layout, prefix_chars, .. }, ..
        }) => {
            edits.replace(*range, format_hex(&bytes, *prefix_chars, layout, state.eol));
        }
        Some(ValueRef { data: Data::String { range, .. }, .. }) => {
            edits.replace(*range, escape_string(value))
        }
        Some(existing) => {
            // A value of another type: rewrite it as Outlook stores strings. The prefix is
            // `"Name"=` plus `hex:`.
            let prefix_chars = name.chars().count() + 3 + 4;
            let hex = format_hex(&bytes, prefix_chars, &HexLayout::regedit(), state.eol);
            edits.replace(existing.data_range, format!("hex:{hex}"));
        }
        None => {
            let head = format!("\"{}\"=hex:", escape_string(name));
            let hex = format_hex(&bytes, head.chars().count(), &HexLayout::regedit(), state.eol);
            insert_line(state, endpoint, edits, format!("{head}{hex}"));
        }
    }
}
