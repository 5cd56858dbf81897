//! `maillint plugins`: the rule packs, provider files and external plugins the configuration
//! (and `--rule-pack`) loads, each with its rules.
//!
//! Loading is the caller's: it builds a `maillint_plugin::Extensions` exactly as `check` does
//! (which starts each configured plugin once, to describe itself) and passes its
//! [`Inventory`](maillint_plugin::Inventory) here.

use std::io::{self, Write};

use maillint_core::FixAvailability;
use maillint_plugin::Inventory;
use maillint_plugin::extensions::RuleEntry;

use crate::ExitStatus;

/// Prints what is loaded, as a listing or (with `json`) as one JSON object.
pub fn print(inventory: &Inventory, json: bool) -> io::Result<ExitStatus> {
    let stdout = io::stdout();
    let mut out = stdout.lock();
    render(inventory, json, &mut out)?;
    Ok(ExitStatus::Success)
}

/// Writes the listing to `out`.
pub fn render(inventory: &Inventory, json: bool, out: &mut dyn Write) -> io::Result<()> {
    if json {
        serde_json::to_writer_pretty(&mut *out, inventory)?;
        return writeln!(out);
    }
    if inventory.is_empty() {
        return writeln!(
            out,
            "No rule packs, provider files or plugins are loaded. Add them with `rule-packs`, \
             `provider-files` and `[[plugin]]` tables in maillint.toml, or `--rule-pack FILE`."
        );
    }
    if !inventory.packs.is_empty() {
        writeln!(out, "Rule packs:")?;
        for pack in &inventory.packs {
            let version = pack.version.as_deref().map(|v| format!(" {v}")).unwrap_or_default();
            writeln!(out, "  {}{version} ({})", pack.name, pack.path.display())?;
            if let Some(description) = &pack.description {
                writeln!(out, "    {}", description.trim())?;
            }
            if !pack.providers.is_empty() {
                writeln!(out, "    providers: {}", pack.providers.join(", "))?;
            }
            rules(out, &pack.rules)?;
        }
    }
    if !inventory.provider_files.is_empty() {
        writeln!(out, "Provider files:")?;
        for provider in &inventory.provider_files {
            writeln!(out, "  {} ({}) {}", provider.id, provider.name, provider.path.display())?;
        }
    }
    if !inventory.plugins.is_empty() {
        writeln!(out, "Plugins:")?;
        for plugin in &inventory.plugins {
            let declared = match (&plugin.declared_name, &plugin.declared_version) {
                (Some(name), Some(version)) => format!(", {name} {version}"),
                (Some(name), None) => format!(", {name}"),
                (None, Some(version)) => format!(", version {version}"),
                (None, None) => String::new(),
            };
            writeln!(out, "  {} ({} plugin{declared})", plugin.name, plugin.kind.as_str())?;
            writeln!(out, "    command: {}", plugin.command.display())?;
            writeln!(out, "    sha256:  {}", plugin.sha256)?;
            if !plugin.formats.is_empty() {
                let client = plugin.client.as_deref().unwrap_or("?");
                writeln!(out, "    reads:   {} (client `{client}`)", plugin.formats.join(", "))?;
            }
            rules(out, &plugin.rules)?;
        }
    }
    Ok(())
}

fn rules(out: &mut dyn Write, rules: &[RuleEntry]) -> io::Result<()> {
    let code_width = rules.iter().map(|r| r.code.len()).max().unwrap_or(4);
    let name_width = rules.iter().map(|r| r.name.len()).max().unwrap_or(4);
    for rule in rules {
        let fix = match rule.fix {
            FixAvailability::Always => "fix",
            FixAvailability::Sometimes => "some",
            FixAvailability::None => "-",
        };
        writeln!(
            out,
            "    {:<code_width$} {:<name_width$} {:<7} {:<4} {}",
            rule.code, rule.name, rule.severity, fix, rule.summary
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use maillint_core::Severity;
    use maillint_plugin::PluginKind;
    use maillint_plugin::extensions::{PackEntry, PluginEntry};

    use super::*;

    fn rule(code: &str, name: &str) -> RuleEntry {
        RuleEntry {
            code: code.into(),
            name: name.into(),
            severity: Severity::Error,
            fix: FixAvailability::Always,
            summary: "Summary.".into(),
        }
    }

    #[test]
    fn packs_and_plugins_are_listed_with_their_rules() {
        let inventory = Inventory {
            packs: vec![PackEntry {
                path: PathBuf::from("corp-policy.toml"),
                name: "corp-policy".into(),
                version: Some("1".into()),
                description: Some("Corp policy.".into()),
                rules: vec![rule("CRP001", "corp-imap-server")],
                providers: vec!["corp".into()],
            }],
            provider_files: vec![],
            plugins: vec![PluginEntry {
                name: "msmtp".into(),
                kind: PluginKind::Parser,
                command: PathBuf::from("plugins/maillint-msmtp"),
                sha256: "ab".repeat(32),
                declared_name: Some("maillint-msmtp".into()),
                declared_version: Some("1.0.0".into()),
                formats: vec![".msmtprc".into()],
                client: Some("msmtp".into()),
                rules: vec![rule("MS001", "msmtp-syntax")],
            }],
        };
        let mut out = Vec::new();
        render(&inventory, false, &mut out).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert_eq!(
            text,
            format!(
                "Rule packs:\n  corp-policy 1 (corp-policy.toml)\n    Corp policy.\n    providers: corp\n    \
                 CRP001 corp-imap-server error   fix  Summary.\nPlugins:\n  msmtp (parser plugin, maillint-msmtp 1.0.0)\n    \
                 command: plugins/maillint-msmtp\n    sha256:  {}\n    reads:   .msmtprc (client `msmtp`)\n    \
                 MS001 msmtp-syntax error   fix  Summary.\n",
                "ab".repeat(32)
            )
        );
        let mut json = Vec::new();
        render(&inventory, true, &mut json).unwrap();
        let value: serde_json::Value = serde_json::from_slice(&json).unwrap();
        assert_eq!(value["plugins"][0]["declared-name"], "maillint-msmtp");
    }

    #[test]
    fn nothing_loaded_says_how_to_load() {
        let mut out = Vec::new();
        let empty = Inventory { packs: vec![], provider_files: vec![], plugins: vec![] };
        render(&empty, false, &mut out).unwrap();
        assert!(String::from_utf8(out).unwrap().contains("--rule-pack FILE"));
    }
}
