//! Python's `configparser.ConfigParser()` as OfflineIMAP uses it (`CustomConfigParser` in
//! `offlineimap/CustomConfig.py`, OfflineIMAP/offlineimap3 v8.0.1, with the defaults): the
//! reading of `RawConfigParser._read` in CPython 3.11's `Lib/configparser.py`, with the byte
//! range of every key and value line.
//!
//! * `=` and `:` delimit; the key is the text before the first of them, lower-cased
//!   (`optionxform`); no inline comments (`inline_comment_prefixes=None`).
//! * A line whose stripped text starts with `#` or `;` is a comment, also inside a value; a
//!   line indented deeper than the line that started the current key continues its value; a
//!   blank line inside a value is kept (`empty_lines_in_values=True`) and trailing blank lines
//!   are dropped.
//! * `[name]` starts a section (the name is what lies between the first `[` and the last `]`);
//!   `DEFAULT` gives every section its values.
//! * A duplicate section or key (`strict=True`), a key before any section, a line that is none
//!   of these: errors that make OfflineIMAP stop.
//! * `BasicInterpolation`: `%(name)s` is the value of `name` in the section or `DEFAULT`, `%%`
//!   is `%`; any other `%` is an error, at most 10 levels deep.

use std::fmt;
use std::ops::Range;

/// Why `BasicInterpolation` refuses a value (configparser raises and OfflineIMAP stops); the
/// caller places it on the value's span.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum InterpolationError {
    /// More than 10 levels of `%(name)s` (`InterpolationDepthError`).
    TooDeep {
        /// The key whose value was being interpolated.
        key: String,
    },
    /// A `%(` not closed by `)s` (`InterpolationSyntaxError`).
    BadReference {
        /// The key.
        key: String,
    },
    /// `%(name)s` of a key neither the section nor `DEFAULT` sets
    /// (`InterpolationMissingOptionError`).
    Unset {
        /// The key.
        key: String,
        /// The key it refers to.
        name: String,
    },
    /// A `%` followed by anything but `%` or `(` (`InterpolationSyntaxError`).
    LonePercent {
        /// The key.
        key: String,
    },
}

impl fmt::Display for InterpolationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            InterpolationError::TooDeep { key } => {
                write!(f, "the interpolation of `{key}` is nested more than 10 levels deep")
            }
            InterpolationError::BadReference { key } => {
                write!(f, "`{key}`: a `%(` that is not `%(name)s`")
            }
            InterpolationError::Unset { key, name } => {
                write!(f, "`{key}` refers to `{name}`, which is not set")
            }
            InterpolationError::LonePercent { key } => write!(
                f,
                "`{key}`: a `%` must be followed by `%` or `(name)s` (write `%%` for a `%`)"
            ),
        }
    }
}

impl std::error::Error for InterpolationError {}

impl InterpolationError {
    /// The class of the exception Python's configparser raises for it.
    pub fn python_class(&self) -> &'static str {
        match self {
            InterpolationError::TooDeep { .. } => "InterpolationDepthError",
            InterpolationError::Unset { .. } => "InterpolationMissingOptionError",
            InterpolationError::BadReference { .. } | InterpolationError::LonePercent { .. } => {
                "InterpolationSyntaxError"
            }
        }
    }
}

/// One key and its value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// The key, lower-cased.
    pub key: String,
    /// The key as written.
    pub key_range: Range<usize>,
    /// The value's first line (after the delimiter and blanks; a point when empty).
    pub value_range: Range<usize>,
    /// The value, continuation lines joined with `\n`, without trailing blank lines.
    pub value: String,
    /// Whether the value goes on over further lines.
    pub continued: bool,
    /// 1-based line number of the key.
    pub line: usize,
}

/// One `[section]`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Section {
    /// The name between the brackets.
    pub name: String,
    /// The name as written.
    pub name_range: Range<usize>,
    /// Where the line after the header starts (a new key goes there).
    pub body_start: usize,
    /// The keys, in file order.
    pub entries: Vec<Entry>,
}

/// An error that makes `configparser` (and so OfflineIMAP) stop.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    /// 1-based line number.
    pub line: usize,
    /// The text it is about.
    pub range: Range<usize>,
    /// What is wrong, in configparser's terms.
    pub message: String,
    /// Whether configparser stops at once (a missing section header, a duplicate); the other
    /// errors are collected and raised at the end of the file (`ParsingError`).
    pub fatal: bool,
}

/// A whole file.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Document {
    /// The `[DEFAULT]` keys.
    pub defaults: Vec<Entry>,
    /// The other sections, in file order (a repeated section is an error and is read into
    /// the first).
    pub sections: Vec<Section>,
    /// The errors.
    pub errors: Vec<ParseError>,
}

/// Python's `str.isspace` for one character (Unicode white space, plus the ASCII separators
/// `\x1c`..`\x1f`).
fn is_space(c: char) -> bool {
    c.is_whitespace() || ('\x1c'..='\x1f').contains(&c)
}

/// The lines as Python's universal newlines split them (`\r\n`, `\n` or `\r`), without the
/// line break.
fn lines(text: &str) -> Vec<Range<usize>> {
    let bytes = text.as_bytes();
    let (mut out, mut start, mut i) = (Vec::new(), 0, 0);
    while i < bytes.len() {
        match bytes[i] {
            b'\n' => {
                out.push(start..i);
                start = i + 1;
            }
            b'\r' => {
                out.push(start..i);
                if bytes.get(i + 1) == Some(&b'\n') {
                    i += 1;
                }
                start = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    if start < bytes.len() {
        out.push(start..bytes.len());
    }
    out
}

/// `range` of `text` without Python white space at either end.
fn strip(text: &str, range: Range<usize>) -> Range<usize> {
    let slice = &text[range.clone()];
    let start = range.start + (slice.len() - slice.trim_start_matches(is_space).len());
    let end = range.end - (slice.len() - slice.trim_end_matches(is_space).len());
    if start > end { start..start } else { start..end }
}

/// Where the current value goes.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Target {
    None,
    Defaults,
    Section(usize),
}

struct Reader<'t> {
    text: &'t str,
    doc: Document,
    target: Target,
    /// The entry being read (its index in the target), with its value lines.
    current: Option<(usize, Vec<String>)>,
    indent_level: usize,
}

/// Reads `text` as `ConfigParser().read_string(text)` would.
pub fn parse(text: &str) -> Document {
    let mut reader = Reader {
        text,
        doc: Document::default(),
        target: Target::None,
        current: None,
        indent_level: 0,
    };
    for (index, range) in lines(text).into_iter().enumerate() {
        reader.line(index + 1, range);
    }
    reader.finish_entry();
    reader.doc
}

impl Reader<'_> {
    fn line(&mut self, number: usize, range: Range<usize>) {
        let stripped = strip(self.text, range.clone());
        let body = &self.text[stripped.clone()];
        if body.starts_with(['#', ';']) {
            return;
        }
        if body.is_empty() {
            if let Some((_, lines)) = &mut self.current {
                lines.push(String::new());
            }
            return;
        }
        let indent = self.text[range.start..stripped.start].chars().count();
        if self.current.is_some() && indent > self.indent_level {
            if let Some((_, lines)) = &mut self.current {
                lines.push(body.to_owned());
            }
            return;
        }
        self.finish_entry();
        self.indent_level = indent;
        if let Some(name) = section_name(body) {
            self.section(number, stripped.start + 1..stripped.start + 1 + name.len(), range.end);
        } else if self.target == Target::None {
            self.error(number, stripped, "the file has no section header before this line", true);
        } else {
            self.option(number, stripped);
        }
    }

    fn error(&mut self, line: usize, range: Range<usize>, message: impl Into<String>, fatal: bool) {
        self.doc.errors.push(ParseError { line, range, message: message.into(), fatal });
    }

    fn section(&mut self, number: usize, name: Range<usize>, line_end: usize) {
        let text = &self.text[name.clone()];
        let body_start = self.text[line_end..].find(['\n', '\r']).map_or(self.text.len(), |_| {
            let rest = &self.text[line_end..];
            line_end + if rest.starts_with("\r\n") { 2 } else { 1 }
        });
        if text == "DEFAULT" {
            self.target = Target::Defaults;
            return;
        }
        if let Some(index) = self.doc.sections.iter().position(|s| s.name == text) {
            self.error(number, name, format!("section {text:?} already exists"), true);
            self.target = Target::Section(index);
            return;
        }
        self.doc.sections.push(Section {
            name: text.to_owned(),
            name_range: name,
            body_start,
            entries: Vec::new(),
        });
        self.target = Target::Section(self.doc.sections.len() - 1);
    }

    fn option(&mut self, number: usize, stripped: Range<usize>) {
        let body = &self.text[stripped.clone()];
        let Some(at) = body.find(['=', ':']) else {
            self.error(
                number,
                stripped,
                "a line that is neither a section, a key nor a comment",
                false,
            );
            return;
        };
        let key_range = strip(self.text, stripped.start..stripped.start + at);
        let value_range = strip(self.text, stripped.start + at + 1..stripped.end);
        let key = self.text[key_range.clone()].to_lowercase();
        if key.is_empty() {
            self.error(number, stripped.clone(), "a key is missing before the delimiter", false);
        }
        let entries = match self.target {
            Target::Defaults => &mut self.doc.defaults,
            Target::Section(index) => &mut self.doc.sections[index].entries,
            Target::None => return,
        };
        if entries.iter().any(|e| e.key == key) {
            let message = format!("option {key:?} already exists in this section");
            let range = key_range.clone();
            self.doc.errors.push(ParseError { line: number, range, message, fatal: true });
            entries.retain(|e| e.key != key);
        }
        let value = self.text[value_range.clone()].to_owned();
        entries.push(Entry {
            key,
            key_range,
            value_range,
            value: value.clone(),
            continued: false,
            line: number,
        });
        self.current = Some((entries.len() - 1, vec![value]));
    }

    /// `_join_multiline_values`: the lines joined with `\n`, trailing blank lines dropped.
    fn finish_entry(&mut self) {
        let Some((index, lines)) = self.current.take() else { return };
        let entries = match self.target {
            Target::Defaults => &mut self.doc.defaults,
            Target::Section(section) => &mut self.doc.sections[section].entries,
            Target::None => return,
        };
        let entry = &mut entries[index];
        entry.value = lines.join("\n").trim_end().to_owned();
        entry.continued = entry.value.contains('\n');
    }
}

/// configparser's `SECTCRE`, `\[(?P<header>.+)\]` matched at the start: the text between
/// the first `[` and the last `]` (at least one character).
fn section_name(body: &str) -> Option<&str> {
    let rest = body.strip_prefix('[')?;
    let close = rest.rfind(']')?;
    (close > 0).then(|| &rest[..close])
}

impl Document {
    /// The section named `name`.
    pub fn section(&self, name: &str) -> Option<&Section> {
        self.sections.iter().find(|s| s.name == name)
    }

    /// The raw entry of `key` in `section`, or in `DEFAULT`.
    pub fn entry<'d>(&'d self, section: &'d Section, key: &str) -> Option<&'d Entry> {
        section
            .entries
            .iter()
            .find(|e| e.key == key)
            .or_else(|| self.defaults.iter().find(|e| e.key == key))
    }

    /// `config.get(section, key)` with `BasicInterpolation`: `Ok(None)` when the key is not
    /// set, `Err` with configparser's complaint when interpolation fails.
    pub fn get(&self, section: &Section, key: &str) -> Result<Option<String>, InterpolationError> {
        let Some(entry) = self.entry(section, key) else { return Ok(None) };
        let mut out = String::new();
        self.interpolate(section, key, &entry.value, &mut out, 1)?;
        Ok(Some(out))
    }

    /// `BasicInterpolation._interpolate_some`.
    fn interpolate(
        &self,
        section: &Section,
        key: &str,
        rest: &str,
        out: &mut String,
        depth: usize,
    ) -> Result<(), InterpolationError> {
        if depth > 10 {
            return Err(InterpolationError::TooDeep { key: key.to_owned() });
        }
        let mut rest = rest;
        while let Some(at) = rest.find('%') {
            out.push_str(&rest[..at]);
            rest = &rest[at..];
            if let Some(after) = rest.strip_prefix("%%") {
                out.push('%');
                rest = after;
            } else if let Some(after) = rest.strip_prefix("%(") {
                let Some(close) = after.find(")s").filter(|c| !after[..*c].contains(')') && *c > 0)
                else {
                    return Err(InterpolationError::BadReference { key: key.to_owned() });
                };
                let name = after[..close].to_lowercase();
                let Some(entry) = self.entry(section, &name) else {
                    return Err(InterpolationError::Unset { key: key.to_owned(), name });
                };
                if entry.value.contains('%') {
                    self.interpolate(section, &name, &entry.value, out, depth + 1)?;
                } else {
                    out.push_str(&entry.value);
                }
                rest = &after[close + 2..];
            } else {
                return Err(InterpolationError::LonePercent { key: key.to_owned() });
            }
        }
        out.push_str(rest);
        Ok(())
    }
}
