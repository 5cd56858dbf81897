//! Runs muttrc commands the way NeoMutt 20220429 does while reading its configuration,
//! without executing anything.
//!
//! The behaviour follows NeoMutt's `source_rc`, `mutt_parse_rc_buffer` and `parse_set`, and
//! was checked against the binary (`neomutt -n -F FILE -Q VAR`, see `tests/oracle.rs`):
//!
//! * a command that fails with an error ends the line (`set bogus=1 ssl_verify_host=no`
//!   leaves `ssl_verify_host` alone); a warning does not: reading goes on at the next token,
//!   so `set nossl_force_tls=yes` fails with "`=yes`: unknown command";
//! * `set var` on a string queries it and ends the `set` (the next word is read as a command);
//! * after 128 errors NeoMutt stops reading the file;
//! * `source` is relative to the file that contains it, and fails when the sourced file has
//!   errors;
//! * hook bodies are stored, not run (mutt.md section 3).
//!
//! Backticks, `source "cmd |"` and Lua are never run, and the environment of the process that
//! runs maillint is never read: such values are unknown and an info diagnostic says so.
//!
//! The commands live in one file each: [`set`] (`set`/`unset`/`toggle`/`reset`), [`assign`]
//! (the value a variable keeps), [`paths`] (path expansion), [`source`] (`source`, `ifdef`),
//! [`mailboxes`], [`hooks`], and [`expand`] (`$name` and backticks).

mod assign;
mod expand;
mod hooks;
mod inert;
mod journal;
mod mailboxes;
mod paths;
mod prefix;
mod roles;
mod set;
mod source;

use std::borrow::Cow;
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use maillint_core::builtin::{NotFollowed, ParseError};
use maillint_core::{Diagnostic, FileId, RuleMeta, Severity, Sources, Span};

use crate::lexer::{Cursor, Flags, LineReader};
use crate::rules::NeomuttOnlySyntax;
use crate::state::{Commands, HookDef, SetCommand, State, VarValue};
use crate::text::SpannedText;
use crate::vars;

pub(crate) use assign::known_spans;
pub(crate) use paths::is_imap;

/// NeoMutt stops reading a file after this many errors (`MAX_ERRS` in `parse/rc.c`).
const MAX_ERRORS: usize = 128;

/// The bytes a file's line buffer holds before it grows (most muttrc lines are shorter).
const LINE_CAPACITY: usize = 256;

/// maillint stops following `source` deeper than this (NeoMutt only detects cycles).
pub(crate) const MAX_SOURCE_DEPTH: usize = 32;

/// Variables that hold a password.
pub(crate) const PASSWORD_VARS: [&str; 4] = ["imap_pass", "smtp_pass", "pop_pass", "nntp_pass"];

/// Variables whose value can be a URL with a password in it (mutt.md section 7).
const URL_VARS: [&str; 9] = [
    "folder",
    "spool_file",
    "smtp_url",
    "pop_host",
    "record",
    "postponed",
    "mbox",
    "trash",
    "news_server",
];

/// Variables that define a server or an identity: a sourced file that sets one of them is an
/// account file.
pub(crate) const ACCOUNT_DEFINING_VARS: [&str; 7] =
    ["folder", "spool_file", "smtp_url", "pop_host", "imap_user", "from", "smtp_user"];

/// Variables that change an account's connections or credentials: a hook that sets one of
/// them switches accounts.
pub(crate) const ACCOUNT_VARS: [&str; 31] = [
    "folder",
    "spool_file",
    "smtp_url",
    "pop_host",
    "imap_user",
    "imap_login",
    "imap_pass",
    "imap_authenticators",
    "imap_oauth_refresh_command",
    "smtp_user",
    "smtp_pass",
    "smtp_authenticators",
    "smtp_oauth_refresh_command",
    "pop_user",
    "pop_pass",
    "pop_authenticators",
    "pop_oauth_refresh_command",
    "from",
    "ssl_force_tls",
    "ssl_starttls",
    "ssl_verify_host",
    "ssl_verify_dates",
    "ssl_use_sslv2",
    "ssl_use_sslv3",
    "ssl_use_tlsv1",
    "ssl_use_tlsv1_1",
    "ssl_use_tlsv1_2",
    "ssl_use_tlsv1_3",
    "tunnel",
    "tunnel_is_secure",
    "account_command",
];

/// Hooks whose second argument is a muttrc command read with spaces
/// (`mutt_parse_hook`: `TOKEN_SPACE` for these).
const SPACED_COMMAND_HOOKS: [&str; 5] =
    ["folder-hook", "send-hook", "send2-hook", "account-hook", "reply-hook"];

/// Hooks with a pattern and a muttrc command read as one token.
const COMMAND_HOOKS: [&str; 1] = ["message-hook"];

/// Hooks whose only argument is a muttrc command.
const GLOBAL_COMMAND_HOOKS: [&str; 3] = ["startup-hook", "shutdown-hook", "timeout-hook"];

/// A sourced file that set a server or identity.
#[derive(Clone, Debug)]
pub(crate) struct AccountFile {
    /// The file.
    pub file: FileId,
    /// Its folder (for the files it sources).
    pub dir: PathBuf,
}

/// What reading produced besides the state.
#[derive(Default)]
pub(crate) struct Output {
    /// Diagnostics, in the order found.
    pub diagnostics: Vec<Diagnostic>,
    /// Spans of secret values.
    pub secrets: Vec<Span>,
    /// Hooks with command bodies, in order.
    pub hooks: Vec<HookDef>,
    /// Account files, in the order they were first read.
    pub account_files: Vec<AccountFile>,
    /// Every `set`-family command.
    pub commands: Commands,
    /// Every `macro` command (its keys may run `set` commands with passwords).
    pub macros: Vec<Span>,
}

/// How a command ended (NeoMutt `CommandResult`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Outcome {
    Success,
    Warning,
    Error,
    Finish,
}

/// Where a line being run came from. The folder is borrowed from the file's run: a shared
/// `Arc` cloned for every line cost two atomic operations a line.
#[derive(Clone, Debug)]
struct LineCtx<'d> {
    file: FileId,
    dir: &'d Path,
    line_end: Option<Span>,
    line_terminated: bool,
    line_span: Option<Span>,
}

/// Reads muttrc files into a [`State`].
pub(crate) struct Interpreter<'a> {
    sources: &'a mut Sources,
    /// The configuration built so far.
    pub state: State,
    /// Diagnostics, secrets, hooks, ...
    pub out: Output,
    /// The files being run, outermost first: a file `source`d while it runs is a cycle.
    stack: Vec<FileId>,
    /// Files run in this pass: a file `source`d again is not run again, so that `source`
    /// fan-out (each of 22 files sourcing the next twice) costs linear time, not 2^22 runs.
    run_in_pass: HashSet<FileId>,
    quiet: bool,
    first_pass: bool,
    hook: Option<usize>,
    read_by_mutt: bool,
    files_run: Vec<FileId>,
    /// The files that assigned an account-defining variable, sorted: a binary search, where
    /// a hash set's SipHash for each such assignment cost ~0.8M instructions of the bench.
    account_assignments: Vec<FileId>,
    reported: HashSet<(String, Option<Span>, String)>,
    /// While reading a `source` path: its own diagnostic names the unknown part.
    quiet_expansion: bool,
    /// Lines that do nothing are passed over without running them ([`inert`]); off only in
    /// the tests that compare both ways.
    pass_inert_lines: bool,
    /// The files being read for the first time, innermost last: what each did so far.
    journals: Vec<journal::Journal>,
    /// What the files read for the first time did, for those a journal can stand for.
    recorded: Vec<journal::Journal>,
    /// The folder whose `+mailbox` expansions are known to be canonical already ([`prefix`]).
    stable_prefix: Option<prefix::StablePrefix>,
    /// Whether such a folder is remembered; off only in the tests that compare both ways.
    stable_prefixes: bool,
}

impl<'a> Interpreter<'a> {
    /// An interpreter for a unit. `read_by_mutt` enables the mutt-compatibility rules.
    pub(crate) fn new(sources: &'a mut Sources, home: Option<String>, read_by_mutt: bool) -> Self {
        Self {
            sources,
            state: State::new(home),
            out: Output::default(),
            stack: Vec::new(),
            run_in_pass: HashSet::new(),
            quiet: false,
            first_pass: true,
            hook: None,
            read_by_mutt,
            files_run: Vec::new(),
            account_assignments: Vec::new(),
            reported: HashSet::new(),
            quiet_expansion: false,
            pass_inert_lines: true,
            journals: Vec::new(),
            recorded: Vec::new(),
            stable_prefix: None,
            stable_prefixes: true,
        }
    }

    /// The sources (to read spans after the run).
    pub(crate) fn sources(&self) -> &Sources {
        self.sources
    }

    /// Reads the unit's root file.
    pub(crate) fn run_root(&mut self, root: FileId) {
        let path = self.sources.get(root).path().to_path_buf();
        let dir = parent_dir(&path);
        self.stack.push(root);
        self.run_in_pass.insert(root);
        self.files_run.push(root);
        self.run_file(root, &dir);
        self.stack.pop();
        self.apply_virtual_spool_file();
    }

    /// After reading the configuration, NeoMutt makes the first notmuch mailbox the spool
    /// file when `virtual_spool_file` is set (NeoMutt `main.c`; verified: a later
    /// `set spoolfile=...` does not win).
    fn apply_virtual_spool_file(&mut self) {
        if self.state.bool_value("virtual_spool_file") != Some(true) {
            return;
        }
        let first = self
            .state
            .mailboxes
            .iter()
            .find(|m| m.value.as_str().to_ascii_lowercase().starts_with("notmuch://"))
            .map(|m| m.value.clone());
        if let (Some(value), Some((def, _))) = (first, vars::lookup("spool_file")) {
            let assignment = self.state.get_def(def).assignment;
            self.state.set(def, VarValue { text: value, written: None, assignment });
        }
    }

    /// Runs `file` again on the current state without reporting anything (an account file
    /// re-applied the way a folder hook or macro would). Returns the files read.
    pub(crate) fn replay_file(&mut self, file: FileId, dir: &Path) -> Vec<FileId> {
        self.quiet = true;
        self.first_pass = false;
        self.files_run.clear();
        self.files_run.push(file);
        self.run_in_pass.clear();
        self.run_in_pass.insert(file);
        if self.replay_journal(file) {
            return std::mem::take(&mut self.files_run);
        }
        self.stack.push(file);
        self.run_file(file, dir);
        self.stack.pop();
        std::mem::take(&mut self.files_run)
    }

    /// Runs hook `index`'s body on the current state. Diagnostics are reported (at run time
    /// NeoMutt would report them when the hook fires). Returns the files read.
    pub(crate) fn run_hook(&mut self, index: usize, hook: &HookDef) -> Vec<FileId> {
        self.quiet = false;
        self.first_pass = false;
        self.hook = Some(index);
        self.files_run.clear();
        self.run_in_pass.clear();
        let ctx = LineCtx {
            file: hook.file,
            dir: hook.dir.as_path(),
            line_end: None,
            line_terminated: true,
            line_span: hook.body_span.or(hook.span),
        };
        self.run_line(&hook.body, &ctx);
        self.hook = None;
        std::mem::take(&mut self.files_run)
    }

    fn run_file(&mut self, file: FileId, dir: &Path) -> usize {
        let source = Arc::clone(self.sources.get(file));
        let mut errors = 0usize;
        let mut lines = LineReader::new(file, source.text());
        // Room for the usual line at once: grown from empty, the buffer was reallocated four
        // or five times in every file.
        let mut line = SpannedText::with_capacity(LINE_CAPACITY, 1);
        let pass_inert = self.pass_inert_lines;
        while let Some(end) = lines.next_into_skipping(&mut line, |start, text| {
            pass_inert && self.inert_line(file, start, text)
        }) {
            let ctx = LineCtx {
                file,
                dir,
                line_end: Some(Span::point(file, end.next_line)),
                line_terminated: end.terminated,
                line_span: line.source_span(0..line.len()),
            };
            match self.run_line(&line, &ctx) {
                Outcome::Finish => break,
                Outcome::Error => {
                    errors += 1;
                    if errors > MAX_ERRORS {
                        self.report(
                            ParseError::metadata(),
                            None,
                            ctx.line_span,
                            &ctx,
                            format!(
                                "more than {MAX_ERRORS} errors in this file: NeoMutt stops \
                                 reading it here"
                            ),
                        );
                        break;
                    }
                }
                Outcome::Success | Outcome::Warning => {}
            }
        }
        errors
    }

    /// NeoMutt `mutt_parse_rc_buffer`.
    fn run_line(&mut self, line: &SpannedText, ctx: &LineCtx) -> Outcome {
        let mut cursor = Cursor::new(line);
        let mut result = Outcome::Success;
        loop {
            cursor.skip_ws();
            match cursor.peek() {
                None | Some(b'#') => break,
                Some(b';') => {
                    cursor.set_pos(cursor.pos() + 1);
                    continue;
                }
                Some(_) => {}
            }
            let start = cursor.pos();
            // Command names are plain words: read in place, without building a value.
            let (name, word, known) = match cursor.plain_word(Flags::NONE) {
                Some(range) => {
                    (Cow::Borrowed(&line.as_str()[range.clone()]), line.source_span(range), true)
                }
                None => {
                    let token = cursor.extract(Flags::NONE, self);
                    let word = token.span(line);
                    let known = token.value.is_known();
                    (Cow::Owned(token.value.as_str().to_owned()), word, known)
                }
            };
            if !vars::is_command(&name) {
                let message = if known {
                    format!("unknown command `{}`: NeoMutt ignores the rest of the line", name)
                } else {
                    "a command whose name comes from a value maillint does not know: NeoMutt \
                     reports an error if it is not a command"
                        .to_owned()
                };
                self.report(ParseError::metadata(), None, word, ctx, message);
                return Outcome::Error;
            }
            let outcome = self.run_command(&name, word, &mut cursor, ctx);
            match outcome {
                Outcome::Success => {}
                Outcome::Warning => result = result.max(Outcome::Warning),
                Outcome::Error | Outcome::Finish => return outcome,
            }
            if cursor.pos() == start {
                break;
            }
        }
        result
    }

    fn run_command(
        &mut self,
        name: &str,
        word: Option<Span>,
        cursor: &mut Cursor<'_>,
        ctx: &LineCtx,
    ) -> Outcome {
        match name {
            "set" => self.cmd_set(SetCommand::Set, word, cursor, ctx),
            "unset" => self.cmd_set(SetCommand::Unset, word, cursor, ctx),
            "toggle" => self.cmd_set(SetCommand::Toggle, word, cursor, ctx),
            "reset" => self.cmd_set(SetCommand::Reset, word, cursor, ctx),
            "source" => self.cmd_source(cursor, ctx),
            "ifdef" | "ifndef" => self.cmd_ifdef(name == "ifndef", word, cursor, ctx),
            "finish" => {
                self.neomutt_only(word, ctx, "`finish`");
                Outcome::Finish
            }
            "mailboxes" | "named-mailboxes" | "virtual-mailboxes" => {
                if name != "mailboxes" {
                    self.neomutt_only(word, ctx, &format!("`{name}`"));
                }
                self.cmd_mailboxes(name != "mailboxes", cursor, ctx)
            }
            "unmailboxes" | "unvirtual-mailboxes" => self.cmd_unmailboxes(cursor),
            "unhook" => self.cmd_unhook(cursor),
            "macro" => {
                let start = cursor.pos();
                self.skip_args(cursor);
                let args = cursor.span_of(start..cursor.pos());
                if let (true, Some(word), Some(args)) =
                    (self.first_pass && self.hook.is_none(), word, args)
                {
                    let range = word.range.cover(&args.range);
                    self.out.macros.push(Span { file: word.file, range });
                }
                Outcome::Success
            }
            "lua" | "lua-source" => {
                let start = cursor.pos();
                self.skip_args(cursor);
                let span = cursor.span_of(start..cursor.pos()).or(word);
                self.report(
                    NotFollowed::metadata(),
                    None,
                    span,
                    ctx,
                    format!(
                        "`{name}` runs Lua code, which maillint does not run: settings it \
                             makes are not checked"
                    ),
                );
                Outcome::Success
            }
            _ if SPACED_COMMAND_HOOKS.contains(&name)
                || COMMAND_HOOKS.contains(&name)
                || GLOBAL_COMMAND_HOOKS.contains(&name) =>
            {
                self.cmd_hook(name, word, cursor, ctx)
            }
            _ => {
                self.skip_args(cursor);
                Outcome::Success
            }
        }
    }

    /// Reads the arguments of a command maillint does not interpret (so that backticks in
    /// them are reported and `;` ends the command).
    fn skip_args(&mut self, cursor: &mut Cursor<'_>) {
        cursor.skip_plain_words();
        while cursor.more_args() {
            let before = cursor.pos();
            cursor.skip(Flags::NONE, self);
            if cursor.pos() == before {
                break;
            }
        }
    }

    fn report(
        &mut self,
        rule: &Arc<RuleMeta>,
        severity: Option<Severity>,
        span: Option<Span>,
        ctx: &LineCtx,
        message: String,
    ) {
        if self.quiet {
            return;
        }
        let Some(span) = span.or(ctx.line_span).or(ctx.line_end) else {
            return;
        };
        if !self.reported.insert((rule.name.clone(), Some(span), message.clone())) {
            return;
        }
        let mut diagnostic = Diagnostic::new(rule, span, message);
        if let Some(severity) = severity {
            diagnostic = diagnostic.with_severity(severity);
        }
        self.out.diagnostics.push(diagnostic);
    }

    fn warn(&mut self, span: Option<Span>, ctx: &LineCtx, message: String) -> Outcome {
        self.report(ParseError::metadata(), Some(Severity::Warning), span, ctx, message);
        Outcome::Warning
    }

    fn error(&mut self, span: Option<Span>, ctx: &LineCtx, message: String) -> Outcome {
        self.report(ParseError::metadata(), None, span, ctx, message);
        Outcome::Error
    }

    fn neomutt_only(&mut self, span: Option<Span>, ctx: &LineCtx, what: &str) {
        if self.read_by_mutt {
            self.report(
                NeomuttOnlySyntax::metadata(),
                None,
                span,
                ctx,
                format!(
                    "{what} is NeoMutt-only: mutt reports an error here and reads on, so \
                     lines meant for NeoMutt alone also apply in mutt"
                ),
            );
        }
    }
}

fn parent_dir(path: &Path) -> PathBuf {
    match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => PathBuf::from("."),
    }
}
