//! The part of a file the full format draws from: the lines around a unit's findings in it,
//! redacted and made visible, with where it starts in the file.
//!
//! miette never reads more than a line or two around a span, but the whole file was redacted
//! and escaped for it: for a 100 KB `prefs.js` with a few findings, that copy and escape cost a
//! sixth of drawing the full output. The lines kept here reach further than miette's context,
//! and the numbers miette prints are those of the whole file ([`WindowedSource`]'s
//! `breaks_before`), so every block is drawn exactly as from the whole file.

use std::ops::Range;

use maillint_core::{FileId, Sources, Span};
use miette::SourceSpan;

use crate::escape::VisibleSource;
use crate::redact;
use crate::window::{WindowedSource, line_starts};

/// Lines kept above and below the spans: more than miette's context of one line each way.
const CONTEXT_LINES: usize = 3;

/// The shown part of one file.
#[derive(Debug)]
pub struct Shown {
    visible: VisibleSource,
    starts: Vec<usize>,
    /// Where the shown text starts in the file: the start of a line.
    start: usize,
    /// The line breaks of the redacted, visible file before `start`.
    breaks_before: usize,
}

impl Shown {
    /// The lines of `file` around `spans` (spans in `file`), with every secret span masked and
    /// every control character made visible. Without spans, the whole file.
    pub fn new(
        sources: &Sources,
        file: FileId,
        secrets: &[Span],
        spans: impl IntoIterator<Item = Span>,
    ) -> Self {
        let text = sources.get(file).text();
        let secrets: Vec<Range<usize>> =
            secrets.iter().filter(|s| s.file == file).map(|s| s.range.as_range()).collect();
        // A masked line feed is a `*` in the shown text, not a line break.
        let is_break = |at: usize| !secrets.iter().any(|r| r.contains(&at));
        let (first, last) = spans.into_iter().fold((text.len(), 0), |(first, last), span| {
            (first.min(span.range.start as usize), last.max(span.range.end as usize))
        });
        let (first, last) = if first <= last { (first, last) } else { (0, text.len()) };
        let start = line_start_above(text.as_bytes(), first, is_break);
        let end = line_end_below(text.as_bytes(), last, is_break).max(start);
        let visible = VisibleSource::new(&redact::masked_part(text, &secrets, start..end));
        let starts = line_starts(&visible.text);
        let breaks_before = memchr::memchr_iter(b'\n', &text.as_bytes()[..start])
            .filter(|&at| is_break(at))
            .count();
        Shown { visible, starts, start, breaks_before }
    }

    /// Where `span` of the file is in the shown text.
    pub fn span(&self, span: Span) -> SourceSpan {
        let (start, end) = self
            .visible
            .range(span.range.start as usize - self.start, span.range.end as usize - self.start);
        SourceSpan::new(start.into(), end - start)
    }

    /// The shown text as a miette source named `name`.
    pub fn source(&self, name: String) -> WindowedSource<'_> {
        WindowedSource::new(name, &self.visible.text, &self.starts)
            .numbered_after(self.breaks_before)
    }
}

/// The start of the line `CONTEXT_LINES` above the one holding `at`: just after a line break,
/// or the file's start.
fn line_start_above(bytes: &[u8], at: usize, is_break: impl Fn(usize) -> bool) -> usize {
    let mut end = at.min(bytes.len());
    let mut breaks_left = CONTEXT_LINES + 1;
    while let Some(lf) = memchr::memrchr(b'\n', &bytes[..end]) {
        end = lf;
        if is_break(lf) {
            breaks_left -= 1;
            if breaks_left == 0 {
                return lf + 1;
            }
        }
    }
    0
}

/// The end of the line `CONTEXT_LINES` below the one holding `at`, its line break included, or
/// the file's end.
fn line_end_below(bytes: &[u8], at: usize, is_break: impl Fn(usize) -> bool) -> usize {
    let mut from = at.min(bytes.len());
    let mut breaks_left = CONTEXT_LINES + 1;
    while let Some(offset) = memchr::memchr(b'\n', &bytes[from..]) {
        let lf = from + offset;
        from = lf + 1;
        if is_break(lf) {
            breaks_left -= 1;
            if breaks_left == 0 {
                return lf + 1;
            }
        }
    }
    bytes.len()
}

#[cfg(test)]
mod tests {
    use super::*;
    use maillint_core::SourceFile;
    use miette::SourceCode;

    /// Every span of `text` read through the shown part and through the whole file redacted
    /// and made visible, with miette's context of one line: the same lines, numbers and
    /// columns.
    fn assert_same_as_whole(text: &str, secrets: &[Range<usize>]) {
        let mut sources = Sources::new();
        let file = sources.add(SourceFile::from_text("f", text));
        let secrets: Vec<Span> = secrets.iter().map(|r| Span::new(file, r.start, r.end)).collect();
        let whole = VisibleSource::new(&redact::redacted_text(&sources, file, &secrets));
        let whole_starts = line_starts(&whole.text);
        let whole_source = WindowedSource::new("f".into(), &whole.text, &whole_starts);
        let boundaries: Vec<usize> =
            (0..=text.len()).filter(|&i| text.is_char_boundary(i)).collect();
        for &start in &boundaries {
            for &end in boundaries.iter().filter(|&&end| end >= start && end <= start + 3) {
                let span = Span::new(file, start, end);
                let shown = Shown::new(&sources, file, &secrets, [span]);
                let (ours, theirs) = (shown.span(span), {
                    let (s, e) = whole.range(start, end);
                    SourceSpan::new(s.into(), e - s)
                });
                let source = shown.source("f".into());
                let ours = source.read_span(&ours, 1, 1).unwrap();
                let theirs = whole_source.read_span(&theirs, 1, 1).unwrap();
                let what = format!("{text:?} {start}..{end}");
                assert_eq!(ours.data(), theirs.data(), "{what}");
                assert_eq!(ours.line(), theirs.line(), "{what}");
                assert_eq!(ours.column(), theirs.column(), "{what}");
                assert_eq!(ours.line_count(), theirs.line_count(), "{what}");
                assert_eq!(ours.span().len(), theirs.span().len(), "{what}");
            }
        }
    }

    #[test]
    fn every_span_reads_as_from_the_whole_file() {
        let long: String = (0..12).map(|i| format!("line {i}\n")).collect();
        assert_same_as_whole(&long, &[]);
        assert_same_as_whole("a\r\nbb\r\n\r\ncc\nd\ne\nf\ng\nh\n", &[]);
        assert_same_as_whole("a\rb\r\rc\n\rd\ne\nf\ng\nh\ni\nj", &[]);
        assert_same_as_whole("x\u{1b}[2J\ny\u{7}\nz\né\n1\n2\n3\n4\n5\n", &[]);
        // A secret over line breaks: masked, they are no longer breaks.
        assert_same_as_whole(&long, &[5..30, 50..52]);
        assert_same_as_whole("", &[]);
    }

    #[test]
    fn only_the_lines_around_the_spans_are_kept() {
        let text: String = (0..100).map(|i| format!("line {i:02}\n")).collect();
        let mut sources = Sources::new();
        let file = sources.add(SourceFile::from_text("f", text.as_str()));
        let at = text.find("line 50").unwrap();
        let shown = Shown::new(&sources, file, &[], [Span::new(file, at, at + 4)]);
        assert_eq!(
            shown.visible.text,
            (47..54).map(|i| format!("line {i:02}\n")).collect::<String>()
        );
        assert_eq!(shown.breaks_before, 47);
    }
}
