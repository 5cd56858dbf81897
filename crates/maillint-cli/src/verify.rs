//! `--verify`: probe every distinct endpoint of every checked file once, and add the findings
//! to the report of each file that names the endpoint. Off unless asked (zizmor's rule for
//! network checks); never sends a credential.

use std::collections::HashMap;
use std::io;
use std::time::Duration;

use maillint_core::{Diagnostic, ProviderDb, Span};
use maillint_engine::{Linter, UnitReport, Verifier};
use maillint_report::escape::Line;
use maillint_verify::{ConnectFailure, ProbeResult, ResolveOverride, Target, VerifyOptions};

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
        if let Some(note) = offline_note(&results) {
            eprintln!("maillint: warning: {note}");
        }
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

/// One sentence when no probe got anywhere: every server failing to resolve says more about
/// this machine (offline, or no DNS) than about the servers, and a fleet's thousands of
/// `verify-connect-failed` findings would otherwise hide that.
fn offline_note(results: &[ProbeResult]) -> Option<String> {
    let failure = |result: &ProbeResult| {
        result.problems.iter().find_map(|problem| match problem {
            maillint_verify::Problem::ConnectFailed { failure, .. } => Some(failure.clone()),
            _ => None,
        })
    };
    let failures: Vec<Option<ConnectFailure>> = results.iter().map(failure).collect();
    if results.len() < 2 || failures.iter().any(Option::is_none) {
        return None;
    }
    let n = results.len();
    if failures.iter().all(|f| *f == Some(ConnectFailure::Dns)) {
        return Some(format!(
            "none of the {n} servers' names resolved: this machine looks offline (or without \
             DNS), so the verify findings say nothing about the servers; run --verify where \
             the mail clients run"
        ));
    }
    Some(format!(
        "none of the {n} servers could be reached: check this machine's network or firewall \
         before the servers"
    ))
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use maillint_core::Protocol;
    use maillint_verify::{ProbeMode, Problem, Stage};

    use super::*;

    fn failed(host: &str, failure: Option<ConnectFailure>) -> ProbeResult {
        let problems = failure.into_iter().map(|failure| Problem::ConnectFailed {
            failure,
            stage: Stage::Resolve,
            waited: Duration::ZERO,
            address: None,
            detail: format!("no such host: {host}"),
        });
        ProbeResult {
            target: Target::new(host, 993, Protocol::Imap, ProbeMode::ImplicitTls),
            session: None,
            problems: problems.collect(),
            elapsed: Duration::ZERO,
        }
    }

    #[test]
    fn every_name_failing_to_resolve_says_the_machine_looks_offline() {
        let dns = || Some(ConnectFailure::Dns);
        let all = [failed("a.example", dns()), failed("b.example", dns())];
        assert!(offline_note(&all).unwrap().contains("none of the 2 servers' names resolved"));
        let mixed =
            [failed("a.example", dns()), failed("b.example", Some(ConnectFailure::Refused))];
        assert!(offline_note(&mixed).unwrap().contains("none of the 2 servers could be reached"));
        let one_answered = [failed("a.example", dns()), failed("b.example", None)];
        assert_eq!(offline_note(&one_answered), None, "one server answered: the machine is online");
        assert_eq!(offline_note(&all[..1]), None, "one server down says nothing about the machine");
    }
}
