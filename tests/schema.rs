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
/// The 2026-08 schema.
const SCHEMA_MIGRATION: &str = "m20260802_000001_schema_2026_08";
/// Every migration, in order.
const MIGRATIONS: [&str; 3] = [MIGRATION, LEDGER_MIGRATION, SCHEMA_MIGRATION];
const LEDGER: &str = "T_WC_TMDB_ID_NOT_FOUND";

/// The 92 tables of the 2026-08 schema, sorted.
fn current_table_names() -> Vec<String> {
    mysql_schema::current().keys().cloned().collect()
}

/// The 2026-08 schema with the one difference we document (README, "Schema").
fn current_with_documented_differences() -> BTreeMap<String, mysql_schema::Table> {
    let mut current = mysql_schema::current();
    // Server variables are written inside the entity transactions: InnoDB, not MyISAM.
    if let Some(t) = current.get_mut("T_WC_SERVER_VARIABLE") {
        t.engine = "InnoDB".to_owned();
    }
    current
}

/// A declared column as information_schema shows it: name, type, nullable, default, extra.
fn declared_column(c: &migration::schema::ColumnDef) -> mysql_schema::Column {
    use migration::schema::Default;
    let extra = if c.auto_increment {
        "auto_increment"
    } else if c.generated.is_some() {
        "STORED GENERATED"
    } else if c.on_update_now {
        "on update current_timestamp()"
    } else {
        ""
    };
    mysql_schema::Column {
        name: c.name.to_owned(),
        ty: c.ty.mysql(),
        nullable: c.nullable,
        extra: extra.to_owned(),
        default: match c.default {
            None => "NULL",
            Some(Default::Zero) => "0",
            Some(Default::Now) => "current_timestamp()",
        }
        .to_owned(),
    }
}

#[test]
fn the_migrator_declares_the_2026_08_schema_exactly() {
    let fixture = mysql_schema::current();
    let declared: BTreeMap<String, mysql_schema::Table> = migration::schema_2026_08::TABLES
        .iter()
        .map(|t| {
            let indexes = t
                .indexes
                .iter()
                .map(|i| {
                    let columns = i
                        .parts
                        .iter()
                        .map(|p| match p.prefix {
                            Some(n) => format!("{}({n})", p.column),
                            None => p.column.to_owned(),
                        })
                        .collect();
                    let index = mysql_schema::Index {
                        columns,
                        unique: i.unique,
                    };
                    (i.name.to_owned(), index)
                })
                .collect();
            let table = mysql_schema::Table {
                engine: fixture[t.name].engine.clone(),
                collation: t.collation.mysql().to_owned(),
                columns: t.columns.iter().map(declared_column).collect(),
                primary_key: t.primary_key.iter().map(|c| (*c).to_owned()).collect(),
                indexes,
            };
            (t.name.to_owned(), table)
        })
        .collect();
    let diffs = mysql_schema::differences(&fixture, &declared);
    assert!(
        diffs.is_empty(),
        "declared != 2026-08:\n{}",
        diffs.join("\n")
    );
    assert_eq!(declared.len(), 92);
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
async fn migrate_up_on_mariadb_builds_the_2026_08_schema() {
    let Some(db) = TestDb::create(Backend::MySql, "ref").await else {
        return;
    };
    crawler_ok(&db.url, &["migrate", "up"]);
    let conn = db.connect().await;
    let actual = mysql_schema::read(&conn, &db.name).await;
    let diffs = mysql_schema::differences(&current_with_documented_differences(), &actual);
    assert!(diffs.is_empty(), "schema differs:\n{}", diffs.join("\n"));
    // None of the 7 tables 2026-08 dropped.
    assert_eq!(actual.len(), 92);
    let columns: usize = actual.values().map(|t| t.columns.len()).sum();
    let indexes: usize = actual.values().map(|t| t.indexes.len()).sum();
    assert_eq!((columns, indexes), (1390, 1124));
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
    assert_eq!(a.len(), 92);
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
    assert_eq!(schema_before.len(), 92);
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
    assert_eq!(db.table_names().await, current_table_names());
    assert_eq!(dump_rows_except(&db, "T_WC_TMDB_LIST_TYPE").await, before);
    assert_eq!(before[LEDGER].len(), 1);
}

/// Like `dump_rows`, without the table `skip`.
async fn dump_rows_except(db: &TestDb, skip: &str) -> BTreeMap<String, Vec<String>> {
    dump_rows_of(db, skip, migration::schema_2026_08::TABLES).await
}

/// Every row of each table of `defs` the database holds (but `skip`), over the columns `defs`
/// gives it, rendered as text, in a stable order.
async fn dump_rows_of(
    db: &TestDb,
    skip: &str,
    defs: &[migration::schema::TableDef],
) -> BTreeMap<String, Vec<String>> {
    let present = db.table_names().await;
    let conn = db.connect().await;
    let mut out = BTreeMap::new();
    for table in defs
        .iter()
        .filter(|t| t.name != skip && present.iter().any(|p| p == t.name))
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

/// up creates the 92 tables with exact names; each down (confirmed) rolls back the last
/// migration; up again rebuilds; fresh empties.
async fn down_up_round_trip(backend: Backend) {
    let Some(db) = TestDb::create(backend, "roundtrip").await else {
        return;
    };
    assert_eq!(migration_status(&db).await, first_applied(0));

    crawler_ok(&db.url, &["migrate", "up"]);
    assert_eq!(db.table_names().await, current_table_names());
    let mysql_before = if backend == Backend::MySql {
        Some(mysql_schema::read(&db.connect().await, &db.name).await)
    } else {
        None
    };
    assert!(migration_applied(&db).await);

    // The 2026-08 migration first: its new tables go, and the columns it added to the older
    // ones; the ledger is the previous migration's.
    crawler_ok(&db.url, &["migrate", "down", "--yes"]);
    let older: Vec<String> = {
        let mut names: Vec<String> = migration::reference_2025_07::TABLES
            .iter()
            .map(|t| t.name.to_owned())
            .filter(|n| current_table_names().contains(n))
            .chain([LEDGER.to_owned()])
            .collect();
        names.sort();
        names
    };
    assert_eq!(db.table_names().await, older);
    assert_eq!(migration_status(&db).await, first_applied(2));
    let movie_columns = db.tables_with_column("TIM_VIDEOS_COMPLETED").await;
    assert!(movie_columns.is_empty(), "{movie_columns:?}");

    crawler_ok(&db.url, &["migrate", "down", "--yes"]);
    crawler_ok(&db.url, &["migrate", "down", "--yes"]);
    assert_eq!(db.table_names().await, Vec::<String>::new());
    assert_eq!(migration_status(&db).await, first_applied(0));

    crawler_ok(&db.url, &["migrate", "up"]);
    assert_eq!(db.table_names().await, current_table_names());
    assert!(migration_applied(&db).await);
    if let Some(before) = mysql_before {
        let after = mysql_schema::read(&db.connect().await, &db.name).await;
        assert!(mysql_schema::differences(&before, &after).is_empty());
    }

    insert_sample_rows(&db).await;
    crawler_ok(&db.url, &["migrate", "fresh", "--yes"]);
    assert_eq!(db.table_names().await, current_table_names());
    assert!(migration_applied(&db).await);
    let rows = dump_rows(&db).await;
    assert_eq!(rows.len(), 92);
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
    for table in migration::schema_2026_08::TABLES {
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
                    "SELECT name AS n FROM pragma_table_xinfo(?) ORDER BY cid",
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

/// Rows that put the upgrade to the test: a language code too long for 2026-08's
/// `varchar(2)`, one that fits, a raw-JSON column and a table 2026-08 dropped, and two rows
/// that contradict a unique key 2026-08 added.
async fn insert_upgrade_rows(db: &TestDb) {
    let conn = db.connect().await;
    let backend = db.db_backend();
    let q = |name: &str| match backend {
        DbBackend::MySql => format!("`{name}`"),
        _ => format!("\"{name}\""),
    };
    let ph = |i: usize| match backend {
        DbBackend::Postgres => format!("${i}"),
        _ => "?".to_owned(),
    };
    let insert = |table: &str, columns: &[&str]| {
        format!(
            "INSERT INTO {} ({}) VALUES ({})",
            q(table),
            columns.iter().map(|c| q(c)).collect::<Vec<_>>().join(", "),
            (1..=columns.len()).map(ph).collect::<Vec<_>>().join(", ")
        )
    };
    let statements: Vec<(String, Vec<sea_orm::Value>)> = vec![
        (
            insert("T_WC_TMDB_MOVIE_IMAGE", &["ID_MOVIE", "LANG", "IMAGE_PATH"]),
            vec![550.into(), "pt-BR".into(), "/a.jpg".into()],
        ),
        (
            insert(
                "T_WC_TMDB_SERIE",
                &["ID_SERIE", "ORIGINAL_LANGUAGE", "API_RESULT"],
            ),
            vec![1399.into(), "en".into(), r#"{"id":1399}"#.into()],
        ),
        (
            insert(
                "T_WC_WIKIDATA_MOVIE",
                &["ID_MOVIE", "ID_WIKIDATA", "ID_IMDB"],
            ),
            vec![550.into(), "Q190050".into(), "tt0137523".into()],
        ),
        (
            insert(
                "T_WC_WIKIPEDIA_PAGE_LANG_SECTION",
                &["ID_WIKIDATA", "LANG", "DISPLAY_ORDER"],
            ),
            vec!["Q190050".into(), "fr".into(), 1.into()],
        ),
        (
            insert(
                "T_WC_WIKIPEDIA_PAGE_LANG_SECTION",
                &["ID_WIKIDATA", "LANG", "DISPLAY_ORDER"],
            ),
            vec!["Q190050".into(), "fr".into(), 1.into()],
        ),
    ];
    for (sql, values) in statements {
        conn.execute_raw(Statement::from_sql_and_values(backend, &sql, values))
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"));
    }
    conn.close().await.ok();
}

/// The 2025-07 tables, as the earlier migration built them, and the ledger as the later Python
/// crawler creates it at startup.
async fn build_2025_07_database(db: &TestDb, backend: Backend) {
    let conn = db.connect().await;
    let b = db.db_backend();
    for table in migration::reference_2025_07::TABLES {
        conn.execute(&table.create_statement(b))
            .await
            .expect("create a 2025-07 table");
        for index in table.index_statements(b) {
            conn.execute(&index).await.expect("create a 2025-07 index");
        }
    }
    // As the Python crawler writes it on MariaDB; elsewhere a hand-made table without the
    // retry index.
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
    insert_ledger_row(&conn, b, "serie", 1399)
        .await
        .expect("ledger row");
    conn.close().await.ok();
}

/// A database at 2025-07 holding rows (the Python scripts' tables, the ledger the later Python
/// crawler made): `migrate up` reaches the 2026-08 schema and keeps every row and every value;
/// what 2026-08 dropped stays; a narrowing or unique key the rows contradict is left out.
async fn upgrades_a_2025_07_database_keeping_every_row(backend: Backend) {
    let Some(db) = TestDb::create(backend, "upgrade").await else {
        return;
    };
    build_2025_07_database(&db, backend).await;
    insert_sample_rows(&db).await;
    insert_upgrade_rows(&db).await;
    let mut old_defs: Vec<migration::schema::TableDef> =
        migration::reference_2025_07::TABLES.to_vec();
    old_defs.push(migration::schema_2026_08::T_WC_TMDB_ID_NOT_FOUND);
    let before = dump_rows_of(&db, "", &old_defs).await;
    assert_eq!(before.len(), 63);

    crawler_ok(&db.url, &["migrate", "up"]);

    assert!(migration_applied(&db).await);
    let mut expected_tables: Vec<String> = current_table_names();
    expected_tables.extend(migration::dropped_in_2026_08().map(|t| t.name.to_owned()));
    expected_tables.sort();
    assert_eq!(db.table_names().await, expected_tables);
    assert_eq!(
        dump_rows_of(&db, "", &old_defs).await,
        before,
        "rows changed"
    );
    assert_eq!(before[LEDGER].len(), 2);
    assert_eq!(before["T_WC_WIKIDATA_MOVIE"].len(), 1);
    // Every 2026-08 column is there, on every table.
    let conn = db.connect().await;
    for table in migration::schema_2026_08::TABLES {
        let q = |n: &str| match backend {
            Backend::MySql => format!("`{n}`"),
            _ => format!("\"{n}\""),
        };
        let columns: Vec<String> = table.columns.iter().map(|c| q(c.name)).collect();
        let sql = format!(
            "SELECT {} FROM {} LIMIT 0",
            columns.join(", "),
            q(table.name)
        );
        conn.execute_unprepared(&sql)
            .await
            .unwrap_or_else(|e| panic!("{}: {e}", table.name));
    }
    conn.close().await.ok();
    let refused = |diffs: &[String]| {
        diffs
            .iter()
            .any(|d| d.contains("T_WC_TMDB_MOVIE_IMAGE") && d.contains("varchar(20)"))
    };
    match backend {
        Backend::MySql => {
            let diffs = upgraded_differences(&db).await;
            assert_eq!(diffs.len(), 2, "{diffs:#?}");
            assert!(refused(&diffs), "{diffs:#?}");
            assert!(
                diffs
                    .iter()
                    .any(|d| d.contains("UQ_ID_WIKIDATA_LANG_DISPLAY_ORDER")),
                "{diffs:#?}"
            );
        }
        Backend::Postgres => {
            let lengths = postgres_varchar_lengths(&db).await;
            assert_eq!(
                lengths["T_WC_TMDB_MOVIE_IMAGE.LANG"], 20,
                "refused narrowing"
            );
            assert_eq!(lengths["T_WC_TMDB_COLLECTION_IMAGE.LANG"], 2);
            assert_eq!(lengths["T_WC_TMDB_SERIE.ORIGINAL_LANGUAGE"], 2);
            assert_eq!(lengths["T_WC_TMDB_SERIE.COUNTRIES"], 200);
        }
        Backend::Sqlite => {}
    }
    // The retry index a hand-made ledger lacked is added (all backends).
    let indexes = db.index_names().await;
    assert!(
        indexes
            .iter()
            .any(|i| i.ends_with("IDX_TMDB_ID_NOT_FOUND_RETRY")),
        "{indexes:?}"
    );
    if backend != Backend::MySql {
        let section =
            migration::reference_table("T_WC_WIKIPEDIA_PAGE_LANG_SECTION").expect("section table");
        let unique = section
            .indexes
            .iter()
            .find(|i| i.name == "UQ_ID_WIKIDATA_LANG_DISPLAY_ORDER")
            .expect("unique key");
        let name = section.index_name(unique, db.db_backend());
        assert!(
            !indexes.contains(&name),
            "a unique key the rows contradict was built"
        );
    }
}

/// The upgraded MariaDB schema against 2026-08, once what an upgrade keeps on purpose is set
/// aside: the dropped tables, columns and indexes (still there with their rows) and the 2025-07
/// collation.
async fn upgraded_differences(db: &TestDb) -> Vec<String> {
    let current = current_with_documented_differences();
    let actual = mysql_schema::read(&db.connect().await, &db.name).await;
    let kept: BTreeMap<String, mysql_schema::Table> = actual
        .into_iter()
        .filter_map(|(name, mut table)| {
            let want = current.get(&name)?;
            table
                .columns
                .retain(|c| want.columns.iter().any(|w| w.name == c.name));
            table.indexes.retain(|n, _| want.indexes.contains_key(n));
            table.collation = want.collation.clone();
            Some((name, table))
        })
        .collect();
    mysql_schema::differences(&current, &kept)
}

/// `table.column` → varchar length, on PostgreSQL.
async fn postgres_varchar_lengths(db: &TestDb) -> BTreeMap<String, i64> {
    let conn = db.connect().await;
    let rows = conn
        .query_all_raw(Statement::from_string(
            DbBackend::Postgres,
            "SELECT table_name::text || '.' || column_name::text AS n, \
             CAST(character_maximum_length AS BIGINT) AS l FROM information_schema.columns \
             WHERE table_schema = 'public' AND character_maximum_length IS NOT NULL",
        ))
        .await
        .expect("columns");
    rows.iter()
        .map(|r| {
            (
                r.try_get("", "n").expect("n"),
                r.try_get("", "l").expect("l"),
            )
        })
        .collect()
}

#[tokio::test]
async fn upgrades_a_2025_07_database_keeping_every_row_on_sqlite() {
    upgrades_a_2025_07_database_keeping_every_row(Backend::Sqlite).await;
}

#[tokio::test]
#[cfg_attr(
    not(tmdbc_test_mysql),
    ignore = "needs TMDB_CRAWLER_TEST_MYSQL_URL (a MariaDB server)"
)]
async fn upgrades_a_2025_07_database_keeping_every_row_on_mariadb() {
    upgrades_a_2025_07_database_keeping_every_row(Backend::MySql).await;
}

#[tokio::test]
#[cfg_attr(
    not(tmdbc_test_postgres),
    ignore = "needs TMDB_CRAWLER_TEST_POSTGRES_URL (a PostgreSQL server)"
)]
async fn upgrades_a_2025_07_database_keeping_every_row_on_postgres() {
    upgrades_a_2025_07_database_keeping_every_row(Backend::Postgres).await;
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
const NOT_SCHEMA_NAMES: [(&str, &str); 4] = [
    ("FAILED", "a value of the export-day server variable"),
    (
        "RUNNING",
        "the value of strtmdbcrawlertotalruntime during a run",
    ),
    (
        "T_WC_WIKIDATA_MOVIE_V1",
        "the Wikidata crawler's table process 23 reads where it exists",
    ),
    (
        "HOSTNAME",
        "the environment variable naming the run lock's holder",
    ),
];

#[test]
fn every_table_and_column_the_code_names_exists_in_the_reference_schema() {
    let mut names: std::collections::BTreeSet<&str> = std::collections::BTreeSet::new();
    // The 2026-08 schema, and the 2025-07 tables and columns it dropped (still written where
    // a database has them).
    for table in migration::tables().chain(migration::reference_2025_07::TABLES) {
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
