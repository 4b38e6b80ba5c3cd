//! Shared helpers for the integration tests.

#![allow(dead_code)]

pub mod binary;
pub mod db;
pub mod mysql_schema;
pub mod rows;
pub mod snapshot_rows;

use std::path::Path;
use std::process::{Command, Output};

/// Runs the real `tmdb-crawler` binary with a clean environment (only PATH and the given
/// variables) in `cwd`, so no developer configuration leaks into a test.
pub fn crawler(cwd: &Path, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_tmdb-crawler"));
    cmd.env_clear().current_dir(cwd).args(args);
    if let Ok(path) = std::env::var("PATH") {
        cmd.env("PATH", path);
    }
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().expect("run tmdb-crawler")
}

/// `tmdb-crawler <args>` against `url`; panics with the output when it does not exit 0.
pub fn crawler_ok(url: &str, args: &[&str]) -> String {
    let dir = tempfile::tempdir().expect("temporary directory");
    let out = crawler(dir.path(), args, &[("TMDB_CRAWLER_DATABASE_URL", url)]);
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "tmdb-crawler {args:?} failed with {:?}\nstdout: {stdout}\nstderr: {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

/// The first UTC day not yet over, as a crawler in `tz` sees it: the earlier of today's date
/// in `tz` and in UTC (TMDb's change days are UTC days). Computed here from the clock, not
/// with the crawler's own function.
pub fn first_open_day(tz: chrono_tz::Tz) -> chrono::NaiveDate {
    let now = chrono::Utc::now();
    std::cmp::min(now.with_timezone(&tz).date_naive(), now.date_naive())
}

/// A log line starts with its timestamp (tracing's RFC 3339 time).
pub fn is_log_line(line: &str) -> bool {
    line.split_whitespace()
        .next()
        .is_some_and(|t| chrono::DateTime::parse_from_rfc3339(t).is_ok())
}

/// The error of a failed command: the one line of stderr besides the log, `error: ...`
/// (README, "Exit codes"), and no panic.
pub fn one_error_line(out: &Output, what: &str) -> String {
    let err = String::from_utf8_lossy(&out.stderr);
    let others: Vec<&str> = err
        .lines()
        .filter(|l| !l.trim().is_empty() && !is_log_line(l))
        .collect();
    assert!(
        others.len() == 1 && others[0].starts_with("error: "),
        "{what}: {} lines besides the log, not one `error: ` line: {others:#?}\nstderr:\n{err}",
        others.len()
    );
    assert!(!err.contains("panicked"), "{what}: {err}");
    others[0].to_owned()
}
