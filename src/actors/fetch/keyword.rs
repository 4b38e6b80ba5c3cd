//! KeywordFetcher: `/keyword/{id}`, its name stored for each configured language → `WriteKeyword`.

use std::rc::Rc;

use super::{FetchContext, FetchOutcome, fetch_and_write, fetcher_actor};
use crate::actors::writer::{KeywordRecord, WriteKeyword};
use crate::records::{self, EntityKind};
use crate::tmdb::payload::Keyword;

fetcher_actor!(
    /// Fetches and stores one keyword per request.
    KeywordFetcher,
    EntityKind::Keyword,
    fetch
);

async fn fetch(ctx: Rc<FetchContext>, id: u64, context: String) -> FetchOutcome {
    let query = Vec::new();
    fetch_and_write::<Keyword, _>(
        ctx,
        EntityKind::Keyword,
        id,
        context,
        format!("/3/keyword/{id}"),
        query,
        records::keyword::APPENDS,
        records::keyword::record,
        |r| KeywordRecord::new(r).map(WriteKeyword),
    )
    .await
}
