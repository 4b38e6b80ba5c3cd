//! The command line: subcommands and the flags that override configuration. It parses and
//! prints; `app.rs` does the work.

use std::path::PathBuf;

use chrono::NaiveDate;
use clap::{Args, Parser, Subcommand};
use serde::Serialize;

use crate::actors::catalogs::{CatalogResult, CatalogsReport};
use crate::actors::coordinator::{ProcessOutcome, RunReport};
use crate::app::{self, AppError, Migrated, Migration, RunRequest, Status};
use crate::config::Config;
use crate::process;
use crate::store;

// No `Debug`: the flags may hold the database password.
#[derive(Parser)]
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

/// Flags that override the configuration file and the environment: serialized, they are the
/// configuration's top layer (a field named like a setting sets it; `None` leaves it alone).
#[derive(Args, Serialize)]
pub struct SettingsArgs {
    /// Configuration file (TOML); a missing file is fine.
    #[arg(long, global = true, value_name = "FILE", default_value = crate::config::DEFAULT_CONFIG_FILE)]
    #[serde(skip)]
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
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub include_adult: bool,
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

pub async fn execute(cli: Cli) -> Result<(), AppError> {
    let config = Config::load(&cli.settings.config, &cli.settings)?;
    app::prepare(&config)?;
    match cli.command {
        Command::Processes => print!("{}", process::render_table()),
        Command::Config => print!("{}", config.render_masked()),
        Command::Run {
            process,
            export_date,
            force,
            limit,
            repeat,
            every,
        } => {
            let request = RunRequest {
                processes: process,
                export_date,
                force,
                limit,
                every: if repeat { every } else { None },
            };
            app::run(&config, request, print_report).await?;
        }
        Command::Migrate { action } => {
            print_migrated(app::migrate(&config, migration(action)?).await?)
        }
        Command::CheckApi => {
            app::check_api(&config).await?;
            println!(
                "TMDb answered at {}: credentials accepted",
                config.api_base_url
            );
        }
        Command::Status => print_status(&app::status(&config).await?),
    }
    Ok(())
}

/// The migration asked for; a destructive one only with `--yes`.
fn migration(action: MigrateAction) -> Result<Migration, AppError> {
    let unconfirmed = || {
        AppError::Usage(
            "this drops the crawler's tables and every row in them; add --yes to confirm"
                .to_owned(),
        )
    };
    match action {
        MigrateAction::Up => Ok(Migration::Up),
        MigrateAction::Status => Ok(Migration::Status),
        MigrateAction::Down { yes: true } => Ok(Migration::Down),
        MigrateAction::Fresh { yes: true } => Ok(Migration::Fresh),
        MigrateAction::Down { yes: false } | MigrateAction::Fresh { yes: false } => {
            Err(unconfirmed())
        }
    }
}

/// One line per process of a run.
fn print_report(report: &RunReport) {
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
            ProcessOutcome::Catalogs(r) => println!(
                "{:>2} {name}: {} in {} s",
                p.number,
                catalog_results(r),
                r.seconds
            ),
            ProcessOutcome::Skipped(why) => println!("{:>2} {name}: skipped, {why}", p.number),
            ProcessOutcome::Failed(why) => println!("{:>2} {name}: FAILED, {why}", p.number),
        }
    }
}

/// `movie: 530 providers, 4488 regions (3 rows written); serie: REJECTED, ...`.
fn catalog_results(report: &CatalogsReport) -> String {
    let parts: Vec<String> = report
        .catalogs
        .iter()
        .map(|(catalog, result)| match result {
            CatalogResult::Replaced(s) => format!(
                "{catalog}: {} providers, {} regions ({} rows written, {} providers retired)",
                s.providers,
                s.regions,
                s.inserted + s.updated + s.deleted,
                s.identities_retired
            ),
            CatalogResult::Rejected(why) => format!("{catalog}: REJECTED, stored one kept ({why})"),
            CatalogResult::Failed(why) => format!("{catalog}: FAILED, stored one kept ({why})"),
            CatalogResult::NotStarted => format!("{catalog}: not started (stop requested)"),
        })
        .collect();
    parts.join("; ")
}

fn print_migrated(migrated: Migrated) {
    match migrated {
        Migrated::Applied(names) => {
            for name in &names {
                println!("applied {name}");
            }
            println!("schema up to date ({} migrations applied now)", names.len());
        }
        Migrated::RolledBack(Some(name)) => println!("rolled back {name}"),
        Migrated::RolledBack(None) => println!("nothing to roll back"),
        Migrated::Recreated => println!("schema recreated empty"),
        Migrated::Status(migrations) => {
            for (name, applied) in migrations {
                let status = if applied { "applied" } else { "pending" };
                println!("{status:<8} {name}");
            }
        }
    }
}

/// Every `strtmdbcrawler*` variable with its value and update time, and the ledger's size.
fn print_status(status: &Status) {
    if status.variables.is_empty() {
        println!("no run recorded in this database yet");
    }
    let width = status
        .variables
        .iter()
        .map(|v| v.0.len())
        .max()
        .unwrap_or(0);
    for (name, value, updated) in &status.variables {
        let updated = updated
            .map(store::server_vars::format_datetime)
            .unwrap_or_default();
        println!("{name:<width$}  {value:<24}  {updated}");
    }
    match status.ledger {
        Some((total, waiting)) => {
            println!("not-found ledger: {total} ids, {waiting} held back until their retry time")
        }
        None => println!("not-found ledger: table missing (run `tmdb-crawler migrate up`)"),
    }
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
