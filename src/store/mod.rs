//! The database side shared by the actors: connecting, and (later) the read-side queries.

pub mod entities;
pub mod imports;
pub mod keywords;
pub mod provider_catalogs;
pub mod retry;
pub mod run_lock;
pub mod schema;
pub mod selections;
pub mod server_vars;

use std::time::Duration;

use sea_orm::{ConnectOptions, Database, DatabaseConnection, DbErr};

use crate::config::{Backend, DatabaseUrl};

const CONNECT_TIMEOUT_SECS: u64 = 10;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The driver's reason is kept, scrubbed of the password, so the operator sees
    /// "connection refused" or "access denied" without the secret.
    #[error("cannot connect to the {backend} database {target}: {reason}")]
    Unreachable {
        backend: &'static str,
        target: String,
        reason: String,
    },
    #[error("cannot create the directory {path} for the SQLite database: {reason}")]
    SqliteDirectory { path: String, reason: String },
    #[error("database error: {0}")]
    Query(String),
}

impl StoreError {
    pub fn query(url: &DatabaseUrl, err: DbErr) -> StoreError {
        StoreError::Query(url.scrub(&err.to_string()))
    }
}

fn backend_name(backend: Backend) -> &'static str {
    match backend {
        Backend::Sqlite => "SQLite",
        Backend::MySql => "MariaDB/MySQL",
        Backend::Postgres => "PostgreSQL",
    }
}

/// SQLite runs one write at a time, and a second connection's transaction that read before
/// another's commit fails at once with "database is locked" instead of waiting: one connection.
const SQLITE_CONNECTIONS: u32 = 1;

/// Opens a pool of at most `connections` (SQLite: one). For SQLite the file's directory
/// is created first, so the default `data/tmdb.sqlite` works on a fresh checkout or an empty
/// volume.
pub async fn connect(
    url: &DatabaseUrl,
    connections: u32,
) -> Result<DatabaseConnection, StoreError> {
    if let Some(path) = url.sqlite_path()
        && let Some(dir) = path.parent()
        && !dir.as_os_str().is_empty()
    {
        std::fs::create_dir_all(dir).map_err(|e| StoreError::SqliteDirectory {
            path: dir.display().to_string(),
            reason: e.to_string(),
        })?;
    }
    let mut options = ConnectOptions::new(url.expose().to_owned());
    let connections = match url.backend() {
        Backend::Sqlite => connections.min(SQLITE_CONNECTIONS),
        _ => connections,
    };
    options
        .max_connections(connections.max(1))
        .connect_timeout(Duration::from_secs(CONNECT_TIMEOUT_SECS))
        .acquire_timeout(Duration::from_secs(CONNECT_TIMEOUT_SECS))
        // Statement logging would print bound values, i.e. data, at info level.
        .sqlx_logging(false)
        // Entity writes are many small transactions: WAL makes each commit one append instead
        // of a journal rewrite, and lets readers (selections) run beside the writer. NORMAL
        // is durable across crashes of the process; a power loss may lose the last commits,
        // which the next run fetches again.
        .map_sqlx_sqlite_opts(|o| {
            o.journal_mode(sea_orm::sqlx::sqlite::SqliteJournalMode::Wal)
                .synchronous(sea_orm::sqlx::sqlite::SqliteSynchronous::Normal)
                .busy_timeout(Duration::from_secs(30))
        })
        // Prepared statements are cached per connection; a generic plan made while a table was
        // empty would keep scanning it sequentially once it holds millions of rows.
        .map_sqlx_postgres_opts(|o| o.options([("plan_cache_mode", "force_custom_plan")]));
    Database::connect(options)
        .await
        .map_err(|e| StoreError::Unreachable {
            backend: backend_name(url.backend()),
            target: url.to_string(),
            reason: unreachable_reason(url, &e),
        })
}

/// The pool retries refused connections until its timeout and then only says "pool timed
/// out"; tell the operator what that means instead.
fn unreachable_reason(url: &DatabaseUrl, err: &DbErr) -> String {
    let text = err.to_string();
    if text.contains("pool timed out") {
        format!(
            "no connection within {CONNECT_TIMEOUT_SECS} s (is the server running and reachable?)"
        )
    } else {
        url.scrub(&text)
    }
}
