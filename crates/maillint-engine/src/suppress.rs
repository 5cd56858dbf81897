//! Inline suppressions: comments that turn findings off where they are, in each format's own
//! comment syntax.
//!
//! ```text
//! # maillint: ignore[tls-disabled] local test server          (muttrc, PRF)
//! // maillint: ignore[T001, wrong-provider-host] reason       (prefs.js, user.js)
//! ; maillint: ignore[T001]                                    (.reg)
//! <!-- maillint: ignore[T001] reason -->                      (XML)
//! # maillint: ignore-file[legacy-host]                        (the whole file)
//! ```
//!
//! Rules are named by kebab-case name or code (never by prefix: a suppression says exactly
//! what it silences). Anything after the closing bracket is the reason.
//!
//! A directive counts only after one of the parser's comment leaders
//! ([`Parser::comment_leaders`](maillint_core::Parser::comment_leaders)) that is not inside a
//! quoted string, as far as a scan of the line can tell (a quote opens a string only at the
//! start of a token, so the apostrophe in `Jürgen's` does not). A directive on a line of its
//! own covers that line and the next; a directive after other text covers its own line only.
//! `ignore-file[...]` covers the whole file it is in, wherever it stands.
//!
//! A directive (or one rule inside it) that suppresses nothing is reported as
//! `unused-suppression` with a safe fix that removes it: the whole line when the comment is
//! alone on it (the other lines keep their line endings), the comment when it trails other
//! text, or just the rule when other rules in the same directive are used. A rule that is not
//! enabled in this run is not reported: the directive may well be needed when it is.

use maillint_core::parser::HeadNeedle;
use maillint_core::{
    Applicability, Diagnostic, Edit, EnabledRules, FileId, Fix, RuleMeta, RuleRegistry, SourceFile,
    Sources, Span, declare_rule,
};

use crate::lint::{UnitReport, sort_diagnostics};

declare_rule! {
    /// ## What it does
    /// Reports a suppression comment (`# maillint: ignore[rule]`) that suppresses nothing: the
    /// rule it names found nothing on the covered lines, or the rule does not exist.
    ///
    /// ## Why is this bad?
    /// A stale suppression hides the next real finding at that place without anyone noticing,
    /// and a misspelt rule name suppresses nothing while looking as if it did.
    ///
    /// ## Example
    /// ```muttrc
    /// # maillint: ignore[tls-disabled] the test server has no TLS
    /// set folder = "imaps://imap.example.com/"
    /// ```
    /// The folder uses TLS now; the comment no longer has a purpose.
    ///
    /// ## Fix
    /// Safe: remove the comment (the whole line when it stands alone), or only the unused rule
    /// when the same comment names rules that are still needed.
    pub struct UnusedSuppression {
        code: "S001",
        name: "unused-suppression",
        group: "suppression",
        severity: Warning,
        fix: Always,
    }
}

/// The word that introduces a directive.
const MARKER: &str = "maillint:";

/// One rule named in a directive.
#[derive(Clone, Debug)]
struct Entry {
    /// The name or code as written.
    text: String,
    /// Where it is written.
    span: Span,
    /// Whether it suppressed at least one diagnostic.
    used: bool,
}

/// What a directive covers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Scope {
    /// The 1-based lines `first..=last`.
    Lines { first: u32, last: u32 },
    /// The whole file.
    File,
}

/// A parsed suppression comment.
#[derive(Clone, Debug)]
struct Directive {
    file: FileId,
    scope: Scope,
    entries: Vec<Entry>,
    /// The whole comment, leader to end (for the diagnostic).
    comment: Span,
    /// What to delete to remove the comment (the whole line when it stands alone).
    removal: Span,
    /// Set when the directive is malformed: what is wrong.
    malformed: Option<String>,
}

/// Which findings a pass of the suppression stage judges. Findings come in two passes: the
/// lint (parse and rules, also in every round of the fix loop) and, under `--verify`, the
/// verify stage. A directive names rules of either; each pass judges only the rules that ran
/// in it, so a `ignore[verify-...]` comment is neither used nor unused while linting.
#[derive(Clone, Copy)]
pub struct Pass<'a> {
    /// Whether this pass ran the rule: a directive entry naming it is reported when it
    /// suppressed nothing. Entries naming rules that did not run are kept.
    pub ran: &'a dyn Fn(&RuleMeta) -> bool,
    /// Whether this pass reports malformed directives and unknown rule names (the lint pass
    /// does, so that they are reported once).
    pub reports_malformed: bool,
}

/// Drops the diagnostics that suppressions cover, and reports unused suppressions as
/// `unused-suppression` (when that rule is enabled). `leaders` are the unit's parser's comment
/// leaders; `rules` resolves the names and codes in directives; `enabled` tells which rules ran.
/// One pass judging every enabled rule; the engine's stages use [`suppress`].
pub fn apply_suppressions(
    report: &mut UnitReport,
    leaders: &[&str],
    rules: &RuleRegistry,
    enabled: &EnabledRules,
) {
    let pass = Pass { ran: &|_| true, reports_malformed: true };
    let mut diagnostics = std::mem::take(&mut report.diagnostics);
    let unused = suppress(&report.sources, &mut diagnostics, leaders, rules, enabled, pass);
    report.diagnostics = diagnostics;
    if !unused.is_empty() {
        report.diagnostics.extend(unused);
        sort_diagnostics(&mut report.diagnostics, &report.sources);
    }
}

/// Drops the `diagnostics` that suppressions in `sources` cover and returns the
/// `unused-suppression` findings of this pass (none when that rule is not enabled).
pub fn suppress(
    sources: &Sources,
    diagnostics: &mut Vec<Diagnostic>,
    leaders: &[&str],
    rules: &RuleRegistry,
    enabled: &EnabledRules,
    pass: Pass<'_>,
) -> Vec<Diagnostic> {
    let mut directives: Vec<Directive> = Vec::new();
    // One vectorised search per file (about 0.1 instruction a byte, where `str::contains`
    // took 0.45: 3.6 M instructions of a scan of 100 bench homes), with its searcher built once.
    static MARKER_NEEDLE: HeadNeedle = HeadNeedle::new(MARKER);
    for (id, file) in sources.iter() {
        if MARKER_NEEDLE.is_in(file.text().as_bytes()) {
            directives.extend(parse_file(id, file, leaders));
        }
    }
    if directives.is_empty() {
        return Vec::new();
    }
    diagnostics.retain(|d| {
        let line = sources.start(d.span).line;
        let mut suppressed = false;
        for directive in
            directives.iter_mut().filter(|x| x.file == d.span.file && x.malformed.is_none())
        {
            let covers = match directive.scope {
                Scope::File => true,
                Scope::Lines { first, last } => (first..=last).contains(&line),
            };
            if !covers {
                continue;
            }
            for entry in &mut directive.entries {
                if entry.text == d.rule.name || entry.text.eq_ignore_ascii_case(&d.rule.code) {
                    entry.used = true;
                    suppressed = true;
                }
            }
        }
        !suppressed
    });

    if !enabled.contains(&UnusedSuppression::metadata().name) {
        return Vec::new();
    }
    let judge = Judge { rules, enabled, pass };
    directives.iter().flat_map(|directive| judge.unused(directive)).collect()
}

/// Decides which entries of a directive are reported as unused in one pass.
struct Judge<'a> {
    rules: &'a RuleRegistry,
    enabled: &'a EnabledRules,
    pass: Pass<'a>,
}

impl Judge<'_> {
    /// The `unused-suppression` findings for one directive.
    fn unused(&self, directive: &Directive) -> Vec<Diagnostic> {
        let meta = UnusedSuppression::metadata();
        if let Some(problem) = &directive.malformed {
            if !self.pass.reports_malformed {
                return Vec::new();
            }
            return vec![
                Diagnostic::new(meta, directive.comment, format!("Suppression comment suppresses nothing: {problem}"))
                    .with_help("Write `maillint: ignore[rule-name]` after a comment leader, or remove the comment.")
                    .with_fix_removing(directive.removal, "Remove the suppression comment"),
            ];
        }
        // Classify every entry: used, unknown, not run here (cannot tell), or unused.
        let mut reportable: Vec<(&Entry, String)> = Vec::new();
        let mut keep_some = false;
        for entry in &directive.entries {
            if entry.used {
                keep_some = true;
                continue;
            }
            match self.rules.get(&entry.text) {
                None if !self.pass.reports_malformed => keep_some = true,
                None => {
                    let hint = self
                        .rules
                        .closest(&entry.text)
                        .map(|c| format!(" (did you mean `{c}`?)"))
                        .unwrap_or_default();
                    reportable.push((entry, format!("unknown rule `{}`{hint}", entry.text)));
                }
                Some(rule) if !(self.enabled.contains(&rule.name) && (self.pass.ran)(rule)) => {
                    keep_some = true;
                }
                Some(_) => reportable.push((
                    entry,
                    format!(
                        "`{}` found nothing {}",
                        entry.text,
                        match directive.scope {
                            Scope::File => "in this file",
                            Scope::Lines { .. } => "here",
                        }
                    ),
                )),
            }
        }
        if reportable.is_empty() {
            return Vec::new();
        }
        if !keep_some {
            let reasons: Vec<&str> = reportable.iter().map(|(_, why)| why.as_str()).collect();
            return vec![
                Diagnostic::new(
                    meta,
                    directive.comment,
                    format!("Unused suppression: {}", reasons.join("; ")),
                )
                .with_fix_removing(directive.removal, "Remove the unused suppression comment"),
            ];
        }
        reportable
            .into_iter()
            .map(|(entry, why)| {
                let removal = entry_removal(directive, entry);
                Diagnostic::new(meta, entry.span, format!("Unused suppression: {why}"))
                    .with_fix_removing(
                        removal,
                        format!("Remove `{}` from the suppression comment", entry.text),
                    )
            })
            .collect()
    }
}

/// A diagnostic with a safe fix that deletes `span`.
trait WithRemoval {
    fn with_fix_removing(self, span: Span, title: impl Into<String>) -> Self;
}

impl WithRemoval for Diagnostic {
    fn with_fix_removing(mut self, span: Span, title: impl Into<String>) -> Self {
        self.fix = Some(Fix {
            title: title.into(),
            applicability: Applicability::Safe,
            edits: vec![Edit::delete(span)],
        });
        self
    }
}

/// The text to delete to remove one entry from its list: the entry and the separator after it,
/// or, for the last entry, the separator before it.
fn entry_removal(directive: &Directive, entry: &Entry) -> Span {
    let index = directive
        .entries
        .iter()
        .position(|e| e.span == entry.span)
        .expect("the entry belongs to the directive");
    let range = if let Some(next) = directive.entries.get(index + 1) {
        (entry.span.range.start, next.span.range.start)
    } else if index > 0 {
        (directive.entries[index - 1].span.range.end, entry.span.range.end)
    } else {
        (entry.span.range.start, entry.span.range.end)
    };
    Span::new(entry.span.file, range.0 as usize, range.1 as usize)
}

/// Every directive in one file.
fn parse_file(id: FileId, file: &SourceFile, leaders: &[&str]) -> Vec<Directive> {
    let text = file.text();
    let mut directives = Vec::new();
    for line in 1..=file.line_count() as u32 {
        let range = file.line_range(line);
        let line_text = &text[range.as_range()];
        if !line_text.contains(MARKER) {
            continue;
        }
        let Some((leader_at, leader)) = comment_start(line_text, leaders) else {
            continue;
        };
        let comment_start_offset = range.start as usize + leader_at;
        let after_leader = leader_at + leader.len();
        // Block comments (`<!-- ... -->`, `/* ... */`) end at their closing mark on the same
        // line; line comments run to the end of the line.
        let (comment_end, body_end) = match block_closer(leader)
            .and_then(|closer| line_text[after_leader..].find(closer).map(|i| (closer, i)))
        {
            Some((closer, i)) => (after_leader + i + closer.len(), after_leader + i),
            None => (line_text.len(), line_text.len()),
        };
        let body = &line_text[after_leader..body_end];
        // The directive must open the comment (`# maillint: ...`), not be mentioned in prose.
        let body_trimmed = body.trim_start();
        let Some(rest) = body_trimmed.strip_prefix(MARKER) else {
            continue;
        };
        let rest_offset =
            range.start as usize + after_leader + (body.len() - body_trimmed.len()) + MARKER.len();
        let alone =
            line_text[..leader_at].trim().is_empty() && line_text[comment_end..].trim().is_empty();
        let comment = Span::new(id, comment_start_offset, range.start as usize + comment_end);
        let removal = if alone {
            whole_line(id, file, line)
        } else {
            // Keep the text before the comment, without the blanks that separated them.
            let code_end = line_text[..leader_at].trim_end().len();
            Span::new(id, range.start as usize + code_end, range.start as usize + comment_end)
        };
        let scope_lines = if alone {
            Scope::Lines { first: line, last: line + 1 }
        } else {
            Scope::Lines { first: line, last: line }
        };
        let mut directive = Directive {
            file: id,
            scope: scope_lines,
            entries: Vec::new(),
            comment,
            removal,
            malformed: None,
        };
        match parse_directive(rest, rest_offset, id) {
            Ok((kind, entries)) => {
                if kind == Kind::File {
                    directive.scope = Scope::File;
                }
                directive.entries = entries;
            }
            Err(problem) => directive.malformed = Some(problem),
        }
        directives.push(directive);
    }
    directives
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Lines,
    File,
}

/// The closing mark of a block-comment leader.
fn block_closer(leader: &str) -> Option<&'static str> {
    match leader {
        "<!--" => Some("-->"),
        "/*" => Some("*/"),
        _ => None,
    }
}

/// Parses `ignore[a, b] reason` or `ignore-file[a] reason` (the text after `maillint:`, which
/// starts at byte `offset` of the file).
fn parse_directive(rest: &str, offset: usize, file: FileId) -> Result<(Kind, Vec<Entry>), String> {
    let trimmed = rest.trim_start();
    let mut position = offset + (rest.len() - trimmed.len());
    let (kind, after) = if let Some(after) = trimmed.strip_prefix("ignore-file") {
        (Kind::File, after)
    } else if let Some(after) = trimmed.strip_prefix("ignore") {
        (Kind::Lines, after)
    } else {
        let word: String =
            trimmed.chars().take_while(|c| !c.is_whitespace() && *c != '[').collect();
        return Err(format!(
            "unknown directive `{word}` (expected `ignore[...]` or `ignore-file[...]`)"
        ));
    };
    position += trimmed.len() - after.len();
    let Some(list) = after.strip_prefix('[') else {
        return Err(
            "the rules to ignore must follow in brackets, e.g. `ignore[tls-disabled]`".into()
        );
    };
    position += 1;
    let Some(close) = list.find(']') else {
        return Err("`[` is not closed".into());
    };
    let mut entries = Vec::new();
    let mut cursor = 0;
    for piece in list[..close].split(',') {
        let lead = piece.len() - piece.trim_start().len();
        let name = piece.trim();
        if !name.is_empty() {
            let start = position + cursor + lead;
            entries.push(Entry {
                text: name.to_owned(),
                span: Span::new(file, start, start + name.len()),
                used: false,
            });
        }
        cursor += piece.len() + 1;
    }
    if entries.is_empty() {
        return Err("no rule is named in the brackets".into());
    }
    Ok((kind, entries))
}

/// The byte offset and leader of the first comment on the line: a leader outside quoted
/// strings. A quote opens a string only at the start of a token (after the line start,
/// blanks, `=`, `(`, `,` or `[`), so an apostrophe inside a word is text.
fn comment_start<'a>(line: &str, leaders: &[&'a str]) -> Option<(usize, &'a str)> {
    let bytes = line.as_bytes();
    let mut quote: Option<u8> = None;
    // Where the last string closed: a quote right after it continues the token (`'it''s'`).
    let mut closed_at: Option<usize> = None;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        match quote {
            Some(q) => {
                if b == b'\\' {
                    i += 2;
                    continue;
                }
                if b == q {
                    quote = None;
                    closed_at = Some(i);
                }
            }
            None => {
                if let Some(leader) = leaders.iter().find(|l| bytes[i..].starts_with(l.as_bytes()))
                {
                    return Some((i, leader));
                }
                let token_start =
                    i == 0 || b" \t=(,[".contains(&bytes[i - 1]) || closed_at == Some(i - 1);
                if (b == b'"' || b == b'\'') && token_start {
                    quote = Some(b);
                }
            }
        }
        i += 1;
    }
    None
}

/// The whole of 1-based `line` with its terminator. The last line, when it has none, takes
/// the terminator of the line before instead, so that no empty line is left behind.
fn whole_line(id: FileId, file: &SourceFile, line: u32) -> Span {
    let start = file.line_start(line);
    let is_last = line as usize == file.line_count();
    if !is_last {
        return Span::new(id, start, file.line_start(line + 1));
    }
    let end = file.text().len();
    if line > 1 {
        // The previous line's content ends where its terminator starts.
        let previous_end = file.line_range(line - 1).end as usize;
        return Span::new(id, previous_end, end);
    }
    Span::new(id, start, end)
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;
    use std::sync::Arc;

    use maillint_core::fix::apply_edits;
    use maillint_core::{ParsedUnit, Selection, Sources};

    use super::*;

    declare_rule! {
        /// ## What it does
        /// Test rule.
        pub struct TlsDisabled { code: "T001", name: "tls-disabled", group: "tls", severity: Error, fix: None }
    }
    declare_rule! {
        /// ## What it does
        /// Test rule.
        pub struct WrongHost { code: "H001", name: "wrong-provider-host", group: "host", severity: Error, fix: None }
    }
    declare_rule! {
        /// ## What it does
        /// Test rule, disabled in these tests.
        pub struct LegacyHost { code: "H002", name: "legacy-host", group: "host", severity: Warning, fix: None }
    }

    fn registry() -> RuleRegistry {
        let mut r = RuleRegistry::new();
        for meta in [
            TlsDisabled::metadata(),
            WrongHost::metadata(),
            LegacyHost::metadata(),
            UnusedSuppression::metadata(),
        ] {
            r.register_meta(Arc::clone(meta)).unwrap();
        }
        r
    }

    fn enabled(registry: &RuleRegistry) -> EnabledRules {
        registry
            .resolve(&Selection { ignore: vec!["legacy-host".into()], ..Selection::default() })
            .unwrap()
    }

    /// A unit over `text` with one diagnostic per `(rule, needle)`: the finding sits on the
    /// first occurrence of the needle.
    fn unit(
        path: &str,
        text: &str,
        findings: &[(&Arc<maillint_core::RuleMeta>, &str)],
    ) -> UnitReport {
        let mut sources = Sources::new();
        let id = sources.add(SourceFile::from_text(path, text));
        let diagnostics = findings
            .iter()
            .map(|(rule, needle)| {
                let at = text.find(needle).unwrap_or_else(|| panic!("{needle} not in text"));
                Diagnostic::new(
                    rule,
                    Span::new(id, at, at + needle.len()),
                    format!("finding at {needle}"),
                )
            })
            .collect();
        UnitReport {
            root: PathBuf::from(path),
            parser: None,
            sources,
            parsed: ParsedUnit::default(),
            diagnostics,
        }
    }

    fn run(report: &mut UnitReport, leaders: &[&str]) {
        let registry = registry();
        apply_suppressions(report, leaders, &registry, &enabled(&registry));
    }

    /// The rule names left, in order.
    fn left(report: &UnitReport) -> Vec<&str> {
        report.diagnostics.iter().map(|d| d.rule.name.as_str()).collect()
    }

    /// The text after applying every fix of `unused-suppression`.
    fn fixed(report: &UnitReport) -> String {
        let text = report.sources.get(FileId(0)).text();
        let edits: Vec<(maillint_core::TextRange, &str)> = report
            .diagnostics
            .iter()
            .filter(|d| d.rule.name == "unused-suppression")
            .flat_map(|d| {
                d.fix.as_ref().unwrap().edits.iter().map(|e| (e.span.range, e.content.as_str()))
            })
            .collect();
        apply_edits(text, &edits).unwrap()
    }

    #[test]
    fn prefs_js_line_before_and_same_line() {
        let text = "// maillint: ignore[tls-disabled] test profile\nuser_pref(\"mail.server.server1.socketType\", 0);\nuser_pref(\"mail.server.server2.socketType\", 0); // maillint: ignore[T001]\nuser_pref(\"mail.server.server3.socketType\", 0);\n";
        let mut report = unit(
            "prefs.js",
            text,
            &[
                (TlsDisabled::metadata(), "server1"),
                (TlsDisabled::metadata(), "server2"),
                (TlsDisabled::metadata(), "server3"),
            ],
        );
        run(&mut report, &["//"]);
        assert_eq!(left(&report), ["tls-disabled"]);
        assert_eq!(
            report.sources.start(report.diagnostics[0].span).line,
            4,
            "only server3 is left"
        );
    }

    #[test]
    fn muttrc_trailing_comment_covers_its_own_line_only() {
        let text =
            "set ssl_starttls = no # maillint: ignore[tls-disabled]\nset ssl_force_tls = no\n";
        let mut report = unit(
            "muttrc",
            text,
            &[
                (TlsDisabled::metadata(), "ssl_starttls"),
                (TlsDisabled::metadata(), "ssl_force_tls"),
            ],
        );
        run(&mut report, &["#"]);
        assert_eq!(left(&report), ["tls-disabled"]);
        assert_eq!(report.sources.start(report.diagnostics[0].span).line, 2);
    }

    #[test]
    fn reg_file_level_suppression_and_code_case() {
        let text = "Windows Registry Editor Version 5.00\r\n; maillint: ignore-file[h001] managed by IT\r\n\r\n[HKEY_CURRENT_USER\\x]\r\n\"SMTP Server\"=\"smtp.example.com\"\r\n\"IMAP Server\"=\"imap.example.com\"\r\n";
        let mut report = unit(
            "a.reg",
            text,
            &[
                (WrongHost::metadata(), "SMTP Server"),
                (WrongHost::metadata(), "IMAP Server"),
                (TlsDisabled::metadata(), "IMAP Server"),
            ],
        );
        run(&mut report, &[";"]);
        assert_eq!(left(&report), ["tls-disabled"]);
    }

    #[test]
    fn xml_comment_before_an_element() {
        let text = "<Protocol>\n  <!-- maillint: ignore[tls-disabled] lab server -->\n  <SSL>off</SSL>\n  <Server>mail.example.com</Server>\n</Protocol>\n";
        let mut report = unit(
            "autodiscover.xml",
            text,
            &[(TlsDisabled::metadata(), "<SSL>"), (WrongHost::metadata(), "<Server>")],
        );
        run(&mut report, &["<!--"]);
        assert_eq!(left(&report), ["wrong-provider-host"]);
    }

    #[test]
    fn block_comments_end_at_their_closing_mark() {
        let text = "user_pref(\"a\", 0); /* maillint: ignore[T001] why */ user_pref(\"b\", 0);\n";
        let mut report = unit("prefs.js", text, &[]);
        run(&mut report, &["//", "/*"]);
        assert_eq!(fixed(&report), "user_pref(\"a\", 0); user_pref(\"b\", 0);\n");
    }

    #[test]
    fn leaders_inside_quotes_are_not_comments() {
        // The `#` is inside a quoted value: no directive, nothing suppressed, nothing reported.
        let text = "set signature = \"x # maillint: ignore[tls-disabled]\"\nset realname = 'Jürgen' # maillint: ignore[wrong-provider-host]\n";
        let mut report = unit(
            "muttrc",
            text,
            &[(TlsDisabled::metadata(), "signature"), (WrongHost::metadata(), "realname")],
        );
        run(&mut report, &["#"]);
        assert_eq!(left(&report), ["tls-disabled"]);
        // An apostrophe inside a word does not open a string.
        assert_eq!(comment_start("Name=Jürgen's # c", &["#"]).map(|(i, _)| i), Some(15));
        assert_eq!(comment_start("a = 'it''s # no'", &["#"]), None);
        // Prose that merely mentions the marker is not a directive.
        let mut report = unit(
            "muttrc",
            "# see maillint: ignore[tls-disabled]\nset x = 1\n",
            &[(TlsDisabled::metadata(), "set x")],
        );
        run(&mut report, &["#"]);
        assert_eq!(left(&report), ["tls-disabled"]);
    }

    #[test]
    fn unused_own_line_directive_is_removed_with_its_line_keeping_crlf() {
        let text = "a = 1\r\n# maillint: ignore[tls-disabled] old reason\r\nb = 2\r\n";
        let mut report = unit("muttrc", text, &[]);
        run(&mut report, &["#"]);
        assert_eq!(left(&report), ["unused-suppression"]);
        let d = &report.diagnostics[0];
        assert_eq!(d.message, "Unused suppression: `tls-disabled` found nothing here");
        assert_eq!(report.sources.slice(d.span), "# maillint: ignore[tls-disabled] old reason");
        assert_eq!(d.fix.as_ref().unwrap().applicability, Applicability::Safe);
        assert_eq!(fixed(&report), "a = 1\r\nb = 2\r\n");
    }

    #[test]
    fn unused_last_line_without_terminator_takes_the_previous_terminator() {
        let text = "a = 1\n# maillint: ignore[T001]";
        let mut report = unit("muttrc", text, &[]);
        run(&mut report, &["#"]);
        assert_eq!(fixed(&report), "a = 1");
    }

    #[test]
    fn unused_trailing_directive_removes_only_the_comment() {
        let text = "set ssl_starttls = yes   # maillint: ignore[tls-disabled]\nset x = 1\n";
        let mut report = unit("muttrc", text, &[]);
        run(&mut report, &["#"]);
        assert_eq!(fixed(&report), "set ssl_starttls = yes\nset x = 1\n");
        let text = "<SSL>on</SSL> <!-- maillint: ignore[T001] --> <Port>993</Port>\n";
        let mut report = unit("a.xml", text, &[]);
        run(&mut report, &["<!--"]);
        assert_eq!(fixed(&report), "<SSL>on</SSL> <Port>993</Port>\n");
    }

    #[test]
    fn only_the_unused_rule_is_removed_when_others_are_used() {
        let text =
            "// maillint: ignore[T001, wrong-provider-host, H001] reason\nuser_pref(\"a\", 0);\n";
        let mut report = unit("prefs.js", text, &[(WrongHost::metadata(), "user_pref")]);
        run(&mut report, &["//"]);
        let unused: Vec<&str> =
            report.diagnostics.iter().map(|d| report.sources.slice(d.span)).collect();
        // wrong-provider-host and H001 name the same rule: both are used by the one finding.
        assert_eq!(unused, ["T001"]);
        assert_eq!(
            fixed(&report),
            "// maillint: ignore[wrong-provider-host, H001] reason\nuser_pref(\"a\", 0);\n"
        );

        let text = "# maillint: ignore[wrong-provider-host,tls-disabled]\nx\n";
        let mut report = unit("muttrc", text, &[(WrongHost::metadata(), "x")]);
        run(&mut report, &["#"]);
        assert_eq!(fixed(&report), "# maillint: ignore[wrong-provider-host]\nx\n");
    }

    #[test]
    fn unknown_rules_are_reported_with_a_suggestion_and_disabled_ones_are_not() {
        let text = "# maillint: ignore[tls-disabld]\nx\n# maillint: ignore[legacy-host]\ny\n";
        let mut report = unit("muttrc", text, &[]);
        run(&mut report, &["#"]);
        assert_eq!(
            report.diagnostics.len(),
            1,
            "legacy-host is disabled: its suppression may be needed"
        );
        assert_eq!(
            report.diagnostics[0].message,
            "Unused suppression: unknown rule `tls-disabld` (did you mean `tls-disabled`?)"
        );
    }

    #[test]
    fn malformed_directives_are_reported() {
        let text =
            "# maillint: ignore tls-disabled\nx\n# maillint: disable[T001]\n# maillint: ignore[]\n";
        let mut report = unit("muttrc", text, &[(TlsDisabled::metadata(), "x")]);
        run(&mut report, &["#"]);
        let messages: Vec<&str> = report.diagnostics.iter().map(|d| d.message.as_str()).collect();
        assert_eq!(messages.len(), 4, "{messages:?}");
        assert!(messages[0].contains("must follow in brackets"), "{messages:?}");
        assert_eq!(messages[1], "finding at x", "a malformed directive suppresses nothing");
        assert!(messages[2].contains("unknown directive `disable`"), "{messages:?}");
        assert!(messages[3].contains("no rule is named"), "{messages:?}");
    }

    #[test]
    fn nothing_is_reported_when_unused_suppression_is_off() {
        let registry = registry();
        let enabled = registry
            .resolve(&Selection { select: Some(vec!["T001".into()]), ..Selection::default() })
            .unwrap();
        let text = "# maillint: ignore[T001]\nx\n# maillint: ignore[T001]\ny\n";
        let mut report = unit("muttrc", text, &[(TlsDisabled::metadata(), "x")]);
        apply_suppressions(&mut report, &["#"], &registry, &enabled);
        assert!(report.diagnostics.is_empty());
    }
}
