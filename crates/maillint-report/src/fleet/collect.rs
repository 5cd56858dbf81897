//! Building a [`ScanReport`]: one home at a time on the worker that linted it
//! ([`ScanReport::of_home`]), then added up in scan order by a [`ReportBuilder`], which is also
//! what `report merge` uses to add up the reports of many hosts.
//!
//! A home's report is small (its own rows only), so the work that grows with the findings
//! happens on the workers; adding up is map updates keyed by rule and server.
//!
//! A builder made by [`ReportBuilder::new`] keeps every row: the report is the output
//! (report-json, `report merge`). One made by [`ReportBuilder::page`] keeps every user and
//! problem, but counts each server's users instead of listing them (the HTML page shows the
//! count). One made by [`ReportBuilder::summary`] keeps what the summary prints and nothing
//! that grows with the homes (the [`Digest`]), for every other format.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use maillint_core::{Account, Applicability, Diagnostic, Endpoint, Severity};
use maillint_engine::UnitReport;

use super::digest::{Digest, ServerKey, key_of};
use super::endpoint::{EndpointIndex, host_of};
use super::model::{
    Counts, ProblemRow, REPORT_VERSION, RuleRow, ScanReport, ServerRow, Tool, Totals, UserRef,
    UserRow, VerifyProblem, VerifyRow,
};
use crate::scan::json_diagnostics;

/// One scanned home, as the CLI hands it over.
pub struct HomeInput<'a> {
    /// The user (the home folder's name).
    pub user: &'a str,
    /// The home folder.
    pub home: &'a Path,
    /// Each linted configuration with its client's name.
    pub units: Vec<(&'a str, &'a UnitReport)>,
    /// Files read in the home.
    pub files_read: usize,
    /// Problems met in the home.
    pub problems: Vec<ProblemRow>,
}

/// What goes into a report besides the numbers.
#[derive(Clone, Copy, Debug, Default)]
pub struct ReportOptions {
    /// Keep every finding (`false`: `--summary-only`).
    pub findings: bool,
    /// `--verify` ran: every server gets a verify result.
    pub verified: bool,
}

/// The group of the verify rules (`maillint_verify::rules`): their findings describe the
/// server rather than the user's file, and become the server's verify result.
const VERIFY_GROUP: &str = "verify";

impl ScanReport {
    /// An empty report of this build.
    pub fn empty(options: ReportOptions) -> Self {
        ScanReport {
            version: REPORT_VERSION,
            tool: Tool::this(),
            verified: options.verified,
            findings: options.findings.then(Vec::new),
            ..ScanReport::default()
        }
    }

    /// The report of one home.
    pub fn of_home(input: &HomeInput<'_>, options: ReportOptions) -> Self {
        let mut report = ScanReport::empty(options);
        let mut row = UserRow {
            user: input.user.to_owned(),
            home: input.home.display().to_string(),
            files_read: input.files_read,
            problems: input.problems.len(),
            ..UserRow::default()
        };
        let mut clients = BTreeSet::new();
        let mut rules: BTreeMap<String, RuleRow> = BTreeMap::new();
        let mut servers: BTreeMap<ServerKey, ServerRow> = BTreeMap::new();
        for &(client, unit) in &input.units {
            clients.insert(client.to_owned());
            row.units += 1;
            row.accounts += unit.accounts().len();
            add_servers(unit.accounts(), input.user, &mut servers, options);
            let endpoints = EndpointIndex::new(unit.accounts());
            for d in &unit.diagnostics {
                let counts = counts_of(d);
                row.counts.add(&counts);
                let rule = rules.entry(d.rule.code.clone()).or_insert_with(|| RuleRow {
                    code: d.rule.code.clone(),
                    name: d.rule.name.clone(),
                    users: 1,
                    ..RuleRow::default()
                });
                rule.counts.add(&counts);
                attribute_to_server(d, &endpoints, &mut servers);
            }
            if let Some(findings) = &mut report.findings {
                let items = json_diagnostics(input.user, unit);
                findings.extend(items.iter().filter_map(|item| serde_json::to_value(item).ok()));
            }
        }
        row.clients = clients.into_iter().collect();
        row.top_rule = top_rule(&rules);
        row.clean = !row.clients.is_empty() && !row.counts.failing() && row.problems == 0;
        report.totals = Totals {
            hosts: 1,
            homes: 1,
            users_with_config: usize::from(!row.clients.is_empty()),
            users_affected: usize::from(row.counts.failing()),
            users_clean: usize::from(row.clean),
            files_read: row.files_read,
            units: row.units,
            accounts: row.accounts,
            problems: row.problems,
            ..Totals::default()
        };
        report.totals.counts = row.counts;
        report.users.push(row);
        report.rules = rules.into_values().collect();
        report.servers = servers.into_values().collect();
        report.problems.clone_from(&input.problems);
        report
    }
}

/// One finding as counts.
fn counts_of(d: &Diagnostic) -> Counts {
    let fixable = d
        .fix
        .as_ref()
        .is_some_and(|f| f.applicability == Applicability::Safe && !f.edits.is_empty());
    Counts {
        findings: 1,
        errors: usize::from(d.severity == Severity::Error),
        warnings: usize::from(d.severity == Severity::Warning),
        infos: usize::from(d.severity == Severity::Info),
        fixable: usize::from(fixable),
    }
}

/// The rule with the most findings, the first code among equals.
fn top_rule(rules: &BTreeMap<String, RuleRow>) -> Option<String> {
    let mut best: Option<&RuleRow> = None;
    for rule in rules.values() {
        if best.is_none_or(|b| rule.counts.findings > b.counts.findings) {
            best = Some(rule);
        }
    }
    best.map(|r| r.code.clone())
}

/// The key of an endpoint's server, when it names a host.
fn server_key(endpoint: &Endpoint) -> Option<ServerKey> {
    let port = endpoint.port.as_ref().map(|p| p.value);
    Some((endpoint.protocol.as_str().to_owned(), host_of(endpoint)?, port))
}

/// Adds the unit's accounts to `servers` (one user, each account once per server).
fn add_servers(
    accounts: &[Account],
    user: &str,
    servers: &mut BTreeMap<ServerKey, ServerRow>,
    options: ReportOptions,
) {
    for account in accounts {
        let mut named: BTreeSet<ServerKey> = BTreeSet::new();
        for endpoint in &account.endpoints {
            let Some(key) = server_key(endpoint) else { continue };
            let row = servers.entry(key.clone()).or_insert_with(|| ServerRow {
                protocol: key.0.clone(),
                host: key.1.clone(),
                port: key.2,
                users: vec![UserRef { host: None, user: user.to_owned() }],
                verify: options.verified.then(|| VerifyRow {
                    status: if key.2.is_some() { "ok" } else { "not-probed" }.to_owned(),
                    problems: Vec::new(),
                }),
                ..ServerRow::default()
            });
            *row.security.entry(endpoint.security.value.as_str().to_owned()).or_default() += 1;
            if named.insert(key.clone()) {
                row.accounts += 1;
            }
        }
    }
}

/// Counts `d` for the server whose setting it is at, and keeps a verify finding as the server's
/// verify result.
fn attribute_to_server(
    d: &Diagnostic,
    endpoints: &EndpointIndex<'_>,
    servers: &mut BTreeMap<ServerKey, ServerRow>,
) {
    let Some(key) = endpoints.find(d).and_then(|(_, endpoint)| server_key(endpoint)) else {
        return;
    };
    let Some(row) = servers.get_mut(&key) else { return };
    row.findings += 1;
    if d.rule.group == VERIFY_GROUP
        && let Some(verify) = &mut row.verify
    {
        let problem = VerifyProblem {
            code: d.rule.code.clone(),
            rule: d.rule.name.clone(),
            message: d.message.clone(),
        };
        verify.add(problem);
    }
}

/// Adds reports up: homes of one scan in order, or whole reports of many hosts.
#[derive(Debug)]
pub struct ReportBuilder {
    report: ScanReport,
    servers: BTreeMap<ServerKey, ServerRow>,
    rules: BTreeMap<String, RuleRow>,
    hosts: BTreeSet<Option<String>>,
    /// What the summary prints, folded as rows arrive.
    digest: Digest,
    /// Keep every user and problem row.
    keep_rows: bool,
    /// Keep each server's list of users (else they are only counted, in the digest).
    keep_server_users: bool,
}

impl ReportBuilder {
    /// An empty report that keeps every row (the report is the output).
    pub fn new(options: ReportOptions) -> Self {
        ReportBuilder {
            report: ScanReport::empty(options),
            servers: BTreeMap::new(),
            rules: BTreeMap::new(),
            hosts: BTreeSet::new(),
            digest: Digest::default(),
            keep_rows: true,
            keep_server_users: true,
        }
    }

    /// An empty report that keeps every user and problem row but only counts each server's
    /// users: what the HTML page shows ([`html::render_with`](super::html::render_with) takes
    /// the counts from the [`Digest`]). The report it finishes has no server's list of users.
    pub fn page(options: ReportOptions) -> Self {
        ReportBuilder { keep_server_users: false, ..ReportBuilder::new(options) }
    }

    /// An empty report that keeps only what the summary prints: totals, rules, servers with
    /// their numbers of users, and the [`Digest`]. Its memory grows with the distinct rules,
    /// servers, clients and problem kinds, never with the homes; the report it finishes has no
    /// user or problem rows and no server's list of users.
    pub fn summary(options: ReportOptions) -> Self {
        ReportBuilder { keep_rows: false, keep_server_users: false, ..ReportBuilder::new(options) }
    }

    /// Adds problems met outside any home (an entry under `--all-users ROOT`).
    pub fn add_problems(&mut self, problems: impl IntoIterator<Item = ProblemRow>) {
        for problem in problems {
            self.report.totals.problems += 1;
            self.add_problem(problem);
        }
    }

    fn add_problem(&mut self, problem: ProblemRow) {
        self.digest.add_problem(&problem);
        if self.keep_rows {
            self.report.problems.push(problem);
        }
    }

    /// Adds `part`: one home's report, or a whole report from `host` (every row is then
    /// marked with the host).
    pub fn add(&mut self, mut part: ScanReport, host: Option<&str>) {
        if let Some(host) = host.or(part.host.as_deref()).map(str::to_owned) {
            mark_host(&mut part, &host);
            self.hosts.insert(Some(host));
        }
        let totals = &mut self.report.totals;
        add_totals(totals, &part.totals);
        self.report.verified |= part.verified;
        if let Some(theirs) = part.baseline {
            let mine = self.report.baseline.get_or_insert_default();
            mine.known += theirs.known;
            mine.fixed += theirs.fixed;
        }
        for user in part.users {
            self.digest.add_user(&user);
            if self.keep_rows {
                self.report.users.push(user);
            }
        }
        part.problems.into_iter().for_each(|problem| self.add_problem(problem));
        if let (Some(all), Some(found)) = (&mut self.report.findings, part.findings) {
            all.extend(found);
        }
        for rule in part.rules {
            let mine = self.rules.entry(rule.code.clone()).or_insert_with(|| RuleRow {
                code: rule.code.clone(),
                name: rule.name.clone(),
                ..RuleRow::default()
            });
            mine.users += rule.users;
            mine.counts.add(&rule.counts);
        }
        for mut server in part.servers {
            self.digest.add_server_users(&server, server.users.len());
            if !self.keep_server_users {
                server.users = Vec::new();
            }
            let key = key_of(&server);
            match self.servers.get_mut(&key) {
                Some(mine) => merge_server(mine, server),
                None => {
                    self.servers.insert(key, server);
                }
            }
        }
    }

    /// The report, rows sorted for the admin: servers and rules by users, then findings.
    pub fn finish(self) -> ScanReport {
        self.finish_with_digest().0
    }

    /// The report, and what its summary prints.
    pub fn finish_with_digest(mut self) -> (ScanReport, Digest) {
        let mut report = self.report;
        report.totals.hosts = self.hosts.len().max(1);
        if self.hosts.len() > 1 {
            report.host = None;
        } else if let Some(Some(host)) = self.hosts.pop_first() {
            report.host = Some(host);
        }
        report.servers = self.servers.into_values().collect();
        let users = |server: &ServerRow| self.digest.users_of(server);
        report.servers.sort_by(|a, b| {
            (users(b), b.findings, &a.host, &a.protocol, a.port).cmp(&(
                users(a),
                a.findings,
                &b.host,
                &b.protocol,
                b.port,
            ))
        });
        report.totals.servers = report.servers.len();
        report.rules = self.rules.into_values().collect();
        report.rules.sort_by(|a, b| {
            (b.users, b.counts.findings, &a.code).cmp(&(a.users, a.counts.findings, &b.code))
        });
        (report, self.digest)
    }
}

/// Sets `host` on every row of `part` that has none, and `scan_host` on every finding (a
/// finding's `host` is the server it is about).
fn mark_host(part: &mut ScanReport, host: &str) {
    let set = |slot: &mut Option<String>| {
        if slot.is_none() {
            *slot = Some(host.to_owned());
        }
    };
    part.users.iter_mut().for_each(|u| set(&mut u.host));
    part.problems.iter_mut().for_each(|p| set(&mut p.host));
    for server in &mut part.servers {
        server.users.iter_mut().for_each(|u| set(&mut u.host));
    }
    for finding in part.findings.iter_mut().flatten() {
        if let Some(object) = finding.as_object_mut() {
            object.entry("scan_host").or_insert_with(|| host.into());
        }
    }
}

fn add_totals(mine: &mut Totals, other: &Totals) {
    mine.homes += other.homes;
    mine.users_with_config += other.users_with_config;
    mine.users_affected += other.users_affected;
    mine.users_clean += other.users_clean;
    mine.files_read += other.files_read;
    mine.units += other.units;
    mine.accounts += other.accounts;
    mine.counts.add(&other.counts);
    mine.problems += other.problems;
}

fn merge_server(mine: &mut ServerRow, other: ServerRow) {
    for (security, count) in other.security {
        *mine.security.entry(security).or_default() += count;
    }
    mine.users.extend(other.users);
    mine.accounts += other.accounts;
    mine.findings += other.findings;
    match (&mut mine.verify, other.verify) {
        (Some(verify), Some(theirs)) => {
            theirs.problems.into_iter().for_each(|problem| verify.add(problem));
        }
        (slot @ None, theirs) => *slot = theirs,
        (Some(_), None) => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn server(host: &str, user: &str, findings: usize) -> ServerRow {
        ServerRow {
            protocol: "imap".into(),
            host: host.into(),
            port: Some(993),
            security: [("implicit-tls".to_owned(), 1)].into(),
            users: vec![UserRef { host: None, user: user.into() }],
            accounts: 1,
            findings,
            verify: None,
        }
    }

    fn home(user: &str, servers: Vec<ServerRow>, errors: usize) -> ScanReport {
        let counts = Counts { findings: errors, errors, ..Counts::default() };
        let mut report = ScanReport::empty(ReportOptions::default());
        report.totals = Totals {
            hosts: 1,
            homes: 1,
            users_affected: usize::from(errors > 0),
            ..Totals::default()
        };
        report.totals.counts = counts;
        report.users.push(UserRow { user: user.into(), counts, ..UserRow::default() });
        if errors > 0 {
            report.rules.push(RuleRow {
                code: "T003".into(),
                name: "tls-disabled".into(),
                users: 1,
                counts,
            });
        }
        report.servers = servers;
        report
    }

    /// Twenty homes, some with errors, two servers shared, a problem in every other one.
    fn fleet(builder: &mut ReportBuilder) {
        for i in 0..20 {
            let user = format!("u{i:02}");
            let servers = vec![
                server("imap.example.org", &user, i % 3),
                server(if i % 2 == 0 { "imap.a.org" } else { "imap.b.org" }, &user, 0),
            ];
            let mut part = home(&user, servers, i % 4);
            if i % 2 == 0 {
                part.problems.push(ProblemRow {
                    host: None,
                    user: user.clone(),
                    path: format!("/home/{user}/.muttrc"),
                    kind: if i % 4 == 0 { "broken symlink" } else { "unreadable file" }.into(),
                    message: "not checked".into(),
                });
                part.users[0].problems = 1;
            }
            builder.add(part, None);
        }
    }

    /// The summary and the HTML page say the same whether the builder kept every row (as
    /// report-json and `report merge` do) or only what they show.
    #[test]
    fn a_builder_that_keeps_less_prints_the_same() {
        let render = |builder: ReportBuilder| {
            let (report, digest) = builder.finish_with_digest();
            let (mut summary, mut page) = (Vec::new(), Vec::new());
            crate::fleet::summary::render_with(&report, &digest, &mut summary).unwrap();
            crate::fleet::html::render_with(&report, &digest, &mut page).unwrap();
            (report, String::from_utf8(summary).unwrap(), String::from_utf8(page).unwrap())
        };
        let mut all = ReportBuilder::new(ReportOptions::default());
        fleet(&mut all);
        let all = all.finish();
        let (mut summary, mut page) = (Vec::new(), Vec::new());
        crate::fleet::summary::render(&all, &mut summary).unwrap();
        crate::fleet::html::render(&all, &mut page).unwrap();
        let (summary, page) =
            (String::from_utf8(summary).unwrap(), String::from_utf8(page).unwrap());
        assert!(summary.contains("… and 7 more affected users"), "{summary}");
        assert!(
            summary.contains("… and 2 more (broken symlink 1, unreadable file 1;"),
            "{summary}"
        );

        let mut less = ReportBuilder::page(ReportOptions::default());
        fleet(&mut less);
        let (report, less_summary, less_page) = render(less);
        assert_eq!((report.users.len(), report.problems.len()), (20, 10));
        assert!(report.servers.iter().all(|s| s.users.is_empty()));
        assert_eq!((less_summary.as_str(), less_page.as_str()), (summary.as_str(), page.as_str()));

        let mut least = ReportBuilder::summary(ReportOptions::default());
        fleet(&mut least);
        let (report, least_summary, _) = render(least);
        assert_eq!((report.users.len(), report.problems.len()), (0, 0));
        assert_eq!(least_summary, summary);
    }

    /// Reports of two hosts add up: every row says its host, a server both name is one row
    /// with both hosts' users, and rules count users over both.
    #[test]
    fn merged_hosts_keep_their_names_and_add_up() {
        let mut one = ReportBuilder::new(ReportOptions::default());
        one.add(home("alice", vec![server("imap.example.org", "alice", 1)], 1), None);
        one.add(home("bob", vec![server("imap.example.org", "bob", 0)], 0), None);
        let one = one.finish();
        assert_eq!((one.totals.homes, one.totals.hosts, one.host.as_deref()), (2, 1, None));

        let mut other = ReportBuilder::new(ReportOptions::default());
        other.add(
            home(
                "alice",
                vec![server("imap.other.org", "alice", 2), server("imap.example.org", "alice", 1)],
                3,
            ),
            None,
        );
        let other = other.finish();

        let mut merged = ReportBuilder::new(ReportOptions::default());
        merged.add(one, Some("web1"));
        merged.add(other, Some("web2"));
        let merged = merged.finish();
        assert_eq!(
            (merged.totals.hosts, merged.totals.homes, merged.totals.counts.errors),
            (2, 3, 4)
        );
        assert_eq!(merged.host, None, "several hosts");
        let users: Vec<(Option<&str>, &str)> =
            merged.users.iter().map(|u| (u.host.as_deref(), u.user.as_str())).collect();
        assert_eq!(
            users,
            [(Some("web1"), "alice"), (Some("web1"), "bob"), (Some("web2"), "alice")]
        );
        let shared = &merged.servers[0];
        assert_eq!(
            (shared.host.as_str(), shared.users.len(), shared.findings),
            ("imap.example.org", 3, 2)
        );
        assert_eq!(shared.security["implicit-tls"], 3);
        assert_eq!(shared.users[2], UserRef { host: Some("web2".into()), user: "alice".into() });
        assert_eq!((merged.rules[0].users, merged.rules[0].counts.errors), (2, 4));
        assert_eq!(merged.totals.servers, 2);
    }
}
