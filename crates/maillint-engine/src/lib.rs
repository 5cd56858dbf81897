//! The maillint engine: the flow from paths to diagnostics, one module per stage.
//!
//! 1. [`discover`]: paths become units (a root file and the parser that reads it).
//! 2. [`read`]: a unit's root file becomes [`Sources`](maillint_core::Sources).
//! 3. [`parse`]: the parser turns the files into the account model.
//! 4. [`rules`]: the enabled rules report findings; the parser lowers their fixes to edits.
//! 5. [`verify`] (optional): a [`Verifier`](verify::Verifier) probes the servers named.
//! 6. [`filter`]: severity overrides, per-file ignores and inline suppressions ([`suppress`]),
//!    the same for every finding.
//! 7. [`fix`]: the fix loop applies fixes in memory; [`write`] writes each changed file
//!    through folder handles, only over the very file that was read.
//!
//! Rendering is the caller's: the engine never prints. [`lint::Linter`] holds what a run
//! needs and runs stages 2–4 and 6 for one unit ([`Linter::lint_unit`]); [`run`] runs them
//! (and the fix loop) over many units in parallel, each unit under `catch_unwind`. A parser
//! or rule that panics becomes an `internal-error` finding naming it, and the run goes on.

pub mod discover;
pub mod filter;
pub mod fix;
pub mod lint;
pub mod parse;
pub mod read;
pub mod rules;
pub mod run;
pub mod suppress;
pub mod verify;
pub mod write;

pub use discover::{DiscoverOptions, Discovery, Unit, discover};
pub use fix::{AppliedFix, FileChange, FixOptions, FixOutcome};
pub use lint::{Linter, UnitReport};
pub use run::{Linted, Mode};
pub use verify::Verifier;
pub use write::{WriteError, WriteFailure, create_atomic, write_atomic};
