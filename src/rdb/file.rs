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
        for (key, obj) in db.dict.iter() {
            if let Some(&when) = db.expires.get(key.as_bytes()) {
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

/// One key read from a file, with what preceded it.
#[derive(Debug)]
pub struct LoadedKey {
    pub db: usize,
    pub key: Vec<u8>,
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
    /// A key; an error refuses the file (e.g. a duplicate key).
    fn key(&mut self, key: LoadedKey) -> Result<(), String>;
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
                let key = r.string("a key")?;
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
                let value = value::read_value(&mut r, t, limits).map_err(|e| match e {
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
                            key,
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
    match value::read_value(&mut r, t, limits) {
        Ok(Some(v)) => Ok(v),
        _ => Err(PayloadError::BadData),
    }
}
