//! The stand-alone migration runner refuses to change a schema while a crawler holds the
//! database's lock, on each backend.

use std::process::Command;

use migration::Migrator;
use migration::database_lock::{DatabaseLock, LockTarget, Taken};
use sea_orm_migration::MigratorTrait;
use sea_orm_migration::sea_orm::sea_query::{Alias, Query};
use sea_orm_migration::sea_orm::{ConnectionTrait, Database};

/// The runner's `command` on `url`.
fn runner(url: &str, command: &str) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_migration"))
        .arg(command)
        .env("DATABASE_URL", url)
        .output()
        .expect("run the migration runner")
}

/// A refusal is one line on stderr, `error: ...` (README, "Exit codes"); that line.
fn one_error_line(stderr: &str) -> &str {
    let lines: Vec<&str> = stderr.lines().filter(|l| !l.trim().is_empty()).collect();
    assert!(
        lines.len() == 1 && lines[0].starts_with("error: "),
        "not one `error: ` line: {stderr}"
    );
    lines[0]
}

/// A database of its own on the server behind `server_url` (dropped when the test ends); its
/// URL.
struct ServerDatabase {
    server_url: String,
    name: String,
}

impl ServerDatabase {
    async fn create(server_url: &str, tag: &str) -> ServerDatabase {
        let name = format!("tmdbc_runner_{tag}_{}", std::process::id());
        let db = Database::connect(server_url)
            .await
            .expect("connect to the server");
        db.execute_unprepared(&format!("DROP DATABASE IF EXISTS {name}"))
            .await
            .expect("drop a leftover database");
        db.execute_unprepared(&format!("CREATE DATABASE {name}"))
            .await
            .expect("create the test database");
        db.close().await.ok();
        ServerDatabase {
            server_url: server_url.to_owned(),
            name,
        }
    }

    fn url(&self) -> String {
        let (base, _) = self
            .server_url
            .rsplit_once('/')
            .expect("a URL with a database");
        format!("{base}/{}", self.name)
    }

    async fn drop_now(self) {
        let db = Database::connect(&self.server_url).await.expect("connect");
        db.execute_unprepared(&format!("DROP DATABASE IF EXISTS {}", self.name))
            .await
            .expect("drop the test database");
        db.close().await.ok();
    }
}

/// Holds the lock as a running crawler does, then runs the runner's `up`: refused, exit 2,
/// naming the holder, and no table created.
async fn refused_while_held(url: &str) {
    let holder = "tmdb-crawler test-host pid 1 since now";
    let Ok(Taken::Now(lock)) = DatabaseLock::take(&LockTarget::of_url(url), holder).await else {
        panic!("the test could not take the lock of {url}");
    };
    let out = runner(url, "up");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    let line = one_error_line(&stderr);
    assert!(line.contains("is using this database"), "{stderr}");
    if url.starts_with("sqlite:") {
        // The lock file names its holder, even where no table (and no record) exists yet.
        assert!(
            line.contains(holder),
            "the refusal does not name {holder}: {line}"
        );
    }
    lock.release().await;
    let db = Database::connect(url).await.expect("connect");
    let tables = db
        .query_all_raw(sea_orm_migration::sea_orm::Statement::from_string(
            db.get_database_backend(),
            match db.get_database_backend() {
                sea_orm_migration::sea_orm::DbBackend::Sqlite => {
                    "SELECT name FROM sqlite_master WHERE type = 'table'"
                }
                sea_orm_migration::sea_orm::DbBackend::MySql => {
                    "SELECT TABLE_NAME FROM information_schema.TABLES WHERE TABLE_SCHEMA = DATABASE()"
                }
                _ => "SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()",
            },
        ))
        .await
        .expect("list the tables");
    assert!(
        tables.is_empty(),
        "the refused runner created {} tables",
        tables.len()
    );
    db.close().await.ok();
}

const RECORDED_HOLDER: &str = "crawler-node-3 pid 4242 since 2026-01-02T03:04:05Z";

/// A crawler's run holds the lock of a migrated database and records itself in
/// `strtmdbcrawlerrunlock` (`host pid N since T`): the runner is refused with one line and the
/// schema stays; that line, which [`assert_names_the_holder`] checks once the database is
/// dropped.
async fn refused_on_a_migrated_database(url: &str) -> String {
    let up = runner(url, "up");
    assert!(
        up.status.success(),
        "{}",
        String::from_utf8_lossy(&up.stderr)
    );
    let holder = RECORDED_HOLDER;
    let db = Database::connect(url).await.expect("connect");
    let record = Query::insert()
        .into_table(Alias::new("T_WC_SERVER_VARIABLE"))
        .columns(["DESCRIPTION", "VAR_NAME", "VAR_VALUE", "DELETED"].map(Alias::new))
        .values_panic([
            "strtmdbcrawlerrunlock".into(),
            "strtmdbcrawlerrunlock".into(),
            holder.into(),
            0.into(),
        ])
        .to_owned();
    db.execute(&record).await.expect("write the lock's record");
    let Ok(Taken::Now(lock)) = DatabaseLock::take(&LockTarget::of_url(url), holder).await else {
        panic!("the test could not take the lock of {url}");
    };
    let out = runner(url, "down");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    let line = one_error_line(&stderr).to_owned();
    lock.release().await;
    let applied = Migrator::get_applied_migrations(&db)
        .await
        .expect("read the applied migrations");
    assert_eq!(
        applied.len(),
        Migrator::migrations().len(),
        "the refused runner rolled a migration back"
    );
    db.close().await.ok();
    line
}

/// The refusal names the holder, as the README says ("One instance per database").
fn assert_names_the_holder(refusal: &str) {
    assert!(
        refusal.contains(RECORDED_HOLDER),
        "the refusal does not name the holder ({RECORDED_HOLDER}): {refusal}"
    );
}

#[tokio::test]
async fn the_runner_is_refused_while_the_lock_is_held_on_sqlite() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let url = format!(
        "sqlite://{}?mode=rwc",
        dir.path().join("db.sqlite").display()
    );
    refused_while_held(&url).await;
}

#[tokio::test]
#[cfg_attr(
    not(tmdbc_test_mysql),
    ignore = "needs TMDB_CRAWLER_TEST_MYSQL_URL (a MariaDB server)"
)]
async fn the_runner_is_refused_while_the_lock_is_held_on_mariadb() {
    let server = std::env::var("TMDB_CRAWLER_TEST_MYSQL_URL").expect("TMDB_CRAWLER_TEST_MYSQL_URL");
    let db = ServerDatabase::create(&server, "mysql").await;
    refused_while_held(&db.url()).await;
    db.drop_now().await;
}

#[tokio::test]
#[cfg_attr(
    not(tmdbc_test_postgres),
    ignore = "needs TMDB_CRAWLER_TEST_POSTGRES_URL (a PostgreSQL server)"
)]
async fn the_runner_is_refused_while_the_lock_is_held_on_postgres() {
    let server =
        std::env::var("TMDB_CRAWLER_TEST_POSTGRES_URL").expect("TMDB_CRAWLER_TEST_POSTGRES_URL");
    let db = ServerDatabase::create(&server, "pg").await;
    refused_while_held(&db.url()).await;
    db.drop_now().await;
}

#[tokio::test]
async fn the_runner_names_the_holder_of_a_migrated_database_on_sqlite() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let url = format!(
        "sqlite://{}?mode=rwc",
        dir.path().join("db.sqlite").display()
    );
    assert_names_the_holder(&refused_on_a_migrated_database(&url).await);
}

// A server lock says nothing of its holder: the runner reads the record.
#[tokio::test]
#[cfg_attr(
    not(tmdbc_test_mysql),
    ignore = "needs TMDB_CRAWLER_TEST_MYSQL_URL (a MariaDB server)"
)]
async fn the_runner_names_the_holder_of_a_migrated_database_on_mariadb() {
    let server = std::env::var("TMDB_CRAWLER_TEST_MYSQL_URL").expect("TMDB_CRAWLER_TEST_MYSQL_URL");
    let db = ServerDatabase::create(&server, "mysql_holder").await;
    let refusal = refused_on_a_migrated_database(&db.url()).await;
    db.drop_now().await;
    assert_names_the_holder(&refusal);
}

#[tokio::test]
#[cfg_attr(
    not(tmdbc_test_postgres),
    ignore = "needs TMDB_CRAWLER_TEST_POSTGRES_URL (a PostgreSQL server)"
)]
async fn the_runner_names_the_holder_of_a_migrated_database_on_postgres() {
    let server =
        std::env::var("TMDB_CRAWLER_TEST_POSTGRES_URL").expect("TMDB_CRAWLER_TEST_POSTGRES_URL");
    let db = ServerDatabase::create(&server, "pg_holder").await;
    let refusal = refused_on_a_migrated_database(&db.url()).await;
    db.drop_now().await;
    assert_names_the_holder(&refusal);
}
