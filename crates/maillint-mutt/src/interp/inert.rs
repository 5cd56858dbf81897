//! Lines the interpreter passes over without reading them into its line buffer: blank lines,
//! comments, and commands it does not interpret (`color`, `bind`, `macro`, ...) whose
//! arguments hold nothing that ends the command or reaches the expander.
//!
//! Such a line only moves the cursor to its end ([`Interpreter::run_line`] returns success
//! and changes nothing, `macro` aside, whose span is recorded here as `run_command` records
//! it). The 100-home bench has 21,000 `color`/`bind`/`macro` lines and 4,000 comments: each
//! cost ~750 instructions through the line buffer, the token loop and the command match.

use maillint_core::{FileId, Span};

use super::{COMMAND_HOOKS, GLOBAL_COMMAND_HOOKS, Interpreter, SPACED_COMMAND_HOOKS};
use crate::lexer::{LineShape, line_shape, plain_args};
use crate::vars;

impl Interpreter<'_> {
    /// Whether the whole logical line `text`, at `start` of `file`, is one that running would
    /// only pass over; a `macro` line's span is recorded on the way. Inlined into the line
    /// loop: a call for each of the 32,000 lines cost ~1M instructions of the 100-home bench.
    #[inline]
    pub(super) fn inert_line(&mut self, file: FileId, start: usize, text: &str) -> bool {
        let word = match line_shape(text) {
            LineShape::Blank => return true,
            LineShape::Other => return false,
            LineShape::Command(word) => word,
        };
        // The name first: a `set` line is decided without reading its arguments.
        let name = &text[word.clone()];
        let macro_line = name == "macro";
        // The commands of every colour scheme and key map are answered here, without the call
        // of the general test (~30 instructions for each of the bench's 21,000 such lines).
        let skips = matches!(name, "color" | "bind") || macro_line || only_skips_args(name);
        if !skips || !plain_args(text, word.end) {
            return false;
        }
        // `run_command` records a macro's word and arguments, to the end of the line.
        if macro_line && self.first_pass && self.hook.is_none() {
            self.out.macros.push(Span::new(file, start + word.start, start + text.len()));
        }
        true
    }
}

/// Whether `run_command` does nothing with command `name` but skip its arguments.
fn only_skips_args(name: &str) -> bool {
    matches!(name, "color" | "bind")
        || !matches!(
            name,
            "set"
                | "unset"
                | "toggle"
                | "reset"
                | "source"
                | "ifdef"
                | "ifndef"
                | "finish"
                | "mailboxes"
                | "named-mailboxes"
                | "virtual-mailboxes"
                | "unmailboxes"
                | "unvirtual-mailboxes"
                | "unhook"
                | "macro"
                | "lua"
                | "lua-source"
        ) && !SPACED_COMMAND_HOOKS.contains(&name)
            && !COMMAND_HOOKS.contains(&name)
            && !GLOBAL_COMMAND_HOOKS.contains(&name)
            && vars::is_command(name)
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use maillint_core::{FileId, Sources};

    use crate::interp::Interpreter;
    use crate::neomutt_tables::COMMANDS;

    /// Everything reading the unit rooted at `root` leaves (and what replaying each account
    /// file leaves), with or without passing over inert lines.
    fn run(root: &Path, read_by_mutt: bool, pass_inert_lines: bool) -> String {
        let mut sources = Sources::new();
        let Ok(root) = sources.load(root) else { return String::new() };
        let mut interp =
            Interpreter::new(&mut sources, Some("/home/user".to_owned()), read_by_mutt);
        interp.pass_inert_lines = pass_inert_lines;
        interp.run_root(root);
        let out = &interp.out;
        let mut description = format!(
            "{:?}\n{:?}\n{:?}\n{:?}\n{:?}\n{:?}\n{:?}\n",
            out.diagnostics,
            out.secrets,
            out.hooks,
            out.account_files,
            out.commands,
            out.macros,
            interp.state.describe()
        );
        let base = interp.state.without_hooks();
        for account_file in interp.out.account_files.clone() {
            interp.state = base.clone();
            let files = interp.replay_file(account_file.file, &account_file.dir);
            description +=
                &format!("{files:?}\n{}\n{:?}\n", interp.state.describe(), interp.out.macros);
        }
        description
    }

    /// Asserts both ways of reading the unit rooted at `root` agree.
    fn assert_same(root: &Path) {
        for read_by_mutt in [false, true] {
            let passed = run(root, read_by_mutt, true);
            let read = run(root, read_by_mutt, false);
            assert_eq!(passed, read, "{}", root.display());
        }
    }

    /// Lines of every command with arguments that may or may not need the token loop.
    fn command_lines(command: &str) -> String {
        let args = [
            "",
            "index red default",
            "index,pager \\Cd half-down",
            "index red default \"~f office\"",
            "index gi \"<change-folder>=INBOX<enter>\" \"go to inbox\"",
            "'a b' c",
            "a $HOME b",
            "a `echo x` b",
            "a b; set from=x@example.org",
            "a b # comment",
            "a b#c",
            "imaps://imap.example.org/ 'set imap_pass=pw'",
            ". \"set folder=imaps://h/ smtp_url=smtps://u:pw@h/\"",
            "a \\",
            "*",
            "folder-hook",
            "acct",
            "+INBOX =Sent",
            "imap_user set from=z@example.org",
        ];
        let mut text = String::new();
        for (i, arg) in args.iter().enumerate() {
            let sep = if i % 2 == 0 { " " } else { "\t" };
            text += &format!("{command}{sep}{arg}\n  {command} {arg}\r\n");
            text += &format!("{command}#x {arg}\n{command}\"x\" {arg}\n{command};{arg}\n");
            text += "set from=u@example.org\n# a comment \\\nset imap_user=u\n\n";
        }
        text + &format!("{command} index red default")
    }

    #[test]
    fn passing_over_inert_lines_leaves_what_running_them_leaves() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("acct"), "set folder=imaps://h/\n").unwrap();
        for command in COMMANDS {
            let root = dir.path().join("muttrc");
            // Something for `unhook`, `unmailboxes` and the like to undo.
            let start = "source acct\nfolder-hook . 'set from=h@example.org'\nmailboxes +INBOX\n";
            std::fs::write(&root, format!("{start}{}", command_lines(command))).unwrap();
            assert_same(&root);
        }
    }

    #[test]
    fn passing_over_inert_lines_agrees_on_every_fixture_and_corpus_file() {
        for path in crate::fixture_and_corpus_muttrcs() {
            assert_same(&path);
        }
    }

    #[test]
    fn colour_key_and_comment_lines_are_passed_over() {
        let mut sources = Sources::new();
        let mut interp = Interpreter::new(&mut sources, None, false);
        let inert = [
            "",
            "  \t",
            "# set imap_pass=x",
            "color index red default \"~f office\"",
            "bind index,pager \\Cd half-down",
            "macro index gi \"<change-folder>=INBOX<enter>\" \"go to inbox\"",
            "uncolor index *",
            "  mono\tbody bold \"x\"",
            "charset-hook x y",
        ];
        for line in inert {
            assert!(interp.inert_line(FileId(0), 0, line), "{line:?}");
        }
        let read = [
            "set from=x",
            "color index red default \"$x\"",
            "bind index a b; set x",
            "colour index red default",
            "color\"s\" x",
            "folder-hook . 'set x'",
            "unmailboxes *",
            "lua x",
            "; color x",
        ];
        for line in read {
            assert!(!interp.inert_line(FileId(0), 0, line), "{line:?}");
        }
        let macro_line = inert[5];
        assert_eq!(interp.out.macros, [maillint_core::Span::new(FileId(0), 0, macro_line.len())]);
    }
}
