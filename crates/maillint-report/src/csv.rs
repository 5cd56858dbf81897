//! `csv`: one row per finding, for a spreadsheet: `user`, `client`, `path`, `line`, `column`,
//! `severity`, `code`, `rule`, `message`, and the endpoint the finding is about (`account`,
//! `protocol`, `host`, `port`) when it is about one.
//!
//! RFC 4180: comma-separated, CRLF line ends, a field quoted when it holds a comma, quote or line
//! break, quotes doubled. Fields come from users' files, and a spreadsheet runs a cell that
//! starts with `=`, `+`, `-`, `@`, tab or carriage return as a formula, so such a field gets a
//! leading `'` (OWASP's advice on CSV injection). Secrets are redacted as in every format.

use std::io::{self, Write};

use maillint_engine::UnitReport;

use crate::fleet::endpoint::{EndpointIndex, account_id, host_of};
use crate::json::to_json;
use crate::redact;

/// The header row.
pub const HEADER: &str =
    "user,client,path,line,column,severity,code,rule,message,account,protocol,host,port";

/// Writes the header row.
pub fn header(out: &mut dyn Write) -> io::Result<()> {
    write!(out, "{HEADER}\r\n")
}

/// One field, quoted and defused as needed.
fn field(text: &str) -> String {
    let defused = if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_owned()
    };
    if defused.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", defused.replace('"', "\"\""))
    } else {
        defused
    }
}

/// Writes a row per finding of `unit` (`user`: empty for `check`).
pub fn rows(user: &str, unit: &UnitReport, out: &mut dyn Write) -> io::Result<()> {
    let secrets = redact::secret_texts(&unit.sources, unit.secrets());
    let client = unit.client().map(|c| c.as_str().to_owned());
    let endpoints = EndpointIndex::new(unit.accounts());
    for d in &unit.diagnostics {
        let json = to_json(d, &unit.sources, client.as_deref(), &secrets);
        let found = endpoints.find(d);
        let cells = [
            field(user),
            field(json.client.as_deref().unwrap_or("")),
            field(&json.location.path),
            json.location.line.to_string(),
            json.location.column.to_string(),
            json.severity.to_owned(),
            field(&json.code),
            field(&json.rule),
            field(&json.message),
            field(&found.map(|(a, _)| redact::scrub(&account_id(a), &secrets)).unwrap_or_default()),
            found.map(|(_, e)| e.protocol.as_str()).unwrap_or_default().to_owned(),
            field(&found.and_then(|(_, e)| host_of(e)).unwrap_or_default()),
            found
                .and_then(|(_, e)| e.port.as_ref())
                .map(|p| p.value.to_string())
                .unwrap_or_default(),
        ];
        write!(out, "{}\r\n", cells.join(","))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::sample_units;

    #[test]
    fn fields_are_quoted_and_formulas_defused() {
        assert_eq!(field("plain"), "plain");
        assert_eq!(field("a,b"), "\"a,b\"");
        assert_eq!(field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(field("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(field("-1+2"), "'-1+2");
        assert_eq!(field("line\nbreak"), "\"line\nbreak\"");
    }

    #[test]
    fn every_finding_is_a_row_with_the_header_columns() {
        let units = sample_units();
        let mut out = Vec::new();
        header(&mut out).unwrap();
        for unit in &units {
            rows("alice", unit, &mut out).unwrap();
        }
        let text = String::from_utf8(out).unwrap();
        let findings: usize = units.iter().map(|u| u.diagnostics.len()).sum();
        assert!(findings > 0);
        assert_eq!(text.matches("\r\n").count(), findings + 1);
        assert!(!text.contains(crate::test_support::SECRET), "{text}");
        for line in text.lines().skip(1) {
            assert!(line.starts_with("alice,"), "{line}");
        }
    }
}
