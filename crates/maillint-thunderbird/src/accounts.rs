//! Accounts from a profile's prefs (reference section 8).
//!
//! `mail.accountmanager.accounts` lists the account keys; each `mail.account.<acct>.server`
//! names an incoming server (`mail.server.<srv>.*`) and `.identities` its identities
//! (`mail.identity.<id>.*`), whose `smtpServer` names an outgoing server
//! (`mail.smtpserver.<key>.*`). Values are read the way Thunderbird's getters read them:
//! typed (a value of another type is ignored), falling back to the `default` server branch
//! where Thunderbird does, then to the built-in default. Each value keeps the span of the
//! literal that set it, or, when defaulted, the point where the pref would be written.
//!
//! Servers no listed account uses are not dropped: prefs.js fragments in dotfiles often hold
//! only `mail.server.server1.*` lines, and those settings deserve checking too. Each such
//! server becomes an account of its own.

use std::collections::{BTreeMap, HashMap, HashSet};

use maillint_core::{
    Account, AuthMethod, Endpoint, Located, Protocol, SecretKind, Security, Span, StoredSecret,
    TextRange,
};

use crate::placement::Placement;
use crate::prefs::PrefValue;
use crate::profile::{PrefRef, Profile, Typed};

/// Prefix of incoming server prefs.
pub const SERVER_PREFIX: &str = "mail.server.";
/// Prefix of outgoing server prefs.
pub const SMTP_PREFIX: &str = "mail.smtpserver.";
/// The branch every incoming server falls back to (`nsMsgIncomingServer::SetKey`).
pub const SERVER_DEFAULT_KEY: &str = "default";

/// Which kind of server an endpoint is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ServerKind {
    /// `mail.server.<key>.*` of type `imap` or `pop3`.
    Incoming(Protocol),
    /// `mail.smtpserver.<key>.*`.
    Outgoing,
}

/// What the lowering needs to know about an endpoint.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EndpointKey {
    /// Incoming or outgoing.
    pub kind: ServerKind,
    /// The server key (`server1`, `smtp1`).
    pub key: String,
    /// The file that holds the endpoint's settings: where new prefs for it go.
    pub home_file: usize,
}

impl EndpointKey {
    /// `mail.server.<key>.` or `mail.smtpserver.<key>.`.
    pub fn prefix(&self) -> String {
        match self.kind {
            ServerKind::Incoming(_) => format!("{SERVER_PREFIX}{}.", self.key),
            ServerKind::Outgoing => format!("{SMTP_PREFIX}{}.", self.key),
        }
    }

    /// The parser-private locator stored in [`Endpoint::locator`].
    pub fn locator(&self) -> String {
        match self.kind {
            ServerKind::Incoming(_) => format!("server:{}", self.key),
            ServerKind::Outgoing => format!("smtp:{}", self.key),
        }
    }
}

/// The model of one profile.
#[derive(Debug, Default)]
pub struct Assembly {
    /// The accounts, listed accounts first, then servers no account uses.
    pub accounts: Vec<Account>,
    /// Every endpoint by locator.
    pub endpoints: HashMap<String, EndpointKey>,
    /// Spans of stored secrets (inside the quotes).
    pub secrets: Vec<Span>,
    /// Every password statement: setting and span.
    secret_statements: Vec<(String, Span)>,
}

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

/// Where a server's settings are and what a key's prefs look like.
#[derive(Debug, Default)]
struct KeyInfo {
    /// Per file: the range covering the key's statements.
    cover: BTreeMap<usize, TextRange>,
    /// The first statement of the key (load order).
    first: Option<PrefRef>,
}

/// Splits `mail.server.<key>.<attr>` into its key.
fn key_of<'a>(name: &'a str, prefix: &str) -> Option<&'a str> {
    let rest = name.strip_prefix(prefix)?;
    let (key, attr) = rest.split_once('.')?;
    (!key.is_empty() && !attr.is_empty()).then_some(key)
}

/// Server keys in Thunderbird's own order: `server2` before `server10`.
fn natural_order(a: &str, b: &str) -> std::cmp::Ordering {
    fn split(s: &str) -> (&str, Option<u64>) {
        let digits = s.len() - s.bytes().rev().take_while(u8::is_ascii_digit).count();
        (&s[..digits], s[digits..].parse().ok())
    }
    split(a).cmp(&split(b)).then_with(|| a.cmp(b))
}

/// Comma-separated keys, trimmed, empty entries and repeats dropped.
fn key_list(value: &str) -> Vec<String> {
    let mut seen = HashSet::new();
    value
        .split(',')
        .map(str::trim)
        .filter(|key| !key.is_empty() && seen.insert(key.to_string()))
        .map(str::to_owned)
        .collect()
}

struct Assembler<'a> {
    profile: &'a Profile<'a>,
    placement: &'a Placement<'a>,
    servers: BTreeMap<String, KeyInfo>,
    smtp_servers: BTreeMap<String, KeyInfo>,
    out: Assembly,
}

/// Builds the accounts of a profile.
pub fn assemble(profile: &Profile, placement: &Placement<'_>) -> Assembly {
    let mut assembler = Assembler {
        profile,
        placement,
        servers: BTreeMap::new(),
        smtp_servers: BTreeMap::new(),
        out: Assembly::default(),
    };
    assembler.index_keys();
    assembler.out.secret_statements = password_statements(profile);
    assembler.out.secrets = assembler.out.secret_statements.iter().map(|(_, span)| *span).collect();
    assembler.run();
    assembler.out
}

impl<'a> Assembler<'a> {
    fn index_keys(&mut self) {
        for (at, statement) in self.profile.statements() {
            let (map, key) = if let Some(key) = key_of(&statement.name, SERVER_PREFIX) {
                (&mut self.servers, key)
            } else if let Some(key) = key_of(&statement.name, SMTP_PREFIX) {
                (&mut self.smtp_servers, key)
            } else {
                continue;
            };
            if key == SERVER_DEFAULT_KEY {
                continue;
            }
            // The key is copied once per server, not once per pref.
            if !map.contains_key(key) {
                map.insert(key.to_owned(), KeyInfo::default());
            }
            let Some(info) = map.get_mut(key) else { continue };
            info.first.get_or_insert(at);
            info.cover
                .entry(at.file)
                .and_modify(|range| *range = range.cover(&statement.range))
                .or_insert(statement.range);
        }
    }

    fn run(&mut self) {
        let profile = self.profile;
        let listed = match profile.string("mail.accountmanager.accounts") {
            Typed::Value(list, _) => key_list(&list),
            // A fragment without the account list: every `mail.account.<acct>.server` counts.
            _ => {
                let mut keys: Vec<String> = profile
                    .mail_names()
                    .filter_map(|name| {
                        let key = name.strip_prefix("mail.account.")?.strip_suffix(".server")?;
                        (!key.contains('.')).then(|| key.to_owned())
                    })
                    .collect();
                keys.sort_by(|a, b| natural_order(a, b));
                keys
            }
        };

        let mut used_servers = HashSet::new();
        let mut used_smtp = HashSet::new();
        for account_key in &listed {
            let Typed::Value(server_key, server_at) =
                profile.string(&format!("mail.account.{account_key}.server"))
            else {
                continue;
            };
            used_servers.insert(server_key.clone());
            let identities = match profile.string(&format!("mail.account.{account_key}.identities"))
            {
                Typed::Value(list, _) => key_list(&list),
                _ => Vec::new(),
            };
            let mut email = None;
            let mut endpoints = Vec::new();
            if let Some(endpoint) = self.incoming(&server_key) {
                endpoints.push(endpoint);
            }
            let mut smtp_keys: Vec<String> = Vec::new();
            for identity in &identities {
                if email.is_none() {
                    email = self.email(identity);
                }
                if let Some(key) = self.smtp_key_of_identity(identity)
                    && !smtp_keys.contains(&key)
                {
                    smtp_keys.push(key);
                }
            }
            for key in smtp_keys {
                used_smtp.insert(key.clone());
                if let Some(endpoint) = self.outgoing(&key) {
                    endpoints.push(endpoint);
                }
            }
            if endpoints.is_empty() {
                continue;
            }
            let name = match &email {
                Some(address) => format!("{account_key} ({})", address.value),
                None => account_key.clone(),
            };
            let span = profile.span(server_at, profile.statement(server_at).range);
            self.out.accounts.push(Account { client: crate::CLIENT, name, email, span, endpoints });
        }

        let mut orphans: Vec<String> =
            self.servers.keys().filter(|key| !used_servers.contains(*key)).cloned().collect();
        orphans.sort_by(|a, b| natural_order(a, b));
        for key in orphans {
            if let Some(endpoint) = self.incoming(&key) {
                let span = endpoint.span;
                self.out.accounts.push(Account {
                    client: crate::CLIENT,
                    name: format!("{key} (server not used by any account)"),
                    email: None,
                    span,
                    endpoints: vec![endpoint],
                });
            }
        }

        let mut orphan_smtp: Vec<String> = match profile.string("mail.smtpservers") {
            Typed::Value(list, _) => key_list(&list),
            _ => Vec::new(),
        };
        let mut rest: Vec<String> =
            self.smtp_servers.keys().filter(|k| !orphan_smtp.contains(k)).cloned().collect();
        rest.sort_by(|a, b| natural_order(a, b));
        orphan_smtp.extend(rest);
        for key in orphan_smtp.into_iter().filter(|key| !used_smtp.contains(key)) {
            if let Some(endpoint) = self.outgoing(&key) {
                let span = endpoint.span;
                self.out.accounts.push(Account {
                    client: crate::CLIENT,
                    name: format!("{key} (outgoing server not used by any account)"),
                    email: None,
                    span,
                    endpoints: vec![endpoint],
                });
            }
        }
    }

    fn email(&self, identity: &str) -> Option<Located<String>> {
        let (address, at) =
            self.profile.string(&format!("mail.identity.{identity}.useremail")).value()?;
        (!address.is_empty()).then(|| Located::explicit(address, self.profile.value_span(at)))
    }

    /// The outgoing server of an identity: its `smtpServer`, else `mail.smtp.defaultserver`,
    /// else the first of `mail.smtpservers` (reference section 8).
    fn smtp_key_of_identity(&self, identity: &str) -> Option<String> {
        let profile = self.profile;
        let own = profile.string(&format!("mail.identity.{identity}.smtpServer")).value();
        if let Some((key, _)) = own.filter(|(key, _)| !key.trim().is_empty()) {
            return Some(key.trim().to_owned());
        }
        if let Some((key, _)) =
            profile.string("mail.smtp.defaultserver").value().filter(|(k, _)| !k.trim().is_empty())
        {
            return Some(key.trim().to_owned());
        }
        let (list, _) = profile.string("mail.smtpservers").value()?;
        key_list(&list).into_iter().next()
    }

    /// The file that holds a key's settings: that of its host name, else of its first pref.
    fn home_file(&self, info: &KeyInfo, prefix: &str) -> usize {
        self.profile
            .effective(&format!("{prefix}hostname"))
            .or_else(|| self.profile.effective(&format!("{prefix}type")))
            .or(info.first)
            .map_or(0, |at| at.file)
    }

    fn endpoint_span(&self, info: &KeyInfo, home_file: usize) -> Span {
        let range = info.cover.get(&home_file).copied().unwrap_or_default();
        Span { file: self.profile.files[home_file].id, range }
    }

    /// A defaulted value's span: where the pref would be inserted.
    fn insertion_span(&self, home_file: usize, prefix: &str, name: &str) -> Span {
        self.placement.insertion_span(home_file, prefix, name)
    }

    /// A value read from the server's own prefs, else from `mail.server.default.*`, as
    /// `nsMsgIncomingServer::Get*Value` does. Returns the value, where it came from, and a
    /// statement of the server's own whose type was wrong (ignored).
    fn server_value<T>(
        &self,
        key: &str,
        attr: &str,
        read: impl Fn(&Profile<'a>, &str) -> Typed<T>,
    ) -> (Option<(T, PrefRef, bool)>, Option<PrefRef>) {
        let own = read(self.profile, &format!("{SERVER_PREFIX}{key}.{attr}"));
        let ignored = match own {
            Typed::Value(value, at) => return (Some((value, at, false)), None),
            Typed::WrongType(at) => Some(at),
            Typed::Missing => None,
        };
        let inherited = read(self.profile, &format!("{SERVER_PREFIX}{SERVER_DEFAULT_KEY}.{attr}"))
            .value()
            .map(|(value, at)| (value, at, true));
        (inherited, ignored)
    }

    fn ignored_note(&self, ignored: Option<PrefRef>, name: &str) -> String {
        match ignored {
            Some(at) => format!(
                "; the {} value of {name} is ignored, because Thunderbird reads it with another type",
                self.profile.statement(at).value.type_name()
            ),
            None => String::new(),
        }
    }

    fn incoming(&mut self, key: &str) -> Option<Endpoint> {
        let profile = self.profile;
        let info = self.servers.get(key)?;
        let prefix = format!("{SERVER_PREFIX}{key}.");
        let (kind, _, _) = self.server_value(key, "type", Profile::string).0?;
        let protocol = match kind.as_str() {
            "imap" => Protocol::Imap,
            "pop3" => Protocol::Pop3,
            // nntp, none (Local Folders), rss, ews, graph, im, movemail: not mail endpoints
            // maillint checks.
            _ => return None,
        };
        let home_file = self.home_file(info, &prefix);
        let span = self.endpoint_span(info, home_file);

        // Host name, possibly `host:port` (nsMsgIncomingServer::GetHostName splits a value
        // with exactly one `:` and stores the port, when it parses).
        let (hostname, _) = self.server_value(key, "hostname", Profile::string);
        let mut host = None;
        let mut port_from_hostname = None;
        if let Some((value, at, _)) = hostname {
            let literal = profile.value_span(at);
            let inner = inner_text_range(profile, at);
            if value.matches(':').count() == 1 {
                let (name, port_text) = value.split_once(':').unwrap_or((&value, ""));
                let name_span = inner.map_or(literal, |r| Span {
                    file: literal.file,
                    range: TextRange::new(r.start as usize, r.start as usize + name.len()),
                });
                if !name.is_empty() {
                    host = Some(Located::explicit(name.to_owned(), name_span));
                }
                if let Ok(port) = port_text.parse::<i32>() {
                    let port_span = inner.map_or(literal, |r| Span {
                        file: literal.file,
                        range: TextRange::new(r.start as usize + name.len() + 1, r.end as usize),
                    });
                    port_from_hostname = Some((port, port_span));
                }
            } else if !value.is_empty() {
                host = Some(Located::explicit(value, literal));
            }
        }

        // socketType, then legacy isSecure, then mail.server.default.socketType, then 0
        // (nsMsgIncomingServer::GetSocketType).
        let socket_name = format!("{prefix}socketType");
        let (socket_type, security) = match profile.int(&socket_name) {
            Typed::Value(value, at) => {
                (value, located_security(value, profile.value_span(at), None))
            }
            own => {
                let ignored = match own {
                    Typed::WrongType(at) => Some(at),
                    _ => None,
                };
                let note = self.ignored_note(ignored, &socket_name);
                match profile.bool(&format!("{prefix}isSecure")) {
                    Typed::Value(true, at) => (
                        3,
                        Located::derived(
                            Security::ImplicitTls,
                            profile.value_span(at),
                            format!(
                                "legacy isSecure=true without socketType: Thunderbird reads it as socketType 3 (SSL/TLS){note}"
                            ),
                        ),
                    ),
                    _ => match profile
                        .int(&format!("{SERVER_PREFIX}{SERVER_DEFAULT_KEY}.socketType"))
                    {
                        Typed::Value(value, at) => (
                            value,
                            located_security(
                                value,
                                profile.value_span(at),
                                Some(format!(
                                    "inherited from mail.server.default.socketType, which applies to every server without its own socketType{note}"
                                )),
                            ),
                        ),
                        _ => (
                            0,
                            Located::default(
                                Security::None,
                                self.insertion_span(home_file, &prefix, &socket_name),
                                format!(
                                    "Thunderbird uses socketType 0 (no encryption) when a server has no socketType and mail.server.default.socketType is not set{note}"
                                ),
                            ),
                        ),
                    },
                }
            }
        };

        let port = match port_from_hostname {
            Some((port, port_span)) if port > 0 => u16::try_from(port).ok().map(|port| {
                Located::derived(
                    port,
                    port_span,
                    format!("Thunderbird splits `host:port` in {prefix}hostname and uses the port after the colon"),
                )
            }),
            _ => {
                let port_name = format!("{prefix}port");
                let (value, ignored) = self.server_value(key, "port", Profile::int);
                let note = self.ignored_note(ignored, &port_name);
                let default_port = if socket_type == 3 {
                    protocol.implicit_tls_port()
                } else {
                    protocol.starttls_port()
                };
                let reason = format!(
                    "Thunderbird uses port {default_port} for {protocol} when no port is set and socketType is {}{note}",
                    if socket_type == 3 { "3" } else { "not 3" }
                );
                match value {
                    // -1 ("not set") and 0 mean the protocol default (GetPort, reference 8.3).
                    Some((-1 | 0, at, _)) => Some(Located::default(
                        default_port,
                        profile.value_span(at),
                        format!("port {} means the default: {reason}", profile.statement(at).value.as_int().unwrap_or(-1)),
                    )),
                    Some((port, at, inherited)) => u16::try_from(port).ok().map(|port| {
                        if inherited {
                            Located::derived(port, profile.value_span(at), "inherited from mail.server.default.port")
                        } else {
                            Located::explicit(port, profile.value_span(at))
                        }
                    }),
                    None => Some(Located::default(
                        default_port,
                        self.insertion_span(home_file, &prefix, &port_name),
                        reason,
                    )),
                }
            }
        };

        let auth_name = format!("{prefix}authMethod");
        let (auth_value, ignored) = self.server_value(key, "authMethod", Profile::int);
        let note = self.ignored_note(ignored, &auth_name);
        let auth = match auth_value {
            Some((value, at, inherited)) => located_auth(
                value,
                false,
                profile.value_span(at),
                inherited.then_some("inherited from mail.server.default.authMethod, which applies to every server without its own authMethod"),
            ),
            None => Located::default(
                AuthMethod::PasswordCleartext,
                self.insertion_span(home_file, &prefix, &auth_name),
                format!("Thunderbird uses authMethod 3 (normal password) when a server has no authMethod and mail.server.default.authMethod is not set{note}"),
            ),
        };

        let username = self
            .server_value(key, "userName", Profile::string)
            .0
            .filter(|(name, _, _)| !name.is_empty())
            .map(|(name, at, inherited)| {
                if inherited {
                    Located::derived(
                        name,
                        profile.value_span(at),
                        "inherited from mail.server.default.userName",
                    )
                } else {
                    Located::explicit(name, profile.value_span(at))
                }
            });

        let secrets = self.secrets_of(&prefix);

        let endpoint_key =
            EndpointKey { kind: ServerKind::Incoming(protocol), key: key.to_owned(), home_file };
        let locator = endpoint_key.locator();
        self.out.endpoints.insert(locator.clone(), endpoint_key);
        Some(Endpoint {
            protocol,
            host,
            port,
            security,
            auth,
            username,
            certificate_verification_disabled: None,
            secrets,
            tls_versions: Vec::new(),
            span,
            locator,
        })
    }

    /// An outgoing server, read as `SmtpServer.sys.mjs` does: `hostname`, `port` and
    /// `username` from the server's own prefs only; `authMethod` and `try_ssl` from the
    /// server, then `mail.smtpserver.default.*`, then 3 and 0.
    fn outgoing(&mut self, key: &str) -> Option<Endpoint> {
        let profile = self.profile;
        let info = self.smtp_servers.get(key)?;
        let prefix = format!("{SMTP_PREFIX}{key}.");
        // Thunderbird 127 added `type` (`smtp` or `ews`); missing means `smtp`.
        if let Typed::Value(kind, _) = profile.string(&format!("{prefix}type"))
            && kind != "smtp"
        {
            return None;
        }
        let home_file = self.home_file(info, &prefix);
        let span = self.endpoint_span(info, home_file);

        let host = profile
            .string(&format!("{prefix}hostname"))
            .value()
            .filter(|(host, _)| !host.is_empty())
            .map(|(host, at)| Located::explicit(host, profile.value_span(at)));

        let smtp_default = |attr: &str| format!("{SMTP_PREFIX}{SERVER_DEFAULT_KEY}.{attr}");
        let try_ssl_name = format!("{prefix}try_ssl");
        let (try_ssl, security) = match profile.int(&try_ssl_name) {
            Typed::Value(value, at) => {
                (value, located_security(value, profile.value_span(at), None))
            }
            own => {
                let ignored = match own {
                    Typed::WrongType(at) => Some(at),
                    _ => None,
                };
                let note = self.ignored_note(ignored, &try_ssl_name);
                match profile.int(&smtp_default("try_ssl")) {
                    Typed::Value(value, at) => (
                        value,
                        located_security(
                            value,
                            profile.value_span(at),
                            Some(format!("inherited from mail.smtpserver.default.try_ssl{note}")),
                        ),
                    ),
                    _ => (
                        0,
                        Located::default(
                            Security::None,
                            self.insertion_span(home_file, &prefix, &try_ssl_name),
                            format!(
                                "Thunderbird uses try_ssl 0 (no encryption) when an outgoing server has no try_ssl and mail.smtpserver.default.try_ssl is not set{note}"
                            ),
                        ),
                    ),
                }
            }
        };

        let port_name = format!("{prefix}port");
        let default_port = if try_ssl == 3 { 465 } else { 587 };
        let reason = format!(
            "Thunderbird uses port {default_port} for SMTP when no port is set and try_ssl is {} (Thunderbird 89 and later; 25 before)",
            if try_ssl == 3 { "3" } else { "not 3" }
        );
        let port = match profile.int(&port_name) {
            Typed::Value(0, at) => Some(Located::default(
                default_port,
                profile.value_span(at),
                format!("port 0 means the default: {reason}"),
            )),
            Typed::Value(port, at) => {
                u16::try_from(port).ok().map(|port| Located::explicit(port, profile.value_span(at)))
            }
            own => {
                let ignored = match own {
                    Typed::WrongType(at) => Some(at),
                    _ => None,
                };
                Some(Located::default(
                    default_port,
                    self.insertion_span(home_file, &prefix, &port_name),
                    format!("{reason}{}", self.ignored_note(ignored, &port_name)),
                ))
            }
        };

        let auth_name = format!("{prefix}authMethod");
        let auth = match profile.int(&auth_name) {
            Typed::Value(value, at) => located_auth(value, true, profile.value_span(at), None),
            own => {
                let ignored = match own {
                    Typed::WrongType(at) => Some(at),
                    _ => None,
                };
                let note = self.ignored_note(ignored, &auth_name);
                match profile.int(&smtp_default("authMethod")) {
                    Typed::Value(value, at) => located_auth(
                        value,
                        true,
                        profile.value_span(at),
                        Some("inherited from mail.smtpserver.default.authMethod"),
                    ),
                    _ => Located::default(
                        AuthMethod::PasswordCleartext,
                        self.insertion_span(home_file, &prefix, &auth_name),
                        format!(
                            "Thunderbird uses authMethod 3 (normal password) when an outgoing server has no authMethod and mail.smtpserver.default.authMethod is not set{note}"
                        ),
                    ),
                }
            }
        };

        let username = profile
            .string(&format!("{prefix}username"))
            .value()
            .filter(|(name, _)| !name.is_empty())
            .map(|(name, at)| Located::explicit(name, profile.value_span(at)));

        let endpoint_key =
            EndpointKey { kind: ServerKind::Outgoing, key: key.to_owned(), home_file };
        let locator = endpoint_key.locator();
        self.out.endpoints.insert(locator.clone(), endpoint_key);
        Some(Endpoint {
            protocol: Protocol::Smtp,
            host,
            port,
            security,
            auth,
            username,
            certificate_verification_disabled: None,
            secrets: self.secrets_of(&prefix),
            tls_versions: Vec::new(),
            span,
            locator,
        })
    }

    /// The stored passwords of a server: every `<prefix>password` statement with a value.
    fn secrets_of(&self, prefix: &str) -> Vec<StoredSecret> {
        let name = format!("{prefix}password");
        self.out
            .secret_statements
            .iter()
            .filter(|(setting, _)| *setting == name)
            .map(|(setting, span)| StoredSecret {
                kind: SecretKind::Password,
                setting: setting.clone(),
                span: *span,
            })
            .collect()
    }
}

/// Old Mozilla profiles stored a server's password as a pref (the Netscape 4-era example in
/// the corpus has `mail.server.server1.password`). Current Thunderbird keeps passwords in
/// `logins.json`, but a value written here is still a password in a plain file, whether
/// Thunderbird reads it or not. Every such statement of any server is found, in every file,
/// so that renderers redact it: the span is the text inside the quotes.
fn password_statements(profile: &Profile) -> Vec<(String, Span)> {
    profile
        .statements()
        .filter(|(_, statement)| {
            let server = key_of(&statement.name, SERVER_PREFIX)
                .or_else(|| key_of(&statement.name, SMTP_PREFIX));
            server.is_some() && statement.name.ends_with(".password")
        })
        .filter(|(_, statement)| statement.value.as_text().is_some_and(|text| !text.is_empty()))
        .map(|(at, statement)| {
            let range = statement.value_range;
            let inner = TextRange::new(range.start as usize + 1, range.end as usize - 1);
            (statement.name.to_string(), profile.span(at, inner))
        })
        .collect()
}

/// The range inside the quotes of a string literal, when its text is the decoded value
/// itself (no escapes), so that offsets into the value are offsets into the text.
fn inner_text_range(profile: &Profile, at: PrefRef) -> Option<TextRange> {
    let statement = profile.statement(at);
    let range = statement.value_range;
    let PrefValue::String(bytes) = &statement.value else { return None };
    (range.len() == bytes.len() + 2 && !bytes.contains(&b'\\'))
        .then(|| TextRange::new(range.start as usize + 1, range.end as usize - 1))
}

fn located_security(value: i32, span: Span, inherited: Option<String>) -> Located<Security> {
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

fn located_auth(
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
    fn natural_order_puts_server2_before_server10() {
        let mut keys = vec!["server10", "server2", "smtp1", "server1", "abc"];
        keys.sort_by(|a, b| natural_order(a, b));
        assert_eq!(keys, ["abc", "server1", "server2", "server10", "smtp1"]);
    }

    #[test]
    fn key_lists_are_trimmed_and_deduplicated() {
        assert_eq!(key_list(" account1, account2,,account1 "), ["account1", "account2"]);
    }

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
