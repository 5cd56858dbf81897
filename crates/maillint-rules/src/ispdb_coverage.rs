//! Issue 18's "done means", generated from the shipped ISPDB data: every server exactly as the
//! ISPDB lists it is clean for the host and port rules, and a one-letter typo of any server is
//! reported, for an account at that provider's domain.

use maillint_core::{AuthMethod, Finding, Provider, ProviderDb, Rule};

use crate::rules::{
    LookalikeHost, PortSecurityMismatch, ProtocolHostMismatch, WrongProviderHost, WrongProviderPort,
};
use crate::testing::{EndpointBuilder, check, single};
use crate::{GENERATED, builtin_providers};

/// The ISPDB's providers as generated (before overlays).
fn generated() -> Vec<Provider> {
    ProviderDb::parse_many(GENERATED.0, GENERATED.1).unwrap()
}

/// An address at the provider, when it has an address domain.
fn address(provider: &Provider) -> Option<String> {
    provider.mail_domains.first().map(|d| format!("someone@{d}"))
}

/// Servers the ISPDB lists that a host or port rule still reports, and why that is right.
const DOCUMENTED_EXCEPTIONS: &[(&str, &str)] = &[
    // charter.net.xml: "Yes, they have SSL (not STARTTLS, not plain SMTP) on port 587. Spec
    // violation." A client set up that way is told that 587 is a STARTTLS port.
    ("mobile.charter.net:587", "port-security-mismatch"),
];

#[test]
fn every_ispdb_server_as_listed_gets_no_host_or_port_finding() {
    let rules: [&dyn Rule; 5] = [
        &WrongProviderHost,
        &ProtocolHostMismatch,
        &LookalikeHost,
        &WrongProviderPort,
        &PortSecurityMismatch,
    ];
    let mut unexpected = Vec::new();
    let mut checked = 0;
    for provider in generated() {
        let email = address(&provider);
        for server in &provider.servers {
            let endpoint = EndpointBuilder::server(
                server.protocol,
                &server.host,
                server.port,
                server.security,
            )
            .auth(AuthMethod::Oauth2);
            let accounts = single(email.as_deref(), endpoint);
            let at = format!("{}:{}", server.host, server.port);
            for rule in rules {
                let findings: Vec<Finding> = check(rule, &accounts);
                let name = rule.meta().name.as_str();
                if !findings.is_empty() && !DOCUMENTED_EXCEPTIONS.contains(&(at.as_str(), name)) {
                    unexpected.push(format!("{} {at} {}: {name}", provider.id, server.protocol));
                }
            }
            checked += 1;
        }
    }
    assert!(checked > 500, "only {checked} servers");
    assert!(unexpected.is_empty(), "{} findings:\n{}", unexpected.len(), unexpected.join("\n"));
}

/// `host` with one letter of `label_index`'s label (counted from the end) changed.
fn typo(host: &str, label_from_end: usize) -> Option<String> {
    let labels: Vec<&str> = host.split('.').collect();
    let at = labels.len().checked_sub(label_from_end + 1)?;
    let label = labels[at];
    let first = label.chars().next()?;
    if !first.is_ascii_lowercase() {
        return None;
    }
    let replacement = if first == 'q' { 'x' } else { 'q' };
    let mut changed: Vec<String> = labels.iter().map(|l| (*l).to_owned()).collect();
    changed[at] = format!("{replacement}{}", &label[1..]);
    Some(changed.join("."))
}

#[test]
fn a_one_letter_typo_of_any_ispdb_server_is_reported_for_its_accounts() {
    let db = builtin_providers();
    let mut missed = Vec::new();
    let mut checked = 0;
    for provider in generated() {
        let Some(email) = address(&provider) else { continue };
        for server in &provider.servers {
            // The registrable name (`gmail` in imap.gmail.com) and the first label (`imap`).
            let labels = server.host.split('.').count();
            for from_end in [1, labels.saturating_sub(1)] {
                let Some(host) = typo(&server.host, from_end) else { continue };
                if db.is_known_host(&host) {
                    continue;
                }
                let endpoint =
                    EndpointBuilder::server(server.protocol, &host, server.port, server.security)
                        .auth(AuthMethod::Oauth2);
                let accounts = single(Some(&email), endpoint);
                let reported = !check(&WrongProviderHost, &accounts).is_empty()
                    || !check(&LookalikeHost, &accounts).is_empty();
                if !reported {
                    missed.push(format!("{}: {host} (for {email})", provider.id));
                }
                checked += 1;
            }
        }
    }
    assert!(checked > 500, "only {checked} typos");
    assert!(missed.is_empty(), "{} typos not reported:\n{}", missed.len(), missed.join("\n"));
}
