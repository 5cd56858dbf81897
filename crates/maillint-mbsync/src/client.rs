//! mbsync (isync) as a client: its parser, where its file lives, and how to keep a password
//! out of the file.

use std::sync::Arc;

use maillint_core::{Client, ClientSupport, Location, Parser, Protocol};

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
}
