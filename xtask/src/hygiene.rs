//! Repository hygiene checks run by `cargo xtask ci`: no dependency that no code uses, and no
//! snapshot file that no test reads.
//!
//! Dependencies: `cargo metadata` gives, for every workspace member, each dependency under the
//! name its code uses (the library name, after renames: `rust-ini` is `ini`) and its kinds.
//! A normal or build dependency must be named (`name::`, `use name`, `extern crate name`) in
//! the files of the package's library, binary or build targets; a dev-dependency in any of its
//! targets (tests, examples, benches too). A `[workspace.dependencies]` entry no member uses is
//! rejected as well.
//!
//! Snapshots: insta appends every snapshot file an assertion reads to the file named by
//! `INSTA_SNAPSHOT_REFERENCES_FILE` (insta's `env::memoize_snapshot_file`, the mechanism
//! `cargo insta test --unreferenced=reject` uses). The ci task sets it for the test run; a
//! `.snap` file in the repository that is not in that list is stale.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

/// The dependencies no code of their package names, as `package: dependency (kind)` lines.
pub fn unused_dependencies(root: &Path) -> Result<Vec<String>, String> {
    let metadata = cargo_metadata(root)?;
    let mut unused = Vec::new();
    let mut used_packages: BTreeSet<String> = BTreeSet::new();
    for package in members(&metadata) {
        let files = TargetFiles::of(package);
        for dep in resolved_deps(&metadata, package) {
            used_packages.insert(dep.package.clone());
            let files = if dep.only_dev { &files.all } else { &files.build };
            if !files.iter().any(|file| names_crate(file, &dep.code_name)) {
                let kind = if dep.only_dev { "dev-dependency" } else { "dependency" };
                unused.push(format!("{}: {} ({kind})", str_of(package, "name"), dep.package));
            }
        }
    }
    for name in workspace_dependencies(root)? {
        if !used_packages.contains(&name) {
            unused.push(format!("[workspace.dependencies]: {name} (no member uses it)"));
        }
    }
    Ok(unused)
}

/// `.snap` files under `root` (outside `target/`) that are not listed in `references`.
pub fn unreferenced_snapshots(root: &Path, references: &Path) -> Result<Vec<PathBuf>, String> {
    let listed = std::fs::read_to_string(references)
        .map_err(|e| format!("{}: {e} (did the tests run?)", references.display()))?;
    let referenced: HashSet<PathBuf> =
        listed.lines().filter_map(|line| std::fs::canonicalize(line).ok()).collect();
    let mut snapshots = Vec::new();
    collect_files(root, &mut |path| path.extension().is_some_and(|e| e == "snap"), &mut snapshots);
    Ok(snapshots
        .into_iter()
        .filter(|path| !std::fs::canonicalize(path).is_ok_and(|p| referenced.contains(&p)))
        .map(|path| path.strip_prefix(root).map(Path::to_path_buf).unwrap_or(path))
        .collect())
}

fn cargo_metadata(root: &Path) -> Result<Value, String> {
    let output = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
        .args(["metadata", "--format-version", "1"])
        .current_dir(root)
        .output()
        .map_err(|e| format!("cargo metadata: {e}"))?;
    if !output.status.success() {
        return Err(format!("cargo metadata: {}", String::from_utf8_lossy(&output.stderr)));
    }
    serde_json::from_slice(&output.stdout).map_err(|e| format!("cargo metadata: {e}"))
}

fn str_of<'a>(value: &'a Value, key: &str) -> &'a str {
    value[key].as_str().unwrap_or_default()
}

fn members(metadata: &Value) -> Vec<&Value> {
    let ids: HashSet<&str> = metadata["workspace_members"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    metadata["packages"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|p| ids.contains(str_of(p, "id")))
        .collect()
}

/// One dependency of a package, as its code names it.
struct Dep {
    /// The package name (`rust-ini`).
    package: String,
    /// The name in code (`ini`).
    code_name: String,
    /// Declared only under `[dev-dependencies]`.
    only_dev: bool,
}

/// A package's dependencies from the resolve graph, which names each as its code does.
fn resolved_deps(metadata: &Value, package: &Value) -> Vec<Dep> {
    let names: BTreeMap<&str, &str> = metadata["packages"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|p| (str_of(p, "id"), str_of(p, "name")))
        .collect();
    let node = metadata["resolve"]["nodes"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|n| str_of(n, "id") == str_of(package, "id"));
    node.and_then(|n| n["deps"].as_array())
        .into_iter()
        .flatten()
        .map(|dep| {
            let kinds: Vec<&str> = dep["dep_kinds"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|k| k["kind"].as_str().unwrap_or("normal"))
                .collect();
            Dep {
                package: names.get(str_of(dep, "pkg")).copied().unwrap_or_default().to_owned(),
                code_name: str_of(dep, "name").to_owned(),
                only_dev: !kinds.is_empty() && kinds.iter().all(|k| *k == "dev"),
            }
        })
        .collect()
}

/// The Rust files of a package's targets.
struct TargetFiles {
    /// Library, binaries and build script: where normal and build dependencies are used.
    build: Vec<PathBuf>,
    /// Every target, tests, examples and benches included.
    all: Vec<PathBuf>,
}

impl TargetFiles {
    fn of(package: &Value) -> Self {
        let (mut build, mut all) = (Vec::new(), Vec::new());
        for target in package["targets"].as_array().into_iter().flatten() {
            let kinds: Vec<&str> =
                target["kind"].as_array().into_iter().flatten().filter_map(Value::as_str).collect();
            let src = Path::new(str_of(target, "src_path"));
            // A target's files are its root file's folder and below (a build script at the
            // package root stands alone).
            let mut files = Vec::new();
            if kinds.contains(&"custom-build") {
                files.push(src.to_path_buf());
            } else if let Some(dir) = src.parent() {
                collect_files(dir, &mut |p| p.extension().is_some_and(|e| e == "rs"), &mut files);
            }
            let for_build = kinds
                .iter()
                .any(|k| matches!(*k, "lib" | "rlib" | "proc-macro" | "bin" | "custom-build"));
            if for_build {
                build.extend(files.iter().cloned());
            }
            all.extend(files);
        }
        build.sort();
        build.dedup();
        all.sort();
        all.dedup();
        Self { build, all }
    }
}

/// Whether the Rust file names the crate `name` as a path (`name::`), in a `use` or in an
/// `extern crate`, outside `//` comments.
fn names_crate(file: &Path, name: &str) -> bool {
    let Ok(text) = std::fs::read_to_string(file) else { return false };
    text.lines().any(|line| {
        let code = match line.find("//") {
            // Doc comments hold doctests, which are code too.
            Some(at) if !line[at..].starts_with("///") && !line[at..].starts_with("//!") => {
                &line[..at]
            }
            _ => line,
        };
        word_positions(code, name).any(|at| {
            let after = code[at + name.len()..].trim_start();
            let before = code[..at].trim_end();
            after.starts_with("::")
                || before.ends_with("use")
                || before.ends_with("extern crate")
                || before.ends_with("use ::")
        })
    })
}

/// Where `word` occurs in `text` with no identifier character on either side.
fn word_positions<'a>(text: &'a str, word: &'a str) -> impl Iterator<Item = usize> + 'a {
    let ident = |c: char| c.is_alphanumeric() || c == '_';
    text.match_indices(word).map(|(at, _)| at).filter(move |&at| {
        !text[..at].chars().next_back().is_some_and(ident)
            && !text[at + word.len()..].chars().next().is_some_and(ident)
    })
}

/// The package names in the root manifest's `[workspace.dependencies]`.
fn workspace_dependencies(root: &Path) -> Result<Vec<String>, String> {
    let path = root.join("Cargo.toml");
    let text = std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
    let manifest: toml::Table = text.parse().map_err(|e| format!("{}: {e}", path.display()))?;
    let deps = manifest
        .get("workspace")
        .and_then(|w| w.get("dependencies"))
        .and_then(toml::Value::as_table);
    Ok(deps
        .into_iter()
        .flatten()
        .map(|(key, spec)| {
            // `alias = { package = "real-name", ... }` declares the package `real-name`.
            spec.get("package").and_then(toml::Value::as_str).unwrap_or(key).to_owned()
        })
        .collect())
}

/// Files under `dir` (not under `target/` or a hidden folder) that `keep` accepts.
fn collect_files(dir: &Path, keep: &mut dyn FnMut(&Path) -> bool, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name();
        let Ok(kind) = entry.file_type() else { continue };
        if kind.is_dir() {
            if name != "target" && !name.to_string_lossy().starts_with('.') {
                collect_files(&path, keep, out);
            }
        } else if kind.is_file() && keep(&path) {
            out.push(path);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_crate_is_named_by_a_path_a_use_or_an_extern_crate_not_by_prose() {
        let dir = std::env::temp_dir().join(format!("xtask-hygiene-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("lib.rs");
        let check = |text: &str, name: &str| {
            std::fs::write(&file, text).unwrap();
            names_crate(&file, name)
        };
        assert!(check("let x = serde_json::to_string(&y);\n", "serde_json"));
        assert!(check("use rayon::prelude::*;\n", "rayon"));
        assert!(check("use ini;\n", "ini"));
        assert!(check("extern crate libc;\n", "libc"));
        assert!(check("/// ```\n/// tempfile::tempdir();\n/// ```\n", "tempfile"));
        assert!(!check("// walkdir::WalkDir was replaced\n", "walkdir"));
        assert!(!check("let walkdir = 1; // the walker\n", "walkdir"));
        assert!(!check("ignore_case::x();\n", "ignore"));
        assert!(!check("my_rayon::x();\n", "rayon"));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_snapshot_no_test_read_is_unreferenced() {
        let dir = std::env::temp_dir().join(format!("xtask-snapshots-{}", std::process::id()));
        let snapshots = dir.join("crate/tests/snapshots");
        std::fs::create_dir_all(&snapshots).unwrap();
        std::fs::create_dir_all(dir.join("target/snapshots")).unwrap();
        for name in ["read.snap", "stale.snap"] {
            std::fs::write(snapshots.join(name), "---\n").unwrap();
        }
        std::fs::write(dir.join("target/snapshots/built.snap"), "---\n").unwrap();
        let references = dir.join("target/references.txt");
        std::fs::write(&references, format!("{}\n", snapshots.join("read.snap").display()))
            .unwrap();
        let stale = unreferenced_snapshots(&dir, &references).unwrap();
        assert_eq!(stale, [PathBuf::from("crate/tests/snapshots/stale.snap")]);
        assert!(unreferenced_snapshots(&dir, &dir.join("missing.txt")).is_err());
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
