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
///
/// A user the walk already found to own the file is taken as it is: reading with a user's
/// rights is safe whatever changed since (the kernel judges the `open` as for them, and the
/// file must be theirs or root's). A file the walk found to be root's in root's folders is
/// decided again by its path as it is now: it would be read with root's rights, and an entry
/// on its path may have been replaced since by someone who may write there.
pub fn read_root(unit: &Unit, mut policy: ReadPolicy) -> io::Result<(Sources, FileId)> {
    if policy.owner.is_none() {
        policy.owner = match unit.walked.and_then(|walked| walked.owner) {
            Some((uid, gid)) => Some(Owner::of_uid(uid, gid)),
            None => Owner::of_config_file(&unit.root),
        };
    }
    let mut sources = Sources::with_policy(policy);
    let root = {
        let _as_owner = ReadAs::enter(sources.policy().owner.as_ref())?;
        sources.load(&unit.root)?
    };
    Ok((sources, root))
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use maillint_core::confine::running_as_root;
    use maillint_core::testing::ClaimingParser;

    use super::*;
    use crate::discover::Walked;

    /// The walk found root's file in root's folder (to be read with root's rights); by the
    /// time it is read, the entry is a user's symlink to a file only root may read. The read
    /// stage decides again by the path, so the file is read with the user's rights: refused.
    /// A user the walk found is taken as it is.
    #[cfg(unix)]
    #[test]
    fn a_file_the_walk_found_to_be_roots_is_judged_again_by_its_path_when_read() {
        use std::os::unix::fs::{PermissionsExt, lchown, symlink};
        if !running_as_root() {
            maillint_core::testing::skip("giving files to other users needs root");
            return;
        }
        let tmp = tempfile::tempdir().unwrap();
        std::fs::set_permissions(tmp.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
        let secret = tmp.path().join("secret");
        std::fs::write(&secret, "root only\n").unwrap();
        std::fs::set_permissions(&secret, std::fs::Permissions::from_mode(0o600)).unwrap();
        let swapped = tmp.path().join("prefs.kv");
        symlink(&secret, &swapped).unwrap();
        lchown(&swapped, Some(65534), Some(65534)).unwrap();
        let unit = |owner| Unit {
            root: swapped.clone(),
            parser: Arc::new(ClaimingParser { extension: "kv" }),
            walked: Some(Walked { root: 0, owner }),
        };

        let Err(error) = read_root(&unit(None), ReadPolicy::default()) else {
            panic!("a user's symlink to root's file was read with root's rights")
        };
        assert_eq!(error.kind(), io::ErrorKind::PermissionDenied, "{error}");
        let error = read_root(&unit(Some((65534, 65534))), ReadPolicy::default()).err();
        assert_eq!(error.map(|e| e.kind()), Some(io::ErrorKind::PermissionDenied));
        // Root's own file, found root's: read with root's rights.
        let mut root_unit = unit(None);
        root_unit.root = secret.clone();
        let (sources, root) = read_root(&root_unit, ReadPolicy::default()).unwrap();
        assert_eq!(sources.get(root).path(), secret);
    }
}
