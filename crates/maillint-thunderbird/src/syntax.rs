//! Writing prefs the way Thunderbird writes them, and finding where a new line goes.
//!
//! Thunderbird saves `prefs.js` as one `user_pref(<name>, <value>);` line per pref, strings in
//! double quotes with only LF, CR, `\` and `"` escaped, the lines sorted bytewise
//! (reference section 3). A fix that writes in the same form lands where Thunderbird's own
//! next save would put it, so that save produces no diff beyond the fix.

use maillint_core::TextRange;

use crate::prefs::{EncodingIssue, PrefValue, PrefsFile, Spec, Statement};

/// A value as it will be written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Literal {
    /// An integer.
    Int(i32),
    /// A string (written double-quoted).
    String(String),
    /// A boolean.
    Bool(bool),
}

impl Literal {
    /// The literal's text.
    pub fn render(&self) -> String {
        match self {
            Literal::Int(value) => value.to_string(),
            Literal::String(text) => quote(text),
            Literal::Bool(value) => value.to_string(),
        }
    }
}

/// A string literal as Thunderbird writes it: double quotes, and only LF, CR, `\` and `"`
/// escaped (reference section 3). Other characters, non-ASCII included, are written raw.
pub fn quote(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// `user_pref("<name>", <value>);`, with Thunderbird's spacing.
pub fn user_pref_line(name: &str, value: &Literal) -> String {
    format!("user_pref({}, {});", quote(name), value.render())
}

/// The part of a formatted line that decides its sorted position against a line for a
/// different pref: `user_pref("` + escaped name + `"`. Two lines for different names differ at
/// or before the closing quote of the shorter name, so the rest of the line never matters,
/// and since every line starts with `user_pref(`, comparing the quoted names is enough. The
/// quoted name is produced byte by byte, as [`quote`] writes it, without building it.
fn sort_key(name: &str) -> impl Iterator<Item = u8> + Clone + '_ {
    let escaped = name.bytes().flat_map(|b| {
        let pair = match b {
            b'\n' => [b'\\', b'n'],
            b'\r' => [b'\\', b'r'],
            b'\\' => [b'\\', b'\\'],
            b'"' => [b'\\', b'"'],
            b => return [b, 0].into_iter().take(1),
        };
        pair.into_iter().take(2)
    });
    std::iter::once(b'"').chain(escaped).chain(std::iter::once(b'"'))
}

/// Whether `a`'s line sorts before or with `b`'s.
fn sorts_at_or_before(a: &str, b: &str) -> bool {
    sort_key(a).cmp(sort_key(b)) != std::cmp::Ordering::Greater
}

/// Where to insert a new line, and whether a line break must precede it (the insertion point
/// is in the middle of a line or at the end of a file without a final line break).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct InsertAt {
    /// Byte offset in the text.
    pub offset: usize,
    /// Whether the inserted text must start with a line break.
    pub leading_break: bool,
}

impl InsertAt {
    /// The text to insert for `lines` (each without terminator) with `ending`.
    pub fn content(&self, lines: &[String], ending: &str) -> String {
        let mut out = String::new();
        if self.leading_break {
            for line in lines {
                out.push_str(ending);
                out.push_str(line);
            }
        } else {
            for line in lines {
                out.push_str(line);
                out.push_str(ending);
            }
        }
        out
    }
}

/// The start of the line holding `offset`.
pub fn line_start(text: &str, offset: usize) -> usize {
    text.as_bytes()[..offset].iter().rposition(|&b| b == b'\n' || b == b'\r').map_or(0, |i| i + 1)
}

/// The offset just after the line break that ends the line holding `offset`, or `None` when
/// that line is the last one and has no line break.
pub fn next_line_start(text: &str, offset: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let i = offset + bytes[offset..].iter().position(|&b| b == b'\n' || b == b'\r')?;
    Some(if bytes[i] == b'\r' && bytes.get(i + 1) == Some(&b'\n') { i + 2 } else { i + 1 })
}

/// Whether the text between a statement's end and the end of its line leaves an unclosed
/// `/*` comment, so that the next line starts inside a comment.
fn opens_block_comment(rest_of_line: &str) -> bool {
    let bytes = rest_of_line.as_bytes();
    let mut i = 0;
    let mut in_string: Option<u8> = None;
    while i < bytes.len() {
        let b = bytes[i];
        match in_string {
            Some(quote) => {
                if b == b'\\' {
                    i += 1;
                } else if b == quote {
                    in_string = None;
                }
            }
            None => match b {
                b'"' | b'\'' => in_string = Some(b),
                b'#' => return false,
                b'/' if bytes.get(i + 1) == Some(&b'/') => return false,
                b'/' if bytes.get(i + 1) == Some(&b'*') => match rest_of_line[i + 2..].find("*/") {
                    Some(close) => i += 2 + close + 1,
                    None => return true,
                },
                _ => {}
            },
        }
        i += 1;
    }
    false
}

/// Just after the line of `statement`: at the next line's start, or right after the
/// statement when the rest of its line opens a block comment or the file ends there.
pub fn after_statement(text: &str, statement: &Statement) -> InsertAt {
    // A statement the parser recovered from may end inside a character of damaged text.
    let mut end = (statement.range.end as usize).min(text.len());
    while !text.is_char_boundary(end) {
        end += 1;
    }
    match next_line_start(text, end) {
        Some(next) if !opens_block_comment(&text[end..next]) => {
            InsertAt { offset: next, leading_break: false }
        }
        _ => InsertAt { offset: end, leading_break: true },
    }
}

/// Just before the line of `statement`, or right before the statement when other text
/// precedes it on its line (a comment that may have started earlier).
pub fn before_statement(text: &str, statement: &Statement) -> InsertAt {
    let start = statement.range.start as usize;
    let line = line_start(text, start);
    if text[line..start].bytes().all(|b| matches!(b, b' ' | b'\t' | 0x0B | 0x0C)) {
        InsertAt { offset: line, leading_break: false }
    } else {
        InsertAt { offset: start, leading_break: false }
    }
}

/// At the end of the file.
pub fn at_end(text: &str) -> InsertAt {
    let leading_break = !text.is_empty() && !text.ends_with(['\n', '\r']);
    InsertAt { offset: text.len(), leading_break }
}

/// The `user_pref` statements of a file, to place new lines quickly: a binary search when the
/// file is sorted (as Thunderbird writes `prefs.js`), a scan otherwise.
#[derive(Clone, Debug)]
pub struct SortIndex {
    /// Index of every `user_pref` statement, in file order.
    statements: Vec<usize>,
    sorted: bool,
}

impl SortIndex {
    /// Indexes the statements of `parsed`.
    pub fn new(parsed: &PrefsFile<'_>) -> Self {
        let statements: Vec<usize> = parsed
            .statements
            .iter()
            .enumerate()
            .filter(|(_, s)| s.spec == Spec::UserPref)
            .map(|(i, _)| i)
            .collect();
        let name = |i: usize| parsed.statements[i].name.as_ref();
        let sorted =
            statements.windows(2).all(|pair| sorts_at_or_before(name(pair[0]), name(pair[1])));
        Self { statements, sorted }
    }

    /// The first `user_pref` statement (in file order) whose line sorts after `name`'s.
    fn first_after(&self, parsed: &PrefsFile<'_>, name: &str) -> Option<usize> {
        let existing = |i: usize| parsed.statements[i].name.as_ref();
        if self.sorted {
            let i = self.statements.partition_point(|&s| sorts_at_or_before(existing(s), name));
            self.statements.get(i).copied()
        } else {
            self.statements.iter().copied().find(|&s| !sorts_at_or_before(existing(s), name))
        }
    }
}

/// Where Thunderbird's sorted order puts a new `user_pref` line for `name` (reference
/// section 3): before the first `user_pref` line that sorts after it, else after the last
/// statement, else at the end.
pub fn sorted_position(text: &str, parsed: &PrefsFile, name: &str) -> InsertAt {
    sorted_position_indexed(text, parsed, &SortIndex::new(parsed), name)
}

/// [`sorted_position`] with a prebuilt index of the file.
pub fn sorted_position_indexed(
    text: &str,
    parsed: &PrefsFile,
    index: &SortIndex,
    name: &str,
) -> InsertAt {
    let position = match index.first_after(parsed, name) {
        Some(next) => before_statement(text, &parsed.statements[next]),
        None => match parsed.statements.last() {
            Some(last) => after_statement(text, last),
            None => at_end(text),
        },
    };
    past_lost_first_statement(text, parsed, position)
}

/// After the last statement whose name starts with `prefix` (keeps a hand-written `user.js`
/// grouped), else at the end.
pub fn after_prefix(text: &str, parsed: &PrefsFile, prefix: &str) -> InsertAt {
    match parsed.statements.iter().rev().find(|s| s.name.starts_with(prefix)) {
        Some(last) => after_statement(text, last),
        None => past_lost_first_statement(text, parsed, at_end(text)),
    }
}

/// In a file with a UTF-8 BOM, libpref loses everything up to the first `;`; a line inserted
/// there would be lost too, so move it after that point.
fn past_lost_first_statement(text: &str, parsed: &PrefsFile, position: InsertAt) -> InsertAt {
    if parsed.encoding_issue != Some(EncodingIssue::Utf8Bom) {
        return position;
    }
    let Some(lost_until) = parsed.errors.first().map(|e| e.resume_at) else { return position };
    if position.offset >= lost_until && lost_until > 0 {
        return position;
    }
    match next_line_start(text, lost_until) {
        Some(next) => InsertAt { offset: next, leading_break: false },
        None => InsertAt { offset: text.len(), leading_break: true },
    }
}

/// What deleting a statement removes: its whole line (with the terminator) when nothing else
/// is on it, else just the statement.
pub fn statement_deletion_range(text: &str, range: TextRange) -> TextRange {
    let start = range.start as usize;
    let end = range.end as usize;
    let line = line_start(text, start);
    let blank = |s: &str| s.bytes().all(|b| matches!(b, b' ' | b'\t' | 0x0B | 0x0C));
    let next = next_line_start(text, end).unwrap_or(text.len());
    let rest = text[end..next].trim_end_matches(['\n', '\r']);
    if blank(&text[line..start]) && blank(rest) { TextRange::new(line, next) } else { range }
}

/// A literal for a pref value read from a file (used to rewrite a value in canonical form).
pub fn literal_of(value: &PrefValue) -> Literal {
    match value {
        PrefValue::Bool(b) => Literal::Bool(*b),
        PrefValue::Int(i) => Literal::Int(*i),
        PrefValue::String(string) => Literal::String(string.as_text().into_owned()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::prefs::{FileKind, parse};

    fn position(text: &str, name: &str) -> InsertAt {
        sorted_position(text, &parse(text.as_bytes(), FileKind::User), name)
    }

    #[test]
    fn sort_keys_order_names_as_their_formatted_lines_do() {
        let names = ["a", "a.b", "a\"b", "a\\b", "a\nb", "a\rb", "ab", "a_b", "é", "a b", ""];
        for a in names {
            assert_eq!(sort_key(a).collect::<Vec<u8>>(), quote(a).into_bytes(), "{a:?}");
            for b in names {
                let lines = format!("user_pref({}", quote(a)) <= format!("user_pref({}", quote(b));
                assert_eq!(sorts_at_or_before(a, b), lines, "{a:?} {b:?}");
            }
        }
    }

    #[test]
    fn quotes_like_thunderbird() {
        assert_eq!(quote("a\"b\\c\nd\re'é"), r#""a\"b\\c\nd\re'é""#);
        assert_eq!(
            user_pref_line("mail.server.server1.port", &Literal::Int(993)),
            r#"user_pref("mail.server.server1.port", 993);"#
        );
    }

    #[test]
    fn sorted_position_follows_bytewise_line_order() {
        let text = "// header\n\nuser_pref(\"mail.server.server1.hostname\", \"h\");\nuser_pref(\"mail.server.server1.type\", \"imap\");\n";
        let at = position(text, "mail.server.server1.port");
        assert_eq!(
            at,
            InsertAt {
                offset: text.find("user_pref(\"mail.server.server1.type").unwrap(),
                leading_break: false
            }
        );
        // `port` sorts before `port2`: the closing quote (0x22) is smaller than any digit.
        let text = "user_pref(\"a.port2\", 1);\n";
        assert_eq!(position(text, "a.port").offset, 0);
        // After everything: at the start of the line after the last statement.
        let text = "user_pref(\"a\", 1);\n// trailing comment\n";
        assert_eq!(position(text, "b"), InsertAt { offset: 19, leading_break: false });
    }

    #[test]
    fn never_inserts_inside_a_block_comment() {
        let text = "user_pref(\"a\", 1); /* open\nstill comment */ user_pref(\"c\", 3);";
        // Before `c`: its line starts inside the comment, so insert right before it.
        assert_eq!(
            position(text, "b"),
            InsertAt { offset: text.find("user_pref(\"c").unwrap(), leading_break: false }
        );
        let file = parse(text.as_bytes(), FileKind::User);
        // After `a`: the rest of its line opens a comment, so break the line after `;`.
        assert_eq!(
            after_statement(text, &file.statements[0]),
            InsertAt { offset: 18, leading_break: true }
        );
    }

    #[test]
    fn end_of_file_without_final_line_break() {
        let text = "user_pref(\"a\", 1);";
        let at = position(text, "b");
        assert_eq!(at, InsertAt { offset: text.len(), leading_break: true });
        assert_eq!(at.content(&["x".into()], "\r\n"), "\r\nx");
        assert_eq!(at_end(""), InsertAt { offset: 0, leading_break: false });
    }
}
