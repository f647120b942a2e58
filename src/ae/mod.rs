//! The event library: one thread, file events and time events.
//!
//! Mirrors: `ae.h` / `ae.c` (`aeCreateEventLoop`, `aeCreateFileEvent`,
//! `aeDeleteFileEvent`, `aeCreateTimeEvent`, `aeDeleteTimeEvent`,
//! `aeProcessEvents`, `aeMain`, `aeSetBeforeSleepProc`,
//! `aeSetAfterSleepProc`, `aeSetDontWait`, `aeStop`).
//!
//! # Design
//!
//! The loop owns nothing of the application. It is generic over a state type
//! `S` (the server) which is passed to every handler beside the loop itself,
//! as two separate `&mut` borrows. Handlers are plain `fn` pointers, the
//! counterpart of `aeFileProc` / `aeTimeProc`; the [`Token`] plays the role of
//! ae's `fd` and `clientData` at once. No boxed closures capture state, so a
//! handler can freely create or delete events (including its own) while it
//! runs: the table is only borrowed while an entry is copied out.
//!
//! One turn of [`EventLoop::process_events`]:
//!
//! ```text
//!   before_sleep(loop, state)           the application's work between polls
//!        |
//!   timeout = 0            if dont_wait was set (work is pending)
//!           = nearest timer - now       otherwise (None: no timers)
//!        |
//!   poll(timeout) ---> fired: Vec<(Token, Mask)>   (copied out of mio)
//!        |
//!   after_sleep(loop, state)
//!        |
//!   for (token, mask) in fired:         looked up again for each handler,
//!       readable handler                since an earlier handler in the
//!       writable handler                batch may have deleted the entry
//!        |
//!   process_time_events: every timer whose deadline has passed, in
//!   (deadline, id) order; each returns Again(delay) or NoMore
//! ```
//!
//! # Edge-triggered readiness
//!
//! Redis's `ae_epoll.c` registers file descriptors level-triggered: epoll
//! keeps reporting a socket while unread bytes remain. mio always registers
//! edge-triggered (`EPOLLET`): an event is reported once per transition to
//! ready. This library reports those edges faithfully and nothing more; the
//! application keeps readiness flags per socket and clears them only when an
//! operation returns `WouldBlock` (see `server::networking`). To let the
//! application come back to a socket it chose not to drain in this turn, it
//! calls [`EventLoop::set_dont_wait`] from `before_sleep`: the next poll then
//! does not block, exactly like ae's `AE_DONT_WAIT` used by Redis for TLS
//! connections with buffered data.
//!
//! Because readiness edges are not repeated, a source is registered once for
//! both directions ([`EventLoop::create_file_event`] on an empty slot) and
//! the handler mask only decides which handlers are called. Installing or
//! removing a handler never touches the kernel, unlike `aeApiAddEvent` /
//! `aeApiDelEvent`.
//!
//! Deviations from Redis:
//! - no `AE_BARRIER` (the write-before-read inversion used for
//!   `appendfsync always`);
//! - the file-event table is indexed by token rather than by fd;
//! - time events are kept in a `BTreeMap` ordered by deadline (ae.c keeps
//!   an unsorted list and scans it, noting that a sorted structure would be
//!   the better choice), and have no `clientData` or finalizer: the handler
//!   gets the state and its own id;
//! - `before_sleep` runs before the poll timeout is computed, so a
//!   `set_dont_wait` made in it shapes the very next poll (in ae.c the
//!   timeout is computed first and the flag takes effect one turn later).

mod poll;
mod timer;

use std::io;
use std::time::{Duration, Instant};

pub use mio::event::Source;
pub use mio::Token;
pub use timer::{TimerAction, TimerId};

use poll::Poller;
use timer::Timers;

/// Which handlers of a file event are wanted or fired (`AE_READABLE`,
/// `AE_WRITABLE`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Mask(u8);

impl Mask {
    /// `AE_NONE`.
    pub const NONE: Mask = Mask(0);
    /// `AE_READABLE`.
    pub const READABLE: Mask = Mask(1);
    /// `AE_WRITABLE`.
    pub const WRITABLE: Mask = Mask(2);
    /// Both directions.
    pub const ALL: Mask = Mask(3);
    /// Reported only, beside `READABLE`: the peer has closed its sending
    /// side, or the socket has an error (epoll's `EPOLLRDHUP`, `EPOLLHUP`,
    /// `EPOLLERR`). No handler is ever called for it alone; it tells the
    /// read handler that the edge announcing the end of the stream has
    /// been spent, so it must read until end of file or `WouldBlock`.
    pub const HANGUP: Mask = Mask(4);

    /// Whether every bit of `other` is set in `self`.
    pub fn contains(self, other: Mask) -> bool {
        self.0 & other.0 == other.0 && other.0 != 0
    }

    /// Whether no bit is set.
    pub fn is_none(self) -> bool {
        self.0 == 0
    }
}

impl std::ops::BitOr for Mask {
    type Output = Mask;
    fn bitor(self, rhs: Mask) -> Mask {
        Mask(self.0 | rhs.0)
    }
}

impl std::ops::BitAnd for Mask {
    type Output = Mask;
    fn bitand(self, rhs: Mask) -> Mask {
        Mask(self.0 & rhs.0)
    }
}

impl std::ops::Not for Mask {
    type Output = Mask;
    fn not(self) -> Mask {
        Mask(!self.0 & 3)
    }
}

/// A file event handler (`aeFileProc`): called with the loop, the state, the
/// token of the source and the mask that fired.
pub type FileProc<S> = fn(&mut EventLoop<S>, &mut S, Token, Mask);

/// A time event handler (`aeTimeProc`): returns when to run again.
pub type TimeProc<S> = fn(&mut EventLoop<S>, &mut S, TimerId) -> TimerAction;

/// A hook run around the poll (`aeBeforeSleepProc`).
pub type HookProc<S> = fn(&mut EventLoop<S>, &mut S);

/// One registered source (`aeFileEvent`).
struct FileEvent<S> {
    mask: Mask,
    /// Whether the source is registered with the poller. Kept apart from
    /// `mask`: deleting every handler does not deregister the source (only
    /// [`EventLoop::unregister`] does), so handlers can be installed again.
    registered: bool,
    rfile: Option<FileProc<S>>,
    wfile: Option<FileProc<S>>,
}

// Derived Clone/Copy would require `S: Copy`; the entry only holds fn pointers.
impl<S> Clone for FileEvent<S> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<S> Copy for FileEvent<S> {}

impl<S> FileEvent<S> {
    const EMPTY: FileEvent<S> = FileEvent {
        mask: Mask::NONE,
        registered: false,
        rfile: None,
        wfile: None,
    };
}

/// Flags for [`EventLoop::process_events`] (`AE_FILE_EVENTS`, ...).
pub mod flags {
    /// Poll and dispatch file events.
    pub const FILE_EVENTS: u32 = 1;
    /// Run due time events.
    pub const TIME_EVENTS: u32 = 2;
    /// Everything.
    pub const ALL_EVENTS: u32 = FILE_EVENTS | TIME_EVENTS;
    /// Poll with a zero timeout.
    pub const DONT_WAIT: u32 = 4;
    /// Run the before-sleep hook.
    pub const CALL_BEFORE_SLEEP: u32 = 8;
    /// Run the after-sleep hook.
    pub const CALL_AFTER_SLEEP: u32 = 16;
}

/// The event loop (`aeEventLoop`).
pub struct EventLoop<S> {
    poller: Poller,
    /// Handlers indexed by `Token.0` (ae's `events[fd]`).
    events: Vec<FileEvent<S>>,
    /// Events copied out of the poller for this turn (ae's `fired[]`).
    fired: Vec<(Token, Mask)>,
    timers: Timers<S>,
    stop: bool,
    dont_wait: bool,
    before_sleep: Option<HookProc<S>>,
    after_sleep: Option<HookProc<S>>,
}

impl<S> EventLoop<S> {
    /// Creates a loop (`aeCreateEventLoop`). `capacity` is how many events
    /// one poll may return.
    pub fn new(capacity: usize) -> io::Result<EventLoop<S>> {
        Ok(EventLoop {
            poller: Poller::new(capacity)?,
            events: Vec::new(),
            fired: Vec::with_capacity(capacity),
            timers: Timers::new(),
            stop: false,
            dont_wait: false,
            before_sleep: None,
            after_sleep: None,
        })
    }

    /// Installs handlers for `token` (`aeCreateFileEvent`). The first call
    /// for a token registers `source` with the poller for both directions;
    /// later calls only add handlers.
    pub fn create_file_event(
        &mut self,
        source: &mut dyn Source,
        token: Token,
        mask: Mask,
        proc_: FileProc<S>,
    ) -> io::Result<()> {
        if self.events.len() <= token.0 {
            self.events.resize(token.0 + 1, FileEvent::EMPTY);
        }
        if !self.events[token.0].registered {
            self.poller.register(source, token)?;
            self.events[token.0].registered = true;
        }
        let fe = &mut self.events[token.0];
        fe.mask = fe.mask | mask;
        if mask.contains(Mask::READABLE) {
            fe.rfile = Some(proc_);
        }
        if mask.contains(Mask::WRITABLE) {
            fe.wfile = Some(proc_);
        }
        Ok(())
    }

    /// Removes handlers of `token` (`aeDeleteFileEvent`). Events for a token
    /// without handlers are ignored, even if they fired in this batch.
    pub fn delete_file_event(&mut self, token: Token, mask: Mask) {
        let Some(fe) = self.events.get_mut(token.0) else {
            return;
        };
        fe.mask = fe.mask & !mask;
        if mask.contains(Mask::READABLE) {
            fe.rfile = None;
        }
        if mask.contains(Mask::WRITABLE) {
            fe.wfile = None;
        }
    }

    /// Deletes every handler of `token` and deregisters `source` from the
    /// poller; call it before closing the socket.
    pub fn unregister(&mut self, source: &mut dyn Source, token: Token) {
        self.delete_file_event(token, Mask::ALL);
        if let Some(fe) = self.events.get_mut(token.0) {
            fe.registered = false;
        }
        // The kernel drops the registration with the last close anyway;
        // a failure here cannot leave a stale handler behind.
        let _ = self.poller.deregister(source);
    }

    /// The handler mask of `token` (`aeGetFileEvents`).
    pub fn file_events(&self, token: Token) -> Mask {
        self.events.get(token.0).map_or(Mask::NONE, |fe| fe.mask)
    }

    /// Adds a timer that first fires after `delay` (`aeCreateTimeEvent`).
    pub fn create_time_event(&mut self, delay: Duration, proc_: TimeProc<S>) -> TimerId {
        self.timers.create(Instant::now() + delay, proc_)
    }

    /// Deletes a timer, also from inside any handler, including its own
    /// (`aeDeleteTimeEvent`). Returns whether it existed.
    pub fn delete_time_event(&mut self, id: TimerId) -> bool {
        self.timers.delete(id)
    }

    /// Sets the hook run before each poll (`aeSetBeforeSleepProc`).
    pub fn set_before_sleep(&mut self, hook: Option<HookProc<S>>) {
        self.before_sleep = hook;
    }

    /// Sets the hook run after each poll (`aeSetAfterSleepProc`).
    pub fn set_after_sleep(&mut self, hook: Option<HookProc<S>>) {
        self.after_sleep = hook;
    }

    /// When set, polls do not block (`aeSetDontWait`). `before_sleep` sets it
    /// while work is pending that no readiness edge will announce.
    pub fn set_dont_wait(&mut self, dont_wait: bool) {
        self.dont_wait = dont_wait;
    }

    /// Makes [`EventLoop::run`] return after the current turn (`aeStop`).
    pub fn stop(&mut self) {
        self.stop = true;
    }

    /// Whether [`EventLoop::stop`] was called.
    pub fn stopped(&self) -> bool {
        self.stop
    }

    /// Runs turns until stopped (`aeMain`).
    pub fn run(&mut self, state: &mut S) -> io::Result<()> {
        self.stop = false;
        while !self.stop {
            self.process_events(
                state,
                flags::ALL_EVENTS | flags::CALL_BEFORE_SLEEP | flags::CALL_AFTER_SLEEP,
            )?;
        }
        Ok(())
    }

    /// One turn of the loop (`aeProcessEvents`); returns how many events
    /// (file and time) were processed. Only a poller failure other than
    /// `EINTR` is returned as an error.
    pub fn process_events(&mut self, state: &mut S, flags: u32) -> io::Result<usize> {
        if flags & flags::ALL_EVENTS == 0 {
            return Ok(0);
        }
        let mut processed = 0;
        if flags & flags::FILE_EVENTS != 0 {
            // before_sleep first: it may find pending work and set dont_wait,
            // which must shape this very poll.
            if flags & flags::CALL_BEFORE_SLEEP != 0 {
                if let Some(hook) = self.before_sleep {
                    hook(self, state);
                }
            }
            let timeout = self.poll_timeout(flags);
            let mut fired = std::mem::take(&mut self.fired);
            fired.clear();
            let polled = self.poller.poll(timeout, &mut fired);
            if flags & flags::CALL_AFTER_SLEEP != 0 {
                if let Some(hook) = self.after_sleep {
                    hook(self, state);
                }
            }
            if let Err(e) = polled {
                self.fired = fired;
                return Err(e);
            }
            processed += self.dispatch_fired(state, &fired);
            self.fired = fired;
        }
        if flags & flags::TIME_EVENTS != 0 {
            processed += self.process_time_events(state);
        }
        Ok(processed)
    }

    /// How long the next poll may block: zero when told not to wait, until
    /// the nearest timer otherwise, forever with no timers.
    fn poll_timeout(&self, flags: u32) -> Option<Duration> {
        if self.dont_wait || flags & flags::DONT_WAIT != 0 {
            return Some(Duration::ZERO);
        }
        if flags & flags::TIME_EVENTS == 0 {
            return None;
        }
        self.timers
            .nearest()
            .map(|when| when.saturating_duration_since(Instant::now()))
    }

    /// Calls the handlers of each fired event, in poll order.
    fn dispatch_fired(&mut self, state: &mut S, fired: &[(Token, Mask)]) -> usize {
        for &(token, mask) in fired {
            // Copy the entry out: the handler may change the table.
            let fe = self.file_event(token);
            let mut read_called = None;
            if (fe.mask & mask).contains(Mask::READABLE) {
                if let Some(rfile) = fe.rfile {
                    rfile(self, state, token, mask);
                    read_called = Some(rfile as usize);
                }
            }
            // Look the entry up again: the read handler may have removed it.
            let fe = self.file_event(token);
            if (fe.mask & mask).contains(Mask::WRITABLE) {
                if let Some(wfile) = fe.wfile {
                    // One handler for both directions is called once, as ae.c
                    // does with `fe->wfileProc != fe->rfileProc`.
                    if read_called != Some(wfile as usize) {
                        wfile(self, state, token, mask);
                    }
                }
            }
        }
        fired.len()
    }

    fn file_event(&self, token: Token) -> FileEvent<S> {
        self.events
            .get(token.0)
            .copied()
            .unwrap_or(FileEvent::EMPTY)
    }

    /// Runs every due timer once (`processTimeEvents`). Timers created while
    /// this runs wait for the next turn, as ae.c's `maxId` guard does.
    fn process_time_events(&mut self, state: &mut S) -> usize {
        let now = Instant::now();
        let first_new_id = self.timers.next_id();
        let mut processed = 0;
        while let Some((id, proc_)) = self.timers.start_due(now, first_new_id) {
            let action = proc_(self, state, id);
            self.timers.finish(id, action, Instant::now(), now);
            processed += 1;
        }
        processed
    }
}

#[cfg(test)]
mod tests;
