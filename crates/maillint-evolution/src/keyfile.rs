//! One `.source` file as evolution-data-server reads it: a GLib key file (`GKeyFile`) whose
//! groups are the source's extensions (`[Data Source]`, `[Mail Account]`, `[Authentication]`,
//! `[Security]`, ...), looked up by group and key with the span of every value.

use std::path::Path;
use std::sync::Arc;

use maillint_core::ini::{IniDialect, IniFile, IniToken};
use maillint_core::{FileId, SourceFile, Span};

/// The main group every source has (`E_SOURCE_EXTENSION`-less keys of `ESource`:
/// `DisplayName`, `Enabled`, `Parent`; `src/libedataserver/e-source.c`, `PRIMARY_GROUP_NAME`).
pub const DATA_SOURCE: &str = "Data Source";
/// `E_SOURCE_EXTENSION_MAIL_ACCOUNT` (`e-source-mail-account.h`).
pub const MAIL_ACCOUNT: &str = "Mail Account";
/// `E_SOURCE_EXTENSION_MAIL_IDENTITY` (`e-source-mail-identity.h`).
pub const MAIL_IDENTITY: &str = "Mail Identity";
/// `E_SOURCE_EXTENSION_MAIL_SUBMISSION` (`e-source-mail-submission.h`).
pub const MAIL_SUBMISSION: &str = "Mail Submission";
/// `E_SOURCE_EXTENSION_MAIL_TRANSPORT` (`e-source-mail-transport.h`).
pub const MAIL_TRANSPORT: &str = "Mail Transport";
/// `E_SOURCE_EXTENSION_AUTHENTICATION` (`e-source-authentication.h`).
pub const AUTHENTICATION: &str = "Authentication";
/// `E_SOURCE_EXTENSION_SECURITY` (`e-source-security.h`).
pub const SECURITY: &str = "Security";

/// A `.source` file with its groups indexed.
pub struct KeyFile(pub IniFile);

impl KeyFile {
    pub fn new(file: FileId, source: Arc<SourceFile>) -> Self {
        KeyFile(IniFile::new(file, source, IniDialect::GKEYFILE))
    }

    pub fn file(&self) -> FileId {
        self.0.file
    }

    pub fn path(&self) -> &Path {
        self.0.source.path()
    }

    /// The source's uid: its file name without `.source` (`e_server_side_source_new_user_file`
    /// names the file `<uid>.source`, and the uid is taken back from the name when the
    /// registry loads it; `src/libebackend/e-server-side-source.c`).
    pub fn uid(&self) -> Option<&str> {
        self.path().file_name()?.to_str()?.strip_suffix(".source")
    }

    pub fn has_group(&self, group: &str) -> bool {
        self.0.doc.has_group(group)
    }

    /// The value of `key` in `group` (the last one written), trimmed, with its span.
    pub fn value(&self, group: &str, key: &str) -> Option<(&str, Span)> {
        self.0.value(Some(group), key)
    }

    /// A value that is written and not empty (GKeyFile's empty string is the property's
    /// `NULL` for these settings).
    pub fn non_empty(&self, group: &str, key: &str) -> Option<(&str, Span)> {
        self.value(group, key).filter(|(value, _)| !value.is_empty())
    }

    /// Where a key of `group` would be written: after its header, or at the end of the file.
    pub fn insert_at(&self, group: &str) -> Span {
        self.0.insert_at(group)
    }

    /// The whole file.
    pub fn whole(&self) -> Span {
        self.0.whole()
    }

    /// Lines GKeyFile refuses (no `=`, an unclosed `[`), and entries before the first group:
    /// `g_key_file_load_from_data` fails on each, and the registry then skips the whole file.
    pub fn invalid_lines(&self) -> Vec<(Span, &'static str)> {
        let mut seen_group = false;
        let mut invalid = Vec::new();
        for token in self.0.doc.tokens() {
            match token {
                IniToken::Section { .. } => seen_group = true,
                IniToken::Invalid(range) => invalid.push((
                    self.0.span(range.clone()),
                    "not a key file line (no `=` and not a `[group]` header)",
                )),
                IniToken::Entry { line, .. } if !seen_group => invalid
                    .push((self.0.span(line.clone()), "a key before the first `[group]` header")),
                IniToken::Entry { .. } | IniToken::Comment(_) => {}
            }
        }
        invalid
    }
}

/// Whether `uid` can name a sibling file: evolution-data-server builds the file name as
/// `<uid>.source` in the sources folder, so a uid with a path separator, a `..` or a NUL
/// names nothing the registry would have written (and must not lead the read elsewhere).
pub fn is_plain_uid(uid: &str) -> bool {
    !uid.is_empty()
        && uid != "."
        && uid != ".."
        && !uid.contains(['/', '\\', '\0'])
        && Path::new(uid).components().count() == 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_uids_only() {
        for uid in ["1234.5678.1@host", "abc-def", "system-proxy"] {
            assert!(is_plain_uid(uid), "{uid}");
        }
        for uid in ["", ".", "..", "../x", "a/b", "a\\b", "/etc/passwd", "a\0b"] {
            assert!(!is_plain_uid(uid), "{uid:?}");
        }
    }
}
