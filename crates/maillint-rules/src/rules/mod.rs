//! The built-in rules, one file each, grouped by code: `H` hosts, `T` transport (port,
//! security, TLS), `A` authentication and secrets.

mod certificate_verification_disabled;
mod legacy_tls_version;
mod lookalike_host;
mod opportunistic_starttls;
mod plaintext_password;
mod port_security_mismatch;
mod protocol_host_mismatch;
mod provider_requires_oauth2;
mod tls_disabled;
mod wrong_provider_host;
mod wrong_provider_port;

pub use certificate_verification_disabled::CertificateVerificationDisabled;
pub use legacy_tls_version::LegacyTlsVersion;
pub use lookalike_host::LookalikeHost;
pub use opportunistic_starttls::OpportunisticStarttls;
pub use plaintext_password::PlaintextPassword;
pub use port_security_mismatch::PortSecurityMismatch;
pub use protocol_host_mismatch::ProtocolHostMismatch;
pub use provider_requires_oauth2::ProviderRequiresOauth2;
pub use tls_disabled::TlsDisabled;
pub use wrong_provider_host::WrongProviderHost;
pub use wrong_provider_port::WrongProviderPort;
