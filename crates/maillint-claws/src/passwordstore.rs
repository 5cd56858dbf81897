//! `passwordstorerc` as `passwd_store_read_config` reads it (`src/passwordstore.c`): a line
//! `[<type>:<name>]` starts a block (`[account:<n>]` for an account), and in a block a line
//! `<id> <password>` (exactly two words) is a password, `recv` for the receive server and `send`
//! for SMTP (`PWS_ACCOUNT_RECV`, `PWS_ACCOUNT_SEND`, `src/passwordstore.h`).
//!
//! The passwords are encrypted, but unless a primary passphrase is set (`clawsrc`
//! `use_master_passphrase`, default off; `prefs_common.c`) the key is `PASSCRYPT_KEY`, built
//! into every copy of Claws Mail (`src/password.c`): whoever reads the file can decrypt them.

use maillint_core::{FileId, SecretKind, Span, StoredSecret};

/// One password line.
pub struct Stored {
    /// The account number of its `[account:<n>]` block.
    pub account: String,
    /// `recv` or `send` (or another id, kept for redaction).
    pub id: String,
    pub span: Span,
}

/// Every password line of the account blocks (the first block of an account counts; Claws
/// ignores a repeated one).
pub fn read(file: FileId, text: &str) -> Vec<Stored> {
    let mut stored = Vec::new();
    let mut seen: Vec<String> = Vec::new();
    let mut block: Option<String> = None;
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        let content = line.trim_end_matches('\n');
        let start = offset;
        offset += line.len();
        if let Some(header) = content.strip_prefix('[') {
            block = account_block(header).filter(|n| !seen.contains(n));
            if let Some(name) = &block {
                seen.push(name.clone());
            }
            continue;
        }
        let Some(account) = &block else { continue };
        let words: Vec<&str> = content.split(' ').collect();
        if let [id, password] = words[..]
            && !id.is_empty()
            && !password.is_empty()
        {
            let at = start + id.len() + 1;
            stored.push(Stored {
                account: account.clone(),
                id: id.to_owned(),
                span: Span::new(file, at, at + password.len()),
            });
        }
    }
    stored
}

/// The account number of a `[account:<n>]` header (what follows the `[`), when it is one:
/// `g_strsplit_set (line, "[:]")` must give exactly "", the type, the name, "".
fn account_block(header: &str) -> Option<String> {
    let parts: Vec<&str> = header.split(['[', ':', ']']).collect();
    match parts[..] {
        ["account", name, ""] if !name.is_empty() => Some(name.to_owned()),
        _ => None,
    }
}

/// The model's secret for a stored password.
pub fn secret(stored: &Stored) -> StoredSecret {
    StoredSecret {
        kind: SecretKind::Password,
        setting: format!("passwordstorerc [account:{}] {}", stored.account, stored.id),
        span: stored.span,
    }
}
