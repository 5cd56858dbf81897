//! The TOML document with the byte span of every key and value: toml's [`DeTable`], parsed with
//! recovery so that one bad line leaves the rest readable, and small lookups over it.
//!
//! himalaya reads `config.toml` with serde over the `toml` crate (`HimalayaTomlConfig` in 1.x,
//! `pimalaya_config::toml::TomlConfig` in 2.x): dotted keys (`backend.host = …`) and table
//! headers (`[accounts.work.backend]`) name the same values, which [`DeTable`] merges into one
//! tree as serde sees it.

use std::borrow::Cow;
use std::ops::Range;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

/// How many bad lines are blanked out before the rest of the file is given up.
const MAX_REPAIRS: usize = 32;

/// A TOML error: where, and toml's message.
pub(crate) struct TomlError {
    pub at: Range<usize>,
    pub message: String,
}

/// The text to read the document from, and the errors found on the way: toml's own recovery
/// drops everything after some errors, so the line of each error is blanked (spaces, same
/// offsets) and the text parsed again, until it parses or [`MAX_REPAIRS`] lines are gone.
/// himalaya refuses the whole file on the first error; the rest is still worth checking.
pub(crate) fn repaired(text: &str) -> (Cow<'_, str>, Vec<TomlError>) {
    let mut readable = Cow::Borrowed(text);
    let mut errors = Vec::new();
    for _ in 0..MAX_REPAIRS {
        let (_, found) = DeTable::parse_recoverable(&readable);
        let Some(first) = found.first() else { break };
        let at = first.span().unwrap_or(0..0);
        let mut near = at.start.min(readable.len());
        while !readable.is_char_boundary(near) {
            near -= 1;
        }
        let start = readable[..near].rfind('\n').map_or(0, |i| i + 1);
        let end = readable[start..].find('\n').map_or(readable.len(), |i| start + i);
        errors.push(TomlError { at: at.clone(), message: first.message().trim().to_owned() });
        if readable[start..end].trim().is_empty() {
            break; // Nothing left to blank on this line: the error spans lines.
        }
        let blank: String =
            readable[start..end].chars().map(|c| if c == '\r' { c } else { ' ' }).collect();
        readable.to_mut().replace_range(start..end, &blank);
    }
    (readable, errors)
}

/// One key of a table and its value, with their spans.
#[derive(Clone, Copy)]
pub(crate) struct Entry<'t, 'i> {
    /// The key as written (its last segment, for a dotted key).
    pub key: &'t Spanned<std::borrow::Cow<'i, str>>,
    /// The value.
    pub value: &'t Spanned<DeValue<'i>>,
}

impl<'t, 'i> Entry<'t, 'i> {
    /// The value's span in the file.
    pub fn span(&self) -> Range<usize> {
        self.value.span()
    }

    /// The table under this key.
    pub fn table(&self) -> Option<&'t DeTable<'i>> {
        match self.value.get_ref() {
            DeValue::Table(table) => Some(table),
            _ => None,
        }
    }

    /// The string value.
    pub fn str(&self) -> Option<&'t str> {
        match self.value.get_ref() {
            DeValue::String(text) => Some(text.as_ref()),
            _ => None,
        }
    }

    /// The boolean value.
    pub fn bool(&self) -> Option<bool> {
        match self.value.get_ref() {
            DeValue::Boolean(value) => Some(*value),
            _ => None,
        }
    }

    /// The integer value, when it fits `T`.
    pub fn int<T: TryFrom<i64>>(&self) -> Option<T> {
        match self.value.get_ref() {
            DeValue::Integer(int) => i64::from_str_radix(int.as_str(), int.radix())
                .ok()
                .and_then(|v| T::try_from(v).ok()),
            _ => None,
        }
    }
}

/// The entry `name` of `table`.
pub(crate) fn get<'t, 'i>(table: &'t DeTable<'i>, name: &str) -> Option<Entry<'t, 'i>> {
    table.iter().find(|(key, _)| key.get_ref() == name).map(|(key, value)| Entry { key, value })
}

/// The entry at `path` under `table` (`["backend", "encryption", "type"]`).
pub(crate) fn path<'t, 'i>(table: &'t DeTable<'i>, path: &[&str]) -> Option<Entry<'t, 'i>> {
    let (last, parents) = path.split_last()?;
    let mut table = table;
    for name in parents {
        table = get(table, name)?.table()?;
    }
    get(table, last)
}

/// The entries of `table`, in the order toml keeps them.
pub(crate) fn entries<'t, 'i>(table: &'t DeTable<'i>) -> impl Iterator<Item = Entry<'t, 'i>> {
    table.iter().map(|(key, value)| Entry { key, value })
}

/// Where the text of a string value sits in the file, when the file's bytes between the quotes
/// are the value itself (a one-line string without escapes): then a part of the value has a
/// span of its own. `None` for other strings, whose parts are located by the whole value.
pub(crate) fn literal_content(text: &str, value: &Entry<'_, '_>) -> Option<Range<usize>> {
    let span = value.span();
    let written = text.get(span.clone())?;
    let content = written
        .strip_prefix('"')
        .and_then(|s| s.strip_suffix('"'))
        .or_else(|| written.strip_prefix('\'').and_then(|s| s.strip_suffix('\'')))?;
    (Some(content) == value.str() && !content.contains('"') && !content.contains('\''))
        .then(|| span.start + 1..span.end - 1)
}

/// Every string value whose key is `raw` (himalaya's literal secrets: `auth.raw` in 1.x,
/// `password.raw` and `token.raw` in 2.x; pimalaya/config `src/secret.rs`, `Secret::Raw`),
/// anywhere in the document, as the span of its text.
pub(crate) fn raw_values(text: &str, table: &DeTable<'_>, out: &mut Vec<Range<usize>>) {
    for entry in entries(table) {
        if let Some(inner) = entry.table() {
            raw_values(text, inner, out);
        } else if entry.key.get_ref() == "raw" && entry.str().is_some_and(|s| !s.is_empty()) {
            out.push(literal_content(text, &entry).unwrap_or_else(|| entry.span()));
        }
    }
}

/// A TOML basic string holding `value`.
pub(crate) fn quoted(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for c in value.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}
