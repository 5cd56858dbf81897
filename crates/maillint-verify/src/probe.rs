//! One probe: resolve, connect, TLS (first, or after STARTTLS), greeting, capabilities, logout,
//! all under one overall deadline. Each failure becomes a [`Problem`]; a timeout reports the
//! step the probe was at.

use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Instant;

use rustls_pki_types::ServerName;
use tokio::io::AsyncWriteExt;
use tokio::net::TcpStream;
use tokio_rustls::TlsConnector;
use tokio_rustls::client::TlsStream;

use crate::certificate::{CertificateFailure, CertificateInfo};
use crate::options::VerifyOptions;
use crate::outcome::{ConnectFailure, ProbeResult, ProbeSuccess, Problem, Stage, format_duration};
use crate::protocol::{Dialogue, DialogueError, offers_oauth2, offers_starttls, sasl_mechanisms};
use crate::target::{ProbeMode, Target};
use crate::tls::{
    LegacyAnswer, TlsSetup, is_version_refusal, legacy_hello, legacy_version, rustls_error,
};
use crate::wire::{ReadError, Recording, excerpt, looks_like_plaintext};

/// Days left below which a valid certificate is reported as expiring (the threshold).
pub const EXPIRY_WARNING_DAYS: i64 = 21;

/// Longest excerpt of server text shown in a message, in characters.
const EXCERPT_CHARS: usize = 120;

/// What all probes of a run share.
pub struct RunContext {
    /// Roots and crypto provider.
    pub tls: TlsSetup,
    /// The run's options.
    pub options: VerifyOptions,
}

/// What a probe has learnt so far; kept outside the timed future so that a timeout still
/// knows the step it interrupted.
struct State {
    stage: Stage,
    address: Option<SocketAddr>,
    problems: Vec<Problem>,
    session: Option<ProbeSuccess>,
    started: Instant,
    /// When the overall timeout fires.
    deadline: Instant,
}

impl State {
    fn connect_failed(&mut self, failure: ConnectFailure, detail: impl Into<String>) {
        self.problems.push(Problem::ConnectFailed {
            failure,
            stage: self.stage,
            waited: self.started.elapsed(),
            address: self.address,
            detail: detail.into(),
        });
    }

    fn dialogue_failed(&mut self, error: DialogueError) {
        match error {
            DialogueError::Unexpected { expected, received } => {
                self.problems.push(Problem::UnexpectedGreeting {
                    stage: self.stage,
                    expected: expected.to_owned(),
                    received: excerpt(received.as_bytes(), EXCERPT_CHARS),
                });
            }
            DialogueError::Read(ReadError::TooLong { what, limit, start }) => {
                let unit = if what.contains("lines") { "lines" } else { "bytes" };
                self.problems.push(Problem::UnexpectedGreeting {
                    stage: self.stage,
                    expected: format!("a {what} of at most {limit} {unit}"),
                    received: format!("{}…", excerpt(&start, EXCERPT_CHARS)),
                });
            }
            DialogueError::Read(ReadError::Closed { partial }) => {
                let detail = if partial.is_empty() {
                    String::new()
                } else {
                    format!("it sent \"{}\" first", excerpt(&partial, EXCERPT_CHARS))
                };
                self.connect_failed(ConnectFailure::Closed, detail);
            }
            DialogueError::Read(ReadError::Io(e)) => {
                self.connect_failed(ConnectFailure::from_io(&e), e.to_string());
            }
        }
    }
}

/// Probes one target. Never panics on what a server sends; every outcome is a result.
pub async fn probe(target: Target, cx: Arc<RunContext>) -> ProbeResult {
    let started = Instant::now();
    let overall = cx.options.overall_timeout;
    let mut state = State {
        stage: Stage::Resolve,
        address: None,
        problems: Vec::new(),
        session: None,
        started,
        deadline: started + overall,
    };
    let timed_out = tokio::time::timeout(overall, run(&target, &cx, &mut state)).await.is_err();
    // A server that is slow to say goodbye has still answered everything that matters.
    if timed_out && state.stage != Stage::Logout {
        let detail = format!("no answer within the {} timeout", format_duration(overall));
        state.connect_failed(ConnectFailure::TimedOut, detail);
    }
    ProbeResult {
        target,
        session: state.session,
        problems: state.problems,
        elapsed: started.elapsed(),
    }
}

async fn run(target: &Target, cx: &RunContext, state: &mut State) {
    let addresses = match resolve(target, &cx.options).await {
        Ok(addresses) => addresses,
        Err(detail) => return state.connect_failed(ConnectFailure::Dns, detail),
    };
    state.stage = Stage::Connect;
    let Some(tcp) = connect(&addresses, &cx.options, state).await else { return };
    match target.mode {
        ProbeMode::ImplicitTls => implicit_tls(target, cx, state, tcp).await,
        ProbeMode::Starttls => starttls(target, cx, state, tcp).await,
    }
}

/// `--resolve` first (an exact host before the `*` wildcard), then an IP literal as is, then
/// the resolver.
async fn resolve(target: &Target, options: &VerifyOptions) -> Result<Vec<SocketAddr>, String> {
    let overrides = &options.resolve;
    let exact = overrides
        .iter()
        .find(|o| o.host != "*" && o.applies_to(&target.host, target.port))
        .or_else(|| overrides.iter().find(|o| o.applies_to(&target.host, target.port)));
    if let Some(entry) = exact {
        return Ok(entry.socket_addrs());
    }
    if let Ok(ip) = target.host.parse::<IpAddr>() {
        return Ok(vec![SocketAddr::new(ip, target.port)]);
    }
    match options.resolver.lookup(&target.host).await {
        Ok(ips) if !ips.is_empty() => {
            Ok(ips.into_iter().map(|ip| SocketAddr::new(ip, target.port)).collect())
        }
        Ok(_) => Err(format!("{} has no address", target.host)),
        Err(e) => Err(format!("{}: {e}", target.host)),
    }
}

/// Tries each address in turn, each within the connect timeout. Reports the last failure.
async fn connect(
    addresses: &[SocketAddr],
    options: &VerifyOptions,
    state: &mut State,
) -> Option<TcpStream> {
    let mut last: Option<(ConnectFailure, String)> = None;
    for &address in addresses {
        state.address = Some(address);
        match tokio::time::timeout(options.connect_timeout, TcpStream::connect(address)).await {
            Ok(Ok(stream)) => {
                // Commands are single short lines; do not let Nagle delay them.
                let _ = stream.set_nodelay(true);
                return Some(stream);
            }
            Ok(Err(e)) => last = Some((ConnectFailure::from_io(&e), e.to_string())),
            Err(_) => {
                let detail = format!(
                    "no answer to the connection request within the {} connect timeout",
                    format_duration(options.connect_timeout)
                );
                last = Some((ConnectFailure::TimedOut, detail));
            }
        }
    }
    let (failure, detail) =
        last.unwrap_or((ConnectFailure::Dns, "the host has no address".to_owned()));
    state.connect_failed(failure, detail);
    None
}

/// The `EHLO` argument: our address as an address literal (RFC 5321 section 4.1.3), since a
/// probe has no domain name of its own.
fn ehlo_name(stream: &TcpStream) -> String {
    match stream.local_addr().map(|a| a.ip()) {
        Ok(IpAddr::V4(ip)) => format!("[{ip}]"),
        Ok(IpAddr::V6(ip)) => format!("[IPv6:{ip}]"),
        Err(_) => "[127.0.0.1]".to_owned(),
    }
}

async fn implicit_tls(target: &Target, cx: &RunContext, state: &mut State, tcp: TcpStream) {
    let ehlo = ehlo_name(&tcp);
    state.stage = Stage::TlsHandshake;
    let Some((tls, certificate)) = handshake(target, cx, state, tcp).await else { return };
    let mut dialogue = Dialogue::new(tls, target.protocol, ehlo);
    state.stage = Stage::Greeting;
    let greeting = match dialogue.greeting().await {
        Ok(greeting) => greeting,
        Err(e) => return state.dialogue_failed(e),
    };
    state.stage = Stage::Capabilities;
    let capabilities = match dialogue.capabilities().await {
        Ok(capabilities) => capabilities,
        Err(e) => return state.dialogue_failed(e),
    };
    finish(target, cx, state, dialogue, greeting, capabilities, certificate).await;
}

async fn starttls(target: &Target, cx: &RunContext, state: &mut State, tcp: TcpStream) {
    let ehlo = ehlo_name(&tcp);
    let mut dialogue = Dialogue::new(tcp, target.protocol, ehlo);
    state.stage = Stage::Greeting;
    let greeting = match dialogue.greeting().await {
        Ok(greeting) => greeting,
        Err(e) => return state.dialogue_failed(e),
    };
    state.stage = Stage::Capabilities;
    let plain_capabilities = match dialogue.capabilities().await {
        Ok(capabilities) => capabilities,
        Err(e) => return state.dialogue_failed(e),
    };
    if !offers_starttls(target.protocol, &plain_capabilities) {
        state.problems.push(Problem::StarttlsMissing {
            capabilities: printable(&plain_capabilities),
            refusal: None,
        });
        state.stage = Stage::Logout;
        dialogue.logout().await;
        return;
    }
    state.stage = Stage::Starttls;
    match dialogue.starttls().await {
        Ok(()) => {}
        Err(DialogueError::Unexpected { received, .. }) => {
            state.problems.push(Problem::StarttlsMissing {
                capabilities: printable(&plain_capabilities),
                refusal: Some(excerpt(received.as_bytes(), EXCERPT_CHARS)),
            });
            state.stage = Stage::Logout;
            dialogue.logout().await;
            return;
        }
        Err(e) => return state.dialogue_failed(e),
    }
    // Bytes after the STARTTLS answer arrived in plaintext and would be taken as TLS-protected
    // (the STARTTLS injection flaw, CVE-2011-0411): refuse to continue.
    if !dialogue.pending().is_empty() {
        state.problems.push(Problem::UnexpectedGreeting {
            stage: Stage::Starttls,
            expected: "nothing after the answer to STARTTLS".to_owned(),
            received: excerpt(dialogue.pending(), EXCERPT_CHARS),
        });
        return;
    }
    let (tcp, resume) = dialogue.into_parts();
    state.stage = Stage::TlsHandshake;
    let Some((tls, certificate)) = handshake(target, cx, state, tcp).await else { return };
    let mut dialogue = resume.resume(tls);
    state.stage = Stage::Capabilities;
    let capabilities = match dialogue.capabilities().await {
        Ok(capabilities) => capabilities,
        Err(e) => return state.dialogue_failed(e),
    };
    finish(target, cx, state, dialogue, greeting, capabilities, certificate).await;
}

/// Checks OAuth2, records the session, says goodbye and closes TLS.
async fn finish(
    target: &Target,
    cx: &RunContext,
    state: &mut State,
    mut dialogue: Dialogue<TlsStream<Recording<TcpStream>>>,
    greeting: String,
    capabilities: Vec<String>,
    certificate: Option<CertificateInfo>,
) {
    if target.expect_oauth2 {
        let mechanisms = sasl_mechanisms(&capabilities);
        if !offers_oauth2(&mechanisms) {
            state.problems.push(Problem::Oauth2Unavailable { mechanisms: printable(&mechanisms) });
        }
    }
    let (_, connection) = dialogue.stream_mut().get_ref();
    let tls_version = connection.protocol_version().and_then(crate::tls::tls_version);
    let cipher = connection
        .negotiated_cipher_suite()
        .map(|s| {
            let suite = s.suite();
            suite.as_str().map(str::to_owned).unwrap_or_else(|| format!("{suite:?}"))
        })
        .unwrap_or_default();
    if let (Some(address), Some(tls_version)) = (state.address, tls_version) {
        let days_until_expiry = certificate.as_ref().map(|c| c.days_until_expiry(cx.options.now));
        state.session = Some(ProbeSuccess {
            address,
            tls_version,
            cipher,
            certificate,
            days_until_expiry,
            greeting: excerpt(greeting.as_bytes(), EXCERPT_CHARS),
            capabilities: printable(&capabilities),
        });
    }
    state.stage = Stage::Logout;
    dialogue.logout().await;
    let _ = dialogue.stream_mut().shutdown().await;
    // rustls never offers TLS 1.0/1.1, so a server that speaks TLS 1.2+ and *also* still
    // accepts an old version looks healthy to the probe above: ask it with a legacy hello on
    // a second connection. It runs in the Logout stage, so a timeout here is not a finding.
    if let Some(negotiated) = state.session.as_ref().map(|s| s.tls_version)
        && let LegacyAnswer::ServerHello(wire) = legacy_answer(target, cx, state).await
        && wire < 0x0303
    {
        state.problems.push(Problem::LegacyTlsAccepted {
            accepted: legacy_version(wire),
            wire,
            negotiated,
        });
    }
}

fn printable(entries: &[String]) -> Vec<String> {
    entries.iter().map(|e| excerpt(e.as_bytes(), EXCERPT_CHARS)).collect()
}

/// The TLS handshake; on success also the certificate details (and an expiry warning). On
/// failure, records the problem, after asking a version-refusing server which old version it
/// speaks.
async fn handshake(
    target: &Target,
    cx: &RunContext,
    state: &mut State,
    tcp: TcpStream,
) -> Option<(TlsStream<Recording<TcpStream>>, Option<CertificateInfo>)> {
    let (config, presented) = match cx.tls.client_config() {
        Ok(pair) => pair,
        Err(e) => {
            state.connect_failed(ConnectFailure::TlsHandshake, e.to_string());
            return None;
        }
    };
    let server_name = match ServerName::try_from(target.host.clone()) {
        Ok(name) => name,
        Err(e) => {
            state.connect_failed(ConnectFailure::Other, format!("`{}`: {e}", target.host));
            return None;
        }
    };
    let (recording, first_bytes) = Recording::new(tcp);
    let result = TlsConnector::from(config).connect(server_name, recording).await;
    let certificate = presented.get().and_then(|der| CertificateInfo::from_der(&der));
    let error = match result {
        Ok(tls) => {
            if let Some(info) = &certificate {
                let days_left = info.days_until_expiry(cx.options.now);
                if days_left < EXPIRY_WARNING_DAYS {
                    state.problems.push(Problem::CertificateExpiring {
                        days_left,
                        certificate: info.clone(),
                    });
                }
            }
            return Some((tls, certificate));
        }
        Err(error) => error,
    };
    let received = first_bytes.get();
    if looks_like_plaintext(&received) {
        state.problems.push(Problem::NotTls { received: excerpt(&received, EXCERPT_CHARS) });
        return None;
    }
    match rustls_error(&error) {
        Some(rustls::Error::InvalidCertificate(reason)) => {
            let failure =
                CertificateFailure::from_rustls(reason, certificate.as_ref(), &target.host);
            state.problems.push(Problem::CertificateInvalid { failure, certificate });
        }
        Some(tls_error) if is_version_refusal(tls_error) => {
            let detail = match tls_error {
                rustls::Error::AlertReceived(_) => {
                    "it answered a TLS 1.2/1.3 hello with a protocol_version alert"
                }
                _ => "it answered a TLS 1.2/1.3 hello with an older version",
            };
            let (server_version, detail) = ask_legacy_version(target, cx, state, detail).await;
            state.problems.push(Problem::TlsOutdated { server_version, detail });
        }
        Some(tls_error) => {
            state.connect_failed(ConnectFailure::TlsHandshake, tls_error.to_string());
        }
        None => state.connect_failed(ConnectFailure::from_io(&error), error.to_string()),
    }
    None
}

/// The server's answer to a TLS 1.1 hello on a new connection to the address the probe used
/// (after the plaintext STARTTLS steps, if the endpoint uses them). `Nothing` when there is no
/// address, or no answer before the overall deadline (less a margin, so the caller's finding
/// is not lost to the probe's timeout).
async fn legacy_answer(target: &Target, cx: &RunContext, state: &State) -> LegacyAnswer {
    let Some(address) = state.address else { return LegacyAnswer::Nothing };
    let margin = (cx.options.overall_timeout / 10).min(std::time::Duration::from_millis(200));
    let legacy_deadline = state.deadline.checked_sub(margin).unwrap_or(state.deadline);
    let answer = async {
        let tcp = tokio::time::timeout(cx.options.connect_timeout, TcpStream::connect(address))
            .await
            .ok()?
            .ok()?;
        let mut tcp = match target.mode {
            ProbeMode::ImplicitTls => tcp,
            ProbeMode::Starttls => {
                let ehlo = ehlo_name(&tcp);
                let mut dialogue = Dialogue::new(tcp, target.protocol, ehlo);
                dialogue.greeting().await.ok()?;
                dialogue.capabilities().await.ok()?;
                dialogue.starttls().await.ok()?;
                dialogue.into_parts().0
            }
        };
        Some(legacy_hello(&mut tcp, &target.host).await)
    };
    tokio::time::timeout_at(legacy_deadline.into(), answer)
        .await
        .ok()
        .flatten()
        .unwrap_or(LegacyAnswer::Nothing)
}

/// Opens a second connection to the same address (repeating the plaintext STARTTLS steps if
/// needed) and sends a TLS 1.1 hello, to learn which version the server would pick.
async fn ask_legacy_version(
    target: &Target,
    cx: &RunContext,
    state: &State,
    first_answer: &str,
) -> (Option<maillint_core::TlsVersion>, String) {
    match legacy_answer(target, cx, state).await {
        LegacyAnswer::ServerHello(wire) if wire < 0x0303 => {
            let version = legacy_version(wire);
            let detail = match version {
                Some(v) => format!(
                    "{first_answer}; offered TLS 1.1 at most, it chose {}",
                    v.display_name()
                ),
                None => format!("{first_answer}; it chose version 0x{wire:04x}"),
            };
            (version, detail)
        }
        LegacyAnswer::ServerHello(wire) => (
            None,
            format!("{first_answer}; offered TLS 1.1 at most, it chose version 0x{wire:04x}"),
        ),
        LegacyAnswer::Alert(code) => {
            (None, format!("{first_answer}; it refused a TLS 1.1 hello too (alert {code})"))
        }
        LegacyAnswer::Nothing => (None, first_answer.to_owned()),
    }
}
