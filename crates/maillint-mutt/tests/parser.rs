//! Parser behaviour, one test per feature of the muttrc syntax and of the account model
//! (mutt.md sections 1 to 5). Values are checked through `effective_variables`, which the
//! oracle test compares with NeoMutt itself; spans are checked against the exact bytes of the
//! file.

mod support;

use std::path::Path;

use maillint_core::{
    AuthMethod, Origin, Parser, Protocol, SecretKind, Security, SourceFile, Sources, TlsVersion,
};
use maillint_mutt::MuttParser;
use support::*;

// ----- variable commands (mutt.md section 2) --------------------------------------------

#[test]
fn set_unset_toggle_reset() {
    assert_eq!(value("unset ssl_force_tls", "ssl_force_tls"), "no");
    assert_eq!(value("unset ssl_force_tls\nset ssl_force_tls", "ssl_force_tls"), "yes");
    assert_eq!(value("toggle ssl_verify_host", "ssl_verify_host"), "no");
    assert_eq!(value("set ssl_verify_host=no\nreset ssl_verify_host", "ssl_verify_host"), "yes");
    assert_eq!(value("set imap_user=a\nunset imap_user", "imap_user"), "");
    assert_eq!(value("set imap_user=a\nreset all", "imap_user"), "");
}

#[test]
fn several_assignments_in_one_set() {
    let text = "set imap_user=me ssl_force_tls=no nossl_verify_dates";
    assert_eq!(value(text, "imap_user"), "me");
    assert_eq!(value(text, "ssl_force_tls"), "no");
    assert_eq!(value(text, "ssl_verify_dates"), "no");
}

#[test]
fn no_inv_and_reset_prefixes() {
    assert_eq!(value("set nossl_force_tls", "ssl_force_tls"), "no");
    assert_eq!(value("set ssl_force_tls\nset invssl_force_tls", "ssl_force_tls"), "no");
    assert_eq!(value("set nossl_force_tls\nset &ssl_force_tls", "ssl_force_tls"), "yes");
    // A quad toggles yes ↔ no and ask-yes ↔ ask-no.
    assert_eq!(value("set ssl_starttls=ask-yes\nset invssl_starttls", "ssl_starttls"), "ask-no");
    // `no` on a name that is not a boolean reads as `no` + the rest (mutt.md section 2).
    let (_, unit) = parse_text("set nosuchvar=1 imap_user=lost");
    assert!(unit.diagnostics.iter().any(|d| d.message.contains("`suchvar`")));
    assert_eq!(value("set nosuchvar=1 imap_user=lost", "imap_user"), "");
}

#[test]
fn plus_equals_appends_and_minus_equals_on_a_string_is_an_error() {
    assert_eq!(
        value("set imap_user=me\nset imap_user+=@example.org", "imap_user"),
        "me@example.org"
    );
    assert_eq!(value("set my_h=a\nset my_h+=b\nset imap_user=$my_h", "imap_user"), "ab");
    let (_, unit) = parse_text("set imap_user=abc\nset imap_user-=b");
    assert!(unit.diagnostics.iter().any(|d| d.message.contains("`-=`")));
    assert_eq!(value("set imap_user=abc\nset imap_user-=b", "imap_user"), "abc");
    assert_eq!(value("set ssl_force_tls+=yes", "ssl_force_tls"), "yes");
}

#[test]
fn my_variables_are_set_used_and_removed() {
    assert_eq!(value("set my_u=me\nset imap_user=$my_u", "imap_user"), "me");
    assert_eq!(value("set my_u=me\nset imap_user=\"<${my_u}>\"", "imap_user"), "<me>");
    // After `unset`, `$my_u` is not defined in the files read: unknown, never guessed.
    assert!(is_unknown("set my_u=me\nunset my_u\nset imap_user=$my_u", "imap_user"));
}

#[test]
fn boolean_words_and_invalid_values() {
    assert_eq!(value("set ssl_force_tls=OFF", "ssl_force_tls"), "no");
    assert_eq!(value("set ssl_force_tls=0", "ssl_force_tls"), "no");
    assert_eq!(value("set ssl_starttls=ASK-YES", "ssl_starttls"), "ask-yes");
    // An invalid value keeps the old one and ends the line.
    let text = "set ssl_force_tls=maybe ssl_verify_host=no";
    assert_eq!(value(text, "ssl_force_tls"), "yes");
    assert_eq!(value(text, "ssl_verify_host"), "yes");
    let (_, unit) = parse_text(text);
    assert_eq!(rule_names(&unit), ["parse-error"]);
}

// ----- lexical syntax (mutt.md section 1) -------------------------------------------------

#[test]
fn single_quotes_are_literal() {
    assert_eq!(value("set imap_user='lit $HOME \\n x'", "imap_user"), "lit $HOME \\n x");
}

#[test]
fn double_quotes_take_escapes_and_variables() {
    assert_eq!(value(r#"set imap_user="a\"b\\c\t\101""#, "imap_user"), "a\"b\\c\tA");
    assert_eq!(value("set imap_user=\"$HOME/x\"", "imap_user"), format!("{HOME}/x"));
    assert_eq!(
        value("set folder=imaps://h/\nset imap_user=\"$folder\"", "imap_user"),
        "imaps://h/"
    );
}

#[test]
fn backslash_escapes_outside_quotes() {
    assert_eq!(value(r"set imap_user=plain\ word", "imap_user"), "plain word");
    assert_eq!(value(r"set imap_user=a\#b", "imap_user"), "a#b");
}

#[test]
fn quotes_concatenate() {
    assert_eq!(value(r#"set imap_user=a"b c"d'e'"#, "imap_user"), "ab cde");
}

#[test]
fn hash_starts_a_comment_even_inside_a_word() {
    // mutt.md section 1 (verified): `set smtp_pass=abc#def` gives `abc`.
    assert_eq!(value("set imap_user=abc#def", "imap_user"), "abc");
    assert_eq!(value(r#"set imap_user = "s3cr#et"   # comment"#, "imap_user"), "s3cr#et");
    let (_, unit) = parse_text("set imap_pass=abc#def");
    assert_eq!(rule_names(&unit), ["comment-truncates-value"]);
    let message = &unit.diagnostics[0].message;
    assert!(!message.contains("abc"), "the value stays out of the message: {message}");
    let (_, unit) = parse_text("set imap_pass=abc # a comment");
    assert!(unit.diagnostics.is_empty());
}

#[test]
fn semicolons_separate_commands() {
    let text = "set imap_user=a; set smtp_url=smtps://h/ ;set folder=imaps://f/";
    assert_eq!(value(text, "imap_user"), "a");
    assert_eq!(value(text, "smtp_url"), "smtps://h/");
    assert_eq!(value(text, "folder"), "imaps://f/");
}

#[test]
fn continuation_joins_lines_and_spans_map_to_the_original_bytes() {
    let text = "set folder=imaps://\\\nimap.example.org:\\\r\n993/\n";
    let (sources, unit) = parse_text(text);
    let endpoint = &unit.accounts[0].endpoints[0];
    let host = endpoint.host.as_ref().unwrap();
    assert_eq!(host.value, "imap.example.org");
    assert_eq!(slice(&sources, host.span), "imap.example.org");
    assert_eq!(sources.start(host.span).line, 2);
    let port = endpoint.port.as_ref().unwrap();
    assert!(port.is_explicit());
    assert_eq!(slice(&sources, port.span), "993");
    assert_eq!(sources.start(port.span).line, 3);
    // A commented line ending in `\` swallows the next one.
    assert_eq!(value("# x \\\nset imap_user=lost\n", "imap_user"), "");
}

#[test]
fn quoted_and_escaped_url_parts_map_back_exactly() {
    let text = "set smtp_url = \"smtp://johan\\@user:hunter2-not-real@smtp.example.org:587\"\n";
    let (sources, unit) = parse_text(text);
    let endpoint = &unit.accounts[0].endpoints[0];
    assert_eq!(endpoint.protocol, Protocol::Smtp);
    let user = endpoint.username.as_ref().unwrap();
    assert_eq!(user.value, "johan@user");
    assert_eq!(slice(&sources, user.span), "johan\\@user");
    let secret = &endpoint.secrets[0];
    assert_eq!(secret.kind, SecretKind::Password);
    assert_eq!(slice(&sources, secret.span), "hunter2-not-real");
    assert!(unit.secrets.contains(&secret.span));
    assert_eq!(slice(&sources, endpoint.host.as_ref().unwrap().span), "smtp.example.org");
    assert_eq!(slice(&sources, endpoint.port.as_ref().unwrap().span), "587");
    assert_eq!(slice(&sources, endpoint.security.span), "smtp");
}

// ----- files, conditionals, hooks (mutt.md section 3) -------------------------------------

#[test]
fn ifdef_ifndef_and_finish() {
    let text = "ifdef imap 'set imap_user=yes-imap'\n\
                ifndef imap 'set smtp_url=never'\n\
                ifndef no_such_thing finish\n\
                set folder=imaps://after-finish/\n";
    assert_eq!(value(text, "imap_user"), "yes-imap");
    assert_eq!(value(text, "smtp_url"), "");
    assert_ne!(value(text, "folder"), "imaps://after-finish/");
    // An unknown symbol could only be an environment variable: treated as undefined, said so.
    let (_, unit) = parse_text(text);
    assert!(
        unit.diagnostics
            .iter()
            .any(|d| d.rule.name == "not-followed" && d.message.contains("no_such_thing"))
    );
    // The file's path does not name NeoMutt: mutt may read it and does not know these.
    assert!(rule_names(&unit).contains(&"neomutt-only-syntax".to_owned()));
    let (_, unit) =
        parse_text_at(Path::new("/home/user/.config/neomutt/neomuttrc"), "ifdef imap finish\n");
    assert!(!rule_names(&unit).contains(&"neomutt-only-syntax".to_owned()));
}

#[test]
fn source_is_relative_to_the_sourcing_file_and_adds_it_to_sources() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("accounts")).unwrap();
    std::fs::write(
        dir.path().join("accounts/work.rc"),
        "source ../creds.rc\nset folder=imaps://w/\n",
    )
    .unwrap();
    std::fs::write(dir.path().join("creds.rc"), "set imap_pass=hunter2-not-real\n").unwrap();
    let root = dir.path().join("muttrc");
    let (sources, unit) = parse_text_at(&root, "source accounts/work.rc\n");
    assert_eq!(sources.len(), 3);
    let endpoint = &unit.accounts[0].endpoints[0];
    let secret = &endpoint.secrets[0];
    assert_eq!(secret.setting, "imap_pass");
    assert_ne!(secret.span.file, ROOT);
    assert!(sources.get(secret.span.file).path().ends_with("creds.rc"));
    assert_eq!(slice(&sources, secret.span), "hunter2-not-real");
}

#[test]
fn tilde_uses_the_home_from_the_options_only() {
    let home = tempfile::tempdir().unwrap();
    std::fs::write(home.path().join("account.rc"), "set imap_user=from-home\n").unwrap();
    let mut sources = Sources::new();
    let root = sources.add(SourceFile::from_text("/nonexistent/muttrc", "source ~/account.rc\n"));
    let options = maillint_core::ParseOptions {
        home: Some(home.path().to_path_buf()),
        ..maillint_core::ParseOptions::default()
    };
    let config = maillint_mutt::effective_variables(root, &mut sources, &options);
    assert_eq!(
        config.get("imap_user"),
        Some(&maillint_mutt::EffectiveValue::Known("from-home".to_owned()))
    );
    // Without a home in the options, `~` is unknown: not followed, and said so.
    let mut sources = Sources::new();
    let root = sources.add(SourceFile::from_text("/nonexistent/muttrc", "source ~/account.rc\n"));
    let unit = MuttParser.parse(root, &mut sources, &maillint_core::ParseOptions::default());
    assert_eq!(sources.len(), 1);
    assert!(unit.diagnostics.iter().any(|d| d.rule.name == "not-followed"));
}

#[test]
fn missing_files_cycles_and_depth_are_diagnostics() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.rc"), "source b.rc\n").unwrap();
    std::fs::write(dir.path().join("b.rc"), "source a.rc\n").unwrap();
    let (_, unit) = parse_text_at(&dir.path().join("muttrc"), "source a.rc\nsource gone.rc\n");
    let messages: Vec<&str> = unit.diagnostics.iter().map(|d| d.message.as_str()).collect();
    assert!(messages.iter().any(|m| m.contains("cyclic")), "{messages:?}");
    assert!(messages.iter().any(|m| m.contains("gone.rc") && m.contains("no such file")));

    // A chain deeper than the bound stops with a diagnostic instead of recursing on.
    let deep = tempfile::tempdir().unwrap();
    for i in 0..40 {
        std::fs::write(deep.path().join(format!("{i}.rc")), format!("source {}.rc\n", i + 1))
            .unwrap();
    }
    let (sources, unit) = parse_text_at(&deep.path().join("muttrc"), "source 0.rc\n");
    assert!(unit.diagnostics.iter().any(|d| d.message.contains("nested more than")));
    assert!(sources.len() <= 33);
}

#[test]
fn commands_and_the_environment_are_never_used() {
    let dir = tempfile::tempdir().unwrap();
    let marker = dir.path().join("ran");
    let text = format!(
        "set imap_pass=\"`touch {m}`\"\nsource \"touch {m} |\"\nset imap_user=`touch {m}`\n\
         set smtp_url=$PATH\nlua-source {m}\n",
        m = marker.display()
    );
    let (_, unit) = parse_text(&text);
    assert!(!marker.exists(), "a command was run");
    let not_followed = unit.diagnostics.iter().filter(|d| d.rule.name == "not-followed").count();
    assert!(not_followed >= 5, "{:#?}", unit.diagnostics);
    // The process's PATH is never read.
    assert!(is_unknown("set smtp_url=$PATH", "smtp_url"));
    assert!(is_unknown("set imap_pass=`pass show mail`", "imap_pass"));
    // A password from a command is not a stored secret.
    let (_, unit) = parse_text("set imap_pass=\"`pass show mail`\"\nset folder=imaps://h/\n");
    assert!(unit.secrets.is_empty());
    assert!(unit.accounts[0].endpoints[0].secrets.is_empty());
}

#[test]
fn hook_bodies_are_read_as_commands_and_make_their_own_account() {
    let text = "set folder=imaps://imap.example.org/\n\
                account-hook imap.example.org 'set imap_user=me imap_pass=\"hunter2-not-real\"'\n\
                folder-hook . 'unset ssl_force_tls'\n";
    let (sources, unit) = parse_text(text);
    // Hook bodies do not change the configuration NeoMutt starts with.
    assert_eq!(value(text, "imap_user"), "");
    assert_eq!(value(text, "ssl_force_tls"), "yes");
    let hook = unit.accounts.iter().find(|a| a.name.starts_with("account-hook")).unwrap();
    let endpoint = &hook.endpoints[0];
    assert_eq!(endpoint.username.as_ref().unwrap().value, "me");
    assert_eq!(slice(&sources, endpoint.secrets[0].span), "hunter2-not-real");
    assert!(unit.secrets.contains(&endpoint.secrets[0].span));
    // A hook that does not touch a server of an account makes no account.
    assert!(!unit.accounts.iter().any(|a| a.name.starts_with("folder-hook")));
}

#[test]
fn account_files_are_accounts_of_their_own() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("a.rc"), "set folder=imaps://imap.a.example/\n").unwrap();
    std::fs::write(dir.path().join("b.rc"), "set folder=imaps://imap.b.example/\n").unwrap();
    let (_, unit) = parse_text_at(&dir.path().join("muttrc"), "source a.rc\nsource b.rc\n");
    let names: Vec<&str> = unit.accounts.iter().map(|a| a.name.as_str()).collect();
    assert_eq!(names, ["a.rc", "b.rc"]);
    let hosts: Vec<&str> = unit
        .accounts
        .iter()
        .map(|a| a.endpoints[0].host.as_ref().unwrap().value.as_str())
        .collect();
    assert_eq!(hosts, ["imap.a.example", "imap.b.example"]);
}

// ----- accounts and endpoints (mutt.md sections 4 and 5) ----------------------------------

fn only_endpoint(text: &str) -> (Sources, maillint_core::Endpoint) {
    let (sources, unit) = parse_text(text);
    assert_eq!(unit.accounts.len(), 1, "{text}");
    assert_eq!(unit.accounts[0].endpoints.len(), 1, "{text}");
    (sources, unit.accounts[0].endpoints[0].clone())
}

#[test]
fn implicit_tls_schemes_and_default_ports() {
    for (url, protocol, port) in [
        ("set folder=imaps://h.example/", Protocol::Imap, 993),
        ("set folder=pops://h.example/", Protocol::Pop3, 995),
        ("set smtp_url=smtps://h.example/", Protocol::Smtp, 465),
        ("set folder=imap://h.example/", Protocol::Imap, 143),
        ("set spoolfile=pop://h.example/", Protocol::Pop3, 110),
        // mutt and NeoMutt: smtp:// without a port is the smtp service port, 25.
        ("set smtp_url=smtp://h.example/", Protocol::Smtp, 25),
    ] {
        let (_, e) = only_endpoint(url);
        assert_eq!(e.protocol, protocol, "{url}");
        let p = e.port.unwrap();
        assert_eq!(p.value, port, "{url}");
        assert!(p.is_default(), "{url}");
        assert!(p.reason().unwrap().contains(&port.to_string()));
        let implicit = url.contains("s://");
        assert_eq!(e.security.value == Security::ImplicitTls, implicit, "{url}");
    }
}

#[test]
fn starttls_required_or_optional_from_ssl_force_tls_and_ssl_starttls() {
    // NeoMutt's default (a file only NeoMutt reads) requires STARTTLS; a file mutt may read
    // gets mutt's older default too (held_out.rs).
    let neomuttrc = Path::new("/home/user/.config/neomutt/neomuttrc");
    let (_, unit) = parse_text_at(neomuttrc, "set folder=imap://h.example/");
    let e = &unit.accounts[0].endpoints[0];
    assert_eq!(e.security.value, Security::StarttlsRequired);
    assert!(matches!(&e.security.origin, Origin::Derived { reason } if reason.contains("default")));
    let (_, e) = only_endpoint("set folder=imap://h.example/");
    assert_eq!(e.security.value, Security::StarttlsOptional);

    let (sources, e) = only_endpoint("unset ssl_force_tls\nset folder=imap://h.example/");
    assert_eq!(e.security.value, Security::StarttlsOptional);
    assert_eq!(slice(&sources, e.security.span), "ssl_force_tls");

    let (sources, e) =
        only_endpoint("set ssl_force_tls=no ssl_starttls=no\nset smtp_url=smtp://h.example:587/");
    assert_eq!(e.security.value, Security::None);
    assert_eq!(slice(&sources, e.security.span), "ssl_starttls=no");

    let (_, e) = only_endpoint("set ssl_force_tls=`x`\nset folder=imap://h.example/");
    assert_eq!(e.security.value, Security::Unknown);
}

#[test]
fn endpoints_from_every_source_of_urls() {
    let text = "set folder=imaps://imap.example.org/\n\
                set spoolfile=+INBOX\n\
                mailboxes imaps://other.example.org/INBOX\n\
                named-mailboxes Work imap://work.example.org/\n\
                set pop_host=pop.example.org\n\
                set smtp_url=smtps://smtp.example.org/\n";
    let (_, unit) = parse_text(text);
    let endpoints: Vec<String> = unit.accounts[0]
        .endpoints
        .iter()
        .map(|e| format!("{} {}", e.protocol, e.host.as_ref().unwrap().value))
        .collect();
    assert_eq!(
        endpoints,
        [
            "IMAP imap.example.org",
            "IMAP other.example.org",
            "IMAP work.example.org",
            "POP3 pop.example.org",
            "SMTP smtp.example.org"
        ]
    );
}

#[test]
fn username_from_url_or_imap_user_and_email_from_from() {
    let (sources, unit) = parse_text(
        "set from=\"Me <me@example.org>\"\nset imap_user=login\nset folder=imaps://imap.example.org/",
    );
    let account = &unit.accounts[0];
    let email = account.email.as_ref().unwrap();
    assert_eq!(email.value, "me@example.org");
    assert_eq!(slice(&sources, email.span), "me@example.org");
    let user = account.endpoints[0].username.as_ref().unwrap();
    assert_eq!(user.value, "login");
    assert_eq!(slice(&sources, user.span), "login");
    let (_, unit) = parse_text("set imap_user=me@example.org\nset folder=imaps://u%40x@h/");
    assert_eq!(unit.accounts[0].email.as_ref().unwrap().value, "me@example.org");
    assert_eq!(unit.accounts[0].endpoints[0].username.as_ref().unwrap().value, "u@x");
}

#[test]
fn certificate_checks_secrets_tls_versions_and_auth() {
    let text = "set folder=imaps://h.example/\n\
                unset ssl_verify_dates\n\
                set ssl_use_tlsv1=yes ssl_use_sslv3\n\
                set imap_pass=\"hunter2-not-real\"\n";
    let (sources, e) = only_endpoint(text);
    let cert = e.certificate_verification_disabled.unwrap();
    assert!(cert.value);
    assert_eq!(slice(&sources, cert.span), "ssl_verify_dates");
    let versions: Vec<TlsVersion> = e.tls_versions.iter().map(|v| v.value).collect();
    assert_eq!(versions, [TlsVersion::Ssl3, TlsVersion::Tls1_0]);
    assert_eq!(slice(&sources, e.tls_versions[1].span), "ssl_use_tlsv1=yes");
    assert_eq!(e.secrets.len(), 1);
    assert_eq!(slice(&sources, e.secrets[0].span), "hunter2-not-real");
    assert_eq!(e.auth.value, AuthMethod::PasswordCleartext);

    let (_, e) =
        only_endpoint("set folder=imaps://h/\nset imap_authenticators=\"oauthbearer:xoauth2\"");
    assert_eq!(e.auth.value, AuthMethod::Oauth2);
    let (_, e) = only_endpoint("set folder=imaps://h/\nset imap_oauth_refresh_command=\"x\"");
    assert_eq!(e.auth.value, AuthMethod::Oauth2);
    let (_, e) = only_endpoint("set folder=imaps://h/");
    assert_eq!(e.auth.value, AuthMethod::Unknown);
    assert!(e.auth.is_default());
}

#[test]
fn urls_to_one_server_are_one_endpoint() {
    let (_, unit) = parse_text(
        "set folder=imaps://imap.example.org:993/\nset spoolfile=imaps://imap.example.org/INBOX\n\
         mailboxes imaps://IMAP.example.org/Sent\n",
    );
    assert_eq!(unit.accounts[0].endpoints.len(), 1);
}

#[test]
fn detection() {
    use maillint_core::Confidence;
    assert_eq!(MuttParser.detect(Path::new("/h/.muttrc"), b""), Some(Confidence::Name));
    assert_eq!(
        MuttParser.detect(Path::new("/h/notes.txt"), b"set folder=imaps://h/\nset imap_user=me\n"),
        Some(Confidence::Content)
    );
    assert_eq!(MuttParser.detect(Path::new("/h/prefs.js"), b"user_pref(\"a\", 1);\n"), None);
    assert_eq!(MuttParser.name(), "mutt");
    assert_eq!(MuttParser.client(), maillint_core::Client::named("mutt"));
    let codes: Vec<String> = MuttParser.rules().iter().map(|r| r.code.clone()).collect();
    assert_eq!(codes, ["K201", "K202", "K203", "K204", "K205", "K206"]);
}

#[test]
fn mutt_specific_rules() {
    let (_, unit) = parse_text("unset ssl_use_tlsv1_2\nunset ssl_use_tlsv1_3\n");
    assert_eq!(rule_names(&unit), ["tls-modern-versions-disabled"]);
    let (_, unit) = parse_text("set tunnel=\"ssh host imapd\"\nset folder=imap://h/\n");
    assert_eq!(rule_names(&unit), ["tunnel-assumed-secure"]);
    assert_eq!(unit.accounts[0].endpoints[0].security.value, Security::Unknown);
    let (_, unit) = parse_text("set tunnel=\"ssh host imapd\"\nunset tunnel_is_secure\n");
    assert!(unit.diagnostics.is_empty());
    let (_, unit) = parse_text_at(Path::new("/h/.muttrc"), "source accounts.rc\n");
    assert!(rule_names(&unit).contains(&"relative-source".to_owned()));
    let (_, unit) = parse_text_at(Path::new("/h/.muttrc"), "source ~/accounts.rc\n");
    assert!(!rule_names(&unit).contains(&"relative-source".to_owned()));
}
