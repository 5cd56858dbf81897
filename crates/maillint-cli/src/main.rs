//! The `maillint` binary. Everything lives in the library so that `xtask` can generate the
//! man page and completions from the same argument definitions.

fn main() -> std::process::ExitCode {
    maillint_cli::run()
}
