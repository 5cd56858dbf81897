//! The IMAP accounts of an mbsyncrc: the sections, and the server settings of each
//! `IMAPAccount` and of each `IMAPStore` that names no `Account`.
//!
//! From `load_config` (isync `src/config.c`) and `imap_parse_store` (`src/drv_imap.c`), tags
//! v1.5.0 and v1.4.4 (Debian 12): a section starts with `IMAPAccount`, `IMAPStore`,
//! `MaildirStore`, `Channel` or `Group` and ends at a blank line; keywords are compared
//! without case. An `IMAPStore` either names an `Account` defined above it or carries the
//! server settings itself ("has both Account and account-specific options" otherwise).

use std::collections::BTreeMap;
use std::ops::Range;

use crate::syntax::{self, Command, Line};

/// The server keywords of an `IMAPAccount` section (both versions' `imap_parse_store`).
/// `TLSType`/`TLSVersions` are v1.5's names of `SSLType`/`SSLVersions`; `UseIMAPS`,
/// `RequireSSL` and `UseSSLv*`/`UseTLSv*` are the pre-1.2 options v1.4.4 still reads (v1.5
/// refuses them); `UseKeychain` exists in macOS builds.
pub const SERVER_KEYWORDS: &[&str] = &[
    "host",
    "user",
    "usercmd",
    "pass",
    "passcmd",
    "usekeychain",
    "port",
    "timeout",
    "pipelinedepth",
    "disableextension",
    "disableextensions",
    "certificatefile",
    "systemcertificates",
    "clientcertificate",
    "clientkey",
    "cipherstring",
    "tlsversions",
    "sslversion",
    "sslversions",
    "tlstype",
    "ssltype",
    "authmech",
    "authmechs",
    "requirecram",
    "tunnel",
    "requiressl",
    "useimaps",
    "usesslv2",
    "usesslv3",
    "usetlsv1",
    "usetlsv1.1",
    "usetlsv1.2",
    "usetlsv1.3",
];

/// Keywords whose handler reads more than one word (`get_arg` in a loop); any other keyword
/// takes exactly one ("excess token").
const LIST_KEYWORDS: &[&str] = &[
    "tlsversions",
    "sslversion",
    "sslversions",
    "authmech",
    "authmechs",
    "disableextension",
    "disableextensions",
];

/// One IMAP server definition: an `IMAPAccount`, or an `IMAPStore` with its own settings.
#[derive(Clone, Debug)]
pub struct Server {
    /// The section keyword (`IMAPAccount` or `IMAPStore`) as written.
    pub kind: String,
    /// The section's name.
    pub name: String,
    /// The name's range.
    pub name_range: Range<usize>,
    /// Where a new setting goes: after the section's first line.
    pub insert_at: usize,
    /// The last line of each keyword, by lower-case keyword.
    pub settings: BTreeMap<String, Command>,
}

impl Server {
    /// The last line of `keyword` (lower case).
    pub fn get(&self, keyword: &str) -> Option<&Command> {
        self.settings.get(keyword)
    }

    /// The value of `keyword`.
    pub fn value(&self, keyword: &str) -> Option<&str> {
        self.get(keyword).and_then(Command::value).map(|w| w.value.as_str())
    }
}

/// An error that makes mbsync refuse the file.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConfError {
    /// The text it is about.
    pub range: Range<usize>,
    /// What is wrong.
    pub message: String,
}

/// The file, read.
#[derive(Clone, Debug, Default)]
pub struct Config {
    /// The IMAP servers, in file order.
    pub servers: Vec<Server>,
    /// Errors in the IMAP sections.
    pub errors: Vec<ConfError>,
}

/// Reads `text`.
pub fn read(text: &str) -> Config {
    let mut config = Config::default();
    let mut section: Option<Section> = None;
    for line in syntax::lines(text) {
        let command = match line {
            Line::Blank => {
                finish(&mut config, section.take());
                continue;
            }
            Line::Comment => continue,
            Line::Command(command) => command,
        };
        if let Some((range, problem)) = &command.error {
            config.errors.push(ConfError { range: range.clone(), message: (*problem).to_owned() });
        }
        match &mut section {
            Some(open) => open.add(command, &mut config.errors),
            None => section = Section::start(command, &mut config.errors),
        }
    }
    finish(&mut config, section);
    config
}

/// The section being read.
enum Section {
    /// An IMAP server definition.
    Imap { server: Server, store: bool, account: bool },
    /// `MaildirStore`, `Channel`, `Group`, or a global option: not about a server.
    Other,
}

impl Section {
    fn start(command: Command, errors: &mut Vec<ConfError>) -> Option<Section> {
        let key = command.key();
        let store = key == "imapstore";
        if key != "imapaccount" && !store {
            let starts = matches!(key.as_str(), "maildirstore" | "channel" | "group");
            return starts.then_some(Section::Other);
        }
        let Some(name) = command.value() else {
            errors.push(missing(&command));
            return Some(Section::Other);
        };
        let server = Server {
            kind: command.keyword.value.clone(),
            name: name.value.clone(),
            name_range: name.raw.clone(),
            insert_at: command.next,
            settings: BTreeMap::new(),
        };
        Some(Section::Imap { server, store, account: false })
    }

    fn add(&mut self, command: Command, errors: &mut Vec<ConfError>) {
        let Section::Imap { server, store, account } = self else { return };
        let key = command.key();
        if *store && key == "account" {
            *account = true;
            return;
        }
        if !SERVER_KEYWORDS.contains(&key.as_str()) {
            // An `IMAPStore` also takes the store keywords (`Path`, `Trash`, ...).
            if !*store {
                errors.push(ConfError {
                    range: command.keyword.raw.clone(),
                    message: format!(
                        "keyword `{}` is not recognized in IMAPAccount sections",
                        command.keyword.value
                    ),
                });
            }
            return;
        }
        if command.value().is_none() {
            errors.push(missing(&command));
            return;
        }
        if command.args.len() > 1 && !LIST_KEYWORDS.contains(&key.as_str()) {
            let excess = &command.args[1];
            errors.push(ConfError {
                range: excess.raw.clone(),
                message: format!("excess token `{}` (quote a value with spaces)", excess.value),
            });
        }
        server.settings.insert(key, command);
    }
}

fn missing(command: &Command) -> ConfError {
    ConfError { range: command.keyword.raw.clone(), message: "parameter missing".to_owned() }
}

/// The end of a section: an IMAP server with its own settings joins the list, after the
/// checks `imap_parse_store` makes.
fn finish(config: &mut Config, section: Option<Section>) {
    let Some(Section::Imap { server, store, account }) = section else { return };
    if store && account {
        if let Some(first) = server.settings.values().min_by_key(|c| c.number) {
            config.errors.push(ConfError {
                range: first.keyword.raw.clone(),
                message: format!(
                    "{} `{}` has both Account and account-specific options",
                    server.kind, server.name
                ),
            });
        }
        return;
    }
    config.errors.extend(crate::values::check(&server));
    let at = server.name_range.clone();
    let mut complain =
        |message: String| config.errors.push(ConfError { range: at.clone(), message });
    let has = |key: &str| server.settings.contains_key(key);
    if !has("tunnel") && !has("host") {
        complain(format!("{} `{}` has neither Tunnel nor Host", server.kind, server.name));
    }
    if has("pass") && has("passcmd") {
        complain(format!("{} `{}` has both Pass and PassCmd", server.kind, server.name));
    }
    if has("user") && has("usercmd") {
        complain(format!("{} `{}` has both User and UserCmd", server.kind, server.name));
    }
    config.servers.push(server);
}
