//! What the Thunderbird parser reports itself: libpref's parse errors, and the Thunderbird
//! pitfalls of reference section 9 that the account model cannot express (they are about
//! which pref Thunderbird reads, not about the values of an account).

use std::sync::Arc;

use maillint_core::builtin::{NotFollowed, ParseError};
use maillint_core::{
    Applicability, Diagnostic, Edit, Fix, Label, RuleMeta, Sources, Span, TextRange, declare_rule,
};

use crate::accounts::{SERVER_PREFIX, SMTP_PREFIX};
use crate::placement::Placement;
use crate::prefs::{EncodingIssue, ParseError as PrefsError, PrefValue, Spec};
use crate::profile::{FileRole, LoadedFile, Profile};
use crate::syntax::{quote, statement_deletion_range};

declare_rule! {
    /// ## What it does
    /// Reports `mail.server.<key>.realhostname` and `mail.server.<key>.realuserName`.
    ///
    /// ## Why is this bad?
    /// Thunderbird 102 removed both prefs (bug 1483485) after a one-off migration copied
    /// them into `hostname` and `userName`. Older versions connect with `realhostname` and
    /// `realuserName` instead of `hostname` and `userName`, so a profile that still has them
    /// reaches one server with an old Thunderbird and possibly another with a current one,
    /// and the host name maillint checks may not be the one an old version uses.
    ///
    /// ## Example
    /// ```js
    /// user_pref("mail.server.server1.hostname", "imap.example.com");
    /// user_pref("mail.server.server1.realhostname", "imap.example.com");
    /// ```
    ///
    /// ## Fix
    /// When the obsolete pref holds the same value as `hostname` (or `userName`), deleting
    /// it changes nothing: that fix is safe. Otherwise, put the intended value into
    /// `hostname` (or `userName`) and delete the obsolete line by hand.
    pub struct ObsoletePref {
        code: "K101",
        name: "obsolete-pref",
        group: "thunderbird",
        severity: Warning,
        fix: Sometimes,
    }
}

declare_rule! {
    /// ## What it does
    /// Reports a server pref that Thunderbird never reads: a key written with the wrong
    /// case or borrowed from the other server kind (`username` on an incoming server,
    /// `userName` on an outgoing one, `try_ssl` on an incoming server, `socketType` on an
    /// outgoing one), or a value of the wrong type (`"993"` where Thunderbird reads an
    /// integer).
    ///
    /// ## Why is this bad?
    /// Pref names are case-sensitive, and Thunderbird's typed getters ignore a value of
    /// another type. Incoming servers read `userName` and `socketType`; outgoing servers read
    /// `username` and `try_ssl`. The setting silently does not apply, and the server runs
    /// with the default instead (no encryption for `socketType`/`try_ssl`).
    ///
    /// ## Example
    /// ```js
    /// user_pref("mail.server.server1.try_ssl", 3);
    /// user_pref("mail.smtpserver.smtp1.port", "465");
    /// ```
    ///
    /// ## Fix
    /// Renames the key to the one Thunderbird reads, or writes the value with the right
    /// type. Safe: it makes the written setting apply, which is what it was written for. No
    /// fix is offered when the right key is already set as well; then delete the ignored line.
    pub struct IgnoredPref {
        code: "K102",
        name: "ignored-pref",
        group: "thunderbird",
        severity: Warning,
        fix: Sometimes,
    }
}

declare_rule! {
    /// ## What it does
    /// Reports `pref(...)` or `sticky_pref(...)` in `prefs.js` or `user.js`. Default-prefs
    /// files (`defaults/pref/*.js`) and AutoConfig files, where `pref()` is the right keyword,
    /// are not checked.
    ///
    /// ## Why is this bad?
    /// The keyword decides what a statement sets, not the file: `pref(...)` sets only the
    /// *default* value. A user value (from `prefs.js` or set in the settings) overrides it,
    /// and Thunderbird never saves default values, so the line has no lasting effect in
    /// `prefs.js`. Recent Mozilla releases go further and reject anything but `user_pref` in
    /// these files as a parse error, dropping the statement.
    ///
    /// ## Example
    /// ```js
    /// pref("mail.server.server1.socketType", 3);
    /// ```
    ///
    /// ## Fix
    /// Replaces the keyword with `user_pref`. Safe: the value becomes the user value, as
    /// intended.
    pub struct DefaultPrefInUserJs {
        code: "K103",
        name: "default-pref-in-user-js",
        group: "thunderbird",
        severity: Warning,
        fix: Always,
    }
}

declare_rule! {
    /// ## What it does
    /// Reports a lock on no encryption: `lockPref()` in an AutoConfig file, or
    /// `pref(..., locked)` in a default-prefs file, that sets a server's `socketType` (or an
    /// outgoing server's `try_ssl`) to 0.
    ///
    /// ## Why is this bad?
    /// A locked pref applies to every profile of the installation, and its value wins over
    /// what users choose: the setting is greyed out, so nobody can turn TLS on for that
    /// server. The password and every message cross the network in clear text for every
    /// user, and the one fix is in this file. `tls-disabled` reports the plaintext connection
    /// too; this rule says that it is locked.
    ///
    /// ## Example
    /// ```js
    /// // thunderbird.cfg
    /// lockPref("mail.server.server1.socketType", 0);
    /// ```
    ///
    /// ## Fix
    /// None is written: AutoConfig and default-prefs files belong to the installation. Lock
    /// 3 (SSL/TLS) or 2 (STARTTLS), with the port that goes with it.
    pub struct LockedPlaintext {
        code: "K104",
        name: "locked-plaintext",
        group: "thunderbird",
        severity: Error,
        fix: None,
    }
}

/// The rules the parser reports, for listing and selection.
pub fn rules() -> Vec<Arc<RuleMeta>> {
    vec![
        Arc::clone(ObsoletePref::metadata()),
        Arc::clone(IgnoredPref::metadata()),
        Arc::clone(DefaultPrefInUserJs::metadata()),
        Arc::clone(LockedPlaintext::metadata()),
    ]
}

/// Whether a diagnostic's fix may be written: not into `prefs.js` while Thunderbird runs.
fn fix_or_blocked(
    placement: &Placement<'_>,
    file: usize,
    diagnostic: Diagnostic,
    fix: Fix,
) -> Diagnostic {
    if placement.is_blocked(file) {
        let note = format!(
            "{}: close Thunderbird before editing prefs.js, which it rewrites when it exits",
            placement.lock.describe()
        );
        let help = match &diagnostic.help {
            Some(help) => format!("{help} ({note})"),
            None => note,
        };
        return Diagnostic { help: Some(help), ..diagnostic };
    }
    Diagnostic { fix: Some(fix), ..diagnostic }
}

/// Parse errors as `parse-error` diagnostics, with Mozilla's message; and a warning where a
/// NUL byte silently ends the file (libpref reports nothing, reference 2.3).
pub fn parse_errors(
    profile: &Profile,
    sources: &Sources,
    placement: &Placement<'_>,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (index, loaded) in profile.files.iter().enumerate() {
        let file = sources.get(loaded.id);
        let text = file.text();
        for error in &loaded.parsed.errors {
            if loaded.role == FileRole::AutoConfig {
                // Valid JavaScript the masked text cannot express: a computed value.
                out.push(computed_value(loaded, text, error));
                continue;
            }
            let diagnostic = parse_error(loaded, file, text, error);
            // Pitfall T15: the missing `;` costs this statement and the next one; adding it
            // makes both apply as written.
            if error.message == "expected ';' after ')'" {
                let fix = Fix {
                    title: "Add the missing `;`".into(),
                    applicability: Applicability::Safe,
                    edits: vec![Edit::insert(Span::point(loaded.id, error.previous_end), ";")],
                };
                out.push(fix_or_blocked(placement, index, diagnostic, fix));
            } else {
                out.push(diagnostic);
            }
        }
        let end = loaded.parsed.end;
        let ignored = text.get(end + 1..).unwrap_or("");
        let utf16 = loaded.parsed.encoding_issue == Some(EncodingIssue::Utf16);
        if !utf16 && end < text.len() && ignored.bytes().any(|b| !b.is_ascii_whitespace() && b != 0)
        {
            out.push(
                Diagnostic::new(
                    ParseError::metadata(),
                    Span::point(loaded.id, end),
                    "a NUL byte ends the file for Thunderbird: nothing after it is read",
                )
                .with_severity(maillint_core::Severity::Warning)
                .with_why("libpref treats a NUL byte as the end of the input and reports no error, so every setting after it silently does not apply.")
                .with_help("remove the NUL byte"),
            );
        }
    }
    out
}

/// A call of an AutoConfig file whose arguments are not literals: JavaScript computes them,
/// and maillint runs none.
fn computed_value(loaded: &LoadedFile, text: &str, error: &PrefsError) -> Diagnostic {
    let call = crate::autoconfig::sites(text)
        .into_iter()
        .rfind(|site| site.range.start as usize <= error.offset)
        .map_or("pref", |site| site.call.as_str());
    Diagnostic::new(
        NotFollowed::metadata(),
        Span::point(loaded.id, error.offset),
        format!(
            "`{call}()` with a value JavaScript computes: maillint runs no JavaScript, so this setting is not checked"
        ),
    )
}

fn parse_error(
    loaded: &LoadedFile,
    file: &maillint_core::SourceFile,
    text: &str,
    error: &PrefsError,
) -> Diagnostic {
    let (id, role, encoding_issue) = (loaded.id, loaded.role, loaded.parsed.encoding_issue);
    let span = Span::point(id, error.offset);
    let mut diagnostic = Diagnostic::new(ParseError::metadata(), span, error.message);
    let skipped = if encoding_issue == Some(EncodingIssue::Utf16) {
        "Thunderbird reads prefs files as 8-bit text and stops at the first NUL byte, so it loads nothing from this UTF-16 file".to_owned()
    } else if error.resume_at >= loaded.parsed.end || error.resume_at < error.offset {
        "Thunderbird skips everything from here to the end of the file, so no setting in that text applies".to_owned()
    } else {
        format!(
            "Thunderbird skips everything from here to the next `;` (line {}), so no setting in that text applies",
            file.line_col(error.resume_at.saturating_sub(1)).line
        )
    };
    let why = if role == FileRole::Prefs {
        format!(
            "{skipped}. It also saves a copy of the file as Invalidprefs.js and rewrites prefs.js without the skipped text at its next save."
        )
    } else {
        format!("{skipped}.")
    };
    diagnostic = diagnostic.with_why(why);
    if let Some(help) = parse_error_help(error, text, encoding_issue) {
        diagnostic = diagnostic.with_help(help);
    }
    if let Some(opened) = error.opened_at {
        diagnostic =
            diagnostic.with_label(Label::new(Span { file: id, range: opened }, "opened here"));
    }
    if let Some(start) = error.statement_start
        && file.line_col(start).line != file.line_col(error.offset).line
    {
        diagnostic = diagnostic.with_label(Label::new(
            Span { file: id, range: TextRange::empty(start) },
            "the statement that is lost starts here",
        ));
    }
    diagnostic
}

fn parse_error_help(
    error: &PrefsError,
    text: &str,
    issue: Option<EncodingIssue>,
) -> Option<String> {
    match issue {
        Some(EncodingIssue::Utf16) => return Some("save the file as UTF-8".into()),
        Some(EncodingIssue::Utf8Bom) if error.offset == 0 && error.line == 1 => {
            return Some(
                "remove the byte-order mark at the start of the file (save it as UTF-8 without BOM)"
                    .into(),
            );
        }
        _ => {}
    }
    let at = text.as_bytes().get(error.offset).copied();
    Some(match error.message {
        "expected ';' after ')'" => "end the statement with `;`: without it, the next statement is lost too".into(),
        "unknown keyword" => "keywords are lower case: `user_pref`, `true`, `false`".into(),
        "expected ')' after pref value" if at == Some(b',') => {
            "`, locked` and `, sticky` are only allowed in the application's default pref files; remove them".into()
        }
        "unexpected character" if at.is_some_and(|b| b >= 0x80) => {
            "non-ASCII text is allowed only inside strings and comments".into()
        }
        "unterminated string literal" => "close the string with the quote it was opened with".into(),
        "unterminated /* comment" => "close the comment with `*/`".into(),
        "expected '/' or '*' after '/'" => "comments start with `//` or `/*`".into(),
        _ => return None,
    })
}

/// The server key and attribute of a server pref, with its prefix.
fn server_attr(name: &str) -> Option<(&'static str, &str, &str)> {
    // Both prefixes are `mail.s…` and differ at the next byte: two bytes pick the one prefix
    // to compare, where trying both cost every other mail pref two compares. Each arm strips
    // its own constant, whose length the compiler knows: no call to compare bytes.
    let (prefix, rest) = match name.as_bytes().get(5..7)? {
        b"se" => (SERVER_PREFIX, name.strip_prefix(SERVER_PREFIX)?),
        b"sm" => (SMTP_PREFIX, name.strip_prefix(SMTP_PREFIX)?),
        _ => return None,
    };
    let dot = single_dot(rest.as_bytes()).filter(|&dot| dot > 0)?;
    Some((prefix, &rest[..dot], &rest[dot + 1..]))
}

/// The position of the dot of `bytes` when it has exactly one.
///
/// Eight bytes a step, a dot found by arithmetic on the word: this is asked of the 10,672
/// server prefs of 100 bench homes, whose key and attribute a byte loop and a `contains`
/// read for 2.1 M instructions.
fn single_dot(bytes: &[u8]) -> Option<usize> {
    const DOTS: u64 = u64::from_le_bytes([b'.'; 8]);
    const LOW: u64 = 0x7f7f_7f7f_7f7f_7f7f;
    let mut first = None;
    let mut at = 0;
    while let Some(chunk) = bytes.get(at..at + 8) {
        let other = u64::from_le_bytes(chunk.try_into().unwrap_or_default()) ^ DOTS;
        // The high bit of each byte that is a dot, exactly (no borrow crosses bytes).
        let mut dots = !(((other & LOW) + LOW) | other | LOW);
        while dots != 0 {
            if first.is_some() {
                return None;
            }
            first = Some(at + dots.trailing_zeros() as usize / 8);
            dots &= dots - 1;
        }
        at += 8;
    }
    while let Some(&byte) = bytes.get(at) {
        if byte == b'.' {
            if first.is_some() {
                return None;
            }
            first = Some(at);
        }
        at += 1;
    }
    first
}

/// The attributes K101 reports, with the ones Thunderbird 102 and later read instead.
const OBSOLETE_ATTRS: [(&str, &str); 2] =
    [("realhostname", "hostname"), ("realuserName", "userName")];

/// Whether `name` may be an obsolete server pref: it ends with an [`OBSOLETE_ATTRS`] name
/// (the attribute [`server_attr`] finds is the end of the name). Checked before splitting the
/// name, which almost no mail pref passes (2.3 M instructions for 19,319 mail prefs of 100
/// bench homes).
fn may_be_obsolete(name: &str) -> bool {
    // The byte where the attribute would start first: one byte tells most names apart, where
    // the whole suffix compared cost 35 instructions a name (obsolete_prefs 0.68 M -> 0.47 M
    // on the scan of 100 bench homes).
    OBSOLETE_ATTRS.iter().any(|(obsolete, _)| {
        let start = name.len().wrapping_sub(obsolete.len());
        name.as_bytes().get(start) == obsolete.as_bytes().first() && name.ends_with(obsolete)
    })
}

/// K101: `realhostname` / `realuserName`.
pub fn obsolete_prefs(
    profile: &Profile,
    sources: &Sources,
    placement: &Placement<'_>,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (at, statement) in profile.mail_statements() {
        if !may_be_obsolete(&statement.name) {
            continue;
        }
        let Some((SERVER_PREFIX, key, attr)) = server_attr(&statement.name) else { continue };
        let Some(&(_, current)) = OBSOLETE_ATTRS.iter().find(|(obsolete, _)| *obsolete == attr)
        else {
            continue;
        };
        let current_name = format!("{SERVER_PREFIX}{key}.{current}");
        let span = profile.span(at, statement.name_range);
        let mut diagnostic = Diagnostic::new(
            ObsoletePref::metadata(),
            span,
            format!("`{}` is obsolete: Thunderbird 102 and later ignore it", statement.name),
        )
        .with_why(format!(
            "Thunderbird before 102 connects with `{attr}` instead of `{current}`, so this profile may use a different {} depending on the Thunderbird version",
            if current == "hostname" { "server" } else { "login" }
        ));
        let current_at = profile.effective(&current_name);
        let same_value = current_at.is_some_and(|c| profile.statement(c).value == statement.value);
        match current_at {
            Some(c) if same_value => {
                diagnostic = diagnostic
                    .with_label(Label::new(
                        profile.value_span(c),
                        format!("`{current}` holds the same value"),
                    ))
                    .with_help(format!(
                        "delete this line: `{current}` already holds the same value"
                    ));
            }
            Some(c) => {
                diagnostic = diagnostic
                    .with_label(Label::new(
                        profile.value_span(c),
                        format!("Thunderbird 102 and later use this `{current}`"),
                    ))
                    .with_help(format!(
                        "put the value that should apply into `{current_name}` and delete this line"
                    ));
            }
            None => {
                diagnostic = diagnostic.with_help(format!(
                    "move the value into `{current_name}` (current Thunderbird has no server name or login without it)"
                ));
            }
        }
        if same_value {
            let text = sources.get(profile.file_id(at)).text();
            let range = statement_deletion_range(text, statement.range);
            let fix = Fix {
                title: format!("Delete the obsolete `{attr}` line"),
                applicability: Applicability::Safe,
                edits: vec![Edit::delete(profile.span(at, range))],
            };
            diagnostic = fix_or_blocked(placement, at.file, diagnostic, fix);
        }
        out.push(diagnostic);
    }
    out
}

/// Keys each server kind reads (reference section 8), with the expected value type.
const INCOMING_KEYS: [(&str, ValueType); 7] = [
    ("hostname", ValueType::String),
    ("port", ValueType::Int),
    ("socketType", ValueType::Int),
    ("authMethod", ValueType::Int),
    ("userName", ValueType::String),
    ("type", ValueType::String),
    ("isSecure", ValueType::Bool),
];
const OUTGOING_KEYS: [(&str, ValueType); 6] = [
    ("hostname", ValueType::String),
    ("port", ValueType::Int),
    ("try_ssl", ValueType::Int),
    ("authMethod", ValueType::Int),
    ("username", ValueType::String),
    ("type", ValueType::String),
];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum ValueType {
    String,
    Int,
    Bool,
}

impl ValueType {
    fn name(self) -> &'static str {
        match self {
            ValueType::String => "a string",
            ValueType::Int => "an integer",
            ValueType::Bool => "a boolean",
        }
    }

    fn matches(self, value: &PrefValue) -> bool {
        matches!(
            (self, value),
            (ValueType::String, PrefValue::String(_))
                | (ValueType::Int, PrefValue::Int(_))
                | (ValueType::Bool, PrefValue::Bool(_))
        )
    }
}

/// The lengths of the keys of `keys`, as bits of a mask.
const fn key_lengths(keys: &[(&str, ValueType)]) -> u64 {
    let mut mask = 0;
    let mut i = 0;
    while i < keys.len() {
        mask |= 1 << keys[i].0.len();
        i += 1;
    }
    mask
}

/// The lengths of every key [`intended_key`] compares an attribute with (exactly or case
/// ignored, both of which need equal lengths), as bits of a mask.
const COMPARED_KEY_LENGTHS: u64 = key_lengths(&INCOMING_KEYS)
    | key_lengths(&OUTGOING_KEYS)
    | 1 << "try_ssl".len()
    | 1 << "socketType".len();

/// Whether `attr` has the length of a key [`intended_key`] compares it with: most server
/// attributes (`name`, `check_new_mail`, `directory-rel`) have a length no key has, and
/// nothing need be compared (K102's checks 4.73 M -> 3.98 M instructions on the scan of
/// 100 bench homes, 9,521 server attributes).
fn may_be_key(attr: &str) -> bool {
    attr.len() < 64 && COMPARED_KEY_LENGTHS & 1 << attr.len() != 0
}

/// The key Thunderbird reads for a misspelt or misplaced `attr`, with why.
pub(crate) fn intended_key(prefix: &str, attr: &str) -> Option<(&'static str, String)> {
    if !may_be_key(attr) {
        return None;
    }
    compare_keys(prefix, attr)
}

/// [`intended_key`], by comparing `attr` with every key.
fn compare_keys(prefix: &str, attr: &str) -> Option<(&'static str, String)> {
    let incoming = prefix == SERVER_PREFIX;
    let keys: &[(&'static str, ValueType)] = if incoming { &INCOMING_KEYS } else { &OUTGOING_KEYS };
    if keys.iter().any(|(key, _)| *key == attr) {
        return None;
    }
    if incoming && attr.eq_ignore_ascii_case("try_ssl") {
        return Some((
            "socketType",
            "incoming servers read their security from `socketType`; `try_ssl` is the outgoing servers' key".into(),
        ));
    }
    if !incoming && attr.eq_ignore_ascii_case("socketType") {
        return Some((
            "try_ssl",
            "outgoing servers read their security from `try_ssl`; `socketType` is the incoming servers' key".into(),
        ));
    }
    let (key, _) = keys.iter().find(|(key, _)| key.eq_ignore_ascii_case(attr))?;
    let why = match *key {
        "userName" => {
            "incoming servers read `userName` (capital N); pref names are case-sensitive".to_owned()
        }
        "username" => {
            "outgoing servers read `username` (lower-case n); pref names are case-sensitive"
                .to_owned()
        }
        key => format!("Thunderbird reads `{key}`; pref names are case-sensitive"),
    };
    Some((key, why))
}

/// A literal of the right type for a value of the wrong type, when the conversion is exact.
fn retyped(value: &PrefValue, wanted: ValueType) -> Option<String> {
    let text = value.as_text()?;
    match wanted {
        ValueType::Int => {
            let digits = text.strip_prefix('-').unwrap_or(&text);
            (!digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()))
                .then(|| text.parse::<i32>().ok().map(|v| v.to_string()))
                .flatten()
        }
        ValueType::Bool => matches!(&*text, "true" | "false").then(|| text.into_owned()),
        ValueType::String => None,
    }
}

/// K102: keys Thunderbird does not read, values of the wrong type.
pub fn ignored_prefs(profile: &Profile, placement: &Placement<'_>) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (at, statement) in profile.mail_statements() {
        let Some((prefix, key, attr)) = server_attr(&statement.name) else { continue };
        if !may_be_key(attr) {
            // Neither misspelt nor a key whose value type is checked.
            continue;
        }
        let server = if prefix == SERVER_PREFIX { "incoming server" } else { "outgoing server" };
        if let Some((intended, why)) = intended_key(prefix, attr) {
            let intended_name = format!("{prefix}{key}.{intended}");
            let mut diagnostic = Diagnostic::new(
                IgnoredPref::metadata(),
                profile.span(at, statement.name_range),
                format!(
                    "Thunderbird ignores `{}`: the {server} key is `{intended}`",
                    statement.name
                ),
            )
            .with_why(format!("{why}, so this setting silently does not apply"));
            match profile.effective(&intended_name) {
                Some(existing) => {
                    diagnostic = diagnostic
                        .with_label(Label::new(
                            profile.value_span(existing),
                            format!("`{intended}` is set here"),
                        ))
                        .with_help(format!("`{intended_name}` is set as well; delete this line"));
                    out.push(diagnostic);
                }
                None => {
                    diagnostic = diagnostic.with_help(format!("rename it to `{intended_name}`"));
                    let fix = Fix {
                        title: format!("Rename to `{intended_name}`"),
                        applicability: Applicability::Safe,
                        edits: vec![Edit::replace(
                            profile.span(at, statement.name_range),
                            quote(&intended_name),
                        )],
                    };
                    out.push(fix_or_blocked(placement, at.file, diagnostic, fix));
                }
            }
            continue;
        }
        // A known key with a value of another type: only the effective statement matters.
        let keys: &[(&str, ValueType)] =
            if prefix == SERVER_PREFIX { &INCOMING_KEYS } else { &OUTGOING_KEYS };
        let Some((_, wanted)) = keys.iter().find(|(k, _)| *k == attr) else { continue };
        if wanted.matches(&statement.value) || profile.effective(&statement.name) != Some(at) {
            continue;
        }
        let diagnostic = Diagnostic::new(
            IgnoredPref::metadata(),
            profile.value_span(at),
            format!(
                "Thunderbird ignores `{}`: it holds {} {}, but Thunderbird reads {}",
                statement.name,
                article(statement.value.type_name()),
                statement.value.type_name(),
                wanted.name()
            ),
        )
        .with_why(format!(
            "Thunderbird's typed getter fails on a value of another type and the {server} falls back to the default, so this setting silently does not apply"
        ));
        out.push(match retyped(&statement.value, *wanted) {
            Some(literal) => {
                let fix = Fix {
                    title: format!("Write {literal} as {}", wanted.name()),
                    applicability: Applicability::Safe,
                    edits: vec![Edit::replace(profile.value_span(at), literal.clone())],
                };
                fix_or_blocked(
                    placement,
                    at.file,
                    diagnostic.with_help(format!("write it as {literal}")),
                    fix,
                )
            }
            None => diagnostic.with_help(format!("write {} value", wanted.name())),
        });
    }
    out
}

fn article(type_name: &str) -> &'static str {
    if type_name.starts_with('i') { "an" } else { "a" }
}

/// K103: `pref(` / `sticky_pref(` in user files.
pub fn default_prefs(profile: &Profile, placement: &Placement<'_>) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (at, statement) in profile.default_statements() {
        if profile.files[at.file].role.is_system() {
            continue;
        }
        let keyword = statement.spec.as_str();
        let role = profile.files[at.file].role;
        let mut diagnostic = Diagnostic::new(
            DefaultPrefInUserJs::metadata(),
            profile.span(at, statement.spec_range),
            format!("`{keyword}(` sets only the default value of `{}`", statement.name),
        );
        let overriding = profile
            .effective(&statement.name)
            .filter(|e| *e != at && profile.statement(*e).spec == Spec::UserPref);
        diagnostic = match overriding {
            Some(user) => diagnostic
                .with_why("a user value of the same pref overrides the default, so this line has no effect; recent Mozilla releases also reject it as a parse error")
                .with_label(Label::new(profile.value_span(user), "this user value applies instead")),
            None if role == FileRole::Prefs => diagnostic.with_why(
                "Thunderbird saves only user values, so this line disappears from prefs.js at its next save; recent Mozilla releases also reject it as a parse error",
            ),
            None => diagnostic.with_why(
                "any user value set in the settings overrides it, and recent Mozilla releases reject anything but `user_pref` in user.js as a parse error",
            ),
        }
        .with_help("use `user_pref`");
        let fix = Fix {
            title: format!("Replace `{keyword}` with `user_pref`"),
            applicability: Applicability::Safe,
            edits: vec![Edit::replace(profile.span(at, statement.spec_range), "user_pref")],
        };
        out.push(fix_or_blocked(placement, at.file, diagnostic, fix));
    }
    out
}

/// K104: a locked `socketType` or `try_ssl` of 0, where it is the value that applies.
pub fn locked_plaintext(profile: &Profile) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for (at, statement) in profile.mail_statements() {
        // The flag first: only the installation's files lock a pref, and the name tests cost 0.7 M
        // instructions for the 19,319 mail prefs of 100 bench homes.
        if !statement.locked {
            continue;
        }
        let security_pref = (statement.name.starts_with(SERVER_PREFIX)
            && statement.name.ends_with(".socketType"))
            || (statement.name.starts_with(SMTP_PREFIX) && statement.name.ends_with(".try_ssl"));
        if !security_pref || statement.value != PrefValue::Int(0) {
            continue;
        }
        if profile.effective(&statement.name) != Some(at) {
            continue;
        }
        let how = match profile.files[at.file].role {
            FileRole::AutoConfig => "`lockPref()`",
            _ => "`, locked`",
        };
        out.push(
            Diagnostic::new(
                LockedPlaintext::metadata(),
                profile.value_span(at),
                format!(
                    "{how} locks `{}` to 0 (no encryption) for every user of this installation",
                    statement.name
                ),
            )
            .with_why(
                "a locked pref wins over the user's choice and is greyed out in the settings, so \
                 nobody can turn TLS on for this server",
            )
            .with_help("lock 3 (SSL/TLS) or 2 (STARTTLS) instead, with the port that goes with it"),
        );
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_prefs_split_into_prefix_key_and_attribute() {
        let cases = [
            ("mail.server.server1.hostname", Some((SERVER_PREFIX, "server1", "hostname"))),
            ("mail.smtpserver.smtp1.try_ssl", Some((SMTP_PREFIX, "smtp1", "try_ssl"))),
            ("mail.server.server1.", Some((SERVER_PREFIX, "server1", ""))),
            ("mail.server.é.port", Some((SERVER_PREFIX, "é", "port"))),
            ("mail.server..port", None),
            ("mail.server.server1", None),
            ("mail.server.server1.a.b", None),
            ("mail.identity.id1.smtpServer", None),
            ("mail.server.", None),
        ];
        for (name, expected) in cases {
            assert_eq!(server_attr(name), expected, "{name}");
        }
    }

    /// Attributes of every length near the keys', keys in other cases, and the keys
    /// themselves: the length gate changes no answer of [`intended_key`], and every
    /// attribute it lets pass to K102's type check is one [`may_be_key`] passes.
    #[test]
    fn the_length_gate_changes_no_intended_key() {
        let mut attrs: Vec<String> = Vec::new();
        for (key, _) in INCOMING_KEYS.iter().chain(&OUTGOING_KEYS) {
            attrs.extend([key.to_string(), key.to_uppercase(), key.to_lowercase()]);
        }
        attrs.extend(["try_ssl", "TRY_SSL", "socketType", "sockettype"].map(String::from));
        for len in 0..80 {
            attrs.push("x".repeat(len));
            attrs.push("é".repeat(len / 2));
        }
        for attr in &attrs {
            for prefix in [SERVER_PREFIX, SMTP_PREFIX] {
                assert_eq!(intended_key(prefix, attr), compare_keys(prefix, attr), "{attr}");
            }
            if INCOMING_KEYS.iter().chain(&OUTGOING_KEYS).any(|(key, _)| key == attr) {
                assert!(may_be_key(attr), "{attr}");
            }
        }
    }

    /// Strings of every length to 40 of dots, other bytes and 0x2e's neighbours (0x2d, 0x2f,
    /// 0xae): [`single_dot`] finds the one dot exactly when a byte loop does.
    #[test]
    fn single_dot_finds_a_lone_dot_as_a_byte_loop_does() {
        let mut state = 0xD1B5_4A32_D192_ED03_u64;
        for round in 0..60_000 {
            let len = round % 41;
            let bytes: Vec<u8> = (0..len)
                .map(|_| {
                    maillint_core::testing::xorshift(&mut state);
                    [b'.', b'a', 0x2d, 0x2f, 0xae, 0x00, 0xff, b'.'][(state % 8) as usize]
                })
                .collect();
            let positions: Vec<usize> = (0..len).filter(|&i| bytes[i] == b'.').collect();
            let expected = (positions.len() == 1).then(|| positions[0]);
            assert_eq!(single_dot(&bytes), expected, "{bytes:?}");
        }
    }

    /// The definition the byte loops of [`server_attr`] speed up: memchr for the dots.
    fn server_attr_by_memchr(name: &str) -> Option<(&'static str, &str, &str)> {
        for prefix in [SERVER_PREFIX, SMTP_PREFIX] {
            if let Some(rest) = name.strip_prefix(prefix)
                && let Some(dot) = memchr::memchr(b'.', rest.as_bytes())
                && dot > 0
                && memchr::memchr(b'.', &rest.as_bytes()[dot + 1..]).is_none()
            {
                return Some((prefix, &rest[..dot], &rest[dot + 1..]));
            }
        }
        None
    }

    /// Names built from every piece of a server pref's name: the byte loops split them as
    /// memchr did, and every name K101 reports passes [`may_be_obsolete`].
    #[test]
    fn server_names_split_as_by_memchr_and_obsolete_ones_pass_the_check() {
        let pieces = [
            SERVER_PREFIX,
            SMTP_PREFIX,
            "mail.",
            "mail.s",
            "mail.se",
            "mail.sm",
            "server1",
            ".",
            "..",
            "realhostname",
            "realuserName",
            "hostname",
            "realhostnam",
            "é",
            "x",
        ];
        let mut state = 0x0123_4567_89ab_cdef_u64;
        for round in 0..50_000 {
            let name = maillint_core::testing::joined_pieces(&mut state, &pieces, round % 6);
            let split = server_attr(&name);
            assert_eq!(split, server_attr_by_memchr(&name), "{name:?}");
            let by_suffix = OBSOLETE_ATTRS.iter().any(|(obsolete, _)| name.ends_with(obsolete));
            assert_eq!(may_be_obsolete(&name), by_suffix, "{name:?}");
            if let Some((_, _, attr)) = split
                && OBSOLETE_ATTRS.iter().any(|(obsolete, _)| *obsolete == attr)
            {
                assert!(may_be_obsolete(&name), "{name:?}");
            }
        }
    }
}
