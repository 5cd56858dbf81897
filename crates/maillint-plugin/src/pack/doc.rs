//! The documentation of a pack rule, generated from its entry: the sections a built-in rule's
//! doc comment has (what it does, why, conditions, fix, example), so `maillint rule NAME`, the
//! SARIF rule metadata and `maillint rules` show a pack rule like any other.

use std::fmt::Write as _;
use std::path::Path;

use super::format::{FixSpec, OneOrMany, RuleSpec, Scope, When};

/// Builds the Markdown documentation of one rule.
pub(crate) fn rule_doc(
    spec: &RuleSpec,
    pack_name: &str,
    path: &Path,
    source: Option<&str>,
) -> String {
    let mut doc = String::new();
    let _ = writeln!(doc, "## What it does");
    let _ = writeln!(doc, "{}", spec.summary.trim());
    if let Some(description) = spec.description.as_deref().map(str::trim).filter(|d| !d.is_empty())
    {
        let _ = writeln!(doc, "\n{description}");
    }
    let _ = writeln!(doc, "\n## Why is this bad?");
    match spec.why.as_deref() {
        Some(why) => {
            let _ = writeln!(doc, "{}", why.trim());
        }
        None => {
            let _ = writeln!(doc, "It breaks a policy of the `{pack_name}` rule pack.");
        }
    }
    let _ = writeln!(doc, "\n## Conditions");
    let _ = match spec.scope {
        Scope::Endpoint => writeln!(doc, "Reported for each server connection (endpoint) where:"),
        Scope::Account => writeln!(
            doc,
            "Reported once for each account with a server connection (endpoint) where:"
        ),
    };
    let mut lines = Vec::new();
    describe_when(&spec.when, 0, &mut lines);
    if lines.is_empty() {
        lines.push("- always (the rule has no conditions)".to_owned());
    }
    for line in lines {
        let _ = writeln!(doc, "{line}");
    }
    let _ = writeln!(
        doc,
        "\nA condition about a value the file does not give (a host read from a command, a \
         missing address) does not hold."
    );
    let _ = writeln!(doc, "\n## Message\n`{}`", spec.message);
    let _ = writeln!(doc, "\n## Fix");
    match &spec.fix {
        Some(fix) => {
            let _ = writeln!(doc, "{}", describe_fix(fix));
        }
        None => {
            let _ = writeln!(doc, "None.");
        }
    }
    let _ = writeln!(doc, "\n## Example");
    match source {
        Some(source) => {
            let _ = writeln!(
                doc,
                "The rule as written in `{}`:\n\n```toml\n{}\n```",
                path.display(),
                source.trim_end()
            );
        }
        None => {
            let _ = writeln!(doc, "See `{}`.", path.display());
        }
    }
    doc
}

fn list<T: std::fmt::Display>(values: &OneOrMany<T>) -> String {
    values.values().iter().map(|v| format!("`{v}`")).collect::<Vec<_>>().join(", ")
}

fn list_with<T>(values: &OneOrMany<T>, name: impl Fn(&T) -> &str) -> String {
    values.values().iter().map(|v| format!("`{}`", name(v))).collect::<Vec<_>>().join(", ")
}

fn providers(values: &OneOrMany<String>) -> String {
    if values.values().iter().any(|v| v == "*") {
        "any known provider".to_owned()
    } else {
        format!("the provider {}", list(values))
    }
}

/// One bullet per condition, nested for `any` and `not`.
fn describe_when(when: &When, depth: usize, out: &mut Vec<String>) {
    let indent = "  ".repeat(depth);
    let mut push = |text: String| out.push(format!("{indent}- {text}"));
    if let Some(v) = &when.client {
        push(format!("the client is one of {}", list(v)));
    }
    if let Some(v) = &when.protocol {
        push(format!("the protocol is one of {}", list_with(v, |p| p.as_str())));
    }
    if let Some(v) = &when.host {
        push(format!("the host is or matches one of {}", list(v)));
    }
    if let Some(v) = &when.host_not {
        push(format!("the host is known and is or matches none of {}", list(v)));
    }
    if let Some(v) = &when.host_in_provider {
        push(format!("the host belongs to {}", providers(v)));
    }
    if let Some(v) = &when.host_not_in_provider {
        push(format!("the host is known and does not belong to {}", providers(v)));
    }
    if let Some(v) = when.host_is_loopback {
        push(format!("the host {} the local machine", if v { "is" } else { "is not" }));
    }
    if let Some(v) = &when.port_in {
        push(format!("the port is one of {}", list(v)));
    }
    if let Some(v) = &when.port_not_in {
        push(format!("the port is known and none of {}", list(v)));
    }
    if let Some(v) = when.provider_serves_port {
        push(format!(
            "the host is a provider's server for the protocol, and the provider {} the port",
            if v { "serves" } else { "does not serve" }
        ));
    }
    if let Some(v) = &when.security_in {
        push(format!("the security is one of {}", list_with(v, |s| s.as_str())));
    }
    if let Some(v) = &when.security_not_in {
        push(format!("the security is known and none of {}", list_with(v, |s| s.as_str())));
    }
    if let Some(v) = &when.auth_in {
        push(format!("the authentication is one of {}", list_with(v, |a| a.as_str())));
    }
    if let Some(v) = &when.auth_not_in {
        push(format!("the authentication is known and none of {}", list_with(v, |a| a.as_str())));
    }
    if let Some(v) = &when.mail_domain {
        push(format!("the address's domain is or matches one of {}", list(v)));
    }
    if let Some(v) = &when.mail_domain_not {
        push(format!("the address is known and its domain is or matches none of {}", list(v)));
    }
    if let Some(v) = &when.mail_domain_in_provider {
        push(format!("the address's domain is hosted by {}", providers(v)));
    }
    if let Some(v) = when.certificate_verification_disabled {
        push(format!(
            "certificate verification is {}",
            if v { "switched off" } else { "not switched off" }
        ));
    }
    if let Some(v) = when.has_stored_secret {
        push(format!("a password or token {} stored in the file", if v { "is" } else { "is not" }));
    }
    if let Some(v) = &when.explicit {
        push(format!("these values are written in the file: {}", list_with(v, |f| f.as_str())));
    }
    if let Some(v) = &when.defaulted {
        push(format!("these values are the client's defaults: {}", list_with(v, |f| f.as_str())));
    }
    if let Some(alternatives) = &when.any {
        push("at least one of:".to_owned());
        for (i, alternative) in alternatives.iter().enumerate() {
            out.push(format!("{indent}  - alternative {}:", i + 1));
            describe_when(alternative, depth + 2, out);
        }
    }
    if let Some(inner) = &when.not {
        out.push(format!("{indent}- not all of:"));
        describe_when(inner, depth + 1, out);
    }
}

fn describe_fix(fix: &FixSpec) -> String {
    let mut parts = Vec::new();
    if let Some(host) = &fix.host {
        parts.push(format!("the host to `{host}`"));
    }
    if let Some(port) = fix.port {
        parts.push(format!("the port to {port}"));
    }
    if let Some(security) = fix.security {
        parts.push(format!("the security to `{}`", security.as_str()));
    }
    if let Some(auth) = fix.auth {
        parts.push(format!("the authentication to `{}`", auth.as_str()));
    }
    if fix.enable_certificate_verification == Some(true) {
        parts.push("certificate verification back on".to_owned());
    }
    let applicability = match fix.applicability {
        maillint_core::Applicability::Safe => "safe: applied by `--fix`",
        maillint_core::Applicability::Unsafe => "unsafe: applied with `--unsafe-fixes`",
        maillint_core::Applicability::DisplayOnly => "display only: never applied",
    };
    if parts.is_empty() {
        format!("\"{}\" ({applicability}); nothing is changed automatically.", fix.title)
    } else {
        format!(
            "\"{}\": sets {} ({applicability}). Values that already match are left alone.",
            fix.title,
            parts.join(", ")
        )
    }
}
