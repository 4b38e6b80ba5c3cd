//! The id pipeline over many sizes: the real Coordinator on a migrated SQLite database whose
//! selections return chosen numbers of ids, with fetchers that answer at once and record what
//! they were asked. Every combination must end, and every selected id must be fetched exactly
//! once, whatever the sizes (around the page size and far beyond it), `max_in_flight` and the
//! page size.

mod support;

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap};
use std::rc::Rc;
use std::time::{Duration, Instant};

use actix::prelude::*;
use sea_orm::sea_query::{Alias, Query, SimpleExpr};
use sea_orm::{ConnectionTrait, DatabaseConnection, Value};
use support::db::{Backend, TestDb};
use tmdb_crawler::actors::changes::ChangesPoller;
use tmdb_crawler::actors::coordinator::{
    Coordinator, EntityWorkers, ProcessOutcome, RunProcesses, RunSettings,
};
use tmdb_crawler::actors::export::ExportDownloader;
use tmdb_crawler::actors::fetch::{Fetch, FetchOutcome, StoredEntity};
use tmdb_crawler::actors::rate_limiter::{RateLimit, RateLimiter};
use tmdb_crawler::actors::writer::DbWriter;
use tmdb_crawler::config::Secret;
use tmdb_crawler::records::EntityKind;
use tmdb_crawler::shutdown::StopSignal;
use tmdb_crawler::tmdb::client::{Auth, ClientSettings, TmdbClient};

const TZ: chrono_tz::Tz = chrono_tz::Europe::Paris;

/// The processes of the default order the pipeline runs, in that order.
const PROCESSES: [u16; 12] = [17, 18, 1, 2, 3, 4, 14, 15, 16, 31, 32, 33];
/// Sizes around the page (500) and beyond it.
const SIZES: [u64; 8] = [0, 1, 499, 500, 501, 1_000, 1_501, 5_000];
/// A stored movie and a stored person that credits name beside the missing ones.
const KNOWN_MOVIE: i64 = 9_000_000;
const KNOWN_PERSON: i64 = 9_000_001;

type Asked = Rc<RefCell<Vec<(EntityKind, u64)>>>;

/// A fetcher that stores nothing and answers "stored" at once.
struct RecordingFetcher {
    kind: EntityKind,
    asked: Asked,
}

impl Actor for RecordingFetcher {
    type Context = Context<Self>;
}

impl Handler<Fetch> for RecordingFetcher {
    type Result = MessageResult<Fetch>;

    fn handle(&mut self, msg: Fetch, _ctx: &mut Self::Context) -> Self::Result {
        self.asked.borrow_mut().push((self.kind, msg.id));
        MessageResult(FetchOutcome::Stored(StoredEntity::default()))
    }
}

/// Where process `number`'s ids live, and the first id of its range.
fn id_base(number: u16) -> i64 {
    i64::from(number) * 100_000
}

async fn insert_rows(
    conn: &DatabaseConnection,
    table: &str,
    columns: &[&str],
    rows: Vec<Vec<Value>>,
) {
    for chunk in rows.chunks(400) {
        let mut q = Query::insert();
        q.into_table(Alias::new(table))
            .columns(columns.iter().map(|c| Alias::new(*c)));
        for row in chunk {
            q.values(row.iter().map(|v| SimpleExpr::from(v.clone())))
                .expect("values");
        }
        conn.execute_raw(conn.get_database_backend().build(&q))
            .await
            .unwrap_or_else(|e| panic!("insert into {table}: {e}"));
    }
}

async fn clear(conn: &DatabaseConnection, table: &str) {
    let q = Query::delete().from_table(Alias::new(table)).to_owned();
    conn.execute_raw(conn.get_database_backend().build(&q))
        .await
        .unwrap_or_else(|e| panic!("delete from {table}: {e}"));
}

const TABLES: [&str; 12] = [
    "T_WC_TMDB_PRODUCTION_COMPANY_ID_IMPORT",
    "T_WC_TMDB_TV_NETWORK_ID_IMPORT",
    "T_WC_TMDB_COLLECTION_ID_IMPORT",
    "T_WC_TMDB_MOVIE_ID_IMPORT",
    "T_WC_TMDB_PERSON_ID_IMPORT",
    "T_WC_TMDB_TV_SERIE_ID_IMPORT",
    "T_WC_TMDB_MOVIE",
    "T_WC_TMDB_PERSON",
    "T_WC_TMDB_SERIE",
    "T_WC_TMDB_PERSON_MOVIE",
    "T_WC_TMDB_PERSON_SERIE",
    "T_WC_SERVER_VARIABLE",
];

/// Stored entity rows, updated long ago (so 14-16 may select them), absent from the export.
fn stored_rows(ids: impl Iterator<Item = i64>) -> Vec<Vec<Value>> {
    let long_ago = chrono::NaiveDate::from_ymd_opt(2020, 1, 1)
        .and_then(|d| d.and_hms_opt(12, 0, 0))
        .expect("date");
    ids.map(|id| {
        vec![
            id.into(),
            0.into(),
            0.into(),
            long_ago.into(),
            long_ago.into(),
        ]
    })
    .collect()
}

/// Fills the tables so that process `PROCESSES[j]` selects `sizes[j]` ids; returns the ids
/// each kind must be asked for.
async fn seed(conn: &DatabaseConnection, sizes: &[u64]) -> BTreeMap<EntityKind, Vec<u64>> {
    for table in TABLES {
        clear(conn, table).await;
    }
    let stored_columns = [
        "ID",
        "ADULT",
        "DELETED",
        "TIM_UPDATED",
        "TIM_CREDITS_COMPLETED",
    ];
    let mut expected: BTreeMap<EntityKind, Vec<u64>> = BTreeMap::new();
    for (&number, &size) in PROCESSES.iter().zip(sizes) {
        let ids: Vec<i64> = (0..size as i64).map(|i| id_base(number) + i).collect();
        let kind = process_kind(number);
        expected
            .entry(kind)
            .or_default()
            .extend(ids.iter().map(|&id| id as u64));
        let import = |table| {
            (
                table,
                vec!["id"],
                ids.iter().map(|&id| vec![id.into()]).collect(),
            )
        };
        let (table, columns, rows): (&str, Vec<&str>, Vec<Vec<Value>>) = match number {
            17 => import("T_WC_TMDB_PRODUCTION_COMPANY_ID_IMPORT"),
            18 => import("T_WC_TMDB_TV_NETWORK_ID_IMPORT"),
            1 => import("T_WC_TMDB_COLLECTION_ID_IMPORT"),
            2 => import("T_WC_TMDB_MOVIE_ID_IMPORT"),
            3 => import("T_WC_TMDB_PERSON_ID_IMPORT"),
            4 => import("T_WC_TMDB_TV_SERIE_ID_IMPORT"),
            14..=16 => {
                let (table, pk) = kind.table();
                let mut columns = stored_columns.to_vec();
                columns[0] = pk;
                (table, columns, stored_rows(ids.iter().copied()))
            }
            31 => credits("T_WC_TMDB_PERSON_MOVIE", &ids, None, Some(KNOWN_MOVIE)),
            32 => credits("T_WC_TMDB_PERSON_MOVIE", &ids, Some(KNOWN_PERSON), None),
            33 => credits("T_WC_TMDB_PERSON_SERIE", &ids, Some(KNOWN_PERSON), None),
            _ => unreachable!("not seeded: {number}"),
        };
        insert_rows(conn, table, &columns, rows).await;
    }
    // The movie and person the credits name beside the missing ids: stored and exported.
    for (kind, id, import) in [
        (EntityKind::Movie, KNOWN_MOVIE, "T_WC_TMDB_MOVIE_ID_IMPORT"),
        (
            EntityKind::Person,
            KNOWN_PERSON,
            "T_WC_TMDB_PERSON_ID_IMPORT",
        ),
    ] {
        let (table, pk) = kind.table();
        let mut columns = stored_columns.to_vec();
        columns[0] = pk;
        insert_rows(conn, table, &columns, stored_rows(std::iter::once(id))).await;
        insert_rows(conn, import, &["id"], vec![vec![id.into()]]).await;
    }
    expected
}

/// Credit rows naming each of `ids` as the person (when `person` is None) or as the title.
fn credits(
    table: &'static str,
    ids: &[i64],
    person: Option<i64>,
    title: Option<i64>,
) -> (&'static str, Vec<&'static str>, Vec<Vec<Value>>) {
    let title_column = if table.ends_with("MOVIE") {
        "ID_MOVIE"
    } else {
        "ID_SERIE"
    };
    let rows = ids
        .iter()
        .map(|&id| vec![person.unwrap_or(id).into(), title.unwrap_or(id).into()])
        .collect();
    (table, vec!["ID_PERSON", title_column], rows)
}

fn process_kind(number: u16) -> EntityKind {
    tmdb_crawler::process::id_process(number)
        .map(|(kind, _)| kind)
        .expect("an id process")
}

/// The actors of a run, with recording fetchers; the changes poller is never asked.
async fn coordinator(
    conn: &DatabaseConnection,
    asked: &Asked,
    max_in_flight: usize,
    page: u64,
) -> Addr<Coordinator> {
    let writer = DbWriter::connect(conn.clone(), TZ)
        .await
        .expect("writer")
        .start();
    let exports = ExportDownloader::new("http://127.0.0.1:9", writer.clone(), false).start();
    let limiter = RateLimiter::new(RateLimit::for_rate(
        10.try_into().expect("rate"),
        1.try_into().expect("cap"),
    ))
    .start();
    let client = TmdbClient::new(
        ClientSettings::new(
            "http://127.0.0.1:9".to_owned(),
            Auth::ApiKey(Secret::from("unused")),
            1,
        ),
        limiter,
    );
    let changes = ChangesPoller::new(client, conn.clone(), writer.clone(), TZ).start();
    let fetchers: HashMap<EntityKind, Recipient<Fetch>> = EntityKind::ALL
        .into_iter()
        .map(|kind| {
            let fetcher = RecordingFetcher {
                kind,
                asked: asked.clone(),
            };
            (kind, fetcher.start().recipient())
        })
        .collect();
    let settings = RunSettings {
        timezone: TZ,
        max_in_flight,
        include_adult: false,
        refresh_after_days: 30,
        refresh_max_per_run: 5_000,
        languages: vec!["fr".to_owned()],
        stall_timeout: Duration::from_secs(30),
        selection_page: page,
    };
    let workers = EntityWorkers { fetchers, changes };
    Coordinator::new(
        conn.clone(),
        writer,
        exports,
        Some(workers),
        settings,
        StopSignal::default(),
    )
    .start()
}

#[actix_rt::test]
async fn every_combination_ends_and_fetches_each_selected_id_once_on_sqlite() {
    let Some(db) = TestDb::create(Backend::Sqlite, "pipeline_sizes").await else {
        return;
    };
    if let Ok(filter) = std::env::var("TMDB_CRAWLER_LOG") {
        let _ = tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::new(filter))
            .with_writer(std::io::stderr)
            .try_init();
    }
    let conn = db.connect().await;
    {
        use sea_orm_migration::MigratorTrait;
        migration::Migrator::up(&conn, None)
            .await
            .expect("migrate up");
    }
    let started = Instant::now();
    let mut runs = 0;
    for rotation in 0..SIZES.len() {
        let sizes: Vec<u64> = (0..PROCESSES.len())
            .map(|j| SIZES[(j + rotation) % SIZES.len()])
            .collect();
        // Every size at every place; every slot and page setting over the sizes, all of them
        // over the first rotation.
        let settings: &[(usize, u64)] = &[(1, 500), (2, 500), (20, 500), (20, 97), (2, 1_000)];
        let chosen: Vec<(usize, u64)> = match rotation {
            0 => settings.to_vec(),
            r => vec![settings[r % settings.len()]],
        };
        for (max_in_flight, page) in chosen {
            let expected = seed(&conn, &sizes).await;
            let asked: Asked = Rc::default();
            let coordinator = coordinator(&conn, &asked, max_in_flight, page).await;
            let what = format!("sizes {sizes:?}, max_in_flight {max_in_flight}, page {page}");
            let report = tokio::time::timeout(
                Duration::from_secs(60),
                coordinator.send(RunProcesses {
                    processes: PROCESSES.to_vec(),
                    export_date: None,
                    force: false,
                    limit: None,
                }),
            )
            .await
            .unwrap_or_else(|_| panic!("the pipeline did not end: {what}"))
            .expect("coordinator answered")
            .unwrap_or_else(|e| panic!("{what}: {e}"));
            for (p, &size) in report.processes.iter().zip(&sizes) {
                let ProcessOutcome::Entities(r) = &p.outcome else {
                    panic!("{what}: process {} reported {:?}", p.number, p.outcome);
                };
                assert_eq!(
                    (r.selected, r.stored),
                    (size, size),
                    "{what}: process {}",
                    p.number
                );
                assert!(!r.interrupted, "{what}: process {}", p.number);
            }
            let mut got: BTreeMap<EntityKind, Vec<u64>> = BTreeMap::new();
            for (kind, id) in asked.borrow().iter() {
                got.entry(*kind).or_default().push(*id);
            }
            for ids in got.values_mut() {
                ids.sort_unstable();
            }
            let mut want = expected;
            want.retain(|_, ids| !ids.is_empty());
            for ids in want.values_mut() {
                ids.sort_unstable();
            }
            assert_eq!(got, want, "{what}: ids fetched (each exactly once)");
            runs += 1;
        }
    }
    eprintln!("{runs} pipelines in {:?}", started.elapsed());
}
