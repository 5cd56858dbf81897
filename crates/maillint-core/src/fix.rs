//! Fixes: text edits with an applicability, and the field changes rules ask for.
//!
//! Rules never write text. They ask for [`FieldChange`]s on an endpoint ("host becomes
//! `imap.gmail.com`, port 993, implicit TLS"); the parser that produced the endpoint lowers them
//! into [`Edit`]s on its own format, at the spans it recorded. A [`Fix`] is the lowered result.
//! [`apply_edits`] applies non-overlapping edits to a text and leaves every other byte alone.

use serde::{Deserialize, Serialize};

use crate::model::{AuthMethod, Security, TlsVersion};
use crate::span::{Span, TextRange};

/// When a fix may be applied (ruff's three tiers).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Applicability {
    /// Shown, never applied: the right change needs a person (a secret, a choice).
    DisplayOnly,
    /// Applied with `--unsafe-fixes`: correct, but may change behaviour the user relies on
    /// (switching to OAuth2, replacing a look-alike host).
    Unsafe,
    /// Applied with `--fix`: keeps the account working and makes it correct.
    Safe,
}

impl Applicability {
    /// Kebab-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Applicability::DisplayOnly => "display-only",
            Applicability::Unsafe => "unsafe",
            Applicability::Safe => "safe",
        }
    }
}

/// Replace the text at `span` with `content` (an empty span inserts).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Edit {
    /// What to replace.
    pub span: Span,
    /// The new text.
    pub content: String,
}

impl Edit {
    /// Replaces `span` with `content`.
    pub fn replace(span: Span, content: impl Into<String>) -> Self {
        Self { span, content: content.into() }
    }

    /// Inserts `content` at the start of `span`.
    pub fn insert(at: Span, content: impl Into<String>) -> Self {
        Self {
            span: Span { file: at.file, range: TextRange::empty(at.range.start as usize) },
            content: content.into(),
        }
    }

    /// Deletes `span`.
    pub fn delete(span: Span) -> Self {
        Self { span, content: String::new() }
    }
}

/// A fix attached to a diagnostic.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Fix {
    /// What the fix does, in words ("Use imap.gmail.com on port 993 with SSL/TLS").
    pub title: String,
    /// Whether `--fix` may apply it.
    pub applicability: Applicability,
    /// The edits; empty for a display-only fix that only describes the change.
    pub edits: Vec<Edit>,
}

/// A change to one field of an endpoint, as a rule asks for it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "field", content = "value", rename_all = "kebab-case")]
pub enum FieldChange {
    /// Set the host name.
    Host(String),
    /// Set the port.
    Port(u16),
    /// Set the transport security.
    Security(Security),
    /// Set the authentication method.
    Auth(AuthMethod),
    /// Turn certificate verification back on.
    EnableCertificateVerification,
    /// Stop allowing a TLS version.
    DisableTlsVersion(TlsVersion),
}

/// What a rule proposes; the engine lowers it into a [`Fix`].
#[derive(Clone, Debug)]
pub struct ProposedFix {
    /// What the fix does, in words.
    pub title: String,
    /// Whether `--fix` may apply it.
    pub applicability: Applicability,
    /// The change itself.
    pub action: FixAction,
}

/// The change a [`ProposedFix`] makes.
#[derive(Clone, Debug)]
pub enum FixAction {
    /// Change fields of one endpoint; the owning parser turns them into edits.
    Fields {
        /// Index of the account in the unit.
        account: usize,
        /// Index of the endpoint in the account.
        endpoint: usize,
        /// The changes, applied together.
        changes: Vec<FieldChange>,
    },
    /// Edits already in text form (e.g. removing a stale suppression comment).
    Edits(Vec<Edit>),
    /// Nothing to apply: the title describes what a person should do.
    Describe,
}

/// Two edits that touch the same text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OverlappingEdits {
    /// The first edit's range.
    pub first: TextRange,
    /// The range that overlaps it.
    pub second: TextRange,
}

/// Applies edits (ranges into `text`) and returns the new text. Every byte outside the edited
/// ranges is copied unchanged. Overlapping edits are refused.
pub fn apply_edits(text: &str, edits: &[(TextRange, &str)]) -> Result<String, OverlappingEdits> {
    let mut sorted: Vec<&(TextRange, &str)> = edits.iter().collect();
    sorted.sort_by_key(|(range, _)| (range.start, range.end));
    for pair in sorted.windows(2) {
        if pair[0].0.overlaps(&pair[1].0) {
            return Err(OverlappingEdits { first: pair[0].0, second: pair[1].0 });
        }
    }
    let extra: usize = sorted.iter().map(|(_, c)| c.len()).sum();
    let mut out = String::with_capacity(text.len() + extra);
    let mut cursor = 0usize;
    for (range, content) in sorted {
        out.push_str(&text[cursor..range.start as usize]);
        out.push_str(content);
        cursor = range.end as usize;
    }
    out.push_str(&text[cursor..]);
    Ok(out)
}

/// Joins insertions at one point of one file into one edit, in the order given, and keeps every
/// other edit: two changes of one fix may both land at one point (a value at the end of a file,
/// then a new group), and two insertions at one point would make the fix conflict with itself.
pub fn merge_insertions(edits: impl IntoIterator<Item = Edit>) -> Vec<Edit> {
    let mut merged: Vec<Edit> = Vec::new();
    for edit in edits {
        let same_point = |e: &&mut Edit| e.span.range.is_empty() && e.span == edit.span;
        match merged.iter_mut().find(same_point) {
            Some(earlier) if edit.span.range.is_empty() => earlier.content.push_str(&edit.content),
            _ => merged.push(edit),
        }
    }
    merged
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edits_apply_in_any_order_and_keep_other_bytes() {
        let text = "a=1\r\nb=2\r\n";
        let out =
            apply_edits(text, &[(TextRange::new(7, 8), "3"), (TextRange::new(2, 3), "9")]).unwrap();
        assert_eq!(out, "a=9\r\nb=3\r\n");
    }

    #[test]
    fn overlapping_edits_are_refused() {
        let err =
            apply_edits("abcdef", &[(TextRange::new(0, 3), "x"), (TextRange::new(2, 4), "y")]);
        assert!(err.is_err());
        let two_inserts =
            apply_edits("abc", &[(TextRange::empty(1), "x"), (TextRange::empty(1), "y")]);
        assert!(two_inserts.is_err());
        let adjacent =
            apply_edits("abc", &[(TextRange::new(0, 1), "x"), (TextRange::new(1, 2), "y")]);
        assert_eq!(adjacent.unwrap(), "xyc");
    }
}
