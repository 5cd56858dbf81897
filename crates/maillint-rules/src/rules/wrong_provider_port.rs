//! T001 `wrong-provider-port`: a provider's server used on a port the provider does not serve
//! for the protocol (Gmail IMAP on 143).

use maillint_core::{Applicability, Finding, declare_rule};

use crate::endpoint_rule::{EndpointFindings, EndpointRule, endpoint_rule};
use crate::findings::{Site, label_text};
use crate::fixes::{describe_server, fitting_server, port_security_changes, served_ports};
use crate::hosts::{HostClass, Hosts};

declare_rule! {
    /// ## What it does
    /// Reports a provider's server used on a port the provider does not serve for the protocol.
    /// The host is the provider's server (canonical or legacy alias) for the endpoint's
    /// protocol: Gmail IMAP on anything but 993, POP3 on anything but 995, SMTP on anything but
    /// 465 or 587.
    /// A port the file does not write, filled in from the client's default, counts too, and the
    /// message says which default applied.
    ///
    /// ## Why is this bad?
    /// Nothing the provider runs answers there: the connection is refused or times out. The
    /// usual cause is a default port: Thunderbird uses 143 for IMAP unless the security is
    /// SSL/TLS, and Gmail offers no IMAP on 143.
    ///
    /// ## Example
    /// ```js
    /// user_pref("mail.server.server1.hostname", "imap.gmail.com");
    /// user_pref("mail.server.server1.socketType", 2);
    /// ```
    /// No port is written, so Thunderbird uses 143. Use instead:
    /// ```js
    /// user_pref("mail.server.server1.hostname", "imap.gmail.com");
    /// user_pref("mail.server.server1.port", 993);
    /// user_pref("mail.server.server1.socketType", 3);
    /// ```
    ///
    /// ## Fix
    /// Safe: the port becomes one the provider serves for the protocol, together with the
    /// security that belongs to it when the current one differs. STARTTLS is kept where the
    /// provider offers it on another port (SMTP 25 with STARTTLS becomes 587); otherwise the
    /// provider's preferred server is used.
    ///
    /// `port-security-mismatch` stays silent on these endpoints: pairing the security with a
    /// port the provider does not serve would not help.
    pub struct WrongProviderPort {
        code: "T001",
        name: "wrong-provider-port",
        group: "transport",
        severity: Error,
        fix: Always,
    }
}

endpoint_rule!(WrongProviderPort);

impl EndpointRule for WrongProviderPort {
    fn check_endpoint(&self, site: &Site<'_>, hosts: &Hosts<'_, '_>, out: &mut EndpointFindings) {
        let endpoint = site.endpoint;
        let (Some(host), Some(port)) = (&endpoint.host, &endpoint.port) else { return };
        let HostClass::Known { provider, .. } = hosts.classify(site.account, &host.value) else {
            return;
        };
        let protocol = endpoint.protocol;
        if !provider.serves(&host.value, protocol)
            || provider.servers_for(protocol).any(|s| s.port == port.value)
        {
            return;
        }
        let Some(server) = fitting_server(provider, protocol, endpoint) else { return };
        let name = &provider.name;
        let served = served_ports(provider, protocol);
        let message = match port.reason().filter(|_| port.is_default()) {
            Some(reason) => format!(
                "{name} does not serve {protocol} on port {}, the port used because none is \
                 written ({reason})",
                port.value
            ),
            None => format!("{name} does not serve {protocol} on port {}", port.value),
        };
        let finding = Finding::new(port.span, message)
            .why(format!(
                "{name}'s {protocol} server at `{}` listens on {served} only; a connection \
                 to port {} is refused or times out.",
                host.value, port.value
            ))
            .help(format!("use {}", describe_server(server)));
        let finding = label_text(finding, host.span, format!("{name}'s {protocol} server"));
        let finding = if endpoint.security.value != server.security {
            label_text(
                finding,
                endpoint.security.span,
                format!("{} changes with the port", endpoint.security.value.describe()),
            )
        } else {
            finding
        };
        let changes = port_security_changes(endpoint, server);
        let title = format!("Use port {} with {}", server.port, server.security.describe());
        out.push(finding.fix(site.fix(title, Applicability::Safe, changes)));
    }
}
#[cfg(test)]
mod tests {
    use maillint_core::{Applicability, FieldChange, Protocol, Security};

    use super::*;
    use crate::testing::{EndpointBuilder, check, field_fix, label_spans, single};

    #[test]
    fn gmail_imap_on_143_moves_to_993_with_implicit_tls() {
        let accounts = single(
            Some("jane@gmail.com"),
            EndpointBuilder::server(
                Protocol::Imap,
                "imap.gmail.com",
                143,
                Security::StarttlsRequired,
            ),
        );
        let findings = check(&WrongProviderPort, &accounts);
        assert_eq!(findings.len(), 1);
        let finding = &findings[0];
        let endpoint = &accounts[0].endpoints[0];
        assert_eq!(finding.message, "Gmail does not serve IMAP on port 143");
        assert_eq!(finding.span, endpoint.port.as_ref().unwrap().span);
        assert!(finding.why.as_ref().unwrap().contains("993"));
        assert!(label_spans(finding).contains(&endpoint.security.span));
        let (_, _, changes, applicability) = field_fix(finding);
        assert_eq!(changes, [FieldChange::Port(993), FieldChange::Security(Security::ImplicitTls)]);
        assert_eq!(applicability, Applicability::Safe);
    }

    #[test]
    fn a_defaulted_port_is_named_with_its_reason() {
        let accounts = single(
            None,
            EndpointBuilder::new(Protocol::Imap)
                .host("imap.gmail.com")
                .security(Security::StarttlsRequired)
                .default_port(143, "Thunderbird uses 143 for IMAP unless socketType is 3"),
        );
        let finding = &check(&WrongProviderPort, &accounts)[0];
        assert!(
            finding
                .message
                .contains("none is written (Thunderbird uses 143 for IMAP unless socketType is 3)"),
            "{}",
            finding.message
        );
        let (_, _, changes, _) = field_fix(finding);
        assert_eq!(changes, [FieldChange::Port(993), FieldChange::Security(Security::ImplicitTls)]);
    }

    #[test]
    fn smtp_keeps_starttls_and_the_security_follows_the_port() {
        let accounts = single(
            None,
            EndpointBuilder::server(
                Protocol::Smtp,
                "smtp.gmail.com",
                25,
                Security::StarttlsRequired,
            ),
        );
        let (_, _, changes, _) = field_fix(&check(&WrongProviderPort, &accounts)[0]);
        assert_eq!(changes, [FieldChange::Port(587)]);
        // Outlook.com SMTP on 465 with SSL/TLS: Microsoft serves 587 with STARTTLS only.
        let accounts = single(
            Some("jane@outlook.com"),
            EndpointBuilder::server(
                Protocol::Smtp,
                "smtp-mail.outlook.com",
                465,
                Security::ImplicitTls,
            ),
        );
        let (_, _, changes, _) = field_fix(&check(&WrongProviderPort, &accounts)[0]);
        assert_eq!(
            changes,
            [FieldChange::Port(587), FieldChange::Security(Security::StarttlsRequired)]
        );
    }

    #[test]
    fn aliases_are_checked_too() {
        let accounts = single(
            None,
            EndpointBuilder::server(Protocol::Pop3, "pop.googlemail.com", 110, Security::None),
        );
        assert_eq!(check(&WrongProviderPort, &accounts).len(), 1);
    }

    #[test]
    fn served_ports_unknown_hosts_and_other_protocols_are_clean() {
        for (protocol, host, port) in [
            (Protocol::Imap, "imap.gmail.com", 993),
            (Protocol::Smtp, "smtp.gmail.com", 465),
            (Protocol::Smtp, "smtp.gmail.com", 587),
            (Protocol::Imap, "imap.gmx.net", 143),
            (Protocol::Imap, "imap.example.org", 143),
            (Protocol::Imap, "imap.google.com", 143),
            // IMAP on the SMTP host is protocol-host-mismatch's finding, not this one.
            (Protocol::Imap, "smtp.gmail.com", 465),
        ] {
            let accounts =
                single(None, EndpointBuilder::server(protocol, host, port, Security::ImplicitTls));
            assert!(check(&WrongProviderPort, &accounts).is_empty(), "{host}:{port}");
        }
        let no_port = single(None, EndpointBuilder::new(Protocol::Imap).host("imap.gmail.com"));
        assert!(check(&WrongProviderPort, &no_port).is_empty());
    }
}
