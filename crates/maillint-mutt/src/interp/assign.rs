//! Storing a value in a variable: the value NeoMutt keeps for its type, the [`Assignment`]
//! that records where it was written, and the secrets it holds.

use maillint_core::Span;

use super::roles::{self, Role};
use super::{Interpreter, LineCtx, Outcome};
use crate::lexer::Token;
use crate::state::{AssignForm, Assignment, VarValue};
use crate::text::{SpannedText, UnknownKind};
use crate::url;
use crate::vars::{self, Expand, VarDef, VarKind};

impl Interpreter<'_> {
    pub(super) fn assignment(
        &mut self,
        def: &'static VarDef,
        command: usize,
        form: AssignForm,
        name: Option<Span>,
        item: Option<Span>,
        ctx: &LineCtx,
    ) -> Option<Assignment> {
        // `command` is the last one started: its items are read before the next command.
        self.out.commands.add_name(def.name);
        if self.first_pass
            && self.hook.is_none()
            && roles::has(def, Role::DefinesAccount)
            && let Err(at) = self.account_assignments.binary_search(&ctx.file)
        {
            self.account_assignments.insert(at, ctx.file);
        }
        Some(Assignment {
            var: def.name,
            command,
            form,
            name,
            item,
            line_end: ctx.line_end,
            line_terminated: ctx.line_terminated,
            hook: self.hook,
        })
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) fn assign_word(
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
        self.set_var(def, VarValue { text, written: None, assignment });
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) fn assign_value(
        &mut self,
        def: &'static VarDef,
        value: Token,
        relative: Option<u8>,
        command: usize,
        form: AssignForm,
        name: Option<Span>,
        item: Option<Span>,
        ctx: &LineCtx,
        line: &SpannedText,
    ) -> Outcome {
        let value_span = value.span(line);
        let text = value.value;
        let stored = match def.kind {
            VarKind::Bool | VarKind::Quad => {
                self.flag_value(def, &text, relative, value_span, ctx).map(Some)
            }
            VarKind::Number => self.number_value(def, &text, relative, value_span, ctx).map(Some),
            VarKind::String { expand, list, .. } => {
                self.string_value(def, &text, relative, expand, list, value_span, ctx)
            }
        };
        let stored = match stored {
            Ok(stored) => stored,
            Err(outcome) => return outcome,
        };
        if roles::has(def, Role::Password) {
            self.record_secret(&text);
        }
        if roles::has(def, Role::Url) {
            self.record_url_password(&text);
        }
        // A path keeps the value as written too (for a URL with a password).
        let path = matches!(def.kind, VarKind::String { expand: Expand::Full | Expand::Tilde, .. });
        let (stored, written) = match stored {
            Some(stored) => (stored, path.then_some(text)),
            None => (text, None),
        };
        let assignment = self.assignment(def, command, form, name, item, ctx);
        self.set_var(def, VarValue { text: stored, written, assignment });
        Outcome::Success
    }

    /// The value a boolean or quad-option keeps: `yes`/`no` (`ask-yes`/`ask-no`), mapped to
    /// the text that decided it.
    fn flag_value(
        &mut self,
        def: &'static VarDef,
        text: &SpannedText,
        relative: Option<u8>,
        value_span: Option<Span>,
        ctx: &LineCtx,
    ) -> Result<SpannedText, Outcome> {
        let boolean = def.kind == VarKind::Bool;
        if let Some(op) = relative {
            return Err(self.error(
                value_span,
                ctx,
                format!(
                    "`{}=` does not apply to the {} `{}`",
                    op as char,
                    if boolean { "boolean" } else { "quad-option" },
                    def.name
                ),
            ));
        }
        if !text.is_known() {
            return Ok(text.clone());
        }
        let word = if boolean {
            vars::parse_bool(text.as_str()).map(|b| if b { "yes" } else { "no" })
        } else {
            vars::parse_quad(text.as_str()).map(|q| q.as_str())
        };
        let Some(word) = word else {
            let expected = if boolean { "yes or no" } else { "yes, no, ask-yes or ask-no" };
            return Err(self.error(
                value_span,
                ctx,
                format!(
                    "invalid value for `{}` (expected {expected}): NeoMutt keeps the old value \
                     and ignores the rest of the line",
                    def.name
                ),
            ));
        };
        let mut out = SpannedText::new();
        out.push_mapped_from(word, text, 0..text.len());
        Ok(out)
    }

    /// The value a number keeps, `+=`/`-=` applied to the old one.
    fn number_value(
        &mut self,
        def: &'static VarDef,
        text: &SpannedText,
        relative: Option<u8>,
        value_span: Option<Span>,
        ctx: &LineCtx,
    ) -> Result<SpannedText, Outcome> {
        if !text.is_known() {
            return Ok(text.clone());
        }
        let Some(number) = vars::parse_number(text.as_str().trim()) else {
            return Err(self.error(
                value_span,
                ctx,
                format!(
                    "invalid number for `{}`: NeoMutt keeps the old value and ignores the rest \
                     of the line",
                    def.name
                ),
            ));
        };
        let result = match relative {
            None => Some(number),
            Some(op) => {
                self.note_read(def);
                let old = &self.state.get_def(def).text;
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
        Ok(out)
    }

    /// The value a string keeps: expanded as its type says, or joined to (`+=`) the old one;
    /// `None` when that is the text as written.
    #[allow(clippy::too_many_arguments)]
    fn string_value(
        &mut self,
        def: &'static VarDef,
        text: &SpannedText,
        relative: Option<u8>,
        expand: Expand,
        list: bool,
        value_span: Option<Span>,
        ctx: &LineCtx,
    ) -> Result<Option<SpannedText>, Outcome> {
        if relative.is_some() {
            self.note_read(def);
        }
        Ok(Some(match relative {
            Some(b'-') if !list => {
                return Err(self.error(
                    value_span,
                    ctx,
                    format!("`-=` does not apply to the string `{}`", def.name),
                ));
            }
            // Removing an item from a string list: the list keeps its other items.
            Some(b'-') => self.state.get_def(def).text.clone(),
            Some(_) => {
                let mut joined = self.state.get_def(def).text.clone();
                joined.push_joined(text);
                joined
            }
            None => match expand {
                Expand::None => return Ok(None),
                Expand::Tilde => self.expand_tilde(text),
                Expand::Full => self.expand_path(text),
            },
        }))
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
    pub(super) fn record_url_password(&mut self, text: &SpannedText) {
        // Both kinds of password end at an `@`: most values (`+INBOX`, a path) have none.
        if memchr::memchr(b'@', text.as_str().as_bytes()).is_none() {
            return;
        }
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
