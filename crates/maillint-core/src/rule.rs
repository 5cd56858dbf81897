//! Rules: their metadata, the [`Rule`] trait, the [`declare_rule!`] macro and the registry.
//!
//! A rule is a check over the account model. Its identity is a stable kebab-case name
//! (`wrong-provider-host`) and a short code grouped by concern (`H001`); both are accepted
//! wherever rules are selected. A built-in rule's documentation is its own doc comment, captured
//! by [`declare_rule!`], so `maillint rule NAME`, the generated docs and SARIF all show the same
//! text. Rules from packs and plugins carry the same [`RuleMeta`], built at run time.

use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::Arc;

use serde::Serialize;

use crate::diagnostic::{Label, Severity};
use crate::fix::ProposedFix;
use crate::model::{Account, EndpointFacts};
use crate::providers::ProviderDb;
use crate::run_state::RunState;
use crate::span::Span;

/// Whether a rule can offer a fix (ruff's `FixAvailability`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum FixAvailability {
    /// Every finding carries a fix.
    Always,
    /// Some findings carry a fix.
    Sometimes,
    /// No finding carries a fix.
    None,
}

/// Where a rule was defined.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum RuleOrigin {
    /// Compiled into maillint.
    BuiltIn,
    /// A declarative rule pack.
    Pack {
        /// The pack file.
        path: PathBuf,
    },
    /// An external plugin.
    Plugin {
        /// The plugin's name.
        name: String,
    },
}

/// Everything known about a rule except its check.
#[derive(Clone, Debug, Serialize)]
pub struct RuleMeta {
    /// Short code grouped by concern, e.g. `H001`.
    pub code: String,
    /// Stable kebab-case name, e.g. `wrong-provider-host`.
    pub name: String,
    /// The concern the rule belongs to, e.g. `host`.
    pub group: String,
    /// Default severity.
    pub severity: Severity,
    /// One sentence: what the rule catches.
    pub summary: String,
    /// The full documentation in Markdown.
    pub doc: String,
    /// Whether findings carry fixes.
    pub fix: FixAvailability,
    /// Whether the rule runs when nothing is selected explicitly.
    pub default_enabled: bool,
    /// Where it was defined.
    pub origin: RuleOrigin,
}

impl RuleMeta {
    /// Metadata for a built-in rule from its doc comment lines (as `declare_rule!` captures
    /// them: one string per `///` line, each with its leading space).
    pub fn builtin(
        code: &str,
        name: &str,
        group: &str,
        severity: Severity,
        fix: FixAvailability,
        doc_lines: &[&str],
    ) -> Self {
        let doc = doc_lines
            .iter()
            .map(|line| line.strip_prefix(' ').unwrap_or(line))
            .collect::<Vec<_>>()
            .join("\n");
        let summary = summary_of(&doc);
        Self {
            code: code.to_owned(),
            name: name.to_owned(),
            group: group.to_owned(),
            severity,
            summary,
            doc,
            fix,
            default_enabled: true,
            origin: RuleOrigin::BuiltIn,
        }
    }
}

/// The first sentence of the first prose paragraph (headings skipped).
pub fn summary_of(doc: &str) -> String {
    let mut paragraph = String::new();
    for line in doc.lines() {
        let line = line.trim();
        if line.starts_with('#') {
            continue;
        }
        if line.is_empty() {
            if paragraph.is_empty() {
                continue;
            }
            break;
        }
        if !paragraph.is_empty() {
            paragraph.push(' ');
        }
        paragraph.push_str(line);
    }
    match paragraph.find(". ") {
        Some(end) => paragraph[..=end].to_owned(),
        None => paragraph,
    }
}

/// Declares a built-in rule: a unit struct whose doc comment becomes the rule's documentation,
/// and an associated `metadata()` built once.
///
/// ```
/// use maillint_core::{declare_rule, Rule, RuleContext, Finding};
/// declare_rule! {
///     /// ## What it does
///     /// Flags nothing, as an example.
///     pub struct Example {
///         code: "X001",
///         name: "example",
///         group: "example",
///         severity: Info,
///         fix: None,
///     }
/// }
/// impl Rule for Example {
///     fn meta(&self) -> &std::sync::Arc<maillint_core::RuleMeta> { Self::metadata() }
///     fn check(&self, _cx: &RuleContext<'_>, _out: &mut Vec<Finding>) {}
/// }
/// assert_eq!(Example::metadata().summary, "Flags nothing, as an example.");
/// ```
#[macro_export]
macro_rules! declare_rule {
    (
        $(#[doc = $doc:literal])*
        $vis:vis struct $name:ident {
            code: $code:literal,
            name: $kebab:literal,
            group: $group:literal,
            severity: $severity:ident,
            fix: $fix:ident $(,)?
        }
    ) => {
        $(#[doc = $doc])*
        #[derive(Debug, Default, Clone, Copy)]
        $vis struct $name;

        impl $name {
            /// The rule's metadata, built once from its doc comment.
            pub fn metadata() -> &'static ::std::sync::Arc<$crate::RuleMeta> {
                static META: ::std::sync::LazyLock<::std::sync::Arc<$crate::RuleMeta>> =
                    ::std::sync::LazyLock::new(|| {
                        ::std::sync::Arc::new($crate::RuleMeta::builtin(
                            $code,
                            $kebab,
                            $group,
                            $crate::Severity::$severity,
                            $crate::FixAvailability::$fix,
                            &[$($doc),*],
                        ))
                    });
                &META
            }
        }
    };
}

/// Settings rules may read (from configuration).
#[derive(Clone, Debug, Default)]
pub struct RuleSettings {
    /// Hosts the user trusts: never reported as look-alikes or wrong hosts.
    pub trusted_hosts: Vec<String>,
    /// The run's date, for provider policies that change on a given day; the system clock's
    /// day when `None` ([`crate::Date::today`] sets it from `MAILLINT_TODAY`).
    pub today: Option<crate::Date>,
}

/// What a rule sees: the accounts of one unit, the provider facts, the settings, and what the
/// run computed once for every unit's rules.
pub struct RuleContext<'a> {
    /// The accounts parsed from the unit.
    pub accounts: &'a [Account],
    /// Provider facts.
    pub providers: &'a ProviderDb,
    /// Settings from configuration.
    pub settings: &'a RuleSettings,
    /// Values built once per run from `providers` and `settings` and shared by every unit
    /// (the built-in host rules keep their provider index there). The engine's linter owns
    /// it; a caller checking units itself keeps one for all the units it checks.
    pub run: &'a RunState,
}

/// What a rule reports; the engine turns it into a [`Diagnostic`](crate::Diagnostic).
#[derive(Clone, Debug)]
pub struct Finding {
    /// Primary location.
    pub span: Span,
    /// What is wrong.
    pub message: String,
    /// Why it matters.
    pub why: Option<String>,
    /// What the right value is.
    pub help: Option<String>,
    /// Further locations.
    pub labels: Vec<Label>,
    /// A proposed fix.
    pub fix: Option<ProposedFix>,
    /// A severity other than the rule's default (e.g. a legacy alias is only a warning).
    pub severity: Option<Severity>,
    /// The endpoint the finding is about, carried into the diagnostic as fields.
    pub endpoint: Option<EndpointFacts>,
}

impl Finding {
    /// A finding at `span`.
    pub fn new(span: Span, message: impl Into<String>) -> Self {
        Self {
            span,
            message: message.into(),
            why: None,
            help: None,
            labels: Vec::new(),
            fix: None,
            severity: None,
            endpoint: None,
        }
    }

    /// Adds why it matters.
    pub fn why(mut self, why: impl Into<String>) -> Self {
        self.why = Some(why.into());
        self
    }

    /// Adds what to do.
    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    /// Adds a label.
    pub fn label(mut self, span: Span, message: impl Into<String>) -> Self {
        self.labels.push(Label::new(span, message));
        self
    }

    /// Attaches a fix.
    pub fn fix(mut self, fix: ProposedFix) -> Self {
        self.fix = Some(fix);
        self
    }

    /// Overrides the severity.
    pub fn severity(mut self, severity: Severity) -> Self {
        self.severity = Some(severity);
        self
    }

    /// Says which endpoint the finding is about.
    pub fn about(mut self, endpoint: EndpointFacts) -> Self {
        self.endpoint = Some(endpoint);
        self
    }
}

/// A check over the account model.
///
/// A rule sees the accounts of one unit, the provider facts and the user's settings, and pushes
/// [`Finding`]s: where, what, why, and optionally a [`ProposedFix`] as field changes that the
/// parser of the unit's format turns into edits. Rules never read text and never print. Its
/// [`RuleMeta`] (usually from [`declare_rule!`](crate::declare_rule)) makes it selectable,
/// suppressible and documented like every other rule.
///
/// # Example
///
/// ```
/// use std::sync::Arc;
/// use maillint_core::{
///     declare_rule, Account, Applicability, AuthMethod, Client, Endpoint, FieldChange, FileId,
///     Finding, FixAction, Located, Protocol, ProposedFix, ProviderDb, Rule, RuleContext,
///     RuleMeta, RuleSettings, RunState, Security, Span,
/// };
///
/// declare_rule! {
///     /// ## What it does
///     /// Reports SMTP submission on port 25, the port for relays between servers.
///     ///
///     /// ## Why is this bad?
///     /// Many networks block port 25; clients submit on 587 (RFC 6409) or 465 (RFC 8314).
///     pub struct SubmissionOnPort25 {
///         code: "ORG001",
///         name: "submission-on-port-25",
///         group: "transport",
///         severity: Warning,
///         fix: Always,
///     }
/// }
///
/// impl Rule for SubmissionOnPort25 {
///     fn meta(&self) -> &Arc<RuleMeta> {
///         Self::metadata()
///     }
///     fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Finding>) {
///         for (a, account) in cx.accounts.iter().enumerate() {
///             for (e, endpoint) in account.endpoints.iter().enumerate() {
///                 let Some(port) = &endpoint.port else { continue };
///                 if endpoint.protocol == Protocol::Smtp && port.value == 25 {
///                     out.push(Finding::new(port.span, "SMTP submission on port 25").fix(
///                         ProposedFix {
///                             title: "Submit on port 587 with STARTTLS".to_owned(),
///                             applicability: Applicability::Unsafe,
///                             action: FixAction::Fields {
///                                 account: a,
///                                 endpoint: e,
///                                 changes: vec![
///                                     FieldChange::Port(587),
///                                     FieldChange::Security(Security::StarttlsRequired),
///                                 ],
///                             },
///                         },
///                     ));
///                 }
///             }
///         }
///     }
/// }
///
/// let span = Span::new(FileId(0), 10, 12);
/// let endpoint = Endpoint {
///     protocol: Protocol::Smtp,
///     host: None,
///     port: Some(Located::explicit(25, span)),
///     security: Located::explicit(Security::None, span),
///     auth: Located::explicit(AuthMethod::PasswordCleartext, span),
///     username: None,
///     certificate_verification_disabled: None,
///     secrets: Vec::new(),
///     tls_versions: Vec::new(),
///     span,
///     locator: String::new(),
/// };
/// let accounts = [Account {
///     client: Client::named("mutt"),
///     name: "work".to_owned(),
///     email: None,
///     span,
///     endpoints: vec![endpoint],
/// }];
/// let providers = ProviderDb::new();
/// let settings = RuleSettings::default();
/// let run = RunState::new();
/// let cx =
///     RuleContext { accounts: &accounts, providers: &providers, settings: &settings, run: &run };
/// let mut findings = Vec::new();
/// SubmissionOnPort25.check(&cx, &mut findings);
/// assert_eq!(findings.len(), 1);
/// assert_eq!(findings[0].span, span);
/// ```
pub trait Rule: Send + Sync {
    /// The rule's metadata.
    fn meta(&self) -> &Arc<RuleMeta>;
    /// Runs the check and pushes findings.
    fn check(&self, cx: &RuleContext<'_>, out: &mut Vec<Finding>);
}

/// All known rules: checks over the model, and rules whose findings come from elsewhere
/// (parsers, the verifier), which are listed here so they can be selected and documented.
///
/// Names and codes are unique across the registry: registering a second rule with a name or
/// code already in use is an error, so a rule from a pack, a plugin or another crate can never
/// shadow a built-in one.
///
/// ```
/// use std::sync::Arc;
/// use maillint_core::builtin::{ParseError, NotFollowed};
/// use maillint_core::{RuleRegistry, Selection};
///
/// let mut rules = RuleRegistry::new();
/// rules.register_meta(Arc::clone(ParseError::metadata())).unwrap();
/// rules.register_meta(Arc::clone(NotFollowed::metadata())).unwrap();
/// assert!(rules.register_meta(Arc::clone(ParseError::metadata())).is_err());
///
/// // Names and codes (case-insensitively) find the same rule.
/// assert_eq!(rules.get("p001").unwrap().name, "parse-error");
/// // Selection works on names, codes and code prefixes.
/// let only = Selection { ignore: vec!["not-followed".into()], ..Default::default() };
/// assert_eq!(rules.resolve(&only).unwrap().names().collect::<Vec<_>>(), ["parse-error"]);
/// ```
#[derive(Default, Clone)]
pub struct RuleRegistry {
    checks: Vec<Arc<dyn Rule>>,
    metas: Vec<Arc<RuleMeta>>,
    by_key: HashMap<String, usize>,
}

/// Registering two rules with the same name or code.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DuplicateRule {
    /// The name or code used twice.
    pub key: String,
}

impl std::fmt::Display for DuplicateRule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "two rules use the name or code `{}`", self.key)
    }
}

impl std::error::Error for DuplicateRule {}

impl RuleRegistry {
    /// An empty registry.
    pub fn new() -> Self {
        Self::default()
    }

    /// Registers a check.
    pub fn register(&mut self, rule: Arc<dyn Rule>) -> Result<(), DuplicateRule> {
        self.register_meta(Arc::clone(rule.meta()))?;
        self.checks.push(rule);
        Ok(())
    }

    /// Registers the metadata of a rule whose findings are produced outside the rule engine.
    pub fn register_meta(&mut self, meta: Arc<RuleMeta>) -> Result<(), DuplicateRule> {
        for key in [&meta.name, &meta.code] {
            if self.by_key.contains_key(key.as_str()) {
                return Err(DuplicateRule { key: key.clone() });
            }
        }
        let index = self.metas.len();
        self.by_key.insert(meta.name.clone(), index);
        self.by_key.insert(meta.code.clone(), index);
        self.metas.push(meta);
        Ok(())
    }

    /// The checks, in registration order.
    pub fn checks(&self) -> &[Arc<dyn Rule>] {
        &self.checks
    }

    /// Every rule's metadata, in registration order.
    pub fn metas(&self) -> &[Arc<RuleMeta>] {
        &self.metas
    }

    /// A rule by name or code (case-insensitive for codes).
    pub fn get(&self, key: &str) -> Option<&Arc<RuleMeta>> {
        self.by_key
            .get(key)
            .or_else(|| self.by_key.get(&key.to_ascii_uppercase()))
            .map(|&i| &self.metas[i])
    }
}
