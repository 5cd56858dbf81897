//! Redaction: secrets never reach any output.
//!
//! Redaction works on spans. Parsers record the span of every secret they see, interpreted or
//! not (each parser also sweeps its raw text, see `maillint_core::secrets`). Source text shown
//! in snippets and in `--diff` has those bytes replaced by `*` (byte for byte, so every span
//! still points at the same place). Messages never embed a secret: rules name the setting
//! (`imap_pass`), never its value.
//!
//! [`scrub`] is the safety net behind that rule, for a message that quotes a value anyway (a
//! parse error quoting its line): it replaces a secret's text by `[REDACTED]` only where it
//! stands as a whole word, not inside a longer word, so that with the password `pass` the
//! message still reads "the IMAP password is stored in plain text in `imap_pass`". Secrets of
//! fewer than 3 characters are left to the spans: as words they would hit "a", "to", "is".

use std::ops::Range;

use maillint_core::{FileId, Sources, Span};

/// The text of `file` with every secret span masked.
pub fn redacted_text(sources: &Sources, file: FileId, secrets: &[Span]) -> String {
    let text = sources.get(file).text();
    let secrets: Vec<Range<usize>> =
        secrets.iter().filter(|s| s.file == file).map(|s| s.range.as_range()).collect();
    masked_part(text, &secrets, 0..text.len())
}

/// `text[part]` (`part` on character boundaries) with the bytes of every `secrets` range in it
/// masked, as [`redacted_text`] masks a whole file.
pub fn masked_part(text: &str, secrets: &[Range<usize>], part: Range<usize>) -> String {
    let mut bytes = text.as_bytes()[part.clone()].to_vec();
    for secret in secrets {
        let (from, to) = (secret.start.max(part.start), secret.end.min(part.end));
        if from < to {
            // Mask the start of each character and its continuation bytes alike: writing
            // ASCII over every byte keeps the length, and thus every offset, unchanged.
            bytes[from - part.start..to - part.start].fill(b'*');
        }
    }
    // Every byte of a masked character was replaced, so the result is still UTF-8.
    String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// The secret texts of a unit, for scrubbing messages.
pub fn secret_texts<'a>(sources: &'a Sources, secrets: &[Span]) -> Vec<&'a str> {
    let mut texts: Vec<&str> = secrets
        .iter()
        .map(|s| sources.slice(*s))
        // A one-character "secret" would scrub ordinary words; such values are masked in
        // snippets anyway.
        .filter(|t| t.chars().count() >= 3)
        .collect();
    texts.sort_by_key(|t| std::cmp::Reverse(t.len()));
    texts.dedup();
    texts
}

/// `message` with every whole-word occurrence of a secret text replaced by `[REDACTED]`.
pub fn scrub(message: &str, secrets: &[&str]) -> String {
    let mut out = message.to_owned();
    for secret in secrets {
        if out.contains(secret) {
            out = replace_words(&out, secret);
        }
    }
    out
}

/// A character that continues a word: an occurrence next to one is part of a longer word.
fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_'
}

fn replace_words(text: &str, secret: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    for (at, _) in text.match_indices(secret) {
        if at < copied {
            continue; // overlaps the previous replacement
        }
        let before = text[..at].chars().next_back();
        let after = text[at + secret.len()..].chars().next();
        let glued = |c: Option<char>, edge: Option<char>| {
            c.is_some_and(is_word_char) && edge.is_some_and(is_word_char)
        };
        if glued(before, secret.chars().next()) || glued(after, secret.chars().next_back()) {
            continue;
        }
        out.push_str(&text[copied..at]);
        out.push_str("[REDACTED]");
        copied = at + secret.len();
    }
    out.push_str(&text[copied..]);
    out
}

#[cfg(test)]
mod tests {
    use maillint_core::SourceFile;

    use super::*;

    #[test]
    fn masks_secret_bytes_and_keeps_offsets() {
        let mut sources = Sources::new();
        let id = sources.add(SourceFile::from_text("m", "set imap_pass=\"pässwörd\"\nset x=1\n"));
        let start = 15;
        let end = start + "pässwörd".len();
        let secrets = [Span::new(id, start, end)];
        let text = redacted_text(&sources, id, &secrets);
        assert_eq!(text.len(), sources.get(id).text().len());
        assert!(!text.contains("pässwörd"));
        assert!(text.ends_with("\"\nset x=1\n"));
        let texts = secret_texts(&sources, &secrets);
        assert_eq!(scrub("value pässwörd here", &texts), "value [REDACTED] here");
    }

    #[test]
    fn the_safety_net_replaces_whole_words_only() {
        let secrets = ["pass"];
        assert_eq!(
            scrub("the IMAP password is stored in plain text in `imap_pass`", &secrets),
            "the IMAP password is stored in plain text in `imap_pass`"
        );
        assert_eq!(
            scrub("unknown value `pass` (pass=pass)", &secrets),
            "unknown value `[REDACTED]` ([REDACTED]=[REDACTED])"
        );
        // A secret that begins or ends with punctuation is a word at that edge anyway.
        assert_eq!(scrub("x=!pw!y", &["!pw!"]), "x=[REDACTED]y");
    }
}
