//! One account subkey read into the model: its string and number values with their types
//! checked, its endpoints, and what the lowering needs about them (outlook.md 2.2).

use std::sync::Arc;

use maillint_core::builtin::ParseError;
use maillint_core::fix::{Applicability, Edit, Fix};
use maillint_core::{
    Account, Diagnostic, Endpoint, FileId, Label, Located, ParsedUnit, Protocol, SecretKind, Span,
    StoredSecret, TextRange,
};

use super::hex::{HexLayout, format_hex, utf16le_with_nul};
use super::syntax::{Data, KeyValues, Value};
use super::{EndpointState, ValueRef, names_for};
use crate::accounts::{self, EndpointInput, Number, build_endpoint};
use crate::rules::{RegUnexpectedValueType, SmtpSecurityFlagsConflict};
use crate::text::WithFix;

/// `IMAP Password`, `POP3 Password`, `SMTP Password` (outlook.md 2.2), the numbered
/// `IMAP Password2` and `POP3 Password2`, and any other value whose name ends in `Password`.
///
/// The suffix is compared in place: a lowercased copy of every name, for every endpoint,
/// cost 0.8 M instructions for the bench tree's 44 accounts.
fn is_password_value(name: &str) -> bool {
    let name_bytes = name.as_bytes();
    let suffix = name_bytes.len().checked_sub(8).map(|start| &name_bytes[start..]);
    suffix.is_some_and(|suffix| suffix.eq_ignore_ascii_case(b"password"))
        || crate::secrets::is_password_name(name)
}

/// The server and user value names of the endpoint with this prefix (outlook.md 2.2),
/// written out: formatting them for every account and endpoint cost 0.1 M instructions.
fn server_and_user(prefix: &str) -> (&'static str, &'static str) {
    match prefix {
        "IMAP" => ("IMAP Server", "IMAP User"),
        "POP3" => ("POP3 Server", "POP3 User"),
        _ => ("SMTP Server", "SMTP User"),
    }
}

/// The text of a value's data without its type prefix: what a renderer must redact.
fn value_text_range(value: &Value) -> TextRange {
    match &value.data {
        Data::Hex { range, .. } | Data::String { range, .. } | Data::Dword { range, .. } => *range,
        Data::Delete => value.data_range,
    }
}

/// `String::from_utf16`, with the text of ASCII units (as in nearly every value Outlook
/// writes) taken as bytes: decoding char by char cost 670 instructions a value, 0.15 M for
/// the bench tree's exports.
fn decode_utf16(units: &[u16]) -> Result<String, std::string::FromUtf16Error> {
    let ascii: Option<Vec<u8>> =
        units.iter().map(|&unit| u8::try_from(unit).ok().filter(u8::is_ascii)).collect();
    match ascii.map(String::from_utf8) {
        Some(Ok(text)) => Ok(text),
        _ => String::from_utf16(units),
    }
}

/// A value's data as the lowering needs it: a hex value without its bytes, which the lowering
/// never reads (it rewrites a value whole), so that they are not copied for every account.
fn without_bytes(data: &Data) -> Data {
    match data {
        Data::Hex { kind, range, layout, prefix_chars, .. } => Data::Hex {
            kind: *kind,
            bytes: Vec::new(),
            range: *range,
            layout: layout.clone(),
            prefix_chars: *prefix_chars,
        },
        other => other.clone(),
    }
}

pub(super) struct AccountReader<'a, 'k> {
    pub(super) key: &'a KeyValues<'k>,
    pub(super) file: FileId,
    pub(super) text: &'a str,
    pub(super) eol: &'static str,
    pub(super) unit: &'a mut ParsedUnit,
}

impl AccountReader<'_, '_> {
    fn span(&self, range: TextRange) -> Span {
        Span { file: self.file, range }
    }

    fn wrong_type(&mut self, value: &Value, message: String, fix: Option<(String, String)>) {
        let mut diagnostic = Diagnostic::new(
            RegUnexpectedValueType::metadata(),
            self.span(value.data_range),
            message,
        );
        if let Some((title, content)) = fix {
            diagnostic = diagnostic.with_fix(Fix {
                title,
                applicability: Applicability::Unsafe,
                edits: vec![Edit::replace(self.span(value.data_range), content)],
            });
        }
        self.unit.diagnostics.push(diagnostic);
    }

    /// A string value: `hex:` UTF-16LE with a NUL terminator (outlook.md 2.2). The span covers
    /// the whole hex text so that a fix can rewrite it.
    fn string(&mut self, name: &str) -> Option<Located<String>> {
        let value = self.key.get(name)?;
        match &value.data {
            Data::Hex { kind: None, bytes, range, prefix_chars, .. } => {
                if bytes.len() % 2 != 0 {
                    self.unit.diagnostics.push(Diagnostic::new(
                        ParseError::metadata(),
                        self.span(*range),
                        format!("`{name}` has an odd number of bytes, so it is not UTF-16LE text"),
                    ));
                    return None;
                }
                let mut units: Vec<u16> =
                    bytes.chunks_exact(2).map(|p| u16::from_le_bytes([p[0], p[1]])).collect();
                if units.last() == Some(&0) {
                    units.pop();
                } else {
                    let decoded = String::from_utf16_lossy(&units);
                    let fixed = format_hex(
                        &utf16le_with_nul(&decoded),
                        *prefix_chars,
                        &HexLayout::regedit(),
                        self.eol,
                    );
                    self.wrong_type(
                        value,
                        format!(
                            "`{name}` has no `00,00` terminator; readers drop its last character"
                        ),
                        // A value cut off after a `\` continuation (a truncated export) is
                        // not rewritten: the continuation would swallow what follows.
                        (!self.text[range.end as usize..]
                            .trim_start_matches([' ', '\t', ','])
                            .starts_with('\\'))
                        .then(|| ("Add the UTF-16 terminator".to_owned(), format!("hex:{fixed}"))),
                    );
                }
                let end = units.iter().position(|&u| u == 0).unwrap_or(units.len());
                match decode_utf16(&units[..end]) {
                    Ok(decoded) if !decoded.is_empty() => {
                        Some(Located::explicit(decoded, self.span(*range)))
                    }
                    Ok(_) => None,
                    Err(_) => {
                        self.unit.diagnostics.push(Diagnostic::new(
                            ParseError::metadata(),
                            self.span(*range),
                            format!("`{name}` is not valid UTF-16LE text"),
                        ));
                        None
                    }
                }
            }
            Data::String { value: decoded, range } => {
                let decoded = decoded.clone();
                let range = *range;
                let line_start = self.text[..value.data_range.start as usize]
                    .rfind(['\n', '\r'])
                    .map_or(0, |i| i + 1);
                let prefix_chars =
                    self.text[line_start..value.data_range.start as usize].chars().count() + 4;
                let hex = format_hex(
                    &utf16le_with_nul(&decoded),
                    prefix_chars,
                    &HexLayout::regedit(),
                    self.eol,
                );
                self.wrong_type(
                    value,
                    format!("`{name}` is a string (REG_SZ); Outlook stores it as `hex:` UTF-16LE text (REG_BINARY)"),
                    Some(("Store the value as `hex:` UTF-16LE text".to_owned(), format!("hex:{hex}"))),
                );
                (!decoded.is_empty()).then(|| Located::explicit(decoded, self.span(range)))
            }
            Data::Hex { kind: Some(kind), .. } => {
                let kind = *kind;
                self.wrong_type(
                    value,
                    format!("`{name}` is `hex({kind:x}):`; Outlook stores it as `hex:` UTF-16LE text (REG_BINARY)"),
                    None,
                );
                None
            }
            Data::Dword { .. } => {
                self.wrong_type(
                    value,
                    format!("`{name}` is a `dword:`; Outlook stores it as `hex:` UTF-16LE text"),
                    None,
                );
                None
            }
            Data::Delete => None,
        }
    }

    /// A number: `dword:` (or `hex(4):`, which is a REG_DWORD too).
    fn number(&mut self, name: &str) -> Option<Number> {
        let value = self.key.get(name)?;
        match &value.data {
            Data::Dword { value, range } => Some(Number { value: *value, span: self.span(*range) }),
            Data::Hex { kind: Some(4), bytes, range, .. } if bytes.len() == 4 => Some(Number {
                value: u32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]),
                span: self.span(*range),
            }),
            Data::String { value: decoded, .. } => {
                let parsed = decoded.trim().parse::<u32>().ok();
                let fix = parsed.map(|n| {
                    ("Store the value as a `dword:`".to_owned(), format!("dword:{n:08x}"))
                });
                self.wrong_type(
                    value,
                    format!(
                        "`{name}` is a string (REG_SZ); Outlook stores it as a `dword:` (REG_DWORD)"
                    ),
                    fix,
                );
                None
            }
            Data::Hex { .. } => {
                self.wrong_type(
                    value,
                    format!("`{name}` is binary data; Outlook stores it as a `dword:` (REG_DWORD)"),
                    None,
                );
                None
            }
            Data::Delete => None,
        }
    }

    /// The account of this subkey, with what the lowering needs about each endpoint; None
    /// for a subkey with no internet mail server (an Exchange or other service entry).
    pub(super) fn read(&mut self) -> Option<(Account, Vec<EndpointState>)> {
        let protocols = self.protocols();
        if protocols.is_empty() {
            return None;
        }
        // Every password value of the account is a secret, attached to an endpoint or not
        // (outlook.md 2.2: DPAPI blobs, still secret in an export).
        let passwords: Vec<bool> =
            self.key.values.iter().map(|v| is_password_value(&v.name)).collect();
        for (value, _) in self.key.values.iter().zip(&passwords).filter(|(_, p)| **p) {
            let range = value_text_range(value);
            self.unit.secrets.push(self.span(range));
        }
        let block = self.key.last_block;
        let last = block.last_line();
        let (insert_at, leading_eol) =
            if last.has_terminator() { (last.next, false) } else { (last.end, true) };
        let header = block.header;
        let place = Place {
            insert_at,
            leading_eol,
            open_continuation: self.text[last.start..last.end].trim_end().ends_with('\\'),
            account_span: self.span(TextRange::new(header.start, last.end)),
            subkey: self.key.path.rsplit('\\').next().unwrap_or_default().to_owned(),
            // Password values stay out of the parser state, so no Debug print holds them.
            // One copy for all the endpoints of the account, not one each.
            values: (self.key.values.iter().zip(&passwords))
                .filter(|(_, p)| !**p)
                .map(|(v, _)| ValueRef {
                    name: (*v.name).to_owned(),
                    data: without_bytes(&v.data),
                    data_range: v.data_range,
                })
                .collect(),
            passwords,
        };

        let mut endpoints = Vec::new();
        let mut states = Vec::new();
        for (protocol, prefix) in protocols {
            let (endpoint, state) = self.endpoint(protocol, prefix, &place);
            endpoints.push(endpoint);
            states.push(state);
        }
        let account_name = self.string("Account Name");
        let subkey = place.subkey;
        let account = Account {
            client: crate::CLIENT,
            name: match account_name {
                Some(name) => format!("{subkey} {}", name.value),
                None => subkey,
            },
            email: self.string("Email"),
            span: place.account_span,
            endpoints,
        };
        Some((account, states))
    }

    /// The protocols whose server the subkey names.
    fn protocols(&self) -> Vec<(Protocol, &'static str)> {
        [(Protocol::Imap, "IMAP"), (Protocol::Pop3, "POP3"), (Protocol::Smtp, "SMTP")]
            .into_iter()
            .filter(|(_, prefix)| self.key.get(server_and_user(prefix).0).is_some())
            .collect()
    }

    fn endpoint(
        &mut self,
        protocol: Protocol,
        prefix: &'static str,
        place: &Place,
    ) -> (Endpoint, EndpointState) {
        let names = names_for(prefix);
        let secrets: Vec<StoredSecret> = (self.key.values.iter().zip(&place.passwords))
            .filter(|(_, p)| **p)
            .map(|(v, _)| v)
            .filter(|v| {
                let head = v.name.as_bytes().get(..prefix.len());
                head.is_some_and(|head| head.eq_ignore_ascii_case(prefix.as_bytes()))
            })
            .map(|v| StoredSecret {
                kind: SecretKind::Password,
                setting: (*v.name).to_owned(),
                span: self.span(value_text_range(v)),
            })
            .collect();
        let ssl_flag = self.number(names.ssl_flag);
        let secure_connection =
            if protocol == Protocol::Smtp { self.number(names.secure_connection) } else { None };
        self.check_smtp_flags(ssl_flag, secure_connection);
        let input = EndpointInput {
            protocol,
            names,
            host: self.string(server_and_user(prefix).0),
            port: self.number(names.port),
            ssl_flag,
            secure_connection,
            prefer_secure_connection: true,
            spa: self.number(names.spa),
            use_auth: if protocol == Protocol::Smtp { self.number(names.use_auth) } else { None },
            auth_method: None,
            username: self.string(server_and_user(prefix).1),
            secrets,
            insert_at: Span::point(self.file, place.insert_at),
            span: place.account_span,
            locator: format!("reg:{}:{}", place.subkey, protocol.as_str()),
        };
        let (endpoint, security_source) = build_endpoint(input, &mut self.unit.diagnostics);
        let state = EndpointState {
            protocol,
            prefix,
            values: Arc::clone(&place.values),
            insert_at: place.insert_at,
            leading_eol: place.leading_eol,
            open_continuation: place.open_continuation,
            security_source,
        };
        (endpoint, state)
    }

    /// `SMTP Secure Connection` and the older `SMTP Use SSL` saying different things.
    fn check_smtp_flags(&mut self, ssl_flag: Option<Number>, secure_connection: Option<Number>) {
        let conflict = ssl_flag
            .zip(secure_connection)
            .filter(|(old, new)| accounts::smtp_flags_conflict(old.value, new.value));
        if let Some((old, new)) = conflict {
            self.unit.diagnostics.push(
                Diagnostic::new(
                    SmtpSecurityFlagsConflict::metadata(),
                    new.span,
                    format!(
                        "`SMTP Secure Connection` ({}) and `SMTP Use SSL` ({}) disagree about the outgoing security",
                        new.value, old.value
                    ),
                )
                .with_label(Label::new(old.span, "older setting")),
            );
        }
    }
}

/// Where an account's subkey is, and where new values for it go.
struct Place {
    insert_at: usize,
    leading_eol: bool,
    /// The key's last line ends in a `\` continuation with nothing after it.
    open_continuation: bool,
    account_span: Span,
    subkey: String,
    /// Per value of the key: whether it is a password ([`is_password_value`]).
    passwords: Vec<bool>,
    /// The values the lowering may need (no password among them).
    values: Arc<[ValueRef]>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_and_user_names_are_the_prefix_and_the_word() {
        for prefix in ["IMAP", "POP3", "SMTP"] {
            let (server, user) = server_and_user(prefix);
            assert_eq!((server, user), (&*format!("{prefix} Server"), &*format!("{prefix} User")));
        }
    }

    /// [`decode_utf16`] gives what `String::from_utf16` gives, text or error.
    #[test]
    fn decoding_is_from_utf16() {
        let parts: [&[u16]; 8] =
            [&[], &[0x61], &[0x7F], &[0x80], &[0xE9], &[0xD83D, 0xDE00], &[0xD800], &[0x100]];
        for a in parts {
            for b in parts {
                for c in parts {
                    let units = [a, b, c].concat();
                    let fast = decode_utf16(&units).map_err(|e| e.to_string());
                    let slow = String::from_utf16(&units).map_err(|e| e.to_string());
                    assert_eq!(fast, slow, "{units:?}");
                }
            }
        }
    }

    /// The lowercased-copy definition [`is_password_value`] speeds up.
    #[test]
    fn password_values_as_with_a_lowercased_copy() {
        let heads = ["", "IMAP ", "é", "x", "Remember", "SMTP_", "ÉÉ"];
        let tails = [
            "Password",
            "password",
            "PASSWORD",
            "PassWord2",
            "passwor",
            "assword",
            "Passwordé",
            "pässword",
            "Password12",
            "Pass",
            "",
            "word",
        ];
        for head in heads {
            for tail in tails {
                let name = format!("{head}{tail}");
                let by_copy = name.to_ascii_lowercase().ends_with("password")
                    || crate::secrets::is_password_name(&name);
                assert_eq!(is_password_value(&name), by_copy, "{name:?}");
            }
        }
    }
}
