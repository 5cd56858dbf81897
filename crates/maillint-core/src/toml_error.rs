//! One reading of a TOML error, for every TOML file maillint reads: `maillint.toml`, rule
//! packs, provider files (and the `[[plugin]]` tables inside `maillint.toml`).
//!
//! `toml::de::Error` renders itself over several lines with the source line quoted; maillint
//! reports `path:line:column: message` like every other error, so each loader needs the same
//! three things: the byte offset (to name the key there), the 1-based line and column (in
//! characters, [`line_column`]), and toml's own short message. [`locate_toml_error`] gives
//! them, so that no loader maps a `toml::de::Error` by itself.

use crate::source::line_column;

/// Where a TOML error is, and what it says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TomlErrorAt {
    /// The byte offset where the error starts, when toml knows it (a missing key in a table
    /// toml read whole has none).
    pub offset: Option<usize>,
    /// 1-based line of `offset`.
    pub line: Option<usize>,
    /// 1-based column of `offset`, in characters.
    pub column: Option<usize>,
    /// toml's message without the quoted source line and without trailing white space
    /// (`invalid type: string "x", expected u16`).
    pub message: String,
}

impl TomlErrorAt {
    /// `line:column`, for messages that name a position inside a file.
    pub fn position(&self) -> Option<(usize, usize)> {
        self.line.zip(self.column)
    }
}

/// Locates `error`, raised while reading `text`.
pub fn locate_toml_error(text: &str, error: &toml::de::Error) -> TomlErrorAt {
    let offset = error.span().map(|span| span.start);
    let (line, column) = match offset {
        Some(offset) => {
            let (line, column) = line_column(text, offset);
            (Some(line), Some(column))
        }
        None => (None, None),
    };
    TomlErrorAt { offset, line, column, message: error.message().trim_end().to_owned() }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code, reason = "the fields are only deserialised")]
    struct Probe {
        name: String,
        port: u16,
    }

    fn located(text: &str) -> TomlErrorAt {
        let error = toml::from_str::<Probe>(text).unwrap_err();
        locate_toml_error(text, &error)
    }

    #[test]
    fn an_error_has_the_line_and_column_of_its_value_in_characters() {
        let at = located("name = \"é\"\nport = 99999\n");
        assert_eq!(at.position(), Some((2, 8)));
        assert_eq!(at.offset, Some("name = \"é\"\nport = ".len()));
        assert!(at.message.contains("99999") || at.message.contains("u16"), "{}", at.message);
        assert_eq!(at.message, at.message.trim_end());
        assert!(!at.message.contains("port = 99999"), "no quoted source line: {}", at.message);
    }

    #[test]
    fn syntax_errors_and_unknown_keys_are_located_too() {
        let at = located("name = \"a\"\nport = 1\n[table\n");
        assert_eq!(at.line, Some(3));
        let at = located("name = \"a\"\nport = 1\nhots = 2\n");
        assert_eq!(at.position(), Some((3, 1)));
        assert!(at.message.starts_with("unknown field `hots`"), "{}", at.message);
    }

    #[test]
    fn a_missing_key_is_named() {
        let at = located("name = \"a\"\n");
        assert!(at.message.contains("missing field `port`"), "{}", at.message);
        assert_eq!(at.message, at.message.trim_end());
    }
}
