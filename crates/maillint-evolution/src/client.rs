//! Evolution as a client: its parser, where evolution-data-server keeps the `.source` files in
//! a home, and the advice texts.

use std::borrow::Cow;
use std::sync::Arc;

use maillint_core::{
    Client, ClientSupport, Layout, Location, LocationKind, Parser, Protocol, Security, TlsAdvice,
};

use crate::EvolutionParser;

/// GNOME Evolution (evolution-data-server's mail sources).
#[derive(Debug, Default, Clone, Copy)]
pub struct Evolution;

/// The handle accounts read from `.source` files carry.
pub const CLIENT: Client = Client::of(&Evolution);

/// The folder of `.source` files, relative to `$XDG_CONFIG_HOME`: evolution-data-server's
/// `e_server_side_source_get_user_dir ()` is `e_get_user_config_dir ()/sources`
/// (`src/libebackend/e-server-side-source.c`), and `e_get_user_config_dir ()` is
/// `$XDG_CONFIG_HOME/evolution` (`src/libedataserver/e-data-server-util.c`).
const SOURCES: &str = "evolution/sources";

/// Where each packaging puts `$XDG_CONFIG_HOME`: `~/.config` natively, and the app's own
/// `config` folder in the Flatpak from Flathub (`org.gnome.Evolution`, whose sandbox sets
/// `XDG_CONFIG_HOME` to `~/.var/app/<app-id>/config`).
const CONFIG_HOMES: &[(Layout, &str)] =
    &[(Layout::Linux, ".config"), (Layout::Flatpak, ".var/app/org.gnome.Evolution/config")];

impl ClientSupport for Evolution {
    fn id(&self) -> &str {
        "evolution"
    }

    fn display_name(&self) -> &str {
        "Evolution"
    }

    fn parsers(&self) -> Vec<Arc<dyn Parser>> {
        vec![Arc::new(EvolutionParser)]
    }

    fn locations(&self) -> Vec<Location> {
        CONFIG_HOMES
            .iter()
            .map(|&(layout, config)| Location {
                layout,
                kind: LocationKind::Folder {
                    folder: Cow::Owned(format!("{config}/{SOURCES}")),
                    depth: 1,
                    extensions: vec![Cow::Borrowed("source")],
                },
            })
            .collect()
    }

    /// Evolution never writes a password into a `.source` file (evolution-data-server keeps
    /// it in the keyring through libsecret, `e-source-credentials-provider-impl-password.c`);
    /// a password found there was put in by hand.
    fn secret_advice(&self, setting: &str, _protocol: Protocol) -> String {
        format!(
            "remove `{setting}`: Evolution keeps passwords in the GNOME keyring (it asks for the \
             password and offers to remember it), or sign in with OAuth2 through GNOME Online \
             Accounts"
        )
    }

    /// The `[Security] Method` of a source file (CamelNetworkSecurityMethod nicks; reference
    /// other-clients.md 6).
    fn tls_advice(&self, advice: TlsAdvice, _protocol: Protocol) -> Option<String> {
        let method = match advice {
            TlsAdvice::Use(Security::StarttlsRequired) => "starttls-on-standard-port",
            TlsAdvice::Use(Security::ImplicitTls) => "ssl-on-alternate-port",
            _ => return None,
        };
        Some(format!("in Evolution: `Method={method}` in the `[Security]` section"))
    }
}
