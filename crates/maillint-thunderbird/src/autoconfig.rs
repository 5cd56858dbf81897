//! AutoConfig files (`thunderbird.cfg`, `mozilla.cfg`: the file `general.config.filename`
//! names, in the install folder): JavaScript that Thunderbird evaluates at start with
//! `pref()`, `defaultPref()`, `lockPref()`, `unlockPref()`, `clearPref()` and `getPref()`
//! defined.
//!
//! What those calls do is in `prefcalls.js` (mozilla-central,
//! extensions/pref/autoconfig/src/prefcalls.js): `pref(name, value)` sets the **user** value,
//! `defaultPref(name, value)` the default value, and `lockPref(name, value)` sets the default
//! value and locks the pref, so that no user value applies and the settings cannot change it.
//! `nsReadConfig.cpp` (same folder) reads the file, subtracts `general.config.obscure_value`
//! from every byte when it is above 0, and evaluates it with its **first line skipped**.
//! `general.config.obscure_value` is 13 unless a default-prefs file sets it
//! (modules/libpref/init/all.js: `pref("general.config.obscure_value", 13); // for MCD .cfg
//! files`), so most deployments set it to 0 and store the file as plain text.
//!
//! maillint does not run JavaScript. The calls whose arguments are a string literal and a
//! literal value are read where they stand, with their exact spans: the text is masked (every
//! byte outside those calls becomes a space, so offsets do not move) and read by the libpref
//! grammar, each call's keyword read back from the original text. A call inside an `if` counts
//! as made; a value computed by JavaScript is reported as not followed.

use maillint_core::TextRange;

use crate::prefs::{PrefsFile, Spec, Statement};

/// The calls of `prefcalls.js` that set a value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Call {
    /// `pref(name, value)`: the user value.
    Pref,
    /// `defaultPref(name, value)`: the default value.
    DefaultPref,
    /// `lockPref(name, value)`: the default value, locked.
    LockPref,
}

impl Call {
    fn of(identifier: &str) -> Option<Call> {
        match identifier {
            "pref" => Some(Call::Pref),
            "defaultPref" => Some(Call::DefaultPref),
            "lockPref" => Some(Call::LockPref),
            _ => None,
        }
    }

    /// The keyword as written.
    pub fn as_str(self) -> &'static str {
        match self {
            Call::Pref => "pref",
            Call::DefaultPref => "defaultPref",
            Call::LockPref => "lockPref",
        }
    }
}

/// One call found in the text: which one, its keyword, and its whole extent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Site {
    /// The function called.
    pub call: Call,
    /// The keyword.
    pub keyword: TextRange,
    /// From the keyword to the closing `)`, and the `;` after it when there is one.
    pub range: TextRange,
}

/// The byte shift of `general.config.obscure_value` when no default-prefs file changes it
/// (all.js).
pub const DEFAULT_OBSCURE_VALUE: u8 = 13;

/// Whether `bytes` look like an AutoConfig file stored byte-shifted by the default
/// `obscure_value`: no line break (a shifted `\n` is 0x17), and a pref call once shifted back.
pub fn looks_obscured(bytes: &[u8]) -> bool {
    if bytes.contains(&b'\n') {
        return false;
    }
    let decoded: Vec<u8> = bytes.iter().map(|b| b.wrapping_sub(DEFAULT_OBSCURE_VALUE)).collect();
    let text = String::from_utf8_lossy(&decoded);
    has_call(&text)
}

/// Whether `text`, its first line skipped, calls `pref`, `defaultPref` or `lockPref`.
pub fn has_call(text: &str) -> bool {
    !sites(text).is_empty()
}

/// Where the code starts: after the first line, which Thunderbird skips.
fn code_start(text: &str) -> usize {
    text.find('\n').map_or(text.len(), |i| i + 1)
}

/// The calls in `text` (first line skipped), in order. Strings, template literals and comments
/// are skipped; a call must not follow a `.` (a method of another object).
pub fn sites(text: &str) -> Vec<Site> {
    let bytes = text.as_bytes();
    let mut sites = Vec::new();
    let mut at = code_start(text);
    let mut previous = b';';
    while at < bytes.len() {
        let byte = bytes[at];
        if let Some(end) = skip_literal_or_comment(bytes, at) {
            at = end;
            previous = b' ';
            continue;
        }
        if byte.is_ascii_alphabetic() || byte == b'_' || byte == b'$' {
            let end = at + bytes[at..].iter().take_while(|b| is_ident(**b)).count();
            let call = Call::of(&text[at..end]).filter(|_| previous != b'.');
            if let Some(site) = call.and_then(|call| site_at(bytes, call, at, end)) {
                sites.push(site);
                at = site.range.end as usize;
                previous = b';';
                continue;
            }
            at = end;
            previous = b'a';
            continue;
        }
        if !byte.is_ascii_whitespace() {
            previous = byte;
        }
        at += 1;
    }
    sites
}

fn is_ident(byte: u8) -> bool {
    byte.is_ascii_alphanumeric() || byte == b'_' || byte == b'$'
}

/// The end of a string, template literal or comment starting at `at`, if one starts there.
fn skip_literal_or_comment(bytes: &[u8], at: usize) -> Option<usize> {
    match (bytes[at], bytes.get(at + 1)) {
        (b'/', Some(b'/')) => {
            Some(bytes[at..].iter().position(|&b| b == b'\n').map_or(bytes.len(), |i| at + i))
        }
        (b'/', Some(b'*')) => Some(
            bytes[at + 2..].windows(2).position(|w| w == b"*/").map_or(bytes.len(), |i| at + i + 4),
        ),
        (quote @ (b'"' | b'\'' | b'`'), _) => {
            let mut i = at + 1;
            while i < bytes.len() && bytes[i] != quote {
                i += if bytes[i] == b'\\' { 2 } else { 1 };
            }
            Some((i + 1).min(bytes.len()))
        }
        _ => None,
    }
}

/// The call whose keyword spans `start..end`: `(`, arguments up to the matching `)` (strings
/// and comments skipped), and a `;` when it follows.
fn site_at(bytes: &[u8], call: Call, start: usize, end: usize) -> Option<Site> {
    let mut at = end;
    while at < bytes.len() && bytes[at].is_ascii_whitespace() {
        at += 1;
    }
    if bytes.get(at) != Some(&b'(') {
        return None;
    }
    let mut depth = 0usize;
    while at < bytes.len() {
        if let Some(next) = skip_literal_or_comment(bytes, at) {
            at = next;
            continue;
        }
        match bytes[at] {
            b'(' => depth += 1,
            b')' => {
                depth -= 1;
                if depth == 0 {
                    break;
                }
            }
            _ => {}
        }
        at += 1;
    }
    if at >= bytes.len() {
        return None;
    }
    let mut close = at + 1;
    let mut after = close;
    while after < bytes.len() && matches!(bytes[after], b' ' | b'\t') {
        after += 1;
    }
    if bytes.get(after) == Some(&b';') {
        close = after + 1;
    }
    Some(Site { call, keyword: TextRange::new(start, end), range: TextRange::new(start, close) })
}

/// The text libpref's grammar reads instead of `text`: every byte outside the calls becomes a
/// space (line breaks stay), each keyword becomes `pref` padded with spaces, and a call without
/// its `;` gets one in the byte after its `)` when that byte is white space. Offsets and
/// lengths do not change, so every span found in the masked text is a span of the original.
pub fn masked(text: &str, sites: &[Site]) -> String {
    let mut out: Vec<u8> = text.bytes().map(|b| if b == b'\n' { b'\n' } else { b' ' }).collect();
    for site in sites {
        let (start, end) = (site.range.start as usize, site.range.end as usize);
        out[start..end].copy_from_slice(&text.as_bytes()[start..end]);
        let keyword = site.keyword.start as usize..site.keyword.end as usize;
        out[keyword.clone()].fill(b' ');
        out[keyword.start..keyword.start + 4].copy_from_slice(b"pref");
        if text.as_bytes()[end - 1] != b';' && out.get(end).is_some_and(u8::is_ascii_whitespace) {
            out[end] = b';';
        }
    }
    // Only ASCII bytes were written over the text's own UTF-8 sequences, which were copied
    // whole (a call starts and ends on ASCII bytes), so the result is UTF-8.
    String::from_utf8(out).unwrap_or_default()
}

/// Gives the statements read from the masked text their AutoConfig meaning: the keyword
/// written at each statement (read back from `sites`) decides which value it sets and whether
/// it locks the pref.
pub fn apply_calls(parsed: &mut PrefsFile<'_>, sites: &[Site]) {
    for statement in &mut parsed.statements {
        let Some(site) = sites.iter().find(|s| s.keyword.start == statement.spec_range.start)
        else {
            continue;
        };
        apply(statement, site);
    }
}

fn apply(statement: &mut Statement<'_>, site: &Site) {
    statement.spec_range = site.keyword;
    match site.call {
        Call::Pref => statement.spec = Spec::UserPref,
        Call::DefaultPref => statement.spec = Spec::Pref,
        Call::LockPref => {
            statement.spec = Spec::Pref;
            statement.locked = true;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::prefs::{FileKind, parse};

    const CFG: &str = "// first line, skipped: lockPref(\"skipped\", 1);\n\
        lockPref(\"mail.server.server1.socketType\", 0);\n\
        defaultPref('mail.server.server1.hostname', \"imap.example.org\") // no semicolon\n\
        if (getenv(\"USER\") == \"x\") { pref(\"mail.server.server1.port\", 143); }\n\
        var s = \"lockPref('in.a.string', 1)\"; /* lockPref(\"in.a.comment\", 2); */\n\
        Services.prefs.lockPref(\"a.method\", 3);\n\
        lockPref(\"computed\", getenv(\"HOME\") + \"/x\");\n";

    #[test]
    fn calls_are_found_outside_strings_comments_and_the_first_line() {
        let found: Vec<(Call, &str)> = sites(CFG)
            .iter()
            .map(|s| (s.call, &CFG[s.range.start as usize..s.range.end as usize]))
            .collect();
        assert_eq!(
            found,
            [
                (Call::LockPref, "lockPref(\"mail.server.server1.socketType\", 0);"),
                (
                    Call::DefaultPref,
                    "defaultPref('mail.server.server1.hostname', \"imap.example.org\")"
                ),
                (Call::Pref, "pref(\"mail.server.server1.port\", 143);"),
                (Call::LockPref, "lockPref(\"computed\", getenv(\"HOME\") + \"/x\");"),
            ]
        );
    }

    #[test]
    fn the_masked_text_reads_as_prefs_with_the_original_spans() {
        let found = sites(CFG);
        let text = masked(CFG, &found);
        assert_eq!(text.len(), CFG.len());
        let mut parsed = parse(text.as_bytes(), FileKind::Default);
        apply_calls(&mut parsed, &found);
        let read: Vec<(&str, Spec, bool)> =
            parsed.statements.iter().map(|s| (s.name.as_ref(), s.spec, s.locked)).collect();
        assert_eq!(
            read,
            [
                ("mail.server.server1.socketType", Spec::Pref, true),
                ("mail.server.server1.hostname", Spec::Pref, false),
                ("mail.server.server1.port", Spec::UserPref, false),
            ]
        );
        let first = &parsed.statements[0];
        let keyword = &CFG[first.spec_range.start as usize..first.spec_range.end as usize];
        assert_eq!(keyword, "lockPref");
        assert_eq!(&CFG[first.value_range.start as usize..first.value_range.end as usize], "0");
        // The computed value is an error of the masked text, at the call that has it.
        assert_eq!(parsed.errors.len(), 1);
        assert!(CFG[parsed.errors[0].offset..].starts_with("getenv"));
    }

    #[test]
    fn the_byte_shifted_form_is_recognised() {
        let shifted: Vec<u8> = "// x\nlockPref(\"a\", 1);\n".bytes().map(|b| b + 13).collect();
        assert!(looks_obscured(&shifted));
        assert!(!looks_obscured(b"// x\nlockPref(\"a\", 1);\n"));
        assert!(!looks_obscured(b"nothing here at all"));
    }
}
