//! ListFetcher: every page of `/list/{id}` → `WriteList` (items of all pages, one write).

use std::rc::Rc;

use super::{FetchContext, FetchOutcome, fetch_failed, get, not_found, stored};
use crate::actors::writer::{ListRecord, WriteList};
use crate::records::{self, EntityKind};
use crate::tmdb::client::Fetched;
use crate::tmdb::payload::List;

super::fetcher_actor!(
    /// Fetches and stores lists, paging through their items.
    ListFetcher,
    EntityKind::List,
    fetch
);

/// A list bigger than this many pages is cut (TMDb lists hold at most a few thousand items).
const MAX_PAGES: i64 = 500;

async fn fetch(ctx: Rc<FetchContext>, id: u64, context: String) -> FetchOutcome {
    let kind = EntityKind::List;
    let mut pages: Vec<List> = Vec::new();
    let mut options = None;
    let mut page = 1i64;
    loop {
        let query = vec![("language", "en-US".to_owned()), ("page", page.to_string())];
        match get::<List>(&ctx, format!("/3/list/{id}"), query, &[]).await {
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
    let record = records::list::record(id, &pages, &options);
    let Some(record) = ListRecord::new(record) else {
        return FetchOutcome::Failed(super::FetchFailure {
            reason: format!("list {id}: mapped to the wrong kind"),
            cause: super::FailureCause::Entity,
        });
    };
    stored(kind, id, ctx.writer.send(WriteList(record)).await)
}
