//! The footer of human output, as ruff writes it: how many findings, how many a `--fix` run
//! would fix, and how many more `--unsafe-fixes` would.

use std::io::{self, Write};

use maillint_core::{Applicability, Severity};
use maillint_engine::UnitReport;

/// Counts over all findings.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    /// Findings of severity error.
    pub errors: usize,
    /// Findings of severity warning.
    pub warnings: usize,
    /// Findings of severity info.
    pub infos: usize,
    /// Findings whose fix `--fix` applies.
    pub safe_fixable: usize,
    /// Findings whose fix only `--unsafe-fixes` applies.
    pub unsafe_fixable: usize,
}

impl Counts {
    /// Counts the findings of `units`. With `unsafe_fixes`, unsafe fixes count as fixable.
    pub fn of(units: &[UnitReport], unsafe_fixes: bool) -> Self {
        let mut c = Counts::default();
        for d in units.iter().flat_map(|u| &u.diagnostics) {
            match d.severity {
                Severity::Error => c.errors += 1,
                Severity::Warning => c.warnings += 1,
                Severity::Info => c.infos += 1,
            }
            if let Some(fix) = &d.fix
                && !fix.edits.is_empty()
            {
                match fix.applicability {
                    Applicability::Safe => c.safe_fixable += 1,
                    Applicability::Unsafe if unsafe_fixes => c.safe_fixable += 1,
                    Applicability::Unsafe => c.unsafe_fixable += 1,
                    Applicability::DisplayOnly => {}
                }
            }
        }
        c
    }

    /// Adds another set of counts (output written in chunks is counted chunk by chunk).
    pub fn add(&mut self, other: &Counts) {
        self.errors += other.errors;
        self.warnings += other.warnings;
        self.infos += other.infos;
        self.safe_fixable += other.safe_fixable;
        self.unsafe_fixable += other.unsafe_fixable;
    }

    /// All findings.
    pub fn total(&self) -> usize {
        self.errors + self.warnings + self.infos
    }
}

fn plural(n: usize, word: &str) -> String {
    if n == 1 { format!("{n} {word}") } else { format!("{n} {word}s") }
}

/// Writes the footer. `fixed` is the number of findings `--fix` fixed (0 without `--fix`);
/// `incomplete` says that something named could not be checked (its error is on stderr), so
/// that a clean result is not announced as "All checks passed!".
pub fn render(
    counts: &Counts,
    files: usize,
    fixed: usize,
    incomplete: bool,
    out: &mut dyn Write,
) -> io::Result<()> {
    if counts.total() == 0 && fixed == 0 {
        if incomplete {
            return writeln!(
                out,
                "No problems found ({} checked), but not everything could be checked: see the errors above.",
                plural(files, "file")
            );
        }
        return writeln!(out, "All checks passed! ({} checked)", plural(files, "file"));
    }
    if fixed > 0 {
        writeln!(
            out,
            "Found {} ({fixed} fixed, {} remaining; {} checked).",
            plural(counts.total() + fixed, "problem"),
            counts.total(),
            plural(files, "file")
        )?;
        return hint(counts, out);
    }
    let mut parts = Vec::new();
    if counts.errors > 0 {
        parts.push(plural(counts.errors, "error"));
    }
    if counts.warnings > 0 {
        parts.push(plural(counts.warnings, "warning"));
    }
    if counts.infos > 0 {
        parts.push(format!("{} info", counts.infos));
    }
    writeln!(out, "Found {} ({} checked).", parts.join(", "), plural(files, "file"))?;
    hint(counts, out)
}

fn hint(counts: &Counts, out: &mut dyn Write) -> io::Result<()> {
    let hidden = match counts.unsafe_fixable {
        0 => String::new(),
        1 => " (1 hidden fix can be enabled with the `--unsafe-fixes` option)".to_owned(),
        n => format!(" ({n} hidden fixes can be enabled with the `--unsafe-fixes` option)"),
    };
    if counts.safe_fixable > 0 {
        writeln!(out, "[*] {} fixable with the `--fix` option{hidden}.", counts.safe_fixable)?;
    } else if counts.unsafe_fixable > 0 {
        writeln!(out, "No fixes available{hidden}.")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn footer(counts: Counts, fixed: usize, incomplete: bool) -> String {
        let mut out = Vec::new();
        render(&counts, 2, fixed, incomplete, &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn a_clean_run_passes_only_when_everything_was_checked() {
        assert_eq!(footer(Counts::default(), 0, false), "All checks passed! (2 files checked)\n");
        let partial = footer(Counts::default(), 0, true);
        assert!(!partial.contains("passed"), "{partial}");
        assert!(partial.starts_with("No problems found (2 files checked), but not everything"));
    }

    #[test]
    fn findings_are_counted_by_severity_with_the_fix_hint() {
        let counts = Counts {
            errors: 2,
            warnings: 1,
            safe_fixable: 1,
            unsafe_fixable: 2,
            ..Counts::default()
        };
        assert_eq!(
            footer(counts, 0, true),
            "Found 2 errors, 1 warning (2 files checked).\n[*] 1 fixable with the `--fix` option \
             (2 hidden fixes can be enabled with the `--unsafe-fixes` option).\n"
        );
        assert!(footer(counts, 3, false).starts_with("Found 6 problems (3 fixed, 3 remaining;"));
    }
}
