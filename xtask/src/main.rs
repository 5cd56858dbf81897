//! Project tasks, run as `cargo xtask <task>` (matklad's xtask pattern: tasks in Rust, no
//! extra tools needed on a fresh machine).
//!
//! - `ci`: the whole gate: formatting, generated docs up to date, no unused dependency,
//!   clippy with warnings denied, the release build, the Python wheel (`wheel.rs`) and the
//!   `.deb` installed with `dpkg -i` (`deb.rs`), the short benchmark (`bench --check`), every
//!   test, and no snapshot file that no test reads.
//! - `deb`: the `.deb` package (`deb.rs`).
//! - `hygiene`: the unused-dependency check alone (see `hygiene.rs`).
//! - `docs`: regenerates docs/rules.md, the config schema, the man pages and completions.
//! - `bench`: the benchmarks whose numbers go into issue notes (see `bench/mod.rs`).
//! - `providers`: regenerates the provider data from the ISPDB snapshot (see `providers.rs`).

#![allow(clippy::print_stdout, clippy::print_stderr)]

mod bench;
mod deb;
mod docs;
mod hygiene;
mod ispdb;
mod providers;
mod wheel;

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("ci") => ci(),
        Some("docs") => docs::run(&root(), &args[1..]),
        Some("bench") => bench::run(&root(), &args[1..]),
        Some("providers") => providers::run(&root(), &args[1..]),
        Some("deb") => deb::run(&root(), &args[1..]),
        Some("hygiene") => dependencies_used(),
        Some(other) => {
            Err(format!("unknown task `{other}`; tasks: ci, docs, bench, providers, deb, hygiene"))
        }
        None => {
            Err("usage: cargo xtask <task>; tasks: ci, docs, bench, providers, deb, hygiene"
                .to_owned())
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("xtask: {message}");
            ExitCode::FAILURE
        }
    }
}

/// The workspace root (xtask lives one level below it).
fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask is inside the workspace")
        .to_path_buf()
}

fn cargo() -> Command {
    let mut cmd = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()));
    cmd.current_dir(root());
    // xtask's builds (CI, bench, the packages) are one-shot: incremental caches would only
    // take disk (about 6 GB for the whole CI run).
    cmd.env("CARGO_INCREMENTAL", "0");
    cmd
}

fn step(name: &str, mut cmd: Command) -> Result<(), String> {
    eprintln!("xtask ci: {name}: {cmd:?}");
    let status = cmd.status().map_err(|e| format!("{name}: could not start: {e}"))?;
    if status.success() { Ok(()) } else { Err(format!("{name} failed ({status})")) }
}

/// Fails naming every dependency that no code of its package uses.
fn dependencies_used() -> Result<(), String> {
    let unused = hygiene::unused_dependencies(&root())?;
    if unused.is_empty() {
        return Ok(());
    }
    Err(format!(
        "{} unused dependencies (remove them from Cargo.toml):\n  {}",
        unused.len(),
        unused.join("\n  ")
    ))
}

/// The extension example is a crate outside the workspace (as a user's would be): it must
/// build against the current API, pass its tests, and find its own rule's finding.
/// `cargo test` alone does not build a package's binary when it has no integration tests,
/// so the binary is built explicitly: on a clean checkout it would not exist otherwise.
/// The example is its own workspace, so the workspace's debug profile does not reach it:
/// line tables only, as for the workspace's own tests (disk, see Cargo.toml).
fn extension_example() -> Result<(), String> {
    let example_cargo = || {
        let mut example = cargo();
        example.env("CARGO_PROFILE_DEV_DEBUG", "line-tables-only");
        example
    };
    step("extension example build", {
        let mut example = example_cargo();
        example.args([
            "build",
            "--manifest-path",
            "examples/custom-rule-crate/Cargo.toml",
            "--locked",
            "--target-dir",
            "target",
            "--bin",
            "maillint-acme",
        ]);
        example
    })
    .map_err(|e| {
        format!(
            "{e}; when its lock file is stale (a workspace crate changed its dependencies), run \
             `cargo update --workspace --manifest-path examples/custom-rule-crate/Cargo.toml` \
             and commit examples/custom-rule-crate/Cargo.lock"
        )
    })?;
    step("extension example", {
        let mut example = example_cargo();
        example.args([
            "test",
            "--manifest-path",
            "examples/custom-rule-crate/Cargo.toml",
            "--locked",
            "--target-dir",
            "target",
        ]);
        example
    })?;
    let acme = Command::new(root().join("target/debug/maillint-acme"))
        .arg("examples/custom-rule-crate/samples")
        .current_dir(root())
        .output()
        .map_err(|e| format!("extension example: could not run maillint-acme: {e}"))?;
    let acme_out = String::from_utf8_lossy(&acme.stdout);
    if acme.status.code() != Some(1) || !acme_out.contains("ACM001/acme-username-is-address") {
        return Err(format!(
            "extension example: maillint-acme did not report ACM001 (exit {:?}):\n{acme_out}",
            acme.status.code()
        ));
    }
    Ok(())
}

fn ci() -> Result<(), String> {
    let mut fmt = cargo();
    fmt.args(["fmt", "--all", "--", "--check"]);
    step("format", fmt)?;

    // Generated files (docs/rules.md, the config schema, man pages, completions) must match
    // the code that generates them.
    step("docs", {
        let mut docs = cargo();
        docs.args(["run", "--quiet", "--package", "xtask", "--", "docs", "--check"]);
        docs
    })?;

    eprintln!("xtask ci: dependencies: every declared dependency is used");
    dependencies_used()?;

    let mut clippy = cargo();
    clippy.args(["clippy", "--workspace", "--all-targets", "--", "-D", "warnings"]);
    step("clippy", clippy)?;

    // The release binary is what users run and what the CLI tests exercise when present.
    let mut build = cargo();
    build.args(["build", "--release", "--package", "maillint-cli"]);
    step("build", build)?;

    // The Python wheel, with the README's own commands (maturin reuses the release build), for
    // the test that installs it without Rust and runs the pre-commit hook on it.
    wheel::build(&root())?;

    // The .deb of the release binary, installed with `dpkg -i`, run, and removed again (CI runs
    // as root; the release workflow builds the same package from the dist profile).
    eprintln!("xtask ci: deb --install-check");
    deb::run(&root(), &["--install-check".to_owned()]).map_err(|e| format!("deb: {e}"))?;

    // The short benchmark: no timing, a few seconds; it fails when scan or check stop
    // reporting the mistakes planted in a real-size tree (work skipped to go faster).
    eprintln!("xtask ci: bench --check");
    bench::run(&root(), &["--check".to_owned()]).map_err(|e| format!("bench --check: {e}"))?;

    extension_example()?;

    // insta lists every snapshot file an assertion reads here; a `.snap` file not in the
    // list after the whole suite ran is stale (see hygiene.rs).
    let references = root().join("target/insta-snapshot-references.txt");
    let _ = std::fs::remove_file(&references);
    let mut test = cargo();
    test.args(["test", "--workspace", "--no-fail-fast"]);
    test.env("INSTA_SNAPSHOT_REFERENCES_FILE", &references);
    // The property tests draw their cases from a fixed seed here, as the fuzzer below does:
    // CI answers "did this change break something", and a red run must reproduce. Searching
    // with new seeds is a separate, local job (`PROPTEST_RNG_SEED=<n> PROPTEST_CASES=<many>
    // cargo test`); a case it finds goes into the `.proptest-regressions` files, which every
    // run replays first. A seed the caller sets wins.
    if std::env::var_os("PROPTEST_RNG_SEED").is_none() {
        test.env("PROPTEST_RNG_SEED", "20261128");
    }
    step("test", test)?;
    eprintln!("xtask ci: snapshots: every .snap file is read by a test");
    let stale = hygiene::unreferenced_snapshots(&root(), &references)?;
    if !stale.is_empty() {
        let list: Vec<String> = stale.iter().map(|p| format!("  {}", p.display())).collect();
        return Err(format!(
            "{} snapshot file(s) that no test reads (delete them):\n{}",
            stale.len(),
            list.join("\n")
        ));
    }

    // 20,000 mutants of every fixture and corpus file through parse, rules, the fix loop and
    // every renderer (about 10 s): a panic, a fix loop that does not settle, a fix whose own
    // edits overlap, a fix that writes other bytes than it computed or a secret in any output
    // fails CI. The seed is fixed, so a failure
    // reproduces; run the example with other seeds and counts to search further.
    let mut fuzz = cargo();
    fuzz.args([
        "run",
        "--release",
        "--package",
        "maillint-cli",
        "--example",
        "mutate_fuzz",
        "--",
        "20000",
    ]);
    step("fuzz", fuzz)?;
    Ok(())
}
