//! Claws Mail as a client: its parser, where it keeps its files, and the advice texts.

use std::sync::Arc;

use maillint_core::{Client, ClientSupport, Location, Parser, Protocol, TlsAdvice};

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

    /// The `ssl_imap`, `ssl_pop`, `ssl_smtp` numbers of an account (`SSLType`: 1 SSL/TLS,
    /// 2 STARTTLS; `ssl_param[]` in `prefs_account.c`, [`crate::account::SSL_TYPES`]).
    fn tls_advice(&self, advice: TlsAdvice, protocol: Protocol) -> Option<String> {
        let TlsAdvice::Use(security) = advice else { return None };
        let number = crate::account::ssl_number(security).filter(|n| *n != 0)?;
        let key = match protocol {
            Protocol::Imap => "ssl_imap",
            Protocol::Pop3 => "ssl_pop",
            Protocol::Smtp => "ssl_smtp",
        };
        let name = if number == 1 { "SSL/TLS" } else { "STARTTLS" };
        Some(format!("in Claws Mail: `{key}={number}` ({name})"))
    }
}
