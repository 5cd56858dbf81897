//! OfflineIMAP as a client: its parser, where its file lives, and how to keep a password out
//! of the file.

use std::sync::Arc;

use maillint_core::{Client, ClientSupport, Location, Parser, Protocol, TlsAdvice};

use crate::OfflineImapParser;

/// OfflineIMAP.
#[derive(Debug, Default, Clone, Copy)]
pub struct OfflineImap;

/// The handle accounts read from offlineimaprc files carry.
pub const CLIENT: Client = Client::of(&OfflineImap);

impl ClientSupport for OfflineImap {
    fn id(&self) -> &str {
        "offlineimap"
    }

    fn display_name(&self) -> &str {
        "OfflineIMAP"
    }

    fn parsers(&self) -> Vec<Arc<dyn Parser>> {
        vec![Arc::new(OfflineImapParser)]
    }

    /// `offlineimap/init.py` (offlineimap3 v8.0.1, `__parse_cmd_options`): `-c` or
    /// `$XDG_CONFIG_HOME/offlineimap/config` (default `~/.config`) when it exists, else
    /// `~/.offlineimaprc`.
    fn locations(&self) -> Vec<Location> {
        vec![Location::search_order(&[".config/offlineimap/config", ".offlineimaprc"])]
    }

    /// offlineimap.conf: `remotepasseval` (a Python expression from `pythonfile`),
    /// `remotepassfile`, `~/.netrc`, or the keyring.
    fn secret_advice(&self, setting: &str, _protocol: Protocol) -> String {
        format!(
            "remove `{setting}` and use `remotepasseval = get_pass()` with a function in the \
             file `pythonfile` names (it can call `pass` or a keyring), or `remotepassfile`"
        )
    }

    /// OfflineIMAP's own keys of a `[Repository]` section (offlineimap.conf; reference
    /// other-clients.md 3): `ssl`, `remoteport`, `sslcacertfile` (`OS-DEFAULT` is the system
    /// bundle), `cert_fingerprint`, `ssl_version`, `tls_level`. Its STARTTLS checks no
    /// certificate, so required STARTTLS is not offered: implicit TLS is.
    fn tls_advice(&self, advice: TlsAdvice, _protocol: Protocol) -> Option<String> {
        let text = match advice {
            TlsAdvice::Use(_) => {
                "in OfflineIMAP: `ssl = yes` with `remoteport = 993` and `sslcacertfile = \
                 OS-DEFAULT` (its STARTTLS checks no certificate)"
            }
            TlsAdvice::VerifyCertificates => {
                "in OfflineIMAP: `ssl = yes` with `sslcacertfile = OS-DEFAULT`, or \
                 `cert_fingerprint` with the server certificate's SHA-256 digest"
            }
            TlsAdvice::ModernTlsOnly => {
                "in OfflineIMAP: remove `ssl_version` (or write `tls1_2`) and set `tls_level = \
                 tls_secure`"
            }
        };
        Some(text.to_owned())
    }
}
