//! T004 `opportunistic-starttls`: STARTTLS only "if available", which a network attacker can
//! turn off.

use maillint_core::model::is_loopback_host;
use maillint_core::{
    Applicability, FieldChange, Finding, Label, Security, TlsAdvice, declare_rule,
};

use crate::endpoint_rule::{EndpointFindings, EndpointRule, endpoint_rule};
use crate::findings::{Site, label_text};
use crate::hosts::Hosts;

/// Implicit-TLS ports (RFC 8314): STARTTLS there is `port-security-mismatch`'s finding.
const IMPLICIT_TLS_PORTS: &[u16] = &[993, 995, 465];

declare_rule! {
    /// ## What it does
    /// Reports STARTTLS that is used only when the server offers it. The settings are
    /// Thunderbird's `socketType`/`try_ssl` 1 ("trySTARTTLS", removed in Thunderbird 132, which
    /// rewrites it to 2), mutt's `ssl_starttls` with `ssl_force_tls` unset, Outlook's `Auto`
    /// encryption.
    ///
    /// Not reported: loopback hosts; implicit-TLS ports (993, 995, 465), where STARTTLS of any
    /// kind is `port-security-mismatch`'s finding; and a provider's server on a port the
    /// provider does not serve, which is `wrong-provider-port`'s.
    ///
    /// ## Why is this bad?
    /// The server announces STARTTLS in plaintext. An attacker on the path removes the
    /// announcement, and the client carries on without TLS, sending the password and mail in
    /// clear text, without any warning.
    ///
    /// ## Example
    /// ```text
    /// set smtp_url = "smtp://jane@mail.example.net:587/"
    /// unset ssl_force_tls
    /// ```
    /// Use instead:
    /// ```text
    /// set smtp_url = "smtp://jane@mail.example.net:587/"
    /// set ssl_force_tls = yes
    /// ```
    ///
    /// ## Fix
    /// Safe: STARTTLS becomes required. A server that never offered it now fails to connect
    /// instead of silently sending everything in clear text, which is the point.
    pub struct OpportunisticStarttls {
        code: "T004",
        name: "opportunistic-starttls",
        group: "transport",
        severity: Warning,
        fix: Always,
    }
}

endpoint_rule!(OpportunisticStarttls);

impl EndpointRule for OpportunisticStarttls {
    fn check_endpoint(&self, site: &Site<'_>, hosts: &Hosts<'_, '_>, out: &mut EndpointFindings) {
        let endpoint = site.endpoint;
        if endpoint.security.value != Security::StarttlsOptional
            || endpoint.host.as_ref().is_some_and(|h| is_loopback_host(&h.value))
            || endpoint.port.as_ref().is_some_and(|p| IMPLICIT_TLS_PORTS.contains(&p.value))
            || hosts.on_unserved_port(site.account, endpoint)
        {
            return;
        }
        let protocol = endpoint.protocol;
        let connection = site.connection();
        let message = match endpoint.security.reason() {
            Some(reason) => {
                format!("{connection} uses STARTTLS only if the server offers it ({reason})")
            }
            None => format!("{connection} uses STARTTLS only if the server offers it"),
        };
        let finding = Finding::new(endpoint.security.span, message)
            .why(
                "The offer of STARTTLS travels in plaintext: an attacker on the path removes \
                 it and the client continues without TLS, sending the password and mail in \
                 clear text without a warning.",
            )
            .help(site.tls_help(
                "require STARTTLS, so that the connection fails rather than continue unencrypted",
                TlsAdvice::Use(Security::StarttlsRequired),
            ));
        let finding = match &endpoint.host {
            Some(h) => label_text(finding, h.span, "may receive the password in clear text"),
            None => finding,
        };
        let finding = finding.fix(site.fix(
            "Require STARTTLS",
            Applicability::Safe,
            vec![FieldChange::Security(Security::StarttlsRequired)],
        ));
        // One setting can make several connections opportunistic (mutt's ssl_force_tls):
        // report it once and point at the other hosts.
        let also = endpoint.host.as_ref().map(|h| {
            Label::new(
                h.span,
                format!("also applies to the {protocol} connection to `{}`", h.value),
            )
        });
        out.push_or_label(finding, also);
    }
}
#[cfg(test)]
mod tests {
    use maillint_core::{Applicability, FieldChange, Protocol, Security};

    use super::*;
    use crate::testing::{
        AccountBuilder, EndpointBuilder, check, field_fix, label_spans, single, span,
    };

    #[test]
    fn optional_starttls_becomes_required() {
        let accounts = single(
            None,
            EndpointBuilder::server(
                Protocol::Smtp,
                "mail.example.net",
                587,
                Security::StarttlsOptional,
            ),
        );
        let findings = check(&OpportunisticStarttls, &accounts);
        assert_eq!(findings.len(), 1);
        assert_eq!(findings[0].span, accounts[0].endpoints[0].security.span);
        let (_, _, changes, applicability) = field_fix(&findings[0]);
        assert_eq!(changes, [FieldChange::Security(Security::StarttlsRequired)]);
        assert_eq!(applicability, Applicability::Safe);
    }

    #[test]
    fn one_global_setting_is_reported_once_with_the_other_hosts_labelled() {
        let force_tls = span();
        let imap = EndpointBuilder::server(Protocol::Imap, "imap.example.net", 143, Security::None)
            .derived_security(Security::StarttlsOptional, force_tls, "ssl_force_tls is unset");
        let smtp = EndpointBuilder::server(Protocol::Smtp, "smtp.example.net", 587, Security::None)
            .derived_security(Security::StarttlsOptional, force_tls, "ssl_force_tls is unset");
        let accounts = vec![AccountBuilder::new(None).endpoint(imap).endpoint(smtp).build()];
        let findings = check(&OpportunisticStarttls, &accounts);
        assert_eq!(findings.len(), 1);
        assert!(findings[0].message.contains("ssl_force_tls is unset"));
        let smtp_host = accounts[0].endpoints[1].host.as_ref().unwrap().span;
        assert!(label_spans(&findings[0]).contains(&smtp_host));
    }

    #[test]
    fn required_starttls_loopback_implicit_ports_and_unserved_provider_ports_are_clean() {
        for (host, port, security) in [
            ("mail.example.net", 587, Security::StarttlsRequired),
            ("127.0.0.1", 1143, Security::StarttlsOptional),
            ("mail.example.net", 465, Security::StarttlsOptional),
            ("imap.gmail.com", 143, Security::StarttlsOptional),
        ] {
            let accounts =
                single(None, EndpointBuilder::server(Protocol::Imap, host, port, security));
            assert!(check(&OpportunisticStarttls, &accounts).is_empty(), "{host}:{port}");
        }
        // A provider that serves the port with STARTTLS: reported.
        let accounts = single(
            None,
            EndpointBuilder::server(
                Protocol::Smtp,
                "smtp.gmail.com",
                587,
                Security::StarttlsOptional,
            ),
        );
        assert_eq!(check(&OpportunisticStarttls, &accounts).len(), 1);
    }
}
