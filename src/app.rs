//! The crawler's commands as the library runs them: the actors of a run wired together under
//! the run lock, the status read, the API check and the migrations. They return what happened;
//! `cli.rs` parses the command line and prints.

use std::collections::HashMap;
use std::rc::Rc;

use actix::Actor;
use chrono::{NaiveDate, NaiveDateTime};
use migration::{Migrator, MigratorTrait};
use sea_orm::DatabaseConnection;

use crate::actors::catalogs::ProviderCatalogs;
use crate::actors::changes::ChangesPoller;
use crate::actors::coordinator::{
    self, Coordinator, EntityWorkers, RunError, RunProcesses, RunReport, RunSettings,
};
use crate::actors::export::ExportDownloader;
use crate::actors::fetch::{
    BackfillKind, Backfiller, CollectionFetcher, CompanyFetcher, FailureCause, Fetch, FetchContext,
    ListFetcher, MovieFetcher, MovieReleaseDates, MovieWatchProviders, NetworkFetcher,
    PersonFetcher, SeriesWatchProviders, TvFetcher,
};
use crate::actors::rate_limiter::{RateLimit, RateLimiter};
use crate::actors::writer::DbWriter;
use crate::config::{Config, ConfigError, DatabaseUrl};
use crate::process::{self, Snapshot};
use crate::records::EntityKind;
use crate::shutdown::{self, StopSignal};
use crate::store::{self, StoreError};
use crate::tmdb::client::{Auth, ClientSettings, Fetched, TmdbClient, TmdbError, TmdbRequest};
use crate::tmdb::payload::Configuration;

/// What can end a command, by the exit code it maps to.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error("{0}")]
    Usage(String),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Tmdb(#[from] TmdbError),
    #[error("{0} process(es) failed: {1}")]
    ProcessesFailed(usize, String),
    /// The run stopped progressing (`stall_timeout`).
    #[error("{0}")]
    Stalled(String),
    /// A part of the crawler stopped during the run.
    #[error("{0}")]
    RunStopped(String),
    /// The database's run lock was lost during the run, which then stopped.
    #[error(
        "the run lock was lost (its database session was ended, or the database stayed \
         unreachable beyond the retry budget) and the run stopped; the next run goes on \
         from where this one stopped"
    )]
    LockLost,
}

impl AppError {
    /// 2 configuration or usage, 3 database (README, "Exit codes").
    pub fn exit_code(&self) -> u8 {
        match self {
            AppError::Config(_) | AppError::Usage(_) => 2,
            AppError::Store(_) | AppError::LockLost => 3,
            // Refused credentials are a configuration problem; the rest is the network's.
            AppError::Tmdb(e) if e.is_fatal() => 2,
            AppError::Tmdb(_)
            | AppError::ProcessesFailed(..)
            | AppError::Stalled(_)
            | AppError::RunStopped(_) => 1,
        }
    }
}

/// Applies the process-wide parts of the configuration: its secrets hidden from every log
/// line, the database retry budget, and the extra TLS roots checked.
pub fn prepare(config: &Config) -> Result<(), AppError> {
    crate::redaction::hide(config.secrets());
    store::retry::set_default_budget(seconds(config.database_retry_budget));
    match crate::tmdb::tls::client_config() {
        Ok(_) => Ok(()),
        Err(e) => Err(AppError::Usage(e.to_string())),
    }
}

/// What `tmdb-crawler run` was asked for.
#[derive(Debug, Clone, Default)]
pub struct RunRequest {
    /// Process numbers as given (`41-47,2,51`); the default scope when `None`.
    pub processes: Option<String>,
    pub export_date: Option<NaiveDate>,
    pub force: bool,
    pub limit: Option<u64>,
    /// Run again every this long (until stopped).
    pub every: Option<std::time::Duration>,
}

/// `tmdb-crawler run`: the processes of `request`, once or every `request.every`, under the
/// database's run lock. `on_report` gets each run's report as soon as it ends.
pub async fn run(
    config: &Config,
    request: RunRequest,
    mut on_report: impl FnMut(&RunReport),
) -> Result<(), AppError> {
    let RunRequest {
        processes: process_list,
        export_date,
        force,
        limit,
        every,
    } = request;
    let processes = match process_list.as_deref() {
        Some(list) => process::parse_list(list).map_err(|e| AppError::Usage(e.to_string()))?,
        None => process::DEFAULT_ORDER.to_vec(),
    };
    // Refused before the database is touched: a run never half-happens for want of a key.
    if Auth::from_config(config).is_none()
        && let Some(n) = processes.iter().find(|n| process::needs_api(**n))
    {
        return Err(AppError::Usage(
            RunError::NoApiCredentials(*n).to_string()
                + " (TMDB_CRAWLER_API_TOKEN or TMDB_CRAWLER_API_KEY)",
        ));
    }
    let url = &config.database_url;
    let db = open_migrated(config).await?;
    let lock = store::run_lock::RunLock::acquire(url, &db, config.timezone)
        .await
        .map_err(|e| lock_error(url, e))?;
    let stop = StopSignal::default();
    shutdown::watch_signals(stop.clone(), shutdown::GRACE)
        .map_err(|e| AppError::Usage(format!("cannot watch SIGTERM and Ctrl-C: {e}")))?;
    let watch = lock.watch(db.clone(), config.timezone, stop.clone());
    let request = RunProcesses {
        processes,
        export_date,
        force,
        limit,
    };
    let result = run_cycles(config, &db, request, every, &stop, &mut on_report).await;
    let outcome = watch.finish().await;
    db.close().await.ok();
    // The run's own error says more (the database went away, say) than the lock it took along.
    if outcome == store::run_lock::LockOutcome::Lost && result.is_ok() {
        return Err(AppError::LockLost);
    }
    result
}

/// The run's connection pool, on a schema the migrations brought up to date.
async fn open_migrated(config: &Config) -> Result<DatabaseConnection, AppError> {
    let url = &config.database_url;
    let connections = coordinator::connections_needed(config.max_in_flight.get());
    let db = store::connect(url, connections).await?;
    let pending = Migrator::get_pending_migrations_read_only(&db)
        .await
        .map_err(|e| AppError::Store(StoreError::query(url, e)))?;
    if !pending.is_empty() {
        return Err(AppError::Usage(
            "the database schema is not up to date: run `tmdb-crawler migrate up` first".to_owned(),
        ));
    }
    Ok(db)
}

/// One run, or with `every` a run starting every `every` until stopped; the last run's result.
async fn run_cycles(
    config: &Config,
    db: &DatabaseConnection,
    request: RunProcesses,
    every: Option<std::time::Duration>,
    stop: &StopSignal,
    on_report: &mut impl FnMut(&RunReport),
) -> Result<(), AppError> {
    loop {
        let started = std::time::Instant::now();
        let result = run_locked(config, db, request.clone(), stop.clone())
            .await
            .and_then(|report| {
                on_report(&report);
                processes_failed(&report)
            });
        let Some(every) = every else {
            return result;
        };
        if let Err(e) = &result {
            // A failed run in a loop is reported and retried at the next start.
            let error = config.database_url.scrub(&e.to_string());
            tracing::error!(%error, "run failed; the next run starts on schedule");
        }
        let next = started + every;
        let wait = next.saturating_duration_since(std::time::Instant::now());
        tracing::info!(seconds = wait.as_secs(), "next run scheduled");
        while std::time::Instant::now() < next && !stop.stopped() {
            actix_rt::time::sleep(std::time::Duration::from_millis(500)).await;
        }
        if stop.stopped() {
            return result;
        }
    }
}

fn lock_error(url: &DatabaseUrl, e: store::run_lock::LockError) -> AppError {
    use store::run_lock::LockError;
    match e {
        LockError::Held { .. } => AppError::Usage(e.to_string()),
        LockError::Lock(e) => AppError::Store(StoreError::Query(url.scrub(&e.to_string()))),
        LockError::Db(e) => AppError::Store(StoreError::query(url, e)),
    }
}

/// One run: the actors are started, the coordinator runs the processes, its report returned.
async fn run_locked(
    config: &Config,
    db: &DatabaseConnection,
    request: RunProcesses,
    stop: StopSignal,
) -> Result<RunReport, AppError> {
    let url = &config.database_url;
    let db = db.clone();
    let writer = DbWriter::connect(db.clone(), config.timezone)
        .await
        .map_err(|e| AppError::Store(StoreError::query(url, e)))?
        .start();
    let exports = ExportDownloader::with_timeouts(
        &config.exports_base_url,
        writer.clone(),
        config.include_adult,
        seconds(config.connect_timeout),
        seconds(config.request_timeout),
    )
    .start();
    let workers = Auth::from_config(config).map(|auth| entity_workers(config, auth, &db, &writer));
    if workers.is_none()
        && let Some(n) = request.processes.iter().find(|n| process::needs_api(**n))
    {
        return Err(AppError::Usage(
            RunError::NoApiCredentials(*n).to_string()
                + " (TMDB_CRAWLER_API_TOKEN or TMDB_CRAWLER_API_KEY)",
        ));
    }
    let settings = RunSettings {
        timezone: config.timezone,
        max_in_flight: config.max_in_flight.get() as usize,
        include_adult: config.include_adult,
        refresh_after_days: config.refresh_after_days,
        refresh_max_per_run: config.refresh_max_per_run,
        backfill_max_per_run: config.backfill_max_per_run,
        languages: config.languages.clone(),
        stall_timeout: seconds(config.stall_timeout),
        selection_page: coordinator::SELECTION_PAGE,
    };
    let coordinator =
        Coordinator::new(db.clone(), writer, exports, workers, settings, stop).start();
    coordinator
        .send(request)
        .await
        .map_err(|_| AppError::Usage("the coordinator stopped unexpectedly".to_owned()))?
        .map_err(|e| match e {
            RunError::NotImplemented(_) | RunError::NoApiCredentials(_) => {
                AppError::Usage(e.to_string())
            }
            RunError::Fatal { cause, .. } => {
                let text = url.scrub(&e.to_string());
                match cause {
                    FailureCause::Credentials => AppError::Usage(text),
                    FailureCause::DatabaseUnavailable => AppError::Store(StoreError::Query(text)),
                    FailureCause::CrawlerStopped | FailureCause::Entity => {
                        AppError::RunStopped(text)
                    }
                }
            }
            RunError::Stalled { .. } | RunError::Stuck(_) => {
                AppError::Stalled(url.scrub(&e.to_string()))
            }
            other => AppError::Store(StoreError::Query(url.scrub(&other.to_string()))),
        })
}

/// Exit code 1 when a process failed or left entities failed.
fn processes_failed(report: &RunReport) -> Result<(), AppError> {
    let failed: Vec<String> = report.failures().map(|p| p.number.to_string()).collect();
    if failed.is_empty() {
        Ok(())
    } else {
        Err(AppError::ProcessesFailed(failed.len(), failed.join(", ")))
    }
}

fn seconds(n: u32) -> std::time::Duration {
    std::time::Duration::from_secs(u64::from(n))
}

/// The TMDb client's settings from the configuration.
fn client_settings(config: &Config, auth: Auth) -> ClientSettings {
    let mut settings = ClientSettings::new(
        config.api_base_url.clone(),
        auth,
        config.max_in_flight.get(),
    );
    settings.connect_timeout = seconds(config.connect_timeout);
    settings.request_timeout = seconds(config.request_timeout);
    settings
}

/// The rate limiter, client, one fetcher per kind and the changes poller of a run.
fn entity_workers(
    config: &Config,
    auth: Auth,
    db: &DatabaseConnection,
    writer: &actix::Addr<DbWriter>,
) -> EntityWorkers {
    let limiter = RateLimiter::new(RateLimit::for_rate(
        config.rate_limit_per_second,
        config.max_in_flight,
    ))
    .start();
    let settings = client_settings(config, auth);
    let client = TmdbClient::new(settings, limiter);
    let ctx = Rc::new(
        FetchContext::new(client.clone(), writer.clone(), config.languages.clone())
            .with_raw_json(config.raw_json),
    );
    let mut fetchers: HashMap<EntityKind, actix::Recipient<Fetch>> = HashMap::new();
    fetchers.insert(
        EntityKind::Movie,
        MovieFetcher::new(ctx.clone()).start().recipient(),
    );
    fetchers.insert(
        EntityKind::Series,
        TvFetcher::new(ctx.clone()).start().recipient(),
    );
    fetchers.insert(
        EntityKind::Person,
        PersonFetcher::new(ctx.clone()).start().recipient(),
    );
    fetchers.insert(
        EntityKind::Collection,
        CollectionFetcher::new(ctx.clone()).start().recipient(),
    );
    fetchers.insert(
        EntityKind::Company,
        CompanyFetcher::new(ctx.clone()).start().recipient(),
    );
    fetchers.insert(
        EntityKind::Network,
        NetworkFetcher::new(ctx.clone()).start().recipient(),
    );
    fetchers.insert(
        EntityKind::List,
        ListFetcher::new(ctx.clone()).start().recipient(),
    );
    let backfills = backfillers(&ctx);
    let catalogs = ProviderCatalogs::new(client.clone(), writer.clone()).start();
    let changes = ChangesPoller::new(client, db.clone(), writer.clone(), config.timezone).start();
    EntityWorkers {
        fetchers,
        backfills,
        changes,
        catalogs,
    }
}

/// One actor per backfill (34-36), keyed as `process::backfill_of` names them.
fn backfillers(ctx: &Rc<FetchContext>) -> HashMap<(EntityKind, Snapshot), actix::Recipient<Fetch>> {
    fn start<B: BackfillKind>(
        ctx: &Rc<FetchContext>,
    ) -> ((EntityKind, Snapshot), actix::Recipient<Fetch>) {
        let actor = Backfiller::<B>::new(ctx.clone()).start();
        ((B::KIND, B::SNAPSHOT), actor.recipient())
    }
    HashMap::from([
        start::<MovieReleaseDates>(ctx),
        start::<MovieWatchProviders>(ctx),
        start::<SeriesWatchProviders>(ctx),
    ])
}

/// What `tmdb-crawler status` shows.
#[derive(Debug, Clone, PartialEq)]
pub struct Status {
    /// Every `strtmdbcrawler*` server variable: name, value, last update.
    pub variables: Vec<(String, String, Option<NaiveDateTime>)>,
    /// The not-found ledger's ids, and those held back until their retry time; `None` when
    /// the table is missing.
    pub ledger: Option<(i64, i64)>,
}

/// The last runs' server variables and the not-found ledger's size.
pub async fn status(config: &Config) -> Result<Status, AppError> {
    let url = &config.database_url;
    let db = store::connect(url, 2).await?;
    let query = |e| AppError::Store(StoreError::query(url, e));
    let variables = store::server_vars::all_with_prefix(&db, "strtmdbcrawler")
        .await
        .map_err(query)?;
    let now = store::server_vars::local_now(config.timezone);
    let ledger = store::entities::ledger_counts(&db, now)
        .await
        .map_err(query)?;
    db.close().await.ok();
    Ok(Status { variables, ledger })
}

/// One request to `/3/configuration`: do TMDb and the credentials answer?
pub async fn check_api(config: &Config) -> Result<(), AppError> {
    let Some(auth) = Auth::from_config(config) else {
        return Err(AppError::Usage(
            "no TMDb credentials: set api_token (TMDB_CRAWLER_API_TOKEN) or api_key (TMDB_CRAWLER_API_KEY)"
                .to_owned(),
        ));
    };
    let limiter = RateLimiter::new(RateLimit::for_rate(
        config.rate_limit_per_second,
        config.max_in_flight,
    ))
    .start();
    let client = TmdbClient::new(client_settings(config, auth), limiter);
    match client
        .get::<Configuration>(&TmdbRequest::new("/3/configuration"))
        .await?
    {
        Fetched::Found(_) => Ok(()),
        Fetched::NotFound => Err(AppError::Usage(format!(
            "{} answered 404 for /3/configuration: is api_base_url right?",
            config.api_base_url
        ))),
    }
}

/// A schema change (`tmdb-crawler migrate ...`); the destructive ones are confirmed by then.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Migration {
    Up,
    Down,
    Fresh,
    Status,
}

/// What a migration did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Migrated {
    /// The migrations applied now (none when the schema was up to date).
    Applied(Vec<String>),
    /// The migration rolled back, if there was one.
    RolledBack(Option<String>),
    Recreated,
    /// Every migration and whether it is applied.
    Status(Vec<(String, bool)>),
}

/// Applies `migration` under the run lock: changing the schema under a running crawler (or
/// another migration) would break it.
pub async fn migrate(config: &Config, migration: Migration) -> Result<Migrated, AppError> {
    let url = &config.database_url;
    let db = store::connect(url, 2).await?;
    let lock = match migration {
        Migration::Status => None,
        _ => Some(
            store::run_lock::take(url, &db, &store::run_lock::holder_name())
                .await
                .map_err(|e| lock_error(url, e))?,
        ),
    };
    let result = apply_migration(&db, migration)
        .await
        .map_err(|e| AppError::Store(StoreError::query(url, e)));
    if let Some(lock) = lock {
        lock.release().await;
    }
    db.close().await.ok();
    result
}

async fn apply_migration(
    db: &DatabaseConnection,
    migration: Migration,
) -> Result<Migrated, sea_orm::DbErr> {
    Ok(match migration {
        Migration::Up => {
            let pending = Migrator::get_pending_migrations_read_only(db).await?;
            Migrator::up(db, None).await?;
            Migrated::Applied(pending.iter().map(|m| m.name().to_owned()).collect())
        }
        Migration::Down => {
            let applied = Migrator::get_applied_migrations_read_only(db).await?;
            Migrator::down(db, Some(1)).await?;
            Migrated::RolledBack(applied.last().map(|m| m.name().to_owned()))
        }
        Migration::Fresh => {
            Migrator::down(db, None).await?;
            Migrator::up(db, None).await?;
            Migrated::Recreated
        }
        Migration::Status => Migrated::Status(
            Migrator::get_migration_with_status_read_only(db)
                .await?
                .iter()
                .map(|m| {
                    let applied = m.status() == sea_orm_migration::MigrationStatus::Applied;
                    (m.name().to_owned(), applied)
                })
                .collect(),
        ),
    })
}
