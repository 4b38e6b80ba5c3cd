//! CompanyFetcher: `/company/{id}` with its logos appended → `WriteCompany`; the logos from
//! `/company/{id}/images` in a second request when TMDb ignored the append.

use std::rc::Rc;

use super::{
    FetchContext, FetchOutcome, fetch_entity, fetcher_actor, images_if_ignored, write_entity,
};
use crate::actors::writer::{CompanyRecord, WriteCompany};
use crate::records::{self, EntityKind};
use crate::tmdb::payload::Company;

fetcher_actor!(
    /// Fetches and stores one company per request (two when its logos must be asked apart).
    CompanyFetcher,
    EntityKind::Company,
    fetch
);

async fn fetch(ctx: Rc<FetchContext>, id: u64, context: String) -> FetchOutcome {
    let kind = EntityKind::Company;
    let path = format!("/3/company/{id}");
    let appends = records::company::APPENDS;
    let found = fetch_entity::<Company>(&ctx, kind, id, context, path.clone(), Vec::new(), appends);
    let (mut company, options) = match found.await {
        Ok(found) => found,
        Err(outcome) => return outcome,
    };
    let extra = match images_if_ignored(&ctx, kind, id, &path, &mut company.images).await {
        Ok(extra) => extra,
        Err(outcome) => return outcome,
    };
    let record = records::company::record(&company, &options);
    write_entity(
        &ctx,
        kind,
        id,
        record,
        |r| CompanyRecord::new(r).map(WriteCompany),
        extra,
    )
    .await
}
