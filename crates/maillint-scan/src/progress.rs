//! Progress reporting: the scan tells an observer how far it got, and the CLI draws a bar.

/// Receives progress while a scan runs. Calls come from worker threads, in no particular
/// order; implementations count with atomics.
pub trait Progress: Sync {
    /// The scan starts with `homes` homes.
    fn start(&self, homes: usize) {
        let _ = homes;
    }

    /// A home is done: `files_read` files were read in it and `findings` diagnostics found.
    fn home_done(&self, files_read: usize, findings: usize) {
        let _ = (files_read, findings);
    }
}

/// Progress that nobody watches.
#[derive(Clone, Copy, Debug, Default)]
pub struct NoProgress;

impl Progress for NoProgress {}
