//! The INI text of a PRF file with the byte range of every key and value, read with Windows'
//! profile-string semantics: keys and section names are case-insensitive, the first
//! occurrence wins, values are trimmed and one pair of surrounding quotes is dropped
//! (outlook.md 1.1).

use maillint_core::builtin::ParseError;
use maillint_core::fix::{Applicability, Edit, Fix};
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
    let mut sections: Vec<Section> = Vec::new();
    for (index, line) in lines.iter().enumerate() {
        let (start, end) = trim_range(text, line.start, line.end);
        let content = &text[start..end];
        if content.is_empty() || content.starts_with(';') {
            continue;
        }
        if let Some(rest) = content.strip_prefix('[') {
            let (name_end, closed) = match rest.find(']') {
                Some(close) => (start + 1 + close, true),
                None => (end, false),
            };
            if !closed {
                diagnostics.push(Diagnostic::new(
                    ParseError::metadata(),
                    Span::point(file, end),
                    "section header has no closing `]`",
                ));
            }
            let (name_start, name_end) = trim_range(text, start + 1, name_end);
            sections.push(Section {
                name: text[name_start..name_end].to_owned(),
                name_range: TextRange::new(name_start, name_end),
                header_line: index,
                entries: Vec::new(),
            });
            continue;
        }
        let equals = content.find('=').filter(|&at| !content[..at].trim().is_empty());
        let (Some(equals), Some(section)) = (equals, sections.last_mut()) else {
            let span = Span::new(file, start, end);
            let message = if equals.is_some() {
                "`Key=Value` line before the first `[Section]`: no section holds it, so Outlook \
                 never reads it"
                    .to_owned()
            } else {
                format!("`{content}` is not a `[Section]`, a `Key=Value` line or a `;` comment")
            };
            diagnostics.push(Diagnostic::new(PrfStrayLine::metadata(), span, message).with_fix(
                Fix {
                    title: "Turn the line into a `;` comment".to_owned(),
                    applicability: Applicability::Safe,
                    edits: vec![Edit::insert(Span::point(file, start), "; ")],
                },
            ));
            continue;
        };
        let (key_start, key_end) = trim_range(text, start, start + equals);
        let (mut value_start, mut value_end) = trim_range(text, start + equals + 1, end);
        let raw = &text[value_start..value_end];
        if raw.len() >= 2
            && ((raw.starts_with('"') && raw.ends_with('"'))
                || (raw.starts_with('\'') && raw.ends_with('\'')))
        {
            value_start += 1;
            value_end -= 1;
        }
        section.entries.push(Entry {
            key: text[key_start..key_end].to_owned(),
            key_range: TextRange::new(key_start, key_end),
            value: text[value_start..value_end].to_owned(),
            value_range: TextRange::new(value_start, value_end),
            line: index,
            separator: text[key_end..trim_range(text, start + equals + 1, end).0].to_owned(),
        });
    }
    let ini = Ini { lines, sections };
    report_duplicates(&ini, file, diagnostics);
    ini
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
