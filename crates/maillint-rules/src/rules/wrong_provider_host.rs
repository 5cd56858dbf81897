//! H001 `wrong-provider-host`: a host under a provider's domains that is none of its servers,
//! and legacy aliases of a provider's servers.

use maillint_core::{Applicability, Finding, Severity, declare_rule};

use crate::endpoint_rule::{EndpointFindings, EndpointRule, endpoint_rule};
use crate::findings::{Site, label_text};
use crate::fixes::{describe_server, fitting_server, move_to_server};
use crate::hosts::{HostClass, Hosts, KnownAs, Ownership};

declare_rule! {
    /// ## What it does
    /// Reports a host under a mail provider's domains that is none of its servers. For Gmail:
    /// `imap.google.com`, `gmail.com`, `mail.gmail.com` or `pop3.gmail.com`, for any protocol.
    /// It also reports a legacy name of a provider's server, such as `imap.googlemail.com`, as a
    /// warning.
    ///
    /// A host belongs to a provider when it is under one of the domains the provider's servers
    /// live under (Gmail: `gmail.com`, `googlemail.com`, `google.com`), when it is one of the
    /// provider's mail domains (`hotmail.com`), or when the account's address is at the
    /// provider and the host is under one of its domains (`pop3.live.com` for an `@live.com`
    /// address). The provider facts come from `rules/providers/*.toml`.
    ///
    /// ## Why is this bad?
    /// The provider publishes no mail server at that name. The connection fails, or reaches a
    /// machine whose certificate does not carry the name, which looks like an attack to the
    /// client. Names such as `gmail.com` or `imap.google.com` are guesses that never worked.
    ///
    /// A legacy name may still work today, but it is not what the provider documents, and
    /// clients treat it differently: Thunderbird's 2022 automatic move of Gmail accounts to
    /// OAuth2 skipped `googlemail.com` hosts.
    ///
    /// ## Example
    /// ```js
    /// user_pref("mail.identity.id1.useremail", "jane@gmail.com");
    /// user_pref("mail.server.server1.hostname", "imap.google.com");
    /// user_pref("mail.server.server1.socketType", 3);
    /// ```
    /// Use instead:
    /// ```js
    /// user_pref("mail.server.server1.hostname", "imap.gmail.com");
    /// ```
    ///
    /// ## Fix
    /// Safe: the host becomes the provider's server for the endpoint's protocol. When the port
    /// or security do not fit that server they change together, never the port alone, and an
    /// endpoint that uses STARTTLS keeps it where the provider offers it (Gmail SMTP on 587).
    /// For a legacy alias only the host changes; the fix is Safe when the account's address is
    /// at the provider (or unknown) and Unsafe otherwise, because a hosted domain may rely on
    /// the alias on purpose (Google Workspace's `smtp-relay.gmail.com`). When the provider
    /// offers no server for the protocol at all (iCloud has no POP3), there is no fix.
    pub struct WrongProviderHost {
        code: "H001",
        name: "wrong-provider-host",
        group: "host",
        severity: Error,
        fix: Sometimes,
    }
}

endpoint_rule!(WrongProviderHost);

impl EndpointRule for WrongProviderHost {
    fn check_endpoint(&self, site: &Site<'_>, hosts: &Hosts<'_, '_>, out: &mut EndpointFindings) {
        let Some(host) = &site.endpoint.host else { return };
        let finding = match hosts.classify(site.account, &host.value) {
            HostClass::Wrong { provider, ownership } => Some(wrong_host(site, provider, ownership)),
            HostClass::Known { provider, known_as: KnownAs::Alias(alias) }
                if alias.protocol == site.endpoint.protocol =>
            {
                Some(legacy_alias(hosts, site, provider, alias))
            }
            _ => None,
        };
        if let Some(finding) = finding {
            out.push(finding);
        }
    }
}
fn wrong_host(
    site: &Site<'_>,
    provider: &maillint_core::Provider,
    ownership: Ownership<'_>,
) -> Finding {
    let endpoint = site.endpoint;
    let protocol = endpoint.protocol;
    let host = site.host_text();
    let name = &provider.name;
    let host_span = endpoint.host.as_ref().map_or(endpoint.span, |h| h.span);
    let message = format!("`{host}` is not one of {name}'s mail servers");
    let why = match ownership {
        Ownership::HostDomain(domain) if host.eq_ignore_ascii_case(domain) => format!(
            "`{domain}` is a domain of {name}, not the name of a mail server; {name} publishes \
             no IMAP, POP3 or SMTP server at it, so the connection fails or meets a certificate \
             for another name."
        ),
        Ownership::HostDomain(domain) => format!(
            "`{host}` is under `{domain}`, where {name}'s servers live, but {name} publishes no \
             IMAP, POP3 or SMTP server at that name: the connection fails or meets a \
             certificate for another name."
        ),
        Ownership::MailDomain(domain) if host.eq_ignore_ascii_case(domain) => format!(
            "`{domain}` is {name}'s mail address domain, not the name of a mail server: the \
             connection fails or meets a certificate for another name."
        ),
        Ownership::MailDomain(domain) => format!(
            "The account's address is at {name} (`{domain}`), and {name} publishes no IMAP, \
             POP3 or SMTP server at `{host}`: the connection fails or meets a certificate for \
             another name."
        ),
    };
    let mut finding = Finding::new(host_span, message).why(why);
    if let Ownership::MailDomain(_) = ownership
        && let Some(email) = &site.account.email
    {
        finding = label_text(finding, email.span, format!("the account's address is at {name}"));
    }
    match fitting_server(provider, protocol, endpoint) {
        Some(server) => {
            finding =
                finding.help(format!("{name}'s {protocol} server is {}", describe_server(server)));
            move_to_server(site, server, Applicability::Safe, finding)
        }
        None => finding.help(format!(
            "{name} offers no {protocol} server; use one of the protocols it serves ({})",
            offered_protocols(provider)
        )),
    }
}

fn legacy_alias(
    hosts: &Hosts<'_, '_>,
    site: &Site<'_>,
    provider: &maillint_core::Provider,
    alias: &maillint_core::providers::Alias,
) -> Finding {
    let endpoint = site.endpoint;
    let protocol = endpoint.protocol;
    let name = &provider.name;
    let host_span = endpoint.host.as_ref().map_or(endpoint.span, |h| h.span);
    let why = match &alias.note {
        Some(note) => format!("`{}` is {note}.", alias.host),
        None => format!(
            "`{}` is not the name {name} documents; it may stop working without notice.",
            alias.host
        ),
    };
    // The alias certainly stands for the canonical server when the account is the provider's
    // own (or its address is unknown); a hosted domain may use it on purpose.
    let account_is_the_providers = match hosts.account_provider(site.account) {
        Some(own) => own.id == provider.id,
        None => site.account.email.is_none(),
    };
    let applicability =
        if account_is_the_providers { Applicability::Safe } else { Applicability::Unsafe };
    let finding = Finding::new(
        host_span,
        format!(
            "`{}` is a legacy name of {name}'s {protocol} server `{}`",
            site.host_text(),
            alias.canonical
        ),
    )
    .severity(Severity::Warning)
    .why(why)
    .help(format!("use {name}'s {protocol} server `{}`", alias.canonical));
    finding.fix(site.fix(
        format!("Replace `{}` with `{}`", site.host_text(), alias.canonical),
        applicability,
        vec![maillint_core::FieldChange::Host(alias.canonical.clone())],
    ))
}

/// "IMAP and SMTP".
fn offered_protocols(provider: &maillint_core::Provider) -> String {
    let mut names: Vec<&str> = Vec::new();
    for protocol in [
        maillint_core::Protocol::Imap,
        maillint_core::Protocol::Pop3,
        maillint_core::Protocol::Smtp,
    ] {
        if provider.offers(protocol) {
            names.push(protocol.display_name());
        }
    }
    names.join(" and ")
}

#[cfg(test)]
mod tests {
    use maillint_core::{Applicability, AuthMethod, FieldChange, Protocol, Security, Severity};

    use super::*;
    use crate::testing::{AccountBuilder, EndpointBuilder, check, field_fix, label_spans, single};

    #[test]
    fn a_host_under_googles_domains_becomes_the_gmail_server() {
        let accounts = single(
            Some("jane@gmail.com"),
            EndpointBuilder::server(Protocol::Imap, "imap.google.com", 993, Security::ImplicitTls),
        );
        let findings = check(&WrongProviderHost, &accounts);
        assert_eq!(findings.len(), 1);
        let finding = &findings[0];
        assert_eq!(finding.message, "`imap.google.com` is not one of Gmail's mail servers");
        assert_eq!(finding.span, accounts[0].endpoints[0].host.as_ref().unwrap().span);
        assert!(finding.why.as_ref().unwrap().contains("google.com"));
        assert_eq!(finding.severity, None);
        let (account, endpoint, changes, applicability) = field_fix(finding);
        assert_eq!((account, endpoint), (0, 0));
        assert_eq!(changes, [FieldChange::Host("imap.gmail.com".into())]);
        assert_eq!(applicability, Applicability::Safe);
    }

    #[test]
    fn bare_domains_and_invented_names_are_wrong_for_every_protocol() {
        for (protocol, host) in [
            (Protocol::Imap, "gmail.com"),
            (Protocol::Imap, "mail.gmail.com"),
            (Protocol::Pop3, "pop3.gmail.com"),
            (Protocol::Smtp, "smtp.google.com"),
            (Protocol::Smtp, "hotmail.com"),
        ] {
            let accounts = single(None, EndpointBuilder::new(protocol).host(host));
            assert_eq!(check(&WrongProviderHost, &accounts).len(), 1, "{host}");
        }
    }

    #[test]
    fn the_fix_pairs_a_new_port_with_its_security_and_keeps_starttls() {
        // SMTP with STARTTLS on 25: Gmail offers STARTTLS on 587, so STARTTLS stays.
        let accounts = single(
            Some("jane@gmail.com"),
            EndpointBuilder::server(
                Protocol::Smtp,
                "mail.gmail.com",
                25,
                Security::StarttlsRequired,
            ),
        );
        let finding = &check(&WrongProviderHost, &accounts)[0];
        let (_, _, changes, _) = field_fix(finding);
        assert_eq!(changes, [FieldChange::Host("smtp.gmail.com".into()), FieldChange::Port(587)]);
        assert!(
            label_spans(finding).contains(&accounts[0].endpoints[0].port.as_ref().unwrap().span)
        );

        // IMAP with STARTTLS on 143: Gmail has no STARTTLS IMAP, so both port and security move.
        let accounts = single(
            None,
            EndpointBuilder::server(
                Protocol::Imap,
                "imap.google.com",
                143,
                Security::StarttlsRequired,
            ),
        );
        let finding = &check(&WrongProviderHost, &accounts)[0];
        let (_, _, changes, _) = field_fix(finding);
        assert_eq!(
            changes,
            [
                FieldChange::Host("imap.gmail.com".into()),
                FieldChange::Port(993),
                FieldChange::Security(Security::ImplicitTls)
            ]
        );
        assert!(finding.fix.as_ref().unwrap().title.contains("993"));
    }

    #[test]
    fn the_account_address_finds_hosts_under_its_mail_domains() {
        let accounts = single(
            Some("jane@live.com"),
            EndpointBuilder::server(Protocol::Pop3, "pop3.live.com", 995, Security::ImplicitTls),
        );
        let finding = &check(&WrongProviderHost, &accounts)[0];
        assert!(finding.message.contains("Outlook.com"), "{}", finding.message);
        assert!(label_spans(finding).contains(&accounts[0].email.as_ref().unwrap().span));
        let (_, _, changes, _) = field_fix(finding);
        assert_eq!(changes, [FieldChange::Host("outlook.office365.com".into())]);
        // Without the address, the host is nobody's to judge.
        let accounts = single(
            None,
            EndpointBuilder::server(Protocol::Pop3, "pop3.live.com", 995, Security::ImplicitTls),
        );
        assert!(check(&WrongProviderHost, &accounts).is_empty());
    }

    #[test]
    fn a_protocol_the_provider_does_not_offer_gets_no_fix() {
        let accounts = single(
            Some("jane@icloud.com"),
            EndpointBuilder::server(Protocol::Pop3, "pop.mail.me.com", 995, Security::ImplicitTls),
        );
        let finding = &check(&WrongProviderHost, &accounts)[0];
        assert!(finding.fix.is_none());
        assert!(finding.help.as_ref().unwrap().contains("offers no POP3"), "{:?}", finding.help);
    }

    #[test]
    fn legacy_aliases_are_warnings_with_a_host_only_fix() {
        let accounts = single(
            Some("jane@gmail.com"),
            EndpointBuilder::server(
                Protocol::Imap,
                "imap.googlemail.com",
                993,
                Security::ImplicitTls,
            )
            .auth(AuthMethod::Oauth2),
        );
        let finding = &check(&WrongProviderHost, &accounts)[0];
        assert_eq!(finding.severity, Some(Severity::Warning));
        assert!(finding.why.as_ref().unwrap().contains("skipped googlemail.com"));
        let (_, _, changes, applicability) = field_fix(finding);
        assert_eq!(changes, [FieldChange::Host("imap.gmail.com".into())]);
        assert_eq!(applicability, Applicability::Safe);

        // A Workspace domain may use Google's relay on purpose: the fix needs --unsafe-fixes.
        let accounts = single(
            Some("it@example.org"),
            EndpointBuilder::server(
                Protocol::Smtp,
                "smtp-relay.gmail.com",
                587,
                Security::StarttlsRequired,
            ),
        );
        let (_, _, _, applicability) = field_fix(&check(&WrongProviderHost, &accounts)[0]);
        assert_eq!(applicability, Applicability::Unsafe);
    }

    #[test]
    fn canonical_hosts_other_providers_lookalikes_and_local_hosts_are_clean() {
        for (protocol, host) in [
            (Protocol::Imap, "imap.gmail.com"),
            (Protocol::Smtp, "smtp.gmail.com"),
            (Protocol::Smtp, "smtp.mail.com"),
            (Protocol::Imap, "imap.gmx.com"),
            (Protocol::Imap, "imap.gmial.com"),
            (Protocol::Imap, "127.0.0.1"),
            (Protocol::Imap, "mail.example.org"),
            // Known host of the provider, wrong protocol: that is protocol-host-mismatch.
            (Protocol::Smtp, "imap.googlemail.com"),
        ] {
            let accounts =
                single(Some("jane@gmail.com"), EndpointBuilder::new(protocol).host(host));
            assert!(check(&WrongProviderHost, &accounts).is_empty(), "{host}");
        }
    }

    #[test]
    fn a_shared_outgoing_server_is_reported_once() {
        let smtp =
            EndpointBuilder::server(Protocol::Smtp, "smtp.google.com", 465, Security::ImplicitTls)
                .locator("smtpserver:smtp1")
                .build();
        let accounts = vec![
            AccountBuilder::new(Some("a@gmail.com")).endpoint_value(smtp.clone()).build(),
            AccountBuilder::new(Some("b@gmail.com")).endpoint_value(smtp).build(),
        ];
        assert_eq!(check(&WrongProviderHost, &accounts).len(), 1);
    }
}
