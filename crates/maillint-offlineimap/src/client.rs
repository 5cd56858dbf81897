//! OfflineIMAP as a client: its parser, where its file lives, and how to keep a password out
//! of the file.

use std::sync::Arc;

use maillint_core::{Client, ClientSupport, Location, Parser, Protocol};

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
}
