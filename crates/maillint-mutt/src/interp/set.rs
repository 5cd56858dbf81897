//! `set`, `unset`, `toggle` and `reset` (NeoMutt `parse_set`): prefixes, operators and the
//! value each item assigns.
//!
//! One command holds several items (`set a=1 nob &c`); each is read in turn: its prefix
//! ([`read_prefix`]), its name ([`Interpreter::set_target`]), its operator
//! ([`Interpreter::read_operator`]), then what it does: reset, assign, or clear.

use std::borrow::Cow;
use std::ops::Range;

use maillint_core::Span;

use super::roles::{self, Role};
use super::{Interpreter, LineCtx, Outcome};
use crate::lexer::{Cursor, Flags};
use crate::rules::{CommentTruncatesValue, SingleQuotedVariable};
use crate::state::{AssignForm, SetCommand, VarValue};
use crate::text::SpannedText;
use crate::vars::{self, VarDef, VarKind};

/// The prefix of an item: `?var`, `novar`, `invvar`, `&var`.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Prefix {
    Query,
    No,
    Inv,
    Amp,
}

/// What the `set` loop does after an item.
enum Step {
    /// Read the next item.
    Next,
    /// End the command successfully (NeoMutt reads the rest of the line as a new command).
    Stop,
    /// End the command with this outcome.
    Return(Outcome),
}

/// One item of a `set`-family command, as read so far; `'l` is the line's lifetime.
struct SetItem<'l> {
    /// Index of the command in `Output::commands`.
    command_index: usize,
    /// Where the item starts on the line.
    start: usize,
    prefix: Option<Prefix>,
    prefix_span: Option<Span>,
    unset: bool,
    inv: bool,
    reset: bool,
    query: bool,
    /// The name as written: borrowed from the line when it is a plain word.
    name: Cow<'l, str>,
    name_span: Option<Span>,
    /// A `my_` variable.
    my: bool,
    /// The variable (none for `my_` variables).
    def: Option<&'static VarDef>,
    /// `=`, `+=` or `-=` followed.
    equals: bool,
    /// `+` or `-` of `+=`/`-=`.
    relative: Option<u8>,
}

impl SetItem<'_> {
    fn bool_or_quad(&self) -> bool {
        self.def.is_some_and(|d| matches!(d.kind, VarKind::Bool | VarKind::Quad))
    }

    /// How the prefix (or the command word) wrote this assignment.
    fn form(&self) -> AssignForm {
        match self.prefix {
            Some(Prefix::No) => AssignForm::No(self.prefix_span),
            Some(Prefix::Inv) => AssignForm::Inv(self.prefix_span),
            Some(Prefix::Amp) => AssignForm::Amp(self.prefix_span),
            _ => AssignForm::Command,
        }
    }

    /// The item from its start to `end`.
    fn span_to(&self, line: &SpannedText, end: usize) -> Option<Span> {
        line.source_span(self.start..end)
    }
}

/// Reads an item's prefix and the flags it gives with the command word.
fn read_prefix<'l>(
    command: SetCommand,
    command_index: usize,
    cursor: &mut Cursor<'l>,
) -> SetItem<'l> {
    let start = cursor.pos();
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
    let prefix_span = prefix.and_then(|(_, len)| cursor.line().source_span(start..start + len));
    if let Some((_, len)) = prefix {
        cursor.set_pos(start + len);
    }
    let prefix = prefix.map(|(p, _)| p);
    SetItem {
        command_index,
        start,
        prefix,
        prefix_span,
        unset: (command == SetCommand::Unset) != (prefix == Some(Prefix::No)),
        inv: (command == SetCommand::Toggle) != (prefix == Some(Prefix::Inv)),
        reset: command == SetCommand::Reset || prefix == Some(Prefix::Amp),
        query: prefix == Some(Prefix::Query),
        name: Cow::Borrowed(""),
        name_span: None,
        my: false,
        def: None,
        equals: false,
        relative: None,
    }
}

/// The ranges of `$name` and `${name}` inside single quotes in a token's raw text.
fn single_quoted_variables(raw: &str) -> Vec<Range<usize>> {
    // Without a single quote there is none: the byte walk cost ~400 instructions for each
    // account setting of the bench, none of which has one.
    if memchr::memchr(b'\'', raw.as_bytes()).is_none() {
        return Vec::new();
    }
    single_quoted_variables_walk(raw)
}

/// [`single_quoted_variables`], byte by byte.
fn single_quoted_variables_walk(raw: &str) -> Vec<Range<usize>> {
    let bytes = raw.as_bytes();
    let name_byte = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    let mut found = Vec::new();
    let mut quote: Option<u8> = None;
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        match (quote, b) {
            (None, b'\\') | (Some(b'"'), b'\\') => i += 1,
            (None, b'\'' | b'"') => quote = Some(b),
            (Some(q), _) if q == b => quote = None,
            (Some(b'\''), b'$') => {
                let start = i;
                let mut end = i + 1;
                if bytes.get(end) == Some(&b'{') {
                    end = raw[end..].find('}').map_or(bytes.len(), |c| end + c + 1);
                } else {
                    while end < bytes.len() && name_byte(bytes[end]) {
                        end += 1;
                    }
                }
                if end > start + 1 {
                    found.push(start..end);
                }
                i = end;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    found
}

impl Interpreter<'_> {
    pub(super) fn cmd_set(
        &mut self,
        command: SetCommand,
        word: Option<Span>,
        cursor: &mut Cursor<'_>,
        ctx: &LineCtx,
    ) -> Outcome {
        let command_index = self.out.commands.push(command, word);
        while cursor.more_args() {
            match self.set_item(command, command_index, cursor, ctx) {
                Step::Next => {}
                Step::Stop => break,
                Step::Return(outcome) => return outcome,
            }
        }
        Outcome::Success
    }

    /// Reads and applies one item.
    fn set_item<'l>(
        &mut self,
        command: SetCommand,
        command_index: usize,
        cursor: &mut Cursor<'l>,
        ctx: &LineCtx,
    ) -> Step {
        let mut item = read_prefix(command, command_index, cursor);
        if item.prefix.is_some() && command != SetCommand::Set {
            return Step::Return(self.warn(
                item.prefix_span,
                ctx,
                format!(
                    "`{}` does not take the `no`, `inv`, `&` or `?` prefix: NeoMutt reads \
                     the rest of the line as a new command",
                    command.word()
                ),
            ));
        }
        let flags = Flags::EQUAL | Flags::QUESTION | Flags::PLUS | Flags::MINUS;
        let line = cursor.line();
        // Names are plain words: read in place, without building a value.
        if let Some(range) = cursor.plain_word(flags) {
            item.name_span = line.source_span(range.clone());
            item.name = Cow::Borrowed(&line.as_str()[range]);
        } else {
            let name_token = cursor.extract(flags, self);
            item.name = Cow::Owned(name_token.value.as_str().to_owned());
            item.name_span = name_token.span(line);
        }
        item.my = item.name.starts_with("my_");
        if item.my {
            // Journals leave `my_` variables out.
            self.taint_journal();
        }
        item.def = match self.set_target(&item, ctx) {
            Ok(def) => def,
            Err(step) => return step,
        };
        if let Err(outcome) = self.read_operator(&mut item, cursor, ctx) {
            return Step::Return(outcome);
        }
        if !item.bool_or_quad() && (item.inv || (item.unset && item.prefix.is_some())) {
            return Step::Return(self.warn(
                item.name_span,
                ctx,
                format!(
                    "`{}` is not a boolean or quad-option: `no`, `inv` and `toggle` do not \
                     apply to it",
                    item.name
                ),
            ));
        }
        if item.reset {
            self.set_reset(&item, cursor, ctx);
            return Step::Next;
        }
        if command == SetCommand::Set && !item.inv && !item.unset {
            return self.set_assign(&item, cursor, ctx);
        }
        self.set_clear(&item, cursor, ctx);
        Step::Next
    }

    /// The variable an item names: `Ok(None)` for a `my_` variable.
    fn set_target(
        &mut self,
        item: &SetItem,
        ctx: &LineCtx,
    ) -> Result<Option<&'static VarDef>, Step> {
        if item.my {
            return Ok(None);
        }
        let name = &item.name;
        match vars::lookup(name) {
            Some((def, _)) => Ok(Some(def)),
            None if item.reset && name == "all" => {
                self.taint_journal();
                self.state.reset_all();
                Err(Step::Stop)
            }
            None => {
                let hint = if item.prefix == Some(Prefix::No) {
                    format!(" (`no` is read as a prefix, leaving `{name}`)")
                } else {
                    String::new()
                };
                Err(Step::Return(self.error(
                    item.name_span,
                    ctx,
                    format!(
                        "unknown variable `{name}`{hint}: NeoMutt ignores the rest of the line"
                    ),
                )))
            }
        }
    }

    /// Reads `?`, `=`, `+=` or `-=` after the name.
    fn read_operator(
        &mut self,
        item: &mut SetItem,
        cursor: &mut Cursor<'_>,
        ctx: &LineCtx,
    ) -> Result<(), Outcome> {
        let changes = item.prefix.is_some() || item.reset || item.unset || item.inv;
        match cursor.peek() {
            Some(b'?') => {
                if changes {
                    return Err(self.warn(
                        item.name_span,
                        ctx,
                        "a query cannot be combined with a prefix or with `unset`, `toggle` or \
                         `reset`"
                            .to_owned(),
                    ));
                }
                item.query = true;
                cursor.set_pos(cursor.pos() + 1);
            }
            Some(op @ (b'+' | b'-')) => {
                if changes || (item.my && op == b'-') {
                    return Err(self.warn(
                        item.name_span,
                        ctx,
                        format!(
                            "`{}=` cannot be used here: NeoMutt reads the rest of the line as a \
                             new command",
                            op as char
                        ),
                    ));
                }
                cursor.set_pos(cursor.pos() + 1);
                if cursor.peek() != Some(b'=') {
                    let message = format!("`{}` must be followed by `=`", op as char);
                    return Err(self.warn(item.name_span, ctx, message));
                }
                cursor.set_pos(cursor.pos() + 1);
                let operator = cursor.span_of(cursor.pos() - 2..cursor.pos());
                self.neomutt_only(operator, ctx, "`+=`/`-=`");
                item.equals = true;
                item.relative = Some(op);
            }
            Some(b'=') => {
                if changes {
                    return Err(self.warn(
                        cursor.span_of(cursor.pos()..cursor.pos() + 1),
                        ctx,
                        "a value cannot be given with a `no`/`inv` prefix or with `unset`, \
                         `toggle` or `reset`: NeoMutt reads the rest of the line as a new \
                         command"
                            .to_owned(),
                    ));
                }
                item.equals = true;
                cursor.set_pos(cursor.pos() + 1);
            }
            _ => {}
        }
        Ok(())
    }

    /// `reset var` or `set &var`: the default value.
    fn set_reset(&mut self, item: &SetItem, cursor: &Cursor<'_>, ctx: &LineCtx) {
        let Some(def) = item.def else {
            self.state.remove_my_var(&item.name);
            return;
        };
        let span = item.span_to(cursor.line(), cursor.pos());
        let assignment =
            self.assignment(def, item.command_index, item.form(), item.name_span, span, ctx);
        let text = self.state.default_value(def);
        self.set_var(def, VarValue { text, written: None, assignment });
    }

    /// `set var=value`, `set var` (a boolean), or `set var` on a string (a query).
    fn set_assign(&mut self, item: &SetItem, cursor: &mut Cursor<'_>, ctx: &LineCtx) -> Step {
        if item.query {
            return Step::Stop;
        }
        if item.equals {
            return self.set_equals(item, cursor, ctx);
        }
        if item.bool_or_quad() {
            if let Some(def) = item.def {
                let span = item.span_to(cursor.line(), cursor.pos());
                let (index, name) = (item.command_index, item.name_span);
                self.assign_word(def, "yes", index, AssignForm::Bare, name, span, ctx);
            }
            return Step::Next;
        }
        // `set var` on a string, number or `my_` variable queries it.
        if item.my && self.state.my_var(&item.name).is_none() {
            return Step::Return(self.error(
                item.name_span,
                ctx,
                format!("unknown variable `{}`: NeoMutt ignores the rest of the line", item.name),
            ));
        }
        Step::Stop
    }

    /// `set var=value`, `+=`, `-=`.
    fn set_equals(&mut self, item: &SetItem, cursor: &mut Cursor<'_>, ctx: &LineCtx) -> Step {
        let line = cursor.line();
        let value = cursor.extract(Flags::NONE, self);
        if value.cut_by_hash {
            let hash = cursor.span_of(value.raw.end..value.raw.end + 1);
            self.report(
                CommentTruncatesValue::metadata(),
                None,
                hash,
                ctx,
                format!(
                    "`#` starts a comment here, so `{}` gets only the text before it",
                    item.name
                ),
            );
        }
        let Some(def) = item.def else {
            let text = match (item.relative, self.state.my_var(&item.name)) {
                (Some(_), Some(old)) => {
                    let mut joined = old.clone();
                    joined.push_joined(&value.value);
                    joined
                }
                _ => value.value.clone(),
            };
            self.state.set_my_var(&item.name, text);
            return Step::Next;
        };
        if roles::has(def, Role::ChangesAccount) {
            self.report_single_quoted_variables(def.name, line, value.raw.clone(), ctx);
        }
        let span = item.span_to(line, value.raw.end);
        let form = AssignForm::Equals {
            value: value.span(line),
            inner: value.inner_span(line),
            relative: item.relative.is_some(),
        };
        let (index, name) = (item.command_index, item.name_span);
        let outcome =
            self.assign_value(def, value, item.relative, index, form, name, span, ctx, line);
        if outcome != Outcome::Success {
            return Step::Return(outcome);
        }
        Step::Next
    }

    /// `$name` inside single quotes stays literal (mutt.md section 1): worth saying for a
    /// setting of an account, where the literal text is a wrong password or server.
    fn report_single_quoted_variables(
        &mut self,
        var: &str,
        line: &SpannedText,
        raw: Range<usize>,
        ctx: &LineCtx,
    ) {
        for range in single_quoted_variables(&line.as_str()[raw.clone()]) {
            let span = line.source_span(raw.start + range.start..raw.start + range.end);
            self.report(
                SingleQuotedVariable::metadata(),
                None,
                span,
                ctx,
                format!(
                    "a `$` variable inside single quotes is not expanded: `{var}` gets the text \
                     literally (use double quotes to expand it)"
                ),
            );
        }
    }

    /// `unset`, `toggle`, or a `no`/`inv` prefix.
    fn set_clear(&mut self, item: &SetItem, cursor: &Cursor<'_>, ctx: &LineCtx) {
        let span = item.span_to(cursor.line(), cursor.pos());
        let (index, name) = (item.command_index, item.name_span);
        let Some(def) = item.def else {
            self.state.remove_my_var(&item.name);
            return;
        };
        if !item.bool_or_quad() {
            // `unset` on a string empties it (NeoMutt `cs_subset_he_string_set(NULL)`).
            let empty = match def.kind {
                VarKind::Number => "0",
                _ => "",
            };
            self.assign_word(def, empty, index, AssignForm::Command, name, span, ctx);
            return;
        }
        let form = item.form();
        if item.inv {
            self.note_read(def);
        }
        let current = self.state.get_def(def);
        let word = if item.inv {
            if !current.text.is_known() {
                None
            } else if def.kind == VarKind::Bool {
                vars::parse_bool(current.text.as_str()).map(|b| if b { "no" } else { "yes" })
            } else {
                vars::parse_quad(current.text.as_str()).map(|q| q.toggled().as_str())
            }
        } else {
            Some("no")
        };
        match word {
            Some(word) => self.assign_word(def, word, index, form, name, span, ctx),
            None => {
                // Toggling an unknown value gives an unknown value.
                let text = current.text.clone();
                let assignment = self.assignment(def, index, form, name, span, ctx);
                self.set_var(def, VarValue { text, written: None, assignment });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{single_quoted_variables, single_quoted_variables_walk};

    #[test]
    fn the_single_quote_check_finds_what_the_walk_finds() {
        let raws = [
            "'$a'",
            "\"'$a'\"",
            "x'${b}'y",
            "'$'",
            "\"$a\"",
            "$a",
            "a\\'$b'",
            "'a' $b",
            "\"it's $x\"",
            "imaps://h/",
            "",
        ];
        for raw in raws {
            assert_eq!(single_quoted_variables(raw), single_quoted_variables_walk(raw), "{raw:?}");
        }
        assert_eq!(single_quoted_variables("'$a'").first(), Some(&(1..3)));
    }
}
