//! The scan report as one document: the types `scan --output-format report-json` writes,
//! `docs/schemas/scan-report.schema.json` describes, and `report merge` reads back.
//!
//! Every list is about what an admin acts on: users (who to visit first), servers (which hosts
//! the organisation's clients point at, and how securely), rules (what is wrong most widely)
//! and the problems met while scanning (what was not checked). Numbers are counts, never
//! ratios, so that merged reports add up.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// The version of the document's shape; a reader refuses a version it does not know.
pub const REPORT_VERSION: u32 = 1;

/// A whole scan (or several merged): totals, users, servers, rules, problems and, unless
/// `--summary-only`, the findings.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ScanReport {
    /// [`REPORT_VERSION`].
    pub version: u32,
    /// The maillint that wrote the document.
    pub tool: Tool,
    /// The host the scan ran on, when named (`scan --report-host`, or `report merge`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host: Option<String>,
    /// Whether `--verify` probed the servers (each server's `verify` is then set).
    pub verified: bool,
    /// The headline numbers (with `--baseline`: of the new findings only).
    pub totals: Totals,
    /// With `--baseline`: the findings it hid and the ones it listed that are gone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub baseline: Option<BaselineTotals>,
    /// One row per home, in scan order.
    pub users: Vec<UserRow>,
    /// One row per server (protocol, host, port), most users first.
    pub servers: Vec<ServerRow>,
    /// One row per rule that fired, most users affected first.
    pub rules: Vec<RuleRow>,
    /// What kept the scan from checking something.
    pub problems: Vec<ProblemRow>,
    /// The findings, as the `json` format writes them (with `user`, and `scan_host` once merged);
    /// absent with `--summary-only`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub findings: Option<Vec<serde_json::Value>>,
}

/// The program that wrote a report.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tool {
    /// `maillint`.
    pub name: String,
    /// Its version.
    pub version: String,
}

impl Tool {
    /// This build of maillint.
    pub fn this() -> Self {
        Tool { name: "maillint".to_owned(), version: env!("CARGO_PKG_VERSION").to_owned() }
    }
}

/// The headline numbers.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Totals {
    /// Hosts the report covers (1 for one scan).
    pub hosts: usize,
    /// Homes scanned.
    pub homes: usize,
    /// Homes where some mail client's configuration was found.
    pub users_with_config: usize,
    /// Homes with an error or warning finding.
    pub users_affected: usize,
    /// Homes with configuration, no error or warning, and no problem met.
    pub users_clean: usize,
    /// Files read.
    pub files_read: usize,
    /// Configurations linted (a profile, a muttrc and what it sources, a PRF file).
    pub units: usize,
    /// Accounts found.
    pub accounts: usize,
    /// Distinct servers named.
    pub servers: usize,
    /// The findings by severity, and how many `check --fix` fixes.
    #[serde(flatten)]
    pub counts: Counts,
    /// Problems met while scanning.
    pub problems: usize,
}

impl Totals {
    /// Whether an error or a warning was found (what fails a run).
    pub fn is_failing(&self) -> bool {
        self.counts.failing()
    }
}

/// What a baseline did to a run.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BaselineTotals {
    /// Findings the baseline knew: not reported.
    pub known: usize,
    /// Findings the baseline lists that this run did not meet: fixed (or gone with their file).
    pub fixed: usize,
}

/// Finding counts by severity, and how many `--fix` fixes.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    /// All findings.
    pub findings: usize,
    /// Errors.
    pub errors: usize,
    /// Warnings.
    pub warnings: usize,
    /// Infos.
    pub infos: usize,
    /// Safely fixable.
    pub fixable: usize,
}

impl Counts {
    /// Adds `other`.
    pub fn add(&mut self, other: &Counts) {
        self.findings += other.findings;
        self.errors += other.errors;
        self.warnings += other.warnings;
        self.infos += other.infos;
        self.fixable += other.fixable;
    }

    /// Whether an error or a warning is among them (what fails a run).
    pub fn failing(&self) -> bool {
        self.errors + self.warnings > 0
    }
}

/// One home.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserRow {
    /// The host, once reports of several hosts are merged.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host: Option<String>,
    /// The user (the home folder's name).
    pub user: String,
    /// The home folder.
    pub home: String,
    /// The clients whose configuration was found, sorted.
    pub clients: Vec<String>,
    /// Configurations linted.
    pub units: usize,
    /// Accounts found.
    pub accounts: usize,
    /// Files read.
    pub files_read: usize,
    /// The findings.
    #[serde(flatten)]
    pub counts: Counts,
    /// The rule with the most findings here (its code).
    pub top_rule: Option<String>,
    /// Problems met in this home.
    pub problems: usize,
    /// Configuration found, no error or warning, no problem met.
    pub clean: bool,
}

/// Who uses a server.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct UserRef {
    /// The host, once reports of several hosts are merged.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host: Option<String>,
    /// The user.
    pub user: String,
}

/// One server: a protocol, host and port that accounts name.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServerRow {
    /// `imap`, `pop3` or `smtp`.
    pub protocol: String,
    /// The host name, lower case.
    pub host: String,
    /// The port, when the configuration says or implies it.
    pub port: Option<u16>,
    /// Accounts per security setting (`tls`, `starttls`, `none`...), as configured.
    pub security: BTreeMap<String, usize>,
    /// The users whose accounts name it.
    pub users: Vec<UserRef>,
    /// Accounts that name it.
    pub accounts: usize,
    /// Findings about its endpoints.
    pub findings: usize,
    /// What `--verify` found, when it ran.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verify: Option<VerifyRow>,
}

/// What one probe of a server found.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct VerifyRow {
    /// `ok` (nothing found), `problems`, or `not-probed` (no port known).
    pub status: String,
    /// Each distinct problem, once.
    pub problems: Vec<VerifyProblem>,
}

impl VerifyRow {
    /// Adds a problem (each distinct one once: every user's file names the same server).
    pub fn add(&mut self, problem: VerifyProblem) {
        if !self.problems.contains(&problem) {
            self.problems.push(problem);
            self.status = "problems".to_owned();
        }
    }
}

/// One verify finding about a server.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct VerifyProblem {
    /// The verify rule's code.
    pub code: String,
    /// Its name.
    pub rule: String,
    /// The message.
    pub message: String,
}

/// One rule that fired.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RuleRow {
    /// Code.
    pub code: String,
    /// Kebab-case name.
    pub name: String,
    /// Homes with at least one of its findings.
    pub users: usize,
    /// Its findings.
    #[serde(flatten)]
    pub counts: Counts,
}

/// One problem met while scanning.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ProblemRow {
    /// The host, once reports of several hosts are merged.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host: Option<String>,
    /// The user whose scan met it.
    pub user: String,
    /// The path concerned.
    pub path: String,
    /// A short, stable label (`broken symlink`, `unreadable folder`...).
    pub kind: String,
    /// What happened and what was not checked.
    pub message: String,
}
