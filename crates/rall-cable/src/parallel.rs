//! Stepping cell groups on several threads between spike exchanges.
//!
//! One OS thread per chunk of groups for a whole [`run_chunks`] call (not one per exchange
//! interval: spawning and joining threads every min-delay cost more than small groups gain).
//! The threads meet at a [`SpinBarrier`] after every interval. Spikes go through two boards
//! used alternately: in interval `i` every thread appends its groups' outboxes to board
//! `i % 2`; the last thread to reach the barrier sorts that board (time, then gid: the order of
//! the serial exchange) and empties the other board, which every thread finished reading
//! before it started interval `i`; after the barrier every thread delivers the sorted board to
//! its own groups. Deliveries and the sort order are those of the serial loop, so results do not
//! depend on the thread count.

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Mutex, RwLock};

use crate::engine::{CellGroup, RunError};

/// A sense-counting barrier that spins briefly, then yields (the threads are few and busy).
/// A panicking thread poisons it so that the others stop waiting.
struct SpinBarrier {
    n: usize,
    count: AtomicUsize,
    generation: AtomicUsize,
    poisoned: AtomicBool,
}

impl SpinBarrier {
    fn new(n: usize) -> SpinBarrier {
        SpinBarrier {
            n,
            count: AtomicUsize::new(0),
            generation: AtomicUsize::new(0),
            poisoned: AtomicBool::new(false),
        }
    }

    /// Wait for all `n` threads; the last to arrive runs `last` before releasing the others.
    /// `false` if another thread panicked.
    fn wait(&self, last: impl FnOnce()) -> bool {
        let generation = self.generation.load(Ordering::Acquire);
        if self.count.fetch_add(1, Ordering::AcqRel) + 1 == self.n {
            last();
            self.count.store(0, Ordering::Relaxed);
            self.generation.fetch_add(1, Ordering::Release);
            return true;
        }
        let mut spins = 0u32;
        while self.generation.load(Ordering::Acquire) == generation {
            if self.poisoned.load(Ordering::Relaxed) {
                return false;
            }
            if spins < 2000 {
                spins += 1;
                std::hint::spin_loop();
            } else {
                std::thread::yield_now();
            }
        }
        true
    }
}

/// Poisons the barrier if its thread unwinds.
struct PoisonOnPanic<'a>(&'a SpinBarrier);

impl Drop for PoisonOnPanic<'_> {
    fn drop(&mut self) {
        if std::thread::panicking() {
            self.0.poisoned.store(true, Ordering::Relaxed);
        }
    }
}

/// Advance `chunks` (disjoint sets of groups) by `n_steps`, one thread per chunk, exchanging
/// spikes every `interval` steps. Returns the first error in chunk order.
pub(crate) fn run_chunks(
    chunks: Vec<&mut [CellGroup]>,
    n_steps: u64,
    interval: u64,
) -> Result<(), RunError> {
    let barrier = SpinBarrier::new(chunks.len());
    let boards = [RwLock::new(Vec::new()), RwLock::new(Vec::new())];
    let failed = AtomicBool::new(false);
    let errors: Vec<Mutex<Option<RunError>>> = chunks.iter().map(|_| Mutex::new(None)).collect();
    std::thread::scope(|s| {
        for (ti, chunk) in chunks.into_iter().enumerate() {
            let (barrier, boards, failed, errors) = (&barrier, &boards, &failed, &errors);
            s.spawn(move || {
                let _guard = PoisonOnPanic(barrier);
                let mut done = 0;
                let mut interval_index = 0usize;
                while done < n_steps {
                    let k = interval.min(n_steps - done);
                    for g in chunk.iter_mut() {
                        if let Err(e) = g.advance(k) {
                            *errors[ti].lock().unwrap_or_else(|p| p.into_inner()) = Some(e);
                            failed.store(true, Ordering::Relaxed);
                            break;
                        }
                    }
                    let this = interval_index % 2;
                    {
                        let mut b = boards[this].write().unwrap_or_else(|p| p.into_inner());
                        for g in chunk.iter_mut() {
                            b.append(&mut g.outbox);
                        }
                    }
                    let released = barrier.wait(|| {
                        let mut b = boards[this].write().unwrap_or_else(|p| p.into_inner());
                        b.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
                        boards[1 - this]
                            .write()
                            .unwrap_or_else(|p| p.into_inner())
                            .clear();
                    });
                    // every thread sees the same `failed` here (set before the barrier)
                    if !released || failed.load(Ordering::Relaxed) {
                        return;
                    }
                    let b = boards[this].read().unwrap_or_else(|p| p.into_inner());
                    for g in chunk.iter_mut() {
                        for &(t, gid) in b.iter() {
                            g.receive_spike(gid, t);
                        }
                    }
                    done += k;
                    interval_index += 1;
                }
            });
        }
    });
    for e in errors {
        if let Some(e) = e.into_inner().unwrap_or_else(|p| p.into_inner()) {
            return Err(e);
        }
    }
    Ok(())
}
