//! Differential test: Python's own configparser is the reference for what an offlineimaprc
//! says.
//!
//! `tests/oracle.py` reads every offlineimaprc fixture and corpus file with
//! `configparser.ConfigParser()`, as OfflineIMAP does, and prints each section with each key
//! (DEFAULT included), its raw value and its interpolated value, or the error that stops the
//! reading with its line. maillint's [`configparser`](maillint_offlineimap::configparser) must
//! agree on all of it: the same sections in the same order, the same keys, the same raw
//! values, the same interpolated values (an interpolation error is compared by the class of
//! Python's exception, `InterpolationError::python_class`, not by its wording), and the same
//! first error line. The files are read, never run: the
//! script evaluates nothing, and OfflineIMAP itself is never started. No normalisation is
//! applied. Without `python3` the test says SKIPPED, and fails under CI.

// Tests report what they compared on stderr.
#![allow(clippy::print_stderr)]

mod support;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use maillint_core::testing::files_under;
use maillint_core::testing::{corpus_dir, skip};
use maillint_offlineimap::configparser::{self, Document};
use support::fixtures_dir;

fn inputs() -> Vec<PathBuf> {
    let mut files = files_under(&fixtures_dir());
    assert!(files.len() >= 10, "the OfflineIMAP fixtures are missing");
    if let Some(corpus) = corpus_dir(env!("CARGO_MANIFEST_DIR"), "offlineimaprc") {
        files.extend(files_under(&corpus));
    }
    files
}

/// Python's answer for each file, by path.
fn python(files: &[PathBuf]) -> Option<BTreeMap<String, serde_json::Value>> {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/oracle.py");
    let output = Command::new("python3")
        .arg(script)
        .args(files)
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .stdin(Stdio::null())
        .output()
        .ok()?;
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let mut out = BTreeMap::new();
    for line in String::from_utf8_lossy(&output.stdout).lines() {
        let value: serde_json::Value = serde_json::from_str(line).unwrap();
        out.insert(value["path"].as_str().unwrap().to_owned(), value["result"].clone());
    }
    Some(out)
}

/// maillint's reading in the script's shape.
fn ours(doc: &Document) -> serde_json::Value {
    let fatal = doc.errors.iter().filter(|e| e.fatal).map(|e| e.line).min();
    if let Some(line) = fatal.or_else(|| doc.errors.iter().map(|e| e.line).min()) {
        return serde_json::json!({ "line": line });
    }
    let mut sections = serde_json::Map::new();
    for section in &doc.sections {
        let mut keys = serde_json::Map::new();
        let own = section.entries.iter().map(|e| &e.key);
        let defaults = doc
            .defaults
            .iter()
            .map(|e| &e.key)
            .filter(|k| !section.entries.iter().any(|e| &e.key == *k));
        for key in own.chain(defaults) {
            let raw = doc.entry(section, key).unwrap().value.clone();
            let value = match doc.get(section, key) {
                Ok(value) => value.unwrap_or_default(),
                Err(error) => format!("!{}", error.python_class()),
            };
            keys.insert(key.clone(), serde_json::json!([raw, value]));
        }
        sections.insert(section.name.clone(), serde_json::Value::Object(keys));
    }
    serde_json::json!({ "sections": sections })
}

/// Python's answer with the error of a file that does not read made comparable (its line).
/// Interpolation errors stay as Python names their class.
fn theirs(result: &serde_json::Value) -> serde_json::Value {
    if result.get("error").is_some() {
        return serde_json::json!({ "line": result["line"] });
    }
    result.clone()
}

#[test]
fn python_configparser_agrees_with_maillint_on_every_fixture_and_corpus_file() {
    let files = inputs();
    let Some(answers) = python(&files) else {
        return skip("python3 is not installed");
    };
    let (mut differences, mut values) = (Vec::new(), 0);
    for path in &files {
        let text = String::from_utf8_lossy(&std::fs::read(path).unwrap()).into_owned();
        let doc = configparser::parse(&text);
        let (ours, theirs) = (ours(&doc), theirs(&answers[&path.display().to_string()]));
        values += theirs["sections"]
            .as_object()
            .map_or(1, |s| s.values().map(|k| k.as_object().unwrap().len()).sum());
        if ours != theirs {
            differences
                .push(format!("{}:\n  python:   {theirs}\n  maillint: {ours}", path.display()));
        }
    }
    eprintln!(
        "configparser oracle: {} files, {values} values compared, {} differences",
        files.len(),
        differences.len()
    );
    assert!(differences.is_empty(), "{}", differences.join("\n"));
}

#[test]
fn tricky_configparser_input_agrees_too() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        "[s]\nk = a\n\n  b\n# c\n  d\n\nx: 1 = 2\n",
        "[s]\nk = %(x)s and %%\nx = %(y)s\ny = 3\n[t]\nk = %(missing)s\nj = 50%\n",
        "[DEFAULT]\nd = 1\n[s]\nK = 2\n[s] trailing] x\nk = 3\n",
        "[s]\r\nk = v\rn = w\r\n  cont\n",
        "k = before any section\n",
        "[s]\nk = 1\nK = 2\n",
        "[s]\n  indented = 1\n    more\nnot an option\n",
    ];
    let paths: Vec<PathBuf> = cases
        .iter()
        .enumerate()
        .map(|(i, text)| {
            let path = dir.path().join(format!("case{i}"));
            std::fs::write(&path, text).unwrap();
            path
        })
        .collect();
    let Some(answers) = python(&paths) else {
        return skip("python3 is not installed");
    };
    for (path, text) in paths.iter().zip(cases) {
        let doc = configparser::parse(text);
        assert_eq!(ours(&doc), theirs(&answers[&path.display().to_string()]), "{text:?}");
    }
}
