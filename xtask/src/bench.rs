//! `cargo xtask bench [--homes N] [--noise N] [--small N] [--runs N] [--dir DIR] [--keep]`:
//! how fast `maillint scan` and `maillint check` are over many home folders, against ripgrep
//! reading the same tree, and how much memory they use.
//!
//! The tree is synthetic and deterministic (the same bytes on every run and machine): each
//! home has a Thunderbird profile of realistic size (a `profiles.ini`, a sorted `prefs.js` of a
//! few hundred prefs with 2 or 3 mail accounts, some of them with mistakes, and the files a
//! profile holds besides), a `.muttrc`, and `--noise` other files spread over nested folders
//! (caches, settings of other programs, documents, source code), some of which mention `imap`
//! or `smtp`.
//!
//! Timed, best of `--runs` wall-clock runs, output to `/dev/null`:
//! - `maillint scan --all-users TREE/home` (reads only the known locations),
//! - `maillint check TREE/home` (walks and sniffs every file),
//! - `rg -l -e imap -e smtp TREE/home`, the reference for reading files, as the issue names it
//!   (ripgrep skips hidden files and folders by default), and the same with `--hidden
//!   --no-ignore`, which reads every file `check` reads.
//!
//! Peak memory (maximum resident set size) of each maillint run comes from GNU `time`, or,
//! without it, from polling the child's `VmHWM` in `/proc`. Both maillint commands also run on
//! a second tree of `--small` homes, to show how memory changes with the number of homes.

use std::fmt::Write as _;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Options of the task.
struct Options {
    homes: usize,
    noise: usize,
    small: usize,
    runs: usize,
    dir: Option<PathBuf>,
    keep: bool,
}

impl Options {
    fn parse(args: &[String]) -> Result<Self, String> {
        let mut options =
            Options { homes: 10_000, noise: 100, small: 0, runs: 3, dir: None, keep: false };
        let mut small = None;
        let mut args = args.iter();
        while let Some(arg) = args.next() {
            let mut number = |name: &str| -> Result<usize, String> {
                let value = args.next().ok_or(format!("{name} needs a number"))?;
                value.parse().map_err(|_| format!("{name}: `{value}` is not a number"))
            };
            match arg.as_str() {
                "--homes" => options.homes = number("--homes")?,
                "--noise" => options.noise = number("--noise")?,
                "--small" => small = Some(number("--small")?),
                "--runs" => options.runs = number("--runs")?.max(1),
                "--keep" => options.keep = true,
                "--dir" => {
                    options.dir = Some(PathBuf::from(args.next().ok_or("--dir needs a folder")?))
                }
                other => {
                    return Err(format!(
                        "bench: unknown option `{other}`; options: --homes N (10000), --noise N \
                         (100), --small N (homes/5), --runs N (3), --dir DIR, --keep"
                    ));
                }
            }
        }
        if options.homes == 0 {
            return Err("--homes must be at least 1".to_owned());
        }
        options.small = small.unwrap_or(options.homes / 5).min(options.homes);
        Ok(options)
    }
}

/// Runs the benchmark.
pub fn run(root: &Path, args: &[String]) -> Result<(), String> {
    let options = Options::parse(args)?;
    let tree = match &options.dir {
        Some(dir) => dir.clone(),
        None => std::env::temp_dir().join(format!("maillint-bench-{}", std::process::id())),
    };
    let result = bench(root, &options, &tree);
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

fn bench(root: &Path, options: &Options, tree: &Path) -> Result<(), String> {
    let maillint = build(root)?;

    let big = tree.join("home");
    let small = tree.join("small");
    let started = Instant::now();
    let big_stats = generate(&big, options.homes, options.noise)?;
    let small_stats = if options.small > 0 && options.small < options.homes {
        Some(generate(&small, options.small, options.noise)?)
    } else {
        None
    };
    eprintln!(
        "bench: generated {} homes ({} files, {}) in {:.1} s",
        options.homes,
        big_stats.files,
        megabytes(big_stats.bytes),
        started.elapsed().as_secs_f64()
    );

    let rg = ripgrep_version();
    let memory = MemoryProbe::detect();
    // One pass over every file first, so that every timed run starts with the same, warm
    // page cache whichever command comes first.
    warm(&big);

    let scan = |dir: &Path| {
        let mut cmd = Command::new(&maillint);
        cmd.arg("scan").arg("--all-users").arg(dir).args(["--output-format", "concise"]);
        cmd.arg("--exit-zero");
        cmd
    };
    let check = |dir: &Path| {
        let mut cmd = Command::new(&maillint);
        cmd.arg("check").arg(dir).args(["--output-format", "concise", "--exit-zero"]);
        cmd
    };
    let rg_default = |dir: &Path| {
        let mut cmd = Command::new("rg");
        cmd.args(["-l", "-e", "imap", "-e", "smtp"]).arg(dir);
        cmd
    };
    let rg_all = |dir: &Path| {
        let mut cmd = Command::new("rg");
        cmd.args(["-l", "--hidden", "--no-ignore", "-e", "imap", "-e", "smtp"]).arg(dir);
        cmd
    };

    let mut rows: Vec<Row> = vec![
        Row::new("maillint scan --all-users TREE", true),
        Row::new("maillint check TREE", true),
    ];
    if rg.is_some() {
        rows.push(Row::new("rg -l -e imap -e smtp TREE", false));
        rows.push(Row::new("rg -l --hidden --no-ignore -e imap -e smtp TREE", false));
    }
    // Interleaved rounds: each command sees the same conditions.
    for round in 0..options.runs {
        eprintln!("bench: round {} of {}", round + 1, options.runs);
        for row in &mut rows {
            let cmd = match row.name.as_str() {
                name if name.starts_with("maillint scan") => scan(&big),
                name if name.starts_with("maillint check") => check(&big),
                name if name.contains("--hidden") => rg_all(&big),
                _ => rg_default(&big),
            };
            let measured = measure(cmd, row.memory.then_some(&memory))?;
            row.add(measured);
        }
    }
    let small_rows = match &small_stats {
        Some(_) => {
            let scan_small = measure(scan(&small), Some(&memory))?;
            let check_small = measure(check(&small), Some(&memory))?;
            Some((scan_small, check_small))
        }
        None => None,
    };

    let mut report = String::new();
    let _ = writeln!(
        report,
        "\nmaillint bench: {} homes, {} noise files each: {} files, {} (best of {} runs, wall \
         clock, output to /dev/null, {} threads)",
        options.homes,
        options.noise,
        big_stats.files,
        megabytes(big_stats.bytes),
        options.runs,
        std::thread::available_parallelism().map_or(1, |n| n.get()),
    );
    let reference = rows.iter().find(|r| r.name.contains("--hidden")).and_then(|r| r.best);
    let named_reference =
        rows.iter().find(|r| r.name == "rg -l -e imap -e smtp TREE").and_then(|r| r.best);
    let _ = writeln!(
        report,
        "{:<50} {:>9} {:>12} {:>14} {:>11}",
        "command", "best", "/ rg (issue)", "/ rg --hidden", "peak RSS"
    );
    for row in &rows {
        let best = row.best.map_or("-".to_owned(), |d| format!("{:.2} s", d.as_secs_f64()));
        let ratio = |reference: Option<Duration>| match (row.best, reference) {
            (Some(time), Some(reference)) if !reference.is_zero() => {
                format!("{:.2}x", time.as_secs_f64() / reference.as_secs_f64())
            }
            _ => "-".to_owned(),
        };
        let rss = row.peak_kb.map_or("-".to_owned(), |kb| megabytes(kb * 1024));
        let _ = writeln!(
            report,
            "{:<50} {:>9} {:>12} {:>14} {:>11}",
            row.name,
            best,
            ratio(named_reference),
            ratio(reference),
            rss
        );
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
    if let (Some((scan_small, check_small)), Some(stats)) = (&small_rows, &small_stats) {
        let _ = writeln!(report, "\npeak memory by number of homes ({}):", memory.describe());
        let big_scan = rows[0].peak_kb;
        let big_check = rows[1].peak_kb;
        let kb = |v: Option<u64>| v.map_or("-".to_owned(), |kb| megabytes(kb * 1024));
        let _ = writeln!(
            report,
            "{:<18} {:>14} {:>14}",
            "",
            format!("{} homes", options.small),
            format!("{} homes", options.homes)
        );
        let _ = writeln!(
            report,
            "{:<18} {:>14} {:>14}",
            "maillint scan",
            kb(scan_small.peak_kb),
            kb(big_scan)
        );
        let _ = writeln!(
            report,
            "{:<18} {:>14} {:>14}",
            "maillint check",
            kb(check_small.peak_kb),
            kb(big_check)
        );
        let _ = writeln!(
            report,
            "(small tree: {} files, {}; scan {:.2} s, check {:.2} s)",
            stats.files,
            megabytes(stats.bytes),
            scan_small.time.as_secs_f64(),
            check_small.time.as_secs_f64()
        );
    }
    print!("{report}");
    io::stdout().flush().map_err(|e| e.to_string())?;

    examples(root);
    Ok(())
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

/// One timed command's results.
struct Row {
    name: String,
    memory: bool,
    best: Option<Duration>,
    peak_kb: Option<u64>,
}

impl Row {
    fn new(name: &str, memory: bool) -> Self {
        Row { name: name.to_owned(), memory, best: None, peak_kb: None }
    }

    fn add(&mut self, measured: Measured) {
        self.best = Some(self.best.map_or(measured.time, |b| b.min(measured.time)));
        if let Some(kb) = measured.peak_kb {
            self.peak_kb = Some(self.peak_kb.map_or(kb, |p| p.max(kb)));
        }
    }
}

struct Measured {
    time: Duration,
    peak_kb: Option<u64>,
}

/// How the peak resident set size of a child is measured.
enum MemoryProbe {
    /// GNU time's `%M` (maximum resident set size, KiB).
    GnuTime,
    /// Polling `/proc/<pid>/status` for `VmHWM` (the kernel's high-water mark).
    Proc,
}

impl MemoryProbe {
    fn detect() -> Self {
        let gnu = Command::new("/usr/bin/time")
            .args(["-f", "%M", "true"])
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .output()
            .is_ok_and(|o| {
                o.status.success()
                    && String::from_utf8_lossy(&o.stderr).trim().parse::<u64>().is_ok()
            });
        if gnu { MemoryProbe::GnuTime } else { MemoryProbe::Proc }
    }

    fn describe(&self) -> &'static str {
        match self {
            MemoryProbe::GnuTime => "maximum resident set size from GNU time",
            MemoryProbe::Proc => "VmHWM polled from /proc",
        }
    }
}

/// Runs a command with output discarded; its wall-clock time and, when asked, its peak RSS.
fn measure(cmd: Command, memory: Option<&MemoryProbe>) -> Result<Measured, String> {
    let describe = format!("{cmd:?}");
    let stderr_file =
        std::env::temp_dir().join(format!("maillint-bench-stderr-{}", std::process::id()));
    let rss_file = std::env::temp_dir().join(format!("maillint-bench-rss-{}", std::process::id()));
    let mut to_run = match memory {
        Some(MemoryProbe::GnuTime) => {
            let mut wrapped = Command::new("/usr/bin/time");
            wrapped.args(["-f", "%M", "-o"]).arg(&rss_file).arg(cmd.get_program());
            wrapped.args(cmd.get_args());
            wrapped
        }
        _ => cmd,
    };
    let stderr = fs::File::create(&stderr_file).map_err(|e| e.to_string())?;
    to_run.stdout(Stdio::null()).stderr(stderr).stdin(Stdio::null());
    let started = Instant::now();
    let mut child = to_run.spawn().map_err(|e| format!("{describe}: {e}"))?;
    let mut polled_kb = None;
    let status = loop {
        if let Some(status) = child.try_wait().map_err(|e| e.to_string())? {
            break status;
        }
        if let Some(MemoryProbe::Proc) = memory
            && let Some(kb) = vm_hwm(child.id())
        {
            polled_kb = Some(polled_kb.map_or(kb, |p: u64| p.max(kb)));
        }
        std::thread::sleep(Duration::from_millis(2));
    };
    let time = started.elapsed();
    // rg exits 1 when nothing matched; maillint runs with --exit-zero. Anything else failed.
    if !(status.success() || (status.code() == Some(1) && describe.contains("\"rg\""))) {
        let errors = fs::read_to_string(&stderr_file).unwrap_or_default();
        let tail: Vec<&str> = errors.lines().rev().take(10).collect();
        return Err(format!(
            "{describe} failed ({status}):\n{}",
            tail.into_iter().rev().collect::<Vec<_>>().join("\n")
        ));
    }
    let peak_kb = match memory {
        Some(MemoryProbe::GnuTime) => fs::read_to_string(&rss_file)
            .ok()
            .and_then(|text| text.trim().lines().last()?.trim().parse().ok()),
        Some(MemoryProbe::Proc) => polled_kb,
        None => None,
    };
    let _ = fs::remove_file(&stderr_file);
    let _ = fs::remove_file(&rss_file);
    Ok(Measured { time, peak_kb })
}

fn vm_hwm(pid: u32) -> Option<u64> {
    let status = fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn megabytes(bytes: u64) -> String {
    if bytes >= 10 * 1024 * 1024 * 1024 {
        format!("{:.1} GiB", bytes as f64 / (1024.0 * 1024.0 * 1024.0))
    } else {
        format!("{:.1} MiB", bytes as f64 / (1024.0 * 1024.0))
    }
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

// ---- The synthetic tree ----------------------------------------------------------------------

/// What was written.
#[derive(Clone, Copy, Default)]
struct TreeStats {
    files: u64,
    bytes: u64,
}

/// SplitMix64: a tiny, well-mixed generator, so the tree is the same on every run.
struct Rng(u64);

impl Rng {
    fn new(seed: u64) -> Self {
        Rng(seed ^ 0x9E37_79B9_7F4A_7C15)
    }

    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.below(items.len())]
    }

    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
}

/// Generates `homes` homes under `dir`, on as many threads as there are cores.
fn generate(dir: &Path, homes: usize, noise: usize) -> Result<TreeStats, String> {
    if dir.exists() {
        fs::remove_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    let results: Vec<Result<TreeStats, String>> = std::thread::scope(|scope| {
        let workers: Vec<_> = (0..threads)
            .map(|t| {
                scope.spawn(move || {
                    let mut stats = TreeStats::default();
                    for index in (t..homes).step_by(threads) {
                        let home = dir.join(format!("user{index:05}"));
                        write_home(&home, index, noise, &mut stats)
                            .map_err(|e| format!("{}: {e}", home.display()))?;
                    }
                    Ok(stats)
                })
            })
            .collect();
        workers
            .into_iter()
            .map(|w| w.join().unwrap_or_else(|_| Err("generator panicked".into())))
            .collect()
    });
    let mut total = TreeStats::default();
    for result in results {
        let stats = result?;
        total.files += stats.files;
        total.bytes += stats.bytes;
    }
    Ok(total)
}

fn put(path: &Path, content: &[u8], stats: &mut TreeStats) -> io::Result<()> {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent)?;
    }
    fs::write(path, content)?;
    stats.files += 1;
    stats.bytes += content.len() as u64;
    Ok(())
}

const WORDS: &[&str] = &[
    "the", "of", "and", "report", "meeting", "budget", "draft", "notes", "project", "review",
    "client", "server", "update", "version", "release", "config", "value", "option", "cache",
    "session", "window", "theme", "font", "layout", "summary", "invoice", "travel", "photo",
    "backup", "archive", "schedule", "agenda", "lorem", "ipsum", "dolor", "amet", "network",
    "printer", "calendar", "contact", "address", "phone", "office", "team", "quarter", "plan",
];

const APPS: &[&str] = &[
    "chromium",
    "libreoffice",
    "gimp",
    "vlc",
    "gnome-shell",
    "pulse",
    "fontconfig",
    "mesa",
    "evince",
    "nautilus",
    "code",
    "pip",
    "npm",
    "gtk-3.0",
    "dconf",
    "keepassxc",
];

/// Text of about `size` bytes: words, and now and then a line that mentions a mail protocol,
/// as notes, logs and settings of other programs do.
fn text(rng: &mut Rng, size: usize, mentions_mail: bool) -> Vec<u8> {
    let mut out = String::with_capacity(size + 64);
    let mail_line = if mentions_mail { rng.below(size / 64 + 1) } else { usize::MAX };
    let mut line = 0;
    while out.len() < size {
        if line == mail_line {
            out.push_str(if rng.chance(50) {
                "server: imap.example.net port 993 (see the smtp settings below)\n"
            } else {
                "mail relay smtp.example.net:587, fetch via imaps\n"
            });
        } else {
            for _ in 0..(6 + rng.below(8)) {
                out.push_str(rng.pick(WORDS));
                out.push(' ');
            }
            out.push('\n');
        }
        line += 1;
    }
    out.into_bytes()
}

/// A profile folder name as Thunderbird makes them: 8 random characters and a suffix.
fn profile_name(rng: &mut Rng) -> String {
    const ALPHABET: &[u8] = b"abcdefghijklmnopqrstuvwxyz0123456789";
    let mut name: String = (0..8).map(|_| rng.pick(ALPHABET) as char).collect();
    name.push_str(rng.pick(&[".default-release", ".default", ".default-esr"]));
    name
}

fn write_home(home: &Path, index: usize, noise: usize, stats: &mut TreeStats) -> io::Result<()> {
    let mut rng = Rng::new(index as u64);
    let user = format!("user{index:05}");

    // Thunderbird.
    let profile = profile_name(&mut rng);
    let thunderbird = home.join(".thunderbird");
    put(
        &thunderbird.join("profiles.ini"),
        format!(
            "[Profile0]\nName=default-release\nIsRelative=1\nPath={profile}\nDefault=1\n\n\
             [General]\nStartWithLastProfile=1\nVersion=2\n\n\
             [Install6F193CCC56814779]\nDefault={profile}\nLocked=1\n\n"
        )
        .as_bytes(),
        stats,
    )?;
    let profile_dir = thunderbird.join(&profile);
    put(&profile_dir.join("prefs.js"), prefs_js(&mut rng, &user).as_bytes(), stats)?;
    put(
        &thunderbird.join("installs.ini"),
        format!("[6F193CCC56814779]\nDefault={profile}\nLocked=1\n\n").as_bytes(),
        stats,
    )?;

    // mutt.
    put(&home.join(".muttrc"), muttrc(&mut rng, &user).as_bytes(), stats)?;

    // Noise: files a profile holds besides its prefs, caches and settings of other programs,
    // documents, source code.
    const PROFILE_FILES: &[&str] = &[
        "times.json",
        "compatibility.ini",
        "extensions.json",
        "xulstore.json",
        "session.json",
        "containers.json",
        "handlers.json",
        "search.json.mozlz4",
        "datareporting/state.json",
        "ImapMail/imap.example.com/INBOX.msf",
        "ImapMail/imap.example.com/Sent.msf",
        "ImapMail/imap.example.com/Drafts.msf",
        "Mail/Local Folders/Trash.msf",
    ];
    const TOP: &[&str] = &[
        ".cache",
        ".cache",
        ".config",
        ".config",
        ".local/share",
        "Documents",
        "Documents",
        "Downloads",
        "src",
        "Pictures",
        "Music",
    ];
    const EXTENSIONS: &[&str] =
        &["txt", "md", "json", "conf", "log", "rs", "py", "csv", "xml", "html"];
    const SIZES: &[usize] = &[200, 400, 700, 1000, 1500, 2000, 3000, 5000, 8000, 16000];
    for n in 0..noise {
        let path = if let Some(name) = PROFILE_FILES.get(n).filter(|_| n < noise / 8) {
            profile_dir.join(name)
        } else {
            let mut path = home.join(rng.pick(TOP));
            path.push(rng.pick(APPS));
            for _ in 0..rng.below(3) {
                path.push(rng.pick(WORDS));
            }
            path.push(format!("{}-{n}.{}", rng.pick(WORDS), rng.pick(EXTENSIONS)));
            path
        };
        let size = rng.pick(SIZES);
        let mentions_mail = rng.chance(3);
        put(&path, &text(&mut rng, size, mentions_mail), stats)?;
    }
    Ok(())
}

/// A `prefs.js` as Thunderbird writes it: the header, then a few hundred `user_pref` lines
/// sorted by name, among them 2 or 3 mail accounts (thunderbird.md 8). Some accounts carry the
/// mistakes maillint exists for: plaintext IMAP, opportunistic STARTTLS, a legacy Gmail host,
/// SMTP on port 25 without TLS, a port that does not match the socket type.
fn prefs_js(rng: &mut Rng, user: &str) -> String {
    let mut prefs: Vec<(String, String)> = Vec::new();
    let mut pref = |name: String, value: String| prefs.push((name, value));
    let accounts = 2 + rng.below(2);
    let mut account_keys = Vec::new();
    let mut smtp_keys = Vec::new();
    for a in 1..=accounts {
        let (host, smtp, email, mistake) = match (a, rng.below(6)) {
            (1, 0) => (
                "imap.googlemail.com",
                "smtp.googlemail.com",
                format!("{user}@gmail.com"),
                "legacy-host",
            ),
            (1, _) => ("imap.gmail.com", "smtp.gmail.com", format!("{user}@gmail.com"), "none"),
            (_, 0 | 1) => {
                ("mail.example.org", "mail.example.org", format!("{user}@example.org"), "plaintext")
            }
            (_, 2) => (
                "imap.example.net",
                "smtp.example.net",
                format!("{user}@example.net"),
                "opportunistic",
            ),
            (_, 3) => (
                "outlook.office365.com",
                "smtp.office365.com",
                format!("{user}@example.com"),
                "port-mismatch",
            ),
            _ => ("imap.fastmail.com", "smtp.fastmail.com", format!("{user}@fastmail.com"), "none"),
        };
        let (socket, port, try_ssl, smtp_port) = match mistake {
            "plaintext" => (0, 143, 0, 25),
            "opportunistic" => (1, 143, 1, 587),
            "port-mismatch" => (2, 993, 3, 587),
            _ => (3, 993, 3, 465),
        };
        let auth = if host.contains("gmail") || host.contains("office365") { 10 } else { 3 };
        let server = format!("mail.server.server{a}");
        pref(format!("{server}.hostname"), format!("\"{host}\""));
        pref(format!("{server}.port"), port.to_string());
        pref(format!("{server}.socketType"), socket.to_string());
        pref(format!("{server}.authMethod"), auth.to_string());
        pref(format!("{server}.type"), "\"imap\"".into());
        pref(format!("{server}.userName"), format!("\"{email}\""));
        pref(format!("{server}.name"), format!("\"{email}\""));
        pref(format!("{server}.check_new_mail"), "true".into());
        pref(format!("{server}.login_at_startup"), "true".into());
        pref(
            format!("{server}.directory"),
            format!("\"/home/{user}/.thunderbird/x/ImapMail/{host}\""),
        );
        pref(format!("{server}.directory-rel"), format!("\"[ProfD]ImapMail/{host}\""));
        pref(
            format!("{server}.spamActionTargetAccount"),
            format!("\"imap://{}@{host}\"", email.replace('@', "%40")),
        );
        pref(
            format!("{server}.storeContractID"),
            "\"@mozilla.org/msgstore/berkeleystore;1\"".into(),
        );
        pref(format!("{server}.cacheCapa.acl"), "false".into());
        pref(format!("{server}.cacheCapa.quota"), "true".into());
        pref(format!("{server}.capability"), (rng.next() % 1_000_000).to_string());
        pref(format!("{server}.lastFilterTime"), (28_000_000 + rng.below(1_000_000)).to_string());
        pref(format!("{server}.namespace.personal"), "\"\\\"\\\"\"".into());
        pref(format!("{server}.timeout"), "29".into());
        let smtp_key = format!("smtp{a}");
        let outgoing = format!("mail.smtpserver.{smtp_key}");
        pref(format!("{outgoing}.hostname"), format!("\"{smtp}\""));
        pref(format!("{outgoing}.port"), smtp_port.to_string());
        pref(format!("{outgoing}.try_ssl"), try_ssl.to_string());
        pref(format!("{outgoing}.authMethod"), auth.to_string());
        pref(format!("{outgoing}.username"), format!("\"{email}\""));
        pref(format!("{outgoing}.description"), format!("\"{smtp}\""));
        let identity = format!("mail.identity.id{a}");
        pref(format!("{identity}.fullName"), format!("\"User {user}\""));
        pref(format!("{identity}.useremail"), format!("\"{email}\""));
        pref(format!("{identity}.smtpServer"), format!("\"{smtp_key}\""));
        pref(format!("{identity}.valid"), "true".into());
        pref(
            format!("{identity}.draft_folder"),
            format!("\"imap://{}@{host}/Drafts\"", email.replace('@', "%40")),
        );
        pref(
            format!("{identity}.fcc_folder"),
            format!("\"imap://{}@{host}/Sent\"", email.replace('@', "%40")),
        );
        pref(format!("{identity}.reply_on_top"), "1".into());
        pref(format!("mail.account.account{a}.identities"), format!("\"id{a}\""));
        pref(format!("mail.account.account{a}.server"), format!("\"server{a}\""));
        account_keys.push(format!("account{a}"));
        smtp_keys.push(smtp_key);
    }
    // Local Folders.
    let local = accounts + 1;
    pref(format!("mail.account.account{local}.server"), format!("\"server{local}\""));
    pref(format!("mail.server.server{local}.hostname"), "\"Local Folders\"".into());
    pref(format!("mail.server.server{local}.type"), "\"none\"".into());
    pref(format!("mail.server.server{local}.userName"), "\"nobody\"".into());
    account_keys.push(format!("account{local}"));
    pref("mail.accountmanager.accounts".into(), format!("\"{}\"", account_keys.join(",")));
    pref("mail.accountmanager.defaultaccount".into(), "\"account1\"".into());
    pref("mail.accountmanager.localfoldersserver".into(), format!("\"server{local}\""));
    pref("mail.account.lastKey".into(), local.to_string());
    pref("mail.smtpservers".into(), format!("\"{}\"", smtp_keys.join(",")));
    pref("mail.smtp.defaultserver".into(), "\"smtp1\"".into());
    // The rest of a profile's prefs: update timers, UI state, extension bookkeeping, caches.
    const GROUPS: &[&str] = &[
        "app.update.lastUpdateTime",
        "browser.cache.disk",
        "browser.migration",
        "datareporting.policy",
        "extensions.webextensions.uuids",
        "extensions.lastAppVersion",
        "gfx.blacklist",
        "idle.lastDailyNotification",
        "mail.folder.views",
        "mail.spotlight",
        "mailnews.database.global",
        "media.gmp-manager",
        "network.cookie",
        "places.history",
        "privacy.purge",
        "services.sync",
        "toolkit.telemetry",
        "mail.ui-rdf.version",
        "mail.openMessageBehavior",
        "calendar.timezone",
        "ldap_2.servers",
    ];
    let filler = 220 + rng.below(160);
    for n in 0..filler {
        let group = rng.pick(GROUPS);
        let value = match rng.below(3) {
            0 => (1_600_000_000 + rng.below(200_000_000)).to_string(),
            1 => {
                if rng.chance(50) {
                    "true".to_owned()
                } else {
                    "false".to_owned()
                }
            }
            _ => format!("\"{}-{}\"", rng.pick(WORDS), rng.next() % 100_000),
        };
        pref(format!("{group}.{}{n}", rng.pick(WORDS)), value);
    }
    prefs.sort();
    let mut out = String::from(
        "// Mozilla User Preferences\n\n// DO NOT EDIT THIS FILE.\n//\n// If you make changes to \
         this file while the application is running,\n// the changes will be overwritten when \
         the application exits.\n//\n// To change a preference value, you can either:\n// - \
         modify it via the UI (e.g. via about:config in the browser); or\n// - set it within a \
         user.js file in your profile.\n\n",
    );
    for (name, value) in prefs {
        let _ = writeln!(out, "user_pref(\"{name}\", {value});");
    }
    out
}

/// A `.muttrc` for an IMAP account; some carry mistakes (a password in the file, TLS not
/// enforced, SMTP in plaintext, certificate checks off).
fn muttrc(rng: &mut Rng, user: &str) -> String {
    let mut out = format!(
        "# mutt configuration of {user}\nset realname = \"User {user}\"\n\
         set from = \"{user}@example.org\"\nset imap_user = \"{user}@example.org\"\n\
         set folder = \"imaps://imap.example.org:993/\"\nset spoolfile = \"+INBOX\"\n\
         set record = \"+Sent\"\nset postponed = \"+Drafts\"\n\
         set header_cache = \"~/.cache/mutt/headers\"\nset message_cachedir = \"~/.cache/mutt/bodies\"\n\
         set sort = threads\nset sort_aux = reverse-last-date-received\nset editor = \"vim\"\n"
    );
    match rng.below(5) {
        0 => out.push_str("set imap_pass = \"hunter2-not-real\"\n"),
        1 => out.push_str("set ssl_force_tls = no\nset ssl_starttls = no\n"),
        2 => out.push_str("set smtp_url = \"smtp://mail.example.org:25/\"\n"),
        3 => out.push_str("set ssl_verify_host = no\n"),
        _ => out.push_str(
            "set smtp_url = \"smtps://mail.example.org:465/\"\nset ssl_force_tls = yes\n",
        ),
    }
    out.push_str("mailboxes +INBOX +Sent +Drafts +Archive\nbind index g noop\nmacro index gi \"<change-folder>=INBOX<enter>\"\n");
    out
}
