//! ChangesPoller against the fake TMDb server on every backend: windows, paging, the skip
//! rules (adult, stored after the window, not-found ledger), the cursor variable, bounded
//! concurrency, the fetch limit, failed and fatal fetches, an unreadable changes page. Last, a
//! whole run of the binary with a change feed after id processes, read through the fake
//! server's request log: the feed's start read while the ids are fetched, one rate limiter for
//! every requester, persons never in flight with movies or series.
//!
//! The cursor is the next day to poll; a poll covers the complete days before `today`, so after a
//! full catch-up the cursor holds `today`.

mod support;

use std::cell::Cell;
use std::collections::{BTreeSet, HashSet};
use std::rc::Rc;
use std::time::Duration;

use actix::prelude::*;
use chrono::{Days, NaiveDate, NaiveDateTime, NaiveTime};
use fake_tmdb::{CatalogueSizes, FakeTmdb, FakeTmdbConfig, FaultKind, Kind};
use sea_orm::ConnectionTrait;
use sea_orm::DatabaseConnection;
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query};
use support::db::{Backend, TestDb};
use tmdb_crawler::actors::changes::{
    ChangesError, ChangesKind, ChangesPoller, ChangesReport, PollChanges, PrepareChanges,
};
use tmdb_crawler::actors::fetch::{
    FailureCause, Fetch, FetchContext, FetchFailure, FetchOutcome, MovieFetcher, PersonFetcher,
    TvFetcher,
};
use tmdb_crawler::actors::rate_limiter::{RateLimit, RateLimiter};
use tmdb_crawler::actors::writer::DbWriter;
use tmdb_crawler::config::Secret;
use tmdb_crawler::store::server_vars;
use tmdb_crawler::tmdb::client::{Auth, ClientSettings, Fetched, TmdbClient, TmdbRequest};

const TZ: chrono_tz::Tz = chrono_tz::Europe::Paris;

struct Harness {
    conn: DatabaseConnection,
    client: TmdbClient,
    ctx: Rc<FetchContext>,
    poller: Addr<ChangesPoller>,
}

fn config() -> FakeTmdbConfig {
    FakeTmdbConfig {
        sizes: CatalogueSizes {
            movies: 40,
            series: 6,
            seasons_per_series: 1,
            episodes_per_season: 2,
            persons: 220,
            collections: 3,
            companies: 6,
            networks: 3,
            keywords: 12,
            lists: 1,
        },
        ..FakeTmdbConfig::default()
    }
}

async fn harness(fake: &FakeTmdb, db: &TestDb, tune: impl FnOnce(&mut ClientSettings)) -> Harness {
    let conn = db.connect().await;
    {
        use sea_orm_migration::MigratorTrait;
        migration::Migrator::up(&conn, None)
            .await
            .expect("migrate up");
    }
    let limiter = RateLimiter::new(RateLimit::for_rate(
        500.try_into().expect("rate"),
        16.try_into().expect("cap"),
    ))
    .start();
    let mut settings = ClientSettings::new(
        fake.base_url.clone(),
        Auth::ApiKey(Secret::from(fake.api_key.as_str())),
        16,
    );
    tune(&mut settings);
    let client = TmdbClient::new(settings, limiter);
    let writer = DbWriter::connect(conn.clone(), TZ)
        .await
        .expect("writer")
        .start();
    let ctx = Rc::new(FetchContext::new(
        client.clone(),
        writer.clone(),
        vec!["fr".to_owned()],
    ));
    let poller = ChangesPoller::new(client.clone(), conn.clone(), writer, TZ).start();
    Harness {
        conn,
        client,
        ctx,
        poller,
    }
}

fn days_before(today: NaiveDate, n: u64) -> NaiveDate {
    today.checked_sub_days(Days::new(n)).expect("date")
}

fn midnight(date: NaiveDate) -> NaiveDateTime {
    date.and_time(NaiveTime::MIN)
}

fn ymd(date: NaiveDate) -> String {
    date.format("%Y-%m-%d").to_string()
}

/// The feed as the fake server serves it: every page of `start..=end`, `(id, adult == true)`.
async fn feed(
    client: &TmdbClient,
    kind: &str,
    start: NaiveDate,
    end: NaiveDate,
) -> Vec<(u64, bool)> {
    let mut out = Vec::new();
    let mut page = 1;
    loop {
        let request = TmdbRequest::new(format!("/3/{kind}/changes"))
            .query("start_date", ymd(start))
            .query("end_date", ymd(end))
            .query("page", page.to_string());
        let Ok(Fetched::Found(body)) = client.get::<serde_json::Value>(&request).await else {
            panic!("the fake changes feed answers");
        };
        for entry in body["results"].as_array().expect("results") {
            out.push((entry["id"].as_u64().expect("id"), entry["adult"] == true));
        }
        if page >= body["total_pages"].as_u64().expect("total_pages") {
            return out;
        }
        page += 1;
    }
}

async fn poll(
    h: &Harness,
    kind: ChangesKind,
    today: NaiveDate,
    fetcher: Recipient<Fetch>,
    max_in_flight: usize,
    include_adult: bool,
    limit: Option<u64>,
) -> Result<ChangesReport, ChangesError> {
    h.poller
        .send(PollChanges {
            kind,
            today,
            fetcher,
            max_in_flight,
            include_adult,
            limit,
            stop: tmdb_crawler::shutdown::StopSignal::default(),
            prepared: None,
            heartbeat: tmdb_crawler::watchdog::Heartbeat::default(),
        })
        .await
        .expect("the poller answers")
}

/// A poll whose start was read ahead by `PrepareChanges`, as the coordinator does.
async fn poll_prepared(
    h: &Harness,
    kind: ChangesKind,
    today: NaiveDate,
    fetcher: Recipient<Fetch>,
) -> Result<ChangesReport, ChangesError> {
    let prepared = h
        .poller
        .send(PrepareChanges { kind, today })
        .await
        .expect("the poller answers");
    assert!(prepared.is_some(), "the start was prepared");
    h.poller
        .send(PollChanges {
            kind,
            today,
            fetcher,
            max_in_flight: 4,
            include_adult: false,
            limit: None,
            stop: tmdb_crawler::shutdown::StopSignal::default(),
            prepared,
            heartbeat: tmdb_crawler::watchdog::Heartbeat::default(),
        })
        .await
        .expect("the poller answers")
}

async fn set_var(h: &Harness, name: &str, value: &str) {
    server_vars::set(&h.conn, TZ, name, value, "test")
        .await
        .expect("set variable");
}

async fn var(h: &Harness, name: &str) -> String {
    server_vars::get(&h.conn, name)
        .await
        .expect("read variable")
        .unwrap_or_default()
}

async fn set_updated(h: &Harness, table: &str, pk: &str, id: u64, at: NaiveDateTime) {
    let update = Query::update()
        .table(Alias::new(table))
        .value(Alias::new("TIM_UPDATED"), at)
        .and_where(Expr::col(Alias::new(pk)).eq(id as i32))
        .to_owned();
    h.conn.execute(&update).await.expect("set TIM_UPDATED");
}

/// Live ids of an entity table stored at or after `since`.
async fn stored_since(h: &Harness, table: &str, pk: &str, since: NaiveDateTime) -> BTreeSet<u64> {
    let select = Query::select()
        .column(Alias::new(pk))
        .from(Alias::new(table))
        .and_where(Expr::col(Alias::new("DELETED")).eq(0))
        .and_where(Expr::col(Alias::new("TIM_UPDATED")).gte(since))
        .to_owned();
    h.conn
        .query_all(&select)
        .await
        .expect("read ids")
        .iter()
        .map(|r| r.try_get_by_index::<i32>(0).expect("id") as u64)
        .collect()
}

async fn ledger_ids(h: &Harness, entity_type: &str) -> BTreeSet<u64> {
    let select = Query::select()
        .column(Alias::new("ID_ENTITY"))
        .from(Alias::new("T_WC_TMDB_ID_NOT_FOUND"))
        .and_where(Expr::col(Alias::new("ENTITY_TYPE")).eq(entity_type))
        .to_owned();
    h.conn
        .query_all(&select)
        .await
        .expect("read the ledger")
        .iter()
        .map(|r| r.try_get_by_index::<i32>(0).expect("id") as u64)
        .collect()
}

/// Entity requests of a kind (`/3/movie/…` but not the changes list). Counted by prefix: the
/// fake server's route key keeps an id equal to `3` literally (`/3/person/3`).
fn entity_requests(fake: &FakeTmdb, api: &str) -> u64 {
    fake.requests_to(&format!("/3/{api}/")) - fake.requests_to(&format!("/3/{api}/changes"))
}

fn stored(outcome: FetchOutcome) {
    assert!(
        matches!(outcome, FetchOutcome::Stored(_)),
        "expected Stored, got {outcome:?}"
    );
}

/// Wraps a fetcher: fails the chosen ids (without asking TMDb) and records how many fetches
/// were outstanding at most.
struct Flaky {
    inner: Recipient<Fetch>,
    fail: HashSet<u64>,
    fatal: bool,
    now: Rc<Cell<usize>>,
    peak: Rc<Cell<usize>>,
}

impl Flaky {
    fn start(
        inner: Recipient<Fetch>,
        fail: &[u64],
        fatal: bool,
    ) -> (Recipient<Fetch>, Rc<Cell<usize>>) {
        let peak = Rc::new(Cell::new(0));
        let flaky = Flaky {
            inner,
            fail: fail.iter().copied().collect(),
            fatal,
            now: Rc::new(Cell::new(0)),
            peak: peak.clone(),
        };
        (flaky.start().recipient(), peak)
    }
}

impl Actor for Flaky {
    type Context = Context<Self>;
}

impl Handler<Fetch> for Flaky {
    type Result = ResponseFuture<FetchOutcome>;

    fn handle(&mut self, msg: Fetch, _ctx: &mut Self::Context) -> Self::Result {
        let (now, peak) = (self.now.clone(), self.peak.clone());
        now.set(now.get() + 1);
        peak.set(peak.get().max(now.get()));
        let fail = self.fail.contains(&msg.id).then_some(self.fatal);
        let inner = self.inner.clone();
        Box::pin(async move {
            let outcome = match fail {
                Some(fatal) => {
                    actix_rt::time::sleep(Duration::from_millis(5)).await;
                    FetchOutcome::Failed(FetchFailure {
                        reason: "injected failure".to_owned(),
                        cause: if fatal {
                            FailureCause::Credentials
                        } else {
                            FailureCause::Entity
                        },
                    })
                }
                None => inner.send(msg).await.expect("the fetcher answers"),
            };
            now.set(now.get() - 1);
            outcome
        })
    }
}

// ------------------------------------------------------------------ two windows, skip rules

async fn two_windows_on(backend: Backend, prepared: bool) {
    let Some(db) = TestDb::create(backend, "changes").await else {
        return;
    };
    let fake = FakeTmdb::start(config());
    let h = harness(&fake, &db, |_| {}).await;
    let movies = MovieFetcher::new(h.ctx.clone())
        .start()
        .recipient::<Fetch>();
    let catalogue = fake.catalogue();
    let today = support::first_open_day(TZ);
    let w1 = (days_before(today, 20), days_before(today, 7));
    let w2 = (days_before(today, 6), days_before(today, 1));
    let feed1 = feed(&h.client, "movie", w1.0, w1.1).await;
    let feed2 = feed(&h.client, "movie", w2.0, w2.1).await;
    for (f, (start, end)) in [(&feed1, w1), (&feed2, w2)] {
        let ids: Vec<u64> = f.iter().map(|(id, _)| *id).collect();
        assert_eq!(ids, catalogue.changed_ids(Kind::Movie, start, end));
        assert!(ids.len() <= 100, "one page per window");
    }
    let adult: BTreeSet<u64> = feed1
        .iter()
        .chain(&feed2)
        .filter(|e| e.1)
        .map(|e| e.0)
        .collect();

    // Two movies of the second window stored before the poll: x at the day after the window
    // (fresh: skipped), z one second earlier (stale: re-fetched).
    let candidates: Vec<u64> = feed2
        .iter()
        .filter(|(id, a)| !a && catalogue.exists(Kind::Movie, *id))
        .map(|(id, _)| *id)
        .collect();
    let (x, z) = (candidates[0], candidates[1]);
    for id in [x, z] {
        stored(
            movies
                .send(Fetch {
                    id,
                    context: "test".to_owned(),
                })
                .await
                .expect("fetch"),
        );
    }
    set_updated(&h, "T_WC_TMDB_MOVIE", "ID_MOVIE", x, midnight(today)).await;
    set_updated(
        &h,
        "T_WC_TMDB_MOVIE",
        "ID_MOVIE",
        z,
        midnight(today) - chrono::Duration::seconds(1),
    )
    .await;
    set_var(&h, "strtmdbcrawlerchangesmoviedate", &ymd(w1.0)).await;
    fake.reset_counters();

    // Read ahead or not, the poll reads each page once and does the same.
    let report = if prepared {
        poll_prepared(&h, ChangesKind::Movie, today, movies.clone()).await
    } else {
        poll(
            &h,
            ChangesKind::Movie,
            today,
            movies.clone(),
            4,
            false,
            None,
        )
        .await
    }
    .expect("poll");

    let listed: BTreeSet<u64> = feed1.iter().chain(&feed2).map(|e| e.0).collect();
    let expected: BTreeSet<u64> = listed
        .iter()
        .copied()
        .filter(|id| !adult.contains(id) && *id != x)
        .collect();
    let gone: BTreeSet<u64> = expected
        .iter()
        .copied()
        .filter(|id| catalogue.is_deleted(Kind::Movie, *id))
        .collect();
    assert!(
        !gone.is_empty(),
        "the catalogue has deleted movies among the changes"
    );
    assert_eq!(
        fake.requests_to("/3/movie/changes"),
        2,
        "{:?}",
        fake.route_counts()
    );
    assert_eq!(
        entity_requests(&fake, "movie"),
        expected.len() as u64,
        "every changed id once: {:?}",
        fake.route_counts()
    );
    assert_eq!(report.selected, expected.len() as u64);
    assert_eq!(report.gone, gone.len() as u64);
    assert_eq!(report.stored, (expected.len() - gone.len()) as u64);
    assert!(report.failed.is_empty(), "{:?}", report.failed);
    assert_eq!(
        report.skipped_adult,
        feed1.iter().chain(&feed2).filter(|e| e.1).count() as u64
    );
    assert_eq!(report.pages, 2);
    assert_eq!(report.windows_completed, 2);
    assert_eq!((report.from, report.to), (Some(w1.0), Some(w2.1)));
    assert_eq!(report.cursor, Some(today));

    // Every re-fetched live id is stored now; x kept its earlier copy; no adult one was fetched.
    let fresh = stored_since(&h, "T_WC_TMDB_MOVIE", "ID_MOVIE", midnight(today)).await;
    let live: BTreeSet<u64> = expected.difference(&gone).copied().collect();
    assert!(live.is_subset(&fresh));
    assert!(fresh.contains(&x));
    assert!(fresh.iter().all(|id| !adult.contains(id)));
    assert_eq!(ledger_ids(&h, "movie").await, gone);

    // The cursor is the next day to poll; the count is the second window's fetches.
    let fetched1: BTreeSet<u64> = feed1
        .iter()
        .filter(|e| !e.1 && e.0 != x && e.0 != z)
        .map(|e| e.0)
        .collect();
    let fetched2 = feed2
        .iter()
        .filter(|e| !e.1 && e.0 != x && !fetched1.contains(&e.0))
        .count();
    assert_eq!(var(&h, "strtmdbcrawlerchangesmoviedate").await, ymd(today));
    assert_eq!(
        var(&h, "strtmdbcrawlerchangesmoviecount").await,
        fetched2.to_string()
    );

    // Right after: nothing left to poll, not a single request.
    fake.reset_counters();
    let again = poll(
        &h,
        ChangesKind::Movie,
        today,
        movies.clone(),
        4,
        false,
        None,
    )
    .await
    .expect("second poll");
    assert_eq!(fake.total_requests(), 0, "{:?}", fake.route_counts());
    assert_eq!(
        (again.from, again.selected, again.cursor),
        (None, 0, Some(today))
    );

    // Polling the same days again reads the lists but fetches nothing: every id is either
    // stored after its window, held back by the ledger, or adult.
    set_var(&h, "strtmdbcrawlerchangesmoviedate", &ymd(w1.0)).await;
    fake.reset_counters();
    let replay = poll(&h, ChangesKind::Movie, today, movies, 4, false, None)
        .await
        .expect("replay");
    assert_eq!(fake.requests_to("/3/movie/changes"), 2);
    assert_eq!(
        entity_requests(&fake, "movie"),
        0,
        "{:?}",
        fake.route_counts()
    );
    assert_eq!(replay.selected, 0);
    assert_eq!(replay.skipped_ledger, {
        let g1 = gone
            .iter()
            .filter(|id| feed1.iter().any(|e| e.0 == **id))
            .count();
        let g2 = gone
            .iter()
            .filter(|id| feed2.iter().any(|e| e.0 == **id))
            .count();
        (g1 + g2) as u64
    });
    assert_eq!(
        replay.skipped_fresh + replay.skipped_ledger + replay.skipped_adult,
        replay.listed
    );
    assert_eq!(var(&h, "strtmdbcrawlerchangesmoviedate").await, ymd(today));
    assert_eq!(var(&h, "strtmdbcrawlerchangesmoviecount").await, "0");
    drop(db);
}

#[actix_rt::test]
async fn two_windows_every_changed_id_once_on_sqlite() {
    two_windows_on(Backend::Sqlite, false).await;
}

#[actix_rt::test]
#[cfg_attr(
    not(tmdbc_test_mysql),
    ignore = "needs TMDB_CRAWLER_TEST_MYSQL_URL (a MariaDB server)"
)]
async fn two_windows_every_changed_id_once_on_mariadb() {
    two_windows_on(Backend::MySql, false).await;
}

#[actix_rt::test]
#[cfg_attr(
    not(tmdbc_test_postgres),
    ignore = "needs TMDB_CRAWLER_TEST_POSTGRES_URL (a PostgreSQL server)"
)]
async fn two_windows_every_changed_id_once_on_postgres() {
    two_windows_on(Backend::Postgres, false).await;
}

#[actix_rt::test]
async fn a_start_read_ahead_is_used_not_read_again_on_sqlite() {
    two_windows_on(Backend::Sqlite, true).await;
}

#[actix_rt::test]
#[cfg_attr(
    not(tmdbc_test_mysql),
    ignore = "needs TMDB_CRAWLER_TEST_MYSQL_URL (a MariaDB server)"
)]
async fn a_start_read_ahead_is_used_not_read_again_on_mariadb() {
    two_windows_on(Backend::MySql, true).await;
}

// ------------------------------------------------------------------ limit, failure, retry

async fn failure_keeps_cursor_on(backend: Backend) {
    let Some(db) = TestDb::create(backend, "changes_fail").await else {
        return;
    };
    let fake = FakeTmdb::start(config());
    let h = harness(&fake, &db, |_| {}).await;
    let movies = MovieFetcher::new(h.ctx.clone())
        .start()
        .recipient::<Fetch>();
    let today = support::first_open_day(TZ);
    let start = days_before(today, 3);
    let ids: Vec<u64> = feed(&h.client, "movie", start, days_before(today, 1))
        .await
        .into_iter()
        .map(|e| e.0)
        .collect();
    assert!(ids.len() >= 5, "{ids:?}");
    let failing = *ids
        .iter()
        .rev()
        .find(|id| fake.catalogue().exists(Kind::Movie, **id))
        .expect("a live id");
    set_var(&h, "strtmdbcrawlerchangesmoviedate", &ymd(start)).await;

    // The limit: two fetches, the window stays to do.
    fake.reset_counters();
    let limited = poll(
        &h,
        ChangesKind::Movie,
        today,
        movies.clone(),
        4,
        true,
        Some(2),
    )
    .await
    .expect("limited poll");
    assert_eq!(entity_requests(&fake, "movie"), 2);
    assert!(limited.limit_reached);
    assert_eq!((limited.selected, limited.windows_completed), (2, 0));
    assert_eq!(limited.from, Some(start));
    assert_eq!(var(&h, "strtmdbcrawlerchangesmoviedate").await, ymd(start));

    // One failing id: everything else is fetched, with at most 3 fetches outstanding, and
    // the cursor stays.
    fake.knobs.set_latency(Duration::from_millis(15));
    fake.reset_counters();
    let (flaky, peak) = Flaky::start(movies.clone(), &[failing], false);
    let report = poll(&h, ChangesKind::Movie, today, flaky, 3, true, None)
        .await
        .expect("poll with a failure");
    fake.knobs.set_latency(Duration::ZERO);
    assert_eq!(
        report.failed,
        vec![(failing, "injected failure".to_owned())]
    );
    assert_eq!(report.skipped_fresh + report.skipped_ledger, 2);
    assert_eq!(report.selected, ids.len() as u64 - 2);
    assert_eq!(entity_requests(&fake, "movie"), ids.len() as u64 - 3);
    assert_eq!(
        (report.windows_completed, report.windows_incomplete),
        (0, 1)
    );
    assert_eq!(report.cursor, Some(start));
    assert!(
        (2..=3).contains(&peak.get()),
        "fetches outstanding at once: {}",
        peak.get()
    );
    assert_eq!(var(&h, "strtmdbcrawlerchangesmoviedate").await, ymd(start));

    // The next run polls the window again and fetches only the failed id.
    fake.reset_counters();
    let retry = poll(&h, ChangesKind::Movie, today, movies, 3, true, None)
        .await
        .expect("retry");
    assert_eq!(
        entity_requests(&fake, "movie"),
        1,
        "{:?}",
        fake.route_counts()
    );
    assert_eq!(
        (retry.selected, retry.stored, retry.windows_completed),
        (1, 1, 1)
    );
    assert_eq!(var(&h, "strtmdbcrawlerchangesmoviedate").await, ymd(today));
    assert_eq!(var(&h, "strtmdbcrawlerchangesmoviecount").await, "1");
    drop(db);
}

#[actix_rt::test]
async fn a_failed_id_keeps_the_cursor_on_sqlite() {
    failure_keeps_cursor_on(Backend::Sqlite).await;
}

#[actix_rt::test]
#[cfg_attr(
    not(tmdbc_test_mysql),
    ignore = "needs TMDB_CRAWLER_TEST_MYSQL_URL (a MariaDB server)"
)]
async fn a_failed_id_keeps_the_cursor_on_mariadb() {
    failure_keeps_cursor_on(Backend::MySql).await;
}

#[actix_rt::test]
#[cfg_attr(
    not(tmdbc_test_postgres),
    ignore = "needs TMDB_CRAWLER_TEST_POSTGRES_URL (a PostgreSQL server)"
)]
async fn a_failed_id_keeps_the_cursor_on_postgres() {
    failure_keeps_cursor_on(Backend::Postgres).await;
}

#[actix_rt::test]
async fn a_fatal_failure_stops_the_poll() {
    let db = TestDb::create(Backend::Sqlite, "changes_fatal")
        .await
        .expect("sqlite");
    let fake = FakeTmdb::start(config());
    let h = harness(&fake, &db, |_| {}).await;
    let movies = MovieFetcher::new(h.ctx.clone())
        .start()
        .recipient::<Fetch>();
    let today = support::first_open_day(TZ);
    let start = days_before(today, 10);
    let first = feed(&h.client, "movie", start, days_before(today, 1)).await[0].0;
    set_var(&h, "strtmdbcrawlerchangesmoviedate", &ymd(start)).await;
    let (flaky, _) = Flaky::start(movies, &[first], true);
    let err = poll(&h, ChangesKind::Movie, today, flaky, 2, true, None)
        .await
        .expect_err("a fatal failure ends the poll");
    assert!(
        matches!(err, ChangesError::Fatal { id, process: 51, .. } if id == first),
        "{err:?}"
    );
    assert_eq!(err.cause(), FailureCause::Credentials, "the cause was lost");
    assert_eq!(var(&h, "strtmdbcrawlerchangesmoviedate").await, ymd(start));
}

#[actix_rt::test]
async fn an_unreadable_changes_page_ends_the_poll_and_keeps_the_cursor() {
    let db = TestDb::create(Backend::Sqlite, "changes_feed")
        .await
        .expect("sqlite");
    let fake = FakeTmdb::start(config());
    let h = harness(&fake, &db, |s| {
        s.max_attempts = 2;
        s.backoff_base = Duration::from_millis(1);
        s.backoff_max = Duration::from_millis(2);
    })
    .await;
    let movies = MovieFetcher::new(h.ctx.clone())
        .start()
        .recipient::<Fetch>();
    let today = support::first_open_day(TZ);
    let start = days_before(today, 5);
    set_var(&h, "strtmdbcrawlerchangesmoviedate", &ymd(start)).await;
    fake.knobs.set_fault_kinds(&[FaultKind::TruncatedJson]);
    fake.knobs.set_fault_rate(1.0);
    let err = poll(&h, ChangesKind::Movie, today, movies, 4, false, None)
        .await
        .expect_err("the page cannot be read");
    assert!(
        matches!(&err, ChangesError::Feed { page: 1, start: s, cause: FailureCause::Entity, .. } if *s == start),
        "{err:?}"
    );
    assert_eq!(fake.requests_to("/3/movie/changes"), 2, "two attempts");
    assert_eq!(entity_requests(&fake, "movie"), 0);
    assert_eq!(var(&h, "strtmdbcrawlerchangesmoviedate").await, ymd(start));
}

// ------------------------------------------------------------------ first run

async fn seed_on(backend: Backend) {
    let Some(db) = TestDb::create(backend, "changes_seed").await else {
        return;
    };
    let fake = FakeTmdb::start(config());
    let h = harness(&fake, &db, |_| {}).await;
    let movies = MovieFetcher::new(h.ctx.clone())
        .start()
        .recipient::<Fetch>();
    let today = support::first_open_day(TZ);
    let yesterday = days_before(today, 1);

    // No cursor, empty table: yesterday only.
    let report = poll(&h, ChangesKind::Movie, today, movies.clone(), 4, true, None)
        .await
        .expect("poll from an empty table");
    assert_eq!((report.from, report.to), (Some(yesterday), Some(yesterday)));
    assert_eq!(
        report.selected as usize,
        fake.catalogue()
            .changed_ids(Kind::Movie, yesterday, yesterday)
            .len()
    );
    assert_eq!(var(&h, "strtmdbcrawlerchangesmoviedate").await, ymd(today));

    // No cursor, stored rows: from the day of the oldest TIM_UPDATED.
    let oldest = stored_since(&h, "T_WC_TMDB_MOVIE", "ID_MOVIE", midnight(today))
        .await
        .into_iter()
        .next()
        .expect("a stored movie");
    let five = days_before(today, 5);
    set_updated(
        &h,
        "T_WC_TMDB_MOVIE",
        "ID_MOVIE",
        oldest,
        five.and_hms_opt(13, 45, 10).expect("time"),
    )
    .await;
    set_var(&h, "strtmdbcrawlerchangesmoviedate", "").await;
    let report = poll(&h, ChangesKind::Movie, today, movies, 4, true, None)
        .await
        .expect("poll from the oldest update");
    assert_eq!((report.from, report.to), (Some(five), Some(yesterday)));
    assert_eq!(var(&h, "strtmdbcrawlerchangesmoviedate").await, ymd(today));
    drop(db);
}

#[actix_rt::test]
async fn an_empty_cursor_starts_at_the_oldest_update_on_sqlite() {
    seed_on(Backend::Sqlite).await;
}

#[actix_rt::test]
#[cfg_attr(
    not(tmdbc_test_mysql),
    ignore = "needs TMDB_CRAWLER_TEST_MYSQL_URL (a MariaDB server)"
)]
async fn an_empty_cursor_starts_at_the_oldest_update_on_mariadb() {
    seed_on(Backend::MySql).await;
}

#[actix_rt::test]
#[cfg_attr(
    not(tmdbc_test_postgres),
    ignore = "needs TMDB_CRAWLER_TEST_POSTGRES_URL (a PostgreSQL server)"
)]
async fn an_empty_cursor_starts_at_the_oldest_update_on_postgres() {
    seed_on(Backend::Postgres).await;
}

#[actix_rt::test]
async fn a_malformed_cursor_is_an_error() {
    let db = TestDb::create(Backend::Sqlite, "changes_bad")
        .await
        .expect("sqlite");
    let fake = FakeTmdb::start(config());
    let h = harness(&fake, &db, |_| {}).await;
    let movies = MovieFetcher::new(h.ctx.clone())
        .start()
        .recipient::<Fetch>();
    set_var(&h, "strtmdbcrawlerchangesmoviedate", "next tuesday").await;
    let err = poll(
        &h,
        ChangesKind::Movie,
        support::first_open_day(TZ),
        movies,
        4,
        true,
        None,
    )
    .await
    .expect_err("not a date");
    assert!(matches!(err, ChangesError::BadCursor { .. }), "{err:?}");
    assert_eq!(fake.total_requests(), 0);
}

// ------------------------------------------------------------------ persons and series

#[actix_rt::test]
async fn person_and_tv_feeds_use_their_tables_variables_and_pages() {
    let db = TestDb::create(Backend::Sqlite, "changes_kinds")
        .await
        .expect("sqlite");
    let fake = FakeTmdb::start(config());
    let h = harness(&fake, &db, |_| {}).await;
    let today = support::first_open_day(TZ);
    let start = days_before(today, 14);
    let end = days_before(today, 1);
    for (kind, api, var_name, fetcher, table, pk, fake_kind) in [
        (
            ChangesKind::Person,
            "person",
            "strtmdbcrawlerchangespersondate",
            PersonFetcher::new(h.ctx.clone())
                .start()
                .recipient::<Fetch>(),
            "T_WC_TMDB_PERSON",
            "ID_PERSON",
            Kind::Person,
        ),
        (
            ChangesKind::Tv,
            "tv",
            "strtmdbcrawlerchangesseriedate",
            TvFetcher::new(h.ctx.clone()).start().recipient::<Fetch>(),
            "T_WC_TMDB_SERIE",
            "ID_SERIE",
            Kind::Tv,
        ),
    ] {
        let listed = feed(&h.client, api, start, end).await;
        if kind == ChangesKind::Person {
            assert!(listed.len() > 100, "the person feed spans pages");
        }
        let expected: BTreeSet<u64> = listed.iter().filter(|e| !e.1).map(|e| e.0).collect();
        let live: BTreeSet<u64> = expected
            .iter()
            .copied()
            .filter(|id| fake.catalogue().exists(fake_kind, *id))
            .collect();
        set_var(&h, var_name, &ymd(start)).await;
        fake.reset_counters();
        let report = poll(&h, kind, today, fetcher, 6, false, None)
            .await
            .expect("poll");
        let pages = Ord::max((listed.len() as u64).div_ceil(100), 1);
        assert_eq!(fake.requests_to(&format!("/3/{api}/changes")), pages);
        assert_eq!(report.pages, pages);
        assert_eq!(
            entity_requests(&fake, api),
            expected.len() as u64,
            "{:?}",
            fake.route_counts()
        );
        assert_eq!(stored_since(&h, table, pk, midnight(today)).await, live);
        assert_eq!(report.windows_completed, 1);
        assert_eq!(var(&h, var_name).await, ymd(today));
    }
}

// ------------------------------------------------------------------ a whole run

/// The rate limit of the run below, in requests per second (its burst: one eighth, at least 1).
const RUN_RATE: usize = 10;
/// The fake server's delay before every answer in the run below: a fetch's request ends at
/// least this long after it reached the server. Longer than the limiter's spacing, so that
/// requests sent one after the other while the earlier is in flight arrive closer than this.
const RUN_LATENCY: Duration = Duration::from_millis(250);
/// Requests in flight in the run below: every id of 17, 18, 1 and 2 at once.
const RUN_IN_FLIGHT: usize = 30;

/// Small enough for a run of a few seconds at [`RUN_RATE`]; every id process of the run has
/// ids, those of 17, 18, 1 and 2 fit in [`RUN_IN_FLIGHT`] with room for more.
fn run_sizes() -> CatalogueSizes {
    CatalogueSizes {
        movies: 8,
        series: 2,
        seasons_per_series: 1,
        episodes_per_season: 1,
        persons: 8,
        collections: 4,
        companies: 4,
        networks: 4,
        keywords: 3,
        lists: 1,
    }
}

/// A person request (details, not the changes list) by its fake server counter key.
fn is_person(route: &str) -> bool {
    route.starts_with("/3/person/{id}")
}

/// A movie or series request (details, seasons; not the changes lists).
fn is_title(route: &str) -> bool {
    route.starts_with("/3/movie/{id}") || route.starts_with("/3/tv/{id}")
}

/// The ids of a column, each once.
async fn column_ids(conn: &DatabaseConnection, table: &str, column: &str) -> BTreeSet<u64> {
    let select = Query::select()
        .column(Alias::new(column))
        .from(Alias::new(table))
        .to_owned();
    conn.query_all(&select)
        .await
        .expect("read ids")
        .iter()
        .map(|r| r.try_get_by_index::<i32>(0).expect("id") as u64)
        .collect()
}

/// `run --process 17,18,1,2,3,4,31,51` of the real binary against the fake server at
/// [`RUN_RATE`] requests per second, [`RUN_IN_FLIGHT`] in flight, from the fake server's
/// request log (arrival order and times; a request answers [`RUN_LATENCY`] after its arrival
/// at the earliest):
/// - every API request goes through one limiter: the companies, networks, collections and
///   movies fetched at once with the change feed's first page never exceed the rate plus the
///   burst in any second, with half a second's worth for the jitter between sending and
///   arrival (a limiter per fetcher lets each kind go at the rate: 22 in a second when tried);
/// - the change feed's cursor and first page are read at the start of the run, while 17, 18, 1
///   and 2 work, and not again;
/// - no person request overlaps a movie or series request (3 after 2, 4 after 3, 31 after 4):
///   their arrivals are at least the latency apart;
/// - 31 selects after 2, 3 and 4 have completed: its first request comes after their last
///   ones, and it fetches every person the credits written by 2 and 4 name, each once (3's
///   persons, named by those credits too, not again).
#[actix_rt::test]
async fn a_run_shares_one_limiter_and_reads_the_feed_while_the_ids_are_fetched_on_sqlite() {
    let db = TestDb::create(Backend::Sqlite, "changes_run")
        .await
        .expect("sqlite");
    let fake = FakeTmdb::start(FakeTmdbConfig {
        sizes: run_sizes(),
        ..FakeTmdbConfig::default()
    });
    fake.knobs.set_latency(RUN_LATENCY);
    let conn = db.connect().await;
    {
        use sea_orm_migration::MigratorTrait;
        migration::Migrator::up(&conn, None)
            .await
            .expect("migrate up");
    }
    let catalogue = fake.catalogue();
    let new_persons: BTreeSet<u64> = catalogue
        .export_ids(Kind::Person)
        .into_iter()
        .take(3)
        .collect();
    for (table, ids) in [
        (
            "T_WC_TMDB_PRODUCTION_COMPANY_ID_IMPORT",
            catalogue.export_ids(Kind::Company),
        ),
        (
            "T_WC_TMDB_TV_NETWORK_ID_IMPORT",
            catalogue.export_ids(Kind::Network),
        ),
        (
            "T_WC_TMDB_COLLECTION_ID_IMPORT",
            catalogue.export_ids(Kind::Collection),
        ),
        (
            "T_WC_TMDB_MOVIE_ID_IMPORT",
            catalogue.export_ids(Kind::Movie),
        ),
        (
            "T_WC_TMDB_PERSON_ID_IMPORT",
            new_persons.iter().copied().collect(),
        ),
        (
            "T_WC_TMDB_TV_SERIE_ID_IMPORT",
            catalogue.export_ids(Kind::Tv),
        ),
    ] {
        let mut insert = Query::insert();
        insert
            .into_table(Alias::new(table))
            .columns([Alias::new("id")]);
        for id in ids {
            insert.values([(id as i64).into()]).expect("values");
        }
        conn.execute(&insert).await.expect("seed the export");
    }
    let today = support::first_open_day(TZ);
    server_vars::set(
        &conn,
        TZ,
        "strtmdbcrawlerchangesmoviedate",
        &ymd(days_before(today, 2)),
        "test",
    )
    .await
    .expect("set the cursor");
    let env: Vec<(String, String)> = [
        ("TMDB_CRAWLER_DATABASE_URL", db.url.clone()),
        ("TMDB_CRAWLER_API_BASE_URL", fake.base_url.clone()),
        ("TMDB_CRAWLER_API_KEY", fake.api_key.clone()),
        ("TMDB_CRAWLER_EXPORTS_BASE_URL", fake.exports_base_url()),
        ("TMDB_CRAWLER_RATE_LIMIT_PER_SECOND", RUN_RATE.to_string()),
        ("TMDB_CRAWLER_MAX_IN_FLIGHT", RUN_IN_FLIGHT.to_string()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect();
    support::binary::run_ok(&env, &["run", "--process", "17,18,1,2,3,4,31,51"]);
    let log = fake.request_log();
    let routes: Vec<&str> = log.iter().map(|r| r.route.as_str()).collect();
    let at = |f: fn(&str) -> bool| -> Vec<usize> {
        (0..log.len()).filter(|&i| f(&log[i].route)).collect()
    };

    // One limiter: several fetchers and the feed at once, never more than the cap allows.
    let burst = (RUN_RATE / 8).max(1);
    assert!(
        log.len() >= 2 * RUN_RATE,
        "more requests than one second of the cap: {routes:?}"
    );
    let first_kinds: BTreeSet<&str> = routes
        .iter()
        .take(2 * RUN_RATE)
        .filter_map(|r| r.split('/').nth(2))
        .collect();
    assert!(
        first_kinds.len() >= 3,
        "several fetchers share the first seconds: {routes:?}"
    );
    let busiest = fake.max_requests_in(Duration::from_secs(1));
    eprintln!(
        "{} requests in {:?}, at most {busiest} in one second: {routes:?}",
        log.len(),
        log[log.len() - 1].at - log[0].at
    );
    assert!(
        busiest <= RUN_RATE + burst + RUN_RATE / 2,
        "{busiest} requests in one second at {RUN_RATE}/s (burst {burst}): every fetcher and \
         the change feed go through one limiter"
    );

    // The feed's first page: read once, while 17, 18, 1 and 2 work (before 3, which begins
    // only once the movies have been answered and written).
    let changes = at(|r| r == "/3/movie/changes");
    let persons = at(is_person);
    let titles = at(is_title);
    assert_eq!(changes.len(), 1, "one page, read once: {routes:?}");
    assert!(
        changes[0] < persons[0],
        "the change feed's first page (request {}) is read while the first id processes work \
         (3 began with request {}): {routes:?}",
        changes[0],
        persons[0]
    );

    // Persons never in flight with movies or series.
    for &p in &persons {
        for &t in &titles {
            let (p_at, t_at) = (log[p].at, log[t].at);
            let apart = p_at.max(t_at) - p_at.min(t_at);
            assert!(
                apart >= RUN_LATENCY,
                "person request {p} ({}) and {} request {t} arrived {apart:?} apart: one was \
                 in flight while the other was sent: {routes:?}",
                log[p].route,
                log[t].route
            );
        }
    }

    // 31: after 2, 3 and 4, every credited person once.
    let mut credited = column_ids(&conn, "T_WC_TMDB_PERSON_MOVIE", "ID_PERSON").await;
    credited.extend(column_ids(&conn, "T_WC_TMDB_PERSON_SERIE", "ID_PERSON").await);
    assert!(
        !new_persons.is_disjoint(&credited),
        "3's persons are named by credits too"
    );
    assert!(!credited.is_subset(&new_persons), "31 has persons to fetch");
    let all: BTreeSet<u64> = credited.union(&new_persons).copied().collect();
    assert_eq!(
        persons.len(),
        all.len(),
        "every person named by the credits 2 and 4 wrote is fetched, once (31 selects only \
         after they completed; 3's persons are not fetched again): {routes:?}"
    );
    let first_of_31 = persons[new_persons.len()];
    let before: Vec<usize> = titles
        .iter()
        .chain(&persons[..new_persons.len()])
        .copied()
        .filter(|&i| i < first_of_31)
        .collect();
    let last_before = *before.iter().max().expect("2, 3 and 4 fetched");
    assert!(
        log[first_of_31].at - log[last_before].at >= RUN_LATENCY,
        "31's first request came {:?} after the last of 2-4, which was still in flight: \
         {routes:?}",
        log[first_of_31].at - log[last_before].at
    );
}
