//! Series: `/tv/{id}` with credits (creators included), keywords, images, translations,
//! external ids, watch providers, similar and recommended series (page 1) and videos in one
//! request.

use super::{FetchKind, Fetcher};
use crate::records::{
    self, EntityKind, EntityRecord, MappingOptions, image_languages, video_languages,
};
use crate::tmdb::payload::TvSeries;

/// Fetches and stores series.
pub type TvFetcher = Fetcher<Series>;

pub struct Series;

impl FetchKind for Series {
    const KIND: EntityKind = EntityKind::Series;
    type Payload = TvSeries;
    const APPENDS: &'static [&'static str] = records::tv::APPENDS;

    fn path(id: u64) -> String {
        format!("/3/tv/{id}")
    }

    fn query(options: &MappingOptions) -> Vec<(&'static str, String)> {
        vec![
            ("language", "en".to_owned()),
            ("include_image_language", image_languages(options)),
            ("include_video_language", video_languages(options)),
        ]
    }

    fn map(_id: u64, series: &TvSeries, options: &MappingOptions) -> EntityRecord {
        records::tv::record(series, options)
    }
}
