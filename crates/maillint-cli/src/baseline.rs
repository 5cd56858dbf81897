//! `check --baseline FILE` and `check --write-baseline FILE`: the findings a baseline knows are
//! removed from each report before anything counts or renders them (`scan` does the same per
//! home on its workers, in `commands/scan_output.rs`). The keys and the file are
//! `maillint_report::baseline`'s.

use std::io::{self, Write};
use std::path::PathBuf;

use maillint_engine::UnitReport;
use maillint_report::baseline::{self, Baseline, BaselineKey, Owner};
use maillint_report::escape::Line;

use crate::args::BaselineArgs;

/// The baseline of one `check` run.
#[derive(Debug, Default)]
pub struct CheckBaseline {
    baseline: Option<Baseline>,
    write: Option<PathBuf>,
    keys: Vec<BaselineKey>,
    known: usize,
}

impl CheckBaseline {
    /// Reads `--baseline`; an error names the file.
    pub fn open(args: &BaselineArgs) -> Result<Self, String> {
        let baseline = match &args.baseline {
            Some(path) => Some(Baseline::read(path).map_err(|e| e.to_string())?),
            None => None,
        };
        Ok(CheckBaseline { baseline, write: args.write_baseline.clone(), ..Default::default() })
    }

    /// Keeps the keys of `report`'s findings (`--write-baseline`), then removes the ones the
    /// baseline knows.
    pub fn apply(&mut self, report: &mut UnitReport) {
        let owner = Owner::default();
        if self.write.is_some() {
            self.keys.extend(baseline::keys_of(owner, report));
        }
        if let Some(baseline) = &self.baseline {
            self.known += baseline.remove_known(owner, report);
        }
    }

    /// Writes `--write-baseline`, and says what the baseline hid and what is fixed: on `out`
    /// for human output, on stderr otherwise.
    pub fn finish(self, out: &mut dyn Write, human: bool) -> io::Result<()> {
        if let Some(path) = &self.write {
            let written = baseline::write(path, self.keys).map_err(io::Error::other)?;
            eprintln!("maillint: wrote the baseline {} ({written} findings)", Line(path.display()));
        }
        let Some(baseline) = &self.baseline else { return Ok(()) };
        let line = format!(
            "Baseline: {} known and not shown, {} fixed since it was written.",
            self.known,
            baseline.fixed()
        );
        if human { writeln!(out, "{line}") } else { writeln!(io::stderr().lock(), "{line}") }
    }
}
