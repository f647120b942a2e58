//! A whole RDB file (`rdbSaveRio`, `rdbLoadRioWithLoadingCtx`) and the
//! DUMP payload (`createDumpPayload`, `verifyDumpPayload`).
//!
//! ```text
//!   "REDIS0010"  AUX*  [FUNCTION2*]
//!   per non-empty db:  SELECTDB n  RESIZEDB size expires
//!                      ( [EXPIRETIME_MS t] [IDLE s] [FREQ f] type key value )*
//!   EOF  crc64 (little-endian; 0 = not computed)
//! ```
//!
//! Saving walks the databases the caller hands in; loading hands each key
//! to a [`Sink`], so the server, `ferrodis-check-rdb` and tests each
//! decide what a key means to them.

use std::io::{Read, Write};

use super::io::{Reader, Writer, CRC64};
use super::value::{self, is_object_type, type_name, types, Limits};
use super::Error;
use crate::server::db::Db;
use crate::server::object::Value;

/// The version written (`RDB_VERSION`).
pub const RDB_VERSION: u32 = 10;
/// The newest version read: Redis 7.2 writes 11, with the same encodings
/// for the types ferrodis has.
pub const RDB_MAX_VERSION: u32 = 11;

/// Opcodes (`RDB_OPCODE_*`).
pub mod opcodes {
    pub const FUNCTION2: u8 = 245;
    pub const FUNCTION_PRE_GA: u8 = 246;
    pub const MODULE_AUX: u8 = 247;
    pub const IDLE: u8 = 248;
    pub const FREQ: u8 = 249;
    pub const AUX: u8 = 250;
    pub const RESIZEDB: u8 = 251;
    pub const EXPIRETIME_MS: u8 = 252;
    pub const EXPIRETIME: u8 = 253;
    pub const SELECTDB: u8 = 254;
    pub const EOF: u8 = 255;
}

/// Module value sub-opcodes (`RDB_MODULE_OPCODE_*`), enough to skip
/// MODULE_AUX data.
const MODULE_EOF: u64 = 0;
const MODULE_SINT: u64 = 1;
const MODULE_UINT: u64 = 2;
const MODULE_FLOAT: u64 = 3;
const MODULE_DOUBLE: u64 = 4;
const MODULE_STRING: u64 = 5;

/// How a file is written.
#[derive(Clone, Debug, Default)]
pub struct SaveOptions {
    /// `rdbcompression`.
    pub compress: bool,
    /// `rdbchecksum`: when off the trailer is eight zero bytes.
    pub checksum: bool,
    /// AUX fields, in order, after the header.
    pub aux: Vec<(String, AuxValue)>,
    /// `rdb-key-save-delay`: microseconds to sleep after each key (a
    /// test hook that makes a background save last).
    pub key_save_delay_us: u64,
}

/// An AUX value: numbers go through the integer string forms.
#[derive(Clone, Debug)]
pub enum AuxValue {
    Int(i64),
    Text(String),
}

/// Writes `dbs` as an RDB file into `out`; returns the writer and the
/// number of keys written.
pub fn save<W: Write>(out: W, dbs: &[Db], opts: &SaveOptions) -> Result<(W, u64), Error> {
    let mut w = Writer::new(out, opts.compress);
    w.bytes(format!("REDIS{RDB_VERSION:04}").as_bytes())?;
    for (k, v) in &opts.aux {
        w.u8(opcodes::AUX)?;
        w.string(k.as_bytes())?;
        match v {
            AuxValue::Int(n) => w.int_string(*n)?,
            AuxValue::Text(t) => w.string(t.as_bytes())?,
        }
    }
    let mut keys = 0u64;
    for (index, db) in dbs.iter().enumerate() {
        if db.dict.is_empty() {
            continue;
        }
        w.u8(opcodes::SELECTDB)?;
        w.len(index as u64)?;
        w.u8(opcodes::RESIZEDB)?;
        w.len(db.dict.len() as u64)?;
        w.len(db.expires.len() as u64)?;
        let has_expires = !db.expires.is_empty();
        let mut entries = db.dict.iter().peekable();
        while let Some((key, obj)) = entries.next() {
            // The next key's expiry bucket is fetched while this key is
            // written: the lookup is a cache miss otherwise.
            if let Some((next, _)) = entries.peek().filter(|_| has_expires) {
                db.expires.prefetch(next.as_bytes());
            }
            if let Some(&when) = has_expires
                .then(|| db.expires.get(key.as_bytes()))
                .flatten()
            {
                w.u8(opcodes::EXPIRETIME_MS)?;
                w.i64_le(when)?;
            }
            write_key_value(&mut w, key.as_bytes(), &obj.value)?;
            keys += 1;
            if opts.key_save_delay_us > 0 {
                std::thread::sleep(std::time::Duration::from_micros(opts.key_save_delay_us));
            }
        }
    }
    w.u8(opcodes::EOF)?;
    let crc = if opts.checksum { w.checksum()? } else { 0 };
    w.bytes(&crc.to_le_bytes())?;
    Ok((w.into_inner()?, keys))
}

/// One key: its type byte, the key, the value.
fn write_key_value<W: Write>(w: &mut Writer<W>, key: &[u8], v: &Value) -> std::io::Result<()> {
    w.u8(value::object_type(v))?;
    w.string(key)?;
    value::write_value(w, v)
}

/// One key read from a file, with what preceded it. The name is borrowed
/// from the loader's buffer.
#[derive(Debug)]
pub struct LoadedKey<'a> {
    pub db: usize,
    pub key: &'a [u8],
    pub value: Value,
    /// Unix time in ms, when the key has an expiry.
    pub expire_ms: Option<i64>,
    /// LRU idle time in seconds (`RDB_OPCODE_IDLE`).
    pub idle_secs: Option<u64>,
    /// LFU counter (`RDB_OPCODE_FREQ`).
    pub freq: Option<u8>,
    /// Offset of the key's first byte, for messages.
    pub offset: u64,
}

/// What a load hands its keys and metadata to.
pub trait Sink {
    /// An AUX field.
    fn aux(&mut self, key: &[u8], value: &[u8]) {
        let _ = (key, value);
    }
    /// A SELECTDB; an error refuses the file (a db the server lacks).
    fn select_db(&mut self, db: u64) -> Result<(), String> {
        let _ = db;
        Ok(())
    }
    /// A RESIZEDB hint.
    fn resize_db(&mut self, keys: u64, expires: u64) {
        let _ = (keys, expires);
    }
    /// A key's name, read before its value: a chance to start fetching
    /// what storing it will touch.
    fn key_ahead(&mut self, db: usize, key: &[u8]) {
        let _ = (db, key);
    }
    /// A key; an error refuses the file (e.g. a duplicate key).
    fn key(&mut self, key: LoadedKey<'_>) -> Result<(), String>;
    /// A key of a type this server cannot hold, which refuses the file:
    /// the message names the key and the type.
    fn unsupported(&mut self, db: usize, key: &[u8], t: u8) -> String {
        let _ = db;
        format!(
            "key '{}' holds a {} (RDB type {t}), which ferrodis does not support",
            String::from_utf8_lossy(key),
            type_name(t)
        )
    }
    /// An empty collection, skipped (Redis logs and skips it too).
    fn empty_key(&mut self, db: usize, key: &[u8]) {
        let _ = (db, key);
    }
    /// A function library or module data that is skipped.
    fn skipped(&mut self, what: &str) {
        let _ = what;
    }
}

/// What a load found besides the keys.
#[derive(Clone, Debug, Default)]
pub struct LoadSummary {
    pub version: u32,
    /// Whether the file carried a checksum that was verified.
    pub checksum_verified: bool,
    /// Offset just past the trailer.
    pub length: u64,
}

/// Reads a whole RDB file from `inp` (`rdbLoadRioWithLoadingCtx`),
/// handing each key to `sink`. Every fault is an [`Error`] naming what
/// and where.
pub fn load<R: Read>(inp: R, sink: &mut impl Sink, limits: &Limits) -> Result<LoadSummary, Error> {
    let mut r = Reader::new(inp);
    let mut magic = [0u8; 9];
    r.exact(&mut magic, "the file header")?;
    if &magic[..5] != b"REDIS" {
        return Err(r.corrupt_at(0, "wrong signature: not an RDB file"));
    }
    let version = std::str::from_utf8(&magic[5..])
        .ok()
        .and_then(|v| v.parse::<u32>().ok())
        .filter(|v| (1..=RDB_MAX_VERSION).contains(v))
        .ok_or_else(|| {
            r.corrupt_at(
                5,
                format!(
                    "can't handle RDB format version '{}'",
                    String::from_utf8_lossy(&magic[5..])
                ),
            )
        })?;
    let mut db = 0usize;
    // Scratch space reused for every key name and value.
    let mut key = Vec::new();
    let mut buf = Vec::new();
    let mut expire_ms: Option<i64> = None;
    let mut idle_secs: Option<u64> = None;
    let mut freq: Option<u8> = None;
    loop {
        let at = r.position();
        let op = r.u8("an opcode")?;
        match op {
            opcodes::EXPIRETIME => {
                let mut b = [0u8; 4];
                r.exact(&mut b, "an expire time")?;
                expire_ms = Some(i64::from(i32::from_le_bytes(b)) * 1000);
            }
            opcodes::EXPIRETIME_MS => expire_ms = Some(r.i64_le("an expire time")?),
            opcodes::FREQ => freq = Some(r.u8("an LFU frequency")?),
            opcodes::IDLE => idle_secs = Some(r.len("an LRU idle time")?),
            opcodes::EOF => break,
            opcodes::SELECTDB => {
                let n = r.len("a database number")?;
                sink.select_db(n).map_err(|e| r.corrupt_at(at, e))?;
                db = usize::try_from(n)
                    .map_err(|_| r.corrupt_at(at, "database number too large"))?;
            }
            opcodes::RESIZEDB => {
                let keys = r.len("a database size")?;
                let expires = r.len("an expires size")?;
                sink.resize_db(keys, expires);
            }
            opcodes::AUX => {
                let k = r.string("an AUX field name")?;
                let v = r.string("an AUX field value")?;
                sink.aux(&k, &v);
            }
            opcodes::MODULE_AUX => {
                skip_module_aux(&mut r)?;
                sink.skipped("module data (MODULE_AUX)");
            }
            opcodes::FUNCTION2 => {
                r.string("a function library")?;
                sink.skipped("a function library (FUNCTION2): ferrodis has no functions");
            }
            opcodes::FUNCTION_PRE_GA => {
                return Err(r.corrupt_at(
                    at,
                    "functions of a Redis 7.0 release candidate are not supported",
                ))
            }
            t if is_object_type(t) => {
                let key_at = r.position();
                r.string_into(&mut key, "a key")?;
                sink.key_ahead(db, &key);
                if matches!(
                    t,
                    types::MODULE
                        | types::MODULE_2
                        | types::STREAM_LISTPACKS
                        | types::STREAM_LISTPACKS_2
                        | types::STREAM_LISTPACKS_3
                ) {
                    // Such a value cannot be skipped without parsing it,
                    // so the file is refused.
                    let what = sink.unsupported(db, &key, t);
                    return Err(r.corrupt_at(at, what));
                }
                let value =
                    value::read_value(&mut r, t, limits, &mut buf).map_err(|e| match e {
                        Error::Corrupt { offset, what } => Error::Corrupt {
                            offset,
                            what: format!(
                                "{what} in the {} value of key '{}'",
                                type_name(t),
                                String::from_utf8_lossy(&key)
                            ),
                        },
                        other => other,
                    })?;
                match value {
                    Some(value) => sink
                        .key(LoadedKey {
                            db,
                            key: &key,
                            value,
                            expire_ms: expire_ms.take(),
                            idle_secs: idle_secs.take(),
                            freq: freq.take(),
                            offset: key_at,
                        })
                        .map_err(|e| r.corrupt_at(at, e))?,
                    None => sink.empty_key(db, &key),
                }
                expire_ms = None;
                idle_secs = None;
                freq = None;
            }
            other => return Err(r.corrupt_at(at, format!("unknown RDB opcode or type {other}"))),
        }
    }
    let mut checksum_verified = false;
    if version >= 5 {
        let computed = r.checksum();
        let mut trailer = [0u8; 8];
        r.exact(&mut trailer, "the checksum")?;
        let stored = u64::from_le_bytes(trailer);
        if stored != 0 {
            if stored != computed {
                return Err(r.corrupt_at(
                    r.position() - 8,
                    format!("wrong RDB checksum: expected {computed:016x}, got {stored:016x}"),
                ));
            }
            checksum_verified = true;
        }
    }
    Ok(LoadSummary {
        version,
        checksum_verified,
        length: r.position(),
    })
}

/// Skips a MODULE_AUX record: module id, the `when` field, then opcoded
/// values up to the module EOF.
fn skip_module_aux<R: Read>(r: &mut Reader<R>) -> Result<(), Error> {
    let _module_id = r.len("a module id")?;
    let at = r.position();
    let when_op = r.len("a module aux 'when' opcode")?;
    if when_op != MODULE_UINT {
        return Err(r.corrupt_at(at, "bad module aux 'when' opcode"));
    }
    r.len("a module aux 'when'")?;
    loop {
        let at = r.position();
        match r.len("a module value opcode")? {
            MODULE_EOF => return Ok(()),
            MODULE_SINT | MODULE_UINT => {
                r.len("a module integer")?;
            }
            MODULE_FLOAT => r.skip(4, "a module float")?,
            MODULE_DOUBLE => r.skip(8, "a module double")?,
            MODULE_STRING => {
                r.string("a module string")?;
            }
            other => return Err(r.corrupt_at(at, format!("unknown module value opcode {other}"))),
        }
    }
}

/// The DUMP payload of `v` (`createDumpPayload`): type, value, RDB
/// version as two little-endian bytes, CRC-64 of all that.
pub fn dump_payload(v: &Value, compress: bool) -> Vec<u8> {
    let mut w = Writer::new(Vec::new(), compress);
    // Writing to a vector cannot fail.
    let _ = w.u8(value::object_type(v));
    let _ = value::write_value(&mut w, v);
    let _ = w.bytes(&(RDB_VERSION as u16).to_le_bytes());
    let mut out = w.into_inner().unwrap_or_default();
    let crc = CRC64.checksum(&out);
    out.extend_from_slice(&crc.to_le_bytes());
    out
}

/// Why a DUMP payload was refused, as RESTORE reports it.
#[derive(Debug, PartialEq, Eq)]
pub enum PayloadError {
    /// Footer version newer than ours, or a CRC mismatch.
    VersionOrChecksum,
    /// The value does not parse (`Bad data format`).
    BadData,
}

/// Checks the footer of a DUMP payload (`verifyDumpPayload`).
pub fn verify_payload(p: &[u8], check_crc: bool) -> Result<(), PayloadError> {
    let Some(split) = p.len().checked_sub(10) else {
        return Err(PayloadError::VersionOrChecksum);
    };
    let (body, footer) = p.split_at(split);
    let version = u16::from_le_bytes([footer[0], footer[1]]);
    if u32::from(version) > RDB_VERSION {
        return Err(PayloadError::VersionOrChecksum);
    }
    if check_crc {
        let mut crc_bytes = [0u8; 8];
        crc_bytes.copy_from_slice(&footer[2..]);
        let stored = u64::from_le_bytes(crc_bytes);
        let computed = CRC64.checksum(&p[..split + 2]);
        let _ = body;
        if stored != computed {
            return Err(PayloadError::VersionOrChecksum);
        }
    }
    Ok(())
}

/// The value of a verified DUMP payload (`rdbLoadObjectType` +
/// `rdbLoadObject` on the payload). Bytes between the value and the footer
/// are not checked, as in Redis.
pub fn payload_value(p: &[u8], limits: &Limits) -> Result<Value, PayloadError> {
    let body = p.get(..p.len().saturating_sub(10)).unwrap_or_default();
    let mut r = Reader::new(body);
    let t = r.u8("a type").map_err(|_| PayloadError::BadData)?;
    if !is_object_type(t) {
        return Err(PayloadError::BadData);
    }
    match value::read_value(&mut r, t, limits, &mut Vec::new()) {
        Ok(Some(v)) => Ok(v),
        _ => Err(PayloadError::BadData),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::server::object::Obj;
    use crate::server::t_hash::Hash;
    use crate::server::t_list::{End, List};
    use crate::server::t_set::Set;
    use crate::server::t_zset::ZSet;

    use crate::rdb::value::test_limits as limits;

    /// Collects what a load hands over.
    #[derive(Default)]
    struct Collect {
        keys: Vec<Owned>,
        aux: Vec<(Vec<u8>, Vec<u8>)>,
    }

    /// A [`LoadedKey`] kept past the load.
    struct Owned {
        db: usize,
        key: Vec<u8>,
        value: Value,
        expire_ms: Option<i64>,
    }

    impl Sink for Collect {
        fn aux(&mut self, key: &[u8], value: &[u8]) {
            self.aux.push((key.to_vec(), value.to_vec()));
        }
        fn key(&mut self, key: LoadedKey<'_>) -> Result<(), String> {
            self.keys.push(Owned {
                db: key.db,
                key: key.key.to_vec(),
                value: key.value,
                expire_ms: key.expire_ms,
            });
            Ok(())
        }
    }

    /// One value of every type and encoding.
    fn sample_values() -> Vec<(&'static str, Value)> {
        let l = limits();
        let mut small_list = List::new();
        for e in ["a", "b", "1", "-1", "300", "70000", ""] {
            small_list.push(e.as_bytes(), End::Tail, l.list);
        }
        let mut big_list = List::new();
        for i in 0..2000 {
            let e = format!("{}{i}", "x".repeat(i % 70));
            big_list.push(e.as_bytes(), End::Tail, l.list);
        }
        let mut small_hash = Hash::new();
        small_hash.set(b"f", b"v", l.hash);
        small_hash.set(b"n", b"10", l.hash);
        let mut big_hash = Hash::new();
        for i in 0..300 {
            big_hash.set(
                format!("f{i}").as_bytes(),
                format!("v{i}").as_bytes(),
                l.hash,
            );
        }
        let mut ints = Set::new_for(b"1");
        for m in ["1", "2", "-5", "100000", "9223372036854775807"] {
            ints.add(m.as_bytes(), l.set_max_intset);
        }
        let mut table_set = Set::new_for(b"a");
        for m in ["a", "b", "c", "12"] {
            table_set.add(m.as_bytes(), l.set_max_intset);
        }
        let mut small_zset = ZSet::with_hint(4, 1, l.zset);
        for (m, s) in [
            ("a", 1.5),
            ("b", 2.0),
            ("c", f64::INFINITY),
            ("d", f64::NEG_INFINITY),
        ] {
            small_zset.insert_new(m.as_bytes(), s, l.zset);
        }
        let mut big_zset = ZSet::with_hint(300, 4, l.zset);
        for i in 0..300 {
            big_zset.insert_new(format!("m{i}").as_bytes(), i as f64 * 1.1, l.zset);
        }
        vec![
            ("int", Value::string(b"12345")),
            ("bigint", Value::string(b"-9223372036854775808")),
            ("emb", Value::string(b"hello")),
            ("raw", Value::string("long text ".repeat(30).as_bytes())),
            ("list", Value::List(Box::new(small_list))),
            ("biglist", Value::List(Box::new(big_list))),
            ("hash", Value::Hash(Box::new(small_hash))),
            ("bighash", Value::Hash(Box::new(big_hash))),
            ("intset", Value::Set(Box::new(ints))),
            ("set", Value::Set(Box::new(table_set))),
            ("zset", Value::ZSet(Box::new(small_zset))),
            ("bigzset", Value::ZSet(Box::new(big_zset))),
        ]
    }

    fn sample_file(checksum: bool) -> Vec<u8> {
        let mut dbs: Vec<Db> = (0..16).map(|_| Db::default()).collect();
        for (i, (name, v)) in sample_values().into_iter().enumerate() {
            let db = &mut dbs[i % 16];
            db.dict.insert(name.as_bytes(), Obj { value: v, lru: 0 });
            if i % 3 == 0 {
                db.set_expire(name.as_bytes(), 4_000_000_000_000 + i as i64);
            }
        }
        let opts = SaveOptions {
            compress: true,
            checksum,
            aux: vec![("redis-ver".into(), AuxValue::Text("7.0.15".into()))],
            key_save_delay_us: 0,
        };
        save(Vec::new(), &dbs, &opts).expect("save to a vector").0
    }

    #[test]
    fn every_type_round_trips_with_its_encoding() {
        let bytes = sample_file(true);
        let mut sink = Collect::default();
        let summary = load(&bytes[..], &mut sink, &limits()).expect("loads");
        assert!(summary.checksum_verified);
        assert_eq!(summary.length, bytes.len() as u64);
        assert_eq!(sink.aux, vec![(b"redis-ver".to_vec(), b"7.0.15".to_vec())]);
        let expected = sample_values();
        assert_eq!(sink.keys.len(), expected.len());
        for (i, (name, v)) in expected.into_iter().enumerate() {
            let k = sink
                .keys
                .iter()
                .find(|k| k.key == name.as_bytes())
                .expect("key loaded");
            assert_eq!(k.db, i % 16, "{name}");
            assert_eq!(k.value.encoding(), v.encoding(), "{name}");
            assert_eq!(k.value, v, "{name}");
            let ttl = (i % 3 == 0).then_some(4_000_000_000_000 + i as i64);
            assert_eq!(k.expire_ms, ttl, "{name}");
        }
    }

    #[test]
    fn truncation_anywhere_is_an_error() {
        let bytes = sample_file(true);
        for cut in 0..bytes.len() {
            let mut sink = Collect::default();
            let r = load(&bytes[..cut], &mut sink, &limits());
            assert!(
                matches!(r, Err(Error::Corrupt { .. })),
                "cut at {cut} of {}",
                bytes.len()
            );
        }
    }

    #[test]
    fn flipped_bytes_never_panic_and_the_crc_catches_them() {
        let bytes = sample_file(true);
        let body = bytes.len() - 8;
        // About 1,500 positions spread over the whole file, every byte of
        // the first 500 (the header and the small values).
        let stride = (body / 1000).max(1);
        for at in (0..body).filter(|&at| at < 500 || at % stride == 0) {
            let mut bad = bytes.clone();
            bad[at] ^= 0x5a;
            assert!(
                load(&bad[..], &mut Collect::default(), &limits()).is_err(),
                "flip at {at}"
            );
            // The same flip with a fixed-up CRC reaches the parser: it may
            // load or refuse, but it must not panic.
            let crc = CRC64.checksum(&bad[..body]);
            bad[body..].copy_from_slice(&crc.to_le_bytes());
            let _ = load(&bad[..], &mut Collect::default(), &limits());
        }
    }

    #[test]
    fn a_file_without_checksum_loads() {
        let bytes = sample_file(false);
        assert_eq!(&bytes[bytes.len() - 8..], &[0u8; 8]);
        let summary = load(&bytes[..], &mut Collect::default(), &limits()).expect("loads");
        assert!(!summary.checksum_verified);
    }

    #[test]
    fn headers_are_checked() {
        let mut bytes = sample_file(true);
        let err = |b: &[u8]| match load(b, &mut Collect::default(), &limits()) {
            Err(Error::Corrupt { what, .. }) => what,
            other => panic!("expected an error, got {other:?}"),
        };
        assert!(err(b"RADIS0010\xff").contains("signature"));
        assert!(err(b"REDIS0012\xff").contains("version"));
        assert!(err(b"REDIS00x1\xff").contains("version"));
        // Version 11 (Redis 7.2) is read; the CRC no longer matches.
        bytes[8] = b'1';
        assert!(err(&bytes).contains("checksum"));
    }

    #[test]
    fn every_version_from_1_to_11_loads() {
        for v in 1..=11u32 {
            let mut bytes = format!("REDIS{v:04}").into_bytes();
            bytes.extend_from_slice(&[opcodes::SELECTDB, 0, types::STRING, 1, b'k', 1, b'v']);
            bytes.push(opcodes::EOF);
            // Versions before 5 have no checksum trailer.
            if v >= 5 {
                bytes.extend_from_slice(&[0; 8]);
            }
            let mut sink = Collect::default();
            let summary = load(&bytes[..], &mut sink, &limits()).expect("loads");
            assert_eq!(summary.version, v);
            assert_eq!(sink.keys.len(), 1, "version {v}");
        }
    }

    #[test]
    fn a_stream_is_refused_naming_the_key() {
        let mut bytes = b"REDIS0010\xfe\x00".to_vec();
        bytes.push(types::STREAM_LISTPACKS_2);
        bytes.extend_from_slice(b"\x06events");
        let Err(Error::Corrupt { what, offset }) =
            load(&bytes[..], &mut Collect::default(), &limits())
        else {
            panic!("a stream must be refused");
        };
        assert_eq!(offset, 11);
        assert!(
            what.contains("'events'") && what.contains("stream"),
            "{what}"
        );
    }

    #[test]
    fn dump_payload_matches_redis() {
        // DUMP of "hello" on redis-server 7.0.15.
        let p = dump_payload(&Value::string(b"hello"), true);
        assert_eq!(
            p,
            [
                0x00, 0x05, b'h', b'e', b'l', b'l', b'o', 0x0a, 0x00, 0x63, 0x72, 0xdf, 0x76, 0x65,
                0x34, 0x20, 0x0a
            ]
        );
        assert_eq!(verify_payload(&p, true), Ok(()));
        assert_eq!(payload_value(&p, &limits()), Ok(Value::string(b"hello")));
        let mut bad = p.clone();
        bad[3] ^= 1;
        assert_eq!(
            verify_payload(&bad, true),
            Err(PayloadError::VersionOrChecksum)
        );
        let mut newer = p.clone();
        newer[7] = 11;
        assert_eq!(
            verify_payload(&newer, false),
            Err(PayloadError::VersionOrChecksum)
        );
        assert_eq!(
            verify_payload(&p[..9], true),
            Err(PayloadError::VersionOrChecksum)
        );
    }

    #[test]
    fn duplicates_and_lying_counts_are_refused() {
        // A set claiming two members, both "a".
        let mut bytes = b"REDIS0010\xfe\x00".to_vec();
        bytes.extend_from_slice(&[types::SET, 1, b's', 2, 1, b'a', 1, b'a', 0xff]);
        bytes.extend_from_slice(&[0; 8]);
        let r = load(&bytes[..], &mut Collect::default(), &limits());
        assert!(matches!(r, Err(Error::Corrupt { what, .. }) if what.contains("duplicate")));
        // A list claiming 2^62 elements holds two.
        let mut bytes = b"REDIS0010\xfe\x00".to_vec();
        bytes.extend_from_slice(&[types::LIST, 1, b'l', 0x81, 0x40, 0, 0, 0, 0, 0, 0, 0]);
        bytes.extend_from_slice(&[1, b'a', 1, b'b', 0xff]);
        let r = load(&bytes[..], &mut Collect::default(), &limits());
        assert!(matches!(r, Err(Error::Corrupt { .. })));
    }
}
