//! Turning a rule's field changes into edits in prefs syntax.
//!
//! A change of host, port, security or authentication becomes a new value for one pref of the
//! endpoint's server (`hostname`, `port`, `socketType`/`try_ssl`, `authMethod`): the literal of
//! the statement that sets the pref is replaced, or a `user_pref(...)` line is inserted where
//! [`Placement`] says. Values are written as Thunderbird writes them (double-quoted strings,
//! decimal integers), so its next save of `prefs.js` keeps them byte for byte.

use std::collections::BTreeMap;
use std::sync::Arc;

use maillint_core::{
    Edit, Endpoint, FieldChange, FileId, LowerError, SourceFile, Sources, Span, TextRange,
};

use crate::accounts::{
    EndpointKey, SERVER_PREFIX, SMTP_PREFIX, ServerKind, auth_method_value, socket_type_of,
};
use crate::autoconfig;
use crate::checks::intended_key;
use crate::lock::LockState;
use crate::placement::{Blocked, Placement};
use yoke::Yoke;

use crate::prefs::{self, FileKind};
use crate::profile::{FileRole, LoadedFile, PrefRef, Profile};
use crate::syntax::{Literal, quote, user_pref_line};

/// A parsed profile together with the text of its files, which its statements borrow from.
pub type OwnedProfile = Yoke<Profile<'static>, Box<[ProfileText]>>;

/// The text a profile's statements borrow from: a file as it was read (shared with the
/// unit's sources, not copied), or an AutoConfig file's masked text.
#[derive(Debug)]
pub enum ProfileText {
    /// The file's decoded text.
    Read(Arc<SourceFile>),
    /// An AutoConfig file with everything but its `pref()` calls masked.
    Masked(String),
}

impl ProfileText {
    /// The text.
    pub fn as_str(&self) -> &str {
        match self {
            ProfileText::Read(file) => file.text(),
            ProfileText::Masked(text) => text,
        }
    }
}

/// What the parser keeps for lowering: the parsed profile, the endpoints it produced and the
/// lock state seen at parse time.
#[derive(Debug)]
pub struct ThunderbirdState {
    /// The client the profile was read for: Thunderbird, or a fork (Betterbird) that reads the
    /// same files.
    pub client: maillint_core::Client,
    /// The profile's files and effective prefs, with their text.
    pub profile: OwnedProfile,
    /// Endpoints by locator.
    pub endpoints: crate::accounts::EndpointMap,
    /// Whether Thunderbird runs with the profile.
    pub lock: LockState,
}

impl ThunderbirdState {
    /// The profile.
    pub fn profile(&self) -> &Profile<'_> {
        self.profile.get()
    }
}

/// Parses the prefs files `files` (in load order) of `sources` into a profile that holds their
/// text (the sources' own, shared; a masked copy of an AutoConfig file), and no allocation for
/// the prefs that borrow from it.
pub fn load_profile(files: &[(FileId, FileRole)], sources: &Sources) -> OwnedProfile {
    // An AutoConfig file is read through its masked text, whose offsets are the file's own.
    let sites: Vec<Vec<autoconfig::Site>> = files
        .iter()
        .map(|&(id, role)| match role {
            FileRole::AutoConfig => autoconfig::sites(sources.get(id).text()),
            _ => Vec::new(),
        })
        .collect();
    let texts: Box<[ProfileText]> = files
        .iter()
        .zip(&sites)
        .map(|(&(id, role), sites)| {
            let file = sources.get(id);
            match role {
                FileRole::AutoConfig => ProfileText::Masked(autoconfig::masked(file.text(), sites)),
                _ => ProfileText::Read(Arc::clone(file)),
            }
        })
        .collect();
    Yoke::attach_to_cart(texts, |texts: &[ProfileText]| {
        let loaded = files
            .iter()
            .zip(texts)
            .zip(&sites)
            .map(|((&(id, role), text), sites)| LoadedFile {
                id,
                role,
                parsed: parse_file(sources.get(id), text.as_str(), role, sites),
            })
            .collect();
        Profile::new(loaded)
    })
}

/// One file in the grammar of its role: libpref's profile grammar, its default-prefs grammar
/// (attributes allowed), or an AutoConfig file's calls.
fn parse_file<'t>(
    file: &SourceFile,
    text: &'t str,
    role: FileRole,
    sites: &[autoconfig::Site],
) -> prefs::PrefsFile<'t> {
    match role {
        FileRole::Prefs | FileRole::User | FileRole::Other => {
            prefs::parse_source_text(file, text, FileKind::User)
        }
        FileRole::Defaults => prefs::parse_source_text(file, text, FileKind::Default),
        FileRole::AutoConfig => {
            let mut parsed = prefs::parse_source_text(file, text, FileKind::Default);
            autoconfig::apply_calls(&mut parsed, sites);
            parsed
        }
    }
}

/// A `host:port` value of an incoming server's `hostname`, which Thunderbird splits.
fn split_hostname(profile: &Profile, prefix: &str) -> Option<(String, i32)> {
    let (value, _) = profile.string(&[prefix, "hostname"].concat()).value()?;
    if value.matches(':').count() != 1 {
        return None;
    }
    let (host, port) = value.split_once(':')?;
    let port: i32 = port.parse().ok()?;
    (port > 0).then(|| (host.to_owned(), port))
}

/// The prefs to set for `changes`, by attribute name (`hostname`, `port`, ...).
fn wanted_values(
    profile: &Profile,
    key: &EndpointKey,
    changes: &[FieldChange],
) -> Result<BTreeMap<&'static str, Literal>, LowerError> {
    let incoming = matches!(key.kind, ServerKind::Incoming(_));
    let prefix = key.prefix();
    let mut wanted = BTreeMap::new();
    let mut new_host: Option<&str> = None;
    let mut new_port: Option<u16> = None;
    for change in changes {
        match change {
            FieldChange::Host(host) => {
                if host.is_empty() || host.chars().any(char::is_control) {
                    return Err(LowerError(format!(
                        "cannot write the host name {host:?}: it is empty or holds control characters"
                    )));
                }
                if incoming && host.contains(':') {
                    return Err(LowerError(format!(
                        "cannot write the host name `{host}` into {prefix}hostname: Thunderbird would split it at the `:` and read a port"
                    )));
                }
                new_host = Some(host);
            }
            FieldChange::Port(0) => {
                return Err(LowerError(
                    "port 0 is not a port: Thunderbird reads it as \"use the default port\"".into(),
                ));
            }
            FieldChange::Port(port) => new_port = Some(*port),
            FieldChange::Security(security) => {
                let value = socket_type_of(*security).ok_or_else(|| {
                    LowerError("\"unknown\" security has no socketType value to write".into())
                })?;
                let attr = if incoming { "socketType" } else { "try_ssl" };
                wanted.insert(attr, Literal::Int(value));
            }
            FieldChange::Auth(method) => {
                let value = auth_method_value(*method).ok_or_else(|| {
                    LowerError("\"unknown\" authentication has no authMethod value to write".into())
                })?;
                wanted.insert("authMethod", Literal::Int(value));
            }
            FieldChange::EnableCertificateVerification => {
                return Err(LowerError(
                    "Thunderbird has no per-server pref that turns certificate verification off, so there is none to turn back on".into(),
                ));
            }
            FieldChange::DisableTlsVersion(version) => {
                return Err(LowerError(format!(
                    "Thunderbird has no per-server pref for TLS versions, so {} cannot be disabled for this server in prefs.js",
                    version.display_name()
                )));
            }
        }
    }
    // A `host:port` hostname keeps its form: the port stays in it.
    let split = if incoming { split_hostname(profile, &prefix) } else { None };
    match split {
        Some((host, port)) if new_host.is_some() || new_port.is_some() => {
            let host = new_host.unwrap_or(&host);
            let port = new_port.map_or(port, i32::from);
            wanted.insert("hostname", Literal::String(format!("{host}:{port}")));
        }
        _ => {
            if let Some(host) = new_host {
                wanted.insert("hostname", Literal::String(host.to_owned()));
            }
            if let Some(port) = new_port {
                wanted.insert("port", Literal::Int(i32::from(port)));
            }
        }
    }
    Ok(wanted)
}

/// A statement for `name` inside text Thunderbird skips because of a parse error (the
/// statement an error was found in, up to where parsing resumed): its file and offset.
fn lost_statement(profile: &Profile, sources: &Sources, name: &str) -> Option<(FileId, usize)> {
    let quoted = [["\"", name, "\""].concat(), ["'", name, "'"].concat()];
    for loaded in &profile.files {
        let text = sources.get(loaded.id).text();
        for error in &loaded.parsed.errors {
            let skipped = error.skipped();
            let start = skipped.start.min(text.len());
            let end = skipped.end.clamp(start, text.len());
            let lost = &text[start..end];
            if let Some(found) = quoted.iter().filter_map(|q| lost.find(q.as_str())).min() {
                return Some((loaded.id, start + found));
            }
        }
    }
    None
}

/// Why Thunderbird would not read a line inserted at `offset` of `file`: it lies in the text
/// a syntax error makes it skip (an unterminated string runs to the end of the file, so the
/// end counts too), after a NUL byte (where libpref stops reading), or in a UTF-16 file.
fn unread_at(profile: &Profile, sources: &Sources, file: usize, offset: usize) -> Option<String> {
    let loaded = &profile.files[file];
    let text = sources.get(loaded.id).text();
    if loaded.parsed.encoding_issue == Some(crate::prefs::EncodingIssue::Utf16) {
        return Some("Thunderbird reads nothing from this UTF-16 file".to_owned());
    }
    if offset > loaded.parsed.end {
        return Some(format!(
            "Thunderbird stops reading at the NUL byte on line {}",
            sources.get(loaded.id).line_col(loaded.parsed.end).line
        ));
    }
    loaded.parsed.errors.iter().find_map(|error| {
        let skipped = error.skipped();
        let to_the_end = skipped.end >= text.len().min(loaded.parsed.end);
        (skipped.start < offset && (offset < skipped.end || to_the_end)).then(|| {
            format!(
                "Thunderbird skips that text because of the syntax error reported on line {}",
                error.line
            )
        })
    })
}

/// The effective statement of a key Thunderbird ignores but that was meant as `attr` of this
/// server (reference 9, T10).
fn ignored_alias(profile: &Profile, key: &EndpointKey, attr: &str) -> Option<PrefRef> {
    let prefix = key.prefix();
    let kind_prefix = match key.kind {
        ServerKind::Incoming(_) => SERVER_PREFIX,
        ServerKind::Outgoing => SMTP_PREFIX,
    };
    profile
        .mail_statements()
        .filter(|(at, statement)| {
            statement.name.strip_prefix(&prefix).is_some_and(|alias| {
                !alias.contains('.')
                    && intended_key(kind_prefix, alias)
                        .is_some_and(|(intended, _)| intended == attr)
            }) && profile.effective(&statement.name) == Some(*at)
        })
        .map(|(at, _)| at)
        .last()
}

/// Lowers `changes` on `endpoint` into edits.
pub fn lower(
    state: &ThunderbirdState,
    sources: &Sources,
    endpoint: &Endpoint,
    changes: &[FieldChange],
) -> Result<Vec<Edit>, LowerError> {
    let key = state.endpoints.get(&endpoint.locator).ok_or_else(|| {
        LowerError(format!(
            "endpoint `{}` does not belong to the Thunderbird profile that was parsed",
            endpoint.locator
        ))
    })?;
    let profile = state.profile();
    if profile.files[key.home_file].role.is_system() {
        // A default-prefs or AutoConfig file applies to every user of the installation, and an
        // AutoConfig file is JavaScript: such a change is for its administrator to make.
        return Err(LowerError(
            "maillint does not rewrite default-prefs or AutoConfig files; change the value there by hand".to_owned(),
        ));
    }
    let placement = Placement::new(profile, sources, &state.lock);
    let prefix = key.prefix();
    let wanted = wanted_values(profile, key, changes)?;

    let mut edits = Vec::new();
    // Insertions grouped by file and point: two insertions at one point must be one edit.
    let mut insertions: BTreeMap<(usize, usize, bool), Vec<String>> = BTreeMap::new();
    let mut blocked_lines = Vec::new();
    let mut blocked: Option<Blocked> = None;
    for (attr, literal) in &wanted {
        // concat, not format!: the lowering of a fix runs for every fixable finding of a
        // scan (format! cost ~700 instructions a call, 1,890 calls on the bench).
        let name = [&prefix, *attr].concat();
        if let Some((file, offset)) = lost_statement(profile, sources, &name) {
            let file = sources.get(file);
            return Err(LowerError(format!(
                "`{name}` is written on line {} of {}, but Thunderbird skips that statement because of the syntax error reported there; fix that error first, so the statement applies as written",
                file.line_col(offset).line,
                file.path().display()
            )));
        }
        let existing = profile.effective(&name);
        let normal_file = existing.map_or(key.home_file, |at| at.file);
        match placement.target(normal_file) {
            Err(reason) => {
                blocked_lines.push(user_pref_line(&name, literal));
                blocked = Some(reason);
            }
            Ok((file, redirected)) => match existing {
                Some(at) if !redirected => {
                    let range = profile.statement(at).value_range;
                    edits.push(Edit::replace(profile.span(at, range), literal.render()));
                }
                // A line with a misspelt or misplaced key (`try_ssl` on an incoming server,
                // `username` for `userName`): turn it into the right one instead of adding a
                // second line. The edit covers its name, so it cannot be applied together
                // with the K102 rename of the same line.
                None if let Some(at) = ignored_alias(profile, key, attr)
                    .filter(|at| !placement.is_blocked(at.file)) =>
                {
                    let statement = profile.statement(at);
                    let range = TextRange::new(
                        statement.name_range.start as usize,
                        statement.value_range.end as usize,
                    );
                    edits.push(Edit::replace(
                        profile.span(at, range),
                        format!("{}, {}", quote(&name), literal.render()),
                    ));
                }
                _ => {
                    let at = placement.position(file, &prefix, &name, redirected);
                    if let Some(reason) = unread_at(profile, sources, file, at.offset) {
                        let path = sources.get(profile.files[file].id).path();
                        return Err(LowerError(format!(
                            "`{name}` would be written where {} is not read: {reason}; fix that first",
                            path.display()
                        )));
                    }
                    insertions
                        .entry((file, at.offset, at.leading_break))
                        .or_default()
                        .push(user_pref_line(&name, literal));
                }
            },
        }
    }
    if let Some(Blocked { reason }) = blocked {
        return Err(LowerError(format!(
            "{reason}: Thunderbird rewrites prefs.js when it exits, so an edit there would be lost. Close Thunderbird and apply the fix again, or create user.js in the profile folder with {} (Thunderbird reads user.js at every start, so the value then stays fixed there)",
            blocked_lines.iter().map(|line| format!("`{line}`")).collect::<Vec<_>>().join(" and ")
        )));
    }
    for ((file, offset, leading_break), mut lines) in insertions {
        // Sorted like Thunderbird sorts its lines.
        lines.sort();
        let loaded = &profile.files[file];
        let ending = sources.get(loaded.id).line_ending().as_str();
        let at = crate::syntax::InsertAt { offset, leading_break };
        edits.push(Edit::insert(Span::point(loaded.id, offset), at.content(&lines, ending)));
    }
    edits.sort_by_key(|edit| (edit.span.file, edit.span.range.start));
    Ok(edits)
}
