//! Giving the new file everything the old one had besides its bytes: owner, group, mode and
//! every extended attribute, the POSIX ACL (`system.posix_acl_access`) included.
//!
//! A fix replaces a file by renaming a new one over it, so anything not copied here would be
//! lost; anything that cannot be copied makes the fix fail rather than weaken the file.

use std::fs::File;

use maillint_core::FileIdentity;
use rustix::fs::{Gid, Mode, Uid};

use super::handle::identity_of_handle;
use super::{Step, WriteFailure, permissions};

/// Extended attribute names and values are at most 64 KiB each on Linux (`XATTR_LIST_MAX`,
/// `XATTR_SIZE_MAX`, man 7 xattr).
#[cfg(any(target_os = "linux", target_os = "android", target_vendor = "apple"))]
const XATTR_MAX: usize = 64 * 1024;

/// Gives `temp` the owner `uid`, group `gid` and permission bits `permissions`. `chown` comes
/// first because it clears set-id bits; a caller that may not give the file that owner (an
/// unprivileged user fixing a file someone else owns) gets an error, not a file that silently
/// changed hands.
pub(crate) fn set_owner_and_mode(
    temp: &File,
    uid: u32,
    gid: u32,
    permissions: u32,
) -> Result<(), WriteFailure> {
    let now = identity_of_handle(temp).map_err(WriteFailure::io(Step::InspectNew))?;
    if (now.uid, now.gid) != (uid, gid) {
        rustix::fs::fchown(temp, Some(Uid::from_raw(uid)), Some(Gid::from_raw(gid)))
            .map_err(|e| WriteFailure::Owner { uid, gid, error: e.into() })?;
    }
    rustix::fs::fchmod(temp, Mode::from_raw_mode(permissions as _))
        .map_err(|e| WriteFailure::io(Step::KeepPermissions)(e.into()))?;
    Ok(())
}

/// Copies every extended attribute of `from` onto `to` (user, trusted, security and system
/// namespaces alike: the kernel decides which the caller may read and set).
#[cfg(any(target_os = "linux", target_os = "android", target_vendor = "apple"))]
pub(crate) fn copy_xattrs(from: &File, to: &File) -> Result<(), WriteFailure> {
    let mut names = vec![0u8; XATTR_MAX];
    let len = match rustix::fs::flistxattr(from, &mut names[..]) {
        Ok(len) => len,
        // The file system has no extended attributes: nothing to keep.
        Err(rustix::io::Errno::OPNOTSUPP) => return Ok(()),
        Err(e) => return Err(WriteFailure::io(Step::ListAttributes)(e.into())),
    };
    let mut value = vec![0u8; XATTR_MAX];
    for name in names[..len].split(|b| *b == 0).filter(|n| !n.is_empty()) {
        let shown = || String::from_utf8_lossy(name).into_owned();
        let n = rustix::fs::fgetxattr(from, name, &mut value[..])
            .map_err(|e| WriteFailure::ReadAttribute { name: shown(), error: e.into() })?;
        // A label the system gave the new file already (`security.selinux`) need not, and
        // often may not, be set again.
        if current_value(to, name).as_deref() == Some(&value[..n]) {
            continue;
        }
        rustix::fs::fsetxattr(to, name, &value[..n], rustix::fs::XattrFlags::empty())
            .map_err(|e| WriteFailure::KeepAttribute { name: shown(), error: e.into() })?;
    }
    Ok(())
}

/// The value of attribute `name` of `file`, if it has one.
#[cfg(any(target_os = "linux", target_os = "android", target_vendor = "apple"))]
fn current_value(file: &File, name: &[u8]) -> Option<Vec<u8>> {
    let mut buf = vec![0u8; XATTR_MAX];
    let n = rustix::fs::fgetxattr(file, name, &mut buf[..]).ok()?;
    buf.truncate(n);
    Some(buf)
}

/// Systems without extended attributes in rustix: nothing to copy.
#[cfg(not(any(target_os = "linux", target_os = "android", target_vendor = "apple")))]
pub(crate) fn copy_xattrs(_from: &File, _to: &File) -> Result<(), WriteFailure> {
    Ok(())
}

/// Checks that `temp` ended up with the owner, group and mode of `like` (setting an ACL sets
/// the group bits from its mask; a mismatch means something was not kept).
pub(crate) fn check_kept(temp: &File, like: &FileIdentity) -> Result<(), WriteFailure> {
    let now = identity_of_handle(temp).map_err(WriteFailure::io(Step::InspectNew))?;
    if (now.uid, now.gid, now.mode) != (like.uid, like.gid, like.mode) {
        return Err(WriteFailure::NotKept {
            new: (now.uid, now.gid, now.mode & 0o7777),
            old: (like.uid, like.gid, permissions(like)),
        });
    }
    Ok(())
}
