//! Riding out database outages.
//!
//! A MariaDB restart, a failover or a network cut makes every statement fail for a while. The
//! crawler waits and reconnects instead of marking entities failed or aborting the run:
//! [`is_transient`] tells an outage (the server cannot be reached, dropped the connection, is
//! shutting down; the pool found no connection in time) from a refused statement (constraint,
//! syntax, type, missing table: running it again cannot help), and [`retry`] runs a unit of work
//! again on transient errors, with a capped exponential backoff, until a total budget is spent.
//!
//! Only whole units of work are retried (one entity's transaction, one set of server variables,
//! one selection page): a failed transaction was rolled back (a dead connection rolls it back on
//! the server), and every unit is idempotent (entity writes diff against what is stored,
//! variables are upserts), so running one again after an ambiguous commit leaves the same rows.
//!
//! The pool reconnects by itself: a broken connection fails its ping and is replaced, and an
//! acquire while the server refuses connections waits up to the pool's acquire timeout (10 s)
//! before failing with "pool timed out", itself transient here.

use std::fmt::Display;
use std::future::Future;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

use sea_orm::sqlx;
use sea_orm::{DbErr, RuntimeErr};

/// How long a unit of work is retried while the database is unavailable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Pause after the first failure, doubled after each further one...
    pub first_pause: Duration,
    /// ...up to this.
    pub max_pause: Duration,
    /// Give up (return the last error) once this much time has passed since the first failure.
    pub budget: Duration,
}

impl RetryPolicy {
    pub const FIRST_PAUSE: Duration = Duration::from_millis(500);
    pub const MAX_PAUSE: Duration = Duration::from_secs(5);
    pub const DEFAULT_BUDGET: Duration = Duration::from_secs(120);

    /// The default pauses (0.5 s doubling up to 5 s) with this budget.
    pub const fn with_budget(budget: Duration) -> RetryPolicy {
        RetryPolicy {
            first_pause: Self::FIRST_PAUSE,
            max_pause: Self::MAX_PAUSE,
            budget,
        }
    }

    /// The default pauses with the process-wide budget ([`set_default_budget`], 120 s unless
    /// changed).
    pub fn configured() -> RetryPolicy {
        RetryPolicy::with_budget(default_budget())
    }

    /// The pause after `failures` consecutive failures (1 = the first).
    pub fn pause(&self, failures: u32) -> Duration {
        let doubled = self
            .first_pause
            .saturating_mul(1u32 << failures.saturating_sub(1).min(16));
        doubled.min(self.max_pause)
    }
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy::configured()
    }
}

static BUDGET_MS: AtomicU64 = AtomicU64::new(RetryPolicy::DEFAULT_BUDGET.as_millis() as u64);

/// Sets the budget of [`RetryPolicy::configured`] for this process (from the configuration, at
/// start-up). Zero disables retrying: the first transient error is returned.
pub fn set_default_budget(budget: Duration) {
    let ms = u64::try_from(budget.as_millis()).unwrap_or(u64::MAX);
    BUDGET_MS.store(ms, Ordering::Relaxed);
}

/// The budget of [`RetryPolicy::configured`].
pub fn default_budget() -> Duration {
    Duration::from_millis(BUDGET_MS.load(Ordering::Relaxed))
}

/// Errors that say whether trying the same unit of work again later may succeed.
pub trait Transient {
    fn is_transient(&self) -> bool;
}

impl Transient for DbErr {
    fn is_transient(&self) -> bool {
        is_transient(self)
    }
}

/// True when `err` means the database was unavailable (unreachable, connection lost, shutting
/// down, no pooled connection in time) rather than that it refused the statement.
pub fn is_transient(err: &DbErr) -> bool {
    match err {
        DbErr::ConnectionAcquire(_) => true,
        // Failing to get or open a connection: an outage, unless the server answered with a
        // reason retrying cannot fix (bad credentials, unknown database, bad configuration).
        DbErr::Conn(RuntimeErr::SqlxError(e)) => match &**e {
            sqlx::Error::Database(db) => database_error_is_transient(db.as_ref()),
            sqlx::Error::Configuration(_) | sqlx::Error::Tls(_) => false,
            _ => true,
        },
        DbErr::Conn(_) => true,
        DbErr::Exec(e) | DbErr::Query(e) => match e {
            RuntimeErr::SqlxError(e) => sqlx_error_is_transient(e),
            RuntimeErr::Internal(text) => text_says_connection_lost(text),
            #[allow(unreachable_patterns)]
            _ => false,
        },
        _ => false,
    }
}

fn sqlx_error_is_transient(err: &sqlx::Error) -> bool {
    match err {
        sqlx::Error::Io(_)
        | sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::WorkerCrashed => true,
        sqlx::Error::Database(db) => database_error_is_transient(db.as_ref()),
        // A stream cut in the middle of a packet can read as garbage.
        sqlx::Error::Protocol(text) => text_says_connection_lost(text),
        _ => false,
    }
}

/// MariaDB/MySQL error numbers meaning the connection or the server went away (the client-side
/// 2006/2013 come from proxies speaking the protocol, like MaxScale).
const MYSQL_CONNECTION_LOST: [u16; 5] = [
    1053, // ER_SERVER_SHUTDOWN: server shutdown in progress
    1077, // ER_NORMAL_SHUTDOWN
    1927, // ER_CONNECTION_KILLED (MariaDB): connection was killed
    2006, // CR_SERVER_GONE_ERROR: MySQL server has gone away
    2013, // CR_SERVER_LOST: lost connection to MySQL server during query
];

fn database_error_is_transient(err: &dyn sqlx::error::DatabaseError) -> bool {
    if let Some(mysql) = err.try_downcast_ref::<sqlx::mysql::MySqlDatabaseError>()
        && MYSQL_CONNECTION_LOST.contains(&mysql.number())
    {
        return true;
    }
    match err.code() {
        // SQLSTATE class 08: connection exception (PostgreSQL 08000-08P01, MySQL 08S01 for the
        // network errors 1158-1161 and 08004 for "too many connections").
        Some(code) if code.starts_with("08") => true,
        // PostgreSQL: admin_shutdown, crash_shutdown, cannot_connect_now (starting up).
        Some(code) if matches!(&*code, "57P01" | "57P02" | "57P03") => true,
        // Serialization failure and deadlock (PostgreSQL 40001/40P01, MySQL 1213 is 40001):
        // the server rolled the transaction back; running the whole of it again is the cure.
        Some(code) if matches!(&*code, "40001" | "40P01") => true,
        _ => text_says_connection_lost(err.message()),
    }
}

/// The wording of drivers and servers for a lost connection, for errors that carry only text.
fn text_says_connection_lost(text: &str) -> bool {
    const PHRASES: [&str; 10] = [
        "server has gone away",
        "lost connection",
        "connection refused",
        "connection reset",
        "connection closed",
        "connection aborted",
        "broken pipe",
        "pool timed out",
        "terminating connection due to administrator command",
        "server closed the connection unexpectedly",
    ];
    let lower = text.to_ascii_lowercase();
    PHRASES.iter().any(|p| lower.contains(p))
}

/// The outage in progress, if any, and the end of the last one: one warning per outage, however
/// many units of work wait for the database.
#[derive(Debug, Default)]
struct OutageLog {
    since: Option<Instant>,
    ended: Option<Instant>,
}

impl OutageLog {
    /// A transient error of an attempt started at `attempt_started`: true when it opens a new
    /// outage. An attempt begun before the last outage ended (e.g. one that waited for a pooled
    /// connection through it) still belongs to that outage.
    fn begin(&mut self, attempt_started: Instant, now: Instant) -> bool {
        if self.since.is_some() || self.ended.is_some_and(|ended| attempt_started < ended) {
            return false;
        }
        self.since = Some(now);
        true
    }

    /// A success: the length of the outage it ends, if one was going on.
    fn end(&mut self, now: Instant) -> Option<Duration> {
        let since = self.since.take()?;
        self.ended = Some(now);
        Some(now.saturating_duration_since(since))
    }
}

static IN_OUTAGE: AtomicBool = AtomicBool::new(false);
static OUTAGE: Mutex<OutageLog> = Mutex::new(OutageLog {
    since: None,
    ended: None,
});

fn outage_begins(operation: &str, attempt_started: Instant, error: &str, budget: Duration) {
    let Ok(mut log) = OUTAGE.lock() else {
        return;
    };
    if log.begin(attempt_started, Instant::now()) {
        IN_OUTAGE.store(true, Ordering::SeqCst);
        tracing::warn!(
            operation,
            error = %redact(error),
            retry_budget_secs = budget.as_secs(),
            "database unavailable: waiting for it and retrying"
        );
    }
}

fn outage_ends(operation: &str) {
    if !IN_OUTAGE.load(Ordering::SeqCst) {
        return;
    }
    let Ok(mut log) = OUTAGE.lock() else {
        return;
    };
    if let Some(length) = log.end(Instant::now()) {
        IN_OUTAGE.store(false, Ordering::SeqCst);
        tracing::info!(
            operation,
            outage_secs = format!("{:.1}", length.as_secs_f64()),
            "database available again"
        );
    }
}

/// Hides the user information of anything looking like a URL (`scheme://user:secret@host`).
fn redact(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find("://") {
        let (head, tail) = rest.split_at(i + 3);
        out.push_str(head);
        let end = tail
            .find(|c: char| c.is_whitespace() || c == '/' || c == '"' || c == '\'')
            .unwrap_or(tail.len());
        match tail[..end].rfind('@') {
            Some(at) => {
                out.push_str("***");
                rest = &tail[at..];
            }
            None => rest = tail,
        }
    }
    out.push_str(rest);
    out
}

/// Runs `attempt` until it succeeds, fails with a permanent error, or transient errors have
/// gone on for `policy.budget` (the last error is returned). `operation` names the unit of work
/// in the logs. The first transient error of an outage logs one warning for the whole process;
/// the first success after it logs the outage's length.
pub async fn retry<T, E, F, Fut>(
    policy: RetryPolicy,
    operation: &str,
    mut attempt: F,
) -> Result<T, E>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, E>>,
    E: Transient + Display,
{
    let mut failures: u32 = 0;
    let mut first_failure: Option<Instant> = None;
    loop {
        let started = Instant::now();
        let err = match attempt().await {
            Ok(value) => {
                outage_ends(operation);
                return Ok(value);
            }
            Err(e) if e.is_transient() => e,
            Err(e) => return Err(e),
        };
        failures += 1;
        // From the start of the first failed attempt: an attempt that waited out the pool's
        // connection timeout has spent that much of the budget already.
        let since = *first_failure.get_or_insert(started);
        let spent = since.elapsed();
        if spent >= policy.budget {
            tracing::error!(
                operation,
                attempts = failures,
                waited_secs = spent.as_secs(),
                error = %redact(&err.to_string()),
                "database still unavailable: giving up"
            );
            return Err(err);
        }
        outage_begins(operation, started, &err.to_string(), policy.budget);
        tracing::debug!(operation, attempt = failures, error = %redact(&err.to_string()), "transient database error");
        let pause = policy.pause(failures).min(policy.budget - spent);
        actix_rt::time::sleep(pause).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::borrow::Cow;
    use std::cell::Cell;
    use std::sync::Arc;

    use sea_orm::ConnAcquireErr;

    /// A database error with a chosen SQLSTATE, as the drivers report them.
    #[derive(Debug)]
    struct Coded {
        code: &'static str,
        message: &'static str,
    }

    impl std::fmt::Display for Coded {
        fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
            f.write_str(self.message)
        }
    }

    impl std::error::Error for Coded {}

    impl sqlx::error::DatabaseError for Coded {
        fn message(&self) -> &str {
            self.message
        }

        fn code(&self) -> Option<Cow<'_, str>> {
            Some(Cow::Borrowed(self.code))
        }

        fn as_error(&self) -> &(dyn std::error::Error + Send + Sync + 'static) {
            self
        }

        fn as_error_mut(&mut self) -> &mut (dyn std::error::Error + Send + Sync + 'static) {
            self
        }

        fn into_error(self: Box<Self>) -> Box<dyn std::error::Error + Send + Sync + 'static> {
            self
        }

        fn kind(&self) -> sqlx::error::ErrorKind {
            sqlx::error::ErrorKind::Other
        }
    }

    fn sqlx_err(e: sqlx::Error) -> RuntimeErr {
        RuntimeErr::SqlxError(Arc::new(e))
    }

    fn coded(code: &'static str, message: &'static str) -> sqlx::Error {
        sqlx::Error::Database(Box::new(Coded { code, message }))
    }

    fn io(kind: std::io::ErrorKind) -> sqlx::Error {
        sqlx::Error::Io(std::io::Error::from(kind))
    }

    #[test]
    fn outages_are_transient() {
        use std::io::ErrorKind::*;
        let transient = [
            DbErr::ConnectionAcquire(ConnAcquireErr::Timeout),
            DbErr::ConnectionAcquire(ConnAcquireErr::ConnectionClosed),
            DbErr::Conn(sqlx_err(io(ConnectionRefused))),
            DbErr::Conn(sqlx_err(sqlx::Error::PoolTimedOut)),
            DbErr::Conn(RuntimeErr::Internal("cannot connect".into())),
            DbErr::Exec(sqlx_err(io(ConnectionReset))),
            DbErr::Exec(sqlx_err(io(BrokenPipe))),
            DbErr::Query(sqlx_err(io(UnexpectedEof))),
            DbErr::Query(sqlx_err(io(ConnectionAborted))),
            DbErr::Exec(sqlx_err(sqlx::Error::PoolTimedOut)),
            DbErr::Exec(sqlx_err(sqlx::Error::PoolClosed)),
            DbErr::Query(sqlx_err(sqlx::Error::WorkerCrashed)),
            DbErr::Exec(sqlx_err(sqlx::Error::Protocol(
                "Lost connection to server during query".into(),
            ))),
            DbErr::Query(RuntimeErr::Internal("MySQL server has gone away".into())),
            DbErr::Exec(RuntimeErr::Internal(
                "Lost connection to MySQL server during query".into(),
            )),
            // PostgreSQL: connection failure, admin shutdown, crash shutdown, starting up.
            DbErr::Exec(sqlx_err(coded("08006", "connection failure"))),
            DbErr::Exec(sqlx_err(coded("08001", "could not connect"))),
            DbErr::Query(sqlx_err(coded(
                "57P01",
                "terminating connection due to administrator command",
            ))),
            DbErr::Query(sqlx_err(coded("57P02", "crash shutdown"))),
            DbErr::Conn(sqlx_err(coded(
                "57P03",
                "the database system is starting up",
            ))),
            // MariaDB network errors (1158-1161) and too many connections carry class 08.
            DbErr::Exec(sqlx_err(coded(
                "08S01",
                "Got an error reading communication packets",
            ))),
            DbErr::Conn(sqlx_err(coded("08004", "Too many connections"))),
            // The whole transaction was rolled back by the server.
            DbErr::Exec(sqlx_err(coded(
                "40001",
                "Deadlock found when trying to get lock",
            ))),
            DbErr::Exec(sqlx_err(coded("40P01", "deadlock detected"))),
            DbErr::Exec(sqlx_err(coded("HY000", "MySQL server has gone away"))),
        ];
        for err in transient {
            assert!(is_transient(&err), "should be transient: {err:?}");
            assert!(err.is_transient());
        }
    }

    #[test]
    fn refused_statements_are_permanent() {
        let permanent = [
            DbErr::Exec(sqlx_err(coded(
                "23000",
                "Duplicate entry '1' for key 'PRIMARY'",
            ))),
            DbErr::Exec(sqlx_err(coded("23505", "duplicate key value"))),
            DbErr::Exec(sqlx_err(coded("22001", "Data too long for column 'TITLE'"))),
            DbErr::Query(sqlx_err(coded("42S02", "Table 'x.T' doesn't exist"))),
            DbErr::Query(sqlx_err(coded("42P01", "relation \"t\" does not exist"))),
            DbErr::Exec(sqlx_err(coded(
                "42000",
                "You have an error in your SQL syntax",
            ))),
            DbErr::Exec(sqlx_err(coded(
                "22021",
                "invalid byte sequence for encoding",
            ))),
            // Bad credentials or an unknown database, even when met while connecting.
            DbErr::Conn(sqlx_err(coded("28000", "Access denied for user 'crawler'"))),
            DbErr::Conn(sqlx_err(coded("3D000", "database \"x\" does not exist"))),
            DbErr::Conn(sqlx_err(sqlx::Error::Configuration("bad URL".into()))),
            DbErr::Query(sqlx_err(sqlx::Error::RowNotFound)),
            DbErr::Query(sqlx_err(sqlx::Error::ColumnNotFound("TITLE".into()))),
            DbErr::Query(sqlx_err(sqlx::Error::Protocol("unknown packet".into()))),
            DbErr::Exec(RuntimeErr::Internal("values and columns differ".into())),
            DbErr::Custom("Value cannot be bound".into()),
            DbErr::Type("i32".into()),
            DbErr::Json("bad".into()),
            DbErr::RecordNotFound("movie".into()),
            DbErr::RecordNotInserted,
        ];
        for err in permanent {
            assert!(!is_transient(&err), "should be permanent: {err:?}");
        }
    }

    #[test]
    fn pauses_double_from_half_a_second_up_to_five() {
        let p = RetryPolicy::with_budget(Duration::from_secs(120));
        let secs: Vec<f64> = (1..=7).map(|n| p.pause(n).as_secs_f64()).collect();
        assert_eq!(secs, vec![0.5, 1.0, 2.0, 4.0, 5.0, 5.0, 5.0]);
        assert_eq!(p.pause(u32::MAX), Duration::from_secs(5));
        assert_eq!(RetryPolicy::DEFAULT_BUDGET, Duration::from_secs(120));
    }

    #[test]
    fn urls_lose_their_credentials() {
        assert_eq!(
            redact("cannot reach mysql://crawler:s3cret@db:3306/tmdb now"),
            "cannot reach mysql://***@db:3306/tmdb now"
        );
        assert_eq!(
            redact("postgres://u@h/db and http://host/p"),
            "postgres://***@h/db and http://host/p"
        );
        assert_eq!(redact("no url here"), "no url here");
    }

    #[test]
    fn one_warning_per_outage_however_many_waiters() {
        let t0 = Instant::now();
        let at = |ms: u64| t0 + Duration::from_millis(ms);
        let mut log = OutageLog::default();
        assert!(
            log.begin(at(0), at(10)),
            "the first failure opens the outage"
        );
        assert!(!log.begin(at(5), at(20)), "other waiters join it");
        assert_eq!(log.end(at(1_000)), Some(Duration::from_millis(990)));
        assert_eq!(log.end(at(1_100)), None, "ended once");
        assert!(
            !log.begin(at(500), at(1_200)),
            "an attempt begun during the outage and failing after it belongs to it"
        );
        assert!(
            log.begin(at(1_300), at(1_400)),
            "a later failure is a new outage"
        );
    }

    fn fast(budget_ms: u64) -> RetryPolicy {
        RetryPolicy {
            first_pause: Duration::from_millis(1),
            max_pause: Duration::from_millis(5),
            budget: Duration::from_millis(budget_ms),
        }
    }

    #[actix_rt::test]
    async fn transient_errors_are_retried_until_success() {
        let calls = Cell::new(0);
        let result: Result<u32, DbErr> = retry(fast(5_000), "test", || {
            calls.set(calls.get() + 1);
            let n = calls.get();
            async move {
                if n < 4 {
                    Err(DbErr::ConnectionAcquire(ConnAcquireErr::Timeout))
                } else {
                    Ok(n)
                }
            }
        })
        .await;
        assert_eq!(result.ok(), Some(4));
        assert_eq!(calls.get(), 4);
    }

    #[actix_rt::test]
    async fn permanent_errors_are_returned_at_once() {
        let calls = Cell::new(0);
        let result: Result<(), DbErr> = retry(fast(5_000), "test", || {
            calls.set(calls.get() + 1);
            async { Err(DbErr::Custom("bad row".into())) }
        })
        .await;
        assert!(matches!(result, Err(DbErr::Custom(_))));
        assert_eq!(calls.get(), 1);
    }

    #[actix_rt::test]
    async fn the_budget_bounds_the_wait() {
        let calls = Cell::new(0);
        let started = Instant::now();
        let result: Result<(), DbErr> = retry(fast(60), "test", || {
            calls.set(calls.get() + 1);
            async { Err(DbErr::Exec(sqlx_err(sqlx::Error::PoolTimedOut))) }
        })
        .await;
        assert!(result.is_err_and(|e| e.is_transient()));
        assert!(calls.get() > 2, "{} calls", calls.get());
        let took = started.elapsed();
        assert!(
            took >= Duration::from_millis(60) && took < Duration::from_secs(2),
            "{took:?}"
        );

        let calls = Cell::new(0);
        let result: Result<(), DbErr> = retry(fast(0), "test", || {
            calls.set(calls.get() + 1);
            async { Err(DbErr::ConnectionAcquire(ConnAcquireErr::Timeout)) }
        })
        .await;
        assert!(result.is_err());
        assert_eq!(calls.get(), 1, "a zero budget does not retry");
    }
}
