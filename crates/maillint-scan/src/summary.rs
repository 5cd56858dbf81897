//! The numbers at the end of a scan: users, clients, accounts, findings by severity and by
//! rule, and the problems met.
//!
//! Each home's numbers are computed where the home was linted ([`ScanSummary::of_home`]) and
//! merged in output order ([`ScanSummary::merge`]), so the summary is the same whatever the
//! threads did, and its size depends on the number of clients and rules, not of homes (only
//! problems are kept one by one, so that each can be listed).

use std::collections::BTreeMap;

use maillint_core::Severity;

use crate::lint::HomeReport;
use crate::problem::Problem;

/// Totals for one client.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ClientTotals {
    /// Users with at least one unit of this client.
    pub users: usize,
    /// Units (profiles, muttrc files, PRF and `.reg` files).
    pub units: usize,
    /// Accounts found in them.
    pub accounts: usize,
    /// Findings in them.
    pub findings: usize,
}

/// Totals for one rule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuleTotals {
    /// The rule's kebab-case name.
    pub name: String,
    /// Findings per severity (a rule's findings may carry different severities).
    pub by_severity: BTreeMap<Severity, usize>,
}

impl RuleTotals {
    /// All findings of the rule.
    pub fn total(&self) -> usize {
        self.by_severity.values().sum()
    }
}

/// The summary of a scan, or of one home.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ScanSummary {
    /// Homes scanned.
    pub homes: usize,
    /// Homes where at least one unit was found.
    pub users_with_config: usize,
    /// Per client name.
    pub clients: BTreeMap<String, ClientTotals>,
    /// Findings per severity.
    pub severities: BTreeMap<Severity, usize>,
    /// Per rule code.
    pub rules: BTreeMap<String, RuleTotals>,
    /// Files read.
    pub files_read: usize,
    /// Problems, in output order (home by home, each home's sorted).
    pub problems: Vec<Problem>,
}

impl ScanSummary {
    /// The numbers of one home.
    pub fn of_home(report: &HomeReport) -> Self {
        let mut summary = ScanSummary {
            homes: 1,
            users_with_config: usize::from(!report.units.is_empty()),
            files_read: report.files_read,
            problems: report.problems.clone(),
            ..Default::default()
        };
        for unit in &report.units {
            let totals = summary.clients.entry(unit.client.as_str().to_owned()).or_default();
            totals.users = 1;
            totals.units += 1;
            totals.accounts += unit.report.accounts().len();
            totals.findings += unit.report.diagnostics.len();
            for d in &unit.report.diagnostics {
                *summary.severities.entry(d.severity).or_default() += 1;
                let rule = summary.rules.entry(d.rule.code.clone()).or_insert_with(|| RuleTotals {
                    name: d.rule.name.clone(),
                    by_severity: BTreeMap::new(),
                });
                *rule.by_severity.entry(d.severity).or_default() += 1;
            }
        }
        summary
    }

    /// Adds another summary's numbers (problems are appended).
    pub fn merge(&mut self, other: ScanSummary) {
        self.homes += other.homes;
        self.users_with_config += other.users_with_config;
        self.files_read += other.files_read;
        for (client, totals) in other.clients {
            let mine = self.clients.entry(client).or_default();
            mine.users += totals.users;
            mine.units += totals.units;
            mine.accounts += totals.accounts;
            mine.findings += totals.findings;
        }
        for (severity, count) in other.severities {
            *self.severities.entry(severity).or_default() += count;
        }
        for (code, totals) in other.rules {
            let mine = self.rules.entry(code).or_insert_with(|| RuleTotals {
                name: totals.name.clone(),
                by_severity: BTreeMap::new(),
            });
            for (severity, count) in totals.by_severity {
                *mine.by_severity.entry(severity).or_default() += count;
            }
        }
        self.problems.extend(other.problems);
    }

    /// All findings.
    pub fn findings(&self) -> usize {
        self.severities.values().sum()
    }

    /// Findings of one severity.
    pub fn count(&self, severity: Severity) -> usize {
        self.severities.get(&severity).copied().unwrap_or(0)
    }

    /// Accounts over all clients.
    pub fn accounts(&self) -> usize {
        self.clients.values().map(|c| c.accounts).sum()
    }
}
