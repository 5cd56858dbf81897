//! msmtp as a client: its parser, where its user file lives, and how to keep a password out
//! of the file.

use std::sync::Arc;

use maillint_core::{Client, ClientSupport, Location, Parser, Protocol};

use crate::MsmtpParser;

/// msmtp, the SMTP client.
#[derive(Debug, Default, Clone, Copy)]
pub struct Msmtp;

/// The handle accounts read from msmtprc files carry.
pub const CLIENT: Client = Client::of(&Msmtp);

impl ClientSupport for Msmtp {
    fn id(&self) -> &str {
        "msmtp"
    }

    fn display_name(&self) -> &str {
        "msmtp"
    }

    fn parsers(&self) -> Vec<Arc<dyn Parser>> {
        vec![Arc::new(MsmtpParser)]
    }

    /// "The default user configuration file is ~/.msmtprc or $XDG_CONFIG_HOME/msmtp/config"
    /// (msmtp.texi, "Configuration files"); `get_userconfig` in `src/tools.c` tries them in
    /// that order, with `~/.config` for an unset `XDG_CONFIG_HOME`. The system-wide
    /// `SYSCONFDIR/msmtprc` (`/etc/msmtprc` on Debian) is not in a home: `scan` does not read
    /// it, `check /etc/msmtprc` does.
    fn locations(&self) -> Vec<Location> {
        vec![Location::search_order(&[".msmtprc", ".config/msmtp/config"])]
    }

    /// msmtp.texi, "Authentication": the system key ring (`secret-tool store --label=msmtp
    /// host HOST service smtp user USER`), or `passwordeval` with a command that decrypts the
    /// password.
    fn secret_advice(&self, setting: &str, _protocol: Protocol) -> String {
        format!(
            "remove `{setting}` and store the password in the system key ring (`secret-tool \
             store --label=msmtp host HOST service smtp user USER`), which msmtp asks when no \
             password is set, or use `passwordeval` with a command that prints it (`pass show \
             mail`)"
        )
    }
}
