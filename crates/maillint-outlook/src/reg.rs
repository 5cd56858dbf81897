//! `.reg` exports of Outlook profiles: `Windows Registry Editor Version 5.00` (regedit writes
//! it as UTF-16LE with a BOM) or `REGEDIT4` files whose account subkeys
//! `...\9375CFF0413111d3B88A00104B2A6676\0000000N` hold the settings as `hex:` UTF-16LE
//! strings and `dword:` numbers (outlook.md 2, 3).
//!
//! Keys are applied in file order like regedit imports them: a later value replaces an
//! earlier one, `"Name"=-` deletes a value and `[-Key]` deletes a key. Spans point into the
//! decoded text, so a finding in a UTF-16LE file lands on the line and column an editor shows.
//! Password values are recorded as secrets and never decoded.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use maillint_core::builtin::ParseError;
use maillint_core::fix::{Applicability, Edit, FieldChange, Fix};
use maillint_core::{
    Account, AuthMethod, Client, Confidence, Diagnostic, FileId, Label, Located, LowerError,
    ParseOptions, ParsedUnit, Parser, Protocol, RuleMeta, SecretKind, SourceFile, Sources, Span,
    StoredSecret, TextRange,
};

use crate::accounts::{
    self, EndpointInput, Number, SecuritySource, SettingNames, build_endpoint,
    security_as_secure_connection, security_as_ssl_flag,
};
use crate::rules::{RegUnexpectedValueType, SmtpSecurityFlagsConflict};
use crate::text::{EditSet, Line, WithFix, has_extension, lines, sniff, sort_by_position};

/// Reads `.reg` exports.
#[derive(Debug, Default, Clone, Copy)]
pub struct RegParser;

/// The first line of a version 5 export, and of the older ANSI format (outlook.md 3.1).
const HEADER_V5: &str = "Windows Registry Editor Version 5.00";
const HEADER_V4: &str = "REGEDIT4";

/// The profile subkey that holds mail accounts (outlook.md 2.1).
const ACCOUNTS_KEY: &str = "9375CFF0413111d3B88A00104B2A6676";

/// Wine's `regedit` wraps `hex:` data once a line reaches this many characters
/// (`MAX_HEX_CHARS` in programs/regedit/export.c), which reproduces the layout of the regedit
/// exports in the corpus: 18 bytes after `"ComposeFontComplex"=hex:`, then 25 per line.
const REGEDIT_HEX_WIDTH: usize = 77;

/// How a `hex:` value was wrapped, so a rewritten value wraps the same way.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Wrapping {
    /// regedit's own layout.
    Regedit,
    /// Everything on one line.
    SingleLine,
    /// Hand-wrapped: at most `first` bytes on the first line, `rest` on the others.
    Fixed { first: usize, rest: usize },
}

#[derive(Clone, Debug, PartialEq, Eq)]
struct HexLayout {
    wrapping: Wrapping,
    indent: String,
    upper: bool,
}

impl HexLayout {
    fn regedit() -> Self {
        HexLayout { wrapping: Wrapping::Regedit, indent: "  ".to_owned(), upper: false }
    }
}

/// Bytes per line as regedit writes `bytes` after a prefix of `prefix_chars` characters.
fn regedit_line_counts(prefix_chars: usize, bytes: usize) -> Vec<usize> {
    let mut counts = vec![0];
    let mut line_len = prefix_chars;
    for i in 0..bytes {
        *counts.last_mut().expect("never empty") += 1;
        if i + 1 == bytes {
            break;
        }
        line_len += 3;
        if line_len >= REGEDIT_HEX_WIDTH {
            counts.push(0);
            line_len = 2;
        }
    }
    counts
}

/// The hex text for `bytes` (without the `hex:` prefix) in `layout`, for a value whose data
/// starts after `prefix_chars` characters of its first line.
fn format_hex(bytes: &[u8], prefix_chars: usize, layout: &HexLayout, eol: &str) -> String {
    let counts = match layout.wrapping {
        Wrapping::Regedit => regedit_line_counts(prefix_chars, bytes.len()),
        Wrapping::SingleLine => vec![bytes.len()],
        Wrapping::Fixed { first, rest } => {
            let mut counts = vec![first.min(bytes.len())];
            let mut left = bytes.len() - counts[0];
            while left > 0 {
                counts.push(rest.min(left));
                left -= counts.last().copied().unwrap_or(left);
            }
            counts
        }
    };
    let mut out = String::with_capacity(bytes.len() * 3 + counts.len() * 6);
    let mut index = 0;
    for (line, count) in counts.iter().enumerate() {
        if line > 0 {
            out.push('\\');
            out.push_str(eol);
            out.push_str(&layout.indent);
        }
        for _ in 0..*count {
            if layout.upper {
                out.push_str(&format!("{:02X}", bytes[index]));
            } else {
                out.push_str(&format!("{:02x}", bytes[index]));
            }
            index += 1;
            if index < bytes.len() {
                out.push(',');
            }
        }
    }
    out
}

/// A string as Outlook stores it: UTF-16LE and a `00 00` terminator (outlook.md 2.2, 3.2).
fn utf16le_with_nul(text: &str) -> Vec<u8> {
    text.encode_utf16().chain([0]).flat_map(u16::to_le_bytes).collect()
}

/// One value's data.
#[derive(Clone, Debug)]
enum Data {
    /// `"text"`; `range` is inside the quotes.
    String { value: String, range: TextRange },
    /// `dword:000003e1`; `range` covers the digits.
    Dword { value: u32, range: TextRange },
    /// `hex:` (`kind` None) or `hex(N):`; `range` runs from the first to the last byte.
    Hex {
        kind: Option<u32>,
        bytes: Vec<u8>,
        range: TextRange,
        layout: HexLayout,
        prefix_chars: usize,
    },
    /// `-`: delete the value.
    Delete,
}

#[derive(Clone, Debug)]
struct Value {
    name: String,
    data: Data,
    /// Everything after `=`, continuations included.
    data_range: TextRange,
    last_line: usize,
}

#[derive(Clone, Debug)]
struct KeyBlock {
    path: String,
    deleted: bool,
    header_line: usize,
    values: Vec<Value>,
}

impl KeyBlock {
    fn last_line(&self) -> usize {
        self.values.last().map_or(self.header_line, |v| v.last_line)
    }
}

fn parse_error(file: FileId, at: usize, message: impl Into<String>) -> Diagnostic {
    Diagnostic::new(ParseError::metadata(), Span::point(file, at), message)
}

/// Reads a quoted name or string starting at `start` (the opening quote). Returns the
/// unescaped text and the offset after the closing quote. `\\` and `\"` are the only escapes
/// (outlook.md 3.1).
fn quoted(text: &str, start: usize, end: usize) -> Option<(String, usize)> {
    let mut out = String::new();
    let mut chars = text[start + 1..end].char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '"' => return Some((out, start + 1 + i + 1)),
            '\\' => match chars.next() {
                Some((_, escaped @ ('\\' | '"'))) => out.push(escaped),
                Some((_, other)) => {
                    out.push('\\');
                    out.push(other);
                }
                None => out.push('\\'),
            },
            _ => out.push(c),
        }
    }
    None
}

fn escape_string(text: &str) -> String {
    text.replace('\\', "\\\\").replace('"', "\\\"")
}

struct Scan {
    lines: Vec<Line>,
    blocks: Vec<KeyBlock>,
}

fn scan(text: &str, file: FileId, diagnostics: &mut Vec<Diagnostic>) -> Option<Scan> {
    let lines = lines(text);
    let header = text[lines[0].start..lines[0].end].trim();
    if header != HEADER_V5 && header != HEADER_V4 {
        diagnostics.push(parse_error(
            file,
            lines[0].start,
            format!("a registry export starts with `{HEADER_V5}` or `{HEADER_V4}`; regedit refuses this file"),
        ));
        return None;
    }
    let mut blocks: Vec<KeyBlock> = Vec::new();
    let mut index = 1;
    while index < lines.len() {
        let line = lines[index];
        let content = &text[line.start..line.end];
        let trimmed = content.trim_start();
        let start = line.end - trimmed.len();
        let trimmed = trimmed.trim_end();
        if trimmed.is_empty() || trimmed.starts_with(';') {
            index += 1;
            continue;
        }
        if let Some(inside) = trimmed.strip_prefix('[') {
            match trimmed.rfind(']') {
                Some(close) => {
                    let deleted = inside.starts_with('-');
                    let path_start = start + 1 + usize::from(deleted);
                    blocks.push(KeyBlock {
                        path: text[path_start..start + close].to_owned(),
                        deleted,
                        header_line: index,
                        values: Vec::new(),
                    });
                }
                None => diagnostics.push(parse_error(
                    file,
                    start + trimmed.len(),
                    "key path has no closing `]`",
                )),
            }
            index += 1;
            continue;
        }
        let (value, next) = parse_value(text, &lines, index, start, file, diagnostics);
        if let Some(value) = value {
            match blocks.last_mut() {
                Some(block) => block.values.push(value),
                None => {
                    diagnostics.push(parse_error(file, start, "value before the first `[key]`"))
                }
            }
        }
        index = next;
    }
    Some(Scan { lines, blocks })
}

/// Parses the value starting on line `index` at `start`; returns it (None after an error) and
/// the index of the line after it.
fn parse_value(
    text: &str,
    lines: &[Line],
    index: usize,
    start: usize,
    file: FileId,
    diagnostics: &mut Vec<Diagnostic>,
) -> (Option<Value>, usize) {
    let line = lines[index];
    let fail = |diagnostics: &mut Vec<Diagnostic>, at: usize, message: String| {
        diagnostics.push(parse_error(file, at, message));
        // Skip the continuation lines of a broken value too.
        let mut next = index;
        while next < lines.len()
            && text[lines[next].start..lines[next].end].trim_end().ends_with('\\')
        {
            next += 1;
        }
        (None, next + 1)
    };
    let (name, after_name) = if text[start..].starts_with('@') {
        ("@".to_owned(), start + 1)
    } else if text[start..].starts_with('"') {
        match quoted(text, start, line.end) {
            Some(found) => found,
            None => {
                return fail(diagnostics, line.end, "value name has no closing `\"`".to_owned());
            }
        }
    } else {
        return fail(
            diagnostics,
            start,
            "expected a `[key]`, a `\"name\"=value` line or a `;` comment".to_owned(),
        );
    };
    let rest = &text[after_name..line.end];
    let equals = after_name + (rest.len() - rest.trim_start().len());
    if !text[equals..line.end].starts_with('=') {
        return fail(diagnostics, equals, format!("expected `=` after the value name `{name}`"));
    }
    let data_start = equals + 1;
    let data_text = &text[data_start..line.end];
    let lower = data_text.to_ascii_lowercase();
    let simple = |data: Data, end: usize| {
        (
            Some(Value {
                name: name.clone(),
                data,
                data_range: TextRange::new(data_start, end),
                last_line: index,
            }),
            index + 1,
        )
    };
    if data_text.trim_end() == "-" {
        return simple(Data::Delete, line.end);
    }
    if data_text.starts_with('"') {
        let Some((value, after)) = quoted(text, data_start, line.end) else {
            return fail(diagnostics, line.end, "string value has no closing `\"`".to_owned());
        };
        if !text[after..line.end].trim().is_empty() {
            return fail(diagnostics, after, "unexpected text after the closing `\"`".to_owned());
        }
        return simple(
            Data::String { value, range: TextRange::new(data_start + 1, after - 1) },
            after,
        );
    }
    if let Some(digits) = lower.strip_prefix("dword:") {
        let digits_start = data_start + 6;
        let digits = digits.trim_end();
        if digits.is_empty() || digits.len() > 8 || !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
            return fail(
                diagnostics,
                digits_start,
                format!(
                    "`dword:` takes up to 8 hexadecimal digits, not `{}`",
                    &data_text[6..].trim_end()
                ),
            );
        }
        let value = u32::from_str_radix(digits, 16).unwrap_or_default();
        return simple(
            Data::Dword { value, range: TextRange::new(digits_start, digits_start + digits.len()) },
            digits_start + digits.len(),
        );
    }
    let kind_and_prefix = if lower.starts_with("hex:") {
        Some((None, 4))
    } else if let Some(inner) = lower.strip_prefix("hex(") {
        inner.find("):").and_then(|close| {
            u32::from_str_radix(&inner[..close], 16).ok().map(|kind| (Some(kind), 4 + close + 2))
        })
    } else {
        None
    };
    let Some((kind, prefix_len)) = kind_and_prefix else {
        return fail(
            diagnostics,
            data_start,
            "expected `\"string\"`, `dword:`, `hex:`, `hex(N):` or `-` after `=`".to_owned(),
        );
    };
    let bytes_start = data_start + prefix_len;
    let prefix_chars = text[line.start..bytes_start].chars().count();
    let mut bytes = Vec::new();
    let mut counts = Vec::new();
    let mut last_byte_end = bytes_start;
    let mut indent = "  ".to_owned();
    let mut upper = false;
    let mut current = index;
    let mut segment_start = bytes_start;
    loop {
        let segment_line = lines[current];
        let segment = &text[segment_start..segment_line.end];
        let trimmed = segment.trim_end();
        let (body, continues) = match trimmed.strip_suffix('\\') {
            Some(body) => (body, true),
            None => (trimmed, false),
        };
        let mut count = 0;
        let mut offset = segment_start;
        for piece in body.split(',') {
            let token = piece.trim();
            let token_start = offset + (piece.len() - piece.trim_start().len());
            offset += piece.len() + 1;
            if token.is_empty() {
                continue;
            }
            let two_hex_digits = token.len() == 2 && token.bytes().all(|b| b.is_ascii_hexdigit());
            match (two_hex_digits, u8::from_str_radix(token, 16)) {
                (true, Ok(byte)) => {
                    bytes.push(byte);
                    count += 1;
                    upper |= token.bytes().any(|b| b.is_ascii_uppercase());
                    last_byte_end = token_start + 2;
                }
                _ => {
                    return fail(
                        diagnostics,
                        token_start,
                        format!("`{token}` is not a two-digit hex byte"),
                    );
                }
            }
        }
        counts.push(count);
        if !continues {
            break;
        }
        if current + 1 >= lines.len() {
            diagnostics.push(parse_error(
                file,
                segment_line.end,
                "the file ends after a `\\` continuation",
            ));
            break;
        }
        current += 1;
        let next_line = lines[current];
        let next_text = &text[next_line.start..next_line.end];
        let body = next_text.trim_start();
        if current == index + 1 {
            indent = next_text[..next_text.len() - body.len()].to_owned();
        }
        segment_start = next_line.end - body.len();
    }
    let wrapping = if regedit_line_counts(prefix_chars, bytes.len()) == counts {
        Wrapping::Regedit
    } else if counts.len() == 1 {
        Wrapping::SingleLine
    } else {
        Wrapping::Fixed {
            first: counts[0],
            rest: counts[1..].iter().copied().max().unwrap_or(1).max(1),
        }
    };
    let data = Data::Hex {
        kind,
        bytes,
        range: TextRange::new(bytes_start, last_byte_end),
        layout: HexLayout { wrapping, indent, upper },
        prefix_chars,
    };
    (
        Some(Value {
            name,
            data,
            data_range: TextRange::new(data_start, last_byte_end),
            last_line: current,
        }),
        current + 1,
    )
}

/// The values of one key after applying every block in file order.
struct KeyValues<'a> {
    path: &'a str,
    values: Vec<&'a Value>,
    /// The block whose end receives new values.
    last_block: &'a KeyBlock,
}

impl KeyValues<'_> {
    fn get(&self, name: &str) -> Option<&Value> {
        self.values.iter().copied().find(|v| v.name.eq_ignore_ascii_case(name))
    }
}

fn merge(blocks: &[KeyBlock]) -> Vec<KeyValues<'_>> {
    let mut keys: Vec<KeyValues<'_>> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    for block in blocks {
        let lower = block.path.to_ascii_lowercase();
        if block.deleted {
            // `[-Key]` deletes the key and its subkeys.
            for key in &mut keys {
                let path = key.path.to_ascii_lowercase();
                if path == lower || path.starts_with(&format!("{lower}\\")) {
                    key.values.clear();
                }
            }
            continue;
        }
        let slot = *index.entry(lower).or_insert_with(|| {
            keys.push(KeyValues { path: &block.path, values: Vec::new(), last_block: block });
            keys.len() - 1
        });
        let key = &mut keys[slot];
        key.last_block = block;
        for value in &block.values {
            key.values.retain(|v| !v.name.eq_ignore_ascii_case(&value.name));
            if !matches!(value.data, Data::Delete) {
                key.values.push(value);
            }
        }
    }
    keys
}

/// Whether `path` is an account subkey: `...\9375CFF0413111d3B88A00104B2A6676\` and an
/// 8-character name; readers skip other subkeys (outlook.md 2.1).
fn is_account_key(path: &str) -> bool {
    let mut parts = path.rsplit('\\');
    let (Some(last), Some(parent)) = (parts.next(), parts.next()) else { return false };
    parent.eq_ignore_ascii_case(ACCOUNTS_KEY)
        && last.len() == 8
        && last.bytes().all(|b| b.is_ascii_hexdigit())
}

/// The registry value names of one endpoint (outlook.md 2.2).
fn names_for(prefix: &'static str) -> SettingNames {
    match prefix {
        "IMAP" => SettingNames {
            port: "IMAP Port",
            ssl_flag: "IMAP Use SSL",
            secure_connection: "SMTP Secure Connection",
            spa: "IMAP Use SPA",
            use_auth: "SMTP Use Auth",
            auth_method: "SMTP Auth Method",
        },
        "POP3" => SettingNames {
            port: "POP3 Port",
            ssl_flag: "POP3 Use SSL",
            secure_connection: "SMTP Secure Connection",
            spa: "POP3 Use SPA",
            use_auth: "SMTP Use Auth",
            auth_method: "SMTP Auth Method",
        },
        _ => SettingNames {
            port: "SMTP Port",
            ssl_flag: "SMTP Use SSL",
            secure_connection: "SMTP Secure Connection",
            spa: "SMTP Use SPA",
            use_auth: "SMTP Use Auth",
            auth_method: "SMTP Auth Method",
        },
    }
}

/// What [`RegParser::lower`] needs about one value.
#[derive(Clone, Debug)]
struct ValueRef {
    name: String,
    data: Data,
    data_range: TextRange,
}

#[derive(Clone, Debug)]
struct EndpointState {
    protocol: Protocol,
    prefix: &'static str,
    values: Vec<ValueRef>,
    insert_at: usize,
    leading_eol: bool,
    /// The key's last line ends in a `\` continuation with nothing after it (a truncated
    /// export): a value inserted after it would become part of that continuation.
    open_continuation: bool,
    security_source: SecuritySource,
}

impl EndpointState {
    fn value(&self, name: &str) -> Option<&ValueRef> {
        self.values.iter().find(|v| v.name.eq_ignore_ascii_case(name))
    }
}

#[derive(Debug)]
struct RegState {
    file: FileId,
    eol: &'static str,
    endpoints: Vec<Vec<EndpointState>>,
}

impl Parser for RegParser {
    /// In a `.reg` export a comment is a line starting with `;` (outlook.md 3.1).
    fn comment_leaders(&self) -> &'static [&'static str] {
        &[";"]
    }

    fn name(&self) -> &'static str {
        "outlook-reg"
    }

    fn client(&self) -> Client {
        crate::CLIENT
    }

    fn detect(&self, path: &Path, head: &[u8]) -> Option<Confidence> {
        if has_extension(path, "reg") {
            return Some(Confidence::Name);
        }
        let text = sniff(head);
        let first = text.lines().next().unwrap_or("").trim();
        (first == HEADER_V5 || first == HEADER_V4).then_some(Confidence::Content)
    }

    fn parse(&self, root: FileId, sources: &mut Sources, _options: &ParseOptions) -> ParsedUnit {
        let file = Arc::clone(sources.get(root));
        let mut unit = parse_reg(root, &file);
        crate::secrets::add_swept(&mut unit, root, file.text());
        unit
    }

    fn lower(
        &self,
        unit: &ParsedUnit,
        _sources: &Sources,
        account: usize,
        endpoint: usize,
        changes: &[FieldChange],
    ) -> Result<Vec<Edit>, LowerError> {
        let (state, endpoint) = crate::accounts::lowering_target::<RegState, _>(
            unit,
            ".reg",
            |s| &s.endpoints,
            account,
            endpoint,
        )?;
        lower_reg(state, endpoint, changes)
    }

    fn rules(&self) -> Vec<Arc<RuleMeta>> {
        crate::rules::for_reg()
    }
}

fn parse_reg(root: FileId, file: &SourceFile) -> ParsedUnit {
    let text = file.text();
    let mut unit = ParsedUnit::default();
    let Some(scan) = scan(text, root, &mut unit.diagnostics) else { return unit };
    let eol = file.line_ending().as_str();
    let mut states = Vec::new();
    for key in merge(&scan.blocks) {
        if !is_account_key(key.path) {
            continue;
        }
        let mut reader = AccountReader { key: &key, file: root, text, eol, unit: &mut unit };
        if let Some((account, endpoint_states)) = reader.read(&scan) {
            unit.accounts.push(account);
            states.push(endpoint_states);
        }
    }
    sort_by_position(&mut unit.diagnostics);
    unit.state = Some(Box::new(RegState { file: root, eol, endpoints: states }));
    unit
}

/// `IMAP Password`, `POP3 Password`, `SMTP Password` (outlook.md 2.2), the numbered
/// `IMAP Password2` and `POP3 Password2`, and any other value whose name ends in `Password`.
fn is_password_value(name: &str) -> bool {
    name.to_ascii_lowercase().ends_with("password") || crate::secrets::is_password_name(name)
}

/// The text of a value's data without its type prefix: what a renderer must redact.
fn value_text_range(value: &Value) -> TextRange {
    match &value.data {
        Data::Hex { range, .. } | Data::String { range, .. } | Data::Dword { range, .. } => *range,
        Data::Delete => value.data_range,
    }
}

struct AccountReader<'a, 'k> {
    key: &'a KeyValues<'k>,
    file: FileId,
    text: &'a str,
    eol: &'static str,
    unit: &'a mut ParsedUnit,
}

impl AccountReader<'_, '_> {
    fn span(&self, range: TextRange) -> Span {
        Span { file: self.file, range }
    }

    fn wrong_type(&mut self, value: &Value, message: String, fix: Option<(String, String)>) {
        let mut diagnostic = Diagnostic::new(
            RegUnexpectedValueType::metadata(),
            self.span(value.data_range),
            message,
        );
        if let Some((title, content)) = fix {
            diagnostic = diagnostic.with_fix(Fix {
                title,
                applicability: Applicability::Unsafe,
                edits: vec![Edit::replace(self.span(value.data_range), content)],
            });
        }
        self.unit.diagnostics.push(diagnostic);
    }

    /// A string value: `hex:` UTF-16LE with a NUL terminator (outlook.md 2.2). The span covers
    /// the whole hex text so that a fix can rewrite it.
    fn string(&mut self, name: &str) -> Option<Located<String>> {
        let value = self.key.get(name)?;
        match &value.data {
            Data::Hex { kind: None, bytes, range, prefix_chars, .. } => {
                if bytes.len() % 2 != 0 {
                    self.unit.diagnostics.push(Diagnostic::new(
                        ParseError::metadata(),
                        self.span(*range),
                        format!("`{name}` has an odd number of bytes, so it is not UTF-16LE text"),
                    ));
                    return None;
                }
                let mut units: Vec<u16> =
                    bytes.chunks_exact(2).map(|p| u16::from_le_bytes([p[0], p[1]])).collect();
                if units.last() == Some(&0) {
                    units.pop();
                } else {
                    let decoded = String::from_utf16_lossy(&units);
                    let fixed = format_hex(
                        &utf16le_with_nul(&decoded),
                        *prefix_chars,
                        &HexLayout::regedit(),
                        self.eol,
                    );
                    self.wrong_type(
                        value,
                        format!(
                            "`{name}` has no `00,00` terminator; readers drop its last character"
                        ),
                        // A value cut off after a `\` continuation (a truncated export) is
                        // not rewritten: the continuation would swallow what follows.
                        (!self.text[range.end as usize..]
                            .trim_start_matches([' ', '\t', ','])
                            .starts_with('\\'))
                        .then(|| ("Add the UTF-16 terminator".to_owned(), format!("hex:{fixed}"))),
                    );
                }
                let end = units.iter().position(|&u| u == 0).unwrap_or(units.len());
                match String::from_utf16(&units[..end]) {
                    Ok(decoded) if !decoded.is_empty() => {
                        Some(Located::explicit(decoded, self.span(*range)))
                    }
                    Ok(_) => None,
                    Err(_) => {
                        self.unit.diagnostics.push(Diagnostic::new(
                            ParseError::metadata(),
                            self.span(*range),
                            format!("`{name}` is not valid UTF-16LE text"),
                        ));
                        None
                    }
                }
            }
            Data::String { value: decoded, range } => {
                let decoded = decoded.clone();
                let range = *range;
                let line_start = self.text[..value.data_range.start as usize]
                    .rfind(['\n', '\r'])
                    .map_or(0, |i| i + 1);
                let prefix_chars =
                    self.text[line_start..value.data_range.start as usize].chars().count() + 4;
                let hex = format_hex(
                    &utf16le_with_nul(&decoded),
                    prefix_chars,
                    &HexLayout::regedit(),
                    self.eol,
                );
                self.wrong_type(
                    value,
                    format!("`{name}` is a string (REG_SZ); Outlook stores it as `hex:` UTF-16LE text (REG_BINARY)"),
                    Some(("Store the value as `hex:` UTF-16LE text".to_owned(), format!("hex:{hex}"))),
                );
                (!decoded.is_empty()).then(|| Located::explicit(decoded, self.span(range)))
            }
            Data::Hex { kind: Some(kind), .. } => {
                let kind = *kind;
                self.wrong_type(
                    value,
                    format!("`{name}` is `hex({kind:x}):`; Outlook stores it as `hex:` UTF-16LE text (REG_BINARY)"),
                    None,
                );
                None
            }
            Data::Dword { .. } => {
                self.wrong_type(
                    value,
                    format!("`{name}` is a `dword:`; Outlook stores it as `hex:` UTF-16LE text"),
                    None,
                );
                None
            }
            Data::Delete => None,
        }
    }

    /// A number: `dword:` (or `hex(4):`, which is a REG_DWORD too).
    fn number(&mut self, name: &str) -> Option<Number> {
        let value = self.key.get(name)?;
        match &value.data {
            Data::Dword { value, range } => Some(Number { value: *value, span: self.span(*range) }),
            Data::Hex { kind: Some(4), bytes, range, .. } if bytes.len() == 4 => Some(Number {
                value: u32::from_le_bytes([bytes[0], bytes[1], bytes[2], bytes[3]]),
                span: self.span(*range),
            }),
            Data::String { value: decoded, .. } => {
                let parsed = decoded.trim().parse::<u32>().ok();
                let fix = parsed.map(|n| {
                    ("Store the value as a `dword:`".to_owned(), format!("dword:{n:08x}"))
                });
                self.wrong_type(
                    value,
                    format!(
                        "`{name}` is a string (REG_SZ); Outlook stores it as a `dword:` (REG_DWORD)"
                    ),
                    fix,
                );
                None
            }
            Data::Hex { .. } => {
                self.wrong_type(
                    value,
                    format!("`{name}` is binary data; Outlook stores it as a `dword:` (REG_DWORD)"),
                    None,
                );
                None
            }
            Data::Delete => None,
        }
    }

    fn read(&mut self, scan: &Scan) -> Option<(Account, Vec<EndpointState>)> {
        let has = |name: &str| self.key.get(name).is_some();
        let mut protocols: Vec<(Protocol, &'static str)> = Vec::new();
        if has("IMAP Server") {
            protocols.push((Protocol::Imap, "IMAP"));
        }
        if has("POP3 Server") {
            protocols.push((Protocol::Pop3, "POP3"));
        }
        if has("SMTP Server") {
            protocols.push((Protocol::Smtp, "SMTP"));
        }
        if protocols.is_empty() {
            // An Exchange or other service entry: no internet mail server values.
            return None;
        }
        // Every password value of the account is a secret, attached to an endpoint or not
        // (outlook.md 2.2: DPAPI blobs, still secret in an export).
        for value in self.key.values.iter().filter(|v| is_password_value(&v.name)) {
            let range = value_text_range(value);
            self.unit.secrets.push(self.span(range));
        }
        let block = self.key.last_block;
        let last = scan.lines[block.last_line()];
        let (insert_at, leading_eol) =
            if last.has_terminator() { (last.next, false) } else { (last.end, true) };
        let open_continuation = self.text[last.start..last.end].trim_end().ends_with('\\');
        let header = scan.lines[block.header_line];
        let account_span = self.span(TextRange::new(header.start, last.end));
        let subkey = self.key.path.rsplit('\\').next().unwrap_or_default().to_owned();

        let mut endpoints = Vec::new();
        let mut states = Vec::new();
        for (protocol, prefix) in protocols {
            let names = names_for(prefix);
            let secrets: Vec<StoredSecret> = self
                .key
                .values
                .iter()
                .filter(|v| is_password_value(&v.name))
                .filter(|v| v.name.to_ascii_uppercase().starts_with(prefix))
                .map(|v| StoredSecret {
                    kind: SecretKind::Password,
                    setting: v.name.clone(),
                    span: self.span(value_text_range(v)),
                })
                .collect();
            let ssl_flag = self.number(names.ssl_flag);
            let secure_connection = if protocol == Protocol::Smtp {
                self.number(names.secure_connection)
            } else {
                None
            };
            let conflict = ssl_flag
                .zip(secure_connection)
                .filter(|(old, new)| accounts::smtp_flags_conflict(old.value, new.value));
            if let Some((old, new)) = conflict {
                self.unit.diagnostics.push(
                        Diagnostic::new(
                            SmtpSecurityFlagsConflict::metadata(),
                            new.span,
                            format!(
                                "`SMTP Secure Connection` ({}) and `SMTP Use SSL` ({}) disagree about the outgoing security",
                                new.value, old.value
                            ),
                        )
                        .with_label(Label::new(old.span, "older setting")),
                    );
            }
            let input = EndpointInput {
                protocol,
                names,
                host: self.string(&format!("{prefix} Server")),
                port: self.number(names.port),
                ssl_flag,
                secure_connection,
                prefer_secure_connection: true,
                spa: self.number(names.spa),
                use_auth: if protocol == Protocol::Smtp {
                    self.number(names.use_auth)
                } else {
                    None
                },
                auth_method: None,
                username: self.string(&format!("{prefix} User")),
                secrets,
                insert_at: Span::point(self.file, insert_at),
                span: account_span,
                locator: format!("reg:{subkey}:{}", protocol.as_str()),
            };
            let (endpoint, security_source) = build_endpoint(input, &mut self.unit.diagnostics);
            endpoints.push(endpoint);
            states.push(EndpointState {
                protocol,
                prefix,
                // Password values stay out of the parser state, so no Debug print holds them.
                values: self
                    .key
                    .values
                    .iter()
                    .filter(|v| !is_password_value(&v.name))
                    .map(|v| ValueRef {
                        name: v.name.clone(),
                        data: v.data.clone(),
                        data_range: v.data_range,
                    })
                    .collect(),
                insert_at,
                leading_eol,
                open_continuation,
                security_source,
            });
        }
        let account_name = self.string("Account Name");
        let account = Account {
            client: crate::CLIENT,
            name: match account_name {
                Some(name) => format!("{subkey} {}", name.value),
                None => subkey,
            },
            email: self.string("Email"),
            span: account_span,
            endpoints,
        };
        Some((account, states))
    }
}

fn lower_reg(
    state: &RegState,
    endpoint: &EndpointState,
    changes: &[FieldChange],
) -> Result<Vec<Edit>, LowerError> {
    if endpoint.open_continuation {
        return Err(LowerError(
            "the account's last value ends in a `\\` continuation with nothing after it; complete or remove that value first".to_owned(),
        ));
    }
    let mut edits = EditSet::new(state.file);
    let prefix = endpoint.prefix;
    let names = names_for(prefix);
    for change in changes {
        match change {
            FieldChange::Host(host) => {
                if host.is_empty() || host.chars().any(char::is_control) {
                    return Err(LowerError(format!(
                        "`{}` is not a host name",
                        host.escape_debug()
                    )));
                }
                set_string(state, endpoint, &mut edits, &format!("{prefix} Server"), host);
            }
            FieldChange::Port(port) => {
                set_dword(state, endpoint, &mut edits, names.port, u32::from(*port))
            }
            FieldChange::Security(security) => {
                let flag = security_as_ssl_flag(*security);
                let secure_connection = security_as_secure_connection(*security);
                let cannot = |setting: &str| {
                    LowerError(format!("`{setting}` cannot say {}", security.describe()))
                };
                match (endpoint.protocol, endpoint.security_source) {
                    (
                        Protocol::Smtp,
                        SecuritySource::SecureConnection | SecuritySource::Missing,
                    ) => {
                        let value =
                            secure_connection.ok_or_else(|| cannot(names.secure_connection))?;
                        set_dword(state, endpoint, &mut edits, names.secure_connection, value);
                    }
                    _ => {
                        // `Use SSL` flags: 0 off, 1 SSL; 2 and 3 are unverified (outlook.md 2.2).
                        let value = flag.ok_or_else(|| cannot(names.ssl_flag))?;
                        set_dword(state, endpoint, &mut edits, names.ssl_flag, value);
                    }
                }
            }
            FieldChange::Auth(auth) => {
                let (use_auth, spa) = match auth {
                    AuthMethod::PasswordCleartext => (1, 0),
                    AuthMethod::Ntlm => (1, 1),
                    AuthMethod::None if endpoint.protocol == Protocol::Smtp => (0, 0),
                    other => {
                        return Err(LowerError(format!(
                            "an Outlook profile cannot be set to {} authentication for {}",
                            other.as_str(),
                            endpoint.protocol
                        )));
                    }
                };
                if endpoint.protocol == Protocol::Smtp {
                    set_dword(state, endpoint, &mut edits, names.use_auth, use_auth);
                }
                if spa == 1 || endpoint.value(names.spa).is_some() {
                    set_dword(state, endpoint, &mut edits, names.spa, spa);
                }
            }
            FieldChange::EnableCertificateVerification | FieldChange::DisableTlsVersion(_) => {
                return Err(LowerError(
                    "Outlook profiles have no certificate or TLS version values".to_owned(),
                ));
            }
        }
    }
    Ok(edits.finish())
}

fn insert_line(state: &RegState, endpoint: &EndpointState, edits: &mut EditSet, line: String) {
    let eol = state.eol;
    let content =
        if endpoint.leading_eol { format!("{eol}{line}") } else { format!("{line}{eol}") };
    edits.insert(endpoint.insert_at, content);
}

fn set_dword(
    state: &RegState,
    endpoint: &EndpointState,
    edits: &mut EditSet,
    name: &str,
    value: u32,
) {
    // Exports write exactly 8 lower-case hex digits (outlook.md 3.1).
    match endpoint.value(name) {
        Some(ValueRef { data: Data::Dword { range, .. }, .. }) => {
            edits.replace(*range, format!("{value:08x}"))
        }
        Some(existing) => edits.replace(existing.data_range, format!("dword:{value:08x}")),
        None => insert_line(state, endpoint, edits, format!("\"{name}\"=dword:{value:08x}")),
    }
}

fn set_string(
    state: &RegState,
    endpoint: &EndpointState,
    edits: &mut EditSet,
    name: &str,
    value: &str,
) {
    let bytes = utf16le_with_nul(value);
    match endpoint.value(name) {
        Some(ValueRef {
            data: Data::Hex { kind: None, range, layout, prefix_chars, .. }, ..
        }) => {
            edits.replace(*range, format_hex(&bytes, *prefix_chars, layout, state.eol));
        }
        Some(ValueRef { data: Data::String { range, .. }, .. }) => {
            edits.replace(*range, escape_string(value))
        }
        Some(existing) => {
            // A value of another type: rewrite it as Outlook stores strings. The prefix is
            // `"Name"=` plus `hex:`.
            let prefix_chars = name.chars().count() + 3 + 4;
            let hex = format_hex(&bytes, prefix_chars, &HexLayout::regedit(), state.eol);
            edits.replace(existing.data_range, format!("hex:{hex}"));
        }
        None => {
            let head = format!("\"{}\"=hex:", escape_string(name));
            let hex = format_hex(&bytes, head.chars().count(), &HexLayout::regedit(), state.eol);
            insert_line(state, endpoint, edits, format!("{head}{hex}"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use maillint_core::Security;

    const PATH: &str = "HKEY_CURRENT_USER\\Software\\Microsoft\\Office\\16.0\\Outlook\\Profiles\\Outlook\\9375CFF0413111d3B88A00104B2A6676\\00000002";

    fn hex(text: &str) -> String {
        format_hex(
            &utf16le_with_nul(text),
            0,
            &HexLayout { wrapping: Wrapping::SingleLine, indent: String::new(), upper: false },
            "\r\n",
        )
    }

    fn sample() -> String {
        format!(
            "Windows Registry Editor Version 5.00\r\n\r\n[{PATH}]\r\n\"Account Name\"=hex:{}\r\n\"Email\"=hex:{}\r\n\"IMAP Server\"=hex:69,00,6d,00,61,00,70,00,2e,00,67,00,6d,00,61,00,69,00,6c,00,\\\r\n  2e,00,63,00,6f,00,6d,00,00,00\r\n\"IMAP Port\"=dword:000003e1\r\n\"IMAP Use SSL\"=dword:00000001\r\n\"IMAP Password\"=hex:02,aa,bb,cc\r\n\"SMTP Server\"=hex:{}\r\n\"SMTP Port\"=dword:000001d1\r\n\"SMTP Secure Connection\"=dword:00000001\r\n",
            hex("Gmail"),
            hex("me@gmail.com"),
            hex("smtp.gmail.com"),
        )
    }

    fn parse(text: &str) -> (Sources, ParsedUnit) {
        crate::testing::parse_as(&RegParser, "a.reg", text)
    }

    fn relower(text: &str, endpoint: usize, changes: &[FieldChange]) -> (String, ParsedUnit) {
        crate::testing::relower_as(&RegParser, "a.reg", text, endpoint, changes)
    }

    #[test]
    fn regedit_layout_matches_the_reference_fragment() {
        // outlook.md 3.1: `"IMAP Server"=hex:` then 20 bytes, then the rest indented by two.
        let bytes = utf16le_with_nul("imap.gmail.com");
        let text = format_hex(&bytes, "\"IMAP Server\"=hex:".len(), &HexLayout::regedit(), "\r\n");
        assert_eq!(
            text,
            "69,00,6d,00,61,00,70,00,2e,00,67,00,6d,00,61,00,69,00,6c,00,\\\r\n  2e,00,63,00,6f,00,6d,00,00,00"
        );
    }

    #[test]
    fn reads_the_account_with_spans_over_the_whole_hex_value() {
        let text = sample();
        let (sources, unit) = parse(&text);
        assert!(unit.diagnostics.is_empty(), "{:?}", unit.diagnostics);
        let account = &unit.accounts[0];
        assert_eq!(account.name, "00000002 Gmail");
        assert_eq!(account.email.as_ref().unwrap().value, "me@gmail.com");
        let imap = &account.endpoints[0];
        let host = imap.host.as_ref().unwrap();
        assert_eq!(host.value, "imap.gmail.com");
        assert!(
            sources.slice(host.span).starts_with("69,00")
                && sources.slice(host.span).ends_with("00,00")
        );
        assert!(sources.slice(host.span).contains("\\\r\n  2e"));
        assert_eq!(imap.port.as_ref().unwrap().value, 993);
        assert_eq!(sources.slice(imap.port.as_ref().unwrap().span), "000003e1");
        assert_eq!(imap.security.value, Security::ImplicitTls);
        assert_eq!(imap.secrets.len(), 1);
        assert_eq!(imap.secrets[0].setting, "IMAP Password");
        assert_eq!(sources.slice(unit.secrets[0]), "02,aa,bb,cc");
        let smtp = &account.endpoints[1];
        assert_eq!(smtp.port.as_ref().unwrap().value, 465);
        assert_eq!(smtp.security.value, Security::ImplicitTls);
    }

    #[test]
    fn host_rewrite_wraps_like_regedit_and_keeps_other_bytes() {
        let text = sample();
        let (new, unit) =
            relower(&text, 0, &[FieldChange::Host("imap.mail.example-provider.com".to_owned())]);
        let host = unit.accounts[0].endpoints[0].host.as_ref().unwrap();
        assert_eq!(host.value, "imap.mail.example-provider.com");
        let line = new.lines().find(|l| l.starts_with("\"IMAP Server\"")).unwrap();
        assert_eq!(
            line,
            format!("\"IMAP Server\"=hex:{}\\", &hex("imap.mail.example-provider.com")[..20 * 3])
        );
        assert!(new.ends_with(&text[text.find("\"IMAP Port\"").unwrap()..]));
        assert!(unit.diagnostics.is_empty());
    }

    #[test]
    fn dword_and_missing_values_are_written_in_export_form() {
        let text = sample();
        let (new, unit) = relower(
            &text,
            1,
            &[
                FieldChange::Port(587),
                FieldChange::Security(Security::StarttlsRequired),
                FieldChange::Auth(AuthMethod::PasswordCleartext),
            ],
        );
        assert!(new.contains("\"SMTP Port\"=dword:0000024b\r\n"));
        assert!(new.contains("\"SMTP Secure Connection\"=dword:00000002\r\n"));
        assert!(new.ends_with("\"SMTP Use Auth\"=dword:00000001\r\n"));
        let smtp = &unit.accounts[0].endpoints[1];
        assert_eq!(smtp.security.value, Security::StarttlsRequired);
        assert_eq!(smtp.auth.value, AuthMethod::PasswordCleartext);
    }

    #[test]
    fn later_blocks_override_and_deletions_apply() {
        let text = format!(
            "REGEDIT4\n\n[{PATH}]\n\"IMAP Server\"=hex:{}\n\"IMAP Port\"=dword:0000008f\n\n[{PATH}]\n\"IMAP Port\"=dword:000003e1\n\"IMAP Use SSL\"=-\n",
            hex("imap.example.org")
        );
        let (_, unit) = parse(&text);
        let imap = &unit.accounts[0].endpoints[0];
        assert_eq!(imap.port.as_ref().unwrap().value, 993);
        assert!(imap.security.is_default());
        let deleted = format!("{text}\n[-{PATH}]\n");
        assert!(parse(&deleted).1.accounts.is_empty());
    }

    #[test]
    fn wrong_types_and_malformed_lines_are_findings() {
        let text = format!(
            "REGEDIT4\n\n[{PATH}]\n\"IMAP Server\"=\"imap.example.org\"\n\"IMAP Port\"=\"993\"\n\"IMAP Use SSL\"=dwrd:1\n\"SMTP Server\"=hex:73,00,6d,00\n\"X\"=hex:zz\n\"Y\"=hex:+1\n"
        );
        let (sources, unit) = parse(&text);
        let found: Vec<(String, String)> = unit
            .diagnostics
            .iter()
            .map(|d| (d.rule.name.clone(), sources.slice(d.span).to_owned()))
            .collect();
        assert!(found.contains(&("parse-error".to_owned(), String::new())), "{found:?}");
        assert!(
            found.contains(&(
                "reg-unexpected-value-type".to_owned(),
                "\"imap.example.org\"".to_owned()
            )),
            "{found:?}"
        );
        assert!(
            found.contains(&("reg-unexpected-value-type".to_owned(), "\"993\"".to_owned())),
            "{found:?}"
        );
        assert!(
            found.contains(&("reg-unexpected-value-type".to_owned(), "hex:73,00,6d,00".to_owned())),
            "{found:?}"
        );
        assert!(found.contains(&("parse-error".to_owned(), String::new())), "{found:?}");
        assert_eq!(
            unit.diagnostics.iter().filter(|d| d.message.contains("two-digit hex byte")).count(),
            2,
            "`zz` and `+1` are not hex bytes"
        );
        assert_eq!(unit.accounts[0].endpoints[0].host.as_ref().unwrap().value, "imap.example.org");
        assert_eq!(unit.accounts[0].endpoints[1].host.as_ref().unwrap().value, "sm");
        let fix = unit
            .diagnostics
            .iter()
            .find(|d| sources.slice(d.span) == "\"993\"")
            .unwrap()
            .fix
            .clone()
            .unwrap();
        assert_eq!(fix.edits[0].content, "dword:000003e1");
    }

    /// The wrapped `hex:` values of the real regedit exports in the corpus have exactly the
    /// layout [`regedit_line_counts`] reproduces.
    #[test]
    #[allow(clippy::print_stderr)] // the skip notice must be seen
    fn corpus_exports_wrap_like_the_regedit_model() {
        let corpus = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../../shared/corpus/outlook_reg");
        if !corpus.is_dir() {
            eprintln!("SKIPPED: Outlook .reg corpus not found at {}", corpus.display());
            return;
        }
        let mut wrapped = 0;
        for entry in std::fs::read_dir(&corpus).unwrap() {
            let path = entry.unwrap().path();
            let file = SourceFile::from_bytes(&path, &std::fs::read(&path).unwrap());
            let mut diagnostics = Vec::new();
            let scan = scan(file.text(), FileId(0), &mut diagnostics).expect("a registry export");
            for value in scan.blocks.iter().flat_map(|b| &b.values) {
                if let Data::Hex { layout, range, .. } = &value.data {
                    let multi_line = file.slice(*range).contains('\\');
                    if multi_line {
                        assert_eq!(
                            layout.wrapping,
                            Wrapping::Regedit,
                            "{}: {}",
                            path.display(),
                            value.name
                        );
                        wrapped += 1;
                    }
                }
            }
        }
        assert!(wrapped >= 6, "only {wrapped} wrapped values checked");
    }

    #[test]
    fn missing_header_is_one_parse_error() {
        let (_, unit) = parse("[HKEY_CURRENT_USER\\x]\n");
        assert_eq!(unit.diagnostics.len(), 1);
        assert!(unit.accounts.is_empty());
    }
}
