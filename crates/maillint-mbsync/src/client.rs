//! mbsync (isync) as a client: its parser, where its file lives, and how to keep a password
//! out of the file.

use std::sync::Arc;

use maillint_core::{Client, ClientSupport, Location, Parser, Protocol, Security, TlsAdvice};

use crate::MbsyncParser;

/// mbsync, the IMAP synchronizer of the isync project.
#[derive(Debug, Default, Clone, Copy)]
pub struct Mbsync;

/// The handle accounts read from mbsyncrc files carry.
pub const CLIENT: Client = Client::of(&Mbsync);

impl ClientSupport for Mbsync {
    fn id(&self) -> &str {
        "mbsync"
    }

    fn display_name(&self) -> &str {
        "mbsync"
    }

    fn parsers(&self) -> Vec<Arc<dyn Parser>> {
        vec![Arc::new(MbsyncParser)]
    }

    /// `load_config` in isync's `src/config.c` (v1.5.0): `$XDG_CONFIG_HOME/isyncrc` (default
    /// `~/.config/isyncrc`) unless only `~/.mbsyncrc` exists; v1.4 reads `~/.mbsyncrc` only.
    fn locations(&self) -> Vec<Location> {
        vec![Location::search_order(&[".config/isyncrc", ".mbsyncrc"])]
    }

    /// mbsync.1: `PassCmd` ("the first line of its output is used"), or `UseKeychain` on
    /// macOS.
    fn secret_advice(&self, setting: &str, _protocol: Protocol) -> String {
        format!(
            "replace `{setting}` with `PassCmd \"pass show mail\"`, a command whose first line \
             of output mbsync uses as the password (or `UseKeychain yes` on macOS)"
        )
    }

    /// isync's own keys (mbsync(1) 1.5; reference other-clients.md 1): `TLSType` (spelt
    /// `SSLType` up to 1.4, which rejects `TLSType`), `TLSVersions`, `SystemCertificates`,
    /// `CertificateFile`.
    fn tls_advice(&self, advice: TlsAdvice, _protocol: Protocol) -> Option<String> {
        let text = match advice {
            TlsAdvice::Use(Security::StarttlsRequired) => {
                "in mbsync: `TLSType STARTTLS` (`SSLType STARTTLS` for mbsync 1.4 and older)"
            }
            TlsAdvice::Use(Security::ImplicitTls) => {
                "in mbsync: `TLSType IMAPS` (`SSLType IMAPS` for mbsync 1.4 and older)"
            }
            TlsAdvice::VerifyCertificates => {
                "in mbsync: `SystemCertificates yes`, or the server's own certificate in \
                 `CertificateFile`"
            }
            TlsAdvice::ModernTlsOnly => "in mbsync 1.5: `TLSVersions -1.0 -1.1 +1.2 +1.3`",
            TlsAdvice::Use(_) => return None,
        };
        Some(text.to_owned())
    }
}
