//! `maillint scan`: finds every mail client's configuration in user home folders and lints it.
//!
//! The flow, and the module that owns each step:
//!
//! 1. [`home`]: which folders are homes (`--all-users ROOT`: each subfolder of ROOT) and whose
//!    they are (the folder's name).
//! 2. [`discover`]: in each home, only the locations each registered client declares
//!    ([`ClientSupport::locations`](maillint_core::ClientSupport::locations)): profiles an
//!    index file names (Thunderbird's `profiles.ini`, read by the client), files in a search
//!    order (the muttrc files mutt and neomutt read), folders of files by extension (Outlook
//!    `.prf` and `.reg` files); [`locations`] matches their names. Every path is looked at
//!    before it is opened ([`fsx`]): special files, broken symlinks, loops and unreadable
//!    folders become [`problem`]s, never a hang or an abort. The home and its busiest folders
//!    are listed once, so that the many names no client left there cost no lookup
//!    (`listed`).
//! 3. [`lint`]: each unit is linted with the home as `~`; a muttrc an entry file already
//!    sourced is not linted twice.
//! 4. [`scan`]: homes run in parallel on a rayon pool ([`ordered`]), each thread taking the
//!    next home as soon as it is free; each home's result is rendered on the worker and handed
//!    to the caller's sink in sorted order as soon as the homes before it are done, so output
//!    is stable, starts before the walk ends, and memory does not grow with the number of
//!    homes. [`summary`] adds up the
//!    numbers; [`progress`] reports how far the scan got.
//!
//! The library never prints and never reads the environment: the CLI chooses the homes (the
//! current user's from `HOME`) and renders everything.

mod base;
pub mod discover;
pub mod fsx;
pub mod home;
pub mod lint;
mod listed;
pub mod locations;
pub mod ordered;
pub mod problem;
pub mod progress;
pub mod summary;

pub use discover::{HomeScan, Role, ScanOptions, ScanUnit, discover_home};
pub use home::{Home, default_roots, default_roots_in, homes_under, sort_homes};
pub use lint::{HomeReport, LintedUnit, lint_home};
pub use problem::{Problem, ProblemKind, SpecialKind};
pub use progress::{NoProgress, Progress};
pub use summary::{ClientTotals, RuleTotals, ScanSummary};

use maillint_engine::Linter;

/// One home's result as the sink receives it: the numbers, and what `render` made of the
/// report on the worker thread (the report is handed to `render`, which may keep it whole:
/// `scan --verify` does, to probe every home's endpoints before anything is printed).
pub struct HomeOutcome<R> {
    /// This home's numbers and problems.
    pub summary: ScanSummary,
    /// The rendered findings.
    pub rendered: R,
}

/// Scans `homes` (sorted by the caller, see [`sort_homes`]) on `pool`.
///
/// For each home, on a worker thread: discovery with the linter's parsers, linting with the
/// home as `~`, then `render`. `new_linter` makes one linter per worker thread. `sink` runs on
/// the calling thread and receives each home's outcome in the order of `homes`, as soon as the
/// homes before it are done. When `sink` fails, the scan stops and returns its error.
pub fn scan<R, E>(
    pool: &rayon::ThreadPool,
    homes: &[Home],
    options: &ScanOptions,
    progress: &dyn Progress,
    new_linter: impl Fn() -> Linter + Sync,
    render: impl Fn(HomeReport) -> R + Sync,
    mut sink: impl FnMut(&Home, HomeOutcome<R>) -> Result<(), E>,
) -> Result<(), E>
where
    R: Send,
{
    progress.start(homes.len());
    ordered::run_ordered(
        pool,
        homes,
        options.window,
        new_linter,
        |linter, home| {
            let found = discover_home(home, &linter.parsers, options);
            let report = lint_home(found, linter);
            let summary = ScanSummary::of_home(&report);
            progress.home_done(report.files_read, report.findings());
            HomeOutcome { summary, rendered: render(report) }
        },
        |home, outcome| sink(home, outcome),
    )
}
