//! Live verification (`maillint check --verify`): connect to every server a config names and
//! report what the server actually does.
//!
//! A config can look right and still fail: the certificate expired, the host serves another
//! name's certificate, port 993 answers in plaintext, STARTTLS is not offered. This crate
//! probes each distinct endpoint and reports problems as diagnostics of the `verify` rule group
//! (V001–V008, see [`rules()`]).
//!
//! What a probe sends, and nothing else: the TLS handshake, the protocol's capability request
//! (IMAP `CAPABILITY`, SMTP `EHLO`, POP3 `CAPA`), STARTTLS (`STLS`) where the endpoint starts in
//! plaintext, and a polite `LOGOUT`/`QUIT`. **No user name, password or other credential is
//! ever sent.** Nothing runs unless the caller asks: the CLI calls [`verify`] only under
//! `--verify`.
//!
//! The flow:
//! 1. [`targets_from_accounts`] collects the distinct endpoints of the model.
//! 2. [`verify`] probes them concurrently (at most [`VerifyOptions::concurrency`] at once), each
//!    under a connect timeout and an overall timeout; reads are bounded ([`wire`]).
//! 3. [`diagnostics_for`] turns each [`ProbeResult`] into diagnostics at the endpoint's span;
//!    [`ProbeResult::summary`] is the `--verbose` line for a successful probe (TLS version,
//!    cipher, days until the certificate expires).
//!
//! Command-line flags map onto [`VerifyOptions`]: `--verify-concurrency` is
//! [`concurrency`](VerifyOptions::concurrency), `--verify-timeout` the
//! [`overall_timeout`](VerifyOptions::overall_timeout) (keep
//! [`connect_timeout`](VerifyOptions::connect_timeout) at most as long), each
//! `--resolve HOST:PORT:ADDRESS` a [`ResolveOverride`] parsed with `str::parse`, and
//! `--ca-file PEM` [`ca_file`](VerifyOptions::ca_file) (then the only trusted roots).
//!
//! Which endpoints start in plaintext: implicit TLS is probed as implicit TLS; STARTTLS (required
//! or optional) and also security "none" are probed with STARTTLS, so that a plaintext config
//! learns whether the server could encrypt; unknown security is decided by the port (see
//! [`ProbeMode::for_config`]).

pub mod certificate;
pub mod diagnostics;
pub mod options;
pub mod outcome;
pub mod probe;
pub mod protocol;
pub mod rules;
pub mod target;
pub mod tls;
pub mod wire;

use std::sync::Arc;

use tokio::sync::Semaphore;
use tokio::task::JoinSet;

pub use certificate::{CertificateFailure, CertificateInfo};
pub use diagnostics::diagnostics_for;
pub use options::{
    HostResolver, ResolveFuture, ResolveOverride, ResolveParseError, SystemResolver, VerifyOptions,
};
pub use outcome::{ConnectFailure, ProbeResult, ProbeSuccess, Problem, Stage};
pub use rules::rules;
pub use target::{
    ProbeMode, Protocol, Target, targets_from_accounts, targets_from_accounts_with_providers,
};
pub use tls::SetupError;

/// Probes `targets` and returns one result per target, in the same order.
///
/// Blocking: builds its own tokio runtime. From async code use [`verify_async`]. Fails only
/// when the trusted roots cannot be loaded (a bad `--ca-file`, an empty system store).
pub fn verify(
    targets: Vec<Target>,
    options: &VerifyOptions,
) -> Result<Vec<ProbeResult>, SetupError> {
    // Probes mostly wait; a few worker threads are enough for the handshakes' CPU work.
    let workers = std::thread::available_parallelism().map_or(2, |n| n.get().min(4));
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(workers)
        .enable_all()
        .build()
        .map_err(SetupError::Runtime)?;
    runtime.block_on(verify_async(targets, options))
}

/// Probes `targets` concurrently on the current tokio runtime (which needs its time and I/O
/// drivers enabled) and returns one result per target, in the same order.
pub async fn verify_async(
    targets: Vec<Target>,
    options: &VerifyOptions,
) -> Result<Vec<ProbeResult>, SetupError> {
    // Loading the roots reads files (the system store is dozens of them, a `--ca-file` may be
    // on a slow share or a FIFO): blocking work, which must not stall this executor thread
    // and the other tasks on it.
    let (ca_file, now) = (options.ca_file.clone(), options.now);
    let tls = tokio::task::spawn_blocking(move || tls::TlsSetup::new(ca_file.as_deref(), now))
        .await
        .map_err(|e| SetupError::Runtime(std::io::Error::other(e)))??;
    let context = Arc::new(probe::RunContext { tls, options: options.clone() });
    let slots = Arc::new(Semaphore::new(options.concurrency.max(1)));
    let mut probes = JoinSet::new();
    for (index, target) in targets.iter().cloned().enumerate() {
        let context = Arc::clone(&context);
        let slots = Arc::clone(&slots);
        probes.spawn(async move {
            // The semaphore is never closed, so acquiring only waits.
            let _slot = slots.acquire_owned().await;
            (index, probe::probe(target, context).await)
        });
    }
    let mut results: Vec<Option<ProbeResult>> = vec![None; targets.len()];
    while let Some(joined) = probes.join_next().await {
        // A probe task cannot fail short of a bug; its slot then stays empty and is reported
        // below rather than taking the whole run down.
        if let Ok((index, result)) = joined {
            results[index] = Some(result);
        }
    }
    Ok(results
        .into_iter()
        .zip(targets)
        .map(|(result, target)| {
            result.unwrap_or_else(|| ProbeResult {
                target,
                session: None,
                problems: vec![Problem::ConnectFailed {
                    failure: ConnectFailure::Other,
                    stage: Stage::Resolve,
                    waited: std::time::Duration::ZERO,
                    address: None,
                    detail: "internal error: the probe did not finish".to_owned(),
                }],
                elapsed: std::time::Duration::ZERO,
            })
        })
        .collect())
}
