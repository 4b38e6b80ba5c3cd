//! A fake TMDb (API v3 + daily ID exports) for integration tests, demos and benchmarks.
//! TMDb itself is never contacted.
//!
//! The server runs actix-web on its own OS thread with its own actix `System`, so it can be
//! started from plain `#[test]`s, from `#[actix_rt::test]` / `#[tokio::test]` tests and from a
//! benchmark binary without sharing the caller's runtime. Everything it serves is generated
//! deterministically from a seed and [`CatalogueSizes`] ([`Catalogue`]); its behaviour
//! (rate limit, latency, faults, broken exports, invalid key) is steered at runtime through
//! [`Knobs`].
//!
//! ```no_run
//! let tmdb = fake_tmdb::FakeTmdb::start(fake_tmdb::FakeTmdbConfig::default());
//! // point the crawler at tmdb.base_url (API) and tmdb.exports_base_url() (exports)
//! tmdb.knobs.set_rate_limit(Some(40), true); // 429 + Retry-After: 1 beyond 40 req/s
//! ```
//!
//! Knobs (all runtime-adjustable, see [`Knobs`]):
//! * `set_rate_limit(Some(n), retry_after)`: 429 status_code 25 beyond n API requests per
//!   sliding second, with or without `Retry-After: 1`;
//! * `set_latency(d)`: delay before every answer;
//! * `set_fault_rate(x)` + `set_fault_kinds(&[FaultKind::…])` (+ `set_slow_duration`): that
//!   fraction of API requests, chosen deterministically, gets 500, 502, a reset connection,
//!   truncated JSON, an incomplete body or a slow answer;
//! * `set_invalid_key(true)`: every API request answers 401 status_code 7;
//! * exports: `set_export_fault(kind, Some(ExportFault::…))` (missing, corrupt gzip,
//!   truncated gzip, invalid JSON line, duplicate ids, empty), `set_export_size(kind,
//!   Some(lines))`, `set_export_date_missing(date, true)`, `set_latest_export_date(Some(d))`,
//!   `set_exports_exclude_deleted(true)`;
//! * changes feeds: `set_changes_step(kind, Some(n))`: one id in n listed per day (default 10);
//! * snapshot blocks: `set_snapshot_fault("release_dates", Some(SnapshotFault::…))` serves a
//!   movie's or series' release dates, providers, videos or neighbours empty, with `results`
//!   of the wrong type, or with an entry lacking its key (appends and standalone endpoints).
//!
//! Observations: `requests_to`, `route_counts`, `request_times`, `request_log` (arrival, route,
//! `append_to_response` items and 429 flag of every request), `max_requests_in`;
//! `reset_counters` clears them.

mod catalogue;
mod exports;
mod knobs;
mod payloads;
mod rng;
mod server;
mod tls;

use std::sync::Arc;
use std::sync::mpsc;
use std::thread::JoinHandle;
use std::time::Instant;

use actix_web::{App, HttpServer, web};
use chrono::NaiveDate;

pub use catalogue::{Catalogue, CatalogueSizes, Kind, Lookup, Titles};
pub use exports::{ExportKind, gunzip_lines};
pub use knobs::{CatalogFault, ExportFault, ExportOrder, FaultKind, Knobs, SnapshotFault};
pub use payloads::{
    COLLECTION_APPENDS, COMPANY_APPENDS, MOVIE_APPENDS, PERSON_APPENDS, Req, SEASON_APPENDS,
    SNAPSHOT_APPENDS, TV_APPENDS, apply_snapshot_fault, watch_provider_catalog_json,
};
pub use server::{MAX_APPENDS, MAX_CHANGES_DAYS, RequestRecord, route_key};

/// How to start a [`FakeTmdb`].
#[derive(Clone, Debug)]
pub struct FakeTmdbConfig {
    /// Seed of the deterministic catalogue.
    pub seed: u64,
    pub sizes: CatalogueSizes,
    /// Accepted `api_key` query parameter.
    pub api_key: String,
    /// Accepted `Authorization: Bearer` token.
    pub api_token: String,
    /// TCP port on 127.0.0.1; 0 = any free port.
    pub port: u16,
    /// actix worker threads (default 1).
    pub workers: usize,
    /// Shared runtime knobs (keep a clone to steer the server, or use [`FakeTmdb::knobs`]).
    pub knobs: Knobs,
    /// Serve HTTPS (HTTP/2 offered by ALPN, HTTP/1.1 too) with a certificate of its own for
    /// `localhost`, whose PEM is [`FakeTmdb::ca_file`].
    pub tls: bool,
}

impl Default for FakeTmdbConfig {
    fn default() -> Self {
        FakeTmdbConfig {
            seed: 42,
            sizes: CatalogueSizes::default(),
            api_key: "fake-api-key".into(),
            api_token: "fake-api-token".into(),
            port: 0,
            workers: 1,
            knobs: Knobs::default(),
            tls: false,
        }
    }
}

/// A running fake TMDb. Dropping it (or calling [`FakeTmdb::stop`]) stops the server.
pub struct FakeTmdb {
    /// `http://127.0.0.1:PORT` — the API is under `/3/`, exports under `/p/exports/`.
    pub base_url: String,
    pub api_key: String,
    pub api_token: String,
    pub port: u16,
    /// The knobs the server reads (same `Arc` as the config's).
    pub knobs: Knobs,
    /// With `tls`: the server certificate's PEM file, for a client to trust (`SSL_CERT_FILE`).
    pub ca_file: Option<std::path::PathBuf>,
    _tls_dir: Option<tempfile::TempDir>,
    shared: Arc<server::Shared>,
    handle: Option<(actix_web::dev::ServerHandle, actix_rt::System)>,
    thread: Option<JoinHandle<()>>,
}

type Started = Result<(u16, actix_web::dev::ServerHandle, actix_rt::System), String>;

impl FakeTmdb {
    /// Starts the server on its own thread and returns once it accepts connections.
    pub fn start(config: FakeTmdbConfig) -> FakeTmdb {
        let catalogue = Catalogue::new(config.seed, config.sizes.clone());
        let shared = Arc::new(server::Shared::new(
            catalogue,
            config.api_key.clone(),
            config.api_token.clone(),
            config.knobs.clone(),
        ));
        let data = web::Data::from(shared.clone());
        let workers = config.workers.max(1);
        let tls = config.tls.then(tls::self_signed);
        let server_tls = tls.as_ref().map(|t| t.server.clone());
        let port = config.port;
        let (tx, rx) = mpsc::channel::<Started>();
        let thread = std::thread::Builder::new()
            .name("fake-tmdb".into())
            .spawn(move || {
                let system = actix_rt::System::new();
                let result = system.block_on(async move {
                    let server = HttpServer::new(move || {
                        App::new()
                            .app_data(data.clone())
                            .default_service(web::to(server::handle))
                    })
                    .workers(workers)
                    .disable_signals()
                    .shutdown_timeout(1);
                    let server = match server_tls {
                        Some(tls) => server.bind_rustls_0_23(("127.0.0.1", port), tls),
                        None => server.bind(("127.0.0.1", port)),
                    };
                    let server = match server {
                        Ok(s) => s,
                        Err(e) => {
                            let _ = tx.send(Err(format!("bind 127.0.0.1:{port}: {e}")));
                            return Ok(());
                        }
                    };
                    let bound = server.addrs().first().map(|a| a.port()).unwrap_or(port);
                    let running = server.run();
                    let _ = tx.send(Ok((bound, running.handle(), actix_rt::System::current())));
                    running.await
                });
                if let Err(e) = result {
                    eprintln!("fake TMDb server stopped with an error: {e}");
                }
            })
            .expect("spawn the fake TMDb thread");
        let (port, handle, system) = rx
            .recv()
            .expect("the fake TMDb thread ended before starting")
            .unwrap_or_else(|e| panic!("fake TMDb could not start: {e}"));
        let base_url = match &tls {
            Some(_) => format!("https://localhost:{port}"),
            None => format!("http://127.0.0.1:{port}"),
        };
        FakeTmdb {
            base_url,
            ca_file: tls.as_ref().map(|t| t.ca_file.clone()),
            _tls_dir: tls.map(|t| t.dir),
            api_key: config.api_key,
            api_token: config.api_token,
            port,
            knobs: config.knobs,
            shared,
            handle: Some((handle, system)),
            thread: Some(thread),
        }
    }

    /// `http://127.0.0.1:PORT/p/exports` (the crawler's `exports_base_url`).
    pub fn exports_base_url(&self) -> String {
        format!("{}/p/exports", self.base_url)
    }

    /// Full URL of an export file.
    pub fn export_url(&self, kind: ExportKind, date: NaiveDate) -> String {
        format!("{}{}", self.base_url, kind.path(date))
    }

    /// `base_url + path_and_query` with `api_key` appended.
    pub fn url(&self, path_and_query: &str) -> String {
        let sep = if path_and_query.contains('?') {
            '&'
        } else {
            '?'
        };
        format!(
            "{}{}{}api_key={}",
            self.base_url, path_and_query, sep, self.api_key
        )
    }

    /// Requests whose counter key starts with `path_prefix`. Keys are paths with numbers
    /// replaced by `{id}` and export dates dropped: `/3/movie/{id}`, `/3/movie/changes`,
    /// `/3/tv/{id}/season/{id}`, `/p/exports/movie_ids`. So `"/3/movie"` counts every movie
    /// request (details and changes), `"/p/exports"` every export download.
    pub fn http2_requests(&self) -> u64 {
        self.shared
            .http2_requests
            .load(std::sync::atomic::Ordering::Relaxed)
    }

    pub fn requests_to(&self, path_prefix: &str) -> u64 {
        self.shared.counters.requests_to(path_prefix)
    }

    /// Every request that reached the server (API, exports, unknown paths).
    pub fn total_requests(&self) -> u64 {
        self.shared.counters.total()
    }

    /// All counter keys with their counts (sorted), for diagnostics.
    pub fn route_counts(&self) -> Vec<(String, u64)> {
        self.shared.counters.routes()
    }

    /// Arrival time of every request that reached the handler, in arrival order.
    pub fn request_times(&self) -> Vec<Instant> {
        self.shared.counters.times()
    }

    /// Every request that reached the handler, in arrival order: arrival time, counter key
    /// (as in [`FakeTmdb::route_counts`]) and whether the rate-limit knob answered it 429.
    pub fn request_log(&self) -> Vec<RequestRecord> {
        self.shared.counters.log()
    }

    /// The highest number of requests that arrived within any window of `window` length.
    pub fn max_requests_in(&self, window: std::time::Duration) -> usize {
        let mut times = self.request_times();
        times.sort();
        let mut best = 0;
        let mut start = 0;
        for end in 0..times.len() {
            while times[end].duration_since(times[start]) >= window {
                start += 1;
            }
            best = best.max(end - start + 1);
        }
        best
    }

    /// Clears counters, arrival times, the request log and the rate-limit window.
    pub fn reset_counters(&self) {
        self.shared.counters.reset();
        self.shared.reset_rate_window();
    }

    /// Writes the export files of `kinds` for `date` (as sized by the knobs now) into `dir`
    /// and serves them from there from now on, so that a benchmark's downloads do not pay for
    /// generating and compressing them in the same process. Returns the bytes written.
    pub fn prepare_exports(
        &self,
        dir: &std::path::Path,
        date: NaiveDate,
        kinds: &[ExportKind],
    ) -> std::io::Result<u64> {
        let mut total = 0;
        for &kind in kinds {
            let path = dir.join(kind.file_name(date));
            let mut out = std::io::BufWriter::new(std::fs::File::create(&path)?);
            let source = exports::LineGen::new(self.shared.catalogue.clone(), kind, &self.knobs);
            total += exports::ExportBody::new(source).write_all_to(&mut out)?;
            std::io::Write::flush(&mut out)?;
        }
        *self
            .shared
            .prepared_exports
            .lock()
            .expect("prepared exports lock") = Some(dir.to_owned());
        Ok(total)
    }

    pub fn catalogue(&self) -> &Catalogue {
        &self.shared.catalogue
    }

    /// Stops the server and waits for its thread.
    pub fn stop(self) {
        drop(self);
    }

    fn shutdown(&mut self) {
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

impl Drop for FakeTmdb {
    fn drop(&mut self) {
        self.shutdown();
    }
}

impl std::fmt::Debug for FakeTmdb {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FakeTmdb")
            .field("base_url", &self.base_url)
            .field("knobs", &self.knobs)
            .finish_non_exhaustive()
    }
}
