//! `--statistics`: how many findings each rule produced, instead of the findings themselves
//! (ruff's `--statistics`, itself after flake8's).
//!
//! Text form, one rule per line, most frequent first, with tab-separated columns (count, code,
//! fix marker and name), e.g. `3<TAB>T001<TAB>[*] tls-disabled`.
//!
//! `[*]`: every finding of the rule has a fix that `--fix` applies; `[-]`: some do; `[ ]`: none
//! (the markers are omitted when no rule has any fix). The JSON form is an array of objects with
//! `code`, `name`, `count`, `fixable` (every finding fixable) and `fixable_count`.

use std::collections::BTreeMap;
use std::io::{self, Write};

use maillint_core::{Applicability, Diagnostic};
use maillint_engine::UnitReport;
use serde::Serialize;

/// The findings of one rule.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct RuleStatistic {
    /// The rule's code.
    pub code: String,
    /// The rule's kebab-case name.
    pub name: String,
    /// Number of findings.
    pub count: usize,
    /// Whether every finding has a fix that `--fix` applies.
    pub fixable: bool,
    /// Number of findings with a fix that `--fix` applies.
    pub fixable_count: usize,
}

/// Whether `--fix` (safe fixes only) applies this diagnostic's fix.
fn safe_fixable(d: &Diagnostic) -> bool {
    d.fix.as_ref().is_some_and(|f| f.applicability == Applicability::Safe && !f.edits.is_empty())
}

/// Counts findings per rule, most frequent first, then by code.
pub fn collect(units: &[UnitReport]) -> Vec<RuleStatistic> {
    let mut by_code: BTreeMap<&str, RuleStatistic> = BTreeMap::new();
    for d in units.iter().flat_map(|u| &u.diagnostics) {
        let entry = by_code.entry(d.rule.code.as_str()).or_insert_with(|| RuleStatistic {
            code: d.rule.code.clone(),
            name: d.rule.name.clone(),
            count: 0,
            fixable: false,
            fixable_count: 0,
        });
        entry.count += 1;
        if safe_fixable(d) {
            entry.fixable_count += 1;
        }
    }
    let mut stats: Vec<RuleStatistic> = by_code
        .into_values()
        .map(|mut s| {
            s.fixable = s.fixable_count == s.count;
            s
        })
        .collect();
    // Stable sort: equal counts keep the code order of the map.
    stats.sort_by_key(|s| std::cmp::Reverse(s.count));
    stats
}

/// Writes the text table. `color` makes counts bold, codes red and fix markers cyan, as ruff.
pub fn render_text(stats: &[RuleStatistic], out: &mut dyn Write, color: bool) -> io::Result<()> {
    let count_width = stats.iter().map(|s| s.count.to_string().len()).max().unwrap_or(1);
    let code_width = stats.iter().map(|s| s.code.len()).max().unwrap_or(0);
    let any_fixable = stats.iter().any(|s| s.fixable_count > 0);
    let paint = |text: String, code: &str| {
        if color { format!("\x1b[{code}m{text}\x1b[0m") } else { text }
    };
    for s in stats {
        let marker = if !any_fixable {
            String::new()
        } else if s.fixable {
            format!("[{}] ", paint("*".into(), "36"))
        } else if s.fixable_count > 0 {
            format!("[{}] ", paint("-".into(), "36"))
        } else {
            "[ ] ".to_owned()
        };
        writeln!(
            out,
            "{}\t{}\t{marker}{}",
            paint(format!("{:>count_width$}", s.count), "1"),
            paint(format!("{:<code_width$}", s.code), "1;31"),
            s.name
        )?;
    }
    Ok(())
}

/// Writes the statistics as one JSON array.
pub fn render_json(stats: &[RuleStatistic], out: &mut dyn Write) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, stats)?;
    writeln!(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::sample_units;

    #[test]
    fn counts_and_fixability() {
        let stats = collect(&sample_units());
        let summary: Vec<(&str, usize, bool, usize)> =
            stats.iter().map(|s| (s.code.as_str(), s.count, s.fixable, s.fixable_count)).collect();
        // X001 twice, both with safe fixes; X002 twice (one unsafe fix, one without edits);
        // the parse error, the unreadable file and the not-followed note once each.
        assert_eq!(
            summary,
            [
                ("X001", 2, true, 2),
                ("X002", 2, false, 0),
                ("P001", 1, false, 0),
                ("P002", 1, false, 0),
                ("P003", 1, false, 0),
            ]
        );
    }

    #[test]
    fn text_snapshot() {
        let mut out = Vec::new();
        render_text(&collect(&sample_units()), &mut out, false).unwrap();
        insta::assert_snapshot!(String::from_utf8(out).unwrap());
    }

    #[test]
    fn color_marks_only_when_asked() {
        let mut out = Vec::new();
        render_text(&collect(&sample_units()), &mut out, true).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(text.contains("\x1b[1;31mX001\x1b[0m"), "{text:?}");
    }

    #[test]
    fn json_snapshot() {
        let mut out = Vec::new();
        render_json(&collect(&sample_units()), &mut out).unwrap();
        insta::assert_snapshot!(String::from_utf8(out).unwrap());
    }

    #[test]
    fn markers_are_omitted_when_nothing_is_fixable() {
        let stats = vec![RuleStatistic {
            code: "P001".into(),
            name: "parse-error".into(),
            count: 12,
            fixable: false,
            fixable_count: 0,
        }];
        let mut out = Vec::new();
        render_text(&stats, &mut out, false).unwrap();
        assert_eq!(String::from_utf8(out).unwrap(), "12\tP001\tparse-error\n");
    }
}
