//! Protocol version 1: the JSON maillint and a plugin exchange, and its conversion to and from
//! the account model.
//!
//! The shapes here are the protocol; `docs/plugins.md` documents them for plugin authors, and
//! the core model's own serde derives are not relied on, so a refactoring of the core cannot
//! change the protocol by accident. Keys are kebab-case. Responses may carry keys this version
//! does not know (a plugin written for a later minor revision); they are ignored. Everything a
//! plugin returns is checked before maillint uses it: spans must lie inside the text on
//! character boundaries, indices must exist, rules must have been declared.

use maillint_core::{
    Account, Applicability, AuthMethod, Client, Edit, Endpoint, FieldChange, FileId,
    FixAvailability, HostName, Located, Origin, Protocol, SecretKind, Security, Severity, Span,
    StoredSecret, TlsVersion,
};
use serde::{Deserialize, Serialize};

use super::error::AnswerError;
use crate::pack::format::Target;

/// The protocol version this maillint speaks.
pub const PROTOCOL_VERSION: u32 = 1;

/// Every request maillint sends.
#[derive(Debug, Serialize)]
#[serde(tag = "request", rename_all = "kebab-case")]
pub enum Request<'a> {
    /// What the plugin is and which rules it reports.
    Describe {
        /// [`PROTOCOL_VERSION`].
        protocol: u32,
    },
    /// Parse one file (parser plugins).
    Parse {
        /// [`PROTOCOL_VERSION`].
        protocol: u32,
        /// The file's path, as given to maillint.
        path: &'a str,
        /// The file's decoded text (UTF-8); spans are byte offsets into it.
        text: &'a str,
    },
    /// Turn field changes into edits (parser plugins that declared `lower`).
    Lower {
        /// [`PROTOCOL_VERSION`].
        protocol: u32,
        /// The file's path.
        path: &'a str,
        /// The file's text.
        text: &'a str,
        /// Index of the account in the plugin's parse response.
        account: usize,
        /// Index of the endpoint in that account.
        endpoint: usize,
        /// The endpoint's locator from the parse response.
        locator: &'a str,
        /// The changes, applied together.
        changes: &'a [FieldChange],
    },
    /// Check the accounts of one unit (rule plugins).
    Check {
        /// [`PROTOCOL_VERSION`].
        protocol: u32,
        /// The accounts.
        accounts: Vec<WireAccount>,
        /// The user's settings that rules read.
        settings: WireSettings,
    },
}

/// Settings sent with a check request.
#[derive(Debug, Serialize)]
#[serde(rename_all = "kebab-case")]
pub struct WireSettings {
    /// Hosts the user trusts.
    pub trusted_hosts: Vec<String>,
}

/// A byte range. In parse responses it is an offset pair into the parsed text (`file` absent or
/// 0); in check requests `file` says which file of the unit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WireSpan {
    /// Index of the file in the unit (0: the unit's root file).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<u32>,
    /// First byte.
    pub start: u32,
    /// One past the last byte.
    pub end: u32,
}

/// Where a value came from.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum WireOrigin {
    /// Written in the file.
    #[default]
    Explicit,
    /// The client's default; the span is where it would be written.
    Default {
        /// Which default, in words.
        #[serde(default)]
        reason: String,
    },
    /// Computed from other settings.
    Derived {
        /// How, in words.
        #[serde(default)]
        reason: String,
    },
}

/// A located value.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct WireValue<T> {
    /// The value.
    pub value: T,
    /// Its text.
    pub span: WireSpan,
    /// Explicit (the default when absent), default or derived.
    #[serde(default)]
    pub origin: WireOrigin,
}

/// A stored secret: where it is, never what it is.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct WireSecret {
    /// `password` or `token`.
    pub kind: SecretKind,
    /// The setting that holds it.
    pub setting: String,
    /// The secret's text (redacted by every renderer).
    pub span: WireSpan,
}

/// An endpoint.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct WireEndpoint {
    /// `imap`, `pop3` or `smtp`.
    pub protocol: Protocol,
    /// Host name.
    #[serde(default)]
    pub host: Option<WireValue<HostName>>,
    /// Port.
    #[serde(default)]
    pub port: Option<WireValue<u16>>,
    /// Security.
    pub security: WireValue<Security>,
    /// Authentication method.
    pub auth: WireValue<AuthMethod>,
    /// User name.
    #[serde(default)]
    pub username: Option<WireValue<String>>,
    /// Whether a setting turns certificate verification off.
    #[serde(default)]
    pub certificate_verification_disabled: Option<WireValue<bool>>,
    /// Stored secrets.
    #[serde(default)]
    pub secrets: Vec<WireSecret>,
    /// Allowed TLS versions, where the file says so.
    #[serde(default)]
    pub tls_versions: Vec<WireValue<TlsVersion>>,
    /// The endpoint's whole definition.
    pub span: WireSpan,
    /// The plugin's own key for the endpoint, handed back in lower requests.
    #[serde(default)]
    pub locator: String,
}

/// An account.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct WireAccount {
    /// The client (`thunderbird`, a plugin's client name). Ignored in parse responses: the
    /// plugin's declared client is used.
    #[serde(default)]
    pub client: Option<String>,
    /// A name a person recognises.
    pub name: String,
    /// The mail address.
    #[serde(default)]
    pub email: Option<WireValue<String>>,
    /// The account's whole definition.
    pub span: WireSpan,
    /// Its endpoints.
    #[serde(default)]
    pub endpoints: Vec<WireEndpoint>,
}

/// A rule a plugin declares in its describe response.
#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct WireRule {
    /// Short code (`MS001`).
    pub code: String,
    /// Kebab-case name.
    pub name: String,
    /// Default severity.
    pub severity: Severity,
    /// One sentence.
    pub summary: String,
    /// Markdown documentation.
    #[serde(default)]
    pub description: Option<String>,
    /// The concern (`syntax`, `transport`); `plugin` when absent.
    #[serde(default)]
    pub group: Option<String>,
    /// Whether findings carry fixes: `always`, `sometimes` or `none` (the default).
    #[serde(default = "no_fix")]
    pub fix: FixAvailabilityWire,
    /// Whether the rule runs by default (true when absent).
    #[serde(default = "yes")]
    pub default_enabled: bool,
}

fn yes() -> bool {
    true
}

fn no_fix() -> FixAvailabilityWire {
    FixAvailabilityWire::None
}

/// [`FixAvailability`] as the protocol spells it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FixAvailabilityWire {
    /// Every finding has a fix.
    Always,
    /// Some do.
    Sometimes,
    /// None do.
    None,
}

impl From<FixAvailabilityWire> for FixAvailability {
    fn from(value: FixAvailabilityWire) -> Self {
        match value {
            FixAvailabilityWire::Always => FixAvailability::Always,
            FixAvailabilityWire::Sometimes => FixAvailability::Sometimes,
            FixAvailabilityWire::None => FixAvailability::None,
        }
    }
}

/// The answer to `describe`.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct DescribeResponse {
    /// The plugin's own name.
    #[serde(default)]
    pub name: Option<String>,
    /// The plugin's own version.
    #[serde(default)]
    pub version: Option<String>,
    /// `parser` or `rule`: must match the configuration.
    pub kind: super::spec::PluginKind,
    /// Parser plugins: the client name for the accounts (`msmtp`).
    #[serde(default)]
    pub client: Option<String>,
    /// Parser plugins: comment leaders for inline suppressions (default `#`).
    #[serde(default)]
    pub comment_leaders: Option<Vec<String>>,
    /// Parser plugins: whether the plugin answers `lower` requests (writes fixes).
    #[serde(default)]
    pub lower: bool,
    /// The rules it reports.
    #[serde(default)]
    pub rules: Vec<WireRule>,
}

/// A diagnostic a parser plugin reports about the file.
#[derive(Debug, Deserialize)]
pub struct WireDiagnostic {
    /// The declared rule's name or code.
    pub rule: String,
    /// What is wrong.
    pub message: String,
    /// Where.
    pub span: WireSpan,
    /// A severity other than the rule's.
    #[serde(default)]
    pub severity: Option<Severity>,
    /// What to do.
    #[serde(default)]
    pub help: Option<String>,
}

/// The answer to `parse`.
#[derive(Debug, Deserialize)]
pub struct ParseResponse {
    /// The accounts.
    #[serde(default)]
    pub accounts: Vec<WireAccount>,
    /// Diagnostics of the plugin's declared rules.
    #[serde(default)]
    pub diagnostics: Vec<WireDiagnostic>,
    /// Spans of secrets not tied to an endpoint (endpoint secrets are redacted anyway).
    #[serde(default)]
    pub secrets: Vec<WireSpan>,
}

/// One text edit in a lower response.
#[derive(Debug, Deserialize)]
pub struct WireEdit {
    /// First byte replaced.
    pub start: u32,
    /// One past the last byte replaced (equal to `start` to insert).
    pub end: u32,
    /// The new text.
    pub content: String,
}

/// The answer to `lower`.
#[derive(Debug, Deserialize)]
pub struct LowerResponse {
    /// The edits.
    #[serde(default)]
    pub edits: Vec<WireEdit>,
}

/// A place in the model a rule plugin's finding points at.
#[derive(Debug, Deserialize)]
pub struct WireLocation {
    /// Index of the account in the request.
    pub account: usize,
    /// Index of the endpoint in the account.
    #[serde(default)]
    pub endpoint: Option<usize>,
    /// Which value (`host`, `port`, `security`, ...); the endpoint (or account) when absent.
    #[serde(default)]
    pub field: Option<Target>,
}

/// A label of a rule plugin's finding.
#[derive(Debug, Deserialize)]
pub struct WireLabel {
    /// Where.
    pub at: WireLocation,
    /// What to say.
    pub message: String,
}

/// A fix of a rule plugin's finding: field changes on the endpoint the finding is at.
#[derive(Debug, Deserialize)]
pub struct WireFix {
    /// What it does.
    pub title: String,
    /// `safe`, `unsafe` or `display-only`.
    pub applicability: Applicability,
    /// The changes (none: the title only describes what to do).
    #[serde(default)]
    pub changes: Vec<FieldChange>,
}

/// A finding of a rule plugin.
#[derive(Debug, Deserialize)]
pub struct WireFinding {
    /// The declared rule's name or code.
    pub rule: String,
    /// What is wrong.
    pub message: String,
    /// Where.
    pub at: WireLocation,
    /// Why it matters.
    #[serde(default)]
    pub why: Option<String>,
    /// What to do.
    #[serde(default)]
    pub help: Option<String>,
    /// A severity other than the rule's.
    #[serde(default)]
    pub severity: Option<Severity>,
    /// Further places.
    #[serde(default)]
    pub labels: Vec<WireLabel>,
    /// A fix.
    #[serde(default)]
    pub fix: Option<WireFix>,
}

/// The answer to `check`.
#[derive(Debug, Deserialize)]
pub struct CheckResponse {
    /// The findings.
    #[serde(default)]
    pub findings: Vec<WireFinding>,
}

/// The envelope every response shares: the version, and an error the plugin reports itself.
#[derive(Debug, Deserialize)]
pub struct Envelope {
    /// The protocol version the plugin answers in.
    pub protocol: u32,
    /// The plugin's own account of a failure.
    #[serde(default)]
    pub error: Option<String>,
}

// ---------------------------------------------------------------------------------------------
// Model to wire (check requests).

fn span_out(span: Span) -> WireSpan {
    WireSpan { file: Some(span.file.0), start: span.range.start, end: span.range.end }
}

fn origin_out(origin: &Origin) -> WireOrigin {
    match origin {
        Origin::Explicit => WireOrigin::Explicit,
        Origin::Default { reason } => WireOrigin::Default { reason: reason.clone() },
        Origin::Derived { reason } => WireOrigin::Derived { reason: reason.clone() },
    }
}

fn value_out<T: Clone>(value: &Located<T>) -> WireValue<T> {
    WireValue {
        value: value.value.clone(),
        span: span_out(value.span),
        origin: origin_out(&value.origin),
    }
}

/// The accounts as a check request carries them.
pub fn accounts_out(accounts: &[Account]) -> Vec<WireAccount> {
    accounts
        .iter()
        .map(|account| WireAccount {
            client: Some(account.client.as_str().to_owned()),
            name: account.name.clone(),
            email: account.email.as_ref().map(value_out),
            span: span_out(account.span),
            endpoints: account
                .endpoints
                .iter()
                .map(|e| WireEndpoint {
                    protocol: e.protocol,
                    host: e.host.as_ref().map(value_out),
                    port: e.port.as_ref().map(value_out),
                    security: value_out(&e.security),
                    auth: value_out(&e.auth),
                    username: e.username.as_ref().map(value_out),
                    certificate_verification_disabled: e
                        .certificate_verification_disabled
                        .as_ref()
                        .map(value_out),
                    secrets: e
                        .secrets
                        .iter()
                        .map(|s| WireSecret {
                            kind: s.kind,
                            setting: s.setting.clone(),
                            span: span_out(s.span),
                        })
                        .collect(),
                    tls_versions: e.tls_versions.iter().map(value_out).collect(),
                    span: span_out(e.span),
                    locator: e.locator.clone(),
                })
                .collect(),
        })
        .collect()
}

// ---------------------------------------------------------------------------------------------
// Wire to model (parse responses).

/// Turns wire spans of one text into model spans, checking each.
pub struct SpanChecker<'a> {
    /// The file the spans belong to.
    pub file: FileId,
    /// Its text.
    pub text: &'a str,
}

impl SpanChecker<'_> {
    /// A checked span; `what` names the value in the error.
    pub fn span(&self, span: WireSpan, what: &str) -> Result<Span, AnswerError> {
        let at = || what.to_owned();
        if let Some(file) = span.file
            && file != 0
        {
            return Err(AnswerError::ForeignFile { at: at(), file });
        }
        let (start, end) = (span.start as usize, span.end as usize);
        if start > end {
            return Err(AnswerError::Reversed { at: at(), start, end });
        }
        if end > self.text.len() {
            return Err(AnswerError::Outside { at: at(), start, end, len: self.text.len() });
        }
        if !self.text.is_char_boundary(start) || !self.text.is_char_boundary(end) {
            return Err(AnswerError::CutsCharacter { at: at(), start, end });
        }
        Ok(Span::new(self.file, start, end))
    }

    fn located<T>(&self, value: WireValue<T>, what: &str) -> Result<Located<T>, AnswerError> {
        let span = self.span(value.span, what)?;
        Ok(Located {
            value: value.value,
            span,
            origin: match value.origin {
                WireOrigin::Explicit => Origin::Explicit,
                WireOrigin::Default { reason } => Origin::Default { reason },
                WireOrigin::Derived { reason } => Origin::Derived { reason },
            },
        })
    }

    /// The accounts of a parse response, for `client`, with every span checked.
    pub fn accounts(
        &self,
        accounts: Vec<WireAccount>,
        client: &Client,
    ) -> Result<Vec<Account>, AnswerError> {
        let mut out = Vec::with_capacity(accounts.len());
        for (a, account) in accounts.into_iter().enumerate() {
            let at = |what: &str| format!("accounts[{a}].{what}");
            let mut endpoints = Vec::with_capacity(account.endpoints.len());
            for (e, endpoint) in account.endpoints.into_iter().enumerate() {
                let at = |what: &str| format!("accounts[{a}].endpoints[{e}].{what}");
                let secrets = endpoint
                    .secrets
                    .into_iter()
                    .enumerate()
                    .map(|(s, secret)| {
                        Ok(StoredSecret {
                            kind: secret.kind,
                            setting: secret.setting,
                            span: self.span(secret.span, &at(&format!("secrets[{s}]")))?,
                        })
                    })
                    .collect::<Result<Vec<_>, AnswerError>>()?;
                let tls_versions = endpoint
                    .tls_versions
                    .into_iter()
                    .enumerate()
                    .map(|(t, v)| self.located(v, &at(&format!("tls-versions[{t}]"))))
                    .collect::<Result<Vec<_>, AnswerError>>()?;
                endpoints.push(Endpoint {
                    protocol: endpoint.protocol,
                    host: endpoint.host.map(|v| self.located(v, &at("host"))).transpose()?,
                    port: endpoint.port.map(|v| self.located(v, &at("port"))).transpose()?,
                    security: self.located(endpoint.security, &at("security"))?,
                    auth: self.located(endpoint.auth, &at("auth"))?,
                    username: endpoint
                        .username
                        .map(|v| self.located(v, &at("username")))
                        .transpose()?,
                    certificate_verification_disabled: endpoint
                        .certificate_verification_disabled
                        .map(|v| self.located(v, &at("certificate-verification-disabled")))
                        .transpose()?,
                    secrets,
                    tls_versions,
                    span: self.span(endpoint.span, &at("span"))?,
                    locator: endpoint.locator,
                });
            }
            out.push(Account {
                client: client.clone(),
                name: account.name,
                email: account.email.map(|v| self.located(v, &at("email"))).transpose()?,
                span: self.span(account.span, &at("span"))?,
                endpoints,
            });
        }
        Ok(out)
    }

    /// The edits of a lower response, checked and in model form.
    pub fn edits(&self, edits: Vec<WireEdit>) -> Result<Vec<Edit>, AnswerError> {
        let mut out: Vec<Edit> = Vec::with_capacity(edits.len());
        for (i, edit) in edits.into_iter().enumerate() {
            let span = self.span(
                WireSpan { file: None, start: edit.start, end: edit.end },
                &format!("edits[{i}]"),
            )?;
            if let Some(other) = out.iter().position(|e| e.span.range.overlaps(&span.range)) {
                return Err(AnswerError::Overlap { edit: i, other });
            }
            out.push(Edit::replace(span, edit.content));
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wire_names_of_enums_are_the_documented_ones() {
        let names = |v: serde_json::Value| v.to_string();
        assert_eq!(names(serde_json::to_value(TlsVersion::Tls1_0).unwrap()), "\"tls1-0\"");
        assert_eq!(
            names(serde_json::to_value(Security::StarttlsOptional).unwrap()),
            "\"starttls-optional\""
        );
        assert_eq!(
            names(serde_json::to_value(AuthMethod::PasswordCleartext).unwrap()),
            "\"password-cleartext\""
        );
        assert_eq!(
            serde_json::to_string(&FieldChange::Port(993)).unwrap(),
            r#"{"field":"port","value":993}"#
        );
        assert_eq!(
            serde_json::to_string(&FieldChange::EnableCertificateVerification).unwrap(),
            r#"{"field":"enable-certificate-verification"}"#
        );
        let request = Request::Parse { protocol: 1, path: "a", text: "b" };
        assert_eq!(
            serde_json::to_string(&request).unwrap(),
            r#"{"request":"parse","protocol":1,"path":"a","text":"b"}"#
        );
    }

    #[test]
    fn spans_are_checked_against_the_text() {
        let checker = SpanChecker { file: FileId(3), text: "aé" };
        let ok = checker.span(WireSpan { file: None, start: 1, end: 3 }, "x").unwrap();
        assert_eq!(ok, Span::new(FileId(3), 1, 3));
        let at = || "x".to_owned();
        for (start, end, expected) in [
            (2, 3, AnswerError::CutsCharacter { at: at(), start: 2, end: 3 }),
            (0, 4, AnswerError::Outside { at: at(), start: 0, end: 4, len: 3 }),
            (2, 1, AnswerError::Reversed { at: at(), start: 2, end: 1 }),
        ] {
            let err = checker.span(WireSpan { file: None, start, end }, "x").unwrap_err();
            assert_eq!(err, expected);
        }
        let err = checker.span(WireSpan { file: Some(1), start: 0, end: 0 }, "x").unwrap_err();
        assert_eq!(
            err.to_string(),
            "x: span names file 1, but a parse response covers only the parsed file (0)"
        );
        let err = checker
            .edits(vec![
                WireEdit { start: 0, end: 1, content: "b".into() },
                WireEdit { start: 0, end: 0, content: "c".into() },
            ])
            .unwrap_err();
        assert_eq!(err, AnswerError::Overlap { edit: 1, other: 0 });
        assert_eq!(err.to_string(), "edits[1] overlaps edits[0]");
    }
}
