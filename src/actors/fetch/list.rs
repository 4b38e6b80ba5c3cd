//! Lists: every page of `/list/{id}`, the items of all pages in one write.

use std::future::Future;
use std::rc::Rc;

use super::{FetchContext, FetchKind, FetchOutcome, Fetcher, fetch_failed, get, not_found};
use crate::records::{self, EntityKind, EntityRecord, MappingOptions};
use crate::tmdb::client::Fetched;
use crate::tmdb::payload::List;

/// Fetches and stores lists, paging through their items.
pub type ListFetcher = Fetcher<Lists>;

pub struct Lists;

/// A list bigger than this many pages is cut (TMDb lists hold at most a few thousand items).
const MAX_PAGES: i64 = 500;

impl FetchKind for Lists {
    const KIND: EntityKind = EntityKind::List;
    /// Every page, in order.
    type Payload = Vec<List>;
    const APPENDS: &'static [&'static str] = records::list::APPENDS;

    fn path(id: u64) -> String {
        format!("/3/list/{id}")
    }

    fn map(id: u64, pages: &Vec<List>, options: &MappingOptions) -> EntityRecord {
        records::list::record(id, pages, options)
    }

    fn fetch(
        ctx: Rc<FetchContext>,
        id: u64,
        context: String,
    ) -> impl Future<Output = FetchOutcome> {
        fetch_pages(ctx, id, context)
    }
}

async fn fetch_pages(ctx: Rc<FetchContext>, id: u64, context: String) -> FetchOutcome {
    let kind = Lists::KIND;
    let mut pages: Vec<List> = Vec::new();
    let mut options = None;
    let mut page = 1i64;
    loop {
        let query = vec![("language", "en-US".to_owned()), ("page", page.to_string())];
        match get::<List>(&ctx, Lists::path(id), query, &[]).await {
            Ok(Fetched::Found((list, page_options))) => {
                let total = list.total_pages.unwrap_or(1).min(MAX_PAGES);
                // Page 1 carries the list's own row (and its raw JSON).
                if options.is_none() {
                    options = Some(page_options);
                }
                pages.push(list);
                if page >= total {
                    break;
                }
                page += 1;
            }
            Ok(Fetched::NotFound) if page == 1 => {
                return not_found(&ctx, kind, id, context).await;
            }
            // A list that shrank between two pages: what was read is complete.
            Ok(Fetched::NotFound) => break,
            Err(e) => return fetch_failed(kind, id, &e),
        }
    }
    let options = options.unwrap_or_else(|| ctx.options());
    let record = Lists::map(id, &pages, &options);
    super::write_entity(&ctx, kind, id, record, 0).await
}
