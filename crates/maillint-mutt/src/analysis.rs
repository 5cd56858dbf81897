//! One parse of a muttrc unit: read the files, then build one account per account file, per
//! hook that switches accounts, and for what is left in the main configuration.
//!
//! NeoMutt applies hooks and account files at run time, on top of the configuration it read
//! at start. maillint models that: an account file's account is the final configuration with
//! the file read once more; a hook's account is the final configuration with the hook's
//! commands run. An endpoint belongs to the first account in which something about it (its
//! URL, user, password, TLS settings) was written in that account's own text, so the same URL
//! is not reported once per account.

use std::collections::HashSet;
use std::path::Path;

use maillint_core::{Account, Diagnostic, Endpoint, FileId, Label, ParseOptions, Sources, Span};

use crate::accounts::{self, BuiltEndpoint, EndpointEdit, UrlEdit};
use crate::flavour::Flavour;
use crate::interp::{ACCOUNT_VARS, Interpreter};
use crate::rules::{TlsModernVersionsDisabled, TunnelAssumedSecure};
use crate::state::{Commands, HookDef, State};
use crate::text::SpannedText;
use crate::{orphans, secrets};

/// Where an account's own text is.
enum Region {
    /// These files.
    Files(Vec<FileId>),
    /// A hook body, and the files it sourced.
    Hook { body: Option<Span>, files: Vec<FileId> },
    /// Anywhere.
    All,
}

impl Region {
    fn contains(&self, span: &Span) -> bool {
        match self {
            Region::Files(files) => files.contains(&span.file),
            Region::Hook { body, files } => {
                files.contains(&span.file)
                    || body.is_some_and(|b| {
                        b.file == span.file
                            && b.range.start <= span.range.start
                            && span.range.end <= b.range.end
                    })
            }
            Region::All => true,
        }
    }
}

/// What kind of text an account comes from.
enum ScopeKind {
    /// An account file: it owns the servers whose URL it writes.
    File,
    /// A hook: it owns the servers whose URL it writes, and those it changes (user, password,
    /// TLS) when its regex matches their URL (or always, for hooks without a regex).
    Hook {
        pattern: Option<(regex::Regex, bool)>,
        /// An account-hook (NeoMutt runs it on every connection to a server it matches).
        account_hook: bool,
    },
    /// The main configuration: everything left.
    Root,
}

struct Scope {
    name: String,
    span: Span,
    state: State,
    region: Region,
    kind: ScopeKind,
}

impl Scope {
    /// Whether the scope owns a server, from its URLs alone: `None` when that takes the
    /// endpoint (a hook owns the servers it changes).
    fn owns_urls(&self, urls: &[UrlEdit]) -> Option<bool> {
        let mut url_spans = urls.iter().flat_map(|u| [u.host, u.scheme]).flatten();
        if url_spans.any(|s| self.region.contains(&s)) {
            return Some(true);
        }
        match &self.kind {
            ScopeKind::File => Some(false),
            ScopeKind::Root => Some(true),
            ScopeKind::Hook { .. } => None,
        }
    }

    /// Whether a hook owns an endpoint whose URLs (`values`, as NeoMutt stores them) it does
    /// not write: it changes the endpoint and its regex matches one of the URLs (or it has
    /// none).
    fn hook_owns(&self, endpoint: &Endpoint, values: &[&str]) -> bool {
        let ScopeKind::Hook { pattern, .. } = &self.kind else { return false };
        endpoint_spans(endpoint).iter().any(|s| self.region.contains(s))
            && pattern
                .as_ref()
                .is_none_or(|(re, negated)| values.iter().any(|u| re.is_match(u) != *negated))
    }
}

/// Everything one parse produced.
pub(crate) struct Analysis {
    /// Accounts.
    pub accounts: Vec<Account>,
    /// Edit information, indexed like `accounts[i].endpoints[j]`.
    pub edits: Vec<Vec<EndpointEdit>>,
    /// Diagnostics.
    pub diagnostics: Vec<Diagnostic>,
    /// Secret spans.
    pub secrets: Vec<Span>,
    /// The configuration after reading the files (hooks not run).
    pub final_state: State,
    /// The `set`-family commands (for lowering).
    pub commands: Commands,
}

/// Reads the unit rooted at `root` and builds its accounts.
pub(crate) fn analyse(root: FileId, sources: &mut Sources, options: &ParseOptions) -> Analysis {
    let root_path = sources.get(root).path().to_path_buf();
    let home = options.home.as_ref().map(|h| h.to_string_lossy().into_owned());
    // `[mutt] flavour` in maillint.toml wins over what the path says.
    let flavour = options
        .client_settings
        .get("mutt.flavour")
        .and_then(|name| Flavour::from_name(name))
        .unwrap_or_else(|| Flavour::of_path(&root_path));
    let mut interp = Interpreter::new(sources, home, flavour.read_by_mutt());
    interp.run_root(root);
    let final_state = interp.state.clone();
    let mut scopes = scopes(&mut interp, &final_state);
    scopes.push(Scope {
        name: file_name(&root_path),
        span: Span::point(root, 0),
        // A server no account-hook matches gets what the files wrote, without what the
        // hooks NeoMutt ran at start-up for other servers changed.
        state: final_state.without_hooks(),
        region: Region::All,
        kind: ScopeKind::Root,
    });

    global_checks(&final_state, &mut interp);

    let commands = std::mem::take(&mut interp.out.commands);
    let (mut accounts, mut edits) = accounts_of(scopes, flavour);
    let holders = holders(&interp);
    let swept = secrets::sweep(interp.sources());
    for (account, account_edits) in orphans::accounts(&holders, &swept, &accounts, interp.sources())
    {
        accounts.push(account);
        edits.push(account_edits);
    }

    let Interpreter { mut out, .. } = interp;
    // Hook bodies are read after the files: report in file order.
    out.diagnostics.sort_by_key(|d| (d.span.file, d.span.range.start, d.span.range.end));
    let mut secrets = out.secrets;
    let carried = accounts.iter().flat_map(|a| &a.endpoints).flat_map(|e| &e.secrets);
    for span in carried.map(|s| s.span).chain(swept) {
        if !secrets.contains(&span) {
            secrets.push(span);
        }
    }
    Analysis { accounts, edits, diagnostics: out.diagnostics, secrets, final_state, commands }
}

/// The scopes of the account files and of the hooks that switch accounts. Each starts from
/// the configuration the files wrote, without what start-up hooks changed for other servers.
fn scopes(interp: &mut Interpreter<'_>, final_state: &State) -> Vec<Scope> {
    let base = final_state.without_hooks();
    let hooks = interp.out.hooks.clone();
    let account_files = interp.out.account_files.clone();
    let mut scopes: Vec<Scope> = Vec::new();
    for account_file in &account_files {
        interp.state = base.clone();
        let files = interp.replay_file(account_file.file, &account_file.dir);
        let path = interp.sources().get(account_file.file).path().to_path_buf();
        scopes.push(Scope {
            name: file_name(&path),
            span: Span::point(account_file.file, 0),
            state: interp.state.clone(),
            region: Region::Files(files),
            kind: ScopeKind::File,
        });
    }
    for (index, hook) in hooks.iter().enumerate() {
        interp.state = base.clone();
        let files = interp.run_hook(index, hook);
        let switches_account = interp.state.assigned().any(|(name, value)| {
            ACCOUNT_VARS.contains(&name)
                && value.assignment.as_ref().is_some_and(|a| a.hook == Some(index))
        }) || interp
            .state
            .mailboxes
            .iter()
            .any(|m| m.hook == Some(index) && accounts::is_remote(m.value.as_str()));
        if !switches_account {
            continue;
        }
        // account-hook and folder-hook patterns are regexes over the mailbox or account URL.
        let pattern = if matches!(hook.command.as_str(), "account-hook" | "folder-hook") {
            hook.regex().map(|re| (re.clone(), hook.negated))
        } else {
            None
        };
        scopes.push(Scope {
            name: hook_name(hook),
            span: hook.span.or(hook.body_span).unwrap_or(Span::point(hook.file, 0)),
            state: interp.state.clone(),
            region: Region::Hook { body: hook.body_span, files },
            kind: ScopeKind::Hook { pattern, account_hook: hook.command == "account-hook" },
        });
    }
    scopes
}

/// One account per scope that owns an endpoint. A server an account-hook owns is not the
/// root's too: NeoMutt runs the hook every time it connects to it.
fn accounts_of(scopes: Vec<Scope>, flavour: Flavour) -> (Vec<Account>, Vec<Vec<EndpointEdit>>) {
    let mut accounts: Vec<Account> = Vec::new();
    let mut edits = Vec::new();
    let mut hooked: Vec<maillint_core::Endpoint> = Vec::new();
    // The scopes share most mailbox entries: each is parsed once for all of them.
    let mut mailbox_urls = accounts::MailboxUrls::default();
    for scope in &scopes {
        let mut endpoints = Vec::new();
        let mut endpoint_edits = Vec::new();
        let servers = accounts::servers(&scope.state, &mut mailbox_urls);
        let first_url = accounts::first_url(&servers);
        for mut server in servers {
            let by_urls = scope.owns_urls(&server.urls);
            if by_urls == Some(false) {
                continue;
            }
            let BuiltEndpoint { endpoint, edit } = server.build(&scope.state, flavour, first_url);
            if by_urls.is_none() && !scope.hook_owns(&endpoint, &server.values()) {
                continue;
            }
            let taken_by_hook = matches!(scope.kind, ScopeKind::Root)
                && hooked.iter().any(|e| same_server(e, &endpoint));
            let mut emitted = accounts.iter().flat_map(|a| &a.endpoints).chain(&endpoints);
            if taken_by_hook || emitted.any(|e| same_endpoint(e, &endpoint)) {
                continue;
            }
            if matches!(scope.kind, ScopeKind::Hook { account_hook: true, pattern: Some(_) }) {
                hooked.push(endpoint.clone());
            }
            endpoints.push(endpoint);
            endpoint_edits.push(edit);
        }
        if endpoints.is_empty() {
            continue;
        }
        let email = accounts::email(&scope.state);
        let name = match &email {
            Some(email) => format!("{} ({})", scope.name, email.value),
            None => scope.name.clone(),
        };
        accounts.push(Account { client: crate::CLIENT, name, email, span: scope.span, endpoints });
        edits.push(endpoint_edits);
    }
    (accounts, edits)
}

/// The hooks and macros whose text may hold a password no account uses.
fn holders(interp: &Interpreter<'_>) -> Vec<orphans::Holder> {
    let hooks = interp.out.hooks.iter().filter_map(|hook| {
        Some(orphans::Holder { name: hook_name(hook), span: hook.span.or(hook.body_span)? })
    });
    let macros =
        interp.out.macros.iter().map(|&span| orphans::Holder { name: "macro".to_owned(), span });
    hooks.chain(macros).collect()
}

fn hook_name(hook: &HookDef) -> String {
    format!("{} {}", hook.command, describe_pattern(&hook.pattern))
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| path.display().to_string())
}

fn describe_pattern(pattern: &SpannedText) -> String {
    if !pattern.is_known() {
        return "(pattern from an unknown value)".to_owned();
    }
    let text: String = pattern.as_str().chars().take(60).collect();
    if text.is_empty() { "(no pattern)".to_owned() } else { text }
}

/// Every span that says where something about the endpoint was written.
fn endpoint_spans(e: &maillint_core::Endpoint) -> Vec<Span> {
    let mut spans = vec![e.span];
    spans.extend(e.host.as_ref().map(|h| h.span));
    spans.extend(e.port.as_ref().filter(|p| p.is_explicit()).map(|p| p.span));
    spans.extend(e.username.as_ref().map(|u| u.span));
    spans.extend(e.secrets.iter().map(|s| s.span));
    if !e.security.is_default() {
        spans.push(e.security.span);
    }
    if !e.auth.is_default() {
        spans.push(e.auth.span);
    }
    spans.extend(e.certificate_verification_disabled.as_ref().map(|c| c.span));
    spans.extend(e.tls_versions.iter().map(|t| t.span));
    spans
}

fn same_server(a: &maillint_core::Endpoint, b: &maillint_core::Endpoint) -> bool {
    let host = |e: &maillint_core::Endpoint| e.host.as_ref().map(|h| h.value.to_ascii_lowercase());
    let port = |e: &maillint_core::Endpoint| e.port.as_ref().map(|p| p.value);
    a.protocol == b.protocol && host(a) == host(b) && port(a) == port(b)
}

fn same_endpoint(a: &maillint_core::Endpoint, b: &maillint_core::Endpoint) -> bool {
    a.protocol == b.protocol
        && a.host == b.host
        && a.port == b.port
        && a.security == b.security
        && a.auth == b.auth
        && a.username == b.username
        && a.certificate_verification_disabled == b.certificate_verification_disabled
        && a.secrets == b.secrets
        && a.tls_versions == b.tls_versions
}

/// Checks on the configuration as a whole: TLS 1.2 and 1.3 both off, an assumed-secure tunnel.
fn global_checks(state: &State, interp: &mut Interpreter<'_>) {
    let off = |name: &str| -> Option<Span> {
        let value = state.get(name)?;
        (state.bool_value(name) == Some(false))
            .then(|| value.assignment.as_ref().and_then(|a| a.item.or(a.name)))
            .flatten()
    };
    if let (Some(v12), Some(v13)) = (off("ssl_use_tlsv1_2"), off("ssl_use_tlsv1_3")) {
        let (first, second) = if v12 <= v13 { (v12, v13) } else { (v13, v12) };
        interp.out.diagnostics.push(
            Diagnostic::new(
                TlsModernVersionsDisabled::metadata(),
                second,
                "TLS 1.2 and TLS 1.3 are both turned off: only deprecated versions, or none, \
                 remain",
            )
            .with_label(Label::new(first, "the other modern version is turned off here")),
        );
    }
    if let Some(tunnel) = state.get("tunnel").filter(|t| !t.text.is_empty()) {
        let secure_default = state.get("tunnel_is_secure").is_some_and(|t| {
            t.assignment.is_none() && state.bool_value("tunnel_is_secure") == Some(true)
        });
        if secure_default
            && let Some(span) = tunnel.assignment.as_ref().and_then(|a| a.item.or(a.name))
        {
            interp.out.diagnostics.push(
                Diagnostic::new(
                    TunnelAssumedSecure::metadata(),
                    span,
                    "`tunnel` is set and `tunnel_is_secure` keeps its default: NeoMutt \
                         assumes the tunnel encrypts the connection and does not use STARTTLS",
                )
                .with_help("`unset tunnel_is_secure` if the tunnel does not encrypt"),
            );
        }
    }
}

/// The final value of every variable NeoMutt knows, as `neomutt -Q` would print it.
pub(crate) fn effective_values(state: &State) -> Vec<(&'static str, SpannedText)> {
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for def in crate::neomutt_tables::VARIABLES.iter().chain(crate::vars::OTHER_BUILD_VARIABLES) {
        if seen.insert(def.name) {
            out.push((def.name, state.get_def(def).text.clone()));
        }
    }
    out
}
