//! Rendering diagnostics for people and machines.
//!
//! One module per output format. Every renderer receives the same [`UnitReport`]s and writes to
//! a `Write` the CLI hands it; nothing here prints on its own. Secrets are redacted by
//! [`redact`] before any source text or message is written, and the human formats make every
//! control character from input visible with [`escape`].

pub mod baseline;
pub mod concise;
pub mod csv;
pub mod diff;
pub mod escape;
pub mod fleet;
pub mod full;
pub mod github;
pub mod gitlab;
pub mod json;
pub mod junit;
pub mod location;
pub mod redact;
pub mod sarif;
pub mod scan;
mod shown;
pub mod statistics;
pub mod summary;
#[cfg(test)]
mod test_support;
pub mod window;
mod wrap_cache;

use std::io::{self, Write};
use std::sync::Arc;

use maillint_core::RuleMeta;
use maillint_engine::UnitReport;

/// The output formats.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OutputFormat {
    /// miette's graphical report with the source snippet.
    Full,
    /// One line per finding: `path:line:col: severity[code/name] message`.
    Concise,
    /// One JSON array of findings.
    Json,
    /// One JSON object per line.
    JsonLines,
    /// GitHub Actions workflow commands (annotations).
    Github,
    /// SARIF 2.1.0 (GitHub code scanning).
    Sarif,
    /// JUnit XML.
    Junit,
    /// GitLab Code Quality JSON.
    Gitlab,
}

impl OutputFormat {
    /// Whether the format is meant for people (gets the summary footer).
    pub fn is_human(self) -> bool {
        matches!(self, OutputFormat::Full | OutputFormat::Concise)
    }
}

/// Options that change how output looks, not what it says.
#[derive(Clone, Copy, Debug, Default)]
pub struct RenderOptions {
    /// Use colour (only on a terminal, and never when `NO_COLOR` is set: decided by the CLI).
    pub color: bool,
}

/// Writes `units`' diagnostics in `format`. SARIF lists only the rules that fired; use
/// [`render_with_rules`] to list every registered rule.
pub fn render(
    format: OutputFormat,
    units: &[UnitReport],
    out: &mut dyn Write,
    options: RenderOptions,
) -> io::Result<()> {
    let mut fired: Vec<Arc<RuleMeta>> = Vec::new();
    for d in units.iter().flat_map(|u| &u.diagnostics) {
        if !fired.iter().any(|m| m.code == d.rule.code) {
            fired.push(Arc::clone(&d.rule));
        }
    }
    render_with_rules(format, units, &fired, out, options)
}

/// Writes `units`' diagnostics in `format`; `rules` is every registered rule (SARIF's
/// `tool.driver.rules` lists them all, so dashboards know each rule before it fires).
pub fn render_with_rules(
    format: OutputFormat,
    units: &[UnitReport],
    rules: &[Arc<RuleMeta>],
    out: &mut dyn Write,
    options: RenderOptions,
) -> io::Result<()> {
    match format {
        OutputFormat::Full => full::render(units, out, options),
        OutputFormat::Concise => concise::render(units, out),
        OutputFormat::Json => json::render_array(units, out),
        OutputFormat::JsonLines => json::render_lines(units, out),
        OutputFormat::Github => github::render(units, out),
        OutputFormat::Sarif => sarif::render(units, rules, out),
        OutputFormat::Junit => junit::render(units, out),
        OutputFormat::Gitlab => gitlab::render(units, out),
    }
}
