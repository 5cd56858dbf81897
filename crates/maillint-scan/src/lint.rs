//! Linting one home's units: entries first, then the candidates no entry already read.
//!
//! mutt reads one muttrc and what it `source`s. A second muttrc at a known location that the
//! first one sources is part of the first unit; linting it again on its own would report each
//! of its findings twice. So the entry units are linted first, the files they loaded are noted
//! (by device and inode, whatever path the parser used), and a candidate among them is skipped.

use std::collections::HashSet;
use std::sync::Arc;

use maillint_core::{Client, SourceFile, Sources};
use maillint_engine::{Linted, Linter, Mode, UnitReport};

use crate::discover::{HomeScan, Role, ScanUnit};
use crate::fsx::{self, FileKey, Looked};
use crate::home::Home;
use crate::problem::{Problem, ProblemKind};

/// One linted unit with the client it belongs to.
pub struct LintedUnit {
    /// The client.
    pub client: Client,
    /// Entry or candidate.
    pub role: Role,
    /// The diagnostics and what they refer to.
    pub report: UnitReport,
}

/// Everything found in one home.
pub struct HomeReport {
    /// The home (its folder name is the user every finding belongs to).
    pub home: Home,
    /// Linted units, sorted by root path, then parser name.
    pub units: Vec<LintedUnit>,
    /// Problems met while looking, sorted.
    pub problems: Vec<Problem>,
    /// Files read: by discovery, and by parsers that followed includes.
    pub files_read: usize,
}

impl HomeReport {
    /// Number of diagnostics over all units.
    pub fn findings(&self) -> usize {
        self.units.iter().map(|u| u.report.diagnostics.len()).sum()
    }
}

/// Lints the units of a home. `linter.parse_options.home` is set to the scanned home, so that
/// `~` in a muttrc means this user's home, never the process owner's.
///
/// Files are read with the rights of the home's owner and must be theirs or root's
/// (`docs/security.md`): `linter.read.owner` is set to the owner discovery found. What the
/// units read counts against the home's budget, which discovery started; when a read was
/// refused for it, one problem says so.
pub fn lint_home(scan: HomeScan, linter: &mut Linter) -> HomeReport {
    linter.parse_options.home = Some(scan.home.path.clone());
    linter.read.owner = scan.owner.clone();
    linter.read.budget = Some(Arc::clone(&scan.budget));
    // A scan reports and never writes.
    linter.read.lint_only = true;
    let mut files_read = scan.files_read;
    let (mut entries, candidates): (Vec<ScanUnit>, Vec<ScanUnit>) =
        scan.units.into_iter().partition(|unit| unit.role == Role::Entry);
    let mut candidates_left = candidates.len();
    entries.extend(candidates);

    let mut loaded: HashSet<FileKey> = HashSet::new();
    let mut units = Vec::new();
    for unit in entries {
        if unit.role == Role::Candidate {
            candidates_left -= 1;
            if loaded.contains(&unit.key) {
                continue;
            }
        }
        let (client, role) = (unit.client.clone(), unit.role);
        let report = lint_unit(linter, unit);
        // The root was read (and counted) by discovery; included files are read now.
        files_read += report.sources.iter().skip(1).filter(|(_, f)| !f.is_new()).count();
        if candidates_left > 0 {
            loaded.extend(report.sources.iter().filter_map(|(_, file)| loaded_key(file)));
        }
        // The parse may name another client than discovery's parser (a native Betterbird
        // profile, read by the Thunderbird parser).
        let client = report.client().unwrap_or(client);
        units.push(LintedUnit { client, role, report });
    }
    units.sort_by(|a, b| {
        a.report.root.cmp(&b.report.root).then_with(|| parser_name(a).cmp(parser_name(b)))
    });
    let mut problems = scan.problems;
    if let Some(hit) = scan.budget.hit() {
        let user = scan.home.user.clone();
        problems.push(Problem {
            user,
            path: scan.home.path.clone(),
            kind: ProblemKind::HomeLimit(hit),
        });
        problems.sort();
    }
    HomeReport { home: scan.home, units, problems, files_read }
}

/// The identity of a file a unit read: from `fstat` of the handle it was read from (no system
/// call), or, for a file that has none, from a look at its path now.
fn loaded_key(file: &SourceFile) -> Option<FileKey> {
    #[cfg(unix)]
    if let Some(identity) = file.identity() {
        return Some(FileKey::Inode(identity.dev, identity.ino));
    }
    match fsx::look(file.path()) {
        Looked::File { key } => Some(key),
        _ => None,
    }
}

fn parser_name(unit: &LintedUnit) -> &'static str {
    unit.report.parser.as_ref().map_or("", |p| p.name())
}

/// Lints one unit through the engine's [`Linter::run_unit`] (or, with the root discovery
/// already read, [`Linter::run_read_unit`]): a panic anywhere in its work is an
/// `internal-error` finding about it, and the home's other units and the other homes are
/// still scanned.
fn lint_unit(linter: &Linter, unit: ScanUnit) -> UnitReport {
    let linted = match unit.content {
        Some(bytes) => {
            let mut sources = Sources::with_policy(linter.read.clone());
            sources.count_read(bytes.len() as u64);
            // The bytes become the text without a copy when they are UTF-8 (a 100 KB prefs.js
            // was copied once more here).
            let mut file = SourceFile::from_vec(&unit.unit.root, bytes);
            if let Some(identity) = unit.identity {
                file = file.with_identity(identity);
            }
            let root = sources.add(file);
            linter.run_read_unit(&unit.unit, sources, root, Mode::Lint)
        }
        None => linter.run_unit(&unit.unit, Mode::Lint),
    };
    match linted {
        Linted::Report(report) | Linted::Unread(report) => report,
        Linted::Fixed(outcome) => outcome.before,
    }
}
