//! The `verify` rule group (V001–V008): findings that only a live connection can produce.
//!
//! These rules have no check over the account model. Their findings come from
//! [`diagnostics_for`](crate::diagnostics_for), which turns a probe's problems into diagnostics.
//! They are declared here so that the registry can list, select and document them like any
//! other rule. They are enabled by default, but nothing produces them unless the user asks for
//! `--verify`: maillint never connects anywhere on its own.

use std::sync::Arc;

use maillint_core::{RuleMeta, declare_rule};

declare_rule! {
    /// ## What it does
    /// Reports a server that could not be reached: the name did not resolve, the connection was
    /// refused or the network unreachable, the server accepted the connection but never
    /// answered, or it closed the connection early. The message says which, at which step,
    /// and how long maillint waited.
    ///
    /// ## Why is this bad?
    /// The mail client will fail the same way. A refused connection usually means a wrong port;
    /// a timeout on an implicit-TLS port (993, 995, 465) configured for STARTTLS means the
    /// client waits for a plaintext greeting the server never sends.
    ///
    /// ## Example
    /// ```text
    /// imap.example.net:143: connection refused after 3 ms
    /// ```
    ///
    /// ## Fix
    /// None: check the host name and port against the provider's documentation, and whether a
    /// firewall blocks the port.
    pub struct VerifyConnectFailed {
        code: "V001",
        name: "verify-connect-failed",
        group: "verify",
        severity: Error,
        fix: None,
    }
}

declare_rule! {
    /// ## What it does
    /// Reports a port configured for implicit TLS (SSL/TLS) whose server answered in
    /// plaintext instead of completing a TLS handshake.
    ///
    /// ## Why is this bad?
    /// The client's TLS handshake fails, so the account does not work. Usually the port is a
    /// STARTTLS port (143, 110, 587) while the security setting says SSL/TLS.
    ///
    /// ## Example
    /// ```text
    /// imap.example.net:143 with SSL/TLS: the server answered "* OK IMAP ready" in plaintext
    /// ```
    ///
    /// ## Fix
    /// None: use STARTTLS on this port, or the implicit-TLS port (993, 995, 465).
    pub struct VerifyNotTls {
        code: "V002",
        name: "verify-not-tls",
        group: "verify",
        severity: Error,
        fix: None,
    }
}

declare_rule! {
    /// ## What it does
    /// Reports a server that does not offer STARTTLS (STLS for POP3) on a plaintext port, or
    /// that refuses the command.
    ///
    /// ## Why is this bad?
    /// A client configured for STARTTLS cannot encrypt the connection: it fails, or, when
    /// STARTTLS is only "if available", it sends the password and mail in clear.
    ///
    /// ## Example
    /// ```text
    /// smtp.example.net:587: the EHLO response does not list STARTTLS
    /// ```
    ///
    /// ## Fix
    /// None: use the server's implicit-TLS port, or ask the provider which port offers TLS.
    pub struct VerifyStarttlsMissing {
        code: "V003",
        name: "verify-starttls-missing",
        group: "verify",
        severity: Error,
        fix: None,
    }
}

declare_rule! {
    /// ## What it does
    /// Reports a server certificate that does not verify: expired, not yet valid, issued by an
    /// authority that is not trusted (a self-signed certificate, for example), or not valid
    /// for the host name the config uses. The message shows the certificate's subject, names
    /// and validity dates.
    ///
    /// ## Why is this bad?
    /// A client that verifies certificates refuses the connection. A client told to ignore the
    /// error cannot tell the real server from a man in the middle.
    ///
    /// ## Example
    /// ```text
    /// mail.example.net:993: certificate not valid for mail.example.net (names: imap.example.net)
    /// ```
    ///
    /// ## Fix
    /// None: use the host name the certificate is issued for, or have the server's certificate
    /// renewed or replaced.
    pub struct VerifyCertificateInvalid {
        code: "V004",
        name: "verify-certificate-invalid",
        group: "verify",
        severity: Error,
        fix: None,
    }
}

declare_rule! {
    /// ## What it does
    /// Reports a valid server certificate that expires in fewer than 21 days.
    ///
    /// ## Why is this bad?
    /// When it expires, every client that verifies certificates stops connecting. Automated
    /// renewal (ACME) normally renews 30 days ahead, so 21 days left suggests renewal is
    /// failing.
    ///
    /// ## Example
    /// ```text
    /// imap.example.net:993: certificate expires in 6 days (2026-05-01 12:00:00 UTC)
    /// ```
    ///
    /// ## Fix
    /// None: tell the server's administrator.
    pub struct VerifyCertificateExpiring {
        code: "V005",
        name: "verify-certificate-expiring",
        group: "verify",
        severity: Warning,
        fix: None,
    }
}

declare_rule! {
    /// ## What it does
    /// Reports a server that only speaks a TLS version below 1.2 (TLS 1.0, TLS 1.1 or SSL),
    /// and a server that speaks TLS 1.2 or 1.3 but still accepts TLS 1.0 or 1.1 from a
    /// client that offers no more (found with a second connection that sends a TLS 1.1 hello
    /// and stops at the server's answer).
    ///
    /// ## Why is this bad?
    /// RFC 8996 deprecates TLS 1.0 and 1.1. Current clients refuse them, and the old versions
    /// have known weaknesses; a server that still accepts them lets old clients use them.
    ///
    /// ## Example
    /// ```text
    /// mail.example.net:995: the server answered the TLS 1.2/1.3 handshake with TLS 1.0
    /// mail.example.org:993: the server still accepts TLS 1.1: it negotiated TLS 1.3 with a
    /// current client, and chose TLS 1.1 when offered TLS 1.1 at most
    /// ```
    ///
    /// ## Fix
    /// None: the server needs TLS 1.2 or later as its minimum.
    pub struct VerifyTlsOutdated {
        code: "V006",
        name: "verify-tls-outdated",
        group: "verify",
        severity: Warning,
        fix: None,
    }
}

declare_rule! {
    /// ## What it does
    /// Reports a server whose greeting or responses do not match the configured protocol:
    /// anything but `* OK`/`* PREAUTH` for IMAP, `+OK` for POP3, `220` for SMTP, a line longer
    /// than maillint accepts, or a failed capability request.
    ///
    /// ## Why is this bad?
    /// The port serves another protocol (SMTP on 993, IMAP on 465), or the server refuses
    /// clients (`* BYE`, `554`). The mail client will fail.
    ///
    /// ## Example
    /// ```text
    /// imap.example.net:465: expected an IMAP greeting ("* OK"), got "220 smtp.example.net ESMTP"
    /// ```
    ///
    /// ## Fix
    /// None: check the protocol and port (993 for IMAP, 465/587 for SMTP, 995 for POP3).
    pub struct VerifyUnexpectedGreeting {
        code: "V007",
        name: "verify-unexpected-greeting",
        group: "verify",
        severity: Error,
        fix: None,
    }
}

declare_rule! {
    /// ## What it does
    /// Reports a server of a provider that offers OAuth2 (or an endpoint configured for
    /// OAuth2) whose capabilities list neither `XOAUTH2` nor `OAUTHBEARER`.
    ///
    /// ## Why is this bad?
    /// OAuth2 sign-in will fail on this host and port: it is probably not the provider's
    /// server, or not the port that supports OAuth2.
    ///
    /// ## Example
    /// ```text
    /// imap.example.net:993: capabilities list AUTH=PLAIN AUTH=LOGIN, no XOAUTH2 or OAUTHBEARER
    /// ```
    ///
    /// ## Fix
    /// None: use the provider's documented server for OAuth2.
    pub struct VerifyOauth2Unavailable {
        code: "V008",
        name: "verify-oauth2-unavailable",
        group: "verify",
        severity: Warning,
        fix: None,
    }
}

/// The metadata of every verify rule, in code order, for the registry.
pub fn rules() -> Vec<Arc<RuleMeta>> {
    [
        VerifyConnectFailed::metadata(),
        VerifyNotTls::metadata(),
        VerifyStarttlsMissing::metadata(),
        VerifyCertificateInvalid::metadata(),
        VerifyCertificateExpiring::metadata(),
        VerifyTlsOutdated::metadata(),
        VerifyUnexpectedGreeting::metadata(),
        VerifyOauth2Unavailable::metadata(),
    ]
    .into_iter()
    .map(Arc::clone)
    .collect()
}

#[cfg(test)]
mod tests {
    use maillint_core::{RuleRegistry, Severity};

    use super::*;

    #[test]
    fn rules_are_registered_documented_and_selectable_as_a_group() {
        let rules = rules();
        let codes: Vec<&str> = rules.iter().map(|r| r.code.as_str()).collect();
        assert_eq!(codes, ["V001", "V002", "V003", "V004", "V005", "V006", "V007", "V008"]);
        for rule in &rules {
            assert_eq!(rule.group, "verify");
            assert!(rule.name.starts_with("verify-"), "{}", rule.name);
            assert!(rule.default_enabled);
            for section in ["## What it does", "## Why is this bad?", "## Example", "## Fix"] {
                assert!(rule.doc.contains(section), "{} lacks {section}", rule.name);
            }
            assert!(rule.summary.ends_with('.'), "{}: {}", rule.name, rule.summary);
        }
        let warnings: Vec<&str> = rules
            .iter()
            .filter(|r| r.severity == Severity::Warning)
            .map(|r| r.name.as_str())
            .collect();
        assert_eq!(
            warnings,
            ["verify-certificate-expiring", "verify-tls-outdated", "verify-oauth2-unavailable"]
        );

        let mut registry = RuleRegistry::new();
        for rule in rules {
            registry.register_meta(rule).unwrap();
        }
        let selected = registry.matching("V").unwrap();
        assert_eq!(selected.len(), 8);
        assert_eq!(registry.get("v004").unwrap().name, "verify-certificate-invalid");
    }
}
