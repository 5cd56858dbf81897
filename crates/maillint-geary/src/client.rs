//! Geary as a client: its parser, where it keeps each account's `geary.ini`, and the advice
//! texts.

use std::borrow::Cow;
use std::sync::Arc;

use maillint_core::{
    Client, ClientSupport, Layout, Location, LocationKind, Parser, Protocol, Security, TlsAdvice,
};

use crate::GearyParser;

/// GNOME's Geary.
#[derive(Debug, Default, Clone, Copy)]
pub struct Geary;

/// The handle accounts read from `geary.ini` carry.
pub const CLIENT: Client = Client::of(&Geary);

/// Folders holding one folder per account, each with its `geary.ini`
/// (`Accounts.Manager.SETTINGS_FILENAME`, `src/client/accounts/accounts-manager.vala`):
/// `$XDG_CONFIG_HOME/geary/<account id>` since 0.13 (`account_01`, ...), and the older data
/// folder `$XDG_DATA_HOME/geary/<address>`, which `Util.Migrate.xdg_config_dir` copies from
/// but leaves in place (`src/client/util/util-migrate.vala`). Flathub's sandbox
/// (`org.gnome.Geary`) keeps both under `~/.var/app/org.gnome.Geary`.
const FOLDERS: &[(Layout, &str)] = &[
    (Layout::Linux, ".config/geary"),
    (Layout::Linux, ".local/share/geary"),
    (Layout::Flatpak, ".var/app/org.gnome.Geary/config/geary"),
    (Layout::Flatpak, ".var/app/org.gnome.Geary/data/geary"),
];

impl ClientSupport for Geary {
    fn id(&self) -> &str {
        "geary"
    }

    fn display_name(&self) -> &str {
        "Geary"
    }

    fn parsers(&self) -> Vec<Arc<dyn Parser>> {
        vec![Arc::new(GearyParser)]
    }

    fn locations(&self) -> Vec<Location> {
        FOLDERS
            .iter()
            .map(|&(layout, folder)| Location {
                layout,
                kind: LocationKind::Folder {
                    folder: Cow::Borrowed(folder),
                    depth: 2,
                    extensions: vec![Cow::Borrowed("ini")],
                },
            })
            .collect()
    }

    /// Geary keeps passwords in the keyring (`Application.SecretMediator`,
    /// `src/client/application/secret-mediator.vala`), never in `geary.ini`.
    fn secret_advice(&self, setting: &str, _protocol: Protocol) -> String {
        format!(
            "remove `{setting}`: Geary keeps passwords in the GNOME keyring, or sign in with \
             OAuth2 through GNOME Online Accounts"
        )
    }

    /// `transport_security` of `[Incoming]`/`[Outgoing]` ([`crate::service::TLS_METHODS`],
    /// `ServiceConfigV1` in `accounts-manager.vala`); the unversioned layout's
    /// `imap_ssl`/`imap_starttls` flags (`ServiceConfigLegacy`).
    fn tls_advice(&self, advice: TlsAdvice, protocol: Protocol) -> Option<String> {
        let TlsAdvice::Use(security) = advice else { return None };
        let (group, prefix) = match protocol {
            Protocol::Imap => ("Incoming", "imap"),
            Protocol::Smtp => ("Outgoing", "smtp"),
            Protocol::Pop3 => return None,
        };
        let legacy = match security {
            Security::ImplicitTls => format!("`{prefix}_ssl=true`"),
            Security::StarttlsRequired => {
                format!("`{prefix}_ssl=false` with `{prefix}_starttls=true`")
            }
            _ => return None,
        };
        let nick = crate::service::nick(security)?;
        Some(format!(
            "in Geary: `transport_security={nick}` in `[{group}]` ({legacy} in the older \
             `[AccountInformation]` layout)"
        ))
    }
}
