//! What the server settings of an mbsyncrc mean, with mbsync's defaults, and the values
//! mbsync refuses (`imap_parse_store` in isync's `src/drv_imap.c`, v1.5.0 and v1.4.4;
//! `parse_bool`, `parse_int` in `src/config.c`).

use maillint_core::{Security, TlsVersion};

use crate::config::{ConfError, Server};
use crate::syntax::{Command, Word};

/// `parse_bool`: `yes`, `true`, `on` (without case) or `1`; `no`, `false`, `off` or `0`.
pub fn boolean(value: &str) -> Option<bool> {
    let lower = value.to_ascii_lowercase();
    match lower.as_str() {
        "yes" | "true" | "on" | "1" => Some(true),
        "no" | "false" | "off" | "0" => Some(false),
        _ => None,
    }
}

/// `parse_int`: `strtol(val, &p, 10)` with nothing left over; then the port check
/// `(unsigned)port > 0xffff`.
pub fn port(value: &str) -> Option<u16> {
    let body = value.trim_start_matches([' ', '\t', '\n', '\x0b', '\x0c', '\r']);
    let digits = body.strip_prefix('+').unwrap_or(body);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse::<u32>().ok().and_then(|p| u16::try_from(p).ok())
}

/// `TLSType`/`SSLType`: `None`, `STARTTLS` or `IMAPS`, without case.
pub fn tls_type(value: &str) -> Option<Security> {
    match value.to_ascii_lowercase().as_str() {
        "none" => Some(Security::None),
        "starttls" => Some(Security::StarttlsRequired),
        "imaps" => Some(Security::ImplicitTls),
        _ => None,
    }
}

/// One word of `SSLVersions`: `TLSv1`..`TLSv1.3` enable a version; `SSLv2` and `SSLv3` are
/// "no longer supported" (a warning, nothing enabled).
pub fn ssl_version(value: &str) -> Result<Option<TlsVersion>, &'static str> {
    match value.to_ascii_lowercase().as_str() {
        "sslv2" | "sslv3" => Ok(None),
        "tlsv1" => Ok(Some(TlsVersion::Tls1_0)),
        "tlsv1.1" => Ok(Some(TlsVersion::Tls1_1)),
        "tlsv1.2" => Ok(Some(TlsVersion::Tls1_2)),
        "tlsv1.3" => Ok(Some(TlsVersion::Tls1_3)),
        _ => Err("Unrecognized SSL version"),
    }
}

/// One word of `TLSVersions` (v1.5): `+` or `-` and `1.0`..`1.3`, compared exactly.
pub fn tls_version(value: &str) -> Result<(bool, TlsVersion), &'static str> {
    let (enable, version) = match value.as_bytes().first() {
        Some(b'+') => (true, &value[1..]),
        Some(b'-') => (false, &value[1..]),
        _ => return Err("TLSVersions arguments must start with +/-"),
    };
    let version = match version {
        "1.0" => TlsVersion::Tls1_0,
        "1.1" => TlsVersion::Tls1_1,
        "1.2" => TlsVersion::Tls1_2,
        "1.3" => TlsVersion::Tls1_3,
        _ => return Err("Unrecognized TLS version"),
    };
    Ok((enable, version))
}

const BOOLEANS: &[&str] = &[
    "systemcertificates",
    "usekeychain",
    "requirecram",
    "requiressl",
    "useimaps",
    "usetlsv1",
    "usetlsv1.1",
    "usetlsv1.2",
    "usetlsv1.3",
];

/// The values of `server` that mbsync refuses.
pub fn check(server: &Server) -> Vec<ConfError> {
    let mut errors = Vec::new();
    let mut refuse = |word: &Word, message: String| {
        errors.push(ConfError { range: word.raw.clone(), message });
    };
    for (key, command) in &server.settings {
        let Some(value) = command.value() else { continue };
        let v = value.value.as_str();
        if key == "port" && port(v).is_none() {
            refuse(value, format!("invalid port number `{v}`"));
        } else if matches!(key.as_str(), "ssltype" | "tlstype") && tls_type(v).is_none() {
            refuse(value, format!("invalid TLS type `{v}` (None, STARTTLS or IMAPS)"));
        } else if BOOLEANS.contains(&key.as_str()) && boolean(v).is_none() {
            refuse(value, format!("invalid boolean value `{v}`"));
        } else if matches!(key.as_str(), "sslversion" | "sslversions") {
            for word in &command.args {
                if let Err(message) = ssl_version(&word.value) {
                    refuse(word, format!("{message}: `{}`", word.value));
                }
            }
        } else if key == "tlsversions" {
            for word in &command.args {
                if let Err(message) = tls_version(&word.value) {
                    refuse(word, format!("{message}: `{}`", word.value));
                }
            }
        }
    }
    errors
}

/// What v1.4.4's legacy options give.
pub struct Legacy<'a> {
    /// The security.
    pub security: Security,
    /// The last legacy line, which the security is reported at.
    pub deciding: &'a Command,
    /// The versions turned on explicitly (`UseTLSv1.1 yes`), with their lines.
    pub versions: Vec<(TlsVersion, &'a Command)>,
}

/// The legacy options v1.4.4 still reads instead of `SSLType` (`UseIMAPS`, `RequireSSL`,
/// `UseTLSv1*`): the security they give and the versions they enable, or `None` when none is
/// written. mbsync 1.4.4 computes `ssl_versions = (UseTLSv1 == no ? 0 : TLSv1) | (UseTLSv1.1
/// == yes ? TLSv1_1 : 0) | ...` and then the type: `UseIMAPS yes` is IMAPS, else `RequireSSL`
/// (unless `no`) is STARTTLS, else no version left is None, else STARTTLS ("'RequireSSL no'
/// is being ignored").
pub fn legacy(server: &Server) -> Option<Legacy<'_>> {
    let flag = |key: &str| server.get(key).map(|c| (c.value().and_then(|w| boolean(&w.value)), c));
    let keys = ["useimaps", "requiressl", "usetlsv1", "usetlsv1.1", "usetlsv1.2", "usetlsv1.3"];
    let deciding = keys.iter().filter_map(|k| server.get(k)).max_by_key(|c| c.number)?;
    let mut versions = Vec::new();
    let table = [
        ("usetlsv1", TlsVersion::Tls1_0),
        ("usetlsv1.1", TlsVersion::Tls1_1),
        ("usetlsv1.2", TlsVersion::Tls1_2),
        ("usetlsv1.3", TlsVersion::Tls1_3),
    ];
    for (key, version) in table {
        let on = match flag(key) {
            Some((value, command)) => value.unwrap_or(false).then_some(command),
            None => None,
        };
        if let Some(command) = on {
            versions.push((version, command));
        }
    }
    let tls1_default_on = flag("usetlsv1").is_none();
    let security = match (flag("useimaps"), flag("requiressl")) {
        (Some((Some(true), _)), _) => Security::ImplicitTls,
        (_, Some((Some(false), _))) if versions.is_empty() && !tls1_default_on => Security::None,
        _ => Security::StarttlsRequired,
    };
    Some(Legacy { security, deciding, versions })
}
