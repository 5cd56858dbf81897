//! A mutation fuzzer for the whole pipeline: parse, rules, fix loop and every renderer.
//!
//! It takes every fixture (and the shared corpus, when present) as seeds, mutates them with
//! a deterministic generator (byte flips, tokens that matter to the formats, deletions,
//! duplications, splices between seeds, truncation, re-encoding to UTF-16LE), writes each
//! mutant under its seed's file name (so that detection by name still applies), then lints
//! it, fixes it with unsafe fixes allowed, and renders the report in every output format.
//!
//! A failure is any panic (the engine catches parser and rule panics so that `maillint` goes
//! on with other files; a panic hook counts them here), a fix loop that does not converge, a
//! fix that the engine reports as an internal error, a fix whose own edits overlap (the engine
//! would skip it every round while the report calls it fixable), fixed bytes that do not
//! decode to the fixed text, or a secret the parser found that appears in any output format or
//! the diff. Each failing input is saved under `target/fuzz-failures/` with the seed it came
//! from.
//!
//! ```sh
//! cargo run --release -p maillint-cli --example mutate_fuzz -- [ITERATIONS] [SEED]
//! ```

#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use maillint_core::{Selection, SourceFile};
use maillint_engine::{FixOptions, Linter, Unit};
use maillint_report::{OutputFormat, RenderOptions};

/// Panics seen since the start (the engine catches them, the hook still runs).
static PANICS: AtomicUsize = AtomicUsize::new(0);

/// xorshift64*: small, fast, and the same sequence for the same seed on every machine.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        if n == 0 { 0 } else { (self.next() % n as u64) as usize }
    }
}

/// Pieces of syntax that change how the formats read what follows.
const TOKENS: &[&[u8]] = &[
    b"\"",
    b"'",
    b"\\",
    b"\n",
    b"\r\n",
    b"\r",
    b"#",
    b"//",
    b"/*",
    b"*/",
    b";",
    b"(",
    b")",
    b",",
    b"[",
    b"]",
    b"=",
    b"<",
    b">",
    b"&",
    b"$",
    b"`",
    b"|",
    b"~",
    b"\xff",
    b"\x00",
    b"\xef\xbb\xbf",
    b"user_pref(\"mail.server.server1.hostname\", \"imap.gmial.com\");\n",
    b"user_pref(\"mail.server.server1.socketType\", 0);\n",
    b"pref(",
    b"sticky_pref(",
    b"set ",
    b"unset ",
    b"source ",
    b"account-hook . 'set ",
    b"imaps://",
    b"smtp://u:p@",
    b":993",
    b":0",
    b":99999",
    b"ssl_force_tls=no\n",
    b"ifdef ",
    b"finish\n",
    b"hex:",
    b"=dword:",
    b"\\\r\n",
    b"[Internet Account List]\n",
    b"Server=",
    b"<Server>",
    b"<![CDATA[",
    b"<!-- maillint: ignore[tls-disabled] -->",
    b"# maillint: ignore[T003]",
    b"// maillint: ignore-file",
    b"\xc3\xa9",
    b"\xe2\x80\x8b",
    b"0x",
    b"-1",
    b"4294967296",
    // Secrets where parsers do not interpret them (issue 13): the sweeps must find each.
    b"fcc-hook . \"imaps://me:FuzzColon:Pw?x@mail.example.com/Sent\"\n",
    b"macro index gx \"<change-folder>imaps://me:FuzzMacroPw@h<enter>\"\n",
    b"set tunnel=\"sshpass -p FuzzTunnelPw ssh -q h imapd\"\n",
    b"ifdef nosuchsymbol \"set imap_pass=FuzzIfdefPw\"\n",
    b"finish\nset smtp_pass=\"FuzzFinishPw\"\n",
    b"user_pref(\"ldap_2.servers.corp.auth.password\", \"FuzzLdapPw\");\n",
    b"user_pref(\"mail.server.server1.password\", \"FuzzUntermPw",
    b"\"IMAP Password2\"=hex:02,zz,FuzzRegPw\r\n",
    b"<Password>FuzzAutodiscoverPw</Password>",
];

fn mutate(rng: &mut Rng, seed: &[u8], other: &[u8]) -> Vec<u8> {
    let mut bytes = seed.to_vec();
    for _ in 0..1 + rng.below(4) {
        let len = bytes.len();
        let at = rng.below(len + 1);
        match rng.below(9) {
            0 if len > 0 => bytes[at.min(len - 1)] ^= 1 << rng.below(8),
            1 | 2 => {
                let token = TOKENS[rng.below(TOKENS.len())];
                bytes.splice(at..at, token.iter().copied());
            }
            3 => {
                let end = (at + rng.below(64)).min(len);
                bytes.drain(at..end);
            }
            4 => {
                let end = (at + rng.below(200)).min(len);
                let copy = bytes[at..end].to_vec();
                let to = rng.below(bytes.len() + 1);
                bytes.splice(to..to, copy);
            }
            5 if !other.is_empty() => {
                let from = rng.below(other.len());
                let end = (from + rng.below(400)).min(other.len());
                bytes.splice(at..at, other[from..end].iter().copied());
            }
            6 => bytes.truncate(at),
            7 if rng.below(8) == 0 => {
                // The same text as UTF-16LE with a BOM, as Windows tools write it.
                let text = String::from_utf8_lossy(&bytes).into_owned();
                bytes = vec![0xff, 0xfe];
                text.encode_utf16().for_each(|u| bytes.extend_from_slice(&u.to_le_bytes()));
            }
            _ => {
                let byte = rng.below(256) as u8;
                bytes.insert(at, byte);
            }
        }
    }
    bytes
}

fn seeds(root: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let corpus = root.join("../shared/corpus");
    if !corpus.is_dir() {
        eprintln!("mutate_fuzz: no corpus at {}; fixtures only", corpus.display());
    }
    let mut folders = vec![root.join("fixtures"), corpus];
    while let Some(folder) = folders.pop() {
        let Ok(entries) = std::fs::read_dir(&folder) else { continue };
        for entry in entries.filter_map(Result::ok) {
            let path = entry.path();
            let name = entry.file_name().to_string_lossy().into_owned();
            let Ok(kind) = entry.file_type() else { continue };
            if kind.is_dir() && name != "plugins" {
                folders.push(path);
            } else if kind.is_file()
                && ![".toml", ".tsv", ".md"].iter().any(|suffix| name.ends_with(suffix))
            {
                found.push(path);
            }
        }
    }
    found.sort();
    found
}

/// The secrets of `report` that can be looked for in its output: at least 8 characters, and
/// found in the files only where the parser marked them as secret (a password spliced into a
/// host name as well may rightly be printed as the host name).
fn distinctive_secrets(report: &maillint_engine::UnitReport) -> Vec<String> {
    let mut found = Vec::new();
    for span in report.secrets() {
        let secret = report.sources.slice(*span);
        if secret.chars().count() < 8 || found.iter().any(|f: &String| f == secret) {
            continue;
        }
        let marked = report.secrets().iter().filter(|s| report.sources.slice(**s) == secret);
        let occurrences: usize =
            report.sources.iter().map(|(_, file)| file.text().matches(secret).count()).sum();
        if occurrences <= marked.count() {
            found.push(secret.to_owned());
        }
    }
    found
}

fn linter() -> Linter {
    let parsers = maillint_cli::registry::parsers();
    let rules = maillint_cli::registry::rules(&parsers).expect("built-in rules are unique");
    let enabled = rules.resolve(&Selection::default()).expect("default selection");
    Linter::new(parsers, rules, maillint_cli::registry::providers(), enabled)
}

#[allow(
    clippy::too_many_lines,
    reason = "the fuzzer's driver: seeds, mutation loop and the failure report read top to bottom"
)]
fn main() {
    let mut args = std::env::args().skip(1);
    let iterations: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(20_000);
    let seed: u64 = args.next().and_then(|a| a.parse().ok()).unwrap_or(0x6d61_696c_6c69_6e74);
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let seeds = seeds(&root);
    let seed_bytes: Vec<Vec<u8>> = seeds.iter().map(|p| std::fs::read(p).unwrap()).collect();
    let linter = linter();
    let failures_dir = root.join("target/fuzz-failures");
    let work = tempfile::tempdir().unwrap();

    let default_hook = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        PANICS.fetch_add(1, Ordering::SeqCst);
        default_hook(info);
    }));

    // xorshift needs a non-zero state; every seed gives its own sequence.
    let mut rng = Rng((seed ^ 0x9e37_79b9_7f4a_7c15).max(1));
    let mut failures = 0usize;
    let formats = [
        OutputFormat::Full,
        OutputFormat::Concise,
        OutputFormat::Json,
        OutputFormat::JsonLines,
        OutputFormat::Github,
        OutputFormat::Sarif,
        OutputFormat::Junit,
        OutputFormat::Gitlab,
    ];
    let started = std::time::Instant::now();
    for iteration in 0..iterations {
        let pick = rng.below(seeds.len());
        let other = &seed_bytes[rng.below(seeds.len())];
        let mutant = mutate(&mut rng, &seed_bytes[pick], other);
        // Each mutant gets its own folder: a profile's lock or a sourced file of an earlier
        // mutant must not leak into it.
        let folder = work.path().join(format!("{iteration}"));
        std::fs::create_dir(&folder).unwrap();
        let path = folder.join(seeds[pick].file_name().unwrap());
        std::fs::write(&path, &mutant).unwrap();
        let head = &mutant[..mutant.len().min(8192)];
        let Some(parser) = linter.parsers.detect(&path, head) else {
            std::fs::remove_dir_all(&folder).unwrap();
            continue;
        };
        let unit = Unit { root: path.clone(), parser: Arc::clone(parser), walked: None };
        let panics_before = PANICS.load(Ordering::SeqCst);
        let mut problem: Option<String> = None;
        let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            let report = linter.lint_unit(&unit).expect("the mutant was just written");
            let outcome = linter.fix_report(report, FixOptions { unsafe_fixes: true });
            let mut leaks = Vec::new();
            for report in [&outcome.before, &outcome.after] {
                let secrets = distinctive_secrets(report);
                let mut sink = Vec::new();
                for format in formats {
                    let color = RenderOptions { color: format == OutputFormat::Full };
                    let mut out = Vec::new();
                    maillint_report::render(format, std::slice::from_ref(report), &mut out, color)
                        .expect("rendering into memory");
                    if format == OutputFormat::Sarif {
                        // The rules' documentation (tool.driver.rules) quotes example values
                        // that a mutant's secret may happen to contain: search the results.
                        let mut sarif: serde_json::Value =
                            serde_json::from_slice(&out).expect("SARIF is JSON");
                        for run in sarif["runs"].as_array_mut().into_iter().flatten() {
                            run["tool"] = serde_json::Value::Null;
                        }
                        out = serde_json::to_vec(&sarif).expect("JSON serializes");
                    }
                    sink.extend(out);
                }
                if std::ptr::eq(report, &outcome.before) {
                    maillint_report::diff::render(&outcome, &mut sink, false)
                        .expect("diff into memory");
                }
                // The redaction marker itself is not a leak of a secret that reads "REDACTED".
                let printed = String::from_utf8_lossy(&sink).replace("[REDACTED]", "");
                leaks.extend(secrets.into_iter().filter(|secret| {
                    let escaped = serde_json::to_string(secret).expect("a string serializes");
                    printed.contains(secret.as_str())
                        || printed.contains(&escaped[1..escaped.len() - 1])
                }));
            }
            (outcome, leaks)
        }));
        match outcome {
            Err(_) => problem = Some("panicked".to_owned()),
            Ok((outcome, leaks)) => {
                if !leaks.is_empty() {
                    problem = Some(format!("{} secret(s) printed", leaks.len()));
                }
                if outcome.did_not_converge {
                    problem = Some("the fix loop did not converge".to_owned());
                }
                // A fix whose own edits overlap can never be applied: the engine skips it
                // every round, and the user is told it is fixable when it is not.
                let self_overlapping = outcome.before.diagnostics.iter().any(|d| {
                    d.fix.as_ref().is_some_and(|fix| {
                        fix.edits.iter().enumerate().any(|(i, a)| {
                            fix.edits[i + 1..].iter().any(|b| {
                                a.span.file == b.span.file && a.span.range.overlaps(&b.span.range)
                            })
                        })
                    })
                });
                if self_overlapping {
                    problem = Some("a fix's own edits overlap".to_owned());
                }
                if let Some(failure) = outcome.failure.filter(|f| f.contains("internal error")) {
                    problem = Some(failure);
                }
                for change in &outcome.changes {
                    // What the engine would write must decode to the text it computed. (A
                    // Windows-1252 file whose fix removed its last non-UTF-8 byte reads as
                    // UTF-8 afterwards: its other bytes are unchanged, only the guess differs.)
                    let written = SourceFile::from_bytes(change.original.path(), &change.new_bytes);
                    let guess_changed = written.encoding() != change.original.encoding();
                    if !guess_changed && written.text() != change.new_text {
                        problem = Some("the written bytes do not decode to the fixed text".into());
                    }
                }
            }
        }
        if PANICS.load(Ordering::SeqCst) > panics_before && problem.is_none() {
            problem = Some("a panic was caught inside the engine".to_owned());
        }
        if let Some(problem) = problem {
            failures += 1;
            std::fs::create_dir_all(&failures_dir).unwrap();
            let saved = failures_dir.join(format!(
                "{iteration}-{}",
                seeds[pick].file_name().unwrap().to_string_lossy()
            ));
            std::fs::write(&saved, &mutant).unwrap();
            eprintln!(
                "mutate_fuzz: {problem}: {} (from {})",
                saved.display(),
                seeds[pick].display()
            );
        }
        std::fs::remove_dir_all(&folder).unwrap();
    }
    println!(
        "mutate_fuzz seeds={} iterations={iterations} seed={seed} failures={failures} elapsed_ms={}",
        seeds.len(),
        started.elapsed().as_millis()
    );
    if failures > 0 {
        std::process::exit(1);
    }
}
