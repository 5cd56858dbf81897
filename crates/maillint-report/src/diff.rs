//! `--diff`: a unified diff of what `--fix` would change, that `git apply` and `patch` apply.
//!
//! The diff is computed over the file's real lines, and then every line that holds a secret
//! is kept out of it: a context line with a masked secret would not match the file, so hunks
//! take their context only from lines without a secret. A hunk's context stops before such a
//! line, and two changes with such a line between them get a hunk each. A line that a fix
//! itself changes and that holds a secret cannot be shown without it: it is shown masked (that
//! hunk does not apply), which no fix of maillint does today.
//!
//! What reaches the output is masked anyway: the old text with the secret spans of the lint
//! before, the new text with those of the lint of the fixed text (which read the same secrets
//! again), so a password of any length shows as `*`s; [`redact::scrub`] is the safety net on
//! every line.
//!
//! Paths are the checked paths without `.` components or a leading `/` (`check --diff .`
//! writes `a/muttrc`, not `a/./muttrc`), as `git diff` names files, so `git apply` and
//! `patch -p1` find them from the folder maillint ran in (or `/` for absolute paths).
//! A UTF-8 byte-order mark is part of the first line, as in the file. A UTF-16 file gets a diff
//! of its decoded text, for reading: neither tool applies text to UTF-16 bytes.
//!
//! On a terminal the lines also get their control characters made visible ([`escape`]); the
//! diff written to a pipe or a file stays byte-exact.

use std::io::{self, Write};
use std::ops::Range;
use std::path::{Component, Path};

use maillint_core::Span;
use maillint_engine::{FileChange, FixOutcome, UnitReport};
use similar::{DiffTag, TextDiff};

use crate::{escape, redact};

/// Unchanged lines shown around a change, as `diff -u` and `git diff` do.
const CONTEXT: usize = 3;

/// Writes the diff of every changed file of `outcome`. `for_terminal` makes control
/// characters visible (the output is then for reading, not for `git apply`).
pub fn render(outcome: &FixOutcome, out: &mut dyn Write, for_terminal: bool) -> io::Result<()> {
    let secrets = redact::secret_texts(&outcome.before.sources, outcome.before.secrets());
    for change in &outcome.changes {
        let text = file_diff(outcome, change);
        for line in text.split_inclusive('\n') {
            let line = redact::scrub(line, &secrets);
            if for_terminal {
                let (body, end) = line.strip_suffix('\n').map_or((&*line, ""), |b| (b, "\n"));
                write!(out, "{}{end}", escape::line(body))?;
            } else {
                out.write_all(line.as_bytes())?;
            }
        }
    }
    Ok(())
}

/// The diff of one changed file: header and hunks.
fn file_diff(outcome: &FixOutcome, change: &FileChange) -> String {
    let path = diff_path(change.original.path());
    let old = FileSide::of(&outcome.before, change.original.path(), change.original.text());
    let new = FileSide::of(&outcome.after, change.original.path(), &change.new_text);
    // A file the fix creates comes from nowhere, as in `git diff` of a new file.
    let from = if change.original.is_new() { "/dev/null".to_owned() } else { format!("a/{path}") };
    let mut text = format!("--- {from}\n+++ b/{path}\n");
    let bom = if change.original.has_bom() { "\u{feff}" } else { "" };
    let diff = TextDiff::from_lines(change.original.text(), change.new_text.as_str());
    let items = items(&diff);
    for hunk in hunks(&items, &old) {
        hunk.write(&items[hunk.range.clone()], &old, &new, bom, &mut text);
    }
    text
}

/// `path` as a diff header names it: forward slashes, no `.` component, no leading `/`.
pub fn diff_path(path: &Path) -> String {
    let parts: Vec<String> = path
        .components()
        .filter_map(|c| match c {
            Component::CurDir | Component::RootDir => None,
            Component::Prefix(p) => Some(p.as_os_str().to_string_lossy().into_owned()),
            Component::ParentDir => Some("..".to_owned()),
            Component::Normal(name) => Some(name.to_string_lossy().into_owned()),
        })
        .collect();
    parts.join("/")
}

/// One side of the diff: its lines as shown (secrets masked) and which hold a secret.
struct FileSide {
    lines: Vec<String>,
    secret: Vec<bool>,
}

impl FileSide {
    /// `text` as `report` read it at `path`: masked with its secret spans, and the lines they
    /// touch. When `report` did not read exactly this text, every line counts as secret, so no
    /// context is shown from it (the safety net still scrubs the changed lines).
    fn of(report: &UnitReport, path: &Path, text: &str) -> Self {
        let found = report
            .sources
            .iter()
            .find(|(_, source)| source.path() == path && source.text() == text);
        let Some((file, source)) = found else {
            let lines: Vec<String> = text.split_inclusive('\n').map(str::to_owned).collect();
            return Self { secret: vec![true; lines.len()], lines };
        };
        let masked = redact::redacted_text(&report.sources, file, report.secrets());
        let lines: Vec<String> = masked.split_inclusive('\n').map(str::to_owned).collect();
        let mut secret = vec![false; lines.len()];
        let spans = report.secrets().iter().filter(|s: &&Span| s.file == file);
        for span in spans {
            let first = source.line_col(span.range.as_range().start).line as usize;
            let last = source.line_col(span.range.as_range().end).line as usize;
            for line in first..=last {
                if let Some(flag) = secret.get_mut(line.saturating_sub(1)) {
                    *flag = true;
                }
            }
        }
        Self { lines, secret }
    }
}

/// One line of the diff: unchanged (with its index on both sides), removed or added.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Item {
    Same { old: usize, new: usize },
    Removed { old: usize, new: usize },
    Added { old: usize, new: usize },
}

impl Item {
    /// The positions on each side: the line's index, or where it would be.
    fn positions(self) -> (usize, usize) {
        match self {
            Item::Same { old, new } | Item::Removed { old, new } | Item::Added { old, new } => {
                (old, new)
            }
        }
    }
}

/// Every line of both texts in diff order.
fn items(diff: &TextDiff<'_, '_, str>) -> Vec<Item> {
    let mut items = Vec::new();
    for op in diff.ops() {
        let (tag, old, new) = op.as_tag_tuple();
        match tag {
            DiffTag::Equal => {
                items.extend(old.zip(new).map(|(old, new)| Item::Same { old, new }));
            }
            DiffTag::Delete | DiffTag::Insert | DiffTag::Replace => {
                let at_new = new.start;
                items.extend(old.clone().map(|old| Item::Removed { old, new: at_new }));
                items.extend(new.map(|new| Item::Added { old: old.end, new }));
            }
        }
    }
    items
}

/// A hunk: a range of [`Item`]s.
struct Hunk {
    range: Range<usize>,
}

/// Whether `item` is unchanged and may be shown as context (its line holds no secret).
fn shareable(item: Item, old: &FileSide) -> bool {
    matches!(item, Item::Same { old: line, .. } if !old.secret.get(line).copied().unwrap_or(true))
}

/// Groups the changes into hunks with up to [`CONTEXT`] lines of context on each side, taken
/// only from lines without a secret.
fn hunks(items: &[Item], old: &FileSide) -> Vec<Hunk> {
    let changed: Vec<usize> =
        (0..items.len()).filter(|&i| !matches!(items[i], Item::Same { .. })).collect();
    let mut groups: Vec<Range<usize>> = Vec::new();
    for &i in &changed {
        if let Some(last) = groups.last_mut() {
            let gap = &items[last.end..i];
            // Two changes share a hunk when the lines between them are all shown as context.
            if gap.len() <= 2 * CONTEXT && gap.iter().all(|item| shareable(*item, old)) {
                last.end = i + 1;
                continue;
            }
        }
        groups.push(i..i + 1);
    }
    groups
        .into_iter()
        .map(|group| {
            let before = items[..group.start]
                .iter()
                .rev()
                .take(CONTEXT)
                .take_while(|item| shareable(**item, old))
                .count();
            let after = items[group.end..]
                .iter()
                .take(CONTEXT)
                .take_while(|item| shareable(**item, old))
                .count();
            Hunk { range: group.start - before..group.end + after }
        })
        .collect()
}

impl Hunk {
    /// Writes the `@@ -a,b +c,d @@` line and the hunk's lines to `text`.
    fn write(&self, items: &[Item], old: &FileSide, new: &FileSide, bom: &str, text: &mut String) {
        let (old_at, new_at) = items[0].positions();
        let old_len = items.iter().filter(|i| !matches!(i, Item::Added { .. })).count();
        let new_len = items.iter().filter(|i| !matches!(i, Item::Removed { .. })).count();
        // An empty side names the line before it (0 at the start), as `diff -u` does.
        let start = |at: usize, len: usize| if len == 0 { at } else { at + 1 };
        text.push_str(&format!(
            "@@ -{},{old_len} +{},{new_len} @@\n",
            start(old_at, old_len),
            start(new_at, new_len)
        ));
        for item in items {
            let (sign, side, line) = match *item {
                Item::Same { old: line, .. } => (' ', old, line),
                Item::Removed { old: line, .. } => ('-', old, line),
                Item::Added { new: line, .. } => ('+', new, line),
            };
            let body = side.lines.get(line).map_or("", String::as_str);
            text.push(sign);
            if line == 0 {
                text.push_str(bom);
            }
            text.push_str(body);
            if !body.ends_with('\n') {
                text.push_str("\n\\ No newline at end of file\n");
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_lose_dot_components_and_the_leading_slash() {
        assert_eq!(diff_path(Path::new("./muttrc")), "muttrc");
        assert_eq!(diff_path(Path::new("a/./b/muttrc")), "a/b/muttrc");
        assert_eq!(diff_path(Path::new("/home/me/.muttrc")), "home/me/.muttrc");
        assert_eq!(diff_path(Path::new("../dotfiles/muttrc")), "../dotfiles/muttrc");
    }

    fn side(text: &str, secret_lines: &[usize]) -> FileSide {
        let lines: Vec<String> = text.split_inclusive('\n').map(str::to_owned).collect();
        let secret = (0..lines.len()).map(|i| secret_lines.contains(&i)).collect();
        FileSide { lines, secret }
    }

    fn diff_of(old_text: &str, new_text: &str, secret_lines: &[usize]) -> String {
        let (old, new) = (side(old_text, secret_lines), side(new_text, secret_lines));
        let diff = TextDiff::from_lines(old_text, new_text);
        let items = items(&diff);
        let mut text = String::new();
        for hunk in hunks(&items, &old) {
            hunk.write(&items[hunk.range.clone()], &old, &new, "", &mut text);
        }
        text
    }

    #[test]
    fn context_stops_before_a_secret_line() {
        let old = "a\nb\npass=x\nc\nd\ne\n";
        let new = "a\nb\npass=x\nC\nd\ne\n";
        assert_eq!(diff_of(old, new, &[2]), "@@ -4,3 +4,3 @@\n-c\n+C\n d\n e\n");
    }

    #[test]
    fn a_secret_between_two_changes_splits_the_hunk() {
        let old = "a\nb\npass=x\nc\n";
        let new = "A\nb\npass=x\nC\n";
        assert_eq!(
            diff_of(old, new, &[2]),
            "@@ -1,2 +1,2 @@\n-a\n+A\n b\n@@ -4,1 +4,1 @@\n-c\n+C\n"
        );
        // Without the secret, one hunk.
        assert_eq!(diff_of(old, new, &[]), "@@ -1,4 +1,4 @@\n-a\n+A\n b\n pass=x\n-c\n+C\n");
    }

    #[test]
    fn a_missing_final_newline_is_marked() {
        assert_eq!(
            diff_of("a\nb", "a\nc", &[]),
            "@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+c\n\\ No newline at end of file\n"
        );
    }

    #[test]
    fn an_insertion_names_the_line_before() {
        assert_eq!(diff_of("a\n", "a\nb\n", &[0]), "@@ -1,0 +2,1 @@\n+b\n");
    }
}
