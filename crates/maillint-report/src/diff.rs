//! `--diff`: a unified diff of what `--fix` would change, ready for `git apply`.
//!
//! Lines are compared as decoded text; the header names the file. Secrets are masked by span
//! on both sides: the text before with the spans of the lint before, the text after with the
//! spans of the lint of the fixed text (which read the same secrets again), so a password of
//! any length shows as `*`s; [`redact::scrub`] is the safety net on every line.
//!
//! On a terminal the lines also get their control characters made visible ([`escape`]); the
//! diff written to a pipe or a file stays byte-exact, as `git apply` needs.

use std::io::{self, Write};

use maillint_engine::{FileChange, FixOutcome, UnitReport};
use similar::TextDiff;

use crate::{escape, redact};

/// Writes the diff of every changed file of `outcome`. `for_terminal` makes control
/// characters visible (the output is then for reading, not for `git apply`).
pub fn render(outcome: &FixOutcome, out: &mut dyn Write, for_terminal: bool) -> io::Result<()> {
    let secrets = redact::secret_texts(&outcome.before.sources, outcome.before.secrets());
    for change in &outcome.changes {
        let path = change.original.path().display().to_string();
        let (before, after) = masked_texts(outcome, change);
        let diff = TextDiff::from_lines(before.as_str(), after.as_str());
        // A file the fix creates comes from nowhere, as in `git diff` of a new file.
        let from =
            if change.original.is_new() { "/dev/null".to_owned() } else { format!("a/{path}") };
        let text =
            diff.unified_diff().context_radius(3).header(&from, &format!("b/{path}")).to_string();
        for line in text.split_inclusive('\n') {
            let line = redact::scrub(line, &secrets);
            if for_terminal {
                let (body, end) = line.strip_suffix('\n').map_or((&*line, ""), |b| (b, "\n"));
                write!(out, "{}{end}", escape::line(body))?;
            } else {
                out.write_all(line.as_bytes())?;
            }
        }
        if !text.ends_with('\n') {
            writeln!(out)?;
        }
    }
    Ok(())
}

/// The file's text before and after the fix, each with its secret spans masked.
fn masked_texts(outcome: &FixOutcome, change: &FileChange) -> (String, String) {
    let before = masked(&outcome.before, change.original.path(), change.original.text());
    let after = masked(&outcome.after, change.original.path(), &change.new_text);
    (before, after)
}

/// `text` masked with the secret spans `report` has for the file at `path`, when `report`
/// read exactly this text (else `text` as it is, left to the safety net).
fn masked(report: &UnitReport, path: &std::path::Path, text: &str) -> String {
    report
        .sources
        .iter()
        .find(|(_, source)| source.path() == path && source.text() == text)
        .map_or_else(
            || text.to_owned(),
            |(file, _)| redact::redacted_text(&report.sources, file, report.secrets()),
        )
}
