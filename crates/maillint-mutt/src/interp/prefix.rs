//! `+mailbox` and `=mailbox` expansions that NeoMutt's IMAP canonical form leaves as they
//! are, recognised without building the canonical form again.
//!
//! Expanding `+tail` gives the folder's value followed by the tail (`out`), and
//! [`url::imap_canonical`] then rebuilds the whole URL piece by piece: ~3,100 instructions
//! for each of the ~1,800 `+mailbox` expansions of the 100-home bench, nearly all of which
//! rebuild exactly `out`. The rebuilt value is the part built from the folder (scheme, user,
//! host, port, and the folder's part of the path), which depends on the folder alone,
//! followed by the tail's pieces pushed again, which land where they were. So once one plain
//! tail came back unchanged, every plain tail does, as long as:
//!
//! - the folder is the very same value (an `Arc` held here, compared by identity) and ends
//!   with `/` (no `/` is inserted between it and the tail), with no `?` (no query) and no
//!   `%` (no escape decoded) in its text, and its URL path starts inside it;
//! - the tail is not empty and holds only path characters, without `%` and `?`: the URL
//!   parses to the same scheme, user, host and port, with the path running on into the tail;
//! - `imap_fix_path` leaves the whole path as it is (checked for each tail, with the
//!   delimiter characters of the moment: they decide nothing else).

use std::sync::Arc;

use crate::state::VarValue;
use crate::text::SpannedText;
use crate::url;
use crate::vars;

use super::Interpreter;
use super::paths::FOLDER;

/// A folder whose `+tail` expansions with plain tails are their own canonical form.
pub(super) struct StablePrefix {
    /// The folder's value: held, so that a value found at the same address is this one.
    folder: Arc<VarValue>,
    /// Where the URL path starts in the folder's text.
    path_start: usize,
}

/// Whether `tail` (the text after `+` or `=`) is one the folder's URL runs on into: not
/// empty, path characters only, no escape and no query.
fn plain_tail(tail: &str) -> bool {
    !tail.is_empty() && tail.bytes().all(|b| url::is_path_byte(b) && b != b'%')
}

impl Interpreter<'_> {
    /// The folder's current value, when a file set it.
    fn folder_slot(&self) -> Option<&Arc<VarValue>> {
        self.state.slot(vars::index(FOLDER.def()?))
    }

    /// Whether `out`, the expansion of a shortcut followed by `tail`, is known to be its own
    /// IMAP canonical form with `delims` (see the module documentation).
    pub(super) fn prefix_keeps(&self, tail: &str, out: &SpannedText, delims: &str) -> bool {
        let (Some(prefix), Some(folder)) = (&self.stable_prefix, self.folder_slot()) else {
            return false;
        };
        Arc::ptr_eq(folder, &prefix.folder)
            && plain_tail(tail)
            && url::path_is_fixed(&out.as_str()[prefix.path_start..], delims)
    }

    /// Remembers the folder when `out`, the expansion of a shortcut followed by `tail`, came
    /// back from the canonical form unchanged and the folder qualifies.
    pub(super) fn remember_prefix(&mut self, tail: &str, out: &SpannedText) {
        if !self.stable_prefixes || !plain_tail(tail) {
            return;
        }
        let Some(folder) = self.folder_slot() else { return };
        let f = folder.text.as_str();
        let qualifies = f.ends_with('/')
            && !f.contains(['%', '?'])
            && out.len() == f.len() + tail.len()
            && out.as_str().starts_with(f);
        if !qualifies {
            return;
        }
        let Some(url) = url::parse(out.as_str()) else { return };
        let path_start = match (&url.host, &url.path) {
            (Some(_), Some((_, path))) if url.query.is_empty() && path.start <= f.len() => {
                path.start
            }
            _ => return,
        };
        let folder = Arc::clone(folder);
        self.stable_prefix = Some(StablePrefix { folder, path_start });
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use maillint_core::Sources;

    use crate::interp::Interpreter;

    /// Everything reading the unit rooted at `root` leaves (and what replaying each account
    /// file leaves), with or without the stable prefixes; and whether one was remembered.
    fn run(root: &Path, stable_prefixes: bool) -> (String, bool) {
        let mut sources = Sources::new();
        let Ok(root) = sources.load(root) else { return (String::new(), false) };
        let mut interp = Interpreter::new(&mut sources, Some("/home/user".to_owned()), false);
        interp.stable_prefixes = stable_prefixes;
        interp.run_root(root);
        let out = &interp.out;
        let mut description = format!(
            "{:?}\n{:?}\n{:?}\n{:?}\n{:?}\n{:?}\n",
            out.diagnostics,
            out.secrets,
            out.hooks,
            out.account_files,
            out.commands,
            interp.state.describe()
        );
        let remembered = interp.stable_prefix.is_some();
        let base = interp.state.without_hooks();
        for account_file in interp.out.account_files.clone() {
            interp.state = base.clone();
            let files = interp.replay_file(account_file.file, &account_file.dir);
            description += &format!("{files:?}\n{}\n", interp.state.describe());
        }
        (description, remembered)
    }

    /// Asserts both ways agree on the unit rooted at `root`; whether a prefix was remembered.
    fn assert_same(root: &Path) -> bool {
        let (fast, remembered) = run(root, true);
        let (slow, _) = run(root, false);
        assert_eq!(fast, slow, "{}", root.display());
        remembered
    }

    #[test]
    fn remembered_prefixes_expand_as_the_canonical_form_does() {
        let folders = [
            "imaps://imap.example.org/",
            "imaps://imap.example.org:993/",
            "IMAPS://Imap.Example.org/",
            "imap://u@h:0993/",
            "imaps://us%40er@h/",
            "imaps://u@x@h/",
            "imaps://[::1]/",
            "imaps://h/INBOX/",
            "imaps://h/a.b/",
            "imaps://h/a/",
            "imaps://h//",
            "imaps://h",
            "imaps://h/?a=b",
            "imaps://h:99999/",
            "imap://",
            "imaps:///",
            "'imaps://h/$x/'",
            "imaps://\"h\"/",
        ];
        let tails = [
            "INBOX",
            "a/b",
            "a//b",
            "a/",
            "a.b",
            ".x",
            "a..b",
            "x?y",
            "x%41",
            "\"x y\"",
            "x@y:z",
            "$my_box",
            "`cmd`",
            "'a\\b'",
            "",
            "\u{e9}t\u{e9}",
            "a;b",
            "[x]",
        ];
        let delims = [
            "",
            "set imap_delim_chars=/\n",
            "set imap_delim_chars=.\n",
            "set imap_delim_chars=\"\"\n",
        ];
        let dir = tempfile::tempdir().unwrap();
        let mut remembered = 0;
        for (i, folder) in folders.iter().enumerate() {
            for (d, delim) in delims.iter().enumerate() {
                let mut text = format!("set my_box=Lists/x\n{delim}set folder={folder}\n");
                // Later on: the same text as a new value, other delimiters, another folder.
                let other = folders[(i + d + 1) % folders.len()];
                let changes = [
                    format!("set folder={folder}\n"),
                    format!("set imap_delim_chars={}\n", [".", "/."][d % 2]),
                    format!("set folder={other}\n"),
                ];
                for (j, tail) in tails.iter().enumerate() {
                    let shortcut = if (i + j) % 2 == 0 { '+' } else { '=' };
                    text += &format!("mailboxes {shortcut}{tail}\nset record={shortcut}{tail}\n");
                    if j % 5 == 4 {
                        text += &changes[j / 5];
                    }
                }
                let account = dir.path().join("acct");
                std::fs::write(&account, &text).unwrap();
                let root = dir.path().join("muttrc");
                std::fs::write(&root, format!("{text}source acct\nset folder=imaps://o/\n"))
                    .unwrap();
                remembered += usize::from(assert_same(&root));
            }
        }
        assert!(remembered > 20, "prefixes remembered in {remembered} units");
    }

    #[test]
    fn remembered_prefixes_agree_on_every_fixture_and_corpus_file() {
        for path in crate::fixture_and_corpus_muttrcs() {
            assert_same(&path);
        }
    }
}
