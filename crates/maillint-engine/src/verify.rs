//! Stage 5 (optional), verify: live checks of the servers the accounts name.
//!
//! The engine does not connect anywhere itself: a [`Verifier`] (the `maillint-verify` crate,
//! wired in by the CLI under `--verify`) probes the endpoints of a whole run at once, so that
//! each distinct server is probed once however many files name it. Its findings then go
//! through the same severity overrides, per-file ignores and suppressions as every other
//! finding ([`filter::settle`](crate::filter::settle)).

use maillint_core::{Diagnostic, ProviderDb};

use crate::filter::{Stage, settle};
use crate::lint::{Linter, UnitReport};

/// The rule group whose findings only the verify stage reports. While linting, suppressions
/// of these rules are neither used nor unused; the verify stage judges them.
pub const GROUP: &str = "verify";

/// Probes the servers a run's accounts name.
pub trait Verifier {
    /// Why verification could not run at all (the trusted roots could not be loaded).
    type Error;

    /// Probes every endpoint the accounts of `reports` name and returns, for each report in
    /// order, the findings at the spans where it names a probed endpoint.
    fn verify(
        &self,
        reports: &[&UnitReport],
        providers: &ProviderDb,
    ) -> Result<Vec<Vec<Diagnostic>>, Self::Error>;
}

/// Runs `verifier` over `reports` and settles its findings into each report.
pub fn verify<'a, V: Verifier>(
    linter: &Linter,
    verifier: &V,
    reports: impl IntoIterator<Item = &'a mut UnitReport>,
) -> Result<(), V::Error> {
    let mut reports: Vec<&mut UnitReport> = reports.into_iter().collect();
    let found = {
        let shared: Vec<&UnitReport> = reports.iter().map(|r| &**r).collect();
        verifier.verify(&shared, &linter.providers)?
    };
    // Every report is settled, also one without findings: a suppression of a verify rule
    // that found nothing there is reported now that the rule ran.
    for (report, new) in reports.iter_mut().zip(found) {
        settle(linter, report, new, Stage::Verify);
    }
    Ok(())
}
