//! The whole scan over many homes: linting with each home as `~`, a muttrc that an entry
//! sources is not linted twice, results reach the sink in sorted order whatever the threads
//! do, and the summary adds up.

#![cfg(unix)]

mod support;

use std::collections::BTreeMap;
use std::sync::Mutex;

use maillint_core::Severity;
use maillint_scan::{
    Home, HomeOutcome, HomeReport, Progress, Role, ScanOptions, ScanSummary, discover_home,
    homes_under, lint_home, scan, sort_homes,
};
use support::*;

/// One line per unit: user, client, role, root (relative to the home), accounts, findings.
fn render(report: &HomeReport) -> Vec<String> {
    report
        .units
        .iter()
        .map(|unit| {
            let accounts: Vec<&str> =
                unit.report.accounts().iter().map(|a| a.name.as_str()).collect();
            let rules: Vec<&str> =
                unit.report.diagnostics.iter().map(|d| d.rule.name.as_str()).collect();
            format!(
                "{} {} {:?} {} accounts={} findings={}",
                report.home.user,
                unit.client,
                unit.role,
                rel(&unit.report.root, &report.home.path),
                accounts.join(","),
                rules.join(",")
            )
        })
        .collect()
}

#[test]
fn every_entry_is_linted_and_a_candidate_nothing_sources_is_linted_alone() {
    let tmp = tempfile::tempdir().unwrap();
    let home = tmp.path().join("alice");
    write(home.join(".muttrc"), "account main\nsource ~/.mutt/muttrc\n");
    write(home.join(".mutt/muttrc"), "account sourced\nbad\n");
    // Neither program starts at .neomuttrc here, and nothing sources it: it is linted alone.
    write(home.join(".neomuttrc"), "account lonely\n");
    let found = discover_home(&Home::new(&home), &parsers(), &ScanOptions::default());
    let roles: Vec<(String, Role)> =
        found.units.iter().map(|u| (rel(&u.unit.root, &home), u.role)).collect();
    assert_eq!(
        roles,
        [
            (".mutt/muttrc".to_owned(), Role::Entry),
            (".muttrc".to_owned(), Role::Entry),
            (".neomuttrc".to_owned(), Role::Candidate),
        ],
        "neomutt's search finds .mutt/muttrc before .muttrc; mutt's finds .muttrc first"
    );
    let report = lint_home(found, &mut linter());
    assert_eq!(
        render(&report),
        [
            "alice mutt Entry .mutt/muttrc accounts=sourced findings=parse-error",
            "alice mutt Entry .muttrc accounts=main,sourced findings=parse-error",
            "alice mutt Candidate .neomuttrc accounts=lonely findings=",
        ]
    );
    // Three roots read by discovery, and the sourced file read again inside .muttrc's unit.
    assert_eq!(report.files_read, 4);
}

#[test]
fn a_candidate_sourced_by_an_entry_is_skipped() {
    let tmp = tempfile::tempdir().unwrap();
    let home = tmp.path().join("bob");
    // neomutt starts at .config/neomutt/neomuttrc, which sources .neomuttrc (relative to its
    // own folder); mutt finds nothing. .neomuttrc is a candidate the entry already read: its
    // findings appear once, inside the entry's unit.
    write(home.join(".config/neomutt/neomuttrc"), "account xdg\nsource ../../.neomuttrc\n");
    write(home.join(".neomuttrc"), "account old\nbad\n");
    let found = discover_home(&Home::new(&home), &parsers(), &ScanOptions::default());
    assert_eq!(found.units.iter().filter(|u| u.role == Role::Candidate).count(), 1);
    let report = lint_home(found, &mut linter());
    assert_eq!(
        render(&report),
        ["bob mutt Entry .config/neomutt/neomuttrc accounts=xdg,old findings=parse-error"]
    );
}

#[test]
fn a_versioned_muttrc_is_a_candidate_wherever_mutt_would_look_for_it() {
    let tmp = tempfile::tempdir().unwrap();
    let home = tmp.path().join("carol");
    // mutt 2.2.9 reads .muttrc-2.2.9 instead of .muttrc; which mutt runs is not known, so the
    // versioned files are candidates. The one .muttrc sources is read inside its unit.
    write(home.join(".muttrc"), "account main\nsource ~/.mutt/muttrc-1.5.21\n");
    write(home.join(".mutt/muttrc-1.5.21"), "account old\nbad\n");
    write(home.join(".muttrc-2.2.9"), "account new\n");
    write(home.join(".config/mutt/muttrc-2.0.0"), "account xdg\n");
    // Not a version: mutt never reads these names on its own.
    write(home.join(".muttrc-backup"), "account backup\n");
    write(home.join("Documents/muttrc-1.0"), "account elsewhere\n");
    let found = discover_home(&Home::new(&home), &parsers(), &ScanOptions::default());
    let roles: Vec<(String, Role)> =
        found.units.iter().map(|u| (rel(&u.unit.root, &home), u.role)).collect();
    assert_eq!(
        roles,
        [
            (".config/mutt/muttrc-2.0.0".to_owned(), Role::Candidate),
            (".mutt/muttrc-1.5.21".to_owned(), Role::Candidate),
            (".muttrc".to_owned(), Role::Entry),
            (".muttrc-2.2.9".to_owned(), Role::Candidate),
        ]
    );
    let report = lint_home(found, &mut linter());
    assert_eq!(
        render(&report),
        [
            "carol mutt Candidate .config/mutt/muttrc-2.0.0 accounts=xdg findings=",
            "carol mutt Entry .muttrc accounts=main,old findings=parse-error",
            "carol mutt Candidate .muttrc-2.2.9 accounts=new findings=",
        ]
    );
}

#[derive(Default)]
struct Counted {
    started: Mutex<Option<usize>>,
    homes: Mutex<Vec<(usize, usize)>>,
}

impl Progress for Counted {
    fn start(&self, homes: usize) {
        *self.started.lock().unwrap() = Some(homes);
    }
    fn home_done(&self, files_read: usize, findings: usize) {
        self.homes.lock().unwrap().push((files_read, findings));
    }
}

#[test]
fn homes_reach_the_sink_in_sorted_order_and_the_summary_adds_up() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("home");
    // 40 homes, named so that creation order and sorted order differ; every third has a
    // Thunderbird profile with a parse error, every home a muttrc that sources a file by `~`.
    let mut names = Vec::new();
    for i in 0..40 {
        let name = format!("user{:02}", (i * 17) % 40);
        let home = root.join(&name);
        write(home.join(".muttrc"), "source ~/.mutt/accounts\n");
        write(home.join(".mutt/accounts"), format!("account {name}\n"));
        if i % 3 == 0 {
            write(
                home.join(".thunderbird/profiles.ini"),
                "[Profile0]\nName=d\nIsRelative=1\nPath=x.default\n",
            );
            write(home.join(".thunderbird/x.default/prefs.js"), "account a\naccount b\nbad\n");
        }
        names.push(name);
    }
    symlink("nowhere", root.join("user05/.neomuttrc"));
    names.sort();

    let (mut homes, problems) = homes_under(&root).unwrap();
    assert!(problems.is_empty());
    sort_homes(&mut homes);
    let pool = rayon::ThreadPoolBuilder::new().num_threads(3).build().unwrap();
    let progress = Counted::default();
    let options = ScanOptions { window: 4, ..ScanOptions::default() };
    let mut order = Vec::new();
    let mut lines = Vec::new();
    let mut summary = ScanSummary::default();
    scan(
        &pool,
        &homes,
        &options,
        &progress,
        linter,
        |report| render(&report),
        |home: &Home, outcome: HomeOutcome<Vec<String>>| {
            order.push(home.user.clone());
            lines.extend(outcome.rendered);
            summary.merge(outcome.summary);
            Ok::<(), ()>(())
        },
    )
    .unwrap();

    assert_eq!(order, names);
    // Each home's `~` is its own: the account in the sourced file is the home's name.
    for name in &names {
        let line = format!("{name} mutt Entry .muttrc accounts={name} findings=");
        assert!(lines.contains(&line), "missing {line}");
    }
    let thunderbird_homes = (0..40).filter(|i| i % 3 == 0).count();
    assert_eq!(summary.homes, 40);
    assert_eq!(summary.users_with_config, 40);
    assert_eq!(summary.clients["mutt"].users, 40);
    assert_eq!(summary.clients["mutt"].units, 40);
    assert_eq!(summary.clients["mutt"].accounts, 40);
    assert_eq!(summary.clients["thunderbird"].users, thunderbird_homes);
    assert_eq!(summary.clients["thunderbird"].accounts, 2 * thunderbird_homes);
    assert_eq!(summary.accounts(), 40 + 2 * thunderbird_homes);
    assert_eq!(summary.count(Severity::Error), thunderbird_homes);
    assert_eq!(summary.findings(), thunderbird_homes);
    assert_eq!(
        summary
            .rules
            .iter()
            .map(|(code, r)| (code.as_str(), r.name.as_str(), r.total()))
            .collect::<Vec<_>>(),
        [("P001", "parse-error", thunderbird_homes)]
    );
    assert_eq!(summary.problems.len(), 1);
    assert_eq!(summary.problems[0].user, "user05");
    // 2 files per home (muttrc and what it sources), 2 more per Thunderbird home.
    assert_eq!(summary.files_read, 40 * 2 + thunderbird_homes * 2);

    assert_eq!(*progress.started.lock().unwrap(), Some(40));
    let done = progress.homes.lock().unwrap();
    assert_eq!(done.len(), 40);
    assert_eq!(done.iter().map(|(files, _)| files).sum::<usize>(), summary.files_read);
    assert_eq!(done.iter().map(|(_, findings)| findings).sum::<usize>(), summary.findings());
}

#[test]
fn per_severity_counts_per_rule_survive_merging() {
    let tmp = tempfile::tempdir().unwrap();
    let mut total = ScanSummary::default();
    let mut per_home = BTreeMap::new();
    for (name, bad_lines) in [("a", 1), ("b", 0), ("c", 3)] {
        let home = tmp.path().join(name);
        write(home.join(".muttrc"), "bad\n".repeat(bad_lines));
        let found = discover_home(&Home::new(&home), &parsers(), &ScanOptions::default());
        let report = lint_home(found, &mut linter());
        let summary = ScanSummary::of_home(&report);
        per_home.insert(name, summary.findings());
        total.merge(summary);
    }
    assert_eq!(per_home, BTreeMap::from([("a", 1), ("b", 0), ("c", 3)]));
    assert_eq!(total.rules["P001"].by_severity, BTreeMap::from([(Severity::Error, 4)]));
    assert_eq!(total.clients["mutt"].findings, 4);
    assert_eq!(total.users_with_config, 3);
}

const REG: &str = "Windows Registry Editor Version 5.00\r\n\r\n";

/// The problems of a report, one line each: the path relative to the home, then the message.
fn problem_lines(report: &HomeReport) -> Vec<String> {
    report
        .problems
        .iter()
        .map(|p| format!("{}: {}", rel(&p.path, &report.home.path), p.kind))
        .collect()
}

#[test]
fn a_home_past_its_file_limit_reads_no_more_and_says_so_once() {
    let tmp = tempfile::tempdir().unwrap();
    let home = tmp.path().join("ivan");
    for i in 0..10 {
        write(home.join(format!("Documents/{i:02}.reg")), format!("{REG}account reg{i}\n"));
    }
    let options = ScanOptions { max_home_files: 4, ..ScanOptions::default() };
    let report = lint_home(discover_home(&Home::new(&home), &parsers(), &options), &mut linter());
    let accounts: Vec<&str> =
        report.units.iter().flat_map(|u| u.report.accounts()).map(|a| a.name.as_str()).collect();
    assert_eq!(accounts, ["reg0", "reg1", "reg2", "reg3"], "the first four, in name order");
    assert_eq!(report.files_read, 4);
    assert_eq!(
        problem_lines(&report),
        [": this home reached the limit of 4 files read in one home (`--max-home-files`); the \
          files past it were not read and not checked"]
    );
}

#[test]
fn a_home_past_its_byte_limit_stops_reading_sourced_files_too() {
    let tmp = tempfile::tempdir().unwrap();
    let home = tmp.path().join("judy");
    // Each sourced file is 1000 bytes: the muttrc and two of them fit in 2500 bytes.
    let filler = format!("# {}\n", "x".repeat(996));
    let mut muttrc = String::from("account main\n");
    for i in 0..5 {
        write(home.join(format!(".mutt/{i}.rc")), &filler);
        muttrc.push_str(&format!("source ~/.mutt/{i}.rc\n"));
    }
    write(home.join(".muttrc"), &muttrc);
    let options = ScanOptions { max_home_bytes: 2500, ..ScanOptions::default() };
    let report = lint_home(discover_home(&Home::new(&home), &parsers(), &options), &mut linter());
    let refused: Vec<&str> = report.units[0]
        .report
        .diagnostics
        .iter()
        .filter(|d| d.message.contains("limit"))
        .map(|d| d.message.as_str())
        .collect();
    assert_eq!(refused.len(), 3, "{refused:#?}");
    assert!(refused[0].ends_with(
        "not read: the files read in this home already reach the limit of 2500 bytes together"
    ));
    assert_eq!(
        problem_lines(&report),
        [": this home reached the limit of 2500 bytes read in one home (`--max-home-size`); the \
          files past it were not read and not checked"]
    );
}

#[test]
fn each_home_has_its_own_budget() {
    let tmp = tempfile::tempdir().unwrap();
    for user in ["kim", "lee"] {
        for i in 0..3 {
            write(
                tmp.path().join(format!("{user}/Documents/{i}.reg")),
                format!("{REG}account {user}{i}\n"),
            );
        }
    }
    let (mut homes, _) = homes_under(tmp.path()).unwrap();
    sort_homes(&mut homes);
    let options = ScanOptions { max_home_files: 2, ..ScanOptions::default() };
    let pool = rayon::ThreadPoolBuilder::new().num_threads(2).build().unwrap();
    let mut seen = Vec::new();
    scan(
        &pool,
        &homes,
        &options,
        &maillint_scan::NoProgress,
        linter,
        |report| report,
        |_, outcome: HomeOutcome<HomeReport>| {
            let report = outcome.rendered;
            let accounts: Vec<String> = report
                .units
                .iter()
                .flat_map(|u| u.report.accounts())
                .map(|a| a.name.clone())
                .collect();
            seen.push((accounts, report.problems.len()));
            Ok::<(), ()>(())
        },
    )
    .unwrap();
    assert_eq!(
        seen,
        [
            (vec!["kim0".to_owned(), "kim1".to_owned()], 1),
            (vec!["lee0".to_owned(), "lee1".to_owned()], 1)
        ]
    );
}

/// A panic in one unit's work outside the parser and the rules (here in the per-file ignore
/// filter, which the filter stage calls for each finding) is an `internal-error` finding about
/// that unit; the home's other units and the other homes are still scanned.
#[test]
fn a_unit_that_panics_is_an_internal_error_and_the_scan_goes_on() {
    let tmp = tempfile::tempdir().unwrap();
    write(tmp.path().join("mia/.muttrc"), "account main\nbad\n");
    write(tmp.path().join("mia/Documents/boom.reg"), format!("{REG}account boom\nbad\n"));
    write(tmp.path().join("ned/.muttrc"), "account other\nbad\n");
    let (mut homes, _) = homes_under(tmp.path()).unwrap();
    sort_homes(&mut homes);
    let new_linter = || {
        let mut linter = linter();
        linter.ignored_in_file = Some(std::sync::Arc::new(|path: &std::path::Path, _: &str| {
            assert!(!path.ends_with("boom.reg"), "a bug in the filter stage");
            false
        }));
        linter
    };
    let pool = rayon::ThreadPoolBuilder::new().num_threads(2).build().unwrap();
    let mut seen = Vec::new();
    scan(
        &pool,
        &homes,
        &ScanOptions::default(),
        &maillint_scan::NoProgress,
        new_linter,
        |report| render(&report),
        |_, outcome: HomeOutcome<Vec<String>>| {
            seen.extend(outcome.rendered);
            Ok::<(), ()>(())
        },
    )
    .unwrap();
    assert_eq!(
        seen,
        [
            "mia mutt Entry .muttrc accounts=main findings=parse-error",
            "mia outlook Entry Documents/boom.reg accounts= findings=internal-error",
            "ned mutt Entry .muttrc accounts=other findings=parse-error",
        ]
    );
}
