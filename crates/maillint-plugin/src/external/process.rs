//! Running a plugin process under maillint's control: one request on standard input, one
//! response on standard output, a deadline, and bounded output.
//!
//! Threads feed standard input and drain both output pipes, so a plugin that never reads its
//! input, or writes more than the pipe holds, cannot block maillint. The main thread waits for
//! the exit until the deadline and kills the process when it passes, or as soon as standard
//! output outgrows its bound. A process that exits while a child of its own still holds the
//! pipes open does not block maillint either: after a short grace period its output is taken as
//! incomplete.

use std::io::{self, Read, Write};
use std::path::Path;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

/// How much of standard error is kept for messages.
pub const STDERR_KEPT: usize = 16 * 1024;

/// How long the pipes may stay open after the process exited.
const PIPE_GRACE: Duration = Duration::from_millis(500);

/// Bounds for one run.
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Wall-clock time before the process is killed.
    pub timeout: Duration,
    /// Bytes of standard output before the process is killed.
    pub max_stdout: u64,
}

/// What a finished process produced.
#[derive(Debug)]
pub struct Finished {
    /// Its exit status.
    pub status: ExitStatus,
    /// Everything it wrote to standard output.
    pub stdout: Vec<u8>,
    /// The first [`STDERR_KEPT`] bytes of standard error.
    pub stderr: Vec<u8>,
}

/// Why a run produced no usable output.
#[derive(Debug)]
pub enum RunError {
    /// The process could not be started.
    Spawn(io::Error),
    /// The deadline passed; the process was killed.
    Timeout(Duration),
    /// Standard output outgrew its bound; the process was killed.
    OutputTooLarge(u64),
    /// Waiting for the process failed.
    Wait(io::Error),
}

impl std::fmt::Display for RunError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            RunError::Spawn(e) => write!(f, "could not be started: {e}"),
            RunError::Timeout(limit) => write!(
                f,
                "did not answer within {:.1} s and was stopped (raise `timeout` in its \
                 [[plugin]] table if it needs longer)",
                limit.as_secs_f64()
            ),
            RunError::OutputTooLarge(limit) => {
                write!(f, "wrote more than {limit} bytes to standard output and was stopped")
            }
            RunError::Wait(e) => write!(f, "could not be waited for: {e}"),
        }
    }
}

/// Starts `program` with `args` in `dir`, writes `input` to its standard input, and collects its
/// output within `limits`.
pub fn run(
    program: &Path,
    args: &[String],
    dir: &Path,
    input: Vec<u8>,
    limits: Limits,
) -> Result<Finished, RunError> {
    let mut child = Command::new(program)
        .args(args)
        .current_dir(dir)
        .env("MAILLINT_PLUGIN_PROTOCOL", super::wire::PROTOCOL_VERSION.to_string())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(RunError::Spawn)?;

    if let Some(mut stdin) = child.stdin.take() {
        // A plugin may exit without reading everything (an early error): a broken pipe here
        // is its business, reported through its exit status and output.
        thread::spawn(move || {
            let _ = stdin.write_all(&input);
        });
    }
    let overflow = Arc::new(AtomicBool::new(false));
    let (stdout_tx, stdout_rx) = mpsc::channel();
    if let Some(stdout) = child.stdout.take() {
        let overflow = Arc::clone(&overflow);
        let max = limits.max_stdout;
        thread::spawn(move || {
            let _ = stdout_tx.send(read_bounded(stdout, max, &overflow));
        });
    }
    let (stderr_tx, stderr_rx) = mpsc::channel();
    if let Some(stderr) = child.stderr.take() {
        thread::spawn(move || {
            let _ = stderr_tx.send(read_keeping_prefix(stderr, STDERR_KEPT));
        });
    }

    let deadline = Instant::now() + limits.timeout;
    let mut pause = Duration::from_millis(1);
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) => {}
            Err(e) => {
                stop(&mut child);
                return Err(RunError::Wait(e));
            }
        }
        if overflow.load(Ordering::Relaxed) {
            stop(&mut child);
            return Err(RunError::OutputTooLarge(limits.max_stdout));
        }
        let now = Instant::now();
        if now >= deadline {
            stop(&mut child);
            return Err(RunError::Timeout(limits.timeout));
        }
        thread::sleep(pause.min(deadline - now));
        pause = (pause * 2).min(Duration::from_millis(20));
    };
    if overflow.load(Ordering::Relaxed) {
        return Err(RunError::OutputTooLarge(limits.max_stdout));
    }
    let stdout = stdout_rx.recv_timeout(PIPE_GRACE).unwrap_or_default();
    if overflow.load(Ordering::Relaxed) {
        return Err(RunError::OutputTooLarge(limits.max_stdout));
    }
    let stderr = stderr_rx.recv_timeout(PIPE_GRACE).unwrap_or_default();
    Ok(Finished { status, stdout, stderr })
}

fn stop(child: &mut Child) {
    let _ = child.kill();
    let _ = child.wait();
}

/// Reads until end of file; past `max` bytes it sets `overflow` and stops reading (closing the
/// pipe makes the writer fail).
fn read_bounded(mut pipe: impl Read, max: u64, overflow: &AtomicBool) -> Vec<u8> {
    let mut out = Vec::new();
    let mut buffer = vec![0u8; 64 * 1024];
    loop {
        match pipe.read(&mut buffer) {
            Ok(0) => break,
            Ok(n) => {
                if out.len() as u64 + n as u64 > max {
                    overflow.store(true, Ordering::Relaxed);
                    break;
                }
                out.extend_from_slice(&buffer[..n]);
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(_) => break,
        }
    }
    out
}

/// Reads until end of file, keeping the first `keep` bytes and discarding the rest (the pipe is
/// drained so the writer never blocks on it).
fn read_keeping_prefix(mut pipe: impl Read, keep: usize) -> Vec<u8> {
    let mut out = Vec::new();
    let mut buffer = vec![0u8; 8 * 1024];
    loop {
        match pipe.read(&mut buffer) {
            Ok(0) => break,
            Ok(n) => {
                let room = keep.saturating_sub(out.len());
                out.extend_from_slice(&buffer[..n.min(room)]);
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(_) => break,
        }
    }
    out
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    fn sh(script: &str, limits: Limits) -> Result<Finished, RunError> {
        run(
            Path::new("/bin/sh"),
            &["-c".to_owned(), script.to_owned()],
            Path::new("/"),
            b"ping".to_vec(),
            limits,
        )
    }

    const GENEROUS: Limits = Limits { timeout: Duration::from_secs(20), max_stdout: 1 << 20 };

    #[test]
    fn input_reaches_the_process_and_output_comes_back() {
        let done = sh("cat; echo oops >&2; exit 3", GENEROUS).unwrap();
        assert_eq!(done.stdout, b"ping");
        assert_eq!(done.stderr, b"oops\n");
        assert_eq!(done.status.code(), Some(3));
    }

    #[test]
    fn a_slow_process_is_killed_at_the_deadline() {
        let start = Instant::now();
        let err =
            sh("sleep 30", Limits { timeout: Duration::from_millis(200), ..GENEROUS }).unwrap_err();
        assert!(matches!(err, RunError::Timeout(_)), "{err:?}");
        assert!(start.elapsed() < Duration::from_secs(5));
    }

    #[test]
    fn too_much_output_stops_the_process() {
        let err = sh("yes", Limits { max_stdout: 100_000, ..GENEROUS }).unwrap_err();
        assert!(matches!(err, RunError::OutputTooLarge(100_000)), "{err:?}");
    }

    #[test]
    fn a_process_that_never_reads_its_input_does_not_block() {
        let big = vec![b'x'; 4 << 20];
        let done = run(
            Path::new("/bin/sh"),
            &["-c".to_owned(), "echo done".to_owned()],
            Path::new("/"),
            big,
            GENEROUS,
        )
        .unwrap();
        assert_eq!(done.stdout, b"done\n");
    }

    #[test]
    fn a_missing_program_is_a_spawn_error() {
        let err = run(Path::new("/nonexistent/plugin"), &[], Path::new("/"), vec![], GENEROUS)
            .unwrap_err();
        assert!(matches!(err, RunError::Spawn(_)));
    }
}
