//! `--diff`: a unified diff of what `--fix` would change, ready for `git apply`.
//!
//! Lines are compared as decoded text; the header names the file. Secrets of the unit are
//! scrubbed from every line, context lines included.

use std::io::{self, Write};

use maillint_engine::FixOutcome;
use similar::TextDiff;

use crate::redact;

/// Writes the diff of every changed file of `outcome`.
pub fn render(outcome: &FixOutcome, out: &mut dyn Write) -> io::Result<()> {
    let secrets = redact::secret_texts(&outcome.before.sources, outcome.before.secrets());
    for change in &outcome.changes {
        let path = change.original.path().display().to_string();
        let diff = TextDiff::from_lines(change.original.text(), change.new_text.as_str());
        // A file the fix creates comes from nowhere, as in `git diff` of a new file.
        let from =
            if change.original.is_new() { "/dev/null".to_owned() } else { format!("a/{path}") };
        let text =
            diff.unified_diff().context_radius(3).header(&from, &format!("b/{path}")).to_string();
        for line in text.split_inclusive('\n') {
            out.write_all(redact::scrub(line, &secrets).as_bytes())?;
        }
        if !text.ends_with('\n') {
            writeln!(out)?;
        }
    }
    Ok(())
}
