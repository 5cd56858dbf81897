//! TLS for the probes: the trusted roots, a certificate verifier that remembers what the
//! server presented and checks it at the injected time, the mapping of rustls errors onto
//! findings, and a hand-written TLS 1.0/1.1 hello that tells which old version a server speaks.
//!
//! Only the `ring` provider is used (the workspace enables no other). rustls speaks TLS 1.2 and
//! 1.3 only; a server that answers with an older version cannot be handshaken with, so the
//! legacy hello asks it which version it would pick instead. That hello stops after the
//! server's ServerHello: no key exchange happens, nothing is sent after it.
//!
//! The version check: a server that speaks *only* versions below TLS 1.2 answers rustls's hello
//! with an old ServerHello or a `protocol_version` alert, and a second connection with the
//! hand-written TLS 1.1 hello learns which old version it speaks. A server that speaks TLS 1.2
//! or 1.3 *and also* still allows an old version looks healthy to rustls, which never offers
//! the old versions; after a successful probe the same TLS 1.1 hello asks it, and a ServerHello
//! below 0x0303 means it still accepts that version. No legacy handshake is ever completed
//! (this crate deliberately carries no TLS 1.0 implementation). A server that speaks only SSL 2
//! does not answer the hello and is reported without a version.

use std::fmt;
use std::io;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::SystemTime;

use maillint_core::TlsVersion;
use rustls::client::WebPkiServerVerifier;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::CryptoProvider;
use rustls::{ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme};
use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, ServerName, UnixTime};
use tokio::io::{AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt};

use crate::certificate::unix_seconds;

/// A problem with the setup of a run, before any probe: the trusted roots cannot be loaded.
#[derive(Debug)]
pub enum SetupError {
    /// `--ca-file` could not be read or holds no usable certificate.
    CaFile {
        /// The file.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// The system store has no usable root certificate.
    NoSystemRoots {
        /// What the loader reported.
        detail: String,
    },
    /// The async runtime could not be started.
    Runtime(io::Error),
}

impl fmt::Display for SetupError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SetupError::CaFile { path, reason } => {
                write!(f, "cannot use --ca-file {}: {reason}", path.display())
            }
            SetupError::NoSystemRoots { detail } => write!(
                f,
                "no trusted root certificates found in the system store ({detail}); \
                 install the ca-certificates package or pass --ca-file"
            ),
            SetupError::Runtime(e) => write!(f, "cannot start the verification runtime: {e}"),
        }
    }
}

impl std::error::Error for SetupError {}

/// What every probe of a run shares: the crypto provider and the root verifier.
#[derive(Debug)]
pub struct TlsSetup {
    provider: Arc<CryptoProvider>,
    webpki: Arc<WebPkiServerVerifier>,
    now: UnixTime,
}

impl TlsSetup {
    /// Loads the roots: only those of `ca_file` when given, else the system's.
    pub fn new(ca_file: Option<&Path>, now: SystemTime) -> Result<Self, SetupError> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut roots = RootCertStore::empty();
        match ca_file {
            Some(path) => load_ca_file(path, &mut roots)?,
            None => {
                let loaded = rustls_native_certs::load_native_certs();
                let (added, _ignored) = roots.add_parsable_certificates(loaded.certs);
                if added == 0 {
                    let detail = match loaded.errors.first() {
                        Some(e) => e.to_string(),
                        None => "the store is empty".to_owned(),
                    };
                    return Err(SetupError::NoSystemRoots { detail });
                }
            }
        }
        let webpki = WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider.clone())
            .build()
            .map_err(|e| SetupError::CaFile {
                path: ca_file.map(Path::to_path_buf).unwrap_or_default(),
                reason: e.to_string(),
            })?;
        let now = UnixTime::since_unix_epoch(std::time::Duration::from_secs(
            unix_seconds(now).max(0) as u64,
        ));
        Ok(Self { provider, webpki, now })
    }

    /// A client configuration for one probe, and the handle that shows which certificate the
    /// server presented (also when verification fails).
    pub fn client_config(
        &self,
    ) -> Result<(Arc<ClientConfig>, PresentedCertificate), rustls::Error> {
        let presented = PresentedCertificate::default();
        let verifier = Arc::new(RecordingVerifier {
            inner: self.webpki.clone(),
            now: self.now,
            presented: presented.clone(),
        });
        let config = ClientConfig::builder_with_provider(self.provider.clone())
            .with_protocol_versions(&[&rustls::version::TLS13, &rustls::version::TLS12])?
            .dangerous()
            .with_custom_certificate_verifier(verifier)
            .with_no_client_auth();
        Ok((Arc::new(config), presented))
    }
}

fn load_ca_file(path: &Path, roots: &mut RootCertStore) -> Result<(), SetupError> {
    let error = |reason: String| SetupError::CaFile { path: path.to_path_buf(), reason };
    let certificates = CertificateDer::pem_file_iter(path).map_err(|e| error(e.to_string()))?;
    let mut count = 0;
    for (index, certificate) in certificates.enumerate() {
        let certificate =
            certificate.map_err(|e| error(format!("certificate {}: {e}", index + 1)))?;
        roots.add(certificate).map_err(|e| error(format!("certificate {}: {e}", index + 1)))?;
        count += 1;
    }
    if count == 0 {
        return Err(error("the file holds no PEM certificate".to_owned()));
    }
    Ok(())
}

/// The end-entity certificate a server presented, once the handshake got that far.
#[derive(Clone, Debug, Default)]
pub struct PresentedCertificate(Arc<Mutex<Option<CertificateDer<'static>>>>);

impl PresentedCertificate {
    /// The certificate, if one was presented.
    pub fn get(&self) -> Option<CertificateDer<'static>> {
        self.0.lock().ok().and_then(|c| c.clone())
    }
}

/// Delegates to webpki, at the run's clock, and records the presented certificate.
#[derive(Debug)]
struct RecordingVerifier {
    inner: Arc<WebPkiServerVerifier>,
    now: UnixTime,
    presented: PresentedCertificate,
}

impl ServerCertVerifier for RecordingVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        if let Ok(mut slot) = self.presented.0.lock() {
            *slot = Some(end_entity.clone().into_owned());
        }
        self.inner.verify_server_cert(
            end_entity,
            intermediates,
            server_name,
            ocsp_response,
            self.now,
        )
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.inner.supported_verify_schemes()
    }
}

/// The rustls error inside an I/O error from tokio-rustls, if any.
pub fn rustls_error(error: &io::Error) -> Option<&rustls::Error> {
    error.get_ref().and_then(|inner| inner.downcast_ref::<rustls::Error>())
}

/// Whether a rustls error means the server does not speak TLS 1.2 or 1.3: it chose an older
/// version in its ServerHello, or refused our hello with a `protocol_version` alert
/// (RFC 8446 section 6.2).
pub fn is_version_refusal(error: &rustls::Error) -> bool {
    matches!(
        error,
        rustls::Error::PeerIncompatible(rustls::PeerIncompatible::ServerDoesNotSupportTls12Or13)
            | rustls::Error::AlertReceived(rustls::AlertDescription::ProtocolVersion)
    )
}

/// The negotiated version in the model's terms.
pub fn tls_version(version: rustls::ProtocolVersion) -> Option<TlsVersion> {
    legacy_version(u16::from(version))
}

/// A TLS version from its wire value (RFC 8446 appendix B.1, RFC 6101 for SSL 3.0).
pub fn legacy_version(wire: u16) -> Option<TlsVersion> {
    match wire {
        0x0002 => Some(TlsVersion::Ssl2),
        0x0300 => Some(TlsVersion::Ssl3),
        0x0301 => Some(TlsVersion::Tls1_0),
        0x0302 => Some(TlsVersion::Tls1_1),
        0x0303 => Some(TlsVersion::Tls1_2),
        0x0304 => Some(TlsVersion::Tls1_3),
        _ => None,
    }
}

/// Cipher suites offered by the legacy hello: the ECDHE and RSA suites that TLS 1.0/1.1
/// servers commonly accept (IANA TLS Cipher Suites registry values).
const LEGACY_SUITES: [u16; 8] = [
    0xc014, // TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA
    0xc013, // TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA
    0xc00a, // TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA
    0xc009, // TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA
    0x0035, // TLS_RSA_WITH_AES_256_CBC_SHA
    0x002f, // TLS_RSA_WITH_AES_128_CBC_SHA
    0x000a, // TLS_RSA_WITH_3DES_EDE_CBC_SHA
    0x0005, // TLS_RSA_WITH_RC4_128_SHA
];

/// A TLS 1.1 ClientHello (RFC 4346 section 7.4.1.2) in a TLS 1.0 record, with SNI for `host`
/// when it is a DNS name (RFC 6066 section 3), and the elliptic-curve extensions an ECDHE
/// server needs (RFC 4492 section 5.1).
pub fn legacy_client_hello(host: &str) -> Vec<u8> {
    let mut body = Vec::new();
    body.extend_from_slice(&[0x03, 0x02]); // client_version: TLS 1.1
    // Random: its value does not matter, no key is ever derived from this hello.
    let seed = unix_seconds(SystemTime::now()) as u32;
    body.extend_from_slice(&seed.to_be_bytes());
    body.extend((0..28u8).map(|i| i.wrapping_mul(37).wrapping_add(seed as u8)));
    body.push(0); // empty session id
    body.extend_from_slice(&((LEGACY_SUITES.len() * 2) as u16).to_be_bytes());
    for suite in LEGACY_SUITES {
        body.extend_from_slice(&suite.to_be_bytes());
    }
    body.extend_from_slice(&[0x01, 0x00]); // compression: null only

    let mut extensions = Vec::new();
    if host.parse::<std::net::IpAddr>().is_err() && !host.is_empty() && host.len() < 256 {
        let name = host.as_bytes();
        let list_len = name.len() + 3;
        extensions.extend_from_slice(&[0x00, 0x00]); // server_name
        extensions.extend_from_slice(&((list_len + 2) as u16).to_be_bytes());
        extensions.extend_from_slice(&(list_len as u16).to_be_bytes());
        extensions.push(0x00); // host_name
        extensions.extend_from_slice(&(name.len() as u16).to_be_bytes());
        extensions.extend_from_slice(name);
    }
    // elliptic_curves (supported_groups): secp256r1, secp384r1.
    extensions.extend_from_slice(&[0x00, 0x0a, 0x00, 0x06, 0x00, 0x04, 0x00, 0x17, 0x00, 0x18]);
    // ec_point_formats: uncompressed.
    extensions.extend_from_slice(&[0x00, 0x0b, 0x00, 0x02, 0x01, 0x00]);
    // renegotiation_info, empty (RFC 5746 section 3.4).
    extensions.extend_from_slice(&[0xff, 0x01, 0x00, 0x01, 0x00]);
    body.extend_from_slice(&(extensions.len() as u16).to_be_bytes());
    body.extend_from_slice(&extensions);

    let mut handshake = vec![0x01]; // client_hello
    handshake.extend_from_slice(&(body.len() as u32).to_be_bytes()[1..]);
    handshake.extend_from_slice(&body);

    let mut record = vec![0x16, 0x03, 0x01]; // handshake record, TLS 1.0
    record.extend_from_slice(&(handshake.len() as u16).to_be_bytes());
    record.extend_from_slice(&handshake);
    record
}

/// What a server answered to the legacy hello.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LegacyAnswer {
    /// A ServerHello choosing this wire version.
    ServerHello(u16),
    /// An alert with this description code.
    Alert(u8),
    /// Anything else, or nothing.
    Nothing,
}

/// Sends the legacy hello and reads the first record of the answer (at most one record of
/// 2^14 + 2048 bytes, RFC 5246 section 6.2.3). Reads only the header and the few bytes
/// needed.
pub async fn legacy_hello<S: AsyncRead + AsyncWrite + Unpin>(
    stream: &mut S,
    host: &str,
) -> LegacyAnswer {
    if stream.write_all(&legacy_client_hello(host)).await.is_err() {
        return LegacyAnswer::Nothing;
    }
    let _ = stream.flush().await;
    let mut header = [0u8; 5];
    if stream.read_exact(&mut header).await.is_err() {
        return LegacyAnswer::Nothing;
    }
    let length = u16::from_be_bytes([header[3], header[4]]) as usize;
    match header[0] {
        0x15 if length >= 2 => {
            let mut alert = [0u8; 2];
            match stream.read_exact(&mut alert).await {
                Ok(_) => LegacyAnswer::Alert(alert[1]),
                Err(_) => LegacyAnswer::Nothing,
            }
        }
        // Handshake record: type (1), length (3), then server_version (2).
        0x16 if length >= 6 => {
            let mut start = [0u8; 6];
            match stream.read_exact(&mut start).await {
                Ok(_) if start[0] == 0x02 => {
                    LegacyAnswer::ServerHello(u16::from_be_bytes([start[4], start[5]]))
                }
                _ => LegacyAnswer::Nothing,
            }
        }
        _ => LegacyAnswer::Nothing,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn legacy_hello_lengths_are_consistent() {
        let hello = legacy_client_hello("imap.test");
        assert_eq!(&hello[..3], &[0x16, 0x03, 0x01]);
        let record_len = u16::from_be_bytes([hello[3], hello[4]]) as usize;
        assert_eq!(record_len, hello.len() - 5);
        assert_eq!(hello[5], 0x01);
        let hs_len = u32::from_be_bytes([0, hello[6], hello[7], hello[8]]) as usize;
        assert_eq!(hs_len, hello.len() - 9);
        assert_eq!(&hello[9..11], &[0x03, 0x02]);
        assert!(hello.windows(9).any(|w| w == b"imap.test"));
        // No SNI for an IP literal.
        let by_ip = legacy_client_hello("127.0.0.1");
        assert!(!by_ip.windows(9).any(|w| w == b"127.0.0.1"));
    }

    #[test]
    fn wire_versions() {
        assert_eq!(legacy_version(0x0301), Some(TlsVersion::Tls1_0));
        assert_eq!(legacy_version(0x0300), Some(TlsVersion::Ssl3));
        assert_eq!(legacy_version(0x7f1c), None);
    }
}
