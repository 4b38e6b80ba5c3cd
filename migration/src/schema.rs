//! A declarative description of tables, rendered with sea-query for each backend.
//!
//! The schema is data (`reference_2025_07.rs`, `schema_2026_08.rs`); this module turns one
//! `TableDef` into the statements a backend needs. MariaDB/MySQL get the reference types verbatim
//! (`int(11)`, `varchar(250)`, `mediumtext`, ...) so information_schema matches the Python
//! crawler's databases. PostgreSQL and SQLite get the closest native types and the same table
//! and column names (quoted, so the exact case is kept).

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DbBackend;

/// A column type of the reference schema, with its MariaDB display width or length.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Type {
    Int(u8),
    BigInt(u8),
    /// `tinyint(1)`: the boolean flags of the daily exports.
    TinyInt(u8),
    Varchar(u16),
    Text,
    MediumText,
    LongText,
    Date,
    DateTime,
    Double,
}

impl Type {
    /// The MariaDB column type exactly as information_schema.COLUMNS.COLUMN_TYPE shows it.
    pub fn mysql(self) -> String {
        match self {
            Type::Int(w) => format!("int({w})"),
            Type::BigInt(w) => format!("bigint({w})"),
            Type::TinyInt(w) => format!("tinyint({w})"),
            Type::Varchar(n) => format!("varchar({n})"),
            Type::Text => "text".to_owned(),
            Type::MediumText => "mediumtext".to_owned(),
            Type::LongText => "longtext".to_owned(),
            Type::Date => "date".to_owned(),
            Type::DateTime => "datetime".to_owned(),
            Type::Double => "double".to_owned(),
        }
    }

    fn column_type(self, backend: DbBackend) -> ColumnType {
        if backend == DbBackend::MySql {
            return ColumnType::custom(self.mysql());
        }
        match self {
            Type::Int(_) => ColumnType::Integer,
            Type::BigInt(_) => ColumnType::BigInteger,
            // The exports' `adult`/`video` flags are booleans; MariaDB's tinyint(1) is its boolean.
            Type::TinyInt(_) => ColumnType::Boolean,
            Type::Varchar(n) => ColumnType::String(StringLen::N(u32::from(n))),
            Type::Text | Type::MediumText | Type::LongText => ColumnType::Text,
            Type::Date => ColumnType::Date,
            Type::DateTime => ColumnType::DateTime,
            Type::Double => ColumnType::Double,
        }
    }
}

/// A column default other than `NULL` (the reference's default for every nullable column).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Default {
    /// `DEFAULT 0` (`false` for PostgreSQL's booleans).
    Zero,
    /// `DEFAULT current_timestamp()`.
    Now,
}

/// A STORED GENERATED column, computed from another column of the row. The 2026-08 dump shows
/// that three columns are generated but not their expressions; these are ours, the same on
/// every backend.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Generated {
    /// `lower(trim(column))`: the name as searched.
    Norm(&'static str),
    /// `lower(trim(column))` without spaces, hyphens and dots: a matching key.
    Key(&'static str),
}

impl Generated {
    /// The expression, with the source column quoted for `backend`.
    pub fn expression(self, backend: DbBackend) -> String {
        let quote = |c: &str| match backend {
            DbBackend::MySql => format!("`{c}`"),
            _ => format!("\"{c}\""),
        };
        match self {
            Generated::Norm(c) => format!("lower(trim({}))", quote(c)),
            Generated::Key(c) => format!(
                "replace(replace(replace(lower(trim({})), ' ', ''), '-', ''), '.', '')",
                quote(c)
            ),
        }
    }
}

#[derive(Debug, Clone, Copy)]
pub struct ColumnDef {
    pub name: &'static str,
    pub ty: Type,
    pub nullable: bool,
    pub auto_increment: bool,
    pub default: Option<Default>,
    /// MariaDB's `ON UPDATE current_timestamp()` (the other backends have no such clause).
    pub on_update_now: bool,
    pub generated: Option<Generated>,
}

/// A nullable column (`DEFAULT NULL`), the reference's default.
pub const fn col(name: &'static str, ty: Type) -> ColumnDef {
    ColumnDef {
        name,
        ty,
        nullable: true,
        auto_increment: false,
        default: None,
        on_update_now: false,
        generated: None,
    }
}

/// A `NOT NULL` column.
pub const fn req(name: &'static str, ty: Type) -> ColumnDef {
    ColumnDef {
        nullable: false,
        ..col(name, ty)
    }
}

/// A `NOT NULL AUTO_INCREMENT` column; always the table's single-column primary key.
pub const fn ai(name: &'static str, ty: Type) -> ColumnDef {
    ColumnDef {
        nullable: false,
        auto_increment: true,
        ..col(name, ty)
    }
}

impl ColumnDef {
    /// The column as sea-query builds it for `backend`; `with_key` keeps AUTO_INCREMENT,
    /// `inline_pk` makes it SQLite's inline `INTEGER PRIMARY KEY`.
    pub fn sea_column(
        &self,
        backend: DbBackend,
        with_key: bool,
        inline_pk: bool,
    ) -> sea_orm_migration::prelude::ColumnDef {
        let mut def = sea_orm_migration::prelude::ColumnDef::new_with_type(
            Alias::new(self.name),
            self.ty.column_type(backend),
        );
        // MariaDB refuses NULL / NOT NULL on a generated column (it is always nullable).
        let mysql_generated = self.generated.is_some() && backend == DbBackend::MySql;
        if self.nullable && !mysql_generated {
            def.null();
        } else if !self.nullable {
            def.not_null();
        }
        if self.auto_increment && with_key {
            def.auto_increment();
            if inline_pk {
                def.primary_key();
            }
        }
        self.add_default_and_extra(&mut def, backend);
        def
    }

    /// The column's definition in MariaDB's own words, for `ALTER TABLE … ADD COLUMN` /
    /// `MODIFY COLUMN` (sea-query has no `AFTER`). Only our identifiers and types appear.
    pub fn mysql_definition(&self) -> String {
        let mut out = format!("`{}` {}", self.name, self.ty.mysql());
        if let Some(generated) = self.generated {
            out.push_str(&format!(
                " GENERATED ALWAYS AS ({}) STORED",
                generated.expression(DbBackend::MySql)
            ));
            return out;
        }
        out.push_str(if self.nullable { " NULL" } else { " NOT NULL" });
        match self.default {
            Some(Default::Zero) => out.push_str(" DEFAULT 0"),
            Some(Default::Now) => out.push_str(" DEFAULT current_timestamp()"),
            None => {}
        }
        if self.on_update_now {
            out.push_str(" ON UPDATE current_timestamp()");
        }
        if self.auto_increment {
            out.push_str(" AUTO_INCREMENT");
        }
        out
    }

    /// The column's `DEFAULT`, `ON UPDATE` and `GENERATED` clauses for `backend`.
    fn add_default_and_extra(
        &self,
        def: &mut sea_orm_migration::prelude::ColumnDef,
        backend: DbBackend,
    ) {
        match (self.default, self.ty, backend) {
            (None, _, _) => {}
            (Some(Default::Zero), Type::TinyInt(_), DbBackend::Postgres | DbBackend::Sqlite) => {
                def.default(false);
            }
            (Some(Default::Zero), _, _) => {
                def.default(0);
            }
            (Some(Default::Now), _, _) => {
                def.default(Expr::current_timestamp());
            }
        }
        if self.on_update_now && backend == DbBackend::MySql {
            def.extra("ON UPDATE current_timestamp()");
        }
        if let Some(generated) = self.generated {
            def.extra(format!(
                "GENERATED ALWAYS AS ({}) STORED",
                generated.expression(backend)
            ));
        }
    }

    pub const fn default(self, default: Default) -> ColumnDef {
        ColumnDef {
            default: Some(default),
            ..self
        }
    }

    pub const fn on_update_now(self) -> ColumnDef {
        ColumnDef {
            on_update_now: true,
            ..self
        }
    }

    pub const fn generated(self, generated: Generated) -> ColumnDef {
        ColumnDef {
            generated: Some(generated),
            ..self
        }
    }
}

/// One column of an index, with the MariaDB prefix length (characters) when it has one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IndexPart {
    pub column: &'static str,
    pub prefix: Option<u32>,
}

pub const fn p(column: &'static str) -> IndexPart {
    IndexPart {
        column,
        prefix: None,
    }
}

pub const fn pre(column: &'static str, prefix: u32) -> IndexPart {
    IndexPart {
        column,
        prefix: Some(prefix),
    }
}

/// A secondary index. The 2025-07 reference has only non-unique ones (and no FOREIGN KEY);
/// tables added later may carry UNIQUE keys.
#[derive(Debug, Clone, Copy)]
pub struct IndexDef {
    pub name: &'static str,
    pub parts: &'static [IndexPart],
    pub unique: bool,
}

/// A non-unique index (`KEY`).
pub const fn idx(name: &'static str, parts: &'static [IndexPart]) -> IndexDef {
    IndexDef {
        name,
        parts,
        unique: false,
    }
}

/// A unique index (`UNIQUE KEY`).
pub const fn uniq(name: &'static str, parts: &'static [IndexPart]) -> IndexDef {
    IndexDef {
        name,
        parts,
        unique: true,
    }
}

/// Which of the four setup scripts (`sql/`) holds a table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SqlFile {
    Tmdb,
    ServerVariable,
    Wikidata,
    Wikipedia,
}

impl SqlFile {
    pub const ALL: [SqlFile; 4] = [
        SqlFile::Tmdb,
        SqlFile::ServerVariable,
        SqlFile::Wikidata,
        SqlFile::Wikipedia,
    ];

    pub fn file_name(self) -> &'static str {
        match self {
            SqlFile::Tmdb => "TMDb-tables.sql",
            SqlFile::ServerVariable => "T_WC_SERVER_VARIABLE.sql",
            SqlFile::Wikidata => "Wikidata-tables.sql",
            SqlFile::Wikipedia => "Wikipedia-tables.sql",
        }
    }
}

/// A table's collation on MariaDB/MySQL (the charset is always utf8mb4).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Collation {
    /// The 2025-07 reference's, kept by the 2026-08 ledger and server variables.
    GeneralCi,
    /// Every other table of the 2026-08 schema.
    UnicodeCi,
}

impl Collation {
    pub fn mysql(self) -> &'static str {
        match self {
            Collation::GeneralCi => "utf8mb4_general_ci",
            Collation::UnicodeCi => "utf8mb4_unicode_ci",
        }
    }
}

#[derive(Debug, Clone, Copy)]
pub struct TableDef {
    pub name: &'static str,
    pub file: SqlFile,
    pub collation: Collation,
    /// Empty for the two reference tables without a primary key.
    pub primary_key: &'static [&'static str],
    pub columns: &'static [ColumnDef],
    pub indexes: &'static [IndexDef],
}

/// PostgreSQL limits a btree entry to 2704 bytes; 600 characters of 4-byte UTF-8 fit.
pub const POSTGRES_MAX_PREFIX_CHARS: u32 = 600;

/// The engine and charset every table gets on MariaDB/MySQL. The reference's
/// `T_WC_SERVER_VARIABLE` was MyISAM; we use InnoDB because its writes must be transactional.
pub const MYSQL_ENGINE: &str = "InnoDB";
pub const MYSQL_CHARSET: &str = "utf8mb4";

impl TableDef {
    /// Index names are per table on MariaDB but per schema on PostgreSQL and SQLite, where
    /// the reference's names (`DELETED`, `ID_MOVIE`, ...) repeat across tables.
    /// PostgreSQL keeps 63 bytes of a name: a longer one is cut and given a hash of the whole,
    /// so two long names never meet.
    pub fn index_name(&self, index: &IndexDef, backend: DbBackend) -> String {
        match backend {
            DbBackend::MySql => index.name.to_owned(),
            _ => {
                let name = format!("{}__{}", self.name, index.name);
                if name.len() <= 63 {
                    return name;
                }
                // FNV-1a: stable across builds and platforms, unlike std's hasher.
                let hash = name.bytes().fold(0x811c_9dc5_u32, |h, b| {
                    (h ^ u32::from(b)).wrapping_mul(0x0100_0193)
                });
                format!("{}_{hash:08x}", &name[..54])
            }
        }
    }

    /// `CREATE TABLE`. On MariaDB/MySQL it carries every index, so a table appears whole or not at
    /// all (MariaDB DDL is not transactional); other backends add `index_statements` after it.
    pub fn create_statement(&self, backend: DbBackend) -> TableCreateStatement {
        self.create_statement_as(backend, self.name, true)
    }

    /// `CREATE TABLE` under another name (a staging copy), with or without the secondary
    /// indexes; the primary key is always there.
    pub fn create_statement_as(
        &self,
        backend: DbBackend,
        name: &str,
        with_indexes: bool,
    ) -> TableCreateStatement {
        self.create(backend, name, with_indexes, true)
    }

    /// `CREATE TABLE` of a staging copy without any key or index: rows are appended in the
    /// order they come, whatever it is, and the key is built afterwards in one sorted pass
    /// ([`TableDef::mysql_add_key_and_indexes`], [`TableDef::postgres_add_key`]).
    pub fn staging_statement_without_key(
        &self,
        backend: DbBackend,
        name: &str,
    ) -> TableCreateStatement {
        self.create(backend, name, false, false)
    }

    fn create(
        &self,
        backend: DbBackend,
        name: &str,
        with_indexes: bool,
        with_key: bool,
    ) -> TableCreateStatement {
        let mut table = Table::create();
        table.table(Alias::new(name));
        // SQLite only accepts AUTOINCREMENT on an inline `INTEGER PRIMARY KEY`.
        let inline_pk = backend == DbBackend::Sqlite
            && self.columns.iter().any(|c| c.auto_increment)
            && self.primary_key.len() == 1;
        for column in self.columns {
            let mut def = column.sea_column(backend, with_key, inline_pk);
            table.col(&mut def);
        }
        if with_key && !self.primary_key.is_empty() && !inline_pk {
            let mut pk = Index::create();
            for column in self.primary_key {
                pk.col(Alias::new(*column));
            }
            table.primary_key(&mut pk);
        }
        if backend == DbBackend::MySql {
            if with_indexes {
                for index in self.indexes {
                    let mut stmt = self.index_statement(index, backend, name);
                    table.index(&mut stmt);
                }
            }
            table
                .engine(MYSQL_ENGINE)
                .character_set(MYSQL_CHARSET)
                .collate(self.collation.mysql());
        }
        table.to_owned()
    }

    /// Separate `CREATE INDEX` statements, for PostgreSQL and SQLite.
    pub fn index_statements(&self, backend: DbBackend) -> Vec<IndexCreateStatement> {
        if backend == DbBackend::MySql {
            return Vec::new();
        }
        self.built_indexes(backend)
            .map(|index| self.index_statement(index, backend, self.name))
            .collect()
    }

    /// `CREATE INDEX` for every secondary index, on the table currently named `table` (a
    /// staging copy on MariaDB, where index names are per table), on every backend.
    pub fn index_statements_on(
        &self,
        backend: DbBackend,
        table: &str,
    ) -> Vec<IndexCreateStatement> {
        self.built_indexes(backend)
            .map(|index| self.index_statement(index, backend, table))
            .collect()
    }

    /// The indexes `migrate up` gives a backend. MariaDB/MySQL get every index of the
    /// reference, duplicates included, so a new database has exactly the reference schema.
    /// PostgreSQL and SQLite, which the Python crawler never ran on, get the distinct ones.
    pub fn built_indexes(&self, backend: DbBackend) -> impl Iterator<Item = &IndexDef> {
        let all = backend == DbBackend::MySql;
        self.indexes
            .iter()
            .enumerate()
            .filter_map(move |(i, index)| (all || !self.repeats_earlier(i)).then_some(index))
    }

    /// The indexes except those whose columns repeat an earlier index's (e.g. `popularity_2`
    /// on the person import): such an index serves no query, MariaDB flags it as deprecated
    /// (note 1831), and on the person import it costs seconds on every daily import.
    pub fn distinct_indexes(&self) -> impl Iterator<Item = &IndexDef> {
        self.indexes
            .iter()
            .enumerate()
            .filter_map(move |(i, index)| (!self.repeats_earlier(i)).then_some(index))
    }

    fn repeats_earlier(&self, i: usize) -> bool {
        let index = &self.indexes[i];
        self.indexes[..i]
            .iter()
            .any(|earlier| earlier.parts == index.parts && earlier.unique >= index.unique)
    }

    /// One `ALTER TABLE … ADD INDEX …, ADD INDEX …` for MariaDB/MySQL, of the distinct indexes
    /// (the daily import's staging tables): the table is read once for all its indexes instead
    /// of once per index. `None` when the table has none. The text holds only our own
    /// identifiers.
    pub fn mysql_add_indexes(&self, table: &str) -> Option<String> {
        let clauses = self.mysql_index_clauses();
        if clauses.is_empty() {
            return None;
        }
        Some(format!("ALTER TABLE `{table}` {}", clauses.join(", ")))
    }

    /// One `ALTER TABLE … ADD PRIMARY KEY (…), ADD INDEX …` for a staging copy made by
    /// [`TableDef::staging_statement_without_key`]: MariaDB builds every index, the clustered
    /// key included, by sorting once. A duplicate key fails the statement.
    pub fn mysql_add_key_and_indexes(&self, table: &str) -> String {
        let mut clauses = Vec::new();
        if !self.primary_key.is_empty() {
            let key: Vec<String> = self.primary_key.iter().map(|c| format!("`{c}`")).collect();
            clauses.push(format!("ADD PRIMARY KEY ({})", key.join(", ")));
        }
        clauses.extend(self.mysql_index_clauses());
        format!("ALTER TABLE `{table}` {}", clauses.join(", "))
    }

    /// `ALTER TABLE "table" ADD CONSTRAINT "<name>_pkey" PRIMARY KEY (…)` for PostgreSQL, the
    /// key named as `CREATE TABLE` names it on the reference table `self.name`.
    pub fn postgres_add_key(&self, table: &str) -> Option<String> {
        if self.primary_key.is_empty() {
            return None;
        }
        let key: Vec<String> = self
            .primary_key
            .iter()
            .map(|c| format!("\"{c}\""))
            .collect();
        Some(format!(
            "ALTER TABLE \"{table}\" ADD CONSTRAINT \"{}_pkey\" PRIMARY KEY ({})",
            self.name,
            key.join(", ")
        ))
    }

    fn mysql_index_clauses(&self) -> Vec<String> {
        self.distinct_indexes().map(mysql_index_clause).collect()
    }

    /// `CREATE [UNIQUE] INDEX` of one of this table's indexes, on the table itself.
    pub fn create_index_statement(
        &self,
        index: &IndexDef,
        backend: DbBackend,
    ) -> IndexCreateStatement {
        self.index_statement(index, backend, self.name)
    }

    fn index_statement(
        &self,
        index: &IndexDef,
        backend: DbBackend,
        table: &str,
    ) -> IndexCreateStatement {
        let mut stmt = Index::create();
        stmt.name(self.index_name(index, backend))
            .table(Alias::new(table));
        if index.unique {
            stmt.unique();
        }
        for part in index.parts {
            match (part.prefix, backend) {
                (Some(prefix), DbBackend::MySql) => {
                    stmt.col((Alias::new(part.column), prefix));
                }
                (Some(prefix), DbBackend::Postgres) => {
                    stmt.col(
                        Func::cust("left")
                            .arg(Expr::col(Alias::new(part.column)))
                            .arg(std::cmp::min(prefix, POSTGRES_MAX_PREFIX_CHARS)),
                    );
                }
                // SQLite has no prefix indexes and no entry size limit: index the whole value.
                _ => {
                    stmt.col(Alias::new(part.column));
                }
            }
        }
        stmt.to_owned()
    }

    pub fn column(&self, name: &str) -> Option<&ColumnDef> {
        self.columns.iter().find(|c| c.name == name)
    }

    pub fn drop_statement(&self) -> TableDropStatement {
        Table::drop()
            .table(Alias::new(self.name))
            .if_exists()
            .to_owned()
    }
}

/// `ADD [UNIQUE] INDEX `name` (`col`, `col`(prefix))` for MariaDB's `ALTER TABLE`.
pub fn mysql_index_clause(index: &IndexDef) -> String {
    let parts: Vec<String> = index
        .parts
        .iter()
        .map(|part| match part.prefix {
            Some(prefix) => format!("`{}`({prefix})", part.column),
            None => format!("`{}`", part.column),
        })
        .collect();
    format!(
        "ADD {}INDEX `{}` ({})",
        if index.unique { "UNIQUE " } else { "" },
        index.name,
        parts.join(", ")
    )
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use super::*;
    use crate::reference_2025_07::TABLES;

    #[test]
    fn the_reference_has_62_tables_919_columns_751_indexes() {
        let columns: usize = TABLES.iter().map(|t| t.columns.len()).sum();
        let indexes: usize = TABLES.iter().map(|t| t.indexes.len()).sum();
        assert_eq!((TABLES.len(), columns, indexes), (62, 919, 751));
    }

    #[test]
    fn the_2026_08_schema_has_92_tables_1390_columns_1124_indexes() {
        let tables = crate::schema_2026_08::TABLES;
        let columns: usize = tables.iter().map(|t| t.columns.len()).sum();
        let indexes: usize = tables.iter().map(|t| t.indexes.len()).sum();
        assert_eq!((tables.len(), columns, indexes), (92, 1390, 1124));
        let dropped: Vec<&str> = crate::dropped_in_2026_08().map(|t| t.name).collect();
        assert_eq!(
            dropped,
            [
                "T_WC_TMDB_MOVIE_LANG_META",
                "T_WC_WIKIDATA_ITEM",
                "T_WC_WIKIDATA_ITEM_PROPERTY",
                "T_WC_WIKIDATA_MOVIE",
                "T_WC_WIKIDATA_PERSON",
                "T_WC_WIKIDATA_PROPERTY",
                "T_WC_WIKIDATA_SERIE"
            ]
        );
        assert_eq!(crate::tables().count(), 99);
    }

    #[test]
    fn keys_and_indexes_name_existing_columns() {
        for table in crate::tables() {
            let names: HashSet<&str> = table.columns.iter().map(|c| c.name).collect();
            assert_eq!(names.len(), table.columns.len(), "{}", table.name);
            for column in table.primary_key {
                assert!(names.contains(column), "{}.{column}", table.name);
            }
            for index in table.indexes {
                for part in index.parts {
                    assert!(names.contains(part.column), "{}.{}", table.name, index.name);
                }
            }
        }
    }

    #[test]
    fn auto_increment_is_always_the_single_column_primary_key() {
        for table in crate::tables() {
            for column in table.columns.iter().filter(|c| c.auto_increment) {
                assert_eq!(table.primary_key, &[column.name], "{}", table.name);
            }
        }
    }

    #[test]
    fn postgres_and_sqlite_skip_the_seven_repeated_indexes_mariadb_keeps_them() {
        let count = |backend| -> usize {
            TABLES
                .iter()
                .map(|t| t.built_indexes(backend).count())
                .sum()
        };
        assert_eq!(count(DbBackend::MySql), 751);
        assert_eq!(count(DbBackend::Sqlite), 744);
        assert_eq!(count(DbBackend::Postgres), 744);
        let person_import = TABLES
            .iter()
            .find(|t| t.name == "T_WC_TMDB_PERSON_ID_IMPORT")
            .expect("person import");
        let names: Vec<_> = person_import
            .built_indexes(DbBackend::Sqlite)
            .map(|i| i.name)
            .collect();
        assert_eq!(names, ["popularity"]);
    }

    #[test]
    fn mysql_import_indexes_are_added_in_one_statement_without_repeats() {
        let person_import = TABLES
            .iter()
            .find(|t| t.name == "T_WC_TMDB_PERSON_ID_IMPORT")
            .expect("person import");
        assert_eq!(
            person_import.mysql_add_indexes("T_STAGING").as_deref(),
            Some("ALTER TABLE `T_STAGING` ADD INDEX `popularity` (`popularity`)")
        );
        let movie_import = TABLES
            .iter()
            .find(|t| t.name == "T_WC_TMDB_MOVIE_ID_IMPORT")
            .expect("movie import");
        let alter = movie_import
            .mysql_add_indexes("T_STAGING")
            .expect("indexes");
        assert_eq!(
            alter.matches("ADD INDEX").count(),
            movie_import.indexes.len()
        );
    }

    #[test]
    fn index_names_are_unique_per_schema_and_fit_postgres() {
        for backend in [DbBackend::Postgres, DbBackend::Sqlite] {
            let mut seen = HashSet::new();
            for table in crate::tables() {
                for index in table.indexes {
                    let name = table.index_name(index, backend);
                    assert!(name.len() <= 63, "{name}");
                    assert!(seen.insert(name.clone()), "duplicate {name}");
                }
            }
        }
    }

    #[test]
    fn table_names_are_unique_and_the_reference_has_no_unique_key() {
        let mut seen = HashSet::new();
        for table in crate::tables() {
            assert!(seen.insert(table.name), "duplicate table {}", table.name);
        }
        assert!(
            TABLES
                .iter()
                .all(|t| t.indexes.iter().all(|index| !index.unique))
        );
    }

    #[test]
    fn reference_table_finds_the_reference_and_the_additions() {
        for name in ["T_WC_TMDB_MOVIE", "T_WC_TMDB_ID_NOT_FOUND"] {
            let table = crate::reference_table(name).expect(name);
            assert_eq!(table.name, name);
        }
        let ledger = crate::reference_table("T_WC_TMDB_ID_NOT_FOUND").expect("ledger");
        let context = ledger.column("LAST_CONTEXT").expect("LAST_CONTEXT");
        assert_eq!(context.ty, Type::Varchar(100));
        assert!(crate::reference_table("T_WC_TMDB_NOPE").is_none());
    }

    #[test]
    fn the_id_not_found_ledger_has_15_columns_and_a_unique_key() {
        let ledger = &crate::schema_2026_08::T_WC_TMDB_ID_NOT_FOUND;
        assert_eq!(ledger.columns.len(), 15);
        assert_eq!(ledger.primary_key, &["ID_ROW"]);
        let mysql = ledger
            .create_statement(DbBackend::MySql)
            .to_string(MysqlQueryBuilder);
        assert!(
            mysql.contains("`ID_ROW` int(11) NOT NULL AUTO_INCREMENT"),
            "{mysql}"
        );
        assert!(
            mysql.contains("UNIQUE KEY `UK_TMDB_ID_NOT_FOUND` (`ENTITY_TYPE`, `ID_ENTITY`)"),
            "{mysql}"
        );
        assert!(
            mysql.contains("KEY `IDX_TMDB_ID_NOT_FOUND_RETRY` (`ENTITY_TYPE`, `TIM_RETRY_AFTER`)")
                && !mysql.contains("UNIQUE KEY `IDX_TMDB_ID_NOT_FOUND_RETRY`"),
            "{mysql}"
        );
        assert!(mysql.contains("COLLATE=utf8mb4_general_ci"), "{mysql}");
        for (backend, sql) in [
            (
                DbBackend::Postgres,
                ledger
                    .index_statements(DbBackend::Postgres)
                    .iter()
                    .map(|s| s.to_string(PostgresQueryBuilder))
                    .collect::<Vec<_>>(),
            ),
            (
                DbBackend::Sqlite,
                ledger
                    .index_statements(DbBackend::Sqlite)
                    .iter()
                    .map(|s| s.to_string(SqliteQueryBuilder))
                    .collect::<Vec<_>>(),
            ),
        ] {
            assert_eq!(sql.len(), 2, "{backend:?}");
            assert!(
                sql.iter().any(|s| s.starts_with("CREATE UNIQUE INDEX")
                    && s.contains(r#""T_WC_TMDB_ID_NOT_FOUND__UK_TMDB_ID_NOT_FOUND""#)),
                "{sql:?}"
            );
            assert!(
                sql.iter()
                    .any(|s| s.starts_with("CREATE INDEX")
                        && s.contains("IDX_TMDB_ID_NOT_FOUND_RETRY")),
                "{sql:?}"
            );
        }
    }

    #[test]
    fn mysql_renders_reference_types_and_prefixes() {
        let movie = TABLES
            .iter()
            .find(|t| t.name == "T_WC_TMDB_MOVIE")
            .expect("movie table");
        let sql = movie
            .create_statement(DbBackend::MySql)
            .to_string(MysqlQueryBuilder);
        assert!(sql.contains("`ID_MOVIE` int(11) NOT NULL"), "{sql}");
        assert!(
            sql.contains("KEY `FILM_TECHNOLOGY` (`FILM_TECHNOLOGY` (768))"),
            "{sql}"
        );
        assert!(sql.contains("COLLATE=utf8mb4_general_ci"), "{sql}");
        assert!(sql.contains("ENGINE=InnoDB"), "{sql}");
    }

    #[test]
    fn postgres_caps_prefix_indexes_and_sqlite_inlines_autoincrement() {
        let movie = TABLES
            .iter()
            .find(|t| t.name == "T_WC_TMDB_MOVIE")
            .expect("movie table");
        let pg: Vec<String> = movie
            .index_statements(DbBackend::Postgres)
            .iter()
            .map(|s| s.to_string(PostgresQueryBuilder))
            .collect();
        assert!(
            pg.iter()
                .any(|s| s.contains(r#"left("FILM_TECHNOLOGY", 600)"#)),
            "{pg:?}"
        );
        let image = TABLES
            .iter()
            .find(|t| t.name == "T_WC_TMDB_MOVIE_IMAGE")
            .expect("image table");
        let sqlite = image
            .create_statement(DbBackend::Sqlite)
            .to_string(SqliteQueryBuilder);
        assert!(
            sqlite.contains(r#""ID_ROW" integer NOT NULL PRIMARY KEY AUTOINCREMENT"#),
            "{sqlite}"
        );
    }
}
