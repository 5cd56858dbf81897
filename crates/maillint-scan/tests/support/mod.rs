//! Shared by the scan tests: small parsers standing in for the real Thunderbird, mutt and
//! Outlook ones (so discovery is tested on its own, at the locations the real clients
//! declare), a linter built from them, and helpers that build home trees.
//!
//! The test formats are line based: `account NAME` defines an account, `bad` is a parse error,
//! `source PATH` (mutt only) reads another file, with `~` meaning the scanned home and a
//! relative path meaning the folder of the file that says it (neomutt's rule).

#![allow(dead_code, clippy::print_stderr)]

use std::fs;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use maillint_core::builtin::{IoError, NotFollowed, ParseError};
use maillint_core::{
    Account, Client, Confidence, Diagnostic, Edit, FieldChange, FileId, LowerError, ParseOptions,
    ParsedUnit, Parser, ParserRegistry, ProviderDb, RuleRegistry, Selection, Sources, Span,
};
use maillint_engine::Linter;

/// How the test parsers recognise their files.
#[derive(Clone, Copy)]
enum Kind {
    Thunderbird,
    Mutt,
    Outlook,
}

struct TestParser {
    kind: Kind,
}

impl Parser for TestParser {
    fn name(&self) -> &'static str {
        match self.kind {
            Kind::Thunderbird => "test-thunderbird",
            Kind::Mutt => "test-mutt",
            Kind::Outlook => "test-outlook",
        }
    }

    fn client(&self) -> Client {
        match self.kind {
            Kind::Thunderbird => Client::named("thunderbird"),
            Kind::Mutt => Client::named("mutt"),
            Kind::Outlook => Client::named("outlook"),
        }
    }

    fn detect(&self, path: &Path, head: &[u8]) -> Option<Confidence> {
        let name = path.file_name()?.to_str()?;
        match self.kind {
            Kind::Thunderbird => matches!(name, "prefs.js" | "user.js").then_some(Confidence::Name),
            Kind::Mutt => {
                let bare = name.trim_start_matches('.');
                let base = bare.split_once('-').map_or(bare, |(base, _)| base);
                matches!(base, "muttrc" | "neomuttrc").then_some(Confidence::Name)
            }
            Kind::Outlook => {
                let extension = path.extension()?.to_str()?.to_ascii_lowercase();
                let looks = match extension.as_str() {
                    "prf" => head.windows(9).any(|w| w == b"[General]"),
                    "reg" => {
                        head.starts_with(b"Windows Registry Editor")
                            || head.starts_with(b"REGEDIT4")
                    }
                    _ => false,
                };
                looks.then_some(Confidence::Content)
            }
        }
    }

    fn unit_root(&self, path: &Path) -> PathBuf {
        match self.kind {
            Kind::Thunderbird if path.file_name().is_some_and(|n| n == "user.js") => {
                path.with_file_name("prefs.js")
            }
            _ => path.to_path_buf(),
        }
    }

    fn parse(&self, root: FileId, sources: &mut Sources, options: &ParseOptions) -> ParsedUnit {
        let mut unit = ParsedUnit::default();
        let mut queue = vec![root];
        let mut done = Vec::new();
        while let Some(file) = queue.pop() {
            if done.contains(&file) {
                continue;
            }
            done.push(file);
            let source = Arc::clone(sources.get(file));
            let mut offset = 0;
            for line in source.text().split_inclusive('\n') {
                let text = line.trim_end();
                let span = Span::new(file, offset, offset + text.len());
                offset += line.len();
                if let Some(name) = text.strip_prefix("account ") {
                    unit.accounts.push(Account {
                        client: self.client(),
                        name: name.to_owned(),
                        email: None,
                        span,
                        endpoints: Vec::new(),
                    });
                } else if text == "bad" {
                    unit.diagnostics.push(Diagnostic::new(
                        ParseError::metadata(),
                        span,
                        "test parse error",
                    ));
                } else if let (Kind::Mutt, Some(target)) = (self.kind, text.strip_prefix("source "))
                {
                    let path = match (target.strip_prefix("~/"), &options.home) {
                        (Some(rest), Some(home)) => home.join(rest),
                        _ => source.path().parent().unwrap_or(Path::new("")).join(target),
                    };
                    match sources.load(&path) {
                        Ok(id) => queue.push(id),
                        Err(error) => unit.diagnostics.push(Diagnostic::new(
                            IoError::metadata(),
                            span,
                            format!("cannot source {}: {error}", path.display()),
                        )),
                    }
                }
            }
        }
        unit
    }

    fn lower(
        &self,
        _unit: &ParsedUnit,
        _sources: &Sources,
        _account: usize,
        _endpoint: usize,
        _changes: &[FieldChange],
    ) -> Result<Vec<Edit>, LowerError> {
        Err(LowerError("the test formats have no fixes".into()))
    }
}

/// The three test parsers, and the real clients' locations (without their parsers).
pub fn parsers() -> ParserRegistry {
    let mut registry = ParserRegistry::new();
    for kind in [Kind::Thunderbird, Kind::Mutt, Kind::Outlook] {
        registry.register(Arc::new(TestParser { kind }));
    }
    registry.register_client_only(Arc::new(maillint_thunderbird::Thunderbird));
    registry.register_client_only(Arc::new(maillint_mutt::Mutt));
    registry.register_client_only(Arc::new(maillint_outlook::Outlook));
    registry
}

/// A linter with the test parsers and the core's rules.
pub fn linter() -> Linter {
    let mut rules = RuleRegistry::new();
    for meta in [ParseError::metadata(), IoError::metadata(), NotFollowed::metadata()] {
        rules.register_meta(Arc::clone(meta)).unwrap();
    }
    let enabled = rules.resolve(&Selection::default()).unwrap();
    Linter::new(parsers(), rules, ProviderDb::default(), enabled)
}

/// Writes `content` at `path`, creating folders.
pub fn write(path: impl AsRef<Path>, content: impl AsRef<[u8]>) {
    let path = path.as_ref();
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, content).unwrap();
}

/// Creates a symlink at `link` pointing at `target`, creating folders.
pub fn symlink(target: impl AsRef<Path>, link: impl AsRef<Path>) {
    let link = link.as_ref();
    fs::create_dir_all(link.parent().unwrap()).unwrap();
    std::os::unix::fs::symlink(target, link).unwrap();
}

/// Creates a FIFO with the `mkfifo` program (no `nix` needed).
pub fn mkfifo(path: impl AsRef<Path>) {
    let path = path.as_ref();
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    let status = std::process::Command::new("mkfifo").arg(path).status().expect("mkfifo runs");
    assert!(status.success(), "mkfifo {} failed", path.display());
}

/// Creates a Unix socket file (the listener is dropped; the socket file stays).
pub fn socket(path: impl AsRef<Path>) {
    let path = path.as_ref();
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    drop(std::os::unix::net::UnixListener::bind(path).unwrap());
}

/// Makes a folder unreadable (mode 000) and says whether that stops this process from
/// listing it: it does not for root (CI runs tests as root), which the tests must handle.
pub fn make_unreadable(path: impl AsRef<Path>) -> bool {
    use std::os::unix::fs::PermissionsExt;
    let path = path.as_ref();
    fs::set_permissions(path, fs::Permissions::from_mode(0o000)).unwrap();
    let enforced = fs::read_dir(path).is_err();
    if !enforced {
        eprintln!(
            "NOTE: permissions are not enforced for this user (root?): {} stays readable, and \
             the test asserts that it is scanned instead of reported",
            path.display()
        );
    }
    enforced
}

/// Gives a folder its permissions back (so that the temporary folder can be removed).
pub fn make_readable(path: impl AsRef<Path>) {
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(path, fs::Permissions::from_mode(0o755)).unwrap();
}

/// `path` relative to `base`, with `/`, for readable expectations.
pub fn rel(path: &Path, base: &Path) -> String {
    path.strip_prefix(base).unwrap_or(path).display().to_string()
}

/// Runs `f` on another thread and fails the test if it takes longer than a minute: a scan that
/// blocks on a FIFO must fail, not hang CI.
pub fn within_a_minute<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    let (sender, receiver) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let _ = sender.send(f());
    });
    receiver
        .recv_timeout(std::time::Duration::from_secs(60))
        .expect("the scan finished within a minute (a FIFO or loop must never block it)")
}
