//! `cargo xtask docs [--check]`: the generated documentation, from the single sources of truth.
//!
//! | File | Source |
//! |---|---|
//! | `docs/rules.md` | every built-in rule's [`RuleMeta`] (its doc comment, code, severity, group, fix) |
//! | `docs/maillint.schema.json` | the `maillint.toml` types in `maillint-config` (schemars) |
//! | `docs/man/maillint.1`, `docs/man/maillint-<command>.1` | the clap definitions (clap_mangen) |
//! | `docs/completions/maillint.bash`, `_maillint`, `maillint.fish` | the clap definitions (clap_complete) |
//!
//! `--check` writes nothing and fails when a committed file differs from what would be
//! generated (ruff's `cargo dev generate-all --mode check`), so CI catches a rule or flag whose
//! documentation was not regenerated.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use clap::CommandFactory;
use clap_complete::Shell;
use maillint_core::{FixAvailability, RuleMeta};

/// One generated file: where it goes (relative to the workspace root) and its content.
struct Generated {
    path: PathBuf,
    content: Vec<u8>,
}

/// Runs the task. `args` are the arguments after `docs`.
pub fn run(root: &Path, args: &[String]) -> Result<(), String> {
    let check = match args {
        [] => false,
        [flag] if flag == "--check" => true,
        _ => return Err("usage: cargo xtask docs [--check]".to_owned()),
    };
    let files = generate()?;
    if check {
        let stale: Vec<String> = files
            .iter()
            .filter(|file| {
                std::fs::read(root.join(&file.path)).ok().as_deref() != Some(&file.content[..])
            })
            .map(|file| file.path.display().to_string())
            .collect();
        if stale.is_empty() {
            eprintln!("xtask docs: {} generated files are up to date", files.len());
            return Ok(());
        }
        return Err(format!(
            "generated files are stale or missing (run `cargo xtask docs` and commit): {}",
            stale.join(", ")
        ));
    }
    for file in &files {
        let path = root.join(&file.path);
        if let Some(folder) = path.parent() {
            std::fs::create_dir_all(folder).map_err(|e| format!("{}: {e}", folder.display()))?;
        }
        std::fs::write(&path, &file.content).map_err(|e| format!("{}: {e}", path.display()))?;
        eprintln!("xtask docs: wrote {}", file.path.display());
    }
    Ok(())
}

fn generate() -> Result<Vec<Generated>, String> {
    let parsers = maillint_cli::registry::parsers();
    let rules = maillint_cli::registry::rules(&parsers).map_err(|e| e.to_string())?;
    let mut files = vec![
        Generated {
            path: "docs/rules.md".into(),
            content: rules_markdown(rules.metas()).into_bytes(),
        },
        Generated {
            path: "docs/maillint.schema.json".into(),
            content: maillint_config::json_schema().into_bytes(),
        },
    ];

    let command = maillint_cli::args::Cli::command();
    files.push(Generated {
        path: "docs/man/maillint.1".into(),
        content: man_page(command.clone())?,
    });
    for sub in command.get_subcommands().filter(|s| !s.is_hide_set()) {
        // clap_mangen names the page after the command it is given: give it the full name.
        // clap takes names as `&'static str` (without its `string` feature); this short-lived
        // task leaks the few it builds.
        let name = format!("maillint-{}", sub.get_name());
        let leaked: &'static str = Box::leak(name.clone().into_boxed_str());
        let bin_name: &'static str =
            Box::leak(format!("maillint {}", sub.get_name()).into_boxed_str());
        let page = sub.clone().name(leaked).bin_name(bin_name);
        files.push(Generated {
            path: format!("docs/man/{name}.1").into(),
            content: man_page(page)?,
        });
    }

    for (shell, file) in
        [(Shell::Bash, "maillint.bash"), (Shell::Zsh, "_maillint"), (Shell::Fish, "maillint.fish")]
    {
        let mut command = maillint_cli::args::Cli::command();
        let mut content = Vec::new();
        clap_complete::generate(shell, &mut command, "maillint", &mut content);
        files.push(Generated { path: Path::new("docs/completions").join(file), content });
    }
    Ok(files)
}

fn man_page(command: clap::Command) -> Result<Vec<u8>, String> {
    let mut content = Vec::new();
    clap_mangen::Man::new(command).render(&mut content).map_err(|e| format!("man page: {e}"))?;
    Ok(content)
}

fn fix_words(fix: FixAvailability) -> &'static str {
    match fix {
        FixAvailability::Always => "always available",
        FixAvailability::Sometimes => "sometimes available",
        FixAvailability::None => "none",
    }
}

/// An anchor GitHub generates for a heading: lower case, spaces to `-`, punctuation dropped.
fn anchor(heading: &str) -> String {
    heading
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c.to_ascii_lowercase()),
            _ => None,
        })
        .collect()
}

/// The rule's documentation with its headings two levels down (`## What it does` becomes
/// `#### What it does`, under the rule's own `##`/`###`), code blocks untouched.
fn demote_headings(doc: &str) -> String {
    let mut out = String::new();
    let mut in_code = false;
    for line in doc.lines() {
        if line.trim_start().starts_with("```") {
            in_code = !in_code;
        }
        if !in_code && line.starts_with('#') {
            out.push_str("##");
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// `docs/rules.md`: a table of every rule, then each rule's documentation, grouped by concern.
fn rules_markdown(metas: &[std::sync::Arc<RuleMeta>]) -> String {
    let mut metas: Vec<&RuleMeta> = metas.iter().map(|m| m.as_ref()).collect();
    metas.sort_by(|a, b| a.group.cmp(&b.group).then(a.code.cmp(&b.code)));

    let mut out = String::new();
    out.push_str("# Rules\n\n");
    out.push_str(
        "<!-- Generated by `cargo xtask docs` from each rule's documentation comment. Do not edit. -->\n\n",
    );
    out.push_str(
        "Every rule has a code and a kebab-case name; both work with `--select`, `--ignore`, \
         `--extend-select`, the `[severity]` table of `maillint.toml` and suppression comments \
         (`# maillint: ignore[rule-name]`). `maillint rule NAME` prints the same text in a \
         terminal.\n\n",
    );
    let _ = writeln!(out, "{} rules.\n", metas.len());
    out.push_str("| Code | Name | Group | Severity | Fix | Summary |\n|---|---|---|---|---|---|\n");
    for meta in &metas {
        let heading = format!("{} {}", meta.code, meta.name);
        let _ = writeln!(
            out,
            "| [{}](#{}) | `{}` | {} | {} | {} | {} |",
            meta.code,
            anchor(&heading),
            meta.name,
            meta.group,
            meta.severity,
            fix_words(meta.fix),
            meta.summary.replace('|', "\\|")
        );
    }
    let mut group: Option<&str> = None;
    for meta in &metas {
        if group != Some(meta.group.as_str()) {
            group = Some(meta.group.as_str());
            let _ = write!(out, "\n## Group `{}`\n", meta.group);
        }
        let _ = write!(out, "\n### {} {}\n\n", meta.code, meta.name);
        let _ = writeln!(
            out,
            "Severity: **{}**. Fix: {}.{}\n",
            meta.severity,
            fix_words(meta.fix),
            if meta.default_enabled {
                ""
            } else {
                " Off by default: enable with `--extend-select`."
            }
        );
        out.push_str(&demote_headings(meta.doc.trim()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headings_are_demoted_outside_code_only() {
        let doc = "## What it does\nX.\n```muttrc\n# a muttrc comment\n```\n";
        assert_eq!(
            demote_headings(doc),
            "#### What it does\nX.\n```muttrc\n# a muttrc comment\n```\n"
        );
    }

    #[test]
    fn anchors_follow_github() {
        assert_eq!(anchor("H001 wrong-provider-host"), "h001-wrong-provider-host");
    }
}
