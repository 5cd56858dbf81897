//! H003 `lookalike-host`: a host that resembles a provider's server or domain without being it
//! (`imap.gmial.com`, `imap.gmail.com.example.net`).

use maillint_core::{Applicability, Finding, declare_rule};

use crate::endpoint_rule::{EndpointFindings, EndpointRule, endpoint_rule};
use crate::findings::Site;
use crate::fixes::{describe_server, fitting_server_on, move_to_server};
use crate::hosts::{HostClass, Hosts, Resemblance, real_host_for};

declare_rule! {
    /// ## What it does
    /// Reports a host that resembles a provider's server or domain without being it. The host
    /// is no provider's known server and not under any provider's domains, and it is:
    ///
    /// * one or two edits (insertions, deletions, substitutions, swapped neighbours) from a
    ///   known server: `imap.gmial.com`, `imap.gmail.co`, `smtp.gmai.com`. Two edits count for
    ///   names of 13 characters or more, one for shorter ones;
    /// * one edit from a provider's server domain whose name has 5 to 9 characters
    ///   (`gmail.com`, `outlook.com`), two from longer ones (`googlemail.com`); shorter names
    ///   (`me.com`, `gmx.net`, `aol.com`) have too many honest neighbours to compare;
    /// * a provider's server or domain embedded, as whole labels, in another domain:
    ///   `imap.gmail.com.example.net`, `gmail.com-secure.net`. A name followed only by a
    ///   country code (`gmail.com.br`) is not counted.
    ///
    /// Never reported: the real hosts of every provider in `rules/providers/` (`smtp.mail.com`
    /// is one letter from `smtp.gmail.com`, and real), hosts under a provider's mail domains,
    /// the user's `trusted-hosts`, loopback names and IP addresses. A host under a provider's
    /// domains is `wrong-provider-host`'s, unless it is a typo of another provider's server and
    /// closer to it than to any of the owner's (`imap.email.com` in a Gmail account).
    ///
    /// ## Why is this bad?
    /// A mail client sends the user name and password to whatever answers at the configured
    /// name. A typo either fails to connect or reaches a server someone else registered, and
    /// look-alike names are a phishing staple. Even when the name is the user's own
    /// (a company relay), it is worth one look.
    ///
    /// ## Example
    /// ```text
    /// set folder = "imaps://jane@imap.gmial.com:993/"
    /// ```
    /// Use instead:
    /// ```text
    /// set folder = "imaps://jane@imap.gmail.com:993/"
    /// ```
    ///
    /// ## Fix
    /// Unsafe: the host becomes the real server of the provider it resembles, for the
    /// endpoint's protocol (with the provider's port and security where the current ones do not
    /// fit). maillint cannot know whether the name was a typo or a server of the user's own, so
    /// the change waits for `--unsafe-fixes`. A host that really is the user's belongs in
    /// `trusted-hosts`.
    pub struct LookalikeHost {
        code: "H003",
        name: "lookalike-host",
        group: "host",
        severity: Error,
        fix: Sometimes,
    }
}

endpoint_rule!(LookalikeHost);

impl EndpointRule for LookalikeHost {
    fn check_endpoint(&self, site: &Site<'_>, hosts: &Hosts<'_, '_>, out: &mut EndpointFindings) {
        let Some(host) = &site.endpoint.host else { return };
        let HostClass::LookAlike { provider, target, target_is_host, resemblance } =
            hosts.classify(site.account, &host.value)
        else {
            return;
        };
        let name = &provider.name;
        let what = if target_is_host { "server" } else { "domain" };
        let message = match &resemblance {
            Resemblance::Typo { distance } => format!(
                "`{}` looks like {name}'s {what} `{target}` but is not it ({distance} {} apart)",
                host.value,
                if *distance == 1 { "edit" } else { "edits" }
            ),
            Resemblance::Embedded { outer } => format!(
                "`{}` contains {name}'s {what} `{target}` but belongs to another domain, `{outer}`",
                host.value
            ),
        };
        let why = match &resemblance {
            Resemblance::Typo { .. } => format!(
                "The client sends your user name and password to whoever answers at \
                 `{}`. A mistyped provider name fails to connect at best; at worst it \
                 belongs to someone else, who receives the credentials meant for {name}.",
                host.value
            ),
            Resemblance::Embedded { outer } => format!(
                "A host name is owned by its last labels: `{}` is a server of `{outer}`, \
                 not of {name}, and names built this way are a phishing technique. The \
                 client would send your {name} credentials there.",
                host.value
            ),
        };
        let protocol = site.endpoint.protocol;
        let resembled = target_is_host.then_some(target);
        let real = real_host_for(provider, resembled, protocol)
            .and_then(|real| fitting_server_on(provider, protocol, Some(real), site.endpoint));
        let trust_hint = format!(
            "if `{}` is your own server, add it to `trusted-hosts` in the maillint \
             configuration",
            host.value
        );
        let finding = Finding::new(host.span, message).why(why);
        let finding = match real {
            Some(server) => move_to_server(
                site,
                server,
                Applicability::Unsafe,
                finding.help(format!(
                    "{name}'s {protocol} server is {}; {trust_hint}",
                    describe_server(server)
                )),
            ),
            None => finding.help(format!("{name} offers no {protocol} server; {trust_hint}")),
        };
        out.push(finding);
    }
}
#[cfg(test)]
mod tests {
    use maillint_core::{Applicability, FieldChange, Protocol, RuleSettings, Security};

    use super::*;
    use crate::testing::{EndpointBuilder, check, check_with, field_fix, single};

    fn lookalike(email: Option<&str>, protocol: Protocol, host: &str) -> Vec<Finding> {
        check(&LookalikeHost, &single(email, EndpointBuilder::new(protocol).host(host)))
    }

    #[test]
    fn typos_of_gmail_servers_and_domains() {
        for (protocol, host, real) in [
            (Protocol::Imap, "imap.gmial.com", "imap.gmail.com"),
            (Protocol::Imap, "imap.gmail.co", "imap.gmail.com"),
            (Protocol::Smtp, "smtp.gmai.com", "smtp.gmail.com"),
            (Protocol::Imap, "imap.gmaill.co", "imap.gmail.com"),
            // A typo of the domain only: the fix uses Gmail's server for the protocol.
            (Protocol::Pop3, "mail.gmial.com", "pop.gmail.com"),
        ] {
            let findings = lookalike(None, protocol, host);
            assert_eq!(findings.len(), 1, "{host}");
            assert!(findings[0].message.contains("Gmail's"), "{}", findings[0].message);
            let (_, _, changes, applicability) = field_fix(&findings[0]);
            assert_eq!(changes[0], FieldChange::Host(real.into()), "{host}");
            assert_eq!(applicability, Applicability::Unsafe);
        }
        let message = &lookalike(None, Protocol::Imap, "imap.gmial.com")[0].message;
        assert_eq!(
            message,
            "`imap.gmial.com` looks like Gmail's server `imap.gmail.com` but is not it (1 edit apart)"
        );
    }

    /// A homograph is one host however it is written: in Unicode, in Punycode, in capitals
    /// (the parser normalises it once, `HostName`), and a Cyrillic letter is one edit away.
    #[test]
    fn homographs_are_typos_in_every_spelling() {
        for written in ["imap.gm\u{430}il.com", "IMAP.XN--GMIL-63D.COM", "imap.xn--gmil-63d.com."] {
            let findings = lookalike(None, Protocol::Imap, written);
            assert_eq!(findings.len(), 1, "{written}");
            assert_eq!(
                findings[0].message,
                "`imap.gm\u{430}il.com` looks like Gmail's server `imap.gmail.com` but is not it \
                 (1 edit apart)",
                "{written}"
            );
        }
        // Full-width letters map to ASCII (UTS #46), as the resolver would: the real host.
        assert!(lookalike(None, Protocol::Imap, "imap.\u{ff47}mail.com").is_empty());
    }

    #[test]
    fn embedded_provider_names() {
        let findings = lookalike(None, Protocol::Imap, "imap.gmail.com.example.net");
        assert_eq!(
            findings[0].message,
            "`imap.gmail.com.example.net` contains Gmail's server `imap.gmail.com` but belongs to another domain, `example.net`"
        );
        let findings = lookalike(None, Protocol::Smtp, "gmail.com-secure.net");
        assert!(findings[0].message.contains("`com-secure.net`"), "{}", findings[0].message);
        let (_, _, changes, _) = field_fix(&findings[0]);
        assert_eq!(changes[0], FieldChange::Host("smtp.gmail.com".into()));
    }

    #[test]
    fn the_fix_brings_the_providers_port_and_security_when_needed() {
        let accounts = single(
            None,
            EndpointBuilder::server(
                Protocol::Imap,
                "imap.gmial.com",
                143,
                Security::StarttlsRequired,
            ),
        );
        let (_, _, changes, _) = field_fix(&check(&LookalikeHost, &accounts)[0]);
        assert_eq!(
            changes,
            [
                FieldChange::Host("imap.gmail.com".into()),
                FieldChange::Port(993),
                FieldChange::Security(Security::ImplicitTls)
            ]
        );
    }

    #[test]
    fn real_hosts_of_other_providers_are_never_lookalikes() {
        for (protocol, host) in [
            (Protocol::Smtp, "smtp.mail.com"),
            (Protocol::Imap, "imap.mail.com"),
            (Protocol::Imap, "imap.gmx.com"),
            (Protocol::Imap, "imap.gmx.net"),
            (Protocol::Smtp, "mail.gmx.net"),
            (Protocol::Imap, "imap.aol.com"),
            (Protocol::Imap, "imap.yandex.com"),
            (Protocol::Smtp, "securesmtp.t-online.de"),
            (Protocol::Imap, "in.alice.it"),
            (Protocol::Imap, "imap.mail.me.com"),
            (Protocol::Smtp, "smtp.email.com"),
        ] {
            assert!(lookalike(Some("jane@example.org"), protocol, host).is_empty(), "{host}");
        }
    }

    #[test]
    fn wrong_hosts_local_hosts_and_ordinary_domains_are_not_lookalikes() {
        for host in [
            "imap.google.com",
            "mail.gmail.com",
            "localhost",
            "127.0.0.1",
            "::1",
            "mail.example.org",
            "imap.mail.ru",
            "imap.web.de",
            "mail.live.de",
        ] {
            assert!(lookalike(None, Protocol::Imap, host).is_empty(), "{host}");
        }
    }

    #[test]
    fn trusted_hosts_are_never_reported() {
        let accounts = single(None, EndpointBuilder::new(Protocol::Imap).host("imap.gmial.com"));
        let settings = RuleSettings {
            trusted_hosts: vec!["IMAP.gmial.com".into()],
            ..RuleSettings::default()
        };
        assert!(check_with(&LookalikeHost, &accounts, &settings).is_empty());
    }

    #[test]
    fn the_help_mentions_trusted_hosts() {
        let findings = lookalike(None, Protocol::Imap, "imap.gmial.com");
        assert!(findings[0].help.as_ref().unwrap().contains("trusted-hosts"));
    }
}
