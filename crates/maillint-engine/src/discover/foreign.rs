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

/// [`FOREIGN_EXTENSIONS`] packed as numbers ([`packed`]), in the same (sorted) order: a
/// binary search over them compares one number a step, where comparing byte slices called
/// `memcmp` (420 instructions a file name, for every file a walk meets).
static PACKED: [u64; FOREIGN_EXTENSIONS.len()] = {
    let mut packed_all = [0; FOREIGN_EXTENSIONS.len()];
    let mut i = 0;
    while i < packed_all.len() {
        packed_all[i] = packed(FOREIGN_EXTENSIONS[i]);
        i += 1;
    }
    packed_all
};

/// An extension of at most [`LONGEST`] bytes as a number: its bytes in ASCII lower case, first
/// byte highest, then its length, so that numbers sort as the extensions do and no two
/// extensions share one.
const fn packed(extension: &[u8]) -> u64 {
    let mut number = 0u64;
    let mut i = 0;
    while i < LONGEST {
        let byte = if i < extension.len() { extension[i].to_ascii_lowercase() } else { 0 };
        number = number << 8 | byte as u64;
        i += 1;
    }
    number << 8 | extension.len() as u64
}

/// Whether a file called `name` holds another format by its extension: the text after the
/// last `.`, compared without regard to ASCII case. A name that is only an extension
/// (`.json`) or has none is not foreign.
pub(crate) fn names_another_format(name: &[u8]) -> bool {
    let Some(dot) = name.iter().rposition(|&b| b == b'.') else { return false };
    let extension = &name[dot + 1..];
    if dot == 0 || extension.is_empty() || extension.len() > LONGEST {
        return false;
    }
    PACKED.binary_search(&packed(extension)).is_ok()
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
        assert!(PACKED.windows(2).all(|pair| pair[0] < pair[1]), "packed in the same order");
    }

    /// The packed search answers as a search of the lower-cased bytes would, for every
    /// extension listed, in any case, cut short or lengthened by a byte.
    #[test]
    fn the_packed_search_is_the_byte_search() {
        let by_bytes = |extension: &[u8]| {
            FOREIGN_EXTENSIONS.binary_search(&&*extension.to_ascii_lowercase()).is_ok()
        };
        let mut asked = 0;
        for listed in FOREIGN_EXTENSIONS {
            let upper = listed.to_ascii_uppercase();
            let mut variants = vec![listed.to_vec(), upper, listed[..listed.len() - 1].to_vec()];
            for extra in [b'\0', b'a', b'z', 0xFF] {
                variants.push([*listed, &[extra][..]].concat());
                variants.push([&[extra][..], *listed].concat());
            }
            for extension in variants.into_iter().filter(|e| !e.is_empty() && e.len() <= LONGEST) {
                let name = [b"file.", &extension[..]].concat();
                assert_eq!(names_another_format(&name), by_bytes(&extension), "{extension:?}");
                asked += 1;
            }
        }
        assert!(asked > 500);
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
