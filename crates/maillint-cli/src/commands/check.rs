//! `maillint check [PATH]...`: the engine's stages over the paths given (see
//! `maillint_engine`), then rendering and the exit code. Here: which renderer, whether output
//! streams, what is said on standard error (written fixes, errors), and the exit code.

use std::collections::HashMap;
use std::ffi::OsString;
use std::fs::File;
use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};

use maillint_config::CONFIG_FILE_NAMES;
use maillint_core::{FileIdentity, Severity};
use maillint_engine::fix::FileChange;
use maillint_engine::{
    AppliedFix, DiscoverOptions, Discovery, FixOptions, Linted, Linter, Mode, Unit, UnitReport,
    discover,
};
use maillint_report::escape::Line;
use maillint_report::{OutputFormat, RenderOptions, statistics, summary};

use crate::ExitStatus;
use crate::args::CheckArgs;
use crate::baseline::CheckBaseline;
use crate::per_file::Configs;
use crate::setup;
use crate::verify::VerifyRequest;

/// Runs `check`: the engine's stages over the discovered units; here only the choice of the
/// renderer, what to say on standard error, and the exit code.
pub fn run(args: CheckArgs) -> io::Result<ExitStatus> {
    if args.paths.iter().any(|p| p.as_os_str() == "-") {
        return super::stdin::run(&args);
    }
    let Some(Prepared { linters, settings, batches, discovery, units, verify, status }) =
        prepare(&args)
    else {
        return Ok(ExitStatus::Error);
    };
    if args.show_settings || args.show_files {
        return show(&args, (&linters[0], &settings[0]), &batches, status);
    }
    // Walk errors, --verify and the rule list of one-document formats use the linter that
    // discovered the files.
    let linter = &linters[0];
    let baseline = match CheckBaseline::open(&args.baseline) {
        Ok(baseline) => baseline,
        Err(message) => {
            eprintln!("maillint: error: {}", Line(&message));
            return Ok(ExitStatus::Error);
        }
    };
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
    let output = Output::choose(&args);
    let mut run = Run {
        args: &args,
        status,
        applied: Vec::new(),
        would_change: false,
        files_written: 0,
        written: HashMap::new(),
        counts: summary::Counts::default(),
        kept: Vec::new(),
        baseline,
    };
    let mode = if args.fix || args.diff {
        Mode::Fix(FixOptions { unsafe_fixes: args.unsafe_fixes })
    } else {
        Mode::Lint
    };
    for (index, units) in &batches {
        let linter = &linters[*index];
        linter.run_units(&pool, units, mode, |chunk| {
            run.take_chunk(chunk, linter, &output, &mut out)
        })?;
    }
    if args.diff {
        // The diff is the output; findings are not repeated.
        out.flush()?;
        let changed = run.status == ExitStatus::Success && run.would_change;
        return Ok(if changed { ExitStatus::Failure } else { run.status });
    }
    let mut walk_reports = linter.walk_reports(&discovery);
    // A folder that could not be walked hides files that were not checked (exit code 2).
    if !discovery.walk_errors.is_empty() {
        run.status = ExitStatus::Error;
    }
    let failing_seen = if output.streaming {
        walk_reports.iter_mut().for_each(|r| run.baseline.apply(r));
        run.counts.add(&summary::Counts::of(&walk_reports, args.unsafe_fixes));
        output.render(&walk_reports, linter, &mut out)?;
        run.counts.errors + run.counts.warnings > 0
    } else {
        run.kept.extend(walk_reports);
        run.kept.sort_by(|a, b| a.root.cmp(&b.root));
        if let Some(request) = &verify
            && let Err(e) = crate::verify::run(linter, &mut run.kept, request)
        {
            eprintln!("maillint: error: --verify: {}", Line(&e));
            run.status = ExitStatus::Error;
        }
        // After --verify, so that its findings are known to the baseline too.
        run.kept.iter_mut().for_each(|r| run.baseline.apply(r));
        run.counts = summary::Counts::of(&run.kept, args.unsafe_fixes);
        output.render_all(&run.kept, args.statistics, linter, &mut out)?;
        failing(&run.kept)
    };
    if output.format.is_human() {
        if args.show_fixes && !run.applied.is_empty() {
            render_applied(&run.applied, &mut out)?;
        }
        if !args.quiet {
            let error = run.status == ExitStatus::Error;
            let (files, fixed) = (units, run.applied.len());
            summary::render(&run.counts, files, fixed, error, &mut out)?;
        }
    }
    run.baseline.finish(&mut out, output.format.is_human())?;
    out.flush()?;
    // `--exit-non-zero-on-fix`: a changed file fails the run even when nothing remains.
    let fixed = args.exit_non_zero_on_fix && run.files_written > 0;
    if run.status == ExitStatus::Success && (fixed || !args.run.exit_zero && failing_seen) {
        return Ok(ExitStatus::Failure);
    }
    Ok(run.status)
}

/// The linters, the units each checks and the verify request, ready to run.
struct Prepared {
    /// One linter per configuration in use; the first also discovered the files.
    linters: Vec<Linter>,
    /// The settings each linter was built from.
    settings: Vec<maillint_config::Settings>,
    /// Runs of units in root order, each with the index of its linter.
    batches: Vec<(usize, Vec<Unit>)>,
    discovery: Discovery,
    /// How many units are checked (after excludes).
    units: usize,
    verify: Option<VerifyRequest>,
    status: ExitStatus,
}

/// Loads the configurations, discovers the units (minus the excluded ones) and checks the
/// `--verify` flags; `None` after printing why when the run cannot start.
///
/// Each unit uses the closest configuration to its file ([`crate::per_file`]); files are found
/// with the parsers of the configuration of the first path in sorted order, so that the order
/// of the arguments changes nothing.
fn prepare(args: &CheckArgs) -> Option<Prepared> {
    let fail = |message: &str| eprintln!("maillint: error: {}", Line(message));
    let mut paths =
        if args.paths.is_empty() { vec![PathBuf::from(".")] } else { args.paths.clone() };
    paths.sort();
    paths.dedup();
    let fixed = args.rules.config.isolated || args.rules.config.config.is_some();
    let mut configs = Configs::new(fixed, |start: &Path| {
        let mut setup = setup::build(&args.rules, start, args.home.clone())?;
        setup.linter.read.limits = args.run.read_limits(setup.settings.max_file_size);
        Ok(setup)
    });
    configs.index_for(&paths[0]).map_err(|m| fail(&m)).ok()?;
    let verify =
        args.live.verify.then(|| args.live.request()).transpose().map_err(|m| fail(&m)).ok()?;
    // Excludes: a walked file is skipped when excluded; a file named on the command line only
    // with --force-exclude (pre-commit passes every staged file by name).
    let named = paths.clone();
    let mut kept = Vec::new();
    for path in paths {
        let index = configs.index_for(&path).map_err(|m| fail(&m)).ok()?;
        if configs.settings[index].should_check(&path, true) {
            kept.push(path);
        }
    }
    let mut discovery = if kept.is_empty() {
        Discovery::default()
    } else {
        // The walk notes the folders that hold a configuration file's name, so that the
        // search for each unit's configuration need not look into the others again.
        let noted_names = CONFIG_FILE_NAMES.iter().map(OsString::from).collect();
        let options = DiscoverOptions { threads: args.run.threads, noted_names };
        discover(&kept, &configs.linters[0].parsers, &options)
    };
    let units = std::mem::take(&mut discovery.units);
    let batches = configs.batches(units, &named, &discovery).map_err(|m| fail(&m)).ok()?;
    let units = batches.iter().map(|(_, units)| units.len()).sum();
    let mut status = ExitStatus::Success;
    for error in &discovery.errors {
        eprintln!("maillint: error: {}", Line(&error));
        status = ExitStatus::Error;
    }
    if units == 0 && discovery.errors.is_empty() {
        status = no_files(args, &named);
    }
    let (linters, settings) = (configs.linters, configs.settings);
    Some(Prepared { linters, settings, batches, discovery, units, verify, status })
}

/// `--show-settings` or `--show-files` instead of a check.
fn show(
    args: &CheckArgs,
    (linter, settings): (&Linter, &maillint_config::Settings),
    batches: &[(usize, Vec<Unit>)],
    status: ExitStatus,
) -> io::Result<ExitStatus> {
    if args.show_settings { show_settings(linter, settings) } else { show_files(batches, status) }
}

/// `--show-settings`: the settings of the first path and the rules its linter runs.
fn show_settings(linter: &Linter, settings: &maillint_config::Settings) -> io::Result<ExitStatus> {
    let mut out = io::stdout().lock();
    for line in settings.show().lines() {
        writeln!(out, "{}", Line(line))?;
    }
    let rules: Vec<String> = linter.enabled.names().map(|name| format!("\"{name}\"")).collect();
    writeln!(out, "enabled-rules = [{}]  # {} rules", rules.join(", "), rules.len())?;
    Ok(ExitStatus::Success)
}

/// `--show-files`: every unit that would be checked, with its format, in the order checked.
fn show_files(batches: &[(usize, Vec<Unit>)], status: ExitStatus) -> io::Result<ExitStatus> {
    let mut out = io::stdout().lock();
    for unit in batches.iter().flat_map(|(_, units)| units) {
        writeln!(out, "{}\t{}", Line(unit.root.display()), unit.parser.name())?;
    }
    Ok(status)
}

/// Nothing to check: the paths hold no file maillint recognises (or only excluded ones). A
/// warning, as ruff's "No Python files found", and exit 0 so that a pre-commit hook or a CI
/// job over a folder without mail configuration passes; `--error-on-no-files` makes it an
/// error (exit 2) for a job that must check something.
fn no_files(args: &CheckArgs, named: &[PathBuf]) -> ExitStatus {
    let paths: Vec<String> = named.iter().map(|p| Line(p.display()).to_string()).collect();
    let message = format!(
        "no file maillint recognises was found in {} (`maillint formats` lists the names it reads)",
        paths.join(", ")
    );
    if args.error_on_no_files {
        eprintln!("maillint: error: {message}");
        return ExitStatus::Error;
    }
    if !args.quiet {
        eprintln!("maillint: warning: {message}");
    }
    ExitStatus::Success
}

/// The renderer and how it is fed.
struct Output {
    format: OutputFormat,
    options: RenderOptions,
    /// Formats whose output is a sequence of independent pieces are written as each chunk of
    /// units is done, so memory does not grow with the size of the tree. One-document formats
    /// (a JSON array, SARIF, JUnit), statistics and --verify (which probes each endpoint once
    /// across all files) need every report first.
    streaming: bool,
}

impl Output {
    fn choose(args: &CheckArgs) -> Self {
        let format = args.output_format.format();
        let color =
            args.run.color.enabled(args.output_file.is_none() && io::stdout().is_terminal());
        let streaming = !args.live.verify
            && !args.statistics
            && !args.diff
            && matches!(
                format,
                OutputFormat::Full
                    | OutputFormat::Concise
                    | OutputFormat::JsonLines
                    | OutputFormat::Github
            );
        Self { format, options: RenderOptions { color }, streaming }
    }

    fn render(
        &self,
        reports: &[UnitReport],
        linter: &Linter,
        out: &mut dyn Write,
    ) -> io::Result<()> {
        maillint_report::render_with_rules(
            self.format,
            reports,
            linter.rules.metas(),
            out,
            self.options,
        )
    }

    /// Renders every report at once, or the `--statistics` table instead.
    fn render_all(
        &self,
        reports: &[UnitReport],
        statistics: bool,
        linter: &Linter,
        out: &mut dyn Write,
    ) -> io::Result<()> {
        if !statistics {
            return self.render(reports, linter, out);
        }
        let stats = statistics::collect(reports);
        if matches!(self.format, OutputFormat::Json | OutputFormat::JsonLines) {
            statistics::render_json(&stats, out)
        } else {
            statistics::render_text(&stats, out, self.options.color)
        }
    }
}

/// The state of one `check` run while units are linted, fixed and written.
struct Run<'a> {
    args: &'a CheckArgs,
    status: ExitStatus,
    applied: Vec<AppliedFix>,
    would_change: bool,
    /// Files `--fix` changed on disk.
    files_written: usize,
    /// The bytes written (or shown by `--diff`) for each file this run, by the identity the
    /// file had when it was read:
    /// a file sourced by one unit and checked as a unit of its own gets the same fix from
    /// both, and the second unit's copy of the old file must not count as a conflict.
    written: HashMap<FileIdentity, Vec<u8>>,
    counts: summary::Counts,
    /// Reports kept for rendering at the end (one-document formats, --verify, --statistics).
    kept: Vec<UnitReport>,
    /// `--baseline` and `--write-baseline`.
    baseline: CheckBaseline,
}

impl Run<'_> {
    /// Whether this run already wrote (or showed as a diff) exactly this change: a file
    /// sourced by one unit and checked as its own unit gets the same fix from both.
    fn done_before(&self, change: &FileChange) -> bool {
        let done = change.original.identity().and_then(|id| self.written.get(id));
        done.is_some_and(|bytes| *bytes == change.new_bytes)
    }

    /// Remembers a change written or shown, by the identity the file had when it was read.
    fn remember(&mut self, change: &FileChange) {
        if let Some(id) = change.original.identity() {
            self.written.insert(*id, change.new_bytes.clone());
        }
    }

    /// Writes a chunk's fixes (or diffs), then renders its reports or keeps them.
    fn take_chunk(
        &mut self,
        chunk: Vec<Linted>,
        linter: &Linter,
        output: &Output,
        out: &mut dyn Write,
    ) -> io::Result<()> {
        let mut reports = Vec::with_capacity(chunk.len());
        for item in chunk {
            reports.push(self.finish(item, out)?);
        }
        if output.streaming {
            reports.iter_mut().for_each(|r| self.baseline.apply(r));
            self.counts.add(&summary::Counts::of(&reports, self.args.unsafe_fixes));
            output.render(&reports, linter, out)
        } else {
            self.kept.extend(reports);
            Ok(())
        }
    }

    /// Writes fixes (or prints the diff) and returns the report to render. Runs in order.
    fn finish(&mut self, item: Linted, out: &mut dyn Write) -> io::Result<UnitReport> {
        let outcome = match item {
            Linted::Report(report) => return Ok(report),
            // Reported (an `io-error` finding says why) and the run goes on; the exit code says
            // that something could not be checked.
            Linted::Unread(report) => {
                self.status = ExitStatus::Error;
                return Ok(report);
            }
            Linted::Fixed(outcome) => *outcome,
        };
        let mut outcome = outcome;
        // Changes already written by an earlier unit are done: this unit still counts as fixed.
        let has_changes = !outcome.changes.is_empty();
        let fresh: Vec<FileChange> =
            outcome.changes.drain(..).filter(|c| !self.done_before(c)).collect();
        outcome.changes = fresh;
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
            for change in &outcome.changes {
                self.remember(change);
            }
            self.would_change |= !outcome.changes.is_empty();
            let for_terminal = self.args.output_file.is_none() && io::stdout().is_terminal();
            maillint_report::diff::render(&outcome, out, for_terminal)?;
            return Ok(outcome.before);
        }
        // Write every changed file; a file that cannot be written keeps its findings, and the
        // other files are still fixed.
        let mut written = true;
        let root = outcome.before.sources.find(&outcome.before.root);
        for change in &outcome.changes {
            let root = root.map_or(&change.original, |id| outcome.before.sources.get(id));
            match change.write(root) {
                Ok(()) => {
                    self.remember(change);
                    self.files_written += 1;
                    // A file that was not there before is news to the user: say so.
                    if change.original.is_new() && !self.args.quiet {
                        let path = Line(change.original.path().display());
                        eprintln!("maillint: created {path} (a new file that holds the fix)");
                    }
                }
                Err(e) => {
                    eprintln!("maillint: error: {}", Line(&e));
                    self.status = ExitStatus::Error;
                    written = false;
                }
            }
        }
        if written && has_changes {
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
