//! Tests of the prefs.js grammar: both parsing paths against each other and Mozilla's errors.

use super::*;

fn user(text: &str) -> PrefsFile<'_> {
    parse(text.as_bytes(), FileKind::User)
}

/// The bytes a canonical name's scan stops at, by definition: every byte up to the `"`, the
/// backslash and the `(`.
fn stops_name_bytewise(byte: u8) -> bool {
    matches!(byte, 0..=b'"' | b'\\' | b'(')
}

#[test]
fn string_bytes_are_skipped_to_the_first_special_byte_at_any_alignment() {
    let naive = |buf: &[u8], from: usize, end: usize, quote: u8| {
        (from..end).find(|&i| stops_string(buf[i], quote)).unwrap_or(end)
    };
    let mut text = b"mail.server.server1.directory-rel=[ProfD]Mail/\xc3\xa9x".to_vec();
    // Bytes one above a special one (`#`, `&`, `]`, 0x01), which a borrow can mark too.
    text.extend_from_slice(b"0123456789abcdef\x7f\x0e\x80\xff#&]\x01#&]\x01\x0f");
    for special in
        [b'"', b'\'', b'\\', b'\n', b'\r', 0, b'\t', 0x0d, 0x0e, 0x1f, b'(', b')', b' ', b'!', b'#']
    {
        for at in 0..text.len() {
            let mut buf = text.clone();
            buf[at] = special;
            for from in 0..at.min(12) {
                for end in [at, at + 1, buf.len()] {
                    for quote in [b'"', b'\''] {
                        let got = skip_plain_string_bytes(&buf, from, end, quote);
                        let want = naive(&buf, from, end, quote);
                        assert_eq!(got, want, "{special} at {at} from {from}");
                        let got = next_string_stop(&buf[..end], from, quote);
                        assert_eq!(got, want, "{special} at {at} from {from} (restartable)");
                    }
                    let name_stop =
                        (from..end).find(|&i| stops_name_bytewise(buf[i])).unwrap_or(end);
                    let got = next_name_stop(&buf[..end], from);
                    assert_eq!(got, name_stop, "{special} at {at} from {from} (name)");
                }
            }
        }
    }
}

#[test]
fn string_bytes_are_skipped_exactly_among_many_special_bytes() {
    // Special bytes, the bytes a borrow can mark after them, and plain ones, mixed.
    let alphabet = b"\"'\\\0\n\r\x0d\x0e#&]\x01\x0fa\x80\xff()! #";
    let mut state = 0x9E37_79B9_7F4A_7C15_u64;
    for _ in 0..3000 {
        maillint_core::testing::xorshift(&mut state);
        let len = (state % 56) as usize;
        let buf: Vec<u8> = (0..len)
            .map(|i| {
                let pick = (state >> (i % 60)) as usize ^ (i * 7);
                // Mostly plain bytes, so that whole words are skipped too.
                if pick.is_multiple_of(5) { alphabet[pick % alphabet.len()] } else { b'a' }
            })
            .collect();
        for from in 0..=len {
            for end in from..=len {
                for quote in [b'"', b'\''] {
                    let want = (from..end).find(|&i| stops_string(buf[i], quote));
                    let got = skip_plain_string_bytes(&buf, from, end, quote);
                    assert_eq!(got, want.unwrap_or(end), "{buf:?} {from} {end}");
                    let got = next_string_stop(&buf[..end], from, quote);
                    assert_eq!(got, want.unwrap_or(end), "{buf:?} {from} {end} (restartable)");
                }
                let name_stop = (from..end).find(|&i| stops_name_bytewise(buf[i]));
                let got = next_name_stop(&buf[..end], from);
                assert_eq!(got, name_stop.unwrap_or(end), "{buf:?} {from} {end} (name)");
            }
        }
    }
}

/// The definition [`simple_string_end`] speeds up: byte by byte, a backslash and the byte
/// after it read together.
fn simple_string_end_bytewise(buf: &[u8], from: usize) -> Option<(usize, bool)> {
    let mut escaped = false;
    let mut i = from;
    loop {
        match (buf.get(i).copied(), buf.get(i + 1).copied()) {
            (Some(b'"'), _) => return Some((i, escaped)),
            (Some(b'\\'), Some(b'"' | b'\'' | b'\\' | b'n' | b'r')) => {
                escaped = true;
                i += 2;
            }
            (Some(b), _) if !stops_string(b, b'"') => i += 1,
            _ => return None,
        }
    }
}

#[test]
fn simple_strings_end_where_the_bytewise_reading_ends_them() {
    // Escapes dense and sparse, at every alignment to the sixteen-byte steps, with invalid
    // escapes, control bytes, the other quote and bytes a borrow can mark among them.
    let pieces: [&[u8]; 14] = [
        b"\\\"",
        b"\\\\",
        b"\\n",
        b"\\r",
        b"\\'",
        b"\\q",
        b"\\",
        b"\"",
        b"'",
        b"\n",
        b"\t",
        b"#&]\x01",
        b"\xc3\xa9",
        b"0123456789abcdef",
    ];
    let mut state = 0x2545_F491_4F6C_DD1D_u64;
    for round in 0..5000 {
        let mut buf = Vec::new();
        for _ in 0..(round % 13) {
            maillint_core::testing::xorshift(&mut state);
            let piece = pieces[(state % pieces.len() as u64) as usize];
            // Mostly plain text between the pieces, of every length.
            buf.extend(std::iter::repeat_n(b'a', (state >> 8) as usize % 19));
            buf.extend_from_slice(piece);
        }
        // Every start within the first two steps, so every alignment.
        for from in 0..=buf.len().min(33) {
            assert_eq!(
                simple_string_end(&buf, from),
                simple_string_end_bytewise(&buf, from),
                "{:?} from {from}",
                String::from_utf8_lossy(&buf)
            );
        }
    }
}

#[test]
fn user_pref_is_a_keyword_only_as_a_whole_word_before_the_end() {
    let cases: [(&[u8], usize, Option<&str>); 11] = [
        (b"\nuser_pref(\"a\", 1);\nuser_pref(\"b\", 1);", 2, None),
        (b"\nuser_prefs(\"a\", 1);", 0, Some("unknown keyword")),
        (b"\nuser_pref", 0, Some("expected '(' after pref specifier")),
        (b"\nuser_pre\0f", 0, Some("unknown keyword")),
        (b"user_pref(\"a\", 1);", 1, None),
        (b"user_prefs(\"a\", 1);", 0, Some("unknown keyword")),
        (b"user_pref_(\"a\", 1);", 0, Some("unknown keyword")),
        (b"user_pre(\"a\", 1);", 0, Some("unknown keyword")),
        (b"user_pref", 0, Some("expected '(' after pref specifier")),
        (b"user_pref\0s(\"a\", 1);", 0, Some("expected '(' after pref specifier")),
        (b"user_pre\0f(\"a\", 1);", 0, Some("unknown keyword")),
    ];
    for (text, statements, error) in cases {
        let file = parse(text, FileKind::User);
        assert_eq!(file.statements.len(), statements, "{text:?}");
        assert_eq!(file.errors.first().map(|e| e.message), error, "{text:?}");
    }
    // Lines are counted across the keyword read with its line break.
    let file = parse(b"user_pref(\"a\", 1);\nuser_pref\n(\"b\" 1);", FileKind::User);
    assert_eq!((file.errors[0].line, file.errors[0].offset), (3, 34));
    assert_eq!(file.statements[0].range, TextRange::new(0, 18));
}

#[test]
fn records_ranges_of_every_part() {
    let text = "  user_pref(\"mail.server.server1.port\", - /* c */ 993);\n";
    let file = user(text);
    assert!(file.errors.is_empty());
    let stmt = &file.statements[0];
    assert_eq!(&text[stmt.spec_range.as_range()], "user_pref");
    assert_eq!(&text[stmt.name_range.as_range()], "\"mail.server.server1.port\"");
    assert_eq!(&text[stmt.value_range.as_range()], "- /* c */ 993");
    assert_eq!(&text[stmt.range.as_range()], text.trim());
    assert_eq!(stmt.value, PrefValue::Int(-993));
    assert_eq!(stmt.name, "mail.server.server1.port");
}

#[test]
fn string_with_escapes_is_decoded_and_its_range_covers_the_quotes() {
    let text = r#"user_pref('a', "x\"y\\z\n");"#;
    let file = user(text);
    let stmt = &file.statements[0];
    assert_eq!(stmt.value, PrefValue::String(b"x\"y\\z\n".to_vec().into()));
    assert_eq!(&text[stmt.value_range.as_range()], r#""x\"y\\z\n""#);
}

#[test]
fn lone_slash_before_a_line_break_keeps_line_numbers() {
    let file = user("/\n/\n/");
    let lines: Vec<u32> = file.errors.iter().map(|e| e.line).collect();
    assert_eq!(lines, vec![1]);
    // The other two slashes are swallowed by recovery (no `;` follows).
    assert_eq!(file.errors[0].resume_at, 5);
}

#[test]
fn recovery_resumes_after_the_semicolon() {
    let text = "user_pref(\"a\" 1);user_pref(\"b\", 2);";
    let file = user(text);
    assert_eq!(file.errors.len(), 1);
    assert_eq!(file.errors[0].offset, text.find('1').unwrap());
    assert_eq!(file.errors[0].statement_start, Some(0));
    assert_eq!(file.errors[0].resume_at, text.find(';').unwrap() + 1);
    assert_eq!(file.statements.len(), 1);
    assert_eq!(file.statements[0].name, "b");
}

#[test]
fn multi_line_string_error_points_at_its_closing_quote() {
    // libpref reports "expected ',' after pref name" on the line where the name ends.
    let text = "user_pref(\"a\" \"b\nc\");";
    let file = user(text);
    assert_eq!(file.errors[0].message, "expected ',' after pref name");
    assert_eq!(file.errors[0].line, 2);
    assert_eq!(file.errors[0].offset, text.rfind('"').unwrap());
}

#[test]
fn unterminated_comment_points_at_the_end_and_remembers_the_opening() {
    let text = "user_pref(\"a\", 1); /* open\n";
    let file = user(text);
    assert_eq!(file.errors[0].message, "unterminated /* comment");
    assert_eq!(file.errors[0].offset, text.len());
    assert_eq!(file.errors[0].opened_at, Some(TextRange::new(19, 21)));
    assert_eq!(file.statements.len(), 1);
}

#[test]
fn high_surrogate_consumes_a_backslash_without_u() {
    // `\uD83C\"`: libpref eats the `\`, so the `"` closes the string.
    let file = parse(br#"pref("a", "\uD83C\"); pref("b", 1);"#, FileKind::Default);
    assert_eq!(file.errors.len(), 1);
    assert_eq!(file.errors[0].message, "expected low surrogate after high surrogate");
    assert_eq!(file.statements.len(), 1);
    assert_eq!(file.statements[0].name, "b");
}

#[test]
fn utf16_files_load_nothing() {
    let text = "user_pref(\"a\", 1);\n";
    let mut bytes = vec![0xFF, 0xFE];
    for unit in text.encode_utf16() {
        bytes.extend_from_slice(&unit.to_le_bytes());
    }
    let file = SourceFile::from_bytes("prefs.js", &bytes);
    let parsed = parse_source(&file, FileKind::User);
    assert!(parsed.statements.is_empty());
    assert_eq!(parsed.encoding_issue, Some(EncodingIssue::Utf16));
    assert_eq!(parsed.errors.len(), 1);
    assert_eq!(parsed.errors[0].message, "unexpected character");
    assert_eq!(parsed.errors[0].line, 1);

    // Without a BOM the first byte is `u` followed by NUL: an unknown keyword.
    let file = SourceFile::from_bytes("prefs.js", &bytes[2..]);
    let parsed = parse_source(&file, FileKind::User);
    assert_eq!(parsed.errors[0].message, "unknown keyword");
    assert!(parsed.statements.is_empty());
}

#[test]
fn windows_1252_text_outside_strings_is_an_unexpected_character() {
    let bytes = b"user_pref(\"a\", \"M\xfcller\");\n\xe9user_pref(\"b\", 1);\nuser_pref(\"c\", 2);";
    let file = SourceFile::from_bytes("prefs.js", bytes);
    let parsed = parse_source(&file, FileKind::User);
    assert_eq!(parsed.statements[0].value.as_text().unwrap(), "Müller");
    assert_eq!(parsed.errors.len(), 1);
    assert_eq!(parsed.errors[0].line, 2);
    let names: Vec<&str> = parsed.statements.iter().map(|s| s.name.as_ref()).collect();
    assert_eq!(names, ["a", "c"]);
}
/// Both paths over `text`: the result with canonical statements read in one go must be
/// the token-by-token result, field for field.
fn assert_paths_agree(text: &[u8], kind: FileKind) {
    let fast = Parser::new(text, kind).run(None);
    let slow = Parser { fast: false, ..Parser::new(text, kind) }.run(None);
    assert_eq!(fast, slow, "{:?}", String::from_utf8_lossy(text));
    if let Ok(text) = std::str::from_utf8(text) {
        let fast = Parser::for_text(text, kind).run(None);
        let slow = Parser { fast: false, ..Parser::for_text(text, kind) }.run(None);
        assert_eq!(fast, slow, "{text:?}");
    }
}

#[test]
fn canonical_statements_read_in_one_go_equal_the_token_path() {
    // Names with a `(` (read token by token, [`Statement::name_holds_paren`]) at either word
    // of a scan step, and with other bytes the scan of a name stops at.
    let names = [
        "\"a.b\"",
        "\"\"",
        "'a'",
        "\"a\\\"b\"",
        "\"a\nb\"",
        "\"é\"",
        "\"a'b\"",
        "\"a(b\"",
        "\"mail.server.server1.pref(\"",
        "'x(y'",
        "\"print.printer_Office Laser!.x\"",
        "\"\x1fa\"",
    ];
    let values = [
        "\"v\"",
        "\"\"",
        "\"x'y\"",
        "\"x\\ny\"",
        // Escapes Thunderbird writes (read in one go, decoded when asked), and others.
        r#""{\"a\":\"b\\c\"}\r\n""#,
        r#""\'\\\"""#,
        r#""\\""#,
        r#""a\""#,
        r#""\x41\n""#,
        r#""\u00e9\n""#,
        r#""\n\q""#,
        "\"\\\n\"",
        "\"\\\tx\\n\"",
        "\"x\\n\ty\"",
        "'v'",
        "true",
        "false",
        "truex",
        "true1",
        "0",
        "007",
        "123456789",
        "1234567890",
        "1637817339",
        "4294967295",
        "9999999999",
        "12345678901",
        "-2147483649",
        "-4294967296",
        "-9999999999",
        "2147483647",
        "2147483648",
        "4294967296",
        "-0",
        "-5",
        "- 5",
        "-2147483648",
        "-123456789",
        "+5",
        "5x",
        "55_",
        "\"a\nb\"",
        "\"unterminated",
    ];
    let separators = [",", ", ", ",   ", ",\t", ",\n", " ,"];
    let tails = [");", ") ;", ")", ", locked);", ", sticky);", ");x", ";", ")\n;"];
    let specs = ["user_pref", "pref", "sticky_pref", "user_pref ", "user_pref\n", "user_prefs"];
    for spec in specs {
        for name in names {
            for separator in separators {
                for value in values {
                    for tail in tails {
                        let statement = format!("{spec}({name}{separator}{value}{tail}");
                        // Two canonical lines first, so that the statement's errors are
                        // counted after lines read without tokens.
                        let text = format!(
                            "user_pref(\"y\", 2);\nuser_pref(\"z\", 1);\n{statement}\n\
                             user_pref(\"z\", 1);\n{statement}"
                        );
                        for kind in [FileKind::User, FileKind::Default] {
                            assert_paths_agree(text.as_bytes(), kind);
                        }
                    }
                }
            }
        }
    }
}

#[test]
fn canonical_statements_agree_on_truncated_and_nul_cut_files() {
    let text = b"user_pref(\"mail.server.server1.hostname\", \"imap.example.org\");\r\n\
                     user_pref(\"mail.server.server1.port\", 993);\ruser_pref(\"b\", true);";
    for cut in 0..text.len() {
        assert_paths_agree(&text[..cut], FileKind::User);
        let mut with_nul = text.to_vec();
        with_nul[cut] = 0;
        assert_paths_agree(&with_nul, FileKind::User);
    }
}
