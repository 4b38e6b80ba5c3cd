//! MovieFetcher: `/movie/{id}` with credits, keywords, images, translations, external ids
//! and alternative titles in one request → `WriteMovie`.

use std::rc::Rc;

use super::{FetchContext, FetchOutcome, fetch_and_write, fetcher_actor};
use crate::actors::writer::{MovieRecord, WriteMovie};
use crate::records::{self, EntityKind, image_languages};
use crate::tmdb::payload::Movie;

fetcher_actor!(
    /// Fetches and stores movies.
    MovieFetcher,
    EntityKind::Movie,
    fetch
);

async fn fetch(ctx: Rc<FetchContext>, id: u64, context: String) -> FetchOutcome {
    let query = vec![
        ("language", "en".to_owned()),
        ("include_image_language", image_languages(&ctx.options())),
    ];
    fetch_and_write::<Movie, _>(
        ctx,
        EntityKind::Movie,
        id,
        context,
        format!("/3/movie/{id}"),
        query,
        records::movie::APPENDS,
        records::movie::record,
        |r| MovieRecord::new(r).map(WriteMovie),
    )
    .await
}
