//! The INI text of a PRF file with the byte range of every key and value, read with Windows'
//! profile-string semantics: keys and section names are case-insensitive, the first
//! occurrence wins, values are trimmed and one pair of surrounding quotes is dropped
//! (outlook.md 1.1). The lines are tokenized by the workspace's one INI tokenizer
//! ([`maillint_core::ini`], dialect [`IniDialect::PRF`]); this module adds what is PRF's own:
//! an unclosed `[` still names a section, stray lines are findings, duplicates are reported.

use std::ops::Range;

use maillint_core::builtin::ParseError;
use maillint_core::fix::{Applicability, Edit, Fix};
use maillint_core::ini::{IniDialect, IniToken, tokenize};
use maillint_core::{Diagnostic, FileId, Span, TextRange};

use crate::rules::{PrfDuplicateEntry, PrfStrayLine};
use crate::text::{Line, WithFix, lines, trim_range};

/// One `Key=Value` line.
#[derive(Clone, Debug)]
pub(super) struct Entry {
    pub(super) key: String,
    pub(super) key_range: TextRange,
    pub(super) value: String,
    pub(super) value_range: TextRange,
    pub(super) line: usize,
    /// The text between the key and the value (`=`, ` = `), reused for inserted lines.
    pub(super) separator: String,
}

/// One `[Section]` with its entries in file order.
#[derive(Clone, Debug)]
pub(super) struct Section {
    pub(super) name: String,
    pub(super) name_range: TextRange,
    pub(super) header_line: usize,
    pub(super) entries: Vec<Entry>,
}

impl Section {
    /// The first entry with this key (Windows' profile-string functions read the first).
    pub(super) fn get(&self, key: &str) -> Option<&Entry> {
        self.entries.iter().find(|e| e.key.eq_ignore_ascii_case(key))
    }

    pub(super) fn range(&self, lines: &[Line]) -> TextRange {
        let start = lines[self.header_line].start;
        let last = self.entries.last().map_or(self.header_line, |e| e.line);
        TextRange::new(start, lines[last].end)
    }

    /// Where a new line goes: after the last entry (or the header), and whether the line
    /// before it lacks a terminator (the file's last line).
    pub(super) fn insert_point(&self, lines: &[Line]) -> (usize, bool) {
        let last = &lines[self.entries.last().map_or(self.header_line, |e| e.line)];
        if last.has_terminator() { (last.next, false) } else { (last.end, true) }
    }
}

/// The scanned file.
pub(super) struct Ini {
    pub(super) lines: Vec<Line>,
    pub(super) sections: Vec<Section>,
}

impl Ini {
    /// The first section with this name.
    pub(super) fn section(&self, name: &str) -> Option<&Section> {
        self.sections.iter().find(|s| s.name.eq_ignore_ascii_case(name))
    }
}

pub(super) fn scan(text: &str, file: FileId, diagnostics: &mut Vec<Diagnostic>) -> Ini {
    let lines = lines(text);
    let line_of = |offset: usize| lines.partition_point(|line| line.start <= offset) - 1;
    let mut sections: Vec<Section> = Vec::new();
    for token in tokenize(text, IniDialect::PRF) {
        match token {
            IniToken::Comment(_) => {}
            IniToken::Section { name, line } => {
                sections.push(new_section(text, name, line_of(line.start)));
            }
            // `[Name` without `]`: Windows reads the rest of the line as the name.
            IniToken::Invalid(line) if text[line.clone()].starts_with('[') => {
                diagnostics.push(Diagnostic::new(
                    ParseError::metadata(),
                    Span::point(file, line.end),
                    "section header has no closing `]`",
                ));
                let (start, end) = trim_range(text, line.start + 1, line.end);
                sections.push(new_section(text, start..end, line_of(line.start)));
            }
            // A key of white space only is no key (the line is a stray one).
            IniToken::Entry { key, delimiter, value, line }
                if !text[key.clone()].trim().is_empty() =>
            {
                match sections.last_mut() {
                    Some(section) => {
                        let at = line_of(line.start);
                        section.entries.push(entry(text, key, delimiter, value, at));
                    }
                    None => stray(text, file, line, true, diagnostics),
                }
            }
            IniToken::Entry { line, .. } => stray(text, file, line, false, diagnostics),
            IniToken::Invalid(line) => stray(text, file, line, false, diagnostics),
        }
    }
    let ini = Ini { lines, sections };
    report_duplicates(&ini, file, diagnostics);
    ini
}

fn new_section(text: &str, name: Range<usize>, header_line: usize) -> Section {
    Section {
        name: text[name.clone()].to_owned(),
        name_range: TextRange::new(name.start, name.end),
        header_line,
        entries: Vec::new(),
    }
}

/// One `Key=Value` line; one pair of surrounding quotes is not part of the value. An empty
/// value is the point just after `=` (where a fix writes one).
fn entry(
    text: &str,
    key: Range<usize>,
    delimiter: Range<usize>,
    value: Range<usize>,
    line: usize,
) -> Entry {
    let written = if value.is_empty() { delimiter.end..delimiter.end } else { value };
    let (mut value_start, mut value_end) = (written.start, written.end);
    let raw = &text[written.clone()];
    if raw.len() >= 2
        && ((raw.starts_with('"') && raw.ends_with('"'))
            || (raw.starts_with('\'') && raw.ends_with('\'')))
    {
        value_start += 1;
        value_end -= 1;
    }
    Entry {
        key: text[key.clone()].to_owned(),
        key_range: TextRange::new(key.start, key.end),
        value: text[value_start..value_end].to_owned(),
        value_range: TextRange::new(value_start, value_end),
        line,
        separator: text[key.end..written.start].to_owned(),
    }
}

/// A line Outlook never reads: before the first `[Section]` (`keyed`), or neither a header,
/// a `Key=Value` line nor a `;` comment. Turning it into a comment is safe.
fn stray(
    text: &str,
    file: FileId,
    line: Range<usize>,
    keyed: bool,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let content = &text[line.clone()];
    let message = if keyed {
        "`Key=Value` line before the first `[Section]`: no section holds it, so Outlook never \
         reads it"
            .to_owned()
    } else {
        format!("`{content}` is not a `[Section]`, a `Key=Value` line or a `;` comment")
    };
    let span = Span::new(file, line.start, line.end);
    diagnostics.push(Diagnostic::new(PrfStrayLine::metadata(), span, message).with_fix(Fix {
        title: "Turn the line into a `;` comment".to_owned(),
        applicability: Applicability::Safe,
        edits: vec![Edit::insert(Span::point(file, line.start), "; ")],
    }));
}

fn report_duplicates(ini: &Ini, file: FileId, diagnostics: &mut Vec<Diagnostic>) {
    for (i, section) in ini.sections.iter().enumerate() {
        if ini.sections[..i].iter().any(|s| s.name.eq_ignore_ascii_case(&section.name)) {
            diagnostics.push(Diagnostic::new(
                PrfDuplicateEntry::metadata(),
                Span { file, range: section.name_range },
                format!(
                    "section [{}] appears again; Outlook reads only the first one",
                    section.name
                ),
            ));
        }
        for (j, entry) in section.entries.iter().enumerate() {
            if let Some(first) =
                section.entries[..j].iter().find(|e| e.key.eq_ignore_ascii_case(&entry.key))
            {
                diagnostics.push(
                    Diagnostic::new(
                        PrfDuplicateEntry::metadata(),
                        Span { file, range: entry.key_range },
                        format!(
                            "`{}` is set again in [{}]; Outlook reads only the first value",
                            entry.key, section.name
                        ),
                    )
                    .with_label(maillint_core::Label::new(
                        Span { file, range: first.value_range },
                        "this value applies",
                    )),
                );
            }
        }
    }
}
