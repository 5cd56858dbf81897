//! `check --show-settings`: the resolved settings for a file as TOML-like text, each key with
//! where its value came from (the configuration files that set it, the command line, or the
//! default), as `ruff check --show-settings` does.

use std::fmt::Write as _;
use std::path::PathBuf;

use crate::settings::{Selector, SelectorOrigin, Settings};

impl Settings {
    /// The settings as text: one `key = value  # origin` line per key, after the files used.
    pub fn show(&self) -> String {
        let mut out = String::new();
        let file = self.config_file.as_ref().map_or("none (defaults)".to_owned(), quoted);
        let _ = writeln!(out, "configuration-file = {file}");
        let extends: Vec<String> = self.extends.iter().map(quoted).collect();
        let _ = writeln!(out, "extends = [{}]", extends.join(", "));
        let _ = writeln!(out, "root = {}", quoted(&self.root));
        let selectors = |list: &[Selector]| list.iter().map(|s| s.text.clone()).collect::<Vec<_>>();
        match &self.select {
            Some(select) => self.line(&mut out, "select", &list(&selectors(select)), Some(select)),
            None => self.line(&mut out, "select", "(the default rules)", None),
        }
        self.line(
            &mut out,
            "extend-select",
            &list(&selectors(&self.extend_select)),
            Some(&self.extend_select),
        );
        self.line(&mut out, "ignore", &list(&selectors(&self.ignore)), Some(&self.ignore));
        let per_file: Vec<String> = self
            .per_file_ignores
            .iter()
            .map(|(matcher, rules)| {
                format!(
                    "{} = {}",
                    quoted(matcher.root().join(matcher.patterns().join(","))),
                    list(&selectors(rules))
                )
            })
            .collect();
        self.line(&mut out, "per-file-ignores", &format!("{{ {} }}", per_file.join(", ")), None);
        let severity: Vec<String> = self
            .severity
            .iter()
            .map(|(rule, level)| format!("{} = \"{level}\"", rule.text))
            .collect();
        self.line(&mut out, "severity", &format!("{{ {} }}", severity.join(", ")), None);
        let excludes: Vec<String> = self
            .excludes
            .iter()
            .flat_map(|m| m.patterns().iter().map(|p| m.root().join(p).display().to_string()))
            .collect();
        self.line(&mut out, "exclude", &list(&excludes), None);
        self.line(&mut out, "force-exclude", &self.force_exclude.to_string(), None);
        let home = self.home.as_ref().map_or("(none: `~` is not followed)".to_owned(), quoted);
        self.line(&mut out, "home", &home, None);
        self.line(&mut out, "trusted-hosts", &list(&self.rule_settings.trusted_hosts), None);
        let number = |n: Option<u64>| n.map_or("(default)".to_owned(), |n| n.to_string());
        self.line(&mut out, "max-file-size", &number(self.max_file_size), None);
        self.line(&mut out, "max-home-size", &number(self.max_home_size), None);
        self.line(&mut out, "max-home-files", &number(self.max_home_files.map(|n| n as u64)), None);
        let providers: Vec<String> = self
            .providers
            .iter()
            .map(|(path, p)| format!("{} ({})", path.display(), p.id))
            .collect();
        self.line(&mut out, "provider-files", &list(&providers), None);
        let packs: Vec<String> = self.rule_packs.iter().map(|p| p.display().to_string()).collect();
        self.line(&mut out, "rule-packs", &list(&packs), None);
        let flavour = self
            .client_settings
            .get("mutt.flavour")
            .map_or("(by path)".to_owned(), |f| format!("\"{f}\""));
        self.line(&mut out, "mutt.flavour", &flavour, None);
        let plugins: Vec<String> = self.plugins.iter().map(|p| p.name.clone()).collect();
        self.line(&mut out, "plugin", &list(&plugins), None);
        out
    }

    /// One `key = value  # origin` line; `selectors` tells which values the command line gave.
    fn line(&self, out: &mut String, key: &str, value: &str, selectors: Option<&[Selector]>) {
        // The keys of the file behind each line (`exclude` shows both lists).
        let keys: &[&str] = match key {
            "mutt.flavour" => &["mutt"],
            "exclude" => &["exclude", "extend-exclude"],
            _ => &[key],
        };
        let mut origins: Vec<String> = Vec::new();
        for file in keys.iter().filter_map(|k| self.origins.get(k)).flatten() {
            let file = file.display().to_string();
            if !origins.contains(&file) {
                origins.push(file);
            }
        }
        let from_cli =
            selectors.is_some_and(|s| s.iter().any(|s| s.origin == SelectorOrigin::CommandLine));
        if from_cli {
            origins.push("command line".to_owned());
        }
        let origin = if origins.is_empty() { "default".to_owned() } else { origins.join(", ") };
        let _ = writeln!(out, "{key} = {value}  # {origin}");
    }
}

fn quoted(path: impl Into<PathBuf>) -> String {
    format!("\"{}\"", path.into().display())
}

fn list(items: &[String]) -> String {
    let quoted: Vec<String> = items.iter().map(|item| format!("\"{item}\"")).collect();
    format!("[{}]", quoted.join(", "))
}
