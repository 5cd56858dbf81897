//! `sarif`: SARIF 2.1.0 for GitHub code scanning and other security dashboards.
//!
//! Hand-rolled serde structs covering only the fields maillint writes (as ruff's
//! `message/sarif.rs` and zizmor's `zizmor-sarif` do, rather than the generated `serde-sarif`
//! types). What GitHub reads is listed in `shared/reference/linter-conventions.md` section 10:
//!
//! * `tool.driver.rules` lists every registered rule (not only those that fired), each with its
//!   code as `id`, its kebab-case `name`, short and full descriptions (GitHub caps both at 1,024
//!   characters), the Markdown documentation as `help`, and the default level.
//! * Each result has `ruleId`, `ruleIndex`, `level`, `message`, one location (a
//!   repository-relative URI when the path is relative), the labels as `relatedLocations`, fixes
//!   with their edits, and `partialFingerprints.primaryLocationLineHash`.
//! * The fingerprint is a hash of the rule code, the file's URI and the text of the finding's
//!   line (trimmed, secrets masked), plus the occurrence index of that hash in the file. It does
//!   not contain the line number, so an alert survives lines being added above it.
//! * Findings that say a file could not be read or parsed (`parse-error`, `io-error`) go to a
//!   second run, `maillint-errors`, so that dashboards do not mix "could not check" with
//!   "found a problem" (tflint's `tflint-errors` run). That run is always present: an empty one
//!   closes the alerts of errors that were fixed.
//!
//! Columns count Unicode code points, which the runs declare with `columnKind`.

use std::collections::{BTreeMap, HashMap};
use std::io::{self, Write};
use std::sync::Arc;

use maillint_core::builtin::{IoError, ParseError};
use maillint_core::{Applicability, Diagnostic, EndpointFacts, RuleMeta, Severity, Sources, Span};
use maillint_engine::UnitReport;
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::location::Location;
use crate::redact;

/// The schema URI GitHub's documentation uses.
pub const SCHEMA_URI: &str = "https://json.schemastore.org/sarif-2.1.0.json";
/// Name of the run that holds findings.
pub const TOOL_NAME: &str = "maillint";
/// Name of the run that holds "could not read or parse" errors.
pub const ERRORS_TOOL_NAME: &str = "maillint-errors";
/// GitHub's limit for `name` (sarif-support-for-code-scanning.md).
const NAME_LIMIT: usize = 255;
/// GitHub's limit for `shortDescription.text` and `fullDescription.text`.
const DESCRIPTION_LIMIT: usize = 1024;

/// A SARIF log.
#[derive(Debug, Serialize)]
pub struct SarifLog {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    /// The runs: findings, then errors.
    pub runs: Vec<Run>,
}

/// One run of one tool.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Run {
    tool: Tool,
    column_kind: &'static str,
    /// The results, in the order of the diagnostics.
    pub results: Vec<SarifResult>,
}

#[derive(Debug, Serialize)]
struct Tool {
    driver: Driver,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver {
    name: &'static str,
    version: &'static str,
    semantic_version: &'static str,
    rules: Vec<ReportingDescriptor>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct ReportingDescriptor {
    id: String,
    name: String,
    short_description: Message,
    full_description: Message,
    help: MultiformatMessage,
    default_configuration: Configuration,
    properties: RuleProperties,
}

#[derive(Debug, Serialize)]
struct RuleProperties {
    tags: Vec<String>,
}

#[derive(Debug, Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Debug, Serialize)]
struct Message {
    text: String,
}

#[derive(Debug, Serialize)]
struct MultiformatMessage {
    text: String,
    markdown: String,
}

/// One finding.
#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SarifResult {
    /// The rule's code.
    pub rule_id: String,
    /// Index of the rule in the run's `tool.driver.rules`.
    pub rule_index: usize,
    level: &'static str,
    message: Message,
    locations: Vec<SarifLocation>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related_locations: Vec<SarifLocation>,
    /// `primaryLocationLineHash` → `hash:occurrence`.
    pub partial_fingerprints: BTreeMap<&'static str, String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    fixes: Vec<SarifFix>,
    /// The endpoint the finding is about (account, protocol, host, port, security), as a
    /// SARIF property bag (issue 20: reports group findings by server).
    #[serde(skip_serializing_if = "Option::is_none")]
    properties: Option<EndpointFacts>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifLocation {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<usize>,
    physical_location: PhysicalLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<Message>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    region: Region,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactLocation {
    uri: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    uri_base_id: Option<&'static str>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: u32,
    start_column: u32,
    end_line: u32,
    end_column: u32,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifFix {
    description: Message,
    artifact_changes: Vec<ArtifactChange>,
    properties: FixProperties,
}

#[derive(Debug, Serialize)]
struct FixProperties {
    /// `safe`, `unsafe` or `display-only`: which maillint option applies the fix.
    applicability: &'static str,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactChange {
    artifact_location: ArtifactLocation,
    replacements: Vec<Replacement>,
}

#[derive(Debug, Serialize)]
#[serde(rename_all = "camelCase")]
struct Replacement {
    deleted_region: Region,
    inserted_content: Message,
}

/// SARIF's level for a severity (`note` is SARIF's name for information).
fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// Whether a diagnostic belongs in the errors run.
fn is_error(d: &Diagnostic) -> bool {
    d.rule.name == ParseError::metadata().name || d.rule.name == IoError::metadata().name
}

/// At most `limit` characters, cut at a character boundary with `…` marking the cut.
fn truncate(text: &str, limit: usize) -> String {
    if text.chars().count() <= limit {
        return text.to_owned();
    }
    let mut out: String = text.chars().take(limit - 1).collect();
    out.push('…');
    out
}

/// The prose of the documentation's first section ("What it does"), without headings.
fn first_section(doc: &str) -> String {
    let mut lines = Vec::new();
    let mut seen_text = false;
    for line in doc.lines() {
        let trimmed = line.trim();
        if trimmed.starts_with('#') {
            if seen_text {
                break;
            }
            continue;
        }
        if trimmed.is_empty() && !seen_text {
            continue;
        }
        seen_text = true;
        lines.push(trimmed);
    }
    // One paragraph of plain text: the doc's hard line breaks are source formatting only.
    lines.join(" ").trim().to_owned()
}

fn descriptor(meta: &RuleMeta) -> ReportingDescriptor {
    let short = if meta.summary.is_empty() { meta.name.clone() } else { meta.summary.clone() };
    let full = match first_section(&meta.doc) {
        s if s.is_empty() => short.clone(),
        s => s,
    };
    let doc = if meta.doc.trim().is_empty() { short.clone() } else { meta.doc.clone() };
    ReportingDescriptor {
        id: meta.code.clone(),
        name: truncate(&meta.name, NAME_LIMIT),
        short_description: Message { text: truncate(&short, DESCRIPTION_LIMIT) },
        full_description: Message { text: truncate(&full, DESCRIPTION_LIMIT) },
        help: MultiformatMessage { text: doc.clone(), markdown: doc },
        default_configuration: Configuration { level: level(meta.severity) },
        properties: RuleProperties { tags: vec![meta.group.clone()] },
    }
}

/// The rules of one run and where each code sits in the list.
struct RuleTable {
    descriptors: Vec<ReportingDescriptor>,
    index: HashMap<String, usize>,
}

impl RuleTable {
    fn new<'a>(metas: impl IntoIterator<Item = &'a Arc<RuleMeta>>) -> Self {
        let mut table = RuleTable { descriptors: Vec::new(), index: HashMap::new() };
        for meta in metas {
            table.index_of(meta);
        }
        table
    }

    /// The index of a rule, adding it when the caller's list lacked it (a rule reported by a
    /// component that was not registered must still resolve to a descriptor).
    fn index_of(&mut self, meta: &RuleMeta) -> usize {
        if let Some(&i) = self.index.get(&meta.code) {
            return i;
        }
        self.descriptors.push(descriptor(meta));
        self.index.insert(meta.code.clone(), self.descriptors.len() - 1);
        self.descriptors.len() - 1
    }
}

/// Characters kept as they are in a URI path: RFC 3986 unreserved characters, `/`, and the
/// sub-delimiters other than `:` (which would look like a scheme in a relative reference).
fn keep_in_uri(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b"-._~/!$&'()*+,;=@".contains(&b)
}

fn percent_encode(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for &b in path.as_bytes() {
        if keep_in_uri(b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// The artifact location of a path: a `file://` URI when absolute, otherwise a relative
/// reference against `%SRCROOT%` (GitHub resolves it against the repository root) without
/// leading `./`, so `maillint check .` and `maillint check prefs.js` give the same URI.
fn artifact_location(path: &str) -> ArtifactLocation {
    let path = if cfg!(windows) { path.replace('\\', "/") } else { path.to_owned() };
    let bytes = path.as_bytes();
    let windows_drive =
        bytes.len() >= 3 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':' && bytes[2] == b'/';
    if windows_drive {
        let uri = format!("file:///{}:{}", &path[..1], percent_encode(&path[2..]));
        return ArtifactLocation { uri, uri_base_id: None };
    }
    if path.starts_with('/') {
        return ArtifactLocation {
            uri: format!("file://{}", percent_encode(&path)),
            uri_base_id: None,
        };
    }
    let mut relative = path.as_str();
    while let Some(rest) = relative.strip_prefix("./") {
        relative = rest.trim_start_matches('/');
    }
    ArtifactLocation { uri: percent_encode(relative), uri_base_id: Some("%SRCROOT%") }
}

fn region(sources: &Sources, span: Span) -> Region {
    let loc = Location::of(sources, span);
    Region {
        start_line: loc.line,
        start_column: loc.column,
        end_line: loc.end_line,
        end_column: loc.end_column,
    }
}

/// The first 16 hex digits of SHA-256 over the rule code, the URI and the line's text.
pub(crate) fn line_hash(code: &str, uri: &str, line_text: &str) -> String {
    let mut hasher = Sha256::new();
    for part in [code, uri, line_text] {
        hasher.update(part.as_bytes());
        // A separator that cannot occur in any part keeps ("ab", "c") apart from ("a", "bc").
        hasher.update([0u8]);
    }
    hasher.finalize()[..8].iter().map(|b| format!("{b:02x}")).collect()
}

/// Builds results for one unit, appending to the findings or errors run.
struct RunBuilder {
    rules: RuleTable,
    results: Vec<SarifResult>,
    occurrences: HashMap<String, usize>,
}

impl RunBuilder {
    fn push(
        &mut self,
        d: &Diagnostic,
        unit: &UnitReport,
        secrets: &[&str],
        masked: &mut [Option<String>],
    ) {
        let sources = &unit.sources;
        let path = sources.get(d.span.file).path().display().to_string();
        let artifact = artifact_location(&path);
        let start = sources.start(d.span);
        let file_text = masked[d.span.file.0 as usize]
            .get_or_insert_with(|| redact::redacted_text(sources, d.span.file, unit.secrets()));
        let line_range = sources.get(d.span.file).line_range(start.line);
        let line_text = file_text[line_range.as_range()].trim();
        let hash = line_hash(&d.rule.code, &artifact.uri, line_text);
        let occurrence = self.occurrences.entry(hash.clone()).or_insert(0);
        *occurrence += 1;

        let mut text = redact::scrub(&d.message, secrets);
        if let Some(help) = &d.help {
            text.push_str("\n\n");
            text.push_str(&redact::scrub(help, secrets));
        }
        let related_locations = d
            .labels
            .iter()
            .enumerate()
            .map(|(i, label)| SarifLocation {
                id: Some(i),
                physical_location: PhysicalLocation {
                    artifact_location: artifact_location(
                        &sources.get(label.span.file).path().display().to_string(),
                    ),
                    region: region(sources, label.span),
                },
                message: Some(Message { text: redact::scrub(&label.message, secrets) }),
            })
            .collect();
        let fixes = d
            .fix
            .iter()
            .filter(|fix| !fix.edits.is_empty())
            .map(|fix| {
                // One artifact change per file the edits touch, in the order files appear.
                let mut changes: Vec<(maillint_core::FileId, ArtifactChange)> = Vec::new();
                for edit in &fix.edits {
                    let replacement = Replacement {
                        deleted_region: region(sources, edit.span),
                        inserted_content: Message { text: redact::scrub(&edit.content, secrets) },
                    };
                    match changes.iter_mut().find(|(file, _)| *file == edit.span.file) {
                        Some((_, change)) => change.replacements.push(replacement),
                        None => changes.push((
                            edit.span.file,
                            ArtifactChange {
                                artifact_location: artifact_location(
                                    &sources.get(edit.span.file).path().display().to_string(),
                                ),
                                replacements: vec![replacement],
                            },
                        )),
                    }
                }
                SarifFix {
                    description: Message { text: redact::scrub(&fix.title, secrets) },
                    artifact_changes: changes.into_iter().map(|(_, c)| c).collect(),
                    properties: FixProperties {
                        applicability: match fix.applicability {
                            Applicability::Safe => "safe",
                            Applicability::Unsafe => "unsafe",
                            Applicability::DisplayOnly => "display-only",
                        },
                    },
                }
            })
            .collect();
        let rule_index = self.rules.index_of(&d.rule);
        self.results.push(SarifResult {
            rule_id: d.rule.code.clone(),
            rule_index,
            level: level(d.severity),
            message: Message { text },
            locations: vec![SarifLocation {
                id: None,
                physical_location: PhysicalLocation {
                    artifact_location: artifact,
                    region: region(sources, d.span),
                },
                message: None,
            }],
            related_locations,
            partial_fingerprints: BTreeMap::from([(
                "primaryLocationLineHash",
                format!("{hash}:{occurrence}"),
            )]),
            fixes,
            properties: d.endpoint.clone(),
        });
    }

    fn finish(self, name: &'static str) -> Run {
        Run {
            tool: Tool {
                driver: Driver {
                    name,
                    version: env!("CARGO_PKG_VERSION"),
                    semantic_version: env!("CARGO_PKG_VERSION"),
                    rules: self.rules.descriptors,
                },
            },
            column_kind: "unicodeCodePoints",
            results: self.results,
        }
    }
}

/// Builds the SARIF log. `rules` is every registered rule; `parse-error` and `io-error` are
/// listed in the errors run, every other rule in the findings run.
pub fn to_log(units: &[UnitReport], rules: &[Arc<RuleMeta>]) -> SarifLog {
    let error_metas = [ParseError::metadata(), IoError::metadata()];
    let is_error_meta = |m: &Arc<RuleMeta>| error_metas.iter().any(|e| e.name == m.name);
    let mut findings = RunBuilder {
        rules: RuleTable::new(rules.iter().filter(|m| !is_error_meta(m))),
        results: Vec::new(),
        occurrences: HashMap::new(),
    };
    let mut errors = RunBuilder {
        rules: RuleTable::new(error_metas),
        results: Vec::new(),
        occurrences: HashMap::new(),
    };
    for unit in units {
        let secrets = redact::secret_texts(&unit.sources, unit.secrets());
        let mut masked: Vec<Option<String>> = vec![None; unit.sources.len()];
        for d in &unit.diagnostics {
            let run = if is_error(d) { &mut errors } else { &mut findings };
            run.push(d, unit, &secrets, &mut masked);
        }
    }
    SarifLog {
        schema: SCHEMA_URI,
        version: "2.1.0",
        runs: vec![findings.finish(TOOL_NAME), errors.finish(ERRORS_TOOL_NAME)],
    }
}

/// Writes the SARIF log as pretty-printed JSON.
pub fn render(
    units: &[UnitReport],
    rules: &[Arc<RuleMeta>],
    out: &mut dyn Write,
) -> io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, &to_log(units, rules))?;
    writeln!(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::{SECRET, sample_rules, sample_units};

    fn render_sample() -> String {
        let mut out = Vec::new();
        render(&sample_units(), &sample_rules(), &mut out).unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn snapshot() {
        let text = render_sample();
        assert!(!text.contains(SECRET), "secret leaked:\n{text}");
        insta::assert_snapshot!(text);
    }

    /// The official SARIF 2.1.0 schema, vendored (see `tests/schemas/README.md`).
    const SCHEMA: &str =
        include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/schemas/sarif-2.1.0.json"));

    fn validator() -> jsonschema::Validator {
        let schema: serde_json::Value = serde_json::from_str(SCHEMA).unwrap();
        jsonschema::validator_for(&schema).expect("the vendored schema compiles")
    }

    fn schema_errors(validator: &jsonschema::Validator, log: &serde_json::Value) -> Vec<String> {
        validator.iter_errors(log).map(|e| format!("{} at {}", e, e.instance_path())).collect()
    }

    #[test]
    fn output_validates_against_the_official_schema() {
        let validator = validator();
        let log: serde_json::Value = serde_json::from_str(&render_sample()).unwrap();
        let errors = schema_errors(&validator, &log);
        assert!(
            errors.is_empty(),
            "SARIF output violates the 2.1.0 schema:\n{}",
            errors.join("\n")
        );

        // A run without findings or rules is valid too.
        let mut out = Vec::new();
        render(&[], &[], &mut out).unwrap();
        let empty: serde_json::Value = serde_json::from_slice(&out).unwrap();
        assert!(schema_errors(&validator, &empty).is_empty());
    }

    #[test]
    fn the_schema_check_catches_invalid_output() {
        // The validation above can fail: an unknown level and a missing message are rejected.
        let validator = validator();
        let mut log: serde_json::Value = serde_json::from_str(&render_sample()).unwrap();
        log["runs"][0]["results"][0]["level"] = "fatal".into();
        assert!(!schema_errors(&validator, &log).is_empty());
        let mut log: serde_json::Value = serde_json::from_str(&render_sample()).unwrap();
        log["runs"][0]["results"][0].as_object_mut().unwrap().remove("message");
        assert!(!schema_errors(&validator, &log).is_empty());
    }

    #[test]
    fn every_registered_rule_is_listed_and_errors_have_their_own_run() {
        let log: serde_json::Value = serde_json::from_str(&render_sample()).unwrap();
        let ids = |run: usize| -> Vec<String> {
            log["runs"][run]["tool"]["driver"]["rules"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r["id"].as_str().unwrap().to_owned())
                .collect()
        };
        assert_eq!(ids(0), ["P003", "X001", "X002", "X003"]);
        assert_eq!(ids(1), ["P001", "P002"]);
        assert_eq!(log["runs"][1]["tool"]["driver"]["name"], ERRORS_TOOL_NAME);
        let rule_ids = |run: usize| -> Vec<String> {
            log["runs"][run]["results"]
                .as_array()
                .unwrap()
                .iter()
                .map(|r| r["ruleId"].as_str().unwrap().to_owned())
                .collect()
        };
        assert_eq!(rule_ids(0), ["X001", "X002", "X002", "X001", "P003"]);
        assert_eq!(rule_ids(1), ["P001", "P002"]);
        // ruleIndex points at the right descriptor.
        for run in 0..2 {
            for result in log["runs"][run]["results"].as_array().unwrap() {
                let index = result["ruleIndex"].as_u64().unwrap() as usize;
                assert_eq!(
                    log["runs"][run]["tool"]["driver"]["rules"][index]["id"],
                    result["ruleId"]
                );
            }
        }
    }

    #[test]
    fn fingerprints_ignore_line_numbers_and_count_occurrences() {
        let units = sample_units();
        let log = to_log(&units, &sample_rules());
        let prints: Vec<&str> = log.runs[0]
            .results
            .iter()
            .map(|r| r.partial_fingerprints["primaryLocationLineHash"].as_str())
            .collect();
        // Results 0 and 3 are X001 on two identical lines (3 and 5): same hash, occurrences 1, 2.
        let (hash0, occ0) = prints[0].split_once(':').unwrap();
        let (hash3, occ3) = prints[3].split_once(':').unwrap();
        assert_eq!(hash0, hash3);
        assert_eq!((occ0, occ3), ("1", "2"));

        // Inserting lines above a finding changes its line number but not its fingerprint.
        let mut moved = sample_units();
        let unit = &mut moved[0];
        let text = unit.sources.get(maillint_core::FileId(0)).text().to_owned();
        let shift = "# a comment\n# another\n";
        let mut sources = Sources::new();
        sources.add(maillint_core::SourceFile::from_text("home/.muttrc", format!("{shift}{text}")));
        let move_span = |s: Span| {
            Span::new(
                s.file,
                s.range.start as usize + shift.len(),
                s.range.end as usize + shift.len(),
            )
        };
        unit.sources = sources;
        for secret in &mut unit.parsed.secrets {
            *secret = move_span(*secret);
        }
        for d in &mut unit.diagnostics {
            d.span = move_span(d.span);
            for label in &mut d.labels {
                label.span = move_span(label.span);
            }
            if let Some(fix) = &mut d.fix {
                for edit in &mut fix.edits {
                    edit.span = move_span(edit.span);
                }
            }
        }
        let moved_log = to_log(&moved, &sample_rules());
        let moved_prints: Vec<&str> = moved_log.runs[0]
            .results
            .iter()
            .map(|r| r.partial_fingerprints["primaryLocationLineHash"].as_str())
            .collect();
        assert_eq!(prints, moved_prints);
    }

    #[test]
    fn fingerprints_do_not_depend_on_the_secret() {
        // The line holding the password is masked before hashing: rotating the password does
        // not reopen alerts, and the hash cannot be used to test guesses of the password.
        let make = |secret_text: &str| {
            let mut sources = Sources::new();
            let file = sources.add(maillint_core::SourceFile::from_text(
                "m",
                format!("set imap_pass = \"{secret_text}\"\n"),
            ));
            let secret = Span::new(file, 17, 17 + secret_text.len());
            let d = Diagnostic::new(
                crate::test_support::PlaintextPassword::metadata(),
                secret,
                "stored password",
            );
            UnitReport {
                root: "m".into(),
                parser: None,
                sources,
                parsed: maillint_core::ParsedUnit { secrets: vec![secret], ..Default::default() },
                diagnostics: vec![d],
            }
        };
        let a = to_log(&[make("one-secret")], &[]);
        let b = to_log(&[make("two-secret")], &[]);
        assert_eq!(
            a.runs[0].results[0].partial_fingerprints,
            b.runs[0].results[0].partial_fingerprints
        );
    }

    #[test]
    fn uris_are_relative_to_the_source_root_or_file_uris() {
        let rel = artifact_location("./home/my mail/.muttrc");
        assert_eq!(rel.uri, "home/my%20mail/.muttrc");
        assert_eq!(rel.uri_base_id, Some("%SRCROOT%"));
        assert_eq!(artifact_location("a:b.prf").uri, "a%3Ab.prf");
        let abs = artifact_location("/home/ünï/prefs.js");
        assert_eq!(abs.uri, "file:///home/%C3%BCn%C3%AF/prefs.js");
        assert_eq!(abs.uri_base_id, None);
    }

    #[test]
    fn descriptions_respect_github_limits() {
        let long = "word ".repeat(400);
        assert_eq!(truncate(&long, DESCRIPTION_LIMIT).chars().count(), DESCRIPTION_LIMIT);
        assert_eq!(truncate("short", DESCRIPTION_LIMIT), "short");
        assert_eq!(
            first_section("## What it does\nReports X.\nAnd Y.\n\n## Why\nBecause."),
            "Reports X. And Y."
        );
    }
}
