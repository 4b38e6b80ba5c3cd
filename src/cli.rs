//! The command line: subcommands and the flags that override configuration.

use std::path::PathBuf;

use chrono::NaiveDate;
use clap::{Args, Parser, Subcommand};
use migration::{Migrator, MigratorTrait};
use sea_orm::DatabaseConnection;

use actix::Actor;

use std::collections::HashMap;
use std::rc::Rc;

use crate::actors::changes::ChangesPoller;
use crate::actors::coordinator::{
    self, Coordinator, EntityWorkers, ProcessOutcome, RunError, RunProcesses, RunSettings,
};
use crate::actors::export::ExportDownloader;
use crate::actors::fetch::{
    CollectionFetcher, CompanyFetcher, FailureCause, Fetch, FetchContext, KeywordFetcher,
    ListFetcher, MovieFetcher, NetworkFetcher, PersonFetcher, TvFetcher,
};
use crate::actors::rate_limiter::{RateLimit, RateLimiter};
use crate::actors::writer::DbWriter;
use crate::config::{Config, ConfigError, ConfigOverrides, DatabaseUrl};
use crate::process;
use crate::records::EntityKind;
use crate::shutdown::{self, StopSignal};
use crate::store::{self, StoreError};
use crate::tmdb::client::{Auth, ClientSettings, Fetched, TmdbClient, TmdbError, TmdbRequest};
use crate::tmdb::payload::Configuration;

#[derive(Debug, Parser)]
#[command(
    name = "tmdb-crawler",
    version,
    about = "Keeps a local relational mirror of The Movie Database (TMDb) in sync"
)]
pub struct Cli {
    #[command(flatten)]
    pub settings: SettingsArgs,
    #[command(subcommand)]
    pub command: Command,
}

/// Flags that override the configuration file and the environment.
#[derive(Debug, Args)]
pub struct SettingsArgs {
    /// Configuration file (TOML); a missing file is fine.
    #[arg(long, global = true, value_name = "FILE", default_value = crate::config::DEFAULT_CONFIG_FILE)]
    pub config: PathBuf,
    /// Database URL: sqlite://..., mysql://... or postgres://...
    #[arg(long, global = true, value_name = "URL")]
    pub database_url: Option<String>,
    /// TMDb API base URL.
    #[arg(long, global = true, value_name = "URL")]
    pub api_base_url: Option<String>,
    /// Base URL of the daily ID exports.
    #[arg(long, global = true, value_name = "URL")]
    pub exports_base_url: Option<String>,
    /// Requests per second to TMDb.
    #[arg(long, global = true, value_name = "N")]
    pub rate_limit_per_second: Option<u32>,
    /// Requests in flight to TMDb at most.
    #[arg(long, global = true, value_name = "N")]
    pub max_in_flight: Option<u32>,
    /// Time zone of the stored timestamps (IANA name).
    #[arg(long, global = true, value_name = "TZ")]
    pub timezone: Option<String>,
    /// Languages of the *_LANG rows, comma separated.
    #[arg(long, global = true, value_name = "LIST", value_delimiter = ',')]
    pub languages: Option<Vec<String>>,
    /// Also import the adult ID exports and keep adult entries of the changes feed.
    #[arg(long, global = true)]
    pub include_adult: bool,
}

impl SettingsArgs {
    pub fn overrides(&self) -> ConfigOverrides {
        ConfigOverrides {
            database_url: self.database_url.clone(),
            api_base_url: self.api_base_url.clone(),
            exports_base_url: self.exports_base_url.clone(),
            rate_limit_per_second: self.rate_limit_per_second,
            max_in_flight: self.max_in_flight,
            timezone: self.timezone.clone(),
            languages: self.languages.clone(),
            include_adult: self.include_adult.then_some(true),
            ..ConfigOverrides::default()
        }
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run processes: those given with --process, in that order, or the default scope.
    Run {
        /// Process numbers, comma separated, ranges allowed (e.g. 41-47,2,51).
        #[arg(long, value_name = "LIST")]
        process: Option<String>,
        /// Day of the daily ID exports to import (default: yesterday in the configured time zone).
        #[arg(long, value_name = "YYYY-MM-DD")]
        export_date: Option<NaiveDate>,
        /// Import the exports even when that day was already imported.
        #[arg(long)]
        force: bool,
        /// At most this many entities per id process or change feed.
        #[arg(long, value_name = "N")]
        limit: Option<u64>,
        /// Run again and again, a new run starting every --every (until SIGTERM or Ctrl-C).
        #[arg(long = "loop", requires = "every")]
        repeat: bool,
        /// Interval between the starts of two runs with --loop: 90s, 30m, 6h, 1d.
        #[arg(long, value_name = "DURATION", value_parser = parse_interval)]
        every: Option<std::time::Duration>,
    },
    /// Create, adopt, inspect or remove the T_WC_* schema.
    Migrate {
        #[command(subcommand)]
        action: MigrateAction,
    },
    /// List the process catalogue: number, name, what it selects, default order.
    Processes,
    /// Print the effective configuration (secrets masked).
    Config,
    /// Check that TMDb answers and accepts the API key or token.
    CheckApi,
    /// Print the last run from the server variables: start, end, processes, counts, cursors.
    Status,
}

#[derive(Debug, Subcommand)]
pub enum MigrateAction {
    /// Apply pending migrations; tables that already exist are adopted untouched.
    Up,
    /// Roll back the last applied migration (drops its tables and their rows).
    Down {
        /// Confirm that the tables and every row in them are to be dropped.
        #[arg(long)]
        yes: bool,
    },
    /// List every migration and whether it is applied.
    Status,
    /// Roll back every migration, then apply all again: an empty schema.
    Fresh {
        /// Confirm that the tables and every row in them are to be dropped.
        #[arg(long)]
        yes: bool,
    },
}

/// What can end a command, by the exit code it maps to.
#[derive(Debug, thiserror::Error)]
pub enum CliError {
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

impl CliError {
    /// 2 configuration or usage, 3 database (README, "Exit codes").
    pub fn exit_code(&self) -> u8 {
        match self {
            CliError::Config(_) | CliError::Usage(_) => 2,
            CliError::Store(_) | CliError::LockLost => 3,
            // Refused credentials are a configuration problem; the rest is the network's.
            CliError::Tmdb(e) if e.is_fatal() => 2,
            CliError::Tmdb(_)
            | CliError::ProcessesFailed(..)
            | CliError::Stalled(_)
            | CliError::RunStopped(_) => 1,
        }
    }
}

pub async fn execute(cli: Cli) -> Result<(), CliError> {
    let config = Config::load(&cli.settings.config, &cli.settings.overrides())?;
    crate::redaction::hide(config.secrets());
    store::retry::set_default_budget(seconds(config.database_retry_budget));
    if let Err(e) = crate::tmdb::tls::client_config() {
        return Err(CliError::Usage(e.to_string()));
    }
    match cli.command {
        Command::Processes => {
            print!("{}", process::render_table());
            Ok(())
        }
        Command::Config => {
            print!("{}", config.render_masked());
            Ok(())
        }
        Command::Run {
            process,
            export_date,
            force,
            limit,
            repeat,
            every,
        } => {
            let every = if repeat { every } else { None };
            run(
                &config,
                process.as_deref(),
                export_date,
                force,
                limit,
                every,
            )
            .await
        }
        Command::Migrate { action } => migrate(&config, action).await,
        Command::CheckApi => check_api(&config).await,
        Command::Status => status(&config).await,
    }
}

async fn run(
    config: &Config,
    process_list: Option<&str>,
    export_date: Option<NaiveDate>,
    force: bool,
    limit: Option<u64>,
    every: Option<std::time::Duration>,
) -> Result<(), CliError> {
    let processes = match process_list {
        Some(list) => process::parse_list(list).map_err(|e| CliError::Usage(e.to_string()))?,
        None => process::DEFAULT_ORDER.to_vec(),
    };
    // Refused before the database is touched: a run never half-happens for want of a key.
    if Auth::from_config(config).is_none()
        && let Some(n) = processes.iter().find(|n| process::needs_api(**n))
    {
        return Err(CliError::Usage(
            RunError::NoApiCredentials(*n).to_string()
                + " (TMDB_CRAWLER_API_TOKEN or TMDB_CRAWLER_API_KEY)",
        ));
    }
    let url = &config.database_url;
    let connections = coordinator::connections_needed(config.max_in_flight.get());
    let db = store::connect(url, connections).await?;
    let pending = Migrator::get_pending_migrations_read_only(&db)
        .await
        .map_err(|e| CliError::Store(StoreError::query(url, e)))?;
    if !pending.is_empty() {
        return Err(CliError::Usage(
            "the database schema is not up to date: run `tmdb-crawler migrate up` first".to_owned(),
        ));
    }
    let lock = store::run_lock::RunLock::acquire(url, &db, config.timezone)
        .await
        .map_err(|e| lock_error(url, e))?;
    let stop = StopSignal::default();
    shutdown::watch_signals(stop.clone(), shutdown::GRACE)
        .map_err(|e| CliError::Usage(format!("cannot watch SIGTERM and Ctrl-C: {e}")))?;
    let watch = lock.watch(db.clone(), config.timezone, stop.clone());
    let mut result;
    loop {
        let started = std::time::Instant::now();
        result = run_locked(
            config,
            &db,
            processes.clone(),
            export_date,
            force,
            limit,
            stop.clone(),
        )
        .await;
        let Some(every) = every else { break };
        if let Err(e) = &result {
            // A failed run in a loop is reported and retried at the next start.
            tracing::error!(error = %url.scrub(&e.to_string()), "run failed; the next run starts on schedule");
        }
        let next = started + every;
        tracing::info!(
            seconds = next
                .saturating_duration_since(std::time::Instant::now())
                .as_secs(),
            "next run scheduled"
        );
        while std::time::Instant::now() < next && !stop.stopped() {
            actix_rt::time::sleep(std::time::Duration::from_millis(500)).await;
        }
        if stop.stopped() {
            break;
        }
    }
    let outcome = watch.finish().await;
    db.close().await.ok();
    // The run's own error says more (the database went away, say) than the lock it took along.
    if outcome == store::run_lock::LockOutcome::Lost && result.is_ok() {
        return Err(CliError::LockLost);
    }
    result
}

fn lock_error(url: &DatabaseUrl, e: store::run_lock::LockError) -> CliError {
    use store::run_lock::LockError;
    match e {
        LockError::Held { .. } => CliError::Usage(e.to_string()),
        LockError::Lock(e) => CliError::Store(StoreError::Query(url.scrub(&e.to_string()))),
        LockError::Db(e) => CliError::Store(StoreError::query(url, e)),
    }
}

async fn run_locked(
    config: &Config,
    db: &DatabaseConnection,
    processes: Vec<u16>,
    export_date: Option<NaiveDate>,
    force: bool,
    limit: Option<u64>,
    stop: StopSignal,
) -> Result<(), CliError> {
    let url = &config.database_url;
    let db = db.clone();
    let writer = DbWriter::connect(db.clone(), config.timezone)
        .await
        .map_err(|e| CliError::Store(StoreError::query(url, e)))?
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
        && let Some(n) = processes.iter().find(|n| process::needs_api(**n))
    {
        return Err(CliError::Usage(
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
        languages: config.languages.clone(),
        stall_timeout: seconds(config.stall_timeout),
        selection_page: coordinator::SELECTION_PAGE,
    };
    let coordinator =
        Coordinator::new(db.clone(), writer, exports, workers, settings, stop).start();
    let report = coordinator
        .send(RunProcesses {
            processes,
            export_date,
            force,
            limit,
        })
        .await
        .map_err(|_| CliError::Usage("the coordinator stopped unexpectedly".to_owned()))?
        .map_err(|e| match e {
            RunError::NotImplemented(_) | RunError::NoApiCredentials(_) => {
                CliError::Usage(e.to_string())
            }
            RunError::Fatal { cause, .. } => {
                let text = url.scrub(&e.to_string());
                match cause {
                    FailureCause::Credentials => CliError::Usage(text),
                    FailureCause::DatabaseUnavailable => CliError::Store(StoreError::Query(text)),
                    FailureCause::CrawlerStopped | FailureCause::Entity => {
                        CliError::RunStopped(text)
                    }
                }
            }
            RunError::Stalled { .. } | RunError::Stuck(_) => {
                CliError::Stalled(url.scrub(&e.to_string()))
            }
            other => CliError::Store(StoreError::Query(url.scrub(&other.to_string()))),
        })?;
    for p in &report.processes {
        let name = process::find(p.number).map(|x| x.name).unwrap_or_default();
        match &p.outcome {
            ProcessOutcome::Imported(r) => println!(
                "{:>2} {name}: imported {} rows from {} lines ({} unparsable, {} cut) in {:.1} s",
                p.number, r.rows, r.lines, r.bad_lines, r.truncated, r.seconds
            ),
            ProcessOutcome::Entities(r) => println!(
                "{:>2} {name}: {} selected, {} stored, {} gone ({} deleted), {} failed in {} s{}{}",
                p.number,
                r.selected,
                r.stored,
                r.gone,
                r.deleted,
                r.failed.len(),
                r.seconds,
                if r.extra_requests > 0 {
                    format!(" ({} extra image requests)", r.extra_requests)
                } else {
                    String::new()
                },
                if r.interrupted {
                    " (stopped early)"
                } else {
                    ""
                }
            ),
            ProcessOutcome::Changes(r) => println!(
                "{:>2} {name}: {} changed ids listed, {} fetched, {} stored, {} gone, {} failed; {} windows done, next day to poll {}",
                p.number,
                r.listed,
                r.selected,
                r.stored,
                r.gone,
                r.failed.len(),
                r.windows_completed,
                r.cursor
                    .map(|d| d.to_string())
                    .unwrap_or_else(|| "-".to_owned())
            ),
            ProcessOutcome::Skipped(why) => println!("{:>2} {name}: skipped, {why}", p.number),
            ProcessOutcome::Failed(why) => println!("{:>2} {name}: FAILED, {why}", p.number),
        }
    }
    let failed: Vec<String> = report.failures().map(|p| p.number.to_string()).collect();
    if failed.is_empty() {
        Ok(())
    } else {
        Err(CliError::ProcessesFailed(failed.len(), failed.join(", ")))
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

/// `90s`, `30m`, `6h`, `1d` (or plain seconds).
fn parse_interval(text: &str) -> Result<std::time::Duration, String> {
    let text = text.trim();
    let (number, unit) = match text.find(|c: char| !c.is_ascii_digit()) {
        Some(i) => text.split_at(i),
        None => (text, "s"),
    };
    let n: u64 = number
        .parse()
        .map_err(|_| format!("{text:?} is not a duration like 90s, 30m, 6h or 1d"))?;
    let seconds = match unit {
        "s" => n,
        "m" => n * 60,
        "h" => n * 3600,
        "d" => n * 86_400,
        _ => return Err(format!("{text:?}: the unit must be s, m, h or d")),
    };
    if seconds == 0 {
        return Err("the interval must be longer than 0".to_owned());
    }
    Ok(std::time::Duration::from_secs(seconds))
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
        EntityKind::Keyword,
        KeywordFetcher::new(ctx.clone()).start().recipient(),
    );
    fetchers.insert(EntityKind::List, ListFetcher::new(ctx).start().recipient());
    let changes = ChangesPoller::new(client, db.clone(), writer.clone(), config.timezone).start();
    EntityWorkers { fetchers, changes }
}

/// `tmdb-crawler status`: every `strtmdbcrawler*` variable with its value and update time,
/// plus the not-found ledger's size.
async fn status(config: &Config) -> Result<(), CliError> {
    let url = &config.database_url;
    let db = store::connect(url, 2).await?;
    let vars = store::server_vars::all_with_prefix(&db, "strtmdbcrawler")
        .await
        .map_err(|e| CliError::Store(StoreError::query(url, e)))?;
    if vars.is_empty() {
        println!("no run recorded in this database yet");
    }
    let width = vars.iter().map(|v| v.0.len()).max().unwrap_or(0);
    for (name, value, updated) in &vars {
        let updated = updated
            .map(store::server_vars::format_datetime)
            .unwrap_or_default();
        println!("{name:<width$}  {value:<24}  {updated}");
    }
    match store::entities::ledger_counts(&db, store::server_vars::local_now(config.timezone)).await
    {
        Ok(Some((total, waiting))) => {
            println!("not-found ledger: {total} ids, {waiting} held back until their retry time")
        }
        Ok(None) => println!("not-found ledger: table missing (run `tmdb-crawler migrate up`)"),
        Err(e) => return Err(CliError::Store(StoreError::query(url, e))),
    }
    db.close().await.ok();
    Ok(())
}

async fn check_api(config: &Config) -> Result<(), CliError> {
    let Some(auth) = Auth::from_config(config) else {
        return Err(CliError::Usage(
            "no TMDb credentials: set api_token (TMDB_CRAWLER_API_TOKEN) or api_key (TMDB_CRAWLER_API_KEY)"
                .to_owned(),
        ));
    };
    let limiter = RateLimiter::new(RateLimit::for_rate(
        config.rate_limit_per_second,
        config.max_in_flight,
    ))
    .start();
    let settings = client_settings(config, auth);
    let client = TmdbClient::new(settings, limiter);
    match client
        .get::<Configuration>(&TmdbRequest::new("/3/configuration"))
        .await?
    {
        Fetched::Found(_) => {
            println!(
                "TMDb answered at {}: credentials accepted",
                config.api_base_url
            );
            Ok(())
        }
        Fetched::NotFound => Err(CliError::Usage(format!(
            "{} answered 404 for /3/configuration: is api_base_url right?",
            config.api_base_url
        ))),
    }
}

async fn migrate(config: &Config, action: MigrateAction) -> Result<(), CliError> {
    let destructive = match action {
        MigrateAction::Down { yes } | MigrateAction::Fresh { yes } => Some(yes),
        MigrateAction::Up | MigrateAction::Status => None,
    };
    if destructive == Some(false) {
        return Err(CliError::Usage(
            "this drops the crawler's tables and every row in them; add --yes to confirm"
                .to_owned(),
        ));
    }
    let url = &config.database_url;
    let db = store::connect(url, 2).await?;
    let query = |e| CliError::Store(StoreError::query(url, e));
    // Changing the schema under a running crawler (or another migration) would break it.
    let lock = match action {
        MigrateAction::Status => None,
        _ => Some(
            store::run_lock::take(url, &db, &store::run_lock::holder_name())
                .await
                .map_err(|e| lock_error(url, e))?,
        ),
    };
    let result = apply_migration(&db, action).await.map_err(query);
    if let Some(lock) = lock {
        lock.release().await;
    }
    db.close().await.ok();
    result
}

async fn apply_migration(
    db: &DatabaseConnection,
    action: MigrateAction,
) -> Result<(), sea_orm::DbErr> {
    match action {
        MigrateAction::Up => {
            let pending = Migrator::get_pending_migrations_read_only(db).await?;
            Migrator::up(db, None).await?;
            for m in &pending {
                println!("applied {}", m.name());
            }
            println!(
                "schema up to date ({} migrations applied now)",
                pending.len()
            );
        }
        MigrateAction::Down { .. } => {
            let applied = Migrator::get_applied_migrations_read_only(db).await?;
            Migrator::down(db, Some(1)).await?;
            match applied.last() {
                Some(m) => println!("rolled back {}", m.name()),
                None => println!("nothing to roll back"),
            }
        }
        MigrateAction::Fresh { .. } => {
            Migrator::down(db, None).await?;
            Migrator::up(db, None).await?;
            println!("schema recreated empty");
        }
        MigrateAction::Status => print_status(db).await?,
    }
    Ok(())
}

async fn print_status(db: &DatabaseConnection) -> Result<(), sea_orm::DbErr> {
    for m in Migrator::get_migration_with_status_read_only(db).await? {
        let status = match m.status() {
            sea_orm_migration::MigrationStatus::Applied => "applied",
            sea_orm_migration::MigrationStatus::Pending => "pending",
        };
        println!("{status:<8} {}", m.name());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn intervals_take_seconds_minutes_hours_and_days() {
        assert_eq!(
            parse_interval("90s"),
            Ok(std::time::Duration::from_secs(90))
        );
        assert_eq!(
            parse_interval("30m"),
            Ok(std::time::Duration::from_secs(1800))
        );
        assert_eq!(
            parse_interval("6h"),
            Ok(std::time::Duration::from_secs(21_600))
        );
        assert_eq!(
            parse_interval("1d"),
            Ok(std::time::Duration::from_secs(86_400))
        );
        assert_eq!(parse_interval("45"), Ok(std::time::Duration::from_secs(45)));
        assert!(parse_interval("0h").is_err());
        assert!(parse_interval("6 weeks").is_err());
        assert!(parse_interval("h").is_err());
    }

    #[test]
    fn loop_requires_every() {
        let parsed = Cli::try_parse_from(["tmdb-crawler", "run", "--loop"]);
        assert!(parsed.is_err());
        let parsed = Cli::try_parse_from(["tmdb-crawler", "run", "--loop", "--every", "6h"]);
        assert!(parsed.is_ok());
    }
}
