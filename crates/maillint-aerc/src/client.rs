//! aerc as a client: its parser, where `accounts.conf` lives, and the advice texts.

use std::sync::Arc;

use maillint_core::{
    Client, ClientSupport, Layout, Location, LocationKind, Parser, Protocol, Security, TlsAdvice,
};

use crate::AercParser;

/// aerc.
#[derive(Debug, Default, Clone, Copy)]
pub struct Aerc;

/// The handle accounts read from `accounts.conf` carry.
pub const CLIENT: Client = Client::of(&Aerc);

impl ClientSupport for Aerc {
    fn id(&self) -> &str {
        "aerc"
    }

    fn display_name(&self) -> &str {
        "aerc"
    }

    fn parsers(&self) -> Vec<Arc<dyn Parser>> {
        vec![Arc::new(AercParser)]
    }

    /// `$XDG_CONFIG_HOME/aerc/accounts.conf`, by default `~/.config/aerc/accounts.conf`
    /// (aerc-accounts(5)); on macOS `~/Library/Preferences/aerc/accounts.conf` when
    /// `XDG_CONFIG_HOME` is not set (rjarry/aerc `lib/xdg/xdg.go`, `ConfigPath`).
    fn locations(&self) -> Vec<Location> {
        let file = |layout, path: &'static str| Location {
            layout,
            kind: LocationKind::SearchOrder { files: vec![path.into()], versioned: false },
        };
        vec![
            file(Layout::Linux, ".config/aerc/accounts.conf"),
            file(Layout::MacOs, "Library/Preferences/aerc/accounts.conf"),
        ]
    }

    /// aerc-accounts(5): `source-cred-cmd`/`outgoing-cred-cmd` run a command for the password;
    /// aerc-imap(5)/aerc-smtp(5): `+oauthbearer`/`+xoauth2` for OAuth2.
    fn secret_advice(&self, setting: &str, protocol: Protocol) -> String {
        let key = match protocol {
            Protocol::Smtp => "outgoing",
            Protocol::Imap | Protocol::Pop3 => "source",
        };
        format!(
            "remove the password from `{}` and set `{key}-cred-cmd` to a command that prints it \
             (`pass show mail`), which aerc runs when it connects; or sign in with OAuth2 \
             (`+oauthbearer` or `+xoauth2` in the scheme)",
            setting.split(' ').next().unwrap_or(setting)
        )
    }

    /// aerc's URL schemes (aerc-accounts(5); reference other-clients.md 4): `imaps://` and
    /// `smtps://` are TLS from the first byte, `imap://` and `smtp://` require STARTTLS, and
    /// `+insecure` turns off STARTTLS (plain schemes) or the certificate check (`s` schemes).
    fn tls_advice(&self, advice: TlsAdvice, protocol: Protocol) -> Option<String> {
        let (key, plain) = match protocol {
            Protocol::Smtp => ("outgoing", "smtp"),
            Protocol::Imap => ("source", "imap"),
            Protocol::Pop3 => return None,
        };
        match advice {
            TlsAdvice::Use(Security::ImplicitTls) => {
                Some(format!("in aerc: the `{plain}s://` scheme in `{key}`"))
            }
            TlsAdvice::Use(Security::StarttlsRequired) => Some(format!(
                "in aerc: the `{plain}://` scheme in `{key}`, without `+insecure` (aerc then \
                 requires STARTTLS)"
            )),
            TlsAdvice::VerifyCertificates => {
                Some(format!("in aerc: remove `+insecure` from the `{plain}s` scheme in `{key}`"))
            }
            _ => None,
        }
    }
}
