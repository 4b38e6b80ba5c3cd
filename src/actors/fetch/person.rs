//! Persons: `/person/{id}` with combined credits, external ids and images in one request.

use super::{FetchKind, Fetcher};
use crate::records::{self, EntityKind, EntityRecord, MappingOptions, image_languages};
use crate::tmdb::payload::Person;

/// Fetches and stores persons.
pub type PersonFetcher = Fetcher<Persons>;

pub struct Persons;

impl FetchKind for Persons {
    const KIND: EntityKind = EntityKind::Person;
    type Payload = Person;
    const APPENDS: &'static [&'static str] = records::person::APPENDS;

    fn path(id: u64) -> String {
        format!("/3/person/{id}")
    }

    fn query(options: &MappingOptions) -> Vec<(&'static str, String)> {
        vec![("include_image_language", image_languages(options))]
    }

    fn map(_id: u64, person: &Person, options: &MappingOptions) -> EntityRecord {
        records::person::record(person, options)
    }
}
