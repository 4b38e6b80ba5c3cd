//! Process 19's writes: one provider catalogue replaces the stored one in ONE transaction
//! (spec S6): its membership (`…_CATALOG`) and country priorities (`…_REGION`), the identities
//! rebuilt from both catalogues (`T_WC_TMDB_WATCH_PROVIDER`, providers no catalogue lists any
//! more marked `DELETED = 1`), the catalogue state (`…_CATALOG_STATE`) and the
//! `strtmdbcrawlerwatchprovidercatalog{movie|serie}updated` variable. A failure leaves all of
//! it as it was.
//!
//! The Python crawler deleted and re-inserted every row on each run; here stored rows are
//! compared with the new ones and only what differs is written, so an unchanged catalogue
//! changes no row but its state's `TIM_COMPLETED` (docs/compatibility.md).

use std::collections::HashMap;

use chrono::{NaiveDateTime, Timelike};
use chrono_tz::Tz;
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query, SimpleExpr};
use sea_orm::{ConnectionTrait, DatabaseConnection, DbErr, QueryResult, TransactionTrait, Value};

use crate::records::provider_catalog::{
    CatalogSnapshot, CatalogType, Identity, StoredMembership, identities,
};
use crate::store::retry;
use crate::store::schema::LiveSchema;
use crate::store::server_vars::{self, format_datetime};

pub const PROVIDER_TABLE: &str = "T_WC_TMDB_WATCH_PROVIDER";
pub const CATALOG_TABLE: &str = "T_WC_TMDB_WATCH_PROVIDER_CATALOG";
pub const REGION_TABLE: &str = "T_WC_TMDB_WATCH_PROVIDER_REGION";
pub const STATE_TABLE: &str = "T_WC_TMDB_WATCH_PROVIDER_CATALOG_STATE";
/// The tables process 19 writes; only the 2026-08 schema has them.
pub const TABLES: [&str; 4] = [PROVIDER_TABLE, CATALOG_TABLE, REGION_TABLE, STATE_TABLE];

/// Bound parameters per INSERT, under SQLite's 32,766 (a catalogue has ~4,500 regions).
const MAX_PARAMS: usize = 30_000;
/// Row ids per `IN (...)` list.
const IDS_PER_STATEMENT: usize = 1_000;

#[derive(Debug, thiserror::Error)]
pub enum CatalogWriteError {
    #[error(
        "{catalog} provider catalogue: table {table} is missing (the 2026-08 schema adds it: \
         run `tmdb-crawler migrate up`)"
    )]
    MissingTable {
        catalog: CatalogType,
        table: &'static str,
    },
    #[error(
        "{catalog} provider catalogue: writing {table} failed, the stored one is kept: {reason}"
    )]
    Db {
        catalog: CatalogType,
        table: &'static str,
        reason: String,
    },
    /// The database could not be reached ([`retry::is_transient`]): rolled back, may be retried.
    #[error(
        "{catalog} provider catalogue: the database was unavailable while writing {table}: {reason}"
    )]
    Unavailable {
        catalog: CatalogType,
        table: &'static str,
        reason: String,
    },
}

impl CatalogWriteError {
    fn db(catalog: CatalogType, table: &'static str) -> impl Fn(DbErr) -> CatalogWriteError {
        move |err| {
            let reason = err.to_string();
            if retry::is_transient(&err) {
                CatalogWriteError::Unavailable {
                    catalog,
                    table,
                    reason,
                }
            } else {
                CatalogWriteError::Db {
                    catalog,
                    table,
                    reason,
                }
            }
        }
    }
}

impl retry::Transient for CatalogWriteError {
    fn is_transient(&self) -> bool {
        matches!(self, CatalogWriteError::Unavailable { .. })
    }
}

/// What one catalogue replacement did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CatalogWriteSummary {
    pub providers: usize,
    pub regions: usize,
    /// Rows of the membership, region and identity tables.
    pub inserted: usize,
    pub updated: usize,
    pub deleted: usize,
    pub unchanged: usize,
    /// Identities newly marked `DELETED = 1`: no catalogue lists them any more.
    pub identities_retired: usize,
}

/// Replaces `snapshot`'s catalogue, in one transaction; `now` is its time (whole seconds).
pub async fn replace(
    db: &DatabaseConnection,
    schema: &LiveSchema,
    tz: Tz,
    snapshot: &CatalogSnapshot,
    now: NaiveDateTime,
) -> Result<CatalogWriteSummary, CatalogWriteError> {
    let catalog = snapshot.catalog;
    if let Some(table) = TABLES.into_iter().find(|t| !schema.has_table(t)) {
        return Err(CatalogWriteError::MissingTable { catalog, table });
    }
    let now = now.with_nanosecond(0).unwrap_or(now);
    let err = |table| CatalogWriteError::db(catalog, table);
    let mut summary = CatalogWriteSummary {
        providers: snapshot.providers.len(),
        regions: snapshot.regions.len(),
        ..CatalogWriteSummary::default()
    };
    let txn = db.begin().await.map_err(err("(begin)"))?;
    sync(&txn, &membership_set(snapshot), now, &mut summary)
        .await
        .map_err(err(CATALOG_TABLE))?;
    sync(&txn, &region_set(snapshot), now, &mut summary)
        .await
        .map_err(err(REGION_TABLE))?;
    let stored = memberships(&txn).await.map_err(err(CATALOG_TABLE))?;
    sync(&txn, &identity_set(&identities(&stored)), now, &mut summary)
        .await
        .map_err(err(PROVIDER_TABLE))?;
    upsert_state(&txn, snapshot, now)
        .await
        .map_err(err(STATE_TABLE))?;
    server_vars::set(
        &txn,
        tz,
        &catalog.updated_var(),
        &format_datetime(now),
        &format!("Last successful TMDb {catalog} watch-provider catalogue snapshot"),
    )
    .await
    .map_err(err("T_WC_SERVER_VARIABLE"))?;
    txn.commit().await.map_err(err("(commit)"))?;
    Ok(summary)
}

fn col(name: &str) -> Alias {
    Alias::new(name)
}

/// The SQL type of an owned column, to read it back and compare.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Int,
    Text,
    Time,
}

/// A column value, comparable between a stored and a new row.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Cell {
    Int(Option<i32>),
    Text(Option<String>),
    Time(Option<NaiveDateTime>),
}

impl Cell {
    fn read(row: &QueryResult, index: usize, kind: Kind) -> Result<Cell, DbErr> {
        // Every integer column of these tables is a 32-bit INT (PostgreSQL refuses INT4 as i64).
        Ok(match kind {
            Kind::Int => Cell::Int(row.try_get_by_index(index)?),
            Kind::Text => Cell::Text(row.try_get_by_index(index)?),
            Kind::Time => Cell::Time(row.try_get_by_index(index)?),
        })
    }

    fn expr(&self) -> SimpleExpr {
        SimpleExpr::from(match self {
            Cell::Int(v) => Value::Int(*v),
            Cell::Text(v) => Value::String(v.clone()),
            Cell::Time(v) => Value::ChronoDateTime(*v),
        })
    }
}

/// What becomes of a stored row the new set no longer has.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stale {
    Delete,
    /// Kept with `DELETED = 1` (identities: other tables and people refer to them).
    MarkDeleted,
}

/// A set of rows replaced authoritatively: the table's rows within `scope`, by `key`.
struct RowSet {
    table: &'static str,
    /// `CONTENT_TYPE = 'movie'`: the rows of one catalogue; `None`: the whole table.
    scope: Option<(&'static str, &'static str)>,
    /// The column updates and deletes address rows by (an INT).
    row_id: &'static str,
    key: &'static [(&'static str, Kind)],
    values: &'static [(&'static str, Kind)],
    /// Set to the write's time on every row inserted or changed.
    stamp: Option<&'static str>,
    stale: Stale,
    rows: Vec<(Vec<Cell>, Vec<Cell>)>,
}

fn int(v: i32) -> Cell {
    Cell::Int(Some(v))
}

fn text(v: Option<&str>) -> Cell {
    Cell::Text(v.map(str::to_owned))
}

fn membership_set(snapshot: &CatalogSnapshot) -> RowSet {
    RowSet {
        table: CATALOG_TABLE,
        scope: Some(("CONTENT_TYPE", snapshot.catalog.content_type())),
        row_id: "ID_ROW",
        key: &[("ID_PROVIDER", Kind::Int)],
        values: &[
            ("PROVIDER_NAME", Kind::Text),
            ("LOGO_PATH", Kind::Text),
            ("DISPLAY_ORDER", Kind::Int),
        ],
        stamp: Some("TIM_PROVIDER_UPDATED"),
        stale: Stale::Delete,
        rows: snapshot
            .providers
            .iter()
            .map(|p| {
                let values = vec![
                    text(p.name.as_deref()),
                    text(p.logo_path.as_deref()),
                    int(p.display_order),
                ];
                (vec![int(p.provider)], values)
            })
            .collect(),
    }
}

fn region_set(snapshot: &CatalogSnapshot) -> RowSet {
    RowSet {
        table: REGION_TABLE,
        scope: Some(("CONTENT_TYPE", snapshot.catalog.content_type())),
        row_id: "ID_ROW",
        key: &[("ID_PROVIDER", Kind::Int), ("COUNTRY_CODE", Kind::Text)],
        values: &[
            ("PROVIDER_DISPLAY_PRIORITY", Kind::Int),
            ("DISPLAY_ORDER", Kind::Int),
        ],
        stamp: Some("TIM_PROVIDER_UPDATED"),
        stale: Stale::Delete,
        rows: snapshot
            .regions
            .iter()
            .map(|r| {
                let key = vec![int(r.provider), text(Some(&r.country))];
                (key, vec![int(r.priority), int(r.display_order)])
            })
            .collect(),
    }
}

fn identity_set(identities: &[Identity]) -> RowSet {
    RowSet {
        table: PROVIDER_TABLE,
        scope: None,
        row_id: "ID_PROVIDER",
        key: &[("ID_PROVIDER", Kind::Int)],
        values: &[
            ("PROVIDER_NAME", Kind::Text),
            ("LOGO_PATH", Kind::Text),
            ("DISPLAY_ORDER", Kind::Int),
            ("TIM_PROVIDER_UPDATED", Kind::Time),
        ],
        stamp: None,
        stale: Stale::MarkDeleted,
        rows: identities
            .iter()
            .map(|i| {
                let values = vec![
                    text(i.name.as_deref()),
                    text(i.logo_path.as_deref()),
                    Cell::Int(i.display_order),
                    Cell::Time(i.updated),
                ];
                (vec![int(i.provider)], values)
            })
            .collect(),
    }
}

/// Every stored membership, of both catalogues (the identities are rebuilt from them).
async fn memberships<C: ConnectionTrait>(txn: &C) -> Result<Vec<StoredMembership>, DbErr> {
    let select = Query::select()
        .columns(
            [
                "ID_PROVIDER",
                "CONTENT_TYPE",
                "PROVIDER_NAME",
                "LOGO_PATH",
                "DISPLAY_ORDER",
                "TIM_PROVIDER_UPDATED",
            ]
            .map(col),
        )
        .from(col(CATALOG_TABLE))
        .to_owned();
    txn.query_all(&select)
        .await?
        .iter()
        .map(|row| {
            Ok(StoredMembership {
                provider: row.try_get_by_index(0)?,
                content_type: row.try_get_by_index(1)?,
                name: row.try_get_by_index(2)?,
                logo_path: row.try_get_by_index(3)?,
                display_order: row.try_get_by_index(4)?,
                updated: row.try_get_by_index(5)?,
            })
        })
        .collect()
}

/// A stored row of a [`RowSet`]: its address, owned values and `DELETED`.
struct Stored {
    row_id: i32,
    values: Vec<Cell>,
    deleted: Option<i32>,
}

/// The stored rows of `set`, by key; rows repeating a key (possible where the unique key is
/// missing) are returned apart, to be deleted.
async fn stored_rows<C: ConnectionTrait>(
    txn: &C,
    set: &RowSet,
) -> Result<(HashMap<Vec<Cell>, Stored>, Vec<i32>), DbErr> {
    let columns: Vec<(&str, Kind)> = set.key.iter().chain(set.values).copied().collect();
    let mut select = Query::select();
    select
        .column(col(set.row_id))
        .columns(columns.iter().map(|(c, _)| col(c)))
        .column(col("DELETED"))
        .from(col(set.table));
    if let Some((column, value)) = set.scope {
        select.and_where(Expr::col(col(column)).eq(value));
    }
    let mut by_key = HashMap::new();
    let mut repeated = Vec::new();
    for row in txn.query_all(&select).await? {
        let row_id: i32 = row.try_get_by_index(0)?;
        let cells = columns
            .iter()
            .enumerate()
            .map(|(i, (_, kind))| Cell::read(&row, i + 1, *kind))
            .collect::<Result<Vec<_>, _>>()?;
        let deleted: Option<i32> = row.try_get_by_index(columns.len() + 1)?;
        let (key, values) = cells.split_at(set.key.len());
        if by_key.contains_key(key) {
            repeated.push(row_id);
            continue;
        }
        let stored = Stored {
            row_id,
            values: values.to_vec(),
            deleted,
        };
        by_key.insert(key.to_vec(), stored);
    }
    Ok((by_key, repeated))
}

/// Brings the stored rows of `set` to its new rows: changed rows updated, new ones inserted,
/// stale ones deleted or marked deleted; equal rows are left alone.
async fn sync<C: ConnectionTrait>(
    txn: &C,
    set: &RowSet,
    now: NaiveDateTime,
    summary: &mut CatalogWriteSummary,
) -> Result<(), DbErr> {
    let (mut stored, mut stale_ids) = stored_rows(txn, set).await?;
    let mut inserts = Vec::new();
    for (key, values) in &set.rows {
        match stored.remove(key) {
            Some(s) if s.values == *values && s.deleted == Some(0) => summary.unchanged += 1,
            Some(s) => {
                update(txn, set, s.row_id, values, now).await?;
                summary.updated += 1;
            }
            None => inserts.push((key, values)),
        }
    }
    match set.stale {
        Stale::Delete => stale_ids.extend(stored.values().map(|s| s.row_id)),
        Stale::MarkDeleted => {
            let retire: Vec<i32> = stored
                .values()
                .filter(|s| s.deleted != Some(1))
                .map(|s| s.row_id)
                .collect();
            summary.identities_retired += retire.len();
            for chunk in retire.chunks(IDS_PER_STATEMENT) {
                let mark = Query::update()
                    .table(col(set.table))
                    .value(col("DELETED"), 1)
                    .value(col("TIM_UPDATED"), now)
                    .and_where(Expr::col(col(set.row_id)).is_in(chunk.iter().copied()))
                    .to_owned();
                txn.execute(&mark).await?;
            }
        }
    }
    // Before the inserts: a stale row may hold a key the database's collation deems equal.
    for chunk in stale_ids.chunks(IDS_PER_STATEMENT) {
        let delete = Query::delete()
            .from_table(col(set.table))
            .and_where(Expr::col(col(set.row_id)).is_in(chunk.iter().copied()))
            .to_owned();
        summary.deleted += txn.execute(&delete).await?.rows_affected() as usize;
    }
    summary.inserted += inserts.len();
    insert(txn, set, &inserts, now).await
}

async fn update<C: ConnectionTrait>(
    txn: &C,
    set: &RowSet,
    row_id: i32,
    values: &[Cell],
    now: NaiveDateTime,
) -> Result<(), DbErr> {
    let mut update = Query::update();
    update.table(col(set.table));
    for ((name, _), cell) in set.values.iter().zip(values) {
        update.value(col(name), cell.expr());
    }
    if let Some(stamp) = set.stamp {
        update.value(col(stamp), now);
    }
    update
        .value(col("DELETED"), 0)
        .value(col("TIM_UPDATED"), now)
        .and_where(Expr::col(col(set.row_id)).eq(row_id));
    txn.execute(&update).await.map(|_| ())
}

/// The audit columns of a row the crawler creates, as every other writer fills them.
fn audit(now: NaiveDateTime) -> [(&'static str, SimpleExpr); 6] {
    [
        ("DELETED", Expr::val(0)),
        ("ID_CREATOR", Expr::val(1)),
        ("DAT_CREAT", Expr::val(now.date())),
        ("ID_OWNER", Expr::val(1)),
        ("TIM_UPDATED", Expr::val(now)),
        ("ID_USER_UPDATED", Expr::val(1)),
    ]
}

/// Multi-row INSERTs chunked under the parameter limit.
async fn insert<C: ConnectionTrait>(
    txn: &C,
    set: &RowSet,
    rows: &[(&Vec<Cell>, &Vec<Cell>)],
    now: NaiveDateTime,
) -> Result<(), DbErr> {
    let mut names: Vec<&str> = set.scope.iter().map(|(c, _)| *c).collect();
    names.extend(set.key.iter().chain(set.values).map(|(c, _)| *c));
    names.extend(set.stamp);
    names.extend(audit(now).iter().map(|(c, _)| *c));
    let per_statement = (MAX_PARAMS / names.len()).max(1);
    for chunk in rows.chunks(per_statement) {
        let mut insert = Query::insert();
        insert
            .into_table(col(set.table))
            .columns(names.iter().map(|c| col(c)));
        for (key, values) in chunk {
            let mut exprs: Vec<SimpleExpr> = set.scope.iter().map(|(_, v)| Expr::val(*v)).collect();
            exprs.extend(key.iter().chain(values.iter()).map(Cell::expr));
            exprs.extend(set.stamp.map(|_| Expr::val(now)));
            exprs.extend(audit(now).into_iter().map(|(_, e)| e));
            insert
                .values(exprs)
                .map_err(|e| DbErr::Custom(e.to_string()))?;
        }
        txn.execute(&insert).await?;
    }
    Ok(())
}

/// `…_CATALOG_STATE`: the counts just written and the completion time, one row per catalogue.
async fn upsert_state<C: ConnectionTrait>(
    txn: &C,
    snapshot: &CatalogSnapshot,
    now: NaiveDateTime,
) -> Result<(), DbErr> {
    let content_type = snapshot.catalog.content_type();
    let counts = [
        ("PROVIDER_COUNT", snapshot.providers.len()),
        ("REGION_RELATION_COUNT", snapshot.regions.len()),
    ]
    .map(|(c, n)| (c, i32::try_from(n).unwrap_or(i32::MAX)));
    let exists = Query::select()
        .column(col("CONTENT_TYPE"))
        .from(col(STATE_TABLE))
        .and_where(Expr::col(col("CONTENT_TYPE")).eq(content_type))
        .to_owned();
    if txn.query_one(&exists).await?.is_some() {
        let mut update = Query::update();
        update.table(col(STATE_TABLE));
        for (name, n) in counts {
            update.value(col(name), n);
        }
        update
            .value(col("TIM_COMPLETED"), now)
            .value(col("DELETED"), 0)
            .value(col("TIM_UPDATED"), now)
            .and_where(Expr::col(col("CONTENT_TYPE")).eq(content_type));
        return txn.execute(&update).await.map(|_| ());
    }
    let mut cells: Vec<(&str, SimpleExpr)> = vec![("CONTENT_TYPE", Expr::val(content_type))];
    cells.extend(counts.map(|(c, n)| (c, Expr::val(n))));
    cells.push(("TIM_COMPLETED", Expr::val(now)));
    cells.push(("DISPLAY_ORDER", Expr::val(1)));
    cells.extend(audit(now));
    let mut insert = Query::insert();
    insert
        .into_table(col(STATE_TABLE))
        .columns(cells.iter().map(|(c, _)| col(c)));
    insert
        .values(cells.into_iter().map(|(_, e)| e))
        .map_err(|e| DbErr::Custom(e.to_string()))?;
    txn.execute(&insert).await.map(|_| ())
}
