//! Byte ranges into decoded source text, and spans that also name their file.
//!
//! Every value in the account model carries a [`Span`], so a diagnostic can point at the text a
//! value came from and a fix can replace exactly that text. Offsets are byte offsets into the
//! *decoded* UTF-8 text of a [`SourceFile`](crate::SourceFile); the source file maps them back to
//! the original encoding when a fix is written.

use serde::Serialize;

/// Identifies a file inside one [`Sources`](crate::Sources) collection.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct FileId(pub u32);

/// A half-open byte range `start..end` into decoded text.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct TextRange {
    /// First byte of the range.
    pub start: u32,
    /// One past the last byte of the range.
    pub end: u32,
}

impl TextRange {
    /// A range from `start` to `end`. Panics in debug builds when `end < start`.
    pub fn new(start: usize, end: usize) -> Self {
        debug_assert!(start <= end, "inverted range {start}..{end}");
        Self { start: start as u32, end: end as u32 }
    }

    /// An empty range at `offset`: where an insertion would go.
    pub fn empty(offset: usize) -> Self {
        Self::new(offset, offset)
    }

    /// Length in bytes.
    pub fn len(&self) -> usize {
        (self.end - self.start) as usize
    }

    /// Whether the range covers no bytes (an insertion point).
    pub fn is_empty(&self) -> bool {
        self.start == self.end
    }

    /// The range as a `usize` range, for slicing.
    pub fn as_range(&self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }

    /// Whether two ranges share at least one byte, or are the same insertion point.
    pub fn overlaps(&self, other: &TextRange) -> bool {
        if self.is_empty() || other.is_empty() {
            // Two insertions at one point conflict (their order would be arbitrary); an
            // insertion strictly inside a replaced range conflicts too.
            return (self.start == other.start)
                || (self.start > other.start && self.start < other.end)
                || (other.start > self.start && other.start < self.end);
        }
        self.start < other.end && other.start < self.end
    }

    /// The smallest range covering both.
    pub fn cover(&self, other: &TextRange) -> TextRange {
        TextRange { start: self.start.min(other.start), end: self.end.max(other.end) }
    }
}

/// A range in a specific file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct Span {
    /// The file the range belongs to.
    pub file: FileId,
    /// The bytes of the decoded text.
    pub range: TextRange,
}

impl Span {
    /// A span over `start..end` of `file`.
    pub fn new(file: FileId, start: usize, end: usize) -> Self {
        Self { file, range: TextRange::new(start, end) }
    }

    /// An empty span (insertion point) at `offset` of `file`.
    pub fn point(file: FileId, offset: usize) -> Self {
        Self { file, range: TextRange::empty(offset) }
    }
}
