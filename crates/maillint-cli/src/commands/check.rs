//! `maillint check [PATH]...`: discover, lint in parallel, render, and pick the exit code.

use std::io::{self, IsTerminal, Write};
use std::path::PathBuf;
use std::sync::Arc;

use maillint_core::builtin::IoError;
use maillint_core::{ParseOptions, RuleSettings, Selection, Severity};
use maillint_engine::{DiscoverOptions, Linter, UnitReport, discover};
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

    let pool = rayon::ThreadPoolBuilder::new().num_threads(args.threads).build().map_err(io::Error::other)?;
    let mut reports: Vec<UnitReport> = pool.install(|| {
        discovery
            .units
            .par_iter()
            .map(|unit| match linter.lint_unit(unit) {
                Ok(report) => report,
                Err(e) => unreadable(unit, e),
            })
            .collect()
    });
    // Problems met while walking (an unreadable folder, a broken link) are findings of the
    // `io-error` rule: the run goes on and the user sees what was not checked.
    for error in &discovery.walk_errors {
        if linter.enabled.contains(&IoError::metadata().name) {
            reports.push(UnitReport::unreadable(error.path.clone(), None, error.to_string()));
        }
    }
    reports.sort_by(|a, b| a.root.cmp(&b.root));

    let format = match args.output_format {
        OutputFormatArg::Full => OutputFormat::Full,
        OutputFormatArg::Concise => OutputFormat::Concise,
        OutputFormatArg::Json => OutputFormat::Json,
        OutputFormatArg::JsonLines => OutputFormat::JsonLines,
    };
    let stdout = io::stdout();
    let color = match args.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => stdout.is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()),
    };
    let mut out = io::BufWriter::new(stdout.lock());
    maillint_report::render(format, &reports, &mut out, RenderOptions { color })?;
    let counts = summary::Counts::of(&reports);
    if format.is_human() {
        summary::render(&counts, discovery.units.len(), &mut out)?;
    }
    out.flush()?;

    if status == ExitStatus::Success && !args.exit_zero && failing(&reports) {
        status = ExitStatus::Failure;
    }
    Ok(status)
}

/// Findings of severity warning or error fail the run; `info` (what was not followed) does not,
/// so a muttrc that reads its password from a command can pass a pre-commit hook.
fn failing(reports: &[UnitReport]) -> bool {
    reports.iter().flat_map(|r| &r.diagnostics).any(|d| d.severity >= Severity::Warning)
}

fn unreadable(unit: &maillint_engine::Unit, error: io::Error) -> UnitReport {
    UnitReport::unreadable(unit.root.clone(), Some(Arc::clone(&unit.parser)), format!("cannot read file: {error}"))
}
