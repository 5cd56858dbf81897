//! Tests of the lexer: logical lines, tokens, and the fast paths against the token loop.

use super::*;

const F: FileId = FileId(0);

fn tokens(text: &str, flags: Flags) -> Vec<String> {
    let line = SpannedText::copied(F, 0, text);
    let mut cursor = Cursor::new(&line);
    let mut out = Vec::new();
    while cursor.more_args() {
        let before = cursor.pos();
        out.push(cursor.extract(flags, &mut NoExpansion).value.as_str().to_owned());
        if cursor.pos() == before {
            break;
        }
    }
    out
}

/// Where skipping every argument token by token leaves the cursor, from `from`.
fn skipped_to(line: &SpannedText, from: usize, plain_words_first: bool) -> usize {
    let mut cursor = Cursor::new(line);
    cursor.set_pos(from);
    if plain_words_first {
        cursor.skip_plain_words();
    }
    while cursor.more_args() {
        let before = cursor.pos();
        cursor.skip(Flags::NONE, &mut NoExpansion);
        if cursor.pos() == before {
            break;
        }
    }
    cursor.pos()
}

#[test]
fn command_breaks_are_found_in_every_place_of_a_word() {
    let plain = |b: u8| !matches!(b, b'`' | b'$' | b';' | b'#');
    // Every byte value at every offset of lines of 1 to 20 bytes, around neighbours that
    // borrow in the bit trick (0x00, 0x01, 0x80, 0xff).
    for len in 1..=20usize {
        for at in 0..len {
            for filler in [b'a', 0x00, 0x01, 0x80, 0xff, b'#' ^ 1, b'$' + 1] {
                let mut bytes = vec![filler; len];
                for b in 0..=255u8 {
                    bytes[at] = b;
                    let expected = bytes.iter().any(|&c| !plain(c));
                    assert_eq!(has_command_break(&bytes), expected, "{bytes:?}");
                }
            }
        }
    }
    assert!(!has_command_break(b""));
}

#[test]
fn skipping_plain_words_at_once_ends_where_the_token_loop_ends() {
    let lines = [
        "bind index,pager \\Cd half-down",
        "bind attach a half-up  ",
        "color index cyan default \"~f office\" # c",
        "macro index gi \"<change-folder>=INBOX<enter>\" \"go to inbox\"",
        "a b;set x=1",
        "a b#c d",
        "a b #c",
        "x\ty abc'd e' f",
        "a $b c",
        "a `b` c",
        "a\u{b}b \u{e9}\u{e9} z",
        // Quotes and escapes with nothing after them that ends a command.
        "macro index \\Cd \"<enter-command>set x=yes<enter>\" \"notes\"",
        "a \"b c",
        "a 'b \" c' d\\",
        "a \\",
        "a \\c",
        "a \\C\u{e9}",
        "a \"x\\\" y\" z",
        "a '#' b",
        "a \"b;c\" d",
        "a \\; b",
        "a \"$\" b",
        "a '`' b",
        "   ",
        "",
    ];
    for text in lines {
        let line = SpannedText::copied(F, 0, text);
        for from in (0..=text.len()).filter(|&i| text.is_char_boundary(i)) {
            let expected = skipped_to(&line, from, false);
            assert_eq!(skipped_to(&line, from, true), expected, "{text:?} from {from}");
        }
    }
}

#[test]
fn simple_tokens_are_what_the_token_loop_reads() {
    let lines = [
        "set realname = \"User user00000\" sort=threads",
        "a\"b\" \"a\"b \"\" \"x\"#c \"y\";z w#v \"$a\" \"a$\" \"a\\\"b\"",
        "x=\"1\"+=2 -y ?z 'q' \"u\"'v' `c` $HOME a\\ b \"open",
        "  \t plain\u{e9}word\u{b}  \"\u{e9}\" \"t\"\t",
        "",
    ];
    let flag_sets = [
        Flags::NONE,
        Flags::EQUAL | Flags::QUESTION | Flags::PLUS | Flags::MINUS,
        Flags::SPACE,
        Flags::EQUAL,
    ];
    // The fast path is taken for the usual values (or the comparison below proves nothing).
    for text in ["\"User user00000\" x", "threads", "\"\"", "x#c", "\"a\";b", "yes"] {
        let line = SpannedText::copied(F, 0, text);
        assert!(Cursor::new(&line).simple_token(Flags::NONE).is_some(), "{text:?}");
    }
    let describe = |t: &Token| {
        format!("{:?} {:?} {:?} {} {}", t.value, t.raw, t.sole_quote, t.cut_by_hash, t.broken)
    };
    for text in lines {
        let line = SpannedText::copied(F, 3, text);
        for from in (0..=text.len()).filter(|&i| text.is_char_boundary(i)) {
            for flags in flag_sets {
                let mut fast = Cursor::new(&line);
                fast.set_pos(from);
                let mut slow = Cursor::new(&line);
                slow.set_pos(from);
                let token = fast.extract(flags, &mut NoExpansion);
                let scanned = slow.extract_scanned(flags, &mut NoExpansion);
                let at = format!("{text:?} from {from} {flags:?}");
                assert_eq!(describe(&token), describe(&scanned), "{at}");
                assert_eq!(fast.pos(), slow.pos(), "{at}");
            }
        }
    }
}

#[test]
fn lines_put_in_place_are_the_lines_cleared_and_pushed() {
    let texts = [
        "set a=1\nset b=\\\n2\r\n\n# c \\\r\nd\\\n\\\ne\nlast",
        "a\\\nb\\\n",
        "x\\\n\\\n\\\ny\n\r\n\\",
        "",
        "\n\n",
    ];
    for text in texts {
        let (mut fast, mut slow) = (LineReader::new(F, text), LineReader::new(F, text));
        let (mut put, mut pushed) = (SpannedText::new(), SpannedText::new());
        loop {
            let (a, b) = (fast.next_into(&mut put), slow.next_into_pushed(&mut pushed));
            assert_eq!(format!("{a:?}"), format!("{b:?}"), "{text:?}");
            assert_eq!(put, pushed, "{text:?}");
            if a.is_none() {
                break;
            }
        }
    }
}

#[test]
fn continuation_joins_lines_and_keeps_offsets() {
    let text = "set imap_user=\\\nme@gmail.com\r\nset x\n";
    let lines = logical_lines(F, text);
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0].text.as_str(), "set imap_user=me@gmail.com");
    let at = lines[0].text.as_str().find("me@").unwrap();
    let span = lines[0].text.source_span(at..at + 12).unwrap();
    assert_eq!(&text[span.range.as_range()], "me@gmail.com");
    assert_eq!(lines[0].next_line, text.find("set x").unwrap());
    assert_eq!(lines[1].text.as_str(), "set x");
}

#[test]
fn a_commented_line_ending_in_backslash_swallows_the_next_line() {
    // mutt.md section 1 (verified): lines are joined before comments are seen.
    let lines = logical_lines(F, "# set a=1 \\\nset ssl_verify_host=no\n");
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0].text.as_str(), "# set a=1 set ssl_verify_host=no");
}

#[test]
fn continuation_at_end_of_file_loses_the_line_and_last_line_needs_no_newline() {
    assert!(logical_lines(F, "set a=\\\n").is_empty());
    let lines = logical_lines(F, "set a=1\nset b=2");
    assert_eq!(lines[1].text.as_str(), "set b=2");
    assert!(!lines[1].terminated);
}

#[test]
fn quotes_escapes_and_comments() {
    assert_eq!(tokens("abc#def ghi", Flags::NONE), ["abc"]);
    assert_eq!(tokens(r#""s3cr#et"   # comment"#, Flags::NONE), ["s3cr#et"]);
    assert_eq!(tokens("'lit $HOME `x` \\n'", Flags::NONE), ["lit $HOME `x` \\n"]);
    assert_eq!(tokens(r#"a"b c"d 'it''s'"#, Flags::NONE), ["ab cd", "its"]);
    assert_eq!(tokens(r"plain\ word", Flags::NONE), ["plain word"]);
    assert_eq!(tokens(r#""a\101\t\"z""#, Flags::NONE), ["aA\t\"z"]);
    assert_eq!(tokens(r"\cA\e", Flags::NONE), ["\u{1}\u{1b}"]);
    // Found by the mutation fuzzer: `\C` before a multi-byte character read half of it.
    // `Ð` is C3 90 in UTF-8: 0xC3 minus `@`, masked to 7 bits, is 0x03.
    assert_eq!(tokens("\\C\u{d0}x y", Flags::NONE), ["\u{3}x", "y"]);
    assert_eq!(tokens("a;b", Flags::NONE), ["a"]);
    assert_eq!(tokens("set imap_user = x", Flags::SPACE), ["set imap_user = x"]);
    let line = SpannedText::copied(F, 0, "ssl_force_tls=no");
    let mut cursor = Cursor::new(&line);
    let name = cursor.extract(Flags::EQUAL, &mut NoExpansion);
    assert_eq!(name.value.as_str(), "ssl_force_tls");
    assert_eq!(cursor.peek(), Some(b'='));
}

#[test]
fn escaped_values_map_back_to_the_escape_sequence() {
    let text = r#"set smtp_url="smtp://johan\@user@smtp.gmail.com:587""#;
    let line = SpannedText::copied(F, 0, text);
    let mut cursor = Cursor::new(&line);
    cursor.set_pos(13);
    let token = cursor.extract(Flags::NONE, &mut NoExpansion);
    assert_eq!(token.value.as_str(), "smtp://johan@user@smtp.gmail.com:587");
    assert_eq!(token.sole_quote, Some(b'"'));
    let user = token.value.source_span(7..17).unwrap();
    assert_eq!(&text[user.range.as_range()], r"johan\@user");
    let inner = token.inner_span(&line).unwrap();
    assert_eq!(&text[inner.range.as_range()], r"smtp://johan\@user@smtp.gmail.com:587");
}

#[test]
fn backticks_and_variables_are_unknown_without_a_state() {
    let line = SpannedText::copied(F, 0, "\"`pass show x`\" $HOME/sig");
    let mut cursor = Cursor::new(&line);
    let first = cursor.extract(Flags::NONE, &mut NoExpansion);
    assert!(!first.value.is_known());
    let second = cursor.extract(Flags::NONE, &mut NoExpansion);
    assert_eq!(second.value.as_str(), "$HOME/sig");
    assert!(!second.value.is_known());
    assert!(second.value.is_known_in(5..9));
}

#[test]
fn the_byte_table_says_what_the_token_loop_says() {
    // The rules `Cursor::scan` applies byte by byte, written out once more.
    let expected = |b: u8, flags: Flags, quote: Option<u8>| match quote {
        Some(b'\'') => b == b'\'',
        Some(_) => matches!(b, b'"' | b'\\' | b'`' | b'$'),
        None => {
            matches!(b, b'\'' | b'"' | b'\\' | b'`' | b'$' | b'#' | b';')
                || (is_space(b) && !flags.has(Flags::SPACE))
                || (b == b'+' && flags.has(Flags::PLUS))
                || (b == b'-' && flags.has(Flags::MINUS))
                || (b == b'=' && flags.has(Flags::EQUAL))
                || (b == b'?' && flags.has(Flags::QUESTION))
        }
    };
    for bits in 0..32u8 {
        let flags = Flags(bits);
        for quote in [None, Some(b'\''), Some(b'"')] {
            for b in 0..=255u8 {
                assert_eq!(ends_plain_run(b, flags, quote), expected(b, flags, quote));
            }
        }
    }
}

#[test]
fn hash_glued_to_a_word_is_flagged() {
    let line = SpannedText::copied(F, 0, "abc#def");
    let token = Cursor::new(&line).extract(Flags::NONE, &mut NoExpansion);
    assert!(token.cut_by_hash);
    let line = SpannedText::copied(F, 0, "abc #def");
    let token = Cursor::new(&line).extract(Flags::NONE, &mut NoExpansion);
    assert!(!token.cut_by_hash);
}
