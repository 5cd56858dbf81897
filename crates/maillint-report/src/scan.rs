//! `maillint scan` output: the renderers of `check`, saying whose and which client's every
//! finding is.
//!
//! - `full`: a header per user, then a line naming the client and file before the file's
//!   findings, then the usual graphical blocks.
//! - `concise`: every line starts with `[user/client] `, then the `check` line; `grep '^\[alice/'`
//!   selects a user.
//! - `json` and `json-lines`: each object gets a `user` field beside `client`.
//!
//! A scan renders one home at a time, as soon as that home is done, so these functions take one
//! unit of one user; [`JsonArray`] writes one JSON array across many calls.

use std::io::{self, Write};
use std::path::Path;

use maillint_engine::UnitReport;
use serde::Serialize;

use crate::json::{JsonDiagnostic, to_json};
use crate::{RenderOptions, concise, escape, full, redact};

/// One finding of a scan as JSON: `user` and the fields of `check`'s objects.
#[derive(Serialize)]
pub struct ScanJsonDiagnostic {
    /// The user (home folder name).
    pub user: String,
    /// The finding, with its `client`.
    #[serde(flatten)]
    pub diagnostic: JsonDiagnostic,
}

/// The findings of one unit as JSON objects.
pub fn json_diagnostics(user: &str, unit: &UnitReport) -> Vec<ScanJsonDiagnostic> {
    let secrets = redact::secret_texts(&unit.sources, unit.secrets());
    let client = unit.client().map(|c| c.as_str().to_owned());
    unit.diagnostics
        .iter()
        .map(|d| ScanJsonDiagnostic {
            user: user.to_owned(),
            diagnostic: to_json(d, &unit.sources, client.as_deref(), &secrets),
        })
        .collect()
}

/// Writes one JSON object per finding, one per line.
pub fn json_lines(user: &str, unit: &UnitReport, out: &mut dyn Write) -> io::Result<()> {
    for item in json_diagnostics(user, unit) {
        serde_json::to_writer(&mut *out, &item)?;
        writeln!(out)?;
    }
    Ok(())
}

/// A JSON array written piece by piece: `[`, the items (pretty-printed and indented as
/// `serde_json` prints an array), `]`. Items may be written into other buffers first (on worker
/// threads) with [`JsonArray::item`]; only the separators depend on what came before.
#[derive(Debug, Default)]
pub struct JsonArray {
    items: usize,
}

impl JsonArray {
    /// A new, empty array.
    pub fn new() -> Self {
        Self::default()
    }

    /// Writes one item, pretty-printed and indented by two spaces, without separator.
    pub fn item(item: &ScanJsonDiagnostic, out: &mut Vec<u8>) -> io::Result<()> {
        let text = serde_json::to_string_pretty(item)?;
        for (i, line) in text.lines().enumerate() {
            if i > 0 {
                out.push(b'\n');
            }
            out.extend_from_slice(b"  ");
            out.extend_from_slice(line.as_bytes());
        }
        Ok(())
    }

    /// Writes items made by [`JsonArray::item`], each given as its own byte string.
    pub fn write_items<'a>(
        &mut self,
        items: impl IntoIterator<Item = &'a [u8]>,
        out: &mut dyn Write,
    ) -> io::Result<()> {
        for item in items {
            out.write_all(if self.items == 0 { b"[\n" } else { b",\n" })?;
            out.write_all(item)?;
            self.items += 1;
        }
        Ok(())
    }

    /// Closes the array (`[]` when nothing was written).
    pub fn finish(self, out: &mut dyn Write) -> io::Result<()> {
        if self.items == 0 { writeln!(out, "[]") } else { writeln!(out, "\n]") }
    }
}

/// `full`: the header that starts a user's findings.
pub fn user_header(
    user: &str,
    home: &Path,
    out: &mut dyn Write,
    options: RenderOptions,
) -> io::Result<()> {
    let title =
        format!("User {} ({})", escape::line(user), escape::line(&home.display().to_string()));
    if options.color { writeln!(out, "\x1b[1m{title}\x1b[0m") } else { writeln!(out, "{title}") }
}

/// `full`: a line naming the client and file, then the file's findings as graphical blocks.
pub fn full(
    user: &str,
    unit: &UnitReport,
    out: &mut dyn Write,
    options: RenderOptions,
) -> io::Result<()> {
    if unit.diagnostics.is_empty() {
        return Ok(());
    }
    let client = unit.client().map_or_else(|| "unknown".to_owned(), |c| c.to_string());
    let (user, root) = (escape::line(user), unit.root.display().to_string());
    writeln!(out, "[{user}/{client}] {}", escape::line(&root))?;
    full::render(std::slice::from_ref(unit), out, options)
}

/// `concise`: `check`'s lines, each prefixed with `[user/client] `.
pub fn concise(user: &str, unit: &UnitReport, out: &mut dyn Write) -> io::Result<()> {
    let mut lines = Vec::new();
    concise::render(std::slice::from_ref(unit), &mut lines)?;
    let client = unit.client().map_or_else(|| "unknown".to_owned(), |c| c.to_string());
    let prefix = format!("[{}/{client}] ", escape::line(user));
    for line in lines.split_inclusive(|&b| b == b'\n') {
        out.write_all(prefix.as_bytes())?;
        out.write_all(line)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::test_support::sample_units;

    #[test]
    fn concise_lines_start_with_user_and_client() {
        let units = sample_units();
        let mut out = Vec::new();
        for unit in &units {
            concise("alice", unit, &mut out).unwrap();
        }
        let text = String::from_utf8(out).unwrap();
        let mut plain = Vec::new();
        crate::concise::render(&units, &mut plain).unwrap();
        let plain = String::from_utf8(plain).unwrap();
        assert_eq!(text.lines().count(), plain.lines().count());
        assert!(text.lines().count() > 0);
        for (scan_line, check_line) in text.lines().zip(plain.lines()) {
            let rest = scan_line.strip_prefix("[alice/").expect("prefixed");
            let (client, rest) = rest.split_once("] ").unwrap();
            assert!(!client.is_empty());
            assert_eq!(rest, check_line);
        }
    }

    #[test]
    fn json_objects_carry_the_user_and_the_array_is_valid_json() {
        let units = sample_units();
        let mut array = JsonArray::new();
        let mut out = Vec::new();
        let mut count = 0;
        for unit in &units {
            let mut items = Vec::new();
            for item in json_diagnostics("bob", unit) {
                let mut bytes = Vec::new();
                JsonArray::item(&item, &mut bytes).unwrap();
                items.push(bytes);
            }
            count += items.len();
            array.write_items(items.iter().map(Vec::as_slice), &mut out).unwrap();
        }
        array.finish(&mut out).unwrap();
        let parsed: serde_json::Value = serde_json::from_slice(&out).unwrap();
        let items = parsed.as_array().unwrap();
        assert_eq!(items.len(), count);
        assert!(count > 0);
        for item in items {
            assert_eq!(item["user"], "bob");
            assert!(item.get("client").is_some() && item.get("code").is_some());
        }

        let mut empty = Vec::new();
        JsonArray::new().finish(&mut empty).unwrap();
        assert_eq!(empty, b"[]\n");
    }
}
