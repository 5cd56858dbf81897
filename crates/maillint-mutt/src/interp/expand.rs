//! `$name` and backticks inside values: what the tokenizer asks the interpreter.

use maillint_core::builtin::NotFollowed;
use maillint_core::{Diagnostic, Span};

use super::Interpreter;
use crate::lexer::{Expander, Expansion};
use crate::text::{SpannedText, UnknownKind};
use crate::vars::{self, Availability};

impl Expander for Interpreter<'_> {
    fn expand(&mut self, name: &str, origin: Option<Span>) -> Expansion {
        // NeoMutt 20220429 (verified): config variables first, then `my_` variables, then the
        // environment.
        if let Some((def, Availability::ThisBuild)) = vars::lookup(name) {
            self.note_read(def);
            return Expansion::Text(self.state.get_def(def).text.clone());
        }
        // Journals leave `my_` variables out.
        self.taint_journal();
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

    fn backtick(&mut self, origin: Option<Span>) {
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
