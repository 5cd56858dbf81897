//! `maillint check [PATH]...`: discover, lint in parallel, render, and pick the exit code.

use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;
use std::sync::Arc;

use maillint_core::builtin::IoError;
use maillint_core::{ParseOptions, RuleSettings, Selection, Severity};
use maillint_engine::{
    AppliedFix, DiscoverOptions, FixOptions, FixOutcome, Linter, UnitReport, discover, write_atomic,
};
use maillint_report::{OutputFormat, RenderOptions, summary};
use rayon::prelude::*;

use crate::ExitStatus;
use crate::args::{CheckArgs, ColorChoice, OutputFormatArg};
use crate::registry;

/// Runs `check`.
pub fn run(args: CheckArgs) -> io::Result<ExitStatus> {
    let parsers = registry::parsers();
    let rules = registry::rules(&parsers).map_err(io::Error::other)?;
    let selection = Selection {
        select: args.select.clone(),
        extend_select: args.extend_select.clone(),
        ignore: args.ignore.clone(),
    };
    let enabled = match rules.resolve(&selection) {
        Ok(enabled) => enabled,
        Err(e) => {
            eprintln!("maillint: error: {e}");
            return Ok(ExitStatus::Error);
        }
    };
    let linter = Linter {
        parsers,
        rules,
        providers: registry::providers(),
        enabled,
        severity_overrides: Default::default(),
        settings: RuleSettings::default(),
        parse_options: ParseOptions { home: args.home.clone() },
    };

    let paths = if args.paths.is_empty() { vec![PathBuf::from(".")] } else { args.paths.clone() };
    let discovery = discover(&paths, &linter.parsers, &DiscoverOptions { threads: args.threads });
    let mut status = ExitStatus::Success;
    for error in &discovery.errors {
        eprintln!("maillint: error: {error}");
        status = ExitStatus::Error;
    }

    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(args.threads)
        .build()
        .map_err(io::Error::other)?;
    let fix_mode = args.fix || args.diff || args.unsafe_fixes;
    let fix_options = FixOptions { unsafe_fixes: args.unsafe_fixes };
    // Without fixes, each unit is linted once. With fixes, the fix loop lints, edits, re-lints.
    let outcomes: Vec<Result<FixOutcome, UnitReport>> = pool.install(|| {
        discovery
            .units
            .par_iter()
            .map(|unit| {
                let report = match linter.lint_unit(unit) {
                    Ok(report) => report,
                    Err(e) => return Err(unreadable(unit, e)),
                };
                if fix_mode { Ok(linter.fix_report(report, fix_options)) } else { Err(report) }
            })
            .collect()
    });

    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    let mut reports: Vec<UnitReport> = Vec::with_capacity(outcomes.len());
    let mut applied: Vec<AppliedFix> = Vec::new();
    let mut would_change = false;
    for outcome in outcomes {
        let outcome = match outcome {
            Ok(outcome) => outcome,
            Err(report) => {
                reports.push(report);
                continue;
            }
        };
        if let Some(failure) = &outcome.failure {
            eprintln!(
                "maillint: error: {}: fixes not applied: {failure}",
                outcome.before.root.display()
            );
            status = ExitStatus::Error;
        }
        if outcome.did_not_converge {
            eprintln!(
                "maillint: warning: {}: fixes did not settle after {} rounds; two rules may disagree (please report this)",
                outcome.before.root.display(),
                maillint_engine::fix::MAX_ITERATIONS
            );
        }
        if args.diff {
            would_change |= !outcome.changes.is_empty();
            maillint_report::diff::render(&outcome, &mut out)?;
            reports.push(outcome.before);
            continue;
        }
        // Write every changed file; a file that cannot be written keeps its findings.
        let mut written = true;
        for change in &outcome.changes {
            if let Err(e) = write_atomic(change.original.path(), &change.new_bytes) {
                eprintln!("maillint: error: {e}");
                status = ExitStatus::Error;
                written = false;
            }
        }
        if written && !outcome.changes.is_empty() {
            applied.extend(outcome.applied);
            reports.push(outcome.after);
        } else {
            reports.push(outcome.before);
        }
    }
    // Problems met while walking (an unreadable folder, a broken link) are findings of the
    // `io-error` rule: the run goes on and the user sees what was not checked.
    for error in &discovery.walk_errors {
        if linter.enabled.contains(&IoError::metadata().name) {
            reports.push(UnitReport::unreadable(error.path.clone(), None, error.to_string()));
        }
    }
    reports.sort_by(|a, b| a.root.cmp(&b.root));
    if args.verify {
        let mut resolve = Vec::new();
        for entry in &args.resolve {
            match entry.parse() {
                Ok(r) => resolve.push(r),
                Err(e) => {
                    eprintln!("maillint: error: --resolve {entry}: {e}");
                    return Ok(ExitStatus::Error);
                }
            }
        }
        if !(args.verify_timeout > 0.0 && args.verify_timeout.is_finite()) {
            eprintln!("maillint: error: --verify-timeout must be a positive number of seconds");
            return Ok(ExitStatus::Error);
        }
        let request = crate::verify::VerifyRequest {
            concurrency: args.verify_concurrency,
            timeout: std::time::Duration::from_secs_f64(args.verify_timeout),
            resolve,
            ca_file: args.ca_file.clone(),
            verbose: args.verbose,
        };
        if let Err(e) = crate::verify::run(&linter, &mut reports, &request) {
            eprintln!("maillint: error: --verify: {e}");
            status = ExitStatus::Error;
        }
    }

    let format = match args.output_format {
        OutputFormatArg::Full => OutputFormat::Full,
        OutputFormatArg::Concise => OutputFormat::Concise,
        OutputFormatArg::Json => OutputFormat::Json,
        OutputFormatArg::JsonLines => OutputFormat::JsonLines,
    };
    let color = match args.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    };
    if args.diff {
        // The diff is the output; findings are not repeated.
        out.flush()?;
        if status == ExitStatus::Success && would_change {
            status = ExitStatus::Failure;
        }
        return Ok(status);
    }
    maillint_report::render(format, &reports, &mut out, RenderOptions { color })?;
    if format.is_human() {
        if args.show_fixes && !applied.is_empty() {
            render_applied(&applied, &mut out)?;
        }
        let counts = summary::Counts::of(&reports, args.unsafe_fixes);
        summary::render(&counts, discovery.units.len(), applied.len(), &mut out)?;
    }
    out.flush()?;

    if status == ExitStatus::Success && !args.exit_zero && failing(&reports) {
        status = ExitStatus::Failure;
    }
    Ok(status)
}

/// `--show-fixes`: what was fixed, per file, as ruff lists it.
fn render_applied(applied: &[AppliedFix], out: &mut dyn Write) -> io::Result<()> {
    let mut by_file: std::collections::BTreeMap<&std::path::Path, Vec<&AppliedFix>> =
        Default::default();
    for fix in applied {
        by_file.entry(fix.path.as_path()).or_default().push(fix);
    }
    writeln!(
        out,
        "Fixed {}:",
        if applied.len() == 1 {
            "1 problem".to_owned()
        } else {
            format!("{} problems", applied.len())
        }
    )?;
    for (path, fixes) in by_file {
        writeln!(out, "- {}:", path.display())?;
        for fix in fixes {
            writeln!(out, "    {} ({}): {}", fix.code, fix.rule, fix.title)?;
        }
    }
    Ok(())
}

/// Findings of severity warning or error fail the run; `info` (what was not followed) does not,
/// so a muttrc that reads its password from a command can pass a pre-commit hook.
fn failing(reports: &[UnitReport]) -> bool {
    reports.iter().flat_map(|r| &r.diagnostics).any(|d| d.severity >= Severity::Warning)
}

fn unreadable(unit: &maillint_engine::Unit, error: io::Error) -> UnitReport {
    UnitReport::unreadable(
        unit.root.clone(),
        Some(Arc::clone(&unit.parser)),
        format!("cannot read file: {error}"),
    )
}
