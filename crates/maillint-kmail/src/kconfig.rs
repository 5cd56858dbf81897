//! KConfig files as KDE Frameworks read them (`KConfigIniBackend`): `[group]` headers,
//! `key=value` entries, `#` comments, and a key's options in brackets after its name
//! (`key[$e]`: the value is expanded, `$(command)` and `$VARIABLE` included; `key[de]`: the
//! value for one locale).

use std::sync::Arc;

use maillint_core::ini::{IniDialect, IniFile};
use maillint_core::{FileId, Located, SourceFile, Span};

/// A value as KConfig reads it.
#[derive(Clone, Copy, Debug)]
pub struct Value<'a> {
    pub text: &'a str,
    pub span: Span,
    /// `[$e]`: KConfig expands the value when it reads it (environment variables and the
    /// output of `$(command)`), so what the program uses is not in the file.
    pub expanded: bool,
}

/// A KConfig file with its groups indexed.
pub struct KConfigFile(pub IniFile);

impl KConfigFile {
    pub fn new(file: FileId, source: Arc<SourceFile>) -> Self {
        KConfigFile(IniFile::new(file, source, IniDialect::GKEYFILE))
    }

    /// The value of `key` in `group`: the last entry whose name is `key` or `key[$flags]`.
    /// Locale variants (`key[de]`) are another setting for another language and are skipped.
    pub fn value(&self, group: &str, key: &str) -> Option<Value<'_>> {
        let text = self.0.source.text();
        let mut found = None;
        for entry in self.0.doc.entries(Some(group)) {
            let name = &text[entry.key.clone()];
            let (base, options) = match name.split_once('[') {
                Some((base, rest)) => (base.trim_end(), Some(rest.trim_end_matches(']'))),
                None => (name, None),
            };
            if base != key || options.is_some_and(|o| !o.starts_with('$')) {
                continue;
            }
            let expanded = options.is_some_and(|o| o.contains('e'));
            found = Some(Value {
                text: &text[entry.value.clone()],
                span: self.0.span(entry.value),
                expanded,
            });
        }
        found
    }

    /// A value that is written, not empty and not expanded.
    pub fn literal(&self, group: &str, key: &str) -> Option<Value<'_>> {
        self.value(group, key).filter(|v| !v.text.is_empty() && !v.expanded)
    }

    /// Where a key of `group` would be written: after its header, or at the end of the file.
    pub fn insert_at(&self, group: &str) -> Span {
        self.0.insert_at(group)
    }

    /// The whole file.
    pub fn whole(&self) -> Span {
        self.0.whole()
    }
}

/// A port entry (`Int`/`UInt` in the kcfg) with its kcfg default: the default when it is
/// missing or not a number (`KConfigGroup::readEntry` falls back to it), unknown when the value
/// is expanded.
pub fn port(file: &KConfigFile, group: &str, key: &str, kcfg: (&str, u16)) -> Option<Located<u16>> {
    let (schema, default) = kcfg;
    match file.value(group, key) {
        Some(v) if v.expanded => None,
        Some(v) => Some(match v.text.trim().parse() {
            Ok(port) => Located::explicit(port, v.span),
            Err(_) => Located::derived(
                default,
                v.span,
                format!("not a number: KConfig reads the default, {default}"),
            ),
        }),
        None => Some(Located::default(
            default,
            file.insert_at(group),
            format!("`{key}` defaults to {default} ({schema}), whatever the encryption"),
        )),
    }
}

/// A KConfig `Bool` (`KConfigGroup::readEntry` of a `bool`: `true`, `on`, `yes`, `1` and
/// `false`, `off`, `no`, `0`, compared without case; anything else leaves the default).
pub fn boolean(text: &str) -> Option<bool> {
    let is = |words: [&str; 4]| words.iter().any(|word| text.eq_ignore_ascii_case(word));
    if is(["true", "on", "yes", "1"]) {
        Some(true)
    } else if is(["false", "off", "no", "0"]) {
        Some(false)
    } else {
        None
    }
}

/// A `kcfg` `Enum` entry as `KCoreConfigSkeleton::ItemEnum::readConfig` reads it: a choice
/// name compared without case, else an integer (the choice's index). `None` when it is
/// neither.
pub fn enum_index(text: &str, choices: &[&str]) -> Option<usize> {
    choices
        .iter()
        .position(|choice| choice.eq_ignore_ascii_case(text))
        .or_else(|| text.trim().parse::<usize>().ok())
}
