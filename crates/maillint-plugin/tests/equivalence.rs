//! The built-in equivalents pack (`rules/packs/builtin-equivalents.toml`) against the built-in
//! rules it mirrors: on every Thunderbird and mutt rule fixture, the pack rule and the built-in
//! must report the same places, with the same labels, help, why, and the same fixes once the
//! parser has lowered them into edits.
//!
//! The fixture folders are written by the parser engineers; a missing folder is skipped loudly.

#![allow(clippy::print_stderr)]

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use maillint_core::builtin::{IoError, NotFollowed, ParseError};
use maillint_core::{Diagnostic, ParserRegistry, Rule, RuleRegistry, Selection, Sources};
use maillint_engine::{Linter, UnitReport};
use maillint_plugin::load_pack;

/// The rules of the pack and the built-in each mirrors, by name (the pack's rules have names
/// and codes of their own, so that the pack loads next to the built-ins).
const MIRRORED: &[(&str, &str)] = &[
    ("pack-opportunistic-starttls", "opportunistic-starttls"),
    ("pack-certificate-verification-disabled", "certificate-verification-disabled"),
];

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn parsers() -> ParserRegistry {
    let mut parsers = ParserRegistry::new();
    parsers.register(Arc::new(maillint_thunderbird::ThunderbirdParser));
    parsers.register(Arc::new(maillint_mutt::MuttParser));
    parsers
}

/// A linter with the core's rules, the parsers' own rules, and `check` as the only check.
fn linter(check: Arc<dyn Rule>) -> Linter {
    let parsers = parsers();
    let mut rules = RuleRegistry::new();
    for meta in [ParseError::metadata(), IoError::metadata(), NotFollowed::metadata()] {
        rules.register_meta(Arc::clone(meta)).unwrap();
    }
    for meta in parsers.iter().flat_map(|p| p.rules()) {
        if rules.get(&meta.name).is_none() {
            rules.register_meta(meta).unwrap();
        }
    }
    rules.register(check).unwrap();
    let name = rules.checks()[0].meta().name.clone();
    let enabled =
        rules.resolve(&Selection { select: Some(vec![name]), ..Default::default() }).unwrap();
    let mut linter = Linter::new(parsers, rules, maillint_rules::builtin_providers(), enabled);
    linter.inline_suppressions = false;
    linter
}

fn fixtures(folder: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut stack = vec![folder.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_none_or(|e| e != "snap") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

fn lint(linter: &Linter, path: &Path) -> Option<UnitReport> {
    let head = std::fs::read(path).ok()?;
    let parser = linter.parsers.detect(path, &head[..head.len().min(1024)])?;
    let mut sources = Sources::new();
    let root = sources.load(path).ok()?;
    Some(linter.lint_sources(parser, root, sources))
}

/// The built-in TLS rules end their help with the client's own advice
/// (`ClientSupport::tls_advice`: `; in mutt: ...`), which a pack's template cannot ask for:
/// when the rest of the help is the pack's, that ending is left out of the comparison.
fn without_client_advice(builtin: &mut [Diagnostic], packed: &[Diagnostic]) {
    for (b, p) in builtin.iter_mut().zip(packed) {
        let (Some(full), Some(generic)) = (&b.help, &p.help) else { continue };
        let advice =
            full.strip_prefix(generic.as_str()).and_then(|rest| rest.strip_prefix("; in "));
        if advice.is_some() {
            b.help = p.help.clone();
        }
    }
}

/// Everything about a diagnostic that the two rules must agree on (all but name and code).
fn comparable(d: &Diagnostic, sources: &Sources) -> String {
    let mut labels: Vec<String> =
        d.labels.iter().map(|l| format!("{:?}={}", sources.slice(l.span), l.message)).collect();
    labels.sort();
    let fix = d.fix.as_ref().map(|f| {
        let edits: Vec<String> =
            f.edits.iter().map(|e| format!("{:?}->{:?}", e.span.range, e.content)).collect();
        format!("{} [{}] {}", f.title, f.applicability.as_str(), edits.join(", "))
    });
    format!(
        "{:?} at {:?} {:?}\n  why: {:?}\n  help: {:?}\n  labels: {labels:?}\n  fix: {fix:?}",
        d.rule.group,
        sources.start(d.span),
        d.span.range,
        d.why,
        d.help,
    )
}

#[test]
fn pack_equivalents_report_what_the_built_ins_report() {
    let pack = load_pack(&repo().join("rules/packs/builtin-equivalents.toml")).unwrap();
    let builtins: BTreeMap<String, Arc<dyn Rule>> =
        maillint_rules::builtin_rules().into_iter().map(|r| (r.meta().name.clone(), r)).collect();
    let mut compared: BTreeMap<&str, usize> = MIRRORED.iter().map(|(_, n)| (*n, 0)).collect();
    let mut folders_seen = 0;
    // The rule fixtures, the demo, and the real-world corpus (read in place, never copied).
    let folders = [
        "fixtures/thunderbird/rules",
        "fixtures/mutt/rules",
        "fixtures/demo",
        "../shared/corpus/muttrc",
        "../shared/corpus/thunderbird_prefs",
    ];
    for folder in folders {
        let folder = repo().join(folder);
        if !folder.is_dir() {
            maillint_core::testing::skip(&format!(
                "equivalence on {}: the folder is missing",
                folder.display()
            ));
            continue;
        }
        folders_seen += 1;
        for (pack_name, name) in MIRRORED {
            let packed = pack.rules().iter().find(|r| r.meta().name == *pack_name).unwrap();
            assert_eq!(packed.meta().group, builtins[*name].meta().group, "{name}: same group");
            assert_eq!(packed.meta().severity, builtins[*name].meta().severity, "{name}");
            assert_eq!(packed.meta().fix, builtins[*name].meta().fix, "{name}");
            let with_pack = linter(Arc::clone(packed) as Arc<dyn Rule>);
            let with_builtin = linter(Arc::clone(&builtins[*name]));
            for file in fixtures(&folder) {
                let (Some(a), Some(b)) = (lint(&with_builtin, &file), lint(&with_pack, &file))
                else {
                    continue;
                };
                let only = |r: &UnitReport, rule: &str| -> Vec<Diagnostic> {
                    r.diagnostics.iter().filter(|d| d.rule.name == rule).cloned().collect()
                };
                let (mut builtin, packed) = (only(&a, name), only(&b, pack_name));
                without_client_advice(&mut builtin, &packed);
                let show = |ds: &[Diagnostic], s: &Sources| {
                    ds.iter().map(|d| comparable(d, s)).collect::<Vec<_>>().join("\n")
                };
                assert_eq!(
                    show(&packed, &b.sources),
                    show(&builtin, &a.sources),
                    "{name} on {}: the pack rule (left) differs from the built-in (right)",
                    file.display()
                );
                for (p, q) in packed.iter().zip(&builtin) {
                    // The built-in names a defaulted or derived value's reason in the message;
                    // a template cannot say "(reason)" only when there is one.
                    assert!(
                        q.message.starts_with(&p.message),
                        "{name} on {}: `{}` vs `{}`",
                        file.display(),
                        p.message,
                        q.message
                    );
                }
                *compared.get_mut(name).unwrap() += builtin.len();
            }
        }
    }
    if folders_seen == 0 {
        return;
    }
    eprintln!("equivalence: findings compared per rule: {compared:?}");
    for (name, count) in &compared {
        let has_fixtures = ["thunderbird", "mutt"]
            .iter()
            .any(|client| repo().join(format!("fixtures/{client}/rules/{name}")).is_dir());
        if has_fixtures {
            assert!(*count > 0, "{name}: its fixtures produced no finding to compare");
        }
    }
}

/// A finding as the two rules must agree on it (the message up to the built-in's "(reason)").
fn finding_key(f: &maillint_core::Finding) -> String {
    let mut labels: Vec<String> =
        f.labels.iter().map(|l| format!("{:?}={}", l.span, l.message)).collect();
    labels.sort();
    let fix = f.fix.as_ref().map(|fix| {
        let action = match &fix.action {
            maillint_core::FixAction::Fields { account, endpoint, changes } => {
                format!("fields {account}/{endpoint} {changes:?}")
            }
            other => format!("{other:?}"),
        };
        format!("{} [{}] {action}", fix.title, fix.applicability.as_str())
    });
    format!(
        "{:?} why={:?} help={:?} severity={:?} labels={labels:?} fix={fix:?}",
        f.span, f.why, f.help, f.severity
    )
}

#[test]
#[allow(
    clippy::too_many_lines,
    reason = "one table of value combinations and the comparison over it"
)]
fn pack_equivalents_agree_with_the_built_ins_on_every_combination_of_values() {
    use common::{EndpointBuilder, account, point, span};
    use maillint_core::{Client, Located, Protocol, RuleContext, RuleSettings, RunState, Security};

    let pack = load_pack(&repo().join("rules/packs/builtin-equivalents.toml")).unwrap();
    let builtins = maillint_rules::builtin_rules();
    let providers = maillint_rules::builtin_providers();
    // One run for every combination: the providers stay the same.
    let run = RunState::new();
    let hosts = [
        None,
        Some("imap.gmail.com"),
        Some("smtp.gmail.com"),
        Some("imap.googlemail.com"),
        Some("outlook.office365.com"),
        Some("smtp.gmail.com:587"),
        Some("127.0.0.1"),
        Some("localhost"),
        Some("192.0.2.7"),
        Some("mail.example.net"),
    ];
    let ports = [
        None,
        Some((25, false)),
        Some((143, true)),
        Some((465, false)),
        Some((587, false)),
        Some((587, true)),
        Some((993, false)),
        Some((995, false)),
        Some((2525, false)),
    ];
    let securities = [
        Security::None,
        Security::StarttlsOptional,
        Security::StarttlsRequired,
        Security::ImplicitTls,
        Security::Unknown,
    ];
    let emails = [None, Some("me@gmail.com"), Some("me@hotmail.com"), Some("me@corp.example")];
    let settings = [
        RuleSettings::default(),
        RuleSettings {
            trusted_hosts: vec!["*.gmail.com".into(), "mail.example.net".into()],
            ..RuleSettings::default()
        },
    ];
    let mut compared = 0usize;
    let mut reported = 0usize;
    for protocol in [Protocol::Imap, Protocol::Smtp] {
        for host in hosts {
            for email in emails {
                // Each account holds every port/security/certificate combination; a second
                // endpoint shares the first one's security and certificate spans, as a global
                // muttrc option makes them share.
                let mut endpoints = Vec::new();
                for port in ports {
                    for security in securities {
                        for certificate in [None, Some(true), Some(false)] {
                            let shared_security = span();
                            let shared_certificate = span();
                            for copy in 0..2 {
                                let mut e = EndpointBuilder::new(protocol);
                                if let Some(host) = host {
                                    e = e.host(host);
                                }
                                e = match port {
                                    Some((p, true)) => e.default_port(p),
                                    Some((p, false)) => e.port(p),
                                    None => e,
                                };
                                e.0.security =
                                    if copy == 0 && security != Security::StarttlsOptional {
                                        Located::explicit(security, span())
                                    } else {
                                        Located::derived(
                                            security,
                                            shared_security,
                                            "ssl_force_tls is unset",
                                        )
                                    };
                                if security == Security::StarttlsOptional
                                    && port == Some((143, true))
                                {
                                    e.0.security =
                                        Located::default(security, point(), "the default");
                                }
                                if let Some(value) = certificate {
                                    e.0.certificate_verification_disabled =
                                        Some(Located::explicit(value, shared_certificate));
                                }
                                endpoints.push(e);
                            }
                        }
                    }
                }
                let accounts = vec![account(Client::named("mutt"), email, endpoints)];
                for settings in &settings {
                    let cx = RuleContext {
                        accounts: &accounts,
                        providers: &providers,
                        settings,
                        run: &run,
                    };
                    for (pack_name, name) in MIRRORED {
                        let builtin = builtins.iter().find(|r| r.meta().name == *name).unwrap();
                        let packed =
                            pack.rules().iter().find(|r| r.meta().name == *pack_name).unwrap();
                        let (mut a, mut b) = (Vec::new(), Vec::new());
                        builtin.check(&cx, &mut a);
                        packed.check(&cx, &mut b);
                        let keys = |fs: &[maillint_core::Finding]| {
                            fs.iter().map(finding_key).collect::<Vec<_>>()
                        };
                        let (packed_keys, builtin_keys) = (keys(&b), keys(&a));
                        if packed_keys != builtin_keys {
                            let first = (0..packed_keys.len().max(builtin_keys.len()))
                                .find(|&i| packed_keys.get(i) != builtin_keys.get(i))
                                .unwrap_or(0);
                            panic!(
                                "{name}: {protocol} host {host:?} email {email:?} trusted {:?}: \
                                 {} pack findings, {} built-in findings; first difference:\n  \
                                 pack:     {:?}\n  built-in: {:?}",
                                settings.trusted_hosts,
                                packed_keys.len(),
                                builtin_keys.len(),
                                packed_keys.get(first),
                                builtin_keys.get(first)
                            );
                        }
                        for (p, q) in b.iter().zip(&a) {
                            assert!(
                                q.message.starts_with(&p.message),
                                "{name}: `{}` vs `{}`",
                                p.message,
                                q.message
                            );
                        }
                        compared += 1;
                        reported += a.len();
                    }
                }
            }
        }
    }
    eprintln!("equivalence over models: {compared} account checks, {reported} findings compared");
    assert!(reported > 100, "the combinations must produce findings to compare ({reported})");
}
