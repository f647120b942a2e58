//! Configuration: the parameter table, redis.conf parsing and command-line
//! options.
//!
//! Mirrors: `config.c` (`standardConfig`, `configs[]`,
//! `loadServerConfigFromString`, `loadServerConfig`, `memtoull`) and the
//! argument handling of `main` in `server.c`.
//!
//! Every parameter is one [`Param`] entry: its name, an optional old alias,
//! and a [`Kind`] that knows the value syntax, the default, the validation
//! and how to read and write the field of [`Config`]. Loading a file,
//! command-line options and (later) `CONFIG SET` all go through the same
//! entry, so a value is validated the same way wherever it comes from.
//!
//! Command-line options are turned into config text exactly as Redis does:
//! each `--name` starts a new line and each following argument is appended
//! quoted. The text is parsed after the file's, as if appended to it, so an
//! error names the line of that combined text:
//!
//! ```text
//! $ ferrodis --port abc
//!
//! *** FATAL CONFIG FILE ERROR (ferrodis 0.1.0) ***
//! Reading the configuration file, at line 2
//! >>> 'port "abc"'
//! argument couldn't be parsed into an integer
//! ```
//!
//! Deviations from Redis: `daemonize yes` is refused (run ferrodis under a
//! supervisor); the next issue completes the table.

use std::path::PathBuf;

use super::resp::{split_args, string_to_i64};
use super::{FERRODIS_VERSION, REDIS_VERSION};

/// The values of all parameters (fields of `struct redisServer` that
/// config.c writes).
#[derive(Clone, Debug, Default)]
pub struct Config {
    pub bind: Vec<String>,
    pub port: i64,
    pub tcp_backlog: i64,
    pub tcp_keepalive: i64,
    pub maxclients: i64,
    pub loglevel: &'static str,
    pub logfile: String,
    pub daemonize: bool,
    pub pidfile: String,
    /// `timeout`: idle seconds before a client is closed (`maxidletime`).
    pub timeout: i64,
    pub proto_max_bulk_len: i64,
    pub client_query_buffer_limit: i64,
    pub requirepass: String,
    pub databases: i64,
    pub hz: i64,
    pub protected_mode: bool,
}

/// The parameter may not be changed at run time (`IMMUTABLE_CONFIG`).
pub const IMMUTABLE: u32 = 1 << 0;
/// The value is secret and never logged (`SENSITIVE_CONFIG`).
pub const SENSITIVE: u32 = 1 << 1;
/// A memory value: accepts `1gb`-style units (`MEMORY_CONFIG`).
pub const MEMORY: u32 = 1 << 2;

/// How a parameter's value is written and stored.
pub enum Kind {
    /// `yes` / `no`.
    Bool {
        default: bool,
        get: fn(&Config) -> bool,
        set: fn(&mut Config, bool),
    },
    /// An integer within `min..=max` (with units when flagged `MEMORY`).
    Int {
        default: i64,
        min: i64,
        max: i64,
        get: fn(&Config) -> i64,
        set: fn(&mut Config, i64),
    },
    /// One of a fixed list of words.
    Enum {
        default: &'static str,
        values: &'static [&'static str],
        get: fn(&Config) -> &'static str,
        set: fn(&mut Config, &'static str),
    },
    /// Free text; `check` may refuse a value.
    Str {
        default: &'static str,
        get: fn(&Config) -> String,
        set: fn(&mut Config, &str) -> Result<(), String>,
    },
    /// Several words (`bind`); stored and shown joined by spaces.
    Multi {
        default: &'static str,
        get: fn(&Config) -> String,
        set: fn(&mut Config, &[String]) -> Result<(), String>,
    },
}

/// One parameter (`standardConfig`).
pub struct Param {
    pub name: &'static str,
    /// The old name still accepted (`alias`), e.g. `slaveof`.
    pub alias: Option<&'static str>,
    pub flags: u32,
    pub kind: Kind,
}

/// The parameter table. The next issue completes it.
pub static PARAMS: &[Param] = &[
    Param {
        name: "bind",
        alias: None,
        flags: 0,
        kind: Kind::Multi {
            default: "127.0.0.1 -::1",
            get: |c| c.bind.join(" "),
            set: set_bind,
        },
    },
    Param {
        name: "port",
        alias: None,
        flags: 0,
        kind: Kind::Int {
            default: 6379,
            min: 0,
            max: 65535,
            get: |c| c.port,
            set: |c, v| c.port = v,
        },
    },
    Param {
        name: "tcp-backlog",
        alias: None,
        flags: IMMUTABLE,
        kind: Kind::Int {
            default: 511,
            min: 0,
            max: i32::MAX as i64,
            get: |c| c.tcp_backlog,
            set: |c, v| c.tcp_backlog = v,
        },
    },
    Param {
        name: "tcp-keepalive",
        alias: None,
        flags: 0,
        kind: Kind::Int {
            default: 300,
            min: 0,
            max: i32::MAX as i64,
            get: |c| c.tcp_keepalive,
            set: |c, v| c.tcp_keepalive = v,
        },
    },
    Param {
        name: "maxclients",
        alias: None,
        flags: 0,
        kind: Kind::Int {
            default: 10000,
            min: 1,
            max: u32::MAX as i64,
            get: |c| c.maxclients,
            set: |c, v| c.maxclients = v,
        },
    },
    Param {
        name: "loglevel",
        alias: None,
        flags: 0,
        kind: Kind::Enum {
            default: "notice",
            values: &["debug", "verbose", "notice", "warning"],
            get: |c| c.loglevel,
            set: |c, v| c.loglevel = v,
        },
    },
    Param {
        name: "logfile",
        alias: None,
        flags: IMMUTABLE,
        kind: Kind::Str {
            default: "",
            get: |c| c.logfile.clone(),
            set: |c, v| {
                c.logfile = v.to_string();
                Ok(())
            },
        },
    },
    Param {
        name: "dir",
        alias: None,
        flags: 0,
        kind: Kind::Str {
            default: "",
            get: |_| {
                std::env::current_dir()
                    .map(|p| p.display().to_string())
                    .unwrap_or_default()
            },
            set: set_dir,
        },
    },
    Param {
        name: "daemonize",
        alias: None,
        flags: IMMUTABLE,
        kind: Kind::Bool {
            default: false,
            get: |c| c.daemonize,
            set: |c, v| c.daemonize = v,
        },
    },
    Param {
        name: "pidfile",
        alias: None,
        flags: IMMUTABLE,
        kind: Kind::Str {
            default: "",
            get: |c| c.pidfile.clone(),
            set: |c, v| {
                c.pidfile = v.to_string();
                Ok(())
            },
        },
    },
    Param {
        name: "timeout",
        alias: None,
        flags: 0,
        kind: Kind::Int {
            default: 0,
            min: 0,
            max: i32::MAX as i64,
            get: |c| c.timeout,
            set: |c, v| c.timeout = v,
        },
    },
    Param {
        name: "proto-max-bulk-len",
        alias: None,
        flags: MEMORY,
        kind: Kind::Int {
            default: 512 * 1024 * 1024,
            min: 1024 * 1024,
            max: i64::MAX,
            get: |c| c.proto_max_bulk_len,
            set: |c, v| c.proto_max_bulk_len = v,
        },
    },
    Param {
        name: "client-query-buffer-limit",
        alias: None,
        flags: MEMORY,
        kind: Kind::Int {
            default: 1024 * 1024 * 1024,
            min: 1024 * 1024,
            max: i64::MAX,
            get: |c| c.client_query_buffer_limit,
            set: |c, v| c.client_query_buffer_limit = v,
        },
    },
    Param {
        name: "requirepass",
        alias: None,
        flags: SENSITIVE,
        kind: Kind::Str {
            default: "",
            get: |c| c.requirepass.clone(),
            set: |c, v| {
                c.requirepass = v.to_string();
                Ok(())
            },
        },
    },
    Param {
        name: "databases",
        alias: None,
        flags: IMMUTABLE,
        kind: Kind::Int {
            default: 16,
            min: 1,
            max: i32::MAX as i64,
            get: |c| c.databases,
            set: |c, v| c.databases = v,
        },
    },
    Param {
        name: "hz",
        alias: None,
        flags: 0,
        kind: Kind::Int {
            default: 10,
            min: 0,
            max: i32::MAX as i64,
            get: |c| c.hz,
            set: |c, v| c.hz = v,
        },
    },
    Param {
        name: "protected-mode",
        alias: None,
        flags: 0,
        kind: Kind::Bool {
            default: true,
            get: |c| c.protected_mode,
            set: |c, v| c.protected_mode = v,
        },
    },
];

fn set_bind(c: &mut Config, args: &[String]) -> Result<(), String> {
    if args.len() > super::CONFIG_BINDADDR_MAX {
        return Err("Too many bind addresses specified.".into());
    }
    c.bind = args.to_vec();
    Ok(())
}

fn set_dir(_c: &mut Config, dir: &str) -> Result<(), String> {
    // Like Redis, `dir` changes the working directory at once, so that later
    // relative paths resolve inside it.
    std::env::set_current_dir(dir).map_err(|e| io_error_text(&e))
}

/// An `io::Error` as `strerror` prints it, without Rust's "(os error N)".
pub fn io_error_text(e: &std::io::Error) -> String {
    let text = e.to_string();
    match text.find(" (os error") {
        Some(i) => text[..i].to_string(),
        None => text,
    }
}

impl Config {
    /// A configuration with every default (the built-in redis.conf).
    pub fn new() -> Config {
        let mut c = Config::default();
        for p in PARAMS {
            p.set_default(&mut c);
        }
        c
    }
}

/// Finds a parameter by name or alias, ignoring case (`lookupConfig`).
pub fn lookup(name: &str) -> Option<&'static Param> {
    PARAMS.iter().find(|p| {
        p.name.eq_ignore_ascii_case(name) || p.alias.is_some_and(|a| a.eq_ignore_ascii_case(name))
    })
}

impl Param {
    fn set_default(&self, c: &mut Config) {
        match &self.kind {
            Kind::Bool { default, set, .. } => set(c, *default),
            Kind::Int { default, set, .. } => set(c, *default),
            Kind::Enum { default, set, .. } => set(c, default),
            Kind::Str { default, set, .. } => {
                // Defaults are valid by construction, except `dir`, whose
                // default "" means "stay where started".
                if !default.is_empty() {
                    let _ = set(c, default);
                }
            }
            Kind::Multi { default, set, .. } => {
                let words: Vec<String> = default.split(' ').map(str::to_string).collect();
                let _ = set(c, &words);
            }
        }
    }

    /// Validates and stores a value given as words (the arguments after the
    /// name on a config line). The error is Redis's text for the problem.
    pub fn set(&self, c: &mut Config, args: &[String]) -> Result<(), String> {
        if let Kind::Multi { set, .. } = &self.kind {
            return set(c, args);
        }
        if args.len() != 1 {
            return Err("wrong number of arguments".into());
        }
        let value = args[0].as_str();
        match &self.kind {
            Kind::Bool { set, .. } => set(c, parse_yes_no(value)?),
            Kind::Int { min, max, set, .. } => {
                let v = if self.flags & MEMORY != 0 {
                    parse_memory(value).ok_or("argument must be a memory value")?
                } else {
                    string_to_i64(value.as_bytes())
                        .ok_or("argument couldn't be parsed into an integer")?
                };
                if v < *min || v > *max {
                    return Err(format!(
                        "argument must be between {min} and {max} inclusive"
                    ));
                }
                set(c, v);
            }
            Kind::Enum { values, set, .. } => {
                let found = values
                    .iter()
                    .find(|v| v.eq_ignore_ascii_case(value))
                    .ok_or_else(|| {
                        format!(
                            "argument(s) must be one of the following: {}",
                            values.join(", ")
                        )
                    })?;
                set(c, found);
            }
            Kind::Str { set, .. } => set(c, value)?,
            Kind::Multi { .. } => {}
        }
        if self.name == "daemonize" && c.daemonize {
            c.daemonize = false;
            return Err("daemonize yes is not supported: run ferrodis in the foreground".into());
        }
        Ok(())
    }

    /// The value as CONFIG GET shows it.
    pub fn get(&self, c: &Config) -> String {
        match &self.kind {
            Kind::Bool { get, .. } => if get(c) { "yes" } else { "no" }.to_string(),
            Kind::Int { get, .. } => get(c).to_string(),
            Kind::Enum { get, .. } => get(c).to_string(),
            Kind::Str { get, .. } => get(c),
            Kind::Multi { get, .. } => get(c),
        }
    }
}

/// `yes` or `no`, any case (`yesnotoi`).
pub fn parse_yes_no(s: &str) -> Result<bool, String> {
    if s.eq_ignore_ascii_case("yes") {
        Ok(true)
    } else if s.eq_ignore_ascii_case("no") {
        Ok(false)
    } else {
        Err("argument must be 'yes' or 'no'".into())
    }
}

/// A memory amount such as `512`, `1k`, `64mb`, `2GB` (`memtoull`). Units
/// are powers of 1000 without `b` and of 1024 with it, as in redis.conf.
pub fn parse_memory(s: &str) -> Option<i64> {
    let digits_end = s
        .bytes()
        .position(|b| !b.is_ascii_digit())
        .unwrap_or(s.len());
    let (digits, unit) = s.split_at(digits_end);
    if digits.is_empty() {
        return None;
    }
    let mul: u64 = match unit.to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" => 1000,
        "kb" => 1024,
        "m" => 1000 * 1000,
        "mb" => 1024 * 1024,
        "g" => 1000 * 1000 * 1000,
        "gb" => 1024 * 1024 * 1024,
        _ => return None,
    };
    let n: u64 = digits.parse().ok()?;
    i64::try_from(n.checked_mul(mul)?).ok()
}

/// What `main` should do after reading the arguments.
pub enum Startup {
    /// Run with this configuration (and the config file, if any).
    Run(Box<Config>, Option<PathBuf>),
    /// Exit at once with this code (`--version`, `--help`).
    Exit(i32),
}

/// Reads the command line like redis-server: `[config-file] [--name value
/// ...]`, or `-v`/`--version`, or `-h`/`--help`.
pub fn from_args(args: &[String]) -> Result<Startup, String> {
    match args.first().map(String::as_str) {
        Some("-v") | Some("--version") => {
            println!("{}", version_line());
            return Ok(Startup::Exit(0));
        }
        Some("-h") | Some("--help") => {
            // As redis-server: the usage goes to stderr and the exit code is 1.
            eprintln!("{}", usage());
            return Ok(Startup::Exit(1));
        }
        _ => {}
    }
    let (file, options) = match args.first() {
        Some(first) if !first.starts_with('-') => (Some(first.as_str()), &args[1..]),
        _ => (None, args),
    };
    let mut text = String::new();
    let mut path = None;
    if let Some(file) = file {
        text = match std::fs::read_to_string(file) {
            Ok(text) => text,
            Err(e) => {
                // Redis reports this as a log line on stdout, before the
                // logger exists (role C), and exits 1.
                println!(
                    "{}:C {} # Fatal error, can't open config file '{file}': {}",
                    std::process::id(),
                    super::logging::timestamp(std::time::SystemTime::now()),
                    io_error_text(&e)
                );
                return Ok(Startup::Exit(1));
            }
        };
        path = Some(std::fs::canonicalize(file).unwrap_or_else(|_| PathBuf::from(file)));
    }
    text.push('\n');
    text.push_str(&options_to_config_text(options));
    let mut config = Config::new();
    load_from_string(&mut config, &text)?;
    Ok(Startup::Run(Box::new(config), path))
}

/// Turns `--name v1 v2 --other v` into `name "v1" "v2" \nother "v" `
/// lines, as redis-server's `main` builds its options string.
pub fn options_to_config_text(options: &[String]) -> String {
    let mut out = String::new();
    for arg in options {
        if let Some(name) = arg.strip_prefix("--") {
            if !out.is_empty() {
                out.push('\n');
            }
            out.push_str(name);
            out.push(' ');
        } else {
            out.push_str(&repr(arg.as_bytes()));
            out.push(' ');
        }
    }
    out
}

/// Quotes a value the way `sdscatrepr` does.
pub fn repr(bytes: &[u8]) -> String {
    format!("\"{}\"", super::networking::escape_bytes(bytes))
}

/// Applies config text line by line (`loadServerConfigFromString`). The
/// error is the full fatal message naming the line and the problem.
pub fn load_from_string(config: &mut Config, text: &str) -> Result<(), String> {
    for (i, raw) in text.split('\n').enumerate() {
        let line = raw.trim_matches(|c: char| " \t\r\n".contains(c));
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let fail = |problem: &str| {
            format!(
                "\n*** FATAL CONFIG FILE ERROR (ferrodis {FERRODIS_VERSION}) ***\n\
                 Reading the configuration file, at line {}\n>>> '{}'\n{}",
                i + 1,
                line,
                problem
            )
        };
        let Some(words) = split_args(line.as_bytes()) else {
            return Err(fail("Unbalanced quotes in configuration line"));
        };
        let words: Vec<String> = words
            .iter()
            .map(|w| String::from_utf8_lossy(w).into_owned())
            .collect();
        let Some((name, values)) = words.split_first() else {
            continue;
        };
        let Some(param) = lookup(name) else {
            return Err(fail("Bad directive or wrong number of arguments"));
        };
        param.set(config, values).map_err(|e| fail(&e))?;
    }
    Ok(())
}

/// `ferrodis --version`.
pub fn version_line() -> String {
    format!(
        "ferrodis v={FERRODIS_VERSION} redis_version={REDIS_VERSION} bits={}",
        usize::BITS
    )
}

/// `ferrodis --help`.
pub fn usage() -> String {
    "Usage: ferrodis [/path/to/redis.conf] [options]\n\
     \x20      ferrodis -v or --version\n\
     \x20      ferrodis -h or --help\n\
     \n\
     Options are any redis.conf directive written as --name value; they are\n\
     applied after the file, in order.\n\
     \n\
     Examples:\n\
     \x20      ferrodis (runs on 127.0.0.1:6379 and [::1]:6379 with the built-in defaults)\n\
     \x20      ferrodis /etc/redis/6379.conf\n\
     \x20      ferrodis --port 7777\n\
     \x20      ferrodis /etc/myredis.conf --loglevel verbose"
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strings(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn defaults_match_redis_conf() {
        let c = Config::new();
        assert_eq!(c.port, 6379);
        assert_eq!(c.maxclients, 10000);
        assert_eq!(c.loglevel, "notice");
        assert_eq!(c.proto_max_bulk_len, 536870912);
        assert_eq!(c.client_query_buffer_limit, 1073741824);
        assert_eq!(c.tcp_backlog, 511);
        assert_eq!(c.databases, 16);
        assert_eq!(c.hz, 10);
    }

    #[test]
    fn command_line_options_become_numbered_lines() {
        let text =
            options_to_config_text(&strings(&["--port", "1", "--bind", "127.0.0.1", "-::1"]));
        assert_eq!(text, "port \"1\" \nbind \"127.0.0.1\" \"-::1\" ");
        let mut c = Config::new();
        load_from_string(&mut c, &format!("\n{text}")).expect("valid");
        assert_eq!(c.port, 1);
        assert_eq!(c.bind, strings(&["127.0.0.1", "-::1"]));
    }

    #[test]
    fn errors_name_the_line_and_problem() {
        let mut c = Config::new();
        let err = load_from_string(&mut c, "# c\n# c2\nfoo bar\n").unwrap_err();
        assert!(
            err.contains("at line 3\n>>> 'foo bar'\nBad directive or wrong number of arguments")
        );
        let err = load_from_string(&mut c, "\nport \"abc\" ").unwrap_err();
        assert!(err.ends_with(
            "at line 2\n>>> 'port \"abc\"'\nargument couldn't be parsed into an integer"
        ));
        let err = load_from_string(&mut c, "port 70000").unwrap_err();
        assert!(err.ends_with("argument must be between 0 and 65535 inclusive"));
        let err = load_from_string(&mut c, "port 1 2").unwrap_err();
        assert!(err.ends_with("wrong number of arguments"));
        let err = load_from_string(&mut c, "loglevel foo").unwrap_err();
        assert!(err.ends_with(
            "argument(s) must be one of the following: debug, verbose, notice, warning"
        ));
        let err = load_from_string(&mut c, "proto-max-bulk-len 100").unwrap_err();
        assert!(err.ends_with("argument must be between 1048576 and 9223372036854775807 inclusive"));
        let err = load_from_string(&mut c, "client-query-buffer-limit 1x").unwrap_err();
        assert!(err.ends_with("argument must be a memory value"));
        let err = load_from_string(&mut c, "daemonize maybe").unwrap_err();
        assert!(err.ends_with("argument must be 'yes' or 'no'"));
    }

    #[test]
    fn memory_units() {
        assert_eq!(parse_memory("1mb"), Some(1048576));
        assert_eq!(parse_memory("1m"), Some(1000000));
        assert_eq!(parse_memory("2GB"), Some(2147483648));
        assert_eq!(parse_memory("100"), Some(100));
        assert_eq!(parse_memory("1x"), None);
        assert_eq!(parse_memory("-1"), None);
        assert_eq!(parse_memory(""), None);
    }
}
