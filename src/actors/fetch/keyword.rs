//! Keywords: `/keyword/{id}`, its name stored for each configured language.

use super::{FetchKind, Fetcher};
use crate::records::{self, EntityKind, EntityRecord, MappingOptions};
use crate::tmdb::payload::Keyword;

/// Fetches and stores keywords.
pub type KeywordFetcher = Fetcher<Keywords>;

pub struct Keywords;

impl FetchKind for Keywords {
    const KIND: EntityKind = EntityKind::Keyword;
    type Payload = Keyword;
    const APPENDS: &'static [&'static str] = records::keyword::APPENDS;

    fn path(id: u64) -> String {
        format!("/3/keyword/{id}")
    }

    fn map(_id: u64, keyword: &Keyword, options: &MappingOptions) -> EntityRecord {
        records::keyword::record(keyword, options)
    }
}
