//! Configuration per file, as ruff does it: each checked file uses the closest
//! `maillint.toml` (or `.maillint.toml`) at or above it, so a dotfiles repository can hold one
//! configuration per machine or per client folder, and the result for a file never depends on
//! which other paths were named, nor in which order (pre-commit passes files in any order).
//!
//! `--config FILE` and `--isolated` name one configuration for every file, as before. One
//! [`Linter`] is built per configuration in use, the first time a file needs it.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use maillint_config::{ConfigFinder, Settings};
use maillint_engine::{Discovery, Linter, Unit};

use crate::setup::Setup;

/// The linters of one run, one per configuration file in use, and which one each path uses.
pub struct Configs<B> {
    /// One linter per configuration, in the order they were first needed.
    pub linters: Vec<Linter>,
    /// The settings each linter was built from.
    pub settings: Vec<Settings>,
    /// Which linter a configuration file (or none) maps to.
    by_file: HashMap<Option<PathBuf>, usize>,
    /// The closest configuration file of each folder seen, so that walking up happens once per
    /// folder rather than once per file.
    finder: ConfigFinder,
    /// Whether one configuration holds for every file (`--config`, `--isolated`).
    fixed: bool,
    build: B,
}

impl<B: Fn(&Path) -> Result<Setup, String>> Configs<B> {
    /// The configurations for a run; `build` makes the linter for the configuration closest to
    /// a path. With `fixed`, the first linter built serves every path.
    pub fn new(fixed: bool, build: B) -> Self {
        Self {
            linters: Vec::new(),
            settings: Vec::new(),
            by_file: HashMap::new(),
            finder: ConfigFinder::new(),
            fixed,
            build,
        }
    }

    /// The index of the linter for `path` (a file or a folder), built on first use.
    pub fn index_for(&mut self, path: &Path) -> Result<usize, String> {
        if self.fixed && !self.linters.is_empty() {
            return Ok(0);
        }
        let file = if self.fixed { None } else { self.config_file(path)? };
        self.index_of(file, path)
    }

    /// [`index_for`](Self::index_for) a unit's root file, with what the walk that found it
    /// saw of the folders above it: a folder it listed is not looked into again.
    fn index_for_unit(&mut self, unit: &Unit, discovery: &Discovery) -> Result<usize, String> {
        let Some(walked) = unit.walked.filter(|_| !self.fixed) else {
            return self.index_for(&unit.root);
        };
        let listed = |folder: &Path| discovery.listed_without_noted(&walked, folder);
        let file = self.finder.find_for_file(&unit.root, listed).map_err(|e| {
            format!("{}: cannot look for a configuration file: {e}", unit.root.display())
        })?;
        self.index_of(file, &unit.root)
    }

    /// The linter for the configuration file `file` (or none), built for `path` on first use.
    fn index_of(&mut self, file: Option<PathBuf>, path: &Path) -> Result<usize, String> {
        if let Some(&index) = self.by_file.get(&file) {
            return Ok(index);
        }
        let Setup { linter, settings } = (self.build)(path)?;
        self.linters.push(linter);
        self.settings.push(settings);
        self.by_file.insert(file, self.linters.len() - 1);
        Ok(self.linters.len() - 1)
    }

    /// The closest configuration file to `path`, through the per-folder cache.
    fn config_file(&mut self, path: &Path) -> Result<Option<PathBuf>, String> {
        self.finder
            .find(path)
            .map_err(|e| format!("{}: cannot look for a configuration file: {e}", path.display()))
    }

    /// Splits `units` (in root order) into runs of consecutive units that share a linter, each
    /// without the units its configuration excludes (`named` lists the paths given on the
    /// command line, which only `force-exclude` excludes). `discovery` found the units.
    pub fn batches(
        &mut self,
        units: Vec<Unit>,
        named: &[PathBuf],
        discovery: &Discovery,
    ) -> Result<Vec<(usize, Vec<Unit>)>, String> {
        // A set: pre-commit names every staged file, and a list searched once per unit made
        // this quadratic (2,000 named homes: 0.85 s of CPU).
        let named: HashSet<&Path> = named.iter().map(PathBuf::as_path).collect();
        let mut batches: Vec<(usize, Vec<Unit>)> = Vec::new();
        for unit in units {
            let index = self.index_for_unit(&unit, discovery)?;
            if !self.settings[index].should_check(&unit.root, named.contains(unit.root.as_path())) {
                continue;
            }
            match batches.last_mut() {
                Some((last, units)) if *last == index => units.push(unit),
                _ => batches.push((index, vec![unit])),
            }
        }
        Ok(batches)
    }
}
