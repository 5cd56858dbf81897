//! One tokenizer for the INI-like formats (Outlook PRF, OfflineIMAP's configparser files,
//! Evolution's and Geary's GKeyFiles, KMail's KConfig, Claws Mail's `accountrc`): lines become
//! sections, entries and comments, each with the byte span of every part, so a parser can
//! point at a value and a fix can replace exactly it.
//!
//! The dialects differ in a few choices, which [`IniDialect`] names instead of each parser
//! re-implementing the loop:
//!
//! * the delimiters: `=` only (GKeyFile, KConfig, PRF) or `=` and `:` (Python's configparser,
//!   `delimiters=('=', ':')`, the first of either on the line);
//! * the comment leaders at the start of a line: `#` and `;` (configparser's
//!   `comment_prefixes`, PRF), `#` only (GKeyFile);
//! * continuation lines: configparser continues a value on following lines that are indented
//!   more than the key (`ContinuationStyle::Indented`); KConfig and GKeyFile have none;
//! * what ends a line (`\n`, or also a lone `\r` for Outlook PRF files, counted the way
//!   [`SourceFile`] numbers lines) and which blanks surround names, keys and values (Unicode
//!   white space, or only spaces and tabs for PRF).
//!
//! Spans are byte ranges into the text given; nothing is copied. [`IniDocument`] indexes the
//! tokens by group for the formats that look a value up by group and key.

use std::ops::Range;
use std::sync::Arc;

use crate::fix::Edit;
use crate::source::SourceFile;
use crate::span::{FileId, Span};

/// How a dialect continues a value on the next line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ContinuationStyle {
    /// No continuation: every line stands alone (GKeyFile, KConfig, PRF).
    None,
    /// A line indented more than the key's line continues its value (configparser; blank
    /// lines inside a value end it here, as with `empty_lines_in_values=False`).
    Indented,
}

/// What ends a line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LineBreaks {
    /// `\n` (a `\r` before it belongs to the line ending).
    Newline,
    /// `\n`, `\r\n` and a lone `\r`, as [`SourceFile`] counts lines (Outlook PRF).
    NewlineOrReturn,
}

/// The blanks trimmed around section names, keys and values.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Blanks {
    /// Unicode white space (`str::trim`).
    Unicode,
    /// Spaces and tabs only (Outlook PRF).
    SpaceAndTab,
}

impl Blanks {
    fn trim_start(self, text: &str) -> &str {
        match self {
            Blanks::Unicode => text.trim_start(),
            Blanks::SpaceAndTab => text.trim_start_matches([' ', '\t']),
        }
    }

    fn trim_end(self, text: &str) -> &str {
        match self {
            Blanks::Unicode => text.trim_end(),
            Blanks::SpaceAndTab => text.trim_end_matches([' ', '\t']),
        }
    }
}

/// The choices that tell INI dialects apart.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IniDialect {
    /// Characters that separate a key from its value; the first one on the line wins.
    pub delimiters: &'static [char],
    /// Characters that start a comment line (after leading whitespace).
    pub comment_leaders: &'static [char],
    /// Continuation lines.
    pub continuation: ContinuationStyle,
    /// What ends a line.
    pub line_breaks: LineBreaks,
    /// The blanks around names, keys and values.
    pub blanks: Blanks,
}

impl IniDialect {
    /// Python's configparser defaults (`=` and `:`, `#` and `;` comments, indented
    /// continuation lines): OfflineIMAP.
    pub const CONFIGPARSER: IniDialect = IniDialect {
        delimiters: &['=', ':'],
        comment_leaders: &['#', ';'],
        continuation: ContinuationStyle::Indented,
        line_breaks: LineBreaks::Newline,
        blanks: Blanks::Unicode,
    };
    /// GLib's GKeyFile: `=` only, `#` comments, no continuation (Evolution, Geary).
    pub const GKEYFILE: IniDialect = IniDialect {
        delimiters: &['='],
        comment_leaders: &['#'],
        continuation: ContinuationStyle::None,
        line_breaks: LineBreaks::Newline,
        blanks: Blanks::Unicode,
    };
    /// `=` only, `#` and `;` comments, no continuation: KConfig.
    pub const PLAIN: IniDialect = IniDialect {
        delimiters: &['='],
        comment_leaders: &['#', ';'],
        continuation: ContinuationStyle::None,
        line_breaks: LineBreaks::Newline,
        blanks: Blanks::Unicode,
    };
    /// Outlook PRF files as Windows' profile-string functions read them (outlook.md 1.1): `=`
    /// only, `;` comments only, no continuation, spaces and tabs as blanks, and every line
    /// ending [`SourceFile`] counts (so that line numbers agree).
    pub const PRF: IniDialect = IniDialect {
        delimiters: &['='],
        comment_leaders: &[';'],
        continuation: ContinuationStyle::None,
        line_breaks: LineBreaks::NewlineOrReturn,
        blanks: Blanks::SpaceAndTab,
    };
}

/// One logical line of an INI file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum IniToken {
    /// `[name]`: the span of the name inside the brackets, and of the whole header.
    Section {
        /// The name, without brackets or surrounding blanks.
        name: Range<usize>,
        /// The whole line, without its line ending.
        line: Range<usize>,
    },
    /// `key = value`: spans of the key and the value without surrounding blanks (an empty
    /// value is an empty range just after the delimiter's blanks). A continued value spans its
    /// continuation lines too.
    Entry {
        /// The key.
        key: Range<usize>,
        /// The delimiter character.
        delimiter: Range<usize>,
        /// The value.
        value: Range<usize>,
        /// The whole entry, continuation lines included, without the last line ending.
        line: Range<usize>,
    },
    /// A comment line, leader included.
    Comment(Range<usize>),
    /// A line that is neither blank, a comment, a header nor an entry (no delimiter, or an
    /// unclosed `[`): the parser decides whether that is an error.
    Invalid(Range<usize>),
}

/// Tokenizes `text` in `dialect`. Blank lines yield nothing.
pub fn tokenize(text: &str, dialect: IniDialect) -> Vec<IniToken> {
    let lines = lines(text, dialect.line_breaks);
    let blanks = dialect.blanks;
    let trim = |range: Range<usize>| trim(text, range, blanks);
    let mut tokens: Vec<IniToken> = Vec::new();
    let mut index = 0;
    while index < lines.len() {
        let (start, end) = lines[index];
        index += 1;
        let line = &text[start..end];
        let body = blanks.trim_start(line);
        let indent = line.len() - body.len();
        let trimmed = trim(start + indent..end);
        if trimmed.is_empty() {
            continue;
        }
        if body.starts_with(dialect.comment_leaders) {
            tokens.push(IniToken::Comment(trimmed));
            continue;
        }
        if let Some(rest) = body.strip_prefix('[') {
            tokens.push(match rest.find(']') {
                Some(close) => {
                    let name = start + indent + 1..start + indent + 1 + close;
                    IniToken::Section { name: trim(name), line: trimmed }
                }
                None => IniToken::Invalid(trimmed),
            });
            continue;
        }
        let Some(at) = body.find(dialect.delimiters) else {
            tokens.push(IniToken::Invalid(trimmed));
            continue;
        };
        let delimiter_at = start + indent + at;
        let delimiter_len = body[at..].chars().next().map_or(1, char::len_utf8);
        let mut value_end = end;
        if dialect.continuation == ContinuationStyle::Indented {
            while let Some(&(next_start, next_end)) = lines.get(index) {
                let next = &text[next_start..next_end];
                let next_indent = next.len() - blanks.trim_start(next).len();
                if next_indent == next.len() || next_indent <= indent {
                    break;
                }
                value_end = next_end;
                index += 1;
            }
        }
        let value = trim(delimiter_at + delimiter_len..value_end);
        let value = if value.is_empty() {
            value_end_point(text, delimiter_at + delimiter_len, end, blanks)
        } else {
            value
        };
        tokens.push(IniToken::Entry {
            key: trim(start + indent..delimiter_at),
            delimiter: delimiter_at..delimiter_at + delimiter_len,
            value,
            line: start + indent..trim(start + indent..value_end).end,
        });
    }
    tokens
}

/// An empty value's place: after the blanks that follow the delimiter.
fn value_end_point(text: &str, from: usize, end: usize, blanks: Blanks) -> Range<usize> {
    let skipped = text[from..end].len() - blanks.trim_start(&text[from..end]).len();
    from + skipped..from + skipped
}

/// The lines of `text` as (start, end) without their line endings (`\n`, `\r\n`, and with
/// [`LineBreaks::NewlineOrReturn`] a lone `\r`).
fn lines(text: &str, breaks: LineBreaks) -> Vec<(usize, usize)> {
    let mut lines = Vec::new();
    let mut start = 0;
    for line in text.split_inclusive('\n') {
        if breaks == LineBreaks::NewlineOrReturn {
            // `\r\n` ends this line; each other `\r` ends a line of its own.
            let content = line.strip_suffix('\n').unwrap_or(line);
            let content = content.strip_suffix('\r').unwrap_or(content);
            let mut from = 0;
            for (at, _) in content.match_indices('\r') {
                lines.push((start + from, start + at));
                from = at + 1;
            }
            lines.push((start + from, start + content.len()));
        } else {
            let content = line.trim_end_matches('\n').trim_end_matches('\r');
            lines.push((start, start + content.len()));
        }
        start += line.len();
    }
    lines
}

/// `range` without blanks at either end.
fn trim(text: &str, range: Range<usize>, blanks: Blanks) -> Range<usize> {
    let slice = &text[range.clone()];
    let start = range.start + (slice.len() - blanks.trim_start(slice).len());
    let end = range.end - (slice.len() - blanks.trim_end(slice).len());
    if start > end { start..start } else { start..end }
}

/// A tokenized text indexed by group, for formats that look values up by group and key
/// (GKeyFile, KConfig, Claws Mail's `accountrc`): which groups there are, in order, and the
/// last value of a key in a group, with its spans.
///
/// The dialects this serves agree on the lookups: a group written twice is one group (GKeyFile
/// merges them, KConfig reads them as one), and a key written twice in it takes its last value.
/// Entries before the first header belong to no group (KConfig's default group; GKeyFile
/// refuses such a file, its parser says so).
#[derive(Clone, Debug)]
pub struct IniDocument {
    tokens: Vec<IniToken>,
    /// For each token, the index in `headers` of the group it is in (`None`: before any).
    owner: Vec<Option<usize>>,
    /// The headers, in order: (token index, name).
    headers: Vec<(usize, String)>,
}

/// One `key = value` entry of an [`IniDocument`], with its spans.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IniEntry {
    /// The key.
    pub key: Range<usize>,
    /// The value (an empty range after the delimiter's blanks when the value is empty).
    pub value: Range<usize>,
    /// The whole entry.
    pub line: Range<usize>,
}

impl IniDocument {
    /// Tokenizes `text` in `dialect` and indexes the groups.
    pub fn parse(text: &str, dialect: IniDialect) -> Self {
        let tokens = tokenize(text, dialect);
        let mut owner = Vec::with_capacity(tokens.len());
        let mut headers = Vec::new();
        for (index, token) in tokens.iter().enumerate() {
            if let IniToken::Section { name, .. } = token {
                headers.push((index, text[name.clone()].to_owned()));
            }
            owner.push(headers.len().checked_sub(1));
        }
        IniDocument { tokens, owner, headers }
    }

    /// Every token, in order.
    pub fn tokens(&self) -> &[IniToken] {
        &self.tokens
    }

    /// The distinct group names, in the order of their first header.
    pub fn group_names(&self) -> Vec<&str> {
        let mut names: Vec<&str> = Vec::new();
        for (_, name) in &self.headers {
            if !names.contains(&name.as_str()) {
                names.push(name);
            }
        }
        names
    }

    /// Whether a header names `group`.
    pub fn has_group(&self, group: &str) -> bool {
        self.headers.iter().any(|(_, name)| name == group)
    }

    /// The entries of `group` (of every header that names it), in order; `None` for the
    /// entries before the first header.
    pub fn entries<'a>(&'a self, group: Option<&'a str>) -> impl Iterator<Item = IniEntry> + 'a {
        self.tokens.iter().zip(&self.owner).filter_map(move |(token, owner)| {
            let IniToken::Entry { key, value, line, .. } = token else { return None };
            let in_group = match (owner, group) {
                (None, None) => true,
                (Some(header), Some(group)) => self.headers[*header].1 == group,
                _ => false,
            };
            in_group.then(|| IniEntry {
                key: key.clone(),
                value: value.clone(),
                line: line.clone(),
            })
        })
    }

    /// The last entry of `key` in `group` (keys compare exactly, as GKeyFile and KConfig do).
    pub fn get(&self, text: &str, group: Option<&str>, key: &str) -> Option<IniEntry> {
        self.entries(group).filter(|entry| &text[entry.key.clone()] == key).last()
    }

    /// Where a new entry of `group` goes: just after its last header's line ending (or at the
    /// end of a text whose header line has none). `None` when no header names the group.
    pub fn insertion_point(&self, text: &str, group: &str) -> Option<usize> {
        let (index, _) = self.headers.iter().rev().find(|(_, name)| name == group)?;
        let IniToken::Section { line, .. } = &self.tokens[*index] else { return None };
        let rest = &text[line.end..];
        Some(match rest.find('\n') {
            Some(newline) => line.end + newline + 1,
            None => text.len(),
        })
    }

    /// The text edit that makes `key` in `group` equal `value`, as `(range, replacement)`:
    /// the written value is replaced (its last entry, the one that counts); a key not written
    /// is inserted as `key=value` after the group's header; a group not written is appended at
    /// the end with its header. `newline` ends the inserted lines (the file's own line ending).
    pub fn set_value(
        &self,
        text: &str,
        group: &str,
        key: &str,
        value: &str,
        newline: &str,
    ) -> (Range<usize>, String) {
        if let Some(entry) = self.get(text, Some(group), key) {
            return (entry.value, value.to_owned());
        }
        // A text whose last line has no line ending gets one before anything is added.
        let lead = if text.is_empty() || text.ends_with('\n') { "" } else { newline };
        match self.insertion_point(text, group) {
            Some(at) if at == text.len() => (at..at, format!("{lead}{key}={value}{newline}")),
            Some(at) => (at..at, format!("{key}={value}{newline}")),
            None => {
                let gap = if text.is_empty() { "" } else { newline };
                let added = format!("{lead}{gap}[{group}]{newline}{key}={value}{newline}");
                (text.len()..text.len(), added)
            }
        }
    }
}

/// One file of a unit with its [`IniDocument`]: the lookups a parser makes, answered with
/// [`Span`]s into that file.
#[derive(Clone, Debug)]
pub struct IniFile {
    /// The file's id in the unit's [`Sources`](crate::Sources).
    pub file: FileId,
    /// The file.
    pub source: Arc<SourceFile>,
    /// Its groups.
    pub doc: IniDocument,
}

impl IniFile {
    /// Indexes `source` (with id `file`) in `dialect`.
    pub fn new(file: FileId, source: Arc<SourceFile>, dialect: IniDialect) -> Self {
        let doc = IniDocument::parse(source.text(), dialect);
        IniFile { file, source, doc }
    }

    /// The last value of `key` in `group` (`None`: before the first header), with its span.
    pub fn value(&self, group: Option<&str>, key: &str) -> Option<(&str, Span)> {
        let text = self.source.text();
        let entry = self.doc.get(text, group, key)?;
        Some((&text[entry.value.clone()], self.span(entry.value)))
    }

    /// The span of `range` in this file.
    pub fn span(&self, range: Range<usize>) -> Span {
        Span::new(self.file, range.start, range.end)
    }

    /// Where a key of `group` would be written: after its last header, or at the end of the
    /// file when no header names it.
    pub fn insert_at(&self, group: &str) -> Span {
        let text = self.source.text();
        Span::point(self.file, self.doc.insertion_point(text, group).unwrap_or(text.len()))
    }

    /// The whole file.
    pub fn whole(&self) -> Span {
        Span::new(self.file, 0, self.source.text().len())
    }

    /// The edit that makes `key` in `group` equal `value` ([`IniDocument::set_value`]), with
    /// the file's own line ending.
    pub fn set(&self, group: &str, key: &str, value: &str) -> Edit {
        let newline = self.source.line_ending().as_str();
        let (range, content) = self.doc.set_value(self.source.text(), group, key, value, newline);
        Edit::replace(self.span(range), content)
    }

    /// The edits that set several keys of `group` ([`set`](Self::set) each); keys inserted at
    /// one point become one edit, in the order given, so that the edits never overlap.
    pub fn set_all(&self, group: &str, values: &[(String, String)]) -> Vec<Edit> {
        crate::fix::merge_insertions(values.iter().map(|(key, value)| self.set(group, key, value)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn show(text: &str, dialect: IniDialect) -> Vec<String> {
        tokenize(text, dialect)
            .into_iter()
            .map(|token| match token {
                IniToken::Section { name, .. } => format!("section {}", &text[name]),
                IniToken::Entry { key, delimiter, value, .. } => {
                    format!("{} {} {:?}", &text[key], &text[delimiter], &text[value])
                }
                IniToken::Comment(range) => format!("comment {}", &text[range]),
                IniToken::Invalid(range) => format!("invalid {}", &text[range]),
            })
            .collect()
    }

    #[test]
    fn sections_entries_comments_and_invalid_lines_with_exact_spans() {
        let text = "; PRF\r\n[ General ]\r\nCustom=1\r\nName = a b \r\nEmpty=\r\n\r\nno delimiter\r\n[open\r\n";
        assert_eq!(
            show(text, IniDialect::PLAIN),
            [
                "comment ; PRF",
                "section General",
                "Custom = \"1\"",
                "Name = \"a b\"",
                "Empty = \"\"",
                "invalid no delimiter",
                "invalid [open",
            ]
        );
    }

    #[test]
    fn the_prf_dialect_breaks_lines_at_a_lone_return_and_trims_only_spaces_and_tabs() {
        let text = "[A]\rk = v\x0c\r\n# not a comment\n; comment\n";
        let tokens = tokenize(text, IniDialect::PRF);
        let at = |range: &Range<usize>| &text[range.clone()];
        let IniToken::Section { name, .. } = &tokens[0] else { panic!("{tokens:?}") };
        assert_eq!(at(name), "A");
        let IniToken::Entry { key, value, .. } = &tokens[1] else { panic!("{tokens:?}") };
        assert_eq!((at(key), at(value)), ("k", "v\x0c"));
        assert!(matches!(&tokens[2], IniToken::Invalid(r) if at(r) == "# not a comment"));
        assert!(matches!(&tokens[3], IniToken::Comment(r) if at(r) == "; comment"));
        // The same text in the plain dialect: one line up to `\n`, form feed trimmed.
        let plain = tokenize(text, IniDialect::PLAIN);
        assert!(matches!(&plain[1], IniToken::Comment(_)), "{plain:?}");
    }

    #[test]
    fn configparser_takes_colon_and_continuation_lines() {
        let text = "[Repository r]\nremotehost: imap.example.org\nfolderfilter = lambda f: f in [\n    'INBOX',\n  'Sent']\nssl = no\n";
        assert_eq!(
            show(text, IniDialect::CONFIGPARSER),
            [
                "section Repository r",
                "remotehost : \"imap.example.org\"",
                "folderfilter = \"lambda f: f in [\\n    'INBOX',\\n  'Sent']\"",
                "ssl = \"no\"",
            ]
        );
        // GKeyFile has neither: `:` stays in the key's line, the indented line is an entry of
        // its own (or invalid).
        assert_eq!(
            show("[S]\na:b=c\n  more\n", IniDialect::GKEYFILE),
            ["section S", "a:b = \"c\"", "invalid more"]
        );
    }

    #[test]
    fn an_empty_value_points_after_the_blanks_that_follow_the_delimiter() {
        let text = "k =   \n";
        let tokens = tokenize(text, IniDialect::PLAIN);
        let IniToken::Entry { value, line, .. } = &tokens[0] else { panic!("{tokens:?}") };
        assert_eq!((value.clone(), line.clone()), (6..6, 0..3));
    }

    #[test]
    fn a_document_merges_repeated_groups_and_takes_the_last_value() {
        let text = "top=1\n[A]\nk=1\n[B]\nk=2\n[A]\nk=3\nother = x\n";
        let doc = IniDocument::parse(text, IniDialect::GKEYFILE);
        assert_eq!(doc.group_names(), ["A", "B"]);
        assert!(doc.has_group("B") && !doc.has_group("C"));
        let k = doc.get(text, Some("A"), "k").unwrap();
        assert_eq!(&text[k.value], "3");
        assert_eq!(doc.entries(Some("A")).count(), 3);
        assert_eq!(&text[doc.get(text, None, "top").unwrap().value], "1");
        assert!(doc.get(text, Some("B"), "top").is_none());
        // A new entry of A goes after the last [A] line.
        let at = doc.insertion_point(text, "A").unwrap();
        assert_eq!(&text[at..], "k=3\nother = x\n");
        assert_eq!(doc.insertion_point(text, "C"), None);
        // A header on the last line without a line ending: the end of the text.
        assert_eq!(
            IniDocument::parse("[Z]", IniDialect::PLAIN).insertion_point("[Z]", "Z"),
            Some(3)
        );
    }

    #[test]
    fn set_value_replaces_inserts_after_the_header_or_appends_the_group() {
        let apply = |text: &str, group: &str, key: &str| {
            let doc = IniDocument::parse(text, IniDialect::GKEYFILE);
            let (range, new) = doc.set_value(text, group, key, "v", "\r\n");
            format!("{}{}{}", &text[..range.start], new, &text[range.end..])
        };
        assert_eq!(apply("[A]\nk=1\nk=2\n", "A", "k"), "[A]\nk=1\nk=v\n");
        assert_eq!(apply("[A]\nk=1\n", "A", "n"), "[A]\nn=v\r\nk=1\n");
        assert_eq!(apply("[A]", "A", "n"), "[A]\r\nn=v\r\n");
        assert_eq!(apply("[A]\nk=1", "B", "n"), "[A]\nk=1\r\n\r\n[B]\r\nn=v\r\n");
        assert_eq!(apply("", "B", "n"), "[B]\r\nn=v\r\n");
    }

    #[test]
    fn set_all_merges_insertions_at_one_point() {
        let file = IniFile::new(
            FileId(0),
            Arc::new(SourceFile::from_text("f", "[A]\nk=1\n")),
            IniDialect::GKEYFILE,
        );
        let values = [("n".to_owned(), "1".to_owned()), ("k".to_owned(), "2".to_owned())];
        let values = [values[0].clone(), ("m".to_owned(), "3".to_owned()), values[1].clone()];
        let edits = file.set_all("A", &values);
        let shown: Vec<(std::ops::Range<usize>, &str)> =
            edits.iter().map(|e| (e.span.range.as_range(), e.content.as_str())).collect();
        assert_eq!(shown, [(4..4, "n=1\nm=3\n"), (6..7, "2")]);
    }
}
