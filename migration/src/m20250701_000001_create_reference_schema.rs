//! The Python crawler's 2025-07 reference schema (62 tables), adopted where it exists.
//!
//! This migration used to create the 62 tables. Since the 2026-08 migration builds every current
//! table itself (and brings 2025-07 tables up to date), `up` creates nothing: a new database
//! never gets the 7 tables 2026-08 dropped nor the columns it dropped, and an existing one is left
//! exactly as it is (no ALTER, no row touched). `down` drops the 2025-07 tables that exist.

use sea_orm_migration::prelude::*;

use crate::reference_2025_07::TABLES;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let mut adopted = 0usize;
        for table in TABLES {
            if manager.has_table(table.name).await? {
                adopted += 1;
            }
        }
        tracing::info!(adopted, "2025-07 reference tables in place");
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in TABLES.iter().rev() {
            manager.drop_table(table.drop_statement()).await?;
        }
        Ok(())
    }
}
