//! `maillint providers [DOMAIN]`: the mail providers maillint knows, or everything it knows for
//! one domain: servers (protocol, host, port, security), legacy aliases, the password policy
//! per protocol with its dates and sources, and where each fact came from (the ISPDB entry,
//! a built-in overlay, or the configuration's provider files).
//!
//! The facts are those `check` uses: the built-in data plus the `provider-files` and rule packs
//! of the closest `maillint.toml` (or `--config`, `--isolated`). Text from provider files is
//! shown through the same escaping as diagnostics, so a file cannot drive the terminal.

use std::io::{self, Write};
use std::path::{Path, PathBuf};

use clap::{Args, ValueEnum};
use maillint_core::providers::{HostMatch, PasswordRule, Passwords, normalize_host};
use maillint_core::{Date, Protocol, Provider, ProviderDb};
use maillint_report::escape::Line;
use serde::Serialize;

use crate::ExitStatus;
use crate::args::ConfigArgs;

/// Arguments of `maillint providers`.
#[derive(Debug, Args)]
pub struct ProvidersArgs {
    /// A mail domain, an address or a server host name: show what maillint knows for it.
    /// Without it, list every provider.
    #[arg(value_name = "DOMAIN")]
    pub domain: Option<String>,

    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    pub output_format: ProvidersFormat,

    /// Configuration file and extensions (their provider files are shown too).
    #[command(flatten)]
    pub config: ConfigArgs,
}

/// Output formats of `maillint providers`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ProvidersFormat {
    /// Aligned text (default).
    Text,
    /// One JSON document.
    Json,
}

/// Runs `maillint providers`.
pub fn run(args: &ProvidersArgs) -> io::Result<ExitStatus> {
    let loaded = match crate::setup::load(&args.config, &Default::default(), Path::new(".")) {
        Ok(loaded) => loaded,
        Err(message) => {
            eprintln!("maillint: error: {}", Line(&message));
            return Ok(ExitStatus::Error);
        }
    };
    let files: Vec<(String, PathBuf)> =
        loaded.inventory().provider_files.into_iter().map(|entry| (entry.id, entry.path)).collect();
    let today = match Date::today() {
        Ok(day) => day,
        Err(error) => {
            eprintln!("maillint: error: {}", Line(&error.to_string()));
            return Ok(ExitStatus::Error);
        }
    };
    let stdout = io::stdout();
    let mut out = stdout.lock();
    let json = args.output_format == ProvidersFormat::Json;
    let Some(query) = &args.domain else {
        list(&loaded.providers, json, &mut out)?;
        return Ok(ExitStatus::Success);
    };
    let Some(found) = find(&loaded.providers, query) else {
        eprintln!(
            "maillint: no provider is known for `{}`; `maillint providers` lists them all",
            Line(query)
        );
        return Ok(ExitStatus::Failure);
    };
    let facts = Facts::of(found, &files, today);
    if json {
        serde_json::to_writer_pretty(&mut out, &facts)?;
        writeln!(out)?;
    } else {
        facts.write_text(&mut out)?;
    }
    Ok(ExitStatus::Success)
}

/// One row of the list.
#[derive(Serialize)]
struct Row<'a> {
    id: &'a str,
    name: &'a str,
    /// How many mail domains.
    domains: usize,
    servers: Vec<ServerFacts<'a>>,
}

/// Lists every provider: id, name, number of mail domains, and the servers.
fn list(db: &ProviderDb, json: bool, out: &mut dyn Write) -> io::Result<()> {
    let rows: Vec<Row<'_>> = db
        .providers()
        .iter()
        .map(|p| Row {
            id: &p.id,
            name: &p.name,
            domains: p.mail_domains.len(),
            servers: p.servers.iter().map(|s| ServerFacts::of(s, None)).collect(),
        })
        .collect();
    if json {
        serde_json::to_writer_pretty(&mut *out, &rows)?;
        return writeln!(out);
    }
    let id_width = rows.iter().map(|r| r.id.chars().count()).max().unwrap_or(2).max(2);
    let name_width = rows.iter().map(|r| r.name.chars().count()).max().unwrap_or(4).max(4);
    writeln!(out, "{:<id_width$}  {:<name_width$}  DOMAINS  SERVERS", "ID", "NAME")?;
    for row in &rows {
        let mut hosts: Vec<String> = Vec::new();
        for server in &row.servers {
            let host = format!("{}:{}", server.host, server.port);
            if !hosts.contains(&host) {
                hosts.push(host);
            }
        }
        writeln!(
            out,
            "{:<id_width$}  {:<name_width$}  {:>7}  {}",
            shown(row.id),
            shown(row.name),
            row.domains,
            Line(&hosts.join(", "))
        )?;
    }
    let domains: usize = rows.iter().map(|r| r.domains).sum();
    let servers: usize = rows.iter().map(|r| r.servers.len()).sum();
    writeln!(out, "{} providers, {domains} mail domains, {servers} servers", rows.len())
}

/// A provider found for the user's query, and how.
struct Found<'a> {
    provider: &'a Provider,
    /// How the query led to the provider, for the reader.
    how: String,
}

/// The provider for a mail domain or an address, a server host name (canonical or legacy), a
/// domain under a mail domain (tenant addresses), or a host under a provider's host domains,
/// in that order.
fn find<'a>(db: &'a ProviderDb, query: &str) -> Option<Found<'a>> {
    let domain = normalize_host(query.rsplit_once('@').map_or(query, |(_, domain)| domain));
    if let Some(provider) = db.by_mail_domain(&domain) {
        return Some(Found { provider, how: format!("mail domain {domain}") });
    }
    let by_host = db.by_host(&domain);
    match &by_host {
        Some((provider, HostMatch::Canonical(_))) => {
            let how = format!("{domain} is one of its servers");
            return Some(Found { provider, how });
        }
        Some((provider, HostMatch::Alias(a))) => {
            let how = format!("{domain} is a legacy name of its server {}", a.canonical);
            return Some(Found { provider, how });
        }
        _ => {}
    }
    let parents = domain.match_indices('.').map(|(dot, _)| &domain[dot + 1..]);
    for parent in parents {
        if let Some(provider) = db.by_mail_domain(parent) {
            return Some(Found {
                provider,
                how: format!("{domain} is under mail domain {parent}"),
            });
        }
    }
    let (provider, HostMatch::UnderDomain(d)) = by_host? else { return None };
    let how = format!("{domain} is under its host domain {d} (but none of its servers)");
    Some(Found { provider, how })
}

/// Where a fact came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
enum Origin {
    /// Generated from the provider's ISPDB entry.
    Ispdb,
    /// A hand-written overlay: built in (`rules/providers/`) or the user's provider files.
    Overlay,
}

impl Origin {
    /// `Ispdb` when `in_ispdb`, else `Overlay`.
    fn of(in_ispdb: bool) -> Self {
        if in_ispdb { Origin::Ispdb } else { Origin::Overlay }
    }

    fn as_str(self) -> &'static str {
        match self {
            Origin::Ispdb => "ispdb",
            Origin::Overlay => "overlay",
        }
    }
}

/// A server, with where it came from (none in the list, which does not say).
#[derive(Serialize)]
struct ServerFacts<'a> {
    protocol: Protocol,
    host: &'a str,
    port: u16,
    security: maillint_core::Security,
    #[serde(skip_serializing_if = "Option::is_none")]
    origin: Option<Origin>,
}

impl<'a> ServerFacts<'a> {
    fn of(server: &'a maillint_core::providers::Server, origin: Option<Origin>) -> Self {
        ServerFacts {
            protocol: server.protocol,
            host: &server.host,
            port: server.port,
            security: server.security,
            origin,
        }
    }
}

/// A legacy host name.
#[derive(Serialize)]
struct AliasFacts<'a> {
    protocol: Protocol,
    host: &'a str,
    canonical: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    note: Option<&'a str>,
    origin: Origin,
}

/// The password policy for one protocol on the run's date.
#[derive(Serialize)]
struct InForce<'a> {
    protocol: Protocol,
    policy: maillint_core::providers::PasswordPolicy,
    note: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    source: Option<&'a str>,
    /// The next day another policy holds, and that policy.
    #[serde(skip_serializing_if = "Option::is_none")]
    next_change: Option<NextChange>,
}

/// A coming change of policy.
#[derive(Serialize)]
struct NextChange {
    on: Date,
    policy: maillint_core::providers::PasswordPolicy,
}

/// The authentication facts: the recommended method, the policy in force per protocol, and
/// every dated entry with its source.
#[derive(Serialize)]
struct AuthFacts<'a> {
    recommended: maillint_core::AuthMethod,
    /// The run's date, on which `in_force` holds (`MAILLINT_TODAY` pins it).
    on: Date,
    in_force: Vec<InForce<'a>>,
    timeline: Vec<&'a PasswordRule>,
}

/// The files a provider's facts came from.
#[derive(Serialize)]
struct Origins {
    /// The ISPDB entry it is generated from (its id: `ispdb/<id>.xml`).
    #[serde(skip_serializing_if = "Option::is_none")]
    ispdb: Option<String>,
    /// Overlay files: the built-in one under `rules/providers/`, then the user's.
    overlays: Vec<String>,
}

/// Everything known for one provider, as shown by `maillint providers DOMAIN`.
#[derive(Serialize)]
struct Facts<'a> {
    id: &'a str,
    name: &'a str,
    found_by: String,
    origin: Origins,
    mail_domains: Vec<&'a str>,
    host_domains: Vec<&'a str>,
    servers: Vec<ServerFacts<'a>>,
    aliases: Vec<AliasFacts<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    auth: Option<AuthFacts<'a>>,
    sources: Vec<&'a str>,
}

impl<'a> Facts<'a> {
    /// The facts of the provider found, with `files` the configuration's provider files (id,
    /// path) and `today` the run's date.
    fn of(found: Found<'a>, files: &[(String, PathBuf)], today: Date) -> Self {
        let provider = found.provider;
        let builtin = maillint_rules::builtin_origin(provider);
        let generated = builtin.ispdb;
        let mut overlays: Vec<String> =
            builtin.overlay.map(|name| format!("rules/providers/{name}")).into_iter().collect();
        overlays.extend(
            files
                .iter()
                .filter(|(id, _)| *id == provider.id)
                .map(|(_, path)| path.display().to_string()),
        );
        let in_ispdb_servers = |s| generated.is_some_and(|g| g.servers.contains(s));
        let in_ispdb_aliases = |a| generated.is_some_and(|g| g.aliases.contains(a));
        Facts {
            id: &provider.id,
            name: &provider.name,
            found_by: found.how,
            origin: Origins { ispdb: generated.map(|g| g.id.clone()), overlays },
            mail_domains: provider.mail_domains.iter().map(String::as_str).collect(),
            host_domains: provider.host_domains.iter().map(String::as_str).collect(),
            servers: provider
                .servers
                .iter()
                .map(|s| ServerFacts::of(s, Some(Origin::of(in_ispdb_servers(s)))))
                .collect(),
            aliases: provider
                .aliases
                .iter()
                .map(|a| AliasFacts {
                    protocol: a.protocol,
                    host: &a.host,
                    canonical: &a.canonical,
                    note: a.note.as_deref(),
                    origin: Origin::of(in_ispdb_aliases(a)),
                })
                .collect(),
            auth: provider.auth.as_ref().map(|auth| auth_facts(auth, today)),
            sources: provider.sources.iter().map(String::as_str).collect(),
        }
    }
}

/// The authentication facts of a policy on `today`.
fn auth_facts(auth: &maillint_core::providers::AuthPolicy, today: Date) -> AuthFacts<'_> {
    let in_force = [Protocol::Imap, Protocol::Pop3, Protocol::Smtp]
        .into_iter()
        .filter_map(|protocol| {
            let policy = auth.password_on(protocol, today)?;
            Some(InForce {
                protocol,
                policy: policy.policy,
                note: policy.note,
                source: policy.source,
                next_change: policy.next.map(|(on, policy)| NextChange { on, policy }),
            })
        })
        .collect();
    let timeline = match &auth.password {
        Passwords::Always(_) => Vec::new(),
        Passwords::Timeline(rules) => rules.iter().collect(),
    };
    AuthFacts { recommended: auth.recommended, on: today, in_force, timeline }
}

/// Text from a provider file as it may be shown on a terminal, as a `String` (so that a width
/// pads it: [`Line`] writes without padding).
fn shown(text: &str) -> String {
    Line(text).to_string()
}

/// A value's name as its JSON form spells it (`app-password-only`, `implicit-tls`).
fn kebab<T: Serialize>(value: &T) -> String {
    serde_json::to_value(value).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
}

impl Facts<'_> {
    /// Writes the facts as text.
    fn write_text(&self, out: &mut dyn Write) -> io::Result<()> {
        writeln!(out, "{} (id {})", Line(self.name), Line(self.id))?;
        writeln!(out, "  found by:     {}", Line(&self.found_by))?;
        let mut from: Vec<String> = Vec::new();
        if let Some(id) = &self.origin.ispdb {
            from.push(format!("ISPDB entry {id}"));
        }
        from.extend(self.origin.overlays.iter().map(|o| format!("overlay {o}")));
        writeln!(out, "  facts from:   {}", Line(&from.join("; ")))?;
        writeln!(out, "  mail domains: {}", Line(&self.mail_domains.join(", ")))?;
        writeln!(out, "  host domains: {}", Line(&self.host_domains.join(", ")))?;
        self.write_servers(out)?;
        if let Some(auth) = &self.auth {
            write_auth(auth, out)?;
        }
        writeln!(out, "Sources:")?;
        for source in &self.sources {
            writeln!(out, "  - {}", Line(source))?;
        }
        Ok(())
    }

    /// The servers and legacy names, one per line, with their origin.
    fn write_servers(&self, out: &mut dyn Write) -> io::Result<()> {
        let host_width = self.servers.iter().map(|s| s.host.chars().count()).max().unwrap_or(0);
        writeln!(out, "Servers:")?;
        for s in &self.servers {
            let origin = s.origin.map_or("", Origin::as_str);
            writeln!(
                out,
                "  {:<4}  {:<host_width$}  {:>5}  {:<17}  {origin}",
                s.protocol,
                shown(s.host),
                s.port,
                s.security.as_str()
            )?;
        }
        if self.aliases.is_empty() {
            return Ok(());
        }
        writeln!(out, "Legacy names:")?;
        for a in &self.aliases {
            writeln!(
                out,
                "  {:<4}  {} -> {}  {}",
                a.protocol,
                Line(a.host),
                Line(a.canonical),
                a.origin.as_str()
            )?;
            if let Some(note) = a.note {
                writeln!(out, "        {}", Line(note))?;
            }
        }
        Ok(())
    }
}

/// The password policy in force per protocol, then every dated entry.
fn write_auth(auth: &AuthFacts<'_>, out: &mut dyn Write) -> io::Result<()> {
    writeln!(out, "Passwords on {} (recommended sign-in: {}):", auth.on, kebab(&auth.recommended))?;
    for f in &auth.in_force {
        writeln!(out, "  {:<4}  {}: {}", f.protocol, kebab(&f.policy), f.policy.describe())?;
        writeln!(out, "        {}", Line(f.note))?;
        if let Some(source) = f.source {
            writeln!(out, "        source: {}", Line(source))?;
        }
        if let Some(next) = &f.next_change {
            writeln!(out, "        from {}: {}", next.on, kebab(&next.policy))?;
        }
    }
    if auth.timeline.is_empty() {
        return Ok(());
    }
    writeln!(out, "Password policy timeline:")?;
    for rule in &auth.timeline {
        let protocols: Vec<&str> = rule.protocols.iter().map(|p| p.as_str()).collect();
        let since = rule.since.map_or_else(|| "always".to_owned(), |d| d.to_string());
        let until = rule.until.map_or_else(|| "for good".to_owned(), |d| d.to_string());
        writeln!(
            out,
            "  {}: {} from {since} until {until}",
            protocols.join(", "),
            kebab(&rule.policy)
        )?;
        if let Some(source) = &rule.source {
            writeln!(out, "        source: {}", Line(source))?;
        }
    }
    Ok(())
}
