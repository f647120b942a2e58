//! `ferrodis-check-rdb FILE`: reads an RDB file the way the server loads
//! it and says what it holds, or where it is corrupt (Redis's
//! `redis-check-rdb`).
//!
//! Exit status 0 means the server would load the file; 1 means it would
//! refuse it, and the last line names the fault and its byte offset.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::BufReader;
use std::process::ExitCode;

use ferrodis::rdb::file::{self, LoadedKey, Sink};
use ferrodis::server::config::Config;
use ferrodis::server::{persistence, Server};

/// Counts what the file holds, per database and type.
#[derive(Default)]
struct Census {
    /// db → type → keys.
    keys: BTreeMap<usize, BTreeMap<&'static str, u64>>,
    total: u64,
    expires: u64,
    already_expired: u64,
    empty: u64,
    now_ms: i64,
}

impl Sink for Census {
    fn aux(&mut self, key: &[u8], value: &[u8]) {
        println!(
            "AUX FIELD {} = '{}'",
            String::from_utf8_lossy(key),
            String::from_utf8_lossy(value)
        );
    }

    fn select_db(&mut self, db: u64) -> Result<(), String> {
        println!("Selecting DB ID {db}");
        Ok(())
    }

    fn key(&mut self, k: LoadedKey<'_>) -> Result<(), String> {
        self.total += 1;
        if let Some(when) = k.expire_ms {
            self.expires += 1;
            if when < self.now_ms {
                self.already_expired += 1;
            }
        }
        *self
            .keys
            .entry(k.db)
            .or_default()
            .entry(k.value.type_name())
            .or_default() += 1;
        Ok(())
    }

    fn empty_key(&mut self, db: usize, key: &[u8]) {
        self.empty += 1;
        println!(
            "Empty key '{}' in db {db} (the server skips it)",
            String::from_utf8_lossy(key)
        );
    }

    fn skipped(&mut self, what: &str) {
        println!("Skipping {what}");
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().collect();
    let [_, path] = &args[..] else {
        eprintln!("Usage: ferrodis-check-rdb <rdb-file-name>");
        return ExitCode::from(1);
    };
    println!("Checking RDB file {path}");
    let f = match File::open(path) {
        Ok(f) => f,
        Err(e) => {
            println!("--- RDB ERROR DETECTED ---");
            println!("Cannot open {path}: {e}");
            return ExitCode::from(1);
        }
    };
    let limits = persistence::load_limits(&Server::new(Config::new(), None));
    let mut census = Census {
        now_ms: std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis() as i64)
            .unwrap_or(0),
        ..Census::default()
    };
    match file::load(BufReader::new(f), &mut census, &limits) {
        Ok(summary) => {
            println!("RDB version {}", summary.version);
            if summary.checksum_verified {
                println!("[offset {}] Checksum OK", summary.length);
            } else if summary.version >= 5 {
                println!(
                    "[offset {}] Checksum not computed (rdbchecksum no)",
                    summary.length
                );
            }
            println!("[info] {} keys read", census.total);
            println!("[info] {} expires", census.expires);
            println!("[info] {} already expired", census.already_expired);
            for (db, types) in &census.keys {
                let parts: Vec<String> = types.iter().map(|(t, n)| format!("{t}={n}")).collect();
                println!("[info] db {db}: {}", parts.join(" "));
            }
            println!("RDB looks OK");
            ExitCode::SUCCESS
        }
        Err(e) => {
            println!("[info] {} keys read before the fault", census.total);
            println!("--- RDB ERROR DETECTED ---");
            match e {
                ferrodis::rdb::Error::Corrupt { offset, what } => {
                    println!("[offset {offset}] {what}")
                }
                other => println!("{other}"),
            }
            ExitCode::from(1)
        }
    }
}
