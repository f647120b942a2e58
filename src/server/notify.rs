//! Keyspace notifications: `__keyspace@<db>__:<key>` and
//! `__keyevent@<db>__:<event>` messages for the classes
//! `notify-keyspace-events` enables.
//!
//! Mirrors: `notify.c` (`notifyKeyspaceEvent`).
//!
//! (Skeleton: the classes and the entry point every command calls; the
//! implementation lands with issue 5's notifications work.)

use super::Server;

/// Event classes (`NOTIFY_*` in server.h).
pub mod class {
    pub const GENERIC: u32 = 1 << 2;
    pub const STRING: u32 = 1 << 3;
    pub const LIST: u32 = 1 << 4;
    pub const SET: u32 = 1 << 5;
    pub const HASH: u32 = 1 << 6;
    pub const ZSET: u32 = 1 << 7;
    pub const EXPIRED: u32 = 1 << 8;
    pub const EVICTED: u32 = 1 << 9;
    pub const STREAM: u32 = 1 << 10;
    pub const KEY_MISS: u32 = 1 << 11;
    pub const MODULE: u32 = 1 << 12;
    pub const NEW: u32 = 1 << 13;
}

/// Publishes the event `event` of class `class` about `key` in database
/// `db`, if `notify-keyspace-events` enables that class
/// (`notifyKeyspaceEvent`).
pub fn notify_keyspace_event(
    _server: &mut Server,
    _class: u32,
    _event: &str,
    _key: &[u8],
    _db: usize,
) {
}
