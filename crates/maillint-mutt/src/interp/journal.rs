//! What a sourced file did to the configuration the first time it was read, so that the
//! account built from it does not read and run it a second time.
//!
//! maillint builds an account file's account by running the file again on the final
//! configuration ([`Interpreter::replay_file`]). When the file sources nothing, uses no `my_`
//! variable, runs no hook and reads no variable whose value differs between the two runs, the
//! second run assigns exactly what the first assigned: the same values, made by copies of the
//! same commands. A [`Journal`] records that while the file is first read; the replay checks
//! the variables it read and applies the journal instead of the file. Anything the journal
//! cannot vouch for (a `source`, a `my_` variable, `reset all`, `unmailboxes`, an account-hook
//! run at start-up) taints it, and the file is run again as before.

use std::ops::Range;
use std::sync::Arc;

use maillint_core::FileId;

use super::Interpreter;
use crate::state::{Assignment, MailboxEntry, State, VarValue};
use crate::vars::{self, VarDef};

/// What one run of a file did, recorded while it ran.
pub(super) struct Journal {
    file: FileId,
    /// Something the journal cannot replay happened.
    tainted: bool,
    /// The variables the file assigned (by [`vars::index`]), in the order first assigned.
    written: Vec<usize>,
    /// The variables the file read before assigning them, with the value it saw (`None`: the
    /// default): the replay is exact only where the configuration still holds these values.
    reads: Vec<(usize, Option<Arc<VarValue>>)>,
    /// The mailboxes the file added, in order.
    mailboxes: Vec<Arc<MailboxEntry>>,
    /// The `set`-family commands the file ran: a range of the interpreter's command list.
    commands: Range<usize>,
    /// The value each written variable had when the file ended (same order as `written`).
    finals: Vec<Arc<VarValue>>,
}

impl Journal {
    fn new(file: FileId, first_command: usize) -> Self {
        Journal {
            file,
            tainted: false,
            written: Vec::new(),
            reads: Vec::new(),
            mailboxes: Vec::new(),
            commands: first_command..first_command,
            finals: Vec::new(),
        }
    }

    /// Whether the journal can stand for a run on `state`: every variable the file read
    /// from outside still holds the very value it read (the same shared value, or the default).
    fn holds_on(&self, state: &State) -> bool {
        self.reads.iter().all(|(index, seen)| match (state.slot(*index), seen) {
            (None, None) => true,
            (Some(now), Some(seen)) => Arc::ptr_eq(now, seen),
            _ => false,
        })
    }
}

impl Interpreter<'_> {
    /// Starts recording a file's first run. A file that sources another taints the
    /// journal of the file that sourced it (see [`Interpreter::taint_journal`]).
    pub(super) fn start_journal(&mut self, file: FileId) {
        self.taint_journal();
        let first_command = self.out.commands.len();
        self.journals.push(Journal::new(file, first_command));
    }

    /// Ends the recording of the file started last and keeps it when it is usable.
    pub(super) fn finish_journal(&mut self) {
        let Some(mut journal) = self.journals.pop() else { return };
        if journal.tainted {
            return;
        }
        journal.commands.end = self.out.commands.len();
        let commands = journal.commands.clone();
        let finals = journal.written.iter().map(|&index| self.state.slot(index).cloned());
        match finals.collect::<Option<Vec<_>>>() {
            Some(finals) => journal.finals = finals,
            None => return,
        }
        // Every assignment the file made is one of its own commands (it ran nothing else).
        let own = |value: &Arc<VarValue>| {
            value.assignment.as_ref().is_none_or(|a| commands.contains(&a.command))
        };
        if !journal.finals.iter().all(own) {
            return;
        }
        self.recorded.push(journal);
    }

    /// The file being recorded did something the journal cannot replay.
    pub(super) fn taint_journal(&mut self) {
        if let Some(journal) = self.journals.last_mut() {
            journal.tainted = true;
        }
    }

    /// The file being recorded reads `def`'s value.
    pub(super) fn note_read(&mut self, def: &'static VarDef) {
        let Some(journal) = self.journals.last_mut() else { return };
        let index = vars::index(def);
        if !journal.written.contains(&index) && !journal.reads.iter().any(|(i, _)| *i == index) {
            journal.reads.push((index, self.state.slot(index).cloned()));
        }
    }

    /// The file being recorded reads a variable the code names (if it is one).
    pub(super) fn note_read_known(&mut self, known: &vars::Known) {
        if !self.journals.is_empty()
            && let Some(def) = known.def()
        {
            self.note_read(def);
        }
    }

    /// Stores a variable's new value; the journal notes the variable. Inlined: see
    /// [`State::set`].
    #[inline(always)]
    pub(super) fn set_var(&mut self, def: &'static VarDef, value: VarValue) {
        if let Some(journal) = self.journals.last_mut() {
            let index = vars::index(def);
            if !journal.written.contains(&index) {
                journal.written.push(index);
            }
        }
        self.state.set(def, value);
    }

    /// Adds a mailbox; the journal notes it.
    pub(super) fn add_mailbox(&mut self, entry: MailboxEntry) {
        let entry = Arc::new(entry);
        if let Some(journal) = self.journals.last_mut() {
            journal.mailboxes.push(Arc::clone(&entry));
        }
        Arc::make_mut(&mut self.state.mailboxes).push(entry);
    }

    /// Applies what `file` did on its first run to the current state, as running it again
    /// quietly would: `false` (and nothing changed) when no journal can stand for that run.
    pub(super) fn replay_journal(&mut self, file: FileId) -> bool {
        let Some(at) = self.recorded.iter().position(|j| j.file == file) else { return false };
        if !self.recorded[at].holds_on(&self.state) {
            return false;
        }
        let journal = &self.recorded[at];
        // The run again would append copies of the file's commands: its assignments point
        // at those copies, as they would have.
        let offset = self.out.commands.copy_range(journal.commands.clone());
        for (&index, value) in journal.written.iter().zip(&journal.finals) {
            let value = VarValue {
                text: value.text.clone(),
                written: value.written.clone(),
                assignment: value.assignment.as_ref().map(|a| {
                    let command = a.command - journal.commands.start + offset;
                    Assignment { command, ..*a }
                }),
            };
            self.state.set(vars::by_index(index), value);
        }
        if !journal.mailboxes.is_empty() {
            Arc::make_mut(&mut self.state.mailboxes).extend(journal.mailboxes.iter().cloned());
        }
        true
    }
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    use maillint_core::Sources;

    use super::*;
    use crate::state::Commands;

    /// Everything a replay leaves behind, with command numbers made relative to the copies the
    /// replay appended (each way appends its own).
    fn describe(state: &State, commands: &Commands, first_copy: usize, files: &[FileId]) -> String {
        let mut out = format!("files {files:?}\n");
        for (name, value) in state.assigned() {
            let command = value.assignment.as_ref().map(|a| {
                let info = commands.get(a.command);
                let names = commands.names(a.command);
                let own = a.command.checked_sub(first_copy);
                (own, info.command, info.word, names.to_vec())
            });
            let assignment = value.assignment.as_ref().map(|a| Assignment { command: 0, ..*a });
            out += &format!(
                "{name} {:?} {:?} {assignment:?} {command:?}\n",
                value.text, value.written
            );
        }
        out + &format!("{:?}\n", state.mailboxes)
    }

    /// Replays every account file of the unit rooted at `root` with and without its journal,
    /// asserts both leave the same state; returns how many replays the journal stood for.
    fn replays_agree(root: &Path) -> usize {
        let mut sources = Sources::new();
        let Ok(root) = sources.load(root) else { return 0 };
        let mut interp = Interpreter::new(&mut sources, Some("/home/user".to_owned()), false);
        interp.run_root(root);
        let base = interp.state.without_hooks();
        let mut journalled = 0;
        for account_file in interp.out.account_files.clone() {
            let (file, dir) = (account_file.file, account_file.dir);
            journalled +=
                usize::from(interp.recorded.iter().any(|j| j.file == file && j.holds_on(&base)));
            interp.state = base.clone();
            let first = interp.out.commands.len();
            let files = interp.replay_file(file, &dir);
            let fast = describe(&interp.state, &interp.out.commands, first, &files);
            interp.state = base.clone();
            let recorded = std::mem::take(&mut interp.recorded);
            let first = interp.out.commands.len();
            let files = interp.replay_file(file, &dir);
            let slow = describe(&interp.state, &interp.out.commands, first, &files);
            interp.recorded = recorded;
            assert_eq!(fast, slow, "{}", dir.display());
        }
        journalled
    }

    fn write(dir: &Path, files: &[(&str, &str)]) -> PathBuf {
        for (name, text) in files {
            std::fs::write(dir.join(name), text).unwrap();
        }
        dir.join(files[0].0)
    }

    #[test]
    fn a_journal_replays_what_running_the_file_again_does() {
        let dir = tempfile::tempdir().unwrap();
        let account = "set folder=imaps://imap.example.org/\nset spoolfile=+INBOX\n\
                       mailboxes +INBOX =Sent\nset imap_user=me ssl_force_tls\n\
                       unset ssl_starttls ssl_verify_host\n\
                       set smtp_url=smtps://me:pw@smtp.example.org/\n";
        let root = write(dir.path(), &[("muttrc", "source acct\n"), ("acct", account)]);
        assert_eq!(replays_agree(&root), 1, "a file that reads only what it wrote is journalled");
    }

    #[test]
    fn a_file_that_read_a_value_changed_later_is_run_again() {
        let dir = tempfile::tempdir().unwrap();
        // `+INBOX` reads the root's `folder`, set after the account file; `$imap_user` reads a
        // value the root changes after it; `toggle` and `<x` read values before the file sets
        // them (run again, they read the values the file set).
        let root = "set imap_user=a ssl_verify_dates\nsource acct\n\
                    set folder=imaps://imap.example.org/ imap_user=b nossl_verify_dates\n";
        let account = "set spoolfile=+INBOX smtp_user=$imap_user from=x@example.org\n\
                       toggle ssl_verify_dates\nmailboxes +Sent\nset postponed=<x record=y\n";
        let root = write(dir.path(), &[("muttrc", root), ("acct", account)]);
        assert_eq!(replays_agree(&root), 0, "the values it read changed: no journal stands");
    }

    #[test]
    fn my_variables_sources_and_start_up_hooks_taint_a_journal() {
        let dir = tempfile::tempdir().unwrap();
        let root = "account-hook . 'set imap_pass=hook'\nsource a1\nsource a2\nsource a3\n";
        let files = [
            ("muttrc", root),
            ("a1", "set my_u=me\nset imap_user=$my_u folder=imaps://h1/\n"),
            ("a2", "set folder=imaps://h2/\nsource a2more\n"),
            ("a2more", "set ssl_force_tls\n"),
            ("a3", "set folder=imaps://h3/ imap_user=x\nmailboxes imaps://h3/INBOX\n"),
        ];
        let root = write(dir.path(), &files);
        assert_eq!(replays_agree(&root), 0);
    }

    #[test]
    fn journals_agree_with_a_second_run_on_every_fixture_and_corpus_file() {
        for path in crate::fixture_and_corpus_muttrcs() {
            replays_agree(&path);
        }
    }
}
