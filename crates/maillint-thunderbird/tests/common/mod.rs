//! Helpers shared by the integration tests: real profile folders in temporary directories,
//! parsing them through the `Parser` trait, applying edits, and a compact text summary of
//! what the parser produced.

#![allow(dead_code)] // each test file uses a different subset

use std::collections::BTreeMap;
use std::path::Path;

use maillint_core::fix::apply_edits;
use maillint_core::{
    Account, Edit, Endpoint, FieldChange, FileId, Located, LowerError, Origin, ParseOptions,
    ParsedUnit, Parser, Sources, Span,
};
use maillint_thunderbird::ThunderbirdParser;

/// A profile folder with the given files.
pub struct ProfileDir {
    pub dir: tempfile::TempDir,
}

impl ProfileDir {
    pub fn new(files: &[(&str, &str)]) -> Self {
        let dir = tempfile::tempdir().expect("temporary directory");
        for (name, text) in files {
            std::fs::write(dir.path().join(name), text).expect("write profile file");
        }
        Self { dir }
    }

    pub fn path(&self, name: &str) -> std::path::PathBuf {
        self.dir.path().join(name)
    }

    /// Parses the unit the way the engine does: the unit root of `entry`, loaded into fresh
    /// sources, then `parse`.
    pub fn parse(&self, entry: &str) -> Parsed {
        parse_file(&self.path(entry))
    }
}

/// A parsed unit with its sources.
pub struct Parsed {
    pub sources: Sources,
    pub unit: ParsedUnit,
}

pub fn parse_file(path: &Path) -> Parsed {
    let parser = ThunderbirdParser;
    let root_path = parser.unit_root(path);
    let mut sources = Sources::new();
    let root = sources.load(&root_path).expect("read root");
    let unit = parser.parse(root, &mut sources, &ParseOptions::default());
    Parsed { sources, unit }
}

impl Parsed {
    pub fn account(&self, name_prefix: &str) -> &Account {
        self.unit
            .accounts
            .iter()
            .find(|a| a.name.starts_with(name_prefix))
            .unwrap_or_else(|| panic!("no account {name_prefix}: {}", self.summary()))
    }

    pub fn endpoint(&self, locator: &str) -> (usize, usize, &Endpoint) {
        for (a, account) in self.unit.accounts.iter().enumerate() {
            for (e, endpoint) in account.endpoints.iter().enumerate() {
                if endpoint.locator == locator {
                    return (a, e, endpoint);
                }
            }
        }
        panic!("no endpoint {locator}: {}", self.summary())
    }

    pub fn file_name(&self, id: FileId) -> String {
        self.sources
            .get(id)
            .path()
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    }

    /// `file:line:column` of a span's start.
    pub fn at(&self, span: Span) -> String {
        let start = self.sources.start(span);
        format!("{}:{}:{}", self.file_name(span.file), start.line, start.column)
    }

    pub fn text(&self, span: Span) -> &str {
        self.sources.slice(span)
    }

    pub fn lower(&self, locator: &str, changes: &[FieldChange]) -> Result<Vec<Edit>, LowerError> {
        let (account, endpoint, _) = self.endpoint(locator);
        ThunderbirdParser.lower(&self.unit, &self.sources, account, endpoint, changes)
    }

    /// The text of every file after applying `edits`, by file name.
    pub fn apply(&self, edits: &[Edit]) -> BTreeMap<String, String> {
        let mut by_file: BTreeMap<FileId, Vec<(maillint_core::TextRange, &str)>> = BTreeMap::new();
        for edit in edits {
            by_file
                .entry(edit.span.file)
                .or_default()
                .push((edit.span.range, edit.content.as_str()));
        }
        let mut out = BTreeMap::new();
        for (id, file) in self.sources.iter() {
            let edits = by_file.remove(&id).unwrap_or_default();
            let text = apply_edits(file.text(), &edits).expect("edits do not overlap");
            out.insert(self.file_name(id), text);
        }
        out
    }

    /// One line per account and endpoint: values with where they came from.
    pub fn summary(&self) -> String {
        let mut out = String::new();
        for account in &self.unit.accounts {
            out.push_str(&format!("account {}", account.name));
            if let Some(email) = &account.email {
                out.push_str(&format!(" email={}", email.value));
            }
            out.push('\n');
            for endpoint in &account.endpoints {
                out.push_str(&format!("  {}\n", self.endpoint_line(endpoint)));
            }
        }
        out
    }

    pub fn endpoint_line(&self, endpoint: &Endpoint) -> String {
        format!(
            "{} {} host={} port={} security={} auth={} user={}",
            endpoint.locator,
            endpoint.protocol.as_str(),
            self.located(endpoint.host.as_ref()),
            self.located(endpoint.port.as_ref()),
            self.located(Some(&endpoint.security)),
            self.located(Some(&endpoint.auth)),
            self.located(endpoint.username.as_ref()),
        )
    }

    fn located<T: std::fmt::Display>(&self, value: Option<&Located<T>>) -> String {
        match value {
            None => "-".into(),
            Some(located) => {
                format!("{}({} {})", located.value, origin(&located.origin), self.at(located.span))
            }
        }
    }
}

pub fn origin(origin: &Origin) -> &'static str {
    match origin {
        Origin::Explicit => "explicit",
        Origin::Default { .. } => "default",
        Origin::Derived { .. } => "derived",
    }
}

/// The edited text must equal the original with `inserted` placed at `at` (the first
/// occurrence of `before` in the original), nothing else changed.
pub fn assert_inserted(original: &str, edited: &str, before: &str, inserted: &str) {
    let at = original.find(before).unwrap_or_else(|| panic!("{before:?} not in original"));
    let expected = format!("{}{}{}", &original[..at], inserted, &original[at..]);
    assert_eq!(edited, expected);
}
