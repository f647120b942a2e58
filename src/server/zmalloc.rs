//! Memory accounting: a counting global allocator, and the process's
//! resident size.
//!
//! Mirrors: `zmalloc.c` (`zmalloc`, `zfree`, `zrealloc`,
//! `zmalloc_used_memory`, `zmalloc_get_rss`, `zmalloc_get_memory_size`).
//!
//! Redis routes every allocation through `zmalloc`, which adds the size
//! of each block to `used_memory` (an atomic) and subtracts it on free;
//! INFO memory, `maxmemory` and MEMORY STATS all read that one number.
//! Rust has the same hook: a `#[global_allocator]` (declared in lib.rs)
//! sees every allocation of the process. [`Zmalloc`] forwards to the
//! system allocator and keeps the running total in [`USED_MEMORY`].
//!
//! `USED_MEMORY` is the one global besides the logger (see
//! docs/ARCHITECTURE.md): the allocator has no `&Server` to write into, and
//! Redis keeps the same counter as a file-level static for the same
//! reason. It is an atomic, not a `static mut`, and only this module
//! writes it.
//!
//! Cost on the hot path: one relaxed atomic add per allocation and one
//! subtract per free. Relaxed is enough: the counter orders nothing, and
//! the process has one thread (readers only want a recent value).
//!
//! Deviations from Redis: the counter holds the sizes asked for, not the
//! allocator's usable sizes (`malloc_usable_size` would cost a call per
//! allocation), so it is a little below Redis's figure for the same
//! blocks. The allocator is the C library's (`mem_allocator:libc`, as a
//! Redis built with `MALLOC=libc` reports); there is no jemalloc, so no
//! allocator statistics (`allocator_*` are derived as Redis derives them
//! for libc).

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

/// Bytes currently allocated through the global allocator
/// (`used_memory` in zmalloc.c).
static USED_MEMORY: AtomicUsize = AtomicUsize::new(0);

/// The name INFO reports as `mem_allocator` (`ZMALLOC_LIB`).
pub const ZMALLOC_LIB: &str = "libc";

/// The counting allocator (`zmalloc`/`zfree` over the system `malloc`).
pub struct Zmalloc;

// SAFETY: every method forwards to `System` with the caller's arguments
// unchanged and returns its result; the counter is bookkeeping only.
unsafe impl GlobalAlloc for Zmalloc {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller upholds `GlobalAlloc::alloc`'s contract.
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            USED_MEMORY.fetch_add(layout.size(), Ordering::Relaxed);
        }
        p
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: as for `alloc`.
        let p = unsafe { System.alloc_zeroed(layout) };
        if !p.is_null() {
            USED_MEMORY.fetch_add(layout.size(), Ordering::Relaxed);
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: `ptr` came from this allocator with `layout`.
        unsafe { System.dealloc(ptr, layout) };
        USED_MEMORY.fetch_sub(layout.size(), Ordering::Relaxed);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: the caller upholds `GlobalAlloc::realloc`'s contract.
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        // On failure the old block is untouched and still counted.
        if !p.is_null() {
            let old = layout.size();
            if new_size >= old {
                USED_MEMORY.fetch_add(new_size - old, Ordering::Relaxed);
            } else {
                USED_MEMORY.fetch_sub(old - new_size, Ordering::Relaxed);
            }
        }
        p
    }
}

/// Bytes allocated right now (`zmalloc_used_memory`).
pub fn used_memory() -> usize {
    USED_MEMORY.load(Ordering::Relaxed)
}

/// Size of a memory page in bytes.
fn page_size() -> usize {
    // SAFETY: sysconf only reads its argument.
    let n = unsafe { libc::sysconf(libc::_SC_PAGESIZE) };
    usize::try_from(n).unwrap_or(4096).max(1)
}

/// The resident set size of the process in bytes (`zmalloc_get_rss`):
/// the second field of `/proc/self/statm` (pages) times the page size.
/// Where there is no /proc, Redis falls back to `used_memory`; so do we.
pub fn get_rss() -> usize {
    std::fs::read_to_string("/proc/self/statm")
        .ok()
        .and_then(|s| s.split_whitespace().nth(1)?.parse::<usize>().ok())
        .map_or_else(used_memory, |pages| pages.saturating_mul(page_size()))
}

/// Physical memory of the machine in bytes (`zmalloc_get_memory_size`).
pub fn get_memory_size() -> u64 {
    // SAFETY: sysconf only reads its argument.
    let pages = unsafe { libc::sysconf(libc::_SC_PHYS_PAGES) };
    u64::try_from(pages)
        .unwrap_or(0)
        .saturating_mul(page_size() as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rss_and_system_memory_are_plausible() {
        let rss = get_rss();
        assert!(rss > 0);
        assert!((rss as u64) < get_memory_size());
    }
}
