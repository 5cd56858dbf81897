//! The few protocol exchanges a probe makes, for IMAP, POP3 and SMTP: read the greeting, ask
//! for capabilities, ask for STARTTLS, say goodbye. Nothing here sends a user name, a password
//! or any other credential.
//!
//! Commands and replies:
//! * IMAP (RFC 9051): greeting `* OK` or `* PREAUTH` (section 7.1), `CAPABILITY` (6.1.1),
//!   `STARTTLS` (6.2.1), `LOGOUT` (6.1.3).
//! * POP3 (RFC 1939, RFC 2449, RFC 2595): greeting `+OK`, `CAPA` (RFC 2449 section 5), `STLS`
//!   (RFC 2595 section 4), `QUIT`.
//! * SMTP (RFC 5321, RFC 3207): greeting `220` (section 4.2), `EHLO` (4.1.1.1), `STARTTLS`
//!   (RFC 3207 section 4), `QUIT` (221).

use tokio::io::{AsyncRead, AsyncWrite};

use crate::Protocol;
use crate::wire::{LineReader, MAX_RESPONSE_BYTES, MAX_RESPONSE_LINES, ReadError};

/// A reply that is not what the protocol prescribes.
#[derive(Debug)]
pub enum DialogueError {
    /// The server's reply did not fit: `received` is its first line (raw).
    Unexpected {
        /// What the protocol prescribes, in words.
        expected: &'static str,
        /// What came instead.
        received: String,
    },
    /// Reading failed (closed, too long, I/O).
    Read(ReadError),
}

impl From<ReadError> for DialogueError {
    fn from(e: ReadError) -> Self {
        DialogueError::Read(e)
    }
}

impl From<std::io::Error> for DialogueError {
    fn from(e: std::io::Error) -> Self {
        DialogueError::Read(ReadError::Io(e))
    }
}

/// The state of a conversation that continues over a new stream after STARTTLS.
pub struct Resume {
    protocol: Protocol,
    next_tag: u32,
    ehlo_name: String,
}

impl Resume {
    /// The conversation, continued over `stream`. The unread bytes of the old stream are gone:
    /// the caller refused to upgrade if there were any.
    pub fn resume<S: AsyncRead + AsyncWrite + Unpin>(self, stream: S) -> Dialogue<S> {
        Dialogue {
            reader: LineReader::new(stream),
            protocol: self.protocol,
            next_tag: self.next_tag,
            ehlo_name: self.ehlo_name,
        }
    }
}

/// One conversation with a server, over plaintext or TLS.
pub struct Dialogue<S> {
    reader: LineReader<S>,
    protocol: Protocol,
    next_tag: u32,
    /// Our side of the connection, for the SMTP `EHLO` argument.
    ehlo_name: String,
}

impl<S: AsyncRead + AsyncWrite + Unpin> Dialogue<S> {
    /// Starts a conversation; `ehlo_name` is the address literal SMTP's `EHLO` sends.
    pub fn new(stream: S, protocol: Protocol, ehlo_name: String) -> Self {
        Self { reader: LineReader::new(stream), protocol, next_tag: 1, ehlo_name }
    }

    /// Ends the conversation on this stream and returns the stream, with what is needed to
    /// continue over the TLS stream built on it (the IMAP tag counter).
    pub fn into_parts(self) -> (S, Resume) {
        let resume =
            Resume { protocol: self.protocol, next_tag: self.next_tag, ehlo_name: self.ehlo_name };
        (self.reader.into_inner(), resume)
    }

    /// Bytes the server sent that no reply has consumed.
    pub fn pending(&self) -> &[u8] {
        self.reader.pending()
    }

    /// The stream underneath, for closing it.
    pub fn stream_mut(&mut self) -> &mut S {
        self.reader.get_mut()
    }

    fn tag(&mut self) -> String {
        let tag = format!("m{}", self.next_tag);
        self.next_tag += 1;
        tag
    }

    /// Reads and checks the greeting; returns its text (all lines for SMTP, joined by `\n`).
    pub async fn greeting(&mut self) -> Result<String, DialogueError> {
        match self.protocol {
            Protocol::Imap => {
                let line = self.reader.read_line().await?;
                let upper = line.to_ascii_uppercase();
                if upper.starts_with("* OK") || upper.starts_with("* PREAUTH") {
                    Ok(line)
                } else {
                    Err(unexpected("an IMAP greeting (\"* OK\")", line))
                }
            }
            Protocol::Pop3 => {
                let line = self.reader.read_line().await?;
                if line.starts_with("+OK") {
                    Ok(line)
                } else {
                    Err(unexpected("a POP3 greeting (\"+OK\")", line))
                }
            }
            Protocol::Smtp => {
                let (code, lines) = self.smtp_reply().await?;
                if code == 220 {
                    Ok(lines.join("\n"))
                } else {
                    Err(unexpected("an SMTP greeting (\"220\")", lines.join(" / ")))
                }
            }
        }
    }

    /// Asks for the capabilities. Returns them one per entry: IMAP capability atoms
    /// (`AUTH=PLAIN`), EHLO keyword lines (`AUTH PLAIN LOGIN`), CAPA lines (`SASL PLAIN`).
    pub async fn capabilities(&mut self) -> Result<Vec<String>, DialogueError> {
        match self.protocol {
            Protocol::Imap => {
                let tag = self.tag();
                self.reader.send(&format!("{tag} CAPABILITY")).await?;
                let (untagged, status) = self.imap_response(&tag).await?;
                if !imap_ok(&status, &tag) {
                    return Err(unexpected("OK to CAPABILITY", status));
                }
                let mut capabilities = Vec::new();
                for line in untagged {
                    let mut words = line.split_ascii_whitespace();
                    if words.next() == Some("*")
                        && words.next().is_some_and(|w| w.eq_ignore_ascii_case("CAPABILITY"))
                    {
                        capabilities.extend(words.map(str::to_owned));
                    }
                }
                Ok(capabilities)
            }
            Protocol::Pop3 => {
                self.reader.send("CAPA").await?;
                let status = self.reader.read_line().await?;
                if !status.starts_with("+OK") {
                    return Err(unexpected("+OK to CAPA", status));
                }
                self.pop3_multiline().await
            }
            Protocol::Smtp => {
                let command = format!("EHLO {}", self.ehlo_name);
                self.reader.send(&command).await?;
                let (code, lines) = self.smtp_reply().await?;
                if code != 250 {
                    return Err(unexpected("250 to EHLO", lines.join(" / ")));
                }
                // The first line is the server's name; the keywords follow (RFC 5321 4.1.1.1).
                Ok(lines.into_iter().skip(1).collect())
            }
        }
    }

    /// Sends STARTTLS (STLS for POP3) and checks that the server agreed.
    pub async fn starttls(&mut self) -> Result<(), DialogueError> {
        match self.protocol {
            Protocol::Imap => {
                let tag = self.tag();
                self.reader.send(&format!("{tag} STARTTLS")).await?;
                let (_, status) = self.imap_response(&tag).await?;
                if imap_ok(&status, &tag) {
                    Ok(())
                } else {
                    Err(unexpected("OK to STARTTLS", status))
                }
            }
            Protocol::Pop3 => {
                self.reader.send("STLS").await?;
                let status = self.reader.read_line().await?;
                if status.starts_with("+OK") {
                    Ok(())
                } else {
                    Err(unexpected("+OK to STLS", status))
                }
            }
            Protocol::Smtp => {
                self.reader.send("STARTTLS").await?;
                let (code, lines) = self.smtp_reply().await?;
                if code == 220 {
                    Ok(())
                } else {
                    Err(unexpected("220 to STARTTLS", lines.join(" / ")))
                }
            }
        }
    }

    /// Says goodbye (IMAP `LOGOUT`, POP3 and SMTP `QUIT`) and reads the answer. Errors are of
    /// no interest: the probe is over.
    pub async fn logout(&mut self) {
        match self.protocol {
            Protocol::Imap => {
                let tag = self.tag();
                if self.reader.send(&format!("{tag} LOGOUT")).await.is_ok() {
                    let _ = self.imap_response(&tag).await;
                }
            }
            Protocol::Pop3 | Protocol::Smtp => {
                if self.reader.send("QUIT").await.is_ok() {
                    let _ = self.reader.read_line().await;
                }
            }
        }
    }

    /// Untagged lines and the tagged status line of an IMAP command.
    async fn imap_response(&mut self, tag: &str) -> Result<(Vec<String>, String), DialogueError> {
        let mut untagged = Vec::new();
        let mut bytes = 0;
        loop {
            let line = self.reader.read_line().await?;
            bytes += line.len();
            let bytes_of_line = line.as_bytes();
            if bytes_of_line.len() > tag.len()
                && bytes_of_line[..tag.len()].eq_ignore_ascii_case(tag.as_bytes())
                && bytes_of_line[tag.len()] == b' '
            {
                return Ok((untagged, line));
            }
            if !line.starts_with('*') && !line.starts_with('+') {
                return Err(unexpected("an IMAP response line", line));
            }
            untagged.push(line);
            check_response_size(bytes, untagged.len(), &untagged)?;
        }
    }

    /// A POP3 multi-line response after its `+OK` line, dot-unstuffed (RFC 1939 section 3).
    async fn pop3_multiline(&mut self) -> Result<Vec<String>, DialogueError> {
        let mut lines = Vec::new();
        let mut bytes = 0;
        loop {
            let line = self.reader.read_line().await?;
            if line == "." {
                return Ok(lines);
            }
            bytes += line.len();
            let line = line.strip_prefix('.').map(str::to_owned).unwrap_or(line);
            lines.push(line);
            check_response_size(bytes, lines.len(), &lines)?;
        }
    }

    /// An SMTP reply: its code and the text of each line. Lines are `NNN-text` until the last,
    /// `NNN text` or `NNN` (RFC 5321 section 4.2.1).
    async fn smtp_reply(&mut self) -> Result<(u16, Vec<String>), DialogueError> {
        let mut lines = Vec::new();
        let mut bytes = 0;
        loop {
            let line = self.reader.read_line().await?;
            bytes += line.len();
            let code = line.get(..3).filter(|c| c.bytes().all(|b| b.is_ascii_digit()));
            let separator = line.as_bytes().get(3).copied();
            let (Some(code), Some(b' ' | b'-') | None) = (code, separator) else {
                return Err(unexpected("an SMTP reply (\"NNN text\")", line));
            };
            let code: u16 = code.parse().unwrap_or(0);
            let text = line.get(4..).unwrap_or("").to_owned();
            let last = separator != Some(b'-');
            lines.push(text);
            if last {
                return Ok((code, lines));
            }
            check_response_size(bytes, lines.len(), &lines)?;
        }
    }
}

fn unexpected(expected: &'static str, received: String) -> DialogueError {
    DialogueError::Unexpected { expected, received }
}

fn imap_ok(status: &str, tag: &str) -> bool {
    status[tag.len()..].trim_start().get(..2).is_some_and(|s| s.eq_ignore_ascii_case("OK"))
}

fn check_response_size(bytes: usize, lines: usize, so_far: &[String]) -> Result<(), ReadError> {
    if bytes > MAX_RESPONSE_BYTES || lines > MAX_RESPONSE_LINES {
        let (what, limit) = if lines > MAX_RESPONSE_LINES {
            ("response (lines)", MAX_RESPONSE_LINES)
        } else {
            ("response", MAX_RESPONSE_BYTES)
        };
        let start = so_far.first().map(|l| l.as_bytes()[..l.len().min(80)].to_vec());
        return Err(ReadError::TooLong { what, limit, start: start.unwrap_or_default() });
    }
    Ok(())
}

/// Whether the capabilities offer STARTTLS (STLS for POP3).
pub fn offers_starttls(protocol: Protocol, capabilities: &[String]) -> bool {
    let keyword = match protocol {
        Protocol::Pop3 => "STLS",
        Protocol::Imap | Protocol::Smtp => "STARTTLS",
    };
    capabilities
        .iter()
        .any(|c| c.split_ascii_whitespace().next().is_some_and(|w| w.eq_ignore_ascii_case(keyword)))
}

/// The SASL mechanisms the capabilities advertise: IMAP `AUTH=X` (RFC 9051 section 6.2.2),
/// SMTP `AUTH X Y` (RFC 4954 section 3, and the old `AUTH=X Y` form), POP3 `SASL X Y`
/// (RFC 2449 section 6.3).
pub fn sasl_mechanisms(capabilities: &[String]) -> Vec<String> {
    let mut mechanisms = Vec::new();
    for entry in capabilities {
        let mut words = entry.split(|c: char| c.is_ascii_whitespace() || c == '=');
        let Some(first) = words.next() else { continue };
        if first.eq_ignore_ascii_case("AUTH") || first.eq_ignore_ascii_case("SASL") {
            for word in words.filter(|w| !w.is_empty()) {
                let word = word.to_ascii_uppercase();
                if !mechanisms.contains(&word) {
                    mechanisms.push(word);
                }
            }
        }
    }
    mechanisms
}

/// Whether the mechanisms include an OAuth2 one: `XOAUTH2` (Google's and Microsoft's) or
/// `OAUTHBEARER` (RFC 7628).
pub fn offers_oauth2(mechanisms: &[String]) -> bool {
    mechanisms.iter().any(|m| m == "XOAUTH2" || m == "OAUTHBEARER")
}

#[cfg(test)]
mod tests {
    use tokio::io::AsyncWriteExt;

    use super::*;

    async fn dialogue(
        protocol: Protocol,
        script: &'static [u8],
    ) -> Dialogue<tokio::io::DuplexStream> {
        let (client, mut server) = tokio::io::duplex(1 << 16);
        tokio::spawn(async move {
            let _ = server.write_all(script).await;
            // Keep the server end open so reads see the data, not EOF.
            tokio::time::sleep(std::time::Duration::from_secs(5)).await;
        });
        Dialogue::new(client, protocol, "[127.0.0.1]".into())
    }

    #[tokio::test]
    async fn smtp_multiline_greeting_and_ehlo() {
        let mut d = dialogue(
            Protocol::Smtp,
            b"220-mail.test ESMTP\r\n220 more\r\n250-mail.test\r\n250-STARTTLS\r\n250 AUTH PLAIN XOAUTH2\r\n",
        )
        .await;
        assert_eq!(d.greeting().await.unwrap(), "mail.test ESMTP\nmore");
        let caps = d.capabilities().await.unwrap();
        assert_eq!(caps, ["STARTTLS", "AUTH PLAIN XOAUTH2"]);
        assert!(offers_starttls(Protocol::Smtp, &caps));
        assert_eq!(sasl_mechanisms(&caps), ["PLAIN", "XOAUTH2"]);
        assert!(offers_oauth2(&sasl_mechanisms(&caps)));
    }

    #[tokio::test]
    async fn imap_capability_and_refused_greeting() {
        let mut d = dialogue(
            Protocol::Imap,
            b"* OK ready\r\n* CAPABILITY IMAP4rev1 STARTTLS AUTH=PLAIN\r\nm1 OK done\r\n",
        )
        .await;
        d.greeting().await.unwrap();
        let caps = d.capabilities().await.unwrap();
        assert_eq!(caps, ["IMAP4rev1", "STARTTLS", "AUTH=PLAIN"]);
        assert!(!offers_oauth2(&sasl_mechanisms(&caps)));

        let mut bye = dialogue(Protocol::Imap, b"* BYE go away\r\n").await;
        match bye.greeting().await {
            Err(DialogueError::Unexpected { received, .. }) => {
                assert_eq!(received, "* BYE go away")
            }
            other => panic!("{other:?}"),
        }
    }

    #[tokio::test]
    async fn pop3_capa_is_dot_terminated() {
        let mut d = dialogue(
            Protocol::Pop3,
            b"+OK hi\r\n+OK list\r\nUSER\r\nSASL PLAIN OAUTHBEARER\r\nSTLS\r\n.\r\n",
        )
        .await;
        d.greeting().await.unwrap();
        let caps = d.capabilities().await.unwrap();
        assert!(offers_starttls(Protocol::Pop3, &caps));
        assert_eq!(sasl_mechanisms(&caps), ["PLAIN", "OAUTHBEARER"]);
    }

    #[tokio::test]
    async fn endless_untagged_lines_are_cut_off() {
        let (client, mut server) = tokio::io::duplex(1 << 16);
        tokio::spawn(async move {
            let _ = server.write_all(b"* OK ready\r\n").await;
            while server.write_all(b"* CAPABILITY IMAP4rev1\r\n").await.is_ok() {}
        });
        let mut d = Dialogue::new(client, Protocol::Imap, String::new());
        d.greeting().await.unwrap();
        match d.capabilities().await {
            Err(DialogueError::Read(ReadError::TooLong { what, .. })) => {
                assert_eq!(what, "response (lines)")
            }
            other => panic!("{other:?}"),
        }
    }
}
