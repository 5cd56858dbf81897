//! The home being discovered, held open: paths under it are looked up from its handle.
//!
//! Discovery looks at a few dozen paths per home (`lstat`, listing, opening), and the kernel
//! resolves every folder of each path again, from `/` down to the home (`/home/alice`,
//! `/srv/homes/alice`), before the few names inside it: on the bench tree that walk was the
//! largest part of the scan's system time (`__d_lookup_rcu`, `link_path_walk`). While a home
//! is [`enter`]ed, [`crate::fsx`] resolves a path under it from a handle to the home folder
//! instead (`fstatat`/`openat` with the rest of the path), which the kernel resolves exactly
//! as it resolves that rest of the full path from the home: the same symlinks followed or
//! not, the same permission checks with the same credentials (the handle is opened under the
//! owner's [`ReadAs`](maillint_core::confine::ReadAs) like every look, and `O_PATH` needs no
//! right on the folder itself). The one difference is safer: a home renamed or swapped for a
//! symlink while it is scanned is not followed to wherever the new path leads.
//!
//! Linux only (`O_PATH`); elsewhere nothing is entered and every path is resolved whole.

#[cfg(any(target_os = "linux", target_os = "android"))]
mod linux {
    use std::cell::RefCell;
    use std::ffi::OsStr;
    use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
    use std::os::unix::ffi::OsStrExt;
    use std::path::{Path, PathBuf};

    use rustix::fs::{Mode, OFlags};

    /// The home entered on this thread: its handle and its path as discovery writes it.
    struct Base {
        fd: OwnedFd,
        path: PathBuf,
    }

    thread_local! {
        static BASE: RefCell<Option<Base>> = const { RefCell::new(None) };
    }

    /// While alive, paths under the home go through its handle (see the module docs).
    pub(crate) struct Entered(());

    impl Drop for Entered {
        fn drop(&mut self) {
            BASE.with(|base| base.borrow_mut().take());
        }
    }

    /// Holds `home` open for this thread's lookups until the guard is dropped. When it cannot
    /// be opened, nothing is entered: every path is then resolved whole, and reports what
    /// that finds, as before.
    pub(crate) fn enter(home: &Path) -> Option<Entered> {
        let flags = OFlags::PATH | OFlags::DIRECTORY | OFlags::CLOEXEC;
        let fd = rustix::fs::open(home, flags, Mode::empty()).ok()?;
        BASE.with(|base| *base.borrow_mut() = Some(Base { fd, path: home.to_path_buf() }));
        Some(Entered(()))
    }

    /// `f` with the entered home's handle and the rest of `path` after it, when `path` is
    /// under the home as written (the home's own bytes, a `/`, then at least one byte);
    /// `None` otherwise, and when no home is entered: the caller resolves `path` whole.
    pub(crate) fn with_relative<R>(
        path: &Path,
        f: impl FnOnce(BorrowedFd<'_>, &Path) -> R,
    ) -> Option<R> {
        BASE.with(|base| {
            let base = base.borrow();
            let base = base.as_ref()?;
            let relative = relative_to(&base.path, path)?;
            Some(f(base.fd.as_fd(), relative))
        })
    }

    /// The rest of `path` after `home` and a `/`, if not empty and not itself absolute
    /// (`home//x` is `home/x` to the kernel, but `/x` from a handle is `/x`).
    fn relative_to<'p>(home: &Path, path: &'p Path) -> Option<&'p Path> {
        let home = home.as_os_str().as_encoded_bytes();
        let rest = path.as_os_str().as_encoded_bytes().strip_prefix(home)?.strip_prefix(b"/")?;
        (!rest.is_empty() && rest[0] != b'/').then(|| Path::new(OsStr::from_bytes(rest)))
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn only_paths_below_the_home_as_written_are_relative() {
            let home = Path::new("/h/alice");
            let relative = |p: &str| relative_to(home, Path::new(p)).map(Path::to_path_buf);
            assert_eq!(relative("/h/alice/.muttrc"), Some(PathBuf::from(".muttrc")));
            assert_eq!(relative("/h/alice/a/../b"), Some(PathBuf::from("a/../b")));
            for whole in [
                "/h/alice",
                "/h/alice/",
                "/h/alice//x",
                "/h/alicex/y",
                "/h/bob/x",
                "h/alice/x",
                "/h",
            ] {
                assert_eq!(relative(whole), None, "{whole}");
            }
        }

        #[test]
        fn nothing_is_relative_unless_entered_and_only_while_entered() {
            let dir = tempfile::tempdir().unwrap();
            let file = dir.path().join("f");
            assert!(with_relative(&file, |_, _| ()).is_none());
            {
                let _entered = enter(dir.path()).unwrap();
                assert_eq!(with_relative(&file, |_, rel| rel.to_path_buf()), Some("f".into()));
            }
            assert!(with_relative(&file, |_, _| ()).is_none());
            assert!(enter(&dir.path().join("missing")).is_none());
        }
    }
}

#[cfg(any(target_os = "linux", target_os = "android"))]
pub(crate) use linux::{enter, with_relative};

/// Off Linux nothing is entered.
#[cfg(not(any(target_os = "linux", target_os = "android")))]
pub(crate) fn enter(_home: &std::path::Path) -> Option<()> {
    None
}
