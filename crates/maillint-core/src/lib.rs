//! The shared vocabulary of maillint.
//!
//! The flow of a lint run, and the module that owns each step:
//!
//! 0. [`read`]: a file is opened and read the one safe way (non-blocking, regular files only,
//!    capped), within its owner's rights ([`confine`]).
//! 1. [`source`]: a file's bytes become decoded text with a line index ([`SourceFile`]).
//! 2. [`parser`]: a client's [`Parser`] turns its files into the account [`model`], with a
//!    [`Span`] on every value.
//! 3. [`rule`]: [`Rule`]s look at the model (and the [`providers`] facts) and report
//!    [`Finding`]s.
//! 4. [`diagnostic`]: findings become [`Diagnostic`]s with fixes ([`fix`]) lowered by the parser
//!    into text edits.
//!
//! Library crates never print; the CLI's reporter renders diagnostics.
//!
//! This crate holds the types and traits only. The engine that runs the flow lives in
//! `maillint-engine`; parsers and rules live in their own crates.

pub mod auth_policy;
pub mod builtin;
pub mod client;
pub mod confine;
pub mod date;
pub mod diagnostic;
pub mod fix;
pub mod host;
pub mod ini;
#[cfg(unix)]
pub mod listing;
pub mod model;
pub mod parser;
pub mod providers;
pub mod read;
pub mod rule;
pub mod run_state;
pub mod secrets;
pub mod selection;
pub mod source;
pub mod span;
pub mod testing;
pub mod toml_error;

pub use client::{
    ClientSupport, FolderIndex, IndexNote, IndexedFolder, Layout, Location, LocationKind, TlsAdvice,
};
pub use confine::{Owner, ReadAs};
pub use date::{Date, DateError};
pub use diagnostic::{Diagnostic, Label, Severity};
pub use fix::{Applicability, Edit, FieldChange, Fix, FixAction, ProposedFix};
pub use host::HostName;
pub use model::{
    Account, AccountRef, AuthMethod, Client, Endpoint, EndpointFacts, Located, Origin, Protocol,
    SecretKind, Security, StoredSecret, TlsVersion,
};
pub use parser::{Confidence, LowerError, ParseOptions, ParsedUnit, Parser, ParserRegistry};
pub use providers::{Provider, ProviderDb};
pub use read::{BudgetHit, FileIdentity, ReadBudget, ReadError, ReadLimits};
pub use rule::{
    Finding, FixAvailability, Rule, RuleContext, RuleMeta, RuleOrigin, RuleRegistry, RuleSettings,
};
pub use run_state::RunState;
pub use selection::{EnabledRules, Selection};
pub use source::{Encoding, LineCol, LineEnding, SourceFile, Sources};
pub use span::{FileId, Span, TextRange};
pub use toml_error::{TomlErrorAt, locate_toml_error};
