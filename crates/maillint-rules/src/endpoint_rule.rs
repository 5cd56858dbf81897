//! [`EndpointRule`]: the shape of every host, port and transport rule, with the loop over
//! accounts and endpoints written once.
//!
//! A rule of this shape looks at one endpoint at a time ([`EndpointRule::check_endpoint`]).
//! The driver, [`check_endpoints`], walks every endpoint of every account of the unit, keeps
//! one finding per place ([`Findings`]: endpoints may share text), and sets on each finding
//! which endpoint it is about ([`EndpointFacts`]: account, protocol, host, port, security), so
//! that every such finding carries the same structured fields into every output format.

use maillint_core::{EndpointFacts, Finding, Label, RuleContext};

use crate::findings::{Findings, Site, sites};
use crate::hosts::Hosts;

/// A rule that checks one endpoint at a time.
///
/// Implement it and write `endpoint_rule!(MyRule);` beside the rule's `declare_rule!`: that
/// makes the rule a [`maillint_core::Rule`] whose check is [`check_endpoints`].
pub(crate) trait EndpointRule {
    /// Checks one endpoint. `hosts` answers what its host is to the provider facts (and gives
    /// the rule context, [`Hosts::cx`]); findings go to `out`.
    fn check_endpoint(&self, site: &Site<'_>, hosts: &Hosts<'_, '_>, out: &mut EndpointFindings);
}

/// What one endpoint's check reports.
#[derive(Default)]
pub(crate) struct EndpointFindings {
    found: Vec<(Finding, Option<Label>)>,
}

impl EndpointFindings {
    /// Reports `finding`.
    pub(crate) fn push(&mut self, finding: Finding) {
        self.found.push((finding, None));
    }

    /// Reports `finding`; when another endpoint already reported the same place, `also` is
    /// added to that finding instead ("also applies to the connection to ...").
    pub(crate) fn push_or_label(&mut self, finding: Finding, also: Option<Label>) {
        self.found.push((finding, also));
    }
}

/// Runs `rule` over every endpoint of the unit: the [`maillint_core::Rule::check`] of every
/// [`EndpointRule`].
pub(crate) fn check_endpoints(
    rule: &impl EndpointRule,
    cx: &RuleContext<'_>,
    out: &mut Vec<Finding>,
) {
    let hosts = Hosts::new(cx);
    let mut findings = Findings::new();
    let mut found = EndpointFindings::default();
    for site in sites(cx) {
        rule.check_endpoint(&site, &hosts, &mut found);
        for (finding, also) in found.found.drain(..) {
            let facts = EndpointFacts::of(site.account, site.endpoint);
            findings.add(site.endpoint, finding.about(facts), also);
        }
    }
    findings.finish(out);
}

/// Makes an [`EndpointRule`] declared with [`maillint_core::declare_rule!`] a
/// [`maillint_core::Rule`].
macro_rules! endpoint_rule {
    ($rule:ident) => {
        impl maillint_core::Rule for $rule {
            fn meta(&self) -> &std::sync::Arc<maillint_core::RuleMeta> {
                Self::metadata()
            }

            fn check(
                &self,
                cx: &maillint_core::RuleContext<'_>,
                out: &mut Vec<maillint_core::Finding>,
            ) {
                $crate::endpoint_rule::check_endpoints(self, cx, out)
            }
        }
    };
}

pub(crate) use endpoint_rule;

#[cfg(test)]
mod tests {
    use maillint_core::{Protocol, Security};

    use super::*;
    use crate::testing::{AccountBuilder, EndpointBuilder, check, span};

    maillint_core::declare_rule! {
        /// ## What it does
        /// Reports every explicit port, for the test.
        struct EveryPort {
            code: "X999",
            name: "every-port",
            group: "test",
            severity: Info,
            fix: None,
        }
    }

    impl EndpointRule for EveryPort {
        fn check_endpoint(&self, site: &Site<'_>, _: &Hosts<'_, '_>, out: &mut EndpointFindings) {
            if let Some(port) = &site.endpoint.port {
                let finding = Finding::new(port.span, "a port").why("test").help("test");
                out.push_or_label(finding, Some(Label::new(site.endpoint.span, "also")));
            }
        }
    }

    endpoint_rule!(EveryPort);

    #[test]
    fn every_finding_names_its_endpoint_and_a_shared_place_is_reported_once() {
        let shared = span();
        let server = EndpointBuilder::server;
        let imap = server(Protocol::Imap, "imap.example.net", 993, Security::ImplicitTls);
        let mut smtp =
            server(Protocol::Smtp, "SMTP.Example.net.", 587, Security::StarttlsRequired).build();
        smtp.port.as_mut().unwrap().span = shared;
        let mut other = server(Protocol::Smtp, "smtp.example.org", 587, Security::None).build();
        other.port.as_mut().unwrap().span = shared;
        let accounts = [
            AccountBuilder::new(Some(" me@example.net"))
                .endpoint(imap)
                .endpoint_value(smtp)
                .build(),
            AccountBuilder::new(None).endpoint_value(other).build(),
        ];
        let findings = check(&EveryPort, &accounts);
        assert_eq!(findings.len(), 2, "{findings:#?}");
        assert_eq!(findings[0].endpoint.as_ref().unwrap().protocol, Protocol::Imap);
        let facts = findings[1].endpoint.as_ref().unwrap();
        assert_eq!(facts.account.id, "account ( me@example.net)");
        assert_eq!(facts.account.address.as_deref(), Some("me@example.net"));
        assert_eq!(facts.protocol, Protocol::Smtp);
        assert_eq!(facts.host.as_deref(), Some("smtp.example.net"));
        assert_eq!((facts.port, facts.security), (Some(587), Security::StarttlsRequired));
        // The second account's endpoint shares the port's text: a label, not a finding.
        assert_eq!(findings[1].labels.len(), 1);
    }
}
