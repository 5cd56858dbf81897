//! Accounts from a profile's prefs (reference section 8).
//!
//! `mail.accountmanager.accounts` lists the account keys; each `mail.account.<acct>.server`
//! names an incoming server (`mail.server.<srv>.*`) and `.identities` its identities
//! (`mail.identity.<id>.*`), whose `smtpServer` names an outgoing server
//! (`mail.smtpserver.<key>.*`). Values are read the way Thunderbird's getters read them:
//! typed (a value of another type is ignored), falling back to the `default` server branch
//! where Thunderbird does, then to the built-in default. Each value keeps the span of the
//! literal that set it, or, when defaulted, the point where the pref would be written.
//!
//! Servers no listed account uses are not dropped: prefs.js fragments in dotfiles often hold
//! only `mail.server.server1.*` lines, and those settings deserve checking too. Each such
//! server becomes an account of its own.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;

use maillint_core::{
    Account, Client, Endpoint, Located, Protocol, SecretKind, Span, StoredSecret, TextRange,
};

use crate::placement::Placement;
use crate::profile::{PrefRef, Profile, Typed};

mod incoming;
mod outgoing;
mod values;

pub use values::{auth_method_value, security_of, socket_type_of};

/// Prefix of incoming server prefs.
pub const SERVER_PREFIX: &str = "mail.server.";
/// Prefix of outgoing server prefs.
pub const SMTP_PREFIX: &str = "mail.smtpserver.";
/// The branch every incoming server falls back to (`nsMsgIncomingServer::SetKey`).
pub const SERVER_DEFAULT_KEY: &str = "default";

/// Endpoints by locator. Hashed with foldhash, not SipHash: every endpoint of every profile
/// is inserted (756 on the scan of 100 bench homes) and looked up when lowered, and the
/// locators are the parser's own, not text an attacker chooses.
pub type EndpointMap = HashMap<String, EndpointKey, foldhash::fast::RandomState>;

/// Which kind of server an endpoint is.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ServerKind {
    /// `mail.server.<key>.*` of type `imap` or `pop3`.
    Incoming(Protocol),
    /// `mail.smtpserver.<key>.*`.
    Outgoing,
}

/// What the lowering needs to know about an endpoint.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EndpointKey {
    /// Incoming or outgoing.
    pub kind: ServerKind,
    /// The server key (`server1`, `smtp1`).
    pub key: String,
    /// The file that holds the endpoint's settings: where new prefs for it go.
    pub home_file: usize,
}

impl EndpointKey {
    /// `mail.server.<key>.` or `mail.smtpserver.<key>.`.
    pub fn prefix(&self) -> String {
        match self.kind {
            ServerKind::Incoming(_) => [SERVER_PREFIX, &self.key, "."].concat(),
            ServerKind::Outgoing => [SMTP_PREFIX, &self.key, "."].concat(),
        }
    }

    /// The parser-private locator stored in [`Endpoint::locator`].
    pub fn locator(&self) -> String {
        match self.kind {
            ServerKind::Incoming(_) => ["server:", &self.key].concat(),
            ServerKind::Outgoing => ["smtp:", &self.key].concat(),
        }
    }
}

/// The model of one profile.
#[derive(Debug, Default)]
pub struct Assembly {
    /// The accounts, listed accounts first, then servers no account uses.
    pub accounts: Vec<Account>,
    /// Every endpoint by locator.
    pub endpoints: EndpointMap,
    /// Spans of stored secrets (inside the quotes).
    pub secrets: Vec<Span>,
    /// Every password statement: setting and span.
    secret_statements: Vec<(String, Span)>,
}

/// Where a server's settings are and what a key's prefs look like.
#[derive(Debug, Default)]
struct KeyInfo {
    /// Per file: the range covering the key's statements.
    cover: BTreeMap<usize, TextRange>,
    /// The first statement of the key (load order).
    first: Option<PrefRef>,
}

/// Statements of one server key that follow each other in one file: Thunderbird writes a
/// server's prefs together (prefs.js is sorted), so its [`KeyInfo`] is looked up once per run,
/// not once per pref.
struct Run<'s> {
    /// `mail.smtpserver.` rather than `mail.server.`.
    outgoing: bool,
    key: &'s str,
    file: usize,
    /// The run's first statement.
    first: PrefRef,
    /// The range covering the run's statements.
    range: TextRange,
}

/// Splits `mail.server.<key>.<attr>` into its key.
fn key_of<'a>(name: &'a str, prefix: &str) -> Option<&'a str> {
    let rest = name.strip_prefix(prefix)?;
    // A byte loop, not a `char` pattern (this runs on every mail pref, twice) nor memchr: the
    // key is a few bytes, fewer than memchr's call and setup pay for (10,672 calls cost 0.49 M
    // instructions on the scan of 100 bench homes).
    let dot = rest.bytes().position(|b| b == b'.')?;
    (dot > 0 && dot + 1 < rest.len()).then(|| &rest[..dot])
}

/// The server key of a server pref (as [`key_of`] splits it), and whether the server is an
/// outgoing one. Both prefixes are `mail.s…` and differ at the next byte: two bytes pick the
/// prefix to compare, where trying both cost every other mail pref two compares.
fn server_key(name: &str) -> Option<(bool, &str)> {
    match name.as_bytes().get(5..7)? {
        b"se" => key_of(name, SERVER_PREFIX).map(|key| (false, key)),
        b"sm" => key_of(name, SMTP_PREFIX).map(|key| (true, key)),
        _ => None,
    }
}

/// Server keys in Thunderbird's own order: `server2` before `server10`.
fn natural_order(a: &str, b: &str) -> std::cmp::Ordering {
    fn split(s: &str) -> (&str, Option<u64>) {
        let digits = s.len() - s.bytes().rev().take_while(u8::is_ascii_digit).count();
        (&s[..digits], s[digits..].parse().ok())
    }
    split(a).cmp(&split(b)).then_with(|| a.cmp(b))
}

/// Comma-separated keys, trimmed, empty entries and repeats dropped.
///
/// A list is a handful of keys (accounts, identities, outgoing servers): a repeat is found by
/// comparing with the keys kept so far, not by a copy of each key hashed with SipHash (about
/// 300 instructions a key); only a long list takes a set.
fn key_list(value: &str) -> Vec<String> {
    /// Past this many keys, repeats are looked up in a set.
    const SHORT_LIST: usize = 32;
    let mut kept: Vec<&str> = Vec::new();
    let mut seen: HashSet<&str> = HashSet::new();
    for key in value.split(',').map(str::trim).filter(|key| !key.is_empty()) {
        let repeat = if kept.len() < SHORT_LIST {
            kept.contains(&key)
        } else {
            if seen.is_empty() {
                seen.extend(kept.iter().copied());
            }
            !seen.insert(key)
        };
        if !repeat {
            kept.push(key);
        }
    }
    kept.into_iter().map(str::to_owned).collect()
}

struct Assembler<'a> {
    profile: &'a Profile<'a>,
    placement: &'a Placement<'a>,
    /// The client the accounts are read for.
    client: Client,
    servers: BTreeMap<String, KeyInfo>,
    smtp_servers: BTreeMap<String, KeyInfo>,
    out: Assembly,
}

/// Builds the accounts of a profile, as read by `client` (Thunderbird or a fork of it).
pub fn assemble(profile: &Profile, placement: &Placement<'_>, client: Client) -> Assembly {
    let mut assembler = Assembler {
        profile,
        placement,
        client,
        servers: BTreeMap::new(),
        smtp_servers: BTreeMap::new(),
        out: Assembly::default(),
    };
    assembler.index_keys();
    assembler.out.secret_statements = password_statements(profile);
    assembler.out.secrets = assembler.out.secret_statements.iter().map(|(_, span)| *span).collect();
    assembler.run();
    assembler.out
}

impl<'a> Assembler<'a> {
    fn index_keys(&mut self) {
        let profile = self.profile;
        let mut run: Option<Run<'_>> = None;
        // Server prefs are mail prefs.
        for (at, statement) in profile.mail_statements() {
            let Some((outgoing, key)) = server_key(&statement.name) else { continue };
            if key == SERVER_DEFAULT_KEY {
                continue;
            }
            match &mut run {
                Some(run) if run.outgoing == outgoing && run.key == key && run.file == at.file => {
                    run.range = run.range.cover(&statement.range);
                }
                _ => {
                    let next =
                        Run { outgoing, key, file: at.file, first: at, range: statement.range };
                    if let Some(done) = run.replace(next) {
                        self.record(done);
                    }
                }
            }
        }
        if let Some(done) = run {
            self.record(done);
        }
    }

    /// Adds a run of statements to its key's [`KeyInfo`].
    fn record(&mut self, run: Run<'_>) {
        let map = if run.outgoing { &mut self.smtp_servers } else { &mut self.servers };
        // The key is copied once per server, not once per run; a known key is looked up once,
        // a new one twice (three lookups a run cost 600 instructions, 756 runs in 100 homes).
        let info = match map.get_mut(run.key) {
            Some(info) => info,
            None => map.entry(run.key.to_owned()).or_default(),
        };
        info.first.get_or_insert(run.first);
        info.cover
            .entry(run.file)
            .and_modify(|range| *range = range.cover(&run.range))
            .or_insert(run.range);
    }

    fn run(&mut self) {
        let mut used_servers = HashSet::new();
        let mut used_smtp = HashSet::new();
        for account_key in self.listed_accounts() {
            if let Some(account) = self.account(&account_key, &mut used_servers, &mut used_smtp) {
                self.out.accounts.push(account);
            }
        }

        let mut orphans: Vec<String> =
            self.servers.keys().filter(|key| !used_servers.contains(*key)).cloned().collect();
        orphans.sort_by(|a, b| natural_order(a, b));
        for key in orphans {
            if let Some(endpoint) = self.incoming(&key) {
                let name = format!("{key} (server not used by any account)");
                self.out.accounts.push(self.orphan(name, endpoint));
            }
        }

        let mut orphan_smtp: Vec<String> = match self.profile.text("mail.smtpservers") {
            Typed::Value(list, _) => key_list(&list),
            _ => Vec::new(),
        };
        let mut rest: Vec<String> =
            self.smtp_servers.keys().filter(|k| !orphan_smtp.contains(k)).cloned().collect();
        rest.sort_by(|a, b| natural_order(a, b));
        orphan_smtp.extend(rest);
        for key in orphan_smtp.into_iter().filter(|key| !used_smtp.contains(key)) {
            if let Some(endpoint) = self.outgoing(&key) {
                let name = format!("{key} (outgoing server not used by any account)");
                self.out.accounts.push(self.orphan(name, endpoint));
            }
        }
    }

    /// The account keys: `mail.accountmanager.accounts`, or in a fragment without that list,
    /// every `mail.account.<acct>.server`.
    fn listed_accounts(&self) -> Vec<String> {
        let profile = self.profile;
        match profile.text("mail.accountmanager.accounts") {
            Typed::Value(list, _) => key_list(&list),
            _ => {
                let mut keys: Vec<String> = profile
                    .mail_names()
                    .filter_map(|name| {
                        let key = name.strip_prefix("mail.account.")?.strip_suffix(".server")?;
                        (!key.contains('.')).then(|| key.to_owned())
                    })
                    .collect();
                keys.sort_by(|a, b| natural_order(a, b));
                keys
            }
        }
    }

    /// A listed account: its incoming server and the outgoing servers of its identities.
    /// Records the server keys it uses.
    fn account(
        &mut self,
        account_key: &str,
        used_servers: &mut HashSet<String>,
        used_smtp: &mut HashSet<String>,
    ) -> Option<Account> {
        let profile = self.profile;
        let Typed::Value(server_key, server_at) =
            profile.string(&["mail.account.", account_key, ".server"].concat())
        else {
            return None;
        };
        used_servers.insert(server_key.clone());
        let identities = match profile.text(&["mail.account.", account_key, ".identities"].concat())
        {
            Typed::Value(list, _) => key_list(&list),
            _ => Vec::new(),
        };
        let mut email = None;
        let mut endpoints = Vec::new();
        if let Some(endpoint) = self.incoming(&server_key) {
            endpoints.push(endpoint);
        }
        let mut smtp_keys: Vec<String> = Vec::new();
        for identity in &identities {
            if email.is_none() {
                email = self.email(identity);
            }
            if let Some(key) = self.smtp_key_of_identity(identity)
                && !smtp_keys.contains(&key)
            {
                smtp_keys.push(key);
            }
        }
        for key in smtp_keys {
            used_smtp.insert(key.clone());
            if let Some(endpoint) = self.outgoing(&key) {
                endpoints.push(endpoint);
            }
        }
        if endpoints.is_empty() {
            return None;
        }
        let name = match &email {
            // concat, not format!: ~1,100 instructions less an account (328 on the bench).
            Some(address) => [account_key, " (", &address.value, ")"].concat(),
            None => account_key.to_owned(),
        };
        let span = profile.span(server_at, profile.statement(server_at).range);
        Some(Account { client: self.client.clone(), name, email, span, endpoints })
    }

    /// An account of its own for a server no listed account uses.
    fn orphan(&self, name: String, endpoint: Endpoint) -> Account {
        Account {
            client: self.client.clone(),
            name,
            email: None,
            span: endpoint.span,
            endpoints: vec![endpoint],
        }
    }

    fn email(&self, identity: &str) -> Option<Located<String>> {
        let (address, at) =
            self.profile.string(&["mail.identity.", identity, ".useremail"].concat()).value()?;
        (!address.is_empty()).then(|| Located::explicit(address, self.profile.value_span(at)))
    }

    /// The outgoing server of an identity: its `smtpServer`, else `mail.smtp.defaultserver`,
    /// else the first of `mail.smtpservers` (reference section 8).
    fn smtp_key_of_identity(&self, identity: &str) -> Option<String> {
        let profile = self.profile;
        let own = profile.text(&["mail.identity.", identity, ".smtpServer"].concat()).value();
        if let Some((key, _)) = own.filter(|(key, _)| !key.trim().is_empty()) {
            return Some(key.trim().to_owned());
        }
        if let Some((key, _)) =
            profile.text("mail.smtp.defaultserver").value().filter(|(k, _)| !k.trim().is_empty())
        {
            return Some(key.trim().to_owned());
        }
        let (list, _) = profile.text("mail.smtpservers").value()?;
        key_list(&list).into_iter().next()
    }

    /// The file that holds a key's settings: that of its host name, else of its first pref.
    fn home_file(&self, info: &KeyInfo, prefix: &str) -> usize {
        self.profile
            .effective(&[prefix, "hostname"].concat())
            .or_else(|| self.profile.effective(&[prefix, "type"].concat()))
            .or(info.first)
            .map_or(0, |at| at.file)
    }

    fn endpoint_span(&self, info: &KeyInfo, home_file: usize) -> Span {
        let range = info.cover.get(&home_file).copied().unwrap_or_default();
        Span { file: self.profile.files[home_file].id, range }
    }

    /// A defaulted value's span: where the pref would be inserted.
    fn insertion_span(&self, home_file: usize, prefix: &str, name: &str) -> Span {
        self.placement.insertion_span(home_file, prefix, name)
    }

    /// A value read from the server's own prefs, else from `mail.server.default.*`, as
    /// `nsMsgIncomingServer::Get*Value` does. Returns the value, where it came from and whether
    /// it was inherited, and the note of [`own`](Self::own) when the server's own was ignored.
    fn server_value<T>(
        &self,
        key: &str,
        attr: &str,
        read: impl Fn(&'a Profile<'a>, &str) -> Typed<T>,
    ) -> (Option<(T, PrefRef, bool)>, Ignored) {
        let name = [SERVER_PREFIX, key, ".", attr].concat();
        let note = match self.own(&name, &read) {
            Ok((value, at)) => return (Some((value, at, false)), Ignored::Nothing),
            Err(note) => note,
        };
        let inherited =
            read(self.profile, &[SERVER_PREFIX, SERVER_DEFAULT_KEY, ".", attr].concat())
                .value()
                .map(|(value, at)| (value, at, true));
        (inherited, note)
    }

    /// The first link of every fallback chain: a server's own pref. Without a value of the
    /// type Thunderbird reads, the next link is read, and the error says what was ignored.
    fn own<T>(
        &self,
        name: &str,
        read: impl Fn(&'a Profile<'a>, &str) -> Typed<T>,
    ) -> Result<(T, PrefRef), Ignored> {
        match read(self.profile, name) {
            Typed::Value(value, at) => Ok((value, at)),
            Typed::WrongType(at) => Err(Ignored::WrongType {
                name: name.to_owned(),
                type_name: self.profile.statement(at).value.type_name(),
            }),
            Typed::Missing => Err(Ignored::Nothing),
        }
    }

    /// The stored passwords of a server: every `<prefix>password` statement with a value.
    fn secrets_of(&self, prefix: &str) -> Vec<StoredSecret> {
        let name = [prefix, "password"].concat();
        self.out
            .secret_statements
            .iter()
            .filter(|(setting, _)| *setting == name)
            .map(|(setting, span)| StoredSecret {
                kind: SecretKind::Password,
                setting: setting.clone(),
                span: *span,
            })
            .collect()
    }
}

/// What of a server's own pref was ignored when a fallback chain read the next link.
/// Displayed, it is the tail of the reason given for the value used: nothing, or a note that
/// a value of another type was ignored.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Ignored {
    /// Nothing: the server has no such pref (or its own value was used).
    Nothing,
    /// A value of a type Thunderbird's getter does not read.
    WrongType {
        /// The pref's name.
        name: String,
        /// The type of the value written (`string`, `integer`, `boolean`).
        type_name: &'static str,
    },
}

impl fmt::Display for Ignored {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Ignored::Nothing => Ok(()),
            Ignored::WrongType { name, type_name } => write!(
                f,
                "; the {type_name} value of {name} is ignored, because Thunderbird reads it with another type"
            ),
        }
    }
}

/// Old Mozilla profiles stored a server's password as a pref (the Netscape 4-era example in
/// the corpus has `mail.server.server1.password`). Current Thunderbird keeps passwords in
/// `logins.json`, but a value written here is still a password in a plain file, whether
/// Thunderbird reads it or not. Every such statement of any server is found, in every file,
/// so that renderers redact it: the span is the text inside the quotes.
fn password_statements(profile: &Profile) -> Vec<(String, Span)> {
    profile
        .mail_statements()
        .filter(|(_, statement)| {
            // The suffix first: it rules out all but a few statements.
            statement.name.ends_with(".password")
                && key_of(&statement.name, SERVER_PREFIX)
                    .or_else(|| key_of(&statement.name, SMTP_PREFIX))
                    .is_some()
        })
        .filter(|(_, statement)| statement.value.as_text().is_some_and(|text| !text.is_empty()))
        .map(|(at, statement)| {
            let range = statement.value_range;
            let inner = TextRange::new(range.start as usize + 1, range.end as usize - 1);
            (statement.name.to_string(), profile.span(at, inner))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn server_prefs_are_mail_prefs() {
        // The passes over server prefs read only the profile's mail statements.
        assert!(SERVER_PREFIX.starts_with(crate::profile::MAIL_PREFIX));
        assert!(SMTP_PREFIX.starts_with(crate::profile::MAIL_PREFIX));
    }

    #[test]
    fn key_of_splits_at_the_first_dot_after_the_prefix() {
        // The definition the memchr split speeds up.
        fn by_split_once<'a>(name: &'a str, prefix: &str) -> Option<&'a str> {
            let (key, attr) = name.strip_prefix(prefix)?.split_once('.')?;
            (!key.is_empty() && !attr.is_empty()).then_some(key)
        }
        for name in [
            "mail.server.server1.hostname",
            "mail.server.server1.",
            "mail.server..hostname",
            "mail.server.server1",
            "mail.server.",
            "mail.server.é.x.y",
            "mail.server.a.b.c",
            "mail.smtpserver.smtp1.port",
            "mail.serverx.a.b",
            "",
        ] {
            for prefix in [SERVER_PREFIX, SMTP_PREFIX] {
                assert_eq!(key_of(name, prefix), by_split_once(name, prefix), "{name} {prefix}");
            }
        }
        assert_eq!(key_of("mail.server.server1.hostname", SERVER_PREFIX), Some("server1"));
    }

    /// Names built from pieces of server prefs' names: [`server_key`] finds what trying both
    /// prefixes with [`key_of`] finds.
    #[test]
    fn server_key_finds_what_both_prefixes_find() {
        let pieces = [
            SERVER_PREFIX,
            SMTP_PREFIX,
            "mail.",
            "mail.s",
            "mail.se",
            "mail.sm",
            "smtp1",
            ".",
            "é",
        ];
        let mut state = 0x9E37_79B9_7F4A_7C15_u64;
        for round in 0..50_000 {
            let name = maillint_core::testing::joined_pieces(&mut state, &pieces, round % 5);
            let by_both = key_of(&name, SERVER_PREFIX)
                .map(|key| (false, key))
                .or_else(|| key_of(&name, SMTP_PREFIX).map(|key| (true, key)));
            assert_eq!(server_key(&name), by_both, "{name:?}");
        }
    }

    #[test]
    fn natural_order_puts_server2_before_server10() {
        let mut keys = vec!["server10", "server2", "smtp1", "server1", "abc"];
        keys.sort_by(|a, b| natural_order(a, b));
        assert_eq!(keys, ["abc", "server1", "server2", "server10", "smtp1"]);
    }

    #[test]
    fn key_lists_are_trimmed_and_deduplicated() {
        assert_eq!(key_list(" account1, account2,,account1 "), ["account1", "account2"]);
    }

    /// Short lists and long ones (past the switch to a set), with repeats near and far: the
    /// keys are those a set of every key seen keeps.
    #[test]
    fn key_lists_keep_what_a_set_of_seen_keys_keeps() {
        fn by_set(value: &str) -> Vec<String> {
            let mut seen = HashSet::new();
            value
                .split(',')
                .map(str::trim)
                .filter(|key| !key.is_empty() && seen.insert(key.to_string()))
                .map(str::to_owned)
                .collect()
        }
        let mut state = 0x5DEE_CE66_D1CE_4E5B_u64;
        for round in 0..2000 {
            let mut list = String::new();
            for _ in 0..(round % 90) {
                maillint_core::testing::xorshift(&mut state);
                let key = state % (1 + round as u64 % 70);
                list.push_str(&format!(" account{key} ,"));
                if state.is_multiple_of(11) {
                    list.push(',');
                }
            }
            assert_eq!(key_list(&list), by_set(&list), "{list}");
        }
    }
}
