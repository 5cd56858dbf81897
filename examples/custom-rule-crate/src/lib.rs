//! ACME's own maillint rule, written in Rust because a rule pack cannot express it.
//!
//! Rule packs compare a value of the account model with constants (`host-not = "..."`,
//! `port-in = [...]`). ACME's rule compares two values of the same account with each other: at
//! ACME, the user name an account signs in with must be its full mail address, and a user name
//! that differs is a typo that locks the account after a few attempts. That needs code: a
//! [`Rule`] implementation, registered next to maillint's built-in rules (see `main.rs`).

use std::sync::Arc;

use maillint_core::{Finding, Rule, RuleContext, RuleMeta, declare_rule};

/// ACME's mail domain.
pub const ACME_DOMAIN: &str = "acme.example";

declare_rule! {
    /// ## What it does
    /// Reports an ACME account whose user name is not its mail address.
    ///
    /// ## Why is this bad?
    /// ACME's mail servers accept only the full address as the user name; anything else is a
    /// typo, and three failed sign-ins lock the account.
    ///
    /// ## Example
    /// ```text
    /// set from = "jane@acme.example"
    /// set imap_user = "jnae@acme.example"
    /// ```
    ///
    /// ## Fix
    /// None: the right user name is the address; correct it by hand.
    pub struct AcmeUsernameIsAddress {
        code: "ACM001",
        name: "acme-username-is-address",
        group: "policy",
        severity: Error,
        fix: None,
    }
}

impl Rule for AcmeUsernameIsAddress {
    fn meta(&self) -> &Arc<RuleMeta> {
        Self::metadata()
    }

    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Finding>) {
        for account in cx.accounts {
            let (Some(email), Some(domain)) = (&account.email, account.mail_domain()) else {
                continue;
            };
            if domain != ACME_DOMAIN {
                continue;
            }
            let address = bare_address(&email.value);
            for endpoint in &account.endpoints {
                let Some(user) = &endpoint.username else { continue };
                if !user.value.eq_ignore_ascii_case(&address) {
                    out.push(
                        Finding::new(
                            user.span,
                            format!(
                                "the {} user name `{}` is not the account's address `{address}`",
                                endpoint.protocol, user.value
                            ),
                        )
                        .label(email.span, "the account's address")
                        .help(format!("sign in as `{address}`")),
                    );
                }
            }
        }
    }
}

/// `jane@acme.example` from `Jane Doe <jane@acme.example>`.
fn bare_address(value: &str) -> String {
    let value = value.trim();
    match (value.rfind('<'), value.rfind('>')) {
        (Some(open), Some(close)) if open < close => value[open + 1..close].trim().to_owned(),
        _ => value.to_owned(),
    }
}

/// ACME's rules, to register next to the built-in ones.
pub fn rules() -> Vec<Arc<dyn Rule>> {
    vec![Arc::new(AcmeUsernameIsAddress)]
}

#[cfg(test)]
mod tests {
    use maillint_core::{
        Account, AuthMethod, Client, Endpoint, FileId, Located, Protocol, ProviderDb, RuleSettings,
        RunState, Security, Span,
    };

    use super::*;

    fn account(email: &str, user: &str) -> Account {
        let span = |n: usize| Span::new(FileId(0), n, n + 1);
        Account {
            client: Client::named("mutt"),
            name: "work".into(),
            email: Some(Located::explicit(email.into(), span(1))),
            span: span(0),
            endpoints: vec![Endpoint {
                protocol: Protocol::Imap,
                host: None,
                port: None,
                security: Located::explicit(Security::ImplicitTls, span(2)),
                auth: Located::explicit(AuthMethod::PasswordCleartext, span(3)),
                username: Some(Located::explicit(user.into(), span(4))),
                certificate_verification_disabled: None,
                secrets: vec![],
                tls_versions: vec![],
                span: span(5),
                locator: String::new(),
            }],
        }
    }

    fn check(accounts: &[Account]) -> Vec<Finding> {
        let providers = ProviderDb::new();
        let settings = RuleSettings::default();
        let run = RunState::new();
        let cx = RuleContext { accounts, providers: &providers, settings: &settings, run: &run };
        let mut out = Vec::new();
        AcmeUsernameIsAddress.check(&cx, &mut out);
        out
    }

    #[test]
    fn a_user_name_other_than_the_address_is_reported_at_acme_only() {
        let found = check(&[account("Jane <jane@acme.example>", "jnae@acme.example")]);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].help.as_deref(), Some("sign in as `jane@acme.example`"));
        assert!(check(&[account("jane@acme.example", "JANE@acme.example")]).is_empty());
        assert!(check(&[account("jane@elsewhere.example", "jane")]).is_empty());
    }
}
