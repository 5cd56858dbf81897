//! The parts of a 2.x `imap.server` / `smtp.server` value: `scheme://host:port/path`, or a
//! bare authority `host[:port]` that himalaya reads as the protocol's TLS scheme (v2.0.0
//! `src/config.rs`, `parse_server`: "any string without an explicit `://` is treated as an
//! authority" under `imaps://` / `smtps://`).

use std::ops::Range;

/// A server value cut into parts, with ranges into the value's text.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Server {
    /// The scheme as written (`imap`), without `://`; `None` for a bare authority.
    pub scheme: Option<(String, Range<usize>)>,
    /// `user@` before the host, kept as written by fixes.
    pub userinfo: String,
    /// The host (brackets kept for an IPv6 literal).
    pub host: (String, Range<usize>),
    /// The port as written: its number (`None` when it is not one) and its text's range.
    pub port: Option<(Option<u16>, Range<usize>)>,
    /// What follows the authority (`/path?query`), kept as written by fixes.
    pub rest: String,
}

impl Server {
    /// Cuts `text`; `None` when there is no host.
    pub fn parse(text: &str) -> Option<Server> {
        let (scheme, authority_start) = match text.find("://") {
            Some(end) => (Some((text[..end].to_ascii_lowercase(), 0..end)), end + 3),
            None => (None, 0),
        };
        let after = &text[authority_start..];
        let authority_len = after.find(['/', '?', '#']).unwrap_or(after.len());
        let authority = &after[..authority_len];
        let host_start = authority.rfind('@').map_or(0, |at| at + 1);
        let hostport = &authority[host_start..];
        let host_len = match hostport.strip_prefix('[') {
            Some(v6) => v6.find(']').map_or(hostport.len(), |end| end + 2),
            None => hostport.find(':').unwrap_or(hostport.len()),
        };
        if host_len == 0 {
            return None;
        }
        let base = authority_start + host_start;
        let port = hostport[host_len..].strip_prefix(':').map(|port| {
            let start = base + host_len + 1;
            (port.parse::<u16>().ok(), start..start + port.len())
        });
        Some(Server {
            scheme,
            userinfo: authority[..host_start].to_owned(),
            host: (hostport[..host_len].to_owned(), base..base + host_len),
            port,
            rest: after[authority_len..].to_owned(),
        })
    }

    /// Where the host ends (where `:PORT` goes when none is written).
    pub fn host_end(&self) -> usize {
        self.host.1.end
    }

    /// The text of the server with `scheme`, `host` and `port` (`None`: no port written); a
    /// bare authority stays bare when the scheme is the one himalaya gives it (`bare_scheme`).
    pub fn render(&self, scheme: &str, host: &str, port: Option<u16>, bare_scheme: &str) -> String {
        let mut out = String::new();
        if self.scheme.is_some() || scheme != bare_scheme {
            out.push_str(scheme);
            out.push_str("://");
        }
        out.push_str(&self.userinfo);
        out.push_str(host);
        if let Some(port) = port {
            out.push_str(&format!(":{port}"));
        }
        out.push_str(&self.rest);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cuts_urls_and_bare_authorities() {
        let url = Server::parse("imap://me@imap.example.org:143/x").unwrap();
        assert_eq!(url.scheme, Some(("imap".to_owned(), 0..4)));
        assert_eq!(url.host, ("imap.example.org".to_owned(), 10..26));
        assert_eq!(url.port, Some((Some(143), 27..30)));
        assert_eq!((url.userinfo.as_str(), url.rest.as_str()), ("me@", "/x"));
        let bare = Server::parse("mail.example.org").unwrap();
        assert_eq!((bare.scheme, bare.port), (None, None));
        assert_eq!(bare.host.1, 0..16);
        let v6 = Server::parse("[::1]:1993").unwrap();
        assert_eq!(v6.host.0, "[::1]");
        assert_eq!(v6.port, Some((Some(1993), 6..10)));
        assert_eq!(Server::parse("imaps://:993"), None);
        assert_eq!(Server::parse("x:port").unwrap().port, Some((None, 2..6)));
    }

    #[test]
    fn renders_with_changed_parts() {
        let bare = Server::parse("mail.example.org").unwrap();
        assert_eq!(bare.render("imaps", "mail.example.org", None, "imaps"), "mail.example.org");
        assert_eq!(
            bare.render("imap", "mail.example.org", Some(143), "imaps"),
            "imap://mail.example.org:143"
        );
        let url = Server::parse("imap://u@h:143/p").unwrap();
        assert_eq!(url.render("imaps", "h2", Some(993), "imaps"), "imaps://u@h2:993/p");
    }
}
