//! `maillint-postcard`: the `maillint` command with Postcard support added. The line below is
//! the whole registration.

fn main() -> std::process::ExitCode {
    maillint_cli::run_with_clients(vec![std::sync::Arc::new(maillint_postcard::Postcard)])
}
