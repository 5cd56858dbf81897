//! msmtprc lines as msmtp splits them: a command and its argument, each with its byte range.
//!
//! This mirrors `get_cmd` and `trim_string` in msmtp's `src/conf.c` (marlam/msmtp, tag
//! `msmtp-1.8.23`, the version Debian 12 ships): a line's trailing `\n` is cut, and a `\r` only
//! when it stands right before that `\n`; blanks are spaces and tabs only; a line whose first
//! non-blank character is `#` is a comment; the command is the first run of non-blanks; the
//! argument is the rest without blanks at either end and, when it is at least two characters
//! long and both starts and ends with `"`, without those two quotes. There are no escapes and
//! no comments after a value (`host a # b` has the argument `a # b`).

use std::ops::Range;

/// msmtp reads a line with `fgets` into a buffer of `LINEBUFSIZE` = 501 bytes (`conf.h`) and
/// refuses the file when a line does not fit: 500 or more bytes before the `\n`.
pub const MAX_LINE_BYTES: usize = 500;

/// One line that holds a command.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Line {
    /// 1-based line number.
    pub number: usize,
    /// The command word.
    pub command: Range<usize>,
    /// The argument without blanks and enclosing quotes (empty: a point after the command's
    /// blanks).
    pub argument: Range<usize>,
    /// The whole line without its line ending.
    pub line: Range<usize>,
    /// Where the next line starts (after this line's `\n`, or the end of the text).
    pub next: usize,
}

/// A line msmtp cannot read at all.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TooLong {
    /// 1-based line number.
    pub number: usize,
    /// The line.
    pub line: Range<usize>,
}

/// The command lines of `text`, in order, and the first line that is too long for msmtp
/// (msmtp stops reading there; so does this).
pub fn lines(text: &str) -> (Vec<Line>, Option<TooLong>) {
    let mut out = Vec::new();
    for line in each_line(text) {
        match line {
            Ok(Some(line)) => out.push(line),
            Ok(None) => {}
            Err(too_long) => return (out, Some(too_long)),
        }
    }
    (out, None)
}

/// The command word of each command line of `text`, in order, read lazily: detection stops
/// at the first word msmtp does not know. Ends where [`lines`] ends.
pub fn command_words(text: &str) -> impl Iterator<Item = &str> {
    each_line(text).map_while(Result::ok).flatten().map(|line| &text[line.command])
}

/// Every line of `text` as msmtp reads it: a command line, `None` for a blank or comment
/// line, or an error for a line too long, after which msmtp reads nothing.
fn each_line(text: &str) -> impl Iterator<Item = Result<Option<Line>, TooLong>> {
    let mut start = 0;
    text.split_inclusive('\n').enumerate().map(move |(index, raw)| {
        let number = index + 1;
        let next = start + raw.len();
        let content = match raw.strip_suffix('\n') {
            Some(body) => body.strip_suffix('\r').unwrap_or(body),
            None => raw,
        };
        if raw.trim_end_matches('\n').len() >= MAX_LINE_BYTES {
            return Err(TooLong { number, line: start..start + content.len() });
        }
        let line = command_line(content, start, number, next);
        start = next;
        Ok(line)
    })
}

fn is_blank(c: char) -> bool {
    c == ' ' || c == '\t'
}

/// `get_cmd` for one line's content at `offset`; `None` for a blank or comment line.
fn command_line(content: &str, offset: usize, number: usize, next: usize) -> Option<Line> {
    let body = content.trim_start_matches(is_blank);
    if body.is_empty() || body.starts_with('#') {
        return None;
    }
    let command_start = offset + content.len() - body.len();
    let command_len = body.find(is_blank).unwrap_or(body.len());
    let command = command_start..command_start + command_len;
    let argument = argument_range(content, offset, command.end - offset);
    Some(Line { number, command, argument, line: command_start..offset + content.len(), next })
}

/// `trim_string` of the text after the command.
fn argument_range(content: &str, offset: usize, from: usize) -> Range<usize> {
    let range = trim_string(&content[from..]);
    offset + from + range.start..offset + from + range.end
}

/// msmtp's `trim_string` as a range of `text`: without blanks at either end and, when what is
/// left is at least two characters long and starts and ends with `"`, without those quotes.
/// An empty result is a point after the leading blanks.
pub fn trim_string(text: &str) -> Range<usize> {
    let leading = text.len() - text.trim_start_matches(is_blank).len();
    let trimmed = text.trim_matches(is_blank);
    if trimmed.len() >= 2 && trimmed.starts_with('"') && trimmed.ends_with('"') {
        return leading + 1..leading + trimmed.len() - 1;
    }
    leading..leading + trimmed.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn show(text: &str) -> Vec<(usize, String, String)> {
        let (lines, too_long) = lines(text);
        assert_eq!(too_long, None);
        lines
            .into_iter()
            .map(|l| (l.number, text[l.command].to_owned(), text[l.argument].to_owned()))
            .collect()
    }

    #[test]
    fn commands_arguments_quotes_and_comments_as_msmtp_splits_them() {
        let text = "# c\n  defaults\r\naccount\tgmail : base\nhost a # b\npasswordeval \"pass x\"\n\
                    from \"\nuser \"\"\n\ttls\t\n";
        assert_eq!(
            show(text),
            [
                (2, "defaults".into(), "".into()),
                (3, "account".into(), "gmail : base".into()),
                (4, "host".into(), "a # b".into()),
                (5, "passwordeval".into(), "pass x".into()),
                (6, "from".into(), "\"".into()),
                (7, "user".into(), "".into()),
                (8, "tls".into(), "".into()),
            ]
        );
    }

    #[test]
    fn a_carriage_return_is_cut_only_before_a_line_feed() {
        assert_eq!(show("tls on\r\n"), [(1, "tls".into(), "on".into())]);
        assert_eq!(show("tls on\r"), [(1, "tls".into(), "on\r".into())]);
    }

    #[test]
    fn a_line_of_500_bytes_stops_the_file() {
        let long = format!("host a\nfrom {}\nport 25\n", "x".repeat(495));
        let (lines, too_long) = lines(&long);
        assert_eq!(lines.len(), 1);
        assert_eq!(too_long.map(|t| t.number), Some(2));
        let fits = format!("from {}\n", "x".repeat(494));
        assert_eq!(super::lines(&fits).1, None);
    }
}
