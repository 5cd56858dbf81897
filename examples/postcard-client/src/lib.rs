//! Postcard, a toy mail client, as a maillint client crate: the example that shows what adding a
//! client takes. Everything is here: the format ([`PostcardParser`]: detection by name, path
//! and content, parsing with a span on every value, fixes written back), and the client
//! ([`Postcard`]: where its file lives in a home on each OS, and how to keep its password out
//! of the file). `src/main.rs` registers it with one line.
//!
//! The format: a `[postcard]` header, then `key = value` lines; `#` starts a comment line.
//!
//! ```text
//! [postcard]
//! email = jane@example.org
//! imap-host = mail.example.org
//! imap-port = 993            # default: 993 with `tls`, 143 otherwise
//! imap-security = tls        # none | starttls | tls (the default)
//! smtp-host = mail.example.org
//! smtp-port = 465            # default: 465 with `tls`, 587 otherwise
//! smtp-security = tls
//! password = ...             # stored in the file: a finding
//! password-command = ...     # what Postcard runs instead; never run by maillint
//! ```

use std::path::Path;
use std::sync::Arc;

use maillint_core::parser::head_text;
use maillint_core::{
    Account, AuthMethod, Client, ClientSupport, Confidence, Edit, Endpoint, FieldChange, FileId,
    HostName, Layout, Located, Location, LocationKind, LowerError, ParseOptions, ParsedUnit,
    Parser, Protocol, SecretKind, Security, Sources, Span, StoredSecret,
};

/// Postcard, the client.
#[derive(Debug, Default, Clone, Copy)]
pub struct Postcard;

/// The handle Postcard's accounts carry.
pub const CLIENT: Client = Client::of(&Postcard);

impl ClientSupport for Postcard {
    fn id(&self) -> &str {
        "postcard"
    }

    fn display_name(&self) -> &str {
        "Postcard"
    }

    fn parsers(&self) -> Vec<Arc<dyn Parser>> {
        vec![Arc::new(PostcardParser)]
    }

    /// Postcard reads the first of these that exists: `~/.postcardrc`, then its folder in
    /// each OS's configuration place, then the Flatpak's own home.
    fn locations(&self) -> Vec<Location> {
        let order = |layout, files: &[&'static str]| Location {
            layout,
            kind: LocationKind::SearchOrder {
                files: files.iter().map(|&f| f.into()).collect(),
                versioned: false,
            },
        };
        vec![
            order(Layout::Linux, &[".postcardrc", ".config/postcard/config"]),
            order(Layout::MacOs, &["Library/Application Support/Postcard/config"]),
            order(Layout::Windows, &["AppData/Roaming/Postcard/config"]),
            order(Layout::Flatpak, &[".var/app/org.example.Postcard/config/postcard/config"]),
        ]
    }

    fn secret_advice(&self, setting: &str, _protocol: Protocol) -> String {
        format!(
            "remove `{setting}` and set `password-command` to a command that prints the \
             password (`pass show mail`), which Postcard runs when it connects"
        )
    }
}

/// The parser of Postcard's one file format.
#[derive(Debug, Default, Clone, Copy)]
pub struct PostcardParser;

/// The header every Postcard file starts with.
const HEADER: &str = "[postcard]";

impl Parser for PostcardParser {
    fn name(&self) -> &'static str {
        "postcard"
    }

    fn client(&self) -> Client {
        CLIENT
    }

    /// `.postcardrc` and `postcard/config` by name; any other file whose first line that is
    /// neither blank nor a comment is `[postcard]`, by content.
    fn detect(&self, path: &Path, head: &[u8]) -> Option<Confidence> {
        let name = path.file_name().and_then(|n| n.to_str());
        let folder = path.parent().and_then(Path::file_name).and_then(|n| n.to_str());
        if name == Some(".postcardrc") || (name == Some("config") && folder == Some("postcard")) {
            return Some(Confidence::Name);
        }
        let text = head_text(head);
        let first = text.lines().map(str::trim).find(|l| !l.is_empty() && !l.starts_with('#'));
        (first == Some(HEADER)).then_some(Confidence::Content)
    }

    fn parse(&self, root: FileId, sources: &mut Sources, _options: &ParseOptions) -> ParsedUnit {
        let text = sources.get(root).text();
        let file = PostcardFile::read(root, text);
        let secrets = file.value("password").map(|(_, span)| span).into_iter().collect();
        let accounts = file.account().into_iter().collect();
        ParsedUnit { accounts, secrets, ..ParsedUnit::default() }
    }

    /// A value written in the file is replaced; one left to its default is written on a new
    /// line after the header.
    fn lower(
        &self,
        unit: &ParsedUnit,
        sources: &Sources,
        account: usize,
        endpoint: usize,
        changes: &[FieldChange],
    ) -> Result<Vec<Edit>, LowerError> {
        let endpoint = &unit.accounts[account].endpoints[endpoint];
        let prefix = prefix(endpoint.protocol);
        let header_end = header_end(sources, endpoint.span)?;
        changes
            .iter()
            .map(|change| {
                let (key, value, written) = match change {
                    FieldChange::Port(port) => (
                        "port",
                        port.to_string(),
                        endpoint.port.as_ref().map(|p| (p.span, p.is_explicit())),
                    ),
                    FieldChange::Security(security) => {
                        let word = security_word(*security).ok_or_else(|| {
                            LowerError(format!("Postcard has no word for {security:?}"))
                        })?;
                        let written = &endpoint.security;
                        ("security", word.to_owned(), Some((written.span, written.is_explicit())))
                    }
                    FieldChange::Host(host) => (
                        "host",
                        host.clone(),
                        endpoint.host.as_ref().map(|h| (h.span, h.is_explicit())),
                    ),
                    _ => return Err(LowerError(format!("Postcard has no setting for {change:?}"))),
                };
                Ok(match written {
                    Some((span, true)) => Edit::replace(span, value),
                    _ => Edit::insert(header_end, format!("{prefix}-{key} = {value}\n")),
                })
            })
            .collect()
    }
}

/// The point just after the `[postcard]` line of the file that holds `span`.
fn header_end(sources: &Sources, span: Span) -> Result<Span, LowerError> {
    let text = sources.get(span.file).text();
    let start = text.find(HEADER).ok_or_else(|| LowerError("no [postcard] header".to_owned()))?;
    let end = text[start..].find('\n').map_or(text.len(), |n| start + n + 1);
    Ok(Span::point(span.file, end))
}

/// The key prefix of a protocol's settings.
fn prefix(protocol: Protocol) -> &'static str {
    match protocol {
        Protocol::Imap | Protocol::Pop3 => "imap",
        Protocol::Smtp => "smtp",
    }
}

/// Postcard's word for a security, when it has one.
fn security_word(security: Security) -> Option<&'static str> {
    match security {
        Security::None => Some("none"),
        Security::StarttlsRequired => Some("starttls"),
        Security::ImplicitTls => Some("tls"),
        Security::StarttlsOptional | Security::Unknown => None,
    }
}

/// The `key = value` lines of a file, each value with its span.
struct PostcardFile {
    /// Where a setting would be written: just after the header.
    insert_at: Span,
    /// The whole file.
    whole: Span,
    values: Vec<(String, String, Span)>,
}

impl PostcardFile {
    fn read(file: FileId, text: &str) -> Self {
        let mut values = Vec::new();
        let mut insert_at = Span::point(file, 0);
        let mut offset = 0;
        for line in text.split_inclusive('\n') {
            let trimmed = line.trim_end_matches(['\r', '\n']);
            if trimmed.trim() == HEADER {
                insert_at = Span::point(file, offset + line.len());
            } else if let Some((key, value)) = trimmed.split_once('=')
                && !trimmed.trim_start().starts_with('#')
            {
                let value_start = key.len() + 1 + (value.len() - value.trim_start().len());
                let value = value.trim();
                let start = offset + value_start;
                values.push((
                    key.trim().to_owned(),
                    value.to_owned(),
                    Span::new(file, start, start + value.len()),
                ));
            }
            offset += line.len();
        }
        PostcardFile { insert_at, whole: Span::new(file, 0, text.len()), values }
    }

    /// The last value of `key` (a later line overrides an earlier one) and its span.
    fn value(&self, key: &str) -> Option<(&str, Span)> {
        self.values.iter().rev().find(|(k, _, _)| k == key).map(|(_, v, span)| (v.as_str(), *span))
    }

    fn account(&self) -> Option<Account> {
        let endpoints: Vec<Endpoint> =
            [Protocol::Imap, Protocol::Smtp].into_iter().filter_map(|p| self.endpoint(p)).collect();
        if endpoints.is_empty() {
            return None;
        }
        let email = self.value("email").map(|(v, span)| Located::explicit(v.to_owned(), span));
        let name = email.as_ref().map_or_else(|| "postcard".to_owned(), |e| e.value.clone());
        Some(Account { client: CLIENT, name, email, span: self.whole, endpoints })
    }

    /// The endpoint of one protocol, when its host is written.
    fn endpoint(&self, protocol: Protocol) -> Option<Endpoint> {
        let prefix = prefix(protocol);
        let (host, host_span) = self.value(&format!("{prefix}-host"))?;
        let security = match self.value(&format!("{prefix}-security")) {
            Some((word, span)) => Located::explicit(parse_security(word), span),
            None => Located::default(
                Security::ImplicitTls,
                self.insert_at,
                "Postcard uses TLS unless told otherwise",
            ),
        };
        let port = match self.value(&format!("{prefix}-port")) {
            Some((text, span)) => text.parse().ok().map(|port| Located::explicit(port, span)),
            None => {
                let port = match (protocol, security.value) {
                    (Protocol::Smtp, Security::ImplicitTls) => 465,
                    (Protocol::Smtp, _) => 587,
                    (_, Security::ImplicitTls) => 993,
                    _ => 143,
                };
                Some(Located::default(port, self.insert_at, "Postcard's port for this security"))
            }
        };
        let secrets = self
            .value("password")
            .map(|(_, span)| StoredSecret {
                kind: SecretKind::Password,
                setting: "password".to_owned(),
                span,
            })
            .into_iter()
            .collect();
        let auth_reason = "Postcard signs in with the password";
        Some(Endpoint {
            protocol,
            host: Some(Located::explicit(HostName::new(host), host_span)),
            port,
            security,
            auth: Located::default(AuthMethod::PasswordCleartext, self.insert_at, auth_reason),
            username: self.value("email").map(|(v, span)| Located::explicit(v.to_owned(), span)),
            certificate_verification_disabled: None,
            secrets,
            tls_versions: Vec::new(),
            span: host_span,
            locator: prefix.to_owned(),
        })
    }
}

/// A `*-security` value; anything else than the three words is not known.
fn parse_security(word: &str) -> Security {
    match word {
        "none" => Security::None,
        "starttls" => Security::StarttlsRequired,
        "tls" => Security::ImplicitTls,
        _ => Security::Unknown,
    }
}

#[cfg(test)]
mod tests {
    use maillint_core::SourceFile;

    use super::*;

    fn parse(text: &str) -> (Sources, ParsedUnit) {
        let mut sources = Sources::new();
        let root = sources.add(SourceFile::from_text("work.conf", text));
        let unit = PostcardParser.parse(root, &mut sources, &ParseOptions::default());
        (sources, unit)
    }

    #[test]
    fn detected_by_name_path_and_content() {
        let parser = PostcardParser;
        assert_eq!(parser.detect(Path::new("/h/.postcardrc"), b""), Some(Confidence::Name));
        assert_eq!(
            parser.detect(Path::new("/h/.config/postcard/config"), b""),
            Some(Confidence::Name)
        );
        assert_eq!(
            parser.detect(Path::new("a.conf"), b"# mine\n\n[postcard]\n"),
            Some(Confidence::Content)
        );
        assert_eq!(parser.detect(Path::new("a.conf"), b"[general]\n[postcard]\n"), None);
        assert_eq!(parser.detect(Path::new("/h/.config/other/config"), b""), None);
    }

    #[test]
    fn every_value_has_its_span_and_defaults_point_after_the_header() {
        let text =
            "[postcard]\nimap-host = Mail.Example.org\nimap-security = none\npassword = s3\n";
        let (sources, unit) = parse(text);
        let imap = &unit.accounts[0].endpoints[0];
        assert_eq!(sources.slice(imap.host.as_ref().unwrap().span), "Mail.Example.org");
        assert_eq!(
            (imap.security.value, sources.slice(imap.security.span)),
            (Security::None, "none")
        );
        let port = imap.port.as_ref().unwrap();
        assert_eq!((port.value, port.is_default(), port.span.range.start), (143, true, 11));
        assert_eq!(sources.slice(unit.secrets[0]), "s3");
        assert_eq!(imap.secrets[0].setting, "password");
    }

    #[test]
    fn fixes_replace_written_values_and_insert_defaulted_ones() {
        let text = "[postcard]\nimap-host = mail.example.org\nimap-security = none\n";
        let (sources, unit) = parse(text);
        let changes = [FieldChange::Port(993), FieldChange::Security(Security::ImplicitTls)];
        let edits = PostcardParser.lower(&unit, &sources, 0, 0, &changes).unwrap();
        assert_eq!(edits[0].content, "imap-port = 993\n");
        assert_eq!(edits[0].span, Span::point(edits[0].span.file, "[postcard]\n".len()));
        assert_eq!((sources.slice(edits[1].span), edits[1].content.as_str()), ("none", "tls"));
        let refused = PostcardParser.lower(
            &unit,
            &sources,
            0,
            0,
            &[FieldChange::Security(Security::StarttlsOptional)],
        );
        assert!(refused.is_err());
    }

    #[test]
    fn the_advice_names_postcards_own_setting() {
        assert!(CLIENT.secret_advice("password", Protocol::Imap).contains("`password-command`"));
    }
}
