//! TvFetcher: `/tv/{id}` with credits (creators included), keywords, images, translations and external ids in one request → `WriteSeries`.

use std::rc::Rc;

use super::{FetchContext, FetchOutcome, fetch_and_write, fetcher_actor};
use crate::actors::writer::{SeriesRecord, WriteSeries};
use crate::records::{self, EntityKind, image_languages};
use crate::tmdb::payload::TvSeries;

fetcher_actor!(
    /// Fetches and stores one tv per request.
    TvFetcher,
    EntityKind::Series,
    fetch
);

async fn fetch(ctx: Rc<FetchContext>, id: u64, context: String) -> FetchOutcome {
    let query = vec![
        ("language", "en".to_owned()),
        ("include_image_language", image_languages(&ctx.options())),
    ];
    fetch_and_write::<TvSeries, _>(
        ctx,
        EntityKind::Series,
        id,
        context,
        format!("/3/tv/{id}"),
        query,
        records::tv::APPENDS,
        records::tv::record,
        |r| SeriesRecord::new(r).map(WriteSeries),
    )
    .await
}
