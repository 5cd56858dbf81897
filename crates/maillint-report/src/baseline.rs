//! Baselines (`--write-baseline FILE`, `--baseline FILE`): the findings known on one day, so
//! that a later run reports only what was added since, and counts what disappeared as fixed.
//!
//! A finding is known by what survives edits of the file around it: the user (for `scan`), the
//! file (relative to the home for `scan`, as shown for `check`), the rule's code and, for a
//! finding about an endpoint, the account, protocol, host and port. Not by line or column: a
//! line added above a known finding must not make it new. Equal keys are counted, so a second
//! identical finding in the same file is new.
//!
//! The file is JSON: `{"version": 1, "tool": {...}, "findings": [{"user", "file", "rule",
//! "account", "protocol", "host", "port", "count"}]}`, sorted, so that it diffs well in a
//! repository.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

use maillint_core::Diagnostic;
use maillint_engine::UnitReport;
use serde::{Deserialize, Serialize};

use crate::fleet::endpoint::{EndpointIndex, account_id, host_of};
use crate::fleet::model::Tool;

/// The version of the baseline file's shape.
pub const BASELINE_VERSION: u32 = 1;

/// What identifies a finding across edits.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct BaselineKey {
    /// The user whose home holds the file (`scan`); absent for `check`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<String>,
    /// The file: relative to the home (`scan`), or as shown (`check`).
    pub file: String,
    /// The rule's code.
    pub rule: String,
    /// The account the finding is about (its address, else its name).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account: Option<String>,
    /// The endpoint's protocol.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub protocol: Option<String>,
    /// The endpoint's host, lower case.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host: Option<String>,
    /// The endpoint's port.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub port: Option<u16>,
}

/// One key and how many findings had it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
struct Entry {
    #[serde(flatten)]
    key: BaselineKey,
    count: usize,
}

/// The file's shape.
#[derive(Debug, Serialize, Deserialize)]
struct BaselineFile {
    version: u32,
    tool: Tool,
    findings: Vec<Entry>,
}

/// Whose findings: the user and the home their files are under (`scan`), or nobody (`check`).
#[derive(Clone, Copy, Debug, Default)]
pub struct Owner<'a> {
    /// The user.
    pub user: Option<&'a str>,
    /// Their home; files under it are keyed relative to it.
    pub home: Option<&'a Path>,
}

/// The keys of every finding of `unit`, in order.
pub fn keys_of(owner: Owner<'_>, unit: &UnitReport) -> Vec<BaselineKey> {
    let endpoints = EndpointIndex::new(unit.accounts());
    unit.diagnostics.iter().map(|d| key_of(owner, unit, &endpoints, d)).collect()
}

fn key_of(
    owner: Owner<'_>,
    unit: &UnitReport,
    endpoints: &EndpointIndex<'_>,
    d: &Diagnostic,
) -> BaselineKey {
    let path = unit.sources.get(d.span.file).path();
    let file = owner.home.and_then(|home| path.strip_prefix(home).ok()).unwrap_or(path);
    let found = endpoints.find(d);
    BaselineKey {
        user: owner.user.map(str::to_owned),
        file: file.display().to_string(),
        rule: d.rule.code.clone(),
        account: found.map(|(account, _)| account_id(account)),
        protocol: found.map(|(_, endpoint)| endpoint.protocol.as_str().to_owned()),
        host: found.and_then(|(_, endpoint)| host_of(endpoint)),
        port: found.and_then(|(_, endpoint)| endpoint.port.as_ref().map(|p| p.value)),
    }
}

/// Writes the baseline of `keys` (every finding of a run) to `path`.
pub fn write(
    path: &Path,
    keys: impl IntoIterator<Item = BaselineKey>,
) -> Result<usize, BaselineError> {
    let mut counts: BTreeMap<BaselineKey, usize> = BTreeMap::new();
    for key in keys {
        *counts.entry(key).or_default() += 1;
    }
    let total = counts.values().sum();
    let file = BaselineFile {
        version: BASELINE_VERSION,
        tool: Tool::this(),
        findings: counts.into_iter().map(|(key, count)| Entry { key, count }).collect(),
    };
    let mut text = serde_json::to_string_pretty(&file).map_err(|e| BaselineError::new(path, e))?;
    text.push('\n');
    std::fs::write(path, text).map_err(|e| BaselineError::new(path, e))?;
    Ok(total)
}

/// A baseline being applied: the known findings not yet met in this run.
#[derive(Debug)]
pub struct Baseline {
    remaining: Mutex<BTreeMap<BaselineKey, usize>>,
    total: usize,
}

impl Baseline {
    /// Reads a baseline file.
    pub fn read(path: &Path) -> Result<Self, BaselineError> {
        let text = std::fs::read_to_string(path).map_err(|e| BaselineError::new(path, e))?;
        let file: BaselineFile = serde_json::from_str(&text).map_err(|e| {
            BaselineError::new(path, format!("line {}, column {}: {e}", e.line(), e.column()))
        })?;
        if file.version != BASELINE_VERSION {
            let message = format!(
                "version {} is not one this maillint reads ({BASELINE_VERSION}); write it again with --write-baseline",
                file.version
            );
            return Err(BaselineError::new(path, message));
        }
        let mut remaining = BTreeMap::new();
        for entry in file.findings {
            *remaining.entry(entry.key).or_default() += entry.count;
        }
        let total = remaining.values().sum();
        Ok(Baseline { remaining: Mutex::new(remaining), total })
    }

    /// Findings the baseline lists.
    pub fn total(&self) -> usize {
        self.total
    }

    /// Removes the known findings from `unit` (each key as many times as the baseline counts
    /// it, in order) and returns how many were removed.
    pub fn remove_known(&self, owner: Owner<'_>, unit: &mut UnitReport) -> usize {
        let keys = keys_of(owner, unit);
        let mut remaining = self.remaining.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let mut keys = keys.into_iter();
        let before = unit.diagnostics.len();
        unit.diagnostics.retain(|_| {
            let Some(key) = keys.next() else { return true };
            match remaining.get_mut(&key) {
                Some(count) if *count > 0 => {
                    *count -= 1;
                    false
                }
                _ => true,
            }
        });
        before - unit.diagnostics.len()
    }

    /// Known findings not met in this run: fixed (or in a file or home no longer there).
    pub fn fixed(&self) -> usize {
        let remaining = self.remaining.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        remaining.values().sum()
    }
}

/// A baseline file that could not be read or written.
#[derive(Debug)]
pub struct BaselineError {
    path: PathBuf,
    message: String,
}

impl BaselineError {
    fn new(path: &Path, message: impl fmt::Display) -> Self {
        BaselineError { path: path.to_path_buf(), message: message.to_string() }
    }
}

impl fmt::Display for BaselineError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "baseline {}: {}", self.path.display(), self.message)
    }
}

impl std::error::Error for BaselineError {}
