//! Companies: `/company/{id}` with its logos appended; the logos from `/company/{id}/images` in a second
//! request when TMDb ignored the append (it documents appends for movies, series and persons).

use super::{FetchKind, Fetcher};
use crate::records::{self, EntityKind, EntityRecord, MappingOptions};
use crate::tmdb::payload::{Company, Images};

/// Fetches and stores companies: one request each, two when the logos must be asked apart.
pub type CompanyFetcher = Fetcher<Companies>;

pub struct Companies;

impl FetchKind for Companies {
    const KIND: EntityKind = EntityKind::Company;
    type Payload = Company;
    const APPENDS: &'static [&'static str] = records::company::APPENDS;

    fn path(id: u64) -> String {
        format!("/3/company/{id}")
    }

    fn map(_id: u64, company: &Company, options: &MappingOptions) -> EntityRecord {
        records::company::record(company, options)
    }

    fn images_asked_apart(company: &mut Company) -> Option<&mut Option<Images>> {
        Some(&mut company.images)
    }
}
