//! NetworkFetcher: `/network/{id}` with its logos in one request → `WriteNetwork`.

use std::rc::Rc;

use super::{FetchContext, FetchOutcome, fetch_and_write, fetcher_actor};
use crate::actors::writer::{NetworkRecord, WriteNetwork};
use crate::records::{self, EntityKind};
use crate::tmdb::payload::Network;

fetcher_actor!(
    /// Fetches and stores one network per request.
    NetworkFetcher,
    EntityKind::Network,
    fetch
);

async fn fetch(ctx: Rc<FetchContext>, id: u64, context: String) -> FetchOutcome {
    let query = Vec::new();
    fetch_and_write::<Network, _>(
        ctx,
        EntityKind::Network,
        id,
        context,
        format!("/3/network/{id}"),
        query,
        records::network::APPENDS,
        records::network::record,
        |r| NetworkRecord::new(r).map(WriteNetwork),
    )
    .await
}
