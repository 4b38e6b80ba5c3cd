//! Small shapes shared by several entities: genres, companies, countries, languages, paged
//! lists and the movie/TV list item.

use chrono::NaiveDate;
use serde::Deserialize;

use super::de;

/// `{id, name}` entry of `genres[]`, also the element of `/genre/{movie|tv}/list`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct Genre {
    #[serde(deserialize_with = "de::id")]
    pub id: u64,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub name: Option<String>,
}

/// A company or network as embedded in another entity (`production_companies[]`,
/// `networks[]`, `parent_company`). Older bodies only carry `{id, name}`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct CompanySummary {
    #[serde(deserialize_with = "de::id")]
    pub id: u64,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub logo_path: Option<String>,
    /// A single code here, often `""` (unlike the array on series and movies).
    #[serde(default, deserialize_with = "de::opt_string")]
    pub origin_country: Option<String>,
}

/// `production_countries[]` entry.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct ProductionCountry {
    #[serde(default, deserialize_with = "de::opt_string")]
    pub iso_3166_1: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub name: Option<String>,
}

/// `spoken_languages[]` entry; `name` is the native name, `english_name` is newer.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct SpokenLanguage {
    #[serde(default, deserialize_with = "de::opt_string")]
    pub iso_639_1: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub english_name: Option<String>,
}

/// One page of a paged endpoint (`similar`, `recommendations`, `/keyword/{id}/movies`,
/// `/movie/changes`...). Standalone calls also echo the parent `id`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(bound(deserialize = "T: serde::de::DeserializeOwned"))]
pub struct Page<T> {
    #[serde(default, deserialize_with = "de::opt_id")]
    pub id: Option<u64>,
    #[serde(default, deserialize_with = "de::opt_i64")]
    pub page: Option<i64>,
    #[serde(default, deserialize_with = "de::opt_i64")]
    pub total_pages: Option<i64>,
    #[serde(default, deserialize_with = "de::opt_i64")]
    pub total_results: Option<i64>,
    #[serde(default, deserialize_with = "de::vec")]
    pub results: Vec<T>,
}

impl<T> Default for Page<T> {
    fn default() -> Self {
        Self {
            id: None,
            page: None,
            total_pages: None,
            total_results: None,
            results: Vec::new(),
        }
    }
}

/// A movie or series as listed by another endpoint: `similar`, `recommendations`, collection
/// `parts`, list `items`, `/keyword/{id}/movies`. One type for both kinds because TMDb mixes
/// them: lists hold both, and TMDb's own collection example lists movies with TV keys
/// (`name`/`original_name`). `media_type` says which, when present.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct MediaSummary {
    #[serde(deserialize_with = "de::id")]
    pub id: u64,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub media_type: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub title: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub original_title: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub original_name: Option<String>,
    #[serde(default, deserialize_with = "de::opt_date")]
    pub release_date: Option<NaiveDate>,
    #[serde(default, deserialize_with = "de::opt_date")]
    pub first_air_date: Option<NaiveDate>,
    #[serde(default, deserialize_with = "de::string_list")]
    pub origin_country: Vec<String>,
    #[serde(default, deserialize_with = "de::opt_bool")]
    pub adult: Option<bool>,
    #[serde(default, deserialize_with = "de::opt_bool")]
    pub video: Option<bool>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub backdrop_path: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub poster_path: Option<String>,
    #[serde(default, deserialize_with = "de::i64_list")]
    pub genre_ids: Vec<i64>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub original_language: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub overview: Option<String>,
    #[serde(default, deserialize_with = "de::opt_f64")]
    pub popularity: Option<f64>,
    #[serde(default, deserialize_with = "de::opt_f64")]
    pub vote_average: Option<f64>,
    #[serde(default, deserialize_with = "de::opt_i64")]
    pub vote_count: Option<i64>,
}

impl MediaSummary {
    /// The display title whichever key the body used (`title` for movies, `name` for TV).
    pub fn title_or_name(&self) -> Option<&str> {
        de::non_empty(&self.title).or_else(|| de::non_empty(&self.name))
    }

    /// True when the item is a series: said by `media_type`, or guessed from TV-only keys
    /// when `media_type` is absent (older list items).
    pub fn is_tv(&self) -> bool {
        match self.media_type.as_deref() {
            Some(kind) => kind == "tv",
            None => self.title.is_none() && self.original_title.is_none() && self.name.is_some(),
        }
    }
}
