//! What the built-in rules cost per account and per home, on accounts parsed once.
//!
//! ```sh
//! cargo run --release -p maillint-rules --example rules_bench -- [--runs N] [--homes N]
//! ```
//!
//! Three workloads, each parsed once and then checked by every built-in rule, best of `--runs`
//! passes. Each pass is a run of its own (a fresh [`maillint_core::RunState`]): it pays for
//! building the provider index and for every verdict on a host, as one `maillint` run does. The
//! first pass is printed too (it also pays for the lazily parsed built-in provider files):
//!
//! - `fixtures`: every Thunderbird fixture under `fixtures/thunderbird/rules/` and the demo
//!   (`fixtures/demo/thunderbird-profile/prefs.js` and `fixtures/demo/mutt/muttrc`);
//! - `homes`: `--homes` homes (default 1000) shaped like those of `cargo xtask bench`: a
//!   Thunderbird profile with 2 or 3 accounts drawn from the same hosts and mistakes, and a
//!   muttrc. Hosts repeat across homes, as they do on real machines;
//! - `distinct-homes`: the same homes, but every home's second and third accounts use host
//!   names no other home uses (a company's own servers, a typo with a number in it, a provider
//!   name inside a company domain), so nothing learned about one home's hosts helps the next.
//!
//! Output: microseconds per account and per home for each workload.

#![allow(clippy::print_stdout, clippy::print_stderr)] // a command-line program: output is its job

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use maillint_core::{
    Account, Finding, ParseOptions, Parser, ProviderDb, RuleContext, RuleSettings, RunState,
    SourceFile, Sources,
};
use maillint_mutt::MuttParser;
use maillint_rules::{builtin_providers, builtin_rules};
use maillint_thunderbird::ThunderbirdParser;

struct Options {
    runs: usize,
    homes: usize,
}

fn options() -> Result<Options, String> {
    let mut options = Options { runs: 20, homes: 1000 };
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut number = || -> Result<usize, String> {
            let value = args.next().ok_or(format!("{arg} needs a number"))?;
            value.parse().map_err(|e| format!("{arg}: `{value}`: {e}"))
        };
        match arg.as_str() {
            "--runs" => options.runs = number()?.max(1),
            "--homes" => options.homes = number()?.max(1),
            other => {
                return Err(format!("unknown option `{other}`; options: --runs N, --homes N"));
            }
        }
    }
    Ok(options)
}

fn main() {
    if let Err(message) = run() {
        eprintln!("rules_bench: {message}");
        std::process::exit(2);
    }
}

/// One parsed unit: its accounts, as the engine hands them to the rules.
type Unit = Vec<Account>;

fn run() -> Result<(), String> {
    let options = options()?;
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let providers = builtin_providers();
    let settings = RuleSettings::default();

    let mut fixture_files = Vec::new();
    collect_files(&workspace.join("fixtures/thunderbird/rules"), &mut fixture_files)?;
    fixture_files.push(workspace.join("fixtures/demo/thunderbird-profile/prefs.js"));
    fixture_files.sort();
    let mut fixtures: Vec<Unit> = Vec::new();
    for path in &fixture_files {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        fixtures.push(parse(&ThunderbirdParser, path, text));
    }
    let muttrc = workspace.join("fixtures/demo/mutt/muttrc");
    let text =
        std::fs::read_to_string(&muttrc).map_err(|e| format!("{}: {e}", muttrc.display()))?;
    fixtures.push(parse(&MuttParser, &muttrc, text));

    // A home is two units (profile and muttrc); its time is the sum of both.
    let homes: Vec<Unit> = (0..options.homes).flat_map(|i| home(i, false)).collect();
    let distinct: Vec<Unit> = (0..options.homes).flat_map(|i| home(i, true)).collect();

    println!(
        "rules_bench: every built-in rule over accounts parsed once, best of {} passes",
        options.runs
    );
    println!(
        "{:<16} {:>6} {:>8} {:>14} {:>14} {:>14}",
        "workload", "units", "accounts", "first µs/acct", "best µs/acct", "best µs/home"
    );
    for (name, units, homes) in [
        ("fixtures", &fixtures, None),
        ("homes", &homes, Some(options.homes)),
        ("distinct-homes", &distinct, Some(options.homes)),
    ] {
        let accounts: usize = units.iter().map(Vec::len).sum();
        let (first, best) = measure(units, &providers, &settings, options.runs);
        let per_account = |d: Duration| d.as_secs_f64() * 1e6 / accounts.max(1) as f64;
        let per_home = homes.map_or_else(
            || "-".to_owned(),
            |h| format!("{:.1}", best.as_secs_f64() * 1e6 / h as f64),
        );
        println!(
            "{name:<16} {:>6} {accounts:>8} {:>14.2} {:>14.2} {per_home:>14}",
            units.len(),
            per_account(first),
            per_account(best),
        );
    }
    Ok(())
}

/// The first pass and the best pass of running every built-in rule over every unit.
fn measure(
    units: &[Unit],
    providers: &ProviderDb,
    settings: &RuleSettings,
    runs: usize,
) -> (Duration, Duration) {
    let rules = builtin_rules();
    let mut out: Vec<Finding> = Vec::new();
    let mut first = None;
    let mut best = Duration::MAX;
    for _ in 0..runs {
        let start = Instant::now();
        let mut findings = 0;
        // Each pass is a run: it builds the provider index and learns verdicts afresh.
        let run = RunState::new();
        for accounts in units {
            let cx = RuleContext { accounts, providers, settings, run: &run };
            for rule in &rules {
                out.clear();
                rule.check(&cx, &mut out);
                findings += out.len();
            }
        }
        black_box(findings);
        let elapsed = start.elapsed();
        first.get_or_insert(elapsed);
        best = best.min(elapsed);
    }
    (first.unwrap_or_default(), best)
}

fn parse(parser: &dyn Parser, path: &Path, text: String) -> Unit {
    let mut sources = Sources::new();
    let root = sources.add(SourceFile::from_text(path, text));
    parser.parse(root, &mut sources, &ParseOptions::default()).accounts
}

fn collect_files(dir: &Path, files: &mut Vec<PathBuf>) -> Result<(), String> {
    let entries = std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    for entry in entries {
        let path = entry.map_err(|e| format!("{}: {e}", dir.display()))?.path();
        if path.is_dir() {
            collect_files(&path, files)?;
        } else {
            files.push(path);
        }
    }
    Ok(())
}

/// A deterministic generator (xorshift), so every run measures the same accounts.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
}

/// Home `index`: a Thunderbird profile and a muttrc, parsed. The accounts and their mistakes
/// follow `prefs_js` and `muttrc` in `xtask/src/bench.rs`; with `distinct`, the second and
/// third accounts use hosts of this home alone.
#[allow(
    clippy::too_many_lines,
    reason = "a synthetic home written line by line, as xtask's bench tree writes it"
)]
fn home(index: usize, distinct: bool) -> [Unit; 2] {
    let mut rng =
        Rng(0x9E37_79B9_7F4A_7C15 ^ (index as u64 + 1).wrapping_mul(0x2545_F491_4F6C_DD1D));
    let user = format!("user{index}");
    let mut prefs = String::new();
    let accounts = 2 + rng.below(2);
    let mut smtp_keys = Vec::new();
    let mut account_keys = Vec::new();
    for a in 1..=accounts {
        let (host, smtp, email, mistake) = match (a, rng.below(6)) {
            (1, 0) => (
                "imap.googlemail.com".to_owned(),
                "smtp.googlemail.com".to_owned(),
                format!("{user}@gmail.com"),
                "legacy-host",
            ),
            (1, _) => (
                "imap.gmail.com".to_owned(),
                "smtp.gmail.com".to_owned(),
                format!("{user}@gmail.com"),
                "none",
            ),
            (_, choice) if distinct => {
                let (imap, smtp) = match choice % 3 {
                    0 => (format!("mail.org{index}.example"), format!("mail.org{index}.example")),
                    1 => (format!("imap.gmial{index}.com"), format!("smtp{index}.gmai.com")),
                    _ => (
                        format!("imap.gmail.com.corp{index}.example"),
                        format!("smtp.corp{index}.example"),
                    ),
                };
                (
                    imap,
                    smtp,
                    format!("{user}@org{index}.example"),
                    ["plaintext", "opportunistic", "port-mismatch"][choice % 3],
                )
            }
            (_, 0 | 1) => (
                "mail.example.org".to_owned(),
                "mail.example.org".to_owned(),
                format!("{user}@example.org"),
                "plaintext",
            ),
            (_, 2) => (
                "imap.example.net".to_owned(),
                "smtp.example.net".to_owned(),
                format!("{user}@example.net"),
                "opportunistic",
            ),
            (_, 3) => (
                "outlook.office365.com".to_owned(),
                "smtp.office365.com".to_owned(),
                format!("{user}@example.com"),
                "port-mismatch",
            ),
            _ => (
                "imap.fastmail.com".to_owned(),
                "smtp.fastmail.com".to_owned(),
                format!("{user}@fastmail.com"),
                "none",
            ),
        };
        let (socket, port, try_ssl, smtp_port) = match mistake {
            "plaintext" => (0, 143, 0, 25),
            "opportunistic" => (1, 143, 1, 587),
            "port-mismatch" => (2, 993, 3, 587),
            _ => (3, 993, 3, 465),
        };
        let auth = if host.contains("gmail") || host.contains("office365") { 10 } else { 3 };
        let server = format!("mail.server.server{a}");
        let outgoing = format!("mail.smtpserver.smtp{a}");
        let identity = format!("mail.identity.id{a}");
        for (name, value) in [
            (format!("mail.account.account{a}.identities"), format!("\"id{a}\"")),
            (format!("mail.account.account{a}.server"), format!("\"server{a}\"")),
            (format!("{server}.hostname"), format!("\"{host}\"")),
            (format!("{server}.port"), port.to_string()),
            (format!("{server}.socketType"), socket.to_string()),
            (format!("{server}.authMethod"), auth.to_string()),
            (format!("{server}.type"), "\"imap\"".to_owned()),
            (format!("{server}.userName"), format!("\"{email}\"")),
            (format!("{outgoing}.hostname"), format!("\"{smtp}\"")),
            (format!("{outgoing}.port"), smtp_port.to_string()),
            (format!("{outgoing}.try_ssl"), try_ssl.to_string()),
            (format!("{outgoing}.authMethod"), auth.to_string()),
            (format!("{outgoing}.username"), format!("\"{email}\"")),
            (format!("{identity}.useremail"), format!("\"{email}\"")),
            (format!("{identity}.smtpServer"), format!("\"smtp{a}\"")),
        ] {
            prefs.push_str(&format!("user_pref(\"{name}\", {value});\n"));
        }
        account_keys.push(format!("account{a}"));
        smtp_keys.push(format!("smtp{a}"));
    }
    prefs.push_str(&format!(
        "user_pref(\"mail.accountmanager.accounts\", \"{}\");\nuser_pref(\"mail.smtpservers\", \"{}\");\n",
        account_keys.join(","),
        smtp_keys.join(",")
    ));
    let (mutt_host, mutt_domain) = if distinct {
        (format!("imap.org{index}.example"), format!("org{index}.example"))
    } else {
        ("imap.example.org".to_owned(), "example.org".to_owned())
    };
    let mut muttrc = format!(
        "set from = \"{user}@{mutt_domain}\"\nset imap_user = \"{user}@{mutt_domain}\"\n\
         set folder = \"imaps://{mutt_host}:993/\"\nset spoolfile = \"+INBOX\"\n"
    );
    muttrc.push_str(match rng.below(5) {
        0 => "set imap_pass = \"hunter2-not-real\"\n",
        1 => "set ssl_force_tls = no\nset ssl_starttls = no\n",
        2 => "set smtp_url = \"smtp://mail.example.org:25/\"\n",
        3 => "set ssl_verify_host = no\n",
        _ => "set smtp_url = \"smtps://mail.example.org:465/\"\nset ssl_force_tls = yes\n",
    });
    [
        parse(&ThunderbirdParser, Path::new("/home/u/.thunderbird/x/prefs.js"), prefs),
        parse(&MuttParser, Path::new("/home/u/.muttrc"), muttrc),
    ]
}
