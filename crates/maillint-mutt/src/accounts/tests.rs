//! Tests of the account building: URL grouping, security, ports and addresses.

use super::*;

#[test]
fn addresses() {
    let text = "Stefan T <me@example.org>";
    assert_eq!(&text[address_in(text).unwrap()], "me@example.org");
    assert_eq!(address_in("  me@x.org "), Some(2..10));
    assert_eq!(address_in("Stefan"), None);
}

#[test]
fn every_variable_an_endpoint_reads_is_a_neomutt_variable() {
    let settings = [&IMAP_SETTINGS, &POP_SETTINGS, &SMTP_SETTINGS];
    let mut known: Vec<&Known> = (settings.iter())
        .flat_map(|s| [&s.user, &s.pass, &s.authenticators, &s.oauth_refresh])
        .collect();
    known.extend(TLS_VERSION_VARS.iter().map(|(var, _)| var));
    known.extend(FOLDER_VARS.iter().chain(&VERIFY_VARS));
    known.extend([&SSL_FORCE_TLS, &SSL_STARTTLS, &TUNNEL, &TUNNEL_IS_SECURE]);
    for var in known {
        assert!(var.def().is_some(), "{}", var.name);
    }
}

#[test]
fn a_shared_mailbox_listed_twice_is_one_occurrence() {
    let entry = |text: &str, start: usize| {
        let value = SpannedText::copied(maillint_core::FileId(0), start, text);
        Arc::new(MailboxEntry { value: value.clone(), written: value, hook: None })
    };
    let inbox = entry("imaps://u:pw@imap.example.org/INBOX", 0);
    let sent = entry("imaps://imap.example.org/Sent", 40);
    let mut once = State::new(None);
    once.mailboxes = Arc::new(vec![Arc::clone(&inbox), Arc::clone(&sent)]);
    let mut twice = once.clone();
    twice.mailboxes = Arc::new(vec![inbox.clone(), sent.clone(), inbox, sent]);
    let fresh = || MailboxUrls::default();
    let (once_servers, twice_servers) =
        (servers(&once, &mut fresh()), servers(&twice, &mut fresh()));
    assert_eq!(once_servers.len(), 1);
    assert_eq!(twice_servers[0].list.len(), 2, "each shared entry is read once");
    assert_eq!(describe(&once, &mut fresh()), describe(&twice, &mut fresh()));
    // The URLs parsed for one state serve another that shares its entries.
    let mut shared = MailboxUrls::default();
    assert_eq!(describe(&once, &mut shared), describe(&twice, &mut fresh()));
    assert_eq!(shared.parsed.len(), 2);
    assert_eq!(describe(&twice, &mut shared), describe(&twice, &mut fresh()));
    assert_eq!(shared.parsed.len(), 2, "no entry parsed twice");
}

/// Every endpoint of a state's servers, with its URL edits.
fn describe<'s>(state: &'s State, mailbox_urls: &mut MailboxUrls<'s>) -> Vec<String> {
    let servers = servers(state, mailbox_urls);
    let mut out: Vec<String> = Vec::new();
    for mut server in servers {
        let built = server.build(state, Flavour::NeoMutt, None);
        out.push(format!("{:?} {:?}", built.endpoint, built.edit.urls));
    }
    out
}
