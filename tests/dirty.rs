//! Differential test of the change counter (`server.dirty`, reported by
//! INFO persistence as `rdb_changes_since_last_save`): one long script of
//! commands runs against redis-server 7.0 (the reference) and ferrodis, and
//! after every step the counter's growth must be the same on both.
//!
//! Why differential: how much each command adds is scattered over Redis's
//! t_*.c, db.c, expire.c and sort.c, with quirks (HSET counts fields set
//! even when unchanged, SINTERSTORE counts a whole result as one change, a
//! lazy expiry counts nothing). Hand-written expectations would encode our
//! own reading of those files; the reference server cannot misread itself.
//!
//! Both servers start with `--save ""` (no save point may reset the
//! counter mid-script) and `--enable-debug-command yes` (DEBUG
//! SET-ACTIVE-EXPIRE keeps the active expiry cycle out of the lazy expiry
//! step). Replies are compared too, except for steps marked random, so a
//! state divergence is reported where it starts rather than as a puzzling
//! count many steps later. The first difference fails the test with the
//! step's index, command and both replies.
//!
//! Besides plain commands the script has steps for what a plain command
//! cannot show: a lazy expiry on access (PEXPIRE 1, then a wait on the
//! server's clock through TIME), an active expiry (waited for through
//! INFO's `expired_keys`), blocking pops served by a push from another
//! connection, and a transaction whose EXEC fails on a WATCHed key. Every
//! write command ferrodis implements must appear in the script: the test
//! checks that against `COMMAND LIST FILTERBY ACLCAT write`.
//!
//! `FERRODIS_DIRTY_SHOW=1` prints every step's growth on both servers (use
//! `-- --nocapture`); with `FERRODIS_TEST_TARGET=redis` both servers are
//! redis-server, which checks the script itself.

mod common;

use common::{wait_until, Conn, Kind, Server, DEADLINE};
use std::collections::HashSet;

/// One step of the script.
enum Step {
    /// A command, as space-separated words (`''` is the empty argument).
    /// A leading `?` marks a command whose reply is random: only the
    /// counter is compared.
    Cmd(&'static str),
    /// With active expiry off: `PEXPIRE key 1`, wait until the key is
    /// past its deadline on our clock, then the access command given, whose
    /// lazy deletion is what is measured.
    LazyExpire(&'static str, &'static str),
    /// With active expiry on: `PEXPIRE key 1`, then wait (bounded) for the
    /// expiry cycle to delete it, seen as INFO's `expired_keys` growing.
    ActiveExpire(&'static str),
    /// A connection of its own runs each blocking command (each must
    /// block, in this order); the main connection runs the push, which
    /// serves them. The measured step is the push together with the pops
    /// it serves (and the pops those serve, for BLMOVE).
    Blocked(&'static [&'static str], &'static str),
    /// WATCH key on the main connection, a write to key from a second
    /// connection, then MULTI, the queued command, EXEC (which fails).
    WatchedExec(&'static str, &'static str),
    /// `DUMP source`, then `RESTORE` with the payload: the first word is
    /// the source key, the rest the RESTORE arguments after it, with `$`
    /// standing for the payload (`"s1 r1 0 $ REPLACE"`).
    DumpRestore(&'static str),
}

use Step::*;

/// The script. Keys are reused across steps on purpose: many interesting
/// cases are commands that find nothing to change.
fn script() -> Vec<Step> {
    vec![
        // Strings.
        Cmd("SET s1 v"),
        Cmd("SET s1 v"),
        Cmd("SET s1 w NX"),
        Cmd("SET s2 w XX"),
        Cmd("SET s2 w XX GET"),
        Cmd("SET s1 x XX GET"),
        Cmd("SET s1 y EX 100"),
        Cmd("SET s1 z KEEPTTL"),
        Cmd("SET s1 z PX 0"),
        Cmd("SET s1 z EX notanumber"),
        Cmd("SETNX s1 a"),
        Cmd("SETNX s3 a"),
        Cmd("SETEX s4 100 v"),
        Cmd("SETEX s4 0 v"),
        Cmd("PSETEX s5 100000 v"),
        Cmd("GET s1"),
        Cmd("GET nosuchkey"),
        Cmd("GETSET s1 new"),
        Cmd("GETSET s6 new"),
        Cmd("GETDEL s5"),
        Cmd("GETDEL s5"),
        Cmd("GETEX s1"),
        Cmd("GETEX s1 EX 100"),
        Cmd("GETEX s1 PERSIST"),
        Cmd("GETEX s1 PERSIST"),
        Cmd("GETEX nosuchkey EX 10"),
        Cmd("GETEX s3 PXAT 1"),
        Cmd("MSET a 1 b 2 c 3"),
        Cmd("MSET a 1"),
        Cmd("MSET a 1 a 2"),
        Cmd("MSETNX a 1 d 4"),
        Cmd("MSETNX d 4 e 5"),
        Cmd("MGET a b nosuchkey"),
        Cmd("INCR n"),
        Cmd("INCR n"),
        Cmd("DECR n"),
        Cmd("INCRBY n 10"),
        Cmd("INCRBY n 0"),
        Cmd("DECRBY n 3"),
        Cmd("INCR s1"),
        Cmd("INCRBY n 9223372036854775807"),
        Cmd("INCRBYFLOAT f 1.5"),
        Cmd("INCRBYFLOAT f 0"),
        Cmd("INCRBYFLOAT s1 1"),
        Cmd("APPEND ap hello"),
        Cmd("APPEND ap ''"),
        Cmd("APPEND ap2 ''"),
        Cmd("SETRANGE sr 0 ''"),
        Cmd("SETRANGE sr 5 abc"),
        Cmd("SETRANGE sr 0 ''"),
        Cmd("SETRANGE sr 0 x"),
        Cmd("SETRANGE sr -1 x"),
        Cmd("STRLEN sr"),
        Cmd("GETRANGE sr 0 3"),
        Cmd("SUBSTR sr 0 3"),
        Cmd("LCS a b"),
        // Lists.
        Cmd("LPUSH l a b c"),
        Cmd("RPUSH l d e"),
        Cmd("LPUSHX nol a"),
        Cmd("RPUSHX nol a"),
        Cmd("RPUSHX l f"),
        Cmd("LPUSHX l z y"),
        Cmd("LPUSH s1 a"),
        Cmd("LINSERT l BEFORE a X"),
        Cmd("LINSERT l AFTER nomatch X"),
        Cmd("LINSERT nol BEFORE a X"),
        Cmd("LSET l 0 q"),
        Cmd("LSET l 100 q"),
        Cmd("LSET nol 0 q"),
        Cmd("LPOP l"),
        Cmd("RPOP l 2"),
        Cmd("LPOP l 0"),
        Cmd("LPOP nol"),
        Cmd("LPOP nol 3"),
        Cmd("LREM l 0 nomatch"),
        Cmd("LREM l 0 X"),
        Cmd("RPUSH l a a a"),
        Cmd("LREM l -2 a"),
        Cmd("LREM nol 0 a"),
        Cmd("LTRIM l 0 -1"),
        Cmd("LTRIM l 1 -2"),
        Cmd("LTRIM nol 0 1"),
        Cmd("LRANGE l 0 -1"),
        Cmd("LLEN l"),
        Cmd("LINDEX l 0"),
        Cmd("LPOS l a"),
        Cmd("RPOPLPUSH l l2"),
        Cmd("RPOPLPUSH nol l2"),
        Cmd("LMOVE l2 l LEFT RIGHT"),
        Cmd("LMOVE l l RIGHT LEFT"),
        Cmd("LMOVE nol l LEFT LEFT"),
        Cmd("RPUSH l2 m n o p"),
        Cmd("LMPOP 2 nol l2 LEFT COUNT 2"),
        Cmd("LMPOP 1 l2 RIGHT"),
        Cmd("LMPOP 1 nol RIGHT"),
        Cmd("LMPOP 1 l2 RIGHT COUNT 10"),
        Cmd("EXISTS l2"),
        Cmd("RPUSH l3 a b c d"),
        Cmd("LTRIM l3 5 10"),
        Cmd("EXISTS l3"),
        Cmd("RPUSH l3 a b c"),
        Cmd("RPOP l3 5"),
        // Blocking list pops that are served at once.
        Cmd("RPUSH bl a b c d e f"),
        Cmd("BLPOP nol bl 0"),
        Cmd("BRPOP bl 0"),
        Cmd("BLMOVE bl bl2 LEFT RIGHT 0"),
        Cmd("BRPOPLPUSH bl bl2 0"),
        Cmd("BLMPOP 0 1 bl LEFT COUNT 5"),
        Cmd("BLPOP nol 0.01"),
        // Blocking pops served by a push from another connection.
        Blocked(&["BLPOP bk1 0"], "RPUSH bk1 a b c"),
        Blocked(&["BRPOP bk2 0"], "LPUSH bk2 a"),
        Blocked(&["BLMOVE bk3 bk4 LEFT RIGHT 0"], "RPUSH bk3 a b"),
        Blocked(&["BRPOPLPUSH bk5 bk6 0"], "RPUSH bk5 a"),
        Blocked(&["BLMPOP 0 1 bk7 LEFT COUNT 2"], "RPUSH bk7 a b c"),
        Blocked(&["BZPOPMIN bz1 0"], "ZADD bz1 1 a 2 b"),
        Blocked(&["BZPOPMAX bz2 0"], "ZADD bz2 1 a"),
        Blocked(&["BZMPOP 0 1 bz3 MIN COUNT 5"], "ZADD bz3 1 a 2 b 3 c"),
        Blocked(&["BLPOP bk8 0"], "LMOVE bk1 bk8 LEFT LEFT"),
        Blocked(&["BLPOP bk9 0", "BRPOP bk9 0"], "RPUSH bk9 a b c"),
        Blocked(
            &["BLMOVE ch1 ch2 LEFT RIGHT 0", "BLPOP ch2 0"],
            "RPUSH ch1 a",
        ),
        Blocked(
            &["BLMPOP 0 1 ch3 LEFT COUNT 2", "BLPOP ch3 0"],
            "RPUSH ch3 a b c",
        ),
        Blocked(
            &["BZPOPMIN ch4 0", "BZMPOP 0 1 ch4 MAX COUNT 9"],
            "ZADD ch4 1 a 2 b 3 c",
        ),
        // Hashes.
        Cmd("HSET h f1 v1 f2 v2"),
        Cmd("HSET h f1 v1"),
        Cmd("HSET h f1 v2 f3 v3"),
        Cmd("HSETNX h f1 x"),
        Cmd("HSETNX h f4 x"),
        Cmd("HMSET h f5 v f6 v"),
        Cmd("HDEL h f1 nofield"),
        Cmd("HDEL h nofield"),
        Cmd("HDEL noh f"),
        Cmd("HINCRBY h n 5"),
        Cmd("HINCRBY h n 0"),
        Cmd("HINCRBY h f2 1"),
        Cmd("HINCRBYFLOAT h fl 1.5"),
        Cmd("HGET h f2"),
        Cmd("HMGET h f2 nofield"),
        Cmd("HGETALL h"),
        Cmd("HKEYS h"),
        Cmd("HVALS h"),
        Cmd("HLEN h"),
        Cmd("HEXISTS h f2"),
        Cmd("HSTRLEN h f2"),
        Cmd("?HRANDFIELD h 2"),
        Cmd("HSCAN h 0 COUNT 100"),
        Cmd("HSET h2 a 1 b 2"),
        Cmd("HDEL h2 a b"),
        Cmd("EXISTS h2"),
        Cmd("HSET s1 a 1"),
        // Sets.
        Cmd("SADD st a b c"),
        Cmd("SADD st a"),
        Cmd("SADD st a d"),
        Cmd("SADD s1 a"),
        Cmd("SREM st nomember"),
        Cmd("SREM st a b"),
        Cmd("SREM nost a"),
        Cmd("SMOVE st st2 c"),
        Cmd("SMOVE st st2 nomember"),
        Cmd("SMOVE st st d"),
        Cmd("SADD st2 d"),
        Cmd("SMOVE st st2 d"),
        Cmd("EXISTS st"),
        Cmd("SMOVE nost st2 a"),
        Cmd("SADD st3 x"),
        Cmd("SPOP st3"),
        Cmd("SPOP st3"),
        Cmd("SADD st3 x y z"),
        Cmd("SPOP st3 0"),
        Cmd("?SPOP st3 10"),
        Cmd("SADD st3 1 2 3 4 5 6 7 8 9 10"),
        Cmd("?SPOP st3 2"),
        Cmd("?SPOP st3 7"),
        Cmd("SCARD st3"),
        Cmd("?SPOP st3 1"),
        Cmd("SPOP nost 2"),
        Cmd("SADD sa 1 2 3 4"),
        Cmd("SADD sb 3 4 5"),
        Cmd("SINTERSTORE sd sa sb"),
        Cmd("SUNIONSTORE sd sa sb"),
        Cmd("SDIFFSTORE sd sa sb"),
        Cmd("SINTERSTORE sd sa nost"),
        Cmd("EXISTS sd"),
        Cmd("SINTERSTORE sd sa nost"),
        Cmd("SDIFFSTORE sd sa sa"),
        Cmd("SUNIONSTORE sd nost"),
        Cmd("SUNIONSTORE sd sa"),
        Cmd("SUNIONSTORE sd sa s1"),
        Cmd("SISMEMBER sa 1"),
        Cmd("SMISMEMBER sa 1 9"),
        Cmd("SMEMBERS sb"),
        Cmd("SCARD sa"),
        Cmd("SINTER sa sb"),
        Cmd("SUNION sa sb"),
        Cmd("SDIFF sa sb"),
        Cmd("SINTERCARD 2 sa sb"),
        Cmd("?SRANDMEMBER sa 2"),
        Cmd("SSCAN sb 0 COUNT 100"),
        // Sorted sets.
        Cmd("ZADD z 1 a 2 b"),
        Cmd("ZADD z 1 a"),
        Cmd("ZADD z 5 a"),
        Cmd("ZADD z NX 9 a"),
        Cmd("ZADD z XX 9 new"),
        Cmd("ZADD z CH 3 b 4 c"),
        Cmd("ZADD z INCR 1 a"),
        Cmd("ZADD z INCR 0 a"),
        Cmd("ZADD z GT 1 a"),
        Cmd("ZADD z LT 1 a"),
        Cmd("ZADD z 1 a 1 a"),
        Cmd("ZADD s1 1 a"),
        Cmd("ZINCRBY z 1 b"),
        Cmd("ZINCRBY z 0 b"),
        Cmd("ZINCRBY z 1 newmember"),
        Cmd("ZREM z a nomember"),
        Cmd("ZREM z nomember"),
        Cmd("ZREM noz a"),
        Cmd("ZADD z 10 d 11 e 12 f 13 g 0 aa 0 ab 0 ac"),
        Cmd("ZREMRANGEBYSCORE z 100 200"),
        Cmd("ZREMRANGEBYSCORE z 10 11"),
        Cmd("ZREMRANGEBYRANK z 0 0"),
        Cmd("ZREMRANGEBYRANK z 100 200"),
        Cmd("ZREMRANGEBYLEX z [ab [ac"),
        Cmd("ZREMRANGEBYLEX z [x [y"),
        Cmd("ZREMRANGEBYSCORE noz 0 1"),
        Cmd("ZPOPMIN z"),
        Cmd("ZPOPMAX z 2"),
        Cmd("ZPOPMIN z 0"),
        Cmd("ZPOPMIN noz"),
        Cmd("ZMPOP 1 z MIN COUNT 2"),
        Cmd("ZMPOP 2 noz z MAX"),
        Cmd("ZMPOP 1 noz MAX"),
        Cmd("ZADD z 1 p 2 q 3 r 4 s"),
        Cmd("BZPOPMIN noz z 0"),
        Cmd("BZPOPMAX z 0"),
        Cmd("BZMPOP 0 1 z MIN COUNT 1"),
        Cmd("ZADD za 1 a 2 b 3 c"),
        Cmd("ZADD zb 1 b 2 c 3 d"),
        Cmd("ZUNIONSTORE zd 2 za zb"),
        Cmd("ZINTERSTORE zd 2 za zb"),
        Cmd("ZDIFFSTORE zd 2 za zb"),
        Cmd("ZINTERSTORE zd 2 za noz"),
        Cmd("EXISTS zd"),
        Cmd("ZINTERSTORE zd 2 za noz"),
        Cmd("ZUNIONSTORE zd 1 za"),
        Cmd("ZDIFFSTORE zd 2 za za"),
        Cmd("ZUNIONSTORE zd 1 noz"),
        Cmd("ZRANGESTORE zd za 0 1"),
        Cmd("ZRANGESTORE zd za 5 10"),
        Cmd("ZRANGESTORE zd za 5 10"),
        Cmd("ZRANGESTORE zd za (1 +inf BYSCORE"),
        Cmd("ZCARD za"),
        Cmd("ZCOUNT za 0 10"),
        Cmd("ZRANGE za 0 -1 WITHSCORES"),
        Cmd("ZRANGEBYSCORE za 0 10"),
        Cmd("ZREVRANGEBYSCORE za 10 0"),
        Cmd("ZRANGEBYLEX zb - +"),
        Cmd("ZREVRANGEBYLEX zb + -"),
        Cmd("ZREVRANGE za 0 -1"),
        Cmd("ZSCORE za a"),
        Cmd("ZMSCORE za a b"),
        Cmd("ZRANK za b"),
        Cmd("ZREVRANK za b"),
        Cmd("ZLEXCOUNT zb - +"),
        Cmd("?ZRANDMEMBER za 2"),
        Cmd("ZSCAN za 0 COUNT 100"),
        Cmd("ZUNION 2 za zb"),
        Cmd("ZINTER 2 za zb"),
        Cmd("ZDIFF 2 za zb"),
        Cmd("ZINTERCARD 2 za zb"),
        // Keyspace.
        Cmd("MSET k1 1 k2 2 k3 3 k4 4 k5 5"),
        Cmd("DEL k1 k2 nosuchkey"),
        Cmd("DEL nosuchkey"),
        Cmd("UNLINK k3 nosuchkey"),
        Cmd("UNLINK nosuchkey"),
        Cmd("EXISTS k4 k5"),
        Cmd("TYPE k4"),
        // RESTORE: one change when it stores, none when refused; a
        // replaced key restored already expired counts its deletion.
        DumpRestore("s1 r1 0 $"),
        DumpRestore("s1 r1 0 $"),
        DumpRestore("s1 r1 0 $ REPLACE"),
        DumpRestore("s1 r1 1 $ REPLACE ABSTTL"),
        DumpRestore("s1 r2 1 $ ABSTTL"),
        DumpRestore("s1 r3 -1 $"),
        DumpRestore("s1 r3 100000 $ IDLETIME 10"),
        Cmd("RENAME k4 k6"),
        Cmd("RENAME k6 k6"),
        Cmd("RENAME nosuchkey k6"),
        Cmd("RENAMENX k6 k5"),
        Cmd("RENAMENX k6 k7"),
        Cmd("RENAMENX k7 k7"),
        Cmd("MOVE k7 1"),
        Cmd("MOVE k7 1"),
        Cmd("SET k7 again"),
        Cmd("MOVE k7 1"),
        Cmd("MOVE k5 0"),
        Cmd("COPY k5 k8"),
        Cmd("COPY k5 k8"),
        Cmd("COPY k5 k8 REPLACE"),
        Cmd("COPY nosuchkey k8"),
        Cmd("COPY k5 k5"),
        Cmd("COPY k5 k8 DB 1"),
        Cmd("COPY k5 k8 DB 1"),
        Cmd("COPY l lcopy"),
        Cmd("COPY z zcopy"),
        Cmd("SWAPDB 0 1"),
        Cmd("DBSIZE"),
        Cmd("SWAPDB 1 0"),
        Cmd("SWAPDB 0 0"),
        Cmd("SWAPDB 0 100"),
        Cmd("SELECT 1"),
        Cmd("SET indb1 x"),
        Cmd("SELECT 0"),
        Cmd("?KEYS k*"),
        Cmd("?SCAN 0 MATCH k* COUNT 1000"),
        Cmd("?RANDOMKEY"),
        Cmd("DBSIZE"),
        Cmd("TOUCH k5 k8 nosuchkey"),
        Cmd("OBJECT ENCODING k5"),
        Cmd("OBJECT REFCOUNT k5"),
        Cmd("?OBJECT IDLETIME k5"),
        Cmd("OBJECT FREQ k5"),
        // Expiry.
        Cmd("EXPIRE k5 100"),
        Cmd("EXPIRE nosuchkey 100"),
        Cmd("EXPIRE k5 100 NX"),
        Cmd("EXPIRE k5 200 XX"),
        Cmd("EXPIRE k8 200 XX"),
        Cmd("EXPIRE k5 50 GT"),
        Cmd("EXPIRE k5 300 GT"),
        Cmd("EXPIRE k5 400 LT"),
        Cmd("EXPIRE k5 100 LT"),
        Cmd("PEXPIRE k5 100000"),
        Cmd("EXPIREAT k5 4000000000"),
        Cmd("PEXPIREAT k5 4000000000000"),
        Cmd("?TTL k5"),
        Cmd("?PTTL k5"),
        Cmd("EXPIRETIME k5"),
        Cmd("PEXPIRETIME k5"),
        Cmd("PERSIST k5"),
        Cmd("PERSIST k5"),
        Cmd("PERSIST nosuchkey"),
        Cmd("EXPIRE k5 -1"),
        Cmd("EXISTS k5"),
        Cmd("PEXPIREAT k8 1"),
        Cmd("EXPIREAT nosuchkey 1"),
        Cmd("EXPIRE k8 notanumber"),
        Cmd("SET ex1 v"),
        LazyExpire("ex1", "GET ex1"),
        Cmd("SET ex2 v"),
        LazyExpire("ex2", "SET ex2 w"),
        Cmd("SADD ex3 a"),
        LazyExpire("ex3", "SADD ex3 b"),
        Cmd("SET ex4 v"),
        LazyExpire("ex4", "DEL ex4"),
        Cmd("SET ex5 v"),
        LazyExpire("ex5", "EXISTS ex5"),
        Cmd("SADD ex7 a"),
        LazyExpire("ex7", "SINTERSTORE ex7 nost nost"),
        Cmd("RPUSH ex8 a"),
        LazyExpire("ex8", "SORT nosuchkey STORE ex8"),
        Cmd("ZADD ex9 1 a"),
        LazyExpire("ex9", "ZRANGESTORE ex9 noz 0 -1"),
        Cmd("SET ex10 v"),
        LazyExpire("ex10", "COPY s1 ex10"),
        Cmd("SET ex11 v"),
        LazyExpire("ex11", "RENAME s1 ex11"),
        Cmd("SET ex6 v"),
        ActiveExpire("ex6"),
        // Sorting.
        Cmd("RPUSH sl 3 1 2"),
        Cmd("SORT sl"),
        Cmd("SORT_RO sl"),
        Cmd("SORT sl STORE sorted"),
        Cmd("SORT sl LIMIT 0 1 STORE sorted"),
        Cmd("SORT nosuchkey STORE sorted"),
        Cmd("EXISTS sorted"),
        Cmd("SORT nosuchkey STORE sorted"),
        Cmd("SORT sl DESC"),
        Cmd("SORT sl GET # GET nosuch_* STORE sorted"),
        Cmd("SORT sl BY nosort STORE sorted"),
        Cmd("SADD ss c a b"),
        Cmd("SORT ss ALPHA STORE sorted"),
        // Transactions.
        Cmd("MULTI"),
        Cmd("SET t1 a"),
        Cmd("INCR t2"),
        Cmd("SADD t3 a b"),
        Cmd("SADD t3 a"),
        Cmd("DEL nosuchkey"),
        Cmd("EXEC"),
        Cmd("MULTI"),
        Cmd("GET t1"),
        Cmd("EXEC"),
        Cmd("MULTI"),
        Cmd("SET t1 b"),
        Cmd("DISCARD"),
        Cmd("MULTI"),
        Cmd("SET t1 c"),
        Cmd("NOSUCHCOMMAND"),
        Cmd("EXEC"),
        Cmd("WATCH t1"),
        Cmd("UNWATCH"),
        WatchedExec("t1", "SET t1 d"),
        Cmd("MULTI"),
        Cmd("LPOP t1"),
        Cmd("SET t4 x"),
        Cmd("EXEC"),
        Cmd("MULTI"),
        Cmd("BLPOP nol 0"),
        Cmd("EXEC"),
        // Everything else is read-only or changes no data.
        Cmd("PING"),
        Cmd("ECHO hi"),
        Cmd("PUBLISH chan msg"),
        Cmd("SPUBLISH chan msg"),
        Cmd("PUBSUB NUMSUB chan"),
        Cmd("?CLIENT ID"),
        Cmd("CLIENT SETNAME dirty"),
        Cmd("CLIENT GETNAME"),
        Cmd("CONFIG SET maxmemory 0"),
        Cmd("CONFIG RESETSTAT"),
        Cmd("?TIME"),
        Cmd("?INFO keyspace"),
        Cmd("?COMMAND COUNT"),
        Cmd("?DEBUG OBJECT za"),
        Cmd("DEBUG SET-ACTIVE-EXPIRE 1"),
        // Flushing: the number of keys removed.
        Cmd("FLUSHDB"),
        Cmd("FLUSHDB"),
        Cmd("MSET a 1 b 2"),
        Cmd("FLUSHDB ASYNC"),
        Cmd("MSET a 1 b 2 c 3"),
        Cmd("SELECT 1"),
        Cmd("MSET a 1"),
        Cmd("SELECT 0"),
        Cmd("FLUSHALL"),
        Cmd("FLUSHALL"),
        Cmd("MSET a 1 b 2"),
        Cmd("FLUSHALL ASYNC"),
        Cmd("MSET a 1 b 2"),
        Cmd("FLUSHALL SYNC"),
        Cmd("DEBUG POPULATE 10"),
        Cmd("DEBUG POPULATE 10"),
        Cmd("FLUSHALL"),
    ]
}

/// The words of a command: split on spaces, `''` for an empty argument.
fn words(cmd: &str) -> Vec<&str> {
    cmd.split(' ')
        .map(|w| if w == "''" { "" } else { w })
        .collect()
}

/// The command's words and whether its reply is compared.
fn parse(cmd: &'static str) -> (Vec<&'static str>, bool) {
    match cmd.strip_prefix('?') {
        Some(rest) => (words(rest), false),
        None => (words(cmd), true),
    }
}

/// `name:value` from an INFO reply, as an integer.
fn info_field(conn: &mut Conn, section: &str, name: &str) -> u64 {
    let reply = conn.call(&["INFO", section]);
    let prefix = format!("{name}:");
    reply
        .lines()
        .find_map(|l| l.strip_prefix(prefix.as_str()))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or_else(|| panic!("no {name} in INFO {section}: {reply:?}"))
}

/// The server's clock in unix ms, from TIME.
fn server_time_ms(conn: &mut Conn) -> u64 {
    let reply = conn.call(&["TIME"]);
    let parts: Vec<u64> = reply
        .split("\r\n")
        .filter(|l| !l.is_empty() && !l.starts_with('*') && !l.starts_with('$'))
        .filter_map(|l| l.parse().ok())
        .collect();
    match parts[..] {
        [secs, micros] => secs * 1000 + micros / 1000,
        _ => panic!("unexpected TIME reply {reply:?}"),
    }
}

/// `rdb_changes_since_last_save`.
fn dirty(conn: &mut Conn) -> u64 {
    info_field(conn, "persistence", "rdb_changes_since_last_save")
}

/// One server under test, the connection the script runs on, and one
/// that reads INFO (which MULTI would otherwise queue).
struct Side {
    server: Server,
    main: Conn,
    observer: Conn,
}

impl Side {
    fn new(server: Server) -> Side {
        let main = Conn::open(&server);
        let observer = Conn::open(&server);
        Side {
            server,
            main,
            observer,
        }
    }

    /// Runs one step; returns the growth of the counter over it and the
    /// replies to compare, in order.
    fn run(&mut self, step: &Step) -> (u64, Vec<String>) {
        let before = dirty(&mut self.observer);
        let mut compared = Vec::new();
        match step {
            Cmd(cmd) => {
                let (args, compare) = parse(cmd);
                let reply = self.main.call(&args);
                if compare {
                    compared.push(reply);
                }
            }
            LazyExpire(key, access) => {
                let before = self.lazy_expire_setup(key);
                let (args, _) = parse(access);
                compared.push(self.main.call(&args));
                let after = dirty(&mut self.observer);
                compared.push(self.main.call(&["EXISTS", key]));
                self.main
                    .expect(&["DEBUG", "SET-ACTIVE-EXPIRE", "1"], "+OK\r\n");
                return (after - before, compared);
            }
            ActiveExpire(key) => {
                let expired = info_field(&mut self.observer, "stats", "expired_keys");
                compared.push(self.main.call(&["PEXPIRE", key, "1"]));
                let gone = wait_until(DEADLINE, || {
                    info_field(&mut self.observer, "stats", "expired_keys") > expired
                });
                assert!(
                    gone,
                    "{:?}: the expiry cycle did not delete {key}",
                    self.server.kind
                );
                compared.push(self.main.call(&["EXISTS", key]));
            }
            Blocked(pops, push) => {
                let mut others = Vec::new();
                for (n, pop) in pops.iter().enumerate() {
                    let mut other = Conn::open(&self.server);
                    let (pop, _) = parse(pop);
                    other.send(&pop);
                    let blocked = wait_until(DEADLINE, || {
                        info_field(&mut self.observer, "clients", "blocked_clients") == n as u64 + 1
                    });
                    assert!(blocked, "{:?}: {pop:?} did not block", self.server.kind);
                    others.push(other);
                }
                let before = dirty(&mut self.observer);
                let (push, _) = parse(push);
                compared.push(self.main.call(&push));
                for other in &mut others {
                    compared.push(other.read());
                }
                return (dirty(&mut self.observer) - before, compared);
            }
            DumpRestore(line) => {
                let (words, _) = parse(line);
                let payload = self.main.value_str(&["DUMP", words[0]]);
                let payload = payload.bytes().to_vec();
                let mut args: Vec<&[u8]> = vec![b"RESTORE"];
                for w in &words[1..] {
                    args.push(if *w == "$" { &payload } else { w.as_bytes() });
                }
                self.main.send_bytes(&args);
                compared.push(self.main.read());
            }
            WatchedExec(key, queued) => {
                compared.push(self.main.call(&["WATCH", key]));
                let mut other = Conn::open(&self.server);
                compared.push(other.call(&["SET", key, "from-another-client"]));
                compared.push(self.main.call(&["MULTI"]));
                let (queued, _) = parse(queued);
                compared.push(self.main.call(&queued));
                compared.push(self.main.call(&["EXEC"]));
            }
        }
        (dirty(&mut self.observer) - before, compared)
    }

    /// Turns active expiry off, gives `key` a 1 ms TTL and waits, on the
    /// server's own clock (TIME, which looks no key up), until the key
    /// must be seen as expired. Returns the counter before the access that
    /// follows.
    fn lazy_expire_setup(&mut self, key: &str) -> u64 {
        self.main
            .expect(&["DEBUG", "SET-ACTIVE-EXPIRE", "0"], "+OK\r\n");
        self.main.expect(&["PEXPIRE", key, "1"], ":1\r\n");
        // The TTL ends 1 ms after a time no later than `set`, and a key
        // expires once the clock is strictly past its end.
        let set = server_time_ms(&mut self.observer);
        let expired = wait_until(DEADLINE, || server_time_ms(&mut self.observer) >= set + 2);
        assert!(
            expired,
            "{:?}: the server clock stood still",
            self.server.kind
        );
        dirty(&mut self.observer)
    }
}

fn describe(step: &Step) -> String {
    match step {
        Cmd(c) => c.to_string(),
        LazyExpire(k, a) => format!("lazy expiry of {k} by {a}"),
        ActiveExpire(k) => format!("active expiry of {k}"),
        Blocked(pops, push) => format!("{} served by {push}", pops.join(", ")),
        WatchedExec(k, q) => format!("WATCH {k}, a write, MULTI, {q}, EXEC"),
        DumpRestore(line) => format!("DUMP and RESTORE: {line}"),
    }
}

/// The command names the script runs, in lower case.
fn script_commands(steps: &[Step]) -> HashSet<String> {
    let mut names = HashSet::new();
    for step in steps {
        let cmds: Vec<&str> = match step {
            Cmd(c) => vec![c],
            LazyExpire(_, a) => vec![a],
            ActiveExpire(_) => vec!["PEXPIRE"],
            Blocked(pops, push) => pops.iter().copied().chain([*push]).collect(),
            WatchedExec(_, q) => vec![q],
            DumpRestore(_) => vec!["RESTORE x"],
        };
        for c in cmds {
            let (args, _) = parse(c);
            names.insert(args[0].to_ascii_lowercase());
        }
    }
    names
}

#[test]
fn dirty_counts_match_redis() {
    let args = ["--save", "", "--enable-debug-command", "yes"];
    let mut reference = Side::new(Server::start_redis(&args));
    let mut candidate = Side::new(Server::start(&args));
    let steps = script();
    let show = std::env::var_os("FERRODIS_DIRTY_SHOW").is_some();

    // Every write command of ferrodis's table is exercised (when the
    // candidate is redis-server itself, its own extra commands are not).
    let listed = candidate
        .main
        .call(&["COMMAND", "LIST", "FILTERBY", "ACLCAT", "write"]);
    let covered = script_commands(&steps);
    let missing: Vec<&str> = listed
        .lines()
        .filter(|l| !l.starts_with('*') && !l.starts_with('$'))
        .filter(|name| !covered.contains(*name))
        .collect();
    assert!(
        missing.is_empty() || candidate.server.kind == Kind::Redis,
        "write commands the script never runs: {missing:?}"
    );

    for (i, step) in steps.iter().enumerate() {
        let (want, want_replies) = reference.run(step);
        let (got, got_replies) = candidate.run(step);
        if show {
            eprintln!(
                "step {i} ({}): redis +{want}, ferrodis +{got}",
                describe(step)
            );
        }
        assert_eq!(
            got,
            want,
            "step {i} ({}): rdb_changes_since_last_save grew by {got} on ferrodis, \
             {want} on redis; replies {got_replies:?} (ferrodis), {want_replies:?} (redis)",
            describe(step)
        );
        assert_eq!(
            got_replies,
            want_replies,
            "step {i} ({}): replies differ (ferrodis, then redis)",
            describe(step)
        );
    }
}
