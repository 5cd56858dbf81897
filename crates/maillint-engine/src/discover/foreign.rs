//! Files a walk offers to the parsers by name only: those whose extension names a format that
//! is never a mail client's configuration.
//!
//! A walk reads the first bytes of every other file it meets, because a muttrc, an msmtprc or a
//! registry export may have any name (`work.rc`, `mail.conf`, `msmtprc.j2`, `outlook.txt`). But
//! no mail client reads its settings from a picture, an archive, a database, a document, a web
//! page, a log, JSON or program source, and a home or a dotfiles repository is mostly such
//! files (a Thunderbird profile alone holds dozens of `.sqlite`, `.json` and `.msf` files). Each
//! costs a walk four or five system calls to sniff (`fstatat` as root, `openat`, `fstat`,
//! `read`, `close`): on the benchmark's homes, where two files in three are of these kinds,
//! that was a sixth of `check`'s system calls. ripgrep's `--type` and ruff's file selection
//! skip files by extension for the same reason.
//!
//! Such a file is still offered to the parsers, with an empty head: a parser that knows the
//! name (a plugin that reads `*.json`) still claims it. Only content detection, which needs
//! bytes, does not see it. A file named on the command line is always read, whatever its name.
//!
//! `.js` is not in the list (`prefs.js`, `user.js`), nor `.txt`, `.conf`, `.cfg`, `.ini`,
//! `.xml`, `.sh` or any template extension (`.j2`, `.m4`, `.tmpl`): configuration is kept under
//! such names (see the corpus's `MANIFEST.tsv`).

/// Extensions, lower case, of formats that never hold a mail client's configuration, sorted
/// for a binary search.
const FOREIGN_EXTENSIONS: &[&[u8]] = &[
    b"7z", b"a", b"apk", b"avi", b"bmp", b"bz2", b"c", b"cc", b"class", b"cpp", b"css", b"csv",
    b"deb", b"dll", b"dmg", b"doc", b"docx", b"epub", b"exe", b"flac", b"gif", b"go", b"gz", b"h",
    b"heic", b"hpp", b"htm", b"html", b"ico", b"iso", b"jar", b"java", b"jpeg", b"jpg", b"json",
    b"jsonlz4", b"jsx", b"kt", b"log", b"lz4", b"m4a", b"m4v", b"md", b"mkv", b"mov", b"mozlz4",
    b"mp3", b"mp4", b"msf", b"o", b"odp", b"ods", b"odt", b"ogg", b"opus", b"otf", b"pdf", b"png",
    b"ppt", b"pptx", b"psd", b"py", b"pyc", b"rar", b"rpm", b"rs", b"rtf", b"so", b"sqlite",
    b"sqlite3", b"svg", b"tar", b"tgz", b"tif", b"tiff", b"ts", b"tsv", b"tsx", b"ttf", b"wasm",
    b"wav", b"webm", b"webp", b"woff", b"woff2", b"xls", b"xlsx", b"xz", b"zip", b"zst",
];

/// The longest extension in [`FOREIGN_EXTENSIONS`]: a longer one is not looked up.
const LONGEST: usize = 7;

/// Whether a file called `name` holds another format by its extension: the text after the
/// last `.`, compared without regard to ASCII case. A name that is only an extension
/// (`.json`) or has none is not foreign.
pub(crate) fn names_another_format(name: &[u8]) -> bool {
    let Some(dot) = name.iter().rposition(|&b| b == b'.') else { return false };
    let extension = &name[dot + 1..];
    if dot == 0 || extension.is_empty() || extension.len() > LONGEST {
        return false;
    }
    let mut lower = [0u8; LONGEST];
    let lower = &mut lower[..extension.len()];
    lower.copy_from_slice(extension);
    lower.make_ascii_lowercase();
    FOREIGN_EXTENSIONS.binary_search(&&*lower).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_list_is_sorted_lower_case_and_within_the_longest() {
        assert!(FOREIGN_EXTENSIONS.windows(2).all(|pair| pair[0] < pair[1]));
        for extension in FOREIGN_EXTENSIONS {
            assert!(extension.len() <= LONGEST && !extension.is_empty());
            assert_eq!(extension.to_ascii_lowercase(), *extension);
        }
        assert!(FOREIGN_EXTENSIONS.iter().any(|e| e.len() == LONGEST));
    }

    #[test]
    fn foreign_by_the_last_extension_in_any_case() {
        for name in ["notes.md", "photo.JPG", "places.sqlite", "x.tar.gz", "INBOX.msf", "a.Json"] {
            assert!(names_another_format(name.as_bytes()), "{name}");
        }
        // Configuration names, templates of it, and names that are only an extension.
        for name in [
            "prefs.js",
            "user.js",
            "muttrc",
            ".muttrc",
            "msmtprc.j2",
            "muttrc.m4",
            "mail.conf",
            "accounts.conf",
            "outlook.reg",
            "x.prf",
            "config.toml",
            "profiles.ini",
            "a.txt",
            ".json",
            "json",
            "md.",
            "x.json.bak",
            "x.verylongext",
            "config-v1.1.xml",
        ] {
            assert!(!names_another_format(name.as_bytes()), "{name}");
        }
    }

    /// No file of the corpus of real configuration has a foreign extension: each would have
    /// been found by its content before and would be lost now.
    #[test]
    fn no_corpus_file_is_foreign() {
        let Some(corpus) = maillint_core::testing::corpus_dir(env!("CARGO_MANIFEST_DIR"), "")
        else {
            return;
        };
        // The configuration files sit in one folder per format; `MANIFEST.tsv` and
        // `README.md` beside those folders describe them.
        let files: Vec<_> = maillint_core::testing::files_under(&corpus)
            .into_iter()
            .filter(|file| file.parent() != Some(corpus.as_path()))
            .collect();
        for file in &files {
            let name = file.file_name().unwrap_or_default();
            assert!(!names_another_format(name.as_encoded_bytes()), "{}", file.display());
        }
        let seen = files.len();
        assert!(seen > 100, "only {seen} corpus files");
    }
}
