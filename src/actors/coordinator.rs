//! Coordinator: maps process numbers to workflows, runs them in the given order, and keeps the
//! Python crawler's run-level server variables up to date.
//!
//! Implemented so far: the daily ID exports (41-47). Any other number is refused before the
//! run starts, so a run never half-happens.

use actix::prelude::*;
use chrono::{Duration, NaiveDate};
use chrono_tz::Tz;
use sea_orm::DatabaseConnection;
use tracing::Instrument;

use crate::actors::export::{DownloadExport, ExportDownloader, ExportReport};
use crate::actors::writer::{DbWriter, SetServerVariables};
use crate::process;
use crate::store::imports::ExportKind;
use crate::store::server_vars::{self, format_datetime, local_now};

pub const VAR_IMPORT_DATE: &str = "strtmdbcrawlertmdbidimportdate";
pub const VAR_EXECUTED: &str = "strtmdbcrawlerprocessesexecuted";
pub const VAR_EXECUTED_PREVIOUS: &str = "strtmdbcrawlerprocessesexecutedprevious";
pub const VAR_START: &str = "strtmdbcrawlerstartdatetime";
pub const VAR_END: &str = "strtmdbcrawlerenddatetime";
pub const VAR_CURRENT: &str = "strtmdbcrawlercurrentprocess";

/// `strtmdbcrawlertmdbid<file><what>`, e.g. `strtmdbcrawlertmdbidmoviecount`.
pub fn export_var(kind: ExportKind, what: &str) -> String {
    format!("strtmdbcrawlertmdbid{}{what}", kind.file_stem())
}

/// Processes this version can run.
pub fn is_implemented(number: u16) -> bool {
    ExportKind::from_process(number).is_some()
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
}

#[derive(Debug, Clone, PartialEq)]
pub enum ProcessOutcome {
    Imported(ExportReport),
    /// Nothing to do (e.g. that export day is already imported).
    Skipped(String),
    Failed(String),
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
        self.processes
            .iter()
            .filter(|p| matches!(p.outcome, ProcessOutcome::Failed(_)))
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
}

pub struct Coordinator {
    db: DatabaseConnection,
    writer: Addr<DbWriter>,
    exports: Addr<ExportDownloader>,
    timezone: Tz,
}

impl Coordinator {
    pub fn new(
        db: DatabaseConnection,
        writer: Addr<DbWriter>,
        exports: Addr<ExportDownloader>,
        timezone: Tz,
    ) -> Self {
        Coordinator {
            db,
            writer,
            exports,
            timezone,
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
            timezone: self.timezone,
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
    timezone: Tz,
    executed: String,
}

impl Run {
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

    async fn get(&self, name: &str) -> Result<String, RunError> {
        Ok(server_vars::get(&self.db, name)
            .await
            .map_err(|e| RunError::Db(e.to_string()))?
            .unwrap_or_default())
    }

    async fn execute(mut self, msg: RunProcesses) -> Result<RunReport, RunError> {
        if let Some(n) = msg.processes.iter().find(|n| !is_implemented(**n)) {
            return Err(RunError::NotImplemented(*n));
        }
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

        self.set(vec![
            var(VAR_CURRENT, "", "Process running now"),
            var(VAR_END, &self.now(), "End of the last run"),
        ])
        .await?;
        Ok(report)
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
        for &kind in kinds {
            let number = kind.process();
            let span = tracing::info_span!("process", number, kind = kind.file_stem());
            let kind_day = self.get(&export_var(kind, "exportdate")).await?;
            if !force && (day.as_str() <= global.as_str() || day.as_str() <= kind_day.as_str()) {
                tracing::info!(process = number, export_date = %day, "this export day is already imported; --force imports it again");
                reports.push(ProcessReport {
                    number,
                    outcome: ProcessOutcome::Skipped(format!("{day} already imported")),
                });
                continue;
            }
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
            .await?;
            let sent = self
                .exports
                .send(DownloadExport { kind, date })
                .instrument(span.clone())
                .await;
            let outcome = match sent {
                Ok(Ok(r)) => {
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
                    self.set(vec![
                        var(
                            &export_var(kind, "count"),
                            &r.rows.to_string(),
                            "Rows imported from this export",
                        ),
                        var(
                            &export_var(kind, "exportdate"),
                            &day,
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
                    ProcessOutcome::Imported(r)
                }
                Ok(Err(e)) => {
                    tracing::error!(process = number, kind = kind.file_stem(), error = %e, "export not imported; the previous import is kept");
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
                    ProcessOutcome::Failed(e.to_string())
                }
                Err(_) => return Err(RunError::WriterGone),
            };
            reports.push(ProcessReport { number, outcome });
        }
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

fn var(name: &str, value: &str, description: &str) -> (String, String, String) {
    (name.to_owned(), value.to_owned(), description.to_owned())
}
