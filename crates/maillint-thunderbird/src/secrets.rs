//! The secret sweep: credentials in prefs.js and user.js raw text, parsed or not.
//!
//! The account model records the `.password` prefs of servers it assembles, but a credential
//! is in the file whether or not its statement parses or belongs to a server: a string left
//! unterminated (the prefs lexer reads it to the next quote, across lines), an LDAP
//! directory's or another component's password pref (`ldap_2.servers.NAME.auth.password`,
//! Netscape-era `…passwd`), a URL with a password in any string value. The sweep reads every
//! `pref(` / `user_pref(` / `sticky_pref(` statement lexically (thunderbird.md section 2: the
//! three specifiers, strings quoted with `"` or `'`, `\` escapes) and records:
//!
//! - the string value of a pref whose name is a credential
//!   ([`maillint_core::secrets::is_credential_name`]: last word `password`, `passwd`, …), up to
//!   its closing quote or, unterminated, to the end of the file, as the lexer reads it;
//! - the password of a URL inside any string value (RFC 3986 userinfo).

use std::ops::Range;

use memchr::memmem;

use maillint_core::secrets::{is_credential_name, may_be_credential_name, url_password_ranges};
use maillint_core::{Sources, Span, TextRange};

use crate::prefs::{PrefValue, Statement, skip_plain_string_bytes};
use crate::profile::{FileRole, Profile};

/// The secret spans of every file of `sources` (files a fix would create excepted).
///
/// `profile` holds the statements the parser read from the same files: the sweep takes the
/// extent of their strings from there instead of scanning them a second time (see
/// [`sweep_text`]).
pub(crate) fn sweep(sources: &Sources, profile: &Profile<'_>) -> Vec<Span> {
    let mut spans = Vec::new();
    for (file, source) in sources.iter().filter(|(_, s)| !s.is_new()) {
        // An AutoConfig file was parsed from a masked copy: its strings are not the file's.
        let parsed = profile
            .files
            .iter()
            .find(|loaded| loaded.id == file && loaded.role != FileRole::AutoConfig)
            .map_or(&[][..], |loaded| &loaded.parsed.statements[..]);
        let found = sweep_text(source.text(), parsed);
        spans.extend(found.into_iter().map(|r| Span::new(file, r.start, r.end)));
    }
    spans
}

/// The secret ranges of one file's text.
///
/// Every `pref` is a candidate (a profile has one per line), so the loop does little per
/// statement: the specifier and the quotes are found with memchr, and a value is searched for
/// a URL password only when one of the text's `://` (found in one pass up front, a handful
/// per profile) lies inside it.
///
/// `parsed` are statements libpref accepted from this very text, in text order (or none).
/// Where a `pref` found here is one of them, with a string value and nothing but blanks around
/// its `(` and `,` (what this loop requires), its strings end where the parser's literals end:
/// both follow the backslash rule, and an accepted statement's escapes are valid. Their
/// extent is then taken from the statement, not scanned again (string values are most of a
/// profile's bytes). Everything else is read lexically as before, with the same result.
fn sweep_text(text: &str, parsed: &[Statement<'_>]) -> Vec<Range<usize>> {
    let finder = PrefFinder::new();
    sweep_text_with(text, parsed, |bytes, from| finder.find(bytes, from))
}

/// [`sweep_text`] with `find_pref(bytes, from)` giving the first `pref` at or after `from`.
fn sweep_text_with(
    text: &str,
    parsed: &[Statement<'_>],
    find_pref: impl Fn(&[u8], usize) -> Option<usize>,
) -> Vec<Range<usize>> {
    let bytes = text.as_bytes();
    let mut urls = memmem::find_iter(bytes, b"://").peekable();
    let mut found = Vec::new();
    let mut from = 0;
    let mut next_statement = 0;
    loop {
        let next_pref = next_statement_pref(bytes, parsed, next_statement, from);
        let Some(at) = next_pref.or_else(|| find_pref(bytes, from)) else { break };
        let after = at + PREF.len();
        from = after;
        let read = parsed_reading(text, parsed, &mut next_statement, after)
            .unwrap_or_else(|| lexical_strings(text, after));
        let (name, value) = match read {
            Lexed::Strings(name, value) => (name, value),
            Lexed::NotAPref => continue,
            Lexed::PassedTo(end) => {
                from = end;
                continue;
            }
            Lexed::NameToTheEnd => break, // no value follows
        };
        if may_be_credential_name(&bytes[name.clone()]) && is_credential_name(&text[name]) {
            found.push(value.clone());
        } else {
            // Values come in text order, so the `://` before this one are passed for good.
            while urls.next_if(|&url| url < value.start).is_some() {}
            if let Some(&url) = urls.peek().filter(|&&url| url + 3 <= value.end)
                && may_hold_url_password(&bytes[url + 3..value.end])
            {
                let shift = |r: Range<usize>| value.start + r.start..value.start + r.end;
                found.extend(url_password_ranges(&text[value.clone()]).into_iter().map(shift));
            }
        }
        from = from.max(value.end);
    }
    found.retain(|r| !r.is_empty());
    found
}

/// The first `pref` at or after `from`, when the parsed statements tell it without a search:
/// the first statement at or after `from` (looked for among the next two, from `next`, the
/// statement the sweep last read or the one after it) begins a few bytes away, and no `p` is
/// in between (Thunderbird's `");\n` after a string value). Its specifier's `pref` is then
/// the first (`user_` and `sticky_` hold no `p`). `None` when a search must tell: each
/// search set up for those few bytes cost about 30 instructions more (the sweep of 100 bench
/// homes, with the cheaper reading of [`parsed_reading`], 19.3 M -> 17.4 M instructions).
fn next_statement_pref(
    bytes: &[u8],
    parsed: &[Statement<'_>],
    next: usize,
    from: usize,
) -> Option<usize> {
    let statement =
        parsed.get(next..)?.iter().take(2).find(|s| s.spec_range.start as usize >= from)?;
    let gap = bytes.get(from..statement.spec_range.start as usize)?;
    (gap.len() <= 8 && gap.iter().all(|&b| b != PREF[0]))
        .then(|| statement.spec_range.end as usize - PREF.len())
}

/// Whether [`url_password_ranges`] can find a password in a value whose first `://` ends
/// where `after_scheme` starts: only if a `:` there comes before an `@` (every password it
/// reports lies between a `:` and a later `@`, both after a `://`). Half the values with a
/// `://` in the bench profiles are folder URLs with a `%40`-escaped user and no password
/// (`imap://user%40host@server/Sent`): they are passed over for two byte searches instead
/// of the full reading (5.2 M instructions for 3,236 values on 100 bench homes).
fn may_hold_url_password(after_scheme: &[u8]) -> bool {
    memchr::memrchr(b'@', after_scheme)
        .is_some_and(|last_at| memchr::memchr(b':', &after_scheme[..last_at]).is_some())
}

/// The word every specifier ends with (`pref`, `user_pref`, `sticky_pref`).
const PREF: &[u8; 4] = b"pref";

/// Finds the next [`PREF`] in a text.
///
/// The next `pref` is most often a few bytes away: from the end of one statement's value to
/// the specifier of the next (`");\nuser_pref`), or across the name of a number pref. A vector
/// search costs about 150 instructions a call to set up for that (12 M of the sweep's 33 M
/// instructions on 100 bench homes, one call per statement), so the first [`NEAR`](Self::NEAR) bytes are read eight at a time in plain 64-bit words,
/// looking for a `p` (few per statement), and only a longer stretch (a comment block, a long
/// string the sweep does not skip) takes the vector search.
struct PrefFinder {
    vector: memmem::Finder<'static>,
}

impl PrefFinder {
    /// How many bytes are read word by word before the vector search takes over.
    const NEAR: usize = 128;

    fn new() -> Self {
        Self { vector: memmem::Finder::new(PREF) }
    }

    /// The start of the first `pref` at or after `from` in `bytes`.
    fn find(&self, bytes: &[u8], from: usize) -> Option<usize> {
        let near = bytes.len().min(from.saturating_add(Self::NEAR));
        let mut i = from;
        // Sixteen bytes a step while they last, as two words (LLVM makes one SSE2 step of
        // them; one word a step cost 17 instructions per 8 bytes: the sweep of 100 bench homes
        // 23.1 M -> 22.5 M instructions).
        // A `pref` found in a step is the first at or after `from`: every byte before the step
        // was looked at, and a step's marks are looked at in text order.
        while i < near && i + 16 <= bytes.len() {
            let (low, high) = (word_at(bytes, i), word_at(bytes, i + 8));
            let (low, high) = (p_marks(low), p_marks(high));
            if low | high != 0
                && let Some(at) =
                    pref_at_marks(bytes, i, low).or_else(|| pref_at_marks(bytes, i + 8, high))
            {
                return Some(at);
            }
            i += 16;
        }
        while i < near && i + 8 <= bytes.len() {
            // Most words hold no `p`; a name holds a few, each looked at in text order.
            if let Some(at) = pref_at_marks(bytes, i, p_marks(word_at(bytes, i))) {
                return Some(at);
            }
            i += 8;
        }
        while i < near {
            if bytes.get(i..i + PREF.len()) == Some(PREF) {
                return Some(i);
            }
            i += 1;
        }
        let rest = bytes.get(near..).filter(|rest| !rest.is_empty())?;
        self.vector.find(rest).map(|at| near + at)
    }
}

/// The eight bytes of `bytes` from `at` (which it holds) as a little-endian word: the first
/// byte in the text is the lowest in the word.
#[inline(always)]
fn word_at(bytes: &[u8], at: usize) -> u64 {
    u64::from_le_bytes(bytes[at..at + 8].try_into().unwrap_or_default())
}

/// The first `pref` that starts at a byte of the word at `base` marked in `marks`
/// ([`p_marks`]), looked at in text order.
#[inline(always)]
fn pref_at_marks(bytes: &[u8], base: usize, mut marks: u64) -> Option<usize> {
    while marks != 0 {
        let at = base + (marks.trailing_zeros() / 8) as usize;
        if bytes.get(at..at + PREF.len()) == Some(PREF) {
            return Some(at);
        }
        marks &= marks - 1;
    }
    None
}

/// What the lexical reading does after the specifier of `statement`, a number or boolean pref
/// with only blanks around its `(` and `,`, whose value starts at `value_start`: it searches
/// for the next `pref` from there, through the name and the value. A `pref` in a name without
/// a `(` is not followed by one, so the reading passes over it; the punctuation holds none,
/// and neither does a value that is a number or `true`/`false` right before its `);`. Then
/// the search may start after the statement, and that saves the scan of its text (half the
/// statements of a profile: the sweep of 100 bench homes 17.5 M -> 13.9 M instructions; the
/// parser's scan of a name, which stops at a `(` for this, costs no more).
fn passed_over(bytes: &[u8], statement: &Statement<'_>, value_start: usize) -> Lexed {
    let (value_end, end) = (statement.value_range.end as usize, statement.range.end as usize);
    let plain_value = value_end + 2 == end
        && bytes.get(value_start..value_end).is_some_and(|value| !value.contains(&PREF[0]));
    if !statement.name_holds_paren && plain_value { Lexed::PassedTo(end) } else { Lexed::NotAPref }
}

/// The high bit of every byte of `word` that is a `p` (exact in every byte: the sum of the low
/// seven bits cannot carry into the next byte).
fn p_marks(word: u64) -> u64 {
    const LOWS: u64 = u64::from_le_bytes([0x7F; 8]);
    const ONES: u64 = u64::from_le_bytes([0x01; 8]);
    let x = word ^ (ONES * u64::from(PREF[0]));
    // A byte of `x` is zero exactly when neither its low seven bits nor its high bit is set.
    !(((x & LOWS).wrapping_add(LOWS)) | x) & !LOWS
}

/// What the lexical reading of a `pref` found.
enum Lexed {
    /// The insides of the name and value strings.
    Strings(Range<usize>, Range<usize>),
    /// No `(`, no string name, no `,` or no string value.
    NotAPref,
    /// The name's string runs to the end of the text.
    NameToTheEnd,
    /// Not a pref with a string value either, and no `pref` starts before this offset: the
    /// search for the next one may start there.
    PassedTo(usize),
}

/// Reads `( "name" , "value"` after a `pref` that ends at `after`.
fn lexical_strings(text: &str, after: usize) -> Lexed {
    let open = skip_blanks(text, after);
    if !text[open..].starts_with('(') {
        return Lexed::NotAPref;
    }
    let Some(name) = string_at(text, skip_blanks(text, open + 1)) else { return Lexed::NotAPref };
    if name.end >= text.len() {
        return Lexed::NameToTheEnd;
    }
    let comma = skip_blanks(text, name.end + 1);
    if !text[comma..].starts_with(',') {
        return Lexed::NotAPref;
    }
    match string_at(text, skip_blanks(text, comma + 1)) {
        Some(value) => Lexed::Strings(name, value),
        None => Lexed::NotAPref,
    }
}

/// What [`lexical_strings`] reads after the `pref` that ends at `after`, known from the parsed
/// statement whose specifier ends there when the text between its tokens is what the lexical
/// reading requires (see [`sweep_text`]); `None` when it must be read. `next` is the first
/// statement not passed yet.
fn parsed_reading(
    text: &str,
    parsed: &[Statement<'_>],
    next: &mut usize,
    after: usize,
) -> Option<Lexed> {
    while parsed.get(*next).is_some_and(|s| (s.spec_range.end as usize) < after) {
        *next += 1;
    }
    let statement = parsed.get(*next).filter(|s| s.spec_range.end as usize == after)?;
    let name = quoted_inside(text, statement.name_range)?;
    let only_blanks_and = |between: Range<usize>, punctuation: &str| {
        text.get(between).is_some_and(|t| is_blanks_around(t, punctuation))
    };
    let value_start = statement.value_range.start as usize;
    // Thunderbird's `("` and `", ` are known by their lengths, without reading the text: one
    // byte between specifier and name is the `(`; one or two between name and value are the
    // `,` and a blank the lexer skipped (a comment takes two bytes at least).
    let written_as_thunderbird_writes =
        name.start == after + 2 && matches!(value_start.checked_sub(name.end + 1), Some(1 | 2));
    let only_blanks_around_punctuation = written_as_thunderbird_writes
        || (only_blanks_and(after..name.start - 1, "(")
            && only_blanks_and(name.end + 1..value_start, ","));
    if !only_blanks_around_punctuation {
        return None;
    }
    if !matches!(statement.value, PrefValue::String(_)) {
        // A number or `true`/`false`: no string where the lexical reading wants the value.
        return Some(passed_over(text.as_bytes(), statement, value_start));
    }
    let value = quoted_inside(text, statement.value_range)?;
    Some(Lexed::Strings(name, value))
}

/// Whether `text` is `punctuation` with white space (`char::is_whitespace`, as the lexical
/// reading skips it) around it. `(` and `, ` as Thunderbird writes them are recognised in line,
/// without a scan (twice per statement); other text takes [`is_blanks_around_scanned`].
#[inline]
fn is_blanks_around(text: &str, punctuation: &str) -> bool {
    text.as_bytes()
        .strip_prefix(punctuation.as_bytes())
        .is_some_and(|rest| rest.is_empty() || rest == b" ")
        || is_blanks_around_scanned(text, punctuation)
}

/// [`is_blanks_around`] by a scan. Between the tokens of a parsed statement the text is ASCII:
/// that is checked byte by byte first, and only other text takes the `char` path.
fn is_blanks_around_scanned(text: &str, punctuation: &str) -> bool {
    let ascii_blank = |b: &u8| matches!(b, b'\t'..=b'\r' | b' ');
    let bytes = text.as_bytes();
    let start = bytes.iter().position(|b| !ascii_blank(b)).unwrap_or(bytes.len());
    let end = bytes.iter().rposition(|b| !ascii_blank(b)).map_or(start, |last| last + 1);
    bytes[start..end] == *punctuation.as_bytes()
        || text.trim_matches(char::is_whitespace) == punctuation
}

/// The inside of a string literal at `range` of `text`, quotes checked.
fn quoted_inside(text: &str, range: TextRange) -> Option<Range<usize>> {
    let (start, end) = (range.start as usize, range.end as usize);
    let literal = text.as_bytes().get(start..end)?;
    let quote = *literal.first().filter(|&&q| q == b'"' || q == b'\'')?;
    (literal.len() >= 2 && literal[literal.len() - 1] == quote).then_some(start + 1..end - 1)
}

fn skip_blanks(text: &str, at: usize) -> usize {
    at + text[at..].len() - text[at..].trim_start().len()
}

/// The inside of the string literal that starts at `at` (quoted with `"` or `'`, `\` escapes
/// the next character): to its closing quote, or unterminated to the end of the text.
fn string_at(text: &str, at: usize) -> Option<Range<usize>> {
    let quote = *text.as_bytes().get(at).filter(|&&b| b == b'"' || b == b'\'')?;
    let bytes = text.as_bytes();
    let mut i = at + 1;
    // The lexer's word-at-a-time scan: escaped strings (JSON in a string) have a backslash
    // every few bytes. It also stops at control characters, which are plain here.
    while i < bytes.len() {
        i = skip_plain_string_bytes(bytes, i, bytes.len(), quote);
        match bytes.get(i) {
            Some(&b) if b == quote => return Some(at + 1..i),
            Some(b'\\') => i += 2,
            _ => i += 1,
        }
    }
    Some(at + 1..text.len())
}

#[cfg(test)]
mod tests;
