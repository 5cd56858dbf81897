//! What msmtp makes of a file: the accounts with every setting that applies to each, and
//! the errors that make msmtp refuse the file.
//!
//! This follows `read_conffile` in msmtp's `src/conf.c` (marlam/msmtp, tag `msmtp-1.8.23`) and
//! the manual (`doc/msmtp.texi`, "Configuration files" and "General commands"):
//!
//! * `defaults` starts the defaults block: "The following commands will set default values for
//!   all following account definitions in the current configuration file". Each `account` is a
//!   copy of the defaults *as they are at that line* (`account_copy(defaults)`).
//! * `account NAME : A,B` copies, after the defaults, every setting that `A` and then `B` set
//!   themselves or inherited (`override_account` copies the fields in the parent's `mask`, and
//!   the child's `mask` gains them). Parents must be defined above ("not (yet) defined").
//!   `account default : NAME` is an ordinary account named `default`, the one msmtp uses when
//!   no account is chosen.
//! * A command before any `account` or `defaults` line starts an account named `default`
//!   ("compatibility with 1.2.x").
//! * Any error (unknown command, a bad argument, an account defined twice) makes msmtp refuse
//!   the whole file; this reader reports every error and goes on, so that the rest is checked.
//! * `eval CMD` replaces its own line with the first line the command prints; maillint never
//!   runs it, so what that line sets is not known ([`Config::evals`]).

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;

use crate::commands::{self, Command};
use crate::syntax::{self, Line};

/// Where a setting is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Block {
    /// In a `defaults` block.
    Defaults,
    /// In the block of the account with this index in [`Config::accounts`].
    Account(usize),
}

/// One command line that set a value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Setting {
    /// The command that wrote it.
    pub command: &'static Command,
    /// The line.
    pub line: Line,
    /// The block it is written in.
    pub block: Block,
}

impl Setting {
    /// The argument's text.
    pub fn argument<'t>(&self, text: &'t str) -> &'t str {
        &text[self.line.argument.clone()]
    }
}

/// One account as msmtp builds it.
#[derive(Clone, Debug)]
pub struct AccountConfig {
    /// The account's name (`default` for the implicit first account).
    pub id: String,
    /// The name as written (a point where the first setting starts for the implicit account).
    pub id_range: Range<usize>,
    /// Where a new line of this account's block goes: after its `account` line.
    pub insert_at: usize,
    /// Whether the account was started by a setting before any `account` line.
    pub implicit: bool,
    /// The parents named after `:`, as indices into [`Config::accounts`].
    pub parents: Vec<usize>,
    /// Every setting that applies, by field (the canonical command, see [`Command::field`]).
    pub settings: BTreeMap<&'static str, Setting>,
    /// The fields the account set itself or inherited from a parent (msmtp's `mask`); a field
    /// that only comes from `defaults` is not in it.
    pub mask: BTreeSet<&'static str>,
}

/// An error that makes msmtp refuse the file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfError {
    /// 1-based line number, as in msmtp's `line N: ...`.
    pub number: usize,
    /// The text the error is about.
    pub range: Range<usize>,
    /// What is wrong, in words.
    pub message: String,
}

/// A whole file, read.
#[derive(Clone, Debug, Default)]
pub struct Config {
    /// The accounts in the order they are defined.
    pub accounts: Vec<AccountConfig>,
    /// The errors, in the order of the file.
    pub errors: Vec<ConfError>,
    /// `eval` lines: msmtp runs their command while it reads the file.
    pub evals: Vec<Line>,
}

/// Reads `text` as msmtp does.
pub fn read(text: &str) -> Config {
    let (lines, too_long) = syntax::lines(text);
    let mut reader = Reader {
        text,
        config: Config::default(),
        defaults: BTreeMap::new(),
        current: Current::Start,
    };
    for line in lines {
        reader.line(line);
    }
    if let Some(long) = too_long {
        reader.config.errors.push(ConfError {
            number: long.number,
            range: long.line,
            message: format!(
                "the line is {} bytes or longer, and msmtp reads no line that long",
                syntax::MAX_LINE_BYTES
            ),
        });
    }
    reader.config
}

struct Reader<'t> {
    text: &'t str,
    config: Config,
    defaults: BTreeMap<&'static str, Setting>,
    current: Current,
}

/// Which block the next setting goes to.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Current {
    /// Nothing yet: a setting starts the implicit `default` account.
    Start,
    /// A block.
    Block(Block),
    /// After an `account` line without a name: msmtp has stopped; the settings are checked
    /// but belong to no account.
    Nowhere,
}

impl Reader<'_> {
    fn line(&mut self, line: Line) {
        let command = &self.text[line.command.clone()];
        let argument = &self.text[line.argument.clone()];
        match command {
            "eval" if argument.is_empty() => {
                self.error(&line, line.command.clone(), "`eval` needs an argument")
            }
            "eval" => self.config.evals.push(line),
            "defaults" if !argument.is_empty() => {
                self.error(&line, line.argument.clone(), "`defaults` does not take an argument")
            }
            "defaults" => self.current = Current::Block(Block::Defaults),
            "account" => self.account(&line),
            _ => self.setting(line),
        }
    }

    fn error(&mut self, line: &Line, range: Range<usize>, message: impl Into<String>) {
        self.config.errors.push(ConfError { number: line.number, range, message: message.into() });
    }

    /// A value-setting command; before any block it starts the implicit `default` account.
    fn setting(&mut self, line: Line) {
        if self.current == Current::Start {
            let point = line.command.start;
            self.start_account("default".to_owned(), point..point, line.line.start, true);
        }
        let name = &self.text[line.command.clone()];
        let Some(command) = commands::find(name) else {
            self.error(&line, line.command.clone(), format!("unknown command `{name}`"));
            return;
        };
        let argument = &self.text[line.argument.clone()];
        if let Err(complaint) = command.check.accepts(argument) {
            let message = match complaint {
                "invalid argument" => format!("invalid argument `{argument}` for command `{name}`"),
                other => format!("command `{name}` {other}"),
            };
            let range =
                if argument.is_empty() { line.command.clone() } else { line.argument.clone() };
            self.error(&line, range, message);
            return;
        }
        let (Some(field), Current::Block(block)) = (command.field, self.current) else { return };
        let setting = Setting { command, line, block };
        match block {
            Block::Defaults => {
                self.defaults.insert(field, setting);
            }
            Block::Account(index) => {
                let account = &mut self.config.accounts[index];
                account.settings.insert(field, setting);
                // "There is no mask value for this command" (`allow_from_override`).
                if field != "allow_from_override" {
                    account.mask.insert(field);
                }
            }
        }
    }

    fn start_account(
        &mut self,
        id: String,
        id_range: Range<usize>,
        insert_at: usize,
        implicit: bool,
    ) -> usize {
        let index = self.config.accounts.len();
        self.config.accounts.push(AccountConfig {
            id,
            id_range,
            insert_at,
            implicit,
            parents: Vec::new(),
            settings: self.defaults.clone(),
            mask: BTreeSet::new(),
        });
        self.current = Current::Block(Block::Account(index));
        index
    }

    /// `account NAME [: PARENT,...]`.
    fn account(&mut self, line: &Line) {
        let argument = line.argument.clone();
        let text = &self.text[argument.clone()];
        let (id_range, parents) = match text.find(':') {
            Some(colon) => {
                let parents = self.parents(line, argument.start + colon + 1..argument.end);
                let trimmed = syntax::trim_string(&text[..colon]);
                (argument.start + trimmed.start..argument.start + trimmed.end, parents)
            }
            None => (argument.clone(), Vec::new()),
        };
        let id = self.text[id_range.clone()].to_owned();
        if id.is_empty() {
            self.error(line, line.command.clone(), "missing account name");
            self.current = Current::Nowhere;
            return;
        }
        if id.contains([':', ',']) {
            self.error(line, id_range.clone(), "an account name must not contain colons or commas");
        } else if self.config.accounts.iter().any(|a| a.id == id) {
            self.error(line, id_range.clone(), format!("account `{id}` was already defined"));
        }
        let index = self.start_account(id, id_range, line.next, false);
        for parent in parents {
            self.inherit(index, parent);
        }
    }

    /// The accounts named in `range` (a comma list), each of which must be defined already.
    fn parents(&mut self, line: &Line, range: Range<usize>) -> Vec<usize> {
        let mut found = Vec::new();
        let mut start = range.start;
        for part in self.text[range.clone()].split(',') {
            let trimmed = syntax::trim_string(part);
            let name_range = start + trimmed.start..start + trimmed.end;
            start += part.len() + 1;
            let name = &self.text[name_range.clone()];
            if name.is_empty() {
                self.error(line, line.argument.clone(), "missing account name");
            } else if let Some(index) = self.config.accounts.iter().position(|a| a.id == name) {
                found.push(index);
            } else {
                self.error(line, name_range, format!("account `{name}` not (yet) defined"));
            }
        }
        found
    }

    /// `override_account(child, parent)`: the parent's masked fields, and its mask.
    fn inherit(&mut self, child: usize, parent: usize) {
        let source = &self.config.accounts[parent];
        let copied: Vec<(&'static str, Setting)> = source
            .mask
            .iter()
            .filter_map(|field| source.settings.get(field).map(|s| (*field, s.clone())))
            .collect();
        let account = &mut self.config.accounts[child];
        for (field, setting) in copied {
            account.settings.insert(field, setting);
            account.mask.insert(field);
        }
        account.parents.push(parent);
    }
}
