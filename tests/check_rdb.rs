//! `ferrodis-check-rdb FILE`, the counterpart of redis-check-rdb: exit 0
//! on a good file and describe it (RDB version, AUX fields, keys per db
//! and per type); exit non-zero on a damaged one and say what is wrong and
//! at which byte offset. Its verdicts are compared with redis-check-rdb's
//! on the same files (interop: that part needs redis-tools).
//!
//! The binary's path comes from `option_env!`, so this file compiles
//! before the binary exists; until then every test fails saying so.
//! The files come from the server under test (ferrodis, or redis-server
//! with `FERRODIS_TEST_TARGET=redis`) and from redis-server.

mod common;

use std::fs;
use std::process::{Command, Output};

use common::{have_program, Conn, Kind, Server, TestDir};

const BASE: &[&str] = &["--enable-debug-command", "yes", "--save", ""];

/// The checker under test: ferrodis-check-rdb, or redis-check-rdb itself
/// with `FERRODIS_TEST_TARGET=redis` (then only what both print is checked:
/// the verdict, the AUX fields, the key count and the offset of an error).
fn checker() -> (&'static str, Kind) {
    if Server::target_kind() == Kind::Redis {
        return ("redis-check-rdb", Kind::Redis);
    }
    match option_env!("CARGO_BIN_EXE_ferrodis-check-rdb") {
        Some(path) => (path, Kind::Ferrodis),
        None => panic!("the ferrodis-check-rdb binary is not built (no [[bin]] of that name yet)"),
    }
}

fn run(program: &str, file: &std::path::Path) -> Output {
    Command::new(program)
        .arg(file)
        .output()
        .unwrap_or_else(|e| panic!("run {program}: {e}"))
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// A dataset of known shape, saved by `kind`: db 0 holds 4 strings,
/// 2 lists, 1 hash, 2 sets and 1 zset (10 keys, one with a TTL); db 5
/// holds 3 keys. Returns the file's bytes.
fn saved_file(kind: Kind) -> Vec<u8> {
    let dir = TestDir::new("check-rdb-src");
    let mut server = Server::start_in(kind, &dir.path, BASE);
    let mut c = Conn::open(&server);
    for args in [
        &["SET", "s1", "hello"][..],
        &["SET", "s2", "12345"],
        &["SET", "s3", &"x".repeat(100)],
        &["SET", "s4", "v", "PX", "100000000"],
        &["RPUSH", "l1", "a", "b", "c"],
        &["RPUSH", "l2", "1", "2"],
        &["HSET", "h1", "f", "v"],
        &["SADD", "set1", "1", "2", "3"],
        &["SADD", "set2", "a", "b"],
        &["ZADD", "z1", "1.5", "a", "2", "b"],
        &["SELECT", "5"],
        &["SET", "db5-a", "1"],
        &["SET", "db5-b", "2"],
        &["HSET", "db5-h", "f", "v"],
    ] {
        let reply = c.call(args);
        assert!(!reply.starts_with('-'), "{args:?} -> {reply}");
    }
    c.expect(&["SAVE"], "+OK\r\n");
    server.kill();
    fs::read(dir.file("dump.rdb")).expect("dump.rdb")
}

fn good_file_passes(kind: Kind) {
    let bytes = saved_file(kind);
    let dir = TestDir::new("check-rdb-good");
    let file = dir.file("dump.rdb");
    fs::write(&file, &bytes).expect("write");
    let (bin, which) = checker();
    let out = run(bin, &file);
    let said = text(&out);
    assert!(
        out.status.success(),
        "{kind:?} file refused: {:?}\n{said}",
        out.status
    );
    let lower = said.to_lowercase();
    assert!(
        said.contains("redis-ver"),
        "AUX fields not listed in:\n{said}"
    );
    assert!(
        said.contains("13"),
        "13 keys in all not reported in:\n{said}"
    );
    if which == Kind::Ferrodis {
        // redis-check-rdb names neither the version nor the types.
        assert!(lower.contains("version"), "no RDB version in:\n{said}");
        assert!(said.contains("10"), "RDB version 10 not named in:\n{said}");
        for t in ["string", "list", "hash", "set", "zset"] {
            assert!(lower.contains(t), "type {t} not counted in:\n{said}");
        }
    }
    assert!(
        fs::read(&file).expect("read") == bytes,
        "the checker modified the file"
    );
    if have_program("redis-check-rdb") {
        let theirs = run("redis-check-rdb", &file);
        assert!(
            theirs.status.success(),
            "redis-check-rdb disagrees:\n{}",
            text(&theirs)
        );
    }
}

#[test]
fn good_file_from_the_server_under_test_passes() {
    good_file_passes(Server::target_kind());
}

// Interop: needs redis-server.
#[test]
fn good_file_from_redis_passes() {
    if !have_program("redis-server") {
        eprintln!("redis-server is not installed; skipping");
        return;
    }
    good_file_passes(Kind::Redis);
}

// Damaged files: truncated, a byte flipped, a key length past the end (with
// the CRC fixed, so the parser meets it). Each is refused with a non-zero
// exit and an offset, and redis-check-rdb agrees that it is bad. A file with
// a zero CRC (rdbchecksum no) is good for both.
#[test]
fn damaged_files_are_reported_with_an_offset() {
    let kind = if have_program("redis-server") {
        Kind::Redis
    } else {
        Server::target_kind()
    };
    let good = saved_file(kind);
    let n = good.len();
    let mut cases: Vec<(String, Vec<u8>, bool)> = Vec::new();
    for cut in [0, 5, 9, 30, n / 2, n - 9, n - 8, n - 1] {
        cases.push((format!("truncated to {cut}"), good[..cut].to_vec(), false));
    }
    for at in [0, n / 3, n / 2, n - 2] {
        let mut f = good.clone();
        f[at] ^= 0xFF;
        cases.push((format!("byte {at} flipped"), f, false));
    }
    // A key whose value length runs past the end, before the EOF opcode.
    let mut lying = good[..n - 9].to_vec();
    lying.extend_from_slice(&[0x00, 0x01, b'k', 0x40, 200, b'a', b'b', 0xFF]);
    let crc = common::crc64(&lying);
    lying.extend_from_slice(&crc.to_le_bytes());
    cases.push(("value length past the end".into(), lying, false));
    let mut no_crc = good.clone();
    no_crc[n - 8..].fill(0);
    cases.push(("zero CRC".into(), no_crc, true));

    let dir = TestDir::new("check-rdb-bad");
    for (what, bytes, is_good) in cases {
        let file = dir.file("dump.rdb");
        fs::write(&file, &bytes).expect("write");
        let out = run(checker().0, &file);
        let said = text(&out);
        assert_eq!(
            out.status.success(),
            is_good,
            "{what}: {:?}\n{said}",
            out.status
        );
        if !is_good {
            assert!(
                said.to_lowercase().contains("offset")
                    && said.chars().any(|ch| ch.is_ascii_digit()),
                "{what}: no offset in:\n{said}"
            );
        }
        assert!(
            fs::read(&file).expect("read") == bytes,
            "{what}: file modified"
        );
        if have_program("redis-check-rdb") {
            let theirs = run("redis-check-rdb", &file);
            assert_eq!(
                theirs.status.success(),
                is_good,
                "{what}: redis-check-rdb disagrees:\n{}",
                text(&theirs)
            );
        }
    }
}
