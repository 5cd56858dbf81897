//! Where in a TOML file a problem is: the line, the column and the dotted key path of the field
//! at fault (`rule[2].when.port-in`).
//!
//! serde reports a byte span for most errors, and our own validation knows the key path of the
//! value it rejects. [`TomlMap`] connects the two with toml's span-preserving document
//! ([`toml::de::DeTable`]): from an offset to the innermost key path, and from a key path to the
//! value's span. An `[[rule]]` table's own span is only its header, so lookups always search the
//! whole tree rather than descending by containment.

use std::fmt;
use std::ops::Range;

use toml::Spanned;
use toml::de::{DeTable, DeValue};

/// One step of a key path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PathSegment {
    /// A table key.
    Key(String),
    /// An array index (0-based).
    Index(usize),
}

/// A key path such as `rule[2].when.port-in`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct KeyPath(pub Vec<PathSegment>);

impl KeyPath {
    /// The empty path (the document itself).
    pub fn root() -> Self {
        Self(Vec::new())
    }

    /// This path with a key appended.
    pub fn key(&self, key: impl Into<String>) -> Self {
        let mut path = self.clone();
        path.0.push(PathSegment::Key(key.into()));
        path
    }

    /// This path with an index appended.
    pub fn index(&self, index: usize) -> Self {
        let mut path = self.clone();
        path.0.push(PathSegment::Index(index));
        path
    }

    /// Whether nothing is in the path.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Display for KeyPath {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, segment) in self.0.iter().enumerate() {
            match segment {
                PathSegment::Key(key) if i == 0 => write!(f, "{key}")?,
                PathSegment::Key(key) => write!(f, ".{key}")?,
                PathSegment::Index(index) => write!(f, "[{index}]")?,
            }
        }
        Ok(())
    }
}

/// A TOML document's spans, for error locations.
pub struct TomlMap<'a> {
    text: &'a str,
    root: Option<DeTable<'a>>,
}

impl<'a> TomlMap<'a> {
    /// Indexes `text`. A document that does not parse gives a map that knows lines and columns
    /// but no key paths.
    pub fn new(text: &'a str) -> Self {
        let root = DeTable::parse(text).ok().map(Spanned::into_inner);
        Self { text, root }
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> (usize, usize) {
        line_col(self.text, offset)
    }

    /// The innermost key path whose key or value covers `offset`.
    pub fn path_at(&self, offset: usize) -> Option<KeyPath> {
        let root = self.root.as_ref()?;
        let mut best: Option<(KeyPath, usize)> = None;
        search_table(root, &KeyPath::root(), offset, &mut best);
        best.map(|(path, _)| path)
    }

    /// The span of the value at `path` (for an `[[array]]` entry: its header).
    pub fn value_span(&self, path: &KeyPath) -> Option<Range<usize>> {
        self.value_at(path).map(Spanned::span)
    }

    /// The text range a value occupies in the file, from its first byte (or table header) to the
    /// end of the last value under it, extended to the end of that line. Used to quote an
    /// `[[rule]]` entry verbatim in its documentation.
    pub fn entry_range(&self, path: &KeyPath) -> Option<Range<usize>> {
        let value = self.value_at(path)?;
        let start = value.span().start;
        let mut end = value.span().end;
        max_end(value, &mut end);
        let end = self.text[end..].find('\n').map_or(self.text.len(), |n| end + n);
        Some(start..end)
    }

    /// The string at `path`, when it is one.
    pub fn string_at(&self, path: &KeyPath) -> Option<&str> {
        self.value_at(path).and_then(|v| v.get_ref().as_str())
    }

    fn value_at(&self, path: &KeyPath) -> Option<&Spanned<DeValue<'a>>> {
        let root = self.root.as_ref()?;
        let mut segments = path.0.iter();
        let Some(PathSegment::Key(first)) = segments.next() else {
            return None;
        };
        let mut value = root.get(first.as_str())?;
        for segment in segments {
            value = match (segment, value.get_ref()) {
                (PathSegment::Key(key), DeValue::Table(table)) => table.get(key.as_str())?,
                (PathSegment::Index(index), DeValue::Array(array)) => array.get(*index)?,
                _ => return None,
            };
        }
        Some(value)
    }
}

/// 1-based line and column (in characters) of a byte offset into `text`: core's one function
/// for it.
pub use maillint_core::source::line_column as line_col;

fn contains(span: &Range<usize>, offset: usize) -> bool {
    span.start <= offset && (offset < span.end || (span.is_empty() && offset == span.start))
}

fn search_table(
    table: &DeTable<'_>,
    path: &KeyPath,
    offset: usize,
    best: &mut Option<(KeyPath, usize)>,
) {
    for (key, value) in table.iter() {
        let here = path.key(key.get_ref().as_ref());
        consider(&here, &key.span(), &value.span(), offset, best);
        search_value(value, &here, offset, best);
    }
}

fn search_value(
    value: &Spanned<DeValue<'_>>,
    path: &KeyPath,
    offset: usize,
    best: &mut Option<(KeyPath, usize)>,
) {
    match value.get_ref() {
        DeValue::Table(table) => search_table(table, path, offset, best),
        DeValue::Array(array) => {
            for (index, item) in array.iter().enumerate() {
                let here = path.index(index);
                consider(&here, &item.span(), &item.span(), offset, best);
                search_value(item, &here, offset, best);
            }
        }
        _ => {}
    }
}

fn consider(
    path: &KeyPath,
    key_span: &Range<usize>,
    value_span: &Range<usize>,
    offset: usize,
    best: &mut Option<(KeyPath, usize)>,
) {
    if contains(key_span, offset) || contains(value_span, offset) {
        let depth = path.0.len();
        if best.as_ref().is_none_or(|(_, d)| depth >= *d) {
            *best = Some((path.clone(), depth));
        }
    }
}

fn max_end(value: &Spanned<DeValue<'_>>, end: &mut usize) {
    *end = (*end).max(value.span().end);
    match value.get_ref() {
        DeValue::Table(table) => {
            for (key, child) in table.iter() {
                *end = (*end).max(key.span().end);
                max_end(child, end);
            }
        }
        DeValue::Array(array) => {
            for child in array.iter() {
                max_end(child, end);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "# c\n[[rule]]\nname = \"a\"\n[rule.when]\nport = 3\n\n[[rule]]\nname = \"b\"\nport-in = [1, 70000]\n";

    #[test]
    fn innermost_path_and_line_col() {
        let map = TomlMap::new(TEXT);
        let offset = TEXT.find("70000").unwrap();
        assert_eq!(map.path_at(offset).unwrap().to_string(), "rule[1].port-in[1]");
        assert_eq!(map.line_col(offset), (9, 15));
        let offset = TEXT.find("port = 3").unwrap();
        assert_eq!(map.path_at(offset).unwrap().to_string(), "rule[0].when.port");
    }

    #[test]
    fn value_spans_and_entry_ranges() {
        let map = TomlMap::new(TEXT);
        let path = KeyPath::root().key("rule").index(1).key("name");
        assert_eq!(map.string_at(&path), Some("b"));
        let entry = map.entry_range(&KeyPath::root().key("rule").index(0)).unwrap();
        assert_eq!(&TEXT[entry], "[[rule]]\nname = \"a\"\n[rule.when]\nport = 3");
    }

    #[test]
    fn columns_count_characters() {
        assert_eq!(line_col("é = 1\nxé", 8), (2, 2));
    }
}
