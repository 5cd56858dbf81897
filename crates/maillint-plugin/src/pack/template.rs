//! Message templates: `"{protocol} server {host} is not the company server"`.
//!
//! A template is checked when the pack loads (an unknown placeholder is an error at its line),
//! and rendered for each finding from the account and endpoint it is about. `{{` and `}}` stand
//! for literal braces. No placeholder can reach a secret: the model does not hold secret values.

use std::fmt::Write as _;

use maillint_core::providers::normalize_host;
use maillint_core::{Account, Endpoint, ProviderDb};

/// What a placeholder stands for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Placeholder {
    /// The host name.
    Host,
    /// The port.
    Port,
    /// `IMAP`, `POP3`, `SMTP`.
    Protocol,
    /// The security in words (`STARTTLS if available`).
    Security,
    /// The authentication method's kebab-case name (`password-cleartext`).
    Auth,
    /// The user name.
    Username,
    /// The client (`thunderbird`).
    Client,
    /// The account's name.
    Account,
    /// The domain of the account's address.
    MailDomain,
    /// The account's address.
    Email,
    /// The name of the provider the host belongs to.
    Provider,
    /// "the IMAP connection to `imap.example.net`" ("the IMAP connection" without a host).
    Connection,
}

/// Every placeholder with its name, for parsing and for the documentation.
pub const PLACEHOLDERS: &[(&str, Placeholder)] = &[
    ("host", Placeholder::Host),
    ("port", Placeholder::Port),
    ("protocol", Placeholder::Protocol),
    ("security", Placeholder::Security),
    ("auth", Placeholder::Auth),
    ("username", Placeholder::Username),
    ("client", Placeholder::Client),
    ("account", Placeholder::Account),
    ("mail-domain", Placeholder::MailDomain),
    ("email", Placeholder::Email),
    ("provider", Placeholder::Provider),
    ("connection", Placeholder::Connection),
];

/// What a placeholder renders when the model has no value for it.
pub const NOT_SET: &str = "(not set)";

#[derive(Clone, Debug, PartialEq, Eq)]
enum Piece {
    Text(String),
    Value(Placeholder),
}

/// A checked template.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Template {
    pieces: Vec<Piece>,
    source: String,
}

/// A template that does not parse.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TemplateError {
    /// Byte offset of the problem in the template text.
    pub offset: usize,
    /// What is wrong.
    pub message: String,
}

impl Template {
    /// Parses a template.
    pub fn parse(source: &str) -> Result<Self, TemplateError> {
        let mut pieces = Vec::new();
        let mut text = String::new();
        let mut chars = source.char_indices().peekable();
        while let Some((offset, c)) = chars.next() {
            match c {
                '{' if chars.peek().map(|&(_, n)| n) == Some('{') => {
                    chars.next();
                    text.push('{');
                }
                '}' if chars.peek().map(|&(_, n)| n) == Some('}') => {
                    chars.next();
                    text.push('}');
                }
                '{' => {
                    let rest = &source[offset + 1..];
                    let Some(close) = rest.find('}') else {
                        return Err(TemplateError {
                            offset,
                            message: "`{` without a closing `}` (write `{{` for a literal brace)"
                                .to_owned(),
                        });
                    };
                    let name = &rest[..close];
                    let Some(&(_, placeholder)) = PLACEHOLDERS.iter().find(|(n, _)| *n == name)
                    else {
                        return Err(TemplateError {
                            offset,
                            message: format!(
                                "unknown placeholder `{{{name}}}`; known: {}",
                                PLACEHOLDERS
                                    .iter()
                                    .map(|(n, _)| format!("{{{n}}}"))
                                    .collect::<Vec<_>>()
                                    .join(" ")
                            ),
                        });
                    };
                    if !text.is_empty() {
                        pieces.push(Piece::Text(std::mem::take(&mut text)));
                    }
                    pieces.push(Piece::Value(placeholder));
                    // Skip the name and the closing brace.
                    for _ in 0..name.chars().count() + 1 {
                        chars.next();
                    }
                }
                '}' => {
                    return Err(TemplateError {
                        offset,
                        message: "`}` without an opening `{` (write `}}` for a literal brace)"
                            .to_owned(),
                    });
                }
                c => text.push(c),
            }
        }
        if !text.is_empty() {
            pieces.push(Piece::Text(text));
        }
        Ok(Self { pieces, source: source.to_owned() })
    }

    /// The template as written.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// Renders the template for an account and (for endpoint values) one of its endpoints.
    pub fn render(
        &self,
        account: &Account,
        endpoint: Option<&Endpoint>,
        providers: &ProviderDb,
    ) -> String {
        let mut out = String::new();
        for piece in &self.pieces {
            match piece {
                Piece::Text(text) => out.push_str(text),
                Piece::Value(placeholder) => {
                    render_value(&mut out, *placeholder, account, endpoint, providers)
                }
            }
        }
        out
    }
}

fn render_value(
    out: &mut String,
    placeholder: Placeholder,
    account: &Account,
    endpoint: Option<&Endpoint>,
    providers: &ProviderDb,
) {
    let value: Option<String> = match placeholder {
        Placeholder::Host => endpoint.and_then(|e| e.host.as_ref()).map(|h| h.value.to_string()),
        Placeholder::Port => endpoint.and_then(|e| e.port.as_ref()).map(|p| p.value.to_string()),
        Placeholder::Protocol => endpoint.map(|e| e.protocol.display_name().to_owned()),
        Placeholder::Security => endpoint.map(|e| e.security.value.describe().to_owned()),
        Placeholder::Auth => endpoint.map(|e| e.auth.value.as_str().to_owned()),
        Placeholder::Username => {
            endpoint.and_then(|e| e.username.as_ref()).map(|u| u.value.clone())
        }
        Placeholder::Client => Some(account.client.as_str().to_owned()),
        Placeholder::Account => Some(account.name.clone()),
        Placeholder::MailDomain => account.mail_domain(),
        Placeholder::Email => account.email.as_ref().map(|e| e.value.clone()),
        Placeholder::Provider => endpoint
            .and_then(|e| e.host.as_ref())
            .and_then(|h| providers.by_host(&normalize_host(&h.value)))
            .map(|(p, _)| p.name.clone()),
        Placeholder::Connection => endpoint.map(|e| match &e.host {
            Some(host) => format!("the {} connection to `{}`", e.protocol, host.value),
            None => format!("the {} connection", e.protocol),
        }),
    };
    match value {
        Some(value) => {
            let _ = write!(out, "{value}");
        }
        None => out.push_str(NOT_SET),
    }
}

#[cfg(test)]
mod tests {
    use maillint_core::{AuthMethod, Client, FileId, Located, Protocol, Security, Span};

    use super::*;

    fn account() -> Account {
        let span = Span::point(FileId(0), 0);
        Account {
            client: Client::named("mutt"),
            name: "work".into(),
            email: Some(Located::explicit("Me@Corp.Example".into(), span)),
            span,
            endpoints: vec![Endpoint {
                protocol: Protocol::Imap,
                host: Some(Located::explicit("imap.gmail.com".into(), span)),
                port: None,
                security: Located::explicit(Security::StarttlsOptional, span),
                auth: Located::explicit(AuthMethod::PasswordCleartext, span),
                username: None,
                certificate_verification_disabled: None,
                secrets: vec![],
                tls_versions: vec![],
                span,
                locator: String::new(),
            }],
        }
    }

    #[test]
    fn renders_every_kind_of_value_and_escapes() {
        let t = Template::parse(
            "{{{protocol}}} {host}:{port} {security} {auth} {client}/{account} {mail-domain} {username}",
        )
        .unwrap();
        let a = account();
        assert_eq!(
            t.render(&a, a.endpoints.first(), &ProviderDb::new()),
            "{IMAP} imap.gmail.com:(not set) STARTTLS if available password-cleartext mutt/work corp.example (not set)"
        );
    }

    #[test]
    fn unknown_placeholders_and_lone_braces_are_errors_with_offsets() {
        let err = Template::parse("on {hots}").unwrap_err();
        assert_eq!(err.offset, 3);
        assert!(err.message.contains("unknown placeholder `{hots}`"), "{}", err.message);
        assert!(err.message.contains("{host}"));
        assert_eq!(Template::parse("a { b").unwrap_err().offset, 2);
        assert_eq!(Template::parse("a } b").unwrap_err().offset, 2);
        assert!(Template::parse("é{host}é").is_ok());
    }
}
