//! `profiles.ini`: Mozilla's INI dialect and the list of profiles Thunderbird actually reads.
//!
//! Both follow `/work/shared/reference/thunderbird.md` exactly: section 7.2 for the dialect
//! (`nsINIParser`: comments only in the first column, no trimming around `=`, invalid headers
//! hide the lines after them) and 7.3 for the keys and the enumeration of `[ProfileN]` sections
//! that stops at the first gap.

use std::collections::HashMap;

/// A parsed INI file: sections of keys. Repeated sections merge and repeated keys overwrite,
/// as `nsINIParser` keeps sections and keys in hash tables (7.2).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct IniFile {
    sections: HashMap<String, HashMap<String, String>>,
}

impl IniFile {
    /// Parses the bytes of an INI file.
    ///
    /// Per 7.2: a UTF-8 BOM is skipped and a UTF-16LE BOM makes the file UTF-16LE; lines split
    /// on CR or LF; a line whose first character is `#` or `;` is a comment; other lines lose
    /// leading spaces and tabs and blank ones are skipped; `[Name]` starts a section, and text
    /// other than whitespace after `]` (or no `]` at all) makes the header invalid, so the
    /// lines up to the next valid header are ignored, as are lines before the first valid
    /// header; `key=value` splits at the first `=` with no trimming.
    pub fn parse(bytes: &[u8]) -> Self {
        let text = decode(bytes);
        let mut ini = IniFile::default();
        let mut section: Option<String> = None;
        for raw in text.split(['\r', '\n']) {
            if raw.starts_with('#') || raw.starts_with(';') {
                continue;
            }
            let line = raw.trim_start_matches([' ', '\t']);
            if line.is_empty() {
                continue;
            }
            if let Some(rest) = line.strip_prefix('[') {
                // `nsINIParser` finds the name with `NS_strtok("]")`, which first skips any
                // leading `]`: `[]` has no name and is invalid, `[]a]` names `a`.
                let rest = rest.trim_start_matches(']');
                section = match rest.split_once(']') {
                    Some((name, after)) if after.trim_matches([' ', '\t']).is_empty() => {
                        Some(name.to_owned())
                    }
                    _ => None,
                };
                continue;
            }
            let Some(current) = &section else { continue };
            // `nsINIParser` looks for the delimiter after skipping any leading `=`, and keeps
            // those in the key; a line without a further `=` is ignored.
            let leading = line.len() - line.trim_start_matches('=').len();
            let Some(eq) = line[leading..].find('=') else { continue };
            let (key, value) = (&line[..leading + eq], &line[leading + eq + 1..]);
            ini.sections
                .entry(current.clone())
                .or_default()
                .insert(key.to_owned(), value.to_owned());
        }
        ini
    }

    /// The value of `key` in `section`, exactly as written.
    pub fn get(&self, section: &str, key: &str) -> Option<&str> {
        self.sections.get(section)?.get(key).map(String::as_str)
    }

    /// Section names, sorted.
    pub fn section_names(&self) -> Vec<&str> {
        let mut names: Vec<&str> = self.sections.keys().map(String::as_str).collect();
        names.sort_unstable();
        names
    }
}

fn decode(bytes: &[u8]) -> String {
    if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        return String::from_utf8_lossy(rest).into_owned();
    }
    if let Some(rest) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        let units = rest.chunks_exact(2).map(|pair| u16::from_le_bytes([pair[0], pair[1]]));
        return char::decode_utf16(units)
            .map(|c| c.unwrap_or(char::REPLACEMENT_CHARACTER))
            .collect();
    }
    String::from_utf8_lossy(bytes).into_owned()
}

/// One `[ProfileN]` section Thunderbird reads.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ProfileEntry {
    /// The section name, e.g. `Profile0`.
    pub section: String,
    /// `Name`.
    pub name: String,
    /// `Path`, as written.
    pub path: String,
    /// `IsRelative=1`: `Path` is relative to the folder holding `profiles.ini`.
    pub is_relative: bool,
}

/// The profiles of a `profiles.ini`, as Thunderbird enumerates them.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Profiles {
    /// Sections read, in order.
    pub entries: Vec<ProfileEntry>,
    /// Sections with `IsRelative` but without `Name` or `Path`, which Thunderbird skips:
    /// (section, missing key).
    pub skipped: Vec<(String, &'static str)>,
    /// The section where enumeration stopped (`ProfileN` for the first missing N), when
    /// sections with higher numbers exist, and those sections: Thunderbird never reads them.
    pub hidden: Option<(String, Vec<String>)>,
}

impl Profiles {
    /// Enumerates `Profile0`, `Profile1`, ... until a section is missing or has no
    /// `IsRelative` key (7.3). A section without `Path` or `Name` is skipped.
    pub fn of(ini: &IniFile) -> Self {
        let mut profiles = Profiles::default();
        let mut number = 0usize;
        loop {
            let section = format!("Profile{number}");
            let Some(is_relative) = ini.get(&section, "IsRelative") else {
                let hidden = later_profile_sections(ini, number);
                if !hidden.is_empty() {
                    profiles.hidden = Some((section, hidden));
                }
                break;
            };
            match (ini.get(&section, "Path"), ini.get(&section, "Name")) {
                (None, _) => profiles.skipped.push((section, "Path")),
                (Some(_), None) => profiles.skipped.push((section, "Name")),
                (Some(path), Some(name)) => profiles.entries.push(ProfileEntry {
                    section,
                    name: name.to_owned(),
                    path: path.to_owned(),
                    is_relative: is_relative == "1",
                }),
            }
            number += 1;
        }
        profiles
    }
}

/// `ProfileK` sections with K above `gap`, in numeric order. Only canonical decimal numbers
/// count (`Profile01` is never looked up by Thunderbird, so it is not "hidden" by a gap: it is
/// simply not a profile section).
fn later_profile_sections(ini: &IniFile, gap: usize) -> Vec<String> {
    let mut later: Vec<(usize, &str)> = ini
        .section_names()
        .into_iter()
        .filter_map(|name| {
            let digits = name.strip_prefix("Profile")?;
            let number: usize = digits.parse().ok()?;
            (number.to_string() == digits && number > gap).then_some((number, name))
        })
        .collect();
    later.sort_unstable();
    later.into_iter().map(|(_, name)| name.to_owned()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dialect_follows_ns_ini_parser() {
        let text = "ignored=before any section\n\
                    [General]\n\
                    StartWithLastProfile=1\n\
                    ; comment\n\
                    \t  Version=2\n\
                    \x20# not a comment: the # is not in the first column\n\
                    [Profile0]\r\n\
                    Name=default\r\n\
                    IsRelative=1\r\n\
                    Path = spaced\r\n\
                    Path=abc.default\r\n\
                    Path=abc.default-release\r\n\
                    [Bad] trailing\n\
                    Hidden=yes\n\
                    [Unclosed\n\
                    AlsoHidden=yes\n\
                    [Profile0]\n\
                    Default=1\n\
                    NoEquals\n\
                    Empty=\n";
        let ini = IniFile::parse(text.as_bytes());
        assert_eq!(ini.get("General", "Version"), Some("2"));
        assert_eq!(ini.get("General", "# not a comment: the # is not in the first column"), None);
        assert_eq!(ini.get("Profile0", "Path"), Some("abc.default-release"));
        assert_eq!(ini.get("Profile0", "Path "), Some(" spaced"));
        assert_eq!(ini.get("Profile0", "Default"), Some("1"), "repeated sections merge");
        assert_eq!(ini.get("Profile0", "Empty"), Some(""));
        assert_eq!(ini.get("Profile0", "NoEquals"), None);
        assert_eq!(ini.section_names(), ["General", "Profile0"]);
        assert_eq!(ini.get("", "ignored"), None);
    }

    #[test]
    fn empty_section_names_are_invalid_and_leading_brackets_are_skipped() {
        let ini = IniFile::parse(b"[]\nlost=1\n[]a]\nkept=1\n");
        assert_eq!(ini.section_names(), ["a"]);
        assert_eq!(ini.get("a", "kept"), Some("1"));
    }

    #[test]
    fn leading_equals_signs_stay_in_the_key() {
        let ini = IniFile::parse(b"[S]\n==k=v\n=novalue\n");
        assert_eq!(ini.get("S", "==k"), Some("v"));
        assert_eq!(ini.section_names(), ["S"]);
        assert_eq!(ini.get("S", "="), None);
    }

    #[test]
    fn utf16le_and_utf8_boms() {
        let text = "[Profile0]\r\nName=é\r\nIsRelative=1\r\nPath=p\r\n";
        let mut bytes = vec![0xFF, 0xFE];
        for unit in text.encode_utf16() {
            bytes.extend_from_slice(&unit.to_le_bytes());
        }
        assert_eq!(IniFile::parse(&bytes).get("Profile0", "Name"), Some("é"));
        let mut bytes = vec![0xEF, 0xBB, 0xBF];
        bytes.extend_from_slice(text.as_bytes());
        assert_eq!(IniFile::parse(&bytes).get("Profile0", "Path"), Some("p"));
    }

    #[test]
    fn enumeration_stops_at_the_first_gap_and_skips_incomplete_sections() {
        let ini = IniFile::parse(
            b"[Profile0]\nName=a\nIsRelative=1\nPath=a\n\
              [Profile1]\nName=b\nIsRelative=0\nPath=/abs/b\n\
              [Profile2]\nIsRelative=1\nName=no-path\n\
              [Profile3]\nIsRelative=1\nPath=no-name\n\
              [Profile4]\nName=no-is-relative\nPath=x\n\
              [Profile5]\nName=hidden\nIsRelative=1\nPath=h\n\
              [Profile12]\nName=hidden\nIsRelative=1\nPath=h12\n\
              [Profile05]\nName=not-a-profile-number\nIsRelative=1\nPath=z\n",
        );
        let profiles = Profiles::of(&ini);
        assert_eq!(
            profiles.entries,
            [
                ProfileEntry {
                    section: "Profile0".into(),
                    name: "a".into(),
                    path: "a".into(),
                    is_relative: true
                },
                ProfileEntry {
                    section: "Profile1".into(),
                    name: "b".into(),
                    path: "/abs/b".into(),
                    is_relative: false
                },
            ]
        );
        assert_eq!(profiles.skipped, [("Profile2".into(), "Path"), ("Profile3".into(), "Name")]);
        assert_eq!(
            profiles.hidden,
            Some(("Profile4".into(), vec!["Profile5".into(), "Profile12".into()]))
        );
    }

    #[test]
    fn is_relative_other_than_one_means_absolute() {
        let ini = IniFile::parse(b"[Profile0]\nName=a\nIsRelative=true\nPath=/x\n");
        assert!(!Profiles::of(&ini).entries[0].is_relative);
        assert_eq!(Profiles::of(&ini).hidden, None);
    }
}
