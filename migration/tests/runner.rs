//! The stand-alone migration runner refuses to change a schema while a crawler holds the
//! database's lock, on each backend.

use std::process::Command;

use migration::database_lock::{DatabaseLock, LockTarget, Taken};
use sea_orm_migration::sea_orm::{ConnectionTrait, Database};

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
    let out = Command::new(env!("CARGO_BIN_EXE_migration"))
        .arg("up")
        .env("DATABASE_URL", url)
        .output()
        .expect("run the migration runner");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("is using this database"), "{stderr}");
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
