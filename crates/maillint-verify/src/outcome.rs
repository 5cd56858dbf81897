//! What a probe found: the session details when it got through, and the problems on the way.

use std::fmt;
use std::net::SocketAddr;
use std::time::Duration;

use maillint_core::TlsVersion;

use crate::certificate::{CertificateFailure, CertificateInfo};
use crate::target::Target;

/// The step a probe was at.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Stage {
    /// Looking up the host name.
    Resolve,
    /// Establishing the TCP connection.
    Connect,
    /// Waiting for the server's greeting.
    Greeting,
    /// Waiting for the capability list (CAPABILITY, EHLO, CAPA).
    Capabilities,
    /// Asking for STARTTLS.
    Starttls,
    /// The TLS handshake.
    TlsHandshake,
    /// Saying goodbye.
    Logout,
}

impl Stage {
    /// Words for messages: "while connecting", "during the TLS handshake".
    pub fn describe(self) -> &'static str {
        match self {
            Stage::Resolve => "while looking up the host name",
            Stage::Connect => "while connecting",
            Stage::Greeting => "while waiting for the greeting",
            Stage::Capabilities => "while waiting for the capabilities",
            Stage::Starttls => "while waiting for the answer to STARTTLS",
            Stage::TlsHandshake => "during the TLS handshake",
            Stage::Logout => "while logging out",
        }
    }
}

/// Why a server could not be reached or talked to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ConnectFailure {
    /// The host name did not resolve (or resolved to nothing).
    Dns,
    /// The server refused the connection (nothing listens on the port).
    Refused,
    /// No route to the network or host.
    Unreachable,
    /// Nothing happened within the time allowed.
    TimedOut,
    /// The server closed the connection.
    Closed,
    /// The connection was reset.
    Reset,
    /// The TLS handshake failed for a reason that is not the certificate or the version.
    TlsHandshake,
    /// Any other I/O error.
    Other,
}

impl ConnectFailure {
    /// Kebab-case name for machine output and tests.
    pub fn kind(&self) -> &'static str {
        match self {
            ConnectFailure::Dns => "dns",
            ConnectFailure::Refused => "refused",
            ConnectFailure::Unreachable => "unreachable",
            ConnectFailure::TimedOut => "timed-out",
            ConnectFailure::Closed => "closed",
            ConnectFailure::Reset => "reset",
            ConnectFailure::TlsHandshake => "tls-handshake",
            ConnectFailure::Other => "other",
        }
    }

    /// Classifies a socket error.
    pub fn from_io(error: &std::io::Error) -> Self {
        use std::io::ErrorKind;
        match error.kind() {
            ErrorKind::ConnectionRefused => ConnectFailure::Refused,
            ErrorKind::NetworkUnreachable | ErrorKind::HostUnreachable => {
                ConnectFailure::Unreachable
            }
            ErrorKind::TimedOut => ConnectFailure::TimedOut,
            ErrorKind::ConnectionReset | ErrorKind::ConnectionAborted => ConnectFailure::Reset,
            ErrorKind::UnexpectedEof | ErrorKind::BrokenPipe => ConnectFailure::Closed,
            _ => ConnectFailure::Other,
        }
    }
}

/// One problem a probe found. Each maps to one verify rule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Problem {
    /// V001: the server could not be reached or stopped answering.
    ConnectFailed {
        /// What went wrong.
        failure: ConnectFailure,
        /// At which step.
        stage: Stage,
        /// How long the probe had been running when it gave up.
        waited: Duration,
        /// The address, once known.
        address: Option<SocketAddr>,
        /// The system's or the library's words.
        detail: String,
    },
    /// V002: a TLS port answered in plaintext.
    NotTls {
        /// The start of what the server sent, made printable.
        received: String,
    },
    /// V003: STARTTLS is not offered, or refused.
    StarttlsMissing {
        /// The capabilities the server listed before TLS.
        capabilities: Vec<String>,
        /// The server's answer when it refused the command (`None`: not advertised).
        refusal: Option<String>,
    },
    /// V004: the certificate does not verify.
    CertificateInvalid {
        /// Why.
        failure: CertificateFailure,
        /// The server's certificate, when it sent one that parses.
        certificate: Option<CertificateInfo>,
    },
    /// V005: the certificate expires soon.
    CertificateExpiring {
        /// Whole days left.
        days_left: i64,
        /// The certificate.
        certificate: CertificateInfo,
    },
    /// V006: the server only speaks a TLS version below 1.2.
    TlsOutdated {
        /// The version the server chose when offered TLS 1.0/1.1, when it answered.
        server_version: Option<TlsVersion>,
        /// What happened to the TLS 1.2/1.3 handshake.
        detail: String,
    },
    /// V006 as well: the server speaks TLS 1.2 or 1.3, but still accepts an older version
    /// from a client that offers no more.
    LegacyTlsAccepted {
        /// The version it chose for a TLS 1.1 hello (`None`: a wire value outside the known
        /// versions, kept in `wire`).
        accepted: Option<TlsVersion>,
        /// The wire value of that version.
        wire: u16,
        /// The version it negotiated with maillint's TLS 1.2/1.3 hello.
        negotiated: TlsVersion,
    },
    /// V007: the server's greeting or a reply does not match the protocol.
    UnexpectedGreeting {
        /// At which step.
        stage: Stage,
        /// What the protocol prescribes.
        expected: String,
        /// What came instead, made printable.
        received: String,
    },
    /// V008: OAuth2 was expected but the capabilities lack it.
    Oauth2Unavailable {
        /// The SASL mechanisms the server offers.
        mechanisms: Vec<String>,
    },
}

impl Problem {
    /// The code of the rule the problem belongs to (`V001` ...).
    pub fn code(&self) -> &'static str {
        match self {
            Problem::ConnectFailed { .. } => "V001",
            Problem::NotTls { .. } => "V002",
            Problem::StarttlsMissing { .. } => "V003",
            Problem::CertificateInvalid { .. } => "V004",
            Problem::CertificateExpiring { .. } => "V005",
            Problem::TlsOutdated { .. } | Problem::LegacyTlsAccepted { .. } => "V006",
            Problem::UnexpectedGreeting { .. } => "V007",
            Problem::Oauth2Unavailable { .. } => "V008",
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Problem::ConnectFailed { failure, stage, waited, address, detail } => {
                let what = match failure {
                    ConnectFailure::Dns => "the host name did not resolve",
                    ConnectFailure::Refused => "connection refused",
                    ConnectFailure::Unreachable => "network or host unreachable",
                    ConnectFailure::TimedOut => "timed out",
                    ConnectFailure::Closed => "the server closed the connection",
                    ConnectFailure::Reset => "the connection was reset",
                    ConnectFailure::TlsHandshake => "the TLS handshake failed",
                    ConnectFailure::Other => "the connection failed",
                };
                // "the host name did not resolve while looking up the host name" says it twice.
                if *failure == ConnectFailure::Dns && *stage == Stage::Resolve {
                    write!(f, "{what} after {}", format_duration(*waited))?;
                } else {
                    write!(f, "{what} {} after {}", stage.describe(), format_duration(*waited))?;
                }
                if let Some(address) = address {
                    write!(f, " (address {address})")?;
                }
                if !detail.is_empty() {
                    write!(f, ": {detail}")?;
                }
                Ok(())
            }
            Problem::NotTls { received } => {
                write!(
                    f,
                    "expected a TLS handshake, but the server answered in plaintext: \"{received}\""
                )
            }
            Problem::StarttlsMissing { refusal: Some(answer), .. } => {
                write!(f, "the server refused STARTTLS: \"{answer}\"")
            }
            Problem::StarttlsMissing { capabilities, refusal: None } => {
                write!(f, "the server does not offer STARTTLS")?;
                if !capabilities.is_empty() {
                    write!(f, " (capabilities: {})", capabilities.join(", "))?;
                }
                Ok(())
            }
            Problem::CertificateInvalid { failure, certificate } => {
                write!(f, "{failure}")?;
                if let Some(c) = certificate {
                    write!(f, " ({})", c.describe())?;
                }
                Ok(())
            }
            Problem::CertificateExpiring { days_left, certificate } => {
                let when = crate::certificate::format_utc(certificate.not_after);
                let days = if *days_left == 1 { "day" } else { "days" };
                write!(
                    f,
                    "the certificate expires in {days_left} {days}, on {when} (subject {})",
                    certificate.subject
                )
            }
            Problem::TlsOutdated { server_version: Some(v), detail } => {
                write!(f, "the server only speaks {} ({detail})", v.display_name())
            }
            Problem::TlsOutdated { server_version: None, detail } => {
                write!(f, "the server does not speak TLS 1.2 or 1.3 ({detail})")
            }
            Problem::LegacyTlsAccepted { accepted, wire, negotiated } => {
                let accepted = match accepted {
                    Some(version) => version.display_name().to_owned(),
                    None => format!("version 0x{wire:04x}"),
                };
                write!(
                    f,
                    "the server still accepts {accepted}: it negotiated {} with a current client, \
                     and chose {accepted} when offered TLS 1.1 at most",
                    negotiated.display_name()
                )
            }
            Problem::UnexpectedGreeting { stage, expected, received } => {
                write!(f, "expected {expected} {}, got \"{received}\"", stage.describe())
            }
            Problem::Oauth2Unavailable { mechanisms } => {
                if mechanisms.is_empty() {
                    write!(
                        f,
                        "OAuth2 is expected, but the server lists no authentication mechanism"
                    )
                } else {
                    write!(
                        f,
                        "OAuth2 is expected, but the server offers only {} (no XOAUTH2 or OAUTHBEARER)",
                        mechanisms.join(" ")
                    )
                }
            }
        }
    }
}

/// `3 ms`, `2.00 s`.
pub fn format_duration(d: Duration) -> String {
    if d < Duration::from_secs(1) {
        format!("{} ms", d.as_millis())
    } else {
        format!("{:.2} s", d.as_secs_f64())
    }
}

/// What a probe that got through saw.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProbeSuccess {
    /// The address connected to.
    pub address: SocketAddr,
    /// The negotiated TLS version.
    pub tls_version: TlsVersion,
    /// The negotiated cipher suite (`TLS13_AES_256_GCM_SHA384`).
    pub cipher: String,
    /// The server's certificate.
    pub certificate: Option<CertificateInfo>,
    /// Whole days until the certificate expires.
    pub days_until_expiry: Option<i64>,
    /// The greeting, made printable.
    pub greeting: String,
    /// The capabilities after TLS.
    pub capabilities: Vec<String>,
}

/// The result of probing one target.
#[derive(Clone, Debug)]
pub struct ProbeResult {
    /// What was probed.
    pub target: Target,
    /// The session, when TLS and the greeting succeeded (problems such as an expiring
    /// certificate or missing OAuth2 may still be listed).
    pub session: Option<ProbeSuccess>,
    /// Everything wrong, in the order found.
    pub problems: Vec<Problem>,
    /// How long the probe took (waiting for a concurrency slot excluded).
    pub elapsed: Duration,
}

impl ProbeResult {
    /// Whether the probe found nothing wrong.
    pub fn is_clean(&self) -> bool {
        self.problems.is_empty() && self.session.is_some()
    }

    /// One line for `--verbose` output about a successful probe:
    /// `imap.test:993 (IMAP, implicit TLS): TLS 1.3, TLS13_AES_256_GCM_SHA384, certificate
    /// expires in 824 days, 12 ms`.
    pub fn summary(&self) -> String {
        match &self.session {
            Some(s) => {
                let mut line =
                    format!("{}: {}, {}", self.target, s.tls_version.display_name(), s.cipher);
                if let Some(days) = s.days_until_expiry {
                    line.push_str(&format!(", certificate expires in {days} days"));
                }
                line.push_str(&format!(", {}", format_duration(self.elapsed)));
                line
            }
            None => format!("{}: {} problem(s)", self.target, self.problems.len()),
        }
    }
}
