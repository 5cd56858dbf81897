//! `maillint scan [DIR]...` and `maillint scan --all-users [ROOT]`: find every mail client's
//! configuration in home folders, lint it, and say whose it is.
//!
//! Homes are scanned in parallel by `maillint-scan`; each home's findings are rendered on the
//! worker that linted it and written here in sorted order as soon as the homes before it are
//! done, so output is stable and memory does not grow with the number of homes. A progress bar
//! runs on stderr when stderr is a terminal. What is written, and the summary, is the output
//! side's business (`scan_output.rs`): this module runs the scan and hands it each home.
//!
//! With `--verify`, every home's reports are kept until the scan ends, each distinct server is
//! probed once for all the homes that name it, and then the homes are rendered in order.

use std::io::{self, IsTerminal};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use maillint_engine::Linter;
use maillint_report::escape::Line;
use maillint_scan::{
    Home, HomeOutcome, HomeReport, Problem, Progress, ScanOptions, default_roots, homes_under,
    sort_homes,
};

use super::scan_output::{HomeOutput, Plan, ScanOutput, ScanOutputArgs};

use crate::ExitStatus;
use crate::args::{HomeLimitArgs, RuleArgs, RunArgs, VerifyArgs};
use crate::verify::VerifyRequest;

/// Arguments of `scan`.
#[derive(Debug, Args)]
pub struct ScanArgs {
    /// Home folders to scan; each folder's name is its user. Default: the current user's
    /// home (`HOME`, or `USERPROFILE` on Windows).
    #[arg(value_name = "DIR", conflicts_with = "all_users")]
    pub dirs: Vec<PathBuf>,

    /// Scan every folder under ROOT as a user's home. Without ROOT: `/home`, and `/Users`
    /// where it exists.
    #[arg(long, value_name = "ROOT", num_args = 0..=1)]
    pub all_users: Option<Option<PathBuf>>,

    /// Formats, `-o`, `--summary-only`, `--statistics`.
    #[command(flatten)]
    pub output: ScanOutputArgs,

    /// Rule selection, configuration and extensions. The configuration is the closest
    /// `maillint.toml` to the current folder (the admin's), never one inside a scanned home:
    /// a user's file must not turn rules off for their own account.
    #[command(flatten)]
    pub rules: RuleArgs,

    /// Exit code, colour and threads.
    #[command(flatten)]
    pub run: RunArgs,

    /// Limits per home.
    #[command(flatten)]
    pub home_limits: HomeLimitArgs,

    /// Live verification of the servers the scanned files name (each server once, however
    /// many users name it).
    #[command(flatten)]
    pub live: VerifyArgs,
}

/// The linter every worker copies, the scan's options and the `--verify` request.
fn prepare(args: &ScanArgs) -> Result<(Linter, ScanOptions, Option<VerifyRequest>), String> {
    let setup = crate::setup::build(&args.rules, Path::new("."), None)?;
    let mut linter = setup.linter;
    linter.read.limits = args.run.read_limits(setup.settings.max_file_size);
    let max_file_size = linter.read.limits.max_file_bytes;
    let options = args.home_limits.scan_options(&setup.settings, max_file_size);
    let verify = args.live.verify.then(|| args.live.request()).transpose()?;
    Ok((linter, options, verify))
}

/// The homes to scan, after printing the errors about the ones given; `None` when there is
/// nothing to scan. An error sets `status` (exit 2 after the scan).
fn homes_to_scan(
    args: &ScanArgs,
    root_problems: &mut Vec<Problem>,
    status: &mut ExitStatus,
) -> Option<Vec<Home>> {
    let (homes, errors) = choose_homes(args, root_problems)
        .map_err(|message| eprintln!("maillint: error: {}", Line(&message)))
        .ok()?;
    for error in &errors {
        eprintln!("maillint: error: {}", Line(&error));
    }
    if !errors.is_empty() {
        *status = ExitStatus::Error;
        if homes.is_empty() {
            return None;
        }
    }
    Some(homes)
}

/// Runs `scan`.
pub fn run(args: ScanArgs) -> io::Result<ExitStatus> {
    let (template, scan_options, verify) = match prepare(&args) {
        Ok(prepared) => prepared,
        Err(message) => {
            eprintln!("maillint: error: {}", Line(&message));
            return Ok(ExitStatus::Error);
        }
    };
    let mut status = ExitStatus::Success;
    let mut root_problems = Vec::new();
    let Some(homes) = homes_to_scan(&args, &mut root_problems, &mut status) else {
        return Ok(ExitStatus::Error);
    };

    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(args.run.threads)
        .build()
        .map_err(io::Error::other)?;
    let stdout_is_terminal = io::stdout().is_terminal();
    let color = args.run.color.enabled(stdout_is_terminal);
    let plan = match Plan::new(&args.output, color, verify.is_some()) {
        Ok(plan) => plan,
        Err(message) => {
            eprintln!("maillint: error: {}", Line(&message));
            return Ok(ExitStatus::Error);
        }
    };
    let mut output = match ScanOutput::open(plan.clone(), args.output.output_file.as_deref()) {
        Ok(output) => output,
        Err(message) => {
            eprintln!("maillint: error: {}", Line(&message));
            return Ok(ExitStatus::Error);
        }
    };
    let progress = Bar::new(io::stderr().is_terminal());
    // The bar and the findings share the screen only when both streams are the terminal;
    // then each home's output is written with the bar hidden.
    let share_screen =
        progress.bar.is_some() && stdout_is_terminal && args.output.output_file.is_none();

    match verify {
        // Each home is rendered on its worker and written as soon as the homes before it are.
        None => {
            let result = maillint_scan::scan(
                &pool,
                &homes,
                &scan_options,
                &progress,
                || fork(&template),
                |report| plan.home(report),
                |_home, outcome: HomeOutcome<HomeOutput>| match &progress.bar {
                    Some(bar) if share_screen => bar.suspend(|| {
                        output.take(outcome.rendered)?;
                        output.flush()
                    }),
                    _ => output.take(outcome.rendered),
                },
            );
            progress.finish();
            result?;
        }
        // Every home's reports are kept, so that each distinct server is probed once for all
        // the homes that name it (an organisation's users share a few servers); then the homes
        // are rendered in order. Memory grows with the homes here, as it must.
        Some(request) => {
            let mut reports: Vec<HomeReport> = Vec::with_capacity(homes.len());
            let result = maillint_scan::scan(
                &pool,
                &homes,
                &scan_options,
                &progress,
                || fork(&template),
                |report| report,
                |_home, outcome: HomeOutcome<HomeReport>| {
                    reports.push(outcome.rendered);
                    Ok::<(), io::Error>(())
                },
            );
            progress.finish();
            result?;
            let units = reports.iter_mut().flat_map(|home| &mut home.units).map(|u| &mut u.report);
            if let Err(e) = crate::verify::run(&template, units, &request) {
                eprintln!("maillint: error: --verify: {}", Line(&e));
                status = ExitStatus::Error;
            }
            for report in reports {
                output.take(plan.home(report))?;
            }
        }
    }
    let report = output.finish(&root_problems, template.rules.metas())?;

    if status == ExitStatus::Success && !args.run.exit_zero && report.totals.is_failing() {
        status = ExitStatus::Failure;
    }
    Ok(status)
}

/// The homes to scan, errors about homes or roots given explicitly (exit 2 after the scan),
/// and problems with single entries under a root (listed in the summary).
fn choose_homes(
    args: &ScanArgs,
    problems: &mut Vec<Problem>,
) -> Result<(Vec<Home>, Vec<String>), String> {
    let mut homes = Vec::new();
    let mut errors = Vec::new();
    if let Some(root) = &args.all_users {
        let roots = match root {
            Some(root) => vec![root.clone()],
            None => default_roots(),
        };
        if roots.is_empty() {
            return Err("--all-users: neither /home nor /Users exists here; give the folder that \
                        holds the homes (`--all-users ROOT`)"
                .to_owned());
        }
        for root in roots {
            match homes_under(&root) {
                Ok((found, found_problems)) => {
                    homes.extend(found);
                    problems.extend(found_problems);
                }
                Err(e) => errors.push(format!("--all-users: {e}")),
            }
        }
    } else if !args.dirs.is_empty() {
        for dir in &args.dirs {
            match Home::given(dir) {
                Ok(home) => homes.push(home),
                Err(e) => errors.push(e.to_string()),
            }
        }
    } else {
        // Choosing what to scan (not resolving a config value): the current user's home.
        let home = std::env::var_os("HOME")
            .filter(|h| !h.is_empty())
            .or_else(|| std::env::var_os("USERPROFILE").filter(|h| !h.is_empty()))
            .ok_or("no home folder: HOME is not set; give the home folder to scan (`maillint scan DIR`)")?;
        match Home::given(PathBuf::from(home)) {
            Ok(home) => homes.push(home),
            Err(e) => errors.push(e.to_string()),
        }
    }
    sort_homes(&mut homes);
    Ok((homes, errors))
}

/// A linter for one worker thread: the same parsers, rules and settings as the template.
/// Each worker sets the parse options' home to the home it scans.
fn fork(template: &Linter) -> Linter {
    template.clone()
}

/// The progress bar: homes done of all homes, files read, findings.
struct Bar {
    bar: Option<ProgressBar>,
    files: AtomicUsize,
    findings: AtomicUsize,
}

impl Bar {
    fn new(on_terminal: bool) -> Self {
        let bar = on_terminal.then(|| {
            let style = ProgressStyle::with_template(
                "{spinner} {bar:30} {pos}/{len} homes · {msg} · {elapsed}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar());
            ProgressBar::new(0).with_style(style)
        });
        Bar { bar, files: AtomicUsize::new(0), findings: AtomicUsize::new(0) }
    }

    fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

impl Progress for Bar {
    fn start(&self, homes: usize) {
        if let Some(bar) = &self.bar {
            bar.set_length(homes as u64);
        }
    }

    fn home_done(&self, files_read: usize, findings: usize) {
        let files = self.files.fetch_add(files_read, Ordering::Relaxed) + files_read;
        let found = self.findings.fetch_add(findings, Ordering::Relaxed) + findings;
        if let Some(bar) = &self.bar {
            bar.set_message(format!("{files} files read · {found} findings"));
            bar.inc(1);
        }
    }
}
