//! himalaya as a client: its parser, where `config.toml` lives, and the advice texts.

use std::sync::Arc;

use maillint_core::{Client, ClientSupport, Layout, Location, LocationKind, Parser, Protocol};

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
}
