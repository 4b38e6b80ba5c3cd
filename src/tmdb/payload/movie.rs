//! `/movie/{id}` with its `append_to_response` blocks (also `/movie/latest`).

use chrono::NaiveDate;
use serde::Deserialize;

use super::changes::ItemChanges;
use super::common::{CompanySummary, Genre, MediaSummary, Page, ProductionCountry, SpokenLanguage};
use super::credits::Credits;
use super::de;
use super::keyword::Keywords;
use super::media::{
    AlternativeTitles, ExternalIds, Images, ReleaseDates, Translations, Videos, WatchProviders,
};

/// `belongs_to_collection`: the collection a movie is part of.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct CollectionRef {
    #[serde(deserialize_with = "de::id")]
    pub id: u64,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub poster_path: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub backdrop_path: Option<String>,
}

/// A movie. Append blocks are `None` unless requested and well-formed.
///
/// The lists behind pipe columns (`genres`, `production_countries`, `spoken_languages`) are
/// `Option` so that "key absent" (`None`) differs from "empty list" (`Some([])`).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct Movie {
    #[serde(deserialize_with = "de::id")]
    pub id: u64,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub title: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub original_title: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub original_language: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub overview: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub tagline: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub homepage: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub imdb_id: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub status: Option<String>,
    /// `None` for `""` (new records) as well as for a missing or invalid date.
    #[serde(default, deserialize_with = "de::opt_date")]
    pub release_date: Option<NaiveDate>,
    #[serde(default, deserialize_with = "de::opt_i64")]
    pub runtime: Option<i64>,
    /// 0 means unknown.
    #[serde(default, deserialize_with = "de::opt_i64")]
    pub budget: Option<i64>,
    /// 0 means unknown.
    #[serde(default, deserialize_with = "de::opt_i64")]
    pub revenue: Option<i64>,
    #[serde(default, deserialize_with = "de::opt_bool")]
    pub adult: Option<bool>,
    #[serde(default, deserialize_with = "de::opt_bool")]
    pub video: Option<bool>,
    #[serde(default, deserialize_with = "de::opt_f64")]
    pub popularity: Option<f64>,
    #[serde(default, deserialize_with = "de::opt_f64")]
    pub vote_average: Option<f64>,
    #[serde(default, deserialize_with = "de::opt_i64")]
    pub vote_count: Option<i64>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub poster_path: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub backdrop_path: Option<String>,
    #[serde(default, deserialize_with = "de::object")]
    pub belongs_to_collection: Option<CollectionRef>,
    #[serde(default, deserialize_with = "de::opt_vec")]
    pub genres: Option<Vec<Genre>>,
    #[serde(default, deserialize_with = "de::vec")]
    pub production_companies: Vec<CompanySummary>,
    #[serde(default, deserialize_with = "de::opt_vec")]
    pub production_countries: Option<Vec<ProductionCountry>>,
    #[serde(default, deserialize_with = "de::opt_vec")]
    pub spoken_languages: Option<Vec<SpokenLanguage>>,
    /// Sent on movies since about 2025.
    #[serde(default, deserialize_with = "de::string_list")]
    pub origin_country: Vec<String>,

    #[serde(default, deserialize_with = "de::object")]
    pub alternative_titles: Option<AlternativeTitles>,
    #[serde(default, deserialize_with = "de::object")]
    pub credits: Option<Credits>,
    #[serde(default, deserialize_with = "de::object")]
    pub external_ids: Option<ExternalIds>,
    #[serde(default, deserialize_with = "de::object")]
    pub images: Option<Images>,
    #[serde(default, deserialize_with = "de::object")]
    pub keywords: Option<Keywords>,
    #[serde(default, deserialize_with = "de::object")]
    pub release_dates: Option<ReleaseDates>,
    #[serde(default, deserialize_with = "de::object")]
    pub videos: Option<Videos>,
    #[serde(default, deserialize_with = "de::lenient")]
    pub translations: Option<Translations>,
    #[serde(default, deserialize_with = "de::object")]
    pub similar: Option<Page<MediaSummary>>,
    #[serde(default, deserialize_with = "de::object")]
    pub recommendations: Option<Page<MediaSummary>>,
    #[serde(default, rename = "watch/providers", deserialize_with = "de::object")]
    pub watch_providers: Option<WatchProviders>,
    #[serde(default, deserialize_with = "de::object")]
    pub changes: Option<ItemChanges>,
}
