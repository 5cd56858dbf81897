//! `junit`: JUnit XML for CI systems that show test reports (GitLab, Jenkins, Azure Pipelines).
//!
//! One `<testsuite>` per checked file and one `<testcase>` per finding, with a `<failure>`
//! whose `type` is the severity. Findings of `parse-error` and `io-error` are `<error>`s rather
//! than failures: the file could not be checked, which is not the same as a finding in it
//! (tflint keeps them apart the same way in SARIF). A file without findings gets one passing
//! test case named `maillint`, so that a clean run still shows what was checked.
//!
//! Test cases carry `file` and `line` attributes, which GitLab uses to link to the source.

use std::io::{self, Write};

use maillint_core::Diagnostic;
use maillint_engine::UnitReport;

use crate::location::Location;
use crate::redact;

/// Rules whose findings mean "could not check" rather than "found a problem".
const ERROR_RULES: &[&str] = &["parse-error", "io-error"];

/// Whether a diagnostic reports that its file could not be read or parsed.
pub fn is_error_rule(d: &Diagnostic) -> bool {
    ERROR_RULES.contains(&d.rule.name.as_str())
}

struct Case {
    name: String,
    location: Location,
    severity: &'static str,
    is_error: bool,
    message: String,
    body: String,
}

struct Suite {
    path: String,
    cases: Vec<Case>,
}

fn suites(units: &[UnitReport]) -> Vec<Suite> {
    let mut suites: Vec<Suite> = Vec::new();
    for unit in units {
        let secrets = redact::secret_texts(&unit.sources, unit.secrets());
        // A file a fix would create is not on disk and has no findings of its own.
        for (file, source) in unit.sources.iter().filter(|(_, source)| !source.is_new()) {
            let path = source.path().display().to_string();
            // A file read by two units (a muttrc `source`d by two others) is one suite.
            let index = match suites.iter().position(|s| s.path == path) {
                Some(i) => i,
                None => {
                    suites.push(Suite { path: path.clone(), cases: Vec::new() });
                    suites.len() - 1
                }
            };
            for d in unit.diagnostics.iter().filter(|d| d.span.file == file) {
                let location = Location::of(&unit.sources, d.span);
                let message = redact::scrub(&d.message, &secrets);
                let mut body =
                    format!("{}:{}:{}: {message}", location.path, location.line, location.column);
                for extra in [&d.why, &d.help].into_iter().flatten() {
                    body.push('\n');
                    body.push_str(&redact::scrub(extra, &secrets));
                }
                suites[index].cases.push(Case {
                    name: format!(
                        "{} ({}) at {}:{}",
                        d.rule.code, d.rule.name, location.line, location.column
                    ),
                    location,
                    severity: d.severity.as_str(),
                    is_error: is_error_rule(d),
                    message,
                    body,
                });
            }
        }
    }
    suites
}

/// Writes the JUnit XML document.
pub fn render(units: &[UnitReport], out: &mut dyn Write) -> io::Result<()> {
    let suites = suites(units);
    let count =
        |error: bool| suites.iter().flat_map(|s| &s.cases).filter(|c| c.is_error == error).count();
    let (failures, errors) = (count(false), count(true));
    let tests: usize = suites.iter().map(|s| s.cases.len().max(1)).sum();
    writeln!(out, r#"<?xml version="1.0" encoding="UTF-8"?>"#)?;
    writeln!(
        out,
        r#"<testsuites name="maillint" tests="{tests}" failures="{failures}" errors="{errors}">"#
    )?;
    for suite in &suites {
        let path = escape(&suite.path);
        let suite_errors = suite.cases.iter().filter(|c| c.is_error).count();
        writeln!(
            out,
            r#"  <testsuite name="{path}" tests="{}" failures="{}" errors="{suite_errors}">"#,
            suite.cases.len().max(1),
            suite.cases.len() - suite_errors,
        )?;
        if suite.cases.is_empty() {
            writeln!(out, r#"    <testcase name="maillint" classname="{path}" file="{path}"/>"#)?;
        }
        for case in &suite.cases {
            writeln!(
                out,
                r#"    <testcase name="{}" classname="{path}" file="{path}" line="{}">"#,
                escape(&case.name),
                case.location.line
            )?;
            let element = if case.is_error { "error" } else { "failure" };
            writeln!(
                out,
                r#"      <{element} message="{}" type="{}">{}</{element}>"#,
                escape(&case.message),
                case.severity,
                escape(&case.body)
            )?;
            writeln!(out, "    </testcase>")?;
        }
        writeln!(out, "  </testsuite>")?;
    }
    writeln!(out, "</testsuites>")
}

/// Escapes text for an XML attribute or element. Characters XML 1.0 forbids (control
/// characters other than tab and line ends) become U+FFFD, so a stray byte in a checked file
/// cannot make the report unreadable.
/// The markup (`&`, `<`, `>`, quotes, `\r`) is quick-xml's `escape`; line feeds are written as
/// `&#10;` too, because in attributes a raw one would be normalised to a space.
pub fn escape(text: &str) -> String {
    let forbidden = |c: char| {
        ((c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r'))
            || matches!(c, '\u{FFFE}' | '\u{FFFF}')
    };
    let allowed: std::borrow::Cow<'_, str> = if text.contains(forbidden) {
        text.chars().map(|c| if forbidden(c) { '\u{FFFD}' } else { c }).collect::<String>().into()
    } else {
        text.into()
    };
    quick_xml::escape::escape(allowed).replace('\n', "&#10;")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::{SECRET, sample_units};

    #[test]
    fn escape_covers_markup_and_forbidden_characters() {
        assert_eq!(
            escape("a<b & \"c\" 'd'>\u{1}\n"),
            "a&lt;b &amp; &quot;c&quot; &apos;d&apos;&gt;\u{FFFD}&#10;"
        );
    }

    #[test]
    fn snapshot() {
        let mut out = Vec::new();
        render(&sample_units(), &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(!text.contains(SECRET), "secret leaked:\n{text}");
        assert_well_formed(&text);
        insta::assert_snapshot!(text);
    }

    /// Reads the whole document with an XML parser, which rejects mismatched tags, bad
    /// escapes and forbidden characters.
    fn assert_well_formed(text: &str) {
        use quick_xml::events::Event;
        let mut reader = quick_xml::Reader::from_str(text);
        let mut depth = 0i32;
        loop {
            let event = reader.read_event();
            let position = reader.buffer_position();
            match event {
                Ok(Event::Start(e)) | Ok(Event::Empty(e)) => {
                    for attribute in e.attributes() {
                        attribute
                            .unwrap()
                            .normalized_value(quick_xml::XmlVersion::Explicit1_0)
                            .unwrap();
                    }
                    if !text[..position as usize].ends_with("/>") {
                        depth += 1;
                    }
                }
                Ok(Event::End(_)) => depth -= 1,
                Ok(Event::GeneralRef(r)) => {
                    let name = r.xml10_content();
                    assert!(
                        r.resolve_char_ref().unwrap().is_some()
                            || ["amp", "lt", "gt", "quot", "apos"].contains(&name.as_ref()),
                        "unknown entity &{name};"
                    );
                }
                Ok(Event::Text(t)) => {
                    let content = t.xml10_content();
                    assert!(
                        !content.chars().any(|c| (c as u32) < 0x20 && !"\t\n\r".contains(c)),
                        "forbidden character in {content:?}"
                    );
                }
                Ok(Event::Eof) => break,
                Ok(_) => {}
                Err(e) => panic!("not well-formed at {position}: {e}\n{text}"),
            }
        }
        assert_eq!(depth, 0, "unclosed elements");
    }

    #[test]
    fn errors_and_failures_are_counted_apart() {
        let mut out = Vec::new();
        render(&sample_units(), &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        // 4 findings in the muttrc and 1 not-followed note are failures; the parse error and
        // the unreadable file are errors; the clean file is one passing case.
        assert!(
            text.contains(r#"<testsuites name="maillint" tests="8" failures="5" errors="2">"#),
            "{text}"
        );
    }
}
