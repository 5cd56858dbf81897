//! From OfflineIMAP's repositories to maillint's account model: one IMAP endpoint per
//! `[Repository NAME]` of `type = IMAP` or `type = Gmail` (the remote types of
//! `offlineimap/repository/__init__.py`), with OfflineIMAP's defaults
//! (`offlineimap/repository/IMAP.py`, `Gmail.py` and `offlineimap/imapserver.py`, offlineimap3
//! v8.0.1).

use maillint_core::{
    Account, AuthMethod, Endpoint, FileId, Located, Protocol, SecretKind, Security, Span,
    StoredSecret, TlsVersion,
};

use crate::CLIENT;
use crate::configparser::{Document, Entry, Section};

/// What the model needs of one repository.
pub struct Repository<'d> {
    /// The file.
    pub doc: &'d Document,
    /// The section.
    pub section: &'d Section,
    /// The file id.
    pub file: FileId,
    /// Whether `type = Gmail`.
    pub gmail: bool,
}

/// configparser's `BOOLEAN_STATES`, compared in lower case.
pub fn boolean(value: &str) -> Option<bool> {
    match value.to_lowercase().as_str() {
        "1" | "yes" | "true" | "on" => Some(true),
        "0" | "no" | "false" | "off" => Some(false),
        _ => None,
    }
}

/// Python's `int(value)` for the plain forms: blanks around, an optional sign, digits.
pub fn integer(value: &str) -> Option<i64> {
    let body = value.trim();
    let digits = body.strip_prefix('+').unwrap_or(body);
    (!digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()))
        .then(|| digits.parse().ok())
        .flatten()
}

impl<'d> Repository<'d> {
    /// The entry of `key` (in the section or `DEFAULT`) with its value after interpolation;
    /// `None` when unset or when interpolation fails (reported by the parser).
    pub fn value(&self, key: &str) -> Option<(&'d Entry, String)> {
        let entry = self.doc.entry(self.section, key)?;
        let value = self.doc.get(self.section, key).ok()??;
        Some((entry, value))
    }

    fn span(&self, entry: &Entry) -> Span {
        Span::new(self.file, entry.value_range.start, entry.value_range.end)
    }

    fn insert(&self) -> Span {
        Span::point(self.file, self.section.body_start)
    }

    /// `getssl`: `ssl`, default yes.
    pub fn ssl(&self) -> bool {
        self.value("ssl").and_then(|(_, v)| boolean(&v)).unwrap_or(true)
    }

    /// `getstarttls`: `starttls`, default yes.
    pub fn starttls(&self) -> bool {
        self.value("starttls").and_then(|(_, v)| boolean(&v)).unwrap_or(true)
    }

    /// The endpoint, or `None` when the host is not known without running Python
    /// (`remotehosteval`) or the connection goes through a tunnel command.
    pub fn account(&self, index: usize) -> Option<Account> {
        if ["preauthtunnel", "transporttunnel", "remotehosteval"]
            .iter()
            .any(|k| self.doc.entry(self.section, k).is_some())
        {
            return None;
        }
        let host = match self.value("remotehost") {
            Some((entry, value)) => Located::explicit(value, self.span(entry)),
            // Gmail.py `gethost`: "fall back to imap.gmail.com if nothing is specified".
            None if self.gmail => Located::default(
                "imap.gmail.com".to_owned(),
                self.insert(),
                "OfflineIMAP's Gmail type uses imap.gmail.com",
            ),
            None => return None,
        };
        let security = self.security();
        let endpoint = Endpoint {
            protocol: Protocol::Imap,
            span: host.span,
            host: Some(host.map(|text| maillint_core::HostName::new(&text))),
            port: Some(self.port(security.value)),
            certificate_verification_disabled: (security.value == Security::StarttlsOptional).then(|| {
                Located::derived(true, security.span, "OfflineIMAP's STARTTLS is Python's `imaplib.starttls()` without a context, which checks no certificate")
            }),
            security,
            auth: self.auth(),
            username: self.value("remoteuser").map(|(e, v)| Located::explicit(v, self.span(e))),
            secrets: self.secrets(),
            tls_versions: self.tls_versions(),
            locator: format!("repository:{index}"),
        };
        let name = self.section.name.trim_start_matches("Repository").trim().to_owned();
        Some(Account {
            client: CLIENT,
            name,
            email: None,
            span: Span::new(self.file, self.section.name_range.start, self.section.name_range.end),
            endpoints: vec![endpoint],
        })
    }

    /// `ssl = yes` (the default) is TLS from the first byte; with `ssl = no`, `starttls = yes`
    /// (the default) sends STARTTLS only "if 'STARTTLS' in imapobj.capabilities"
    /// (`imapserver.py`, `__start_tls`), and `starttls = no` sends none.
    fn security(&self) -> Located<Security> {
        let ssl = self.value("ssl");
        let Some((ssl_entry, _)) = ssl.as_ref().filter(|_| !self.ssl()) else {
            return match ssl {
                Some((entry, _)) => Located::explicit(Security::ImplicitTls, self.span(entry)),
                None => Located::default(
                    Security::ImplicitTls,
                    self.insert(),
                    "OfflineIMAP's `ssl` is yes unless set",
                ),
            };
        };
        match self.value("starttls") {
            Some((entry, _)) if !self.starttls() => {
                Located::explicit(Security::None, self.span(entry))
            }
            Some((entry, _)) => Located::explicit(Security::StarttlsOptional, self.span(entry)),
            None => Located::derived(
                Security::StarttlsOptional,
                self.span(ssl_entry),
                "`ssl = no`, and `starttls` is yes unless set",
            ),
        }
    }

    /// `remoteport`, else "993 if self.usessl else 143" (`imapserver.py`).
    fn port(&self, security: Security) -> Located<u16> {
        if let Some((entry, value)) = self.value("remoteport")
            && let Some(port) = integer(&value).and_then(|p| u16::try_from(p).ok())
        {
            return Located::explicit(port, self.span(entry));
        }
        let port = if security == Security::ImplicitTls { 993 } else { 143 };
        Located::default(
            port,
            self.insert(),
            "OfflineIMAP uses port 993 with `ssl` and 143 without",
        )
    }

    /// `auth_mechanisms`: without it OfflineIMAP tries GSSAPI, XOAUTH2, CRAM-MD5, PLAIN and
    /// LOGIN in turn (offlineimap.conf), which maillint cannot decide.
    fn auth(&self) -> Located<AuthMethod> {
        let Some((entry, value)) = self.value("auth_mechanisms") else {
            return Located::default(
                AuthMethod::Unknown,
                self.insert(),
                "OfflineIMAP tries GSSAPI, XOAUTH2, CRAM-MD5, PLAIN and LOGIN in turn",
            );
        };
        let methods: Vec<AuthMethod> = value
            .split(',')
            .map(|m| match m.trim().to_ascii_uppercase().as_str() {
                "PLAIN" | "LOGIN" => AuthMethod::PasswordCleartext,
                "CRAM-MD5" => AuthMethod::PasswordEncrypted,
                "XOAUTH2" => AuthMethod::Oauth2,
                "GSSAPI" => AuthMethod::Gssapi,
                _ => AuthMethod::Unknown,
            })
            .collect();
        let method = match methods.split_first() {
            Some((first, rest)) if rest.iter().all(|m| m == first) => *first,
            _ => AuthMethod::Unknown,
        };
        Located::explicit(method, self.span(entry))
    }

    /// `remotepass` (a password), `oauth2_refresh_token` and `oauth2_access_token` (tokens).
    fn secrets(&self) -> Vec<StoredSecret> {
        let kinds = [
            ("remotepass", SecretKind::Password),
            ("oauth2_refresh_token", SecretKind::Token),
            ("oauth2_access_token", SecretKind::Token),
        ];
        kinds
            .into_iter()
            .filter_map(|(key, kind)| {
                let entry = self.doc.entry(self.section, key)?;
                (!entry.value.is_empty()).then(|| StoredSecret {
                    kind,
                    setting: key.to_owned(),
                    span: self.span(entry),
                })
            })
            .collect()
    }

    /// `ssl_version`: one of `tls1`, `tls1_1`, `tls1_2`, `ssl3`, `ssl23` (offlineimap.conf).
    fn tls_versions(&self) -> Vec<Located<TlsVersion>> {
        let Some((entry, value)) = self.value("ssl_version") else { return Vec::new() };
        let version = match value.as_str() {
            "ssl3" => TlsVersion::Ssl3,
            "tls1" => TlsVersion::Tls1_0,
            "tls1_1" => TlsVersion::Tls1_1,
            "tls1_2" => TlsVersion::Tls1_2,
            _ => return Vec::new(),
        };
        vec![Located::explicit(version, self.span(entry))]
    }
}
