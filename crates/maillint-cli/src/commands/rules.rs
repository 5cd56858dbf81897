//! `maillint rules`, `maillint rule NAME` and `maillint formats`: what maillint knows.

use std::io::{self, Write};

use maillint_report::escape::Line;

use crate::ExitStatus;
use std::path::Path;

use crate::args::{ConfigArgs, RulesArgs};
use crate::registry;

fn load(config: &ConfigArgs) -> Result<crate::setup::Loaded, ExitStatus> {
    crate::setup::load(config, &Default::default(), Path::new(".")).map_err(|message| {
        eprintln!("maillint: error: {}", Line(&message));
        ExitStatus::Error
    })
}

/// Lists every rule.
pub fn list(args: &RulesArgs) -> io::Result<ExitStatus> {
    let rules = match load(&args.config) {
        Ok(loaded) => loaded.rules,
        Err(status) => return Ok(status),
    };
    let stdout = io::stdout();
    let mut out = stdout.lock();
    if args.json {
        serde_json::to_writer_pretty(&mut out, rules.metas())?;
        writeln!(out)?;
        return Ok(ExitStatus::Success);
    }
    let name_width = rules.metas().iter().map(|m| m.name.len()).max().unwrap_or(4);
    let code_width = rules.metas().iter().map(|m| m.code.len()).max().unwrap_or(4).max(4);
    writeln!(
        out,
        "{:<code_width$} {:<name_width$} {:<8} {:<4} SUMMARY",
        "CODE", "NAME", "SEVERITY", "FIX"
    )?;
    for meta in rules.metas() {
        let fix = match meta.fix {
            maillint_core::FixAvailability::Always => "yes",
            maillint_core::FixAvailability::Sometimes => "some",
            maillint_core::FixAvailability::None => "-",
        };
        writeln!(
            out,
            "{:<code_width$} {:<name_width$} {:<8} {:<4} {}",
            meta.code, meta.name, meta.severity, fix, meta.summary
        )?;
    }
    Ok(ExitStatus::Success)
}

/// Prints one rule's documentation.
pub fn show(name: &str, config: &ConfigArgs) -> io::Result<ExitStatus> {
    let rules = match load(config) {
        Ok(loaded) => loaded.rules,
        Err(status) => return Ok(status),
    };
    let Some(meta) = rules.get(name) else {
        let hint =
            rules.closest(name).map(|c| format!(" (did you mean `{c}`?)")).unwrap_or_default();
        eprintln!("maillint: error: unknown rule `{name}`{hint}; `maillint rules` lists them all");
        return Ok(ExitStatus::Error);
    };
    let stdout = io::stdout();
    let mut out = stdout.lock();
    writeln!(out, "# {} ({})", meta.name, meta.code)?;
    writeln!(out)?;
    writeln!(
        out,
        "Severity: {}. Group: {}. Fix: {}.",
        meta.severity,
        meta.group,
        match meta.fix {
            maillint_core::FixAvailability::Always => "always available",
            maillint_core::FixAvailability::Sometimes => "sometimes available",
            maillint_core::FixAvailability::None => "none",
        }
    )?;
    writeln!(out)?;
    writeln!(out, "{}", meta.doc.trim_end())?;
    Ok(ExitStatus::Success)
}

/// Lists the loaded packs, provider files and plugins with their rules.
pub fn plugins(json: bool, config: &ConfigArgs) -> io::Result<ExitStatus> {
    match load(config) {
        Ok(loaded) => crate::commands::plugins::print(&loaded.inventory(), json),
        Err(status) => Ok(status),
    }
}

/// Lists the formats (parsers).
pub fn formats() -> io::Result<ExitStatus> {
    let parsers = registry::parsers();
    let stdout = io::stdout();
    let mut out = stdout.lock();
    for parser in parsers.iter() {
        writeln!(out, "{:<24} {}", parser.name(), parser.client())?;
    }
    Ok(ExitStatus::Success)
}
