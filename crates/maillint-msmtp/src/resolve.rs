//! The values msmtp uses for an account once the file is read: the defaults msmtp fills in
//! (`account_new` in `src/conf.c`, and the completion in `main` of `src/msmtp.c`, marlam/msmtp
//! tag `msmtp-1.8.23`) and what each argument means.

use crate::config::{AccountConfig, Setting};

/// Where msmtp finds the certificate authorities it trusts (`tls_trust_file`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum TrustFile<'t> {
    /// The system's (`system`: "The default is the special value system").
    System,
    /// None: an empty argument "disables trust in CAs".
    NotSet,
    /// A file, as written (a leading `~` is the home).
    File(&'t str),
}

/// How the account authenticates (`auth`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Auth<'t> {
    /// No authentication: msmtp's default (`auth_mech = NULL`), and `auth off`.
    None,
    /// `auth on` (or empty): msmtp chooses among the password methods the server offers.
    Choose,
    /// A method, as written (lower case).
    Method(&'t str),
}

impl AccountConfig {
    /// The setting of `field` that applies, if any.
    pub fn get(&self, field: &str) -> Option<&Setting> {
        self.settings.get(field)
    }

    /// The argument of `field`, if set.
    pub fn text<'t>(&self, field: &str, text: &'t str) -> Option<&'t str> {
        self.get(field).map(|s| s.argument(text))
    }

    /// An on/off setting: `off` and the argument-less 1.2.x forms (`tls_nocertcheck`,
    /// `tls_nostarttls`) are off, `on` and an empty argument on, and `default` when unset.
    pub fn switch(&self, field: &str, text: &str, default: bool) -> bool {
        match self.get(field) {
            None => default,
            Some(s) if s.command.check == crate::commands::Check::Nothing => false,
            Some(s) => s.argument(text) != "off",
        }
    }

    /// `tls`: off unless set (`account_new`: `a->tls = 0`).
    pub fn tls(&self, text: &str) -> bool {
        self.switch("tls", text, false)
    }

    /// `tls_starttls`: on unless set ("start TLS from within the session (on, default)").
    pub fn starttls(&self, text: &str) -> bool {
        self.switch("tls_starttls", text, true)
    }

    /// `tls_certcheck`: on unless set ("They are enabled by default").
    pub fn certcheck(&self, text: &str) -> bool {
        self.switch("tls_certcheck", text, true)
    }

    /// Whether the account speaks LMTP (`protocol lmtp`) rather than SMTP.
    pub fn is_lmtp(&self, text: &str) -> bool {
        self.text("protocol", text) == Some("lmtp")
    }

    /// The port as written, read as msmtp reads it.
    pub fn written_port(&self, text: &str) -> Option<u16> {
        let value = crate::commands::strtol(self.text("port", text)?)?;
        u16::try_from(value).ok().filter(|p| *p > 0)
    }

    /// The port msmtp connects to: as written, else 465 for TLS without STARTTLS and 25
    /// otherwise ("The default is 25 ("smtp"), unless TLS without STARTTLS is used, in which
    /// case it is 465 ("smtps")"); LMTP has no default port (0).
    pub fn port(&self, text: &str) -> u16 {
        match self.written_port(text) {
            Some(port) => port,
            None if self.is_lmtp(text) => 0,
            None if self.tls(text) && !self.starttls(text) => 465,
            None => 25,
        }
    }

    /// `tls_trust_file`. msmtp fills in `system` only when the value is unset *and* the
    /// account's mask lacks the field (`if (!account->tls_trust_file && !(account->mask &
    /// ACC_TLS_TRUST_FILE))`): an empty argument in the account's own block (or a parent's)
    /// leaves no CA file, while one in `defaults` (which is not in the mask) gets `system`.
    pub fn trust_file<'t>(&self, text: &'t str) -> TrustFile<'t> {
        match self.text("tls_trust_file", text) {
            Some(file) if !file.is_empty() => TrustFile::File(file),
            _ if self.mask.contains("tls_trust_file") => TrustFile::NotSet,
            _ => TrustFile::System,
        }
    }

    /// `tls_fingerprint`, when one is set.
    pub fn fingerprint<'t>(&self, text: &'t str) -> Option<&'t str> {
        self.text("tls_fingerprint", text).filter(|f| !f.is_empty())
    }

    /// `auth`.
    pub fn auth<'t>(&self, text: &'t str) -> Auth<'t> {
        match self.text("auth", text) {
            None | Some("off") => Auth::None,
            Some("" | "on") => Auth::Choose,
            Some(method) => Auth::Method(method),
        }
    }

    /// A text setting that an empty argument unsets (`user`, `password`, `passwordeval`,
    /// `host`).
    pub fn non_empty<'t>(&self, field: &str, text: &'t str) -> Option<&'t str> {
        self.text(field, text).filter(|v| !v.is_empty())
    }

    /// Why msmtp refuses to use the account even though the file is valid: `check_account`
    /// in `src/conf.c` (outside sendmail mode, as with `--pretend`).
    pub fn refusal(&self, text: &str) -> Option<&'static str> {
        let host = self.non_empty("host", text).is_some();
        let set = |field| self.non_empty(field, text).is_some();
        if !host && !set("socket") {
            return Some("host not set");
        }
        if self.port(text) == 0 {
            return Some("port not set");
        }
        if self.tls(text) && !host && !set("tls_host_override") {
            return Some("host not set");
        }
        if set("tls_key_file") != set("tls_cert_file") {
            return Some(if set("tls_key_file") {
                "tls_key_file requires tls_cert_file"
            } else {
                "tls_cert_file requires tls_key_file"
            });
        }
        let trusted = self.trust_file(text) != TrustFile::NotSet;
        if self.tls(text) && !trusted && self.fingerprint(text).is_none() && self.certcheck(text) {
            return Some(
                "tls requires either tls_trust_file (highly recommended) or tls_fingerprint or a \
                 disabled tls_certcheck",
            );
        }
        if set("tls_crl_file") && !trusted {
            return Some("tls_crl_file requires tls_trust_file");
        }
        None
    }
}

/// msmtp's `expand_tilde`: a leading `~` becomes the home folder.
pub fn expand_tilde(path: &str, home: &str) -> String {
    match path.strip_prefix('~') {
        Some(rest) => format!("{home}{rest}"),
        None => path.to_owned(),
    }
}

/// The fingerprint as msmtp prints it (`print_fingerprint`: upper-case hex pairs joined by
/// `:`), from the text `get_fingerprint` accepted (pairs separated by `:` or a space).
pub fn normalise_fingerprint(text: &str) -> String {
    text.split([':', ' ']).map(str::to_ascii_uppercase).collect::<Vec<_>>().join(":")
}
