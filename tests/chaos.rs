//! Chaos: the crawler survives failures with nothing lost. The real binary against the fake
//! TMDb server, on SQLite always and on MariaDB when `TMDB_CRAWLER_TEST_MYSQL_URL` is set.
//!
//! 1. 10 % of the API requests fail (500, 502, reset connection, truncated or incomplete body,
//!    slow answer) during `run --process 41-47,2,3`: every live movie and person of the export
//!    is stored, exit 0 (SQLite, MariaDB);
//! 2. the server allows half the client's rate, with and without `Retry-After`: every entity
//!    stored, exit 0 (SQLite);
//! 3. MariaDB unreachable for 20 s in the middle of process 2 (a TCP proxy in front of the
//!    server drops every connection and refuses new ones): the run waits, reconnects and ends
//!    like an uninterrupted run, without duplicates, exit 0 (MariaDB; the real server is never
//!    stopped: other tests use it);
//! 4. SIGKILL at 5 random points of a default-scope run (seeded; `CHAOS_SEED=n` replays one),
//!    restarted each time, then a final run: the database equals an uninterrupted run's
//!    (SQLite, MariaDB);
//! 5. a corrupt export, a missing export and a malformed changes page in one run: the previous
//!    imports are kept, the changes cursor does not move, a clear error, exit 1, and the other
//!    processes ran (SQLite);
//! 6. real driver errors are classified: a killed MariaDB session and a terminated PostgreSQL
//!    backend are transient, a refused statement is permanent.

mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::fs::File;
use std::net::{Shutdown, SocketAddr, TcpListener, TcpStream};
use std::process::{Child, ExitStatus, Stdio};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use chrono::{Days, NaiveDate};
use fake_tmdb::{
    Catalogue, CatalogueSizes, ExportFault, ExportKind, FakeTmdb, FakeTmdbConfig, FaultKind, Kind,
};
use sea_orm::{ConnectionTrait, DatabaseConnection, Statement};
use support::binary::{command, describe, run, run_ok, tail};
use support::crawler_ok;
use support::db::{Backend, MYSQL_ENV, TestDb};
use support::rows::quoted;
use tmdb_crawler::records::EntityKind;
use tmdb_crawler::store::{retry, server_vars};

/// The crawler's default time zone (the tests do not set one).
const TZ: chrono_tz::Tz = chrono_tz::Europe::Paris;
const RUN_LOCK: &str = "strtmdbcrawlerrunlock";
/// The warning the retry helper logs once per database outage.
const OUTAGE_WARNING: &str = "database unavailable: waiting for it and retrying";

// ---------------------------------------------------------------- running the binary

/// The database, the fake TMDb (API and exports), the client's rate and concurrency.
fn crawler_env(fake: &FakeTmdb, db_url: &str, rate: u32, in_flight: u32) -> Vec<(String, String)> {
    [
        ("TMDB_CRAWLER_DATABASE_URL", db_url.to_owned()),
        ("TMDB_CRAWLER_API_BASE_URL", fake.base_url.clone()),
        ("TMDB_CRAWLER_API_KEY", fake.api_key.clone()),
        ("TMDB_CRAWLER_EXPORTS_BASE_URL", fake.exports_base_url()),
        ("TMDB_CRAWLER_RATE_LIMIT_PER_SECOND", rate.to_string()),
        ("TMDB_CRAWLER_MAX_IN_FLIGHT", in_flight.to_string()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect()
}

fn with_var(mut env: Vec<(String, String)>, key: &str, value: &str) -> Vec<(String, String)> {
    env.retain(|(k, _)| k != key);
    env.push((key.to_owned(), value.to_owned()));
    env
}

/// A crawler started in the background; its output goes to files (a full pipe would block it).
struct Running {
    child: Child,
    dir: tempfile::TempDir,
    started: Instant,
    /// When the exit was first seen.
    ended: Option<Instant>,
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
        Running {
            child,
            dir,
            started: Instant::now(),
            ended: None,
        }
    }

    fn pid(&self) -> u32 {
        self.child.id()
    }

    /// The exit status, or `None` if still running after `limit`; `others` are polled
    /// meanwhile so that their end time is known.
    fn wait_watching(
        &mut self,
        limit: Duration,
        others: &mut [&mut Running],
    ) -> Option<ExitStatus> {
        let deadline = Instant::now() + limit;
        loop {
            for other in others.iter_mut() {
                other.poll();
            }
            if let Some(status) = self.poll() {
                return Some(status);
            }
            if Instant::now() >= deadline {
                return None;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }

    fn wait_for(&mut self, limit: Duration) -> Option<ExitStatus> {
        self.wait_watching(limit, &mut [])
    }

    fn poll(&mut self) -> Option<ExitStatus> {
        let status = self.child.try_wait().expect("poll the crawler")?;
        self.ended.get_or_insert_with(Instant::now);
        Some(status)
    }

    fn finished(&mut self) -> bool {
        self.poll().is_some()
    }

    /// How long it ran (up to now when its end was not seen yet).
    fn took(&self) -> Duration {
        self.ended.unwrap_or_else(Instant::now) - self.started
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

    /// Waits for the end (at most `limit`) and asserts exit 0.
    fn expect_success(&mut self, limit: Duration, what: &str) {
        let status = self
            .wait_for(limit)
            .unwrap_or_else(|| panic!("{what}: still running after {limit:?}\n{}", self.logs()));
        assert!(status.success(), "{what}: {status}\n{}", self.logs());
    }
}

/// Sleeps for `d`, noticing the end of `running` meanwhile.
fn sleep_watching(d: Duration, running: &mut Running) {
    let until = Instant::now() + d;
    while Instant::now() < until {
        running.poll();
        std::thread::sleep(Duration::from_millis(10));
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

async fn count(db: &TestDb, conn: &DatabaseConnection, table: &str) -> i64 {
    scalar(
        db,
        conn,
        format!("SELECT COUNT(*) FROM {}", quoted(db.backend, table)),
    )
    .await
}

/// The first column (an INT) of every row of `sql`.
async fn int_set(db: &TestDb, conn: &DatabaseConnection, sql: String) -> BTreeSet<u64> {
    conn.query_all_raw(Statement::from_string(db.db_backend(), sql.clone()))
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"))
        .iter()
        .map(|r| {
            r.try_get_by_index::<Option<i32>>(0)
                .expect("int column")
                .map_or(0, |v| v as u64)
        })
        .collect()
}

/// Ids of the live (`DELETED = 0`) rows of a kind's table.
async fn stored_ids(db: &TestDb, conn: &DatabaseConnection, kind: EntityKind) -> BTreeSet<u64> {
    let (table, pk) = kind.table();
    let q = |n| quoted(db.backend, n);
    int_set(
        db,
        conn,
        format!(
            "SELECT {} FROM {} WHERE {} = 0",
            q(pk),
            q(table),
            q("DELETED")
        ),
    )
    .await
}

async fn var(conn: &DatabaseConnection, name: &str) -> String {
    server_vars::get(conn, name)
        .await
        .expect("read a server variable")
        .unwrap_or_default()
}

/// Ids of the export that the API serves (deleted ones answer 34 and are not stored).
fn live_exported(fake: &FakeTmdb, kind: Kind) -> BTreeSet<u64> {
    let cat = fake.catalogue();
    cat.export_ids(kind)
        .into_iter()
        .filter(|&id| cat.exists(kind, id))
        .collect()
}

/// Only what the fake answered status 34 for reaches the not-found ledger: no live id of these
/// kinds is held there.
async fn assert_ledger_holds_no_live_id(
    db: &TestDb,
    conn: &DatabaseConnection,
    cat: &Catalogue,
    kinds: &[(EntityKind, Kind)],
) {
    let q = |n| quoted(db.backend, n);
    for &(entity, kind) in kinds {
        let held = int_set(
            db,
            conn,
            format!(
                "SELECT {} FROM {} WHERE {} = '{}'",
                q("ID_ENTITY"),
                q("T_WC_TMDB_ID_NOT_FOUND"),
                q("ENTITY_TYPE"),
                entity.ledger_name()
            ),
        )
        .await;
        let live: Vec<&u64> = held.iter().filter(|id| cat.exists(kind, **id)).collect();
        assert!(
            live.is_empty(),
            "live {entity} ids in the not-found ledger: {live:?}"
        );
    }
}

/// Stored ids of `entity` equal the live ids of the `kind` export.
async fn assert_all_stored(
    db: &TestDb,
    conn: &DatabaseConnection,
    fake: &FakeTmdb,
    entity: EntityKind,
    kind: Kind,
    what: &str,
) -> usize {
    let stored = stored_ids(db, conn, entity).await;
    let live = live_exported(fake, kind);
    let missing: Vec<&u64> = live.difference(&stored).collect();
    let extra: Vec<&u64> = stored.difference(&live).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "{what}: {entity} ids differ from the export's live ids on {:?}: missing {missing:?}, \
         extra {extra:?}",
        db.backend
    );
    stored.len()
}

/// Table → its compared columns and rows (sorted; repeats kept).
type Snapshot = BTreeMap<String, (Vec<String>, Vec<Vec<Option<String>>>)>;

/// Timestamps, creation dates and surrogate keys (the schema's auto-increment columns) differ
/// between two equal crawls.
fn compared(table: &str, column: &str) -> bool {
    let surrogate = migration::reference_table(table).is_some_and(|t| {
        t.columns
            .iter()
            .any(|c| c.auto_increment && c.name == column)
    });
    !(surrogate
        || column.starts_with("TIM_")
        || column == "DAT_CREAT"
        || column == "ID_ROW"
        || column == "ID_MOVIE_TITLE"
        || column.starts_with("ID_TMDB_"))
}

/// The tables whose name passes `keep`, as text (compared columns only, rows sorted).
async fn snapshot(db: &TestDb, keep: impl Fn(&str) -> bool) -> Snapshot {
    let conn = db.connect().await;
    let text = match db.backend {
        Backend::MySql => "CHAR",
        _ => "TEXT",
    };
    let mut out = Snapshot::new();
    for table in db.table_names().await {
        if !keep(&table) {
            continue;
        }
        let columns: Vec<String> = db
            .column_names(&table)
            .await
            .into_iter()
            .filter(|c| compared(&table, c))
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
    conn.close().await.ok();
    out
}

/// Every `T_WC_TMDB_*` table: entities, their child rows, the imports and the ledger.
async fn tmdb_tables(db: &TestDb) -> Snapshot {
    snapshot(db, |t| t.starts_with("T_WC_TMDB_")).await
}

/// The Python crawler's logical key of the tables where a duplicate would show.
const LOGICAL_KEYS: [(&str, &[&str]); 22] = [
    ("T_WC_TMDB_MOVIE", &["ID_MOVIE"]),
    ("T_WC_TMDB_PERSON", &["ID_PERSON"]),
    ("T_WC_TMDB_SERIE", &["ID_SERIE"]),
    ("T_WC_TMDB_COLLECTION", &["ID_COLLECTION"]),
    ("T_WC_TMDB_COMPANY", &["ID_COMPANY"]),
    ("T_WC_TMDB_NETWORK", &["ID_NETWORK"]),
    ("T_WC_TMDB_MOVIE_ID_IMPORT", &["id"]),
    ("T_WC_TMDB_PERSON_ID_IMPORT", &["id"]),
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
    ("T_WC_TMDB_PERSON_SERIE", &["ID_CREDIT"]),
    (
        "T_WC_TMDB_PERSON_IMAGE",
        &["ID_PERSON", "TYPE_IMAGE", "IMAGE_PATH"],
    ),
    ("T_WC_TMDB_SERIE_GENRE", &["ID_SERIE", "ID_GENRE"]),
    ("T_WC_TMDB_SERIE_NETWORK", &["ID_SERIE", "ID_NETWORK"]),
    ("T_WC_TMDB_ID_NOT_FOUND", &["ENTITY_TYPE", "ID_ENTITY"]),
];

/// No logical key twice, in the tables of `snapshot` (at least one checked).
fn assert_no_duplicates(snapshot: &Snapshot, what: &str) {
    let mut checked = 0;
    for (table, key) in LOGICAL_KEYS {
        let Some((columns, rows)) = snapshot.get(table) else {
            continue;
        };
        checked += 1;
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
    assert!(checked > 0, "{what}: no table checked for duplicates");
}

fn assert_same(got: &Snapshot, want: &Snapshot, what: &str) {
    assert_eq!(
        got.keys().collect::<Vec<_>>(),
        want.keys().collect::<Vec<_>>(),
        "{what}: tables"
    );
    let mut differ = Vec::new();
    for (table, (columns, rows)) in want {
        let (got_columns, got_rows) = &got[table];
        assert_eq!(got_columns, columns, "{what}: columns of {table}");
        if got_rows != rows {
            let missing: Vec<_> = rows.iter().filter(|r| !got_rows.contains(r)).collect();
            let extra: Vec<_> = got_rows.iter().filter(|r| !rows.contains(r)).collect();
            differ.push(format!(
                "{table}: {} rows, {} expected\n  columns {columns:?}\n  missing {:?}\n  extra {:?}",
                got_rows.len(),
                rows.len(),
                &missing[..missing.len().min(5)],
                &extra[..extra.len().min(5)]
            ));
        }
    }
    assert!(
        differ.is_empty(),
        "{what}: {} tables differ\n{}",
        differ.len(),
        differ.join("\n")
    );
}

/// Rows in the entity tables, to tell an empty snapshot from a real comparison.
fn entity_rows(snapshot: &Snapshot) -> usize {
    [
        "T_WC_TMDB_MOVIE",
        "T_WC_TMDB_PERSON",
        "T_WC_TMDB_PERSON_MOVIE",
    ]
    .iter()
    .map(|t| snapshot.get(*t).map_or(0, |(_, rows)| rows.len()))
    .sum()
}

// ---------------------------------------------------------------- a TCP proxy for MariaDB

/// A TCP proxy on 127.0.0.1 in front of the database server. [`DbProxy::cut`] drops every open
/// connection and refuses new ones (its port is closed) for a while; the server itself never
/// notices anything but clients going away.
struct DbProxy {
    addr: SocketAddr,
    state: Arc<ProxyState>,
    thread: Option<JoinHandle<()>>,
}

struct ProxyState {
    target: String,
    /// Open connections (both sides), to shut down on a cut.
    open: Mutex<Vec<TcpStream>>,
    down_until: Mutex<Option<Instant>>,
    stop: AtomicBool,
    accepted: AtomicU64,
}

impl ProxyState {
    fn is_down(&self) -> bool {
        self.down_until
            .lock()
            .expect("proxy lock")
            .is_some_and(|until| Instant::now() < until)
    }
}

impl DbProxy {
    fn start(target: String) -> DbProxy {
        let listener = TcpListener::bind("127.0.0.1:0").expect("bind the proxy");
        let addr = listener.local_addr().expect("proxy address");
        let state = Arc::new(ProxyState {
            target,
            open: Mutex::new(Vec::new()),
            down_until: Mutex::new(None),
            stop: AtomicBool::new(false),
            accepted: AtomicU64::new(0),
        });
        let shared = state.clone();
        let thread = std::thread::Builder::new()
            .name("db-proxy".into())
            .spawn(move || accept_loop(Some(listener), addr, &shared))
            .expect("spawn the proxy thread");
        DbProxy {
            addr,
            state,
            thread: Some(thread),
        }
    }

    /// Drops every open connection now and refuses connections for `outage`.
    fn cut(&self, outage: Duration) {
        let mut open = self.state.open.lock().expect("proxy lock");
        *self.state.down_until.lock().expect("proxy lock") = Some(Instant::now() + outage);
        for stream in open.drain(..) {
            let _ = stream.shutdown(Shutdown::Both);
        }
    }

    fn accepted(&self) -> u64 {
        self.state.accepted.load(Ordering::SeqCst)
    }
}

impl Drop for DbProxy {
    fn drop(&mut self) {
        self.state.stop.store(true, Ordering::SeqCst);
        for stream in self.state.open.lock().expect("proxy lock").drain(..) {
            let _ = stream.shutdown(Shutdown::Both);
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

fn accept_loop(mut listener: Option<TcpListener>, addr: SocketAddr, state: &ProxyState) {
    if let Some(l) = &listener {
        l.set_nonblocking(true).expect("non-blocking listener");
    }
    while !state.stop.load(Ordering::SeqCst) {
        if state.is_down() {
            // Closing the port: connection attempts are refused, as with a server that is down.
            listener = None;
            std::thread::sleep(Duration::from_millis(10));
            continue;
        }
        let Some(l) = &listener else {
            // Back up on the same port (SO_REUSEADDR is set by std on Unix).
            match TcpListener::bind(addr) {
                Ok(l) => {
                    l.set_nonblocking(true).expect("non-blocking listener");
                    listener = Some(l);
                }
                Err(_) => std::thread::sleep(Duration::from_millis(20)),
            }
            continue;
        };
        match l.accept() {
            Ok((client, _)) => {
                let _ = client.set_nonblocking(false);
                let Ok(server) = TcpStream::connect(&state.target) else {
                    continue;
                };
                let mut open = state.open.lock().expect("proxy lock");
                if state.is_down() {
                    continue;
                }
                let (Ok(c2), Ok(s2), Ok(c3), Ok(s3)) = (
                    client.try_clone(),
                    server.try_clone(),
                    client.try_clone(),
                    server.try_clone(),
                ) else {
                    continue;
                };
                open.push(c3);
                open.push(s3);
                state.accepted.fetch_add(1, Ordering::SeqCst);
                pump(client, server);
                pump(s2, c2);
            }
            Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                std::thread::sleep(Duration::from_millis(5));
            }
            Err(_) => std::thread::sleep(Duration::from_millis(5)),
        }
    }
}

/// Copies `from` → `to` on a thread; either side failing closes both.
fn pump(mut from: TcpStream, mut to: TcpStream) {
    std::thread::spawn(move || {
        let _ = std::io::copy(&mut from, &mut to);
        let _ = from.shutdown(Shutdown::Both);
        let _ = to.shutdown(Shutdown::Both);
    });
}

/// `mysql://user@host:port/db?q` → (`mysql://user@`, `host:port`, `/db?q`).
fn split_authority(url: &str) -> (String, String, String) {
    let scheme_end = url.find("://").map_or(0, |i| i + 3);
    let rest = &url[scheme_end..];
    let end = rest.find(['/', '?']).unwrap_or(rest.len());
    let authority = &rest[..end];
    let (user, host) = match authority.rfind('@') {
        Some(at) => (&authority[..=at], &authority[at + 1..]),
        None => ("", authority),
    };
    let host = if host.contains(':') {
        host.to_owned()
    } else {
        format!("{host}:3306")
    };
    (
        format!("{}{user}", &url[..scheme_end]),
        host,
        rest[end..].to_owned(),
    )
}

// ---------------------------------------------------------------- an API proxy

/// An HTTP proxy in front of the fake TMDb that answers every `/changes` page with truncated
/// JSON and forwards everything else.
struct ApiProxy {
    base_url: String,
    handle: Option<(actix_web::dev::ServerHandle, actix_rt::System)>,
    thread: Option<JoinHandle<()>>,
}

async fn forward(
    req: actix_web::HttpRequest,
    upstream: actix_web::web::Data<String>,
) -> actix_web::HttpResponse {
    use actix_web::http::header;
    if req.path().ends_with("/changes") {
        return actix_web::HttpResponse::Ok()
            .content_type("application/json;charset=utf-8")
            .body(r#"{"results":[{"id":1,"adult":fa"#);
    }
    let path = req
        .uri()
        .path_and_query()
        .map_or(req.path(), |p| p.as_str());
    let mut request = awc::Client::default().get(format!("{}{path}", upstream.get_ref()));
    if let Some(auth) = req.headers().get(header::AUTHORIZATION) {
        request = request.insert_header((header::AUTHORIZATION, auth.clone()));
    }
    let Ok(mut answer) = request.send().await else {
        return actix_web::HttpResponse::BadGateway().finish();
    };
    let Ok(body) = answer.body().limit(256 << 20).await else {
        return actix_web::HttpResponse::BadGateway().finish();
    };
    let mut out = actix_web::HttpResponse::build(answer.status());
    for name in [header::CONTENT_TYPE, header::RETRY_AFTER] {
        if let Some(value) = answer.headers().get(&name) {
            out.insert_header((name, value.clone()));
        }
    }
    out.body(body)
}

impl ApiProxy {
    fn start(upstream: String) -> ApiProxy {
        let (tx, rx) = std::sync::mpsc::channel();
        let thread = std::thread::spawn(move || {
            let system = actix_rt::System::new();
            let _ = system.block_on(async move {
                let data = actix_web::web::Data::new(upstream);
                let server = actix_web::HttpServer::new(move || {
                    actix_web::App::new()
                        .app_data(data.clone())
                        .default_service(actix_web::web::to(forward))
                })
                .workers(1)
                .disable_signals()
                .shutdown_timeout(1)
                .bind(("127.0.0.1", 0))
                .expect("bind the API proxy");
                let port = server.addrs()[0].port();
                let running = server.run();
                let _ = tx.send((port, running.handle(), actix_rt::System::current()));
                running.await
            });
        });
        let (port, handle, system) = rx.recv().expect("the API proxy started");
        ApiProxy {
            base_url: format!("http://127.0.0.1:{port}"),
            handle: Some((handle, system)),
            thread: Some(thread),
        }
    }
}

impl Drop for ApiProxy {
    fn drop(&mut self) {
        if let Some((handle, system)) = self.handle.take() {
            system.arbiter().spawn(async move {
                handle.stop(false).await;
            });
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

// ---------------------------------------------------------------- a seeded generator

/// splitmix64: enough for reproducible kill points.
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `low..high`.
    fn between(&mut self, low: u64, high: u64) -> u64 {
        low + self.next() % (high - low)
    }
}

fn chaos_seed() -> u64 {
    std::env::var("CHAOS_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos() as u64)
                .unwrap_or(1)
        })
}

// ---------------------------------------------------------------- 1. API faults

/// 30 movies, 75 persons (+ missing ones), the rest small: about 110 entity requests.
fn fault_sizes() -> CatalogueSizes {
    CatalogueSizes {
        series: 2,
        seasons_per_series: 1,
        episodes_per_season: 1,
        ..CatalogueSizes::scaled(0.5)
    }
}

async fn api_faults(backend: Backend) {
    let Some(db) = TestDb::create(backend, "chaos_faults").await else {
        return;
    };
    crawler_ok(&db.url, &["migrate", "up"]);
    let fake = FakeTmdb::start(FakeTmdbConfig {
        sizes: fault_sizes(),
        ..FakeTmdbConfig::default()
    });
    fake.knobs.set_fault_kinds(&FaultKind::ALL);
    fake.knobs.set_fault_rate(0.10);
    fake.knobs.set_slow_duration(Duration::from_millis(1500));
    let started = Instant::now();
    let out = run(
        &crawler_env(&fake, &db.url, 200, 8),
        &["run", "--process", "41-47,2,3"],
    );
    let took = started.elapsed();
    assert_eq!(
        out.status.code(),
        Some(0),
        "with 10 % faults on {backend:?}: {}",
        describe(&out)
    );
    let conn = db.connect().await;
    let movies =
        assert_all_stored(&db, &conn, &fake, EntityKind::Movie, Kind::Movie, "faults").await;
    let persons = assert_all_stored(
        &db,
        &conn,
        &fake,
        EntityKind::Person,
        Kind::Person,
        "faults",
    )
    .await;
    // The faults happened: more requests than entities (every faulty one was retried).
    let cat = fake.catalogue();
    let asked = (cat.export_ids(Kind::Movie).len() + cat.export_ids(Kind::Person).len()) as u64;
    let requests = fake.requests_to("/3/movie/") + fake.requests_to("/3/person/");
    assert!(
        requests >= asked + asked / 12,
        "{requests} requests for {asked} entities: the faults were not injected"
    );
    let snap = snapshot(&db, |t| {
        t.starts_with("T_WC_TMDB_MOVIE") || t.starts_with("T_WC_TMDB_PERSON")
    })
    .await;
    assert_no_duplicates(&snap, "10 % faults");
    // Only what the fake answered status 34 for reaches the not-found ledger: never an id
    // whose 404 was a proxy's page or empty.
    assert_ledger_holds_no_live_id(
        &db,
        &conn,
        cat,
        &[
            (EntityKind::Movie, Kind::Movie),
            (EntityKind::Person, Kind::Person),
        ],
    )
    .await;
    eprintln!(
        "{backend:?}: {movies} movies, {persons} persons stored with 10 % faults \
         ({requests} requests) in {took:?}"
    );
}

#[tokio::test]
async fn ten_percent_api_faults_lose_nothing_on_sqlite() {
    api_faults(Backend::Sqlite).await;
}

#[tokio::test]
#[cfg_attr(
    not(tmdbc_test_mysql),
    ignore = "needs TMDB_CRAWLER_TEST_MYSQL_URL (a MariaDB server)"
)]
async fn ten_percent_api_faults_lose_nothing_on_mariadb() {
    api_faults(Backend::MySql).await;
}

/// The network faults of a TMDb behind a CDN, all at once, in a default-scope run: stalled
/// bodies (cut by `request_timeout`, 2 s here), HTML and empty 404s, a person export whose
/// first download stalls, and company/network endpoints that ignore `append_to_response`. The
/// run ends with exit 0; every live entity of every kind is stored (company and network logos
/// included), the not-found ledger holds no live id, and nothing live was deleted.
#[tokio::test]
#[cfg_attr(
    not(tmdbc_test_mysql),
    ignore = "needs TMDB_CRAWLER_TEST_MYSQL_URL (a MariaDB server)"
)]
async fn network_faults_in_a_default_scope_run_lose_nothing_on_mariadb() {
    let Some(db) = TestDb::create(Backend::MySql, "chaos_network").await else {
        return;
    };
    crawler_ok(&db.url, &["migrate", "up"]);
    let fake = FakeTmdb::start(FakeTmdbConfig {
        sizes: fault_sizes(),
        ..FakeTmdbConfig::default()
    });
    fake.knobs.set_fault_kinds(&[
        FaultKind::StalledBody,
        FaultKind::ProxyNotFound,
        FaultKind::EmptyNotFound,
    ]);
    fake.knobs.set_fault_rate(0.04);
    fake.knobs.set_company_appends_ignored(true);
    fake.knobs
        .set_export_fault(ExportKind::Person, Some(ExportFault::StalledOnce));
    let env = with_var(
        crawler_env(&fake, &db.url, 200, 8),
        "TMDB_CRAWLER_REQUEST_TIMEOUT",
        "2",
    );
    let started = Instant::now();
    let out = run(&env, &["run"]);
    let took = started.elapsed();
    assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(fake.requests_to("/p/exports/person_ids"), 2, "{stdout}");
    let conn = db.connect().await;
    let mut stored = Vec::new();
    for (entity, kind) in [
        (EntityKind::Movie, Kind::Movie),
        (EntityKind::Series, Kind::Tv),
        (EntityKind::Collection, Kind::Collection),
        (EntityKind::Company, Kind::Company),
        (EntityKind::Network, Kind::Network),
    ] {
        stored.push(assert_all_stored(&db, &conn, &fake, entity, kind, "network faults").await);
    }
    // Persons: every live exported one, and the missing ones credits name (31).
    let persons = stored_ids(&db, &conn, EntityKind::Person).await;
    let absent: Vec<u64> = live_exported(&fake, Kind::Person)
        .difference(&persons)
        .copied()
        .collect();
    assert!(absent.is_empty(), "live persons not stored: {absent:?}");
    let cat = fake.catalogue();
    assert_ledger_holds_no_live_id(
        &db,
        &conn,
        cat,
        &[
            (EntityKind::Movie, Kind::Movie),
            (EntityKind::Person, Kind::Person),
            (EntityKind::Series, Kind::Tv),
            (EntityKind::Company, Kind::Company),
            (EntityKind::Network, Kind::Network),
        ],
    )
    .await;
    // Every logo of every live company and network, though their append was ignored.
    for (kind, table) in [
        (Kind::Company, "T_WC_TMDB_COMPANY_IMAGE"),
        (Kind::Network, "T_WC_TMDB_NETWORK_IMAGE"),
    ] {
        let logos: usize = live_exported(&fake, kind)
            .into_iter()
            .map(|id| {
                let i = cat.raw_index(kind, id).expect("a live id");
                let json = match kind {
                    Kind::Company => cat.company_json(i, &["images"]),
                    _ => cat.network_json(i, &["images"]),
                };
                json["images"]["logos"].as_array().map_or(0, Vec::len)
            })
            .sum();
        let rows = count(&db, &conn, table).await as usize;
        assert!(logos > 0, "the catalogue has no {kind:?} logo to check");
        assert_eq!(
            rows, logos,
            "{table}: rows for the logos of every live {kind:?}"
        );
    }
    assert!(
        stdout.contains("extra image requests"),
        "the summary does not count the image requests: {stdout}"
    );
    let faults = fake.requests_to("/3/") as usize;
    eprintln!(
        "network faults: {stored:?} movies/series/collections/companies/networks and          {} persons stored, {faults} API requests, in {took:?}",
        persons.len()
    );
}

// ---------------------------------------------------------------- 2. rate limit

async fn half_the_rate(retry_after: bool) {
    let db = TestDb::create(Backend::Sqlite, "chaos_rate")
        .await
        .expect("sqlite");
    crawler_ok(&db.url, &["migrate", "up"]);
    let fake = FakeTmdb::start(FakeTmdbConfig {
        sizes: fault_sizes(),
        ..FakeTmdbConfig::default()
    });
    fake.knobs.set_rate_limit(Some(20), retry_after);
    let started = Instant::now();
    let out = run(
        &crawler_env(&fake, &db.url, 40, 20),
        &["run", "--process", "41-47,2,3"],
    );
    let took = started.elapsed();
    assert_eq!(
        out.status.code(),
        Some(0),
        "server at half the client's rate (Retry-After: {retry_after}): {}",
        describe(&out)
    );
    let conn = db.connect().await;
    assert_all_stored(&db, &conn, &fake, EntityKind::Movie, Kind::Movie, "rate").await;
    assert_all_stored(&db, &conn, &fake, EntityKind::Person, Kind::Person, "rate").await;
    // The limit was hit: some requests were answered 429 and asked again.
    let cat = fake.catalogue();
    let asked = (cat.export_ids(Kind::Movie).len() + cat.export_ids(Kind::Person).len()) as u64;
    let requests = fake.requests_to("/3/movie/") + fake.requests_to("/3/person/");
    assert!(
        requests > asked,
        "{requests} requests for {asked} entities: the rate limit was never hit"
    );
    eprintln!(
        "rate 40 against 20/s (Retry-After: {retry_after}): {requests} requests for {asked} \
         entities in {took:?}"
    );
}

#[tokio::test]
async fn half_the_rate_with_retry_after_loses_nothing_on_sqlite() {
    half_the_rate(true).await;
}

#[tokio::test]
async fn half_the_rate_without_retry_after_loses_nothing_on_sqlite() {
    half_the_rate(false).await;
}

// ---------------------------------------------------------------- 3. database outage

/// 60 movies at 300 ms each, two at a time: process 2 takes about 9 s undisturbed.
fn outage_sizes() -> CatalogueSizes {
    CatalogueSizes {
        movies: 60,
        series: 1,
        seasons_per_series: 1,
        episodes_per_season: 1,
        persons: 20,
        collections: 1,
        companies: 2,
        networks: 1,
        keywords: 4,
        lists: 1,
    }
}

#[tokio::test]
#[cfg_attr(
    not(tmdbc_test_mysql),
    ignore = "needs TMDB_CRAWLER_TEST_MYSQL_URL (a MariaDB server)"
)]
async fn mariadb_unreachable_for_20s_mid_run_loses_nothing() {
    let server_url = std::env::var(MYSQL_ENV)
        .unwrap_or_else(|_| panic!("{MYSQL_ENV} is not set (the outage test needs MariaDB)"));
    let Some(reference) = TestDb::create(Backend::MySql, "chaos_calm").await else {
        return;
    };
    let Some(db) = TestDb::create(Backend::MySql, "chaos_outage").await else {
        return;
    };
    crawler_ok(&reference.url, &["migrate", "up"]);
    crawler_ok(&db.url, &["migrate", "up"]);
    let (_, target, _) = split_authority(&server_url);
    let proxy = DbProxy::start(target);
    let (prefix, _, path) = split_authority(&db.url);
    let proxied_url = format!("{prefix}{}{path}", proxy.addr);

    let fake = FakeTmdb::start(FakeTmdbConfig {
        sizes: outage_sizes(),
        ..FakeTmdbConfig::default()
    });
    fake.knobs.set_latency(Duration::from_millis(300));
    let movies = live_exported(&fake, Kind::Movie);
    let args = ["run", "--process", "41-47,2"];
    // The uninterrupted run goes on at the same time, straight to the server.
    let mut calm = Running::spawn(&crawler_env(&fake, &reference.url, 500, 2), &args);
    let mut cut = Running::spawn(&crawler_env(&fake, &proxied_url, 500, 2), &args);

    let conn = db.connect().await;
    let deadline = Instant::now() + Duration::from_secs(60);
    while count(&db, &conn, "T_WC_TMDB_MOVIE").await < 5 {
        assert!(!cut.finished(), "the run ended early:\n{}", cut.logs());
        assert!(
            Instant::now() < deadline,
            "no movie stored:\n{}",
            cut.logs()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    let outage = Duration::from_secs(20);
    proxy.cut(outage);
    let cut_at = Instant::now();
    // What was in flight may still commit; then nothing can be written.
    sleep_watching(Duration::from_secs(2), &mut calm);
    let at_cut = count(&db, &conn, "T_WC_TMDB_MOVIE").await;
    assert!(
        (at_cut as usize) < movies.len(),
        "process 2 was over before the cut ({at_cut} movies)"
    );
    sleep_watching(outage - Duration::from_secs(3), &mut calm);
    let before_end = count(&db, &conn, "T_WC_TMDB_MOVIE").await;
    assert_eq!(
        before_end, at_cut,
        "movies were stored while the database was unreachable"
    );
    assert!(
        !cut.finished(),
        "the run gave up during the outage:\n{}",
        cut.logs()
    );
    let accepted_before = proxy.accepted();

    cut.wait_watching(Duration::from_secs(120), &mut [&mut calm]);
    cut.expect_success(Duration::ZERO, "the run cut off its database");
    let after_cut = cut_at.elapsed();
    calm.expect_success(Duration::from_secs(60), "the uninterrupted run");
    assert!(
        proxy.accepted() > accepted_before,
        "the crawler never reconnected through the proxy"
    );
    let stderr = cut.output("stderr");
    let warnings = stderr.matches(OUTAGE_WARNING).count();
    assert_eq!(
        warnings,
        1,
        "one warning per outage expected\n{}",
        cut.logs()
    );
    assert!(
        stderr.contains("database available again"),
        "the end of the outage is not logged\n{}",
        cut.logs()
    );
    assert!(
        stderr.contains("the run lock is held again after the outage"),
        "the run went on without taking its lock again\n{}",
        cut.logs()
    );
    assert!(
        !stderr.contains("mysql://"),
        "a database URL appears in the logs"
    );

    // Every live movie stored once, exactly as without the outage.
    let stored =
        assert_all_stored(&db, &conn, &fake, EntityKind::Movie, Kind::Movie, "outage").await;
    let keep = |t: &str| t.starts_with("T_WC_TMDB_MOVIE") || t == "T_WC_TMDB_PERSON_MOVIE";
    let want = snapshot(&reference, keep).await;
    let got = snapshot(&db, keep).await;
    assert_no_duplicates(&want, "uninterrupted run");
    assert_no_duplicates(&got, "run with a 20 s outage");
    assert_same(&got, &want, "run with a 20 s outage");
    assert!(entity_rows(&got) > 0);
    eprintln!(
        "outage: cut at {at_cut} of {stored} movies; the run took {:?} ({after_cut:?} after \
         the cut), {:?} without the outage",
        cut.took(),
        calm.took()
    );
}

/// A run of `41-47,2` against MariaDB through a [`DbProxy`], once it has stored 5 movies.
struct ProxiedRun {
    db: TestDb,
    conn: DatabaseConnection,
    proxy: DbProxy,
    fake: FakeTmdb,
    run: Running,
}

const PROXIED_ARGS: [&str; 3] = ["run", "--process", "41-47,2"];

async fn proxied_run_under_way(tag: &str, env: &[(&str, &str)]) -> Option<ProxiedRun> {
    let server_url = std::env::var(MYSQL_ENV)
        .unwrap_or_else(|_| panic!("{MYSQL_ENV} is not set (the outage test needs MariaDB)"));
    let db = TestDb::create(Backend::MySql, tag).await?;
    crawler_ok(&db.url, &["migrate", "up"]);
    let (_, target, _) = split_authority(&server_url);
    let proxy = DbProxy::start(target);
    let (prefix, _, path) = split_authority(&db.url);
    let proxied_url = format!("{prefix}{}{path}", proxy.addr);
    let fake = FakeTmdb::start(FakeTmdbConfig {
        sizes: outage_sizes(),
        ..FakeTmdbConfig::default()
    });
    fake.knobs.set_latency(Duration::from_millis(300));
    let mut crawler_vars = crawler_env(&fake, &proxied_url, 500, 2);
    for (key, value) in env {
        crawler_vars = with_var(crawler_vars, key, value);
    }
    let mut run = Running::spawn(&crawler_vars, &PROXIED_ARGS);
    let conn = db.connect().await;
    let deadline = Instant::now() + Duration::from_secs(60);
    while count(&db, &conn, "T_WC_TMDB_MOVIE").await < 5 {
        assert!(!run.finished(), "the run ended early:\n{}", run.logs());
        assert!(
            Instant::now() < deadline,
            "no movie stored:\n{}",
            run.logs()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
    Some(ProxiedRun {
        db,
        conn,
        proxy,
        fake,
        run,
    })
}

/// An outage longer than `database_retry_budget` (4 s here): the run stops with exit code 3,
/// the database's code, saying the database was unavailable; the lock is freed with the
/// connection, so the next run (once the database is back) goes on and stores every movie.
#[tokio::test]
#[cfg_attr(
    not(tmdbc_test_mysql),
    ignore = "needs TMDB_CRAWLER_TEST_MYSQL_URL (a MariaDB server)"
)]
async fn mariadb_unreachable_beyond_the_retry_budget_exits_3() {
    let budget = [("TMDB_CRAWLER_DATABASE_RETRY_BUDGET", "4")];
    let Some(ProxiedRun {
        db,
        conn,
        proxy,
        fake,
        run: mut cut,
    }) = proxied_run_under_way("chaos_long_outage", &budget).await
    else {
        return;
    };
    let args = PROXIED_ARGS;
    proxy.cut(Duration::from_secs(3600));
    let cut_at = Instant::now();
    // The budget, then the pool's 10 s connection timeout for what was in flight and for the
    // last variables.
    let status = cut
        .wait_for(Duration::from_secs(35))
        .unwrap_or_else(|| panic!("the run outlived its retry budget by 31 s\n{}", cut.logs()));
    eprintln!(
        "the run stopped {:?} after the database went away (retry budget 4 s)",
        cut_at.elapsed()
    );
    if std::env::var("SHOW_TIMELINE").is_ok() {
        eprintln!("{}", cut.output("stderr"));
    }
    let stderr = cut.output("stderr");
    assert_eq!(status.code(), Some(3), "{}", cut.logs());
    assert!(
        stderr.contains("error: ")
            && (stderr.contains("unavailable") || stderr.contains("unreachable")),
        "the failure does not say the database was unavailable\n{}",
        cut.logs()
    );
    // Back: the lock died with the connection, and the next run completes the work.
    let after = Running::spawn(&crawler_env(&fake, &db.url, 500, 2), &args);
    let mut after = after;
    after.expect_success(Duration::from_secs(60), "the run after the outage");
    assert_all_stored(
        &db,
        &conn,
        &fake,
        EntityKind::Movie,
        Kind::Movie,
        "after the outage",
    )
    .await;
}

/// During an outage another process takes the database's lock (the server freed the run's with
/// its cut session): when the database is back, the run finds the lock held, stops and exits 3.
#[tokio::test]
#[cfg_attr(
    not(tmdbc_test_mysql),
    ignore = "needs TMDB_CRAWLER_TEST_MYSQL_URL (a MariaDB server)"
)]
async fn a_lock_taken_elsewhere_during_an_outage_stops_the_run_with_3() {
    use migration::database_lock::{DatabaseLock, LockTarget, Taken};
    // The fake TMDb must outlive the run: bound, not dropped.
    let Some(ProxiedRun {
        db,
        proxy,
        fake: _fake,
        run: mut cut,
        ..
    }) = proxied_run_under_way("chaos_lock_taken", &[]).await
    else {
        return;
    };
    proxy.cut(Duration::from_secs(10));
    let target = LockTarget::of_url(&db.url);
    let deadline = Instant::now() + Duration::from_secs(8);
    let other = loop {
        match DatabaseLock::take(&target, "another crawler").await {
            Ok(Taken::Now(lock)) => break lock,
            _ => {
                assert!(
                    Instant::now() < deadline,
                    "the server kept the cut run's lock"
                );
                std::thread::sleep(Duration::from_millis(200));
            }
        }
    };
    let status = cut
        .wait_for(Duration::from_secs(60))
        .unwrap_or_else(|| panic!("the run went on without its lock\n{}", cut.logs()));
    assert_eq!(status.code(), Some(3), "{}", cut.logs());
    assert!(
        cut.output("stderr").contains("run lock was lost"),
        "{}",
        cut.logs()
    );
    other.release().await;
}

// ---------------------------------------------------------------- 4. SIGKILL at random points

/// About 150 entity requests at 100 ms, two at a time: a default run takes 8-10 s.
fn kill_sizes() -> CatalogueSizes {
    CatalogueSizes {
        movies: 48,
        series: 3,
        seasons_per_series: 1,
        episodes_per_season: 2,
        persons: 60,
        collections: 3,
        companies: 5,
        networks: 2,
        keywords: 8,
        lists: 1,
    }
}

async fn sigkill_five_times(backend: Backend) {
    let Some(reference) = TestDb::create(backend, "chaos_whole").await else {
        return;
    };
    let Some(db) = TestDb::create(backend, "chaos_killed").await else {
        return;
    };
    crawler_ok(&reference.url, &["migrate", "up"]);
    crawler_ok(&db.url, &["migrate", "up"]);
    let fake = FakeTmdb::start(FakeTmdbConfig {
        sizes: kill_sizes(),
        ..FakeTmdbConfig::default()
    });
    fake.knobs.set_latency(Duration::from_millis(100));
    let seed = chaos_seed();
    eprintln!("{backend:?}: SIGKILL points from seed {seed} (CHAOS_SEED={seed} replays them)");
    let mut rng = SplitMix(seed);

    let mut whole = Running::spawn(&crawler_env(&fake, &reference.url, 500, 2), &["run"]);
    let env = crawler_env(&fake, &db.url, 500, 2);
    let conn = db.connect().await;
    // Five points on the timeline of the work, within its first 5.5 s (a whole run takes about
    // 8 s): each restart is killed that long after its start, so every kill lands in a running
    // crawler, wherever it is (starting, importing, fetching, writing).
    let mut points: Vec<u64> = (0..5).map(|_| rng.between(0, 5_500)).collect();
    points.sort_unstable();
    let mut previous = 0;
    let mut killed: Vec<(Running, Duration, bool)> = Vec::new();
    for (i, point) in points.into_iter().enumerate() {
        let at = Duration::from_millis((point - previous).max(150));
        previous = point;
        let mut crawler = Running::spawn(&env, &["run"]);
        if let Some(status) = crawler.wait_watching(at, &mut [&mut whole]) {
            panic!(
                "run {i} ended ({status}) before its kill point {at:?} (seed {seed})\n{}",
                crawler.logs()
            );
        }
        crawler.sigkill();
        let held = var(&conn, RUN_LOCK)
            .await
            .contains(&format!(" pid {} ", crawler.pid()));
        let movies = count(&db, &conn, "T_WC_TMDB_MOVIE").await;
        eprintln!("{backend:?}: kill {i} at {at:?}: lock held {held}, {movies} movies stored");
        killed.push((crawler, at, held));
    }
    let mut last = Running::spawn(&env, &["run"]);
    last.wait_watching(Duration::from_secs(90), &mut [&mut whole]);
    last.expect_success(Duration::ZERO, "the final run");
    whole.expect_success(Duration::from_secs(90), "the uninterrupted run");

    // Each lock a killed run held was taken over by the next run.
    for (i, (_, at, held)) in killed.iter().enumerate() {
        if !held {
            continue;
        }
        let next = match killed.get(i + 1) {
            Some((crawler, _, _)) => crawler.output("stderr"),
            None => last.output("stderr"),
        };
        assert!(
            next.contains("taking over the run lock"),
            "the lock of run {i} (killed at {at:?}) was not taken over (seed {seed})\n{next}"
        );
    }
    assert!(
        killed.iter().any(|(_, _, held)| *held),
        "no kill landed while the lock was held (seed {seed})"
    );
    assert_eq!(var(&conn, RUN_LOCK).await, "", "the lock was not released");

    let want = tmdb_tables(&reference).await;
    let got = tmdb_tables(&db).await;
    assert_no_duplicates(&want, "uninterrupted run");
    assert_no_duplicates(&got, "killed 5 times");
    assert_same(
        &got,
        &want,
        &format!("killed 5 times on {backend:?} (seed {seed})"),
    );
    assert!(entity_rows(&got) > 0);
    let conn_ref = reference.connect().await;
    assert_all_stored(
        &reference,
        &conn_ref,
        &fake,
        EntityKind::Movie,
        Kind::Movie,
        "whole",
    )
    .await;
    eprintln!(
        "{backend:?}: uninterrupted default run {:?}; killed at {:?} then a final run of {:?}: \
         the same rows",
        whole.took(),
        killed.iter().map(|(_, at, _)| *at).collect::<Vec<_>>(),
        last.took()
    );
}

#[tokio::test]
async fn sigkill_at_5_random_points_then_a_final_run_matches_uninterrupted_on_sqlite() {
    sigkill_five_times(Backend::Sqlite).await;
}

#[tokio::test]
#[cfg_attr(
    not(tmdbc_test_mysql),
    ignore = "needs TMDB_CRAWLER_TEST_MYSQL_URL (a MariaDB server)"
)]
async fn sigkill_at_5_random_points_then_a_final_run_matches_uninterrupted_on_mariadb() {
    sigkill_five_times(Backend::MySql).await;
}

// ---------------------------------------------------------------- 5. broken inputs

#[tokio::test]
async fn broken_exports_and_changes_page_keep_yesterday_and_exit_1_on_sqlite() {
    let db = TestDb::create(Backend::Sqlite, "chaos_inputs")
        .await
        .expect("sqlite");
    crawler_ok(&db.url, &["migrate", "up"]);
    let fake = FakeTmdb::start(FakeTmdbConfig {
        sizes: fault_sizes(),
        ..FakeTmdbConfig::default()
    });
    let conn = db.connect().await;
    let today = support::first_open_day(TZ);
    let day = |n: u64| today.checked_sub_days(Days::new(n)).expect("date");
    let (previous, current) = (day(2), day(1));
    let ymd = |d: NaiveDate| d.format("%Y-%m-%d").to_string();

    // The previous import, with a few more movie and person lines than today's files would
    // have, so that a replaced table would show.
    let cat = fake.catalogue().clone();
    let long = |kind| cat.export_ids(kind).len() as u64 + 5;
    fake.knobs
        .set_export_size(ExportKind::Movie, Some(long(Kind::Movie)));
    fake.knobs
        .set_export_size(ExportKind::Person, Some(long(Kind::Person)));
    let env = crawler_env(&fake, &db.url, 500, 8);
    run_ok(
        &env,
        &["run", "--process", "41-47", "--export-date", &ymd(previous)],
    );
    let imports = |t: &str| t == "T_WC_TMDB_MOVIE_ID_IMPORT" || t == "T_WC_TMDB_PERSON_ID_IMPORT";
    let before = snapshot(&db, imports).await;
    assert_eq!(
        before["T_WC_TMDB_MOVIE_ID_IMPORT"].1.len() as u64,
        long(Kind::Movie)
    );
    fake.knobs.set_export_size(ExportKind::Movie, None);
    fake.knobs.set_export_size(ExportKind::Person, None);

    // Today: the movie file is corrupt, the person file missing, every changes page malformed.
    fake.knobs
        .set_export_fault(ExportKind::Movie, Some(ExportFault::CorruptGzip));
    fake.knobs
        .set_export_fault(ExportKind::Person, Some(ExportFault::Missing));
    let cursor = "strtmdbcrawlerchangesmoviedate";
    let cursor_day = ymd(day(4));
    server_vars::set(&conn, TZ, cursor, &cursor_day, "seeded by the test")
        .await
        .expect("seed the changes cursor");
    let proxy = ApiProxy::start(fake.base_url.clone());
    let env = with_var(env, "TMDB_CRAWLER_API_BASE_URL", &proxy.base_url);
    let out = run(
        &env,
        &[
            "run",
            "--process",
            "41-47,2,51",
            "--export-date",
            &ymd(current),
        ],
    );
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(1), "{}", describe(&out));

    // A clear error for each broken input.
    for (line, why) in [
        ("41 importmovieids: FAILED", "the corrupt movie export"),
        ("42 importpersonids: FAILED", "the missing person export"),
        ("51 changesmovie: FAILED", "the malformed changes page"),
    ] {
        assert!(
            stdout.contains(line),
            "{why} is not reported: {}",
            describe(&out)
        );
    }
    assert!(
        stderr.contains("export not imported; the previous import is kept"),
        "{}",
        describe(&out)
    );
    assert!(
        stderr.contains("3 process(es) failed: 41, 42, 51"),
        "the failed processes are not named: {}",
        describe(&out)
    );

    // Yesterday's imports are kept, the broken days are not recorded, the cursor stays.
    let after = snapshot(&db, imports).await;
    assert_same(&after, &before, "import tables after broken exports");
    for kind in ["movie", "person"] {
        assert_eq!(
            var(&conn, &format!("strtmdbcrawlertmdbid{kind}exportdate")).await,
            ymd(previous),
            "the {kind} export day moved"
        );
    }
    assert_eq!(
        var(&conn, "strtmdbcrawlertmdbidimportdate").await,
        ymd(previous),
        "the global import day moved past incomplete imports"
    );
    assert_eq!(
        var(&conn, cursor).await,
        cursor_day,
        "the changes cursor moved"
    );

    // The other processes ran: the sound exports were imported, process 2 stored the movies
    // of the kept import (the extra lines are ids TMDb answers 34 for).
    for kind in [
        "collection",
        "tv_series",
        "keyword",
        "tv_network",
        "production_company",
    ] {
        assert_eq!(
            var(&conn, &format!("strtmdbcrawlertmdbid{kind}exportdate")).await,
            ymd(current),
            "the {kind} export was not imported"
        );
    }
    assert!(stdout.contains(" 2 newmovies:"), "{}", describe(&out));
    assert_all_stored(
        &db,
        &conn,
        &fake,
        EntityKind::Movie,
        Kind::Movie,
        "broken inputs",
    )
    .await;
}

// ---------------------------------------------------------------- 6. real driver errors

/// A killed session is a transient error (the outage path); refused statements are not.
async fn driver_errors(backend: Backend, kill: &str) {
    let Some(db) = TestDb::create(backend, "chaos_errors").await else {
        return;
    };
    let conn = db.connect().await;
    let err = conn
        .execute_unprepared(kill)
        .await
        .expect_err("the session is killed");
    assert!(
        retry::is_transient(&err),
        "a killed session is not transient on {backend:?}: {err:?}"
    );
    eprintln!("{backend:?}: a killed session answers {err}");
    let err = conn
        .execute_unprepared("SELEC 1")
        .await
        .expect_err("a syntax error");
    assert!(!retry::is_transient(&err), "{backend:?}: {err:?}");
    conn.execute_unprepared("CREATE TABLE t_chaos (id INT PRIMARY KEY)")
        .await
        .expect("create a table");
    conn.execute_unprepared("INSERT INTO t_chaos VALUES (1)")
        .await
        .expect("insert");
    let err = conn
        .execute_unprepared("INSERT INTO t_chaos VALUES (1)")
        .await
        .expect_err("a duplicate key");
    assert!(!retry::is_transient(&err), "{backend:?}: {err:?}");
    let err = conn
        .execute_unprepared("SELECT * FROM t_missing")
        .await
        .expect_err("a missing table");
    assert!(!retry::is_transient(&err), "{backend:?}: {err:?}");
    conn.close().await.ok();
}

#[tokio::test]
#[cfg_attr(
    not(tmdbc_test_mysql),
    ignore = "needs TMDB_CRAWLER_TEST_MYSQL_URL (a MariaDB server)"
)]
async fn real_connection_losses_are_transient_and_refused_statements_permanent_on_mariadb() {
    driver_errors(Backend::MySql, "KILL CONNECTION_ID()").await;
}

#[tokio::test]
#[cfg_attr(
    not(tmdbc_test_postgres),
    ignore = "needs TMDB_CRAWLER_TEST_POSTGRES_URL (a PostgreSQL server)"
)]
async fn real_connection_losses_are_transient_and_refused_statements_permanent_on_postgres() {
    driver_errors(
        Backend::Postgres,
        "SELECT pg_terminate_backend(pg_backend_pid())",
    )
    .await;
}
