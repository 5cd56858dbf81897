//! External plugins: executables in any language, declared in the configuration with their
//! SHA-256 digest, speaking a versioned JSON protocol over standard input and output.
//!
//! maillint stays in control. A plugin starts only when the configuration declares it, and only
//! when its file has the declared digest ([`digest`]). Each request is one process run with a
//! deadline and bounded output ([`process`]). Whatever comes back is checked ([`wire`]): a
//! crash, a non-zero exit, output that is not JSON, a wrong protocol version, a span outside the
//! text or a rule the plugin never declared become a `plugin-error` (X001) diagnostic on the
//! file concerned, never a panic, and the plugin's results for that file are dropped whole.
//!
//! * A parser plugin becomes a [`Parser`](maillint_core::Parser) ([`ExternalParser`]), chosen by
//!   the file-name globs of its `[[plugin]]` table. It may also write fixes by answering `lower`
//!   requests; without that, its findings' fixes are shown but not applied.
//! * A rule plugin becomes one [`Rule`](maillint_core::Rule) per rule it declares
//!   ([`ExternalRule`]); one process run per unit answers for all of them.
//!
//! `docs/plugins.md` documents the protocol for plugin authors.

pub mod digest;
pub mod error;
mod parser;
pub mod process;
mod rule;
pub mod spec;
pub mod wire;

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use maillint_core::{RuleMeta, RuleOrigin};
use serde::de::DeserializeOwned;

pub use error::{AnswerError, CallError, Stderr};
pub use parser::ExternalParser;
pub use rule::{ExternalRule, PluginErrorRule, RulePlugin, plugin_error_check};
pub use spec::{PluginKind, PluginSpec};

use crate::pack::{is_kebab_case, is_rule_code};
use digest::{DigestError, VerifiedCommand};
use process::{Limits, RunError};
use wire::WireRule;
use wire::{DescribeResponse, Envelope, PROTOCOL_VERSION, Request};

/// A plugin that could not be loaded: the configuration is wrong, the file's digest differs, or
/// the plugin's `describe` answer is unusable.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PluginLoadError {
    /// The plugin's configured name.
    pub plugin: String,
    /// The `[[plugin]]` key at fault, when one is.
    pub field: Option<&'static str>,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for PluginLoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "plugin `{}`: ", self.plugin)?;
        if let Some(field) = self.field {
            write!(f, "`{field}`: ")?;
        }
        f.write_str(&self.message)
    }
}

impl std::error::Error for PluginLoadError {}

/// Starts a plugin for one request at a time, after checking its digest.
#[derive(Debug)]
pub struct PluginRunner {
    name: String,
    command: VerifiedCommand,
    args: Vec<String>,
    dir: PathBuf,
    limits: Limits,
}

impl PluginRunner {
    /// The plugin's configured name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Sends one request and reads one response of type `R`.
    ///
    /// `carries_file_text` says whether the request holds a file's text (parse and lower
    /// requests): the plugin's standard error is then left out of the error message, because
    /// a plugin may echo what it read, passwords included.
    pub fn call<R: DeserializeOwned>(
        &self,
        request: &Request<'_>,
        carries_file_text: bool,
    ) -> Result<R, CallError> {
        let input = serde_json::to_vec(request).map_err(CallError::Encode)?;
        self.call_encoded(input, carries_file_text)
    }

    /// [`call`](Self::call) with the request already encoded as JSON.
    pub fn call_encoded<R: DeserializeOwned>(
        &self,
        input: Vec<u8>,
        carries_file_text: bool,
    ) -> Result<R, CallError> {
        self.command.check().map_err(CallError::Command)?;
        let finished = process::run(self.command.path(), &self.args, &self.dir, input, self.limits)
            .map_err(|e| match e {
                RunError::Spawn(_) => {
                    CallError::Spawn { error: e, command: self.command.path().to_path_buf() }
                }
                _ => CallError::Run(e),
            })?;
        let stderr = stderr_note(&finished.stderr, carries_file_text);
        if !finished.status.success() {
            let own = serde_json::from_slice::<Envelope>(&finished.stdout)
                .ok()
                .and_then(|e| e.error)
                .map(|e| clean_text(&e));
            return Err(CallError::Failed { status: finished.status, own, stderr });
        }
        if finished.stdout.iter().all(u8::is_ascii_whitespace) {
            return Err(CallError::Silent { stderr });
        }
        let envelope: Envelope = serde_json::from_slice(&finished.stdout).map_err(|error| {
            if error.is_data() {
                CallError::NoProtocol { error, stderr }
            } else {
                CallError::InvalidJson { error, stderr }
            }
        })?;
        if envelope.protocol != PROTOCOL_VERSION {
            return Err(CallError::Protocol(envelope.protocol));
        }
        if let Some(error) = envelope.error {
            return Err(CallError::Reported(clean_text(&error)));
        }
        serde_json::from_slice(&finished.stdout).map_err(CallError::Shape)
    }
}

/// What a message says about the plugin's standard error.
fn stderr_note(stderr: &[u8], carries_file_text: bool) -> Stderr {
    let text = String::from_utf8_lossy(stderr);
    let text = text.trim();
    if text.is_empty() {
        return Stderr::Empty;
    }
    if carries_file_text {
        return Stderr::Hidden;
    }
    let last = text.lines().rev().find(|l| !l.trim().is_empty()).unwrap_or("");
    let mut last = clean_text(last.trim());
    if last.chars().count() > 300 {
        last = last.chars().take(300).collect::<String>() + "…";
    }
    Stderr::Last(last)
}

/// Text from a plugin as it may appear in maillint's output: control characters (terminal
/// escape sequences included) become spaces, except line breaks and tabs.
pub fn clean_text(text: &str) -> String {
    text.chars().map(|c| if c.is_control() && c != '\n' && c != '\t' { ' ' } else { c }).collect()
}

/// A loaded plugin: its configuration, what its `describe` answer declared, and the parser or
/// rules maillint registers for it.
pub struct ExternalPlugin {
    spec: PluginSpec,
    runner: Arc<PluginRunner>,
    declared_name: Option<String>,
    declared_version: Option<String>,
    rules: Vec<Arc<RuleMeta>>,
    parser: Option<Arc<ExternalParser>>,
    rule_plugin: Option<Arc<RulePlugin>>,
}

impl fmt::Debug for ExternalPlugin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ExternalPlugin")
            .field("name", &self.spec.name)
            .field("kind", &self.spec.kind)
            .field("rules", &self.rules.iter().map(|r| &r.name).collect::<Vec<_>>())
            .finish()
    }
}

impl ExternalPlugin {
    /// Checks the `[[plugin]]` table, verifies the file's digest and asks the plugin to
    /// describe itself. `base_dir` is the configuration file's folder (relative commands are
    /// resolved against it). This starts the plugin once.
    pub fn load(spec: &PluginSpec, base_dir: &Path) -> Result<Self, PluginLoadError> {
        let fail = |field: Option<&'static str>, message: String| PluginLoadError {
            plugin: spec.name.clone(),
            field,
            message,
        };
        spec.validate().map_err(|e| fail(Some(e.field), e.message))?;
        let path = spec.command_path(base_dir);
        let command = VerifiedCommand::new(path.clone(), &spec.sha256).map_err(|e| match e {
            DigestError::Mismatch { .. } => fail(Some("sha256"), e.to_string()),
            DigestError::Unreadable(_) => fail(Some("command"), e.to_string()),
        })?;
        // The digest is checked before every start; only a program nobody else may write
        // stays the one that was checked until it starts (docs/security.md).
        crate::trust::require_trusted_program(&path)
            .map_err(|e| fail(Some("command"), e.to_string()))?;
        let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
        let runner = Arc::new(PluginRunner {
            name: spec.name.clone(),
            command,
            args: spec.args.clone(),
            dir: dir.to_path_buf(),
            limits: Limits { timeout: spec.timeout(), max_stdout: spec.max_output() },
        });
        let described: DescribeResponse = runner
            .call(&Request::Describe { protocol: PROTOCOL_VERSION }, false)
            .map_err(|e| fail(None, format!("the describe request {e}")))?;
        if described.kind != spec.kind {
            return Err(fail(
                Some("kind"),
                format!(
                    "configured as a {} plugin, but it describes itself as a {} plugin",
                    spec.kind.as_str(),
                    described.kind.as_str()
                ),
            ));
        }
        let rules = declared_rules(spec, &described).map_err(|e| fail(None, e.to_string()))?;
        let mut plugin = ExternalPlugin {
            spec: spec.clone(),
            runner: Arc::clone(&runner),
            declared_name: described.name.clone(),
            declared_version: described.version.clone(),
            rules: rules.clone(),
            parser: None,
            rule_plugin: None,
        };
        match spec.kind {
            PluginKind::Parser => {
                plugin.parser = Some(Arc::new(
                    ExternalParser::new(spec, runner, &described, rules)
                        .map_err(|e| fail(None, e.to_string()))?,
                ));
            }
            PluginKind::Rule => {
                if rules.is_empty() {
                    return Err(fail(None, AnswerError::NoRules.to_string()));
                }
                plugin.rule_plugin = Some(Arc::new(RulePlugin::new(runner, rules)));
            }
        }
        Ok(plugin)
    }

    /// The configured name.
    pub fn name(&self) -> &str {
        &self.spec.name
    }

    /// Parser or rule plugin.
    pub fn kind(&self) -> PluginKind {
        self.spec.kind
    }

    /// The configuration it was loaded from.
    pub fn spec(&self) -> &PluginSpec {
        &self.spec
    }

    /// The command file that runs.
    pub fn command(&self) -> &Path {
        self.runner.command.path()
    }

    /// The verified SHA-256 digest of the command file.
    pub fn digest(&self) -> &str {
        self.runner.command.digest()
    }

    /// The name and version the plugin gives itself.
    pub fn declared(&self) -> (Option<&str>, Option<&str>) {
        (self.declared_name.as_deref(), self.declared_version.as_deref())
    }

    /// The rules it declared.
    pub fn rules(&self) -> &[Arc<RuleMeta>] {
        &self.rules
    }

    /// For a parser plugin: the parser to register.
    pub fn parser(&self) -> Option<Arc<dyn maillint_core::Parser>> {
        self.parser.as_ref().map(|p| Arc::clone(p) as Arc<dyn maillint_core::Parser>)
    }

    /// For a parser plugin: its client, with the locations its table declares.
    pub fn client(&self) -> Option<Arc<dyn maillint_core::ClientSupport>> {
        self.parser.as_ref().map(|p| p.client_support())
    }

    /// For a rule plugin: one check per declared rule, to register.
    pub fn checks(&self) -> Vec<Arc<dyn maillint_core::Rule>> {
        match &self.rule_plugin {
            Some(plugin) => plugin.checks(),
            None => Vec::new(),
        }
    }

    pub(crate) fn rule_plugin(&self) -> Option<&Arc<RulePlugin>> {
        self.rule_plugin.as_ref()
    }
}

/// Checks one rule a describe answer declares (`i`: its index), against the ones before it.
fn check_declared(i: usize, rule: &WireRule, before: &[Arc<RuleMeta>]) -> Result<(), AnswerError> {
    let at = || format!("describe answer, rules[{i}]");
    if !is_kebab_case(&rule.name) {
        return Err(AnswerError::RuleName { at: at(), name: rule.name.clone() });
    }
    if !is_rule_code(&rule.code) {
        return Err(AnswerError::RuleCode { at: at(), code: rule.code.clone() });
    }
    if rule.summary.trim().is_empty() {
        return Err(AnswerError::EmptySummary { at: at() });
    }
    if let Some(group) = &rule.group
        && !is_kebab_case(group)
    {
        return Err(AnswerError::GroupName { at: at(), group: group.clone() });
    }
    if before.iter().any(|m| m.name == rule.name || m.code == rule.code) {
        return Err(AnswerError::DeclaredTwice {
            at: at(),
            name: rule.name.clone(),
            code: rule.code.clone(),
        });
    }
    Ok(())
}

/// The metadata of the rules a describe answer declares, checked.
fn declared_rules(
    spec: &PluginSpec,
    described: &DescribeResponse,
) -> Result<Vec<Arc<RuleMeta>>, AnswerError> {
    let mut metas: Vec<Arc<RuleMeta>> = Vec::with_capacity(described.rules.len());
    for (i, rule) in described.rules.iter().enumerate() {
        check_declared(i, rule, &metas)?;
        let summary = clean_text(rule.summary.trim());
        let mut doc = format!("## What it does\n{summary}\n");
        if let Some(description) =
            rule.description.as_deref().map(str::trim).filter(|d| !d.is_empty())
        {
            doc.push('\n');
            doc.push_str(&clean_text(description));
            doc.push('\n');
        }
        doc.push_str(&format!(
            "\n## Origin\nReported by the external {} plugin `{}` (`{}`).\n",
            spec.kind.as_str(),
            spec.name,
            spec.command.display()
        ));
        metas.push(Arc::new(RuleMeta {
            code: rule.code.clone(),
            name: rule.name.clone(),
            group: rule.group.clone().unwrap_or_else(|| "plugin".to_owned()),
            severity: rule.severity,
            summary,
            doc,
            fix: rule.fix.into(),
            default_enabled: rule.default_enabled,
            origin: RuleOrigin::Plugin { name: spec.name.clone() },
        }));
    }
    Ok(metas)
}
