//! The id pipeline: consecutive id processes ("lanes") share `max_in_flight` fetch slots, so
//! the rate cap stays busy while the next page or the next process is selected.
//!
//! One loop owns every piece of state and, each turn:
//! 1. marks the lanes that have completed ([`Pipeline::complete_lanes`]);
//! 2. starts the selection reads that may start ([`Pipeline::start_reads`]);
//! 3. hands out waiting ids ([`Pipeline::dispatch`], [`Pipeline::next_lane`]: **where the
//!    next id is chosen**);
//! 4. writes the variables of lanes that began or ended;
//! 5. awaits one event: a stop request, a fetch outcome, a read result, or a timer (progress
//!    lines and the stall watchdog). The timer is always armed, so the loop never runs again
//!    without awaiting something, and with nothing in flight the loop checks that some lane
//!    can still move ([`Pipeline::check_progress`]).
//!
//! Ordering rules, which keep the results those of one-process-after-the-other:
//! - up to [`SELECTIONS_AT_ONCE`] processes select at once, in run order; a lane reads its
//!   next page while fewer than a page of its ids wait (keyset pages never overlap), and a
//!   lane's reads depend on no other lane's ids, so no lane's end can wait behind another's;
//! - 23 and 31-33 select only once the earlier processes whose rows they read have completed
//!   (`IdProcess::reads_rows_of`); 31-33 scan ahead meanwhile and recheck then;
//! - waiting ids go out earliest process first; persons never fly with movies or series,
//!   and a lane goes out only once the earlier lanes of the other side have completed;
//! - an entity is fetched at most once per pipeline.

use std::collections::{HashSet, VecDeque};
use std::time::Instant;

use actix::prelude::*;
use futures_util::future::LocalBoxFuture;
use futures_util::stream::FuturesUnordered;
use futures_util::{FutureExt, StreamExt};
use sea_orm::{DatabaseConnection, DbErr};
use tracing::Instrument;

use super::progress::{self, ProgressBar};
use super::{EntityReport, ProcessOutcome, ProcessReport, Run, RunError, gate_var, var};
use crate::actors::fetch::{FailureCause, Fetch, FetchOutcome};
use crate::actors::writer::{DbWriter, DeleteEntity};
use crate::process::{self, IdProcess, Snapshot};
use crate::records::EntityKind;
use crate::shutdown::StopSignal;
use crate::store::retry::{self, RetryPolicy};
use crate::store::schema::SchemaFlags;
use crate::store::selections::{self, Ahead, Cursor, Page, SelectionParams};
use crate::store::server_vars::local_now;
use crate::watchdog::Heartbeat;

/// Selections that may run at once: on a large database a selection can take seconds (a scan
/// of the person table), and the entities of the processes before it may not cover that.
pub(super) const SELECTIONS_AT_ONCE: usize = 3;
/// A scan ahead (31-33) holds at most this many pages of ids; the rest is paged later.
const AHEAD_PAGES: u64 = 20;

/// Whether writes of these two kinds touch the same rows (the credit tables).
fn shares_rows(a: EntityKind, b: EntityKind) -> bool {
    use EntityKind::{Movie, Person, Series};
    matches!((a, b), (Person, Movie | Series) | (Movie | Series, Person))
}

/// Whether `id` goes to a lane fetching `part` of it (`None`: the whole entity): once per
/// pipeline, and a backfill not after the whole entity was fetched, which filled every
/// snapshot; two backfills of one title (34 and 35) fetch different parts.
fn first_time(
    seen: &mut HashSet<(EntityKind, Option<Snapshot>, u64)>,
    kind: EntityKind,
    part: Option<Snapshot>,
    id: u64,
) -> bool {
    if part.is_some() && seen.contains(&(kind, None, id)) {
        return false;
    }
    seen.insert((kind, part, id))
}

/// Runs the id processes `numbers` as one pipeline: their reports (including those skipped
/// by the once-a-day rule), and how the pipeline ended.
pub(super) async fn run(
    run: &mut Run,
    numbers: &[u16],
    limit: Option<u64>,
) -> (Vec<ProcessReport>, Result<(), RunError>) {
    let (skipped, lanes) = match lanes(run, numbers).await {
        Ok(found) => found,
        Err(e) => return (Vec::new(), Err(e)),
    };
    if lanes.is_empty() {
        return (skipped, Ok(()));
    }
    let schema = match SchemaFlags::probe(&run.db).await {
        Ok(schema) => schema,
        Err(e) => return (skipped, Err(RunError::Db(e.to_string()))),
    };
    let params = SelectionParams {
        now: local_now(run.settings.timezone),
        refresh_after_days: run.settings.refresh_after_days,
        refresh_max_per_run: run.settings.refresh_max_per_run,
        backfill_max_per_run: run.settings.backfill_max_per_run,
        new_max_per_run: selections::DEFAULT_NEW_MAX_PER_RUN,
        languages: run.settings.languages.clone(),
        schema,
    };
    let pipeline = Pipeline::new(run, lanes, params, limit);
    let (mut reports, ended) = pipeline.drive(run).await;
    let mut all = skipped;
    all.append(&mut reports);
    (all, ended)
}

/// The lanes of `numbers`, and reports for the once-a-day processes that already ran today.
async fn lanes(run: &Run, numbers: &[u16]) -> Result<(Vec<ProcessReport>, Vec<Lane>), RunError> {
    let mut skipped = Vec::new();
    let mut lanes = Vec::new();
    for &number in numbers {
        let Some((kind, ids)) = process::id_process(number) else {
            return Err(RunError::NotImplemented(number));
        };
        let fetcher = run.fetcher(kind, number)?;
        // 13, 16 and 23 run once per export day, as in the Python crawler.
        let gate = if ids.once_per_export_day {
            let day = run.get(super::VAR_IMPORT_DATE).await?;
            let done = run.get(&gate_var(number)).await?;
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
        lanes.push(Lane::new(number, kind, ids, fetcher, gate));
    }
    Ok((skipped, lanes))
}

/// Where a lane's selection stands.
#[derive(Debug)]
enum Selection {
    /// Not begun: waits for its turn.
    Idle,
    /// A read (page, scan or recheck) is in flight.
    Reading,
    /// 31-33: the ids the credit tables named when scanned ahead; rechecked once the
    /// processes whose rows they read have completed.
    Scanned(Ahead),
    /// More pages to read, after this cursor.
    Paging(Cursor),
    /// Every id is selected (or the run stopped selecting).
    Done,
}

/// A lane's life, for its variables and report.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Life {
    /// No read has answered yet: not reported if the run stops now.
    Pending,
    /// Its first ids are selected; its start variables are still to write.
    Beginning(Instant),
    Running(Instant),
    /// Every id is answered. `announced`: its start variables were written (a lane can begin
    /// and finish in one turn, before they are).
    Finished {
        started: Instant,
        ended: Instant,
        announced: bool,
    },
}

/// One id process of a pipeline.
struct Lane {
    number: u16,
    name: &'static str,
    kind: EntityKind,
    ids: IdProcess,
    fetcher: Recipient<Fetch>,
    /// The export day a once-a-day process runs for.
    gate: Option<String>,
    count_var: String,
    span: tracing::Span,
    selection: Selection,
    life: Life,
    /// Ids selected and not yet sent to the fetcher.
    waiting: VecDeque<u64>,
    /// Ids the selection returned (for `--limit`).
    read: u64,
    in_flight: u64,
    done: u64,
    /// `done` when the count variable was last written.
    counted: u64,
    report: EntityReport,
}

impl Lane {
    fn new(
        number: u16,
        kind: EntityKind,
        ids: IdProcess,
        fetcher: Recipient<Fetch>,
        gate: Option<String>,
    ) -> Lane {
        let name = process::find(number).map(|p| p.name).unwrap_or_default();
        Lane {
            number,
            name,
            kind,
            ids,
            fetcher,
            gate,
            count_var: format!("strtmdbcrawlerprocess{number}{name}count"),
            span: tracing::info_span!("process", number, name),
            selection: Selection::Idle,
            life: Life::Pending,
            waiting: VecDeque::new(),
            read: 0,
            in_flight: 0,
            done: 0,
            counted: 0,
            report: EntityReport::default(),
        }
    }

    fn is_complete(&self) -> bool {
        matches!(self.selection, Selection::Done) && self.waiting.is_empty() && self.in_flight == 0
    }

    fn started(&self) -> Option<Instant> {
        match self.life {
            Life::Pending => None,
            Life::Beginning(t) | Life::Running(t) | Life::Finished { started: t, .. } => Some(t),
        }
    }

    /// Whole seconds from its first selected ids to its last answer (or to now).
    fn seconds(&self) -> u64 {
        match self.life {
            Life::Pending => 0,
            Life::Beginning(t) | Life::Running(t) => t.elapsed().as_secs(),
            Life::Finished { started, ended, .. } => (ended - started).as_secs(),
        }
    }

    /// One line for a stall report: where this process stands.
    fn describe(&self) -> String {
        let selection = match &self.selection {
            Selection::Idle => "idle".to_owned(),
            Selection::Reading => "reading".to_owned(),
            Selection::Scanned(ids) => format!("scanned {}", ids.ids.len()),
            Selection::Paging(_) => "paging".to_owned(),
            Selection::Done => "selected".to_owned(),
        };
        format!(
            "{} ({}): selection {selection}, {} waiting, {} in flight, {} done of {}",
            self.number,
            self.name,
            self.waiting.len(),
            self.in_flight,
            self.done,
            self.report.selected
        )
    }
}

/// Why the pipeline stopped handing out ids.
#[derive(Debug)]
enum Ending {
    /// SIGTERM or Ctrl-C.
    StopRequested,
    /// A fetch failure that stops the run (refused credentials, limiter gone).
    Fatal {
        process: u16,
        reason: String,
        cause: FailureCause,
    },
    /// A selection could not be read (the database stayed away).
    Failed(RunError),
}

/// Handing out ids, or draining what is in flight.
#[derive(Debug)]
enum State {
    Running,
    Draining(Ending),
}

/// What a selection read returns.
enum Read {
    Page(Result<Page, DbErr>),
    Scan(Result<Ahead, DbErr>),
    Recheck(Result<Ahead, DbErr>),
}

type Answer = Result<FetchOutcome, MailboxError>;

/// What the loop wakes up for.
enum Event {
    Stop,
    Fetched(usize, u64, Answer),
    Read(usize, Read),
    Timer,
}

struct Pipeline {
    lanes: Vec<Lane>,
    state: State,
    fetches: FuturesUnordered<LocalBoxFuture<'static, (usize, u64, Answer)>>,
    reads: FuturesUnordered<LocalBoxFuture<'static, (usize, Read)>>,
    /// Every (kind, part, id) handed to a lane in this pipeline: the part is `None` for a
    /// whole entity, the snapshot for a backfill (34-36).
    seen: HashSet<(EntityKind, Option<Snapshot>, u64)>,
    db: DatabaseConnection,
    writer: Addr<DbWriter>,
    params: SelectionParams,
    limit: Option<u64>,
    page: u64,
    max_in_flight: usize,
    stop: StopSignal,
    heartbeat: Heartbeat,
    stall_timeout: std::time::Duration,
    bar: ProgressBar,
    last_log: Instant,
}

impl Pipeline {
    fn new(run: &Run, lanes: Vec<Lane>, params: SelectionParams, limit: Option<u64>) -> Self {
        Pipeline {
            lanes,
            state: State::Running,
            fetches: FuturesUnordered::new(),
            reads: FuturesUnordered::new(),
            seen: HashSet::new(),
            db: run.db.clone(),
            writer: run.writer.clone(),
            params,
            limit,
            page: run.settings.selection_page.max(1),
            max_in_flight: run.settings.max_in_flight.max(1),
            stop: run.stop.clone(),
            heartbeat: run.heartbeat.clone(),
            stall_timeout: run.settings.stall_timeout,
            bar: ProgressBar::on_terminal(),
            last_log: Instant::now(),
        }
    }

    /// The loop: see the module's documentation.
    async fn drive(mut self, run: &mut Run) -> (Vec<ProcessReport>, Result<(), RunError>) {
        self.heartbeat.beat();
        let ended = loop {
            let finished = self.complete_lanes();
            self.start_reads();
            self.dispatch();
            if let Err(e) = self.record(run, finished).await {
                break Err(e);
            }
            if self.is_done() {
                break Ok(());
            }
            if let Err(e) = self.check_progress() {
                break Err(e);
            }
            let event = self.next_event().await;
            if let Err(e) = self.handle(event).await {
                break Err(e);
            }
        };
        self.reports(ended)
    }

    fn is_done(&self) -> bool {
        self.fetches.is_empty()
            && self.reads.is_empty()
            && self.lanes.iter().all(|l| l.is_complete())
    }

    /// Lanes whose last id was answered: marked finished now (so the lanes waiting on them
    /// may select and dispatch in this turn); their variables are written after.
    fn complete_lanes(&mut self) -> Vec<usize> {
        let mut finished = Vec::new();
        for (i, lane) in self.lanes.iter_mut().enumerate() {
            let (started, announced) = match lane.life {
                Life::Beginning(t) => (t, false),
                Life::Running(t) => (t, true),
                Life::Pending | Life::Finished { .. } => continue,
            };
            if lane.is_complete() {
                lane.life = Life::Finished {
                    started,
                    ended: Instant::now(),
                    announced,
                };
                if lane.done < lane.report.selected {
                    lane.report.interrupted = true;
                }
                finished.push(i);
            }
        }
        finished
    }

    /// Starts every read that may start now.
    fn start_reads(&mut self) {
        if !matches!(self.state, State::Running) {
            return;
        }
        for i in 0..self.lanes.len() {
            if let Some(read) = self.read_for(i) {
                self.lanes[i].selection = Selection::Reading;
                // A task of its own: a read holds a database connection, and must go on
                // while this loop awaits a variable write that needs one too.
                let task = tokio::task::spawn_local(read);
                self.reads.push(
                    async move {
                        task.await.unwrap_or_else(|e| {
                            let failed = DbErr::Custom(format!("the selection read failed: {e}"));
                            (i, Read::Page(Err(failed)))
                        })
                    }
                    .boxed_local(),
                );
            }
        }
    }

    /// The read lane `i` may start now, if any.
    fn read_for(&mut self, i: usize) -> Option<LocalBoxFuture<'static, (usize, Read)>> {
        let lane = &self.lanes[i];
        let earlier = &self.lanes[..i];
        let written = earlier
            .iter()
            .all(|e| e.is_complete() || !lane.ids.reads_rows_of.contains(&e.kind));
        let selecting = earlier
            .iter()
            .filter(|e| !matches!(e.selection, Selection::Done) && e.ids.reads_rows_of.is_empty())
            .count();
        let turn = selecting < SELECTIONS_AT_ONCE;
        let room = (lane.waiting.len() as u64) < self.page;
        let ahead = lane.ids.selects_ahead && self.limit.is_none();
        if self.limit.is_some_and(|l| lane.read >= l)
            && matches!(lane.selection, Selection::Idle | Selection::Paging(_))
        {
            self.lanes[i].selection = Selection::Done;
            return None;
        }
        match &lane.selection {
            Selection::Idle if turn && !written && ahead => Some(self.scan(i)),
            Selection::Idle if turn && written && room => Some(self.page_read(i, None)),
            Selection::Scanned(_) if turn && written => {
                let Selection::Scanned(ids) =
                    std::mem::replace(&mut self.lanes[i].selection, Selection::Reading)
                else {
                    return None;
                };
                Some(self.recheck(i, ids))
            }
            Selection::Paging(cursor) if room => {
                let cursor = cursor.clone();
                Some(self.page_read(i, Some(cursor)))
            }
            _ => None,
        }
    }

    fn page_read(
        &self,
        i: usize,
        cursor: Option<Cursor>,
    ) -> LocalBoxFuture<'static, (usize, Read)> {
        let lane = &self.lanes[i];
        let size = match self.limit {
            Some(limit) => self.page.min(limit.saturating_sub(lane.read)),
            None => self.page,
        };
        let (db, params, number) = (self.db.clone(), self.params.clone(), lane.number);
        async move {
            let asked = Instant::now();
            let page = retry::retry(RetryPolicy::configured(), "read selection page", || {
                selections::page(&db, number, &params, cursor.as_ref(), size)
            })
            .await;
            tracing::debug!(
                ids = page.as_ref().map_or(0, |p| p.ids.len()),
                ms = asked.elapsed().as_millis() as u64,
                "selection page read"
            );
            (i, Read::Page(page))
        }
        .instrument(lane.span.clone())
        .boxed_local()
    }

    fn scan(&self, i: usize) -> LocalBoxFuture<'static, (usize, Read)> {
        let lane = &self.lanes[i];
        let (db, params, number) = (self.db.clone(), self.params.clone(), lane.number);
        let ahead = self.page * AHEAD_PAGES;
        async move {
            let ids = retry::retry(RetryPolicy::configured(), "read selection", || {
                selections::snapshot(&db, number, &params, ahead)
            })
            .await;
            (i, Read::Scan(ids))
        }
        .instrument(lane.span.clone())
        .boxed_local()
    }

    fn recheck(&self, i: usize, scanned: Ahead) -> LocalBoxFuture<'static, (usize, Read)> {
        let lane = &self.lanes[i];
        let (db, params, number) = (self.db.clone(), self.params.clone(), lane.number);
        let ahead = self.page * AHEAD_PAGES;
        // Credit rows written by this run carry a later `TIM_UPDATED`; the margin covers a
        // clock set back (daylight saving time).
        let since = params.now - chrono::Duration::hours(2);
        async move {
            let ids = retry::retry(RetryPolicy::configured(), "read selection", || {
                selections::recheck(&db, number, &params, &scanned, since, ahead)
            })
            .await;
            tracing::debug!(
                ahead = scanned.ids.len(),
                ids = ids.as_ref().map_or(0, |a| a.ids.len()),
                through = ids.as_ref().ok().and_then(|a| a.through),
                "selection rechecked"
            );
            (i, Read::Recheck(ids))
        }
        .instrument(lane.span.clone())
        .boxed_local()
    }

    /// Sends waiting ids to the fetchers while slots are free.
    fn dispatch(&mut self) {
        if !matches!(self.state, State::Running) {
            return;
        }
        while self.fetches.len() < self.max_in_flight {
            let Some(i) = self.next_lane() else {
                break;
            };
            let lane = &mut self.lanes[i];
            let Some(id) = lane.waiting.pop_front() else {
                break;
            };
            lane.in_flight += 1;
            let fetcher = lane.fetcher.clone();
            let context = format!("process {}", lane.number);
            self.fetches.push(
                async move { (i, id, fetcher.send(Fetch { id, context }).await) }
                    .instrument(lane.span.clone())
                    .boxed_local(),
            );
        }
    }

    /// Where the next id is chosen: the earliest lane with waiting ids, once every earlier
    /// lane on the other side of the credit rows has completed; none while that other side
    /// has entities in flight. A person and a movie or series write the same credit rows: so
    /// those rows end as a one-after-the-other run leaves them (the side written last wins),
    /// and the two sides never insert the same row at once.
    fn next_lane(&self) -> Option<usize> {
        let lanes = &self.lanes;
        let i = (0..lanes.len()).find(|&i| {
            !lanes[i].waiting.is_empty()
                && lanes[..i]
                    .iter()
                    .all(|e| e.is_complete() || !shares_rows(e.kind, lanes[i].kind))
        })?;
        let kind = lanes[i].kind;
        let blocked = lanes
            .iter()
            .any(|l| l.in_flight > 0 && shares_rows(l.kind, kind));
        (!blocked).then_some(i)
    }

    /// With nothing in flight and the pipeline not done, some lane must be able to read or
    /// dispatch, which this turn's `start_reads` and `dispatch` would have done. If none
    /// could, the scheduling rules have a hole: report every lane instead of waiting.
    fn check_progress(&self) -> Result<(), RunError> {
        if !self.fetches.is_empty() || !self.reads.is_empty() {
            return Ok(());
        }
        let states = self.describe_lanes();
        tracing::error!(lanes = ?states, "the id pipeline cannot make progress");
        debug_assert!(false, "the id pipeline cannot make progress: {states:?}");
        Err(RunError::Stuck(states.join("; ")))
    }

    fn describe_lanes(&self) -> Vec<String> {
        self.lanes.iter().map(Lane::describe).collect()
    }

    /// The next event. The timer branch is always armed: progress lines and the watchdog.
    async fn next_event(&mut self) -> Event {
        let stall_at = self
            .stall_timeout
            .saturating_sub(self.heartbeat.silent_for());
        let log_at = progress::LOG_EVERY.saturating_sub(self.last_log.elapsed());
        let timer = tokio::time::sleep(stall_at.min(log_at));
        let running = matches!(self.state, State::Running);
        tokio::select! {
            biased;
            _ = self.stop.requested(), if running => Event::Stop,
            Some((i, id, answer)) = self.fetches.next(), if !self.fetches.is_empty() => {
                Event::Fetched(i, id, answer)
            }
            Some((i, read)) = self.reads.next(), if !self.reads.is_empty() => Event::Read(i, read),
            _ = timer => Event::Timer,
        }
    }

    async fn handle(&mut self, event: Event) -> Result<(), RunError> {
        match event {
            Event::Stop => {
                tracing::info!("stop requested: no new id is sent, entities in flight finish");
                self.drain(Ending::StopRequested);
            }
            Event::Fetched(i, id, answer) => {
                self.heartbeat.beat();
                self.outcome(i, id, answer).await?;
            }
            Event::Read(i, read) => {
                self.heartbeat.beat();
                self.selected(i, read);
            }
            Event::Timer => self.on_timer()?,
        }
        Ok(())
    }

    /// Stops handing out ids: waiting ids are dropped, reads abandoned, selections closed.
    fn drain(&mut self, why: Ending) {
        match &self.state {
            // A failure while stopping still says how the run ended (and its exit code).
            State::Draining(Ending::StopRequested) if !matches!(why, Ending::StopRequested) => {
                self.state = State::Draining(why);
                return;
            }
            State::Draining(_) => return,
            State::Running => {}
        }
        self.state = State::Draining(why);
        self.reads = FuturesUnordered::new();
        for lane in &mut self.lanes {
            let selecting = !matches!(lane.selection, Selection::Done);
            if !lane.waiting.is_empty() || (selecting && lane.started().is_some()) {
                lane.report.interrupted = true;
            }
            lane.waiting.clear();
            lane.selection = Selection::Done;
        }
    }

    /// A read answered: its ids wait for a slot.
    fn selected(&mut self, i: usize, read: Read) {
        if !matches!(self.state, State::Running) {
            return;
        }
        let lane = &mut self.lanes[i];
        if lane.life == Life::Pending {
            lane.life = Life::Beginning(Instant::now());
        }
        let (ids, next) = match read {
            Read::Page(Ok(page)) => {
                lane.read += page.ids.len() as u64;
                let more = page
                    .next
                    .filter(|_| !page.ids.is_empty() && self.limit.is_none_or(|l| lane.read < l));
                (page.ids, more.map_or(Selection::Done, Selection::Paging))
            }
            Read::Scan(Ok(ids)) => (Vec::new(), Selection::Scanned(ids)),
            Read::Recheck(Ok(ahead)) => {
                let next = match ahead.through {
                    Some(id) => Selection::Paging(Cursor::after_id(lane.number, id)),
                    None => Selection::Done,
                };
                let ids = ahead
                    .ids
                    .into_iter()
                    .filter_map(|id| u64::try_from(id).ok())
                    .collect();
                (ids, next)
            }
            Read::Page(Err(e)) | Read::Scan(Err(e)) | Read::Recheck(Err(e)) => {
                lane.selection = Selection::Done;
                self.drain(Ending::Failed(RunError::Db(e.to_string())));
                return;
            }
        };
        lane.selection = next;
        for id in ids {
            if first_time(&mut self.seen, lane.kind, lane.ids.backfill, id) {
                lane.report.selected += 1;
                lane.waiting.push_back(id);
            }
        }
    }

    /// A fetch answered: count it; 14-16 delete what TMDb says is gone.
    async fn outcome(&mut self, i: usize, id: u64, answer: Answer) -> Result<(), RunError> {
        let lane = &mut self.lanes[i];
        lane.in_flight -= 1;
        lane.done += 1;
        match answer {
            Ok(FetchOutcome::Stored(stored)) => {
                lane.report.stored += 1;
                lane.report.extra_requests += u64::from(stored.extra_requests);
            }
            Ok(FetchOutcome::NotFound) => {
                lane.report.gone += 1;
                if lane.ids.deletes_gone {
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
                lane.report.failed.push((id, f.reason.clone()));
                if f.cause.stops_the_run() {
                    let process = lane.number;
                    self.drain(Ending::Fatal {
                        process,
                        reason: f.reason,
                        cause: f.cause,
                    });
                }
            }
            Err(e) => lane
                .report
                .failed
                .push((id, format!("fetcher unavailable: {e}"))),
        }
        let lane = &self.lanes[i];
        if let Some(started) = lane.started() {
            self.bar.show(lane.number, lane.name, &lane.report, started);
        }
        Ok(())
    }

    /// Progress lines every [`progress::LOG_EVERY`]; the watchdog once the heartbeat has been
    /// silent for `stall_timeout`.
    fn on_timer(&mut self) -> Result<(), RunError> {
        if self.heartbeat.silent_for() >= self.stall_timeout {
            let states = self.describe_lanes();
            for state in &states {
                tracing::warn!(lane = %state, "stalled");
            }
            let seconds = self.stall_timeout.as_secs();
            tracing::warn!(
                seconds,
                "no entity or page completed within stall_timeout: the run ends"
            );
            return Err(RunError::Stalled {
                seconds,
                during: format!("processes {}", states.join("; ")),
            });
        }
        if self.last_log.elapsed() >= progress::LOG_EVERY {
            self.last_log = Instant::now();
            for lane in &self.lanes {
                if let (Some(started), false) = (lane.started(), lane.is_complete()) {
                    progress::log_progress(lane.number, lane.done, &lane.report, started);
                }
            }
        }
        Ok(())
    }

    /// The variables of lanes that began (their first ids are in flight by now) and of lanes
    /// that `finished`; the count of the others every page of answers.
    async fn record(&mut self, run: &mut Run, finished: Vec<usize>) -> Result<(), RunError> {
        for i in 0..self.lanes.len() {
            if let Life::Beginning(t) = self.lanes[i].life {
                self.lanes[i].life = Life::Running(t);
                let (number, count_var) = (self.lanes[i].number, self.lanes[i].count_var.clone());
                run.begin_process(number).await?;
                run.set(vec![var(&count_var, "0", "Ids processed by this process")])
                    .await?;
            }
            let lane = &self.lanes[i];
            if matches!(lane.life, Life::Running(_)) && lane.done - lane.counted >= self.page {
                self.count(run, i).await?;
            }
        }
        for i in finished {
            if let Life::Finished {
                announced: false, ..
            } = self.lanes[i].life
            {
                // Began and finished in one turn: it ran all the same.
                let number = self.lanes[i].number;
                run.begin_process(number).await?;
            }
            self.finish(run, i).await?;
        }
        Ok(())
    }

    /// `strtmdbcrawlerprocess<n><name>count` and the last-crawled time.
    async fn count(&mut self, run: &Run, i: usize) -> Result<(), RunError> {
        let lane = &mut self.lanes[i];
        lane.counted = lane.done;
        run.set(vec![
            var(
                &lane.count_var,
                &lane.done.to_string(),
                "Ids processed by this process",
            ),
            var(
                super::VAR_LAST_CRAWLED,
                &run.now(),
                "Time of the last crawled record",
            ),
        ])
        .await
    }

    /// A lane's end: its count, its once-a-day mark, its last progress line, its failures.
    async fn finish(&mut self, run: &Run, i: usize) -> Result<(), RunError> {
        self.count(run, i).await?;
        let lane = &self.lanes[i];
        let Some(started) = lane.started() else {
            return Ok(());
        };
        self.bar
            .finish(lane.number, lane.name, &lane.report, started);
        if let Some(day) = &lane.gate
            && !lane.report.interrupted
            && !day.is_empty()
        {
            run.set(vec![var(
                &gate_var(lane.number),
                day,
                "Export day this once-a-day process last ran for",
            )])
            .await?;
        }
        progress::log_progress(lane.number, lane.done, &lane.report, started);
        for (id, reason) in &lane.report.failed {
            tracing::warn!(process = lane.number, id, %reason, "entity failed");
        }
        Ok(())
    }

    /// The reports of the lanes that began, and how the pipeline ended.
    fn reports(self, ended: Result<(), RunError>) -> (Vec<ProcessReport>, Result<(), RunError>) {
        let mut reports = Vec::new();
        for lane in self.lanes {
            if lane.started().is_none() {
                tracing::info!(process = lane.number, "stop requested: not started");
                continue;
            }
            let seconds = lane.seconds();
            let mut report = lane.report;
            report.seconds = seconds;
            reports.push(ProcessReport {
                number: lane.number,
                outcome: ProcessOutcome::Entities(report),
            });
        }
        let ended = ended.and(match self.state {
            State::Running | State::Draining(Ending::StopRequested) => Ok(()),
            State::Draining(Ending::Fatal {
                process,
                reason,
                cause,
            }) => {
                tracing::error!(process, %reason, ?cause, "fatal error, the run stops");
                Err(RunError::Fatal {
                    process,
                    reason,
                    cause,
                })
            }
            State::Draining(Ending::Failed(e)) => Err(e),
        });
        (reports, ended)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use EntityKind::*;

    #[test]
    fn a_title_goes_once_to_each_part_and_to_no_backfill_after_its_whole_fetch() {
        let mut seen = HashSet::new();
        let (dates, providers) = (Some(Snapshot::ReleaseDates), Some(Snapshot::WatchProviders));
        assert!(first_time(&mut seen, Movie, dates, 7));
        assert!(!first_time(&mut seen, Movie, dates, 7));
        assert!(first_time(&mut seen, Movie, providers, 7));
        assert!(first_time(&mut seen, Series, providers, 7));
        assert!(first_time(&mut seen, Movie, None, 8));
        assert!(!first_time(&mut seen, Movie, None, 8));
        assert!(!first_time(&mut seen, Movie, dates, 8));
        assert!(!first_time(&mut seen, Movie, providers, 8));
        // A whole fetch after a backfill still happens: it fills more than the snapshot.
        assert!(first_time(&mut seen, Movie, None, 7));
    }

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
        let reads = |n| process::id_process(n).map(|(_, ids)| ids.reads_rows_of);
        assert_eq!(reads(23), Some(&[Movie][..]));
        assert_eq!(reads(31), Some(&[Movie, Series, Person][..]));
        assert_eq!(reads(32), Some(&[Movie, Person][..]));
        assert_eq!(reads(33), Some(&[Series, Person][..]));
        for number in crate::process::DEFAULT_ORDER {
            if let Some(rows) = reads(*number)
                && !matches!(number, 23 | 31..=33)
            {
                assert!(rows.is_empty(), "{number}");
            }
        }
    }
}
