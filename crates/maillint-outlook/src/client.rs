//! Outlook as a client: its three parsers, the folders where PRF files and `.reg` exports are
//! kept, and its advice texts.

use std::borrow::Cow;
use std::sync::Arc;

use maillint_core::{Client, ClientSupport, Layout, Location, LocationKind, Parser, Protocol};

use crate::{AutodiscoverParser, PrfParser, RegParser};

/// Microsoft Outlook.
#[derive(Debug, Default, Clone, Copy)]
pub struct Outlook;

/// The handle accounts read from Outlook's files carry.
pub const CLIENT: Client = Client::of(&Outlook);

/// Folders where Outlook `.prf` profile files and `.reg` exports are kept, and how deep below
/// each the scan looks (1: the folder's own files; 2: also its direct subfolders).
///
/// `outlook.md` describes the formats but names no place for them: a PRF is imported with
/// `outlook.exe /importprf <file>.prf` from wherever it was put, and a `.reg` export is written
/// wherever regedit was pointed. These are the places such files end up in practice.
const FOLDERS: &[(&str, usize)] = &[
    // The home itself (`%USERPROFILE%`): deployment scripts and regedit's "Export" dialog
    // write here when no other folder is chosen. Only its own files are looked at; its
    // subfolders are the places below.
    ("", 1),
    // Desktop and Documents: where admins leave a PRF for the user to double-click, and where
    // users save a `.reg` backup of their mail settings; one level of subfolders for the
    // "IT" or "Outlook" folder they often sit in.
    ("Desktop", 2),
    ("Documents", 2),
    // Windows XP's name for Documents, still found in profiles copied from old machines.
    ("My Documents", 2),
    // A PRF sent by the help desk is saved here first.
    ("Downloads", 1),
    // OneDrive's Known Folder Move redirects Desktop and Documents into the OneDrive folder.
    ("OneDrive/Desktop", 2),
    ("OneDrive/Documents", 2),
    // Outlook's own per-user folder (`%APPDATA%\Microsoft\Outlook`): deployment scripts copy
    // the PRF here before running `/importprf`.
    ("AppData/Roaming/Microsoft/Outlook", 1),
    // Outlook's data-file folder since Outlook 2013 (`Documents\Outlook Files`), where some
    // admins keep the PRF next to the PST it configures; covered by `Documents` at depth 2.
];

impl ClientSupport for Outlook {
    fn id(&self) -> &str {
        "outlook"
    }

    fn display_name(&self) -> &str {
        "Outlook"
    }

    fn parsers(&self) -> Vec<Arc<dyn Parser>> {
        vec![Arc::new(PrfParser), Arc::new(RegParser), Arc::new(AutodiscoverParser)]
    }

    /// Windows layouts only; the file extensions offered to the parsers are `prf` and `reg`
    /// (Autodiscover answers are fetched, not kept in the home).
    fn locations(&self) -> Vec<Location> {
        FOLDERS
            .iter()
            .map(|&(folder, depth)| Location {
                layout: Layout::Windows,
                kind: LocationKind::Folder {
                    folder: Cow::Borrowed(folder),
                    depth,
                    extensions: vec![Cow::Borrowed("prf"), Cow::Borrowed("reg")],
                },
            })
            .collect()
    }

    fn secret_advice(&self, setting: &str, _protocol: Protocol) -> String {
        format!(
            "remove the password from `{setting}` and let Outlook keep it in the Windows \
             Credential Manager, or sign in with modern authentication (OAuth2)"
        )
    }
}
