//! Parallel work with results delivered in input order, in bounded memory.
//!
//! Items are processed on a rayon pool in chunks; each result is sent to the calling thread,
//! which puts it back in order and hands it to the sink as soon as every earlier item's result
//! has been handed over. At most one chunk (plus the channel's bound) of results waits at any
//! time, however many items there are: 10,000 homes cost the memory of `chunk_size` homes.
//!
//! Each pool thread keeps one piece of state (a linter) for all the items it processes,
//! created on first use.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, mpsc};

use rayon::prelude::*;

/// Runs `work` over `items` on `pool` and calls `sink` with each result, in the order of
/// `items`. When `sink` fails, remaining items are skipped and the first error is returned.
///
/// `sink` runs on the calling thread, which must not be one of `pool`'s threads.
pub fn run_ordered<I, T, R, E>(
    pool: &rayon::ThreadPool,
    items: &[I],
    chunk_size: usize,
    init: impl Fn() -> T + Sync,
    work: impl Fn(&mut T, &I) -> R + Sync,
    mut sink: impl FnMut(&I, R) -> Result<(), E>,
) -> Result<(), E>
where
    I: Sync,
    T: Send,
    R: Send,
{
    let chunk_size = chunk_size.max(1);
    let states: Vec<Mutex<Option<T>>> =
        (0..pool.current_num_threads()).map(|_| Mutex::new(None)).collect();
    let stop = AtomicBool::new(false);
    let run_one = |item: &I| -> Option<R> {
        if stop.load(Ordering::Relaxed) {
            return None;
        }
        let slot = rayon::current_thread_index().and_then(|i| states.get(i));
        // `try_lock`: a thread that waits inside rayon (a nested parallel loop in `work`) may
        // pick up another item while its state is in use; that item gets a fresh state.
        match slot.and_then(|s| s.try_lock().ok()) {
            Some(mut guard) => Some(work(guard.get_or_insert_with(&init), item)),
            None => Some(work(&mut init(), item)),
        }
    };

    let mut first_error = None;
    std::thread::scope(|scope| {
        let (sender, receiver) = mpsc::sync_channel::<(usize, Option<R>)>(chunk_size);
        scope.spawn(|| {
            let sender = sender;
            pool.install(|| {
                for (chunk_index, chunk) in items.chunks(chunk_size).enumerate() {
                    if stop.load(Ordering::Relaxed) {
                        break;
                    }
                    let base = chunk_index * chunk_size;
                    chunk.par_iter().enumerate().for_each_with(
                        sender.clone(),
                        |sender, (offset, item)| {
                            // A closed receiver means the caller stopped: nothing to do.
                            let _ = sender.send((base + offset, run_one(item)));
                        },
                    );
                }
            });
        });
        let mut waiting: BTreeMap<usize, Option<R>> = BTreeMap::new();
        let mut next = 0;
        for (index, result) in receiver {
            waiting.insert(index, result);
            while let Some(result) = waiting.remove(&next) {
                if let (Some(result), None) = (result, &first_error)
                    && let Err(error) = sink(&items[next], result)
                {
                    first_error = Some(error);
                    // Keep receiving (and dropping) so that no worker waits on a full
                    // channel; workers skip the items not yet started.
                    stop.store(true, Ordering::Relaxed);
                }
                next += 1;
            }
        }
    });
    match first_error {
        Some(error) => Err(error),
        None => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::AtomicUsize;

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
    fn waiting_results_never_exceed_a_chunk_and_the_channel() {
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
        // A chunk in flight (8), the channel (8), the one being sunk and reorder slack.
        let peak = peak.into_inner();
        assert!(peak <= 8 * 3, "{peak} results alive at once");
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
