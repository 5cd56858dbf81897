//! T003 `tls-disabled`: a connection with no TLS at all to a host other than the local machine.

use maillint_core::model::is_loopback_host;
use maillint_core::{
    Applicability, FieldChange, Finding, Label, Security, TlsAdvice, declare_rule,
};

use crate::endpoint_rule::{EndpointFindings, EndpointRule, endpoint_rule};
use crate::findings::{Site, label_text};
use crate::fixes::{describe_server, fitting_server, port_security_changes};
use crate::hosts::Hosts;

/// Ports where the session starts in plaintext and may upgrade with STARTTLS (providers.md
/// section 4).
const PLAINTEXT_START_PORTS: &[u16] = &[143, 110, 587, 25];

/// Implicit-TLS ports (RFC 8314): no security there is `port-security-mismatch`'s finding.
const IMPLICIT_TLS_PORTS: &[u16] = &[993, 995, 465];

declare_rule! {
    /// ## What it does
    /// Reports a connection without any encryption to a host other than the local machine. The
    /// settings are Thunderbird's `socketType`/`try_ssl` 0, mutt's `imap://` with
    /// `ssl_starttls` off, and the like; local hosts (`localhost`, `127.0.0.0/8`, `::1`) are
    /// fine, so local bridges such as ProtonMail Bridge are not reported.
    ///
    /// No security on an implicit-TLS port (993, 995, 465) is left to
    /// `port-security-mismatch`: that connection hangs before anything is sent.
    ///
    /// ## Why is this bad?
    /// The user name, the password and every message cross the network in clear text. Anyone
    /// on the path (a café's Wi-Fi, a compromised router) can read and change them, and
    /// providers that require TLS refuse the login outright (Gmail answers SMTP AUTH without
    /// TLS with "must issue a STARTTLS command first").
    ///
    /// ## Example
    /// ```js
    /// user_pref("mail.server.server1.hostname", "mail.example.net");
    /// user_pref("mail.server.server1.port", 143);
    /// user_pref("mail.server.server1.socketType", 0);
    /// ```
    /// Use instead:
    /// ```js
    /// user_pref("mail.server.server1.port", 143);
    /// user_pref("mail.server.server1.socketType", 2);
    /// ```
    ///
    /// ## Fix
    /// For a provider's known server: Safe. The security becomes the provider's for the current
    /// port when the provider serves that port with TLS (Gmail SMTP 587: STARTTLS), otherwise
    /// the port and security become the provider's preferred ones (Gmail IMAP: 993 with
    /// SSL/TLS).
    ///
    /// For any other host: Unsafe, because whether the server offers TLS is a guess. On a port
    /// that starts in plaintext (143, 110, 587, 25) the fix requires STARTTLS on the same port;
    /// on any other port it switches to implicit TLS on the protocol's implicit-TLS port
    /// (993, 995, 465).
    pub struct TlsDisabled {
        code: "T003",
        name: "tls-disabled",
        group: "transport",
        severity: Error,
        fix: Always,
    }
}

endpoint_rule!(TlsDisabled);

impl EndpointRule for TlsDisabled {
    fn check_endpoint(&self, site: &Site<'_>, hosts: &Hosts<'_, '_>, out: &mut EndpointFindings) {
        let endpoint = site.endpoint;
        if endpoint.security.value != Security::None {
            return;
        }
        if endpoint.host.as_ref().is_some_and(|h| is_loopback_host(&h.value)) {
            return;
        }
        let port = endpoint.port.as_ref().map(|p| p.value);
        if port.is_some_and(|p| IMPLICIT_TLS_PORTS.contains(&p)) {
            return;
        }
        let protocol = endpoint.protocol;
        let connection = site.connection();
        let message = match endpoint.security.reason().filter(|_| endpoint.security.is_default()) {
            Some(reason) => {
                format!("{connection} is not encrypted (no security is written; {reason})")
            }
            None => format!("{connection} is not encrypted"),
        };
        let finding = Finding::new(endpoint.security.span, message).why(
            "The user name, the password and every message cross the network in clear text: \
             anyone on the path can read and change them, and providers that require TLS \
             refuse the login.",
        );
        let finding = match &endpoint.host {
            Some(h) => label_text(finding, h.span, "sent in clear text to this host"),
            None => finding,
        };
        let provider_server = hosts
            .serving_provider(site.account, endpoint)
            .and_then(|p| fitting_server(p, protocol, endpoint).map(|s| (p, s)));
        let finding = match provider_server {
            Some((provider, server)) => {
                let changes = port_security_changes(endpoint, server);
                finding
                    .help(site.tls_help(
                        format!(
                            "{}'s {protocol} server takes {}",
                            provider.name,
                            describe_server(server)
                        ),
                        TlsAdvice::Use(server.security),
                    ))
                    .fix(site.fix(
                        format!("Use port {} with {}", server.port, server.security.describe()),
                        Applicability::Safe,
                        changes,
                    ))
            }
            None => without_provider(site, finding, port),
        };
        // One setting can turn TLS off for several connections (mutt's `unset ssl_starttls`
        // for IMAP and SMTP): report it once and point at the other hosts.
        let also = endpoint.host.as_ref().map(|h| {
            Label::new(
                h.span,
                format!("also applies to the {protocol} connection to `{}`", h.value),
            )
        });
        out.push_or_label(finding, also);
    }
}

/// The help and fix when no known provider serves the host: require STARTTLS on a port that
/// starts in plaintext, else implicit TLS on the protocol's TLS port.
fn without_provider(site: &Site<'_>, finding: Finding, port: Option<u16>) -> Finding {
    let endpoint = site.endpoint;
    let protocol = endpoint.protocol;
    match port.filter(|p| PLAINTEXT_START_PORTS.contains(p)) {
        Some(p) => {
            let mut changes = Vec::new();
            if endpoint.port.as_ref().is_some_and(|port| port.is_default()) {
                // Pin a defaulted port: it may follow the security.
                changes.push(FieldChange::Port(p));
            }
            changes.push(FieldChange::Security(Security::StarttlsRequired));
            finding
                .help(site.tls_help(
                    format!(
                        "require STARTTLS on port {p}, or use implicit TLS on port {} \
                         if the server offers it",
                        protocol.implicit_tls_port()
                    ),
                    TlsAdvice::Use(Security::StarttlsRequired),
                ))
                .fix(site.fix(
                    format!("Require STARTTLS on port {p}"),
                    Applicability::Unsafe,
                    changes,
                ))
        }
        None => {
            let tls_port = protocol.implicit_tls_port();
            finding
                .help(site.tls_help(
                    format!(
                        "use implicit TLS on port {tls_port}, or STARTTLS on port {} \
                         if that is what the server offers",
                        protocol.starttls_port()
                    ),
                    TlsAdvice::Use(Security::ImplicitTls),
                ))
                .fix(site.fix(
                    format!("Use port {tls_port} with {}", Security::ImplicitTls.describe()),
                    Applicability::Unsafe,
                    vec![FieldChange::Port(tls_port), FieldChange::Security(Security::ImplicitTls)],
                ))
        }
    }
}

#[cfg(test)]
mod tests {
    use maillint_core::{Applicability, FieldChange, Protocol, Security};

    use super::*;
    use crate::testing::{EndpointBuilder, check, field_fix, label_spans, single};

    fn plaintext(protocol: Protocol, host: &str, port: u16) -> Vec<Finding> {
        check(
            &TlsDisabled,
            &single(None, EndpointBuilder::server(protocol, host, port, Security::None)),
        )
    }

    #[test]
    fn a_known_provider_gets_its_own_port_and_security_safely() {
        let findings = plaintext(Protocol::Imap, "imap.gmail.com", 143);
        assert_eq!(findings.len(), 1);
        assert_eq!(findings[0].message, "the IMAP connection to `imap.gmail.com` is not encrypted");
        let (_, _, changes, applicability) = field_fix(&findings[0]);
        assert_eq!(changes, [FieldChange::Port(993), FieldChange::Security(Security::ImplicitTls)]);
        assert_eq!(applicability, Applicability::Safe);
        // Gmail serves 587 with STARTTLS: only the security changes.
        let findings = plaintext(Protocol::Smtp, "smtp.gmail.com", 587);
        let (_, _, changes, _) = field_fix(&findings[0]);
        assert_eq!(changes, [FieldChange::Security(Security::StarttlsRequired)]);
    }

    #[test]
    fn an_unknown_host_on_a_plaintext_port_gets_required_starttls_unsafely() {
        let accounts = single(
            None,
            EndpointBuilder::server(Protocol::Imap, "mail.example.net", 143, Security::None),
        );
        let findings = check(&TlsDisabled, &accounts);
        let endpoint = &accounts[0].endpoints[0];
        assert_eq!(findings[0].span, endpoint.security.span);
        assert!(label_spans(&findings[0]).contains(&endpoint.host.as_ref().unwrap().span));
        let (_, _, changes, applicability) = field_fix(&findings[0]);
        assert_eq!(changes, [FieldChange::Security(Security::StarttlsRequired)]);
        assert_eq!(applicability, Applicability::Unsafe);
    }

    #[test]
    fn an_unknown_host_on_another_port_gets_implicit_tls_unsafely() {
        let findings = plaintext(Protocol::Smtp, "mail.example.net", 2525);
        let (_, _, changes, applicability) = field_fix(&findings[0]);
        assert_eq!(changes, [FieldChange::Port(465), FieldChange::Security(Security::ImplicitTls)]);
        assert_eq!(applicability, Applicability::Unsafe);
    }

    #[test]
    fn a_defaulted_security_is_named_with_its_reason() {
        let accounts = single(
            None,
            EndpointBuilder::new(Protocol::Imap)
                .host("mail.example.net")
                .default_port(143, "socketType 0 uses 143")
                .default_security(Security::None, "Thunderbird's default socketType is 0"),
        );
        let findings = check(&TlsDisabled, &accounts);
        assert!(findings[0].message.contains("Thunderbird's default socketType is 0"));
        let (_, _, changes, _) = field_fix(&findings[0]);
        assert_eq!(
            changes,
            [FieldChange::Port(143), FieldChange::Security(Security::StarttlsRequired)]
        );
    }

    #[test]
    fn loopback_tls_and_implicit_ports_are_clean() {
        assert!(plaintext(Protocol::Imap, "127.0.0.1", 1143).is_empty());
        assert!(plaintext(Protocol::Smtp, "localhost", 1025).is_empty());
        assert!(plaintext(Protocol::Imap, "[::1]", 143).is_empty());
        // No security on 993 hangs: port-security-mismatch reports it.
        assert!(plaintext(Protocol::Imap, "mail.example.net", 993).is_empty());
        for security in [Security::StarttlsRequired, Security::ImplicitTls, Security::Unknown] {
            let accounts = single(
                None,
                EndpointBuilder::server(Protocol::Imap, "mail.example.net", 143, security),
            );
            assert!(check(&TlsDisabled, &accounts).is_empty());
        }
    }
}
