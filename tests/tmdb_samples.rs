//! Every saved TMDb body in `tests/fixtures/tmdb-samples/` must parse into its payload type,
//! survive deliberate damage, and yield the values a reader sees in the file.
//!
//! A sample that no rule maps to a type fails the walk, so a new fixture cannot be skipped
//! silently; the expected file and line counts pin the set.

use std::fmt::Debug;
use std::fs;
use std::path::{Path, PathBuf};

use chrono::NaiveDate;
use serde::de::DeserializeOwned;
use serde_json::{Map, Value};
use tmdb_crawler::tmdb::payload::*;

const SAMPLES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/tmdb-samples");

/// JSON bodies and export files in the fixture set (PROVENANCE.md: 152 + 9).
const EXPECTED_JSON_FILES: usize = 152;
const EXPECTED_EXPORT_FILES: usize = 9;
const EXPECTED_EXPORT_LINES: usize = 8823;

/// Reads one JSON sample file.
type Check = fn(&[u8]) -> Result<(), String>;
/// Reads one export line.
type LineCheck = fn(&str) -> Result<(), String>;

fn sample_path(rel: &str) -> PathBuf {
    Path::new(SAMPLES).join(rel)
}

fn read(path: &Path) -> Vec<u8> {
    fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// Parses a named sample, failing the test with the payload error.
fn load<T: DeserializeOwned>(rel: &str) -> T {
    parse::<T>(&read(&sample_path(rel))).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

fn date(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, d)
}

// ---------------------------------------------------------------------------------------------
// Damage applied to every body: the parse must still succeed (only the root id is kept).

/// Every leaf value replaced by `null`; containers and the root `id` kept.
fn nulled(v: &Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(m.iter().map(|(k, v)| (k.clone(), nulled(v))).collect()),
        Value::Array(a) => Value::Array(a.iter().map(nulled).collect()),
        _ => Value::Null,
    }
}

/// Every array replaced by `{}`, as the AniVault saver did.
fn mangled(v: &Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(m.iter().map(|(k, v)| (k.clone(), mangled(v))).collect()),
        Value::Array(_) => Value::Object(Map::new()),
        other => other.clone(),
    }
}

/// Every leaf replaced by a non-numeric string.
fn garbled(v: &Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(m.iter().map(|(k, v)| (k.clone(), garbled(v))).collect()),
        Value::Array(a) => Value::Array(a.iter().map(garbled).collect()),
        _ => Value::String("?garbled?".to_owned()),
    }
}

/// Every number written as a string (as the 2014 API did for popularity). The untyped change
/// values are left alone: they are kept as raw JSON, so they would differ by design.
fn stringified(v: &Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.iter()
                .map(|(k, v)| match k.as_str() {
                    "value" | "original_value" => (k.clone(), v.clone()),
                    _ => (k.clone(), stringified(v)),
                })
                .collect(),
        ),
        Value::Array(a) => Value::Array(a.iter().map(stringified).collect()),
        Value::Number(n) => Value::String(n.to_string()),
        other => other.clone(),
    }
}

/// Puts the original root `id` back after damage, since it is the one required field.
fn with_root_id(mut damaged: Value, original: &Value) -> Value {
    if let (Value::Object(d), Some(id)) = (&mut damaged, original.get("id")) {
        d.insert("id".to_owned(), id.clone());
    }
    damaged
}

fn parse_value<T: DeserializeOwned>(v: &Value) -> Result<T, String> {
    let bytes = serde_json::to_vec(v).map_err(|e| e.to_string())?;
    parse::<T>(&bytes).map_err(|e| e.to_string())
}

/// Parses a body as `T`, then checks that damaged copies still parse and that numbers sent as
/// strings read exactly like numbers.
fn check_body<T: DeserializeOwned + PartialEq + Debug>(bytes: &[u8]) -> Result<(), String> {
    let parsed = parse::<T>(bytes).map_err(|e| e.to_string())?;
    let raw: Value = serde_json::from_slice(bytes).map_err(|e| e.to_string())?;
    for (what, damage) in [
        ("nulled", nulled as fn(&Value) -> Value),
        ("mangled", mangled),
        ("garbled", garbled),
    ] {
        parse_value::<T>(&with_root_id(damage(&raw), &raw)).map_err(|e| format!("{what}: {e}"))?;
    }
    let restrung = parse_value::<T>(&stringified(&raw)).map_err(|e| format!("stringified: {e}"))?;
    if restrung != parsed {
        return Err("numbers sent as strings read differently".to_owned());
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Which type reads which file.

/// The type for a JSON sample, from its folder and file name; `None` means "no rule", which
/// fails the walk.
fn json_check(folder: &str, file: &str) -> Option<Check> {
    let has = |part: &str| file.contains(part);
    let main = has("-details") || has("latest") || has("MANGLED-ARRAYS");
    let check: Check = match folder {
        "movie" if has("-credits") => check_body::<Credits>,
        "movie" if has("-images") => check_body::<Images>,
        "movie" if has("-external-ids") => check_body::<ExternalIds>,
        "movie" if has("-keywords") => check_body::<Keywords>,
        "movie" if has("-recommendations") || has("-similar") => check_body::<Page<MediaSummary>>,
        "movie" if has("-release-dates") => check_body::<ReleaseDates>,
        "movie" if has("-translations") => check_body::<Translations>,
        "movie" if has("-videos") => check_body::<Videos>,
        "movie" if has("-watch-providers") => check_body::<WatchProviders>,
        "movie" if has("-alternative-titles") => check_body::<AlternativeTitles>,
        // FlexGet's "-alt-titles" files are details bodies with the alternative_titles append.
        "movie" if main || has("-alt-titles") => check_body::<Movie>,
        "tv" if has("-external-ids") => check_body::<ExternalIds>,
        "tv" if has("-content-ratings") => check_body::<ContentRatings>,
        "tv" if has("-keywords") => check_body::<Keywords>,
        "tv" if has("-aggregate-credits") => check_body::<AggregateCredits>,
        "tv" if main => check_body::<TvSeries>,
        "season" if has("-external-ids") => check_body::<ExternalIds>,
        "season" if main => check_body::<TvSeason>,
        "episode" if has("-external-ids") => check_body::<ExternalIds>,
        "episode" if main => check_body::<TvEpisode>,
        "person" if has("-combined-credits") => check_body::<PersonCredits>,
        "person" if has("-external-ids") => check_body::<ExternalIds>,
        "person" if has("-images") => check_body::<Images>,
        "person" if main => check_body::<Person>,
        "collection" if has("-translations") => check_body::<Translations>,
        "collection" if main => check_body::<Collection>,
        "company" if has("-alternative-names") => check_body::<AlternativeNames>,
        "company" if has("-images") => check_body::<Images>,
        "company" if main => check_body::<Company>,
        "network" if has("-alternative-names") => check_body::<AlternativeNames>,
        "network" if has("-images") => check_body::<Images>,
        "network" if main => check_body::<Network>,
        "keyword" if has("-movies") => check_body::<Page<MediaSummary>>,
        "keyword" if main => check_body::<Keyword>,
        "list" if main => check_body::<List>,
        "changes" if has("-changes-list") => check_body::<ChangesList>,
        "changes" if has("-item-changes") || file.ends_with("-changes.json") => {
            check_body::<ItemChanges>
        }
        "changes" if has("-changes-empty") => check_body::<ItemChanges>,
        "errors" => check_body::<TmdbStatus>,
        "other" if has("-configuration") => check_body::<Configuration>,
        "other" if has("-genre-") => check_body::<GenreList>,
        "other" if has("-watch-providers-") => check_body::<WatchProviderList>,
        _ => return None,
    };
    Some(check)
}

/// Reads one export line as `T` and compares the fields with a plain JSON reading of the same
/// line, so escapes and non-ASCII names must come through byte for byte.
fn check_line<T: DeserializeOwned + Debug>(
    line: &str,
    same: fn(&T, &Value) -> bool,
) -> Result<(), String> {
    let parsed = parse::<T>(line.as_bytes()).map_err(|e| e.to_string())?;
    let raw: Value = serde_json::from_str(line).map_err(|e| e.to_string())?;
    if same(&parsed, &raw) {
        Ok(())
    } else {
        Err(format!("{parsed:?} differs from {line}"))
    }
}

fn same_str(field: &Option<String>, raw: &Value, key: &str) -> bool {
    field.as_deref() == raw.get(key).and_then(Value::as_str)
}

fn same_id(id: u64, raw: &Value) -> bool {
    Some(id) == raw.get("id").and_then(Value::as_u64)
}

fn check_movie_line(line: &str) -> Result<(), String> {
    check_line::<MovieExportLine>(line, |p, raw| {
        same_id(p.id, raw)
            && same_str(&p.original_title, raw, "original_title")
            && p.popularity == raw.get("popularity").and_then(Value::as_f64)
            && p.adult == raw.get("adult").and_then(Value::as_bool)
            && p.video == raw.get("video").and_then(Value::as_bool)
    })
}

fn check_person_line(line: &str) -> Result<(), String> {
    check_line::<PersonExportLine>(line, |p, raw| {
        same_id(p.id, raw)
            && same_str(&p.name, raw, "name")
            && p.popularity == raw.get("popularity").and_then(Value::as_f64)
            && p.adult == raw.get("adult").and_then(Value::as_bool)
    })
}

fn check_tv_line(line: &str) -> Result<(), String> {
    check_line::<TvSeriesExportLine>(line, |p, raw| {
        same_id(p.id, raw)
            && same_str(&p.original_name, raw, "original_name")
            && p.popularity == raw.get("popularity").and_then(Value::as_f64)
    })
}

fn check_named_line(line: &str) -> Result<(), String> {
    check_line::<NamedExportLine>(line, |p, raw| {
        same_id(p.id, raw) && same_str(&p.name, raw, "name")
    })
}

/// The line reader for an export file, from the export name that starts the file name.
fn export_check(file: &str) -> Option<LineCheck> {
    let kind = file.split('.').next()?;
    let check: LineCheck = match kind {
        "movie_ids" | "adult_movie_ids" => check_movie_line,
        "person_ids" => check_person_line,
        "tv_series_ids" => check_tv_line,
        "collection_ids" | "keyword_ids" | "tv_network_ids" | "production_company_ids" => {
            check_named_line
        }
        _ => return None,
    };
    Some(check)
}

fn sorted_entries(dir: &Path) -> Vec<PathBuf> {
    let mut entries: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|entry| entry.map(|e| e.path()))
        .collect::<Result<_, _>>()
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
    entries.sort();
    entries
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

#[test]
fn every_sample_parses_with_its_type() {
    let mut failures = Vec::new();
    let (mut json_files, mut export_files, mut export_lines) = (0, 0, 0);

    for folder_path in sorted_entries(Path::new(SAMPLES)) {
        let folder = file_name(&folder_path);
        if !folder_path.is_dir() {
            // Only the notes live at the top level.
            assert!(
                folder.ends_with(".md"),
                "unexpected top-level file {folder}"
            );
            continue;
        }
        for path in sorted_entries(&folder_path) {
            let file = file_name(&path);
            if folder == "exports" {
                let Some(check) = export_check(&file).filter(|_| file.ends_with(".jsonl")) else {
                    failures.push(format!("exports/{file}: no export type for this file"));
                    continue;
                };
                export_files += 1;
                let text = String::from_utf8(read(&path))
                    .unwrap_or_else(|e| panic!("exports/{file}: {e}"));
                for (n, line) in text.lines().enumerate() {
                    export_lines += 1;
                    if let Err(e) = check(line) {
                        failures.push(format!("exports/{file}:{}: {e}", n + 1));
                    }
                }
                continue;
            }
            let Some(check) = json_check(&folder, &file).filter(|_| file.ends_with(".json")) else {
                failures.push(format!("{folder}/{file}: no payload type for this file"));
                continue;
            };
            json_files += 1;
            if let Err(e) = check(&read(&path)) {
                failures.push(format!("{folder}/{file}: {e}"));
            }
        }
    }

    assert!(failures.is_empty(), "{}", failures.join("\n"));
    assert_eq!(json_files, EXPECTED_JSON_FILES, "JSON samples parsed");
    assert_eq!(export_files, EXPECTED_EXPORT_FILES, "export files parsed");
    assert_eq!(export_lines, EXPECTED_EXPORT_LINES, "export lines parsed");
}

// ---------------------------------------------------------------------------------------------
// Values a reader sees in named samples.

/// How many entries a JSON array at `path` has, if it is an array.
fn raw_len(rel: &str, path: &[&str]) -> Option<usize> {
    let raw: Value = serde_json::from_slice(&read(&sample_path(rel))).ok()?;
    path.iter()
        .try_fold(&raw, |v, key| v.get(key))?
        .as_array()
        .map(Vec::len)
}

#[test]
fn movie_details_fight_club() {
    let m: Movie = load("movie/jdrouet-550-details.json");
    assert_eq!(m.id, 550);
    assert_eq!(m.title.as_deref(), Some("Fight Club"));
    assert_eq!(m.release_date, date(1999, 10, 15));
    assert_eq!(m.imdb_id.as_deref(), Some("tt0137523"));
    assert_eq!(m.runtime, Some(139));
    assert_eq!(m.budget, Some(63_000_000));
    assert_eq!(m.revenue, Some(100_853_753));
    assert_eq!(m.vote_count, Some(27_917));
    assert_eq!(m.popularity, Some(93.958));
    assert_eq!(m.belongs_to_collection, None);
    let genres = m.genres.expect("genres sent");
    assert_eq!(genres.len(), 1);
    assert_eq!(
        (genres[0].id, genres[0].name.as_deref()),
        (18, Some("Drama"))
    );
    let companies: Vec<(u64, Option<&str>)> = m
        .production_companies
        .iter()
        .map(|c| (c.id, c.origin_country.as_deref()))
        .collect();
    assert_eq!(companies.first(), Some(&(711, Some("US"))));
    assert_eq!(companies.last(), Some(&(20555, Some("DE"))));
    let languages = m.spoken_languages.expect("languages sent");
    assert_eq!(languages[0].english_name.as_deref(), Some("English"));
    assert!(m.credits.is_none(), "not appended");
}

#[test]
fn movie_latest_has_empty_strings_not_values() {
    let m: Movie = load("movie/jdrouet-latest-1236474.json");
    assert_eq!(m.id, 1_236_474);
    assert_eq!(m.release_date, None, "\"\" release_date");
    assert_eq!(m.homepage.as_deref(), Some(""), "\"\" is kept");
    assert_eq!(non_empty(&m.homepage), None);
    assert_eq!(m.imdb_id, None, "null imdb_id");
    assert_eq!(m.vote_average, Some(0.0), "int literal 0");
    assert_eq!(m.budget, Some(5));
    assert_eq!(m.genres, Some(vec![]), "sent empty, not absent");

    let old: Movie = load("movie/ahmetabdi-2013-latest.json");
    assert_eq!(old.release_date, None);
    assert_eq!(old.overview, None, "null overview in 2013");
    assert_eq!(old.runtime, None, "null runtime in 2013");
    assert_eq!(old.video, None, "no video key in 2013");
}

#[test]
fn numbers_in_every_spelling() {
    // An integer literal where a float is expected (TMDB's own OpenAPI example).
    let list: List = load("list/openapi-1-details.json");
    assert_eq!(
        list.items[0].title.as_deref(),
        Some("Spider-Man: No Way Home")
    );
    assert_eq!(list.items[0].vote_average, Some(8.0));

    // 2014 bodies sent popularity and image votes as strings.
    let m: Movie = load("movie/php-87421-details-append.json");
    assert_eq!(m.popularity, Some(93.491_722_439_365_9));
    let images = m.images.expect("images appended");
    assert_eq!(images.backdrops[0].vote_average, Some(5.374_149_659_863_95));
    assert_eq!(images.backdrops[0].iso_639_1.as_deref(), Some("xx"));
    let m: Movie = load("movie/ahmetabdi-2014-22855-details-append.json");
    assert_eq!(m.popularity, Some(0.899_541_407_888_388));
    let tv: TvSeries = load("tv/ahmetabdi-2014-1396-details-append.json");
    assert_eq!(tv.popularity, Some(27.434_397_549_360_7));
    let p: Person = load("person/php-33-details-append.json");
    assert_eq!(p.popularity, Some(2.267_712_966_237_34));
}

#[test]
fn movie_appends_are_complete() {
    let rel = "movie/moviebase-10140-details-append.json";
    let m: Movie = load(rel);
    let credits = m.credits.expect("credits appended");
    assert_eq!(Some(credits.cast.len()), raw_len(rel, &["credits", "cast"]));
    assert_eq!(credits.cast.len(), 40);
    assert_eq!(credits.crew.len(), 85);
    let images = m.images.expect("images appended");
    assert_eq!((images.backdrops.len(), images.posters.len()), (2, 14));
    let release_dates = m.release_dates.expect("release_dates appended");
    assert_eq!(release_dates.results.len(), 25);
    let providers = m.watch_providers.expect("watch/providers appended");
    assert_eq!(providers.results.len(), 54);
    assert_eq!(m.videos.map(|v| v.results.len()), Some(1));
    let external = m.external_ids.expect("external_ids appended");
    assert_eq!(external.imdb_id.as_deref(), Some("tt0980970"));
    assert_eq!(external.facebook_id, None);

    let rel = "movie/php-87421-details-append.json";
    let m: Movie = load(rel);
    assert_eq!(m.alternative_titles.map(|t| t.all().len()), Some(14));
    assert_eq!(m.keywords.map(|k| k.all().len()), Some(4));
    let translations = m.translations.expect("translations appended");
    assert_eq!(translations.translations.len(), 21);
    assert_eq!(m.release_dates.map(|r| r.results.len()), Some(46));
    assert_eq!(m.watch_providers.map(|w| w.results.len()), Some(38));

    let m: Movie = load("movie/ceg-12313-details-append-all.json");
    assert_eq!(m.similar.map(|s| s.results.len()), Some(20));
    assert_eq!(m.recommendations.map(|r| r.results.len()), Some(21));
}

#[test]
fn movie_standalone_blocks() {
    let t: Translations = load("movie/jdrouet-550-translations.json");
    assert_eq!(t.id, Some(550));
    assert_eq!(
        Some(t.translations.len()),
        raw_len("movie/jdrouet-550-translations.json", &["translations"])
    );
    let fr = t.find("fr", Some("FR")).expect("a French translation");
    assert!(fr.data.as_ref().and_then(|d| d.title.as_deref()).is_some());

    let r: ReleaseDates = load("movie/jdrouet-550-release-dates.json");
    let us = r
        .results
        .iter()
        .find(|c| c.iso_3166_1.as_deref() == Some("US"))
        .expect("a US release");
    assert!(us.release_dates.iter().all(|d| d.released().is_some()));

    let v: Videos = load("movie/jdrouet-550-videos.json");
    assert!(!v.results.is_empty());
    assert!(v.results.iter().all(|x| x.published().is_some()));

    let w: WatchProviders = load("movie/jdrouet-550-watch-providers.json");
    assert!(w.results.contains_key("US"));
}

#[test]
fn tv_series_game_of_thrones() {
    let tv: TvSeries = load("tv/jdrouet-1399-details.json");
    assert_eq!(tv.id, 1399);
    assert_eq!(tv.name.as_deref(), Some("Game of Thrones"));
    assert_eq!(tv.first_air_date, date(2011, 4, 17));
    assert_eq!(tv.last_air_date, date(2019, 5, 19));
    assert_eq!(tv.number_of_seasons, Some(8));
    assert_eq!(tv.kind.as_deref(), Some("Scripted"));
    assert_eq!(tv.in_production, Some(false));
    assert_eq!(tv.origin_country, vec!["US"]);
    assert!(tv.episode_run_time.is_empty());
    assert_eq!(tv.seasons.len(), 9);
    assert_eq!(tv.seasons[0].season_number, Some(0));
    assert_eq!(tv.seasons[0].episode_count, Some(270));
    let creators: Vec<Option<&str>> = tv
        .created_by
        .iter()
        .map(|c| c.credit_id.as_deref())
        .collect();
    assert_eq!(
        creators,
        vec![
            Some("5256c8c219c2956ff604858a"),
            Some("552e611e9251413fea000901")
        ]
    );
    assert_eq!(tv.networks[0].id, 49);
    assert!(tv.appended_seasons().is_empty(), "no season appended");
    let last = tv.last_episode_to_air.expect("last episode");
    assert_eq!(
        (last.id, last.season_number, last.episode_number),
        (1_551_830, Some(8), Some(6))
    );
    assert_eq!(last.runtime, Some(80));
    assert_eq!(tv.next_episode_to_air, None);

    let clerks: TvSeries = load("tv/jdrouet-2-details-complex.json");
    assert_eq!(clerks.seasons[0].air_date, None, "null season air_date");
    assert_eq!(clerks.last_episode_to_air.and_then(|e| e.runtime), None);

    let new: TvSeries = load("tv/openapi-latest-225491.json");
    assert_eq!(new.first_air_date, None, "\"\" first_air_date");
}

#[test]
fn tv_series_appends() {
    let tv: TvSeries = load("tv/moviebase-96677-details-append.json");
    assert_eq!(tv.name.as_deref(), Some("Lupin"));
    let aggregate = tv.aggregate_credits.expect("aggregate_credits appended");
    assert_eq!(aggregate.cast.len(), 62);
    assert_eq!(
        aggregate.cast[0].roles[0].character.as_deref(),
        Some("Lieutenant Sofia Belkacem")
    );
    assert_eq!(aggregate.cast[0].roles[0].episode_count, Some(5));
    assert_eq!(tv.content_ratings.map(|c| c.results.len()), Some(8));
    let external = tv.external_ids.expect("external_ids appended");
    assert_eq!(external.tvdb_id, Some(375_921));
    assert_eq!(external.tvrage_id, None);
    assert_eq!(tv.watch_providers.map(|w| w.results.len()), Some(46));

    let tv: TvSeries = load("tv/ceg-1399-details-append-all.json");
    assert_eq!(
        tv.keywords.map(|k| k.all().len()),
        Some(7),
        "TV keywords under results"
    );
    assert_eq!(tv.translations.map(|t| t.translations.len()), Some(39));
    assert_eq!(tv.recommendations.map(|r| r.results.len()), Some(21));

    let keywords: Keywords = load("tv/jdrouet-1399-keywords.json");
    assert!(keywords.keywords.is_empty());
    assert_eq!(
        Some(keywords.results.len()),
        raw_len("tv/jdrouet-1399-keywords.json", &["results"])
    );
}

/// No sample holds a `season/N` append, so one is built from two real bodies: the series and
/// its first season, as TMDb would nest them.
#[test]
fn appended_season_from_real_bodies() {
    let mut series: Value =
        serde_json::from_slice(&read(&sample_path("tv/jdrouet-1399-details.json")))
            .expect("valid JSON");
    let season: Value =
        serde_json::from_slice(&read(&sample_path("season/jdrouet-1399-s1-details.json")))
            .expect("valid JSON");
    if let Value::Object(fields) = &mut series {
        fields.insert("season/1".to_owned(), season);
    }
    let bytes = serde_json::to_vec(&series).expect("serialisable");
    let tv: TvSeries = parse(&bytes).expect("series with an appended season");
    assert_eq!(tv.name.as_deref(), Some("Game of Thrones"));
    let appended = tv.appended_seasons();
    assert_eq!(appended.len(), 1);
    let (number, s1) = appended[0];
    assert_eq!(number, 1);
    assert_eq!(s1.id, 3624);
    assert_eq!(s1.episodes.len(), 10);
    assert_eq!(s1.episodes[0].name.as_deref(), Some("Winter Is Coming"));
}

#[test]
fn seasons_and_episodes() {
    let s: TvSeason = load("season/jdrouet-1399-s1-details.json");
    assert_eq!(s.id, 3624);
    assert_eq!(s.object_id.as_deref(), Some("5256c89f19c2956ff6046d47"));
    assert_eq!(s.air_date, date(2011, 4, 18));
    assert_eq!(s.episodes.len(), 10);
    let e1 = &s.episodes[0];
    assert_eq!((e1.id, e1.episode_number), (63_056, Some(1)));
    assert_eq!((e1.guest_stars.len(), e1.crew.len()), (21, 5));
    assert!(e1.guest_stars[0].credit_id.is_some());

    // 2014: the episodes of a season carried no id and cannot be stored; they are dropped.
    let old: TvSeason = load("season/php-1396-s2-details-append.json");
    assert_eq!((old.id, old.season_number), (3573, Some(2)));
    assert!(old.episodes.is_empty());
    assert_eq!(
        raw_len("season/php-1396-s2-details-append.json", &["episodes"]),
        Some(13)
    );

    let e: TvEpisode = load("episode/jdrouet-1399-s1e1-details.json");
    assert_eq!(e.id, 63_056);
    assert_eq!(e.name.as_deref(), Some("Winter Is Coming"));
    assert_eq!(e.air_date, date(2011, 4, 17));
    assert_eq!(e.production_code.as_deref(), Some("101"));
    assert_eq!((e.crew.len(), e.guest_stars.len()), (5, 21));
    assert_eq!(e.vote_average, Some(7.86));

    let old: TvEpisode = load("episode/php-1396-s2e1-details-append.json");
    assert_eq!(old.production_code, None, "null in 2014");
    let translations = old
        .translations
        .expect("bare-array translations still read");
    assert_eq!(
        Some(translations.translations.len()),
        raw_len(
            "episode/php-1396-s2e1-details-append.json",
            &["translations"]
        )
    );
}

#[test]
fn people() {
    let p: Person = load("person/jdrouet-287-details.json");
    assert_eq!(p.id, 287);
    assert_eq!(p.name.as_deref(), Some("Brad Pitt"));
    assert_eq!(p.birthday, date(1963, 12, 18));
    assert_eq!(p.deathday, None);
    assert_eq!(p.homepage, None);
    assert_eq!(p.also_known_as.map(|a| a.len()), Some(16));

    let old: Person = load("person/php-33-details-append.json");
    assert_eq!(old.birthday, date(1955, 3, 17));
    assert_eq!(old.deathday, None, "\"\" deathday in 2014");
    assert_eq!(old.homepage.as_deref(), Some(""));
    let combined = old.combined_credits.expect("combined_credits appended");
    assert_eq!(
        combined.cast.len(),
        56,
        "2014 entries without credit_id are kept"
    );
    assert_eq!(
        combined
            .cast
            .iter()
            .filter(|c| c.credit_id.is_none())
            .count(),
        35
    );

    let tv_roles = combined.cast.iter().filter(|c| c.is_tv()).count();
    assert_eq!(tv_roles, 21, "split by media_type");
    assert!(
        combined
            .cast
            .iter()
            .filter(|c| c.is_tv())
            .all(|c| c.name.is_some())
    );

    let p: Person = load("person/ceg-12312-details-append-all.json");
    assert_eq!(p.deathday, date(2017, 8, 31));
    assert_eq!(p.homepage.as_deref(), Some("http://www.bionik.com/"));

    let p: Person = load("person/moviebase-287-details-append.json");
    assert_eq!(p.movie_credits.map(|c| c.cast.len()), Some(95));
    assert_eq!(p.images.map(|i| i.profiles.len()), Some(15));
}

#[test]
fn collections_companies_networks_keywords() {
    let c: Collection = load("collection/jdrouet-10-details.json");
    assert_eq!(
        (c.id, c.name.as_deref()),
        (10, Some("Star Wars Collection"))
    );
    assert_eq!(c.parts.len(), 9);
    assert_eq!(c.parts[0].title.as_deref(), Some("Star Wars"));
    // TMDB's example lists the same movies with TV-style keys.
    let c: Collection = load("collection/openapi-10-details.json");
    assert_eq!(c.parts.len(), 9);
    assert_eq!(c.parts[0].title, None);
    assert_eq!(c.parts[0].title_or_name(), Some("Star Wars"));
    let c: Collection = load("collection/php-10-details-append.json");
    assert_eq!(c.images.map(|i| i.posters.len()), Some(97));

    let co: Company = load("company/jdrouet-1-details.json");
    assert_eq!(co.name.as_deref(), Some("Lucasfilm Ltd."));
    assert_eq!(co.origin_country.as_deref(), Some("US"));
    assert_eq!(co.description.as_deref(), Some(""));
    let co: Company = load("company/ahmetabdi-2013-5-details.json");
    assert_eq!(co.parent_company.map(|p| p.id), Some(5752));
    let images: Images = load("company/jdrouet-1-images.json");
    assert_eq!(images.logos.len(), 2);
    assert!(
        images
            .logos
            .iter()
            .all(|l| l.id.is_some() && l.file_type.is_some())
    );

    let n: Network = load("network/anivault-213-details.json");
    assert_eq!(n.name.as_deref(), Some("Netflix"));
    assert_eq!(
        n.origin_country.as_deref(),
        Some(""),
        "Netflix has no country"
    );

    let k: Keyword = load("keyword/openapi-1701-details.json");
    assert_eq!((k.id, k.name.as_deref()), (1701, Some("hero")));
    let movies: Page<MediaSummary> = load("keyword/ahmetabdi-2017-818-movies.json");
    assert_eq!(movies.results.len(), 20);
}

#[test]
fn lists() {
    let l: List = load("list/openapi-1-details.json");
    assert_eq!(l.id, "1");
    assert_eq!(l.name.as_deref(), Some("The Marvel Universe"));
    assert_eq!(l.created_by.as_deref(), Some("travisbell"));
    assert_eq!((l.items.len(), l.item_count), (59, Some(59)));

    let l: List = load("list/php-509ec17b-details.json");
    assert_eq!(l.id, "509ec17b19c2950a0600050d");
    assert_eq!(l.items.len(), 85);
    assert_eq!(l.items[0].title.as_deref(), Some("Argo"));
    assert!(
        !l.items[0].is_tv(),
        "2014 items have no media_type but movie keys"
    );
}

#[test]
fn changes() {
    let c: ChangesList = load("changes/jdrouet-movie-changes-list.json");
    let ids: Vec<u64> = c.results.iter().take(3).map(|r| r.id).collect();
    assert_eq!(ids, vec![118_488, 797_420, 595_674]);
    assert_eq!(c.results.len(), 100);
    assert_eq!(
        (c.page, c.total_pages, c.total_results),
        (Some(1), Some(62), Some(6140))
    );
    assert_eq!(
        c.results.iter().filter(|r| r.adult.is_none()).count(),
        2,
        "adult: null"
    );

    let c: ChangesList = load("changes/jdrouet-person-changes-list.json");
    assert_eq!(c.results.iter().filter(|r| r.adult.is_none()).count(), 6);

    let h: ItemChanges = load("changes/jdrouet-movie-550-changes.json");
    assert_eq!(h.changes.len(), 1);
    let group = &h.changes[0];
    assert_eq!(group.key.as_deref(), Some("images"));
    assert_eq!(group.items.len(), 2);
    assert_eq!(group.items[0].action.as_deref(), Some("added"));
    assert_eq!(
        group.items[0].changed_at(),
        date(2022, 10, 10).and_then(|d| d.and_hms_opt(17, 9, 48))
    );
    assert!(group.items[0].original_value.is_none());
    assert!(group.items[1].original_value.is_some());

    let empty: ItemChanges = load("changes/ahmetabdi-2013-movie-5-changes-empty.json");
    assert!(empty.changes.is_empty());
}

#[test]
fn error_envelopes() {
    let s: TmdbStatus = load("errors/jdrouet-status-34-not-found.json");
    assert_eq!(s.status_code, Some(34));
    assert!(s.is_not_found());
    assert_eq!(s.success, None, "no success key");
    let s: TmdbStatus = load("errors/openapi-status-7-invalid-api-key.json");
    assert_eq!((s.status_code, s.success), (Some(7), Some(false)));
    let s: TmdbStatus = load("errors/ahmetabdi-2013-status-7-find.json");
    assert_eq!(s.status_code, Some(7));
    assert_eq!(
        s.message(),
        "Invalid API key - You must be granted a valid key"
    );
    let s: TmdbStatus = load("errors/quoted-status-25-rate-limit.json");
    assert_eq!(s.status_code, Some(25));
    let s: TmdbStatus = load("errors/jdrouet-validation-errors-array.json");
    assert_eq!(s.status_code, None);
    assert_eq!(s.errors, vec!["query must be provided"]);
    assert_eq!(s.message(), "query must be provided");
}

#[test]
fn reference_data() {
    let c: Configuration = load("other/openapi-configuration.json");
    let images = c.images.expect("images configuration");
    assert_eq!(
        images.secure_base_url.as_deref(),
        Some("https://image.tmdb.org/t/p/")
    );
    assert!(images.profile_sizes.iter().any(|s| s == "h632"));
    assert_eq!(c.change_keys.len(), 53);
    let old: Configuration = load("other/php-2014-configuration.json");
    assert_eq!(old.change_keys.len(), 30);

    let g: GenreList = load("other/openapi-genre-movie-list-de.json");
    assert_eq!(g.genres.len(), 19);
    assert!(
        g.genres
            .iter()
            .any(|x| x.name.as_deref() == Some("Abenteuer"))
    );

    let w: WatchProviderList = load("other/jdrouet-watch-providers-movie.json");
    assert_eq!(w.results.len(), 530);
    let without_priorities = w.results.iter().filter(|p| p.display_priorities.is_empty());
    assert_eq!(
        without_priorities.count(),
        3,
        "three providers really send {{}}"
    );
}

#[test]
fn export_lines_keep_names_exactly() {
    let text = String::from_utf8(read(&sample_path(
        "exports/collection_ids.iwaatch-2024-04.jsonl",
    )))
    .expect("UTF-8");
    let line = text.lines().nth(3825).expect("line 3826");
    let parsed: CollectionExportLine = parse(line.as_bytes()).expect("valid line");
    let raw: Value = serde_json::from_str(line).expect("valid JSON");
    assert_eq!(parsed.id, 788_900);
    assert_eq!(parsed.name.as_deref(), raw["name"].as_str());
    assert_eq!(
        parsed.name.as_deref(),
        Some("\"Vai viegli būt jaunam?\" kolekcija")
    );

    let line = r#"{"id":2765,"name":"fungus spores   "}"#;
    let k: KeywordExportLine = parse(line.as_bytes()).expect("valid line");
    assert_eq!(k.name.as_deref(), Some("fungus spores   "), "not trimmed");

    let line = r#"{"id":1,"original_name":"プライド","popularity":3.8242}"#;
    let tv: TvSeriesExportLine = parse(line.as_bytes()).expect("valid line");
    assert_eq!(
        (tv.original_name.as_deref(), tv.popularity),
        (Some("プライド"), Some(3.8242))
    );

    let line = r#"{"adult":true,"id":26228,"original_title":"Rocco - Perfect Girls 5","popularity":0.0,"video":false}"#;
    let m: MovieExportLine = parse(line.as_bytes()).expect("valid line");
    assert_eq!(
        (m.adult, m.popularity, m.video),
        (Some(true), Some(0.0), Some(false))
    );

    let p: PersonExportLine =
        parse(br#"{"adult":false,"id":16767,"name":"Aki Kaurism\u00e4ki","popularity":2.4825}"#)
            .expect("valid line");
    assert_eq!(
        p.name.as_deref(),
        Some("Aki Kaurismäki"),
        "\\u escapes decoded"
    );
}

#[test]
fn mangled_array_samples_keep_their_scalars() {
    let m: Movie = load("movie/anivault-1033219-ko-MANGLED-ARRAYS.json");
    assert_eq!(m.id, 1_033_219);
    assert_eq!(m.title.as_deref(), Some("갤럭시 오브 타이탄"));
    assert_eq!(m.release_date, date(2022, 9, 30));
    assert_eq!(m.imdb_id.as_deref(), Some("tt22408766"));
    assert_eq!((m.runtime, m.vote_average), (Some(92), Some(6.0)));
    assert_eq!(m.genres, None, "a mangled array is not an empty list");
    assert!(m.origin_country.is_empty());
    assert!(m.production_companies.is_empty());

    let tv: TvSeries = load("tv/anivault-1429-ko-MANGLED-ARRAYS.json");
    assert_eq!((tv.id, tv.name.as_deref()), (1429, Some("진격의 거인")));
    assert_eq!(tv.first_air_date, date(2013, 4, 7));
    assert!(tv.seasons.is_empty());

    let p: Person = load("person/anivault-31-ko-MANGLED-ARRAYS.json");
    assert_eq!((p.id, p.name.as_deref()), (31, Some("톰 행크스")));
    assert_eq!(p.birthday, date(1956, 7, 9));
    assert_eq!(p.biography.as_deref(), Some(""));
    assert_eq!(p.also_known_as, None);

    let c: Collection = load("collection/anivault-10-details-ko-MANGLED-ARRAYS.json");
    assert_eq!(c.id, 10);
    assert!(c.parts.is_empty());

    let s: TvSeason = load("season/anivault-1429-s1-ko-MANGLED-ARRAYS.json");
    assert_eq!((s.id, s.name.as_deref()), (3788, Some("시즌 1")));
    let e: TvEpisode = load("episode/anivault-65480-ko-MANGLED-ARRAYS.json");
    assert_eq!(
        (e.id, e.runtime, e.episode_type.as_deref()),
        (65_480, Some(24), Some("standard"))
    );
}
