//! Helpers for the three parsers' unit tests: parse a text as a file of a given name, and
//! lower field changes, apply the edits and parse the result again.

use maillint_core::fix::apply_edits;
use maillint_core::{
    FieldChange, ParseOptions, ParsedUnit, Parser, SourceFile, Sources, TextRange,
};

/// `text` parsed by `parser` as the file `name`.
pub fn parse_as(parser: &dyn Parser, name: &str, text: &str) -> (Sources, ParsedUnit) {
    let mut sources = Sources::new();
    let id = sources.add(SourceFile::from_text(name, text));
    let unit = parser.parse(id, &mut sources, &ParseOptions::default());
    (sources, unit)
}

/// Lowers `changes` on endpoint `endpoint` of the first account, applies the edits to `text`,
/// and returns the new text with its parse.
pub fn relower_as(
    parser: &dyn Parser,
    name: &str,
    text: &str,
    endpoint: usize,
    changes: &[FieldChange],
) -> (String, ParsedUnit) {
    let (sources, unit) = parse_as(parser, name, text);
    let edits = parser.lower(&unit, &sources, 0, endpoint, changes).unwrap();
    let pairs: Vec<(TextRange, &str)> =
        edits.iter().map(|e| (e.span.range, e.content.as_str())).collect();
    let new = apply_edits(text, &pairs).unwrap();
    let (_, reparsed) = parse_as(parser, name, &new);
    (new, reparsed)
}
