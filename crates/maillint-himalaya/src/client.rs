//! himalaya as a client: its parser, where `config.toml` lives, and the advice texts.

use std::sync::Arc;

use maillint_core::{
    Client, ClientSupport, Layout, Location, LocationKind, Parser, Protocol, Security, TlsAdvice,
};

use crate::HimalayaParser;

/// himalaya, the command-line mail client of the Pimalaya project.
#[derive(Debug, Default, Clone, Copy)]
pub struct Himalaya;

/// The handle accounts read from `config.toml` carry.
pub const CLIENT: Client = Client::of(&Himalaya);

impl ClientSupport for Himalaya {
    fn id(&self) -> &str {
        "himalaya"
    }

    fn display_name(&self) -> &str {
        "himalaya"
    }

    fn parsers(&self) -> Vec<Arc<dyn Parser>> {
        vec![Arc::new(HimalayaParser)]
    }

    /// The first of `<config dir>/himalaya/config.toml`, `~/.config/himalaya/config.toml` and
    /// `~/.himalayarc` that exists (pimalaya/config `src/toml.rs`, `first_valid_default_path`,
    /// used by himalaya 2.x; the same order in 1.x, `src/config/mod.rs` at v1.0.0-beta.4). The
    /// config dir is the `dirs` crate's: `$XDG_CONFIG_HOME` (`~/.config`) on Linux,
    /// `~/Library/Application Support` on macOS, `%APPDATA%` (`AppData/Roaming`) on Windows.
    fn locations(&self) -> Vec<Location> {
        let order = |layout, first: Option<&'static str>| Location {
            layout,
            kind: LocationKind::SearchOrder {
                files: first
                    .into_iter()
                    .chain([".config/himalaya/config.toml", ".himalayarc"])
                    .map(Into::into)
                    .collect(),
                versioned: false,
            },
        };
        vec![
            order(Layout::Linux, None),
            order(Layout::MacOs, Some("Library/Application Support/himalaya/config.toml")),
            order(Layout::Windows, Some("AppData/Roaming/himalaya/config.toml")),
        ]
    }

    /// himalaya 2.x takes `password.command` (pimalaya/config `Secret::Command`) and OAuth2
    /// tokens through `sasl.oauthbearer`/`sasl.xoauth2`; 1.x took `auth.cmd` or `auth.keyring`.
    fn secret_advice(&self, setting: &str, protocol: Protocol) -> String {
        let _ = protocol;
        let command = match setting.strip_suffix(".raw") {
            Some(holder) if holder.contains(".sasl.") => format!("`{holder}.command`"),
            Some(holder) => format!("`{holder}.cmd` or `{holder}.keyring`"),
            None => "a password command".to_owned(),
        };
        format!(
            "remove `{setting}` and set {command} instead (`pass show mail`): himalaya runs the \
             command when it connects; or sign in with OAuth2"
        )
    }

    /// Both layouts, as the fixes write them: 2.x picks TLS by the server URL's scheme and
    /// STARTTLS by `starttls = true` on the plain scheme (himalaya v2.0.0 `src/config.rs`,
    /// io-imap and io-smtp `src/client.rs`; see `v2.rs`); 1.x by `encryption.type` in the
    /// backend table, `tls` or `start-tls` (email-lib v1.2.0; see `v1.rs`). himalaya reads
    /// no certificate or TLS version setting from these tables, and has no POP3.
    fn tls_advice(&self, advice: TlsAdvice, protocol: Protocol) -> Option<String> {
        let scheme = match protocol {
            Protocol::Imap => "imap",
            Protocol::Smtp => "smtp",
            Protocol::Pop3 => return None,
        };
        match advice {
            TlsAdvice::Use(Security::ImplicitTls) => Some(format!(
                "in himalaya: an `{scheme}s://` server (2.x), or `encryption.type = \"tls\"` in \
                 the backend (1.x)"
            )),
            TlsAdvice::Use(Security::StarttlsRequired) => Some(format!(
                "in himalaya: an `{scheme}://` server with `{scheme}.starttls = true` (2.x), or \
                 `encryption.type = \"start-tls\"` in the backend (1.x)"
            )),
            _ => None,
        }
    }
}
