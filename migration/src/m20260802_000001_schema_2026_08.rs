//! The 2026-08 schema: built on a new database, reached by an older one, adopted where it is.
//!
//! For each of the 92 tables of `schema_2026_08`:
//! - missing: created exactly as 2026-08 has it;
//! - present: the columns 2026-08 added are added (at their 2026-08 place on MariaDB), the ones
//!   it widened are widened, the ones it narrowed are narrowed only when every stored value fits
//!   (otherwise reported and left wide), and its missing indexes are added. A unique index the
//!   stored rows contradict is reported and left out.
//!
//! Nothing is dropped: the 7 tables and the raw-JSON columns 2026-08 no longer has stay where
//! they exist, with their rows; collations and engines are left as they are. On a database the
//! 2026-08 Python crawler built, nothing changes. `down` drops the tables 2026-08 added (the
//! not-found ledger is its own migration's) and the columns and indexes it added to the older
//! tables; widened columns stay wide.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend, Statement};

use crate::live_columns::LiveTable;
use crate::reference_2025_07;
use crate::schema::{ColumnDef, IndexDef, TableDef, Type, mysql_index_clause};
use crate::schema_2026_08::{T_WC_TMDB_ID_NOT_FOUND, TABLES};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let backend = manager.get_database_backend();
        let mut tally = Tally::default();
        for table in TABLES {
            if !manager.has_table(table.name).await? {
                manager
                    .create_table(table.create_statement(backend))
                    .await?;
                for index in table.index_statements(backend) {
                    manager.create_index(index).await?;
                }
                tally.created += 1;
                continue;
            }
            let live = LiveTable::read(manager.get_connection(), table.name).await?;
            let plan = Plan::of(table, &live, backend);
            if plan.is_empty() {
                tally.unchanged += 1;
                continue;
            }
            upgrade(manager, table, plan, &mut tally).await?;
            tally.upgraded += 1;
        }
        tracing::info!(
            created = tally.created,
            upgraded = tally.upgraded,
            unchanged = tally.unchanged,
            columns_added = tally.columns_added,
            columns_resized = tally.columns_resized,
            indexes_added = tally.indexes_added,
            left_as_they_are = tally.refused,
            "2026-08 schema in place"
        );
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let backend = manager.get_database_backend();
        for table in TABLES {
            let Some(old) = reference_2025_07::TABLES
                .iter()
                .find(|t| t.name == table.name)
            else {
                if table.name != T_WC_TMDB_ID_NOT_FOUND.name {
                    manager.drop_table(table.drop_statement()).await?;
                }
                continue;
            };
            if manager.has_table(table.name).await? {
                let live = LiveTable::read(manager.get_connection(), table.name).await?;
                remove_additions(manager, backend, table, old, &live).await?;
            }
        }
        Ok(())
    }
}

/// What `up` did, for its one log line.
#[derive(Debug, Default)]
struct Tally {
    created: usize,
    upgraded: usize,
    unchanged: usize,
    columns_added: usize,
    columns_resized: usize,
    indexes_added: usize,
    /// Narrowings and unique indexes the stored rows do not allow.
    refused: usize,
}

/// A varchar column whose length differs from 2026-08's.
#[derive(Debug, Clone)]
struct Resize {
    column: &'static ColumnDef,
    from: u32,
    to: u32,
}

impl Resize {
    fn narrows(&self) -> bool {
        self.to < self.from
    }
}

/// The changes an existing table needs to reach its 2026-08 form.
#[derive(Debug, Default)]
struct Plan {
    /// Missing columns, each with the 2026-08 column it follows (`None`: first).
    add: Vec<(&'static ColumnDef, Option<&'static str>)>,
    resize: Vec<Resize>,
    indexes: Vec<&'static IndexDef>,
}

impl Plan {
    /// Compares the 2026-08 definition with the live table. Pure: no database.
    fn of(table: &'static TableDef, live: &LiveTable, backend: DbBackend) -> Plan {
        let mut plan = Plan::default();
        let mut previous = None;
        for column in table.columns {
            match live.column(column.name) {
                None => plan.add.push((column, previous)),
                Some(existing) => {
                    if let (Type::Varchar(to), Some(from)) = (column.ty, existing.varchar)
                        && u32::from(to) != from
                    {
                        plan.resize.push(Resize {
                            column,
                            from,
                            to: u32::from(to),
                        });
                    }
                }
            }
            previous = Some(column.name);
        }
        plan.indexes = table
            .built_indexes(backend)
            .filter(|index| !live.has_index(&table.index_name(index, backend)))
            .collect();
        plan
    }

    fn is_empty(&self) -> bool {
        self.add.is_empty() && self.resize.is_empty() && self.indexes.is_empty()
    }
}

/// Applies `plan` to `table`, leaving out what the stored rows do not allow.
async fn upgrade(
    manager: &SchemaManager<'_>,
    table: &'static TableDef,
    mut plan: Plan,
    tally: &mut Tally,
) -> Result<(), DbErr> {
    let db = manager.get_connection();
    let backend = manager.get_database_backend();
    let mut kept = Vec::with_capacity(plan.resize.len());
    for resize in std::mem::take(&mut plan.resize) {
        if resize.narrows() {
            let longer = count_longer(db, table.name, resize.column.name, resize.to).await?;
            if longer > 0 {
                tracing::warn!(
                    table = table.name,
                    column = resize.column.name,
                    length = resize.from,
                    wanted = resize.to,
                    rows_longer = longer,
                    "column left at its length: stored values would not fit the 2026-08 one"
                );
                tally.refused += 1;
                continue;
            }
        }
        kept.push(resize);
    }
    plan.resize = kept;
    tally.columns_added += plan.add.len();
    tally.columns_resized += plan.resize.len();
    let (unique, plain): (Vec<_>, Vec<_>) = plan.indexes.iter().partition(|i| i.unique);
    match backend {
        DbBackend::MySql => alter_mysql(db, table, &plan, &plain).await?,
        _ => alter_portable(manager, table, &plan, &plain).await?,
    }
    tally.indexes_added += plain.len();
    for index in unique {
        // Checked first: on PostgreSQL a failed statement would abort the migration's
        // transaction.
        let repeated = repeated_key(db, table.name, index).await?;
        if repeated {
            tracing::warn!(
                table = table.name,
                index = index.name,
                "unique index left out: the stored rows repeat its key"
            );
            tally.refused += 1;
            continue;
        }
        match backend {
            DbBackend::MySql => {
                let sql = format!("ALTER TABLE `{}` {}", table.name, mysql_index_clause(index));
                db.execute_unprepared(&sql).await?;
            }
            _ => {
                manager
                    .create_index(table.create_index_statement(index, backend))
                    .await?;
            }
        }
        tally.indexes_added += 1;
    }
    Ok(())
}

/// Whether two rows share a value of `index`'s columns (rows with a NULL in them never clash).
async fn repeated_key<C: ConnectionTrait>(
    db: &C,
    table: &str,
    index: &IndexDef,
) -> Result<bool, DbErr> {
    let backend = db.get_database_backend();
    let q = |name: &str| match backend {
        DbBackend::MySql => format!("`{name}`"),
        _ => format!("\"{name}\""),
    };
    let columns: Vec<String> = index.parts.iter().map(|p| q(p.column)).collect();
    let not_null: Vec<String> = columns.iter().map(|c| format!("{c} IS NOT NULL")).collect();
    let sql = format!(
        "SELECT 1 FROM {} WHERE {} GROUP BY {} HAVING COUNT(*) > 1 LIMIT 1",
        q(table),
        not_null.join(" AND "),
        columns.join(", ")
    );
    let row = db
        .query_one_raw(Statement::from_string(backend, sql))
        .await?;
    Ok(row.is_some())
}

/// MariaDB: one `ALTER TABLE` for every column and plain index, so a large table is rebuilt
/// once. The text holds only our own identifiers and types.
async fn alter_mysql<C: ConnectionTrait>(
    db: &C,
    table: &TableDef,
    plan: &Plan,
    indexes: &[&&'static IndexDef],
) -> Result<(), DbErr> {
    let mut clauses = Vec::new();
    for (column, after) in &plan.add {
        let place = match after {
            Some(previous) => format!("AFTER `{previous}`"),
            None => "FIRST".to_owned(),
        };
        clauses.push(format!("ADD COLUMN {} {place}", column.mysql_definition()));
    }
    for resize in &plan.resize {
        clauses.push(format!(
            "MODIFY COLUMN {}",
            resize.column.mysql_definition()
        ));
    }
    clauses.extend(indexes.iter().map(|index| mysql_index_clause(index)));
    if clauses.is_empty() {
        return Ok(());
    }
    let sql = format!("ALTER TABLE `{}` {}", table.name, clauses.join(", "));
    db.execute_unprepared(&sql).await.map(|_| ())
}

/// PostgreSQL and SQLite: a column is added at the end (neither can place it), a length
/// changes with `ALTER COLUMN … TYPE` (SQLite does not enforce lengths and is never asked).
async fn alter_portable(
    manager: &SchemaManager<'_>,
    table: &TableDef,
    plan: &Plan,
    indexes: &[&&'static IndexDef],
) -> Result<(), DbErr> {
    let backend = manager.get_database_backend();
    for (column, _) in &plan.add {
        let mut def = column.sea_column(backend, false, false);
        manager
            .alter_table(
                Table::alter()
                    .table(Alias::new(table.name))
                    .add_column(&mut def)
                    .to_owned(),
            )
            .await?;
    }
    for resize in &plan.resize {
        let sql = format!(
            "ALTER TABLE \"{}\" ALTER COLUMN \"{}\" TYPE varchar({})",
            table.name, resize.column.name, resize.to
        );
        manager.get_connection().execute_unprepared(&sql).await?;
    }
    for index in indexes {
        manager
            .create_index(table.create_index_statement(index, backend))
            .await?;
    }
    Ok(())
}

/// How many rows hold a value of `column` longer than `length` characters.
async fn count_longer<C: ConnectionTrait>(
    db: &C,
    table: &str,
    column: &str,
    length: u32,
) -> Result<i64, DbErr> {
    let backend = db.get_database_backend();
    let (q, placeholder) = match backend {
        DbBackend::MySql => ('`', "?"),
        DbBackend::Postgres => ('"', "$1"),
        _ => ('"', "?"),
    };
    let sql = format!(
        "SELECT COUNT(*) FROM {q}{table}{q} WHERE CHAR_LENGTH({q}{column}{q}) > {placeholder}"
    );
    let row = db
        .query_one_raw(Statement::from_sql_and_values(
            backend,
            sql,
            [i64::from(length).into()],
        ))
        .await?;
    match row {
        Some(row) => row.try_get_by_index::<i64>(0),
        None => Ok(0),
    }
}

/// `down` on a table 2025-07 already had: drops the indexes and columns 2026-08 added.
async fn remove_additions(
    manager: &SchemaManager<'_>,
    backend: DbBackend,
    table: &TableDef,
    old: &TableDef,
    live: &LiveTable,
) -> Result<(), DbErr> {
    let db = manager.get_connection();
    let indexes: Vec<String> = table
        .built_indexes(backend)
        .filter(|i| !old.indexes.iter().any(|o| o.name == i.name))
        .map(|i| table.index_name(i, backend))
        .filter(|name| live.has_index(name))
        .collect();
    let columns: Vec<&str> = table
        .columns
        .iter()
        .filter(|c| old.column(c.name).is_none() && live.column(c.name).is_some())
        .map(|c| c.name)
        .collect();
    if backend == DbBackend::MySql {
        let mut clauses: Vec<String> = indexes
            .iter()
            .map(|i| format!("DROP INDEX `{i}`"))
            .collect();
        clauses.extend(columns.iter().map(|c| format!("DROP COLUMN `{c}`")));
        if !clauses.is_empty() {
            let sql = format!("ALTER TABLE `{}` {}", table.name, clauses.join(", "));
            db.execute_unprepared(&sql).await?;
        }
        return Ok(());
    }
    // SQLite refuses to drop an indexed column: the indexes go first.
    for index in &indexes {
        db.execute_unprepared(&format!("DROP INDEX IF EXISTS \"{index}\""))
            .await?;
    }
    for column in columns {
        manager
            .alter_table(
                Table::alter()
                    .table(Alias::new(table.name))
                    .drop_column(Alias::new(column))
                    .to_owned(),
            )
            .await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::live_columns::LiveColumn;

    fn live_from(old: &TableDef, backend: DbBackend) -> LiveTable {
        LiveTable {
            columns: old
                .columns
                .iter()
                .map(|c| LiveColumn {
                    name: c.name.to_owned(),
                    varchar: match c.ty {
                        Type::Varchar(n) if backend != DbBackend::Sqlite => Some(u32::from(n)),
                        _ => None,
                    },
                })
                .collect(),
            indexes: old
                .built_indexes(backend)
                .map(|i| old.index_name(i, backend))
                .collect(),
        }
    }

    fn table(name: &str) -> (&'static TableDef, &'static TableDef) {
        let new = TABLES.iter().find(|t| t.name == name).expect("2026-08");
        let old = reference_2025_07::TABLES
            .iter()
            .find(|t| t.name == name)
            .expect("2025-07");
        (new, old)
    }

    #[test]
    fn a_2025_07_movie_table_gets_the_five_columns_places_and_lengths_of_2026_08() {
        let (new, old) = table("T_WC_TMDB_MOVIE");
        let plan = Plan::of(new, &live_from(old, DbBackend::MySql), DbBackend::MySql);
        let added: Vec<&str> = plan.add.iter().map(|(c, _)| c.name).collect();
        assert_eq!(
            added,
            [
                "TIM_VIDEOS_COMPLETED",
                "TIM_RELEASE_DATES_COMPLETED",
                "TIM_WATCH_PROVIDERS_COMPLETED",
                "DAT_WIKIPEDIA_FORMAT_LINE",
                "SOUND_TECHNOLOGY"
            ]
        );
        // Each follows its 2026-08 predecessor, whether that one is old or itself added.
        for (column, after) in &plan.add {
            let i = new
                .columns
                .iter()
                .position(|c| c.name == column.name)
                .expect("column");
            assert_eq!(*after, i.checked_sub(1).map(|p| new.columns[p].name));
        }
        let resized: Vec<(&str, u32, u32)> = plan
            .resize
            .iter()
            .map(|r| (r.column.name, r.from, r.to))
            .collect();
        assert_eq!(
            resized,
            [
                ("ORIGINAL_LANGUAGE", 20, 2),
                ("COUNTRIES", 100, 200),
                ("SPOKEN_LANGUAGES", 100, 200)
            ]
        );
        assert!(plan.resize[0].narrows() && !plan.resize[1].narrows());
        let indexes: Vec<&str> = plan.indexes.iter().map(|i| i.name).collect();
        assert_eq!(
            indexes,
            [
                "DAT_WIKIPEDIA_FORMAT_LINE",
                "SOUND_TECHNOLOGY",
                "TIM_RELEASE_DATES_COMPLETED",
                "TIM_VIDEOS_COMPLETED",
                "TIM_WATCH_PROVIDERS_COMPLETED"
            ]
        );
    }

    #[test]
    fn sqlite_plans_no_length_change_and_prefixed_index_names() {
        let (new, old) = table("T_WC_SERVER_VARIABLE");
        let plan = Plan::of(new, &live_from(old, DbBackend::Sqlite), DbBackend::Sqlite);
        assert!(plan.add.is_empty() && plan.resize.is_empty());
        let mut indexes: Vec<&str> = plan.indexes.iter().map(|i| i.name).collect();
        indexes.sort_unstable();
        assert_eq!(
            indexes,
            ["DAT_CREAT", "DESCRIPTION", "VAR_NAME", "VAR_VALUE"]
        );
        let mysql = Plan::of(new, &live_from(old, DbBackend::MySql), DbBackend::MySql);
        assert_eq!(mysql.resize.len(), 2, "VAR_NAME and DESCRIPTION 50 -> 100");
    }

    #[test]
    fn a_table_already_at_2026_08_needs_nothing() {
        for table in TABLES {
            for backend in [DbBackend::MySql, DbBackend::Postgres, DbBackend::Sqlite] {
                let plan = Plan::of(table, &live_from(table, backend), backend);
                assert!(plan.is_empty(), "{} {backend:?}", table.name);
            }
        }
    }

    #[test]
    fn mysql_definitions_carry_defaults_updates_and_generation() {
        let column = |table: &str, name: &str| {
            TABLES
                .iter()
                .find(|t| t.name == table)
                .and_then(|t| t.column(name))
                .expect("column")
        };
        assert_eq!(
            column("T_WC_TMDB_GENRE", "APPLIES_TO_MOVIE").mysql_definition(),
            "`APPLIES_TO_MOVIE` tinyint(1) NOT NULL DEFAULT 0"
        );
        assert_eq!(
            column("T_WC_WIKIDATA_EPISODE", "TIM_UPDATED").mysql_definition(),
            "`TIM_UPDATED` datetime NULL DEFAULT current_timestamp() ON UPDATE current_timestamp()"
        );
        assert_eq!(
            column("T_WC_TMDB_CHARACTER", "CAST_CHARACTER_NORM").mysql_definition(),
            "`CAST_CHARACTER_NORM` varchar(600) GENERATED ALWAYS AS (lower(trim(`CAST_CHARACTER`))) STORED"
        );
    }
}
