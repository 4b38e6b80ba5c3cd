//! One writer of the schema at a time: the database's own lock, shared by `tmdb-crawler run`,
//! `tmdb-crawler migrate` and the stand-alone migration runner.
//!
//! - MariaDB/MySQL: `GET_LOCK` on a name derived from the database name (the names are
//!   server-wide), held by a session of its own.
//! - PostgreSQL: a session-level `pg_try_advisory_lock` (advisory keys are per database).
//! - SQLite: an exclusive `flock` on `<database file>.lock`; an in-memory database is private to
//!   its process and needs none.
//!
//! The server holds a session lock until that session ends, so a killed holder frees it at once
//! and no clock is compared. The holder checks now and then that its session still holds it
//! (`still_held`): a reconnect, a `KILL` or a server restart loses it, and the holder must stop.

use std::fs::{File, OpenOptions, TryLockError};
use std::io::{Read, Seek, Write};
use std::path::{Path, PathBuf};

use sea_orm_migration::sea_orm::{
    ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DbBackend, DbErr, Statement,
    Value,
};

/// PostgreSQL advisory key of the crawler: "tmdbcrwl" in ASCII.
const ADVISORY_KEY: i64 = 0x746d_6462_6372_776c;
/// Seconds a connection attempt of the lock's own session may take.
const CONNECT_SECS: u64 = 10;

/// What the lock is taken on. Not `Debug`: a server URL may carry a password.
#[derive(Clone)]
pub enum LockTarget {
    /// A MariaDB/MySQL or PostgreSQL database, by URL.
    Server(String),
    /// A SQLite database file.
    File(PathBuf),
    /// A database no other process can open (SQLite in memory).
    Private,
}

impl LockTarget {
    /// The target for a database URL as sea-orm takes it.
    pub fn of_url(url: &str) -> LockTarget {
        if !url.starts_with("sqlite:") {
            return LockTarget::Server(url.to_owned());
        }
        match sqlite_file(url) {
            Some(path) => LockTarget::File(path),
            None => LockTarget::Private,
        }
    }
}

/// The database file a `sqlite:` URL names; `None` for an in-memory database.
pub fn sqlite_file(url: &str) -> Option<PathBuf> {
    let rest = url.strip_prefix("sqlite:")?;
    let (database, params) = rest.split_once('?').unwrap_or((rest, ""));
    let database = database.strip_prefix("//").unwrap_or(database);
    let in_memory = database == ":memory:" || params.split('&').any(|p| p == "mode=memory");
    if database.is_empty() || in_memory {
        return None;
    }
    percent_decode(database).map(PathBuf::from)
}

/// Decodes `%XX` escapes; `None` when the result is not UTF-8.
pub fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&byte) = bytes.get(i) {
        let escaped = bytes
            .get(i + 1..i + 3)
            .filter(|_| byte == b'%')
            .and_then(|hex| std::str::from_utf8(hex).ok())
            .and_then(|hex| u8::from_str_radix(hex, 16).ok());
        match escaped {
            Some(decoded) => {
                out.push(decoded);
                i += 3;
            }
            None => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok()
}

#[derive(Debug, thiserror::Error)]
pub enum DatabaseLockError {
    #[error("cannot open the lock file {path}: {reason}")]
    LockFile { path: String, reason: String },
    #[error("database error on the lock's session: {0}")]
    Db(#[from] DbErr),
}

/// A lock this process holds until `release` or its exit.
#[derive(Debug)]
pub enum DatabaseLock {
    Session {
        session: DatabaseConnection,
        backend: DbBackend,
    },
    File(File),
    Private,
}

/// The outcome of `DatabaseLock::take`.
#[derive(Debug)]
pub enum Taken {
    Now(DatabaseLock),
    /// Someone else holds it; for a lock file, what its holder wrote there.
    Elsewhere {
        holder: Option<String>,
    },
}

impl DatabaseLock {
    /// Takes the lock without waiting; `holder` is written into a lock file for others to read.
    pub async fn take(target: &LockTarget, holder: &str) -> Result<Taken, DatabaseLockError> {
        match target {
            LockTarget::Server(url) => take_session(url).await,
            LockTarget::File(path) => take_file(path, holder),
            LockTarget::Private => Ok(Taken::Now(DatabaseLock::Private)),
        }
    }

    /// True while this process still holds the lock.
    pub async fn still_held(&self) -> Result<bool, DbErr> {
        match self {
            DatabaseLock::Session { session, backend } => {
                let statement = match backend {
                    DbBackend::Postgres => Statement::from_sql_and_values(
                        *backend,
                        "SELECT CAST(COUNT(*) AS BIGINT) FROM pg_locks WHERE locktype = 'advisory' \
                         AND pid = pg_backend_pid() AND granted AND objsubid = 1 \
                         AND ((classid::bigint << 32) | objid::bigint) = $1",
                        [Value::from(ADVISORY_KEY)],
                    ),
                    _ => Statement::from_string(*backend, MYSQL_HELD_HERE),
                };
                Ok(answer(session, statement).await? == Some(1))
            }
            // The kernel holds a file lock until the file is closed: it cannot be lost.
            DatabaseLock::File(_) | DatabaseLock::Private => Ok(true),
        }
    }

    /// Gives the lock back (ending the session or closing the file would too).
    pub async fn release(self) {
        match self {
            DatabaseLock::Session { session, backend } => {
                let sql = match backend {
                    DbBackend::Postgres => "SELECT pg_advisory_unlock_all()",
                    _ => MYSQL_RELEASE,
                };
                let _ = session
                    .execute_raw(Statement::from_string(backend, sql))
                    .await;
                let _ = session.close().await;
            }
            // The file stays: removing it would let two takers lock two different files.
            DatabaseLock::File(file) => {
                let _ = file.unlock();
            }
            DatabaseLock::Private => {}
        }
    }
}

// The `GET_LOCK` name: lock names are server-wide, so it carries the database, hashed to stay
// within the 64 characters a name may have.
const MYSQL_TAKE: &str =
    "SELECT CAST(COALESCE(GET_LOCK(CONCAT('tmdb-crawler:', MD5(DATABASE())), 0), 0) AS SIGNED)";
const MYSQL_HELD_HERE: &str = "SELECT CAST(COALESCE(IS_USED_LOCK(CONCAT('tmdb-crawler:', \
     MD5(DATABASE()))) = CONNECTION_ID(), 0) AS SIGNED)";
const MYSQL_RELEASE: &str = "SELECT RELEASE_LOCK(CONCAT('tmdb-crawler:', MD5(DATABASE())))";

async fn take_session(url: &str) -> Result<Taken, DatabaseLockError> {
    let mut options = ConnectOptions::new(url.to_owned());
    // One session, never recycled: the lock lives and dies with it.
    options
        .max_connections(1)
        .min_connections(1)
        .idle_timeout(None)
        .max_lifetime(None)
        .connect_timeout(std::time::Duration::from_secs(CONNECT_SECS))
        .acquire_timeout(std::time::Duration::from_secs(CONNECT_SECS))
        .sqlx_logging(false);
    let session = Database::connect(options).await?;
    let backend = session.get_database_backend();
    let statement = match backend {
        DbBackend::Postgres => Statement::from_sql_and_values(
            backend,
            "SELECT CASE WHEN pg_try_advisory_lock($1) THEN CAST(1 AS BIGINT) ELSE CAST(0 AS BIGINT) END",
            [Value::from(ADVISORY_KEY)],
        ),
        _ => Statement::from_string(backend, MYSQL_TAKE),
    };
    if answer(&session, statement).await? == Some(1) {
        Ok(Taken::Now(DatabaseLock::Session { session, backend }))
    } else {
        let _ = session.close().await;
        Ok(Taken::Elsewhere { holder: None })
    }
}

async fn answer(session: &DatabaseConnection, statement: Statement) -> Result<Option<i64>, DbErr> {
    match session.query_one_raw(statement).await? {
        Some(row) => row.try_get_by_index::<Option<i64>>(0),
        None => Ok(None),
    }
}

/// The server variable in which a holder records itself (`host pid N since T`).
pub const RECORD_VAR: &str = "strtmdbcrawlerrunlock";

/// The holder `strtmdbcrawlerrunlock` names; `None` when it names none, or there is no record
/// or no table (yet). A server lock says nothing of its holder: this is where to ask.
pub async fn recorded_holder<C: ConnectionTrait>(db: &C) -> Option<String> {
    use sea_orm_migration::sea_orm::sea_query::{Alias, Expr, ExprTrait, Order, Query};
    let select = Query::select()
        .column(Alias::new("VAR_VALUE"))
        .from(Alias::new("T_WC_SERVER_VARIABLE"))
        .and_where(Expr::col(Alias::new("DELETED")).eq(0))
        .and_where(Expr::col(Alias::new("VAR_NAME")).eq(RECORD_VAR))
        .order_by(Alias::new("ID_SERVER_VARIABLE"), Order::Asc)
        .limit(1)
        .to_owned();
    db.query_one(&select)
        .await
        .ok()
        .flatten()
        .and_then(|row| row.try_get_by_index::<Option<String>>(0).ok().flatten())
        .filter(|holder| !holder.is_empty())
}

/// The lock file beside a SQLite database.
pub fn lock_file_of(database: &Path) -> PathBuf {
    let mut name = database.as_os_str().to_owned();
    name.push(".lock");
    PathBuf::from(name)
}

fn take_file(database: &Path, holder: &str) -> Result<Taken, DatabaseLockError> {
    let path = lock_file_of(database);
    let failed = |e: std::io::Error| DatabaseLockError::LockFile {
        path: path.display().to_string(),
        reason: e.to_string(),
    };
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(failed)?;
    }
    let mut file = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(&path)
        .map_err(failed)?;
    match file.try_lock() {
        Ok(()) => {}
        Err(TryLockError::WouldBlock) => {
            let mut text = String::new();
            let _ = file.read_to_string(&mut text);
            let holder = Some(text.trim().to_owned()).filter(|t| !t.is_empty());
            return Ok(Taken::Elsewhere { holder });
        }
        Err(TryLockError::Error(e)) => return Err(failed(e)),
    }
    file.set_len(0).map_err(failed)?;
    file.rewind().map_err(failed)?;
    file.write_all(holder.as_bytes()).map_err(failed)?;
    file.flush().map_err(failed)?;
    Ok(Taken::Now(DatabaseLock::File(file)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqlite_urls_name_their_file() {
        assert_eq!(
            sqlite_file("sqlite://data/my%20db.sqlite?mode=rwc"),
            Some(PathBuf::from("data/my db.sqlite"))
        );
        assert_eq!(sqlite_file("sqlite::memory:"), None);
        assert_eq!(sqlite_file("sqlite://x.db?mode=memory"), None);
        assert_eq!(sqlite_file("mysql://h/db"), None);
        assert!(matches!(
            LockTarget::of_url("postgres://h/db"),
            LockTarget::Server(_)
        ));
    }

    #[tokio::test]
    async fn a_lock_file_admits_one_holder_and_names_it() -> Result<(), DatabaseLockError> {
        let dir = std::env::temp_dir().join(format!("dblock-{}", std::process::id()));
        let target = LockTarget::File(dir.join("tmdb.sqlite"));
        let Taken::Now(first) = DatabaseLock::take(&target, "host-a pid 7").await? else {
            panic!("a free lock file was not taken");
        };
        match DatabaseLock::take(&target, "host-b pid 8").await? {
            Taken::Elsewhere { holder } => assert_eq!(holder.as_deref(), Some("host-a pid 7")),
            Taken::Now(_) => panic!("a held lock file was taken twice"),
        }
        assert!(first.still_held().await?);
        first.release().await;
        let Taken::Now(second) = DatabaseLock::take(&target, "host-b pid 8").await? else {
            panic!("a released lock file was not taken");
        };
        second.release().await;
        let _ = std::fs::remove_dir_all(dir);
        Ok(())
    }
}
