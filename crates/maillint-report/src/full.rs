//! `full`: miette's graphical report, one block per finding with the source snippet, labels,
//! why it matters, what to do and the fix.
//!
//! Snippets are taken from redacted text, so a secret on a labelled line shows as `****`, and
//! every control character of the file, its name and the messages is made visible
//! ([`escape`]) with the labels moved to match.

use std::fmt;
use std::io::{self, Write};

use maillint_core::{Applicability, Diagnostic, Severity, Sources};
use maillint_engine::UnitReport;
use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan};
use owo_colors::OwoColorize;

use crate::escape;
use crate::location::Location;
use crate::shown::Shown;
use crate::window::WindowedSource;
use crate::{RenderOptions, redact, wrap_cache};

/// A diagnostic prepared for miette.
struct Rendered<'a> {
    diagnostic: &'a Diagnostic,
    message: String,
    help: Option<String>,
    source: WindowedSource<'a>,
    labels: Vec<LabeledSpan>,
}

impl fmt::Debug for Rendered<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl fmt::Display for Rendered<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Rendered<'_> {}

impl miette::Diagnostic for Rendered<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        Some(Box::new(format!("{}/{}", self.diagnostic.rule.code, self.diagnostic.rule.name)))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.diagnostic.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Info => miette::Severity::Advice,
        })
    }

    // No `help`: `render` writes the footer itself, as miette would, from a memory of the
    // footers already filled (`wrap_cache::help_footer`).

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        Some(&self.source)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        Some(Box::new(self.labels.iter().cloned()))
    }
}

/// The width miette lays the blocks out to.
const WIDTH: usize = 100;

/// Writes every diagnostic as a graphical block.
pub fn render(units: &[UnitReport], out: &mut dyn Write, options: RenderOptions) -> io::Result<()> {
    let theme =
        if options.color { GraphicalTheme::unicode() } else { GraphicalTheme::unicode_nocolor() };
    let (handler, help_indent) = handler(theme);
    for unit in units {
        let secrets = redact::secret_texts(&unit.sources, unit.secrets());
        // The lines around all findings in a file are redacted, made visible and split into
        // lines once.
        let mut shown_cache: Vec<Option<Shown>> =
            std::iter::repeat_with(|| None).take(unit.sources.len()).collect();
        for d in &unit.diagnostics {
            let file = d.span.file;
            let shown = shown_cache[file.0 as usize].get_or_insert_with(|| {
                let spans = unit
                    .diagnostics
                    .iter()
                    .flat_map(|d| std::iter::once(d.span).chain(d.labels.iter().map(|l| l.span)));
                let spans = spans.filter(|span| span.file == file);
                Shown::new(&unit.sources, file, unit.secrets(), spans)
            });
            let rendered = prepare(d, &unit.sources, shown, &secrets);
            let mut block = String::new();
            handler
                .render_report(&mut block, &rendered)
                .map_err(|_| io::Error::other("formatting a diagnostic failed"))?;
            // miette writes the footer last (no related diagnostics, no handler footer here).
            if let Some(help) = &rendered.help {
                block.push_str(&wrap_cache::help_footer(help, &help_indent, WIDTH - 2));
            }
            out.write_all(block.as_bytes())?;
            writeln!(out)?;
        }
    }
    Ok(())
}

/// miette's handler for the full format, and what its `render_footer` puts before a help
/// text in the theme's colours (the footer is written by `render`).
fn handler(theme: GraphicalTheme) -> (GraphicalReportHandler, String) {
    let help_indent = "  help: ".style(theme.styles.help).to_string();
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(WIDTH)
        .with_links(false)
        .with_word_separator(wrap_cache::separator());
    (handler, help_indent)
}

fn prepare<'a>(
    d: &'a Diagnostic,
    sources: &Sources,
    text: &'a Shown,
    secrets: &[&str],
) -> Rendered<'a> {
    let name = escape::line(&sources.get(d.span.file).path().display().to_string()).into_owned();
    let shown = |span: maillint_core::Span| text.span(span);
    let mut labels = vec![LabeledSpan::new_primary_with_span(None, shown(d.span))];
    let mut notes = Vec::new();
    for label in &d.labels {
        let message = escape::block(&redact::scrub(&label.message, secrets)).into_owned();
        if label.span.file == d.span.file {
            labels.push(LabeledSpan::new_with_span(Some(message), shown(label.span)));
        } else {
            // miette shows one file per report; a label in another file (user.js beside
            // prefs.js) becomes a note with its location.
            let loc = Location::of(sources, label.span);
            let path = escape::line(&loc.path);
            notes.push(format!("{path}:{}:{}: {message}", loc.line, loc.column));
        }
    }
    let mut help = Vec::new();
    if let Some(why) = &d.why {
        help.push(redact::scrub(why, secrets));
    }
    if let Some(h) = &d.help {
        help.push(redact::scrub(h, secrets));
    }
    if let Some(fix) = &d.fix {
        let tier = match (fix.applicability, fix.edits.is_empty()) {
            (_, true) | (Applicability::DisplayOnly, _) => "suggested fix",
            (Applicability::Safe, false) => "safe fix, applied by --fix",
            (Applicability::Unsafe, false) => "unsafe fix, applied by --fix --unsafe-fixes",
        };
        help.push(format!("{tier}: {}", redact::scrub(&fix.title, secrets)));
    }
    help.extend(notes);
    Rendered {
        diagnostic: d,
        message: escape::block(&redact::scrub(&d.message, secrets)).into_owned(),
        help: (!help.is_empty()).then(|| escape::block(&help.join("\n")).into_owned()),
        source: text.source(name),
        labels,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A finding as miette sees it, with or without its help.
    #[derive(Debug)]
    struct Finding(Option<&'static str>);

    impl fmt::Display for Finding {
        fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("the IMAP connection to `mail.example.org` is not encrypted")
        }
    }

    impl std::error::Error for Finding {}

    impl miette::Diagnostic for Finding {
        fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
            self.0.map(|h| Box::new(h) as Box<dyn fmt::Display>)
        }
    }

    #[test]
    fn the_help_footer_is_what_miette_writes() {
        let helps = [
            "short",
            "Anyone on the network path can read the password and the mail: the connection is \
             not encrypted. Set the security to SSL/TLS (port 993) or STARTTLS (port 143).\nsafe \
             fix, applied by --fix: Replace `mail.example.org` with `imap.example.org` and a \
             very-long-hyphenated-word-that-must-be-split-somewhere-because-it-is-longer-than-\
             any-line https://example.org/a/very/long/path/that/does/not/fit/on/one/line/at/all",
            "two\n\nparagraphs, one empty line between",
        ];
        for theme in [GraphicalTheme::unicode(), GraphicalTheme::unicode_nocolor()] {
            let (handler, indent) = handler(theme);
            for help in helps {
                let (mut by_miette, mut ours) = (String::new(), String::new());
                handler.render_report(&mut by_miette, &Finding(Some(help))).unwrap();
                handler.render_report(&mut ours, &Finding(None)).unwrap();
                // Twice: the second comes from memory.
                for _ in 0..2 {
                    let mut block = ours.clone();
                    block.push_str(&wrap_cache::help_footer(help, &indent, WIDTH - 2));
                    assert_eq!(block, by_miette, "{help}");
                }
            }
        }
    }
}
