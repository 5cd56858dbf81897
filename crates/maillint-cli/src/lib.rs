//! The `maillint` command line: arguments, subcommands, and the mapping of outcomes to exit
//! codes. `main.rs` only calls [`run`]; `xtask` uses [`args`] to generate the man page and
//! shell completions.
//!
//! Exit codes (ruff's scheme): 0 no findings (or `--exit-zero`), 1 findings remain, 2 a usage
//! error, an invalid configuration, or a file that could not be read. A closed pipe
//! (`maillint check | head`) is not an error.

#![allow(clippy::print_stdout, clippy::print_stderr)]

pub mod args;
pub mod baseline;
pub mod commands;
pub mod per_file;
pub mod registry;
pub mod setup;
pub mod verify;

use std::process::ExitCode;

use clap::Parser as _;
use maillint_report::escape::Line;

/// How a command ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExitStatus {
    /// Nothing to report.
    Success,
    /// Findings remain.
    Failure,
    /// Usage, configuration or I/O error.
    Error,
}

impl From<ExitStatus> for ExitCode {
    fn from(status: ExitStatus) -> Self {
        match status {
            ExitStatus::Success => ExitCode::from(0),
            ExitStatus::Failure => ExitCode::from(1),
            ExitStatus::Error => ExitCode::from(2),
        }
    }
}

/// Parses the process arguments, runs the command and returns the exit code.
pub fn run() -> ExitCode {
    run_with_clients(Vec::new())
}

/// [`run`] with more clients than the built-in ones: each is registered after them, for
/// `check`, `scan` and every other command. A crate that adds a client builds its own binary
/// with one line, `maillint_cli::run_with_clients(vec![Arc::new(MyClient)])`.
pub fn run_with_clients(
    clients: Vec<std::sync::Arc<dyn maillint_core::ClientSupport>>,
) -> ExitCode {
    // Only `main` calls this, once per process: a second call keeps the first set.
    let _ = registry::EXTRA_CLIENTS.set(clients);
    let cli = args::Cli::parse();
    let result = match cli.command {
        args::Command::Check(args) => commands::check::run(args),
        args::Command::Rules(args) => commands::rules::list(&args),
        args::Command::Rule { name, config } => commands::rules::show(&name, &config),
        args::Command::Plugins { json, config } => commands::rules::plugins(json, &config),
        args::Command::Formats => commands::rules::formats(),
        args::Command::Providers(args) => commands::providers::run(&args),
        args::Command::Scan(args) => commands::scan::run(args),
        args::Command::Report { command } => commands::report::run(command),
    };
    match result {
        Ok(status) => status.into(),
        Err(err) if err.kind() == std::io::ErrorKind::BrokenPipe => ExitCode::from(0),
        Err(err) => {
            eprintln!("maillint: error: {}", Line(&err));
            ExitCode::from(2)
        }
    }
}
