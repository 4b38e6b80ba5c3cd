//! Coordinator: maps process numbers to workflows, runs them in the given order, and keeps the
//! Python crawler's run-level server variables up to date.
//!
//! Exports (41-47) go to the ExportDownloader; id processes (1-33) stream their selection in
//! pages into the fetcher of their kind with up to `max_in_flight` entities in progress; the
//! change feeds (51-53) go to the ChangesPoller. A stop request (SIGTERM, Ctrl-C) stops feeding
//! new ids: entities in flight finish or roll back, the variables are written, the run ends.

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

use crate::actors::changes::{ChangesKind, ChangesPoller, ChangesReport, PollChanges, open_day};
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
        for &number in &msg.processes {
            if ExportKind::from_process(number).is_some() {
                continue;
            }
            if self.stop.stopped() {
                tracing::info!(process = number, "stop requested: not started");
                continue;
            }
            let outcome = if let Some(kind) = ChangesKind::from_process(number) {
                self.changes(number, kind, msg.limit).await
            } else {
                self.entities(number, msg.limit).await
            };
            match outcome {
                Ok(outcome) => report.processes.push(ProcessReport { number, outcome }),
                Err(e @ RunError::Fatal { .. }) => {
                    fatal = Some(e);
                    break;
                }
                Err(e) => return Err(e),
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
        let (order, overlap_index_builds) =
            export::import_plan(to_import, self.db.get_database_backend());
        let (events_tx, mut events) = tokio::sync::mpsc::unbounded_channel();
        let downloads = actix_rt::spawn(self.exports.send(DownloadExports {
            kinds: order,
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
        let number = kind.process();
        self.executed.push_str(&format!("{number}, "));
        let name = process::find(number).map(|p| p.name).unwrap_or_default();
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
            var(
                &export_var(kind, "startdate"),
                &self.now(),
                "Start of this export's import",
            ),
        ])
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

    /// An id process: pages of the selection → the fetcher of its kind, `max_in_flight` at a
    /// time; 14-16 delete what TMDb no longer serves.
    async fn entities(
        &mut self,
        number: u16,
        limit: Option<u64>,
    ) -> Result<ProcessOutcome, RunError> {
        let Some(kind) = selections::selection_kind(number) else {
            return Err(RunError::NotImplemented(number));
        };
        let fetcher = self.fetcher(kind, number)?;
        // 13, 16 and 23 run once per export day, as in the Python crawler.
        let gate = if ONCE_PER_EXPORT_DAY.contains(&number) {
            let day = self.get(VAR_IMPORT_DATE).await?;
            let done = self.get(&gate_var(number)).await?;
            if !day.is_empty() && day.as_str() <= done.as_str() {
                tracing::info!(process = number, export_date = %day, "already ran for this export day");
                return Ok(ProcessOutcome::Skipped(format!(
                    "already ran for the export of {day}"
                )));
            }
            Some(day)
        } else {
            None
        };
        let name = self.begin_process(number).await?;
        let span = tracing::info_span!("process", number, name);
        let deletes = matches!(number, 14..=16);
        let schema = SchemaFlags::probe(&self.db)
            .await
            .map_err(|e| RunError::Db(e.to_string()))?;
        let params = SelectionParams {
            now: local_now(self.timezone),
            refresh_after_days: self.settings.refresh_after_days,
            refresh_max_per_run: self.settings.refresh_max_per_run,
            new_max_per_run: selections::DEFAULT_NEW_MAX_PER_RUN,
            languages: self.settings.languages.clone(),
            schema,
        };
        let count_var = format!("strtmdbcrawlerprocess{number}{name}count");
        self.set(vec![var(&count_var, "0", "Ids processed by this process")])
            .await?;
        let started = Instant::now();
        let mut last_progress = Instant::now();
        let mut report = EntityReport::default();
        let mut cursor = None;
        let in_flight = self.settings.max_in_flight.max(1);
        let context = format!("process {number}");
        let mut bar = ProgressBar::on_terminal();
        'pages: loop {
            if self.stop.stopped() {
                report.interrupted = true;
                break;
            }
            let page_size = match limit {
                Some(l) if l <= report.selected => break,
                Some(l) => SELECTION_PAGE.min(l - report.selected),
                None => SELECTION_PAGE,
            };
            let page = retry::retry(RetryPolicy::configured(), "read selection page", || {
                selections::page(&self.db, number, &params, cursor.as_ref(), page_size)
            })
            .instrument(span.clone())
            .await
            .map_err(|e| RunError::Db(e.to_string()))?;
            if page.ids.is_empty() {
                break;
            }
            report.selected += page.ids.len() as u64;
            let stop = self.stop.clone();
            let mut outcomes = futures_util::stream::iter(page.ids.iter().copied())
                .take_while(|_| std::future::ready(!stop.stopped()))
                .map(|id| {
                    let fetcher = fetcher.clone();
                    let context = context.clone();
                    async move { (id, fetcher.send(Fetch { id, context }).await) }
                })
                .buffer_unordered(in_flight);
            let mut fatal = None;
            while let Some((id, outcome)) = outcomes.next().instrument(span.clone()).await {
                bar.show(number, name, &report, started);
                match outcome {
                    Ok(FetchOutcome::Stored(_)) => report.stored += 1,
                    Ok(FetchOutcome::NotFound) => {
                        report.gone += 1;
                        if deletes {
                            let deleted = self
                                .writer
                                .send(DeleteEntity {
                                    kind,
                                    id: crate::records::id32(id),
                                })
                                .await
                                .map_err(|_| RunError::WriterGone)?;
                            match deleted {
                                Ok(_) => report.deleted += 1,
                                Err(e) => report.failed.push((id, e.to_string())),
                            }
                        }
                    }
                    Ok(FetchOutcome::Failed(f)) => {
                        let is_fatal = f.fatal;
                        if is_fatal {
                            fatal = Some(f.reason.clone());
                        }
                        report.failed.push((id, f.reason));
                        if is_fatal {
                            break;
                        }
                    }
                    Err(e) => report
                        .failed
                        .push((id, format!("fetcher unavailable: {e}"))),
                }
            }
            let done = report.stored + report.gone + report.failed.len() as u64;
            if done < report.selected {
                report.interrupted = true;
            }
            self.set(vec![
                var(
                    &count_var,
                    &done.to_string(),
                    "Ids processed by this process",
                ),
                var(
                    VAR_LAST_CRAWLED,
                    &self.now(),
                    "Time of the last crawled record",
                ),
            ])
            .await?;
            if let Some(reason) = fatal {
                tracing::error!(process = number, %reason, "fatal error, the run stops");
                return Err(RunError::Fatal {
                    process: number,
                    reason,
                });
            }
            if last_progress.elapsed().as_secs() >= PROGRESS_EVERY_SECS || page.next.is_none() {
                last_progress = Instant::now();
                let secs = started.elapsed().as_secs_f64().max(0.001);
                tracing::info!(
                    process = number,
                    selected = report.selected,
                    done,
                    stored = report.stored,
                    gone = report.gone,
                    failed = report.failed.len(),
                    per_second = format!("{:.1}", done as f64 / secs),
                    "progress"
                );
            }
            match page.next {
                Some(next) => cursor = Some(next),
                None => break 'pages,
            }
        }
        bar.finish(number, name, &report, started);
        if let Some(day) = gate
            && !report.interrupted
            && !day.is_empty()
        {
            self.set(vec![var(
                &gate_var(number),
                &day,
                "Export day this once-a-day process last ran for",
            )])
            .await?;
        }
        report.seconds = started.elapsed().as_secs();
        for (id, reason) in &report.failed {
            tracing::warn!(process = number, id, %reason, "entity failed");
        }
        Ok(ProcessOutcome::Entities(report))
    }

    /// A change feed (51-53).
    async fn changes(
        &mut self,
        number: u16,
        kind: ChangesKind,
        limit: Option<u64>,
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
