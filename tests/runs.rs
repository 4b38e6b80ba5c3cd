//! `tmdb-crawler run` end to end: the real binary against the fake TMDb server, on SQLite always
//! and on MariaDB / PostgreSQL when `TMDB_CRAWLER_TEST_MYSQL_URL` /
//! `TMDB_CRAWLER_TEST_POSTGRES_URL` are set.
//!
//! 1. the default scope on an empty database (plus a few seeded rows) mirrors the catalogue,
//!    deletes what TMDb answers 34 for, recovers the persons missing from the export, follows
//!    the change feeds; a second run right after asks TMDb for no entity;
//! 2. a run killed (SIGKILL) in the middle of process 2, then restarted, ends with the same
//!    rows as an uninterrupted run, without duplicates;
//! 3. SIGTERM: exit 0 within 10 s, no half-written entity; with requests that never answer,
//!    exit 0 after the 9 s grace; during a change feed, no new id is fetched after the signal;
//! 4. a second instance on the same database is refused while the first one runs.
//!
//! The extra SIGTERM cases run on SQLite only (they wait out timers, not the database).

mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::fs::File;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::time::{Duration, Instant};

use chrono::{Days, NaiveDate, NaiveDateTime, NaiveTime};
use entity::t_wc_server_variable as sv;
use fake_tmdb::{Catalogue, CatalogueSizes, FakeTmdb, FakeTmdbConfig, Kind};
use migration::{Migrator, MigratorTrait};
use sea_orm::sea_query::{Alias, Expr, Query, SimpleExpr};
use sea_orm::{
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, Statement, Value,
};
use support::binary::{command, describe, run, run_ok, tail};
use support::db::{Backend, TestDb};
use support::rows::quoted;
use support::{crawler_ok, one_error_line};
use tmdb_crawler::records::EntityKind;
use tmdb_crawler::store::server_vars;

/// The crawler's default time zone (the tests do not set one).
const TZ: chrono_tz::Tz = chrono_tz::Europe::Paris;
const RUN_LOCK: &str = "strtmdbcrawlerrunlock";

// ---------------------------------------------------------------- running the binary

/// What every child process gets: the database, the fake TMDb, a generous rate limit.
fn crawler_env(fake: &FakeTmdb, db: &TestDb, max_in_flight: u32) -> Vec<(String, String)> {
    [
        ("TMDB_CRAWLER_DATABASE_URL", db.url.clone()),
        ("TMDB_CRAWLER_API_BASE_URL", fake.base_url.clone()),
        ("TMDB_CRAWLER_API_KEY", fake.api_key.clone()),
        ("TMDB_CRAWLER_EXPORTS_BASE_URL", fake.exports_base_url()),
        ("TMDB_CRAWLER_RATE_LIMIT_PER_SECOND", "500".to_owned()),
        ("TMDB_CRAWLER_MAX_IN_FLIGHT", max_in_flight.to_string()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect()
}

/// A crawler started in the background; its output goes to files (a full pipe would block it).
struct Running {
    child: Child,
    dir: tempfile::TempDir,
}

impl Running {
    fn spawn(env: &[(String, String)], args: &[&str]) -> Running {
        let dir = tempfile::tempdir().expect("temporary directory");
        let stdout = File::create(dir.path().join("stdout")).expect("stdout file");
        let stderr = File::create(dir.path().join("stderr")).expect("stderr file");
        let child = command(dir.path(), args, env)
            .stdin(Stdio::null())
            .stdout(stdout)
            .stderr(stderr)
            .spawn()
            .expect("start tmdb-crawler");
        Running { child, dir }
    }

    fn pid(&self) -> u32 {
        self.child.id()
    }

    /// The exit status, or `None` if still running after `limit`.
    fn wait_for(&mut self, limit: Duration) -> Option<ExitStatus> {
        let deadline = Instant::now() + limit;
        loop {
            if let Some(status) = self.child.try_wait().expect("poll the crawler") {
                return Some(status);
            }
            if Instant::now() >= deadline {
                return None;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn finished(&mut self) -> bool {
        self.child.try_wait().expect("poll the crawler").is_some()
    }

    fn sigterm(&self) {
        self.signal("-TERM");
    }

    /// SIGINT, what Ctrl-C sends.
    fn ctrl_c(&self) {
        self.signal("-INT");
    }

    fn signal(&self, signal: &str) {
        let status = Command::new("kill")
            .args([signal, &self.pid().to_string()])
            .status()
            .expect("run kill");
        assert!(status.success(), "kill {signal} {} failed", self.pid());
    }

    /// SIGKILL, then reap it (a zombie would still have its /proc entry).
    fn sigkill(&mut self) {
        self.child.kill().expect("SIGKILL the crawler");
        self.child.wait().expect("reap the crawler");
    }

    fn output(&self, name: &str) -> String {
        std::fs::read_to_string(self.dir.path().join(name)).unwrap_or_default()
    }

    fn logs(&self) -> String {
        format!(
            "stdout:\n{}\nstderr (end):\n{}",
            self.output("stdout"),
            tail(&self.output("stderr"), 40)
        )
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if !matches!(self.child.try_wait(), Ok(Some(_))) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

// ---------------------------------------------------------------- database helpers

async fn scalar(db: &TestDb, conn: &DatabaseConnection, sql: String) -> i64 {
    let row = conn
        .query_one_raw(Statement::from_string(db.db_backend(), sql.clone()))
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
        .unwrap_or_else(|| panic!("{sql}: no row"));
    row.try_get_by_index::<i64>(0)
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
}

/// `SELECT COUNT(*) FROM table [WHERE column = id]`.
async fn count(
    db: &TestDb,
    conn: &DatabaseConnection,
    table: &str,
    filter: Option<(&str, u64)>,
) -> i64 {
    let mut sql = format!("SELECT COUNT(*) FROM {}", quoted(db.backend, table));
    if let Some((column, id)) = filter {
        sql.push_str(&format!(" WHERE {} = {id}", quoted(db.backend, column)));
    }
    scalar(db, conn, sql).await
}

/// The first integer column of every row of `sql`.
async fn ints(db: &TestDb, conn: &DatabaseConnection, sql: String) -> Vec<(u64, u64)> {
    let rows = conn
        .query_all_raw(Statement::from_string(db.db_backend(), sql.clone()))
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
    rows.iter()
        .map(|r| {
            let a = r.try_get_by_index::<Option<i32>>(0).expect("int column");
            let b = r.try_get_by_index::<Option<i32>>(1).unwrap_or(None);
            (a.map_or(0, |v| v as u64), b.map_or(0, |v| v as u64))
        })
        .collect()
}

/// Sets `TIM_UPDATED` of every row of `table` to `at`: rows stored long ago, for the
/// selections that skip what was fetched today or refresh what is old.
async fn age_rows(conn: &DatabaseConnection, table: &str, at: NaiveDateTime) {
    let update = Query::update()
        .table(Alias::new(table))
        .value(Alias::new("TIM_UPDATED"), at)
        .to_owned();
    conn.execute(&update)
        .await
        .unwrap_or_else(|e| panic!("age the rows of {table}: {e}"));
}

/// Ids of the live (`DELETED = 0`) rows of a kind's table.
async fn stored_ids(db: &TestDb, conn: &DatabaseConnection, kind: EntityKind) -> BTreeSet<u64> {
    let (table, pk) = kind.table();
    let q = |n| quoted(db.backend, n);
    ints(
        db,
        conn,
        format!(
            "SELECT {}, 0 FROM {} WHERE {} = 0",
            q(pk),
            q(table),
            q("DELETED")
        ),
    )
    .await
    .into_iter()
    .map(|(id, _)| id)
    .collect()
}

/// `child` values of `table` grouped by `parent` (sorted, repeats kept).
async fn children(
    db: &TestDb,
    conn: &DatabaseConnection,
    table: &str,
    parent: &str,
    child: &str,
) -> BTreeMap<u64, Vec<u64>> {
    let q = |n| quoted(db.backend, n);
    let mut out: BTreeMap<u64, Vec<u64>> = BTreeMap::new();
    for (p, c) in ints(
        db,
        conn,
        format!("SELECT {}, {} FROM {}", q(parent), q(child), q(table)),
    )
    .await
    {
        out.entry(p).or_default().push(c);
    }
    for v in out.values_mut() {
        v.sort_unstable();
    }
    out
}

async fn insert(conn: &DatabaseConnection, table: &str, cells: &[(&str, Value)]) {
    let mut q = Query::insert();
    q.into_table(Alias::new(table))
        .columns(cells.iter().map(|(c, _)| Alias::new(*c)));
    q.values(cells.iter().map(|(_, v)| SimpleExpr::from(v.clone())))
        .expect("values");
    conn.execute_raw(conn.get_database_backend().build(&q))
        .await
        .unwrap_or_else(|e| panic!("insert into {table}: {e}"));
}

async fn var(conn: &DatabaseConnection, name: &str) -> String {
    server_vars::get(conn, name)
        .await
        .expect("read a server variable")
        .unwrap_or_default()
}

/// A server variable holding a datetime: `YYYY-MM-DD HH:MM:SS`, as the Python crawler wrote it.
async fn datetime_var(conn: &DatabaseConnection, name: &str) -> NaiveDateTime {
    let text = var(conn, name).await;
    NaiveDateTime::parse_from_str(&text, "%Y-%m-%d %H:%M:%S")
        .unwrap_or_else(|e| panic!("{name} = {text:?} is not YYYY-MM-DD HH:MM:SS: {e}"))
}

/// Waits until `count(table) >= at_least` while `crawler` runs; the count reached.
async fn wait_for_rows(
    db: &TestDb,
    conn: &DatabaseConnection,
    crawler: &mut Running,
    table: &str,
    at_least: i64,
) -> i64 {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let n = count(db, conn, table, None).await;
        if n >= at_least {
            return n;
        }
        assert!(
            !crawler.finished(),
            "the crawler ended before {table} held {at_least} rows ({n}):\n{}",
            crawler.logs()
        );
        assert!(
            Instant::now() < deadline,
            "{table} never reached {at_least} rows"
        );
        std::thread::sleep(Duration::from_millis(25));
    }
}

// ---------------------------------------------------------------- catalogue helpers

fn exported_ids(cat: &Catalogue, kind: Kind) -> BTreeSet<u64> {
    cat.export_ids(kind).into_iter().collect()
}

fn set(ids: Vec<u64>) -> BTreeSet<u64> {
    ids.into_iter().collect()
}

fn sorted(mut ids: Vec<u64>) -> Vec<u64> {
    ids.sort_unstable();
    ids
}

fn dedup(ids: Vec<u64>) -> Vec<u64> {
    set(ids).into_iter().collect()
}

/// Every stored movie is complete: its stamps are set and its genres, credits, companies and
/// keywords are exactly the catalogue's (credits of the persons in `unlisted` left out). Returns
/// how many movies are stored.
async fn assert_movies_complete(
    db: &TestDb,
    conn: &DatabaseConnection,
    cat: &Catalogue,
    unlisted: &BTreeSet<u64>,
) -> usize {
    let q = |n| quoted(db.backend, n);
    let incomplete = scalar(
        db,
        conn,
        format!(
            "SELECT COUNT(*) FROM {} WHERE {} IS NULL OR {} IS NULL OR {} IS NULL",
            q("T_WC_TMDB_MOVIE"),
            q("TIM_CREDITS_COMPLETED"),
            q("TIM_IMAGES_COMPLETED"),
            q("TIM_KEYWORDS_COMPLETED")
        ),
    )
    .await;
    assert_eq!(
        incomplete, 0,
        "movies without their completion stamps on {:?}",
        db.backend
    );
    let movies = stored_ids(db, conn, EntityKind::Movie).await;
    let genres = children(db, conn, "T_WC_TMDB_MOVIE_GENRE", "ID_MOVIE", "ID_GENRE").await;
    let credits = children(db, conn, "T_WC_TMDB_PERSON_MOVIE", "ID_MOVIE", "ID_PERSON").await;
    let companies = children(
        db,
        conn,
        "T_WC_TMDB_MOVIE_COMPANY",
        "ID_MOVIE",
        "ID_COMPANY",
    )
    .await;
    let keywords = children(
        db,
        conn,
        "T_WC_TMDB_MOVIE_KEYWORD",
        "ID_MOVIE",
        "ID_KEYWORD",
    )
    .await;
    let get = |m: &BTreeMap<u64, Vec<u64>>, id| m.get(&id).cloned().unwrap_or_default();
    for &id in &movies {
        let b = db.backend;
        assert_eq!(
            get(&genres, id),
            sorted(dedup(cat.movie_genre_ids(id))),
            "genres of movie {id} on {b:?}"
        );
        let listed = |persons: Vec<u64>| {
            sorted(
                persons
                    .into_iter()
                    .filter(|p| !unlisted.contains(p))
                    .collect(),
            )
        };
        assert_eq!(
            listed(get(&credits, id)),
            listed(cat.movie_person_ids(id)),
            "credits of movie {id} on {b:?}"
        );
        assert_eq!(
            get(&companies, id),
            sorted(dedup(cat.movie_company_ids(id))),
            "companies of movie {id} on {b:?}"
        );
        assert_eq!(
            get(&keywords, id),
            sorted(dedup(cat.movie_keyword_ids(id))),
            "keywords of movie {id} on {b:?}"
        );
    }
    for table in ["T_WC_TMDB_MOVIE_GENRE", "T_WC_TMDB_PERSON_MOVIE"] {
        let parents = children(db, conn, table, "ID_MOVIE", "ID_MOVIE").await;
        let orphans: Vec<&u64> = parents.keys().filter(|m| !movies.contains(m)).collect();
        assert!(
            orphans.is_empty(),
            "{table} rows of movies that are not stored: {orphans:?}"
        );
    }
    movies.len()
}

// ---------------------------------------------------------------- the fake changes feed

/// GET on the fake server, without an HTTP client dependency (`Connection: close`).
fn get_json(fake: &FakeTmdb, path: &str) -> serde_json::Value {
    let addr = format!("127.0.0.1:{}", fake.port);
    let mut stream = TcpStream::connect(&addr).expect("connect to the fake TMDb");
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .expect("send the request");
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).expect("read the answer");
    let text = String::from_utf8(raw).expect("UTF-8 answer");
    let (head, body) = text.split_once("\r\n\r\n").expect("an HTTP answer");
    assert!(head.starts_with("HTTP/1.1 200"), "{path}: {head}");
    assert!(
        !head.to_ascii_lowercase().contains("chunked"),
        "chunked answer not handled"
    );
    serde_json::from_str(body).expect("a JSON body")
}

/// `(id, adult == true)` of every entry the feed lists for `start..=end`.
fn changes_feed(
    fake: &FakeTmdb,
    segment: &str,
    start: NaiveDate,
    end: NaiveDate,
) -> Vec<(u64, bool)> {
    let mut out = Vec::new();
    let mut page = 1;
    loop {
        let body = get_json(
            fake,
            &format!(
                "/3/{segment}/changes?start_date={start}&end_date={end}&page={page}&api_key={}",
                fake.api_key
            ),
        );
        for entry in body["results"].as_array().expect("results") {
            out.push((entry["id"].as_u64().expect("id"), entry["adult"] == true));
        }
        if page >= body["total_pages"].as_u64().expect("total_pages") {
            return out;
        }
        page += 1;
    }
}

/// Requests for `/3/{segment}/{id}` (the fake's route keys keep an id equal to 3 as is).
fn detail_requests(routes: &BTreeMap<String, u64>, segment: &str) -> u64 {
    let prefix = format!("/3/{segment}/");
    routes
        .iter()
        .filter(|(route, _)| {
            route.strip_prefix(&prefix).is_some_and(|rest| {
                rest == "{id}" || (!rest.is_empty() && rest.bytes().all(|b| b.is_ascii_digit()))
            })
        })
        .map(|(_, n)| n)
        .sum()
}

fn at_noon(date: NaiveDate) -> NaiveDateTime {
    date.and_time(NaiveTime::from_hms_opt(12, 0, 0).expect("noon"))
}

// ---------------------------------------------------------------- 1. the default scope

/// The default catalogue halved, with 8 series so that one series is deleted.
fn small_sizes() -> CatalogueSizes {
    CatalogueSizes {
        series: 8,
        ..CatalogueSizes::scaled(0.5)
    }
}

/// A feed kind: its changes path segment, its cursor variable, its entity kind, its table's
/// title column, and the catalogue kind.
struct Feed {
    segment: &'static str,
    cursor: &'static str,
    entity: EntityKind,
    title: &'static str,
    kind: Kind,
}

const FEEDS: [Feed; 3] = [
    Feed {
        segment: "movie",
        cursor: "strtmdbcrawlerchangesmoviedate",
        entity: EntityKind::Movie,
        title: "ORIGINAL_TITLE",
        kind: Kind::Movie,
    },
    Feed {
        segment: "person",
        cursor: "strtmdbcrawlerchangespersondate",
        entity: EntityKind::Person,
        title: "NAME",
        kind: Kind::Person,
    },
    Feed {
        segment: "tv",
        cursor: "strtmdbcrawlerchangesseriedate",
        entity: EntityKind::Series,
        title: "ORIGINAL_TITLE",
        kind: Kind::Tv,
    },
];

/// A stored entity row as an older crawl left it: live, credit-complete, updated at `when`.
async fn seed_entity(
    conn: &DatabaseConnection,
    feed: &Feed,
    id: u64,
    title: &str,
    when: NaiveDateTime,
) {
    let (table, pk) = feed.entity.table();
    insert(
        conn,
        table,
        &[
            (pk, Value::from(id as i32)),
            (feed.title, Value::from(title)),
            ("ADULT", Value::from(0)),
            ("DELETED", Value::from(0)),
            ("TIM_UPDATED", Value::from(when)),
            ("TIM_CREDITS_COMPLETED", Value::from(when)),
        ],
    )
    .await;
}

/// Child rows of a seeded deleted entity, in tables `DeleteEntity` must empty.
async fn seed_children(conn: &DatabaseConnection, entity: EntityKind, id: u64, other: u64) {
    let id = id as i32;
    let audit = |mut cells: Vec<(&'static str, Value)>| {
        cells.push(("DELETED", Value::from(0)));
        cells
    };
    match entity {
        EntityKind::Movie => {
            insert(
                conn,
                "T_WC_TMDB_MOVIE_GENRE",
                &audit(vec![("ID_MOVIE", id.into()), ("ID_GENRE", 18.into())]),
            )
            .await;
            insert(
                conn,
                "T_WC_TMDB_MOVIE_LANG",
                &audit(vec![
                    ("ID_MOVIE", id.into()),
                    ("LANG", "fr".into()),
                    ("TITLE", "gone".into()),
                ]),
            )
            .await;
            insert(
                conn,
                "T_WC_TMDB_PERSON_MOVIE",
                &audit(vec![
                    ("ID_MOVIE", id.into()),
                    ("ID_PERSON", (other as i32).into()),
                    ("ID_CREDIT", format!("seeded-movie-{id}").into()),
                    ("CREDIT_TYPE", "cast".into()),
                ]),
            )
            .await;
        }
        EntityKind::Person => {
            insert(
                conn,
                "T_WC_TMDB_PERSON_IMAGE",
                &audit(vec![
                    ("ID_PERSON", id.into()),
                    ("TYPE_IMAGE", "profile".into()),
                    ("IMAGE_PATH", "/gone.jpg".into()),
                ]),
            )
            .await;
            insert(
                conn,
                "T_WC_TMDB_PERSON_SERIE",
                &audit(vec![
                    ("ID_PERSON", id.into()),
                    ("ID_SERIE", (other as i32).into()),
                    ("ID_CREDIT", format!("seeded-person-{id}").into()),
                    ("CREDIT_TYPE", "cast".into()),
                ]),
            )
            .await;
        }
        _ => {
            insert(
                conn,
                "T_WC_TMDB_SERIE_GENRE",
                &audit(vec![("ID_SERIE", id.into()), ("ID_GENRE", 18.into())]),
            )
            .await;
        }
    }
}

async fn default_scope(backend: Backend) {
    let Some(db) = TestDb::create(backend, "runs_default").await else {
        return;
    };
    crawler_ok(&db.url, &["migrate", "up"]);
    let fake = FakeTmdb::start(FakeTmdbConfig {
        sizes: small_sizes(),
        ..FakeTmdbConfig::default()
    });
    // Today's export: deleted ids are no longer listed, so 14-16 see the seeded ones.
    fake.knobs.set_exports_exclude_deleted(true);
    let cat = fake.catalogue().clone();
    let env = crawler_env(&fake, &db, 8);
    let conn = db.connect().await;

    // The change feeds resume a week back; the polled window ends yesterday (a week: so that
    // some live series of the 8 surely changed in it).
    let today = support::first_open_day(TZ);
    let start = today.checked_sub_days(Days::new(7)).expect("date");
    let end = today.pred_opt().expect("date");
    let long_ago = at_noon(start.checked_sub_days(Days::new(2)).expect("date"));

    // Rows an older crawl left: deleted on TMDb since (14-16 must remove them and their
    // children), and live ones that changed in the window (51-53 must re-fetch them).
    let deleted: Vec<(EntityKind, Vec<u64>)> = vec![
        (EntityKind::Movie, cat.deleted_movie_ids()),
        (EntityKind::Person, cat.deleted_person_ids()),
        (EntityKind::Series, cat.deleted_series_ids()),
    ];
    for (entity, ids) in &deleted {
        assert!(!ids.is_empty(), "the catalogue has no deleted {entity}");
        let feed = FEEDS.iter().find(|f| f.entity == *entity).expect("feed");
        for &id in ids {
            seed_entity(&conn, feed, id, "gone", long_ago).await;
            seed_children(&conn, *entity, id, cat.movie_ids()[0]).await;
        }
    }
    let mut changed: BTreeMap<&str, Vec<u64>> = BTreeMap::new();
    for feed in &FEEDS {
        let exported = exported_ids(&cat, feed.kind);
        let picked: Vec<u64> = changes_feed(&fake, feed.segment, start, end)
            .into_iter()
            .filter(|&(id, adult)| !adult && exported.contains(&id) && cat.exists(feed.kind, id))
            .map(|(id, _)| id)
            .take(3)
            .collect();
        assert!(
            !picked.is_empty(),
            "no {} changed in {start}..={end}",
            feed.segment
        );
        for &id in &picked {
            seed_entity(&conn, feed, id, "stale", long_ago).await;
        }
        server_vars::set(
            &conn,
            TZ,
            feed.cursor,
            &start.to_string(),
            "seeded by the test",
        )
        .await
        .expect("seed the changes cursor");
        changed.insert(feed.segment, picked);
    }
    fake.reset_counters();

    let first = run_ok(&env, &["run"]);
    let stdout = String::from_utf8_lossy(&first.stdout).into_owned();

    // README, "Order and overlap": the exports first, then the default scope in the
    // catalogue's order. The run prints one summary line per process, in the order it ran them;
    // its record of what it began starts with the exports and ends with the large refreshes
    // that follow the change feeds (the 2026-08 order).
    let reported: Vec<u16> = stdout
        .lines()
        .filter_map(|line| line.trim_start().split_once(' '))
        .filter_map(|(number, _)| number.parse().ok())
        .collect();
    assert_eq!(
        reported,
        tmdb_crawler::process::DEFAULT_ORDER,
        "the default scope's summary lines are not in the catalogue's order on {backend:?}\n{stdout}"
    );
    let executed = var(&conn, "strtmdbcrawlerprocessesexecuted").await;
    // The lanes of one pipeline begin in any order: the large refreshes, one pipeline after
    // the feeds, come last in some order.
    let last: BTreeSet<&str> = executed
        .rsplit_once("51, 52, 53, ")
        .map(|(_, tail)| tail.split(", ").filter(|n| !n.is_empty()).collect())
        .unwrap_or_default();
    assert!(
        executed.starts_with("41, 42, 43, 44, 45, 46, 47, 19, 12, ")
            && last == BTreeSet::from(["22", "28", "24", "34", "35", "36"]),
        "processes executed {executed:?}: not the exports, 19 and 12 first, then ... the change \
         feeds and the large refreshes on {backend:?}"
    );
    // Each process of the run once, those whose selection was empty from the start included.
    let mut recorded: Vec<u16> = executed
        .split(", ")
        .filter(|n| !n.is_empty())
        .map(|n| n.parse().expect("a process number"))
        .collect();
    recorded.sort_unstable();
    let mut expected = tmdb_crawler::process::DEFAULT_ORDER.to_vec();
    expected.sort_unstable();
    assert_eq!(
        recorded, expected,
        "processes executed {executed:?} on {backend:?}"
    );

    // Every live entity of the catalogue is stored; nothing TMDb answers 34 for is.
    let kinds = [
        (EntityKind::Movie, Kind::Movie),
        (EntityKind::Person, Kind::Person),
        (EntityKind::Series, Kind::Tv),
        (EntityKind::Collection, Kind::Collection),
        (EntityKind::Company, Kind::Company),
        (EntityKind::Network, Kind::Network),
    ];
    for (entity, kind) in kinds {
        let stored = stored_ids(&db, &conn, entity).await;
        let live = set(cat.live_ids(kind));
        assert_eq!(
            stored.difference(&live).collect::<Vec<_>>(),
            Vec::<&u64>::new(),
            "{entity} stored but not live on {backend:?}\n{stdout}"
        );
        assert_eq!(
            live.difference(&stored).collect::<Vec<_>>(),
            Vec::<&u64>::new(),
            "{entity} live but not stored on {backend:?}\n{stdout}"
        );
    }
    // 31: the persons credits name but the export lacks.
    let persons = stored_ids(&db, &conn, EntityKind::Person).await;
    let missing = cat.missing_person_ids();
    assert!(!missing.is_empty());
    for id in &missing {
        assert!(persons.contains(id), "missing person {id} not recovered");
    }
    // 14-16: the seeded deleted entities are gone with every row they owned. Credit rows are
    // also written from the other side (a live series crediting a deleted person, re-fetched
    // by 53 after 15 ran), so in the credit tables only the seeded credits must be gone.
    let present = db.table_names().await;
    for (entity, ids) in &deleted {
        for &id in ids {
            for &(table, column) in entity.owned_tables() {
                // The 2026-08 schema has no T_WC_TMDB_MOVIE_LANG_META.
                if !present.iter().any(|t| t == table) {
                    continue;
                }
                if table.starts_with("T_WC_TMDB_PERSON_") && *entity != EntityKind::Person {
                    continue;
                }
                if matches!(table, "T_WC_TMDB_PERSON_MOVIE" | "T_WC_TMDB_PERSON_SERIE") {
                    continue;
                }
                assert_eq!(
                    count(&db, &conn, table, Some((column, id))).await,
                    0,
                    "{table} still holds rows of deleted {entity} {id} on {backend:?}\n{stdout}"
                );
            }
        }
    }
    for table in ["T_WC_TMDB_PERSON_MOVIE", "T_WC_TMDB_PERSON_SERIE"] {
        let seeded = scalar(
            &db,
            &conn,
            format!(
                "SELECT COUNT(*) FROM {} WHERE {} LIKE 'seeded-%'",
                quoted(backend, table),
                quoted(backend, "ID_CREDIT")
            ),
        )
        .await;
        assert_eq!(
            seeded, 0,
            "{table} still holds the credits of deleted entities on {backend:?}\n{stdout}"
        );
    }
    // 51-53: the changed rows were re-fetched (the feeds are the only process selecting them:
    // they are credit-complete and updated less than 30 days ago).
    for feed in &FEEDS {
        let (table, pk) = feed.entity.table();
        for &id in &changed[feed.segment] {
            let rows = support::rows::rows_where(
                &db,
                &conn,
                table,
                pk,
                id as i64,
                &[(feed.title, support::rows::Hint::Text)],
            )
            .await;
            let expected = cat.name(feed.kind, id).expect("a catalogue name");
            assert_eq!(
                rows.first().and_then(|r| r.get(feed.title)).cloned(),
                Some(support::rows::Cell::S(expected)),
                "{} {id} changed in the window but was not re-fetched on {backend:?}\n{stdout}",
                feed.segment
            );
        }
        assert!(
            fake.requests_to(&format!("/3/{}/changes", feed.segment)) >= 1,
            "{} changes never polled",
            feed.segment
        );
        assert_eq!(var(&conn, feed.cursor).await, today.to_string());
    }
    // Per route: one request per live entity (the changed ones by their feed, the others by
    // 1-4/17/18/31) plus one per seeded deleted id (14-16). Without the feeds, the changed ones
    // would not be asked for at all.
    let routes: BTreeMap<String, u64> = fake.route_counts().into_iter().collect();
    for (segment, kind, seeded_deleted) in [
        ("movie", Kind::Movie, cat.deleted_movie_ids().len()),
        ("person", Kind::Person, cat.deleted_person_ids().len()),
        ("tv", Kind::Tv, cat.deleted_series_ids().len()),
        ("collection", Kind::Collection, 0),
        ("company", Kind::Company, 0),
        ("network", Kind::Network, 0),
    ] {
        let key = format!("/3/{segment}/{{id}}");
        assert_eq!(
            detail_requests(&routes, segment),
            (cat.live_ids(kind).len() + seeded_deleted) as u64,
            "{key} on {backend:?}: {routes:?}\n{stdout}"
        );
    }
    // The fake still credits deleted persons on live movies; 15 removed those credits with the
    // persons (as TMDb drops the credits of a deleted person).
    let deleted_persons = set(cat.deleted_person_ids());
    assert!(assert_movies_complete(&db, &conn, &cat, &deleted_persons).await > 0);

    // A second run right after: exports already imported, every selection empty, the feeds
    // caught up: TMDb is asked for no entity, only for the two provider catalogues (19 runs
    // on every run, as in the Python crawler).
    fake.reset_counters();
    let second = run_ok(&env, &["run"]);
    let routes = fake.route_counts();
    for catalogue in ["/3/watch/providers/movie", "/3/watch/providers/tv"] {
        let asked = routes.iter().find(|(r, _)| r == catalogue).map(|(_, n)| *n);
        assert_eq!(asked, Some(1), "{catalogue} on {backend:?}: {routes:?}");
    }
    let entity_requests: Vec<(String, u64)> = routes
        .into_iter()
        .filter(|(route, _)| {
            !route.starts_with("/p/exports/")
                && !route.ends_with("/changes")
                && !route.starts_with("/3/watch/providers/")
        })
        .collect();
    assert!(
        entity_requests.is_empty(),
        "the second run asked TMDb for entities on {backend:?}: {entity_requests:?}\n{}",
        String::from_utf8_lossy(&second.stdout)
    );
}

#[tokio::test]
async fn default_scope_run_on_sqlite() {
    default_scope(Backend::Sqlite).await;
}

#[tokio::test]
#[cfg_attr(
    not(tmdbc_test_mysql),
    ignore = "needs TMDB_CRAWLER_TEST_MYSQL_URL (a MariaDB server)"
)]
async fn default_scope_run_on_mariadb() {
    default_scope(Backend::MySql).await;
}

#[tokio::test]
#[cfg_attr(
    not(tmdbc_test_postgres),
    ignore = "needs TMDB_CRAWLER_TEST_POSTGRES_URL (a PostgreSQL server)"
)]
async fn default_scope_run_on_postgres() {
    default_scope(Backend::Postgres).await;
}

// ---------------------------------------------------------------- 2. SIGKILL and restart

/// Small enough to be quick, large enough that process 2 takes a few seconds with latency.
fn latency_sizes() -> CatalogueSizes {
    CatalogueSizes {
        movies: 48,
        series: 2,
        seasons_per_series: 1,
        episodes_per_season: 1,
        persons: 40,
        collections: 2,
        companies: 4,
        networks: 2,
        keywords: 10,
        lists: 1,
    }
}

fn slow_fake(latency_ms: u64) -> FakeTmdb {
    let fake = FakeTmdb::start(FakeTmdbConfig {
        sizes: latency_sizes(),
        ..FakeTmdbConfig::default()
    });
    fake.knobs.set_latency(Duration::from_millis(latency_ms));
    fake
}

/// Table → its compared columns and rows (sorted; repeats kept).
type Snapshot = BTreeMap<String, (Vec<String>, Vec<Vec<Option<String>>>)>;

/// Timestamps and surrogate keys differ between two equal crawls.
fn compared(column: &str) -> bool {
    !(column.starts_with("TIM_")
        || column == "DAT_CREAT"
        || column == "ID_ROW"
        || column == "ID_MOVIE_TITLE"
        || column.starts_with("ID_TMDB_"))
}

/// Every `T_WC_TMDB_MOVIE*` table, the movie credits and the not-found ledger, as text.
async fn snapshot(db: &TestDb) -> Snapshot {
    let conn = db.connect().await;
    let text = match db.backend {
        Backend::MySql => "CHAR",
        _ => "TEXT",
    };
    let mut out = Snapshot::new();
    for table in db.table_names().await {
        if !(table.starts_with("T_WC_TMDB_MOVIE")
            || table == "T_WC_TMDB_PERSON_MOVIE"
            || table == "T_WC_TMDB_ID_NOT_FOUND")
        {
            continue;
        }
        let columns: Vec<String> = db
            .column_names(&table)
            .await
            .into_iter()
            .filter(|c| compared(c))
            .collect();
        let list: Vec<String> = columns
            .iter()
            .map(|c| format!("CAST({} AS {text})", quoted(db.backend, c)))
            .collect();
        let sql = format!(
            "SELECT {} FROM {}",
            list.join(", "),
            quoted(db.backend, &table)
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
        out.insert(table, (columns, rows));
    }
    out
}

/// The Python crawler's logical key of each compared table.
const LOGICAL_KEYS: [(&str, &[&str]); 12] = [
    ("T_WC_TMDB_MOVIE", &["ID_MOVIE"]),
    ("T_WC_TMDB_MOVIE_ID_IMPORT", &["id"]),
    ("T_WC_TMDB_MOVIE_GENRE", &["ID_MOVIE", "ID_GENRE"]),
    ("T_WC_TMDB_MOVIE_COMPANY", &["ID_MOVIE", "ID_COMPANY"]),
    ("T_WC_TMDB_MOVIE_KEYWORD", &["ID_MOVIE", "ID_KEYWORD"]),
    (
        "T_WC_TMDB_MOVIE_PRODUCTION_COUNTRY",
        &["ID_MOVIE", "COUNTRY_CODE"],
    ),
    (
        "T_WC_TMDB_MOVIE_SPOKEN_LANGUAGE",
        &["ID_MOVIE", "SPOKEN_LANGUAGE"],
    ),
    ("T_WC_TMDB_MOVIE_LANG", &["ID_MOVIE", "LANG"]),
    (
        "T_WC_TMDB_MOVIE_IMAGE",
        &["ID_MOVIE", "TYPE_IMAGE", "IMAGE_PATH"],
    ),
    ("T_WC_TMDB_PERSON_MOVIE", &["ID_CREDIT"]),
    (
        "T_WC_TMDB_PERSON_MOVIE",
        &["ID_MOVIE", "ID_PERSON", "ID_CREDIT"],
    ),
    ("T_WC_TMDB_ID_NOT_FOUND", &["ENTITY_TYPE", "ID_ENTITY"]),
];

fn assert_no_duplicates(snapshot: &Snapshot, what: &str) {
    for (table, key) in LOGICAL_KEYS {
        let (columns, rows) = snapshot
            .get(table)
            .unwrap_or_else(|| panic!("{what}: no table {table}"));
        let index: Vec<usize> = key
            .iter()
            .map(|k| {
                columns
                    .iter()
                    .position(|c| c == k)
                    .unwrap_or_else(|| panic!("{table} has no column {k}"))
            })
            .collect();
        let mut seen = BTreeSet::new();
        let duplicates: Vec<Vec<Option<String>>> = rows
            .iter()
            .map(|r| index.iter().map(|&i| r[i].clone()).collect::<Vec<_>>())
            .filter(|k| !seen.insert(k.clone()))
            .collect();
        assert!(
            duplicates.is_empty(),
            "{what}: {table} holds {key:?} more than once: {duplicates:?}"
        );
    }
}

fn assert_same(got: &Snapshot, want: &Snapshot, what: &str) {
    assert_eq!(
        got.keys().collect::<Vec<_>>(),
        want.keys().collect::<Vec<_>>(),
        "{what}: tables"
    );
    for (table, (columns, rows)) in want {
        let (got_columns, got_rows) = &got[table];
        assert_eq!(got_columns, columns, "{what}: columns of {table}");
        let missing: Vec<_> = rows.iter().filter(|r| !got_rows.contains(r)).collect();
        let extra: Vec<_> = got_rows.iter().filter(|r| !rows.contains(r)).collect();
        assert!(
            missing.is_empty() && extra.is_empty() && got_rows.len() == rows.len(),
            "{what}: {table} differs ({} rows, {} expected)\ncolumns {columns:?}\nmissing {missing:?}\nextra {extra:?}",
            got_rows.len(),
            rows.len()
        );
    }
}

async fn sigkill_and_restart(backend: Backend) {
    let Some(reference) = TestDb::create(backend, "runs_whole").await else {
        return;
    };
    let Some(db) = TestDb::create(backend, "runs_killed").await else {
        return;
    };
    crawler_ok(&reference.url, &["migrate", "up"]);
    crawler_ok(&db.url, &["migrate", "up"]);
    let fake = slow_fake(60);
    let cat = fake.catalogue().clone();
    let args = ["run", "--process", "41-47,2"];

    // Uninterrupted.
    let whole = Instant::now();
    run_ok(&crawler_env(&fake, &reference, 2), &args);
    let whole = whole.elapsed();

    // Killed in the middle of process 2, then run again.
    let env = crawler_env(&fake, &db, 2);
    let conn = db.connect().await;
    // A container's host name comes from HOSTNAME: the lock's record names that host.
    let mut named = env.clone();
    named.push(("HOSTNAME".to_owned(), "crawler-node-7".to_owned()));
    let mut crawler = Running::spawn(&named, &args);
    let pid = crawler.pid();
    wait_for_rows(&db, &conn, &mut crawler, "T_WC_TMDB_MOVIE", 5).await;
    crawler.sigkill();
    let at_kill = count(&db, &conn, "T_WC_TMDB_MOVIE", None).await;
    let movies = cat.movie_ids().len() as i64;
    assert!(
        at_kill < movies,
        "process 2 was over before the kill ({at_kill} of {movies} movies; a whole run takes {whole:?})"
    );
    let record = var(&conn, RUN_LOCK).await;
    assert!(
        record.starts_with(&format!("crawler-node-7 pid {pid} since ")),
        "the killed run did not hold the lock, or its record names another host: {record:?}"
    );
    let again = Instant::now();
    let restarted = run_ok(&env, &args);
    eprintln!(
        "{backend:?}: whole run {whole:?}, killed at {at_kill} movies, restart {:?}",
        again.elapsed()
    );
    let stderr = String::from_utf8_lossy(&restarted.stderr);
    assert!(
        stderr.contains("taking over the run lock"),
        "the lock of the killed process was not taken over: {}",
        describe(&restarted)
    );
    assert_eq!(var(&conn, RUN_LOCK).await, "", "the lock was not released");

    let want = snapshot(&reference).await;
    let got = snapshot(&db).await;
    assert_no_duplicates(&want, "uninterrupted run");
    assert_no_duplicates(&got, "killed and restarted run");
    assert_same(
        &got,
        &want,
        &format!("killed at {at_kill} movies on {backend:?}"),
    );
    assert_eq!(
        assert_movies_complete(&db, &conn, &cat, &BTreeSet::new()).await as i64,
        movies,
        "on {backend:?}"
    );
}

#[tokio::test]
async fn sigkill_mid_process_2_then_restart_matches_uninterrupted_on_sqlite() {
    sigkill_and_restart(Backend::Sqlite).await;
}

#[tokio::test]
#[cfg_attr(
    not(tmdbc_test_mysql),
    ignore = "needs TMDB_CRAWLER_TEST_MYSQL_URL (a MariaDB server)"
)]
async fn sigkill_mid_process_2_then_restart_matches_uninterrupted_on_mariadb() {
    sigkill_and_restart(Backend::MySql).await;
}

#[tokio::test]
#[cfg_attr(
    not(tmdbc_test_postgres),
    ignore = "needs TMDB_CRAWLER_TEST_POSTGRES_URL (a PostgreSQL server)"
)]
async fn sigkill_mid_process_2_then_restart_matches_uninterrupted_on_postgres() {
    sigkill_and_restart(Backend::Postgres).await;
}

// ---------------------------------------------------------------- 3. SIGTERM

async fn sigterm_mid_run(backend: Backend) {
    let Some(db) = TestDb::create(backend, "runs_term").await else {
        return;
    };
    crawler_ok(&db.url, &["migrate", "up"]);
    let fake = slow_fake(120);
    let cat = fake.catalogue().clone();
    let conn = db.connect().await;
    // The default scope: 17, 18, 1, then process 2 is where the signal lands.
    let mut crawler = Running::spawn(&crawler_env(&fake, &db, 4), &["run"]);
    wait_for_rows(&db, &conn, &mut crawler, "T_WC_TMDB_MOVIE", 4).await;
    let signalled = Instant::now();
    crawler.sigterm();
    let status = crawler.wait_for(Duration::from_secs(10));
    let took = signalled.elapsed();
    let Some(status) = status else {
        panic!(
            "still running 10 s after SIGTERM on {backend:?}\n{}",
            crawler.logs()
        );
    };
    assert!(
        status.success(),
        "exit {status:?} after SIGTERM on {backend:?}\n{}",
        crawler.logs()
    );
    eprintln!("{backend:?}: exited {took:?} after SIGTERM");
    let stdout = crawler.output("stdout");
    assert!(
        stdout.contains(" 2 newmovies:") && stdout.contains("(stopped early)"),
        "process 2 was not reported as stopped early ({took:?} after SIGTERM):\n{}",
        crawler.logs()
    );

    // No entity half-written; the run was really cut short; the run's variables are written.
    let stored = assert_movies_complete(&db, &conn, &cat, &BTreeSet::new()).await;
    assert!(stored >= 4);
    assert!(
        stored < cat.movie_ids().len(),
        "process 2 finished before the signal"
    );
    assert_eq!(
        count(&db, &conn, "T_WC_TMDB_PERSON", None).await,
        0,
        "a process was started after SIGTERM"
    );
    assert!(!var(&conn, "strtmdbcrawlerenddatetime").await.is_empty());
    assert_eq!(var(&conn, "strtmdbcrawlercurrentprocess").await, "");
    assert_eq!(var(&conn, RUN_LOCK).await, "", "the lock was not released");
}

#[tokio::test]
async fn sigterm_mid_run_exits_0_within_10s_on_sqlite() {
    sigterm_mid_run(Backend::Sqlite).await;
}

#[tokio::test]
#[cfg_attr(
    not(tmdbc_test_mysql),
    ignore = "needs TMDB_CRAWLER_TEST_MYSQL_URL (a MariaDB server)"
)]
async fn sigterm_mid_run_exits_0_within_10s_on_mariadb() {
    sigterm_mid_run(Backend::MySql).await;
}

#[tokio::test]
#[cfg_attr(
    not(tmdbc_test_postgres),
    ignore = "needs TMDB_CRAWLER_TEST_POSTGRES_URL (a PostgreSQL server)"
)]
async fn sigterm_mid_run_exits_0_within_10s_on_postgres() {
    sigterm_mid_run(Backend::Postgres).await;
}

/// An entity whose request never answers cannot hold the process: Ctrl-C (SIGINT), the grace period
/// (9 s), exit 0 anyway; the entities in flight roll back, nothing is half-written.
#[tokio::test]
async fn ctrl_c_with_stalled_requests_exits_0_after_the_grace_on_sqlite() {
    let Some(db) = TestDb::create(Backend::Sqlite, "runs_grace").await else {
        return;
    };
    crawler_ok(&db.url, &["migrate", "up"]);
    let fake = slow_fake(120);
    let cat = fake.catalogue().clone();
    let conn = db.connect().await;
    let mut crawler = Running::spawn(
        &crawler_env(&fake, &db, 4),
        &["run", "--process", "41-47,2"],
    );
    wait_for_rows(&db, &conn, &mut crawler, "T_WC_TMDB_MOVIE", 4).await;
    // From now on every answer takes two minutes; let the requests in flight end, the next
    // ones start and stall.
    fake.knobs.set_latency(Duration::from_secs(120));
    std::thread::sleep(Duration::from_millis(400));
    let stored_before = count(&db, &conn, "T_WC_TMDB_MOVIE", None).await;
    let signalled = Instant::now();
    crawler.ctrl_c();
    let status = crawler.wait_for(Duration::from_secs(15));
    let took = signalled.elapsed();
    let Some(status) = status else {
        panic!(
            "still running 15 s after Ctrl-C (SIGINT)\n{}",
            crawler.logs()
        );
    };
    eprintln!("exited {took:?} after Ctrl-C (SIGINT) with stalled requests");
    assert!(status.success(), "exit {status:?}\n{}", crawler.logs());
    // It waited for the grace period (9 s) and then ended (within the 15 s waited above).
    assert!(
        took >= Duration::from_secs(8),
        "exited {took:?} after Ctrl-C (SIGINT); the grace period is 9 s\n{}",
        crawler.logs()
    );
    let stored = assert_movies_complete(&db, &conn, &cat, &BTreeSet::new()).await;
    assert_eq!(stored as i64, stored_before, "a stalled movie was stored");
    // Ended by the grace period: the end-of-run variables were not written.
    assert_eq!(var(&conn, "strtmdbcrawlerenddatetime").await, "");
    // A later run takes the lock over and finishes the job.
    fake.knobs.set_latency(Duration::ZERO);
    run_ok(
        &crawler_env(&fake, &db, 4),
        &["run", "--process", "41-47,2"],
    );
    assert_eq!(
        assert_movies_complete(&db, &conn, &cat, &BTreeSet::new()).await,
        cat.movie_ids().len()
    );
}

/// A run stopped by SIGTERM ends with its result: 1 when an entity had failed before.
#[tokio::test]
async fn sigterm_after_a_failed_entity_exits_1_on_sqlite() {
    let Some(db) = TestDb::create(Backend::Sqlite, "runs_term_failed").await else {
        return;
    };
    crawler_ok(&db.url, &["migrate", "up"]);
    let fake = slow_fake(0);
    let env = crawler_env(&fake, &db, 4);
    run_ok(&env, &["run", "--process", "41"]);
    // Every movie request fails: each entity fails once its retries are spent.
    fake.knobs
        .set_fault_kinds(&[fake_tmdb::FaultKind::ServerError]);
    fake.knobs.set_fault_rate(1.0);
    let mut crawler = Running::spawn(&env, &["run", "--process", "2"]);
    let deadline = Instant::now() + Duration::from_secs(60);
    while !crawler.output("stderr").contains("fetch failed") {
        assert!(!crawler.finished(), "ended early\n{}", crawler.logs());
        assert!(
            Instant::now() < deadline,
            "no entity failed\n{}",
            crawler.logs()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    assert!(!crawler.finished(), "the run ended before SIGTERM");
    crawler.sigterm();
    let Some(status) = crawler.wait_for(Duration::from_secs(20)) else {
        panic!("still running 20 s after SIGTERM\n{}", crawler.logs());
    };
    assert_eq!(status.code(), Some(1), "{}", crawler.logs());
    assert!(
        crawler.output("stderr").contains("process(es) failed: 2"),
        "{}",
        crawler.logs()
    );
}

/// SIGTERM while a change feed (51) re-fetches: no new id is sent to TMDb after the signal,
/// beyond the requests already in flight, and the window stays to do.
#[tokio::test]
async fn sigterm_during_a_change_feed_stops_feeding_ids_on_sqlite() {
    let Some(db) = TestDb::create(Backend::Sqlite, "runs_feed_term").await else {
        return;
    };
    crawler_ok(&db.url, &["migrate", "up"]);
    let fake = slow_fake(120);
    let conn = db.connect().await;
    // Two weeks of changes, none of them stored yet: most movies are to be fetched.
    let start = support::first_open_day(TZ)
        .checked_sub_days(Days::new(14))
        .expect("date");
    server_vars::set(
        &conn,
        TZ,
        "strtmdbcrawlerchangesmoviedate",
        &start.to_string(),
        "seeded by the test",
    )
    .await
    .expect("seed the changes cursor");
    let in_flight = 2;
    let mut crawler = Running::spawn(
        &crawler_env(&fake, &db, in_flight),
        &["run", "--process", "51"],
    );
    wait_for_rows(&db, &conn, &mut crawler, "T_WC_TMDB_MOVIE", 3).await;
    let routes = |fake: &FakeTmdb| fake.route_counts().into_iter().collect::<BTreeMap<_, _>>();
    let at_signal = detail_requests(&routes(&fake), "movie");
    crawler.sigterm();
    let status = crawler.wait_for(Duration::from_secs(10));
    let Some(status) = status else {
        panic!("still running 10 s after SIGTERM\n{}", crawler.logs());
    };
    assert!(status.success(), "exit {status:?}\n{}", crawler.logs());
    let after = detail_requests(&routes(&fake), "movie");
    let stored = count(&db, &conn, "T_WC_TMDB_MOVIE", None).await;
    assert!(
        after <= at_signal + in_flight as u64,
        "{} movies were requested after SIGTERM ({at_signal} before; {stored} stored in all): \
         the change feed does not stop feeding ids\n{}",
        after - at_signal,
        crawler.logs()
    );
    assert_eq!(
        var(&conn, "strtmdbcrawlerchangesmoviedate").await,
        start.to_string(),
        "the cursor moved past a window the stop cut short"
    );
}

// ---------------------------------------------------------------- 4. one instance at a time

async fn second_instance(backend: Backend) {
    let Some(db) = TestDb::create(backend, "runs_twice").await else {
        return;
    };
    crawler_ok(&db.url, &["migrate", "up"]);
    let fake = slow_fake(120);
    let env = crawler_env(&fake, &db, 2);
    let conn = db.connect().await;
    let spawned = chrono::Utc::now().naive_utc();
    // No HOSTNAME in its environment (`command` clears it): the record names the system's host.
    let mut first = Running::spawn(&env, &["run", "--process", "41-47,2"]);
    let pid = first.pid();
    let deadline = Instant::now() + Duration::from_secs(30);
    let (holder, started) = loop {
        let holder = var(&conn, RUN_LOCK).await;
        let started = var(&conn, "strtmdbcrawlerstartdatetime").await;
        if !holder.is_empty() && !started.is_empty() {
            break (holder, started);
        }
        assert!(!first.finished(), "the first run ended:\n{}", first.logs());
        assert!(
            Instant::now() < deadline,
            "the first run never took the lock"
        );
        std::thread::sleep(Duration::from_millis(20));
    };
    assert!(
        holder.contains(&format!(" pid {pid} ")),
        "lock holder {holder:?}"
    );
    // `host pid N since T`: this machine's host name, and T the start in UTC.
    let host = system_hostname();
    let prefix = format!("{host} pid {pid} since ");
    let since = holder
        .strip_prefix(&prefix)
        .unwrap_or_else(|| panic!("lock holder {holder:?} is not {prefix:?} + a time"));
    let since = NaiveDateTime::parse_from_str(since, "%Y-%m-%dT%H:%M:%SZ")
        .unwrap_or_else(|e| panic!("{since:?} in {holder:?} is no UTC time: {e}"));
    let second = chrono::Duration::seconds(1);
    assert!(
        spawned - second <= since && since <= chrono::Utc::now().naive_utc() + second,
        "the run started at {spawned} UTC, its lock record says {since}"
    );
    // SQLite: the lock is an exclusive lock on `<database>.lock`, beside the database file.
    let lock_path = (backend == Backend::Sqlite).then(|| {
        let database = db
            .url
            .strip_prefix("sqlite://")
            .and_then(|rest| rest.split('?').next())
            .map(std::path::PathBuf::from)
            .expect("a SQLite file URL");
        assert!(
            database.is_file(),
            "{} is not the database",
            database.display()
        );
        let lock_path = std::path::PathBuf::from(format!("{}.lock", database.display()));
        let lock_file = File::open(&lock_path)
            .unwrap_or_else(|e| panic!("no lock file {} during the run: {e}", lock_path.display()));
        assert!(
            matches!(lock_file.try_lock(), Err(std::fs::TryLockError::WouldBlock)),
            "{} is not locked during the run",
            lock_path.display()
        );
        lock_path
    });

    // The record looks abandoned: an hour old, and the second run says it is another host. The
    // database's lock decides, not the record.
    sv::Entity::update_many()
        .col_expr(
            sv::Column::TimUpdated,
            Expr::value(chrono::Local::now().naive_local() - chrono::Duration::hours(1)),
        )
        .filter(sv::Column::VarName.eq(RUN_LOCK))
        .exec(&conn)
        .await
        .expect("move the lock record back an hour");
    let mut elsewhere = env.clone();
    elsewhere.push(("HOSTNAME".to_owned(), "another-host".to_owned()));
    for args in [
        &["run"][..],
        &["migrate", "up"],
        &["migrate", "down", "--yes"],
        &["migrate", "fresh", "--yes"],
    ] {
        let second = run(&elsewhere, args);
        assert_eq!(
            second.status.code(),
            Some(2),
            "{args:?}: {}",
            describe(&second)
        );
        let line = one_error_line(&second, &format!("{args:?} refused"));
        assert!(
            line.contains("another tmdb-crawler") && line.contains(&holder),
            "{args:?}: the refusal does not name the other instance ({holder}): {}",
            describe(&second)
        );
    }
    assert!(
        !first.finished(),
        "the first run ended before the others were refused:\n{}",
        first.logs()
    );
    assert_eq!(
        var(&conn, RUN_LOCK).await,
        holder,
        "a refused command took the lock"
    );
    assert_eq!(
        var(&conn, "strtmdbcrawlerstartdatetime").await,
        started,
        "the refused run started anyway"
    );
    let applied = Migrator::get_applied_migrations_read_only(&conn)
        .await
        .expect("read the applied migrations");
    assert_eq!(
        applied.len(),
        Migrator::migrations().len(),
        "a refused migration rolled the schema back"
    );
    match backend {
        Backend::Sqlite => {
            first.sigterm();
            let status = first
                .wait_for(Duration::from_secs(10))
                .unwrap_or_else(|| panic!("first run still going 10 s after SIGTERM"));
            assert!(status.success(), "{status:?}\n{}", first.logs());
            assert_eq!(var(&conn, RUN_LOCK).await, "", "the lock was not released");
            let lock_path = lock_path.expect("the SQLite lock file");
            let lock_file = File::open(&lock_path).expect("the lock file stays");
            assert!(
                lock_file.try_lock().is_ok(),
                "{} is still locked after the run",
                lock_path.display()
            );
        }
        Backend::MySql | Backend::Postgres => lose_the_lock(&db, &conn, &mut first).await,
    }
    // Free again: a migration takes it.
    crawler_ok(&db.url, &["migrate", "up"]);
}

/// This machine's host name, as `hostname` prints it.
fn system_hostname() -> String {
    let out = Command::new("hostname").output().expect("run hostname");
    assert!(out.status.success(), "hostname failed");
    let host = String::from_utf8_lossy(&out.stdout).trim().to_owned();
    assert!(!host.is_empty(), "hostname printed nothing");
    host
}

/// Ends the session holding `first`'s lock, as a server restart or a DBA's `KILL` would: the run
/// must stop and fail with the database's exit code, 3.
async fn lose_the_lock(db: &TestDb, conn: &DatabaseConnection, first: &mut Running) {
    let kill = match db.backend {
        Backend::Postgres => {
            "SELECT CAST(COUNT(pg_terminate_backend(pid)) AS BIGINT) FROM pg_locks \
             WHERE locktype = 'advisory' AND database = \
             (SELECT oid FROM pg_database WHERE datname = current_database())"
        }
        _ => "SELECT CAST(IS_USED_LOCK(CONCAT('tmdb-crawler:', MD5(DATABASE()))) AS SIGNED)",
    };
    let row = conn
        .query_one_raw(Statement::from_string(db.db_backend(), kill))
        .await
        .expect("find the lock's session")
        .expect("one row");
    let session: i64 = row.try_get_by_index(0).expect("a session id");
    if db.backend == Backend::MySql {
        conn.execute_raw(Statement::from_sql_and_values(
            db.db_backend(),
            "KILL ?",
            [session.into()],
        ))
        .await
        .expect("kill the lock's session");
    } else {
        assert_eq!(session, 1, "no session held the advisory lock");
    }
    let status = first.wait_for(Duration::from_secs(20)).unwrap_or_else(|| {
        panic!(
            "the run went on 20 s after losing its lock\n{}",
            first.logs()
        )
    });
    assert_eq!(status.code(), Some(3), "{status:?}\n{}", first.logs());
    assert!(
        first.output("stderr").contains("run lock was lost"),
        "the failure does not say why\n{}",
        first.logs()
    );
}

#[tokio::test]
async fn second_instance_is_refused_on_sqlite() {
    second_instance(Backend::Sqlite).await;
}

#[tokio::test]
#[cfg_attr(
    not(tmdbc_test_mysql),
    ignore = "needs TMDB_CRAWLER_TEST_MYSQL_URL (a MariaDB server)"
)]
async fn second_instance_is_refused_on_mariadb() {
    second_instance(Backend::MySql).await;
}

#[tokio::test]
#[cfg_attr(
    not(tmdbc_test_postgres),
    ignore = "needs TMDB_CRAWLER_TEST_POSTGRES_URL (a PostgreSQL server)"
)]
async fn second_instance_is_refused_on_postgres() {
    second_instance(Backend::Postgres).await;
}

// ---------------------------------------------------------------- 5. sizes that span pages

/// More waiting ids than the pipeline reads ahead (two pages of 500) in several processes at
/// once: a default-scope run from an empty database must end, with every live entity stored.
/// (A run with 600 movies, 120 series and 1,500 persons once stopped for good after process 2,
/// spinning, deaf to SIGTERM: the end of process 2 was queued behind pages of 3 and 4.)
async fn default_scope_at_size(backend: Backend, sizes: CatalogueSizes) {
    let Some(db) = TestDb::create(backend, "runs_sizes").await else {
        return;
    };
    crawler_ok(&db.url, &["migrate", "up"]);
    let fake = FakeTmdb::start(FakeTmdbConfig {
        sizes,
        ..FakeTmdbConfig::default()
    });
    let cat = fake.catalogue().clone();
    let mut env = crawler_env(&fake, &db, 20);
    env.retain(|(k, _)| k != "TMDB_CRAWLER_RATE_LIMIT_PER_SECOND");
    env.push((
        "TMDB_CRAWLER_RATE_LIMIT_PER_SECOND".to_owned(),
        "5000".to_owned(),
    ));
    let started = Instant::now();
    let mut crawler = Running::spawn(&env, &["run"]);
    let Some(status) = crawler.wait_for(Duration::from_secs(300)) else {
        panic!(
            "the default scope has not ended after 300 s on {backend:?}\n{}",
            crawler.logs()
        );
    };
    eprintln!(
        "{backend:?}: default scope over the catalogue in {:?}",
        started.elapsed()
    );
    assert!(
        status.success(),
        "exit {status:?} on {backend:?}\n{}",
        crawler.logs()
    );
    assert_progress_lines(&crawler.output("stderr"), &format!("{backend:?}"));
    let conn = db.connect().await;
    for (entity, kind) in [
        (EntityKind::Movie, Kind::Movie),
        (EntityKind::Person, Kind::Person),
        (EntityKind::Series, Kind::Tv),
        (EntityKind::Collection, Kind::Collection),
        (EntityKind::Company, Kind::Company),
        (EntityKind::Network, Kind::Network),
    ] {
        let stored = stored_ids(&db, &conn, entity).await;
        let live = set(cat.live_ids(kind));
        assert_eq!(
            stored.symmetric_difference(&live).count(),
            0,
            "{entity}: {} stored, {} live, on {backend:?}\n{}",
            stored.len(),
            live.len(),
            crawler.logs()
        );
    }
}

type LogTime = chrono::DateTime<chrono::FixedOffset>;

/// The time of a log line: its first word, tracing's RFC 3339 timestamp.
fn log_time(line: &str) -> Option<LogTime> {
    line.split_whitespace()
        .next()
        .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
}

/// The `key=value` fields of a log line, quotes around a value dropped.
fn log_fields(line: &str) -> BTreeMap<&str, &str> {
    line.split_whitespace()
        .filter_map(|word| word.split_once('='))
        .map(|(key, value)| (key, value.trim_matches('"')))
        .collect()
}

fn seconds_between(from: LogTime, to: LogTime) -> f64 {
    (to - from).num_milliseconds() as f64 / 1000.0
}

/// README, "Monitoring": at most 10 s between two progress lines of a process; the margin is
/// for a loaded machine (the lines come from the pipeline's own timer, between its events).
const PROGRESS_EVERY: f64 = 10.0;
const PROGRESS_MARGIN: f64 = 5.0;

/// README, "Monitoring": "each id process also logs a `progress` line (selected, done, stored,
/// gone, failed, rate) at least every 10 s". Checked on the log of a run whose id processes
/// worked for more than 12 s: every progress line carries those fields as numbers (the rate is
/// `per_second`); the lines of one process are at most 10 s (plus a margin) apart and its
/// `done` never goes back; from the end of the exports to the last progress line, no such span
/// passes without a progress line; and some process logged a line before its closing one (the
/// lines are periodic, not only written when a process ends).
fn assert_progress_lines(stderr: &str, what: &str) {
    let exports_end = stderr
        .lines()
        .filter(|l| l.contains("export imported"))
        .filter_map(log_time)
        .max()
        .unwrap_or_else(|| panic!("{what}: no export imported\n{}", tail(stderr, 40)));
    let mut by_process: BTreeMap<u16, Vec<(LogTime, u64)>> = BTreeMap::new();
    let mut all = vec![exports_end];
    for line in stderr.lines().filter(|l| l.contains(": progress ")) {
        let at = log_time(line)
            .unwrap_or_else(|| panic!("{what}: a progress line without its time: {line}"));
        let fields = log_fields(line);
        for key in ["process", "selected", "done", "stored", "gone", "failed"] {
            assert!(
                fields.get(key).is_some_and(|v| v.parse::<u64>().is_ok()),
                "{what}: a progress line without its count `{key}`: {line}"
            );
        }
        assert!(
            fields
                .get("per_second")
                .is_some_and(|v| v.parse::<f64>().is_ok()),
            "{what}: a progress line without its rate (`per_second`): {line}"
        );
        let process: u16 = fields["process"].parse().expect("checked above");
        let done: u64 = fields["done"].parse().expect("checked above");
        by_process.entry(process).or_default().push((at, done));
        all.push(at);
    }
    all.sort();
    let last = *all.last().expect("the exports' end");
    let worked = seconds_between(exports_end, last);
    assert!(
        worked > 12.0,
        "{what}: the id processes worked {worked:.1} s, too short to show progress lines every \
         10 s (the catalogue must be larger)\n{}",
        tail(stderr, 40)
    );
    let limit = PROGRESS_EVERY + PROGRESS_MARGIN;
    for pair in all.windows(2) {
        let gap = seconds_between(pair[0], pair[1]);
        assert!(
            gap <= limit,
            "{what}: no progress line from {} to {} ({gap:.1} s) while the id processes worked",
            pair[0],
            pair[1]
        );
    }
    let mut widest: f64 = 0.0;
    for (process, lines) in &by_process {
        for pair in lines.windows(2) {
            let ((from, done_before), (to, done_after)) = (pair[0], pair[1]);
            let gap = seconds_between(from, to);
            widest = widest.max(gap);
            assert!(
                gap <= limit,
                "{what}: process {process} logged no progress line from {from} to {to} ({gap:.1} s)"
            );
            assert!(
                done_after >= done_before,
                "{what}: process {process}'s `done` went back from {done_before} to {done_after} at {to}"
            );
        }
    }
    assert!(
        by_process.values().any(|lines| lines.len() >= 2),
        "{what}: in {worked:.1} s of id processes, no process logged a progress line before its \
         last one: {by_process:?}"
    );
    eprintln!(
        "{what}: {} progress lines of {} processes in {worked:.1} s; widest gap of a process {widest:.1} s",
        all.len() - 1,
        by_process.len()
    );
}

/// Several processes with more ids than a page (500), far beyond the sizes of the report
/// that found the stall (600 movies, 120 series, 1,500 persons).
fn page_spanning_sizes() -> CatalogueSizes {
    CatalogueSizes {
        movies: 2_000,
        series: 500,
        seasons_per_series: 1,
        episodes_per_season: 1,
        persons: 5_000,
        collections: 40,
        companies: 60,
        networks: 20,
        keywords: 40,
        lists: 2,
    }
}

#[tokio::test]
async fn default_scope_over_pages_of_several_processes_ends_on_sqlite() {
    default_scope_at_size(Backend::Sqlite, page_spanning_sizes()).await;
}

#[tokio::test]
#[cfg_attr(
    not(tmdbc_test_mysql),
    ignore = "needs TMDB_CRAWLER_TEST_MYSQL_URL (a MariaDB server)"
)]
async fn default_scope_over_pages_of_several_processes_ends_on_mariadb() {
    default_scope_at_size(Backend::MySql, page_spanning_sizes()).await;
}

#[tokio::test]
#[cfg_attr(
    not(tmdbc_test_postgres),
    ignore = "needs TMDB_CRAWLER_TEST_POSTGRES_URL (a PostgreSQL server)"
)]
async fn default_scope_over_pages_of_several_processes_ends_on_postgres() {
    default_scope_at_size(Backend::Postgres, page_spanning_sizes()).await;
}

// ---------------------------------------------------------------- 6. stops and stalls

/// The seven daily exports: process, fake kind, import table, the kind in the variables' names.
const IMPORTS: [(u16, fake_tmdb::ExportKind, &str, &str); 7] = [
    (
        41,
        fake_tmdb::ExportKind::Movie,
        "T_WC_TMDB_MOVIE_ID_IMPORT",
        "movie",
    ),
    (
        42,
        fake_tmdb::ExportKind::Person,
        "T_WC_TMDB_PERSON_ID_IMPORT",
        "person",
    ),
    (
        43,
        fake_tmdb::ExportKind::Collection,
        "T_WC_TMDB_COLLECTION_ID_IMPORT",
        "collection",
    ),
    (
        44,
        fake_tmdb::ExportKind::TvSeries,
        "T_WC_TMDB_TV_SERIE_ID_IMPORT",
        "tv_series",
    ),
    (
        45,
        fake_tmdb::ExportKind::Keyword,
        "T_WC_TMDB_KEYWORD_ID_IMPORT",
        "keyword",
    ),
    (
        46,
        fake_tmdb::ExportKind::TvNetwork,
        "T_WC_TMDB_TV_NETWORK_ID_IMPORT",
        "tv_network",
    ),
    (
        47,
        fake_tmdb::ExportKind::ProductionCompany,
        "T_WC_TMDB_PRODUCTION_COMPANY_ID_IMPORT",
        "production_company",
    ),
];

/// Every row of `table`, every column as text, sorted.
async fn all_rows(db: &TestDb, conn: &DatabaseConnection, table: &str) -> Vec<Vec<Option<String>>> {
    let text = match db.backend {
        Backend::MySql => "CHAR",
        _ => "TEXT",
    };
    let columns = db.column_names(table).await;
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

/// SIGTERM while the exports download (README, "Stopping": "the import under way is left
/// unswapped (yesterday's import stays) and the rest are reported skipped"): exit 0 within
/// 10 s, no id process started; on top of an earlier day's import (each file one line shorter),
/// the kind imported before the signal holds the whole new file, the kind cut mid-import and
/// the kinds not begun hold the earlier day's rows exactly, reported skipped, with their export
/// days and the global import day unchanged.
#[tokio::test]
async fn sigterm_during_the_exports_exits_0_within_10s_on_sqlite() {
    let Some(db) = TestDb::create(Backend::Sqlite, "runs_term_exports").await else {
        return;
    };
    crawler_ok(&db.url, &["migrate", "up"]);
    let fake = slow_fake(0);
    let cat = fake.catalogue().clone();
    let conn = db.connect().await;
    let env = crawler_env(&fake, &db, 4);

    // The day before yesterday (the run below imports yesterday's files, or a later day's if
    // midnight passes meanwhile): every file one line shorter, imported at full speed.
    let earlier = chrono::Utc::now()
        .with_timezone(&TZ)
        .date_naive()
        .checked_sub_days(Days::new(2))
        .expect("date")
        .to_string();
    for (_, kind, _, _) in IMPORTS {
        fake.knobs
            .set_export_size(kind, Some(cat.default_export_lines(kind) - 1));
    }
    run_ok(
        &env,
        &["run", "--process", "41-47", "--export-date", &earlier],
    );
    let mut kept = BTreeMap::new();
    for (_, kind, table, _) in IMPORTS {
        fake.knobs.set_export_size(kind, None);
        let rows = all_rows(&db, &conn, table).await;
        assert_eq!(
            rows.len() as u64,
            cat.default_export_lines(kind) - 1,
            "{table} after the import of {earlier}"
        );
        kept.insert(table, rows);
    }
    assert_eq!(var(&conn, "strtmdbcrawlertmdbidimportdate").await, earlier);

    fake.knobs.set_latency(Duration::from_millis(700));
    let mut crawler = Running::spawn(&env, &["run"]);
    // The second file is being downloaded.
    let deadline = Instant::now() + Duration::from_secs(30);
    while !var(&conn, "strtmdbcrawlercurrentprocess")
        .await
        .starts_with("42")
    {
        assert!(
            Instant::now() < deadline,
            "the exports never began\n{}",
            crawler.logs()
        );
        assert!(!crawler.finished(), "ended early\n{}", crawler.logs());
        std::thread::sleep(Duration::from_millis(20));
    }
    let signalled = Instant::now();
    crawler.sigterm();
    let Some(status) = crawler.wait_for(Duration::from_secs(10)) else {
        panic!("still running 10 s after SIGTERM\n{}", crawler.logs());
    };
    eprintln!(
        "exited {:?} after SIGTERM during the exports",
        signalled.elapsed()
    );
    assert!(status.success(), "exit {status:?}\n{}", crawler.logs());
    let stdout = crawler.output("stdout");
    for (number, kind, table, stem) in IMPORTS {
        let line = stdout
            .lines()
            .find(|l| l.trim_start().starts_with(&format!("{number} ")))
            .unwrap_or_else(|| panic!("no summary line for {number}\n{}", crawler.logs()));
        let rows = all_rows(&db, &conn, table).await;
        let export_day = var(&conn, &format!("strtmdbcrawlertmdbid{stem}exportdate")).await;
        if number == 41 {
            // Imported before the signal (42 begins once 41 has ended, on SQLite): the new file.
            assert!(line.contains(": imported "), "{line}\n{}", crawler.logs());
            let ids: BTreeSet<u64> = ints(
                &db,
                &conn,
                format!(
                    "SELECT {}, 0 FROM {}",
                    quoted(db.backend, "id"),
                    quoted(db.backend, table)
                ),
            )
            .await
            .into_iter()
            .map(|(id, _)| id)
            .collect();
            assert_eq!(
                (rows.len(), ids),
                (
                    cat.export_ids(kind.kind()).len(),
                    exported_ids(&cat, kind.kind())
                ),
                "{table} does not hold the whole file imported before the signal"
            );
            assert!(export_day > earlier, "{stem}: export day {export_day}");
        } else {
            // 42 was cut mid-import, 43-47 never began: all reported skipped, yesterday's
            // import kept exactly.
            assert!(
                line.contains("skipped, stopped before its import ended"),
                "{line}\n{}",
                crawler.logs()
            );
            assert!(
                rows == kept[table],
                "{table} ({} rows) is no longer the import of {earlier} ({} rows) after SIGTERM \
                 during process 42\n{}",
                rows.len(),
                kept[table].len(),
                crawler.logs()
            );
            assert_eq!(export_day, earlier, "{stem}: export day");
        }
    }
    assert_eq!(
        var(&conn, "strtmdbcrawlertmdbidimportdate").await,
        earlier,
        "the global import day moved although kinds were not imported"
    );
    assert_eq!(count(&db, &conn, "T_WC_TMDB_MOVIE", None).await, 0);
    assert_eq!(var(&conn, RUN_LOCK).await, "", "the lock was not released");
}

/// A download that stalls half way: no export batch completes, so after `stall_timeout` the
/// run ends with exit code 1 and the person import table is untouched (empty on this first day).
#[tokio::test]
async fn a_stalled_export_download_ends_the_run_with_exit_1_on_sqlite() {
    let Some(db) = TestDb::create(Backend::Sqlite, "runs_stall_export").await else {
        return;
    };
    crawler_ok(&db.url, &["migrate", "up"]);
    let fake = slow_fake(0);
    fake.knobs.set_export_fault(
        fake_tmdb::ExportKind::Person,
        Some(fake_tmdb::ExportFault::Stalled),
    );
    let conn = db.connect().await;
    let mut env = crawler_env(&fake, &db, 4);
    env.push(("TMDB_CRAWLER_STALL_TIMEOUT".to_owned(), "2".to_owned()));
    let started = Instant::now();
    let mut crawler = Running::spawn(&env, &["run", "--process", "41-47"]);
    let Some(status) = crawler.wait_for(Duration::from_secs(30)) else {
        panic!(
            "a stalled export download still runs 30 s later\n{}",
            crawler.logs()
        );
    };
    eprintln!(
        "a stalled export ended the run after {:?}",
        started.elapsed()
    );
    assert_eq!(status.code(), Some(1), "{}", crawler.logs());
    assert!(
        crawler.output("stderr").contains("stall_timeout"),
        "{}",
        crawler.logs()
    );
    assert_eq!(
        count(&db, &conn, "T_WC_TMDB_PERSON_ID_IMPORT", None).await,
        0
    );
    assert!(count(&db, &conn, "T_WC_TMDB_MOVIE_ID_IMPORT", None).await > 0);
    assert_eq!(var(&conn, RUN_LOCK).await, "", "the lock was not released");
}

/// A download that stalls half way with `request_timeout` 1 s: the kind is tried three times
/// in all, then reported FAILED (exit 1) with its import table untouched; the other kinds load.
#[tokio::test]
async fn a_stalled_export_download_is_tried_three_times_then_fails_on_sqlite() {
    let Some(db) = TestDb::create(Backend::Sqlite, "runs_retry_export").await else {
        return;
    };
    crawler_ok(&db.url, &["migrate", "up"]);
    let fake = slow_fake(0);
    fake.knobs.set_export_fault(
        fake_tmdb::ExportKind::Person,
        Some(fake_tmdb::ExportFault::Stalled),
    );
    let conn = db.connect().await;
    let mut env = crawler_env(&fake, &db, 4);
    env.push(("TMDB_CRAWLER_REQUEST_TIMEOUT".to_owned(), "1".to_owned()));
    let started = Instant::now();
    let out = run(&env, &["run", "--process", "41-47"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    eprintln!(
        "three stalled person downloads took {:?}",
        started.elapsed()
    );
    assert_eq!(out.status.code(), Some(1), "{}", describe(&out));
    assert!(
        stdout.contains("42 importpersonids: FAILED") && stdout.contains("no data for 1 s"),
        "{}",
        describe(&out)
    );
    assert_eq!(fake.requests_to("/p/exports/person_ids"), 3);
    assert_eq!(
        count(&db, &conn, "T_WC_TMDB_PERSON_ID_IMPORT", None).await,
        0
    );
    assert!(count(&db, &conn, "T_WC_TMDB_MOVIE_ID_IMPORT", None).await > 0);
}

/// A gzip'd export whose one line is 200 MiB long, without a newline: the import is refused
/// with a clear error, yesterday's import stays, and the crawler never holds the line: its peak
/// RSS stays under 100 MB (sampled from /proc while it runs).
#[tokio::test]
async fn a_200_mib_export_line_is_refused_in_bounded_memory_on_sqlite() {
    let Some(db) = TestDb::create(Backend::Sqlite, "runs_endless_line").await else {
        return;
    };
    crawler_ok(&db.url, &["migrate", "up"]);
    let fake = slow_fake(0);
    let conn = db.connect().await;
    let env = crawler_env(&fake, &db, 4);
    run_ok(&env, &["run", "--process", "41"]);
    let kept = count(&db, &conn, "T_WC_TMDB_MOVIE_ID_IMPORT", None).await;
    assert!(kept > 0);
    fake.knobs.set_export_fault(
        fake_tmdb::ExportKind::Movie,
        Some(fake_tmdb::ExportFault::EndlessLine { mib: 200 }),
    );
    let tomorrow = (chrono::Utc::now().date_naive() + Days::new(1)).to_string();
    let mut crawler = Running::spawn(
        &env,
        &["run", "--process", "41", "--export-date", &tomorrow],
    );
    let mut peak_kb = 0;
    let started = Instant::now();
    let status = loop {
        if let Some(kb) = std::fs::read_to_string(format!("/proc/{}/status", crawler.pid()))
            .ok()
            .and_then(|s| {
                s.lines()
                    .find_map(|l| l.strip_prefix("VmHWM:"))
                    .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
            })
        {
            peak_kb = peak_kb.max(kb);
        }
        if let Some(status) = crawler.wait_for(Duration::from_millis(20)) {
            break status;
        }
        assert!(
            started.elapsed() < Duration::from_secs(120),
            "still reading the endless line after 120 s\n{}",
            crawler.logs()
        );
    };
    let stdout = crawler.output("stdout");
    eprintln!(
        "200 MiB line refused in {:?}, peak RSS {:.1} MB",
        started.elapsed(),
        peak_kb as f64 / 1024.0
    );
    assert_eq!(status.code(), Some(1), "{}", crawler.logs());
    assert!(
        stdout.contains("41 importmovieids: FAILED") && stdout.contains("longer than 64 KiB"),
        "{}",
        crawler.logs()
    );
    assert_eq!(
        count(&db, &conn, "T_WC_TMDB_MOVIE_ID_IMPORT", None).await,
        kept,
        "yesterday's import was not kept"
    );
    assert!(peak_kb > 0, "the crawler's RSS was never read");
    assert!(
        peak_kb < 100 * 1024,
        "peak RSS {} MB while skipping the line",
        peak_kb / 1024
    );
}

/// Requests that never answer: no entity completes, so after `stall_timeout` the run ends
/// with exit code 1, a log line per process saying where it stood, and the lock released.
#[tokio::test]
async fn a_stalled_run_ends_with_exit_1_and_names_its_processes_on_sqlite() {
    let Some(db) = TestDb::create(Backend::Sqlite, "runs_stall").await else {
        return;
    };
    crawler_ok(&db.url, &["migrate", "up"]);
    let fake = slow_fake(120);
    let conn = db.connect().await;
    let mut env = crawler_env(&fake, &db, 4);
    env.push(("TMDB_CRAWLER_STALL_TIMEOUT".to_owned(), "3".to_owned()));
    let mut crawler = Running::spawn(&env, &["run", "--process", "41-47,2,3"]);
    wait_for_rows(&db, &conn, &mut crawler, "T_WC_TMDB_MOVIE", 4).await;
    // From now on every answer takes two minutes (the client's timeout is one).
    fake.knobs.set_latency(Duration::from_secs(120));
    let Some(status) = crawler.wait_for(Duration::from_secs(30)) else {
        panic!("a stalled run still runs 30 s later\n{}", crawler.logs());
    };
    let stderr = crawler.output("stderr");
    assert_eq!(status.code(), Some(1), "{}", crawler.logs());
    assert!(
        stderr.contains("stalled") && stderr.contains("2 (newmovies)"),
        "the log does not say where the processes stood\n{}",
        crawler.logs()
    );
    // One `stalled lane=...` line per process of the pipeline, each at warn level.
    let stalled: Vec<&str> = stderr
        .lines()
        .filter(|l| l.contains("stalled lane="))
        .collect();
    for line in &stalled {
        assert_eq!(
            line.split_whitespace().nth(1),
            Some("WARN"),
            "a stall line not at warn level: {line}"
        );
    }
    for lane in ["lane=2 (newmovies)", "lane=3 (newpersons)"] {
        assert_eq!(
            stalled.iter().filter(|l| l.contains(lane)).count(),
            1,
            "not one stall line naming {lane}: {stalled:#?}\n{}",
            crawler.logs()
        );
    }
    assert_eq!(stalled.len(), 2, "{stalled:#?}");
    assert_eq!(var(&conn, RUN_LOCK).await, "", "the lock was not released");
}

// ---------------------------------------------------------------- 9. README claims: Running

/// Waits until `text` appears in the crawler's stdout; panics after `limit`.
fn wait_for_output(crawler: &mut Running, text: &str, limit: Duration) {
    let deadline = Instant::now() + limit;
    while !crawler.output("stdout").contains(text) {
        assert!(
            !crawler.finished(),
            "ended before printing {text:?}\n{}",
            crawler.logs()
        );
        assert!(
            Instant::now() < deadline,
            "no {text:?} within {limit:?}\n{}",
            crawler.logs()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// `run --loop --every D` (README, "Running": "a new run every D, until stopped"; "Stalls": a
/// stalled run ends with exit code 1, "`--loop` goes on with its next cycle"): a failed cycle is
/// reported and the next starts on schedule; a cycle whose download stalls ends after
/// `stall_timeout` and the next one does the work; cycles start at least D apart (and not much
/// more than D, or than the stalled cycle lasted); a SIGTERM during the wait ends the loop at
/// once with the last cycle's code (0).
#[tokio::test]
async fn run_loop_goes_on_after_a_failed_cycle_and_stops_in_its_wait_on_sqlite() {
    let Some(db) = TestDb::create(Backend::Sqlite, "runs_loop").await else {
        return;
    };
    crawler_ok(&db.url, &["migrate", "up"]);
    let fake = slow_fake(0);
    let conn = db.connect().await;
    fake.knobs.set_export_fault(
        fake_tmdb::ExportKind::Keyword,
        Some(fake_tmdb::ExportFault::Missing),
    );
    let every = Duration::from_secs(2);
    let stall_timeout = Duration::from_secs(2);
    let mut env = crawler_env(&fake, &db, 4);
    env.push((
        "TMDB_CRAWLER_STALL_TIMEOUT".to_owned(),
        stall_timeout.as_secs().to_string(),
    ));
    // The stalled download's own idle timeout (3 s) comes after the stall ends the cycle (2 s):
    // an import left running behind the cycle would try its download again.
    env.push(("TMDB_CRAWLER_REQUEST_TIMEOUT".to_owned(), "3".to_owned()));
    let every_arg = format!("{}s", every.as_secs());
    let mut crawler = Running::spawn(
        &env,
        &["run", "--process", "45", "--loop", "--every", &every_arg],
    );
    // Cycle 1: the file is missing.
    wait_for_output(
        &mut crawler,
        "45 importkeywordids: FAILED",
        Duration::from_secs(30),
    );
    assert_eq!(
        count(&db, &conn, "T_WC_TMDB_KEYWORD_ID_IMPORT", None).await,
        0
    );
    // Cycle 2: the download stalls half way (the first download the fake counts after the
    // reset); cycle 3: the next download is sound.
    let mut downloads: Vec<Instant> = fake
        .request_log()
        .into_iter()
        .filter(|r| r.route.starts_with("/p/exports/keyword_ids"))
        .map(|r| r.at)
        .collect();
    fake.reset_counters();
    fake.knobs.set_export_fault(
        fake_tmdb::ExportKind::Keyword,
        Some(fake_tmdb::ExportFault::StalledOnce),
    );
    wait_for_output(
        &mut crawler,
        "45 importkeywordids: imported",
        Duration::from_secs(30),
    );
    let stderr = crawler.output("stderr");
    let failed: Vec<&str> = stderr
        .lines()
        .filter(|l| l.contains("run failed; the next run starts on schedule"))
        .collect();
    assert!(
        failed.len() == 2 && failed[1].contains("stall_timeout"),
        "not two failed cycles, the second stalled: {failed:#?}\n{}",
        crawler.logs()
    );
    assert!(count(&db, &conn, "T_WC_TMDB_KEYWORD_ID_IMPORT", None).await > 0);
    // The fourth cycle finds the day imported; stop in a wait.
    wait_for_output(
        &mut crawler,
        "45 importkeywordids: skipped",
        Duration::from_secs(30),
    );
    // The stalled cycle's import was cancelled when the cycle ended, not left to retry its
    // download behind the next cycles (more than 3 s ago by now).
    let stderr = crawler.output("stderr");
    assert_eq!(
        stderr
            .lines()
            .filter(|l| l.contains("export import cancelled"))
            .count(),
        1,
        "{}",
        crawler.logs()
    );
    assert!(
        !stderr.contains("trying again"),
        "the stalled cycle's download went on after it ended\n{}",
        crawler.logs()
    );
    crawler.sigterm();
    let status = crawler
        .wait_for(Duration::from_secs(5))
        .unwrap_or_else(|| panic!("the loop ignored SIGTERM for 5 s\n{}", crawler.logs()));
    assert_eq!(status.code(), Some(0), "{}", crawler.logs());
    assert_eq!(var(&conn, RUN_LOCK).await, "", "the lock was not released");

    // Each cycle that downloads asks for the file once, right after it starts (same steps
    // before it in every cycle): the arrivals are the cycles' starts, give or take the
    // difference of those steps' durations (`jitter`).
    downloads.extend(
        fake.request_log()
            .into_iter()
            .filter(|r| r.route.starts_with("/p/exports/keyword_ids"))
            .map(|r| r.at),
    );
    assert_eq!(
        downloads.len(),
        3,
        "not one download for each of the missing, stalled and sound cycles: {:?}\n{}",
        fake.route_counts(),
        crawler.logs()
    );
    let jitter = Duration::from_millis(500);
    let lasted = [Duration::ZERO, stall_timeout];
    for (i, pair) in downloads.windows(2).enumerate() {
        let gap = pair[1].duration_since(pair[0]);
        eprintln!("cycle {} started {gap:?} after cycle {}", i + 2, i + 1);
        assert!(
            gap + jitter >= every,
            "cycle {} started {gap:?} after cycle {}: --every {every:?}\n{}",
            i + 2,
            i + 1,
            crawler.logs()
        );
        assert!(
            gap <= every.max(lasted[i]) + Duration::from_secs(3),
            "cycle {} started {gap:?} after cycle {} (which lasted about {:?}): --every {every:?}\n{}",
            i + 2,
            i + 1,
            lasted[i],
            crawler.logs()
        );
    }
}

/// `--limit N` stores N entities of a process, no more; `status` then prints the run's
/// variables and the ledger; exit code 1 names the process whose entities failed; a 401 during
/// a run stops it with exit code 2.
async fn limit_status_and_exit_codes(backend: Backend) {
    let Some(db) = TestDb::create(backend, "runs_limit").await else {
        return;
    };
    crawler_ok(&db.url, &["migrate", "up"]);
    let fake = slow_fake(0);
    let conn = db.connect().await;
    let mut env = crawler_env(&fake, &db, 4);
    // Far from UTC, so "yesterday here" and "yesterday in UTC" differ for half the day.
    let tz = chrono_tz::Pacific::Kiritimati;
    env.push(("TMDB_CRAWLER_TIMEZONE".to_owned(), tz.name().to_owned()));
    let yesterday = || {
        let today = chrono::Utc::now().with_timezone(&tz).date_naive();
        today.pred_opt().expect("a day before").to_string()
    };
    let before = yesterday();
    let local_now = || chrono::Utc::now().with_timezone(&tz).naive_local();
    let run_began = local_now();
    let out = run_ok(&env, &["run", "--process", "41,2", "--limit", "7"]);
    let run_ended = local_now();
    let after = yesterday();
    assert_eq!(count(&db, &conn, "T_WC_TMDB_MOVIE", None).await, 7);
    assert!(String::from_utf8_lossy(&out.stdout).contains("2 newmovies: 7 selected"));
    // Each id process logs its progress (at least its last figures).
    let progress = String::from_utf8_lossy(&out.stderr)
        .lines()
        .any(|l| l.contains("progress process=2 selected=7 done=7 stored=7"));
    assert!(
        progress,
        "no progress line for process 2: {}",
        describe(&out)
    );

    // The monitoring variables of that run (README, "Monitoring" and "Daily ID exports").
    let imported = var(&conn, "strtmdbcrawlertmdbidmovieexportdate").await;
    assert!(
        imported == before || imported == after,
        "without --export-date the run imports yesterday in {tz}: {imported} is not {before}"
    );
    assert_eq!(
        var(&conn, "strtmdbcrawlerprocessesexecuted").await,
        "41, 2, "
    );
    assert_eq!(
        var(&conn, "strtmdbcrawlerprocess2newmoviescount").await,
        "7"
    );
    // As the 2026 Python crawler writes them: words, seconds, and what the run before left.
    let seconds: u64 = var(&conn, "strtmdbcrawlertotalruntimeseconds")
        .await
        .parse()
        .expect("total runtime seconds");
    assert_eq!(
        var(&conn, "strtmdbcrawlertotalruntime").await,
        format!(
            "0 hours, {} minutes, {} seconds",
            seconds / 60,
            seconds % 60
        )
    );
    assert_eq!(
        var(&conn, "strtmdbcrawlertotalruntimeprevious").await,
        "",
        "the first run has no previous one"
    );
    // The ledger's counters: on this first run every row is new and still holds its id back.
    let ledger_rows = count(&db, &conn, "T_WC_TMDB_ID_NOT_FOUND", None).await;
    for name in [
        "strtmdbcrawleridnotfoundnewcount",
        "strtmdbcrawleridnotfoundactivecount",
    ] {
        assert_eq!(var(&conn, name).await, ledger_rows.to_string(), "{name}");
    }
    for name in [
        "strtmdbcrawlerdatetime",
        "strtmdbcrawlerenddatetime",
        "strtmdbcrawlertmdbidmoviestartdate",
        "strtmdbcrawlertmdbidmovieenddate",
        "strtmdbcrawlertmdbidmovieimportdate",
    ] {
        assert!(!var(&conn, name).await.is_empty(), "{name} unset");
    }
    // The run's times: `YYYY-MM-DD HH:MM:SS` in the configured time zone (here UTC+14), within
    // the run, start <= last crawled record <= end, and end - start is the total runtime.
    let start = datetime_var(&conn, "strtmdbcrawlerstartdatetime").await;
    let last = datetime_var(&conn, "strtmdbcrawlerdatetime").await;
    let end = datetime_var(&conn, "strtmdbcrawlerenddatetime").await;
    let second = chrono::Duration::seconds(1);
    assert!(
        run_began - second <= start && start <= last && last <= end && end <= run_ended + second,
        "run from {run_began} to {run_ended} ({tz}): start {start}, last crawled {last}, end {end}"
    );
    let runtime = i64::try_from(seconds).expect("seconds");
    assert!(
        ((end - start).num_seconds() - runtime).abs() <= 1,
        "start {start}, end {end}, but a total runtime of {runtime} s"
    );

    let status = run_ok(&env, &["status"]);
    let text = String::from_utf8_lossy(&status.stdout);
    let started = var(&conn, "strtmdbcrawlerstartdatetime").await;
    assert!(!started.is_empty());
    for expected in [
        "strtmdbcrawlerstartdatetime",
        started.as_str(),
        "strtmdbcrawlerprocessesexecuted",
        "not-found ledger: ",
    ] {
        assert!(
            text.contains(expected),
            "status lacks {expected:?}:\n{text}"
        );
    }

    // Every movie request fails: the entities fail, the run ends with 1 naming process 2.
    fake.knobs
        .set_fault_kinds(&[fake_tmdb::FaultKind::ServerError]);
    fake.knobs.set_fault_rate(1.0);
    let mut quick = env.clone();
    quick.push(("TMDB_CRAWLER_REQUEST_TIMEOUT".to_owned(), "2".to_owned()));
    let failed = run(&quick, &["run", "--process", "2", "--limit", "2"]);
    assert_eq!(failed.status.code(), Some(1), "{}", describe(&failed));
    one_error_line(&failed, "failed entities");
    assert!(
        String::from_utf8_lossy(&failed.stderr).contains("process(es) failed: 2"),
        "{}",
        describe(&failed)
    );
    // The failed ids are in the log, one line each.
    let failed_ids: std::collections::BTreeSet<String> = String::from_utf8_lossy(&failed.stderr)
        .lines()
        .filter(|l| l.contains("entity failed"))
        .filter_map(|l| l.split(" id=").nth(1))
        .filter_map(|rest| rest.split(|c: char| !c.is_ascii_digit()).next())
        .map(str::to_owned)
        .collect();
    assert_eq!(failed_ids.len(), 2, "{}", describe(&failed));
    assert_eq!(
        var(&conn, "strtmdbcrawlerprocessesexecutedprevious").await,
        "41, 2, ",
        "the previous run's processes"
    );
    fake.knobs.set_fault_rate(0.0);

    // The exports of a list come first (reported by number), the other processes follow in
    // the order given, not in the catalogue's (4 and 2 after 3).
    let movies_before = count(&db, &conn, "T_WC_TMDB_MOVIE", None).await;
    // The movie feed has days to read (its cursor three days back).
    let three_days_ago = chrono::Utc::now().with_timezone(&tz).date_naive() - chrono::Days::new(3);
    server_vars::set(
        &conn,
        tz,
        "strtmdbcrawlerchangesmoviedate",
        &three_days_ago.to_string(),
        "seeded by the test",
    )
    .await
    .expect("seed the changes cursor");
    let requests_before = fake.request_log().len();
    let ordered = run_ok(
        &env,
        &["run", "--process", "3,44,42,4,2,51", "--limit", "1"],
    );
    let summary = String::from_utf8_lossy(&ordered.stdout);
    let numbers: Vec<String> = summary
        .lines()
        .filter_map(|l| l.split_whitespace().next().map(str::to_owned))
        .collect();
    assert_eq!(
        numbers,
        ["42", "44", "3", "4", "2", "51"],
        "{}",
        describe(&ordered)
    );
    // With a limit the change feed is not read ahead: its first request comes after process
    // 2's movie, not at the start of the run.
    let log = fake.request_log().split_off(requests_before);
    let first = |route: &str| log.iter().position(|r| r.route == route);
    let (movie, changes) = (first("/3/movie/{id}"), first("/3/movie/changes"));
    assert!(
        matches!((movie, changes), (Some(m), Some(c)) if m < c),
        "movie request at {movie:?}, changes request at {changes:?}: {:?}",
        log.iter().map(|r| r.route.as_str()).collect::<Vec<_>>()
    );
    // `--limit 1` caps each process, not only the first: persons (40), series (2) and movies
    // (about 40) were waiting, and each process selected one and stored at most that one.
    for process in ["3 newpersons", "4 newseries", "2 newmovies"] {
        let line = summary
            .lines()
            .find(|l| l.trim_start().starts_with(&format!("{process}:")))
            .unwrap_or_else(|| panic!("no summary line for {process}\n{summary}"));
        let figure = |after: &str| -> u64 {
            line.split(", ")
                .find_map(|part| part.strip_suffix(after))
                .and_then(|n| n.rsplit(' ').next()?.parse().ok())
                .unwrap_or_else(|| panic!("no {after:?} figure in {line}"))
        };
        assert_eq!(
            figure(" selected"),
            1,
            "--limit 1 did not cap {process}: {line}"
        );
        assert!(
            figure(" stored") <= 1,
            "--limit 1 did not cap {process}: {line}"
        );
        let name = process.replace(' ', "");
        let counted = var(&conn, &format!("strtmdbcrawlerprocess{name}count")).await;
        assert_eq!(
            counted, "1",
            "strtmdbcrawlerprocess{name}count after --limit 1"
        );
    }
    assert!(count(&db, &conn, "T_WC_TMDB_PERSON", None).await <= 1);
    assert!(count(&db, &conn, "T_WC_TMDB_SERIE", None).await <= 1);
    // 2 and 51 store at most one movie each (the feed's may be a new movie or a stored one,
    // depending on the day).
    let movies = count(&db, &conn, "T_WC_TMDB_MOVIE", None).await;
    assert!(
        movies <= movies_before + 2,
        "{movies} movies, {movies_before} before\n{summary}"
    );

    // TMDb refuses the key in the middle of the work: exit 2, saying so.
    fake.knobs.set_invalid_key(true);
    let refused = run(&env, &["run", "--process", "2", "--limit", "3"]);
    assert_eq!(refused.status.code(), Some(2), "{}", describe(&refused));
    let line = one_error_line(&refused, "refused credentials");
    assert!(
        line.contains("refused the credentials"),
        "{line}\n{}",
        describe(&refused)
    );
    assert_eq!(var(&conn, RUN_LOCK).await, "", "the lock was not released");
}

#[tokio::test]
async fn limit_status_and_exit_codes_1_and_2_on_sqlite() {
    limit_status_and_exit_codes(Backend::Sqlite).await;
}

#[tokio::test]
#[cfg_attr(
    not(tmdbc_test_mysql),
    ignore = "needs TMDB_CRAWLER_TEST_MYSQL_URL (a MariaDB server)"
)]
async fn limit_status_and_exit_codes_1_and_2_on_mariadb() {
    limit_status_and_exit_codes(Backend::MySql).await;
}

#[tokio::test]
#[cfg_attr(
    not(tmdbc_test_postgres),
    ignore = "needs TMDB_CRAWLER_TEST_POSTGRES_URL (a PostgreSQL server)"
)]
async fn limit_status_and_exit_codes_1_and_2_on_postgres() {
    limit_status_and_exit_codes(Backend::Postgres).await;
}

/// `--config FILE` and the Python crawler's `DB_*` variables, end to end on MariaDB: the file
/// names the API, the legacy variables name the database.
#[tokio::test]
#[cfg_attr(
    not(tmdbc_test_mysql),
    ignore = "needs TMDB_CRAWLER_TEST_MYSQL_URL (a MariaDB server)"
)]
async fn config_file_and_legacy_db_variables_on_mariadb() {
    let Some(db) = TestDb::create(Backend::MySql, "runs_legacy").await else {
        return;
    };
    let url = url::Url::parse(&db.url).expect("a MariaDB URL");
    let fake = slow_fake(0);
    let dir = tempfile::tempdir().expect("temporary directory");
    let file = dir.path().join("crawler.toml");
    std::fs::write(
        &file,
        format!(
            "api_base_url = \"{}\"\nexports_base_url = \"{}\"\napi_key = \"{}\"\n\
             rate_limit_per_second = 500\n",
            fake.base_url,
            fake.exports_base_url(),
            fake.api_key
        ),
    )
    .expect("write the configuration file");
    let env: Vec<(String, String)> = [
        ("DB_HOST", url.host_str().unwrap_or("127.0.0.1").to_owned()),
        ("DB_PORT", url.port().unwrap_or(3306).to_string()),
        ("DB_NAME", db.name.clone()),
        ("DB_USER", url.username().to_owned()),
        ("DB_PASSWORD", url.password().unwrap_or("").to_owned()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect();
    let config = file.to_str().expect("UTF-8 path");
    run_ok(&env, &["--config", config, "migrate", "up"]);
    run_ok(
        &env,
        &[
            "--config",
            config,
            "run",
            "--process",
            "41,2",
            "--limit",
            "3",
        ],
    );
    let conn = db.connect().await;
    assert_eq!(count(&db, &conn, "T_WC_TMDB_MOVIE", None).await, 3);
}

/// 13, 16 and 23 run once per export day: a second run on the same complete import (all seven
/// kinds) skips them without a request to TMDb; a new day's import lets them run again.
async fn once_per_export_day(backend: Backend) {
    let Some(db) = TestDb::create(backend, "runs_daily").await else {
        return;
    };
    crawler_ok(&db.url, &["migrate", "up"]);
    let fake = slow_fake(0);
    let env = crawler_env(&fake, &db, 4);
    let day = support::first_open_day(TZ) - Days::new(2);
    let next = day + Days::new(1);
    // A day the Python crawler's global import date already covers is not imported again.
    let older = day - Days::new(1);
    let conn = db.connect().await;
    server_vars::set(
        &conn,
        TZ,
        "strtmdbcrawlertmdbidimportdate",
        &older.to_string(),
        "seeded by the test",
    )
    .await
    .expect("seed the global import date");
    let covered = run_ok(
        &env,
        &[
            "run",
            "--process",
            "41",
            "--export-date",
            &older.to_string(),
        ],
    );
    assert!(
        String::from_utf8_lossy(&covered.stdout).contains(&format!(
            "41 importmovieids: skipped, {older} already imported"
        )),
        "{backend:?}: {}",
        describe(&covered)
    );
    assert_eq!(fake.total_requests(), 0, "{:?}", fake.route_counts());
    let daily = [
        "13 refreshlists",
        "16 deletedseries",
        "23 wikidatamovieidfix",
    ];
    let first = run_ok(
        &env,
        &[
            "run",
            "--process",
            "41-47,16,23,13",
            "--export-date",
            &day.to_string(),
        ],
    );
    let stdout = String::from_utf8_lossy(&first.stdout);
    for process in daily {
        assert!(stdout.contains(&format!("{process}: ")), "{stdout}");
        assert!(!stdout.contains(&format!("{process}: skipped")), "{stdout}");
    }
    fake.reset_counters();
    let second = run_ok(&env, &["run", "--process", "16,23,13"]);
    let stdout = String::from_utf8_lossy(&second.stdout);
    for process in daily {
        assert!(
            stdout.contains(&format!(
                "{process}: skipped, already ran for the export of {day}"
            )),
            "{backend:?}: {stdout}"
        );
    }
    assert_eq!(fake.total_requests(), 0, "{:?}", fake.route_counts());
    run_ok(
        &env,
        &[
            "run",
            "--process",
            "41-47",
            "--export-date",
            &next.to_string(),
        ],
    );
    let third = run_ok(&env, &["run", "--process", "16,23,13"]);
    let stdout = String::from_utf8_lossy(&third.stdout);
    for process in daily {
        assert!(
            !stdout.contains(&format!("{process}: skipped")),
            "{backend:?}: {stdout}"
        );
    }
}

#[tokio::test]
async fn processes_13_16_23_run_once_per_export_day_on_sqlite() {
    once_per_export_day(Backend::Sqlite).await;
}

#[tokio::test]
#[cfg_attr(
    not(tmdbc_test_mysql),
    ignore = "needs TMDB_CRAWLER_TEST_MYSQL_URL (a MariaDB server)"
)]
async fn processes_13_16_23_run_once_per_export_day_on_mariadb() {
    once_per_export_day(Backend::MySql).await;
}

#[tokio::test]
#[cfg_attr(
    not(tmdbc_test_postgres),
    ignore = "needs TMDB_CRAWLER_TEST_POSTGRES_URL (a PostgreSQL server)"
)]
async fn processes_13_16_23_run_once_per_export_day_on_postgres() {
    once_per_export_day(Backend::Postgres).await;
}

/// 14 (and 15, 16, the same code) confirms at TMDb before deleting: a stored movie missing from
/// the day's export that TMDb still serves is fetched again and kept, with every row.
async fn absent_but_served_is_kept(backend: Backend) {
    let Some(db) = TestDb::create(backend, "runs_kept").await else {
        return;
    };
    crawler_ok(&db.url, &["migrate", "up"]);
    let fake = slow_fake(0);
    let conn = db.connect().await;
    let env = crawler_env(&fake, &db, 4);
    let day = support::first_open_day(TZ) - Days::new(2);
    run_ok(
        &env,
        &[
            "run",
            "--process",
            "41,2",
            "--export-date",
            &day.to_string(),
        ],
    );
    let movies = count(&db, &conn, "T_WC_TMDB_MOVIE", None).await;
    let rows_before = snapshot(&db).await;
    // Stored two days ago (14 skips what was fetched today), then left out of the next export.
    let q = |n: &str| quoted(backend, n);
    age_rows(
        &conn,
        "T_WC_TMDB_MOVIE",
        NaiveDateTime::new(day - Days::new(1), NaiveTime::MIN),
    )
    .await;
    // The next export stops short: the stored movies of its last lines are left out.
    fake.knobs
        .set_export_size(fake_tmdb::ExportKind::Movie, Some(movies as u64 - 3));
    fake.reset_counters();
    let next = (day + Days::new(1)).to_string();
    let out = run_ok(&env, &["run", "--process", "41,14", "--export-date", &next]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    let exported: BTreeSet<u64> = ints(
        &db,
        &conn,
        format!(
            "SELECT {}, 0 FROM {}",
            q("id"),
            q("T_WC_TMDB_MOVIE_ID_IMPORT")
        ),
    )
    .await
    .into_iter()
    .map(|(id, _)| id)
    .collect();
    let stored = stored_ids(&db, &conn, EntityKind::Movie).await;
    let absent = stored.difference(&exported).count() as u64;
    assert!(
        absent > 0,
        "no stored movie is absent from the shorter export"
    );
    assert!(
        stdout.contains(&format!(
            "14 deletedmovies: {absent} selected, {absent} stored, 0 gone (0 deleted)"
        )),
        "{backend:?}: {stdout}"
    );
    assert_eq!(
        fake.requests_to("/3/movie/"),
        absent,
        "{:?}",
        fake.route_counts()
    );
    assert_eq!(count(&db, &conn, "T_WC_TMDB_MOVIE", None).await, movies);
    // The movies' own rows (the import table changed with the export, as it should).
    let movie_rows = |snap: Snapshot| -> Snapshot {
        snap.into_iter()
            .filter(|(t, _)| {
                (t.starts_with("T_WC_TMDB_MOVIE") && !t.ends_with("_ID_IMPORT"))
                    || t == "T_WC_TMDB_PERSON_MOVIE"
            })
            .collect()
    };
    let rows_after = movie_rows(snapshot(&db).await);
    let rows_before = movie_rows(rows_before);
    assert!(rows_before.contains_key("T_WC_TMDB_MOVIE_IMAGE"));
    assert_eq!(
        rows_after, rows_before,
        "a kept movie lost or changed rows on {backend:?}"
    );
}

#[tokio::test]
async fn a_movie_absent_from_the_export_but_served_is_kept_on_sqlite() {
    absent_but_served_is_kept(Backend::Sqlite).await;
}

#[tokio::test]
#[cfg_attr(
    not(tmdbc_test_mysql),
    ignore = "needs TMDB_CRAWLER_TEST_MYSQL_URL (a MariaDB server)"
)]
async fn a_movie_absent_from_the_export_but_served_is_kept_on_mariadb() {
    absent_but_served_is_kept(Backend::MySql).await;
}

#[tokio::test]
#[cfg_attr(
    not(tmdbc_test_postgres),
    ignore = "needs TMDB_CRAWLER_TEST_POSTGRES_URL (a PostgreSQL server)"
)]
async fn a_movie_absent_from_the_export_but_served_is_kept_on_postgres() {
    absent_but_served_is_kept(Backend::Postgres).await;
}

/// Configuration that changes what is stored, through the real binary: `languages` gives one
/// `_LANG` row per configured language; `raw_json` fills `API_URL`/`API_RESULT` (the legacy
/// columns) and leaves them NULL when off; `refresh_max_per_run` caps each refresh process
/// (22, 24-27).
async fn stored_by_configuration(backend: Backend) {
    let Some(db) = TestDb::create(backend, "runs_config").await else {
        return;
    };
    crawler_ok(&db.url, &["migrate", "up"]);
    let fake = FakeTmdb::start(FakeTmdbConfig::default());
    let conn = db.connect().await;
    let q = |n: &str| quoted(backend, n);
    // The legacy columns, as a database upgraded from 2025-07 keeps them (2026-08 has none).
    for (column, ty) in [("API_URL", "varchar(200)"), ("API_RESULT", "text")] {
        let sql = format!(
            "ALTER TABLE {} ADD COLUMN {} {ty}",
            q("T_WC_TMDB_MOVIE"),
            q(column)
        );
        conn.execute_unprepared(&sql)
            .await
            .expect("add a legacy column");
    }
    let mut env = crawler_env(&fake, &db, 4);
    env.push(("TMDB_CRAWLER_LANGUAGES".to_owned(), "fr,de".to_owned()));
    env.push(("TMDB_CRAWLER_RAW_JSON".to_owned(), "true".to_owned()));
    run_ok(&env, &["run", "--process", "41,2", "--limit", "4"]);
    let langs = ints(
        &db,
        &conn,
        format!(
            "SELECT {}, CAST(COUNT(DISTINCT {}) AS INTEGER) FROM {} GROUP BY {}",
            q("ID_MOVIE"),
            q("LANG"),
            q("T_WC_TMDB_MOVIE_LANG"),
            q("ID_MOVIE")
        ),
    )
    .await;
    assert_eq!(langs.len(), 4, "{backend:?}: {langs:?}");
    assert!(langs.iter().all(|(_, n)| *n == 2), "{backend:?}: {langs:?}");
    let raw = |on: bool| {
        format!(
            "SELECT {}, 0 FROM {} WHERE {} IS {}NULL AND {} IS {}NULL",
            q("ID_MOVIE"),
            q("T_WC_TMDB_MOVIE"),
            q("API_URL"),
            if on { "NOT " } else { "" },
            q("API_RESULT"),
            if on { "NOT " } else { "" },
        )
    };
    assert_eq!(
        ints(&db, &conn, raw(true)).await.len(),
        4,
        "raw_json on, {backend:?}"
    );

    // Off (the default): the next movies keep the legacy columns NULL.
    env.retain(|(k, _)| k != "TMDB_CRAWLER_RAW_JSON");
    run_ok(&env, &["run", "--process", "2", "--limit", "3"]);
    assert_eq!(
        ints(&db, &conn, raw(false)).await.len(),
        3,
        "raw_json off, {backend:?}"
    );

    // 22, 24-27 refresh the oldest stored rows of their kind, at most refresh_max_per_run each.
    run_ok(
        &env,
        &["run", "--process", "41-47,1,3,17,18", "--limit", "4"],
    );
    let long_ago = NaiveDateTime::new(support::first_open_day(TZ) - Days::new(400), NaiveTime::MIN);
    let kinds = [
        ("22 refreshingmovies", "T_WC_TMDB_MOVIE", "/3/movie/"),
        ("24 refreshingpersons", "T_WC_TMDB_PERSON", "/3/person/"),
        (
            "25 refreshingcollections",
            "T_WC_TMDB_COLLECTION",
            "/3/collection/",
        ),
        ("26 refreshingcompanies", "T_WC_TMDB_COMPANY", "/3/company/"),
        ("27 refreshingnetworks", "T_WC_TMDB_NETWORK", "/3/network/"),
    ];
    for (_, table, _) in kinds {
        assert!(
            count(&db, &conn, table, None).await > 3,
            "{table}: too few rows to cap"
        );
        age_rows(&conn, table, long_ago).await;
    }
    env.push((
        "TMDB_CRAWLER_REFRESH_MAX_PER_RUN".to_owned(),
        "3".to_owned(),
    ));
    fake.reset_counters();
    let out = run_ok(&env, &["run", "--process", "22,24-27"]);
    let stdout = String::from_utf8_lossy(&out.stdout);
    for (process, _, route) in kinds {
        assert!(
            stdout.contains(&format!("{process}: 3 selected, 3 stored")),
            "{backend:?}: {stdout}"
        );
        assert_eq!(
            fake.requests_to(route),
            3,
            "{route}: {:?}",
            fake.route_counts()
        );
    }
}

#[tokio::test]
async fn languages_raw_json_and_refresh_cap_from_configuration_on_sqlite() {
    stored_by_configuration(Backend::Sqlite).await;
}

#[tokio::test]
#[cfg_attr(
    not(tmdbc_test_mysql),
    ignore = "needs TMDB_CRAWLER_TEST_MYSQL_URL (a MariaDB server)"
)]
async fn languages_raw_json_and_refresh_cap_from_configuration_on_mariadb() {
    stored_by_configuration(Backend::MySql).await;
}

#[tokio::test]
#[cfg_attr(
    not(tmdbc_test_postgres),
    ignore = "needs TMDB_CRAWLER_TEST_POSTGRES_URL (a PostgreSQL server)"
)]
async fn languages_raw_json_and_refresh_cap_from_configuration_on_postgres() {
    stored_by_configuration(Backend::Postgres).await;
}

// ---------------------------------------------------------------- process 12

/// Process 12 (2026): the keyword export's names into `T_WC_TMDB_KEYWORD`, stamped, without a
/// request; a row waiting for its stamp is completed, a completed row is left alone (columns
/// other programs fill included), and a second run changes nothing.
async fn keyword_names_from_the_export(backend: Backend) {
    let Some(db) = TestDb::create(backend, "keywords").await else {
        return;
    };
    crawler_ok(&db.url, &["migrate", "up"]);
    // Production has about 90,000 keywords; 12,000 keep the test quick on every backend.
    let fake = FakeTmdb::start(FakeTmdbConfig {
        sizes: CatalogueSizes {
            keywords: 12_000,
            ..small_sizes()
        },
        ..FakeTmdbConfig::default()
    });
    // What the fake's export holds, read from its JSON lines.
    let cat = fake.catalogue();
    let lines = cat.default_export_lines(fake_tmdb::ExportKind::Keyword);
    let mut expected: BTreeMap<u64, String> = BTreeMap::new();
    for index in 0..lines {
        let mut line = Vec::new();
        cat.write_export_line(fake_tmdb::ExportKind::Keyword, index, &mut line);
        let json: serde_json::Value = serde_json::from_slice(&line).expect("an export line");
        let id = json["id"].as_u64().expect("an id");
        let name = json["name"].as_str().expect("a name").to_owned();
        assert!(expected.insert(id, name).is_none(), "id {id} twice");
    }
    assert_eq!(expected.len(), 12_000);
    let mut ids = expected.keys().copied();
    let (waiting, done) = (ids.next().expect("an id"), ids.nth(6_000).expect("an id"));
    let conn = db.connect().await;
    insert(
        &conn,
        "T_WC_TMDB_KEYWORD",
        &[("ID_KEYWORD", (waiting as i32).into())],
    )
    .await;
    insert(
        &conn,
        "T_WC_TMDB_KEYWORD",
        &[
            ("ID_KEYWORD", (done as i32).into()),
            ("NAME", "kept as it is".into()),
            ("USE_FOR_TAGGING", 1.into()),
            (
                "TIM_CREDITS_COMPLETED",
                at_noon(NaiveDate::from_ymd_opt(2026, 1, 2).expect("day")).into(),
            ),
        ],
    )
    .await;
    let env = crawler_env(&fake, &db, 4);

    run_ok(&env, &["run", "--process", "45,12"]);

    assert_eq!(fake.requests_to("/3/"), 0, "process 12 asked TMDb");
    let q = |c: &str| quoted(db.backend, c);
    let rows = conn
        .query_all_raw(Statement::from_string(
            conn.get_database_backend(),
            format!(
                "SELECT {}, {}, {}, {} FROM {}",
                q("ID_KEYWORD"),
                q("NAME"),
                q("USE_FOR_TAGGING"),
                q("TIM_CREDITS_COMPLETED"),
                q("T_WC_TMDB_KEYWORD")
            ),
        ))
        .await
        .expect("keyword rows");
    assert_eq!(rows.len(), expected.len());
    for row in &rows {
        let id = row.try_get_by_index::<i32>(0).expect("id") as u64;
        let name: Option<String> = row.try_get_by_index(1).expect("name");
        let tagging: Option<i32> = row.try_get_by_index(2).expect("tagging");
        let stamp: Option<NaiveDateTime> = row.try_get_by_index(3).expect("stamp");
        if id == done {
            assert_eq!((name.as_deref(), tagging), (Some("kept as it is"), Some(1)));
        } else {
            assert_eq!(name.as_ref(), expected.get(&id), "keyword {id}");
            assert!(stamp.is_some(), "keyword {id} not stamped");
        }
    }
    let count_var = "strtmdbcrawlerprocess12newkeywordscount";
    assert_eq!(
        var(&conn, count_var).await,
        (expected.len() - 1).to_string()
    );

    let before = snapshot(&db).await;
    run_ok(&env, &["run", "--process", "12"]);
    assert_eq!(var(&conn, count_var).await, "0");
    assert_same(&snapshot(&db).await, &before, "a second process 12");
    assert_eq!(fake.requests_to("/3/"), 0);
}

#[tokio::test]
async fn keyword_names_come_from_the_export_without_a_request_on_sqlite() {
    keyword_names_from_the_export(Backend::Sqlite).await;
}

#[tokio::test]
#[cfg_attr(
    not(tmdbc_test_mysql),
    ignore = "needs TMDB_CRAWLER_TEST_MYSQL_URL (a MariaDB server)"
)]
async fn keyword_names_come_from_the_export_without_a_request_on_mariadb() {
    keyword_names_from_the_export(Backend::MySql).await;
}

#[tokio::test]
#[cfg_attr(
    not(tmdbc_test_postgres),
    ignore = "needs TMDB_CRAWLER_TEST_POSTGRES_URL (a PostgreSQL server)"
)]
async fn keyword_names_come_from_the_export_without_a_request_on_postgres() {
    keyword_names_from_the_export(Backend::Postgres).await;
}
