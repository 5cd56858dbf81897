//! Parallel work with results delivered in input order, in bounded memory.
//!
//! Each worker takes the next item as soon as it is free, so a slow item (a home with a
//! thousand profiles) holds up one thread, not a whole batch: the others go on with the items
//! after it. Results are put back in order and handed to the sink as soon as every earlier
//! item's result has been handed over. A worker starts item `i` only while `i` is less than
//! `window` items past the next one the sink waits for, so at most `window` results wait at any
//! time, however many items there are: 20,000 homes cost the memory of `window` homes.
//!
//! The calling thread is one of the workers: it runs the sink between its own items. With a
//! sink thread of its own, one thread per core plus the sink meant that every item's result
//! woke the sink, which took a core from a worker (a futex wake and two context switches per
//! home, for a sink that writes a few lines).
//!
//! Each worker keeps one piece of state (a linter) for all the items it processes, created
//! on first use.

use std::collections::BTreeMap;
use std::sync::{Condvar, Mutex, MutexGuard, PoisonError, mpsc};

/// Runs `work` over `items` on the calling thread and `pool`, and calls `sink` with each
/// result, in the order of `items`. At most `window` results are computed ahead of the sink.
/// When `sink` fails, items not yet started are skipped and the first error is returned.
///
/// `sink` runs on the calling thread, which must not be one of `pool`'s threads. The pool
/// lends all its threads but one: the calling thread takes that one's share.
pub fn run_ordered<I, T, R, E>(
    pool: &rayon::ThreadPool,
    items: &[I],
    window: usize,
    init: impl Fn() -> T + Sync,
    work: impl Fn(&mut T, &I) -> R + Sync,
    mut sink: impl FnMut(&I, R) -> Result<(), E>,
) -> Result<(), E>
where
    I: Sync,
    R: Send,
{
    let gate = Gate::new(items.len(), window.max(1));
    let helpers = (pool.current_num_threads().max(1) - 1).min(items.len().saturating_sub(1));
    let mut order = InOrder { waiting: BTreeMap::new(), next: 0, first_error: None };
    std::thread::scope(|scope| {
        let (sender, receiver) = mpsc::channel::<(usize, R)>();
        let (gate, init, work) = (&gate, &init, &work);
        scope.spawn(move || {
            if helpers == 0 {
                return;
            }
            pool.scope(|jobs| {
                for _ in 0..helpers {
                    let sender = sender.clone();
                    jobs.spawn(move |_| {
                        // Should `work` panic, the others must not wait for its result.
                        let _stop_on_panic = StopOnPanic(gate);
                        let mut state = None;
                        while let Some(index) = gate.claim() {
                            let state = state.get_or_insert_with(init);
                            // A closed receiver means the caller stopped: nothing to do.
                            if sender.send((index, work(state, &items[index]))).is_err() {
                                break;
                            }
                        }
                    });
                }
            });
        });
        let _stop_on_panic = StopOnPanic(gate);
        let mut deliver = |(index, result)| order.deliver(index, result, items, gate, &mut sink);
        let mut state = None;
        loop {
            // What the helpers finished first, so that the sink never waits for this thread's
            // next item needlessly.
            while let Ok(done) = receiver.try_recv() {
                deliver(done);
            }
            match gate.try_claim() {
                Claim::Item(index) => {
                    let state = state.get_or_insert_with(init);
                    deliver((index, work(state, &items[index])));
                }
                // Every item in the window is started, and the next one the sink waits for
                // is a helper's: wait for a helper. None left means none holds an item.
                Claim::Full => match receiver.recv() {
                    Ok(done) => deliver(done),
                    Err(_) => break,
                },
                Claim::Done => break,
            }
        }
        for done in receiver {
            deliver(done);
        }
    });
    match order.first_error {
        Some(error) => Err(error),
        None => Ok(()),
    }
}

/// Results waiting for the ones before them.
struct InOrder<R, E> {
    waiting: BTreeMap<usize, R>,
    /// The next item the sink takes.
    next: usize,
    first_error: Option<E>,
}

impl<R, E> InOrder<R, E> {
    /// Keeps `result` and hands the sink every result that is now next in order.
    fn deliver<I>(
        &mut self,
        index: usize,
        result: R,
        items: &[I],
        gate: &Gate,
        sink: &mut impl FnMut(&I, R) -> Result<(), E>,
    ) {
        self.waiting.insert(index, result);
        let before = self.next;
        while let Some(result) = self.waiting.remove(&self.next) {
            if self.first_error.is_none()
                && let Err(error) = sink(&items[self.next], result)
            {
                self.first_error = Some(error);
                // Workers skip the items not yet started; the ones running finish and their
                // results are dropped here.
                gate.stop();
            }
            self.next += 1;
        }
        if self.next > before {
            gate.emitted(self.next);
        }
    }
}

/// What [`Gate::try_claim`] found.
enum Claim {
    /// Work on this item.
    Item(usize),
    /// Every item within the window has started.
    Full,
    /// No item is left, or the run stopped.
    Done,
}

/// Which item is next, and how far ahead of the sink workers may go.
struct Gate {
    state: Mutex<GateState>,
    moved: Condvar,
    len: usize,
    window: usize,
}

struct GateState {
    /// The next item to start.
    next: usize,
    /// Items handed to the sink.
    emitted: usize,
    /// The sink failed, or a worker panicked: start nothing more.
    stopped: bool,
    /// Workers waiting for the window to move: only then is there anyone to wake (a wake
    /// is a system call even when nobody waits).
    sleepers: usize,
}

impl Gate {
    fn new(len: usize, window: usize) -> Self {
        let state = GateState { next: 0, emitted: 0, stopped: false, sleepers: 0 };
        Gate { state: Mutex::new(state), moved: Condvar::new(), len, window }
    }

    fn lock(&self) -> MutexGuard<'_, GateState> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// The next item to work on, without waiting.
    fn try_claim(&self) -> Claim {
        let mut state = self.lock();
        if state.stopped || state.next >= self.len {
            return Claim::Done;
        }
        if state.next < state.emitted + self.window {
            state.next += 1;
            return Claim::Item(state.next - 1);
        }
        Claim::Full
    }

    /// The next item to work on, once it is within the window; `None` when there is none
    /// left or the run stopped.
    fn claim(&self) -> Option<usize> {
        let mut state = self.lock();
        loop {
            if state.stopped || state.next >= self.len {
                return None;
            }
            if state.next < state.emitted + self.window {
                state.next += 1;
                return Some(state.next - 1);
            }
            state.sleepers += 1;
            state = self.moved.wait(state).unwrap_or_else(PoisonError::into_inner);
            state.sleepers -= 1;
        }
    }

    /// The sink has taken every item before `emitted`.
    fn emitted(&self, emitted: usize) {
        let mut state = self.lock();
        state.emitted = emitted;
        if state.sleepers > 0 {
            drop(state);
            self.moved.notify_all();
        }
    }

    fn stop(&self) {
        self.lock().stopped = true;
        self.moved.notify_all();
    }
}

/// Stops the gate when dropped during a panic, so that no worker waits for a result that will
/// never come; the panic itself reaches the caller through the pool's scope.
struct StopOnPanic<'a>(&'a Gate);

impl Drop for StopOnPanic<'_> {
    fn drop(&mut self) {
        if std::thread::panicking() {
            self.0.stop();
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::time::{Duration, Instant};

    use super::*;

    fn pool(threads: usize) -> rayon::ThreadPool {
        rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap()
    }

    #[test]
    fn results_arrive_in_input_order_whatever_the_timing() {
        let items: Vec<u64> = (0..500).collect();
        let mut seen = Vec::new();
        run_ordered(
            &pool(4),
            &items,
            16,
            || (),
            |(), item| {
                // Later items finish first within a chunk.
                std::thread::sleep(std::time::Duration::from_micros((500 - item) % 7 * 50));
                item * 2
            },
            |item, result| {
                assert_eq!(result, item * 2);
                seen.push(*item);
                Ok::<(), ()>(())
            },
        )
        .unwrap();
        assert_eq!(seen, items);
    }

    #[test]
    fn state_is_created_once_per_thread_not_per_item() {
        let created = AtomicUsize::new(0);
        let items: Vec<usize> = (0..1000).collect();
        run_ordered(
            &pool(3),
            &items,
            64,
            || created.fetch_add(1, Ordering::Relaxed),
            |_, item| *item,
            |_, _| Ok::<(), ()>(()),
        )
        .unwrap();
        let created = created.into_inner();
        assert!((1..=3).contains(&created), "{created} states for 3 threads");
    }

    #[test]
    fn the_calling_thread_works_and_a_one_thread_pool_lends_none() {
        let caller = std::thread::current().id();
        let items: Vec<usize> = (0..50).collect();
        let mut on_caller = 0;
        run_ordered(
            &pool(1),
            &items,
            4,
            || (),
            |(), _| std::thread::current().id(),
            |_, worker| {
                on_caller += usize::from(worker == caller);
                Ok::<(), ()>(())
            },
        )
        .unwrap();
        assert_eq!(on_caller, items.len());
    }

    #[test]
    fn waiting_results_never_exceed_the_window() {
        // Each result holds a token counted while it is alive; the sink is slow, so workers
        // run ahead as far as the bound lets them.
        struct Token<'a>(&'a AtomicUsize);
        impl Drop for Token<'_> {
            fn drop(&mut self) {
                self.0.fetch_sub(1, Ordering::SeqCst);
            }
        }
        let alive = AtomicUsize::new(0);
        let peak = AtomicUsize::new(0);
        let items: Vec<usize> = (0..400).collect();
        run_ordered(
            &pool(4),
            &items,
            8,
            || (),
            |(), _| {
                let now = alive.fetch_add(1, Ordering::SeqCst) + 1;
                peak.fetch_max(now, Ordering::SeqCst);
                Token(&alive)
            },
            |_, token| {
                std::thread::sleep(std::time::Duration::from_micros(200));
                drop(token);
                Ok::<(), ()>(())
            },
        )
        .unwrap();
        // Workers start an item only within the window past the sink: 8 at most.
        let peak = peak.into_inner();
        assert!(peak <= 8, "{peak} results alive at once");
    }

    #[test]
    fn a_slow_item_holds_up_one_thread_not_the_items_after_it() {
        // Item 5 finishes only once every item the window lets start after it (6 to 12, while
        // the sink waits for 5) is done. Work cut into batches that wait for their slowest
        // item would never get there: the deadline turns that into a failure, not a hang.
        let window = 8;
        let done_after = AtomicUsize::new(0);
        let items: Vec<usize> = (0..40).collect();
        let mut seen = Vec::new();
        run_ordered(
            &pool(2),
            &items,
            window,
            || (),
            |(), &item| {
                if item != 5 {
                    if item > 5 {
                        done_after.fetch_add(1, Ordering::SeqCst);
                    }
                    return true;
                }
                let deadline = Instant::now() + Duration::from_secs(20);
                while done_after.load(Ordering::SeqCst) < window - 1 {
                    if Instant::now() > deadline {
                        return false;
                    }
                    std::thread::sleep(Duration::from_millis(1));
                }
                true
            },
            |&item, on_time| {
                assert!(on_time, "the items after item {item} waited for it");
                seen.push(item);
                Ok::<(), ()>(())
            },
        )
        .unwrap();
        assert_eq!(seen, items);
    }

    #[test]
    fn a_panicking_item_reaches_the_caller_and_nothing_waits_forever() {
        let items: Vec<usize> = (0..100).collect();
        let outcome = std::panic::catch_unwind(|| {
            run_ordered(
                &pool(2),
                &items,
                4,
                || (),
                |(), &item| assert_ne!(item, 10, "item 10 fails"),
                |_, ()| Ok::<(), ()>(()),
            )
        });
        assert!(outcome.is_err());
    }

    #[test]
    fn a_failing_sink_stops_the_run_and_returns_the_first_error() {
        let items: Vec<usize> = (0..10_000).collect();
        let done = AtomicUsize::new(0);
        let result = run_ordered(
            &pool(2),
            &items,
            32,
            || (),
            |(), item| {
                done.fetch_add(1, Ordering::Relaxed);
                *item
            },
            |item, _| if *item == 40 { Err(format!("stop at {item}")) } else { Ok(()) },
        );
        assert_eq!(result, Err("stop at 40".to_owned()));
        assert!(done.into_inner() < 10_000, "items after the error were skipped");
    }
}
