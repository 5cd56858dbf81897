//! The generators of `cargo xtask bench` (`xtask/src/bench`), compiled here as they are, so
//! that the micro-benchmarks parse the same bytes the whole-tree benchmark writes: no second
//! generator to keep in step, and no corpus file copied into the repository.
//!
//! Only the pure generators are used (a `prefs.js`, a muttrc with its parts, a `.reg`
//! export, noise text); the tree writer they come with is not.

#[allow(dead_code, reason = "the tree writer and the legacy shape are not used here")]
#[path = "../../../../xtask/src/bench/tree.rs"]
pub(crate) mod tree;

#[allow(dead_code, reason = "the user.js generator is not used here")]
#[path = "../../../../xtask/src/bench/prefs.rs"]
pub(crate) mod prefs;

#[path = "../../../../xtask/src/bench/mutt.rs"]
pub(crate) mod mutt;

#[path = "../../../../xtask/src/bench/outlook.rs"]
pub(crate) mod outlook;

#[allow(dead_code, reason = "only the real-size shape is measured")]
#[path = "../../../../xtask/src/bench/legacy.rs"]
pub(crate) mod legacy;
