//! The id pipeline over many sizes: the real Coordinator on a migrated SQLite database whose
//! selections return chosen numbers of ids, with fetchers that answer a few scheduler turns
//! later and record when each fetch began and ended. Every combination must end, and every
//! selected id must be fetched exactly once, whatever the sizes (around the page size and far
//! beyond it), `max_in_flight` and the page size. Beside that, the README's "Order and
//! overlap" rules:
//! - an id two processes select (new in the export and named by credits) is fetched once, by
//!   the earlier process;
//! - 31-33 select only after the earlier processes whose rows they read have completed: the
//!   fetchers write credit rows for the last ids of 2 and 4 and for the persons those rows
//!   name, which 31-33 can only find by selecting after those writes;
//! - persons are fetched only after the earlier movie and series processes have completed,
//!   and the other way round.

mod support;

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::rc::Rc;
use std::time::{Duration, Instant};

use actix::prelude::*;
use sea_orm::sea_query::{Alias, Query, SimpleExpr};
use sea_orm::{ConnectionTrait, DatabaseConnection, Value};
use support::db::{Backend, TestDb};
use tmdb_crawler::actors::catalogs::ProviderCatalogs;
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
/// A person, a movie and a series (one id, three kinds) two processes select: new in the
/// export (3, 2, 4) and named by credits (31, 32, 33).
const SHARED: i64 = 9_100_000;
/// The last `WRITERS` ids of 2 and 4 write a credit row naming person `id + NAMED`; each person
/// so named (fetched by 31) writes credit rows naming movie and series `id + NAMED`.
const NAMED: i64 = 10_000_000;
const WRITERS: u64 = 3;

/// A fetch's beginning or end, in the order the fetchers saw them.
#[derive(Debug, Clone, Copy)]
struct Event {
    process: u16,
    kind: EntityKind,
    id: u64,
    begins: bool,
}

type Log = Rc<RefCell<Vec<Event>>>;

/// A fetcher that stores no entity, writes the credit rows of [`credits_written`] and answers
/// "stored" a few scheduler turns later, so that fetches overlap as real ones do.
struct RecordingFetcher {
    kind: EntityKind,
    log: Log,
    conn: DatabaseConnection,
    /// The movies and series whose fetch writes a credit row.
    writers: Rc<HashSet<(EntityKind, u64)>>,
}

impl Actor for RecordingFetcher {
    type Context = Context<Self>;
}

impl Handler<Fetch> for RecordingFetcher {
    type Result = ResponseFuture<FetchOutcome>;

    fn handle(&mut self, msg: Fetch, _ctx: &mut Self::Context) -> Self::Result {
        let process = msg
            .context
            .strip_prefix("process ")
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("a fetch of the pipeline names its process: {msg:?}"));
        let (kind, id) = (self.kind, msg.id);
        let event = move |begins| Event {
            process,
            kind,
            id,
            begins,
        };
        self.log.borrow_mut().push(event(true));
        let writes = credits_written(kind, id as i64, self.writers.contains(&(kind, id)));
        let (log, conn) = (self.log.clone(), self.conn.clone());
        Box::pin(async move {
            tokio::task::yield_now().await;
            for (table, person, title) in writes {
                let (table, mut columns, mut rows) = credits(table, &[title], Some(person), None);
                columns.push("TIM_UPDATED");
                rows[0].push(chrono::Utc::now().with_timezone(&TZ).naive_local().into());
                insert_rows(&conn, table, &columns, rows).await;
            }
            tokio::task::yield_now().await;
            log.borrow_mut().push(event(false));
            FetchOutcome::Stored(StoredEntity::default())
        })
    }
}

/// The credit rows `(table, person, title)` the fetch of `id` writes, as a real fetch writes
/// its entity's credits (see [`NAMED`]); `writer`: one of the last ids of 2 and 4.
fn credits_written(kind: EntityKind, id: i64, writer: bool) -> Vec<(&'static str, i64, i64)> {
    match kind {
        EntityKind::Movie if writer => vec![("T_WC_TMDB_PERSON_MOVIE", id + NAMED, id)],
        EntityKind::Series if writer => vec![("T_WC_TMDB_PERSON_SERIE", id + NAMED, id)],
        EntityKind::Person if id >= NAMED => vec![
            ("T_WC_TMDB_PERSON_MOVIE", id, id + NAMED),
            ("T_WC_TMDB_PERSON_SERIE", id, id + NAMED),
        ],
        _ => Vec::new(),
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

/// What a seeded pipeline must do.
struct Expected {
    /// The ids each kind must be asked for, each once.
    ids: BTreeMap<EntityKind, Vec<u64>>,
    /// How many ids each process must select (and store).
    selected: BTreeMap<u16, u64>,
    /// The movies and series whose fetch writes a credit row (the last `WRITERS` of 2 and 4).
    writers: HashSet<(EntityKind, u64)>,
}

impl Expected {
    fn add(&mut self, number: u16, id: i64) {
        let kind = process_kind(number);
        self.ids.entry(kind).or_default().push(id as u64);
        *self.selected.entry(number).or_default() += 1;
    }
}

/// Fills the tables so that process `PROCESSES[j]` selects `sizes[j]` ids, plus the
/// [`SHARED`] ids and the ids the fetches name ([`NAMED`]); says what the pipeline must do.
async fn seed(conn: &DatabaseConnection, sizes: &[u64]) -> Expected {
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
    let mut expected = Expected {
        ids: BTreeMap::new(),
        selected: PROCESSES.iter().map(|&n| (n, 0)).collect(),
        writers: HashSet::new(),
    };
    for (&number, &size) in PROCESSES.iter().zip(sizes) {
        let ids: Vec<i64> = (0..size as i64).map(|i| id_base(number) + i).collect();
        let kind = process_kind(number);
        for &id in &ids {
            expected.add(number, id);
        }
        // The last movies of 2 and series of 4 name a person in the credit rows they write,
        // which names a movie and a series in turn: 31, then 32 and 33 select them.
        if matches!(number, 2 | 4) {
            for &id in ids.iter().rev().take(WRITERS as usize) {
                expected.writers.insert((kind, id as u64));
                expected.add(31, id + NAMED);
                expected.add(32, id + 2 * NAMED);
                expected.add(33, id + 2 * NAMED);
            }
        }
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
    // SHARED: new in the export (3, 2, 4) and named by credits (31, 32, 33); fetched by the
    // earlier process only (the fetchers store nothing, so the later one selects it too).
    for (number, import, (table, columns, rows)) in [
        (
            3,
            "T_WC_TMDB_PERSON_ID_IMPORT",
            credits("T_WC_TMDB_PERSON_MOVIE", &[SHARED], None, Some(KNOWN_MOVIE)),
        ),
        (
            2,
            "T_WC_TMDB_MOVIE_ID_IMPORT",
            credits(
                "T_WC_TMDB_PERSON_MOVIE",
                &[SHARED],
                Some(KNOWN_PERSON),
                None,
            ),
        ),
        (
            4,
            "T_WC_TMDB_TV_SERIE_ID_IMPORT",
            credits(
                "T_WC_TMDB_PERSON_SERIE",
                &[SHARED],
                Some(KNOWN_PERSON),
                None,
            ),
        ),
    ] {
        insert_rows(conn, import, &["id"], vec![vec![SHARED.into()]]).await;
        insert_rows(conn, table, &columns, rows).await;
        expected.add(number, SHARED);
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
    log: &Log,
    writers: HashSet<(EntityKind, u64)>,
    max_in_flight: usize,
    page: u64,
) -> Addr<Coordinator> {
    let writers = Rc::new(writers);
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
    let catalogs = ProviderCatalogs::new(client.clone(), writer.clone()).start();
    let changes = ChangesPoller::new(client, conn.clone(), writer.clone(), TZ).start();
    let fetchers: HashMap<EntityKind, Recipient<Fetch>> = EntityKind::ALL
        .into_iter()
        .map(|kind| {
            let fetcher = RecordingFetcher {
                kind,
                log: log.clone(),
                conn: conn.clone(),
                writers: writers.clone(),
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
        backfill_max_per_run: 5_000,
        languages: vec!["fr".to_owned()],
        stall_timeout: Duration::from_secs(30),
        selection_page: page,
    };
    let workers = EntityWorkers {
        fetchers,
        backfills: HashMap::new(),
        changes,
        catalogs,
    };
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

/// Which process fetched the ids two processes select: [`SHARED`] by 3, 2 and 4 (new in the
/// export) and not again by 31-33 (named by credits); the ids the fetches named ([`NAMED`]),
/// all of them, by 31-33, which find them only by selecting after those writes.
fn assert_fetched_by(log: &[Event], expected: &BTreeMap<EntityKind, Vec<u64>>, what: &str) {
    use EntityKind::{Movie, Person, Series};
    for (kind, first) in [(Person, 3), (Movie, 2), (Series, 4)] {
        let by: Vec<u16> = log
            .iter()
            .filter(|e| e.begins && e.kind == kind && e.id == SHARED as u64)
            .map(|e| e.process)
            .collect();
        assert_eq!(
            by,
            [first],
            "{what}: {kind:?} {SHARED}, selected by {first} and by a credit process, is \
             fetched once per run, by {first}"
        );
    }
    let by = |kind| match kind {
        Person => 31,
        Movie => 32,
        _ => 33,
    };
    let named = |id: &u64| *id >= NAMED as u64;
    let mut want: Vec<(u16, EntityKind, u64)> = expected
        .iter()
        .flat_map(|(&kind, ids)| {
            ids.iter()
                .filter(|id| named(id))
                .map(move |&id| (by(kind), kind, id))
        })
        .collect();
    let mut got: Vec<(u16, EntityKind, u64)> = log
        .iter()
        .filter(|e| e.begins && named(&e.id))
        .map(|e| (e.process, e.kind, e.id))
        .collect();
    want.sort_unstable();
    got.sort_unstable();
    assert_eq!(
        got, want,
        "{what}: (process, kind, id) of the ids named by credit rows written in this run: \
         31-33 select only after the earlier processes whose rows they read have completed"
    );
}

/// The README's order of the processes, from the fetchers' log: for processes `a` before `b`,
/// every fetch of `a` has ended before the first fetch of `b` begins when
/// - persons and movies or series: both write the credit rows;
/// - `b` is one of 31-33 and reads the rows `a` writes (credits: persons, movies, series; the
///   person, movie or series table it looks for missing ids in).
fn assert_order(log: &[Event], what: &str) {
    use EntityKind::{Movie, Person, Series};
    let mut first_begin: HashMap<u16, usize> = HashMap::new();
    let mut last_end: HashMap<u16, usize> = HashMap::new();
    let mut open: HashMap<(u16, u64), usize> = HashMap::new();
    for (at, e) in log.iter().enumerate() {
        if e.begins {
            first_begin.entry(e.process).or_insert(at);
            *open.entry((e.process, e.id)).or_default() += 1;
        } else {
            last_end.insert(e.process, at);
            *open.get_mut(&(e.process, e.id)).expect("began") -= 1;
        }
    }
    assert!(open.values().all(|n| *n == 0), "{what}: every fetch ended");
    let credit_side = |k: EntityKind| match k {
        Person => Some(true),
        Movie | Series => Some(false),
        _ => None,
    };
    let reads_rows_of = |n: u16| -> &'static [EntityKind] {
        match n {
            31 => &[Movie, Series, Person],
            32 => &[Movie, Person],
            33 => &[Series, Person],
            _ => &[],
        }
    };
    let mut checked = 0;
    for (i, &a) in PROCESSES.iter().enumerate() {
        for &b in &PROCESSES[i + 1..] {
            let (ka, kb) = (process_kind(a), process_kind(b));
            let sides = credit_side(ka)
                .zip(credit_side(kb))
                .is_some_and(|(x, y)| x != y);
            let why = if sides {
                "persons are fetched only after the earlier movie and series processes have \
                 completed, and the other way round"
            } else if reads_rows_of(b).contains(&ka) {
                "31-33 select only after the earlier processes whose rows they read have \
                 completed"
            } else {
                continue;
            };
            if let (Some(&end), Some(&begin)) = (last_end.get(&a), first_begin.get(&b)) {
                assert!(
                    end < begin,
                    "{what}: a fetch of process {b} began (event {begin}) before the last of \
                     process {a} ended (event {end}): {why}"
                );
                checked += 1;
            }
        }
    }
    // Every combination has fetches on both sides: the SHARED ids of 2, 3 and 4 at least.
    assert!(checked > 0, "{what}: no pair of processes to order");
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
            let log: Log = Rc::default();
            let coordinator = coordinator(&conn, &log, expected.writers, max_in_flight, page).await;
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
            let log = log.borrow();
            assert_fetched_by(&log, &expected.ids, &what);
            assert_order(&log, &what);
            let mut got: BTreeMap<EntityKind, Vec<u64>> = BTreeMap::new();
            for e in log.iter().filter(|e| e.begins) {
                got.entry(e.kind).or_default().push(e.id);
            }
            for ids in got.values_mut() {
                ids.sort_unstable();
            }
            let mut want = expected.ids.clone();
            want.retain(|_, ids| !ids.is_empty());
            for ids in want.values_mut() {
                ids.sort_unstable();
            }
            assert_eq!(got, want, "{what}: ids fetched (each exactly once)");
            for p in &report.processes {
                let ProcessOutcome::Entities(r) = &p.outcome else {
                    panic!("{what}: process {} reported {:?}", p.number, p.outcome);
                };
                let want = expected.selected[&p.number];
                assert_eq!(
                    (r.selected, r.stored),
                    (want, want),
                    "{what}: process {}",
                    p.number
                );
                assert!(!r.interrupted, "{what}: process {}", p.number);
            }
            let numbers: Vec<u16> = report.processes.iter().map(|p| p.number).collect();
            assert_eq!(numbers, PROCESSES, "{what}");
            runs += 1;
        }
    }
    eprintln!("{runs} pipelines in {:?}", started.elapsed());
}
