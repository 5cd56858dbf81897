//! Parsers: the [`Parser`] trait that turns a client's files into the account model, and the
//! registry that picks a parser for a file.
//!
//! The engine reads the unit's root file, adds it to [`Sources`] and calls [`Parser::parse`].
//! A parser may read more files (a profile's `user.js`, a muttrc's `source`d files) through the
//! same [`Sources`]. It returns the accounts, its own diagnostics (`parse-error`, ...), the spans of
//! every secret it saw (renderers redact them) and private state that [`Parser::lower`] uses
//! later to turn a rule's [`FieldChange`]s into text edits in its format.

use std::any::Any;
use std::path::{Path, PathBuf};
use std::sync::Arc;

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
}

/// What the parser gets besides the files.
#[derive(Clone, Debug, Default)]
pub struct ParseOptions {
    /// The home folder used to expand `~` (the scanned user's home in `maillint scan`; the
    /// process owner's environment is never read).
    pub home: Option<PathBuf>,
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
pub trait Parser: Send + Sync {
    /// Stable name, e.g. `thunderbird`.
    fn name(&self) -> &'static str;

    /// The client whose files this parser reads.
    fn client(&self) -> Client;

    /// Whether this parser reads the file at `path`, judged by its name and its first bytes.
    fn detect(&self, path: &Path, head: &[u8]) -> Option<Confidence>;

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

/// The parsers maillint knows, in priority order.
#[derive(Default, Clone)]
pub struct ParserRegistry {
    parsers: Vec<Arc<dyn Parser>>,
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

    /// All parsers.
    pub fn iter(&self) -> impl Iterator<Item = &Arc<dyn Parser>> {
        self.parsers.iter()
    }

    /// The parser for a file: the most confident one, the first registered on a tie.
    pub fn detect(&self, path: &Path, head: &[u8]) -> Option<&Arc<dyn Parser>> {
        let mut best: Option<(Confidence, &Arc<dyn Parser>)> = None;
        for parser in &self.parsers {
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
