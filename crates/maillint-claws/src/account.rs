//! One Claws Mail account: the receive server of its protocol and the SMTP server, with the
//! keys, defaults and port rules of `src/prefs_account.c`, `src/imap.c`, `src/inc.c` and
//! `src/send_message.c`.

use maillint_core::ini::IniFile;
use maillint_core::{
    Account, AuthMethod, Endpoint, Located, Protocol, SecretKind, Security, Span, StoredSecret,
};

use crate::CLIENT;
use crate::rcfile::Block;

/// `RecvProtocol` (`src/prefs_account.h`): `A_POP3`, `A_IMAP4`, `A_NNTP`, `A_LOCAL`, `A_NONE`.
fn receive_protocol(number: i64) -> Option<Protocol> {
    match number {
        0 => Some(Protocol::Pop3),
        1 => Some(Protocol::Imap),
        _ => None,
    }
}

/// `SSLType` (`src/common/ssl.h`): `SSL_NONE`, `SSL_TUNNEL` (TLS from the first byte) and
/// `SSL_STARTTLS`, which fails the connection when the server refuses it ("Can't start
/// STARTTLS session", `imap.c`; `smtp.c` sends STARTTLS before anything else).
pub const SSL_TYPES: &[(i64, Security)] =
    &[(0, Security::None), (1, Security::ImplicitTls), (2, Security::StarttlsRequired)];

/// The `SSLType` number of a security.
pub fn ssl_number(security: Security) -> Option<i64> {
    SSL_TYPES.iter().find(|(_, s)| *s == security).map(|(n, _)| *n)
}

/// The keys of one protocol: its server, its SSL mode, its port and the flag that makes the
/// port count.
pub struct Keys {
    pub server: &'static str,
    pub ssl: &'static str,
    pub port: &'static str,
    pub set_port: &'static str,
}

pub fn keys(protocol: Protocol) -> Keys {
    match protocol {
        Protocol::Imap => Keys {
            server: "receive_server",
            ssl: "ssl_imap",
            port: "imap_port",
            set_port: "set_imapport",
        },
        Protocol::Pop3 => Keys {
            server: "receive_server",
            ssl: "ssl_pop",
            port: "pop_port",
            set_port: "set_popport",
        },
        Protocol::Smtp => Keys {
            server: "smtp_server",
            ssl: "ssl_smtp",
            port: "smtp_port",
            set_port: "set_smtpport",
        },
    }
}

/// Passwords of one account found in the files, by the protocol they sign in to.
#[derive(Default)]
pub struct Passwords {
    pub receive: Vec<StoredSecret>,
    pub send: Vec<StoredSecret>,
}

/// The account of one block, when it names a server.
pub fn account(file: &IniFile, block: &Block, passwords: Passwords) -> Option<Account> {
    let mut endpoints = Vec::new();
    // `protocol` has no default: `prefs_set_default` leaves 0, `A_POP3`.
    let protocol = block.number(file, "protocol").map_or(0, |(n, _)| n);
    if let Some(protocol) = receive_protocol(protocol) {
        endpoints.extend(endpoint(file, block, protocol, passwords.receive));
    }
    endpoints.extend(endpoint(file, block, Protocol::Smtp, passwords.send));
    if endpoints.is_empty() {
        return None;
    }
    let email = block
        .value(file, "address")
        .filter(|(address, _)| !address.is_empty())
        .map(|(address, span)| Located::explicit(address.to_owned(), span));
    let name = block
        .value(file, "account_name")
        .filter(|(name, _)| !name.is_empty())
        .map_or_else(|| block.label.clone(), |(name, _)| name.to_owned());
    Some(Account { client: CLIENT, name, email, span: file.whole(), endpoints })
}

fn endpoint(
    file: &IniFile,
    block: &Block,
    protocol: Protocol,
    secrets: Vec<StoredSecret>,
) -> Option<Endpoint> {
    let keys = keys(protocol);
    let (host, host_span) = block.value(file, keys.server).filter(|(h, _)| !h.is_empty())?;
    let security = security(file, block, &keys);
    Some(Endpoint {
        protocol,
        host: Some(Located::explicit(maillint_core::HostName::new(host), host_span)),
        port: Some(port(file, block, &keys, protocol, security.value)),
        security,
        auth: auth(file, block, protocol),
        username: username(file, block, protocol),
        // `ssl_certs_auto_accept` accepts certificates that *pass* verification without asking
        // ("Automatically accept valid TLS certificates"); nothing turns verification off.
        certificate_verification_disabled: None,
        secrets,
        tls_versions: Vec::new(),
        span: host_span,
        locator: format!("{}\u{1f}{}", block.label, protocol.as_str()),
    })
}

/// `ssl_pop`, `ssl_imap`, `ssl_smtp`: default 1 (`SSL_TUNNEL`) in builds with GnuTLS, which is
/// every build with TLS (`ssl_param[]`, `prefs_account.c`).
fn security(file: &IniFile, block: &Block, keys: &Keys) -> Located<Security> {
    match block.number(file, keys.ssl) {
        Some((number, span)) => match SSL_TYPES.iter().find(|(n, _)| *n == number) {
            Some(&(_, security)) => Located::explicit(security, span),
            None => Located::derived(Security::Unknown, span, "not 0, 1 or 2"),
        },
        None => Located::default(
            Security::ImplicitTls,
            block.insert_at,
            format!("`{}` defaults to 1, SSL/TLS", keys.ssl),
        ),
    }
}

/// The port: the `*_port` value when `set_*port` is on; otherwise the protocol's port for the
/// SSL mode: 993/143 (`imap.c`), 995/110 (`pop3_get_port`, `inc.c`), 465/25
/// (`send_message.c`).
fn port(
    file: &IniFile,
    block: &Block,
    keys: &Keys,
    protocol: Protocol,
    security: Security,
) -> Located<u16> {
    if let Some((true, _)) = block.boolean(file, keys.set_port)
        && let Some((number, span)) = block.number(file, keys.port)
    {
        // `P_USHORT`: the number is cut to 16 bits.
        return Located::explicit((number & 0xffff) as u16, span);
    }
    let port = match (protocol, security) {
        (_, Security::ImplicitTls) => protocol.implicit_tls_port(),
        (Protocol::Smtp, _) => 25,
        (_, _) => protocol.starttls_port(),
    };
    let at = block.boolean(file, keys.set_port).map_or(block.insert_at, |(_, span)| span);
    Located::default(port, at, format!("without `{}` Claws Mail uses {port}", keys.set_port))
}

fn username(file: &IniFile, block: &Block, protocol: Protocol) -> Option<Located<String>> {
    let key = if protocol == Protocol::Smtp { "smtp_user_id" } else { "user_id" };
    let (user, span) = block.value(file, key).filter(|(u, _)| !u.is_empty())?;
    Some(Located::explicit(user.to_owned(), span))
}

/// POP3: APOP when `use_apop_auth`, else USER/PASS. SMTP: none unless `use_smtp_auth`
/// (default TRUE). The IMAP and SMTP mechanisms (`imap_auth_method`, `smtp_auth_method`, 0 =
/// automatic) are chosen at run time from what the server offers: not known from the file.
fn auth(file: &IniFile, block: &Block, protocol: Protocol) -> Located<AuthMethod> {
    let default =
        |method, reason: &str| Located::default(method, block.insert_at, reason.to_owned());
    match protocol {
        Protocol::Pop3 => match block.boolean(file, "use_apop_auth") {
            Some((true, span)) => Located::explicit(AuthMethod::PasswordEncrypted, span),
            _ => default(AuthMethod::PasswordCleartext, "POP3 USER/PASS"),
        },
        Protocol::Smtp => match block.boolean(file, "use_smtp_auth") {
            Some((false, span)) => Located::explicit(AuthMethod::None, span),
            _ => {
                default(AuthMethod::Unknown, "the mechanism is chosen from what the server offers")
            }
        },
        Protocol::Imap => {
            default(AuthMethod::Unknown, "the mechanism is chosen from what the server offers")
        }
    }
}

/// Passwords written in `accountrc` itself (`password`, `smtp_password`: `P_PASSWORD`, which
/// versions before 3.17 kept there, encrypted with the key built into every copy).
pub fn inline_passwords(file: &IniFile, block: &Block) -> Passwords {
    let secret = |key: &str| {
        block.value(file, key).filter(|(v, _)| !v.is_empty()).map(|(_, span)| StoredSecret {
            kind: SecretKind::Password,
            setting: key.to_owned(),
            span,
        })
    };
    Passwords {
        receive: secret("password").into_iter().collect(),
        send: secret("smtp_password").into_iter().collect(),
    }
}

/// The span of a secret, for the unit's list.
pub fn spans(passwords: &Passwords) -> impl Iterator<Item = Span> + '_ {
    passwords.receive.iter().chain(&passwords.send).map(|s| s.span)
}
