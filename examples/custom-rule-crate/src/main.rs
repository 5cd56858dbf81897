//! `maillint-acme`: maillint's built-in parsers, rules and provider facts, plus ACME's rule.
//!
//! Usage: `maillint-acme [PATH ...]` (default: the current folder). Prints one line per finding
//! (maillint's concise format, secrets redacted) and exits 1 when there are findings, 2 when a
//! path cannot be used.

use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use maillint_core::builtin::{IoError, NotFollowed, ParseError};
use maillint_core::{ParserRegistry, RuleRegistry, Selection};
use maillint_engine::{DiscoverOptions, Linter, UnitReport, discover};

fn main() -> ExitCode {
    match run() {
        Ok(code) => code,
        Err(message) => {
            eprintln!("maillint-acme: error: {message}");
            ExitCode::from(2)
        }
    }
}

fn linter() -> Result<Linter, String> {
    let mut parsers = ParserRegistry::new();
    parsers.register(Arc::new(maillint_thunderbird::ThunderbirdParser));
    parsers.register(Arc::new(maillint_mutt::MuttParser));

    let mut rules = RuleRegistry::new();
    for meta in [ParseError::metadata(), IoError::metadata(), NotFollowed::metadata()] {
        rules.register_meta(Arc::clone(meta)).map_err(|e| e.to_string())?;
    }
    for rule in maillint_rules::builtin_rules() {
        rules.register(rule).map_err(|e| e.to_string())?;
    }
    // The new rule joins the built-ins; a name or code that clashes is refused here.
    for rule in maillint_acme::rules() {
        rules.register(rule).map_err(|e| e.to_string())?;
    }
    for meta in parsers.iter().flat_map(|p| p.rules()) {
        if rules.get(&meta.name).is_none() {
            rules.register_meta(meta).map_err(|e| e.to_string())?;
        }
    }
    let enabled = rules.resolve(&Selection::default()).map_err(|e| e.to_string())?;
    Ok(Linter::new(parsers, rules, maillint_rules::builtin_providers(), enabled))
}

fn run() -> Result<ExitCode, String> {
    let mut paths: Vec<PathBuf> = std::env::args_os().skip(1).map(PathBuf::from).collect();
    if paths.is_empty() {
        paths.push(PathBuf::from("."));
    }
    let linter = linter()?;
    let found = discover(&paths, &linter.parsers, &DiscoverOptions::default());
    if let Some(error) = found.errors.first() {
        return Err(error.to_string());
    }
    let reports: Vec<UnitReport> = found
        .units
        .iter()
        .map(|unit| {
            linter.lint_unit(unit).unwrap_or_else(|e| {
                UnitReport::unreadable(
                    unit.root.clone(),
                    Some(Arc::clone(&unit.parser)),
                    e.to_string(),
                )
            })
        })
        .collect();
    let stdout = io::stdout();
    let mut out = stdout.lock();
    maillint_report::concise::render(&reports, &mut out).map_err(|e| e.to_string())?;
    out.flush().map_err(|e| e.to_string())?;
    let findings = reports.iter().map(|r| r.diagnostics.len()).sum::<usize>();
    Ok(if findings > 0 { ExitCode::from(1) } else { ExitCode::SUCCESS })
}
