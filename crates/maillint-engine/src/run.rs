//! A run over many units: each unit through read → parse → rules → filter (and the fix loop
//! under `--fix`/`--diff`), in parallel, in chunks that keep the units' sorted order, each
//! unit's whole work under `catch_unwind`. What the caller does with each chunk (write fixes,
//! render, keep the reports for the verify stage) is its own choice.

use std::io;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::Arc;

use maillint_core::builtin::{InternalError, IoError};
use maillint_core::source::ReadPolicy;
use maillint_core::{FileId, Sources};
use rayon::prelude::*;

use crate::discover::{Discovery, Unit};
use crate::fix::{FixOptions, FixOutcome};
use crate::lint::{Linter, UnitReport};

/// What a run does with each unit.
#[derive(Clone, Copy, Debug)]
pub enum Mode {
    /// Lint only.
    Lint,
    /// Lint, then compute the fixes (the fix loop); writing them is the caller's.
    Fix(FixOptions),
}

/// What linting one unit produced: a plain report, the fix loop's outcome, or why the unit
/// could not be checked at all.
pub enum Linted {
    /// The unit's report.
    Report(UnitReport),
    /// The unit's root could not be read (missing, refused, too large, not a regular file):
    /// a report with one `io-error` finding that says why. Nothing in the unit was checked,
    /// which `check` reports with exit code 2, as ripgrep does for a file it could not search.
    Unread(UnitReport),
    /// The fix loop's outcome: the report before, the changes, the report after.
    Fixed(Box<FixOutcome>),
}

/// Units per worker thread in one chunk: enough to keep the threads busy, few enough that
/// streamed output starts early and memory does not grow with the tree.
const CHUNK_PER_THREAD: usize = 64;

impl Linter {
    /// Lints one unit (and runs the fix loop in [`Mode::Fix`]). A root that cannot be read is
    /// [`Linted::Unread`]; a panic anywhere in the unit's work is an `internal-error` report
    /// (the parser and each rule are also guarded on their own, which names them).
    pub fn run_unit(&self, unit: &Unit, mode: Mode) -> Linted {
        self.guarded(unit, || match self.read_and_lint(unit, &mode) {
            Ok(report) => self.finish_unit(report, mode),
            Err(e) => Linted::Unread(UnitReport::unreadable(
                unit.root.clone(),
                Some(Arc::clone(&unit.parser)),
                format!("cannot read file: {e}"),
            )),
        })
    }

    /// [`run_unit`](Self::run_unit) for a unit whose root is already `root` in `sources`
    /// (`scan` read it while detecting its format; `check -` read standard input): stage 2 is
    /// skipped, everything after it runs as for any unit, under the same guard.
    pub fn run_read_unit(&self, unit: &Unit, sources: Sources, root: FileId, mode: Mode) -> Linted {
        self.guarded(unit, move || {
            let report = self.lint_sources(&unit.parser, root, sources);
            self.finish_unit(report, mode)
        })
    }

    /// [`lint_unit`](Self::lint_unit), which in [`Mode::Lint`] does not resolve the real
    /// paths that only a fix is written to ([`ReadPolicy::lint_only`]).
    fn read_and_lint(&self, unit: &Unit, mode: &Mode) -> io::Result<UnitReport> {
        let lint_only = self.read.lint_only || matches!(mode, Mode::Lint);
        self.lint_unit_reading(unit, ReadPolicy { lint_only, ..self.read.clone() })
    }

    fn finish_unit(&self, report: UnitReport, mode: Mode) -> Linted {
        match mode {
            Mode::Fix(options) => Linted::Fixed(Box::new(self.fix_report(report, options))),
            Mode::Lint => Linted::Report(report),
        }
    }

    /// Runs one unit's `work`; a panic in it becomes an `internal-error` report about the unit.
    fn guarded(&self, unit: &Unit, work: impl FnOnce() -> Linted) -> Linted {
        catch_unwind(AssertUnwindSafe(work)).unwrap_or_else(|_| {
            Linted::Report(UnitReport::about(
                unit.root.clone(),
                Some(Arc::clone(&unit.parser)),
                InternalError::metadata(),
                format!(
                    "internal error: maillint crashed while checking this file with the {} \
                     parser (please report this)",
                    unit.parser.name()
                ),
            ))
        })
    }

    /// Runs every unit on `pool`, in chunks, and hands each chunk's results to `each_chunk` in
    /// the units' order (the work inside a chunk is parallel).
    pub fn run_units<E>(
        &self,
        pool: &rayon::ThreadPool,
        units: &[Unit],
        mode: Mode,
        mut each_chunk: impl FnMut(Vec<Linted>) -> Result<(), E>,
    ) -> Result<(), E> {
        let chunk_size = CHUNK_PER_THREAD * pool.current_num_threads().max(1);
        for chunk in units.chunks(chunk_size) {
            let linted: Vec<Linted> =
                pool.install(|| chunk.par_iter().map(|unit| self.run_unit(unit, mode)).collect());
            each_chunk(linted)?;
        }
        Ok(())
    }

    /// Reports for the problems met while walking (an unreadable folder, a broken link): they
    /// are `io-error` findings, so the run goes on and the user sees what was not checked.
    pub fn walk_reports(&self, discovery: &Discovery) -> Vec<UnitReport> {
        if !self.enabled.contains(&IoError::metadata().name) {
            return Vec::new();
        }
        discovery
            .walk_errors
            .iter()
            .map(|error| UnitReport::unreadable(error.path.clone(), None, error.to_string()))
            .collect()
    }
}
