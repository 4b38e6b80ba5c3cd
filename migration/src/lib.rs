//! The `T_WC_*` schema as a sea-orm-migration `Migrator`.
//!
//! The first migration builds (or adopts) the Python crawler's 2025-07 reference schema;
//! later schema changes are further migrations appended to `Migrator::migrations`.

pub use sea_orm_migration::prelude::*;

mod m20250701_000001_create_reference_schema;
pub mod reference_2025_07;
pub mod schema;

pub struct Migrator;

#[async_trait::async_trait]
impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![Box::new(
            m20250701_000001_create_reference_schema::Migration,
        )]
    }
}

/// The table definition of `name` in the reference schema.
pub fn reference_table(name: &str) -> Option<&'static schema::TableDef> {
    reference_2025_07::TABLES.iter().find(|t| t.name == name)
}
