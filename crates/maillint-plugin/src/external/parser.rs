//! A parser plugin behind the core's [`Parser`] trait.
//!
//! The plugin sees one file at a time: maillint sends the decoded text and the path, and the
//! plugin answers with accounts whose spans are byte offsets into that text. A plugin cannot
//! pull more files into the unit (no `source`/include following in protocol 1); maillint reads
//! every file itself.

use std::path::Path;
use std::sync::Arc;

use globset::{Glob, GlobSet, GlobSetBuilder};
use maillint_core::{
    Client, ClientSupport, Confidence, Diagnostic, Edit, FieldChange, FileId, Layout, Location,
    LocationKind, LowerError, ParseOptions, ParsedUnit, Parser, RuleMeta, Sources, Span,
};

use super::rule::PluginErrorRule;
use super::wire::{
    DescribeResponse, LowerResponse, PROTOCOL_VERSION, ParseResponse, Request, SpanChecker,
};
use super::{AnswerError, PluginRunner, PluginSpec, clean_text};
use crate::pack::is_kebab_case;

/// What the parser keeps for lowering fixes later.
struct PluginState {
    root: FileId,
}

/// The client a parser plugin names, with the locations its `[[plugin]]` table declares.
/// Its advice texts are the generic ones: the protocol carries none.
struct PluginClient {
    id: String,
    locations: Vec<String>,
}

impl ClientSupport for PluginClient {
    fn id(&self) -> &str {
        &self.id
    }

    /// The plugin's parser is registered on its own (see `Extensions::install_parsers`).
    fn parsers(&self) -> Vec<Arc<dyn Parser>> {
        Vec::new()
    }

    /// Each declared location is a file read at start.
    fn locations(&self) -> Vec<Location> {
        self.locations
            .iter()
            .map(|path| Location {
                layout: Layout::Any,
                kind: LocationKind::SearchOrder {
                    files: vec![path.clone().into()],
                    versioned: false,
                },
            })
            .collect()
    }
}

/// A parser plugin.
pub struct ExternalParser {
    runner: Arc<PluginRunner>,
    name: &'static str,
    client: Client,
    support: Arc<dyn ClientSupport>,
    comment_leaders: &'static [&'static str],
    file_names: GlobSet,
    paths: GlobSet,
    lower: bool,
    rules: Vec<Arc<RuleMeta>>,
}

impl ExternalParser {
    pub(crate) fn new(
        spec: &PluginSpec,
        runner: Arc<PluginRunner>,
        described: &DescribeResponse,
        rules: Vec<Arc<RuleMeta>>,
    ) -> Result<Self, AnswerError> {
        let client = described.client.as_deref().ok_or(AnswerError::NoClient)?;
        if !is_kebab_case(client) {
            return Err(AnswerError::ClientName(client.to_owned()));
        }
        let leaders: Vec<String> =
            described.comment_leaders.clone().unwrap_or_else(|| vec!["#".to_owned()]);
        if leaders.iter().any(|l| l.trim().is_empty()) {
            return Err(AnswerError::EmptyCommentLeader);
        }
        let mut file_names = GlobSetBuilder::new();
        let mut paths = GlobSetBuilder::new();
        for format in &spec.formats {
            // Checked by `PluginSpec::validate`.
            let glob = Glob::new(format).map_err(|e| AnswerError::Glob(e.to_string()))?;
            if format.contains('/') {
                paths.add(glob)
            } else {
                file_names.add(glob)
            };
        }
        // Parser names and comment leaders are `&'static str` in the core's trait; a plugin is
        // loaded once per process, so leaking these few strings is bounded.
        let name: &'static str = Box::leak(spec.name.clone().into_boxed_str());
        let support: Arc<dyn ClientSupport> =
            Arc::new(PluginClient { id: client.to_owned(), locations: spec.locations.clone() });
        let leaders: Vec<&'static str> =
            leaders.into_iter().map(|l| &*Box::leak(l.into_boxed_str())).collect();
        Ok(Self {
            runner,
            name,
            client: Client::shared(Arc::clone(&support)),
            support,
            comment_leaders: Box::leak(leaders.into_boxed_slice()),
            file_names: file_names.build().map_err(|e| AnswerError::Glob(e.to_string()))?,
            paths: paths.build().map_err(|e| AnswerError::Glob(e.to_string()))?,
            lower: described.lower,
            rules,
        })
    }

    /// The plugin's client, with the locations `maillint scan` looks at.
    pub fn client_support(&self) -> Arc<dyn ClientSupport> {
        Arc::clone(&self.support)
    }

    fn failure(&self, root: FileId, message: String) -> ParsedUnit {
        ParsedUnit {
            diagnostics: vec![
                Diagnostic::new(
                    PluginErrorRule::metadata(),
                    Span::point(root, 0),
                    format!("the `{}` parser plugin {message}", self.name),
                )
                .with_help(
                    "this file was not checked; fix the plugin or remove it from the configuration",
                ),
            ],
            ..ParsedUnit::default()
        }
    }

    fn rule(&self, key: &str) -> Option<&Arc<RuleMeta>> {
        self.rules.iter().find(|r| r.name == key || r.code.eq_ignore_ascii_case(key))
    }

    fn convert(
        &self,
        root: FileId,
        text: &str,
        response: ParseResponse,
    ) -> Result<ParsedUnit, AnswerError> {
        let checker = SpanChecker { file: root, text };
        let accounts = checker.accounts(response.accounts, &self.client)?;
        let mut diagnostics = Vec::with_capacity(response.diagnostics.len());
        for (i, d) in response.diagnostics.into_iter().enumerate() {
            let Some(meta) = self.rule(&d.rule) else {
                return Err(AnswerError::UndeclaredRule {
                    at: format!("diagnostics[{i}]"),
                    rule: d.rule,
                });
            };
            let span = checker.span(d.span, &format!("diagnostics[{i}]"))?;
            let mut diagnostic = Diagnostic::new(meta, span, clean_text(&d.message));
            if let Some(severity) = d.severity {
                diagnostic = diagnostic.with_severity(severity);
            }
            if let Some(help) = d.help {
                diagnostic = diagnostic.with_help(clean_text(&help));
            }
            diagnostics.push(diagnostic);
        }
        let mut secrets = Vec::new();
        for (i, span) in response.secrets.into_iter().enumerate() {
            secrets.push(checker.span(span, &format!("secrets[{i}]"))?);
        }
        // Every secret the accounts record is redacted too, whether or not the plugin listed it.
        for account in &accounts {
            for endpoint in &account.endpoints {
                secrets.extend(endpoint.secrets.iter().map(|s| s.span));
            }
        }
        secrets.sort();
        secrets.dedup();
        Ok(ParsedUnit {
            accounts,
            diagnostics,
            secrets,
            state: Some(Box::new(PluginState { root })),
        })
    }
}

impl Parser for ExternalParser {
    fn name(&self) -> &'static str {
        self.name
    }

    fn client(&self) -> Client {
        self.client.clone()
    }

    fn highest_confidence(&self) -> Confidence {
        Confidence::Name
    }

    fn detect(&self, path: &Path, _head: &[u8]) -> Option<Confidence> {
        let by_name = path.file_name().is_some_and(|name| self.file_names.is_match(name));
        (by_name || self.paths.is_match(path)).then_some(Confidence::Name)
    }

    fn parse(&self, root: FileId, sources: &mut Sources, _options: &ParseOptions) -> ParsedUnit {
        let file = Arc::clone(sources.get(root));
        let path = file.path().to_string_lossy();
        let request = Request::Parse { protocol: PROTOCOL_VERSION, path: &path, text: file.text() };
        match self.runner.call::<ParseResponse>(&request, true) {
            Err(error) => self.failure(root, error.to_string()),
            Ok(response) => match self.convert(root, file.text(), response) {
                Ok(unit) => unit,
                Err(error) => self.failure(root, format!("returned an invalid answer: {error}")),
            },
        }
    }

    fn lower(
        &self,
        unit: &ParsedUnit,
        sources: &Sources,
        account: usize,
        endpoint: usize,
        changes: &[FieldChange],
    ) -> Result<Vec<Edit>, LowerError> {
        if !self.lower {
            return Err(LowerError(format!(
                "the `{}` parser plugin does not write fixes",
                self.name
            )));
        }
        let Some(state) = unit.state.as_ref().and_then(|s| s.downcast_ref::<PluginState>()) else {
            return Err(LowerError("the file was not parsed by this plugin".to_owned()));
        };
        let Some(target) = unit.accounts.get(account).and_then(|a| a.endpoints.get(endpoint))
        else {
            return Err(LowerError(format!("no endpoint {endpoint} in account {account}")));
        };
        let file = sources.get(state.root);
        let path = file.path().to_string_lossy();
        let request = Request::Lower {
            protocol: PROTOCOL_VERSION,
            path: &path,
            text: file.text(),
            account,
            endpoint,
            locator: &target.locator,
            changes,
        };
        let response: LowerResponse = self
            .runner
            .call(&request, true)
            .map_err(|m| LowerError(format!("the `{}` plugin {m}", self.name)))?;
        let checker = SpanChecker { file: state.root, text: file.text() };
        checker.edits(response.edits).map_err(|m| {
            LowerError(format!("the `{}` plugin returned invalid edits: {m}", self.name))
        })
    }

    fn comment_leaders(&self) -> &'static [&'static str] {
        self.comment_leaders
    }

    fn rules(&self) -> Vec<Arc<RuleMeta>> {
        self.rules.clone()
    }
}
