//! Reading Mozilla's ISPDB (`thunderbird/autoconfig`, directory `ispdb/`): one `clientConfig`
//! file per provider, as Thunderbird's reader
//! (`mail/components/accountcreation/modules/readFromXML.sys.mjs`, summarised in
//! `../shared/reference/providers.md` section 2.2) understands it.
//!
//! Only what maillint's provider facts need is kept: the domains (with the XML comment that
//! stands before each, since MX-only domains are marked by comments alone), the display name,
//! and each server's type, host, port and socket type. Entities (`1&amp;1`) are resolved.

use std::path::Path;

use quick_xml::events::Event;

/// One `<emailProvider>`.
#[derive(Debug, Default)]
pub struct IspdbProvider {
    /// `<displayName>`.
    pub display_name: String,
    /// `<domain>`s in file order, each with the last comment seen before it in the provider.
    pub domains: Vec<Domain>,
    /// `<incomingServer>`s and `<outgoingServer>`s in file order.
    pub servers: Vec<IspdbServer>,
}

/// A `<domain>` and the comment that governs it.
#[derive(Debug)]
pub struct Domain {
    /// Lower-cased domain.
    pub name: String,
    /// The comments seen before it inside the provider, white space collapsed, in order.
    pub comments_before: Vec<String>,
}

/// An incoming or outgoing server.
#[derive(Debug, Default, Clone)]
pub struct IspdbServer {
    /// `type`: `imap`, `pop3`, `smtp`, `exchange`, `ews`, `owa`, `graph`.
    pub kind: String,
    /// `<hostname>`, possibly with placeholders.
    pub hostname: String,
    /// `<port>`, when present.
    pub port: Option<String>,
    /// The first `<socketType>` (Thunderbird uses the first supported one).
    pub socket_type: Option<String>,
}

/// Reads every provider of one ISPDB file.
pub fn read_file(path: &Path) -> Result<Vec<IspdbProvider>, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("{}: cannot read: {e}", path.display()))?;
    parse(&text).map_err(|e| format!("{}: {e}", path.display()))
}

/// Parses one `clientConfig` document.
pub fn parse(text: &str) -> Result<Vec<IspdbProvider>, String> {
    let mut reader = quick_xml::Reader::from_str(text);
    let mut state = State::default();
    loop {
        let at = reader.buffer_position();
        match reader.read_event().map_err(|e| format!("byte {at}: {e}"))? {
            Event::Start(e) => {
                let name = e.local_name().as_ref().to_owned();
                let attribute = |key: &str| -> Option<String> {
                    e.try_get_attribute(key).ok().flatten().map(|a| a.value.into_owned())
                };
                state.open(&name, attribute("type"));
            }
            Event::End(_) => state.close(),
            Event::Text(t) => state.text.push_str(&t.xml10_content()),
            Event::CData(t) => state.text.push_str(&t.xml10_content()),
            Event::GeneralRef(r) => {
                let name = r.xml10_content();
                let resolved = match r.resolve_char_ref() {
                    Ok(Some(c)) => c.to_string(),
                    _ => quick_xml::escape::resolve_predefined_entity(&name)
                        .ok_or_else(|| format!("byte {at}: unknown entity &{name};"))?
                        .to_owned(),
                };
                state.text.push_str(&resolved);
            }
            Event::Comment(c) => {
                if let Some(provider) = state.provider.as_mut() {
                    let content = c.xml10_content();
                    let words: Vec<&str> = content.split_whitespace().collect();
                    provider.1.push(words.join(" "));
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(state.done)
}

/// The reader's position: open elements, the provider and server being read.
#[derive(Default)]
struct State {
    path: Vec<String>,
    text: String,
    /// The provider being read and the comments seen in it so far.
    provider: Option<(IspdbProvider, Vec<String>)>,
    server: Option<IspdbServer>,
    done: Vec<IspdbProvider>,
}

impl State {
    fn open(&mut self, name: &str, kind: Option<String>) {
        match name {
            "emailProvider" => {
                self.provider = Some((IspdbProvider::default(), Vec::new()));
            }
            "incomingServer" | "outgoingServer" if self.provider.is_some() => {
                self.server =
                    Some(IspdbServer { kind: kind.unwrap_or_default(), ..Default::default() });
            }
            _ => {}
        }
        self.path.push(name.to_owned());
        self.text.clear();
    }

    fn close(&mut self) {
        let Some(name) = self.path.pop() else { return };
        let text = std::mem::take(&mut self.text).trim().to_owned();
        let parent = self.path.last().map(String::as_str);
        match (name.as_str(), parent) {
            ("emailProvider", _) => {
                if let Some((provider, _)) = self.provider.take() {
                    self.done.push(provider);
                }
            }
            ("incomingServer" | "outgoingServer", _) => {
                if let (Some(server), Some((provider, _))) =
                    (self.server.take(), self.provider.as_mut())
                {
                    provider.servers.push(server);
                }
            }
            ("domain", Some("emailProvider")) => {
                if let Some((provider, comments)) = self.provider.as_mut() {
                    let comments_before = comments.clone();
                    provider
                        .domains
                        .push(Domain { name: text.to_ascii_lowercase(), comments_before });
                }
            }
            ("displayName", Some("emailProvider")) => {
                if let Some((provider, _)) = self.provider.as_mut() {
                    provider.display_name = text;
                }
            }
            (field, Some("incomingServer" | "outgoingServer")) => {
                if let Some(server) = self.server.as_mut() {
                    match field {
                        "hostname" => server.hostname = text,
                        "port" => server.port = Some(text),
                        "socketType" if server.socket_type.is_none() => {
                            server.socket_type = Some(text);
                        }
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn domains_keep_their_comments_and_servers_their_first_socket_type() {
        let providers = parse(
            r#"<?xml version="1.0"?>
<clientConfig version="1.1">
  <emailProvider id="example.net">
    <domain>Example.net</domain>
    <!-- MX -->
    <domain>mx.example.org</domain>
    <displayName>Ex &amp; Co</displayName>
    <incomingServer type="imap">
      <hostname>imap.example.net</hostname>
      <port>993</port>
      <socketType>SSL</socketType>
      <socketType>STARTTLS</socketType>
    </incomingServer>
    <outgoingServer type="smtp">
      <hostname>mail.%EMAILDOMAIN%</hostname>
      <port>587</port>
      <socketType>plain</socketType>
    </outgoingServer>
  </emailProvider>
</clientConfig>"#,
        )
        .unwrap();
        assert_eq!(providers.len(), 1);
        let p = &providers[0];
        assert_eq!(p.display_name, "Ex & Co");
        assert_eq!(p.domains[0].name, "example.net");
        assert!(p.domains[0].comments_before.is_empty());
        assert_eq!(p.domains[1].comments_before, ["MX"]);
        assert_eq!(p.servers.len(), 2);
        assert_eq!(p.servers[0].socket_type.as_deref(), Some("SSL"));
        assert_eq!(p.servers[1].hostname, "mail.%EMAILDOMAIN%");
        assert_eq!(p.servers[1].kind, "smtp");
    }
}
