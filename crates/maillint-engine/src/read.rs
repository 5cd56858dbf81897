//! Stage 2, read: a unit's root file becomes the first file of its [`Sources`].
//!
//! This is the one place the engine reads a unit from disk; the files a parser follows from
//! the root (a muttrc's `source`, a profile's `user.js`) are read through the same
//! [`Sources`] while parsing. Callers that already hold the bytes (standard input, `scan`,
//! which read them while detecting) skip this stage and add a
//! [`SourceFile`](maillint_core::SourceFile) themselves.

use std::io;

use maillint_core::confine::{Owner, ReadAs};
use maillint_core::source::ReadPolicy;
use maillint_core::{FileId, Sources};

use crate::discover::Unit;

/// Reads the unit's root file into new sources that follow `policy`, with the rights of the
/// configuration's owner (`docs/security.md`): the policy's owner (`scan` sets the home's),
/// or else, when maillint runs as root, the owner of the root file
/// ([`Owner::of_config_file`]).
pub fn read_root(unit: &Unit, mut policy: ReadPolicy) -> io::Result<(Sources, FileId)> {
    if policy.owner.is_none() {
        policy.owner = Owner::of_config_file(&unit.root);
    }
    let mut sources = Sources::with_policy(policy);
    let root = {
        let _as_owner = ReadAs::enter(sources.policy().owner.as_ref())?;
        sources.load(&unit.root)?
    };
    Ok((sources, root))
}
