//! Rendering diagnostics for people and machines.
//!
//! One module per output format. Every renderer receives the same [`UnitReport`]s and writes to
//! a `Write` the CLI hands it; nothing here prints on its own. Secrets are redacted by
//! [`redact`] before any source text or message is written.

pub mod concise;
pub mod diff;
pub mod full;
pub mod json;
pub mod location;
pub mod redact;
pub mod summary;

use std::io::{self, Write};

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

/// Writes `units`' diagnostics in `format`.
pub fn render(
    format: OutputFormat,
    units: &[UnitReport],
    out: &mut dyn Write,
    options: RenderOptions,
) -> io::Result<()> {
    match format {
        OutputFormat::Full => full::render(units, out, options),
        OutputFormat::Concise => concise::render(units, out),
        OutputFormat::Json => json::render_array(units, out),
        OutputFormat::JsonLines => json::render_lines(units, out),
    }
}
