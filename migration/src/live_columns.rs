//! What a table looks like in the connected database: its columns in order, the length of its
//! text columns, and its index names. Read per table by the 2026-08 migration to decide what to
//! add, widen or narrow.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::{ConnectionTrait, DbBackend, Statement};

/// One existing column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LiveColumn {
    pub name: String,
    /// `varchar(n)` → `Some(n)`; `None` for other types, and always on SQLite, which does not
    /// enforce lengths.
    pub varchar: Option<u32>,
}

/// An existing table.
#[derive(Debug, Clone, Default)]
pub struct LiveTable {
    pub columns: Vec<LiveColumn>,
    /// As the backend names them (`T__NAME` on PostgreSQL and SQLite).
    pub indexes: Vec<String>,
}

impl LiveTable {
    pub fn column(&self, name: &str) -> Option<&LiveColumn> {
        self.columns.iter().find(|c| c.name == name)
    }

    pub fn has_index(&self, name: &str) -> bool {
        self.indexes.iter().any(|i| i == name)
    }

    /// Reads `table`'s columns (in their order) and index names.
    pub async fn read<C: ConnectionTrait>(db: &C, table: &str) -> Result<LiveTable, DbErr> {
        let backend = db.get_database_backend();
        let (columns_sql, indexes_sql) = match backend {
            DbBackend::MySql => (
                "SELECT COLUMN_NAME, CAST(CHARACTER_MAXIMUM_LENGTH AS SIGNED), DATA_TYPE \
                 FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE() \
                 AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION",
                "SELECT DISTINCT INDEX_NAME FROM information_schema.STATISTICS \
                 WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ?",
            ),
            DbBackend::Postgres => (
                "SELECT column_name::text, CAST(character_maximum_length AS BIGINT), \
                 data_type::text FROM information_schema.columns \
                 WHERE table_schema = current_schema() AND table_name = $1 \
                 ORDER BY ordinal_position",
                "SELECT indexname::text FROM pg_indexes \
                 WHERE schemaname = current_schema() AND tablename = $1",
            ),
            _ => (
                "SELECT name, NULL, type FROM pragma_table_xinfo(?) ORDER BY cid",
                "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = ?",
            ),
        };
        let rows = db
            .query_all_raw(Statement::from_sql_and_values(
                backend,
                columns_sql,
                [table.into()],
            ))
            .await?;
        let mut columns = Vec::with_capacity(rows.len());
        for row in rows {
            let name: String = row.try_get_by_index(0)?;
            let length: Option<i64> = row.try_get_by_index(1)?;
            let data_type: String = row.try_get_by_index(2)?;
            let is_varchar = data_type.eq_ignore_ascii_case("varchar")
                || data_type.eq_ignore_ascii_case("character varying");
            let varchar = length
                .filter(|_| is_varchar && backend != DbBackend::Sqlite)
                .and_then(|n| <u32 as std::convert::TryFrom<i64>>::try_from(n).ok());
            columns.push(LiveColumn { name, varchar });
        }
        let rows = db
            .query_all_raw(Statement::from_sql_and_values(
                backend,
                indexes_sql,
                [table.into()],
            ))
            .await?;
        let mut indexes = Vec::with_capacity(rows.len());
        for row in rows {
            indexes.push(row.try_get_by_index::<String>(0)?);
        }
        Ok(LiveTable { columns, indexes })
    }
}
