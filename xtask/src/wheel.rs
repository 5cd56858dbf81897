//! `ci`'s wheel step: runs the README's "Install without a Rust toolchain" commands word for
//! word (the `sh` block after the `<!-- ci: wheel -->` marker), which build the Python wheel with
//! maturin into `target/wheels`. `tests/pre_commit_wheel.rs` then installs that wheel with pip
//! into a fresh virtualenv and runs the toolchain-free pre-commit hook on it.

use std::path::Path;
use std::process::Command;

/// The marker before the README block this step runs.
const MARKER: &str = "<!-- ci: wheel -->";

/// The shell block after [`MARKER`] in `readme`.
pub fn readme_block(readme: &str) -> Result<String, String> {
    let after = readme.split_once(MARKER).ok_or(format!("README.md has no `{MARKER}` marker"))?.1;
    let body = after
        .split_once("```sh\n")
        .and_then(|(_, rest)| rest.split_once("```"))
        .ok_or(format!("README.md: no ```sh block after `{MARKER}`"))?
        .0;
    Ok(body.to_owned())
}

/// Runs the README's wheel commands with bash in the repository root.
pub fn build(root: &Path) -> Result<(), String> {
    let readme = std::fs::read_to_string(root.join("README.md")).map_err(|e| e.to_string())?;
    let block = readme_block(&readme)?;
    eprintln!("xtask ci: wheel: the README's commands:\n{block}");
    let status = Command::new("bash")
        .args(["-euo", "pipefail", "-c", &block])
        .current_dir(root)
        .status()
        .map_err(|e| format!("wheel: could not start bash: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("wheel: the README's commands failed ({status})"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_block_after_the_marker_is_found() {
        let readme = "x\n```sh\nno\n```\n<!-- ci: wheel -->\ntext\n```sh\na\nb\n```\n";
        assert_eq!(readme_block(readme).unwrap(), "a\nb\n");
        assert!(readme_block("```sh\na\n```").is_err());
    }
}
