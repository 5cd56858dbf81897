//! Word finding for miette's line wrapping, remembered per line.
//!
//! miette wraps every message, label and help line with textwrap, whose Unicode word finder
//! runs ICU's line segmenter over each line. A scan of 2,000 homes prints the same "why it
//! matters" and "what to do" lines for thousands of findings, and segmenting them again each
//! time was about 5% of the whole run. [`cached_unicode_words`] asks textwrap's own finder
//! once per distinct line and replays its answer afterwards, so the wrapped text is exactly
//! what textwrap alone would produce (the finder is a pure function of the line).

use std::cell::RefCell;
use std::collections::HashMap;

use textwrap::WordSeparator;
use textwrap::core::Word;

/// Lines remembered per thread before the memory starts over (bounds memory on a long run
/// with many distinct lines: host names and paths make messages differ).
const MAX_LINES: usize = 4096;

/// Lines longer than this are segmented afresh each time (they are rare and would make the
/// memory's size depend on the input's).
const MAX_LINE_BYTES: usize = 1024;

thread_local! {
    /// Each remembered line with the byte offsets where its words end, in order.
    static WORD_ENDS: RefCell<HashMap<Box<str>, Box<[u32]>>> = RefCell::new(HashMap::new());
}

/// A [`WordSeparator`] that finds the same words as
/// [`WordSeparator::UnicodeBreakProperties`], with the answer for each line remembered.
pub fn separator() -> WordSeparator {
    WordSeparator::Custom(cached_unicode_words)
}

/// The words of `line`, as textwrap's Unicode finder splits it.
fn cached_unicode_words(line: &str) -> Box<dyn Iterator<Item = Word<'_>> + '_> {
    if line.len() > MAX_LINE_BYTES {
        return WordSeparator::UnicodeBreakProperties.find_words(line);
    }
    let ends = WORD_ENDS.with(|cache| {
        if let Some(ends) = cache.borrow().get(line) {
            return ends.clone();
        }
        let ends = word_ends(line);
        let mut cache = cache.borrow_mut();
        if cache.len() >= MAX_LINES {
            cache.clear();
        }
        cache.insert(line.into(), ends.clone());
        ends
    });
    let mut start = 0;
    Box::new(ends.into_vec().into_iter().map(move |end| {
        let word = Word::from(&line[start..end as usize]);
        start = end as usize;
        word
    }))
}

/// Filled footers by help text.
type Footers = HashMap<Box<str>, Box<str>>;

thread_local! {
    /// Each remembered help footer, per first-line indent (it carries the colour codes).
    static FOOTERS: RefCell<HashMap<Box<str>, Footers>> = RefCell::new(HashMap::new());
}

/// The footer miette's graphical handler writes for `help` (`render_footer`): the text filled
/// by textwrap to `width`, after `initial_indent` on its first line and eight spaces on the
/// others, with this module's word finder, then a line break. The full format writes it
/// itself, remembered per distinct text: findings of one rule about one provider share their
/// help, and filling it again for each (textwrap's first-fit search and hyphen splitting)
/// was a tenth of a default-format scan.
pub fn help_footer(help: &str, initial_indent: &str, width: usize) -> Box<str> {
    let fill = || {
        let options = textwrap::Options::new(width)
            .initial_indent(initial_indent)
            .subsequent_indent("        ")
            .break_words(true)
            .word_separator(separator());
        let mut footer = textwrap::fill(help, options);
        footer.push('\n');
        footer.into_boxed_str()
    };
    if help.len() > MAX_LINE_BYTES {
        return fill();
    }
    FOOTERS.with(|footers| {
        let mut footers = footers.borrow_mut();
        let known = footers.entry(initial_indent.into()).or_default();
        if let Some(footer) = known.get(help) {
            return footer.clone();
        }
        if known.len() >= MAX_LINES {
            known.clear();
        }
        let footer = fill();
        known.insert(help.into(), footer.clone());
        footer
    })
}

/// Where each word textwrap's Unicode finder returns for `line` ends. Its words are
/// consecutive pieces of the line, each made by `Word::from` (the trailing spaces are the
/// word's whitespace), so the ends alone rebuild them.
fn word_ends(line: &str) -> Box<[u32]> {
    let base = line.as_ptr() as usize;
    WordSeparator::UnicodeBreakProperties
        .find_words(line)
        .map(|word| {
            let end = word.whitespace.as_ptr() as usize + word.whitespace.len() - base;
            u32::try_from(end).expect("a remembered line is at most MAX_LINE_BYTES long")
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(separator: &WordSeparator, line: &str) -> Vec<(String, String, String, usize)> {
        separator
            .find_words(line)
            .map(|w| (w.word.to_owned(), w.whitespace.to_owned(), w.penalty.to_owned(), w.width))
            .collect()
    }

    #[test]
    fn the_same_words_as_textwrap_first_and_from_memory() {
        let lines = [
            "",
            " ",
            "plain words  with two spaces",
            "look-alike host imap.gmial.com: (did you mean imap.gmail.com?)",
            "set ssl_force_tls=yes; see https://neomutt.org/guide/reference#ssl-force-tls",
            "“quoted” ünïcode, 日本語のテキスト and emoji 📧 mixed",
            "\u{1b}[1mbold\u{1b}[0m and tabs\there, trailing   ",
            "a/b/c.d-e_f:g;h,i!j?k(l)m[n]o{p}q\"r's%t$u+v\\w",
        ];
        let unicode = WordSeparator::UnicodeBreakProperties;
        for line in lines {
            let expected = words(&unicode, line);
            assert_eq!(words(&separator(), line), expected, "first time: {line:?}");
            assert_eq!(words(&separator(), line), expected, "from memory: {line:?}");
        }
    }

    #[test]
    fn wrapped_text_is_unchanged() {
        let text = "Anyone on the network path can read the password and the mail: the \
                    connection is not encrypted. Set the security to SSL/TLS (port 993) or \
                    STARTTLS (port 143), which your provider supports.";
        for width in [20, 41, 60, 100] {
            let plain = textwrap::fill(text, textwrap::Options::new(width).initial_indent("  "));
            let options = textwrap::Options::new(width).initial_indent("  ");
            let cached = textwrap::fill(text, options.clone().word_separator(separator()));
            let again = textwrap::fill(text, options.word_separator(separator()));
            assert_eq!(cached, plain, "width {width}");
            assert_eq!(again, plain, "width {width}, from memory");
        }
    }

    #[test]
    fn long_lines_and_a_full_memory_still_split_right() {
        let long = "word ".repeat(MAX_LINE_BYTES);
        assert_eq!(
            words(&separator(), &long),
            words(&WordSeparator::UnicodeBreakProperties, &long)
        );
        for i in 0..MAX_LINES + 10 {
            let line = format!("line {i} of many");
            assert_eq!(
                words(&separator(), &line),
                words(&WordSeparator::UnicodeBreakProperties, &line)
            );
        }
        assert!(WORD_ENDS.with(|cache| cache.borrow().len()) <= MAX_LINES);
    }
}
