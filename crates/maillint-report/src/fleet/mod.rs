//! The fleet report: what a scan of many homes (or many hosts) means for the admin, as one
//! model ([`model::ScanReport`]) that every scan summary is printed from.
//!
//! - [`model`]: the document `scan --output-format report-json` writes (schema in
//!   `docs/schemas/scan-report.schema.json`).
//! - [`collect`]: one home's report on the worker that linted it, added up in scan order.
//! - [`summary`]: the one-screen text summary, printed from the report's totals, rules and
//!   servers and a [`digest::Digest`] of the rest.

pub mod collect;
pub mod digest;
pub mod endpoint;
pub mod html;
pub mod model;
pub mod summary;
pub mod svg;

pub use collect::{HomeInput, ReportBuilder, ReportOptions};
pub use digest::Digest;
pub use model::{ProblemRow, ScanReport};
