//! The daily ID export tables (`T_WC_TMDB_*_ID_IMPORT`) and their atomic replacement.
//!
//! An import never writes into the live table. Rows go into a staging copy
//! (`<table>_STAGING`); when the whole file has been read and validated, the staging table takes
//! the live table's place in one step:
//! - MariaDB/MySQL: the staging table has no key while it loads, so rows are appended whatever
//!   the file's order (inserting ids in random order into a clustered key thrashes the buffer
//!   pool); the key and the secondary indexes are then built in one `ALTER TABLE` (one sort),
//!   and one `RENAME TABLE live TO old, staging TO live` swaps both atomically;
//! - PostgreSQL: loaded without key too; drop, rename, key and indexes commit in one
//!   transaction (DDL is transactional);
//! - SQLite: loaded without key too, then copied in id order into a keyed table (SQLite cannot
//!   add a key to a table); drop, rename and indexes in one transaction.
//!
//! A duplicate id fails the key's build, so the file is refused and the live table stays.
//!
//! Columns the export does not carry (`USED_FOR_SIMILARITY` on keywords) are copied from the
//! live table into the staging table before the swap, so they keep their values.

use migration::schema::{TableDef, Type};
use sea_orm::sea_query::{
    Alias, Expr, ExprTrait, Query, QueryStatementBuilder, SimpleExpr, Table, TableRenameStatement,
};
use sea_orm::{
    ConnectionTrait, DatabaseConnection, DbBackend, DbErr, SqlErr, Statement, TransactionTrait,
    Value,
};

/// One daily export file kind, by the process number that imports it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ExportKind {
    Movie,
    Person,
    Collection,
    TvSeries,
    Keyword,
    TvNetwork,
    ProductionCompany,
}

/// Which export field fills the import table's text column.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TextField {
    OriginalTitle,
    Name,
    OriginalName,
}

impl ExportKind {
    /// In process order 41..47.
    pub const ALL: [ExportKind; 7] = [
        ExportKind::Movie,
        ExportKind::Person,
        ExportKind::Collection,
        ExportKind::TvSeries,
        ExportKind::Keyword,
        ExportKind::TvNetwork,
        ExportKind::ProductionCompany,
    ];

    /// The `<kind>` of `<kind>_ids_MM_DD_YYYY.json.gz`, also used in server variable names.
    pub fn file_stem(self) -> &'static str {
        match self {
            ExportKind::Movie => "movie",
            ExportKind::Person => "person",
            ExportKind::Collection => "collection",
            ExportKind::TvSeries => "tv_series",
            ExportKind::Keyword => "keyword",
            ExportKind::TvNetwork => "tv_network",
            ExportKind::ProductionCompany => "production_company",
        }
    }

    /// TMDb publishes adult entries of three kinds in separate files.
    pub fn adult_file_stem(self) -> Option<&'static str> {
        match self {
            ExportKind::Movie => Some("adult_movie"),
            ExportKind::Person => Some("adult_person"),
            ExportKind::TvSeries => Some("adult_tv_series"),
            _ => None,
        }
    }

    pub fn table_name(self) -> &'static str {
        match self {
            ExportKind::Movie => "T_WC_TMDB_MOVIE_ID_IMPORT",
            ExportKind::Person => "T_WC_TMDB_PERSON_ID_IMPORT",
            ExportKind::Collection => "T_WC_TMDB_COLLECTION_ID_IMPORT",
            ExportKind::TvSeries => "T_WC_TMDB_TV_SERIE_ID_IMPORT",
            ExportKind::Keyword => "T_WC_TMDB_KEYWORD_ID_IMPORT",
            ExportKind::TvNetwork => "T_WC_TMDB_TV_NETWORK_ID_IMPORT",
            ExportKind::ProductionCompany => "T_WC_TMDB_PRODUCTION_COMPANY_ID_IMPORT",
        }
    }

    pub fn text_field(self) -> TextField {
        match self {
            ExportKind::Movie => TextField::OriginalTitle,
            ExportKind::TvSeries => TextField::OriginalName,
            _ => TextField::Name,
        }
    }

    /// The import table columns the export fills, in table order.
    pub fn columns(self) -> &'static [&'static str] {
        match self {
            ExportKind::Movie => &["adult", "id", "original_title", "popularity", "video"],
            ExportKind::Person => &["id", "name", "popularity", "adult"],
            ExportKind::TvSeries => &["id", "original_name", "popularity"],
            ExportKind::Collection
            | ExportKind::Keyword
            | ExportKind::TvNetwork
            | ExportKind::ProductionCompany => &["id", "name"],
        }
    }

    pub fn table(self) -> Result<&'static TableDef, ImportError> {
        migration::reference_table(self.table_name())
            .ok_or(ImportError::UnknownTable(self.table_name()))
    }

    /// The text column's length in characters (values are cut to it).
    pub fn text_max_chars(self) -> usize {
        let column = match self.text_field() {
            TextField::OriginalTitle => "original_title",
            TextField::Name => "name",
            TextField::OriginalName => "original_name",
        };
        self.table()
            .ok()
            .and_then(|t| t.column(column))
            .and_then(|c| match c.ty {
                Type::Varchar(n) => Some(usize::from(n)),
                _ => None,
            })
            .unwrap_or(250)
    }

    fn staging_name(self) -> String {
        format!("{}_STAGING", self.table_name())
    }

    /// SQLite's keyed copy of the staging table.
    fn sorted_name(self) -> String {
        format!("{}_SORTED", self.table_name())
    }

    fn old_name(self) -> String {
        format!("{}_OLD", self.table_name())
    }
}

/// One export line, reduced to what the import tables hold.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportRow {
    pub id: i32,
    pub text: Option<String>,
    pub popularity: Option<f64>,
    pub adult: Option<bool>,
    pub video: Option<bool>,
}

/// How an export's rows reach the staging table. Which is faster depends on the backend
/// (figures in README, "Daily ID exports"); neither depends on the file's order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoadOrder {
    /// The crawler sorts the rows by id first (in bounded memory, spilling runs to temporary
    /// files), then appends them to a keyed staging table; secondary indexes come at the end.
    ById,
    /// Rows go in file order into a staging table without key; the key is built at the end in
    /// one sorted pass (SQLite: a sorted copy into a keyed table).
    AsFiled,
}

impl LoadOrder {
    pub fn for_backend(backend: DbBackend) -> LoadOrder {
        match backend {
            DbBackend::MySql => LoadOrder::ById,
            _ => LoadOrder::AsFiled,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("no reference table {0}")]
    UnknownTable(&'static str),
    #[error("the export holds duplicate ids ({0}): file refused")]
    DuplicateId(String),
    #[error("database error during the import: {0}")]
    Db(String),
}

impl From<DbErr> for ImportError {
    fn from(e: DbErr) -> Self {
        match e.sql_err() {
            Some(SqlErr::UniqueConstraintViolation(detail)) => ImportError::DuplicateId(detail),
            _ => ImportError::Db(e.to_string()),
        }
    }
}

/// Rows per INSERT: under SQLite's 32,766 bound parameters (MariaDB and PostgreSQL allow 65,535).
pub fn rows_per_statement(kind: ExportKind) -> usize {
    32_000 / kind.columns().len()
}

fn quoted(backend: DbBackend, name: &str) -> String {
    match backend {
        DbBackend::MySql => format!("`{name}`"),
        _ => format!("\"{name}\""),
    }
}

/// Drops a leftover staging table (from a crashed run) and creates an empty one.
pub async fn begin(
    db: &DatabaseConnection,
    kind: ExportKind,
    order: LoadOrder,
) -> Result<(), ImportError> {
    let backend = db.get_database_backend();
    let table = kind.table()?;
    let staging = kind.staging_name();
    db.execute(
        &Table::drop()
            .table(Alias::new(&staging))
            .if_exists()
            .to_owned(),
    )
    .await?;
    let create = match order {
        // Rows come by id: appended at the end of the key, the key costs nothing.
        LoadOrder::ById => table.create_statement_as(backend, &staging, false),
        // Rows come in file order, which is no order at all: the key is built afterwards.
        LoadOrder::AsFiled => table.staging_statement_without_key(backend, &staging),
    };
    db.execute(&create).await?;
    Ok(())
}

/// Inserts rows into the staging table (bound parameters, one statement per chunk).
///
/// The statement text is made directly rather than through sea-query's row-by-row builder:
/// millions of rows a day made that builder a third of the import's CPU. Only our own
/// identifiers and placeholders are in the text; every value is bound.
pub async fn insert(
    db: &DatabaseConnection,
    kind: ExportKind,
    rows: &[ImportRow],
) -> Result<(), ImportError> {
    let backend = db.get_database_backend();
    let staging = kind.staging_name();
    let columns = kind.columns();
    for chunk in rows.chunks(rows_per_statement(kind)) {
        let mut values: Vec<Value> = Vec::with_capacity(chunk.len() * columns.len());
        for row in chunk {
            for column in columns {
                values.push(match *column {
                    "id" => row.id.into(),
                    "popularity" => row.popularity.into(),
                    "adult" => row.adult.into(),
                    "video" => row.video.into(),
                    _ => row.text.clone().into(),
                });
            }
        }
        let sql = insert_sql(backend, &staging, columns, chunk.len());
        db.execute_raw(Statement::from_sql_and_values(backend, sql, values))
            .await?;
    }
    Ok(())
}

/// `INSERT INTO staging (c1, c2) VALUES (?, ?), (?, ?)…` with the backend's placeholders.
fn insert_sql(backend: DbBackend, table: &str, columns: &[&str], rows: usize) -> String {
    use std::fmt::Write;
    let names: Vec<String> = columns.iter().map(|c| quoted(backend, c)).collect();
    let mut sql = String::with_capacity(64 + rows * columns.len() * 8);
    let _ = write!(
        sql,
        "INSERT INTO {} ({}) VALUES ",
        quoted(backend, table),
        names.join(", ")
    );
    let mut n = 0usize;
    for r in 0..rows {
        if r > 0 {
            sql.push_str(", ");
        }
        sql.push('(');
        for c in 0..columns.len() {
            if c > 0 {
                sql.push_str(", ");
            }
            n += 1;
            match backend {
                DbBackend::Postgres => {
                    let _ = write!(sql, "${n}");
                }
                _ => sql.push('?'),
            }
        }
        sql.push(')');
    }
    sql
}

/// Replaces the live table with the staging table, keeping the columns the export lacks.
pub async fn commit(
    db: &DatabaseConnection,
    kind: ExportKind,
    order: LoadOrder,
) -> Result<(), ImportError> {
    let backend = db.get_database_backend();
    let table = kind.table()?;
    let live = kind.table_name();
    let staging = kind.staging_name();
    for column in table
        .columns
        .iter()
        .map(|c| c.name)
        .filter(|c| !kind.columns().contains(c))
    {
        carry_over(db, live, &staging, column).await?;
    }
    match backend {
        DbBackend::MySql => {
            // The key (when not there yet) and every index in one ALTER: the table is read and
            // sorted once. A duplicate id fails it, and the live table stays as it is.
            let alter = match order {
                LoadOrder::ById => table.mysql_add_indexes(&staging),
                LoadOrder::AsFiled => Some(table.mysql_add_key_and_indexes(&staging)),
            };
            if let Some(alter) = alter {
                db.execute_unprepared(&alter).await?;
            }
            let old = kind.old_name();
            db.execute(&Table::drop().table(Alias::new(&old)).if_exists().to_owned())
                .await?;
            // One statement renames both tables: readers see the old or the new table, never
            // none. Identifiers are our own constants, not data.
            db.execute_unprepared(&format!(
                "RENAME TABLE {} TO {}, {} TO {}",
                quoted(backend, live),
                quoted(backend, &old),
                quoted(backend, &staging),
                quoted(backend, live)
            ))
            .await?;
            db.execute(&Table::drop().table(Alias::new(&old)).to_owned())
                .await?;
        }
        _ => {
            // SQLite cannot add a key to a table: the rows are copied in id order into a keyed
            // copy, which appends to its rowid b-tree instead of inserting all over it.
            let staging = if backend == DbBackend::Sqlite && order == LoadOrder::AsFiled {
                copy_sorted(db, kind, table, &staging).await?
            } else {
                staging
            };
            let txn = db.begin().await?;
            txn.execute(&Table::drop().table(Alias::new(live)).to_owned())
                .await?;
            txn.execute(&rename(&staging, live)).await?;
            if backend == DbBackend::Postgres
                && order == LoadOrder::AsFiled
                && let Some(key) = table.postgres_add_key(live)
            {
                // Built in one sorted pass; a duplicate id fails it and rolls everything back.
                txn.execute_unprepared(&key).await?;
            }
            for index in table.index_statements(backend) {
                txn.execute(&index).await?;
            }
            txn.commit().await?;
        }
    }
    Ok(())
}

/// SQLite: the staging rows copied, in id order, into a keyed table (whose name is returned);
/// a duplicate id fails the copy.
async fn copy_sorted(
    db: &DatabaseConnection,
    kind: ExportKind,
    table: &TableDef,
    staging: &str,
) -> Result<String, ImportError> {
    let backend = db.get_database_backend();
    let sorted = kind.sorted_name();
    db.execute(
        &Table::drop()
            .table(Alias::new(&sorted))
            .if_exists()
            .to_owned(),
    )
    .await?;
    db.execute(&table.create_statement_as(backend, &sorted, false))
        .await?;
    let columns: Vec<String> = table
        .columns
        .iter()
        .map(|c| quoted(backend, c.name))
        .collect();
    let key: Vec<String> = table
        .primary_key
        .iter()
        .map(|c| quoted(backend, c))
        .collect();
    // Identifiers are our own constants, not data.
    db.execute_unprepared(&format!(
        "INSERT INTO {} ({cols}) SELECT {cols} FROM {} ORDER BY {}",
        quoted(backend, &sorted),
        quoted(backend, staging),
        key.join(", "),
        cols = columns.join(", ")
    ))
    .await?;
    db.execute(&Table::drop().table(Alias::new(staging)).to_owned())
        .await?;
    Ok(sorted)
}

/// Drops the staging table; the live table was never touched.
pub async fn abort(db: &DatabaseConnection, kind: ExportKind) -> Result<(), ImportError> {
    for name in [kind.staging_name(), kind.sorted_name()] {
        db.execute(&Table::drop().table(Alias::new(name)).if_exists().to_owned())
            .await?;
    }
    Ok(())
}

fn rename(from: &str, to: &str) -> TableRenameStatement {
    Table::rename()
        .table(Alias::new(from), Alias::new(to))
        .to_owned()
}

/// `UPDATE staging SET col = (SELECT col FROM live WHERE live.id = staging.id)` for rows
/// whose live value is set.
async fn carry_over(
    db: &DatabaseConnection,
    live: &str,
    staging: &str,
    column: &str,
) -> Result<(), ImportError> {
    let from_live = Query::select()
        .column((Alias::new(live), Alias::new(column)))
        .from(Alias::new(live))
        .and_where(
            Expr::col((Alias::new(live), Alias::new("id")))
                .equals((Alias::new(staging), Alias::new("id"))),
        )
        .to_owned();
    let live_has_value = Query::select()
        .expr(Expr::val(1))
        .from(Alias::new(live))
        .and_where(
            Expr::col((Alias::new(live), Alias::new("id")))
                .equals((Alias::new(staging), Alias::new("id"))),
        )
        .and_where(Expr::col((Alias::new(live), Alias::new(column))).is_not_null())
        .to_owned();
    let stmt = Query::update()
        .table(Alias::new(staging))
        .value(
            Alias::new(column),
            SimpleExpr::SubQuery(None, Box::new(from_live.into_sub_query_statement())),
        )
        .and_where(Expr::exists(live_has_value))
        .to_owned();
    db.execute(&stmt).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_map_to_processes_41_to_47_and_reference_tables() {
        for (i, kind) in ExportKind::ALL.into_iter().enumerate() {
            assert_eq!(kind.process(), 41 + i as u16);
            assert_eq!(ExportKind::from_process(kind.process()), Some(kind));
            let table = kind.table().expect("reference table");
            for column in kind.columns() {
                assert!(table.column(column).is_some(), "{}.{column}", table.name);
            }
        }
        assert_eq!(ExportKind::from_process(40), None);
    }

    #[test]
    fn person_names_are_200_characters_others_250() {
        assert_eq!(ExportKind::Person.text_max_chars(), 200);
        assert_eq!(ExportKind::Movie.text_max_chars(), 250);
        assert_eq!(ExportKind::Keyword.text_max_chars(), 250);
    }

    #[test]
    fn insert_text_has_one_placeholder_per_value() {
        let mysql = insert_sql(DbBackend::MySql, "T_STAGING", &["id", "name"], 2);
        assert_eq!(
            mysql,
            "INSERT INTO `T_STAGING` (`id`, `name`) VALUES (?, ?), (?, ?)"
        );
        let pg = insert_sql(DbBackend::Postgres, "T_STAGING", &["id", "name"], 2);
        assert_eq!(
            pg,
            "INSERT INTO \"T_STAGING\" (\"id\", \"name\") VALUES ($1, $2), ($3, $4)"
        );
    }

    #[test]
    fn statements_stay_under_sqlite_parameter_limit() {
        for kind in ExportKind::ALL {
            assert!(rows_per_statement(kind) * kind.columns().len() <= 32_766);
        }
    }
}
