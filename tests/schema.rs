//! The schema the Migrator builds, through the real binary: `tmdb-crawler migrate ...`.

mod support;

use std::collections::BTreeMap;

use sea_orm::{ConnectionTrait, DbBackend, SqlErr, Statement};
use support::db::{Backend, TestDb};
use support::{crawler, crawler_ok, mysql_schema};

/// The 2025-07 reference schema.
const MIGRATION: &str = "m20250701_000001_create_reference_schema";
/// The not-found ledger `T_WC_TMDB_ID_NOT_FOUND` (2026-08 schema).
const LEDGER_MIGRATION: &str = "m20260801_000001_create_id_not_found";
/// Every migration, in order.
const MIGRATIONS: [&str; 2] = [MIGRATION, LEDGER_MIGRATION];
const LEDGER: &str = "T_WC_TMDB_ID_NOT_FOUND";

fn reference_table_names() -> Vec<String> {
    mysql_schema::reference().keys().cloned().collect()
}

/// The tables later migrations add, as the 2026-08 schema has them (MariaDB information_schema).
fn additions() -> BTreeMap<String, mysql_schema::Table> {
    #[derive(serde::Deserialize)]
    struct Additions {
        tables: BTreeMap<String, mysql_schema::Table>,
    }
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/fixtures/schema-2026-08-additions.json"
    );
    let text = std::fs::read_to_string(path).expect("read 2026-08 additions");
    let additions: Additions = serde_json::from_str(&text).expect("parse 2026-08 additions");
    additions.tables
}

/// Every table the Migrator builds: the reference's and the additions', sorted.
fn all_table_names() -> Vec<String> {
    let mut names = reference_table_names();
    names.extend(additions().into_keys());
    names.sort();
    names
}

/// The differences we document (README, "Schema"): everything else must equal the reference,
/// plus the added tables exactly as the 2026-08 schema has them.
fn reference_with_documented_differences() -> BTreeMap<String, mysql_schema::Table> {
    let mut reference = mysql_schema::reference();
    // Server variables are written inside the entity transactions: InnoDB, not MyISAM.
    if let Some(t) = reference.get_mut("T_WC_SERVER_VARIABLE") {
        t.engine = "InnoDB".to_owned();
    }
    for (name, table) in additions() {
        assert!(
            reference.insert(name.clone(), table).is_none(),
            "{name} is already a reference table"
        );
    }
    reference
}

#[test]
fn the_fixtures_list_the_tables_the_migrator_declares() {
    let declared: Vec<String> = {
        let mut names: Vec<String> = migration::tables().map(|t| t.name.to_owned()).collect();
        names.sort();
        names
    };
    assert_eq!(declared, all_table_names());
    let ledger = additions()
        .remove(LEDGER)
        .expect("ledger in the 2026-08 fixture");
    let def = migration::reference_table(LEDGER).expect("ledger declared");
    let columns: Vec<(&str, String, bool)> = ledger
        .columns
        .iter()
        .map(|c| (c.name.as_str(), c.ty.clone(), c.nullable))
        .collect();
    let declared: Vec<(&str, String, bool)> = def
        .columns
        .iter()
        .map(|c| (c.name, c.ty.mysql(), c.nullable))
        .collect();
    assert_eq!(columns, declared);
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
#[cfg_attr(
    not(tmdbc_test_mysql),
    ignore = "needs TMDB_CRAWLER_TEST_MYSQL_URL (a MariaDB server)"
)]
async fn migrate_up_on_mariadb_builds_the_reference_schema() {
    let Some(db) = TestDb::create(Backend::MySql, "ref").await else {
        return;
    };
    crawler_ok(&db.url, &["migrate", "up"]);
    let conn = db.connect().await;
    let actual = mysql_schema::read(&conn, &db.name).await;
    let diffs = mysql_schema::differences(&reference_with_documented_differences(), &actual);
    assert!(diffs.is_empty(), "schema differs:\n{}", diffs.join("\n"));
    // The 62 reference tables (919 columns, 751 indexes) and the not-found ledger.
    assert_eq!(actual.len(), 63);
    let columns: usize = actual.values().map(|t| t.columns.len()).sum();
    let indexes: usize = actual.values().map(|t| t.indexes.len()).sum();
    assert_eq!((columns, indexes), (919 + 15, 751 + 2));
    let ledger = &actual[LEDGER];
    assert_eq!(ledger.primary_key, ["ID_ROW"]);
    assert_eq!(
        ledger.indexes["UK_TMDB_ID_NOT_FOUND"],
        mysql_schema::Index {
            columns: vec!["ENTITY_TYPE".to_owned(), "ID_ENTITY".to_owned()],
            unique: true,
        }
    );
    assert!(!ledger.indexes["IDX_TMDB_ID_NOT_FOUND_RETRY"].unique);
}

#[tokio::test]
#[cfg_attr(
    not(tmdbc_test_mysql),
    ignore = "needs TMDB_CRAWLER_TEST_MYSQL_URL (a MariaDB server)"
)]
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
    assert_eq!(a.len(), 63);
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
        (
            format!(
                "INSERT INTO {} ({}, {}, {}, {}, {}) VALUES ({})",
                q(LEDGER),
                q("ENTITY_TYPE"),
                q("ID_ENTITY"),
                q("ATTEMPT_COUNT"),
                q("TIM_RETRY_AFTER"),
                q("LAST_CONTEXT"),
                ph(5)
            ),
            vec![
                "movie".into(),
                999_999_999.into(),
                1.into(),
                chrono::NaiveDate::from_ymd_opt(2026, 8, 8)
                    .and_then(|d| d.and_hms_opt(12, 0, 0))
                    .expect("datetime")
                    .into(),
                "process 14 ‘movie exists’".into(),
            ],
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

/// `migrate status` as `(migration, applied?)`, in migration order.
async fn migration_status(db: &TestDb) -> Vec<(String, bool)> {
    let out = crawler_ok(&db.url, &["migrate", "status"]);
    out.lines()
        .filter_map(|l| {
            let mut words = l.split_whitespace();
            let status = words.next()?;
            let name = words.next()?;
            Some((name.to_owned(), status == "applied"))
        })
        .collect()
}

/// The status every migration should have: the first `applied` ones applied, the rest pending.
fn first_applied(applied: usize) -> Vec<(String, bool)> {
    MIGRATIONS
        .iter()
        .enumerate()
        .map(|(i, m)| ((*m).to_owned(), i < applied))
        .collect()
}

async fn migration_applied(db: &TestDb) -> bool {
    migration_status(db).await == first_applied(MIGRATIONS.len())
}

#[tokio::test]
#[cfg_attr(
    not(tmdbc_test_mysql),
    ignore = "needs TMDB_CRAWLER_TEST_MYSQL_URL (a MariaDB server)"
)]
async fn adopting_a_database_built_by_the_sql_scripts_keeps_every_row_on_mariadb() {
    let Some(db) = TestDb::create(Backend::MySql, "adopt").await else {
        return;
    };
    load_sql_scripts(&db).await;
    insert_sample_rows(&db).await;
    let before = dump_rows(&db).await;
    let schema_before = mysql_schema::read(&db.connect().await, &db.name).await;
    assert_eq!(schema_before.len(), 63);
    assert_eq!(migration_status(&db).await, first_applied(0));

    crawler_ok(&db.url, &["migrate", "up"]);

    assert!(migration_applied(&db).await, "migrations not recorded");
    assert_eq!(before[LEDGER].len(), 1);
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
    assert_eq!(db.table_names().await, all_table_names());
    assert_eq!(dump_rows_except(&db, "T_WC_TMDB_LIST_TYPE").await, before);
    assert_eq!(before[LEDGER].len(), 1);
}

/// Like `dump_rows`, without the table `skip`.
async fn dump_rows_except(db: &TestDb, skip: &str) -> BTreeMap<String, Vec<String>> {
    let conn = db.connect().await;
    let mut out = BTreeMap::new();
    for table in migration::tables().filter(|t| t.name != skip) {
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
#[cfg_attr(
    not(tmdbc_test_mysql),
    ignore = "needs TMDB_CRAWLER_TEST_MYSQL_URL (a MariaDB server)"
)]
async fn adopts_existing_tables_on_mariadb() {
    adopts_existing_tables(Backend::MySql).await;
}

#[tokio::test]
#[cfg_attr(
    not(tmdbc_test_postgres),
    ignore = "needs TMDB_CRAWLER_TEST_POSTGRES_URL (a PostgreSQL server)"
)]
async fn adopts_existing_tables_on_postgres() {
    adopts_existing_tables(Backend::Postgres).await;
}

/// up creates the 63 tables with exact names; each down (confirmed) rolls back the last
/// migration and removes its tables; up again rebuilds.
async fn down_up_round_trip(backend: Backend) {
    let Some(db) = TestDb::create(backend, "roundtrip").await else {
        return;
    };
    assert_eq!(migration_status(&db).await, first_applied(0));

    crawler_ok(&db.url, &["migrate", "up"]);
    assert_eq!(db.table_names().await, all_table_names());
    let mysql_before = if backend == Backend::MySql {
        Some(mysql_schema::read(&db.connect().await, &db.name).await)
    } else {
        None
    };
    assert!(migration_applied(&db).await);

    // The last migration first: only the ledger goes.
    crawler_ok(&db.url, &["migrate", "down", "--yes"]);
    assert_eq!(db.table_names().await, reference_table_names());
    assert_eq!(migration_status(&db).await, first_applied(1));

    crawler_ok(&db.url, &["migrate", "down", "--yes"]);
    assert_eq!(db.table_names().await, Vec::<String>::new());
    assert_eq!(migration_status(&db).await, first_applied(0));

    crawler_ok(&db.url, &["migrate", "up"]);
    assert_eq!(db.table_names().await, all_table_names());
    assert!(migration_applied(&db).await);
    if let Some(before) = mysql_before {
        let after = mysql_schema::read(&db.connect().await, &db.name).await;
        assert!(mysql_schema::differences(&before, &after).is_empty());
    }

    insert_sample_rows(&db).await;
    crawler_ok(&db.url, &["migrate", "fresh", "--yes"]);
    assert_eq!(db.table_names().await, all_table_names());
    assert!(migration_applied(&db).await);
    let rows = dump_rows(&db).await;
    assert_eq!(rows.len(), 63);
    assert!(rows.values().all(|r| r.is_empty()), "fresh kept rows");
}

#[tokio::test]
async fn down_up_round_trip_on_sqlite() {
    down_up_round_trip(Backend::Sqlite).await;
}

#[tokio::test]
#[cfg_attr(
    not(tmdbc_test_mysql),
    ignore = "needs TMDB_CRAWLER_TEST_MYSQL_URL (a MariaDB server)"
)]
async fn down_up_round_trip_on_mariadb() {
    down_up_round_trip(Backend::MySql).await;
}

#[tokio::test]
#[cfg_attr(
    not(tmdbc_test_postgres),
    ignore = "needs TMDB_CRAWLER_TEST_POSTGRES_URL (a PostgreSQL server)"
)]
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
    for table in migration::tables() {
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
#[cfg_attr(
    not(tmdbc_test_postgres),
    ignore = "needs TMDB_CRAWLER_TEST_POSTGRES_URL (a PostgreSQL server)"
)]
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
    for migration in MIGRATIONS {
        assert!(
            text.lines()
                .any(|l| l.contains(migration) && l.contains("applied")),
            "{text}"
        );
    }
}

/// `INSERT` of a ledger row `(ENTITY_TYPE, ID_ENTITY)`, in the backend's quoting.
async fn insert_ledger_row(
    conn: &sea_orm::DatabaseConnection,
    backend: DbBackend,
    entity_type: &str,
    id: i32,
) -> Result<sea_orm::ExecResult, sea_orm::DbErr> {
    let sql = match backend {
        DbBackend::MySql => {
            "INSERT INTO `T_WC_TMDB_ID_NOT_FOUND` (`ENTITY_TYPE`, `ID_ENTITY`, `ATTEMPT_COUNT`) \
             VALUES (?, ?, 1)"
        }
        DbBackend::Postgres => {
            r#"INSERT INTO "T_WC_TMDB_ID_NOT_FOUND" ("ENTITY_TYPE", "ID_ENTITY", "ATTEMPT_COUNT") VALUES ($1, $2, 1)"#
        }
        _ => {
            r#"INSERT INTO "T_WC_TMDB_ID_NOT_FOUND" ("ENTITY_TYPE", "ID_ENTITY", "ATTEMPT_COUNT") VALUES (?, ?, 1)"#
        }
    };
    conn.execute_raw(Statement::from_sql_and_values(
        backend,
        sql,
        [entity_type.into(), id.into()],
    ))
    .await
}

/// The ledger's UNIQUE key `(ENTITY_TYPE, ID_ENTITY)`: one row per entity, ids shared across
/// entity types.
async fn ledger_rejects_a_duplicate_entity(backend: Backend) {
    let Some(db) = TestDb::create(backend, "ledgeruk").await else {
        return;
    };
    crawler_ok(&db.url, &["migrate", "up"]);
    let conn = db.connect().await;
    let b = db.db_backend();
    insert_ledger_row(&conn, b, "movie", 603)
        .await
        .expect("first movie row");
    insert_ledger_row(&conn, b, "person", 603)
        .await
        .expect("same id, other entity type");
    let err = insert_ledger_row(&conn, b, "movie", 603)
        .await
        .expect_err("a duplicate (ENTITY_TYPE, ID_ENTITY) must be rejected");
    assert!(
        matches!(err.sql_err(), Some(SqlErr::UniqueConstraintViolation(_))),
        "{err}"
    );
    let quoted = match backend {
        Backend::MySql => format!("`{LEDGER}`"),
        _ => format!("\"{LEDGER}\""),
    };
    let count = conn
        .query_one_raw(Statement::from_string(
            b,
            format!("SELECT COUNT(*) AS n FROM {quoted}"),
        ))
        .await
        .expect("count")
        .expect("one row")
        .try_get::<i64>("", "n")
        .expect("n");
    assert_eq!(count, 2);
    conn.close().await.ok();
}

#[tokio::test]
async fn ledger_rejects_a_duplicate_entity_on_sqlite() {
    ledger_rejects_a_duplicate_entity(Backend::Sqlite).await;
}

#[tokio::test]
#[cfg_attr(
    not(tmdbc_test_mysql),
    ignore = "needs TMDB_CRAWLER_TEST_MYSQL_URL (a MariaDB server)"
)]
async fn ledger_rejects_a_duplicate_entity_on_mariadb() {
    ledger_rejects_a_duplicate_entity(Backend::MySql).await;
}

#[tokio::test]
#[cfg_attr(
    not(tmdbc_test_postgres),
    ignore = "needs TMDB_CRAWLER_TEST_POSTGRES_URL (a PostgreSQL server)"
)]
async fn ledger_rejects_a_duplicate_entity_on_postgres() {
    ledger_rejects_a_duplicate_entity(Backend::Postgres).await;
}

/// A database on the 2025-07 schema where the later Python crawler created the ledger at startup
/// (`CREATE TABLE IF NOT EXISTS`, with rows): `migrate up` adopts it as it is and records the
/// ledger migration.
async fn adopts_a_ledger_created_by_the_python_crawler(backend: Backend) {
    let Some(db) = TestDb::create(backend, "adoptledger").await else {
        return;
    };
    crawler_ok(&db.url, &["migrate", "up"]);
    crawler_ok(&db.url, &["migrate", "down", "--yes"]);
    assert_eq!(migration_status(&db).await, first_applied(1));
    assert_eq!(db.table_names().await, reference_table_names());

    let conn = db.connect().await;
    // As the Python crawler writes it on MariaDB; elsewhere a hand-made table without the
    // retry index, which adoption must not add.
    let ddl = match backend {
        Backend::MySql => {
            "CREATE TABLE IF NOT EXISTS `T_WC_TMDB_ID_NOT_FOUND` (
               `ID_ROW` int(11) NOT NULL AUTO_INCREMENT,
               `ENTITY_TYPE` varchar(20) NOT NULL,
               `ID_ENTITY` int(11) NOT NULL,
               `ATTEMPT_COUNT` int(11) DEFAULT NULL,
               `TIM_FIRST_SEEN` datetime DEFAULT NULL,
               `TIM_LAST_SEEN` datetime DEFAULT NULL,
               `TIM_RETRY_AFTER` datetime DEFAULT NULL,
               `LAST_CONTEXT` varchar(100) DEFAULT NULL,
               `DELETED` int(5) DEFAULT NULL,
               `DISPLAY_ORDER` int(5) DEFAULT NULL,
               `ID_CREATOR` int(5) DEFAULT NULL,
               `DAT_CREAT` date DEFAULT NULL,
               `ID_OWNER` int(5) DEFAULT NULL,
               `TIM_UPDATED` datetime DEFAULT NULL,
               `ID_USER_UPDATED` int(5) DEFAULT NULL,
               PRIMARY KEY (`ID_ROW`),
               UNIQUE KEY `UK_TMDB_ID_NOT_FOUND` (`ENTITY_TYPE`,`ID_ENTITY`),
               KEY `IDX_TMDB_ID_NOT_FOUND_RETRY` (`ENTITY_TYPE`,`TIM_RETRY_AFTER`)
             ) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_general_ci"
        }
        Backend::Postgres => {
            r#"CREATE TABLE "T_WC_TMDB_ID_NOT_FOUND" (
               "ID_ROW" serial PRIMARY KEY,
               "ENTITY_TYPE" varchar(20) NOT NULL,
               "ID_ENTITY" integer NOT NULL,
               "ATTEMPT_COUNT" integer, "TIM_FIRST_SEEN" timestamp, "TIM_LAST_SEEN" timestamp,
               "TIM_RETRY_AFTER" timestamp, "LAST_CONTEXT" varchar(100), "DELETED" integer,
               "DISPLAY_ORDER" integer, "ID_CREATOR" integer, "DAT_CREAT" date,
               "ID_OWNER" integer, "TIM_UPDATED" timestamp, "ID_USER_UPDATED" integer,
               UNIQUE ("ENTITY_TYPE", "ID_ENTITY"))"#
        }
        Backend::Sqlite => {
            r#"CREATE TABLE "T_WC_TMDB_ID_NOT_FOUND" (
               "ID_ROW" integer NOT NULL PRIMARY KEY AUTOINCREMENT,
               "ENTITY_TYPE" varchar(20) NOT NULL,
               "ID_ENTITY" integer NOT NULL,
               "ATTEMPT_COUNT" integer, "TIM_FIRST_SEEN" datetime, "TIM_LAST_SEEN" datetime,
               "TIM_RETRY_AFTER" datetime, "LAST_CONTEXT" varchar(100), "DELETED" integer,
               "DISPLAY_ORDER" integer, "ID_CREATOR" integer, "DAT_CREAT" date,
               "ID_OWNER" integer, "TIM_UPDATED" datetime, "ID_USER_UPDATED" integer,
               UNIQUE ("ENTITY_TYPE", "ID_ENTITY"))"#
        }
    };
    conn.execute_unprepared(ddl)
        .await
        .expect("create the ledger");
    insert_ledger_row(&conn, db.db_backend(), "serie", 1399)
        .await
        .expect("ledger row");
    conn.close().await.ok();
    let rows_before = dump_rows(&db).await;
    let mysql_before = if backend == Backend::MySql {
        Some(mysql_schema::read(&db.connect().await, &db.name).await)
    } else {
        None
    };

    crawler_ok(&db.url, &["migrate", "up"]);

    assert!(migration_applied(&db).await);
    assert_eq!(db.table_names().await, all_table_names());
    assert_eq!(dump_rows(&db).await, rows_before, "rows changed");
    assert_eq!(rows_before[LEDGER].len(), 1);
    if let Some(before) = mysql_before {
        let after = mysql_schema::read(&db.connect().await, &db.name).await;
        assert!(mysql_schema::differences(&before, &after).is_empty());
        let diffs = mysql_schema::differences(&reference_with_documented_differences(), &after);
        assert!(diffs.is_empty(), "schema differs:\n{}", diffs.join("\n"));
    }
    if backend == Backend::Sqlite {
        let conn = db.connect().await;
        let retry_index = conn
            .query_all_raw(Statement::from_string(
                DbBackend::Sqlite,
                "SELECT name FROM sqlite_master WHERE type = 'index' \
                 AND name LIKE '%IDX_TMDB_ID_NOT_FOUND_RETRY'",
            ))
            .await
            .expect("indexes");
        assert!(retry_index.is_empty(), "adoption altered the table");
    }
}

#[tokio::test]
async fn adopts_a_ledger_created_by_the_python_crawler_on_sqlite() {
    adopts_a_ledger_created_by_the_python_crawler(Backend::Sqlite).await;
}

#[tokio::test]
#[cfg_attr(
    not(tmdbc_test_mysql),
    ignore = "needs TMDB_CRAWLER_TEST_MYSQL_URL (a MariaDB server)"
)]
async fn adopts_a_ledger_created_by_the_python_crawler_on_mariadb() {
    adopts_a_ledger_created_by_the_python_crawler(Backend::MySql).await;
}

#[tokio::test]
#[cfg_attr(
    not(tmdbc_test_postgres),
    ignore = "needs TMDB_CRAWLER_TEST_POSTGRES_URL (a PostgreSQL server)"
)]
async fn adopts_a_ledger_created_by_the_python_crawler_on_postgres() {
    adopts_a_ledger_created_by_the_python_crawler(Backend::Postgres).await;
}

/// Upper-case string literals outside tests in the code that talks to the database, with the
/// file each was found in. Such a literal is a table or column name unless listed in
/// [`NOT_SCHEMA_NAMES`].
fn schema_literals_in_src() -> BTreeMap<String, String> {
    fn visit(path: &std::path::Path, found: &mut BTreeMap<String, String>) {
        if path.is_dir() {
            let mut entries: Vec<_> = std::fs::read_dir(path)
                .expect("source directory")
                .map(|e| e.expect("directory entry").path())
                .collect();
            entries.sort();
            for entry in entries {
                visit(&entry, found);
            }
            return;
        }
        if path.extension().is_none_or(|x| x != "rs") {
            return;
        }
        let text = std::fs::read_to_string(path).expect("source file");
        // Unit tests sit at the end of a file, after `#[cfg(test)]`.
        let code = text.split("#[cfg(test)]").next().unwrap_or_default();
        for line in code.lines().filter(|l| !l.trim_start().starts_with("//")) {
            for literal in line.split('"').skip(1).step_by(2) {
                let is_name = literal.len() >= 2
                    && literal.starts_with(|c: char| c.is_ascii_uppercase())
                    && literal
                        .chars()
                        .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_');
                if is_name {
                    found
                        .entry(literal.to_owned())
                        .or_insert_with(|| path.display().to_string());
                }
            }
        }
    }
    let mut found = BTreeMap::new();
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    for part in ["records", "store", "actors", "process.rs", "app.rs"] {
        visit(&src.join(part), &mut found);
    }
    found
}

/// Upper-case literals of that code that are not schema names.
const NOT_SCHEMA_NAMES: [(&str, &str); 2] = [
    ("FAILED", "a value of the export-day server variable"),
    (
        "HOSTNAME",
        "the environment variable naming the run lock's holder",
    ),
];

#[test]
fn every_table_and_column_the_code_names_exists_in_the_reference_schema() {
    let mut names: std::collections::BTreeSet<&str> = std::collections::BTreeSet::new();
    for table in migration::tables() {
        names.insert(table.name);
        names.extend(table.columns.iter().map(|c| c.name));
    }
    let found = schema_literals_in_src();
    assert!(
        found.len() > 100,
        "the scan found only {} names: is it still reading src/?",
        found.len()
    );
    let unknown: Vec<String> = found
        .iter()
        .filter(|(name, _)| !names.contains(name.as_str()))
        .filter(|(name, _)| !NOT_SCHEMA_NAMES.iter().any(|(n, _)| n == name))
        .map(|(name, file)| format!("{name} ({file})"))
        .collect();
    assert!(
        unknown.is_empty(),
        "named in src/ but no table or column of the reference schema: {unknown:?}"
    );
    for (name, why) in NOT_SCHEMA_NAMES {
        assert!(
            found.contains_key(name),
            "{name} ({why}) is no longer in src/: take it off the list"
        );
    }
}
