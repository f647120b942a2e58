//! INFO: the server's report on itself, and the statistics only INFO
//! reads.
//!
//! Mirrors: `server.c` (`infoCommand`, `genInfoSectionDict`,
//! `genRedisInfoString`, `genRedisInfoStringCommandStats`,
//! `genRedisInfoStringLatencyStats`, `fillPercentileDistributionLatencies`,
//! `bytesToHuman`, `getSafeInfoString`, `trackInstantaneousMetric`,
//! `getInstantaneousMetric`, `updateCommandLatencyHistogram`, the memory
//! sampling of `serverCron`), `object.c` (`getMemoryOverheadData`), the
//! event-loop duration statistics Redis 7.2 added (`durationAddSample`,
//! `afterSleep` setting `el_start`), and the part of `hdr_histogram.c`
//! that INFO latencystats uses.
//!
//! INFO's reply is one text: a `# Section` header, then `name:value`
//! lines, each ending in CRLF, with an empty line between sections. The
//! sections and the fields within them come in Redis 7.0.15's order, with
//! Redis's names, because clients and exporters parse them by name and
//! some by position. Which sections appear:
//!
//! ```text
//!   INFO                      the default sections
//!   INFO default              the same, and can be combined with others
//!   INFO all                  every section (commandstats, latencystats too)
//!   INFO everything           all, plus module sections (there are none)
//!   INFO cpu Keyspace ...     the named sections, any case, in INFO's order
//!   INFO nosuchsection        an empty reply
//! ```
//!
//! The counters INFO prints live where they are counted (`server.stats`,
//! `server.command_stats`, `server.error_stats`). What only INFO needs is
//! kept here in [`InfoState`] (`server.info`): the run id, the memory
//! peak and RSS samples, the instantaneous metrics (16 samples taken
//! every 100 ms by [`stats_cron`], averaged when read), the event-loop
//! cycle counters (set by [`after_sleep`] and [`el_cycle_end`]) and the
//! per-command latency histograms (fed by [`record_call`] from
//! `commands::call`).
//!
//! ```text
//!   poll returns -> after_sleep: el_start = now
//!   file events, time events (commands: record_call adds their usec)
//!   before_sleep ... el_cycle_end: cycles += 1, sum += now - el_start
//!   poll
//! ```
//!
//! Deviations from Redis: the fields of features ferrodis does not have
//! yet (persistence, replication, pub/sub, eviction, Lua, defrag,
//! tracking) report the values of a Redis where those are idle or off.
//! The
//! client buffer peaks are the largest current buffers, not a peak over
//! the last seconds. Stats also carries the five event-loop fields of
//! Redis 7.2, and Server carries `ferrodis_version`.

use std::collections::HashMap;
use std::fmt::{Display, Write as _};
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use super::commands::{acl, arg, cmd, Arg, ArgType, CommandSpec, BASE};
use super::networking::Loop;
use super::reply::PROTO_REPLY_CHUNK_BYTES;
use super::resp::Argv;
use super::util::IntHashBuilder;
use super::{zmalloc, Client, ClientId, Server, FERRODIS_VERSION, REDIS_VERSION};

/// Every command of this module, for the command table.
pub static COMMANDS: [&CommandSpec; 1] = [&INFO];

pub static INFO: CommandSpec = CommandSpec {
    name: "info",
    proc_: info_command,
    arity: -1,
    flags: cmd::LOADING | cmd::STALE | cmd::SENTINEL,
    acl: acl::DANGEROUS,
    tips: &[
        "nondeterministic_output",
        "request_policy:all_shards",
        "response_policy:special",
    ],
    summary: "Report information and statistics about the server, by section",
    since: "1.0.0",
    group: "server",
    complexity: "O(1)",
    args: &[Arg::new("section", ArgType::String).flags(arg::OPTIONAL | arg::MULTIPLE)],
    ..BASE
};

/// Samples kept per instantaneous metric (`STATS_METRIC_SAMPLES`).
const STATS_METRIC_SAMPLES: usize = 16;
/// Commands executed (`STATS_METRIC_COMMAND`).
const METRIC_COMMAND: usize = 0;
/// Bytes read from the network (`STATS_METRIC_NET_INPUT`).
const METRIC_NET_INPUT: usize = 1;
/// Bytes written to the network (`STATS_METRIC_NET_OUTPUT`).
const METRIC_NET_OUTPUT: usize = 2;
/// Event-loop cycles (`STATS_METRIC_EL_CYCLE`, Redis 7.2).
const METRIC_EL_CYCLE: usize = 3;
/// Event-loop cycle duration (`STATS_METRIC_EL_DURATION`, Redis 7.2).
const METRIC_EL_DURATION: usize = 4;
const METRIC_COUNT: usize = 5;

/// Largest LRU clock value (`LRU_CLOCK_MAX`): INFO prints the clock in
/// Redis's 24 bits.
const LRU_CLOCK_MAX: u32 = (1 << 24) - 1;

/// The sections INFO prints with no argument, or for `default`
/// (`genInfoSectionDict`). `module_list` is the `# Modules` section.
const DEFAULT_SECTIONS: &[&str] = &[
    "server",
    "clients",
    "memory",
    "persistence",
    "stats",
    "replication",
    "cpu",
    "module_list",
    "errorstats",
    "cluster",
    "keyspace",
];

/// One instantaneous metric: the last 16 per-interval rates, and the
/// reading they were computed from (`server.inst_metric[]`).
#[derive(Clone, Copy, Default)]
struct InstantaneousMetric {
    samples: [u64; STATS_METRIC_SAMPLES],
    idx: usize,
    last_base: u64,
    last_value: u64,
}

impl InstantaneousMetric {
    /// Adds the sample `Δvalue * factor / Δbase` (Redis 7.2's
    /// `trackInstantaneousMetric`): operations per second when the base is
    /// a time in µs and the factor 10^6, the mean duration of a cycle when
    /// the base is a cycle count and the factor 1.
    fn track(&mut self, value: u64, base: u64, factor: u64) {
        if self.last_base > 0 {
            let dbase = base.saturating_sub(self.last_base);
            let dvalue = value.saturating_sub(self.last_value);
            let avg = dvalue
                .saturating_mul(factor)
                .checked_div(dbase)
                .unwrap_or(0);
            self.samples[self.idx] = avg;
            self.idx = (self.idx + 1) % STATS_METRIC_SAMPLES;
        }
        self.last_base = base;
        self.last_value = value;
    }

    /// The mean of the samples (`getInstantaneousMetric`).
    fn get(&self) -> u64 {
        self.samples.iter().sum::<u64>() / STATS_METRIC_SAMPLES as u64
    }
}

/// Event-loop cycle statistics (Redis 7.2's `duration_stats` for
/// `EL_DURATION_TYPE_EL` and `_CMD`, and `server.el_start`).
#[derive(Default)]
struct EventLoopStats {
    /// When the poll of the running cycle returned.
    start: Option<Instant>,
    /// Cycles completed.
    cycles: u64,
    /// Total cycle time, µs.
    duration_sum: u64,
    /// Total time spent running commands, µs.
    cmd_sum: u64,
}

/// What INFO alone needs to remember (the INFO-only fields of
/// `struct redisServer`).
pub struct InfoState {
    /// `run_id`: 40 random hex characters, new for each process
    /// (`server.runid`).
    pub run_id: String,
    /// `master_replid` (`server.replid`), until replication owns it.
    pub replid: String,
    /// `os`: kernel name, release and machine, from uname.
    os: String,
    /// `executable`: the absolute path of the binary.
    executable: String,
    /// Memory in use when the server was ready
    /// (`server.initial_memory_usage`), taken before the first poll.
    startup_memory: usize,
    /// Largest `used_memory` seen (`server.stat_peak_memory`).
    peak_memory: usize,
    /// RSS and `used_memory` sampled together, for the fragmentation
    /// ratio (`server.cron_malloc_stats`).
    rss: usize,
    rss_used_memory: usize,
    metrics: [InstantaneousMetric; METRIC_COUNT],
    /// Origin of the µs time base of the metrics.
    epoch: Instant,
    el: EventLoopStats,
    /// Per-command latency histograms (`c->latency_histogram`), created
    /// on a command's first call; keyed like `server.command_stats`.
    latency: HashMap<usize, (&'static CommandSpec, LatencyHistogram), IntHashBuilder>,
}

impl Default for InfoState {
    fn default() -> Self {
        InfoState::new()
    }
}

impl InfoState {
    /// Fresh state: new random ids, a first RSS sample.
    pub fn new() -> InfoState {
        InfoState {
            run_id: random_hex40(),
            replid: random_hex40(),
            os: uname_string(),
            executable: std::env::current_exe()
                .map(|p| p.display().to_string())
                .unwrap_or_default(),
            startup_memory: 0,
            peak_memory: zmalloc::used_memory(),
            rss: zmalloc::get_rss(),
            rss_used_memory: zmalloc::used_memory().max(1),
            metrics: [InstantaneousMetric::default(); METRIC_COUNT],
            epoch: Instant::now(),
            el: EventLoopStats::default(),
            latency: HashMap::default(),
        }
    }
}

/// 40 random hex characters (`getRandomHexChars`): from /dev/urandom, or
/// failing that from std's randomly keyed SipHash.
fn random_hex40() -> String {
    use std::hash::BuildHasher;
    use std::io::Read;
    let mut bytes = [0u8; 20];
    let from_urandom = std::fs::File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(&mut bytes))
        .is_ok();
    if !from_urandom {
        let keyed = std::collections::hash_map::RandomState::new();
        for (i, chunk) in bytes.chunks_mut(8).enumerate() {
            let word = keyed.hash_one(i).to_le_bytes();
            chunk.copy_from_slice(&word[..chunk.len()]);
        }
    }
    bytes.iter().fold(String::with_capacity(40), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// `sysname release machine` from uname(2), as INFO's `os` field.
fn uname_string() -> String {
    // SAFETY: utsname is plain old data; zeroes are a valid value.
    let mut name: libc::utsname = unsafe { std::mem::zeroed() };
    // SAFETY: uname writes NUL-terminated strings into the struct.
    if unsafe { libc::uname(&mut name) } != 0 {
        return String::new();
    }
    let field = |f: &[libc::c_char]| {
        let bytes: Vec<u8> = f
            .iter()
            .take_while(|&&c| c != 0)
            .map(|&c| c as u8)
            .collect();
        String::from_utf8_lossy(&bytes).into_owned()
    };
    format!(
        "{} {} {}",
        field(&name.sysname),
        field(&name.release),
        field(&name.machine)
    )
}

// ---------------------------------------------------------------------
// Hooks called by the loop, cron and `commands::call`.

/// Marks the start of a loop cycle (`afterSleep` setting `el_start`);
/// installed as the event loop's after-sleep hook.
pub fn after_sleep(_el: &mut Loop, server: &mut Server) {
    server.info.el.start = Some(Instant::now());
}

/// Ends the loop cycle begun by [`after_sleep`]: called last in
/// before_sleep (`durationAddSample(EL_DURATION_TYPE_EL, ...)`).
pub fn el_cycle_end(server: &mut Server) {
    // The first call comes before the first poll: the server is set up
    // and no client is connected yet (Redis measures the start-up memory
    // at the end of `InitServerLast`).
    if server.info.startup_memory == 0 {
        server.info.startup_memory = zmalloc::used_memory();
    }
    let el = &mut server.info.el;
    if let Some(start) = el.start.take() {
        el.cycles += 1;
        el.duration_sum += start.elapsed().as_micros() as u64;
    }
}

/// Counts a command's run time for the event-loop statistics and its
/// latency histogram (`updateCommandLatencyHistogram`): called by
/// `commands::call` with the time `call` measured.
pub fn record_call(server: &mut Server, cmd: &'static CommandSpec, usec: u64) {
    server.info.el.cmd_sum += usec;
    if server.config.latency_tracking {
        server
            .info
            .latency
            .entry(cmd as *const CommandSpec as usize)
            .or_insert_with(|| (cmd, LatencyHistogram::new()))
            .1
            .record(usec.saturating_mul(1000));
    }
}

/// The INFO work of each `server_cron` tick: the memory peak every tick;
/// every 100 ms the RSS and the instantaneous metrics (serverCron's
/// `stat_peak_memory` update and its `run_with_period(100)` block).
pub fn stats_cron(server: &mut Server) {
    let used = zmalloc::used_memory();
    let sample = super::cron::run_with_period(server, 100);
    let st = &mut server.info;
    st.peak_memory = st.peak_memory.max(used);
    if !sample {
        return;
    }
    // RSS and used memory are sampled together: their ratio is the
    // fragmentation INFO reports.
    st.rss = zmalloc::get_rss();
    st.rss_used_memory = used.max(1);
    let now_us = st.epoch.elapsed().as_micros() as u64 + 1;
    let stats = &server.stats;
    let m = &mut st.metrics;
    m[METRIC_COMMAND].track(stats.numcommands, now_us, 1_000_000);
    m[METRIC_NET_INPUT].track(stats.net_input_bytes, now_us, 1_000_000);
    m[METRIC_NET_OUTPUT].track(stats.net_output_bytes, now_us, 1_000_000);
    m[METRIC_EL_CYCLE].track(st.el.cycles, now_us, 1_000_000);
    m[METRIC_EL_DURATION].track(st.el.duration_sum, st.el.cycles, 1);
}

/// Zeroes what CONFIG RESETSTAT resets of this module's state: the
/// instantaneous metrics and the event-loop counters (`resetServerStats`)
/// and the latency histograms (`resetCommandTableStats`). The memory peak
/// and the ids stay.
pub fn reset_stats(server: &mut Server) {
    let st = &mut server.info;
    st.metrics = [InstantaneousMetric::default(); METRIC_COUNT];
    st.el = EventLoopStats {
        start: st.el.start,
        ..EventLoopStats::default()
    };
    st.latency.clear();
}

// ---------------------------------------------------------------------
// The command.

/// Which sections a request asked for (`genInfoSectionDict`'s dict and
/// its `all` and `everything` flags).
#[derive(Debug, Default)]
pub struct Sections {
    names: Vec<Vec<u8>>,
    all: bool,
    everything: bool,
}

impl Sections {
    /// Parses INFO's arguments. Names match in any case and, as C strings,
    /// end at a NUL byte.
    pub fn from_args(args: &[Vec<u8>]) -> Sections {
        let mut s = Sections::default();
        let add_defaults = |s: &mut Sections| {
            s.names
                .extend(DEFAULT_SECTIONS.iter().map(|n| n.as_bytes().to_vec()));
        };
        if args.is_empty() {
            add_defaults(&mut s);
            return s;
        }
        for a in args {
            let name = match memchr::memchr(0, a) {
                Some(nul) => &a[..nul],
                None => &a[..],
            };
            let name = name.to_ascii_lowercase();
            match name.as_slice() {
                b"default" => add_defaults(&mut s),
                b"all" => s.all = true,
                b"everything" => {
                    s.all = true;
                    s.everything = true;
                }
                _ => s.names.push(name),
            }
        }
        s
    }

    /// Whether the section `name` (lower case) is printed.
    fn wants(&self, name: &str) -> bool {
        self.all || self.names.iter().any(|n| n == name.as_bytes())
    }
}

/// `INFO [section ...]` (`infoCommand`): a verbatim `txt` string in RESP3,
/// a bulk string in RESP2.
fn info_command(server: &mut Server, id: ClientId, argv: &Argv) {
    let sections = Sections::from_args(argv.get(1..).unwrap_or_default());
    let text = gen_info_string(server, &sections);
    server.reply(id).verbatim(text.as_bytes(), "txt");
}

/// Appends `name:value\r\n` lines.
macro_rules! fields {
    ($out:expr, $( $name:literal => $value:expr ),* $(,)?) => {
        $( let _ = write!($out, concat!($name, ":{}\r\n"), $value); )*
    };
}

/// The INFO text under construction, counting its sections.
struct Info {
    out: String,
    sections: usize,
}

impl Info {
    /// Starts a section: an empty line after the previous one, then its
    /// `# Title` header.
    fn section(&mut self, title: &str) -> &mut String {
        if self.sections > 0 {
            self.out.push_str("\r\n");
        }
        self.sections += 1;
        self.out.push_str("# ");
        self.out.push_str(title);
        self.out.push_str("\r\n");
        &mut self.out
    }
}

/// The text of INFO for the given sections (`genRedisInfoString`).
pub fn gen_info_string(server: &mut Server, want: &Sections) -> String {
    let mut info = Info {
        out: String::with_capacity(8192),
        sections: 0,
    };
    if want.wants("server") {
        server_section(server, info.section("Server"));
    }
    if want.wants("clients") {
        clients_section(server, info.section("Clients"));
    }
    if want.wants("memory") {
        memory_section(server, info.section("Memory"));
    }
    if want.wants("persistence") {
        persistence_section(server, info.section("Persistence"));
    }
    if want.wants("stats") {
        stats_section(server, info.section("Stats"));
    }
    if want.wants("replication") {
        replication_section(server, info.section("Replication"));
    }
    if want.wants("cpu") {
        cpu_section(info.section("CPU"));
    }
    // No modules: the section is its header alone.
    if want.wants("module_list") || want.wants("modules") {
        info.section("Modules");
    }
    if want.wants("commandstats") {
        command_stats_section(server, info.section("Commandstats"));
    }
    if want.wants("errorstats") {
        error_stats_section(server, info.section("Errorstats"));
    }
    if want.wants("latencystats") {
        let out = info.section("Latencystats");
        if server.config.latency_tracking {
            latency_stats_section(server, out);
        }
    }
    if want.wants("cluster") {
        fields!(info.section("Cluster"), "cluster_enabled" => 0);
    }
    if want.wants("keyspace") {
        keyspace_section(server, info.section("Keyspace"));
    }
    // Redis would now add the sections of modules, for `everything` or
    // names it did not know; there are no modules.
    info.out
}

fn server_section(server: &Server, out: &mut String) {
    let st = &server.info;
    let now_us = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_micros());
    let uptime = server.start_time.elapsed().as_secs();
    let config_file = server
        .config_file
        .as_ref()
        .map(|p| p.display().to_string())
        .unwrap_or_default();
    fields!(out,
        "redis_version" => REDIS_VERSION,
        "ferrodis_version" => FERRODIS_VERSION,
        "redis_git_sha1" => "00000000",
        "redis_git_dirty" => 0,
        "redis_build_id" => build_id(),
        "redis_mode" => "standalone",
        "os" => st.os,
        "arch_bits" => usize::BITS,
        // std's Instant reads CLOCK_MONOTONIC with clock_gettime.
        "monotonic_clock" => "POSIX clock_gettime",
        "multiplexing_api" => MULTIPLEXING_API,
        "atomicvar_api" => "c11-builtin",
        // Not built by GCC: Redis prints 0.0.0 then.
        "gcc_version" => "0.0.0",
        "process_id" => server.pid,
        "process_supervised" => "no",
        "run_id" => st.run_id,
        "tcp_port" => server.config.port,
        "server_time_usec" => now_us,
        "uptime_in_seconds" => uptime,
        "uptime_in_days" => uptime / (3600 * 24),
        // No dynamic-hz yet: the running hz is the configured one.
        "hz" => server.config.hz,
        "configured_hz" => server.config.hz,
        "lru_clock" => server.lru_clock & LRU_CLOCK_MAX,
        "executable" => st.executable,
        "config_file" => config_file,
        "io_threads_active" => 0,
    );
}

/// What `aeGetApiName` would say: mio polls with epoll on Linux and
/// kqueue on the BSDs and macOS.
const MULTIPLEXING_API: &str = if cfg!(any(target_os = "linux", target_os = "android")) {
    "epoll"
} else {
    "kqueue"
};

/// A build identifier (`redisBuildIdString`): a hash of what this build
/// is, in hex.
fn build_id() -> String {
    let build = concat!(
        "ferrodis-",
        env!("CARGO_PKG_VERSION"),
        "-",
        env!("CARGO_PKG_NAME")
    );
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in build.bytes().chain(std::env::consts::ARCH.bytes()) {
        h = (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("{h:x}")
}

fn clients_section(server: &Server, out: &mut String) {
    // The largest buffers now (Redis: the largest of the last seconds).
    let max_in = server
        .clients
        .iter()
        .map(|(_, c)| c.querybuf.capacity())
        .max()
        .unwrap_or(0);
    let max_out = server
        .clients
        .iter()
        .map(|(_, c)| c.reply.list_bytes())
        .max()
        .unwrap_or(0);
    fields!(out,
        "connected_clients" => server.clients.len(),
        "cluster_connections" => 0,
        "maxclients" => server.config.maxclients,
        "client_recent_max_input_buffer" => max_in,
        "client_recent_max_output_buffer" => max_out,
        "blocked_clients" => server.blocked.count(),
        "tracking_clients" => 0,
        "clients_in_timeout_table" => server.blocked.timeout_count(),
    );
}

/// Bytes as Redis prints them for humans: `512B`, `1.50K`, `10.00M`
/// (`bytesToHuman`).
pub fn bytes_to_human(n: u64) -> String {
    const UNITS: [(u32, char); 5] = [(1, 'K'), (2, 'M'), (3, 'G'), (4, 'T'), (5, 'P')];
    if n < 1024 {
        return format!("{n}B");
    }
    for (power, unit) in UNITS {
        if n < 1u64 << (10 * (power + 1)) {
            return format!("{:.2}{unit}", n as f64 / (1u64 << (10 * power)) as f64);
        }
    }
    format!("{n}B")
}

/// `%.2f` of a C `float` expression.
fn f2(x: f32) -> String {
    format!("{:.2}", f64::from(x))
}

/// Memory a client holds (`getClientMemoryUsage`, approximately): the
/// struct, its query buffer, its reply buffer and reply list.
fn client_memory(c: &Client) -> usize {
    std::mem::size_of::<Client>()
        + c.querybuf.capacity()
        + PROTO_REPLY_CHUNK_BYTES
        + c.reply.list_bytes()
}

/// The memory INFO does not count as data (`getMemoryOverheadData`'s
/// `overhead_total`): the start-up figure, the clients, and the hash
/// tables of the keyspace (buckets and entries; keys and values are
/// dataset).
fn memory_overhead(server: &Server, clients_normal: usize) -> usize {
    use super::dict::Entry;
    use super::object::Obj;
    let word = std::mem::size_of::<usize>();
    let tables: usize = server
        .dbs
        .iter()
        .map(|d| {
            d.dict.buckets() * word
                + d.dict.len() * std::mem::size_of::<Entry<Obj>>()
                + d.expires.buckets() * word
                + d.expires.len() * std::mem::size_of::<Entry<i64>>()
        })
        .sum();
    server.info.startup_memory + clients_normal + tables
}

fn memory_section(server: &mut Server, out: &mut String) {
    let used = zmalloc::used_memory();
    // The peak is sampled by cron; do not show a peak below the current
    // figure (as genRedisInfoString does).
    server.info.peak_memory = server.info.peak_memory.max(used);
    let st = &server.info;
    let peak = st.peak_memory.max(1);
    let clients_normal: usize = server.clients.iter().map(|(_, c)| client_memory(c)).sum();
    let overhead = memory_overhead(server, clients_normal).min(used);
    let dataset = used - overhead;
    let net_usage = if used > st.startup_memory {
        used - st.startup_memory
    } else {
        1
    };
    // With the C library's malloc Redis has no allocator statistics and
    // derives them: resident = active = RSS, allocated = used memory.
    let rss = st.rss;
    let sampled_used = st.rss_used_memory;
    let frag_ratio = rss as f32 / sampled_used as f32;
    let frag_bytes = rss as i64 - sampled_used as i64;
    let system = zmalloc::get_memory_size();
    let maxmemory = server.config.maxmemory as u64;
    fields!(out,
        "used_memory" => used,
        "used_memory_human" => bytes_to_human(used as u64),
        "used_memory_rss" => rss,
        "used_memory_rss_human" => bytes_to_human(rss as u64),
        "used_memory_peak" => st.peak_memory,
        "used_memory_peak_human" => bytes_to_human(st.peak_memory as u64),
        "used_memory_peak_perc" => format!("{}%", f2(used as f32 * 100.0 / peak as f32)),
        "used_memory_overhead" => overhead,
        "used_memory_startup" => st.startup_memory,
        "used_memory_dataset" => dataset,
        "used_memory_dataset_perc" => format!("{}%", f2(dataset as f32 * 100.0 / net_usage as f32)),
        "allocator_allocated" => sampled_used,
        "allocator_active" => rss,
        "allocator_resident" => rss,
        "total_system_memory" => system,
        "total_system_memory_human" => bytes_to_human(system),
        // No Lua and no functions.
        "used_memory_lua" => 0,
        "used_memory_vm_eval" => 0,
        "used_memory_lua_human" => "0B",
        "used_memory_scripts_eval" => 0,
        "number_of_cached_scripts" => 0,
        "number_of_functions" => 0,
        "number_of_libraries" => 0,
        "used_memory_vm_functions" => 0,
        "used_memory_vm_total" => 0,
        "used_memory_vm_total_human" => "0B",
        "used_memory_functions" => 0,
        "used_memory_scripts" => 0,
        "used_memory_scripts_human" => "0B",
        "maxmemory" => maxmemory,
        "maxmemory_human" => bytes_to_human(maxmemory),
        "maxmemory_policy" => server.config.maxmemory_policy,
        "allocator_frag_ratio" => f2(frag_ratio),
        "allocator_frag_bytes" => frag_bytes,
        "allocator_rss_ratio" => "1.00",
        "allocator_rss_bytes" => 0,
        "rss_overhead_ratio" => "1.00",
        "rss_overhead_bytes" => 0,
        "mem_fragmentation_ratio" => f2(frag_ratio),
        "mem_fragmentation_bytes" => frag_bytes,
        "mem_not_counted_for_evict" => 0,
        "mem_replication_backlog" => 0,
        "mem_total_replication_buffers" => 0,
        "mem_clients_slaves" => 0,
        "mem_clients_normal" => clients_normal,
        "mem_cluster_links" => 0,
        "mem_aof_buffer" => 0,
        "mem_allocator" => zmalloc::ZMALLOC_LIB,
        "active_defrag_running" => 0,
        "lazyfree_pending_objects" => server.lazyfree.iter().map(|d| d.len()).sum::<usize>(),
        "lazyfreed_objects" => server.stats.lazyfreed_objects,
    );
}

fn persistence_section(server: &Server, out: &mut String) {
    // No AOF yet: its figures are those of a Redis with it off.
    let rdb = &server.rdb;
    let current = rdb
        .child_start
        .map(|s| s.elapsed().as_secs() as i64)
        .unwrap_or(-1);
    fields!(out,
        "loading" => 0,
        "async_loading" => 0,
        "current_cow_peak" => 0,
        "current_cow_size" => 0,
        "current_cow_size_age" => 0,
        "current_fork_perc" => "0.00",
        "current_save_keys_processed" => 0,
        "current_save_keys_total" => 0,
        "rdb_changes_since_last_save" => server.dirty,
        "rdb_bgsave_in_progress" => u8::from(rdb.child_pid.is_some()),
        "rdb_last_save_time" => rdb.lastsave,
        "rdb_last_bgsave_status" => if rdb.last_bgsave_ok { "ok" } else { "err" },
        "rdb_last_bgsave_time_sec" => rdb.last_bgsave_time_sec,
        "rdb_current_bgsave_time_sec" => current,
        "rdb_saves" => rdb.saves,
        "rdb_last_cow_size" => rdb.last_cow_size,
        "rdb_last_load_keys_expired" => rdb.last_load_keys_expired,
        "rdb_last_load_keys_loaded" => rdb.last_load_keys_loaded,
        "aof_enabled" => 0,
        "aof_rewrite_in_progress" => 0,
        "aof_rewrite_scheduled" => 0,
        "aof_last_rewrite_time_sec" => -1,
        "aof_current_rewrite_time_sec" => -1,
        "aof_last_bgrewrite_status" => "ok",
        "aof_rewrites" => 0,
        "aof_rewrites_consecutive_failures" => 0,
        "aof_last_write_status" => "ok",
        "aof_last_cow_size" => 0,
        "module_fork_in_progress" => 0,
        "module_fork_last_cow_size" => 0,
    );
}

/// An instantaneous byte rate in KiB/s, as `(float)bytes/1024` with `%.2f`.
fn kbps(bytes_per_sec: u64) -> String {
    f2(bytes_per_sec as f32 / 1024.0)
}

fn stats_section(server: &Server, out: &mut String) {
    let s = &server.stats;
    let st = &server.info;
    let m = &st.metrics;
    fields!(out,
        "total_connections_received" => s.numconnections,
        "total_commands_processed" => s.numcommands,
        "instantaneous_ops_per_sec" => m[METRIC_COMMAND].get(),
        "total_net_input_bytes" => s.net_input_bytes,
        "total_net_output_bytes" => s.net_output_bytes,
        "total_net_repl_input_bytes" => 0,
        "total_net_repl_output_bytes" => 0,
        "instantaneous_input_kbps" => kbps(m[METRIC_NET_INPUT].get()),
        "instantaneous_output_kbps" => kbps(m[METRIC_NET_OUTPUT].get()),
        "instantaneous_input_repl_kbps" => "0.00",
        "instantaneous_output_repl_kbps" => "0.00",
        "rejected_connections" => s.rejected_conn,
        "sync_full" => 0,
        "sync_partial_ok" => 0,
        "sync_partial_err" => 0,
        "expired_keys" => s.expired_keys,
        "expired_stale_perc" => format!("{:.2}", server.stats.expired_stale_perc * 100.0),
        "expired_time_cap_reached_count" => s.expired_time_cap_reached,
        "expire_cycle_cpu_milliseconds" => server.stats.expire_cycle_time_used_us / 1000,
        "evicted_keys" => 0,
        "evicted_clients" => 0,
        "total_eviction_exceeded_time" => 0,
        "current_eviction_exceeded_time" => 0,
        "keyspace_hits" => s.keyspace_hits,
        "keyspace_misses" => s.keyspace_misses,
        "pubsub_channels" => server.pubsub.channel_count(),
        "pubsub_patterns" => server.pubsub.pattern_count(),
        "pubsubshard_channels" => server.pubsub.shard_channel_count(),
        "latest_fork_usec" => server.rdb.latest_fork_usec,
        "total_forks" => server.rdb.total_forks,
        "migrate_cached_sockets" => 0,
        "slave_expires_tracked_keys" => 0,
        "active_defrag_hits" => 0,
        "active_defrag_misses" => 0,
        "active_defrag_key_hits" => 0,
        "active_defrag_key_misses" => 0,
        "total_active_defrag_time" => 0,
        "current_active_defrag_time" => 0,
        "tracking_total_keys" => 0,
        "tracking_total_items" => 0,
        "tracking_total_prefixes" => 0,
        "unexpected_error_replies" => s.unexpected_error_replies,
        "total_error_replies" => s.total_error_replies,
        "dump_payload_sanitizations" => 0,
        "total_reads_processed" => server.stats.total_reads_processed,
        "total_writes_processed" => server.stats.total_writes_processed,
        "io_threaded_reads_processed" => 0,
        "io_threaded_writes_processed" => 0,
        "reply_buffer_shrinks" => 0,
        "reply_buffer_expands" => 0,
        // Redis 7.2's event-loop statistics.
        "eventloop_cycles" => st.el.cycles,
        "eventloop_duration_sum" => st.el.duration_sum,
        "eventloop_duration_cmd_sum" => st.el.cmd_sum,
        "instantaneous_eventloop_cycles_per_sec" => m[METRIC_EL_CYCLE].get(),
        "instantaneous_eventloop_duration_usec" => m[METRIC_EL_DURATION].get(),
    );
}

fn replication_section(server: &Server, out: &mut String) {
    // A master without replicas or a backlog.
    fields!(out,
        "role" => "master",
        "connected_slaves" => 0,
        "master_failover_state" => "no-failover",
        "master_replid" => server.info.replid,
        "master_replid2" => "0000000000000000000000000000000000000000",
        "master_repl_offset" => 0,
        "second_repl_offset" => -1,
        "repl_backlog_active" => 0,
        "repl_backlog_size" => server.config.repl_backlog_size,
        "repl_backlog_first_byte_offset" => 0,
        "repl_backlog_histlen" => 0,
    );
}

/// getrusage(2) for `who`; zeroes if it fails.
fn rusage(who: libc::c_int) -> libc::rusage {
    // SAFETY: rusage is plain old data; zeroes are a valid value.
    let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: getrusage writes into the struct we pass and nothing else.
    unsafe { libc::getrusage(who, &mut ru) };
    ru
}

/// A timeval as `%ld.%06ld`.
struct Seconds(libc::timeval);

impl Display for Seconds {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{:06}", self.0.tv_sec, self.0.tv_usec)
    }
}

fn cpu_section(out: &mut String) {
    let me = rusage(libc::RUSAGE_SELF);
    let children = rusage(libc::RUSAGE_CHILDREN);
    fields!(out,
        "used_cpu_sys" => Seconds(me.ru_stime),
        "used_cpu_user" => Seconds(me.ru_utime),
        "used_cpu_sys_children" => Seconds(children.ru_stime),
        "used_cpu_user_children" => Seconds(children.ru_utime),
    );
    // As Redis: only where RUSAGE_THREAD exists.
    #[cfg(any(target_os = "linux", target_os = "android"))]
    {
        let main = rusage(libc::RUSAGE_THREAD);
        fields!(out,
            "used_cpu_sys_main_thread" => Seconds(main.ru_stime),
            "used_cpu_user_main_thread" => Seconds(main.ru_utime),
        );
    }
}

/// A name with the characters that would break INFO's format (`#`, `:`,
/// CR, LF) replaced by `_` (`getSafeInfoString`).
fn safe_info_string(s: &str) -> String {
    s.replace(['#', ':', '\r', '\n'], "_")
}

/// Every command and subcommand in the command table's order.
fn all_specs(server: &Server) -> Vec<&'static CommandSpec> {
    let mut v = Vec::new();
    for c in server.commands.iter() {
        v.push(c);
        v.extend(c.subcommands.iter());
    }
    v
}

fn command_stats_section(server: &Server, out: &mut String) {
    for c in all_specs(server) {
        let Some((_, s)) = server
            .command_stats
            .get(&(c as *const CommandSpec as usize))
        else {
            continue;
        };
        if s.calls == 0 && s.failed_calls == 0 && s.rejected_calls == 0 {
            continue;
        }
        // `(float)usec/calls`, as Redis computes it.
        let per_call = if s.calls == 0 {
            0.0
        } else {
            s.usec as f32 / s.calls as f32
        };
        let _ = write!(
            out,
            "cmdstat_{}:calls={},usec={},usec_per_call={},rejected_calls={},failed_calls={}\r\n",
            safe_info_string(&c.fullname()),
            s.calls,
            s.usec,
            f2(per_call),
            s.rejected_calls,
            s.failed_calls
        );
    }
}

fn error_stats_section(server: &Server, out: &mut String) {
    // Redis keeps them in a radix tree: sorted by code.
    let mut codes: Vec<(&String, &u64)> = server.error_stats.iter().collect();
    codes.sort_unstable();
    for (code, count) in codes {
        let _ = write!(
            out,
            "errorstat_{}:count={count}\r\n",
            safe_info_string(code)
        );
    }
}

/// A percentile as `%f` with the trailing zeros cut (`trimDoubleString`):
/// `50`, `99.9`.
fn format_percentile(p: f64) -> String {
    let text = format!("{p:.6}");
    text.trim_end_matches('0').trim_end_matches('.').to_string()
}

fn latency_stats_section(server: &Server, out: &mut String) {
    let percentiles = &server.config.latency_tracking_info_percentiles;
    for c in all_specs(server) {
        let Some((_, h)) = server.info.latency.get(&(c as *const CommandSpec as usize)) else {
            continue;
        };
        let _ = write!(
            out,
            "latency_percentiles_usec_{}:",
            safe_info_string(&c.fullname())
        );
        for (i, &p) in percentiles.iter().enumerate() {
            if i > 0 {
                out.push(',');
            }
            let usec = h.value_at_percentile(p) as f64 / 1000.0;
            let _ = write!(out, "p{}={usec:.3}", format_percentile(p));
        }
        out.push_str("\r\n");
    }
}

fn keyspace_section(server: &Server, out: &mut String) {
    for (j, d) in server.dbs.iter().enumerate() {
        let (keys, expires) = (d.dict.len(), d.expires.len());
        if keys > 0 || expires > 0 {
            let _ = write!(
                out,
                "db{j}:keys={keys},expires={expires},avg_ttl={}\r\n",
                d.avg_ttl
            );
        }
    }
}

// ---------------------------------------------------------------------
// Latency histograms.

/// Smallest and largest latency recorded, ns (`LATENCY_HISTOGRAM_MIN_VALUE`,
/// `LATENCY_HISTOGRAM_MAX_VALUE`).
const LATENCY_MIN_NS: u64 = 1;
const LATENCY_MAX_NS: u64 = 1_000_000_000;
/// hdr_histogram's layout for 1 ns .. 1 s at 2 significant figures
/// (`LATENCY_HISTOGRAM_PRECISION`): sub-buckets of 256 values (the
/// smallest power of two above 2 * 10^2), half of them per bucket after
/// the first, 23 buckets to reach 10^9.
const SUB_BUCKET_COUNT_MAGNITUDE: u32 = 8;
const SUB_BUCKET_HALF_COUNT_MAGNITUDE: u32 = SUB_BUCKET_COUNT_MAGNITUDE - 1;
const SUB_BUCKET_HALF_COUNT: usize = 1 << SUB_BUCKET_HALF_COUNT_MAGNITUDE;
const SUB_BUCKET_MASK: u64 = (1 << SUB_BUCKET_COUNT_MAGNITUDE) - 1;
const BUCKET_COUNT: usize = 23;
const COUNTS_LEN: usize = (BUCKET_COUNT + 1) * SUB_BUCKET_HALF_COUNT;

/// An HDR histogram of command durations in ns, laid out exactly as
/// hdr_histogram.c lays out Redis's (lowest 1, highest 10^9, 2
/// significant figures), so that the percentiles INFO prints are the
/// values Redis would print for the same samples.
///
/// ```text
///   bucket 0: values 0..256 one by one          (indexes 0..256)
///   bucket b: values 128<<b .. 256<<b in steps of 1<<b   (128 more each)
/// ```
struct LatencyHistogram {
    counts: Vec<u64>,
    total: u64,
}

impl LatencyHistogram {
    fn new() -> LatencyHistogram {
        LatencyHistogram {
            counts: vec![0; COUNTS_LEN],
            total: 0,
        }
    }

    /// The bucket of a value (`get_bucket_index`).
    fn bucket_index(value: u64) -> u32 {
        let pow2ceiling = 64 - (value | SUB_BUCKET_MASK).leading_zeros();
        pow2ceiling - (SUB_BUCKET_HALF_COUNT_MAGNITUDE + 1)
    }

    /// The counts index of a value (`counts_index_for`).
    fn counts_index(value: u64) -> usize {
        let bucket = Self::bucket_index(value);
        let sub_bucket = (value >> bucket) as usize;
        (((bucket as usize) + 1) << SUB_BUCKET_HALF_COUNT_MAGNITUDE) + sub_bucket
            - SUB_BUCKET_HALF_COUNT
    }

    /// The lowest value of a counts index (`hdr_value_at_index`).
    fn value_at_index(index: usize) -> u64 {
        let mut bucket = (index >> SUB_BUCKET_HALF_COUNT_MAGNITUDE) as i64 - 1;
        let mut sub_bucket = (index & (SUB_BUCKET_HALF_COUNT - 1)) + SUB_BUCKET_HALF_COUNT;
        if bucket < 0 {
            sub_bucket -= SUB_BUCKET_HALF_COUNT;
            bucket = 0;
        }
        (sub_bucket as u64) << bucket
    }

    /// The largest value counted with `value` (`highest_equivalent_value`).
    fn highest_equivalent_value(value: u64) -> u64 {
        let bucket = Self::bucket_index(value);
        let lowest = (value >> bucket) << bucket;
        lowest + (1 << bucket) - 1
    }

    /// Counts one duration in ns, clamped to the histogram's range
    /// (`updateCommandLatencyHistogram`).
    fn record(&mut self, ns: u64) {
        let v = ns.clamp(LATENCY_MIN_NS, LATENCY_MAX_NS);
        self.counts[Self::counts_index(v)] += 1;
        self.total += 1;
    }

    /// The value below which `percentile`% of the samples fall
    /// (`hdr_value_at_percentile`).
    fn value_at_percentile(&self, percentile: f64) -> u64 {
        let requested = percentile.min(100.0);
        let wanted = (((requested / 100.0) * self.total as f64) + 0.5) as u64;
        let wanted = wanted.max(1);
        let mut seen = 0;
        let mut value = 0;
        for (i, &n) in self.counts.iter().enumerate() {
            seen += n;
            if seen >= wanted {
                value = Self::value_at_index(i);
                break;
            }
        }
        if percentile == 0.0 {
            let bucket = Self::bucket_index(value);
            return (value >> bucket) << bucket;
        }
        Self::highest_equivalent_value(value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_to_human_like_redis() {
        assert_eq!(bytes_to_human(0), "0B");
        assert_eq!(bytes_to_human(1023), "1023B");
        assert_eq!(bytes_to_human(1024), "1.00K");
        assert_eq!(bytes_to_human(916_448), "894.97K");
        assert_eq!(bytes_to_human(6_860_800), "6.54M");
        assert_eq!(bytes_to_human(25_276_510_208), "23.54G");
        assert_eq!(bytes_to_human(1 << 40), "1.00T");
    }

    #[test]
    fn sections_from_args() {
        let args = |words: &[&str]| -> Vec<Vec<u8>> {
            words.iter().map(|w| w.as_bytes().to_vec()).collect()
        };
        let none = Sections::from_args(&[]);
        assert!(none.wants("server") && none.wants("keyspace") && none.wants("module_list"));
        assert!(!none.wants("commandstats") && !none.wants("latencystats"));
        let some = Sections::from_args(&args(&["CPU", "keySpace"]));
        assert!(some.wants("cpu") && some.wants("keyspace") && !some.wants("server"));
        let all = Sections::from_args(&args(&["all"]));
        assert!(all.wants("commandstats") && !all.everything);
        let mixed = Sections::from_args(&args(&["default", "commandstats"]));
        assert!(mixed.wants("commandstats") && mixed.wants("server") && !mixed.all);
        let nul = Sections::from_args(&[b"cpu\0junk".to_vec()]);
        assert!(nul.wants("cpu"));
    }

    #[test]
    fn instantaneous_metric_averages_sixteen_samples() {
        let mut m = InstantaneousMetric::default();
        // 1000 operations every 100 ms: 10,000 per second.
        for i in 1..=20u64 {
            m.track(i * 1000, i * 100_000, 1_000_000);
        }
        assert_eq!(m.get(), 10_000);
        // The first reading only sets the base.
        let mut m = InstantaneousMetric::default();
        m.track(5000, 1, 1_000_000);
        assert_eq!(m.get(), 0);
    }

    #[test]
    fn histogram_percentiles_match_hdr_histogram() {
        // Values Redis 7.0 prints for these samples (hdr_histogram.c).
        let mut h = LatencyHistogram::new();
        h.record(20_000);
        assert_eq!(h.value_at_percentile(50.0), 20_095);
        let mut h = LatencyHistogram::new();
        h.record(0);
        assert_eq!(h.value_at_percentile(99.9), 1);
        let mut h = LatencyHistogram::new();
        for us in 1..=100u64 {
            h.record(us * 1000);
        }
        assert_eq!(h.value_at_percentile(50.0), 50_175);
        assert_eq!(h.value_at_percentile(99.0), 99_327);
        assert_eq!(h.value_at_percentile(100.0), 100_351);
        // The top of the range lands in the last bucket, inside the table.
        assert!(LatencyHistogram::counts_index(LATENCY_MAX_NS) < COUNTS_LEN);
        h.record(u64::MAX);
        assert_eq!(h.total, 101);
    }

    #[test]
    fn safe_names_and_percentiles() {
        assert_eq!(safe_info_string("a#b:c\r\nd"), "a_b_c__d");
        assert_eq!(format_percentile(50.0), "50");
        assert_eq!(format_percentile(99.9), "99.9");
    }

    #[test]
    fn run_ids_are_random_hex() {
        let (a, b) = (random_hex40(), random_hex40());
        assert_eq!(a.len(), 40);
        assert!(a
            .bytes()
            .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase()));
        assert_ne!(a, b);
    }
}
