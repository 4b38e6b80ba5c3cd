//! Processes 41-47 through the real binary: `tmdb-crawler run --process 41-47` against the fake
//! TMDb server, on SQLite always and on MariaDB / PostgreSQL when configured.

mod support;

use std::collections::BTreeMap;
use std::process::Output;

use fake_tmdb::{ExportFault, ExportKind as FakeKind, ExportOrder, FakeTmdb, FakeTmdbConfig};
use sea_orm::{ConnectionTrait, DbBackend, Statement};
use support::db::{Backend, TestDb};
use support::{crawler, crawler_ok};

/// (fake export kind, import table, text column, process number)
const KINDS: [(FakeKind, &str, &str, u16); 7] = [
    (
        FakeKind::Movie,
        "T_WC_TMDB_MOVIE_ID_IMPORT",
        "original_title",
        41,
    ),
    (FakeKind::Person, "T_WC_TMDB_PERSON_ID_IMPORT", "name", 42),
    (
        FakeKind::Collection,
        "T_WC_TMDB_COLLECTION_ID_IMPORT",
        "name",
        43,
    ),
    (
        FakeKind::TvSeries,
        "T_WC_TMDB_TV_SERIE_ID_IMPORT",
        "original_name",
        44,
    ),
    (FakeKind::Keyword, "T_WC_TMDB_KEYWORD_ID_IMPORT", "name", 45),
    (
        FakeKind::TvNetwork,
        "T_WC_TMDB_TV_NETWORK_ID_IMPORT",
        "name",
        46,
    ),
    (
        FakeKind::ProductionCompany,
        "T_WC_TMDB_PRODUCTION_COMPANY_ID_IMPORT",
        "name",
        47,
    ),
];

fn run(fake: &FakeTmdb, db: &TestDb, args: &[&str]) -> Output {
    let dir = tempfile::tempdir().expect("temporary directory");
    let exports = fake.exports_base_url();
    let mut all = vec!["run"];
    all.extend_from_slice(args);
    crawler(
        dir.path(),
        &all,
        &[
            ("TMDB_CRAWLER_DATABASE_URL", db.url.as_str()),
            ("TMDB_CRAWLER_EXPORTS_BASE_URL", exports.as_str()),
        ],
    )
}

fn quoted(backend: Backend, name: &str) -> String {
    match backend {
        Backend::MySql => format!("`{name}`"),
        _ => format!("\"{name}\""),
    }
}

/// id -> text of an import table.
async fn table_texts(db: &TestDb, table: &str, column: &str) -> BTreeMap<i64, Option<String>> {
    let conn = db.connect().await;
    let sql = format!(
        "SELECT {} AS id, {} AS t FROM {}",
        quoted(db.backend, "id"),
        quoted(db.backend, column),
        quoted(db.backend, table)
    );
    let rows = conn
        .query_all_raw(Statement::from_string(db.db_backend(), sql))
        .await
        .expect("select import table");
    rows.iter()
        .map(|r| {
            let id: i32 = r.try_get("", "id").expect("id");
            (
                i64::from(id),
                r.try_get::<Option<String>>("", "t").expect("text"),
            )
        })
        .collect()
}

/// What the export file of `kind` holds, decoded by serde_json: id -> text.
fn expected_texts(fake: &FakeTmdb, kind: FakeKind, column: &str) -> BTreeMap<i64, Option<String>> {
    let lines = fake
        .knobs
        .export_size(kind)
        .unwrap_or_else(|| fake.catalogue().default_export_lines(kind));
    expected_texts_of(fake, kind, column, lines)
}

/// The first `lines` export lines of `kind`, decoded by serde_json: id -> text.
fn expected_texts_of(
    fake: &FakeTmdb,
    kind: FakeKind,
    column: &str,
    lines: u64,
) -> BTreeMap<i64, Option<String>> {
    let catalogue = fake.catalogue();
    let mut out = BTreeMap::new();
    for index in 0..lines {
        let mut line = Vec::new();
        catalogue.write_export_line(kind, index, &mut line);
        let value: serde_json::Value = serde_json::from_slice(&line).expect("export line");
        let id = value["id"].as_i64().expect("id");
        out.insert(id, value[column].as_str().map(str::to_owned));
    }
    out
}

/// The export file at `url` as served (downloaded and gunzipped here): id -> text.
fn served_texts(url: &str, column: &str) -> BTreeMap<i64, Option<String>> {
    let url = url.to_owned();
    let gz = std::thread::spawn(move || {
        actix_rt::System::new().block_on(async move {
            let mut response = awc::Client::default()
                .get(&url)
                .send()
                .await
                .unwrap_or_else(|e| panic!("GET {url}: {e}"));
            assert_eq!(response.status().as_u16(), 200, "GET {url}");
            response
                .body()
                .limit(512 * 1024 * 1024)
                .await
                .unwrap_or_else(|e| panic!("body of {url}: {e}"))
        })
    })
    .join()
    .expect("download thread");
    let mut out = BTreeMap::new();
    for line in fake_tmdb::gunzip_lines(&gz).expect("a gzip file") {
        let value: serde_json::Value = serde_json::from_str(&line).expect("export line");
        let id = value["id"].as_i64().expect("id");
        assert!(
            out.insert(id, value[column].as_str().map(str::to_owned))
                .is_none(),
            "id {id} twice in the file"
        );
    }
    out
}

fn date(text: &str) -> chrono::NaiveDate {
    text.parse().expect("a date")
}

async fn server_var(db: &TestDb, name: &str) -> Option<String> {
    let conn = db.connect().await;
    let (sql, backend) = match db.backend {
        Backend::Postgres => (
            "SELECT \"VAR_VALUE\" AS v FROM \"T_WC_SERVER_VARIABLE\" WHERE \"VAR_NAME\" = $1",
            DbBackend::Postgres,
        ),
        Backend::MySql => (
            "SELECT `VAR_VALUE` AS v FROM `T_WC_SERVER_VARIABLE` WHERE `VAR_NAME` = ?",
            DbBackend::MySql,
        ),
        Backend::Sqlite => (
            "SELECT \"VAR_VALUE\" AS v FROM \"T_WC_SERVER_VARIABLE\" WHERE \"VAR_NAME\" = ?",
            DbBackend::Sqlite,
        ),
    };
    let rows = conn
        .query_all_raw(Statement::from_sql_and_values(backend, sql, [name.into()]))
        .await
        .expect("server variable");
    assert!(rows.len() <= 1, "{name} is stored {} times", rows.len());
    rows.first().map(|r| {
        r.try_get::<Option<String>>("", "v")
            .expect("value")
            .unwrap_or_default()
    })
}

async fn all_import_tables(db: &TestDb) -> BTreeMap<&'static str, BTreeMap<i64, Option<String>>> {
    let mut out = BTreeMap::new();
    for (_, table, column, _) in KINDS {
        out.insert(table, table_texts(db, table, column).await);
    }
    out
}

async fn scenario(backend: Backend) {
    let Some(db) = TestDb::create(backend, "exports").await else {
        return;
    };
    crawler_ok(&db.url, &["migrate", "up"]);
    // At least ten lines per file: the duplicate-id fault repeats every tenth line.
    let mut config = FakeTmdbConfig::default();
    config.sizes.collections = 12;
    config.sizes.networks = 12;
    let fake = FakeTmdb::start(config);
    // Files in no order at all, as TMDb's come.
    fake.knobs.set_export_order(ExportOrder::Shuffled(7));

    // 1. A full import: every line becomes a row, text byte-exact.
    let out = run(
        &fake,
        &db,
        &["--process", "41-47", "--export-date", "2026-11-20"],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut awkward = 0;
    for (kind, table, column, _) in KINDS {
        let expected = expected_texts(&fake, kind, column);
        assert!(!expected.is_empty());
        let stored = table_texts(&db, table, column).await;
        assert_eq!(stored, expected, "{table}");
        awkward += expected
            .values()
            .flatten()
            .filter(|t| t.contains('"') || t.contains('\\') || t.contains('🎬'))
            .count();
    }
    assert!(
        awkward > 0,
        "the catalogue has no quotes, backslashes or emoji to check"
    );
    if backend == Backend::MySql {
        // The rebuilt import tables keep the reference's indexes, less the repeated
        // `popularity_2` of the person import.
        let conn = db.connect().await;
        let actual = support::mysql_schema::read(&conn, &db.name).await;
        let reference = support::mysql_schema::reference();
        for (_, table, _, _) in KINDS {
            let mut expected = reference[table].indexes.clone();
            if table == "T_WC_TMDB_PERSON_ID_IMPORT" {
                assert!(expected.remove("popularity_2").is_some());
            }
            assert_eq!(actual[table].indexes, expected, "{table}");
        }
        conn.close().await.ok();
    }
    assert_eq!(
        server_var(&db, "strtmdbcrawlertmdbidimportdate")
            .await
            .as_deref(),
        Some("2026-11-20")
    );
    let movies = expected_texts(&fake, FakeKind::Movie, "original_title").len();
    assert_eq!(
        server_var(&db, "strtmdbcrawlertmdbidmoviecount").await,
        Some(movies.to_string())
    );
    assert_eq!(
        server_var(&db, "strtmdbcrawlerprocessesexecuted")
            .await
            .as_deref(),
        Some("41, 42, 43, 44, 45, 46, 47, ")
    );

    // 2. The same day again: nothing is downloaded, unless --force.
    let before = fake.requests_to("/p/exports");
    let out = run(
        &fake,
        &db,
        &["--process", "41-47", "--export-date", "2026-11-20"],
    );
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains("skipped"));
    assert_eq!(fake.requests_to("/p/exports"), before);
    let out = run(
        &fake,
        &db,
        &["--process", "45", "--export-date", "2026-11-20", "--force"],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(fake.requests_to("/p/exports"), before + 1);

    // 3. Columns the export does not carry keep their values.
    let conn = db.connect().await;
    let keyword = *expected_texts(&fake, FakeKind::Keyword, "name")
        .keys()
        .next()
        .expect("a keyword");
    let set_flag = format!(
        "UPDATE {} SET {} = 1 WHERE {} = {keyword}",
        quoted(backend, "T_WC_TMDB_KEYWORD_ID_IMPORT"),
        quoted(backend, "USED_FOR_SIMILARITY"),
        quoted(backend, "id")
    );
    conn.execute_unprepared(&set_flag).await.expect("set flag");
    let out = run(
        &fake,
        &db,
        &["--process", "45", "--export-date", "2026-11-21"],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let flag = conn
        .query_one_raw(Statement::from_string(
            db.db_backend(),
            format!(
                "SELECT {} AS f FROM {} WHERE {} = {keyword}",
                quoted(backend, "USED_FOR_SIMILARITY"),
                quoted(backend, "T_WC_TMDB_KEYWORD_ID_IMPORT"),
                quoted(backend, "id")
            ),
        ))
        .await
        .expect("select flag")
        .expect("keyword row");
    assert_eq!(flag.try_get::<Option<i32>>("", "f").expect("flag"), Some(1));

    // 4. Every kind of bad file leaves the previous import in place, with a clear error.
    let kept = all_import_tables(&db).await;
    let faults = [
        (ExportFault::CorruptGzip, "gzip"),
        (ExportFault::TruncatedGzip, "gzip"),
        (ExportFault::Missing, "404"),
        (ExportFault::InvalidJsonLine, "unparsable"),
        (ExportFault::DuplicateIds, "duplicate"),
        (ExportFault::Empty, "no lines"),
    ];
    for (i, (fault, message)) in faults.into_iter().enumerate() {
        for (kind, ..) in KINDS {
            fake.knobs.set_export_fault(kind, Some(fault));
        }
        let date = format!("2026-11-{}", 22 + i);
        let out = run(&fake, &db, &["--process", "41-47", "--export-date", &date]);
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert_eq!(out.status.code(), Some(1), "{fault:?}: {stdout}");
        assert_eq!(stdout.matches("FAILED").count(), 7, "{fault:?}: {stdout}");
        assert!(stdout.contains(message), "{fault:?}: {stdout}");
        assert_eq!(
            all_import_tables(&db).await,
            kept,
            "{fault:?} changed an import table"
        );
        assert_eq!(
            server_var(&db, "strtmdbcrawlertmdbidpersoncount")
                .await
                .as_deref(),
            Some("FAILED")
        );
        assert_eq!(
            server_var(&db, "strtmdbcrawlertmdbidimportdate")
                .await
                .as_deref(),
            Some("2026-11-20"),
            "a failed day was recorded as imported"
        );
    }
    for (kind, ..) in KINDS {
        fake.knobs.set_export_fault(kind, None);
    }
    let out = run(
        &fake,
        &db,
        &["--process", "41-47", "--export-date", "2026-11-28"],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        server_var(&db, "strtmdbcrawlertmdbidimportdate")
            .await
            .as_deref(),
        Some("2026-11-28")
    );

    // 5. A shuffled person file larger than the crawler's in-memory sort run (100,000 rows):
    // sorted through temporary files where the backend loads by id, and whole.
    fake.knobs.set_export_size(FakeKind::Person, Some(250_000));
    let out = run(
        &fake,
        &db,
        &["--process", "42", "--export-date", "2026-11-28", "--force"],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stored = table_texts(&db, "T_WC_TMDB_PERSON_ID_IMPORT", "name").await;
    assert_eq!(stored.len(), 250_000);
    let served = served_texts(
        &fake.export_url(FakeKind::Person, date("2026-11-28")),
        "name",
    );
    assert_eq!(served.len(), 250_000);
    assert!(
        stored == served,
        "the large shuffled person import differs from the file served"
    );
}

#[tokio::test]
async fn exports_on_sqlite() {
    scenario(Backend::Sqlite).await;
}

#[tokio::test]
#[cfg_attr(
    not(tmdbc_test_mysql),
    ignore = "needs TMDB_CRAWLER_TEST_MYSQL_URL (a MariaDB server)"
)]
async fn exports_on_mariadb() {
    scenario(Backend::MySql).await;
}

#[tokio::test]
#[cfg_attr(
    not(tmdbc_test_postgres),
    ignore = "needs TMDB_CRAWLER_TEST_POSTGRES_URL (a PostgreSQL server)"
)]
async fn exports_on_postgres() {
    scenario(Backend::Postgres).await;
}

/// Two README promises of the exports: a file with at most 0.1 % unparsable lines is imported
/// without them (here 1 in 2,000), and `include_adult` adds the `adult_*` file to its kind
/// (not even downloaded without it).
async fn tolerance_and_adult_files(backend: Backend) {
    let Some(db) = TestDb::create(backend, "exports_edges").await else {
        return;
    };
    crawler_ok(&db.url, &["migrate", "up"]);
    let fake = FakeTmdb::start(FakeTmdbConfig::default());
    fake.knobs.set_export_size(FakeKind::Keyword, Some(2_000));
    fake.knobs
        .set_export_fault(FakeKind::Keyword, Some(ExportFault::InvalidJsonLine));
    let out = run(
        &fake,
        &db,
        &["--process", "45", "--export-date", "2026-11-20"],
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("imported 1999 rows from 2000 lines (1 unparsable"),
        "{stdout}"
    );
    let keywords = table_texts(&db, "T_WC_TMDB_KEYWORD_ID_IMPORT", "name").await;
    assert_eq!(keywords.len(), 1_999);

    let adult_lines = 25;
    fake.knobs
        .set_export_size(FakeKind::AdultMovie, Some(adult_lines));
    run_ok_here(
        &fake,
        &db,
        &["--process", "41", "--export-date", "2026-11-20"],
        &[],
    );
    let movies = table_texts(&db, "T_WC_TMDB_MOVIE_ID_IMPORT", "original_title").await;
    assert_eq!(fake.requests_to("/p/exports/adult_movie_ids"), 0);
    run_ok_here(
        &fake,
        &db,
        &["--process", "41", "--export-date", "2026-11-21"],
        &[("TMDB_CRAWLER_INCLUDE_ADULT", "true")],
    );
    let with_adult = table_texts(&db, "T_WC_TMDB_MOVIE_ID_IMPORT", "original_title").await;
    assert_eq!(fake.requests_to("/p/exports/adult_movie_ids"), 1);
    assert_eq!(
        with_adult.len(),
        movies.len() + adult_lines as usize,
        "the adult file's movies did not join the import on {backend:?}"
    );
    assert!(movies.keys().all(|id| with_adult.contains_key(id)));
}

fn run_ok_here(fake: &FakeTmdb, db: &TestDb, args: &[&str], extra: &[(&str, &str)]) {
    let dir = tempfile::tempdir().expect("temporary directory");
    let exports = fake.exports_base_url();
    let mut all = vec!["run"];
    all.extend_from_slice(args);
    let mut env = vec![
        ("TMDB_CRAWLER_DATABASE_URL", db.url.as_str()),
        ("TMDB_CRAWLER_EXPORTS_BASE_URL", exports.as_str()),
    ];
    env.extend_from_slice(extra);
    let out = crawler(dir.path(), &all, &env);
    assert!(
        out.status.success(),
        "{args:?}: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

#[tokio::test]
async fn bad_lines_within_0_1_percent_and_adult_files_on_sqlite() {
    tolerance_and_adult_files(Backend::Sqlite).await;
}

#[tokio::test]
#[cfg_attr(
    not(tmdbc_test_mysql),
    ignore = "needs TMDB_CRAWLER_TEST_MYSQL_URL (a MariaDB server)"
)]
async fn bad_lines_within_0_1_percent_and_adult_files_on_mariadb() {
    tolerance_and_adult_files(Backend::MySql).await;
}

#[tokio::test]
#[cfg_attr(
    not(tmdbc_test_postgres),
    ignore = "needs TMDB_CRAWLER_TEST_POSTGRES_URL (a PostgreSQL server)"
)]
async fn bad_lines_within_0_1_percent_and_adult_files_on_postgres() {
    tolerance_and_adult_files(Backend::Postgres).await;
}

#[test]
fn api_processes_without_credentials_are_refused_before_anything_runs() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let out = crawler(dir.path(), &["run", "--process", "41,2"], &[]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("process 2 calls the TMDb API: set api_key or api_token"),
        "{stderr}"
    );
    assert!(
        !dir.path().join("data").exists(),
        "the database was touched"
    );
}
