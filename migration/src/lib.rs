//! The `T_WC_*` schema as a sea-orm-migration `Migrator`.
//!
//! The schema is data: `reference_2025_07` (the Python crawler's July 2025 tables) and
//! `schema_2026_08` (its August 2026 tables, the current ones). `m20260802_000001_schema_2026_08`
//! builds the current schema on a new database and brings an older one up to it; the two earlier
//! migrations stay for the databases that recorded them.

pub use sea_orm_migration::prelude::*;

pub mod database_lock;
mod live_columns;
mod m20250701_000001_create_reference_schema;
mod m20260801_000001_create_id_not_found;
mod m20260802_000001_schema_2026_08;
pub mod reference_2025_07;
pub mod schema;
pub mod schema_2026_08;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20250701_000001_create_reference_schema::Migration),
            Box::new(m20260801_000001_create_id_not_found::Migration),
            Box::new(m20260802_000001_schema_2026_08::Migration),
        ]
    }
}

/// Every table a database of ours may hold: the 2026-08 schema's, then the 2025-07 tables it
/// dropped (left in place where they exist, never created).
pub fn tables() -> impl Iterator<Item = &'static schema::TableDef> {
    schema_2026_08::TABLES.iter().chain(dropped_in_2026_08())
}

/// The 2025-07 tables the 2026-08 schema no longer has (`T_WC_TMDB_MOVIE_LANG_META` and six
/// Wikidata tables).
pub fn dropped_in_2026_08() -> impl Iterator<Item = &'static schema::TableDef> {
    reference_2025_07::TABLES
        .iter()
        .filter(|old| !schema_2026_08::TABLES.iter().any(|t| t.name == old.name))
}

/// The definition of `name`: its 2026-08 form, or its 2025-07 form for a table 2026-08 dropped.
pub fn reference_table(name: &str) -> Option<&'static schema::TableDef> {
    tables().find(|t| t.name == name)
}
