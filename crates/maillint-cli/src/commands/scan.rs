//! `maillint scan [DIR]...` and `maillint scan --all-users [ROOT]`: find every mail client's
//! configuration in home folders, lint it, and say whose it is.
//!
//! Homes are scanned in parallel by `maillint-scan`; each home's findings are rendered on the
//! worker that linted it and written here in sorted order as soon as the homes before it are
//! done, so output is stable and memory does not grow with the number of homes. A progress bar
//! runs on stderr when stderr is a terminal. A summary table ends human output (and goes to
//! stderr after machine-readable output, which stays pure JSON).
//!
//! With `--verify`, every home's reports are kept until the scan ends, each distinct server is
//! probed once for all the homes that name it, and then the homes are rendered in order.

use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use clap::{Args, ValueEnum};
use indicatif::{ProgressBar, ProgressStyle};
use maillint_core::Severity;
use maillint_engine::Linter;
use maillint_report::RenderOptions;
use maillint_report::escape::Line;
use maillint_report::scan::{self as render, JsonArray};
use maillint_scan::{
    Home, HomeOutcome, HomeReport, Problem, Progress, ScanSummary, default_roots, homes_under,
    sort_homes,
};

use crate::ExitStatus;
use crate::args::{HomeLimitArgs, RuleArgs, RunArgs, VerifyArgs};

/// Output formats of `scan`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ScanOutputFormat {
    /// A header per user, then graphical reports with the source snippet (default).
    Full,
    /// One line per finding: `[user/client] path:line:col: severity[code/name] message`.
    Concise,
    /// One JSON array; each object has `user` and `client`.
    Json,
    /// One JSON object per line; each has `user` and `client`.
    JsonLines,
}

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

    /// How to print findings.
    #[arg(long, value_enum, default_value_t = ScanOutputFormat::Full)]
    pub output_format: ScanOutputFormat,

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

/// Runs `scan`.
pub fn run(args: ScanArgs) -> io::Result<ExitStatus> {
    let (template, scan_options) = match crate::setup::build(&args.rules, Path::new("."), None) {
        Ok(setup) => {
            let mut linter = setup.linter;
            linter.read.limits = args.run.read_limits(setup.settings.max_file_size);
            let max_file_size = linter.read.limits.max_file_bytes;
            (linter, args.home_limits.scan_options(&setup.settings, max_file_size))
        }
        Err(message) => {
            eprintln!("maillint: error: {}", Line(&message));
            return Ok(ExitStatus::Error);
        }
    };
    let verify = match args.live.verify.then(|| args.live.request()).transpose() {
        Ok(verify) => verify,
        Err(message) => {
            eprintln!("maillint: error: {}", Line(&message));
            return Ok(ExitStatus::Error);
        }
    };

    let mut status = ExitStatus::Success;
    let mut summary = ScanSummary::default();
    let homes = match choose_homes(&args, &mut summary.problems) {
        Ok((homes, errors)) => {
            for error in &errors {
                eprintln!("maillint: error: {}", Line(&error));
            }
            if !errors.is_empty() {
                if homes.is_empty() {
                    return Ok(ExitStatus::Error);
                }
                status = ExitStatus::Error;
            }
            homes
        }
        Err(message) => {
            eprintln!("maillint: error: {}", Line(&message));
            return Ok(ExitStatus::Error);
        }
    };

    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(args.run.threads)
        .build()
        .map_err(io::Error::other)?;
    let stdout = io::stdout();
    let stdout_is_terminal = stdout.is_terminal();
    let color = args.run.color.enabled(stdout_is_terminal);
    let options = RenderOptions { color };
    let progress = Bar::new(io::stderr().is_terminal());
    // The bar and the findings share the screen only when both streams are the terminal;
    // then each home's output is written with the bar hidden.
    let share_screen = progress.bar.is_some() && stdout_is_terminal;

    let mut out = io::BufWriter::new(stdout.lock());
    let mut array = JsonArray::new();
    let format = args.output_format;
    let mut write = |out: &mut io::BufWriter<_>, rendered: &Rendered| -> io::Result<()> {
        match rendered {
            Rendered::Text(bytes) => out.write_all(bytes),
            Rendered::JsonItems(items) => array.write_items(items.iter().map(Vec::as_slice), out),
        }
    };
    match verify {
        // Each home is rendered on its worker and written as soon as the homes before it are.
        None => {
            let result = maillint_scan::scan(
                &pool,
                &homes,
                &scan_options,
                &progress,
                || fork(&template),
                |report| render_home(format, &report, options),
                |_home, outcome: HomeOutcome<Rendered>| {
                    summary.merge(outcome.summary);
                    match &progress.bar {
                        Some(bar) if share_screen => bar.suspend(|| {
                            write(&mut out, &outcome.rendered)?;
                            out.flush()
                        }),
                        _ => write(&mut out, &outcome.rendered),
                    }
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
            for report in &reports {
                summary.merge(ScanSummary::of_home(report));
                write(&mut out, &render_home(format, report, options))?;
            }
        }
    }
    if format == ScanOutputFormat::Json {
        array.finish(&mut out)?;
    }
    out.flush()?;
    drop(out);

    // Human output ends with the table; machine output stays pure JSON and the table goes to
    // stderr, where a person running the command still sees it.
    match format {
        ScanOutputFormat::Full | ScanOutputFormat::Concise => {
            let mut out = io::stdout().lock();
            render_summary(&summary, &mut out)?;
            out.flush()?;
        }
        ScanOutputFormat::Json | ScanOutputFormat::JsonLines => {
            render_summary(&summary, &mut io::stderr().lock())?;
        }
    }

    if status == ExitStatus::Success
        && !args.run.exit_zero
        && (summary.count(Severity::Warning) > 0 || summary.count(Severity::Error) > 0)
    {
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

/// One home's findings, rendered on the worker thread.
enum Rendered {
    /// Text to write as it is.
    Text(Vec<u8>),
    /// JSON array items, each already indented; separators are written in order.
    JsonItems(Vec<Vec<u8>>),
}

fn render_home(format: ScanOutputFormat, report: &HomeReport, options: RenderOptions) -> Rendered {
    // Writing into memory does not fail, nor does serialising these types; should it ever,
    // the output says so in place of the home's findings rather than dropping them silently.
    render_into(format, report, options).unwrap_or_else(|error| {
        Rendered::Text(
            format!(
                "maillint: error: the findings of {} could not be rendered: {}\n",
                Line(report.home.path.display()),
                Line(error)
            )
            .into_bytes(),
        )
    })
}

fn render_into(
    format: ScanOutputFormat,
    report: &HomeReport,
    options: RenderOptions,
) -> io::Result<Rendered> {
    let user = report.home.user.as_str();
    let mut text = Vec::new();
    match format {
        ScanOutputFormat::Full => {
            if report.findings() > 0 {
                render::user_header(user, &report.home.path, &mut text, options)?;
                for unit in &report.units {
                    render::full(user, &unit.report, &mut text, options)?;
                }
            }
        }
        ScanOutputFormat::Concise => {
            for unit in &report.units {
                render::concise(user, &unit.report, &mut text)?;
            }
        }
        ScanOutputFormat::JsonLines => {
            for unit in &report.units {
                render::json_lines(user, &unit.report, &mut text)?;
            }
        }
        ScanOutputFormat::Json => {
            let mut items = Vec::new();
            for unit in &report.units {
                for item in render::json_diagnostics(user, &unit.report) {
                    let mut bytes = Vec::new();
                    JsonArray::item(&item, &mut bytes)?;
                    items.push(bytes);
                }
            }
            return Ok(Rendered::JsonItems(items));
        }
    }
    Ok(Rendered::Text(text))
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

fn plural(n: usize, word: &str) -> String {
    if n == 1 { format!("{n} {word}") } else { format!("{n} {word}s") }
}

/// The table at the end: users, clients, accounts, findings by severity and rule, problems.
fn render_summary(summary: &ScanSummary, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out)?;
    writeln!(
        out,
        "Scanned {} ({} with mail configuration), {} read.",
        plural(summary.homes, "home"),
        summary.users_with_config,
        plural(summary.files_read, "file"),
    )?;
    if !summary.clients.is_empty() {
        writeln!(out)?;
        writeln!(
            out,
            "{:<12} {:>7} {:>7} {:>8} {:>8}",
            "CLIENT", "USERS", "CONFIGS", "ACCOUNTS", "FINDINGS"
        )?;
        for (client, totals) in &summary.clients {
            writeln!(
                out,
                "{:<12} {:>7} {:>7} {:>8} {:>8}",
                client, totals.users, totals.units, totals.accounts, totals.findings
            )?;
        }
    }
    writeln!(out)?;
    let (errors, warnings, infos) = (
        summary.count(Severity::Error),
        summary.count(Severity::Warning),
        summary.count(Severity::Info),
    );
    if summary.findings() == 0 {
        writeln!(out, "No findings.")?;
    } else {
        writeln!(
            out,
            "Found {}, {}, {} info.",
            plural(errors, "error"),
            plural(warnings, "warning"),
            infos
        )?;
        writeln!(out)?;
        let width =
            summary.rules.iter().map(|(c, r)| c.len() + 1 + r.name.len()).max().unwrap_or(4);
        writeln!(out, "{:<width$} {:>7} {:>7} {:>7}", "RULE", "ERROR", "WARNING", "INFO")?;
        for (code, totals) in &summary.rules {
            let get = |s| totals.by_severity.get(&s).copied().unwrap_or(0);
            writeln!(
                out,
                "{:<width$} {:>7} {:>7} {:>7}",
                format!("{code} {}", totals.name),
                get(Severity::Error),
                get(Severity::Warning),
                get(Severity::Info),
            )?;
        }
    }
    if !summary.problems.is_empty() {
        writeln!(out)?;
        writeln!(
            out,
            "{} met while scanning (what they hide was not checked):",
            plural(summary.problems.len(), "problem")
        )?;
        for problem in &summary.problems {
            writeln!(out, "  [{}] {}", Line(&problem.user), Line(problem))?;
        }
    }
    Ok(())
}
