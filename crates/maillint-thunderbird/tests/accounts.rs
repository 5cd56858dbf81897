//! Account assembly from real profile folders (reference section 8): listed accounts,
//! identities and their outgoing servers, defaults with their reasons and insertion points,
//! `user.js` overriding `prefs.js`, `host:port` host names, and servers no account uses.

mod common;

use common::{ProfileDir, origin};
use maillint_core::{AuthMethod, Protocol, Security};

const GMAIL_PREFS: &str = r#"// Mozilla User Preferences

user_pref("mail.account.account1.identities", "id1");
user_pref("mail.account.account1.server", "server1");
user_pref("mail.account.account2.server", "server2");
user_pref("mail.accountmanager.accounts", "account1,account2");
user_pref("mail.identity.id1.smtpServer", "smtp1");
user_pref("mail.identity.id1.useremail", "me@gmail.com");
user_pref("mail.server.server1.authMethod", 10);
user_pref("mail.server.server1.hostname", "imap.gmail.com");
user_pref("mail.server.server1.socketType", 3);
user_pref("mail.server.server1.type", "imap");
user_pref("mail.server.server1.userName", "me@gmail.com");
user_pref("mail.server.server2.hostname", "Local Folders");
user_pref("mail.server.server2.type", "none");
user_pref("mail.smtp.defaultserver", "smtp1");
user_pref("mail.smtpserver.smtp1.authMethod", 10);
user_pref("mail.smtpserver.smtp1.hostname", "smtp.gmail.com");
user_pref("mail.smtpserver.smtp1.port", 465);
user_pref("mail.smtpserver.smtp1.try_ssl", 3);
user_pref("mail.smtpserver.smtp1.username", "me@gmail.com");
user_pref("mail.smtpservers", "smtp1");
"#;

#[test]
fn gmail_profile_with_defaulted_port() {
    let profile = ProfileDir::new(&[("prefs.js", GMAIL_PREFS)]);
    let parsed = profile.parse("prefs.js");
    assert!(parsed.unit.diagnostics.is_empty(), "{:?}", parsed.unit.diagnostics);
    // Local Folders (type none) is no mail endpoint, and its account has no identity.
    assert_eq!(parsed.unit.accounts.len(), 1, "{}", parsed.summary());
    let account = parsed.account("account1");
    assert_eq!(account.name, "account1 (me@gmail.com)");
    assert_eq!(parsed.at(account.email.as_ref().unwrap().span), "prefs.js:8:42");
    assert_eq!(
        parsed.text(account.span),
        r#"user_pref("mail.account.account1.server", "server1");"#
    );

    let (_, _, imap) = parsed.endpoint("server:server1");
    assert_eq!(imap.protocol, Protocol::Imap);
    let host = imap.host.as_ref().unwrap();
    assert_eq!(host.value, "imap.gmail.com");
    assert_eq!(parsed.text(host.span), "\"imap.gmail.com\"");
    assert_eq!(
        (imap.security.value, origin(&imap.security.origin)),
        (Security::ImplicitTls, "explicit")
    );
    assert_eq!(imap.auth.value, AuthMethod::Oauth2);
    assert_eq!(imap.username.as_ref().unwrap().value, "me@gmail.com");

    // No port pref: the SSL default, at the point where the pref would be inserted
    // (sorted between `hostname` and `socketType`).
    let port = imap.port.as_ref().unwrap();
    assert_eq!(port.value, 993);
    assert!(port.is_default());
    assert_eq!(
        port.reason().unwrap(),
        "Thunderbird uses port 993 for IMAP when no port is set and socketType is 3"
    );
    assert!(port.span.range.is_empty());
    assert_eq!(parsed.at(port.span), "prefs.js:11:1");

    let (_, _, smtp) = parsed.endpoint("smtp:smtp1");
    assert_eq!(
        parsed.endpoint_line(smtp),
        "smtp:smtp1 smtp host=smtp.gmail.com(explicit prefs.js:18:45) port=465(explicit prefs.js:19:41) security=implicit-tls(explicit prefs.js:20:44) auth=oauth2(explicit prefs.js:17:47) user=me@gmail.com(explicit prefs.js:21:45)"
    );
    assert_eq!(parsed.text(imap.span).lines().count(), 5, "the server1 block");
}

#[test]
fn user_js_overrides_prefs_js_and_spans_point_into_it() {
    let user_js = "// my overrides\nuser_pref(\"mail.server.server1.socketType\", 2);\nuser_pref(\"mail.server.server1.port\", 143);\n";
    let profile = ProfileDir::new(&[("prefs.js", GMAIL_PREFS), ("user.js", user_js)]);
    // Entering through user.js parses the same unit, rooted at prefs.js.
    for entry in ["prefs.js", "user.js"] {
        let parsed = profile.parse(entry);
        let (_, _, imap) = parsed.endpoint("server:server1");
        assert_eq!(imap.security.value, Security::StarttlsRequired);
        assert_eq!(parsed.at(imap.security.span), "user.js:2:45");
        assert_eq!(imap.port.as_ref().unwrap().value, 143);
        assert_eq!(parsed.at(imap.port.as_ref().unwrap().span), "user.js:3:39");
        // Values user.js does not set still come from prefs.js.
        assert_eq!(parsed.at(imap.host.as_ref().unwrap().span), "prefs.js:10:43");
    }
}

#[test]
fn socket_type_decides_the_default_port() {
    let prefs = GMAIL_PREFS
        .replace("\"mail.server.server1.socketType\", 3", "\"mail.server.server1.socketType\", 2");
    let parsed = ProfileDir::new(&[("prefs.js", &prefs)]).parse("prefs.js");
    let (_, _, imap) = parsed.endpoint("server:server1");
    // Pitfall T4: STARTTLS without a port pref resolves to 143.
    assert_eq!(imap.port.as_ref().unwrap().value, 143);
    assert_eq!(
        imap.port.as_ref().unwrap().reason().unwrap(),
        "Thunderbird uses port 143 for IMAP when no port is set and socketType is not 3"
    );
}

#[test]
fn host_colon_port_is_split_like_thunderbird_does() {
    let prefs = r#"user_pref("mail.server.server4.hostname", "pop.example.org:995");
user_pref("mail.server.server4.port", 110);
user_pref("mail.server.server4.socketType", 3);
user_pref("mail.server.server4.type", "pop3");
"#;
    let parsed = ProfileDir::new(&[("prefs.js", prefs)]).parse("prefs.js");
    let (_, _, pop) = parsed.endpoint("server:server4");
    let host = pop.host.as_ref().unwrap();
    assert_eq!(host.value, "pop.example.org");
    assert_eq!(parsed.text(host.span), "pop.example.org");
    let port = pop.port.as_ref().unwrap();
    // The port in the host name wins over the port pref (GetHostName calls SetPort).
    assert_eq!(port.value, 995);
    assert_eq!(parsed.text(port.span), "995");
    assert_eq!(origin(&port.origin), "derived");
}

#[test]
fn servers_without_account_become_accounts_of_their_own() {
    // A dotfiles fragment: no account list, no identities.
    let prefs = r#"user_pref("mail.server.server2.hostname", "imap.example.com");
user_pref("mail.server.server2.socketType", 1);
user_pref("mail.server.server2.type", "imap");
user_pref("mail.server.server10.hostname", "mail.example.com");
user_pref("mail.server.server10.type", "pop3");
user_pref("mail.server.server3.type", "rss");
user_pref("mail.smtpserver.smtp1.hostname", "smtp.example.com");
"#;
    let parsed = ProfileDir::new(&[("prefs.js", prefs)]).parse("prefs.js");
    let names: Vec<&str> = parsed.unit.accounts.iter().map(|a| a.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "server2 (server not used by any account)",
            "server10 (server not used by any account)",
            "smtp1 (outgoing server not used by any account)",
        ]
    );
    let (_, _, imap) = parsed.endpoint("server:server2");
    assert_eq!(imap.security.value, Security::StarttlsOptional);
    assert_eq!(parsed.text(parsed.account("server2").span).lines().count(), 3);
    let (_, _, pop) = parsed.endpoint("server:server10");
    assert_eq!(pop.port.as_ref().unwrap().value, 110);
    assert_eq!(pop.security.value, Security::None);
    assert!(pop.security.is_default());
    assert_eq!(pop.auth.value, AuthMethod::PasswordCleartext);
    assert!(pop.auth.is_default());
    let (_, _, smtp) = parsed.endpoint("smtp:smtp1");
    assert_eq!(smtp.port.as_ref().unwrap().value, 587);
    assert_eq!(
        smtp.port.as_ref().unwrap().reason().unwrap(),
        "Thunderbird uses port 587 for SMTP when no port is set and try_ssl is not 3 (Thunderbird 89 and later; 25 before)"
    );
}

#[test]
fn outgoing_server_defaults_and_identity_resolution() {
    let prefs = r#"user_pref("mail.account.account1.identities", "id1,id2");
user_pref("mail.account.account1.server", "server1");
user_pref("mail.accountmanager.accounts", "account1");
user_pref("mail.identity.id1.smtpServer", "");
user_pref("mail.identity.id1.useremail", "a@example.com");
user_pref("mail.identity.id2.smtpServer", "smtp3");
user_pref("mail.server.server1.hostname", "imap.example.com");
user_pref("mail.server.server1.type", "imap");
user_pref("mail.smtpserver.smtp2.hostname", "smtp.example.com");
user_pref("mail.smtpserver.smtp2.try_ssl", 3);
user_pref("mail.smtpserver.smtp3.hostname", "relay.example.com");
user_pref("mail.smtpserver.smtp3.port", 0);
user_pref("mail.smtpserver.smtp3.try_ssl", 2);
user_pref("mail.smtpserver.smtp4.hostname", "ews.example.com");
user_pref("mail.smtpserver.smtp4.type", "ews");
user_pref("mail.smtpservers", "smtp2,smtp3,smtp4");
"#;
    let parsed = ProfileDir::new(&[("prefs.js", prefs)]).parse("prefs.js");
    let account = parsed.account("account1");
    let locators: Vec<&str> = account.endpoints.iter().map(|e| e.locator.as_str()).collect();
    // id1 has an empty smtpServer and no mail.smtp.defaultserver: the first listed server.
    assert_eq!(locators, ["server:server1", "smtp:smtp2", "smtp:smtp3"]);
    let (_, _, smtp2) = parsed.endpoint("smtp:smtp2");
    assert_eq!(smtp2.port.as_ref().unwrap().value, 465);
    assert!(smtp2.port.as_ref().unwrap().is_default());
    let (_, _, smtp3) = parsed.endpoint("smtp:smtp3");
    let port = smtp3.port.as_ref().unwrap();
    assert_eq!(port.value, 587);
    assert!(port.reason().unwrap().starts_with("port 0 means the default"));
    // The literal `0`, so a fix replaces it.
    assert_eq!(parsed.text(port.span), "0");
    assert_eq!(smtp3.security.value, Security::StarttlsRequired);
    // An EWS outgoing server (Thunderbird 127) is not SMTP.
    assert!(
        parsed.unit.accounts.iter().all(|a| a.endpoints.iter().all(|e| e.locator != "smtp:smtp4"))
    );
}

#[test]
fn legacy_is_secure_and_the_default_server_branch() {
    let prefs = r#"user_pref("mail.server.default.authMethod", 4);
user_pref("mail.server.default.socketType", 2);
user_pref("mail.server.server1.hostname", "a.example.com");
user_pref("mail.server.server1.isSecure", true);
user_pref("mail.server.server1.type", "imap");
user_pref("mail.server.server2.hostname", "b.example.com");
user_pref("mail.server.server2.type", "pop3");
"#;
    let parsed = ProfileDir::new(&[("prefs.js", prefs)]).parse("prefs.js");
    let (_, _, a) = parsed.endpoint("server:server1");
    assert_eq!(a.security.value, Security::ImplicitTls);
    assert_eq!(parsed.text(a.security.span), "true");
    assert!(a.security.reason().unwrap().starts_with("legacy isSecure=true"));
    assert_eq!(a.port.as_ref().unwrap().value, 993);
    let (_, _, b) = parsed.endpoint("server:server2");
    assert_eq!(b.security.value, Security::StarttlsRequired);
    assert_eq!(parsed.at(b.security.span), "prefs.js:2:45");
    assert_eq!(origin(&b.security.origin), "derived");
    assert_eq!(b.auth.value, AuthMethod::PasswordEncrypted);
    assert_eq!(b.port.as_ref().unwrap().value, 110);
}

#[test]
fn values_of_the_wrong_type_are_ignored_like_thunderbird_does() {
    let prefs = r#"user_pref("mail.server.server1.hostname", "imap.example.com");
user_pref("mail.server.server1.port", "993");
user_pref("mail.server.server1.socketType", 3);
user_pref("mail.server.server1.type", "imap");
"#;
    let parsed = ProfileDir::new(&[("prefs.js", prefs)]).parse("prefs.js");
    let (_, _, imap) = parsed.endpoint("server:server1");
    let port = imap.port.as_ref().unwrap();
    assert!(port.is_default());
    assert_eq!(port.value, 993);
    assert!(
        port.reason().unwrap().contains("the string value of mail.server.server1.port is ignored")
    );
}

#[test]
fn auth_methods_without_a_one_to_one_model_value_say_why() {
    let prefs = r#"user_pref("mail.server.server1.authMethod", 9);
user_pref("mail.server.server1.hostname", "a.example.com");
user_pref("mail.server.server1.type", "imap");
user_pref("mail.server.server2.authMethod", 8);
user_pref("mail.server.server2.hostname", "b.example.com");
user_pref("mail.server.server2.type", "imap");
user_pref("mail.server.server3.authMethod", 2);
user_pref("mail.server.server3.hostname", "c.example.com");
user_pref("mail.server.server3.socketType", 7);
user_pref("mail.server.server3.type", "pop3");
"#;
    let parsed = ProfileDir::new(&[("prefs.js", prefs)]).parse("prefs.js");
    let (_, _, a) = parsed.endpoint("server:server1");
    assert_eq!(a.auth.value, AuthMethod::Unknown);
    assert!(a.auth.reason().unwrap().contains("any method"));
    let (_, _, b) = parsed.endpoint("server:server2");
    assert_eq!(b.auth.value, AuthMethod::PasswordEncrypted);
    assert!(b.auth.reason().unwrap().contains("any secure method"));
    let (_, _, c) = parsed.endpoint("server:server3");
    assert_eq!(c.auth.value, AuthMethod::PasswordCleartext);
    assert_eq!(c.security.value, Security::Unknown);
    assert!(c.security.reason().unwrap().contains("not a socket type"));
}

#[test]
fn old_password_prefs_are_recorded_as_secrets_without_their_value() {
    let prefs = r#"user_pref("mail.accountmanager.accounts", "account1");
user_pref("mail.account.account1.server", "server1");
user_pref("mail.server.server1.type", "pop3");
user_pref("mail.server.server1.hostname", "mail.example.com");
user_pref("mail.server.server1.password", "s3cr\"t");
"#;
    let parsed = ProfileDir::new(&[("prefs.js", prefs)]).parse("prefs.js");
    let (_, _, pop) = parsed.endpoint("server:server1");
    assert_eq!(pop.secrets.len(), 1);
    assert_eq!(pop.secrets[0].setting, "mail.server.server1.password");
    assert_eq!(parsed.text(pop.secrets[0].span), "s3cr\\\"t");
    assert_eq!(parsed.unit.secrets, vec![pop.secrets[0].span]);
    let everything = format!("{}{:?}", parsed.summary(), parsed.unit.diagnostics);
    assert!(!everything.contains("s3cr"));
}

#[test]
fn passwords_of_servers_that_are_no_endpoint_are_still_redacted() {
    let prefs = r#"user_pref("mail.server.server3.password", "hunter2");
user_pref("mail.server.server3.type", "nntp");
user_pref("mail.server.server4.password", "");
"#;
    let parsed = ProfileDir::new(&[("prefs.js", prefs)]).parse("prefs.js");
    assert!(parsed.unit.accounts.is_empty());
    let redacted: Vec<&str> = parsed.unit.secrets.iter().map(|s| parsed.text(*s)).collect();
    assert_eq!(redacted, ["hunter2"]);
}

#[test]
fn a_server_spans_its_prefs_when_they_are_interleaved_and_split_across_files() {
    // Unsorted prefs.js: the two servers' prefs alternate, so each server's statements come in
    // several runs, and user.js adds to both.
    let prefs = "user_pref(\"mail.server.server1.hostname\", \"a.example\");\n\
                 user_pref(\"mail.server.server2.hostname\", \"b.example\");\n\
                 user_pref(\"mail.server.server1.type\", \"imap\");\n\
                 user_pref(\"mail.server.server2.type\", \"imap\");\n\
                 user_pref(\"mail.server.server1.port\", 143);\n\
                 user_pref(\"x\", 1);\n";
    let user = "user_pref(\"mail.server.server1.socketType\", 3);\n\
                user_pref(\"mail.server.server2.hostname\", \"c.example\");\n";
    let profile = ProfileDir::new(&[("prefs.js", prefs), ("user.js", user)]);
    let parsed = profile.parse("prefs.js");
    let (_, _, first) = parsed.endpoint("server:server1");
    assert_eq!(parsed.file_name(first.span.file), "prefs.js");
    let text = parsed.text(first.span);
    assert!(text.starts_with("user_pref(\"mail.server.server1.hostname\""), "{text}");
    assert!(text.ends_with("user_pref(\"mail.server.server1.port\", 143);"), "{text}");
    // server2's host name is set in user.js: its settings live there.
    let (_, _, second) = parsed.endpoint("server:server2");
    assert_eq!(parsed.file_name(second.span.file), "user.js");
    assert_eq!(
        parsed.text(second.span),
        "user_pref(\"mail.server.server2.hostname\", \"c.example\");"
    );
}
