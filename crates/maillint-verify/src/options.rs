//! What a verification run may do: concurrency, timeouts, trusted roots, the clock, and how
//! host names become addresses (`--resolve HOST:PORT:ADDRESS`, as in curl).

use std::fmt;
use std::future::Future;
use std::io;
use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

/// How many probes run at once unless told otherwise. Probes mostly wait on the network, so a
/// bound well above the core count costs little; 20 silent servers then still leave room for
/// the others, and no server sees more than a handful of connections from one run.
pub const DEFAULT_CONCURRENCY: usize = 32;
/// Default time to establish the TCP connection to one address.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);
/// Default time for a whole probe (resolve, connect, TLS, greeting, capabilities, logout).
pub const DEFAULT_OVERALL_TIMEOUT: Duration = Duration::from_secs(10);

/// Settings of one verification run.
#[derive(Clone)]
pub struct VerifyOptions {
    /// How many endpoints are probed at the same time (at least 1).
    pub concurrency: usize,
    /// Time allowed for the TCP connection to one address. The overall timeout still applies.
    pub connect_timeout: Duration,
    /// Time allowed for the whole probe of one endpoint. Time spent waiting for a free
    /// concurrency slot does not count.
    pub overall_timeout: Duration,
    /// `--resolve` entries: these host/port pairs use the given addresses instead of DNS.
    pub resolve: Vec<ResolveOverride>,
    /// `--ca-file`: when set, the certificates in this PEM file are the *only* trusted roots
    /// (the system store is not consulted), as with `curl --cacert`. When unset, the system's
    /// roots are used (`rustls-native-certs`: on Debian, `/etc/ssl/certs`).
    pub ca_file: Option<PathBuf>,
    /// The time certificates are checked against and expiry days are counted from. The real
    /// clock by default; tests set it to check dates deterministically.
    pub now: SystemTime,
    /// Name resolution for hosts without a `--resolve` entry: the system resolver by default.
    pub resolver: Arc<dyn HostResolver>,
}

impl Default for VerifyOptions {
    fn default() -> Self {
        Self {
            concurrency: DEFAULT_CONCURRENCY,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            overall_timeout: DEFAULT_OVERALL_TIMEOUT,
            resolve: Vec::new(),
            ca_file: None,
            now: SystemTime::now(),
            resolver: Arc::new(SystemResolver),
        }
    }
}

impl fmt::Debug for VerifyOptions {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VerifyOptions")
            .field("concurrency", &self.concurrency)
            .field("connect_timeout", &self.connect_timeout)
            .field("overall_timeout", &self.overall_timeout)
            .field("resolve", &self.resolve)
            .field("ca_file", &self.ca_file)
            .field("now", &self.now)
            .finish_non_exhaustive()
    }
}

/// The future a [`HostResolver`] returns.
pub type ResolveFuture = Pin<Box<dyn Future<Output = io::Result<Vec<IpAddr>>> + Send>>;

/// Turns a host name into addresses. Errors are reported as DNS failures.
pub trait HostResolver: Send + Sync {
    /// The addresses of `host`.
    fn lookup(&self, host: &str) -> ResolveFuture;
}

/// The operating system's resolver (`getaddrinfo`, through tokio).
#[derive(Clone, Copy, Debug, Default)]
pub struct SystemResolver;

impl HostResolver for SystemResolver {
    fn lookup(&self, host: &str) -> ResolveFuture {
        let host = host.to_owned();
        Box::pin(async move {
            let addresses = tokio::net::lookup_host((host.as_str(), 0)).await?;
            Ok(addresses.map(|a| a.ip()).collect())
        })
    }
}

/// One `--resolve HOST:PORT:ADDRESS[,ADDRESS...]` entry.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResolveOverride {
    /// The host name, lower-cased; `*` matches every host (curl's wildcard).
    pub host: String,
    /// The port the entry applies to.
    pub port: u16,
    /// Where to connect instead, tried in order.
    pub addresses: Vec<IpAddr>,
}

impl ResolveOverride {
    /// Whether the entry applies to `host` (compared case-insensitively) on `port`.
    pub fn applies_to(&self, host: &str, port: u16) -> bool {
        self.port == port && (self.host == "*" || self.host.eq_ignore_ascii_case(host))
    }

    /// The socket addresses to connect to.
    pub fn socket_addrs(&self) -> Vec<SocketAddr> {
        self.addresses.iter().map(|&ip| SocketAddr::new(ip, self.port)).collect()
    }
}

impl std::str::FromStr for ResolveOverride {
    type Err = ResolveParseError;

    /// Parses curl's syntax: `HOST:PORT:ADDRESS[,ADDRESS...]`; an IPv6 address (or host) is
    /// written in brackets: `imap.test:993:[::1]`.
    fn from_str(input: &str) -> Result<Self, Self::Err> {
        let error = |reason: String| ResolveParseError { input: input.to_owned(), reason };
        let (host, rest) =
            split_bracketed(input).ok_or_else(|| error("expected HOST:PORT:ADDRESS".to_owned()))?;
        if host.is_empty() {
            return Err(error("the host is empty".to_owned()));
        }
        let (port, addresses) =
            rest.split_once(':').ok_or_else(|| error("expected HOST:PORT:ADDRESS".to_owned()))?;
        let port: u16 = port
            .parse()
            .ok()
            .filter(|&p| p != 0)
            .ok_or_else(|| error(format!("`{port}` is not a port number (1-65535)")))?;
        let mut parsed = Vec::new();
        for address in addresses.split(',') {
            let bare = address.trim();
            let bare = match bare.strip_prefix('[') {
                Some(inner) => inner
                    .strip_suffix(']')
                    .ok_or_else(|| error(format!("`{address}` lacks its closing `]`")))?,
                None if bare.contains(':') => {
                    return Err(error(format!(
                        "write the IPv6 address `{bare}` in brackets: [{bare}]"
                    )));
                }
                None => bare,
            };
            let ip: IpAddr =
                bare.parse().map_err(|_| error(format!("`{address}` is not an IP address")))?;
            parsed.push(ip);
        }
        Ok(Self { host: host.to_ascii_lowercase(), port, addresses: parsed })
    }
}

/// Splits `HOST:REST` where HOST may be `[...]`.
fn split_bracketed(input: &str) -> Option<(&str, &str)> {
    if let Some(inner) = input.strip_prefix('[') {
        let (host, rest) = inner.split_once(']')?;
        Some((host, rest.strip_prefix(':')?))
    } else {
        input.split_once(':')
    }
}

/// A `--resolve` value that does not parse.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResolveParseError {
    /// What the user wrote.
    pub input: String,
    /// What is wrong with it.
    pub reason: String,
}

impl fmt::Display for ResolveParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "invalid --resolve value `{}`: {}", self.input, self.reason)
    }
}

impl std::error::Error for ResolveParseError {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_curl_syntax() {
        let entry: ResolveOverride = "IMAP.Test:993:127.0.0.2".parse().unwrap();
        assert_eq!(entry.host, "imap.test");
        assert_eq!(entry.port, 993);
        assert_eq!(entry.addresses, ["127.0.0.2".parse::<IpAddr>().unwrap()]);
        assert!(entry.applies_to("imap.TEST", 993));
        assert!(!entry.applies_to("imap.test", 143));

        let v6: ResolveOverride = "imap.test:143:[::1],127.0.0.1".parse().unwrap();
        assert_eq!(v6.socket_addrs()[0], "[::1]:143".parse::<SocketAddr>().unwrap());
        assert_eq!(v6.addresses.len(), 2);

        let bracketed_host: ResolveOverride = "[::1]:993:127.0.0.1".parse().unwrap();
        assert_eq!(bracketed_host.host, "::1");

        let wildcard: ResolveOverride = "*:587:127.0.0.1".parse().unwrap();
        assert!(wildcard.applies_to("anything.example", 587));
    }

    #[test]
    fn errors_say_what_is_wrong() {
        let cases = [
            ("imap.test", "expected HOST:PORT:ADDRESS"),
            ("imap.test:993", "expected HOST:PORT:ADDRESS"),
            (":993:127.0.0.1", "the host is empty"),
            ("imap.test:99999:127.0.0.1", "not a port number"),
            ("imap.test:0:127.0.0.1", "not a port number"),
            ("imap.test:993:localhost", "not an IP address"),
            ("imap.test:993:::1", "in brackets"),
            ("imap.test:993:[::1", "closing `]`"),
        ];
        for (input, expected) in cases {
            let err = input.parse::<ResolveOverride>().unwrap_err();
            assert!(err.to_string().contains(expected), "{input}: {err}");
            assert!(err.to_string().contains(input), "{input}: {err}");
        }
    }
}
