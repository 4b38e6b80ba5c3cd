//! One fetcher actor per entity kind, all of them the generic [`Fetcher`]: each turns
//! `Fetch { id }` into ONE TMDb request with every sub-resource the tables need appended (lists
//! page through their items), maps the payload to rows (`crate::records`) and hands them to
//! the DbWriter as one `WriteEntity`, answering `Stored | NotFound | Failed`. What differs
//! between kinds (path, query, appends, payload type, mapping) is a [`FetchKind`], one per
//! file. Requests go through the shared client, hence the global RateLimiter.

pub mod backfill;
pub mod collection;
pub mod company;
pub mod list;
pub mod movie;
pub mod network;
pub mod person;
pub mod tv;

use std::future::Future;
use std::marker::PhantomData;
use std::rc::Rc;

use actix::prelude::*;
use serde::de::DeserializeOwned;
use tracing::Instrument;

use crate::actors::writer::{DbWriter, RecordNotFound, WriteEntity};
use crate::records::{EntityKind, EntityRecord, MappingOptions, RawJson};
use crate::store::entities::{EntityWriteError, WriteSummary};
use crate::store::retry::Transient;
use crate::tmdb::client::{Fetched, TmdbClient, TmdbError, TmdbRequest};
use crate::tmdb::payload::Images;

pub use backfill::{
    BackfillKind, Backfiller, MovieReleaseDates, MovieWatchProviders, SeriesWatchProviders,
};
pub use collection::{CollectionFetcher, Collections};
pub use company::{Companies, CompanyFetcher};
pub use list::{ListFetcher, Lists};
pub use movie::{MovieFetcher, Movies};
pub use network::{NetworkFetcher, Networks};
pub use person::{PersonFetcher, Persons};
pub use tv::{Series, TvFetcher};

/// What the generic [`Fetcher`] needs to know about one kind of entity.
pub trait FetchKind: Sized + 'static {
    const KIND: EntityKind;
    /// The body TMDb answers with.
    type Payload: DeserializeOwned;
    /// Sub-resources appended to the entity's one request (`append_to_response`).
    const APPENDS: &'static [&'static str];

    /// `/3/...` path of entity `id`.
    fn path(id: u64) -> String;

    /// Query parameters beside `append_to_response`.
    fn query(_options: &MappingOptions) -> Vec<(&'static str, String)> {
        Vec::new()
    }

    /// The rows of entity `id`.
    fn map(id: u64, payload: &Self::Payload, options: &MappingOptions) -> EntityRecord;

    /// The images slot of a payload whose `images` TMDb may leave out although appended
    /// (companies, networks): when empty, it is filled from `{path}/images`.
    fn images_asked_apart(_payload: &mut Self::Payload) -> Option<&mut Option<Images>> {
        None
    }

    /// The whole fetch of one entity: one GET, the mapping and one write, unless a kind needs
    /// more (lists page through their items).
    fn fetch(
        ctx: Rc<FetchContext>,
        id: u64,
        context: String,
    ) -> impl Future<Output = FetchOutcome> {
        fetch_one::<Self>(ctx, id, context)
    }
}

/// The fetcher actor of kind `K`.
pub struct Fetcher<K> {
    ctx: Rc<FetchContext>,
    kind: PhantomData<fn() -> K>,
}

impl<K: FetchKind> Fetcher<K> {
    pub fn new(ctx: Rc<FetchContext>) -> Self {
        Fetcher {
            ctx,
            kind: PhantomData,
        }
    }
}

impl<K: FetchKind> Actor for Fetcher<K> {
    type Context = Context<Self>;
}

impl<K: FetchKind> Handler<Fetch> for Fetcher<K> {
    type Result = ResponseFuture<FetchOutcome>;

    fn handle(&mut self, msg: Fetch, _ctx: &mut Self::Context) -> Self::Result {
        let span = tracing::info_span!("fetch", kind = %K::KIND, id = msg.id);
        Box::pin(K::fetch(self.ctx.clone(), msg.id, msg.context).instrument(span))
    }
}

/// Fetch one entity and store it.
#[derive(Message, Debug, Clone)]
#[rtype(result = "FetchOutcome")]
pub struct Fetch {
    pub id: u64,
    /// What asked for it (`process 2`, `changes 51`...), kept in the not-found ledger.
    pub context: String,
}

/// How one entity ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FetchOutcome {
    Stored(StoredEntity),
    /// TMDb status 34: recorded in the not-found ledger.
    NotFound,
    Failed(FetchFailure),
}

/// A stored entity: what the write changed, and the requests it took beyond the one.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct StoredEntity {
    pub summary: WriteSummary,
    /// Sub-resources fetched on their own because TMDb ignored their append (company and
    /// network images).
    pub extra_requests: u32,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FetchFailure {
    pub reason: String,
    pub cause: FailureCause,
}

/// Why an entity failed: whether the run goes on, and how it ends if not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailureCause {
    /// This entity alone (a bad answer, retries spent, a refused statement): the run goes on.
    Entity,
    /// TMDb refused the credentials: the run stops (a configuration error).
    Credentials,
    /// The database stayed unreachable beyond the retry budget: the run stops.
    DatabaseUnavailable,
    /// A part of the crawler stopped (the rate limiter, the writer): the run stops.
    CrawlerStopped,
}

impl FailureCause {
    pub fn stops_the_run(self) -> bool {
        self != FailureCause::Entity
    }

    pub fn of_tmdb(err: &TmdbError) -> FailureCause {
        match err {
            TmdbError::InvalidCredentials { .. } => FailureCause::Credentials,
            TmdbError::LimiterGone => FailureCause::CrawlerStopped,
            _ => FailureCause::Entity,
        }
    }
}

impl FetchOutcome {
    fn failed(reason: impl Into<String>, cause: FailureCause) -> Self {
        FetchOutcome::Failed(FetchFailure {
            reason: reason.into(),
            cause,
        })
    }
}

/// What every fetcher needs: the client, the writer and the mapping options.
#[derive(Clone)]
pub struct FetchContext {
    pub client: TmdbClient,
    pub writer: Addr<DbWriter>,
    pub languages: Vec<String>,
    /// Fill `API_URL`, `API_RESULT`, `CRAWLER_VERSION` (legacy schema only).
    pub raw_json: bool,
}

impl FetchContext {
    pub fn new(client: TmdbClient, writer: Addr<DbWriter>, languages: Vec<String>) -> Self {
        FetchContext {
            client,
            writer,
            languages,
            raw_json: false,
        }
    }

    pub fn with_raw_json(mut self, on: bool) -> Self {
        self.raw_json = on;
        self
    }

    fn options(&self) -> MappingOptions {
        MappingOptions {
            languages: self.languages.clone(),
            raw_json: None,
        }
    }
}

/// The relative path and query the Python crawler stored in `API_URL` (no key, no domain).
fn api_url(path: &str, query: &[(&str, String)]) -> String {
    let mut url = path.trim_start_matches('/').to_owned();
    for (i, (k, v)) in query.iter().enumerate() {
        url.push(if i == 0 { '?' } else { '&' });
        url.push_str(k);
        url.push('=');
        url.push_str(v);
    }
    url
}

/// GETs `path` with `query` (and `append_to_response` when `appends` is non-empty) and
/// parses the body as `T`; also returns the mapping options, carrying the raw body when the
/// raw-JSON columns are configured.
async fn get<T: DeserializeOwned>(
    ctx: &FetchContext,
    path: String,
    query: Vec<(&str, String)>,
    appends: &[&str],
) -> Result<Fetched<(T, MappingOptions)>, TmdbError> {
    let mut full_query = query.clone();
    if !appends.is_empty() {
        full_query.insert(0, ("append_to_response", appends.join(",")));
    }
    let mut request = TmdbRequest::new(path.clone());
    for (k, v) in &query {
        request = request.query(*k, v.clone());
    }
    if !appends.is_empty() {
        request = request.append(appends.iter().copied())?;
    }
    let mut options = ctx.options();
    if !ctx.raw_json {
        return Ok(match ctx.client.get::<T>(&request).await? {
            Fetched::Found(t) => Fetched::Found((t, options)),
            Fetched::NotFound => Fetched::NotFound,
        });
    }
    match ctx.client.get::<serde_json::Value>(&request).await? {
        Fetched::NotFound => Ok(Fetched::NotFound),
        Fetched::Found(value) => {
            let body = value.to_string();
            let parsed =
                serde_json::from_value::<T>(value).map_err(|e| TmdbError::UnexpectedShape {
                    path: path.clone(),
                    reason: e.to_string(),
                })?;
            options.raw_json = Some(RawJson {
                url: api_url(&path, &full_query),
                body,
            });
            Ok(Fetched::Found((parsed, options)))
        }
    }
}

/// The outcome of a fetch error, logged with the id.
fn fetch_failed(kind: EntityKind, id: u64, err: &TmdbError) -> FetchOutcome {
    tracing::warn!(%kind, id, error = %err, "fetch failed");
    FetchOutcome::failed(err.to_string(), FailureCause::of_tmdb(err))
}

/// Status 34: the ledger remembers it so selections skip the id until its retry time.
async fn not_found(ctx: &FetchContext, kind: EntityKind, id: u64, context: String) -> FetchOutcome {
    tracing::info!(%kind, id, "not found on TMDb (34)");
    let id = crate::records::id32(id);
    match ctx.writer.send(RecordNotFound { kind, id, context }).await {
        Ok(Ok(_)) => FetchOutcome::NotFound,
        Ok(Err(e)) => write_failed(kind, id, &e),
        Err(e) => FetchOutcome::failed(
            format!("database writer unavailable: {e}"),
            FailureCause::CrawlerStopped,
        ),
    }
}

fn write_failed(kind: EntityKind, id: i32, err: &EntityWriteError) -> FetchOutcome {
    tracing::warn!(%kind, id, error = %err, "write failed, entity rolled back");
    // The database stayed unreachable for the whole retry budget: the run stops rather than
    // failing every following entity after the same wait.
    let cause = if err.is_transient() {
        FailureCause::DatabaseUnavailable
    } else {
        FailureCause::Entity
    };
    FetchOutcome::failed(err.to_string(), cause)
}

/// The writer's answer to a `WriteEntity` of an entity that took `extra_requests` requests
/// beyond its one.
fn stored(
    kind: EntityKind,
    id: u64,
    answer: Result<Result<WriteSummary, EntityWriteError>, MailboxError>,
    extra_requests: u32,
) -> FetchOutcome {
    match answer {
        Ok(Ok(summary)) => {
            if summary.truncated > 0 {
                tracing::warn!(%kind, id, values = summary.truncated, "values cut to fit their columns");
            }
            tracing::debug!(%kind, id, inserted = summary.inserted, updated = summary.updated, deleted = summary.deleted, "stored");
            FetchOutcome::Stored(StoredEntity {
                summary,
                extra_requests,
            })
        }
        Ok(Err(e)) => write_failed(kind, crate::records::id32(id), &e),
        Err(e) => FetchOutcome::failed(
            format!("database writer unavailable: {e}"),
            FailureCause::CrawlerStopped,
        ),
    }
}

/// One GET, the images asked apart when TMDb left them out, the mapping, one write.
async fn fetch_one<K: FetchKind>(ctx: Rc<FetchContext>, id: u64, context: String) -> FetchOutcome {
    let path = K::path(id);
    let query = K::query(&ctx.options());
    let found =
        fetch_entity::<K::Payload>(&ctx, K::KIND, id, context, path.clone(), query, K::APPENDS);
    let (mut payload, options) = match found.await {
        Ok(found) => found,
        Err(outcome) => return outcome,
    };
    let mut extra_requests = 0;
    if let Some(images) = K::images_asked_apart(&mut payload) {
        extra_requests = match images_if_ignored(&ctx, K::KIND, id, &path, images).await {
            Ok(extra) => extra,
            Err(outcome) => return outcome,
        };
    }
    let record = K::map(id, &payload, &options);
    write_entity(&ctx, K::KIND, id, record, extra_requests).await
}

/// GETs one entity; the outcome instead when it is gone (recorded) or failed.
async fn fetch_entity<T: DeserializeOwned>(
    ctx: &FetchContext,
    kind: EntityKind,
    id: u64,
    context: String,
    path: String,
    query: Vec<(&str, String)>,
    appends: &[&str],
) -> Result<(T, MappingOptions), FetchOutcome> {
    match get::<T>(ctx, path, query, appends).await {
        Ok(Fetched::Found(found)) => Ok(found),
        Ok(Fetched::NotFound) => Err(not_found(ctx, kind, id, context).await),
        Err(e) => Err(fetch_failed(kind, id, &e)),
    }
}

/// Hands a mapped entity to the writer.
async fn write_entity(
    ctx: &FetchContext,
    kind: EntityKind,
    id: u64,
    record: EntityRecord,
    extra_requests: u32,
) -> FetchOutcome {
    stored(
        kind,
        id,
        ctx.writer.send(WriteEntity(record)).await,
        extra_requests,
    )
}

/// Company and network images: TMDb documents `append_to_response` for movies, series,
/// seasons, episodes and persons only. When the answer has no `images` key, they are fetched
/// from `{path}/images` in a second request. The number of extra requests (0 or 1).
async fn images_if_ignored(
    ctx: &FetchContext,
    kind: EntityKind,
    id: u64,
    path: &str,
    images: &mut Option<Images>,
) -> Result<u32, FetchOutcome> {
    if images.is_some() {
        return Ok(0);
    }
    match get::<Images>(ctx, format!("{path}/images"), Vec::new(), &[]).await {
        Ok(Fetched::Found((found, _))) => *images = Some(found),
        // The entity answered a moment ago: its stored images are left as they are.
        Ok(Fetched::NotFound) => {}
        Err(e) => return Err(fetch_failed(kind, id, &e)),
    }
    Ok(1)
}
