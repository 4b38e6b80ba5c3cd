//! Coordinator: maps process numbers to workflows, runs them in the given order, and keeps the
//! Python crawler's run-level server variables up to date.
//!
//! Exports (41-47) go to the ExportDownloader; id processes (1-33) stream their selection in
//! pages into the fetcher of their kind with up to `max_in_flight` entities in progress; the
//! change feeds (51-53) go to the ChangesPoller. A stop request (SIGTERM, Ctrl-C) stops feeding
//! new ids: entities in flight finish or roll back, the variables are written, the run ends.

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Instant;

use actix::prelude::*;
use chrono::{Duration, NaiveDate};
use chrono_tz::Tz;
use futures_util::StreamExt;
use sea_orm::DatabaseConnection;
use tracing::Instrument;

use crate::actors::changes::{
    ChangesKind, ChangesPoller, ChangesReport, FeedStart, PollChanges, PrepareChanges, open_day,
};
use crate::actors::export::{
    self, DownloadExports, ExportDownloader, ExportError, ExportEvent, ExportReport,
};
use crate::actors::fetch::{Fetch, FetchOutcome};
use crate::actors::writer::{DbWriter, DeleteEntity, SetServerVariables};
use crate::process;
use crate::records::EntityKind;
use crate::store::imports::ExportKind;
use crate::store::retry::{self, RetryPolicy};
use crate::store::selections::{self, SchemaFlags, SelectionParams};
use crate::store::server_vars::{self, format_datetime, local_now};

pub const VAR_IMPORT_DATE: &str = "strtmdbcrawlertmdbidimportdate";
pub const VAR_EXECUTED: &str = "strtmdbcrawlerprocessesexecuted";
pub const VAR_EXECUTED_PREVIOUS: &str = "strtmdbcrawlerprocessesexecutedprevious";
pub const VAR_START: &str = "strtmdbcrawlerstartdatetime";
pub const VAR_END: &str = "strtmdbcrawlerenddatetime";
pub const VAR_CURRENT: &str = "strtmdbcrawlercurrentprocess";
pub const VAR_LAST_CRAWLED: &str = "strtmdbcrawlerdatetime";
pub const VAR_RUNTIME: &str = "strtmdbcrawlertotalruntime";

/// Processes the Python crawler ran only on the first run of a new export day.
const ONCE_PER_EXPORT_DAY: [u16; 3] = [13, 16, 23];

/// `strtmdbcrawlerprocess<n>exportdate`: the export day a once-a-day process last ran for (a
/// name this crawler adds; the Python crawler compared in memory within one run).
fn gate_var(number: u16) -> String {
    format!("strtmdbcrawlerprocess{number}exportdate")
}

/// Ids read from a selection at a time.
const SELECTION_PAGE: u64 = 500;
/// Seconds between two progress lines of a long process.
const PROGRESS_EVERY_SECS: u64 = 10;

/// `strtmdbcrawlertmdbid<file><what>`, e.g. `strtmdbcrawlertmdbidmoviecount`.
pub fn export_var(kind: ExportKind, what: &str) -> String {
    format!("strtmdbcrawlertmdbid{}{what}", kind.file_stem())
}

/// Processes this version can run.
pub fn is_implemented(number: u16) -> bool {
    ExportKind::from_process(number).is_some()
        || ChangesKind::from_process(number).is_some()
        || selections::selection_kind(number).is_some()
}

/// Processes that call the TMDb API (everything but the exports).
pub fn needs_api(number: u16) -> bool {
    ExportKind::from_process(number).is_none() && is_implemented(number)
}

/// Set from a signal handler: stop feeding new ids, finish what is in flight.
#[derive(Debug, Clone, Default)]
pub struct StopSignal(Arc<AtomicBool>);

impl StopSignal {
    pub fn stop(&self) {
        self.0.store(true, Ordering::SeqCst);
    }

    pub fn stopped(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
}

/// The actors that fetch entities, for processes 1-33 and 51-53.
#[derive(Clone)]
pub struct EntityWorkers {
    pub fetchers: HashMap<EntityKind, Recipient<Fetch>>,
    pub changes: Addr<ChangesPoller>,
}

/// Settings of the id processes.
#[derive(Debug, Clone)]
pub struct RunSettings {
    pub timezone: Tz,
    pub max_in_flight: usize,
    pub include_adult: bool,
    pub refresh_after_days: u32,
    pub refresh_max_per_run: u32,
    pub languages: Vec<String>,
}

/// Run these processes, in this order.
#[derive(Message)]
#[rtype(result = "Result<RunReport, RunError>")]
pub struct RunProcesses {
    pub processes: Vec<u16>,
    /// The export day; default: yesterday in the configured time zone.
    pub export_date: Option<NaiveDate>,
    /// Import even when this export date was already imported.
    pub force: bool,
    /// At most this many entities per id process or change feed.
    pub limit: Option<u64>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ProcessOutcome {
    Imported(ExportReport),
    Entities(EntityReport),
    Changes(ChangesReport),
    /// Nothing to do (e.g. that export day is already imported).
    Skipped(String),
    Failed(String),
}

/// What an id process did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EntityReport {
    pub selected: u64,
    pub stored: u64,
    /// TMDb answered 34 (recorded in the ledger; deleted by 14-16).
    pub gone: u64,
    pub deleted: u64,
    pub failed: Vec<(u64, String)>,
    pub seconds: u64,
    /// The run was asked to stop before the selection was exhausted.
    pub interrupted: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ProcessReport {
    pub number: u16,
    pub outcome: ProcessOutcome,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct RunReport {
    pub processes: Vec<ProcessReport>,
}

impl RunReport {
    pub fn failures(&self) -> impl Iterator<Item = &ProcessReport> {
        self.processes.iter().filter(|p| match &p.outcome {
            ProcessOutcome::Failed(_) => true,
            ProcessOutcome::Entities(r) => !r.failed.is_empty(),
            ProcessOutcome::Changes(r) => !r.failed.is_empty(),
            _ => false,
        })
    }
}

#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error(
        "process {0} is not implemented in this version (implemented: 41-47, the daily ID exports)"
    )]
    NotImplemented(u16),
    #[error("database error: {0}")]
    Db(String),
    #[error("the database writer stopped")]
    WriterGone,
    #[error("process {0} calls the TMDb API: set api_key or api_token")]
    NoApiCredentials(u16),
    #[error("the id pipeline cannot make progress (a bug): {0}")]
    Stuck(String),
    #[error("process {process} stopped the run: {reason}")]
    Fatal { process: u16, reason: String },
}

pub struct Coordinator {
    db: DatabaseConnection,
    writer: Addr<DbWriter>,
    exports: Addr<ExportDownloader>,
    workers: Option<EntityWorkers>,
    settings: RunSettings,
    stop: StopSignal,
}

impl Coordinator {
    pub fn new(
        db: DatabaseConnection,
        writer: Addr<DbWriter>,
        exports: Addr<ExportDownloader>,
        workers: Option<EntityWorkers>,
        settings: RunSettings,
        stop: StopSignal,
    ) -> Self {
        Coordinator {
            db,
            writer,
            exports,
            workers,
            settings,
            stop,
        }
    }
}

impl Actor for Coordinator {
    type Context = Context<Self>;
}

impl Handler<RunProcesses> for Coordinator {
    type Result = ResponseFuture<Result<RunReport, RunError>>;

    fn handle(&mut self, msg: RunProcesses, _ctx: &mut Self::Context) -> Self::Result {
        let run = Run {
            db: self.db.clone(),
            writer: self.writer.clone(),
            exports: self.exports.clone(),
            workers: self.workers.clone(),
            timezone: self.settings.timezone,
            settings: self.settings.clone(),
            stop: self.stop.clone(),
            executed: String::new(),
        };
        Box::pin(run.execute(msg))
    }
}

/// One run's state: what it has executed so far (for `…processesexecuted`).
struct Run {
    db: DatabaseConnection,
    writer: Addr<DbWriter>,
    exports: Addr<ExportDownloader>,
    workers: Option<EntityWorkers>,
    timezone: Tz,
    settings: RunSettings,
    stop: StopSignal,
    executed: String,
}

impl Run {
    /// The writer retries the variables while the database is unavailable (its budget).
    async fn set(&self, vars: Vec<(String, String, String)>) -> Result<(), RunError> {
        self.writer
            .send(SetServerVariables(vars))
            .await
            .map_err(|_| RunError::WriterGone)?
            .map_err(|e| RunError::Db(e.to_string()))
    }

    fn now(&self) -> String {
        format_datetime(local_now(self.timezone))
    }

    /// Waits for an unavailable database ([`RetryPolicy::configured`]).
    async fn get(&self, name: &str) -> Result<String, RunError> {
        let value = retry::retry(RetryPolicy::configured(), "read server variable", || {
            server_vars::get(&self.db, name)
        })
        .await
        .map_err(|e| RunError::Db(e.to_string()))?;
        Ok(value.unwrap_or_default())
    }

    async fn execute(mut self, msg: RunProcesses) -> Result<RunReport, RunError> {
        if let Some(n) = msg.processes.iter().find(|n| !is_implemented(**n)) {
            return Err(RunError::NotImplemented(*n));
        }
        if self.workers.is_none()
            && let Some(n) = msg.processes.iter().find(|n| needs_api(**n))
        {
            return Err(RunError::NoApiCredentials(*n));
        }
        let started = Instant::now();
        let previous = self.get(VAR_EXECUTED).await?;
        self.set(vec![
            var(
                VAR_EXECUTED_PREVIOUS,
                &previous,
                "Processes executed by the previous run",
            ),
            var(
                VAR_EXECUTED,
                "",
                "Processes executed by the current or last run",
            ),
            var(VAR_START, &self.now(), "Start of the current or last run"),
        ])
        .await?;

        let date = msg
            .export_date
            .unwrap_or_else(|| local_now(self.timezone).date() - Duration::days(1));
        let mut report = RunReport::default();
        // Exports first, whatever their place in the list: the other processes read them.
        let kinds: Vec<ExportKind> = msg
            .processes
            .iter()
            .filter_map(|n| ExportKind::from_process(*n))
            .collect();
        if !kinds.is_empty() {
            report
                .processes
                .extend(self.exports(&kinds, date, msg.force).await?);
        }
        let mut fatal = None;
        let rest: Vec<u16> = msg
            .processes
            .iter()
            .copied()
            .filter(|n| ExportKind::from_process(*n).is_none())
            .collect();
        // The change feeds' starts are read ahead while the processes before them run. Not with
        // a limit, which may leave a feed unpolled and its page unused.
        let mut feed_starts = HashMap::new();
        if msg.limit.is_none()
            && let Some(poller) = self.workers.as_ref().map(|w| w.changes.clone())
        {
            let today = open_day(self.timezone);
            for kind in rest.iter().filter_map(|n| ChangesKind::from_process(*n)) {
                feed_starts
                    .entry(kind)
                    .or_insert_with(|| poller.send(PrepareChanges { kind, today }));
            }
        }
        let mut i = 0;
        while i < rest.len() {
            let number = rest[i];
            if self.stop.stopped() {
                tracing::info!(process = number, "stop requested: not started");
                i += 1;
                continue;
            }
            if let Some(kind) = ChangesKind::from_process(number) {
                i += 1;
                let prepared = match feed_starts.remove(&kind) {
                    Some(request) => request.await.ok().flatten(),
                    None => None,
                };
                match self.changes(number, kind, msg.limit, prepared).await {
                    Ok(outcome) => report.processes.push(ProcessReport { number, outcome }),
                    Err(e @ RunError::Fatal { .. }) => {
                        fatal = Some(e);
                        break;
                    }
                    Err(e) => return Err(e),
                }
                continue;
            }
            // Consecutive id processes run as one pipeline.
            let group_len = rest[i..]
                .iter()
                .take_while(|n| ChangesKind::from_process(**n).is_none())
                .count();
            let group = &rest[i..i + group_len];
            i += group_len;
            match self.id_processes(group, msg.limit).await {
                Ok(outcomes) => report.processes.extend(outcomes),
                Err((outcomes, e @ RunError::Fatal { .. })) => {
                    report.processes.extend(outcomes);
                    fatal = Some(e);
                    break;
                }
                Err((_, e)) => return Err(e),
            }
        }

        self.set(vec![
            var(VAR_CURRENT, "", "Process running now"),
            var(VAR_END, &self.now(), "End of the last run"),
            var(
                VAR_RUNTIME,
                &started.elapsed().as_secs().to_string(),
                "Seconds the last run took",
            ),
        ])
        .await?;
        match fatal {
            Some(e) => Err(e),
            None => Ok(report),
        }
    }

    /// Processes 41-47. A day is imported once per kind (`…<kind>exportdate`, a name this
    /// crawler adds) and not at all when the Python crawler's global
    /// `strtmdbcrawlertmdbidimportdate` already covers it; `--force` imports again. The global
    /// date advances once every kind holds that day.
    async fn exports(
        &mut self,
        kinds: &[ExportKind],
        date: NaiveDate,
        force: bool,
    ) -> Result<Vec<ProcessReport>, RunError> {
        let day = date.format("%Y-%m-%d").to_string();
        let global = self.get(VAR_IMPORT_DATE).await?;
        let mut reports = Vec::new();
        let mut to_import = Vec::new();
        for &kind in kinds {
            let number = kind.process();
            let kind_day = self.get(&export_var(kind, "exportdate")).await?;
            if !force && (day.as_str() <= global.as_str() || day.as_str() <= kind_day.as_str()) {
                tracing::info!(process = number, export_date = %day, "this export day is already imported; --force imports it again");
                reports.push(ProcessReport {
                    number,
                    outcome: ProcessOutcome::Skipped(format!("{day} already imported")),
                });
                continue;
            }
            to_import.push(kind);
        }
        let overlap_index_builds = export::overlaps_index_builds(self.db.get_database_backend());
        let (events_tx, mut events) = tokio::sync::mpsc::unbounded_channel();
        let downloads = actix_rt::spawn(self.exports.send(DownloadExports {
            kinds: to_import,
            date,
            overlap_index_builds,
            events: events_tx,
        }));
        // The events end when the downloader has finished every kind (its sender is dropped).
        while let Some(event) = events.recv().await {
            match event {
                ExportEvent::Started(kind) => self.export_started(kind).await?,
                ExportEvent::Finished(kind, result) => {
                    let outcome = self.export_finished(kind, &day, result).await?;
                    reports.push(ProcessReport {
                        number: kind.process(),
                        outcome,
                    });
                }
            }
        }
        if !matches!(downloads.await, Ok(Ok(()))) {
            return Err(RunError::WriterGone);
        }
        reports.sort_by_key(|r| r.number);
        if day.as_str() > global.as_str() {
            let mut complete = true;
            for kind in ExportKind::ALL {
                let kind_day = self.get(&export_var(kind, "exportdate")).await?;
                complete &= day.as_str() <= kind_day.as_str();
            }
            if complete {
                self.set(vec![var(
                    VAR_IMPORT_DATE,
                    &day,
                    "Last export day fully imported",
                )])
                .await?;
            }
        }
        Ok(reports)
    }
}

impl Run {
    /// An export began to load: the Python crawler's start variables.
    async fn export_started(&mut self, kind: ExportKind) -> Result<(), RunError> {
        self.begin_process(kind.process()).await?;
        self.set(vec![var(
            &export_var(kind, "startdate"),
            &self.now(),
            "Start of this export's import",
        )])
        .await
    }

    /// An export ended: its count (or `FAILED`), dates and log line.
    async fn export_finished(
        &self,
        kind: ExportKind,
        day: &str,
        result: Result<ExportReport, ExportError>,
    ) -> Result<ProcessOutcome, RunError> {
        let number = kind.process();
        let span = tracing::info_span!("process", number, kind = kind.file_stem());
        let _entered = span.enter();
        match result {
            Ok(r) => {
                tracing::info!(
                    process = number,
                    kind = kind.file_stem(),
                    rows = r.rows,
                    lines = r.lines,
                    bad_lines = r.bad_lines,
                    truncated = r.truncated,
                    seconds = r.seconds,
                    "export imported"
                );
                drop(_entered);
                self.set(vec![
                    var(
                        &export_var(kind, "count"),
                        &r.rows.to_string(),
                        "Rows imported from this export",
                    ),
                    var(
                        &export_var(kind, "exportdate"),
                        day,
                        "Export day of this kind last imported",
                    ),
                    var(
                        &export_var(kind, "importdate"),
                        &self.now(),
                        "When this export was last imported",
                    ),
                    var(
                        &export_var(kind, "enddate"),
                        &self.now(),
                        "End of this export's import",
                    ),
                ])
                .await?;
                Ok(ProcessOutcome::Imported(r))
            }
            Err(e) => {
                tracing::error!(process = number, kind = kind.file_stem(), error = %e, "export not imported; the previous import is kept");
                drop(_entered);
                self.set(vec![
                    var(
                        &export_var(kind, "count"),
                        "FAILED",
                        "Rows imported from this export",
                    ),
                    var(
                        &export_var(kind, "enddate"),
                        &self.now(),
                        "End of this export's import",
                    ),
                ])
                .await?;
                Ok(ProcessOutcome::Failed(e.to_string()))
            }
        }
    }

    /// Marks `number` as the running process and appends it to `…processesexecuted`.
    async fn begin_process(&mut self, number: u16) -> Result<&'static str, RunError> {
        let name = process::find(number).map(|p| p.name).unwrap_or_default();
        self.executed.push_str(&format!("{number}, "));
        self.set(vec![
            var(
                VAR_EXECUTED,
                &self.executed,
                "Processes executed by the current or last run",
            ),
            var(
                VAR_CURRENT,
                &format!("{number}: {name}"),
                "Process running now",
            ),
        ])
        .await?;
        Ok(name)
    }

    fn fetcher(&self, kind: EntityKind, number: u16) -> Result<Recipient<Fetch>, RunError> {
        self.workers
            .as_ref()
            .and_then(|w| w.fetchers.get(&kind).cloned())
            .ok_or(RunError::NoApiCredentials(number))
    }

    /// Consecutive id processes as one pipeline: pages of each selection → the fetcher of its
    /// kind, `max_in_flight` entities at a time across the whole group, so the rate cap stays
    /// busy while the next page or the next process is selected. 14-16 delete what TMDb no
    /// longer serves.
    ///
    /// Ordering rules, which keep the results those of one-process-after-the-other:
    /// - up to [`SELECTIONS_AT_ONCE`] processes select at once, in run order, and a page is read
    ///   while the previous page's entities are in flight (keyset pages never overlap); waiting
    ///   ids are handed out earliest process first;
    /// - 23 and 31-33 select only once the earlier processes whose rows they read (Wikidata
    ///   ids, credits; [`reads_rows_of`]) have completed; later processes go on meanwhile;
    /// - an entity is fetched at most once per group: an id a later process selects while an
    ///   earlier one is fetching it is not fetched again.
    ///
    /// On a fatal error the outcomes so far come back with it.
    async fn id_processes(
        &mut self,
        numbers: &[u16],
        limit: Option<u64>,
    ) -> Result<Vec<ProcessReport>, (Vec<ProcessReport>, RunError)> {
        let mut skipped = Vec::new();
        let mut lanes = Vec::new();
        let no_outcomes = |e| (Vec::new(), e);
        for &number in numbers {
            let Some(kind) = selections::selection_kind(number) else {
                return Err(no_outcomes(RunError::NotImplemented(number)));
            };
            let fetcher = self.fetcher(kind, number).map_err(no_outcomes)?;
            // 13, 16 and 23 run once per export day, as in the Python crawler.
            let gate = if ONCE_PER_EXPORT_DAY.contains(&number) {
                let day = self.get(VAR_IMPORT_DATE).await.map_err(no_outcomes)?;
                let done = self.get(&gate_var(number)).await.map_err(no_outcomes)?;
                if !day.is_empty() && day.as_str() <= done.as_str() {
                    tracing::info!(process = number, export_date = %day, "already ran for this export day");
                    skipped.push(ProcessReport {
                        number,
                        outcome: ProcessOutcome::Skipped(format!(
                            "already ran for the export of {day}"
                        )),
                    });
                    continue;
                }
                Some(day)
            } else {
                None
            };
            let name = process::find(number).map(|p| p.name).unwrap_or_default();
            lanes.push(Lane {
                index: lanes.len(),
                number,
                name,
                kind,
                fetcher,
                gate,
                count_var: format!("strtmdbcrawlerprocess{number}{name}count"),
                span: tracing::info_span!("process", number, name),
                report: EntityReport::default(),
                started: None,
                end_seen: false,
                waiting: std::collections::VecDeque::new(),
                dispatched: 0,
                done: 0,
                counted: 0,
            });
        }
        if lanes.is_empty() {
            return Ok(skipped);
        }
        let schema = SchemaFlags::probe(&self.db)
            .await
            .map_err(|e| no_outcomes(RunError::Db(e.to_string())))?;
        let params = SelectionParams {
            now: local_now(self.timezone),
            refresh_after_days: self.settings.refresh_after_days,
            refresh_max_per_run: self.settings.refresh_max_per_run,
            new_max_per_run: selections::DEFAULT_NEW_MAX_PER_RUN,
            languages: self.settings.languages.clone(),
            schema,
        };

        // Lane states the selections wait on, and a wake-up for every change.
        let progress: RefCell<Vec<LaneProgress>> =
            RefCell::new(vec![LaneProgress::default(); lanes.len()]);
        let changed = tokio::sync::Notify::new();
        let halt = std::cell::Cell::new(false);
        let (pages_tx, mut pages_rx) = tokio::sync::mpsc::channel::<Selected>(1);

        let lane_numbers: Vec<u16> = lanes.iter().map(|l| l.number).collect();
        let selectors = {
            let db = self.db.clone();
            let stop = self.stop.clone();
            let (progress, changed, halt, params) = (&progress, &changed, &halt, &params);
            let numbers = &lane_numbers;
            let spans: Vec<tracing::Span> = lanes.iter().map(|l| l.span.clone()).collect();
            let selectors = numbers.iter().enumerate().map(|(i, &number)| {
                let (db, stop, tx, span) =
                    (db.clone(), stop.clone(), pages_tx.clone(), spans[i].clone());
                async move {
                    let reads = reads_rows_of(number);
                    // 31-33 scan the credit tables ahead, while the processes whose writes they
                    // read still run, and only recheck once these have completed.
                    let ahead = selections::selects_ahead(number) && limit.is_none();
                    let mut snapshot: Option<Vec<i64>> = None;
                    let mut result = Ok(());
                    loop {
                        let wake = changed.notified();
                        let (written, turn) = {
                            let p = progress.borrow();
                            let earlier = p[..i].iter().zip(numbers);
                            let written = earlier.clone().all(|(l, n)| {
                                l.complete
                                    || !selections::selection_kind(*n)
                                        .is_some_and(|k| reads.contains(&k))
                            });
                            let selecting = earlier
                                .filter(|(l, n)| !l.selected_all && reads_rows_of(**n).is_empty())
                                .count();
                            (written, selecting < SELECTIONS_AT_ONCE)
                        };
                        if (written && turn) || halt.get() || stop.stopped() {
                            break;
                        }
                        if ahead && turn && snapshot.is_none() {
                            let taken =
                                retry::retry(RetryPolicy::configured(), "read selection", || {
                                    selections::snapshot(&db, number, params)
                                })
                                .instrument(span.clone())
                                .await;
                            match taken {
                                Ok(ids) => snapshot = Some(ids),
                                Err(e) => {
                                    result = Err(RunError::Db(e.to_string()));
                                    halt.set(true);
                                    changed.notify_waiters();
                                }
                            }
                            continue;
                        }
                        wake.await;
                    }
                    if let Some(snapshot) = snapshot.filter(|_| !halt.get() && !stop.stopped()) {
                        // Credit rows written by this run carry a later `TIM_UPDATED`; the
                        // margin covers a clock set back (daylight saving time).
                        let since = params.now - chrono::Duration::hours(2);
                        let ids = retry::retry(RetryPolicy::configured(), "read selection", || {
                            selections::recheck(&db, number, params, &snapshot, since)
                        })
                        .instrument(span.clone())
                        .await;
                        match ids {
                            Ok(ids) => {
                                tracing::debug!(
                                    parent: &span,
                                    ahead = snapshot.len(),
                                    ids = ids.len(),
                                    "selection rechecked"
                                );
                                for chunk in ids.chunks(SELECTION_PAGE as usize) {
                                    let page = chunk.iter().map(|&id| id as u64).collect();
                                    if stop.stopped()
                                        || halt.get()
                                        || tx.send(Selected::Page(i, page)).await.is_err()
                                    {
                                        break;
                                    }
                                }
                            }
                            Err(e) => {
                                result = Err(RunError::Db(e.to_string()));
                                halt.set(true);
                            }
                        }
                    } else {
                        let mut selected = 0u64;
                        let mut cursor = None;
                        while !stop.stopped() && !halt.get() {
                            let size = match limit {
                                Some(l) if l <= selected => break,
                                Some(l) => SELECTION_PAGE.min(l - selected),
                                None => SELECTION_PAGE,
                            };
                            let asked = Instant::now();
                            let page = retry::retry(
                                RetryPolicy::configured(),
                                "read selection page",
                                || selections::page(&db, number, params, cursor.as_ref(), size),
                            )
                            .instrument(span.clone())
                            .await;
                            tracing::debug!(
                                parent: &span,
                                ids = page.as_ref().map_or(0, |p| p.ids.len()),
                                ms = asked.elapsed().as_millis() as u64,
                                "selection page read"
                            );
                            let page = match page {
                                Ok(page) => page,
                                Err(e) => {
                                    result = Err(RunError::Db(e.to_string()));
                                    halt.set(true);
                                    break;
                                }
                            };
                            if page.ids.is_empty() {
                                break;
                            }
                            selected += page.ids.len() as u64;
                            let next = page.next;
                            if tx.send(Selected::Page(i, page.ids)).await.is_err() {
                                break;
                            }
                            match next {
                                Some(next) => cursor = Some(next),
                                None => break,
                            }
                        }
                    }
                    progress.borrow_mut()[i].selected_all = true;
                    changed.notify_waiters();
                    let _ = tx.send(Selected::End(i)).await;
                    result
                }
            });
            futures_util::future::join_all(selectors)
        };
        drop(pages_tx);

        let in_flight_max = self.settings.max_in_flight.max(1);
        let pipeline = async {
            let mut in_flight = futures_util::stream::FuturesUnordered::new();
            // Ids waiting for a slot (`Lane::waiting`), in all; the earliest process goes
            // first, so the processes 23 and 31-33 wait on finish as early as they can.
            let mut pending_total = 0usize;
            let mut seen: std::collections::HashSet<(EntityKind, u64)> =
                std::collections::HashSet::new();
            let mut flying: HashMap<EntityKind, usize> = HashMap::new();
            let mut selections_open = true;
            // Processes whose first page has arrived and whose start is not yet recorded.
            let mut beginning: Vec<usize> = Vec::new();
            let mut fatal: Option<(u16, String)> = None;
            let mut bar = ProgressBar::on_terminal();
            let mut last_progress = Instant::now();
            loop {
                let stopping = self.stop.stopped() || fatal.is_some();
                if stopping {
                    halt.set(true);
                    changed.notify_waiters();
                    for lane in lanes.iter_mut().filter(|l| !l.waiting.is_empty()) {
                        lane.waiting.clear();
                        lane.report.interrupted = true;
                    }
                    pending_total = 0;
                }
                while !stopping && in_flight.len() < in_flight_max {
                    // A person and a movie or series write the same credit rows. A process's ids
                    // go out only once the earlier processes of the other side have completed,
                    // so those rows end as a one-after-the-other run leaves them (the side
                    // written last wins), and the two sides are never in flight together, or
                    // both could insert the same row.
                    let ready = (0..lanes.len()).find(|&i| {
                        !lanes[i].waiting.is_empty()
                            && lanes[..i]
                                .iter()
                                .all(|e| e.is_complete() || !shares_rows(e.kind, lanes[i].kind))
                    });
                    let Some(i) = ready else {
                        break;
                    };
                    let kind = lanes[i].kind;
                    if flying.iter().any(|(k, n)| *n > 0 && shares_rows(*k, kind)) {
                        break;
                    }
                    let Some(id) = lanes[i].waiting.pop_front() else {
                        break;
                    };
                    pending_total -= 1;
                    *flying.entry(kind).or_insert(0) += 1;
                    let lane = &mut lanes[i];
                    lane.dispatched += 1;
                    let fetcher = lane.fetcher.clone();
                    let context = format!("process {}", lane.number);
                    in_flight.push(
                        async move { (i, id, fetcher.send(Fetch { id, context }).await) }
                            .instrument(lane.span.clone()),
                    );
                }
                // A process's start variables are written once its first ids are in flight.
                for i in beginning.drain(..) {
                    let (number, count_var) = (lanes[i].number, lanes[i].count_var.clone());
                    self.begin_process(number).await?;
                    self.set(vec![var(&count_var, "0", "Ids processed by this process")])
                        .await?;
                }
                if !selections_open && in_flight.is_empty() && pending_total == 0 {
                    break;
                }
                // While stopping, pages are still received (and dropped) so that no selection
                // stays blocked on a full channel. With nothing in flight, pages are received
                // whatever the number of waiting ids: the waiting ones may all belong to
                // processes that wait for an earlier one whose end is still in the channel.
                let want_pages = selections_open
                    && (stopping
                        || in_flight.is_empty()
                        || pending_total < 2 * SELECTION_PAGE as usize);
                if !want_pages && in_flight.is_empty() {
                    let states: Vec<String> = lanes.iter().map(Lane::describe).collect();
                    tracing::error!(lanes = ?states, "the pipeline cannot make progress");
                    return Err(RunError::Stuck(states.join("; ")));
                }
                tokio::select! {
                    biased;
                    Some((i, id, outcome)) = in_flight.next(), if !in_flight.is_empty() => {
                        let lane = &mut lanes[i];
                        if let Some(n) = flying.get_mut(&lane.kind) {
                            *n -= 1;
                        }
                        match outcome {
                            Ok(FetchOutcome::Stored(_)) => lane.report.stored += 1,
                            Ok(FetchOutcome::NotFound) => {
                                lane.report.gone += 1;
                                if matches!(lane.number, 14..=16) {
                                    let deleted = self
                                        .writer
                                        .send(DeleteEntity {
                                            kind: lane.kind,
                                            id: crate::records::id32(id),
                                        })
                                        .await
                                        .map_err(|_| RunError::WriterGone)?;
                                    match deleted {
                                        Ok(_) => lane.report.deleted += 1,
                                        Err(e) => lane.report.failed.push((id, e.to_string())),
                                    }
                                }
                            }
                            Ok(FetchOutcome::Failed(f)) => {
                                if f.fatal && fatal.is_none() {
                                    fatal = Some((lane.number, f.reason.clone()));
                                }
                                lane.report.failed.push((id, f.reason));
                            }
                            Err(e) => lane.report.failed.push((id, format!("fetcher unavailable: {e}"))),
                        }
                        lane.done += 1;
                        bar.show(lane.number, lane.name, &lane.report, lane.started.unwrap_or_else(Instant::now));
                        if lane.done - lane.counted >= SELECTION_PAGE {
                            self.count(lane).await?;
                        }
                        self.finish_if_complete(lane, &progress, &changed, &mut bar).await?;
                    }
                    selected = pages_rx.recv(), if want_pages => {
                        let Some(selected) = selected else {
                            selections_open = false;
                            continue;
                        };
                        let i = match &selected {
                            Selected::Page(i, _) | Selected::End(i) => *i,
                        };
                        if lanes[i].started.is_none() && !stopping {
                            lanes[i].started = Some(Instant::now());
                            beginning.push(i);
                        }
                        match selected {
                            Selected::Page(i, ids) if stopping => {
                                lanes[i].report.interrupted |= !ids.is_empty();
                            }
                            Selected::Page(i, ids) => {
                                let lane = &mut lanes[i];
                                for id in ids {
                                    if seen.insert((lane.kind, id)) {
                                        lane.report.selected += 1;
                                        lane.waiting.push_back(id);
                                        pending_total += 1;
                                    }
                                }
                            }
                            Selected::End(i) => {
                                lanes[i].end_seen = true;
                                self.finish_if_complete(&mut lanes[i], &progress, &changed, &mut bar).await?;
                            }
                        }
                    }
                }
                if last_progress.elapsed().as_secs() >= PROGRESS_EVERY_SECS {
                    last_progress = Instant::now();
                    for lane in lanes
                        .iter()
                        .filter(|l| l.started.is_some() && !l.is_complete())
                    {
                        lane.log_progress();
                    }
                }
            }
            Ok::<_, RunError>(fatal)
        };

        let (selected, piped) = futures_util::join!(selectors, pipeline);
        let mut outcomes = skipped;
        for lane in &mut lanes {
            if lane.started.is_some() {
                lane.report.seconds = lane.started.map(|s| s.elapsed().as_secs()).unwrap_or(0);
            }
        }
        let fatal = match piped {
            Ok(fatal) => fatal,
            Err(e) => return Err((outcomes, e)),
        };
        for lane in lanes {
            if lane.started.is_none() {
                tracing::info!(process = lane.number, "stop requested: not started");
                continue;
            }
            outcomes.push(ProcessReport {
                number: lane.number,
                outcome: ProcessOutcome::Entities(lane.report),
            });
        }
        if let Some((process, reason)) = fatal {
            tracing::error!(process, %reason, "fatal error, the run stops");
            return Err((outcomes, RunError::Fatal { process, reason }));
        }
        if let Some(Err(e)) = selected.into_iter().find(|r| r.is_err()) {
            return Err((outcomes, e));
        }
        Ok(outcomes)
    }

    /// `strtmdbcrawlerprocess<n><name>count` and the last-crawled time.
    async fn count(&self, lane: &mut Lane) -> Result<(), RunError> {
        lane.counted = lane.done;
        self.set(vec![
            var(
                &lane.count_var,
                &lane.done.to_string(),
                "Ids processed by this process",
            ),
            var(
                VAR_LAST_CRAWLED,
                &self.now(),
                "Time of the last crawled record",
            ),
        ])
        .await
    }

    /// When every id of a process is done: its count, its once-a-day mark, its last progress
    /// line, and a wake-up for the selections waiting on it.
    async fn finish_if_complete(
        &self,
        lane: &mut Lane,
        progress: &RefCell<Vec<LaneProgress>>,
        changed: &tokio::sync::Notify,
        bar: &mut ProgressBar,
    ) -> Result<(), RunError> {
        if !lane.is_complete() {
            return Ok(());
        }
        let index = lane.index;
        if progress.borrow()[index].complete {
            return Ok(());
        }
        let Some(started) = lane.started else {
            // Stopped before it began: nothing to record.
            progress.borrow_mut()[index].complete = true;
            changed.notify_waiters();
            return Ok(());
        };
        if lane.done < lane.report.selected {
            lane.report.interrupted = true;
        }
        // The selections waiting on this process go first; the variables below don't concern
        // them.
        progress.borrow_mut()[index].complete = true;
        changed.notify_waiters();
        self.count(lane).await?;
        bar.finish(lane.number, lane.name, &lane.report, started);
        if let Some(day) = &lane.gate
            && !lane.report.interrupted
            && !day.is_empty()
        {
            self.set(vec![var(
                &gate_var(lane.number),
                day,
                "Export day this once-a-day process last ran for",
            )])
            .await?;
        }
        lane.log_progress();
        for (id, reason) in &lane.report.failed {
            tracing::warn!(process = lane.number, id, %reason, "entity failed");
        }
        Ok(())
    }

    /// A change feed (51-53).
    async fn changes(
        &mut self,
        number: u16,
        kind: ChangesKind,
        limit: Option<u64>,
        prepared: Option<FeedStart>,
    ) -> Result<ProcessOutcome, RunError> {
        let fetcher = self.fetcher(kind.entity(), number)?;
        let Some(poller) = self.workers.as_ref().map(|w| w.changes.clone()) else {
            return Err(RunError::NoApiCredentials(number));
        };
        self.begin_process(number).await?;
        let answer = poller
            .send(PollChanges {
                kind,
                today: open_day(self.timezone),
                fetcher,
                max_in_flight: self.settings.max_in_flight.max(1),
                include_adult: self.settings.include_adult,
                limit,
                stop: self.stop.clone(),
                prepared,
            })
            .await
            .map_err(|_| RunError::WriterGone)?;
        match answer {
            Ok(report) => Ok(ProcessOutcome::Changes(report)),
            Err(e) if e.is_fatal() => Err(RunError::Fatal {
                process: number,
                reason: e.to_string(),
            }),
            Err(e) => Ok(ProcessOutcome::Failed(e.to_string())),
        }
    }
}

/// Selections that may run at once in a pipeline: on a large database a selection can take
/// seconds (a scan of the person table), and the entities of the processes before it may not
/// cover that.
const SELECTIONS_AT_ONCE: usize = 3;

/// The entity kinds whose writes a process's selection reads (23: movies' Wikidata ids;
/// 31-33: credits): it selects only once the earlier processes of those kinds have completed.
/// Empty for the others, which select as soon as the earlier ones have finished selecting.
fn reads_rows_of(number: u16) -> &'static [EntityKind] {
    use EntityKind::{Movie, Person, Series};
    match number {
        23 => &[Movie],
        31 => &[Movie, Series, Person],
        32 => &[Movie, Person],
        33 => &[Series, Person],
        _ => &[],
    }
}

/// Whether writes of these two kinds touch the same rows (the credit tables).
fn shares_rows(a: EntityKind, b: EntityKind) -> bool {
    use EntityKind::{Movie, Person, Series};
    matches!((a, b), (Person, Movie | Series) | (Movie | Series, Person))
}

/// What a selection hands the pipeline.
enum Selected {
    Page(usize, Vec<u64>),
    /// The selection is exhausted (or stopped).
    End(usize),
}

/// What the selections of a pipeline wait on.
#[derive(Debug, Clone, Default)]
struct LaneProgress {
    selected_all: bool,
    complete: bool,
}

/// One id process of a pipeline.
struct Lane {
    index: usize,
    number: u16,
    name: &'static str,
    kind: EntityKind,
    fetcher: Recipient<Fetch>,
    /// The export day a once-a-day process runs for.
    gate: Option<String>,
    count_var: String,
    span: tracing::Span,
    report: EntityReport,
    started: Option<Instant>,
    end_seen: bool,
    /// Ids waiting for a free slot, sent to the fetcher, answered.
    waiting: std::collections::VecDeque<u64>,
    dispatched: u64,
    done: u64,
    /// `done` when the count variable was last written.
    counted: u64,
}

impl Lane {
    fn is_complete(&self) -> bool {
        self.end_seen && self.waiting.is_empty() && self.done == self.dispatched
    }

    /// One line for a stall report: where this process stands.
    fn describe(&self) -> String {
        format!(
            "{} started={} end_seen={} waiting={} dispatched={} done={}",
            self.number,
            self.started.is_some(),
            self.end_seen,
            self.waiting.len(),
            self.dispatched,
            self.done
        )
    }

    fn log_progress(&self) {
        let secs = self
            .started
            .map(|s| s.elapsed().as_secs_f64())
            .unwrap_or(0.0)
            .max(0.001);
        tracing::info!(
            process = self.number,
            selected = self.report.selected,
            done = self.done,
            stored = self.report.stored,
            gone = self.report.gone,
            failed = self.report.failed.len(),
            per_second = format!("{:.1}", self.done as f64 / secs),
            "progress"
        );
    }
}

/// A one-line progress display on stderr when it is a terminal (logs stay structured otherwise).
struct ProgressBar {
    on: bool,
    last: Option<Instant>,
}

impl ProgressBar {
    fn on_terminal() -> Self {
        use std::io::IsTerminal;
        ProgressBar {
            on: std::io::stderr().is_terminal(),
            last: None,
        }
    }

    fn line(number: u16, name: &str, r: &EntityReport, started: Instant) -> String {
        let done = r.stored + r.gone + r.failed.len() as u64;
        let rate = done as f64 / started.elapsed().as_secs_f64().max(0.001);
        format!(
            "{number:>2} {name}: {done}/{} done, {} stored, {} gone, {} failed, {rate:.1}/s",
            r.selected,
            r.stored,
            r.gone,
            r.failed.len()
        )
    }

    fn show(&mut self, number: u16, name: &str, r: &EntityReport, started: Instant) {
        if !self.on || self.last.is_some_and(|t| t.elapsed().as_millis() < 250) {
            return;
        }
        self.last = Some(Instant::now());
        eprint!("\r\x1b[2K{}", Self::line(number, name, r, started));
    }

    fn finish(&mut self, number: u16, name: &str, r: &EntityReport, started: Instant) {
        if self.on && self.last.is_some() {
            eprintln!("\r\x1b[2K{}", Self::line(number, name, r, started));
        }
    }
}

fn var(name: &str, value: &str, description: &str) -> (String, String, String) {
    (name.to_owned(), value.to_owned(), description.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use EntityKind::*;

    #[test]
    fn persons_never_fly_with_movies_or_series() {
        assert!(shares_rows(Person, Movie) && shares_rows(Movie, Person));
        assert!(shares_rows(Person, Series) && shares_rows(Series, Person));
        assert!(!shares_rows(Movie, Series));
        assert!(!shares_rows(Movie, Movie));
        assert!(!shares_rows(Person, Person));
        for other in [Collection, Company, Network, Keyword, List] {
            assert!(!shares_rows(Person, other) && !shares_rows(other, Movie));
        }
    }

    #[test]
    fn only_23_and_31_to_33_wait_for_the_rows_they_read() {
        assert_eq!(reads_rows_of(23), &[Movie]);
        assert_eq!(reads_rows_of(31), &[Movie, Series, Person]);
        assert_eq!(reads_rows_of(32), &[Movie, Person]);
        assert_eq!(reads_rows_of(33), &[Series, Person]);
        for number in crate::process::DEFAULT_ORDER {
            if !matches!(number, 23 | 31..=33) {
                assert!(reads_rows_of(*number).is_empty(), "{number}");
            }
        }
    }
}
