//! An incoming server (`mail.server.<key>.*`), read as `nsMsgIncomingServer`'s getters read
//! it: the server's own pref, then `mail.server.default.*`, then the built-in default.

use maillint_core::{AuthMethod, Endpoint, HostName, Located, Protocol, Security, Span, TextRange};

use super::values::{located_auth, located_security};
use super::{Assembler, EndpointKey, SERVER_DEFAULT_KEY, SERVER_PREFIX, ServerKind};
use crate::prefs::PrefValue;
use crate::profile::{PrefRef, Profile, Typed};

/// Where an incoming server's settings are: its prefix and the file new prefs go to.
struct Server<'k> {
    key: &'k str,
    prefix: String,
    home_file: usize,
}

impl Assembler<'_> {
    pub(super) fn incoming(&mut self, key: &str) -> Option<Endpoint> {
        let profile = self.profile;
        let info = self.servers.get(key)?;
        let prefix = [SERVER_PREFIX, key, "."].concat();
        let (kind, _, _) = self.server_value(key, "type", Profile::text).0?;
        let protocol = match &*kind {
            "imap" => Protocol::Imap,
            "pop3" => Protocol::Pop3,
            // nntp, none (Local Folders), rss, ews, graph, im, movemail: not mail endpoints
            // maillint checks.
            _ => return None,
        };
        let home_file = self.home_file(info, &prefix);
        let span = self.endpoint_span(info, home_file);
        let server = Server { key, prefix, home_file };

        let (host, port_from_hostname) = self.incoming_host(key);
        let (socket_type, security) = self.incoming_security(&server);
        let port = match port_from_hostname {
            Some((port, port_span)) if port > 0 => u16::try_from(port).ok().map(|port| {
                Located::derived(
                    port,
                    port_span,
                    format!(
                        "Thunderbird splits `host:port` in {}hostname and uses the port after the colon",
                        server.prefix
                    ),
                )
            }),
            _ => self.incoming_port(&server, protocol, socket_type),
        };
        let auth = self.incoming_auth(&server);
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
        let secrets = self.secrets_of(&server.prefix);

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

    /// The host name, possibly `host:port` (`nsMsgIncomingServer::GetHostName` splits a value
    /// with exactly one `:` and uses the port, when it parses). Returns the host and that port.
    #[allow(clippy::type_complexity)]
    fn incoming_host(&self, key: &str) -> (Option<Located<HostName>>, Option<(i32, Span)>) {
        let profile = self.profile;
        let (hostname, _) = self.server_value(key, "hostname", Profile::text);
        let Some((value, at, _)) = hostname else { return (None, None) };
        let literal = profile.value_span(at);
        if value.matches(':').count() != 1 {
            let host =
                (!value.is_empty()).then(|| Located::explicit(HostName::new(&value), literal));
            return (host, None);
        }
        let inner = inner_text_range(profile, at);
        let (name, port_text) = value.split_once(':').unwrap_or((&value, ""));
        let name_span = inner.map_or(literal, |r| Span {
            file: literal.file,
            range: TextRange::new(r.start as usize, r.start as usize + name.len()),
        });
        let host = (!name.is_empty()).then(|| Located::explicit(HostName::new(name), name_span));
        let port = port_text.parse::<i32>().ok().map(|port| {
            let port_span = inner.map_or(literal, |r| Span {
                file: literal.file,
                range: TextRange::new(r.start as usize + name.len() + 1, r.end as usize),
            });
            (port, port_span)
        });
        (host, port)
    }

    /// socketType, then legacy isSecure, then mail.server.default.socketType, then 0
    /// (`nsMsgIncomingServer::GetSocketType`). Returns the value Thunderbird uses with it.
    fn incoming_security(&self, server: &Server<'_>) -> (i32, Located<Security>) {
        let profile = self.profile;
        let socket_name = [&server.prefix, "socketType"].concat();
        let note = match self.own(&socket_name, Profile::int) {
            Ok((value, at)) => {
                return (value, located_security(value, profile.value_span(at), None));
            }
            Err(note) => note,
        };
        if let Typed::Value(true, at) = profile.bool(&[&server.prefix, "isSecure"].concat()) {
            return (
                3,
                Located::derived(
                    Security::ImplicitTls,
                    profile.value_span(at),
                    format!(
                        "legacy isSecure=true without socketType: Thunderbird reads it as socketType 3 (SSL/TLS){note}"
                    ),
                ),
            );
        }
        match profile.int(&[SERVER_PREFIX, SERVER_DEFAULT_KEY, ".socketType"].concat()) {
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
                    self.insertion_span(server.home_file, &server.prefix, &socket_name),
                    format!(
                        "Thunderbird uses socketType 0 (no encryption) when a server has no socketType and mail.server.default.socketType is not set{note}"
                    ),
                ),
            ),
        }
    }

    /// The port pref, then mail.server.default.port, then the protocol's default for the
    /// socket type (`GetPort`, reference 8.3).
    fn incoming_port(
        &self,
        server: &Server<'_>,
        protocol: Protocol,
        socket_type: i32,
    ) -> Option<Located<u16>> {
        let profile = self.profile;
        let port_name = [&server.prefix, "port"].concat();
        let (value, note) = self.server_value(server.key, "port", Profile::int);
        let default_port =
            if socket_type == 3 { protocol.implicit_tls_port() } else { protocol.starttls_port() };
        // Built only when the default is used: most servers set their port, and the
        // format! cost ~800 instructions a server (328 incoming servers on the bench).
        let reason = || {
            format!(
                "Thunderbird uses port {default_port} for {protocol} when no port is set and socketType is {}{note}",
                if socket_type == 3 { "3" } else { "not 3" }
            )
        };
        match value {
            // -1 ("not set") and 0 mean the protocol default (GetPort, reference 8.3).
            Some((-1 | 0, at, _)) => Some(Located::default(
                default_port,
                profile.value_span(at),
                format!(
                    "port {} means the default: {}",
                    profile.statement(at).value.as_int().unwrap_or(-1),
                    reason()
                ),
            )),
            Some((port, at, inherited)) => u16::try_from(port).ok().map(|port| {
                if inherited {
                    Located::derived(
                        port,
                        profile.value_span(at),
                        "inherited from mail.server.default.port",
                    )
                } else {
                    Located::explicit(port, profile.value_span(at))
                }
            }),
            None => Some(Located::default(
                default_port,
                self.insertion_span(server.home_file, &server.prefix, &port_name),
                reason(),
            )),
        }
    }

    /// authMethod, then mail.server.default.authMethod, then 3 (normal password).
    fn incoming_auth(&self, server: &Server<'_>) -> Located<AuthMethod> {
        let profile = self.profile;
        let auth_name = [&server.prefix, "authMethod"].concat();
        let (auth_value, note) = self.server_value(server.key, "authMethod", Profile::int);
        match auth_value {
            Some((value, at, inherited)) => located_auth(
                value,
                false,
                profile.value_span(at),
                inherited.then_some("inherited from mail.server.default.authMethod, which applies to every server without its own authMethod"),
            ),
            None => Located::default(
                AuthMethod::PasswordCleartext,
                self.insertion_span(server.home_file, &server.prefix, &auth_name),
                format!("Thunderbird uses authMethod 3 (normal password) when a server has no authMethod and mail.server.default.authMethod is not set{note}"),
            ),
        }
    }
}

/// The range inside the quotes of a string literal, when its text is the decoded value
/// itself (no escapes), so that offsets into the value are offsets into the text.
fn inner_text_range(profile: &Profile, at: PrefRef) -> Option<TextRange> {
    let statement = profile.statement(at);
    let range = statement.value_range;
    let PrefValue::String(string) = &statement.value else { return None };
    let bytes = string.bytes();
    (range.len() == bytes.len() + 2 && !bytes.contains(&b'\\'))
        .then(|| TextRange::new(range.start as usize + 1, range.end as usize - 1))
}
