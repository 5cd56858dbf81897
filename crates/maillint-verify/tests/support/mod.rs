//! Test support: certificates, a Dovecot fixture and in-process servers, all on loopback.
//!
//! Each test binary uses a part of it.
// Tests and examples may print (a loud SKIPPED line, benchmark numbers).
#![allow(dead_code, clippy::print_stderr, clippy::print_stdout)]

pub mod certs;
pub mod dovecot;
pub mod servers;

use std::net::SocketAddr;
use std::time::Duration;

use maillint_verify::{ProbeMode, Protocol, ResolveOverride, Target, VerifyOptions};

/// Options for tests: the test clock, the test CA as the only root, short timeouts, and the
/// given `--resolve` entries.
pub fn options(ca_file: &std::path::Path, resolve: Vec<ResolveOverride>) -> VerifyOptions {
    VerifyOptions {
        concurrency: 16,
        connect_timeout: Duration::from_secs(2),
        overall_timeout: Duration::from_secs(3),
        resolve,
        ca_file: Some(ca_file.to_path_buf()),
        now: certs::now(),
        ..VerifyOptions::default()
    }
}

/// A target `host:port` and the `--resolve` entry that sends it to `address`.
pub fn target_at(
    host: &str,
    address: SocketAddr,
    protocol: Protocol,
    mode: ProbeMode,
) -> (Target, ResolveOverride) {
    let entry: ResolveOverride =
        format!("{host}:{}:{}", address.port(), bracketed(address)).parse().unwrap();
    (Target::new(host, address.port(), protocol, mode), entry)
}

fn bracketed(address: SocketAddr) -> String {
    match address {
        SocketAddr::V4(v4) => v4.ip().to_string(),
        SocketAddr::V6(v6) => format!("[{}]", v6.ip()),
    }
}
