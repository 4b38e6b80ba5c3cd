//! Stand-alone migration runner: `DATABASE_URL=... cargo run -p migration -- up|down|status|fresh`.
//!
//! The crawler binary offers the same through `tmdb-crawler migrate`, with its configuration;
//! this runner exists for deployments that migrate before the crawler image is rolled out.

use std::process::ExitCode;

use migration::Migrator;
use migration::database_lock::{self, DatabaseLock, LockTarget, Taken};
use sea_orm_migration::MigratorTrait;
use sea_orm_migration::sea_orm::Database;

#[tokio::main(flavor = "current_thread")]
async fn main() -> ExitCode {
    let command = std::env::args().nth(1).unwrap_or_else(|| "up".to_owned());
    let Ok(url) = std::env::var("DATABASE_URL") else {
        eprintln!("error: set DATABASE_URL (e.g. sqlite://data/tmdb.sqlite?mode=rwc)");
        return ExitCode::from(2);
    };
    let db = match Database::connect(url.as_str()).await {
        Ok(db) => db,
        Err(_) => {
            // The driver's message can echo the URL and its password: keep it out.
            eprintln!("error: cannot connect to the database given by DATABASE_URL");
            return ExitCode::from(3);
        }
    };
    // The lock `tmdb-crawler run` and `migrate` hold: no schema change under a running crawler.
    let holder = format!("migration runner pid {}", std::process::id());
    let lock = match command.as_str() {
        "status" => None,
        _ => match DatabaseLock::take(&LockTarget::of_url(&url), &holder).await {
            Ok(Taken::Now(lock)) => Some(lock),
            Ok(Taken::Elsewhere { holder }) => {
                let holder = match holder {
                    Some(holder) => holder,
                    None => database_lock::recorded_holder(&db)
                        .await
                        .unwrap_or_else(|| "a tmdb-crawler".to_owned()),
                };
                eprintln!("error: {holder} is using this database; try again when it ends");
                return ExitCode::from(2);
            }
            Err(_) => {
                eprintln!("error: cannot take the database's lock");
                return ExitCode::from(3);
            }
        },
    };
    let result = match command.as_str() {
        "up" => Migrator::up(&db, None).await,
        "down" => Migrator::down(&db, Some(1)).await,
        "fresh" => match Migrator::down(&db, None).await {
            Ok(()) => Migrator::up(&db, None).await,
            Err(e) => Err(e),
        },
        "status" => Migrator::get_migration_with_status(&db).await.map(|all| {
            for m in all {
                println!("{}\t{}", m.status(), m.name());
            }
        }),
        other => {
            eprintln!("error: unknown command '{other}' (expected up, down, status or fresh)");
            return ExitCode::from(2);
        }
    };
    if let Some(lock) = lock {
        lock.release().await;
    }
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::from(3)
        }
    }
}
