//! Source files: raw bytes, the detected encoding, decoded text and a line index.
//!
//! Parsers read the decoded UTF-8 [`SourceFile::text`]; spans are byte offsets into it. The file
//! remembers how it was encoded (BOM, UTF-16LE, a legacy single-byte code page) so that the fix
//! engine can write an edited text back in exactly the same form, and so that line and column
//! numbers are those a person sees in an editor, even for a UTF-16LE `.reg` export.

use std::io;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::Serialize;

use crate::confine::Owner;
use crate::read::{self, FileIdentity, ReadBudget, ReadError, ReadLimits};
use crate::span::{FileId, Span, TextRange};

/// How the bytes of a file were turned into text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Encoding {
    /// UTF-8 (plain ASCII included).
    Utf8,
    /// UTF-16, little endian (Windows `.reg` exports and some PRF files).
    Utf16Le,
    /// UTF-16, big endian.
    Utf16Be,
    /// Windows-1252, the "ANSI" code page of western Windows, used when the bytes are not UTF-8.
    Windows1252,
}

/// The line terminator a file mostly uses, so that inserted lines match it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum LineEnding {
    /// `\n`
    Lf,
    /// `\r\n`
    CrLf,
    /// A lone `\r` (classic Mac OS).
    Cr,
}

impl LineEnding {
    /// The terminator itself.
    pub fn as_str(self) -> &'static str {
        match self {
            LineEnding::Lf => "\n",
            LineEnding::CrLf => "\r\n",
            LineEnding::Cr => "\r",
        }
    }
}

/// A 1-based line and column. The column counts Unicode scalar values, as editors do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct LineCol {
    /// 1-based line number.
    pub line: u32,
    /// 1-based column, in characters.
    pub column: u32,
}

/// One file, decoded.
#[derive(Debug)]
pub struct SourceFile {
    path: PathBuf,
    encoding: Encoding,
    bom: bool,
    lossless: bool,
    line_ending: LineEnding,
    /// Not on disk yet: a file a fix would create (see [`SourceFile::to_create`]).
    new_file: bool,
    /// What `fstat` of the read handle said, for a file read from disk.
    identity: Option<FileIdentity>,
    /// Where the file read really is ([`read::real_path`]), where a fix is written.
    real_path: Option<PathBuf>,
    text: String,
    line_starts: Vec<u32>,
}

impl SourceFile {
    /// Decodes `bytes` read from `path`.
    ///
    /// Decoding never fails: bytes that do not fit the detected encoding are replaced, and the file
    /// is marked as not [`lossless`](Self::is_lossless) so that no fix is ever written to it.
    pub fn from_bytes(path: impl Into<PathBuf>, bytes: &[u8]) -> Self {
        let (encoding, bom, text, lossless) = decode(bytes);
        Self::build(path.into(), encoding, bom, lossless, text, LineEnding::Lf)
    }

    /// [`from_bytes`](Self::from_bytes) of bytes the caller gives up: UTF-8 text (nearly every
    /// file) becomes the text without a copy.
    pub fn from_vec(path: impl Into<PathBuf>, bytes: Vec<u8>) -> Self {
        let (encoding, bom, text, lossless) = decode_owned(bytes);
        Self::build(path.into(), encoding, bom, lossless, text, LineEnding::Lf)
    }

    /// A UTF-8 file from text (tests, stdin, plugins).
    pub fn from_text(path: impl Into<PathBuf>, text: impl Into<String>) -> Self {
        Self::build(path.into(), Encoding::Utf8, false, true, text.into(), LineEnding::Lf)
    }

    /// An empty UTF-8 file that does not exist yet, which a fix may create (a Thunderbird
    /// `user.js` that takes a change while `prefs.js` cannot be edited). Lines inserted into
    /// it end the way `like`'s lines do, so a Windows profile gets CRLF in both files.
    pub fn to_create(path: impl Into<PathBuf>, like: &SourceFile) -> Self {
        let mut file =
            Self::build(path.into(), Encoding::Utf8, false, true, String::new(), like.line_ending);
        file.new_file = true;
        file
    }

    /// The same file with new text: path, encoding, BOM and line-ending style are kept. Used
    /// by the fix engine to re-parse edited text before anything is written.
    pub fn with_text(&self, text: String) -> Self {
        let mut file = Self::build(
            self.path.clone(),
            self.encoding,
            self.bom,
            self.lossless,
            text,
            self.line_ending,
        );
        file.new_file = self.new_file;
        file.identity = self.identity;
        file.real_path = self.real_path.clone();
        file
    }

    /// Reads and decodes the file at `path` the safe way ([`read::open_regular`]): a regular
    /// file of at most [`read::DEFAULT_MAX_FILE_BYTES`], with its identity and real path.
    pub fn read(path: &Path) -> io::Result<Self> {
        let (handle, identity) = read::open_regular(path)?;
        let real_path = read::real_path(&handle, path).ok();
        let bytes = read::read_capped(handle, &identity, read::DEFAULT_MAX_FILE_BYTES)?;
        Ok(Self::from_vec(path, bytes).with_identity(identity).with_real_path(real_path))
    }

    /// The same file, remembering where it really is (symbolic links resolved when it was
    /// read; see [`read::real_path`]).
    pub fn with_real_path(mut self, real_path: Option<PathBuf>) -> Self {
        self.real_path = real_path;
        self
    }

    /// Where the file that was read really is, when it was read from disk: the fix stage
    /// writes beside this path, never beside a path looked up again.
    pub fn real_path(&self) -> Option<&Path> {
        self.real_path.as_deref()
    }

    /// The same file, remembering the identity of the handle its bytes were read from.
    pub fn with_identity(mut self, identity: FileIdentity) -> Self {
        self.identity = Some(identity);
        self
    }

    /// What `fstat` of the handle it was read from said (device, inode, size, time, owner,
    /// mode, links); `None` for text that did not come from disk.
    pub fn identity(&self) -> Option<&FileIdentity> {
        self.identity.as_ref()
    }

    /// `no_breaks` is the line ending of a text without any line break.
    fn build(
        path: PathBuf,
        encoding: Encoding,
        bom: bool,
        lossless: bool,
        text: String,
        no_breaks: LineEnding,
    ) -> Self {
        let (line_starts, line_ending) = line_index(&text);
        let line_ending = line_ending.unwrap_or(no_breaks);
        Self {
            path,
            encoding,
            bom,
            lossless,
            line_ending,
            new_file: false,
            identity: None,
            real_path: None,
            text,
            line_starts,
        }
    }

    /// Whether the file is not on disk yet: made by [`to_create`](Self::to_create) for a fix
    /// that would create it. Outputs that list files skip it; writing it creates the file.
    pub fn is_new(&self) -> bool {
        self.new_file
    }

    /// The path as it was given (not canonicalised), used in every output.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The decoded text, without any byte-order mark.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The detected encoding.
    pub fn encoding(&self) -> Encoding {
        self.encoding
    }

    /// Whether the file started with a byte-order mark (not part of [`text`](Self::text)).
    pub fn has_bom(&self) -> bool {
        self.bom
    }

    /// Whether re-encoding the text gives back the original bytes exactly. Fixes are only
    /// written to lossless files.
    pub fn is_lossless(&self) -> bool {
        self.lossless
    }

    /// The line terminator most lines use.
    pub fn line_ending(&self) -> LineEnding {
        self.line_ending
    }

    /// The text in `range`.
    pub fn slice(&self, range: TextRange) -> &str {
        &self.text[range.as_range()]
    }

    /// Number of lines (a final line without terminator counts; an empty file has one line).
    pub fn line_count(&self) -> usize {
        self.line_starts.len()
    }

    /// Byte offset where 1-based `line` starts.
    pub fn line_start(&self, line: u32) -> usize {
        self.line_starts[(line as usize - 1).min(self.line_starts.len() - 1)] as usize
    }

    /// The range of 1-based `line`, without its terminator.
    pub fn line_range(&self, line: u32) -> TextRange {
        let start = self.line_start(line);
        let mut end = if (line as usize) < self.line_starts.len() {
            self.line_starts[line as usize] as usize
        } else {
            self.text.len()
        };
        let bytes = self.text.as_bytes();
        if end > start && bytes[end - 1] == b'\n' {
            end -= 1;
        }
        if end > start && bytes[end - 1] == b'\r' {
            end -= 1;
        }
        TextRange::new(start, end)
    }

    /// Line and column of a byte offset. Offsets past the end map to the end.
    pub fn line_col(&self, offset: usize) -> LineCol {
        let offset = offset.min(self.text.len());
        let line_index = match self.line_starts.binary_search(&(offset as u32)) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let start = self.line_starts[line_index] as usize;
        let column = self.text[start..floor_char_boundary(&self.text, offset)].chars().count() + 1;
        LineCol { line: line_index as u32 + 1, column: column as u32 }
    }

    /// Encodes `text` the way this file is encoded (same encoding, same BOM). Returns `None`
    /// when the text holds a character the encoding cannot represent.
    pub fn encode(&self, text: &str) -> Option<Vec<u8>> {
        encode(self.encoding, self.bom, text)
    }
}

/// 1-based line and column (in characters) of a byte offset into `text`, for text that has no
/// [`SourceFile`] (a configuration or provider file's TOML error). Offsets past the end, or
/// inside a character, count up to the character boundary before them. The workspace's one
/// such function: `maillint.toml`, provider files and rule packs all locate errors with it.
pub fn line_column(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..floor_char_boundary(text, offset.min(text.len()))];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().unwrap_or("").chars().count() + 1;
    (line, column)
}

fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// Line starts (after `\n`, after `\r\n`, and after a lone `\r`: Mozilla's prefs parser and
/// most editors count each form as one line break) and the line ending most breaks use
/// (`None` when there is none), in one pass that visits only the line breaks.
fn line_index(text: &str) -> (Vec<u32>, Option<LineEnding>) {
    let bytes = text.as_bytes();
    let mut starts = Vec::with_capacity(bytes.len() / 32 + 1);
    starts.push(0);
    let (mut lf, mut crlf, mut cr) = (0usize, 0usize, 0usize);
    // The `\n` of a `\r\n`, which the `\r` has counted.
    let mut crlf_lf = None;
    for i in memchr::memchr2_iter(b'\n', b'\r', bytes) {
        if bytes[i] == b'\r' && bytes.get(i + 1) == Some(&b'\n') {
            crlf += 1;
            crlf_lf = Some(i + 1);
            starts.push(i as u32 + 2);
        } else if bytes[i] == b'\r' {
            cr += 1;
            starts.push(i as u32 + 1);
        } else if crlf_lf != Some(i) {
            lf += 1;
            starts.push(i as u32 + 1);
        }
    }
    let ending = if lf + crlf + cr == 0 {
        None
    } else if crlf > 0 && crlf >= lf && crlf >= cr {
        Some(LineEnding::CrLf)
    } else if cr > lf {
        Some(LineEnding::Cr)
    } else {
        Some(LineEnding::Lf)
    };
    (starts, ending)
}

/// [`decode`] of owned bytes: UTF-8 without a byte-order mark is taken as it is.
fn decode_owned(bytes: Vec<u8>) -> (Encoding, bool, String, bool) {
    let plain_utf8 = !bytes.starts_with(&[0xEF, 0xBB, 0xBF])
        && !bytes.starts_with(&[0xFF, 0xFE])
        && !bytes.starts_with(&[0xFE, 0xFF])
        && !looks_like_utf16le_without_bom(&bytes);
    if plain_utf8 {
        match String::from_utf8(bytes) {
            Ok(text) => return (Encoding::Utf8, false, text, true),
            Err(error) => return decode(error.as_bytes()),
        }
    }
    decode(&bytes)
}

fn decode(bytes: &[u8]) -> (Encoding, bool, String, bool) {
    if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        return match std::str::from_utf8(rest) {
            Ok(text) => (Encoding::Utf8, true, text.to_owned(), true),
            Err(_) => (Encoding::Utf8, true, String::from_utf8_lossy(rest).into_owned(), false),
        };
    }
    if let Some(rest) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        let (text, lossless) = decode_utf16(rest, u16::from_le_bytes);
        return (Encoding::Utf16Le, true, text, lossless);
    }
    if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        let (text, lossless) = decode_utf16(rest, u16::from_be_bytes);
        return (Encoding::Utf16Be, true, text, lossless);
    }
    if looks_like_utf16le_without_bom(bytes) {
        let (text, lossless) = decode_utf16(bytes, u16::from_le_bytes);
        return (Encoding::Utf16Le, false, text, lossless);
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => (Encoding::Utf8, false, text.to_owned(), true),
        Err(_) => {
            let (text, _, had_errors) = encoding_rs::WINDOWS_1252.decode(bytes);
            let text = text.into_owned();
            // Windows-1252 as WHATWG defines it maps every byte, but check the round trip rather
            // than rely on that: a fix must reproduce every untouched byte.
            let lossless = !had_errors
                && encode(Encoding::Windows1252, false, &text).as_deref() == Some(bytes);
            (Encoding::Windows1252, false, text, lossless)
        }
    }
}

/// UTF-16LE text without a BOM has a NUL in every odd byte while the text is ASCII.
fn looks_like_utf16le_without_bom(bytes: &[u8]) -> bool {
    let sample = &bytes[..bytes.len().min(64)];
    sample.len() >= 8
        && sample.len().is_multiple_of(2)
        && sample.chunks(2).all(|pair| pair[1] == 0 && pair[0] != 0)
}

/// UTF-16 as `char::decode_utf16` reads it (an unpaired surrogate becomes U+FFFD and makes
/// the decoding lossy), with runs of ASCII (nearly all of a registry export) copied in blocks
/// instead of decoded a unit at a time: eight units at once where all eight are ASCII, one
/// word test each (a unit-by-unit iterator cost about 6 instructions a byte, 5 M of a scan of
/// 100 bench homes with 22 exports).
fn decode_utf16(bytes: &[u8], unit: fn([u8; 2]) -> u16) -> (String, bool) {
    let lossless = bytes.len().is_multiple_of(2);
    let whole = &bytes[..bytes.len() - bytes.len() % 2];
    // The byte of a unit that holds its low half, and the bits of 16 bytes (eight units, as a
    // little-endian word) that are zero exactly when all eight units are ASCII.
    let low = usize::from(unit([0, 1]) == 1);
    let pair: [u8; 2] = if low == 0 { [0x80, 0xFF] } else { [0xFF, 0x80] };
    let not_ascii = u128::from_le_bytes(std::array::from_fn(|i| pair[i % 2]));
    let mut decoder = Utf16 { whole, at: 0, unit, lossless };
    let mut text = String::with_capacity(whole.len() / 2);
    let mut ascii = [0u8; 64];
    loop {
        let mut run = 0;
        while run + 8 <= ascii.len()
            && let Some(block) = whole.get(decoder.at..decoder.at + 16)
            && let Ok(block) = <[u8; 16]>::try_from(block)
            && u128::from_le_bytes(block) & not_ascii == 0
        {
            for (i, byte) in ascii[run..run + 8].iter_mut().enumerate() {
                *byte = block[2 * i + low];
            }
            run += 8;
            decoder.at += 16;
        }
        while run < ascii.len()
            && let Some(ascii_unit) = decoder.next_if_ascii()
        {
            ascii[run] = ascii_unit;
            run += 1;
        }
        if run > 0 {
            text.push_str(std::str::from_utf8(&ascii[..run]).unwrap_or_default());
            continue;
        }
        let Some(decoded) = decoder.next_char() else { break };
        text.push(decoded);
    }
    (text, decoder.lossless)
}

/// The units of UTF-16 text not yet decoded.
struct Utf16<'a> {
    whole: &'a [u8],
    at: usize,
    unit: fn([u8; 2]) -> u16,
    lossless: bool,
}

impl Utf16<'_> {
    fn peek(&self) -> Option<u16> {
        let pair = self.whole.get(self.at..self.at + 2)?;
        Some((self.unit)([pair[0], pair[1]]))
    }

    /// The next unit when it is ASCII, taken.
    fn next_if_ascii(&mut self) -> Option<u8> {
        let unit = self.peek().filter(|&u| u < 0x80)?;
        self.at += 2;
        Some(unit as u8)
    }

    /// The next character (a surrogate pair is one; an unpaired surrogate is U+FFFD).
    fn next_char(&mut self) -> Option<char> {
        let first = self.peek()?;
        self.at += 2;
        let decoded = match first {
            0xD800..=0xDBFF => match self.peek().filter(|u| (0xDC00..=0xDFFF).contains(u)) {
                Some(low) => {
                    self.at += 2;
                    char::from_u32(
                        0x10000 + ((u32::from(first) - 0xD800) << 10) + (u32::from(low) - 0xDC00),
                    )
                }
                None => None,
            },
            _ => char::from_u32(u32::from(first)),
        };
        Some(decoded.unwrap_or_else(|| {
            self.lossless = false;
            char::REPLACEMENT_CHARACTER
        }))
    }
}

fn encode(encoding: Encoding, bom: bool, text: &str) -> Option<Vec<u8>> {
    let mut out = Vec::with_capacity(text.len() + 3);
    match encoding {
        Encoding::Utf8 => {
            if bom {
                out.extend_from_slice(&[0xEF, 0xBB, 0xBF]);
            }
            out.extend_from_slice(text.as_bytes());
        }
        Encoding::Utf16Le | Encoding::Utf16Be => {
            let little = encoding == Encoding::Utf16Le;
            if bom {
                out.extend_from_slice(if little { &[0xFF, 0xFE] } else { &[0xFE, 0xFF] });
            }
            for unit in text.encode_utf16() {
                out.extend_from_slice(&if little {
                    unit.to_le_bytes()
                } else {
                    unit.to_be_bytes()
                });
            }
        }
        Encoding::Windows1252 => {
            let (bytes, _, unmappable) = encoding_rs::WINDOWS_1252.encode(text);
            if unmappable {
                return None;
            }
            out.extend_from_slice(&bytes);
        }
    }
    Some(out)
}

/// How the files of one unit may be read: the limits, and whose rights bound the reading.
#[derive(Clone, Debug, Default)]
pub struct ReadPolicy {
    /// Size and count limits.
    pub limits: ReadLimits,
    /// The configuration's owner, when maillint reads on someone else's behalf: every file read
    /// must be theirs or root's ([`Owner::admits`]).
    pub owner: Option<Owner>,
    /// What the units of a group read together (`scan`: a home's), when they share a limit.
    pub budget: Option<Arc<ReadBudget>>,
    /// Nothing read is ever fixed (`scan` only lints): the real path a fix would be written
    /// to ([`read::real_path`]) is not resolved, which saves a `/proc/self/fd` lookup per file.
    pub lint_only: bool,
}

/// The files read while linting one unit (a profile, a muttrc and what it sources, ...).
///
/// Parsers add the files they read; spans refer to them by [`FileId`]. Every file read from
/// disk goes through [`Sources::load`]: it is read once however many paths lead to it, and
/// within the [`ReadPolicy`].
#[derive(Debug, Default, Clone)]
pub struct Sources {
    files: Vec<Arc<SourceFile>>,
    /// Shared: every report keeps its `Sources`, and reports are moved around whole.
    policy: Arc<ReadPolicy>,
    /// Bytes read from disk for this unit so far.
    bytes_read: u64,
}

impl Sources {
    /// An empty collection with the default limits and no owner.
    pub fn new() -> Self {
        Self::default()
    }

    /// An empty collection whose reads follow `policy`.
    pub fn with_policy(policy: ReadPolicy) -> Self {
        Self { policy: Arc::new(policy), ..Self::default() }
    }

    /// The policy reads follow.
    pub fn policy(&self) -> &ReadPolicy {
        &self.policy
    }

    /// Adds a decoded file and returns its id.
    pub fn add(&mut self, file: SourceFile) -> FileId {
        self.files.push(Arc::new(file));
        FileId(self.files.len() as u32 - 1)
    }

    /// Reads `path` and adds it. A file already present, by path or by identity (another
    /// symlink or hard link to it), is not read again: its id is returned.
    ///
    /// The read is the safe one ([`read::open_regular`]), the file must be admitted by the
    /// policy's owner, and the limits on one file, on the bytes and on the number of files of
    /// the unit hold; an error says which did not, and carries none of the file's content.
    pub fn load(&mut self, path: &Path) -> io::Result<FileId> {
        if let Some(id) = self.find(path) {
            return Ok(id);
        }
        self.load_new(path).map_err(io::Error::from)
    }

    fn load_new(&mut self, path: &Path) -> Result<FileId, ReadError> {
        let (handle, identity) = read::open_regular(path)?;
        if let Some(owner) = &self.policy.owner {
            owner.admits(&identity)?;
        }
        if let Some(i) =
            self.files.iter().position(|f| f.identity().is_some_and(|x| x.same_file(&identity)))
        {
            return Ok(FileId(i as u32));
        }
        let limits = self.policy.limits;
        if self.files.len() >= limits.max_unit_files {
            return Err(ReadError::UnitFiles { limit: limits.max_unit_files });
        }
        let unit_left = limits.max_unit_bytes.saturating_sub(self.bytes_read);
        let budget = self.policy.budget.as_deref();
        let shared_left = budget.map(ReadBudget::open_file).transpose()?.unwrap_or(u64::MAX);
        let real_path =
            if self.policy.lint_only { None } else { read::real_path(&handle, path).ok() };
        let cap = limits.max_file_bytes.min(unit_left).min(shared_left);
        let bytes = match read::read_capped(handle, &identity, cap) {
            // The tightest limit is the one to name.
            Err(ReadError::TooLarge { .. }) if cap < limits.max_file_bytes => {
                return Err(match budget {
                    Some(budget) if shared_left < unit_left => budget.refuse_bytes(),
                    _ => ReadError::UnitBytes { limit: limits.max_unit_bytes },
                });
            }
            result => result?,
        };
        if let Some(budget) = budget {
            budget.spend(bytes.len() as u64);
        }
        self.bytes_read += bytes.len() as u64;
        let file = SourceFile::from_vec(path, bytes).with_identity(identity);
        Ok(self.add(file.with_real_path(real_path)))
    }

    /// Counts bytes read from disk outside [`load`](Self::load) (a root file that discovery
    /// read), so that the unit's limit covers them.
    pub fn count_read(&mut self, bytes: u64) {
        self.bytes_read += bytes;
    }

    /// The id of a file already present, by the path it was added with.
    pub fn find(&self, path: &Path) -> Option<FileId> {
        self.files.iter().position(|f| f.path() == path).map(|i| FileId(i as u32))
    }

    /// The file with this id.
    pub fn get(&self, id: FileId) -> &Arc<SourceFile> {
        &self.files[id.0 as usize]
    }

    /// The text a span covers.
    pub fn slice(&self, span: Span) -> &str {
        self.get(span.file).slice(span.range)
    }

    /// Line and column where a span starts.
    pub fn start(&self, span: Span) -> LineCol {
        self.get(span.file).line_col(span.range.start as usize)
    }

    /// Line and column where a span ends (exclusive).
    pub fn end(&self, span: Span) -> LineCol {
        self.get(span.file).line_col(span.range.end as usize)
    }

    /// All files, in the order they were added.
    pub fn iter(&self) -> impl Iterator<Item = (FileId, &Arc<SourceFile>)> {
        self.files.iter().enumerate().map(|(i, f)| (FileId(i as u32), f))
    }

    /// Number of files.
    pub fn len(&self) -> usize {
        self.files.len()
    }

    /// Whether no file was added.
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The definition `decode_utf16` speeds up.
    fn decode_utf16_by_chars(bytes: &[u8], unit: fn([u8; 2]) -> u16) -> (String, bool) {
        let mut lossless = bytes.len().is_multiple_of(2);
        let units = bytes.chunks_exact(2).map(|pair| unit([pair[0], pair[1]]));
        let text = char::decode_utf16(units)
            .map(|c| {
                c.unwrap_or_else(|_| {
                    lossless = false;
                    char::REPLACEMENT_CHARACTER
                })
            })
            .collect();
        (text, lossless)
    }

    #[cfg(unix)]
    #[test]
    fn a_loaded_file_knows_its_real_path_unless_nothing_read_is_ever_fixed() {
        let dir = tempfile::tempdir().unwrap();
        let real = dir.path().join("accounts.muttrc");
        std::fs::write(&real, "set imap_user = me\n").unwrap();
        let link = dir.path().join("link.muttrc");
        std::os::unix::fs::symlink(&real, &link).unwrap();
        let load = |lint_only: bool| {
            let mut sources =
                Sources::with_policy(ReadPolicy { lint_only, ..ReadPolicy::default() });
            let id = sources.load(&link).unwrap();
            sources.get(id).real_path().map(Path::to_path_buf)
        };
        // A fix is written at the file that was read, not over the link.
        assert_eq!(load(false), Some(std::fs::canonicalize(&real).unwrap()));
        assert_eq!(load(true), None);
    }

    #[test]
    fn utf16_decodes_as_char_decode_utf16_does() {
        let units: [u16; 9] = [0x41, 0x7F, 0x80, 0xE9, 0xD83D, 0xDE00, 0xDC00, 0xFFFF, 0x0A];
        // Mostly ASCII, so that runs of eight and more (decoded a block at a time) are met
        // and broken at every place.
        let ascii_heavy: [u16; 9] = [0x41, 0x7F, 0x0A, 0x20, 0x00, 0x61, 0x7A, 0xE9, 0xD83D];
        let mut state = 0x9E37_79B9_7F4A_7C15_u64;
        type ByteOrder = (fn(u16) -> [u8; 2], fn([u8; 2]) -> u16);
        let orders: [ByteOrder; 2] =
            [(u16::to_le_bytes, u16::from_le_bytes), (u16::to_be_bytes, u16::from_be_bytes)];
        for round in 0..20_000 {
            let mix = if round % 2 == 0 { &units } else { &ascii_heavy };
            let mut chosen = Vec::new();
            for _ in 0..(round % 150) {
                crate::testing::xorshift(&mut state);
                chosen.push(mix[(state % 9) as usize]);
            }
            // Each text in both byte orders, read in both (the other order is mostly not ASCII).
            for (encode, _) in orders {
                let mut bytes: Vec<u8> = chosen.iter().flat_map(|&u| encode(u)).collect();
                if round % 7 == 0 {
                    bytes.push(0x41); // an odd byte left over
                }
                for (_, unit) in orders {
                    assert_eq!(
                        decode_utf16(&bytes, unit),
                        decode_utf16_by_chars(&bytes, unit),
                        "{bytes:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn line_column_counts_characters_and_stops_at_boundaries() {
        let text = "é = 1\nxé";
        assert_eq!(line_column(text, 0), (1, 1));
        assert_eq!(line_column(text, 8), (2, 2), "after the x of the second line");
        assert_eq!(line_column(text, 1), (1, 1), "inside é: the boundary before it");
        assert_eq!(line_column(text, 99), (2, 3), "past the end: the end");
    }

    #[test]
    fn utf16le_with_bom_round_trips_and_counts_columns_in_characters() {
        let text =
            "Windows Registry Editor Version 5.00\r\n\r\n[HKEY_CURRENT_USER\\x]\r\n\"a\"=\"é\"\r\n";
        let mut bytes = vec![0xFF, 0xFE];
        for u in text.encode_utf16() {
            bytes.extend_from_slice(&u.to_le_bytes());
        }
        let file = SourceFile::from_bytes("x.reg", &bytes);
        assert_eq!(file.encoding(), Encoding::Utf16Le);
        assert!(file.has_bom() && file.is_lossless());
        assert_eq!(file.text(), text);
        assert_eq!(file.line_ending(), LineEnding::CrLf);
        let offset = text.find('é').unwrap();
        assert_eq!(file.line_col(offset), LineCol { line: 4, column: 6 });
        assert_eq!(file.encode(file.text()).unwrap(), bytes);
    }

    #[test]
    fn a_file_to_create_is_empty_utf8_and_takes_its_line_endings_from_its_sibling() {
        let prefs = SourceFile::from_text("p/prefs.js", "user_pref(\"a\", 1);\r\n");
        let user = SourceFile::to_create("p/user.js", &prefs);
        assert!(user.is_new() && !prefs.is_new());
        assert_eq!((user.text(), user.encoding(), user.has_bom()), ("", Encoding::Utf8, false));
        assert_eq!(user.line_ending(), LineEnding::CrLf);
        let edited = user.with_text("user_pref(\"b\", 2);".to_owned());
        assert!(edited.is_new(), "still not on disk after an edit in memory");
        assert_eq!(edited.line_ending(), LineEnding::CrLf, "no break yet: the hint stays");
        let lf = user.with_text("x\ny\n".to_owned());
        assert_eq!(lf.line_ending(), LineEnding::Lf, "the text's own breaks win");
        let lone = SourceFile::from_text("a", "no break");
        assert_eq!(lone.line_ending(), LineEnding::Lf);
    }

    #[test]
    fn utf8_bom_is_remembered_and_not_part_of_the_text() {
        let file = SourceFile::from_bytes("a", b"\xEF\xBB\xBFuser_pref(\"a\", 1);\n");
        assert!(file.has_bom());
        assert!(file.text().starts_with("user_pref"));
        assert_eq!(file.encode(file.text()).unwrap(), b"\xEF\xBB\xBFuser_pref(\"a\", 1);\n");
    }

    #[test]
    fn invalid_utf8_falls_back_to_windows_1252_losslessly() {
        let bytes = b"Server=mail.example.com\r\nName=M\xfcller \x81\x8d\r\n";
        let file = SourceFile::from_bytes("a.prf", bytes);
        assert_eq!(file.encoding(), Encoding::Windows1252);
        assert!(file.is_lossless());
        assert!(file.text().contains("Müller"));
        assert_eq!(file.encode(file.text()).unwrap(), bytes);
    }

    #[test]
    fn line_breaks_of_every_kind_decide_the_line_ending_by_majority() {
        let ending = |text: &str| SourceFile::from_text("f", text).line_ending();
        assert_eq!(ending("a\r\nb\r\nc\n"), LineEnding::CrLf);
        assert_eq!(ending("a\r\nb\nc\n"), LineEnding::Lf);
        assert_eq!(ending("a\rb\rc\n"), LineEnding::Cr);
        assert_eq!(ending("a\rb\nc\r\n"), LineEnding::CrLf, "a tie goes to CR LF");
        assert_eq!(ending("a\r\r\nb"), LineEnding::CrLf);
        let file = SourceFile::from_text("f", "a\r\r\n\n\r");
        let starts: Vec<usize> =
            (1..=file.line_count() as u32).map(|l| file.line_start(l)).collect();
        assert_eq!(starts, [0, 2, 4, 5, 6]);
    }

    #[test]
    fn owned_bytes_decode_as_borrowed_ones() {
        let mut utf16 = vec![0xFF, 0xFE];
        utf16.extend("a=1\r\n".encode_utf16().flat_map(u16::to_le_bytes));
        let inputs: [&[u8]; 6] = [
            b"user_pref(\"a\", 1);\n",
            b"\xEF\xBB\xBFa\r\n",
            b"M\xfcller\n",
            b"a\0b\0c\0d\0e\0f\0g\0h\0",
            b"",
            &utf16,
        ];
        for bytes in inputs {
            let (owned, borrowed) =
                (SourceFile::from_vec("f", bytes.to_vec()), SourceFile::from_bytes("f", bytes));
            assert_eq!(owned.text(), borrowed.text());
            assert_eq!(owned.encoding(), borrowed.encoding());
            assert_eq!(owned.has_bom(), borrowed.has_bom());
            assert_eq!(owned.is_lossless(), borrowed.is_lossless());
            assert_eq!(owned.line_ending(), borrowed.line_ending());
            assert_eq!(owned.line_count(), borrowed.line_count());
        }
    }

    #[test]
    fn lone_cr_crlf_and_lf_each_end_one_line() {
        let file = SourceFile::from_text("a", "a\nb\r\nc\rd");
        assert_eq!(file.line_count(), 4);
        assert_eq!(file.line_col(7), LineCol { line: 4, column: 1 });
        assert_eq!(file.slice(file.line_range(2)), "b");
        assert_eq!(file.slice(file.line_range(4)), "d");
    }

    #[test]
    fn unpaired_surrogate_makes_the_file_lossy() {
        let bytes = [0xFF, 0xFE, 0x41, 0x00, 0x00, 0xD8, 0x42, 0x00];
        let file = SourceFile::from_bytes("a", &bytes);
        assert!(!file.is_lossless());
    }
}
