//! `hex:` data as regedit writes it: its line wrapping, kept when a value is rewritten, and
//! the UTF-16LE form Outlook stores strings in (outlook.md 2.2, 3.1).

/// Wine's `regedit` wraps `hex:` data once a line reaches this many characters
/// (`MAX_HEX_CHARS` in programs/regedit/export.c), which reproduces the layout of the regedit
/// exports in the corpus: 18 bytes after `"ComposeFontComplex"=hex:`, then 25 per line.
const REGEDIT_HEX_WIDTH: usize = 77;

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
    pub(super) indent: String,
    pub(super) upper: bool,
}

impl HexLayout {
    pub(super) fn regedit() -> Self {
        HexLayout { wrapping: Wrapping::Regedit, indent: "  ".to_owned(), upper: false }
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
