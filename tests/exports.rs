//! Processes 41-47 through the real binary: `tmdb-crawler run --process 41-47` against the fake
//! TMDb server, on SQLite always and on MariaDB / PostgreSQL when configured.

mod support;

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;
use std::process::Output;

use fake_tmdb::{ExportFault, ExportKind as FakeKind, ExportOrder, FakeTmdb, FakeTmdbConfig};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Statement};
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

/// `SELECT COUNT(*)` of `table`, again and again on one connection, until `task` ends; every
/// count (a failed query fails the test).
async fn count_while<T>(db: &TestDb, table: &str, task: &tokio::task::JoinHandle<T>) -> Vec<u64> {
    let conn = db.connect().await;
    let sql = format!("SELECT COUNT(*) AS n FROM {}", quoted(db.backend, table));
    let mut counts = Vec::new();
    while !task.is_finished() {
        let row = conn
            .query_one_raw(Statement::from_string(db.db_backend(), sql.clone()))
            .await
            .unwrap_or_else(|e| panic!("a reader of {table} failed during the import: {e}"))
            .expect("a count");
        let n: i64 = row.try_get("", "n").expect("the count");
        counts.push(u64::try_from(n).expect("a count"));
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    conn.close().await.ok();
    counts
}

fn run(fake: &FakeTmdb, db: &TestDb, args: &[&str]) -> Output {
    run_with(&fake.exports_base_url(), &db.url, args, &[])
}

/// `tmdb-crawler run <args>` with the exports at `exports`, the database at `url`, and `extra`
/// variables.
fn run_with(exports: &str, url: &str, args: &[&str], extra: &[(&str, &str)]) -> Output {
    let dir = tempfile::tempdir().expect("temporary directory");
    let mut all = vec!["run"];
    all.extend_from_slice(args);
    let mut env = vec![
        ("TMDB_CRAWLER_DATABASE_URL", url),
        ("TMDB_CRAWLER_EXPORTS_BASE_URL", exports),
    ];
    env.extend_from_slice(extra);
    crawler(dir.path(), &all, &env)
}

/// `(runs, spilled_bytes)` of the crawler's "export sorted by id" log line, if any.
fn sort_spill(stderr: &str) -> Option<(u64, u64)> {
    let line = stderr.lines().find(|l| l.contains("export sorted by id"))?;
    let field = |name: &str| {
        line.split_whitespace()
            .find_map(|f| f.strip_prefix(name))
            .and_then(|v| v.parse().ok())
            .unwrap_or_else(|| panic!("no {name} in {line}"))
    };
    Some((field("runs="), field("spilled_bytes=")))
}

/// The bytes README's sort spills for these export lines: 5 a line, 8 more with a popularity,
/// 2 plus the name's UTF-8 bytes (cut at 200 characters) with a name.
fn spill_size(lines: &[serde_json::Value]) -> u64 {
    lines
        .iter()
        .map(|line| {
            let popularity = if line["popularity"].is_number() { 8 } else { 0 };
            let name = line["name"]
                .as_str()
                .map_or(0, |n| 2 + n.chars().take(200).collect::<String>().len());
            (5 + popularity + name) as u64
        })
        .sum()
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
    let mut out = BTreeMap::new();
    for value in served_lines(url) {
        let id = value["id"].as_i64().expect("id");
        assert!(
            out.insert(id, value[column].as_str().map(str::to_owned))
                .is_none(),
            "id {id} twice in the file"
        );
    }
    out
}

/// The export file at `url` as served (downloaded and gunzipped here), line by line.
fn served_lines(url: &str) -> Vec<serde_json::Value> {
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
    fake_tmdb::gunzip_lines(&gz)
        .expect("a gzip file")
        .iter()
        .map(|line| serde_json::from_str(line).expect("export line"))
        .collect()
}

fn date(text: &str) -> chrono::NaiveDate {
    text.parse().expect("a date")
}

async fn server_var(db: &TestDb, name: &str) -> Option<String> {
    let conn = db.connect().await;
    let value = server_var_on(&conn, db.backend, name).await;
    conn.close().await.ok();
    value
}

async fn server_var_on(conn: &DatabaseConnection, backend: Backend, name: &str) -> Option<String> {
    let (sql, backend) = match backend {
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

/// `strtmdbcrawlertmdbid<kind><what>`, the kind spelt as in its file name (`tv_series`).
fn kind_var(kind: FakeKind, what: &str) -> String {
    let stem = kind
        .file_prefix()
        .strip_suffix("_ids")
        .expect("an `_ids` file");
    format!("strtmdbcrawlertmdbid{stem}{what}")
}

/// `strtmdbcrawlertmdbid<kind><what>` of the seven kinds.
async fn kind_vars(db: &TestDb, what: &str) -> BTreeMap<FakeKind, Option<String>> {
    let conn = db.connect().await;
    let mut out = BTreeMap::new();
    for (kind, ..) in KINDS {
        let value = server_var_on(&conn, db.backend, &kind_var(kind, what)).await;
        out.insert(kind, value);
    }
    conn.close().await.ok();
    out
}

/// Sets a server variable behind the crawler's back, or removes it with `None`.
async fn set_server_var(db: &TestDb, name: &str, value: Option<&str>) {
    let conn = db.connect().await;
    let q = |n: &str| quoted(db.backend, n);
    let p = |n: usize| match db.backend {
        Backend::Postgres => format!("${n}"),
        _ => "?".to_owned(),
    };
    let delete = format!(
        "DELETE FROM {} WHERE {} = {}",
        q("T_WC_SERVER_VARIABLE"),
        q("VAR_NAME"),
        p(1)
    );
    conn.execute_raw(Statement::from_sql_and_values(
        db.db_backend(),
        delete,
        [name.into()],
    ))
    .await
    .expect("delete a server variable");
    if let Some(value) = value {
        let insert = format!(
            "INSERT INTO {} ({}, {}, {}) VALUES ({}, {}, 0)",
            q("T_WC_SERVER_VARIABLE"),
            q("VAR_NAME"),
            q("VAR_VALUE"),
            q("DELETED"),
            p(1),
            p(2)
        );
        conn.execute_raw(Statement::from_sql_and_values(
            db.db_backend(),
            insert,
            [name.into(), value.into()],
        ))
        .await
        .expect("insert a server variable");
    }
    conn.close().await.ok();
}

/// The crawler's clock as it writes datetime variables, to the second: local time of its
/// default time zone, Europe/Paris (its runs here get no configuration file and no
/// `TMDB_CRAWLER_TIMEZONE`).
fn crawler_now() -> String {
    chrono::Utc::now()
        .with_timezone(&chrono_tz::Europe::Paris)
        .format("%Y-%m-%d %H:%M:%S")
        .to_string()
}

/// Every kind's `…importdate` lies in `[from, to]` (datetimes as [`crawler_now`] writes them;
/// their text sorts as they do).
fn assert_imported_between(
    import_dates: &BTreeMap<FakeKind, Option<String>>,
    from: &str,
    to: &str,
) {
    for (kind, value) in import_dates {
        let value = value
            .as_deref()
            .unwrap_or_else(|| panic!("{kind:?}: no importdate"));
        assert!(
            from <= value && value <= to,
            "{kind:?}: importdate {value} is not the time of the import ({from} to {to})"
        );
    }
}

/// The summary line of process `number` in a run's output.
fn process_line(stdout: &str, number: u16) -> &str {
    let prefix = format!("{number:>2} ");
    let lines: Vec<&str> = stdout.lines().filter(|l| l.starts_with(&prefix)).collect();
    assert_eq!(lines.len(), 1, "one line for process {number}: {stdout}");
    lines[0]
}

/// Two-column rows (`a`, `b`) of a catalogue query about `table`.
async fn pairs(
    conn: &DatabaseConnection,
    backend: DbBackend,
    sql: &str,
    table: &str,
) -> Vec<(String, String)> {
    conn.query_all_raw(Statement::from_sql_and_values(backend, sql, [table.into()]))
        .await
        .unwrap_or_else(|e| panic!("{sql} ({table}): {e}"))
        .iter()
        .map(|r| {
            let a: Option<String> = r.try_get("", "a").expect("column a");
            let b: Option<String> = r.try_get("", "b").expect("column b");
            (a.unwrap_or_default(), b.unwrap_or_default())
        })
        .collect()
}

/// The primary key and the indexes of each import table, as the database describes them
/// (names and definitions), after checking the key is `id` (on PostgreSQL named
/// `<table>_pkey`). `None` on MariaDB, whose import tables are compared with the reference.
async fn keys_and_indexes(db: &TestDb) -> Option<BTreeMap<&'static str, Vec<String>>> {
    if db.backend == Backend::MySql {
        return None;
    }
    let conn = db.connect().await;
    let backend = db.db_backend();
    let mut out = BTreeMap::new();
    for (_, table, _, _) in KINDS {
        let mut described = Vec::new();
        if db.backend == Backend::Postgres {
            let key = pairs(
                &conn,
                backend,
                "SELECT tc.constraint_name::text AS a, kcu.column_name::text AS b \
                 FROM information_schema.table_constraints tc \
                 JOIN information_schema.key_column_usage kcu \
                 ON kcu.constraint_schema = tc.constraint_schema \
                 AND kcu.constraint_name = tc.constraint_name \
                 AND kcu.table_name = tc.table_name \
                 WHERE tc.table_schema = current_schema() AND tc.table_name = $1 \
                 AND tc.constraint_type = 'PRIMARY KEY' ORDER BY kcu.ordinal_position",
                table,
            )
            .await;
            assert_eq!(
                key,
                [(format!("{table}_pkey"), "id".to_owned())],
                "{table}: primary key"
            );
            described.extend(key.iter().map(|(c, col)| format!("key {c} ({col})")));
            let indexes = pairs(
                &conn,
                backend,
                "SELECT indexname::text AS a, indexdef::text AS b FROM pg_indexes \
                 WHERE schemaname = current_schema() AND tablename = $1 ORDER BY indexname",
                table,
            )
            .await;
            described.extend(indexes.iter().map(|(n, def)| format!("index {n}: {def}")));
        } else {
            let key = pairs(
                &conn,
                backend,
                "SELECT name AS a, CAST(pk AS TEXT) AS b FROM pragma_table_info(?) \
                 WHERE pk > 0 ORDER BY pk",
                table,
            )
            .await;
            assert_eq!(
                key,
                [("id".to_owned(), "1".to_owned())],
                "{table}: primary key"
            );
            described.extend(key.iter().map(|(col, _)| format!("key ({col})")));
            let indexes = pairs(
                &conn,
                backend,
                "SELECT il.name AS a, 'unique ' || il.\"unique\" || ', origin ' || il.origin \
                 || ', partial ' || il.partial || ': ' || COALESCE(m.sql, '') AS b \
                 FROM pragma_index_list(?) il \
                 LEFT JOIN sqlite_master m ON m.type = 'index' AND m.name = il.name \
                 ORDER BY il.name",
                table,
            )
            .await;
            for (name, def) in indexes {
                let columns: Vec<String> = pairs(
                    &conn,
                    backend,
                    "SELECT name AS a, CAST(seqno AS TEXT) AS b FROM pragma_index_info(?) \
                     ORDER BY seqno",
                    &name,
                )
                .await
                .into_iter()
                .map(|(column, _)| column)
                .collect();
                described.push(format!("index {name} ({}) {def}", columns.join(", ")));
            }
        }
        out.insert(table, described);
    }
    conn.close().await.ok();
    Some(out)
}

/// The import tables still have the key and indexes `migrate up` gave them.
async fn assert_keys_and_indexes(
    db: &TestDb,
    migrated: &Option<BTreeMap<&'static str, Vec<String>>>,
    when: &str,
) {
    if let Some(migrated) = migrated {
        let now = keys_and_indexes(db)
            .await
            .expect("a key and index description");
        for (table, described) in migrated {
            assert_eq!(
                &now[table], described,
                "{when}: {table} lost, renamed or changed its key or an index on {:?}",
                db.backend
            );
        }
    }
}

/// What the fake generates for the first `lines` lines of `kind`, as JSON values to edit.
fn generated_lines(fake: &FakeTmdb, kind: FakeKind, lines: u64) -> Vec<serde_json::Value> {
    let catalogue = fake.catalogue();
    (0..lines)
        .map(|index| {
            let mut line = Vec::new();
            catalogue.write_export_line(kind, index, &mut line);
            serde_json::from_slice(&line).expect("export line")
        })
        .collect()
}

/// Has the fake serve `lines` (each without its newline), gzip'd, as the `kind` file of
/// `day`: `prepare_exports` makes it serve the files found in `dir` as they are (when the kind
/// has no fault set), and generate the others.
fn serve_file(fake: &FakeTmdb, dir: &Path, kind: FakeKind, day: &str, lines: &[Vec<u8>]) {
    fake.prepare_exports(dir, date(day), &[])
        .expect("serve export files from a directory");
    let file = std::fs::File::create(dir.join(kind.file_name(date(day)))).expect("export file");
    let mut gz = flate2::write::GzEncoder::new(file, flate2::Compression::fast());
    for line in lines {
        gz.write_all(line).expect("write export line");
        gz.write_all(b"\n").expect("write export line");
    }
    gz.finish().expect("finish export file");
}

/// A name of `chars` characters of 1 to 4 UTF-8 bytes, quotes and backslashes among them.
fn long_name(chars: usize, seed: usize) -> String {
    const ALPHABET: [char; 7] = ['a', 'é', '語', '🎬', '"', '\\', 'Z'];
    (0..chars)
        .map(|i| ALPHABET[(i + seed) % ALPHABET.len()])
        .collect()
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
    // The key and indexes `migrate up` gives the import tables, which no import may lose or
    // rename (PostgreSQL and SQLite; MariaDB's are compared with the reference below).
    let migrated = keys_and_indexes(&db).await;
    if let Some(migrated) = &migrated {
        for (table, described) in migrated {
            assert!(
                described.iter().any(|d| d.starts_with("index ")),
                "{table} has no index to check: {described:?}"
            );
        }
    }
    // At least ten lines per file: the duplicate-id fault repeats every tenth line.
    let mut config = FakeTmdbConfig::default();
    config.sizes.collections = 12;
    config.sizes.networks = 12;
    let fake = FakeTmdb::start(config);
    // Files in no order at all, as TMDb's come.
    fake.knobs.set_export_order(ExportOrder::Shuffled(7));

    // 1. A full import: every line becomes a row, text byte-exact.
    let started = crawler_now();
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
    // Each kind records the day it holds, when it was imported, and when its load began and
    // ended: within the run, the start before the end.
    let ended = crawler_now();
    assert_imported_between(&kind_vars(&db, "importdate").await, &started, &ended);
    let starts = kind_vars(&db, "startdate").await;
    let ends = kind_vars(&db, "enddate").await;
    assert_imported_between(&starts, &started, &ended);
    assert_imported_between(&ends, &started, &ended);
    for (kind, start) in &starts {
        assert!(
            start <= &ends[kind],
            "{kind:?}: started {start:?}, ended {:?}",
            ends[kind]
        );
    }
    for (kind, day) in kind_vars(&db, "exportdate").await {
        assert_eq!(day.as_deref(), Some("2026-11-20"), "{kind:?}");
    }
    assert_keys_and_indexes(&db, &migrated, "after the first import").await;
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
        let reference = support::mysql_schema::current();
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
    assert_keys_and_indexes(&db, &migrated, "after a second import").await;

    // 4. Every kind of bad file leaves the previous import in place, with a clear error.
    let kept = all_import_tables(&db).await;
    // A failed day records neither its day nor an import time: each kind keeps the day it
    // holds, and an import time no run could write (set here, so a failure writing "now" is
    // seen even within the second of the last import).
    let held_days = kind_vars(&db, "exportdate").await;
    for (kind, day) in &held_days {
        let expected = if *kind == FakeKind::Keyword {
            "2026-11-21"
        } else {
            "2026-11-20"
        };
        assert_eq!(day.as_deref(), Some(expected), "{kind:?}");
    }
    const NEVER_IMPORTED: &str = "2000-01-01 00:00:00";
    for (kind, ..) in KINDS {
        set_server_var(&db, &kind_var(kind, "importdate"), Some(NEVER_IMPORTED)).await;
    }
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
        assert_eq!(
            kind_vars(&db, "exportdate").await,
            held_days,
            "{fault:?} changed a kind's export day"
        );
        for (kind, value) in kind_vars(&db, "importdate").await {
            assert_eq!(
                value.as_deref(),
                Some(NEVER_IMPORTED),
                "{fault:?} changed {kind:?}'s importdate"
            );
        }
    }
    assert_keys_and_indexes(&db, &migrated, "after failed imports").await;
    for (kind, ..) in KINDS {
        fake.knobs.set_export_fault(kind, None);
    }
    let started = crawler_now();
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
    assert_imported_between(
        &kind_vars(&db, "importdate").await,
        &started,
        &crawler_now(),
    );
    for (kind, day) in kind_vars(&db, "exportdate").await {
        assert_eq!(day.as_deref(), Some("2026-11-28"), "{kind:?}");
    }
    assert_keys_and_indexes(&db, &migrated, "after the import of a later day").await;

    // A kind whose own export day is not older is skipped, whatever the global date says
    // (absent, or older than the day asked): nothing is downloaded, nothing changes.
    let persons = table_texts(&db, "T_WC_TMDB_PERSON_ID_IMPORT", "name").await;
    let person_imported = server_var(&db, &kind_var(FakeKind::Person, "importdate")).await;
    // (the global date before, the day asked, the global date after)
    let cases = [
        (None, "2026-11-25", "2026-11-28"),
        (Some("2026-11-01"), "2026-11-28", "2026-11-28"),
        (Some("2026-12-01"), "2026-11-28", "2026-12-01"),
    ];
    for (global, day, global_after) in cases {
        set_server_var(&db, "strtmdbcrawlertmdbidimportdate", global).await;
        let before = fake.requests_to("/p/exports");
        let out = run(&fake, &db, &["--process", "42", "--export-date", day]);
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "{stdout}{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            process_line(&stdout, 42).contains("skipped"),
            "{day} with the global date {global:?}: {stdout}"
        );
        assert_eq!(
            fake.requests_to("/p/exports"),
            before,
            "{day} with the global date {global:?} was downloaded"
        );
        assert_eq!(
            server_var(&db, &kind_var(FakeKind::Person, "exportdate"))
                .await
                .as_deref(),
            Some("2026-11-28")
        );
        assert_eq!(
            server_var(&db, &kind_var(FakeKind::Person, "importdate")).await,
            person_imported
        );
        assert!(table_texts(&db, "T_WC_TMDB_PERSON_ID_IMPORT", "name").await == persons);
        // The global date is the newest day every kind holds, and never goes back.
        assert_eq!(
            server_var(&db, "strtmdbcrawlertmdbidimportdate")
                .await
                .as_deref(),
            Some(global_after),
            "{day} with the global date {global:?}"
        );
    }

    // 5. A shuffled person file larger than the crawler's in-memory sort run (100,000 rows):
    // sorted through temporary files where the backend loads by id, and whole.
    // Meanwhile a reader counts the person import again and again: the swap is one step, so
    // each count is the old table's or the new one's, and none fails.
    let old_count = table_texts(&db, "T_WC_TMDB_PERSON_ID_IMPORT", "name")
        .await
        .len();
    fake.knobs.set_export_size(FakeKind::Person, Some(250_000));
    let person_args = ["--process", "42", "--export-date", "2026-11-28", "--force"];
    // The sort's runs go to TMPDIR (an anonymous file each, so none is ever left there).
    let spill_dir = tempfile::tempdir().expect("a TMPDIR for the sort");
    let spill_path = spill_dir.path().to_str().expect("a UTF-8 path").to_owned();
    if backend == Backend::MySql {
        let missing = format!("{spill_path}/missing");
        let refused = run_with(
            &fake.exports_base_url(),
            &db.url,
            &person_args,
            &[("TMPDIR", &missing)],
        );
        let stdout = String::from_utf8_lossy(&refused.stdout);
        assert_eq!(refused.status.code(), Some(1), "{stdout}");
        assert!(
            stdout.contains("temporary sort file"),
            "a TMPDIR that does not exist: {stdout}"
        );
        assert_eq!(
            table_texts(&db, "T_WC_TMDB_PERSON_ID_IMPORT", "name")
                .await
                .len(),
            old_count,
            "a failed sort changed the person import"
        );
    }
    let importing = {
        let (exports, url, tmp) = (fake.exports_base_url(), db.url.clone(), spill_path.clone());
        tokio::task::spawn_blocking(move || {
            run_with(&exports, &url, &person_args, &[("TMPDIR", tmp.as_str())])
        })
    };
    let counts = count_while(&db, "T_WC_TMDB_PERSON_ID_IMPORT", &importing).await;
    let out = importing.await.expect("the import's thread");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let seen: std::collections::BTreeSet<u64> = counts.iter().copied().collect();
    assert!(
        seen.iter().all(|n| [old_count as u64, 250_000].contains(n)),
        "a reader saw a person import of neither {old_count} nor 250000 rows: {seen:?}"
    );
    assert!(
        counts.len() >= 5,
        "only {} counts during the import",
        counts.len()
    );
    let stored = table_texts(&db, "T_WC_TMDB_PERSON_ID_IMPORT", "name").await;
    assert_eq!(stored.len(), 250_000);
    let url = fake.export_url(FakeKind::Person, date("2026-11-28"));
    let served = served_texts(&url, "name");
    assert_eq!(served.len(), 250_000);
    // MariaDB loads by id: the crawler sorted the file in three runs on disk, of the size the
    // README gives, and left nothing in TMPDIR. The others load as filed, without sorting.
    let spill = sort_spill(&String::from_utf8_lossy(&out.stderr));
    if backend == Backend::MySql {
        assert_eq!(spill, Some((3, spill_size(&served_lines(&url)))));
    } else {
        assert_eq!(spill, None, "{backend:?} sorted the file");
    }
    let left: Vec<_> = std::fs::read_dir(spill_dir.path())
        .expect("the TMPDIR")
        .collect();
    assert!(left.is_empty(), "files left in TMPDIR: {left:?}");
    assert!(
        stored == served,
        "the large shuffled person import differs from the file served"
    );
    assert_keys_and_indexes(&db, &migrated, "after a large import").await;
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

/// README promises of the exports: a file with at most 0.1 % unparsable lines is imported
/// without them (1 in 2,000; 1 in 1,000, the boundary) and one with more is refused (1 in 999,
/// 2 in 1,000), keeping the previous import; `include_adult` adds the `adult_*` file to its kind
/// (not even downloaded without it); a value longer than its column is cut at the column
/// length in characters, and counted.
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

    // 0.1 % exactly: 1 unparsable line in 1,000 is imported without it.
    fake.knobs.set_export_size(FakeKind::Keyword, Some(1_000));
    let out = run(
        &fake,
        &db,
        &["--process", "45", "--export-date", "2026-11-21"],
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        stdout.contains("imported 999 rows from 1000 lines (1 unparsable"),
        "{stdout}"
    );
    let keywords = table_texts(&db, "T_WC_TMDB_KEYWORD_ID_IMPORT", "name").await;
    assert_eq!(keywords.len(), 999);
    let generated = expected_texts_of(&fake, FakeKind::Keyword, "name", 1_000);
    assert!(
        keywords.iter().all(|(id, t)| generated.get(id) == Some(t)),
        "the keyword import is not the file's lines"
    );
    // Just over 0.1 %: 1 in 999, then 2 in 1,000 (a file written here, lines 250 and 750
    // broken), are refused, and the import of 1,000 lines stays.
    fake.knobs.set_export_size(FakeKind::Keyword, Some(999));
    let served_dir = tempfile::tempdir().expect("temporary directory");
    for (day, refusal) in [
        ("2026-11-22", "1 of 999 lines are unparsable"),
        ("2026-11-23", "2 of 1000 lines are unparsable"),
    ] {
        if day == "2026-11-23" {
            fake.knobs.set_export_fault(FakeKind::Keyword, None);
            let lines: Vec<Vec<u8>> = generated_lines(&fake, FakeKind::Keyword, 1_000)
                .iter()
                .enumerate()
                .map(|(i, line)| match i {
                    250 | 750 => format!("{{\"id\":{},\"name\":\"broken", line["id"]).into_bytes(),
                    _ => serde_json::to_vec(line).expect("a JSON line"),
                })
                .collect();
            serve_file(&fake, served_dir.path(), FakeKind::Keyword, day, &lines);
        }
        let out = run(&fake, &db, &["--process", "45", "--export-date", day]);
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert_eq!(out.status.code(), Some(1), "{day}: {stdout}");
        let line = process_line(&stdout, 45);
        assert!(
            line.contains("FAILED") && line.contains(refusal),
            "{day}: {stdout}"
        );
        assert!(
            table_texts(&db, "T_WC_TMDB_KEYWORD_ID_IMPORT", "name").await == keywords,
            "{day}: the refused file changed the keyword import"
        );
        assert_eq!(
            server_var(&db, "strtmdbcrawlertmdbidkeywordcount")
                .await
                .as_deref(),
            Some("FAILED")
        );
        assert_eq!(
            server_var(&db, "strtmdbcrawlertmdbidkeywordexportdate")
                .await
                .as_deref(),
            Some("2026-11-21")
        );
    }

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

    // Over-long values: person names are cut at 200 characters, the others (collections here)
    // at 250; a name of exactly the column's characters but more bytes stays whole. Every third
    // line of files written here gets a name around the limit.
    let day = "2026-11-24";
    for (kind, max) in [(FakeKind::Person, 200), (FakeKind::Collection, 250)] {
        let lengths = [max - 1, max, max + 1, max + 57, 3 * max];
        let lines = fake.catalogue().default_export_lines(kind).max(40);
        let lines: Vec<Vec<u8>> = generated_lines(&fake, kind, lines)
            .into_iter()
            .enumerate()
            .map(|(i, mut line)| {
                if i % 3 == 0 {
                    line["name"] = long_name(lengths[(i / 3) % lengths.len()], i).into();
                }
                serde_json::to_vec(&line).expect("a JSON line")
            })
            .collect();
        serve_file(&fake, served_dir.path(), kind, day, &lines);
    }
    let out = run(&fake, &db, &["--process", "42,43", "--export-date", day]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    for (kind, table, number, max) in [
        (FakeKind::Person, "T_WC_TMDB_PERSON_ID_IMPORT", 42, 200),
        (
            FakeKind::Collection,
            "T_WC_TMDB_COLLECTION_ID_IMPORT",
            43,
            250,
        ),
    ] {
        let served = served_texts(&fake.export_url(kind, date(day)), "name");
        let names = || served.values().flatten();
        let over = names().filter(|t| t.chars().count() > max).count();
        assert!(over > 0, "{kind:?}: no over-long name served");
        assert!(
            names().any(|t| t.chars().count() == max && t.len() > max),
            "{kind:?}: no name of {max} characters and more bytes served"
        );
        assert!(
            process_line(&stdout, number).contains(&format!(
                "imported {n} rows from {n} lines (0 unparsable, {over} cut)",
                n = served.len()
            )),
            "{kind:?}: {over} values should be counted cut: {stdout}"
        );
        let cut: BTreeMap<i64, Option<String>> = served
            .iter()
            .map(|(id, t)| (*id, t.as_ref().map(|t| t.chars().take(max).collect())))
            .collect();
        assert!(
            table_texts(&db, table, "name").await == cut,
            "{kind:?}: the import is not the served names cut at {max} characters"
        );
    }
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
