//! Thunderbird support for maillint.
pub mod prefs;
