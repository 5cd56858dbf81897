//! What a scan's report builder keeps per home (issue 19: memory independent of the number of
//! homes). A builder for the summary ([`ReportBuilder::summary`], every format but the report
//! itself) must hold no more after 10,000 homes than after 1,000; one that keeps every row
//! ([`ReportBuilder::new`]: report-json, html) grows by its rows, which shows that the measure
//! sees what a builder holds.
//!
//! The measure is the length of the builder's `Debug` text: it prints every string, row and
//! list the builder holds (the workspace forbids the `unsafe` a counting allocator needs, and
//! a count of bytes would depend on the allocator). It does not see spare capacity, which the
//! summary's builder never keeps per home (a server's emptied list of users is a new `Vec`).

use maillint_report::fleet::model::UserRow;
use maillint_report::fleet::model::{Counts, ProblemRow, RuleRow, ServerRow, Totals, UserRef};
use maillint_report::fleet::{ReportBuilder, ReportOptions, ScanReport};

/// The servers of the fleet: every home names a few of them, as an organisation's users do.
const SERVERS: [&str; 6] = [
    "imap.gmail.com",
    "smtp.gmail.com",
    "imap.fastmail.com",
    "mail.example.org",
    "imap.example.net",
    "smtp.example.net",
];

/// Home `i`'s report as a scan's worker makes it: its row, its servers (each naming the user),
/// a rule, and now and then a problem.
fn home(i: usize) -> ScanReport {
    let user = format!("user{i:06}");
    let errors = i % 5;
    let counts = Counts { findings: errors + 1, errors, warnings: 1, ..Counts::default() };
    let mut report = ScanReport::empty(ReportOptions::default());
    report.totals =
        Totals { hosts: 1, homes: 1, users_with_config: 1, users_affected: 1, ..Totals::default() };
    report.totals.counts = counts;
    report.users.push(UserRow {
        user: user.clone(),
        home: format!("/home/{user}"),
        clients: vec!["mutt".into(), "thunderbird".into()],
        units: 2,
        accounts: 3,
        files_read: 9,
        counts,
        top_rule: Some("T003".into()),
        problems: usize::from(i.is_multiple_of(7)),
        ..UserRow::default()
    });
    report.rules.push(RuleRow {
        code: "T003".into(),
        name: "tls-disabled".into(),
        users: 1,
        counts,
    });
    for offset in 0..3 {
        let host = SERVERS[(i + offset) % SERVERS.len()];
        report.servers.push(ServerRow {
            protocol: if host.starts_with("smtp") { "smtp" } else { "imap" }.into(),
            host: host.into(),
            port: Some(993),
            security: [("implicit-tls".to_owned(), 1)].into(),
            users: vec![UserRef { host: None, user: user.clone() }],
            accounts: 1,
            findings: errors,
            verify: None,
        });
    }
    if i.is_multiple_of(7) {
        report.problems.push(ProblemRow {
            host: None,
            user: user.clone(),
            path: format!("/home/{user}/.muttrc"),
            kind: if i.is_multiple_of(2) { "broken symlink" } else { "unreadable file" }.into(),
            message: "a broken symlink: not followed".into(),
        });
        report.totals.problems = 1;
    }
    report
}

/// The size of what the builder holds after `first` homes and after `last`, per home added in
/// between (characters of its `Debug` text).
fn held_per_home(mut builder: ReportBuilder, first: usize, last: usize) -> (f64, ReportBuilder) {
    (0..first).for_each(|i| builder.add(home(i), None));
    let after_first = format!("{builder:?}").len();
    (first..last).for_each(|i| builder.add(home(i), None));
    let after_last = format!("{builder:?}").len();
    let per_home = (after_last - after_first) as f64 / (last - first) as f64;
    (per_home, builder)
}

#[test]
fn a_summary_builder_holds_nothing_per_home() {
    let builder = ReportBuilder::summary(ReportOptions::default());
    let (summary, builder) = held_per_home(builder, 1_000, 10_000);
    let (report, digest) = builder.finish_with_digest();
    assert_eq!((report.totals.homes, digest.affected, digest.worst.len()), (10_000, 10_000, 8));
    assert_eq!((digest.problems, digest.first_problems.len()), (1_429, 8));
    let named: usize = report.servers.iter().map(|server| digest.users_of(server)).sum();
    assert_eq!(named, 30_000, "each home names three servers");
    assert!(report.servers.iter().all(|server| server.users.is_empty()));

    let builder = ReportBuilder::new(ReportOptions::default());
    let (rows, builder) = held_per_home(builder, 1_000, 10_000);
    assert_eq!(builder.finish().users.len(), 10_000);
    assert!(rows > 200.0, "the measure sees a builder's rows: {rows:.1} per home");
    // Counts that gain a digit (1,000 -> 10,000) are all that may grow.
    assert!(summary < 0.1, "the summary's builder holds {summary:.2} per home");
}
