//! Benchmark: verify 200 loopback endpoints, 20 of which accept and never answer, with a 2 s
//! timeout. Concurrent probing should take about one timeout plus the handshakes, not 20
//! timeouts. For comparison, the same endpoints are checked one after another with
//! `openssl s_client` (each under `timeout 2`), when openssl is installed.
//!
//! Run: `cargo run --release -p maillint-verify --example verify_bench`
//!
//! Only 127.0.0.1 is used.

// A benchmark prints its numbers.
#![allow(clippy::print_stdout, clippy::print_stderr)]

#[path = "../tests/support/mod.rs"]
mod support;

use std::net::SocketAddr;
use std::process::{Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

use maillint_verify::{ConnectFailure, ProbeMode, Problem, Protocol, VerifyOptions, verify};
use support::certs::TestPki;
use support::servers::{Behaviour, Script, Servers, Speaks};

const ENDPOINTS: usize = 200;
const SILENT: usize = 20;
const TIMEOUT: Duration = Duration::from_secs(2);

fn main() -> ExitCode {
    let dir = tempfile::tempdir().expect("temporary directory");
    let pki = TestPki::new();
    let ca_file = pki.write_ca(dir.path());
    let identity = pki.good(&["imap.test"]).server_config();
    let servers = Servers::new();

    let mut addresses: Vec<SocketAddr> = Vec::new();
    for i in 0..ENDPOINTS {
        // Spread the silent servers among the others.
        let behaviour = if i % (ENDPOINTS / SILENT) == 0 {
            Behaviour::Silent
        } else {
            Behaviour::ImplicitTls(identity.clone(), Script::new(Speaks::Imap))
        };
        addresses.push(servers.start(behaviour));
    }
    let (targets, resolve): (Vec<_>, Vec<_>) = addresses
        .iter()
        .map(|&a| support::target_at("imap.test", a, Protocol::Imap, ProbeMode::ImplicitTls))
        .unzip();
    let options = VerifyOptions {
        connect_timeout: TIMEOUT,
        overall_timeout: TIMEOUT,
        resolve,
        ca_file: Some(ca_file.clone()),
        ..VerifyOptions::default()
    };

    let started = Instant::now();
    let results = verify(targets, &options).expect("verify");
    let elapsed = started.elapsed();
    let clean = results.iter().filter(|r| r.is_clean()).count();
    let timed_out = results
        .iter()
        .filter(|r| {
            matches!(
                r.problems.as_slice(),
                [Problem::ConnectFailed { failure: ConnectFailure::TimedOut, .. }]
            )
        })
        .count();
    println!(
        "verify_bench endpoints={ENDPOINTS} silent={SILENT} timeout_ms={} elapsed_ms={}",
        TIMEOUT.as_millis(),
        elapsed.as_millis()
    );
    println!(
        "verify_bench clean={clean} timed_out={timed_out} concurrency={}",
        options.concurrency
    );

    if openssl_available() {
        let started = Instant::now();
        let mut verified = 0;
        for address in &addresses {
            let status = Command::new("timeout")
                .arg(TIMEOUT.as_secs().to_string())
                .arg("openssl")
                .args(["s_client", "-connect", &address.to_string(), "-servername", "imap.test"])
                .args(["-verify_hostname", "imap.test", "-verify_return_error", "-CAfile"])
                .arg(&ca_file)
                .stdin(Stdio::null())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .status();
            if status.is_ok_and(|s| s.success()) {
                verified += 1;
            }
        }
        println!(
            "openssl_sequential_ms={} openssl_verified={verified}",
            started.elapsed().as_millis()
        );
    } else {
        println!("openssl_sequential_ms=skipped (openssl not installed)");
    }

    if clean != ENDPOINTS - SILENT || timed_out != SILENT {
        eprintln!("unexpected results: clean={clean} timed_out={timed_out}");
        return ExitCode::FAILURE;
    }
    ExitCode::SUCCESS
}

fn openssl_available() -> bool {
    Command::new("openssl")
        .arg("version")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success())
}
