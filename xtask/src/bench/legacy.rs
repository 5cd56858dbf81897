//! The small profiles of the first version of the benchmark (a `prefs.js` of a few hundred
//! short prefs, a one-file `.muttrc`), kept byte for byte as a second data point.

use std::fmt::Write as _;

use super::tree::{Rng, WORDS};

/// A `prefs.js` as Thunderbird writes it: the header, then a few hundred `user_pref` lines
/// sorted by name, among them 2 or 3 mail accounts (thunderbird.md 8). Some accounts carry the
/// mistakes maillint exists for: plaintext IMAP, opportunistic STARTTLS, a legacy Gmail host,
/// SMTP on port 25 without TLS, a port that does not match the socket type.
#[allow(
    clippy::too_many_lines,
    reason = "the first benchmark's prefs.js generator, kept byte for byte so its numbers stay comparable"
)]
pub fn prefs_js(rng: &mut Rng, user: &str) -> String {
    let mut prefs: Vec<(String, String)> = Vec::new();
    let mut pref = |name: String, value: String| prefs.push((name, value));
    let accounts = 2 + rng.below(2);
    let mut account_keys = Vec::new();
    let mut smtp_keys = Vec::new();
    for a in 1..=accounts {
        let (host, smtp, email, mistake) = match (a, rng.below(6)) {
            (1, 0) => (
                "imap.googlemail.com",
                "smtp.googlemail.com",
                format!("{user}@gmail.com"),
                "legacy-host",
            ),
            (1, _) => ("imap.gmail.com", "smtp.gmail.com", format!("{user}@gmail.com"), "none"),
            (_, 0 | 1) => {
                ("mail.example.org", "mail.example.org", format!("{user}@example.org"), "plaintext")
            }
            (_, 2) => (
                "imap.example.net",
                "smtp.example.net",
                format!("{user}@example.net"),
                "opportunistic",
            ),
            (_, 3) => (
                "outlook.office365.com",
                "smtp.office365.com",
                format!("{user}@example.com"),
                "port-mismatch",
            ),
            _ => ("imap.fastmail.com", "smtp.fastmail.com", format!("{user}@fastmail.com"), "none"),
        };
        let (socket, port, try_ssl, smtp_port) = match mistake {
            "plaintext" => (0, 143, 0, 25),
            "opportunistic" => (1, 143, 1, 587),
            "port-mismatch" => (2, 993, 3, 587),
            _ => (3, 993, 3, 465),
        };
        let auth = if host.contains("gmail") || host.contains("office365") { 10 } else { 3 };
        let server = format!("mail.server.server{a}");
        pref(format!("{server}.hostname"), format!("\"{host}\""));
        pref(format!("{server}.port"), port.to_string());
        pref(format!("{server}.socketType"), socket.to_string());
        pref(format!("{server}.authMethod"), auth.to_string());
        pref(format!("{server}.type"), "\"imap\"".into());
        pref(format!("{server}.userName"), format!("\"{email}\""));
        pref(format!("{server}.name"), format!("\"{email}\""));
        pref(format!("{server}.check_new_mail"), "true".into());
        pref(format!("{server}.login_at_startup"), "true".into());
        pref(
            format!("{server}.directory"),
            format!("\"/home/{user}/.thunderbird/x/ImapMail/{host}\""),
        );
        pref(format!("{server}.directory-rel"), format!("\"[ProfD]ImapMail/{host}\""));
        pref(
            format!("{server}.spamActionTargetAccount"),
            format!("\"imap://{}@{host}\"", email.replace('@', "%40")),
        );
        pref(
            format!("{server}.storeContractID"),
            "\"@mozilla.org/msgstore/berkeleystore;1\"".into(),
        );
        pref(format!("{server}.cacheCapa.acl"), "false".into());
        pref(format!("{server}.cacheCapa.quota"), "true".into());
        pref(format!("{server}.capability"), (rng.next() % 1_000_000).to_string());
        pref(format!("{server}.lastFilterTime"), (28_000_000 + rng.below(1_000_000)).to_string());
        pref(format!("{server}.namespace.personal"), "\"\\\"\\\"\"".into());
        pref(format!("{server}.timeout"), "29".into());
        let smtp_key = format!("smtp{a}");
        let outgoing = format!("mail.smtpserver.{smtp_key}");
        pref(format!("{outgoing}.hostname"), format!("\"{smtp}\""));
        pref(format!("{outgoing}.port"), smtp_port.to_string());
        pref(format!("{outgoing}.try_ssl"), try_ssl.to_string());
        pref(format!("{outgoing}.authMethod"), auth.to_string());
        pref(format!("{outgoing}.username"), format!("\"{email}\""));
        pref(format!("{outgoing}.description"), format!("\"{smtp}\""));
        let identity = format!("mail.identity.id{a}");
        pref(format!("{identity}.fullName"), format!("\"User {user}\""));
        pref(format!("{identity}.useremail"), format!("\"{email}\""));
        pref(format!("{identity}.smtpServer"), format!("\"{smtp_key}\""));
        pref(format!("{identity}.valid"), "true".into());
        pref(
            format!("{identity}.draft_folder"),
            format!("\"imap://{}@{host}/Drafts\"", email.replace('@', "%40")),
        );
        pref(
            format!("{identity}.fcc_folder"),
            format!("\"imap://{}@{host}/Sent\"", email.replace('@', "%40")),
        );
        pref(format!("{identity}.reply_on_top"), "1".into());
        pref(format!("mail.account.account{a}.identities"), format!("\"id{a}\""));
        pref(format!("mail.account.account{a}.server"), format!("\"server{a}\""));
        account_keys.push(format!("account{a}"));
        smtp_keys.push(smtp_key);
    }
    // Local Folders.
    let local = accounts + 1;
    pref(format!("mail.account.account{local}.server"), format!("\"server{local}\""));
    pref(format!("mail.server.server{local}.hostname"), "\"Local Folders\"".into());
    pref(format!("mail.server.server{local}.type"), "\"none\"".into());
    pref(format!("mail.server.server{local}.userName"), "\"nobody\"".into());
    account_keys.push(format!("account{local}"));
    pref("mail.accountmanager.accounts".into(), format!("\"{}\"", account_keys.join(",")));
    pref("mail.accountmanager.defaultaccount".into(), "\"account1\"".into());
    pref("mail.accountmanager.localfoldersserver".into(), format!("\"server{local}\""));
    pref("mail.account.lastKey".into(), local.to_string());
    pref("mail.smtpservers".into(), format!("\"{}\"", smtp_keys.join(",")));
    pref("mail.smtp.defaultserver".into(), "\"smtp1\"".into());
    // The rest of a profile's prefs: update timers, UI state, extension bookkeeping, caches.
    const GROUPS: &[&str] = &[
        "app.update.lastUpdateTime",
        "browser.cache.disk",
        "browser.migration",
        "datareporting.policy",
        "extensions.webextensions.uuids",
        "extensions.lastAppVersion",
        "gfx.blacklist",
        "idle.lastDailyNotification",
        "mail.folder.views",
        "mail.spotlight",
        "mailnews.database.global",
        "media.gmp-manager",
        "network.cookie",
        "places.history",
        "privacy.purge",
        "services.sync",
        "toolkit.telemetry",
        "mail.ui-rdf.version",
        "mail.openMessageBehavior",
        "calendar.timezone",
        "ldap_2.servers",
    ];
    let filler = 220 + rng.below(160);
    for n in 0..filler {
        let group = rng.pick(GROUPS);
        let value = match rng.below(3) {
            0 => (1_600_000_000 + rng.below(200_000_000)).to_string(),
            1 => {
                if rng.chance(50) {
                    "true".to_owned()
                } else {
                    "false".to_owned()
                }
            }
            _ => format!("\"{}-{}\"", rng.pick(WORDS), rng.next() % 100_000),
        };
        pref(format!("{group}.{}{n}", rng.pick(WORDS)), value);
    }
    prefs.sort();
    let mut out = String::from(
        "// Mozilla User Preferences\n\n// DO NOT EDIT THIS FILE.\n//\n// If you make changes to \
         this file while the application is running,\n// the changes will be overwritten when \
         the application exits.\n//\n// To change a preference value, you can either:\n// - \
         modify it via the UI (e.g. via about:config in the browser); or\n// - set it within a \
         user.js file in your profile.\n\n",
    );
    for (name, value) in prefs {
        let _ = writeln!(out, "user_pref(\"{name}\", {value});");
    }
    out
}

/// A `.muttrc` for an IMAP account; some carry mistakes (a password in the file, TLS not
/// enforced, SMTP in plaintext, certificate checks off).
pub fn muttrc(rng: &mut Rng, user: &str) -> String {
    let mut out = format!(
        "# mutt configuration of {user}\nset realname = \"User {user}\"\n\
         set from = \"{user}@example.org\"\nset imap_user = \"{user}@example.org\"\n\
         set folder = \"imaps://imap.example.org:993/\"\nset spoolfile = \"+INBOX\"\n\
         set record = \"+Sent\"\nset postponed = \"+Drafts\"\n\
         set header_cache = \"~/.cache/mutt/headers\"\nset message_cachedir = \"~/.cache/mutt/bodies\"\n\
         set sort = threads\nset sort_aux = reverse-last-date-received\nset editor = \"vim\"\n"
    );
    match rng.below(5) {
        0 => out.push_str("set imap_pass = \"hunter2-not-real\"\n"),
        1 => out.push_str("set ssl_force_tls = no\nset ssl_starttls = no\n"),
        2 => out.push_str("set smtp_url = \"smtp://mail.example.org:25/\"\n"),
        3 => out.push_str("set ssl_verify_host = no\n"),
        _ => out.push_str(
            "set smtp_url = \"smtps://mail.example.org:465/\"\nset ssl_force_tls = yes\n",
        ),
    }
    out.push_str("mailboxes +INBOX +Sent +Drafts +Archive\nbind index g noop\nmacro index gi \"<change-folder>=INBOX<enter>\"\n");
    out
}
