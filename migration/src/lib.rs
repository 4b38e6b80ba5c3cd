//! The `T_WC_*` schema as a sea-orm-migration `Migrator`.
//!
//! The first migration builds (or adopts) the Python crawler's 2025-07 reference schema;
//! later schema changes are further migrations appended to `Migrator::migrations`, with the
//! tables they add declared in `additions_2026_08`.

pub use sea_orm_migration::prelude::*;

pub mod additions_2026_08;
pub mod database_lock;
mod m20250701_000001_create_reference_schema;
mod m20260801_000001_create_id_not_found;
pub mod reference_2025_07;
pub mod schema;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20250701_000001_create_reference_schema::Migration),
            Box::new(m20260801_000001_create_id_not_found::Migration),
        ]
    }
}

/// Every table the Migrator builds: the 2025-07 reference, then the later additions.
pub fn tables() -> impl Iterator<Item = &'static schema::TableDef> {
    reference_2025_07::TABLES
        .iter()
        .chain(additions_2026_08::TABLES.iter())
}

/// The table definition of `name`, in the reference schema or among the tables later
/// migrations add (e.g. `T_WC_TMDB_ID_NOT_FOUND`).
pub fn reference_table(name: &str) -> Option<&'static schema::TableDef> {
    tables().find(|t| t.name == name)
}
