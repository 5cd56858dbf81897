//! Redaction: secrets never reach any output.
//!
//! Parsers record the span of every secret they see. Source text shown in snippets has those
//! bytes replaced by `*` (byte for byte, so every span still points at the same place), and any
//! message that happens to contain a secret's text has it replaced by `[REDACTED]`. Rules never
//! put secrets into messages; this is the second line of defence.

use maillint_core::{FileId, Sources, Span};

/// The text of `file` with every secret span masked.
pub fn redacted_text(sources: &Sources, file: FileId, secrets: &[Span]) -> String {
    let text = sources.get(file).text();
    let mut bytes = text.as_bytes().to_vec();
    for span in secrets.iter().filter(|s| s.file == file) {
        for b in &mut bytes[span.range.as_range()] {
            // Mask only the start of each character and its continuation bytes alike: writing
            // ASCII over every byte keeps the length, and thus every offset, unchanged.
            *b = b'*';
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

/// `message` with any secret text replaced by `[REDACTED]`.
pub fn scrub(message: &str, secrets: &[&str]) -> String {
    let mut out = message.to_owned();
    for secret in secrets {
        if out.contains(secret) {
            out = out.replace(secret, "[REDACTED]");
        }
    }
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
}
