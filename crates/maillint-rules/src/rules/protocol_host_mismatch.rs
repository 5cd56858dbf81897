//! H002 `protocol-host-mismatch`: a provider's server used for a protocol it does not serve
//! (IMAP on `smtp.gmail.com`).

use maillint_core::{Applicability, Finding, Protocol, declare_rule};

use crate::endpoint_rule::{EndpointFindings, EndpointRule, endpoint_rule};
use crate::findings::Site;
use crate::fixes::{describe_server, fitting_server, move_to_server};
use crate::hosts::{HostClass, Hosts, protocols_served};

declare_rule! {
    /// ## What it does
    /// Reports a provider's server used for a protocol it does not serve. Examples: IMAP on
    /// `smtp.gmail.com` or `pop.gmail.com`, SMTP on `imap.gmail.com` or
    /// `outlook.office365.com`, POP3 on `imap.mail.me.com`. Every provider in
    /// `rules/providers/` is checked.
    ///
    /// ## Why is this bad?
    /// A provider runs each protocol at the host it documents for it. An IMAP client that
    /// connects to the SMTP host meets an SMTP server (or nothing on the IMAP port): the
    /// connection fails. The mistake is common when the incoming and outgoing settings are
    /// filled in by copying one into the other.
    ///
    /// ## Example
    /// ```js
    /// user_pref("mail.server.server1.type", "imap");
    /// user_pref("mail.server.server1.hostname", "smtp.gmail.com");
    /// user_pref("mail.server.server1.port", 993);
    /// user_pref("mail.server.server1.socketType", 3);
    /// ```
    /// Use instead:
    /// ```js
    /// user_pref("mail.server.server1.hostname", "imap.gmail.com");
    /// ```
    ///
    /// ## Fix
    /// Safe: the host becomes the provider's server for the endpoint's protocol, and when the
    /// port or security do not fit that server, both change with it (STARTTLS is kept where
    /// the provider offers it). When the provider does not offer the protocol at all (iCloud has
    /// no POP3), there is no fix.
    pub struct ProtocolHostMismatch {
        code: "H002",
        name: "protocol-host-mismatch",
        group: "host",
        severity: Error,
        fix: Sometimes,
    }
}

endpoint_rule!(ProtocolHostMismatch);

impl EndpointRule for ProtocolHostMismatch {
    fn check_endpoint(&self, site: &Site<'_>, hosts: &Hosts<'_, '_>, out: &mut EndpointFindings) {
        let Some(host) = &site.endpoint.host else { return };
        let HostClass::Known { provider, .. } = hosts.classify(site.account, &host.value) else {
            return;
        };
        let protocol = site.endpoint.protocol;
        let name = &host.value;
        if provider.serves(name, protocol) {
            return;
        }
        let served = protocols_served(provider, name);
        let finding = Finding::new(
            host.span,
            format!(
                "`{}` is {}'s {} server, not its {protocol} server",
                host.value,
                provider.name,
                list(&served)
            ),
        )
        .why(format!(
            "{} runs {} at `{}`, not {protocol}: the {protocol} connection reaches the wrong \
             service and fails.",
            provider.name,
            list(&served),
            host.value
        ));
        let finding = match fitting_server(provider, protocol, site.endpoint) {
            Some(server) => move_to_server(
                site,
                server,
                Applicability::Safe,
                finding.help(format!(
                    "{}'s {protocol} server is {}",
                    provider.name,
                    describe_server(server)
                )),
            ),
            None => finding.help(format!(
                "{} offers no {protocol} server; configure {} instead",
                provider.name,
                list(&served)
            )),
        };
        out.push(finding);
    }
}
/// "IMAP and POP3".
fn list(protocols: &[Protocol]) -> String {
    protocols.iter().map(|p| p.display_name()).collect::<Vec<_>>().join(" and ")
}

#[cfg(test)]
mod tests {
    use maillint_core::{Applicability, FieldChange, Security};

    use super::*;
    use crate::testing::{EndpointBuilder, check, field_fix, single};

    #[test]
    fn imap_on_the_smtp_host_moves_to_the_imap_host() {
        let accounts = single(
            Some("jane@gmail.com"),
            EndpointBuilder::server(Protocol::Imap, "smtp.gmail.com", 993, Security::ImplicitTls),
        );
        let findings = check(&ProtocolHostMismatch, &accounts);
        assert_eq!(findings.len(), 1);
        assert_eq!(
            findings[0].message,
            "`smtp.gmail.com` is Gmail's SMTP server, not its IMAP server"
        );
        let (_, _, changes, applicability) = field_fix(&findings[0]);
        assert_eq!(changes, [FieldChange::Host("imap.gmail.com".into())]);
        assert_eq!(applicability, Applicability::Safe);
    }

    #[test]
    fn the_port_and_security_follow_when_they_do_not_fit() {
        // IMAP copied from the SMTP settings: smtp.gmail.com on 587 with STARTTLS.
        let accounts = single(
            None,
            EndpointBuilder::server(
                Protocol::Imap,
                "smtp.gmail.com",
                587,
                Security::StarttlsRequired,
            ),
        );
        let (_, _, changes, _) = field_fix(&check(&ProtocolHostMismatch, &accounts)[0]);
        assert_eq!(
            changes,
            [
                FieldChange::Host("imap.gmail.com".into()),
                FieldChange::Port(993),
                FieldChange::Security(Security::ImplicitTls)
            ]
        );
        // SMTP copied from IMAP settings on Microsoft's shared IMAP/POP3 host.
        let accounts = single(
            Some("jane@outlook.com"),
            EndpointBuilder::server(
                Protocol::Smtp,
                "outlook.office365.com",
                993,
                Security::ImplicitTls,
            ),
        );
        let finding = &check(&ProtocolHostMismatch, &accounts)[0];
        assert!(finding.message.contains("IMAP and POP3"), "{}", finding.message);
        let (_, _, changes, _) = field_fix(finding);
        assert_eq!(
            changes,
            [
                FieldChange::Host("smtp-mail.outlook.com".into()),
                FieldChange::Port(587),
                FieldChange::Security(Security::StarttlsRequired)
            ]
        );
    }

    #[test]
    fn aliases_used_for_another_protocol_are_reported() {
        let accounts = single(
            None,
            EndpointBuilder::server(
                Protocol::Smtp,
                "imap.googlemail.com",
                465,
                Security::ImplicitTls,
            ),
        );
        let (_, _, changes, _) = field_fix(&check(&ProtocolHostMismatch, &accounts)[0]);
        assert_eq!(changes, [FieldChange::Host("smtp.gmail.com".into())]);
    }

    #[test]
    fn a_protocol_the_provider_does_not_offer_has_no_fix() {
        let accounts = single(
            Some("jane@icloud.com"),
            EndpointBuilder::server(Protocol::Pop3, "imap.mail.me.com", 995, Security::ImplicitTls),
        );
        let finding = &check(&ProtocolHostMismatch, &accounts)[0];
        assert!(finding.fix.is_none());
        assert!(finding.help.as_ref().unwrap().contains("offers no POP3"));
    }

    #[test]
    fn matching_protocols_and_unknown_hosts_are_clean() {
        for (protocol, host) in [
            (Protocol::Imap, "imap.gmail.com"),
            (Protocol::Pop3, "pop.gmail.com"),
            (Protocol::Smtp, "smtp.gmail.com"),
            (Protocol::Pop3, "outlook.office365.com"),
            (Protocol::Smtp, "smtp.googlemail.com"),
            (Protocol::Imap, "smtp.example.org"),
            (Protocol::Imap, "imap.google.com"),
        ] {
            let accounts = single(None, EndpointBuilder::new(protocol).host(host));
            assert!(check(&ProtocolHostMismatch, &accounts).is_empty(), "{host}");
        }
    }
}
