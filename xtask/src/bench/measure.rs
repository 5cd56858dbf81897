//! Running one timed command: wall-clock time, CPU time (user + system; on a machine shared
//! with other work it moves far less than wall-clock time), peak memory, and the number of
//! lines it printed (findings for maillint, files for ripgrep), so that every run is checked for
//! doing the same work.

use std::fs;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// One timed command's results.
pub struct Row {
    /// The command, with `TREE` for the tree.
    pub name: String,
    /// Whether its peak memory is measured.
    pub memory: bool,
    /// The fastest run.
    pub best: Option<Duration>,
    /// The least CPU time of all runs.
    pub best_cpu: Option<Duration>,
    /// The largest peak RSS of all runs, KiB.
    pub peak_kb: Option<u64>,
    /// Lines printed by the last run (each run must print as many).
    pub lines: Option<u64>,
}

impl Row {
    /// A row with no runs yet.
    pub fn new(name: &str, memory: bool) -> Self {
        Row {
            name: name.to_owned(),
            memory,
            best: None,
            best_cpu: None,
            peak_kb: None,
            lines: None,
        }
    }

    /// Adds a run. Runs of one command must print the same number of lines.
    pub fn add(&mut self, measured: Measured) -> Result<(), String> {
        if let Some(lines) = self.lines
            && lines != measured.lines
        {
            return Err(format!(
                "`{}` printed {lines} lines in one run and {} in another",
                self.name, measured.lines
            ));
        }
        self.lines = Some(measured.lines);
        if let Some(cpu) = measured.cpu {
            self.best_cpu = Some(self.best_cpu.map_or(cpu, |b| b.min(cpu)));
        }
        self.best = Some(self.best.map_or(measured.time, |b| b.min(measured.time)));
        if let Some(kb) = measured.peak_kb {
            self.peak_kb = Some(self.peak_kb.map_or(kb, |p| p.max(kb)));
        }
        Ok(())
    }
}

/// One run of a command.
pub struct Measured {
    /// Wall-clock time.
    pub time: Duration,
    /// Peak RSS in KiB, when measured.
    pub peak_kb: Option<u64>,
    /// User plus system CPU time, when GNU time measured it.
    pub cpu: Option<Duration>,
    /// Lines written to standard output.
    pub lines: u64,
}

/// How the peak resident set size of a child is measured.
pub enum MemoryProbe {
    /// GNU time's `%M` (maximum resident set size, KiB), `%U` and `%S` (CPU seconds).
    GnuTime,
    /// Polling `/proc/<pid>/status` for `VmHWM` (the kernel's high-water mark).
    Proc,
}

impl MemoryProbe {
    /// GNU time where it works, else `/proc`.
    pub fn detect() -> Self {
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

    /// How the numbers were measured.
    pub fn describe(&self) -> &'static str {
        match self {
            MemoryProbe::GnuTime => "maximum resident set size from GNU time",
            MemoryProbe::Proc => "VmHWM polled from /proc",
        }
    }
}

/// Runs a command with its output to a file; its wall-clock time, the lines it printed and, with
/// GNU time, its CPU time. Its peak RSS when `memory` is given (always with GNU time).
pub fn measure(cmd: Command, probe: &MemoryProbe, memory: bool) -> Result<Measured, String> {
    let memory = if memory || matches!(probe, MemoryProbe::GnuTime) { Some(probe) } else { None };
    let describe = format!("{cmd:?}");
    let stderr_file =
        std::env::temp_dir().join(format!("maillint-bench-stderr-{}", std::process::id()));
    let rss_file = std::env::temp_dir().join(format!("maillint-bench-rss-{}", std::process::id()));
    let stdout_file =
        std::env::temp_dir().join(format!("maillint-bench-stdout-{}", std::process::id()));
    let mut to_run = match memory {
        Some(MemoryProbe::GnuTime) => {
            let mut wrapped = Command::new("/usr/bin/time");
            wrapped.args(["-f", "%M %U %S", "-o"]).arg(&rss_file).arg(cmd.get_program());
            wrapped.args(cmd.get_args());
            wrapped
        }
        _ => cmd,
    };
    let stderr = fs::File::create(&stderr_file).map_err(|e| e.to_string())?;
    let stdout = fs::File::create(&stdout_file).map_err(|e| e.to_string())?;
    to_run.stdout(stdout).stderr(stderr).stdin(Stdio::null());
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
    let (peak_kb, cpu) = match memory {
        Some(MemoryProbe::GnuTime) => gnu_time(&fs::read_to_string(&rss_file).unwrap_or_default()),
        Some(MemoryProbe::Proc) => (polled_kb, None),
        None => (None, None),
    };
    let lines = fs::read(&stdout_file).map_or(0, |out| bytecount(&out, b'\n'));
    for file in [&stderr_file, &rss_file, &stdout_file] {
        let _ = fs::remove_file(file);
    }
    Ok(Measured { time, peak_kb, cpu, lines })
}

/// `%M %U %S` from the last line GNU time wrote.
fn gnu_time(output: &str) -> (Option<u64>, Option<Duration>) {
    let mut fields = output.trim().lines().last().unwrap_or("").split_whitespace();
    let peak_kb = fields.next().and_then(|kb| kb.parse().ok());
    let seconds = |field: Option<&str>| field.and_then(|s| s.parse::<f64>().ok());
    let cpu = match (seconds(fields.next()), seconds(fields.next())) {
        (Some(user), Some(system)) => Some(Duration::from_secs_f64(user + system)),
        _ => None,
    };
    (peak_kb, cpu)
}

fn vm_hwm(pid: u32) -> Option<u64> {
    let status = fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn bytecount(bytes: &[u8], byte: u8) -> u64 {
    bytes.iter().filter(|&&b| b == byte).count() as u64
}

/// `bytes` in MiB (GiB from 10 GiB on), for tables.
pub fn megabytes(bytes: u64) -> String {
    if bytes >= 10 * 1024 * 1024 * 1024 {
        format!("{:.1} GiB", bytes as f64 / (1024.0 * 1024.0 * 1024.0))
    } else {
        format!("{:.1} MiB", bytes as f64 / (1024.0 * 1024.0))
    }
}
