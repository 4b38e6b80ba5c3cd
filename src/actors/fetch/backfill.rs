//! Backfills 34-36: a title stored before the crawler filled one of its snapshots is asked
//! for that snapshot alone (`/3/movie/{id}?append_to_response=release_dates`, `…=watch/providers`,
//! `/3/tv/{id}?append_to_response=watch/providers`), still one request per title, and only
//! that snapshot and its stamp are written (`records::snapshots::backfill_record`).
//!
//! The details request with one append is preferred to the standalone endpoint
//! (`/3/movie/{id}/release_dates`): the block then goes through the very payload type, validation
//! and mapping the full title fetch uses, so a backfilled snapshot cannot differ from a
//! refreshed one; the extra bytes of the title's own fields are a few kilobytes.
//!
//! A malformed or absent block fails the title without writing anything: the stored snapshot
//! stays, the stamp stays NULL and the next run selects the title again. TMDb's 34
//! records the not-found ledger, as for every fetch; the title's row is not deleted.

use std::marker::PhantomData;
use std::rc::Rc;

use actix::prelude::*;
use serde::de::DeserializeOwned;
use tracing::Instrument;

use super::{FailureCause, Fetch, FetchContext, FetchOutcome, fetch_entity, write_entity};
use crate::process::Snapshot;
use crate::records::snapshots::{Malformed, warn_malformed};
use crate::records::{self, EntityKind, EntityRecord};
use crate::tmdb::payload::{Movie, TvSeries};

/// One backfill: the title kind, its snapshot and how the answer maps to the partial record.
pub trait BackfillKind: 'static {
    const KIND: EntityKind;
    const SNAPSHOT: Snapshot;
    type Payload: DeserializeOwned;

    /// `/3/...` path of title `id`.
    fn path(id: u64) -> String;

    /// The snapshot's rows and stamp; `Err` when the block is malformed or absent.
    fn record(payload: &Self::Payload) -> Result<EntityRecord, Malformed>;
}

/// 34: movie release dates.
pub struct MovieReleaseDates;
/// 35: movie watch providers.
pub struct MovieWatchProviders;
/// 36: series watch providers.
pub struct SeriesWatchProviders;

impl BackfillKind for MovieReleaseDates {
    const KIND: EntityKind = EntityKind::Movie;
    const SNAPSHOT: Snapshot = Snapshot::ReleaseDates;
    type Payload = Movie;

    fn path(id: u64) -> String {
        format!("/3/movie/{id}")
    }

    fn record(movie: &Movie) -> Result<EntityRecord, Malformed> {
        records::movie::snapshot_record(movie, Self::SNAPSHOT)
    }
}

impl BackfillKind for MovieWatchProviders {
    const KIND: EntityKind = EntityKind::Movie;
    const SNAPSHOT: Snapshot = Snapshot::WatchProviders;
    type Payload = Movie;

    fn path(id: u64) -> String {
        format!("/3/movie/{id}")
    }

    fn record(movie: &Movie) -> Result<EntityRecord, Malformed> {
        records::movie::snapshot_record(movie, Self::SNAPSHOT)
    }
}

impl BackfillKind for SeriesWatchProviders {
    const KIND: EntityKind = EntityKind::Series;
    const SNAPSHOT: Snapshot = Snapshot::WatchProviders;
    type Payload = TvSeries;

    fn path(id: u64) -> String {
        format!("/3/tv/{id}")
    }

    fn record(series: &TvSeries) -> Result<EntityRecord, Malformed> {
        records::tv::snapshot_record(series, Self::SNAPSHOT)
    }
}

/// The actor of backfill `B`, answering `Fetch` like the entity fetchers.
pub struct Backfiller<B> {
    ctx: Rc<FetchContext>,
    kind: PhantomData<fn() -> B>,
}

impl<B: BackfillKind> Backfiller<B> {
    pub fn new(ctx: Rc<FetchContext>) -> Self {
        Backfiller {
            ctx,
            kind: PhantomData,
        }
    }
}

impl<B: BackfillKind> Actor for Backfiller<B> {
    type Context = Context<Self>;
}

impl<B: BackfillKind> Handler<Fetch> for Backfiller<B> {
    type Result = ResponseFuture<FetchOutcome>;

    fn handle(&mut self, msg: Fetch, _ctx: &mut Self::Context) -> Self::Result {
        let span = tracing::info_span!(
            "backfill",
            kind = %B::KIND,
            append = B::SNAPSHOT.append(),
            id = msg.id
        );
        Box::pin(backfill::<B>(self.ctx.clone(), msg.id, msg.context).instrument(span))
    }
}

/// One GET with the snapshot's append alone, then the partial write.
async fn backfill<B: BackfillKind>(
    ctx: Rc<FetchContext>,
    id: u64,
    context: String,
) -> FetchOutcome {
    let append = B::SNAPSHOT.append();
    let appends = [append];
    let found = fetch_entity::<B::Payload>(
        &ctx,
        B::KIND,
        id,
        context,
        B::path(id),
        Vec::new(),
        &appends,
    );
    let payload = match found.await {
        Ok((payload, _)) => payload,
        Err(outcome) => return outcome,
    };
    match B::record(&payload) {
        Ok(record) => write_entity(&ctx, B::KIND, id, record, 0).await,
        Err(problem) => {
            warn_malformed(B::KIND, records::id32(id), append, problem);
            FetchOutcome::failed(
                format!("{append} of {} {id} not stored: {problem}", B::KIND),
                FailureCause::Entity,
            )
        }
    }
}
