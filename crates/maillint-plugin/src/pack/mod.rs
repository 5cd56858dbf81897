//! Rule packs: rules written in TOML, no code.
//!
//! A pack is a TOML file with `[[rule]]` entries (name, code, severity, summary, a message
//! template, conditions over the account model in `[rule.when]`, an optional `[rule.fix]` that
//! sets endpoint fields) and optionally `[[provider]]` facts. [`parse_pack`] reads and checks a
//! pack; every rule becomes a [`PackRule`], an ordinary [`Rule`](maillint_core::Rule) for the
//! engine. Any problem is a [`PackError`] with the file, line, column and the key path of the
//! field at fault. `docs/plugins.md` is the user's reference for the format.

mod condition;
mod doc;
pub mod format;
mod rule;
pub mod template;

use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use maillint_core::{
    FixAvailability, Provider, ProviderDb, RuleMeta, RuleOrigin, RuleRegistry, locate_toml_error,
};

use crate::location::{KeyPath, TomlMap, line_col};
use condition::Condition;
use format::{PackFile, RuleSpec};
use rule::CompiledFix;
pub use rule::{PackRule, RuleLocation};
use template::Template;

/// A pack file that cannot be used.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PackError {
    /// The pack file.
    pub path: PathBuf,
    /// 1-based line, when known.
    pub line: Option<u32>,
    /// 1-based column (in characters), when known.
    pub column: Option<u32>,
    /// The key path of the field at fault (`rule[1].when.port-in`), when known.
    pub field: Option<String>,
    /// The name of the rule the field belongs to, when known.
    pub rule: Option<String>,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for PackError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.path.display())?;
        if let (Some(line), Some(column)) = (self.line, self.column) {
            write!(f, ":{line}:{column}")?;
        }
        f.write_str(": ")?;
        if let Some(field) = &self.field {
            write!(f, "in `{field}`")?;
            if let Some(rule) = &self.rule {
                write!(f, " (rule `{rule}`)")?;
            }
            f.write_str(": ")?;
        }
        f.write_str(&self.message)
    }
}

impl std::error::Error for PackError {}

/// A loaded pack.
#[derive(Debug)]
pub struct RulePack {
    path: PathBuf,
    name: String,
    description: Option<String>,
    version: Option<String>,
    rules: Vec<Arc<PackRule>>,
    providers: Vec<Provider>,
}

impl RulePack {
    /// The pack file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The pack's name (`[pack] name`, else the file stem).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The pack's description.
    pub fn description(&self) -> Option<&str> {
        self.description.as_deref()
    }

    /// The pack's version.
    pub fn version(&self) -> Option<&str> {
        self.version.as_deref()
    }

    /// The rules, in file order.
    pub fn rules(&self) -> &[Arc<PackRule>] {
        &self.rules
    }

    /// The provider facts the pack ships.
    pub fn providers(&self) -> &[Provider] {
        &self.providers
    }

    /// Adds the pack's providers to `db` (a provider with a known id replaces the earlier one,
    /// so a pack can correct built-in facts).
    pub fn add_providers(&self, db: &mut ProviderDb) {
        for provider in &self.providers {
            db.add(provider.clone());
        }
    }

    /// Registers the pack's rules. A name or code that another rule already uses is an error
    /// that names both rules and where each comes from; nothing is registered then.
    pub fn register(&self, registry: &mut RuleRegistry) -> Result<(), PackError> {
        for rule in &self.rules {
            let meta = &rule.meta;
            let loc = &rule.location;
            for (key, what, line, column) in [
                (&meta.name, "name", loc.name_line, loc.name_column),
                (&meta.code, "code", loc.code_line, loc.code_column),
            ] {
                if let Some(existing) = registry.get(key) {
                    return Err(PackError {
                        path: self.path.clone(),
                        line: Some(line as u32),
                        column: Some(column as u32),
                        field: None,
                        rule: Some(meta.name.clone()),
                        message: format!(
                            "rule `{}` ({}) uses the {what} `{key}`, which the {} `{}` ({}) \
                             already uses; pick another {what}",
                            meta.name,
                            meta.code,
                            describe_origin(&existing.origin),
                            existing.name,
                            existing.code
                        ),
                    });
                }
            }
        }
        for rule in &self.rules {
            let rule: Arc<dyn maillint_core::Rule> = Arc::clone(rule) as _;
            registry.register(rule).map_err(|e| PackError {
                path: self.path.clone(),
                line: None,
                column: None,
                field: None,
                rule: None,
                message: e.to_string(),
            })?;
        }
        Ok(())
    }
}

/// "built-in rule", "rule of the pack `x.toml`", "rule of the plugin `y`".
pub fn describe_origin(origin: &RuleOrigin) -> String {
    match origin {
        RuleOrigin::BuiltIn => "built-in rule".to_owned(),
        RuleOrigin::Pack { path } => format!("rule of the pack `{}`", path.display()),
        RuleOrigin::Plugin { name } => format!("rule of the plugin `{name}`"),
    }
}

/// Reads and checks the pack at `path`.
pub fn load_pack(path: &Path) -> Result<RulePack, PackError> {
    let text = std::fs::read_to_string(path).map_err(|e| PackError {
        path: path.to_path_buf(),
        line: None,
        column: None,
        field: None,
        rule: None,
        message: format!("cannot read the rule pack: {e}"),
    })?;
    parse_pack(path, &text)
}

/// Checks a pack's text; `path` names it in errors and in the rules' origin.
pub fn parse_pack(path: impl Into<PathBuf>, text: &str) -> Result<RulePack, PackError> {
    let path = path.into();
    let map = TomlMap::new(text);
    let file: PackFile = toml::from_str(text).map_err(|e| {
        let at = locate_toml_error(text, &e);
        let field = at.offset.and_then(|offset| map.path_at(offset));
        let rule = field.as_ref().and_then(|f| rule_name_of(&map, f));
        PackError {
            path: path.clone(),
            line: at.line.map(|l| l as u32),
            column: at.column.map(|c| c as u32),
            field: field.map(|f| f.to_string()),
            rule,
            message: at.message,
        }
    })?;
    let checker = Checker { path: &path, text, map: &map };
    let pack_name = file
        .pack
        .as_ref()
        .and_then(|p| p.name.clone())
        .or_else(|| path.file_stem().map(|s| s.to_string_lossy().into_owned()))
        .unwrap_or_else(|| "pack".to_owned());
    let mut rules: Vec<Arc<PackRule>> = Vec::with_capacity(file.rules.len());
    for (index, spec) in file.rules.iter().enumerate() {
        let rule = checker.compile(index, spec, &pack_name)?;
        let base = KeyPath::root().key("rule").index(index);
        if let Some(other) = rules.iter().find(|r| r.meta.name == rule.meta.name) {
            return Err(checker.error(
                &base.key("name"),
                spec,
                format!(
                    "the name `{}` is used twice in this pack (first at line {})",
                    spec.name, other.location.name_line
                ),
            ));
        }
        if let Some(other) = rules.iter().find(|r| r.meta.code == rule.meta.code) {
            return Err(checker.error(
                &base.key("code"),
                spec,
                format!(
                    "the code `{}` is used twice in this pack (first by `{}`)",
                    spec.code, other.meta.name
                ),
            ));
        }
        rules.push(Arc::new(rule));
    }
    for (index, provider) in file.providers.iter().enumerate() {
        let base = KeyPath::root().key("provider").index(index);
        if provider.id.trim().is_empty() {
            return Err(checker.plain_error(&base.key("id"), "a provider needs a non-empty `id`"));
        }
        for (i, server) in provider.servers.iter().enumerate() {
            if !is_host_name(&server.host) {
                return Err(checker.plain_error(
                    &base.key("server").index(i).key("host"),
                    format!("`{}` is not a host name", server.host),
                ));
            }
        }
    }
    Ok(RulePack {
        path,
        name: pack_name,
        description: file.pack.as_ref().and_then(|p| p.description.clone()),
        version: file.pack.as_ref().and_then(|p| p.version.clone()),
        rules,
        providers: file.providers,
    })
}

/// The `name` of the `[[rule]]` a key path is inside, if any.
fn rule_name_of(map: &TomlMap<'_>, path: &KeyPath) -> Option<String> {
    use crate::location::PathSegment;
    match path.0.as_slice() {
        [PathSegment::Key(rule), PathSegment::Index(i), ..] if rule == "rule" => {
            map.string_at(&KeyPath::root().key("rule").index(*i).key("name")).map(str::to_owned)
        }
        _ => None,
    }
}

/// Whether `name` is kebab-case: lower-case ASCII letters and digits in dash-separated words,
/// starting with a letter (`corp-imap-server`).
pub fn is_kebab_case(name: &str) -> bool {
    name.split('-').all(|word| !word.is_empty())
        && name.starts_with(|c: char| c.is_ascii_lowercase())
        && name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

/// Whether `code` has the shape of a rule code: one to three upper-case letters, then three
/// digits (`C001`, `ORG120`).
pub fn is_rule_code(code: &str) -> bool {
    let letters = code.bytes().take_while(u8::is_ascii_uppercase).count();
    (1..=3).contains(&letters)
        && code.len() == letters + 3
        && code.bytes().skip(letters).all(|b| b.is_ascii_digit())
}

fn is_host_name(host: &str) -> bool {
    !host.is_empty()
        && host.len() <= 253
        && host.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'.' || b == b':')
}

struct Checker<'a> {
    path: &'a Path,
    text: &'a str,
    map: &'a TomlMap<'a>,
}

impl Checker<'_> {
    /// An error at the value at `field` (or the nearest enclosing value the map knows).
    fn error(&self, field: &KeyPath, spec: &RuleSpec, message: impl Into<String>) -> PackError {
        let mut error = self.plain_error(field, message);
        error.rule = Some(spec.name.clone());
        error
    }

    fn plain_error(&self, field: &KeyPath, message: impl Into<String>) -> PackError {
        let mut probe = field.clone();
        let span = loop {
            if let Some(span) = self.map.value_span(&probe) {
                break Some(span);
            }
            if probe.0.pop().is_none() {
                break None;
            }
        };
        let (line, column) = match span {
            Some(span) => {
                let (l, c) = line_col(self.text, span.start);
                (Some(l as u32), Some(c as u32))
            }
            None => (None, None),
        };
        PackError {
            path: self.path.to_path_buf(),
            line,
            column,
            field: Some(field.to_string()),
            rule: None,
            message: message.into(),
        }
    }

    /// Parses a template; an error points at the offending brace when the string is written
    /// without escapes, else at the string.
    fn template(
        &self,
        field: &KeyPath,
        spec: &RuleSpec,
        source: &str,
    ) -> Result<Template, PackError> {
        Template::parse(source).map_err(|e| {
            let mut error = self.error(field, spec, e.message);
            if let Some(span) = self.map.value_span(field) {
                let raw = &self.text[span.clone()];
                for quote in ["\"\"\"", "'''", "\"", "'"] {
                    if raw.starts_with(quote) && raw[quote.len()..].starts_with(source) {
                        let (line, column) =
                            line_col(self.text, span.start + quote.len() + e.offset);
                        error.line = Some(line as u32);
                        error.column = Some(column as u32);
                        break;
                    }
                }
            }
            error
        })
    }

    #[allow(
        clippy::too_many_lines,
        reason = "one arm per condition kind of the rule-pack schema (docs/plugins.md); splitting it would scatter the schema"
    )]
    fn compile(
        &self,
        index: usize,
        spec: &RuleSpec,
        pack_name: &str,
    ) -> Result<PackRule, PackError> {
        let base = KeyPath::root().key("rule").index(index);
        if !is_kebab_case(&spec.name) {
            return Err(self.error(
                &base.key("name"),
                spec,
                format!(
                    "`{}` is not a kebab-case rule name (lower-case words joined by `-`, e.g. \
                     `corp-imap-server`)",
                    spec.name
                ),
            ));
        }
        if !is_rule_code(&spec.code) {
            return Err(self.error(
                &base.key("code"),
                spec,
                format!(
                    "`{}` is not a rule code: one to three upper-case letters and three digits, \
                     e.g. `C001`",
                    spec.code
                ),
            ));
        }
        if let Some(group) = &spec.group
            && !is_kebab_case(group)
        {
            return Err(self.error(
                &base.key("group"),
                spec,
                format!("`{group}` is not a kebab-case group name"),
            ));
        }
        if spec.summary.trim().is_empty() {
            return Err(self.error(&base.key("summary"), spec, "the summary is empty"));
        }
        let message = self.template(&base.key("message"), spec, &spec.message)?;
        let help = match &spec.help {
            Some(help) => Some(self.template(&base.key("help"), spec, help)?),
            None => None,
        };
        let why = match &spec.why {
            Some(why) => Some(self.template(&base.key("why"), spec, why)?),
            None => None,
        };
        let also = match &spec.also {
            Some(also) => Some(self.template(&base.key("also"), spec, also)?),
            None => None,
        };
        let mut labels = Vec::with_capacity(spec.labels.len());
        for (i, label) in spec.labels.iter().enumerate() {
            let field = base.key("label").index(i).key("message");
            labels.push((label.at, self.template(&field, spec, &label.message)?));
        }
        let when = Condition::compile(&spec.when).map_err(|e| {
            let mut field = base.key("when");
            for part in &e.path {
                match part.split_once('[') {
                    Some((key, rest)) => {
                        let i = rest.trim_end_matches(']').parse().unwrap_or(0);
                        field = field.key(key).index(i);
                    }
                    None => field = field.key(part.as_str()),
                }
            }
            if let Some(i) = e.index {
                field = field.index(i);
            }
            self.error(&field, spec, e.message)
        })?;
        let fix = match &spec.fix {
            None => None,
            Some(fix) => {
                let field = base.key("fix");
                if spec.scope == format::Scope::Account {
                    return Err(self.error(
                        &field,
                        spec,
                        "a rule with `scope = \"account\"` cannot carry a fix: a fix changes the \
                         fields of one endpoint",
                    ));
                }
                if fix.enable_certificate_verification == Some(false) {
                    return Err(self.error(
                        &field.key("enable-certificate-verification"),
                        spec,
                        "only `true` is meaningful: a fix never turns certificate verification off",
                    ));
                }
                if let Some(host) = &fix.host
                    && !is_host_name(host)
                {
                    return Err(self.error(
                        &field.key("host"),
                        spec,
                        format!("`{host}` is not a host name"),
                    ));
                }
                let changes_something = fix.host.is_some()
                    || fix.port.is_some()
                    || fix.security.is_some()
                    || fix.auth.is_some()
                    || fix.enable_certificate_verification == Some(true);
                if !changes_something
                    && fix.applicability != maillint_core::Applicability::DisplayOnly
                {
                    return Err(self.error(
                        &field.key("applicability"),
                        spec,
                        "a fix that sets no field (host, port, security, auth, \
                         enable-certificate-verification) can only be `display-only`",
                    ));
                }
                Some(CompiledFix {
                    title: self.template(&field.key("title"), spec, &fix.title)?,
                    applicability: fix.applicability,
                    host: fix.host.clone(),
                    port: fix.port,
                    security: fix.security,
                    auth: fix.auth,
                    enable_certificate_verification: fix.enable_certificate_verification
                        == Some(true),
                })
            }
        };
        let source = self.map.entry_range(&base).map(|range| &self.text[range]);
        let meta = RuleMeta {
            code: spec.code.clone(),
            name: spec.name.clone(),
            group: spec.group.clone().unwrap_or_else(|| "policy".to_owned()),
            severity: spec.severity,
            summary: spec.summary.trim().to_owned(),
            doc: doc::rule_doc(spec, pack_name, self.path, source),
            fix: if spec.fix.is_some() { FixAvailability::Always } else { FixAvailability::None },
            default_enabled: spec.default_enabled,
            origin: RuleOrigin::Pack { path: self.path.to_path_buf() },
        };
        let at = |key: &str| {
            self.map
                .value_span(&base.key(key))
                .map(|span| line_col(self.text, span.start))
                .unwrap_or((0, 0))
        };
        let (name_line, name_column) = at("name");
        let (code_line, code_column) = at("code");
        Ok(PackRule {
            meta: Arc::new(meta),
            scope: spec.scope,
            when,
            at: spec.at,
            message,
            help,
            why,
            labels,
            also,
            fix,
            location: RuleLocation { name_line, name_column, code_line, code_column },
        })
    }
}
