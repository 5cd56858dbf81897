//! `concise`: one line per finding, `path:line:col: severity[code/name] message`, the form
//! editors and `grep` understand (shellcheck's `gcc` format).

use std::io::{self, Write};

use maillint_engine::UnitReport;

use crate::location::Location;
use crate::redact;

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
                loc.path,
                loc.line,
                loc.column,
                d.severity,
                d.rule.code,
                d.rule.name,
                fixable,
                redact::scrub(&d.message, &secrets)
            )?;
        }
    }
    Ok(())
}
