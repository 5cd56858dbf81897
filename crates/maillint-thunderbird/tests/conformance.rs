//! Mozilla's own libpref parser cases (reference `thunderbird.md` section 4), ported: every
//! error case with its framing, the one-error-per-line table, the valid values and the extra
//! cases derived from the parser source. Each error is checked for its message and line, and
//! for the offset maillint points at being on that same line.

use maillint_core::SourceFile;
use maillint_thunderbird::prefs::{FileKind, PrefValue, PrefsFile, parse, parse_source};

const D: FileKind = FileKind::Default;
const U: FileKind = FileKind::User;

/// The E-case framing of section 4: a leading line break (so the first content line is line 2)
/// and, unless the case ends at `<EOF>`, a trailing line break followed by four spaces.
fn framed(lines: &[&str], ends_at_eof: bool) -> String {
    let mut text = String::from("\n");
    text.push_str(&lines.join("\n"));
    if !ends_at_eof {
        text.push_str("\n    ");
    }
    text
}

/// All errors as `(line, message)`, after checking that each error's offset lies on the line
/// libpref reports (that is what diagnostics show).
fn errors(kind: FileKind, text: &str) -> Vec<(u32, &'static str)> {
    let parsed = parse(text.as_bytes(), kind);
    let file = SourceFile::from_text("test", text);
    for error in &parsed.errors {
        assert_eq!(
            file.line_col(error.offset).line,
            error.line,
            "offset of {:?} is not on the reported line in {text:?}",
            error.message
        );
    }
    parsed.errors.iter().map(|e| (e.line, e.message)).collect()
}

fn each_line(lines: &[u32], message: &'static str) -> Vec<(u32, &'static str)> {
    lines.iter().map(|&line| (line, message)).collect()
}

fn value<'t>(parsed: &PrefsFile<'t>, name: &str) -> Option<PrefValue<'t>> {
    parsed.statements.iter().rev().find(|s| s.name == name).map(|s| s.value.clone())
}

fn default_kind(text: &str) -> PrefsFile<'_> {
    let parsed = parse(text.as_bytes(), D);
    assert!(parsed.errors.is_empty(), "unexpected errors in {text:?}: {:?}", parsed.errors);
    parsed
}

// ---- 4.1 Error and edge cases ----------------------------------------------------------------

#[test]
fn e01_normal_prefs() {
    let text = framed(
        &[
            r#"pref("bool", true);"#,
            r#"sticky_pref("int", 123);"#,
            r#"user_pref("string", "value");"#,
        ],
        false,
    );
    assert_eq!(errors(D, &text), []);
    let parsed = parse(text.as_bytes(), D);
    assert_eq!(value(&parsed, "bool"), Some(PrefValue::Bool(true)));
    assert_eq!(value(&parsed, "int"), Some(PrefValue::Int(123)));
    assert!(parsed.statements[1].sticky);
    assert_eq!(value(&parsed, "string"), Some(PrefValue::String(b"value".to_vec().into())));
}

#[test]
fn e02_empty_input() {
    assert_eq!(errors(D, ""), []);
}

#[test]
fn e03_whitespace_only() {
    assert_eq!(errors(D, "   \n\t\t\n    \x0B \t \x0B \x0C"), []);
}

#[test]
fn comment_only_inputs() {
    for text in ["// blah", "# blah", "/* blah */"] {
        assert_eq!(errors(D, text), [], "{text}");
    }
}

#[test]
fn e04_integer_overflow() {
    let text = framed(
        &[
            r#"pref("int.ok", 2147483647);"#,
            r#"pref("int.overflow", 2147483648);"#,
            r#"pref("int.ok", +2147483647);"#,
            r#"pref("int.overflow", +2147483648);"#,
            r#"pref("int.ok", -2147483648);"#,
            r#"pref("int.overflow", -2147483649);"#,
            r#"pref("int.overflow", 4294967296);"#,
            r#"pref("int.overflow", +4294967296);"#,
            r#"pref("int.overflow", -4294967296);"#,
            r#"pref("int.overflow", 4294967297);"#,
            r#"pref("int.overflow", 1234567890987654321);"#,
        ],
        false,
    );
    assert_eq!(
        errors(D, &text),
        each_line(&[3, 5, 7, 8, 9, 10, 11, 12], "integer literal overflowed")
    );
    let parsed = parse(text.as_bytes(), D);
    let ok: Vec<i32> = parsed
        .statements
        .iter()
        .filter(|s| s.name == "int.ok")
        .map(|s| s.value.as_int().unwrap())
        .collect();
    assert_eq!(ok, [2147483647, 2147483647, -2147483648]);
    assert!(value(&parsed, "int.overflow").is_none());
}

#[test]
fn e05_letters_after_digits() {
    let text = framed(&[r#"pref("int.unexpected", 100foo);"#, r#"pref("int.ok", 0);"#], false);
    assert_eq!(errors(D, &text), [(2, "unexpected character in integer literal")]);
    let parsed = parse(text.as_bytes(), D);
    assert_eq!(value(&parsed, "int.ok"), Some(PrefValue::Int(0)));
    assert_eq!(value(&parsed, "int.unexpected"), None);
}

#[test]
fn e06_x00_is_not_allowed() {
    let text =
        framed(&[r#"pref("string.bad-x-escape", "foo\x00bar");"#, r#"pref("int.ok", 0);"#], false);
    assert_eq!(errors(D, &text), [(2, "\\x00 is not allowed")]);
    assert_eq!(value(&parse(text.as_bytes(), D), "int.ok"), Some(PrefValue::Int(0)));
}

#[test]
fn e07_bad_things_after_x() {
    let p = r#"pref("string.bad-x-escape""#;
    let text = framed(
        &[
            &format!(r#"{p}, "foo\x");"#),
            &format!(r#"{p}, "foo\x,bar");"#),
            &format!(r#"{p}, "foo\x 12");"#),
            &format!(r#"{p}, "foo\x"#),
            r#"12");"#,
            &format!(r#"{p}, "foo\x"#),
        ],
        true,
    );
    assert_eq!(errors(D, &text), each_line(&[2, 3, 4, 5, 7], "malformed \\x escape sequence"));
}

#[test]
fn e08_one_hex_digit() {
    let text =
        framed(&[r#"pref("string.bad-x-escape", "foo\x1");"#, r#"pref("int.ok", 0);"#], false);
    assert_eq!(errors(D, &text), [(2, "malformed \\x escape sequence")]);
}

#[test]
fn e09_bad_hex_digit() {
    let text =
        framed(&[r#"pref("string.bad-x-escape", "foo\x1G");"#, r#"pref("int.ok", 0);"#], false);
    assert_eq!(errors(D, &text), [(2, "malformed \\x escape sequence")]);
}

#[test]
fn e10_u0000_is_not_allowed() {
    let text = framed(
        &[r#"pref("string.bad-u-escape", "foo\u0000 bar");"#, r#"pref("int.ok", 0);"#],
        false,
    );
    assert_eq!(errors(D, &text), [(2, "\\u0000 is not allowed")]);
}

#[test]
fn e11_bad_things_after_u() {
    let p = r#"pref("string.bad-u-escape""#;
    let text = framed(
        &[
            &format!(r#"{p}, "foo\u");"#),
            &format!(r#"{p}, "foo\u,bar");"#),
            &format!(r#"{p}, "foo\u 1234");"#),
            &format!(r#"{p}, "foo\u"#),
            r#"1234");"#,
            &format!(r#"{p}, "foo\u"#),
        ],
        true,
    );
    assert_eq!(errors(D, &text), each_line(&[2, 3, 4, 5, 7], "malformed \\u escape sequence"));
}

#[test]
fn e12_too_few_u_digits() {
    let p = r#"pref("string.bad-u-escape", "#;
    let text = framed(
        &[
            &format!(r#"{p}"foo\u1");"#),
            &format!(r#"{p}"foo\u12");"#),
            &format!(r#"{p}"foo\u123");"#),
            r#"pref("int.ok", 0);"#,
        ],
        false,
    );
    assert_eq!(errors(D, &text), each_line(&[2, 3, 4], "malformed \\u escape sequence"));
    assert_eq!(value(&parse(text.as_bytes(), D), "int.ok"), Some(PrefValue::Int(0)));
}

#[test]
fn e13_bad_u_digit() {
    let text =
        framed(&[r#"pref("string.bad-u-escape", "foo\u1G34");"#, r#"pref("int.ok", 0);"#], false);
    assert_eq!(errors(D, &text), [(2, "malformed \\u escape sequence")]);
}

#[test]
fn e14_high_surrogate_without_low() {
    let text = framed(
        &[r#"pref("string.bad-u-surrogate", "foo\ud83c,blah");"#, r#"pref("int.ok", 0);"#],
        false,
    );
    assert_eq!(errors(D, &text), [(2, "expected low surrogate after high surrogate")]);
}

#[test]
fn e15_high_surrogate_with_invalid_low() {
    let text = framed(
        &[r#"pref("string.bad-u-surrogate", "foo\ud83c\u1234");"#, r#"pref("int.ok", 0);"#],
        false,
    );
    assert_eq!(errors(D, &text), [(2, "invalid low surrogate value after high surrogate")]);
}

#[test]
fn e16_javascript_escapes_are_rejected() {
    let p = r#"pref("string.bad-escape", "#;
    let text = framed(
        &[
            &format!(r#"{p}"foo\b");"#),
            &format!(r#"{p}"foo\f");"#),
            &format!(r#"{p}"foo\t");"#),
            &format!(r#"{p}"foo\v");"#),
            r#"pref("int.ok", 0);"#,
        ],
        false,
    );
    assert_eq!(
        errors(D, &text),
        each_line(&[2, 3, 4, 5], "unexpected escape sequence character after '\\'")
    );
}

#[test]
fn e17_bad_things_after_backslash() {
    let p = r#"pref("string.bad-escape", "#;
    let text = framed(
        &[
            &format!(r#"{p}"foo\Q");"#),
            &format!(r#"{p}"foo\1");"#),
            &format!(r#"{p}"foo\,");"#),
            &format!(r#"{p}"foo\ n");"#),
            &format!(r#"{p}"foo\"#),
            r#"n");"#,
            &format!(r#"{p}"foo\"#),
        ],
        true,
    );
    assert_eq!(
        errors(D, &text),
        each_line(&[2, 3, 4, 5, 6, 8], "unexpected escape sequence character after '\\'")
    );
}

#[test]
fn e18_unterminated_string() {
    let text = framed(&[r#"pref("string.unterminated-string", "foo"#], false);
    assert_eq!(errors(D, &text), [(3, "unterminated string literal")]);
}

#[test]
fn e19_string_ends_at_next_quote() {
    let text =
        framed(&[r#"pref("string.unterminated-string", "foo);"#, r#"pref("int.ok", 0);"#], false);
    assert_eq!(errors(D, &text), [(3, "unknown keyword")]);
    assert_eq!(value(&parse(text.as_bytes(), D), "int.ok"), None);
}

#[test]
fn e20_mismatched_quotes_single_inside_double() {
    let text = framed(&[r#"pref("string.unterminated-string", "foo');"#], false);
    assert_eq!(errors(D, &text), [(3, "unterminated string literal")]);
}

#[test]
fn e21_mismatched_quotes_double_inside_single() {
    let text = framed(&[r#"pref("string.unterminated-string", 'foo");"#], false);
    assert_eq!(errors(D, &text), [(3, "unterminated string literal")]);
}

#[test]
fn e22_unknown_keywords() {
    let text = framed(
        &[
            "foo;",
            r#"preff("string.bad-keyword", true);"#,
            r#"ticky_pref("string.bad-keyword", true);"#,
            r#"User_pref("string.bad-keyword", true);"#,
            r#"pref("string.bad-keyword", TRUE);"#,
        ],
        false,
    );
    assert_eq!(errors(D, &text), each_line(&[2, 3, 4, 5, 6], "unknown keyword"));
}

#[test]
fn e23_unterminated_block_comment() {
    let text = framed(&["/* comment"], false);
    assert_eq!(errors(D, &text), [(3, "unterminated /* comment")]);
}

#[test]
fn e24_single_slashes() {
    let text = framed(&["/ comment;", "/", "; /"], true);
    assert_eq!(errors(D, &text), each_line(&[2, 3, 4], "expected '/' or '*' after '/'"));
}

#[test]
fn e25_line_comment_at_eof() {
    assert_eq!(errors(D, &framed(&["// comment"], true)), []);
}

#[test]
fn e26_empty_line_comment_at_eof() {
    assert_eq!(errors(D, &framed(&["//"], true)), []);
}

#[test]
fn e27_unexpected_characters() {
    let text = framed(
        &[
            r#"pref("unexpected.chars", &true);"#,
            r#"pref("unexpected.chars" : true);"#,
            r#"@pref("unexpected.chars", true);"#,
            r#"pref["unexpected.chars": true];"#,
        ],
        false,
    );
    assert_eq!(errors(D, &text), each_line(&[2, 3, 4, 5], "unexpected character"));
}

#[test]
fn e29_user_kind_has_no_attributes() {
    let text = framed(&[r#"pref("parse.error", true;"#, r#"pref("int.ok", 1);"#], false);
    assert_eq!(errors(U, &text), [(2, "expected ')' after pref value")]);
    assert_eq!(value(&parse(text.as_bytes(), U), "int.ok"), Some(PrefValue::Int(1)));
}

#[test]
fn e30_to_e40_unexpected_end_of_input() {
    let cases: [(FileKind, &str, &str); 11] = [
        (D, "pref", "expected '(' after pref specifier"),
        (D, "pref(", "expected pref name after '('"),
        (D, r#"pref("parse.error""#, "expected ',' after pref name"),
        (D, r#"pref("parse.error","#, "expected pref value after ','"),
        (D, r#"pref("parse.error", -"#, "expected integer literal after '-'"),
        (D, r#"pref("parse.error", +"#, "expected integer literal after '+'"),
        (D, r#"pref("parse.error", true"#, "expected ',' or ')' after pref value"),
        (U, r#"pref("parse.error", true"#, "expected ')' after pref value"),
        (D, r#"pref("parse.error", true,"#, "expected pref attribute after ','"),
        (D, r#"pref("parse.error", true, sticky"#, "expected ',' or ')' after pref attribute"),
        (D, r#"pref("parse.error", true)"#, "expected ';' after ')'"),
    ];
    for (kind, line, message) in cases {
        assert_eq!(errors(kind, &framed(&[line], true)), [(2, message)], "{line}");
    }
}

#[test]
fn e41_extra_semicolons() {
    let text = framed(
        &[
            r#"pref("parse.error", true);;"#,
            r#"pref("parse.error", true, locked);;;"#,
            r#"pref("parse.error", true, sticky, locked);;;;"#,
            r#"pref("int.ok", 0);"#,
        ],
        false,
    );
    assert_eq!(
        errors(D, &text),
        each_line(&[2, 3, 3, 4, 4, 4], "expected pref specifier at start of pref definition")
    );
    let parsed = parse(text.as_bytes(), D);
    assert_eq!(parsed.statements.len(), 4);
    assert!(parsed.statements[1].locked && !parsed.statements[1].sticky);
    assert!(parsed.statements[2].locked && parsed.statements[2].sticky);
}

#[test]
fn e42_to_e45_line_breaks_of_every_kind_count_once() {
    for text in ["\n \r \r\n bad", "#\n#\r#\r\n bad", "//\n//\r//\r\n bad", "/*\n \r \r\n*/ bad"] {
        assert_eq!(errors(D, text), [(4, "unknown keyword")], "{text:?}");
    }
}

#[test]
fn e46_escapes_do_not_count_lines_but_raw_breaks_in_strings_do() {
    let text = "pref(\"foo\\n\n foo\\r\r foo\\r\\n\r\n foo\", bad);";
    assert_eq!(errors(D, text), [(4, "unknown keyword")]);
}

// ---- 4.2 Case E28: one error per line ----------------------------------------------------------

#[test]
fn e28_one_parse_error_per_line() {
    let text = framed(
        &[
            r#""pref"("parse.error": true);"#,
            r#"pref1("parse.error": true);"#,
            r#"pref(123: true);"#,
            r#"pref("parse.error" true);"#,
            r#"pref("parse.error", pref);"#,
            r#"pref("parse.error", -true);"#,
            r#"pref("parse.error", +"value");"#,
            r#"pref("parse.error", true,);"#,
            r#"pref("parse.error", true;"#,
            r#"pref("parse.error", true, sticky, locked;"#,
            r#"pref("parse.error", true)"#,
            r#"pref("int.ok", 1);"#,
            r#"pref("parse.error", true)"#,
        ],
        true,
    );
    assert_eq!(
        errors(D, &text),
        [
            (2, "expected pref specifier at start of pref definition"),
            (3, "expected '(' after pref specifier"),
            (4, "expected pref name after '('"),
            (5, "expected ',' after pref name"),
            (6, "expected pref value after ','"),
            (7, "expected integer literal after '-'"),
            (8, "expected integer literal after '+'"),
            (9, "expected pref attribute after ','"),
            (10, "expected ',' or ')' after pref value"),
            (11, "expected ',' or ')' after pref attribute"),
            (13, "expected ';' after ')'"),
            (14, "expected ';' after ')'"),
        ]
    );
    let parsed = parse(text.as_bytes(), D);
    // The missing `;` on line 12 costs the statement on line 13 too.
    assert!(parsed.statements.is_empty());
    // The error on line 13 belongs to the statement that started on line 12.
    let file = SourceFile::from_text("test", text.as_str());
    let missing_semicolon = &parsed.errors[10];
    assert_eq!(file.line_col(missing_semicolon.statement_start.unwrap()).line, 12);
    assert_eq!(file.line_col(missing_semicolon.resume_at).line, 13);
}

// ---- 4.3 Valid values ---------------------------------------------------------------------------

#[test]
fn v01_comments_between_every_token() {
    let parsed = default_kind(
        r#"/*0*/ pref /*1*/ ( /*2*/ "comment1" /*3*/ , /*4*/ true /*5*/ ) /*6*/ ; /*7*/"#,
    );
    assert_eq!(value(&parsed, "comment1"), Some(PrefValue::Bool(true)));
}

#[test]
fn v02_tokens_split_over_lines_by_comments() {
    let parsed = default_kind(
        "pref # one\n( // two\n\"comment2\" /*\nthree\n*/,/*four*/\ntrue#five\n)//\n; /*7*/\n",
    );
    assert_eq!(value(&parsed, "comment2"), Some(PrefValue::Bool(true)));
}

#[test]
fn v03_every_token_on_its_own_line() {
    let parsed = default_kind(
        "pref\n    (\n     \"spaced-out\"\n                 ,\n                   true\n        )\n ;\n",
    );
    assert_eq!(value(&parsed, "spaced-out"), Some(PrefValue::Bool(true)));
}

#[test]
fn v04_the_three_specifiers() {
    let parsed = default_kind(
        "pref(\"pref\", true);\nsticky_pref(\"sticky_pref\", true);\nuser_pref(\"user_pref\", true);\n",
    );
    for name in ["pref", "sticky_pref", "user_pref"] {
        assert_eq!(value(&parsed, name), Some(PrefValue::Bool(true)), "{name}");
    }
}

#[test]
fn v05_to_v07_attributes_in_default_kind() {
    let parsed = default_kind(concat!(
        "pref(\"sticky_pref2\", true, sticky);\n",
        "pref(\"locked_pref\", true, locked);\n",
        "pref(\"locked_sticky_pref\", true, locked, sticky,sticky, locked, locked, locked);\n",
    ));
    let [sticky, locked, both] = &parsed.statements[..] else { panic!("three statements") };
    assert!(sticky.sticky && !sticky.locked && sticky.value == PrefValue::Bool(true));
    assert!(locked.locked && !locked.sticky && locked.value == PrefValue::Bool(true));
    assert!(both.locked && both.sticky && both.value == PrefValue::Bool(true));
}

#[test]
fn v08_to_v14_booleans_and_integers() {
    let cases: [(&str, PrefValue); 17] = [
        ("true", PrefValue::Bool(true)),
        ("false", PrefValue::Bool(false)),
        ("0", PrefValue::Int(0)),
        ("1", PrefValue::Int(1)),
        ("123", PrefValue::Int(123)),
        ("+234", PrefValue::Int(234)),
        ("+  345", PrefValue::Int(345)),
        ("-0", PrefValue::Int(0)),
        ("-1", PrefValue::Int(-1)),
        ("- /* hmm */\t456", PrefValue::Int(-456)),
        ("-\n567", PrefValue::Int(-567)),
        ("2147483646", PrefValue::Int(2147483646)),
        ("2147483647", PrefValue::Int(2147483647)),
        ("-2147483646", PrefValue::Int(-2147483646)),
        ("-2147483647", PrefValue::Int(-2147483647)),
        ("-2147483648", PrefValue::Int(i32::MIN)),
        ("  2147483647", PrefValue::Int(i32::MAX)),
    ];
    for (literal, expected) in cases {
        let text = format!("pref(\"v\", {literal});");
        let parsed = default_kind(&text);
        assert_eq!(value(&parsed, "v"), Some(expected), "{literal:?}");
        let stmt = &parsed.statements[0];
        assert_eq!(&text[stmt.value_range.as_range()], literal.trim_start(), "{literal:?}");
    }
}

#[test]
fn v15_to_v23_strings() {
    let long = "x".repeat(500);
    let cases: [(String, Vec<u8>); 12] = [
        (r#""""#.into(), b"".to_vec()),
        (r#""abc""#.into(), b"abc".to_vec()),
        (format!("\"{long}\""), long.clone().into_bytes()),
        (r#"'"abc"'"#.into(), br#""abc""#.to_vec()),
        (r#""'abc'""#.into(), b"'abc'".to_vec()),
        (
            "\"\r \t \x0B \x0C \x06 \x16\"".into(),
            vec![0x0D, 0x20, 0x09, 0x20, 0x0B, 0x20, 0x0C, 0x20, 0x06, 0x20, 0x16],
        ),
        (r#""\" \' \\ \n \r""#.into(), b"\" ' \\ \n \r".to_vec()),
        (r#""Mozilla0\x4d\x6F\x7a\x69\x6c\x6C\x610""#.into(), b"Mozilla0Mozilla0".to_vec()),
        (r#""A\x41 A_umlaut\xc4 y_umlaut\xff""#.into(), b"AA A_umlaut\xc4 y_umlaut\xff".to_vec()),
        (
            r#""A\u0041 A_umlaut\u00c4 y_umlaut\u00ff0""#.into(),
            "AA A_umlautÄ y_umlautÿ0".as_bytes().to_vec(),
        ),
        (r#""S_acute\u015a y_grave\u1Ef3""#.into(), "S_acuteŚ y_graveỳ".as_bytes().to_vec()),
        (
            r#""cyclone\uD83C\uDF00 grinning_face\uD83D\uDE00""#.into(),
            "cyclone\u{1F300} grinning_face\u{1F600}".as_bytes().to_vec(),
        ),
    ];
    for (literal, expected) in cases {
        let text = format!("pref(\"s\", {literal});");
        let parsed = default_kind(&text);
        assert_eq!(value(&parsed, "s"), Some(PrefValue::String(expected.into())), "{literal:?}");
        assert_eq!(&text[parsed.statements[0].value_range.as_range()], literal);
    }
    // V21-V23 byte check, as the reference lists them.
    let parsed = default_kind(r#"pref("s", "\u00c4\u00ff\u015a\u1Ef3\uD83C\uDF00\uD83D\uDE00");"#);
    assert_eq!(
        value(&parsed, "s"),
        Some(PrefValue::String(
            vec![
                0xC3, 0x84, 0xC3, 0xBF, 0xC5, 0x9A, 0xE1, 0xBB, 0xB3, 0xF0, 0x9F, 0x8C, 0x80, 0xF0,
                0x9F, 0x98, 0x80
            ]
            .into()
        ))
    );
}

#[test]
fn pref_names_are_arbitrary_strings() {
    let parsed = default_kind(
        "pref(\"int.- /* hmm */\t456\", - /* hmm */\t456);\npref(\"int.+  345\", +  345);",
    );
    assert_eq!(value(&parsed, "int.- /* hmm */\t456"), Some(PrefValue::Int(-456)));
    assert_eq!(value(&parsed, "int.+  345"), Some(PrefValue::Int(345)));
}

// ---- 4.4 Extra cases derived from the parser source -------------------------------------------

#[test]
fn attributes_are_a_syntax_error_in_user_kind() {
    assert_eq!(errors(U, r#"user_pref("a", 1, locked);"#), [(1, "expected ')' after pref value")]);
}

#[test]
fn utf8_bom_costs_the_first_statement() {
    let mut bytes = vec![0xEF, 0xBB, 0xBF];
    bytes.extend_from_slice(b"user_pref(\"a\", 1);\nuser_pref(\"b\", 2);\n");
    let file = SourceFile::from_bytes("prefs.js", &bytes);
    assert!(file.has_bom());
    let parsed = parse_source(&file, U);
    let messages: Vec<(u32, &str)> = parsed.errors.iter().map(|e| (e.line, e.message)).collect();
    assert_eq!(messages, [(1, "unexpected character")]);
    assert_eq!(parsed.errors[0].offset, 0);
    assert_eq!(value(&parsed, "a"), None);
    assert_eq!(value(&parsed, "b"), Some(PrefValue::Int(2)));
    // Parsing the same bytes directly gives the same result: the emulation is faithful.
    let raw = parse(&bytes, U);
    assert_eq!(raw.errors.len(), 1);
    assert_eq!(raw.statements.len(), 1);
    assert_eq!(raw.statements[0].name, "b");
}

#[test]
fn nul_byte_ends_the_input() {
    let text = "user_pref(\"a\", 1);\0user_pref(\"b\", 2);";
    assert_eq!(errors(U, text), []);
    let parsed = parse(text.as_bytes(), U);
    assert_eq!(value(&parsed, "a"), Some(PrefValue::Int(1)));
    assert_eq!(value(&parsed, "b"), None);
    assert_eq!(parsed.end, text.find('\0').unwrap());
}

#[test]
fn unpaired_low_surrogate_is_rejected() {
    assert_eq!(
        errors(U, r#"user_pref("a", "\uDC00");"#),
        [(1, "expected high surrogate before low surrogate")]
    );
}

#[test]
fn error_inside_a_multi_line_string_is_reported_on_its_own_line() {
    let text = "user_pref(\"a\", \"bad\\q\nstill the string\nend\");\nuser_pref(\"b\", 1);";
    assert_eq!(errors(U, text), [(1, "unexpected escape sequence character after '\\'")]);
    assert_eq!(value(&parse(text.as_bytes(), U), "b"), Some(PrefValue::Int(1)));
}
