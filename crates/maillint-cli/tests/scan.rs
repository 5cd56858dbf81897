//! `maillint scan` end to end, through the binary with the registered parsers: every finding
//! names its user and client, output is sorted and the same whatever the thread count, problems
//! appear once in the summary, JSON stays pure, the exit codes, and `HOME` as the default.

#![cfg(unix)]

use std::fs;
use std::path::Path;
use std::process::{Command, Output};

const PREFS: &str = r#"user_pref("mail.account.account1.identities", "id1");
user_pref("mail.account.account1.server", "server1");
user_pref("mail.accountmanager.accounts", "account1");
user_pref("mail.identity.id1.smtpServer", "smtp1");
user_pref("mail.identity.id1.useremail", "alice@example.org");
user_pref("mail.server.server1.hostname", "mail.example.org");
user_pref("mail.server.server1.port", 143);
user_pref("mail.server.server1.socketType", 0);
user_pref("mail.server.server1.type", "imap");
user_pref("mail.server.server1.userName", "alice");
user_pref("mail.smtpserver.smtp1.hostname", "mail.example.org");
user_pref("mail.smtpserver.smtp1.port", 465);
user_pref("mail.smtpserver.smtp1.try_ssl", 3);
user_pref("mail.smtpservers", "smtp1");
"#;

/// IMAP and SMTP without TLS (outlook.md 1.3: `IMAPUseSSL=0` and `SMTPUseSSL=0` are findings),
/// with the mapping section that makes Outlook read those keys.
const PRF: &str = "[General]\r\nCustom=1\r\nProfileName=Outlook\r\n\r\n\
    [Internet Account List]\r\nAccount1=IMAP_I_Mail\r\n\r\n\
    [Account1]\r\nIMAPServer=mail.example.org\r\nIMAPPort=143\r\nIMAPUseSSL=0\r\n\
    SMTPServer=mail.example.org\r\nSMTPPort=25\r\nSMTPUseSSL=0\r\n\r\n\
    [IMAP_I_Mail]\r\nAccountType=IMAP\r\nIMAPServer=PT_UNICODE,0x0100\r\n\
    IMAPPort=PT_LONG,0x0104\r\nIMAPUseSSL=PT_LONG,0x0105\r\nSMTPServer=PT_UNICODE,0x0200\r\n\
    SMTPPort=PT_LONG,0x0201\r\nSMTPUseSSL=PT_LONG,0x0202\r\n";

fn write(path: &Path, content: &str) {
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, content).unwrap();
}

/// alice: a Linux Thunderbird profile; bob: a PRF on the Desktop; carol: a broken `.muttrc`
/// link and a FIFO named `.neomuttrc`; dave: nothing.
fn tree(root: &Path) {
    write(
        &root.join("alice/.thunderbird/profiles.ini"),
        "[Profile0]\nName=default\nIsRelative=1\nPath=p.default\n",
    );
    write(&root.join("alice/.thunderbird/p.default/prefs.js"), PREFS);
    write(&root.join("bob/Desktop/work.prf"), PRF);
    fs::create_dir_all(root.join("carol")).unwrap();
    std::os::unix::fs::symlink("nowhere", root.join("carol/.muttrc")).unwrap();
    let fifo = root.join("carol/.neomuttrc");
    assert!(Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    fs::create_dir_all(root.join("dave")).unwrap();
}

fn maillint(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_maillint")).args(args).output().unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8(bytes.to_vec()).unwrap()
}

#[test]
fn every_finding_names_its_user_and_client_and_problems_are_listed_once() {
    let tmp = tempfile::tempdir().unwrap();
    tree(tmp.path());
    let root = tmp.path().to_str().unwrap();
    let output = maillint(&["scan", "--all-users", root, "--output-format", "concise"]);
    let stdout = text(&output.stdout);
    assert_eq!(output.status.code(), Some(1), "findings fail the run:\n{stdout}");
    assert_eq!(text(&output.stderr), "", "no progress bar when stderr is not a terminal");

    let (findings, summary) = stdout.split_once("\n\nScanned ").expect("a summary follows");
    let lines: Vec<&str> = findings.lines().collect();
    assert!(
        lines
            .iter()
            .all(|l| l.starts_with("[alice/thunderbird] ") || l.starts_with("[bob/outlook] "))
    );
    let alice = lines.iter().filter(|l| l.starts_with("[alice/")).count();
    let bob = lines.iter().filter(|l| l.starts_with("[bob/")).count();
    assert!(alice >= 1 && bob >= 1, "{findings}");
    assert!(lines[..alice].iter().all(|l| l.starts_with("[alice/")), "sorted by user");
    assert!(lines.iter().any(|l| l.starts_with("[alice/thunderbird] ")
        && l.contains("/alice/.thunderbird/p.default/prefs.js:8:")
        && l.contains("tls-disabled")));
    assert!(lines.iter().any(|l| l.starts_with("[bob/outlook] ")
        && l.contains("/bob/Desktop/work.prf:")
        && l.contains("tls-disabled")));

    assert!(summary.starts_with("4 homes (2 with mail configuration)"), "{summary}");
    assert!(summary.contains("Clients: outlook 1 user, thunderbird 1 user."), "{summary}");
    let users_of = |rule: &str| {
        let line = summary.lines().find(|l| l.starts_with(rule)).expect(rule);
        line[rule.len()..].split_whitespace().next().unwrap().parse::<usize>().unwrap()
    };
    assert_eq!(users_of("T003 tls-disabled"), 2, "both alice and bob:\n{summary}");
    assert!(summary.contains("T003 tls-disabled"));
    let problems: Vec<&str> = summary.lines().filter(|l| l.starts_with("  [carol] ")).collect();
    assert_eq!(problems.len(), 2, "{summary}");
    assert!(
        problems[0]
            .ends_with("/carol/.muttrc: broken symlink (its target does not exist); not checked")
    );
    assert!(problems[1].contains("/carol/.neomuttrc: is a FIFO (named pipe)"));
}

#[test]
fn output_is_the_same_whatever_the_thread_count() {
    let tmp = tempfile::tempdir().unwrap();
    tree(tmp.path());
    for i in 0..30 {
        write(&tmp.path().join(format!("user{i:02}/Documents/mail.prf")), PRF);
    }
    let root = tmp.path().to_str().unwrap();
    let one = maillint(&["scan", "-j", "1", "--all-users", root, "--output-format", "concise"]);
    let four = maillint(&["scan", "-j", "4", "--all-users", root, "--output-format", "concise"]);
    assert_eq!(text(&one.stdout), text(&four.stdout));
    let users: Vec<String> = text(&one.stdout)
        .lines()
        .filter_map(|l| l.strip_prefix('[')?.split_once('/').map(|(u, _)| u.to_owned()))
        .collect();
    let mut sorted = users.clone();
    sorted.sort();
    assert_eq!(users, sorted);
}

#[test]
fn json_has_user_and_client_and_the_summary_goes_to_stderr() {
    let tmp = tempfile::tempdir().unwrap();
    tree(tmp.path());
    let root = tmp.path().to_str().unwrap();
    let output = maillint(&["scan", "--all-users", root, "--output-format", "json"]);
    let items: Vec<serde_json::Value> = serde_json::from_slice(&output.stdout).unwrap();
    assert!(!items.is_empty());
    for item in &items {
        match (item["user"].as_str(), item["client"].as_str()) {
            (Some("alice"), Some("thunderbird")) | (Some("bob"), Some("outlook")) => {}
            other => panic!("unexpected user and client {other:?}"),
        }
        assert!(item["path"].as_str().is_some() && item["code"].as_str().is_some());
    }
    assert!(text(&output.stderr).contains("Scanned 4 homes"));

    let output = maillint(&["scan", "--all-users", root, "--output-format", "json-lines"]);
    let lines = text(&output.stdout);
    assert_eq!(lines.lines().count(), items.len());
    for line in lines.lines() {
        let item: serde_json::Value = serde_json::from_str(line).unwrap();
        assert!(item["user"].is_string() && item["client"].is_string());
    }

    // A scan without findings is an empty array, still valid JSON.
    let output =
        maillint(&["scan", tmp.path().join("dave").to_str().unwrap(), "--output-format", "json"]);
    assert_eq!(text(&output.stdout), "[]\n");
    assert_eq!(output.status.code(), Some(0));
}

#[test]
fn dirs_home_selection_and_exit_codes() {
    let tmp = tempfile::tempdir().unwrap();
    tree(tmp.path());
    let alice = tmp.path().join("alice");
    let alice = alice.to_str().unwrap();

    // Only the homes named; each is named after its folder.
    let output = maillint(&["scan", alice, "--output-format", "concise"]);
    let stdout = text(&output.stdout);
    assert!(stdout.contains("[alice/thunderbird] ") && !stdout.contains("[bob/"));

    // Without arguments: the current user's home, from HOME.
    let output = Command::new(env!("CARGO_BIN_EXE_maillint"))
        .args(["scan", "--output-format", "concise"])
        .env("HOME", alice)
        .output()
        .unwrap();
    assert!(text(&output.stdout).contains("[alice/thunderbird] "));
    assert!(text(&output.stdout).contains("Scanned 1 home (1 with mail configuration)"));

    let output = maillint(&["scan", alice, "--exit-zero"]);
    assert_eq!(output.status.code(), Some(0));
    assert!(text(&output.stdout).starts_with("User alice ("), "full output has a user header");

    let output = maillint(&["scan", alice, "--select", "P001", "--output-format", "concise"]);
    assert!(!text(&output.stdout).contains("tls-disabled"));
    assert_eq!(output.status.code(), Some(0));

    let missing = tmp.path().join("nobody");
    let output = maillint(&["scan", missing.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2));
    assert!(text(&output.stderr).contains("nobody"));

    let output = maillint(&["scan", "--all-users", missing.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2));

    let output = maillint(&["scan", alice, "--all-users", alice]);
    assert_eq!(output.status.code(), Some(2), "DIR and --all-users do not mix");
}

/// A parser plugin takes part in `scan` through the locations its `[[plugin]]` table declares,
/// like a built-in client: erin's `.fetchmailrc` is found and linted as the `fetchmail` client, and a
/// file at a place the table does not name is not looked at.
#[test]
#[allow(clippy::print_stderr)] // a skipped test says so
fn a_parser_plugin_is_scanned_at_the_locations_its_table_declares() {
    let python = Command::new("python3").arg("--version").output();
    if !python.is_ok_and(|o| o.status.success()) {
        assert!(std::env::var_os("CI").is_none(), "python3 is required in CI");
        eprintln!("SKIPPED: python3 not found (the example fetchmail plugin is Python 3)");
        return;
    }
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().unwrap();
    let plugin = repo.join("examples/plugins/fetchmail/maillint-fetchmail");
    let digest = maillint_plugin::external::digest::sha256_file(&plugin).unwrap();
    let rc = fs::read_to_string(repo.join("fixtures/plugins/fetchmail/home/.fetchmailrc")).unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let config = tmp.path().join("maillint.toml");
    write(
        &config,
        &format!(
            "[[plugin]]\nname = \"fetchmail\"\nkind = \"parser\"\ncommand = {:?}\n\
             sha256 = \"{digest}\"\nformats = [\".fetchmailrc\"]\nlocations = [\".fetchmailrc\"]\n",
            plugin.to_str().unwrap()
        ),
    );
    let homes = tmp.path().join("homes");
    write(&homes.join("erin/.fetchmailrc"), &rc);
    write(&homes.join("erin/backup/.fetchmailrc"), &rc);
    let output = maillint(&[
        "scan",
        "--config",
        config.to_str().unwrap(),
        "--all-users",
        homes.to_str().unwrap(),
        "--output-format",
        "concise",
    ]);
    let stdout = text(&output.stdout);
    assert!(stdout.contains("[erin/fetchmail] "), "{stdout}\n{}", text(&output.stderr));
    assert!(stdout.contains("erin/.fetchmailrc:"), "{stdout}");
    assert!(!stdout.contains("backup"), "only the declared locations are looked at:\n{stdout}");
}

fn json(bytes: &[u8]) -> serde_json::Value {
    serde_json::from_slice(bytes)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(bytes)))
}

fn repo_file(path: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").join(path)
}

fn validator(schema: &str) -> jsonschema::Validator {
    let schema = json(&fs::read(repo_file(schema)).unwrap());
    jsonschema::validator_for(&schema).expect("the schema compiles")
}

fn assert_valid(validator: &jsonschema::Validator, document: &serde_json::Value) {
    let errors: Vec<String> =
        validator.iter_errors(document).map(|e| format!("{e} at {}", e.instance_path())).collect();
    assert!(errors.is_empty(), "{errors:#?}");
}

/// The report counts every home, clean or not, says which servers each user's accounts name,
/// carries the problems and the same findings as `json`, and validates against the published
/// schema; `--summary-only` drops the findings and nothing else.
#[test]
fn report_json_validates_against_the_schema_and_counts_every_user() {
    let tmp = tempfile::tempdir().unwrap();
    tree(tmp.path());
    let root = tmp.path().to_str().unwrap();
    let output = maillint(&["scan", "--all-users", root, "--output-format", "report-json"]);
    assert_eq!(output.status.code(), Some(1));
    let report = json(&output.stdout);
    let validator = validator("docs/schemas/scan-report.schema.json");
    assert_valid(&validator, &report);

    let users: Vec<&str> =
        report["users"].as_array().unwrap().iter().map(|u| u["user"].as_str().unwrap()).collect();
    assert_eq!(users, ["alice", "bob", "carol", "dave"], "clean and empty homes are listed too");
    let totals = &report["totals"];
    assert_eq!(
        (totals["homes"].as_u64(), totals["users_with_config"].as_u64()),
        (Some(4), Some(2))
    );
    assert_eq!(totals["users_affected"], 2);
    assert_eq!(totals["problems"], 2);
    assert_eq!(report["users"][2]["problems"], 2, "carol's link and FIFO");
    let kinds: Vec<&str> = report["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["broken symlink", "special file"]);

    let plain = json(&maillint(&["scan", "--all-users", root, "--output-format", "json"]).stdout);
    assert_eq!(report["findings"], plain, "the report's findings are the json format's");
    assert_eq!(totals["findings"].as_u64(), Some(plain.as_array().unwrap().len() as u64));

    // Both users' IMAP accounts name mail.example.org:143 (alice's Thunderbird, bob's PRF).
    let server = report["servers"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["protocol"] == "imap" && s["host"] == "mail.example.org" && s["port"] == 143)
        .expect("the shared IMAP server");
    let names: Vec<&str> =
        server["users"].as_array().unwrap().iter().map(|u| u["user"].as_str().unwrap()).collect();
    assert_eq!(names, ["alice", "bob"]);
    assert!(server["findings"].as_u64().unwrap() >= 2, "tls-disabled for each: {server}");
    let tls = report["rules"].as_array().unwrap().iter().find(|r| r["name"] == "tls-disabled");
    assert_eq!(tls.unwrap()["users"], 2);

    let output = maillint(&[
        "scan",
        "--all-users",
        root,
        "--output-format",
        "report-json",
        "--summary-only",
    ]);
    let mut summary = json(&output.stdout);
    assert_valid(&validator, &summary);
    assert!(summary.get("findings").is_none());
    let mut full = report.clone();
    full.as_object_mut().unwrap().remove("findings");
    summary.as_object_mut().unwrap().remove("findings");
    assert_eq!(summary, full);
}

/// On many homes the summary stays one screen: every table is cut to its first rows and says
/// how many more the report lists; the findings are not printed.
#[test]
fn summary_only_fits_a_screen_on_many_homes() {
    let tmp = tempfile::tempdir().unwrap();
    tree(tmp.path());
    for i in 0..150 {
        // Every user a server of their own, and a broken link: long lists to cut.
        let prf =
            PRF.replace("IMAPServer=mail.example.org", &format!("IMAPServer=imap{i}.example.org"));
        write(&tmp.path().join(format!("user{i:03}/Documents/mail.prf")), &prf);
        std::os::unix::fs::symlink("nowhere", tmp.path().join(format!("user{i:03}/.muttrc")))
            .unwrap();
    }
    let root = tmp.path().to_str().unwrap();
    let output = maillint(&["scan", "--all-users", root, "--summary-only"]);
    assert_eq!(output.status.code(), Some(1));
    let stdout = text(&output.stdout);
    assert!(stdout.lines().count() <= 50, "{} lines:\n{stdout}", stdout.lines().count());
    assert!(stdout.contains("Scanned 154 homes (152 with mail configuration)"), "{stdout}");
    assert!(
        stdout.contains("\nRULE ") && stdout.contains("\nSERVER ") && stdout.contains("\nUSER ")
    );
    // The server bob and the 150 users share leads; the users' own servers are cut.
    let smtp = stdout.lines().find(|l| l.starts_with("smtp mail.example.org:25 ")).unwrap();
    assert_eq!(smtp.split_whitespace().nth(2), Some("151"), "{smtp}");
    assert!(stdout.contains("… and 145 more servers (report-json lists every one)"), "{stdout}");
    assert!(stdout.contains("152 problems met while scanning"), "{stdout}");
    assert!(stdout.contains("… and 144 more (broken symlink 144;"), "{stdout}");
    assert!(!stdout.contains(".prf:"), "no findings with --summary-only:\n{stdout}");

    let output =
        maillint(&["scan", "--all-users", root, "--summary-only", "--output-format", "json"]);
    assert_eq!(output.status.code(), Some(2), "--summary-only is for the report formats");
}

/// `-o` writes the output to a file and nothing to standard output; `--statistics` counts what
/// the report counts; `sarif`, `junit` and `github` work for `scan` as for `check`.
#[test]
fn output_file_statistics_and_every_check_format() {
    let tmp = tempfile::tempdir().unwrap();
    tree(tmp.path());
    let root = tmp.path().to_str().unwrap();
    let file = tmp.path().join("report.json");
    let output = maillint(&[
        "scan",
        "--all-users",
        root,
        "--output-format",
        "report-json",
        "-o",
        file.to_str().unwrap(),
    ]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(text(&output.stdout), "");
    assert!(text(&output.stderr).contains("Scanned 4 homes"), "the summary for the person");
    let report = json(&fs::read(&file).unwrap());

    let output =
        maillint(&["scan", "--all-users", root, "--statistics", "--output-format", "json"]);
    let stats = json(&output.stdout);
    for rule in report["rules"].as_array().unwrap() {
        let stat = stats.as_array().unwrap().iter().find(|s| s["code"] == rule["code"]).unwrap();
        assert_eq!(stat["count"], rule["findings"]);
        assert_eq!(stat["fixable_count"], rule["fixable"]);
    }
    let findings = report["totals"]["findings"].as_u64().unwrap();

    let sarif = json(&maillint(&["scan", "--all-users", root, "--output-format", "sarif"]).stdout);
    assert_valid(&validator("tests/schemas/sarif-2.1.0.json"), &sarif);
    assert_eq!(sarif["runs"][0]["results"].as_array().unwrap().len() as u64, findings);

    let junit = text(&maillint(&["scan", "--all-users", root, "--output-format", "junit"]).stdout);
    let mut reader = quick_xml::Reader::from_str(&junit);
    let mut cases = 0;
    loop {
        match reader.read_event().expect("well-formed XML") {
            quick_xml::events::Event::Start(e) | quick_xml::events::Event::Empty(e)
                if e.name().as_ref() == "testcase" =>
            {
                cases += 1;
            }
            quick_xml::events::Event::Eof => break,
            _ => {}
        }
    }
    assert_eq!(cases, findings);

    let csv = text(&maillint(&["scan", "--all-users", root, "--output-format", "csv"]).stdout);
    assert_eq!(csv.lines().count() as u64, findings + 1, "a header and a row per finding");
    assert!(csv.starts_with("user,client,path,line,column,severity,code,rule,message,account,"));
    // bob's two tls-disabled findings, each with the endpoint it is about.
    let bob: Vec<&str> =
        csv.lines().filter(|l| l.starts_with("bob,outlook,") && l.contains(",T003,")).collect();
    assert!(bob.iter().any(|l| l.ends_with(",imap,mail.example.org,143")), "{csv}");
    assert!(bob.iter().any(|l| l.ends_with(",smtp,mail.example.org,25")), "{csv}");

    let github =
        text(&maillint(&["scan", "--all-users", root, "--output-format", "github"]).stdout);
    assert_eq!(github.lines().count() as u64, findings);
    assert!(
        github.lines().all(|l| l.starts_with("::error ")
            || l.starts_with("::warning ")
            || l.starts_with("::notice ")),
        "{github}"
    );
}

/// The reports of two hosts merge into one that counts every user of both, each row marked with
/// its host (from the file's name), still valid against the schema; HTML and the summary render
/// from it, and a broken input is named with its line and column.
#[test]
fn report_merge_counts_every_user_of_every_host() {
    let tmp = tempfile::tempdir().unwrap();
    let (one, two) = (tmp.path().join("one"), tmp.path().join("two"));
    tree(&one);
    write(&two.join("erin/Documents/mail.prf"), PRF);
    for (root, name) in [(&one, "web1.json"), (&two, "web2.json")] {
        let out = tmp.path().join(name);
        let args =
            ["scan", "--all-users", root.to_str().unwrap(), "--output-format", "report-json"];
        maillint(&[&args[..], &["-o", out.to_str().unwrap()]].concat());
    }
    let (web1, web2) = (tmp.path().join("web1.json"), tmp.path().join("web2.json"));
    let inputs = [web1.to_str().unwrap(), web2.to_str().unwrap()];
    let output = maillint(&[&["report", "merge"][..], &inputs].concat());
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let merged = json(&output.stdout);
    assert_valid(&validator("docs/schemas/scan-report.schema.json"), &merged);
    assert_eq!(merged["totals"]["hosts"], 2);
    assert_eq!(merged["totals"]["homes"], 5);
    let users: Vec<String> = merged["users"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| format!("{}/{}", u["host"].as_str().unwrap(), u["user"].as_str().unwrap()))
        .collect();
    assert_eq!(users, ["web1/alice", "web1/bob", "web1/carol", "web1/dave", "web2/erin"]);
    let first = json(&fs::read(&web1).unwrap());
    let second = json(&fs::read(&web2).unwrap());
    let sum = |field: &str| {
        first["totals"][field].as_u64().unwrap() + second["totals"][field].as_u64().unwrap()
    };
    for field in ["findings", "errors", "warnings", "accounts", "problems", "users_affected"] {
        assert_eq!(merged["totals"][field].as_u64().unwrap(), sum(field), "{field}");
    }
    let findings = merged["findings"].as_array().unwrap();
    assert_eq!(findings.len() as u64, sum("findings"));
    assert!(findings.iter().all(|f| f["scan_host"] == "web1" || f["scan_host"] == "web2"));
    // bob's and erin's PRFs name the same SMTP server: one row, users of both hosts.
    let smtp = merged["servers"].as_array().unwrap().iter().find(|s| s["port"] == 25).unwrap();
    assert_eq!(
        smtp["users"],
        serde_json::json!([{"host": "web1", "user": "bob"}, {"host": "web2", "user": "erin"}])
    );

    let html = text(
        &maillint(&[&["report", "merge", "--output-format", "html"][..], &inputs].concat()).stdout,
    );
    assert!(html.contains("<th>Host</th>") && html.contains("<td>web2</td>"), "a host column");
    let summary = text(
        &maillint(&[&["report", "merge", "--output-format", "summary"][..], &inputs].concat())
            .stdout,
    );
    assert!(summary.contains("Scanned 5 homes on 2 hosts"), "{summary}");

    fs::write(tmp.path().join("bad.json"), "{\n  \"version\": 1,\n  \"tool\": [1,}\n}\n").unwrap();
    let bad = tmp.path().join("bad.json");
    let output = maillint(&["report", "merge", inputs[0], bad.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2));
    assert!(text(&output.stderr).contains("bad.json:3:"), "{}", text(&output.stderr));
    let output = maillint(&["report", "merge", inputs[0], inputs[0]]);
    assert_eq!(output.status.code(), Some(2), "the same host twice");
}
