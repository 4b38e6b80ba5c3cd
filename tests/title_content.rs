//! The title-level content of the 2026-08 schema (release dates, watch providers, neighbours,
//! videos, alternative titles, series activity columns) through the fetchers and the DbWriter
//! against the fake TMDb, on every backend. Expected rows are derived here from the JSON the
//! fake sends, with this file's own reading of the spec (S3, S4, S5, S11), not from
//! `src/records`.

mod support;

use std::collections::BTreeMap;
use std::rc::Rc;

use actix::{Actor, Addr};
use fake_tmdb::{FakeTmdb, FakeTmdbConfig, Kind, Req, SnapshotFault};
use sea_orm::{ConnectionTrait, DatabaseConnection, Statement};
use serde_json::Value as Json;
use support::db::{Backend, TestDb};
use support::rows::{Cell, Hint, assert_rows, quoted, row, rows_where};
use support::snapshot_rows::{js, list, release_dates, utc, watch_providers};
use tmdb_crawler::actors::fetch::{
    Fetch, FetchContext, FetchKind, FetchOutcome, MovieFetcher, Movies, Series, StoredEntity,
    TvFetcher,
};
use tmdb_crawler::actors::rate_limiter::{RateLimit, RateLimiter};
use tmdb_crawler::actors::writer::{DbWriter, DeleteEntity};
use tmdb_crawler::config::Secret;
use tmdb_crawler::records::EntityKind;
use tmdb_crawler::tmdb::client::{Auth, ClientSettings, TmdbClient};

type Row = BTreeMap<String, Cell>;

/// The languages the crawler is configured with in these tests.
const LANGS: [&str; 1] = ["fr"];

/// A stamp far in the past, to see whether a write touched it.
const OLD_STAMP: &str = "2001-01-01 00:00:00";

struct Crawl {
    ctx: Rc<FetchContext>,
    conn: DatabaseConnection,
}

async fn crawl(fake: &FakeTmdb, db: &TestDb) -> Crawl {
    let conn = db.connect().await;
    {
        use sea_orm_migration::MigratorTrait;
        migration::Migrator::up(&conn, None)
            .await
            .expect("migrate up");
    }
    let limiter = RateLimiter::new(RateLimit::for_rate(
        200.try_into().expect("rate"),
        8.try_into().expect("cap"),
    ))
    .start();
    let settings = ClientSettings::new(
        fake.base_url.clone(),
        Auth::ApiKey(Secret::from(fake.api_key.as_str())),
        8,
    );
    let writer = DbWriter::connect(conn.clone(), chrono_tz::Europe::Paris)
        .await
        .expect("writer")
        .start();
    let ctx = FetchContext::new(
        TmdbClient::new(settings, limiter),
        writer,
        LANGS.iter().map(|l| (*l).to_owned()).collect(),
    );
    Crawl {
        ctx: Rc::new(ctx),
        conn,
    }
}

/// The request options the crawler sends: English, and English, French and no-language
/// images and videos.
fn req() -> Req {
    let langs = vec!["en".to_owned(), "fr".to_owned(), "null".to_owned()];
    Req {
        language: Some("en".to_owned()),
        image_languages: Some(langs.clone()),
        video_languages: Some(langs),
    }
}

fn movie_payload(fake: &FakeTmdb, id: u64) -> Json {
    let catalogue = fake.catalogue();
    let index = catalogue.raw_index(Kind::Movie, id).expect("movie id");
    catalogue.movie_json(index, &req(), Movies::APPENDS)
}

fn series_payload(fake: &FakeTmdb, id: u64) -> Json {
    let catalogue = fake.catalogue();
    let index = catalogue.raw_index(Kind::Tv, id).expect("series id");
    catalogue.tv_json(index, &req(), Series::APPENDS)
}

fn stored(outcome: FetchOutcome) -> StoredEntity {
    match outcome {
        FetchOutcome::Stored(stored) => stored,
        other => panic!("expected Stored, got {other:?}"),
    }
}

async fn fetch<A>(fetcher: &Addr<A>, id: u64) -> StoredEntity
where
    A: actix::Handler<Fetch> + Actor<Context = actix::Context<A>>,
{
    stored(
        fetcher
            .send(Fetch {
                id,
                context: "test".to_owned(),
            })
            .await
            .expect("fetcher answers"),
    )
}

// ---- expected rows ------------------------------------------------------------------------

/// S3, keyed by the video id with the video's own language (L6).
fn videos(m: &Json) -> Vec<Row> {
    list(&m["videos"]["results"])
        .iter()
        .enumerate()
        .map(|(i, v)| {
            let size = v["size"].as_i64();
            row(vec![
                ("ID_CREDIT", js(&v["id"])),
                ("DISPLAY_ORDER", Cell::I(i as i64 + 1)),
                ("LANG", js(&v["iso_639_1"])),
                ("COUNTRY_CODE", js(&v["iso_3166_1"])),
                ("VIDEO_KEY", js(&v["key"])),
                ("VIDEO_NAME", js(&v["name"])),
                ("VIDEO_SITE", js(&v["site"])),
                ("VIDEO_TYPE", js(&v["type"])),
                ("QUALITY", size.map_or(Cell::Null, Cell::I)),
                (
                    "QUALITY_TEXT",
                    size.map_or(Cell::Null, |s| Cell::S(format!("{s}p"))),
                ),
                ("DAT_PUBLISHED", utc(&v["published_at"])),
                (
                    "OFFICIAL",
                    Cell::I(i64::from(v["official"].as_bool().unwrap_or(false))),
                ),
            ])
        })
        .collect()
}

/// S11: page 1, the neighbour and its 1-based position (a repeated id ends at its last).
fn neighbours(page: &Json, column: &str) -> Vec<Row> {
    let mut positions: Vec<(i64, i64)> = Vec::new();
    for (i, item) in list(&page["results"]).iter().enumerate() {
        let id = item["id"].as_i64().expect("neighbour id");
        positions.retain(|(n, _)| *n != id);
        positions.push((id, i as i64 + 1));
    }
    positions
        .into_iter()
        .map(|(id, p)| row(vec![(column, Cell::I(id)), ("DISPLAY_ORDER", Cell::I(p))]))
        .collect()
}

fn titles(m: &Json) -> Vec<Row> {
    list(&m["alternative_titles"]["titles"])
        .iter()
        .enumerate()
        .map(|(i, t)| {
            row(vec![
                ("ISO_3166_1", js(&t["iso_3166_1"])),
                ("TITLE_TYPE", js(&t["type"])),
                ("TITLE", js(&t["title"])),
                ("DISPLAY_ORDER", Cell::I(i as i64 + 1)),
            ])
        })
        .collect()
}

fn episode(e: &Json) -> (Cell, Cell, Cell) {
    let air = e["air_date"]
        .as_str()
        .filter(|d| d.len() == 10)
        .map_or(Cell::Null, Cell::s);
    let air = match air {
        Cell::S(d) => Cell::D(d),
        other => other,
    };
    (
        air,
        Cell::json_int(&e["season_number"]),
        Cell::json_int(&e["episode_number"]),
    )
}

/// The series columns of 2026-08: `ID_TVDB` and the activity signals.
fn series_activity(s: &Json) -> Row {
    let (next_air, next_season, next_number) = episode(&s["next_episode_to_air"]);
    let (last_air, last_season, last_number) = episode(&s["last_episode_to_air"]);
    row(vec![
        ("ID_TVDB", Cell::json_int(&s["external_ids"]["tvdb_id"])),
        (
            "IN_PRODUCTION",
            s["in_production"]
                .as_bool()
                .map_or(Cell::Null, |b| Cell::I(i64::from(b))),
        ),
        ("NEXT_EPISODE_DAT_AIR", next_air),
        ("NEXT_EPISODE_SEASON_NUMBER", next_season),
        ("NEXT_EPISODE_NUMBER", next_number),
        ("LAST_EPISODE_DAT_AIR", last_air),
        ("LAST_EPISODE_SEASON_NUMBER", last_season),
        ("LAST_EPISODE_NUMBER", last_number),
    ])
}

// ---- reading back -------------------------------------------------------------------------

/// The completion stamps of a movie or series, as text (`None` for NULL).
async fn stamps(
    db: &TestDb,
    conn: &DatabaseConnection,
    table: &str,
    pk: &str,
    id: u64,
    columns: &[&str],
) -> Vec<Option<String>> {
    let hints: Vec<(&str, Hint)> = columns.iter().map(|c| (*c, Hint::DateTime)).collect();
    let got = rows_where(db, conn, table, pk, id as i64, &hints).await;
    columns
        .iter()
        .map(|c| match &got[0][*c] {
            Cell::D(t) => Some(t.clone()),
            _ => None,
        })
        .collect()
}

/// Sets the given stamps of a row to [`OLD_STAMP`].
async fn age_stamps(
    db: &TestDb,
    conn: &DatabaseConnection,
    table: &str,
    pk: &str,
    id: u64,
    columns: &[&str],
) {
    let set: Vec<String> = columns
        .iter()
        .map(|c| format!("{} = '{OLD_STAMP}'", quoted(db.backend, c)))
        .collect();
    let sql = format!(
        "UPDATE {} SET {} WHERE {} = {id}",
        quoted(db.backend, table),
        set.join(", "),
        quoted(db.backend, pk)
    );
    conn.execute_unprepared(&sql).await.expect("age stamps");
}

async fn count(db: &TestDb, conn: &DatabaseConnection, table: &str, column: &str, id: u64) -> i64 {
    let sql = format!(
        "SELECT COUNT(*) FROM {} WHERE {} = {id}",
        quoted(db.backend, table),
        quoted(db.backend, column)
    );
    conn.query_one_raw(Statement::from_string(db.db_backend(), sql))
        .await
        .expect("count")
        .expect("a row")
        .try_get_by_index::<i64>(0)
        .expect("count value")
}

async fn assert_movie_content(db: &TestDb, conn: &DatabaseConnection, m: &Json) {
    let id = m["id"].as_i64().expect("id");
    let tables = [
        ("T_WC_TMDB_MOVIE_RELEASE_DATE", release_dates(m)),
        ("T_WC_TMDB_MOVIE_WATCH_PROVIDER", watch_providers(m)),
        ("T_WC_TMDB_MOVIE_VIDEO", videos(m)),
        ("T_WC_TMDB_MOVIE_TITLE", titles(m)),
        (
            "T_WC_TMDB_MOVIE_SIMILAR",
            neighbours(&m["similar"], "ID_MOVIE_SIMILAR"),
        ),
        (
            "T_WC_TMDB_MOVIE_RECOMMENDATION",
            neighbours(&m["recommendations"], "ID_MOVIE_RECOMMENDED"),
        ),
    ];
    for (table, rows) in tables {
        assert_rows(db, conn, table, "ID_MOVIE", id, rows).await;
    }
}

async fn assert_series_content(db: &TestDb, conn: &DatabaseConnection, s: &Json) {
    let id = s["id"].as_i64().expect("id");
    // Read with the columns' own types: a NULL in the expected row cannot tell them.
    let expected = series_activity(s);
    let hints: Vec<(&str, Hint)> = expected
        .keys()
        .map(|c| {
            let hint = if c.ends_with("DAT_AIR") {
                Hint::Date
            } else {
                Hint::Int
            };
            (c.as_str(), hint)
        })
        .collect();
    let got = rows_where(db, conn, "T_WC_TMDB_SERIE", "ID_SERIE", id, &hints).await;
    assert_eq!(got, vec![expected], "series {id} activity columns");
    let tables = [
        ("T_WC_TMDB_SERIE_WATCH_PROVIDER", watch_providers(s)),
        ("T_WC_TMDB_SERIE_VIDEO", videos(s)),
        (
            "T_WC_TMDB_SERIE_SIMILAR",
            neighbours(&s["similar"], "ID_SERIE_SIMILAR"),
        ),
        (
            "T_WC_TMDB_SERIE_RECOMMENDATION",
            neighbours(&s["recommendations"], "ID_SERIE_RECOMMENDED"),
        ),
    ];
    for (table, rows) in tables {
        assert_rows(db, conn, table, "ID_SERIE", id, rows).await;
    }
}

/// A write that only refreshed the main row's `TIM_UPDATED` and stamps.
fn assert_unchanged(stored: &StoredEntity, what: &str) {
    let s = stored.summary;
    assert_eq!(
        (s.inserted, s.deleted, s.updated),
        (0, 0, 1),
        "{what}: a second identical write changes no child row ({s:?})"
    );
}

// ---- movies -------------------------------------------------------------------------------

const MOVIE_STAMPS: [&str; 3] = [
    "TIM_RELEASE_DATES_COMPLETED",
    "TIM_WATCH_PROVIDERS_COMPLETED",
    "TIM_VIDEOS_COMPLETED",
];

async fn movies_on(backend: Backend) {
    let Some(db) = TestDb::create(backend, "titlemovies").await else {
        return;
    };
    let fake = FakeTmdb::start(FakeTmdbConfig::default());
    let crawl = crawl(&fake, &db).await;
    let fetcher = MovieFetcher::new(crawl.ctx.clone()).start();
    let ids: Vec<u64> = fake.catalogue().movie_ids().into_iter().take(12).collect();
    let payloads: Vec<Json> = ids.iter().map(|&id| movie_payload(&fake, id)).collect();
    for block in [
        "release_dates",
        "watch/providers",
        "videos",
        "similar",
        "recommendations",
    ] {
        let filled = payloads
            .iter()
            .filter(|m| {
                let results = &m[block]["results"];
                results.as_array().is_some_and(|r| !r.is_empty())
                    || results.as_object().is_some_and(|r| !r.is_empty())
            })
            .count();
        assert!(filled >= 2, "the sample movies exercise {block}");
    }
    for (&id, m) in ids.iter().zip(&payloads) {
        fake.reset_counters();
        fetch(&fetcher, id).await;
        assert_eq!(fake.total_requests(), 1, "one request for movie {id}");
        assert_movie_content(&db, &crawl.conn, m).await;
        let got = stamps(
            &db,
            &crawl.conn,
            "T_WC_TMDB_MOVIE",
            "ID_MOVIE",
            id,
            &MOVIE_STAMPS,
        )
        .await;
        assert!(got.iter().all(Option::is_some), "stamps of {id}: {got:?}");
    }
    for (&id, m) in ids.iter().zip(&payloads) {
        let again = fetch(&fetcher, id).await;
        assert_unchanged(&again, &format!("movie {id}"));
        assert_movie_content(&db, &crawl.conn, m).await;
    }
    drop(db);
}

#[actix_rt::test]
async fn movie_title_content_matches_the_payload_on_sqlite() {
    movies_on(Backend::Sqlite).await;
}

#[actix_rt::test]
#[cfg_attr(
    not(tmdbc_test_mysql),
    ignore = "needs TMDB_CRAWLER_TEST_MYSQL_URL (a MariaDB server)"
)]
async fn movie_title_content_matches_the_payload_on_mariadb() {
    movies_on(Backend::MySql).await;
}

#[actix_rt::test]
#[cfg_attr(
    not(tmdbc_test_postgres),
    ignore = "needs TMDB_CRAWLER_TEST_POSTGRES_URL (a PostgreSQL server)"
)]
async fn movie_title_content_matches_the_payload_on_postgres() {
    movies_on(Backend::Postgres).await;
}

// ---- series -------------------------------------------------------------------------------

async fn series_on(backend: Backend) {
    let Some(db) = TestDb::create(backend, "titleseries").await else {
        return;
    };
    let fake = FakeTmdb::start(FakeTmdbConfig::default());
    let crawl = crawl(&fake, &db).await;
    let fetcher = TvFetcher::new(crawl.ctx.clone()).start();
    let ids: Vec<u64> = fake.catalogue().series_ids().into_iter().take(12).collect();
    let payloads: Vec<Json> = ids.iter().map(|&id| series_payload(&fake, id)).collect();
    assert!(
        payloads
            .iter()
            .any(|s| s["next_episode_to_air"].is_object())
            && payloads.iter().any(|s| s["next_episode_to_air"].is_null()),
        "the sample series have and lack a next episode"
    );
    for (&id, s) in ids.iter().zip(&payloads) {
        fake.reset_counters();
        fetch(&fetcher, id).await;
        assert_eq!(fake.total_requests(), 1, "one request for series {id}");
        assert_series_content(&db, &crawl.conn, s).await;
        let got = stamps(
            &db,
            &crawl.conn,
            "T_WC_TMDB_SERIE",
            "ID_SERIE",
            id,
            &["TIM_WATCH_PROVIDERS_COMPLETED", "TIM_VIDEOS_COMPLETED"],
        )
        .await;
        assert!(got.iter().all(Option::is_some), "stamps of {id}: {got:?}");
    }
    for (&id, s) in ids.iter().zip(&payloads) {
        let again = fetch(&fetcher, id).await;
        assert_unchanged(&again, &format!("series {id}"));
        assert_series_content(&db, &crawl.conn, s).await;
    }
    drop(db);
}

#[actix_rt::test]
async fn series_title_content_matches_the_payload_on_sqlite() {
    series_on(Backend::Sqlite).await;
}

#[actix_rt::test]
#[cfg_attr(
    not(tmdbc_test_mysql),
    ignore = "needs TMDB_CRAWLER_TEST_MYSQL_URL (a MariaDB server)"
)]
async fn series_title_content_matches_the_payload_on_mariadb() {
    series_on(Backend::MySql).await;
}

#[actix_rt::test]
#[cfg_attr(
    not(tmdbc_test_postgres),
    ignore = "needs TMDB_CRAWLER_TEST_POSTGRES_URL (a PostgreSQL server)"
)]
async fn series_title_content_matches_the_payload_on_postgres() {
    series_on(Backend::Postgres).await;
}

// ---- snapshot rules -----------------------------------------------------------------------

/// A movie whose every snapshot and neighbour list is non-empty.
fn full_movie(fake: &FakeTmdb) -> (u64, Json) {
    fake.catalogue()
        .movie_ids()
        .into_iter()
        .map(|id| (id, movie_payload(fake, id)))
        .find(|(_, m)| {
            !release_dates(m).is_empty()
                && !watch_providers(m).is_empty()
                && !videos(m).is_empty()
                && !list(&m["similar"]["results"]).is_empty()
                && !list(&m["recommendations"]["results"]).is_empty()
        })
        .expect("a movie with every snapshot filled")
}

/// A malformed snapshot keeps the stored one unstamped and fails nothing else; an empty one
/// clears and stamps; neighbours are pruned by a non-empty page only.
async fn snapshot_rules_on(backend: Backend) {
    let Some(db) = TestDb::create(backend, "snapshots").await else {
        return;
    };
    let fake = FakeTmdb::start(FakeTmdbConfig::default());
    let crawl = crawl(&fake, &db).await;
    let conn = &crawl.conn;
    let fetcher = MovieFetcher::new(crawl.ctx.clone()).start();
    let (id, m) = full_movie(&fake);
    fetch(&fetcher, id).await;

    // A neighbour TMDb no longer lists is pruned by the next non-empty page.
    let stale = format!(
        "INSERT INTO {} ({}, {}, {}) VALUES ({id}, 999999, 20)",
        quoted(backend, "T_WC_TMDB_MOVIE_SIMILAR"),
        quoted(backend, "ID_MOVIE"),
        quoted(backend, "ID_MOVIE_SIMILAR"),
        quoted(backend, "DISPLAY_ORDER"),
    );
    conn.execute_unprepared(&stale).await.expect("stale row");
    fetch(&fetcher, id).await;
    assert_movie_content(&db, conn, &m).await;

    // Malformed release dates and providers: both kept, unstamped; the rest is written.
    let all = [MOVIE_STAMPS.as_slice(), &["TIM_CREDITS_COMPLETED"]].concat();
    for (dates, providers) in [
        (
            SnapshotFault::EntryWithoutKey,
            SnapshotFault::WrongContainer,
        ),
        (
            SnapshotFault::WrongContainer,
            SnapshotFault::EntryWithoutKey,
        ),
    ] {
        age_stamps(&db, conn, "T_WC_TMDB_MOVIE", "ID_MOVIE", id, &all).await;
        fake.knobs.set_snapshot_fault("release_dates", Some(dates));
        fake.knobs
            .set_snapshot_fault("watch/providers", Some(providers));
        fetch(&fetcher, id).await;
        assert_movie_content(&db, conn, &m).await;
        let got = stamps(&db, conn, "T_WC_TMDB_MOVIE", "ID_MOVIE", id, &all).await;
        let old = Some(OLD_STAMP.to_owned());
        assert_eq!(got[0], old, "release dates not stamped ({dates:?})");
        assert_eq!(got[1], old, "providers not stamped ({providers:?})");
        assert_ne!(got[2], old, "videos stamped");
        assert_ne!(got[3], old, "credits stamped");
    }

    // Empty snapshots clear and stamp; empty neighbour pages delete nothing.
    age_stamps(&db, conn, "T_WC_TMDB_MOVIE", "ID_MOVIE", id, &all).await;
    for append in fake_tmdb::SNAPSHOT_APPENDS {
        fake.knobs
            .set_snapshot_fault(append, Some(SnapshotFault::Empty));
    }
    fetch(&fetcher, id).await;
    for table in [
        "T_WC_TMDB_MOVIE_RELEASE_DATE",
        "T_WC_TMDB_MOVIE_WATCH_PROVIDER",
        "T_WC_TMDB_MOVIE_VIDEO",
    ] {
        assert_eq!(count(&db, conn, table, "ID_MOVIE", id).await, 0, "{table}");
    }
    assert_rows(
        &db,
        conn,
        "T_WC_TMDB_MOVIE_SIMILAR",
        "ID_MOVIE",
        id as i64,
        neighbours(&m["similar"], "ID_MOVIE_SIMILAR"),
    )
    .await;
    assert_rows(
        &db,
        conn,
        "T_WC_TMDB_MOVIE_RECOMMENDATION",
        "ID_MOVIE",
        id as i64,
        neighbours(&m["recommendations"], "ID_MOVIE_RECOMMENDED"),
    )
    .await;
    let got = stamps(&db, conn, "T_WC_TMDB_MOVIE", "ID_MOVIE", id, &MOVIE_STAMPS).await;
    assert!(
        got.iter().all(|s| s.as_deref() != Some(OLD_STAMP)),
        "an empty snapshot is a complete one: {got:?}"
    );

    // A malformed video list (an entry without its id) keeps the stored videos.
    for append in fake_tmdb::SNAPSHOT_APPENDS {
        fake.knobs.set_snapshot_fault(append, None);
    }
    fetch(&fetcher, id).await;
    assert_movie_content(&db, conn, &m).await;
    fake.knobs
        .set_snapshot_fault("videos", Some(SnapshotFault::EntryWithoutKey));
    fetch(&fetcher, id).await;
    assert_rows(
        &db,
        conn,
        "T_WC_TMDB_MOVIE_VIDEO",
        "ID_MOVIE",
        id as i64,
        videos(&m),
    )
    .await;
    drop(db);
}

#[actix_rt::test]
async fn snapshot_rules_hold_on_sqlite() {
    snapshot_rules_on(Backend::Sqlite).await;
}

#[actix_rt::test]
#[cfg_attr(
    not(tmdbc_test_mysql),
    ignore = "needs TMDB_CRAWLER_TEST_MYSQL_URL (a MariaDB server)"
)]
async fn snapshot_rules_hold_on_mariadb() {
    snapshot_rules_on(Backend::MySql).await;
}

#[actix_rt::test]
#[cfg_attr(
    not(tmdbc_test_postgres),
    ignore = "needs TMDB_CRAWLER_TEST_POSTGRES_URL (a PostgreSQL server)"
)]
async fn snapshot_rules_hold_on_postgres() {
    snapshot_rules_on(Backend::Postgres).await;
}

// ---- deletes ------------------------------------------------------------------------------

/// Every new table of a kind and the columns in it that point at an entity of that kind.
const MOVIE_TABLES: [(&str, &str); 8] = [
    ("T_WC_TMDB_MOVIE_RELEASE_DATE", "ID_MOVIE"),
    ("T_WC_TMDB_MOVIE_WATCH_PROVIDER", "ID_MOVIE"),
    ("T_WC_TMDB_MOVIE_VIDEO", "ID_MOVIE"),
    ("T_WC_TMDB_MOVIE_TITLE", "ID_MOVIE"),
    ("T_WC_TMDB_MOVIE_SIMILAR", "ID_MOVIE"),
    ("T_WC_TMDB_MOVIE_SIMILAR", "ID_MOVIE_SIMILAR"),
    ("T_WC_TMDB_MOVIE_RECOMMENDATION", "ID_MOVIE"),
    ("T_WC_TMDB_MOVIE_RECOMMENDATION", "ID_MOVIE_RECOMMENDED"),
];
const SERIES_TABLES: [(&str, &str); 6] = [
    ("T_WC_TMDB_SERIE_WATCH_PROVIDER", "ID_SERIE"),
    ("T_WC_TMDB_SERIE_VIDEO", "ID_SERIE"),
    ("T_WC_TMDB_SERIE_SIMILAR", "ID_SERIE"),
    ("T_WC_TMDB_SERIE_SIMILAR", "ID_SERIE_SIMILAR"),
    ("T_WC_TMDB_SERIE_RECOMMENDATION", "ID_SERIE"),
    ("T_WC_TMDB_SERIE_RECOMMENDATION", "ID_SERIE_RECOMMENDED"),
];

/// The most listed neighbour among the stored rows of `table.column` that is a live entity.
async fn listed_neighbour(
    db: &TestDb,
    conn: &DatabaseConnection,
    table: &str,
    column: &str,
    live: &[u64],
) -> u64 {
    let sql = format!(
        "SELECT {c}, COUNT(*) FROM {t} GROUP BY {c} ORDER BY COUNT(*) DESC, {c}",
        c = quoted(db.backend, column),
        t = quoted(db.backend, table)
    );
    let rows = conn
        .query_all_raw(Statement::from_string(db.db_backend(), sql))
        .await
        .expect("neighbours");
    rows.iter()
        .map(|r| r.try_get_by_index::<i32>(0).expect("id") as u64)
        .find(|id| live.contains(id))
        .expect("a live neighbour")
}

/// Deleting a movie (series) leaves no row of it in any new table, as owner or as neighbour;
/// the other titles keep theirs.
async fn deletes_on(backend: Backend) {
    let Some(db) = TestDb::create(backend, "titledeletes").await else {
        return;
    };
    let fake = FakeTmdb::start(FakeTmdbConfig::default());
    let crawl = crawl(&fake, &db).await;
    let conn = &crawl.conn;
    let movies = MovieFetcher::new(crawl.ctx.clone()).start();
    let series = TvFetcher::new(crawl.ctx.clone()).start();
    let cases = [
        (
            EntityKind::Movie,
            fake.catalogue().movie_ids(),
            &MOVIE_TABLES[..],
        ),
        (
            EntityKind::Series,
            fake.catalogue().series_ids(),
            &SERIES_TABLES[..],
        ),
    ];
    for (kind, live, tables) in cases {
        for &id in live.iter().take(15) {
            match kind {
                EntityKind::Movie => fetch(&movies, id).await,
                _ => fetch(&series, id).await,
            };
        }
        let (similar, neighbour_col) = (tables[2].0, tables[3].1);
        let victim = listed_neighbour(&db, conn, similar, neighbour_col, &live).await;
        match kind {
            EntityKind::Movie => fetch(&movies, victim).await,
            _ => fetch(&series, victim).await,
        };
        let owner = tables[0].1;
        let mut before = BTreeMap::new();
        for &(table, column) in tables {
            before.insert(
                (table, column),
                count(&db, conn, table, column, victim).await,
            );
        }
        let owned: i64 = before
            .iter()
            .filter(|((_, column), _)| *column == owner)
            .map(|(_, n)| n)
            .sum();
        assert!(
            before[&(similar, neighbour_col)] > 0 && owned > 0,
            "{kind} {victim} owns rows and is listed as a neighbour: {before:?}"
        );
        let rows_of_others = total_rows(&db, conn, tables).await - before.values().sum::<i64>();
        crawl
            .ctx
            .writer
            .send(DeleteEntity {
                kind,
                id: victim as i32,
            })
            .await
            .expect("writer answers")
            .expect("deleted");
        for &(table, column) in tables {
            assert_eq!(
                count(&db, conn, table, column, victim).await,
                0,
                "{table}.{column} still names deleted {kind} {victim}"
            );
        }
        assert_eq!(
            total_rows(&db, conn, tables).await,
            rows_of_others,
            "other titles keep their rows"
        );
    }
    drop(db);
}

/// Rows in the distinct tables of the list.
async fn total_rows(db: &TestDb, conn: &DatabaseConnection, tables: &[(&str, &str)]) -> i64 {
    let mut seen = Vec::new();
    let mut total = 0;
    for &(table, _) in tables {
        if seen.contains(&table) {
            continue;
        }
        seen.push(table);
        let sql = format!("SELECT COUNT(*) FROM {}", quoted(db.backend, table));
        total += conn
            .query_one_raw(Statement::from_string(db.db_backend(), sql))
            .await
            .expect("count")
            .expect("a row")
            .try_get_by_index::<i64>(0)
            .expect("count value");
    }
    total
}

#[actix_rt::test]
async fn deletes_leave_no_row_of_the_deleted_title_on_sqlite() {
    deletes_on(Backend::Sqlite).await;
}

#[actix_rt::test]
#[cfg_attr(
    not(tmdbc_test_mysql),
    ignore = "needs TMDB_CRAWLER_TEST_MYSQL_URL (a MariaDB server)"
)]
async fn deletes_leave_no_row_of_the_deleted_title_on_mariadb() {
    deletes_on(Backend::MySql).await;
}

#[actix_rt::test]
#[cfg_attr(
    not(tmdbc_test_postgres),
    ignore = "needs TMDB_CRAWLER_TEST_POSTGRES_URL (a PostgreSQL server)"
)]
async fn deletes_leave_no_row_of_the_deleted_title_on_postgres() {
    deletes_on(Backend::Postgres).await;
}

// ---- older schema -------------------------------------------------------------------------

/// On a database without one of the 2026-08 tables (a 2025-07 schema not migrated yet), a
/// movie is still stored: that set is skipped and its stamp not written, the others are; and a
/// delete skips the missing table.
async fn older_schema_on(backend: Backend) {
    let Some(db) = TestDb::create(backend, "titleolder").await else {
        return;
    };
    let fake = FakeTmdb::start(FakeTmdbConfig::default());
    let (id, m) = full_movie(&fake);
    let conn = crawl(&fake, &db).await.conn;
    let drop_table = format!(
        "DROP TABLE {}",
        quoted(backend, "T_WC_TMDB_MOVIE_RELEASE_DATE")
    );
    conn.execute_unprepared(&drop_table)
        .await
        .expect("drop the release-date table");
    // A writer started now reads the schema without it.
    let crawl = crawl(&fake, &db).await;
    let fetcher = MovieFetcher::new(crawl.ctx.clone()).start();
    fetch(&fetcher, id).await;
    let got = stamps(
        &db,
        &crawl.conn,
        "T_WC_TMDB_MOVIE",
        "ID_MOVIE",
        id,
        &MOVIE_STAMPS,
    )
    .await;
    assert_eq!(got[0], None, "no release-date stamp without its table");
    assert!(got[1].is_some() && got[2].is_some(), "{got:?}");
    assert_rows(
        &db,
        &crawl.conn,
        "T_WC_TMDB_MOVIE_WATCH_PROVIDER",
        "ID_MOVIE",
        id as i64,
        watch_providers(&m),
    )
    .await;
    crawl
        .ctx
        .writer
        .send(DeleteEntity {
            kind: EntityKind::Movie,
            id: id as i32,
        })
        .await
        .expect("writer answers")
        .expect("the delete skips the missing table");
    assert_eq!(
        count(&db, &crawl.conn, "T_WC_TMDB_MOVIE", "ID_MOVIE", id).await,
        0
    );
    drop(db);
}

#[actix_rt::test]
async fn an_older_schema_skips_the_missing_tables_on_sqlite() {
    older_schema_on(Backend::Sqlite).await;
}

#[actix_rt::test]
#[cfg_attr(
    not(tmdbc_test_mysql),
    ignore = "needs TMDB_CRAWLER_TEST_MYSQL_URL (a MariaDB server)"
)]
async fn an_older_schema_skips_the_missing_tables_on_mariadb() {
    older_schema_on(Backend::MySql).await;
}

#[actix_rt::test]
#[cfg_attr(
    not(tmdbc_test_postgres),
    ignore = "needs TMDB_CRAWLER_TEST_POSTGRES_URL (a PostgreSQL server)"
)]
async fn an_older_schema_skips_the_missing_tables_on_postgres() {
    older_schema_on(Backend::Postgres).await;
}
