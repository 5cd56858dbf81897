//! The maillint engine: the flow from paths to diagnostics.
//!
//! [`discover`] turns paths into units; [`lint`] parses a unit and runs the rules over its
//! account model. The engine never prints: callers render [`lint::UnitReport`]s.

pub mod discover;
pub mod lint;

pub use discover::{DiscoverOptions, Discovery, Unit, discover};
pub use lint::{Linter, UnitReport};
