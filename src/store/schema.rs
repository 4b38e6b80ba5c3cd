//! The live schema: which tables and columns the connected database has, read once with one
//! catalogue query (`information_schema`, or `pragma_table_info` on SQLite). Writes skip cells
//! for missing columns and cut text to its column's length; selections and change feeds leave
//! out what needs a table the database lacks (the not-found ledger, `CRAWLER_VERSION`).

use std::collections::HashMap;

use sea_orm::{ConnectionTrait, DbBackend, DbErr, Statement};

/// Not-found ledger (added by the 2026-08 migration).
pub const LEDGER_TABLE: &str = "T_WC_TMDB_ID_NOT_FOUND";

/// The columns each table has in the connected database, and the length of its text columns.
#[derive(Debug, Clone, Default)]
pub struct LiveSchema {
    tables: HashMap<String, HashMap<String, Option<usize>>>,
}

impl LiveSchema {
    /// Reads the column list of every table once.
    pub async fn load<C: ConnectionTrait>(db: &C) -> Result<LiveSchema, DbErr> {
        let backend = db.get_database_backend();
        let sql = match backend {
            DbBackend::MySql => {
                "SELECT TABLE_NAME, COLUMN_NAME, COLUMN_TYPE FROM information_schema.COLUMNS \
                 WHERE TABLE_SCHEMA = DATABASE()"
            }
            DbBackend::Postgres => {
                "SELECT table_name::text, column_name::text, \
                 CASE WHEN character_maximum_length IS NULL THEN data_type::text \
                 ELSE 'varchar(' || character_maximum_length::text || ')' END \
                 FROM information_schema.columns WHERE table_schema = current_schema()"
            }
            _ => {
                "SELECT m.name, p.name, p.type FROM sqlite_master m \
                 JOIN pragma_table_info(m.name) p WHERE m.type = 'table'"
            }
        };
        let rows = db
            .query_all_raw(Statement::from_string(backend, sql))
            .await?;
        let mut tables: HashMap<String, HashMap<String, Option<usize>>> = HashMap::new();
        for row in rows {
            let table: String = row.try_get_by_index(0)?;
            let column: String = row.try_get_by_index(1)?;
            let ty: String = row.try_get_by_index(2)?;
            tables
                .entry(table)
                .or_default()
                .insert(column, varchar_length(&ty));
        }
        Ok(LiveSchema { tables })
    }

    pub fn has_table(&self, table: &str) -> bool {
        self.tables.contains_key(table)
    }

    pub fn has_column(&self, table: &str, column: &str) -> bool {
        self.columns(table).is_some_and(|c| c.contains_key(column))
    }

    /// Each column of `table` with its text length, if the table exists.
    pub fn columns(&self, table: &str) -> Option<&HashMap<String, Option<usize>>> {
        self.tables.get(table)
    }
}

/// `varchar(250)` / `character varying(250)` → 250.
fn varchar_length(ty: &str) -> Option<usize> {
    let lower = ty.to_ascii_lowercase();
    if !(lower.starts_with("varchar") || lower.starts_with("char")) {
        return None;
    }
    let open = lower.find('(')?;
    let close = lower[open..].find(')')? + open;
    lower[open + 1..close].trim().parse().ok()
}

/// Optional parts of the schema that selections depend on, from the live schema.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SchemaFlags {
    /// `T_WC_TMDB_ID_NOT_FOUND` exists (2026-08 migration): ids it holds back are skipped.
    pub ledger: bool,
    /// `T_WC_TMDB_PERSON.CRAWLER_VERSION` exists (dropped by the 2026-08 schema): without it
    /// process 8 selects nothing.
    pub person_crawler_version: bool,
}

impl SchemaFlags {
    pub fn of(schema: &LiveSchema) -> SchemaFlags {
        SchemaFlags {
            ledger: schema.has_column(LEDGER_TABLE, "TIM_RETRY_AFTER"),
            person_crawler_version: schema.has_column("T_WC_TMDB_PERSON", "CRAWLER_VERSION"),
        }
    }

    /// Reads the live schema; a missing table or column is `false`, never an error.
    pub async fn probe<C: ConnectionTrait>(db: &C) -> Result<SchemaFlags, DbErr> {
        Ok(SchemaFlags::of(&LiveSchema::load(db).await?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn varchar_lengths_are_read_from_every_spelling() {
        assert_eq!(varchar_length("varchar(250)"), Some(250));
        assert_eq!(varchar_length("VARCHAR(20)"), Some(20));
        assert_eq!(varchar_length("character varying"), None);
        assert_eq!(varchar_length("varchar(12)"), Some(12));
        assert_eq!(varchar_length("mediumtext"), None);
        assert_eq!(varchar_length("int(11)"), None);
    }
}
