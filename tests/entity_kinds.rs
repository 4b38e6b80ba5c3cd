//! The other six kinds (series, person, collection, company, network, list), the
//! not-found ledger and `DeleteEntity`, against the fake TMDb server on every backend.
//!
//! As in `entity_writes.rs`, every expected row is derived here from the JSON the fake server
//! sends (read as `serde_json::Value`), with this file's own reading of
//! `shared/spec/schema-and-mapping.md` §2-§4 and of the choices the crawler documents where the
//! spec says nothing (creator rows, person-side credits without `DISPLAY_ORDER`...). The crawler's mapping code (`src/records`) is never consulted
//! for an expectation; it only builds the records of the hand-made writes below.

mod support;

use std::collections::BTreeMap;
use std::rc::Rc;

use actix::{Actor, Addr, Handler};
use fake_tmdb::{CatalogueSizes, FakeTmdb, FakeTmdbConfig, Kind, Req};
use sea_orm::{ConnectionTrait, DatabaseConnection, Statement};
use serde_json::{Value as Json, json};
use support::db::{Backend, TestDb};
use support::rows::{Cell, Hint, chars, quoted, row, rows_where};
use tmdb_crawler::actors::fetch::{
    CollectionFetcher, CompanyFetcher, Fetch, FetchContext, FetchOutcome, ListFetcher,
    MovieFetcher, NetworkFetcher, PersonFetcher, TvFetcher,
};
use tmdb_crawler::actors::rate_limiter::{RateLimit, RateLimiter};
use tmdb_crawler::actors::writer::{DbWriter, DeleteEntity, WriteEntity};
use tmdb_crawler::config::Secret;
use tmdb_crawler::records::{EntityKind, MappingOptions};
use tmdb_crawler::tmdb::client::{Auth, ClientSettings, TmdbClient};

/// The languages the crawler is configured with here: two, so "one row per configured
/// language" is visible, and `de` has no translation in the fake catalogue (fallback path).
const LANGS: [&str; 2] = ["fr", "de"];

type Row = BTreeMap<String, Cell>;

// ---- harness ---------------------------------------------------------------------------------

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
    let client = TmdbClient::new(settings, limiter);
    let writer = DbWriter::connect(conn.clone(), chrono_tz::Europe::Paris)
        .await
        .expect("writer")
        .start();
    Crawl {
        ctx: Rc::new(FetchContext::new(
            client,
            writer,
            LANGS.iter().map(|l| (*l).to_owned()).collect(),
        )),
        conn,
    }
}

fn options() -> MappingOptions {
    MappingOptions {
        languages: LANGS.iter().map(|l| (*l).to_owned()).collect(),
        raw_json: None,
    }
}

async fn fetch<A>(fetcher: &Addr<A>, id: u64) -> FetchOutcome
where
    A: Actor<Context = actix::Context<A>> + Handler<Fetch>,
{
    fetcher
        .send(Fetch {
            id,
            context: "test".to_owned(),
        })
        .await
        .expect("fetcher answers")
}

fn stored(outcome: FetchOutcome) {
    assert!(
        matches!(outcome, FetchOutcome::Stored(_)),
        "expected Stored, got {outcome:?}"
    );
}

/// Fetches `id` and checks it cost exactly `requests` requests and was stored.
async fn fetch_stored<A>(fake: &FakeTmdb, fetcher: &Addr<A>, id: u64, requests: u64)
where
    A: Actor<Context = actix::Context<A>> + Handler<Fetch>,
{
    fake.reset_counters();
    stored(fetch(fetcher, id).await);
    assert_eq!(
        fake.total_requests(),
        requests,
        "requests for {id}: {:?}",
        fake.route_counts()
    );
}

// ---- reading back --------------------------------------------------------------------------

/// Compares the rows of `table` where `column = id` with `expected` (order-insensitive). Each
/// column is read with the type of its first non-NULL expected value, so NULL and non-NULL
/// values may mix in a column.
async fn assert_table(
    db: &TestDb,
    conn: &DatabaseConnection,
    table: &str,
    column: &str,
    id: i64,
    expected: Vec<Row>,
) {
    if expected.is_empty() {
        assert_eq!(
            count_rows(db, conn, table, Some((column, id))).await,
            0,
            "{table}: expected no rows for {column} = {id} on {:?}",
            db.backend
        );
        return;
    }
    let mut hints: BTreeMap<&str, Hint> = BTreeMap::new();
    for r in &expected {
        for (c, v) in r {
            if *v == Cell::Null {
                hints.entry(c.as_str()).or_insert(Hint::Text);
            } else if hints.get(c.as_str()).is_none_or(|h| *h == Hint::Text) {
                hints.insert(c.as_str(), Hint::of(v));
            }
        }
    }
    let columns: Vec<(&str, Hint)> = hints.into_iter().collect();
    let got = rows_where(db, conn, table, column, id, &columns).await;
    let lines = |rows: Vec<&Row>| -> String {
        rows.iter()
            .map(|r| format!("\n  {r:?}"))
            .collect::<String>()
    };
    let unexpected = lines(got.iter().filter(|g| !expected.contains(g)).collect());
    let missing = lines(expected.iter().filter(|w| !got.contains(w)).collect());
    let sorted = |rows: &[Row]| {
        let mut v: Vec<String> = rows.iter().map(|r| format!("{r:?}")).collect();
        v.sort();
        v
    };
    assert!(
        sorted(&got) == sorted(&expected),
        "{table} rows for {column} = {id} on {:?}: {} stored, {} expected\n\
         stored but not expected:{unexpected}\nexpected but not stored:{missing}",
        db.backend,
        got.len(),
        expected.len()
    );
}

/// The given columns of the single row `column = id` are all set.
async fn assert_set(
    db: &TestDb,
    conn: &DatabaseConnection,
    table: &str,
    column: &str,
    id: i64,
    columns: &[(&str, Hint)],
) {
    let rows = rows_where(db, conn, table, column, id, columns).await;
    assert_eq!(rows.len(), 1, "{table} {id}: one row");
    assert!(
        rows[0].values().all(|v| *v != Cell::Null),
        "{table} {id}: unset stamps in {rows:?}"
    );
}

const STAMPS_ALL: &[(&str, Hint)] = &[
    ("DAT_CREAT", Hint::Date),
    ("TIM_UPDATED", Hint::DateTime),
    ("TIM_CREDITS_COMPLETED", Hint::DateTime),
    ("TIM_KEYWORDS_COMPLETED", Hint::DateTime),
    ("TIM_IMAGES_COMPLETED", Hint::DateTime),
];
const STAMPS_IMAGES: &[(&str, Hint)] = &[
    ("DAT_CREAT", Hint::Date),
    ("TIM_UPDATED", Hint::DateTime),
    ("TIM_CREDITS_COMPLETED", Hint::DateTime),
    ("TIM_IMAGES_COMPLETED", Hint::DateTime),
];
const STAMPS_CREDITS: &[(&str, Hint)] = &[
    ("DAT_CREAT", Hint::Date),
    ("TIM_UPDATED", Hint::DateTime),
    ("TIM_CREDITS_COMPLETED", Hint::DateTime),
];

/// `SELECT COUNT(*)`, over the table or where `column = id`.
async fn count_rows(
    db: &TestDb,
    conn: &DatabaseConnection,
    table: &str,
    filter: Option<(&str, i64)>,
) -> i64 {
    let mut sql = format!("SELECT COUNT(*) FROM {}", quoted(db.backend, table));
    if let Some((column, id)) = filter {
        sql.push_str(&format!(" WHERE {} = {id}", quoted(db.backend, column)));
    }
    conn.query_one_raw(Statement::from_string(db.db_backend(), sql))
        .await
        .unwrap_or_else(|e| panic!("count {table}: {e}"))
        .expect("a count row")
        .try_get_by_index::<i64>(0)
        .expect("count value")
}

// ---- cells derived from the payload --------------------------------------------------------

fn js(v: &Json) -> Cell {
    Cell::json_str(v)
}

/// A verbatim string cut to the column length; JSON null → NULL.
fn cut(v: &Json, max: usize) -> Cell {
    v.as_str().map_or(Cell::Null, |s| Cell::S(chars(s, max)))
}

/// A string with `""` as the default when absent or null.
fn cut_or_empty(v: &Json, max: usize) -> Cell {
    Cell::S(chars(v.as_str().unwrap_or(""), max))
}

/// A column written only when the value is a non-empty string (NULL in a new row otherwise:
/// an omitted column, or a written JSON null).
fn unless_empty(v: &Json, max: usize) -> Cell {
    match v.as_str() {
        Some(s) if !s.is_empty() => Cell::S(chars(s, max)),
        _ => Cell::Null,
    }
}

/// External ids: `''` when absent or null (§2.4).
fn js_or_empty(v: &Json) -> Cell {
    Cell::s(v.as_str().unwrap_or(""))
}

/// `|a|b|` of `list[].field` (or of the strings themselves), `|` when empty, `''` when absent.
fn pipe(list: &Json, field: Option<&str>) -> Cell {
    match list.as_array() {
        None => Cell::s(""),
        Some(items) => {
            let mut s = "|".to_owned();
            for i in items {
                let v = match field {
                    Some(f) => &i[f],
                    None => i,
                };
                s.push_str(v.as_str().unwrap_or(""));
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
    let s = v.as_str()?;
    let shape = s.len() == 10
        && s.bytes().enumerate().all(|(i, b)| match i {
            4 | 7 => b == b'-',
            _ => b.is_ascii_digit(),
        });
    shape
        .then(|| chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").ok())
        .flatten()
}

/// The audit block of a freshly inserted row (§2.1).
fn audit(mut r: Row) -> Row {
    r.insert("DELETED".into(), Cell::I(0));
    r.insert("ID_CREATOR".into(), Cell::I(1));
    r.insert("ID_OWNER".into(), Cell::I(1));
    r.insert("ID_USER_UPDATED".into(), Cell::I(1));
    r
}

/// An entity row: audit block, no `DISPLAY_ORDER` (§2.1: set for child rows only).
fn entity(cells: Vec<(&str, Cell)>) -> Row {
    let mut r = audit(row(cells));
    r.insert("DISPLAY_ORDER".into(), Cell::Null);
    r
}

/// A date column with its year/month/day columns: written when the date is valid, omitted
/// (NULL in a new row) otherwise.
fn date_cells(r: &mut Row, v: &Json, column: &str, parts: [&str; 3]) {
    use chrono::Datelike;
    let date = valid_date(v);
    r.insert(
        column.into(),
        date.map_or(Cell::Null, |d| Cell::D(d.to_string())),
    );
    let [year, month, day] = parts;
    r.insert(
        year.into(),
        date.map_or(Cell::Null, |d| Cell::I(i64::from(d.year()))),
    );
    r.insert(
        month.into(),
        date.map_or(Cell::Null, |d| Cell::I(i64::from(d.month()))),
    );
    r.insert(
        day.into(),
        date.map_or(Cell::Null, |d| Cell::I(i64::from(d.day()))),
    );
}

/// Link rows (§3.2/§3.6): one per child value, `DISPLAY_ORDER` its 1-based position. Rows are
/// upserted on (parent, child), so a repeated child ends with its last position.
fn links(list: &Json, field: &str, child_col: &str, text: bool) -> Vec<Row> {
    let mut out: Vec<(Cell, i64)> = Vec::new();
    for (i, item) in list.as_array().into_iter().flatten().enumerate() {
        let v = if text {
            js(&item[field])
        } else {
            Cell::json_int(&item[field])
        };
        if v == Cell::Null || v == Cell::s("") {
            continue;
        }
        let position = i as i64 + 1;
        match out.iter_mut().find(|(c, _)| *c == v) {
            Some(existing) => existing.1 = position,
            None => out.push((v, position)),
        }
    }
    out.into_iter()
        .map(|(v, p)| audit(row(vec![(child_col, v), ("DISPLAY_ORDER", Cell::I(p))])))
        .collect()
}

/// 1-based position of the first entry of the same person in a credit list (§3.3).
fn first_index(list: &[Json], i: usize) -> i64 {
    let id = &list[i]["id"];
    list.iter().position(|c| &c["id"] == id).unwrap_or(i) as i64 + 1
}

fn credit_row(
    media: (&str, Cell),
    person: Cell,
    c: &Json,
    cast: bool,
    display_order: Option<i64>,
) -> Row {
    audit(row(vec![
        media,
        ("ID_PERSON", person),
        ("ID_CREDIT", js(&c["credit_id"])),
        ("CREDIT_TYPE", Cell::s(if cast { "cast" } else { "crew" })),
        (
            "CAST_CHARACTER",
            if cast {
                cut_or_empty(&c["character"], 600)
            } else {
                Cell::s("")
            },
        ),
        (
            "CREW_DEPARTMENT",
            if cast {
                Cell::s("")
            } else {
                cut_or_empty(&c["department"], 200)
            },
        ),
        (
            "CREW_JOB",
            if cast {
                Cell::s("")
            } else {
                cut_or_empty(&c["job"], 200)
            },
        ),
        ("DISPLAY_ORDER", display_order.map_or(Cell::Null, Cell::I)),
    ]))
}

/// Adds a credit row keyed by `ID_CREDIT`; a later row with the same key replaces it (upsert).
fn upsert_credit(out: &mut Vec<Row>, r: Row) {
    match out.iter_mut().find(|o| o["ID_CREDIT"] == r["ID_CREDIT"]) {
        Some(existing) => *existing = r,
        None => out.push(r),
    }
}

fn images(block: &Json, arrays: &[(&str, &str)]) -> Vec<Row> {
    let mut out = Vec::new();
    for (array, kind) in arrays {
        for (i, img) in block[*array].as_array().into_iter().flatten().enumerate() {
            if img["file_path"].as_str().is_none_or(str::is_empty) {
                continue;
            }
            out.push(audit(row(vec![
                ("TYPE_IMAGE", Cell::s(kind)),
                ("IMAGE_PATH", js(&img["file_path"])),
                ("DISPLAY_ORDER", Cell::I(i as i64 + 1)),
                ("LANG", js(&img["iso_639_1"])),
                ("ASPECT_RATIO", Cell::json_f64(&img["aspect_ratio"])),
                ("WIDTH", Cell::json_int(&img["width"])),
                ("HEIGHT", Cell::json_int(&img["height"])),
                ("VOTE_AVERAGE", Cell::json_f64(&img["vote_average"])),
                ("VOTE_COUNT", Cell::json_int(&img["vote_count"])),
            ])));
        }
    }
    out
}

/// The translation data of `lang`, preferring the same-named country (`fr-FR`).
fn translation<'a>(e: &'a Json, lang: &str) -> Option<&'a Json> {
    let list = e["translations"]["translations"].as_array()?;
    list.iter()
        .find(|t| t["iso_639_1"] == lang && t["iso_3166_1"] == lang.to_uppercase().as_str())
        .or_else(|| list.iter().find(|t| t["iso_639_1"] == lang))
        .map(|t| &t["data"])
}

/// A language row's poster: the first poster in that language, else the main poster.
fn lang_poster(e: &Json, lang: &str) -> Cell {
    e["images"]["posters"]
        .as_array()
        .and_then(|p| p.iter().find(|i| i["iso_639_1"] == lang))
        .map(|i| js(&i["file_path"]))
        .unwrap_or_else(|| js(&e["poster_path"]))
}

fn translated(data: Option<&Json>, field: &str) -> Cell {
    Cell::s(data.and_then(|d| d[field].as_str()).unwrap_or(""))
}

/// `include_image_language` as the crawler sends it: main language, configured ones, null.
fn image_languages() -> Vec<String> {
    let mut v = vec!["en".to_owned()];
    v.extend(LANGS.iter().map(|l| (*l).to_owned()));
    v.push("null".to_owned());
    v
}

fn req(language: Option<&str>) -> Req {
    Req {
        language: language.map(str::to_owned),
        image_languages: Some(image_languages()),
        video_languages: Some(image_languages()),
    }
}

fn index(fake: &FakeTmdb, kind: Kind, id: u64) -> u64 {
    fake.catalogue()
        .raw_index(kind, id)
        .unwrap_or_else(|| panic!("{kind:?} id {id}"))
}

// ---- series --------------------------------------------------------------------------------

fn series_payload(fake: &FakeTmdb, id: u64) -> Json {
    fake.catalogue().tv_json(
        index(fake, Kind::Tv, id),
        &req(Some("en")),
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

fn series_main(s: &Json) -> Row {
    let mut r = entity(vec![
        ("TITLE", cut_or_empty(&s["name"], 250)),
        ("ORIGINAL_TITLE", cut(&s["original_name"], 250)),
        ("OVERVIEW", cut_or_empty(&s["overview"], usize::MAX)),
        ("ID_IMDB", js_or_empty(&s["external_ids"]["imdb_id"])),
        (
            "ID_WIKIDATA",
            js_or_empty(&s["external_ids"]["wikidata_id"]),
        ),
        ("POSTER_PATH", js(&s["poster_path"])),
        ("BACKDROP_PATH", js(&s["backdrop_path"])),
        ("HOMEPAGE_URL", cut(&s["homepage"], 500)),
        ("TAGLINE", js(&s["tagline"])),
        ("STATUS", js(&s["status"])),
        ("ORIGINAL_LANGUAGE", js(&s["original_language"])),
        (
            "POPULARITY",
            Cell::F(s["popularity"].as_f64().unwrap_or(0.0)),
        ),
        ("VOTE_AVERAGE", Cell::json_f64(&s["vote_average"])),
        ("VOTE_COUNT", Cell::json_int(&s["vote_count"])),
        ("ADULT", flag(&s["adult"])),
        ("GENRES", pipe(&s["genres"], Some("name"))),
        (
            "COUNTRIES",
            pipe(&s["production_countries"], Some("iso_3166_1")),
        ),
        (
            "SPOKEN_LANGUAGES",
            pipe(&s["spoken_languages"], Some("iso_639_1")),
        ),
        (
            "NUMBER_OF_EPISODES",
            Cell::json_int(&s["number_of_episodes"]),
        ),
        ("NUMBER_OF_SEASONS", Cell::json_int(&s["number_of_seasons"])),
        ("SERIE_TYPE", js(&s["type"])),
        ("TIM_WIKIDATA_COMPLETED", Cell::Null),
        ("TIM_WIKIPEDIA_COMPLETED", Cell::Null),
    ]);
    date_cells(
        &mut r,
        &s["first_air_date"],
        "DAT_FIRST_AIR",
        ["FIRST_AIR_YEAR", "FIRST_AIR_MONTH", "FIRST_AIR_DAY"],
    );
    date_cells(
        &mut r,
        &s["last_air_date"],
        "DAT_LAST_AIR",
        ["LAST_AIR_YEAR", "LAST_AIR_MONTH", "LAST_AIR_DAY"],
    );
    r
}

/// Series-side credits (§3.6): cast, crew, then one `Creator` row per `created_by[]` entry
/// (the crawler's choice: no `DISPLAY_ORDER` on it). Every creator gets its row (spec §3.6), so
/// a creator whose `credit_id` is also a crew entry's (the fake server reuses them) ends as the
/// `Creator` row: each entry is an upsert on `ID_CREDIT`, the last one wins.
fn series_credits(s: &Json) -> Vec<Row> {
    let id = Cell::json_int(&s["id"]);
    let mut out = Vec::new();
    let empty = Vec::new();
    for (list, cast) in [("cast", true), ("crew", false)] {
        let entries = s["credits"][list].as_array().unwrap_or(&empty);
        for (i, c) in entries.iter().enumerate() {
            if c["credit_id"].as_str().is_none_or(str::is_empty) {
                continue;
            }
            upsert_credit(
                &mut out,
                credit_row(
                    ("ID_SERIE", id.clone()),
                    Cell::json_int(&c["id"]),
                    c,
                    cast,
                    Some(first_index(entries, i)),
                ),
            );
        }
    }
    for creator in s["created_by"].as_array().into_iter().flatten() {
        let credit = js(&creator["credit_id"]);
        if credit == Cell::Null || credit == Cell::s("") {
            continue;
        }
        out.retain(|r| r["ID_CREDIT"] != credit);
        out.push(audit(row(vec![
            ("ID_SERIE", id.clone()),
            ("ID_PERSON", Cell::json_int(&creator["id"])),
            ("ID_CREDIT", credit),
            ("CREDIT_TYPE", Cell::s("crew")),
            ("CAST_CHARACTER", Cell::s("")),
            ("CREW_DEPARTMENT", Cell::s("Creator")),
            ("CREW_JOB", Cell::s("Creator")),
            ("DISPLAY_ORDER", Cell::Null),
        ])));
    }
    out
}

fn series_lang(s: &Json, lang: &str) -> Row {
    let data = translation(s, lang);
    audit(row(vec![
        ("LANG", Cell::s(lang)),
        (
            "TITLE",
            data.map_or(Cell::Null, |d| unless_empty(&d["name"], 250)),
        ),
        ("OVERVIEW", translated(data, "overview")),
        ("TAGLINE", translated(data, "tagline")),
        ("POSTER_PATH", lang_poster(s, lang)),
        ("BACKDROP_PATH", js(&s["backdrop_path"])),
    ]))
}

async fn assert_series(db: &TestDb, conn: &DatabaseConnection, s: &Json) {
    let id = s["id"].as_i64().expect("id");
    let (table, col) = ("T_WC_TMDB_SERIE", "ID_SERIE");
    assert_table(db, conn, table, col, id, vec![series_main(s)]).await;
    assert_set(db, conn, table, col, id, STAMPS_ALL).await;
    let children: Vec<(&str, Vec<Row>)> = vec![
        (
            "T_WC_TMDB_SERIE_GENRE",
            links(&s["genres"], "id", "ID_GENRE", false),
        ),
        (
            "T_WC_TMDB_SERIE_COMPANY",
            links(&s["production_companies"], "id", "ID_COMPANY", false),
        ),
        (
            "T_WC_TMDB_SERIE_NETWORK",
            links(&s["networks"], "id", "ID_NETWORK", false),
        ),
        (
            "T_WC_TMDB_SERIE_PRODUCTION_COUNTRY",
            links(
                &s["production_countries"],
                "iso_3166_1",
                "COUNTRY_CODE",
                true,
            ),
        ),
        (
            "T_WC_TMDB_SERIE_SPOKEN_LANGUAGE",
            links(&s["spoken_languages"], "iso_639_1", "SPOKEN_LANGUAGE", true),
        ),
        // Series keywords come in `results` (§3.6).
        (
            "T_WC_TMDB_SERIE_KEYWORD",
            links(&s["keywords"]["results"], "id", "ID_KEYWORD", false),
        ),
        ("T_WC_TMDB_PERSON_SERIE", series_credits(s)),
        (
            "T_WC_TMDB_SERIE_IMAGE",
            images(
                &s["images"],
                &[
                    ("backdrops", "backdrop"),
                    ("posters", "poster"),
                    ("logos", "logo"),
                ],
            ),
        ),
        (
            "T_WC_TMDB_SERIE_LANG",
            LANGS.iter().map(|l| series_lang(s, l)).collect(),
        ),
    ];
    for (table, rows) in children {
        assert_table(db, conn, table, "ID_SERIE", id, rows).await;
    }
}

/// A handful of series: index 0 has the most seasons, the others cover specials, a series
/// without networks (9), a brand-new one without dates, images or overview (10).
fn sample_series_ids(fake: &FakeTmdb) -> Vec<u64> {
    let c = fake.catalogue();
    [0u64, 1, 3, 9, 10]
        .into_iter()
        .map(|j| c.id_at(Kind::Tv, j))
        .filter(|&id| c.exists(Kind::Tv, id))
        .collect()
}

async fn series_on(backend: Backend) {
    let Some(db) = TestDb::create(backend, "series").await else {
        return;
    };
    let fake = FakeTmdb::start(FakeTmdbConfig {
        sizes: CatalogueSizes {
            seasons_per_series: 8,
            ..CatalogueSizes::default()
        },
        ..FakeTmdbConfig::default()
    });
    let crawl = crawl(&fake, &db).await;
    let fetcher = TvFetcher::new(crawl.ctx.clone()).start();
    let ids = sample_series_ids(&fake);
    let payloads: Vec<Json> = ids.iter().map(|&id| series_payload(&fake, id)).collect();
    assert!(
        payloads
            .iter()
            .any(|s| s["created_by"].as_array().is_some_and(|c| !c.is_empty())),
        "a sample series has creators"
    );
    assert!(
        payloads
            .iter()
            .any(|s| s["number_of_seasons"].as_u64() >= Some(8)),
        "a sample series has many seasons"
    );
    for (&id, s) in ids.iter().zip(&payloads) {
        fetch_stored(&fake, &fetcher, id, 1).await;
        assert_series(&db, &crawl.conn, s).await;
    }
    // A second pass changes nothing and still matches.
    for (&id, s) in ids.iter().zip(&payloads) {
        fetch_stored(&fake, &fetcher, id, 1).await;
        assert_series(&db, &crawl.conn, s).await;
    }

    // The fake server's creators share their crew entry's credit_id; real ones have their own
    // (Game of Thrones: 5256c8c219c2956ff604858a). Give them their own, add a creator who is
    // not in the crew, and write that body: each creator gets its `Creator` row.
    let mut s = payloads
        .iter()
        .find(|s| s["created_by"].as_array().is_some_and(|c| !c.is_empty()))
        .cloned()
        .expect("a series with creators");
    let sid = s["id"].as_u64().expect("id");
    let creators = s["created_by"].as_array_mut().expect("created_by");
    for (k, creator) in creators.iter_mut().enumerate() {
        creator["credit_id"] = json!(format!("c0ffee{sid:06}{k:012}"));
    }
    let outsider = fake.catalogue().person_ids()[2];
    creators.push(json!({
        "id": outsider,
        "credit_id": format!("c0ffee{sid:06}999999999999"),
        "name": "Outside Creator",
        "original_name": "Outside Creator",
        "gender": 0,
        "profile_path": null,
    }));
    let series: tmdb_crawler::tmdb::payload::TvSeries =
        serde_json::from_value(s.clone()).expect("series body parses");
    let record = tmdb_crawler::records::tv::record(&series, &options());
    crawl
        .ctx
        .writer
        .send(WriteEntity(record))
        .await
        .expect("writer answers")
        .expect("series written");
    let credits = series_credits(&s);
    assert!(
        credits
            .iter()
            .filter(|r| r["CREW_JOB"] == Cell::s("Creator"))
            .count()
            >= 2,
        "creator rows expected in {credits:#?}"
    );
    assert_series(&db, &crawl.conn, &s).await;
    drop(db);
}

#[actix_rt::test]
async fn series_match_the_payload_on_sqlite() {
    series_on(Backend::Sqlite).await;
}

#[actix_rt::test]
#[cfg_attr(
    not(tmdbc_test_mysql),
    ignore = "needs TMDB_CRAWLER_TEST_MYSQL_URL (a MariaDB server)"
)]
async fn series_match_the_payload_on_mariadb() {
    series_on(Backend::MySql).await;
}

#[actix_rt::test]
#[cfg_attr(
    not(tmdbc_test_postgres),
    ignore = "needs TMDB_CRAWLER_TEST_POSTGRES_URL (a PostgreSQL server)"
)]
async fn series_match_the_payload_on_postgres() {
    series_on(Backend::Postgres).await;
}

// ---- person --------------------------------------------------------------------------------

fn person_payload(fake: &FakeTmdb, id: u64) -> Json {
    fake.catalogue().person_json(
        index(fake, Kind::Person, id),
        &req(None),
        &["combined_credits", "external_ids", "images"],
    )
}

fn person_main(p: &Json) -> Row {
    use chrono::Datelike;
    // an unknown date and its parts are NULL, not 0.
    let part = |d: Option<chrono::NaiveDate>, f: fn(&chrono::NaiveDate) -> i64| {
        d.as_ref().map_or(Cell::Null, |d| Cell::I(f(d)))
    };
    let datetime =
        |d: Option<chrono::NaiveDate>| d.map_or(Cell::Null, |d| Cell::D(format!("{d} 00:00:00")));
    let birthday = valid_date(&p["birthday"]);
    let deathday = valid_date(&p["deathday"]);
    let place = match p["place_of_birth"].as_str() {
        // Python's `str(None).strip()`.
        None => "None".to_owned(),
        Some(s) => s.trim().to_owned(),
    };
    entity(vec![
        ("NAME", cut_or_empty(&p["name"], 200)),
        ("ID_IMDB", js_or_empty(&p["imdb_id"])),
        (
            "ID_WIKIDATA",
            js_or_empty(&p["external_ids"]["wikidata_id"]),
        ),
        ("BIOGRAPHY", cut_or_empty(&p["biography"], usize::MAX)),
        ("BIRTHDAY", datetime(birthday)),
        ("BIRTH_DAY", part(birthday, |d| i64::from(d.day()))),
        ("BIRTH_MONTH", part(birthday, |d| i64::from(d.month()))),
        ("BIRTH_YEAR", part(birthday, |d| i64::from(d.year()))),
        ("DEATHDAY", datetime(deathday)),
        ("DEATH_DAY", part(deathday, |d| i64::from(d.day()))),
        ("DEATH_MONTH", part(deathday, |d| i64::from(d.month()))),
        ("DEATH_YEAR", part(deathday, |d| i64::from(d.year()))),
        ("GENDER", Cell::json_int(&p["gender"])),
        ("PROFILE_PATH", js(&p["profile_path"])),
        ("HOMEPAGE_URL", cut(&p["homepage"], 250)),
        ("PLACE_OF_BIRTH", Cell::S(chars(&place, 200))),
        (
            "POPULARITY",
            Cell::F(p["popularity"].as_f64().unwrap_or(0.0)),
        ),
        ("KNOWN_FOR_DEPARTMENT", cut(&p["known_for_department"], 200)),
        ("ADULT", flag(&p["adult"])),
        ("ALSO_KNOWN_AS", pipe(&p["also_known_as"], None)),
        ("COUNTRY_OF_BIRTH", Cell::Null),
        ("COUNTRY_OF_BIRTH_LONG", Cell::Null),
        ("USED_FOR_SIMILARITY", Cell::Null),
    ])
}

/// Person-side credits of one media type (§3.3, §3.6): no `DISPLAY_ORDER`.
fn person_credits(p: &Json, media_type: &str, media_col: &str) -> Vec<Row> {
    let mut out = Vec::new();
    for (list, cast) in [("cast", true), ("crew", false)] {
        for c in p["combined_credits"][list].as_array().into_iter().flatten() {
            if c["media_type"] != media_type || c["credit_id"].as_str().is_none_or(str::is_empty) {
                continue;
            }
            upsert_credit(
                &mut out,
                credit_row(
                    (media_col, Cell::json_int(&c["id"])),
                    Cell::json_int(&p["id"]),
                    c,
                    cast,
                    None,
                ),
            );
        }
    }
    out
}

async fn assert_person(db: &TestDb, conn: &DatabaseConnection, p: &Json) {
    let id = p["id"].as_i64().expect("id");
    assert_table(
        db,
        conn,
        "T_WC_TMDB_PERSON",
        "ID_PERSON",
        id,
        vec![person_main(p)],
    )
    .await;
    assert_set(db, conn, "T_WC_TMDB_PERSON", "ID_PERSON", id, STAMPS_IMAGES).await;
    for (table, rows) in [
        (
            "T_WC_TMDB_PERSON_MOVIE",
            person_credits(p, "movie", "ID_MOVIE"),
        ),
        (
            "T_WC_TMDB_PERSON_SERIE",
            person_credits(p, "tv", "ID_SERIE"),
        ),
        (
            "T_WC_TMDB_PERSON_IMAGE",
            images(&p["images"], &[("profiles", "profile")]),
        ),
    ] {
        assert_table(db, conn, table, "ID_PERSON", id, rows).await;
    }
}

/// Persons covering: no place of birth and no aliases (1), a death day (3), a homepage and
/// one alias (2), no birthday (5), no images (3), a "new" person without IMDb id or department
/// (28), a person credited but absent from the export (150).
fn sample_person_ids(fake: &FakeTmdb) -> Vec<u64> {
    let c = fake.catalogue();
    [1u64, 2, 3, 5, 28, 150]
        .into_iter()
        .map(|p| c.id_at(Kind::Person, p))
        .filter(|&id| c.exists(Kind::Person, id))
        .collect()
}

async fn persons_on(backend: Backend) {
    let Some(db) = TestDb::create(backend, "persons").await else {
        return;
    };
    let fake = FakeTmdb::start(FakeTmdbConfig::default());
    let crawl = crawl(&fake, &db).await;
    let fetcher = PersonFetcher::new(crawl.ctx.clone()).start();
    let ids = sample_person_ids(&fake);
    assert!(ids.len() >= 5, "sample persons {ids:?}");
    for &id in &ids {
        fetch_stored(&fake, &fetcher, id, 1).await;
        let p = person_payload(&fake, id);
        assert_person(&db, &crawl.conn, &p).await;
    }
    drop(db);
}

#[actix_rt::test]
async fn persons_match_the_payload_on_sqlite() {
    persons_on(Backend::Sqlite).await;
}

#[actix_rt::test]
#[cfg_attr(
    not(tmdbc_test_mysql),
    ignore = "needs TMDB_CRAWLER_TEST_MYSQL_URL (a MariaDB server)"
)]
async fn persons_match_the_payload_on_mariadb() {
    persons_on(Backend::MySql).await;
}

#[actix_rt::test]
#[cfg_attr(
    not(tmdbc_test_postgres),
    ignore = "needs TMDB_CRAWLER_TEST_POSTGRES_URL (a PostgreSQL server)"
)]
async fn persons_match_the_payload_on_postgres() {
    persons_on(Backend::Postgres).await;
}

// ---- collection ----------------------------------------------------------------------------

fn collection_payload(fake: &FakeTmdb, id: u64) -> Json {
    fake.catalogue().collection_json(
        index(fake, Kind::Collection, id),
        &req(Some("en-US")),
        &["images", "translations"],
    )
}

fn collection_lang(c: &Json, lang: &str) -> Row {
    let data = translation(c, lang);
    audit(row(vec![
        ("LANG", Cell::s(lang)),
        // Collection translations carry `title` (the crawler's choice).
        (
            "NAME",
            data.map_or(Cell::Null, |d| unless_empty(&d["title"], 250)),
        ),
        ("OVERVIEW", translated(data, "overview")),
        ("POSTER_PATH", lang_poster(c, lang)),
        ("BACKDROP_PATH", js(&c["backdrop_path"])),
    ]))
}

async fn assert_collection(db: &TestDb, conn: &DatabaseConnection, c: &Json) {
    let id = c["id"].as_i64().expect("id");
    let main = entity(vec![
        ("NAME", unless_empty(&c["name"], 250)),
        ("OVERVIEW", js(&c["overview"])),
        ("POSTER_PATH", js(&c["poster_path"])),
        ("BACKDROP_PATH", js(&c["backdrop_path"])),
        ("ID_WIKIDATA", Cell::Null),
        ("USED_FOR_SIMILARITY", Cell::Null),
        ("TIM_CREDITS_DOWNLOADED", Cell::Null),
    ]);
    let (table, col) = ("T_WC_TMDB_COLLECTION", "ID_COLLECTION");
    assert_table(db, conn, table, col, id, vec![main]).await;
    assert_set(db, conn, table, col, id, STAMPS_IMAGES).await;
    assert_table(
        db,
        conn,
        "T_WC_TMDB_COLLECTION_IMAGE",
        col,
        id,
        images(
            &c["images"],
            &[("backdrops", "backdrop"), ("posters", "poster")],
        ),
    )
    .await;
    assert_table(
        db,
        conn,
        "T_WC_TMDB_COLLECTION_LANG",
        col,
        id,
        LANGS.iter().map(|l| collection_lang(c, l)).collect(),
    )
    .await;
}

async fn collections_on(backend: Backend) {
    let Some(db) = TestDb::create(backend, "collections").await else {
        return;
    };
    let fake = FakeTmdb::start(FakeTmdbConfig::default());
    let crawl = crawl(&fake, &db).await;
    let fetcher = CollectionFetcher::new(crawl.ctx.clone()).start();
    let ids: Vec<u64> = fake
        .catalogue()
        .collection_ids()
        .into_iter()
        .take(5)
        .collect();
    for &id in &ids {
        fetch_stored(&fake, &fetcher, id, 1).await;
        assert_collection(&db, &crawl.conn, &collection_payload(&fake, id)).await;
    }
    drop(db);
}

#[actix_rt::test]
async fn collections_match_the_payload_on_sqlite() {
    collections_on(Backend::Sqlite).await;
}

#[actix_rt::test]
#[cfg_attr(
    not(tmdbc_test_mysql),
    ignore = "needs TMDB_CRAWLER_TEST_MYSQL_URL (a MariaDB server)"
)]
async fn collections_match_the_payload_on_mariadb() {
    collections_on(Backend::MySql).await;
}

#[actix_rt::test]
#[cfg_attr(
    not(tmdbc_test_postgres),
    ignore = "needs TMDB_CRAWLER_TEST_POSTGRES_URL (a PostgreSQL server)"
)]
async fn collections_match_the_payload_on_postgres() {
    collections_on(Backend::Postgres).await;
}

// ---- company and network -------------------------------------------------------------------

async fn assert_company(db: &TestDb, conn: &DatabaseConnection, c: &Json) {
    let id = c["id"].as_i64().expect("id");
    let main = entity(vec![
        ("NAME", unless_empty(&c["name"], 250)),
        ("DESCRIPTION", unless_empty(&c["description"], usize::MAX)),
        ("LOGO_PATH", unless_empty(&c["logo_path"], 200)),
        ("HOMEPAGE_URL", unless_empty(&c["homepage"], 500)),
        ("HEADQUARTERS", unless_empty(&c["headquarters"], 200)),
        ("ORIGIN_COUNTRY", unless_empty(&c["origin_country"], 20)),
        (
            "ID_PARENT",
            Cell::I(c["parent_company"]["id"].as_i64().unwrap_or(0)),
        ),
        ("USED_FOR_SIMILARITY", Cell::Null),
        ("TIM_CREDITS_DOWNLOADED", Cell::Null),
    ]);
    let (table, col) = ("T_WC_TMDB_COMPANY", "ID_COMPANY");
    assert_table(db, conn, table, col, id, vec![main]).await;
    assert_set(db, conn, table, col, id, STAMPS_IMAGES).await;
    assert_table(
        db,
        conn,
        "T_WC_TMDB_COMPANY_IMAGE",
        col,
        id,
        images(&c["images"], &[("logos", "logo")]),
    )
    .await;
}

async fn assert_network(db: &TestDb, conn: &DatabaseConnection, n: &Json) {
    let id = n["id"].as_i64().expect("id");
    let main = entity(vec![
        ("NAME", unless_empty(&n["name"], 250)),
        ("LOGO_PATH", unless_empty(&n["logo_path"], 200)),
        ("HOMEPAGE_URL", unless_empty(&n["homepage"], 500)),
        ("ORIGIN_COUNTRY", unless_empty(&n["origin_country"], 20)),
        // Computed but never written by the Python crawler; headquarters is ignored.
        ("ID_PARENT", Cell::Null),
        ("TIM_CREDITS_DOWNLOADED", Cell::Null),
    ]);
    let (table, col) = ("T_WC_TMDB_NETWORK", "ID_NETWORK");
    assert_table(db, conn, table, col, id, vec![main]).await;
    assert_set(db, conn, table, col, id, STAMPS_IMAGES).await;
    assert_table(
        db,
        conn,
        "T_WC_TMDB_NETWORK_IMAGE",
        col,
        id,
        images(&n["images"], &[("logos", "logo")]),
    )
    .await;
}

async fn companies_and_networks_on(backend: Backend) {
    let Some(db) = TestDb::create(backend, "companies").await else {
        return;
    };
    let fake = FakeTmdb::start(FakeTmdbConfig::default());
    let crawl = crawl(&fake, &db).await;
    let catalogue = fake.catalogue();

    let companies = CompanyFetcher::new(crawl.ctx.clone()).start();
    let company_ids: Vec<u64> = catalogue
        .live_ids(Kind::Company)
        .into_iter()
        .take(6)
        .collect();
    for &id in &company_ids {
        fetch_stored(&fake, &companies, id, 1).await;
        let c = catalogue.company_json(index(&fake, Kind::Company, id), &["images"]);
        assert_company(&db, &crawl.conn, &c).await;
    }
    // A "" headquarters is omitted: a value another program stored survives a refresh.
    let blank = company_ids
        .iter()
        .copied()
        .find(|&id| {
            catalogue.company_json(index(&fake, Kind::Company, id), &[])["headquarters"] == ""
        })
        .expect("a company without headquarters");
    let sql = format!(
        "UPDATE {} SET {} = 'Curated HQ' WHERE {} = {blank}",
        quoted(backend, "T_WC_TMDB_COMPANY"),
        quoted(backend, "HEADQUARTERS"),
        quoted(backend, "ID_COMPANY"),
    );
    crawl.conn.execute_unprepared(&sql).await.expect("curate");
    fetch_stored(&fake, &companies, blank, 1).await;
    let kept = rows_where(
        &db,
        &crawl.conn,
        "T_WC_TMDB_COMPANY",
        "ID_COMPANY",
        blank as i64,
        &[("HEADQUARTERS", Hint::Text)],
    )
    .await;
    assert_eq!(
        kept,
        vec![row(vec![("HEADQUARTERS", Cell::s("Curated HQ"))])]
    );

    let networks = NetworkFetcher::new(crawl.ctx.clone()).start();
    let network_ids = catalogue.live_ids(Kind::Network);
    let (appended, asked_apart) = network_ids.split_at(network_ids.len() / 2);
    for &id in appended {
        fetch_stored(&fake, &networks, id, 1).await;
        let n = catalogue.network_json(index(&fake, Kind::Network, id), &["images"]);
        assert_network(&db, &crawl.conn, &n).await;
    }

    // A TMDb that ignores the append for companies and networks (it is only documented for
    // movies, series, seasons, episodes and persons): their logos come from `/images`, in a
    // second request, and the rows are the same.
    fake.knobs.set_company_appends_ignored(true);
    let more: Vec<u64> = catalogue
        .live_ids(Kind::Company)
        .into_iter()
        .filter(|id| !company_ids.contains(id))
        .take(3)
        .collect();
    let with_logos = |json: &Json| {
        json["images"]["logos"]
            .as_array()
            .is_some_and(|l| !l.is_empty())
    };
    let mut logos_seen = false;
    for id in more {
        fake.reset_counters();
        let outcome = fetch(&companies, id).await;
        let FetchOutcome::Stored(stored) = outcome else {
            panic!("company {id}: {outcome:?}");
        };
        assert_eq!(stored.extra_requests, 1, "company {id}");
        assert_eq!(
            fake.requests_to("/3/company/{id}/images"),
            1,
            "company {id}"
        );
        let c = catalogue.company_json(index(&fake, Kind::Company, id), &["images"]);
        logos_seen |= with_logos(&c);
        assert_company(&db, &crawl.conn, &c).await;
    }
    for &id in asked_apart {
        fetch_stored(&fake, &networks, id, 2).await;
        let n = catalogue.network_json(index(&fake, Kind::Network, id), &["images"]);
        logos_seen |= with_logos(&n);
        assert_network(&db, &crawl.conn, &n).await;
    }
    assert!(logos_seen, "no entity fetched apart had a logo to store");
    drop(db);
}

#[actix_rt::test]
async fn companies_and_networks_match_the_payload_on_sqlite() {
    companies_and_networks_on(Backend::Sqlite).await;
}

#[actix_rt::test]
#[cfg_attr(
    not(tmdbc_test_mysql),
    ignore = "needs TMDB_CRAWLER_TEST_MYSQL_URL (a MariaDB server)"
)]
async fn companies_and_networks_match_the_payload_on_mariadb() {
    companies_and_networks_on(Backend::MySql).await;
}

#[actix_rt::test]
#[cfg_attr(
    not(tmdbc_test_postgres),
    ignore = "needs TMDB_CRAWLER_TEST_POSTGRES_URL (a PostgreSQL server)"
)]
async fn companies_and_networks_match_the_payload_on_postgres() {
    companies_and_networks_on(Backend::Postgres).await;
}

// ---- list ----------------------------------------------------------------------------------

/// Every page the crawler reads (`language=en-US&page=n`, until `total_pages`).
fn list_pages(fake: &FakeTmdb, id: u64) -> Vec<Json> {
    let l = index(fake, Kind::List, id);
    let req = Req {
        language: Some("en-US".to_owned()),
        ..Req::default()
    };
    let first = fake.catalogue().list_json(l, 1, &req);
    let total = first["total_pages"].as_u64().unwrap_or(1).max(1);
    let mut pages = vec![first];
    for page in 2..=total {
        pages.push(fake.catalogue().list_json(l, page, &req));
    }
    pages
}

/// One list item as the link tables hold it: (item id, `DISPLAY_ORDER`, repeated in the list).
type Item = (i64, i64, bool);

/// `MOVIE_LIST` / `SERIE_LIST` items (§3.9): one running `DISPLAY_ORDER` over both kinds and
/// all pages. Each item is upserted on (`ID_LIST`, `ID_MOVIE` / `ID_SERIE`) (cp.py:1444-1478,
/// `f_sqlupdatearray`), so an item listed twice has one row, with its LAST position.
fn list_items(pages: &[Json]) -> (Vec<Item>, Vec<Item>) {
    let mut movies: Vec<Item> = Vec::new();
    let mut series: Vec<Item> = Vec::new();
    let items = pages
        .iter()
        .flat_map(|p| p["items"].as_array().into_iter().flatten());
    for (k, item) in items.enumerate() {
        let id = item["id"].as_i64().expect("item id");
        let target = if item["media_type"] == "movie" {
            &mut movies
        } else {
            &mut series
        };
        let order = k as i64 + 1;
        match target.iter_mut().find(|(i, ..)| *i == id) {
            Some(existing) => *existing = (id, order, true),
            None => target.push((id, order, false)),
        }
    }
    (movies, series)
}

/// The item rows of one link table: every item once, with its audit block; then the
/// `DISPLAY_ORDER` of the items listed once (`repeated == false`) or of the repeated ones.
async fn assert_list_items(
    db: &TestDb,
    conn: &DatabaseConnection,
    list: i64,
    (table, col): (&str, &str),
    items: &[Item],
    repeated: bool,
) {
    let rows = items
        .iter()
        .map(|(id, ..)| audit(row(vec![(col, Cell::I(*id))])))
        .collect();
    assert_table(db, conn, table, "ID_LIST", list, rows).await;
    let stored: BTreeMap<i64, Cell> = rows_where(
        db,
        conn,
        table,
        "ID_LIST",
        list,
        &[(col, Hint::Int), ("DISPLAY_ORDER", Hint::Int)],
    )
    .await
    .into_iter()
    .map(|r| match &r[col] {
        Cell::I(id) => (*id, r["DISPLAY_ORDER"].clone()),
        other => panic!("{table}.{col} {other:?}"),
    })
    .filter(|(id, _)| items.iter().any(|(i, _, rep)| i == id && *rep == repeated))
    .collect();
    let want: BTreeMap<i64, Cell> = items
        .iter()
        .filter(|(.., rep)| *rep == repeated)
        .map(|(id, order, _)| (*id, Cell::I(*order)))
        .collect();
    assert_eq!(
        stored,
        want,
        "{table} DISPLAY_ORDER of the items listed {} in list {list} on {:?} (item id → order)",
        if repeated { "more than once" } else { "once" },
        db.backend
    );
}

async fn assert_list(
    db: &TestDb,
    conn: &DatabaseConnection,
    id: i64,
    pages: &[Json],
    repeated: bool,
) {
    let first = &pages[0];
    let main = entity(vec![
        ("NAME", unless_empty(&first["name"], 500)),
        ("DESCRIPTION", js(&first["description"])),
        ("POSTER_PATH", js(&first["poster_path"])),
        ("CREATED_BY", unless_empty(&first["created_by"], 200)),
        ("USE_FOR_TAGGING", Cell::Null),
        ("SHORT_NAME", Cell::Null),
        ("USED_FOR_SIMILARITY", Cell::Null),
        ("ID_LIST_TYPE", Cell::Null),
        ("ID_PROPERTY", Cell::Null),
        ("ID_ITEM", Cell::Null),
    ]);
    assert_table(db, conn, "T_WC_TMDB_LIST", "ID_LIST", id, vec![main]).await;
    assert_set(db, conn, "T_WC_TMDB_LIST", "ID_LIST", id, STAMPS_CREDITS).await;
    let (movies, series) = list_items(pages);
    let tables = [
        (("T_WC_TMDB_MOVIE_LIST", "ID_MOVIE"), movies),
        (("T_WC_TMDB_SERIE_LIST", "ID_SERIE"), series),
    ];
    for (table, items) in &tables {
        assert_list_items(db, conn, id, *table, items, repeated).await;
    }
}

/// Fetches every list twice (one request per page), checking the rows after each fetch;
/// `repeated` picks which items' `DISPLAY_ORDER` is checked (see [`assert_list_items`]).
async fn lists_on(backend: Backend, repeated: bool) {
    let Some(db) = TestDb::create(backend, "lists").await else {
        return;
    };
    let fake = FakeTmdb::start(FakeTmdbConfig::default());
    let crawl = crawl(&fake, &db).await;
    let fetcher = ListFetcher::new(crawl.ctx.clone()).start();
    let ids = fake.catalogue().live_ids(Kind::List);
    let mut paged = false;
    let mut repeats = false;
    for pass in 0..2 {
        for &id in &ids {
            let pages = list_pages(&fake, id);
            paged |= pages.len() > 1;
            let (m, s) = list_items(&pages);
            repeats |= m.iter().chain(&s).any(|(.., rep)| *rep);
            fetch_stored(&fake, &fetcher, id, pages.len() as u64).await;
            assert_eq!(
                fake.requests_to("/3/list/{id}"),
                pages.len() as u64,
                "one request per page, pass {pass}"
            );
            assert_list(&db, &crawl.conn, id as i64, &pages, repeated).await;
        }
    }
    assert!(paged, "a sample list has several pages");
    assert!(repeats, "a sample list repeats an item");
    drop(db);
}

#[actix_rt::test]
async fn lists_match_the_payload_on_sqlite() {
    lists_on(Backend::Sqlite, false).await;
}

#[actix_rt::test]
#[cfg_attr(
    not(tmdbc_test_mysql),
    ignore = "needs TMDB_CRAWLER_TEST_MYSQL_URL (a MariaDB server)"
)]
async fn lists_match_the_payload_on_mariadb() {
    lists_on(Backend::MySql, false).await;
}

#[actix_rt::test]
#[cfg_attr(
    not(tmdbc_test_postgres),
    ignore = "needs TMDB_CRAWLER_TEST_POSTGRES_URL (a PostgreSQL server)"
)]
async fn lists_match_the_payload_on_postgres() {
    lists_on(Backend::Postgres, false).await;
}

// An item listed twice keeps the position of its last occurrence (the Python crawler upserts
// every occurrence on (ID_LIST, ID_MOVIE), the later UPDATE setting DISPLAY_ORDER).

#[actix_rt::test]
async fn list_repeated_items_keep_their_last_position_on_sqlite() {
    lists_on(Backend::Sqlite, true).await;
}

#[actix_rt::test]
#[cfg_attr(
    not(tmdbc_test_mysql),
    ignore = "needs TMDB_CRAWLER_TEST_MYSQL_URL (a MariaDB server)"
)]
async fn list_repeated_items_keep_their_last_position_on_mariadb() {
    lists_on(Backend::MySql, true).await;
}

#[actix_rt::test]
#[cfg_attr(
    not(tmdbc_test_postgres),
    ignore = "needs TMDB_CRAWLER_TEST_POSTGRES_URL (a PostgreSQL server)"
)]
async fn list_repeated_items_keep_their_last_position_on_postgres() {
    lists_on(Backend::Postgres, true).await;
}

// ---- not found -----------------------------------------------------------------------------

fn movie_payload(fake: &FakeTmdb, id: u64) -> Json {
    fake.catalogue().movie_json(
        index(fake, Kind::Movie, id),
        &req(Some("en")),
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

/// The ledger row of (`kind`, `id`), or `None`.
async fn ledger(
    db: &TestDb,
    conn: &DatabaseConnection,
    kind: &str,
    id: u64,
) -> Option<(
    Row,
    chrono::NaiveDateTime,
    chrono::NaiveDateTime,
    chrono::NaiveDateTime,
)> {
    let rows = rows_where(
        db,
        conn,
        "T_WC_TMDB_ID_NOT_FOUND",
        "ID_ENTITY",
        id as i64,
        &[
            ("ENTITY_TYPE", Hint::Text),
            ("ATTEMPT_COUNT", Hint::Int),
            ("LAST_CONTEXT", Hint::Text),
            ("DELETED", Hint::Int),
            ("TIM_FIRST_SEEN", Hint::DateTime),
            ("TIM_LAST_SEEN", Hint::DateTime),
            ("TIM_RETRY_AFTER", Hint::DateTime),
        ],
    )
    .await;
    let mut mine: Vec<Row> = rows
        .into_iter()
        .filter(|r| r["ENTITY_TYPE"] == Cell::s(kind))
        .collect();
    assert!(mine.len() <= 1, "one ledger row per entity: {mine:?}");
    let mut r = mine.pop()?;
    let mut time = |c: &str| match r.remove(c) {
        Some(Cell::D(s)) => chrono::NaiveDateTime::parse_from_str(&s, "%Y-%m-%d %H:%M:%S")
            .unwrap_or_else(|e| panic!("{c} {s}: {e}")),
        other => panic!("{c} unset: {other:?}"),
    };
    let first = time("TIM_FIRST_SEEN");
    let last = time("TIM_LAST_SEEN");
    let retry = time("TIM_RETRY_AFTER");
    Some((r, first, last, retry))
}

fn paris_now() -> chrono::NaiveDateTime {
    chrono::Utc::now()
        .with_timezone(&chrono_tz::Europe::Paris)
        .naive_local()
}

async fn not_found_on(backend: Backend) {
    let Some(db) = TestDb::create(backend, "notfound").await else {
        return;
    };
    let fake = FakeTmdb::start(FakeTmdbConfig::default());
    let crawl = crawl(&fake, &db).await;
    let movies = MovieFetcher::new(crawl.ctx.clone()).start();
    let gone = fake.catalogue().deleted_movie_ids()[0];

    for attempt in 1..=2i64 {
        fake.reset_counters();
        let outcome = fetch(&movies, gone).await;
        assert_eq!(outcome, FetchOutcome::NotFound, "attempt {attempt}");
        assert_eq!(fake.total_requests(), 1, "one request per attempt");
        let (r, first, last, retry) = ledger(&db, &crawl.conn, "movie", gone)
            .await
            .expect("ledger row");
        assert_eq!(
            r,
            row(vec![
                ("ENTITY_TYPE", Cell::s("movie")),
                ("ATTEMPT_COUNT", Cell::I(attempt)),
                ("LAST_CONTEXT", Cell::s("test")),
                ("DELETED", Cell::I(0)),
            ]),
            "attempt {attempt}"
        );
        assert_eq!(
            retry - last,
            chrono::Duration::days(7 * attempt),
            "retry after attempt {attempt}"
        );
        assert!(first <= last, "first {first} last {last}");
        if attempt == 1 {
            assert_eq!(first, last);
        }
        let drift = (paris_now() - last).num_seconds().abs();
        assert!(
            drift < 300,
            "TIM_LAST_SEEN {last} is Paris time (drift {drift}s)"
        );
        assert_table(
            &db,
            &crawl.conn,
            "T_WC_TMDB_MOVIE",
            "ID_MOVIE",
            gone as i64,
            vec![],
        )
        .await;
    }

    // An unknown series id: its own ledger row, named `serie`.
    let unknown = 999_999_999u64;
    assert_eq!(
        fetch(&TvFetcher::new(crawl.ctx.clone()).start(), unknown).await,
        FetchOutcome::NotFound
    );
    let (r, ..) = ledger(&db, &crawl.conn, "serie", unknown)
        .await
        .expect("series ledger row");
    assert_eq!(r["ATTEMPT_COUNT"], Cell::I(1));

    // The id comes back (a live movie's body under that id): writing it clears the ledger row.
    let live = fake.catalogue().movie_ids()[1];
    let mut body = movie_payload(&fake, live);
    body["id"] = json!(gone);
    let movie: tmdb_crawler::tmdb::payload::Movie =
        serde_json::from_value(body).expect("movie body parses");
    let record = tmdb_crawler::records::movie::record(&movie, &options());
    crawl
        .ctx
        .writer
        .send(WriteEntity(record))
        .await
        .expect("writer answers")
        .expect("movie written");
    assert!(
        ledger(&db, &crawl.conn, "movie", gone).await.is_none(),
        "ledger row cleared by the write"
    );
    assert_eq!(
        count_rows(
            &db,
            &crawl.conn,
            "T_WC_TMDB_MOVIE",
            Some(("ID_MOVIE", gone as i64))
        )
        .await,
        1
    );
    // Other ledger rows stay.
    assert!(ledger(&db, &crawl.conn, "serie", unknown).await.is_some());
    drop(db);
}

#[actix_rt::test]
async fn not_found_ledger_on_sqlite() {
    not_found_on(Backend::Sqlite).await;
}

#[actix_rt::test]
#[cfg_attr(
    not(tmdbc_test_mysql),
    ignore = "needs TMDB_CRAWLER_TEST_MYSQL_URL (a MariaDB server)"
)]
async fn not_found_ledger_on_mariadb() {
    not_found_on(Backend::MySql).await;
}

#[actix_rt::test]
#[cfg_attr(
    not(tmdbc_test_postgres),
    ignore = "needs TMDB_CRAWLER_TEST_POSTGRES_URL (a PostgreSQL server)"
)]
async fn not_found_ledger_on_postgres() {
    not_found_on(Backend::Postgres).await;
}

// ---- DeleteEntity --------------------------------------------------------------------------

/// The id column of each kind's rows, by the schema's naming rule (`ID_` and the table's stem).
fn id_column(kind: EntityKind) -> &'static str {
    match kind {
        EntityKind::Movie => "ID_MOVIE",
        EntityKind::Series => "ID_SERIE",
        EntityKind::Person => "ID_PERSON",
        EntityKind::Collection => "ID_COLLECTION",
        EntityKind::Company => "ID_COMPANY",
        EntityKind::Network => "ID_NETWORK",
        EntityKind::Keyword => "ID_KEYWORD",
        EntityKind::List => "ID_LIST",
    }
}

/// Tables of other programs (and the crawler's import and ledger tables) that name an entity's
/// id without holding its data: a delete leaves them alone (shared/spec/schema-and-mapping.md).
fn not_the_entitys(table: &str) -> bool {
    table.ends_with("_ID_IMPORT")
        || table.ends_with("_STAGING")
        || table == "T_WC_TMDB_ID_NOT_FOUND"
        || table.contains("PLEX")
        || table.contains("WIKIDATA")
}

/// What a delete of `kind` must empty: every table of the live schema with the kind's id column,
/// but the foreign ones. Read from the database, not from the crawler's own list.
async fn entity_tables(db: &TestDb, kind: EntityKind) -> Vec<(String, &'static str)> {
    let column = id_column(kind);
    let mut tables: Vec<(String, &'static str)> = db
        .tables_with_column(column)
        .await
        .into_iter()
        .filter(|t| !not_the_entitys(t))
        .map(|t| (t, column))
        .collect();
    // A title is also another title's neighbour: those rows point at it and go with it.
    let neighbours: &[(&str, &'static str)] = match kind {
        EntityKind::Movie => &[
            ("T_WC_TMDB_MOVIE_SIMILAR", "ID_MOVIE_SIMILAR"),
            ("T_WC_TMDB_MOVIE_RECOMMENDATION", "ID_MOVIE_RECOMMENDED"),
        ],
        EntityKind::Series => &[
            ("T_WC_TMDB_SERIE_SIMILAR", "ID_SERIE_SIMILAR"),
            ("T_WC_TMDB_SERIE_RECOMMENDATION", "ID_SERIE_RECOMMENDED"),
        ],
        _ => &[],
    };
    tables.extend(neighbours.iter().map(|(t, c)| ((*t).to_owned(), *c)));
    tables
}

/// Every table of the schema, with its total row count.
async fn totals(db: &TestDb, conn: &DatabaseConnection) -> BTreeMap<String, i64> {
    let mut out = BTreeMap::new();
    for table in db.table_names().await {
        let n = count_rows(db, conn, &table, None).await;
        out.insert(table, n);
    }
    out
}

async fn delete_and_check(db: &TestDb, crawl: &Crawl, kind: EntityKind, id: u64) {
    let conn = &crawl.conn;
    let id = id as i64;
    let before = totals(db, conn).await;
    let mut mine: BTreeMap<String, i64> = BTreeMap::new();
    for (table, column) in entity_tables(db, kind).await {
        let n = count_rows(db, conn, &table, Some((column, id))).await;
        *mine.entry(table).or_default() += n;
    }
    let (main_table, _) = kind.table();
    assert_eq!(
        mine.get(main_table),
        Some(&1),
        "{kind} {id} stored: {mine:?}"
    );
    let children: i64 = mine
        .iter()
        .filter(|(t, _)| t.as_str() != main_table)
        .map(|(_, n)| n)
        .sum();
    assert!(children > 0, "{kind} {id} has child rows: {mine:?}");

    let deleted = crawl
        .ctx
        .writer
        .send(DeleteEntity {
            kind,
            id: id as i32,
        })
        .await
        .expect("writer answers")
        .unwrap_or_else(|e| panic!("delete {kind} {id} on {:?}: {e}", db.backend));

    let after = totals(db, conn).await;
    for (table, column) in entity_tables(db, kind).await {
        assert_eq!(
            count_rows(db, conn, &table, Some((column, id))).await,
            0,
            "{table}.{column} = {id} after deleting {kind} on {:?}",
            db.backend
        );
    }
    assert_eq!(
        deleted as i64,
        mine.values().sum::<i64>(),
        "rows deleted for {kind} {id}: {mine:?}"
    );
    for (table, total) in &before {
        let gone = mine.get(table).copied().unwrap_or(0);
        assert_eq!(
            after[table],
            total - gone,
            "{table}: only the rows of {kind} {id} are deleted on {:?}",
            db.backend
        );
    }
}

/// Rows a movie owns that its fetch did not write (an alternative title TMDb no longer lists,
/// other programs' lemmas): the delete removes them too.
async fn foreign_movie_rows(db: &TestDb, conn: &DatabaseConnection, id: u64) {
    let q = |n: &str| quoted(db.backend, n);
    for sql in [
        format!(
            "INSERT INTO {} ({}, {}) VALUES ({id}, 'Alt title')",
            q("T_WC_TMDB_MOVIE_TITLE"),
            q("ID_MOVIE"),
            q("TITLE")
        ),
        format!(
            "INSERT INTO {} ({}, {}, {}) VALUES ({id}, 7, 0)",
            q("T_WC_TMDB_MOVIE_LEMME"),
            q("ID_MOVIE"),
            q("ID_LEMME"),
            q("START_CHAR")
        ),
    ] {
        conn.execute_unprepared(&sql)
            .await
            .unwrap_or_else(|e| panic!("{sql}: {e}"));
    }
}

async fn delete_on(backend: Backend) {
    let Some(db) = TestDb::create(backend, "delete").await else {
        return;
    };
    let fake = FakeTmdb::start(FakeTmdbConfig::default());
    let crawl = crawl(&fake, &db).await;
    let catalogue = fake.catalogue();

    // A list first, so movies and series have list rows too.
    let list = catalogue.live_ids(Kind::List)[0];
    stored(fetch(&ListFetcher::new(crawl.ctx.clone()).start(), list).await);
    let pages = list_pages(&fake, list);
    let in_list = |media: &str| -> Vec<u64> {
        let mut out: Vec<u64> = Vec::new();
        for item in pages
            .iter()
            .flat_map(|p| p["items"].as_array().into_iter().flatten())
        {
            let id = item["id"].as_u64().expect("item id");
            if item["media_type"] == media && !out.contains(&id) {
                out.push(id);
            }
        }
        out
    };
    let movie_ids: Vec<u64> = in_list("movie")
        .into_iter()
        .filter(|&id| {
            catalogue.exists(Kind::Movie, id) && !catalogue.movie_person_ids(id).is_empty()
        })
        .take(2)
        .collect();
    let series_ids: Vec<u64> = in_list("tv")
        .into_iter()
        .filter(|&id| catalogue.exists(Kind::Tv, id))
        .take(2)
        .collect();
    assert_eq!(movie_ids.len(), 2, "movies in list {list}");
    assert_eq!(series_ids.len(), 2, "series in list {list}");
    let person_ids: Vec<u64> = movie_ids
        .iter()
        .filter_map(|&m| {
            catalogue
                .movie_person_ids(m)
                .into_iter()
                .find(|&p| catalogue.exists(Kind::Person, p))
        })
        .collect();
    assert_eq!(person_ids.len(), 2, "persons of {movie_ids:?}");

    let movies = MovieFetcher::new(crawl.ctx.clone()).start();
    for &id in &movie_ids {
        stored(fetch(&movies, id).await);
        foreign_movie_rows(&db, &crawl.conn, id).await;
    }
    let series = TvFetcher::new(crawl.ctx.clone()).start();
    for &id in &series_ids {
        stored(fetch(&series, id).await);
    }
    let persons = PersonFetcher::new(crawl.ctx.clone()).start();
    for &id in &person_ids {
        stored(fetch(&persons, id).await);
    }

    // Each deletion is checked against the row counts of every owned table: only the rows of
    // that id go, the other movie, series and person (and their rows) stay.
    delete_and_check(&db, &crawl, EntityKind::Movie, movie_ids[0]).await;
    delete_and_check(&db, &crawl, EntityKind::Series, series_ids[0]).await;
    delete_and_check(&db, &crawl, EntityKind::Person, person_ids[0]).await;
    for (kind, id) in [
        (EntityKind::Movie, movie_ids[1]),
        (EntityKind::Series, series_ids[1]),
        (EntityKind::Person, person_ids[1]),
    ] {
        let (table, pk) = kind.table();
        assert_eq!(
            count_rows(&db, &crawl.conn, table, Some((pk, id as i64))).await,
            1,
            "{kind} {id} kept"
        );
    }
    drop(db);
}

#[actix_rt::test]
async fn delete_entity_removes_only_its_rows_on_sqlite() {
    delete_on(Backend::Sqlite).await;
}

#[actix_rt::test]
#[cfg_attr(
    not(tmdbc_test_mysql),
    ignore = "needs TMDB_CRAWLER_TEST_MYSQL_URL (a MariaDB server)"
)]
async fn delete_entity_removes_only_its_rows_on_mariadb() {
    delete_on(Backend::MySql).await;
}

#[actix_rt::test]
#[cfg_attr(
    not(tmdbc_test_postgres),
    ignore = "needs TMDB_CRAWLER_TEST_POSTGRES_URL (a PostgreSQL server)"
)]
async fn delete_entity_removes_only_its_rows_on_postgres() {
    delete_on(Backend::Postgres).await;
}
