//! `maillint report merge A.json B.json …`: the scan reports of many hosts (each written by
//! `scan --output-format report-json`) as one report, every row marked with its host, in any
//! of the report's formats.
//!
//! The host of a report is its own `host` field when it has one, else the file's name without
//! its extension (`web1.json` is web1's: what Ansible's `fetch` writes). Adding up is the same
//! [`ReportBuilder`] a scan adds its homes with.

use std::collections::BTreeSet;
use std::fs::File;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use clap::{Args, Subcommand, ValueEnum};
use maillint_report::escape::Line;
use maillint_report::fleet::model::REPORT_VERSION;
use maillint_report::fleet::{self, ReportBuilder, ReportOptions, ScanReport};

use crate::ExitStatus;

/// `maillint report …`.
#[derive(Debug, Subcommand)]
pub enum ReportCommand {
    /// Merge the scan reports (report-json) of many hosts into one, with the host as a column.
    Merge(MergeArgs),
}

/// What `report merge` writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum MergeFormat {
    /// The merged report as one JSON document (the same schema as a scan's).
    ReportJson,
    /// The merged report as one self-contained HTML page.
    Html,
    /// The one-screen text summary.
    Summary,
    /// The findings as one JSON array, each with its `host` and `user`.
    Json,
    /// The findings, one JSON object per line.
    JsonLines,
}

/// Arguments of `report merge`.
#[derive(Debug, Args)]
pub struct MergeArgs {
    /// The reports, one per host.
    #[arg(required = true, value_name = "REPORT")]
    pub reports: Vec<PathBuf>,

    /// What to write.
    #[arg(long, value_enum, default_value_t = MergeFormat::ReportJson)]
    pub output_format: MergeFormat,

    /// Write to FILE instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output_file: Option<PathBuf>,
}

/// Runs `report …`.
pub fn run(command: ReportCommand) -> io::Result<ExitStatus> {
    let ReportCommand::Merge(args) = command;
    let merged = match merge(&args.reports) {
        Ok(merged) => merged,
        Err(message) => {
            eprintln!("maillint: error: {}", Line(&message));
            return Ok(ExitStatus::Error);
        }
    };
    let mut out: Box<dyn Write> = match &args.output_file {
        None => Box::new(io::BufWriter::new(io::stdout())),
        Some(path) => match File::create(path) {
            Ok(file) => Box::new(io::BufWriter::new(file)),
            Err(e) => {
                eprintln!("maillint: error: --output-file {}: {}", Line(path.display()), Line(e));
                return Ok(ExitStatus::Error);
            }
        },
    };
    write(&merged, args.output_format, &mut out)?;
    out.flush()?;
    Ok(ExitStatus::Success)
}

fn write(report: &ScanReport, format: MergeFormat, out: &mut dyn Write) -> io::Result<()> {
    let findings = report.findings.as_deref().unwrap_or_default();
    match format {
        MergeFormat::ReportJson => {
            serde_json::to_writer_pretty(&mut *out, report)?;
            writeln!(out)
        }
        MergeFormat::Html => fleet::html::render(report, out),
        MergeFormat::Summary => fleet::summary::render(report, out),
        MergeFormat::Json => {
            serde_json::to_writer_pretty(&mut *out, findings)?;
            writeln!(out)
        }
        MergeFormat::JsonLines => findings.iter().try_for_each(|finding| {
            serde_json::to_writer(&mut *out, finding)?;
            writeln!(out)
        }),
    }
}

/// Reads and adds up the reports; an error names the file (and the line and column of bad
/// JSON).
fn merge(paths: &[PathBuf]) -> Result<ScanReport, String> {
    let mut reports = Vec::new();
    for path in paths {
        reports.push(read(path)?);
    }
    let options = ReportOptions {
        findings: reports.iter().all(|(_, r)| r.findings.is_some()),
        verified: reports.iter().any(|(_, r)| r.verified),
    };
    let mut hosts = BTreeSet::new();
    let mut builder = ReportBuilder::new(options);
    for (path, report) in reports {
        let host = report.host.clone().unwrap_or_else(|| host_of(path));
        if !hosts.insert(host.clone()) {
            return Err(format!(
                "{}: a second report of host {host}; name each host's report after it",
                path.display()
            ));
        }
        builder.add(report, Some(&host));
    }
    Ok(builder.finish())
}

fn read(path: &Path) -> Result<(&Path, ScanReport), String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    let report: ScanReport = serde_json::from_str(&text).map_err(|e| {
        format!(
            "{}:{}:{}: not a scan report (scan --output-format report-json): {e}",
            path.display(),
            e.line(),
            e.column()
        )
    })?;
    if report.version != REPORT_VERSION {
        return Err(format!(
            "{}: report version {} is not one this maillint reads ({REPORT_VERSION})",
            path.display(),
            report.version
        ));
    }
    Ok((path, report))
}

/// The host a report file is named after: its name without the extension.
fn host_of(path: &Path) -> String {
    path.file_stem()
        .map_or_else(|| path.display().to_string(), |s| s.to_string_lossy().into_owned())
}
