//! [`RunState`]: what one run computes once and every unit's rules share.
//!
//! A rule sees one unit at a time ([`crate::RuleContext`]), but some of what it works from
//! depends only on the run's inputs, not on the unit: the built-in host rules' index of the
//! provider facts (names lower-cased once, the look-alike candidates, the verdicts already
//! reached on host names). Building that per unit would repeat the work for every file of a
//! `scan`; keeping it in a global would outlive the run and tie it to whichever provider
//! facts came first. So the run owns it: the engine's linter holds one `RunState` (its clones,
//! one per worker thread, share it) and hands it to every rule in the context. A second
//! linter (another `maillint.toml`, a test) has its own.
//!
//! The state is a small map from a type to one value of that type, built the first time a rule
//! asks for it. A rule crate keeps its own types private, so no two crates can collide.

use std::any::{Any, TypeId};
use std::fmt;
use std::sync::{Arc, PoisonError, RwLock};

/// Values computed once per run, one per type, built on first use (see the module docs).
///
/// Everything a value is built from must be an input of the run (the provider facts, the
/// settings): the same `RunState` is handed to every unit.
#[derive(Default)]
pub struct RunState {
    values: RwLock<Vec<(TypeId, Arc<dyn Any + Send + Sync>)>>,
}

impl RunState {
    /// An empty state: nothing built yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// The run's value of type `T`, built by `build` the first time any rule asks for it.
    ///
    /// `build` runs without a lock held (it may ask for other values). When two threads ask
    /// for the first time at once, both may build; the first to finish is kept and both get
    /// it.
    pub fn get_or_init<T: Any + Send + Sync>(&self, build: impl FnOnce() -> T) -> Arc<T> {
        if let Some(value) = self.get::<T>() {
            return value;
        }
        let built: Arc<dyn Any + Send + Sync> = Arc::new(build());
        let mut values = self.values.write().unwrap_or_else(PoisonError::into_inner);
        let kept = match values.iter().find(|(id, _)| *id == TypeId::of::<T>()) {
            Some((_, earlier)) => Arc::clone(earlier),
            None => {
                values.push((TypeId::of::<T>(), Arc::clone(&built)));
                built
            }
        };
        downcast(kept)
    }

    /// The run's value of type `T`, if built.
    pub fn get<T: Any + Send + Sync>(&self) -> Option<Arc<T>> {
        let values = self.values.read().unwrap_or_else(PoisonError::into_inner);
        let (_, value) = values.iter().find(|(id, _)| *id == TypeId::of::<T>())?;
        Some(downcast(Arc::clone(value)))
    }
}

/// A value stored under `T`'s type id as `T`.
fn downcast<T: Any + Send + Sync>(value: Arc<dyn Any + Send + Sync>) -> Arc<T> {
    match value.downcast::<T>() {
        Ok(value) => value,
        // Values are only ever stored under their own type's id.
        Err(_) => unreachable!("a run-state value stored under another type's id"),
    }
}

impl fmt::Debug for RunState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let values = self.values.read().unwrap_or_else(PoisonError::into_inner);
        f.debug_struct("RunState").field("values", &values.len()).finish()
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;

    #[test]
    fn a_value_is_built_once_per_state_and_type() {
        let builds = AtomicUsize::new(0);
        let state = RunState::new();
        assert!(state.get::<String>().is_none());
        let build = || {
            builds.fetch_add(1, Ordering::Relaxed);
            "index".to_owned()
        };
        let first = state.get_or_init(build);
        let second = state.get_or_init(build);
        assert!(Arc::ptr_eq(&first, &second));
        assert_eq!(builds.load(Ordering::Relaxed), 1);
        // Another type is another value; another state builds its own.
        assert_eq!(*state.get_or_init(|| 7_u32), 7);
        assert_eq!(*state.get::<String>().unwrap(), "index");
        let other = RunState::new();
        assert!(!Arc::ptr_eq(&first, &other.get_or_init(build)));
        assert_eq!(builds.load(Ordering::Relaxed), 2);
    }

    #[test]
    fn threads_asking_at_once_share_one_value() {
        let state = RunState::new();
        let values: Vec<Arc<Vec<u8>>> = std::thread::scope(|scope| {
            let handles: Vec<_> =
                (0..4).map(|_| scope.spawn(|| state.get_or_init(|| vec![1, 2, 3]))).collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        let kept = state.get::<Vec<u8>>().unwrap();
        assert!(values.iter().all(|v| Arc::ptr_eq(v, &kept)));
    }
}
