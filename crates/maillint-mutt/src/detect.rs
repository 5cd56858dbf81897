//! Which files are muttrc files: by name, by content, and by where they are.
//!
//! A muttrc has no header, so content detection counts commands: most logical lines (a `\\`
//! at the end of a line continues it, as NeoMutt reads it) start with a NeoMutt command. In
//! mutt's configuration folders (`.mutt/`, `.config/mutt/`, `.neomutt/`,
//! `.config/neomutt/`) a file is mutt's by where it is: one command that only a muttrc has
//! (a hook, `macro`, `color`, a known variable) is enough there.

use std::path::Path;

use maillint_core::Confidence;
use maillint_core::parser::HeadNeedle;

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
    let in_folder = in_mutt_folder(path);
    if !in_folder && !may_have_strong_line(head) {
        return None;
    }
    let counts = Counts::of(head);
    if counts.muttrc() || (in_folder && counts.muttrc_fragment()) {
        return Some(Confidence::Content);
    }
    None
}

/// Whether `head` may hold a line that [`Counts`] counts as strong, without which no file is a
/// muttrc outside mutt's folders: such a line starts with `set` (also in `unset`, `reset`),
/// `toggle`, `source` or a `…-hook` command, or is joined from lines cut by a `\` at their
/// end. Most files a walk meets have none of these, and a few vectorised searches rule them out
/// at a tenth of the cost of counting their lines. The answer on the raw bytes holds for the
/// text [`Counts`] reads, which keeps every ASCII byte.
fn may_have_strong_line(head: &[u8]) -> bool {
    static SIGNS: [HeadNeedle; 6] = [
        HeadNeedle::new("set"),
        HeadNeedle::new("toggle"),
        HeadNeedle::new("source"),
        HeadNeedle::new("-hook"),
        HeadNeedle::new("\\\n"),
        HeadNeedle::new("\\\r"),
    ];
    SIGNS.iter().any(|sign| sign.is_in(head))
}

/// Whether the file name says muttrc: `.muttrc`, `muttrc`, `.neomuttrc`, `neomuttrc`,
/// `Muttrc` (the system file), `*.muttrc`, `*.neomuttrc`, `muttrc.*`/`neomuttrc.*` (local
/// variants such as `neomuttrc.local`), and `*.rc` or `*rc` under a `mutt`, `.mutt` or
/// `neomutt` folder.
pub fn detect_by_name(path: &Path) -> bool {
    // The name's bytes, compared without regard to ASCII case: this runs for every file a walk
    // meets, and a lower-cased copy of each name cost an allocation. Every text compared is
    // ASCII, so a name that is not UTF-8 compares as its lossy decoding would.
    let Some(name) = maillint_core::parser::file_name(path).map(|n| n.as_encoded_bytes()) else {
        return false;
    };
    let bare = &name[name.iter().take_while(|&&b| b == b'.').count()..];
    let is = |text: &str| bare.eq_ignore_ascii_case(text.as_bytes());
    let starts = |text: &str| {
        bare.get(..text.len()).is_some_and(|b| b.eq_ignore_ascii_case(text.as_bytes()))
    };
    let ends = |name: &[u8], text: &str| {
        name.len() >= text.len()
            && name[name.len() - text.len()..].eq_ignore_ascii_case(text.as_bytes())
    };
    if is("muttrc")
        || is("neomuttrc")
        || ends(bare, ".muttrc")
        || ends(bare, ".neomuttrc")
        || starts("muttrc.")
        || starts("neomuttrc.")
        // mutt reads `~/.muttrc-<VERSION>` before `~/.muttrc` (init.c, `mutt_find_cfg`:
        // names `"muttrc-" MUTT_VERSION` then `"muttrc"`), and dotfiles keep per-host or
        // per-account files as `muttrc-<name>`.
        || starts("muttrc-")
        || starts("neomuttrc-")
    {
        return true;
    }
    if !ends(name, ".rc") {
        return false;
    }
    // Only now the folders: this runs for every file a walk meets.
    in_mutt_folder(path)
}

/// Whether a folder above the file is one of mutt's.
///
/// Asked of every file a walk meets: the folders' bytes
/// ([`folders_and_name`](maillint_core::parser::folders_and_name)) split at each `/` hold the
/// components `Path` would give, plus empty and `.` pieces, which name no mutt folder; `Path`'s
/// parsing of each component cost about a thousand instructions a file.
fn in_mutt_folder(path: &Path) -> bool {
    let is_mutt_folder =
        |folder: &[u8]| MUTT_FOLDERS.iter().any(|w| folder.eq_ignore_ascii_case(w.as_bytes()));
    if let Some((folders, _)) = maillint_core::parser::folders_and_name(path) {
        return folders.split(|&b| b == b'/').any(is_mutt_folder);
    }
    in_mutt_folder_by_components(path)
}

/// [`in_mutt_folder`] through `Path`'s components.
fn in_mutt_folder_by_components(path: &Path) -> bool {
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
    fn mutt_folders_are_found_in_the_bytes_as_in_the_components() {
        for path in [
            "/home/ann/.mutt/accounts/work",
            "/home/ann/.config/neomutt/x.rc",
            "/home/ann/.config/NeoMutt/x",
            "/home/ann/mutt",
            "mutt/x",
            "mutt",
            "/mutt/",
            "/a/mutt/.",
            "/a/mutt/..",
            "./mutt/./x",
            "a//.mutt//x",
            "/muttx/x",
            "/home/ann/.mutt.bak/x",
            "",
            "/",
        ] {
            let path = Path::new(path);
            assert_eq!(in_mutt_folder(path), in_mutt_folder_by_components(path), "{path:?}");
        }
    }

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
        // Any case; dots before the name are not part of it.
        for path in ["/h/..MUTTRC", "/h/Work.MuttRC", "/h/NeoMuttrc-home", "/h/.mutt/Keys.RC"] {
            assert!(detect_by_name(Path::new(path)), "{path}");
        }
        for path in ["/h/muttr", "/h/.rc", "/h/xmuttrc", "/h/muttrc_x", "/", "/h/rc"] {
            assert!(!detect_by_name(Path::new(path)), "{path}");
        }
    }

    /// The detection without the quick rejection, as it was before it.
    fn detect_by_counting(path: &Path, head: &[u8]) -> Option<Confidence> {
        if detect_by_name(path) {
            return Some(Confidence::Name);
        }
        let counts = Counts::of(head);
        let content = counts.muttrc() || (in_mutt_folder(path) && counts.muttrc_fragment());
        content.then_some(Confidence::Content)
    }

    #[test]
    fn the_quick_rejection_never_changes_the_answer() {
        let heads: [&[u8]; 12] = [
            b"set imap_user=me\nset folder=imaps://x/\n",
            b"se\\\nt imap_user=me\nmacro index x y\n",
            b"se\\\r\nt imap_user=me\nbind pager j next-line\n",
            b"toggle sidebar_visible\ntoggle markers\n",
            b"source ~/.mutt/a\nsource ~/.mutt/b\n",
            b"folder-hook . 'x'\nsend-hook . 'y'\n",
            b"unset imap_pass\nreset smtp_url\n",
            b"macro index x y\nbind pager j next-line\n",
            b"color normal white default\n",
            b"Dear diary,\nnothing to see.\n",
            b"#!/bin/sh\nset -e\n",
            b"\xff\xfeset imap_user=me\nset folder=x\n",
        ];
        for head in heads {
            for path in ["/h/notes.txt", "/h/.mutt/colors", "/h/.config/neomutt/keys"] {
                let path = Path::new(path);
                assert_eq!(detect(path, head), detect_by_counting(path, head), "{path:?} {head:?}");
            }
        }
        // Lines joined by a `\\` at their end are what NeoMutt reads: a muttrc anywhere.
        for head in [
            &b"se\\\nt imap_user=me\nmacro index x y\n"[..],
            b"se\\\r\nt imap_user=me\nbind a b c\n",
        ] {
            assert_eq!(detect(Path::new("/h/notes.txt"), head), Some(Confidence::Content));
        }
        // The rejection itself: no sign, nothing counted.
        assert!(!may_have_strong_line(b"macro index x y\nbind pager j next-line\n"));
        assert!(may_have_strong_line(b"se\\\nt x"));
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
