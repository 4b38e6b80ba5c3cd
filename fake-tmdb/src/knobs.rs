//! Runtime-adjustable behaviour of the fake server. A [`Knobs`] value is a cheap handle
//! (`Arc` + atomics); the server and every clone see the same settings, so a test can change
//! them while the server runs.

use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicBool, AtomicU16, AtomicU32, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use chrono::NaiveDate;

use super::catalogue::Kind;
use super::exports::ExportKind;

/// What a faulty API request gets instead of its normal answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum FaultKind {
    /// HTTP 500 with TMDb's JSON error body (status_code 11).
    ServerError,
    /// HTTP 502 with an HTML body, like a CDN in front of an unhealthy origin.
    BadGateway,
    /// The connection is closed without any response byte.
    ConnectionReset,
    /// HTTP 200 whose body is the first half of the real JSON (Content-Length of the cut body):
    /// the HTTP exchange completes, the JSON does not parse.
    TruncatedJson,
    /// HTTP 200 announcing the full Content-Length, sending half of the body, then closing the
    /// connection: the client sees an incomplete payload.
    IncompleteBody,
    /// The normal answer, after [`Knobs::slow_duration`] (5 s by default).
    Slow,
    /// HTTP 404 with a proxy's HTML page (no TMDb status 34): a CDN hiccup or a wrong base
    /// URL, not TMDb saying the id is gone.
    ProxyNotFound,
    /// HTTP 404 with an empty body (no TMDb status 34).
    EmptyNotFound,
    /// HTTP 200 announcing the full Content-Length, sending half of the body, then nothing
    /// for an hour: a stalled connection. Not in [`FaultKind::ALL`] (the default mix), as
    /// each one costs a client its whole timeout.
    StalledBody,
}

impl FaultKind {
    pub const ALL: [FaultKind; 8] = [
        FaultKind::ServerError,
        FaultKind::BadGateway,
        FaultKind::ConnectionReset,
        FaultKind::TruncatedJson,
        FaultKind::IncompleteBody,
        FaultKind::Slow,
        FaultKind::ProxyNotFound,
        FaultKind::EmptyNotFound,
    ];

    /// Every kind, the default mix and the others.
    const EVERY: [FaultKind; 9] = [
        FaultKind::ServerError,
        FaultKind::BadGateway,
        FaultKind::ConnectionReset,
        FaultKind::TruncatedJson,
        FaultKind::IncompleteBody,
        FaultKind::Slow,
        FaultKind::ProxyNotFound,
        FaultKind::EmptyNotFound,
        FaultKind::StalledBody,
    ];

    fn bit(self) -> u16 {
        1 << (self as u8)
    }
}

/// A broken or emptied snapshot block (`release_dates`, `watch/providers`, `videos`,
/// `similar`, `recommendations`), in the details appends and the standalone endpoints alike.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SnapshotFault {
    /// A well-formed block with nothing in it (`results: []`, `{}` for providers).
    Empty,
    /// `results` of the wrong JSON type (an object for lists, a list for providers).
    WrongContainer,
    /// One more entry lacking what identifies it: a release without `type`, a provider
    /// without `provider_id`, a video or a neighbour without `id`.
    EntryWithoutKey,
}

/// A broken or emptied `/watch/providers/{movie|tv}` catalogue (process 19), one per case the
/// crawler must reject whole (spec S6).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CatalogFault {
    /// `results: []`.
    Empty,
    /// The second provider repeats the first one's `provider_id`.
    DuplicateProviderId,
    /// The last provider has `provider_id: 0`.
    NonPositiveProviderId,
    /// The first provider's `display_priorities` is a list.
    PrioritiesNotObject,
    /// The first provider has a three-letter country in `display_priorities`.
    MalformedRegion,
}

impl CatalogFault {
    pub const ALL: [CatalogFault; 5] = [
        CatalogFault::Empty,
        CatalogFault::DuplicateProviderId,
        CatalogFault::NonPositiveProviderId,
        CatalogFault::PrioritiesNotObject,
        CatalogFault::MalformedRegion,
    ];
}

/// The order of the lines of the export files.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum ExportOrder {
    /// By id, except that each block of 8 lines is reversed (a little disorder).
    #[default]
    NearlySorted,
    /// By id.
    Sorted,
    /// A permutation of the whole file drawn from the seed: as far from sorted as real files
    /// may be (TMDb's keyword file has 582 descents in its first 2,000 lines).
    Shuffled(u64),
}

/// A broken daily export file, selectable per export kind.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ExportFault {
    /// HTTP 404 (the file is not published).
    Missing,
    /// A gzip header followed by an invalid deflate stream.
    CorruptGzip,
    /// A valid gzip stream cut after about half of the lines (no trailer); HTTP completes.
    TruncatedGzip,
    /// One line in the middle of the file is not valid JSON.
    InvalidJsonLine,
    /// Every 10th line is emitted twice (duplicate ids).
    DuplicateIds,
    /// A valid gzip file with no line at all.
    Empty,
    /// Half of the file, then nothing for an hour: a stalled download.
    Stalled,
    /// [`ExportFault::Stalled`] for the first download of the kind only; the next is sound.
    StalledOnce,
    /// One line of this many MiB and no newline at all (gzip members of 1 MiB, repeated).
    EndlessLine { mib: u32 },
}

#[derive(Default)]
struct ExportKnobs {
    faults: HashMap<ExportKind, ExportFault>,
    sizes: HashMap<ExportKind, u64>,
    missing_dates: HashSet<NaiveDate>,
    latest_date: Option<NaiveDate>,
    exclude_deleted: bool,
    order: ExportOrder,
}

struct KnobState {
    rate_limit: AtomicU32,
    retry_after: AtomicBool,
    latency_us: AtomicU64,
    fault_ppm: AtomicU32,
    fault_kinds: AtomicU16,
    slow_ms: AtomicU64,
    invalid_key: AtomicBool,
    appends_ignored_by_companies: AtomicBool,
    fault_counter: AtomicU64,
    exports: Mutex<ExportKnobs>,
    changes_steps: Mutex<HashMap<Kind, u64>>,
    snapshot_faults: Mutex<HashMap<String, SnapshotFault>>,
    catalog_faults: Mutex<HashMap<Kind, CatalogFault>>,
}

impl Default for KnobState {
    fn default() -> Self {
        KnobState {
            rate_limit: AtomicU32::new(0),
            retry_after: AtomicBool::new(true),
            latency_us: AtomicU64::new(0),
            fault_ppm: AtomicU32::new(0),
            fault_kinds: AtomicU16::new(FaultKind::ALL.iter().fold(0, |acc, k| acc | k.bit())),
            slow_ms: AtomicU64::new(5_000),
            invalid_key: AtomicBool::new(false),
            appends_ignored_by_companies: AtomicBool::new(false),
            fault_counter: AtomicU64::new(0),
            exports: Mutex::new(ExportKnobs::default()),
            changes_steps: Mutex::new(HashMap::new()),
            snapshot_faults: Mutex::new(HashMap::new()),
            catalog_faults: Mutex::new(HashMap::new()),
        }
    }
}

/// Shared, runtime-adjustable knobs. `Knobs::default()` is a well-behaved server: no rate
/// limit, no latency, no fault, valid keys accepted, every export present and sound.
#[derive(Clone, Default)]
pub struct Knobs {
    inner: Arc<KnobState>,
}

impl std::fmt::Debug for Knobs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Knobs")
            .field("rate_limit_per_second", &self.rate_limit_per_second())
            .field("retry_after", &self.retry_after())
            .field("latency", &self.latency())
            .field("fault_rate", &self.fault_rate())
            .field("fault_kinds", &self.fault_kinds())
            .field("invalid_key", &self.invalid_key())
            .finish_non_exhaustive()
    }
}

impl Knobs {
    pub fn new() -> Knobs {
        Knobs::default()
    }

    fn exports(&self) -> MutexGuard<'_, ExportKnobs> {
        self.inner
            .exports
            .lock()
            .expect("fake TMDb export knobs lock poisoned")
    }

    // ----- rate limit -----

    /// Beyond `per_second` accepted API requests in any sliding second, answer 429
    /// (status_code 25), with `Retry-After: 1` when `retry_after`. `None` (the default)
    /// disables the limit. Rejected requests do not consume the budget.
    pub fn set_rate_limit(&self, per_second: Option<u32>, retry_after: bool) {
        self.inner
            .rate_limit
            .store(per_second.unwrap_or(0), Ordering::Relaxed);
        self.set_retry_after(retry_after);
    }

    pub fn rate_limit_per_second(&self) -> Option<u32> {
        match self.inner.rate_limit.load(Ordering::Relaxed) {
            0 => None,
            n => Some(n),
        }
    }

    /// Whether 429 answers carry `Retry-After: 1` (default true; also set by
    /// [`Knobs::set_rate_limit`]).
    pub fn set_retry_after(&self, on: bool) {
        self.inner.retry_after.store(on, Ordering::Relaxed);
    }

    pub fn retry_after(&self) -> bool {
        self.inner.retry_after.load(Ordering::Relaxed)
    }

    // ----- latency -----

    /// Delay added before every answer (API and exports).
    pub fn set_latency(&self, latency: Duration) {
        let us = u64::try_from(latency.as_micros()).unwrap_or(u64::MAX);
        self.inner.latency_us.store(us, Ordering::Relaxed);
    }

    pub fn latency(&self) -> Duration {
        Duration::from_micros(self.inner.latency_us.load(Ordering::Relaxed))
    }

    // ----- faults -----

    /// Fraction (0..=1) of API requests that get a fault. The choice is deterministic: the
    /// n-th request is faulty when `floor((n+1)·rate) > floor(n·rate)`, and the k-th fault is
    /// `fault_kinds[k % len]`.
    pub fn set_fault_rate(&self, rate: f64) {
        let ppm = (rate.clamp(0.0, 1.0) * 1_000_000.0).round() as u32;
        self.inner.fault_ppm.store(ppm, Ordering::Relaxed);
    }

    pub fn fault_rate(&self) -> f64 {
        f64::from(self.inner.fault_ppm.load(Ordering::Relaxed)) / 1_000_000.0
    }

    /// Which faults may be chosen (default: all of [`FaultKind::ALL`]). An empty slice
    /// disables faults.
    pub fn set_fault_kinds(&self, kinds: &[FaultKind]) {
        let bits = kinds.iter().fold(0, |acc, k| acc | k.bit());
        self.inner.fault_kinds.store(bits, Ordering::Relaxed);
    }

    pub fn fault_kinds(&self) -> Vec<FaultKind> {
        let bits = self.inner.fault_kinds.load(Ordering::Relaxed);
        FaultKind::EVERY
            .into_iter()
            .filter(|k| bits & k.bit() != 0)
            .collect()
    }

    /// How long a [`FaultKind::Slow`] answer waits (default 5 s).
    pub fn set_slow_duration(&self, d: Duration) {
        let ms = u64::try_from(d.as_millis()).unwrap_or(u64::MAX);
        self.inner.slow_ms.store(ms, Ordering::Relaxed);
    }

    pub fn slow_duration(&self) -> Duration {
        Duration::from_millis(self.inner.slow_ms.load(Ordering::Relaxed))
    }

    /// Restart the deterministic fault sequence.
    pub fn reset_fault_counter(&self) {
        self.inner.fault_counter.store(0, Ordering::Relaxed);
    }

    /// Advances the fault counter and says whether this request is faulty.
    pub(crate) fn next_fault(&self) -> Option<FaultKind> {
        let ppm = u64::from(self.inner.fault_ppm.load(Ordering::Relaxed));
        if ppm == 0 {
            return None;
        }
        let kinds = self.fault_kinds();
        if kinds.is_empty() {
            return None;
        }
        let n = self.inner.fault_counter.fetch_add(1, Ordering::Relaxed);
        let before = n.saturating_mul(ppm) / 1_000_000;
        let after = (n + 1).saturating_mul(ppm) / 1_000_000;
        (after > before).then(|| kinds[(before % kinds.len() as u64) as usize])
    }

    // ----- authentication -----

    /// When set, every API request answers 401 status_code 7, whatever its credentials.
    pub fn set_invalid_key(&self, on: bool) {
        self.inner.invalid_key.store(on, Ordering::Relaxed);
    }

    pub fn invalid_key(&self) -> bool {
        self.inner.invalid_key.load(Ordering::Relaxed)
    }

    // ----- append_to_response -----

    /// When set, `/3/company/{id}` and `/3/network/{id}` ignore `append_to_response` (TMDb
    /// documents the append for movies, series, seasons, episodes and persons only); their
    /// `/images` sub-resources still answer.
    pub fn set_company_appends_ignored(&self, on: bool) {
        self.inner
            .appends_ignored_by_companies
            .store(on, Ordering::Relaxed);
    }

    pub fn company_appends_ignored(&self) -> bool {
        self.inner
            .appends_ignored_by_companies
            .load(Ordering::Relaxed)
    }

    // ----- exports -----

    /// Break one export kind (every date) or repair it with `None`.
    pub fn set_export_fault(&self, kind: ExportKind, fault: Option<ExportFault>) {
        let mut e = self.exports();
        match fault {
            Some(f) => e.faults.insert(kind, f),
            None => e.faults.remove(&kind),
        };
    }

    pub fn export_fault(&self, kind: ExportKind) -> Option<ExportFault> {
        self.exports().faults.get(&kind).copied()
    }

    /// Number of lines of an export kind, independent of the API catalogue (e.g. 4_740_000
    /// person lines while the API serves 150 persons). `None` = the catalogue's size.
    /// Lines beyond the catalogue carry ids the API answers with 404.
    pub fn set_export_size(&self, kind: ExportKind, lines: Option<u64>) {
        let mut e = self.exports();
        match lines {
            Some(n) => e.sizes.insert(kind, n),
            None => e.sizes.remove(&kind),
        };
    }

    pub fn export_size(&self, kind: ExportKind) -> Option<u64> {
        self.exports().sizes.get(&kind).copied()
    }

    /// The order of the lines of every export file.
    pub fn set_export_order(&self, order: ExportOrder) {
        self.exports().order = order;
    }

    pub fn export_order(&self) -> ExportOrder {
        self.exports().order
    }

    /// Files of this date answer 404 (every kind).
    pub fn set_export_date_missing(&self, date: NaiveDate, missing: bool) {
        let mut e = self.exports();
        if missing {
            e.missing_dates.insert(date);
        } else {
            e.missing_dates.remove(&date);
        }
    }

    /// Files dated after `date` answer 404, as before TMDb publishes them. `None` = no limit.
    pub fn set_latest_export_date(&self, date: Option<NaiveDate>) {
        self.exports().latest_date = date;
    }

    pub fn export_date_available(&self, date: NaiveDate) -> bool {
        let e = self.exports();
        !e.missing_dates.contains(&date) && e.latest_date.is_none_or(|latest| date <= latest)
    }

    /// Leave deleted ids (those answering 404) out of the exports, as in "today's" file.
    /// By default they are included, as in the export of the day before their deletion.
    pub fn set_exports_exclude_deleted(&self, on: bool) {
        self.exports().exclude_deleted = on;
    }

    pub fn exports_exclude_deleted(&self) -> bool {
        self.exports().exclude_deleted
    }

    // ----- changes feeds -----

    /// `/3/{movie|tv|person}/changes` lists one id of `kind` in `step` per day (see
    /// [`super::Catalogue::changed_ids_every`]) instead of one in ten; `None` restores the
    /// default. E.g. a step of 130 on movies gives TMDb's ~0.8 % of movies changed per day.
    pub fn set_changes_step(&self, kind: Kind, step: Option<u64>) {
        let mut steps = self
            .inner
            .changes_steps
            .lock()
            .expect("fake TMDb changes knobs lock poisoned");
        match step {
            Some(n) => steps.insert(kind, n.max(1)),
            None => steps.remove(&kind),
        };
    }

    pub fn changes_step(&self, kind: Kind) -> Option<u64> {
        self.inner
            .changes_steps
            .lock()
            .expect("fake TMDb changes knobs lock poisoned")
            .get(&kind)
            .copied()
    }

    // ----- snapshot blocks -----

    /// Serves the `append` block (`"release_dates"`, `"watch/providers"`, `"videos"`,
    /// `"similar"`, `"recommendations"`) of every movie and series broken or emptied as
    /// `fault` says; `None` restores the normal block.
    pub fn set_snapshot_fault(&self, append: &str, fault: Option<SnapshotFault>) {
        let mut faults = self.snapshot_faults();
        match fault {
            Some(fault) => faults.insert(append.to_owned(), fault),
            None => faults.remove(append),
        };
    }

    pub fn snapshot_fault(&self, append: &str) -> Option<SnapshotFault> {
        self.snapshot_faults().get(append).copied()
    }

    fn snapshot_faults(&self) -> MutexGuard<'_, HashMap<String, SnapshotFault>> {
        self.inner
            .snapshot_faults
            .lock()
            .expect("fake TMDb snapshot knobs lock poisoned")
    }

    // ----- provider catalogues -----

    /// Serves the `/watch/providers/movie` (`Kind::Movie`) or `/tv` (`Kind::Tv`) catalogue
    /// broken as `fault` says; `None` restores the sound catalogue.
    pub fn set_catalog_fault(&self, kind: Kind, fault: Option<CatalogFault>) {
        let mut faults = self.catalog_faults();
        match fault {
            Some(fault) => faults.insert(kind, fault),
            None => faults.remove(&kind),
        };
    }

    pub fn catalog_fault(&self, kind: Kind) -> Option<CatalogFault> {
        self.catalog_faults().get(&kind).copied()
    }

    fn catalog_faults(&self) -> MutexGuard<'_, HashMap<Kind, CatalogFault>> {
        self.inner
            .catalog_faults
            .lock()
            .expect("fake TMDb catalogue knobs lock poisoned")
    }
}
