//! Processes 41-47: the daily ID exports, and the server variables the Python crawler kept
//! for them.

use chrono::NaiveDate;

use super::{ProcessOutcome, ProcessReport, Run, RunError, VAR_IMPORT_DATE, export_var, var};
use crate::actors::export::{self, DownloadExports, ExportError, ExportEvent, ExportReport};
use crate::store::imports::{ExportKind, LoadOrder};
use crate::watchdog;

/// What waiting on the export downloader ended with.
enum Waited {
    Event(ExportEvent),
    AllDone,
    Stopped,
    Stalled,
}

impl Run {
    /// Processes 41-47. A day is imported once per kind (`…<kind>exportdate`, a name this
    /// crawler adds) and not at all when the Python crawler's global
    /// `strtmdbcrawlertmdbidimportdate` already covers it; `--force` imports again. The global
    /// date advances to the newest day every kind holds.
    pub(super) async fn exports(
        &mut self,
        kinds: &[ExportKind],
        date: NaiveDate,
        force: bool,
    ) -> Result<Vec<ProcessReport>, RunError> {
        let day = date.format("%Y-%m-%d").to_string();
        let global = self.get(VAR_IMPORT_DATE).await?;
        let (mut reports, to_import) = self.exports_to_import(kinds, &day, &global, force).await?;
        reports.extend(self.import(to_import, date, &day).await?);
        reports.sort_by_key(|r| r.number);
        if !self.stop.stopped() {
            // The newest day every kind holds: never behind what the kinds hold, never back.
            let mut held = None::<String>;
            for kind in ExportKind::ALL {
                let kind_day = self.get(&export_var(kind, "exportdate")).await?;
                held = Some(held.map_or(kind_day.clone(), |h| h.min(kind_day)));
            }
            if let Some(held) = held.filter(|held| held.as_str() > global.as_str()) {
                self.set(vec![var(
                    VAR_IMPORT_DATE,
                    &held,
                    "Last export day fully imported",
                )])
                .await?;
            }
        }
        Ok(reports)
    }

    /// The kinds whose day is not imported yet (all with `force`), and reports for the others.
    async fn exports_to_import(
        &self,
        kinds: &[ExportKind],
        day: &str,
        global: &str,
        force: bool,
    ) -> Result<(Vec<ProcessReport>, Vec<ExportKind>), RunError> {
        let mut reports = Vec::new();
        let mut to_import = Vec::new();
        for &kind in kinds {
            let number = kind.process();
            let kind_day = self.get(&export_var(kind, "exportdate")).await?;
            if !force && (day <= global || day <= kind_day.as_str()) {
                tracing::info!(process = number, export_date = %day, "this export day is already imported; --force imports it again");
                reports.push(ProcessReport {
                    number,
                    outcome: ProcessOutcome::Skipped(format!("{day} already imported")),
                });
                continue;
            }
            to_import.push(kind);
        }
        Ok((reports, to_import))
    }

    /// Downloads and imports `kinds`, recording each one's start and end. A stop request or a
    /// stall ends the wait and cancels the imports under way (each is dropped: its staging table
    /// is never swapped in, so yesterday's import stays; the next import drops it): nothing of
    /// this run goes on behind the next one.
    async fn import(
        &mut self,
        kinds: Vec<ExportKind>,
        date: NaiveDate,
        day: &str,
    ) -> Result<Vec<ProcessReport>, RunError> {
        let backend = self.db.get_database_backend();
        let overlap_index_builds = export::overlaps_index_builds(backend);
        let (events_tx, mut events) = tokio::sync::mpsc::unbounded_channel();
        let mut pending = kinds.clone();
        // Dropped with this function on every return: whatever is still importing then stops.
        let (cancel, cancelled) = tokio::sync::watch::channel(());
        let downloads = actix_rt::spawn(self.exports.send(DownloadExports {
            kinds,
            date,
            overlap_index_builds,
            load_order: LoadOrder::for_backend(backend),
            events: events_tx,
            heartbeat: self.heartbeat.clone(),
            cancelled,
        }));
        let mut reports = Vec::new();
        loop {
            let event = match self.next_export_event(&mut events).await {
                Waited::Event(event) => event,
                Waited::AllDone => break,
                Waited::Stalled => {
                    return Err(self.stalled(format!("export import of {pending:?}")));
                }
                Waited::Stopped => {
                    tracing::warn!(unfinished = ?pending, "stop requested during the export import");
                    reports.extend(pending.iter().map(|kind| {
                        ProcessReport {
                            number: kind.process(),
                            outcome: ProcessOutcome::Skipped(
                                "stopped before its import ended; the previous import is kept"
                                    .to_owned(),
                            ),
                        }
                    }));
                    return Ok(reports);
                }
            };
            self.heartbeat.beat();
            match event {
                ExportEvent::Started(kind) => self.export_started(kind).await?,
                ExportEvent::Finished(kind, result) => {
                    pending.retain(|k| *k != kind);
                    let outcome = self.export_finished(kind, day, result).await?;
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
        drop(cancel);
        Ok(reports)
    }

    /// The downloader's next event, unless a stop or a stall comes first. The events end when
    /// it has finished every kind (its sender is dropped).
    async fn next_export_event(
        &self,
        events: &mut tokio::sync::mpsc::UnboundedReceiver<ExportEvent>,
    ) -> Waited {
        let next = async {
            tokio::select! {
                biased;
                _ = self.stop.requested() => Waited::Stopped,
                event = events.recv() => event.map_or(Waited::AllDone, Waited::Event),
            }
        };
        watchdog::within(&self.heartbeat, self.settings.stall_timeout, next)
            .await
            .unwrap_or(Waited::Stalled)
    }

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
}
