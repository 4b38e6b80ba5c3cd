//! DbWriter: every database write of the crawler goes through this actor.
//!
//! Messages are handled concurrently on the connection pool; each one is its own unit of work
//! (one statement, one transaction), so ordering between messages is the sender's business:
//! the export pipeline awaits each `ImportBatch` before sending the next, which is also its
//! backpressure.

use actix::prelude::*;
use chrono_tz::Tz;
use sea_orm::{DatabaseConnection, DbErr};

use crate::store::imports::{self, ExportKind, ImportError, ImportRow};
use crate::store::server_vars;

pub struct DbWriter {
    db: DatabaseConnection,
    timezone: Tz,
}

impl DbWriter {
    pub fn new(db: DatabaseConnection, timezone: Tz) -> Self {
        DbWriter { db, timezone }
    }
}

impl Actor for DbWriter {
    type Context = Context<Self>;
}

/// Creates an empty staging table for `kind` (dropping a leftover one).
#[derive(Message)]
#[rtype(result = "Result<(), ImportError>")]
pub struct BeginImport {
    pub kind: ExportKind,
}

/// Rows of one export into the staging table.
#[derive(Message)]
#[rtype(result = "Result<(), ImportError>")]
pub struct ImportBatch {
    pub kind: ExportKind,
    pub rows: Vec<ImportRow>,
}

/// The whole file was read and validated: the staging table replaces the import table.
#[derive(Message)]
#[rtype(result = "Result<(), ImportError>")]
pub struct FinishImport {
    pub kind: ExportKind,
}

/// The file was not usable: drop the staging table, keep the import table as it is.
#[derive(Message)]
#[rtype(result = "Result<(), ImportError>")]
pub struct AbortImport {
    pub kind: ExportKind,
}

/// Sets server variables (name, value, human-readable description), in the given order.
#[derive(Message)]
#[rtype(result = "Result<(), DbErr>")]
pub struct SetServerVariables(pub Vec<(String, String, String)>);

impl Handler<BeginImport> for DbWriter {
    type Result = ResponseFuture<Result<(), ImportError>>;

    fn handle(&mut self, msg: BeginImport, _ctx: &mut Self::Context) -> Self::Result {
        let db = self.db.clone();
        Box::pin(async move { imports::begin(&db, msg.kind).await })
    }
}

impl Handler<ImportBatch> for DbWriter {
    type Result = ResponseFuture<Result<(), ImportError>>;

    fn handle(&mut self, msg: ImportBatch, _ctx: &mut Self::Context) -> Self::Result {
        let db = self.db.clone();
        Box::pin(async move { imports::insert(&db, msg.kind, &msg.rows).await })
    }
}

impl Handler<FinishImport> for DbWriter {
    type Result = ResponseFuture<Result<(), ImportError>>;

    fn handle(&mut self, msg: FinishImport, _ctx: &mut Self::Context) -> Self::Result {
        let db = self.db.clone();
        Box::pin(async move { imports::commit(&db, msg.kind).await })
    }
}

impl Handler<AbortImport> for DbWriter {
    type Result = ResponseFuture<Result<(), ImportError>>;

    fn handle(&mut self, msg: AbortImport, _ctx: &mut Self::Context) -> Self::Result {
        let db = self.db.clone();
        Box::pin(async move { imports::abort(&db, msg.kind).await })
    }
}

impl Handler<SetServerVariables> for DbWriter {
    type Result = ResponseFuture<Result<(), DbErr>>;

    fn handle(&mut self, msg: SetServerVariables, _ctx: &mut Self::Context) -> Self::Result {
        let db = self.db.clone();
        let tz = self.timezone;
        Box::pin(async move {
            for (name, value, description) in msg.0 {
                server_vars::set(&db, tz, &name, &value, &description).await?;
            }
            Ok(())
        })
    }
}
