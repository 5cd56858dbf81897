//! `accounts.conf` as aerc reads it: go-ini (`gopkg.in/ini.v1`) with `=` as the only
//! delimiter (`config/accounts.go`: `ini.LoadOptions{KeyValueDelimiters: "="}`), and the keys
//! of the unnamed first section (`DEFAULT`) copied into every account that does not set them
//! (`parseAccountsFromFile`).
//!
//! go-ini's value rules, with its default options: comment lines start with `#` or `;`; a
//! value that starts with `` ` `` or `"` runs to the same quote; any other value ends at the
//! first `#` or `;` (an inline comment), and blanks around it are dropped. A later key in a
//! section overrides an earlier one.

use std::ops::Range;

use maillint_core::ini::{Blanks, ContinuationStyle, IniDialect, IniToken, LineBreaks, tokenize};

/// go-ini as aerc configures it.
const GO_INI: IniDialect = IniDialect {
    delimiters: &['='],
    comment_leaders: &['#', ';'],
    continuation: ContinuationStyle::None,
    line_breaks: LineBreaks::Newline,
    blanks: Blanks::Unicode,
};

/// One `key = value`, with the byte range of the value as aerc reads it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Entry {
    pub key: String,
    pub value: String,
    pub range: Range<usize>,
    /// The whole line.
    pub line: Range<usize>,
}

/// One `[account]` section, with the `DEFAULT` keys it inherits.
#[derive(Clone, Debug)]
pub(crate) struct Section {
    pub name: String,
    /// The header line.
    pub header: Range<usize>,
    pub entries: Vec<Entry>,
}

impl Section {
    /// The value of `key`: the last one in the section, else the `DEFAULT` one.
    pub(crate) fn get(&self, key: &str) -> Option<&Entry> {
        self.entries.iter().rev().find(|e| e.key == key)
    }
}

/// The accounts of a file, and the lines go-ini refuses.
pub(crate) struct Conf {
    pub sections: Vec<Section>,
    pub invalid: Vec<Range<usize>>,
}

/// Reads `text` into sections.
pub(crate) fn read(text: &str) -> Conf {
    let mut defaults: Vec<Entry> = Vec::new();
    let mut sections: Vec<Section> = Vec::new();
    let mut invalid = Vec::new();
    for token in tokenize(text, GO_INI) {
        match token {
            IniToken::Section { name, line } => sections.push(Section {
                name: text[name].to_owned(),
                header: line,
                entries: Vec::new(),
            }),
            IniToken::Entry { key, value, line, .. } => {
                let range = value_range(text, value);
                let entry = Entry {
                    key: text[key].to_owned(),
                    value: text[range.clone()].to_owned(),
                    range,
                    line,
                };
                match sections.last_mut() {
                    // aerc reads an explicit `[DEFAULT]` section as the defaults too.
                    Some(section) if section.name != "DEFAULT" => section.entries.push(entry),
                    _ => defaults.push(entry),
                }
            }
            IniToken::Invalid(range) => invalid.push(range),
            IniToken::Comment(_) => {}
        }
    }
    sections.retain(|s| s.name != "DEFAULT");
    for section in &mut sections {
        let inherited: Vec<Entry> =
            defaults.iter().filter(|d| section.get(&d.key).is_none()).cloned().collect();
        section.entries.splice(0..0, inherited);
    }
    Conf { sections, invalid }
}

/// The part of a raw value go-ini keeps: inside its quotes, or before an inline comment.
fn value_range(text: &str, raw: Range<usize>) -> Range<usize> {
    let value = &text[raw.clone()];
    if let Some(quote) = value.chars().next().filter(|c| *c == '`' || *c == '"')
        && let Some(close) = value[1..].find(quote)
    {
        return raw.start + 1..raw.start + 1 + close;
    }
    let end = value.find(['#', ';']).unwrap_or(value.len());
    let kept = value[..end].trim_end();
    raw.start..raw.start + kept.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_quotes_comments_and_overrides() {
        let text = "from = Me <me@example.org>\n[Work]\nsource = `imaps://h:993`\n\
                    outgoing = smtps://h # sent here\nsource-cred-cmd = pass a;b\n\
                    outgoing = smtp://h\n[DEFAULT]\ncopy-to = Sent\n";
        let conf = read(text);
        assert_eq!(conf.sections.len(), 1);
        let work = &conf.sections[0];
        assert_eq!(work.get("source").unwrap().value, "imaps://h:993");
        assert_eq!(work.get("outgoing").unwrap().value, "smtp://h");
        assert_eq!(work.get("source-cred-cmd").unwrap().value, "pass a");
        assert_eq!(work.get("from").unwrap().value, "Me <me@example.org>");
        assert_eq!(work.get("copy-to").unwrap().value, "Sent");
        let source = work.get("source").unwrap();
        assert_eq!(&text[source.range.clone()], "imaps://h:993");
    }

    #[test]
    fn a_line_without_equals_is_refused() {
        let conf = read("[a]\ndefine(`x', `y')\n");
        assert_eq!(conf.invalid.len(), 1);
    }
}
