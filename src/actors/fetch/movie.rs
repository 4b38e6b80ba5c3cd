//! Movies: `/movie/{id}` with credits, keywords, images, translations, external ids,
//! alternative titles, release dates, watch providers, similar and recommended movies (page 1)
//! and videos in one request.

use super::{FetchKind, Fetcher};
use crate::records::{
    self, EntityKind, EntityRecord, MappingOptions, image_languages, video_languages,
};
use crate::tmdb::payload::Movie;

/// Fetches and stores movies.
pub type MovieFetcher = Fetcher<Movies>;

pub struct Movies;

impl FetchKind for Movies {
    const KIND: EntityKind = EntityKind::Movie;
    type Payload = Movie;
    const APPENDS: &'static [&'static str] = records::movie::APPENDS;

    fn path(id: u64) -> String {
        format!("/3/movie/{id}")
    }

    fn query(options: &MappingOptions) -> Vec<(&'static str, String)> {
        vec![
            ("language", "en".to_owned()),
            ("include_image_language", image_languages(options)),
            ("include_video_language", video_languages(options)),
        ]
    }

    fn map(_id: u64, movie: &Movie, options: &MappingOptions) -> EntityRecord {
        records::movie::record(movie, options)
    }
}
