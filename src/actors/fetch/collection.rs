//! Collections: `/collection/{id}` with images and translations in one request.

use super::{FetchKind, Fetcher};
use crate::records::{self, EntityKind, EntityRecord, MappingOptions, image_languages};
use crate::tmdb::payload::Collection;

/// Fetches and stores collections.
pub type CollectionFetcher = Fetcher<Collections>;

pub struct Collections;

impl FetchKind for Collections {
    const KIND: EntityKind = EntityKind::Collection;
    type Payload = Collection;
    const APPENDS: &'static [&'static str] = records::collection::APPENDS;

    fn path(id: u64) -> String {
        format!("/3/collection/{id}")
    }

    fn query(options: &MappingOptions) -> Vec<(&'static str, String)> {
        vec![
            ("language", "en-US".to_owned()),
            ("include_image_language", image_languages(options)),
        ]
    }

    fn map(_id: u64, collection: &Collection, options: &MappingOptions) -> EntityRecord {
        records::collection::record(collection, options)
    }
}
