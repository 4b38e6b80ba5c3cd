//! Tests of the fake TMDb server itself (fake-tmdb/): authentication, payload
//! shapes, 404/34 for deleted ids, changes windows, list paging, rate limit, faults, exports
//! and counters.

use std::collections::{BTreeSet, HashSet};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use chrono::NaiveDate;
use fake_tmdb::{
    CatalogFault, CatalogueSizes, ExportFault, ExportKind, FakeTmdb, FakeTmdbConfig, FaultKind,
    Kind, MOVIE_APPENDS, PERSON_APPENDS, SnapshotFault, TV_APPENDS,
};
use serde_json::Value;

fn start() -> FakeTmdb {
    FakeTmdb::start(FakeTmdbConfig::default())
}

fn client() -> awc::Client {
    awc::Client::builder()
        .timeout(Duration::from_secs(5))
        .finish()
}

/// GET through awc: status, Retry-After header, body.
async fn get(url: &str) -> (u16, Option<String>, Vec<u8>) {
    let mut res = client()
        .get(url)
        .send()
        .await
        .unwrap_or_else(|e| panic!("GET {url}: {e}"));
    let retry_after = res
        .headers()
        .get("retry-after")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned);
    let body = res
        .body()
        .limit(64 * 1024 * 1024)
        .await
        .unwrap_or_else(|e| panic!("body of {url}: {e}"));
    (res.status().as_u16(), retry_after, body.to_vec())
}

async fn get_json(url: &str) -> (u16, Value) {
    let (status, _, body) = get(url).await;
    let json = serde_json::from_slice(&body).unwrap_or_else(|e| {
        panic!(
            "JSON of {url}: {e}: {}",
            String::from_utf8_lossy(&body[..body.len().min(300)])
        )
    });
    (status, json)
}

/// A raw HTTP/1.1 exchange over std's TcpStream (no runtime needed): everything received.
fn raw_get(tmdb: &FakeTmdb, path_and_query: &str) -> std::io::Result<Vec<u8>> {
    let mut stream = TcpStream::connect(("127.0.0.1", tmdb.port))?;
    stream.set_read_timeout(Some(Duration::from_secs(5)))?;
    write!(
        stream,
        "GET {path_and_query} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
    )?;
    let mut out = Vec::new();
    match stream.read_to_end(&mut out) {
        Ok(_) => Ok(out),
        Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset => Ok(out),
        Err(e) => Err(e),
    }
}

fn split_response(raw: &[u8]) -> (String, Vec<u8>) {
    let pos = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("end of the response head");
    (
        String::from_utf8_lossy(&raw[..pos]).into_owned(),
        raw[pos + 4..].to_vec(),
    )
}

fn assert_error(json: &Value, code: u64) {
    assert_eq!(json["status_code"], code, "{json}");
    assert_eq!(json["success"], false, "{json}");
    assert!(json["status_message"].is_string(), "{json}");
}

fn date(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("a test date")
}

#[test]
fn starts_from_a_plain_test_and_stops_on_drop() {
    let tmdb = start();
    let movie = tmdb.catalogue().live_ids(Kind::Movie)[0];
    let raw = raw_get(&tmdb, &format!("/3/movie/{movie}?api_key=fake-api-key")).expect("raw GET");
    let (head, body) = split_response(&raw);
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    let json: Value = serde_json::from_slice(&body).expect("movie JSON");
    assert_eq!(json["id"], movie);
    let port = tmdb.port;
    drop(tmdb);
    assert!(
        TcpStream::connect(("127.0.0.1", port)).is_err(),
        "the server still accepts connections after drop"
    );
}

#[actix_rt::test]
async fn authentication_by_key_bearer_or_401() {
    let tmdb = start();
    let id = tmdb.catalogue().live_ids(Kind::Movie)[1];
    let path = format!("/3/movie/{id}");

    let (status, json) = get_json(&tmdb.url(&path)).await;
    assert_eq!((status, json["id"].as_u64()), (200, Some(id)));

    let res = client()
        .get(format!("{}{path}", tmdb.base_url))
        .insert_header(("Authorization", "Bearer fake-api-token"))
        .send()
        .await
        .expect("bearer request");
    assert_eq!(res.status().as_u16(), 200);

    let res = client()
        .get(format!("{}{path}", tmdb.base_url))
        .insert_header(("Authorization", "Bearer wrong"))
        .send()
        .await
        .expect("bad bearer request");
    assert_eq!(res.status().as_u16(), 401);

    for url in [
        format!("{}{path}", tmdb.base_url),
        format!("{}{path}?api_key=wrong", tmdb.base_url),
    ] {
        let (status, json) = get_json(&url).await;
        assert_eq!(status, 401, "{url}");
        assert_error(&json, 7);
        assert_eq!(
            json["status_message"],
            "Invalid API key: You must be granted a valid key."
        );
    }

    tmdb.knobs.set_invalid_key(true);
    let (status, json) = get_json(&tmdb.url(&path)).await;
    assert_eq!(status, 401);
    assert_error(&json, 7);
    tmdb.knobs.set_invalid_key(false);
    assert_eq!(get_json(&tmdb.url(&path)).await.0, 200);
}

#[actix_rt::test]
async fn movie_with_every_append_returns_every_block() {
    let tmdb = start();
    let cat = tmdb.catalogue();
    // A movie with credits, in a collection.
    let id = cat
        .live_ids(Kind::Movie)
        .into_iter()
        .find(|&id| cat.movie_collection_id(id).is_some() && !cat.movie_person_ids(id).is_empty())
        .expect("a movie with a collection and credits");
    let url = tmdb.url(&format!(
        "/3/movie/{id}?language=en-US&append_to_response={}",
        MOVIE_APPENDS.join(",")
    ));
    let (status, m) = get_json(&url).await;
    assert_eq!(status, 200);
    for key in [
        "adult",
        "backdrop_path",
        "belongs_to_collection",
        "budget",
        "genres",
        "homepage",
        "id",
        "imdb_id",
        "original_language",
        "original_title",
        "overview",
        "popularity",
        "poster_path",
        "production_companies",
        "production_countries",
        "release_date",
        "revenue",
        "runtime",
        "spoken_languages",
        "status",
        "tagline",
        "title",
        "video",
        "vote_average",
        "vote_count",
    ] {
        assert!(m.get(key).is_some(), "movie lacks {key}");
    }
    for append in MOVIE_APPENDS {
        assert!(m.get(*append).is_some(), "append {append} missing");
    }
    assert_eq!(
        m["belongs_to_collection"]["id"].as_u64(),
        cat.movie_collection_id(id)
    );
    let cast = m["credits"]["cast"].as_array().expect("cast");
    let crew = m["credits"]["crew"].as_array().expect("crew");
    let credited: Vec<u64> = cast
        .iter()
        .chain(crew)
        .filter_map(|c| c["id"].as_u64())
        .collect();
    assert_eq!(
        credited.iter().collect::<BTreeSet<_>>(),
        cat.movie_person_ids(id).iter().collect::<BTreeSet<_>>()
    );
    for c in cast {
        for key in [
            "cast_id",
            "character",
            "credit_id",
            "order",
            "known_for_department",
            "original_name",
            "profile_path",
        ] {
            assert!(c.get(key).is_some(), "cast entry lacks {key}: {c}");
        }
        assert_eq!(c["credit_id"].as_str().map(str::len), Some(24));
    }
    assert!(m["keywords"]["keywords"].is_array());
    for block in ["backdrops", "logos", "posters"] {
        assert!(m["images"][block].is_array(), "images.{block}");
    }
    assert!(m["videos"]["results"].is_array());
    assert!(m["external_ids"].get("imdb_id").is_some());
    assert!(
        m["external_ids"].get("id").is_none(),
        "appended blocks carry no id"
    );
    let langs: HashSet<&str> = m["translations"]["translations"]
        .as_array()
        .expect("translations")
        .iter()
        .filter_map(|t| t["iso_639_1"].as_str())
        .collect();
    assert!(langs.contains("en"), "{langs:?}");
    assert!(m["release_dates"]["results"].is_array());
    assert!(m["alternative_titles"]["titles"].is_array());
    for paged in ["similar", "recommendations"] {
        for key in ["page", "results", "total_pages", "total_results"] {
            assert!(m[paged].get(key).is_some(), "{paged}.{key}");
        }
    }
    assert!(m["watch/providers"]["results"].is_object());

    // The standalone form of an append adds the id.
    let (status, credits) = get_json(&tmdb.url(&format!("/3/movie/{id}/credits"))).await;
    assert_eq!(status, 200);
    assert_eq!(credits["id"], id);
    assert_eq!(credits["cast"], m["credits"]["cast"]);

    // More than 20 appends is refused.
    let many: Vec<String> = (0..21).map(|k| format!("x{k}")).collect();
    let (status, json) = get_json(&tmdb.url(&format!(
        "/3/movie/{id}?append_to_response={}",
        many.join(",")
    )))
    .await;
    assert_eq!(status, 400);
    assert_error(&json, 18);
}

#[actix_rt::test]
async fn series_person_collection_company_network_keyword_endpoints() {
    let tmdb = start();
    let cat = tmdb.catalogue();
    let tv = cat.live_ids(Kind::Tv)[0];
    let seasons = cat.season_numbers(tv);
    let mut appends: Vec<String> = TV_APPENDS.iter().map(|s| (*s).to_owned()).collect();
    appends.extend(seasons.iter().map(|n| format!("season/{n}")));
    let (status, t) = get_json(&tmdb.url(&format!(
        "/3/tv/{tv}?append_to_response={}",
        appends.join(",")
    )))
    .await;
    assert_eq!(status, 200);
    for a in &appends {
        assert!(t.get(a).is_some(), "tv append {a} missing");
    }
    assert!(t["origin_country"].is_array());
    assert_eq!(t["seasons"].as_array().map(Vec::len), Some(seasons.len()));
    assert!(t["keywords"]["results"].is_array());
    assert!(t["aggregate_credits"]["cast"].is_array());
    let networks: Vec<u64> = t["networks"]
        .as_array()
        .expect("networks")
        .iter()
        .filter_map(|n| n["id"].as_u64())
        .collect();
    assert_eq!(networks, cat.series_network_ids(tv));
    for n in &networks {
        let (status, net) =
            get_json(&tmdb.url(&format!("/3/network/{n}?append_to_response=images"))).await;
        if cat.exists(Kind::Network, *n) {
            assert_eq!(status, 200);
            assert!(net["origin_country"].is_string());
            assert!(net["images"]["logos"].is_array());
        }
    }

    let season = *seasons.last().expect("a season");
    let episodes = cat.episode_count(tv, season);
    let (status, s) = get_json(&tmdb.url(&format!("/3/tv/{tv}/season/{season}"))).await;
    assert_eq!(status, 200);
    assert_eq!(
        s["episodes"].as_array().map(Vec::len),
        Some(episodes as usize)
    );
    assert_eq!(s, t[format!("season/{season}")]);
    let (status, e) = get_json(&tmdb.url(&format!(
        "/3/tv/{tv}/season/{season}/episode/{episodes}?append_to_response=external_ids"
    )))
    .await;
    assert_eq!(status, 200);
    assert_eq!(e["episode_number"], episodes);
    assert!(e["guest_stars"].is_array() && e["external_ids"].is_object());
    let (status, _) = get_json(&tmdb.url(&format!("/3/tv/{tv}/season/{}", season + 1))).await;
    assert_eq!(status, 404);

    // Every person credited on a movie is served, including the missing ones, and lists the
    // movie in its combined credits.
    let missing: HashSet<u64> = cat.missing_person_ids().into_iter().collect();
    let exported: HashSet<u64> = cat.export_ids(Kind::Person).into_iter().collect();
    assert!(missing.iter().all(|p| !exported.contains(p)));
    let movie = cat
        .live_ids(Kind::Movie)
        .into_iter()
        .find(|&m| cat.movie_person_ids(m).iter().any(|p| missing.contains(p)))
        .expect("a movie crediting a missing person");
    for person in cat.movie_person_ids(movie) {
        let (status, p) = get_json(&tmdb.url(&format!(
            "/3/person/{person}?append_to_response={}",
            PERSON_APPENDS.join(",")
        )))
        .await;
        if cat.is_deleted(Kind::Person, person) {
            assert_eq!(status, 404);
            continue;
        }
        assert_eq!(status, 200, "person {person}");
        for a in PERSON_APPENDS {
            assert!(p.get(*a).is_some(), "person append {a}");
        }
        let in_credits = p["combined_credits"]["cast"]
            .as_array()
            .expect("cast")
            .iter()
            .chain(p["combined_credits"]["crew"].as_array().expect("crew"))
            .any(|c| c["id"] == movie && c["media_type"] == "movie");
        assert!(in_credits, "person {person} does not list movie {movie}");
    }

    let collection = cat
        .movie_collection_id(movie)
        .unwrap_or_else(|| cat.export_ids(Kind::Collection)[0]);
    if cat.exists(Kind::Collection, collection) {
        let (status, c) = get_json(&tmdb.url(&format!(
            "/3/collection/{collection}?append_to_response=images,translations"
        )))
        .await;
        assert_eq!(status, 200);
        let parts: Vec<u64> = c["parts"]
            .as_array()
            .expect("parts")
            .iter()
            .filter_map(|p| p["id"].as_u64())
            .collect();
        assert_eq!(parts, cat.collection_movie_ids(collection));
        assert!(c["images"]["posters"].is_array() && c["translations"]["translations"].is_array());
    }

    let company = cat.live_ids(Kind::Company)[0];
    let (status, c) = get_json(&tmdb.url(&format!("/3/company/{company}"))).await;
    assert_eq!(status, 200);
    for key in [
        "description",
        "headquarters",
        "homepage",
        "logo_path",
        "name",
        "origin_country",
        "parent_company",
    ] {
        assert!(c.get(key).is_some(), "company {key}");
    }
    let keyword = cat.live_ids(Kind::Keyword)[0];
    let (status, k) = get_json(&tmdb.url(&format!("/3/keyword/{keyword}"))).await;
    assert_eq!(status, 200);
    assert_eq!(
        k["name"].as_str().map(str::to_owned),
        cat.name(Kind::Keyword, keyword)
    );

    for path in [
        "/3/configuration",
        "/3/genre/movie/list",
        "/3/genre/tv/list?language=fr-FR",
    ] {
        let (status, _) = get_json(&tmdb.url(path)).await;
        assert_eq!(status, 200, "{path}");
    }
}

#[actix_rt::test]
async fn deleted_ids_answer_404_status_34_but_are_exported() {
    let tmdb = start();
    let cat = tmdb.catalogue();
    for kind in [Kind::Movie, Kind::Tv, Kind::Person] {
        let deleted = cat.deleted_ids(kind);
        assert!(!deleted.is_empty(), "{kind:?} has no deleted id");
        let segment = match kind {
            Kind::Movie => "movie",
            Kind::Tv => "tv",
            _ => "person",
        };
        let (status, json) = get_json(&tmdb.url(&format!("/3/{segment}/{}", deleted[0]))).await;
        assert_eq!(status, 404);
        assert_error(&json, 34);
    }
    // Never-existing ids too (ids are sparse: id+1 of a movie is not a movie).
    let live = cat.live_ids(Kind::Movie)[0];
    let (status, json) = get_json(&tmdb.url(&format!("/3/movie/{}", live + 1))).await;
    assert_eq!(status, 404);
    assert_error(&json, 34);

    let (_, _, gz) = get(&tmdb.export_url(ExportKind::Movie, date("2024-05-15"))).await;
    let ids: HashSet<u64> = fake_tmdb::gunzip_lines(&gz)
        .expect("gunzip")
        .iter()
        .map(|l| {
            serde_json::from_str::<Value>(l).expect("line")["id"]
                .as_u64()
                .expect("id")
        })
        .collect();
    assert!(
        cat.deleted_ids(Kind::Movie)
            .iter()
            .all(|id| ids.contains(id))
    );

    tmdb.knobs.set_exports_exclude_deleted(true);
    let (_, _, gz) = get(&tmdb.export_url(ExportKind::Movie, date("2024-05-16"))).await;
    let lines = fake_tmdb::gunzip_lines(&gz).expect("gunzip");
    assert_eq!(lines.len(), cat.live_ids(Kind::Movie).len());
}

#[actix_rt::test]
async fn changes_windows_and_paging() {
    let tmdb = start();
    let cat = tmdb.catalogue();
    let (status, json) =
        get_json(&tmdb.url("/3/movie/changes?start_date=2024-01-01&end_date=2024-01-16")).await;
    assert_eq!(status, 422);
    assert_error(&json, 20);
    assert_eq!(
        json["status_message"],
        "Invalid date range: Should be a range no longer than 14 days."
    );

    for (segment, kind) in [
        ("movie", Kind::Movie),
        ("tv", Kind::Tv),
        ("person", Kind::Person),
    ] {
        let expected = cat.changed_ids(kind, date("2024-01-01"), date("2024-01-15"));
        assert!(!expected.is_empty());
        let mut got = Vec::new();
        let mut page = 1;
        loop {
            let (status, json) = get_json(&tmdb.url(&format!(
                "/3/{segment}/changes?start_date=2024-01-01&end_date=2024-01-15&page={page}"
            )))
            .await;
            assert_eq!(status, 200);
            let results = json["results"].as_array().expect("results");
            assert!(results.len() <= 100);
            for r in results {
                assert!(r["adult"].is_boolean() || r["adult"].is_null());
                got.push(r["id"].as_u64().expect("id"));
            }
            assert_eq!(json["total_results"], expected.len());
            if page >= json["total_pages"].as_u64().expect("total_pages") {
                break;
            }
            page += 1;
        }
        assert_eq!(got, expected, "{segment}");
    }
    // The person scope is big enough to need several pages.
    let sizes = CatalogueSizes::scaled(10.0);
    let big = FakeTmdb::start(FakeTmdbConfig {
        sizes,
        ..FakeTmdbConfig::default()
    });
    let (_, json) =
        get_json(&big.url("/3/person/changes?start_date=2024-01-01&end_date=2024-01-14&page=2"))
            .await;
    assert_eq!(json["page"], 2);
    assert!(
        json["total_pages"].as_u64() > Some(1),
        "{}",
        json["total_pages"]
    );
    assert_eq!(json["results"].as_array().map(Vec::len), Some(100));
    let (status, json) = get_json(&big.url("/3/movie/changes?page=0")).await;
    assert_eq!(status, 400);
    assert_error(&json, 22);
}

#[actix_rt::test]
async fn list_pages_of_twenty() {
    let tmdb = start();
    let list = tmdb.catalogue().live_ids(Kind::List)[0];
    let total = tmdb.catalogue().list_item_count_of(list);
    assert_eq!(total, 45);
    let mut seen = 0;
    for page in 1..=3u64 {
        let (status, json) = get_json(&tmdb.url(&format!("/3/list/{list}?page={page}"))).await;
        assert_eq!(status, 200);
        assert_eq!(json["page"], page);
        assert_eq!(json["total_pages"], 3);
        assert_eq!(json["total_results"], 45);
        assert_eq!(json["item_count"], 45);
        assert_eq!(json["id"], list.to_string(), "list ids are strings");
        let items = json["items"].as_array().expect("items");
        assert_eq!(items.len(), if page < 3 { 20 } else { 5 });
        assert!(
            items
                .iter()
                .all(|i| i["media_type"] == "movie" || i["media_type"] == "tv")
        );
        seen += items.len();
    }
    assert_eq!(seen, 45);
}

#[actix_rt::test]
async fn rate_limit_answers_429_with_or_without_retry_after() {
    let tmdb = start();
    let url = tmdb.url("/3/configuration");
    for with_header in [true, false] {
        tmdb.knobs.set_rate_limit(Some(5), with_header);
        tmdb.reset_counters();
        let mut statuses = Vec::new();
        for _ in 0..8 {
            let (status, retry_after, body) = get(&url).await;
            if status == 429 {
                let json: Value = serde_json::from_slice(&body).expect("429 JSON");
                assert_error(&json, 25);
                assert!(
                    json["status_message"]
                        .as_str()
                        .is_some_and(|m| m.starts_with("Your request count (")),
                    "{json}"
                );
                assert_eq!(retry_after.as_deref(), with_header.then_some("1"));
            }
            statuses.push(status);
        }
        assert_eq!(
            statuses.iter().filter(|&&s| s == 200).count(),
            5,
            "{statuses:?}"
        );
        assert_eq!(
            statuses.iter().filter(|&&s| s == 429).count(),
            3,
            "{statuses:?}"
        );
        assert_eq!(tmdb.request_times().len(), 8);
    }
    tmdb.knobs.set_rate_limit(None, true);
    tmdb.reset_counters();
    for _ in 0..8 {
        assert_eq!(get(&url).await.0, 200);
    }
}

#[test]
fn faults_500_reset_truncated_incomplete_slow() {
    let tmdb = start();
    let movie = tmdb.catalogue().live_ids(Kind::Movie)[2];
    let path = format!("/3/movie/{movie}?api_key=fake-api-key");
    tmdb.knobs.set_fault_rate(1.0);

    tmdb.knobs.set_fault_kinds(&[FaultKind::ServerError]);
    let (head, body) = split_response(&raw_get(&tmdb, &path).expect("500"));
    assert!(head.starts_with("HTTP/1.1 500"), "{head}");
    assert_error(&serde_json::from_slice(&body).expect("500 JSON"), 11);

    tmdb.knobs.set_fault_kinds(&[FaultKind::BadGateway]);
    let (head, _) = split_response(&raw_get(&tmdb, &path).expect("502"));
    assert!(head.starts_with("HTTP/1.1 502"), "{head}");

    tmdb.knobs.set_fault_kinds(&[FaultKind::ConnectionReset]);
    let raw = raw_get(&tmdb, &path).expect("reset");
    assert!(
        raw.is_empty(),
        "a reset sends nothing: {:?}",
        String::from_utf8_lossy(&raw)
    );

    tmdb.knobs.set_fault_kinds(&[FaultKind::TruncatedJson]);
    let (head, body) = split_response(&raw_get(&tmdb, &path).expect("truncated"));
    assert!(head.starts_with("HTTP/1.1 200"), "{head}");
    assert!(
        head.contains(&format!("content-length: {}", body.len())),
        "{head}"
    );
    assert!(body.starts_with(b"{"));
    assert!(serde_json::from_slice::<Value>(&body).is_err());

    tmdb.knobs.set_fault_kinds(&[FaultKind::IncompleteBody]);
    let (head, body) = split_response(&raw_get(&tmdb, &path).expect("incomplete"));
    let declared: usize = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length: "))
        .and_then(|v| v.trim().parse().ok())
        .expect("content-length");
    assert!(
        body.len() < declared && !body.is_empty(),
        "{} of {declared}",
        body.len()
    );

    tmdb.knobs.set_fault_kinds(&[FaultKind::Slow]);
    tmdb.knobs.set_slow_duration(Duration::from_millis(300));
    let t0 = Instant::now();
    let (head, _) = split_response(&raw_get(&tmdb, &path).expect("slow"));
    assert!(head.starts_with("HTTP/1.1 200"));
    assert!(t0.elapsed() >= Duration::from_millis(300));

    // A fraction is deterministic: one request in four, cycling through the kinds.
    tmdb.knobs.set_fault_rate(0.25);
    tmdb.knobs
        .set_fault_kinds(&[FaultKind::ServerError, FaultKind::BadGateway]);
    tmdb.knobs.reset_fault_counter();
    let statuses: Vec<String> = (0..8)
        .map(|_| {
            let (head, _) = split_response(&raw_get(&tmdb, &path).expect("GET"));
            head[9..12].to_owned()
        })
        .collect();
    assert_eq!(
        statuses,
        ["200", "200", "200", "500", "200", "200", "200", "502"]
    );

    tmdb.knobs.set_fault_rate(0.0);
    tmdb.knobs.set_latency(Duration::from_millis(100));
    let t0 = Instant::now();
    let (head, _) = split_response(&raw_get(&tmdb, &path).expect("latency"));
    assert!(head.starts_with("HTTP/1.1 200"));
    assert!(t0.elapsed() >= Duration::from_millis(100));
}

#[actix_rt::test]
async fn faults_seen_through_awc() {
    let tmdb = start();
    let url = tmdb.url(&format!(
        "/3/movie/{}",
        tmdb.catalogue().live_ids(Kind::Movie)[0]
    ));
    tmdb.knobs.set_fault_rate(1.0);
    tmdb.knobs.set_fault_kinds(&[FaultKind::ConnectionReset]);
    assert!(client().get(&url).send().await.is_err());
    tmdb.knobs.set_fault_kinds(&[FaultKind::IncompleteBody]);
    let mut res = client().get(&url).send().await.expect("head arrives");
    match res.body().await {
        Err(_) => {}
        // awc may end the payload at EOF without an error: the body is then cut.
        Ok(body) => assert!(serde_json::from_slice::<Value>(&body).is_err()),
    }
    tmdb.knobs.set_fault_rate(0.0);
    assert_eq!(get_json(&url).await.0, 200);
}

fn expected_keys(kind: ExportKind) -> &'static [&'static str] {
    match kind {
        ExportKind::Movie | ExportKind::AdultMovie => {
            &["adult", "id", "original_title", "popularity", "video"]
        }
        ExportKind::TvSeries | ExportKind::AdultTvSeries => &["id", "original_name", "popularity"],
        ExportKind::Person | ExportKind::AdultPerson => &["adult", "id", "name", "popularity"],
        _ => &["id", "name"],
    }
}

#[actix_rt::test]
async fn exports_gunzip_to_the_catalogue_with_the_real_keys() {
    let tmdb = start();
    let cat = tmdb.catalogue();
    let day = date("2024-05-15");
    assert_eq!(
        tmdb.export_url(ExportKind::Movie, day),
        format!("{}/p/exports/movie_ids_05_15_2024.json.gz", tmdb.base_url)
    );
    for kind in ExportKind::ALL {
        let (status, _, gz) = get(&tmdb.export_url(kind, day)).await;
        assert_eq!(status, 200, "{kind:?}");
        let lines = fake_tmdb::gunzip_lines(&gz).expect("gunzip");
        let mut ids = Vec::new();
        for line in &lines {
            let json: Value = serde_json::from_str(line).expect("JSON line");
            let keys: Vec<&str> = json
                .as_object()
                .expect("object")
                .keys()
                .map(String::as_str)
                .collect();
            assert_eq!(keys, expected_keys(kind), "{kind:?}: {line}");
            ids.push(json["id"].as_u64().expect("id"));
            let name = ["name", "original_title", "original_name"]
                .iter()
                .find_map(|k| json.get(*k))
                .and_then(Value::as_str)
                .expect("a name");
            if !kind.is_adult() {
                assert_eq!(
                    Some(name.to_owned()),
                    cat.name(kind.kind(), ids[ids.len() - 1])
                );
            }
        }
        if kind.is_adult() {
            assert!(ids.is_empty(), "{kind:?} is empty by default");
            continue;
        }
        let mut sorted = ids.clone();
        sorted.sort_unstable();
        assert_ne!(sorted, ids, "{kind:?} lines are not sorted by id");
        assert_eq!(sorted, cat.export_ids(kind.kind()), "{kind:?}");
    }

    // Sized independently of the catalogue, streamed.
    tmdb.knobs.set_export_size(ExportKind::Person, Some(50_000));
    let (_, _, gz) = get(&tmdb.export_url(ExportKind::Person, day)).await;
    let lines = fake_tmdb::gunzip_lines(&gz).expect("gunzip");
    assert_eq!(lines.len(), 50_000);
    let ids: HashSet<u64> = lines
        .iter()
        .map(|l| {
            serde_json::from_str::<Value>(l).expect("line")["id"]
                .as_u64()
                .expect("id")
        })
        .collect();
    assert_eq!(ids.len(), 50_000, "no duplicate");
    assert!(cat.missing_person_ids().iter().all(|id| !ids.contains(id)));
}

#[actix_rt::test]
async fn export_faults() {
    let tmdb = start();
    let day = date("2024-05-15");
    let url = tmdb.export_url(ExportKind::Keyword, day);
    let lines_of = |gz: &[u8]| fake_tmdb::gunzip_lines(gz);

    tmdb.knobs
        .set_export_fault(ExportKind::Keyword, Some(ExportFault::Missing));
    assert_eq!(get(&url).await.0, 404);
    assert_eq!(get(&tmdb.export_url(ExportKind::Movie, day)).await.0, 200);

    tmdb.knobs
        .set_export_fault(ExportKind::Keyword, Some(ExportFault::CorruptGzip));
    let (status, _, gz) = get(&url).await;
    assert_eq!(status, 200);
    assert!(lines_of(&gz).is_err());

    tmdb.knobs
        .set_export_fault(ExportKind::Keyword, Some(ExportFault::TruncatedGzip));
    let (_, _, gz) = get(&url).await;
    assert!(lines_of(&gz).is_err());

    tmdb.knobs
        .set_export_fault(ExportKind::Keyword, Some(ExportFault::InvalidJsonLine));
    let (_, _, gz) = get(&url).await;
    let lines = lines_of(&gz).expect("valid gzip");
    let bad = lines
        .iter()
        .filter(|l| serde_json::from_str::<Value>(l).is_err())
        .count();
    assert_eq!(bad, 1);

    tmdb.knobs
        .set_export_fault(ExportKind::Keyword, Some(ExportFault::DuplicateIds));
    let (_, _, gz) = get(&url).await;
    let lines = lines_of(&gz).expect("valid gzip");
    let unique: HashSet<&String> = lines.iter().collect();
    assert!(unique.len() < lines.len());

    tmdb.knobs
        .set_export_fault(ExportKind::Keyword, Some(ExportFault::Empty));
    let (status, _, gz) = get(&url).await;
    assert_eq!(status, 200);
    assert!(lines_of(&gz).expect("valid gzip").is_empty());

    tmdb.knobs.set_export_fault(ExportKind::Keyword, None);
    assert_eq!(lines_of(&get(&url).await.2).expect("repaired").len(), 40);

    tmdb.knobs.set_export_date_missing(day, true);
    assert_eq!(get(&url).await.0, 404);
    tmdb.knobs.set_export_date_missing(day, false);
    tmdb.knobs.set_latest_export_date(Some(date("2024-05-14")));
    assert_eq!(get(&url).await.0, 404);
    assert_eq!(
        get(&tmdb.export_url(ExportKind::Keyword, date("2024-05-14")))
            .await
            .0,
        200
    );
}

#[actix_rt::test]
async fn counters_count_per_route_and_total() {
    let tmdb = start();
    let cat = tmdb.catalogue();
    let movie = cat.live_ids(Kind::Movie)[0];
    let tv = cat.live_ids(Kind::Tv)[0];
    get(&tmdb.url(&format!("/3/movie/{movie}"))).await;
    get(&tmdb.url(&format!("/3/movie/{movie}"))).await;
    get(&tmdb.url("/3/movie/changes")).await;
    get(&tmdb.url(&format!("/3/tv/{tv}/season/1"))).await;
    get(&format!("{}/3/person/3", tmdb.base_url)).await; // 401 still counts
    get(&tmdb.export_url(ExportKind::Movie, date("2024-05-15"))).await;
    assert_eq!(tmdb.requests_to("/3/movie"), 3);
    assert_eq!(tmdb.requests_to("/3/movie/{id}"), 2);
    assert_eq!(tmdb.requests_to("/3/movie/changes"), 1);
    assert_eq!(tmdb.requests_to("/3/tv"), 1);
    assert_eq!(tmdb.requests_to("/3/tv/{id}/season"), 1);
    assert_eq!(tmdb.requests_to("/3/person"), 1);
    assert_eq!(tmdb.requests_to("/p/exports"), 1);
    assert_eq!(tmdb.requests_to("/p/exports/movie_ids"), 1);
    assert_eq!(tmdb.total_requests(), 6);
    let times = tmdb.request_times();
    assert_eq!(times.len(), 6);
    assert!(times.windows(2).all(|w| w[0] <= w[1]));
    assert_eq!(tmdb.max_requests_in(Duration::from_secs(60)), 6);
    tmdb.reset_counters();
    assert_eq!((tmdb.total_requests(), tmdb.requests_to("/3")), (0, 0));
    assert!(tmdb.request_times().is_empty());
}

#[actix_rt::test]
async fn payloads_carry_the_awkward_real_world_cases() {
    let tmdb = start();
    let cat = tmdb.catalogue();
    let mut raw_all = String::new();
    let mut titles = Vec::new();
    let mut int_votes = 0;
    let mut float_votes = 0;
    let mut empty_dates = 0;
    let mut null_posters = 0;
    let mut longest = 0;
    for id in cat.live_ids(Kind::Movie) {
        let (status, _, body) = get(&tmdb.url(&format!("/3/movie/{id}"))).await;
        assert_eq!(status, 200);
        let raw = String::from_utf8(body).expect("UTF-8");
        let m: Value = serde_json::from_str(&raw).expect("movie JSON");
        match &m["vote_average"] {
            Value::Number(n) if n.is_f64() => float_votes += 1,
            Value::Number(_) => int_votes += 1,
            other => panic!("vote_average {other}"),
        }
        empty_dates += usize::from(m["release_date"] == "");
        null_posters += usize::from(m["poster_path"].is_null());
        longest = longest.max(m["overview"].as_str().map_or(0, |o| o.chars().count()));
        titles.push(m["original_title"].as_str().expect("title").to_owned());
        raw_all.push_str(&raw);
    }
    assert!(
        int_votes > 0 && float_votes > 0,
        "{int_votes} {float_votes}"
    );
    assert!(empty_dates > 0 && null_posters > 0);
    assert!(longest >= 20_000, "{longest}");
    assert!(raw_all.contains("\\u"), "some bodies use \\u escapes");
    assert!(!raw_all.is_ascii(), "some bodies use raw UTF-8");
    assert!(titles.iter().any(|t| t.contains('"')));
    assert!(titles.iter().any(|t| t.contains("\\\"")));
    assert!(titles.iter().any(|t| t.contains('\\')));
    assert!(titles.iter().any(|t| t.contains('🚀')));
    assert!(titles.iter().any(|t| t.contains('é')));
    assert!(
        titles
            .iter()
            .any(|t| t.chars().any(|c| ('\u{3040}'..='\u{30ff}').contains(&c)))
    );

    // French texts: title and overview localised, "" when untranslated (no fallback).
    let (_, fr) = get_json(&tmdb.url(&format!(
        "/3/movie/{}?language=fr-FR",
        cat.live_ids(Kind::Movie)[0]
    )))
    .await;
    assert!(fr["title"].is_string() && fr["overview"].is_string());

    // Same seed, same bytes; another seed, another catalogue.
    let again = FakeTmdb::start(FakeTmdbConfig::default());
    let other = FakeTmdb::start(FakeTmdbConfig {
        seed: 7,
        ..FakeTmdbConfig::default()
    });
    let id = cat.live_ids(Kind::Movie)[3];
    let path = format!("/3/movie/{id}?append_to_response=credits");
    let a = get(&tmdb.url(&path)).await.2;
    assert_eq!(a, get(&again.url(&path)).await.2);
    assert_ne!(a, get(&other.url(&path)).await.2);
}

/// The snapshot knobs break the same block in the details appends and on the standalone
/// endpoint, each in its own way, and turning them off restores the normal body.
#[actix_rt::test]
async fn snapshot_faults_break_appends_and_standalone_endpoints() {
    let tmdb = start();
    let id = tmdb.catalogue().movie_ids()[1];
    let details = tmdb.url(&format!(
        "/3/movie/{id}?append_to_response=release_dates,watch/providers,videos,similar"
    ));
    let (_, normal) = get_json(&details).await;
    assert!(normal["release_dates"]["results"].is_array());
    assert!(normal["watch/providers"]["results"].is_object());

    tmdb.knobs
        .set_snapshot_fault("release_dates", Some(SnapshotFault::EntryWithoutKey));
    tmdb.knobs
        .set_snapshot_fault("watch/providers", Some(SnapshotFault::WrongContainer));
    tmdb.knobs
        .set_snapshot_fault("videos", Some(SnapshotFault::Empty));
    let (_, broken) = get_json(&details).await;
    let countries = broken["release_dates"]["results"]
        .as_array()
        .expect("still a list");
    let last = countries.last().expect("the added country");
    assert_eq!(last["iso_3166_1"], "ZZ");
    assert!(last["release_dates"][0].get("type").is_none());
    assert!(broken["watch/providers"]["results"].is_array());
    assert_eq!(broken["videos"]["results"], Value::Array(Vec::new()));
    assert_eq!(broken["similar"], normal["similar"], "no knob, no change");

    let standalone = tmdb.url(&format!("/3/movie/{id}/watch/providers"));
    let (status, body) = get_json(&standalone).await;
    assert_eq!(status, 200);
    assert!(body["results"].is_array());

    for append in fake_tmdb::SNAPSHOT_APPENDS {
        tmdb.knobs.set_snapshot_fault(append, None);
    }
    let (_, again) = get_json(&details).await;
    assert_eq!(again, normal);
}

/// `include_video_language` filters the videos like `include_image_language` filters images.
#[actix_rt::test]
async fn videos_follow_include_video_language() {
    let tmdb = start();
    let cat = tmdb.catalogue();
    let mut checked = 0;
    for id in cat.movie_ids().into_iter().take(60) {
        let all = tmdb.url(&format!("/3/movie/{id}/videos"));
        let (_, every) = get_json(&all).await;
        let langs = |v: &Value| -> Vec<String> {
            v["results"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|v| v["iso_639_1"].as_str().unwrap_or("").to_owned())
                .collect()
        };
        if !langs(&every).iter().any(|l| l == "fr") {
            continue;
        }
        let english = tmdb.url(&format!("/3/movie/{id}/videos?include_video_language=en"));
        let (_, en) = get_json(&english).await;
        assert!(langs(&en).iter().all(|l| l == "en"));
        assert_eq!(
            langs(&en).len() + 1,
            langs(&every).len(),
            "only the French video left out"
        );
        let both = tmdb.url(&format!(
            "/3/movie/{id}/videos?language=en&include_video_language=en,fr,null"
        ));
        let (_, en_fr) = get_json(&both).await;
        assert_eq!(en_fr["results"], every["results"]);
        checked += 1;
    }
    assert!(checked > 0, "some movie has a French video");
}

#[actix_rt::test]
async fn watch_provider_catalogues_have_the_real_shape_and_every_fault() {
    let tmdb = start();
    let url = |kind: &str| {
        format!(
            "{}/3/watch/providers/{kind}?language=en-US&api_key={}",
            tmdb.base_url, tmdb.api_key
        )
    };
    let results = |body: &Value| body["results"].as_array().cloned().unwrap_or_default();
    let (status, movie) = get_json(&url("movie")).await;
    assert_eq!(status, 200);
    let (_, tv) = get_json(&url("tv")).await;
    assert_eq!(tmdb.requests_to("/3/watch/providers/movie"), 1);
    assert_eq!(tmdb.requests_to("/3/watch/providers/tv"), 1);
    for body in [&movie, &tv] {
        let list = results(body);
        assert!(list.len() >= 8, "{body}");
        let ids: HashSet<u64> = list
            .iter()
            .map(|p| p["provider_id"].as_u64().expect("a positive id"))
            .collect();
        assert_eq!(ids.len(), list.len(), "ids repeat");
        for p in &list {
            let keys: BTreeSet<&str> = p
                .as_object()
                .expect("object")
                .keys()
                .map(String::as_str)
                .collect();
            assert_eq!(
                keys,
                BTreeSet::from([
                    "display_priorities",
                    "display_priority",
                    "logo_path",
                    "provider_id",
                    "provider_name"
                ])
            );
            for (code, priority) in p["display_priorities"].as_object().expect("an object") {
                assert_eq!(code.len(), 2);
                assert!(priority.is_u64());
            }
        }
        // The same body on every call.
        let kind = if std::ptr::eq(body, &movie) {
            "movie"
        } else {
            "tv"
        };
        assert_eq!(&get_json(&url(kind)).await.1, body);
    }
    let name_of = |body: &Value, id: u64| {
        results(body)
            .into_iter()
            .find(|p| p["provider_id"] == id)
            .map(|p| p["provider_name"].clone())
    };
    assert_ne!(name_of(&movie, 2), name_of(&tv, 2), "a name that differs");
    assert!(name_of(&movie, 10).is_some() && name_of(&tv, 10).is_none());
    assert!(name_of(&tv, 283).is_some() && name_of(&movie, 283).is_none());

    let mut broken = std::collections::HashMap::new();
    for fault in CatalogFault::ALL {
        tmdb.knobs.set_catalog_fault(Kind::Movie, Some(fault));
        broken.insert(fault, results(&get_json(&url("movie")).await.1));
        tmdb.knobs.set_catalog_fault(Kind::Movie, None);
    }
    assert!(broken[&CatalogFault::Empty].is_empty());
    let dup = &broken[&CatalogFault::DuplicateProviderId];
    assert_eq!(dup[0]["provider_id"], dup[1]["provider_id"]);
    let zero = &broken[&CatalogFault::NonPositiveProviderId];
    assert_eq!(
        zero.last().map(|p| p["provider_id"].clone()),
        Some(0.into())
    );
    assert!(broken[&CatalogFault::PrioritiesNotObject][0]["display_priorities"].is_array());
    let region = &broken[&CatalogFault::MalformedRegion];
    assert_eq!(region[0]["display_priorities"]["USA"], 3);
    // Only the movie catalogue was broken; the sound one is back.
    assert_eq!(get_json(&url("tv")).await.1, tv);
    assert_eq!(get_json(&url("movie")).await.1, movie);
}
