//! T002 `port-security-mismatch`: an implicit-TLS port with STARTTLS or no security, or a
//! STARTTLS/plaintext port with implicit TLS.

use maillint_core::{Applicability, FieldChange, Finding, Security, TlsAdvice, declare_rule};

use crate::endpoint_rule::{EndpointFindings, EndpointRule, endpoint_rule};
use crate::findings::{Site, label_text};
use crate::hosts::Hosts;

/// Ports where TLS starts with the first byte: IMAP 993, POP3 995, SMTP submission 465
/// (RFC 8314; providers.md section 4).
const IMPLICIT_TLS_PORTS: &[u16] = &[993, 995, 465];

/// Ports where the session starts in plaintext and may upgrade with STARTTLS: IMAP 143, POP3
/// 110, SMTP submission 587 (RFC 6409) and SMTP relay 25 (providers.md section 4).
const PLAINTEXT_START_PORTS: &[u16] = &[143, 110, 587, 25];

declare_rule! {
    /// ## What it does
    /// Reports a port and a security mode that cannot work together. On any host:
    ///
    /// * an implicit-TLS port (993, 995, 465) with STARTTLS or with no security;
    /// * a port that starts in plaintext (143, 110, 587, 25) with implicit TLS (SSL/TLS).
    ///
    /// Other ports are not judged: their mode is whatever the server chose.
    ///
    /// ## Why is this bad?
    /// On an implicit-TLS port the server waits for the client's TLS handshake, while a
    /// STARTTLS or plaintext client waits for the server's greeting: the connection hangs
    /// until it times out. On a plaintext port a TLS client sends its handshake and receives the
    /// server's plaintext greeting: the handshake fails with a protocol error (rustls reports
    /// `received corrupt message of type InvalidContentType`). Both come from changing the port
    /// or the security without the other.
    ///
    /// ## Example
    /// ```js
    /// user_pref("mail.smtpserver.smtp1.hostname", "mail.example.net");
    /// user_pref("mail.smtpserver.smtp1.port", 465);
    /// user_pref("mail.smtpserver.smtp1.try_ssl", 2);
    /// ```
    /// Use instead:
    /// ```js
    /// user_pref("mail.smtpserver.smtp1.port", 465);
    /// user_pref("mail.smtpserver.smtp1.try_ssl", 3);
    /// ```
    ///
    /// ## Fix
    /// Safe: the security changes to match the port (implicit TLS on 993/995/465, required
    /// STARTTLS on 143/110/587/25), since the port is usually what the server's documentation
    /// gave. When the port is not written but filled in from the client's default, the
    /// security is the deliberate choice, so the port changes to the one for that security
    /// instead; that fix is Unsafe.
    ///
    /// A provider's known server on a port the provider does not serve is left to
    /// `wrong-provider-port`, whose fix sets both fields to what the provider offers; pairing
    /// the security with the wrong port would not help.
    pub struct PortSecurityMismatch {
        code: "T002",
        name: "port-security-mismatch",
        group: "transport",
        severity: Error,
        fix: Always,
    }
}

endpoint_rule!(PortSecurityMismatch);

impl EndpointRule for PortSecurityMismatch {
    fn check_endpoint(&self, site: &Site<'_>, hosts: &Hosts<'_, '_>, out: &mut EndpointFindings) {
        let endpoint = site.endpoint;
        let Some(port) = &endpoint.port else { return };
        let security = endpoint.security.value;
        let implicit_port = IMPLICIT_TLS_PORTS.contains(&port.value);
        let plaintext_port = PLAINTEXT_START_PORTS.contains(&port.value);
        let mismatch = match security {
            Security::Unknown => false,
            Security::ImplicitTls => plaintext_port,
            Security::None | Security::StarttlsOptional | Security::StarttlsRequired => {
                implicit_port
            }
        };
        if !mismatch || hosts.on_unserved_port(site.account, endpoint) {
            return;
        }
        let protocol = endpoint.protocol;
        let setting = match endpoint.security.reason().filter(|_| endpoint.security.is_default()) {
            Some(reason) => format!("{} (not written; {reason})", security.describe()),
            None => security.describe().to_owned(),
        };
        let (message, why) = if implicit_port {
            (
                format!(
                    "port {} expects TLS from the first byte, but the security is {setting}",
                    port.value
                ),
                "The client waits for the server's plaintext greeting while the server waits \
                 for the client's TLS handshake: the connection hangs until it times out."
                    .to_owned(),
            )
        } else {
            (
                format!(
                    "port {} starts in plaintext (STARTTLS), but the security is {setting}",
                    port.value
                ),
                "The client starts a TLS handshake and receives the server's plaintext \
                 greeting instead: the handshake fails with a protocol error (rustls: \
                 `received corrupt message of type InvalidContentType`)."
                    .to_owned(),
            )
        };
        let port_is_default = port.is_default();
        let (changes, title, help, applicability) = if port_is_default && security != Security::None
        {
            let wanted_port = if security == Security::ImplicitTls {
                protocol.implicit_tls_port()
            } else {
                protocol.starttls_port()
            };
            (
                vec![FieldChange::Port(wanted_port)],
                format!("Use port {wanted_port}"),
                format!(
                    "port {} was not written; with {} {protocol} uses port {wanted_port}",
                    port.value,
                    security.describe()
                ),
                Applicability::Unsafe,
            )
        } else {
            let wanted =
                if implicit_port { Security::ImplicitTls } else { Security::StarttlsRequired };
            let mut changes = Vec::new();
            if port_is_default {
                // Pin the port: a defaulted port may follow the security.
                changes.push(FieldChange::Port(port.value));
            }
            changes.push(FieldChange::Security(wanted));
            (
                changes,
                format!("Use {} on port {}", wanted.describe(), port.value),
                site.tls_help(
                    format!("on port {} use {}", port.value, wanted.describe()),
                    TlsAdvice::Use(wanted),
                ),
                Applicability::Safe,
            )
        };
        let finding = Finding::new(endpoint.security.span, message).why(why).help(help);
        let finding = label_text(
            finding,
            port.span,
            if implicit_port {
                format!("port {} is for implicit TLS", port.value)
            } else {
                format!("port {} starts in plaintext", port.value)
            },
        );
        out.push(finding.fix(site.fix(title, applicability, changes)));
    }
}
#[cfg(test)]
mod tests {
    use maillint_core::{Applicability, FieldChange, Protocol, Security};

    use super::*;
    use crate::testing::{EndpointBuilder, check, field_fix, label_spans, single};

    fn mismatch(protocol: Protocol, host: &str, port: u16, security: Security) -> Vec<Finding> {
        check(
            &PortSecurityMismatch,
            &single(None, EndpointBuilder::server(protocol, host, port, security)),
        )
    }

    #[test]
    fn starttls_on_an_implicit_tls_port_hangs() {
        let accounts = single(
            None,
            EndpointBuilder::server(
                Protocol::Smtp,
                "mail.example.net",
                465,
                Security::StarttlsRequired,
            ),
        );
        let findings = check(&PortSecurityMismatch, &accounts);
        assert_eq!(findings.len(), 1);
        let endpoint = &accounts[0].endpoints[0];
        assert_eq!(findings[0].span, endpoint.security.span);
        assert!(label_spans(&findings[0]).contains(&endpoint.port.as_ref().unwrap().span));
        assert!(findings[0].why.as_ref().unwrap().contains("hangs"));
        let (_, _, changes, applicability) = field_fix(&findings[0]);
        assert_eq!(changes, [FieldChange::Security(Security::ImplicitTls)]);
        assert_eq!(applicability, Applicability::Safe);
    }

    #[test]
    fn implicit_tls_on_a_plaintext_port_fails_the_handshake() {
        for (protocol, port) in [
            (Protocol::Smtp, 587),
            (Protocol::Imap, 143),
            (Protocol::Pop3, 110),
            (Protocol::Smtp, 25),
        ] {
            let findings = mismatch(protocol, "mail.example.net", port, Security::ImplicitTls);
            assert_eq!(findings.len(), 1, "{port}");
            assert!(findings[0].why.as_ref().unwrap().contains("InvalidContentType"));
            let (_, _, changes, _) = field_fix(&findings[0]);
            assert_eq!(changes, [FieldChange::Security(Security::StarttlsRequired)]);
        }
    }

    #[test]
    fn no_security_or_optional_starttls_on_implicit_ports() {
        for security in [Security::None, Security::StarttlsOptional] {
            for (protocol, port) in
                [(Protocol::Imap, 993), (Protocol::Pop3, 995), (Protocol::Smtp, 465)]
            {
                let findings = mismatch(protocol, "mail.example.net", port, security);
                assert_eq!(findings.len(), 1, "{port} {security}");
                let (_, _, changes, _) = field_fix(&findings[0]);
                assert_eq!(changes, [FieldChange::Security(Security::ImplicitTls)]);
            }
        }
    }

    #[test]
    fn a_defaulted_port_changes_instead_of_the_security() {
        let accounts = single(
            None,
            EndpointBuilder::new(Protocol::Smtp)
                .host("mail.example.net")
                .security(Security::ImplicitTls)
                .default_port(587, "no port written"),
        );
        let findings = check(&PortSecurityMismatch, &accounts);
        let (_, _, changes, applicability) = field_fix(&findings[0]);
        assert_eq!(changes, [FieldChange::Port(465)]);
        assert_eq!(applicability, Applicability::Unsafe);
    }

    #[test]
    fn matching_pairs_other_ports_and_unknown_security_are_clean() {
        for (protocol, port, security) in [
            (Protocol::Imap, 993, Security::ImplicitTls),
            (Protocol::Imap, 143, Security::StarttlsRequired),
            (Protocol::Imap, 143, Security::None),
            (Protocol::Smtp, 587, Security::StarttlsOptional),
            (Protocol::Smtp, 2525, Security::ImplicitTls),
            (Protocol::Smtp, 2525, Security::StarttlsRequired),
            (Protocol::Imap, 993, Security::Unknown),
        ] {
            assert!(
                mismatch(protocol, "mail.example.net", port, security).is_empty(),
                "{port} {security}"
            );
        }
        assert!(
            check(
                &PortSecurityMismatch,
                &single(None, EndpointBuilder::new(Protocol::Imap).host("x"))
            )
            .is_empty()
        );
    }

    #[test]
    fn loopback_hosts_are_checked_too() {
        assert_eq!(mismatch(Protocol::Imap, "127.0.0.1", 993, Security::StarttlsRequired).len(), 1);
    }

    #[test]
    fn a_providers_unserved_port_is_left_to_wrong_provider_port() {
        // Gmail has no IMAP on 143: pairing SSL/TLS with 143 would not help.
        assert!(mismatch(Protocol::Imap, "imap.gmail.com", 143, Security::ImplicitTls).is_empty());
        // On a port Gmail serves, the pairing is this rule's.
        assert_eq!(
            mismatch(Protocol::Imap, "imap.gmail.com", 993, Security::StarttlsRequired).len(),
            1
        );
        assert_eq!(mismatch(Protocol::Smtp, "smtp.gmail.com", 587, Security::ImplicitTls).len(), 1);
    }
}
