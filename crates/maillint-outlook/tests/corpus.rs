//! The real `.reg` exports in `../shared/corpus/outlook_reg` (Outlook and Office settings, no
//! accounts) parse cleanly: no account, no finding.

mod support;

#[test]
#[allow(clippy::print_stderr)] // the skip notice must be seen
fn corpus_reg_exports_parse_without_findings() {
    let Some(corpus) =
        maillint_core::testing::corpus_dir(env!("CARGO_MANIFEST_DIR"), "outlook_reg")
    else {
        return;
    };
    let files = support::files_under(&corpus);
    assert_eq!(files.len(), 5, "the corpus holds five .reg exports: {files:?}");
    for path in files {
        let (sources, unit, parser) = support::parse_file(&path);
        assert_eq!(parser.name(), "outlook-reg", "{}", path.display());
        let summary = support::summarize(&sources, &unit, parser.as_ref());
        assert!(unit.diagnostics.is_empty(), "{}: {:?}", path.display(), summary.diagnostics);
        assert!(unit.accounts.is_empty(), "{}: accounts in a settings export", path.display());
        assert!(unit.secrets.is_empty(), "{}", path.display());
    }
}
