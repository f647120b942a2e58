//! Keyspace notifications: `__keyspace@<db>__:<key>` and
//! `__keyevent@<db>__:<event>` messages for the classes
//! `notify-keyspace-events` enables.
//!
//! Mirrors: `notify.c` (`notifyKeyspaceEvent`,
//! `keyspaceEventsStringToFlags`, `keyspaceEventsFlagsToString`) and the
//! `NOTIFY_*` flags of server.h.
//!
//! Every write command ends by naming what it did to which key: `set`,
//! `lpush`, `del`, `expire`... The keyspace layer adds three events of its
//! own: `new` when a key is created (`dbAdd`), `expired` when lazy or
//! active expiry deletes one, and `keymiss` when a read finds nothing.
//! [`notify_keyspace_event`] turns an event into at most two Pub/Sub
//! messages, one per enabled channel kind:
//!
//! ```text
//!   SET foo bar, with "KE$" enabled, in database 0:
//!     PUBLISH __keyspace@0__:foo   set      (K: the key's channel)
//!     PUBLISH __keyevent@0__:set   foo      (E: the event's channel)
//! ```
//!
//! The call sits at the end of every write, so its cost when nothing is
//! enabled matters more than its cost when something is: the entry point
//! is one bit test against `server.config.notify_keyspace_events`, inlined
//! into the caller, and the channel names are only built (and allocated)
//! behind it. Event names are `&'static str` literals at the call sites,
//! as in Redis, so an event costs nothing to name.
//!
//! Delivery is `pubsub::publish`, which reaches the subscribers of the
//! channel and of every matching pattern at once; nothing is queued here.
//!
//! Deviations from Redis: no modules, so no module keyspace subscribers
//! (`moduleNotifyKeyspaceEvent`) and no `loaded` events; no eviction, so
//! no `evicted` events, and no streams, so no `t` events, though both
//! letters are accepted and shown as Redis does.

use std::io::Write as _;

use super::Server;

/// Event classes and channel kinds (`NOTIFY_*` in server.h), with the
/// letter of each in `notify-keyspace-events`.
pub mod class {
    /// `K`: publish on `__keyspace@<db>__:<key>`.
    pub const KEYSPACE: u32 = 1 << 0;
    /// `E`: publish on `__keyevent@<db>__:<event>`.
    pub const KEYEVENT: u32 = 1 << 1;
    /// `g`: generic commands (DEL, EXPIRE, RENAME, ...).
    pub const GENERIC: u32 = 1 << 2;
    /// `$`: string commands.
    pub const STRING: u32 = 1 << 3;
    /// `l`: list commands.
    pub const LIST: u32 = 1 << 4;
    /// `s`: set commands.
    pub const SET: u32 = 1 << 5;
    /// `h`: hash commands.
    pub const HASH: u32 = 1 << 6;
    /// `z`: sorted set commands.
    pub const ZSET: u32 = 1 << 7;
    /// `x`: expired keys.
    pub const EXPIRED: u32 = 1 << 8;
    /// `e`: evicted keys.
    pub const EVICTED: u32 = 1 << 9;
    /// `t`: stream commands.
    pub const STREAM: u32 = 1 << 10;
    /// `m`: reads of missing keys; not part of `A`.
    pub const KEY_MISS: u32 = 1 << 11;
    /// Keys loaded from an RDB file, for modules only (no letter).
    pub const LOADED: u32 = 1 << 12;
    /// `d`: module key types.
    pub const MODULE: u32 = 1 << 13;
    /// `n`: new keys; not part of `A`.
    pub const NEW: u32 = 1 << 14;
    /// `A`: every class but `m` and `n` (`NOTIFY_ALL`).
    pub const ALL: u32 =
        GENERIC | STRING | LIST | SET | HASH | ZSET | EXPIRED | EVICTED | STREAM | MODULE;
}

/// The class letters in the order `keyspaceEventsFlagsToString` prints
/// them when `A` does not cover them all.
const CLASS_LETTERS: [(u8, u32); 11] = [
    (b'g', class::GENERIC),
    (b'$', class::STRING),
    (b'l', class::LIST),
    (b's', class::SET),
    (b'h', class::HASH),
    (b'z', class::ZSET),
    (b'x', class::EXPIRED),
    (b'e', class::EVICTED),
    (b't', class::STREAM),
    (b'd', class::MODULE),
    (b'n', class::NEW),
];

/// Parses a `notify-keyspace-events` value into class bits; `None` for an
/// unknown letter (`keyspaceEventsStringToFlags`).
pub fn keyspace_events_from_string(s: &str) -> Option<u32> {
    let mut flags = 0;
    for b in s.bytes() {
        flags |= match b {
            b'A' => class::ALL,
            b'K' => class::KEYSPACE,
            b'E' => class::KEYEVENT,
            b'm' => class::KEY_MISS,
            _ => CLASS_LETTERS.iter().find(|(c, _)| *c == b)?.1,
        };
    }
    Some(flags)
}

/// The letters of the class bits, as CONFIG GET shows them
/// (`keyspaceEventsFlagsToString`): `A` stands for every class it covers
/// and then hides `n`, as in Redis.
pub fn keyspace_events_to_string(flags: u32) -> String {
    let mut out = String::new();
    if flags & class::ALL == class::ALL {
        out.push('A');
    } else {
        for (c, bit) in CLASS_LETTERS {
            if flags & bit != 0 {
                out.push(char::from(c));
            }
        }
    }
    for (c, bit) in [
        ('K', class::KEYSPACE),
        ('E', class::KEYEVENT),
        ('m', class::KEY_MISS),
    ] {
        if flags & bit != 0 {
            out.push(c);
        }
    }
    out
}

/// Publishes the event `event` of class `class` about `key` in database
/// `db`, if `notify-keyspace-events` enables that class
/// (`notifyKeyspaceEvent`). With the class off this is one bit test.
#[inline]
pub fn notify_keyspace_event(server: &mut Server, class: u32, event: &str, key: &[u8], db: usize) {
    if server.config.notify_keyspace_events & class == 0 {
        return;
    }
    publish_event(server, event, key, db);
}

/// The slow half of [`notify_keyspace_event`]: builds the channel names
/// and publishes on the enabled kinds. Kept out of line so that the
/// callers' hot paths only carry the bit test.
#[inline(never)]
fn publish_event(server: &mut Server, event: &str, key: &[u8], db: usize) {
    let flags = server.config.notify_keyspace_events;
    if flags & class::KEYSPACE != 0 {
        let mut channel = Vec::with_capacity(key.len() + 20);
        let _ = write!(channel, "__keyspace@{db}__:");
        channel.extend_from_slice(key);
        super::pubsub::publish(server, &channel, event.as_bytes());
    }
    if flags & class::KEYEVENT != 0 {
        let mut channel = Vec::with_capacity(event.len() + 20);
        let _ = write!(channel, "__keyevent@{db}__:{event}");
        super::pubsub::publish(server, &channel, key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn class_letters_round_trip_like_redis() {
        let parse = |s: &str| keyspace_events_from_string(s).map(keyspace_events_to_string);
        assert_eq!(parse("").as_deref(), Some(""));
        assert_eq!(parse("KEA").as_deref(), Some("AKE"));
        // A hides n; m and n stay outside A.
        assert_eq!(parse("AKEmdn").as_deref(), Some("AKEm"));
        assert_eq!(parse("mEKnd").as_deref(), Some("dnKEm"));
        assert_eq!(parse("g$lshzxet").as_deref(), Some("g$lshzxet"));
        assert_eq!(parse("g$lshzxetd").as_deref(), Some("A"));
        assert_eq!(parse("xyz"), None);
        assert_eq!(parse("k"), None);
    }

    #[test]
    fn class_bits_are_redis_values() {
        // server.h: NOTIFY_KEY_MISS 1<<11, NOTIFY_MODULE 1<<13, NOTIFY_NEW 1<<14.
        assert_eq!(keyspace_events_from_string("m"), Some(1 << 11));
        assert_eq!(keyspace_events_from_string("d"), Some(1 << 13));
        assert_eq!(keyspace_events_from_string("n"), Some(1 << 14));
        assert_eq!(class::ALL, 0b10_0111_1111_1100);
        assert_eq!(
            class::ALL & (class::KEY_MISS | class::NEW | class::LOADED),
            0
        );
    }
}
