//! Applying fixes: ruff's loop, made safe for configuration files.
//!
//! 1. Lint the unit. Pick the fixes the user allowed (safe, or also unsafe), skipping any whose
//!    edits overlap an edit already picked in this round.
//! 2. Apply them to the decoded text of each file, in memory.
//! 3. Re-parse and re-lint the edited text. If a parse error appears that was not there before,
//!    or an edited file can no longer be encoded the way it was, the whole unit is left exactly
//!    as it was and the failure is reported.
//! 4. Repeat until no fix applies (bounded by [`MAX_ITERATIONS`]).
//!
//! Nothing is written here: [`FixOutcome`] holds the new text of each changed file, and
//! [`FileChange::write`] writes one file the safe way ([`crate::write`]): [`write_atomic`] for a
//! file that exists, [`create_atomic`] for one a fix creates (a Thunderbird `user.js`).

use std::collections::BTreeMap;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use maillint_core::{Applicability, Diagnostic, FileId, SourceFile, Sources, TextRange};

use crate::discover::Unit;
use crate::lint::{Linter, UnitReport};
use crate::write::{WriteError, create_atomic, write_atomic};

/// How many fix rounds a unit gets before the engine stops (ruff's limit too). Most units
/// converge in one or two rounds, but fixes that insert at the same point (every unmapped key
/// of a PRF section is mapped at the end of its mapping section) are applied one per round,
/// so a round count near the number of such fixes is normal; hitting the limit means two
/// rules disagree.
pub const MAX_ITERATIONS: usize = 100;

/// Which fixes to apply.
#[derive(Clone, Copy, Debug, Default)]
pub struct FixOptions {
    /// Also apply fixes marked unsafe.
    pub unsafe_fixes: bool,
}

impl FixOptions {
    fn allows(&self, applicability: Applicability) -> bool {
        match applicability {
            Applicability::Safe => true,
            Applicability::Unsafe => self.unsafe_fixes,
            Applicability::DisplayOnly => false,
        }
    }
}

/// A fix that was applied.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AppliedFix {
    /// Rule code.
    pub code: String,
    /// Rule name.
    pub rule: String,
    /// The file of the diagnostic.
    pub path: PathBuf,
    /// What the fix did.
    pub title: String,
}

/// One file whose text changed.
#[derive(Clone, Debug)]
pub struct FileChange {
    /// The file as it was read.
    pub original: Arc<SourceFile>,
    /// The new decoded text.
    pub new_text: String,
    /// The new bytes, in the original encoding and with the original BOM.
    pub new_bytes: Vec<u8>,
}

impl FileChange {
    /// Writes the change: replaces the file, or creates it when it did not exist
    /// ([`SourceFile::is_new`]) with the permissions and owner of `unit_root`, the file the
    /// unit was read from (a new `user.js` is as private as the `prefs.js` beside it).
    pub fn write(&self, unit_root: &SourceFile) -> Result<(), WriteError> {
        if self.original.is_new() {
            create_atomic(self.original.path(), &self.new_bytes, unit_root)
        } else {
            write_atomic(&self.original, &self.new_bytes)
        }
    }
}

/// The result of fixing one unit.
pub struct FixOutcome {
    /// The lint before any fix.
    pub before: UnitReport,
    /// The lint of the fixed text (equal to `before` when nothing changed or fixing failed).
    pub after: UnitReport,
    /// Files whose text changed.
    pub changes: Vec<FileChange>,
    /// The fixes applied, in order.
    pub applied: Vec<AppliedFix>,
    /// Why the unit was left unchanged, when fixing failed.
    pub failure: Option<String>,
    /// Whether the loop stopped at [`MAX_ITERATIONS`] with fixes still pending.
    pub did_not_converge: bool,
}

impl Linter {
    /// Lints `unit` and computes the fixed text of its files.
    pub fn fix_unit(&self, unit: &Unit, options: FixOptions) -> io::Result<FixOutcome> {
        let before = self.lint_unit(unit)?;
        Ok(self.fix_report(before, options))
    }

    /// Computes the fixed text for an existing lint result.
    pub fn fix_report(&self, before: UnitReport, options: FixOptions) -> FixOutcome {
        self.fix_report_rounds(before, options, MAX_ITERATIONS)
    }

    /// Like [`fix_report`](Self::fix_report), with at most `max_rounds` rounds (tests step
    /// through the loop one round at a time to check each round's edits).
    #[allow(
        clippy::too_many_lines,
        reason = "the fix loop: each round reads and updates the same texts, applied fixes and report; the steps of a round that need none of it are functions already (pick_fixes, withhold_fixes, parse_error_keys)"
    )]
    pub fn fix_report_rounds(
        &self,
        mut before: UnitReport,
        options: FixOptions,
        max_rounds: usize,
    ) -> FixOutcome {
        let Some(parser) = before.parser.clone() else {
            return unchanged(before, None);
        };
        let foreign = foreign_files(&before);
        withhold_fixes(&mut before, &foreign, options);
        // The current text of every file of the unit, by path; starts as read.
        let mut texts: BTreeMap<PathBuf, (Arc<SourceFile>, String)> = BTreeMap::new();
        for (_, file) in before.sources.iter() {
            texts.insert(file.path().to_path_buf(), (Arc::clone(file), file.text().to_owned()));
        }
        let baseline_parse_errors = parse_error_keys(&before);
        // Every fix applied so far, as (rule, file, message, fix title): a finding whose fix was
        // applied and that comes back unchanged means the fix does not take effect, and applying
        // it again would only repeat its edit (up to MAX_ITERATIONS times).
        let mut applied_keys: std::collections::HashSet<(String, PathBuf, String, String)> =
            Default::default();
        let mut applied = Vec::new();
        let mut current: Option<UnitReport> = None;
        let mut did_not_converge = false;

        for iteration in 0..=max_rounds {
            let report = current.as_ref().unwrap_or(&before);
            let picked = pick_fixes(report, options);
            if picked.is_empty() {
                break;
            }
            if iteration == max_rounds {
                did_not_converge = max_rounds == MAX_ITERATIONS;
                break;
            }
            let mut ineffective = None;
            for d in &picked {
                let title = d.fix.as_ref().map(|f| f.title.clone()).unwrap_or_default();
                let path = report.sources.get(d.span.file).path().to_path_buf();
                let key = (d.rule.code.clone(), path, d.message.clone(), title.clone());
                if !applied_keys.insert(key) {
                    ineffective = Some(format!(
                        "the fix for {}/{} (\"{title}\") was applied but the finding remains, so the fix does not take effect; nothing was changed (please report this)",
                        d.rule.code, d.rule.name
                    ));
                    break;
                }
            }
            if let Some(failure) = ineffective {
                return unchanged(before, Some(failure));
            }
            // Group the picked edits per file and apply them.
            let mut per_file: BTreeMap<PathBuf, Vec<(TextRange, String)>> = BTreeMap::new();
            for d in &picked {
                for edit in &d.fix.as_ref().expect("picked fixes have edits").edits {
                    let path = report.sources.get(edit.span.file).path().to_path_buf();
                    per_file.entry(path).or_default().push((edit.span.range, edit.content.clone()));
                }
                applied.push(AppliedFix {
                    code: d.rule.code.clone(),
                    rule: d.rule.name.clone(),
                    path: report.sources.get(d.span.file).path().to_path_buf(),
                    title: d.fix.as_ref().map(|f| f.title.clone()).unwrap_or_default(),
                });
            }
            for (path, edits) in per_file {
                let (original, text) = texts.get_mut(&path).expect("edited files were read");
                if !original.is_lossless() {
                    return unchanged(
                        before,
                        Some(format!(
                            "{} has bytes that are not valid {:?}; maillint does not rewrite it",
                            path.display(),
                            original.encoding()
                        )),
                    );
                }
                let edits: Vec<(TextRange, &str)> =
                    edits.iter().map(|(r, c)| (*r, c.as_str())).collect();
                match maillint_core::fix::apply_edits(text, &edits) {
                    Ok(new_text) => *text = new_text,
                    Err(_) => {
                        return unchanged(
                            before,
                            Some("two fixes overlap (internal error)".to_owned()),
                        );
                    }
                }
            }
            // Re-lint the edited text: the root first, then every other file of the unit.
            let mut sources = Sources::new();
            let root_path = before.root.clone();
            let root = add_text(&mut sources, &texts, &root_path);
            for path in texts.keys().filter(|p| **p != root_path).cloned().collect::<Vec<_>>() {
                add_text(&mut sources, &texts, &path);
            }
            let mut relinted = self.lint_sources(&parser, root, sources);
            withhold_fixes(&mut relinted, &foreign, options);
            let new_errors: Vec<String> = parse_error_keys(&relinted)
                .into_iter()
                .filter(|k| !baseline_parse_errors.contains(k))
                .collect();
            if !new_errors.is_empty() {
                return unchanged(
                    before,
                    Some(format!(
                        "a fix would make the file unparsable ({}); nothing was changed",
                        new_errors.join("; ")
                    )),
                );
            }
            current = Some(relinted);
        }

        let mut changes = Vec::new();
        for (original, text) in texts.values() {
            if text != original.text() {
                let Some(new_bytes) = original.encode(text) else {
                    return unchanged(
                        before,
                        Some(format!(
                            "the fixed text of {} cannot be written in its encoding ({:?})",
                            original.path().display(),
                            original.encoding()
                        )),
                    );
                };
                changes.push(FileChange {
                    original: Arc::clone(original),
                    new_text: text.clone(),
                    new_bytes,
                });
            }
        }
        let after = match current {
            Some(report) => report,
            None => return unchanged(before, None),
        };
        FixOutcome { before, after, changes, applied, failure: None, did_not_converge }
    }
}

/// The files of the unit that belong to someone other than the owner of its root file, with
/// the reason a fix to them is withheld. Alice's muttrc may source Bob's file, but a fix run on
/// Alice's configuration (by Alice, or by root on her behalf) never rewrites Bob's file.
fn foreign_files(report: &UnitReport) -> BTreeMap<PathBuf, String> {
    let Some(root) = report.sources.find(&report.root) else { return BTreeMap::new() };
    let Some(owner) = report.sources.get(root).identity().map(|identity| identity.uid) else {
        return BTreeMap::new();
    };
    let mut foreign = BTreeMap::new();
    for (_, file) in report.sources.iter() {
        if let Some(identity) = file.identity()
            && identity.uid != owner
        {
            let reason = format!(
                "not fixed: {} belongs to another user (uid {}) than {} (uid {owner}), and maillint does not change one user's file for another's configuration",
                file.path().display(),
                identity.uid,
                report.root.display()
            );
            foreign.insert(file.path().to_path_buf(), reason);
        }
    }
    foreign
}

/// Takes the fix off every finding whose fix `options` would apply to a file in `foreign`, and
/// says why in its message, so the finding stays and explains itself in every output format.
fn withhold_fixes(
    report: &mut UnitReport,
    foreign: &BTreeMap<PathBuf, String>,
    options: FixOptions,
) {
    if foreign.is_empty() {
        return;
    }
    for d in &mut report.diagnostics {
        let Some(fix) = &d.fix else { continue };
        if !options.allows(fix.applicability) {
            continue;
        }
        let reason =
            fix.edits.iter().find_map(|e| foreign.get(report.sources.get(e.span.file).path()));
        if let Some(reason) = reason {
            d.message = format!("{} ({reason})", d.message);
            d.fix = None;
        }
    }
}

fn add_text(
    sources: &mut Sources,
    texts: &BTreeMap<PathBuf, (Arc<SourceFile>, String)>,
    path: &Path,
) -> FileId {
    let (original, text) = &texts[path];
    sources.add(original.with_text(text.clone()))
}

fn unchanged(before: UnitReport, failure: Option<String>) -> FixOutcome {
    let after = UnitReport {
        root: before.root.clone(),
        parser: before.parser.clone(),
        sources: before.sources.clone(),
        parsed: Default::default(),
        diagnostics: before.diagnostics.clone(),
    };
    FixOutcome {
        before,
        after,
        changes: Vec::new(),
        applied: Vec::new(),
        failure,
        did_not_converge: false,
    }
}

/// Parse errors as comparable keys (message and the text of the line), so an error that only
/// moved because a fix changed a line above is not mistaken for a new one.
fn parse_error_keys(report: &UnitReport) -> Vec<String> {
    report
        .diagnostics
        .iter()
        .filter(|d| d.rule.name == "parse-error")
        .map(|d| {
            let file = report.sources.get(d.span.file);
            let line = file.line_col(d.span.range.start as usize).line;
            format!(
                "{}: {} ({})",
                file.path().display(),
                d.message,
                file.slice(file.line_range(line)).trim()
            )
        })
        .collect()
}

/// The fixes to apply this round: allowed by `options`, with edits, and not overlapping an
/// edit already picked. A fix whose edits overlap waits for the next round, when it is
/// recomputed on the new text.
fn pick_fixes(report: &UnitReport, options: FixOptions) -> Vec<&Diagnostic> {
    let mut taken: Vec<(FileId, TextRange)> = Vec::new();
    let mut picked = Vec::new();
    for d in &report.diagnostics {
        let Some(fix) = &d.fix else { continue };
        if fix.edits.is_empty() || !options.allows(fix.applicability) {
            continue;
        }
        let conflicts = fix.edits.iter().any(|e| {
            taken.iter().any(|(file, range)| *file == e.span.file && range.overlaps(&e.span.range))
        }) || fix.edits.iter().enumerate().any(|(i, a)| {
            fix.edits[i + 1..]
                .iter()
                .any(|b| a.span.file == b.span.file && a.span.range.overlaps(&b.span.range))
        });
        if conflicts {
            continue;
        }
        taken.extend(fix.edits.iter().map(|e| (e.span.file, e.span.range)));
        picked.push(d);
    }
    picked
}
