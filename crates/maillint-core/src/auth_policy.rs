//! A provider's authentication policy: the recommended method, and whether a password works,
//! per protocol and over time (`[[auth.password]]` entries with `since`/`until` dates and a
//! source), so that a rule can say what holds on the run's date and when it changes.
//!
//! ```toml
//! [auth]
//! recommended = "oauth2"
//!
//! [[auth.password]]
//! protocols = ["smtp"]
//! policy = "allowed"
//! until = "2026-12-31"
//! source = "https://…"
//! note = "…"
//! ```
//!
//! The short form `password = "not-accepted"` (with `note`) holds for every protocol, always.

use serde::{Deserialize, Serialize};

use crate::date::Date;
use crate::model::{AuthMethod, Protocol};

/// Whether password sign-in works with a provider.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PasswordPolicy {
    /// The account password works.
    Allowed,
    /// Only an app-specific password works (the account password is refused).
    AppPasswordOnly,
    /// Refused unless an administrator of the organisation turned it back on.
    DisabledByDefault,
    /// Password sign-in is refused; OAuth2 is the only way.
    NotAccepted,
}

impl PasswordPolicy {
    /// What the policy means, for messages ("only an app password works").
    pub fn describe(self) -> &'static str {
        match self {
            PasswordPolicy::Allowed => "the account password works",
            PasswordPolicy::AppPasswordOnly => "only an app password works",
            PasswordPolicy::DisabledByDefault => {
                "password sign-in is off unless an administrator turns it back on"
            }
            PasswordPolicy::NotAccepted => "password sign-in is refused",
        }
    }
}

/// How a provider wants clients to authenticate.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct AuthPolicy {
    /// The recommended method.
    pub recommended: AuthMethod,
    /// What happens with passwords: one policy, or a timeline per protocol.
    pub password: Passwords,
    /// What changed and when, for messages (the short form's explanation).
    #[serde(default)]
    pub note: String,
}

/// Password policies: one for everything, or entries per protocol and period.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Passwords {
    /// `password = "…"`: every protocol, always.
    Always(PasswordPolicy),
    /// `[[auth.password]]` entries.
    Timeline(Vec<PasswordRule>),
}

/// One policy for some protocols during a period.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct PasswordRule {
    /// The protocols it covers; all three when not written.
    #[serde(default = "all_protocols")]
    pub protocols: Vec<Protocol>,
    /// The policy.
    pub policy: PasswordPolicy,
    /// The first day it holds; since always when not written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub since: Option<Date>,
    /// The last day it holds; for good when not written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<Date>,
    /// The provider's page that says so.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// What it means and why, for messages.
    pub note: String,
}

fn all_protocols() -> Vec<Protocol> {
    vec![Protocol::Imap, Protocol::Pop3, Protocol::Smtp]
}

impl PasswordRule {
    fn covers(&self, protocol: Protocol, date: Date) -> bool {
        self.protocols.contains(&protocol)
            && self.since.is_none_or(|since| since <= date)
            && self.until.is_none_or(|until| date <= until)
    }
}

/// The password policy that holds for a protocol on a day.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PolicyInForce<'a> {
    /// The policy.
    pub policy: PasswordPolicy,
    /// Its explanation.
    pub note: &'a str,
    /// The provider's page, when known.
    pub source: Option<&'a str>,
    /// The next day on which a different policy holds, and that policy.
    pub next: Option<(Date, PasswordPolicy)>,
}

impl AuthPolicy {
    /// The policy for `protocol` on `date`, if the provider's facts say one.
    pub fn password_on(&self, protocol: Protocol, date: Date) -> Option<PolicyInForce<'_>> {
        let rules = match &self.password {
            Passwords::Always(policy) => {
                let note = self.note.as_str();
                return Some(PolicyInForce { policy: *policy, note, source: None, next: None });
            }
            Passwords::Timeline(rules) => rules,
        };
        let rule = rules.iter().find(|r| r.covers(protocol, date))?;
        Some(PolicyInForce {
            policy: rule.policy,
            note: &rule.note,
            source: rule.source.as_deref(),
            next: next_change(rules, protocol, date, rule.policy),
        })
    }

    /// Whether passwords are refused for every protocol at all times (for `--verify`, which
    /// then expects OAuth2).
    pub fn never_accepts_passwords(&self) -> bool {
        match &self.password {
            Passwords::Always(policy) => *policy == PasswordPolicy::NotAccepted,
            Passwords::Timeline(rules) => {
                rules.iter().all(|r| r.policy == PasswordPolicy::NotAccepted)
            }
        }
    }
}

/// The first day after `date` on which another policy than `current` holds for `protocol`.
fn next_change(
    rules: &[PasswordRule],
    protocol: Protocol,
    date: Date,
    current: PasswordPolicy,
) -> Option<(Date, PasswordPolicy)> {
    let mut days: Vec<Date> = rules
        .iter()
        .filter(|r| r.protocols.contains(&protocol))
        .flat_map(|r| [r.since, r.until.map(Date::next_day)])
        .flatten()
        .filter(|day| *day > date)
        .collect();
    days.sort();
    days.into_iter().find_map(|day| {
        let policy = rules.iter().find(|r| r.covers(protocol, day))?.policy;
        (policy != current).then_some((day, policy))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(text: &str) -> Date {
        text.parse().unwrap()
    }

    const MICROSOFT_365: &str = r#"
recommended = "oauth2"

[[password]]
protocols = ["imap", "pop3"]
policy = "not-accepted"
note = "basic authentication is off"

[[password]]
protocols = ["smtp"]
policy = "allowed"
until = "2026-12-31"
source = "https://example.invalid/timeline"
note = "SMTP AUTH still takes a password"

[[password]]
protocols = ["smtp"]
policy = "disabled-by-default"
since = "2027-01-01"
note = "off by default for existing tenants"
"#;

    #[test]
    fn the_policy_in_force_and_the_next_change_depend_on_the_day() {
        let policy: AuthPolicy = toml::from_str(MICROSOFT_365).unwrap();
        let smtp = policy.password_on(Protocol::Smtp, day("2026-12-06")).unwrap();
        assert_eq!(smtp.policy, PasswordPolicy::Allowed);
        assert_eq!(smtp.source, Some("https://example.invalid/timeline"));
        assert_eq!(smtp.next, Some((day("2027-01-01"), PasswordPolicy::DisabledByDefault)));
        let later = policy.password_on(Protocol::Smtp, day("2027-01-01")).unwrap();
        assert_eq!((later.policy, later.next), (PasswordPolicy::DisabledByDefault, None));
        let imap = policy.password_on(Protocol::Imap, day("2026-12-06")).unwrap();
        assert_eq!((imap.policy, imap.next), (PasswordPolicy::NotAccepted, None));
        assert!(!policy.never_accepts_passwords());
    }

    #[test]
    fn the_short_form_holds_for_every_protocol_always() {
        let policy: AuthPolicy = toml::from_str(
            "recommended = \"oauth2\"\npassword = \"not-accepted\"\nnote = \"no\"\n",
        )
        .unwrap();
        let pop = policy.password_on(Protocol::Pop3, day("1999-01-01")).unwrap();
        assert_eq!((pop.policy, pop.note, pop.next), (PasswordPolicy::NotAccepted, "no", None));
        assert!(policy.never_accepts_passwords());
    }

    #[test]
    fn no_entry_for_the_day_means_no_known_policy() {
        let policy: AuthPolicy = toml::from_str(
            "recommended = \"oauth2\"\n[[password]]\npolicy = \"app-password-only\"\nsince = \"2030-01-01\"\nnote = \"n\"\n",
        )
        .unwrap();
        assert_eq!(policy.password_on(Protocol::Imap, day("2026-12-06")), None);
        assert!(policy.password_on(Protocol::Imap, day("2030-01-01")).is_some());
    }
}
