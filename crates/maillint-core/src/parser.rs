//! Parsers: the [`Parser`] trait that turns a client's files into the account model, and the
//! registry that picks a parser for a file.
//!
//! The engine reads the unit's root file, adds it to [`Sources`] and calls [`Parser::parse`].
//! A parser may read more files (a profile's `user.js`, a muttrc's `source`d files) through the
//! same [`Sources`]. It returns the accounts, its own diagnostics (`parse-error`, ...), the spans of
//! every secret it saw (renderers redact them) and private state that [`Parser::lower`] uses
//! later to turn a rule's [`FieldChange`]s into text edits in its format.

use std::any::Any;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::client::ClientSupport;
use crate::diagnostic::Diagnostic;
use crate::fix::{Edit, FieldChange};
use crate::model::{Account, Client};
use crate::rule::RuleMeta;
use crate::source::Sources;
use crate::span::{FileId, Span};

/// How sure a parser is that it understands a file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Confidence {
    /// The content looks like the format (e.g. it starts with `user_pref(`).
    Content,
    /// The file name is the format's usual name (`prefs.js`, `.muttrc`).
    Name,
    /// The file has the format's name and sits where only this parser's client keeps it (a
    /// `prefs.js` inside Betterbird's Flatpak folder): outranks a parser that knows the name
    /// alone (Thunderbird's, for a fork that shares the file format).
    Path,
}

/// What the parser gets besides the files.
#[derive(Clone, Debug, Default)]
pub struct ParseOptions {
    /// The home folder used to expand `~` (the scanned user's home in `maillint scan`; the
    /// process owner's environment is never read).
    pub home: Option<PathBuf>,
    /// One client's settings from `maillint.toml`, as `<client id>.<key>` → value (`[mutt]
    /// flavour = "neomutt"` gives `mutt.flavour` → `neomutt`); a parser reads only its own.
    pub client_settings: BTreeMap<String, String>,
}

/// The result of parsing one unit.
#[derive(Default)]
pub struct ParsedUnit {
    /// The accounts found.
    pub accounts: Vec<Account>,
    /// Parse errors and other parser findings.
    pub diagnostics: Vec<Diagnostic>,
    /// Spans of secret values (passwords, tokens) anywhere in the unit's files. Renderers and
    /// diff output replace this text before showing it.
    pub secrets: Vec<Span>,
    /// Parser-private data for [`Parser::lower`].
    pub state: Option<Box<dyn Any + Send + Sync>>,
}

impl ParsedUnit {
    /// The parser-private [`state`](Self::state) of type `T`, for [`Parser::lower`]; the error
    /// names `parser` when the unit holds no state of that type (another parser read it).
    pub fn state_of<T: Any>(&self, parser: &str) -> Result<&T, LowerError> {
        self.state
            .as_ref()
            .and_then(|state| state.downcast_ref::<T>())
            .ok_or_else(|| LowerError(format!("this unit was not parsed by the {parser} parser")))
    }
}

/// A field change that cannot be written in this format or at this place.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LowerError(pub String);

impl std::fmt::Display for LowerError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for LowerError {}

/// A client format.
///
/// A parser reads a unit's files into [`Account`]s with a [`Span`] on every value, reports its
/// own findings (`parse-error`, ...), and later turns a rule's [`FieldChange`]s on one of its
/// endpoints into [`Edit`]s in its own syntax ([`lower`](Self::lower)). A crate outside the
/// workspace can implement it and register the parser in a [`ParserRegistry`]; the example
/// crate `examples/custom-rule-crate` builds a `maillint` binary that way.
///
/// # Example
///
/// A parser for a one-account format of `key = value` lines (`host`, `port`):
///
/// ```
/// use std::path::Path;
/// use maillint_core::{
///     Account, AuthMethod, Client, Confidence, Edit, Endpoint, FieldChange, FileId, HostName,
///     Located, LowerError, ParseOptions, ParsedUnit, Parser, ParserRegistry, Protocol, Security,
///     SourceFile, Sources, Span,
/// };
///
/// struct KeyValueParser;
///
/// impl Parser for KeyValueParser {
///     fn name(&self) -> &'static str {
///         "key-value"
///     }
///     fn client(&self) -> Client {
///         Client::named("key-value")
///     }
///     fn detect(&self, path: &Path, _head: &[u8]) -> Option<Confidence> {
///         (path.extension()? == "kv").then_some(Confidence::Name)
///     }
///     fn parse(&self, root: FileId, sources: &mut Sources, _: &ParseOptions) -> ParsedUnit {
///         let text = sources.get(root).text();
///         let (mut host, mut port) = (None, None);
///         let mut offset = 0;
///         for line in text.split_inclusive('\n') {
///             if let Some((key, value)) = line.trim_end().split_once(" = ") {
///                 let start = offset + key.len() + 3;
///                 let span = Span::new(root, start, start + value.len());
///                 match key {
///                     "host" => host = Some(Located::explicit(HostName::new(value), span)),
///                     "port" => port = value.parse().ok().map(|p| Located::explicit(p, span)),
///                     _ => {}
///                 }
///             }
///             offset += line.len();
///         }
///         let whole = Span::new(root, 0, text.len());
///         let endpoint = Endpoint {
///             protocol: Protocol::Imap,
///             host,
///             port,
///             security: Located::default(Security::ImplicitTls, whole, "always TLS"),
///             auth: Located::default(AuthMethod::Oauth2, whole, "always OAuth2"),
///             username: None,
///             certificate_verification_disabled: None,
///             secrets: Vec::new(),
///             tls_versions: Vec::new(),
///             span: whole,
///             locator: "main".to_owned(),
///         };
///         let account = Account {
///             client: self.client(),
///             name: "main".to_owned(),
///             email: None,
///             span: whole,
///             endpoints: vec![endpoint],
///         };
///         ParsedUnit { accounts: vec![account], ..ParsedUnit::default() }
///     }
///     fn lower(
///         &self,
///         unit: &ParsedUnit,
///         _sources: &Sources,
///         account: usize,
///         endpoint: usize,
///         changes: &[FieldChange],
///     ) -> Result<Vec<Edit>, LowerError> {
///         let endpoint = &unit.accounts[account].endpoints[endpoint];
///         changes
///             .iter()
///             .map(|change| match (change, &endpoint.port) {
///                 (FieldChange::Port(p), Some(port)) => Ok(Edit::replace(port.span, p.to_string())),
///                 _ => Err(LowerError(format!("cannot write {change:?} here"))),
///             })
///             .collect()
///     }
/// }
///
/// let mut parsers = ParserRegistry::new();
/// parsers.register(std::sync::Arc::new(KeyValueParser));
/// let parser = parsers.detect(Path::new("work.kv"), b"").expect("detected by extension");
///
/// let mut sources = Sources::new();
/// let root = sources.add(SourceFile::from_text("work.kv", "host = imap.example.net\nport = 143\n"));
/// let unit = parser.parse(root, &mut sources, &ParseOptions::default());
/// let port = unit.accounts[0].endpoints[0].port.as_ref().unwrap();
/// assert_eq!((port.value, sources.slice(port.span)), (143, "143"));
///
/// let edits = parser.lower(&unit, &sources, 0, 0, &[FieldChange::Port(993)]).unwrap();
/// assert_eq!((sources.slice(edits[0].span), edits[0].content.as_str()), ("143", "993"));
/// ```
pub trait Parser: Send + Sync {
    /// Stable name, e.g. `thunderbird`.
    fn name(&self) -> &'static str;

    /// The client whose files this parser reads.
    fn client(&self) -> Client;

    /// The client a unit it parsed belongs to: [`client`](Self::client), unless the parse
    /// told otherwise (a profile in Thunderbird's folders that Betterbird last opened).
    /// Reports name this client.
    fn unit_client(&self, unit: &ParsedUnit) -> Client {
        let _ = unit;
        self.client()
    }

    /// Whether this parser reads the file at `path`, judged by its name and its first bytes.
    fn detect(&self, path: &Path, head: &[u8]) -> Option<Confidence>;

    /// The most confident answer [`detect`](Self::detect) ever gives. The registry does not
    /// ask a parser that could not outrank the one it has already found: a `prefs.js` that
    /// Thunderbird's parser knows by name is not sniffed by every parser after it (content
    /// tests are most of the cost of detection). Saying more than `detect` gives only costs
    /// time; saying less would change which parser reads a file.
    fn highest_confidence(&self) -> Confidence {
        Confidence::Path
    }

    /// The file that roots the unit `path` belongs to. A unit is parsed once even when several
    /// of its files are given (`user.js` is parsed with the `prefs.js` beside it).
    fn unit_root(&self, path: &Path) -> PathBuf {
        path.to_path_buf()
    }

    /// Parses the unit rooted at `root` (already in `sources`).
    fn parse(&self, root: FileId, sources: &mut Sources, options: &ParseOptions) -> ParsedUnit;

    /// Turns field changes on one endpoint into edits on this format's text.
    fn lower(
        &self,
        unit: &ParsedUnit,
        sources: &Sources,
        account: usize,
        endpoint: usize,
        changes: &[FieldChange],
    ) -> Result<Vec<Edit>, LowerError>;

    /// The strings that start a comment in this format (`#`, `//`, `;`, `<!--`). Inline
    /// suppressions (`# maillint: ignore[rule]`) are recognised only after one of them.
    fn comment_leaders(&self) -> &'static [&'static str] {
        &["#"]
    }

    /// Rules this parser reports itself (beyond the core's `parse-error`), so they can be
    /// listed, selected and documented.
    fn rules(&self) -> Vec<Arc<RuleMeta>> {
        Vec::new()
    }
}

/// The parsers maillint knows, in priority order, and the clients they belong to.
///
/// Detection asks every parser; the most confident answer wins, and on a tie the parser
/// registered first.
///
/// ```
/// use std::path::Path;
/// use std::sync::Arc;
/// use maillint_core::{
///     Client, Confidence, Edit, FieldChange, FileId, LowerError, ParseOptions, ParsedUnit,
///     Parser, ParserRegistry, Sources,
/// };
///
/// /// Claims files by name or by content, with the given confidence.
/// struct Claims(&'static str, Confidence);
///
/// impl Parser for Claims {
///     fn name(&self) -> &'static str { self.0 }
///     fn client(&self) -> Client { Client::named(self.0) }
///     fn detect(&self, _: &Path, _: &[u8]) -> Option<Confidence> { Some(self.1) }
///     fn parse(&self, _: FileId, _: &mut Sources, _: &ParseOptions) -> ParsedUnit {
///         ParsedUnit::default()
///     }
///     fn lower(&self, _: &ParsedUnit, _: &Sources, _: usize, _: usize, _: &[FieldChange])
///         -> Result<Vec<Edit>, LowerError> { Ok(Vec::new()) }
/// }
///
/// let mut parsers = ParserRegistry::new();
/// parsers.register(Arc::new(Claims("by-content", Confidence::Content)));
/// parsers.register(Arc::new(Claims("by-name", Confidence::Name)));
/// // A file name is a stronger sign than content.
/// assert_eq!(parsers.detect(Path::new("x"), b"").unwrap().name(), "by-name");
/// assert!(parsers.get("by-content").is_some());
/// ```
#[derive(Default, Clone)]
pub struct ParserRegistry {
    parsers: Vec<Arc<dyn Parser>>,
    clients: Vec<Arc<dyn ClientSupport>>,
}

impl ParserRegistry {
    /// An empty registry.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a parser.
    pub fn register(&mut self, parser: Arc<dyn Parser>) {
        self.parsers.push(parser);
    }

    /// Adds a client: its parsers (after those already registered) and its locations, which
    /// `maillint scan` looks at. This is the one line that adds a client crate to maillint.
    pub fn register_client(&mut self, client: Arc<dyn ClientSupport>) {
        self.parsers.extend(client.parsers());
        self.clients.push(client);
    }

    /// Adds a client's locations and advice without its parsers: for a parser plugin, whose
    /// parser is registered on its own, and for tests that stand other parsers in.
    pub fn register_client_only(&mut self, client: Arc<dyn ClientSupport>) {
        self.clients.push(client);
    }

    /// The registered clients, in registration order.
    pub fn clients(&self) -> impl Iterator<Item = &Arc<dyn ClientSupport>> {
        self.clients.iter()
    }

    /// All parsers.
    pub fn iter(&self) -> impl Iterator<Item = &Arc<dyn Parser>> {
        self.parsers.iter()
    }

    /// The parser for a file: the most confident one, the first registered on a tie.
    pub fn detect(&self, path: &Path, head: &[u8]) -> Option<&Arc<dyn Parser>> {
        let mut best: Option<(Confidence, &Arc<dyn Parser>)> = None;
        for parser in &self.parsers {
            // A parser whose best answer would only tie is not asked (see
            // `Parser::highest_confidence`): the first registered wins a tie.
            if best.is_some_and(|(b, _)| parser.highest_confidence() <= b) {
                continue;
            }
            if let Some(confidence) = parser.detect(path, head)
                && best.is_none_or(|(b, _)| confidence > b)
            {
                best = Some((confidence, parser));
            }
        }
        best.map(|(_, p)| p)
    }

    /// A parser by name.
    pub fn get(&self, name: &str) -> Option<&Arc<dyn Parser>> {
        self.parsers.iter().find(|p| p.name() == name)
    }
}

/// An ASCII text to look for anywhere in the head of a file. A content test that needs some
/// ASCII text in the head can rule out most files with this first: one vectorised search
/// instead of a pass over the head's lines. The answer is the same on the raw bytes as on
/// [`head_text`], which keeps every ASCII byte where it is.
///
/// The needle is a `static` known when compiling, and its searcher is built once per process
/// rather than once per file: [`Parser::detect`] runs on every file a walk meets, and building
/// a `memmem` searcher (its rare-byte ranking and vector prefilter) cost about as much as
/// searching a 1 KiB head. For the same reason any other search for a fixed text that runs
/// per file or per value uses one (suppression markers, the `://` of URL passwords).
///
/// ```
/// use maillint_core::parser::HeadNeedle;
/// static SECTION: HeadNeedle = HeadNeedle::new("[Data Source]");
/// assert!(SECTION.is_in(b"# x\n[Data Source]\nName=Work\n"));
/// assert!(!SECTION.is_in(b"[data source]"));
/// ```
pub struct HeadNeedle {
    text: &'static str,
    finder: std::sync::OnceLock<memchr::memmem::Finder<'static>>,
}

impl HeadNeedle {
    /// A needle for `text`, an ASCII text; its searcher is built on first use.
    pub const fn new(text: &'static str) -> Self {
        Self { text, finder: std::sync::OnceLock::new() }
    }

    /// Whether `head` holds the text anywhere.
    pub fn is_in(&self, head: &[u8]) -> bool {
        self.find(head).is_some()
    }

    /// Where the text first occurs in `haystack`.
    pub fn find(&self, haystack: &[u8]) -> Option<usize> {
        debug_assert!(self.text.is_ascii());
        let finder = self.finder.get_or_init(|| memchr::memmem::Finder::new(self.text.as_bytes()));
        finder.find(haystack)
    }
}

/// [`Path::file_name`] for detection, which asks for the name of every file a walk meets, once
/// per parser: the bytes after the last `/` when they are a plain name (not empty, `.` or `..`),
/// found with one backward byte search, where `Path` parses the path into components (about
/// 150 instructions a call, 3% of a `check` of a tree). Any other path goes to `Path` itself.
pub fn file_name(path: &Path) -> Option<&std::ffi::OsStr> {
    match folders_and_name(path) {
        Some((_, name)) => Some(name),
        None => path.file_name(),
    }
}

/// A path split at its last `/` into the bytes of its folders and its name, when the name is a
/// plain one (not empty, `.` or `..`); `None` otherwise, and where paths are not bytes. The
/// folders split at each `/` give `Path`'s components plus empty and `.` pieces, without
/// parsing them.
pub fn folders_and_name(path: &Path) -> Option<(&[u8], &std::ffi::OsStr)> {
    #[cfg(unix)]
    {
        use std::os::unix::ffi::OsStrExt;
        let bytes = path.as_os_str().as_bytes();
        let slash = memchr::memrchr(b'/', bytes);
        let name = &bytes[slash.map_or(0, |slash| slash + 1)..];
        (!matches!(name, b"" | b"." | b".."))
            .then(|| (&bytes[..slash.unwrap_or(0)], std::ffi::OsStr::from_bytes(name)))
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        None
    }
}

/// [`Path::extension`] through [`file_name`]: what follows the last `.` of the name, unless the
/// name has no `.` or only a leading one (`.muttrc`).
#[cfg(unix)]
pub fn extension(path: &Path) -> Option<&std::ffi::OsStr> {
    use std::os::unix::ffi::OsStrExt;
    let name = file_name(path)?.as_bytes();
    let dot = memchr::memrchr(b'.', name)?;
    (dot > 0).then(|| std::ffi::OsStr::from_bytes(&name[dot + 1..]))
}

/// [`Path::extension`] itself where paths are not bytes.
#[cfg(not(unix))]
pub fn extension(path: &Path) -> Option<&std::ffi::OsStr> {
    path.extension()
}

/// The first bytes of a file as text, for a [`Parser::detect`] that looks at content. Borrowed
/// when they are UTF-8 (a character cut off by the end of the head is left out), decoded
/// lossily otherwise. Detection runs on every file a walk meets, so the common case must not
/// allocate: `std::str::from_utf8` checks ASCII a word at a time, where the lossy decoder goes
/// byte by byte.
pub fn head_text(head: &[u8]) -> std::borrow::Cow<'_, str> {
    match std::str::from_utf8(head) {
        Ok(text) => text.into(),
        Err(error) if error.error_len().is_none() => {
            // Only the last character is incomplete: the head ended inside it.
            std::str::from_utf8(&head[..error.valid_up_to()]).unwrap_or_default().into()
        }
        Err(_) => String::from_utf8_lossy(head),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::borrow::Cow;

    #[test]
    fn file_name_and_extension_are_paths_own() {
        for path in [
            "/home/ann/.muttrc",
            "/home/ann/prefs.js",
            "prefs.js",
            "a/b.tar.gz",
            "a/b.",
            "a/.b.c",
            "a/..",
            "a/.",
            "a/",
            "a//b",
            "/",
            "",
            ".",
            "..",
            "./x.reg",
            "x/./",
            "no-extension",
            "a.b/c",
            "/tmp/é.PRF",
        ] {
            let path = Path::new(path);
            assert_eq!(file_name(path), path.file_name(), "{path:?}");
            assert_eq!(extension(path), path.extension(), "{path:?}");
        }
    }

    #[test]
    fn head_text_borrows_utf8_and_drops_only_a_cut_last_character() {
        assert!(matches!(head_text(b"set x=1\n"), Cow::Borrowed("set x=1\n")));
        // "é" is two bytes; this head ends after the first.
        assert!(matches!(head_text(b"caf\xC3"), Cow::Borrowed("caf")));
        assert_eq!(head_text(b"a\xFFb"), "a\u{FFFD}b");
    }
}
