//! `--verify`: probe every distinct endpoint of every checked file once, and add the findings
//! to the report of each file that names the endpoint. Off unless asked (zizmor's rule for
//! network checks); never sends a credential.

use std::collections::HashMap;
use std::io;
use std::time::Duration;

use maillint_core::{Diagnostic, ProviderDb, Span};
use maillint_engine::{Linter, UnitReport, Verifier};
use maillint_report::escape::Line;
use maillint_verify::{ResolveOverride, Target, VerifyOptions};

use crate::args::VerifyArgs;

/// What the user asked for.
pub struct VerifyRequest {
    /// Probes at once.
    pub concurrency: usize,
    /// Seconds for a whole probe; the connect timeout is the same or less.
    pub timeout: Duration,
    /// `--resolve` entries.
    pub resolve: Vec<ResolveOverride>,
    /// `--ca-file`.
    pub ca_file: Option<std::path::PathBuf>,
    /// Print a line per clean probe on stderr.
    pub verbose: bool,
}

impl VerifyArgs {
    /// The request the flags describe; an error names the flag at fault.
    pub fn request(&self) -> Result<VerifyRequest, String> {
        let mut resolve = Vec::new();
        for entry in &self.resolve {
            resolve.push(entry.parse().map_err(|e| format!("--resolve {entry}: {e}"))?);
        }
        if !(self.verify_timeout > 0.0 && self.verify_timeout.is_finite()) {
            return Err("--verify-timeout must be a positive number of seconds".to_owned());
        }
        Ok(VerifyRequest {
            concurrency: self.verify_concurrency,
            timeout: Duration::from_secs_f64(self.verify_timeout),
            resolve,
            ca_file: self.ca_file.clone(),
            verbose: self.verbose,
        })
    }
}

/// Probes the endpoints of `reports` and settles the verify findings into them (through the
/// same overrides, per-file ignores and suppressions as every finding): each distinct endpoint
/// once, however many files (or homes, for `scan`) name it.
pub fn run<'a>(
    linter: &Linter,
    reports: impl IntoIterator<Item = &'a mut UnitReport>,
    request: &VerifyRequest,
) -> io::Result<()> {
    maillint_engine::verify::verify(linter, request, reports)
}

impl Verifier for VerifyRequest {
    type Error = io::Error;

    fn verify(
        &self,
        reports: &[&UnitReport],
        providers: &ProviderDb,
    ) -> io::Result<Vec<Vec<Diagnostic>>> {
        // Distinct targets across every file; each remembers where it is named.
        let mut targets: Vec<Target> = Vec::new();
        let mut named_at: Vec<Vec<(usize, Span)>> = Vec::new();
        let mut index: HashMap<Target, usize> = HashMap::new();
        for (report_index, report) in reports.iter().enumerate() {
            for (target, spans) in
                maillint_verify::targets_from_accounts_with_providers(report.accounts(), providers)
            {
                let slot = *index.entry(target.clone()).or_insert_with(|| {
                    targets.push(target);
                    named_at.push(Vec::new());
                    targets.len() - 1
                });
                named_at[slot].extend(spans.into_iter().map(|s| (report_index, s)));
            }
        }
        let mut found = vec![Vec::new(); reports.len()];
        if targets.is_empty() {
            return Ok(found);
        }
        let options = VerifyOptions {
            concurrency: self.concurrency.max(1),
            connect_timeout: self.timeout.min(maillint_verify::options::DEFAULT_CONNECT_TIMEOUT),
            overall_timeout: self.timeout,
            resolve: self.resolve.clone(),
            ca_file: self.ca_file.clone(),
            ..VerifyOptions::default()
        };
        let results = maillint_verify::verify(targets, &options)
            .map_err(|e| io::Error::other(e.to_string()))?;
        for (result, places) in results.iter().zip(&named_at) {
            if self.verbose && result.is_clean() {
                eprintln!("maillint: verified {}", Line(result.summary()));
            }
            for &(report_index, span) in places {
                found[report_index].extend(maillint_verify::diagnostics_for(span, result));
            }
        }
        Ok(found)
    }
}
