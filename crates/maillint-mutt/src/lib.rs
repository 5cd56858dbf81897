//! The mutt and NeoMutt parser of maillint.
//!
//! A muttrc is read the way NeoMutt 20220429 reads it (the version the oracle test runs):
//! logical lines with `\` continuation, NeoMutt's tokenizer (quotes, escapes, `#` comments
//! even inside words, `$VAR`), `set`/`unset`/`toggle`/`reset` with their prefixes and `+=`,
//! `source` relative to the sourcing file, `ifdef`/`ifndef`/`finish`, and hooks whose bodies
//! are read again when maillint builds the accounts they switch to. Nothing a file names is
//! ever run, and the environment of the process is never read: such values are unknown and an
//! info diagnostic (`not-followed`) says so.
//!
//! The flow: [`lexer`] (lines, tokens) → [`interp`] (commands, state) → [`accounts`] (the
//! account model) → [`lower`] (fixes). [`effective_variables`] exposes the final value of
//! every variable for the oracle test. [`client`] registers mutt with maillint ([`Mutt`]):
//! the files mutt and NeoMutt read at start, for `maillint scan`.

mod accounts;
mod analysis;
pub mod client;
mod interp;
mod lexer;
mod lower;
mod neomutt_tables;
pub mod rules;
mod secrets;
mod state;
mod text;
mod url;
mod vars;

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use maillint_core::{
    Client, Confidence, Edit, FieldChange, FileId, LowerError, ParseOptions, ParsedUnit, Parser,
    RuleMeta, Sources,
};

pub use client::{CLIENT, Mutt};
pub use neomutt_tables::NEOMUTT_VERSION;

/// The parser for muttrc and neomuttrc files.
#[derive(Debug, Default, Clone, Copy)]
pub struct MuttParser;

/// What [`Parser::lower`] keeps from a parse.
struct LowerState {
    edits: Vec<Vec<accounts::EndpointEdit>>,
    commands: Vec<state::CommandInfo>,
}

impl Parser for MuttParser {
    fn name(&self) -> &'static str {
        "mutt"
    }

    fn client(&self) -> Client {
        CLIENT
    }

    fn detect(&self, path: &Path, head: &[u8]) -> Option<Confidence> {
        if detect_by_name(path) {
            return Some(Confidence::Name);
        }
        looks_like_muttrc(head).then_some(Confidence::Content)
    }

    fn parse(&self, root: FileId, sources: &mut Sources, options: &ParseOptions) -> ParsedUnit {
        let mut result = analysis::analyse(root, sources, options);
        // What the interpreter did not run still holds secrets (after `finish`, in `ifdef`,
        // macros, hooks and `tunnel`): the sweep finds them in the raw text.
        for span in secrets::sweep(sources) {
            if !result.secrets.contains(&span) {
                result.secrets.push(span);
            }
        }
        ParsedUnit {
            accounts: result.accounts,
            diagnostics: result.diagnostics,
            secrets: result.secrets,
            state: Some(Box::new(LowerState { edits: result.edits, commands: result.commands })),
        }
    }

    fn lower(
        &self,
        unit: &ParsedUnit,
        sources: &Sources,
        account: usize,
        endpoint: usize,
        changes: &[FieldChange],
    ) -> Result<Vec<Edit>, LowerError> {
        let state =
            unit.state.as_ref().and_then(|s| s.downcast_ref::<LowerState>()).ok_or_else(|| {
                LowerError("this unit was not parsed by the mutt parser".to_owned())
            })?;
        let edit =
            state.edits.get(account).and_then(|a| a.get(endpoint)).ok_or_else(|| {
                LowerError(format!("no endpoint {account}/{endpoint} in this unit"))
            })?;
        lower::lower(edit, &state.commands, sources, changes)
    }

    fn rules(&self) -> Vec<Arc<RuleMeta>> {
        rules::all()
    }
}

/// Whether the file name says muttrc: `.muttrc`, `muttrc`, `.neomuttrc`, `neomuttrc`,
/// `Muttrc` (the system file), `*.muttrc`, `*.neomuttrc`, `muttrc.*`/`neomuttrc.*` (local
/// variants such as `neomuttrc.local`), and `*.rc` or `*rc` under a `mutt`, `.mutt` or
/// `neomutt` folder.
pub fn detect_by_name(path: &Path) -> bool {
    let Some(name) = path.file_name().map(|n| n.to_string_lossy().to_ascii_lowercase()) else {
        return false;
    };
    let bare = name.trim_start_matches('.');
    if matches!(bare, "muttrc" | "neomuttrc")
        || bare.ends_with(".muttrc")
        || bare.ends_with(".neomuttrc")
        || bare.starts_with("muttrc.")
        || bare.starts_with("neomuttrc.")
        // mutt reads `~/.muttrc-<VERSION>` before `~/.muttrc` (init.c, `mutt_find_cfg`:
        // names `"muttrc-" MUTT_VERSION` then `"muttrc"`), and dotfiles keep per-host or
        // per-account files as `muttrc-<name>`.
        || bare.starts_with("muttrc-")
        || bare.starts_with("neomuttrc-")
    {
        return true;
    }
    if !name.ends_with(".rc") {
        return false;
    }
    // Only now the folders: this runs for every file a walk meets.
    path.parent().is_some_and(|p| {
        p.components().any(|c| {
            c.as_os_str().to_str().is_some_and(|c| {
                ["mutt", ".mutt", "neomutt", ".neomutt"].iter().any(|w| c.eq_ignore_ascii_case(w))
            })
        })
    })
}

/// Whether the text looks like a muttrc: most of its command lines start with a NeoMutt
/// command, at least two do, and at least one sets a known variable, defines a hook or sources
/// a file.
pub fn looks_like_muttrc(head: &[u8]) -> bool {
    let text = maillint_core::parser::head_text(head);
    let mut lines = 0usize;
    let mut mutt = 0usize;
    let mut strong = 0usize;
    // The last line of `head` may be cut short.
    let complete = match text.rfind('\n') {
        Some(end) => &text[..end],
        None => &text[..],
    };
    for line in complete.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        lines += 1;
        let mut words = line.split_whitespace();
        let Some(first) = words.next() else { continue };
        if !vars::is_command(first) {
            continue;
        }
        match first {
            "set" | "unset" | "toggle" | "reset" => {
                let Some(second) = words.next() else { continue };
                let name = second.trim_start_matches(['?', '&']);
                let name = name.split(['=', '+', '-', '?']).next().unwrap_or("");
                let known = |n: &str| vars::lookup(n).is_some() || n.starts_with("my_");
                let plain = known(name);
                let prefixed = name.strip_prefix("no").is_some_and(known)
                    || name.strip_prefix("inv").is_some_and(known);
                if plain || prefixed {
                    mutt += 1;
                    strong += 1;
                }
            }
            "source" => {
                mutt += 1;
                strong += 1;
            }
            name if name.ends_with("-hook") => {
                mutt += 1;
                strong += 1;
            }
            _ => mutt += 1,
        }
    }
    mutt >= 2 && strong >= 1 && mutt * 3 >= lines * 2
}

/// A variable's value after NeoMutt read the configuration (hooks not run).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EffectiveValue {
    /// The value, as `neomutt -Q` prints it (booleans `yes`/`no`).
    Known(String),
    /// Not known to maillint, and why.
    Unknown(String),
}

/// The final value of every variable after reading a configuration.
#[derive(Clone, Debug, Default)]
pub struct EffectiveConfig {
    values: BTreeMap<&'static str, EffectiveValue>,
}

impl EffectiveConfig {
    /// The value of a variable, by its current name or an old synonym (`spoolfile`).
    pub fn get(&self, name: &str) -> Option<&EffectiveValue> {
        let (def, _) = vars::lookup(name)?;
        self.values.get(def.name)
    }

    /// All variables by canonical name.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &EffectiveValue)> {
        self.values.iter().map(|(k, v)| (*k, v))
    }
}

/// Reads the unit rooted at `root` and returns every variable's final value, the way
/// `neomutt -n -F ROOT -Q VAR` reports it. Diagnostics are not returned (use
/// [`MuttParser`]).
pub fn effective_variables(
    root: FileId,
    sources: &mut Sources,
    options: &ParseOptions,
) -> EffectiveConfig {
    let result = analysis::analyse(root, sources, options);
    let values = analysis::effective_values(&result.final_state)
        .into_iter()
        .map(|(name, text)| {
            let value = match text.first_unknown() {
                None => EffectiveValue::Known(text.as_str().to_owned()),
                Some((kind, _)) => EffectiveValue::Unknown(kind.describe()),
            };
            (name, value)
        })
        .collect();
    EffectiveConfig { values }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detection_by_name() {
        for path in [
            "/home/u/.muttrc",
            "/home/u/.config/neomutt/neomuttrc",
            "/etc/Muttrc",
            "/x/work.muttrc",
            "/x/.config/mutt/accounts/gmail.rc",
            "/x/neomuttrc.local.work",
            "/home/u/.muttrc-2.2.9",
            "/home/u/.mutt/muttrc-work",
        ] {
            assert!(detect_by_name(Path::new(path)), "{path}");
        }
        for path in
            ["/x/prefs.js", "/x/.config/mutt/colors", "/x/project/build.rc", "/x/muttrc_notes"]
        {
            assert!(!detect_by_name(Path::new(path)), "{path}");
        }
    }

    #[test]
    fn detection_by_content() {
        assert!(looks_like_muttrc(
            b"# mail\nset folder=imaps://x/\nset imap_user=me\nmacro index x y\n"
        ));
        assert!(!looks_like_muttrc(b"#!/bin/sh\nset -e\necho hi\nset -u\n"));
        assert!(!looks_like_muttrc(b"user_pref(\"a\", 1);\n"));
        assert!(!looks_like_muttrc(b"set imap_user=me\n"), "one line is not enough");
    }
}
