//! `cargo xtask bench [--homes N] [--noise N] [--small N] [--runs N] [--tree real|legacy|both]
//! [--maillint BINARY] [--maillint-before BINARY] [--scale N,N,...] [--scale-noise N]
//! [--no-examples] [--dir DIR] [--keep]`: how fast `maillint scan` and `maillint check` are over
//! many home folders, against ripgrep reading the same tree in the same run, in MB/s per core,
//! and how much memory they use.
//!
//! The trees are synthetic and deterministic (the same bytes on every run and machine; see
//! [`tree`]). The `real` tree has profiles of the sizes real users have: a `prefs.js` of 20 to
//! 120 KB with every mail account's prefs among calendars, printers, add-ons and telemetry
//! ([`prefs`]), a `user.js` in some homes, a muttrc that sources account, colour and binding
//! files ([`mutt`]), Outlook `.reg` exports in some ([`outlook`]), and `--noise` unrelated
//! files spread over nested folders (caches, settings of other programs, documents, source
//! code), some of which mention `imap` or `smtp`. The `legacy` tree is the first version of
//! this benchmark (a `prefs.js` of a few hundred short prefs, a one-file `.muttrc`; see
//! [`legacy`]), kept as a second data point.
//!
//! Timed on each tree, best of `--runs` wall-clock runs in interleaved rounds, output to a
//! file whose lines are counted (every run of a command must print as many):
//! - `maillint scan --all-users TREE` (reads only the known locations),
//! - `maillint check TREE` (walks and sniffs every file),
//! - `rg -l -e imap -e smtp TREE`, the reference for reading files, as the issue names it
//!   (ripgrep skips hidden files and folders by default), and the same with `--hidden
//!   --no-ignore`, which reads every file `check` reads.
//!
//! MB/s per core is bytes over best time over the machine's cores, both of the mail
//! configuration maillint parses (`prefs.js`, `user.js`, muttrc files, `.reg`) and of the whole
//! tree. Peak memory (maximum resident set size) of each maillint run comes from GNU `time`,
//! or, without it, from polling the child's `VmHWM` in `/proc`. Under each table, the goals of
//! issue 19 with this run's numbers and whether they hold ([`goals`]).
//!
//! `--maillint-before BINARY` times a second binary (the one a change started from) in the same
//! rounds on the same trees: its rows carry `(before)`, and the goals add after / before
//! ratios. `--scale` runs `scan` on real-size trees of each number of homes (default: `--small`
//! and `--homes`), one tree on disk at a time, for peak memory and CPU per home ([`scale`]).
//!
//! `--micro [DIVAN OPTIONS]` runs the parser micro-benchmarks instead (`crates/maillint-bench`:
//! every parser on real-size inputs, bytes per second on one core).
//!
//! `--check` is the short version CI runs: no timing, a small tree, and a check that both
//! commands report every planted mistake and that `scan` covers every home in order (see
//! [`check`]).

mod check;
mod goals;
mod legacy;
mod measure;
mod mutt;
mod outlook;
mod prefs;
mod scale;
mod tree;

use std::fmt::Write as _;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use measure::{MemoryProbe, Row, measure, megabytes};
use tree::{Shape, TreeStats};

/// Options of the task.
struct Options {
    homes: usize,
    /// Whether `--homes` was given (`--check` has its own default).
    homes_given: bool,
    noise: usize,
    small: usize,
    runs: usize,
    shapes: Vec<Shape>,
    maillint: Option<PathBuf>,
    /// `--maillint-before`: a second binary timed on the same trees in the same rounds.
    before: Option<PathBuf>,
    /// `--scale`: the numbers of homes whose `scan` peak memory and CPU per home are compared.
    scale: Vec<usize>,
    /// `--scale-noise`: noise files per home in the trees generated for `--scale` only.
    scale_noise: Option<usize>,
    examples: bool,
    check: bool,
    dir: Option<PathBuf>,
    keep: bool,
}

const USAGE: &str = "options: --homes N (2000), --noise N (40), --small N (homes/5), --runs N \
                     (3), --tree real|legacy|both (both), --maillint BINARY (instead of building \
                     one), --maillint-before BINARY (timed beside it, same trees and rounds), \
                     --scale N,N,... (small,homes: scan's peak memory and CPU per home at each \
                     number of homes), --scale-noise N (noise files per home in those trees), \
                     --no-examples, --check (CI: no timing, checks the findings), --dir DIR, \
                     --keep; or --micro [DIVAN OPTIONS] alone";

impl Options {
    fn parse(args: &[String]) -> Result<Self, String> {
        let mut options = Options {
            homes: 2_000,
            homes_given: false,
            noise: 40,
            small: 0,
            runs: 3,
            shapes: vec![Shape::Real, Shape::Legacy],
            maillint: None,
            before: None,
            scale: Vec::new(),
            scale_noise: None,
            examples: true,
            check: false,
            dir: None,
            keep: false,
        };
        let mut small = None;
        let mut args = args.iter();
        while let Some(arg) = args.next() {
            let mut value = |name: &str| args.next().ok_or(format!("{name} needs a value"));
            let number = |name: &str, value: &String| -> Result<usize, String> {
                value.parse().map_err(|_| format!("{name}: `{value}` is not a number"))
            };
            match arg.as_str() {
                "--homes" => {
                    options.homes = number(arg, value(arg)?)?;
                    options.homes_given = true;
                }
                "--noise" => options.noise = number(arg, value(arg)?)?,
                "--small" => small = Some(number(arg, value(arg)?)?),
                "--runs" => options.runs = number(arg, value(arg)?)?.max(1),
                "--tree" => {
                    options.shapes = match value(arg)?.as_str() {
                        "real" => vec![Shape::Real],
                        "legacy" => vec![Shape::Legacy],
                        "both" => vec![Shape::Real, Shape::Legacy],
                        other => return Err(format!("--tree: `{other}`; {USAGE}")),
                    }
                }
                "--maillint" => options.maillint = Some(PathBuf::from(value(arg)?)),
                "--maillint-before" => options.before = Some(PathBuf::from(value(arg)?)),
                "--scale" => {
                    let list = value(arg)?;
                    options.scale = list
                        .split(',')
                        .map(|n| number(arg, &n.to_owned()))
                        .collect::<Result<_, _>>()?;
                }
                "--scale-noise" => options.scale_noise = Some(number(arg, value(arg)?)?),
                "--no-examples" => options.examples = false,
                "--check" => options.check = true,
                "--keep" => options.keep = true,
                "--dir" => options.dir = Some(PathBuf::from(value(arg)?)),
                other => return Err(format!("bench: unknown option `{other}`; {USAGE}")),
            }
        }
        if options.homes == 0 {
            return Err("--homes must be at least 1".to_owned());
        }
        options.small = small.unwrap_or(options.homes / 5).min(options.homes);
        if options.scale.is_empty() && options.small > 0 && options.small < options.homes {
            options.scale = vec![options.small, options.homes];
        }
        options.scale.retain(|&n| n > 0);
        options.scale.sort_unstable();
        options.scale.dedup();
        Ok(options)
    }
}

/// Runs the benchmark.
pub fn run(root: &Path, args: &[String]) -> Result<(), String> {
    if args.first().is_some_and(|a| a == "--micro") {
        return micro(root, &args[1..]);
    }
    let options = Options::parse(args)?;
    let tree = match &options.dir {
        Some(dir) => dir.clone(),
        None => std::env::temp_dir().join(format!("maillint-bench-{}", std::process::id())),
    };
    let result = if options.check {
        check_only(root, &options, &tree)
    } else {
        bench(root, &options, &tree)
    };
    if options.keep {
        eprintln!("bench: tree kept at {}", tree.display());
    } else if tree.exists() {
        eprintln!("bench: removing {}", tree.display());
        if let Err(e) = fs::remove_dir_all(&tree) {
            eprintln!("bench: could not remove {}: {e}", tree.display());
        }
    }
    result
}

/// `--micro [DIVAN OPTIONS]`: every parser on real-size inputs, in MB/s per core
/// (`crates/maillint-bench`); the options go to divan (a name filter, `--sample-count N`).
fn micro(root: &Path, divan_args: &[String]) -> Result<(), String> {
    let status = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
        .current_dir(root)
        .args(["bench", "-p", "maillint-bench", "--bench", "parsers", "--"])
        .args(divan_args)
        .status()
        .map_err(|e| format!("cargo bench: {e}"))?;
    if status.success() { Ok(()) } else { Err(format!("cargo bench failed ({status})")) }
}

/// `--check`: the findings of a small tree, nothing timed.
fn check_only(root: &Path, options: &Options, tree: &Path) -> Result<(), String> {
    let maillint = match &options.maillint {
        Some(binary) => binary.clone(),
        None => build(root)?,
    };
    let homes = if options.homes_given { options.homes } else { check::HOMES };
    println!("{}", check::run(&maillint, &tree.join("check"), homes)?);
    Ok(())
}

fn bench(root: &Path, options: &Options, tree: &Path) -> Result<(), String> {
    let binaries = Binaries {
        after: match &options.maillint {
            Some(binary) => binary.clone(),
            None => build(root)?,
        },
        before: options.before.clone(),
    };
    let rg = ripgrep_version();
    let memory = MemoryProbe::detect();
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mut report = String::new();
    let mut real_rows = None;
    for &shape in &options.shapes {
        let name = match shape {
            Shape::Real => "real",
            Shape::Legacy => "legacy",
        };
        let dir = tree.join(name);
        let stats = generate_logged(&dir, options.homes, options.noise, shape)?;
        let rows = time_tree(&binaries, &dir, options.runs, rg.is_some(), &memory)?;
        let _ = writeln!(
            report,
            "\nmaillint bench, {name} tree: {} homes, {} noise files each: {} files, {} ({} of \
             mail configuration, {} of it prefs.js); best of {} runs, wall clock, {cores} cores",
            options.homes,
            options.noise,
            stats.files,
            megabytes(stats.bytes),
            megabytes(stats.config_bytes),
            megabytes(stats.prefs_bytes),
            options.runs,
        );
        table(&mut report, &rows, &stats, cores);
        goals::write(&mut report, &rows, &stats, &binaries);
        // Each tree's numbers as soon as they are known: a later failure loses nothing.
        print!("{report}");
        report.clear();
        io::stdout().flush().map_err(|e| e.to_string())?;
        if !options.keep {
            let _ = fs::remove_dir_all(&dir);
        }
        if shape == Shape::Real {
            real_rows = Some(rows);
        }
    }
    match &rg {
        Some(version) => {
            let _ = writeln!(report, "reference: {version}");
        }
        None => {
            let _ = writeln!(
                report,
                "reference missing: ripgrep (`rg`) is not installed (`apt-get install -y \
                 ripgrep`), so there are no ratios"
            );
        }
    }
    print!("{report}");
    report.clear();
    if !options.scale.is_empty() {
        let measured = real_rows.as_deref().map(|rows| (options.homes, options.noise, rows));
        let scale = scale::Plan {
            homes: &options.scale,
            noise: options.scale_noise.unwrap_or(options.noise),
            tree,
            keep: options.keep,
        };
        scale::run(&mut report, &binaries, &scale, measured, &memory)?;
    }
    let _ = writeln!(report, "load when done: {}", load_average());
    print!("{report}");
    io::stdout().flush().map_err(|e| e.to_string())?;

    if options.examples {
        examples(root);
    }
    Ok(())
}

/// The binary measured and, with `--maillint-before`, the one it is compared with.
pub struct Binaries {
    /// The binary built here (or `--maillint`).
    pub after: PathBuf,
    /// `--maillint-before`.
    pub before: Option<PathBuf>,
}

impl Binaries {
    /// Each binary with the suffix its rows carry: `""` for the one measured, `" (before)"`.
    pub fn each(&self) -> Vec<(&Path, &'static str)> {
        let mut each = vec![(self.after.as_path(), "")];
        if let Some(before) = &self.before {
            each.push((before.as_path(), BEFORE));
        }
        each
    }
}

/// The suffix of the rows of `--maillint-before`.
const BEFORE: &str = " (before)";

fn generate_logged(
    dir: &Path,
    homes: usize,
    noise: usize,
    shape: Shape,
) -> Result<TreeStats, String> {
    let started = Instant::now();
    let stats = tree::generate(dir, homes, noise, shape)?;
    eprintln!(
        "bench: generated {homes} homes at {} ({} files, {}) in {:.1} s",
        dir.display(),
        stats.files,
        megabytes(stats.bytes),
        started.elapsed().as_secs_f64()
    );
    Ok(stats)
}

/// The name of `maillint scan`'s row.
const SCAN: &str = "maillint scan --all-users TREE";
/// The name of `maillint check`'s row.
const CHECK: &str = "maillint check TREE";
/// The name of the reference row, as the issue measures.
const RG: &str = "rg -l -e imap -e smtp TREE";
/// The name of the row of ripgrep reading every file `check` reads.
const RG_ALL: &str = "rg -l --hidden --no-ignore -e imap -e smtp TREE";

/// `maillint scan` of every home under `dir`, as timed.
pub fn scan_command(maillint: &Path, dir: &Path) -> Command {
    let mut scan = Command::new(maillint);
    scan.arg("scan").arg("--all-users").arg(dir);
    scan.args(["--output-format", "concise", "--exit-zero"]);
    scan
}

/// The commands timed on a tree: name, command, whether its memory is measured.
fn commands(binaries: &Binaries, dir: &Path, with_rg: bool) -> Vec<(String, Command, bool)> {
    let mut list = Vec::new();
    for (maillint, suffix) in binaries.each() {
        let mut check = Command::new(maillint);
        check.arg("check").arg(dir).args(["--output-format", "concise", "--exit-zero"]);
        list.push((format!("{SCAN}{suffix}"), scan_command(maillint, dir), true));
        list.push((format!("{CHECK}{suffix}"), check, true));
    }
    if with_rg {
        let mut rg_default = Command::new("rg");
        rg_default.args(["-l", "-e", "imap", "-e", "smtp"]).arg(dir);
        let mut rg_all = Command::new("rg");
        rg_all.args(["-l", "--hidden", "--no-ignore", "-e", "imap", "-e", "smtp"]).arg(dir);
        list.push((RG.to_owned(), rg_default, false));
        list.push((RG_ALL.to_owned(), rg_all, false));
    }
    list
}

/// Times every command on `dir` in interleaved rounds, so that each sees the same conditions.
fn time_tree(
    binaries: &Binaries,
    dir: &Path,
    runs: usize,
    with_rg: bool,
    memory: &MemoryProbe,
) -> Result<Vec<Row>, String> {
    // One pass over every file first, so that every timed run starts with the same, warm
    // page cache whichever command comes first.
    warm(dir);
    let mut rows: Vec<Row> = commands(binaries, dir, with_rg)
        .into_iter()
        .map(|(name, _, memory)| Row::new(&name, memory))
        .collect();
    for round in 0..runs {
        eprintln!("bench: {}: round {} of {runs}", dir.display(), round + 1);
        for (row, (_, cmd, _)) in rows.iter_mut().zip(commands(binaries, dir, with_rg)) {
            row.add(measure(cmd, memory, row.memory)?)?;
        }
    }
    Ok(rows)
}

/// MB/s per core (MB = 10^6 bytes): `bytes` over the CPU seconds spent, or, without them, over
/// the wall-clock time of all `cores`.
fn per_core(bytes: u64, row: &Row, cores: usize) -> String {
    let core_seconds = match (row.best_cpu, row.best) {
        (Some(cpu), _) => cpu.as_secs_f64(),
        (None, Some(wall)) => wall.as_secs_f64() * cores as f64,
        (None, None) => 0.0,
    };
    if core_seconds > 0.0 {
        format!("{:.0}", bytes as f64 / 1e6 / core_seconds)
    } else {
        "-".into()
    }
}

fn seconds(time: Option<Duration>) -> String {
    time.map_or("-".to_owned(), |d| format!("{:.2} s", d.as_secs_f64()))
}

fn ratio(time: Option<Duration>, reference: Option<Duration>) -> String {
    match (time, reference) {
        (Some(time), Some(reference)) if !reference.is_zero() => {
            format!("{:.2}x", time.as_secs_f64() / reference.as_secs_f64())
        }
        _ => "-".to_owned(),
    }
}

fn table(report: &mut String, rows: &[Row], stats: &TreeStats, cores: usize) {
    let find = |name: &str| rows.iter().find(|r| r.name == name);
    let named = find(RG);
    let hidden = find(RG_ALL);
    let line = |report: &mut String, cells: [&str; 10]| {
        let [a, b, c, d, e, f, g, h, i, j] = cells;
        let _ = writeln!(
            report,
            "{a:<48} {b:>7} {c:>6} {d:>8} {e:>7} {f:>7} {g:>9} {h:>8} {i:>10} {j:>6}"
        );
    };
    line(
        report,
        [
            "command",
            "wall",
            "/ rg",
            "/ rg -.",
            "cpu",
            "/ rg",
            "MB/s/core",
            "(tree)",
            "peak RSS",
            "lines",
        ],
    );
    for row in rows {
        line(
            report,
            [
                &row.name,
                &seconds(row.best),
                &ratio(row.best, named.and_then(|r| r.best)),
                &ratio(row.best, hidden.and_then(|r| r.best)),
                &seconds(row.best_cpu),
                &ratio(row.best_cpu, named.and_then(|r| r.best_cpu)),
                &per_core(stats.config_bytes, row, cores),
                &per_core(stats.bytes, row, cores),
                &row.peak_kb.map_or("-".to_owned(), |kb| megabytes(kb * 1024)),
                &row.lines.map_or("-".to_owned(), |n| n.to_string()),
            ],
        );
    }
    let _ = writeln!(
        report,
        "(wall and cpu: best of the runs; / rg: against `rg -l -e imap -e smtp`, as the issue \
         measures; / rg -.: against the same with --hidden --no-ignore; MB/s/core: mail \
         configuration per CPU second, (tree): every byte per CPU second)"
    );
}

/// The load average, since the cores may be shared with other work.
fn load_average() -> String {
    fs::read_to_string("/proc/loadavg")
        .map(|text| text.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "unknown".to_owned())
}

/// Builds the release binary and returns its path.
fn build(root: &Path) -> Result<PathBuf, String> {
    eprintln!("bench: building the release binary");
    let status = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
        .current_dir(root)
        .args(["build", "--release", "--quiet", "--package", "maillint-cli"])
        .status()
        .map_err(|e| format!("cargo build: {e}"))?;
    if !status.success() {
        return Err(format!("cargo build --release failed ({status})"));
    }
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"));
    let binary = target.join("release").join("maillint");
    if !binary.is_file() {
        return Err(format!("the release binary is not at {}", binary.display()));
    }
    Ok(binary)
}

fn ripgrep_version() -> Option<String> {
    let output = Command::new("rg").arg("--version").output().ok()?;
    output
        .status
        .success()
        .then(|| String::from_utf8_lossy(&output.stdout).lines().next().unwrap_or("rg").to_owned())
}

fn warm(dir: &Path) {
    // Without rg the first timed round warms the cache instead; best-of-N absorbs it.
    let _ = Command::new("rg")
        .args(["-l", "--hidden", "--no-ignore", "-e", "imap"])
        .arg(dir)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status();
}

/// Runs the crates' own benchmark examples, where they exist, and prints their lines.
fn examples(root: &Path) {
    for (package, example) in
        [("maillint-thunderbird", "parse_bench"), ("maillint-verify", "verify_bench")]
    {
        let source =
            root.join("crates").join(package).join("examples").join(format!("{example}.rs"));
        if !source.is_file() {
            println!("\n{package} --example {example}: not present, skipped");
            continue;
        }
        println!("\ncargo run --release -p {package} --example {example}:");
        let output = Command::new(std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into()))
            .current_dir(root)
            .args(["run", "--release", "--quiet", "-p", package, "--example", example])
            .stdin(Stdio::null())
            .output();
        match output {
            Ok(output) => {
                for line in String::from_utf8_lossy(&output.stdout).lines() {
                    println!("  {line}");
                }
                if !output.status.success() {
                    println!("  (failed: {}; stderr follows)", output.status);
                    for line in String::from_utf8_lossy(&output.stderr).lines().rev().take(10) {
                        println!("  {line}");
                    }
                }
            }
            Err(e) => println!("  could not run: {e}"),
        }
    }
}
