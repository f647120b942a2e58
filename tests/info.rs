//! INFO (server.c `infoCommand`, `genRedisInfoString`) checked against
//! Redis 7.0.15: which sections a request selects, the exact framing of
//! the reply, the field names and their order (compared with a live
//! `redis-server`), and that the counters move when they should.
//!
//! Fields are read through the `redis` crate's `InfoDict`, as clients and
//! exporters read them. That client sends `CLIENT SETINFO` twice when it
//! connects (an error on Redis 7.0), so counters are compared as deltas.
//! Every test built on `Server::start` also passes with
//! `FERRODIS_TEST_TARGET=redis`, except for the checks of the event-loop
//! fields Redis added in 7.2, which are skipped there by an explicit `if`.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use common::{assert_reply, mbulk, read_n, wait_until, Kind, Server, DEADLINE};

/// INFO with the given arguments, as text.
fn info(con: &mut redis::Connection, sections: &[&str]) -> String {
    redis::cmd("INFO")
        .arg(sections)
        .query(con)
        .expect("INFO replies")
}

/// INFO parsed by the client library.
fn info_dict(con: &mut redis::Connection, sections: &[&str]) -> redis::InfoDict {
    redis::cmd("INFO")
        .arg(sections)
        .query(con)
        .expect("INFO parses as an InfoDict")
}

/// A numeric field, failing the test if it is missing or not a number.
fn num(dict: &redis::InfoDict, field: &str) -> u64 {
    dict.get::<u64>(field)
        .unwrap_or_else(|| panic!("INFO has no numeric field {field}"))
}

/// A numeric field of INFO `section`, read now.
fn field(con: &mut redis::Connection, section: &str, name: &str) -> u64 {
    num(&info_dict(con, &[section]), name)
}

/// One `name=value` part of a compound value such as
/// `keys=3,expires=0,avg_ttl=0` or `calls=2,usec=5,...`.
fn part(value: &str, name: &str) -> Option<u64> {
    value.split(',').find_map(|kv| {
        let (k, v) = kv.split_once('=')?;
        (k == name).then(|| v.parse().ok())?
    })
}

/// A part of a compound field, or 0 when the field is absent (Redis omits
/// commands never called and codes never sent).
fn compound(con: &mut redis::Connection, section: &str, name: &str, key: &str) -> u64 {
    info_dict(con, &[section])
        .get::<String>(name)
        .and_then(|v| part(&v, key))
        .unwrap_or(0)
}

/// The `# Title` headers of an INFO text, in order.
fn headers(text: &str) -> Vec<String> {
    text.lines()
        .filter_map(|l| l.strip_prefix("# "))
        .map(str::to_string)
        .collect()
}

/// Polls `cond` until it holds, failing the test with `what` at the deadline.
fn eventually(what: &str, cond: impl FnMut() -> bool) {
    assert!(wait_until(DEADLINE, cond), "timed out waiting for {what}");
}

const DEFAULT: &[&str] = &[
    "Server",
    "Clients",
    "Memory",
    "Persistence",
    "Stats",
    "Replication",
    "CPU",
    "Modules",
    "Errorstats",
    "Cluster",
    "Keyspace",
];

const ALL: &[&str] = &[
    "Server",
    "Clients",
    "Memory",
    "Persistence",
    "Stats",
    "Replication",
    "CPU",
    "Modules",
    "Commandstats",
    "Errorstats",
    "Latencystats",
    "Cluster",
    "Keyspace",
];

#[test]
fn a_client_library_parses_the_fields() {
    let server = Server::start(&[]);
    let mut con = server.client();
    let d = info_dict(&mut con, &[]);
    assert_eq!(d.get::<String>("redis_version").as_deref(), Some("7.0.15"));
    assert_eq!(d.get::<String>("redis_mode").as_deref(), Some("standalone"));
    assert_eq!(num(&d, "tcp_port"), u64::from(server.port));
    assert_eq!(num(&d, "process_id"), u64::from(server.pid()));
    assert_eq!(num(&d, "arch_bits"), 64);
    let run_id: String = d.get("run_id").expect("run_id");
    assert_eq!(run_id.len(), 40);
    assert!(run_id.bytes().all(|b| b.is_ascii_hexdigit()), "{run_id}");
    assert_eq!(num(&d, "hz"), 10);
    assert!(num(&d, "connected_clients") >= 1);
    assert_eq!(num(&d, "maxclients"), 10000);
    assert_eq!(num(&d, "blocked_clients"), 0);
    assert!(num(&d, "used_memory") > 0);
    assert!(num(&d, "used_memory_rss") > 0);
    assert!(num(&d, "used_memory_peak") >= num(&d, "used_memory_startup"));
    let human: String = d.get("used_memory_human").expect("used_memory_human");
    let (figure, unit) = human.split_at(human.len() - 1);
    assert!(["B", "K", "M", "G"].contains(&unit), "{human}");
    assert!(figure.parse::<f64>().is_ok(), "{human}");
    assert_eq!(num(&d, "maxmemory"), 0);
    assert_eq!(
        d.get::<String>("maxmemory_policy").as_deref(),
        Some("noeviction")
    );
    let frag: f64 = d.get("mem_fragmentation_ratio").expect("fragmentation");
    assert!(frag > 0.0);
    assert_eq!(num(&d, "loading"), 0);
    assert_eq!(num(&d, "aof_enabled"), 0);
    assert_eq!(num(&d, "rdb_bgsave_in_progress"), 0);
    assert_eq!(
        d.get::<String>("rdb_last_bgsave_status").as_deref(),
        Some("ok")
    );
    assert_eq!(d.get::<String>("role").as_deref(), Some("master"));
    assert_eq!(num(&d, "connected_slaves"), 0);
    assert_eq!(
        d.get::<String>("master_failover_state").as_deref(),
        Some("no-failover")
    );
    let replid: String = d.get("master_replid").expect("master_replid");
    assert_eq!(replid.len(), 40);
    assert_ne!(replid, run_id);
    assert_eq!(
        d.get::<String>("master_replid2").as_deref(),
        Some("0000000000000000000000000000000000000000")
    );
    assert_eq!(d.get::<i64>("second_repl_offset"), Some(-1));
    assert_eq!(num(&d, "repl_backlog_size"), 1_048_576);
    let cpu: f64 = d.get("used_cpu_user").expect("used_cpu_user");
    assert!(cpu >= 0.0);
    assert_eq!(num(&d, "cluster_enabled"), 0);
    // An empty server lists no database.
    assert!(!d.contains_key(&"db0"));
    // Another process, another run id.
    let other = Server::start(&[]);
    let other_id: Option<String> = info_dict(&mut other.client(), &["server"]).get("run_id");
    assert_ne!(other_id, Some(run_id));
}

#[test]
fn sections_are_selected_like_redis() {
    let server = Server::start(&[]);
    let mut con = server.client();
    assert_eq!(headers(&info(&mut con, &[])), DEFAULT);
    assert_eq!(headers(&info(&mut con, &["default"])), DEFAULT);
    assert_eq!(headers(&info(&mut con, &["all"])), ALL);
    assert_eq!(headers(&info(&mut con, &["everything"])), ALL);
    assert_eq!(headers(&info(&mut con, &["EVERYthing"])), ALL);
    assert_eq!(headers(&info(&mut con, &["server"])), ["Server"]);
    assert_eq!(headers(&info(&mut con, &["KEYSPACE"])), ["Keyspace"]);
    assert_eq!(headers(&info(&mut con, &["modules"])), ["Modules"]);
    // Several sections (7.0): INFO's order, whatever the order asked.
    assert_eq!(
        headers(&info(&mut con, &["keyspace", "Cpu", "server"])),
        ["Server", "CPU", "Keyspace"]
    );
    assert_eq!(headers(&info(&mut con, &["cpu", "cpu"])), ["CPU"]);
    let mut with_stats: Vec<&str> = DEFAULT.to_vec();
    with_stats.insert(8, "Commandstats");
    assert_eq!(
        headers(&info(&mut con, &["commandstats", "default"])),
        with_stats
    );
    assert_eq!(headers(&info(&mut con, &["all", "server"])), ALL);
    // Unknown sections select nothing.
    assert_eq!(info(&mut con, &["nosuchsection"]), "");
    assert_eq!(
        headers(&info(&mut con, &["nosuchsection", "cluster"])),
        ["Cluster"]
    );
    // A section's fields belong to it alone.
    let server_only = info_dict(&mut con, &["server"]);
    assert!(server_only.contains_key(&"redis_version"));
    assert!(!server_only.contains_key(&"connected_clients"));
    assert!(!info_dict(&mut con, &[]).contains_key(&"latency_percentiles_usec_info"));
}

#[test]
fn replies_are_framed_byte_for_byte() {
    let server = Server::start(&[]);
    let mut s = server.connect();
    let cluster = "# Cluster\r\ncluster_enabled:0\r\n";
    assert_reply(
        &mut s,
        b"INFO cluster\r\n",
        format!("${}\r\n{cluster}\r\n", cluster.len()).as_bytes(),
    );
    // An empty line between sections, none after the last.
    let two = format!("# Modules\r\n\r\n{cluster}");
    assert_reply(
        &mut s,
        &mbulk(&[b"INFO", b"Cluster", b"MODULES"]),
        format!("${}\r\n{two}\r\n", two.len()).as_bytes(),
    );
    assert_reply(&mut s, b"INFO nosuchsection\r\n", b"$0\r\n\r\n");
    // RESP3: a verbatim string of type txt.
    s.write_all(b"HELLO 3\r\n").expect("write");
    skip_reply(&mut s);
    assert_reply(
        &mut s,
        b"INFO cluster\r\n",
        format!("={}\r\ntxt:{cluster}\r\n", cluster.len() + 4).as_bytes(),
    );
    assert_reply(&mut s, b"INFO nosuchsection\r\n", b"=4\r\ntxt:\r\n");
}

/// Reads and drops one reply of any shape (enough for HELLO's map).
fn skip_reply(s: &mut TcpStream) {
    let line = read_line(s);
    let n: i64 = line[1..].parse().unwrap_or(0);
    match line.as_bytes()[0] {
        b'$' | b'=' if n >= 0 => {
            read_n(s, n as usize + 2);
        }
        b'*' | b'~' | b'>' => (0..n).for_each(|_| skip_reply(s)),
        b'%' => (0..2 * n).for_each(|_| skip_reply(s)),
        _ => {}
    }
}

/// One CRLF-terminated line, without the CRLF.
fn read_line(s: &mut TcpStream) -> String {
    let mut line = Vec::new();
    let mut byte = [0u8; 1];
    while !line.ends_with(b"\r\n") {
        s.read_exact(&mut byte).expect("read a reply line");
        line.push(byte[0]);
    }
    line.truncate(line.len() - 2);
    String::from_utf8(line).expect("reply line is UTF-8")
}

/// Sends one command over a raw socket and reads its reply: a bulk
/// string's payload, or the line of any other reply (`$-1` for a null).
fn raw(s: &mut TcpStream, args: &[&str]) -> String {
    let args: Vec<&[u8]> = args.iter().map(|a| a.as_bytes()).collect();
    s.write_all(&mbulk(&args)).expect("write");
    let line = read_line(s);
    if let Some(Ok(n)) = line.strip_prefix('$').map(str::parse::<usize>) {
        let body = read_n(s, n + 2);
        return String::from_utf8_lossy(&body[..n]).into_owned();
    }
    line
}

/// INFO's text split into sections, each a list of (name, value).
fn parse(text: &str) -> Vec<(String, Vec<(String, String)>)> {
    let mut sections: Vec<(String, Vec<(String, String)>)> = Vec::new();
    for line in text.split("\r\n").filter(|l| !l.is_empty()) {
        if let Some(title) = line.strip_prefix("# ") {
            sections.push((title.to_string(), Vec::new()));
        } else if let (Some((name, value)), Some(last)) =
            (line.split_once(':'), sections.last_mut())
        {
            last.1.push((name.to_string(), value.to_string()));
        }
    }
    sections
}

/// Redis fields ferrodis does not print. Empty: every field of Redis
/// 7.0.15's `INFO everything` is there (features ferrodis lacks report
/// Redis's idle values). A field may only be added here with a comment
/// saying why it cannot be provided.
const ALLOWED_MISSING: &[&str] = &[];

/// Fields ferrodis adds: its own version, and the event-loop statistics
/// of Redis 7.2.
const FERRODIS_EXTRAS: &[&str] = &[
    "ferrodis_version",
    "eventloop_cycles",
    "eventloop_duration_sum",
    "eventloop_duration_cmd_sum",
    "instantaneous_eventloop_cycles_per_sec",
    "instantaneous_eventloop_duration_usec",
];

/// Runs the same commands on a server and returns its `INFO everything`.
fn everything_after_a_workload(server: &Server) -> Vec<(String, Vec<(String, String)>)> {
    let mut s = server.connect();
    assert_eq!(raw(&mut s, &["SET", "k", "v"]), "+OK");
    assert_eq!(raw(&mut s, &["GET", "k"]), "v");
    assert_eq!(raw(&mut s, &["GET", "missing"]), "$-1");
    assert!(raw(&mut s, &["NOSUCHCOMMAND"]).starts_with("-ERR unknown command"));
    assert!(raw(&mut s, &["GET"]).starts_with("-ERR wrong number of arguments"));
    parse(&raw(&mut s, &["INFO", "everything"]))
}

#[test]
fn fields_match_a_live_redis() {
    let candidate = Server::start(&[]);
    let redis = Server::start_redis(&[]);
    let ours = everything_after_a_workload(&candidate);
    let theirs = everything_after_a_workload(&redis);
    let titles = |s: &[(String, Vec<(String, String)>)]| -> Vec<String> {
        s.iter().map(|(t, _)| t.clone()).collect()
    };
    assert_eq!(titles(&ours), titles(&theirs), "section headers");

    for ((title, our_fields), (_, their_fields)) in ours.iter().zip(&theirs) {
        let our_names: Vec<&str> = our_fields.iter().map(|(n, _)| n.as_str()).collect();
        let their_names: Vec<&str> = their_fields.iter().map(|(n, _)| n.as_str()).collect();
        match title.as_str() {
            // Per-command lines: the same commands, the same counts
            // (durations differ), in no promised order.
            "Commandstats" => {
                let counts = |fields: &[(String, String)]| -> BTreeMap<String, Vec<Option<u64>>> {
                    fields
                        .iter()
                        .map(|(n, v)| {
                            let keys = ["calls", "rejected_calls", "failed_calls"];
                            (n.clone(), keys.iter().map(|k| part(v, k)).collect())
                        })
                        .collect()
                };
                assert_eq!(counts(our_fields), counts(their_fields), "{title}");
            }
            "Latencystats" => {
                let set = |names: &[&str]| -> BTreeSet<String> {
                    names.iter().map(|n| n.to_string()).collect()
                };
                assert_eq!(set(&our_names), set(&their_names), "{title}");
            }
            // Error codes and databases: exactly Redis's lines.
            "Errorstats" | "Keyspace" => assert_eq!(our_fields, their_fields, "{title}"),
            _ => {
                let missing: Vec<&str> = their_names
                    .iter()
                    .filter(|n| !our_names.contains(n) && !ALLOWED_MISSING.contains(n))
                    .copied()
                    .collect();
                assert!(missing.is_empty(), "# {title}: missing {missing:?}");
                let extra: Vec<&str> = our_names
                    .iter()
                    .filter(|n| !their_names.contains(n) && !FERRODIS_EXTRAS.contains(n))
                    .copied()
                    .collect();
                assert!(extra.is_empty(), "# {title}: unexpected {extra:?}");
                // Redis's fields come in Redis's order.
                let shared: Vec<&str> = our_names
                    .iter()
                    .filter(|n| their_names.contains(n))
                    .copied()
                    .collect();
                let expected: Vec<&str> = their_names
                    .iter()
                    .filter(|n| our_names.contains(n))
                    .copied()
                    .collect();
                assert_eq!(shared, expected, "# {title}: field order");
            }
        }
    }
}

#[test]
fn command_counters_move() {
    let server = Server::start(&[]);
    let mut con = server.client();
    let err_count = compound(&mut con, "errorstats", "errorstat_ERR", "count");
    let before = info_dict(&mut con, &["stats"]);
    let (hits, misses) = (
        num(&before, "keyspace_hits"),
        num(&before, "keyspace_misses"),
    );
    let errors = num(&before, "total_error_replies");
    let processed = num(&before, "total_commands_processed");

    for (k, v) in [("a", "1"), ("b", "2"), ("c", "3")] {
        let _: () = redis::cmd("SET")
            .arg(k)
            .arg(v)
            .query(&mut con)
            .expect("SET");
    }
    let _: () = redis::cmd("SET")
        .arg("d")
        .arg("4")
        .arg("EX")
        .arg(1000)
        .query(&mut con)
        .expect("SET EX");
    let _: Option<String> = redis::cmd("GET").arg("a").query(&mut con).expect("GET");
    let _: Option<String> = redis::cmd("GET").arg("nope").query(&mut con).expect("GET");
    assert!(redis::cmd("NOSUCHCOMMAND").query::<()>(&mut con).is_err());
    assert!(redis::cmd("GET").query::<()>(&mut con).is_err());
    assert!(redis::cmd("INCR")
        .arg("a")
        .arg("x")
        .query::<()>(&mut con)
        .is_err());

    let after = info_dict(&mut con, &["stats"]);
    assert_eq!(num(&after, "keyspace_hits"), hits + 1);
    assert_eq!(num(&after, "keyspace_misses"), misses + 1);
    assert_eq!(num(&after, "total_error_replies"), errors + 3);
    // 6 commands ran; the unknown one and the two with a wrong arity did
    // not; the INFO before them did.
    assert_eq!(num(&after, "total_commands_processed"), processed + 7);
    assert_eq!(
        compound(&mut con, "errorstats", "errorstat_ERR", "count"),
        err_count + 3
    );
    assert_eq!(
        compound(&mut con, "commandstats", "cmdstat_set", "calls"),
        4
    );
    assert_eq!(
        compound(&mut con, "commandstats", "cmdstat_get", "calls"),
        2
    );
    assert_eq!(
        compound(&mut con, "commandstats", "cmdstat_get", "rejected_calls"),
        1
    );
    assert_eq!(
        compound(&mut con, "commandstats", "cmdstat_incr", "rejected_calls"),
        1
    );
    let keyspace: String = info_dict(&mut con, &["keyspace"])
        .get("db0")
        .expect("db0 is listed");
    assert_eq!(part(&keyspace, "keys"), Some(4), "{keyspace}");
    assert_eq!(part(&keyspace, "expires"), Some(1), "{keyspace}");
    assert!(part(&keyspace, "avg_ttl").is_some(), "{keyspace}");
    let latency: String = info_dict(&mut con, &["latencystats"])
        .get("latency_percentiles_usec_set")
        .expect("SET has a latency line");
    assert!(
        latency.starts_with("p50=") && latency.contains(",p99=") && latency.contains(",p99.9="),
        "{latency}"
    );
    // A failing command counts as failed.
    let _: () = redis::cmd("SET")
        .arg("s")
        .arg("x")
        .query(&mut con)
        .expect("SET");
    assert!(redis::cmd("INCR").arg("s").query::<()>(&mut con).is_err());
    assert_eq!(
        compound(&mut con, "commandstats", "cmdstat_incr", "failed_calls"),
        1
    );
}

#[test]
fn expired_keys_are_counted() {
    let server = Server::start(&[]);
    let mut con = server.client();
    let before = field(&mut con, "stats", "expired_keys");
    let _: () = redis::cmd("SET")
        .arg("gone")
        .arg("v")
        .arg("PX")
        .arg(1)
        .query(&mut con)
        .expect("SET PX");
    // Nobody touches the key: the active expiry cycle must find it.
    eventually("expired_keys to count the key", || {
        field(&mut con, "stats", "expired_keys") > before
    });
    eventually("the keyspace to be empty", || {
        !info_dict(&mut con, &["keyspace"]).contains_key(&"db0")
    });
}

#[test]
fn client_counts_follow_connections() {
    let server = Server::start(&["--maxclients", "3"]);
    let mut con = server.client();
    eventually("one client", || {
        field(&mut con, "clients", "connected_clients") == 1
    });
    assert_eq!(field(&mut con, "clients", "maxclients"), 3);
    let accepted_before = field(&mut con, "stats", "total_connections_received");
    let held: Vec<TcpStream> = (0..2).map(|_| server.connect()).collect();
    eventually("three clients", || {
        field(&mut con, "clients", "connected_clients") == 3
    });
    // The fourth is over maxclients: told so, closed, and counted.
    let mut extra = server.connect();
    let (reply, closed) = common::read_to_close(&mut extra, DEADLINE);
    assert!(closed, "the extra connection is closed");
    assert!(
        String::from_utf8_lossy(&reply).starts_with("-ERR max number of clients reached"),
        "{reply:?}"
    );
    assert_eq!(field(&mut con, "stats", "rejected_connections"), 1);
    assert_eq!(
        field(&mut con, "stats", "total_connections_received"),
        accepted_before + 2
    );
    drop(held);
    eventually("one client again", || {
        field(&mut con, "clients", "connected_clients") == 1
    });
}

#[test]
fn used_memory_follows_the_data() {
    const SIZE: u64 = 10 * 1024 * 1024;
    let server = Server::start(&[]);
    let mut con = server.client();
    let before = field(&mut con, "memory", "used_memory");
    let value = vec![b'x'; SIZE as usize];
    let _: () = redis::cmd("SET")
        .arg("big")
        .arg(value)
        .query(&mut con)
        .expect("SET a 10 MB value");
    let stored = field(&mut con, "memory", "used_memory");
    assert!(stored >= before + SIZE, "{before} -> {stored}");
    assert!(field(&mut con, "memory", "used_memory_peak") >= stored);
    // The dataset is used memory less an estimate of the overhead.
    let dataset = field(&mut con, "memory", "used_memory_dataset");
    assert!(dataset >= SIZE / 10 * 9, "used_memory_dataset {dataset}");
    let _: () = redis::cmd("FLUSHALL").query(&mut con).expect("FLUSHALL");
    eventually("used_memory to drop by the value", || {
        field(&mut con, "memory", "used_memory") + SIZE <= stored
    });
    // The peak remembers.
    assert!(field(&mut con, "memory", "used_memory_peak") >= stored);
}

#[test]
fn instantaneous_ops_per_sec_rises_under_load() {
    let server = Server::start(&[]);
    let mut con = server.client();
    let stop = Arc::new(AtomicBool::new(false));
    let mut load = server.connect();
    let flag = stop.clone();
    let worker = std::thread::spawn(move || {
        while !flag.load(Ordering::Relaxed) {
            assert_reply(&mut load, b"PING\r\n", b"+PONG\r\n");
        }
    });
    // Samples are taken every 100 ms and averaged over 16 of them.
    let risen = wait_until(DEADLINE, || {
        field(&mut con, "stats", "instantaneous_ops_per_sec") > 0
    });
    let input_risen = wait_until(DEADLINE, || {
        let d = info_dict(&mut con, &["stats"]);
        d.get::<f64>("instantaneous_input_kbps").unwrap_or(0.0) > 0.0
    });
    stop.store(true, Ordering::Relaxed);
    worker.join().expect("load thread");
    assert!(risen, "instantaneous_ops_per_sec stayed 0 under load");
    assert!(input_risen, "instantaneous_input_kbps stayed 0 under load");
}

#[test]
fn event_loop_cycles_are_counted() {
    let server = Server::start(&[]);
    // The event-loop fields are Redis 7.2's; Redis 7.0 has none to check.
    if server.kind == Kind::Redis {
        return;
    }
    let mut con = server.client();
    // Not every command is a new cycle (before_sleep may read and run the
    // next request of a client it has just answered), but cron alone
    // wakes the loop 10 times a second.
    let first = field(&mut con, "stats", "eventloop_cycles");
    eventually("eventloop_cycles to grow", || {
        field(&mut con, "stats", "eventloop_cycles") > first
    });
    eventually("a cycle duration", || {
        field(&mut con, "stats", "eventloop_duration_sum") > 0
    });
    // Sampled every 100 ms: the rate is soon above 0.
    eventually("instantaneous_eventloop_cycles_per_sec", || {
        field(&mut con, "stats", "instantaneous_eventloop_cycles_per_sec") > 0
    });
    let d = info_dict(&mut con, &["stats"]);
    assert!(num(&d, "eventloop_duration_cmd_sum") <= num(&d, "eventloop_duration_sum"));
    assert!(d.contains_key(&"instantaneous_eventloop_duration_usec"));
}
