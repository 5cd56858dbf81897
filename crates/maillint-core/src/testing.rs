//! For the workspace's tests, not for production code: one rule for a test that needs
//! something this machine may lack (the shared corpus, a program such as neomutt).
//!
//! On a developer's machine such a test says `SKIPPED: <why>` on standard error and returns;
//! under CI (the `CI` environment variable set, as `.ci/run` does) it fails instead, so that
//! no test passes silently where it must run.

use std::path::{Path, PathBuf};

use crate::model::{Located, Origin};
use crate::{ParseOptions, ParsedUnit, Parser, SourceFile, Sources, Span};

/// Reports that a test cannot run here: panics under CI, else prints `SKIPPED: {why}`.
#[allow(clippy::print_stderr)] // the loud notice is the point
pub fn skip(why: &str) {
    if std::env::var_os("CI").is_some() {
        panic!("CI must run this test, but {why}");
    }
    eprintln!("SKIPPED: {why}");
}

/// Advances a xorshift64 generator (shifts 13, 7, 17) and returns its new state: the fixed,
/// seeded source of the cases that property-style tests generate, so that a failure
/// reproduces at every run.
pub fn xorshift(state: &mut u64) -> u64 {
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    *state
}

/// `count` of `pieces`, each picked by the next [`xorshift`] state, joined: the generated
/// names and texts of the property-style tests that build cases from fragments.
pub fn joined_pieces(state: &mut u64, pieces: &[&str], count: usize) -> String {
    let mut joined = String::new();
    for _ in 0..count {
        joined.push_str(pieces[(xorshift(state) % pieces.len() as u64) as usize]);
    }
    joined
}

/// The shared corpus folder `part` (e.g. `muttrc`), which sits beside the repository
/// (`<repository>/../shared/corpus`); `manifest_dir` is the test crate's
/// `CARGO_MANIFEST_DIR`, whose repository is found by its `Cargo.lock`. `None` after
/// [`skip`] when the folder is absent.
pub fn corpus_dir(manifest_dir: &str, part: &str) -> Option<PathBuf> {
    let repository = Path::new(manifest_dir)
        .ancestors()
        .find(|dir| dir.join("Cargo.lock").is_file())
        .unwrap_or(Path::new(manifest_dir));
    let dir = repository.join("../shared/corpus").join(part);
    if dir.is_dir() {
        return Some(dir);
    }
    skip(&format!("the corpus folder {} is missing", dir.display()));
    None
}

/// What a parser made of a unit, as text for a snapshot: the diagnostics with line:column,
/// the number of secrets, and every account's endpoints with each value, where it is and
/// where it came from (explicit, default or derived, with the reason).
pub fn describe_unit(sources: &Sources, unit: &ParsedUnit) -> String {
    let mut out = String::new();
    for d in &unit.diagnostics {
        let at = place(sources, d.span);
        out.push_str(&format!("{at} {} {}: {}\n", d.severity, d.rule.name, d.message));
    }
    out.push_str(&format!("secrets: {}\n", unit.secrets.len()));
    for account in &unit.accounts {
        out.push_str(&format!("account {}\n", account.name));
        if let Some(email) = &account.email {
            out.push_str(&format!("  {}\n", located(sources, "email", email)));
        }
        for e in &account.endpoints {
            out.push_str(&format!("  {} {}\n", e.protocol, e.locator));
            let mut lines: Vec<String> = Vec::new();
            lines.extend(e.host.as_ref().map(|h| located(sources, "host", h)));
            lines.extend(e.port.as_ref().map(|p| located(sources, "port", p)));
            lines.push(located(sources, "security", &e.security));
            lines.push(located(sources, "auth", &e.auth));
            lines.extend(e.username.as_ref().map(|u| located(sources, "user", u)));
            lines.extend(
                e.certificate_verification_disabled
                    .as_ref()
                    .map(|c| located(sources, "certificate-checks-off", c)),
            );
            for s in &e.secrets {
                lines.push(format!("secret {} @ {}", s.setting, place(sources, s.span)));
            }
            for v in &e.tls_versions {
                let name = v.value.display_name();
                lines.push(format!("tls-version {name} @ {}", place(sources, v.span)));
            }
            for line in lines {
                out.push_str(&format!("    {line}\n"));
            }
        }
    }
    out
}

/// Every file under `dir`, sorted.
pub fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else { continue };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                out.push(path);
            }
        }
    }
    out.sort();
    out
}

/// Parses `text` with `parser` as a file at `path` (which need not exist).
pub fn parse_text(parser: &dyn Parser, path: &str, text: &str) -> (Sources, ParsedUnit) {
    let mut sources = Sources::new();
    let root = sources.add(SourceFile::from_text(path, text));
    let unit = parser.parse(root, &mut sources, &ParseOptions::default());
    (sources, unit)
}

/// Parses the file at `path` with `parser`, and checks that no diagnostic's message holds the
/// text of a secret the parser found (six characters or more: shorter ones match ordinary
/// words).
pub fn parse_file(parser: &dyn Parser, path: &Path) -> (Sources, ParsedUnit) {
    let mut sources = Sources::new();
    let root = sources.load(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let unit = parser.parse(root, &mut sources, &ParseOptions::default());
    for secret in &unit.secrets {
        let text = sources.slice(*secret);
        let shown = unit.diagnostics.iter().any(|d| d.message.contains(text));
        assert!(text.len() < 6 || !shown, "{}: a secret in a message", path.display());
    }
    (sources, unit)
}

/// Parses about a hundred cuts of the file at `path`, and a copy with `swaps` applied to
/// every character: the parser must not panic on any.
pub fn parse_cut_and_mangled(parser: &dyn Parser, path: &Path, swaps: &[(char, char)]) {
    let text = String::from_utf8_lossy(&std::fs::read(path).unwrap()).into_owned();
    let step = (text.len() / 97).max(1);
    for cut in (0..text.len()).step_by(step) {
        let cut = (0..=cut).rev().find(|&i| text.is_char_boundary(i)).unwrap_or(0);
        parse_text(parser, "/nonexistent/cut", &text[..cut]);
    }
    let swap = |c: char| swaps.iter().find(|(from, _)| *from == c).map_or(c, |(_, to)| *to);
    let mangled: String = text.chars().map(swap).collect();
    parse_text(parser, "/nonexistent/mangled", &mangled);
}

/// `line:column` of a span's start, after the file name when it is not the unit's first file.
fn place(sources: &Sources, span: Span) -> String {
    let start = sources.start(span);
    let file = match span.file.0 {
        0 => String::new(),
        _ => {
            let path = sources.get(span.file).path();
            format!("{}:", path.file_name().map(|n| n.to_string_lossy()).unwrap_or_default())
        }
    };
    format!("{file}{}:{}", start.line, start.column)
}

fn located<T: std::fmt::Display>(sources: &Sources, label: &str, value: &Located<T>) -> String {
    let origin = match &value.origin {
        Origin::Explicit => "explicit".to_owned(),
        Origin::Default { reason } => format!("default ({reason})"),
        Origin::Derived { reason } => format!("derived ({reason})"),
    };
    format!("{label} {} @ {} {origin}", value.value, place(sources, value.span))
}

/// A parser for tests of what runs around parsers (discovery, the stages): it claims a file
/// named `*.<extension>` by name and one whose head starts with `<extension>:` by content,
/// and parses every file into an empty unit.
pub struct ClaimingParser {
    /// The parser's name, its client's, and the extension it claims.
    pub extension: &'static str,
}

impl Parser for ClaimingParser {
    fn name(&self) -> &'static str {
        self.extension
    }
    fn client(&self) -> crate::Client {
        crate::Client::named(self.extension)
    }
    fn detect(&self, path: &Path, head: &[u8]) -> Option<crate::Confidence> {
        if path.extension().is_some_and(|e| e == self.extension) {
            return Some(crate::Confidence::Name);
        }
        let marked =
            head.strip_prefix(self.extension.as_bytes()).is_some_and(|r| r.starts_with(b":"));
        marked.then_some(crate::Confidence::Content)
    }
    fn parse(&self, _: crate::FileId, _: &mut Sources, _: &ParseOptions) -> ParsedUnit {
        ParsedUnit::default()
    }
    fn lower(
        &self,
        _: &ParsedUnit,
        _: &Sources,
        _: usize,
        _: usize,
        _: &[crate::FieldChange],
    ) -> Result<Vec<crate::Edit>, crate::LowerError> {
        Ok(Vec::new())
    }
}

#[cfg(test)]
mod tests {
    use std::panic::catch_unwind;

    use super::*;

    #[test]
    fn a_missing_corpus_skips_here_and_fails_under_ci() {
        let missing = || corpus_dir("/nonexistent/maillint/crates/x", "muttrc");
        if std::env::var_os("CI").is_some() {
            assert!(catch_unwind(missing).is_err(), "under CI a missing corpus must fail");
        } else {
            assert_eq!(missing(), None);
        }
        let here = corpus_dir(env!("CARGO_MANIFEST_DIR"), ".");
        if let Some(dir) = here {
            assert!(dir.ends_with("shared/corpus/."), "{}", dir.display());
        }
    }
}
