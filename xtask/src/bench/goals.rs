//! The goals of issue 19, each with the number this run measured and whether it holds, for
//! the binary measured and (with `--maillint-before`) the one it replaces: one run, one tree,
//! the before and after side by side.

use std::fmt::Write as _;
use std::time::Duration;

use super::measure::Row;
use super::tree::TreeStats;
use super::{Binaries, CHECK, RG, SCAN};

/// One goal: a command's time over ripgrep's, at most `limit`.
struct RatioGoal {
    command: &'static str,
    limit: f64,
}

const RATIO_GOALS: &[RatioGoal] =
    &[RatioGoal { command: SCAN, limit: 0.5 }, RatioGoal { command: CHECK, limit: 1.0 }];

/// End to end, MB of `prefs.js` per CPU second of `scan`.
const PREFS_PER_CORE_GOAL: f64 = 300.0;

/// Writes the goals' lines under a tree's table.
pub fn write(report: &mut String, rows: &[Row], stats: &TreeStats, binaries: &Binaries) {
    let find = |name: &str| rows.iter().find(|r| r.name == name);
    let Some(rg) = find(RG) else { return };
    let _ = writeln!(report, "goals (issue 19), cpu = user + system seconds:");
    for (_, suffix) in binaries.each() {
        for goal in RATIO_GOALS {
            let Some(row) = find(&format!("{}{suffix}", goal.command)) else { continue };
            let (wall, cpu) = (quotient(row.best, rg.best), quotient(row.best_cpu, rg.best_cpu));
            let _ = writeln!(
                report,
                "  {}{suffix} <= {:.1}x rg: wall {}, cpu {}: {}",
                goal.command,
                goal.limit,
                times(wall),
                times(cpu),
                verdict(wall.into_iter().chain(cpu).all(|r| r <= goal.limit)),
            );
        }
        if let Some(scan) = find(&format!("{SCAN}{suffix}")) {
            let prefs = mb_per_cpu_second(stats.prefs_bytes, scan.best_cpu);
            let config = mb_per_cpu_second(stats.config_bytes, scan.best_cpu);
            let _ = writeln!(
                report,
                "  scan{suffix}, end to end per core: {} of prefs.js (goal >= {PREFS_PER_CORE_GOAL:.0}: \
                 {}), {} of all mail configuration",
                rate(prefs),
                verdict(prefs.is_some_and(|r| r >= PREFS_PER_CORE_GOAL)),
                rate(config),
            );
        }
    }
    if binaries.before.is_some() {
        for command in [SCAN, CHECK] {
            let (Some(after), Some(before)) =
                (find(command), find(&format!("{command}{}", super::BEFORE)))
            else {
                continue;
            };
            let _ = writeln!(
                report,
                "  {command}: after / before: wall {}, cpu {}, peak RSS {}",
                times(quotient(after.best, before.best)),
                times(quotient(after.best_cpu, before.best_cpu)),
                times(after.peak_kb.zip(before.peak_kb).map(|(a, b)| a as f64 / b as f64)),
            );
        }
    }
}

fn quotient(a: Option<Duration>, b: Option<Duration>) -> Option<f64> {
    let (a, b) = (a?, b?);
    (!b.is_zero()).then(|| a.as_secs_f64() / b.as_secs_f64())
}

fn mb_per_cpu_second(bytes: u64, cpu: Option<Duration>) -> Option<f64> {
    let cpu = cpu?.as_secs_f64();
    (cpu > 0.0).then(|| bytes as f64 / 1e6 / cpu)
}

fn times(ratio: Option<f64>) -> String {
    ratio.map_or("-".to_owned(), |r| format!("{r:.2}x"))
}

fn rate(rate: Option<f64>) -> String {
    rate.map_or("-".to_owned(), |r| format!("{r:.0} MB/s"))
}

fn verdict(met: bool) -> &'static str {
    if met { "met" } else { "NOT met" }
}
