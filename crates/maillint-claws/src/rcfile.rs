//! Claws Mail's `accountrc` as `prefs_read_config` reads it (`src/prefs_gtk.c`): for each
//! account, the *first* block whose line starts with `[Account: <n>]`, up to the next line that
//! starts with `[`; in it, a line is `<name>=<value>` with the name compared without case and
//! nothing trimmed, `#` lines are skipped, and a later line of a name overrides an earlier one.

use std::ops::Range;

use maillint_core::Span;
use maillint_core::ini::{IniFile, IniToken};

/// One `[Account: <n>]` block, the first with its label.
pub struct Block {
    /// `Account: 1`.
    pub label: String,
    /// The token index of the header, and one past the block's last token.
    tokens: Range<usize>,
    /// Where a new line of the block goes.
    pub insert_at: Span,
}

/// The account blocks of `file`, first of each label only, in order.
pub fn blocks(file: &IniFile) -> Vec<Block> {
    let tokens = file.doc.tokens();
    let text = file.source.text();
    let mut blocks: Vec<Block> = Vec::new();
    let mut open: Option<(String, usize)> = None;
    let close = |open: &mut Option<(String, usize)>, end: usize, blocks: &mut Vec<Block>| {
        if let Some((label, start)) = open.take()
            && !blocks.iter().any(|b| b.label == label)
        {
            let insert_at = after_header(file, start);
            blocks.push(Block { label, tokens: start..end, insert_at });
        }
    };
    for (index, token) in tokens.iter().enumerate() {
        if let IniToken::Section { name, .. } = token {
            close(&mut open, index, &mut blocks);
            let label = &text[name.clone()];
            if label.starts_with("Account: ") {
                open = Some((label.to_owned(), index));
            }
        }
    }
    close(&mut open, tokens.len(), &mut blocks);
    blocks
}

/// Just after the header line of token `index`.
fn after_header(file: &IniFile, index: usize) -> Span {
    let text = file.source.text();
    let end = match &file.doc.tokens()[index] {
        IniToken::Section { line, .. } => line.end,
        _ => text.len(),
    };
    let at = text[end..].find('\n').map_or(text.len(), |n| end + n + 1);
    Span::point(file.file, at)
}

impl Block {
    /// The account's number (`1` of `Account: 1`).
    pub fn id(&self) -> &str {
        self.label.trim_start_matches("Account: ")
    }

    /// The last line of `name` in the block (compared without case), with the value's span.
    pub fn value<'f>(&self, file: &'f IniFile, name: &str) -> Option<(&'f str, Span)> {
        let text = file.source.text();
        let mut found = None;
        for token in &file.doc.tokens()[self.tokens.clone()] {
            if let IniToken::Entry { key, value, .. } = token
                && text[key.clone()].eq_ignore_ascii_case(name)
            {
                found = Some((&text[value.clone()], file.span(value.clone())));
            }
        }
        found
    }

    /// A `P_BOOL`: false when the value is empty or starts with `0`, true otherwise.
    pub fn boolean(&self, file: &IniFile, name: &str) -> Option<(bool, Span)> {
        self.value(file, name)
            .map(|(text, span)| (!(text.is_empty() || text.starts_with('0')), span))
    }

    /// A `P_ENUM`, `P_INT` or `P_USHORT`: `atoi` (leading digits, 0 when there are none).
    pub fn number(&self, file: &IniFile, name: &str) -> Option<(i64, Span)> {
        self.value(file, name).map(|(text, span)| (atoi(text), span))
    }
}

/// C's `atoi`: an optional sign and the leading digits; 0 without digits.
pub fn atoi(text: &str) -> i64 {
    let text = text.trim_start();
    let (sign, rest) = match text.strip_prefix('-') {
        Some(rest) => (-1, rest),
        None => (1, text.strip_prefix('+').unwrap_or(text)),
    };
    let digits: String = rest.chars().take_while(char::is_ascii_digit).take(18).collect();
    sign * digits.parse::<i64>().unwrap_or(0)
}
