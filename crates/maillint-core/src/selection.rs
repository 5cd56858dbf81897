//! Rule selection: `--select`, `--ignore`, `--extend-select` with names, codes and code
//! prefixes, resolved against the registry.

use std::collections::BTreeSet;

use crate::rule::{RuleMeta, RuleRegistry};

/// Which rules to run, as the user wrote it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Selection {
    /// Replaces the default set when given.
    pub select: Option<Vec<String>>,
    /// Added to the selected set.
    pub extend_select: Vec<String>,
    /// Removed from the result.
    pub ignore: Vec<String>,
}

/// A selector that matches no rule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UnknownSelector {
    /// What the user wrote.
    pub selector: String,
    /// The closest rule name or code, if any is close.
    pub suggestion: Option<String>,
}

impl std::fmt::Display for UnknownSelector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "unknown rule or code `{}`", self.selector)?;
        if let Some(s) = &self.suggestion {
            write!(f, " (did you mean `{s}`?)")?;
        }
        Ok(())
    }
}

impl std::error::Error for UnknownSelector {}

/// The resolved set of enabled rule names.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct EnabledRules(BTreeSet<String>);

impl EnabledRules {
    /// Whether the rule with this name is enabled.
    pub fn contains(&self, name: &str) -> bool {
        self.0.contains(name)
    }

    /// Enabled rule names, sorted.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.0.iter().map(String::as_str)
    }
}

impl RuleRegistry {
    /// The rules a selector matches: `ALL`, a name, a code, or a code prefix (`H`, `T00`).
    pub fn matching(&self, selector: &str) -> Result<Vec<&RuleMeta>, UnknownSelector> {
        let wanted = selector.trim();
        if wanted.eq_ignore_ascii_case("all") {
            return Ok(self.metas().iter().map(|m| m.as_ref()).collect());
        }
        if let Some(meta) = self.get(wanted) {
            return Ok(vec![meta.as_ref()]);
        }
        let upper = wanted.to_ascii_uppercase();
        let by_prefix: Vec<&RuleMeta> = self
            .metas()
            .iter()
            .filter(|m| !upper.is_empty() && m.code.starts_with(&upper))
            .map(|m| m.as_ref())
            .collect();
        if !by_prefix.is_empty() {
            return Ok(by_prefix);
        }
        Err(UnknownSelector { selector: wanted.to_owned(), suggestion: self.closest(wanted) })
    }

    /// The closest name or code to `input`, when one is reasonably close.
    pub fn closest(&self, input: &str) -> Option<String> {
        let input_lower = input.to_ascii_lowercase();
        self.metas()
            .iter()
            .flat_map(|m| [m.name.as_str(), m.code.as_str()])
            .map(|candidate| {
                (strsim::jaro_winkler(&input_lower, &candidate.to_ascii_lowercase()), candidate)
            })
            .filter(|(score, _)| *score >= 0.8)
            .max_by(|a, b| a.0.total_cmp(&b.0))
            .map(|(_, c)| c.to_owned())
    }

    /// Resolves a selection: start from `select` (or every default-enabled rule), add
    /// `extend_select`, remove `ignore`.
    pub fn resolve(&self, selection: &Selection) -> Result<EnabledRules, UnknownSelector> {
        let mut enabled = BTreeSet::new();
        match &selection.select {
            Some(selectors) => {
                for s in selectors {
                    enabled.extend(self.matching(s)?.into_iter().map(|m| m.name.clone()));
                }
            }
            None => {
                enabled.extend(
                    self.metas().iter().filter(|m| m.default_enabled).map(|m| m.name.clone()),
                );
            }
        }
        for s in &selection.extend_select {
            enabled.extend(self.matching(s)?.into_iter().map(|m| m.name.clone()));
        }
        for s in &selection.ignore {
            for meta in self.matching(s)? {
                enabled.remove(&meta.name);
            }
        }
        Ok(EnabledRules(enabled))
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::builtin::{IoError, NotFollowed, ParseError};

    fn registry() -> RuleRegistry {
        let mut r = RuleRegistry::new();
        r.register_meta(Arc::clone(ParseError::metadata())).unwrap();
        r.register_meta(Arc::clone(IoError::metadata())).unwrap();
        r.register_meta(Arc::clone(NotFollowed::metadata())).unwrap();
        r
    }

    #[test]
    fn names_codes_and_prefixes_select() {
        let r = registry();
        let sel = Selection {
            select: Some(vec!["P".into()]),
            ignore: vec!["io-error".into()],
            ..Default::default()
        };
        let enabled = r.resolve(&sel).unwrap();
        assert_eq!(enabled.names().collect::<Vec<_>>(), ["not-followed", "parse-error"]);
        let sel = Selection { select: Some(vec!["p001".into()]), ..Default::default() };
        assert_eq!(r.resolve(&sel).unwrap().names().collect::<Vec<_>>(), ["parse-error"]);
    }

    #[test]
    fn unknown_selector_names_the_closest_rule() {
        let r = registry();
        let sel = Selection { select: Some(vec!["parse-eror".into()]), ..Default::default() };
        let err = r.resolve(&sel).unwrap_err();
        assert_eq!(err.suggestion.as_deref(), Some("parse-error"));
        assert!(err.to_string().contains("did you mean `parse-error`"));
    }

    #[test]
    fn duplicate_names_are_refused() {
        let mut r = registry();
        assert!(r.register_meta(Arc::clone(ParseError::metadata())).is_err());
    }
}
