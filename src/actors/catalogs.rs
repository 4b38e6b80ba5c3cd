//! ProviderCatalogs: process 19, the movie and TV watch-provider catalogues (spec S6).
//!
//! Once per run: `GET /3/watch/providers/movie?language=en-US`, then `/tv`, through the shared
//! [`TmdbClient`] (rate limiter, timeouts, 429 pauses, retries): two requests. Each body is
//! judged whole ([`provider_catalog::judge`]); a valid one goes to the DbWriter, which replaces
//! that catalogue in one transaction. A rejected or failed catalogue keeps the stored one,
//! is logged and reported, and does not stop the other. The catalogues are written one after
//! the other, never at once: each write rebuilds the identities from both.

use std::time::Instant;

use actix::prelude::*;

use crate::actors::fetch::FailureCause;
use crate::actors::writer::{DbWriter, WriteProviderCatalog};
use crate::records::provider_catalog::{self, CatalogType};
use crate::shutdown::StopSignal;
use crate::store::provider_catalogs::CatalogWriteSummary;
use crate::store::retry::Transient;
use crate::tmdb::client::{Fetched, TmdbClient, TmdbRequest};
use crate::tmdb::payload::WatchProviderCatalog;
use crate::watchdog::Heartbeat;

/// The language process 19 asks the catalogues in, as the Python crawler did.
const LANGUAGE: &str = "en-US";

pub struct ProviderCatalogs {
    client: TmdbClient,
    writer: Addr<DbWriter>,
}

impl ProviderCatalogs {
    pub fn new(client: TmdbClient, writer: Addr<DbWriter>) -> Self {
        ProviderCatalogs { client, writer }
    }
}

impl Actor for ProviderCatalogs {
    type Context = Context<Self>;
}

/// Fetch and replace both catalogues.
#[derive(Message)]
#[rtype(result = "Result<CatalogsReport, CatalogsError>")]
pub struct RefreshCatalogs {
    pub stop: StopSignal,
    /// Beaten after each catalogue.
    pub heartbeat: Heartbeat,
}

/// What became of one catalogue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CatalogResult {
    Replaced(CatalogWriteSummary),
    /// The body failed validation: the stored catalogue is kept.
    Rejected(String),
    /// TMDb or the database failed: the stored catalogue is kept.
    Failed(String),
    /// The run was asked to stop first.
    NotStarted,
}

/// Process 19's report: one result per catalogue, in fetch order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CatalogsReport {
    pub catalogs: Vec<(CatalogType, CatalogResult)>,
    pub seconds: u64,
}

impl CatalogsReport {
    /// Catalogues rejected or failed (a stop is not a failure).
    pub fn failed(&self) -> usize {
        self.catalogs
            .iter()
            .filter(|(_, r)| matches!(r, CatalogResult::Rejected(_) | CatalogResult::Failed(_)))
            .count()
    }
}

/// A failure that must stop the whole run (refused credentials, the database gone).
#[derive(Debug, Clone, thiserror::Error)]
#[error("{catalog} provider catalogue: {reason}")]
pub struct CatalogsError {
    pub catalog: CatalogType,
    pub reason: String,
    pub cause: FailureCause,
}

impl Handler<RefreshCatalogs> for ProviderCatalogs {
    type Result = ResponseFuture<Result<CatalogsReport, CatalogsError>>;

    fn handle(&mut self, msg: RefreshCatalogs, _ctx: &mut Self::Context) -> Self::Result {
        let client = self.client.clone();
        let writer = self.writer.clone();
        Box::pin(async move {
            let started = Instant::now();
            let mut report = CatalogsReport::default();
            for catalog in CatalogType::ALL {
                let result = if msg.stop.stopped() {
                    CatalogResult::NotStarted
                } else {
                    refresh(&client, &writer, catalog).await?
                };
                msg.heartbeat.beat();
                report.catalogs.push((catalog, result));
            }
            report.seconds = started.elapsed().as_secs();
            Ok(report)
        })
    }
}

/// One catalogue: one request, the judgement, the write.
async fn refresh(
    client: &TmdbClient,
    writer: &Addr<DbWriter>,
    catalog: CatalogType,
) -> Result<CatalogResult, CatalogsError> {
    let fatal = |reason: String, cause| CatalogsError {
        catalog,
        reason,
        cause,
    };
    let request = TmdbRequest::new(catalog.api_path()).query("language", LANGUAGE);
    let body = match client.get::<WatchProviderCatalog>(&request).await {
        Ok(Fetched::Found(body)) => body,
        Ok(Fetched::NotFound) => {
            return Ok(kept(catalog, "TMDb answered 404 (status 34)".to_owned()));
        }
        Err(e) if e.is_fatal() => return Err(fatal(e.to_string(), FailureCause::of_tmdb(&e))),
        Err(e) => return Ok(kept(catalog, e.to_string())),
    };
    let snapshot = match provider_catalog::judge(catalog, &body.0) {
        Ok(snapshot) => snapshot,
        Err(problem) => {
            tracing::warn!(%catalog, %problem, "provider catalogue rejected: the stored one is kept");
            return Ok(CatalogResult::Rejected(problem.to_string()));
        }
    };
    match writer.send(WriteProviderCatalog(snapshot)).await {
        Err(_) => Err(fatal(
            "the database writer stopped".to_owned(),
            FailureCause::CrawlerStopped,
        )),
        // The writer already waited out its retry budget.
        Ok(Err(e)) if e.is_transient() => {
            Err(fatal(e.to_string(), FailureCause::DatabaseUnavailable))
        }
        Ok(Err(e)) => Ok(kept(catalog, e.to_string())),
        Ok(Ok(summary)) => {
            tracing::info!(
                %catalog,
                providers = summary.providers,
                regions = summary.regions,
                inserted = summary.inserted,
                updated = summary.updated,
                deleted = summary.deleted,
                unchanged = summary.unchanged,
                identities_retired = summary.identities_retired,
                "provider catalogue replaced"
            );
            Ok(CatalogResult::Replaced(summary))
        }
    }
}

/// A catalogue that could not be fetched or written: logged, the stored one kept.
fn kept(catalog: CatalogType, reason: String) -> CatalogResult {
    tracing::warn!(%catalog, %reason, "provider catalogue not replaced: the stored one is kept");
    CatalogResult::Failed(reason)
}
