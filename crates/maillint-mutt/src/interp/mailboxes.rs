//! `mailboxes` and `unmailboxes`, and the account-hooks NeoMutt runs while it reads an IMAP
//! mailbox.

use std::sync::Arc;

use super::{Interpreter, LineCtx, Outcome, is_imap};
use crate::lexer::{Cursor, Flags};
use crate::state::{HookDef, MailboxEntry};

impl Interpreter<'_> {
    pub(super) fn cmd_mailboxes(
        &mut self,
        named: bool,
        cursor: &mut Cursor<'_>,
        _ctx: &LineCtx,
    ) -> Outcome {
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
            // Only an account-hook can run for the mailbox: without one, nothing to keep.
            let startup_hooks = is_imap(value.as_str())
                && value.is_known()
                && self.out.hooks.iter().any(|h| h.command == "account-hook");
            let mailbox = startup_hooks.then(|| value.as_str().to_owned());
            self.add_mailbox(MailboxEntry { value, written: token.value, hook: self.hook });
            if let Some(mailbox) = mailbox {
                self.run_startup_account_hooks(&mailbox);
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
            .filter(|(_, h)| {
                h.command == "account-hook"
                    && h.regex().is_some_and(|re| re.is_match(mailbox) != h.negated)
            })
            .map(|(i, h)| (i, h.clone()))
            .collect();
        if !matching.is_empty() {
            // A journal cannot replay hooks run at start-up.
            self.taint_journal();
        }
        for (index, hook) in matching {
            let saved_quiet = self.quiet;
            self.hook = Some(index);
            let ctx = LineCtx {
                file: hook.file,
                dir: hook.dir.as_path(),
                line_end: None,
                line_terminated: true,
                line_span: hook.body_span.or(hook.span),
            };
            self.run_line(&hook.body, &ctx);
            self.hook = None;
            self.quiet = saved_quiet;
        }
    }

    pub(super) fn cmd_unmailboxes(&mut self, cursor: &mut Cursor<'_>) -> Outcome {
        // What it removes depends on what came before: not for a journal to replay.
        self.taint_journal();
        while cursor.more_args() {
            let before = cursor.pos();
            let token = cursor.extract(Flags::NONE, self);
            if token.value.as_str() == "*" {
                Arc::make_mut(&mut self.state.mailboxes).clear();
            } else {
                let value = self.expand_path(&token.value);
                Arc::make_mut(&mut self.state.mailboxes)
                    .retain(|m| m.value.as_str() != value.as_str());
            }
            if cursor.pos() == before {
                break;
            }
        }
        Outcome::Success
    }
}
