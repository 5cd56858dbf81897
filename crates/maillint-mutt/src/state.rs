//! The configuration state NeoMutt builds while it reads a muttrc: variables with the
//! assignment that last changed them, `my_` variables, mailboxes and hooks.
//!
//! Every value is a [`SpannedText`], and every variable remembers the [`Assignment`] that
//! decided its current value, so that the account model can point at it and a fix can edit it.

use std::borrow::Cow;
use std::collections::HashMap;
use std::ops::Range;
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};

use maillint_core::{FileId, Span};

use regex::Regex;

use crate::text::{SpannedText, UnknownKind};
use crate::vars::{self, DefaultValue, VarDef};

/// The command an assignment was written with.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum SetCommand {
    /// `set`
    Set,
    /// `unset`
    Unset,
    /// `toggle`
    Toggle,
    /// `reset`
    Reset,
}

impl SetCommand {
    /// The command word.
    pub(crate) fn word(self) -> &'static str {
        match self {
            SetCommand::Set => "set",
            SetCommand::Unset => "unset",
            SetCommand::Toggle => "toggle",
            SetCommand::Reset => "reset",
        }
    }
}

/// How one variable was written inside a `set`-family command.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum AssignForm {
    /// `set var=value` (also `+=`); `inner` is the value without its quotes.
    Equals {
        /// The value token, quotes included.
        value: Option<Span>,
        /// The inside of the value.
        inner: Option<Span>,
        /// Whether it was `+=` or `-=`.
        relative: bool,
    },
    /// `set var` (a boolean set to yes).
    Bare,
    /// `set novar`; the span covers `no`.
    No(Option<Span>),
    /// `set invvar`; the span covers `inv`.
    Inv(Option<Span>),
    /// `set &var`; the span covers `&`.
    Amp(Option<Span>),
    /// `unset var`, `toggle var`, `reset var`: the command word decides.
    Command,
}

/// One `set`-family command, shared by the assignments it made.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct CommandInfo {
    /// The command.
    pub command: SetCommand,
    /// The command word in the file.
    pub word: Option<Span>,
    /// The canonical names it assigned, in order: a range of [`Commands`]' names.
    names: Range<usize>,
}

/// Every `set`-family command, in the order run, with the names each assigned. The names of
/// all commands are in one vector (a command assigns its names before the next command
/// runs), not in a vector per command.
#[derive(Clone, Debug, Default)]
pub(crate) struct Commands {
    list: Vec<CommandInfo>,
    names: Vec<&'static str>,
}

impl Commands {
    /// The number of commands.
    pub(crate) fn len(&self) -> usize {
        self.list.len()
    }

    /// Appends a copy of the commands `range` (a file's commands run again); returns the
    /// index of the first copy.
    pub(crate) fn copy_range(&mut self, range: Range<usize>) -> usize {
        let first = self.list.len();
        for index in range {
            let info = &self.list[index];
            let names = info.names.clone();
            let at = self.names.len();
            let copy = CommandInfo { command: info.command, word: info.word, names: at..at };
            self.list.push(copy);
            self.names.extend_from_within(names);
            self.list.last_mut().expect("just pushed").names.end = self.names.len();
        }
        first
    }

    /// Starts a command; returns its index.
    pub(crate) fn push(&mut self, command: SetCommand, word: Option<Span>) -> usize {
        let at = self.names.len();
        self.list.push(CommandInfo { command, word, names: at..at });
        self.list.len() - 1
    }

    /// Records that the last command started assigned `name`.
    pub(crate) fn add_name(&mut self, name: &'static str) {
        if let Some(last) = self.list.last_mut() {
            self.names.push(name);
            last.names.end = self.names.len();
        }
    }

    /// The command at `index`.
    pub(crate) fn get(&self, index: usize) -> &CommandInfo {
        &self.list[index]
    }

    /// The names the command at `index` assigned, in order.
    pub(crate) fn names(&self, index: usize) -> &[&'static str] {
        &self.names[self.list[index].names.clone()]
    }
}

/// Where a variable got its value. Held in the value itself (it is plain data, no heap):
/// one allocation less per assignment than a shared `Arc`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Assignment {
    /// Canonical variable name.
    pub var: &'static str,
    /// Index into the interpreter's command list.
    pub command: usize,
    /// How it was written.
    pub form: AssignForm,
    /// The name as written.
    pub name: Option<Span>,
    /// From the prefix or name to the end of the value.
    pub item: Option<Span>,
    /// The point just after the logical line: where a new line can be inserted.
    pub line_end: Option<Span>,
    /// Whether that line ends with a line break (the last line of a file may not).
    pub line_terminated: bool,
    /// The hook body it was made in, if any.
    pub hook: Option<usize>,
}

/// A variable's current value.
#[derive(Clone, Debug)]
pub(crate) struct VarValue {
    /// The value as NeoMutt stores it (booleans as `yes`/`no`).
    pub text: SpannedText,
    /// The value as written, before `set` expanded it (for URLs with a password).
    pub written: Option<SpannedText>,
    /// The assignment that decided it; `None` for the default.
    pub assignment: Option<Assignment>,
}

impl VarValue {
    /// The value read as a boolean: `Some(true)`/`Some(false)`, or `None` when unknown.
    pub(crate) fn as_bool(&self) -> Option<bool> {
        if !self.text.is_known() {
            return None;
        }
        vars::parse_bool(self.text.as_str())
    }
}

/// One `mailboxes` entry.
#[derive(Clone, Debug)]
pub(crate) struct MailboxEntry {
    /// The expanded mailbox.
    pub value: SpannedText,
    /// As written.
    pub written: SpannedText,
    /// The hook body it was made in, if any.
    pub hook: Option<usize>,
}

/// A hook whose body is a muttrc command.
#[derive(Clone, Debug)]
pub(crate) struct HookDef {
    /// `account-hook`, `folder-hook`, ...
    pub command: String,
    /// The pattern (regex, pattern or mailbox).
    pub pattern: SpannedText,
    /// Whether the pattern was negated with `!`.
    pub negated: bool,
    /// The command text.
    pub body: SpannedText,
    /// The whole hook command.
    pub span: Option<Span>,
    /// The command text in the file.
    pub body_span: Option<Span>,
    /// The file the hook is in.
    pub file: FileId,
    /// The folder `source` inside the body is relative to.
    pub dir: PathBuf,
    /// The pattern compiled as a regex, once: an account-hook's is matched against every IMAP
    /// mailbox the files list.
    pub regex: OnceLock<Option<Regex>>,
}

impl HookDef {
    /// The pattern as a regex (account-hook and folder-hook patterns are regexes over the
    /// mailbox or account URL); `None` when it comes from an unknown value or is no regex.
    pub(crate) fn regex(&self) -> Option<&Regex> {
        self.regex
            .get_or_init(|| {
                self.pattern.is_known().then(|| Regex::new(self.pattern.as_str()).ok()).flatten()
            })
            .as_ref()
    }
}

/// Variables, `my_` variables and mailboxes.
///
/// Values are shared (`Arc`): the account files and hooks each start from a copy of the
/// configuration the files wrote, and a copy costs a vector of pointers, not a copy of every
/// value's text.
#[derive(Clone, Debug, Default)]
pub(crate) struct State {
    /// Indexed by [`vars::index`]; `None` is the default. Shared until a copy changes it
    /// (most copies, such as an account's final configuration, are only read).
    vars: Arc<Vec<Option<Arc<VarValue>>>>,
    /// For each variable a hook changed while the files were read (NeoMutt runs matching
    /// account-hooks at start-up, see `run_startup_account_hooks`), its value before the
    /// hook (`None`: the default), until the files assign it again.
    before_hooks: Vec<(usize, Option<Arc<VarValue>>)>,
    my_vars: HashMap<String, SpannedText>,
    /// The `mailboxes` and `named-mailboxes` entries, shared like the values (change them
    /// through `Arc::make_mut`).
    pub mailboxes: Arc<Vec<Arc<MailboxEntry>>>,
    home: Option<String>,
}

/// The default values that do not depend on the home folder, built once (`None` for the
/// others), so that reading a default copies nothing.
fn literal_defaults() -> &'static [Option<VarValue>] {
    static DEFAULTS: std::sync::OnceLock<Vec<Option<VarValue>>> = std::sync::OnceLock::new();
    DEFAULTS.get_or_init(|| {
        (0..vars::count())
            .map(|i| match vars::by_index(i).default {
                DefaultValue::Literal(text) => Some(VarValue {
                    text: SpannedText::synth(text),
                    written: None,
                    assignment: None,
                }),
                _ => None,
            })
            .collect()
    })
}

impl State {
    /// An empty state for a user whose home folder is `home`.
    pub(crate) fn new(home: Option<String>) -> Self {
        Self { home, vars: Arc::new(vec![None; vars::count()]), ..Default::default() }
    }

    /// The home folder, if known.
    pub(crate) fn home(&self) -> Option<&str> {
        self.home.as_deref()
    }

    /// A variable's default value.
    pub(crate) fn default_value(&self, def: &VarDef) -> SpannedText {
        match def.default {
            DefaultValue::Literal(text) => SpannedText::synth(text),
            DefaultValue::Home(rest) => match &self.home {
                Some(home) => SpannedText::synth(&format!("{home}{rest}")),
                None => {
                    let mut t = SpannedText::new();
                    t.push_unknown(&format!("~{rest}"), UnknownKind::Home, None);
                    t
                }
            },
            DefaultValue::Environment(what) => {
                let mut t = SpannedText::new();
                t.push_unknown("", UnknownKind::MachineDefault(what.to_owned()), None);
                t
            }
        }
    }

    /// The current value of a variable (by canonical name or synonym).
    pub(crate) fn get(&self, name: &str) -> Option<Cow<'_, VarValue>> {
        let (def, _) = vars::lookup(name)?;
        Some(self.get_def(def))
    }

    /// The current value of a variable the code names ([`vars::Known`]).
    #[inline]
    pub(crate) fn get_known(&self, known: &vars::Known) -> Option<Cow<'_, VarValue>> {
        Some(self.get_def(known.def()?))
    }

    /// The current text of a variable (by canonical name or synonym).
    pub(crate) fn text(&self, name: &str) -> Option<Cow<'_, SpannedText>> {
        Some(self.text_def(vars::lookup(name)?.0))
    }

    /// The current text of a variable the code names ([`vars::Known`]): [`State::text`]
    /// without hashing the name.
    pub(crate) fn text_known(&self, known: &vars::Known) -> Option<Cow<'_, SpannedText>> {
        Some(self.text_def(known.def()?))
    }

    /// The current text of a known variable: the text of [`State::get_def`], without moving
    /// a whole value through a `Cow` (a 64-instruction copy for each of 13,000 path
    /// expansions and server lookups of the 100-home bench).
    pub(crate) fn text_def(&self, def: &'static VarDef) -> Cow<'_, SpannedText> {
        let index = vars::index(def);
        if let Some(Some(value)) = self.vars.get(index) {
            return Cow::Borrowed(&value.text);
        }
        match &literal_defaults()[index] {
            Some(value) => Cow::Borrowed(&value.text),
            None => Cow::Owned(self.default_value(def)),
        }
    }

    /// The current value of a known variable. Inlined: a value returned through a `Cow` was
    /// copied whole (~64 instructions) by every caller that only reads it.
    #[inline]
    pub(crate) fn get_def(&self, def: &'static VarDef) -> Cow<'_, VarValue> {
        let index = vars::index(def);
        if let Some(Some(value)) = self.vars.get(index) {
            return Cow::Borrowed(value);
        }
        match &literal_defaults()[index] {
            Some(value) => Cow::Borrowed(value),
            None => Cow::Owned(VarValue {
                text: self.default_value(def),
                written: None,
                assignment: None,
            }),
        }
    }

    /// The value set for the variable numbered `index` (see [`vars::index`]); `None` for
    /// the default.
    pub(crate) fn slot(&self, index: usize) -> Option<&Arc<VarValue>> {
        self.vars.get(index)?.as_ref()
    }

    /// Sets a variable. Inlined (as is `Interpreter::set_var`) down to the `Arc` that holds
    /// the value: a value passed on by value through each call was copied each time (304
    /// bytes, ~64 instructions a copy, for each of the bench's 9,000 assignments).
    #[inline(always)]
    pub(crate) fn set(&mut self, def: &'static VarDef, value: VarValue) {
        self.set_shared(def, Arc::new(value));
    }

    /// Sets a variable to a shared value.
    fn set_shared(&mut self, def: &'static VarDef, value: Arc<VarValue>) {
        let index = vars::index(def);
        if self.vars.is_empty() {
            self.vars = Arc::new(vec![None; vars::count()]);
        }
        let by_hook = value.assignment.as_ref().is_some_and(|a| a.hook.is_some());
        let previous = Arc::make_mut(&mut self.vars)[index].replace(value);
        if by_hook {
            if !self.before_hooks.iter().any(|(i, _)| *i == index) {
                self.before_hooks.push((index, previous));
            }
        } else if !self.before_hooks.is_empty() {
            self.before_hooks.retain(|(i, _)| *i != index);
        }
    }

    /// Resets every variable to its default (`reset all`).
    pub(crate) fn reset_all(&mut self) {
        Arc::make_mut(&mut self.vars).iter_mut().for_each(|v| *v = None);
        self.before_hooks.clear();
    }

    /// The state as the files wrote it, without what hooks changed: the configuration a
    /// server gets when no hook matches it.
    pub(crate) fn without_hooks(&self) -> State {
        let mut state = self.clone();
        for (index, before) in std::mem::take(&mut state.before_hooks) {
            Arc::make_mut(&mut state.vars)[index] = before;
        }
        if state.mailboxes.iter().any(|m| m.hook.is_some()) {
            Arc::make_mut(&mut state.mailboxes).retain(|m| m.hook.is_none());
        }
        state
    }

    /// A `my_` variable.
    pub(crate) fn my_var(&self, name: &str) -> Option<&SpannedText> {
        self.my_vars.get(name)
    }

    /// Sets a `my_` variable.
    pub(crate) fn set_my_var(&mut self, name: &str, value: SpannedText) {
        self.my_vars.insert(name.to_owned(), value);
    }

    /// Everything the state holds, in a fixed order (the `my_` variables by name): for tests
    /// that compare two runs.
    #[cfg(test)]
    pub(crate) fn describe(&self) -> String {
        let mut my_vars: Vec<_> = self.my_vars.iter().collect();
        my_vars.sort_by(|a, b| a.0.cmp(b.0));
        format!("{:?}\n{:?}\n{my_vars:?}\n{:?}", self.vars, self.before_hooks, self.mailboxes)
    }

    /// Deletes a `my_` variable.
    pub(crate) fn remove_my_var(&mut self, name: &str) {
        self.my_vars.remove(name);
    }

    /// A boolean's value: `Some(true)`/`Some(false)`, or `None` when unknown.
    pub(crate) fn bool_value(&self, name: &str) -> Option<bool> {
        self.get(name)?.as_bool()
    }

    /// Every variable set to something other than its default, by canonical name.
    pub(crate) fn assigned(&self) -> impl Iterator<Item = (&'static str, &VarValue)> {
        self.vars
            .iter()
            .enumerate()
            .filter_map(|(i, value)| Some((vars::by_index(i).name, value.as_deref()?)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_variables_text_is_the_text_of_its_value() {
        for home in [Some("/home/u".to_owned()), None] {
            let mut state = State::new(home);
            let folder = vars::lookup("folder").unwrap().0;
            let value = VarValue {
                text: SpannedText::synth("imaps://h/"),
                written: None,
                assignment: None,
            };
            state.set(folder, value);
            for index in 0..vars::count() {
                let def = vars::by_index(index);
                let expected = state.get_def(def).text.clone();
                assert_eq!(*state.text_def(def), expected, "{}", def.name);
                assert_eq!(state.text(def.name).as_deref(), Some(&expected), "{}", def.name);
            }
        }
    }
}
