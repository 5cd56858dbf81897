//! Turns a probe's problems into diagnostics of the verify rules, at the config text that names
//! the endpoint.

use std::sync::Arc;

use maillint_core::{Diagnostic, RuleMeta, Span};

use crate::certificate::CertificateFailure;
use crate::outcome::{ConnectFailure, ProbeResult, Problem, Stage};
use crate::rules::{
    VerifyCertificateExpiring, VerifyCertificateInvalid, VerifyConnectFailed, VerifyNotTls,
    VerifyOauth2Unavailable, VerifyStarttlsMissing, VerifyTlsOutdated, VerifyUnexpectedGreeting,
};
use crate::target::{ProbeMode, Target};

/// The diagnostics for one probe result, at `endpoint_span` (the endpoint's text in the config:
/// call once per span that names the target). A clean result gives none.
pub fn diagnostics_for(endpoint_span: Span, result: &ProbeResult) -> Vec<Diagnostic> {
    result
        .problems
        .iter()
        .map(|problem| diagnostic(endpoint_span, &result.target, problem))
        .collect()
}

fn rule_of(problem: &Problem) -> &'static Arc<RuleMeta> {
    match problem {
        Problem::ConnectFailed { .. } => VerifyConnectFailed::metadata(),
        Problem::NotTls { .. } => VerifyNotTls::metadata(),
        Problem::StarttlsMissing { .. } => VerifyStarttlsMissing::metadata(),
        Problem::CertificateInvalid { .. } => VerifyCertificateInvalid::metadata(),
        Problem::CertificateExpiring { .. } => VerifyCertificateExpiring::metadata(),
        Problem::TlsOutdated { .. } | Problem::LegacyTlsAccepted { .. } => {
            VerifyTlsOutdated::metadata()
        }
        Problem::UnexpectedGreeting { .. } => VerifyUnexpectedGreeting::metadata(),
        Problem::Oauth2Unavailable { .. } => VerifyOauth2Unavailable::metadata(),
    }
}

fn diagnostic(span: Span, target: &Target, problem: &Problem) -> Diagnostic {
    let message = format!("{} server {}: {problem}", target.protocol, target.authority());
    let (why, help) = explain(target, problem);
    Diagnostic::new(rule_of(problem), span, message).with_why(why).with_help(help)
}

/// Why it matters and what to do, for this target and problem.
#[allow(
    clippy::too_many_lines,
    reason = "a table of texts, one arm per problem; splitting it would scatter the table"
)]
fn explain(target: &Target, problem: &Problem) -> (String, String) {
    let protocol = target.protocol;
    let implicit_port = protocol.implicit_tls_port();
    let starttls_port = protocol.starttls_port();
    match problem {
        Problem::ConnectFailed { failure, stage, .. } => {
            let why = "the mail client will fail to connect in the same way".to_owned();
            let help = match failure {
                ConnectFailure::Dns => {
                    "check the spelling of the host name against the provider's documentation"
                        .to_owned()
                }
                ConnectFailure::Refused => format!(
                    "nothing accepts connections on port {}: check the port ({protocol} uses \
                     {implicit_port} with SSL/TLS, {starttls_port} with STARTTLS)",
                    target.port
                ),
                ConnectFailure::TimedOut
                    if target.mode == ProbeMode::Starttls
                        && *stage == Stage::Greeting
                        && target.port == implicit_port =>
                {
                    format!(
                        "port {implicit_port} expects TLS from the first byte, so the server \
                         waits for a TLS handshake while the client waits for a greeting: set \
                         the security to SSL/TLS"
                    )
                }
                ConnectFailure::TimedOut => {
                    "the server did not answer in time: check the host and port, and whether a \
                     firewall drops the connection"
                        .to_owned()
                }
                ConnectFailure::Unreachable => {
                    "check the network connection and the host name".to_owned()
                }
                _ => "check the host, port and security settings against the provider's \
                      documentation"
                    .to_owned(),
            };
            (why, help)
        }
        Problem::NotTls { .. } => (
            "the client's TLS handshake fails, so the account does not work".to_owned(),
            format!(
                "this port starts in plaintext: use STARTTLS on port {}, or SSL/TLS on port \
                 {implicit_port}",
                target.port
            ),
        ),
        Problem::StarttlsMissing { .. } => (
            "without STARTTLS the connection cannot be encrypted: a client that requires it \
             fails, one that only uses it if available sends the password in clear"
                .to_owned(),
            format!("use SSL/TLS on port {implicit_port} if the server offers it"),
        ),
        Problem::CertificateInvalid { failure, certificate } => {
            let why = "a client that checks certificates refuses the connection; one told to \
                       ignore the error cannot tell the server from an impostor"
                .to_owned();
            let help = match failure {
                CertificateFailure::WrongName { .. } => match certificate {
                    Some(c) if !c.names.is_empty() => format!(
                        "the certificate covers {}: use that host name, if it is the same server",
                        c.names.join(", ")
                    ),
                    _ => "use the host name the server's certificate is issued for".to_owned(),
                },
                CertificateFailure::Expired | CertificateFailure::NotYetValid => {
                    "the server's certificate must be renewed: tell its administrator (and check \
                     this computer's clock)"
                        .to_owned()
                }
                CertificateFailure::UntrustedIssuer { .. }
                | CertificateFailure::CaUsedAsEndEntity => {
                    "if this is your own server with a private CA, pass --ca-file with that CA; \
                     otherwise do not trust this server"
                        .to_owned()
                }
                _ => "tell the server's administrator".to_owned(),
            };
            (why, help)
        }
        Problem::CertificateExpiring { .. } => (
            "when it expires, every client that checks certificates stops connecting".to_owned(),
            "tell the server's administrator: renewal (often automated 30 days ahead) seems to \
             be failing"
                .to_owned(),
        ),
        Problem::TlsOutdated { .. } => (
            "RFC 8996 deprecates TLS 1.0 and 1.1; current clients refuse them".to_owned(),
            "the server needs TLS 1.2 or later".to_owned(),
        ),
        // Dovecot's setting: test-servers.md and Dovecot 2.3's `ssl_min_protocol`.
        Problem::LegacyTlsAccepted { .. } => (
            "RFC 8996 deprecates TLS 1.0 and 1.1; a client that still allows them (an old phone \
             or mail program) uses them with this server, with their known weaknesses"
                .to_owned(),
            "raise the server's minimum TLS version to 1.2 (Dovecot: `ssl_min_protocol = \
             TLSv1.2`)"
                .to_owned(),
        ),
        Problem::UnexpectedGreeting { .. } => (
            "the server does not speak the configured protocol as expected, so the client will \
             fail"
                .to_owned(),
            format!(
                "check that port {} serves {protocol} ({protocol} uses {implicit_port} with \
                 SSL/TLS, {starttls_port} with STARTTLS)",
                target.port
            ),
        ),
        Problem::Oauth2Unavailable { .. } => (
            "OAuth2 sign-in will fail on this server and port".to_owned(),
            "use the provider's documented server for OAuth2".to_owned(),
        ),
    }
}
