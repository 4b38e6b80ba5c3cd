//! The real TMDb bodies of `tests/fixtures/tmdb-samples/` through the crawler's mapping
//! (`src/records`) and the DbWriter, on every backend:
//!
//! 1. every entity body is written without error, and writing it again changes nothing;
//! 2. hostile values (4-byte characters over the column length, NUL, quotes and backslashes,
//!    an over-long cast character, a bare `{id}` body) are stored cut, cleaned or as sent;
//! 3. child sets are authoritative: what a refresh no longer returns is deleted, except
//!    keywords (never) and an empty genre list ("unknown"), and only for that movie;
//! 4. the real title-level appends of 2026-08 (release dates, providers, neighbours, videos,
//!    alternative titles) validate and fill their tables row for row.

mod support;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use actix::{Actor, Addr};
use sea_orm::{ConnectionTrait, DatabaseConnection};
use serde_json::Value as Json;
use support::db::{Backend, TestDb};
use support::rows::{Cell, Hint, quoted, rows_where};
use tmdb_crawler::actors::writer::{DbWriter, WriteEntity};
use tmdb_crawler::records::{self, EntityKind, EntityRecord, MappingOptions};
use tmdb_crawler::store::entities::{EntityWriteError, WriteSummary};
use tmdb_crawler::tmdb::payload::{
    Collection, Company, Credits, List, Movie, Network, Person, TvSeries, parse,
};

const SAMPLES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/tmdb-samples");

/// `T_WC_TMDB_LIST.ID_LIST` is an int; a v4-style text id (`509ec17b...`) gets this one.
const TEXT_LIST_ID: u64 = 900_001;

/// The movie with every append (credits, keywords, images, translations...).
const FULL_MOVIE: &str = "ceg-12313-details-append-all.json";
/// A movie with four keywords.
const KEYWORDS_MOVIE: &str = "php-87421-details-append.json";
/// Another movie with credits, whose rows must survive the changes to the first one.
const OTHER_MOVIE: &str = "moviebase-607-details-append.json";

// ---- harness ---------------------------------------------------------------------------------

struct Env {
    db: TestDb,
    conn: DatabaseConnection,
    writer: Addr<DbWriter>,
}

async fn env(backend: Backend, tag: &str) -> Option<Env> {
    let db = TestDb::create(backend, tag).await?;
    let conn = db.connect().await;
    {
        use sea_orm_migration::MigratorTrait;
        migration::Migrator::up(&conn, None)
            .await
            .expect("migrate up");
    }
    let writer = DbWriter::connect(conn.clone(), chrono_tz::Europe::Paris)
        .await
        .expect("writer")
        .start();
    Some(Env { db, conn, writer })
}

/// Sends a record to the writer.
async fn try_write(
    writer: &Addr<DbWriter>,
    record: EntityRecord,
) -> Result<WriteSummary, EntityWriteError> {
    writer
        .send(WriteEntity(record))
        .await
        .expect("writer answers")
}

async fn write(env: &Env, record: EntityRecord, what: &str) -> WriteSummary {
    let backend = env.db.backend;
    try_write(&env.writer, record)
        .await
        .unwrap_or_else(|e| panic!("{what} on {backend:?}: {e}"))
}

fn read_sample(rel: &str) -> Vec<u8> {
    let path = Path::new(SAMPLES).join(rel);
    std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn movie_sample(name: &str) -> Movie {
    parse(&read_sample(&format!("movie/{name}"))).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn movie_record(movie: &Movie) -> EntityRecord {
    records::movie::record(movie, &MappingOptions::default())
}

/// Column `column` of the rows of `table` where `parent = id`.
async fn values(
    env: &Env,
    table: &str,
    parent: &str,
    id: i64,
    column: &str,
    hint: Hint,
) -> Vec<Cell> {
    let mut out: Vec<Cell> = rows_where(&env.db, &env.conn, table, parent, id, &[(column, hint)])
        .await
        .into_iter()
        .filter_map(|mut r| r.remove(column))
        .collect();
    out.sort_by(|a, b| a.partial_cmp(b).unwrap_or(std::cmp::Ordering::Equal));
    out
}

async fn count(env: &Env, table: &str, parent: &str, id: i64) -> usize {
    rows_where(
        &env.db,
        &env.conn,
        table,
        parent,
        id,
        &[(parent, Hint::Int)],
    )
    .await
    .len()
}

/// The one value of `column` of the row `pk = id`.
async fn one(env: &Env, table: &str, pk: &str, id: i64, column: &str, hint: Hint) -> Cell {
    let got = values(env, table, pk, id, column, hint).await;
    assert_eq!(
        got.len(),
        1,
        "{table} rows for {id} on {:?}",
        env.db.backend
    );
    got.into_iter().next().unwrap_or(Cell::Null)
}

// ---- 1. every real sample, written twice -----------------------------------------------------

/// The sample directory of each kind and the fewest bodies that must be written from it (the
/// current set; a fixture change that loses entity bodies fails here).
const KINDS: [(EntityKind, &str, usize); 7] = [
    (EntityKind::Movie, "movie", 28),
    (EntityKind::Series, "tv", 17),
    (EntityKind::Person, "person", 15),
    (EntityKind::Collection, "collection", 6),
    (EntityKind::Company, "company", 8),
    (EntityKind::Network, "network", 7),
    (EntityKind::List, "list", 3),
];

/// The sample as the kind's payload type, mapped with the default options.
fn map_sample(kind: EntityKind, bytes: &[u8]) -> Result<EntityRecord, String> {
    let o = MappingOptions::default();
    let e = |e: tmdb_crawler::tmdb::payload::PayloadError| e.to_string();
    Ok(match kind {
        EntityKind::Movie => records::movie::record(&parse::<Movie>(bytes).map_err(e)?, &o),
        EntityKind::Series => records::tv::record(&parse::<TvSeries>(bytes).map_err(e)?, &o),
        EntityKind::Person => records::person::record(&parse::<Person>(bytes).map_err(e)?, &o),
        EntityKind::Collection => {
            records::collection::record(&parse::<Collection>(bytes).map_err(e)?, &o)
        }
        EntityKind::Company => records::company::record(&parse::<Company>(bytes).map_err(e)?, &o),
        EntityKind::Network => records::network::record(&parse::<Network>(bytes).map_err(e)?, &o),
        // Process 12 takes keyword names from the export: no fetch maps a keyword body.
        EntityKind::Keyword => return Err("keywords are not fetched".to_owned()),
        EntityKind::List => {
            let list = parse::<List>(bytes).map_err(e)?;
            let id = list.id.parse::<u64>().unwrap_or(TEXT_LIST_ID);
            records::list::record(id, &[list], &o)
        }
    })
}

fn sample_files(dir: &str) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(Path::new(SAMPLES).join(dir))
        .unwrap_or_else(|e| panic!("{dir}: {e}"))
        .map(|entry| entry.expect("directory entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    files
}

fn distinct_credit_ids(block: &Json) -> usize {
    let mut ids: Vec<&str> = ["cast", "crew"]
        .iter()
        .flat_map(|k| block[*k].as_array().into_iter().flatten())
        .filter_map(|c| c["credit_id"].as_str())
        .filter(|s| !s.is_empty())
        .collect();
    ids.sort_unstable();
    ids.dedup();
    ids.len()
}

fn json_len(v: &Json) -> usize {
    v.as_array().map_or(0, Vec::len)
}

/// Values of a few samples read back right after they were written (a later sample of the same
/// id may hold less, e.g. `jdrouet-1399-keywords.json` has no name).
async fn spot_check(env: &Env, dir: &str, name: &str, j: &Json) {
    let backend = env.db.backend;
    let main = |table: &'static str, pk: &'static str, column: &'static str, field: &str| {
        (table, pk, column, j[field].as_str().map(str::to_owned))
    };
    let (table, pk, column, want) = match (dir, name) {
        ("movie", FULL_MOVIE) | ("movie", "ceg-550-details.json") => {
            main("T_WC_TMDB_MOVIE", "ID_MOVIE", "TITLE", "title")
        }
        ("tv", "ceg-1399-details-append-all.json") => {
            main("T_WC_TMDB_SERIE", "ID_SERIE", "TITLE", "name")
        }
        ("person", "ceg-12312-details-append-all.json") => {
            main("T_WC_TMDB_PERSON", "ID_PERSON", "NAME", "name")
        }
        ("collection", "ceg-10-details.json") => {
            main("T_WC_TMDB_COLLECTION", "ID_COLLECTION", "NAME", "name")
        }
        ("company", "jdrouet-1-details.json") => {
            main("T_WC_TMDB_COMPANY", "ID_COMPANY", "NAME", "name")
        }
        ("network", "ceg-49-details.json") => {
            main("T_WC_TMDB_NETWORK", "ID_NETWORK", "NAME", "name")
        }
        ("keyword", "ceg-1701-details.json") => {
            main("T_WC_TMDB_KEYWORD_ID_IMPORT_LANG", "id", "name", "name")
        }
        ("list", "ceg-1-details.json") => main("T_WC_TMDB_LIST", "ID_LIST", "NAME", "name"),
        _ => return,
    };
    // List ids are text in the body ("1").
    let id = j["id"]
        .as_i64()
        .or_else(|| j["id"].as_str().and_then(|s| s.parse().ok()))
        .unwrap_or_else(|| panic!("{dir}/{name}: no usable id"));
    let want = want.unwrap_or_else(|| panic!("{dir}/{name} has no {column}"));
    assert_eq!(
        one(env, table, pk, id, column, Hint::Text).await,
        Cell::S(want),
        "{dir}/{name}: {table}.{column} on {backend:?}"
    );
    println!("spot-checked {dir}/{name}: {table}.{column}");

    if (dir, name) == ("movie", FULL_MOVIE) {
        let credits = distinct_credit_ids(&j["credits"]);
        assert!(credits > 10, "{name} has credits");
        assert_eq!(
            count(env, "T_WC_TMDB_PERSON_MOVIE", "ID_MOVIE", id).await,
            credits,
            "credit rows of {id} on {backend:?}"
        );
        assert_eq!(
            count(env, "T_WC_TMDB_MOVIE_GENRE", "ID_MOVIE", id).await,
            json_len(&j["genres"]),
            "genre rows of {id} on {backend:?}"
        );
        let images = ["backdrops", "posters", "logos"]
            .iter()
            .map(|k| json_len(&j["images"][*k]))
            .sum::<usize>();
        assert!(images > 0, "{name} has images");
        assert_eq!(
            count(env, "T_WC_TMDB_MOVIE_IMAGE", "ID_MOVIE", id).await,
            images,
            "image rows of {id} on {backend:?}"
        );
        let stamps = rows_where(
            &env.db,
            &env.conn,
            "T_WC_TMDB_MOVIE",
            "ID_MOVIE",
            id,
            &[
                ("TIM_CREDITS_COMPLETED", Hint::DateTime),
                ("TIM_KEYWORDS_COMPLETED", Hint::DateTime),
                ("TIM_IMAGES_COMPLETED", Hint::DateTime),
            ],
        )
        .await;
        assert!(
            stamps[0].values().all(|v| *v != Cell::Null),
            "{name} stamps {stamps:?} on {backend:?}"
        );
    }
    if (dir, name) == ("list", "ceg-1-details.json") {
        let movies = j["items"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|i| i["media_type"].as_str() != Some("tv"))
            .count();
        assert!(movies > 0, "{name} has movies");
        assert_eq!(
            count(env, "T_WC_TMDB_MOVIE_LIST", "ID_LIST", id).await,
            movies,
            "movie items of list {id} on {backend:?}"
        );
    }
}

async fn samples_on(backend: Backend) {
    let Some(env) = env(backend, "samples").await else {
        return;
    };
    for (kind, dir, minimum) in KINDS {
        let mut written = 0;
        let mut skipped: Vec<String> = Vec::new();
        for path in sample_files(dir) {
            let name = path
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or_default()
                .to_owned();
            let bytes = read_sample(&format!("{dir}/{name}"));
            let record = match map_sample(kind, &bytes) {
                Ok(record) => record,
                Err(why) => {
                    skipped.push(format!("{name}: {why}"));
                    continue;
                }
            };
            let has_main = record.main.is_some();
            let first = write(&env, record.clone(), &format!("{dir}/{name}")).await;
            let again = write(&env, record, &format!("{dir}/{name} again")).await;
            assert!(
                again.inserted == 0 && again.deleted == 0,
                "{dir}/{name} on {backend:?}: an unchanged refresh wrote rows: {again:?} \
                 (first write {first:?})"
            );
            // The main row is always rewritten (TIM_UPDATED); no child row may change.
            assert_eq!(
                again.updated,
                usize::from(has_main),
                "{dir}/{name} on {backend:?}: an unchanged refresh updated child rows: \
                 {again:?} (first write {first:?})"
            );
            assert_eq!(
                again.truncated, first.truncated,
                "{dir}/{name} on {backend:?}"
            );
            let json: Json = serde_json::from_slice(&bytes).expect("sample is JSON");
            spot_check(&env, dir, &name, &json).await;
            written += 1;
        }
        println!(
            "{backend:?} {dir}: {written} written twice, {} skipped",
            skipped.len()
        );
        for s in &skipped {
            println!("  skipped {dir}/{s}");
        }
        assert!(
            written >= minimum,
            "{dir}: only {written} samples written on {backend:?} (at least {minimum} expected)"
        );
    }
    drop(env);
}

#[actix_rt::test]
async fn every_sample_writes_and_an_unchanged_refresh_writes_nothing_on_sqlite() {
    samples_on(Backend::Sqlite).await;
}

#[actix_rt::test]
#[cfg_attr(
    not(tmdbc_test_mysql),
    ignore = "needs TMDB_CRAWLER_TEST_MYSQL_URL (a MariaDB server)"
)]
async fn every_sample_writes_and_an_unchanged_refresh_writes_nothing_on_mariadb() {
    samples_on(Backend::MySql).await;
}

#[actix_rt::test]
#[cfg_attr(
    not(tmdbc_test_postgres),
    ignore = "needs TMDB_CRAWLER_TEST_POSTGRES_URL (a PostgreSQL server)"
)]
async fn every_sample_writes_and_an_unchanged_refresh_writes_nothing_on_postgres() {
    samples_on(Backend::Postgres).await;
}

// ---- 2. hostile values -----------------------------------------------------------------------

/// Quotes, backslashes and an apostrophe, as text (not a Rust escape).
const TAGLINE: &str = r#"He said \"hi\" \\ it's"#;

async fn bad_data_on(backend: Backend) {
    let Some(env) = env(backend, "baddata").await else {
        return;
    };
    let mut movie = movie_sample(FULL_MOVIE);
    let id = i64::from(records::id32(movie.id));
    // The sample itself needs no cut: every cut counted below is one of ours.
    let clean = write(&env, movie_record(&movie), "unmodified sample").await;
    assert_eq!(clean.truncated, 0, "unmodified sample on {backend:?}");

    let emoji = "\u{1F3AC}"; // 🎬, 4 bytes in UTF-8
    movie.title = Some(emoji.repeat(300));
    movie.overview = Some("before\0after".to_owned());
    movie.tagline = Some(TAGLINE.to_owned());
    let credits = movie.credits.as_mut().expect("sample has credits");
    let cast = credits.cast.first_mut().expect("sample has cast");
    cast.character = Some("é".repeat(700));
    let credit_id = cast.credit_id.clone().expect("cast credit id");
    let summary = write(&env, movie_record(&movie), "hostile movie").await;
    // Title cut, NUL removed, character cut.
    assert_eq!(summary.truncated, 3, "{summary:?} on {backend:?}");
    assert_eq!(summary.inserted, 0, "{summary:?} on {backend:?}");

    let title = one(&env, "T_WC_TMDB_MOVIE", "ID_MOVIE", id, "TITLE", Hint::Text).await;
    let Cell::S(title) = title else {
        panic!("TITLE {title:?} on {backend:?}")
    };
    assert_eq!(
        title.chars().count(),
        250,
        "TITLE characters on {backend:?}"
    );
    assert_eq!(title.len(), 1000, "TITLE bytes on {backend:?}");
    assert_eq!(title, emoji.repeat(250), "TITLE on {backend:?}");
    assert_eq!(
        one(
            &env,
            "T_WC_TMDB_MOVIE",
            "ID_MOVIE",
            id,
            "OVERVIEW",
            Hint::Text
        )
        .await,
        Cell::s("beforeafter"),
        "OVERVIEW on {backend:?}"
    );
    assert_eq!(
        one(
            &env,
            "T_WC_TMDB_MOVIE",
            "ID_MOVIE",
            id,
            "TAGLINE",
            Hint::Text
        )
        .await,
        Cell::s(TAGLINE),
        "TAGLINE on {backend:?}"
    );
    let character = credit_row(&env, id, &credit_id).await;
    assert_eq!(
        character,
        Some("é".repeat(600)),
        "CAST_CHARACTER of {credit_id} on {backend:?}"
    );

    // The same hostile record again: cut the same way, so nothing differs.
    let again = write(&env, movie_record(&movie), "hostile movie again").await;
    assert_eq!(
        (
            again.inserted,
            again.deleted,
            again.updated,
            again.truncated
        ),
        (0, 0, 1, 3),
        "{again:?} on {backend:?}"
    );

    // A body with nothing but its id: a new movie gets its main row and no stamp.
    let bare_id = 999_001;
    let bare = Movie {
        id: bare_id,
        ..Default::default()
    };
    let summary = write(&env, movie_record(&bare), "bare movie").await;
    assert_eq!(
        (summary.inserted, summary.deleted, summary.truncated),
        (1, 0, 0),
        "{summary:?} on {backend:?}"
    );
    let bare_stamps = stamps(&env, bare_id as i64).await;
    assert_eq!(
        bare_stamps,
        vec![Cell::Null; 3],
        "bare movie stamps on {backend:?}"
    );
    assert_eq!(
        one(
            &env,
            "T_WC_TMDB_MOVIE",
            "ID_MOVIE",
            bare_id as i64,
            "TITLE",
            Hint::Text
        )
        .await,
        Cell::s(""),
        "bare movie TITLE on {backend:?}"
    );

    // Over the existing movie: its children and stamps stay as they were.
    let old = "2001-02-03 04:05:06";
    let sql = format!(
        "UPDATE {t} SET {c} = '{old}', {k} = '{old}', {i} = '{old}' WHERE {pk} = {id}",
        t = quoted(backend, "T_WC_TMDB_MOVIE"),
        c = quoted(backend, "TIM_CREDITS_COMPLETED"),
        k = quoted(backend, "TIM_KEYWORDS_COMPLETED"),
        i = quoted(backend, "TIM_IMAGES_COMPLETED"),
        pk = quoted(backend, "ID_MOVIE"),
    );
    env.conn.execute_unprepared(&sql).await.expect("set stamps");
    let children = child_counts(&env, id).await;
    let bare = Movie {
        id: id as u64,
        ..Default::default()
    };
    let summary = write(&env, movie_record(&bare), "bare body of a stored movie").await;
    assert_eq!(
        (summary.inserted, summary.deleted),
        (0, 0),
        "{summary:?} on {backend:?}"
    );
    assert_eq!(
        child_counts(&env, id).await,
        children,
        "children of {id} on {backend:?}"
    );
    assert_eq!(
        stamps(&env, id).await,
        vec![Cell::D(old.to_owned()); 3],
        "stamps of {id} on {backend:?}"
    );
    drop(env);
}

async fn credit_row(env: &Env, movie: i64, credit_id: &str) -> Option<String> {
    let rows = rows_where(
        &env.db,
        &env.conn,
        "T_WC_TMDB_PERSON_MOVIE",
        "ID_MOVIE",
        movie,
        &[("ID_CREDIT", Hint::Text), ("CAST_CHARACTER", Hint::Text)],
    )
    .await;
    rows.into_iter()
        .find(|r| r.get("ID_CREDIT") == Some(&Cell::s(credit_id)))
        .and_then(|r| match r.get("CAST_CHARACTER") {
            Some(Cell::S(s)) => Some(s.clone()),
            _ => None,
        })
}

async fn stamps(env: &Env, id: i64) -> Vec<Cell> {
    let rows = rows_where(
        &env.db,
        &env.conn,
        "T_WC_TMDB_MOVIE",
        "ID_MOVIE",
        id,
        &[
            ("TIM_CREDITS_COMPLETED", Hint::DateTime),
            ("TIM_KEYWORDS_COMPLETED", Hint::DateTime),
            ("TIM_IMAGES_COMPLETED", Hint::DateTime),
        ],
    )
    .await;
    assert_eq!(rows.len(), 1, "movie {id} on {:?}", env.db.backend);
    rows.into_iter()
        .flat_map(BTreeMap::into_values)
        .collect::<Vec<_>>()
}

const MOVIE_CHILDREN: [&str; 8] = [
    "T_WC_TMDB_MOVIE_GENRE",
    "T_WC_TMDB_MOVIE_COMPANY",
    "T_WC_TMDB_MOVIE_PRODUCTION_COUNTRY",
    "T_WC_TMDB_MOVIE_SPOKEN_LANGUAGE",
    "T_WC_TMDB_MOVIE_KEYWORD",
    "T_WC_TMDB_MOVIE_IMAGE",
    "T_WC_TMDB_MOVIE_LANG",
    "T_WC_TMDB_PERSON_MOVIE",
];

async fn child_counts(env: &Env, id: i64) -> Vec<(&'static str, usize)> {
    let mut out = Vec::new();
    for table in MOVIE_CHILDREN {
        out.push((table, count(env, table, "ID_MOVIE", id).await));
    }
    assert!(out.iter().all(|(_, n)| *n > 0), "{out:?}");
    out
}

#[actix_rt::test]
async fn hostile_values_are_cut_cleaned_or_kept_exactly_on_sqlite() {
    bad_data_on(Backend::Sqlite).await;
}

#[actix_rt::test]
#[cfg_attr(
    not(tmdbc_test_mysql),
    ignore = "needs TMDB_CRAWLER_TEST_MYSQL_URL (a MariaDB server)"
)]
async fn hostile_values_are_cut_cleaned_or_kept_exactly_on_mariadb() {
    bad_data_on(Backend::MySql).await;
}

#[actix_rt::test]
#[cfg_attr(
    not(tmdbc_test_postgres),
    ignore = "needs TMDB_CRAWLER_TEST_POSTGRES_URL (a PostgreSQL server)"
)]
async fn hostile_values_are_cut_cleaned_or_kept_exactly_on_postgres() {
    bad_data_on(Backend::Postgres).await;
}

// ---- 3. authoritative child sets -------------------------------------------------------------

async fn authoritative_on(backend: Backend) {
    let Some(env) = env(backend, "stale").await else {
        return;
    };
    let mut movie = movie_sample(FULL_MOVIE);
    // The sample has one keyword: four more from another sample, so that the set is not
    // empty after one is removed (an empty set would not tell "never" from "if any").
    let more = movie_sample(KEYWORDS_MOVIE).keywords.expect("keywords");
    let keywords = movie.keywords.as_mut().expect("keywords");
    assert!(keywords.results.is_empty());
    keywords.keywords.extend(more.all().iter().cloned());
    let other = movie_sample(OTHER_MOVIE);
    let id = i64::from(records::id32(movie.id));
    let other_id = i64::from(records::id32(other.id));
    write(&env, movie_record(&movie), FULL_MOVIE).await;
    write(&env, movie_record(&other), OTHER_MOVIE).await;
    let other_credits = values(
        &env,
        "T_WC_TMDB_PERSON_MOVIE",
        "ID_MOVIE",
        other_id,
        "ID_CREDIT",
        Hint::Text,
    )
    .await;
    assert!(!other_credits.is_empty(), "{OTHER_MOVIE} has credits");

    let e = &env;
    let genres = move || {
        values(
            e,
            "T_WC_TMDB_MOVIE_GENRE",
            "ID_MOVIE",
            id,
            "ID_GENRE",
            Hint::Int,
        )
    };
    let credits = move || {
        values(
            e,
            "T_WC_TMDB_PERSON_MOVIE",
            "ID_MOVIE",
            id,
            "ID_CREDIT",
            Hint::Text,
        )
    };
    let images = move || {
        values(
            e,
            "T_WC_TMDB_MOVIE_IMAGE",
            "ID_MOVIE",
            id,
            "IMAGE_PATH",
            Hint::Text,
        )
    };
    let keywords = move || {
        values(
            e,
            "T_WC_TMDB_MOVIE_KEYWORD",
            "ID_MOVIE",
            id,
            "ID_KEYWORD",
            Hint::Int,
        )
    };
    let genres_before = genres().await;
    let credits_before = credits().await;
    let images_before = images().await;
    let keywords_before = keywords().await;
    assert!(genres_before.len() >= 2, "{genres_before:?}");
    assert_eq!(keywords_before.len(), 5, "{keywords_before:?}");

    // One of each removed from the payload.
    let gone_genre = movie.genres.as_mut().expect("genres").remove(0).id;
    let movie_credits = movie.credits.as_mut().expect("credits");
    let gone_credit = movie_credits
        .cast
        .remove(0)
        .credit_id
        .expect("cast credit id");
    let movie_images = movie.images.as_mut().expect("images");
    let gone_image = movie_images
        .posters
        .remove(0)
        .file_path
        .expect("poster path");
    let movie_keywords = movie.keywords.as_mut().expect("keywords");
    let kept_keyword = movie_keywords.keywords.remove(0).id;
    // Each removed value was there once and is nowhere else in the payload.
    assert!(movie.genres.iter().flatten().all(|g| g.id != gone_genre));
    let movie_credits = movie.credits.as_ref().expect("credits");
    assert!(
        movie_credits
            .cast
            .iter()
            .map(|c| &c.credit_id)
            .chain(movie_credits.crew.iter().map(|c| &c.credit_id))
            .all(|c| c.as_deref() != Some(gone_credit.as_str()))
    );
    let movie_images = movie.images.as_ref().expect("images");
    assert!(
        movie_images
            .posters
            .iter()
            .all(|i| i.file_path.as_deref() != Some(gone_image.as_str()))
    );

    let summary = write(
        &env,
        movie_record(&movie),
        "payload with one of each removed",
    )
    .await;
    assert_eq!(
        (summary.inserted, summary.deleted),
        (0, 3),
        "genre, credit and image deleted: {summary:?} on {backend:?}"
    );
    let gone = |cells: &[Cell], v: &Cell| !cells.contains(v);
    let genres_now = genres().await;
    assert_eq!(genres_now.len(), genres_before.len() - 1, "{backend:?}");
    assert!(
        gone(&genres_now, &Cell::I(gone_genre as i64)),
        "genre {gone_genre} still linked on {backend:?}"
    );
    let credits_now = credits().await;
    assert_eq!(credits_now.len(), credits_before.len() - 1, "{backend:?}");
    assert!(
        gone(&credits_now, &Cell::s(&gone_credit)),
        "credit {gone_credit} still stored on {backend:?}"
    );
    let images_now = images().await;
    assert_eq!(images_now.len(), images_before.len() - 1, "{backend:?}");
    assert!(
        gone(&images_now, &Cell::s(&gone_image)),
        "image {gone_image} still stored on {backend:?}"
    );
    let keywords_now = keywords().await;
    assert_eq!(
        keywords_now, keywords_before,
        "keywords are never deleted on {backend:?}"
    );
    assert!(keywords_now.contains(&Cell::I(kept_keyword as i64)));

    // An empty genre list means "unknown": nothing is deleted.
    movie.genres = Some(Vec::new());
    let summary = write(&env, movie_record(&movie), "empty genre list").await;
    assert_eq!(summary.deleted, 0, "{summary:?} on {backend:?}");
    assert_eq!(genres().await, genres_now, "genres on {backend:?}");

    // An empty credits append empties the movie's credits, and only its own.
    movie.credits = Some(Credits::default());
    let summary = write(&env, movie_record(&movie), "empty credits append").await;
    assert_eq!(
        (summary.inserted, summary.deleted),
        (0, credits_now.len()),
        "{summary:?} on {backend:?}"
    );
    assert_eq!(credits().await, Vec::<Cell>::new(), "{backend:?}");
    assert_eq!(genres().await, genres_now, "genres on {backend:?}");
    assert_eq!(images().await, images_now, "images on {backend:?}");
    assert_eq!(
        values(
            &env,
            "T_WC_TMDB_PERSON_MOVIE",
            "ID_MOVIE",
            other_id,
            "ID_CREDIT",
            Hint::Text
        )
        .await,
        other_credits,
        "credits of {other_id} on {backend:?}"
    );
    println!(
        "{backend:?}: removed genre {gone_genre}, credit {gone_credit}, image {gone_image}; \
         kept keyword {kept_keyword}; {} credits emptied; {} credits of {other_id} kept",
        credits_now.len(),
        other_credits.len(),
    );
    drop(env);
}

#[actix_rt::test]
async fn child_sets_are_authoritative_on_sqlite() {
    authoritative_on(Backend::Sqlite).await;
}

#[actix_rt::test]
#[cfg_attr(
    not(tmdbc_test_mysql),
    ignore = "needs TMDB_CRAWLER_TEST_MYSQL_URL (a MariaDB server)"
)]
async fn child_sets_are_authoritative_on_mariadb() {
    authoritative_on(Backend::MySql).await;
}

#[actix_rt::test]
#[cfg_attr(
    not(tmdbc_test_postgres),
    ignore = "needs TMDB_CRAWLER_TEST_POSTGRES_URL (a PostgreSQL server)"
)]
async fn child_sets_are_authoritative_on_postgres() {
    authoritative_on(Backend::Postgres).await;
}

// ---- 4. the real title-level appends of 2026-08 ----------------------------------------------

/// Rows a real watch-provider block gives: one per provider of each known bucket.
fn provider_rows(block: &Json) -> usize {
    block["results"]
        .as_object()
        .into_iter()
        .flatten()
        .map(|(_, country)| {
            ["flatrate", "free", "ads", "rent", "buy"]
                .iter()
                .map(|b| json_len(&country[*b]))
                .sum::<usize>()
        })
        .sum()
}

fn distinct_ids(page: &Json) -> usize {
    let mut ids: Vec<i64> = page["results"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|m| m["id"].as_i64())
        .collect();
    ids.sort_unstable();
    ids.dedup();
    ids.len()
}

/// Fight Club's real standalone bodies (release dates, providers, neighbours, videos,
/// alternative titles) as the appends of its details body, and Game of Thrones with its real
/// appends: every block validates, every row is written, a second write changes nothing.
async fn title_appends_on(backend: Backend) {
    let Some(env) = env(backend, "titleappends").await else {
        return;
    };
    let mut details: Json = serde_json::from_slice(&read_sample("movie/jdrouet-550-details.json"))
        .expect("details are JSON");
    let blocks = [
        ("release_dates", "jdrouet-550-release-dates.json"),
        ("watch/providers", "jdrouet-550-watch-providers.json"),
        ("similar", "jdrouet-550-similar.json"),
        ("recommendations", "jdrouet-550-recommendations.json"),
        ("videos", "jdrouet-550-videos.json"),
        ("alternative_titles", "jdrouet-550-alternative-titles.json"),
    ];
    for (append, file) in blocks {
        details[append] = serde_json::from_slice(&read_sample(&format!("movie/{file}")))
            .unwrap_or_else(|e| panic!("{file}: {e}"));
    }
    let movie: Movie = serde_json::from_value(details.clone()).expect("Fight Club parses");
    assert_eq!(movie.release_dates.as_ref().and_then(|r| r.malformed), None);
    assert_eq!(
        movie.watch_providers.as_ref().and_then(|w| w.malformed),
        None
    );
    assert_eq!(movie.videos.as_ref().and_then(|v| v.malformed), None);
    let first = write(&env, movie_record(&movie), "Fight Club").await;
    let again = write(&env, movie_record(&movie), "Fight Club again").await;
    assert_eq!(
        (again.inserted, again.deleted, again.updated),
        (0, 0, 1),
        "{backend:?}: an unchanged refresh changes no row (first {first:?})"
    );
    let releases: usize = details["release_dates"]["results"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|c| json_len(&c["release_dates"]))
        .sum();
    let expected = [
        ("T_WC_TMDB_MOVIE_RELEASE_DATE", releases),
        (
            "T_WC_TMDB_MOVIE_WATCH_PROVIDER",
            provider_rows(&details["watch/providers"]),
        ),
        ("T_WC_TMDB_MOVIE_SIMILAR", distinct_ids(&details["similar"])),
        (
            "T_WC_TMDB_MOVIE_RECOMMENDATION",
            distinct_ids(&details["recommendations"]),
        ),
        (
            "T_WC_TMDB_MOVIE_VIDEO",
            json_len(&details["videos"]["results"]),
        ),
        (
            "T_WC_TMDB_MOVIE_TITLE",
            json_len(&details["alternative_titles"]["titles"]),
        ),
    ];
    for (table, rows) in expected {
        assert!(rows > 0, "the sample fills {table}");
        assert_eq!(
            count(&env, table, "ID_MOVIE", 550).await,
            rows,
            "{table} rows of Fight Club on {backend:?}"
        );
    }

    let bytes = read_sample("tv/ceg-1399-details-append-all.json");
    let j: Json = serde_json::from_slice(&bytes).expect("JSON");
    let record = map_sample(EntityKind::Series, &bytes).expect("Game of Thrones maps");
    write(&env, record.clone(), "Game of Thrones").await;
    let again = write(&env, record, "Game of Thrones again").await;
    assert_eq!((again.inserted, again.deleted, again.updated), (0, 0, 1));
    let expected = [
        (
            "T_WC_TMDB_SERIE_WATCH_PROVIDER",
            provider_rows(&j["watch/providers"]),
        ),
        ("T_WC_TMDB_SERIE_SIMILAR", distinct_ids(&j["similar"])),
        (
            "T_WC_TMDB_SERIE_RECOMMENDATION",
            distinct_ids(&j["recommendations"]),
        ),
        ("T_WC_TMDB_SERIE_VIDEO", json_len(&j["videos"]["results"])),
    ];
    for (table, rows) in expected {
        assert!(rows > 0, "the sample fills {table}");
        assert_eq!(
            count(&env, table, "ID_SERIE", 1399).await,
            rows,
            "{table} rows of Game of Thrones on {backend:?}"
        );
    }
    assert_eq!(
        one(
            &env,
            "T_WC_TMDB_SERIE",
            "ID_SERIE",
            1399,
            "ID_TVDB",
            Hint::Int
        )
        .await,
        Cell::json_int(&j["external_ids"]["tvdb_id"])
    );
    drop(env);
}

#[actix_rt::test]
async fn real_title_level_appends_write_on_sqlite() {
    title_appends_on(Backend::Sqlite).await;
}

#[actix_rt::test]
#[cfg_attr(
    not(tmdbc_test_mysql),
    ignore = "needs TMDB_CRAWLER_TEST_MYSQL_URL (a MariaDB server)"
)]
async fn real_title_level_appends_write_on_mariadb() {
    title_appends_on(Backend::MySql).await;
}

#[actix_rt::test]
#[cfg_attr(
    not(tmdbc_test_postgres),
    ignore = "needs TMDB_CRAWLER_TEST_POSTGRES_URL (a PostgreSQL server)"
)]
async fn real_title_level_appends_write_on_postgres() {
    title_appends_on(Backend::Postgres).await;
}
