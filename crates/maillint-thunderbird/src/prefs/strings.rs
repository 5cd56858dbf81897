//! The scans of string literals that read a word or two at a time: a profile's bytes are
//! mostly string literals (names and values), and these loops read them for both paths of
//! the parser and for the secret sweep.

/// Whether a byte inside a string literal quoted with `quote` may need attention: the quote,
/// the backslash, or a control character (among them NUL, the end of input, and the line
/// breaks LF and CR, which are counted). Mozilla's `SPECIAL_STRING_CHARS` are the first five
/// of these; the other control characters are plain bytes that a caller copies as they are.
#[inline(always)]
pub(super) fn stops_string(byte: u8, quote: u8) -> bool {
    byte == quote || byte == b'\\' || byte < STRING_CONTROL_LIMIT
}

/// Bytes below this stop a string scan ([`stops_string`]): NUL to CR, and a few more.
pub(super) const STRING_CONTROL_LIMIT: u8 = 0x0E;

/// The first byte at or after `from` (and before `end`) that stops a string literal quoted with
/// `quote` ([`stops_string`]; `end` when there is none). Sixteen bytes at a time, as two
/// 64-bit words: string literals are most of a profile's bytes. One word a step cost 24
/// instructions per 8 bytes once inlined (the constants are rebuilt every step); two words a
/// step share that and the loop's own instructions. Inlined: a call cost about 45 instructions
/// of entry and exit, three calls a statement (parse of 100 bench homes 45.1 M -> 41.2 M).
#[inline(always)]
pub(crate) fn skip_plain_string_bytes(buf: &[u8], from: usize, end: usize, quote: u8) -> usize {
    let mut i = from;
    if let Some(bytes) = buf.get(from..end) {
        let mut pairs = bytes.chunks_exact(16);
        for pair in &mut pairs {
            let (low, high) =
                (string_stops(word_at(pair, 0), quote), string_stops(word_at(pair, 8), quote));
            if low | high != 0 {
                return i + if low != 0 { first_marked(low) } else { 8 + first_marked(high) };
            }
            i += 16;
        }
        if let Some(chunk) = pairs.remainder().get(..8) {
            let stops = string_stops(word_at(chunk, 0), quote);
            if stops != 0 {
                return i + first_marked(stops);
            }
            i += 8;
        }
    }
    while i < end && !stops_string(buf[i], quote) {
        i += 1;
    }
    i
}

/// [`skip_plain_string_bytes`] for `buf` that ends where the input ends, for a scan that
/// starts again after every escape: sixteen bytes a step from wherever the scan stands, with
/// nothing set up per call (no chunking of the rest of the input, no separate end). The
/// one-go path of the parser scans names and values with it; an escaped JSON value, with an
/// escape every few bytes, restarts it dozens of times (with [`byte_at`](super::parser::byte_at),
/// the parse of 100 bench homes 35.2 M -> 32.6 M instructions).
#[inline(always)]
pub(super) fn next_string_stop(buf: &[u8], from: usize, quote: u8) -> usize {
    let mut i = from;
    while let Some(window) = buf.get(i..i + 16) {
        let (low, high) =
            (string_stops(word_at(window, 0), quote), string_stops(word_at(window, 8), quote));
        if low | high != 0 {
            return i + if low != 0 { first_marked(low) } else { 8 + first_marked(high) };
        }
        i += 16;
    }
    while let Some(&byte) = buf.get(i) {
        if stops_string(byte, quote) {
            break;
        }
        i += 1;
    }
    i
}

/// Whether a byte stops the scan of a canonical statement's name ([`next_name_stop`]): every
/// byte [`stops_string`] stops at for a `"` string (a control character, the `"`, the `\\`),
/// the bytes between those controls and the `"` (the other controls, space and `!`: in no
/// name Thunderbird writes but a printer's), and a `(`.
#[inline(always)]
pub(super) fn stops_name(byte: u8) -> bool {
    byte < NAME_LOW_LIMIT || byte == b'\\' || byte == b'('
}

/// Bytes below this stop a name's scan: up to and including the `"`.
const NAME_LOW_LIMIT: u8 = b'"' + 1;

/// [`next_string_stop`] for the name of a canonical statement, which stops at the bytes of
/// [`stops_name`]: a name that holds one is read token by token, so that a statement read in
/// one go is known to have no `(` in its name ([`Statement::name_holds_paren`](super::Statement::name_holds_paren), which lets the
/// secret sweep pass over a number or boolean pref without reading its name for a `pref(`).
/// With the `"` and the controls one range, the `(` costs no more than the `"` did: three
/// terms a word, as in [`string_stops`] (a fourth made LLVM pair the terms of one word, not
/// the two words, into one SSE2 step: eleven instructions more a step).
#[inline(always)]
pub(super) fn next_name_stop(buf: &[u8], from: usize) -> usize {
    const ONES: u64 = u64::from_le_bytes([0x01; 8]);
    const HIGHS: u64 = u64::from_le_bytes([0x80; 8]);
    // As in `string_stops`: the high bit of each byte below a limit, lowest mark exact.
    let below = |x: u64, limit: u8| x.wrapping_sub(ONES * u64::from(limit)) & !x & HIGHS;
    let stops = |word: u64| {
        below(word, NAME_LOW_LIMIT)
            | below(word ^ (ONES * u64::from(b'\\')), 1)
            | below(word ^ (ONES * u64::from(b'(')), 1)
    };
    let mut i = from;
    while let Some(window) = buf.get(i..i + 16) {
        let (low, high) = (stops(word_at(window, 0)), stops(word_at(window, 8)));
        if low | high != 0 {
            return i + if low != 0 { first_marked(low) } else { 8 + first_marked(high) };
        }
        i += 16;
    }
    while let Some(&byte) = buf.get(i) {
        if stops_name(byte) {
            break;
        }
        i += 1;
    }
    i
}

/// The eight bytes of `bytes` from `at` as a little-endian word: the first byte in the text is
/// the lowest in the word. `bytes` holds them (callers take whole chunks).
#[inline(always)]
fn word_at(bytes: &[u8], at: usize) -> u64 {
    u64::from_le_bytes(bytes[at..at + 8].try_into().unwrap_or_default())
}

/// The index in its word of the byte whose high bit is the lowest one set in `marks`.
#[inline(always)]
fn first_marked(marks: u64) -> usize {
    (marks.trailing_zeros() / 8) as usize
}

/// The high bit of each byte of `word` that may stop a string quoted with `quote`
/// ([`stops_string`]) read as a mask whose lowest mark is exact: a byte above a marked one may
/// be marked too. Zero when no byte stops the string.
#[inline(always)]
fn string_stops(word: u64, quote: u8) -> u64 {
    const ONES: u64 = u64::from_le_bytes([0x01; 8]);
    const HIGHS: u64 = u64::from_le_bytes([0x80; 8]);
    // The high bit of each byte of `x` that is below `limit` (at most 128): a borrow starts
    // only at such a byte, so a byte above one may be marked too, but the lowest mark is
    // exact. With a limit of 1 these are the zero bytes of `x`, so with
    // `x = word ^ (ONES * byte)` the bytes of `word` equal to `byte`.
    let below = |x: u64, limit: u8| x.wrapping_sub(ONES * u64::from(limit)) & !x & HIGHS;
    below(word ^ (ONES * u64::from(quote)), 1)
        | below(word ^ (ONES * u64::from(b'\\')), 1)
        | below(word, STRING_CONTROL_LIMIT)
}
