//! Text that remembers where each of its bytes came from.
//!
//! NeoMutt builds a value out of pieces: the bytes of a quoted token, an escape sequence, a
//! `$my_var` whose text was written on another line (or in another file), the home folder
//! substituted for `~`, the output of a command. A fix must edit the bytes a value came from,
//! so every value is a [`SpannedText`]: its decoded text plus, for each stretch of it, the
//! source bytes it was produced from. A stretch that comes from something maillint does not
//! run (a backtick command, an environment variable) is [`PieceSource::Unknown`]: the text
//! holds a placeholder and the value is not known.

use std::ops::Range;

use maillint_core::{FileId, Span};

/// Why part of a value is not known.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum UnknownKind {
    /// The output of a backtick command.
    Command,
    /// An environment variable (never read from the process that runs maillint).
    Environment(String),
    /// `~` or `$HOME` without a home folder in the parse options.
    Home,
    /// A `$my_` variable no file maillint read defines.
    Undefined(String),
    /// A default that depends on the machine or the user running NeoMutt.
    MachineDefault(String),
}

impl UnknownKind {
    /// Words for messages: "the output of a command", ...
    pub fn describe(&self) -> String {
        match self {
            UnknownKind::Command => "the output of a command".to_owned(),
            UnknownKind::Environment(name) => format!("the environment variable ${name}"),
            UnknownKind::Home => {
                "the home folder, which was not given to maillint (`--home DIR`, or \
                 `home = \".\"` in maillint.toml for a dotfiles repository, makes it followed)"
                    .to_owned()
            }
            UnknownKind::Undefined(name) => {
                format!("${name}, which no file maillint read defines")
            }
            UnknownKind::MachineDefault(what) => format!("a default taken from {what}"),
        }
    }
}

/// Where one stretch of a [`SpannedText`] came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PieceSource {
    /// The text is a byte-for-byte copy of `file` from `start`.
    Copy {
        /// File the bytes are in.
        file: FileId,
        /// Offset of the first byte.
        start: u32,
    },
    /// The text was produced from the source bytes `start..end` (an escape sequence, `~`,
    /// a normalised scheme or port).
    Mapped {
        /// File the bytes are in.
        file: FileId,
        /// First source byte.
        start: u32,
        /// One past the last source byte.
        end: u32,
    },
    /// Made up, not written anywhere (a built-in default, a `/` NeoMutt inserts).
    Synth,
    /// Not known; the text is a placeholder. `origin` is the expression that produced it.
    Unknown {
        /// Why it is not known.
        kind: UnknownKind,
        /// The `$VAR` or backtick expression, when it is in a file.
        origin: Option<Span>,
    },
}

/// A stretch of text and its source.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Piece {
    /// Length of the stretch in bytes of the text.
    pub len: u32,
    /// Where it came from.
    pub source: PieceSource,
    /// Whether the stretch was joined on from another value (a `$var`, a `+=`, the folder in
    /// front of `+INBOX`). Bytes between such a stretch and the one before it in the file are
    /// not part of the value, so no single span covers both.
    pub seam: bool,
}

/// Decoded text with the origin of every byte.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct SpannedText {
    text: String,
    pieces: Pieces,
    pending_seam: bool,
}

/// The pieces of a [`SpannedText`]. Most values (a word, a quoted string, a `yes`) are one
/// piece: that one is held inline, and only a second piece allocates a vector.
#[derive(Clone, Default)]
enum Pieces {
    #[default]
    Empty,
    One(Piece),
    Many(Vec<Piece>),
}

impl Pieces {
    fn with_capacity(pieces: usize) -> Pieces {
        if pieces > 1 { Pieces::Many(Vec::with_capacity(pieces)) } else { Pieces::Empty }
    }

    fn as_slice(&self) -> &[Piece] {
        match self {
            Pieces::Empty => &[],
            Pieces::One(piece) => std::slice::from_ref(piece),
            Pieces::Many(pieces) => pieces,
        }
    }

    fn iter(&self) -> std::slice::Iter<'_, Piece> {
        self.as_slice().iter()
    }

    fn last_mut(&mut self) -> Option<&mut Piece> {
        match self {
            Pieces::Empty => None,
            Pieces::One(piece) => Some(piece),
            Pieces::Many(pieces) => pieces.last_mut(),
        }
    }

    fn push(&mut self, piece: Piece) {
        match self {
            Pieces::Empty => *self = Pieces::One(piece),
            Pieces::Many(pieces) => pieces.push(piece),
            Pieces::One(_) => {
                let Pieces::One(first) = std::mem::take(self) else { unreachable!() };
                let mut pieces = Vec::with_capacity(4);
                pieces.extend([first, piece]);
                *self = Pieces::Many(pieces);
            }
        }
    }

    /// A copy with room for `extra` more pieces: a `+mailbox` pushes one or two pieces onto
    /// a copy of its folder's, and a copy without room (`clone`) grew at once, ~1,900
    /// reallocations (~0.5M instructions) of the 100-home bench.
    fn clone_with_room(&self, extra: usize) -> Pieces {
        match self {
            Pieces::Many(pieces) => {
                let mut copy = Vec::with_capacity(pieces.len() + extra);
                copy.extend_from_slice(pieces);
                Pieces::Many(copy)
            }
            _ => self.clone(),
        }
    }

    /// Removes every piece; a vector keeps its buffer (a line buffer reused for every line).
    fn clear(&mut self) {
        match self {
            Pieces::Many(pieces) => pieces.clear(),
            _ => *self = Pieces::Empty,
        }
    }
}

// Compared and printed as the list of pieces, however they are held.
impl PartialEq for Pieces {
    fn eq(&self, other: &Pieces) -> bool {
        self.as_slice() == other.as_slice()
    }
}

impl Eq for Pieces {}

impl std::fmt::Debug for Pieces {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.as_slice().fmt(f)
    }
}

impl SpannedText {
    /// Empty text.
    pub fn new() -> Self {
        Self::default()
    }

    /// Empty text with room for `bytes` bytes in `pieces` pieces (a value built in steps).
    pub fn with_capacity(bytes: usize, pieces: usize) -> Self {
        Self {
            text: String::with_capacity(bytes),
            pieces: Pieces::with_capacity(pieces),
            pending_seam: false,
        }
    }

    /// A copy of `file`'s text at `start..start + text.len()`.
    #[cfg(test)]
    pub fn copied(file: FileId, start: usize, text: &str) -> Self {
        let mut out = Self::new();
        out.push_copy(file, start, text);
        out
    }

    /// Made-up text (defaults).
    pub fn synth(text: &str) -> Self {
        let mut out = Self::new();
        out.push_synth(text);
        out
    }

    /// Empties the text and keeps its buffers (a line buffer reused for every line).
    pub fn clear(&mut self) {
        self.text.clear();
        self.pieces.clear();
        self.pending_seam = false;
    }

    /// Whether every byte is a copy of a file's bytes (a line read from a file; not a value
    /// built from escapes, expansions or defaults).
    pub fn is_copied(&self) -> bool {
        self.pieces.iter().all(|p| matches!(p.source, PieceSource::Copy { .. }) && !p.seam)
    }

    /// The decoded text.
    pub fn as_str(&self) -> &str {
        &self.text
    }

    /// Length in bytes.
    pub fn len(&self) -> usize {
        self.text.len()
    }

    /// Whether the text is empty.
    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }

    /// The pieces, in order.
    pub fn pieces(&self) -> &[Piece] {
        self.pieces.as_slice()
    }

    /// The next stretch pushed comes from another value (see [`Piece::seam`]).
    pub fn mark_seam(&mut self) {
        self.pending_seam = true;
    }

    /// Appends all of `other` as a stretch from another value, and starts a new stretch after.
    pub fn push_joined(&mut self, other: &SpannedText) {
        self.mark_seam();
        self.push_text(other);
        self.mark_seam();
    }

    /// Appends `text` to the text. The first push into a text without room allocates the
    /// room `push_str` would (at least 8 bytes) at once: `push_str`'s growth path cost ~45
    /// instructions more for each of the 15,000 first pushes of the 100-home bench.
    fn append(&mut self, text: &str) {
        if self.text.capacity() == 0 {
            self.text = String::with_capacity(text.len().max(8));
        }
        self.text.push_str(text);
    }

    fn push_piece(&mut self, text: &str, source: PieceSource) {
        if text.is_empty() {
            return;
        }
        if std::mem::take(&mut self.pending_seam) {
            self.pieces.push(Piece { len: text.len() as u32, source, seam: true });
            self.append(text);
            return;
        }
        // Merge a copy that continues the previous copy, so spans stay simple.
        if let (Some(last), PieceSource::Copy { file, start }) = (self.pieces.last_mut(), &source)
            && let PieceSource::Copy { file: last_file, start: last_start } = last.source
            && last_file == *file
            && last_start + last.len == *start
        {
            last.len += text.len() as u32;
            self.text.push_str(text);
            return;
        }
        if let (Some(last), PieceSource::Synth) = (self.pieces.last_mut(), &source)
            && last.source == PieceSource::Synth
        {
            last.len += text.len() as u32;
            self.text.push_str(text);
            return;
        }
        self.pieces.push(Piece { len: text.len() as u32, source, seam: false });
        self.append(text);
    }

    /// Replaces the text with bytes copied from `file` at `start`: [`SpannedText::clear`]
    /// then [`SpannedText::push_copy`], with the text held as one piece.
    pub fn set_copy(&mut self, file: FileId, start: usize, text: &str) {
        self.text.clear();
        self.text.push_str(text);
        self.pending_seam = false;
        self.pieces = if text.is_empty() {
            Pieces::Empty
        } else {
            let source = PieceSource::Copy { file, start: start as u32 };
            Pieces::One(Piece { len: text.len() as u32, source, seam: false })
        };
    }

    /// Appends bytes copied from `file` at `start`.
    pub fn push_copy(&mut self, file: FileId, start: usize, text: &str) {
        self.push_piece(text, PieceSource::Copy { file, start: start as u32 });
    }

    /// Appends text produced from `file`'s bytes `start..end`.
    pub fn push_mapped(&mut self, text: &str, file: FileId, start: usize, end: usize) {
        self.push_piece(text, PieceSource::Mapped { file, start: start as u32, end: end as u32 });
    }

    /// Appends text produced from the source of `from`'s `range` (or made up when that range
    /// has no single source).
    pub fn push_mapped_from(&mut self, text: &str, from: &SpannedText, range: Range<usize>) {
        match from.source_span(range.clone()) {
            Some(span) => self.push_mapped(
                text,
                span.file,
                span.range.start as usize,
                span.range.end as usize,
            ),
            None => match from.unknown_in(range) {
                Some((kind, origin)) => self.push_unknown(text, kind.clone(), origin),
                None => self.push_synth(text),
            },
        }
    }

    /// Appends made-up text.
    pub fn push_synth(&mut self, text: &str) {
        self.push_piece(text, PieceSource::Synth);
    }

    /// Appends an unknown stretch with placeholder `text`.
    pub fn push_unknown(&mut self, text: &str, kind: UnknownKind, origin: Option<Span>) {
        // An unknown stretch must not vanish, or the value would look known.
        let text = if text.is_empty() { "?" } else { text };
        self.push_piece(text, PieceSource::Unknown { kind, origin });
    }

    /// What pushing all of `self` onto an empty text gives ([`SpannedText::push_text`]), with
    /// room for `extra` more bytes: a copy of the text and its pieces. Pushed piece by piece
    /// a folder cost ~1,100 instructions for each `+mailbox` of the 100-home bench; a piece
    /// pushed again lands where it was (adjacent pieces that could merge were merged when
    /// they were first pushed, a seam is pushed again as a seam), and nothing is pending
    /// after.
    pub fn copy_with_room(&self, extra: usize) -> SpannedText {
        let mut text = String::with_capacity(self.text.len() + extra);
        text.push_str(&self.text);
        SpannedText { text, pieces: self.pieces.clone_with_room(2), pending_seam: false }
    }

    /// Appends all of `other`.
    pub fn push_text(&mut self, other: &SpannedText) {
        self.push_slice(other, 0..other.len());
    }

    /// Appends `other[range]`, keeping the origins.
    pub fn push_slice(&mut self, other: &SpannedText, range: Range<usize>) {
        // A token or word read from a line, a line's slice: the whole of an empty text taken
        // from one copied piece is that piece, moved (what the walk below does, without its
        // checks: ~30,000 times in the 100-home bench).
        if let (Pieces::Empty, Pieces::One(piece)) = (&self.pieces, &other.pieces)
            && let PieceSource::Copy { file, start } = piece.source
            && !self.pending_seam
            && !piece.seam
            && range.start < range.end
            && range.end <= other.len()
        {
            self.append(&other.text[range.clone()]);
            let source = PieceSource::Copy { file, start: start + range.start as u32 };
            self.pieces = Pieces::One(Piece { len: range.len() as u32, source, seam: false });
            return;
        }
        self.push_slice_walk(other, range);
    }

    /// [`SpannedText::push_slice`], piece by piece.
    fn push_slice_walk(&mut self, other: &SpannedText, range: Range<usize>) {
        let mut offset = 0usize;
        for piece in other.pieces.iter() {
            let piece_range = offset..offset + piece.len as usize;
            // Pieces come in order: none from here on overlaps the range (a slice of the host
            // of a canonical URL no longer walks its port and path).
            if piece_range.start >= range.end {
                break;
            }
            offset = piece_range.end;
            let start = piece_range.start.max(range.start);
            let end = piece_range.end.min(range.end);
            if start >= end {
                continue;
            }
            let text = &other.text[start..end];
            if piece.seam && start == piece_range.start {
                self.mark_seam();
            }
            match &piece.source {
                PieceSource::Copy { file, start: src } => {
                    self.push_copy(*file, *src as usize + (start - piece_range.start), text)
                }
                source => self.push_piece(text, source.clone()),
            }
        }
    }

    /// `self[range]` with its origins.
    pub fn slice(&self, range: Range<usize>) -> SpannedText {
        let mut out = SpannedText::new();
        out.push_slice(self, range);
        out
    }

    /// The pieces overlapping `range`, with the part of the range each covers.
    fn pieces_in(&self, range: Range<usize>) -> impl Iterator<Item = (&Piece, Range<usize>)> {
        let mut offset = 0usize;
        let with_ranges = self.pieces.iter().map_while(move |piece| {
            let piece_range = offset..offset + piece.len as usize;
            offset = piece_range.end;
            // Pieces come in order: one that starts past the range (past its start, for an
            // empty one) and every one after it are outside it.
            let past = piece_range.start > range.start && piece_range.start >= range.end;
            (!past).then_some((piece, piece_range))
        });
        with_ranges.filter_map(move |(piece, piece_range)| {
            let start = piece_range.start.max(range.start);
            let end = piece_range.end.min(range.end);
            (start < end || (range.is_empty() && piece_range.contains(&range.start)))
                .then(|| (piece, (start - piece_range.start)..(end - piece_range.start)))
        })
    }

    /// The source bytes `range` of the text was produced from: `Some` when every piece in the
    /// range comes from the same file, in order. An empty range maps to the insertion point
    /// before the byte at `range.start` (or after the last byte).
    #[inline]
    pub fn source_span(&self, range: Range<usize>) -> Option<Span> {
        // Most texts (a line read from a file, a token, a word) are one piece: its span is
        // arithmetic, without walking the pieces. Asked once per line, word and value (95,000
        // times in the 100-home bench): inlined, it no longer pays a call that saved and
        // restored six registers around a dozen instructions.
        if let Pieces::One(piece) = &self.pieces
            && !range.is_empty()
        {
            return one_piece_span(piece, range);
        }
        self.source_span_walk(range)
    }

    /// [`SpannedText::source_span`] of an empty range or of a text of several pieces.
    fn source_span_walk(&self, range: Range<usize>) -> Option<Span> {
        if range.is_empty() {
            return self.insertion_point(range.start);
        }
        self.pieces_span(range)
    }

    /// [`SpannedText::source_span`] of a non-empty range, piece by piece.
    fn pieces_span(&self, range: Range<usize>) -> Option<Span> {
        let mut result: Option<(FileId, u32, u32)> = None;
        for (piece, within) in self.pieces_in(range) {
            let (file, start, end) = match piece.source {
                PieceSource::Copy { file, start } => {
                    (file, start + within.start as u32, start + within.end as u32)
                }
                PieceSource::Mapped { file, start, end } => (file, start, end),
                PieceSource::Synth | PieceSource::Unknown { .. } => return None,
            };
            result = match result {
                None => Some((file, start, end)),
                Some((f, s, e)) if f == file && start == e => Some((f, s, end)),
                // A gap inside one token (quotes, a continuation) belongs to the token.
                Some((f, s, e)) if f == file && start > e && !piece.seam => Some((f, s, end)),
                // The same escape or expansion seen twice (a slice inside one mapped piece).
                Some((f, s, e)) if f == file && start == s && end == e => Some((f, s, e)),
                Some(_) => return None,
            };
        }
        result.map(|(file, start, end)| Span::new(file, start as usize, end as usize))
    }

    /// Where text inserted at byte `at` of the value would go in the source: right after the
    /// source of the byte before it, or right before the source of the byte at it.
    fn insertion_point(&self, at: usize) -> Option<Span> {
        let mut offset = 0usize;
        let mut previous_end: Option<(FileId, u32)> = None;
        for piece in self.pieces.iter() {
            let piece_range = offset..offset + piece.len as usize;
            offset = piece_range.end;
            if at == piece_range.start
                && let Some((file, end)) = previous_end
            {
                return Some(Span::point(file, end as usize));
            }
            let (file, start, end) = match piece.source {
                PieceSource::Copy { file, start } => (file, start, start + piece.len),
                PieceSource::Mapped { file, start, end } => (file, start, end),
                _ => {
                    if piece_range.end >= at {
                        return None;
                    }
                    previous_end = None;
                    continue;
                }
            };
            if at == piece_range.start {
                return Some(Span::point(file, start as usize));
            }
            if at < piece_range.end {
                return match piece.source {
                    PieceSource::Copy { .. } => {
                        Some(Span::point(file, start as usize + (at - piece_range.start)))
                    }
                    _ => None,
                };
            }
            previous_end = Some((file, end));
        }
        if at == offset {
            return previous_end.map(|(file, end)| Span::point(file, end as usize));
        }
        None
    }

    /// The first unknown stretch overlapping `range`, if any.
    pub fn unknown_in(&self, range: Range<usize>) -> Option<(&UnknownKind, Option<Span>)> {
        self.pieces_in(range).find_map(|(piece, _)| match &piece.source {
            PieceSource::Unknown { kind, origin } => Some((kind, *origin)),
            _ => None,
        })
    }

    /// The first unknown stretch anywhere.
    pub fn first_unknown(&self) -> Option<(&UnknownKind, Option<Span>)> {
        self.unknown_in(0..self.len())
    }

    /// Whether every byte is known.
    pub fn is_known(&self) -> bool {
        self.first_unknown().is_none()
    }

    /// Whether every byte of `range` is known.
    pub fn is_known_in(&self, range: Range<usize>) -> bool {
        self.unknown_in(range).is_none()
    }

    /// A span that covers as much of the text's source as possible: the whole text when it
    /// maps to one place, otherwise the first piece that has a place.
    pub fn best_span(&self) -> Option<Span> {
        if let Some(span) = self.source_span(0..self.len()) {
            return Some(span);
        }
        let mut offset = 0usize;
        for piece in self.pieces.iter() {
            let range = offset..offset + piece.len as usize;
            offset = range.end;
            match &piece.source {
                PieceSource::Copy { .. } | PieceSource::Mapped { .. } => {
                    return self.source_span(range);
                }
                PieceSource::Unknown { origin: Some(span), .. } => return Some(*span),
                _ => {}
            }
        }
        None
    }
}

/// The source span of the non-empty `range` of a text that is this one piece: what
/// [`SpannedText::pieces_span`] finds for it (a range past the end is cut at the end).
#[inline]
fn one_piece_span(piece: &Piece, range: Range<usize>) -> Option<Span> {
    let end = range.end.min(piece.len as usize);
    if range.start >= end {
        return None;
    }
    match piece.source {
        PieceSource::Copy { file, start } => {
            let start = start as usize;
            Some(Span::new(file, start + range.start, start + end))
        }
        PieceSource::Mapped { file, start, end } => {
            Some(Span::new(file, start as usize, end as usize))
        }
        PieceSource::Synth | PieceSource::Unknown { .. } => None,
    }
}

#[cfg(test)]
mod tests;
