//! `--scale N,N,...`: `maillint scan` over real-size trees of several numbers of homes, to show
//! that its peak memory does not grow with the number of homes (issue 19: 20,000 homes within
//! 1.5x of 2,000) and that its time grows linearly (CPU per home stays the same).
//!
//! Each number of homes gets its own tree (the timed tree is reused when it has that many
//! homes and the same noise), generated, scanned once per binary, and removed before the
//! next, so the disk holds one tree at a time: 20,000 real homes are about 4.5 GB with 40
//! noise files each, much less with `--scale-noise 4` (scan does not read noise files).

use std::fmt::Write as _;
use std::path::Path;
use std::time::Duration;

use super::measure::{MemoryProbe, Row, measure, megabytes};
use super::tree::Shape;
use super::{Binaries, SCAN, generate_logged, scan_command};

/// What to measure.
pub struct Plan<'a> {
    /// The numbers of homes, ascending.
    pub homes: &'a [usize],
    /// Noise files per home.
    pub noise: usize,
    /// The folder the trees are generated in.
    pub tree: &'a Path,
    /// Keep the trees (`--keep`).
    pub keep: bool,
}

/// One binary's scan at one number of homes.
struct Point {
    peak_kb: Option<u64>,
    cpu: Option<Duration>,
    wall: Duration,
}

/// Measures every number of homes and writes the table. `timed`: the number of homes, the
/// noise and the rows of the timed real-size tree, reused where they match.
pub fn run(
    report: &mut String,
    binaries: &Binaries,
    plan: &Plan<'_>,
    timed: Option<(usize, usize, &[Row])>,
    memory: &MemoryProbe,
) -> Result<(), String> {
    let each = binaries.each();
    let mut points: Vec<(usize, Vec<Point>)> = Vec::new();
    for &homes in plan.homes {
        let reused =
            timed.filter(|&(h, noise, _)| h == homes && noise == plan.noise).map(|(_, _, rows)| {
                each.iter()
                    .filter_map(|(_, suffix)| {
                        rows.iter().find(|r| r.name == format!("{SCAN}{suffix}"))
                    })
                    .map(|row| Point {
                        peak_kb: row.peak_kb,
                        cpu: row.best_cpu,
                        wall: row.best.unwrap_or_default(),
                    })
                    .collect::<Vec<_>>()
            });
        let measured = match reused {
            Some(points) if points.len() == each.len() => points,
            _ => {
                let dir = plan.tree.join(format!("scale-{homes}"));
                generate_logged(&dir, homes, plan.noise, Shape::Real)?;
                let mut measured = Vec::new();
                for (maillint, _) in &each {
                    let run = measure(scan_command(maillint, &dir), memory, true)?;
                    measured.push(Point { peak_kb: run.peak_kb, cpu: run.cpu, wall: run.time });
                }
                if !plan.keep {
                    let _ = std::fs::remove_dir_all(&dir);
                }
                measured
            }
        };
        points.push((homes, measured));
    }
    write_table(report, &each, &points, plan.noise, memory);
    Ok(())
}

fn write_table(
    report: &mut String,
    each: &[(&Path, &'static str)],
    points: &[(usize, Vec<Point>)],
    noise: usize,
    memory: &MemoryProbe,
) {
    let _ = writeln!(
        report,
        "\nmaillint scan by number of homes (real-size homes, {noise} noise files each; peak \
         memory: {}; cpu: user + system):",
        memory.describe()
    );
    let _ = writeln!(
        report,
        "{:<30} {:>8} {:>11} {:>9} {:>9} {:>12}",
        "binary", "homes", "peak RSS", "wall", "cpu", "cpu µs/home"
    );
    for (index, (_, suffix)) in each.iter().enumerate() {
        for (homes, measured) in points {
            let point = &measured[index];
            let _ = writeln!(
                report,
                "{:<30} {homes:>8} {:>11} {:>7.2} s {:>9} {:>12}",
                format!("maillint{suffix}"),
                point.peak_kb.map_or("-".to_owned(), |kb| megabytes(kb * 1024)),
                point.wall.as_secs_f64(),
                point.cpu.map_or("-".to_owned(), |c| format!("{:.2} s", c.as_secs_f64())),
                per_home(point, *homes).map_or("-".to_owned(), |us| format!("{us:.0}")),
            );
        }
        let (Some((few, first)), Some((many, last))) = (points.first(), points.last()) else {
            continue;
        };
        if few == many {
            continue;
        }
        let (first, last) = (&first[index], &last[index]);
        let rss = last.peak_kb.zip(first.peak_kb).map(|(l, f)| l as f64 / f as f64);
        let cpu = per_home(last, *many).zip(per_home(first, *few)).map(|(l, f)| l / f);
        let _ = writeln!(
            report,
            "  maillint{suffix}, {many} homes over {few}: peak RSS {} (goal <= 1.50x: {}), cpu \
             per home {} (linear time: about 1.00x)",
            ratio(rss),
            if rss.is_some_and(|r| r <= 1.5) { "met" } else { "NOT met" },
            ratio(cpu),
        );
    }
}

/// CPU microseconds per home.
fn per_home(point: &Point, homes: usize) -> Option<f64> {
    point.cpu.map(|cpu| cpu.as_secs_f64() * 1e6 / homes.max(1) as f64)
}

fn ratio(value: Option<f64>) -> String {
    value.map_or("-".to_owned(), |r| format!("{r:.2}x"))
}
