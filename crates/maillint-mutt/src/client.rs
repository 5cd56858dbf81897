//! mutt and NeoMutt as a client: the parser, the files each reads at start, and the advice
//! texts. A muttrc's `source` commands are followed by the parser itself.

use std::borrow::Cow;
use std::sync::Arc;

use maillint_core::{
    Client, ClientSupport, Layout, Location, LocationKind, Parser, Protocol, Security, TlsAdvice,
};

use crate::MuttParser;

/// mutt and NeoMutt.
#[derive(Debug, Default, Clone, Copy)]
pub struct Mutt;

/// The handle accounts read from muttrc files carry.
pub const CLIENT: Client = Client::of(&Mutt);

/// The files neomutt reads when it is started without `-F`, in its search order (neomutt's
/// `find_cfg`: for each of `$XDG_CONFIG_HOME/neomutt/`, `$XDG_CONFIG_HOME/mutt/`,
/// `~/.neomutt/`, `~/.mutt/` and `~/.`, the names `neomuttrc` then `muttrc`; mutt.md says the
/// full order is unverified, this is the order in the source).
const NEOMUTT_SEARCH_ORDER: &[&str] = &[
    ".config/neomutt/neomuttrc",
    ".config/neomutt/muttrc",
    ".config/mutt/neomuttrc",
    ".config/mutt/muttrc",
    ".neomutt/neomuttrc",
    ".neomutt/muttrc",
    ".mutt/neomuttrc",
    ".mutt/muttrc",
    ".neomuttrc",
    ".muttrc",
];

/// The files mutt reads when it is started without `-F`, in its search order: the first that
/// exists is read (mutt's `init.c`, `mutt_find_cfg`: `~/.muttrc`, `~/.mutt/muttrc`, then
/// `$XDG_CONFIG_HOME/mutt/muttrc`, whose default is `~/.config`). Each location also tries
/// `muttrc-<VERSION>` first (`names[] = { "muttrc-" MUTT_VERSION, "muttrc" }`); neomutt's
/// `find_cfg` once tried `"neomuttrc-" PACKAGE_VERSION` the same way.
const MUTT_SEARCH_ORDER: &[&str] = &[".muttrc", ".mutt/muttrc", ".config/mutt/muttrc"];

fn search_order(files: &[&'static str]) -> Location {
    let files = files.iter().map(|&f| Cow::Borrowed(f)).collect();
    Location { layout: Layout::Any, kind: LocationKind::SearchOrder { files, versioned: true } }
}

impl ClientSupport for Mutt {
    fn id(&self) -> &str {
        "mutt"
    }

    fn display_name(&self) -> &str {
        "mutt"
    }

    fn parsers(&self) -> Vec<Arc<dyn Parser>> {
        vec![Arc::new(MuttParser)]
    }

    fn locations(&self) -> Vec<Location> {
        vec![search_order(NEOMUTT_SEARCH_ORDER), search_order(MUTT_SEARCH_ORDER)]
    }

    /// mutt's own variables (reference mutt.md 4 and 5): `ssl_force_tls` makes STARTTLS
    /// required, an `imaps://`/`pops://`/`smtps://` URL is implicit TLS, `ssl_verify_host` and
    /// `ssl_verify_dates` check the certificate (`certificate_file` holds one to trust), and
    /// `ssl_use_sslv3`/`ssl_use_tlsv1`/`ssl_use_tlsv1_1` turn on the old versions.
    fn tls_advice(&self, advice: TlsAdvice, protocol: Protocol) -> Option<String> {
        let scheme = match protocol {
            Protocol::Imap => "imaps",
            Protocol::Pop3 => "pops",
            Protocol::Smtp => "smtps",
        };
        Some(match advice {
            TlsAdvice::Use(Security::StarttlsRequired) => {
                "in mutt: `set ssl_force_tls = yes` (and keep `ssl_starttls = yes`)".to_owned()
            }
            TlsAdvice::Use(Security::ImplicitTls) => {
                format!("in mutt: the `{scheme}://` scheme in the URL")
            }
            TlsAdvice::VerifyCertificates => "in mutt: `set ssl_verify_host = yes` and `set \
                 ssl_verify_dates = yes`; a self-signed certificate goes into `certificate_file`"
                .to_owned(),
            TlsAdvice::ModernTlsOnly => {
                "in mutt: `unset ssl_use_sslv3 ssl_use_tlsv1 ssl_use_tlsv1_1`".to_owned()
            }
            _ => return None,
        })
    }

    /// mutt.md sections 4 and 7: a password command in backticks, neomutt's
    /// `account_command`, or OAuth2.
    fn secret_advice(&self, setting: &str, protocol: Protocol) -> String {
        let prefix = match protocol {
            Protocol::Imap => "imap",
            Protocol::Pop3 => "pop",
            Protocol::Smtp => "smtp",
        };
        let in_url = !setting.ends_with("_pass");
        let start = if in_url {
            format!("remove the password from `{setting}` and ")
        } else {
            String::new()
        };
        format!(
            "{start}read it from a command instead, e.g. `set {prefix}_pass = \"`pass show \
             mail`\"` (mutt runs backticks when it reads the file), or neomutt's \
             `account_command`; better, sign in with OAuth2 via \
             `{prefix}_oauth_refresh_command`"
        )
    }
}
