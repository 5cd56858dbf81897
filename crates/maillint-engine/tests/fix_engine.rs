//! The fix engine against a small `key = value` format whose parser and rules live in this
//! test, so that the engine's guarantees are tested without depending on any real client:
//! edits touch only their spans, encodings/BOM/CRLF survive, a fix that breaks parsing is
//! rolled back, conflicting fixes are applied over several rounds, writes are atomic and keep
//! permissions, symlinks are fixed at their target, read-only files are refused.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use maillint_core::builtin::ParseError;
use maillint_core::{
    Account, Applicability, AuthMethod, Client, Confidence, Diagnostic, Edit, EnabledRules,
    Endpoint, FieldChange, FileId, Finding, FixAction, HostName, Located, LowerError, ParseOptions,
    ParsedUnit, Parser, ParserRegistry, ProposedFix, Protocol, ProviderDb, Rule, RuleContext,
    RuleMeta, RuleRegistry, Security, Selection, SourceFile, Sources, Span, declare_rule,
};
use maillint_engine::{FixOptions, Linter, WriteFailure, create_atomic, discover, write_atomic};

/// `key = value` lines; `#` comments; a line without `=` is a parse error.
struct KvParser;

#[derive(Default)]
struct KvState {
    values: Vec<(String, Span)>,
}

impl Parser for KvParser {
    fn name(&self) -> &'static str {
        "kv"
    }
    fn client(&self) -> Client {
        Client::named("kv")
    }
    fn detect(&self, path: &Path, _head: &[u8]) -> Option<Confidence> {
        path.extension().is_some_and(|e| e == "kv").then_some(Confidence::Name)
    }
    fn parse(&self, root: FileId, sources: &mut Sources, _options: &ParseOptions) -> ParsedUnit {
        let file = Arc::clone(sources.get(root));
        let text = file.text();
        let mut unit = ParsedUnit::default();
        let mut state = KvState::default();
        let mut offset = 0;
        for line in text.split_inclusive(['\n']) {
            let content = line.trim_end_matches(['\r', '\n']);
            let trimmed = content.trim();
            if !trimmed.is_empty() && !trimmed.starts_with('#') {
                match content.split_once('=') {
                    Some((key, value)) => {
                        let value_start =
                            offset + key.len() + 1 + (value.len() - value.trim_start().len());
                        let value_text = value.trim();
                        state.values.push((
                            key.trim().to_owned(),
                            Span::new(root, value_start, value_start + value_text.len()),
                        ));
                    }
                    None => unit.diagnostics.push(Diagnostic::new(
                        ParseError::metadata(),
                        Span::point(root, offset),
                        "expected `=`",
                    )),
                }
            }
            offset += line.len();
        }
        let get = |k: &str| {
            state
                .values
                .iter()
                .find(|(key, _)| key == k)
                .map(|(_, s)| (file.slice(s.range).to_owned(), *s))
        };
        if let Some((host, host_span)) = get("host") {
            let port = get("port")
                .and_then(|(p, s)| p.parse::<u16>().ok().map(|p| Located::explicit(p, s)));
            let security = match get("tls") {
                Some((v, s)) => Located::explicit(
                    match v.as_str() {
                        "tls" => Security::ImplicitTls,
                        "starttls" => Security::StarttlsRequired,
                        _ => Security::None,
                    },
                    s,
                ),
                None => {
                    Located::default(Security::None, Span::point(root, text.len()), "no tls line")
                }
            };
            unit.accounts.push(Account {
                client: Client::named("kv"),
                name: "kv".into(),
                email: None,
                span: host_span,
                endpoints: vec![Endpoint {
                    protocol: Protocol::Imap,
                    host: Some(Located::explicit(HostName::new(&host), host_span)),
                    port,
                    security,
                    auth: Located::default(AuthMethod::Unknown, Span::point(root, 0), "unknown"),
                    username: None,
                    certificate_verification_disabled: None,
                    secrets: Vec::new(),
                    tls_versions: Vec::new(),
                    span: host_span,
                    locator: String::new(),
                }],
            });
        }
        unit.state = Some(Box::new(state));
        unit
    }
    fn lower(
        &self,
        unit: &ParsedUnit,
        _sources: &Sources,
        _account: usize,
        _endpoint: usize,
        changes: &[FieldChange],
    ) -> Result<Vec<Edit>, LowerError> {
        let state = unit.state.as_ref().and_then(|s| s.downcast_ref::<KvState>()).unwrap();
        let span_of = |k: &str| state.values.iter().find(|(key, _)| key == k).map(|(_, s)| *s);
        changes
            .iter()
            .map(|change| match change {
                FieldChange::Host(h) => Ok(Edit::replace(span_of("host").unwrap(), h.clone())),
                FieldChange::Security(Security::ImplicitTls) => span_of("tls")
                    .map(|s| Edit::replace(s, "tls"))
                    .ok_or_else(|| LowerError("no tls line".into())),
                other => Err(LowerError(format!("cannot write {other:?}"))),
            })
            .collect()
    }
}

declare_rule! {
    /// ## What it does
    /// Port 993 needs implicit TLS.
    struct NeedsTls { code: "Z001", name: "needs-tls", group: "test", severity: Error, fix: Always }
}
impl Rule for NeedsTls {
    fn meta(&self) -> &Arc<RuleMeta> {
        Self::metadata()
    }
    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Finding>) {
        for (a, account) in cx.accounts.iter().enumerate() {
            for (e, ep) in account.endpoints.iter().enumerate() {
                if ep.port.as_ref().is_some_and(|p| p.value == 993)
                    && ep.security.value != Security::ImplicitTls
                {
                    out.push(Finding::new(ep.security.span, "993 without TLS").fix(ProposedFix {
                        title: "use tls".into(),
                        applicability: Applicability::Safe,
                        action: FixAction::Fields {
                            account: a,
                            endpoint: e,
                            changes: vec![FieldChange::Security(Security::ImplicitTls)],
                        },
                    }));
                }
            }
        }
    }
}

declare_rule! {
    /// ## What it does
    /// A typo of imap.gmail.com.
    struct Typo { code: "Z002", name: "typo", group: "test", severity: Error, fix: Always }
}
impl Rule for Typo {
    fn meta(&self) -> &Arc<RuleMeta> {
        Self::metadata()
    }
    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Finding>) {
        for (a, account) in cx.accounts.iter().enumerate() {
            for (e, ep) in account.endpoints.iter().enumerate() {
                if let Some(host) = &ep.host
                    && host.value == "imap.gmial.com"
                {
                    // Replaces the whole value span, overlapping nothing else; unsafe.
                    out.push(Finding::new(host.span, "typo").fix(ProposedFix {
                        title: "use imap.gmail.com".into(),
                        applicability: Applicability::Unsafe,
                        action: FixAction::Fields {
                            account: a,
                            endpoint: e,
                            changes: vec![FieldChange::Host("imap.gmail.com".into())],
                        },
                    }));
                }
            }
        }
    }
}

declare_rule! {
    /// ## What it does
    /// Proposes a fix that breaks the file (deletes the `=` of the host line), to prove that
    /// the engine refuses it.
    struct Breaker { code: "Z003", name: "breaker", group: "test", severity: Error, fix: Always }
}
impl Rule for Breaker {
    fn meta(&self) -> &Arc<RuleMeta> {
        Self::metadata()
    }
    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Finding>) {
        for account in cx.accounts {
            let host = account.endpoints[0].host.as_ref().unwrap();
            let eq = Span::new(
                host.span.file,
                host.span.range.start as usize - 2,
                host.span.range.start as usize - 1,
            );
            out.push(Finding::new(host.span, "break it").fix(ProposedFix {
                title: "delete the equals sign".into(),
                applicability: Applicability::Safe,
                action: FixAction::Edits(vec![Edit::delete(eq)]),
            }));
        }
    }
}

declare_rule! {
    /// ## What it does
    /// Proposes a fix that does not remove its finding (its edit inserts nothing), as a rule
    /// whose fix and check disagree would.
    struct Stubborn { code: "Z004", name: "stubborn", group: "test", severity: Error, fix: Always }
}
impl Rule for Stubborn {
    fn meta(&self) -> &Arc<RuleMeta> {
        Self::metadata()
    }
    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Finding>) {
        for account in cx.accounts {
            let host = account.endpoints[0].host.as_ref().unwrap();
            out.push(Finding::new(host.span, "never satisfied").fix(ProposedFix {
                title: "insert nothing".into(),
                applicability: Applicability::Safe,
                action: FixAction::Edits(vec![Edit::insert(host.span, "")]),
            }));
        }
    }
}

fn linter(rules: &[&str]) -> Linter {
    let mut parsers = ParserRegistry::new();
    parsers.register(Arc::new(KvParser));
    let mut registry = RuleRegistry::new();
    registry.register_meta(Arc::clone(ParseError::metadata())).unwrap();
    registry.register(Arc::new(NeedsTls)).unwrap();
    registry.register(Arc::new(Typo)).unwrap();
    registry.register(Arc::new(Breaker)).unwrap();
    registry.register(Arc::new(Stubborn)).unwrap();
    let mut selectors = vec!["parse-error".to_owned()];
    selectors.extend(rules.iter().map(|r| r.to_string()));
    let enabled: EnabledRules =
        registry.resolve(&Selection { select: Some(selectors), ..Default::default() }).unwrap();
    Linter::new(parsers, registry, ProviderDb::new(), enabled)
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

fn fix_file(linter: &Linter, path: &Path, options: FixOptions) -> maillint_engine::FixOutcome {
    let d = discover(&[path.to_path_buf()], &linter.parsers, &Default::default());
    assert_eq!(d.units.len(), 1, "{:?}", d.errors);
    let outcome = linter.fix_unit(&d.units[0], options).unwrap();
    for change in &outcome.changes {
        write_atomic(&change.original, &change.new_bytes).unwrap();
    }
    outcome
}

fn utf16le_with_bom(text: &str) -> Vec<u8> {
    let mut bytes = vec![0xFF, 0xFE];
    for u in text.encode_utf16() {
        bytes.extend_from_slice(&u.to_le_bytes());
    }
    bytes
}

#[test]
fn safe_fix_changes_only_its_span_and_keeps_crlf() {
    let dir = tempfile::tempdir().unwrap();
    let original =
        "# mail\r\nhost = imap.example.org\r\nport = 993\r\ntls = starttls\r\n\r\n# end\r\n";
    let path = write(dir.path(), "a.kv", original.as_bytes());
    let outcome = fix_file(&linter(&["needs-tls"]), &path, FixOptions::default());
    assert_eq!(outcome.applied.len(), 1);
    assert!(outcome.after.diagnostics.is_empty());
    let fixed = std::fs::read_to_string(&path).unwrap();
    assert_eq!(fixed, original.replace("tls = starttls", "tls = tls"));
    // A second run changes nothing.
    let again = fix_file(&linter(&["needs-tls"]), &path, FixOptions::default());
    assert!(again.changes.is_empty() && again.applied.is_empty());
}

#[test]
fn utf16le_file_stays_utf16le_with_its_bom() {
    let dir = tempfile::tempdir().unwrap();
    let original = "host = imap.example.org\r\nport = 993\r\ntls = none\r\n";
    let path = write(dir.path(), "w.kv", &utf16le_with_bom(original));
    fix_file(&linter(&["needs-tls"]), &path, FixOptions::default());
    let bytes = std::fs::read(&path).unwrap();
    assert_eq!(bytes, utf16le_with_bom(&original.replace("tls = none", "tls = tls")));
}

#[test]
fn unsafe_fixes_need_the_flag() {
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "u.kv", b"host = imap.gmial.com\nport = 143\ntls = starttls\n");
    let outcome = fix_file(&linter(&["typo"]), &path, FixOptions::default());
    assert!(outcome.changes.is_empty());
    assert_eq!(outcome.after.diagnostics.len(), 1);
    fix_file(&linter(&["typo"]), &path, FixOptions { unsafe_fixes: true });
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        "host = imap.gmail.com\nport = 143\ntls = starttls\n"
    );
}

#[test]
fn a_fix_that_breaks_parsing_leaves_the_file_untouched() {
    let dir = tempfile::tempdir().unwrap();
    let original = b"host = imap.example.org\nport = 993\ntls = none\n";
    let path = write(dir.path(), "b.kv", original);
    let outcome = fix_file(&linter(&["breaker", "needs-tls"]), &path, FixOptions::default());
    assert!(outcome.failure.as_deref().unwrap().contains("unparsable"), "{:?}", outcome.failure);
    assert!(outcome.changes.is_empty());
    assert_eq!(std::fs::read(&path).unwrap(), original);
}

#[test]
fn a_fix_that_does_not_remove_its_finding_is_applied_once_then_everything_is_rolled_back() {
    let dir = tempfile::tempdir().unwrap();
    let original = b"host = imap.example.org\nport = 993\ntls = none\n";
    let path = write(dir.path(), "s.kv", original);
    let outcome = fix_file(&linter(&["stubborn", "needs-tls"]), &path, FixOptions::default());
    let failure = outcome.failure.as_deref().unwrap();
    assert!(
        failure.contains("Z004/stubborn") && failure.contains("does not take effect"),
        "{failure}"
    );
    assert!(!outcome.did_not_converge, "stopped at the second round, not the round limit");
    assert!(outcome.changes.is_empty());
    assert_eq!(std::fs::read(&path).unwrap(), original);
}

#[test]
fn permissions_are_kept_and_read_only_files_are_refused() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "p.kv", b"host = h.example\nport = 993\ntls = none\n");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
    fix_file(&linter(&["needs-tls"]), &path, FixOptions::default());
    assert_eq!(std::fs::metadata(&path).unwrap().permissions().mode() & 0o777, 0o640);
    assert!(std::fs::read_to_string(&path).unwrap().contains("tls = tls"));

    let ro = write(dir.path(), "ro.kv", b"host = h.example\nport = 993\ntls = none\n");
    std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o444)).unwrap();
    let d = discover(std::slice::from_ref(&ro), &linter(&[]).parsers, &Default::default());
    let outcome = linter(&["needs-tls"]).fix_unit(&d.units[0], FixOptions::default()).unwrap();
    let err =
        write_atomic(&outcome.changes[0].original, &outcome.changes[0].new_bytes).unwrap_err();
    assert!(matches!(err.reason, WriteFailure::ReadOnly), "{err:?}");
    assert!(err.to_string().ends_with(": the file is read-only; it was not changed"), "{err}");
    assert_eq!(std::fs::read_to_string(&ro).unwrap(), "host = h.example\nport = 993\ntls = none\n");
    // No temporary file is left behind.
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter(|e| e.as_ref().unwrap().file_name().to_string_lossy().contains("maillint-tmp"))
        .collect();
    assert!(leftovers.is_empty());
}

#[test]
fn a_created_file_takes_its_siblings_mode_and_never_replaces_a_file_that_appeared() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let sibling = write(dir.path(), "prefs.js", b"x");
    std::fs::set_permissions(&sibling, std::fs::Permissions::from_mode(0o600)).unwrap();
    let sibling = SourceFile::read(&sibling).unwrap();
    let new = dir.path().join("user.js");
    create_atomic(&new, b"user_pref(\"a\", 1);\n", &sibling).unwrap();
    assert_eq!(std::fs::read(&new).unwrap(), b"user_pref(\"a\", 1);\n");
    assert_eq!(std::fs::metadata(&new).unwrap().permissions().mode() & 0o777, 0o600);

    // Someone created the file after maillint read the folder: theirs stays.
    let err = create_atomic(&new, b"other", &sibling).unwrap_err();
    assert!(matches!(err.reason, WriteFailure::CreatedMeanwhile), "{err:?}");
    assert!(err.to_string().contains("created by someone else"), "{err}");
    assert_eq!(std::fs::read(&new).unwrap(), b"user_pref(\"a\", 1);\n");

    // A read-only or executable sibling gives a writable, non-executable file.
    let script = write(dir.path(), "script", b"x");
    std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o555)).unwrap();
    let script = SourceFile::read(&script).unwrap();
    let other = dir.path().join("other.js");
    create_atomic(&other, b"y", &script).unwrap();
    assert_eq!(std::fs::metadata(&other).unwrap().permissions().mode() & 0o777, 0o644);

    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter(|e| e.as_ref().unwrap().file_name().to_string_lossy().contains("maillint-tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn a_symlinked_file_is_fixed_at_its_target_and_stays_a_link() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("real")).unwrap();
    let target =
        write(&dir.path().join("real"), "t.kv", b"host = h.example\nport = 993\ntls = none\n");
    let link = dir.path().join("link.kv");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    fix_file(&linter(&["needs-tls"]), &link, FixOptions::default());
    assert!(std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink());
    assert!(std::fs::read_to_string(&target).unwrap().contains("tls = tls"));
}

#[test]
fn lossy_files_are_never_rewritten() {
    let dir = tempfile::tempdir().unwrap();
    // UTF-16LE with an unpaired surrogate: decoding had to replace a character.
    let mut bytes = utf16le_with_bom("host = h.example\nport = 993\ntls = none\n# ");
    bytes.extend_from_slice(&[0x00, 0xD8, 0x0A, 0x00]);
    let path = write(dir.path(), "l.kv", &bytes);
    let outcome = fix_file(&linter(&["needs-tls"]), &path, FixOptions::default());
    assert!(outcome.failure.is_some());
    assert_eq!(std::fs::read(&path).unwrap(), bytes);
}

mod properties {
    use maillint_core::fix::apply_edits;
    use maillint_core::{SourceFile, TextRange};
    use proptest::prelude::*;

    proptest! {
        /// Random non-overlapping edits on random text: every byte outside the edits is kept,
        /// in order, and the edited text re-encodes in the file's encoding.
        #[test]
        fn bytes_outside_edits_are_kept(
            text in "[a-z =#\\r\\n\u{e9}]{0,200}",
            cuts in proptest::collection::vec((0usize..200, 0usize..8, "[a-z0-9.]{0,6}"), 0..6),
        ) {
            let mut edits: Vec<(TextRange, String)> = Vec::new();
            let mut boundaries: Vec<usize> = (0..=text.len()).filter(|i| text.is_char_boundary(*i)).collect();
            boundaries.dedup();
            for (start, len, content) in cuts {
                let start = boundaries[start % boundaries.len()];
                let end = boundaries.iter().copied().filter(|b| *b >= start).nth(len).unwrap_or(start);
                let range = TextRange::new(start, end);
                if edits.iter().all(|(r, _)| !r.overlaps(&range)) {
                    edits.push((range, content));
                }
            }
            let refs: Vec<(TextRange, &str)> = edits.iter().map(|(r, c)| (*r, c.as_str())).collect();
            let out = apply_edits(&text, &refs).unwrap();
            let mut sorted = edits.clone();
            sorted.sort_by_key(|(r, _)| r.start);
            let mut expected = String::new();
            let mut cursor = 0;
            for (r, c) in &sorted {
                expected.push_str(&text[cursor..r.start as usize]);
                expected.push_str(c);
                cursor = r.end as usize;
            }
            expected.push_str(&text[cursor..]);
            prop_assert_eq!(&out, &expected);
            let file = SourceFile::from_bytes("x", &{
                let mut b = vec![0xFF, 0xFE];
                for u in text.encode_utf16() { b.extend_from_slice(&u.to_le_bytes()); }
                b
            });
            let encoded = file.encode(&out).unwrap();
            let reread = SourceFile::from_bytes("x", &encoded);
            prop_assert_eq!(reread.text(), out.as_str());
        }
    }
}
