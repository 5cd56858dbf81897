//! Diagnostics: what a rule (or a parser) found, where, why it matters and how to fix it.
//!
//! A [`Diagnostic`] is the unit every renderer prints and every fix comes from. Messages never
//! contain a secret: rules describe secrets by the setting that holds them, and renderers redact
//! the secret spans of a unit when they show source text.

use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::fix::Fix;
use crate::model::EndpointFacts;
use crate::rule::RuleMeta;
use crate::span::Span;

/// How serious a finding is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing; nothing is broken.
    Info,
    /// Works, but is insecure or fragile.
    Warning,
    /// Broken or dangerous.
    Error,
}

impl Severity {
    /// `error`, `warning` or `info`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Info => "info",
        }
    }
}

impl std::fmt::Display for Severity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // `pad` so that width and alignment (`{:<8}`) work in tables.
        f.pad(self.as_str())
    }
}

/// A secondary place that explains the finding ("this port ...", "... with this security").
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Label {
    /// The text the label points at.
    pub span: Span,
    /// What to say there.
    pub message: String,
}

impl Label {
    /// A label at `span`.
    pub fn new(span: Span, message: impl Into<String>) -> Self {
        Self { span, message: message.into() }
    }
}

/// One finding, ready to render or fix.
#[derive(Clone, Debug)]
pub struct Diagnostic {
    /// The rule that produced it.
    pub rule: Arc<RuleMeta>,
    /// Its severity (the rule's default unless configuration overrides it).
    pub severity: Severity,
    /// What is wrong, in one sentence.
    pub message: String,
    /// The primary location.
    pub span: Span,
    /// Why it matters.
    pub why: Option<String>,
    /// What the right value is, or what to do.
    pub help: Option<String>,
    /// Further places that explain the finding.
    pub labels: Vec<Label>,
    /// The fix, when one is known.
    pub fix: Option<Fix>,
    /// The endpoint the finding is about (account, protocol, host, port, security), for
    /// findings about one connection.
    pub endpoint: Option<EndpointFacts>,
}

impl Diagnostic {
    /// A diagnostic of `rule` at `span` with the rule's default severity.
    pub fn new(rule: &Arc<RuleMeta>, span: Span, message: impl Into<String>) -> Self {
        Self {
            rule: Arc::clone(rule),
            severity: rule.severity,
            message: message.into(),
            span,
            why: None,
            help: None,
            labels: Vec::new(),
            fix: None,
            endpoint: None,
        }
    }

    /// Adds why it matters.
    pub fn with_why(mut self, why: impl Into<String>) -> Self {
        self.why = Some(why.into());
        self
    }

    /// Adds what to do.
    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Adds a secondary label.
    pub fn with_label(mut self, label: Label) -> Self {
        self.labels.push(label);
        self
    }

    /// Overrides the severity.
    pub fn with_severity(mut self, severity: Severity) -> Self {
        self.severity = severity;
        self
    }
}
