//! Inputs for the micro-benchmarks of every maillint parser (`benches/parsers.rs`, run by
//! `cargo xtask bench --micro`), at the sizes real users have.
//!
//! The Thunderbird, mutt and Outlook `.reg` inputs come from the generators of the whole-tree
//! benchmark ([`generate`]), the same bytes `cargo xtask bench` writes into its homes. The
//! smaller formats (msmtp, OfflineIMAP, Evolution, Autodiscover) are generated in
//! [`configs`] after the files in `../shared/corpus`. Everything is deterministic: the same
//! bytes on every run and machine.

#![allow(
    missing_docs,
    reason = "the generators compiled from xtask document themselves for xtask's (binary) lints"
)]

pub mod configs;
mod generate;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use maillint_core::{ParseOptions, ParsedUnit, Parser, ParserRegistry, SourceFile, Sources};

use generate::tree::Rng;

/// The user every generated file belongs to.
const USER: &str = "zoe";

/// A `prefs.js` as Thunderbird writes it, of about `target` bytes (within 5%): the first
/// profile of the whole-tree benchmark's generator that comes out at that size.
pub fn prefs_js(target: usize) -> String {
    for seed in 0.. {
        let (text, _) = generate::prefs::prefs_js(&mut Rng::new(seed), USER);
        if text.len().abs_diff(target) * 20 <= target {
            return text;
        }
    }
    unreachable!("the generator covers 20 to 120 KB")
}

/// A muttrc that sources an account file per account, a colour scheme and key bindings,
/// written under `home`. Returns the main file and the bytes of every file.
pub fn mutt_home(home: &Path) -> std::io::Result<(PathBuf, u64)> {
    let files = generate::mutt::files(&mut Rng::new(7), USER);
    let mut bytes = 0;
    for (relative, text) in &files {
        let path = home.join(relative);
        if let Some(folder) = path.parent() {
            std::fs::create_dir_all(folder)?;
        }
        std::fs::write(&path, text)?;
        bytes += text.len() as u64;
    }
    Ok((home.join(&files[0].0), bytes))
}

/// An Outlook `.reg` export (UTF-16LE with a BOM, CR LF), as regedit writes it.
pub fn reg_export() -> Vec<u8> {
    generate::outlook::reg_export(&mut Rng::new(3), USER).1
}

/// The first KiB of an unrelated file (a cache, a document, source code), what detection
/// looks at for most files `check` walks.
pub fn noise_head(seed: u64, mentions_mail: bool) -> Vec<u8> {
    generate::tree::text(&mut Rng::new(seed), 1024, mentions_mail)
}

/// The parsers and clients of the `maillint` binary.
pub fn registry() -> ParserRegistry {
    maillint_cli::registry::parsers()
}

/// The registered parser called `name`.
pub fn parser(registry: &ParserRegistry, name: &str) -> Arc<dyn Parser> {
    Arc::clone(registry.get(name).unwrap_or_else(|| panic!("no parser named {name}")))
}

/// Decodes `bytes` as the file at `path` and parses it as the engine does: the root of a
/// unit, whose parser may read the files it leads to (from disk, below `home`).
pub fn parse_unit(parser: &dyn Parser, path: &Path, bytes: &[u8], home: &Path) -> ParsedUnit {
    let mut sources = Sources::new();
    let root = sources.add(SourceFile::from_bytes(path, bytes));
    let options = ParseOptions { home: Some(home.to_path_buf()), ..ParseOptions::default() };
    parser.parse(root, &mut sources, &options)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every input parses into the accounts it was generated with and no parse error: a
    /// benchmark of a parser that gives up early would measure nothing.
    #[test]
    fn every_input_parses_into_accounts_without_errors() {
        let registry = registry();
        let home = tempfile::tempdir().unwrap();
        let dir = home.path();
        let prefs = prefs_js(63_000);
        let (muttrc, _) = mutt_home(dir).unwrap();
        let cases: Vec<(&str, PathBuf, Vec<u8>)> = vec![
            ("thunderbird", dir.join("profile/prefs.js"), prefs.into_bytes()),
            ("mutt", muttrc.clone(), std::fs::read(&muttrc).unwrap()),
            ("outlook-reg", dir.join("outlook.reg"), reg_export()),
            ("outlook-autodiscover", dir.join("autodiscover.xml"), configs::autodiscover().into()),
            ("msmtp", dir.join(".msmtprc"), configs::msmtprc().into()),
            ("offlineimap", dir.join(".offlineimaprc"), configs::offlineimaprc().into()),
            ("evolution", configs::EVOLUTION_PATH.into(), configs::evolution_source().into()),
        ];
        for (name, path, bytes) in cases {
            let unit = parse_unit(&*parser(&registry, name), &path, &bytes, dir);
            assert!(!unit.accounts.is_empty(), "{name}: no account");
            let errors: Vec<_> =
                unit.diagnostics.iter().filter(|d| d.rule.name == "parse-error").collect();
            assert!(errors.is_empty(), "{name}: {errors:?}");
        }
    }

    #[test]
    fn prefs_js_sizes_are_the_ones_asked_for_and_libpref_reads_every_line() {
        use maillint_thunderbird::prefs::{FileKind, parse};
        for target in [20_000, 63_000, 120_000] {
            let text = prefs_js(target);
            assert!(text.len().abs_diff(target) * 20 <= target, "{target}: {}", text.len());
            let parsed = parse(text.as_bytes(), FileKind::User);
            assert!(parsed.errors.is_empty(), "{target}: {:?}", parsed.errors);
            assert_eq!(parsed.statements.len(), text.matches("\nuser_pref(").count());
        }
    }
}
