//! A001 `provider-requires-oauth2`: password sign-in with a provider that refuses the account
//! password (Gmail, Microsoft).

use maillint_core::providers::PasswordPolicy;
use maillint_core::{
    Applicability, AuthMethod, FieldChange, Finding, Rule, RuleContext, RuleMeta, Severity,
    declare_rule,
};

use crate::findings::{Findings, label_text, sites};
use crate::hosts::{HostClass, Hosts};

declare_rule! {
    /// ## What it does
    /// Reports password sign-in to a provider that no longer accepts the account password. The
    /// method is a password (Thunderbird `authMethod` 3 "Normal password", 4 "Encrypted
    /// password", 2; mutt's LOGIN/PLAIN), and the provider offers OAuth2 instead. By policy:
    ///
    /// * app password only (Gmail: personal accounts since 2022-05-30, Google Workspace since
    ///   2024-09-30): a **warning**, because an app password used as the password still works;
    /// * not accepted (Outlook.com, Microsoft 365): an **error**, because the login is refused
    ///   whatever the password.
    ///
    /// The provider is the one whose server (or wrong host under its domains) the endpoint
    /// uses; the facts and dates come from `rules/providers/*.toml`. A provider whose only
    /// method is a password (iCloud and t-online want an app-specific password) is not reported:
    /// the configuration is the only one possible, and whether the password is an app password
    /// cannot be seen in the file.
    ///
    /// ## Why is this bad?
    /// The provider refuses the account password from mail clients: the client keeps asking for
    /// the password, and the account stops receiving and sending. With Gmail, a password works
    /// only when it is an App Password, which requires 2-Step Verification and bypasses it.
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

impl Rule for ProviderRequiresOauth2 {
    fn meta(&self) -> &std::sync::Arc<RuleMeta> {
        Self::metadata()
    }

    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Finding>) {
        let hosts = Hosts::new(cx);
        let mut findings = Findings::new();
        for site in sites(cx) {
            let endpoint = site.endpoint;
            if !endpoint.auth.value.uses_password() {
                continue;
            }
            let Some(host) = &endpoint.host else { continue };
            let provider = match hosts.classify(site.account, &host.value) {
                HostClass::Known { provider, .. } | HostClass::Wrong { provider, .. } => provider,
                _ => continue,
            };
            let Some(policy) = &provider.auth else { continue };
            if policy.password == PasswordPolicy::Allowed || policy.recommended.uses_password() {
                continue;
            }
            let name = &provider.name;
            let protocol = endpoint.protocol;
            // A method the file does not write is the client's default; say so, and why.
            let defaulted = match endpoint.auth.reason().filter(|_| endpoint.auth.is_default()) {
                Some(reason) => format!(" (no method is written: {reason})"),
                None => String::new(),
            };
            let recommended = describe_method(policy.recommended);
            let (message, why, help, severity) = match policy.password {
                PasswordPolicy::NotAccepted => (
                    format!("{name} does not accept password sign-in for {protocol}{defaulted}"),
                    format!(
                        "{}; the login is refused whatever the password.",
                        capitalise(&policy.note)
                    ),
                    format!("sign in with {recommended}"),
                    Some(Severity::Error),
                ),
                _ => (
                    format!(
                        "{name} no longer accepts the account password for {protocol}{defaulted}"
                    ),
                    format!(
                        "{}; a password works only if it is an app password, otherwise the login \
                         is refused.",
                        capitalise(&policy.note)
                    ),
                    format!(
                        "sign in with {recommended}, or keep password sign-in with an app \
                         password created in the {name} account settings"
                    ),
                    None,
                ),
            };
            let mut finding = Finding::new(endpoint.auth.span, message).why(why).help(help);
            if let Some(severity) = severity {
                finding = finding.severity(severity);
            }
            finding = label_text(finding, host.span, format!("{name}'s {protocol} server"));
            if policy.recommended == AuthMethod::Oauth2 {
                finding = finding.fix(site.fix(
                    "Sign in with OAuth2",
                    Applicability::Unsafe,
                    vec![FieldChange::Auth(AuthMethod::Oauth2)],
                ));
            }
            findings.add(endpoint, finding, None);
        }
        findings.finish(out);
    }
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
    use maillint_core::{Applicability, AuthMethod, FieldChange, Protocol, Security, Severity};

    use super::*;
    use crate::testing::{EndpointBuilder, check, field_fix, label_spans, single};

    fn signin(
        email: Option<&str>,
        protocol: Protocol,
        host: &str,
        auth: AuthMethod,
    ) -> Vec<Finding> {
        check(
            &ProviderRequiresOauth2,
            &single(
                email,
                EndpointBuilder::server(protocol, host, 993, Security::ImplicitTls).auth(auth),
            ),
        )
    }

    #[test]
    fn gmail_password_is_a_warning_that_names_the_dates_and_app_passwords() {
        let accounts = single(
            Some("jane@gmail.com"),
            EndpointBuilder::server(Protocol::Imap, "imap.gmail.com", 993, Security::ImplicitTls)
                .auth(AuthMethod::PasswordCleartext),
        );
        let findings = check(&ProviderRequiresOauth2, &accounts);
        assert_eq!(findings.len(), 1);
        let finding = &findings[0];
        assert_eq!(finding.span, accounts[0].endpoints[0].auth.span);
        assert_eq!(finding.severity, None);
        assert_eq!(finding.message, "Gmail no longer accepts the account password for IMAP");
        let why = finding.why.as_ref().unwrap();
        assert!(why.starts_with("Since 2022-05-30"), "{why}");
        assert!(why.contains("2024-09-30") && why.contains("app password"), "{why}");
        assert!(finding.help.as_ref().unwrap().contains("app password"));
        assert!(
            label_spans(finding).contains(&accounts[0].endpoints[0].host.as_ref().unwrap().span)
        );
        let (_, _, changes, applicability) = field_fix(finding);
        assert_eq!(changes, [FieldChange::Auth(AuthMethod::Oauth2)]);
        assert_eq!(applicability, Applicability::Unsafe);
    }

    #[test]
    fn microsoft_refuses_passwords_outright_an_error() {
        for (email, host) in
            [(Some("jane@outlook.com"), "outlook.office365.com"), (None, "smtp.office365.com")]
        {
            let findings = signin(email, Protocol::Imap, host, AuthMethod::PasswordEncrypted);
            assert_eq!(findings.len(), 1, "{host}");
            assert_eq!(findings[0].severity, Some(Severity::Error));
            assert!(!findings[0].help.as_ref().unwrap().contains("app password"));
            assert!(findings[0].fix.is_some());
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
        let findings = check(&ProviderRequiresOauth2, &accounts);
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
    fn oauth2_allowed_passwords_password_only_providers_and_unknown_hosts_are_clean() {
        assert!(signin(None, Protocol::Imap, "imap.gmail.com", AuthMethod::Oauth2).is_empty());
        assert!(signin(None, Protocol::Imap, "imap.gmail.com", AuthMethod::Unknown).is_empty());
        // Yahoo and Fastmail list password sign-in as allowed.
        assert!(
            signin(None, Protocol::Imap, "imap.mail.yahoo.com", AuthMethod::PasswordCleartext)
                .is_empty()
        );
        assert!(
            signin(None, Protocol::Imap, "imap.fastmail.com", AuthMethod::PasswordCleartext)
                .is_empty()
        );
        // iCloud offers only (app-specific) passwords.
        assert!(
            signin(
                Some("jane@icloud.com"),
                Protocol::Imap,
                "imap.mail.me.com",
                AuthMethod::PasswordCleartext
            )
            .is_empty()
        );
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
