//! Applies an [`EntityRecord`] to the database: the main row, every child set and the
//! completion stamps in ONE transaction, so a failure leaves nothing of that entity changed.
//!
//! Rows are matched on the Python crawler's logical keys (none is backed by a unique index in
//! the legacy schema): existing rows are read once per child table, then only what differs is
//! written: new rows in one multi-row INSERT, changed rows by their surrogate key, stale rows
//! deleted by the set's [`Stale`] rule. An unchanged refresh therefore writes almost nothing.
//!
//! The live schema is read once ([`LiveSchema`]): a cell for a column the table lacks fails the
//! write (a misspelled or missing column is never a silent non-write), except for the raw-JSON
//! columns the 2026-08 schema dropped and the series columns it added ([`OPTIONAL_COLUMNS`]),
//! which are skipped with one warning per table; likewise a child set of a table only the
//! 2026-08 schema has ([`OPTIONAL_TABLES`]) is skipped on an older database, and the completion
//! stamp vouching for it is not written. Strings are cut to their column's length in
//! characters, and NUL characters (refused by PostgreSQL) are removed, each with a warning.

use std::collections::{HashMap, HashSet};
use std::sync::Mutex;

use chrono::{Duration, NaiveDateTime};
use sea_orm::sea_query::{Alias, Cond, Expr, ExprTrait, Query, SimpleExpr};
use sea_orm::{
    ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbBackend, DbErr, IsolationLevel,
    QueryResult, TransactionTrait, Value,
};

use crate::records::{
    Cells, ChildSet, Completed, EntityKind, EntityRecord, MainRow, Stale, value_key,
};
use crate::store::retry;
use crate::store::schema::{LEDGER_TABLE, LiveSchema};

/// First retry a week after TMDb said 34, then a week more per confirmation, up to 26 weeks.
const LEDGER_RETRY_DAYS: i64 = 7;
const LEDGER_MAX_FACTOR: i64 = 26;

/// Bound parameters per statement, under SQLite's 32,766 and MySQL's 65,535.
const MAX_PARAMS: usize = 30_000;
/// Keys per `IN (...)` list when looking up credits by `ID_CREDIT`.
const KEYS_PER_LOOKUP: usize = 2_000;

/// Columns a record may name that a live table may lack: the raw-JSON columns of the 2025-07
/// schema, dropped by the 2026-08 one (spec D10), and the series columns the 2026-08 schema
/// added (a 2025-07 database not migrated yet). Any other missing column is an error.
pub const OPTIONAL_COLUMNS: [&str; 11] = [
    "API_URL",
    "API_RESULT",
    "CRAWLER_VERSION",
    "ID_TVDB",
    "IN_PRODUCTION",
    "NEXT_EPISODE_DAT_AIR",
    "NEXT_EPISODE_SEASON_NUMBER",
    "NEXT_EPISODE_NUMBER",
    "LAST_EPISODE_DAT_AIR",
    "LAST_EPISODE_SEASON_NUMBER",
    "LAST_EPISODE_NUMBER",
];

/// Child tables the 2026-08 schema added: on a database without them (2025-07, not migrated
/// yet) their sets are skipped with one warning per table. Any other missing table is an
/// error.
pub const OPTIONAL_TABLES: [&str; 9] = [
    "T_WC_TMDB_MOVIE_VIDEO",
    "T_WC_TMDB_MOVIE_RELEASE_DATE",
    "T_WC_TMDB_MOVIE_WATCH_PROVIDER",
    "T_WC_TMDB_MOVIE_SIMILAR",
    "T_WC_TMDB_MOVIE_RECOMMENDATION",
    "T_WC_TMDB_SERIE_VIDEO",
    "T_WC_TMDB_SERIE_WATCH_PROVIDER",
    "T_WC_TMDB_SERIE_SIMILAR",
    "T_WC_TMDB_SERIE_RECOMMENDATION",
];

#[derive(Debug, thiserror::Error)]
pub enum EntityWriteError {
    #[error("{kind} {id}: table {table} has no column {column}")]
    MissingColumn {
        kind: EntityKind,
        id: i32,
        table: &'static str,
        column: &'static str,
    },
    #[error("{kind} {id}: table {table} is missing from the database")]
    MissingTable {
        kind: EntityKind,
        id: i32,
        table: &'static str,
    },
    #[error("{kind} {id}: writing {table} failed: {reason}")]
    Db {
        kind: EntityKind,
        id: i32,
        table: &'static str,
        reason: String,
    },
    /// The database could not be reached or dropped the connection
    /// ([`retry::is_transient`]): the transaction rolled back and the whole write may be tried
    /// again.
    #[error("{kind} {id}: the database was unavailable while writing {table}: {reason}")]
    Unavailable {
        kind: EntityKind,
        id: i32,
        table: &'static str,
        reason: String,
    },
}

impl EntityWriteError {
    /// `Unavailable` for an outage, `Db` for a statement the database refused.
    pub fn db(kind: EntityKind, id: i32, table: &'static str, err: DbErr) -> EntityWriteError {
        let reason = err.to_string();
        if retry::is_transient(&err) {
            EntityWriteError::Unavailable {
                kind,
                id,
                table,
                reason,
            }
        } else {
            EntityWriteError::Db {
                kind,
                id,
                table,
                reason,
            }
        }
    }
}

impl retry::Transient for EntityWriteError {
    fn is_transient(&self) -> bool {
        matches!(self, EntityWriteError::Unavailable { .. })
    }
}

/// What a write did, for logs and progress counts.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WriteSummary {
    pub inserted: usize,
    pub updated: usize,
    pub deleted: usize,
    pub unchanged: usize,
    /// Values cut to their column length (or stripped of NUL characters).
    pub truncated: usize,
}

/// The cells cut to length, without the optional columns the table lacks; counts what was
/// changed. A cell for any other column the table lacks is an error.
fn fit_cells(
    kind: EntityKind,
    id: i32,
    table: &'static str,
    columns: &HashMap<String, Option<usize>>,
    cells: &Cells,
    truncated: &mut usize,
) -> Result<Cells, EntityWriteError> {
    let mut out = Vec::with_capacity(cells.len());
    for (name, value) in cells {
        let Some(length) = columns.get(*name) else {
            if !OPTIONAL_COLUMNS.contains(name) {
                return Err(EntityWriteError::MissingColumn {
                    kind,
                    id,
                    table,
                    column: name,
                });
            }
            warn_once_skipped(table, name);
            continue;
        };
        let value = match value {
            Value::String(Some(s)) => {
                let mut s = if s.contains('\0') {
                    *truncated += 1;
                    tracing::warn!(%kind, id, table, column = *name, "NUL characters removed");
                    s.replace('\0', "")
                } else {
                    s.clone()
                };
                if let Some(max) = length {
                    let (cut, was_cut) = crate::records::truncate_chars(&s, *max);
                    if was_cut {
                        *truncated += 1;
                        tracing::warn!(
                            %kind,
                            id,
                            table,
                            column = *name,
                            max_chars = *max,
                            chars = s.chars().count(),
                            "value cut to the column length"
                        );
                        s = cut.to_owned();
                    }
                }
                Value::String(Some(s))
            }
            other => other.clone(),
        };
        out.push((*name, value));
    }
    Ok(out)
}

/// One warning per table and column for the life of the process, not one per entity.
fn warn_once_skipped(table: &'static str, column: &'static str) {
    if first_time(table, column) {
        tracing::warn!(
            table,
            column,
            "the table has no such column (schema older or newer than 2026-08): its values are not stored"
        );
    }
}

/// One warning per missing 2026-08 table for the life of the process.
fn warn_once_missing_table(table: &'static str) {
    if first_time(table, "") {
        tracing::warn!(
            table,
            "the database has no such table (added by the 2026-08 schema; run `migrate up`): \
             its rows are not stored"
        );
    }
}

fn first_time(table: &'static str, column: &'static str) -> bool {
    static WARNED: Mutex<Vec<(&str, &str)>> = Mutex::new(Vec::new());
    let mut warned = WARNED.lock().unwrap_or_else(|e| e.into_inner());
    let first = !warned.contains(&(table, column));
    if first {
        warned.push((table, column));
    }
    first
}

fn col(name: &str) -> Alias {
    Alias::new(name)
}

fn audit_on_insert(now: NaiveDateTime) -> Cells {
    vec![
        ("DELETED", Value::Int(Some(0))),
        ("ID_CREATOR", Value::Int(Some(1))),
        ("DAT_CREAT", Value::ChronoDate(Some(now.date()))),
        ("ID_OWNER", Value::Int(Some(1))),
        ("TIM_UPDATED", Value::ChronoDateTime(Some(now))),
        ("ID_USER_UPDATED", Value::Int(Some(1))),
    ]
}

/// Adds `extra` cells that the row does not already set and the table has.
fn with_defaults(
    mut cells: Cells,
    extra: Cells,
    columns: &HashMap<String, Option<usize>>,
) -> Cells {
    for (name, value) in extra {
        if columns.contains_key(name) && !cells.iter().any(|(c, _)| *c == name) {
            cells.push((name, value));
        }
    }
    cells
}

/// Writes one record in one transaction.
pub async fn write(
    db: &DatabaseConnection,
    schema: &LiveSchema,
    record: &EntityRecord,
    now: NaiveDateTime,
) -> Result<WriteSummary, EntityWriteError> {
    let kind = record.kind;
    let id = record.id;
    let db_err = |table: &'static str| move |e: DbErr| EntityWriteError::db(kind, id, table, e);
    let mut summary = WriteSummary::default();
    let (children, skipped): (Vec<&ChildSet>, Vec<&ChildSet>) = record
        .children
        .iter()
        .partition(|set| schema.has_table(set.table) || !OPTIONAL_TABLES.contains(&set.table));
    for set in &skipped {
        warn_once_missing_table(set.table);
    }
    let vouched = |stamp: &Completed| {
        !skipped
            .iter()
            .any(|set| stamp.tables().contains(&set.table))
    };
    let txn = begin(db).await.map_err(db_err("(begin)"))?;
    if let Some(main) = &record.main {
        let stamps: Vec<Completed> = main.completed.iter().copied().filter(vouched).collect();
        if !write_main(&txn, schema, kind, main, &stamps, now, &mut summary).await? {
            // A stamps-only record of a title deleted since it was selected: its snapshot
            // would be rows without a title. Nothing is written (the transaction rolls back).
            tracing::info!(%kind, id, "title gone from the database, its snapshot not written");
            return Ok(WriteSummary::default());
        }
    }
    for set in children {
        write_child_set(&txn, schema, kind, id, set, now, &mut summary).await?;
    }
    if schema.has_table(LEDGER_TABLE) {
        let clear = Query::delete()
            .from_table(col(LEDGER_TABLE))
            .and_where(Expr::col(col("ENTITY_TYPE")).eq(kind.ledger_name()))
            .and_where(Expr::col(col("ID_ENTITY")).eq(id))
            .to_owned();
        txn.execute(&clear).await.map_err(db_err(LEDGER_TABLE))?;
    }
    txn.commit().await.map_err(db_err("(commit)"))?;
    Ok(summary)
}

/// Updates or inserts the main row; `false` when a stamps-only row does not exist (it is never
/// created).
async fn write_main<C: ConnectionTrait>(
    txn: &C,
    schema: &LiveSchema,
    kind: EntityKind,
    main: &MainRow,
    stamps: &[Completed],
    now: NaiveDateTime,
    summary: &mut WriteSummary,
) -> Result<bool, EntityWriteError> {
    let table = main.table;
    let id = main.id;
    let err = |e: DbErr| EntityWriteError::db(kind, id, table, e);
    let columns = schema
        .columns(table)
        .ok_or(EntityWriteError::MissingTable { kind, id, table })?;
    let mut cells = fit_cells(
        kind,
        id,
        table,
        columns,
        &main.cells,
        &mut summary.truncated,
    )?;
    // A stamps-only row (a backfill) was not refreshed: `TIM_UPDATED` stays, so the 30-day
    // refresh still selects it when due.
    if !main.stamps_only {
        cells.push(("TIM_UPDATED", Value::ChronoDateTime(Some(now))));
    }
    for stamp in stamps {
        if columns.contains_key(stamp.column()) {
            cells.push((stamp.column(), Value::ChronoDateTime(Some(now))));
        }
    }
    let exists = Query::select()
        .column(col(main.pk))
        .from(col(table))
        .and_where(Expr::col(col(main.pk)).eq(id))
        .to_owned();
    if txn.query_one(&exists).await.map_err(err)?.is_some() {
        if cells.is_empty() {
            return Ok(true);
        }
        let mut update = Query::update();
        update.table(col(table));
        for (name, value) in cells {
            update.value(col(name), SimpleExpr::from(value));
        }
        update.and_where(Expr::col(col(main.pk)).eq(id));
        txn.execute(&update).await.map_err(err)?;
        summary.updated += 1;
    } else if main.stamps_only {
        return Ok(false);
    } else {
        cells.insert(0, (main.pk, Value::Int(Some(id))));
        let cells = with_defaults(cells, audit_on_insert(now), columns);
        let mut insert = Query::insert();
        insert
            .into_table(col(table))
            .columns(cells.iter().map(|(c, _)| col(c)));
        insert
            .values(cells.into_iter().map(|(_, v)| SimpleExpr::from(v)))
            .map_err(|e| err(DbErr::Custom(e.to_string())))?;
        txn.execute(&insert).await.map_err(err)?;
        summary.inserted += 1;
    }
    Ok(true)
}

/// A stored row of a child set: its surrogate key and the owned columns' values.
struct Existing {
    row_id: Option<i64>,
    values: Vec<Value>,
}

/// Reads column `i` of `row` with the type of `like`.
fn read_as(row: &QueryResult, i: usize, like: &Value) -> Result<Value, DbErr> {
    Ok(match like {
        // Every integer column is a 32-bit INT; PostgreSQL refuses to read INT4 as i64.
        Value::Int(_) | Value::BigInt(_) => {
            Value::BigInt(row.try_get_by_index::<Option<i32>>(i)?.map(i64::from))
        }
        Value::Double(_) => Value::Double(row.try_get_by_index::<Option<f64>>(i)?),
        Value::ChronoDate(_) => Value::ChronoDate(row.try_get_by_index(i)?),
        Value::ChronoDateTime(_) => Value::ChronoDateTime(row.try_get_by_index(i)?),
        _ => Value::String(row.try_get_by_index::<Option<String>>(i)?),
    })
}

/// Equality of a stored and a new value (ints are compared widened).
fn same(stored: &Value, new: &Value) -> bool {
    match (stored, new) {
        (Value::BigInt(a), Value::Int(b)) => *a == b.map(i64::from),
        (Value::BigInt(a), Value::BigInt(b)) => a == b,
        (a, b) => a == b,
    }
}

async fn write_child_set<C: ConnectionTrait>(
    txn: &C,
    schema: &LiveSchema,
    kind: EntityKind,
    id: i32,
    set: &ChildSet,
    now: NaiveDateTime,
    summary: &mut WriteSummary,
) -> Result<(), EntityWriteError> {
    let table = set.table;
    let err = |e: DbErr| EntityWriteError::db(kind, id, table, e);
    let columns = schema
        .columns(table)
        .ok_or(EntityWriteError::MissingTable { kind, id, table })?;
    let rows: Vec<Cells> = set
        .rows
        .iter()
        .map(|r| fit_cells(kind, id, table, columns, r, &mut summary.truncated))
        .collect::<Result<_, _>>()?;

    // The owned columns of the set, with a sample value giving each one's type.
    let mut owned: Vec<(&'static str, Value)> = Vec::new();
    for row in &rows {
        for (name, value) in row {
            if !owned.iter().any(|(c, _)| c == name) {
                owned.push((name, value.clone()));
            }
        }
    }
    if !owned.iter().any(|(c, _)| *c == set.parent.0) {
        owned.push((set.parent.0, Value::Int(Some(set.parent.1))));
    }
    let parent_index = owned
        .iter()
        .position(|(c, _)| *c == set.parent.0)
        .unwrap_or_default();

    // Existing rows: the parent's, and for a global key any row holding one of the keys.
    let key_values: Vec<Vec<String>> = rows.iter().map(|r| set.key_of(r)).collect();
    let mut existing: Vec<Existing> = Vec::new();
    let mut lookups: Vec<Cond> =
        vec![Cond::all().add(Expr::col(col(set.parent.0)).eq(set.parent.1))];
    if set.global_key && set.key.len() == 1 {
        for chunk in rows.chunks(KEYS_PER_LOOKUP) {
            let keys: Vec<Value> = chunk
                .iter()
                .filter_map(|r| {
                    r.iter()
                        .find(|(c, _)| *c == set.key[0])
                        .map(|(_, v)| v.clone())
                })
                .collect();
            if !keys.is_empty() {
                lookups.push(Cond::all().add(Expr::col(col(set.key[0])).is_in(keys)));
            }
        }
    }
    let mut seen_row_ids = HashSet::new();
    for lookup in lookups {
        let mut select = Query::select();
        if let Some(row_id) = set.row_id {
            select.column(col(row_id));
        }
        select
            .columns(owned.iter().map(|(c, _)| col(c)))
            .from(col(table))
            .cond_where(lookup);
        let offset = usize::from(set.row_id.is_some());
        for row in txn.query_all(&select).await.map_err(err)? {
            let row_id = if set.row_id.is_some() {
                Some(i64::from(row.try_get_by_index::<i32>(0).map_err(err)?))
            } else {
                None
            };
            if let Some(rid) = row_id
                && !seen_row_ids.insert(rid)
            {
                continue;
            }
            let values = owned
                .iter()
                .enumerate()
                .map(|(i, (_, like))| read_as(&row, i + offset, like))
                .collect::<Result<Vec<_>, _>>()
                .map_err(err)?;
            existing.push(Existing { row_id, values });
        }
    }
    let owned_names: Vec<&'static str> = owned.iter().map(|(c, _)| *c).collect();
    let key_indexes: Vec<usize> = set
        .key
        .iter()
        .filter_map(|k| owned_names.iter().position(|c| c == k))
        .collect();
    let stored_key = |e: &Existing| -> Vec<String> {
        key_indexes
            .iter()
            .map(|&i| match &e.values[i] {
                Value::BigInt(Some(v)) => v.to_string(),
                other => value_key(other),
            })
            .collect()
    };
    let mut by_key: HashMap<Vec<String>, Vec<usize>> = HashMap::new();
    for (i, e) in existing.iter().enumerate() {
        by_key.entry(stored_key(e)).or_default().push(i);
    }

    let mut inserts: Vec<Cells> = Vec::new();
    for (row, key) in rows.into_iter().zip(&key_values) {
        let Some(matches) = by_key.get(key) else {
            inserts.push(row);
            continue;
        };
        for &m in matches {
            let stored = &existing[m];
            let changed = row.iter().any(|(name, value)| {
                owned_names
                    .iter()
                    .position(|c| c == name)
                    .is_none_or(|i| !same(&stored.values[i], value))
            });
            if !changed {
                summary.unchanged += 1;
                continue;
            }
            let mut update = Query::update();
            update.table(col(table));
            for (name, value) in &row {
                update.value(col(name), SimpleExpr::from(value.clone()));
            }
            update.value(col("TIM_UPDATED"), Expr::val(now));
            if set.dat_creat_is_last_write {
                update.value(col("DAT_CREAT"), Expr::val(now.date()));
            }
            if let Some(written_at) = set.written_at {
                update.value(col(written_at), Expr::val(now));
            }
            match (set.row_id, stored.row_id) {
                (Some(rid_col), Some(rid)) => {
                    update.and_where(Expr::col(col(rid_col)).eq(rid));
                }
                _ => {
                    update.and_where(Expr::col(col(set.parent.0)).eq(set.parent.1));
                    for (k, v) in set.key.iter().zip(key) {
                        update.and_where(Expr::col(col(k)).eq(v.clone()));
                    }
                }
            }
            txn.execute(&update).await.map_err(err)?;
            summary.updated += 1;
        }
    }

    // Stale rows: the parent's rows whose key the payload no longer returns.
    let delete_stale = match set.stale {
        Stale::Delete => true,
        Stale::DeleteIfAnyReturned => !set.rows.is_empty(),
        Stale::Keep => false,
    };
    if delete_stale {
        let current: HashSet<&Vec<String>> = key_values.iter().collect();
        let parent_value = i64::from(set.parent.1);
        let stale: Vec<&Existing> = existing
            .iter()
            .filter(
                |e| matches!(e.values[parent_index], Value::BigInt(Some(p)) if p == parent_value),
            )
            .filter(|e| !current.contains(&stored_key(e)))
            .collect();
        if let (Some(rid_col), false) = (set.row_id, stale.is_empty()) {
            for chunk in stale.chunks(KEYS_PER_LOOKUP) {
                let ids: Vec<i64> = chunk.iter().filter_map(|e| e.row_id).collect();
                let delete = Query::delete()
                    .from_table(col(table))
                    .and_where(Expr::col(col(rid_col)).is_in(ids))
                    .to_owned();
                summary.deleted +=
                    txn.execute(&delete).await.map_err(err)?.rows_affected() as usize;
            }
        } else {
            for e in stale {
                let mut delete = Query::delete();
                delete
                    .from_table(col(table))
                    .and_where(Expr::col(col(set.parent.0)).eq(set.parent.1));
                for (k, v) in set.key.iter().zip(stored_key(e)) {
                    delete.and_where(Expr::col(col(k)).eq(v));
                }
                summary.deleted +=
                    txn.execute(&delete).await.map_err(err)?.rows_affected() as usize;
            }
        }
    }

    insert_rows(txn, table, columns, inserts, set, now, summary)
        .await
        .map_err(err)
}

/// Multi-row INSERTs, grouped by column list, chunked under the parameter limit.
async fn insert_rows<C: ConnectionTrait>(
    txn: &C,
    table: &'static str,
    columns: &HashMap<String, Option<usize>>,
    rows: Vec<Cells>,
    set: &ChildSet,
    now: NaiveDateTime,
    summary: &mut WriteSummary,
) -> Result<(), DbErr> {
    let mut groups: Vec<(Vec<&'static str>, Vec<Vec<Value>>)> = Vec::new();
    for row in rows {
        let mut defaults = audit_on_insert(now);
        if let Some(written_at) = set.written_at {
            defaults.push((written_at, Value::ChronoDateTime(Some(now))));
        }
        let mut row = with_defaults(row, defaults, columns);
        if !row.iter().any(|(c, _)| *c == set.parent.0) {
            row.push((set.parent.0, Value::Int(Some(set.parent.1))));
        }
        let names: Vec<&'static str> = row.iter().map(|(c, _)| *c).collect();
        let values: Vec<Value> = row.into_iter().map(|(_, v)| v).collect();
        match groups.iter_mut().find(|(n, _)| *n == names) {
            Some((_, list)) => list.push(values),
            None => groups.push((names, vec![values])),
        }
    }
    for (names, list) in groups {
        let per_statement = (MAX_PARAMS / names.len().max(1)).max(1);
        for chunk in list.chunks(per_statement) {
            let mut insert = Query::insert();
            insert
                .into_table(col(table))
                .columns(names.iter().map(|c| col(c)));
            for values in chunk {
                insert
                    .values(values.iter().cloned().map(SimpleExpr::from))
                    .map_err(|e| DbErr::Custom(e.to_string()))?;
            }
            txn.execute(&insert).await?;
            summary.inserted += chunk.len();
        }
    }
    Ok(())
}

/// An entity's transaction. On MariaDB/MySQL it reads committed rows only, as PostgreSQL's
/// default does: under REPEATABLE READ each `DELETE … WHERE parent = ?` (a child set, the
/// ledger row of an id TMDb serves again) also locks the index gap around the parent, so the
/// concurrent transactions of neighbouring ids waited on each other (lock waits measured in
/// production_day). Each transaction touches its own entity's rows; the pipeline never writes
/// one entity twice at once.
async fn begin(db: &DatabaseConnection) -> Result<DatabaseTransaction, DbErr> {
    match db.get_database_backend() {
        DbBackend::MySql => {
            db.begin_with_config(Some(IsolationLevel::ReadCommitted), None)
                .await
        }
        _ => db.begin().await,
    }
}

/// Removes an entity and every row of the crawler's tables that belongs to it.
pub async fn delete_entity(
    db: &DatabaseConnection,
    schema: &LiveSchema,
    kind: EntityKind,
    id: i32,
) -> Result<u64, EntityWriteError> {
    let txn = begin(db)
        .await
        .map_err(|e| EntityWriteError::db(kind, id, "(begin)", e))?;
    let mut deleted = 0;
    for &(table, column) in kind.owned_tables() {
        // The list spans every schema generation: what this database lacks holds nothing.
        if !schema.has_column(table, column) {
            continue;
        }
        let delete = Query::delete()
            .from_table(col(table))
            .and_where(Expr::col(col(column)).eq(id))
            .to_owned();
        deleted += txn
            .execute(&delete)
            .await
            .map_err(|e| EntityWriteError::db(kind, id, table, e))?
            .rows_affected();
    }
    txn.commit()
        .await
        .map_err(|e| EntityWriteError::db(kind, id, "(commit)", e))?;
    Ok(deleted)
}

/// The retry time after `attempts` confirmations that the id is gone.
pub fn ledger_retry_after(now: NaiveDateTime, attempts: i64) -> NaiveDateTime {
    now + Duration::days(LEDGER_RETRY_DAYS * attempts.clamp(1, LEDGER_MAX_FACTOR))
}

/// Records that TMDb answered 34 for this id: a new ledger row, or one more confirmation.
/// Returns the attempt count. Without the ledger table (migration not run) nothing is kept.
pub async fn record_not_found(
    db: &DatabaseConnection,
    schema: &LiveSchema,
    kind: EntityKind,
    id: i32,
    context: &str,
    now: NaiveDateTime,
) -> Result<i64, EntityWriteError> {
    let table = LEDGER_TABLE;
    let err = |e: DbErr| EntityWriteError::db(kind, id, table, e);
    let Some(columns) = schema.columns(table) else {
        return Ok(0);
    };
    let (context, _) = crate::records::truncate_chars(context, 100);
    let txn = begin(db).await.map_err(err)?;
    let select = Query::select()
        .columns([col("ID_ROW"), col("ATTEMPT_COUNT")])
        .from(col(table))
        .and_where(Expr::col(col("ENTITY_TYPE")).eq(kind.ledger_name()))
        .and_where(Expr::col(col("ID_ENTITY")).eq(id))
        .to_owned();
    let attempts = match txn.query_one(&select).await.map_err(err)? {
        Some(row) => {
            let row_id: i32 = row.try_get_by_index(0).map_err(err)?;
            let previous: Option<i32> = row.try_get_by_index(1).map_err(err)?;
            let attempts = i64::from(previous.unwrap_or(0)) + 1;
            let update = Query::update()
                .table(col(table))
                .value(col("ATTEMPT_COUNT"), attempts as i32)
                .value(col("TIM_LAST_SEEN"), now)
                .value(col("TIM_RETRY_AFTER"), ledger_retry_after(now, attempts))
                .value(col("LAST_CONTEXT"), context)
                .value(col("TIM_UPDATED"), now)
                .and_where(Expr::col(col("ID_ROW")).eq(row_id))
                .to_owned();
            txn.execute(&update).await.map_err(err)?;
            attempts
        }
        None => {
            let cells = with_defaults(
                vec![
                    ("ENTITY_TYPE", Value::from(kind.ledger_name())),
                    ("ID_ENTITY", Value::Int(Some(id))),
                    ("ATTEMPT_COUNT", Value::Int(Some(1))),
                    ("TIM_FIRST_SEEN", Value::ChronoDateTime(Some(now))),
                    ("TIM_LAST_SEEN", Value::ChronoDateTime(Some(now))),
                    (
                        "TIM_RETRY_AFTER",
                        Value::ChronoDateTime(Some(ledger_retry_after(now, 1))),
                    ),
                    ("LAST_CONTEXT", Value::from(context)),
                ],
                audit_on_insert(now),
                columns,
            );
            let mut insert = Query::insert();
            insert
                .into_table(col(table))
                .columns(cells.iter().map(|(c, _)| col(c)));
            insert
                .values(cells.into_iter().map(|(_, v)| SimpleExpr::from(v)))
                .map_err(|e| err(DbErr::Custom(e.to_string())))?;
            txn.execute(&insert).await.map_err(err)?;
            1
        }
    };
    txn.commit().await.map_err(err)?;
    Ok(attempts)
}

/// (ids in the ledger, ids still held back at `now`); `None` without the ledger table.
pub async fn ledger_counts(
    db: &DatabaseConnection,
    now: NaiveDateTime,
) -> Result<Option<(i64, i64)>, DbErr> {
    if !LiveSchema::load(db)
        .await?
        .has_column(LEDGER_TABLE, "ID_ENTITY")
    {
        return Ok(None);
    }
    let count = |waiting: bool| {
        let mut q = Query::select();
        q.expr(Expr::col(col("ID_ROW")).count())
            .from(col(LEDGER_TABLE));
        if waiting {
            q.and_where(Expr::col(col("TIM_RETRY_AFTER")).gt(now));
        }
        q
    };
    let read = |row: Option<QueryResult>| -> Result<i64, DbErr> {
        row.map_or(Ok(0), |r| r.try_get_by_index::<i64>(0))
    };
    let total = read(db.query_one(&count(false)).await?)?;
    let waiting = read(db.query_one(&count(true)).await?)?;
    Ok(Some((total, waiting)))
}

/// For the end of a run: the ledger's rows first recorded since `since`, and those holding an
/// id back at `now`; `None` without the ledger table.
pub async fn ledger_run_counts<C: ConnectionTrait>(
    db: &C,
    since: NaiveDateTime,
    now: NaiveDateTime,
) -> Result<Option<(i64, i64)>, DbErr> {
    if !LiveSchema::load(db)
        .await?
        .has_column(LEDGER_TABLE, "TIM_FIRST_SEEN")
    {
        return Ok(None);
    }
    let count = |column: &str, after: NaiveDateTime, inclusive: bool| {
        let mut q = Query::select();
        let c = Expr::col(col(column));
        q.expr(Expr::col(col("ID_ROW")).count())
            .from(col(LEDGER_TABLE))
            .and_where(if inclusive { c.gte(after) } else { c.gt(after) });
        q
    };
    let read = |row: Option<QueryResult>| -> Result<i64, DbErr> {
        row.map_or(Ok(0), |r| r.try_get_by_index::<i64>(0))
    };
    let new = read(db.query_one(&count("TIM_FIRST_SEEN", since, true)).await?)?;
    let active = read(db.query_one(&count("TIM_RETRY_AFTER", now, false)).await?)?;
    Ok(Some((new, active)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn outages_are_told_from_refused_statements() {
        use crate::store::retry::Transient;
        use sea_orm::{ConnAcquireErr, RuntimeErr};
        let lost = DbErr::Exec(RuntimeErr::SqlxError(std::sync::Arc::new(
            sea_orm::sqlx::Error::Io(std::io::ErrorKind::ConnectionReset.into()),
        )));
        for err in [lost, DbErr::ConnectionAcquire(ConnAcquireErr::Timeout)] {
            let e = EntityWriteError::db(EntityKind::Movie, 7, "T_WC_TMDB_MOVIE", err);
            assert!(
                matches!(e, EntityWriteError::Unavailable { id: 7, .. }),
                "{e:?}"
            );
            assert!(e.is_transient());
        }
        let refused = EntityWriteError::db(
            EntityKind::Movie,
            7,
            "T_WC_TMDB_MOVIE",
            DbErr::Custom("value cannot be bound".into()),
        );
        assert!(
            matches!(refused, EntityWriteError::Db { .. }),
            "{refused:?}"
        );
        assert!(!refused.is_transient());
        assert!(
            !EntityWriteError::MissingTable {
                kind: EntityKind::Movie,
                id: 7,
                table: "T_WC_TMDB_MOVIE",
            }
            .is_transient()
        );
    }

    #[test]
    fn ledger_retry_grows_by_a_week_per_confirmation_up_to_26_weeks() {
        let now = chrono::NaiveDate::from_ymd_opt(2026, 1, 1)
            .and_then(|d| d.and_hms_opt(0, 0, 0))
            .expect("valid");
        assert_eq!(ledger_retry_after(now, 1), now + Duration::days(7));
        assert_eq!(ledger_retry_after(now, 3), now + Duration::days(21));
        assert_eq!(ledger_retry_after(now, 40), now + Duration::days(182));
    }

    #[test]
    fn fitting_cuts_by_characters_drops_missing_raw_json_columns_and_nul() {
        let mut columns = HashMap::new();
        columns.insert("TITLE".to_owned(), Some(3));
        columns.insert("OVERVIEW".to_owned(), None);
        let cells: Cells = vec![
            ("TITLE", Value::from("é🎬abc")),
            ("OVERVIEW", Value::from("a\0b")),
            ("API_RESULT", Value::from("{}")),
        ];
        let mut truncated = 0;
        let out = fit_cells(EntityKind::Movie, 1, "T", &columns, &cells, &mut truncated)
            .expect("only an optional column is missing");
        assert_eq!(
            out,
            vec![
                ("TITLE", Value::from("é🎬a")),
                ("OVERVIEW", Value::from("ab"))
            ]
        );
        assert_eq!(truncated, 2);
    }

    #[test]
    fn fitting_refuses_a_column_the_table_lacks() {
        let mut columns = HashMap::new();
        columns.insert("TITLE".to_owned(), None);
        let cells: Cells = vec![("TITEL", Value::from("typo"))];
        let err = fit_cells(EntityKind::Movie, 7, "T", &columns, &cells, &mut 0)
            .expect_err("a misspelled column fails the write");
        assert_eq!(err.to_string(), "movie 7: table T has no column TITEL");
    }
}
