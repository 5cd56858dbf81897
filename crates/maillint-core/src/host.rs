//! [`HostName`]: a server's host name, normalised once by the parser that read it.
//!
//! Every rule compares host names with the provider facts, with the user's `trusted-hosts` and
//! with each other. Before this type each rule normalised the text it was given (case, a
//! trailing dot, brackets, a `host:port` left in a Thunderbird `hostname`), each a little
//! differently. A parser now builds a [`HostName`] from the text it read, and rules compare it
//! as it is. The text as written stays available through the value's span (for messages that
//! quote the file and for fixes, which replace that span).
//!
//! The normal form is the one the provider facts are written in and the one a person reads:
//!
//! * surrounding white space, the brackets of an IPv6 literal (`[::1]`) and trailing dots (the
//!   DNS root, `imap.gmail.com.`) are dropped;
//! * a `:port` after a name is dropped (Thunderbird splits `host:port` at run time,
//!   nsMsgIncomingServer::GetHostName; a name never contains a colon, and IPv6 literals have
//!   more than one);
//! * internationalised names are in Unicode form, lower case (UTS #46 processing, the mapping
//!   browsers and mail clients apply before they look a name up): `XN--BRO-HOA.example` and
//!   `Büro.example` are both `büro.example`. Unicode form, not Punycode, because the look-alike
//!   checks count edits in characters: `gmаil.com` with a Cyrillic `а` is one edit from
//!   `gmail.com`, whereas its Punycode form `xn--gmil-63d.com` resembles nothing.
//!   [`HostName::to_ascii`] gives the Punycode form that DNS and TLS (SNI) use.
//!
//! Text that is no valid IDNA name (an underscore, a space, a placeholder) is only
//! lower-cased: a linter reports such a name; it must not turn it into something else.

use std::borrow::{Borrow, Cow};
use std::fmt;
use std::ops::Deref;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A host name in normal form (see the [module documentation](self)).
///
/// ```
/// use maillint_core::HostName;
///
/// let host = HostName::new(" IMAP.Gmail.com. ");
/// assert_eq!(host, "imap.gmail.com");
/// assert!(host.ends_with(".gmail.com")); // a HostName is a `str` for reading
/// assert_eq!(HostName::new("[::1]"), "::1");
/// assert_eq!(HostName::new("XN--BRO-HOA.example"), "büro.example");
/// assert_eq!(HostName::new("Büro.example").to_ascii(), "xn--bro-hoa.example");
/// ```
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct HostName(Box<str>);

impl HostName {
    /// Normalises `text`, a host name as written in a file.
    pub fn new(text: &str) -> Self {
        let name = strip_port(text.trim().trim_start_matches('[').trim_end_matches(']'));
        let name = name.trim_end_matches('.');
        Self(lower_case(name).into())
    }

    /// The name in normal form.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The name as DNS and TLS (SNI) want it: internationalised labels in Punycode
    /// (`xn--bro-hoa.example`). A name that is not valid IDNA is returned as it is.
    pub fn to_ascii(&self) -> Cow<'_, str> {
        if self.0.is_ascii() {
            return Cow::Borrowed(&self.0);
        }
        match idna::domain_to_ascii(&self.0) {
            Ok(ascii) => Cow::Owned(ascii),
            Err(_) => Cow::Borrowed(&self.0),
        }
    }
}

/// `name` without a trailing `:digits` when it has exactly one colon.
fn strip_port(name: &str) -> &str {
    match name.split_once(':') {
        Some((host, port))
            if !port.is_empty()
                && !port.contains(':')
                && port.bytes().all(|b| b.is_ascii_digit()) =>
        {
            host
        }
        _ => name,
    }
}

/// The lower-case (and, for internationalised names, Unicode) form of `name`.
fn lower_case(name: &str) -> String {
    let has_punycode = name
        .split('.')
        .any(|label| label.len() >= 4 && label.as_bytes()[..4].eq_ignore_ascii_case(b"xn--"));
    if name.is_ascii() && !has_punycode {
        // Nearly every host: no IDNA processing needed (UTS #46 maps ASCII by lower-casing).
        return name.to_ascii_lowercase();
    }
    match idna::domain_to_unicode(name) {
        (unicode, Ok(())) => unicode,
        (_, Err(_)) => name.to_lowercase(),
    }
}

impl Deref for HostName {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for HostName {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl Borrow<str> for HostName {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for HostName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl fmt::Debug for HostName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.0, f)
    }
}

impl From<&str> for HostName {
    fn from(text: &str) -> Self {
        Self::new(text)
    }
}

impl From<String> for HostName {
    fn from(text: String) -> Self {
        Self::new(&text)
    }
}

impl PartialEq<str> for HostName {
    fn eq(&self, other: &str) -> bool {
        *self.0 == *other
    }
}

impl PartialEq<&str> for HostName {
    fn eq(&self, other: &&str) -> bool {
        *self.0 == **other
    }
}

impl PartialEq<String> for HostName {
    fn eq(&self, other: &String) -> bool {
        *self.0 == **other
    }
}

impl PartialEq<HostName> for str {
    fn eq(&self, other: &HostName) -> bool {
        *self == *other.0
    }
}

impl PartialEq<HostName> for &str {
    fn eq(&self, other: &HostName) -> bool {
        **self == *other.0
    }
}

impl PartialEq<HostName> for String {
    fn eq(&self, other: &HostName) -> bool {
        **self == *other.0
    }
}

impl Serialize for HostName {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for HostName {
    /// Any string: it is normalised like a parser's text.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = Cow::<'de, str>::deserialize(deserializer)?;
        Ok(Self::new(&text))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_trailing_dots_brackets_and_white_space_go() {
        for (written, normal) in [
            ("IMAP.GMAIL.COM", "imap.gmail.com"),
            ("imap.gmail.com.", "imap.gmail.com"),
            ("  smtp.example.net\t", "smtp.example.net"),
            ("[::1]", "::1"),
            ("[2001:DB8::1]", "2001:db8::1"),
            ("127.0.0.1", "127.0.0.1"),
            ("", ""),
        ] {
            assert_eq!(HostName::new(written), normal, "{written:?}");
        }
    }

    #[test]
    fn a_port_after_a_name_goes_but_ipv6_literals_stay_whole() {
        assert_eq!(HostName::new("imap.gmail.com:993"), "imap.gmail.com");
        assert_eq!(HostName::new("Imap.Gmail.com.:993"), "imap.gmail.com");
        assert_eq!(HostName::new("::1"), "::1");
        assert_eq!(HostName::new("fe80::1:993"), "fe80::1:993");
        // Not a port: kept, so the rules see (and report) the odd name.
        assert_eq!(HostName::new("mail.example.net:imaps"), "mail.example.net:imaps");
        assert_eq!(HostName::new("mail.example.net:"), "mail.example.net:");
    }

    #[test]
    fn internationalised_names_are_in_lower_case_unicode_form() {
        assert_eq!(HostName::new("XN--BRO-HOA.Example"), "büro.example");
        assert_eq!(HostName::new("BÜRO.example"), "büro.example");
        // UTS #46 maps full-width letters to ASCII, as a resolver would.
        assert_eq!(HostName::new("ｇmail.com"), "gmail.com");
        // A Cyrillic `а` stays itself: one character away from `gmail.com`.
        let homograph = HostName::new("xn--gmil-63d.com");
        assert_eq!(homograph, "gm\u{430}il.com");
        assert_eq!(homograph.to_ascii(), "xn--gmil-63d.com");
    }

    #[test]
    fn names_that_are_not_valid_idna_are_only_lower_cased() {
        assert_eq!(HostName::new("Mail_Server.Example"), "mail_server.example");
        assert_eq!(HostName::new("%EMAILDOMAIN%"), "%emaildomain%");
        assert_eq!(HostName::new("mail_server.example").to_ascii(), "mail_server.example");
    }

    #[test]
    fn serialises_as_a_string_and_normalises_what_it_reads() {
        let host = HostName::new("Mail.Example.org");
        assert_eq!(serde_json::to_string(&host).unwrap(), "\"mail.example.org\"");
        let read: HostName = serde_json::from_str("\"Mail.Example.org.\"").unwrap();
        assert_eq!(read, host);
        assert_eq!(format!("{host} {host:?}"), "mail.example.org \"mail.example.org\"");
    }
}
