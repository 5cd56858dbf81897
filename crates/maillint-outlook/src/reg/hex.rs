//! `hex:` data as regedit writes it: its line wrapping, kept when a value is rewritten, and
//! the UTF-16LE form Outlook stores strings in (outlook.md 2.2, 3.1).

use std::borrow::Cow;

/// Wine's `regedit` wraps `hex:` data once a line reaches this many characters
/// (`MAX_HEX_CHARS` in programs/regedit/export.c), which reproduces the layout of the regedit
/// exports in the corpus: 18 bytes after `"ComposeFontComplex"=hex:`, then 25 per line.
const REGEDIT_HEX_WIDTH: usize = 77;

/// The indentation regedit writes before each continuation line.
pub(super) const REGEDIT_INDENT: &str = "  ";

/// How a `hex:` value was wrapped, so a rewritten value wraps the same way.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) enum Wrapping {
    /// regedit's own layout.
    Regedit,
    /// Everything on one line.
    SingleLine,
    /// Hand-wrapped: at most `first` bytes on the first line, `rest` on the others.
    Fixed { first: usize, rest: usize },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct HexLayout {
    pub(super) wrapping: Wrapping,
    /// Before each continuation line; borrowed when it is regedit's two blanks, as nearly
    /// always, which spares a `String` per value.
    pub(super) indent: Cow<'static, str>,
    pub(super) upper: bool,
}

impl HexLayout {
    pub(super) fn regedit() -> Self {
        HexLayout {
            wrapping: Wrapping::Regedit,
            indent: Cow::Borrowed(REGEDIT_INDENT),
            upper: false,
        }
    }
}

/// Bytes per line as regedit writes `bytes` after a prefix of `prefix_chars` characters.
pub(super) fn regedit_line_counts(prefix_chars: usize, bytes: usize) -> Vec<usize> {
    let mut counts = vec![0];
    let mut line_len = prefix_chars;
    for i in 0..bytes {
        *counts.last_mut().expect("never empty") += 1;
        if i + 1 == bytes {
            break;
        }
        line_len += 3;
        if line_len >= REGEDIT_HEX_WIDTH {
            counts.push(0);
            line_len = 2;
        }
    }
    counts
}

/// How many bytes each line of a `hex:` value holds, kept as the few facts
/// [`wrapping`](Self::wrapping) needs: comparing a list of counts with a list
/// [`regedit_line_counts`] built byte by byte cost 1.4 M instructions for the 834 hex values
/// of the bench tree, an eighth of scanning its exports.
pub(super) struct LineCounts {
    prefix_chars: usize,
    lines: usize,
    first: usize,
    last: usize,
    /// The most bytes on any line after the first.
    rest_max: usize,
    /// Every line before the last holds as many bytes as regedit puts there.
    full: bool,
}

impl LineCounts {
    /// No line yet, for a value whose data starts after `prefix_chars` characters.
    pub(super) fn new(prefix_chars: usize) -> Self {
        LineCounts { prefix_chars, lines: 0, first: 0, last: 0, rest_max: 0, full: true }
    }

    /// The next line holds `count` bytes.
    pub(super) fn push(&mut self, count: usize) {
        if self.lines == 0 {
            self.first = count;
        } else {
            self.full &= self.last == self.regedit_capacity(self.lines - 1);
            self.rest_max = self.rest_max.max(count);
        }
        self.last = count;
        self.lines += 1;
    }

    /// How many bytes regedit writes on line `line` (from 0) of a value it wraps: the first
    /// line holds bytes until it reaches [`REGEDIT_HEX_WIDTH`] (at least one), each later line
    /// (after its indent of two) 25.
    fn regedit_capacity(&self, line: usize) -> usize {
        let start = if line == 0 { self.prefix_chars } else { REGEDIT_INDENT.len() };
        REGEDIT_HEX_WIDTH.saturating_sub(start).div_ceil(3).max(1)
    }

    /// How the lines were wrapped: as regedit does (which fills every line but the last, and
    /// leaves no line empty unless there is no byte at all), on one line, or by hand.
    pub(super) fn wrapping(&self) -> Wrapping {
        let last_fits = if self.lines == 1 {
            self.last <= self.regedit_capacity(0)
        } else {
            (1..=self.regedit_capacity(self.lines - 1)).contains(&self.last)
        };
        if self.lines > 0 && self.full && last_fits {
            Wrapping::Regedit
        } else if self.lines == 1 {
            Wrapping::SingleLine
        } else {
            Wrapping::Fixed { first: self.first, rest: self.rest_max.max(1) }
        }
    }
}

/// The hex text for `bytes` (without the `hex:` prefix) in `layout`, for a value whose data
/// starts after `prefix_chars` characters of its first line.
pub(super) fn format_hex(
    bytes: &[u8],
    prefix_chars: usize,
    layout: &HexLayout,
    eol: &str,
) -> String {
    let counts = match layout.wrapping {
        Wrapping::Regedit => regedit_line_counts(prefix_chars, bytes.len()),
        Wrapping::SingleLine => vec![bytes.len()],
        Wrapping::Fixed { first, rest } => {
            let mut counts = vec![first.min(bytes.len())];
            let mut left = bytes.len() - counts[0];
            while left > 0 {
                counts.push(rest.min(left));
                left -= counts.last().copied().unwrap_or(left);
            }
            counts
        }
    };
    let mut out = String::with_capacity(bytes.len() * 3 + counts.len() * 6);
    let mut index = 0;
    for (line, count) in counts.iter().enumerate() {
        if line > 0 {
            out.push('\\');
            out.push_str(eol);
            out.push_str(&layout.indent);
        }
        for _ in 0..*count {
            if layout.upper {
                out.push_str(&format!("{:02X}", bytes[index]));
            } else {
                out.push_str(&format!("{:02x}", bytes[index]));
            }
            index += 1;
            if index < bytes.len() {
                out.push(',');
            }
        }
    }
    out
}

/// A string as Outlook stores it: UTF-16LE and a `00 00` terminator (outlook.md 2.2, 3.2).
pub(super) fn utf16le_with_nul(text: &str) -> Vec<u8> {
    text.encode_utf16().chain([0]).flat_map(u16::to_le_bytes).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The definition [`LineCounts::wrapping`] speeds up.
    fn wrapping_of(prefix_chars: usize, counts: &[usize]) -> Wrapping {
        let total: usize = counts.iter().sum();
        if regedit_line_counts(prefix_chars, total) == counts {
            Wrapping::Regedit
        } else if counts.len() == 1 {
            Wrapping::SingleLine
        } else {
            Wrapping::Fixed {
                first: counts[0],
                rest: counts[1..].iter().copied().max().unwrap_or(1).max(1),
            }
        }
    }

    fn counted(prefix_chars: usize, counts: &[usize]) -> Wrapping {
        let mut lines = LineCounts::new(prefix_chars);
        counts.iter().for_each(|&count| lines.push(count));
        lines.wrapping()
    }

    /// regedit's own layouts for every prefix and length, each with every line changed by one
    /// byte either way, a line added or one removed; and every short list of small counts.
    #[test]
    fn line_counts_give_the_wrapping_the_lists_give() {
        for prefix_chars in 0..90 {
            for total in 0..120 {
                let regedit = regedit_line_counts(prefix_chars, total);
                let mut variants = vec![regedit.clone(), [&regedit[..], &[1]].concat()];
                variants.push(regedit[..regedit.len() - 1].to_vec());
                for line in 0..regedit.len() {
                    for delta in [-1isize, 1] {
                        let mut changed = regedit.clone();
                        changed[line] = changed[line].saturating_add_signed(delta);
                        variants.push(changed);
                    }
                }
                for counts in variants.iter().filter(|c| !c.is_empty()) {
                    assert_eq!(
                        counted(prefix_chars, counts),
                        wrapping_of(prefix_chars, counts),
                        "{prefix_chars} {counts:?}"
                    );
                }
            }
            for a in 0..28 {
                for b in [None, Some(0), Some(1), Some(24), Some(25), Some(26)] {
                    for c in [None, Some(0), Some(1), Some(25)] {
                        let counts: Vec<usize> = [Some(a), b, c].into_iter().flatten().collect();
                        assert_eq!(
                            counted(prefix_chars, &counts),
                            wrapping_of(prefix_chars, &counts),
                            "{prefix_chars} {counts:?}"
                        );
                    }
                }
            }
        }
    }
}
