//! mbsyncrc lines as mbsync splits them into words.
//!
//! This mirrors `get_arg` and `getcline` in isync's `src/config.c` (isync v1.5.0; the same in
//! v1.4.4): white space (C's `isspace`) separates words; a word that starts with `#` starts a
//! comment; inside a word `"` toggles quoting (quoted white space is part of the word) and `\`
//! makes the next character literal; a line whose first word is missing is blank (it ends the
//! current section) unless it is a comment. The first word is the keyword, compared without
//! case; the second is its value, which every keyword needs ("parameter missing").

use std::ops::Range;

/// One word: its text as written and its value after quotes and escapes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Word {
    /// The word as written, quotes included.
    pub raw: Range<usize>,
    /// The value mbsync sees.
    pub value: String,
}

/// One line of the file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Line {
    /// Nothing but white space: ends the current section.
    Blank,
    /// A comment, or white space and a comment.
    Comment,
    /// A keyword and its words.
    Command(Command),
}

/// A keyword line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Command {
    /// 1-based line number.
    pub number: usize,
    /// The whole line without its line ending.
    pub line: Range<usize>,
    /// Where the next line starts.
    pub next: usize,
    /// The keyword.
    pub keyword: Word,
    /// The words after it, up to a comment.
    pub args: Vec<Word>,
    /// A word mbsync cannot read (an escape or a quote left open), with its complaint.
    pub error: Option<(Range<usize>, &'static str)>,
}

impl Command {
    /// The keyword in lower case.
    pub fn key(&self) -> String {
        self.keyword.value.to_ascii_lowercase()
    }

    /// The first word after the keyword: its value.
    pub fn value(&self) -> Option<&Word> {
        self.args.first()
    }
}

/// C's `isspace` in the "C" locale.
fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\x0b' | '\x0c' | '\r')
}

/// The lines of `text`.
pub fn lines(text: &str) -> Vec<Line> {
    let mut out = Vec::new();
    let mut start = 0;
    for (index, raw) in text.split_inclusive('\n').enumerate() {
        let next = start + raw.len();
        let content = raw.trim_end_matches(['\n', '\r']);
        out.push(line(text, start, start + content.len(), next, index + 1));
        start = next;
    }
    out
}

fn line(text: &str, start: usize, end: usize, next: usize, number: usize) -> Line {
    let mut words = Vec::new();
    let mut at = start;
    let mut error = None;
    let mut commented = false;
    loop {
        let rest = &text[at..end];
        let skipped = rest.len() - rest.trim_start_matches(is_space).len();
        at += skipped;
        if at >= end {
            break;
        }
        if text[at..].starts_with('#') {
            commented = true;
            break;
        }
        let (word, after, problem) = word(text, at, end);
        if problem.is_some() && error.is_none() {
            error = problem.map(|p| (word.raw.clone(), p));
        }
        words.push(word);
        at = after;
    }
    let mut words = words.into_iter();
    match words.next() {
        None if commented => Line::Comment,
        None => Line::Blank,
        Some(keyword) => Line::Command(Command {
            number,
            line: start..end,
            next,
            keyword,
            args: words.collect(),
            error,
        }),
    }
}

/// One word from `at` (not white space): the word, where the next search starts, and a
/// complaint when a quote or an escape is left open at the end of the line.
fn word(text: &str, at: usize, end: usize) -> (Word, usize, Option<&'static str>) {
    let (mut escaped, mut quoted) = (false, false);
    let mut value = String::new();
    for (offset, c) in text[at..end].char_indices() {
        let position = at + offset + c.len_utf8();
        if escaped && c >= ' ' {
            escaped = false;
            value.push(c);
        } else if c == '\\' {
            escaped = true;
        } else if c == '"' {
            quoted = !quoted;
        } else if !quoted && is_space(c) {
            let word = Word { raw: at..position - c.len_utf8(), value };
            return (word, position, escaped.then_some("unterminated escape sequence"));
        } else {
            value.push(c);
        }
    }
    let problem = if escaped {
        Some("unterminated escape sequence")
    } else if quoted {
        Some("missing closing quote")
    } else {
        None
    };
    (Word { raw: at..end, value }, end, problem)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<Vec<String>> {
        lines(text)
            .into_iter()
            .map(|l| match l {
                Line::Blank => vec!["<blank>".to_owned()],
                Line::Comment => vec!["<comment>".to_owned()],
                Line::Command(c) => {
                    let mut all = vec![c.keyword.value.clone()];
                    all.extend(
                        c.args.iter().map(|w| format!("{}={}", &text[w.raw.clone()], w.value)),
                    );
                    all
                }
            })
            .collect()
    }

    #[test]
    fn words_quotes_escapes_and_comments_as_mbsync_reads_them() {
        let text = "IMAPAccount gmail # note\n  # only a comment\n\t \nPassCmd \"pass show \\\"x\\\"\"\nHost a#b\r\n";
        assert_eq!(
            words(text),
            [
                vec!["IMAPAccount".to_owned(), "gmail=gmail".to_owned()],
                vec!["<comment>".to_owned()],
                vec!["<blank>".to_owned()],
                vec!["PassCmd".to_owned(), "\"pass show \\\"x\\\"\"=pass show \"x\"".to_owned()],
                vec!["Host".to_owned(), "a#b=a#b".to_owned()],
            ]
        );
    }

    #[test]
    fn an_open_quote_or_escape_is_an_error() {
        let Line::Command(c) = &lines("Pass \"abc\n")[0] else { panic!() };
        assert_eq!(c.error.as_ref().map(|e| e.1), Some("missing closing quote"));
        let Line::Command(c) = &lines("Pass abc\\\n")[0] else { panic!() };
        assert_eq!(c.error.as_ref().map(|e| e.1), Some("unterminated escape sequence"));
    }
}
