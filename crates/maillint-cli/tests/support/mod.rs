//! What the client end-to-end tests of this folder share: writing a file where a client keeps
//! it, and running the `maillint` binary.

#![allow(dead_code)] // each test file uses a part

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

/// Writes `content` at `path`, creating its folders.
pub fn write(path: &Path, content: &str) {
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, content).unwrap();
}

/// Runs the `maillint` binary with `args` and waits for it.
pub fn maillint(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_maillint")).args(args).output().unwrap()
}

/// Output bytes as text; they must be UTF-8.
pub fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).unwrap()
}
