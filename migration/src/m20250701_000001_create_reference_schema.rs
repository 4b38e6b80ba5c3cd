//! Creates the 62 tables of the Python crawler's reference schema, or adopts them.
//!
//! Existing databases were built by the Python crawler's SQL scripts and hold production rows:
//! a table that already exists is left exactly as it is (no ALTER, no row touched), so `up`
//! only creates what is missing and then records the migration as applied.

use sea_orm_migration::prelude::*;

use crate::reference_2025_07::TABLES;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let backend = manager.get_database_backend();
        let mut adopted = 0usize;
        for table in TABLES {
            if manager.has_table(table.name).await? {
                adopted += 1;
                continue;
            }
            manager
                .create_table(table.create_statement(backend))
                .await?;
            for index in table.index_statements(backend) {
                manager.create_index(index).await?;
            }
        }
        tracing::info!(
            created = TABLES.len() - adopted,
            adopted,
            "reference schema in place"
        );
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        for table in TABLES.iter().rev() {
            manager.drop_table(table.drop_statement()).await?;
        }
        Ok(())
    }
}
