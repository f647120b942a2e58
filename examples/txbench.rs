//! A load generator for what redis-benchmark cannot send: pipelines of
//! transactions (`MULTI`, `SET`, `EXEC`). A benchmark, not a test.
//!
//! ```text
//! cargo run --release --example txbench -- PORT [CLIENTS] [PIPELINE] [TRANSACTIONS] [SERVER_PID]
//! ```
//!
//! Each of CLIENTS connections sends PIPELINE transactions at a time and
//! waits for their replies, until TRANSACTIONS have run in all. It prints
//! transactions per second and, given the server's pid, the server's CPU
//! microseconds per transaction (from /proc/PID/stat). Run it against
//! ferrodis and redis-server on the same machine and compare.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Instant;

/// The reply to one `MULTI` / `SET` / `EXEC`.
const REPLY: &[u8] = b"+OK\r\n+QUEUED\r\n*1\r\n+OK\r\n";

fn arg<T: std::str::FromStr>(args: &[String], i: usize, default: T) -> T {
    args.get(i).and_then(|a| a.parse().ok()).unwrap_or(default)
}

/// The server's CPU time (user + system) in clock ticks.
fn cpu_ticks(pid: u32) -> Option<u64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // Fields after the command name, which is in parentheses.
    let rest = stat.rsplit_once(')')?.1;
    let fields: Vec<&str> = rest.split_whitespace().collect();
    let utime: u64 = fields.get(11)?.parse().ok()?;
    let stime: u64 = fields.get(12)?.parse().ok()?;
    Some(utime + stime)
}

fn client(port: u16, pipeline: usize, left: Arc<AtomicUsize>, id: usize) -> std::io::Result<()> {
    let mut s = TcpStream::connect(("127.0.0.1", port))?;
    s.set_nodelay(true)?;
    let key = format!("tx:{id}");
    let one = format!(
        "*1\r\n$5\r\nMULTI\r\n*3\r\n$3\r\nSET\r\n${}\r\n{key}\r\n$5\r\nvalue\r\n*1\r\n$4\r\nEXEC\r\n",
        key.len()
    );
    let batch = one.repeat(pipeline);
    let want = REPLY.len() * pipeline;
    let mut buf = vec![0u8; want];
    loop {
        let prev = left.fetch_sub(pipeline, Ordering::Relaxed);
        if prev < pipeline || prev > usize::MAX / 2 {
            return Ok(());
        }
        s.write_all(batch.as_bytes())?;
        s.read_exact(&mut buf)?;
        if !buf.chunks(REPLY.len()).all(|r| r == REPLY) {
            return Err(std::io::Error::other(format!(
                "unexpected reply: {:?}",
                String::from_utf8_lossy(&buf[..buf.len().min(200)])
            )));
        }
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let Some(port) = args.get(1).and_then(|p| p.parse::<u16>().ok()) else {
        eprintln!("usage: txbench PORT [CLIENTS] [PIPELINE] [TRANSACTIONS] [SERVER_PID]");
        std::process::exit(2);
    };
    let clients: usize = arg(&args, 2, 50);
    let pipeline: usize = arg(&args, 3, 16).max(1);
    let total: usize = arg(&args, 4, 1_000_000);
    let pid: Option<u32> = args.get(5).and_then(|p| p.parse().ok());
    let left = Arc::new(AtomicUsize::new(total));
    let cpu0 = pid.and_then(cpu_ticks);
    let start = Instant::now();
    let threads: Vec<_> = (0..clients)
        .map(|i| {
            let left = left.clone();
            std::thread::spawn(move || client(port, pipeline, left, i))
        })
        .collect();
    for t in threads {
        match t.join() {
            Ok(Ok(())) => {}
            Ok(Err(e)) => eprintln!("client error: {e}"),
            Err(_) => eprintln!("client thread panicked"),
        }
    }
    let secs = start.elapsed().as_secs_f64();
    let done = total - total % pipeline;
    print!(
        "transactions {done}  seconds {secs:.3}  tx/s {:.0}",
        done as f64 / secs
    );
    if let (Some(pid), Some(c0)) = (pid, cpu0) {
        if let Some(c1) = cpu_ticks(pid) {
            // Clock ticks are 1/100 s on Linux.
            let us = (c1 - c0) as f64 * 10_000.0 / done as f64;
            print!("  server cpu us/tx {us:.2}");
        }
    }
    println!();
}
