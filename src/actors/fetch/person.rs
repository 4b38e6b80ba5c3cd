//! PersonFetcher: `/person/{id}` with combined credits, external ids and images in one request → `WritePerson`.

use std::rc::Rc;

use super::{FetchContext, FetchOutcome, fetch_and_write, fetcher_actor};
use crate::actors::writer::{PersonRecord, WritePerson};
use crate::records::{self, EntityKind, image_languages};
use crate::tmdb::payload::Person;

fetcher_actor!(
    /// Fetches and stores one person per request.
    PersonFetcher,
    EntityKind::Person,
    fetch
);

async fn fetch(ctx: Rc<FetchContext>, id: u64, context: String) -> FetchOutcome {
    let query = vec![("include_image_language", image_languages(&ctx.options()))];
    fetch_and_write::<Person, _>(
        ctx,
        EntityKind::Person,
        id,
        context,
        format!("/3/person/{id}"),
        query,
        records::person::APPENDS,
        records::person::record,
        |r| PersonRecord::new(r).map(WritePerson),
    )
    .await
}
