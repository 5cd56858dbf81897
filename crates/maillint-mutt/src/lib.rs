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
mod detect;
mod flavour;
mod interp;
mod lexer;
mod lower;
mod neomutt_tables;
mod orphans;
pub mod rules;
mod secrets;
mod state;
mod text;
mod url;
mod vars;

/// Every muttrc of the fixtures and of the corpus, for the tests that compare a fast path with
/// the plain one on real files. Without the corpus, the test says SKIPPED (and fails under CI).
#[cfg(test)]
fn fixture_and_corpus_muttrcs() -> Vec<std::path::PathBuf> {
    let manifest_dir = env!("CARGO_MANIFEST_DIR");
    let mut dirs = vec![std::path::Path::new(manifest_dir).join("../../fixtures/mutt")];
    dirs.extend(maillint_core::testing::corpus_dir(manifest_dir, "muttrc"));
    let files: Vec<_> = dirs.iter().flat_map(|d| maillint_core::testing::files_under(d)).collect();
    assert!(files.len() > 20, "fixtures found: {}", files.len());
    files
}

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use maillint_core::{
    Client, Confidence, Edit, FieldChange, FileId, LowerError, ParseOptions, ParsedUnit, Parser,
    RuleMeta, Sources,
};

pub use client::{CLIENT, Mutt};
pub use detect::{detect_by_name, looks_like_muttrc};
pub use flavour::Flavour;
pub use neomutt_tables::NEOMUTT_VERSION;

/// The parser for muttrc and neomuttrc files.
#[derive(Debug, Default, Clone, Copy)]
pub struct MuttParser;

/// What [`Parser::lower`] keeps from a parse.
struct LowerState {
    edits: Vec<Vec<accounts::EndpointEdit>>,
    commands: state::Commands,
}

impl Parser for MuttParser {
    fn name(&self) -> &'static str {
        "mutt"
    }

    fn client(&self) -> Client {
        CLIENT
    }

    fn highest_confidence(&self) -> Confidence {
        Confidence::Name
    }

    fn detect(&self, path: &Path, head: &[u8]) -> Option<Confidence> {
        detect::detect(path, head)
    }

    fn parse(&self, root: FileId, sources: &mut Sources, options: &ParseOptions) -> ParsedUnit {
        // The secrets include what the sweep finds in the raw text: what the interpreter did
        // not run (after `finish`, in `ifdef`, macros, hooks and `tunnel`) still holds them.
        let result = analysis::analyse(root, sources, options);
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
