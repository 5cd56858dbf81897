//! Rule plugins behind the core's [`Rule`] trait, and the `plugin-error` rule.
//!
//! The engine calls each rule's check separately, but a rule plugin answers for all its rules
//! in one process run. [`RulePlugin`] therefore runs the plugin once per unit and remembers the
//! answer, keyed by the exact request (the serialised accounts): every [`ExternalRule`] of the
//! plugin takes its own findings from that one answer. `plugin-error` runs after them (it is
//! registered last) and reports a failed run, without starting the plugin again.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};

use maillint_core::{
    Account, Endpoint, Finding, FixAction, Label, ProposedFix, Rule, RuleContext, RuleMeta, Span,
    declare_rule,
};

use super::wire::{
    CheckResponse, PROTOCOL_VERSION, Request, WireFinding, WireLocation, WireSettings, accounts_out,
};
use super::{AnswerError, CallError, PluginRunner, clean_text};
use crate::pack::format::Target;

declare_rule! {
    /// ## What it does
    /// Reports an external plugin that failed on a file: it crashed, exited with an error, did
    /// not answer within its timeout, wrote more output than allowed, answered with something
    /// that is not protocol-1 JSON, or returned spans, indices or rules that do not fit.
    ///
    /// ## Why is this bad?
    /// The plugin's results for the file are dropped whole, so the file (for a parser plugin)
    /// or the plugin's rules (for a rule plugin) were not checked. A failing plugin must not
    /// pass for a clean file.
    ///
    /// ## Example
    /// ```text
    /// the `msmtp` parser plugin did not answer within 10.0 s and was stopped
    /// ```
    ///
    /// ## Fix
    /// None: the message says what went wrong. Fix the plugin, raise its `timeout` or
    /// `max-output`, or remove it from the configuration.
    pub struct PluginErrorRule {
        code: "X001",
        name: "plugin-error",
        group: "plugin",
        severity: Error,
        fix: None,
    }
}

/// Why a run of a rule plugin gave no findings to report.
#[derive(Debug, thiserror::Error)]
enum RunFailure {
    /// No usable answer.
    #[error(transparent)]
    Call(#[from] CallError),
    /// An answer whose findings do not fit the unit.
    #[error(transparent)]
    Answer(#[from] AnswerError),
}

/// The findings of one run, by index of the declared rule.
type Outcome = Result<Vec<(usize, Finding)>, RunFailure>;

/// How many answers a rule plugin remembers (units are linted in parallel; each needs its
/// answer only while its rules run).
const REMEMBERED: usize = 32;

/// A rule plugin: its runner, its rules and the answers of recent runs.
pub struct RulePlugin {
    runner: Arc<PluginRunner>,
    rules: Vec<Arc<RuleMeta>>,
    answers: Mutex<VecDeque<(Vec<u8>, Arc<Outcome>)>>,
}

impl RulePlugin {
    pub(crate) fn new(runner: Arc<PluginRunner>, rules: Vec<Arc<RuleMeta>>) -> Self {
        Self { runner, rules, answers: Mutex::new(VecDeque::new()) }
    }

    pub(crate) fn checks(self: &Arc<Self>) -> Vec<Arc<dyn Rule>> {
        (0..self.rules.len())
            .map(|index| {
                Arc::new(ExternalRule { plugin: Arc::clone(self), index }) as Arc<dyn Rule>
            })
            .collect()
    }

    fn request(cx: &RuleContext<'_>) -> Vec<u8> {
        let request = Request::Check {
            protocol: PROTOCOL_VERSION,
            accounts: accounts_out(cx.accounts),
            settings: WireSettings { trusted_hosts: cx.settings.trusted_hosts.clone() },
        };
        // Serialising plain data to a Vec cannot fail.
        serde_json::to_vec(&request).unwrap_or_default()
    }

    fn remembered(&self, key: &[u8]) -> Option<Arc<Outcome>> {
        let answers = self.answers.lock().unwrap_or_else(|e| e.into_inner());
        answers.iter().find(|(k, _)| k == key).map(|(_, o)| Arc::clone(o))
    }

    /// The answer for this unit: remembered, or (when `run` is set) from a new run.
    fn outcome(&self, cx: &RuleContext<'_>, run: bool) -> Option<Arc<Outcome>> {
        if cx.accounts.is_empty() {
            return None;
        }
        let key = Self::request(cx);
        if let Some(outcome) = self.remembered(&key) {
            return Some(outcome);
        }
        if !run {
            return None;
        }
        // The lock is not held while the plugin runs: other units' rules go on meanwhile.
        let outcome = Arc::new(self.run(cx.accounts, key.clone()));
        let mut answers = self.answers.lock().unwrap_or_else(|e| e.into_inner());
        if answers.len() >= REMEMBERED {
            answers.pop_front();
        }
        answers.push_back((key, Arc::clone(&outcome)));
        Some(outcome)
    }

    fn run(&self, accounts: &[Account], request: Vec<u8>) -> Outcome {
        let response: CheckResponse = self.runner.call_encoded(request, false)?;
        let mut findings = Vec::with_capacity(response.findings.len());
        for (i, wire) in response.findings.into_iter().enumerate() {
            findings.push(self.finding(accounts, i, wire)?);
        }
        Ok(findings)
    }

    fn finding(
        &self,
        accounts: &[Account],
        i: usize,
        wire: WireFinding,
    ) -> Result<(usize, Finding), AnswerError> {
        let at = format!("findings[{i}]");
        let Some(index) = self
            .rules
            .iter()
            .position(|r| r.name == wire.rule || r.code.eq_ignore_ascii_case(&wire.rule))
        else {
            return Err(AnswerError::UndeclaredRule { at, rule: wire.rule });
        };
        if wire.message.trim().is_empty() {
            return Err(AnswerError::EmptyMessage { at });
        }
        let (span, endpoint) = locate(accounts, &wire.at, || at.clone())?;
        let mut finding = Finding::new(span, clean_text(&wire.message));
        finding.why = wire.why.as_deref().map(clean_text);
        finding.help = wire.help.as_deref().map(clean_text);
        finding.severity = wire.severity;
        for (l, label) in wire.labels.into_iter().enumerate() {
            let (span, _) = locate(accounts, &label.at, || format!("{at}.labels[{l}]"))?;
            finding.labels.push(Label::new(span, clean_text(&label.message)));
        }
        if let Some(fix) = wire.fix {
            let action = if fix.changes.is_empty() {
                FixAction::Describe
            } else {
                let Some(endpoint) = endpoint else {
                    return Err(AnswerError::FixWithoutEndpoint { at });
                };
                FixAction::Fields { account: wire.at.account, endpoint, changes: fix.changes }
            };
            let applicability = match action {
                FixAction::Describe => maillint_core::Applicability::DisplayOnly,
                _ => fix.applicability,
            };
            finding.fix =
                Some(ProposedFix { title: clean_text(&fix.title), applicability, action });
        }
        Ok((index, finding))
    }
}

/// The span a location names, and its endpoint index; `place` names the location in errors.
fn locate(
    accounts: &[Account],
    at: &WireLocation,
    place: impl Fn() -> String,
) -> Result<(Span, Option<usize>), AnswerError> {
    let account = accounts.get(at.account).ok_or_else(|| AnswerError::NoAccount {
        at: place(),
        account: at.account,
        count: accounts.len(),
    })?;
    let endpoint: Option<&Endpoint> = match at.endpoint {
        Some(e) => Some(account.endpoints.get(e).ok_or_else(|| AnswerError::NoEndpoint {
            at: place(),
            account: at.account,
            endpoint: e,
            count: account.endpoints.len(),
        })?),
        None => None,
    };
    let field =
        at.field.unwrap_or(if endpoint.is_some() { Target::Endpoint } else { Target::Account });
    let missing = || AnswerError::NoValue {
        at: place(),
        field: field.as_str(),
        account: at.account,
        endpoint: at.endpoint,
    };
    let span = match field {
        Target::Account => Some(account.span),
        Target::Email => account.email.as_ref().map(|e| e.span),
        other => {
            let Some(e) = endpoint else {
                return Err(AnswerError::FieldWithoutEndpoint {
                    at: place(),
                    field: other.as_str(),
                });
            };
            match other {
                Target::Endpoint => Some(e.span),
                Target::Host => e.host.as_ref().map(|h| h.span),
                Target::Port => e.port.as_ref().map(|p| p.span),
                Target::Security => Some(e.security.span),
                Target::Auth => Some(e.auth.span),
                Target::Username => e.username.as_ref().map(|u| u.span),
                Target::CertificateVerification => {
                    e.certificate_verification_disabled.as_ref().map(|c| c.span)
                }
                Target::Secret => e.secrets.first().map(|s| s.span),
                Target::Account | Target::Email => unreachable!("handled above"),
            }
        }
    };
    Ok((span.ok_or_else(missing)?, at.endpoint))
}

/// One declared rule of a rule plugin.
pub struct ExternalRule {
    plugin: Arc<RulePlugin>,
    index: usize,
}

impl Rule for ExternalRule {
    fn meta(&self) -> &Arc<RuleMeta> {
        &self.plugin.rules[self.index]
    }

    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Finding>) {
        if let Some(outcome) = self.plugin.outcome(cx, true)
            && let Ok(findings) = outcome.as_ref()
        {
            out.extend(
                findings.iter().filter(|(index, _)| *index == self.index).map(|(_, f)| f.clone()),
            );
        }
    }
}

/// The check behind `plugin-error` for rule plugins (parser plugins report their failures as
/// parse diagnostics of the same rule).
struct PluginErrorCheck {
    plugins: Vec<Arc<RulePlugin>>,
}

impl Rule for PluginErrorCheck {
    fn meta(&self) -> &Arc<RuleMeta> {
        PluginErrorRule::metadata()
    }

    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Finding>) {
        for plugin in &self.plugins {
            // Only an answer a plugin rule asked for: with every rule of the plugin turned off,
            // the plugin does not run and cannot fail.
            if let Some(outcome) = plugin.outcome(cx, false)
                && let Err(message) = outcome.as_ref()
                && let Some(first) = cx.accounts.first()
            {
                out.push(
                    Finding::new(
                        Span::point(first.span.file, 0),
                        format!("the `{}` rule plugin {message}", plugin.runner.name()),
                    )
                    .help("the plugin's rules were not checked on this file; fix the plugin or remove it from the configuration"),
                );
            }
        }
    }
}

/// The `plugin-error` rule as a check over the given plugins' rule-plugin runs. Register it
/// after every plugin rule, so that it sees their answers.
pub fn plugin_error_check(plugins: &[super::ExternalPlugin]) -> Arc<dyn Rule> {
    Arc::new(PluginErrorCheck {
        plugins: plugins.iter().filter_map(|p| p.rule_plugin().cloned()).collect(),
    })
}
