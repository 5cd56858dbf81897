//! maillint's reader of msmtp's configuration (`~/.msmtprc`, `$XDG_CONFIG_HOME/msmtp/config`,
//! the system-wide `/etc/msmtprc`): the file as msmtp itself reads it, with a span on every
//! value.
//!
//! The flow: [`syntax`] splits lines into a command and its argument, [`config`] builds the
//! accounts (`defaults`, `account NAME : PARENT`, the implicit `default` account) and the
//! errors that make msmtp refuse the file, [`resolve`] says what each setting means with
//! msmtp's defaults, [`model`] turns that into maillint's accounts, and [`lower`] writes
//! fixes back. Every fact is taken from msmtp's own source and manual (marlam/msmtp, tag
//! `msmtp-1.8.23`, the version Debian 12 ships; `src/conf.c`, `src/msmtp.c`,
//! `doc/msmtp.texi`), cited where it is used. Nothing a file names is ever run:
//! `passwordeval` and `eval` commands are read as text.

pub mod client;
pub mod commands;
pub mod config;
mod lower;
pub mod model;
pub mod resolve;
pub mod syntax;

use std::path::Path;

use maillint_core::builtin::{NotFollowed, ParseError};
use maillint_core::parser::{HeadNeedle, head_text};
use maillint_core::{
    Client, Confidence, Diagnostic, Edit, FieldChange, FileId, LowerError, ParseOptions,
    ParsedUnit, Parser, Sources, Span,
};

pub use client::{CLIENT, Msmtp};
pub use config::Config;

/// The msmtprc parser.
#[derive(Debug, Default, Clone, Copy)]
pub struct MsmtpParser;

/// What [`Parser::lower`] needs: the file as read, and for each model account the index of
/// its msmtp account.
struct LowerState {
    config: Config,
    accounts: Vec<usize>,
}

impl Parser for MsmtpParser {
    fn name(&self) -> &'static str {
        "msmtp"
    }

    fn client(&self) -> Client {
        CLIENT
    }

    fn highest_confidence(&self) -> Confidence {
        Confidence::Name
    }

    fn detect(&self, path: &Path, head: &[u8]) -> Option<Confidence> {
        if detect_by_name(path) {
            return Some(Confidence::Name);
        }
        // A match needs an `account`, `defaults` or `host` command (see `looks_like_msmtprc`).
        static COMMANDS: [HeadNeedle; 3] =
            [HeadNeedle::new("account"), HeadNeedle::new("defaults"), HeadNeedle::new("host")];
        if !COMMANDS.iter().any(|command| command.is_in(head)) {
            return None;
        }
        looks_like_msmtprc(&head_text(head)).then_some(Confidence::Content)
    }

    fn parse(&self, root: FileId, sources: &mut Sources, _options: &ParseOptions) -> ParsedUnit {
        let text = sources.get(root).text();
        let config = config::read(text);
        let mut diagnostics = diagnostics(root, text, &config);
        let mut accounts: Vec<maillint_core::Account> = Vec::new();
        let mut indices = Vec::new();
        for (index, account) in config.accounts.iter().enumerate() {
            // `account default : gmail` with nothing of its own is gmail under a second name:
            // one account in the model, so that each finding is reported once.
            if let Some(same) = indices
                .iter()
                .position(|&i: &usize| config.accounts[i].settings == account.settings)
            {
                let name = &mut accounts[same].name;
                name.push_str(&format!(" (also `{}`)", account.id));
                continue;
            }
            if let Some(model) = model::account(root, text, account, index) {
                accounts.push(model);
                indices.push(index);
            }
        }
        let mut secrets: Vec<Span> = Vec::new();
        for secret in accounts.iter().flat_map(|a| &a.endpoints).flat_map(|e| &e.secrets) {
            if !secrets.contains(&secret.span) {
                secrets.push(secret.span);
            }
        }
        // A `password` in an account that makes no connection is on disk all the same.
        for account in &config.accounts {
            if let Some(setting) = account.get("password").filter(|s| !s.line.argument.is_empty()) {
                let span = Span::new(root, setting.line.argument.start, setting.line.argument.end);
                if !secrets.contains(&span) {
                    secrets.push(span);
                }
            }
        }
        diagnostics.sort_by_key(|d| d.span.range.start);
        ParsedUnit {
            accounts,
            diagnostics,
            secrets,
            state: Some(Box::new(LowerState { config, accounts: indices })),
        }
    }

    fn lower(
        &self,
        unit: &ParsedUnit,
        sources: &Sources,
        account: usize,
        endpoint: usize,
        changes: &[FieldChange],
    ) -> Result<Vec<Edit>, LowerError> {
        let state = unit.state_of::<LowerState>("msmtp")?;
        let (Some(&index), 0) = (state.accounts.get(account), endpoint) else {
            return Err(LowerError(format!("no endpoint {account}/{endpoint} in this unit")));
        };
        let file = unit.accounts[account].span.file;
        let text = sources.get(file).text();
        lower::lower(text, file, &state.config.accounts[index], index, changes)
    }
}

/// The file's errors (`parse-error`: msmtp refuses the whole file) and its `eval` lines
/// (`not-followed`).
fn diagnostics(file: FileId, text: &str, config: &Config) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for error in &config.errors {
        let span = Span::new(file, error.range.start, error.range.end);
        out.push(
            Diagnostic::new(ParseError::metadata(), span, error.message.clone())
                .with_why("msmtp refuses the whole file on this line, so no account in it works"),
        );
    }
    for line in &config.evals {
        let span = Span::new(file, line.command.start, line.line.end);
        out.push(Diagnostic::new(
            NotFollowed::metadata(),
            span,
            "msmtp runs this `eval` command when it reads the file and reads its output as \
             this line; maillint runs nothing, so what that line sets is not checked",
        ));
    }
    let _ = text;
    out
}

/// `.msmtprc` and `msmtprc` (the system-wide `/etc/msmtprc`, and dotfiles repositories that
/// drop the dot), `NAME.msmtprc` (one file per account in a dotfiles repository, used with
/// `msmtp -C`), and `msmtp/config` (`$XDG_CONFIG_HOME/msmtp/config`; msmtp.texi,
/// "Configuration files").
pub fn detect_by_name(path: &Path) -> bool {
    let name = maillint_core::parser::file_name(path).and_then(|n| n.to_str()).unwrap_or_default();
    // The folder is looked at only for a `config`: this runs for every file a walk meets.
    let folder = || path.parent().and_then(Path::file_name).and_then(|n| n.to_str());
    matches!(name, ".msmtprc" | "msmtprc")
        || name.ends_with(".msmtprc")
        || (name == "config" && folder() == Some("msmtp"))
}

/// Content detection: every command line of the head (a last line cut by the head's end
/// aside) starts with a command msmtp knows, and one of them is `account`, `defaults` or
/// `host`. A muttrc (`set ...`), an mbsyncrc (`IMAPAccount`, capitalised) or an INI file has
/// other first words.
pub fn looks_like_msmtprc(head: &str) -> bool {
    let complete = match head.rfind('\n') {
        Some(end) => &head[..end],
        None => return false,
    };
    let known = |word: &str| {
        matches!(word, "account" | "defaults" | "eval") || commands::find(word).is_some()
    };
    let mut anchored = false;
    for word in syntax::command_words(complete) {
        if !known(word) {
            return false;
        }
        anchored |= matches!(word, "account" | "defaults" | "host");
    }
    anchored
}
