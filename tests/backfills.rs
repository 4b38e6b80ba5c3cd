//! Processes 34-36 (backfill release dates and watch providers of titles stored before them)
//! end to end: the real binary against the fake TMDb, on SQLite always and on MariaDB /
//! PostgreSQL when `TMDB_CRAWLER_TEST_MYSQL_URL` / `TMDB_CRAWLER_TEST_POSTGRES_URL` are set.
//!
//! 1. Titles crawled whole, then turned into what a pre-2026 crawler left (stamps NULL, no
//!    snapshot rows, and, to see that nothing else is written, no videos nor neighbours and
//!    old stamps): each backfill costs one request per title carrying only its append, stores
//!    the rows derived here from the fake's JSON, and changes nothing else, not a column of the
//!    title (a local edit survives) nor a row of another table. A title TMDb answers 34 for
//!    goes to the ledger and stays. A second run selects nothing; a malformed snapshot keeps
//!    the stored rows and the title unstamped (exit 1) until TMDb serves it right; an empty
//!    one clears and stamps.
//! 2. Cap and order across selection pages (500 ids a page): 1,300 candidates among rows the
//!    selection must skip, a cap of 700: the 700 most popular (ties by id, no popularity last)
//!    are done first, the rest on the next run, then nothing.

mod support;

use std::collections::BTreeSet;

use fake_tmdb::{CatalogueSizes, FakeTmdb, FakeTmdbConfig, Kind, Req, SnapshotFault};
use sea_orm::sea_query::{Alias, Query, SimpleExpr};
use sea_orm::{ConnectionTrait, DatabaseConnection, Statement, Value};
use serde_json::Value as Json;
use support::binary::{describe, run, run_ok};
use support::crawler_ok;
use support::db::{Backend, TestDb};
use support::rows::{assert_rows, quoted};
use support::snapshot_rows::{release_dates, watch_providers};

const OLD_STAMP: &str = "2001-01-01 00:00:00";

/// [`OLD_STAMP`] as a bound value (PostgreSQL refuses text for a timestamp parameter).
fn old_stamp() -> Value {
    Value::from(
        chrono::NaiveDateTime::parse_from_str(OLD_STAMP, "%Y-%m-%d %H:%M:%S").expect("stamp"),
    )
}
const LEDGER: &str = "T_WC_TMDB_ID_NOT_FOUND";

fn crawler_env(fake: &FakeTmdb, db: &TestDb, extra: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut env: Vec<(String, String)> = [
        ("TMDB_CRAWLER_DATABASE_URL", db.url.as_str()),
        ("TMDB_CRAWLER_API_BASE_URL", fake.base_url.as_str()),
        ("TMDB_CRAWLER_API_KEY", fake.api_key.as_str()),
        ("TMDB_CRAWLER_RATE_LIMIT_PER_SECOND", "1000"),
        ("TMDB_CRAWLER_MAX_IN_FLIGHT", "8"),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v.to_owned()))
    .collect();
    let exports = fake.exports_base_url();
    env.push(("TMDB_CRAWLER_EXPORTS_BASE_URL".to_owned(), exports));
    env.extend(
        extra
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned())),
    );
    env
}

// ---- database helpers ---------------------------------------------------------------------

async fn exec(conn: &DatabaseConnection, sql: String) {
    conn.execute_unprepared(&sql)
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
}

async fn ints(db: &TestDb, conn: &DatabaseConnection, sql: String) -> Vec<i64> {
    conn.query_all_raw(Statement::from_string(db.db_backend(), sql.clone()))
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
        .iter()
        .map(|r| {
            r.try_get_by_index::<i64>(0)
                .or_else(|_| r.try_get_by_index::<i32>(0).map(i64::from))
                .expect("an integer")
        })
        .collect()
}

/// Every row of `table` as text, every column but `except`, sorted.
async fn all_rows(
    db: &TestDb,
    conn: &DatabaseConnection,
    table: &str,
    except: &[&str],
) -> Vec<Vec<Option<String>>> {
    let text = match db.backend {
        Backend::MySql => "CHAR",
        _ => "TEXT",
    };
    let columns: Vec<String> = db
        .column_names(table)
        .await
        .into_iter()
        .filter(|c| !except.contains(&c.as_str()))
        .collect();
    let list: Vec<String> = columns
        .iter()
        .map(|c| format!("CAST({} AS {text})", quoted(db.backend, c)))
        .collect();
    let sql = format!(
        "SELECT {} FROM {}",
        list.join(", "),
        quoted(db.backend, table)
    );
    let mut rows: Vec<Vec<Option<String>>> = conn
        .query_all_raw(Statement::from_string(db.db_backend(), sql))
        .await
        .unwrap_or_else(|e| panic!("read {table}: {e}"))
        .iter()
        .map(|r| {
            (0..columns.len())
                .map(|i| r.try_get_by_index::<Option<String>>(i).expect("text"))
                .collect()
        })
        .collect();
    rows.sort();
    rows
}

/// Ids of `table` whose `column` is set (`true`) or NULL (`false`).
async fn ids_where(
    db: &TestDb,
    conn: &DatabaseConnection,
    table: &str,
    pk: &str,
    column: &str,
    set: bool,
) -> BTreeSet<i64> {
    let q = |c: &str| quoted(db.backend, c);
    let test = if set { "IS NOT NULL" } else { "IS NULL" };
    let sql = format!(
        "SELECT {} FROM {} WHERE {} {test}",
        q(pk),
        q(table),
        q(column)
    );
    ints(db, conn, sql).await.into_iter().collect()
}

async fn insert_many(conn: &DatabaseConnection, table: &str, rows: &[Vec<(&str, Value)>]) {
    for chunk in rows.chunks(200) {
        let mut q = Query::insert();
        q.into_table(Alias::new(table))
            .columns(chunk[0].iter().map(|(c, _)| Alias::new(*c)));
        for row in chunk {
            q.values(row.iter().map(|(_, v)| SimpleExpr::from(v.clone())))
                .expect("values");
        }
        conn.execute_raw(conn.get_database_backend().build(&q))
            .await
            .unwrap_or_else(|e| panic!("insert into {table}: {e}"));
    }
}

// ---- what the fake serves and was asked ---------------------------------------------------

/// The body the fake sends for a title asked with `append` alone (no language parameter).
fn payload(fake: &FakeTmdb, kind: Kind, id: i64, append: &str) -> Json {
    let catalogue = fake.catalogue();
    let index = catalogue.raw_index(kind, id as u64).expect("title id");
    let req = Req {
        language: None,
        image_languages: None,
        video_languages: None,
    };
    let json = match kind {
        Kind::Tv => catalogue.tv_json(index, &req, &[append]),
        _ => catalogue.movie_json(index, &req, &[append]),
    };
    let mut json = json;
    if let Some(fault) = fake.knobs.snapshot_fault(append)
        && let Some(block) = json.get_mut(append)
    {
        fake_tmdb::apply_snapshot_fault(block, append, fault);
    }
    json
}

/// Every request since the last reset went to a title route with exactly `[append]`; returns
/// how many went to each route.
fn requests(fake: &FakeTmdb) -> Vec<(String, Vec<String>)> {
    fake.request_log()
        .into_iter()
        .map(|r| (r.route, r.appends))
        .collect()
}

fn assert_one_append_each(fake: &FakeTmdb, expected: &[(&str, &str, usize)], what: &str) {
    let log = requests(fake);
    for (route, appends) in &log {
        assert!(
            expected
                .iter()
                .any(|(r, a, _)| r == route && appends == &vec![(*a).to_owned()]),
            "{what}: unexpected request {route} {appends:?}"
        );
    }
    for (route, append, count) in expected {
        let got = log
            .iter()
            .filter(|(r, a)| r == route && a == &vec![(*append).to_owned()])
            .count();
        assert_eq!(got, *count, "{what}: requests to {route} ({append})");
    }
}

// ---- 1. content -----------------------------------------------------------------------------

const MOVIE_SETS_EMPTIED: [&str; 4] = [
    "T_WC_TMDB_MOVIE_RELEASE_DATE",
    "T_WC_TMDB_MOVIE_WATCH_PROVIDER",
    "T_WC_TMDB_MOVIE_VIDEO",
    "T_WC_TMDB_MOVIE_SIMILAR",
];
const SERIES_SETS_EMPTIED: [&str; 3] = [
    "T_WC_TMDB_SERIE_WATCH_PROVIDER",
    "T_WC_TMDB_SERIE_VIDEO",
    "T_WC_TMDB_SERIE_SIMILAR",
];
/// Tables a backfill must leave exactly as they are.
const OTHER_TABLES: [&str; 12] = [
    "T_WC_TMDB_MOVIE_LANG",
    "T_WC_TMDB_MOVIE_GENRE",
    "T_WC_TMDB_MOVIE_KEYWORD",
    "T_WC_TMDB_MOVIE_IMAGE",
    "T_WC_TMDB_MOVIE_VIDEO",
    "T_WC_TMDB_MOVIE_SIMILAR",
    "T_WC_TMDB_MOVIE_RECOMMENDATION",
    "T_WC_TMDB_PERSON_MOVIE",
    "T_WC_TMDB_SERIE_LANG",
    "T_WC_TMDB_SERIE_VIDEO",
    "T_WC_TMDB_SERIE_SIMILAR",
    "T_WC_TMDB_PERSON_SERIE",
];

/// What a crawler before 2026-08 left: no snapshot stamps nor rows; plus no videos nor similar
/// rows, a local title edit and old stamps, which a backfill must not touch.
async fn make_pre_2026(db: &TestDb, conn: &DatabaseConnection) {
    let q = |c: &str| quoted(db.backend, c);
    for table in MOVIE_SETS_EMPTIED.iter().chain(&SERIES_SETS_EMPTIED) {
        exec(conn, format!("DELETE FROM {}", q(table))).await;
    }
    let old = [
        "TIM_UPDATED",
        "TIM_VIDEOS_COMPLETED",
        "TIM_IMAGES_COMPLETED",
    ]
    .map(|c| format!("{} = '{OLD_STAMP}'", q(c)))
    .join(", ");
    exec(
        conn,
        format!(
            "UPDATE {} SET {} = NULL, {} = NULL, {} = 'local edit', {old}",
            q("T_WC_TMDB_MOVIE"),
            q("TIM_RELEASE_DATES_COMPLETED"),
            q("TIM_WATCH_PROVIDERS_COMPLETED"),
            q("TITLE"),
        ),
    )
    .await;
    exec(
        conn,
        format!(
            "UPDATE {} SET {} = NULL, {old}",
            q("T_WC_TMDB_SERIE"),
            q("TIM_WATCH_PROVIDERS_COMPLETED"),
        ),
    )
    .await;
    exec(conn, format!("DELETE FROM {}", q(LEDGER))).await;
}

/// Every table the backfills must not change, as text (the title tables without the stamps
/// under test).
async fn untouched(db: &TestDb, conn: &DatabaseConnection) -> Vec<Vec<Vec<Option<String>>>> {
    let stamps = [
        "TIM_RELEASE_DATES_COMPLETED",
        "TIM_WATCH_PROVIDERS_COMPLETED",
    ];
    let mut all = vec![
        all_rows(db, conn, "T_WC_TMDB_MOVIE", &stamps).await,
        all_rows(db, conn, "T_WC_TMDB_SERIE", &stamps).await,
    ];
    for table in OTHER_TABLES {
        all.push(all_rows(db, conn, table, &[]).await);
    }
    all
}

async fn assert_snapshots(
    db: &TestDb,
    conn: &DatabaseConnection,
    fake: &FakeTmdb,
    (kind, table, pk): (Kind, &str, &str),
    append: &str,
    ids: &BTreeSet<i64>,
) {
    for &id in ids {
        let json = payload(fake, kind, id, append);
        let rows = match append {
            "release_dates" => release_dates(&json),
            _ => watch_providers(&json),
        };
        assert_rows(db, conn, table, pk, id, rows).await;
    }
}

const MOVIE: (Kind, &str, &str) = (Kind::Movie, "T_WC_TMDB_MOVIE_RELEASE_DATE", "ID_MOVIE");
const MOVIE_PROVIDERS: (Kind, &str, &str) =
    (Kind::Movie, "T_WC_TMDB_MOVIE_WATCH_PROVIDER", "ID_MOVIE");
const SERIES_PROVIDERS: (Kind, &str, &str) =
    (Kind::Tv, "T_WC_TMDB_SERIE_WATCH_PROVIDER", "ID_SERIE");

async fn content_on(backend: Backend) {
    let Some(db) = TestDb::create(backend, "backfills").await else {
        return;
    };
    crawler_ok(&db.url, &["migrate", "up"]);
    let fake = FakeTmdb::start(FakeTmdbConfig::default());
    let env = crawler_env(&fake, &db, &[]);
    run_ok(&env, &["run", "--process", "41,44,2,4"]);
    let conn = db.connect().await;
    let movies = ids_where(&db, &conn, "T_WC_TMDB_MOVIE", "ID_MOVIE", "ID_MOVIE", true).await;
    let series = ids_where(&db, &conn, "T_WC_TMDB_SERIE", "ID_SERIE", "ID_SERIE", true).await;
    assert!(movies.len() >= 20 && series.len() >= 10, "crawled titles");
    make_pre_2026(&db, &conn).await;
    // A movie stored long ago that TMDb has deleted since, the most popular of all.
    let gone = fake.catalogue().deleted_movie_ids()[0] as i64;
    insert_many(
        &conn,
        "T_WC_TMDB_MOVIE",
        &[vec![
            ("ID_MOVIE", Value::from(gone as i32)),
            ("TITLE", Value::from("gone")),
            ("DELETED", Value::from(0)),
            ("POPULARITY", Value::from(1.0e6)),
            ("TIM_CREDITS_COMPLETED", old_stamp()),
        ]],
    )
    .await;
    let before = untouched(&db, &conn).await;

    // 34: one request per movie with release_dates alone; the rows, the stamp, nothing else.
    fake.reset_counters();
    run_ok(&env, &["run", "--process", "34"]);
    assert_one_append_each(
        &fake,
        &[("/3/movie/{id}", "release_dates", movies.len() + 1)],
        "process 34",
    );
    assert_snapshots(&db, &conn, &fake, MOVIE, "release_dates", &movies).await;
    let stamped = |table: &'static str, pk: &'static str, column: &'static str| {
        ids_where(&db, &conn, table, pk, column, true)
    };
    let mut with_gone = movies.clone();
    with_gone.insert(gone);
    assert_eq!(
        stamped("T_WC_TMDB_MOVIE", "ID_MOVIE", "TIM_RELEASE_DATES_COMPLETED").await,
        movies,
        "every live movie stamped, the gone one not"
    );
    assert!(
        stamped(
            "T_WC_TMDB_MOVIE",
            "ID_MOVIE",
            "TIM_WATCH_PROVIDERS_COMPLETED"
        )
        .await
        .is_empty()
    );
    let ledger = format!(
        "SELECT {} FROM {} WHERE {} = 'movie'",
        quoted(db.backend, "ID_ENTITY"),
        quoted(db.backend, LEDGER),
        quoted(db.backend, "ENTITY_TYPE")
    );
    assert_eq!(ints(&db, &conn, ledger.clone()).await, vec![gone]);
    assert_eq!(
        ids_where(&db, &conn, "T_WC_TMDB_MOVIE", "ID_MOVIE", "ID_MOVIE", true).await,
        with_gone,
        "a backfill deletes no title"
    );
    assert!(
        before == untouched(&db, &conn).await,
        "34 changed other data"
    );

    // 35 and 36 likewise; the gone movie is held back by the ledger now.
    fake.reset_counters();
    run_ok(&env, &["run", "--process", "35,36"]);
    assert_one_append_each(
        &fake,
        &[
            ("/3/movie/{id}", "watch/providers", movies.len()),
            ("/3/tv/{id}", "watch/providers", series.len()),
        ],
        "processes 35, 36",
    );
    assert_snapshots(
        &db,
        &conn,
        &fake,
        MOVIE_PROVIDERS,
        "watch/providers",
        &movies,
    )
    .await;
    assert_snapshots(
        &db,
        &conn,
        &fake,
        SERIES_PROVIDERS,
        "watch/providers",
        &series,
    )
    .await;
    assert_eq!(
        stamped(
            "T_WC_TMDB_MOVIE",
            "ID_MOVIE",
            "TIM_WATCH_PROVIDERS_COMPLETED"
        )
        .await,
        movies
    );
    assert_eq!(
        stamped(
            "T_WC_TMDB_SERIE",
            "ID_SERIE",
            "TIM_WATCH_PROVIDERS_COMPLETED"
        )
        .await,
        series
    );
    assert!(
        before == untouched(&db, &conn).await,
        "35/36 changed other data"
    );
    let filled = |table: &'static str| {
        let sql = format!(
            "SELECT COUNT(DISTINCT {}) FROM {}",
            quoted(
                db.backend,
                if table.contains("SERIE") {
                    "ID_SERIE"
                } else {
                    "ID_MOVIE"
                }
            ),
            quoted(db.backend, table)
        );
        ints(&db, &conn, sql)
    };
    for table in [MOVIE.1, MOVIE_PROVIDERS.1, SERIES_PROVIDERS.1] {
        let n = filled(table).await[0];
        assert!(
            n >= 3,
            "{table}: only {n} titles have rows: the test sees little"
        );
    }

    // A second run selects nothing.
    fake.reset_counters();
    run_ok(&env, &["run", "--process", "34,35,36"]);
    assert_eq!(fake.total_requests(), 0, "{:?}", fake.route_counts());

    malformed_then_empty(&db, &conn, &fake, &env, (&movies, gone)).await;
    drop(db);
}

/// A malformed release-date snapshot keeps the stored rows and the title unstamped (exit 1)
/// until TMDb serves it right; an empty provider snapshot clears the rows and stamps.
async fn malformed_then_empty(
    db: &TestDb,
    conn: &DatabaseConnection,
    fake: &FakeTmdb,
    env: &[(String, String)],
    (movies, gone): (&BTreeSet<i64>, i64),
) {
    let q = |c: &str| quoted(db.backend, c);
    let some: BTreeSet<i64> = movies.iter().copied().take(4).collect();
    let list = some
        .iter()
        .map(i64::to_string)
        .collect::<Vec<_>>()
        .join(", ");
    exec(
        conn,
        format!(
            "UPDATE {} SET {} = NULL, {} = NULL WHERE {} IN ({list})",
            q("T_WC_TMDB_MOVIE"),
            q("TIM_RELEASE_DATES_COMPLETED"),
            q("TIM_WATCH_PROVIDERS_COMPLETED"),
            q("ID_MOVIE")
        ),
    )
    .await;
    let stored = all_rows(db, conn, MOVIE.1, &[]).await;
    fake.knobs
        .set_snapshot_fault("release_dates", Some(SnapshotFault::EntryWithoutKey));
    fake.knobs
        .set_snapshot_fault("watch/providers", Some(SnapshotFault::Empty));
    fake.reset_counters();
    let out = run(env, &["run", "--process", "34,35"]);
    assert_eq!(out.status.code(), Some(1), "{}", describe(&out));
    assert_one_append_each(
        fake,
        &[
            ("/3/movie/{id}", "release_dates", some.len()),
            ("/3/movie/{id}", "watch/providers", some.len()),
        ],
        "malformed and empty",
    );
    assert!(
        stored == all_rows(db, conn, MOVIE.1, &[]).await,
        "malformed kept the rows"
    );
    let unstamped = ids_where(
        db,
        conn,
        "T_WC_TMDB_MOVIE",
        "ID_MOVIE",
        "TIM_RELEASE_DATES_COMPLETED",
        false,
    )
    .await;
    let mut want = some.clone();
    want.insert(gone);
    assert_eq!(
        unstamped, want,
        "malformed: not stamped (nor the gone movie)"
    );
    let providers_unstamped = ids_where(
        db,
        conn,
        "T_WC_TMDB_MOVIE",
        "ID_MOVIE",
        "TIM_WATCH_PROVIDERS_COMPLETED",
        false,
    )
    .await;
    assert_eq!(
        providers_unstamped,
        BTreeSet::from([gone]),
        "empty: stamped"
    );
    for &id in &some {
        assert_rows(db, conn, MOVIE_PROVIDERS.1, "ID_MOVIE", id, Vec::new()).await;
    }

    // Served right again: stored and stamped; then nothing left.
    fake.knobs.set_snapshot_fault("release_dates", None);
    fake.knobs.set_snapshot_fault("watch/providers", None);
    fake.reset_counters();
    run_ok(env, &["run", "--process", "34,35"]);
    assert_one_append_each(
        fake,
        &[("/3/movie/{id}", "release_dates", some.len())],
        "after the fault",
    );
    assert_snapshots(db, conn, fake, MOVIE, "release_dates", &some).await;
    fake.reset_counters();
    run_ok(env, &["run", "--process", "34"]);
    assert_eq!(fake.total_requests(), 0);
}

#[tokio::test]
async fn backfills_store_only_their_snapshot_on_sqlite() {
    content_on(Backend::Sqlite).await;
}

#[tokio::test]
#[cfg_attr(
    not(tmdbc_test_mysql),
    ignore = "needs TMDB_CRAWLER_TEST_MYSQL_URL (a MariaDB server)"
)]
async fn backfills_store_only_their_snapshot_on_mariadb() {
    content_on(Backend::MySql).await;
}

#[tokio::test]
#[cfg_attr(
    not(tmdbc_test_postgres),
    ignore = "needs TMDB_CRAWLER_TEST_POSTGRES_URL (a PostgreSQL server)"
)]
async fn backfills_store_only_their_snapshot_on_postgres() {
    content_on(Backend::Postgres).await;
}

// ---- 2. cap and order -----------------------------------------------------------------------

/// Candidates of process 34 and the rows around them it must skip.
struct Seeded {
    /// The candidates in the order the selection must take them.
    order: Vec<i64>,
    skipped: BTreeSet<i64>,
}

/// `n` candidates: popularity in 90 steps (so many ties), every 13th NULL; then, among the
/// most popular, rows the selection must skip: deleted, not credit-complete, already stamped,
/// held back by the ledger.
async fn seed(conn: &DatabaseConnection, ids: &[u64], n: usize) -> Seeded {
    let popularity = |i: usize| (!i.is_multiple_of(13)).then(|| ((i * 7) % 90) as f64 / 4.0);
    let mut rows = Vec::new();
    let mut candidates: Vec<(Option<f64>, i64)> = Vec::new();
    let mut skipped = BTreeSet::new();
    let mut ledger = Vec::new();
    for (i, &id) in ids.iter().enumerate() {
        let id = id as i64;
        let mut row = vec![
            ("ID_MOVIE", Value::from(id as i32)),
            ("TITLE", Value::from(format!("m{id}"))),
            ("DELETED", Value::from(0)),
            ("POPULARITY", Value::Double(popularity(i))),
            ("TIM_CREDITS_COMPLETED", old_stamp()),
            ("TIM_RELEASE_DATES_COMPLETED", Value::ChronoDateTime(None)),
        ];
        if i < n {
            candidates.push((popularity(i), id));
        } else {
            match i % 4 {
                0 => row[2].1 = Value::from(1),
                1 => row[4].1 = Value::ChronoDateTime(None),
                2 => row[5].1 = old_stamp(),
                _ => ledger.push(vec![
                    ("ENTITY_TYPE", Value::from("movie")),
                    ("ID_ENTITY", Value::from(id as i32)),
                    (
                        "TIM_RETRY_AFTER",
                        Value::from(
                            chrono::NaiveDate::from_ymd_opt(2999, 1, 1)
                                .and_then(|d| d.and_hms_opt(0, 0, 0))
                                .expect("date"),
                        ),
                    ),
                ]),
            }
            // Very popular: they would come first if not skipped.
            row[3].1 = Value::from(1000.0);
            skipped.insert(id);
        }
        rows.push(row);
    }
    insert_many(conn, "T_WC_TMDB_MOVIE", &rows).await;
    insert_many(conn, LEDGER, &ledger).await;
    // MariaDB's `ORDER BY POPULARITY DESC, ID_MOVIE`: NULL last, ties by id.
    candidates.sort_by(|a, b| match (a.0, b.0) {
        (Some(x), Some(y)) => y.total_cmp(&x).then(a.1.cmp(&b.1)),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => a.1.cmp(&b.1),
    });
    Seeded {
        order: candidates.into_iter().map(|(_, id)| id).collect(),
        skipped,
    }
}

async fn cap_on(backend: Backend) {
    let Some(db) = TestDb::create(backend, "backfillcap").await else {
        return;
    };
    crawler_ok(&db.url, &["migrate", "up"]);
    let fake = FakeTmdb::start(FakeTmdbConfig {
        sizes: CatalogueSizes {
            movies: 1_500,
            ..CatalogueSizes::default()
        },
        ..FakeTmdbConfig::default()
    });
    let ids = fake.catalogue().movie_ids();
    let (candidates, cap) = (1_300, 700);
    assert!(ids.len() >= candidates + 40, "{} live movies", ids.len());
    let conn = db.connect().await;
    let seeded = seed(&conn, &ids[..candidates + 40], candidates).await;
    let env = crawler_env(
        &fake,
        &db,
        &[("TMDB_CRAWLER_BACKFILL_MAX_PER_RUN", &cap.to_string())],
    );
    let stamped = || {
        ids_where(
            &db,
            &conn,
            "T_WC_TMDB_MOVIE",
            "ID_MOVIE",
            "TIM_RELEASE_DATES_COMPLETED",
            true,
        )
    };
    let already: BTreeSet<i64> = stamped().await;
    let mut expected: BTreeSet<i64> = seeded.order[..cap].iter().copied().collect();
    expected.extend(&already);

    fake.reset_counters();
    run_ok(&env, &["run", "--process", "34"]);
    assert_one_append_each(
        &fake,
        &[("/3/movie/{id}", "release_dates", cap)],
        "first run",
    );
    assert!(
        stamped().await == expected,
        "the {cap} first by popularity, then id"
    );

    fake.reset_counters();
    run_ok(&env, &["run", "--process", "34"]);
    let rest = candidates - cap;
    assert_one_append_each(
        &fake,
        &[("/3/movie/{id}", "release_dates", rest)],
        "second run",
    );
    let mut all: BTreeSet<i64> = seeded.order.iter().copied().collect();
    all.extend(&already);
    assert!(
        stamped().await == all,
        "every candidate, none of the skipped"
    );
    assert!(
        seeded.skipped.iter().all(|id| !seeded.order.contains(id)),
        "the skipped rows are not candidates"
    );

    fake.reset_counters();
    run_ok(&env, &["run", "--process", "34"]);
    assert_eq!(fake.total_requests(), 0, "nothing left");
    drop(db);
}

#[tokio::test]
async fn backfill_cap_and_order_straddle_selection_pages_on_sqlite() {
    cap_on(Backend::Sqlite).await;
}

#[tokio::test]
#[cfg_attr(
    not(tmdbc_test_mysql),
    ignore = "needs TMDB_CRAWLER_TEST_MYSQL_URL (a MariaDB server)"
)]
async fn backfill_cap_and_order_straddle_selection_pages_on_mariadb() {
    cap_on(Backend::MySql).await;
}

#[tokio::test]
#[cfg_attr(
    not(tmdbc_test_postgres),
    ignore = "needs TMDB_CRAWLER_TEST_POSTGRES_URL (a PostgreSQL server)"
)]
async fn backfill_cap_and_order_straddle_selection_pages_on_postgres() {
    cap_on(Backend::Postgres).await;
}
