//! CompanyFetcher: `/company/{id}` with its logos in one request → `WriteCompany`.

use std::rc::Rc;

use super::{FetchContext, FetchOutcome, fetch_and_write, fetcher_actor};
use crate::actors::writer::{CompanyRecord, WriteCompany};
use crate::records::{self, EntityKind};
use crate::tmdb::payload::Company;

fetcher_actor!(
    /// Fetches and stores one company per request.
    CompanyFetcher,
    EntityKind::Company,
    fetch
);

async fn fetch(ctx: Rc<FetchContext>, id: u64, context: String) -> FetchOutcome {
    let query = Vec::new();
    fetch_and_write::<Company, _>(
        ctx,
        EntityKind::Company,
        id,
        context,
        format!("/3/company/{id}"),
        query,
        records::company::APPENDS,
        records::company::record,
        |r| CompanyRecord::new(r).map(WriteCompany),
    )
    .await
}
