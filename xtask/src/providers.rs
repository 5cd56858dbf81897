//! `cargo xtask providers`: converts the ISPDB snapshot in `../shared/reference/ispdb/` into
//! the provider facts maillint ships, `rules/providers/ispdb/providers.toml` (with the
//! snapshot's MPL-2.0 licence copied beside it). `--check` only compares.
//!
//! What the conversion decides (the snapshot's `SOURCE.md` lists what to expect):
//!
//! * Domains after a comment that marks MX host names (`<!-- MX -->`) are not mail domains.
//!   Which comments mark them is a reviewed list (`rules/providers/ispdb/review.toml`); a new
//!   comment that mentions MX and is in neither list stops the conversion, so it gets a review.
//! * `%EMAILDOMAIN%` in a host name is expanded for each of the provider's mail domains, as
//!   Thunderbird does for the address being set up.
//! * Host domains (under which any other host is a wrong host) are the registrable domains of
//!   the servers, from the Public Suffix List (the `psl` crate embeds it). A host listed by
//!   several providers (`outlook.office365.com`) gives its domain only to the providers with a
//!   mail domain under it, so that Microsoft's domain is not claimed by a university.
//! * Servers without TLS stay as they are (`security = "none"`): their hosts are real.
//! * Servers the review lists as data errors are left out, with the reason in the output.
//! * Only IMAP, POP3 and SMTP servers are kept (maillint models no Exchange/EWS/Graph).

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::ispdb::{self, IspdbProvider, IspdbServer};

/// Where the generated data goes, relative to the workspace root.
pub const OUTPUT: &str = "rules/providers/ispdb/providers.toml";
/// The licence copy beside it.
const LICENSE_OUTPUT: &str = "rules/providers/ispdb/LICENSE-MPL-2.0";
/// The reviewed decisions.
const REVIEW: &str = "rules/providers/ispdb/review.toml";

/// The snapshot, relative to the workspace root.
pub fn reference_dir(root: &Path) -> PathBuf {
    root.join("../shared/reference/ispdb")
}

/// `cargo xtask providers [--check]`.
pub fn run(root: &Path, args: &[String]) -> Result<(), String> {
    let check = match args {
        [] => false,
        [flag] if flag == "--check" => true,
        _ => return Err("usage: cargo xtask providers [--check]".to_owned()),
    };
    let generated = generate(root)?;
    for (relative, text) in generated {
        let path = root.join(relative);
        let current = std::fs::read_to_string(&path).unwrap_or_default();
        if current == text {
            continue;
        }
        if check {
            return Err(format!(
                "{relative} is not up to date with ../shared/reference/ispdb: run `cargo xtask providers`"
            ));
        }
        std::fs::write(&path, text).map_err(|e| format!("{}: {e}", path.display()))?;
        eprintln!("xtask providers: wrote {relative}");
    }
    Ok(())
}

/// The generated files (path relative to the root, text).
pub fn generate(root: &Path) -> Result<Vec<(&'static str, String)>, String> {
    let source = reference_dir(root);
    let review = read_review(&root.join(REVIEW))?;
    let commit = read(&source.join("COMMIT"))?.trim().to_owned();
    let license = read(&source.join("LICENSE"))?;
    let providers = convert(&source.join("ispdb"), &review)?;
    Ok(vec![(OUTPUT, render(&providers, &commit)), (LICENSE_OUTPUT, license)])
}

fn read(path: &Path) -> Result<String, String> {
    std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))
}

/// `review.toml`: the reviewed decisions about the snapshot.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
pub struct Review {
    /// Comments after which the domains are MX host names.
    mx_comments: Vec<String>,
    /// Comments that mention MX and mark nothing.
    not_mx_comments: Vec<String>,
    /// Servers left out as data errors.
    #[serde(default)]
    excluded_server: Vec<ExcludedServer>,
}

/// A server the ISPDB lists wrongly.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
struct ExcludedServer {
    file: String,
    protocol: String,
    host: String,
    port: u16,
    reason: String,
}

fn read_review(path: &Path) -> Result<Review, String> {
    toml::from_str(&read(path)?).map_err(|e| format!("{}: {e}", path.display()))
}

/// A converted provider.
#[derive(Debug)]
pub struct Converted {
    /// The file's stem (`googlemail.com`): unique, unlike the `id` attributes.
    pub id: String,
    name: String,
    file: String,
    pub mail_domains: Vec<String>,
    mx_domains: Vec<String>,
    host_domains: Vec<String>,
    pub servers: Vec<Server>,
    excluded: Vec<String>,
    skipped_kinds: BTreeSet<String>,
}

/// A converted server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Server {
    pub protocol: &'static str,
    pub host: String,
    pub port: u16,
    pub security: &'static str,
}

/// Converts every file of the snapshot's `ispdb/` folder, in file name order.
pub fn convert(dir: &Path, review: &Review) -> Result<Vec<Converted>, String> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.extension().is_some_and(|x| x == "xml"))
        .collect();
    files.sort();
    let mut converted = Vec::new();
    for path in &files {
        let file = path.file_name().unwrap_or_default().to_string_lossy().into_owned();
        let stem = file.trim_end_matches(".xml").to_owned();
        let providers = ispdb::read_file(path)?;
        let [provider] = providers.as_slice() else {
            return Err(format!("{file}: expected one emailProvider, found {}", providers.len()));
        };
        converted.push(convert_one(&file, &stem, provider, review)?);
    }
    assign_host_domains(&mut converted);
    Ok(converted)
}

fn convert_one(
    file: &str,
    stem: &str,
    provider: &IspdbProvider,
    review: &Review,
) -> Result<Converted, String> {
    let (mut mail_domains, mut mx_domains) = (Vec::new(), Vec::new());
    for domain in &provider.domains {
        let mut mx = false;
        for comment in domain.comments_before.iter().filter(|c| mentions_mx(c)) {
            if review.mx_comments.contains(comment) {
                mx = true;
            } else if !review.not_mx_comments.contains(comment) {
                return Err(format!(
                    "{file}: the comment {comment:?} mentions MX and is not reviewed: add it to \
                     `mx-comments` or `not-mx-comments` in {REVIEW}"
                ));
            }
        }
        let list = if mx { &mut mx_domains } else { &mut mail_domains };
        if !list.contains(&domain.name) {
            list.push(domain.name.clone());
        }
    }
    let mut converted = Converted {
        id: stem.to_owned(),
        name: if provider.display_name.contains('%') || provider.display_name.is_empty() {
            stem.to_owned()
        } else {
            provider.display_name.clone()
        },
        file: file.to_owned(),
        mail_domains,
        mx_domains,
        host_domains: Vec::new(),
        servers: Vec::new(),
        excluded: Vec::new(),
        skipped_kinds: BTreeSet::new(),
    };
    for server in &provider.servers {
        add_server(&mut converted, server, review)?;
    }
    Ok(converted)
}

/// Whether a comment speaks of MX records (the word `MX`, upper-case as the ISPDB writes it).
fn mentions_mx(comment: &str) -> bool {
    comment.split(|c: char| !c.is_ascii_alphanumeric()).any(|word| word == "MX")
}

fn add_server(out: &mut Converted, server: &IspdbServer, review: &Review) -> Result<(), String> {
    let file = out.file.clone();
    let protocol = match server.kind.as_str() {
        "imap" => "imap",
        "pop3" => "pop3",
        "smtp" => "smtp",
        other => {
            out.skipped_kinds.insert(other.to_owned());
            return Ok(());
        }
    };
    let port_text = server.port.as_deref().unwrap_or_default();
    let port: u16 = port_text
        .parse()
        .map_err(|_| format!("{file}: {} server: bad port {port_text:?}", server.kind))?;
    // providers.md 2.2: `plain` → 0, `STARTTLS` → 2, `SSL` → 3 in Thunderbird's enum.
    let security = match server.socket_type.as_deref() {
        Some("SSL") => "implicit-tls",
        Some("STARTTLS") => "starttls-required",
        Some("plain") => "none",
        other => return Err(format!("{file}: {} server: socketType {other:?}", server.kind)),
    };
    let hosts: Vec<String> = if server.hostname.contains("%EMAILDOMAIN%") {
        out.mail_domains.iter().map(|d| server.hostname.replace("%EMAILDOMAIN%", d)).collect()
    } else {
        vec![server.hostname.to_ascii_lowercase()]
    };
    for host in hosts {
        if host.contains('%') {
            return Err(format!("{file}: unknown placeholder in host {host:?}"));
        }
        if let Some(excluded) = review
            .excluded_server
            .iter()
            .find(|x| x.file == file && x.protocol == protocol && x.host == host && x.port == port)
        {
            out.excluded.push(format!("{protocol} {host} {port}: {}", excluded.reason));
            continue;
        }
        let server = Server { protocol, host, port, security };
        if !out.servers.contains(&server) {
            out.servers.push(server);
        }
    }
    Ok(())
}

/// Gives each provider the registrable domains (Public Suffix List) of its servers; a host
/// listed by several providers gives its domain only to those with a mail domain under it.
fn assign_host_domains(providers: &mut [Converted]) {
    let mut listed_by: BTreeMap<String, BTreeSet<usize>> = BTreeMap::new();
    for (i, p) in providers.iter().enumerate() {
        for s in &p.servers {
            listed_by.entry(s.host.clone()).or_default().insert(i);
        }
    }
    for p in providers.iter_mut() {
        let mut domains: Vec<String> = Vec::new();
        for s in &p.servers {
            let domain = registrable_domain(&s.host);
            let shared = listed_by[&s.host].len() > 1;
            let claims = !shared || p.mail_domains.iter().any(|d| is_under(d, &domain));
            if claims && !domains.contains(&domain) {
                domains.push(domain);
            }
        }
        p.host_domains = domains;
    }
}

/// The registrable domain of a host by the Public Suffix List; the host itself when the list
/// knows no suffix for it.
pub fn registrable_domain(host: &str) -> String {
    psl::domain_str(host).unwrap_or(host).to_owned()
}

fn is_under(name: &str, domain: &str) -> bool {
    name == domain || name.ends_with(&format!(".{domain}"))
}

/// The generated TOML.
fn render(providers: &[Converted], commit: &str) -> String {
    let domains: BTreeSet<&str> =
        providers.iter().flat_map(|p| p.mail_domains.iter().map(String::as_str)).collect();
    let servers: usize = providers.iter().map(|p| p.servers.len()).sum();
    let mut out = String::new();
    let _ = write!(
        out,
        "# GENERATED by `cargo xtask providers` from Mozilla's ISPDB: do not edit; edit the\n\
         # converter (xtask/src/providers.rs), its review (review.toml) or an overlay instead.\n\
         #\n\
         # Source: the Thunderbird autoconfig database (thunderbird/autoconfig, folder ispdb/), at\n\
         # commit {commit}, as copied in ../shared/reference/ispdb/.\n\
         # This data is derived from that database and is subject to the Mozilla Public License,\n\
         # v. 2.0 (MPL-2.0). A copy is in LICENSE-MPL-2.0 beside this file, or at\n\
         # https://mozilla.org/MPL/2.0/. maillint's own code keeps its own licence.\n\
         #\n\
         # {} providers, {} mail domains, {servers} servers (IMAP, POP3, SMTP).\n",
        providers.len(),
        domains.len(),
    );
    for p in providers {
        render_provider(&mut out, p, commit);
    }
    out
}

fn render_provider(out: &mut String, p: &Converted, commit: &str) {
    let _ = writeln!(out, "\n[[provider]]");
    let _ = writeln!(out, "id = {}", quote(&p.id));
    let _ = writeln!(out, "name = {}", quote(&p.name));
    let source = format!("ISPDB thunderbird/autoconfig ispdb/{} (commit {commit})", p.file);
    let _ = writeln!(out, "sources = [{}]", quote(&source));
    let _ = writeln!(out, "mail-domains = {}", list(&p.mail_domains));
    if !p.mx_domains.is_empty() {
        let _ = writeln!(out, "# MX host names, not address domains: {}", p.mx_domains.join(", "));
    }
    let _ = writeln!(out, "host-domains = {}", list(&p.host_domains));
    if !p.skipped_kinds.is_empty() {
        let kinds: Vec<&str> = p.skipped_kinds.iter().map(String::as_str).collect();
        let _ = writeln!(out, "# Not modelled: {} servers.", kinds.join(", "));
    }
    for excluded in &p.excluded {
        let _ = writeln!(out, "# Left out (review.toml): {excluded}");
    }
    for s in &p.servers {
        let _ = write!(
            out,
            "\n[[provider.server]]\nprotocol = \"{}\"\nhost = {}\nport = {}\nsecurity = \"{}\"\n",
            s.protocol,
            quote(&s.host),
            s.port,
            s.security
        );
    }
}

fn quote(text: &str) -> String {
    toml::Value::String(text.to_owned()).to_string()
}

fn list(items: &[String]) -> String {
    let quoted: Vec<String> = items.iter().map(|i| quote(i)).collect();
    format!("[{}]", quoted.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The snapshot, or `None` after saying SKIPPED; under CI a missing snapshot fails.
    fn snapshot(root: &Path) -> Option<PathBuf> {
        let dir = reference_dir(root);
        if dir.join("ispdb").is_dir() {
            return Some(dir);
        }
        assert!(
            std::env::var_os("CI").is_none(),
            "the ISPDB snapshot is missing at {} (CI must have ../shared)",
            dir.display()
        );
        eprintln!("\n========\nSKIPPED: ISPDB snapshot not found at {}\n========\n", dir.display());
        None
    }

    fn root() -> PathBuf {
        crate::root()
    }

    #[test]
    fn the_generated_provider_data_is_up_to_date_with_the_snapshot() {
        let root = root();
        if snapshot(&root).is_none() {
            return;
        }
        for (relative, text) in generate(&root).unwrap() {
            let shipped = std::fs::read_to_string(root.join(relative)).unwrap_or_default();
            assert!(
                shipped == text,
                "{relative} differs from what `cargo xtask providers` generates from \
                 ../shared/reference/ispdb: run it and commit the result"
            );
        }
    }

    #[test]
    fn conversion_follows_the_review_and_the_snapshot_notes() {
        let root = root();
        let Some(dir) = snapshot(&root) else { return };
        let review = read_review(&root.join(REVIEW)).unwrap();
        let providers = convert(&dir.join("ispdb"), &review).unwrap();
        let by_id = |id: &str| providers.iter().find(|p| p.id == id).unwrap();
        // MX-only domains are not address domains.
        let gmail = by_id("googlemail.com");
        assert_eq!(gmail.mail_domains, ["gmail.com", "googlemail.com"]);
        assert!(gmail.mx_domains.contains(&"google.com".to_owned()));
        assert!(!by_id("yahoo.com").mail_domains.iter().any(|d| d.contains("yahoodns")));
        assert!(by_id("yahoo.com").mail_domains.contains(&"cox.net".to_owned()));
        // Placeholders expanded per mail domain.
        let inbox = by_id("inbox.lv");
        assert!(inbox.servers.iter().any(|s| s.host == "mail.inbox.lv"));
        assert!(providers.iter().flat_map(|p| &p.servers).all(|s| !s.host.contains('%')));
        // A shared host's domain goes to the provider whose addresses live under it.
        assert_eq!(by_id("hotmail.com").host_domains, ["outlook.com"]);
        assert_eq!(by_id("office365.com").host_domains, ["office365.com"]);
        assert!(by_id("umich.edu").host_domains.iter().all(|d| d != "gmail.com"));
        // Public Suffix List, not the last two labels.
        assert_eq!(registrable_domain("imap.mail.yahoo.co.jp"), "yahoo.co.jp");
        assert_eq!(registrable_domain("pop.shibata.ne.jp"), "shibata.ne.jp");
        // Plaintext servers kept as such; reviewed data errors left out.
        assert!(providers.iter().flat_map(|p| &p.servers).any(|s| s.security == "none"));
        assert!(!by_id("pdx.edu").servers.iter().any(|s| s.port == 587 && s.protocol == "imap"));
    }

    #[test]
    fn an_unreviewed_mx_comment_stops_the_conversion() {
        let review = Review {
            mx_comments: vec!["MX".to_owned()],
            not_mx_comments: Vec::new(),
            excluded_server: Vec::new(),
        };
        let provider = &ispdb::parse(
            "<clientConfig><emailProvider id=\"x\"><!-- new MX hosts --><domain>a.example</domain>\
             </emailProvider></clientConfig>",
        )
        .unwrap()[0];
        let error = convert_one("x.xml", "x", provider, &review).unwrap_err();
        assert!(error.contains("new MX hosts") && error.contains("not reviewed"), "{error}");
    }
}
