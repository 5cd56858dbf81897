//! Provider data packs: the user's own provider files, in the format of the repository's
//! `rules/providers/*.toml` ([`maillint_core::Provider`]).
//!
//! An organisation describes its own mail hosts this way (`mail.corp.example` on 993, the SMTP
//! relay, the domains they live under), and the built-in host rules (`wrong-provider-host`,
//! `lookalike-host`) then protect its users as they protect Gmail's. A provider with the id of
//! a built-in one replaces it.

use std::path::Path;

use maillint_core::providers::ProviderError;
use maillint_core::{Provider, ProviderDb};

/// Reads one provider file: one provider, or several as `[[provider]]` tables. Errors carry
/// the file, line and column. This is the loader the built-in data goes through too
/// ([`ProviderDb::load_file`], [`ProviderDb::parse_many`]).
pub fn load_provider_file(path: &Path) -> Result<Vec<Provider>, ProviderError> {
    ProviderDb::load_file(path)
}

/// Reads provider files and adds them to `db`, in order (a later file with the same id wins).
pub fn add_provider_files(
    db: &mut ProviderDb,
    paths: &[impl AsRef<Path>],
) -> Result<(), ProviderError> {
    for path in paths {
        db.extend(load_provider_file(path.as_ref())?);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_user_provider_joins_the_database_and_errors_have_line_and_column() {
        let dir = tempfile::tempdir().unwrap();
        let good = dir.path().join("corp.toml");
        std::fs::write(
            &good,
            "id = \"corp\"\nname = \"Corp\"\nmail-domains = [\"corp.example\"]\nhost-domains = [\"corp.example\"]\n\n[[server]]\nprotocol = \"imap\"\nhost = \"mail.corp.example\"\nport = 993\nsecurity = \"implicit-tls\"\n",
        )
        .unwrap();
        let mut db = ProviderDb::new();
        add_provider_files(&mut db, &[&good]).unwrap();
        assert_eq!(db.by_mail_domain("corp.example").unwrap().id, "corp");
        assert!(db.is_known_host("MAIL.corp.example."));

        let bad = dir.path().join("bad.toml");
        std::fs::write(&bad, "id = \"x\"\nname = \"X\"\n[[server]]\nprotocol = \"imap\"\nhost = \"h\"\nport = 99999\nsecurity = \"implicit-tls\"\n").unwrap();
        let err = load_provider_file(&bad).unwrap_err();
        assert_eq!((err.line, err.column), (Some(6), Some(8)));
        assert!(err.to_string().contains("bad.toml:6:8"), "{err}");
        let missing = load_provider_file(&dir.path().join("nope.toml")).unwrap_err();
        assert!(missing.message.contains("cannot read"), "{missing}");
    }
}
