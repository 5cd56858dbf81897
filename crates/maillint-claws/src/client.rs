//! Claws Mail as a client: its parser, where it keeps its files, and the advice texts.

use std::sync::Arc;

use maillint_core::{Client, ClientSupport, Location, Parser, Protocol};

use crate::ClawsParser;

/// Claws Mail.
#[derive(Debug, Default, Clone, Copy)]
pub struct Claws;

/// The handle accounts read from Claws Mail's files carry.
pub const CLIENT: Client = Client::of(&Claws);

impl ClientSupport for Claws {
    fn id(&self) -> &str {
        "claws-mail"
    }

    fn display_name(&self) -> &str {
        "Claws Mail"
    }

    fn parsers(&self) -> Vec<Arc<dyn Parser>> {
        vec![Arc::new(ClawsParser)]
    }

    /// `get_rc_dir ()` is `~/` + `RC_DIR` (`src/common/utils.c`, `src/common/defs.h`), which
    /// configure sets to `.claws-mail`; this version has no XDG variant. `accountrc`
    /// (`ACCOUNT_RC`) is the unit; `passwordstorerc` (`PASSWORD_STORE_RC`) beside it is read
    /// with it.
    fn locations(&self) -> Vec<Location> {
        vec![Location::search_order(&[".claws-mail/accountrc"])]
    }

    fn secret_advice(&self, setting: &str, _protocol: Protocol) -> String {
        format!(
            "`{setting}` is encrypted with the key built into every copy of Claws Mail, so \
             anyone who reads the file can decrypt it: set a primary passphrase (Preferences, \
             Other, Passwords), which re-encrypts the stored passwords with it, or sign in with \
             OAuth2"
        )
    }
}
