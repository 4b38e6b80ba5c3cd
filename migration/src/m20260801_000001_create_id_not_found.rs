//! Creates the not-found ledger `T_WC_TMDB_ID_NOT_FOUND` (2026-08 schema), or adopts it.
//!
//! The later Python crawler creates this table itself at startup, so a database it has run on
//! already holds it, with rows: an existing table is left exactly as it is (no ALTER, no row
//! touched) and the migration is only recorded as applied.

use sea_orm_migration::prelude::*;

use crate::schema_2026_08::T_WC_TMDB_ID_NOT_FOUND as TABLE;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        if manager.has_table(TABLE.name).await? {
            tracing::info!(table = TABLE.name, "not-found ledger adopted");
            return Ok(());
        }
        let backend = manager.get_database_backend();
        manager
            .create_table(TABLE.create_statement(backend))
            .await?;
        for index in TABLE.index_statements(backend) {
            manager.create_index(index).await?;
        }
        tracing::info!(table = TABLE.name, "not-found ledger created");
        Ok(())
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager.drop_table(TABLE.drop_statement()).await
    }
}
