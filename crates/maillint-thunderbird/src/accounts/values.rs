//! The values of Thunderbird's server prefs and what they mean in the model: `socketType` /
//! `try_ssl` (reference 8.1) and `authMethod` (reference 8.2).

use maillint_core::{AuthMethod, Located, Security, Span};

/// `socketType` / `try_ssl` (`nsMsgSocketType`, reference 8.1).
pub fn security_of(socket_type: i32) -> Option<Security> {
    match socket_type {
        0 => Some(Security::None),
        1 => Some(Security::StarttlsOptional),
        2 => Some(Security::StarttlsRequired),
        3 => Some(Security::ImplicitTls),
        _ => None,
    }
}

/// The `socketType` / `try_ssl` value for a security (reference 8.1).
pub fn socket_type_of(security: Security) -> Option<i32> {
    match security {
        Security::None => Some(0),
        Security::StarttlsOptional => Some(1),
        Security::StarttlsRequired => Some(2),
        Security::ImplicitTls => Some(3),
        Security::Unknown => None,
    }
}

/// How an `authMethod` value (`nsMsgAuthMethod`, reference 8.2) maps to the model.
struct AuthMapping {
    method: AuthMethod,
    /// Why the mapping is not one-to-one, when it is not.
    note: Option<&'static str>,
}

/// `authMethod` → model. Reference 8.2 (`MailNewsTypes2.idl`):
///
/// | value | name | model |
/// |---|---|---|
/// | 0 | (invalid) | unknown |
/// | 1 | none | none |
/// | 2 | old (POP USER/PASS, IMAP LOGIN) | password-cleartext; unknown for SMTP, where it is not valid |
/// | 3 | passwordCleartext | password-cleartext |
/// | 4 | passwordEncrypted (CRAM-MD5, DIGEST-MD5) | password-encrypted |
/// | 5 | GSSAPI | gssapi |
/// | 6 | NTLM | ntlm |
/// | 7 | External (TLS certificate) | tls-certificate |
/// | 8 | secure (any secure method, deprecated) | password-encrypted, noted |
/// | 9 | anything (any method, downgradable) | unknown, noted |
/// | 10 | OAuth2 | oauth2 |
///
/// 8 ("any secure method") lets Thunderbird pick among the challenge-response methods the
/// server offers (CRAM-MD5, NTLM, Kerberos), never a cleartext password: the closest model
/// value is password-encrypted, and a server that offers none of them refuses the login just
/// like with 4. 9 ("any method") is decided at run time and may fall back to a cleartext
/// password: the model's `unknown` is documented as exactly that.
fn auth_of(value: i32, outgoing: bool) -> AuthMapping {
    let plain = |method| AuthMapping { method, note: None };
    match value {
        1 => plain(AuthMethod::None),
        2 if outgoing => AuthMapping {
            method: AuthMethod::Unknown,
            note: Some("authMethod 2 (\"old\" password method) is not valid for SMTP"),
        },
        2 => AuthMapping {
            method: AuthMethod::PasswordCleartext,
            note: Some(
                "authMethod 2 is the original password method (POP USER/PASS, IMAP LOGIN), which sends the password as is",
            ),
        },
        3 => plain(AuthMethod::PasswordCleartext),
        4 => plain(AuthMethod::PasswordEncrypted),
        5 => plain(AuthMethod::Gssapi),
        6 => plain(AuthMethod::Ntlm),
        7 => plain(AuthMethod::TlsCertificate),
        8 => AuthMapping {
            method: AuthMethod::PasswordEncrypted,
            note: Some(
                "authMethod 8 (\"any secure method\", deprecated) lets Thunderbird pick a challenge-response method (CRAM-MD5, NTLM or Kerberos) and never sends the password in clear",
            ),
        },
        9 => AuthMapping {
            method: AuthMethod::Unknown,
            note: Some(
                "authMethod 9 (\"any method\") is chosen at run time and may fall back to sending the password in clear",
            ),
        },
        10 => plain(AuthMethod::Oauth2),
        0 => AuthMapping {
            method: AuthMethod::Unknown,
            note: Some("authMethod 0 is not a valid authentication method"),
        },
        _ => AuthMapping {
            method: AuthMethod::Unknown,
            note: Some("this authMethod value is not one Thunderbird defines (1-10)"),
        },
    }
}

/// The `authMethod` value for a model method (reference 8.2).
pub fn auth_method_value(method: AuthMethod) -> Option<i32> {
    match method {
        AuthMethod::None => Some(1),
        AuthMethod::PasswordCleartext => Some(3),
        AuthMethod::PasswordEncrypted => Some(4),
        AuthMethod::Gssapi => Some(5),
        AuthMethod::Ntlm => Some(6),
        AuthMethod::TlsCertificate => Some(7),
        AuthMethod::Oauth2 => Some(10),
        AuthMethod::Unknown => None,
    }
}

fn socket_type_label(value: i32) -> &'static str {
    match value {
        0 => "0 (no encryption)",
        1 => "1 (STARTTLS if available)",
        2 => "2 (STARTTLS)",
        3 => "3 (SSL/TLS)",
        _ => "an undefined value",
    }
}

pub(super) fn located_security(
    value: i32,
    span: Span,
    inherited: Option<String>,
) -> Located<Security> {
    match (security_of(value), inherited) {
        (Some(security), None) => Located::explicit(security, span),
        (Some(security), Some(reason)) => Located::derived(security, span, reason),
        (None, inherited) => Located::derived(
            Security::Unknown,
            span,
            format!(
                "{} is not a socket type Thunderbird defines (0-3){}",
                socket_type_label(value),
                inherited.map(|r| format!("; {r}")).unwrap_or_default()
            ),
        ),
    }
}

pub(super) fn located_auth(
    value: i32,
    outgoing: bool,
    span: Span,
    inherited: Option<&str>,
) -> Located<AuthMethod> {
    let mapping = auth_of(value, outgoing);
    let reason = match (mapping.note, inherited) {
        (None, None) => return Located::explicit(mapping.method, span),
        (Some(note), None) => note.to_owned(),
        (None, Some(inherited)) => inherited.to_owned(),
        (Some(note), Some(inherited)) => format!("{note}; {inherited}"),
    };
    Located::derived(mapping.method, span, reason)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn auth_mapping_round_trips_for_every_model_value() {
        for method in [
            AuthMethod::None,
            AuthMethod::PasswordCleartext,
            AuthMethod::PasswordEncrypted,
            AuthMethod::Gssapi,
            AuthMethod::Ntlm,
            AuthMethod::TlsCertificate,
            AuthMethod::Oauth2,
        ] {
            let value = auth_method_value(method).unwrap();
            assert_eq!(auth_of(value, false).method, method);
            assert!(auth_of(value, false).note.is_none());
        }
        assert_eq!(auth_of(9, false).method, AuthMethod::Unknown);
        assert_eq!(auth_of(8, true).method, AuthMethod::PasswordEncrypted);
        assert_eq!(auth_of(2, true).method, AuthMethod::Unknown);
        assert_eq!(auth_of(2, false).method, AuthMethod::PasswordCleartext);
    }

    #[test]
    fn socket_types_round_trip() {
        for value in 0..=3 {
            assert_eq!(socket_type_of(security_of(value).unwrap()), Some(value));
        }
        assert_eq!(security_of(4), None);
    }
}
