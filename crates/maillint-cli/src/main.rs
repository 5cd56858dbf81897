//! The `maillint` binary. Everything lives in the library so that `xtask` can generate the
//! man page and completions from the same argument definitions.

/// mimalloc instead of the system allocator: a scan allocates and frees per pref, per muttrc
/// line and per file (a 100 KB prefs.js buffer each), and glibc's malloc spent ~13% of a scan's
/// CPU on it (`_int_malloc`, `_int_free`, `malloc_consolidate`); mimalloc's thread-local free
/// lists halve that. Only the binary chooses: the libraries allocate through `std` as usual.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    maillint_cli::run()
}
