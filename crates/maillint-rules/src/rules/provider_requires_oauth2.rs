//! A001 `provider-requires-oauth2`: password sign-in with a provider that refuses the account
//! password (Gmail, Microsoft), or will refuse it on a known date.

use maillint_core::providers::{PasswordPolicy, PolicyInForce};
use maillint_core::{
    Applicability, AuthMethod, Date, FieldChange, Finding, Protocol, Severity, declare_rule,
};

use crate::endpoint_rule::{EndpointFindings, EndpointRule, endpoint_rule};
use crate::findings::{Site, label_text};
use crate::hosts::{HostClass, Hosts};

declare_rule! {
    /// ## What it does
    /// Reports password sign-in to a provider that does not accept the account password. The
    /// method is a password (Thunderbird `authMethod` 3 "Normal password", 4 "Encrypted
    /// password", 2; mutt's LOGIN/PLAIN), and the provider offers OAuth2 instead. The policy is
    /// the one in force for the endpoint's protocol on the run's date (`MAILLINT_TODAY`, else
    /// today), and the message names the next date that changes it:
    ///
    /// * not accepted (Outlook.com; Microsoft 365 for IMAP and POP): an **error**, because the
    ///   login is refused whatever the password;
    /// * app password only (Gmail since 2022-05-30; Fastmail, Yahoo, AOL and Yandex require an
    ///   app password for every third-party client): a **warning**, because an app password
    ///   used as the password still works;
    /// * off by default (Microsoft 365 SMTP AUTH from 2027-01-01, which an administrator can
    ///   turn back on): a **warning**;
    /// * still accepted, with a known date after which it is not (Microsoft 365 SMTP AUTH until
    ///   the end of December 2026): **info**, with the date.
    ///
    /// The provider is the one whose server (or wrong host under its domains) the endpoint
    /// uses; the facts, dates and sources come from `rules/providers/*.toml`. A provider whose
    /// only method is a password (iCloud and t-online want an app-specific password) is not
    /// reported: the configuration is the only one possible, and whether the password is an
    /// app password cannot be seen in the file.
    ///
    /// ## Why is this bad?
    /// The provider refuses the account password from mail clients: the client keeps asking for
    /// the password, and the account stops receiving and sending. Where an app password works,
    /// it requires 2-Step Verification at most providers and bypasses it.
    ///
    /// ## Example
    /// ```js
    /// user_pref("mail.server.server1.hostname", "imap.gmail.com");
    /// user_pref("mail.server.server1.authMethod", 3);
    /// ```
    /// Use instead:
    /// ```js
    /// user_pref("mail.server.server1.hostname", "imap.gmail.com");
    /// user_pref("mail.server.server1.authMethod", 10);
    /// ```
    ///
    /// ## Fix
    /// Unsafe, and only when the provider recommends OAuth2: the method becomes OAuth2. The
    /// client then needs one interactive sign-in in the browser, and a setup that works with an
    /// app password would change behaviour, so the change waits for `--unsafe-fixes`.
    pub struct ProviderRequiresOauth2 {
        code: "A001",
        name: "provider-requires-oauth2",
        group: "auth",
        severity: Warning,
        fix: Sometimes,
    }
}

endpoint_rule!(ProviderRequiresOauth2);

impl EndpointRule for ProviderRequiresOauth2 {
    fn check_endpoint(&self, site: &Site<'_>, hosts: &Hosts<'_, '_>, out: &mut EndpointFindings) {
        let today = hosts.cx().settings.today.unwrap_or_else(system_today);
        let endpoint = site.endpoint;
        if !endpoint.auth.value.uses_password() {
            return;
        }
        let Some(host) = &endpoint.host else { return };
        let provider = match hosts.classify(site.account, &host.value) {
            HostClass::Known { provider, .. } | HostClass::Wrong { provider, .. } => provider,
            _ => return,
        };
        let Some(policy) = &provider.auth else { return };
        if policy.recommended.uses_password() {
            return;
        }
        let Some(in_force) = policy.password_on(endpoint.protocol, today) else { return };
        let Some(mut finding) = finding(site, &provider.name, policy.recommended, &in_force) else {
            return;
        };
        let protocol = endpoint.protocol;
        finding = label_text(finding, host.span, format!("{}'s {protocol} server", provider.name));
        if policy.recommended == AuthMethod::Oauth2 {
            finding = finding.fix(site.fix(
                "Sign in with OAuth2",
                Applicability::Unsafe,
                vec![FieldChange::Auth(AuthMethod::Oauth2)],
            ));
        }
        out.push(finding);
    }
}
/// The run's date when the settings do not say it: the system clock's (an invalid
/// `MAILLINT_TODAY` is reported by the configuration, which sets the date).
fn system_today() -> Date {
    Date::today().unwrap_or_else(|_| Date::from_unix_days(0))
}

/// The finding for a password sign-in under `in_force`, if the policy calls for one.
fn finding(
    site: &Site<'_>,
    name: &str,
    recommended: AuthMethod,
    in_force: &PolicyInForce<'_>,
) -> Option<Finding> {
    let endpoint = site.endpoint;
    let protocol = endpoint.protocol;
    // A method the file does not write is the client's default; say so, and why.
    let defaulted = match endpoint.auth.reason().filter(|_| endpoint.auth.is_default()) {
        Some(reason) => format!(" (no method is written: {reason})"),
        None => String::new(),
    };
    let recommended = describe_method(recommended);
    let (message, consequence, help, severity) = match in_force.policy {
        PasswordPolicy::Allowed => {
            let (day, _) = in_force.next?;
            (
                format!(
                    "{name} still accepts password sign-in for {protocol}, but not from {day}{defaulted}"
                ),
                "it still works today.".to_owned(),
                format!("switch to {recommended} before {day}"),
                Some(Severity::Info),
            )
        }
        PasswordPolicy::NotAccepted => (
            format!("{name} does not accept password sign-in for {protocol}{defaulted}"),
            "the login is refused whatever the password.".to_owned(),
            format!("sign in with {recommended}"),
            Some(Severity::Error),
        ),
        PasswordPolicy::DisabledByDefault => (
            format!("{name} has password sign-in for {protocol} off by default{defaulted}"),
            "the login is refused unless an administrator of the organisation turned it back on."
                .to_owned(),
            format!("sign in with {recommended}"),
            None,
        ),
        PasswordPolicy::AppPasswordOnly => (
            format!("{name} no longer accepts the account password for {protocol}{defaulted}"),
            "a password works only if it is an app password, otherwise the login is refused."
                .to_owned(),
            format!(
                "sign in with {recommended}, or keep password sign-in with an app password \
                 created in the {name} account settings"
            ),
            None,
        ),
    };
    let why = why(in_force, &consequence, protocol);
    let finding = Finding::new(endpoint.auth.span, message).why(why).help(help);
    Some(match severity {
        Some(severity) => finding.severity(severity),
        None => finding,
    })
}

/// The explanation: the policy's note, the consequence, the next change and the source.
fn why(in_force: &PolicyInForce<'_>, consequence: &str, protocol: Protocol) -> String {
    let mut why = format!("{}; {consequence}", capitalise(in_force.note));
    if let Some((day, policy)) = in_force.next {
        why.push_str(&format!(" From {day}, for {protocol}: {}.", policy.describe()));
    }
    if let Some(source) = in_force.source {
        why.push_str(&format!(" Source: {source}"));
    }
    why
}

fn describe_method(method: AuthMethod) -> &'static str {
    match method {
        AuthMethod::Oauth2 => "OAuth2",
        AuthMethod::Gssapi => "Kerberos (GSSAPI)",
        AuthMethod::Ntlm => "NTLM",
        AuthMethod::TlsCertificate => "a TLS client certificate",
        _ => "the provider's recommended method",
    }
}

/// The note starts a sentence in `why`.
fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use maillint_core::{
        Applicability, AuthMethod, FieldChange, Protocol, RuleSettings, Security, Severity,
    };

    use super::*;
    use crate::testing::{EndpointBuilder, check_with, field_fix, label_spans, single};

    /// The run's date in these tests (the day issue 18 was worked on).
    const TODAY: &str = "2026-12-06";

    fn on(day: &str) -> RuleSettings {
        RuleSettings { today: Some(day.parse().unwrap()), ..RuleSettings::default() }
    }

    fn signin_on(
        day: &str,
        email: Option<&str>,
        protocol: Protocol,
        host: &str,
        auth: AuthMethod,
    ) -> Vec<Finding> {
        let endpoint = EndpointBuilder::server(protocol, host, 993, Security::ImplicitTls);
        check_with(&ProviderRequiresOauth2, &single(email, endpoint.auth(auth)), &on(day))
    }

    fn signin(
        email: Option<&str>,
        protocol: Protocol,
        host: &str,
        auth: AuthMethod,
    ) -> Vec<Finding> {
        signin_on(TODAY, email, protocol, host, auth)
    }

    #[test]
    fn gmail_password_is_a_warning_that_names_the_dates_the_source_and_app_passwords() {
        let accounts = single(
            Some("jane@gmail.com"),
            EndpointBuilder::server(Protocol::Imap, "imap.gmail.com", 993, Security::ImplicitTls)
                .auth(AuthMethod::PasswordCleartext),
        );
        let findings = check_with(&ProviderRequiresOauth2, &accounts, &on(TODAY));
        assert_eq!(findings.len(), 1);
        let finding = &findings[0];
        assert_eq!(finding.span, accounts[0].endpoints[0].auth.span);
        assert_eq!(finding.severity, None);
        assert_eq!(finding.message, "Gmail no longer accepts the account password for IMAP");
        let why = finding.why.as_ref().unwrap();
        assert!(why.starts_with("Since 2022-05-30"), "{why}");
        assert!(why.contains("autumn 2024") && why.contains("app password"), "{why}");
        assert!(why.ends_with("Source: https://support.google.com/accounts/answer/6010255"));
        assert!(finding.help.as_ref().unwrap().contains("app password"));
        assert!(
            label_spans(finding).contains(&accounts[0].endpoints[0].host.as_ref().unwrap().span)
        );
        let (_, _, changes, applicability) = field_fix(finding);
        assert_eq!(changes, [FieldChange::Auth(AuthMethod::Oauth2)]);
        assert_eq!(applicability, Applicability::Unsafe);
        // Before Google's change there was nothing to report.
        let before = "2022-05-29";
        let imap = "imap.gmail.com";
        assert!(
            signin_on(before, None, Protocol::Imap, imap, AuthMethod::PasswordCleartext).is_empty()
        );
    }

    #[test]
    fn microsoft_refuses_imap_and_pop_passwords_outright_an_error() {
        for (email, protocol, host) in [
            (Some("jane@outlook.com"), Protocol::Imap, "outlook.office365.com"),
            (Some("jane@outlook.com"), Protocol::Smtp, "smtp-mail.outlook.com"),
            (None, Protocol::Pop3, "outlook.office365.com"),
        ] {
            let findings = signin(email, protocol, host, AuthMethod::PasswordEncrypted);
            assert_eq!(findings.len(), 1, "{host}");
            assert_eq!(findings[0].severity, Some(Severity::Error));
            assert!(!findings[0].help.as_ref().unwrap().contains("app password"));
            assert!(findings[0].fix.is_some());
        }
    }

    #[test]
    fn microsoft_365_smtp_follows_the_mc786329_timeline() {
        let smtp = |day| {
            signin_on(
                day,
                Some("jane@contoso.onmicrosoft.com"),
                Protocol::Smtp,
                "smtp.office365.com",
                AuthMethod::PasswordCleartext,
            )
        };
        // Still accepted today: information, with the day it changes and the source.
        let today = smtp(TODAY);
        assert_eq!(today.len(), 1);
        assert_eq!(today[0].severity, Some(Severity::Info));
        assert_eq!(
            today[0].message,
            "Microsoft 365 still accepts password sign-in for SMTP, but not from 2027-01-01"
        );
        let why = today[0].why.as_ref().unwrap();
        assert!(why.contains("From 2027-01-01, for SMTP: password sign-in is off"), "{why}");
        assert!(why.contains("Source: https://techcommunity.microsoft.com/"), "{why}");
        // From 2027 off by default: a warning, since an administrator can turn it back on.
        let later = smtp("2027-01-01");
        assert_eq!(later[0].severity, None);
        assert!(later[0].message.contains("off by default"), "{}", later[0].message);
    }

    #[test]
    fn app_password_providers_are_warnings_with_their_own_page() {
        for (email, host, page) in [
            ("jane@fastmail.com", "imap.fastmail.com", "https://www.fastmail.com/"),
            ("jane@yahoo.com", "imap.mail.yahoo.com", "https://help.yahoo.com/"),
            ("jane@aol.com", "imap.aol.com", "https://help.aol.com/"),
            ("jane@verizon.net", "imap.aol.com", "https://help.aol.com/"),
        ] {
            let findings = signin(Some(email), Protocol::Imap, host, AuthMethod::PasswordCleartext);
            assert_eq!(findings.len(), 1, "{email}");
            assert_eq!(findings[0].severity, None, "{email}");
            let why = findings[0].why.as_ref().unwrap();
            assert!(why.contains(&format!("Source: {page}")), "{email}: {why}");
        }
    }

    #[test]
    fn a_defaulted_method_says_so() {
        let accounts = single(
            None,
            EndpointBuilder::server(Protocol::Smtp, "smtp.gmail.com", 465, Security::ImplicitTls)
                .default_auth(
                    AuthMethod::PasswordCleartext,
                    "Thunderbird's default authMethod is 3",
                ),
        );
        let findings = check_with(&ProviderRequiresOauth2, &accounts, &on(TODAY));
        assert!(findings[0].message.contains("Thunderbird's default authMethod is 3"));
    }

    #[test]
    fn wrong_hosts_of_the_provider_count_too() {
        assert_eq!(
            signin(None, Protocol::Imap, "imap.google.com", AuthMethod::PasswordCleartext).len(),
            1
        );
    }

    #[test]
    fn oauth2_password_only_providers_and_unknown_hosts_are_clean() {
        assert!(signin(None, Protocol::Imap, "imap.gmail.com", AuthMethod::Oauth2).is_empty());
        assert!(signin(None, Protocol::Imap, "imap.gmail.com", AuthMethod::Unknown).is_empty());
        // iCloud and Yandex offer only (app-specific) passwords: an app password cannot be
        // told from the account password in a file.
        for (email, host) in
            [("jane@icloud.com", "imap.mail.me.com"), ("jane@yandex.ru", "imap.yandex.com")]
        {
            let findings = signin(Some(email), Protocol::Imap, host, AuthMethod::PasswordCleartext);
            assert!(findings.is_empty(), "{email}");
        }
        assert!(
            signin(None, Protocol::Imap, "mail.example.net", AuthMethod::PasswordCleartext)
                .is_empty()
        );
        // A look-alike is lookalike-host's finding.
        assert!(
            signin(None, Protocol::Imap, "imap.gmial.com", AuthMethod::PasswordCleartext)
                .is_empty()
        );
    }
}
