//! `github`: GitHub Actions workflow commands, one per finding, so that findings show up as
//! annotations on the changed lines of a pull request (ruff's and zizmor's `github` format).
//!
//! ```text
//! ::error file=prefs.js,line=3,col=5,endLine=3,endColumn=9,title=maillint T001 (tls-disabled)::message
//! ```
//!
//! The command name follows the severity: `error`, `warning`, `notice` (for `info`). Values are
//! escaped as GitHub's own toolkit does (`actions/toolkit`, `packages/core/src/command.ts`):
//! in the message `%`, `\r` and `\n` become `%25`, `%0D`, `%0A`; in a property value `:` and
//! `,` become `%3A` and `%2C` as well, since they separate the properties. Other control
//! characters are made visible ([`crate::escape`]): the Actions log viewer interprets ANSI
//! sequences, so a raw ESC from a checked file would style or hide the log.

use std::io::{self, Write};

use maillint_core::{Diagnostic, Severity, Sources};
use maillint_engine::UnitReport;

use crate::location::Location;
use crate::{escape, redact};

/// Writes one workflow command per diagnostic.
pub fn render(units: &[UnitReport], out: &mut dyn Write) -> io::Result<()> {
    for unit in units {
        let secrets = redact::secret_texts(&unit.sources, unit.secrets());
        for d in &unit.diagnostics {
            writeln!(out, "{}", annotation(d, &unit.sources, &secrets))?;
        }
    }
    Ok(())
}

/// The workflow command for one diagnostic.
pub fn annotation(d: &Diagnostic, sources: &Sources, secrets: &[&str]) -> String {
    let command = match d.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "notice",
    };
    let loc = Location::of(sources, d.span);
    let title = format!("maillint {} ({})", d.rule.code, d.rule.name);
    // The annotation shows the message in full; the help (what to do) goes on its own line,
    // which GitHub renders because `\n` is escaped rather than cut.
    let mut message = redact::scrub(&d.message, secrets);
    if let Some(help) = &d.help {
        message.push('\n');
        message.push_str(&redact::scrub(help, secrets));
    }
    format!(
        "::{command} file={},line={},col={},endLine={},endColumn={},title={}::{}",
        escape_property(&loc.path),
        loc.line,
        loc.column,
        loc.end_line,
        loc.end_column,
        escape_property(&title),
        escape_data(&message),
    )
}

/// Escapes the message part of a workflow command.
pub fn escape_data(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '%' => out.push_str("%25"),
            '\r' => out.push_str("%0D"),
            '\n' => out.push_str("%0A"),
            c if escape::is_dangerous(c) => out.push_str(&escape::line(c.encode_utf8(&mut [0; 4]))),
            c => out.push(c),
        }
    }
    out
}

/// Escapes a property value (`file=`, `title=`) of a workflow command.
pub fn escape_property(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            c if escape::is_dangerous(c) && !matches!(c, '\r' | '\n') => {
                out.push_str(&escape::line(c.encode_utf8(&mut [0; 4])));
            }
            '%' => out.push_str("%25"),
            '\r' => out.push_str("%0D"),
            '\n' => out.push_str("%0A"),
            ':' => out.push_str("%3A"),
            ',' => out.push_str("%2C"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::sample_units;

    #[test]
    fn escaping_follows_the_toolkit() {
        assert_eq!(escape_data("50% done\r\nnext: a,b"), "50%25 done%0D%0Anext: a,b");
        assert_eq!(escape_property("C:\\a,b%\n"), "C%3A\\a%2Cb%25%0A");
    }

    #[test]
    fn snapshot() {
        let mut out = Vec::new();
        render(&sample_units(), &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(!text.contains(crate::test_support::SECRET), "secret leaked:\n{text}");
        insta::assert_snapshot!(text);
    }
}
