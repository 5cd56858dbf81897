//! Small pieces every rule uses: walking the endpoints with their indices, building field fixes,
//! and collecting findings so that one piece of text is reported once.
//!
//! Reporting once matters because the model can share text between endpoints: two Thunderbird
//! accounts that use the same outgoing server (`mail.smtpserver.smtp1.*`) are two endpoints with
//! the same spans, and one muttrc `unset ssl_verify_host` disables checks for every connection.

use maillint_core::{
    Account, Applicability, Endpoint, FieldChange, Finding, FixAction, Label, ProposedFix,
    RuleContext, Span, TlsAdvice,
};

/// One endpoint with the indices a [`FixAction::Fields`] needs.
pub(crate) struct Site<'a> {
    /// Index of the account in [`RuleContext::accounts`].
    pub(crate) account_index: usize,
    /// The account.
    pub(crate) account: &'a Account,
    /// Index of the endpoint in the account.
    pub(crate) endpoint_index: usize,
    /// The endpoint.
    pub(crate) endpoint: &'a Endpoint,
}

impl Site<'_> {
    /// A fix that changes fields of this endpoint.
    pub(crate) fn fix(
        &self,
        title: impl Into<String>,
        applicability: Applicability,
        changes: Vec<FieldChange>,
    ) -> ProposedFix {
        ProposedFix {
            title: title.into(),
            applicability,
            action: FixAction::Fields {
                account: self.account_index,
                endpoint: self.endpoint_index,
                changes,
            },
        }
    }

    /// `help`, followed by the account's client's own words for `advice` when it has some
    /// (`ClientSupport::tls_advice`): the rule stays generic, the client names its setting.
    pub(crate) fn tls_help(&self, help: impl Into<String>, advice: TlsAdvice) -> String {
        self.account.client.with_tls_advice(help.into(), advice, self.endpoint.protocol)
    }

    /// The endpoint's host as written, or a description when the file does not say.
    pub(crate) fn host_text(&self) -> &str {
        self.endpoint.host.as_ref().map_or("(unknown host)", |h| h.value.as_str())
    }

    /// "the IMAP connection to `imap.example.net`", or "the IMAP connection" when the host is
    /// not known (it comes from a command, say).
    pub(crate) fn connection(&self) -> String {
        let protocol = self.endpoint.protocol;
        match &self.endpoint.host {
            Some(host) => format!("the {protocol} connection to `{}`", host.value),
            None => format!("the {protocol} connection"),
        }
    }
}

/// Every endpoint of every account, in model order.
pub(crate) fn sites<'a>(cx: &'a RuleContext<'_>) -> impl Iterator<Item = Site<'a>> {
    cx.accounts.iter().enumerate().flat_map(|(account_index, account)| {
        account.endpoints.iter().enumerate().map(move |(endpoint_index, endpoint)| Site {
            account_index,
            account,
            endpoint_index,
            endpoint,
        })
    })
}

/// Adds a label when the span covers text: a defaulted value's span is only an insertion
/// point, which the message already describes in words.
pub(crate) fn label_text(finding: Finding, span: Span, message: impl Into<String>) -> Finding {
    if span.range.is_empty() { finding } else { finding.label(span, message) }
}

/// A rule's findings, at most one per place.
///
/// Two findings are at the same place when their primary spans are equal and cover text, or,
/// for an insertion point, when they also concern the same endpoint (its locator): parsers may
/// use one insertion point for the defaults of several servers.
#[derive(Default)]
pub(crate) struct Findings {
    entries: Vec<((Span, Option<String>), Finding)>,
}

impl Findings {
    pub(crate) fn new() -> Self {
        Self::default()
    }

    /// Adds `finding` about `endpoint`. When the place was already reported, the finding is
    /// dropped and `also` (e.g. "also applies to the connection to smtp.example.net") is added
    /// to the earlier one instead.
    pub(crate) fn add(&mut self, endpoint: &Endpoint, finding: Finding, also: Option<Label>) {
        let key = (finding.span, finding.span.range.is_empty().then(|| endpoint.locator.clone()));
        if let Some((_, earlier)) = self.entries.iter_mut().find(|(k, _)| *k == key) {
            if let Some(label) = also
                && !label.span.range.is_empty()
                && !earlier.labels.contains(&label)
            {
                earlier.labels.push(label);
            }
            return;
        }
        self.entries.push((key, finding));
    }

    /// Hands the findings to the engine.
    pub(crate) fn finish(self, out: &mut Vec<Finding>) {
        out.extend(self.entries.into_iter().map(|(_, finding)| finding));
    }
}

#[cfg(test)]
mod tests {
    use maillint_core::{FileId, Protocol};

    use super::*;
    use crate::testing::EndpointBuilder;

    #[test]
    fn one_finding_per_place_with_labels_for_the_others() {
        let shared = Span::new(FileId(0), 5, 9);
        let first = EndpointBuilder::new(Protocol::Imap).host("a.example").build();
        let second = EndpointBuilder::new(Protocol::Smtp).host("b.example").build();
        let mut findings = Findings::new();
        findings.add(&first, Finding::new(shared, "x"), None);
        let other_host = second.host.as_ref().unwrap().span;
        findings.add(&second, Finding::new(shared, "x"), Some(Label::new(other_host, "also")));
        let mut out = Vec::new();
        findings.finish(&mut out);
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].labels.len(), 1);
        assert_eq!(out[0].labels[0].span, other_host);
    }

    #[test]
    fn insertion_points_are_distinct_per_endpoint() {
        let point = Span::point(FileId(0), 40);
        let first = EndpointBuilder::new(Protocol::Imap).locator("server:server1").build();
        let second = EndpointBuilder::new(Protocol::Imap).locator("server:server2").build();
        let mut findings = Findings::new();
        findings.add(&first, Finding::new(point, "x"), None);
        findings.add(&second, Finding::new(point, "x"), None);
        findings.add(&second, Finding::new(point, "x"), None);
        let mut out = Vec::new();
        findings.finish(&mut out);
        assert_eq!(out.len(), 2);
    }
}
