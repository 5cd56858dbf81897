//! msmtp as a client: its parser, where its user file lives, and how to keep a password out
//! of the file.

use std::sync::Arc;

use maillint_core::{Client, ClientSupport, Location, Parser, Protocol, Security, TlsAdvice};

use crate::MsmtpParser;

/// msmtp, the SMTP client.
#[derive(Debug, Default, Clone, Copy)]
pub struct Msmtp;

/// The handle accounts read from msmtprc files carry.
pub const CLIENT: Client = Client::of(&Msmtp);

impl ClientSupport for Msmtp {
    fn id(&self) -> &str {
        "msmtp"
    }

    fn display_name(&self) -> &str {
        "msmtp"
    }

    fn parsers(&self) -> Vec<Arc<dyn Parser>> {
        vec![Arc::new(MsmtpParser)]
    }

    /// "The default user configuration file is ~/.msmtprc or $XDG_CONFIG_HOME/msmtp/config"
    /// (msmtp.texi, "Configuration files"); `get_userconfig` in `src/tools.c` tries them in
    /// that order, with `~/.config` for an unset `XDG_CONFIG_HOME`. The system-wide
    /// `SYSCONFDIR/msmtprc` (`/etc/msmtprc` on Debian) is not in a home: `scan` does not read
    /// it, `check /etc/msmtprc` does.
    fn locations(&self) -> Vec<Location> {
        vec![Location::search_order(&[".msmtprc", ".config/msmtp/config"])]
    }

    /// msmtp.texi, "Authentication": the system key ring (`secret-tool store --label=msmtp
    /// host HOST service smtp user USER`), or `passwordeval` with a command that decrypts the
    /// password.
    fn secret_advice(&self, setting: &str, _protocol: Protocol) -> String {
        format!(
            "remove `{setting}` and store the password in the system key ring (`secret-tool \
             store --label=msmtp host HOST service smtp user USER`), which msmtp asks when no \
             password is set, or use `passwordeval` with a command that prints it (`pass show \
             mail`)"
        )
    }

    /// msmtp's own keys (msmtp manual, "Commands"; reference other-clients.md 2): `tls`,
    /// `tls_starttls` (off means implicit TLS, port 465), `tls_certcheck`, `tls_trust_file`.
    /// msmtp has no TLS version setting of its own (only GnuTLS `tls_priorities`).
    fn tls_advice(&self, advice: TlsAdvice, _protocol: Protocol) -> Option<String> {
        match advice {
            TlsAdvice::Use(Security::StarttlsRequired) => {
                Some("in msmtp: `tls on` with `tls_starttls on` (port 587)".to_owned())
            }
            TlsAdvice::Use(Security::ImplicitTls) => {
                Some("in msmtp: `tls on` with `tls_starttls off` (port 465)".to_owned())
            }
            TlsAdvice::VerifyCertificates => Some(
                "in msmtp: `tls_certcheck on` with `tls_trust_file system`, or `tls_fingerprint` \
                 with the server certificate's SHA-256 fingerprint"
                    .to_owned(),
            ),
            _ => None,
        }
    }
}
