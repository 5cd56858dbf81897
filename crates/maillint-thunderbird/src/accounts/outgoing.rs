//! An outgoing server (`mail.smtpserver.<key>.*`), read as `SmtpServer.sys.mjs` does:
//! `hostname`, `port` and `username` from the server's own prefs only; `authMethod` and
//! `try_ssl` from the server, then `mail.smtpserver.default.*`, then 3 and 0.

use maillint_core::{AuthMethod, Endpoint, HostName, Located, Protocol, Security};

use super::values::{located_auth, located_security};
use super::{Assembler, EndpointKey, SERVER_DEFAULT_KEY, SMTP_PREFIX, ServerKind};
use crate::profile::{Profile, Typed};

/// `mail.smtpserver.default.<attr>`.
fn smtp_default(attr: &str) -> String {
    [SMTP_PREFIX, SERVER_DEFAULT_KEY, ".", attr].concat()
}

impl Assembler<'_> {
    pub(super) fn outgoing(&mut self, key: &str) -> Option<Endpoint> {
        let profile = self.profile;
        let info = self.smtp_servers.get(key)?;
        let prefix = [SMTP_PREFIX, key, "."].concat();
        // Thunderbird 127 added `type` (`smtp` or `ews`); missing means `smtp`.
        if let Typed::Value(kind, _) = profile.text(&[&prefix, "type"].concat())
            && kind != "smtp"
        {
            return None;
        }
        let home_file = self.home_file(info, &prefix);
        let span = self.endpoint_span(info, home_file);

        let host = profile
            .text(&[&prefix, "hostname"].concat())
            .value()
            .filter(|(host, _)| !host.is_empty())
            .map(|(host, at)| Located::explicit(HostName::new(&host), profile.value_span(at)));
        let (try_ssl, security) = self.outgoing_security(&prefix, home_file);
        let port = self.outgoing_port(&prefix, home_file, try_ssl);
        let auth = self.outgoing_auth(&prefix, home_file);
        let username = profile
            .string(&[&prefix, "username"].concat())
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

    /// try_ssl, then mail.smtpserver.default.try_ssl, then 0. Returns the value used with it.
    fn outgoing_security(&self, prefix: &str, home_file: usize) -> (i32, Located<Security>) {
        let profile = self.profile;
        let try_ssl_name = [prefix, "try_ssl"].concat();
        let note = match self.own(&try_ssl_name, Profile::int) {
            Ok((value, at)) => {
                return (value, located_security(value, profile.value_span(at), None));
            }
            Err(note) => note,
        };
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
                    self.insertion_span(home_file, prefix, &try_ssl_name),
                    format!(
                        "Thunderbird uses try_ssl 0 (no encryption) when an outgoing server has no try_ssl and mail.smtpserver.default.try_ssl is not set{note}"
                    ),
                ),
            ),
        }
    }

    /// The server's own port; 0 or none means 465 with try_ssl 3, else 587.
    fn outgoing_port(&self, prefix: &str, home_file: usize, try_ssl: i32) -> Option<Located<u16>> {
        let profile = self.profile;
        let port_name = [prefix, "port"].concat();
        let default_port = if try_ssl == 3 { 465 } else { 587 };
        // Built only when the default is used (most servers set their port; the format!
        // cost ~800 instructions a server, 328 outgoing servers on the bench).
        let reason = || {
            format!(
                "Thunderbird uses port {default_port} for SMTP when no port is set and try_ssl is {} (Thunderbird 89 and later; 25 before)",
                if try_ssl == 3 { "3" } else { "not 3" }
            )
        };
        match self.own(&port_name, Profile::int) {
            Ok((0, at)) => Some(Located::default(
                default_port,
                profile.value_span(at),
                format!("port 0 means the default: {}", reason()),
            )),
            Ok((port, at)) => {
                u16::try_from(port).ok().map(|port| Located::explicit(port, profile.value_span(at)))
            }
            Err(note) => Some(Located::default(
                default_port,
                self.insertion_span(home_file, prefix, &port_name),
                format!("{}{note}", reason()),
            )),
        }
    }

    /// authMethod, then mail.smtpserver.default.authMethod, then 3 (normal password).
    fn outgoing_auth(&self, prefix: &str, home_file: usize) -> Located<AuthMethod> {
        let profile = self.profile;
        let auth_name = [prefix, "authMethod"].concat();
        let note = match self.own(&auth_name, Profile::int) {
            Ok((value, at)) => return located_auth(value, true, profile.value_span(at), None),
            Err(note) => note,
        };
        match profile.int(&smtp_default("authMethod")) {
            Typed::Value(value, at) => located_auth(
                value,
                true,
                profile.value_span(at),
                Some("inherited from mail.smtpserver.default.authMethod"),
            ),
            _ => Located::default(
                AuthMethod::PasswordCleartext,
                self.insertion_span(home_file, prefix, &auth_name),
                format!(
                    "Thunderbird uses authMethod 3 (normal password) when an outgoing server has no authMethod and mail.smtpserver.default.authMethod is not set{note}"
                ),
            ),
        }
    }
}
