//! The HTML report in a real browser: headless chromium renders a generated report; its
//! headline numbers must be the JSON report's of the same tree, clicking a header must sort
//! the table (driven by the page's own `#sort=` fragment, which clicks the header), and a home
//! named like markup must show as text and run nothing. A screenshot is taken too.
//!
//! Needs `chromium` (Debian's package; `.ci/run` installs it): without it the test says
//! SKIPPED, and fails under CI.

#![cfg(unix)]

mod attack_support;

use std::fs;
use std::path::Path;
use std::process::Command;

use attack_support::have_program;

const CHROMIUM: &str = "chromium";

/// A home name that would run script if it were pasted into the page as markup.
const HOSTILE: &str = "<img src=x onerror=\"document.title='pwned'\">";

fn write(path: &Path, text: &str) {
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, text).unwrap();
}

/// aaron: one warning; bea: errors and warnings; cy: nothing wrong; the hostile home: one
/// warning. Alphabetical order is not the order by errors.
fn tree(root: &Path) {
    let password = "set imap_user = \"u@example.org\"\nset imap_pass = \"s3cret\"\n\
                    set folder = \"imaps://imap.example.org:993/\"\n";
    write(&root.join("aaron/.muttrc"), password);
    write(
        &root.join("bea/.muttrc"),
        &format!(
            "{password}set smtp_url = \"smtp://u@smtp.example.org:25/\"\nset ssl_starttls = no\n\
             set ssl_verify_host = no\n"
        ),
    );
    write(&root.join("cy/.muttrc"), "set folder = \"imaps://imap.example.org:993/\"\n");
    write(&root.join(HOSTILE).join(".muttrc"), password);
}

fn maillint(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_maillint")).args(args).output().unwrap()
}

/// Chromium headless on `url`; returns the DOM after the page's script ran.
fn dump_dom(url: &str, profile: &Path, screenshot: Option<&Path>) -> String {
    let mut command = Command::new(CHROMIUM);
    command.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--virtual-time-budget=5000",
        "--window-size=1280,1600",
    ]);
    command.arg(format!("--user-data-dir={}", profile.display()));
    match screenshot {
        Some(path) => command.arg(format!("--screenshot={}", path.display())),
        None => command.arg("--dump-dom"),
    };
    let output = command.arg(url).output().expect("chromium runs");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8(output.stdout).unwrap()
}

/// The text of an element's content, tags removed and the usual entities decoded.
fn text(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&amp;", "&")
}

/// The cells of each body row of the table with `id`.
fn rows(dom: &str, id: &str) -> Vec<Vec<String>> {
    let start = dom.find(&format!("<table id=\"{id}\"")).unwrap_or_else(|| panic!("table {id}"));
    let body = &dom[start..];
    let body = &body[body.find("<tbody>").unwrap() + 7..body.find("</tbody>").unwrap()];
    body.split("</tr>")
        .filter(|row| row.contains("<td"))
        .map(|row| {
            row.split("</td>")
                .filter(|c| c.contains("<td"))
                .map(|c| text(c).trim().to_owned())
                .collect()
        })
        .collect()
}

/// The number in the headline element `total-NAME`.
fn headline(dom: &str, name: &str) -> u64 {
    let marker = format!("id=\"total-{name}\">");
    let at = dom.find(&marker).unwrap_or_else(|| panic!("headline {name}")) + marker.len();
    dom[at..dom[at..].find('<').unwrap() + at].parse().unwrap()
}

#[test]
fn the_html_report_renders_in_chromium_with_the_json_numbers_and_sorts() {
    if !have_program(
        CHROMIUM,
        "the_html_report_renders_in_chromium_with_the_json_numbers_and_sorts",
    ) {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let homes = tmp.path().join("homes");
    tree(&homes);
    let (json_path, html_path) = (tmp.path().join("report.json"), tmp.path().join("report.html"));
    let root = homes.to_str().unwrap();
    for (format, path) in [("report-json", &json_path), ("html", &html_path)] {
        let output = maillint(&[
            "scan",
            "--all-users",
            root,
            "--output-format",
            format,
            "-o",
            path.to_str().unwrap(),
        ]);
        assert_eq!(output.status.code(), Some(1), "{}", String::from_utf8_lossy(&output.stderr));
    }
    let report: serde_json::Value = serde_json::from_slice(&fs::read(&json_path).unwrap()).unwrap();
    let html = fs::read_to_string(&html_path).unwrap();
    for external in ["src=\"http", "href=\"http", "<link", "@import", "url("] {
        assert!(!html.contains(external), "self-contained: no {external}");
    }

    let url = format!("file://{}", html_path.display());
    let profile = tmp.path().join("chromium-profile");
    let dom = dump_dom(&url, &profile, None);
    let totals = &report["totals"];
    for (id, field) in [
        ("homes", "homes"),
        ("users-affected", "users_affected"),
        ("users-clean", "users_clean"),
        ("accounts", "accounts"),
        ("servers", "servers"),
        ("errors", "errors"),
        ("warnings", "warnings"),
        ("fixable", "fixable"),
        ("problems", "problems"),
    ] {
        assert_eq!(headline(&dom, id), totals[field].as_u64().unwrap(), "{id}");
    }
    let names: Vec<String> = rows(&dom, "users").into_iter().map(|r| r[0].clone()).collect();
    let expected: Vec<String> = report["users"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["user"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(names, expected, "the users in scan order before any click");
    assert_eq!(dom.matches("<svg id=\"chart-").count(), 2, "both charts are drawn");

    // The hostile home is text, its markup ran nothing, and the page's title is its own.
    assert!(names.contains(&HOSTILE.to_owned()));
    assert!(dom.contains("<title>maillint scan report</title>"), "no script changed the title");
    assert!(!dom.contains("<img src=\"x\""), "no element was made from the home's name");

    // Sorting: the fragment clicks the Errors header twice (descending).
    let sorted = dump_dom(&format!("{url}#sort=users:3:desc"), &profile, None);
    let by_errors: Vec<(String, u64)> =
        rows(&sorted, "users").into_iter().map(|r| (r[0].clone(), r[3].parse().unwrap())).collect();
    assert_eq!(by_errors[0].0, "bea", "most errors first: {by_errors:?}");
    assert!(by_errors.windows(2).all(|w| w[0].1 >= w[1].1), "{by_errors:?}");
    assert!(sorted.contains("aria-sort=\"descending\">Errors</th>"), "the header says so");

    // Filtering: only the rows that contain the text stay visible.
    let filtered = dump_dom(&format!("{url}#filter=users:bea"), &profile, None);
    assert!(
        filtered.contains("id=\"users\" class=\"sortable\" data-shown=\"1\""),
        "{}",
        &filtered[..filtered.len().min(400)]
    );

    let shot = tmp.path().join("report.png");
    dump_dom(&url, &profile, Some(&shot));
    let png = fs::read(&shot).expect("a screenshot");
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n") && png.len() > 10_000, "{} bytes", png.len());
}
