//! Benchmark: the daily ID export import (processes 41-47) against the fake TMDb server.
//!
//! `cargo bench --bench export_import` — prints figures, asserts nothing. The seven export
//! files are sized like TMDb's (movie 1.2 M lines, person 4.74 M, production_company 250 k,
//! tv_series 223 k, keyword 90 k, collection 9 k, tv_network 5 k) times `TMDB_BENCH_SCALE`
//! (default 1.0; e.g. 0.1 for a quick run). For each backend — SQLite (a temporary file,
//! always), MariaDB when `TMDB_CRAWLER_TEST_MYSQL_URL` is set, PostgreSQL when
//! `TMDB_CRAWLER_TEST_POSTGRES_URL` is set (a database `tmdbc_bench_<pid>` is created on that
//! server and dropped at the end) — it migrates an empty schema, starts the DbWriter and the
//! ExportDownloader as `tmdb-crawler run` does, sends them `DownloadExports` with the
//! coordinator's plan (`overlaps_index_builds`) and prints, per kind, lines, rows, its own seconds (start
//! of its load to its swap), rows/s, and when it was done; then the total wall time and rows/s.
//! `TMDB_BENCH_BACKENDS=sqlite,mysql,postgres` selects backends.
//!
//! Each backend imports the files twice, into a fresh database each time: sorted by id, then in
//! a seeded random order (`TMDB_BENCH_SEED`, default 42) as real files may come (TMDb's are not
//! sorted), and a last table puts the two side by side.
//!
//! `TMDB_BENCH_LOAD_ORDER=by-id|as-filed` overrides the backend's load order (what
//! `LoadOrder::for_backend` picks, as `tmdb-crawler run` does), to compare the two.
//!
//! The export files are written to a temporary directory before anything is timed and the fake
//! server then serves them from disk: in production the download costs the crawler's machine no
//! compression work, so neither does it here.
//!
//! Memory: each backend runs in a process of its own (this benchmark started again with
//! `TMDB_BENCH_CHILD=1`), as the crawler does in production, so its figures are its own. "peak"
//! is that process's VmHWM (cumulative since start) when a kind ended, "max RSS" the highest
//! VmRSS sampled every 100 ms during the backend's imports, and the last table's "peak RSS" the
//! process's VmHWM at its end. The fake server runs in that process (on its own thread), so all
//! include it; it reads the files chunk by chunk, so its share stays small.

#[path = "../tests/support/db.rs"]
mod db;

use db::with_database;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use actix::Actor;
use chrono::NaiveDate;
use fake_tmdb::{ExportOrder, FakeTmdb, FakeTmdbConfig};
use migration::{Migrator, MigratorTrait};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbBackend, Statement};
use tmdb_crawler::actors::export::{
    DownloadExports, ExportDownloader, ExportEvent, overlaps_index_builds,
};
use tmdb_crawler::actors::writer::DbWriter;
use tmdb_crawler::config::{Config, DatabaseUrl};
use tmdb_crawler::store::{
    self,
    imports::{ExportKind, LoadOrder},
};

const MYSQL_ENV: &str = "TMDB_CRAWLER_TEST_MYSQL_URL";
const POSTGRES_ENV: &str = "TMDB_CRAWLER_TEST_POSTGRES_URL";

/// Lines of TMDb's daily exports (2025).
const PRODUCTION_LINES: [(ExportKind, u64); 7] = [
    (ExportKind::Movie, 1_200_000),
    (ExportKind::Person, 4_740_000),
    (ExportKind::ProductionCompany, 250_000),
    (ExportKind::TvSeries, 223_000),
    (ExportKind::Keyword, 90_000),
    (ExportKind::Collection, 9_000),
    (ExportKind::TvNetwork, 5_000),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Backend {
    Sqlite,
    MySql,
    Postgres,
}

impl Backend {
    const ALL: [Backend; 3] = [Backend::Sqlite, Backend::MySql, Backend::Postgres];

    fn key(self) -> &'static str {
        match self {
            Backend::Sqlite => "sqlite",
            Backend::MySql => "mysql",
            Backend::Postgres => "postgres",
        }
    }

    fn label(self) -> &'static str {
        match self {
            Backend::Sqlite => "SQLite",
            Backend::MySql => "MariaDB",
            Backend::Postgres => "PostgreSQL",
        }
    }

    fn env(self) -> Option<&'static str> {
        match self {
            Backend::Sqlite => None,
            Backend::MySql => Some(MYSQL_ENV),
            Backend::Postgres => Some(POSTGRES_ENV),
        }
    }

    fn db_backend(self) -> DbBackend {
        match self {
            Backend::Sqlite => DbBackend::Sqlite,
            Backend::MySql => DbBackend::MySql,
            Backend::Postgres => DbBackend::Postgres,
        }
    }

    fn quote(self, name: &str) -> String {
        match self {
            Backend::MySql => format!("`{name}`"),
            _ => format!("\"{name}\""),
        }
    }
}

fn scale() -> f64 {
    std::env::var("TMDB_BENCH_SCALE")
        .ok()
        .and_then(|s| s.trim().parse::<f64>().ok())
        .filter(|s| s.is_finite() && *s > 0.0)
        .unwrap_or(1.0)
}

/// Backends named in `TMDB_BENCH_BACKENDS` (all when unset).
fn selected(backend: Backend) -> bool {
    match std::env::var("TMDB_BENCH_BACKENDS") {
        Ok(list) if !list.trim().is_empty() => list
            .split(',')
            .any(|b| b.trim().eq_ignore_ascii_case(backend.key())),
        _ => true,
    }
}

/// The fake's name for a crawler export kind.
fn fake_kind(kind: ExportKind) -> fake_tmdb::ExportKind {
    match kind {
        ExportKind::Movie => fake_tmdb::ExportKind::Movie,
        ExportKind::Person => fake_tmdb::ExportKind::Person,
        ExportKind::Collection => fake_tmdb::ExportKind::Collection,
        ExportKind::TvSeries => fake_tmdb::ExportKind::TvSeries,
        ExportKind::Keyword => fake_tmdb::ExportKind::Keyword,
        ExportKind::TvNetwork => fake_tmdb::ExportKind::TvNetwork,
        ExportKind::ProductionCompany => fake_tmdb::ExportKind::ProductionCompany,
    }
}

/// A `/proc/self/status` field in kB.
fn status_kb(field: &str) -> Option<u64> {
    std::fs::read_to_string("/proc/self/status")
        .ok()?
        .lines()
        .find(|l| l.starts_with(field))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

fn mb(kb: Option<u64>) -> f64 {
    kb.map(|kb| kb as f64 / 1024.0).unwrap_or(f64::NAN)
}

/// Samples VmRSS every 100 ms on its own thread and keeps the maximum.
struct RssSampler {
    stop: Arc<AtomicBool>,
    max_kb: Arc<AtomicU64>,
    thread: JoinHandle<()>,
}

impl RssSampler {
    fn start() -> RssSampler {
        let stop = Arc::new(AtomicBool::new(false));
        let max_kb = Arc::new(AtomicU64::new(status_kb("VmRSS:").unwrap_or(0)));
        let thread = {
            let stop = stop.clone();
            let max_kb = max_kb.clone();
            std::thread::Builder::new()
                .name("rss-sampler".into())
                .spawn(move || {
                    while !stop.load(Ordering::Relaxed) {
                        if let Some(kb) = status_kb("VmRSS:") {
                            max_kb.fetch_max(kb, Ordering::Relaxed);
                        }
                        std::thread::sleep(Duration::from_millis(100));
                    }
                })
                .expect("spawn the RSS sampler")
        };
        RssSampler {
            stop,
            max_kb,
            thread,
        }
    }

    /// Stops sampling; the highest VmRSS seen, in kB.
    fn finish(self) -> u64 {
        if let Some(kb) = status_kb("VmRSS:") {
            self.max_kb.fetch_max(kb, Ordering::Relaxed);
        }
        self.stop.store(true, Ordering::Relaxed);
        let _ = self.thread.join();
        self.max_kb.load(Ordering::Relaxed)
    }
}

/// Where one backend's bench database lives, and how to get rid of it.
struct BenchDb {
    backend: Backend,
    url: String,
    name: String,
    server_url: Option<String>,
    _dir: Option<tempfile::TempDir>,
}

async fn admin_execute(server_url: &str, sql: &str) -> Result<(), String> {
    let url = DatabaseUrl::parse(server_url).map_err(|e| e.to_string())?;
    let admin = store::connect(&url, 24).await.map_err(|e| e.to_string())?;
    let result = admin
        .execute_unprepared(sql)
        .await
        .map(|_| ())
        .map_err(|e| e.to_string());
    admin.close().await.ok();
    result
}

impl BenchDb {
    /// `Err(reason)` when the backend is skipped.
    async fn create(backend: Backend) -> Result<BenchDb, String> {
        let name = format!("tmdbc_bench_{}", std::process::id());
        let Some(var) = backend.env() else {
            let dir = tempfile::tempdir().map_err(|e| format!("temporary directory: {e}"))?;
            let path = dir.path().join(format!("{name}.sqlite"));
            return Ok(BenchDb {
                backend,
                url: format!("sqlite://{}?mode=rwc", path.display()),
                name,
                server_url: None,
                _dir: Some(dir),
            });
        };
        let server_url = std::env::var(var).map_err(|_| format!("{var} is not set"))?;
        let drop = backend.drop_sql(&name);
        admin_execute(&server_url, &drop)
            .await
            .map_err(|e| format!("{var} is set but the server refused: {e}"))?;
        let create = match backend {
            Backend::MySql => {
                format!("CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_general_ci")
            }
            _ => format!("CREATE DATABASE \"{name}\""),
        };
        admin_execute(&server_url, &create)
            .await
            .map_err(|e| format!("cannot create database {name}: {e}"))?;
        Ok(BenchDb {
            backend,
            url: with_database(&server_url, &name),
            name,
            server_url: Some(server_url),
            _dir: None,
        })
    }

    async fn drop_database(self) {
        if let Some(server_url) = &self.server_url {
            let sql = self.backend.drop_sql(&self.name);
            match admin_execute(server_url, &sql).await {
                Ok(()) => println!("  dropped database {}", self.name),
                Err(e) => println!("  WARNING: could not drop database {}: {e}", self.name),
            }
        }
    }
}

impl Backend {
    fn drop_sql(self, name: &str) -> String {
        match self {
            Backend::MySql => format!("DROP DATABASE IF EXISTS `{name}`"),
            _ => format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"),
        }
    }
}

async fn count_rows(db: &DatabaseConnection, backend: Backend, table: &str) -> Result<i64, String> {
    let sql = format!("SELECT COUNT(*) AS n FROM {}", backend.quote(table));
    let row = db
        .query_one_raw(Statement::from_string(backend.db_backend(), sql))
        .await
        .map_err(|e| e.to_string())?
        .ok_or_else(|| "COUNT(*) returned no row".to_owned())?;
    row.try_get::<i64>("", "n").map_err(|e| e.to_string())
}

/// The total seconds of one backend's imports, `None` when they failed or were skipped.
async fn bench_backend(
    backend: Backend,
    exports_base_url: &str,
    date: NaiveDate,
    order: &str,
) -> Option<f64> {
    let bench_db = match BenchDb::create(backend).await {
        Ok(d) => d,
        Err(why) => {
            println!("{}: skipped, {why}", backend.label());
            return None;
        }
    };
    println!(
        "{}, {order} files (database {}):",
        backend.label(),
        if backend == Backend::Sqlite {
            "a temporary file"
        } else {
            bench_db.name.as_str()
        }
    );
    let wall = match run_imports(&bench_db, exports_base_url, date).await {
        Ok(wall) => Some(wall),
        Err(e) => {
            println!("  ERROR: {e}");
            None
        }
    };
    bench_db.drop_database().await;
    wall
}

async fn run_imports(
    bench_db: &BenchDb,
    exports_base_url: &str,
    date: NaiveDate,
) -> Result<f64, String> {
    let backend = bench_db.backend;
    let url = DatabaseUrl::parse(&bench_db.url).map_err(|e| e.to_string())?;
    let db = store::connect(&url, 24).await.map_err(|e| e.to_string())?;
    let started = Instant::now();
    Migrator::up(&db, None)
        .await
        .map_err(|e| format!("migrate up: {e}"))?;
    println!("  migrate up: {:.1} s", started.elapsed().as_secs_f64());

    // As `tmdb-crawler run` starts them.
    let config = Config::default();
    let writer = DbWriter::new(db.clone(), config.timezone).start();
    let exports =
        ExportDownloader::new(exports_base_url, writer.clone(), config.include_adult).start();

    println!(
        "  {:<18} {:>9} {:>9} {:>9} {:>11} {:>9} {:>9} {:>11}",
        "kind", "lines", "rows", "own s", "rows/s", "gz MB", "done at s", "peak MB"
    );
    // As the coordinator does it: on MariaDB and PostgreSQL each file's index build overlaps
    // the next file's load; on SQLite one after the other.
    let overlap_index_builds = overlaps_index_builds(backend.db_backend());
    let load_order = load_order(backend.db_backend());
    println!("  load order: {load_order:?}");
    let (events_tx, mut events) = tokio::sync::mpsc::unbounded_channel();
    let (_cancel, cancelled) = tokio::sync::watch::channel(());
    let sampler = RssSampler::start();
    let started = Instant::now();
    let downloads = actix_rt::spawn(exports.send(DownloadExports {
        // Process order (41-47), as `tmdb-crawler run` imports them.
        kinds: ExportKind::ALL.to_vec(),
        date,
        overlap_index_builds,
        load_order,
        events: events_tx,
        heartbeat: tmdb_crawler::watchdog::Heartbeat::default(),
        cancelled,
    }));
    let mut total_rows = 0u64;
    while let Some(event) = events.recv().await {
        let ExportEvent::Finished(kind, result) = event else {
            continue;
        };
        let peak = status_kb("VmHWM:");
        let report = match result {
            Ok(report) => report,
            Err(e) => {
                println!(
                    "  {:<18} FAILED after {:.1} s: {e} | peak {:.1} MB",
                    kind.file_stem(),
                    started.elapsed().as_secs_f64(),
                    mb(peak)
                );
                continue;
            }
        };
        total_rows += report.rows;
        println!(
            "  {:<18} {:>9} {:>9} {:>9.2} {:>11.0} {:>9.1} {:>9.2} {:>11.1}",
            kind.file_stem(),
            report.lines,
            report.rows,
            report.seconds,
            report.rows as f64 / report.seconds.max(f64::MIN_POSITIVE),
            report.compressed_bytes as f64 / (1024.0 * 1024.0),
            started.elapsed().as_secs_f64(),
            mb(peak)
        );
        if report.bad_lines > 0 || report.truncated > 0 {
            println!(
                "  {:<18} note: {} unparsable lines, {} values cut",
                "", report.bad_lines, report.truncated
            );
        }
        match count_rows(&db, backend, kind.table_name()).await {
            Ok(n) if u64::try_from(n).ok() == Some(report.rows) => {}
            Ok(n) => println!(
                "  WARNING: {} holds {n} rows, the import reported {}",
                kind.table_name(),
                report.rows
            ),
            Err(e) => println!("  WARNING: cannot count {}: {e}", kind.table_name()),
        }
    }
    if !matches!(downloads.await, Ok(Ok(()))) {
        return Err("the ExportDownloader did not answer".to_owned());
    }
    let wall = started.elapsed().as_secs_f64();
    let max_rss = sampler.finish();
    println!(
        "  {:<18} {:>9} {:>9} {:>9.2} {:>11.0}   (max RSS {:.1} MB; {})",
        "TOTAL",
        "",
        total_rows,
        wall,
        total_rows as f64 / wall.max(f64::MIN_POSITIVE),
        mb(Some(max_rss)),
        if overlap_index_builds {
            "index builds overlap the next load"
        } else {
            "one file after the other"
        }
    );
    db.close().await.ok();
    Ok(wall)
}

fn seed() -> u64 {
    std::env::var("TMDB_BENCH_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(42)
}

/// Set in the process that benchmarks one backend (a child of the first).
const CHILD_ENV: &str = "TMDB_BENCH_CHILD";
/// The line a child ends with, for the parent's table: key, sorted s, shuffled s, peak MB.
const RESULT_TAG: &str = "export_import result:";

fn main() {
    if std::env::var_os(CHILD_ENV).is_some() {
        bench_here();
        return;
    }
    // One process per backend, as in production: each peak RSS is that backend's alone, not
    // what the allocator kept from the backend before.
    let mut results = Vec::new();
    for backend in Backend::ALL {
        if !selected(backend) {
            println!("{}: skipped, not in TMDB_BENCH_BACKENDS", backend.label());
            continue;
        }
        match bench_in_child(backend) {
            Ok(result) => results.push(result),
            Err(e) => println!("{}: ERROR {e}", backend.label()),
        }
    }
    println!(
        "{:<12} {:>10} {:>10} {:>8} {:>14}",
        "total s", "sorted", "shuffled", "ratio", "peak RSS MB"
    );
    for line in results {
        println!("{line}");
    }
}

/// Runs this benchmark for `backend` in a child process, passing its output through; the
/// child's line of the final table.
fn bench_in_child(backend: Backend) -> Result<String, String> {
    use std::io::BufRead;
    let mut child = std::process::Command::new(
        std::env::current_exe().map_err(|e| format!("this executable: {e}"))?,
    )
    .args(std::env::args_os().skip(1))
    .env(CHILD_ENV, "1")
    .env("TMDB_BENCH_BACKENDS", backend.key())
    .stdout(std::process::Stdio::piped())
    .spawn()
    .map_err(|e| format!("start the child: {e}"))?;
    let stdout = child.stdout.take().ok_or("no child stdout")?;
    let mut result = None;
    for line in std::io::BufReader::new(stdout).lines() {
        let line = line.map_err(|e| format!("child output: {e}"))?;
        match line.strip_prefix(RESULT_TAG) {
            Some(row) => result = Some(row.trim_start().to_owned()),
            None => println!("{line}"),
        }
    }
    let status = child
        .wait()
        .map_err(|e| format!("wait for the child: {e}"))?;
    match result {
        Some(row) if status.success() => Ok(row),
        _ => Err(format!("the child ended with {status} and no result")),
    }
}

/// The benchmark of the backends `TMDB_BENCH_BACKENDS` names, in this process.
fn bench_here() {
    let scale = scale();
    let fake = FakeTmdb::start(FakeTmdbConfig::default());
    let mut described = Vec::new();
    for (kind, lines) in PRODUCTION_LINES {
        let scaled = ((lines as f64 * scale).round() as u64).max(1);
        fake.knobs.set_export_size(fake_kind(kind), Some(scaled));
        described.push(format!("{} {scaled}", kind.file_stem()));
    }
    println!(
        "export_import: scale {scale} ({}); fake TMDb in this process at {}",
        described.join(", "),
        fake.base_url
    );
    let yesterday = chrono::Local::now().date_naive() - chrono::Duration::days(1);
    // One day of files per order, both written before anything is timed.
    let orders = [
        ("sorted", ExportOrder::Sorted, yesterday),
        (
            "shuffled",
            ExportOrder::Shuffled(seed()),
            yesterday - chrono::Duration::days(1),
        ),
    ];
    // TMDb's CDN compresses nothing on our machine: the files are written before anything is
    // timed and then served from disk, so the figures are the crawler's alone.
    let files = tempfile::tempdir().expect("temporary directory for the export files");
    let kinds: Vec<_> = PRODUCTION_LINES
        .iter()
        .map(|(k, _)| fake_kind(*k))
        .collect();
    for (label, order, date) in orders {
        let prepared = Instant::now();
        fake.knobs.set_export_order(order);
        let bytes = fake
            .prepare_exports(files.path(), date, &kinds)
            .expect("write the export files");
        println!(
            "{label} export files of {date} written ahead in {:.1} s ({:.1} MB gzip), served from disk",
            prepared.elapsed().as_secs_f64(),
            bytes as f64 / (1024.0 * 1024.0)
        );
    }
    let exports_base_url = fake.exports_base_url();
    let mut totals = Vec::new();
    actix_rt::System::new().block_on(async {
        for backend in Backend::ALL {
            if !selected(backend) {
                println!("{}: skipped, not in TMDB_BENCH_BACKENDS", backend.label());
                continue;
            }
            let mut walls = Vec::new();
            for (label, _, date) in orders {
                walls.push(bench_backend(backend, &exports_base_url, date, label).await);
            }
            totals.push((backend, walls));
        }
    });
    let peak = mb(status_kb("VmHWM:"));
    println!("process peak RSS (VmHWM) {peak:.1} MB");
    let shown = |s: Option<f64>| s.map_or_else(|| "-".to_owned(), |s| format!("{s:.1}"));
    for (backend, walls) in totals {
        let (sorted, shuffled) = (walls[0], walls[1]);
        let ratio = match (sorted, shuffled) {
            (Some(a), Some(b)) => format!("{:.2}", b / a),
            _ => "-".to_owned(),
        };
        println!(
            "{RESULT_TAG} {:<12} {:>10} {:>10} {:>8} {peak:>14.1}",
            backend.label(),
            shown(sorted),
            shown(shuffled),
            ratio
        );
    }
    fake.stop();
}

/// The backend's load order, or the one `TMDB_BENCH_LOAD_ORDER` names.
fn load_order(backend: DbBackend) -> LoadOrder {
    match std::env::var("TMDB_BENCH_LOAD_ORDER").as_deref() {
        Ok("by-id") => LoadOrder::ById,
        Ok("as-filed") => LoadOrder::AsFiled,
        _ => LoadOrder::for_backend(backend),
    }
}
