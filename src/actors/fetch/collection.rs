//! CollectionFetcher: `/collection/{id}` with images and translations in one request → `WriteCollection`.

use std::rc::Rc;

use super::{FetchContext, FetchOutcome, fetch_and_write, fetcher_actor};
use crate::actors::writer::{CollectionRecord, WriteCollection};
use crate::records::{self, EntityKind, image_languages};
use crate::tmdb::payload::Collection;

fetcher_actor!(
    /// Fetches and stores one collection per request.
    CollectionFetcher,
    EntityKind::Collection,
    fetch
);

async fn fetch(ctx: Rc<FetchContext>, id: u64, context: String) -> FetchOutcome {
    let query = vec![
        ("language", "en-US".to_owned()),
        ("include_image_language", image_languages(&ctx.options())),
    ];
    fetch_and_write::<Collection, _>(
        ctx,
        EntityKind::Collection,
        id,
        context,
        format!("/3/collection/{id}"),
        query,
        records::collection::APPENDS,
        records::collection::record,
        |r| CollectionRecord::new(r).map(WriteCollection),
    )
    .await
}
