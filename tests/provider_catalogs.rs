//! Process 19 end to end: `tmdb-crawler run --process 19`, the real binary against the fake
//! TMDb and a real database (SQLite always; MariaDB / PostgreSQL when
//! `TMDB_CRAWLER_TEST_MYSQL_URL` / `TMDB_CRAWLER_TEST_POSTGRES_URL` are set).
//!
//! 1. A first run makes exactly 2 requests and stores the rows derived here from the fake's
//!    JSON (membership, regions in TMDb's order, identities with the movie values first,
//!    catalogue state, server variables); a provider no catalogue lists is marked deleted,
//!    a stored membership TMDb no longer lists is removed.
//! 2. A second identical run makes 2 requests and changes no row but the state's completion.
//! 3. For every malformed movie catalogue: exit code 1, the stored movie rows kept as they
//!    were, the TV catalogue written all the same.

mod support;

use std::collections::BTreeMap;

use fake_tmdb::{CatalogFault, FakeTmdb, FakeTmdbConfig, Kind, watch_provider_catalog_json};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query, SimpleExpr};
use sea_orm::{ConnectionTrait, DatabaseConnection, Value};
use serde_json::Value as Json;
use support::binary::{describe, run, run_ok};
use support::crawler_ok;
use support::db::{Backend, TestDb};
use support::rows::{Cell, Hint, all_rows};
use tmdb_crawler::store::server_vars;

const PROVIDER: &str = "T_WC_TMDB_WATCH_PROVIDER";
const CATALOG: &str = "T_WC_TMDB_WATCH_PROVIDER_CATALOG";
const REGION: &str = "T_WC_TMDB_WATCH_PROVIDER_REGION";
const STATE: &str = "T_WC_TMDB_WATCH_PROVIDER_CATALOG_STATE";
/// In no catalogue of the fake: seeded live, must end `DELETED = 1`.
const RETIRED: i32 = 99_999;
/// Seeded as a movie membership the fake does not list: must be removed.
const DROPPED: i32 = 77_777;

fn env(fake: &FakeTmdb, db: &TestDb) -> Vec<(String, String)> {
    [
        ("TMDB_CRAWLER_DATABASE_URL", db.url.clone()),
        ("TMDB_CRAWLER_API_BASE_URL", fake.base_url.clone()),
        ("TMDB_CRAWLER_API_KEY", fake.api_key.clone()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect()
}

async fn insert(conn: &DatabaseConnection, table: &str, cells: &[(&str, Value)]) {
    let mut q = Query::insert();
    q.into_table(Alias::new(table))
        .columns(cells.iter().map(|(c, _)| Alias::new(*c)));
    q.values(cells.iter().map(|(_, v)| SimpleExpr::from(v.clone())))
        .expect("values");
    conn.execute(&q)
        .await
        .unwrap_or_else(|e| panic!("insert into {table}: {e}"));
}

async fn delete_where(conn: &DatabaseConnection, table: &str, column: &str, value: &str) {
    let q = Query::delete()
        .from_table(Alias::new(table))
        .and_where(Expr::col(Alias::new(column)).eq(value))
        .to_owned();
    conn.execute(&q)
        .await
        .unwrap_or_else(|e| panic!("delete from {table}: {e}"));
}

fn int(v: i64) -> Cell {
    Cell::I(v)
}

fn text(v: &Json) -> Cell {
    Cell::json_str(v)
}

/// The fake's two catalogues, as it serves them, with their `CONTENT_TYPE`.
fn catalogues() -> [(&'static str, Vec<Json>); 2] {
    let results = |kind| {
        watch_provider_catalog_json(kind, None)["results"]
            .as_array()
            .cloned()
            .expect("results")
    };
    [
        ("movie", results(Kind::Movie)),
        ("serie", results(Kind::Tv)),
    ]
}

/// `(ID_PROVIDER, CONTENT_TYPE, PROVIDER_NAME, LOGO_PATH, DISPLAY_ORDER, DELETED)`, from the JSON.
fn expected_membership(content: Option<&str>) -> Vec<Vec<Cell>> {
    let mut rows = Vec::new();
    for (content_type, results) in catalogues() {
        if content.is_some_and(|c| c != content_type) {
            continue;
        }
        for (i, p) in results.iter().enumerate() {
            rows.push(vec![
                Cell::json_int(&p["provider_id"]),
                Cell::s(content_type),
                text(&p["provider_name"]),
                text(&p["logo_path"]),
                int(i as i64 + 1),
                int(0),
            ]);
        }
    }
    sorted(rows)
}

/// `(ID_PROVIDER, CONTENT_TYPE, COUNTRY_CODE, PROVIDER_DISPLAY_PRIORITY, DISPLAY_ORDER)`; the
/// order is the body's, which the fake writes sorted by country.
fn expected_regions(content: Option<&str>) -> Vec<Vec<Cell>> {
    let mut rows = Vec::new();
    for (content_type, results) in catalogues() {
        if content.is_some_and(|c| c != content_type) {
            continue;
        }
        for p in &results {
            let priorities = p["display_priorities"].as_object().expect("an object");
            for (i, (country, priority)) in priorities.iter().enumerate() {
                rows.push(vec![
                    Cell::json_int(&p["provider_id"]),
                    Cell::s(content_type),
                    Cell::s(country),
                    Cell::json_int(priority),
                    int(i as i64 + 1),
                ]);
            }
        }
    }
    sorted(rows)
}

/// `(ID_PROVIDER, PROVIDER_NAME, LOGO_PATH, DISPLAY_ORDER, DELETED)`: every listed provider
/// with its movie values when the movie catalogue lists it, and the retired one.
fn expected_identities() -> Vec<Vec<Cell>> {
    let mut by_id: BTreeMap<i64, Vec<Cell>> = BTreeMap::new();
    for (_, results) in catalogues() {
        for (i, p) in results.iter().enumerate() {
            let id = p["provider_id"].as_i64().expect("an id");
            by_id.entry(id).or_insert_with(|| {
                vec![
                    int(id),
                    text(&p["provider_name"]),
                    text(&p["logo_path"]),
                    int(i as i64 + 1),
                    int(0),
                ]
            });
        }
    }
    let mut rows: Vec<Vec<Cell>> = by_id.into_values().collect();
    rows.push(vec![
        int(RETIRED.into()),
        Cell::s("Gone"),
        Cell::Null,
        Cell::Null,
        int(1),
    ]);
    sorted(rows)
}

fn sorted(mut rows: Vec<Vec<Cell>>) -> Vec<Vec<Cell>> {
    rows.sort_by(|a, b| a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal));
    rows
}

const MEMBERSHIP_COLUMNS: [(&str, Hint); 6] = [
    ("ID_PROVIDER", Hint::Int),
    ("CONTENT_TYPE", Hint::Text),
    ("PROVIDER_NAME", Hint::Text),
    ("LOGO_PATH", Hint::Text),
    ("DISPLAY_ORDER", Hint::Int),
    ("DELETED", Hint::Int),
];
const REGION_COLUMNS: [(&str, Hint); 5] = [
    ("ID_PROVIDER", Hint::Int),
    ("CONTENT_TYPE", Hint::Text),
    ("COUNTRY_CODE", Hint::Text),
    ("PROVIDER_DISPLAY_PRIORITY", Hint::Int),
    ("DISPLAY_ORDER", Hint::Int),
];
const IDENTITY_COLUMNS: [(&str, Hint); 5] = [
    ("ID_PROVIDER", Hint::Int),
    ("PROVIDER_NAME", Hint::Text),
    ("LOGO_PATH", Hint::Text),
    ("DISPLAY_ORDER", Hint::Int),
    ("DELETED", Hint::Int),
];

/// Every column of a table, for "nothing changed" comparisons.
fn every_column(table: &str) -> Vec<(&'static str, Hint)> {
    let audit = [
        ("DELETED", Hint::Int),
        ("DISPLAY_ORDER", Hint::Int),
        ("ID_CREATOR", Hint::Int),
        ("DAT_CREAT", Hint::Date),
        ("ID_OWNER", Hint::Int),
        ("TIM_UPDATED", Hint::DateTime),
        ("ID_USER_UPDATED", Hint::Int),
    ];
    let own: &[(&str, Hint)] = match table {
        PROVIDER => &[
            ("ID_PROVIDER", Hint::Int),
            ("PROVIDER_NAME", Hint::Text),
            ("LOGO_PATH", Hint::Text),
            ("TIM_PROVIDER_UPDATED", Hint::DateTime),
        ],
        CATALOG => &[
            ("ID_ROW", Hint::Int),
            ("ID_PROVIDER", Hint::Int),
            ("CONTENT_TYPE", Hint::Text),
            ("PROVIDER_NAME", Hint::Text),
            ("LOGO_PATH", Hint::Text),
            ("TIM_PROVIDER_UPDATED", Hint::DateTime),
        ],
        REGION => &[
            ("ID_ROW", Hint::Int),
            ("ID_PROVIDER", Hint::Int),
            ("CONTENT_TYPE", Hint::Text),
            ("COUNTRY_CODE", Hint::Text),
            ("PROVIDER_DISPLAY_PRIORITY", Hint::Int),
            ("TIM_PROVIDER_UPDATED", Hint::DateTime),
        ],
        _ => &[
            ("CONTENT_TYPE", Hint::Text),
            ("PROVIDER_COUNT", Hint::Int),
            ("REGION_RELATION_COUNT", Hint::Int),
            ("TIM_COMPLETED", Hint::DateTime),
        ],
    };
    own.iter().copied().chain(audit).collect()
}

async fn dump(db: &TestDb, conn: &DatabaseConnection, table: &str) -> Vec<Vec<Cell>> {
    all_rows(db, conn, table, &every_column(table)).await
}

/// Rows whose `CONTENT_TYPE` (column 2 of membership/region dumps) is `content`.
fn of_type(rows: &[Vec<Cell>], content: &str) -> Vec<Vec<Cell>> {
    rows.iter()
        .filter(|r| r.get(2) == Some(&Cell::s(content)))
        .cloned()
        .collect()
}

async fn var(conn: &DatabaseConnection, name: &str) -> String {
    server_vars::get(conn, name)
        .await
        .expect("read a server variable")
        .unwrap_or_default()
}

fn routes(fake: &FakeTmdb) -> BTreeMap<String, u64> {
    fake.route_counts().into_iter().collect()
}

async fn seed(conn: &DatabaseConnection) {
    insert(
        conn,
        PROVIDER,
        &[
            ("ID_PROVIDER", Value::Int(Some(RETIRED))),
            ("PROVIDER_NAME", Value::String(Some("Gone".into()))),
            ("DELETED", Value::Int(Some(0))),
        ],
    )
    .await;
    insert(
        conn,
        CATALOG,
        &[
            ("ID_PROVIDER", Value::Int(Some(DROPPED))),
            ("CONTENT_TYPE", Value::String(Some("movie".into()))),
            ("PROVIDER_NAME", Value::String(Some("Dropped".into()))),
            ("DELETED", Value::Int(Some(0))),
        ],
    )
    .await;
}

/// Run 1: two requests, the rows of both catalogues.
async fn first_run(db: &TestDb, conn: &DatabaseConnection, fake: &FakeTmdb) {
    let out = run_ok(&env(fake, db), &["run", "--process", "19"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("19 watchprovidercatalogs: movie:"),
        "{stdout}"
    );
    assert_eq!(
        routes(fake),
        BTreeMap::from([
            ("/3/watch/providers/movie".to_owned(), 1),
            ("/3/watch/providers/tv".to_owned(), 1),
        ]),
        "exactly one request per catalogue"
    );
    let b = db.backend;
    let membership = all_rows(db, conn, CATALOG, &MEMBERSHIP_COLUMNS).await;
    assert_eq!(membership, expected_membership(None), "{CATALOG} on {b:?}");
    let regions = all_rows(db, conn, REGION, &REGION_COLUMNS).await;
    assert_eq!(regions, expected_regions(None), "{REGION} on {b:?}");
    let identities = all_rows(db, conn, PROVIDER, &IDENTITY_COLUMNS).await;
    assert_eq!(identities, expected_identities(), "{PROVIDER} on {b:?}");
    let state = all_rows(
        db,
        conn,
        STATE,
        &[
            ("CONTENT_TYPE", Hint::Text),
            ("PROVIDER_COUNT", Hint::Int),
            ("REGION_RELATION_COUNT", Hint::Int),
            ("TIM_COMPLETED", Hint::DateTime),
        ],
    )
    .await;
    assert_eq!(state.len(), 2, "{state:?}");
    for (row, content) in state.iter().zip(["movie", "serie"]) {
        let count = |rows: Vec<Vec<Cell>>| int(rows.len() as i64);
        assert_eq!(row[0], Cell::s(content));
        assert_eq!(row[1], count(expected_membership(Some(content))));
        assert_eq!(row[2], count(expected_regions(Some(content))));
        let name = format!("strtmdbcrawlerwatchprovidercatalog{content}updated");
        assert_eq!(row[3], Cell::D(var(conn, &name).await), "{name} on {b:?}");
    }
}

/// Run 2, identical: two requests, no row changed but the state's completion.
async fn second_run(db: &TestDb, conn: &DatabaseConnection, fake: &FakeTmdb) {
    let before: Vec<_> = snapshot_all(db, conn).await;
    // The completion time is to the second: a new second shows the state was written again.
    std::thread::sleep(std::time::Duration::from_millis(1_100));
    fake.reset_counters();
    run_ok(&env(fake, db), &["run", "--process", "19"]);
    assert_eq!(fake.requests_to("/3/"), 2, "{:?}", routes(fake));
    let after: Vec<_> = snapshot_all(db, conn).await;
    for (table, (b, a)) in [PROVIDER, CATALOG, REGION]
        .iter()
        .zip(before.iter().zip(&after))
    {
        assert_eq!(b, a, "{table} changed on {:?}", db.backend);
    }
    let (state_before, state_after) = (&before[3], &after[3]);
    assert_eq!(state_before.len(), state_after.len());
    for (b, a) in state_before.iter().zip(state_after) {
        // CONTENT_TYPE, counts the same; TIM_COMPLETED later.
        assert_eq!(b[..3], a[..3]);
        assert!(a[3] > b[3], "TIM_COMPLETED not advanced: {b:?} -> {a:?}");
    }
}

async fn snapshot_all(db: &TestDb, conn: &DatabaseConnection) -> Vec<Vec<Vec<Cell>>> {
    let mut out = Vec::new();
    for table in [PROVIDER, CATALOG, REGION, STATE] {
        out.push(dump(db, conn, table).await);
    }
    out
}

/// Run 3, once per fault: the malformed movie catalogue keeps its rows, the TV one (removed
/// beforehand, as if never fetched) is written.
async fn malformed_movie_catalogue(db: &TestDb, conn: &DatabaseConnection, fake: &FakeTmdb) {
    let movie_var = "strtmdbcrawlerwatchprovidercatalogmovieupdated";
    for fault in CatalogFault::ALL {
        for table in [CATALOG, REGION, STATE] {
            delete_where(conn, table, "CONTENT_TYPE", "serie").await;
        }
        let movie_before = of_type(&dump(db, conn, CATALOG).await, "movie");
        let regions_before = of_type(&dump(db, conn, REGION).await, "movie");
        let stamp_before = var(conn, movie_var).await;
        fake.knobs.set_catalog_fault(Kind::Movie, Some(fault));
        fake.reset_counters();
        let out = run(&env(fake, db), &["run", "--process", "19"]);
        fake.knobs.set_catalog_fault(Kind::Movie, None);
        let what = format!("{fault:?} on {:?}: {}", db.backend, describe(&out));
        assert_eq!(out.status.code(), Some(1), "{what}");
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            stdout.contains("movie: REJECTED, stored one kept"),
            "{what}"
        );
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("provider catalogue rejected"), "{what}");
        assert_eq!(fake.requests_to("/3/"), 2, "{what}");
        assert_eq!(
            of_type(&dump(db, conn, CATALOG).await, "movie"),
            movie_before,
            "{what}"
        );
        assert_eq!(
            of_type(&dump(db, conn, REGION).await, "movie"),
            regions_before,
            "{what}"
        );
        assert_eq!(var(conn, movie_var).await, stamp_before, "{what}");
        let membership = all_rows(db, conn, CATALOG, &MEMBERSHIP_COLUMNS).await;
        assert_eq!(membership, expected_membership(None), "{what}");
        let regions = all_rows(db, conn, REGION, &REGION_COLUMNS).await;
        assert_eq!(regions, expected_regions(None), "{what}");
        let states = all_rows(db, conn, STATE, &[("CONTENT_TYPE", Hint::Text)]).await;
        assert_eq!(states, [[Cell::s("movie")], [Cell::s("serie")]], "{what}");
    }
}

async fn provider_catalogues(backend: Backend) {
    let Some(db) = TestDb::create(backend, "cat").await else {
        return;
    };
    crawler_ok(&db.url, &["migrate", "up"]);
    let conn = db.connect().await;
    seed(&conn).await;
    let fake = FakeTmdb::start(FakeTmdbConfig::default());
    first_run(&db, &conn, &fake).await;
    second_run(&db, &conn, &fake).await;
    malformed_movie_catalogue(&db, &conn, &fake).await;
}

#[tokio::test]
async fn provider_catalogues_on_sqlite() {
    provider_catalogues(Backend::Sqlite).await;
}

#[tokio::test]
#[cfg_attr(
    not(tmdbc_test_mysql),
    ignore = "needs TMDB_CRAWLER_TEST_MYSQL_URL (a MariaDB server)"
)]
async fn provider_catalogues_on_mariadb() {
    provider_catalogues(Backend::MySql).await;
}

#[tokio::test]
#[cfg_attr(
    not(tmdbc_test_postgres),
    ignore = "needs TMDB_CRAWLER_TEST_POSTGRES_URL (a PostgreSQL server)"
)]
async fn provider_catalogues_on_postgres() {
    provider_catalogues(Backend::Postgres).await;
}
