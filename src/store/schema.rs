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
    /// MariaDB/MySQL: `(table, column)` → collation of each text column.
    collations: HashMap<(String, String), String>,
}

impl LiveSchema {
    /// Reads the column list of every table once.
    pub async fn load<C: ConnectionTrait>(db: &C) -> Result<LiveSchema, DbErr> {
        let backend = db.get_database_backend();
        let sql = match backend {
            DbBackend::MySql => {
                "SELECT TABLE_NAME, COLUMN_NAME, COLUMN_TYPE, COLLATION_NAME \
                 FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = DATABASE()"
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
        let mut schema = LiveSchema::default();
        for row in rows {
            let table: String = row.try_get_by_index(0)?;
            let column: String = row.try_get_by_index(1)?;
            let ty: String = row.try_get_by_index(2)?;
            if backend == DbBackend::MySql
                && let Some(collation) = row.try_get_by_index::<Option<String>>(3)?
            {
                schema
                    .collations
                    .insert((table.clone(), column.clone()), collation);
            }
            schema
                .tables
                .entry(table)
                .or_default()
                .insert(column, varchar_length(&ty));
        }
        Ok(schema)
    }

    /// The collation of a text column on MariaDB/MySQL; `None` elsewhere.
    pub fn collation(&self, table: &str, column: &str) -> Option<&str> {
        self.collations
            .get(&(table.to_owned(), column.to_owned()))
            .map(String::as_str)
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
    /// The Wikidata movie table process 23 reads: `T_WC_WIKIDATA_MOVIE_V1` (written by the
    /// Wikidata crawler since 2026) when it exists, else the 2025-07 `T_WC_WIKIDATA_MOVIE`;
    /// `None` when neither does (2026-08 dropped the latter): 23 then selects nothing.
    pub wikidata_movies: Option<WikidataMovies>,
    /// Backfill 34 can run: `T_WC_TMDB_MOVIE.TIM_RELEASE_DATES_COMPLETED` and
    /// `T_WC_TMDB_MOVIE_RELEASE_DATE` exist (a 2025-07 database not migrated has neither; the
    /// Python crawler likewise skipped 34-36 when it could not add them, spec F6).
    pub movie_release_dates: bool,
    /// Backfill 35 can run: the movie provider stamp and table exist.
    pub movie_watch_providers: bool,
    /// Backfill 36 can run: the series provider stamp and table exist.
    pub series_watch_providers: bool,
}

/// The Wikidata movie table of process 23, and how to compare its text with the movies'.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WikidataMovies {
    pub table: &'static str,
    /// MariaDB refuses `=` between two columns of different collations ("illegal mix"): a
    /// database upgraded from 2025-07 keeps `utf8mb4_general_ci` movies while the Wikidata
    /// crawler's table may be `utf8mb4_unicode_ci`. Then the movie side is compared in the
    /// Wikidata table's collation, which keeps that table's index usable.
    pub collate: Option<&'static str>,
}

/// The tables process 23 can read, in order of preference; each needs `ID_IMDB` and
/// `ID_WIKIDATA`.
pub const WIKIDATA_MOVIE_TABLES: [&str; 2] = ["T_WC_WIKIDATA_MOVIE_V1", "T_WC_WIKIDATA_MOVIE"];

/// Collations a `COLLATE` clause may name; anything else is never written into SQL.
const KNOWN_COLLATIONS: [&str; 8] = [
    "utf8mb4_general_ci",
    "utf8mb4_unicode_ci",
    "utf8mb4_unicode_520_ci",
    "utf8mb4_bin",
    "utf8mb4_0900_ai_ci",
    "utf8mb3_general_ci",
    "utf8mb3_unicode_ci",
    "latin1_swedish_ci",
];

impl SchemaFlags {
    pub fn of(schema: &LiveSchema) -> SchemaFlags {
        SchemaFlags {
            ledger: schema.has_column(LEDGER_TABLE, "TIM_RETRY_AFTER"),
            person_crawler_version: schema.has_column("T_WC_TMDB_PERSON", "CRAWLER_VERSION"),
            wikidata_movies: wikidata_movies(schema),
            movie_release_dates: snapshot_stored(
                schema,
                "T_WC_TMDB_MOVIE",
                "TIM_RELEASE_DATES_COMPLETED",
                "T_WC_TMDB_MOVIE_RELEASE_DATE",
            ),
            movie_watch_providers: snapshot_stored(
                schema,
                "T_WC_TMDB_MOVIE",
                "TIM_WATCH_PROVIDERS_COMPLETED",
                "T_WC_TMDB_MOVIE_WATCH_PROVIDER",
            ),
            series_watch_providers: snapshot_stored(
                schema,
                "T_WC_TMDB_SERIE",
                "TIM_WATCH_PROVIDERS_COMPLETED",
                "T_WC_TMDB_SERIE_WATCH_PROVIDER",
            ),
        }
    }

    /// Reads the live schema; a missing table or column is `false`, never an error.
    pub async fn probe<C: ConnectionTrait>(db: &C) -> Result<SchemaFlags, DbErr> {
        Ok(SchemaFlags::of(&LiveSchema::load(db).await?))
    }
}

/// The title table has the snapshot's stamp and the snapshot's own table exists.
fn snapshot_stored(schema: &LiveSchema, title: &str, stamp: &str, table: &str) -> bool {
    schema.has_column(title, stamp) && schema.has_table(table)
}

fn wikidata_movies(schema: &LiveSchema) -> Option<WikidataMovies> {
    let table = WIKIDATA_MOVIE_TABLES
        .into_iter()
        .find(|t| schema.has_column(t, "ID_IMDB") && schema.has_column(t, "ID_WIKIDATA"))?;
    let theirs = schema.collation(table, "ID_IMDB");
    let collate = match (theirs, schema.collation("T_WC_TMDB_MOVIE", "ID_IMDB")) {
        (Some(theirs), Some(ours)) if theirs != ours => {
            KNOWN_COLLATIONS.into_iter().find(|known| *known == theirs)
        }
        _ => None,
    };
    Some(WikidataMovies { table, collate })
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
