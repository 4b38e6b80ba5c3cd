//! DbWriter: every database write of the crawler goes through this actor.
//!
//! Messages are handled concurrently on the connection pool; each one is its own unit of work
//! (one statement, one transaction), so ordering between messages is the sender's business:
//! the export pipeline awaits each `ImportBatch` before sending the next, which is also its
//! backpressure.
//!
//! Entity writes, not-found records, deletions and server variables ride out database outages:
//! a transient error (connection lost or refused, pool timed out) runs the whole unit again
//! after a backoff, within the [`RetryPolicy`] budget (120 s by default); a statement the
//! database refuses fails at once, for that entity only. Export imports are not retried: a
//! failed import keeps the previous one and the run reports it.

use actix::prelude::*;
use chrono_tz::Tz;
use sea_orm::{DatabaseConnection, DbErr};

use std::rc::Rc;

use crate::records::provider_catalog::CatalogSnapshot;
use crate::records::{EntityKind, EntityRecord};
use crate::store::entities::{self, EntityWriteError, WriteSummary};
use crate::store::imports::{self, ExportKind, ImportError, ImportRow, LoadOrder};
use crate::store::keywords::{self, KeywordNames};
use crate::store::provider_catalogs::{self, CatalogWriteError, CatalogWriteSummary};
use crate::store::retry::{self, RetryPolicy};
use crate::store::schema::LiveSchema;
use crate::store::server_vars;

pub struct DbWriter {
    db: DatabaseConnection,
    timezone: Tz,
    /// The live schema's columns, read once: entity writes skip columns the database lacks.
    schema: Rc<LiveSchema>,
    /// How long writes wait for an unavailable database.
    retry: RetryPolicy,
}

impl DbWriter {
    /// A writer for export imports and server variables only (no entity writes).
    pub fn new(db: DatabaseConnection, timezone: Tz) -> Self {
        DbWriter {
            db,
            timezone,
            schema: Rc::new(LiveSchema::default()),
            retry: RetryPolicy::configured(),
        }
    }

    /// A writer for everything, reading the live schema first.
    pub async fn connect(db: DatabaseConnection, timezone: Tz) -> Result<Self, DbErr> {
        let schema = LiveSchema::load(&db).await?;
        Ok(DbWriter {
            db,
            timezone,
            schema: Rc::new(schema),
            retry: RetryPolicy::configured(),
        })
    }

    /// Replaces the retry policy (default: [`RetryPolicy::configured`]).
    pub fn with_retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
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
    pub order: LoadOrder,
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
    pub order: LoadOrder,
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
        Box::pin(async move { imports::begin(&db, msg.kind, msg.order).await })
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
        Box::pin(async move { imports::commit(&db, msg.kind, msg.order).await })
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
        let policy = self.retry;
        Box::pin(async move {
            let (db, vars) = (&db, &msg.0);
            retry::retry(policy, "set server variables", || async move {
                for (name, value, description) in vars {
                    server_vars::set(db, tz, name, value, description).await?;
                }
                Ok(())
            })
            .await
        })
    }
}

/// Process 12: the keyword export's names into `T_WC_TMDB_KEYWORD`, in one transaction.
#[derive(Message)]
#[rtype(result = "Result<KeywordNames, DbErr>")]
pub struct StoreKeywordNames;

impl Handler<StoreKeywordNames> for DbWriter {
    type Result = ResponseFuture<Result<KeywordNames, DbErr>>;

    fn handle(&mut self, _msg: StoreKeywordNames, _ctx: &mut Self::Context) -> Self::Result {
        let db = self.db.clone();
        let now = server_vars::local_now(self.timezone);
        let policy = self.retry;
        Box::pin(async move {
            let db = &db;
            retry::retry(policy, "store keyword names", || {
                keywords::store_export_names(db, now)
            })
            .await
        })
    }
}

/// One entity with every row that belongs to it (credits, links, images, language rows...),
/// written as one transaction: replaced whole, or left as it was.
#[derive(Message, Debug, Clone, PartialEq)]
#[rtype(result = "Result<WriteSummary, EntityWriteError>")]
pub struct WriteEntity(pub EntityRecord);

impl Handler<WriteEntity> for DbWriter {
    type Result = ResponseFuture<Result<WriteSummary, EntityWriteError>>;

    fn handle(&mut self, msg: WriteEntity, _ctx: &mut Self::Context) -> Self::Result {
        let db = self.db.clone();
        let schema = self.schema.clone();
        let now = server_vars::local_now(self.timezone);
        let policy = self.retry;
        Box::pin(async move {
            let (db, schema, record) = (&db, &*schema, &msg.0);
            // The whole transaction again: a failed one was rolled back.
            retry::retry(policy, "write entity", || {
                entities::write(db, schema, record, now)
            })
            .await
        })
    }
}

/// TMDb answered 34 for this id: record it in the not-found ledger (attempt count returned).
#[derive(Message)]
#[rtype(result = "Result<i64, EntityWriteError>")]
pub struct RecordNotFound {
    pub kind: EntityKind,
    pub id: i32,
    /// What was being done (`process 2`, `changes`...), kept in `LAST_CONTEXT`.
    pub context: String,
}

impl Handler<RecordNotFound> for DbWriter {
    type Result = ResponseFuture<Result<i64, EntityWriteError>>;

    fn handle(&mut self, msg: RecordNotFound, _ctx: &mut Self::Context) -> Self::Result {
        let db = self.db.clone();
        let schema = self.schema.clone();
        let now = server_vars::local_now(self.timezone);
        let policy = self.retry;
        Box::pin(async move {
            let (db, schema, context) = (&db, &*schema, msg.context.as_str());
            retry::retry(policy, "record not found", || {
                entities::record_not_found(db, schema, msg.kind, msg.id, context, now)
            })
            .await
        })
    }
}

/// Removes an entity and every row of the crawler's tables that belongs to it (rows deleted
/// returned).
#[derive(Message)]
#[rtype(result = "Result<u64, EntityWriteError>")]
pub struct DeleteEntity {
    pub kind: EntityKind,
    pub id: i32,
}

impl Handler<DeleteEntity> for DbWriter {
    type Result = ResponseFuture<Result<u64, EntityWriteError>>;

    fn handle(&mut self, msg: DeleteEntity, _ctx: &mut Self::Context) -> Self::Result {
        let db = self.db.clone();
        let schema = self.schema.clone();
        let policy = self.retry;
        Box::pin(async move {
            let (db, schema) = (&db, &*schema);
            retry::retry(policy, "delete entity", || {
                entities::delete_entity(db, schema, msg.kind, msg.id)
            })
            .await
        })
    }
}

/// A validated provider catalogue replaces the stored one (process 19), in one transaction
/// with the identities, the catalogue state and its server variable.
#[derive(Message, Debug, Clone, PartialEq)]
#[rtype(result = "Result<CatalogWriteSummary, CatalogWriteError>")]
pub struct WriteProviderCatalog(pub CatalogSnapshot);

impl Handler<WriteProviderCatalog> for DbWriter {
    type Result = ResponseFuture<Result<CatalogWriteSummary, CatalogWriteError>>;

    fn handle(&mut self, msg: WriteProviderCatalog, _ctx: &mut Self::Context) -> Self::Result {
        let db = self.db.clone();
        let schema = self.schema.clone();
        let tz = self.timezone;
        let now = server_vars::local_now(tz);
        let policy = self.retry;
        Box::pin(async move {
            let (db, schema, snapshot) = (&db, &*schema, &msg.0);
            // The whole transaction again: a failed one was rolled back.
            retry::retry(policy, "write provider catalogue", || {
                provider_catalogs::replace(db, schema, tz, snapshot, now)
            })
            .await
        })
    }
}
