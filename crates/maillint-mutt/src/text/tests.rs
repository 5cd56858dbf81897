//! Tests of spanned text: pieces, spans, slices, and the fast paths against the piece walks.

use super::*;

const F: FileId = FileId(0);
const G: FileId = FileId(1);

#[test]
fn a_one_piece_span_is_what_the_piece_walk_finds() {
    let mapped = {
        let mut t = SpannedText::new();
        t.push_mapped("\u{1b}x", F, 7, 9);
        t
    };
    let unknown = {
        let mut t = SpannedText::new();
        t.push_unknown("abc", UnknownKind::Command, Some(Span::new(F, 0, 5)));
        t
    };
    let seamed = {
        let mut t = SpannedText::new();
        t.push_joined(&SpannedText::copied(G, 3, "abcd"));
        t
    };
    let texts = [
        SpannedText::copied(F, 0, "set x=1"),
        SpannedText::copied(G, 40, "imaps://h\u{e9}/"),
        SpannedText::synth("yes"),
        mapped,
        unknown,
        seamed,
    ];
    for text in &texts {
        assert!(matches!(text.pieces, Pieces::One(_)), "{text:?}");
        for start in 0..=text.len() + 2 {
            for end in start + 1..=text.len() + 3 {
                assert_eq!(
                    text.source_span(start..end),
                    text.pieces_span(start..end),
                    "{text:?} {start}..{end}"
                );
            }
        }
    }
}

#[test]
fn a_slice_of_one_copied_piece_is_what_the_piece_walk_pushes() {
    let sources = [
        SpannedText::copied(F, 7, "set x=\"a b\""),
        {
            let mut t = SpannedText::new();
            t.push_joined(&SpannedText::copied(G, 3, "abcd"));
            t
        },
        SpannedText::synth("yes"),
    ];
    let mut seamed = SpannedText::new();
    seamed.mark_seam();
    let destinations = [SpannedText::new(), SpannedText::copied(F, 0, "ab"), seamed];
    for other in &sources {
        for start in 0..=other.len() + 1 {
            for end in 0..=other.len() + 1 {
                for destination in &destinations {
                    let (mut fast, mut walked) = (destination.clone(), destination.clone());
                    fast.push_slice(other, start..end);
                    walked.push_slice_walk(other, start..end);
                    assert_eq!(fast, walked, "{other:?} {start}..{end} onto {destination:?}");
                    fast.push_copy(F, 100, "z");
                    walked.push_copy(F, 100, "z");
                    assert_eq!(fast, walked, "{other:?} {start}..{end} then more");
                }
            }
        }
    }
}

#[test]
fn a_copy_with_room_is_the_text_pushed_onto_an_empty_one() {
    let mut folder = SpannedText::new();
    folder.push_mapped("imaps", F, 0, 5);
    folder.push_synth("://");
    folder.push_copy(F, 8, "host");
    folder.push_unknown("", UnknownKind::Command, None);
    folder.push_joined(&SpannedText::copied(G, 2, "ab"));
    folder.push_copy(G, 4, "cd");
    folder.push_synth("/");
    let mut seamed_first = SpannedText::new();
    seamed_first.push_joined(&SpannedText::synth("x"));
    seamed_first.push_synth("y");
    let mut joined_last = SpannedText::copied(F, 0, "a");
    joined_last.push_joined(&SpannedText::copied(F, 1, "b"));
    let texts = [
        folder,
        seamed_first,
        joined_last,
        SpannedText::copied(F, 3, "imaps://h/"),
        SpannedText::synth("/"),
        SpannedText::new(),
    ];
    for text in &texts {
        let copy = text.copy_with_room(6);
        let mut pushed = SpannedText::with_capacity(text.len() + 6, text.pieces().len() + 2);
        pushed.push_text(text);
        assert_eq!(copy, pushed, "{text:?}");
        let (mut copy, mut pushed) = (copy, pushed);
        copy.push_copy(F, 12, "INBOX");
        pushed.push_copy(F, 12, "INBOX");
        assert_eq!(copy, pushed, "{text:?} then a copy");
    }
}

/// The piece walks as they were, through every piece (what the early ends must match).
fn pieces_in_every_piece(text: &SpannedText, range: Range<usize>) -> Vec<(u32, Range<usize>)> {
    let mut offset = 0usize;
    let mut found = Vec::new();
    for piece in text.pieces() {
        let piece_range = offset..offset + piece.len as usize;
        offset = piece_range.end;
        let start = piece_range.start.max(range.start);
        let end = piece_range.end.min(range.end);
        if start < end || (range.is_empty() && piece_range.contains(&range.start)) {
            found.push((piece.len, (start - piece_range.start)..(end - piece_range.start)));
        }
    }
    found
}

/// [`SpannedText::push_slice_walk`] as it was, through every piece.
fn push_slice_every_piece(out: &mut SpannedText, other: &SpannedText, range: Range<usize>) {
    let mut offset = 0usize;
    for piece in other.pieces() {
        let piece_range = offset..offset + piece.len as usize;
        offset = piece_range.end;
        let start = piece_range.start.max(range.start);
        let end = piece_range.end.min(range.end);
        if start >= end {
            continue;
        }
        let text = &other.text[start..end];
        if piece.seam && start == piece_range.start {
            out.mark_seam();
        }
        match &piece.source {
            PieceSource::Copy { file, start: src } => {
                out.push_copy(*file, *src as usize + (start - piece_range.start), text)
            }
            source => out.push_piece(text, source.clone()),
        }
    }
}

#[test]
fn the_piece_walks_that_stop_early_find_what_walking_every_piece_finds() {
    let mut text = SpannedText::new();
    text.push_mapped("imaps", F, 0, 5);
    text.push_synth("://");
    text.push_copy(F, 8, "host");
    text.push_synth(":");
    text.push_copy(F, 13, "993");
    text.push_joined(&SpannedText::copied(G, 2, "INBOX"));
    for start in 0..=text.len() + 1 {
        for end in start..=text.len() + 1 {
            let walked: Vec<_> = text.pieces_in(start..end).map(|(p, r)| (p.len, r)).collect();
            assert_eq!(walked, pieces_in_every_piece(&text, start..end), "{start}..{end}");
            let (mut early, mut every) = (SpannedText::new(), SpannedText::new());
            early.push_slice_walk(&text, start..end);
            push_slice_every_piece(&mut every, &text, start..end);
            assert_eq!(early, every, "{start}..{end}");
        }
    }
}

#[test]
fn copies_merge_and_slices_map_back_exactly() {
    let mut t = SpannedText::new();
    t.push_copy(F, 10, "imaps://");
    t.push_copy(F, 18, "host");
    assert_eq!(t.pieces().len(), 1);
    assert_eq!(t.source_span(8..12), Some(Span::new(F, 18, 22)));
    let host = t.slice(8..12);
    assert_eq!(host.as_str(), "host");
    assert_eq!(host.source_span(0..4), Some(Span::new(F, 18, 22)));
}

#[test]
fn one_piece_or_many_the_text_compares_and_prints_the_same() {
    let mut built = SpannedText::with_capacity(8, 4);
    built.push_copy(F, 0, "ab");
    let one = SpannedText::copied(F, 0, "ab");
    assert_eq!(built, one);
    assert_eq!(format!("{built:?}"), format!("{one:?}"));
    let mut three = one.clone();
    three.push_synth("/");
    three.push_copy(G, 4, "c");
    assert_eq!(three.as_str(), "ab/c");
    assert_eq!(three.pieces().len(), 3);
    assert_eq!(three.source_span(3..4), Some(Span::new(G, 4, 5)));
    three.clear();
    assert_eq!(three, SpannedText::new());
    assert_eq!(format!("{:?}", SpannedText::new().pieces), "[]");
}

#[test]
fn an_escape_maps_to_its_whole_sequence() {
    // `a\@b` in the file decodes to `a@b`.
    let mut t = SpannedText::new();
    t.push_copy(F, 0, "a");
    t.push_mapped("@", F, 1, 3);
    t.push_copy(F, 3, "b");
    assert_eq!(t.as_str(), "a@b");
    assert_eq!(t.source_span(0..3), Some(Span::new(F, 0, 4)));
    assert_eq!(t.source_span(1..2), Some(Span::new(F, 1, 3)));
}

#[test]
fn pieces_from_two_files_or_out_of_order_have_no_single_span() {
    let mut t = SpannedText::new();
    t.push_copy(F, 5, "ab");
    t.push_copy(G, 0, "cd");
    assert_eq!(t.source_span(0..4), None);
    assert_eq!(t.source_span(2..4), Some(Span::new(G, 0, 2)));
    let mut back = SpannedText::new();
    back.push_copy(F, 10, "x");
    back.push_copy(F, 2, "y");
    assert_eq!(back.source_span(0..2), None);
}

#[test]
fn joined_values_have_no_span_across_the_seam() {
    // `set my_h = imap.example` then `set my_h += .org`: the two parts are lines apart.
    let mut t = SpannedText::copied(F, 10, "imap.example");
    let appended = SpannedText::copied(F, 40, ".org");
    t.push_joined(&appended);
    assert_eq!(t.source_span(0..16), None);
    assert_eq!(t.source_span(0..12), Some(Span::new(F, 10, 22)));
    // Inside one token a gap (a quote, a continuation) is part of the token.
    let mut token = SpannedText::copied(F, 0, "imaps://");
    token.push_copy(F, 10, "host");
    assert_eq!(token.source_span(0..12), Some(Span::new(F, 0, 14)));
}

#[test]
fn unknown_stretches_are_reported_and_never_empty() {
    let mut t = SpannedText::new();
    t.push_copy(F, 0, "imaps://");
    t.push_unknown("", UnknownKind::Command, Some(Span::new(F, 8, 14)));
    assert!(!t.is_known());
    assert!(t.is_known_in(0..8));
    assert_eq!(t.len(), 9);
    assert_eq!(t.unknown_in(8..9).map(|(k, _)| k.clone()), Some(UnknownKind::Command));
}

#[test]
fn insertion_points_follow_the_source() {
    let t = SpannedText::copied(F, 100, "host/x");
    assert_eq!(t.source_span(4..4), Some(Span::point(F, 104)));
    assert_eq!(t.source_span(6..6), Some(Span::point(F, 106)));
    let synth = SpannedText::synth("abc");
    assert_eq!(synth.source_span(1..1), None);
}

#[test]
fn a_first_push_takes_the_room_push_str_would_take() {
    // The room decides when later pushes reallocate: it must stay what `push_str` gives.
    for len in 0..40 {
        let text = "x".repeat(len);
        let mut expected = String::new();
        expected.push_str(&text);
        let mut synth = SpannedText::new();
        synth.push_synth(&text);
        let mut sliced = SpannedText::new();
        sliced.push_slice(&SpannedText::copied(FileId(0), 0, &text), 0..len);
        for pushed in [synth, sliced] {
            assert_eq!(pushed.as_str(), expected);
            assert_eq!(pushed.text.capacity(), expected.capacity(), "{len}");
        }
    }
}

#[test]
fn a_copy_with_room_has_the_same_pieces_and_room_for_two_more() {
    let mut folder = SpannedText::new();
    folder.push_synth("imaps");
    folder.push_copy(FileId(0), 10, "://");
    folder.push_copy(FileId(1), 3, "host");
    folder.push_synth("/");
    let copy = folder.copy_with_room(5);
    assert_eq!(copy, folder);
    let Pieces::Many(pieces) = &copy.pieces else { panic!("several pieces") };
    assert!(pieces.capacity() >= pieces.len() + 2, "{}", pieces.capacity());
}
