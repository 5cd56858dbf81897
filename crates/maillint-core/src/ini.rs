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
//!   more than the key (`ContinuationStyle::Indented`); KConfig and GKeyFile have none.
//!
//! Spans are byte ranges into the text given; nothing is copied.

use std::ops::Range;

/// How a dialect continues a value on the next line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ContinuationStyle {
    /// No continuation: every line stands alone (GKeyFile, KConfig, PRF).
    None,
    /// A line indented more than the key's line continues its value (configparser; blank
    /// lines inside a value end it here, as with `empty_lines_in_values=False`).
    Indented,
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
}

impl IniDialect {
    /// Python's configparser defaults (`=` and `:`, `#` and `;` comments, indented
    /// continuation lines): OfflineIMAP.
    pub const CONFIGPARSER: IniDialect = IniDialect {
        delimiters: &['=', ':'],
        comment_leaders: &['#', ';'],
        continuation: ContinuationStyle::Indented,
    };
    /// GLib's GKeyFile: `=` only, `#` comments, no continuation (Evolution, Geary).
    pub const GKEYFILE: IniDialect = IniDialect {
        delimiters: &['='],
        comment_leaders: &['#'],
        continuation: ContinuationStyle::None,
    };
    /// `=` only, `#` and `;` comments, no continuation: Outlook PRF files and KConfig.
    pub const PLAIN: IniDialect = IniDialect {
        delimiters: &['='],
        comment_leaders: &['#', ';'],
        continuation: ContinuationStyle::None,
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
    let lines = lines(text);
    let mut tokens: Vec<IniToken> = Vec::new();
    let mut index = 0;
    while index < lines.len() {
        let (start, end) = lines[index];
        index += 1;
        let line = &text[start..end];
        let body = line.trim_start();
        let indent = line.len() - body.len();
        let trimmed = trim(text, start + indent..end);
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
                    IniToken::Section { name: trim(text, name), line: trimmed }
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
                let next_indent = next.len() - next.trim_start().len();
                if next.trim().is_empty() || next_indent <= indent {
                    break;
                }
                value_end = next_end;
                index += 1;
            }
        }
        let value = trim(text, delimiter_at + delimiter_len..value_end);
        let value = if value.is_empty() {
            value_end_point(text, delimiter_at + delimiter_len, end)
        } else {
            value
        };
        tokens.push(IniToken::Entry {
            key: trim(text, start + indent..delimiter_at),
            delimiter: delimiter_at..delimiter_at + delimiter_len,
            value,
            line: start + indent..trim(text, start + indent..value_end).end,
        });
    }
    tokens
}

/// An empty value's place: after the blanks that follow the delimiter.
fn value_end_point(text: &str, from: usize, end: usize) -> Range<usize> {
    let blanks = text[from..end].len() - text[from..end].trim_start().len();
    from + blanks..from + blanks
}

/// The lines of `text` as (start, end) without their line endings (`\n`, `\r\n`).
fn lines(text: &str) -> Vec<(usize, usize)> {
    let mut lines = Vec::new();
    let mut start = 0;
    for line in text.split_inclusive('\n') {
        let content = line.trim_end_matches('\n').trim_end_matches('\r');
        lines.push((start, start + content.len()));
        start += line.len();
    }
    lines
}

/// `range` without blanks at either end.
fn trim(text: &str, range: Range<usize>) -> Range<usize> {
    let slice = &text[range.clone()];
    let start = range.start + (slice.len() - slice.trim_start().len());
    let end = range.end - (slice.len() - slice.trim_end().len());
    if start > end { start..start } else { start..end }
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
}
