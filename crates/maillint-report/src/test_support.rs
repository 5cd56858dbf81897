//! Test data shared by the renderers' snapshot tests: a few units with findings of every
//! severity, fixes of every applicability, a secret, a parse error, an unreadable file and a
//! clean file.

use std::path::PathBuf;
use std::sync::Arc;

use maillint_core::builtin::{IoError, NotFollowed, ParseError};
use maillint_core::{
    Applicability, Diagnostic, Edit, Fix, Label, ParsedUnit, RuleMeta, Severity, SourceFile,
    Sources, Span, declare_rule,
};
use maillint_engine::UnitReport;

/// The fake password in the sample muttrc; no output may contain it.
pub const SECRET: &str = "hunter2-s3cret";

declare_rule! {
    /// ## What it does
    /// Reports a password sent without TLS. It is an example rule for the renderer tests.
    ///
    /// ## Why is this bad?
    /// Anyone on the path reads it.
    ///
    /// ## Example
    /// ```muttrc
    /// set imap_pass = "..."
    /// set folder = "imap://mail.example.com/"
    /// ```
    ///
    /// ## Fix
    /// Use `imaps://`.
    pub struct PlaintextPassword {
        code: "X001",
        name: "plaintext-password",
        group: "tls",
        severity: Error,
        fix: Always,
    }
}

declare_rule! {
    /// ## What it does
    /// Reports a legacy host alias. It is an example rule for the renderer tests.
    pub struct LegacyHost {
        code: "X002",
        name: "legacy-host",
        group: "host",
        severity: Warning,
        fix: Sometimes,
    }
}

declare_rule! {
    /// ## What it does
    /// An example rule that is registered but never reported.
    pub struct NeverReported {
        code: "X003",
        name: "never-reported",
        group: "host",
        severity: Info,
        fix: None,
    }
}

/// Every rule the samples use, plus one that reports nothing, as a registry would list them.
pub fn sample_rules() -> Vec<Arc<RuleMeta>> {
    vec![
        Arc::clone(ParseError::metadata()),
        Arc::clone(IoError::metadata()),
        Arc::clone(NotFollowed::metadata()),
        Arc::clone(PlaintextPassword::metadata()),
        Arc::clone(LegacyHost::metadata()),
        Arc::clone(NeverReported::metadata()),
    ]
}

fn span_of(sources: &Sources, file: maillint_core::FileId, needle: &str, nth: usize) -> Span {
    let text = sources.get(file).text();
    let start = text.match_indices(needle).nth(nth).expect("needle in sample").0;
    Span::new(file, start, start + needle.len())
}

fn unit(
    root: &str,
    sources: Sources,
    secrets: Vec<Span>,
    diagnostics: Vec<Diagnostic>,
) -> UnitReport {
    UnitReport {
        root: PathBuf::from(root),
        parser: None,
        sources,
        parsed: ParsedUnit { secrets, ..ParsedUnit::default() },
        diagnostics,
    }
}

/// The sample units, in the order a run would sort them.
pub fn sample_units() -> Vec<UnitReport> {
    let mut units = Vec::new();

    // A muttrc with a stored password, two findings on it and a non-ASCII character before a
    // span (columns count characters).
    let mut sources = Sources::new();
    let muttrc = sources.add(SourceFile::from_text(
        "home/.muttrc",
        format!(
            "# Jürgen's mail\nset imap_pass = \"{SECRET}\"\nset folder = \"imap://mail.example.com/\"\nset smtp_url = \"smtp://mail.example.com:25/\"\nset folder = \"imap://mail.example.com/\"\n"
        ),
    ));
    let secret = span_of(&sources, muttrc, SECRET, 0);
    let folder = span_of(&sources, muttrc, "imap://", 0);
    let mut plaintext = Diagnostic::new(
        PlaintextPassword::metadata(),
        folder,
        // A careless message that quotes the secret: renderers scrub it.
        format!("The password `{SECRET}` is sent without TLS"),
    )
    .with_why("Anyone on the network path can read it.")
    .with_help("Use `imaps://` (port 993).")
    .with_label(Label::new(secret, "the password is stored here"));
    plaintext.fix = Some(Fix {
        title: "Use imaps://".into(),
        applicability: Applicability::Safe,
        edits: vec![Edit::replace(folder, "imaps://")],
    });
    let mut legacy = Diagnostic::new(
        LegacyHost::metadata(),
        span_of(&sources, muttrc, "mail.example.com", 1),
        "`mail.example.com` is a legacy alias of `smtp.example.com`",
    );
    legacy.fix = Some(Fix {
        title: "Use smtp.example.com".into(),
        applicability: Applicability::Unsafe,
        edits: vec![Edit::replace(
            span_of(&sources, muttrc, "mail.example.com", 1),
            "smtp.example.com",
        )],
    });
    // The same finding twice on identical lines: fingerprints differ by occurrence only.
    let mut repeated = Diagnostic::new(
        PlaintextPassword::metadata(),
        span_of(&sources, muttrc, "imap://", 1),
        "The password is sent without TLS",
    );
    repeated.fix = Some(Fix {
        title: "Use imaps://".into(),
        applicability: Applicability::Safe,
        edits: vec![Edit::replace(span_of(&sources, muttrc, "imap://", 1), "imaps://")],
    });
    let describe = Diagnostic::new(
        LegacyHost::metadata(),
        span_of(&sources, muttrc, "smtp_url", 0),
        "SMTP on port 25 is for relays, not for submission",
    )
    .with_severity(Severity::Info)
    .with_help("Ask the provider for its submission port");
    units.push(unit(
        "home/.muttrc",
        sources,
        vec![secret],
        vec![plaintext, legacy, describe, repeated],
    ));

    // A PRF file with CRLF line ends, a name with characters that need escaping, a parse error
    // and a value that was not followed.
    let mut sources = Sources::new();
    let prf = sources.add(SourceFile::from_text(
        "outlook/a,b:c.prf",
        "[General]\r\nCustom=1\r\nServer=<bad\r\n",
    ));
    let parse = Diagnostic::new(
        ParseError::metadata(),
        span_of(&sources, prf, "<bad", 0),
        "expected a host name, found `<`",
    );
    let followed = Diagnostic::new(
        NotFollowed::metadata(),
        Span::point(prf, 0),
        "50% of this file was not followed: a value comes from a command",
    );
    units.push(unit("outlook/a,b:c.prf", sources, Vec::new(), vec![followed, parse]));

    // An unreadable file and a clean one.
    units.push(UnitReport::unreadable(
        PathBuf::from("thunderbird/prefs.js"),
        None,
        "cannot read file: Permission denied (os error 13)".into(),
    ));
    let mut sources = Sources::new();
    sources.add(SourceFile::from_text("thunderbird/user.js", "user_pref(\"a\", 1);\n"));
    units.push(unit("thunderbird/user.js", sources, Vec::new(), Vec::new()));
    units
}
