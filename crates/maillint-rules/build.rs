//! Turns the generated ISPDB provider file (`rules/providers/ispdb/providers.toml`) into JSON
//! in `OUT_DIR`, which the binary parses at start-up instead of the TOML.
//!
//! Every run needs the built-in providers before it lints anything, and parsing the 107 KB
//! TOML took 14 M of the 19 M instructions of a run's set-up (a few milliseconds before any
//! thread starts: a pre-commit hook's `maillint check FILE` waits for them). With the JSON the
//! built-in providers take 9.5 M instructions, and a scan of one home 7.4 ms of CPU instead of
//! 11.5 ms. The TOML stays the reviewed source (the generator writes it, `maillint providers`
//! and the tests read it); a test checks that both give the same providers.

use std::path::PathBuf;

fn main() {
    let source = PathBuf::from("../../rules/providers/ispdb/providers.toml");
    println!("cargo::rerun-if-changed={}", source.display());
    let text = std::fs::read_to_string(&source)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", source.display()));
    let table: toml::Table = toml::from_str(&text)
        .unwrap_or_else(|e| panic!("{} does not parse: {e}", source.display()));
    let json = serde_json::to_string(&table).expect("a TOML table is JSON");
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    std::fs::write(out.join("ispdb-providers.json"), json).expect("OUT_DIR is writable");
}
