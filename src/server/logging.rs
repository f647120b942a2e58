//! Logging in Redis's line shape, through `log` and `env_logger`.
//!
//! Mirrors: `server.c` (`serverLog`, `serverLogRaw`).
//!
//! ```text
//! 4242:M 22 Nov 2026 04:43:01.123 * Ready to accept connections tcp
//! ^pid ^role ^date and time, ms    ^level: . debug, - verbose, * notice, # warning
//! ```
//!
//! Redis's levels map onto `log`'s: debug → trace, verbose → debug,
//! notice → info, warning → warn (and error). `loglevel` sets the maximum
//! level; `logfile ""` means standard output.
//!
//! Deviation from Redis: timestamps are in UTC, not local time.

use std::fs::OpenOptions;
use std::io::{self, Write};
use std::time::{SystemTime, UNIX_EPOCH};

use log::{Level, LevelFilter};

use super::config::Config;

/// The `log` filter for a Redis `loglevel` name.
pub fn level_filter(loglevel: &str) -> LevelFilter {
    match loglevel {
        "debug" => LevelFilter::Trace,
        "verbose" => LevelFilter::Debug,
        "warning" => LevelFilter::Warn,
        _ => LevelFilter::Info,
    }
}

/// Installs the logger. Fails only if the log file cannot be opened.
pub fn init(config: &Config) -> io::Result<()> {
    let mut builder = env_logger::Builder::new();
    // The builder lets everything through; `log::set_max_level` below is
    // the one filter, so that CONFIG SET loglevel can raise it as well as
    // lower it.
    builder.filter_level(LevelFilter::Trace);
    let pid = std::process::id();
    builder.format(move |out, record| {
        let mark = match record.level() {
            Level::Error | Level::Warn => '#',
            Level::Info => '*',
            Level::Debug => '-',
            Level::Trace => '.',
        };
        writeln!(
            out,
            "{pid}:M {} {mark} {}",
            timestamp(SystemTime::now()),
            record.args()
        )
    });
    if config.logfile.is_empty() {
        builder.target(env_logger::Target::Stdout);
    } else {
        let file = OpenOptions::new()
            .create(true)
            .append(true)
            .open(&config.logfile)?;
        builder.target(env_logger::Target::Pipe(Box::new(file)));
    }
    // A second init (only possible in tests) keeps the first logger.
    let _ = builder.try_init();
    log::set_max_level(level_filter(config.loglevel));
    Ok(())
}

const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// `dd Mon yyyy hh:mm:ss.mmm` in UTC.
pub fn timestamp(t: SystemTime) -> String {
    let since = t.duration_since(UNIX_EPOCH).unwrap_or_default();
    let secs = since.as_secs();
    let (year, month, day) = civil_from_days((secs / 86400) as i64);
    let rem = secs % 86400;
    format!(
        "{:02} {} {} {:02}:{:02}:{:02}.{:03}",
        day,
        MONTHS[(month - 1) as usize % 12],
        year,
        rem / 3600,
        rem % 3600 / 60,
        rem % 60,
        since.subsec_millis()
    )
}

/// Days since 1970-01-01 to (year, month 1-12, day 1-31), by the
/// era-based method for the proleptic Gregorian calendar.
fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let year = yoe + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn timestamps_in_redis_shape() {
        let t = UNIX_EPOCH + Duration::from_millis(1_795_322_581_123);
        assert_eq!(timestamp(t), "22 Nov 2026 04:43:01.123");
        assert_eq!(timestamp(UNIX_EPOCH), "01 Jan 1970 00:00:00.000");
        let leap = UNIX_EPOCH + Duration::from_secs(951_782_400); // 2000-02-29
        assert_eq!(timestamp(leap), "29 Feb 2000 00:00:00.000");
    }
}
