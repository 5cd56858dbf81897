//! Stage 2, read: a unit's root file becomes the first file of its [`Sources`].
//!
//! This is the one place the engine reads a unit from disk; the files a parser follows from
//! the root (a muttrc's `source`, a profile's `user.js`) are read through the same
//! [`Sources`] while parsing. Callers that already hold the bytes (standard input, `scan`,
//! which read them while detecting) skip this stage and add a
//! [`SourceFile`](maillint_core::SourceFile) themselves.

use std::io;

use maillint_core::{FileId, Sources};

use crate::discover::Unit;

/// Reads the unit's root file into new sources.
pub fn read_root(unit: &Unit) -> io::Result<(Sources, FileId)> {
    let mut sources = Sources::new();
    let root = sources.load(&unit.root)?;
    Ok((sources, root))
}
