//! Reply errors: every error text a command can send, in one place.
//!
//! Mirrors: the shared error objects of `server.c` (`createSharedObjects`:
//! `shared.syntaxerr`, `shared.noautherr`, ...) and the error strings
//! scattered through `server.c`, `networking.c`, `acl.c`, `db.c` and
//! `object.c`.
//!
//! Errors come in three tiers (see docs/ARCHITECTURE.md): this module is
//! the first, errors that answer one command and leave the connection
//! open. The text of each variant is Redis 7.0's byte for byte, code
//! included (`ERR`, `NOAUTH`, `WRONGPASS`, ...), because clients match on
//! it; the tests compare these strings with the real server's. Protocol
//! errors, which close the connection, live with the parser in `resp.rs`.

use std::fmt;

/// An error reply (`addReplyError*` with Redis's text).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum CommandError {
    /// `shared.syntaxerr`.
    Syntax,
    /// `getLongLongFromObjectOrReply`.
    NotAnInteger,
    /// `getIntFromObjectOrReply` for a value outside `int`.
    NotAnInt32,
    /// `addReplyErrorArity`, with the command's full name.
    WrongArity(String),
    /// `commandCheckExistence`: the name and the argument preview, both
    /// already cut to Redis's 128-byte limits.
    UnknownCommand { name: Vec<u8>, args: Vec<u8> },
    /// `commandCheckExistence` for a container: the subcommand (cut to 128
    /// bytes) and the container's name.
    UnknownSubcommand(Vec<u8>, Vec<u8>),
    /// `shared.noautherr`.
    NoAuth,
    /// `addAuthErrReply`.
    WrongPass,
    /// AUTH with a password when the default user has none.
    AuthWithoutPassword,
    /// HELLO before authenticating.
    HelloNoAuth,
    /// HELLO with a version other than 2 or 3.
    NoProto,
    /// HELLO with a version that is not a number.
    ProtoVersionNotInteger,
    /// HELLO with an option it does not know, named as sent.
    HelloSyntax(Vec<u8>),
    /// `validateClientName`.
    BadClientName,
    /// SELECT out of range.
    DbIndexOutOfRange,
    /// COMMAND GETKEYS with an unknown command.
    InvalidCommandSpecified,
    /// COMMAND GETKEYS with a command that takes no keys.
    NoKeyArguments,
    /// COMMAND GETKEYS with the wrong number of arguments for the command.
    InvalidNumberOfArguments,
    /// COMMAND GETKEYS when the key positions cannot be found.
    InvalidArguments,
    /// CONFIG SET with a name no parameter has (the first one, as sent).
    ConfigUnknownOption(Vec<u8>),
    /// CONFIG SET refused: the parameter as named, and the reason.
    ConfigSetFailed(Vec<u8>, String),
    /// CONFIG REWRITE when the server started without a config file.
    NoConfigFile,
    /// CONFIG REWRITE could not write the file (`strerror` text).
    ConfigRewriteFailed(String),
    /// SCAN with a cursor that is not a number.
    InvalidCursor,
    /// RENAME of a missing key (`shared.nokeyerr`).
    NoSuchKey,
    /// MOVE/COPY onto itself (`shared.sameobjecterr`).
    SameObject,
    /// SWAPDB with a bad first index.
    InvalidFirstDbIndex,
    /// SWAPDB with a bad second index.
    InvalidSecondDbIndex,
    /// OBJECT FREQ without an LFU maxmemory policy.
    LfuNotSelected,
    /// An expire time that is not positive or overflows, with the command
    /// name (`invalid expire time in '%s' command`).
    InvalidExpireTime(String),
    /// INCR and friends past the i64 range.
    IncrOverflow,
    /// DECRBY of i64::MIN.
    DecrOverflow,
    /// A value that is not a float (`shared.` "value is not a valid float").
    NotAFloat,
    /// INCRBYFLOAT whose result is not finite.
    IncrNanOrInfinity,
    /// SETRANGE / GETRANGE-style offsets below zero.
    OffsetOutOfRange,
    /// A string longer than `proto-max-bulk-len` would be made.
    StringTooLong,
    /// EXPIRE options that cannot go together.
    ExpireNxXxGtLt,
    /// EXPIRE with both GT and LT.
    ExpireGtLt,
    /// A command against a key of another type (`shared.wrongtypeerr`).
    WrongType,
    /// A count outside `min..=max` (`getRangeLongFromObjectOrReply`
    /// without a message of its own), as SRANDMEMBER's.
    ValueOutOfRangeBetween(i64, i64),
    /// SINTERCARD numkeys above the number of arguments left.
    NumkeysExceedArgs,
    /// SINTERCARD LIMIT below zero or not a number.
    LimitNegative,
    /// EXPIRE with an option it does not know.
    UnsupportedOption(Vec<u8>),
    /// LCS on a key that is not a string.
    LcsNotStrings,
    /// LCS with both LEN and IDX.
    LcsLenAndIdx,
    /// LCS whose table would exceed `proto-max-bulk-len`.
    LcsTooMuchMemory,
    /// LCS whose table could not be allocated.
    LcsAllocFailed,
    /// DEBUG refused by `enable-debug-command` (`processCommand`'s check
    /// of `CMD_PROTECTED` commands).
    DebugNotAllowed,
    /// A connection refused by protected mode (`clientAcceptHandler`).
    ProtectedMode,
    /// `addReplySubcommandSyntaxError`: the subcommand as sent (cut to 128
    /// bytes at most) and the container's name as sent.
    SubcommandSyntax(Vec<u8>, Vec<u8>),
    /// CLIENT LIST/KILL TYPE with a name `getClientTypeByName` rejects.
    UnknownClientType(Vec<u8>),
    /// CLIENT LIST ID with an ID that is not a number.
    InvalidClientId,
    /// CLIENT KILL ID below 1 or not a number.
    ClientIdNotPositive,
    /// CLIENT KILL in the old form found no client at the address.
    NoSuchClient,
    /// CLIENT KILL USER with a user that does not exist.
    NoSuchUser(Vec<u8>),
    /// A timeout that is not an integer (`getTimeoutFromObjectOrReply`).
    TimeoutNotInteger,
    /// A timeout below zero (`getTimeoutFromObjectOrReply`).
    TimeoutNegative,
    /// A blocking command's timeout that is not a float.
    TimeoutNotFloat,
    /// A blocking command's timeout past the end of time.
    TimeoutOutOfRange,
    /// CLIENT UNBLOCK ERROR, as the unblocked client sees it.
    Unblocked,
    /// CLIENT UNBLOCK with a reason other than TIMEOUT or ERROR.
    UnblockReason,
    /// CLIENT PAUSE with a mode other than WRITE or ALL.
    PauseMode,
    /// `getPositiveLongFromObjectOrReply` without a message of its own.
    NotPositive,
    /// LSET past either end of the list.
    ListIndexOutOfRange,
    /// LPOS RANK 0.
    LposRankZero,
    /// LPOS COUNT below zero or not a number.
    LposCountNegative,
    /// LPOS MAXLEN below zero or not a number.
    LposMaxlenNegative,
    /// LMPOP numkeys below one or not a number.
    NumkeysNotPositive,
    /// LMPOP COUNT below one or not a number.
    CountNotPositive,
    /// DEBUG PROTOCOL with a type it does not know.
    WrongProtocolType,
    /// DEBUG QUICKLIST-PACKED-THRESHOLD with a size it refuses.
    PackedThreshold,
    /// MULTI inside MULTI.
    MultiNested,
    /// EXEC outside MULTI.
    ExecWithoutMulti,
    /// DISCARD outside MULTI.
    DiscardWithoutMulti,
    /// WATCH inside MULTI.
    WatchInMulti,
    /// EXEC of a transaction a rejected command doomed
    /// (`shared.execaborterr`).
    ExecAbort,
    /// EXEC itself rejected before running: the rejection's text, without
    /// its `ERR ` (`execCommandAbort`).
    ExecAbortBecause(String),
    /// A `no-multi` command inside MULTI.
    NotAllowedInMulti,
    /// A subscription from a client that must get one reply per command
    /// (`CLIENT_DENY_BLOCKING`); the command's name in capitals.
    DenyBlocking(&'static str),
    /// A RESP2 client in subscribed mode ran something else; the command's
    /// full name.
    SubscribedContext(String),
    /// DEBUG LISTPACK on a value that is not a listpack.
    NotListpack,
    /// DEBUG QUICKLIST on a value that is not a list.
    NotQuicklist,
    /// DEBUG HTSTATS with a database index past the last.
    OutOfRangeDatabase,
    /// DEBUG HTSTATS-KEY on a value without a hash table.
    NotHashTable,
    /// A push reply asked for on RESP2 (DEBUG PROTOCOL PUSH).
    Resp2NotSupported,
    /// SHUTDOWN ABORT with no shutdown pending (`abortShutdown`).
    NoShutdownInProgress,
    /// SHUTDOWN that could not complete, or that ABORT cancelled
    /// (`prepareForShutdown`, `replyToClientsBlockedOnShutdown`).
    ShutdownFailed,
    /// SORT with a weight or element that does not read as a double.
    SortNotDouble,
    /// ZADD with both XX and NX.
    ZAddXxNx,
    /// ZADD with GT and LT, or either with NX.
    ZAddGtLtNx,
    /// ZADD INCR with more than one score-member pair.
    ZAddIncrPairs,
    /// A sorted-set increment whose result is NaN (`zsetAdd`'s `nanerr`).
    ZScoreNaN,
    /// A score range bound that is not a float (`zslParseRange`).
    ZMinMaxNotFloat,
    /// A lex range bound without `[`, `(`, `+` or `-` (`zslParseLexRange`).
    ZMinMaxNotLex,
    /// ZRANGE LIMIT on a range by rank.
    ZLimitNeedsRangeType,
    /// ZRANGE BYLEX with WITHSCORES.
    ZWithscoresBylex,
    /// ZUNION and friends with a numkeys below 1, naming the command.
    ZAtLeastOneKey(String),
    /// ZUNION/ZINTER WEIGHTS with a weight that is not a float.
    ZWeightNotFloat,
    /// ZINTERCARD LIMIT below zero or not a number.
    ZLimitNegative,
    /// HINCRBY on a field that does not hold an integer.
    HashValueNotInteger,
    /// HINCRBYFLOAT on a field that does not hold a float.
    HashValueNotFloat,
    /// HINCRBYFLOAT with an infinite or NaN increment.
    ValueNanOrInfinity,
    /// HRANDFIELD WITHVALUES with a count whose double would overflow.
    ValueOutOfRange,
    /// `shared.err`: a bare `ERR` (SAVE and BGSAVE when the save fails).
    Err,
    /// SAVE or BGSAVE while a background save runs.
    BgsaveInProgress,
    /// A write refused after a failed save (`shared.bgsaveerr`).
    Misconf,
    /// DEBUG RELOAD with an option it does not know.
    DebugReloadOptions,
    /// DEBUG RELOAD whose save failed.
    DebugReloadSave,
    /// DEBUG RELOAD whose load failed.
    DebugReloadLoad,
    /// RESTORE onto an existing key without REPLACE (`shared.busykeyerr`).
    BusyKey,
    /// RESTORE with a payload of a newer version or a bad CRC.
    DumpPayload,
    /// RESTORE with a payload whose value does not parse.
    BadDataFormat,
    /// RESTORE with a negative TTL.
    InvalidTtl,
    /// RESTORE with a negative IDLETIME.
    InvalidIdletime,
    /// RESTORE with a FREQ outside 0..=255.
    InvalidFreq,
}

impl CommandError {
    /// The reply text without the leading `-` or the trailing CRLF.
    pub fn text(&self) -> Vec<u8> {
        match self {
            CommandError::UnknownCommand { name, args } => {
                let mut m = b"ERR unknown command '".to_vec();
                m.extend_from_slice(name);
                m.extend_from_slice(b"', with args beginning with: ");
                m.extend_from_slice(args);
                m
            }
            CommandError::UnknownSubcommand(sub, container) => {
                let mut m = b"ERR unknown subcommand '".to_vec();
                m.extend_from_slice(sub);
                m.extend_from_slice(b"'. Try ");
                m.extend_from_slice(&container.to_ascii_uppercase());
                m.extend_from_slice(b" HELP.");
                m
            }
            CommandError::HelloSyntax(opt) => {
                let mut m = b"ERR Syntax error in HELLO option '".to_vec();
                m.extend_from_slice(opt);
                m.push(b'\'');
                m
            }
            CommandError::ConfigUnknownOption(name) => {
                let mut m =
                    b"ERR Unknown option or number of arguments for CONFIG SET - '".to_vec();
                m.extend_from_slice(name);
                m.push(b'\'');
                m
            }
            CommandError::ConfigSetFailed(name, reason) => {
                let mut m = b"ERR CONFIG SET failed (possibly related to argument '".to_vec();
                m.extend_from_slice(name);
                m.extend_from_slice(b"') - ");
                m.extend_from_slice(reason.as_bytes());
                m
            }
            CommandError::SubcommandSyntax(sub, container) => {
                let mut m = b"ERR unknown subcommand or wrong number of arguments for '".to_vec();
                m.extend_from_slice(sub);
                m.extend_from_slice(b"'. Try ");
                m.extend_from_slice(&container.to_ascii_uppercase());
                m.extend_from_slice(b" HELP.");
                m
            }
            CommandError::UnknownClientType(name) => {
                let mut m = b"ERR Unknown client type '".to_vec();
                m.extend_from_slice(name);
                m.push(b'\'');
                m
            }
            CommandError::NoSuchUser(name) => {
                let mut m = b"ERR No such user '".to_vec();
                m.extend_from_slice(name);
                m.push(b'\'');
                m
            }
            other => other.to_string().into_bytes(),
        }
    }
}

impl fmt::Display for CommandError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CommandError::Syntax => f.write_str("ERR syntax error"),
            CommandError::NotAnInteger => {
                f.write_str("ERR value is not an integer or out of range")
            }
            CommandError::NotAnInt32 => write!(
                f,
                "ERR value is out of range, value must between {} and {}",
                i32::MIN,
                i32::MAX
            ),
            CommandError::WrongArity(name) => {
                write!(f, "ERR wrong number of arguments for '{name}' command")
            }
            CommandError::UnknownCommand { .. }
            | CommandError::UnknownSubcommand(..)
            | CommandError::HelloSyntax(_)
            | CommandError::ConfigUnknownOption(_)
            | CommandError::ConfigSetFailed(..) => {
                f.write_str(&String::from_utf8_lossy(&self.text()))
            }
            CommandError::NoConfigFile => {
                f.write_str("ERR The server is running without a config file")
            }
            CommandError::ConfigRewriteFailed(e) => write!(f, "ERR Rewriting config file: {e}"),
            CommandError::NoAuth => f.write_str("NOAUTH Authentication required."),
            CommandError::WrongPass => {
                f.write_str("WRONGPASS invalid username-password pair or user is disabled.")
            }
            CommandError::AuthWithoutPassword => f.write_str(
                "ERR AUTH <password> called without any password configured for the \
                 default user. Are you sure your configuration is correct?",
            ),
            CommandError::HelloNoAuth => f.write_str(
                "NOAUTH HELLO must be called with the client already authenticated, \
                 otherwise the HELLO AUTH <user> <pass> option can be used to \
                 authenticate the client and select the RESP protocol version at the \
                 same time",
            ),
            CommandError::NoProto => f.write_str("NOPROTO unsupported protocol version"),
            CommandError::ProtoVersionNotInteger => {
                f.write_str("ERR Protocol version is not an integer or out of range")
            }
            CommandError::BadClientName => f.write_str(
                "ERR Client names cannot contain spaces, newlines or special characters.",
            ),
            CommandError::DbIndexOutOfRange => f.write_str("ERR DB index is out of range"),
            CommandError::InvalidCommandSpecified => f.write_str("ERR Invalid command specified"),
            CommandError::NoKeyArguments => f.write_str("ERR The command has no key arguments"),
            CommandError::InvalidNumberOfArguments => {
                f.write_str("ERR Invalid number of arguments specified for command")
            }
            CommandError::InvalidArguments => {
                f.write_str("ERR Invalid arguments specified for command")
            }
            CommandError::InvalidCursor => f.write_str("ERR invalid cursor"),
            CommandError::NoSuchKey => f.write_str("ERR no such key"),
            CommandError::SameObject => {
                f.write_str("ERR source and destination objects are the same")
            }
            CommandError::InvalidFirstDbIndex => f.write_str("ERR invalid first DB index"),
            CommandError::InvalidSecondDbIndex => f.write_str("ERR invalid second DB index"),
            CommandError::LfuNotSelected => f.write_str(
                "ERR An LFU maxmemory policy is not selected, access frequency not tracked. \
                 Please note that when switching between policies at runtime LRU and LFU \
                 data will take some time to adjust.",
            ),
            CommandError::InvalidExpireTime(name) => {
                write!(f, "ERR invalid expire time in '{name}' command")
            }
            CommandError::IncrOverflow => f.write_str("ERR increment or decrement would overflow"),
            CommandError::DecrOverflow => f.write_str("ERR decrement would overflow"),
            CommandError::NotAFloat => f.write_str("ERR value is not a valid float"),
            CommandError::ZAddXxNx => {
                f.write_str("ERR XX and NX options at the same time are not compatible")
            }
            CommandError::ZAddGtLtNx => {
                f.write_str("ERR GT, LT, and/or NX options at the same time are not compatible")
            }
            CommandError::ZAddIncrPairs => {
                f.write_str("ERR INCR option supports a single increment-element pair")
            }
            CommandError::ZScoreNaN => f.write_str("ERR resulting score is not a number (NaN)"),
            CommandError::ZMinMaxNotFloat => f.write_str("ERR min or max is not a float"),
            CommandError::ZAtLeastOneKey(name) => {
                write!(f, "ERR at least 1 input key is needed for '{name}' command")
            }
            CommandError::ZWeightNotFloat => f.write_str("ERR weight value is not a float"),
            CommandError::ZLimitNegative => f.write_str("ERR LIMIT can't be negative"),
            CommandError::ZMinMaxNotLex => {
                f.write_str("ERR min or max not valid string range item")
            }
            CommandError::ZLimitNeedsRangeType => f.write_str(
                "ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX",
            ),
            CommandError::ZWithscoresBylex => f.write_str(
                "ERR syntax error, WITHSCORES not supported in combination with BYLEX",
            ),
            CommandError::IncrNanOrInfinity => {
                f.write_str("ERR increment would produce NaN or Infinity")
            }
            CommandError::OffsetOutOfRange => f.write_str("ERR offset is out of range"),
            CommandError::StringTooLong => {
                f.write_str("ERR string exceeds maximum allowed size (proto-max-bulk-len)")
            }
            CommandError::ExpireNxXxGtLt => {
                f.write_str("ERR NX and XX, GT or LT options at the same time are not compatible")
            }
            CommandError::ExpireGtLt => {
                f.write_str("ERR GT and LT options at the same time are not compatible")
            }
            CommandError::WrongType => {
                f.write_str("WRONGTYPE Operation against a key holding the wrong kind of value")
            }
            CommandError::ValueOutOfRangeBetween(min, max) => {
                write!(f, "ERR value is out of range, value must between {min} and {max}")
            }
            CommandError::HashValueNotInteger => f.write_str("ERR hash value is not an integer"),
            CommandError::HashValueNotFloat => f.write_str("ERR hash value is not a float"),
            CommandError::ValueNanOrInfinity => f.write_str("ERR value is NaN or Infinity"),
            CommandError::ValueOutOfRange => f.write_str("ERR value is out of range"),
            CommandError::NumkeysExceedArgs => {
                f.write_str("ERR Number of keys can't be greater than number of args")
            }
            CommandError::LimitNegative => f.write_str("ERR LIMIT can't be negative"),
            CommandError::UnsupportedOption(opt) => {
                write!(f, "ERR Unsupported option {}", String::from_utf8_lossy(opt))
            }
            CommandError::LcsNotStrings => {
                f.write_str("ERR The specified keys must contain string values")
            }
            CommandError::LcsLenAndIdx => {
                f.write_str("ERR If you want both the length and indexes, please just use IDX.")
            }
            CommandError::LcsTooMuchMemory => f.write_str(
                "ERR Insufficient memory, transient memory for LCS exceeds proto-max-bulk-len",
            ),
            CommandError::LcsAllocFailed => {
                f.write_str("ERR Insufficient memory, failed allocating transient memory for LCS")
            }
            CommandError::DebugNotAllowed => f.write_str(
                "ERR DEBUG command not allowed. If the enable-debug-command option is set to \
                 \"local\", you can run it from a local connection, otherwise you need to set \
                 this option in the configuration file, and then restart the server.",
            ),
            CommandError::ProtectedMode => f.write_str(
                "DENIED Redis is running in protected mode because protected mode is enabled \
                 and no password is set for the default user. In this mode connections are \
                 only accepted from the loopback interface. If you want to connect from \
                 external computers to Redis you may adopt one of the following solutions: \
                 1) Just disable protected mode sending the command 'CONFIG SET protected-mode \
                 no' from the loopback interface by connecting to Redis from the same host the \
                 server is running, however MAKE SURE Redis is not publicly accessible from \
                 internet if you do so. Use CONFIG REWRITE to make this change permanent. 2) \
                 Alternatively you can just disable the protected mode by editing the Redis \
                 configuration file, and setting the protected mode option to 'no', and then \
                 restarting the server. 3) If you started the server manually just for \
                 testing, restart it with the '--protected-mode no' option. 4) Setup a an \
                 authentication password for the default user. NOTE: You only need to do one \
                 of the above things in order for the server to start accepting connections \
                 from the outside.",
            ),
            CommandError::SubcommandSyntax(..)
            | CommandError::UnknownClientType(_)
            | CommandError::NoSuchUser(_) => f.write_str(&String::from_utf8_lossy(&self.text())),
            CommandError::InvalidClientId => f.write_str("ERR Invalid client ID"),
            CommandError::ClientIdNotPositive => {
                f.write_str("ERR client-id should be greater than 0")
            }
            CommandError::NoSuchClient => f.write_str("ERR No such client"),
            CommandError::TimeoutNotInteger => {
                f.write_str("ERR timeout is not an integer or out of range")
            }
            CommandError::TimeoutNegative => f.write_str("ERR timeout is negative"),
            CommandError::TimeoutNotFloat => {
                f.write_str("ERR timeout is not a float or out of range")
            }
            CommandError::TimeoutOutOfRange => f.write_str("ERR timeout is out of range"),
            CommandError::Unblocked => {
                f.write_str("UNBLOCKED client unblocked via CLIENT UNBLOCK")
            }
            CommandError::UnblockReason => {
                f.write_str("ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR")
            }
            CommandError::PauseMode => f.write_str("ERR CLIENT PAUSE mode must be WRITE or ALL"),
            CommandError::NotPositive => f.write_str("ERR value is out of range, must be positive"),
            CommandError::ListIndexOutOfRange => f.write_str("ERR index out of range"),
            CommandError::LposRankZero => f.write_str(
                "ERR RANK can't be zero: use 1 to start from the first match, 2 from the \
                 second ... or use negative to start from the end of the list",
            ),
            CommandError::LposCountNegative => f.write_str("ERR COUNT can't be negative"),
            CommandError::LposMaxlenNegative => f.write_str("ERR MAXLEN can't be negative"),
            CommandError::NumkeysNotPositive => f.write_str("ERR numkeys should be greater than 0"),
            CommandError::CountNotPositive => f.write_str("ERR count should be greater than 0"),
            CommandError::MultiNested => f.write_str("ERR MULTI calls can not be nested"),
            CommandError::ExecWithoutMulti => f.write_str("ERR EXEC without MULTI"),
            CommandError::DiscardWithoutMulti => f.write_str("ERR DISCARD without MULTI"),
            CommandError::WatchInMulti => f.write_str("ERR WATCH inside MULTI is not allowed"),
            CommandError::ExecAbort => {
                f.write_str("EXECABORT Transaction discarded because of previous errors.")
            }
            CommandError::ExecAbortBecause(why) => {
                write!(f, "EXECABORT Transaction discarded because of: {why}")
            }
            CommandError::DenyBlocking(name) => {
                write!(f, "ERR {name} isn't allowed for a DENY BLOCKING client")
            }
            CommandError::NotAllowedInMulti => {
                f.write_str("ERR Command not allowed inside a transaction")
            }
            CommandError::SubscribedContext(name) => write!(
                f,
                "ERR Can't execute '{name}': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT \
                 / RESET are allowed in this context"
            ),
            CommandError::PackedThreshold => f.write_str(
                "ERR argument must be a memory value bigger than 1 and smaller than 4gb",
            ),
            CommandError::NotListpack => f.write_str("ERR Not a listpack encoded object."),
            CommandError::NotQuicklist => f.write_str("ERR Not a quicklist encoded object."),
            CommandError::OutOfRangeDatabase => f.write_str("ERR Out of range database"),
            CommandError::NotHashTable => f.write_str(
                "ERR The value stored at the specified key is not represented using an hash table",
            ),
            CommandError::WrongProtocolType => f.write_str(
                "ERR Wrong protocol type name. Please use one of the following: \
                 string|integer|double|bignum|null|array|set|map|attrib|push|verbatim|true|false",
            ),
            CommandError::Resp2NotSupported => {
                f.write_str("ERR RESP2 is not supported by this command")
            }
            CommandError::NoShutdownInProgress => f.write_str("ERR No shutdown in progress."),
            CommandError::ShutdownFailed => {
                f.write_str("ERR Errors trying to SHUTDOWN. Check logs.")
            }
            CommandError::SortNotDouble => {
                f.write_str("ERR One or more scores can't be converted into double")
            }
            CommandError::Err => f.write_str("ERR"),
            CommandError::BgsaveInProgress => {
                f.write_str("ERR Background save already in progress")
            }
            CommandError::Misconf => f.write_str(
                "MISCONF Redis is configured to save RDB snapshots, but it's currently unable to \
                 persist to disk. Commands that may modify the data set are disabled, because \
                 this instance is configured to report errors during writes if RDB snapshotting \
                 fails (stop-writes-on-bgsave-error option). Please check the Redis logs for \
                 details about the RDB error.",
            ),
            CommandError::DebugReloadOptions => {
                f.write_str("ERR DEBUG RELOAD only supports the MERGE, NOFLUSH and NOSAVE options.")
            }
            CommandError::DebugReloadSave => f.write_str("ERR Error trying to save the DB"),
            CommandError::DebugReloadLoad => {
                f.write_str("ERR Error trying to load the RDB dump, check server logs.")
            }
            CommandError::BusyKey => f.write_str("BUSYKEY Target key name already exists."),
            CommandError::DumpPayload => {
                f.write_str("ERR DUMP payload version or checksum are wrong")
            }
            CommandError::BadDataFormat => f.write_str("ERR Bad data format"),
            CommandError::InvalidTtl => f.write_str("ERR Invalid TTL value, must be >= 0"),
            CommandError::InvalidIdletime => {
                f.write_str("ERR Invalid IDLETIME value, must be >= 0")
            }
            CommandError::InvalidFreq => {
                f.write_str("ERR Invalid FREQ value, must be >= 0 and <= 255")
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_carry_their_codes() {
        assert_eq!(CommandError::Syntax.text(), b"ERR syntax error");
        assert_eq!(
            CommandError::WrongArity("config|get".into()).text(),
            b"ERR wrong number of arguments for 'config|get' command"
        );
        assert_eq!(
            CommandError::UnknownSubcommand(b"foo".to_vec(), b"command".to_vec()).text(),
            b"ERR unknown subcommand 'foo'. Try COMMAND HELP."
        );
        assert_eq!(
            CommandError::NotAnInt32.text(),
            b"ERR value is out of range, value must between -2147483648 and 2147483647"
        );
        assert!(CommandError::NoAuth.text().starts_with(b"NOAUTH "));
        assert!(CommandError::HelloSyntax(b"\xff".to_vec())
            .text()
            .ends_with(b"'\xff'"));
    }
}
