//! `maillint check [PATH]...`: configuration, discovery, parallel lint (and fixes), optional
//! live verification, rendering, and the exit code.

use std::fs::File;
use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use maillint_core::Severity;
use maillint_core::builtin::IoError;
use maillint_engine::{
    AppliedFix, DiscoverOptions, FixOptions, FixOutcome, Linter, Unit, UnitReport, discover,
};
use maillint_report::escape::Line;
use maillint_report::{OutputFormat, RenderOptions, statistics, summary};
use rayon::prelude::*;

use crate::ExitStatus;
use crate::args::CheckArgs;
use crate::setup;

/// What linting one unit produced: a plain report, or the fix loop's outcome.
enum Linted {
    Report(UnitReport),
    Fixed(Box<FixOutcome>),
}

/// Runs `check`.
pub fn run(args: CheckArgs) -> io::Result<ExitStatus> {
    if args.paths.iter().any(|p| p.as_os_str() == "-") {
        return super::stdin::run(&args);
    }
    let mut paths =
        if args.paths.is_empty() { vec![PathBuf::from(".")] } else { args.paths.clone() };
    let setup = match setup::build(&args.rules, &paths[0], args.home.clone()) {
        Ok(setup) => setup,
        Err(message) => {
            eprintln!("maillint: error: {}", Line(&message));
            return Ok(ExitStatus::Error);
        }
    };
    let linter = setup.linter;
    let settings = setup.settings;

    // Excludes: a walked file is skipped when excluded; a file named on the command line only
    // with --force-exclude (pre-commit passes every staged file by name).
    let named = paths.clone();
    paths.retain(|p| settings.should_check(p, true));
    let mut discovery = if paths.is_empty() {
        Default::default()
    } else {
        discover(&paths, &linter.parsers, &DiscoverOptions { threads: args.run.threads })
    };
    discovery.units.retain(|u| settings.should_check(&u.root, named.contains(&u.root)));

    let mut status = ExitStatus::Success;
    for error in &discovery.errors {
        eprintln!("maillint: error: {}", Line(&error));
        status = ExitStatus::Error;
    }

    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(args.run.threads)
        .build()
        .map_err(io::Error::other)?;
    let mut out = match open_output(args.output_file.as_deref()) {
        Ok(out) => out,
        Err(message) => {
            eprintln!("maillint: error: {}", Line(&message));
            return Ok(ExitStatus::Error);
        }
    };
    let format = args.output_format.format();
    let color = args.run.color.enabled(args.output_file.is_none() && io::stdout().is_terminal());
    // Formats whose output is a sequence of independent pieces are written as each chunk of
    // units is done, so memory does not grow with the size of the tree. One-document formats
    // (a JSON array, SARIF, JUnit), statistics and --verify (which probes each endpoint once
    // across all files) need every report first.
    let streaming = !args.live.verify
        && !args.statistics
        && matches!(
            format,
            OutputFormat::Full
                | OutputFormat::Concise
                | OutputFormat::JsonLines
                | OutputFormat::Github
        );
    let mut run = Run {
        args: &args,
        fix_options: FixOptions { unsafe_fixes: args.unsafe_fixes },
        status,
        applied: Vec::new(),
        would_change: false,
        counts: summary::Counts::default(),
    };
    let mut kept: Vec<UnitReport> = Vec::new();
    // Units are sorted; chunks keep that order while the work inside a chunk is parallel.
    let chunk_size = 64 * pool.current_num_threads().max(1);
    for chunk in discovery.units.chunks(chunk_size) {
        let linted: Vec<Linted> =
            pool.install(|| chunk.par_iter().map(|unit| run.lint(&linter, unit)).collect());
        let mut reports = Vec::with_capacity(linted.len());
        for item in linted {
            reports.push(run.finish(item, &mut out)?);
        }
        if streaming && !args.diff {
            run.counts.add(&summary::Counts::of(&reports, args.unsafe_fixes));
            maillint_report::render_with_rules(
                format,
                &reports,
                linter.rules.metas(),
                &mut out,
                RenderOptions { color },
            )?;
        } else {
            kept.extend(reports);
        }
    }
    // Problems met while walking (an unreadable folder, a broken link) are findings of the
    // `io-error` rule: the run goes on and the user sees what was not checked.
    let mut walk_reports = Vec::new();
    for error in &discovery.walk_errors {
        if linter.enabled.contains(&IoError::metadata().name) {
            walk_reports.push(UnitReport::unreadable(error.path.clone(), None, error.to_string()));
        }
    }
    let mut status = run.status;
    if args.diff {
        // The diff is the output; findings are not repeated.
        out.flush()?;
        if status == ExitStatus::Success && run.would_change {
            status = ExitStatus::Failure;
        }
        return Ok(status);
    }
    let mut failing_seen = run.counts.errors + run.counts.warnings > 0;
    if streaming {
        run.counts.add(&summary::Counts::of(&walk_reports, args.unsafe_fixes));
        failing_seen |= failing(&walk_reports);
        maillint_report::render_with_rules(
            format,
            &walk_reports,
            linter.rules.metas(),
            &mut out,
            RenderOptions { color },
        )?;
    } else {
        kept.extend(walk_reports);
        kept.sort_by(|a, b| a.root.cmp(&b.root));
        if args.live.verify {
            match args.live.request() {
                Ok(request) => {
                    if let Err(e) = crate::verify::run(&linter, &mut kept, &request) {
                        eprintln!("maillint: error: --verify: {}", Line(&e));
                        status = ExitStatus::Error;
                    }
                }
                Err(message) => {
                    eprintln!("maillint: error: {}", Line(&message));
                    return Ok(ExitStatus::Error);
                }
            }
        }
        run.counts = summary::Counts::of(&kept, args.unsafe_fixes);
        failing_seen = failing(&kept);
        if args.statistics {
            let stats = statistics::collect(&kept);
            if matches!(format, OutputFormat::Json | OutputFormat::JsonLines) {
                statistics::render_json(&stats, &mut out)?;
            } else {
                statistics::render_text(&stats, &mut out, color)?;
            }
        } else {
            maillint_report::render_with_rules(
                format,
                &kept,
                linter.rules.metas(),
                &mut out,
                RenderOptions { color },
            )?;
        }
    }
    if format.is_human() {
        if args.show_fixes && !run.applied.is_empty() {
            render_applied(&run.applied, &mut out)?;
        }
        summary::render(
            &run.counts,
            discovery.units.len(),
            run.applied.len(),
            status == ExitStatus::Error,
            &mut out,
        )?;
    }
    out.flush()?;

    if status == ExitStatus::Success && !args.run.exit_zero && failing_seen {
        status = ExitStatus::Failure;
    }
    Ok(status)
}

/// The state of one `check` run while units are linted, fixed and written.
struct Run<'a> {
    args: &'a CheckArgs,
    fix_options: FixOptions,
    status: ExitStatus,
    applied: Vec<AppliedFix>,
    would_change: bool,
    counts: summary::Counts,
}

impl Run<'_> {
    /// Lints one unit (and computes its fixes with --fix or --diff). Runs on worker threads.
    fn lint(&self, linter: &Linter, unit: &Unit) -> Linted {
        match linter.lint_unit(unit) {
            Ok(report) if self.args.fix || self.args.diff => {
                Linted::Fixed(Box::new(linter.fix_report(report, self.fix_options)))
            }
            Ok(report) => Linted::Report(report),
            Err(e) => Linted::Report(UnitReport::unreadable(
                unit.root.clone(),
                Some(Arc::clone(&unit.parser)),
                format!("cannot read file: {e}"),
            )),
        }
    }

    /// Writes fixes (or prints the diff) and returns the report to render. Runs in order.
    fn finish(&mut self, item: Linted, out: &mut dyn Write) -> io::Result<UnitReport> {
        let outcome = match item {
            Linted::Report(report) => return Ok(report),
            Linted::Fixed(outcome) => *outcome,
        };
        if let Some(failure) = &outcome.failure {
            eprintln!(
                "maillint: error: {}: fixes not applied: {}",
                Line(outcome.before.root.display()),
                Line(failure)
            );
            self.status = ExitStatus::Error;
        }
        if outcome.did_not_converge {
            eprintln!(
                "maillint: warning: {}: fixes did not settle after {} rounds; two rules may disagree (please report this)",
                Line(outcome.before.root.display()),
                maillint_engine::fix::MAX_ITERATIONS
            );
        }
        if self.args.diff {
            self.would_change |= !outcome.changes.is_empty();
            maillint_report::diff::render(&outcome, out)?;
            return Ok(outcome.before);
        }
        // Write every changed file; a file that cannot be written keeps its findings, and the
        // other files are still fixed.
        let mut written = true;
        for change in &outcome.changes {
            match change.write(&outcome.before.root) {
                // A file that was not there before is news to the user: say so.
                Ok(()) if change.original.is_new() => {
                    let path = Line(change.original.path().display());
                    eprintln!("maillint: created {path} (a new file that holds the fix)");
                }
                Ok(()) => {}
                Err(e) => {
                    eprintln!("maillint: error: {}", Line(&e));
                    self.status = ExitStatus::Error;
                    written = false;
                }
            }
        }
        if written && !outcome.changes.is_empty() {
            self.applied.extend(outcome.applied);
            Ok(outcome.after)
        } else {
            Ok(outcome.before)
        }
    }
}

fn open_output(path: Option<&Path>) -> Result<Box<dyn Write>, String> {
    match path {
        None => Ok(Box::new(io::BufWriter::new(io::stdout().lock()))),
        Some(path) => File::create(path)
            .map(|f| Box::new(io::BufWriter::new(f)) as Box<dyn Write>)
            .map_err(|e| format!("--output-file {}: {e}", path.display())),
    }
}

/// `--show-fixes`: what was fixed, per file, as ruff lists it.
fn render_applied(applied: &[AppliedFix], out: &mut dyn Write) -> io::Result<()> {
    let mut by_file: std::collections::BTreeMap<&Path, Vec<&AppliedFix>> = Default::default();
    for fix in applied {
        by_file.entry(fix.path.as_path()).or_default().push(fix);
    }
    let count = if applied.len() == 1 {
        "1 problem".to_owned()
    } else {
        format!("{} problems", applied.len())
    };
    writeln!(out, "Fixed {count}:")?;
    for (path, fixes) in by_file {
        writeln!(out, "- {}:", Line(path.display()))?;
        for fix in fixes {
            writeln!(out, "    {} ({}): {}", fix.code, fix.rule, Line(&fix.title))?;
        }
    }
    Ok(())
}

/// Whether any finding is a warning or an error, which fails the run (exit code 1 unless
/// `--exit-zero`); `info` (what was not followed) does not, so a muttrc that reads its
/// password from a command can pass a pre-commit hook.
pub(crate) fn failing(reports: &[UnitReport]) -> bool {
    reports.iter().flat_map(|r| &r.diagnostics).any(|d| d.severity >= Severity::Warning)
}
