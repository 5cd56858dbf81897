//! The two services of a Geary account, read as `Accounts.ServiceConfigV1` and
//! `Accounts.ServiceConfigLegacy` load them (`src/client/accounts/accounts-manager.vala`),
//! with `Geary.ServiceInformation`'s defaults (`src/engine/api/geary-service-information.vala`).

use maillint_core::builtin::ParseError;
use maillint_core::ini::IniFile;
use maillint_core::{AuthMethod, Diagnostic, Endpoint, Located, Protocol, Security, Span};

/// The nicks of `Geary.TlsNegotiationMethod` (`NONE`, `START_TLS`, `TRANSPORT`; Vala's enum
/// nicks, as `geary-service-information-test.vala` checks for `start-tls`), read without case
/// (`for_value` lower-cases). `START_TLS` is required: the session fails when the server
/// offers no STARTTLS ("STARTTLS unavailable", `imap-client-session.vala`; "STARTTLS not
/// available", `smtp-client-connection.vala`).
pub const TLS_METHODS: &[(&str, Security)] = &[
    ("none", Security::None),
    ("start-tls", Security::StarttlsRequired),
    ("transport", Security::ImplicitTls),
];

/// The nick that writes `security`.
pub fn nick(security: Security) -> Option<&'static str> {
    TLS_METHODS.iter().find(|(_, s)| *s == security).map(|(nick, _)| *nick)
}

/// How a service authenticates (`Geary.Credentials.Requirement`: `none`, `use-incoming`,
/// `custom`); only SMTP may go without.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Credentials {
    None,
    UseIncoming,
    Custom,
}

/// What one service needs from the file.
pub struct Service<'a> {
    pub file: &'a IniFile,
    pub protocol: Protocol,
    /// The group and the key prefix (`[Incoming]` and ``, or `[AccountInformation]` and
    /// `imap_`).
    pub group: &'static str,
    pub prefix: &'static str,
    pub diagnostics: &'a mut Vec<Diagnostic>,
}

impl Service<'_> {
    pub fn value(&self, key: &str) -> Option<(&str, Span)> {
        self.file.value(Some(self.group), &format!("{}{key}", self.prefix))
    }

    fn required(&mut self, key: &str) -> Option<(&str, Span)> {
        if self.value(key).is_none() {
            let at = self.file.insert_at(self.group);
            let key = format!("{}{key}", self.prefix);
            self.diagnostics.push(Diagnostic::new(
                ParseError::metadata(),
                at,
                format!("[{}] has no `{key}`: Geary refuses to load the account", self.group),
            ));
        }
        self.value(key)
    }

    /// `port` (`get_int`, 0 when missing or not a number): 0 is
    /// `ServiceInformation.get_default_port ()` in the versioned layout; the legacy loader keeps
    /// it, and what Geary then connects to is not known.
    pub fn port(
        &self,
        security: Security,
        credentials: Credentials,
        legacy: bool,
    ) -> Option<Located<u16>> {
        let written = self.value("port");
        if let Some((text, span)) = written
            && let Ok(port @ 1..) = text.trim().parse::<u16>()
        {
            return Some(Located::explicit(port, span));
        }
        if legacy {
            return None;
        }
        let port = match (self.protocol, security, credentials) {
            (_, Security::ImplicitTls, _) => self.protocol.implicit_tls_port(),
            (Protocol::Smtp, _, Credentials::None) => 25,
            (protocol, _, _) => protocol.starttls_port(),
        };
        let at = written.map_or_else(|| self.file.insert_at(self.group), |(_, span)| span);
        Some(Located::default(
            port,
            at,
            format!("port 0 or none is Geary's default port for it, {port}"),
        ))
    }

    /// The endpoint, with the security and credentials the layout decided.
    pub fn endpoint(
        &mut self,
        security: Located<Security>,
        credentials: Credentials,
        legacy: bool,
    ) -> Option<Endpoint> {
        let (host, host_span) = match self.required("host") {
            Some((host, span)) if !host.is_empty() => (host.to_owned(), span),
            _ => return None,
        };
        let port = self.port(security.value, credentials, legacy);
        let login = if legacy { "username" } else { "login" };
        let auth = match credentials {
            Credentials::None => AuthMethod::None,
            // Geary's own accounts sign in with a password (`Credentials.Method.PASSWORD`).
            Credentials::UseIncoming | Credentials::Custom => AuthMethod::PasswordCleartext,
        };
        Some(Endpoint {
            protocol: self.protocol,
            host: Some(Located::explicit(maillint_core::HostName::new(&host), host_span)),
            port,
            security,
            auth: Located::default(
                auth,
                self.file.insert_at(self.group),
                "Geary's own accounts sign in with a password, unless the credentials are none",
            ),
            username: self
                .value(login)
                .map(|(user, span)| Located::explicit(user.to_owned(), span)),
            certificate_verification_disabled: None,
            secrets: Vec::new(),
            tls_versions: Vec::new(),
            span: host_span,
            locator: format!("{}\u{1f}{}", self.group, self.prefix),
        })
    }
}
