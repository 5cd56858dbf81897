//! `maillint check - --stdin-filename PATH`: lint standard input as the file PATH names, for
//! editors and other tools that pipe a buffer in (ruff's convention).
//!
//! PATH decides the format (by name, as for files on disk), which `maillint.toml` applies,
//! and where the parser looks for files the input refers to (the `user.js` beside a
//! `prefs.js`, a muttrc's `source`). Findings go to standard output as usual. With `--fix`,
//! the fixed text goes to standard output (byte for byte the input where nothing applies) and
//! the findings that remain to standard error; with `--diff`, the diff. Nothing is written to
//! disk: a fix that belongs in another file (a running profile's `user.js`) is not applied.
//!
//! The fixed text is the caller's own file handed back, as `--fix` writes it on disk, so it
//! holds whatever the input held; the findings and the diff mask secrets as everywhere else.

use std::io::{self, IsTerminal, Read, Write};
use std::path::PathBuf;

use maillint_core::{SourceFile, Sources};
use maillint_engine::{FixOptions, Linted, Mode, Unit};
use maillint_report::escape::Line;
use maillint_report::{RenderOptions, summary};

use crate::ExitStatus;
use crate::args::CheckArgs;
use crate::setup;

/// Why these arguments cannot read standard input, if they cannot.
fn unsupported(args: &CheckArgs) -> Option<&'static str> {
    if args.paths.len() != 1 {
        return Some("`-` (standard input) cannot be combined with other paths");
    }
    if args.live.verify || args.statistics || args.output_file.is_some() {
        return Some("`-` (standard input) works without --verify, --statistics and --output-file");
    }
    None
}

/// Runs `check -`.
pub fn run(args: &CheckArgs) -> io::Result<ExitStatus> {
    let fail = |message: &str| {
        eprintln!("maillint: error: {}", Line(&message));
        Ok(ExitStatus::Error)
    };
    if let Some(message) = unsupported(args) {
        return fail(message);
    }
    let name = args.stdin_filename.clone().unwrap_or_else(|| PathBuf::from("-"));
    let linter = match setup::build(&args.rules, &name, args.home.clone()) {
        Ok(setup) => setup.linter,
        Err(message) => return fail(&message),
    };
    let mut bytes = Vec::new();
    io::stdin().lock().read_to_end(&mut bytes)?;
    let head = &bytes[..bytes.len().min(maillint_engine::discover::HEAD_LEN)];
    let Some(parser) = linter.parsers.detect(&name, head).cloned() else {
        return fail(
            "cannot tell the format of standard input: give the name of the file it stands for \
             with --stdin-filename (prefs.js, user.js, muttrc, NAME.prf, NAME.reg, \
             autodiscover.xml)",
        );
    };
    let mut sources = Sources::new();
    let root = sources.add(SourceFile::from_bytes(&name, &bytes));
    let unit = Unit { root: name.clone(), parser, walked: None };
    let mode = if args.fix || args.diff {
        Mode::Fix(FixOptions { unsafe_fixes: args.unsafe_fixes })
    } else {
        Mode::Lint
    };
    // The engine's one way to run a unit: every stage after reading, under its panic guard.
    let linted = linter.run_read_unit(&unit, sources, root, mode);

    let mut stdout = io::stdout().lock();
    let color = args.run.color.enabled(io::stdout().is_terminal());
    let format = args.output_format.format();
    let render = |report, out: &mut dyn Write, color| {
        maillint_report::render_with_rules(
            format,
            std::slice::from_ref(report),
            linter.rules.metas(),
            out,
            RenderOptions { color },
        )?;
        if format.is_human() && !args.quiet {
            let counts = summary::Counts::of(std::slice::from_ref(report), args.unsafe_fixes);
            summary::render(&counts, 1, 0, false, out)?;
        }
        io::Result::Ok(())
    };

    let outcome = match linted {
        Linted::Fixed(outcome) => *outcome,
        Linted::Report(report) | Linted::Unread(report) => {
            render(&report, &mut stdout, color)?;
            stdout.flush()?;
            let failing =
                super::check::failing(std::slice::from_ref(&report)) && !args.run.exit_zero;
            return Ok(if failing { ExitStatus::Failure } else { ExitStatus::Success });
        }
    };
    let mut status = ExitStatus::Success;
    if let Some(failure) = &outcome.failure {
        let name = name.display();
        eprintln!("maillint: error: {}: fixes not applied: {}", Line(name), Line(failure));
        status = ExitStatus::Error;
    }
    let (own, elsewhere): (Vec<_>, Vec<_>) =
        outcome.changes.iter().partition(|change| change.original.path() == name);
    for change in &elsewhere {
        eprintln!(
            "maillint: warning: a fix belongs in {}, which maillint does not write when reading \
             standard input; it was not applied",
            Line(change.original.path().display())
        );
    }
    if args.diff {
        let for_terminal = io::stdout().is_terminal();
        maillint_report::diff::render(&outcome, &mut stdout, for_terminal)?;
        stdout.flush()?;
        let changed = !outcome.changes.is_empty();
        return Ok(if changed && status == ExitStatus::Success {
            ExitStatus::Failure
        } else {
            status
        });
    }
    // --fix: the fixed text (or the input as it came) on stdout, what remains on stderr.
    match own.first() {
        Some(change) if elsewhere.is_empty() => stdout.write_all(&change.new_bytes)?,
        _ => stdout.write_all(&bytes)?,
    }
    stdout.flush()?;
    let after = if elsewhere.is_empty() { &outcome.after } else { &outcome.before };
    render(after, &mut io::stderr().lock(), false)?;
    let fixed = args.exit_non_zero_on_fix && !own.is_empty() && elsewhere.is_empty();
    if status == ExitStatus::Success
        && (fixed || super::check::failing(std::slice::from_ref(after)) && !args.run.exit_zero)
    {
        status = ExitStatus::Failure;
    }
    Ok(status)
}
