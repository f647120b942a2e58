//! A benchmark, not a test: the worst single insert into the keyspace
//! dictionary while it grows to N keys, in thread CPU time (so that time
//! the process spends descheduled on a busy machine does not count).
//!
//! ```text
//! cargo run --release --example dict_latency -- 5000000
//! ```
//!
//! The dictionary grows by incremental rehashing, so no insert should pay
//! for moving the whole table; the issue's bound is 2 ms per command.

use std::time::Duration;

use ferrodis::server::dict::Dict;

/// CPU time of the calling thread.
fn thread_cpu_time() -> Duration {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime only writes into the timespec we pass.
    unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
}

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(5_000_000);
    let mut dict: Dict<u64> = Dict::new();
    let mut worst = (Duration::ZERO, 0);
    let mut over_1ms = 0;
    let start = thread_cpu_time();
    for i in 0..n {
        let key = format!("key:{i:012}");
        let t = thread_cpu_time();
        dict.insert(key.as_bytes(), i as u64);
        let spent = thread_cpu_time() - t;
        if spent > Duration::from_millis(1) {
            over_1ms += 1;
        }
        if spent > worst.0 {
            worst = (spent, i);
        }
    }
    let total = thread_cpu_time() - start;
    println!(
        "{n} inserts in {total:?} CPU; worst single insert {:?} (at key {}); {over_1ms} inserts over 1 ms; {} buckets",
        worst.0,
        worst.1,
        dict.buckets()
    );
}
