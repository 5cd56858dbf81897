//! Which files are muttrc files: by name, by content, and by where they are.
//!
//! A muttrc has no header, so content detection counts commands: most logical lines (a `\\`
//! at the end of a line continues it, as NeoMutt reads it) start with a NeoMutt command. In
//! mutt's configuration folders (`.mutt/`, `.config/mutt/`, `.neomutt/`,
//! `.config/neomutt/`) a file is mutt's by where it is: one command that only a muttrc has
//! (a hook, `macro`, `color`, a known variable) is enough there.

use std::path::Path;

use maillint_core::Confidence;

use crate::vars;

/// The folder names that hold mutt's files.
const MUTT_FOLDERS: [&str; 4] = ["mutt", ".mutt", "neomutt", ".neomutt"];

/// Commands that start a line of a muttrc and of no shell script or other format.
const MUTT_ONLY_COMMANDS: [&str; 12] = [
    "macro",
    "bind",
    "color",
    "mono",
    "mailboxes",
    "named-mailboxes",
    "my_hdr",
    "auto_view",
    "alternative_order",
    "hdr_order",
    "unmailboxes",
    "sidebar_pin",
];

/// The parser's detection: by name, by content, then by location and content.
pub(crate) fn detect(path: &Path, head: &[u8]) -> Option<Confidence> {
    if detect_by_name(path) {
        return Some(Confidence::Name);
    }
    let counts = Counts::of(head);
    if counts.muttrc() || (in_mutt_folder(path) && counts.muttrc_fragment()) {
        return Some(Confidence::Content);
    }
    None
}

/// Whether the file name says muttrc: `.muttrc`, `muttrc`, `.neomuttrc`, `neomuttrc`,
/// `Muttrc` (the system file), `*.muttrc`, `*.neomuttrc`, `muttrc.*`/`neomuttrc.*` (local
/// variants such as `neomuttrc.local`), and `*.rc` or `*rc` under a `mutt`, `.mutt` or
/// `neomutt` folder.
pub fn detect_by_name(path: &Path) -> bool {
    let Some(name) = path.file_name().map(|n| n.to_string_lossy().to_ascii_lowercase()) else {
        return false;
    };
    let bare = name.trim_start_matches('.');
    if matches!(bare, "muttrc" | "neomuttrc")
        || bare.ends_with(".muttrc")
        || bare.ends_with(".neomuttrc")
        || bare.starts_with("muttrc.")
        || bare.starts_with("neomuttrc.")
        // mutt reads `~/.muttrc-<VERSION>` before `~/.muttrc` (init.c, `mutt_find_cfg`:
        // names `"muttrc-" MUTT_VERSION` then `"muttrc"`), and dotfiles keep per-host or
        // per-account files as `muttrc-<name>`.
        || bare.starts_with("muttrc-")
        || bare.starts_with("neomuttrc-")
    {
        return true;
    }
    if !name.ends_with(".rc") {
        return false;
    }
    // Only now the folders: this runs for every file a walk meets.
    path.parent().is_some_and(|p| {
        p.components().any(|c| {
            c.as_os_str()
                .to_str()
                .is_some_and(|c| MUTT_FOLDERS.iter().any(|w| c.eq_ignore_ascii_case(w)))
        })
    })
}

/// Whether a folder above the file is one of mutt's.
fn in_mutt_folder(path: &Path) -> bool {
    path.parent().is_some_and(|p| {
        p.components().any(|c| {
            c.as_os_str()
                .to_str()
                .is_some_and(|c| MUTT_FOLDERS.iter().any(|w| c.eq_ignore_ascii_case(w)))
        })
    })
}

/// Whether the text looks like a muttrc: most of its command lines start with a NeoMutt
/// command, at least two do, and at least one sets a known variable, defines a hook or sources
/// a file.
pub fn looks_like_muttrc(head: &[u8]) -> bool {
    Counts::of(head).muttrc()
}

/// What the logical lines of a file's head start with.
#[derive(Debug, Default)]
struct Counts {
    /// Logical lines that are not empty or comments.
    lines: usize,
    /// Lines that start with a NeoMutt command.
    mutt: usize,
    /// Lines that set a known variable, source a file or define a hook.
    strong: usize,
    /// Lines that start with a command only a muttrc has.
    distinctive: usize,
    /// The file starts with `#!`: a script.
    script: bool,
}

impl Counts {
    fn of(head: &[u8]) -> Counts {
        let text = maillint_core::parser::head_text(head);
        let mut counts = Counts { script: text.starts_with("#!"), ..Counts::default() };
        // The last line of `head` may be cut short.
        let complete = match text.rfind('\n') {
            Some(end) => &text[..end],
            None => &text[..],
        };
        let mut logical = String::new();
        for line in complete.lines() {
            let line = line.strip_suffix('\r').unwrap_or(line);
            // A `\` at the end continues the line (NeoMutt `mutt_file_read_line`).
            if let Some(continued) = line.strip_suffix('\\') {
                logical.push_str(continued);
                continue;
            }
            logical.push_str(line);
            counts.add(&logical);
            logical.clear();
        }
        if !logical.is_empty() {
            counts.add(&logical);
        }
        counts
    }

    fn add(&mut self, line: &str) {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            return;
        }
        self.lines += 1;
        let mut words = line.split_whitespace();
        let Some(first) = words.next() else { return };
        if !vars::is_command(first) {
            return;
        }
        match first {
            "set" | "unset" | "toggle" | "reset" => {
                let Some(second) = words.next() else { return };
                let name = second.trim_start_matches(['?', '&']);
                let name = name.split(['=', '+', '-', '?']).next().unwrap_or("");
                let known = |n: &str| vars::lookup(n).is_some() || n.starts_with("my_");
                let plain = known(name);
                let prefixed = name.strip_prefix("no").is_some_and(known)
                    || name.strip_prefix("inv").is_some_and(known);
                if plain || prefixed {
                    self.mutt += 1;
                    self.strong += 1;
                }
            }
            "source" => {
                self.mutt += 1;
                self.strong += 1;
            }
            name if name.ends_with("-hook") => {
                self.mutt += 1;
                self.strong += 1;
            }
            name => {
                self.mutt += 1;
                if MUTT_ONLY_COMMANDS.contains(&name) {
                    self.distinctive += 1;
                }
            }
        }
    }

    /// A muttrc wherever it is.
    fn muttrc(&self) -> bool {
        self.mutt >= 2 && self.strong >= 1 && self.mutt * 3 >= self.lines * 2
    }

    /// A part of a muttrc, for a file in mutt's folders: one line that only a muttrc has.
    fn muttrc_fragment(&self) -> bool {
        !self.script && self.strong + self.distinctive >= 1 && self.mutt * 3 >= self.lines * 2
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detection_by_name() {
        for path in [
            "/home/u/.muttrc",
            "/home/u/.config/neomutt/neomuttrc",
            "/etc/Muttrc",
            "/x/work.muttrc",
            "/x/.config/mutt/accounts/gmail.rc",
            "/x/neomuttrc.local.work",
            "/home/u/.muttrc-2.2.9",
            "/home/u/.mutt/muttrc-work",
        ] {
            assert!(detect_by_name(Path::new(path)), "{path}");
        }
        for path in
            ["/x/prefs.js", "/x/.config/mutt/colors", "/x/project/build.rc", "/x/muttrc_notes"]
        {
            assert!(!detect_by_name(Path::new(path)), "{path}");
        }
    }

    #[test]
    fn detection_by_content() {
        assert!(looks_like_muttrc(
            b"# mail\nset folder=imaps://x/\nset imap_user=me\nmacro index x y\n"
        ));
        assert!(!looks_like_muttrc(b"#!/bin/sh\nset -e\necho hi\nset -u\n"));
        assert!(!looks_like_muttrc(b"user_pref(\"a\", 1);\n"));
        assert!(!looks_like_muttrc(b"set imap_user=me\n"), "one line is not enough");
    }
}
