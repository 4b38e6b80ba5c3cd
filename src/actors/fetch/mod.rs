//! One fetcher actor per entity kind. Each turns `Fetch { id }` into ONE TMDb request with
//! every sub-resource the tables need appended (lists page through their items), maps the
//! payload to rows (`crate::records`) and hands them to the DbWriter, answering
//! `Stored | NotFound | Failed`. Requests go through the shared client, hence the global
//! RateLimiter.

pub mod collection;
pub mod company;
pub mod keyword;
pub mod list;
pub mod movie;
pub mod network;
pub mod person;
pub mod tv;

use std::rc::Rc;

use actix::prelude::*;
use serde::de::DeserializeOwned;

use crate::actors::writer::{DbWriter, RecordNotFound};
use crate::records::{EntityKind, MappingOptions, RawJson};
use crate::store::entities::{EntityWriteError, WriteSummary};
use crate::store::retry::Transient;
use crate::tmdb::client::{Fetched, TmdbClient, TmdbError, TmdbRequest};

pub use collection::CollectionFetcher;
pub use company::CompanyFetcher;
pub use keyword::KeywordFetcher;
pub use list::ListFetcher;
pub use movie::MovieFetcher;
pub use network::NetworkFetcher;
pub use person::PersonFetcher;
pub use tv::TvFetcher;

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
    Stored(WriteSummary),
    /// TMDb status 34: recorded in the not-found ledger.
    NotFound,
    Failed(FetchFailure),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FetchFailure {
    pub reason: String,
    /// The run cannot go on (refused credentials, limiter gone).
    pub fatal: bool,
}

impl FetchOutcome {
    fn failed(reason: impl Into<String>, fatal: bool) -> Self {
        FetchOutcome::Failed(FetchFailure {
            reason: reason.into(),
            fatal,
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

/// The outcome of a fetch error: logged with the id, fatal ones flagged.
fn fetch_failed(kind: EntityKind, id: u64, err: &TmdbError) -> FetchOutcome {
    tracing::warn!(%kind, id, error = %err, "fetch failed");
    FetchOutcome::failed(err.to_string(), err.is_fatal())
}

/// Status 34: the ledger remembers it so selections skip the id until its retry time.
async fn not_found(ctx: &FetchContext, kind: EntityKind, id: u64, context: String) -> FetchOutcome {
    tracing::info!(%kind, id, "not found on TMDb (34)");
    let id = crate::records::id32(id);
    match ctx.writer.send(RecordNotFound { kind, id, context }).await {
        Ok(Ok(_)) => FetchOutcome::NotFound,
        Ok(Err(e)) => write_failed(kind, id, &e),
        Err(e) => FetchOutcome::failed(format!("database writer unavailable: {e}"), true),
    }
}

fn write_failed(kind: EntityKind, id: i32, err: &EntityWriteError) -> FetchOutcome {
    tracing::warn!(%kind, id, error = %err, "write failed, entity rolled back");
    // The database stayed unreachable for the whole retry budget: the run stops rather than
    // failing every following entity after the same wait.
    FetchOutcome::failed(err.to_string(), err.is_transient())
}

/// The writer's answer to a write message.
fn stored(
    kind: EntityKind,
    id: u64,
    answer: Result<Result<WriteSummary, EntityWriteError>, MailboxError>,
) -> FetchOutcome {
    match answer {
        Ok(Ok(summary)) => {
            if summary.truncated > 0 {
                tracing::warn!(%kind, id, values = summary.truncated, "values cut to fit their columns");
            }
            tracing::debug!(%kind, id, inserted = summary.inserted, updated = summary.updated, deleted = summary.deleted, "stored");
            FetchOutcome::Stored(summary)
        }
        Ok(Err(e)) => write_failed(kind, crate::records::id32(id), &e),
        Err(e) => FetchOutcome::failed(format!("database writer unavailable: {e}"), true),
    }
}

/// Defines a fetcher actor: the struct, `Actor`, and the `Fetch` handler around `$fetch`.
macro_rules! fetcher_actor {
    ($(#[$doc:meta])* $name:ident, $kind:expr, $fetch:path) => {
        $(#[$doc])*
        pub struct $name {
            ctx: std::rc::Rc<$crate::actors::fetch::FetchContext>,
        }

        impl $name {
            pub fn new(ctx: std::rc::Rc<$crate::actors::fetch::FetchContext>) -> Self {
                $name { ctx }
            }
        }

        impl actix::Actor for $name {
            type Context = actix::Context<Self>;
        }

        impl actix::Handler<$crate::actors::fetch::Fetch> for $name {
            type Result = actix::ResponseFuture<$crate::actors::fetch::FetchOutcome>;

            fn handle(
                &mut self,
                msg: $crate::actors::fetch::Fetch,
                _ctx: &mut Self::Context,
            ) -> Self::Result {
                use tracing::Instrument;
                let ctx = self.ctx.clone();
                let span = tracing::info_span!("fetch", kind = %$kind, id = msg.id);
                Box::pin($fetch(ctx, msg.id, msg.context).instrument(span))
            }
        }
    };
}
pub(crate) use fetcher_actor;

/// Shared body of the single-request fetchers: GET, map, write.
#[allow(clippy::too_many_arguments)]
async fn fetch_and_write<T, W>(
    ctx: Rc<FetchContext>,
    kind: EntityKind,
    id: u64,
    context: String,
    path: String,
    query: Vec<(&str, String)>,
    appends: &[&str],
    map: impl FnOnce(&T, &MappingOptions) -> crate::records::EntityRecord,
    wrap: impl FnOnce(crate::records::EntityRecord) -> Option<W>,
) -> FetchOutcome
where
    T: DeserializeOwned,
    W: Message<Result = Result<WriteSummary, EntityWriteError>> + Send + 'static,
    DbWriter: Handler<W>,
{
    let (payload, options) = match get::<T>(&ctx, path, query, appends).await {
        Ok(Fetched::Found(found)) => found,
        Ok(Fetched::NotFound) => return not_found(&ctx, kind, id, context).await,
        Err(e) => return fetch_failed(kind, id, &e),
    };
    let record = map(&payload, &options);
    let Some(message) = wrap(record) else {
        return FetchOutcome::failed(format!("{kind} {id}: mapped to the wrong kind"), false);
    };
    stored(kind, id, ctx.writer.send(message).await)
}
