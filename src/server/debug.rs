//! DEBUG: introspection and test hooks, and the SHA1 behind DEBUG DIGEST.
//!
//! Mirrors: `debug.c` (`debugCommand`, `xorDigest`, `mixDigest`,
//! `xorStringObjectDigest`, `mixStringObjectDigest`, `xorObjectDigest`,
//! `computeDatasetDigest`), `sha1.c` (SHA1 itself, written here from the
//! FIPS 180-4 description), `rdb.c` (`rdbSavedObjectLen` for the
//! `serializedlength` of DEBUG OBJECT) and the `enable-debug-command`
//! check of `processCommand` (`allowProtectedAction`).
//!
//! DEBUG is a protected command: `process_command` refuses it unless
//! `enable-debug-command` is `yes`, or `local` and the client connects
//! from `127.0.0.1` or `::1` ([`debug_allowed`]).
//!
//! # DEBUG DIGEST
//!
//! The digest must equal Redis's for the same data, so that a test can
//! compare a ferrodis dataset with a redis-server one by one line. It is
//! Redis's construction, over SHA1:
//!
//! ```text
//!   xor(d, data):  d ^= SHA1(data)                 (order does not matter)
//!   mix(d, data):  d = SHA1(d ^ SHA1(data))        (order matters)
//!
//!   final = 0
//!   for each database j with keys:
//!       mix(final, j as 4 bytes big-endian)
//!       for each key k (any order):
//!           d = 0; mix(d, k); mix(d, type as 4 bytes big-endian)
//!           mix(d, value)     a string's bytes; a list mixes each
//!                             element head to tail; sets, hashes and
//!                             sorted sets fold their members in with
//!                             xor (their own `digest` methods)
//!           if k has an expiry: xor(d, "!!expire!!")
//!           xor(final, d)                          (final ^= SHA1(d))
//! ```
//!
//! Only whether a key has an expiry enters the digest, not when, as in
//! Redis: two servers loaded at different times still agree.
//!
//! Deviations from Redis: DEBUG OBJECT's `serializedlength` is the length
//! without LZF compression (Redis compresses strings over 20 bytes when
//! that saves space, and its LZF output depends on an uninitialised hash
//! table, so it cannot be reproduced exactly); the address is the value's
//! address in this process. REPLYBUFFER settings are kept but change
//! nothing, as the reply buffer is never resized. POPULATE refuses a value
//! size over `proto-max-bulk-len` rather than trying the allocation.
//! DEBUG subcommands for persistence, replication, memory and crashes
//! answer with the unknown-subcommand error until those subsystems exist.
//! The HELP text is ferrodis's own.

use std::time::Duration;

use super::client_cmd::is_local_client;
use super::commands::{cmd, CommandSpec, BASE};
use super::errors::CommandError;
use super::object::{Obj, Value};
use super::resp::{string_to_i64, Argv};
use super::{ClientId, Server};

pub static DEBUG: CommandSpec = CommandSpec {
    name: "debug",
    proc_: debug_command,
    arity: -2,
    flags: cmd::ADMIN | cmd::NOSCRIPT | cmd::LOADING | cmd::STALE | cmd::PROTECTED,
    summary: "Test and introspection hooks for developers",
    since: "1.0.0",
    group: "server",
    complexity: "Depends on subcommand.",
    ..BASE
};

/// The default `reply_buffer_peak_reset_time` in ms
/// (`REPLY_BUFFER_DEFAULT_PEAK_RESET_TIME`).
pub const REPLY_BUFFER_DEFAULT_PEAK_RESET_TIME: i64 = 5000;

/// Settings DEBUG changes (`server.reply_buffer_peak_reset_time`,
/// `server.reply_buffer_resizing_enabled`).
#[derive(Debug)]
pub struct DebugState {
    /// DEBUG REPLYBUFFER PEAK-RESET-TIME: ms, or -1 for never.
    pub reply_buffer_peak_reset_time: i64,
    /// DEBUG REPLYBUFFER RESIZING.
    pub reply_buffer_resizing: bool,
    /// DEBUG QUICKLIST-PACKED-THRESHOLD: list elements of at least this
    /// many bytes get plain nodes (quicklist.c's `packed_threshold`).
    pub packed_threshold: usize,
}

impl Default for DebugState {
    fn default() -> Self {
        DebugState {
            reply_buffer_peak_reset_time: REPLY_BUFFER_DEFAULT_PEAK_RESET_TIME,
            reply_buffer_resizing: true,
            packed_threshold: super::t_list::DEFAULT_PACKED_THRESHOLD,
        }
    }
}

/// Whether `enable-debug-command` lets this client run DEBUG
/// (`allowProtectedAction`): `yes`, or `local` from a local address.
pub fn debug_allowed(server: &Server, id: ClientId) -> bool {
    let setting = server.config.enable_debug_command;
    if setting.eq_ignore_ascii_case("yes") {
        return true;
    }
    setting.eq_ignore_ascii_case("local") && server.clients.get(id.0).is_some_and(is_local_client)
}

// ---------------------------------------------------------------------------
// SHA1 (FIPS 180-4, section 6.1)
// ---------------------------------------------------------------------------

/// A streaming SHA1 (`SHA1_CTX` of sha1.c).
pub struct Sha1 {
    state: [u32; 5],
    /// Message bytes so far.
    len: u64,
    block: [u8; 64],
    filled: usize,
}

impl Default for Sha1 {
    fn default() -> Self {
        Sha1::new()
    }
}

impl Sha1 {
    /// The initial hash value H(0).
    pub fn new() -> Sha1 {
        Sha1 {
            state: [
                0x6745_2301,
                0xEFCD_AB89,
                0x98BA_DCFE,
                0x1032_5476,
                0xC3D2_E1F0,
            ],
            len: 0,
            block: [0; 64],
            filled: 0,
        }
    }

    /// Adds message bytes.
    pub fn update(&mut self, mut data: &[u8]) {
        self.len = self.len.wrapping_add(data.len() as u64);
        while !data.is_empty() {
            let n = (64 - self.filled).min(data.len());
            self.block[self.filled..self.filled + n].copy_from_slice(&data[..n]);
            self.filled += n;
            data = &data[n..];
            if self.filled == 64 {
                let block = self.block;
                self.compress(&block);
                self.filled = 0;
            }
        }
    }

    /// Pads the message (a 1 bit, zeros, the bit length) and returns the
    /// digest.
    pub fn finish(mut self) -> [u8; 20] {
        let bit_len = self.len.wrapping_mul(8);
        self.update(&[0x80]);
        while self.filled != 56 {
            self.update(&[0]);
        }
        self.update(&bit_len.to_be_bytes());
        let mut out = [0u8; 20];
        for (chunk, word) in out.chunks_exact_mut(4).zip(self.state) {
            chunk.copy_from_slice(&word.to_be_bytes());
        }
        out
    }

    /// One 512-bit block: the 80-word schedule and the 80 rounds.
    fn compress(&mut self, block: &[u8; 64]) {
        let mut w = [0u32; 80];
        for (t, word) in block.chunks_exact(4).enumerate() {
            w[t] = u32::from_be_bytes([word[0], word[1], word[2], word[3]]);
        }
        for t in 16..80 {
            w[t] = (w[t - 3] ^ w[t - 8] ^ w[t - 14] ^ w[t - 16]).rotate_left(1);
        }
        let [mut a, mut b, mut c, mut d, mut e] = self.state;
        for (t, &wt) in w.iter().enumerate() {
            let (f, k) = match t {
                0..=19 => ((b & c) | (!b & d), 0x5A82_7999),
                20..=39 => (b ^ c ^ d, 0x6ED9_EBA1),
                40..=59 => ((b & c) | (b & d) | (c & d), 0x8F1B_BCDC),
                _ => (b ^ c ^ d, 0xCA62_C1D6),
            };
            let temp = a
                .rotate_left(5)
                .wrapping_add(f)
                .wrapping_add(e)
                .wrapping_add(k)
                .wrapping_add(wt);
            e = d;
            d = c;
            c = b.rotate_left(30);
            b = a;
            a = temp;
        }
        for (s, v) in self.state.iter_mut().zip([a, b, c, d, e]) {
            *s = s.wrapping_add(v);
        }
    }
}

/// SHA1 of `data` in one call.
pub fn sha1(data: &[u8]) -> [u8; 20] {
    let mut h = Sha1::new();
    h.update(data);
    h.finish()
}

// ---------------------------------------------------------------------------
// Digests
// ---------------------------------------------------------------------------

/// `digest ^= SHA1(data)` (`xorDigest`): order-independent.
pub fn xor_digest(digest: &mut [u8; 20], data: &[u8]) {
    for (d, h) in digest.iter_mut().zip(sha1(data)) {
        *d ^= h;
    }
}

/// `digest = SHA1(digest ^ SHA1(data))` (`mixDigest`): order-dependent.
pub fn mix_digest(digest: &mut [u8; 20], data: &[u8]) {
    xor_digest(digest, data);
    *digest = sha1(digest);
}

/// Redis's type number of a value (`OBJ_STRING` and friends).
fn obj_type(value: &Value) -> u32 {
    match value {
        Value::Int(_) | Value::Small { .. } | Value::Emb(_) | Value::Raw(_) => 0,
        Value::List(_) => 1,
        Value::Set(_) => 2,
        Value::ZSet(_) => 3,
        Value::Hash(_) => 4,
    }
}

/// Mixes one value into a key's digest (`xorObjectDigest`).
fn value_digest(digest: &mut [u8; 20], value: &Value, has_expire: bool) {
    mix_digest(digest, &obj_type(value).to_be_bytes());
    match value {
        Value::Hash(h) => h.digest(digest),
        Value::Set(s) => s.digest(digest),
        Value::ZSet(z) => z.digest(digest),
        // Order matters in a list: each element is mixed in, head first.
        Value::List(l) => l.iter_from(0).for_each(|e| mix_digest(digest, e)),
        _ => mix_digest(digest, &value.string_bytes()),
    }
    if has_expire {
        xor_digest(digest, b"!!expire!!");
    }
}

/// The digest of every database (`computeDatasetDigest`): all zeros when
/// there are no keys.
pub fn dataset_digest(server: &Server) -> [u8; 20] {
    let mut fin = [0u8; 20];
    for (j, db) in server.dbs.iter().enumerate() {
        if db.dict.is_empty() {
            continue;
        }
        mix_digest(&mut fin, &(j as u32).to_be_bytes());
        for (key, obj) in db.dict.iter() {
            let key = key.as_bytes();
            let mut d = [0u8; 20];
            mix_digest(&mut d, key);
            value_digest(&mut d, &obj.value, db.expires.get(key).is_some());
            xor_digest(&mut fin, &d);
        }
    }
    fin
}

fn hex(digest: &[u8; 20]) -> String {
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

// ---------------------------------------------------------------------------
// The command
// ---------------------------------------------------------------------------

/// `DEBUG <subcommand> [args]`: a subcommand with the wrong number of
/// arguments gets the same error as an unknown one, as in Redis.
fn debug_command(server: &mut Server, id: ClientId, argv: &Argv) {
    let sub = argv[1].to_ascii_lowercase();
    let argc = argv.len();
    match (sub.as_slice(), argc) {
        (b"help", 2) => debug_help(server, id),
        (b"sleep", 3) => debug_sleep(server, id, &argv[2]),
        (b"set-active-expire", 3) => {
            server.expire_cycle.enabled = atoi(&argv[2]) != 0;
            server.reply(id).ok();
        }
        (b"object", 3) => debug_object(server, id, &argv[2]),
        (b"populate", 3..=5) => debug_populate(server, id, argv),
        (b"digest", 2) => {
            let d = dataset_digest(server);
            server.reply(id).status(&hex(&d));
        }
        (b"digest-value", _) => debug_digest_value(server, id, &argv[2..]),
        (b"protocol", 3) => debug_protocol(server, id, &argv[2]),
        (b"error", 3) => debug_error(server, id, &argv[2]),
        (b"log", 3) => {
            log::warn!("DEBUG LOG: {}", String::from_utf8_lossy(c_str(&argv[2])));
            server.reply(id).ok();
        }
        (b"replybuffer", 4) => debug_replybuffer(server, id, argv),
        (b"quicklist-packed-threshold", 3) => debug_packed_threshold(server, id, &argv[2]),
        (b"listpack", 3) => debug_listpack(server, id, &argv[2]),
        (b"quicklist", 3 | 4) => debug_quicklist(server, id, argv),
        (b"htstats", 3) => debug_htstats(server, id, &argv[2]),
        (b"htstats-key", 3) => debug_htstats_key(server, id, &argv[2]),
        (b"reload", _) => super::persistence::debug_reload(server, id, &argv[2..]),
        _ => subcommand_syntax_error(server, id, argv),
    }
}

/// `addReplySubcommandSyntaxError`.
fn subcommand_syntax_error(server: &mut Server, id: ClientId, argv: &Argv) {
    let sub = c_str(&argv[1]);
    let sub = sub[..sub.len().min(128)].to_vec();
    let err = CommandError::SubcommandSyntax(sub, c_str(&argv[0]).to_vec());
    server.reply(id).error(&err);
}

/// Bytes up to the first NUL, as C's `%s` prints them.
fn c_str(bytes: &[u8]) -> &[u8] {
    match memchr::memchr(0, bytes) {
        Some(nul) => &bytes[..nul],
        None => bytes,
    }
}

/// C's `atoi`: leading blanks, a sign, digits; anything else ends it.
fn atoi(bytes: &[u8]) -> i64 {
    let mut rest = bytes;
    while let Some((c, tail)) = rest.split_first() {
        if !matches!(c, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c) {
            break;
        }
        rest = tail;
    }
    let (negative, digits) = match rest.split_first() {
        Some((b'-', tail)) => (true, tail),
        Some((b'+', tail)) => (false, tail),
        _ => (false, rest),
    };
    let mut n: i64 = 0;
    for &d in digits.iter().take_while(|d| d.is_ascii_digit()) {
        n = n.wrapping_mul(10).wrapping_add(i64::from(d - b'0'));
    }
    if negative {
        n.wrapping_neg()
    } else {
        n
    }
}

/// C's `strtod` on the longest prefix that is a number (0 when none):
/// blanks, a sign, digits with one dot, an exponent, or inf/nan.
fn strtod(bytes: &[u8]) -> f64 {
    let text = String::from_utf8_lossy(bytes);
    let text = text.trim_start_matches([' ', '\t', '\n', '\r', '\u{b}', '\u{c}']);
    let b = text.as_bytes();
    let mut end = 0;
    if matches!(b.first(), Some(b'+' | b'-')) {
        end = 1;
    }
    let lower = text[end..].to_ascii_lowercase();
    for word in ["infinity", "inf", "nan"] {
        if lower.starts_with(word) {
            return text[..end + word.len()].parse().unwrap_or(0.0);
        }
    }
    let digits_start = end;
    while b.get(end).is_some_and(u8::is_ascii_digit) {
        end += 1;
    }
    if b.get(end) == Some(&b'.') {
        end += 1;
        while b.get(end).is_some_and(u8::is_ascii_digit) {
            end += 1;
        }
    }
    if end == digits_start || &text[digits_start..end] == "." {
        return 0.0;
    }
    if matches!(b.get(end), Some(b'e' | b'E')) {
        let mut exp_end = end + 1;
        if matches!(b.get(exp_end), Some(b'+' | b'-')) {
            exp_end += 1;
        }
        let exp_digits = exp_end;
        while b.get(exp_end).is_some_and(u8::is_ascii_digit) {
            exp_end += 1;
        }
        if exp_end > exp_digits {
            end = exp_end;
        }
    }
    text[..end].parse().unwrap_or(0.0)
}

/// `DEBUG SLEEP seconds`: stops the whole server, which is the point. A
/// value that is not a number sleeps 0 seconds (`strtod`); a negative
/// one does not sleep.
fn debug_sleep(server: &mut Server, id: ClientId, arg: &[u8]) {
    let seconds = strtod(arg);
    // `(long long)(dtime * 1000000)`: saturating here, where C is undefined.
    let micros = (seconds * 1_000_000.0) as i64;
    if micros > 0 {
        std::thread::sleep(Duration::from_micros(micros as u64));
    }
    server.reply(id).ok();
}

/// Length of an RDB length prefix (`rdbSaveLen`).
fn rdb_len_size(len: usize) -> usize {
    match len {
        0..=63 => 1,
        64..=16383 => 2,
        _ if len as u64 <= u64::from(u32::MAX) => 5,
        _ => 9,
    }
}

/// Bytes of an integer saved in the compact encoding, if it fits one
/// (`rdbEncodeInteger`).
fn rdb_int_size(n: i64) -> Option<usize> {
    if (-(1 << 7)..(1 << 7)).contains(&n) {
        Some(2)
    } else if (-(1 << 15)..(1 << 15)).contains(&n) {
        Some(3)
    } else if (-(1 << 31)..(1 << 31)).contains(&n) {
        Some(5)
    } else {
        None
    }
}

/// `rdbSavedObjectLen` for a string, without LZF (see the module docs).
pub fn rdb_string_len(value: &Value) -> usize {
    if let Value::Int(n) = value {
        if let Some(size) = rdb_int_size(*n) {
            return size;
        }
    }
    let bytes = value.string_bytes();
    // Short strings that read back as the same integer are saved as one
    // (`rdbTryIntegerEncoding`).
    if bytes.len() <= 11 {
        if let Some(size) = string_to_i64(&bytes).and_then(rdb_int_size) {
            return size;
        }
    }
    rdb_len_size(bytes.len()) + bytes.len()
}

/// `DEBUG OBJECT key`: low-level facts about a value, expired or not.
fn debug_object(server: &mut Server, id: ClientId, key: &[u8]) {
    let db = server.client_db(id);
    let lru_clock = server.lru_clock;
    let fill = super::t_list::Shape::of(server).fill;
    let Some(o) = server.dbs[db].dict.get(key) else {
        server.reply(id).error(&CommandError::NoSuchKey);
        return;
    };
    let mut line = format!(
        "Value at:{:p} refcount:{} encoding:{} serializedlength:{} lru:{} lru_seconds_idle:{}",
        o as *const Obj,
        o.value.refcount(),
        o.value.encoding(),
        rdb_string_len(&o.value),
        // Redis's LRU clock has 24 bits (`LRU_CLOCK_MAX`).
        o.lru & 0x00FF_FFFF,
        lru_clock.wrapping_sub(o.lru),
    );
    if let Value::List(l) = &o.value {
        let nodes = l.node_count();
        line.push_str(&format!(
            " ql_nodes:{nodes} ql_avg_node:{:.2} ql_listpack_max:{fill} ql_compressed:0 \
             ql_uncompressed_size:{}",
            l.len() as f64 / nodes.max(1) as f64,
            l.reported_size(),
        ));
    }
    server.reply(id).status(&line);
}

/// `DEBUG QUICKLIST-PACKED-THRESHOLD size`: a memory value from 1 byte to
/// 4 GiB less 1 MiB; 0 restores the default of 1 GiB
/// (`quicklistisSetPackedThreshold`).
fn debug_packed_threshold(server: &mut Server, id: ClientId, arg: &[u8]) {
    use super::t_list::{DEFAULT_PACKED_THRESHOLD, MAX_PACKED_THRESHOLD};
    let size = std::str::from_utf8(arg)
        .ok()
        .and_then(super::config::parse_memory)
        .filter(|&n| n <= MAX_PACKED_THRESHOLD)
        .and_then(|n| usize::try_from(n).ok());
    match size {
        Some(n) => {
            server.debug.packed_threshold = if n == 0 { DEFAULT_PACKED_THRESHOLD } else { n };
            server.reply(id).ok();
        }
        None => server.reply(id).error(&CommandError::PackedThreshold),
    }
}

/// Lines describing packed entries for DEBUG LISTPACK: the total and
/// then each entry's index, length and first bytes.
pub fn describe_entries<'a>(bytes: usize, entries: impl Iterator<Item = &'a [u8]>) -> String {
    use std::fmt::Write as _;
    let mut body = String::new();
    let mut count = 0usize;
    for (i, e) in entries.enumerate() {
        let shown = String::from_utf8_lossy(&e[..e.len().min(64)])
            .escape_debug()
            .to_string();
        let _ = writeln!(body, "  {{entry {i} len:{}}} {shown}", e.len());
        count += 1;
    }
    format!("{{listpack bytes:{bytes} entries:{count}}}\n{body}{{end}}\n")
}

/// Writes a DEBUG LISTPACK / QUICKLIST description to stdout, as Redis
/// does (not to the log: it is for a developer at the terminal).
fn print_to_stdout(text: &str) {
    use std::io::Write as _;
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(text.as_bytes());
    let _ = out.flush();
}

/// `DEBUG LISTPACK key`: prints a listpack-encoded hash or sorted set.
fn debug_listpack(server: &mut Server, id: ClientId, key: &[u8]) {
    let db = server.client_db(id);
    let text = match server.lookup_inspect(db, key).map(|o| &o.value) {
        None => Err(CommandError::NoSuchKey),
        Some(Value::Hash(h)) => h.describe_listpack().ok_or(CommandError::NotListpack),
        Some(Value::ZSet(z)) => z.describe_listpack().ok_or(CommandError::NotListpack),
        Some(_) => Err(CommandError::NotListpack),
    };
    match text {
        Ok(t) => {
            print_to_stdout(&t);
            server
                .reply(id)
                .status("Listpack structure printed on stdout");
        }
        Err(e) => server.reply(id).error(&e),
    }
}

/// `DEBUG QUICKLIST key [0|1]`: prints a list's nodes, and with a
/// non-zero level each node's elements.
fn debug_quicklist(server: &mut Server, id: ClientId, argv: &Argv) {
    let db = server.client_db(id);
    let verbose = argv.get(3).is_some_and(|a| atoi(a) != 0);
    let text = match server.lookup_inspect(db, &argv[2]).map(|o| &o.value) {
        None => Err(CommandError::NoSuchKey),
        Some(Value::List(l)) => Ok(l.describe(verbose)),
        Some(_) => Err(CommandError::NotQuicklist),
    };
    match text {
        Ok(t) => {
            print_to_stdout(&t);
            server
                .reply(id)
                .status("Quicklist structure printed on stdout");
        }
        Err(e) => server.reply(id).error(&e),
    }
}

/// `DEBUG HTSTATS dbid`: the chain statistics of a database's keys and
/// expires tables.
fn debug_htstats(server: &mut Server, id: ClientId, arg: &[u8]) {
    let Some(n) = super::resp::string_to_i64(arg) else {
        return server.reply(id).error(&CommandError::NotAnInteger);
    };
    let Some(db) = usize::try_from(n).ok().and_then(|n| server.dbs.get(n)) else {
        return server.reply(id).error(&CommandError::OutOfRangeDatabase);
    };
    let text = format!(
        "[Dictionary HT]\n{}[Expires HT]\n{}",
        db.dict.stats(),
        db.expires.stats()
    );
    server.reply(id).verbatim(text.as_bytes(), "txt");
}

/// `DEBUG HTSTATS-KEY key`: the statistics of a value's hash table.
fn debug_htstats_key(server: &mut Server, id: ClientId, key: &[u8]) {
    let db = server.client_db(id);
    let stats = match server.lookup_inspect(db, key).map(|o| &o.value) {
        None => Err(CommandError::NoSuchKey),
        Some(Value::Hash(h)) => h.table_stats().ok_or(CommandError::NotHashTable),
        Some(Value::Set(s)) => s.table_stats().ok_or(CommandError::NotHashTable),
        Some(Value::ZSet(z)) => z.table_stats().ok_or(CommandError::NotHashTable),
        Some(_) => Err(CommandError::NotHashTable),
    };
    match stats {
        Ok(text) => server.reply(id).verbatim(text.as_bytes(), "txt"),
        Err(e) => server.reply(id).error(&e),
    }
}

/// `getPositiveLongFromObjectOrReply` without a message of its own.
fn positive_or_reply(server: &mut Server, id: ClientId, arg: &[u8]) -> Option<u64> {
    match string_to_i64(arg) {
        Some(n) if n >= 0 => Some(n as u64),
        _ => {
            server.reply(id).error(&CommandError::NotPositive);
            None
        }
    }
}

/// `DEBUG POPULATE count [prefix] [size]`: keys `prefix:N` (default
/// `key:N`) holding `value:N`, cut or padded with zero bytes to `size`
/// when one is given; keys that exist are left alone.
fn debug_populate(server: &mut Server, id: ClientId, argv: &Argv) {
    let Some(count) = positive_or_reply(server, id, &argv[2]) else {
        return;
    };
    let mut size = 0;
    if let Some(arg) = argv.get(4) {
        let Some(n) = positive_or_reply(server, id, arg) else {
            return;
        };
        if n > server.config.proto_max_bulk_len as u64 {
            server.reply(id).error(&CommandError::StringTooLong);
            return;
        }
        size = n as usize;
    }
    let prefix = argv.get(3).map_or(&b"key"[..], |p| c_str(p));
    let db = server.client_db(id);
    for j in 0..count {
        // Redis formats the key into a 128-byte buffer: at most 127 bytes.
        let mut key = prefix.to_vec();
        key.extend_from_slice(format!(":{j}").as_bytes());
        key.truncate(127);
        if server.lookup_write(db, &key).is_some() {
            continue;
        }
        let mut value = format!("value:{j}").into_bytes();
        if size > 0 {
            value.resize(size, 0);
        }
        server.set_key(db, &key, Value::embstr_or_raw(&value), false);
    }
    server.reply(id).ok();
}

/// `DEBUG DIGEST-VALUE [key ...]`: the digest of each value, zeros for a
/// missing key; expired keys still count.
fn debug_digest_value(server: &mut Server, id: ClientId, keys: &[Vec<u8>]) {
    let db = server.client_db(id);
    let digests: Vec<String> = keys
        .iter()
        .map(|key| {
            let mut d = [0u8; 20];
            let d_ref = &server.dbs[db];
            if let Some(o) = d_ref.dict.get(key) {
                value_digest(&mut d, &o.value, d_ref.expires.get(key).is_some());
            }
            hex(&d)
        })
        .collect();
    let r = server.reply(id);
    r.array_len(digests.len());
    for d in digests {
        r.status(&d);
    }
}

/// DEBUG PROTOCOL DOUBLE's value: Redis's sample, not an attempt at pi.
#[allow(clippy::approx_constant)]
const PROTOCOL_DOUBLE: f64 = 3.141;

/// `DEBUG PROTOCOL type`: one reply of each RESP type, for client tests.
fn debug_protocol(server: &mut Server, id: ClientId, kind: &[u8]) {
    let r = server.reply(id);
    let resp3 = r.resp >= 3;
    match kind.to_ascii_lowercase().as_slice() {
        b"string" => r.bulk(b"Hello World"),
        b"integer" => r.integer(12345),
        b"double" => r.double(PROTOCOL_DOUBLE),
        b"bignum" => r.bignum(b"1234567999999999999999999999999999999"),
        b"null" => r.null(),
        b"array" | b"set" => {
            if kind.eq_ignore_ascii_case(b"set") {
                r.set_len(3);
            } else {
                r.array_len(3);
            }
            for j in 0..3 {
                r.integer(j);
            }
        }
        b"map" => {
            r.map_len(3);
            for j in 0..3 {
                r.integer(j);
                r.boolean(j == 1);
            }
        }
        b"attrib" => {
            // RESP2 has no attributes: only the reply that follows them.
            if resp3 {
                r.attribute_len(1);
                r.bulk(b"key-popularity");
                r.array_len(2);
                r.bulk(b"key:123");
                r.integer(90);
            }
            r.bulk(b"Some real reply following the attribute");
        }
        b"push" => {
            if !resp3 {
                r.error(&CommandError::Resp2NotSupported);
                return;
            }
            r.push_len(2);
            r.bulk(b"server-cpu-usage");
            r.integer(42);
            // A push is out of band: a normal reply follows for the caller.
            r.bulk(b"Some real reply following the push reply");
        }
        b"verbatim" => r.verbatim(b"This is a verbatim\nstring", "txt"),
        b"true" => r.boolean(true),
        b"false" => r.boolean(false),
        _ => r.error(&CommandError::WrongProtocolType),
    }
}

/// `DEBUG ERROR message`: `-message` as given (CR and LF as spaces).
/// Written raw rather than as a `CommandError`: the text is the caller's,
/// and Redis leaves it out of the error statistics.
fn debug_error(server: &mut Server, id: ClientId, message: &[u8]) {
    let mut line = Vec::with_capacity(message.len() + 3);
    line.push(b'-');
    line.extend(
        message
            .iter()
            .map(|&b| if b == b'\r' || b == b'\n' { b' ' } else { b }),
    );
    line.extend_from_slice(b"\r\n");
    server.reply(id).add(&line);
}

/// `DEBUG REPLYBUFFER PEAK-RESET-TIME <NEVER|RESET|ms>` and
/// `DEBUG REPLYBUFFER RESIZING <0|1>`.
fn debug_replybuffer(server: &mut Server, id: ClientId, argv: &Argv) {
    let (what, value) = (&argv[2], &argv[3]);
    if what.eq_ignore_ascii_case(b"peak-reset-time") {
        let ms = if value.eq_ignore_ascii_case(b"never") {
            -1
        } else if value.eq_ignore_ascii_case(b"reset") {
            REPLY_BUFFER_DEFAULT_PEAK_RESET_TIME
        } else {
            match string_to_i64(value) {
                Some(ms) => ms,
                None => {
                    server.reply(id).error(&CommandError::NotAnInteger);
                    return;
                }
            }
        };
        server.debug.reply_buffer_peak_reset_time = ms;
    } else if what.eq_ignore_ascii_case(b"resizing") {
        server.debug.reply_buffer_resizing = atoi(value) != 0;
    } else {
        subcommand_syntax_error(server, id, argv);
        return;
    }
    server.reply(id).ok();
}

/// `DEBUG HELP`.
fn debug_help(server: &mut Server, id: ClientId) {
    super::command_cmd::add_reply_help(
        server.reply(id),
        "DEBUG",
        &[
            "DIGEST",
            "    A hex signature of the whole dataset: equal data, equal digest.",
            "DIGEST-VALUE <key> [<key> ...]",
            "    A hex signature of the value of each key.",
            "ERROR <string>",
            "    Reply with <string> as an error, for testing clients.",
            "HTSTATS <dbid>",
            "    Chain statistics of the keys and expires tables of database <dbid>.",
            "HTSTATS-KEY <key>",
            "    Chain statistics of the hash table of the value at <key>.",
            "LISTPACK <key>",
            "    Print the packed entries of a listpack-encoded <key> on stdout.",
            "LOG <message>",
            "    Write <message> to the server log.",
            "OBJECT <key>",
            "    Low-level facts about the value at <key>.",
            "POPULATE <count> [<prefix>] [<size>]",
            "    Create <count> string keys named <prefix>:<num> (the prefix is",
            "    'key' by default) holding value:<num>, cut or padded to <size>",
            "    bytes when given. Existing keys are left alone.",
            "PROTOCOL <type>",
            "    Reply with a sample of the given type: string, integer, double,",
            "    bignum, null, array, set, map, attrib, push, verbatim, true, false.",
            "QUICKLIST <key> [<0|1>]",
            "    Print the nodes of the list at <key> on stdout; 1 adds the elements.",
            "QUICKLIST-PACKED-THRESHOLD <size>",
            "    Elements of at least <size> bytes go into plain nodes of their own.",
            "    1 GB by default (0 restores it); at most 4 GB.",
            "REPLYBUFFER PEAK-RESET-TIME <NEVER|RESET|time>",
            "    Set how often, in milliseconds, reply buffer peaks are reset.",
            "REPLYBUFFER RESIZING <0|1>",
            "    Turn the resizing of reply buffers on or off.",
            "SET-ACTIVE-EXPIRE <0|1>",
            "    Turn the background expiry of keys off (0) or back on (1).",
            "SLEEP <seconds>",
            "    Stop the whole server for <seconds>; decimals are allowed.",
        ],
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex_of(data: &[u8]) -> String {
        hex(&sha1(data))
    }

    #[test]
    fn sha1_matches_the_fips_180_vectors() {
        assert_eq!(hex_of(b"abc"), "a9993e364706816aba3e25717850c26c9cd0d89d");
        assert_eq!(hex_of(b""), "da39a3ee5e6b4b0d3255bfef95601890afd80709");
        assert_eq!(
            hex_of(b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "84983e441c3bd26ebaae4aa1f95129e5e54670f1"
        );
        // A million 'a's, fed in uneven pieces through the streaming API.
        let mut h = Sha1::new();
        let chunk = [b'a'; 997];
        let mut left = 1_000_000;
        while left > 0 {
            let n = left.min(chunk.len());
            h.update(&chunk[..n]);
            left -= n;
        }
        assert_eq!(hex(&h.finish()), "34aa973cd4c4daa4f61eeb2bdbad27316534016f");
    }

    #[test]
    fn value_digests_match_redis() {
        // DEBUG DIGEST-VALUE of "5" and "hello" on redis-server 7.0.15.
        let mut d = [0u8; 20];
        value_digest(&mut d, &Value::string(b"5"), false);
        assert_eq!(hex(&d), "f8c2498ca74cdde7d02de23246736a661485b50e");
        let mut d = [0u8; 20];
        value_digest(&mut d, &Value::string(b"hello"), false);
        assert_eq!(hex(&d), "36b23a1456b2dce2c3ed252c456761301dba8060");
    }

    #[test]
    fn serialized_lengths_follow_rdb_encodings() {
        // DEBUG OBJECT's serializedlength on redis-server 7.0.15.
        assert_eq!(rdb_string_len(&Value::string(b"5")), 2);
        assert_eq!(rdb_string_len(&Value::string(b"hello")), 6);
        assert_eq!(rdb_string_len(&Value::string(b"123456789012")), 13);
        assert_eq!(rdb_string_len(&Value::string(b"-32768")), 3);
        assert_eq!(rdb_string_len(&Value::string(b"32768")), 5);
        assert_eq!(
            rdb_string_len(&Value::string(b"abcdefghijklmnopqrstuvwxyz0123456789")),
            37
        );
        assert_eq!(rdb_string_len(&Value::raw(vec![b'x'; 100])), 102);
    }

    #[test]
    fn c_number_parsers() {
        assert_eq!(atoi(b"1"), 1);
        assert_eq!(atoi(b"  -12x"), -12);
        assert_eq!(atoi(b"abc"), 0);
        assert_eq!(atoi(b""), 0);
        assert_eq!(strtod(b"0.25"), 0.25);
        assert_eq!(strtod(b" 1e-3s"), 0.001);
        assert_eq!(strtod(b"abc"), 0.0);
        assert_eq!(strtod(b"-2"), -2.0);
        assert_eq!(strtod(b"5."), 5.0);
        assert_eq!(strtod(b".5"), 0.5);
        assert_eq!(strtod(b"."), 0.0);
        assert_eq!(strtod(b"3e"), 3.0);
        assert!(strtod(b"inf").is_infinite());
        assert!(strtod(b"nan").is_nan());
    }
}
