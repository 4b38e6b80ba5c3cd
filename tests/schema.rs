//! The schema the Migrator builds, through the real binary: `tmdb-crawler migrate ...`.

mod support;

use std::collections::BTreeMap;

use sea_orm::{ConnectionTrait, DbBackend, Statement};
use support::db::{Backend, TestDb};
use support::{crawler, crawler_ok, mysql_schema};

const MIGRATION: &str = "m20250701_000001_create_reference_schema";

fn reference_table_names() -> Vec<String> {
    mysql_schema::reference().keys().cloned().collect()
}

/// The differences we document (README, "Schema"): everything else must equal the reference.
fn reference_with_documented_differences() -> BTreeMap<String, mysql_schema::Table> {
    let mut reference = mysql_schema::reference();
    // Server variables are written inside the entity transactions: InnoDB, not MyISAM.
    if let Some(t) = reference.get_mut("T_WC_SERVER_VARIABLE") {
        t.engine = "InnoDB".to_owned();
    }
    reference
}

/// Runs the DDL scripts of `sql/` the way an operator would pipe them into the client.
async fn load_sql_scripts(db: &TestDb) {
    let conn = db.connect().await;
    for file in migration::schema::SqlFile::ALL {
        let path = format!("{}/sql/{}", env!("CARGO_MANIFEST_DIR"), file.file_name());
        let script = std::fs::read_to_string(&path).expect("read sql script");
        let mut statement = String::new();
        for line in script.lines() {
            if line.trim_start().starts_with("--") || line.trim().is_empty() {
                continue;
            }
            statement.push_str(line);
            statement.push('\n');
            if line.trim_end().ends_with(';') {
                conn.execute_unprepared(&statement)
                    .await
                    .unwrap_or_else(|e| panic!("{path}: {e}\n{statement}"));
                statement.clear();
            }
        }
        assert!(statement.trim().is_empty(), "{path} ends without ';'");
    }
    conn.close().await.ok();
}

#[tokio::test]
async fn migrate_up_on_mariadb_builds_the_reference_schema() {
    let Some(db) = TestDb::create(Backend::MySql, "ref").await else {
        return;
    };
    crawler_ok(&db.url, &["migrate", "up"]);
    let conn = db.connect().await;
    let actual = mysql_schema::read(&conn, &db.name).await;
    let diffs = mysql_schema::differences(&reference_with_documented_differences(), &actual);
    assert!(diffs.is_empty(), "schema differs:\n{}", diffs.join("\n"));
    assert_eq!(actual.len(), 62);
    let columns: usize = actual.values().map(|t| t.columns.len()).sum();
    let indexes: usize = actual.values().map(|t| t.indexes.len()).sum();
    assert_eq!((columns, indexes), (919, 751));
}

#[tokio::test]
async fn sql_scripts_build_the_same_schema_as_the_migrator_on_mariadb() {
    let Some(by_migrator) = TestDb::create(Backend::MySql, "mig").await else {
        return;
    };
    let Some(by_scripts) = TestDb::create(Backend::MySql, "sql").await else {
        return;
    };
    crawler_ok(&by_migrator.url, &["migrate", "up"]);
    load_sql_scripts(&by_scripts).await;
    let a = mysql_schema::read(&by_migrator.connect().await, &by_migrator.name).await;
    let b = mysql_schema::read(&by_scripts.connect().await, &by_scripts.name).await;
    assert_eq!(a.len(), 62);
    let diffs = mysql_schema::differences(&a, &b);
    assert!(
        diffs.is_empty(),
        "sql/ differs from the Migrator:\n{}",
        diffs.join("\n")
    );
}

/// Rows with what breaks naive SQL: quotes, backslashes, emoji, NULLs, long text.
async fn insert_sample_rows(db: &TestDb) {
    let conn = db.connect().await;
    let backend = db.db_backend();
    let ph = |n: usize| -> String {
        (1..=n)
            .map(|i| match backend {
                DbBackend::Postgres => format!("${i}"),
                _ => "?".to_owned(),
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    let q = |name: &str| match backend {
        DbBackend::MySql => format!("`{name}`"),
        _ => format!("\"{name}\""),
    };
    let long = "é".repeat(5000);
    let statements: Vec<(String, Vec<sea_orm::Value>)> = vec![
        (
            format!(
                "INSERT INTO {} ({}, {}, {}, {}) VALUES ({})",
                q("T_WC_TMDB_MOVIE"),
                q("ID_MOVIE"),
                q("TITLE"),
                q("OVERVIEW"),
                q("POPULARITY"),
                ph(4)
            ),
            vec![
                550.into(),
                r#"He said \"hi\" \u00e9 🎬 'quoted'"#.into(),
                long.clone().into(),
                61.416_f64.into(),
            ],
        ),
        (
            format!(
                "INSERT INTO {} ({}, {}) VALUES ({})",
                q("T_WC_TMDB_MOVIE"),
                q("ID_MOVIE"),
                q("TITLE"),
                ph(2)
            ),
            vec![551.into(), sea_orm::Value::String(None)],
        ),
        (
            format!(
                "INSERT INTO {} ({}, {}, {}) VALUES ({})",
                q("T_WC_SERVER_VARIABLE"),
                q("VAR_NAME"),
                q("VAR_VALUE"),
                q("DELETED"),
                ph(3)
            ),
            vec![
                "strtmdbcrawlerchangesmoviedate".into(),
                "2025-07-01".into(),
                0.into(),
            ],
        ),
        (
            format!(
                "INSERT INTO {} ({}, {}, {}) VALUES ({})",
                q("T_WC_TMDB_PERSON_MOVIE"),
                q("ID_PERSON"),
                q("ID_MOVIE"),
                q("ID_CREDIT"),
                ph(3)
            ),
            vec![819.into(), 550.into(), "52fe4250c3a36847f80149f3".into()],
        ),
        (
            format!(
                "INSERT INTO {} ({}, {}, {}) VALUES ({})",
                q("T_WC_TMDB_COLLECTION_LANG"),
                q("ID_COLLECTION"),
                q("LANG"),
                q("NAME"),
                ph(3)
            ),
            vec![10.into(), "fr".into(), "Saga \\ « Star Wars »".into()],
        ),
    ];
    for (sql, values) in statements {
        conn.execute_raw(Statement::from_sql_and_values(backend, &sql, values))
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"));
    }
    conn.close().await.ok();
}

/// Every row of every reference table, rendered as text, in a stable order.
async fn dump_rows(db: &TestDb) -> BTreeMap<String, Vec<String>> {
    dump_rows_except(db, "").await
}

fn render_value(row: &sea_orm::QueryResult, column: &str) -> String {
    if let Ok(v) = row.try_get::<Option<String>>("", column) {
        return format!("{v:?}");
    }
    if let Ok(v) = row.try_get::<Option<i64>>("", column) {
        return format!("{v:?}");
    }
    if let Ok(v) = row.try_get::<Option<i32>>("", column) {
        return format!("{v:?}");
    }
    if let Ok(v) = row.try_get::<Option<f64>>("", column) {
        return format!("{v:?}");
    }
    if let Ok(v) = row.try_get::<Option<bool>>("", column) {
        return format!("{v:?}");
    }
    if let Ok(v) = row.try_get::<Option<chrono::NaiveDateTime>>("", column) {
        return format!("{v:?}");
    }
    if let Ok(v) = row.try_get::<Option<chrono::NaiveDate>>("", column) {
        return format!("{v:?}");
    }
    panic!("cannot read column {column}");
}

async fn migration_applied(db: &TestDb) -> bool {
    let out = crawler_ok(&db.url, &["migrate", "status"]);
    out.lines()
        .any(|l| l.contains(MIGRATION) && l.contains("applied"))
}

#[tokio::test]
async fn adopting_a_database_built_by_the_sql_scripts_keeps_every_row_on_mariadb() {
    let Some(db) = TestDb::create(Backend::MySql, "adopt").await else {
        return;
    };
    load_sql_scripts(&db).await;
    insert_sample_rows(&db).await;
    let before = dump_rows(&db).await;
    let schema_before = mysql_schema::read(&db.connect().await, &db.name).await;
    assert!(!migration_applied(&db).await);

    crawler_ok(&db.url, &["migrate", "up"]);

    assert!(migration_applied(&db).await, "migration not recorded");
    assert_eq!(dump_rows(&db).await, before, "rows changed");
    let schema_after = mysql_schema::read(&db.connect().await, &db.name).await;
    assert!(mysql_schema::differences(&schema_before, &schema_after).is_empty());
    let movies = &before["T_WC_TMDB_MOVIE"];
    assert_eq!(movies.len(), 2);
    assert!(
        movies[0].contains(r#"He said \\\"hi\\\" \\u00e9 🎬"#),
        "{}",
        movies[0]
    );
}

/// Tables that exist but whose migration is not recorded (created by hand, or by another tool)
/// are adopted on every backend: rows untouched, migration recorded.
async fn adopts_existing_tables(backend: Backend) {
    let Some(db) = TestDb::create(backend, "adoptany").await else {
        return;
    };
    crawler_ok(&db.url, &["migrate", "up"]);
    insert_sample_rows(&db).await;
    let conn = db.connect().await;
    conn.execute_unprepared("DELETE FROM seaql_migrations")
        .await
        .expect("forget the migration");
    // One table missing: adoption must create it and leave the others alone.
    let drop = match backend {
        Backend::MySql => "DROP TABLE `T_WC_TMDB_LIST_TYPE`",
        _ => "DROP TABLE \"T_WC_TMDB_LIST_TYPE\"",
    };
    conn.execute_unprepared(drop).await.expect("drop one table");
    conn.close().await.ok();
    let before = dump_rows_except(&db, "T_WC_TMDB_LIST_TYPE").await;

    crawler_ok(&db.url, &["migrate", "up"]);

    assert!(migration_applied(&db).await);
    assert_eq!(db.table_names().await, reference_table_names());
    assert_eq!(dump_rows_except(&db, "T_WC_TMDB_LIST_TYPE").await, before);
}

/// Like `dump_rows`, without the table `skip`.
async fn dump_rows_except(db: &TestDb, skip: &str) -> BTreeMap<String, Vec<String>> {
    let conn = db.connect().await;
    let mut out = BTreeMap::new();
    for table in migration::reference_2025_07::TABLES
        .iter()
        .filter(|t| t.name != skip)
    {
        let sql = match db.backend {
            Backend::MySql => format!("SELECT * FROM `{}`", table.name),
            _ => format!("SELECT * FROM \"{}\"", table.name),
        };
        let rows = conn
            .query_all_raw(Statement::from_string(db.db_backend(), sql))
            .await
            .expect("select rows");
        let mut rendered: Vec<String> = rows
            .iter()
            .map(|row| {
                table
                    .columns
                    .iter()
                    .map(|c| render_value(row, c.name))
                    .collect::<Vec<_>>()
                    .join("|")
            })
            .collect();
        rendered.sort();
        out.insert(table.name.to_owned(), rendered);
    }
    conn.close().await.ok();
    out
}

#[tokio::test]
async fn adopts_existing_tables_on_sqlite() {
    adopts_existing_tables(Backend::Sqlite).await;
}

#[tokio::test]
async fn adopts_existing_tables_on_mariadb() {
    adopts_existing_tables(Backend::MySql).await;
}

#[tokio::test]
async fn adopts_existing_tables_on_postgres() {
    adopts_existing_tables(Backend::Postgres).await;
}

/// up creates the 62 tables with exact names; down (confirmed) removes them; up again rebuilds.
async fn down_up_round_trip(backend: Backend) {
    let Some(db) = TestDb::create(backend, "roundtrip").await else {
        return;
    };
    let status = crawler_ok(&db.url, &["migrate", "status"]);
    assert!(
        status.contains(MIGRATION) && status.contains("pending"),
        "{status}"
    );

    crawler_ok(&db.url, &["migrate", "up"]);
    assert_eq!(db.table_names().await, reference_table_names());
    let mysql_before = if backend == Backend::MySql {
        Some(mysql_schema::read(&db.connect().await, &db.name).await)
    } else {
        None
    };
    assert!(migration_applied(&db).await);

    crawler_ok(&db.url, &["migrate", "down", "--yes"]);
    assert_eq!(db.table_names().await, Vec::<String>::new());
    assert!(!migration_applied(&db).await);

    crawler_ok(&db.url, &["migrate", "up"]);
    assert_eq!(db.table_names().await, reference_table_names());
    if let Some(before) = mysql_before {
        let after = mysql_schema::read(&db.connect().await, &db.name).await;
        assert!(mysql_schema::differences(&before, &after).is_empty());
    }

    insert_sample_rows(&db).await;
    crawler_ok(&db.url, &["migrate", "fresh", "--yes"]);
    assert_eq!(db.table_names().await, reference_table_names());
    let rows = dump_rows(&db).await;
    assert!(rows.values().all(|r| r.is_empty()), "fresh kept rows");
}

#[tokio::test]
async fn down_up_round_trip_on_sqlite() {
    down_up_round_trip(Backend::Sqlite).await;
}

#[tokio::test]
async fn down_up_round_trip_on_mariadb() {
    down_up_round_trip(Backend::MySql).await;
}

#[tokio::test]
async fn down_up_round_trip_on_postgres() {
    down_up_round_trip(Backend::Postgres).await;
}

/// Column names keep their exact case on PostgreSQL and SQLite (quoted identifiers).
async fn exact_column_names(backend: Backend) {
    let Some(db) = TestDb::create(backend, "names").await else {
        return;
    };
    crawler_ok(&db.url, &["migrate", "up"]);
    let conn = db.connect().await;
    for table in migration::reference_2025_07::TABLES {
        let sql = match backend {
            Backend::Postgres => format!("SELECT * FROM \"{}\" LIMIT 0", table.name),
            Backend::MySql => format!("SELECT * FROM `{}` LIMIT 0", table.name),
            Backend::Sqlite => format!("SELECT * FROM \"{}\" LIMIT 0", table.name),
        };
        conn.execute_unprepared(&sql).await.expect("select table");
        let names: Vec<String> = match backend {
            Backend::Postgres => conn
                .query_all_raw(Statement::from_sql_and_values(
                    DbBackend::Postgres,
                    "SELECT column_name::text AS n FROM information_schema.columns \
                     WHERE table_schema = 'public' AND table_name = $1 ORDER BY ordinal_position",
                    [table.name.into()],
                ))
                .await
                .expect("columns")
                .iter()
                .map(|r| r.try_get::<String>("", "n").expect("name"))
                .collect(),
            _ => conn
                .query_all_raw(Statement::from_sql_and_values(
                    DbBackend::Sqlite,
                    "SELECT name AS n FROM pragma_table_info(?) ORDER BY cid",
                    [table.name.into()],
                ))
                .await
                .expect("columns")
                .iter()
                .map(|r| r.try_get::<String>("", "n").expect("name"))
                .collect(),
        };
        let want: Vec<&str> = table.columns.iter().map(|c| c.name).collect();
        assert_eq!(names, want, "{}", table.name);
    }
}

#[tokio::test]
async fn exact_column_names_on_sqlite() {
    exact_column_names(Backend::Sqlite).await;
}

#[tokio::test]
async fn exact_column_names_on_postgres() {
    exact_column_names(Backend::Postgres).await;
}

#[test]
fn without_configuration_the_database_is_data_tmdb_sqlite() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let out = crawler(dir.path(), &["migrate", "up"], &[]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let file = dir.path().join("data/tmdb.sqlite");
    assert!(file.is_file(), "no {}", file.display());
    let status = crawler(dir.path(), &["migrate", "status"], &[]);
    let text = String::from_utf8_lossy(&status.stdout);
    assert!(
        text.contains(MIGRATION) && text.contains("applied"),
        "{text}"
    );
}
