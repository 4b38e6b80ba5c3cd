//! Append blocks shared by several entities: images, videos, translations, external ids,
//! alternative titles and names, release dates, content ratings, watch providers. Each is also
//! the body of the matching standalone call (`/movie/{id}/images`...), which adds an `id`.

use std::collections::BTreeMap;

use chrono::NaiveDateTime;
use serde::{Deserialize, Deserializer};
use serde_json::Value;

use super::de;
use super::snapshot::{self, Malformed};

/// One image of any kind (backdrop, poster, logo, profile, still).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct Image {
    #[serde(default, deserialize_with = "de::opt_string")]
    pub file_path: Option<String>,
    /// `null`, `""`, `"xx"` (no language) or a language code.
    #[serde(default, deserialize_with = "de::opt_string")]
    pub iso_639_1: Option<String>,
    #[serde(default, deserialize_with = "de::opt_f64")]
    pub aspect_ratio: Option<f64>,
    #[serde(default, deserialize_with = "de::opt_i64")]
    pub width: Option<i64>,
    #[serde(default, deserialize_with = "de::opt_i64")]
    pub height: Option<i64>,
    #[serde(default, deserialize_with = "de::opt_f64")]
    pub vote_average: Option<f64>,
    #[serde(default, deserialize_with = "de::opt_i64")]
    pub vote_count: Option<i64>,
    /// Company and network logos only: a hex id and `".svg"`/`".png"`.
    #[serde(default, deserialize_with = "de::opt_string")]
    pub id: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub file_type: Option<String>,
}

/// The `images` append or `/…/images`: every kind in one struct, each entity fills its own
/// lists (movies: backdrops/posters/logos, people: profiles, episodes: stills).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct Images {
    #[serde(default, deserialize_with = "de::opt_id")]
    pub id: Option<u64>,
    #[serde(default, deserialize_with = "de::vec")]
    pub backdrops: Vec<Image>,
    #[serde(default, deserialize_with = "de::vec")]
    pub posters: Vec<Image>,
    #[serde(default, deserialize_with = "de::vec")]
    pub logos: Vec<Image>,
    #[serde(default, deserialize_with = "de::vec")]
    pub profiles: Vec<Image>,
    #[serde(default, deserialize_with = "de::vec")]
    pub stills: Vec<Image>,
}

/// One `videos.results[]` entry.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct Video {
    #[serde(default, deserialize_with = "de::opt_string")]
    pub id: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub iso_639_1: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub iso_3166_1: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub key: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub site: Option<String>,
    #[serde(default, deserialize_with = "de::opt_i64")]
    pub size: Option<i64>,
    /// JSON `type`: "Trailer", "Teaser", "Clip"...
    #[serde(default, rename = "type", deserialize_with = "de::opt_string")]
    pub kind: Option<String>,
    #[serde(default, deserialize_with = "de::opt_bool")]
    pub official: Option<bool>,
    /// Kept as sent: two spellings occur in one response; see [`Video::published`].
    #[serde(default, deserialize_with = "de::opt_string")]
    pub published_at: Option<String>,
}

impl Video {
    /// `published_at` as a UTC timestamp, whichever spelling TMDb used.
    pub fn published(&self) -> Option<NaiveDateTime> {
        self.published_at.as_deref().and_then(de::parse_timestamp)
    }
}

/// The `videos` append or `/…/videos`. A snapshot: [`Videos::malformed`] says why it cannot
/// replace the stored one.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Videos {
    pub id: Option<u64>,
    pub results: Vec<Video>,
    pub malformed: Option<Malformed>,
}

#[derive(Default, Deserialize)]
struct VideosBody {
    #[serde(default, deserialize_with = "de::opt_id")]
    id: Option<u64>,
    #[serde(default, deserialize_with = "de::vec")]
    results: Vec<Video>,
}

impl<'de> Deserialize<'de> for Videos {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let body = Value::deserialize(d)?;
        let malformed = snapshot::videos_problem(&body);
        let VideosBody { id, results } = de::from_value(body).unwrap_or_default();
        Ok(Videos {
            id,
            results,
            malformed,
        })
    }
}

/// The translated fields of any entity in one struct; each kind fills its own subset
/// (movie: title/overview/homepage/tagline/runtime, TV: name/overview/homepage/tagline,
/// episode: name/overview, person: biography, collection: title/overview/homepage).
/// Untranslated fields are `""` (or 0 for runtime), not absent.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct TranslationData {
    #[serde(default, deserialize_with = "de::opt_string")]
    pub title: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub overview: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub homepage: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub tagline: Option<String>,
    #[serde(default, deserialize_with = "de::opt_i64")]
    pub runtime: Option<i64>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub biography: Option<String>,
}

/// One `translations.translations[]` entry.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct Translation {
    #[serde(default, deserialize_with = "de::opt_string")]
    pub iso_639_1: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub iso_3166_1: Option<String>,
    /// Native language name; can be `""`.
    #[serde(default, deserialize_with = "de::opt_string")]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub english_name: Option<String>,
    #[serde(default, deserialize_with = "de::object")]
    pub data: Option<TranslationData>,
}

/// The `translations` append or `/…/translations`: `{id?, translations: [...]}`.
///
/// Also accepts a bare array of translations, because one capture (php episode) has that shape.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Translations {
    pub id: Option<u64>,
    pub translations: Vec<Translation>,
}

impl<'de> Deserialize<'de> for Translations {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        Ok(match Value::deserialize(d)? {
            list @ Value::Array(_) => Translations {
                id: None,
                translations: de::vec_from_value(list),
            },
            Value::Object(mut fields) => Translations {
                id: fields
                    .remove("id")
                    .and_then(|v| de::opt_id(v).ok().flatten()),
                translations: fields
                    .remove("translations")
                    .map(de::vec_from_value)
                    .unwrap_or_default(),
            },
            _ => Translations::default(),
        })
    }
}

impl Translations {
    /// The translation for a language (`"fr"`), and country when given (`Some("FR")`).
    pub fn find(&self, iso_639_1: &str, iso_3166_1: Option<&str>) -> Option<&Translation> {
        self.translations.iter().find(|t| {
            t.iso_639_1.as_deref() == Some(iso_639_1)
                && iso_3166_1.is_none_or(|c| t.iso_3166_1.as_deref() == Some(c))
        })
    }
}

/// The `external_ids` append or `/…/external_ids`. Every kind in one struct; ids TMDb sends as
/// numbers (`tvdb_id`, `tvrage_id`) are integers, the rest text.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct ExternalIds {
    #[serde(default, deserialize_with = "de::opt_id")]
    pub id: Option<u64>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub imdb_id: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub wikidata_id: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub facebook_id: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub instagram_id: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub twitter_id: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub tiktok_id: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub youtube_id: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub freebase_mid: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub freebase_id: Option<String>,
    #[serde(default, deserialize_with = "de::opt_i64")]
    pub tvdb_id: Option<i64>,
    #[serde(default, deserialize_with = "de::opt_i64")]
    pub tvrage_id: Option<i64>,
}

/// One alternative title.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct AlternativeTitle {
    #[serde(default, deserialize_with = "de::opt_string")]
    pub iso_3166_1: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub title: Option<String>,
    /// JSON `type`, often `""`.
    #[serde(default, rename = "type", deserialize_with = "de::opt_string")]
    pub kind: Option<String>,
}

/// The `alternative_titles` append: movies send `titles`, series send `results`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct AlternativeTitles {
    #[serde(default, deserialize_with = "de::opt_id")]
    pub id: Option<u64>,
    #[serde(default, deserialize_with = "de::vec")]
    pub titles: Vec<AlternativeTitle>,
    #[serde(default, deserialize_with = "de::vec")]
    pub results: Vec<AlternativeTitle>,
}

impl AlternativeTitles {
    /// The titles, whichever key carried them.
    pub fn all(&self) -> &[AlternativeTitle] {
        if self.titles.is_empty() {
            &self.results
        } else {
            &self.titles
        }
    }
}

/// One alternative name of a company or network.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct AlternativeName {
    #[serde(default, deserialize_with = "de::opt_string")]
    pub name: Option<String>,
    #[serde(default, rename = "type", deserialize_with = "de::opt_string")]
    pub kind: Option<String>,
}

/// `/company/{id}/alternative_names` and `/network/{id}/alternative_names`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct AlternativeNames {
    #[serde(default, deserialize_with = "de::opt_id")]
    pub id: Option<u64>,
    #[serde(default, deserialize_with = "de::vec")]
    pub results: Vec<AlternativeName>,
}

/// One release of a movie in one country.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct ReleaseDate {
    #[serde(default, deserialize_with = "de::opt_string")]
    pub certification: Option<String>,
    #[serde(default, deserialize_with = "de::string_list")]
    pub descriptors: Vec<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub iso_639_1: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub note: Option<String>,
    /// Kept as sent (`2010-12-08T00:00:00.000Z`); see [`ReleaseDate::released`].
    #[serde(default, deserialize_with = "de::opt_string")]
    pub release_date: Option<String>,
    /// JSON `type`: 1 premiere, 2 limited theatrical, 3 theatrical, 4 digital, 5 physical, 6 TV.
    #[serde(default, rename = "type", deserialize_with = "de::opt_i64")]
    pub kind: Option<i64>,
}

impl ReleaseDate {
    /// `release_date` as a UTC timestamp.
    pub fn released(&self) -> Option<NaiveDateTime> {
        self.release_date.as_deref().and_then(de::parse_timestamp)
    }
}

/// `release_dates.results[]`: the releases in one country.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct CountryReleaseDates {
    #[serde(default, deserialize_with = "de::opt_string")]
    pub iso_3166_1: Option<String>,
    #[serde(default, deserialize_with = "de::vec")]
    pub release_dates: Vec<ReleaseDate>,
}

/// The `release_dates` append or `/movie/{id}/release_dates`. A snapshot:
/// [`ReleaseDates::malformed`] says why it cannot replace the stored one.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ReleaseDates {
    pub id: Option<u64>,
    pub results: Vec<CountryReleaseDates>,
    pub malformed: Option<Malformed>,
}

#[derive(Default, Deserialize)]
struct ReleaseDatesBody {
    #[serde(default, deserialize_with = "de::opt_id")]
    id: Option<u64>,
    #[serde(default, deserialize_with = "de::vec")]
    results: Vec<CountryReleaseDates>,
}

impl<'de> Deserialize<'de> for ReleaseDates {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let body = Value::deserialize(d)?;
        let malformed = snapshot::release_dates_problem(&body);
        let ReleaseDatesBody { id, results } = de::from_value(body).unwrap_or_default();
        Ok(ReleaseDates {
            id,
            results,
            malformed,
        })
    }
}

/// One `content_ratings.results[]` entry of a series.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct ContentRating {
    #[serde(default, deserialize_with = "de::opt_string")]
    pub iso_3166_1: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub rating: Option<String>,
    #[serde(default, deserialize_with = "de::string_list")]
    pub descriptors: Vec<String>,
}

/// The `content_ratings` append or `/tv/{id}/content_ratings`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct ContentRatings {
    #[serde(default, deserialize_with = "de::opt_id")]
    pub id: Option<u64>,
    #[serde(default, deserialize_with = "de::vec")]
    pub results: Vec<ContentRating>,
}

/// A streaming or sales provider, in a title's `watch/providers` buckets and in the
/// `/watch/providers/{movie|tv}` catalogue (which adds `display_priorities`).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct WatchProvider {
    #[serde(deserialize_with = "de::id")]
    pub provider_id: u64,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub provider_name: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub logo_path: Option<String>,
    #[serde(default, deserialize_with = "de::opt_i64")]
    pub display_priority: Option<i64>,
    #[serde(default, deserialize_with = "de::i64_map")]
    pub display_priorities: BTreeMap<String, i64>,
}

/// Where a title can be watched in one country; every bucket is optional.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct WatchProviderCountry {
    #[serde(default, deserialize_with = "de::opt_string")]
    pub link: Option<String>,
    #[serde(default, deserialize_with = "de::vec")]
    pub flatrate: Vec<WatchProvider>,
    #[serde(default, deserialize_with = "de::vec")]
    pub rent: Vec<WatchProvider>,
    #[serde(default, deserialize_with = "de::vec")]
    pub buy: Vec<WatchProvider>,
    #[serde(default, deserialize_with = "de::vec")]
    pub free: Vec<WatchProvider>,
    #[serde(default, deserialize_with = "de::vec")]
    pub ads: Vec<WatchProvider>,
}

/// The `watch/providers` append (JSON key with a slash) or `/…/watch/providers`. A snapshot:
/// [`WatchProviders::malformed`] says why it cannot replace the stored one.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct WatchProviders {
    pub id: Option<u64>,
    /// By ISO 3166-1 country code.
    pub results: BTreeMap<String, WatchProviderCountry>,
    pub malformed: Option<Malformed>,
}

#[derive(Default, Deserialize)]
struct WatchProvidersBody {
    #[serde(default, deserialize_with = "de::opt_id")]
    id: Option<u64>,
    #[serde(default, deserialize_with = "de::map")]
    results: BTreeMap<String, WatchProviderCountry>,
}

impl<'de> Deserialize<'de> for WatchProviders {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let body = Value::deserialize(d)?;
        let malformed = snapshot::watch_providers_problem(&body);
        let WatchProvidersBody { id, results } = de::from_value(body).unwrap_or_default();
        Ok(WatchProviders {
            id,
            results,
            malformed,
        })
    }
}
