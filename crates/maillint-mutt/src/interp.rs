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

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use maillint_core::builtin::{NotFollowed, ParseError};
use maillint_core::{Diagnostic, FileId, RuleMeta, Severity, Sources, Span};

use crate::lexer::{Cursor, Expander, Expansion, Flags, Token, logical_lines};
use crate::rules::{CommentTruncatesValue, NeomuttOnlySyntax, RelativeSource};
use crate::state::{
    AssignForm, Assignment, CommandInfo, HookDef, MailboxEntry, SetCommand, State, VarValue,
};
use crate::text::{SpannedText, UnknownKind};
use crate::url;
use crate::vars::{self, Availability, Expand, VarDef, VarKind};

/// NeoMutt stops reading a file after this many errors (`MAX_ERRS` in `parse/rc.c`).
const MAX_ERRORS: usize = 128;

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
    pub commands: Vec<CommandInfo>,
}

/// How a command ended (NeoMutt `CommandResult`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Outcome {
    Success,
    Warning,
    Error,
    Finish,
}

/// Where a line being run came from.
#[derive(Clone, Debug)]
struct LineCtx {
    file: FileId,
    dir: Arc<Path>,
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
    account_assignments: HashSet<FileId>,
    reported: HashSet<(String, Option<Span>, String)>,
    /// While reading a `source` path: its own diagnostic names the unknown part.
    quiet_expansion: bool,
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
            account_assignments: HashSet::new(),
            reported: HashSet::new(),
            quiet_expansion: false,
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
            dir: Arc::from(hook.dir.as_path()),
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
        let dir: Arc<Path> = Arc::from(dir);
        let mut errors = 0usize;
        for line in logical_lines(file, source.text()) {
            let ctx = LineCtx {
                file,
                dir: Arc::clone(&dir),
                line_end: Some(Span::point(file, line.next_line)),
                line_terminated: line.terminated,
                line_span: line.text.source_span(0..line.text.len()),
            };
            match self.run_line(&line.text, &ctx) {
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
            let token = cursor.extract(Flags::NONE, self);
            let name = token.value.as_str().to_owned();
            let word = token.span(line);
            if !vars::is_command(&name) {
                let message = if token.value.is_known() {
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
        while cursor.more_args() {
            let before = cursor.pos();
            cursor.extract(Flags::NONE, self);
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

    // ----- set / unset / toggle / reset -------------------------------------------------

    fn cmd_set(
        &mut self,
        command: SetCommand,
        word: Option<Span>,
        cursor: &mut Cursor<'_>,
        ctx: &LineCtx,
    ) -> Outcome {
        let command_index = self.out.commands.len();
        self.out.commands.push(CommandInfo { command, word, names: Vec::new() });
        let line = cursor.line();
        while cursor.more_args() {
            let item_start = cursor.pos();
            #[derive(PartialEq)]
            enum Prefix {
                Query,
                No,
                Inv,
                Amp,
            }
            let rest = cursor.rest();
            let prefix = if rest.starts_with('?') {
                Some((Prefix::Query, 1))
            } else if rest.starts_with("no") {
                Some((Prefix::No, 2))
            } else if rest.starts_with("inv") {
                Some((Prefix::Inv, 3))
            } else if rest.starts_with('&') {
                Some((Prefix::Amp, 1))
            } else {
                None
            };
            let prefix_span =
                prefix.as_ref().and_then(|(_, len)| line.source_span(item_start..item_start + len));
            if let Some((_, len)) = &prefix {
                cursor.set_pos(item_start + len);
            }
            let mut unset = command == SetCommand::Unset;
            let mut inv = command == SetCommand::Toggle;
            let mut reset = command == SetCommand::Reset;
            let mut query = false;
            match prefix.as_ref().map(|(p, _)| p) {
                Some(Prefix::Query) => query = true,
                Some(Prefix::No) => unset = !unset,
                Some(Prefix::Inv) => inv = !inv,
                Some(Prefix::Amp) => reset = true,
                None => {}
            }
            if prefix.is_some() && command != SetCommand::Set {
                return self.warn(
                    prefix_span,
                    ctx,
                    format!(
                        "`{}` does not take the `no`, `inv`, `&` or `?` prefix: NeoMutt reads \
                         the rest of the line as a new command",
                        command.word()
                    ),
                );
            }
            let name_token =
                cursor.extract(Flags::EQUAL | Flags::QUESTION | Flags::PLUS | Flags::MINUS, self);
            let name = name_token.value.as_str().to_owned();
            let name_span = name_token.span(line);
            let my = name.starts_with("my_");
            let def: Option<&'static VarDef> = if my {
                None
            } else {
                match vars::lookup(&name) {
                    Some((def, _)) => Some(def),
                    None if reset && name == "all" => {
                        self.state.reset_all();
                        break;
                    }
                    None => {
                        let hint = if prefix.as_ref().is_some_and(|(p, _)| *p == Prefix::No) {
                            format!(" (`no` is read as a prefix, leaving `{name}`)")
                        } else {
                            String::new()
                        };
                        return self.error(
                            name_span,
                            ctx,
                            format!(
                                "unknown variable `{name}`{hint}: NeoMutt ignores the rest of \
                                 the line"
                            ),
                        );
                    }
                }
            };
            let bool_or_quad = def.is_some_and(|d| matches!(d.kind, VarKind::Bool | VarKind::Quad));
            let mut equals = false;
            let mut relative: Option<u8> = None;
            match cursor.peek() {
                Some(b'?') => {
                    if prefix.is_some() || reset || unset || inv {
                        return self.warn(
                            name_span,
                            ctx,
                            "a query cannot be combined with a \
                            prefix or with `unset`, `toggle` or `reset`"
                                .to_owned(),
                        );
                    }
                    query = true;
                    cursor.set_pos(cursor.pos() + 1);
                }
                Some(op @ (b'+' | b'-')) => {
                    if prefix.is_some() || reset || unset || inv || (my && op == b'-') {
                        return self.warn(
                            name_span,
                            ctx,
                            format!(
                                "`{}=` cannot be used here: NeoMutt reads the rest of the \
                                     line as a new command",
                                op as char
                            ),
                        );
                    }
                    cursor.set_pos(cursor.pos() + 1);
                    if cursor.peek() != Some(b'=') {
                        return self.warn(
                            name_span,
                            ctx,
                            format!("`{}` must be followed by `=`", op as char),
                        );
                    }
                    cursor.set_pos(cursor.pos() + 1);
                    self.neomutt_only(
                        cursor.span_of(cursor.pos() - 2..cursor.pos()),
                        ctx,
                        "`+=`/`-=`",
                    );
                    equals = true;
                    relative = Some(op);
                }
                Some(b'=') => {
                    if prefix.is_some() || reset || unset || inv {
                        return self.warn(
                            cursor.span_of(cursor.pos()..cursor.pos() + 1),
                            ctx,
                            "a value cannot be given with a `no`/`inv` prefix or with `unset`, \
                             `toggle` or `reset`: NeoMutt reads the rest of the line as a new \
                             command"
                                .to_owned(),
                        );
                    }
                    equals = true;
                    cursor.set_pos(cursor.pos() + 1);
                }
                _ => {}
            }
            if !bool_or_quad && (inv || (unset && prefix.is_some())) {
                return self.warn(
                    name_span,
                    ctx,
                    format!(
                        "`{name}` is not a boolean or quad-option: `no`, `inv` and `toggle` do \
                         not apply to it"
                    ),
                );
            }
            let form_prefix = |kind: &Option<(Prefix, usize)>| match kind.as_ref().map(|(p, _)| p) {
                Some(Prefix::No) => AssignForm::No(prefix_span),
                Some(Prefix::Inv) => AssignForm::Inv(prefix_span),
                Some(Prefix::Amp) => AssignForm::Amp(prefix_span),
                _ => AssignForm::Command,
            };
            if reset {
                match def {
                    Some(def) => {
                        let assignment = self.assignment(
                            def,
                            command_index,
                            form_prefix(&prefix),
                            name_span,
                            line.source_span(item_start..cursor.pos()),
                            ctx,
                        );
                        let text = self.state.default_value(def);
                        self.state.set(def, VarValue { text, written: None, assignment });
                    }
                    None => self.state.remove_my_var(&name),
                }
                continue;
            }
            if command == SetCommand::Set && !inv && !unset {
                if query {
                    break;
                }
                if equals {
                    let value = cursor.extract(Flags::NONE, self);
                    if value.cut_by_hash {
                        let hash = cursor.span_of(value.raw.end..value.raw.end + 1);
                        self.report(
                            CommentTruncatesValue::metadata(),
                            None,
                            hash,
                            ctx,
                            format!(
                                "`#` starts a comment here, so `{name}` gets only the text \
                                 before it"
                            ),
                        );
                    }
                    match def {
                        None => {
                            let text = match (relative, self.state.my_var(&name)) {
                                (Some(_), Some(old)) => {
                                    let mut joined = old.clone();
                                    joined.push_joined(&value.value);
                                    joined
                                }
                                _ => value.value.clone(),
                            };
                            self.state.set_my_var(&name, text);
                        }
                        Some(def) => {
                            let item = line.source_span(item_start..value.raw.end);
                            let form = AssignForm::Equals {
                                value: value.span(line),
                                inner: value.inner_span(line),
                                relative: relative.is_some(),
                            };
                            let outcome = self.assign_value(
                                def,
                                &value,
                                relative,
                                command_index,
                                form,
                                name_span,
                                item,
                                ctx,
                                line,
                            );
                            if outcome != Outcome::Success {
                                return outcome;
                            }
                        }
                    }
                    continue;
                }
                if bool_or_quad {
                    if let Some(def) = def {
                        self.assign_word(
                            def,
                            "yes",
                            command_index,
                            AssignForm::Bare,
                            name_span,
                            line.source_span(item_start..cursor.pos()),
                            ctx,
                        );
                    }
                    continue;
                }
                // `set var` on a string, number or `my_` variable queries it.
                if my && self.state.my_var(&name).is_none() {
                    return self.error(
                        name_span,
                        ctx,
                        format!("unknown variable `{name}`: NeoMutt ignores the rest of the line"),
                    );
                }
                break;
            }
            // `unset`, `toggle`, or a `no`/`inv` prefix.
            let item = line.source_span(item_start..cursor.pos());
            match def {
                None => self.state.remove_my_var(&name),
                Some(def) if bool_or_quad => {
                    let form = form_prefix(&prefix);
                    let current = self.state.get_def(def);
                    let word = if inv {
                        if !current.text.is_known() {
                            None
                        } else if def.kind == VarKind::Bool {
                            vars::parse_bool(current.text.as_str())
                                .map(|b| if b { "no" } else { "yes" })
                        } else {
                            vars::parse_quad(current.text.as_str()).map(|q| q.toggled().as_str())
                        }
                    } else {
                        Some("no")
                    };
                    match word {
                        Some(word) => {
                            self.assign_word(def, word, command_index, form, name_span, item, ctx)
                        }
                        None => {
                            // Toggling an unknown value gives an unknown value.
                            let assignment =
                                self.assignment(def, command_index, form, name_span, item, ctx);
                            let text = current.text;
                            self.state.set(def, VarValue { text, written: None, assignment });
                        }
                    }
                }
                Some(def) => {
                    // `unset` on a string empties it (NeoMutt `cs_subset_he_string_set(NULL)`).
                    let empty = match def.kind {
                        VarKind::Number => "0",
                        _ => "",
                    };
                    self.assign_word(
                        def,
                        empty,
                        command_index,
                        AssignForm::Command,
                        name_span,
                        item,
                        ctx,
                    );
                }
            }
        }
        Outcome::Success
    }

    fn assignment(
        &mut self,
        def: &'static VarDef,
        command: usize,
        form: AssignForm,
        name: Option<Span>,
        item: Option<Span>,
        ctx: &LineCtx,
    ) -> Option<Arc<Assignment>> {
        self.out.commands[command].names.push(def.name);
        if self.first_pass && self.hook.is_none() && ACCOUNT_DEFINING_VARS.contains(&def.name) {
            self.account_assignments.insert(ctx.file);
        }
        Some(Arc::new(Assignment {
            var: def.name,
            command,
            form,
            name,
            item,
            line_end: ctx.line_end,
            line_terminated: ctx.line_terminated,
            hook: self.hook,
        }))
    }

    #[allow(clippy::too_many_arguments)]
    fn assign_word(
        &mut self,
        def: &'static VarDef,
        word: &str,
        command: usize,
        form: AssignForm,
        name: Option<Span>,
        item: Option<Span>,
        ctx: &LineCtx,
    ) {
        let assignment = self.assignment(def, command, form, name, item, ctx);
        // The stored word maps to the text that decided it, so `$var` stays traceable.
        let mut text = SpannedText::new();
        match item {
            Some(span) if !word.is_empty() => text.push_mapped(
                word,
                span.file,
                span.range.start as usize,
                span.range.end as usize,
            ),
            _ => text.push_synth(word),
        }
        self.state.set(def, VarValue { text, written: None, assignment });
    }

    #[allow(clippy::too_many_arguments)]
    fn assign_value(
        &mut self,
        def: &'static VarDef,
        value: &Token,
        relative: Option<u8>,
        command: usize,
        form: AssignForm,
        name: Option<Span>,
        item: Option<Span>,
        ctx: &LineCtx,
        line: &SpannedText,
    ) -> Outcome {
        let value_span = value.span(line);
        let text = &value.value;
        let known = text.is_known();
        let stored: SpannedText = match def.kind {
            VarKind::Bool | VarKind::Quad => {
                if let Some(op) = relative {
                    return self.error(
                        value_span,
                        ctx,
                        format!(
                            "`{}=` does not apply to the {} `{}`",
                            op as char,
                            if def.kind == VarKind::Bool { "boolean" } else { "quad-option" },
                            def.name
                        ),
                    );
                }
                if !known {
                    text.clone()
                } else {
                    let word = if def.kind == VarKind::Bool {
                        vars::parse_bool(text.as_str()).map(|b| if b { "yes" } else { "no" })
                    } else {
                        vars::parse_quad(text.as_str()).map(|q| q.as_str())
                    };
                    let Some(word) = word else {
                        let expected = if def.kind == VarKind::Bool {
                            "yes or no"
                        } else {
                            "yes, no, ask-yes or ask-no"
                        };
                        return self.error(
                            value_span,
                            ctx,
                            format!(
                                "invalid value for `{}` (expected {expected}): NeoMutt keeps the \
                                 old value and ignores the rest of the line",
                                def.name
                            ),
                        );
                    };
                    let mut out = SpannedText::new();
                    out.push_mapped_from(word, text, 0..text.len());
                    out
                }
            }
            VarKind::Number => {
                if !known {
                    text.clone()
                } else {
                    let Some(number) = vars::parse_number(text.as_str().trim()) else {
                        return self.error(
                            value_span,
                            ctx,
                            format!(
                                "invalid number for `{}`: NeoMutt keeps the old value and \
                                 ignores the rest of the line",
                                def.name
                            ),
                        );
                    };
                    let result = match relative {
                        None => Some(number),
                        Some(op) => {
                            let old = self.state.get_def(def).text;
                            old.is_known()
                                .then(|| vars::parse_number(old.as_str()))
                                .flatten()
                                .map(|o| if op == b'+' { o + number } else { o - number })
                        }
                    };
                    let mut out = SpannedText::new();
                    match result {
                        Some(n) => out.push_mapped_from(&n.to_string(), text, 0..text.len()),
                        None => out.push_unknown(
                            text.as_str(),
                            UnknownKind::MachineDefault("an unknown earlier value".to_owned()),
                            value_span,
                        ),
                    }
                    out
                }
            }
            VarKind::String { expand, list, .. } => match relative {
                Some(b'-') if !list => {
                    return self.error(
                        value_span,
                        ctx,
                        format!("`-=` does not apply to the string `{}`", def.name),
                    );
                }
                // Removing an item from a string list: the list keeps its other items.
                Some(b'-') => self.state.get_def(def).text,
                Some(_) => {
                    let mut joined = self.state.get_def(def).text;
                    joined.push_joined(text);
                    joined
                }
                None => match expand {
                    Expand::None => text.clone(),
                    Expand::Tilde => self.expand_tilde(text),
                    Expand::Full => self.expand_path(text),
                },
            },
        };
        let written =
            matches!(def.kind, VarKind::String { expand: Expand::Full | Expand::Tilde, .. })
                .then(|| text.clone());
        if PASSWORD_VARS.contains(&def.name) {
            self.record_secret(text);
        }
        if URL_VARS.contains(&def.name) {
            self.record_url_password(text);
        }
        let assignment = self.assignment(def, command, form, name, item, ctx);
        self.state.set(def, VarValue { text: stored, written, assignment });
        Outcome::Success
    }

    /// Records the known bytes of a secret value.
    fn record_secret(&mut self, text: &SpannedText) {
        if text.is_empty() {
            return;
        }
        for span in known_spans(text, 0..text.len()) {
            if !self.out.secrets.contains(&span) {
                self.out.secrets.push(span);
            }
        }
    }

    /// Records the password of a URL value, if it has one: the one NeoMutt reads, and the
    /// RFC 3986 userinfo password of a value NeoMutt does not read as a URL (a password with
    /// `:` or `?`), which is a password in the file all the same.
    fn record_url_password(&mut self, text: &SpannedText) {
        let parsed = url::parse(text.as_str())
            .and_then(|parsed| parsed.pass)
            .filter(|(pass, _)| !pass.is_empty())
            .map(|(_, range)| range);
        let lenient = maillint_core::secrets::url_password_ranges(text.as_str());
        for range in parsed.into_iter().chain(lenient) {
            for span in known_spans(text, range) {
                if !self.out.secrets.contains(&span) {
                    self.out.secrets.push(span);
                }
            }
        }
    }

    // ----- path expansion ---------------------------------------------------------------

    fn home_text(&self, origin: &SpannedText, range: std::ops::Range<usize>) -> SpannedText {
        let mut out = SpannedText::new();
        match self.state.home() {
            Some(home) => out.push_mapped_from(home, origin, range),
            None => out.push_unknown("~", UnknownKind::Home, origin.source_span(range)),
        }
        out
    }

    /// `mutt_path_tilde`: `~` and `~/…` become the home folder.
    fn expand_tilde(&self, value: &SpannedText) -> SpannedText {
        let text = value.as_str();
        if text == "~" || text.starts_with("~/") {
            let mut out = self.home_text(value, 0..1);
            out.push_slice(value, 1..text.len());
            return out;
        }
        if text.starts_with('~') {
            return unknown_user_home(value);
        }
        value.clone()
    }

    /// NeoMutt `mutt_buffer_expand_path`: mailbox shortcuts, then IMAP canonical form.
    pub(crate) fn expand_path(&self, value: &SpannedText) -> SpannedText {
        let text = value.as_str();
        let len = text.len();
        let var_text = |name: &str| self.state.get(name).map(|v| v.text).unwrap_or_default();
        let mut out = SpannedText::new();
        match text.as_bytes().first() {
            Some(b'~') if len == 1 || text.as_bytes()[1] == b'/' => {
                out = self.home_text(value, 0..1);
                out.push_slice(value, 1..len);
            }
            Some(b'~') => out = unknown_user_home(value),
            Some(b'=' | b'+') => {
                let folder = var_text("folder");
                let f = folder.as_str();
                out.push_text(&folder);
                let keep = (is_imap(f) && (f.ends_with('}') || f.ends_with('/')))
                    || (!f.is_empty() && f.ends_with('/'));
                if !keep {
                    out.push_synth("/");
                }
                out.mark_seam();
                out.push_slice(value, 1..len);
            }
            Some(b'@') => {
                out.push_unknown(
                    text,
                    UnknownKind::MachineDefault("aliases and save-hooks".to_owned()),
                    value.source_span(0..len),
                );
            }
            Some(b'>') => {
                out.push_text(&var_text("mbox"));
                out.mark_seam();
                out.push_slice(value, 1..len);
            }
            Some(b'<') => {
                out.push_text(&var_text("record"));
                out.mark_seam();
                out.push_slice(value, 1..len);
            }
            Some(b'!') if text.as_bytes().get(1) == Some(&b'!') => {
                // The previous folder: none while the configuration is read.
                out.push_slice(value, 2..len);
            }
            Some(b'!') => {
                out.push_text(&var_text("spool_file"));
                out.mark_seam();
                out.push_slice(value, 1..len);
            }
            Some(b'-' | b'^') => {
                // The previous and the current folder: none while the configuration is read.
                out.push_slice(value, 1..len);
            }
            _ => out = value.clone(),
        }
        if is_imap(out.as_str()) {
            let delims = var_text("imap_delim_chars");
            let delims =
                if delims.is_known() { delims.as_str().to_owned() } else { "/.".to_owned() };
            if let Some(canonical) = url::imap_canonical(&out, &delims) {
                return canonical;
            }
        }
        out
    }

    // ----- source -----------------------------------------------------------------------

    fn cmd_source(&mut self, cursor: &mut Cursor<'_>, ctx: &LineCtx) -> Outcome {
        let line = cursor.line();
        loop {
            self.quiet_expansion = true;
            let token = cursor.extract(Flags::NONE, self);
            self.quiet_expansion = false;
            let span = token.span(line);
            if token.broken {
                return self.error(span, ctx, "`source`: the path cannot be read".to_owned());
            }
            let path_text = self.expand_path(&token.value);
            if let Some((kind, _)) = path_text.first_unknown() {
                let message =
                    format!("`source` not followed: its path depends on {}", kind.describe());
                self.report(NotFollowed::metadata(), None, span, ctx, message);
            } else if path_text.as_str().ends_with('|') {
                self.report(
                    NotFollowed::metadata(),
                    None,
                    span,
                    ctx,
                    "`source` of a command's output (`cmd |`) is never run: the settings it \
                     prints are not checked"
                        .to_owned(),
                );
            } else {
                let written = token.value.as_str();
                let relative = !written.starts_with('/')
                    && !written.starts_with('~')
                    && !written.starts_with('$')
                    && !written.starts_with(['+', '=', '!', '<', '>', '@', '^', '-']);
                if relative && self.read_by_mutt {
                    self.report(
                        RelativeSource::metadata(),
                        None,
                        span,
                        ctx,
                        "relative `source` path: NeoMutt reads it from this file's folder, mutt \
                         from the directory it was started in"
                            .to_owned(),
                    );
                }
                let outcome = self.source_file(path_text.as_str(), span, ctx);
                if outcome != Outcome::Success {
                    return outcome;
                }
            }
            if !cursor.more_args() {
                return Outcome::Success;
            }
        }
    }

    fn source_file(&mut self, path: &str, span: Option<Span>, ctx: &LineCtx) -> Outcome {
        let mut full = PathBuf::from(path);
        if full.is_relative() {
            full = ctx.dir.join(full);
        }
        // `a/./b` reads as `a/b` (no `..` is resolved: that needs the file system).
        let full: PathBuf =
            full.components().filter(|c| !matches!(c, std::path::Component::CurDir)).collect();
        if self.stack.len() >= MAX_SOURCE_DEPTH {
            return self.error(
                span,
                ctx,
                format!("`source` nested more than {MAX_SOURCE_DEPTH} files deep: not followed"),
            );
        }
        // The one safe read (`Sources::load`): a regular file, within the size limits and
        // the owner's rights, read once however many paths lead to it.
        let file = match self.sources.load(&full) {
            Ok(file) => file,
            Err(error) => {
                return self.error(
                    span,
                    ctx,
                    format!(
                        "`source`: file {} could not be read ({})",
                        full.display(),
                        io_reason(&error)
                    ),
                );
            }
        };
        if self.stack.contains(&file) {
            return self.error(
                span,
                ctx,
                format!("cyclic `source` of {}: NeoMutt refuses to read it again", full.display()),
            );
        }
        if !self.run_in_pass.insert(file) {
            // Run already in this pass: running it again would repeat its findings, and
            // repeated `source` lines would multiply the work.
            return Outcome::Success;
        }
        self.stack.push(file);
        self.files_run.push(file);
        let errors = self.run_file(file, &parent_dir(&full));
        self.stack.pop();
        if self.first_pass
            && self.hook.is_none()
            && self.account_assignments.contains(&file)
            && !self.out.account_files.iter().any(|a| a.file == file)
        {
            self.out.account_files.push(AccountFile { file, dir: parent_dir(&full) });
        }
        if errors > 0 {
            // NeoMutt: "source: errors in FILE" makes the `source` command fail too.
            return Outcome::Error;
        }
        Outcome::Success
    }

    // ----- ifdef / ifndef ---------------------------------------------------------------

    fn cmd_ifdef(
        &mut self,
        negate: bool,
        word: Option<Span>,
        cursor: &mut Cursor<'_>,
        ctx: &LineCtx,
    ) -> Outcome {
        self.neomutt_only(word, ctx, if negate { "`ifndef`" } else { "`ifdef`" });
        let line = cursor.line();
        let symbol = cursor.extract(Flags::NONE, self);
        let name = symbol.value.as_str().to_owned();
        if !cursor.more_args() {
            return self.warn(
                word,
                ctx,
                "`ifdef`/`ifndef` needs a symbol and a command".to_owned(),
            );
        }
        let command = cursor.extract(Flags::SPACE, self);
        let defined = if !symbol.value.is_known() {
            None
        } else if matches!(vars::lookup(&name), Some((_, Availability::ThisBuild)))
            || vars::is_command(&name)
            || vars::is_other_symbol(&name)
            || self.state.my_var(&name).is_some()
            || (name == "HOME" && self.state.home().is_some())
        {
            Some(true)
        } else {
            // Only the environment is left, and maillint does not read it.
            let span = symbol.span(line);
            self.report(
                NotFollowed::metadata(),
                None,
                span,
                ctx,
                format!(
                    "`{name}` is not a NeoMutt variable, command or feature; it could only be an \
                     environment variable, which maillint does not read: treated as undefined"
                ),
            );
            Some(false)
        };
        match defined {
            Some(defined) if defined != negate => {
                let outcome = self.run_line(&command.value, ctx);
                match outcome {
                    Outcome::Warning => Outcome::Success,
                    other => other,
                }
            }
            Some(_) => Outcome::Success,
            None => {
                self.report(
                    NotFollowed::metadata(),
                    None,
                    symbol.span(line),
                    ctx,
                    "the symbol of this `ifdef` comes from a value maillint does not know: the \
                     command is not followed"
                        .to_owned(),
                );
                Outcome::Success
            }
        }
    }

    // ----- mailboxes --------------------------------------------------------------------

    fn cmd_mailboxes(&mut self, named: bool, cursor: &mut Cursor<'_>, _ctx: &LineCtx) -> Outcome {
        while cursor.more_args() {
            let before = cursor.pos();
            let mut token = cursor.extract(Flags::NONE, self);
            // Newer NeoMutt takes `-label L`, `-notify`, `-poll` (mutt.md section 3).
            while matches!(
                token.value.as_str(),
                "-label" | "-notify" | "-nonotify" | "-poll" | "-nopoll"
            ) {
                if token.value.as_str() == "-label" && cursor.more_args() {
                    cursor.extract(Flags::NONE, self);
                }
                if !cursor.more_args() {
                    return Outcome::Success;
                }
                token = cursor.extract(Flags::NONE, self);
            }
            if named {
                if !cursor.more_args() {
                    break;
                }
                token = cursor.extract(Flags::NONE, self);
            }
            let value = self.expand_path(&token.value);
            self.record_url_password(&token.value);
            self.state.mailboxes.push(MailboxEntry {
                value: value.clone(),
                written: token.value.clone(),
                hook: self.hook,
            });
            if is_imap(value.as_str()) && value.is_known() {
                self.run_startup_account_hooks(value.as_str());
            }
            if cursor.pos() == before {
                break;
            }
        }
        Outcome::Success
    }

    /// NeoMutt 20220429 adds an IMAP mailbox to its account while reading `mailboxes`, and
    /// runs the account-hooks defined so far whose regex matches the mailbox before it tries
    /// to log in (`imap_ac_add`; verified: `account-hook . 'set imap_user=x'` before
    /// `mailboxes imaps://host/box` changes `imap_user` at start-up, after it does not).
    fn run_startup_account_hooks(&mut self, mailbox: &str) {
        if self.hook.is_some() || !self.first_pass {
            // NeoMutt does not run account-hooks from inside a hook (`inhook`).
            return;
        }
        let matching: Vec<(usize, HookDef)> = self
            .out
            .hooks
            .iter()
            .enumerate()
            .filter(|(_, h)| h.command == "account-hook" && h.pattern.is_known())
            .filter(|(_, h)| {
                regex::Regex::new(h.pattern.as_str())
                    .is_ok_and(|re| re.is_match(mailbox) != h.negated)
            })
            .map(|(i, h)| (i, h.clone()))
            .collect();
        for (index, hook) in matching {
            let saved_quiet = self.quiet;
            self.hook = Some(index);
            let ctx = LineCtx {
                file: hook.file,
                dir: Arc::from(hook.dir.as_path()),
                line_end: None,
                line_terminated: true,
                line_span: hook.body_span.or(hook.span),
            };
            self.run_line(&hook.body, &ctx);
            self.hook = None;
            self.quiet = saved_quiet;
        }
    }

    fn cmd_unmailboxes(&mut self, cursor: &mut Cursor<'_>) -> Outcome {
        while cursor.more_args() {
            let before = cursor.pos();
            let token = cursor.extract(Flags::NONE, self);
            if token.value.as_str() == "*" {
                self.state.mailboxes.clear();
            } else {
                let value = self.expand_path(&token.value);
                self.state.mailboxes.retain(|m| m.value.as_str() != value.as_str());
            }
            if cursor.pos() == before {
                break;
            }
        }
        Outcome::Success
    }

    // ----- hooks ------------------------------------------------------------------------

    fn cmd_hook(
        &mut self,
        name: &str,
        word: Option<Span>,
        cursor: &mut Cursor<'_>,
        ctx: &LineCtx,
    ) -> Outcome {
        let line = cursor.line();
        let start = cursor.pos();
        let mut negated = false;
        let pattern = if GLOBAL_COMMAND_HOOKS.contains(&name) {
            SpannedText::new()
        } else {
            if cursor.peek() == Some(b'!') {
                negated = true;
                cursor.set_pos(cursor.pos() + 1);
                cursor.skip_ws();
            }
            if !cursor.more_args() {
                return self.warn(word, ctx, format!("`{name}`: too few arguments"));
            }
            cursor.extract(Flags::NONE, self).value
        };
        if !cursor.more_args() {
            return self.warn(word, ctx, format!("`{name}`: too few arguments"));
        }
        let flags = if SPACED_COMMAND_HOOKS.contains(&name) { Flags::SPACE } else { Flags::NONE };
        let body = cursor.extract(flags, self);
        let end = cursor.pos();
        // A regex that spells out a URL may carry its password.
        self.record_url_password(&pattern);
        if self.first_pass && self.hook.is_none() {
            self.out.hooks.push(HookDef {
                command: name.to_owned(),
                pattern,
                negated,
                body: body.value.clone(),
                span: word
                    .zip(line.source_span(start..end))
                    .map(|(w, rest)| Span { file: w.file, range: w.range.cover(&rest.range) })
                    .or(word),
                body_span: body.span(line),
                file: ctx.file,
                dir: ctx.dir.to_path_buf(),
            });
        }
        if cursor.more_args() {
            return self.warn(
                cursor.span_of(cursor.pos()..line.len()),
                ctx,
                format!(
                    "`{name}`: too many arguments (quote the command): NeoMutt reads the rest \
                     of the line as a new command"
                ),
            );
        }
        Outcome::Success
    }

    fn cmd_unhook(&mut self, cursor: &mut Cursor<'_>) -> Outcome {
        while cursor.more_args() {
            let before = cursor.pos();
            let token = cursor.extract(Flags::NONE, self);
            if self.first_pass && self.hook.is_none() {
                let which = token.value.as_str().to_owned();
                if which == "*" {
                    self.out.hooks.clear();
                } else {
                    self.out.hooks.retain(|h| h.command != which);
                }
            }
            if cursor.pos() == before {
                break;
            }
        }
        Outcome::Success
    }
}

impl Expander for Interpreter<'_> {
    fn expand(&mut self, name: &str, origin: Option<Span>) -> Expansion {
        // NeoMutt 20220429 (verified): config variables first, then `my_` variables, then the
        // environment.
        if let Some((def, Availability::ThisBuild)) = vars::lookup(name) {
            return Expansion::Text(self.state.get_def(def).text);
        }
        if let Some(value) = self.state.my_var(name) {
            return Expansion::Text(value.clone());
        }
        if name == "HOME" {
            if let Some(home) = self.state.home() {
                let mut text = SpannedText::new();
                match origin {
                    Some(span) => text.push_mapped(
                        home,
                        span.file,
                        span.range.start as usize,
                        span.range.end as usize,
                    ),
                    None => text.push_synth(home),
                }
                return Expansion::Text(text);
            }
            return Expansion::Unknown(UnknownKind::Home);
        }
        let kind = if name.starts_with("my_") {
            UnknownKind::Undefined(name.to_owned())
        } else {
            UnknownKind::Environment(name.to_owned())
        };
        if !self.quiet && !self.quiet_expansion {
            let message = match &kind {
                UnknownKind::Undefined(_) => format!(
                    "`${name}` is not defined in any file maillint read (a command or a file \
                     that was not followed may set it): values that use it are unknown"
                ),
                _ => format!(
                    "`${name}` is not read: maillint never reads the environment, so values \
                     that use it are unknown"
                ),
            };
            if let Some(span) = origin
                && self.reported.insert((
                    NotFollowed::metadata().name.clone(),
                    Some(span),
                    message.clone(),
                ))
            {
                self.out.diagnostics.push(Diagnostic::new(NotFollowed::metadata(), span, message));
            }
        }
        Expansion::Unknown(kind)
    }

    fn backtick(&mut self, _command: &SpannedText, origin: Option<Span>) {
        if self.quiet {
            return;
        }
        // The command text is not quoted in the message: it may hold a secret.
        let message = "backtick command not run: maillint never executes commands from a \
                       configuration file, so the value it would give is unknown"
            .to_owned();
        if let Some(span) = origin
            && self.reported.insert((
                NotFollowed::metadata().name.clone(),
                Some(span),
                message.clone(),
            ))
        {
            self.out.diagnostics.push(Diagnostic::new(NotFollowed::metadata(), span, message));
        }
    }
}

/// Whether a mailbox is an IMAP URL (NeoMutt `imap_path_probe`, case-insensitive).
pub(crate) fn is_imap(text: &str) -> bool {
    let lower = text.get(..8).unwrap_or(text).to_ascii_lowercase();
    lower.starts_with("imap://") || lower.starts_with("imaps://")
}

/// `~user/...`: the user's home from the password database, which maillint does not read.
fn unknown_user_home(value: &SpannedText) -> SpannedText {
    let text = value.as_str();
    let end = text.find('/').unwrap_or(text.len());
    let mut out = SpannedText::new();
    out.push_unknown(
        &text[..end],
        UnknownKind::MachineDefault("the password database (`~user`)".to_owned()),
        value.source_span(0..end),
    );
    out.push_slice(value, end..text.len());
    out
}

/// The source spans of the known bytes of `text[range]`, one per contiguous stretch.
pub(crate) fn known_spans(text: &SpannedText, range: std::ops::Range<usize>) -> Vec<Span> {
    if let Some(span) = text.source_span(range.clone()) {
        return vec![span];
    }
    let mut spans = Vec::new();
    let mut offset = 0usize;
    for piece in text.pieces() {
        let piece_range = offset..offset + piece.len as usize;
        offset = piece_range.end;
        let start = piece_range.start.max(range.start);
        let end = piece_range.end.min(range.end);
        if start < end
            && let Some(span) = text.source_span(start..end)
        {
            spans.push(span);
        }
    }
    spans
}

fn parent_dir(path: &Path) -> PathBuf {
    match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

fn io_reason(err: &std::io::Error) -> String {
    if let Some(reason) = err.get_ref() {
        // maillint's own reasons (too large, not a regular file, another owner's file).
        return reason.to_string();
    }
    match err.kind() {
        std::io::ErrorKind::NotFound => "no such file".to_owned(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_owned(),
        _ => err.to_string(),
    }
}
