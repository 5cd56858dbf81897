//! The accounts of mail account and transport sources, with the sources they name:
//! `[Mail Account] IdentityUid` leads to the identity (the address it sends as), whose
//! `[Mail Submission] TransportUid` leads to the transport (the SMTP server). All are
//! `<uid>.source` in one folder (`e_server_side_source_new_user_file`,
//! `e-server-side-source.c`).

use std::path::PathBuf;

use maillint_core::builtin::IoError;
use maillint_core::{Account, Diagnostic, Located, Protocol, Sources, Span};

use crate::CLIENT;
use crate::endpoint::endpoint;
use crate::keyfile::{
    DATA_SOURCE, KeyFile, MAIL_ACCOUNT, MAIL_IDENTITY, MAIL_SUBMISSION, MAIL_TRANSPORT,
    is_plain_uid,
};

/// The protocol of a mail account's backend (`[Mail Account] BackendName`, the Camel provider's
/// protocol: `imapx` in `camel-imapx-provider.c`, `pop` in `camel-pop3-provider.c`). Local
/// stores (`maildir`, `mbox`, `none`, ...) and other backends connect to no IMAP or POP3 server.
fn store_protocol(backend: &str) -> Option<Protocol> {
    match backend {
        "imapx" => Some(Protocol::Imap),
        "pop" => Some(Protocol::Pop3),
        _ => None,
    }
}

/// Whether a transport source sends with SMTP (`smtp`, `camel-smtp-provider.c`); `sendmail`
/// runs a local program.
fn is_smtp(transport: &KeyFile) -> bool {
    transport.value(MAIL_TRANSPORT, "BackendName").is_some_and(|(backend, _)| backend == "smtp")
}

/// Reads the sources a unit's files name.
pub struct Siblings<'a> {
    pub sources: &'a mut Sources,
    pub diagnostics: Vec<Diagnostic>,
}

impl Siblings<'_> {
    /// The source `uid` names beside `from`, when it exists. A uid that cannot be a file name
    /// is not followed; a file that cannot be read is reported at the uid.
    pub fn load(&mut self, from: &KeyFile, uid: (&str, Span)) -> Option<KeyFile> {
        let (uid, at) = uid;
        if !is_plain_uid(uid) {
            return None;
        }
        let folder = from.path().parent()?;
        let path: PathBuf = folder.join(format!("{uid}.source"));
        if self.sources.find(&path).is_none() && !path.is_file() {
            return None;
        }
        match self.sources.load(&path) {
            Ok(id) => Some(KeyFile::new(id, std::sync::Arc::clone(self.sources.get(id)))),
            Err(error) => {
                self.diagnostics.push(Diagnostic::new(
                    IoError::metadata(),
                    at,
                    format!("cannot read {}: {error}", path.display()),
                ));
                None
            }
        }
    }

    /// The identity a mail account source names.
    fn identity(&mut self, account: &KeyFile) -> Option<KeyFile> {
        let uid = account.non_empty(MAIL_ACCOUNT, "IdentityUid")?;
        self.load(account, uid)
    }
}

/// The account of a mail account source: its IMAP or POP3 store, and the address of its
/// identity.
pub fn mail_account(account: &KeyFile, siblings: &mut Siblings<'_>) -> Option<Account> {
    let (backend, _) = account.value(MAIL_ACCOUNT, "BackendName")?;
    let store = endpoint(account, store_protocol(backend)?)?;
    let identity = siblings.identity(account);
    Some(Account {
        client: CLIENT,
        name: display_name(account),
        email: identity.as_ref().and_then(address),
        span: account.whole(),
        endpoints: vec![store],
    })
}

/// The SMTP server of a transport source, under the name and address of the mail account that
/// sends through it when there is one (the transport's `Parent`, whose identity's
/// `TransportUid` is this transport). Each server is reported by the unit of the file that
/// holds it, so `check` of the transport's file alone reports its server too.
pub fn transport(transport: &KeyFile, siblings: &mut Siblings<'_>) -> Option<Account> {
    if !is_smtp(transport) {
        return None;
    }
    let smtp = endpoint(transport, Protocol::Smtp)?;
    let owner = owning_account(transport, siblings);
    let (name, email) = match &owner {
        Some((account, identity)) => (display_name(account), address(identity)),
        None => (display_name(transport), None),
    };
    Some(Account { client: CLIENT, name, email, span: transport.whole(), endpoints: vec![smtp] })
}

/// The mail account that is the transport's `Parent` and sends through it, with the identity
/// that names the transport.
fn owning_account(transport: &KeyFile, siblings: &mut Siblings<'_>) -> Option<(KeyFile, KeyFile)> {
    let own_uid = transport.uid()?;
    let account = siblings.load(transport, transport.non_empty(DATA_SOURCE, "Parent")?)?;
    if !account.has_group(MAIL_ACCOUNT) {
        return None;
    }
    let identity = siblings.identity(&account)?;
    let (uid, _) = identity.non_empty(MAIL_SUBMISSION, "TransportUid")?;
    (uid == own_uid).then_some((account, identity))
}

/// `[Mail Identity] Address`.
fn address(identity: &KeyFile) -> Option<Located<String>> {
    identity
        .non_empty(MAIL_IDENTITY, "Address")
        .map(|(address, span)| Located::explicit(address.to_owned(), span))
}

/// `[Data Source] DisplayName`, or the uid.
fn display_name(source: &KeyFile) -> String {
    source
        .non_empty(DATA_SOURCE, "DisplayName")
        .map(|(name, _)| name.to_owned())
        .or_else(|| source.uid().map(str::to_owned))
        .unwrap_or_else(|| "evolution".to_owned())
}
