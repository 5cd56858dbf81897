//! Rule packs: loading, every kind of condition, messages, labels, fixes, one finding per place,
//! registration next to built-in rules, and errors with file, line, column and field.

mod common;

use std::sync::Arc;

use common::{EndpointBuilder, account, point, providers, run, run_with, span};
use maillint_core::builtin::ParseError;
use maillint_core::{
    Applicability, AuthMethod, Client, FieldChange, Finding, FixAction, Protocol, ProviderDb, Rule,
    RuleOrigin, RuleRegistry, RuleSettings, Security, Severity,
};
use maillint_plugin::{PackError, RulePack, parse_pack};

fn pack(text: &str) -> RulePack {
    parse_pack("test-pack.toml", text).unwrap_or_else(|e| panic!("{e}"))
}

fn error(text: &str) -> PackError {
    parse_pack("test-pack.toml", text).expect_err("the pack should be refused")
}

/// A pack with one rule whose `[rule.when]` body is `when`.
fn with_when(when: &str) -> Arc<maillint_plugin::PackRule> {
    let text = format!(
        "[[rule]]\nname = \"probe\"\ncode = \"Z001\"\nseverity = \"warning\"\nsummary = \"Probe.\"\nmessage = \"hit {{host}}\"\n[rule.when]\n{when}\n"
    );
    Arc::clone(&pack(&text).rules()[0])
}

fn changes(finding: &Finding) -> (Vec<FieldChange>, Applicability) {
    let fix = finding.fix.as_ref().expect("a fix");
    match &fix.action {
        FixAction::Fields { changes, .. } => (changes.clone(), fix.applicability),
        FixAction::Describe => (Vec::new(), fix.applicability),
        FixAction::Edits(_) => panic!("pack fixes are field changes"),
    }
}

fn imap(host: &str, port: u16, security: Security) -> EndpointBuilder {
    EndpointBuilder::server(Protocol::Imap, host, port, security)
}

fn smtp(host: &str, port: u16, security: Security) -> EndpointBuilder {
    EndpointBuilder::server(Protocol::Smtp, host, port, security)
}

/// How many of `hosts` (IMAP on 993 with TLS, one account each) the condition reports.
fn hits(when: &str, accounts: &[maillint_core::Account]) -> Vec<String> {
    let rule = with_when(when);
    run(rule.as_ref(), accounts, &providers()).into_iter().map(|f| f.message).collect()
}

#[test]
fn host_conditions_use_exact_names_globs_and_providers_case_insensitively() {
    let accounts = vec![
        account(
            Client::named("thunderbird"),
            None,
            vec![imap("MAIL.corp.example.", 993, Security::ImplicitTls)],
        ),
        account(
            Client::named("thunderbird"),
            None,
            vec![imap("imap.gmail.com", 993, Security::ImplicitTls)],
        ),
        account(
            Client::named("thunderbird"),
            None,
            vec![imap("imap.googlemail.com", 993, Security::ImplicitTls)],
        ),
        account(Client::named("thunderbird"), None, vec![EndpointBuilder::new(Protocol::Imap)]),
    ];
    // `{host}` is the host in normal form (maillint_core::HostName): `MAIL.corp.example.` as
    // written.
    assert_eq!(hits("host = \"mail.corp.example\"", &accounts), ["hit mail.corp.example"]);
    assert_eq!(hits("host = \"*.corp.example\"", &accounts), ["hit mail.corp.example"]);
    // Unknown host: neither `host` nor `host-not` holds.
    assert_eq!(
        hits("host-not = [\"*.corp.example\"]", &accounts),
        ["hit imap.gmail.com", "hit imap.googlemail.com"]
    );
    assert_eq!(
        hits("host-in-provider = \"gmail\"", &accounts),
        ["hit imap.gmail.com", "hit imap.googlemail.com"]
    );
    assert_eq!(hits("host-not-in-provider = \"*\"", &accounts), ["hit mail.corp.example"]);
    // `not` is plain logic: the unknown host makes the inner test false, so `not` holds.
    assert_eq!(
        hits("not = { host = \"*.corp.example\" }", &accounts),
        ["hit imap.gmail.com", "hit imap.googlemail.com", "hit (not set)"]
    );
}

#[test]
fn port_security_auth_and_protocol_conditions() {
    let accounts = vec![account(
        Client::named("mutt"),
        None,
        vec![
            imap("a.example", 143, Security::StarttlsOptional),
            smtp("b.example", 587, Security::StarttlsRequired).auth(AuthMethod::Oauth2),
            EndpointBuilder::new(Protocol::Pop3).host("c.example").security(Security::Unknown),
        ],
    )];
    assert_eq!(hits("port-in = [143, 110]", &accounts), ["hit a.example"]);
    // c.example has no port: `port-not-in` needs a known port.
    assert_eq!(hits("port-not-in = 143", &accounts), ["hit b.example"]);
    assert_eq!(hits("security-in = \"starttls-optional\"", &accounts), ["hit a.example"]);
    // Unknown security is neither in nor out, unless `unknown` is listed.
    assert_eq!(hits("security-not-in = \"starttls-optional\"", &accounts), ["hit b.example"]);
    assert_eq!(hits("security-in = \"unknown\"", &accounts), ["hit c.example"]);
    assert_eq!(hits("auth-in = \"oauth2\"", &accounts), ["hit b.example"]);
    assert_eq!(hits("auth-not-in = [\"oauth2\"]", &accounts), ["hit a.example", "hit c.example"]);
    assert_eq!(
        hits("protocol = [\"pop3\", \"smtp\"]", &accounts),
        ["hit b.example", "hit c.example"]
    );
    assert_eq!(hits("client = \"thunderbird\"", &accounts), Vec::<String>::new());
    assert_eq!(hits("client = [\"mutt\"]\nprotocol = \"imap\"", &accounts), ["hit a.example"]);
}

#[test]
fn account_certificate_secret_loopback_and_origin_conditions() {
    let checks_off = span();
    let accounts = vec![
        account(
            Client::named("thunderbird"),
            Some("Jane <jane@Sub.Corp.Example>"),
            vec![
                imap("a.example", 993, Security::ImplicitTls)
                    .certificate_checks_off(checks_off)
                    .password(),
            ],
        ),
        account(
            Client::named("thunderbird"),
            Some("joe@gmail.com"),
            vec![EndpointBuilder::new(Protocol::Imap).host("localhost").default_port(143)],
        ),
    ];
    assert_eq!(hits("mail-domain = \"*.corp.example\"", &accounts), ["hit a.example"]);
    assert_eq!(hits("mail-domain-not = \"*.corp.example\"", &accounts), ["hit localhost"]);
    assert_eq!(hits("mail-domain-in-provider = \"gmail\"", &accounts), ["hit localhost"]);
    assert_eq!(hits("certificate-verification-disabled = true", &accounts), ["hit a.example"]);
    assert_eq!(hits("certificate-verification-disabled = false", &accounts), ["hit localhost"]);
    assert_eq!(hits("has-stored-secret = true", &accounts), ["hit a.example"]);
    assert_eq!(hits("host-is-loopback = true", &accounts), ["hit localhost"]);
    assert_eq!(hits("explicit = [\"port\", \"host\"]", &accounts), ["hit a.example"]);
    assert_eq!(hits("defaulted = \"port\"", &accounts), ["hit localhost"]);
    assert_eq!(
        hits("any = [{ port-in = 143 }, { has-stored-secret = true }]", &accounts),
        ["hit a.example", "hit localhost"]
    );
}

#[test]
fn provider_serves_port_follows_the_provider_facts_and_trusted_hosts() {
    let accounts = vec![account(
        Client::named("mutt"),
        Some("me@gmail.com"),
        vec![
            smtp("smtp.gmail.com", 587, Security::StarttlsOptional),
            smtp("smtp.gmail.com", 25, Security::StarttlsOptional),
            imap("imap.gmail.com:993", 143, Security::StarttlsOptional),
            smtp("mail.example.net", 25, Security::StarttlsOptional),
        ],
    )];
    let served = with_when("provider-serves-port = true");
    let unserved = with_when("provider-serves-port = false");
    let names = |rule: &dyn Rule, settings: &RuleSettings| {
        run_with(rule, &accounts, &providers(), settings)
            .into_iter()
            .map(|f| f.message)
            .collect::<Vec<_>>()
    };
    let none = RuleSettings::default();
    assert_eq!(names(served.as_ref(), &none), ["hit smtp.gmail.com"]);
    assert_eq!(names(unserved.as_ref(), &none), ["hit smtp.gmail.com", "hit imap.gmail.com"]);
    let trusted =
        RuleSettings { trusted_hosts: vec!["*.gmail.com".into()], ..RuleSettings::default() };
    assert!(names(unserved.as_ref(), &trusted).is_empty());
}

#[test]
fn messages_labels_and_the_point_of_a_finding() {
    let rule = Arc::clone(
        &pack(
            r#"
[[rule]]
name = "corp-imap"
code = "C001"
severity = "error"
summary = "Corp IMAP must be mail.corp.example."
message = "{protocol} server `{host}` on port {port} ({security}, {auth}) for {account} at {mail-domain}"
help = "use mail.corp.example"
why = "policy of {client}"
at = "host"
[[rule.label]]
at = "port"
message = "port {port}"
[[rule.label]]
at = "username"
message = "not written, so never shown"
[rule.when]
protocol = "imap"
"#,
        )
        .rules()[0],
    );
    let accounts = vec![account(
        Client::named("thunderbird"),
        Some("me@corp.example"),
        vec![imap("imap.corp.example", 143, Security::StarttlsRequired)],
    )];
    let findings = run(rule.as_ref(), &accounts, &providers());
    assert_eq!(findings.len(), 1);
    let endpoint = &accounts[0].endpoints[0];
    assert_eq!(findings[0].span, endpoint.host.as_ref().unwrap().span);
    assert_eq!(
        findings[0].message,
        "IMAP server `imap.corp.example` on port 143 (STARTTLS, password-cleartext) for me@corp.example at corp.example"
    );
    assert_eq!(findings[0].help.as_deref(), Some("use mail.corp.example"));
    assert_eq!(findings[0].why.as_deref(), Some("policy of thunderbird"));
    assert_eq!(findings[0].labels.len(), 1);
    assert_eq!(findings[0].labels[0].span, endpoint.port.as_ref().unwrap().span);
    assert_eq!(findings[0].labels[0].message, "port 143");
    assert!(findings[0].fix.is_none());
    let meta = rule.meta();
    assert_eq!(
        (meta.code.as_str(), meta.severity, meta.group.as_str()),
        ("C001", Severity::Error, "policy")
    );
    assert_eq!(meta.origin, RuleOrigin::Pack { path: "test-pack.toml".into() });
    for section in
        ["## What it does", "## Why is this bad?", "## Conditions", "## Fix", "## Example"]
    {
        assert!(meta.doc.contains(section), "{section} missing from:\n{}", meta.doc);
    }
    assert!(meta.doc.contains("- the protocol is one of `imap`"), "{}", meta.doc);
    assert!(meta.doc.contains("name = \"corp-imap\""), "the doc quotes the rule:\n{}", meta.doc);
}

const FIX_PACK: &str = r#"
[[rule]]
name = "corp-imap"
code = "C001"
severity = "error"
summary = "Corp IMAP must be mail.corp.example on 993."
message = "wrong server"
[rule.when]
protocol = "imap"
any = [{ host-not = "mail.corp.example" }, { port-not-in = 993 }, { security-not-in = "implicit-tls" }]
[rule.fix]
title = "Use mail.corp.example on port 993 with SSL/TLS"
applicability = "unsafe"
host = "MAIL.corp.example"
port = "implicit-tls"
security = "implicit-tls"
"#;

#[test]
fn fixes_set_only_the_fields_that_differ() {
    let rule = Arc::clone(&pack(FIX_PACK).rules()[0]);
    let accounts = vec![account(
        Client::named("thunderbird"),
        None,
        vec![
            imap("imap.corp.example", 143, Security::StarttlsRequired),
            imap("mail.corp.example", 143, Security::ImplicitTls),
            imap("mail.corp.example", 993, Security::ImplicitTls),
        ],
    )];
    let findings = run(rule.as_ref(), &accounts, &providers());
    assert_eq!(findings.len(), 2);
    assert_eq!(
        changes(&findings[0]),
        (
            vec![
                FieldChange::Host("MAIL.corp.example".into()),
                FieldChange::Port(993),
                FieldChange::Security(Security::ImplicitTls)
            ],
            Applicability::Unsafe
        )
    );
    assert_eq!(changes(&findings[1]), (vec![FieldChange::Port(993)], Applicability::Unsafe));
    match &findings[1].fix.as_ref().unwrap().action {
        FixAction::Fields { account, endpoint, .. } => assert_eq!((*account, *endpoint), (0, 1)),
        other => panic!("{other:?}"),
    }
    assert_eq!(rule.meta().fix, maillint_core::FixAvailability::Always);
}

#[test]
fn a_fix_with_nothing_left_to_change_only_describes() {
    let rule = with_fix(
        "[rule.when]\nprotocol = \"imap\"\n[rule.fix]\ntitle = \"Turn it on\"\napplicability = \"safe\"\nenable-certificate-verification = true\n",
    );
    let accounts = vec![account(
        Client::named("mutt"),
        None,
        vec![imap("a.example", 993, Security::ImplicitTls)],
    )];
    let findings = run(rule.as_ref(), &accounts, &providers());
    assert_eq!(changes(&findings[0]), (vec![], Applicability::DisplayOnly));
}

fn with_fix(body: &str) -> Arc<maillint_plugin::PackRule> {
    let text = format!(
        "[[rule]]\nname = \"probe\"\ncode = \"Z001\"\nseverity = \"info\"\nsummary = \"Probe.\"\nmessage = \"m\"\n{body}"
    );
    Arc::clone(&pack(&text).rules()[0])
}

#[test]
fn one_setting_shared_by_endpoints_is_reported_once_with_also_labels() {
    let shared = span();
    let rule = Arc::clone(
        &pack(
            r#"
[[rule]]
name = "optional-tls"
code = "Z002"
severity = "warning"
summary = "Opportunistic."
message = "{connection} may fall back to plaintext"
at = "security"
also = "also applies to {connection}"
[rule.when]
security-in = "starttls-optional"
"#,
        )
        .rules()[0],
    );
    let accounts = vec![account(
        Client::named("mutt"),
        None,
        vec![
            imap("imap.example.net", 143, Security::None)
                .security_at(Security::StarttlsOptional, shared),
            smtp("smtp.example.net", 587, Security::None)
                .security_at(Security::StarttlsOptional, shared),
        ],
    )];
    let findings = run(rule.as_ref(), &accounts, &providers());
    assert_eq!(findings.len(), 1);
    assert_eq!(
        findings[0].message,
        "the IMAP connection to `imap.example.net` may fall back to plaintext"
    );
    assert_eq!(findings[0].labels.len(), 1);
    assert_eq!(
        findings[0].labels[0].message,
        "also applies to the SMTP connection to `smtp.example.net`"
    );
    assert_eq!(findings[0].labels[0].span, accounts[0].endpoints[1].host.as_ref().unwrap().span);

    // Defaulted values share an insertion point only per endpoint.
    let at = point();
    let accounts = vec![account(
        Client::named("thunderbird"),
        None,
        vec![
            imap("a.example", 143, Security::None).security_at(Security::StarttlsOptional, at),
            imap("b.example", 143, Security::None).security_at(Security::StarttlsOptional, at),
        ],
    )];
    assert_eq!(run(rule.as_ref(), &accounts, &providers()).len(), 2);
}

#[test]
fn account_scope_reports_once_per_account() {
    let rule = Arc::clone(
        &pack(
            r#"
[[rule]]
name = "no-gmail"
code = "C002"
severity = "error"
summary = "No personal Gmail."
message = "{account} uses {provider}"
scope = "account"
[rule.when]
any = [{ mail-domain-in-provider = "gmail" }, { host-in-provider = "gmail" }]
"#,
        )
        .rules()[0],
    );
    let accounts = vec![
        account(
            Client::named("thunderbird"),
            Some("me@gmail.com"),
            vec![
                imap("imap.gmail.com", 993, Security::ImplicitTls),
                smtp("smtp.gmail.com", 465, Security::ImplicitTls),
            ],
        ),
        account(Client::named("mutt"), Some("me@googlemail.com"), vec![]),
        account(
            Client::named("mutt"),
            Some("me@corp.example"),
            vec![smtp("smtp.gmail.com", 465, Security::ImplicitTls)],
        ),
        account(
            Client::named("mutt"),
            Some("me@corp.example"),
            vec![imap("mail.corp.example", 993, Security::ImplicitTls)],
        ),
    ];
    let findings = run(rule.as_ref(), &accounts, &providers());
    let messages: Vec<&str> = findings.iter().map(|f| f.message.as_str()).collect();
    assert_eq!(
        messages,
        [
            "me@gmail.com uses Gmail",
            "me@googlemail.com uses (not set)",
            "me@corp.example uses Gmail"
        ]
    );
    assert_eq!(findings[0].span, accounts[0].span);
}

#[test]
fn pack_rules_register_next_to_built_ins_and_collisions_name_both_rules() {
    let mut registry = RuleRegistry::new();
    registry.register_meta(Arc::clone(ParseError::metadata())).unwrap();
    let good = pack(FIX_PACK);
    good.register(&mut registry).unwrap();
    assert_eq!(registry.get("c001").unwrap().name, "corp-imap");
    assert_eq!(registry.checks().len(), 1);

    let clash = parse_pack(
        "clash.toml",
        "[[rule]]\nname = \"mine\"\ncode = \"P001\"\nseverity = \"info\"\nsummary = \"s\"\nmessage = \"m\"\n[rule.when]\n",
    )
    .unwrap();
    let err = clash.register(&mut registry).unwrap_err();
    assert_eq!((err.line, err.column), (Some(3), Some(8)));
    let text = err.to_string();
    assert!(text.starts_with("clash.toml:3:8: "), "{text}");
    assert!(
        text.contains("`mine` (P001)") && text.contains("built-in rule `parse-error` (P001)"),
        "{text}"
    );
    // Nothing of the refused pack was registered.
    assert!(registry.get("mine").is_none());

    let again = pack(FIX_PACK);
    let err = again.register(&mut registry).unwrap_err().to_string();
    assert!(err.contains("rule of the pack `test-pack.toml` `corp-imap` (C001)"), "{err}");
}

#[test]
fn syntax_and_type_errors_name_file_line_column_and_field() {
    let err = error("[[rule]]\nname = \"x\"\ncode = \n");
    assert_eq!(err.line, Some(3));
    assert!(err.to_string().starts_with("test-pack.toml:3:"), "{err}");

    let text = "[[rule]]\nname = \"corp-imap\"\ncode = \"C001\"\nseverity = \"error\"\nsummary = \"s\"\nmessage = \"m\"\n[rule.when]\nport-in = [993, 70000]\n";
    let err = error(text);
    assert_eq!((err.line, err.column), (Some(8), Some(17)));
    assert_eq!(err.field.as_deref(), Some("rule[0].when.port-in[1]"));
    assert_eq!(err.rule.as_deref(), Some("corp-imap"));
    assert!(err.to_string().contains("in `rule[0].when.port-in[1]` (rule `corp-imap`)"), "{err}");

    let err = error(&text.replace("port-in = [993, 70000]", "host_not = \"x\""));
    assert_eq!(err.field.as_deref(), Some("rule[0].when.host_not"));
    assert!(err.message.contains("unknown field `host_not`"), "{err}");
    assert!(err.message.contains("host-not"), "the message lists the known keys: {err}");

    let err = error(&text.replace("port-in = [993, 70000]", "protocol = \"imaps\""));
    assert_eq!(err.field.as_deref(), Some("rule[0].when.protocol"));
    assert!(err.message.contains("imaps"), "{err}");

    let err = error(&text.replace("severity = \"error\"\n", "").replace("70000", "143"));
    assert!(err.message.contains("missing field `severity`"), "{err}");
    assert_eq!(err.line, Some(1));
}

#[test]
fn validation_errors_point_at_the_value() {
    let base = "[[rule]]\nname = \"corp-imap\"\ncode = \"C001\"\nseverity = \"error\"\nsummary = \"s\"\nmessage = \"on {host}\"\n[rule.when]\nprotocol = \"imap\"\n";
    let err = error(&base.replace("corp-imap", "Corp_IMAP"));
    assert_eq!(
        (err.line, err.column, err.field.as_deref()),
        (Some(2), Some(8), Some("rule[0].name"))
    );
    assert!(err.message.contains("kebab-case"), "{err}");

    let err = error(&base.replace("C001", "C01"));
    assert_eq!((err.line, err.field.as_deref()), (Some(3), Some("rule[0].code")));

    // The column is the brace of the unknown placeholder.
    let err = error(&base.replace("on {host}", "on {hots}"));
    assert_eq!(
        (err.line, err.column, err.field.as_deref()),
        (Some(6), Some(15), Some("rule[0].message"))
    );
    assert!(err.message.contains("unknown placeholder `{hots}`"), "{err}");

    let err = error(&base.replace("protocol = \"imap\"", "host = [\"ok.example\", \"a[b\"]"));
    assert_eq!(err.field.as_deref(), Some("rule[0].when.host[1]"));
    assert!(err.message.contains("invalid glob `a[b`"), "{err}");

    let err = error(
        &base.replace("protocol = \"imap\"", "any = [{ protocol = \"imap\" }, { host = \"[\" }]"),
    );
    assert_eq!(err.field.as_deref(), Some("rule[0].when.any[1].host"));

    let err = error(&format!("{base}[rule.fix]\ntitle = \"t\"\napplicability = \"safe\"\n"));
    assert_eq!(err.field.as_deref(), Some("rule[0].fix.applicability"));
    assert!(err.message.contains("display-only"), "{err}");

    let err =
        error(&format!("{base}[rule.fix]\ntitle = \"t\"\napplicability = \"safe\"\nport = 0\n"));
    assert_eq!(err.field.as_deref(), Some("rule[0].fix.port"));

    let err = error(&base.replace("[rule.when]", "scope = \"account\"\n[rule.fix]\ntitle = \"t\"\napplicability = \"display-only\"\n[rule.when]"));
    assert_eq!(err.field.as_deref(), Some("rule[0].fix"));

    let err = error(&format!("{base}{}", base.replace("C001", "C002")));
    assert_eq!((err.line, err.field.as_deref()), (Some(10), Some("rule[1].name")));
    assert!(err.message.contains("used twice"), "{err}");
}

#[test]
fn packs_ship_provider_facts_and_a_header() {
    let p = pack(
        r#"
[pack]
name = "corp"
version = "1.2"
description = "Corp policy."

[[provider]]
id = "corp"
name = "Corp"
mail-domains = ["corp.example"]
host-domains = ["corp.example"]
[[provider.server]]
protocol = "imap"
host = "mail.corp.example"
port = 993
security = "implicit-tls"
"#,
    );
    assert_eq!(
        (p.name(), p.version(), p.description()),
        ("corp", Some("1.2"), Some("Corp policy."))
    );
    let mut db = ProviderDb::new();
    p.add_providers(&mut db);
    assert_eq!(db.by_mail_domain("corp.example").unwrap().name, "Corp");

    let err = error(
        "[[provider]]\nid = \"x\"\nname = \"X\"\n[[provider.server]]\nprotocol = \"imap\"\nhost = \"a b\"\nport = 1\nsecurity = \"none\"\n",
    );
    assert_eq!((err.line, err.field.as_deref()), (Some(6), Some("provider[0].server[0].host")));
}
