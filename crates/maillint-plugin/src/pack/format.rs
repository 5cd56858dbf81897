//! The rule-pack file format, as serde reads it: `[pack]`, `[[rule]]` with `[rule.when]`,
//! `[rule.fix]` and `[[rule.label]]`, and `[[provider]]`.
//!
//! Every table denies unknown keys, so a misspelt condition (`host_not` for `host-not`) is an
//! error naming the key, never a condition silently ignored. Values that can be one or many
//! (`protocol = "imap"` or `protocol = ["imap", "pop3"]`) use [`OneOrMany`]. `docs/plugins.md`
//! documents every key; keep the two in step.

use std::fmt;
use std::marker::PhantomData;

use maillint_core::{Applicability, AuthMethod, Protocol, Provider, Security, Severity};
use serde::de::{self, Deserializer, IntoDeserializer, SeqAccess, Visitor};
use serde::{Deserialize, Serialize};

/// A whole pack file.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct PackFile {
    /// The pack's own description.
    #[serde(default)]
    pub pack: Option<PackHeader>,
    /// The rules.
    #[serde(default, rename = "rule")]
    pub rules: Vec<RuleSpec>,
    /// Provider facts shipped with the pack (the format of `rules/providers/*.toml`).
    #[serde(default, rename = "provider")]
    pub providers: Vec<Provider>,
}

/// `[pack]`: what the pack is.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct PackHeader {
    /// A short name (`corp-policy`); the file stem when absent.
    #[serde(default)]
    pub name: Option<String>,
    /// What the pack is for.
    #[serde(default)]
    pub description: Option<String>,
    /// The pack's own version, shown by `maillint plugins`.
    #[serde(default)]
    pub version: Option<String>,
}

/// One `[[rule]]`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct RuleSpec {
    /// Kebab-case name, unique across every rule maillint knows.
    pub name: String,
    /// Short code (`C001`), unique likewise.
    pub code: String,
    /// Default severity.
    pub severity: Severity,
    /// The concern the rule belongs to; `policy` when absent.
    #[serde(default)]
    pub group: Option<String>,
    /// One sentence: what the rule catches.
    pub summary: String,
    /// Longer Markdown documentation.
    #[serde(default)]
    pub description: Option<String>,
    /// The finding's message, a template (`{host}`, `{port}`, ...).
    pub message: String,
    /// What to do, a template.
    #[serde(default)]
    pub help: Option<String>,
    /// Why it matters, a template.
    #[serde(default)]
    pub why: Option<String>,
    /// Report once per endpoint (default) or once per account.
    #[serde(default)]
    pub scope: Scope,
    /// The value the finding points at; the endpoint (or account) when absent.
    #[serde(default)]
    pub at: Option<Target>,
    /// Whether the rule runs when nothing is selected explicitly (default true).
    #[serde(default = "yes")]
    pub default_enabled: bool,
    /// The conditions, all of which must hold.
    pub when: When,
    /// Secondary places shown with the finding.
    #[serde(default, rename = "label")]
    pub labels: Vec<LabelSpec>,
    /// When one setting makes several endpoints meet the conditions (a shared server, a global
    /// option), the rule reports it once; this template labels each further endpoint's host.
    #[serde(default)]
    pub also: Option<String>,
    /// The fix.
    #[serde(default)]
    pub fix: Option<FixSpec>,
}

fn yes() -> bool {
    true
}

/// What a rule reports on.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Scope {
    /// One finding per endpoint that meets the conditions.
    #[default]
    Endpoint,
    /// One finding per account that has an endpoint meeting the conditions (or, for an
    /// account without endpoints, whose account-level conditions hold).
    Account,
}

/// A value of the account model a finding or label can point at.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Target {
    /// The endpoint as a whole.
    Endpoint,
    /// The host name.
    Host,
    /// The port.
    Port,
    /// The transport security.
    Security,
    /// The authentication method.
    Auth,
    /// The user name.
    Username,
    /// The setting that disables certificate verification.
    CertificateVerification,
    /// The first stored secret (renderers redact its text).
    Secret,
    /// The account as a whole.
    Account,
    /// The account's mail address.
    Email,
}

impl Target {
    /// The kebab-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Target::Endpoint => "endpoint",
            Target::Host => "host",
            Target::Port => "port",
            Target::Security => "security",
            Target::Auth => "auth",
            Target::Username => "username",
            Target::CertificateVerification => "certificate-verification",
            Target::Secret => "secret",
            Target::Account => "account",
            Target::Email => "email",
        }
    }

    /// Whether the target belongs to an endpoint (needs one to point at).
    pub fn is_endpoint_value(self) -> bool {
        !matches!(self, Target::Account | Target::Email)
    }
}

/// `[[rule.label]]`: a secondary place.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct LabelSpec {
    /// Where.
    pub at: Target,
    /// What to say there, a template.
    pub message: String,
}

/// A model field whose origin a condition can ask about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum OriginField {
    /// The host name.
    Host,
    /// The port.
    Port,
    /// The transport security.
    Security,
    /// The authentication method.
    Auth,
    /// The user name.
    Username,
    /// The mail address.
    Email,
}

impl OriginField {
    /// The kebab-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            OriginField::Host => "host",
            OriginField::Port => "port",
            OriginField::Security => "security",
            OriginField::Auth => "auth",
            OriginField::Username => "username",
            OriginField::Email => "email",
        }
    }
}

/// `[rule.when]`: conditions, all of which must hold (an empty table always holds).
#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct When {
    /// The account's client is one of these (`thunderbird`, `mutt`, `outlook`, a plugin's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client: Option<OneOrMany<String>>,
    /// The endpoint's protocol is one of these.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub protocol: Option<OneOrMany<Protocol>>,
    /// The host equals one of these names or matches one of these globs (case-insensitive).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host: Option<OneOrMany<String>>,
    /// The host is known and neither equals nor matches any of these.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host_not: Option<OneOrMany<String>>,
    /// The host belongs to one of these providers (by id; `*` for any known provider).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host_in_provider: Option<OneOrMany<String>>,
    /// The host is known and belongs to none of these providers (`*`: to no known provider).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host_not_in_provider: Option<OneOrMany<String>>,
    /// The host is (true) or is not (false) the local machine.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host_is_loopback: Option<bool>,
    /// The port is one of these.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub port_in: Option<OneOrMany<u16>>,
    /// The port is known and none of these.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub port_not_in: Option<OneOrMany<u16>>,
    /// The host is a provider's server (or alias) for the endpoint's protocol, and the provider
    /// serves (true) or does not serve (false) the endpoint's port for that protocol.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provider_serves_port: Option<bool>,
    /// The security is one of these.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub security_in: Option<OneOrMany<Security>>,
    /// The security is known and none of these.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub security_not_in: Option<OneOrMany<Security>>,
    /// The authentication method is one of these.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auth_in: Option<OneOrMany<AuthMethod>>,
    /// The authentication method is known and none of these.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auth_not_in: Option<OneOrMany<AuthMethod>>,
    /// The domain of the account's address equals or matches one of these.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mail_domain: Option<OneOrMany<String>>,
    /// The account's address is known and its domain matches none of these.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mail_domain_not: Option<OneOrMany<String>>,
    /// The account's mail domain is hosted by one of these providers (`*`: any known one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mail_domain_in_provider: Option<OneOrMany<String>>,
    /// Certificate verification is (true) or is not (false) switched off.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub certificate_verification_disabled: Option<bool>,
    /// A secret is (true) or is not (false) stored in the file for the endpoint.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub has_stored_secret: Option<bool>,
    /// These values are written in the file (not the client's default, not derived).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub explicit: Option<OneOrMany<OriginField>>,
    /// These values are the client's defaults (not written in the file).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub defaulted: Option<OneOrMany<OriginField>>,
    /// At least one of these condition tables holds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub any: Option<Vec<When>>,
    /// This condition table does not hold (plain logic: unknown values make a test inside
    /// false, so `not` of it is true).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not: Option<Box<When>>,
}

/// `[rule.fix]`: field changes on the endpoint the finding is about.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct FixSpec {
    /// What the fix does, a template.
    pub title: String,
    /// When `--fix` may apply it.
    pub applicability: Applicability,
    /// The new host.
    #[serde(default)]
    pub host: Option<String>,
    /// The new port: a number, or `implicit-tls` / `starttls` for the protocol's standard port.
    #[serde(default)]
    pub port: Option<PortValue>,
    /// The new security.
    #[serde(default)]
    pub security: Option<Security>,
    /// The new authentication method.
    #[serde(default)]
    pub auth: Option<AuthMethod>,
    /// Turn certificate verification back on (only `true` is meaningful).
    #[serde(default)]
    pub enable_certificate_verification: Option<bool>,
}

/// A port in a fix.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PortValue {
    /// This port.
    Number(u16),
    /// The protocol's implicit-TLS port (RFC 8314: 993, 995, 465).
    ImplicitTls,
    /// The protocol's plaintext/STARTTLS port (143, 110, 587 for submission per RFC 6409).
    Starttls,
}

impl PortValue {
    /// The port for `protocol`.
    pub fn for_protocol(self, protocol: Protocol) -> u16 {
        match self {
            PortValue::Number(port) => port,
            PortValue::ImplicitTls => protocol.implicit_tls_port(),
            PortValue::Starttls => protocol.starttls_port(),
        }
    }
}

impl fmt::Display for PortValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PortValue::Number(port) => write!(f, "{port}"),
            PortValue::ImplicitTls => {
                f.write_str("the protocol's implicit-TLS port (993, 995, 465)")
            }
            PortValue::Starttls => f.write_str("the protocol's STARTTLS port (143, 110, 587)"),
        }
    }
}

impl<'de> Deserialize<'de> for PortValue {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct PortVisitor;
        impl Visitor<'_> for PortVisitor {
            type Value = PortValue;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(r#"a port number (1-65535), "implicit-tls" or "starttls""#)
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<PortValue, E> {
                match u16::try_from(v) {
                    Ok(port) if port != 0 => Ok(PortValue::Number(port)),
                    _ => Err(E::invalid_value(de::Unexpected::Signed(v), &self)),
                }
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<PortValue, E> {
                self.visit_i64(i64::try_from(v).unwrap_or(-1))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<PortValue, E> {
                match v {
                    "implicit-tls" => Ok(PortValue::ImplicitTls),
                    "starttls" => Ok(PortValue::Starttls),
                    _ => Err(E::invalid_value(de::Unexpected::Str(v), &self)),
                }
            }
        }
        deserializer.deserialize_any(PortVisitor)
    }
}

/// One value or a list of values (`protocol = "imap"` or `protocol = ["imap", "pop3"]`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OneOrMany<T>(pub Vec<T>);

impl<T> OneOrMany<T> {
    /// The values.
    pub fn values(&self) -> &[T] {
        &self.0
    }
}

impl<T: Serialize> Serialize for OneOrMany<T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.0.as_slice() {
            [one] => one.serialize(serializer),
            many => many.serialize(serializer),
        }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for OneOrMany<T> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct OneOrManyVisitor<T>(PhantomData<T>);
        impl<'de, T: Deserialize<'de>> Visitor<'de> for OneOrManyVisitor<T> {
            type Value = OneOrMany<T>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a value or a list of values")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
                T::deserialize(v.into_deserializer()).map(|one| OneOrMany(vec![one]))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
                T::deserialize(v.into_deserializer()).map(|one| OneOrMany(vec![one]))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
                T::deserialize(v.into_deserializer()).map(|one| OneOrMany(vec![one]))
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut values = Vec::new();
                while let Some(value) = seq.next_element()? {
                    values.push(value);
                }
                if values.is_empty() {
                    return Err(de::Error::invalid_length(0, &"at least one value"));
                }
                Ok(OneOrMany(values))
            }
        }
        deserializer.deserialize_any(OneOrManyVisitor(PhantomData))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, Deserialize)]
    struct Probe {
        protocol: OneOrMany<Protocol>,
        ports: OneOrMany<u16>,
        port: PortValue,
    }

    #[test]
    fn one_or_many_and_port_values() {
        let probe: Probe =
            toml::from_str("protocol = \"imap\"\nports = [1, 2]\nport = \"starttls\"").unwrap();
        assert_eq!(probe.protocol.values(), [Protocol::Imap]);
        assert_eq!(probe.ports.values(), [1, 2]);
        assert_eq!(probe.port.for_protocol(Protocol::Smtp), 587);
        let err = toml::from_str::<Probe>("protocol = \"imapx\"\nports = 1\nport = 1")
            .unwrap_err()
            .to_string();
        assert!(err.contains("imapx"), "{err}");
        let err = toml::from_str::<Probe>("protocol = \"imap\"\nports = 70000\nport = 1")
            .unwrap_err()
            .to_string();
        assert!(err.contains("70000"), "{err}");
        let err = toml::from_str::<Probe>("protocol = \"imap\"\nports = 1\nport = 0")
            .unwrap_err()
            .to_string();
        assert!(err.contains("port number"), "{err}");
        let err =
            toml::from_str::<Probe>("protocol = []\nports = 1\nport = 1").unwrap_err().to_string();
        assert!(err.contains("at least one"), "{err}");
    }
}
