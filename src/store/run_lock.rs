//! One crawler per database: a lock held in the server variable `strtmdbcrawlerrunlock`
//! (`host pid` of the holder), taken with a compare-and-set and kept alive by a heartbeat
//! (`TIM_UPDATED`). A second instance finds it held and stops with a clear message. A lock left
//! by a killed process is taken over when its heartbeat is stale, or at once when the holder
//! was a process of this host that no longer exists.

use chrono::{Duration, NaiveDateTime};
use chrono_tz::Tz;
use entity::t_wc_server_variable as sv;
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder};

use super::server_vars::{self, format_datetime, local_now};

pub const VAR_RUN_LOCK: &str = "strtmdbcrawlerrunlock";
/// The holder refreshes the lock this often.
pub const HEARTBEAT_SECS: u64 = 20;
/// A lock not refreshed for this long belongs to a dead process.
const STALE_AFTER_SECS: i64 = 90;

#[derive(Debug, thiserror::Error)]
pub enum LockError {
    #[error(
        "another tmdb-crawler ({holder}) is running on this database (last seen {seen}); \
         wait for it to finish, or empty the server variable {VAR_RUN_LOCK} if it is gone"
    )]
    Held { holder: String, seen: String },
    #[error("database error while taking the run lock: {0}")]
    Db(#[from] DbErr),
}

/// This process, as the lock names it.
pub fn owner() -> String {
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|h| h.trim().to_owned())
        .or_else(|_| std::env::var("HOSTNAME"))
        .unwrap_or_else(|_| "unknown-host".to_owned());
    format!("{host} {}", std::process::id())
}

fn this_host() -> String {
    owner()
        .rsplit_once(' ')
        .map(|(h, _)| h.to_owned())
        .unwrap_or_default()
}

/// True when `holder` was a process of this host that has exited.
fn holder_is_dead_here(holder: &str) -> bool {
    let Some((host, pid)) = holder.rsplit_once(' ') else {
        return false;
    };
    host == this_host()
        && pid.parse::<u32>().is_ok_and(|pid| {
            pid != std::process::id() && !std::path::Path::new(&format!("/proc/{pid}")).exists()
        })
}

async fn row<C: ConnectionTrait>(db: &C) -> Result<Option<sv::Model>, DbErr> {
    sv::Entity::find()
        .filter(sv::Column::Deleted.eq(0))
        .filter(sv::Column::VarName.eq(VAR_RUN_LOCK))
        .order_by_asc(sv::Column::IdServerVariable)
        .one(db)
        .await
}

/// Sets the lock row from `expected` to `value`; true when this call made the change.
async fn compare_and_set<C: ConnectionTrait>(
    db: &C,
    id: i32,
    expected: &str,
    value: &str,
    now: NaiveDateTime,
) -> Result<bool, DbErr> {
    let result = sv::Entity::update_many()
        .col_expr(sv::Column::VarValue, Expr::value(value.to_owned()))
        .col_expr(sv::Column::TimUpdated, Expr::value(now))
        .filter(sv::Column::IdServerVariable.eq(id))
        .filter(sv::Column::VarValue.eq(expected))
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Takes the lock for this process.
pub async fn acquire<C: ConnectionTrait>(db: &C, tz: Tz) -> Result<String, LockError> {
    let me = owner();
    if row(db).await?.is_none() {
        server_vars::set(
            db,
            tz,
            VAR_RUN_LOCK,
            "",
            "Crawler instance holding this database",
        )
        .await?;
    }
    let Some(current) = row(db).await? else {
        return Err(LockError::Db(DbErr::RecordNotFound(
            VAR_RUN_LOCK.to_owned(),
        )));
    };
    let holder = current.var_value.clone().unwrap_or_default();
    let now = local_now(tz);
    let seen = current.tim_updated.unwrap_or(now);
    let stale = now - seen > Duration::seconds(STALE_AFTER_SECS);
    if !holder.is_empty() && holder != me && !stale && !holder_is_dead_here(&holder) {
        return Err(LockError::Held {
            holder,
            seen: format_datetime(seen),
        });
    }
    if !holder.is_empty() && holder != me {
        tracing::warn!(%holder, "taking over the run lock of a process that is gone");
    }
    if compare_and_set(db, current.id_server_variable, &holder, &me, now).await? {
        Ok(me)
    } else {
        let holder = row(db).await?.and_then(|r| r.var_value).unwrap_or_default();
        Err(LockError::Held {
            holder,
            seen: format_datetime(now),
        })
    }
}

/// Refreshes the holder's heartbeat; false when the lock is no longer ours.
pub async fn heartbeat<C: ConnectionTrait>(db: &C, tz: Tz, me: &str) -> Result<bool, DbErr> {
    let Some(current) = row(db).await? else {
        return Ok(false);
    };
    compare_and_set(db, current.id_server_variable, me, me, local_now(tz)).await
}

/// Gives the lock back.
pub async fn release<C: ConnectionTrait>(db: &C, tz: Tz, me: &str) -> Result<(), DbErr> {
    if let Some(current) = row(db).await? {
        compare_and_set(db, current.id_server_variable, me, "", local_now(tz)).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missing_process_of_this_host_is_dead_and_others_are_not_judged() {
        let here = this_host();
        assert!(holder_is_dead_here(&format!("{here} 4000000000")));
        assert!(!holder_is_dead_here(&format!(
            "{here} {}",
            std::process::id()
        )));
        assert!(!holder_is_dead_here("some-other-host 1"));
        assert!(!holder_is_dead_here("garbage"));
    }
}
