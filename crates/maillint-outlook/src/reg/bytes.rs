//! The bytes of one line of a `hex:` value: `xx,xx,...` as regedit writes it on a fast path,
//! any other line token by token as `split(',')` and `trim` would read it (outlook.md 3.1).

/// The bytes of a hex value, read line by line.
#[derive(Default)]
pub(super) struct HexBytes {
    pub(super) bytes: Vec<u8>,
    /// Whether any digit was written in upper case (a fix writes its bytes the same way).
    pub(super) upper: bool,
    /// Where the last byte read ends in the file.
    pub(super) last_byte_end: usize,
}

impl HexBytes {
    /// Reads the bytes of one line's `body` (which starts at `offset` of the file): how many
    /// there were, or the first token that is not a two-digit hex byte and where it starts.
    pub(super) fn read<'t>(
        &mut self,
        body: &'t str,
        offset: usize,
    ) -> Result<usize, (&'t str, usize)> {
        match self.read_regedit_layout(body, offset) {
            Some(count) => Ok(count),
            None => self.read_tokens(body, offset),
        }
    }

    /// [`read`](Self::read) for any line: token by token.
    fn read_tokens<'t>(&mut self, body: &'t str, offset: usize) -> Result<usize, (&'t str, usize)> {
        let mut count = 0;
        for (token, token_start) in hex_tokens(body, offset) {
            let byte = hex_byte(token).ok_or((token, token_start))?;
            self.bytes.push(byte);
            count += 1;
            self.upper |= token.bytes().any(|b| b.is_ascii_uppercase());
            self.last_byte_end = token_start + 2;
        }
        Ok(count)
    }

    /// The line as regedit writes it, `xx,xx,...,xx` with or without a last comma and no
    /// blank, in one pass over the bytes: nearly every line of an export is so, and the token
    /// loop ([`read_tokens`](Self::read_tokens)) costs about ten times more per byte. `None`
    /// (nothing read) for any other line, which the token loop then reads as it always did.
    ///
    /// The digits are looked up in [`HIGH_HALF`] and [`LOW_HALF`], whose entries OR'ed give
    /// the byte and its flags at once, and checked once for the whole line, with no branch and
    /// no `push` per byte: a per-byte `match` and `push` made reading the hex of the bench
    /// tree's 22 exports 4.5 M instructions, two fifths of scanning them. (Checking and
    /// decoding eight triples at a time in three `u64` words took as many instructions.)
    fn read_regedit_layout(&mut self, body: &str, offset: usize) -> Option<usize> {
        let text = body.as_bytes();
        if text.is_empty() || text.len() % 3 == 1 {
            return None;
        }
        let count = text.len().div_ceil(3);
        // `count - 1` triples `xx,`, the last two digits, and a comma or nothing.
        let (triples, last) = text.split_at(3 * (count - 1));
        let first = self.bytes.len();
        let (mut flags, mut commas) = (0, 0);
        let pair = |high: u8, low: u8| HIGH_HALF[usize::from(high)] | LOW_HALF[usize::from(low)];
        // `extend` from the slice's own iterator: a `zip` with a `resize`d output cost 4 more
        // instructions a byte.
        let (triples, _) = triples.as_chunks::<3>();
        self.bytes.reserve(count);
        self.bytes.extend(triples.iter().map(|&[high, low, comma]| {
            let both = pair(high, low);
            flags |= both;
            commas |= comma ^ b',';
            both.to_le_bytes()[0]
        }));
        let both = pair(last[0], last[1]);
        flags |= both;
        commas |= last.get(2).map_or(0, |&c| c ^ b',');
        self.bytes.push(both.to_le_bytes()[0]);
        if flags & HALF_NOT_HEX != 0 || commas != 0 {
            self.bytes.truncate(first);
            return None;
        }
        self.upper |= flags & HALF_UPPER != 0;
        self.last_byte_end = offset + 3 * (count - 1) + 2;
        Some(count)
    }
}

/// Marks a byte of [`HEX_DIGITS`] that is not a hex digit.
const NOT_HEX: u8 = 0x80;
/// Marks an upper-case digit in [`HEX_DIGITS`].
const UPPER: u8 = 0x10;

/// Per byte: its value as a hex digit (the low four bits), plus [`UPPER`] for `A`-`F`, or
/// [`NOT_HEX`].
const HEX_DIGITS: [u8; 256] = {
    let mut table = [NOT_HEX; 256];
    let mut i = 0;
    while i < 10 {
        table[b'0' as usize + i] = i as u8;
        i += 1;
    }
    let mut i = 0;
    while i < 6 {
        table[b'a' as usize + i] = 10 + i as u8;
        table[b'A' as usize + i] = (10 + i as u8) | UPPER;
        i += 1;
    }
    table
};

/// [`NOT_HEX`] in the flags byte of [`HIGH_HALF`] and [`LOW_HALF`].
const HALF_NOT_HEX: u16 = (NOT_HEX as u16) << 8;
/// [`UPPER`] in the flags byte of [`HIGH_HALF`] and [`LOW_HALF`].
const HALF_UPPER: u16 = (UPPER as u16) << 8;

/// Per byte as the first digit of a pair: its value in the high nibble of the low byte, and
/// [`HALF_NOT_HEX`] or [`HALF_UPPER`] in the high byte.
const HIGH_HALF: [u16; 256] = halves(4);
/// Per byte as the second digit of a pair: as [`HIGH_HALF`], the value in the low nibble.
const LOW_HALF: [u16; 256] = halves(0);

const fn halves(shift: u32) -> [u16; 256] {
    let mut table = [0; 256];
    let mut i = 0;
    while i < 256 {
        let digit = HEX_DIGITS[i];
        table[i] = if digit & NOT_HEX != 0 {
            HALF_NOT_HEX
        } else {
            ((digit & 0x0F) as u16) << shift | ((digit & UPPER) as u16) << 8
        };
        i += 1;
    }
    table
}

/// The non-empty comma-separated tokens of a hex line's `body` (which starts at `offset` of
/// the file), trimmed as `str::trim` does, with where each starts. `str::split` and `trim`
/// cost 12% of reading a 55 KB export, so the commas and blanks are found in the bytes: both
/// are ASCII, and a non-ASCII blank (which `trim` also removes) sends the piece to `trim`.
fn hex_tokens(body: &str, offset: usize) -> impl Iterator<Item = (&str, usize)> {
    // `char::is_whitespace` on ASCII (it counts U+000B, unlike `u8::is_ascii_whitespace`).
    let blank = |b: &u8| matches!(b, b' ' | b'\t'..=b'\r');
    let bytes = body.as_bytes();
    let mut piece_start = 0;
    let mut done = false;
    std::iter::from_fn(move || {
        while !done {
            let start = piece_start;
            let end =
                bytes[start..].iter().position(|&b| b == b',').map_or(bytes.len(), |i| start + i);
            done = end == bytes.len();
            piece_start = end + 1;
            let piece = &body[start..end];
            let (lead, token) = if piece.is_ascii() {
                let lead = piece.bytes().take_while(|b| blank(b)).count();
                let trail = piece.bytes().rev().take_while(|b| blank(b)).count();
                (lead, &piece[lead.min(piece.len() - trail)..piece.len() - trail])
            } else {
                (piece.len() - piece.trim_start().len(), piece.trim())
            };
            if !token.is_empty() {
                return Some((token, offset + start + lead));
            }
        }
        None
    })
}

/// The byte a token of exactly two hex digits stands for.
fn hex_byte(token: &str) -> Option<u8> {
    let digit = |b: u8| char::from(b).to_digit(16);
    match token.as_bytes() {
        &[high, low] => Some((digit(high)? * 16 + digit(low)?) as u8),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The definition `hex_tokens` and `hex_byte` speed up.
    fn by_split(body: &str, offset: usize) -> Vec<(&str, usize, Option<u8>)> {
        let mut out = Vec::new();
        let mut at = offset;
        for piece in body.split(',') {
            let token = piece.trim();
            let token_start = at + (piece.len() - piece.trim_start().len());
            at += piece.len() + 1;
            if token.is_empty() {
                continue;
            }
            let two = token.len() == 2 && token.bytes().all(|b| b.is_ascii_hexdigit());
            out.push((
                token,
                token_start,
                two.then(|| u8::from_str_radix(token, 16).ok()).flatten(),
            ));
        }
        out
    }

    /// The count (or the bad token, owned), the bytes, `upper` and the end after one line.
    type Outcome = (Result<usize, (String, usize)>, Vec<u8>, bool, usize);

    /// What reading one line with `read` gives.
    fn outcome<'t>(
        reader: &mut HexBytes,
        read: impl FnOnce(&mut HexBytes) -> Result<usize, (&'t str, usize)>,
    ) -> Outcome {
        let count = read(reader).map_err(|(token, at)| (token.to_owned(), at));
        (count, std::mem::take(&mut reader.bytes), reader.upper, reader.last_byte_end)
    }

    #[test]
    fn the_regedit_layout_is_read_as_the_token_loop_reads_it() {
        let parts = ["", "0a", "FF", "e9", "g0", "0", " ", ",", "\u{a0}", "é", "12 "];
        for a in parts {
            for b in ["", ","] {
                for c in parts {
                    for d in ["", ",", "A"] {
                        let body = format!("{a}{b}{c}{d}");
                        let read = outcome(&mut HexBytes::default(), |r| r.read(&body, 9));
                        let tokens = outcome(&mut HexBytes::default(), |r| r.read_tokens(&body, 9));
                        if read.0.is_ok() {
                            assert_eq!(read, tokens, "{body:?}");
                        } else {
                            assert_eq!(read.0, tokens.0, "{body:?}");
                        }
                    }
                }
            }
        }
        // The layout itself, long lines included, takes the fast path and agrees too.
        let body = "75,00,73,00,65,00,72,00,30,00,30,00,30,00,30,00,30,00,2E,";
        let fast =
            outcome(&mut HexBytes::default(), |r| r.read_regedit_layout(body, 100).ok_or(("", 0)));
        assert_eq!(fast.0, Ok(19));
        assert_eq!(fast, outcome(&mut HexBytes::default(), |r| r.read_tokens(body, 100)));
    }

    /// Every single-character change anywhere in long regedit lines (the fast path checks a
    /// whole line at once, so a bad digit or comma at any position must send it back to the
    /// token loop), with and without the last comma, in both cases.
    #[test]
    fn long_lines_with_one_character_changed_read_as_the_token_loop_reads_them() {
        let digits = "0123456789abcdefABCDEF";
        for len in [1, 2, 19, 25] {
            for last_comma in [false, true] {
                let mut line: String = (0..len)
                    .map(|i| {
                        let at =
                            |k: usize| char::from(digits.as_bytes()[(i * 7 + k) % digits.len()]);
                        format!("{}{}", at(0), at(3))
                    })
                    .collect::<Vec<_>>()
                    .join(",");
                if last_comma {
                    line.push(',');
                }
                for position in 0..line.len() {
                    for with in ["g", " ", ",", "0", "F", "\t", "é", "", "00"] {
                        let body = format!("{}{with}{}", &line[..position], &line[position + 1..]);
                        let read = outcome(&mut HexBytes::default(), |r| r.read(&body, 3));
                        let tokens = outcome(&mut HexBytes::default(), |r| r.read_tokens(&body, 3));
                        if read.0.is_ok() {
                            assert_eq!(read, tokens, "{body:?}");
                        } else {
                            assert_eq!(read.0, tokens.0, "{body:?}");
                        }
                    }
                }
                let fast = outcome(&mut HexBytes::default(), |r| {
                    r.read_regedit_layout(&line, 3).ok_or(("", 0))
                });
                assert_eq!(fast, outcome(&mut HexBytes::default(), |r| r.read_tokens(&line, 3)));
            }
        }
    }

    /// The half tables give every pair of bytes the byte and flags of the digit table.
    #[test]
    fn the_half_tables_are_the_digit_table() {
        for high in 0..=255u8 {
            for low in 0..=255u8 {
                let both = HIGH_HALF[usize::from(high)] | LOW_HALF[usize::from(low)];
                let (h, l) = (HEX_DIGITS[usize::from(high)], HEX_DIGITS[usize::from(low)]);
                let wrong = (h | l) & NOT_HEX != 0;
                assert_eq!(both & HALF_NOT_HEX != 0, wrong, "{high} {low}");
                if !wrong {
                    assert_eq!(both.to_le_bytes()[0], h << 4 | l & 0x0F, "{high} {low}");
                    assert_eq!(both & HALF_UPPER != 0, (h | l) & UPPER != 0, "{high} {low}");
                }
            }
        }
    }

    /// The table agrees with `to_digit(16)` and `is_ascii_uppercase` on every byte.
    #[test]
    fn the_digit_table_is_to_digit() {
        for b in 0..=255u8 {
            let entry = HEX_DIGITS[usize::from(b)];
            match char::from(b).to_digit(16) {
                Some(value) => {
                    assert_eq!(u32::from(entry & 0x0F), value, "{b}");
                    assert_eq!(entry & UPPER != 0, b.is_ascii_uppercase(), "{b}");
                    assert_eq!(entry & NOT_HEX, 0, "{b}");
                }
                None => assert_eq!(entry, NOT_HEX, "{b}"),
            }
        }
    }

    #[test]
    fn tokens_and_bytes_as_split_and_trim_give_them() {
        let parts = [
            "", ",", " ", "\t", "\u{b}", "\u{3000}", "\u{a0}", "0a", "FF", "f", "1g", "é1", "+1",
            "123",
        ];
        for a in parts {
            for b in parts {
                for c in parts {
                    for d in ["", ",", " 7e"] {
                        let body = format!("{a}{b}{c}{d}");
                        let fast: Vec<_> =
                            hex_tokens(&body, 9).map(|(t, at)| (t, at, hex_byte(t))).collect();
                        assert_eq!(fast, by_split(&body, 9), "{body:?}");
                    }
                }
            }
        }
    }
}
