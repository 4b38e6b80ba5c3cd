//! Coordinator: maps process numbers to workflows ([`crate::process`]), runs them in the given
//! order, and keeps the Python crawler's run-level server variables up to date.
//!
//! - exports (41-47) go to the ExportDownloader ([`exports`]);
//! - consecutive id processes (1-33) run as one pipeline ([`pipeline`]): where the next id is
//!   chosen, and how a stop or a stall ends it;
//! - the change feeds (51-53) go to the ChangesPoller;
//! - the provider catalogues (19) go to ProviderCatalogs, where the process stands in the list
//!   (id processes on both sides of it form two pipelines).
//!
//! A stop request (SIGTERM, Ctrl-C; [`crate::shutdown`]) ends every phase: entities in flight
//! finish or roll back, the variables are written, the run ends. A run whose heartbeat stays
//! silent for `stall_timeout` ([`crate::watchdog`]) ends with [`RunError::Stalled`].

mod exports;
mod pipeline;
mod progress;

use std::collections::HashMap;
use std::time::{Duration, Instant};

use actix::prelude::*;
use chrono::{NaiveDate, NaiveDateTime};
use chrono_tz::Tz;
use sea_orm::DatabaseConnection;

use crate::actors::catalogs::{CatalogsReport, ProviderCatalogs, RefreshCatalogs};
use crate::actors::changes::{
    ChangesPoller, ChangesReport, FeedStart, PollChanges, PrepareChanges, open_day,
};
use crate::actors::export::{ExportDownloader, ExportReport};
use crate::actors::fetch::{FailureCause, Fetch};
use crate::actors::writer::{DbWriter, SetServerVariables, StoreKeywordNames};
use crate::process::{self, ChangesKind, Snapshot, Workflow};
use crate::records::EntityKind;
use crate::shutdown::StopSignal;
use crate::store;
use crate::store::imports::ExportKind;
use crate::store::retry::{self, RetryPolicy};
use crate::store::server_vars::{self, format_datetime, local_now};
use crate::watchdog::{self, Heartbeat};

pub const VAR_IMPORT_DATE: &str = "strtmdbcrawlertmdbidimportdate";
pub const VAR_EXECUTED: &str = "strtmdbcrawlerprocessesexecuted";
pub const VAR_EXECUTED_PREVIOUS: &str = "strtmdbcrawlerprocessesexecutedprevious";
pub const VAR_START: &str = "strtmdbcrawlerstartdatetime";
pub const VAR_END: &str = "strtmdbcrawlerenddatetime";
pub const VAR_CURRENT: &str = "strtmdbcrawlercurrentprocess";
pub const VAR_LAST_CRAWLED: &str = "strtmdbcrawlerdatetime";
/// `RUNNING` during a run, then its length in words ("12 hours, 38 minutes, 10 seconds").
pub const VAR_RUNTIME: &str = "strtmdbcrawlertotalruntime";
pub const VAR_RUNTIME_SECONDS: &str = "strtmdbcrawlertotalruntimeseconds";
pub const VAR_RUNTIME_PREVIOUS: &str = "strtmdbcrawlertotalruntimeprevious";
/// Ids the not-found ledger first recorded during the last run, and ids it holds back now.
pub const VAR_LEDGER_NEW: &str = "strtmdbcrawleridnotfoundnewcount";
pub const VAR_LEDGER_ACTIVE: &str = "strtmdbcrawleridnotfoundactivecount";
/// What `…totalruntime` holds while a run is going on.
pub const RUNTIME_RUNNING: &str = "RUNNING";

/// Ids read from a selection at a time.
pub const SELECTION_PAGE: u64 = 500;

/// Database connections a run uses at most: one write per entity in flight, the selection
/// reads (three processes at once, two queries each), the three change feeds, and the run's
/// variables and lock record.
pub fn connections_needed(max_in_flight: u32) -> u32 {
    let selections = pipeline::SELECTIONS_AT_ONCE * crate::store::selections::QUERIES_AT_ONCE;
    max_in_flight + selections as u32 + 3 + 2
}

/// `strtmdbcrawlerprocess<n>exportdate`: the export day a once-a-day process last ran for (a
/// name this crawler adds; the Python crawler compared in memory within one run).
fn gate_var(number: u16) -> String {
    format!("strtmdbcrawlerprocess{number}exportdate")
}

/// `strtmdbcrawlertmdbid<file><what>`, e.g. `strtmdbcrawlertmdbidmoviecount`.
pub fn export_var(kind: ExportKind, what: &str) -> String {
    format!("strtmdbcrawlertmdbid{}{what}", kind.file_stem())
}

/// The actors that call TMDb: entity fetchers (1-33), backfills (34-36), change feeds (51-53),
/// catalogues (19).
#[derive(Clone)]
pub struct EntityWorkers {
    pub fetchers: HashMap<EntityKind, Recipient<Fetch>>,
    /// 34-36: one snapshot of a title, keyed like `process::backfill_of`.
    pub backfills: HashMap<(EntityKind, Snapshot), Recipient<Fetch>>,
    pub changes: Addr<ChangesPoller>,
    pub catalogs: Addr<ProviderCatalogs>,
}

/// Settings of a run.
#[derive(Debug, Clone)]
pub struct RunSettings {
    pub timezone: Tz,
    pub max_in_flight: usize,
    pub include_adult: bool,
    pub refresh_after_days: u32,
    pub refresh_max_per_run: u32,
    pub backfill_max_per_run: u32,
    pub languages: Vec<String>,
    /// No completed work for this long while work remains: the run ends (exit code 1).
    pub stall_timeout: Duration,
    /// Ids read from a selection at a time ([`SELECTION_PAGE`]).
    pub selection_page: u64,
}

/// Run these processes, in this order.
#[derive(Message, Debug, Clone)]
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
    /// The provider catalogues (19).
    Catalogs(CatalogsReport),
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
    /// Requests beyond one per entity (company and network images asked apart).
    pub extra_requests: u64,
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
            ProcessOutcome::Catalogs(r) => r.failed() > 0,
            _ => false,
        })
    }
}

#[derive(Debug, thiserror::Error)]
pub enum RunError {
    #[error("process {0} does not exist (see `tmdb-crawler processes`)")]
    NotImplemented(u16),
    #[error("database error: {0}")]
    Db(String),
    #[error("the database writer stopped")]
    WriterGone,
    #[error("process {0} calls the TMDb API: set api_key or api_token")]
    NoApiCredentials(u16),
    #[error("process {process} stopped the run: {reason}")]
    Fatal {
        process: u16,
        reason: String,
        cause: FailureCause,
    },
    #[error("no work completed for {seconds} s (stall_timeout) during {during}: the run ends")]
    Stalled { seconds: u64, during: String },
    #[error("the id pipeline cannot make progress (a bug): {0}")]
    Stuck(String),
}

/// Runs the processes it is sent, one `RunProcesses` at a time.
pub struct Coordinator {
    /// What every run starts from.
    run: Run,
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
        let run = Run {
            db,
            writer,
            exports,
            workers,
            settings,
            stop,
            heartbeat: Heartbeat::default(),
            executed: String::new(),
        };
        Coordinator { run }
    }
}

impl Actor for Coordinator {
    type Context = Context<Self>;
}

impl Handler<RunProcesses> for Coordinator {
    type Result = ResponseFuture<Result<RunReport, RunError>>;

    fn handle(&mut self, msg: RunProcesses, _ctx: &mut Self::Context) -> Self::Result {
        let run = Run {
            heartbeat: Heartbeat::default(),
            executed: String::new(),
            ..self.run.clone()
        };
        Box::pin(run.execute(msg))
    }
}

/// One run's state: its actors, and what it has executed so far (for `…processesexecuted`).
#[derive(Clone)]
struct Run {
    db: DatabaseConnection,
    writer: Addr<DbWriter>,
    exports: Addr<ExportDownloader>,
    workers: Option<EntityWorkers>,
    settings: RunSettings,
    stop: StopSignal,
    /// Beaten by every completed entity, page, change page and export batch.
    heartbeat: Heartbeat,
    executed: String,
}

/// The steps of a run after the exports: id pipelines and change feeds, in order.
enum Step {
    Ids(Vec<u16>),
    Changes(u16, ChangesKind),
    KeywordNames(u16),
    Catalogs(u16),
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
        format_datetime(local_now(self.settings.timezone))
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

    /// The stall error, logged.
    fn stalled(&self, during: String) -> RunError {
        let seconds = self.settings.stall_timeout.as_secs();
        tracing::warn!(seconds, %during, "no work completed within stall_timeout: the run ends");
        RunError::Stalled { seconds, during }
    }

    async fn execute(mut self, msg: RunProcesses) -> Result<RunReport, RunError> {
        self.check(&msg.processes)?;
        let started = Instant::now();
        let started_at = local_now(self.settings.timezone);
        self.record_start().await?;
        let date = msg.export_date.unwrap_or_else(|| {
            local_now(self.settings.timezone).date() - chrono::Duration::days(1)
        });
        let mut report = RunReport::default();
        // Exports first, whatever their place in the list: the other processes read them.
        let kinds: Vec<ExportKind> = msg
            .processes
            .iter()
            .filter_map(|n| ExportKind::from_process(*n))
            .collect();
        let mut ended = Ok(());
        if !kinds.is_empty() {
            match self.exports(&kinds, date, msg.force).await {
                Ok(reports) => report.processes.extend(reports),
                Err(e) => ended = Err(e),
            }
        }
        if ended.is_ok() {
            ended = self.steps(&msg, &mut report).await;
        }
        // Without its database the run ends at once: the end variables could not be written.
        let database_gone = matches!(
            ended,
            Err(RunError::Db(_))
                | Err(RunError::Fatal {
                    cause: FailureCause::DatabaseUnavailable,
                    ..
                })
        );
        if !database_gone {
            self.record_end(started, started_at).await?;
        }
        ended.map(|()| report)
    }

    /// Every number exists, and API processes have their workers.
    fn check(&self, processes: &[u16]) -> Result<(), RunError> {
        if let Some(n) = processes.iter().find(|n| process::find(**n).is_none()) {
            return Err(RunError::NotImplemented(*n));
        }
        if self.workers.is_none()
            && let Some(n) = processes.iter().find(|n| process::needs_api(**n))
        {
            return Err(RunError::NoApiCredentials(*n));
        }
        Ok(())
    }

    async fn record_start(&self) -> Result<(), RunError> {
        let previous = self.get(VAR_EXECUTED).await?;
        let previous_runtime = self.get(VAR_RUNTIME).await?;
        self.set(vec![
            var(
                VAR_EXECUTED_PREVIOUS,
                &previous,
                "Processes executed by the previous run",
            ),
            var(
                VAR_RUNTIME_PREVIOUS,
                &previous_runtime,
                "Length of the previous run",
            ),
            var(VAR_RUNTIME, RUNTIME_RUNNING, "Length of the last run"),
            var(
                VAR_EXECUTED,
                "",
                "Processes executed by the current or last run",
            ),
            var(VAR_START, &self.now(), "Start of the current or last run"),
        ])
        .await
    }

    async fn record_end(
        &self,
        started: Instant,
        started_at: NaiveDateTime,
    ) -> Result<(), RunError> {
        let seconds = started.elapsed().as_secs();
        let mut vars = vec![
            var(VAR_CURRENT, "", "Process running now"),
            var(VAR_END, &self.now(), "End of the last run"),
            var(
                VAR_RUNTIME,
                &runtime_words(seconds),
                "Length of the last run",
            ),
            var(
                VAR_RUNTIME_SECONDS,
                &seconds.to_string(),
                "Seconds the last run took",
            ),
        ];
        let now = local_now(self.settings.timezone);
        let counts = retry::retry(RetryPolicy::configured(), "count the ledger", || {
            store::entities::ledger_run_counts(&self.db, started_at, now)
        })
        .await
        .map_err(|e| RunError::Db(e.to_string()))?;
        if let Some((new, active)) = counts {
            vars.push(var(
                VAR_LEDGER_NEW,
                &new.to_string(),
                "Ids TMDb answered 'not found' for the first time in the last run",
            ));
            vars.push(var(
                VAR_LEDGER_ACTIVE,
                &active.to_string(),
                "Ids the not-found ledger holds back now",
            ));
        }
        self.set(vars).await
    }

    /// The id pipelines and change feeds, in order; a fatal error, a stall or a database
    /// failure ends the run (with the reports so far kept).
    async fn steps(&mut self, msg: &RunProcesses, report: &mut RunReport) -> Result<(), RunError> {
        let mut feed_starts = self.prepare_feeds(&msg.processes, msg.limit);
        for step in plan_steps(&msg.processes) {
            if self.stop.stopped() {
                tracing::info!(step = ?step_numbers(&step), "stop requested: not started");
                continue;
            }
            match step {
                Step::Changes(number, kind) => {
                    let prepared = match feed_starts.remove(&kind) {
                        Some(request) => request.await.ok().flatten(),
                        None => None,
                    };
                    let outcome = self.changes(number, kind, msg.limit, prepared).await?;
                    report.processes.push(ProcessReport { number, outcome });
                }
                Step::Ids(numbers) => {
                    let (outcomes, ended) = pipeline::run(self, &numbers, msg.limit).await;
                    report.processes.extend(outcomes);
                    ended?;
                }
                Step::KeywordNames(number) => {
                    let outcome = self.keyword_names(number).await?;
                    report.processes.push(ProcessReport { number, outcome });
                }
                Step::Catalogs(number) => {
                    let outcome = self.catalogs(number).await?;
                    report.processes.push(ProcessReport { number, outcome });
                }
            }
        }
        Ok(())
    }

    /// The change feeds' starts, read ahead while the processes before them run. Not with a
    /// limit, which may leave a feed unpolled and its page unused.
    fn prepare_feeds(
        &self,
        processes: &[u16],
        limit: Option<u64>,
    ) -> HashMap<ChangesKind, actix::prelude::Request<ChangesPoller, PrepareChanges>> {
        let mut starts = HashMap::new();
        if limit.is_none()
            && let Some(poller) = self.workers.as_ref().map(|w| w.changes.clone())
        {
            let today = open_day(self.settings.timezone);
            for kind in processes
                .iter()
                .filter_map(|n| ChangesKind::from_process(*n))
            {
                starts
                    .entry(kind)
                    .or_insert_with(|| poller.send(PrepareChanges { kind, today }));
            }
        }
        starts
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

    /// The actor that fetches the ids of process `number`: a backfill's own (34-36), else the
    /// fetcher of entity `kind`.
    fn fetcher(&self, kind: EntityKind, number: u16) -> Result<Recipient<Fetch>, RunError> {
        self.workers
            .as_ref()
            .and_then(|w| match process::backfill_of(number) {
                Some(backfill) => w.backfills.get(&backfill).cloned(),
                None => w.fetchers.get(&kind).cloned(),
            })
            .ok_or(RunError::NoApiCredentials(number))
    }

    /// The provider catalogues (19). A catalogue rejected or not fetched is reported and the
    /// run goes on; refused credentials, a database gone or a stall end the run.
    async fn catalogs(&mut self, number: u16) -> Result<ProcessOutcome, RunError> {
        let Some(catalogs) = self.workers.as_ref().map(|w| w.catalogs.clone()) else {
            return Err(RunError::NoApiCredentials(number));
        };
        self.begin_process(number).await?;
        self.heartbeat.beat();
        let refresh = catalogs.send(RefreshCatalogs {
            stop: self.stop.clone(),
            heartbeat: self.heartbeat.clone(),
        });
        let answer = watchdog::within(&self.heartbeat, self.settings.stall_timeout, refresh)
            .await
            .ok_or_else(|| self.stalled(format!("process {number}")))?
            .map_err(|_| RunError::WriterGone)?;
        match answer {
            Ok(report) => Ok(ProcessOutcome::Catalogs(report)),
            Err(e) => Err(RunError::Fatal {
                process: number,
                reason: e.to_string(),
                cause: e.cause,
            }),
        }
    }

    /// A change feed (51-53). A feed that fails is reported and the run goes on; a fatal
    /// failure or a stall ends the run.
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
        self.heartbeat.beat();
        let poll = poller.send(PollChanges {
            kind,
            today: open_day(self.settings.timezone),
            fetcher,
            max_in_flight: self.settings.max_in_flight.max(1),
            include_adult: self.settings.include_adult,
            limit,
            stop: self.stop.clone(),
            prepared,
            heartbeat: self.heartbeat.clone(),
        });
        let answer = watchdog::within(&self.heartbeat, self.settings.stall_timeout, poll)
            .await
            .ok_or_else(|| self.stalled(format!("change feed {number}")))?
            .map_err(|_| RunError::WriterGone)?;
        match answer {
            Ok(report) => Ok(ProcessOutcome::Changes(report)),
            Err(e) if e.cause().stops_the_run() => Err(RunError::Fatal {
                process: number,
                reason: e.to_string(),
                cause: e.cause(),
            }),
            Err(e) => Ok(ProcessOutcome::Failed(e.to_string())),
        }
    }
}

impl Run {
    /// Process 12: one set-based write, no request. Its count variable holds the keywords
    /// stored (inserted or completed).
    async fn keyword_names(&mut self, number: u16) -> Result<ProcessOutcome, RunError> {
        let name = self.begin_process(number).await?;
        let started = Instant::now();
        let stored = self
            .writer
            .send(StoreKeywordNames)
            .await
            .map_err(|_| RunError::WriterGone)?;
        self.heartbeat.beat();
        let names = match stored {
            Ok(names) => names,
            Err(e) => return Ok(ProcessOutcome::Failed(e.to_string())),
        };
        let count = names.inserted + names.completed;
        tracing::info!(
            process = number,
            inserted = names.inserted,
            completed = names.completed,
            "keyword names stored from the export"
        );
        self.set(vec![var(
            &format!("strtmdbcrawlerprocess{number}{name}count"),
            &count.to_string(),
            "Ids processed by this process",
        )])
        .await?;
        Ok(ProcessOutcome::Entities(EntityReport {
            selected: count,
            stored: count,
            seconds: started.elapsed().as_secs(),
            ..EntityReport::default()
        }))
    }
}

/// The processes after the exports, as steps: consecutive id processes form one pipeline.
fn plan_steps(processes: &[u16]) -> Vec<Step> {
    let mut steps: Vec<Step> = Vec::new();
    for &number in processes {
        match process::find(number).map(|p| p.workflow) {
            Some(Workflow::Changes(kind)) => steps.push(Step::Changes(number, kind)),
            Some(Workflow::ProviderCatalogs) => steps.push(Step::Catalogs(number)),
            Some(Workflow::Ids(_)) => match steps.last_mut() {
                Some(Step::Ids(group)) => group.push(number),
                _ => steps.push(Step::Ids(vec![number])),
            },
            Some(Workflow::KeywordNames) => steps.push(Step::KeywordNames(number)),
            Some(Workflow::Export(_)) | None => {}
        }
    }
    steps
}

fn step_numbers(step: &Step) -> Vec<u16> {
    match step {
        Step::Ids(numbers) => numbers.clone(),
        Step::Changes(number, _) | Step::KeywordNames(number) | Step::Catalogs(number) => {
            vec![*number]
        }
    }
}

fn var(name: &str, value: &str, description: &str) -> (String, String, String) {
    (name.to_owned(), value.to_owned(), description.to_owned())
}

/// A run's length as the Python crawler wrote it: "12 hours, 38 minutes, 10 seconds".
pub fn runtime_words(seconds: u64) -> String {
    let (hours, minutes, seconds) = (seconds / 3600, seconds / 60 % 60, seconds % 60);
    format!("{hours} hours, {minutes} minutes, {seconds} seconds")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_runtime_is_written_in_hours_minutes_and_seconds() {
        assert_eq!(runtime_words(45_490), "12 hours, 38 minutes, 10 seconds");
        assert_eq!(runtime_words(59), "0 hours, 0 minutes, 59 seconds");
        assert_eq!(runtime_words(3_600), "1 hours, 0 minutes, 0 seconds");
    }

    #[test]
    fn consecutive_id_processes_form_one_pipeline_and_feeds_stand_alone() {
        let steps: Vec<Vec<u16>> = plan_steps(&[41, 17, 18, 1, 51, 2, 3, 52, 53, 31])
            .iter()
            .map(step_numbers)
            .collect();
        assert_eq!(
            steps,
            vec![
                vec![17, 18, 1],
                vec![51],
                vec![2, 3],
                vec![52],
                vec![53],
                vec![31]
            ]
        );
    }

    #[test]
    fn the_catalogues_run_where_they_stand_between_two_pipelines() {
        let steps: Vec<Vec<u16>> = plan_steps(&[41, 17, 18, 19, 12, 1, 51])
            .iter()
            .map(step_numbers)
            .collect();
        assert_eq!(
            steps,
            vec![vec![17, 18], vec![19], vec![12], vec![1], vec![51]]
        );
        assert!(matches!(plan_steps(&[19]).as_slice(), [Step::Catalogs(19)]));
    }

    #[test]
    fn the_default_scope_is_19_12_one_pipeline_the_three_feeds_then_refreshes_and_backfills() {
        let steps: Vec<Vec<u16>> = plan_steps(crate::process::DEFAULT_ORDER)
            .iter()
            .map(step_numbers)
            .collect();
        let (feeds, last) = ([51, 52, 53], [22, 28, 24, 34, 35, 36]);
        let ids: Vec<u16> = crate::process::DEFAULT_ORDER
            .iter()
            .copied()
            .filter(|n| {
                !(41..=47).contains(n)
                    && !feeds.contains(n)
                    && !last.contains(n)
                    && *n != 12
                    && *n != 19
            })
            .collect();
        assert!(ids.len() > 10, "{ids:?}");
        assert_eq!(
            steps,
            vec![
                vec![19],
                vec![12],
                ids,
                vec![51],
                vec![52],
                vec![53],
                last.to_vec()
            ]
        );
    }
}
