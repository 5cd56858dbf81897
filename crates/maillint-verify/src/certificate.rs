//! What a server certificate says about itself (subject, names, validity dates), read with
//! `x509-parser` for messages; and why rustls refused it, in the terms the findings use.

use std::fmt;
use std::net::IpAddr;
use std::time::{SystemTime, UNIX_EPOCH};

use maillint_core::date::Date;
use rustls::CertificateError;
use x509_parser::extensions::GeneralName;
use x509_parser::prelude::{FromDer, X509Certificate};

/// Seconds in a day.
const DAY: i64 = 86_400;

/// The parts of a certificate that messages show.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CertificateInfo {
    /// The subject's distinguished name (`CN=imap.test`).
    pub subject: String,
    /// The issuer's distinguished name.
    pub issuer: String,
    /// DNS names and IP addresses of the subjectAltName extension.
    pub names: Vec<String>,
    /// Start of validity, seconds since the Unix epoch.
    pub not_before: i64,
    /// End of validity, seconds since the Unix epoch.
    pub not_after: i64,
}

impl CertificateInfo {
    /// Reads a DER certificate. `None` when it does not parse (rustls then reports it too).
    pub fn from_der(der: &[u8]) -> Option<Self> {
        let (_, cert) = X509Certificate::from_der(der).ok()?;
        let mut names = Vec::new();
        if let Ok(Some(san)) = cert.subject_alternative_name() {
            for name in &san.value.general_names {
                match name {
                    GeneralName::DNSName(dns) => names.push((*dns).to_owned()),
                    GeneralName::IPAddress(bytes) => {
                        if let Some(ip) = ip_from_bytes(bytes) {
                            names.push(ip.to_string());
                        }
                    }
                    _ => {}
                }
            }
        }
        let validity = cert.validity();
        Some(Self {
            subject: cert.subject().to_string(),
            issuer: cert.issuer().to_string(),
            names,
            not_before: validity.not_before.timestamp(),
            not_after: validity.not_after.timestamp(),
        })
    }

    /// Whether subject and issuer are the same name (a self-signed certificate, as far as
    /// names tell).
    pub fn is_self_issued(&self) -> bool {
        self.subject == self.issuer
    }

    /// Whole days from `now` until the certificate expires; negative once it has expired.
    pub fn days_until_expiry(&self, now: SystemTime) -> i64 {
        (self.not_after - unix_seconds(now)).div_euclid(DAY)
    }

    /// `subject CN=imap.test, names imap.test, 127.0.0.1, valid 2024-01-01 00:00:00 UTC to ...`
    pub fn describe(&self) -> String {
        let names = if self.names.is_empty() { "none".to_owned() } else { self.names.join(", ") };
        format!(
            "subject {}, names {}, valid {} to {}",
            if self.subject.is_empty() { "(empty)" } else { &self.subject },
            names,
            format_utc(self.not_before),
            format_utc(self.not_after)
        )
    }
}

fn ip_from_bytes(bytes: &[u8]) -> Option<IpAddr> {
    match bytes.len() {
        4 => Some(IpAddr::from(<[u8; 4]>::try_from(bytes).ok()?)),
        16 => Some(IpAddr::from(<[u8; 16]>::try_from(bytes).ok()?)),
        _ => None,
    }
}

/// Seconds since the Unix epoch (negative before it).
pub fn unix_seconds(time: SystemTime) -> i64 {
    match time.duration_since(UNIX_EPOCH) {
        Ok(d) => d.as_secs() as i64,
        Err(e) => -(e.duration().as_secs() as i64),
    }
}

/// `2026-05-01 12:00:00 UTC`: the day from [`Date::from_unix_days`] (proleptic Gregorian),
/// the time of day from the seconds left over.
pub fn format_utc(seconds: i64) -> String {
    let date = Date::from_unix_days(seconds.div_euclid(DAY));
    let secs = seconds.rem_euclid(DAY);
    format!("{date} {:02}:{:02}:{:02} UTC", secs / 3600, secs % 3600 / 60, secs % 60)
}

/// Why a certificate does not verify, as the finding reports it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CertificateFailure {
    /// notAfter is in the past.
    Expired,
    /// notBefore is in the future.
    NotYetValid,
    /// The chain does not lead to a trusted root. `self_signed` when the certificate names
    /// itself as its issuer.
    UntrustedIssuer {
        /// Whether subject and issuer are the same.
        self_signed: bool,
    },
    /// The certificate does not cover the host name (or IP address) the config uses.
    WrongName {
        /// The name that was checked.
        expected: String,
    },
    /// A CA certificate presented as the server's own (a self-signed `openssl req -x509`
    /// certificate is one: see `test-servers.md` section 2).
    CaUsedAsEndEntity,
    /// The certificate is not for TLS servers (extended key usage).
    InvalidPurpose,
    /// The certificate was revoked.
    Revoked,
    /// A signature in the chain is wrong.
    BadSignature,
    /// Anything else rustls refuses, in its words.
    Other(String),
}

impl CertificateFailure {
    /// Maps rustls's verdict. `certificate` refines an unknown issuer into "self-signed";
    /// `host` is the name that was checked.
    pub fn from_rustls(
        error: &CertificateError,
        certificate: Option<&CertificateInfo>,
        host: &str,
    ) -> Self {
        match error {
            CertificateError::Expired | CertificateError::ExpiredContext { .. } => Self::Expired,
            CertificateError::NotValidYet | CertificateError::NotValidYetContext { .. } => {
                Self::NotYetValid
            }
            CertificateError::UnknownIssuer => Self::UntrustedIssuer {
                self_signed: certificate.is_some_and(CertificateInfo::is_self_issued),
            },
            CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. } => {
                Self::WrongName { expected: host.to_owned() }
            }
            CertificateError::InvalidPurpose | CertificateError::InvalidPurposeContext { .. } => {
                Self::InvalidPurpose
            }
            CertificateError::Revoked => Self::Revoked,
            CertificateError::BadSignature => Self::BadSignature,
            // webpki's "CA used as end entity" only reaches rustls as an opaque `Other` error;
            // its Debug text is the only way to tell (`test-servers.md` section 1.5).
            CertificateError::Other(other)
                if format!("{other:?}").contains("CaUsedAsEndEntity") =>
            {
                Self::CaUsedAsEndEntity
            }
            other => Self::Other(other.to_string()),
        }
    }

    /// A short kebab-case name for machine output and tests.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Expired => "expired",
            Self::NotYetValid => "not-yet-valid",
            Self::UntrustedIssuer { self_signed: true } => "self-signed",
            Self::UntrustedIssuer { self_signed: false } => "untrusted-issuer",
            Self::WrongName { .. } => "wrong-name",
            Self::CaUsedAsEndEntity => "ca-used-as-end-entity",
            Self::InvalidPurpose => "invalid-purpose",
            Self::Revoked => "revoked",
            Self::BadSignature => "bad-signature",
            Self::Other(_) => "other",
        }
    }
}

impl fmt::Display for CertificateFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Expired => f.write_str("the certificate has expired"),
            Self::NotYetValid => f.write_str("the certificate is not valid yet"),
            Self::UntrustedIssuer { self_signed: true } => {
                f.write_str("the certificate is self-signed and not trusted")
            }
            Self::UntrustedIssuer { self_signed: false } => {
                f.write_str("the certificate's issuer is not trusted")
            }
            Self::WrongName { expected } => {
                write!(f, "the certificate is not valid for the name {expected}")
            }
            Self::CaUsedAsEndEntity => {
                f.write_str("the server presents a CA certificate as its own certificate")
            }
            Self::InvalidPurpose => f.write_str("the certificate is not meant for TLS servers"),
            Self::Revoked => f.write_str("the certificate was revoked"),
            Self::BadSignature => f.write_str("a signature in the certificate chain is invalid"),
            Self::Other(detail) => write!(f, "the certificate was refused: {detail}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_format_as_utc() {
        assert_eq!(format_utc(0), "1970-01-01 00:00:00 UTC");
        assert_eq!(format_utc(951_782_400), "2000-02-29 00:00:00 UTC");
        assert_eq!(format_utc(1_777_636_800), "2026-05-01 12:00:00 UTC");
        assert_eq!(format_utc(-1), "1969-12-31 23:59:59 UTC");
    }

    #[test]
    fn days_until_expiry_round_down() {
        let info = CertificateInfo {
            subject: "CN=a".into(),
            issuer: "CN=a".into(),
            names: vec![],
            not_before: 0,
            not_after: 10 * DAY + 5,
        };
        assert_eq!(info.days_until_expiry(UNIX_EPOCH), 10);
        let later = UNIX_EPOCH + std::time::Duration::from_secs(10 * DAY as u64 + 6);
        assert_eq!(info.days_until_expiry(later), -1);
        assert!(info.is_self_issued());
    }
}
