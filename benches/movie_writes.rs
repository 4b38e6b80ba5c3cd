//! Benchmark: full movies written per second through the DbWriter.
//!
//! `cargo bench --bench movie_writes` — prints figures, asserts nothing. Each movie carries
//! realistic child counts (60 credits, 25 images, 10 keywords, 3 genres, 3 companies,
//! 2 countries, 2 spoken languages, 1 language row: 107 rows). Three passes per backend:
//! new movies, an unchanged refresh, and a refresh where the title and 5 credits changed.
//! `TMDB_BENCH_MOVIES` (default 2000) sets the count, `TMDB_BENCH_IN_FLIGHT` (default 8) the
//! writes in flight. SQLite always; MariaDB / PostgreSQL when `TMDB_CRAWLER_TEST_MYSQL_URL` /
//! `TMDB_CRAWLER_TEST_POSTGRES_URL` are set (a throw-away database is created and dropped).

#[path = "../tests/support/db.rs"]
mod db;

use std::time::Instant;

use actix::{Actor, Addr};
use db::{Backend, TestDb};
use migration::{Migrator, MigratorTrait};
use serde_json::{Value, json};
use tmdb_crawler::actors::writer::{DbWriter, WriteEntity};
use tmdb_crawler::records::{EntityRecord, MappingOptions, movie};
use tmdb_crawler::tmdb::payload::Movie;

fn env_number(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// A movie body like TMDb's with the appends the crawler asks for.
fn payload(id: u64, variant: u64) -> Value {
    let cast: Vec<Value> = (0..40)
        .map(|i| {
            json!({"id": 1_000_000 + id * 10 + i % 37, "credit_id": format!("c{id}x{i}v{}", if i < 5 { variant } else { 0 }),
                   "character": format!("Character {i} of movie {id}"), "order": i, "name": "Actor Name"})
        })
        .collect();
    let crew: Vec<Value> = (0..20)
        .map(|i| {
            json!({"id": 2_000_000 + id * 10 + i, "credit_id": format!("w{id}x{i}"),
                   "department": "Production", "job": "Producer", "name": "Crew Name"})
        })
        .collect();
    let image = |kind: &str, i: u64, lang: Value| {
        json!({"file_path": format!("/{kind}{id}x{i}.jpg"), "iso_639_1": lang, "aspect_ratio": 1.778,
               "width": 1920, "height": 1080, "vote_average": 5.3, "vote_count": 4})
    };
    json!({
        "id": id,
        "title": if variant == 0 { format!("Movie number {id}") } else { format!("Movie number {id} (restored)") },
        "original_title": format!("Film numéro {id}"),
        "overview": "A long overview sentence about what happens in this movie. ".repeat(10),
        "tagline": "Every story has a secret.",
        "homepage": format!("https://movie-{id}.example.com/"),
        "imdb_id": format!("tt{id:07}"),
        "status": "Released", "release_date": "2019-05-17", "runtime": 104,
        "budget": 25_000_000, "revenue": 98_000_000, "adult": false, "video": false,
        "popularity": 12.5, "vote_average": 6.8, "vote_count": 1200,
        "original_language": "en",
        "poster_path": format!("/poster{id}x0.jpg"), "backdrop_path": format!("/backdrop{id}x0.jpg"),
        "belongs_to_collection": null,
        "genres": [{"id": 18, "name": "Drama"}, {"id": 53, "name": "Thriller"}, {"id": 80, "name": "Crime"}],
        "production_companies": [{"id": 1}, {"id": 2}, {"id": 3}],
        "production_countries": [{"iso_3166_1": "US"}, {"iso_3166_1": "FR"}],
        "spoken_languages": [{"iso_639_1": "en"}, {"iso_639_1": "fr"}],
        "credits": {"cast": cast, "crew": crew},
        "keywords": {"keywords": (0..10).map(|k| json!({"id": 100 + k, "name": "kw"})).collect::<Vec<_>>()},
        "images": {
            "backdrops": (0..10).map(|i| image("backdrop", i, Value::Null)).collect::<Vec<_>>(),
            "posters": (0..12).map(|i| image("poster", i, if i % 2 == 0 { json!("en") } else { json!("fr") })).collect::<Vec<_>>(),
            "logos": (0..3).map(|i| image("logo", i, json!("en"))).collect::<Vec<_>>(),
        },
        "translations": {"translations": [
            {"iso_639_1": "fr", "iso_3166_1": "FR", "data": {"title": format!("Film {id}"), "overview": "Un résumé.", "tagline": ""}}
        ]},
        "external_ids": {"wikidata_id": format!("Q{id}")},
    })
}

fn records(count: usize, variant: u64) -> Vec<EntityRecord> {
    let options = MappingOptions::default();
    (0..count as u64)
        .map(|i| {
            let m: Movie = serde_json::from_value(payload(100 + i, variant)).expect("payload");
            movie::record(&m, &options)
        })
        .collect()
}

/// Writes every record with `in_flight` writes outstanding; returns (seconds, failures).
async fn write_all(
    writer: &Addr<DbWriter>,
    records: Vec<EntityRecord>,
    in_flight: usize,
) -> (f64, usize) {
    let start = Instant::now();
    let mut lanes: Vec<Vec<EntityRecord>> = (0..in_flight).map(|_| Vec::new()).collect();
    for (i, r) in records.into_iter().enumerate() {
        lanes[i % in_flight].push(r);
    }
    let tasks = lanes.into_iter().map(|lane| {
        let writer = writer.clone();
        async move {
            let mut failed = 0;
            for r in lane {
                if !matches!(writer.send(WriteEntity(r)).await, Ok(Ok(_))) {
                    failed += 1;
                }
            }
            failed
        }
    });
    let failed: usize = futures_util::future::join_all(tasks)
        .await
        .into_iter()
        .sum();
    (start.elapsed().as_secs_f64(), failed)
}

async fn bench(backend: Backend, count: usize, in_flight: usize) {
    let Some(db) = TestDb::create(backend, "bench_movies").await else {
        return;
    };
    // Connect as the crawler does (its pool settings are part of what is measured).
    let url = tmdb_crawler::config::DatabaseUrl::parse(&db.url).expect("database url");
    let conn = tmdb_crawler::store::connect(&url, 24)
        .await
        .expect("connect");
    Migrator::up(&conn, None).await.expect("migrate up");
    let writer = DbWriter::connect(conn.clone(), chrono_tz::Europe::Paris)
        .await
        .expect("writer")
        .start();
    for (label, variant) in [
        ("new movies", 0),
        ("unchanged refresh", 0),
        ("changed refresh", 1),
    ] {
        let batch = records(count, variant);
        let (secs, failed) = write_all(&writer, batch, in_flight).await;
        println!(
            "{backend:?}\t{label:<18}\t{count} movies\t{secs:.2} s\t{:.0} movies/s\t{:.0} rows/s\tfailed {failed}",
            count as f64 / secs,
            count as f64 * 107.0 / secs,
        );
    }
    drop(conn);
    drop(db);
}

fn main() {
    let count = env_number("TMDB_BENCH_MOVIES", 2000);
    let in_flight = env_number("TMDB_BENCH_IN_FLIGHT", 8).max(1);
    println!("movie writes: {count} movies x 107 rows, {in_flight} writes in flight");
    let system = actix::System::new();
    system.block_on(async move {
        for backend in [Backend::Sqlite, Backend::MySql, Backend::Postgres] {
            bench(backend, count, in_flight).await;
        }
    });
}
