//! Measures the mutt parser alone (lexing, interpreting, accounts, secrets) on real files, in
//! MB of muttrc per second on one core, with the files already read: the first parse loads every
//! file the unit sources, and each timed parse starts from a copy of those sources.
//!
//! `cargo run --release -p maillint-mutt --example throughput -- ROOT [HOME] [ITERATIONS]`,
//! for example on a home of the bench tree:
//! `… -- /tmp/benchtree/small/user00000/.config/mutt/muttrc /tmp/benchtree/small/user00000`.

// An example prints its measurement.
#![allow(clippy::print_stdout)]

use std::path::PathBuf;
use std::time::Instant;

use maillint_core::{ParseOptions, Parser, SourceFile, Sources};
use maillint_mutt::MuttParser;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let root = PathBuf::from(args.next().ok_or("usage: throughput ROOT [HOME] [ITERATIONS]")?);
    let home = args.next().map(PathBuf::from);
    let iterations: usize = args.next().map(|n| n.parse()).transpose()?.unwrap_or(2000);

    let options = ParseOptions { home, ..ParseOptions::default() };
    let mut loaded = Sources::new();
    let root_id = loaded.add(SourceFile::read(&root)?);
    let first = MuttParser.parse(root_id, &mut loaded, &options);
    let bytes: usize = loaded.iter().map(|(_, file)| file.text().len()).sum();

    let start = Instant::now();
    let cpu_start = cpu_seconds();
    let mut accounts = 0usize;
    for _ in 0..iterations {
        let mut sources = loaded.clone();
        accounts += MuttParser.parse(root_id, &mut sources, &options).accounts.len();
    }
    // CPU time, not wall time: other processes on the machine do not change it.
    let seconds = match (cpu_start, cpu_seconds()) {
        (Some(before), Some(after)) => after - before,
        _ => start.elapsed().as_secs_f64(),
    };
    assert_eq!(accounts, first.accounts.len() * iterations, "every parse finds the same accounts");
    let per_parse = seconds / iterations as f64;
    println!(
        "{} files, {bytes} bytes, {} accounts: {:.1} µs of CPU per parse, {:.1} MB/s per core",
        loaded.len(),
        first.accounts.len(),
        per_parse * 1e6,
        bytes as f64 / per_parse / 1e6
    );
    Ok(())
}

/// The CPU time this thread has run, from Linux's `/proc/thread-self/schedstat` (its first
/// field, in nanoseconds); `None` elsewhere.
fn cpu_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let nanos: f64 = stat.split_whitespace().next()?.parse().ok()?;
    Some(nanos / 1e9)
}
