//! Real-size mutt configurations: a main muttrc in one of the places mutt and NeoMutt look
//! (`~/.muttrc`, `~/.mutt/muttrc`, `~/.config/mutt/muttrc`, `~/.config/neomutt/neomuttrc`)
//! that `source`s one file per account, a colour scheme and key bindings, as the dotfiles in
//! `../shared/corpus/muttrc` do (e.g. `Nelyah__dotfiles__.mutt__accounts__ovh`,
//! `potamides__dotfiles__.config__mutt__accounts__google`). Some accounts carry the mistakes
//! maillint exists for: a password in the file, TLS not enforced, SMTP in plaintext,
//! certificate checks off.

use std::fmt::Write as _;

use super::tree::{Rng, WORDS};

/// Where the main file is, and the folder its parts are kept in (relative to the home).
const LAYOUTS: &[(&str, &str)] = &[
    (".muttrc", ".mutt"),
    (".mutt/muttrc", ".mutt"),
    (".config/mutt/muttrc", ".config/mutt"),
    (".config/neomutt/neomuttrc", ".config/neomutt"),
];

const COLORS: &[&str] =
    &["default", "black", "red", "green", "yellow", "blue", "magenta", "cyan", "white"];

const OBJECTS: &[&str] = &[
    "index",
    "header",
    "body",
    "status",
    "indicator",
    "tree",
    "quoted",
    "quoted1",
    "signature",
    "attachment",
    "hdrdefault",
    "markers",
    "tilde",
    "search",
    "error",
    "message",
    "normal",
];

/// Boolean variables of NeoMutt (its variable table, `crates/maillint-mutt/src/neomutt_tables.rs`).
const BOOLEANS: &[&str] = &[
    "smart_wrap",
    "sidebar_short_path",
    "sidebar_folder_indent",
    "confirmappend",
    "help",
    "collapse_unread",
    "uncollapse_jump",
    "strict_threads",
    "narrow_tree",
    "pipe_decode",
    "thorough_search",
    "askcc",
    "metoo",
];

const FUNCTIONS: &[&str] = &[
    "next-entry",
    "previous-entry",
    "half-down",
    "half-up",
    "first-entry",
    "last-entry",
    "collapse-thread",
    "sync-mailbox",
    "group-reply",
    "view-raw-message",
    "sidebar-next",
    "sidebar-prev",
    "sidebar-open",
    "noop",
];

/// The files of one home's mutt configuration: `(path relative to the home, text)`, the main
/// file first.
pub fn files(rng: &mut Rng, user: &str) -> Vec<(String, String)> {
    let (main, folder) = rng.pick(LAYOUTS);
    let accounts = rng.between(1, 3);
    let mut out = Vec::new();
    let mut text = main_file(rng, user);
    for n in 1..=accounts {
        let name = rng.pick(&["personal", "work", "uni", "family", "lists"]);
        let path = format!("{folder}/accounts/{name}{n}.muttrc");
        let _ = writeln!(text, "source ~/{path}");
        out.push((path, account(rng, user, n)));
    }
    let colors = format!("{folder}/colors.muttrc");
    let bindings = format!("{folder}/bindings.muttrc");
    let _ = writeln!(text, "source ~/{colors}\nsource ~/{bindings}");
    out.push((colors, color_scheme(rng)));
    out.push((bindings, key_bindings(rng)));
    out.insert(0, (main.to_owned(), text));
    out
}

/// The settings every account shares, with comments.
fn main_file(rng: &mut Rng, user: &str) -> String {
    let mut out = format!(
        "# mutt configuration of {user}\n# vim: filetype=muttrc\n\n\
         set realname = \"User {user}\"\nset editor = \"vim +/^$ ++1\"\n\
         set header_cache = \"~/.cache/mutt/headers\"\n\
         set message_cachedir = \"~/.cache/mutt/bodies\"\n\
         set certificate_file = \"~/.cache/mutt/certificates\"\n\
         set mailcap_path = \"~/.config/mutt/mailcap\"\n\n\
         # Index and pager\nset sort = threads\nset sort_aux = reverse-last-date-received\n\
         set date_format = \"%y-%m-%d %H:%M\"\n\
         set index_format = \"%4C %Z %D %-20.20F %s (%-4.4c)\"\n\
         set pager_index_lines = 10\nset pager_context = 3\nset pager_stop = yes\n\
         set menu_scroll = yes\nset tilde = yes\nset markers = no\n\
         set mail_check = 60\nset timeout = 15\nset sleep_time = 0\n\
         set wait_key = no\nset mark_old = no\nset beep_new = yes\n\n\
         # Composing\nset edit_headers = yes\nset fast_reply = yes\nset include = yes\n\
         set forward_format = \"Fwd: %s\"\nset attribution = \"On %d, %n wrote:\"\n\
         set reply_to = yes\nset reverse_name = yes\nset send_charset = \"utf-8\"\n\n\
         # Sidebar\nset sidebar_visible = yes\nset sidebar_width = 30\n\
         set sidebar_format = \"%B%?F? [%F]?%* %?N?%N/?%S\"\n\n\
         auto_view text/html\nalternative_order text/plain text/enriched text/html\n\n"
    );
    for _ in 0..rng.between(5, 30) {
        let _ = writeln!(
            out,
            "# {} {} {}\nset {} = {}",
            rng.pick(WORDS),
            rng.pick(WORDS),
            rng.pick(WORDS),
            rng.pick(BOOLEANS),
            rng.pick(&["yes", "no"])
        );
    }
    out
}

/// One account's file: folders, the IMAP and SMTP settings, and a mistake now and then.
fn account(rng: &mut Rng, user: &str, n: usize) -> String {
    let domain = rng.pick(&["example.org", "example.net", "fastmail.com", "posteo.de"]);
    let mut out = format!(
        "# account {n} of {user}\nset from = \"{user}.{n}@{domain}\"\n\
         set imap_user = \"{user}.{n}@{domain}\"\n\
         set folder = \"imaps://imap.{domain}:993/\"\nset spoolfile = \"+INBOX\"\n\
         set record = \"+Sent\"\nset postponed = \"+Drafts\"\nset trash = \"+Trash\"\n\
         set imap_check_subscribed = yes\nset imap_keepalive = 300\n\
         mailboxes +INBOX +Sent +Drafts +Archive +Trash +Lists/{}\n",
        rng.pick(WORDS)
    );
    match rng.below(6) {
        0 => out.push_str("set imap_pass = \"hunter2-not-real\"\n"),
        1 => out.push_str("set ssl_force_tls = no\nset ssl_starttls = no\n"),
        2 => {
            let _ = writeln!(out, "set smtp_url = \"smtp://{user}@mail.{domain}:25/\"");
        }
        3 => out.push_str("set ssl_verify_host = no\n"),
        _ => {
            let _ = writeln!(
                out,
                "set smtp_url = \"smtps://{user}@smtp.{domain}:465/\"\nset ssl_force_tls = yes"
            );
        }
    }
    let _ = writeln!(
        out,
        "macro index,pager gi \"<change-folder>=INBOX<enter>\" \"go to inbox\"\n\
         macro index,pager ga \"<change-folder>=Archive<enter>\" \"go to archive\""
    );
    out
}

/// A colour scheme of 60 to 200 `color` lines.
fn color_scheme(rng: &mut Rng) -> String {
    let mut out = String::from("# colour scheme\n");
    for _ in 0..rng.between(60, 200) {
        let object = rng.pick(OBJECTS);
        let pattern = match object {
            "index" => format!(" \"~f {}\"", rng.pick(WORDS)),
            "header" => " \"^(From|Subject):\"".to_owned(),
            "body" => format!(" \"(https?|ftp)://[^ ]+{}\"", rng.pick(WORDS)),
            _ => String::new(),
        };
        let _ = writeln!(out, "color {object} {} {}{pattern}", rng.pick(COLORS), rng.pick(COLORS));
    }
    out
}

/// 40 to 120 `bind` and `macro` lines.
fn key_bindings(rng: &mut Rng) -> String {
    let mut out = String::from("# key bindings\n");
    for k in 0..rng.between(40, 120) {
        let key = (b'a' + (k % 26) as u8) as char;
        let menu = rng.pick(&["index", "pager", "index,pager", "attach", "browser"]);
        if rng.chance(70) {
            let _ = writeln!(out, "bind {menu} {key} {}", rng.pick(FUNCTIONS));
        } else {
            let _ = writeln!(
                out,
                "macro {menu} \\C{key} \"<enter-command>set {}_{}=yes<enter>\" \"{}\"",
                rng.pick(WORDS),
                rng.pick(WORDS),
                rng.pick(WORDS)
            );
        }
    }
    out
}
