//! A002 `plaintext-password`: a password or token written in the configuration file.

use maillint_core::{Finding, SecretKind, declare_rule};

use crate::endpoint_rule::{EndpointFindings, EndpointRule, endpoint_rule};
use crate::findings::{Site, label_text};
use crate::fixes::describe_only;
use crate::hosts::Hosts;

declare_rule! {
    /// ## What it does
    /// Reports a password or token written in a configuration file. Examples: mutt's
    /// `imap_pass`, `smtp_pass` and `pop_pass`, a password inside a URL
    /// (`imaps://jane:secret@host/`), Thunderbird's legacy `mail.server.<server>.password`
    /// pref. The finding points at the secret, but its message only names the setting: no
    /// output of maillint ever contains a secret.
    ///
    /// ## Why is this bad?
    /// Everything that can read the file gets the password: backups, a dotfiles repository,
    /// other programs running as the user, a shared screen. Configuration files are copied
    /// around far more than password stores.
    ///
    /// ## Example
    /// ```text
    /// set imap_pass = "hunter2"
    /// ```
    /// Use instead (mutt runs the command in backticks when it reads the file):
    /// ```text
    /// set imap_pass = "`pass show mail/imap`"
    /// ```
    /// or sign in with OAuth2 (`imap_authenticators = "oauthbearer"` with
    /// `imap_oauth_refresh_command`).
    ///
    /// ## Fix
    /// Display only: moving a secret needs a person (choosing a password manager, creating an
    /// OAuth2 token). The fix's title says what to do.
    pub struct PlaintextPassword {
        code: "A002",
        name: "plaintext-password",
        group: "auth",
        severity: Warning,
        fix: Always,
    }
}

endpoint_rule!(PlaintextPassword);

impl EndpointRule for PlaintextPassword {
    fn check_endpoint(&self, site: &Site<'_>, _: &Hosts<'_, '_>, out: &mut EndpointFindings) {
        let endpoint = site.endpoint;
        for secret in &endpoint.secrets {
            let what = match secret.kind {
                SecretKind::Password => "password",
                SecretKind::Token => "token",
            };
            // The message names the setting, never the value.
            let message = format!(
                "the {} {what} is stored in plain text in `{}`",
                endpoint.protocol, secret.setting
            );
            let finding = Finding::new(secret.span, message)
                .why(format!(
                    "Everything that can read this file gets the {what}: backups, a dotfiles \
                     repository, other programs running as you."
                ))
                .help(site.account.client.secret_advice(&secret.setting, endpoint.protocol))
                .fix(describe_only(format!("Move the {what} out of the file")));
            let finding = match &endpoint.host {
                Some(h) => label_text(finding, h.span, format!("used to sign in to `{}`", h.value)),
                None => finding,
            };
            out.push(finding);
        }
    }
}
#[cfg(test)]
mod tests {
    use maillint_core::{Applicability, FixAction, Protocol, SecretKind, Security};

    use super::*;
    use crate::testing::{AccountBuilder, EndpointBuilder, check, span};

    #[test]
    fn each_secret_is_reported_at_its_span_by_its_setting() {
        let (pass, token) = (span(), span());
        let accounts = vec![
            AccountBuilder::new(Some("jane@example.net"))
                .client(maillint_mutt::CLIENT)
                .endpoint(
                    EndpointBuilder::server(
                        Protocol::Imap,
                        "imap.example.net",
                        993,
                        Security::ImplicitTls,
                    )
                    .secret(SecretKind::Password, "imap_pass", pass)
                    .secret(SecretKind::Token, "imap_oauth_token", token),
                )
                .build(),
        ];
        let findings = check(&PlaintextPassword, &accounts);
        assert_eq!(findings.len(), 2);
        assert_eq!(findings[0].span, pass);
        assert_eq!(findings[0].message, "the IMAP password is stored in plain text in `imap_pass`");
        assert!(findings[0].help.as_ref().unwrap().contains("imap_oauth_refresh_command"));
        assert!(findings[0].help.as_ref().unwrap().contains("`pass show"));
        assert_eq!(findings[1].span, token);
        assert!(findings[1].message.contains("token"));
        let fix = findings[0].fix.as_ref().unwrap();
        assert_eq!(fix.applicability, Applicability::DisplayOnly);
        assert!(matches!(fix.action, FixAction::Describe));
        assert!(findings[0].labels.iter().any(|l| l.message.contains("imap.example.net")));
    }

    #[test]
    fn the_help_is_the_clients_own_advice() {
        let accounts = vec![
            AccountBuilder::new(None)
                .client(maillint_mutt::CLIENT)
                .endpoint(
                    EndpointBuilder::server(
                        Protocol::Smtp,
                        "smtp.example.net",
                        465,
                        Security::ImplicitTls,
                    )
                    .secret(SecretKind::Password, "smtp_url", span()),
                )
                .build(),
            AccountBuilder::new(None)
                .client(maillint_thunderbird::CLIENT)
                .endpoint(
                    EndpointBuilder::server(
                        Protocol::Pop3,
                        "pop.example.net",
                        995,
                        Security::ImplicitTls,
                    )
                    .secret(
                        SecretKind::Password,
                        "mail.server.server1.password",
                        span(),
                    ),
                )
                .build(),
        ];
        let findings = check(&PlaintextPassword, &accounts);
        assert!(
            findings[0].help.as_ref().unwrap().starts_with("remove the password from `smtp_url`")
        );
        assert!(findings[0].help.as_ref().unwrap().contains("smtp_oauth_refresh_command"));
        assert!(findings[1].help.as_ref().unwrap().contains("password manager"));
    }

    #[test]
    fn no_secret_no_finding() {
        let accounts = vec![
            AccountBuilder::new(None)
                .endpoint(EndpointBuilder::server(
                    Protocol::Imap,
                    "imap.example.net",
                    993,
                    Security::ImplicitTls,
                ))
                .build(),
        ];
        assert!(check(&PlaintextPassword, &accounts).is_empty());
    }
}
