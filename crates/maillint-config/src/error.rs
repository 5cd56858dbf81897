//! Configuration errors with the file, line, column and key at fault, as a person fixing the
//! file needs them: `maillint.toml:4:10: severity.tls-disabled: unknown variant `warn`, ...`.

use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

/// An invalid configuration. The CLI prints it and exits with 2.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfigError {
    /// The file at fault (the configuration file, or a provider file it names).
    pub path: PathBuf,
    /// 1-based line, when known.
    pub line: Option<usize>,
    /// 1-based column in characters, when known.
    pub column: Option<usize>,
    /// The key at fault (`select`, `severity.tls-disabled`), when known.
    pub field: Option<String>,
    /// What is wrong.
    pub message: String,
}

impl ConfigError {
    /// An error about the whole file (it cannot be read, ...).
    pub fn file(path: &Path, message: impl Into<String>) -> Self {
        Self {
            path: path.to_path_buf(),
            line: None,
            column: None,
            field: None,
            message: message.into(),
        }
    }

    /// An error at a byte range of `text`, the content of `path`.
    pub fn at(
        path: &Path,
        text: &str,
        span: Option<Range<usize>>,
        message: impl Into<String>,
    ) -> Self {
        let mut error = Self::file(path, message);
        if let Some(span) = span {
            let (line, column) = line_column(text, span.start);
            error.line = Some(line);
            error.column = Some(column);
            error.field = field_at(text, span.start);
        }
        error
    }
}

impl ConfigError {
    /// An error toml raised while reading `text`, the content of `path`, where
    /// [`maillint_core::locate_toml_error`] found it, saying `message` (toml's own, perhaps
    /// extended).
    pub fn toml(
        path: &Path,
        text: &str,
        at: &maillint_core::TomlErrorAt,
        message: impl Into<String>,
    ) -> Self {
        let mut error = Self::file(path, message);
        error.line = at.line;
        error.column = at.column;
        error.field = at.offset.and_then(|offset| field_at(text, offset));
        error
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.path.display())?;
        if let (Some(line), Some(column)) = (self.line, self.column) {
            write!(f, ":{line}:{column}")?;
        }
        if let Some(field) = &self.field {
            write!(f, ": {field}")?;
        }
        write!(f, ": {}", self.message)
    }
}

impl std::error::Error for ConfigError {}

/// 1-based line and column (in characters) of a byte offset: core's one function for it.
pub use maillint_core::source::line_column;

/// The dotted key whose line holds `offset`: the last table header above it (`[severity]`)
/// joined with the key on the line (`tls-disabled = ...`), as far as a line scan can tell.
/// Values spread over several lines (a multi-line array) are attributed to the key on their
/// first line.
pub fn field_at(text: &str, offset: usize) -> Option<String> {
    let offset = offset.min(text.len());
    let mut table: Option<String> = None;
    let mut key: Option<String> = None;
    let mut position = 0;
    for line in text.split_inclusive('\n') {
        if position > offset {
            break;
        }
        let trimmed = line.trim();
        if trimmed.starts_with('[') {
            let name = trimmed.trim_start_matches('[').split(']').next().unwrap_or("").trim();
            table = Some(unquote(name));
            key = None;
        } else if let Some((name, _)) = trimmed.split_once('=')
            && !trimmed.starts_with('#')
            && !name.trim().is_empty()
            && is_key(name.trim())
        {
            key = Some(unquote(name.trim()));
        }
        position += line.len();
    }
    match (table, key) {
        (Some(t), Some(k)) => Some(format!("{t}.{k}")),
        (Some(t), None) => Some(t),
        (None, k) => k,
    }
}

/// Whether the text before `=` looks like a TOML key (bare or quoted), not part of a value.
fn is_key(text: &str) -> bool {
    let quoted = (text.starts_with('"') && text.ends_with('"') && text.len() >= 2)
        || (text.starts_with('\'') && text.ends_with('\'') && text.len() >= 2);
    quoted || text.chars().all(|c| c.is_ascii_alphanumeric() || "-_.".contains(c))
}

fn unquote(key: &str) -> String {
    key.trim_matches('"').trim_matches('\'').to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_and_fields() {
        let text = "select = [\"a\"]\n\n[severity]\n\"tls-disabled\" = \"warn\"\n";
        let offset = text.find("\"warn\"").unwrap();
        assert_eq!(line_column(text, offset), (4, 18));
        assert_eq!(field_at(text, offset).as_deref(), Some("severity.tls-disabled"));
        assert_eq!(field_at(text, 3).as_deref(), Some("select"));
        let error = ConfigError::at(Path::new("m.toml"), text, Some(offset..offset + 6), "bad");
        assert_eq!(error.to_string(), "m.toml:4:18: severity.tls-disabled: bad");
    }
}
