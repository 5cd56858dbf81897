//! The commands msmtp 1.8.23 knows, the setting each one writes, and the arguments it accepts.
//!
//! Source: `read_conffile` in msmtp's `src/conf.c` (marlam/msmtp, tag `msmtp-1.8.23`), one
//! `strcmp(cmd, ...)` branch per command; the manual is `doc/msmtp.texi` at the same tag. Several
//! commands write one setting (`tls_nocertcheck` is the 1.2.x spelling of `tls_certcheck off`);
//! [`Command::field`] names the setting by its canonical command, which is also the bit of the
//! account's `mask` that inheritance (`account a : b`) copies (`override_account`).

/// What a command accepts as its argument; anything else is msmtp's `invalid argument` (or
/// `needs an argument`, `does not take an argument`) and msmtp refuses the whole file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Check {
    /// Any text, empty included (an empty argument usually unsets the value).
    Any,
    /// Any text but not empty.
    NotEmpty,
    /// No argument at all.
    Nothing,
    /// `on`, `off`, or empty for `on` (`is_on`/`is_off`, compared exactly).
    OnOff,
    /// `on` or `off` only (`allow_from_override`).
    OnOffStrict,
    /// `auto`, `on`, `off`, or empty for `auto` (`set_from_header`).
    AutoOnOff,
    /// `auto`, `off`, or empty for `auto` (`set_date_header`, `set_msgid_header`).
    AutoOff,
    /// A port 1..=65535 as C's `strtol(s, &end, 0)` reads it, not empty.
    Port,
    /// Like [`Check::Port`], or empty.
    PortOrEmpty,
    /// `off` or a positive number, not empty (`timeout`).
    Timeout,
    /// A positive number, or empty (`tls_min_dh_prime_bits`).
    PositiveOrEmpty,
    /// `smtp` or `lmtp`.
    Protocol,
    /// Empty, `on`, `off`, or a method name in lower case (`check_auth_arg`).
    Auth,
    /// Empty, or a SHA-256, SHA-1 or MD5 fingerprint as `01:23:…` (`get_fingerprint`).
    Fingerprint,
    /// `off`, `headers` or `full`, not empty.
    DsnReturn,
    /// `never` or a comma list of `failure`, `delay`, `success` (`check_dsn_notify_arg`).
    DsnNotify,
    /// Empty, `on`, `off`, `LOG_USER`, `LOG_MAIL` or `LOG_LOCAL0`..`LOG_LOCAL7`.
    Syslog,
}

/// One command msmtp knows.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Command {
    /// The command word.
    pub name: &'static str,
    /// The setting it writes (its canonical command); `None` for a command msmtp ignores.
    pub field: Option<&'static str>,
    /// What its argument may be.
    pub check: Check,
}

const fn command(name: &'static str, field: &'static str, check: Check) -> Command {
    Command { name, field: Some(field), check }
}

/// Every command of `read_conffile` except `defaults`, `account` and `eval`, which shape the
/// file rather than set a value.
pub const COMMANDS: &[Command] = &[
    command("host", "host", Check::NotEmpty),
    command("port", "port", Check::Port),
    command("timeout", "timeout", Check::Timeout),
    // "For compatibility with versions <= 1.4.1, connect_timeout is accepted as an alias".
    command("connect_timeout", "timeout", Check::Timeout),
    command("protocol", "protocol", Check::Protocol),
    command("domain", "domain", Check::Any),
    command("from", "from", Check::Any),
    // "There is no mask value for this command": never inherited by `account a : b`.
    command("allow_from_override", "allow_from_override", Check::OnOffStrict),
    command("auth", "auth", Check::Auth),
    command("user", "user", Check::Any),
    command("password", "password", Check::Any),
    command("passwordeval", "passwordeval", Check::Any),
    command("ntlmdomain", "ntlmdomain", Check::Any),
    command("tls", "tls", Check::OnOff),
    command("tls_starttls", "tls_starttls", Check::OnOff),
    command("tls_key_file", "tls_key_file", Check::Any),
    command("tls_cert_file", "tls_cert_file", Check::Any),
    command("tls_trust_file", "tls_trust_file", Check::Any),
    command("tls_crl_file", "tls_crl_file", Check::Any),
    command("tls_fingerprint", "tls_fingerprint", Check::Fingerprint),
    command("tls_certcheck", "tls_certcheck", Check::OnOff),
    command("tls_min_dh_prime_bits", "tls_min_dh_prime_bits", Check::PositiveOrEmpty),
    command("tls_priorities", "tls_priorities", Check::Any),
    command("tls_host_override", "tls_host_override", Check::Any),
    command("dsn_return", "dsn_return", Check::DsnReturn),
    command("dsn_notify", "dsn_notify", Check::DsnNotify),
    command("logfile", "logfile", Check::Any),
    command("logfile_time_format", "logfile_time_format", Check::Any),
    command("syslog", "syslog", Check::Syslog),
    command("aliases", "aliases", Check::Any),
    command("proxy_host", "proxy_host", Check::Any),
    command("proxy_port", "proxy_port", Check::PortOrEmpty),
    command("set_from_header", "set_from_header", Check::AutoOnOff),
    command("set_date_header", "set_date_header", Check::AutoOff),
    command("set_msgid_header", "set_msgid_header", Check::AutoOff),
    command("remove_bcc_headers", "remove_bcc_headers", Check::OnOff),
    command("undisclosed_recipients", "undisclosed_recipients", Check::OnOff),
    command("source_ip", "source_ip", Check::Any),
    command("socket", "socket", Check::Any),
    // "compatibility with < 1.8.8": on means auto.
    command("add_missing_from_header", "set_from_header", Check::OnOff),
    command("add_missing_date_header", "set_date_header", Check::OnOff),
    // "compatibility with <= 1.8.7".
    command("auto_from", "auto_from", Check::OnOff),
    command("maildomain", "maildomain", Check::Any),
    // "compatibility with 1.4.x": keepbcc on = remove_bcc_headers off.
    command("keepbcc", "remove_bcc_headers", Check::OnOff),
    // "compatibility with 1.2.x": the argument-less forms of `tls_certcheck off` and
    // `tls_starttls off`.
    command("tls_nocertcheck", "tls_certcheck", Check::Nothing),
    command("tls_nostarttls", "tls_starttls", Check::Nothing),
    // "compatibility with versions <= 1.4.32: silently ignore".
    Command { name: "tls_force_sslv3", field: None, check: Check::Any },
];

/// The command named `name` (compared exactly: msmtp uses `strcmp`).
pub fn find(name: &str) -> Option<&'static Command> {
    COMMANDS.iter().find(|c| c.name == name)
}

/// The authentication methods `check_auth_arg` accepts, in lower case as they must be written.
pub const AUTH_METHODS: &[&str] = &[
    "plain",
    "cram-md5",
    "digest-md5",
    "scram-sha-1",
    "scram-sha-256",
    "gssapi",
    "external",
    "login",
    "ntlm",
    "oauthbearer",
    "xoauth2",
];

impl Check {
    /// Whether msmtp accepts `argument`; `Err` holds msmtp's complaint without the line
    /// number.
    pub fn accepts(self, argument: &str) -> Result<(), &'static str> {
        let ok = match self {
            Check::Any => true,
            Check::NotEmpty => return required(argument),
            Check::Nothing => return nothing(argument),
            Check::OnOff => matches!(argument, "" | "on" | "off"),
            Check::OnOffStrict => matches!(argument, "on" | "off"),
            Check::AutoOnOff => matches!(argument, "" | "auto" | "on" | "off"),
            Check::AutoOff => matches!(argument, "" | "auto" | "off"),
            Check::Port => {
                required(argument)?;
                strtol(argument).is_some_and(|n| (1..=65535).contains(&n))
            }
            Check::PortOrEmpty => {
                argument.is_empty() || strtol(argument).is_some_and(|n| (1..=65535).contains(&n))
            }
            Check::Timeout => {
                required(argument)?;
                argument == "off" || positive(argument)
            }
            Check::PositiveOrEmpty => argument.is_empty() || positive(argument),
            Check::Protocol => {
                required(argument)?;
                matches!(argument, "smtp" | "lmtp")
            }
            Check::Auth => {
                matches!(argument, "" | "on" | "off") || AUTH_METHODS.contains(&argument)
            }
            Check::Fingerprint => argument.is_empty() || fingerprint_ok(argument),
            Check::DsnReturn => {
                required(argument)?;
                matches!(argument, "off" | "headers" | "full")
            }
            Check::DsnNotify => {
                required(argument)?;
                argument == "off" || dsn_notify_ok(argument)
            }
            Check::Syslog => {
                matches!(argument, "" | "on" | "off" | "LOG_USER" | "LOG_MAIL")
                    || argument.strip_prefix("LOG_LOCAL").is_some_and(|n| {
                        n.len() == 1 && n.as_bytes()[0].is_ascii_digit() && n < "8"
                    })
            }
        };
        if ok { Ok(()) } else { Err("invalid argument") }
    }
}

fn required(argument: &str) -> Result<(), &'static str> {
    if argument.is_empty() { Err("needs an argument") } else { Ok(()) }
}

fn nothing(argument: &str) -> Result<(), &'static str> {
    if argument.is_empty() { Ok(()) } else { Err("does not take an argument") }
}

/// `get_pos_int`: a positive `int` read by `strtol(s, &end, 0)` with nothing after it.
fn positive(text: &str) -> bool {
    strtol(text).is_some_and(|n| n > 0 && n <= i64::from(i32::MAX))
}

/// C's `strtol(s, &end, 0)` where all of `s` must be read: leading white space, a sign, then
/// `0x` hexadecimal, `0` octal or decimal digits. `None` when nothing or not everything was
/// read, or on overflow.
pub fn strtol(text: &str) -> Option<i64> {
    let body = text.trim_start_matches([' ', '\t', '\n', '\x0b', '\x0c', '\r']);
    let (negative, body) = match body.as_bytes().first() {
        Some(b'-') => (true, &body[1..]),
        Some(b'+') => (false, &body[1..]),
        _ => (false, body),
    };
    let (radix, digits) = if let Some(hex) = body
        .strip_prefix("0x")
        .or_else(|| body.strip_prefix("0X"))
        .filter(|h| h.as_bytes().first().is_some_and(u8::is_ascii_hexdigit))
    {
        (16, hex)
    } else if body.len() > 1 && body.starts_with('0') {
        (8, &body[1..])
    } else {
        (10, body)
    };
    if digits.is_empty() || !digits.chars().all(|c| c.is_digit(radix)) {
        return None;
    }
    let value = i64::from_str_radix(digits, radix).ok()?;
    Some(if negative { -value } else { value })
}

/// `get_fingerprint` for the three lengths `tls_fingerprint` accepts (SHA-256, SHA-1, MD5):
/// hex pairs separated by `:` or a space.
fn fingerprint_ok(text: &str) -> bool {
    let bytes = text.as_bytes();
    let Some(len) = [32usize, 20, 16].into_iter().find(|n| bytes.len() == 3 * n - 1) else {
        return false;
    };
    (0..len).all(|i| {
        let pair = &bytes[3 * i..3 * i + 2];
        let separated = i == len - 1 || matches!(bytes[3 * i + 2], b':' | b' ');
        pair.iter().all(u8::is_ascii_hexdigit) && separated
    })
}

/// `check_dsn_notify_arg`: `never`, or each of `failure`, `delay`, `success` at most once,
/// separated by commas and nothing else.
fn dsn_notify_ok(text: &str) -> bool {
    if text == "never" {
        return true;
    }
    let words = ["failure", "delay", "success"];
    let found: Vec<&str> = words.iter().copied().filter(|w| text.contains(w)).collect();
    let letters: usize = found.iter().map(|w| w.len()).sum();
    let commas = text.matches(',').count();
    !found.is_empty() && text.len() == letters + found.len() - 1 && commas + 1 >= found.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strtol_reads_like_c_with_base_zero() {
        assert_eq!(strtol("587"), Some(587));
        assert_eq!(strtol(" +25"), Some(25));
        assert_eq!(strtol("0x1d1"), Some(465));
        assert_eq!(strtol("025"), Some(21));
        assert_eq!(strtol("0587"), None);
        assert_eq!(strtol("587 "), None);
        assert_eq!(strtol("-1"), Some(-1));
        assert_eq!(strtol(""), None);
        assert_eq!(strtol("0"), Some(0));
    }

    #[test]
    fn arguments_are_checked_as_msmtp_checks_them() {
        assert_eq!(Check::Port.accepts(""), Err("needs an argument"));
        assert_eq!(Check::Port.accepts("70000"), Err("invalid argument"));
        assert_eq!(Check::OnOff.accepts(""), Ok(()));
        assert_eq!(Check::OnOff.accepts("yes"), Err("invalid argument"));
        assert_eq!(Check::Auth.accepts("PLAIN"), Err("invalid argument"));
        assert_eq!(Check::Auth.accepts("xoauth2"), Ok(()));
        assert_eq!(Check::Nothing.accepts("on"), Err("does not take an argument"));
        let sha256 = ["7A"; 32].join(":");
        assert_eq!(Check::Fingerprint.accepts(&sha256), Ok(()));
        assert_eq!(
            Check::Fingerprint.accepts(&sha256[..sha256.len() - 1]),
            Err("invalid argument")
        );
        assert_eq!(Check::DsnNotify.accepts("failure,delay"), Ok(()));
        assert_eq!(Check::DsnNotify.accepts("failuredelay"), Err("invalid argument"));
        assert_eq!(Check::Syslog.accepts("LOG_LOCAL7"), Ok(()));
        assert_eq!(Check::Syslog.accepts("LOG_LOCAL8"), Err("invalid argument"));
    }
}
