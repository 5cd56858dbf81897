//! Every fixture under `fixtures/outlook` parsed by the parser that detects it, summarised
//! in an insta snapshot; the binary-encoded fixtures checked against their UTF-8 twins.
//!
//! Regenerate the encoded fixtures after editing a twin with
//! `MAILLINT_WRITE_FIXTURES=1 cargo test -p maillint-outlook --test fixtures`.

mod support;

use std::path::Path;

use maillint_core::{Encoding, SourceFile};
use support::*;

#[test]
fn encoded_fixtures_match_their_twins() {
    let write = std::env::var_os("MAILLINT_WRITE_FIXTURES").is_some();
    let twins: Vec<_> = files_under(&fixtures_dir())
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    assert!(twins.len() >= 6, "expected the encoded fixtures' twins, found {twins:?}");
    for twin in twins {
        let text = std::fs::read_to_string(&twin).expect("twins are UTF-8");
        let target = twin.with_extension("");
        let bytes = encode_twin(&target, &text);
        if write {
            std::fs::write(&target, &bytes).expect("writable fixture folder");
        }
        let on_disk = std::fs::read(&target).unwrap_or_default();
        assert!(
            on_disk == bytes,
            "{} is not the encoding of its twin; regenerate it",
            target.display()
        );
        // The parsers see exactly the twin's text.
        let file = SourceFile::from_bytes(&target, &on_disk);
        assert_eq!(file.text(), text, "{}", target.display());
        assert!(file.is_lossless());
        let name = target.file_name().unwrap().to_string_lossy().into_owned();
        let expected = if name.contains("-utf16le.") {
            Encoding::Utf16Le
        } else if name.contains("-cp1252.") {
            Encoding::Windows1252
        } else {
            Encoding::Utf8
        };
        assert_eq!(file.encoding(), expected, "{name}");
    }
}

fn snapshot_name(path: &Path) -> String {
    let relative = path.strip_prefix(fixtures_dir()).expect("under the fixture folder");
    relative.to_string_lossy().replace(['/', '\\'], "__")
}

#[test]
fn fixture_snapshots() {
    let files = fixture_files();
    assert!(files.len() >= 20, "expected the Outlook fixtures, found {}", files.len());
    for path in files {
        let (sources, unit, parser) = parse_file(&path);
        let summary = summarize(&sources, &unit, parser.as_ref());
        let yaml = format!("{:?}", summary.diagnostics) + &format!("{:?}", unit.diagnostics);
        // No secret text reaches a snapshot, a message or a Debug print.
        for secret in &unit.secrets {
            let text = sources.slice(*secret);
            assert!(!yaml.contains(text), "{}: secret text leaked", path.display());
            assert!(!format!("{:?}", unit.accounts).contains(text));
        }
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let in_rules = path.components().any(|c| c.as_os_str() == "rules");
        if name.starts_with("good-") || in_rules {
            assert!(
                unit.diagnostics.is_empty(),
                "{}: the parser reports {:?}",
                path.display(),
                summary.diagnostics
            );
            assert!(!unit.accounts.is_empty(), "{}: no account read", path.display());
        } else {
            assert!(name.starts_with("bad-"), "{name}: fixtures are good-* or bad-*");
            assert!(
                !unit.diagnostics.is_empty(),
                "{}: a bad fixture with no finding",
                path.display()
            );
        }
        insta::assert_yaml_snapshot!(snapshot_name(&path), summary);
    }
}

#[test]
fn utf16le_reg_findings_point_at_editor_line_and_column() {
    let path = fixtures_dir().join("reg/bad-v5-utf16le.reg");
    let twin = std::fs::read_to_string(fixtures_dir().join("reg/bad-v5-utf16le.reg.txt")).unwrap();
    let (sources, unit, _) = parse_file(&path);
    let typo_line = twin.lines().position(|l| l.contains("dwrd:")).unwrap() + 1;
    let typo = unit
        .diagnostics
        .iter()
        .find(|d| d.message.contains("dword:"))
        .expect("the dwrd typo is reported");
    let at = sources.start(typo.span);
    // `"Größe für Zoë"=` is 16 characters (24 bytes in UTF-8, 34 in UTF-16LE with the BOM
    // counted): the typo starts in column 17 as an editor shows it.
    assert_eq!((at.line as usize, at.column), (typo_line, 17));

    let string_line = twin.lines().position(|l| l.starts_with("\"IMAP Server\"=\"")).unwrap() + 1;
    let string =
        unit.diagnostics.iter().find(|d| d.rule.name == "reg-unexpected-value-type").unwrap();
    assert_eq!(sources.start(string.span).line as usize, string_line);
    assert_eq!(sources.start(string.span).column, 15);
}

#[test]
fn parsers_list_each_rule_once() {
    let mut registry = maillint_core::RuleRegistry::new();
    for parser in maillint_outlook::parsers() {
        for rule in parser.rules() {
            registry.register_meta(rule).expect("no rule registered twice");
        }
    }
    assert_eq!(registry.metas().len(), maillint_outlook::rules().len());
}
