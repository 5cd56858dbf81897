//! Bounded reading of a server's lines, and the recording of what a server sent first.
//!
//! A server is untrusted input. [`LineReader`] never buffers more than [`MAX_LINE`] bytes for
//! one line, and callers cap a whole response with [`MAX_RESPONSE_BYTES`] and
//! [`MAX_RESPONSE_LINES`], so a server that sends an endless line or endless lines cannot make
//! maillint allocate without bound; the probe's overall timeout covers a server that sends
//! nothing, or one byte at a time.

use std::io;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};

use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, ReadBuf};

/// Longest line accepted, terminator included. RFC 5321 section 4.5.3.1.5 limits an SMTP
/// reply line to 512 octets; IMAP and POP3 capability lines of real servers stay well under
/// 1 KiB. 8 KiB leaves room for verbose servers and still bounds memory.
pub const MAX_LINE: usize = 8 * 1024;
/// Most bytes accepted for one response (all the lines of a CAPABILITY, EHLO or CAPA answer).
pub const MAX_RESPONSE_BYTES: usize = 64 * 1024;
/// Most lines accepted for one response.
pub const MAX_RESPONSE_LINES: usize = 256;

/// Why a line could not be read.
#[derive(Debug)]
pub enum ReadError {
    /// The server closed the connection (after sending `partial`, which may be empty).
    Closed {
        /// Bytes received after the last complete line.
        partial: Vec<u8>,
    },
    /// A line, or a response, exceeded its limit.
    TooLong {
        /// What exceeded the limit ("line", "response").
        what: &'static str,
        /// The limit in bytes or lines.
        limit: usize,
        /// The start of the offending text.
        start: Vec<u8>,
    },
    /// The socket failed.
    Io(io::Error),
}

/// Reads lines from a stream through a bounded buffer, and writes commands to it.
pub struct LineReader<S> {
    stream: S,
    buffer: Vec<u8>,
}

impl<S: AsyncRead + AsyncWrite + Unpin> LineReader<S> {
    /// Wraps a stream.
    pub fn new(stream: S) -> Self {
        Self { stream, buffer: Vec::with_capacity(1024) }
    }

    /// The next line, without its `\r\n` or `\n`. Invalid UTF-8 is replaced.
    pub async fn read_line(&mut self) -> Result<String, ReadError> {
        let mut scanned = 0;
        loop {
            if let Some(pos) = self.buffer[scanned..].iter().position(|&b| b == b'\n') {
                let end = scanned + pos;
                if end + 1 > MAX_LINE {
                    return Err(self.too_long());
                }
                let mut line: Vec<u8> = self.buffer.drain(..=end).collect();
                line.pop();
                if line.last() == Some(&b'\r') {
                    line.pop();
                }
                return Ok(String::from_utf8_lossy(&line).into_owned());
            }
            scanned = self.buffer.len();
            if self.buffer.len() >= MAX_LINE {
                return Err(self.too_long());
            }
            let mut chunk = [0u8; 4096];
            let room = (MAX_LINE - self.buffer.len()).min(chunk.len());
            let read = self.stream.read(&mut chunk[..room]).await.map_err(ReadError::Io)?;
            if read == 0 {
                return Err(ReadError::Closed { partial: std::mem::take(&mut self.buffer) });
            }
            self.buffer.extend_from_slice(&chunk[..read]);
        }
    }

    fn too_long(&self) -> ReadError {
        ReadError::TooLong {
            what: "line",
            limit: MAX_LINE,
            start: self.buffer[..self.buffer.len().min(80)].to_vec(),
        }
    }

    /// Sends `line` followed by CRLF.
    pub async fn send(&mut self, line: &str) -> io::Result<()> {
        let mut bytes = Vec::with_capacity(line.len() + 2);
        bytes.extend_from_slice(line.as_bytes());
        bytes.extend_from_slice(b"\r\n");
        self.stream.write_all(&bytes).await?;
        self.stream.flush().await
    }

    /// Bytes received but not yet read as a line.
    pub fn pending(&self) -> &[u8] {
        &self.buffer
    }

    /// The stream, for a TLS upgrade. Unread bytes are dropped: after STARTTLS they must not
    /// exist (the caller checks [`pending`](Self::pending) first).
    pub fn into_inner(self) -> S {
        self.stream
    }

    /// The stream, for closing it.
    pub fn get_mut(&mut self) -> &mut S {
        &mut self.stream
    }
}

/// The first bytes a server sent, shared with the prober after a failed TLS handshake.
#[derive(Clone, Debug, Default)]
pub struct FirstBytes(Arc<Mutex<Vec<u8>>>);

/// How many received bytes [`Recording`] keeps.
const RECORDED: usize = 512;

impl FirstBytes {
    /// What was recorded so far.
    pub fn get(&self) -> Vec<u8> {
        self.0.lock().map(|b| b.clone()).unwrap_or_default()
    }

    fn push(&self, bytes: &[u8]) {
        if let Ok(mut recorded) = self.0.lock() {
            let room = RECORDED.saturating_sub(recorded.len());
            recorded.extend_from_slice(&bytes[..bytes.len().min(room)]);
        }
    }
}

/// A stream that records the first bytes it receives: when a TLS handshake fails, they show
/// whether the server answered in plaintext, and what it said.
pub struct Recording<S> {
    inner: S,
    first: FirstBytes,
}

impl<S> Recording<S> {
    /// Wraps `inner`; the recorded bytes are readable through the returned handle.
    pub fn new(inner: S) -> (Self, FirstBytes) {
        let first = FirstBytes::default();
        (Self { inner, first: first.clone() }, first)
    }
}

impl<S: AsyncRead + Unpin> AsyncRead for Recording<S> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let before = buf.filled().len();
        let poll = Pin::new(&mut this.inner).poll_read(cx, buf);
        if let Poll::Ready(Ok(())) = &poll {
            let new = &buf.filled()[before..];
            if !new.is_empty() {
                this.first.push(new);
            }
        }
        poll
    }
}

impl<S: AsyncWrite + Unpin> AsyncWrite for Recording<S> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.get_mut().inner).poll_write(cx, buf)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.get_mut().inner).poll_shutdown(cx)
    }
}

/// Whether received bytes look like a plaintext protocol line rather than a TLS record. A TLS
/// record starts with its content type: 0x14–0x18 (RFC 8446 section 5.1); a mail server's
/// plaintext greeting starts with `*`, `+`, `-` or a digit and is printable.
pub fn looks_like_plaintext(bytes: &[u8]) -> bool {
    let Some(&first) = bytes.first() else { return false };
    if (0x14..=0x18).contains(&first) {
        return false;
    }
    let sample = &bytes[..bytes.len().min(64)];
    let printable =
        sample.iter().filter(|&&b| b.is_ascii_graphic() || b" \r\n\t".contains(&b)).count();
    printable * 10 >= sample.len() * 9
}

/// Server text made safe to show in a message: the first line, control characters escaped,
/// at most `limit` characters.
pub fn excerpt(bytes: &[u8], limit: usize) -> String {
    let text = String::from_utf8_lossy(bytes);
    let line = text.split(['\r', '\n']).find(|l| !l.is_empty()).unwrap_or("");
    let mut out = String::new();
    for (count, c) in line.chars().enumerate() {
        if count >= limit {
            out.push('…');
            break;
        }
        if c.is_control() {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn lines_are_split_on_crlf_and_lf() {
        let (client, mut server) = tokio::io::duplex(64);
        server.write_all(b"* OK ready\r\nsecond\nthird").await.unwrap();
        drop(server);
        let mut reader = LineReader::new(client);
        assert_eq!(reader.read_line().await.unwrap(), "* OK ready");
        assert_eq!(reader.read_line().await.unwrap(), "second");
        match reader.read_line().await {
            Err(ReadError::Closed { partial }) => assert_eq!(partial, b"third"),
            other => panic!("{other:?}"),
        }
    }

    #[tokio::test]
    async fn an_endless_line_stops_at_the_limit() {
        let (client, mut server) = tokio::io::duplex(4096);
        let writer = tokio::spawn(async move {
            let chunk = [b'x'; 1024];
            // Stops when the reader gives up and drops its end.
            while server.write_all(&chunk).await.is_ok() {}
        });
        let mut reader = LineReader::new(client);
        match reader.read_line().await {
            Err(ReadError::TooLong { limit, start, .. }) => {
                assert_eq!(limit, MAX_LINE);
                assert!(start.iter().all(|&b| b == b'x'));
            }
            other => panic!("{other:?}"),
        }
        assert!(reader.pending().len() <= MAX_LINE);
        drop(reader);
        writer.await.unwrap();
    }

    #[test]
    fn plaintext_detection_and_excerpts() {
        assert!(looks_like_plaintext(b"* OK Dovecot ready.\r\n"));
        assert!(looks_like_plaintext(b"220 mail.example ESMTP\r\n"));
        assert!(!looks_like_plaintext(&[0x16, 0x03, 0x03, 0x00, 0x2a, 0x02]));
        assert!(!looks_like_plaintext(&[0x15, 0x03, 0x01, 0x00, 0x02, 0x02, 0x46]));
        assert!(!looks_like_plaintext(b""));
        assert_eq!(excerpt(b"\r\n* OK hi\x1b[31m\r\nmore", 40), "* OK hi\\u{1b}[31m");
        assert_eq!(excerpt(b"abcdef", 3), "abc…");
    }
}
