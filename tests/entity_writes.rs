//! Fetchers and the DbWriter against the fake TMDb server on every backend: each entity costs
//! one request, and every row of every table equals the rows this test derives on its own from
//! the payload the fake server sends (not from the crawler's mapping code).

mod support;

use std::collections::BTreeMap;
use std::rc::Rc;

use actix::{Actor, Addr};
use fake_tmdb::{FakeTmdb, FakeTmdbConfig, Kind, Req};
use sea_orm::{ConnectionTrait, DatabaseConnection, Statement, Value};
use serde_json::Value as Json;
use support::db::{Backend, TestDb};
use support::rows::{Cell, Hint, assert_rows, chars, quoted, row, rows_where};
use tmdb_crawler::actors::fetch::{Fetch, FetchContext, FetchOutcome, MovieFetcher};
use tmdb_crawler::actors::rate_limiter::{RateLimit, RateLimiter};
use tmdb_crawler::actors::writer::DbWriter;
use tmdb_crawler::config::Secret;
use tmdb_crawler::tmdb::client::{Auth, ClientSettings, TmdbClient};

/// The languages the crawler is configured with in these tests.
const LANGS: [&str; 1] = ["fr"];

struct Crawl {
    ctx: Rc<FetchContext>,
    conn: DatabaseConnection,
}

async fn crawl(fake: &FakeTmdb, db: &TestDb) -> Crawl {
    crawl_with(fake, db, false).await
}

/// The fetch side over a migrated database; `raw_json` fills the legacy raw-JSON columns.
async fn crawl_with(fake: &FakeTmdb, db: &TestDb, raw_json: bool) -> Crawl {
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
    let client = TmdbClient::new(settings, limiter);
    let writer = DbWriter::connect(conn.clone(), chrono_tz::Europe::Paris)
        .await
        .expect("writer")
        .start();
    Crawl {
        ctx: Rc::new(
            FetchContext::new(
                client,
                writer,
                LANGS.iter().map(|l| (*l).to_owned()).collect(),
            )
            .with_raw_json(raw_json),
        ),
        conn,
    }
}

fn stored(outcome: FetchOutcome) {
    assert!(
        matches!(outcome, FetchOutcome::Stored(_)),
        "expected Stored, got {outcome:?}"
    );
}

// ---- expected rows, derived from the payload with this file's own reading of the spec ----

fn js(v: &Json) -> Cell {
    Cell::json_str(v)
}

/// '' when absent or null (external ids).
fn js_or_empty(v: &Json) -> Cell {
    Cell::s(v.as_str().unwrap_or(""))
}

fn pipe(list: &Json, field: &str) -> Cell {
    match list.as_array() {
        None => Cell::s(""),
        Some(items) => {
            let mut s = "|".to_owned();
            for i in items {
                s.push_str(i[field].as_str().unwrap_or(""));
                s.push('|');
            }
            Cell::S(s)
        }
    }
}

fn flag(v: &Json) -> Cell {
    Cell::I(i64::from(v.as_bool().unwrap_or(false)))
}

fn valid_date(v: &Json) -> Option<chrono::NaiveDate> {
    v.as_str()
        .and_then(|s| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").ok())
}

fn movie_main(m: &Json) -> BTreeMap<String, Cell> {
    let runtime = m["runtime"].as_i64().unwrap_or(0);
    let documentary = m["genres"]
        .as_array()
        .is_some_and(|g| g.iter().any(|g| g["name"] == "Documentary"));
    let date = valid_date(&m["release_date"]);
    let part =
        |f: fn(&chrono::NaiveDate) -> u32| date.map_or(Cell::Null, |d| Cell::I(i64::from(f(&d))));
    use chrono::Datelike;
    row(vec![
        (
            "TITLE",
            Cell::S(chars(m["title"].as_str().unwrap_or(""), 250)),
        ),
        (
            "ORIGINAL_TITLE",
            m["original_title"]
                .as_str()
                .map_or(Cell::Null, |s| Cell::S(chars(s, 250))),
        ),
        ("OVERVIEW", Cell::s(m["overview"].as_str().unwrap_or(""))),
        ("ID_IMDB", js_or_empty(&m["imdb_id"])),
        (
            "ID_WIKIDATA",
            js_or_empty(&m["external_ids"]["wikidata_id"]),
        ),
        ("POSTER_PATH", js(&m["poster_path"])),
        ("BACKDROP_PATH", js(&m["backdrop_path"])),
        (
            "HOMEPAGE_URL",
            m["homepage"]
                .as_str()
                .map_or(Cell::Null, |s| Cell::S(chars(s, 500))),
        ),
        ("TAGLINE", js(&m["tagline"])),
        ("STATUS", js(&m["status"])),
        ("ORIGINAL_LANGUAGE", js(&m["original_language"])),
        (
            "POPULARITY",
            Cell::F(m["popularity"].as_f64().unwrap_or(0.0)),
        ),
        ("VOTE_AVERAGE", Cell::json_f64(&m["vote_average"])),
        ("VOTE_COUNT", Cell::json_int(&m["vote_count"])),
        ("BUDGET", Cell::json_f64(&m["budget"])),
        ("REVENUE", Cell::json_f64(&m["revenue"])),
        ("RUNTIME", Cell::I(runtime)),
        ("ADULT", flag(&m["adult"])),
        ("VIDEO", flag(&m["video"])),
        ("GENRES", pipe(&m["genres"], "name")),
        ("COUNTRIES", pipe(&m["production_countries"], "iso_3166_1")),
        (
            "SPOKEN_LANGUAGES",
            pipe(&m["spoken_languages"], "iso_639_1"),
        ),
        (
            "ID_COLLECTION",
            Cell::I(m["belongs_to_collection"]["id"].as_i64().unwrap_or(0)),
        ),
        ("IS_DOCUMENTARY", Cell::I(i64::from(documentary))),
        ("IS_MOVIE", Cell::I(i64::from(!documentary))),
        (
            "IS_SHORT_FILM",
            Cell::I(i64::from(runtime > 0 && runtime <= 58)),
        ),
        (
            "DAT_RELEASE",
            date.map_or(Cell::Null, |d| Cell::D(d.to_string())),
        ),
        (
            "RELEASE_YEAR",
            date.map_or(Cell::Null, |d| Cell::I(i64::from(d.year()))),
        ),
        ("RELEASE_MONTH", part(|d| d.month())),
        ("RELEASE_DAY", part(|d| d.day())),
        ("DELETED", Cell::I(0)),
        ("ID_CREATOR", Cell::I(1)),
        ("ID_OWNER", Cell::I(1)),
        ("ID_USER_UPDATED", Cell::I(1)),
    ])
}

/// Link rows: child value and 1-based position; a repeated value ends at its last position
/// (each occurrence is an upsert).
fn links(list: &Json, field: &str, child_col: &str, text: bool) -> Vec<BTreeMap<String, Cell>> {
    let mut positions: Vec<(Cell, i64)> = Vec::new();
    for (i, item) in list.as_array().into_iter().flatten().enumerate() {
        let v = if text {
            js(&item[field])
        } else {
            Cell::json_int(&item[field])
        };
        if v == Cell::Null || v == Cell::s("") {
            continue;
        }
        match positions.iter_mut().find(|(c, _)| *c == v) {
            Some(entry) => entry.1 = i as i64 + 1,
            None => positions.push((v, i as i64 + 1)),
        }
    }
    positions
        .into_iter()
        .map(|(v, p)| row(vec![(child_col, v), ("DISPLAY_ORDER", Cell::I(p))]))
        .collect()
}

fn first_index(list: &[Json], i: usize) -> i64 {
    let id = &list[i]["id"];
    list.iter().position(|c| &c["id"] == id).unwrap_or(i) as i64 + 1
}

fn movie_credits(m: &Json) -> Vec<BTreeMap<String, Cell>> {
    let mut out = Vec::new();
    let empty = Vec::new();
    let cast = m["credits"]["cast"].as_array().unwrap_or(&empty);
    for (i, c) in cast.iter().enumerate() {
        out.push(row(vec![
            ("ID_CREDIT", js(&c["credit_id"])),
            ("ID_PERSON", Cell::json_int(&c["id"])),
            ("CREDIT_TYPE", Cell::s("cast")),
            (
                "CAST_CHARACTER",
                Cell::S(chars(c["character"].as_str().unwrap_or(""), 600)),
            ),
            ("CREW_DEPARTMENT", Cell::s("")),
            ("CREW_JOB", Cell::s("")),
            ("DISPLAY_ORDER", Cell::I(first_index(cast, i))),
        ]));
    }
    let crew = m["credits"]["crew"].as_array().unwrap_or(&empty);
    for (i, c) in crew.iter().enumerate() {
        out.push(row(vec![
            ("ID_CREDIT", js(&c["credit_id"])),
            ("ID_PERSON", Cell::json_int(&c["id"])),
            ("CREDIT_TYPE", Cell::s("crew")),
            ("CAST_CHARACTER", Cell::s("")),
            (
                "CREW_DEPARTMENT",
                Cell::S(chars(c["department"].as_str().unwrap_or(""), 200)),
            ),
            (
                "CREW_JOB",
                Cell::S(chars(c["job"].as_str().unwrap_or(""), 200)),
            ),
            ("DISPLAY_ORDER", Cell::I(first_index(crew, i))),
        ]));
    }
    out
}

fn images(block: &Json, arrays: &[(&str, &str)]) -> Vec<BTreeMap<String, Cell>> {
    let mut out = Vec::new();
    for (array, kind) in arrays {
        for (i, img) in block[*array].as_array().into_iter().flatten().enumerate() {
            out.push(row(vec![
                ("TYPE_IMAGE", Cell::s(kind)),
                ("IMAGE_PATH", js(&img["file_path"])),
                ("DISPLAY_ORDER", Cell::I(i as i64 + 1)),
                ("LANG", js(&img["iso_639_1"])),
                ("ASPECT_RATIO", Cell::json_f64(&img["aspect_ratio"])),
                ("WIDTH", Cell::json_int(&img["width"])),
                ("HEIGHT", Cell::json_int(&img["height"])),
                ("VOTE_AVERAGE", Cell::json_f64(&img["vote_average"])),
                ("VOTE_COUNT", Cell::json_int(&img["vote_count"])),
            ]));
        }
    }
    out
}

/// The translation of `lang`, preferring the same-named country.
fn translation<'a>(m: &'a Json, lang: &str) -> Option<&'a Json> {
    let list = m["translations"]["translations"].as_array()?;
    list.iter()
        .find(|t| t["iso_639_1"] == lang && t["iso_3166_1"] == lang.to_uppercase().as_str())
        .or_else(|| list.iter().find(|t| t["iso_639_1"] == lang))
        .map(|t| &t["data"])
}

fn movie_lang(m: &Json, lang: &str) -> BTreeMap<String, Cell> {
    let data = translation(m, lang);
    let title = data
        .and_then(|d| d["title"].as_str())
        .filter(|t| !t.is_empty());
    let poster = m["images"]["posters"]
        .as_array()
        .and_then(|p| p.iter().find(|i| i["iso_639_1"] == lang))
        .map(|i| js(&i["file_path"]))
        .unwrap_or_else(|| js(&m["poster_path"]));
    row(vec![
        ("LANG", Cell::s(lang)),
        (
            "TITLE",
            title.map_or(Cell::Null, |t| Cell::S(chars(t, 250))),
        ),
        (
            "OVERVIEW",
            Cell::s(data.and_then(|d| d["overview"].as_str()).unwrap_or("")),
        ),
        (
            "TAGLINE",
            Cell::s(data.and_then(|d| d["tagline"].as_str()).unwrap_or("")),
        ),
        ("POSTER_PATH", poster),
        ("BACKDROP_PATH", js(&m["backdrop_path"])),
    ])
}

/// The body the fake server sends for the crawler's movie request.
fn movie_payload(fake: &FakeTmdb, id: u64) -> Json {
    let catalogue = fake.catalogue();
    let index = catalogue.raw_index(Kind::Movie, id).expect("movie id");
    let req = Req {
        language: Some("en".to_owned()),
        image_languages: Some(vec!["en".into(), "fr".into(), "null".into()]),
        video_languages: Some(vec!["en".into(), "fr".into(), "null".into()]),
    };
    catalogue.movie_json(
        index,
        &req,
        &[
            "credits",
            "keywords",
            "images",
            "translations",
            "external_ids",
            "alternative_titles",
        ],
    )
}

async fn assert_movie(db: &TestDb, conn: &DatabaseConnection, m: &Json) {
    let id = m["id"].as_i64().expect("id");
    let main = movie_main(m);
    assert_rows(db, conn, "T_WC_TMDB_MOVIE", "ID_MOVIE", id, vec![main]).await;
    let stamps = rows_where(
        db,
        conn,
        "T_WC_TMDB_MOVIE",
        "ID_MOVIE",
        id,
        &[
            ("TIM_CREDITS_COMPLETED", Hint::DateTime),
            ("TIM_KEYWORDS_COMPLETED", Hint::DateTime),
            ("TIM_IMAGES_COMPLETED", Hint::DateTime),
            ("TIM_UPDATED", Hint::DateTime),
        ],
    )
    .await;
    assert!(
        stamps[0].values().all(|v| *v != Cell::Null),
        "stamps {stamps:?}"
    );
    assert_rows(
        db,
        conn,
        "T_WC_TMDB_MOVIE_GENRE",
        "ID_MOVIE",
        id,
        links(&m["genres"], "id", "ID_GENRE", false),
    )
    .await;
    assert_rows(
        db,
        conn,
        "T_WC_TMDB_MOVIE_COMPANY",
        "ID_MOVIE",
        id,
        links(&m["production_companies"], "id", "ID_COMPANY", false),
    )
    .await;
    assert_rows(
        db,
        conn,
        "T_WC_TMDB_MOVIE_PRODUCTION_COUNTRY",
        "ID_MOVIE",
        id,
        links(
            &m["production_countries"],
            "iso_3166_1",
            "COUNTRY_CODE",
            true,
        ),
    )
    .await;
    assert_rows(
        db,
        conn,
        "T_WC_TMDB_MOVIE_SPOKEN_LANGUAGE",
        "ID_MOVIE",
        id,
        links(&m["spoken_languages"], "iso_639_1", "SPOKEN_LANGUAGE", true),
    )
    .await;
    assert_rows(
        db,
        conn,
        "T_WC_TMDB_MOVIE_KEYWORD",
        "ID_MOVIE",
        id,
        links(&m["keywords"]["keywords"], "id", "ID_KEYWORD", false),
    )
    .await;
    assert_rows(
        db,
        conn,
        "T_WC_TMDB_PERSON_MOVIE",
        "ID_MOVIE",
        id,
        movie_credits(m),
    )
    .await;
    assert_rows(
        db,
        conn,
        "T_WC_TMDB_MOVIE_IMAGE",
        "ID_MOVIE",
        id,
        images(
            &m["images"],
            &[
                ("backdrops", "backdrop"),
                ("posters", "poster"),
                ("logos", "logo"),
            ],
        ),
    )
    .await;
    assert_rows(
        db,
        conn,
        "T_WC_TMDB_MOVIE_LANG",
        "ID_MOVIE",
        id,
        LANGS.iter().map(|l| movie_lang(m, l)).collect(),
    )
    .await;
}

/// Movies of the fake catalogue that exercise the awkward cases: the first few, plus ones
/// with the most credits and images.
fn sample_movie_ids(fake: &FakeTmdb) -> Vec<u64> {
    let ids = fake.catalogue().movie_ids();
    ids.iter().copied().take(12).collect()
}

async fn movies_on(backend: Backend) {
    let Some(db) = TestDb::create(backend, "movies").await else {
        return;
    };
    let fake = FakeTmdb::start(FakeTmdbConfig::default());
    let crawl = crawl(&fake, &db).await;
    let fetcher = MovieFetcher::new(crawl.ctx.clone()).start();
    for id in sample_movie_ids(&fake) {
        fake.reset_counters();
        stored(fetch(&fetcher, id).await);
        assert_eq!(fake.total_requests(), 1, "one request for movie {id}");
        assert_movie(&db, &crawl.conn, &movie_payload(&fake, id)).await;
    }
    // A second pass changes nothing and still matches.
    for id in sample_movie_ids(&fake) {
        stored(fetch(&fetcher, id).await);
        assert_movie(&db, &crawl.conn, &movie_payload(&fake, id)).await;
    }
    drop(db);
}

async fn fetch(fetcher: &Addr<MovieFetcher>, id: u64) -> FetchOutcome {
    fetcher
        .send(Fetch {
            id,
            context: "test".to_owned(),
        })
        .await
        .expect("fetcher answers")
}

#[actix_rt::test]
async fn movies_match_the_payload_on_sqlite() {
    movies_on(Backend::Sqlite).await;
}

#[actix_rt::test]
#[cfg_attr(
    not(tmdbc_test_mysql),
    ignore = "needs TMDB_CRAWLER_TEST_MYSQL_URL (a MariaDB server)"
)]
async fn movies_match_the_payload_on_mariadb() {
    movies_on(Backend::MySql).await;
}

#[actix_rt::test]
#[cfg_attr(
    not(tmdbc_test_postgres),
    ignore = "needs TMDB_CRAWLER_TEST_POSTGRES_URL (a PostgreSQL server)"
)]
async fn movies_match_the_payload_on_postgres() {
    movies_on(Backend::Postgres).await;
}

/// Columns other programs maintain keep their values across a refresh; a failing child insert
/// leaves nothing of the movie changed.
async fn refresh_and_fault_on(backend: Backend) {
    let Some(db) = TestDb::create(backend, "moviefault").await else {
        return;
    };
    let fake = FakeTmdb::start(FakeTmdbConfig::default());
    let crawl = crawl(&fake, &db).await;
    let fetcher = MovieFetcher::new(crawl.ctx.clone()).start();
    let id = fake.catalogue().movie_ids()[3];
    stored(fetch(&fetcher, id).await);
    let sql = format!(
        "UPDATE {} SET {} = 'curated line', {} = 1, {} = 'Technicolor' WHERE {} = {}",
        quoted(backend, "T_WC_TMDB_MOVIE"),
        quoted(backend, "WIKIPEDIA_FORMAT_LINE"),
        quoted(backend, "IS_COLOR"),
        quoted(backend, "COLOR_TECHNOLOGY"),
        quoted(backend, "ID_MOVIE"),
        id
    );
    crawl.conn.execute_unprepared(&sql).await.expect("curate");
    stored(fetch(&fetcher, id).await);
    let kept = rows_where(
        &db,
        &crawl.conn,
        "T_WC_TMDB_MOVIE",
        "ID_MOVIE",
        id as i64,
        &[
            ("WIKIPEDIA_FORMAT_LINE", Hint::Text),
            ("IS_COLOR", Hint::Int),
            ("COLOR_TECHNOLOGY", Hint::Text),
        ],
    )
    .await;
    assert_eq!(
        kept,
        vec![row(vec![
            ("WIKIPEDIA_FORMAT_LINE", Cell::s("curated line")),
            ("IS_COLOR", Cell::I(1)),
            ("COLOR_TECHNOLOGY", Cell::s("Technicolor")),
        ])]
    );

    // Fault: the same movie's record with one credit row lacking its NOT NULL person id. The
    // main row is updated first in the transaction, then the insert fails: nothing may stay.
    let before = snapshot(&db, &crawl.conn, id).await;
    let payload = movie_payload(&fake, id);
    let mut movie: tmdb_crawler::tmdb::payload::Movie =
        serde_json::from_value(payload).expect("payload parses");
    movie.title = Some("Changed title".to_owned());
    let mut record = tmdb_crawler::records::movie::record(&movie, &Default::default());
    let credits = record
        .children
        .iter_mut()
        .find(|c| c.table == "T_WC_TMDB_PERSON_MOVIE")
        .expect("credits set");
    credits.rows.push(vec![
        ("ID_PERSON", Value::Int(None)),
        ("ID_MOVIE", Value::Int(Some(id as i32))),
        ("ID_CREDIT", Value::from("fault-credit")),
    ]);
    let answer = crawl
        .ctx
        .writer
        .send(tmdb_crawler::actors::writer::WriteEntity(record))
        .await
        .expect("writer answers");
    assert!(answer.is_err(), "the faulty write must fail");
    assert_eq!(
        snapshot(&db, &crawl.conn, id).await,
        before,
        "nothing of the movie changed"
    );
    drop(db);
}

/// Every column of every movie table for the movie, as text.
async fn snapshot(db: &TestDb, conn: &DatabaseConnection, id: u64) -> Vec<String> {
    let mut out = Vec::new();
    for table in [
        "T_WC_TMDB_MOVIE",
        "T_WC_TMDB_MOVIE_GENRE",
        "T_WC_TMDB_PERSON_MOVIE",
        "T_WC_TMDB_MOVIE_IMAGE",
        "T_WC_TMDB_MOVIE_LANG",
        "T_WC_TMDB_MOVIE_KEYWORD",
    ] {
        let cols: &[(&str, Hint)] = match table {
            "T_WC_TMDB_MOVIE" => &[("TITLE", Hint::Text), ("TIM_UPDATED", Hint::DateTime)],
            "T_WC_TMDB_PERSON_MOVIE" => &[("ID_CREDIT", Hint::Text), ("DISPLAY_ORDER", Hint::Int)],
            "T_WC_TMDB_MOVIE_IMAGE" => &[("IMAGE_PATH", Hint::Text), ("DISPLAY_ORDER", Hint::Int)],
            "T_WC_TMDB_MOVIE_LANG" => &[("LANG", Hint::Text), ("TITLE", Hint::Text)],
            _ => &[("DISPLAY_ORDER", Hint::Int)],
        };
        let mut rows: Vec<String> = rows_where(db, conn, table, "ID_MOVIE", id as i64, cols)
            .await
            .iter()
            .map(|r| format!("{table}{r:?}"))
            .collect();
        rows.sort();
        out.extend(rows);
    }
    let count = conn
        .query_one_raw(Statement::from_string(
            conn.get_database_backend(),
            format!(
                "SELECT COUNT(*) FROM {}",
                quoted(db.backend, "T_WC_TMDB_PERSON_MOVIE")
            ),
        ))
        .await
        .expect("count")
        .expect("row")
        .try_get_by_index::<i64>(0)
        .expect("count value");
    out.push(format!("credits {count}"));
    out
}

#[actix_rt::test]
async fn refresh_keeps_foreign_columns_and_a_fault_rolls_back_on_sqlite() {
    refresh_and_fault_on(Backend::Sqlite).await;
}

#[actix_rt::test]
#[cfg_attr(
    not(tmdbc_test_mysql),
    ignore = "needs TMDB_CRAWLER_TEST_MYSQL_URL (a MariaDB server)"
)]
async fn refresh_keeps_foreign_columns_and_a_fault_rolls_back_on_mariadb() {
    refresh_and_fault_on(Backend::MySql).await;
}

#[actix_rt::test]
#[cfg_attr(
    not(tmdbc_test_postgres),
    ignore = "needs TMDB_CRAWLER_TEST_POSTGRES_URL (a PostgreSQL server)"
)]
async fn refresh_keeps_foreign_columns_and_a_fault_rolls_back_on_postgres() {
    refresh_and_fault_on(Backend::Postgres).await;
}

/// With `raw_json`, the legacy columns hold the request path, the whole body and the Python
/// crawler's version number; a schema without them (the 2026 one) still takes the write.
async fn raw_json_on(backend: Backend) {
    let Some(db) = TestDb::create(backend, "rawjson").await else {
        return;
    };
    let fake = FakeTmdb::start(FakeTmdbConfig::default());
    let ids = fake.catalogue().movie_ids();
    // The 2026-08 schema has no raw-JSON columns: a writer asked for them skips them.
    let crawl = crawl_with(&fake, &db, true).await;
    let fetcher = MovieFetcher::new(crawl.ctx.clone()).start();
    stored(fetch(&fetcher, ids[1]).await);
    let with_raw_json = db.tables_with_column("API_RESULT").await;
    assert!(
        !with_raw_json.iter().any(|t| t == "T_WC_TMDB_MOVIE"),
        "{with_raw_json:?}"
    );

    // A database upgraded from 2025-07 keeps them: a writer started on it fills them.
    for (column, ty) in [
        ("API_URL", "varchar(200)"),
        ("API_RESULT", "text"),
        ("CRAWLER_VERSION", "integer"),
    ] {
        let add_column = format!(
            "ALTER TABLE {} ADD COLUMN {} {ty}",
            quoted(backend, "T_WC_TMDB_MOVIE"),
            quoted(backend, column)
        );
        crawl
            .conn
            .execute_unprepared(&add_column)
            .await
            .expect("add a raw-JSON column");
    }
    let crawl = crawl_with(&fake, &db, true).await;
    let fetcher = MovieFetcher::new(crawl.ctx.clone()).start();
    stored(fetch(&fetcher, ids[0]).await);
    let got = rows_where(
        &db,
        &crawl.conn,
        "T_WC_TMDB_MOVIE",
        "ID_MOVIE",
        ids[0] as i64,
        &[
            ("API_URL", Hint::Text),
            ("API_RESULT", Hint::Text),
            ("CRAWLER_VERSION", Hint::Int),
        ],
    )
    .await;
    let Cell::S(url) = &got[0]["API_URL"] else {
        panic!("API_URL not written: {got:?}");
    };
    assert!(
        url.starts_with(&format!("3/movie/{}?append_to_response=credits,", ids[0])),
        "{url}"
    );
    assert!(
        !url.contains(&fake.api_key),
        "the key never reaches API_URL"
    );
    let Cell::S(body) = &got[0]["API_RESULT"] else {
        panic!("API_RESULT not written: {got:?}");
    };
    let body: Json = serde_json::from_str(body).expect("API_RESULT is JSON");
    assert_eq!(body["id"].as_u64(), Some(ids[0]));
    assert!(body["credits"]["cast"].is_array());
    assert_eq!(got[0]["CRAWLER_VERSION"], Cell::I(3));
    drop(db);
}

#[actix_rt::test]
async fn raw_json_columns_only_where_they_exist_on_sqlite() {
    raw_json_on(Backend::Sqlite).await;
}

#[actix_rt::test]
#[cfg_attr(
    not(tmdbc_test_mysql),
    ignore = "needs TMDB_CRAWLER_TEST_MYSQL_URL (a MariaDB server)"
)]
async fn raw_json_columns_only_where_they_exist_on_mariadb() {
    raw_json_on(Backend::MySql).await;
}

#[actix_rt::test]
#[cfg_attr(
    not(tmdbc_test_postgres),
    ignore = "needs TMDB_CRAWLER_TEST_POSTGRES_URL (a PostgreSQL server)"
)]
async fn raw_json_columns_only_where_they_exist_on_postgres() {
    raw_json_on(Backend::Postgres).await;
}
