//! The maillint engine: the flow from paths to diagnostics.
//!
//! [`discover`] turns paths into units; [`lint`] parses a unit and runs the rules over its
//! account model; [`fix`] applies fixes and writes files atomically. The engine never prints: callers render [`lint::UnitReport`]s.

pub mod discover;
pub mod fix;
pub mod lint;
pub mod suppress;

pub use discover::{DiscoverOptions, Discovery, Unit, discover};
pub use fix::{AppliedFix, FileChange, FixOptions, FixOutcome, create_atomic, write_atomic};
pub use lint::{Linter, UnitReport};
