//! The time-event queue.
//!
//! Mirrors: the time-event half of `ae.c` (`aeCreateTimeEvent`,
//! `aeDeleteTimeEvent`, `usUntilEarliestTimer`, `processTimeEvents`).
//!
//! ae.c keeps time events in an unsorted linked list and scans all of them
//! on every turn, noting in a comment that a structure ordered by deadline
//! would be better. Here they live in a `BTreeMap` keyed by
//! `(deadline, id)`: the nearest deadline is the first entry, and the id
//! breaks ties so timers due at the same instant run in creation order.
//! A second map from id to deadline makes deletion by id O(log n).
//!
//! A timer that is running has been taken out of the queue. Deleting it from
//! inside a handler (its own or another's) marks it, and [`Timers::finish`]
//! then drops it instead of putting it back.

use std::collections::{BTreeMap, HashMap};
use std::time::{Duration, Instant};

use super::TimeProc;

/// Identifies a time event (ae's `long long id`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TimerId(pub u64);

/// What a time event handler asks for (ae's return value: a delay in
/// milliseconds, or `AE_NOMORE`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TimerAction {
    /// Run again after this delay.
    Again(Duration),
    /// Delete the timer.
    NoMore,
}

pub(super) struct Timers<S> {
    queue: BTreeMap<(Instant, TimerId), TimeProc<S>>,
    deadlines: HashMap<TimerId, Instant>,
    next_id: u64,
    /// The timer whose handler is running, and whether it was deleted.
    running: Option<(TimerId, TimeProc<S>, bool)>,
}

impl<S> Timers<S> {
    pub(super) fn new() -> Timers<S> {
        Timers {
            queue: BTreeMap::new(),
            deadlines: HashMap::new(),
            next_id: 0,
            running: None,
        }
    }

    pub(super) fn next_id(&self) -> TimerId {
        TimerId(self.next_id)
    }

    pub(super) fn create(&mut self, when: Instant, proc_: TimeProc<S>) -> TimerId {
        let id = TimerId(self.next_id);
        self.next_id += 1;
        self.queue.insert((when, id), proc_);
        self.deadlines.insert(id, when);
        id
    }

    pub(super) fn delete(&mut self, id: TimerId) -> bool {
        if let Some((running, _, deleted)) = &mut self.running {
            if *running == id {
                let was = !*deleted;
                *deleted = true;
                return was;
            }
        }
        match self.deadlines.remove(&id) {
            Some(when) => self.queue.remove(&(when, id)).is_some(),
            None => false,
        }
    }

    /// The nearest deadline (`usUntilEarliestTimer`).
    pub(super) fn nearest(&self) -> Option<Instant> {
        self.queue.keys().next().map(|&(when, _)| when)
    }

    /// Takes the first timer due at `now` whose id is below `first_new_id`
    /// out of the queue and marks it running.
    pub(super) fn start_due(
        &mut self,
        now: Instant,
        first_new_id: TimerId,
    ) -> Option<(TimerId, TimeProc<S>)> {
        let key = *self
            .queue
            .range(..=(now, TimerId(u64::MAX)))
            .map(|(key, _)| key)
            .find(|(_, id)| *id < first_new_id)?;
        let proc_ = self.queue.remove(&key)?;
        self.deadlines.remove(&key.1);
        self.running = Some((key.1, proc_, false));
        Some((key.1, proc_))
    }

    /// Puts the running timer back with its new deadline, unless it asked
    /// for no more or was deleted while it ran. The deadline is kept after
    /// `pass_start`, the instant the current pass treats as "now", so that a
    /// timer asking to run again at once waits for the next pass instead of
    /// running twice in this one (each due timer runs once per pass, as in
    /// ae.c's single walk of its list).
    pub(super) fn finish(
        &mut self,
        id: TimerId,
        action: TimerAction,
        now: Instant,
        pass_start: Instant,
    ) {
        let Some((running, proc_, deleted)) = self.running.take() else {
            return;
        };
        debug_assert_eq!(running, id);
        if let (TimerAction::Again(delay), false) = (action, deleted) {
            let when = (now + delay).max(pass_start + Duration::from_nanos(1));
            self.queue.insert((when, id), proc_);
            self.deadlines.insert(id, when);
        }
    }
}
