//! The mapping lines of outlook.md 1.3 and the account types of 1.2.

use maillint_core::Protocol;

use super::ini::Section;

/// The mapping lines of outlook.md 1.3 (section 7 maps of Office-Customization-Tool files),
/// used when a fix has to add a key's mapping. `None` for the protocol means both.
const KNOWN_MAPPINGS: &[(&str, &str, Option<Protocol>)] = &[
    ("AccountName", "PT_UNICODE,0x0002", None),
    ("DisplayName", "PT_UNICODE,0x000B", None),
    ("EmailAddress", "PT_UNICODE,0x000C", None),
    ("ReplyEmailAddress", "PT_UNICODE,0x0103", None),
    ("Organization", "PT_UNICODE,0x0107", None),
    ("POP3Server", "PT_UNICODE,0x0100", Some(Protocol::Pop3)),
    ("IMAPServer", "PT_UNICODE,0x0100", Some(Protocol::Imap)),
    ("POP3UserName", "PT_UNICODE,0x0101", Some(Protocol::Pop3)),
    ("IMAPUserName", "PT_UNICODE,0x0101", Some(Protocol::Imap)),
    ("POP3Port", "PT_LONG,0x0104", Some(Protocol::Pop3)),
    ("IMAPPort", "PT_LONG,0x0104", Some(Protocol::Imap)),
    ("POP3UseSSL", "PT_LONG,0x0105", Some(Protocol::Pop3)),
    ("IMAPUseSSL", "PT_LONG,0x0105", Some(Protocol::Imap)),
    ("POP3UseSPA", "PT_LONG,0x0108", Some(Protocol::Pop3)),
    ("IMAPUseSPA", "PT_LONG,0x0108", Some(Protocol::Imap)),
    ("SMTPServer", "PT_UNICODE,0x0200", None),
    ("SMTPPort", "PT_LONG,0x0201", None),
    ("SMTPUseSSL", "PT_LONG,0x0202", None),
    ("SMTPSecureConnection", "PT_LONG,0x020A", None),
    ("SMTPUseAuth", "PT_LONG,0x0203", None),
    ("SMTPUserName", "PT_UNICODE,0x0204", None),
    ("SMTPUseSPA", "PT_LONG,0x0207", None),
    ("SMTPAuthMethod", "PT_LONG,0x0208", None),
    ("ServerTimeOut", "PT_LONG,0x0209", None),
    ("ConnectionType", "PT_LONG,0x000F", None),
    ("ConnectionOID", "PT_UNICODE,0x0010", None),
    ("LeaveOnServer", "PT_LONG,0x1000", Some(Protocol::Pop3)),
    ("CheckNewImap", "PT_LONG,0x1100", Some(Protocol::Imap)),
    ("RootFolder", "PT_UNICODE,0x1101", Some(Protocol::Imap)),
];

/// `[AccountN]` keys that are not account properties and so have no mapping line
/// (outlook.md 1.3, "–" in the map column).
pub(super) const UNMAPPED_BY_DESIGN: &[&str] = &["UniqueService", "DefaultAccount"];

pub(super) fn known_mapping(key: &str, protocol: Protocol) -> Option<(&'static str, &'static str)> {
    KNOWN_MAPPINGS
        .iter()
        .find(|(k, _, p)| k.eq_ignore_ascii_case(key) && p.is_none_or(|p| p == protocol))
        .map(|(k, m, _)| (*k, *m))
}

/// The protocol of an account type: the mapping section's `AccountType` (`POP3`, also written
/// `POP`, or `IMAP`), else the type name (`I_Mail` = POP3, `IMAP_I_Mail` = IMAP); `INET_HTTP`
/// is obsolete HTTP mail (outlook.md 1.2).
pub(super) enum AccountKind {
    Mail(Protocol),
    Http,
    Unknown,
}

pub(super) fn account_kind(type_name: &str, map: Option<&Section>) -> AccountKind {
    if let Some(account_type) = map.and_then(|m| m.get("AccountType")) {
        match account_type.value.to_ascii_uppercase().as_str() {
            "POP3" | "POP" => return AccountKind::Mail(Protocol::Pop3),
            "IMAP" => return AccountKind::Mail(Protocol::Imap),
            "HTTP" => return AccountKind::Http,
            _ => {}
        }
    }
    match type_name.to_ascii_uppercase().as_str() {
        "I_MAIL" => AccountKind::Mail(Protocol::Pop3),
        "IMAP_I_MAIL" => AccountKind::Mail(Protocol::Imap),
        "INET_HTTP" => AccountKind::Http,
        _ => AccountKind::Unknown,
    }
}
