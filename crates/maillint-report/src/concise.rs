//! `concise`: one line per finding, `path:line:col: severity[code/name] message`, the form
//! editors and `grep` understand (shellcheck's `gcc` format).
//!
//! Paths and messages are made visible for one line ([`crate::escape::line`]): no control
//! character reaches the terminal, and a line feed in a message cannot fake another finding.

use std::io::{self, Write};

use maillint_engine::UnitReport;

use crate::location::Location;
use crate::{escape, redact};

/// Writes one line per diagnostic.
pub fn render(units: &[UnitReport], out: &mut dyn Write) -> io::Result<()> {
    for unit in units {
        let secrets = redact::secret_texts(&unit.sources, unit.secrets());
        for d in &unit.diagnostics {
            let loc = Location::of(&unit.sources, d.span);
            let fixable = match &d.fix {
                Some(fix)
                    if !fix.edits.is_empty()
                        && fix.applicability == maillint_core::Applicability::Safe =>
                {
                    " [*]"
                }
                _ => "",
            };
            writeln!(
                out,
                "{}:{}:{}: {}[{}/{}]{} {}",
                escape::line(&loc.path),
                loc.line,
                loc.column,
                d.severity,
                d.rule.code,
                d.rule.name,
                fixable,
                escape::line(&redact::scrub(&d.message, &secrets))
            )?;
        }
    }
    Ok(())
}
