//! Throw-away databases for integration tests: one per test, dropped at the end.
//!
//! SQLite always runs (a file in a temporary directory). MariaDB and PostgreSQL run when
//! `TMDB_CRAWLER_TEST_MYSQL_URL` / `TMDB_CRAWLER_TEST_POSTGRES_URL` point at a server the tests
//! may create databases on; otherwise their tests are reported `ignored`, with the variable to
//! set (build.rs, `#[cfg_attr(not(tmdbc_test_mysql), ignore = ...)]`).

#![allow(dead_code)]

use std::sync::atomic::{AtomicU32, Ordering};

use sea_orm::{ConnectionTrait, Database, DatabaseConnection, DbBackend, Statement};

pub const MYSQL_ENV: &str = "TMDB_CRAWLER_TEST_MYSQL_URL";
pub const POSTGRES_ENV: &str = "TMDB_CRAWLER_TEST_POSTGRES_URL";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    MySql,
    Postgres,
}

impl Backend {
    pub const ALL: [Backend; 3] = [Backend::Sqlite, Backend::MySql, Backend::Postgres];

    fn env(self) -> Option<&'static str> {
        match self {
            Backend::Sqlite => None,
            Backend::MySql => Some(MYSQL_ENV),
            Backend::Postgres => Some(POSTGRES_ENV),
        }
    }
}

/// A database created for one test. `url` is what the crawler is given.
pub struct TestDb {
    pub backend: Backend,
    pub url: String,
    pub name: String,
    server_url: Option<String>,
    _dir: Option<tempfile::TempDir>,
}

static COUNTER: AtomicU32 = AtomicU32::new(0);

fn unique_name(tag: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0);
    format!(
        "tmdbc_{}_{}_{}_{}",
        tag,
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::SeqCst),
        nanos % 100_000
    )
}

/// Replaces the database part of a server URL (`mysql://root@127.0.0.1:3306/anything`).
pub fn with_database(server_url: &str, name: &str) -> String {
    let (base, query) = match server_url.split_once('?') {
        Some((b, q)) => (b, Some(q)),
        None => (server_url, None),
    };
    let scheme_end = base.find("://").map(|i| i + 3).unwrap_or(0);
    let host_end = base[scheme_end..]
        .find('/')
        .map(|i| i + scheme_end)
        .unwrap_or(base.len());
    let mut url = format!("{}/{}", &base[..host_end], name);
    if let Some(q) = query {
        url.push('?');
        url.push_str(q);
    }
    url
}

impl TestDb {
    /// A fresh, empty database on `backend`, or `None` (with the reason printed) when that
    /// backend is not configured for tests.
    pub async fn create(backend: Backend, tag: &str) -> Option<TestDb> {
        let name = unique_name(tag);
        match backend.env() {
            None => {
                let dir = tempfile::tempdir().expect("temporary directory");
                let path = dir.path().join(format!("{name}.sqlite"));
                Some(TestDb {
                    backend,
                    url: format!("sqlite://{}?mode=rwc", path.display()),
                    name,
                    server_url: None,
                    _dir: Some(dir),
                })
            }
            Some(var) => {
                // Tests on a server are `ignored` unless its variable was set when they were
                // built (build.rs): reaching here without it is a mistake, not a skip.
                let server_url = std::env::var(var).unwrap_or_else(|_| {
                    panic!(
                        "{var} is not set, though it was when the tests were built: set it, or \
                         build without it to have the {backend:?} tests reported ignored"
                    )
                });
                let admin = Database::connect(server_url.as_str())
                    .await
                    .unwrap_or_else(|e| panic!("{var} is set but the server does not answer: {e}"));
                let sql = match backend {
                    Backend::MySql => format!(
                        "CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci"
                    ),
                    _ => format!("CREATE DATABASE \"{name}\""),
                };
                admin
                    .execute_unprepared(&sql)
                    .await
                    .expect("create test database");
                admin.close().await.ok();
                Some(TestDb {
                    backend,
                    url: with_database(&server_url, &name),
                    name,
                    server_url: Some(server_url),
                    _dir: None,
                })
            }
        }
    }

    pub async fn connect(&self) -> DatabaseConnection {
        Database::connect(self.url.as_str())
            .await
            .expect("connect to test database")
    }

    pub fn db_backend(&self) -> DbBackend {
        match self.backend {
            Backend::Sqlite => DbBackend::Sqlite,
            Backend::MySql => DbBackend::MySql,
            Backend::Postgres => DbBackend::Postgres,
        }
    }

    /// Every index name of this database (`T__NAME` on PostgreSQL and SQLite; MariaDB's are
    /// per table), sorted.
    pub async fn index_names(&self) -> Vec<String> {
        let db = self.connect().await;
        let sql = match self.backend {
            Backend::Sqlite => "SELECT name AS n FROM sqlite_master WHERE type = 'index'",
            Backend::MySql => {
                "SELECT DISTINCT INDEX_NAME AS n FROM information_schema.STATISTICS \
                 WHERE TABLE_SCHEMA = DATABASE()"
            }
            Backend::Postgres => {
                "SELECT indexname::text AS n FROM pg_indexes WHERE schemaname = current_schema()"
            }
        };
        let rows = db
            .query_all_raw(Statement::from_string(self.db_backend(), sql))
            .await
            .expect("read the indexes");
        let mut out: Vec<String> = rows
            .iter()
            .map(|r| r.try_get::<String>("", "n").expect("an index name"))
            .collect();
        out.sort();
        db.close().await.ok();
        out
    }

    /// The columns of `table`, in their order.
    pub async fn column_names(&self, table: &str) -> Vec<String> {
        let (sql, values): (&str, Vec<sea_orm::Value>) = match self.backend {
            Backend::Sqlite => (
                "SELECT name FROM pragma_table_info(?) ORDER BY cid",
                vec![table.into()],
            ),
            Backend::MySql => (
                "SELECT COLUMN_NAME AS name FROM information_schema.COLUMNS \
                 WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION",
                vec![table.into()],
            ),
            Backend::Postgres => (
                "SELECT column_name::text AS name FROM information_schema.columns \
                 WHERE table_schema = current_schema() AND table_name = $1 \
                 ORDER BY ordinal_position",
                vec![table.into()],
            ),
        };
        let db = self.connect().await;
        let names = db
            .query_all_raw(Statement::from_sql_and_values(
                self.db_backend(),
                sql,
                values,
            ))
            .await
            .expect("list columns")
            .iter()
            .map(|r| r.try_get::<String>("", "name").expect("column name"))
            .collect();
        db.close().await.ok();
        names
    }

    /// The tables of this database that have a column named exactly `column`, sorted.
    pub async fn tables_with_column(&self, column: &str) -> Vec<String> {
        let db = self.connect().await;
        let mut out = Vec::new();
        for table in self.table_names().await {
            let (sql, values): (&str, Vec<sea_orm::Value>) = match self.backend {
                Backend::Sqlite => (
                    "SELECT COUNT(*) AS n FROM pragma_table_info(?) WHERE name = ?",
                    vec![table.clone().into(), column.into()],
                ),
                Backend::MySql => (
                    "SELECT COUNT(*) AS n FROM information_schema.COLUMNS \
                     WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? AND COLUMN_NAME = ?",
                    vec![table.clone().into(), column.into()],
                ),
                Backend::Postgres => (
                    "SELECT COUNT(*) AS n FROM information_schema.columns \
                     WHERE table_schema = current_schema() AND table_name = $1 \
                     AND column_name = $2",
                    vec![table.clone().into(), column.into()],
                ),
            };
            let row = db
                .query_one_raw(Statement::from_sql_and_values(
                    self.db_backend(),
                    sql,
                    values,
                ))
                .await
                .expect("read the columns")
                .expect("a count");
            if row.try_get::<i64>("", "n").expect("a count") > 0 {
                out.push(table);
            }
        }
        db.close().await.ok();
        out
    }

    /// Names of the tables in this database (without the migrations bookkeeping table).
    pub async fn table_names(&self) -> Vec<String> {
        let db = self.connect().await;
        let (sql, values): (&str, Vec<sea_orm::Value>) = match self.backend {
            Backend::Sqlite => (
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
                vec![],
            ),
            Backend::MySql => (
                "SELECT TABLE_NAME AS name FROM information_schema.TABLES WHERE TABLE_SCHEMA = ?",
                vec![self.name.clone().into()],
            ),
            Backend::Postgres => (
                "SELECT table_name::text AS name FROM information_schema.tables WHERE table_schema = 'public' AND table_catalog = $1",
                vec![self.name.clone().into()],
            ),
        };
        let rows = db
            .query_all_raw(Statement::from_sql_and_values(
                self.db_backend(),
                sql,
                values,
            ))
            .await
            .expect("list tables");
        let mut names: Vec<String> = rows
            .iter()
            .map(|r| r.try_get::<String>("", "name").expect("table name"))
            .filter(|n| n != "seaql_migrations")
            .collect();
        names.sort();
        db.close().await.ok();
        names
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let Some(server_url) = self.server_url.clone() else {
            return;
        };
        let sql = match self.backend {
            Backend::MySql => format!("DROP DATABASE IF EXISTS `{}`", self.name),
            _ => format!("DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)", self.name),
        };
        // Drop runs inside the test's runtime; a separate thread with its own runtime can block.
        let _ = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            rt.block_on(async {
                if let Ok(admin) = Database::connect(server_url.as_str()).await {
                    let _ = admin.execute_unprepared(&sql).await;
                    let _ = admin.close().await;
                }
            });
        })
        .join();
    }
}
