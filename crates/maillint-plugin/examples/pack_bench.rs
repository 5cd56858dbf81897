//! What 100 pack rules cost: linting a tree of home folders with maillint's built-in rules
//! alone, and with the built-in rules plus 100 generated pack rules, as a ratio.
//!
//! ```sh
//! cargo run --release -p maillint-plugin --example pack_bench -- [--homes N] [--runs N] [--tree DIR]
//! ```
//!
//! Without `--tree`, a deterministic tree of `--homes` homes (default 2000) is written to a
//! temporary folder: each home has a Thunderbird `prefs.js` with two or three mail accounts (some
//! with mistakes) and a `.muttrc`, like the homes of `cargo xtask bench`. `--tree DIR` lints an
//! existing tree instead, e.g. the one `cargo xtask bench --keep --dir DIR` leaves.
//!
//! Discovery runs once; each measurement lints every unit on one thread (parse, rules, fix
//! lowering), best of `--runs`. The rules alone are also timed on the parsed accounts, which is
//! where pack rules add their cost.

#![allow(clippy::print_stdout, clippy::print_stderr)]

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use maillint_core::builtin::{IoError, NotFollowed, ParseError};
use maillint_core::{Finding, ParserRegistry, RuleContext, RuleRegistry, Selection};
use maillint_engine::{DiscoverOptions, Linter, Unit, discover};
use maillint_plugin::parse_pack;

struct Options {
    homes: usize,
    runs: usize,
    tree: Option<PathBuf>,
}

fn options() -> Result<Options, String> {
    let mut options = Options { homes: 2000, runs: 5, tree: None };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().ok_or(format!("{arg} needs a value"));
        match arg.as_str() {
            "--homes" => options.homes = value()?.parse().map_err(|e| format!("--homes: {e}"))?,
            "--runs" => {
                options.runs = value()?.parse::<usize>().map_err(|e| format!("--runs: {e}"))?.max(1)
            }
            "--tree" => options.tree = Some(PathBuf::from(value()?)),
            other => {
                return Err(format!(
                    "unknown option `{other}`; options: --homes N, --runs N, --tree DIR"
                ));
            }
        }
    }
    Ok(options)
}

fn main() {
    if let Err(message) = run() {
        eprintln!("pack_bench: {message}");
        std::process::exit(2);
    }
}

fn run() -> Result<(), String> {
    let options = options()?;
    let generated = options.tree.is_none();
    let tree = match &options.tree {
        Some(tree) => tree.clone(),
        None => {
            let dir =
                std::env::temp_dir().join(format!("maillint-pack-bench-{}", std::process::id()));
            write_tree(&dir, options.homes).map_err(|e| format!("{}: {e}", dir.display()))?;
            dir
        }
    };
    let result = bench(&tree, &options);
    if generated {
        let _ = std::fs::remove_dir_all(&tree);
    }
    result
}

/// What the linter's rules see for one unit's accounts, as the engine hands it to them.
fn context<'a>(linter: &'a Linter, accounts: &'a [maillint_core::Account]) -> RuleContext<'a> {
    RuleContext {
        accounts,
        providers: &linter.providers,
        settings: &linter.settings,
        run: &linter.run,
    }
}

fn bench(tree: &Path, options: &Options) -> Result<(), String> {
    let pack_text = generated_pack(100);
    let pack = parse_pack("generated-100.toml", &pack_text).map_err(|e| e.to_string())?;
    let builtin = linter(None)?;
    let with_pack = linter(Some(&pack))?;
    let units =
        discover(&[tree.to_path_buf()], &builtin.parsers, &DiscoverOptions::default()).units;
    if units.is_empty() {
        return Err(format!("no mail configuration under {}", tree.display()));
    }

    // Whole lint: parse, rules, fix lowering.
    let (builtin_lint, findings_builtin) = best(options.runs, || lint_all(&builtin, &units));
    let (pack_lint, findings_pack) = best(options.runs, || lint_all(&with_pack, &units));

    // Rules alone, on accounts parsed once.
    let parsed: Vec<_> = units.iter().filter_map(|u| builtin.lint_unit(u).ok()).collect();
    let accounts: usize = parsed.iter().map(|r| r.accounts().len()).sum();
    let endpoints: usize =
        parsed.iter().flat_map(|r| r.accounts()).map(|a| a.endpoints.len()).sum();
    let rules_time = |linter: &Linter| {
        best(options.runs, || {
            let mut out: Vec<Finding> = Vec::new();
            let mut count = 0;
            for report in &parsed {
                let cx = context(linter, report.accounts());
                for rule in linter.rules.checks() {
                    out.clear();
                    rule.check(&cx, &mut out);
                    count += out.len();
                }
            }
            count
        })
    };
    let (builtin_rules, _) = rules_time(&builtin);
    let (pack_rules, _) = rules_time(&with_pack);
    let mut per_rule: Vec<(String, Duration)> = builtin
        .rules
        .checks()
        .iter()
        .map(|rule| {
            let (time, _) = best(options.runs, || {
                let mut out: Vec<Finding> = Vec::new();
                for report in &parsed {
                    let cx = context(&builtin, report.accounts());
                    rule.check(&cx, &mut out);
                }
                out.len()
            });
            (rule.meta().name.clone(), time)
        })
        .collect();
    per_rule.sort_by_key(|(_, time)| std::cmp::Reverse(*time));

    let mut report = String::new();
    let _ = writeln!(
        report,
        "tree: {} ({} units, {accounts} accounts, {endpoints} endpoints); best of {} runs, one thread",
        tree.display(),
        units.len(),
        options.runs
    );
    let _ = writeln!(
        report,
        "rules: {} built-in checks; with the pack {} (100 pack rules)",
        builtin.rules.checks().len(),
        with_pack.rules.checks().len()
    );
    let _ = writeln!(report, "{:<34} {:>12} {:>12} {:>8}", "", "built-in", "+100 pack", "ratio");
    let _ = writeln!(
        report,
        "{:<34} {:>12} {:>12} {:>8.2}",
        "lint every unit (parse+rules+fixes)",
        ms(builtin_lint),
        ms(pack_lint),
        pack_lint.as_secs_f64() / builtin_lint.as_secs_f64()
    );
    let _ = writeln!(
        report,
        "{:<34} {:>12} {:>12} {:>8.2}",
        "rules only (accounts parsed once)",
        ms(builtin_rules),
        ms(pack_rules),
        pack_rules.as_secs_f64() / builtin_rules.as_secs_f64()
    );
    let _ = writeln!(
        report,
        "findings: {findings_builtin} built-in, {findings_pack} with the pack; pack rules cost {:.2} µs per endpoint for 100 rules",
        (pack_rules.saturating_sub(builtin_rules)).as_secs_f64() * 1e6 / endpoints.max(1) as f64
    );
    let _ = writeln!(report, "slowest built-in rules (rules only):");
    for (name, time) in per_rule.iter().take(3) {
        let _ = writeln!(report, "  {name:<32} {}", ms(*time));
    }
    print!("{report}");
    Ok(())
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

fn best<T>(runs: usize, mut f: impl FnMut() -> T) -> (Duration, T) {
    let mut best = Duration::MAX;
    let mut value = None;
    for _ in 0..runs {
        let start = Instant::now();
        let v = f();
        best = best.min(start.elapsed());
        value = Some(v);
    }
    (best, value.expect("at least one run"))
}

fn lint_all(linter: &Linter, units: &[Unit]) -> usize {
    units.iter().filter_map(|u| linter.lint_unit(u).ok()).map(|r| r.diagnostics.len()).sum()
}

/// maillint's built-in parsers, rules and providers, plus the pack's rules when given.
fn linter(pack: Option<&maillint_plugin::RulePack>) -> Result<Linter, String> {
    let mut parsers = ParserRegistry::new();
    parsers.register(Arc::new(maillint_thunderbird::ThunderbirdParser));
    parsers.register(Arc::new(maillint_mutt::MuttParser));
    let mut rules = RuleRegistry::new();
    for meta in [ParseError::metadata(), IoError::metadata(), NotFollowed::metadata()] {
        rules.register_meta(Arc::clone(meta)).map_err(|e| e.to_string())?;
    }
    for rule in maillint_rules::builtin_rules() {
        rules.register(rule).map_err(|e| e.to_string())?;
    }
    for meta in parsers.iter().flat_map(|p| p.rules()) {
        if rules.get(&meta.name).is_none() {
            rules.register_meta(meta).map_err(|e| e.to_string())?;
        }
    }
    let mut providers = maillint_rules::builtin_providers();
    if let Some(pack) = pack {
        pack.register(&mut rules).map_err(|e| e.to_string())?;
        pack.add_providers(&mut providers);
    }
    let enabled = rules.resolve(&Selection::default()).map_err(|e| e.to_string())?;
    Ok(Linter::new(parsers, rules, providers, enabled))
}

/// `count` pack rules of the kinds organisations write: host allow-lists with globs, provider
/// lookups, port and security policies, address domains, `any`/`not`, labels and fixes. Each
/// rule is about its own organisation's domain, as the rules of a real policy pack are, so most
/// of them evaluate their conditions and report nothing; the first rule of each kind is about
/// domains of the tree and does report.
fn generated_pack(count: usize) -> String {
    let mut text = String::from("[pack]\nname = \"generated\"\n");
    for i in 0..count {
        let (domain, mail_domain) = if i < 5 {
            ("example.net".to_owned(), "gmail.com".to_owned())
        } else {
            (format!("org{i}.example"), format!("org{i}.example"))
        };
        let _ = write!(
            text,
            "\n[[rule]]\nname = \"generated-rule-{i}\"\ncode = \"G{i:03}\"\nseverity = \"warning\"\n\
             summary = \"Generated rule {i}.\"\nmessage = \"{{connection}} of {{account}} breaks policy {i} ({{port}}, {{security}})\"\n\
             at = \"host\"\n"
        );
        let when = match i % 5 {
            0 => format!(
                "[rule.when]\nmail-domain = [\"{mail_domain}\", \"*.{mail_domain}\"]\nprotocol = \"imap\"\n\
                 any = [{{ host-not = \"imap.{mail_domain}\" }}, {{ port-not-in = 993 }}, {{ security-not-in = \"implicit-tls\" }}]\n\
                 [rule.fix]\ntitle = \"Use mail.{domain}\"\napplicability = \"unsafe\"\nhost = \"mail.{domain}\"\nport = 993\nsecurity = \"implicit-tls\"\n"
            ),
            1 => format!(
                "scope = \"account\"\n[rule.when]\nmail-domain = \"*{mail_domain}\"\n\
                 any = [{{ mail-domain-in-provider = \"gmail\" }}, {{ host-in-provider = [\"gmail\", \"yahoo\"] }}]\n"
            ),
            2 => format!(
                "[rule.when]\nprotocol = \"smtp\"\nhost = \"*.{domain}\"\nhost-not = [\"relay.{domain}\", \"*.relay.{domain}\"]\n\
                 not = {{ any = [{{ host-is-loopback = true }}, {{ host-in-provider = \"*\" }}] }}\n\
                 [[rule.label]]\nat = \"port\"\nmessage = \"port {{port}}\"\n"
            ),
            3 => format!(
                "[rule.when]\nport-in = [25, 110, 143]\nsecurity-in = [\"none\", \"starttls-optional\"]\nhost = \"*{domain}\"\n\
                 [rule.fix]\ntitle = \"Use TLS\"\napplicability = \"safe\"\nport = \"implicit-tls\"\nsecurity = \"implicit-tls\"\n"
            ),
            _ => format!(
                "[rule.when]\nhas-stored-secret = true\nauth-not-in = [\"oauth2\", \"gssapi\"]\nclient = [\"thunderbird\", \"mutt\"]\n\
                 host = [\"*.{domain}\", \"mail.{domain}\"]\n"
            ),
        };
        text.push_str(&when);
    }
    text
}

// ---- The tree --------------------------------------------------------------------------------

/// SplitMix64, so the tree is the same on every run.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

/// (host, port, socketType, type) of incoming servers; some with mistakes (a look-alike host,
/// STARTTLS only if available, no TLS). socketType values: thunderbird.md section 6.
const INCOMING: &[(&str, u16, u8, &str)] = &[
    ("imap.gmail.com", 993, 3, "imap"),
    ("imap.gmial.com", 993, 3, "imap"),
    ("outlook.office365.com", 993, 3, "imap"),
    ("mail.example.net", 143, 1, "imap"),
    ("mail.example.net", 143, 0, "imap"),
    ("pop.gmail.com", 995, 3, "pop3"),
    ("imap.mail.yahoo.com", 993, 3, "imap"),
];

const OUTGOING: &[(&str, u16, u8)] = &[
    ("smtp.gmail.com", 465, 3),
    ("smtp.gmail.com", 587, 2),
    ("smtp.office365.com", 587, 2),
    ("mail.example.net", 25, 0),
    ("smtp.mail.yahoo.com", 465, 3),
];

fn write_tree(dir: &Path, homes: usize) -> std::io::Result<()> {
    let mut rng = Rng(0x5EED);
    for h in 0..homes {
        let home = dir.join(format!("user{h:05}"));
        let profile = home.join(".thunderbird/abcd1234.default-release");
        std::fs::create_dir_all(&profile)?;
        let accounts = 2 + rng.below(2);
        let mut prefs = String::from("// Mozilla User Preferences\n\n");
        let mut names = Vec::new();
        for a in 1..=accounts {
            let (host, port, socket, kind) = INCOMING[rng.below(INCOMING.len())];
            let (smtp_host, smtp_port, try_ssl) = OUTGOING[rng.below(OUTGOING.len())];
            let user = format!("user{h}.{a}@{}", if a == 1 { "gmail.com" } else { "example.net" });
            names.push(format!("account{a}"));
            let _ = write!(
                prefs,
                "user_pref(\"mail.account.account{a}.identities\", \"id{a}\");\n\
                 user_pref(\"mail.account.account{a}.server\", \"server{a}\");\n\
                 user_pref(\"mail.identity.id{a}.smtpServer\", \"smtp{a}\");\n\
                 user_pref(\"mail.identity.id{a}.useremail\", \"{user}\");\n\
                 user_pref(\"mail.server.server{a}.hostname\", \"{host}\");\n\
                 user_pref(\"mail.server.server{a}.port\", {port});\n\
                 user_pref(\"mail.server.server{a}.socketType\", {socket});\n\
                 user_pref(\"mail.server.server{a}.type\", \"{kind}\");\n\
                 user_pref(\"mail.server.server{a}.userName\", \"{user}\");\n\
                 user_pref(\"mail.smtpserver.smtp{a}.hostname\", \"{smtp_host}\");\n\
                 user_pref(\"mail.smtpserver.smtp{a}.port\", {smtp_port});\n\
                 user_pref(\"mail.smtpserver.smtp{a}.try_ssl\", {try_ssl});\n\
                 user_pref(\"mail.smtpserver.smtp{a}.username\", \"{user}\");\n"
            );
        }
        let _ = writeln!(
            prefs,
            "user_pref(\"mail.accountmanager.accounts\", \"{}\");",
            names.join(",")
        );
        let smtps: Vec<String> = (1..=accounts).map(|a| format!("smtp{a}")).collect();
        let _ = writeln!(prefs, "user_pref(\"mail.smtpservers\", \"{}\");", smtps.join(","));
        // Prefs of a real profile that have nothing to do with mail.
        for p in 0..150 {
            let _ =
                writeln!(prefs, "user_pref(\"browser.setting.number{p}\", {});", rng.below(1000));
        }
        std::fs::write(profile.join("prefs.js"), prefs)?;
        let muttrc = format!(
            "set from = \"user{h}@example.net\"\nset folder = \"imaps://user{h}@mail.example.net/\"\n\
             set smtp_url = \"smtp://user{h}@mail.example.net:587/\"\n{}\nset imap_pass = \"not-a-secret-{h}\"\n",
            if rng.below(2) == 0 { "set ssl_force_tls = yes" } else { "unset ssl_force_tls" }
        );
        std::fs::write(home.join(".muttrc"), muttrc)?;
    }
    Ok(())
}
