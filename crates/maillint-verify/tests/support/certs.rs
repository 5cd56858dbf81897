//! Test certificates made with rcgen: a test CA and leaves it signs (good, wrong name,
//! expired, expiring, not yet valid), and a self-signed end-entity certificate. The scenarios
//! follow `test-servers.md` section 1.3; the dates are fixed and the tests check them against
//! the injected clock [`NOW`], so no test depends on the day it runs.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use rcgen::{
    BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose, IsCa, Issuer, KeyPair,
    KeyUsagePurpose, date_time_ymd,
};
use rustls::ServerConfig;
use rustls_pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};

/// The clock of every test: 2030-01-01 00:00:00 UTC.
pub const NOW_UNIX: u64 = 1_893_456_000;

/// [`NOW_UNIX`] as a `SystemTime`.
pub fn now() -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(NOW_UNIX)
}

/// A certificate chain (leaf first) and its key, in PEM and DER.
pub struct Identity {
    /// Leaf, then issuer (when CA-signed).
    pub chain_pem: String,
    /// The private key.
    pub key_pem: String,
    chain_der: Vec<CertificateDer<'static>>,
    key_der: Vec<u8>,
}

impl Identity {
    /// A rustls server configuration presenting this identity (ring provider, TLS 1.2/1.3).
    pub fn server_config(&self) -> Arc<ServerConfig> {
        let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(self.key_der.clone()));
        let config =
            ServerConfig::builder_with_provider(Arc::new(rustls::crypto::ring::default_provider()))
                .with_safe_default_protocol_versions()
                .expect("ring supports TLS 1.2 and 1.3")
                .with_no_client_auth()
                .with_single_cert(self.chain_der.clone(), key)
                .expect("test identity is valid");
        Arc::new(config)
    }

    /// Writes `NAME.crt` (chain) and `NAME.key` into `dir`; returns both paths.
    pub fn write(&self, dir: &Path, name: &str) -> (PathBuf, PathBuf) {
        let crt = dir.join(format!("{name}.crt"));
        let key = dir.join(format!("{name}.key"));
        std::fs::write(&crt, &self.chain_pem).unwrap();
        std::fs::write(&key, &self.key_pem).unwrap();
        (crt, key)
    }
}

/// The test PKI.
pub struct TestPki {
    /// The CA certificate in PEM: the only root the tests trust (`--ca-file`).
    pub ca_pem: String,
    ca_params: CertificateParams,
    ca_key: KeyPair,
}

impl TestPki {
    /// A fresh CA, "maillint Test CA", valid 2020–2050.
    pub fn new() -> Self {
        let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
        params.distinguished_name.push(DnType::CommonName, "maillint Test CA");
        params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        params.key_usages = vec![KeyUsagePurpose::KeyCertSign, KeyUsagePurpose::CrlSign];
        params.not_before = date_time_ymd(2020, 1, 1);
        params.not_after = date_time_ymd(2050, 1, 1);
        let ca_key = KeyPair::generate().unwrap();
        let ca_pem = params.self_signed(&ca_key).unwrap().pem();
        Self { ca_pem, ca_params: params, ca_key }
    }

    /// Writes the CA certificate to `dir/ca.crt`.
    pub fn write_ca(&self, dir: &Path) -> PathBuf {
        let path = dir.join("ca.crt");
        std::fs::write(&path, &self.ca_pem).unwrap();
        path
    }

    /// A leaf for `names` signed by the CA, valid from `not_before` to `not_after`
    /// (year, month, day).
    pub fn leaf(
        &self,
        names: &[&str],
        not_before: (i32, u8, u8),
        not_after: (i32, u8, u8),
    ) -> Identity {
        let mut params = leaf_params(names, not_before, not_after);
        params.is_ca = IsCa::ExplicitNoCa;
        let key = KeyPair::generate().unwrap();
        let issuer = Issuer::from_params(&self.ca_params, &self.ca_key);
        let cert = params.signed_by(&key, &issuer).unwrap();
        let chain_pem = format!("{}{}", cert.pem(), self.ca_pem);
        let ca_der = rustls_pki_types::pem::PemObject::from_pem_slice(self.ca_pem.as_bytes())
            .expect("CA PEM");
        Identity {
            chain_pem,
            key_pem: key.serialize_pem(),
            chain_der: vec![cert.der().clone(), ca_der],
            key_der: key.serialize_der(),
        }
    }

    /// The usual good leaf: `imap.test` (and `127.0.0.1`), valid 2020–2045.
    pub fn good(&self, names: &[&str]) -> Identity {
        self.leaf(names, (2020, 1, 1), (2045, 1, 1))
    }
}

fn leaf_params(
    names: &[&str],
    not_before: (i32, u8, u8),
    not_after: (i32, u8, u8),
) -> CertificateParams {
    let mut params =
        CertificateParams::new(names.iter().map(|n| (*n).to_owned()).collect::<Vec<_>>()).unwrap();
    params.distinguished_name.push(DnType::CommonName, names[0]);
    params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    params.not_before = date_time_ymd(not_before.0, not_before.1, not_before.2);
    params.not_after = date_time_ymd(not_after.0, not_after.1, not_after.2);
    params
}

/// A self-signed end-entity certificate (CA:FALSE, serverAuth) for `names`: trusted by
/// nobody unless pinned.
pub fn self_signed(names: &[&str]) -> Identity {
    let mut params = leaf_params(names, (2020, 1, 1), (2045, 1, 1));
    params.is_ca = IsCa::ExplicitNoCa;
    let key = KeyPair::generate().unwrap();
    let cert = params.self_signed(&key).unwrap();
    Identity {
        chain_pem: cert.pem(),
        key_pem: key.serialize_pem(),
        chain_der: vec![cert.der().clone()],
        key_der: key.serialize_der(),
    }
}
