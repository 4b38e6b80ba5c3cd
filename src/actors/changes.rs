//! ChangesPoller: follows TMDb's change feeds (processes 51 movie, 52 person, 53 tv) and has
//! every changed id re-fetched by the kind's fetcher.
//!
//! The cursor is the server variable `strtmdbcrawlerchanges{movie,person,serie}date`: the next
//! day to poll, `YYYY-MM-DD`. A poll walks from the cursor through the last **complete** day
//! (`today - 1`) in windows of at most 14 days (`start..=end`, TMDb's limit), reading every page
//! of `GET /3/{movie|person|tv}/changes?start_date=&end_date=&page=`.
//!
//! Why not through `today`, as the Python crawler did: a day's list keeps growing until the day
//! is over. Marking today as polled would lose every change made later today (the Python
//! crawler avoided that by restarting two days back on every run and re-fetching those two days
//! each time); keeping today open would re-fetch all of today's ids on every run, since nothing
//! can tell a change made after the previous poll from one made before it. Polling complete days
//! only does neither, at the price of up to a day's delay. After a complete catch-up the cursor
//! therefore holds `today`.
//!
//! Per changed id, in feed order:
//! - `adult: true` entries are skipped unless `include_adult` (`null` counts as not adult);
//! - ids whose row is live and was stored after the window (`DELETED = 0 AND TIM_UPDATED >=
//!   end + 1 day`) are skipped: that copy already holds the change;
//! - ids the not-found ledger holds back (`TIM_RETRY_AFTER > now`) are skipped, when the
//!   ledger table exists;
//! - the rest are sent to the fetcher as `Fetch` messages, at most `max_in_flight` outstanding.
//!
//! The cursor moves to `end + 1` (and `…count` to the number of ids re-fetched in that window)
//! only when every id of the window ended `Stored` or `NotFound`, and only over an unbroken run of
//! such windows: a `Failed` id keeps the cursor, so the next run polls that window again (the
//! ids stored meanwhile are skipped by the freshness rule, so a retry costs the list pages and the
//! failed ids). Later windows are still polled, so one failing id does not hold back the others.
//! A fatal failure (refused credentials, limiter or fetcher gone) or a changes page that cannot
//! be read ends the poll with an error, after the outstanding fetches have answered.

use std::collections::HashSet;
use std::future::Future;
use std::pin::Pin;

use actix::prelude::*;
use chrono::{Days, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use chrono_tz::Tz;
use futures_util::StreamExt;
use futures_util::stream::FuturesUnordered;
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Func, Query};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbErr, QueryResult};
use tracing::Instrument;

use crate::actors::fetch::{FailureCause, Fetch, FetchOutcome};
use crate::actors::writer::{DbWriter, SetServerVariables};
use crate::store::schema::{LEDGER_TABLE, LiveSchema};
use crate::store::server_vars::{self, local_now};
use crate::tmdb::client::{Fetched, TmdbClient, TmdbRequest};
use crate::tmdb::payload::ChangesList;

/// TMDb refuses a changes window longer than 14 days.
pub const MAX_WINDOW_DAYS: u64 = 14;
/// TMDb serves pages 1..=500 of a list (100 ids each); a window listing more is split.
pub const MAX_PAGES: i64 = 500;

pub use crate::process::ChangesKind;

/// The value to pass as [`PollChanges::today`]: the date in the configured zone, or the UTC date
/// when that is earlier. TMDb's change days are UTC days; in zones east of UTC the local date
/// runs ahead after local midnight, and "yesterday" would then still be open in UTC.
pub fn open_day(tz: Tz) -> NaiveDate {
    Ord::min(local_now(tz).date(), Utc::now().date_naive())
}

/// Poll one change feed from its cursor through the day before `today`.
#[derive(Message)]
#[rtype(result = "Result<ChangesReport, ChangesError>")]
pub struct PollChanges {
    pub kind: ChangesKind,
    /// The first day not yet over (see [`open_day`]); the last day polled is the day before.
    pub today: NaiveDate,
    /// The fetcher of this kind (`MovieFetcher`, `PersonFetcher`, `TvFetcher`).
    pub fetcher: Recipient<Fetch>,
    /// `Fetch` messages outstanding at once (0 counts as 1).
    pub max_in_flight: usize,
    /// Keep feed entries flagged `adult: true`.
    pub include_adult: bool,
    /// Stop after this many fetches; the window being polled then stays to do.
    pub limit: Option<u64>,
    /// Set on SIGTERM: no new fetch is sent, the window being polled stays to do.
    pub stop: crate::shutdown::StopSignal,
    /// The cursor and first page read ahead by [`PrepareChanges`]; used when made for the same
    /// `today`.
    pub prepared: Option<FeedStart>,
    /// Beaten by every page read and every fetch answered (the run's stall watchdog).
    pub heartbeat: crate::watchdog::Heartbeat,
}

/// Read a feed's start ahead, while other work runs: its cursor, whether the not-found ledger
/// exists, and the first page of its first window. A day's list no longer changes once the day
/// is over, and only complete days are polled, so the page read ahead is the page the poll
/// would read. Nothing is prepared when the cursor is unset (the poll seeds it), the feed has
/// nothing to poll, or the page cannot be read (the poll then reads it itself and reports).
#[derive(Message)]
#[rtype(result = "Option<FeedStart>")]
pub struct PrepareChanges {
    pub kind: ChangesKind,
    pub today: NaiveDate,
}

/// A feed's start read ahead (see [`PrepareChanges`]).
#[derive(Debug, Clone)]
pub struct FeedStart {
    kind: ChangesKind,
    today: NaiveDate,
    cursor: NaiveDate,
    ledger: bool,
    /// Page 1 of `cursor..=end`.
    end: NaiveDate,
    first_page: ChangesList,
}

/// What a poll did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ChangesReport {
    /// First and last day polled; `None` when the cursor was already past the last complete day.
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    /// The cursor at the end: the next day to poll, as saved.
    pub cursor: Option<NaiveDate>,
    /// Changes pages requested.
    pub pages: u64,
    /// Ids the feed listed (counted once per window).
    pub listed: u64,
    pub skipped_adult: u64,
    /// Stored after the window's last day: already fresh.
    pub skipped_fresh: u64,
    /// Held back by the not-found ledger.
    pub skipped_ledger: u64,
    /// Ids sent to the fetcher.
    pub selected: u64,
    pub stored: u64,
    /// TMDb answered 34 (recorded in the ledger by the fetcher).
    pub gone: u64,
    /// Ids whose fetch failed, with the reason.
    pub failed: Vec<(u64, String)>,
    /// Windows whose every id ended stored or gone.
    pub windows_completed: u32,
    /// Windows left incomplete (a failed id, or the limit).
    pub windows_incomplete: u32,
    /// Ids a single day listed beyond TMDb's 500th page (they cannot be read).
    pub unreachable: u64,
    /// The poll stopped at `limit`.
    pub limit_reached: bool,
}

#[derive(Debug, thiserror::Error)]
pub enum ChangesError {
    #[error("{var} holds {value:?}, which is not a date (YYYY-MM-DD); correct it or empty it")]
    BadCursor { var: String, value: String },
    #[error(
        "changes {process}: the {kind} changes of {start}..={end}, page {page}, could not be read: {reason}"
    )]
    Feed {
        process: u16,
        kind: ChangesKind,
        start: NaiveDate,
        end: NaiveDate,
        page: i64,
        reason: String,
        cause: FailureCause,
    },
    #[error("changes {process}: fetching {kind} {id} failed and stops the run: {reason}")]
    Fatal {
        process: u16,
        kind: ChangesKind,
        id: u64,
        reason: String,
        cause: FailureCause,
    },
    #[error("changes: database error: {0}")]
    Db(String),
    #[error("the database writer stopped")]
    WriterGone,
}

impl ChangesError {
    /// Why the feed failed; when it stops the run, the rest of the run does not go on.
    pub fn cause(&self) -> FailureCause {
        match self {
            ChangesError::Feed { cause, .. } | ChangesError::Fatal { cause, .. } => *cause,
            ChangesError::WriterGone => FailureCause::CrawlerStopped,
            ChangesError::BadCursor { .. } | ChangesError::Db(_) => FailureCause::Entity,
        }
    }
}

impl From<DbErr> for ChangesError {
    fn from(e: DbErr) -> Self {
        ChangesError::Db(e.to_string())
    }
}

pub struct ChangesPoller {
    client: TmdbClient,
    /// Read side: cursor, freshness and ledger lookups. Writes go through `writer`.
    db: DatabaseConnection,
    writer: Addr<DbWriter>,
    /// The zone of the stored timestamps (ledger retry times).
    timezone: Tz,
}

impl ChangesPoller {
    pub fn new(
        client: TmdbClient,
        db: DatabaseConnection,
        writer: Addr<DbWriter>,
        timezone: Tz,
    ) -> Self {
        ChangesPoller {
            client,
            db,
            writer,
            timezone,
        }
    }
}

impl Actor for ChangesPoller {
    type Context = Context<Self>;
}

/// Polls run one at a time (a second `PollChanges` waits), so two polls never move the same
/// cursor.
impl Handler<PollChanges> for ChangesPoller {
    type Result = AtomicResponse<Self, Result<ChangesReport, ChangesError>>;

    fn handle(&mut self, msg: PollChanges, _ctx: &mut Self::Context) -> Self::Result {
        let span = tracing::info_span!("changes", process = msg.kind.process(), kind = %msg.kind);
        let poll = Poll {
            client: self.client.clone(),
            db: self.db.clone(),
            writer: self.writer.clone(),
            timezone: self.timezone,
            kind: msg.kind,
            today: msg.today,
            fetcher: msg.fetcher,
            max_in_flight: msg.max_in_flight.max(1),
            include_adult: msg.include_adult,
            limit: msg.limit,
            stop: msg.stop,
            prepared: msg
                .prepared
                .filter(|p| p.kind == msg.kind && p.today == msg.today),
            context: format!("changes {}", msg.kind.process()),
            heartbeat: msg.heartbeat,
            report: ChangesReport::default(),
            fatal: None,
        };
        AtomicResponse::new(Box::pin(poll.run().instrument(span).into_actor(self)))
    }
}

/// Not atomic: a preparation reads only (the cursor, the ledger's presence, a page) and may run
/// beside a poll of another feed.
impl Handler<PrepareChanges> for ChangesPoller {
    type Result = ResponseFuture<Option<FeedStart>>;

    fn handle(&mut self, msg: PrepareChanges, _ctx: &mut Self::Context) -> Self::Result {
        let (client, db) = (self.client.clone(), self.db.clone());
        let span = tracing::info_span!("changes", process = msg.kind.process(), kind = %msg.kind);
        Box::pin(prepare(client, db, msg.kind, msg.today).instrument(span))
    }
}

async fn prepare(
    client: TmdbClient,
    db: DatabaseConnection,
    kind: ChangesKind,
    today: NaiveDate,
) -> Option<FeedStart> {
    let last = today.pred_opt()?;
    let value = match server_vars::get(&db, &kind.date_var()).await {
        Ok(v) => v.unwrap_or_default(),
        Err(e) => {
            tracing::debug!(error = %e, "feed start not prepared");
            return None;
        }
    };
    let cursor = parse_cursor(&value)?;
    if cursor > last {
        return None;
    }
    let ledger = LiveSchema::load(&db).await.ok()?.has_table(LEDGER_TABLE);
    let end = window_end(cursor, last, MAX_WINDOW_DAYS);
    match feed_page(client, kind, cursor, end, 1).await {
        Ok(first_page) => Some(FeedStart {
            kind,
            today,
            cursor,
            ledger,
            end,
            first_page,
        }),
        Err(e) => {
            tracing::debug!(error = %e, "feed start not prepared");
            None
        }
    }
}

/// The cursor variable's date, `None` when empty or not a date.
fn parse_cursor(value: &str) -> Option<NaiveDate> {
    value
        .trim()
        .get(..10)
        .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
}

/// The last day of a window of at most `span_days` from `start`, never after `last`.
fn window_end(start: NaiveDate, last: NaiveDate, span_days: u64) -> NaiveDate {
    start
        .checked_add_days(Days::new(span_days - 1))
        .map_or(last, |e| Ord::min(e, last))
}

type Pending = Pin<Box<dyn Future<Output = (u64, Result<FetchOutcome, MailboxError>)>>>;

/// How a window ended.
enum WindowEnd {
    /// Every page read and every selected id answered (failed ones included).
    Polled,
    /// More than [`MAX_PAGES`] pages: poll a shorter window instead.
    TooLarge,
    /// The fetch limit was hit.
    Limit,
    /// A fatal fetch failure: stop.
    Fatal,
}

/// One poll's state.
struct Poll {
    client: TmdbClient,
    db: DatabaseConnection,
    writer: Addr<DbWriter>,
    timezone: Tz,
    kind: ChangesKind,
    today: NaiveDate,
    fetcher: Recipient<Fetch>,
    max_in_flight: usize,
    include_adult: bool,
    limit: Option<u64>,
    stop: crate::shutdown::StopSignal,
    /// Taken by the first window when it is the prepared one.
    prepared: Option<FeedStart>,
    context: String,
    heartbeat: crate::watchdog::Heartbeat,
    report: ChangesReport,
    /// The first fatal fetch failure.
    fatal: Option<ChangesError>,
}

fn day(date: NaiveDate) -> String {
    date.format("%Y-%m-%d").to_string()
}

fn midnight(date: NaiveDate) -> NaiveDateTime {
    date.and_time(NaiveTime::MIN)
}

fn col(name: &str) -> Alias {
    Alias::new(name)
}

impl Poll {
    async fn run(mut self) -> Result<ChangesReport, ChangesError> {
        let result = self.poll().await;
        let r = &self.report;
        match &result {
            Ok(_) => tracing::info!(
                from = ?r.from, to = ?r.to, cursor = ?r.cursor, pages = r.pages, listed = r.listed,
                selected = r.selected, stored = r.stored, gone = r.gone, failed = r.failed.len(),
                skipped_fresh = r.skipped_fresh, skipped_ledger = r.skipped_ledger,
                skipped_adult = r.skipped_adult, windows_completed = r.windows_completed,
                windows_incomplete = r.windows_incomplete, limit_reached = r.limit_reached,
                "changes polled"
            ),
            Err(e) => tracing::error!(
                error = %e, cursor = ?r.cursor, pages = r.pages, selected = r.selected,
                stored = r.stored, gone = r.gone, failed = r.failed.len(),
                windows_completed = r.windows_completed, "changes poll stopped"
            ),
        }
        result.map(|()| self.report)
    }

    async fn poll(&mut self) -> Result<(), ChangesError> {
        let Some(last) = self.today.pred_opt() else {
            return Ok(());
        };
        let (mut start, ledger) = match &self.prepared {
            Some(p) => (p.cursor, p.ledger),
            None => {
                let start = self.cursor().await?;
                if start > last {
                    self.report.cursor = Some(start);
                    tracing::info!(cursor = %start, last_complete_day = %last, "nothing to poll yet");
                    return Ok(());
                }
                let ledger = LiveSchema::load(&self.db).await?.has_table(LEDGER_TABLE);
                (start, ledger)
            }
        };
        self.report.cursor = Some(start);
        let mut span_days = MAX_WINDOW_DAYS;
        // The cursor only moves over an unbroken run of complete windows.
        let mut advancing = true;
        while start <= last {
            let end = window_end(start, last, span_days);
            let failed_before = self.report.failed.len();
            let selected_before = self.report.selected;
            let window = tracing::info_span!("window", start = %start, end = %end);
            let ended = self.window(start, end, ledger).instrument(window).await?;
            let fetched = self.report.selected - selected_before;
            match ended {
                WindowEnd::TooLarge => {
                    span_days = ((end - start).num_days() as u64 + 1).div_ceil(2);
                    tracing::info!(start = %start, end = %end, days = span_days, "window lists more than 500 pages; polling shorter windows");
                    continue;
                }
                WindowEnd::Fatal => {
                    // `Fatal` is only returned once `self.fatal` is set.
                    let reason = "the fetcher reported a fatal failure".to_owned();
                    return Err(self.fatal.take().unwrap_or(ChangesError::Fatal {
                        process: self.kind.process(),
                        kind: self.kind,
                        id: 0,
                        reason,
                        cause: FailureCause::CrawlerStopped,
                    }));
                }
                WindowEnd::Limit => {
                    self.report.from.get_or_insert(start);
                    self.report.to = Some(end);
                    self.report.windows_incomplete += 1;
                    self.report.limit_reached = true;
                    tracing::info!(start = %start, end = %end, fetched, "fetch limit reached; the window stays to do");
                    return Ok(());
                }
                WindowEnd::Polled => {}
            }
            self.report.from.get_or_insert(start);
            self.report.to = Some(end);
            let failed = self.report.failed.len() - failed_before;
            if failed > 0 {
                self.report.windows_incomplete += 1;
                advancing = false;
                tracing::warn!(start = %start, end = %end, fetched, failed, "window incomplete; the cursor stays for the next run");
            } else {
                self.report.windows_completed += 1;
                let next = end.succ_opt().unwrap_or(end);
                if advancing {
                    self.save_cursor(next, Some(fetched)).await?;
                    self.report.cursor = Some(next);
                }
                tracing::info!(start = %start, end = %end, fetched, cursor = ?self.report.cursor, "window complete");
            }
            match end.succ_opt() {
                Some(next) => start = next,
                None => break,
            }
        }
        Ok(())
    }

    /// The saved cursor; when empty, the date of the oldest `TIM_UPDATED` of the entity table
    /// (or yesterday for an empty table), saved at once.
    async fn cursor(&mut self) -> Result<NaiveDate, ChangesError> {
        let var = self.kind.date_var();
        let value = server_vars::get(&self.db, &var).await?.unwrap_or_default();
        let value = value.trim();
        if !value.is_empty() {
            return parse_cursor(value).ok_or_else(|| ChangesError::BadCursor {
                var: var.clone(),
                value: value.to_owned(),
            });
        }
        let seed = match self.oldest_update().await? {
            Some(date) => date,
            None => self.today.pred_opt().unwrap_or(self.today),
        };
        tracing::info!(var = %var, cursor = %seed, "no saved cursor; starting from the oldest stored update");
        self.save_cursor(seed, None).await?;
        Ok(seed)
    }

    /// `MIN(TIM_UPDATED)` of the entity table, as a date (zero or junk dates ignored).
    async fn oldest_update(&self) -> Result<Option<NaiveDate>, ChangesError> {
        let (table, _) = self.kind.entity().table();
        let floor = NaiveDate::from_ymd_opt(1970, 1, 1).map(midnight);
        let query = Query::select()
            .expr(Func::min(Expr::col(col("TIM_UPDATED"))))
            .from(col(table))
            .and_where(Expr::col(col("TIM_UPDATED")).gte(floor))
            .to_owned();
        let Some(row) = self.db.query_one(&query).await? else {
            return Ok(None);
        };
        Ok(date_of(&row)?)
    }

    async fn save_cursor(&self, next: NaiveDate, fetched: Option<u64>) -> Result<(), ChangesError> {
        let mut vars = vec![(
            self.kind.date_var(),
            day(next),
            format!("Next day of the TMDb {} changes feed to poll", self.kind),
        )];
        if let Some(n) = fetched {
            vars.push((
                self.kind.count_var(),
                n.to_string(),
                format!(
                    "{} ids re-fetched in the last completed changes window",
                    self.kind
                ),
            ));
        }
        self.writer
            .send(SetServerVariables(vars))
            .await
            .map_err(|_| ChangesError::WriterGone)?
            .map_err(ChangesError::from)
    }

    /// Reads every page of `start..=end` and has the ids re-fetched; waits for every fetch sent.
    async fn window(
        &mut self,
        start: NaiveDate,
        end: NaiveDate,
        ledger: bool,
    ) -> Result<WindowEnd, ChangesError> {
        let mut in_flight: FuturesUnordered<Pending> = FuturesUnordered::new();
        let result = self.pages(start, end, ledger, &mut in_flight).await;
        while let Some((id, answer)) = in_flight.next().await {
            self.settle(id, answer);
        }
        match result {
            Err(e) => Err(e),
            Ok(_) if self.fatal.is_some() => Ok(WindowEnd::Fatal),
            Ok(ended) => Ok(ended),
        }
    }

    async fn pages(
        &mut self,
        start: NaiveDate,
        end: NaiveDate,
        ledger: bool,
        in_flight: &mut FuturesUnordered<Pending>,
    ) -> Result<WindowEnd, ChangesError> {
        let fresh_after = midnight(end.succ_opt().unwrap_or(end));
        let mut seen: HashSet<u64> = HashSet::new();
        let mut page: i64 = 1;
        let mut prefetched: Option<actix_rt::task::JoinHandle<Result<ChangesList, ChangesError>>> =
            None;
        loop {
            let list = match prefetched.take() {
                Some(handle) => handle.await.map_err(|e| ChangesError::Feed {
                    process: self.kind.process(),
                    kind: self.kind,
                    start,
                    end,
                    page,
                    reason: format!("the page request stopped: {e}"),
                    cause: FailureCause::Entity,
                })??,
                None => match self
                    .prepared
                    .take_if(|p| page == 1 && p.cursor == start && p.end == end)
                {
                    Some(p) => p.first_page,
                    None => feed_page(self.client.clone(), self.kind, start, end, page).await?,
                },
            };
            self.report.pages += 1;
            self.heartbeat.beat();
            let total = list.total_pages.unwrap_or(0);
            let more = page < Ord::min(total, MAX_PAGES);
            // Without a limit every page is read: the next one is requested now and arrives
            // while this page's ids are dispatched (requested after the last dispatch, it let
            // the entities in flight run dry at every page).
            if more && self.limit.is_none() && !(page == 1 && total > MAX_PAGES && start < end) {
                prefetched = Some(actix_rt::spawn(feed_page(
                    self.client.clone(),
                    self.kind,
                    start,
                    end,
                    page + 1,
                )));
            }
            let abandon = |prefetched: &mut Option<actix_rt::task::JoinHandle<_>>| {
                if let Some(handle) = prefetched.take() {
                    handle.abort();
                }
            };
            if page == 1 && total > MAX_PAGES {
                if start < end {
                    abandon(&mut prefetched);
                    return Ok(WindowEnd::TooLarge);
                }
                let beyond = list.total_results.unwrap_or(0) - MAX_PAGES * 100;
                self.report.unreachable += u64::try_from(beyond).unwrap_or(0);
                tracing::warn!(day = %start, total_pages = total, "TMDb lists more changes for this day than its 500 pages serve; the rest cannot be read");
            }
            let mut ids = Vec::with_capacity(list.results.len());
            for entry in &list.results {
                if !seen.insert(entry.id) {
                    continue;
                }
                self.report.listed += 1;
                if entry.adult == Some(true) && !self.include_adult {
                    self.report.skipped_adult += 1;
                    continue;
                }
                ids.push(entry.id);
            }
            let ids = match self.unsettled(ids, fresh_after, ledger).await {
                Ok(ids) => ids,
                Err(e) => {
                    abandon(&mut prefetched);
                    return Err(e);
                }
            };
            for id in ids {
                if self.limit.is_some_and(|l| self.report.selected >= l) || self.stop.stopped() {
                    abandon(&mut prefetched);
                    return Ok(WindowEnd::Limit);
                }
                while in_flight.len() >= self.max_in_flight {
                    if let Some((done, answer)) = in_flight.next().await {
                        self.settle(done, answer);
                    }
                }
                if self.fatal.is_some() {
                    abandon(&mut prefetched);
                    return Ok(WindowEnd::Fatal);
                }
                let request = self.fetcher.send(Fetch {
                    id,
                    context: self.context.clone(),
                });
                in_flight.push(Box::pin(async move { (id, request.await) }));
                self.report.selected += 1;
            }
            if !more {
                return Ok(WindowEnd::Polled);
            }
            page += 1;
        }
    }

    /// Drops the ids stored after the window and those the not-found ledger holds back.
    async fn unsettled(
        &mut self,
        ids: Vec<u64>,
        fresh_after: NaiveDateTime,
        ledger: bool,
    ) -> Result<Vec<u64>, ChangesError> {
        let keys: Vec<i32> = ids
            .iter()
            .filter_map(|&id| i32::try_from(id).ok())
            .collect();
        if keys.is_empty() {
            return Ok(ids);
        }
        let (table, pk) = self.kind.entity().table();
        let query = Query::select()
            .column(col(pk))
            .from(col(table))
            .and_where(Expr::col(col(pk)).is_in(keys.iter().copied()))
            .and_where(Expr::col(col("DELETED")).eq(0))
            .and_where(Expr::col(col("TIM_UPDATED")).gte(fresh_after))
            .to_owned();
        let fresh = ids_of(self.db.query_all(&query).await?)?;
        let held = if ledger {
            let query = Query::select()
                .column(col("ID_ENTITY"))
                .from(col(LEDGER_TABLE))
                .and_where(Expr::col(col("ENTITY_TYPE")).eq(self.kind.entity().ledger_name()))
                .and_where(Expr::col(col("ID_ENTITY")).is_in(keys.iter().copied()))
                .and_where(Expr::col(col("TIM_RETRY_AFTER")).gt(local_now(self.timezone)))
                .to_owned();
            ids_of(self.db.query_all(&query).await?)?
        } else {
            HashSet::new()
        };
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            let key = i32::try_from(id).ok();
            if key.is_some_and(|k| fresh.contains(&k)) {
                self.report.skipped_fresh += 1;
            } else if key.is_some_and(|k| held.contains(&k)) {
                self.report.skipped_ledger += 1;
            } else {
                out.push(id);
            }
        }
        Ok(out)
    }

    fn settle(&mut self, id: u64, answer: Result<FetchOutcome, MailboxError>) {
        self.heartbeat.beat();
        let reason = match answer {
            Ok(FetchOutcome::Stored(_)) => {
                self.report.stored += 1;
                return;
            }
            Ok(FetchOutcome::NotFound) => {
                self.report.gone += 1;
                return;
            }
            Ok(FetchOutcome::Failed(failure)) if !failure.cause.stops_the_run() => {
                tracing::warn!(id, reason = %failure.reason, "re-fetch failed");
                self.report.failed.push((id, failure.reason));
                return;
            }
            Ok(FetchOutcome::Failed(failure)) => (failure.reason, failure.cause),
            Err(e) => (
                format!("the fetcher stopped: {e}"),
                FailureCause::CrawlerStopped,
            ),
        };
        let (reason, cause) = reason;
        self.report.failed.push((id, reason.clone()));
        if self.fatal.is_none() {
            self.fatal = Some(ChangesError::Fatal {
                process: self.kind.process(),
                kind: self.kind,
                id,
                reason,
                cause,
            });
        }
    }
}

/// The first column of each row as an id.
fn ids_of(rows: Vec<QueryResult>) -> Result<HashSet<i32>, DbErr> {
    rows.iter()
        .map(|row| row.try_get_by_index::<i32>(0))
        .collect()
}

/// The date of a datetime read back from any backend (SQLite may answer text).
fn date_of(row: &QueryResult) -> Result<Option<NaiveDate>, DbErr> {
    match row.try_get_by_index::<Option<NaiveDateTime>>(0) {
        Ok(t) => Ok(t.map(|t| t.date())),
        Err(first) => match row.try_get_by_index::<Option<String>>(0) {
            Ok(None) => Ok(None),
            Ok(Some(text)) => text
                .get(..10)
                .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok())
                .map(Some)
                .ok_or(first),
            Err(_) => Err(first),
        },
    }
}

/// One page of a change feed.
async fn feed_page(
    client: TmdbClient,
    kind: ChangesKind,
    start: NaiveDate,
    end: NaiveDate,
    page: i64,
) -> Result<ChangesList, ChangesError> {
    let request = TmdbRequest::new(format!("/3/{}/changes", kind.api_segment()))
        .query("start_date", day(start))
        .query("end_date", day(end))
        .query("page", page.to_string());
    let failed = |reason: String, cause: FailureCause| ChangesError::Feed {
        process: kind.process(),
        kind,
        start,
        end,
        page,
        reason,
        cause,
    };
    match client.get::<ChangesList>(&request).await {
        Ok(Fetched::Found(list)) => Ok(list),
        Ok(Fetched::NotFound) => Err(failed(
            "HTTP 404 (status_code 34)".to_owned(),
            FailureCause::Entity,
        )),
        Err(e) => Err(failed(e.to_string(), FailureCause::of_tmdb(&e))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_map_to_processes_paths_and_variables() {
        assert_eq!(ChangesKind::from_process(53), Some(ChangesKind::Tv));
        assert_eq!(ChangesKind::from_process(50), None);
        assert_eq!(ChangesKind::Tv.api_segment(), "tv");
        assert_eq!(ChangesKind::Tv.date_var(), "strtmdbcrawlerchangesseriedate");
        assert_eq!(
            ChangesKind::Person.count_var(),
            "strtmdbcrawlerchangespersoncount"
        );
        assert_eq!(
            ChangesKind::Movie.entity().table(),
            ("T_WC_TMDB_MOVIE", "ID_MOVIE")
        );
        assert!(ChangesKind::ALL.iter().all(|k| k.date_var().len() < 50));
    }

    #[test]
    fn the_open_day_is_never_ahead_of_utc() {
        assert!(open_day(chrono_tz::Pacific::Kiritimati) <= Utc::now().date_naive());
    }
}
