//! The poller: mio under the event loop.
//!
//! Mirrors: `ae_epoll.c` (`aeApiCreate`, `aeApiAddEvent`, `aeApiDelEvent`,
//! `aeApiPoll`).
//!
//! mio registers every source edge-triggered. A source is registered once,
//! for both directions, when its first handler is installed; see the module
//! docs of `ae` for why handler changes never reach the kernel.
//!
//! Like `aeApiPoll`, an error or hang-up is reported as both readable and
//! writable, so that whichever handler runs next finds the error through its
//! own read or write call. It also carries [`Mask::HANGUP`], which ae has no
//! need for (level-triggered epoll reports a half-closed socket again on
//! every poll) and an edge-triggered reader does.

use std::io;
use std::time::Duration;

use mio::event::Source;
use mio::{Events, Interest, Poll, Token};

use super::Mask;

pub(super) struct Poller {
    poll: Poll,
    events: Events,
}

impl Poller {
    pub(super) fn new(capacity: usize) -> io::Result<Poller> {
        Ok(Poller {
            poll: Poll::new()?,
            events: Events::with_capacity(capacity.max(16)),
        })
    }

    pub(super) fn register(&mut self, source: &mut dyn Source, token: Token) -> io::Result<()> {
        self.poll
            .registry()
            .register(source, token, Interest::READABLE | Interest::WRITABLE)
    }

    pub(super) fn deregister(&mut self, source: &mut dyn Source) -> io::Result<()> {
        self.poll.registry().deregister(source)
    }

    /// Waits up to `timeout` (forever with `None`) and appends what fired to
    /// `fired`. An interrupted wait returns no events, not an error.
    pub(super) fn poll(
        &mut self,
        timeout: Option<Duration>,
        fired: &mut Vec<(Token, Mask)>,
    ) -> io::Result<usize> {
        match self.poll.poll(&mut self.events, timeout) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::Interrupted => return Ok(0),
            Err(e) => return Err(e),
        }
        for event in self.events.iter() {
            let mut mask = Mask::NONE;
            let broken = event.is_error();
            if event.is_readable() || event.is_read_closed() || broken {
                mask = mask | Mask::READABLE;
            }
            if event.is_read_closed() || broken {
                mask = mask | Mask::HANGUP;
            }
            if event.is_writable() || event.is_write_closed() || broken {
                mask = mask | Mask::WRITABLE;
            }
            if !mask.is_none() {
                fired.push((event.token(), mask));
            }
        }
        Ok(fired.len())
    }
}
