//! KMail as a client: its two parsers, where Akonadi and kmailtransport keep their files, and
//! the advice texts.

use std::borrow::Cow;
use std::sync::Arc;

use maillint_core::{
    Client, ClientSupport, Layout, Location, LocationKind, Parser, Protocol, TlsAdvice,
};

use crate::imap::{NETWORK, safety_word};
use crate::transport::encryption_word;
use crate::{ImapResourceParser, MailTransportsParser};

/// KMail, with the Akonadi resources and kmailtransport that hold its servers.
#[derive(Debug, Default, Clone, Copy)]
pub struct Kmail;

/// `$XDG_CONFIG_HOME` of each packaging: native, and Flathub's `org.kde.kmail2`.
const CONFIG_HOMES: &[(Layout, &str)] =
    &[(Layout::Linux, ".config"), (Layout::Flatpak, ".var/app/org.kde.kmail2/config")];

/// The handle accounts read from KMail's files carry.
pub const CLIENT: Client = Client::of(&Kmail);

impl ClientSupport for Kmail {
    fn id(&self) -> &str {
        "kmail"
    }

    fn display_name(&self) -> &str {
        "KMail"
    }

    fn parsers(&self) -> Vec<Arc<dyn Parser>> {
        vec![Arc::new(ImapResourceParser), Arc::new(MailTransportsParser)]
    }

    /// Both live in `$XDG_CONFIG_HOME`: an Akonadi resource's settings are the KConfig file
    /// named after the resource, `<identifier>rc`, and IMAP resources are
    /// `akonadi_imap_resource_<N>` (`KSharedConfig::openConfig()` of the resource process,
    /// kdepim-runtime `resources/imap`); the transports are `mailtransports`
    /// (`<kcfgfile name="mailtransports">`, kmailtransport `src/mailtransport.kcfg`).
    /// `$XDG_CONFIG_HOME` is `~/.config` natively; the Flathub KMail (app id `org.kde.kmail2`)
    /// runs Akonadi and its resources inside its own sandbox, where Flatpak sets it to
    /// `~/.var/app/org.kde.kmail2/config` (flatpak/flatpak#1214: every app's XDG folders are
    /// moved under `~/.var/app/<app-id>`).
    fn locations(&self) -> Vec<Location> {
        CONFIG_HOMES
            .iter()
            .flat_map(|&(layout, config)| {
                [
                    Location {
                        layout,
                        kind: LocationKind::Matching {
                            folder: Cow::Borrowed(config),
                            prefix: Cow::Borrowed("akonadi_imap_resource_"),
                            suffix: Cow::Borrowed("rc"),
                        },
                    },
                    Location {
                        layout,
                        kind: LocationKind::SearchOrder {
                            files: vec![Cow::Owned(format!("{config}/mailtransports"))],
                            versioned: false,
                        },
                    },
                ]
            })
            .collect()
    }

    /// kmailtransport writes `password` only when the wallet cannot take it, and only
    /// scrambles it (`KStringHandler::obscure`: no key, its own inverse).
    fn secret_advice(&self, setting: &str, _protocol: Protocol) -> String {
        format!(
            "`{setting}` is only scrambled (KStringHandler::obscure has no key and undoes \
             itself), so it is as good as plain text: remove it and let KMail keep the password \
             in KWallet (start the wallet, then enter the password again), or sign in with \
             OAuth2 (XOAUTH2)"
        )
    }

    /// The words of the files, as the fixes write them: the IMAP resource's `Safety`
    /// (`SSL`, `STARTTLS`; imapresource.kcfg, `Settings::loadAccount`), which an
    /// `OverrideEncryption` entry replaces, and a transport's `encryption` (`SSL`, or `TLS`,
    /// which is STARTTLS; mailtransport.kcfg, `SmtpJob`). KMail has no setting for
    /// certificate checks or TLS versions in these files, so those get no advice.
    fn tls_advice(&self, advice: TlsAdvice, protocol: Protocol) -> Option<String> {
        let TlsAdvice::Use(security) = advice else { return None };
        match protocol {
            Protocol::Imap => safety_word(security).map(|word| {
                format!(
                    "in KMail: `Safety={word}` in the `[{NETWORK}]` group of the IMAP resource \
                     (an `OverrideEncryption` entry there wins over it)"
                )
            }),
            Protocol::Smtp => encryption_word(security).map(|word| {
                let named = if word == "TLS" { " (KMail's word for STARTTLS)" } else { "" };
                format!(
                    "in KMail: `encryption={word}`{named} in the transport's `[Transport <id>]` \
                     group"
                )
            }),
            Protocol::Pop3 => None,
        }
    }
}
