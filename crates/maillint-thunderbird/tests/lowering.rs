//! Lowering field changes into prefs edits: each test applies the edits with
//! `maillint_core::fix::apply_edits`, checks the edited text byte for byte (only the intended
//! bytes change), re-parses it, and checks the new effective value.

mod common;

use common::{ProfileDir, assert_inserted, parse_file};
use maillint_core::{AuthMethod, FieldChange, Security, TlsVersion};

const PREFS: &str = "// Mozilla User Preferences\n\nuser_pref(\"mail.account.account1.identities\", \"id1\");\nuser_pref(\"mail.account.account1.server\", \"server1\");\nuser_pref(\"mail.accountmanager.accounts\", \"account1\");\nuser_pref(\"mail.identity.id1.smtpServer\", \"smtp1\");\nuser_pref(\"mail.identity.id1.useremail\", \"me@example.com\");\nuser_pref(\"mail.server.server1.hostname\", \"imap.example.com\");\nuser_pref(\"mail.server.server1.socketType\", 2);\nuser_pref(\"mail.server.server1.type\", \"imap\");\nuser_pref(\"mail.smtpserver.smtp1.hostname\", \"smtp.example.com\");\nuser_pref(\"mail.smtpserver.smtp1.port\", 465);\nuser_pref(\"mail.smtpservers\", \"smtp1\");\n";

/// Writes `files`, applies `changes` to `locator`, writes the result back, re-parses.
fn fix(
    files: &[(&str, &str)],
    locator: &str,
    changes: &[FieldChange],
) -> (ProfileDir, std::collections::BTreeMap<String, String>, common::Parsed) {
    let profile = ProfileDir::new(files);
    let parsed = profile.parse("prefs.js");
    let edits = parsed.lower(locator, changes).expect("lowering succeeds");
    let edited = parsed.apply(&edits);
    for (name, text) in &edited {
        std::fs::write(profile.path(name), text).unwrap();
    }
    let reparsed = parse_file(&profile.path("prefs.js"));
    assert!(
        reparsed.unit.diagnostics.iter().all(|d| d.rule.name != "parse-error"),
        "the edit broke the file: {:?}",
        reparsed.unit.diagnostics
    );
    (profile, edited, reparsed)
}

#[test]
fn replaces_an_existing_value() {
    let (_, edited, reparsed) = fix(
        &[("prefs.js", PREFS)],
        "server:server1",
        &[FieldChange::Security(Security::ImplicitTls)],
    );
    assert_eq!(
        edited["prefs.js"],
        PREFS.replace(
            "\"mail.server.server1.socketType\", 2",
            "\"mail.server.server1.socketType\", 3"
        )
    );
    let (_, _, imap) = reparsed.endpoint("server:server1");
    assert_eq!(imap.security.value, Security::ImplicitTls);
    assert_eq!(imap.port.as_ref().unwrap().value, 993);
}

#[test]
fn inserts_a_defaulted_pref_in_sorted_position() {
    let (_, edited, reparsed) =
        fix(&[("prefs.js", PREFS)], "server:server1", &[FieldChange::Port(993)]);
    assert_inserted(
        PREFS,
        &edited["prefs.js"],
        "user_pref(\"mail.server.server1.socketType\"",
        "user_pref(\"mail.server.server1.port\", 993);\n",
    );
    let (_, _, imap) = reparsed.endpoint("server:server1");
    assert_eq!(imap.port.as_ref().unwrap().value, 993);
    assert!(imap.port.as_ref().unwrap().is_explicit());
}

#[test]
fn several_changes_make_non_overlapping_edits_and_keep_crlf() {
    let crlf = PREFS.replace('\n', "\r\n");
    let (_, edited, reparsed) = fix(
        &[("prefs.js", &crlf)],
        "server:server1",
        &[
            FieldChange::Host("imap.gmail.com".into()),
            FieldChange::Port(993),
            FieldChange::Security(Security::ImplicitTls),
            FieldChange::Auth(AuthMethod::Oauth2),
        ],
    );
    // authMethod sorts before hostname, port between hostname and socketType.
    let expected = crlf
        .replace(
            "user_pref(\"mail.server.server1.hostname\", \"imap.example.com\");\r\n",
            "user_pref(\"mail.server.server1.authMethod\", 10);\r\nuser_pref(\"mail.server.server1.hostname\", \"imap.gmail.com\");\r\nuser_pref(\"mail.server.server1.port\", 993);\r\n",
        )
        .replace("\"mail.server.server1.socketType\", 2", "\"mail.server.server1.socketType\", 3");
    assert_eq!(edited["prefs.js"], expected);
    let (_, _, imap) = reparsed.endpoint("server:server1");
    assert_eq!(imap.host.as_ref().unwrap().value, "imap.gmail.com");
    assert_eq!(imap.port.as_ref().unwrap().value, 993);
    assert_eq!(imap.security.value, Security::ImplicitTls);
    assert_eq!(imap.auth.value, AuthMethod::Oauth2);
}

#[test]
fn two_insertions_at_one_point_become_one_edit() {
    let profile = ProfileDir::new(&[("prefs.js", PREFS)]);
    let parsed = profile.parse("prefs.js");
    // authMethod goes before smtp1's hostname, try_ssl after its port: two points, two edits.
    let edits = parsed
        .lower(
            "smtp:smtp1",
            &[FieldChange::Security(Security::ImplicitTls), FieldChange::Auth(AuthMethod::Oauth2)],
        )
        .unwrap();
    assert_eq!(edits.len(), 2);
    let edited = parsed.apply(&edits);
    assert_inserted(
        PREFS,
        &edited["prefs.js"].replace("user_pref(\"mail.smtpserver.smtp1.authMethod\", 10);\n", ""),
        "user_pref(\"mail.smtpservers\"",
        "user_pref(\"mail.smtpserver.smtp1.try_ssl\", 3);\n",
    );

    // A server with nothing but its type: three new prefs at one point make one edit.
    let lone = "user_pref(\"mail.server.server9.type\", \"imap\");\n";
    let profile = ProfileDir::new(&[("prefs.js", lone)]);
    let parsed = profile.parse("prefs.js");
    let edits = parsed
        .lower(
            "server:server9",
            &[
                FieldChange::Host("imap.example.com".into()),
                FieldChange::Port(993),
                FieldChange::Auth(AuthMethod::PasswordCleartext),
            ],
        )
        .unwrap();
    // authMethod, hostname and port all sort before `type`: one insertion, sorted inside.
    assert_eq!(edits.len(), 1);
    assert_eq!(
        parsed.apply(&edits)["prefs.js"],
        "user_pref(\"mail.server.server9.authMethod\", 3);\nuser_pref(\"mail.server.server9.hostname\", \"imap.example.com\");\nuser_pref(\"mail.server.server9.port\", 993);\nuser_pref(\"mail.server.server9.type\", \"imap\");\n"
    );
}

#[test]
fn outgoing_security_is_try_ssl() {
    let (_, edited, reparsed) =
        fix(&[("prefs.js", PREFS)], "smtp:smtp1", &[FieldChange::Security(Security::ImplicitTls)]);
    assert_inserted(
        PREFS,
        &edited["prefs.js"],
        "user_pref(\"mail.smtpservers\"",
        "user_pref(\"mail.smtpserver.smtp1.try_ssl\", 3);\n",
    );
    let (_, _, smtp) = reparsed.endpoint("smtp:smtp1");
    assert_eq!(smtp.security.value, Security::ImplicitTls);
}

#[test]
fn host_colon_port_keeps_its_form() {
    let prefs = "user_pref(\"mail.server.server1.hostname\", \"mail.example.com:143\");\nuser_pref(\"mail.server.server1.type\", \"imap\");\n";
    let (_, edited, reparsed) = fix(
        &[("prefs.js", prefs)],
        "server:server1",
        &[FieldChange::Port(993), FieldChange::Security(Security::ImplicitTls)],
    );
    assert_eq!(
        edited["prefs.js"],
        "user_pref(\"mail.server.server1.hostname\", \"mail.example.com:993\");\nuser_pref(\"mail.server.server1.socketType\", 3);\nuser_pref(\"mail.server.server1.type\", \"imap\");\n"
    );
    let (_, _, imap) = reparsed.endpoint("server:server1");
    assert_eq!(imap.port.as_ref().unwrap().value, 993);

    let (_, edited, _) = fix(
        &[("prefs.js", prefs)],
        "server:server1",
        &[FieldChange::Host("imap.example.net".into())],
    );
    assert!(edited["prefs.js"].contains("\"imap.example.net:143\""));
}

#[test]
fn host_names_are_written_as_thunderbird_writes_strings() {
    let (_, edited, _) =
        fix(&[("prefs.js", PREFS)], "smtp:smtp1", &[FieldChange::Host("we\"ird\\host".into())]);
    assert!(
        edited["prefs.js"]
            .contains(r#"user_pref("mail.smtpserver.smtp1.hostname", "we\"ird\\host");"#)
    );
}

#[test]
fn values_set_in_user_js_are_changed_there() {
    let user_js = "user_pref(\"mail.server.server1.socketType\", 1); // test\n";
    let (_, edited, reparsed) = fix(
        &[("prefs.js", PREFS), ("user.js", user_js)],
        "server:server1",
        &[FieldChange::Security(Security::StarttlsRequired)],
    );
    assert_eq!(edited["prefs.js"], PREFS);
    assert_eq!(edited["user.js"], user_js.replace(", 1)", ", 2)"));
    assert_eq!(reparsed.endpoint("server:server1").2.security.value, Security::StarttlsRequired);
}

#[test]
fn new_prefs_for_a_server_kept_in_user_js_join_its_group() {
    let user_js = "// accounts\nuser_pref(\"mail.server.server7.hostname\", \"pop.example.com\");\nuser_pref(\"mail.server.server7.type\", \"pop3\");\n\n// other\nuser_pref(\"x\", 1);";
    let profile = ProfileDir::new(&[("user.js", user_js)]);
    let parsed = profile.parse("user.js");
    let edits =
        parsed.lower("server:server7", &[FieldChange::Security(Security::ImplicitTls)]).unwrap();
    assert_inserted(
        user_js,
        &parsed.apply(&edits)["user.js"],
        "\n// other",
        "user_pref(\"mail.server.server7.socketType\", 3);\n",
    );
}

#[test]
fn running_thunderbird_redirects_to_user_js_or_refuses() {
    if !std::path::Path::new("/proc/self").exists() {
        #[allow(clippy::print_stderr)]
        {
            eprintln!("SKIPPED: no /proc, the lock check cannot see a live process");
        }
        return;
    }
    let lock_target = format!("127.0.0.1:+{}", std::process::id());

    // With a user.js: the override is appended at its end; prefs.js is untouched.
    let user_js = "user_pref(\"general.x\", true);";
    let profile = ProfileDir::new(&[("prefs.js", PREFS), ("user.js", user_js)]);
    std::os::unix::fs::symlink(&lock_target, profile.path("lock")).unwrap();
    let parsed = profile.parse("prefs.js");
    let edits = parsed
        .lower(
            "server:server1",
            &[FieldChange::Security(Security::ImplicitTls), FieldChange::Port(993)],
        )
        .unwrap();
    let edited = parsed.apply(&edits);
    assert_eq!(edited["prefs.js"], PREFS);
    assert_eq!(
        edited["user.js"],
        "user_pref(\"general.x\", true);\nuser_pref(\"mail.server.server1.port\", 993);\nuser_pref(\"mail.server.server1.socketType\", 3);"
    );
    // Defaulted values point where the fix would go: the end of user.js.
    let (_, _, imap) = parsed.endpoint("server:server1");
    assert_eq!(parsed.at(imap.port.as_ref().unwrap().span), "user.js:1:30");

    // Without user.js: the fix creates it (the parser adds it as a file to create, in the
    // profile's line-ending style), and prefs.js is untouched.
    let crlf_prefs = PREFS.replace('\n', "\r\n");
    let profile = ProfileDir::new(&[("prefs.js", crlf_prefs.as_str())]);
    std::os::unix::fs::symlink(&lock_target, profile.path("lock")).unwrap();
    let parsed = profile.parse("prefs.js");
    let user_js = parsed.sources.find(&profile.path("user.js")).expect("a user.js to create");
    assert!(parsed.sources.get(user_js).is_new());
    let edits = parsed
        .lower(
            "server:server1",
            &[FieldChange::Security(Security::ImplicitTls), FieldChange::Port(993)],
        )
        .unwrap();
    assert!(edits.iter().all(|edit| edit.span.file == user_js), "{edits:?}");
    let edited = parsed.apply(&edits);
    assert_eq!(
        edited["user.js"],
        "user_pref(\"mail.server.server1.port\", 993);\r\nuser_pref(\"mail.server.server1.socketType\", 3);\r\n"
    );
    assert!(!profile.path("user.js").exists(), "lowering never writes");
    // A finding never points into a file that does not exist: defaulted values point at
    // their place in prefs.js.
    let (_, _, imap) = parsed.endpoint("server:server1");
    assert_eq!(parsed.file_name(imap.port.as_ref().unwrap().span.file), "prefs.js");

    // Not running: no user.js is proposed.
    let profile = ProfileDir::new(&[("prefs.js", PREFS)]);
    let parsed = profile.parse("prefs.js");
    assert!(parsed.sources.find(&profile.path("user.js")).is_none());

    // A user.js that is not a file (a folder) cannot take it: refused, with the lines to put
    // there.
    let profile = ProfileDir::new(&[("prefs.js", PREFS)]);
    std::fs::create_dir(profile.path("user.js")).unwrap();
    std::os::unix::fs::symlink(&lock_target, profile.path("lock")).unwrap();
    let parsed = profile.parse("prefs.js");
    let error = parsed
        .lower("server:server1", &[FieldChange::Security(Security::ImplicitTls)])
        .unwrap_err();
    assert!(error.0.starts_with("Thunderbird is running with this profile"), "{error}");
    assert!(error.0.contains("user.js"), "{error}");
    assert!(error.0.contains("`user_pref(\"mail.server.server1.socketType\", 3);`"), "{error}");
}

#[test]
fn changes_thunderbird_has_no_pref_for_are_refused() {
    let profile = ProfileDir::new(&[("prefs.js", PREFS)]);
    let parsed = profile.parse("prefs.js");
    for change in [
        FieldChange::EnableCertificateVerification,
        FieldChange::DisableTlsVersion(TlsVersion::Tls1_0),
        FieldChange::Security(Security::Unknown),
        FieldChange::Auth(AuthMethod::Unknown),
        FieldChange::Port(0),
        FieldChange::Host("imap.example.com:993".into()),
        FieldChange::Host(String::new()),
    ] {
        let result = parsed.lower("server:server1", std::slice::from_ref(&change));
        assert!(result.is_err(), "{change:?} should be refused");
    }
}

#[test]
fn replaces_a_value_of_the_wrong_type_instead_of_adding_a_second_line() {
    let prefs = PREFS.replace(
        "user_pref(\"mail.smtpserver.smtp1.port\", 465);",
        "user_pref(\"mail.smtpserver.smtp1.port\", \"465\");",
    );
    let (_, edited, reparsed) =
        fix(&[("prefs.js", &prefs)], "smtp:smtp1", &[FieldChange::Port(465)]);
    assert_eq!(edited["prefs.js"], PREFS);
    assert!(reparsed.endpoint("smtp:smtp1").2.port.as_ref().unwrap().is_explicit());
}

#[test]
fn a_line_with_the_wrong_key_is_turned_into_the_right_one() {
    let prefs = "user_pref(\"mail.smtpserver.smtp1.hostname\", \"smtp.example.com\");\nuser_pref(\"mail.smtpserver.smtp1.socketType\", /* ssl */ 3);\n";
    let (_, edited, reparsed) = fix(
        &[("prefs.js", prefs)],
        "smtp:smtp1",
        &[FieldChange::Security(Security::StarttlsRequired)],
    );
    assert_eq!(
        edited["prefs.js"],
        "user_pref(\"mail.smtpserver.smtp1.hostname\", \"smtp.example.com\");\nuser_pref(\"mail.smtpserver.smtp1.try_ssl\", 2);\n"
    );
    assert_eq!(reparsed.endpoint("smtp:smtp1").2.security.value, Security::StarttlsRequired);
}

#[test]
fn prefs_lost_to_a_syntax_error_are_not_written_twice() {
    let prefs = "user_pref(\"mail.server.server1.hostname\", \"imap.example.com\");\nuser_pref(\"mail.server.server1.port\", 993)\nuser_pref(\"mail.server.server1.socketType\", 3);\nuser_pref(\"mail.server.server1.type\", \"imap\");\n";
    let profile = ProfileDir::new(&[("prefs.js", prefs)]);
    let parsed = profile.parse("prefs.js");
    let error = parsed
        .lower("server:server1", &[FieldChange::Security(Security::ImplicitTls)])
        .unwrap_err();
    assert!(
        error.0.starts_with("`mail.server.server1.socketType` is written on line 3 of "),
        "{error}"
    );
    assert!(error.0.contains("fix that error first"), "{error}");
    // A pref not in the lost text can still be written.
    assert!(parsed.lower("server:server1", &[FieldChange::Auth(AuthMethod::Oauth2)]).is_ok());
}

/// Found by the mutation fuzzer: a stray quote after a statement opens a string that runs to
/// the end of the file, and a NUL byte ends the file for libpref. A pref that belongs in that
/// text would be inserted where Thunderbird never reads it, and `--fix` would insert it again
/// every round.
#[test]
fn prefs_are_never_inserted_where_thunderbird_does_not_read() {
    let user_js = "user_pref(\"mail.server.server1.type\", \"imap\");\n";
    let prefs = "user_pref(\"mail.server.server1.hostname\", \"imap.example.com\");";
    // `port` sorts after every statement of prefs.js, so it goes at the end: into the string
    // the `'` opens (it runs to the end), or after the NUL byte.
    for (tail, reason) in [("'\n", "skips"), ("\0\n", "NUL byte on line 1")] {
        let prefs = format!("{prefs}{tail}");
        let profile = ProfileDir::new(&[("prefs.js", &prefs), ("user.js", user_js)]);
        let parsed = profile.parse("prefs.js");
        let error = parsed.lower("server:server1", &[FieldChange::Port(1993)]).unwrap_err();
        assert!(error.0.contains("is not read") && error.0.contains(reason), "{error}");
    }
    // Without the stray bytes the same change is written.
    let prefs = format!("{prefs}\n");
    let profile = ProfileDir::new(&[("prefs.js", &prefs), ("user.js", user_js)]);
    assert!(profile.parse("prefs.js").lower("server:server1", &[FieldChange::Port(1993)]).is_ok());
}
