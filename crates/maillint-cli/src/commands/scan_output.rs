//! `scan`'s output side: the formats, `-o`, `--summary-only`, `--statistics`, and the scan
//! report ([`maillint_report::fleet`]) that every summary is printed from.
//!
//! The run loop (`scan.rs`) asks [`Plan::home`] to render each home on the worker that linted
//! it, and hands the results to [`ScanOutput::take`] in scan order; [`ScanOutput::finish`]
//! writes what needs every home (one-document formats, the report, the summary). Formats that
//! are a sequence of independent pieces (full, concise, json-lines, github) are written as each
//! home is done, so memory does not grow with the number of homes; the others keep what they
//! need (SARIF and JUnit the reports, report-json each finding's JSON). The report keeps a row
//! per user only when it is the output (report-json, html); otherwise it keeps what the summary
//! prints ([`ReportBuilder::summary`]), which does not grow with the homes either.

use std::fs::File;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use clap::{Args, ValueEnum};
use maillint_core::RuleMeta;
use maillint_engine::UnitReport;
use maillint_report::baseline::{self, Baseline, BaselineKey, Owner};
use maillint_report::fleet::model::BaselineTotals;
use maillint_report::fleet::{
    self, HomeInput, ProblemRow, ReportBuilder, ReportOptions, ScanReport,
};
use maillint_report::scan::{self as render, JsonArray};
use maillint_report::statistics::{self, RuleStatistic};
use maillint_report::{OutputFormat, RenderOptions, escape::Line};
use maillint_scan::{HomeReport, Problem};

use crate::args::BaselineArgs;

/// Output formats of `scan`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ScanOutputFormat {
    /// A header per user, then graphical reports with the source snippet (default).
    Full,
    /// One line per finding: `[user/client] path:line:col: severity[code/name] message`.
    Concise,
    /// One JSON array; each object has `user` and `client`.
    Json,
    /// One JSON object per line; each has `user` and `client`.
    JsonLines,
    /// GitHub Actions workflow annotations.
    Github,
    /// SARIF 2.1.0 (GitHub code scanning and other dashboards).
    Sarif,
    /// JUnit XML (CI test reports).
    Junit,
    /// The scan report as one JSON document: totals, users, servers, rules, problems and the
    /// findings (schema: docs/schemas/scan-report.schema.json).
    ReportJson,
    /// One CSV row per finding (user, client, path, line, column, severity, code, rule,
    /// message, and the account, protocol, host and port it is about), for a spreadsheet.
    Csv,
    /// The scan report as one self-contained HTML page (charts, sortable tables, each
    /// finding with its explanation and fix); use with `-o report.html`.
    Html,
}

impl ScanOutputFormat {
    /// Whether the format is meant for people: the summary ends it, on the same stream.
    fn is_human(self) -> bool {
        matches!(self, ScanOutputFormat::Full | ScanOutputFormat::Concise)
    }
}

/// What `scan` writes and where.
#[derive(Debug, Args)]
pub struct ScanOutputArgs {
    /// How to print findings.
    #[arg(long, value_enum, default_value_t = ScanOutputFormat::Full)]
    pub output_format: ScanOutputFormat,

    /// Write the output to FILE instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output_file: Option<PathBuf>,

    /// Print the report without the findings: the summary (full, concise), or report-json
    /// without its `findings`.
    #[arg(long)]
    pub summary_only: bool,

    /// Print how many findings each rule produced instead of the findings.
    #[arg(long, conflicts_with = "summary_only")]
    pub statistics: bool,

    /// Print the findings and errors only: no summary at the end, no notices.
    #[arg(long, short = 'q', conflicts_with_all = ["summary_only", "statistics"])]
    pub quiet: bool,

    /// `--baseline` and `--write-baseline`.
    #[command(flatten)]
    pub baseline: BaselineArgs,
}

/// How every home is rendered; decided once, used on every worker.
#[derive(Clone, Debug)]
pub struct Plan {
    format: ScanOutputFormat,
    options: RenderOptions,
    report: ReportOptions,
    summary_only: bool,
    statistics: bool,
    /// `--quiet`: no summary, no notices.
    quiet: bool,
    /// `--baseline`: the known findings, removed from each home before anything counts them.
    baseline: Option<Arc<Baseline>>,
    /// `--write-baseline`: every home's finding keys are kept.
    write_baseline: Option<PathBuf>,
}

/// One home's output, made on the worker thread.
pub struct HomeOutput {
    /// The home's part of the report.
    part: ScanReport,
    rendered: Rendered,
    /// The keys of its findings, for `--write-baseline`.
    keys: Vec<BaselineKey>,
}

/// One home's findings as the format needs them.
enum Rendered {
    /// Text to write as it is.
    Text(Vec<u8>),
    /// JSON array items, each already indented; separators are written in order.
    JsonItems(Vec<Vec<u8>>),
    /// Reports kept for a one-document format (SARIF, JUnit).
    Kept(Vec<UnitReport>),
    /// Nothing to write per home.
    Nothing,
}

impl Plan {
    /// The plan for these arguments. `color`: colour is wanted on standard output.
    pub fn new(args: &ScanOutputArgs, color: bool, verified: bool) -> Result<Plan, String> {
        let summary_formats = [
            ScanOutputFormat::Full,
            ScanOutputFormat::Concise,
            ScanOutputFormat::ReportJson,
            ScanOutputFormat::Html,
        ];
        if args.summary_only && !summary_formats.contains(&args.output_format) {
            return Err(
                "--summary-only goes with --output-format full, concise, report-json or html \
                        (the other formats are lists of findings)"
                    .to_owned(),
            );
        }
        let baseline = match &args.baseline.baseline {
            Some(path) => Some(Arc::new(Baseline::read(path).map_err(|e| e.to_string())?)),
            None => None,
        };
        Ok(Plan {
            format: args.output_format,
            options: RenderOptions { color: color && args.output_file.is_none() },
            report: ReportOptions { findings: false, verified },
            summary_only: args.summary_only,
            quiet: args.quiet,
            statistics: args.statistics,
            baseline,
            write_baseline: args.baseline.write_baseline.clone(),
        })
    }

    /// Renders one home on the worker that linted it.
    pub fn home(&self, mut report: HomeReport) -> HomeOutput {
        let (keys, known) = self.apply_baseline(&mut report);
        // The report's findings are rendered below, as the format's own pieces.
        let mut part = ScanReport::of_home(&input(&report), self.report);
        if self.baseline.is_some() {
            part.baseline = Some(BaselineTotals { known, fixed: 0 });
        }
        let rendered = if self.summary_only || self.statistics {
            Rendered::Nothing
        } else {
            // Writing into memory does not fail, nor does serialising these types; should it
            // ever, the output says so in place of the home's findings.
            self.render(report).unwrap_or_else(|(home, error)| {
                Rendered::Text(
                    format!(
                        "maillint: error: the findings of {} could not be rendered: {}\n",
                        Line(home.display()),
                        Line(error)
                    )
                    .into_bytes(),
                )
            })
        };
        HomeOutput { part, rendered, keys }
    }

    /// Keeps the keys of the home's findings (`--write-baseline`), then removes the ones the
    /// baseline knows (`--baseline`); returns the keys and how many were removed.
    fn apply_baseline(&self, report: &mut HomeReport) -> (Vec<BaselineKey>, usize) {
        let owner = Owner { user: Some(&report.home.user), home: Some(&report.home.path) };
        let mut keys = Vec::new();
        if self.write_baseline.is_some() {
            for unit in &report.units {
                keys.extend(baseline::keys_of(owner, &unit.report));
            }
        }
        let mut known = 0;
        if let Some(baseline) = &self.baseline {
            for unit in &mut report.units {
                known += baseline.remove_known(owner, &mut unit.report);
            }
        }
        (keys, known)
    }

    fn render(&self, report: HomeReport) -> Result<Rendered, (PathBuf, io::Error)> {
        let fail = |e| (report.home.path.clone(), e);
        let user = report.home.user.as_str();
        let units = || report.units.iter().map(|u| &u.report);
        let mut text = Vec::new();
        match self.format {
            ScanOutputFormat::Full => {
                if report.findings() > 0 {
                    render::user_header(user, &report.home.path, &mut text, self.options)
                        .map_err(fail)?;
                    for unit in units() {
                        render::full(user, unit, &mut text, self.options).map_err(fail)?;
                    }
                }
            }
            ScanOutputFormat::Concise => {
                for unit in units() {
                    render::concise(user, unit, &mut text).map_err(fail)?;
                }
            }
            ScanOutputFormat::JsonLines => {
                for unit in units() {
                    render::json_lines(user, unit, &mut text).map_err(fail)?;
                }
            }
            ScanOutputFormat::Github => {
                let units: Vec<&UnitReport> = units().collect();
                for unit in units {
                    maillint_report::github::render(std::slice::from_ref(unit), &mut text)
                        .map_err(fail)?;
                }
            }
            ScanOutputFormat::Json | ScanOutputFormat::ReportJson | ScanOutputFormat::Html => {
                let mut items = Vec::new();
                for unit in units() {
                    for item in render::json_diagnostics(user, unit) {
                        let mut bytes = Vec::new();
                        if self.format == ScanOutputFormat::Json {
                            JsonArray::item(&item, &mut bytes).map_err(fail)?;
                        } else {
                            bytes.extend_from_slice(b"    ");
                            serde_json::to_writer(&mut bytes, &item).map_err(|e| fail(e.into()))?;
                        }
                        items.push(bytes);
                    }
                }
                return Ok(Rendered::JsonItems(items));
            }
            ScanOutputFormat::Csv => {
                for unit in units() {
                    maillint_report::csv::rows(user, unit, &mut text).map_err(fail)?;
                }
            }
            ScanOutputFormat::Sarif | ScanOutputFormat::Junit => {
                return Ok(Rendered::Kept(report.units.into_iter().map(|u| u.report).collect()));
            }
        }
        Ok(Rendered::Text(text))
    }
}

/// A home as the report crate takes it.
fn input(report: &HomeReport) -> HomeInput<'_> {
    HomeInput {
        user: &report.home.user,
        home: &report.home.path,
        units: report.units.iter().map(|u| (u.client.as_str(), &u.report)).collect(),
        files_read: report.files_read,
        problems: report.problems.iter().map(problem_row).collect(),
    }
}

/// A problem as a report row.
pub fn problem_row(problem: &Problem) -> ProblemRow {
    ProblemRow {
        host: None,
        user: problem.user.clone(),
        path: problem.path.display().to_string(),
        kind: problem.kind.label().to_owned(),
        message: problem.kind.to_string(),
    }
}

/// The output of one scan while homes come in.
pub struct ScanOutput {
    plan: Plan,
    out: Box<dyn Write>,
    builder: ReportBuilder,
    array: JsonArray,
    kept: Vec<UnitReport>,
    findings: Vec<Vec<u8>>,
    keys: Vec<BaselineKey>,
}

impl ScanOutput {
    /// Opens `--output-file` (or standard output).
    pub fn open(plan: Plan, path: Option<&Path>) -> Result<Self, String> {
        let out: Box<dyn Write> = match path {
            None => Box::new(io::BufWriter::new(io::stdout())),
            Some(path) => File::create(path)
                .map(|f| Box::new(io::BufWriter::new(f)) as Box<dyn Write>)
                .map_err(|e| format!("--output-file {}: {e}", path.display()))?,
        };
        let builder = match plan.format {
            _ if plan.statistics => ReportBuilder::summary(plan.report),
            ScanOutputFormat::ReportJson => ReportBuilder::new(plan.report),
            ScanOutputFormat::Html => ReportBuilder::page(plan.report),
            _ => ReportBuilder::summary(plan.report),
        };
        let mut out = out;
        if plan.format == ScanOutputFormat::Csv && !plan.statistics {
            maillint_report::csv::header(&mut out).map_err(|e| e.to_string())?;
        }
        Ok(ScanOutput {
            plan,
            out,
            builder,
            array: JsonArray::new(),
            kept: Vec::new(),
            findings: Vec::new(),
            keys: Vec::new(),
        })
    }

    /// Takes the next home in scan order: adds it to the report and writes what can be. What
    /// is written is flushed at once, so that a reader of a pipe (`| jq`, a log shipper) gets
    /// each home's findings when the home is done, not when a buffer happens to fill.
    pub fn take(&mut self, home: HomeOutput) -> io::Result<()> {
        self.builder.add(home.part, None);
        self.keys.extend(home.keys);
        match home.rendered {
            Rendered::Text(bytes) if !bytes.is_empty() => {
                self.out.write_all(&bytes)?;
                self.out.flush()?;
            }
            Rendered::JsonItems(items)
                if self.plan.format == ScanOutputFormat::Json && !items.is_empty() =>
            {
                self.array.write_items(items.iter().map(Vec::as_slice), &mut self.out)?;
                self.out.flush()?;
            }
            Rendered::JsonItems(items) if self.plan.format != ScanOutputFormat::Json => {
                self.findings.extend(items);
            }
            Rendered::Kept(units) => self.kept.extend(units),
            Rendered::Text(_) | Rendered::JsonItems(_) | Rendered::Nothing => {}
        }
        Ok(())
    }

    /// Flushes what was written so far (before the progress bar is drawn again).
    pub fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }

    /// Writes what needs every home, then the summary, and returns the report. `problems`: the
    /// ones met outside any home; `rules`: every registered rule (SARIF lists them all).
    pub fn finish(
        mut self,
        problems: &[Problem],
        rules: &[Arc<RuleMeta>],
    ) -> io::Result<ScanReport> {
        self.builder.add_problems(problems.iter().map(problem_row));
        let (mut report, digest) = self.builder.finish_with_digest();
        if let Some(baseline) = &self.plan.baseline {
            report.baseline.get_or_insert_default().fixed = baseline.fixed();
        }
        if let Some(path) = &self.plan.write_baseline {
            let written =
                baseline::write(path, std::mem::take(&mut self.keys)).map_err(io::Error::other)?;
            if !self.plan.quiet {
                eprintln!(
                    "maillint: wrote the baseline {} ({written} findings)",
                    Line(path.display())
                );
            }
        }
        let (format, options) = (self.plan.format, self.plan.options);
        let out = &mut self.out;
        if self.plan.statistics {
            write_statistics(&report, format, options.color, out)?;
        } else {
            match format {
                ScanOutputFormat::Json => std::mem::take(&mut self.array).finish(out)?,
                ScanOutputFormat::ReportJson => {
                    let findings = (!self.plan.summary_only).then_some(self.findings.as_slice());
                    write_report_json(&report, findings, out)?;
                }
                ScanOutputFormat::Html => {
                    if !self.plan.summary_only {
                        report.findings = Some(parse_findings(&self.findings)?);
                    }
                    fleet::html::render_with(&report, &digest, out)?;
                    report.findings = None;
                }
                ScanOutputFormat::Sarif | ScanOutputFormat::Junit => {
                    let format = if format == ScanOutputFormat::Sarif {
                        OutputFormat::Sarif
                    } else {
                        OutputFormat::Junit
                    };
                    maillint_report::render_with_rules(format, &self.kept, rules, out, options)?;
                }
                ScanOutputFormat::Full
                | ScanOutputFormat::Csv
                | ScanOutputFormat::Concise
                | ScanOutputFormat::JsonLines
                | ScanOutputFormat::Github => {}
            }
        }
        if self.plan.quiet {
            out.flush()?;
        } else if format.is_human() {
            fleet::summary::render_with(&report, &digest, out)?;
            out.flush()?;
        } else {
            out.flush()?;
            // Machine output stays one document; a person running the command still sees the
            // summary on standard error.
            fleet::summary::render_with(&report, &digest, &mut io::stderr().lock())?;
        }
        Ok(report)
    }
}

/// The findings kept as JSON text, as values for the HTML page.
fn parse_findings(items: &[Vec<u8>]) -> io::Result<Vec<serde_json::Value>> {
    items.iter().map(|item| serde_json::from_slice(item).map_err(io::Error::other)).collect()
}

/// `--statistics`: findings per rule, from the report; JSON for the JSON formats.
fn write_statistics(
    report: &ScanReport,
    format: ScanOutputFormat,
    color: bool,
    out: &mut dyn Write,
) -> io::Result<()> {
    let mut stats: Vec<RuleStatistic> = report
        .rules
        .iter()
        .map(|rule| RuleStatistic {
            code: rule.code.clone(),
            name: rule.name.clone(),
            count: rule.counts.findings,
            fixable: rule.counts.fixable == rule.counts.findings,
            fixable_count: rule.counts.fixable,
        })
        .collect();
    // As `check --statistics`: most findings first, then by code.
    stats.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.code.cmp(&b.code)));
    match format {
        ScanOutputFormat::Json | ScanOutputFormat::JsonLines | ScanOutputFormat::ReportJson => {
            statistics::render_json(&stats, out)
        }
        _ => statistics::render_text(&stats, out, color),
    }
}

/// Writes the report as one JSON document; `findings` (each one compact JSON object, already
/// indented) become its `findings` array. Neither the document nor the findings are built into
/// one text or value in memory: the report is serialised straight to `out`, all but its closing
/// `\n}`, which the findings go before.
fn write_report_json(
    report: &ScanReport,
    findings: Option<&[Vec<u8>]>,
    out: &mut dyn Write,
) -> io::Result<()> {
    let mut body = HoldBack { out, held: Vec::new() };
    serde_json::to_writer_pretty(&mut body, report)?;
    let HoldBack { out, held } = body;
    let Some(findings) = findings else {
        out.write_all(&held)?;
        return out.write_all(b"\n");
    };
    // A pretty-printed object ends with `\n}`.
    if held != CLOSING_BRACE {
        out.write_all(&held)?;
    }
    out.write_all(b",\n  \"findings\": [")?;
    for (i, item) in findings.iter().enumerate() {
        out.write_all(if i == 0 { b"\n" } else { b",\n" })?;
        out.write_all(item)?;
    }
    out.write_all(if findings.is_empty() { b"]\n}\n" } else { b"\n  ]\n}\n" })
}

/// How a pretty-printed JSON object ends.
const CLOSING_BRACE: &[u8] = b"\n}";

/// Passes on everything written to it but the last [`CLOSING_BRACE`]`.len()` bytes, which it
/// holds until the end.
struct HoldBack<'a> {
    out: &'a mut dyn Write,
    held: Vec<u8>,
}

impl Write for HoldBack<'_> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        self.held.extend_from_slice(buf);
        if let Some(ready) = self.held.len().checked_sub(CLOSING_BRACE.len())
            && ready > 0
        {
            self.out.write_all(&self.held[..ready])?;
            self.held.drain(..ready);
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }
}
