//! NetworkFetcher: `/network/{id}` with its logos appended → `WriteNetwork`; the logos from
//! `/network/{id}/images` in a second request when TMDb ignored the append.

use std::rc::Rc;

use super::{
    FetchContext, FetchOutcome, fetch_entity, fetcher_actor, images_if_ignored, write_entity,
};
use crate::actors::writer::{NetworkRecord, WriteNetwork};
use crate::records::{self, EntityKind};
use crate::tmdb::payload::Network;

fetcher_actor!(
    /// Fetches and stores one network per request (two when its logos must be asked apart).
    NetworkFetcher,
    EntityKind::Network,
    fetch
);

async fn fetch(ctx: Rc<FetchContext>, id: u64, context: String) -> FetchOutcome {
    let kind = EntityKind::Network;
    let path = format!("/3/network/{id}");
    let appends = records::network::APPENDS;
    let found = fetch_entity::<Network>(&ctx, kind, id, context, path.clone(), Vec::new(), appends);
    let (mut network, options) = match found.await {
        Ok(found) => found,
        Err(outcome) => return outcome,
    };
    let extra = match images_if_ignored(&ctx, kind, id, &path, &mut network.images).await {
        Ok(extra) => extra,
        Err(outcome) => return outcome,
    };
    let record = records::network::record(&network, &options);
    write_entity(
        &ctx,
        kind,
        id,
        record,
        |r| NetworkRecord::new(r).map(WriteNetwork),
        extra,
    )
    .await
}
