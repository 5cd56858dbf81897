//! In-process servers on 127.0.0.1 for what Dovecot cannot do: plaintext on a TLS port, a
//! server that never answers, an endless greeting, STARTTLS not offered or refused, STARTTLS
//! injection, an SMTP server, a TLS 1.0-only server, a refused port, a full accept queue.
//!
//! Every server records the command lines it receives, so tests can assert that a probe never
//! sends a credential. Every loop is bounded in bytes or ends when the client goes away.

use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use rustls::ServerConfig;
use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::runtime::Runtime;
use tokio_rustls::TlsAcceptor;

/// Which protocol a scripted server speaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Speaks {
    /// IMAP.
    Imap,
    /// POP3.
    Pop3,
    /// SMTP.
    Smtp,
}

/// A line-based mail server.
#[derive(Clone)]
pub struct Script {
    /// The protocol.
    pub speaks: Speaks,
    /// Greeting line, without CRLF.
    pub greeting: String,
    /// Capabilities offered before TLS (STARTTLS/STLS is added when `starttls` is set).
    pub capabilities: Vec<String>,
    /// Capabilities offered after TLS.
    pub tls_capabilities: Vec<String>,
    /// Offer STARTTLS and upgrade with this configuration.
    pub starttls: Option<Arc<ServerConfig>>,
    /// Answer STARTTLS with an error instead.
    pub refuse_starttls: bool,
    /// Send a line right after agreeing to STARTTLS, in plaintext (the injection flaw).
    pub inject_after_starttls: bool,
}

impl Script {
    /// A well-behaved server of `speaks` with typical capabilities.
    pub fn new(speaks: Speaks) -> Self {
        let (greeting, capabilities) = match speaks {
            Speaks::Imap => ("* OK test IMAP ready", vec!["IMAP4rev1", "AUTH=PLAIN"]),
            Speaks::Pop3 => ("+OK test POP3 ready", vec!["USER", "SASL PLAIN"]),
            Speaks::Smtp => ("220 smtp.test ESMTP ready", vec!["PIPELINING", "AUTH PLAIN LOGIN"]),
        };
        let capabilities: Vec<String> = capabilities.into_iter().map(str::to_owned).collect();
        Self {
            speaks,
            greeting: greeting.to_owned(),
            tls_capabilities: capabilities.clone(),
            capabilities,
            starttls: None,
            refuse_starttls: false,
            inject_after_starttls: false,
        }
    }

    /// Offers STARTTLS with this identity.
    pub fn with_starttls(mut self, config: Arc<ServerConfig>) -> Self {
        self.starttls = Some(config);
        self
    }

    /// Capabilities after TLS.
    pub fn with_tls_capabilities(mut self, capabilities: &[&str]) -> Self {
        self.tls_capabilities = capabilities.iter().map(|c| (*c).to_owned()).collect();
        self
    }
}

/// How a listener treats each connection.
#[derive(Clone)]
pub enum Behaviour {
    /// TLS from the first byte, then the script (its STARTTLS settings are ignored).
    ImplicitTls(Arc<ServerConfig>, Script),
    /// Plaintext, then the script (STARTTLS if configured).
    Plain(Script),
    /// Accepts and never sends anything; reads and discards until the client leaves.
    Silent,
    /// Sends these bytes, then waits for the client to leave.
    Raw(Vec<u8>),
    /// Sends bytes without a line end, up to 16 MiB or until the client leaves.
    Endless,
    /// Answers a TLS 1.2/1.3 ClientHello with a TLS 1.0 ServerHello, as an OpenSSL server
    /// limited to TLS 1.0 does.
    Tls10Only,
    /// Answers a TLS 1.2/1.3 ClientHello with a `protocol_version` alert and an older hello
    /// with a TLS 1.0 ServerHello.
    Tls10OnlyWithAlert,
    /// Like [`Behaviour::Tls10Only`], but never answers an older hello.
    Tls10OnlySilentToLegacy,
}

/// Command lines the servers received, across connections.
pub type Received = Arc<Mutex<Vec<String>>>;

/// A tokio runtime hosting in-process servers. Dropping it stops them.
pub struct Servers {
    runtime: Runtime,
    /// Every command line any server received.
    pub received: Received,
}

impl Servers {
    /// A host for servers (two worker threads).
    pub fn new() -> Self {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        Self { runtime, received: Received::default() }
    }

    /// Starts a listener on 127.0.0.1 (a free port) and returns its address.
    pub fn start(&self, behaviour: Behaviour) -> SocketAddr {
        let listener =
            self.runtime.block_on(TcpListener::bind("127.0.0.1:0")).expect("bind a loopback port");
        let address = listener.local_addr().unwrap();
        let received = self.received.clone();
        self.runtime.spawn(async move {
            while let Ok((stream, _)) = listener.accept().await {
                let behaviour = behaviour.clone();
                let received = received.clone();
                tokio::spawn(async move {
                    let _ = stream.set_nodelay(true);
                    serve(stream, behaviour, received).await;
                });
            }
        });
        address
    }

    /// A port where nothing listens (bound, then released).
    pub fn refused_port(&self) -> SocketAddr {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let address = listener.local_addr().unwrap();
        drop(listener);
        address
    }

    /// A listener whose accept queue is full, so that a further connection attempt gets no
    /// answer (Linux drops the SYN). Returns its address; the listener and the connections
    /// that fill it live as long as the runtime.
    pub fn full_backlog(&self) -> SocketAddr {
        self.runtime.block_on(async {
            let socket = tokio::net::TcpSocket::new_v4().unwrap();
            socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
            let address = socket.local_addr().unwrap();
            let listener = socket.listen(0).unwrap();
            // Fill the queue; these never get accepted. A few attempts are enough whatever
            // the kernel's exact queue length; bounded in count and time.
            let mut fillers = Vec::new();
            for _ in 0..4 {
                fillers.push(tokio::spawn(async move {
                    let attempt =
                        tokio::time::timeout(Duration::from_secs(30), TcpStream::connect(address));
                    let stream = attempt.await;
                    tokio::time::sleep(Duration::from_secs(30)).await;
                    drop(stream);
                }));
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
            tokio::spawn(async move {
                tokio::time::sleep(Duration::from_secs(60)).await;
                drop(listener);
            });
            address
        })
    }

    /// The command lines received so far.
    pub fn commands(&self) -> Vec<String> {
        self.received.lock().unwrap().clone()
    }
}

async fn serve(stream: TcpStream, behaviour: Behaviour, received: Received) {
    match behaviour {
        Behaviour::ImplicitTls(config, script) => {
            let Ok(tls) = TlsAcceptor::from(config).accept(stream).await else { return };
            let mut script = script;
            script.starttls = None;
            let mut tls = BufReader::new(tls);
            let _ = run_script(&mut tls, &script, &received, true).await;
        }
        Behaviour::Plain(script) => {
            let mut stream = BufReader::new(stream);
            if let Ok(true) = run_script(&mut stream, &script, &received, false).await {
                // The client asked for STARTTLS and the server agreed: upgrade.
                let Some(config) = script.starttls.clone() else { return };
                let Ok(tls) = TlsAcceptor::from(config).accept(stream.into_inner()).await else {
                    return;
                };
                let mut tls = BufReader::new(tls);
                let _ = run_script(&mut tls, &script, &received, true).await;
            }
        }
        Behaviour::Silent => drain(stream).await,
        Behaviour::Raw(bytes) => {
            let mut stream = stream;
            let _ = stream.write_all(&bytes).await;
            drain(stream).await;
        }
        Behaviour::Endless => {
            let mut stream = stream;
            let chunk = [b'x'; 4096];
            for _ in 0..4096 {
                if stream.write_all(&chunk).await.is_err() {
                    break;
                }
            }
        }
        Behaviour::Tls10Only => old_tls_server(stream, false, true).await,
        Behaviour::Tls10OnlyWithAlert => old_tls_server(stream, true, true).await,
        Behaviour::Tls10OnlySilentToLegacy => old_tls_server(stream, false, false).await,
    }
}

/// Reads and discards until the client closes (or 60 s pass).
async fn drain(mut stream: TcpStream) {
    let mut sink = [0u8; 1024];
    let _ = tokio::time::timeout(Duration::from_secs(60), async {
        while let Ok(n) = stream.read(&mut sink).await {
            if n == 0 {
                break;
            }
        }
    })
    .await;
}

/// Speaks the script. Returns `Ok(true)` when the client asked for STARTTLS and the server
/// agreed (the caller upgrades), `Ok(false)` when the client left.
async fn run_script<S: AsyncRead + AsyncWrite + Unpin>(
    stream: &mut BufReader<S>,
    script: &Script,
    received: &Received,
    after_tls: bool,
) -> std::io::Result<bool> {
    if !after_tls || script.starttls.is_none() {
        // After STARTTLS the conversation goes on without a new greeting.
        let greeting = format!("{}\r\n", script.greeting);
        stream.get_mut().write_all(greeting.as_bytes()).await?;
    }
    let mut capabilities =
        if after_tls { script.tls_capabilities.clone() } else { script.capabilities.clone() };
    let offers_starttls = !after_tls && script.starttls.is_some();
    if offers_starttls {
        capabilities.push(if script.speaks == Speaks::Pop3 { "STLS" } else { "STARTTLS" }.into());
    }
    let mut line = String::new();
    loop {
        line.clear();
        let read = (&mut *stream).take(8192).read_line(&mut line).await?;
        if read == 0 {
            return Ok(false);
        }
        let command = line.trim_end().to_owned();
        received.lock().unwrap().push(command.clone());
        let mut words = command.split_whitespace();
        let reply = match script.speaks {
            Speaks::Imap => {
                let tag = words.next().unwrap_or("*").to_owned();
                let verb = words.next().unwrap_or("").to_ascii_uppercase();
                match verb.as_str() {
                    "CAPABILITY" => {
                        format!("* CAPABILITY {}\r\n{tag} OK done\r\n", capabilities.join(" "))
                    }
                    "STARTTLS" if offers_starttls && !script.refuse_starttls => {
                        format!("{tag} OK begin TLS\r\n")
                    }
                    "STARTTLS" => format!("{tag} BAD STARTTLS not available\r\n"),
                    "LOGOUT" => {
                        let bye = format!("* BYE bye\r\n{tag} OK done\r\n");
                        stream.get_mut().write_all(bye.as_bytes()).await?;
                        return Ok(false);
                    }
                    _ => format!("{tag} BAD unknown command\r\n"),
                }
            }
            Speaks::Pop3 => match words.next().unwrap_or("").to_ascii_uppercase().as_str() {
                "CAPA" => {
                    let mut reply = "+OK capabilities\r\n".to_owned();
                    for c in &capabilities {
                        reply.push_str(&format!("{c}\r\n"));
                    }
                    reply.push_str(".\r\n");
                    reply
                }
                "STLS" if offers_starttls && !script.refuse_starttls => "+OK begin TLS\r\n".into(),
                "STLS" => "-ERR not available\r\n".into(),
                "QUIT" => {
                    stream.get_mut().write_all(b"+OK bye\r\n").await?;
                    return Ok(false);
                }
                _ => "-ERR unknown command\r\n".into(),
            },
            Speaks::Smtp => match words.next().unwrap_or("").to_ascii_uppercase().as_str() {
                "EHLO" => {
                    let mut reply = String::new();
                    let mut lines = vec!["smtp.test greets you".to_owned()];
                    lines.extend(capabilities.iter().cloned());
                    for (i, l) in lines.iter().enumerate() {
                        let sep = if i + 1 == lines.len() { ' ' } else { '-' };
                        reply.push_str(&format!("250{sep}{l}\r\n"));
                    }
                    reply
                }
                "STARTTLS" if offers_starttls && !script.refuse_starttls => {
                    "220 go ahead\r\n".into()
                }
                "STARTTLS" => "454 TLS not available\r\n".into(),
                "QUIT" => {
                    stream.get_mut().write_all(b"221 bye\r\n").await?;
                    return Ok(false);
                }
                _ => "500 unknown command\r\n".into(),
            },
        };
        let agreed_starttls = offers_starttls
            && !script.refuse_starttls
            && matches!(
                command.to_ascii_uppercase().split_whitespace().last(),
                Some("STARTTLS" | "STLS")
            );
        let mut reply = reply.into_bytes();
        if agreed_starttls && script.inject_after_starttls {
            reply.extend_from_slice(b"* CAPABILITY INJECTED\r\n");
        }
        stream.get_mut().write_all(&reply).await?;
        stream.get_mut().flush().await?;
        if agreed_starttls {
            return Ok(true);
        }
    }
}

/// A server that only speaks TLS 1.0. It reads one record; when the hello offers TLS 1.2 or
/// later (client_version 0x0303 and up, RFC 8446 section 4.1.2) it either chooses TLS 1.0 in a
/// ServerHello or sends a `protocol_version` alert; an older hello gets the ServerHello, or
/// nothing unless `answer_legacy`.
async fn old_tls_server(mut stream: TcpStream, alert_modern: bool, answer_legacy: bool) {
    let mut header = [0u8; 5];
    if stream.read_exact(&mut header).await.is_err() || header[0] != 0x16 {
        return;
    }
    let length = u16::from_be_bytes([header[3], header[4]]) as usize;
    let mut body = vec![0u8; length.min(16 * 1024)];
    if stream.read_exact(&mut body).await.is_err() || body.len() < 6 || body[0] != 0x01 {
        return;
    }
    let client_version = u16::from_be_bytes([body[4], body[5]]);
    if client_version < 0x0303 && !answer_legacy {
        return drain(stream).await;
    }
    let reply: Vec<u8> = if client_version >= 0x0303 && alert_modern {
        // Alert record: fatal (2), protocol_version (70), RFC 8446 section 6.
        vec![0x15, 0x03, 0x01, 0x00, 0x02, 0x02, 0x46]
    } else {
        // ServerHello (RFC 2246 section 7.4.1.3): version 3.1, random, empty session id,
        // TLS_RSA_WITH_AES_128_CBC_SHA, null compression.
        let mut hello = vec![0x03, 0x01];
        hello.extend_from_slice(&[0x42; 32]);
        hello.extend_from_slice(&[0x00, 0x00, 0x2f, 0x00]);
        let mut handshake = vec![0x02, 0x00, 0x00, hello.len() as u8];
        handshake.extend_from_slice(&hello);
        let mut record = vec![0x16, 0x03, 0x01, 0x00, handshake.len() as u8];
        record.extend_from_slice(&handshake);
        record
    };
    let _ = stream.write_all(&reply).await;
    drain(stream).await;
}
