//! A rule from a pack: compiled conditions, templates and fix, behind the core's [`Rule`] trait.
//!
//! The engine cannot tell a pack rule from a built-in: it has a [`RuleMeta`] (origin
//! [`RuleOrigin::Pack`]) and reports [`Finding`]s whose fixes are [`FixAction::Fields`], which the
//! parser that read the file lowers into edits in its own format.
//!
//! Like the built-in rules, a pack rule reports one piece of text once: endpoints can share text
//! (two Thunderbird accounts with one outgoing server, one muttrc option for every connection),
//! and a finding per endpoint would repeat itself. The first finding stays; the rule's `also`
//! template labels the other endpoints' hosts.
//!
//! [`RuleOrigin::Pack`]: maillint_core::RuleOrigin::Pack

use std::sync::Arc;

use maillint_core::providers::normalize_host;
use maillint_core::{
    Account, Applicability, Endpoint, FieldChange, Finding, FixAction, Label, ProposedFix, Rule,
    RuleContext, RuleMeta, Security, Span,
};

use super::condition::{Condition, Subject};
use super::format::{PortValue, Scope, Target};
use super::template::Template;

/// A compiled `[rule.fix]`.
#[derive(Debug)]
pub(crate) struct CompiledFix {
    pub(crate) title: Template,
    pub(crate) applicability: Applicability,
    pub(crate) host: Option<String>,
    pub(crate) port: Option<PortValue>,
    pub(crate) security: Option<Security>,
    pub(crate) auth: Option<maillint_core::AuthMethod>,
    pub(crate) enable_certificate_verification: bool,
}

/// Where in the pack file a rule is, for errors that come after loading (name collisions).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RuleLocation {
    /// 1-based line of the rule's `name`.
    pub name_line: usize,
    /// 1-based column of the rule's `name`.
    pub name_column: usize,
    /// 1-based line of the rule's `code`.
    pub code_line: usize,
    /// 1-based column of the rule's `code`.
    pub code_column: usize,
}

/// One rule of a pack.
#[derive(Debug)]
pub struct PackRule {
    pub(crate) meta: Arc<RuleMeta>,
    pub(crate) scope: Scope,
    pub(crate) when: Condition,
    pub(crate) at: Option<Target>,
    pub(crate) message: Template,
    pub(crate) help: Option<Template>,
    pub(crate) why: Option<Template>,
    pub(crate) labels: Vec<(Target, Template)>,
    pub(crate) also: Option<Template>,
    pub(crate) fix: Option<CompiledFix>,
    pub(crate) location: RuleLocation,
}

impl PackRule {
    /// Where the rule's name and code are written.
    pub fn location(&self) -> &RuleLocation {
        &self.location
    }
}

/// The span of a model value, when the model has it.
fn target_span(target: Target, account: &Account, endpoint: Option<&Endpoint>) -> Option<Span> {
    match target {
        Target::Account => Some(account.span),
        Target::Email => account.email.as_ref().map(|e| e.span),
        Target::Endpoint => endpoint.map(|e| e.span),
        Target::Host => endpoint?.host.as_ref().map(|h| h.span),
        Target::Port => endpoint?.port.as_ref().map(|p| p.span),
        Target::Security => endpoint.map(|e| e.security.span),
        Target::Auth => endpoint.map(|e| e.auth.span),
        Target::Username => endpoint?.username.as_ref().map(|u| u.span),
        Target::CertificateVerification => {
            endpoint?.certificate_verification_disabled.as_ref().map(|c| c.span)
        }
        Target::Secret => endpoint?.secrets.first().map(|s| s.span),
    }
}

/// One finding with the key that says which place it is about.
struct Placed {
    key: (Span, Option<String>),
    finding: Finding,
}

impl Rule for PackRule {
    fn meta(&self) -> &Arc<RuleMeta> {
        &self.meta
    }

    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Finding>) {
        let mut placed: Vec<Placed> = Vec::new();
        for (account_index, account) in cx.accounts.iter().enumerate() {
            let mail_domain = account.mail_domain();
            let hosts: Vec<Option<String>> = account
                .endpoints
                .iter()
                .map(|e| e.host.as_ref().map(|h| normalize_host(&h.value)))
                .collect();
            let subject_for = |index: Option<usize>| Subject {
                account,
                endpoint: index.map(|i| &account.endpoints[i]),
                host: index.and_then(|i| hosts[i].as_deref()),
                mail_domain: mail_domain.as_deref(),
                providers: cx.providers,
                trusted_hosts: &cx.settings.trusted_hosts,
            };
            match self.scope {
                Scope::Endpoint => {
                    for endpoint_index in 0..account.endpoints.len() {
                        let subject = subject_for(Some(endpoint_index));
                        if self.when.holds(&subject) {
                            self.report(
                                cx,
                                &subject,
                                account_index,
                                Some(endpoint_index),
                                &mut placed,
                            );
                        }
                    }
                }
                Scope::Account => {
                    let matching = if account.endpoints.is_empty() {
                        self.when.holds(&subject_for(None)).then_some(None)
                    } else {
                        (0..account.endpoints.len())
                            .find(|&i| self.when.holds(&subject_for(Some(i))))
                            .map(Some)
                    };
                    if let Some(endpoint_index) = matching {
                        let subject = subject_for(endpoint_index);
                        self.report(cx, &subject, account_index, endpoint_index, &mut placed);
                    }
                }
            }
        }
        out.extend(placed.into_iter().map(|p| p.finding));
    }
}

impl PackRule {
    fn report(
        &self,
        cx: &RuleContext<'_>,
        subject: &Subject<'_>,
        account_index: usize,
        endpoint_index: Option<usize>,
        placed: &mut Vec<Placed>,
    ) {
        let account = subject.account;
        let endpoint = subject.endpoint;
        let fallback = endpoint.map_or(account.span, |e| e.span);
        let default_target = match self.scope {
            Scope::Endpoint => Target::Endpoint,
            Scope::Account => Target::Account,
        };
        let span =
            target_span(self.at.unwrap_or(default_target), account, endpoint).unwrap_or(fallback);

        // One finding per place: an insertion point is only the same place for the same
        // endpoint (parsers may use one point for the defaults of several servers).
        let key =
            (span, span.range.is_empty().then(|| endpoint.map(|e| e.locator.clone())).flatten());
        if let Some(earlier) = placed.iter_mut().find(|p| p.key == key) {
            if let (Some(also), Some(host)) = (&self.also, endpoint.and_then(|e| e.host.as_ref()))
                && !host.span.range.is_empty()
            {
                let label = Label::new(host.span, also.render(account, endpoint, cx.providers));
                if !earlier.finding.labels.contains(&label) {
                    earlier.finding.labels.push(label);
                }
            }
            return;
        }

        let render = |t: &Template| t.render(account, endpoint, cx.providers);
        let mut finding = Finding::new(span, render(&self.message));
        finding.why = self.why.as_ref().map(render);
        finding.help = self.help.as_ref().map(render);
        for (target, message) in &self.labels {
            // A defaulted value's span is an insertion point: the message already says it.
            if let Some(label_span) = target_span(*target, account, endpoint)
                && !label_span.range.is_empty()
            {
                finding = finding.label(label_span, render(message));
            }
        }
        if let Some(fix) = &self.fix {
            finding.fix =
                Some(self.proposed_fix(fix, account, endpoint, account_index, endpoint_index, cx));
        }
        placed.push(Placed { key, finding });
    }

    fn proposed_fix(
        &self,
        fix: &CompiledFix,
        account: &Account,
        endpoint: Option<&Endpoint>,
        account_index: usize,
        endpoint_index: Option<usize>,
        cx: &RuleContext<'_>,
    ) -> ProposedFix {
        let title = fix.title.render(account, endpoint, cx.providers);
        let (Some(endpoint), Some(endpoint_index)) = (endpoint, endpoint_index) else {
            return ProposedFix {
                title,
                applicability: Applicability::DisplayOnly,
                action: FixAction::Describe,
            };
        };
        let changes = field_changes(fix, endpoint);
        if changes.is_empty() {
            // Every field already has the value the fix would write: what the conditions
            // flagged is something the fix does not touch; say what to do, change nothing.
            return ProposedFix {
                title,
                applicability: Applicability::DisplayOnly,
                action: FixAction::Describe,
            };
        }
        ProposedFix {
            title,
            applicability: fix.applicability,
            action: FixAction::Fields { account: account_index, endpoint: endpoint_index, changes },
        }
    }
}

/// The changes a fix makes to an endpoint, in a fixed order (host, port, security, auth,
/// certificate verification), leaving out fields that already hold the wanted value.
pub(crate) fn field_changes(fix: &CompiledFix, endpoint: &Endpoint) -> Vec<FieldChange> {
    let mut changes = Vec::new();
    if let Some(host) = &fix.host {
        let current = endpoint.host.as_ref().map(|h| normalize_host(&h.value));
        if current.as_deref() != Some(normalize_host(host).as_str()) {
            changes.push(FieldChange::Host(host.clone()));
        }
    }
    if let Some(port) = fix.port {
        let wanted = port.for_protocol(endpoint.protocol);
        if endpoint.port.as_ref().map(|p| p.value) != Some(wanted) {
            changes.push(FieldChange::Port(wanted));
        }
    }
    if let Some(security) = fix.security
        && endpoint.security.value != security
    {
        changes.push(FieldChange::Security(security));
    }
    if let Some(auth) = fix.auth
        && endpoint.auth.value != auth
    {
        changes.push(FieldChange::Auth(auth));
    }
    if fix.enable_certificate_verification
        && endpoint.certificate_verification_disabled.as_ref().is_some_and(|d| d.value)
    {
        changes.push(FieldChange::EnableCertificateVerification);
    }
    changes
}
