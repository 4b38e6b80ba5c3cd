//! Networks: `/network/{id}` with its logos appended; the logos from `/network/{id}/images`
//! in a second request when TMDb ignored the append (it documents appends for movies, series
//! and persons).

use super::{FetchKind, Fetcher};
use crate::records::{self, EntityKind, EntityRecord, MappingOptions};
use crate::tmdb::payload::{Images, Network};

/// Fetches and stores networks: one request each, two when the logos must be asked apart.
pub type NetworkFetcher = Fetcher<Networks>;

pub struct Networks;

impl FetchKind for Networks {
    const KIND: EntityKind = EntityKind::Network;
    type Payload = Network;
    const APPENDS: &'static [&'static str] = records::network::APPENDS;

    fn path(id: u64) -> String {
        format!("/3/network/{id}")
    }

    fn map(_id: u64, network: &Network, options: &MappingOptions) -> EntityRecord {
        records::network::record(network, options)
    }

    fn images_asked_apart(network: &mut Network) -> Option<&mut Option<Images>> {
        Some(&mut network.images)
    }
}
