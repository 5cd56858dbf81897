//! Client support: everything maillint knows about one mail client, behind one trait.
//!
//! A client crate implements [`ClientSupport`] and is registered with one line
//! ([`ParserRegistry::register_client`](crate::ParserRegistry::register_client)). The trait
//! says:
//!
//! * which formats the client's files have and how to detect them: its [`Parser`]s;
//! * where the client keeps its files inside a home folder, for each OS layout and packaging
//!   ([`Location`]s), which `maillint scan` looks at without knowing any client by name;
//! * how one file leads to the next: an index of profile folders ([`ClientSupport::read_index`],
//!   Thunderbird's `profiles.ini`), while includes inside a unit (a muttrc's `source`) are
//!   followed by the parser itself through [`Sources`](crate::Sources);
//! * the client's own advice texts, which rules use instead of naming clients: how to keep a
//!   secret out of the file ([`ClientSupport::secret_advice`]) and how to turn on TLS, require
//!   STARTTLS, check certificates or refuse old TLS versions ([`ClientSupport::tls_advice`]);
//! * its id and display name.
//!
//! The model refers to a client by a [`Client`] handle: its id, and the support behind it when
//! one is registered. The set of clients is open: a client crate or a parser plugin brings its
//! own id, and nothing outside that crate names it.

use std::borrow::Cow;
use std::cmp::Ordering;
use std::fmt;
use std::hash::{Hash, Hasher};
use std::sync::Arc;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::model::{Protocol, Security};
use crate::parser::Parser;

/// What a TLS rule asks a client to explain in its own terms ([`ClientSupport::tls_advice`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TlsAdvice {
    /// Connect with this security: [`Security::ImplicitTls`] or
    /// [`Security::StarttlsRequired`] (`tls-disabled`, `opportunistic-starttls`,
    /// `port-security-mismatch`).
    Use(Security),
    /// Turn certificate verification back on (`certificate-verification-disabled`).
    VerifyCertificates,
    /// Allow only TLS 1.2 and TLS 1.3 (`legacy-tls-version`).
    ModernTlsOnly,
}

/// What a client crate (or a parser plugin) tells maillint about its client.
///
/// Only [`id`](Self::id) and [`parsers`](Self::parsers) are required; a client without
/// [`locations`](Self::locations) is read by `check` but never found by `scan`.
///
/// ```
/// use std::sync::Arc;
/// use maillint_core::{Client, ClientSupport, Location, Parser, ParserRegistry, Protocol};
///
/// struct Sendmail;
///
/// impl ClientSupport for Sendmail {
///     fn id(&self) -> &str { "sendmail" }
///     fn display_name(&self) -> &str { "Sendmail" }
///     fn parsers(&self) -> Vec<Arc<dyn Parser>> { Vec::new() }
///     fn locations(&self) -> Vec<Location> {
///         vec![Location::search_order(&[".sendmailrc", ".config/sendmail/rc"])]
///     }
/// }
///
/// let mut registry = ParserRegistry::new();
/// registry.register_client(Arc::new(Sendmail));
/// assert_eq!(registry.clients().count(), 1);
/// // Rules ask the client how to keep a secret out of the file.
/// let client = Client::of(&Sendmail);
/// assert!(client.secret_advice("password", Protocol::Smtp).contains("Sendmail"));
/// ```
pub trait ClientSupport: Send + Sync {
    /// Stable kebab-case id (`thunderbird`): the `client` in JSON output, rule packs and the
    /// plugin protocol.
    fn id(&self) -> &str;

    /// The name people use (`Thunderbird`), for messages.
    fn display_name(&self) -> &str {
        self.id()
    }

    /// The parsers of the client's formats, in detection priority order. Each parser's
    /// [`detect`](Parser::detect) says how its files are recognised, by name or path and by
    /// content.
    fn parsers(&self) -> Vec<Arc<dyn Parser>>;

    /// Where the client keeps its files inside a home folder, on every OS layout and packaging
    /// it has. `maillint scan` looks only there, in this order.
    fn locations(&self) -> Vec<Location> {
        Vec::new()
    }

    /// Reads an index file named by a [`LocationKind::Profiles`] location (`profiles.ini`):
    /// the profile folders it names, and what it noticed on the way. Called only for this
    /// client's own locations.
    fn read_index(&self, bytes: &[u8]) -> FolderIndex {
        let _ = bytes;
        FolderIndex::default()
    }

    /// How to keep the secret written at `setting` (for `protocol`) out of the file, in the
    /// client's own terms: a password manager, a keyring, a password command, OAuth2.
    fn secret_advice(&self, setting: &str, protocol: Protocol) -> String {
        let _ = protocol;
        format!(
            "remove it from `{setting}` and let {} read it from a keyring or a password \
             command, or sign in with OAuth2",
            self.display_name()
        )
    }

    /// How to do what `advice` asks for `protocol` in the client's own terms: the setting and
    /// value to write, or the place in its settings window. A rule adds it to its own, generic
    /// help; `None` (the default) adds nothing. The text names settings, never a password.
    fn tls_advice(&self, advice: TlsAdvice, protocol: Protocol) -> Option<String> {
        let _ = (advice, protocol);
        None
    }
}

/// A client, as the account model names it: an id, and the client's support when it is known.
///
/// Two handles are equal when their ids are. A handle made from an id alone
/// ([`Client::named`]: read back from JSON, or a plugin that declares no more) gives the generic
/// advice of [`ClientSupport`]'s defaults.
#[derive(Clone)]
pub struct Client(Repr);

#[derive(Clone)]
enum Repr {
    Static(&'static dyn ClientSupport),
    Shared(Arc<dyn ClientSupport>),
}

impl Client {
    /// The handle of a client crate's own support (a `static` or a unit struct).
    pub const fn of(support: &'static dyn ClientSupport) -> Self {
        Client(Repr::Static(support))
    }

    /// The handle of a support built at run time (a parser plugin's).
    pub fn shared(support: Arc<dyn ClientSupport>) -> Self {
        Client(Repr::Shared(support))
    }

    /// A client known only by its id.
    pub fn named(id: impl Into<String>) -> Self {
        Client::shared(Arc::new(NamedClient(Cow::Owned(id.into()))))
    }

    /// The support behind the handle.
    pub fn support(&self) -> &dyn ClientSupport {
        match &self.0 {
            Repr::Static(support) => *support,
            Repr::Shared(support) => support.as_ref(),
        }
    }

    /// The kebab-case id used in output and rule packs.
    pub fn as_str(&self) -> &str {
        self.support().id()
    }

    /// The name people use.
    pub fn display_name(&self) -> &str {
        self.support().display_name()
    }

    /// See [`ClientSupport::secret_advice`].
    pub fn secret_advice(&self, setting: &str, protocol: Protocol) -> String {
        self.support().secret_advice(setting, protocol)
    }

    /// `help`, followed by the client's own words for it ([`ClientSupport::tls_advice`]) when
    /// it has some: `help; <advice>`.
    pub fn with_tls_advice(&self, help: String, advice: TlsAdvice, protocol: Protocol) -> String {
        match self.support().tls_advice(advice, protocol) {
            Some(own) => format!("{help}; {own}"),
            None => help,
        }
    }
}

/// A client with an id and nothing else: every other answer is the trait's default.
struct NamedClient(Cow<'static, str>);

impl ClientSupport for NamedClient {
    fn id(&self) -> &str {
        &self.0
    }

    fn parsers(&self) -> Vec<Arc<dyn Parser>> {
        Vec::new()
    }
}

impl PartialEq for Client {
    fn eq(&self, other: &Self) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for Client {}

impl Hash for Client {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.as_str().hash(state);
    }
}

impl PartialOrd for Client {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Client {
    fn cmp(&self, other: &Self) -> Ordering {
        self.as_str().cmp(other.as_str())
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Client({:?})", self.as_str())
    }
}

impl fmt::Display for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for Client {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for Client {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(Client::named)
    }
}

/// The OS layout or packaging a [`Location`] belongs to. A scan looks at every layout in every
/// home: a Windows profile copied onto a Linux share keeps Windows' folders.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Layout {
    /// The same place on every system (a dotfile in the home).
    Any,
    /// Linux and other Unix systems, installed natively.
    Linux,
    /// macOS.
    MacOs,
    /// Windows (`%USERPROFILE%`, `%APPDATA%` = `AppData/Roaming`).
    Windows,
    /// A Flatpak's per-app folder (`~/.var/app/<app-id>`).
    Flatpak,
    /// A Snap's per-user folder (`~/snap/<name>`).
    Snap,
}

/// One place where a client keeps files, relative to the home, with `/` between components.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Location {
    /// Which layout it belongs to.
    pub layout: Layout,
    /// What is there.
    pub kind: LocationKind,
}

/// What a [`Location`] holds.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LocationKind {
    /// Files the client looks for at start, in this order: the first that exists (even as a
    /// folder or a FIFO: clients test with `access`) is read; the others are read only when
    /// another file names them, so a scan treats them as candidates. Several search orders of
    /// one client (mutt's and neomutt's) share their files: a file is read at start when it
    /// is first in any of them.
    SearchOrder {
        /// The files, relative to the home.
        files: Vec<Cow<'static, str>>,
        /// Whether `NAME-<VERSION>` beside each file is also read by that version
        /// (`.muttrc-2.2.9`): such files are candidates.
        versioned: bool,
    },
    /// Files with one of `extensions` (compared without case) in a folder, and in its
    /// subfolders down to `depth` levels (1: the folder's own files). Each is read at start.
    Folder {
        /// The folder, relative to the home (`""`: the home itself).
        folder: Cow<'static, str>,
        /// How deep to look.
        depth: usize,
        /// The extensions, without the dot.
        extensions: Vec<Cow<'static, str>>,
    },
    /// Files directly in a folder whose names start with `prefix` and end with `suffix`
    /// (KMail's `akonadi_imap_resource_<N>rc` in `~/.config`). Each is read at start.
    Matching {
        /// The folder, relative to the home (`""`: the home itself).
        folder: Cow<'static, str>,
        /// The start of the names.
        prefix: Cow<'static, str>,
        /// The end of the names.
        suffix: Cow<'static, str>,
    },
    /// A folder of profiles named by an index file ([`ClientSupport::read_index`]). Without a
    /// usable index, every direct subfolder of the root or of one of `parents` that holds the
    /// first of `files` is a profile. In each profile the first of `files` that exists is read.
    Profiles {
        /// The root folder, relative to the home.
        root: Cow<'static, str>,
        /// The index file inside the root (`profiles.ini`).
        index: Cow<'static, str>,
        /// Folders under the root that hold profiles when there is no index (`""`: the root).
        parents: Vec<Cow<'static, str>>,
        /// The files read in each profile, in order of preference.
        files: Vec<Cow<'static, str>>,
    },
}

impl Location {
    /// A search order of files in the home, in any layout (see [`LocationKind::SearchOrder`]).
    pub fn search_order(paths: &[&'static str]) -> Self {
        let files = paths.iter().map(|p| Cow::Borrowed(*p)).collect();
        Location {
            layout: Layout::Any,
            kind: LocationKind::SearchOrder { files, versioned: false },
        }
    }
}

/// Whether `name` is one of a [`LocationKind::Matching`]'s files: it starts with `prefix`,
/// ends with `suffix`, and has something between them.
pub fn name_matches(name: &str, prefix: &str, suffix: &str) -> bool {
    name.len() > prefix.len() + suffix.len() && name.starts_with(prefix) && name.ends_with(suffix)
}

/// What an index file says: the profile folders, and what the client would skip.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FolderIndex {
    /// The folders, in the order the client reads them.
    pub folders: Vec<IndexedFolder>,
    /// Entries the client skips or never reaches, for the scan's list of problems.
    pub notes: Vec<IndexNote>,
}

/// One profile folder an index names.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IndexedFolder {
    /// The entry that names it (`Profile0`), for messages.
    pub entry: String,
    /// The path as written.
    pub path: String,
    /// Whether `path` is relative to the folder holding the index.
    pub relative: bool,
}

/// Something an index says that is not a folder to read: a skipped or unreachable entry.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct IndexNote {
    /// A short, stable label for grouping (`profiles hidden`).
    pub label: &'static str,
    /// The whole message.
    pub message: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Mailer;

    impl ClientSupport for Mailer {
        fn id(&self) -> &str {
            "mailer"
        }
        fn display_name(&self) -> &str {
            "The Mailer"
        }
        fn parsers(&self) -> Vec<Arc<dyn Parser>> {
            Vec::new()
        }
    }

    #[test]
    fn matching_names_need_something_between_prefix_and_suffix() {
        assert!(name_matches("akonadi_imap_resource_0rc", "akonadi_imap_resource_", "rc"));
        assert!(!name_matches("akonadi_imap_resource_rc", "akonadi_imap_resource_", "rc"));
        assert!(!name_matches("akonadi_pop3_resource_0rc", "akonadi_imap_resource_", "rc"));
        assert!(!name_matches("akonadi_imap_resource_0rc~", "akonadi_imap_resource_", "rc"));
    }

    #[test]
    fn handles_compare_serialize_and_print_by_id() {
        let known = Client::of(&Mailer);
        let named = Client::named("mailer");
        assert_eq!(known, named);
        assert_eq!(known.to_string(), "mailer");
        assert_eq!(serde_json::to_string(&known).unwrap(), "\"mailer\"");
        let back: Client = serde_json::from_str("\"mailer\"").unwrap();
        assert_eq!(back, known);
        assert!(Client::named("a") < Client::named("b"));
    }

    #[test]
    fn advice_uses_the_display_name_or_the_id() {
        let known = Client::of(&Mailer).secret_advice("pass", Protocol::Imap);
        assert_eq!(
            known,
            "remove it from `pass` and let The Mailer read it from a keyring or a password \
             command, or sign in with OAuth2"
        );
        assert!(
            Client::named("msmtp")
                .secret_advice("password", Protocol::Smtp)
                .contains("let msmtp read")
        );
    }

    struct Tunable;

    impl ClientSupport for Tunable {
        fn id(&self) -> &str {
            "tunable"
        }
        fn parsers(&self) -> Vec<Arc<dyn Parser>> {
            Vec::new()
        }
        fn tls_advice(&self, advice: TlsAdvice, protocol: Protocol) -> Option<String> {
            match advice {
                TlsAdvice::Use(Security::StarttlsRequired) => {
                    Some(format!("set `{protocol}-tls = required`"))
                }
                _ => None,
            }
        }
    }

    #[test]
    fn tls_advice_is_added_to_the_rules_help_when_the_client_has_some() {
        let help = || "require STARTTLS".to_owned();
        let starttls = TlsAdvice::Use(Security::StarttlsRequired);
        assert_eq!(
            Client::of(&Tunable).with_tls_advice(help(), starttls, Protocol::Imap),
            "require STARTTLS; set `IMAP-tls = required`"
        );
        assert_eq!(
            Client::of(&Tunable).with_tls_advice(
                help(),
                TlsAdvice::VerifyCertificates,
                Protocol::Imap
            ),
            "require STARTTLS"
        );
        assert_eq!(
            Client::named("plain").with_tls_advice(help(), starttls, Protocol::Imap),
            "require STARTTLS"
        );
    }
}
