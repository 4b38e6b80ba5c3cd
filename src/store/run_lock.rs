//! One crawler per database. What excludes a second instance is the database's own lock
//! (`migration::database_lock`: `GET_LOCK`, an advisory lock, or a lock file), which the server
//! frees the moment its holder's session ends: no clocks are compared, no host names trusted.
//! The server variable `strtmdbcrawlerrunlock` is the lock's record for monitoring and for the
//! refusal message: who holds it (`host pid N since T`), with `TIM_UPDATED` refreshed while the
//! run goes on.

use std::time::Duration;

use chrono_tz::Tz;
use entity::t_wc_server_variable as sv;
use migration::database_lock::{DatabaseLock, DatabaseLockError, LockTarget, Taken};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter};

use super::retry;
use super::server_vars::{self, local_now};
use crate::config::DatabaseUrl;
use crate::shutdown::StopSignal;

pub const VAR_RUN_LOCK: &str = migration::database_lock::RECORD_VAR;
/// The holder checks that it still holds the lock this often.
pub const CHECK_EVERY: Duration = Duration::from_secs(3);
/// ... and refreshes the record's time every this many checks.
const RECORD_EVERY_CHECKS: u32 = 7;

#[derive(Debug, thiserror::Error)]
pub enum LockError {
    #[error(
        "another tmdb-crawler ({holder}) is using this database; wait for it to finish \
         (the database frees its lock when that process ends)"
    )]
    Held { holder: String },
    #[error(transparent)]
    Lock(#[from] DatabaseLockError),
    #[error("database error while taking the run lock: {0}")]
    Db(#[from] DbErr),
}

/// This process, as the lock's record names it: containers all run as PID 1, so the start time
/// tells two holders of one host apart.
pub fn holder_name() -> String {
    let host = std::env::var("HOSTNAME")
        .ok()
        .filter(|h| !h.trim().is_empty())
        .or_else(|| std::fs::read_to_string("/proc/sys/kernel/hostname").ok())
        .map(|h| h.trim().to_owned())
        .unwrap_or_else(|| "unknown-host".to_owned());
    let since = chrono::Utc::now().format("%Y-%m-%dT%H:%M:%SZ");
    format!("{host} pid {} since {since}", std::process::id())
}

/// Takes the database's lock, or says who holds it. Used alone by `migrate`, whose tables may
/// not exist yet, so the record is only read here.
pub async fn take<C: ConnectionTrait>(
    url: &DatabaseUrl,
    db: &C,
    me: &str,
) -> Result<DatabaseLock, LockError> {
    match DatabaseLock::take(&LockTarget::of_url(url.expose()), me).await? {
        Taken::Now(lock) => Ok(lock),
        Taken::Elsewhere { holder } => {
            let holder = match holder {
                Some(h) => h,
                None => migration::database_lock::recorded_holder(db)
                    .await
                    .unwrap_or_else(|| "a process that left no record".to_owned()),
            };
            Err(LockError::Held { holder })
        }
    }
}

/// The lock of a run: the database's lock and its record.
pub struct RunLock {
    lock: DatabaseLock,
    target: LockTarget,
    me: String,
}

enum Retaken {
    Yes,
    No(&'static str),
    Finished,
}

impl RunLock {
    pub async fn acquire<C: ConnectionTrait>(
        url: &DatabaseUrl,
        db: &C,
        tz: Tz,
    ) -> Result<RunLock, LockError> {
        let me = holder_name();
        let lock = take(url, db, &me).await?;
        let target = LockTarget::of_url(url.expose());
        if let Some(previous) = migration::database_lock::recorded_holder(db).await {
            // Its session ended without a release: killed, or its host went away.
            tracing::warn!(%previous, "taking over the run lock of a process that is gone");
        }
        let description = "Crawler instance holding this database";
        match server_vars::set(db, tz, VAR_RUN_LOCK, &me, description).await {
            Ok(()) => Ok(RunLock { lock, target, me }),
            Err(e) => {
                lock.release().await;
                Err(e.into())
            }
        }
    }

    /// Watches the lock while the run goes on: refreshes its record, and when the lock is lost
    /// (its session killed, the server restarted) stops the run, which then fails.
    pub fn watch<C>(self, db: C, tz: Tz, stop: StopSignal) -> LockWatch
    where
        C: ConnectionTrait + Send + Sync + 'static,
    {
        let (finish, finished) = tokio::sync::oneshot::channel();
        let task = tokio::spawn(self.hold(db, tz, stop, finished));
        LockWatch { finish, task }
    }

    async fn hold<C: ConnectionTrait>(
        mut self,
        db: C,
        tz: Tz,
        stop: StopSignal,
        mut finished: tokio::sync::oneshot::Receiver<()>,
    ) -> LockOutcome {
        let mut checks = 0u32;
        let outcome = loop {
            tokio::select! {
                _ = &mut finished => break LockOutcome::Kept,
                _ = tokio::time::sleep(CHECK_EVERY) => {}
            }
            let held = tokio::time::timeout(CHECK_EVERY, self.lock.still_held()).await;
            let unreachable = match held {
                Ok(Ok(true)) => false,
                // The session answers but holds nothing: it was ended and silently replaced.
                Ok(Ok(false)) => break self.lost(&stop, "its database session was ended"),
                Ok(Err(e)) if !retry::is_transient(&e) => {
                    break self.lost(&stop, "its database session failed");
                }
                Ok(Err(_)) | Err(_) => true,
            };
            if unreachable {
                match self.retake(&mut finished).await {
                    Retaken::Yes => {}
                    Retaken::Finished => break LockOutcome::Kept,
                    Retaken::No(why) => break self.lost(&stop, why),
                }
            }
            checks += 1;
            if checks.is_multiple_of(RECORD_EVERY_CHECKS)
                && let Err(e) = self.touch_record(&db, tz).await
            {
                tracing::warn!(error = %e, "could not refresh the run lock's record");
            }
        };
        self.release(&db, tz, outcome).await;
        outcome
    }

    fn lost(&self, stop: &StopSignal, why: &'static str) -> LockOutcome {
        tracing::error!(why, "the run lock was lost; stopping");
        stop.stop();
        LockOutcome::Lost
    }

    /// The database went away, and its lock with the session: nobody can write meanwhile, so
    /// the run goes on if the lock is free when the database is back, within the retry budget.
    async fn retake(&mut self, finished: &mut tokio::sync::oneshot::Receiver<()>) -> Retaken {
        tracing::warn!("the run lock's database is unreachable: waiting to take the lock again");
        let policy = retry::RetryPolicy::configured();
        let since = std::time::Instant::now();
        let mut failures = 0;
        loop {
            let attempt = DatabaseLock::take(&self.target, &self.me);
            match tokio::time::timeout(CHECK_EVERY * 4, attempt).await {
                Ok(Ok(Taken::Now(lock))) => {
                    let old = std::mem::replace(&mut self.lock, lock);
                    old.release().await;
                    tracing::warn!("the run lock is held again after the outage");
                    return Retaken::Yes;
                }
                Ok(Ok(Taken::Elsewhere { .. })) => {
                    return Retaken::No("another process took it during a database outage");
                }
                Ok(Err(_)) | Err(_) => failures += 1,
            }
            if since.elapsed() >= policy.budget {
                return Retaken::No("the database stayed unreachable beyond the retry budget");
            }
            tokio::select! {
                _ = &mut *finished => return Retaken::Finished,
                _ = tokio::time::sleep(policy.pause(failures)) => {}
            }
        }
    }

    async fn touch_record<C: ConnectionTrait>(&self, db: &C, tz: Tz) -> Result<(), DbErr> {
        sv::Entity::update_many()
            .col_expr(sv::Column::TimUpdated, Expr::value(local_now(tz)))
            .filter(sv::Column::VarName.eq(VAR_RUN_LOCK))
            .filter(sv::Column::VarValue.eq(self.me.as_str()))
            .exec(db)
            .await
            .map(|_| ())
    }

    /// Clears the record and gives the lock back, each within [`CHECK_EVERY`]: with the
    /// database gone there is nothing to release (the server ended the session).
    async fn release<C: ConnectionTrait>(self, db: &C, tz: Tz, outcome: LockOutcome) {
        // A lost lock may have a new holder whose record must stay.
        if outcome == LockOutcome::Kept {
            let cleared = sv::Entity::update_many()
                .col_expr(sv::Column::VarValue, Expr::value(""))
                .col_expr(sv::Column::TimUpdated, Expr::value(local_now(tz)))
                .filter(sv::Column::VarName.eq(VAR_RUN_LOCK))
                .filter(sv::Column::VarValue.eq(self.me.as_str()))
                .exec(db);
            match tokio::time::timeout(CHECK_EVERY, cleared).await {
                Ok(Ok(_)) => {}
                Ok(Err(e)) => tracing::warn!(error = %e, "could not clear the run lock's record"),
                Err(_) => tracing::warn!("the run lock's record could not be cleared in time"),
            }
        }
        let _ = tokio::time::timeout(CHECK_EVERY, self.lock.release()).await;
    }
}

/// Whether a run kept its lock to the end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LockOutcome {
    Kept,
    Lost,
}

/// A running lock watch; `finish` releases the lock.
pub struct LockWatch {
    finish: tokio::sync::oneshot::Sender<()>,
    task: tokio::task::JoinHandle<LockOutcome>,
}

impl LockWatch {
    pub async fn finish(self) -> LockOutcome {
        let _ = self.finish.send(());
        self.task.await.unwrap_or(LockOutcome::Lost)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_holder_names_host_pid_and_start() {
        let name = holder_name();
        assert!(
            name.contains(&format!(" pid {} since ", std::process::id())),
            "{name}"
        );
        assert!(name.ends_with('Z'), "{name}");
    }
}
