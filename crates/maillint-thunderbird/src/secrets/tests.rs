//! Tests of the secret sweep: every faster path against the sweep by definition.

use maillint_core::testing::{joined_pieces, xorshift};

use super::*;
use crate::prefs::{FileKind, parse};

#[test]
fn blanks_around_punctuation_are_any_white_space() {
    for (text, expected) in [
        ("(", true),
        (" \t\r\n\x0B\x0C( ", true),
        ("( ", true),
        ("(  ", true),
        ("( (", false),
        ("(\u{a0}", true),
        ("\u{a0}(\u{3000}", true),
        ("\u{a0} , \u{2028}", false),
        ("", false),
        ("((", false),
        ("/**/(", false),
        ("\x1C(", false),
    ] {
        assert_eq!(is_blanks_around(text, "("), expected, "{text:?}");
        assert_eq!(is_blanks_around_scanned(text, "("), expected, "{text:?}");
        assert_eq!(text.trim_matches(char::is_whitespace) == "(", expected, "{text:?}");
    }
}

/// The definition [`PrefFinder::find`] speeds up: one vector search per `pref`.
fn find_pref_by_memmem(bytes: &[u8], from: usize) -> Option<usize> {
    memmem::find(&bytes[from..], PREF).map(|at| from + at)
}

/// The sweep as first written, the definition every faster path must agree with: one
/// vector search per `pref`, every candidate read lexically, every value with a `://`
/// read for URL passwords.
fn sweep_text_by_definition(text: &str) -> Vec<Range<usize>> {
    let bytes = text.as_bytes();
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(at) = find_pref_by_memmem(bytes, from) {
        from = at + PREF.len();
        let (name, value) = match lexical_strings(text, from) {
            Lexed::Strings(name, value) => (name, value),
            Lexed::NotAPref => continue,
            Lexed::PassedTo(_) => unreachable!("only the parsed reading passes over statements"),
            Lexed::NameToTheEnd => break,
        };
        if is_credential_name(&text[name]) {
            found.push(value.clone());
        } else if text[value.clone()].contains("://") {
            let shift = |r: Range<usize>| value.start + r.start..value.start + r.end;
            found.extend(url_password_ranges(&text[value.clone()]).into_iter().map(shift));
        }
        from = from.max(value.end);
    }
    found.retain(|r| !r.is_empty());
    found
}

/// The sweep with the parser's statements finds what the purely lexical sweep finds, and
/// both find what the sweep by definition finds.
fn assert_same_with_statements(text: &str, what: &str) {
    let lexical = sweep_text_by_definition(text);
    assert_eq!(sweep_text_with(text, &[], find_pref_by_memmem), lexical, "{what}: {text:?}");
    assert_eq!(sweep_text(text, &[]), lexical, "{what}: {text:?}");
    for kind in [FileKind::User, FileKind::Default] {
        let parsed = parse(text.as_bytes(), kind);
        assert_eq!(sweep_text(text, &parsed.statements), lexical, "{what} ({kind:?}): {text:?}");
    }
}

#[test]
fn pref_is_found_where_the_vector_search_finds_it() {
    // Every piece of `pref`, near misses, a stretch longer than the word-by-word part, and
    // `pref` at each of the eight places in a word and across words.
    let pieces = ["p", "pr", "pre", "pref", "ppref", "prefpref", "f", "é", "x", " ", "\0"];
    let long = "y".repeat(PrefFinder::NEAR + 9);
    let finder = PrefFinder::new();
    let mut state = 0x9e37_79b9_7f4a_7c15_u64;
    for round in 0..4000 {
        let mut text = String::new();
        for _ in 0..(round % 23) {
            match xorshift(&mut state) % 40 {
                0 => text.push_str(&long),
                n => text.push_str(pieces[n as usize % pieces.len()]),
            }
        }
        let bytes = text.as_bytes();
        for from in 0..=bytes.len() {
            assert_eq!(
                finder.find(bytes, from),
                find_pref_by_memmem(bytes, from),
                "{text:?} from {from}"
            );
        }
    }
}

#[test]
fn statements_change_nothing_on_the_corpus_and_fixtures() {
    let Some(corpus) =
        maillint_core::testing::corpus_dir(env!("CARGO_MANIFEST_DIR"), "thunderbird_prefs")
    else {
        return;
    };
    let fixtures = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fixtures");
    let mut files = maillint_core::testing::files_under(&corpus);
    files.extend(maillint_core::testing::files_under(&fixtures));
    let mut seen = 0;
    for path in files.iter().filter(|p| p.extension().is_some_and(|e| e == "js" || e == "cfg")) {
        let bytes = std::fs::read(path).unwrap();
        assert_same_with_statements(&String::from_utf8_lossy(&bytes), &path.display().to_string());
        seen += 1;
    }
    assert!(seen > 20, "only {seen} prefs files");
}

/// Statements built from pieces that put every shape the two readings could disagree on
/// (comments and odd blanks between tokens, escapes, quotes of both kinds, numbers,
/// `pref` inside strings and comments, unterminated strings, NUL) side by side.
#[test]
fn statements_change_nothing_on_generated_profiles() {
    const PIECES: &[&str] = &[
        "user_pref(\"mail.server.server1.password\", \"pw\");\n",
        "user_pref(\"x.url\", \"imaps://me:pw@host/\");\n",
        "pref('ldap_2.servers.a.auth.password', 'p\\'w');\n",
        "sticky_pref(\"a.token\", \"t\", locked);\n",
        "user_pref(\"a.pref(\\\"b.password\\\", \\\"s\\\")\", 1);\n",
        "user_pref(\"n\", 5);\n",
        "user_pref(\"b\", true);\n",
        "user_pref /* c */ (\"c.password\", \"v\");\n",
        "user_pref(\"d.password\" /* c */, \"v\");\n",
        "user_pref(\u{a0}\"e.password\",\u{3000}\"v\");\n",
        "// user_pref(\"f.password\", \"commented\");\n",
        "/* pref(\"g.password\", \"in block\"); */\n",
        "user_pref(\"h.passwd\", \"a\\u0041\\x41\\n\");\n",
        "user_pref(\"i.password\", \"bad \\q escape\");\n",
        "user_pref(\"j.password\", \"unterminated);\n",
        "user_pref(\"k\", \"json {\\\"a\\\":\\\"imap://u:p@h\\\"}\");\n",
        "user_pref(\"l.password\", \"v\")\n",
        "\0",
        "user_pref(\"m.password\", \"v\"\n);\n",
        "user_pref(\"n.password\", -\"v\");\n",
        "# hash comment\n",
        "user_pref(\"o\", 1); // pref('p.password', 'q')\n",
        "user_pref(\"apps.prefs\", 1);\n",
        // Number and boolean prefs whose own text holds a `pref` (its name, a comment), where
        // the sweep must not pass over the statement, and ones whose text holds near misses.
        "user_pref(\"a.pre.f.pr\", -/* pref(\"n.password\", \"in a comment\"); */ 7);\n",
        "user_pref(\"x.pref\", false);\n",
        "pref(\"preferences.p.pr\", 12 /* p */, locked);\n",
        "user_pref(\"ppr.pre\", true);pref(\"nn\",0);\n",
        "user_pref(\"c.pref (\", 2);\nuser_pref(\"d.password\", \"v\");\n",
        "user_pref(\"e.pref\", -/*x*/1);\n",
        "user_pref('a.pref(\\'b.password\\', \\'s\\')', 1);\n",
        "user_pref(\"a.pref('b.password', 's')\", 1);\n",
        "user_pref(\"long.name.of.a.number.setting.that.takes.more.than.the.first.hundred.and.twenty.eight.bytes.to.reach.the.specifier.of.the.next.statement\", 1);\n",
        "/* a comment block longer than the word-by-word search, with a statement at its end:\n * and so on, and so on, and so on, and so on, and so on, and so on. pref(\"r.password\", \"in a comment\"); */\n",
        "\u{feff}",
        // Specifiers a few bytes after a string value, with and without a `p` between, and
        // one or two bytes between name and value.
        "user_pref(\"s.password\",\x0B\"v\");sticky_pref(\"t.token\",\"w\");\n",
        "user_pref(\"u\", \"x\");\tpref(\"v.passwd\", \"y\"); /*p*/pref(\"w.pwd\",\r\"z\");\n",
        "user_pref(\"x.secret\" ,\"v\")\n;p user_pref(\"y\", \"pp\");user_pref(\"z.pass\",\"q\");",
        // A comment where the lengths alone would look like Thunderbird's punctuation.
        "user_pref(\"n.password\"#\n,\"v\");\nuser_pref(\"o.password\",#\n\"v\");\n",
        "user_pref#\n(\"p.password\", \"v\");\nuser_pref(#\n\"q.password\", \"v\");\n",
    ];
    let mut state = 0x2545_f491_4f6c_dd1d_u64;
    for round in 0..3000 {
        let text = joined_pieces(&mut state, PIECES, 1 + round % 9);
        assert_same_with_statements(&text, "generated");
    }
}

/// A value [`may_hold_url_password`] passes over has no URL password: generated values
/// with every piece of a URL's authority in every order, and the sweep agrees with its
/// definition on them.
#[test]
fn values_passed_over_hold_no_url_password() {
    let pieces = ["://", ":", "@", "%40", "u", "p", "h", "/", " ", "\"", "]", "'", "?"];
    let mut state = 0x1234_5678_9abc_def1_u64;
    for round in 0..20_000 {
        let value = joined_pieces(&mut state, &pieces, round % 11);
        if let Some(scheme) = value.find("://")
            && !may_hold_url_password(&value.as_bytes()[scheme + 3..])
        {
            assert!(url_password_ranges(&value).is_empty(), "{value:?}");
        }
        let text = format!("user_pref(\"a\", \"{value}\");\nuser_pref('b', '{value}');\n");
        assert_same_with_statements(&text, "url");
    }
}

fn swept(text: &str) -> Vec<&str> {
    sweep_text(text, &[]).into_iter().map(|r| &text[r]).collect()
}

#[test]
fn credential_prefs_of_any_component() {
    assert_eq!(swept("user_pref(\"mail.server.server1.password\", \"p1\");"), ["p1"]);
    assert_eq!(swept("user_pref('mail.smtpserver.smtp1.passwd', 'p\\'2');"), ["p\\'2"]);
    assert_eq!(swept("pref(\"ldap_2.servers.corp.auth.password\", \"p3\");"), ["p3"]);
    assert!(swept("user_pref(\"mail.server.server1.hostname\", \"host\");").is_empty());
    assert!(swept("user_pref(\"signon.rememberSignons\", false);").is_empty());
}

#[test]
fn an_unterminated_string_runs_to_the_next_quote_or_the_end() {
    let text = "user_pref(\"mail.server.server1.password\", \"p4);\nuser_pref(\"x\", 1);\n";
    assert_eq!(swept(text), ["p4);\nuser_pref("]);
    assert_eq!(swept("user_pref(\"mail.server.s.password\", \"p5"), ["p5"]);
    // Found by mutate_fuzz: a name left unterminated at the end of the file.
    assert!(swept("user_pref(\"mail.server.s.password").is_empty());
}

#[test]
fn url_passwords_in_any_string() {
    let text = "user_pref(\"ldap_2.servers.corp.uri\", \"ldap://cn=me:p6@ldap.example.com/\");";
    assert_eq!(swept(text), ["p6"]);
    // Only a URL inside a string value counts; one in a comment between values does not.
    let text = "user_pref(\"a\", \"x\"); // http://u:p@h/\nuser_pref(\"b\", \"imap://u:p7@h/\");\n\
                user_pref(\"c\", \"//\\\"://\"); user_pref(\"d\", 'ldap://u:p8@h');";
    assert_eq!(swept(text), ["p7", "p8"]);
}
/// The definition `string_at` speeds up: the next quote or backslash, a backslash
/// escaping the byte after it.
fn string_at_by_memchr(text: &str, at: usize) -> Option<Range<usize>> {
    let quote = *text.as_bytes().get(at).filter(|&&b| b == b'"' || b == b'\'')?;
    let bytes = text.as_bytes();
    let mut i = at + 1;
    while let Some(stop) = bytes.get(i..).and_then(|rest| memchr::memchr2(quote, b'\\', rest)) {
        if bytes[i + stop] == quote {
            return Some(at + 1..i + stop);
        }
        i += stop + 2;
    }
    Some(at + 1..text.len())
}

#[test]
fn strings_end_where_the_backslash_rule_says_at_any_alignment() {
    let pieces = ["a", "\"", "'", "\\", "\n", "\t", "\0", "é", "0123456789"];
    for a in pieces {
        for b in pieces {
            for c in pieces {
                for quote in ["\"", "'"] {
                    let text = format!("{quote}{a}{b}xy{c}{a}z{b}");
                    for at in 0..text.len() {
                        assert_eq!(
                            string_at(&text, at),
                            string_at_by_memchr(&text, at),
                            "{text:?} {at}"
                        );
                    }
                }
            }
        }
    }
}
