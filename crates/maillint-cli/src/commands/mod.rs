//! One module per subcommand.

pub mod check;
pub mod plugins;
pub mod providers;
pub mod report;
pub mod rules;
pub mod scan;
pub mod scan_output;
pub mod stdin;
