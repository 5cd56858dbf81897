//! Fixes written back into the XML: a changed value replaces the element's text, a missing
//! element is inserted with the indentation and line ending of its neighbours.

use super::*;

/// Text content: `&`, `<`, `>` (and `\r`, which XML would turn into `\n`), by quick-xml.
pub(super) fn escape_xml(value: &str) -> String {
    quick_xml::escape::partial_escape(value).into_owned()
}

pub(super) fn lower_autodiscover(
    file: FileId,
    endpoint: &EndpointState,
    changes: &[FieldChange],
) -> Result<Vec<Edit>, LowerError> {
    let mut edits = EditSet::new(file);
    let set = |edits: &mut EditSet, local: &str, value: &str| {
        let value = escape_xml(value);
        match endpoint.child(local) {
            Some(child) if child.empty => {
                let qname = &child.qname;
                edits.replace(child.element_range, format!("<{qname}>{value}</{qname}>"));
            }
            Some(child) => edits.replace(child.value_range, value),
            None => {
                let p = &endpoint.prefix;
                edits.insert(
                    endpoint.insert_at,
                    format!("{}<{p}{local}>{value}</{p}{local}>", endpoint.lead),
                );
            }
        }
    };
    for change in changes {
        match change {
            FieldChange::Host(host) => {
                set(&mut edits, "Server", writable_host(host)?);
            }
            FieldChange::Port(port) => set(&mut edits, "Port", &port.to_string()),
            FieldChange::Security(security) => {
                let encryption = security_as_encryption(*security)
                    .ok_or_else(|| LowerError("unknown security cannot be written".to_owned()))?;
                let has_ssl = endpoint.child("SSL").is_some();
                match security {
                    _ if endpoint.child("Encryption").is_some() => {
                        set(&mut edits, "Encryption", encryption)
                    }
                    // `<SSL>` says on or off; `<Encryption>` (Outlook 2010 and later) is needed
                    // for STARTTLS and Auto (outlook.md 4).
                    Security::None => set(&mut edits, "SSL", "off"),
                    Security::ImplicitTls if has_ssl => set(&mut edits, "SSL", "on"),
                    _ => set(&mut edits, "Encryption", encryption),
                }
            }
            FieldChange::Auth(auth) => match auth {
                AuthMethod::PasswordCleartext => {
                    set(&mut edits, "AuthRequired", "on");
                    if endpoint.child("SPA").is_some() {
                        set(&mut edits, "SPA", "off");
                    }
                }
                AuthMethod::Ntlm => {
                    set(&mut edits, "AuthRequired", "on");
                    set(&mut edits, "SPA", "on");
                }
                AuthMethod::None => set(&mut edits, "AuthRequired", "off"),
                other => {
                    return Err(LowerError(format!(
                        "Autodiscover POX cannot ask for {} authentication for {}",
                        other.as_str(),
                        endpoint.protocol
                    )));
                }
            },
            FieldChange::EnableCertificateVerification | FieldChange::DisableTlsVersion(_) => {
                return Err(LowerError(
                    "Autodiscover POX has no certificate or TLS version settings".to_owned(),
                ));
            }
        }
    }
    Ok(edits.finish())
}
