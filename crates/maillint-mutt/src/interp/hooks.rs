//! Hook commands: their bodies are stored, not run (mutt.md section 3), and `unhook`.

use std::sync::OnceLock;

use maillint_core::Span;

use super::{GLOBAL_COMMAND_HOOKS, Interpreter, LineCtx, Outcome, SPACED_COMMAND_HOOKS};
use crate::lexer::{Cursor, Flags};
use crate::state::HookDef;
use crate::text::SpannedText;

impl Interpreter<'_> {
    pub(super) fn cmd_hook(
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
                regex: OnceLock::new(),
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

    pub(super) fn cmd_unhook(&mut self, cursor: &mut Cursor<'_>) -> Outcome {
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
