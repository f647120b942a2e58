//! ferrodis: a Redis 7.0 compatible server on an ae-style event loop.
//!
//! `ae` is the event library (it knows nothing of Redis); `server` is the
//! Redis server built on it. See docs/ARCHITECTURE.md for the map.

pub mod ae;
pub mod rdb;
pub mod server;

/// Every allocation goes through the counting allocator, which keeps
/// INFO's `used_memory` (Redis's zmalloc; see server/zmalloc.rs).
#[global_allocator]
static GLOBAL: server::zmalloc::Zmalloc = server::zmalloc::Zmalloc;
