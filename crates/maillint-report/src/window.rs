//! A snippet source for miette that reads only the lines around a span.
//!
//! miette's own [`SourceCode`] for text finds a span's lines by walking the text from its first
//! byte, every time a report is drawn (several times per finding: once per label and once for
//! the context). A finding near the end of a 100 KB `prefs.js` then costs a walk over 100 KB per
//! label, which made drawing the `full` output cost more than reading and checking the files.
//!
//! [`WindowedSource`] knows where every line starts (counted once per file) and hands miette's
//! own algorithm only the text from the first context line on, then moves the result back to
//! whole-file offsets and line numbers. miette counts a line break as LF, CR LF or a lone CR;
//! the line starts here follow the same rule, so the result is exactly miette's (tested against
//! it on every span of texts with each kind of line break).

use miette::{MietteError, MietteSpanContents, SourceCode, SourceSpan, SpanContents};

/// A named text with the offsets where its lines start, as miette counts lines.
#[derive(Debug)]
pub struct WindowedSource<'a> {
    name: String,
    text: &'a str,
    /// The offset of every line start after the first: just past each LF, each CR LF, and each
    /// CR not followed by LF.
    line_starts: &'a [usize],
    /// Line breaks before `text` in the file it is part of (0: the whole file).
    breaks_before_text: usize,
}

/// The offsets where the lines of `text` start, after the first (see [`WindowedSource`]).
pub fn line_starts(text: &str) -> Vec<usize> {
    let bytes = text.as_bytes();
    memchr::memchr2_iter(b'\n', b'\r', bytes)
        .filter(|&at| !(bytes[at] == b'\r' && bytes.get(at + 1) == Some(&b'\n')))
        .map(|at| at + 1)
        .collect()
}

impl<'a> WindowedSource<'a> {
    /// `text`, shown under `name`, with its [`line_starts`].
    pub fn new(name: String, text: &'a str, line_starts: &'a [usize]) -> Self {
        Self { name, text, line_starts, breaks_before_text: 0 }
    }

    /// The same source for a text that is part of a file, after `breaks` line breaks: line
    /// numbers are the file's.
    pub fn numbered_after(self, breaks: usize) -> Self {
        Self { breaks_before_text: breaks, ..self }
    }

    /// Where the window for `span` starts, and how many line breaks precede it: the start of
    /// the line `context_before` lines above the span's line (the text's start when there are
    /// fewer). miette looks at the span's last byte first for an empty span, the byte before
    /// it, so the window starts from that byte's line when it is earlier.
    fn window_start(&self, span: &SourceSpan, context_before: usize) -> (usize, usize) {
        let first_looked_at = span.offset().min((span.offset() + span.len()).saturating_sub(1));
        // Lines that end before that byte: those whose following line starts at or before it.
        let span_line = self.line_starts.partition_point(|&start| start <= first_looked_at);
        match span_line.checked_sub(context_before) {
            Some(0) | None => (0, 0),
            Some(line) => (self.line_starts[line - 1], line),
        }
    }
}

impl SourceCode for WindowedSource<'_> {
    fn read_span<'b>(
        &'b self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'b> + 'b>, MietteError> {
        let (start, breaks_before) = self.window_start(span, context_lines_before);
        let breaks_before = breaks_before + self.breaks_before_text;
        let window = &self.text.as_bytes()[start..];
        let local = SourceSpan::new((span.offset() - start).into(), span.len());
        let inner = window.read_span(&local, context_lines_before, context_lines_after)?;
        let shifted = SourceSpan::new((inner.span().offset() + start).into(), inner.span().len());
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            inner.data(),
            shifted,
            inner.line() + breaks_before,
            inner.column(),
            inner.line_count() + breaks_before,
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use miette::NamedSource;

    /// Every span of `text` (every start, lengths 0 to 3 and to the end), with 0 to 2 context
    /// lines, read through the window and through miette's own source.
    fn assert_same_as_miette(text: &str) {
        let starts = line_starts(text);
        let windowed = WindowedSource::new("f".into(), text, &starts);
        let whole = NamedSource::new("f", text.to_owned());
        for offset in 0..=text.len() {
            let lengths = [0, 1, 2, 3, text.len() - offset];
            for len in lengths.into_iter().filter(|&len| offset + len <= text.len()) {
                for context in 0..3 {
                    let span = SourceSpan::new(offset.into(), len);
                    let ours = windowed.read_span(&span, context, context);
                    let theirs = whole.read_span(&span, context, context);
                    let (ours, theirs) = match (ours, theirs) {
                        (Ok(ours), Ok(theirs)) => (ours, theirs),
                        (ours, theirs) => {
                            assert_eq!(ours.is_err(), theirs.is_err(), "{text:?} {span:?}");
                            continue;
                        }
                    };
                    let what = format!("{text:?} at {offset}+{len}, context {context}");
                    assert_eq!(ours.data(), theirs.data(), "{what}");
                    assert_eq!(ours.span(), theirs.span(), "{what}");
                    assert_eq!(ours.line(), theirs.line(), "{what}");
                    assert_eq!(ours.column(), theirs.column(), "{what}");
                    assert_eq!(ours.line_count(), theirs.line_count(), "{what}");
                    assert_eq!(ours.name(), theirs.name(), "{what}");
                }
            }
        }
    }

    #[test]
    fn every_span_reads_as_miette_reads_it() {
        for text in [
            "",
            "one line",
            "a\nb\nc\n",
            "a\r\nbb\r\n\r\ncc",
            "a\rb\r\rc\n\rd",
            "\n\n\nx\n\n",
            "user_pref(\"a\", 1);\nuser_pref(\"b\", \"é\");\r\nuser_pref(\"c\", true);\n",
        ] {
            assert_same_as_miette(text);
        }
    }

    #[test]
    fn line_starts_follow_mietes_line_breaks() {
        assert_eq!(line_starts("a\nb\r\nc\rd\r"), [2, 5, 7, 9]);
        assert!(line_starts("no break").is_empty());
    }
}
