//! `/tv/{id}` with its `append_to_response` blocks, including appended seasons.

use std::collections::BTreeMap;
use std::fmt;

use chrono::NaiveDate;
use serde::de::{IgnoredAny, MapAccess, Visitor};
use serde::{Deserialize, Deserializer};
use serde_json::Value;

use super::changes::ItemChanges;
use super::common::{CompanySummary, Genre, MediaSummary, Page, ProductionCountry, SpokenLanguage};
use super::credits::{AggregateCredits, Creator, Credits};
use super::de;
use super::episode::TvEpisode;
use super::keyword::Keywords;
use super::media::{
    AlternativeTitles, ContentRatings, ExternalIds, Images, Translations, Videos, WatchProviders,
};
use super::season::TvSeason;

/// `seasons[]` of a series. 2014 entries carry only `air_date`, `poster_path` and
/// `season_number`, so the id is optional here; `season_number` 0 is "Specials".
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct SeasonSummary {
    #[serde(default, deserialize_with = "de::opt_id")]
    pub id: Option<u64>,
    #[serde(default, deserialize_with = "de::opt_i64")]
    pub season_number: Option<i64>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub overview: Option<String>,
    #[serde(default, deserialize_with = "de::opt_date")]
    pub air_date: Option<NaiveDate>,
    #[serde(default, deserialize_with = "de::opt_i64")]
    pub episode_count: Option<i64>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub poster_path: Option<String>,
    #[serde(default, deserialize_with = "de::opt_f64")]
    pub vote_average: Option<f64>,
}

/// Seasons appended with `append_to_response=season/1,season/2`, which TMDb returns under the
/// top-level keys `"season/1"`, `"season/2"`..., keyed here by season number.
///
/// Filled through `#[serde(flatten)]` on [`TvSeries`]: every other unknown key is skipped, and
/// a season body that cannot be read is dropped rather than failing the series.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AppendedSeasons(pub BTreeMap<u32, TvSeason>);

impl<'de> Deserialize<'de> for AppendedSeasons {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct SeasonKeys;

        impl<'de> Visitor<'de> for SeasonKeys {
            type Value = AppendedSeasons;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a map of appended blocks")
            }

            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
                let mut seasons = BTreeMap::new();
                while let Some(key) = map.next_key::<String>()? {
                    match key
                        .strip_prefix("season/")
                        .and_then(|n| n.parse::<u32>().ok())
                    {
                        Some(number) => {
                            let body = map.next_value::<Value>()?;
                            if let Some(season) = de::from_value::<TvSeason>(body) {
                                seasons.insert(number, season);
                            }
                        }
                        None => {
                            map.next_value::<IgnoredAny>()?;
                        }
                    }
                }
                Ok(AppendedSeasons(seasons))
            }
        }

        d.deserialize_map(SeasonKeys)
    }
}

/// A TV series. Append blocks are `None` unless requested and well-formed.
///
/// As on [`super::Movie`], `genres`, `production_countries` and `spoken_languages` are `Option`
/// to keep "absent" apart from "empty".
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct TvSeries {
    #[serde(deserialize_with = "de::id")]
    pub id: u64,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub original_name: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub original_language: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub overview: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub tagline: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub homepage: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub status: Option<String>,
    /// JSON `type`: "Scripted", "Miniseries", "Documentary"...
    #[serde(default, rename = "type", deserialize_with = "de::opt_string")]
    pub kind: Option<String>,
    #[serde(default, deserialize_with = "de::opt_date")]
    pub first_air_date: Option<NaiveDate>,
    #[serde(default, deserialize_with = "de::opt_date")]
    pub last_air_date: Option<NaiveDate>,
    #[serde(default, deserialize_with = "de::opt_bool")]
    pub in_production: Option<bool>,
    #[serde(default, deserialize_with = "de::opt_i64")]
    pub number_of_episodes: Option<i64>,
    #[serde(default, deserialize_with = "de::opt_i64")]
    pub number_of_seasons: Option<i64>,
    #[serde(default, deserialize_with = "de::i64_list")]
    pub episode_run_time: Vec<i64>,
    #[serde(default, deserialize_with = "de::opt_bool")]
    pub adult: Option<bool>,
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
    #[serde(default, deserialize_with = "de::string_list")]
    pub origin_country: Vec<String>,
    #[serde(default, deserialize_with = "de::string_list")]
    pub languages: Vec<String>,
    #[serde(default, deserialize_with = "de::opt_vec")]
    pub genres: Option<Vec<Genre>>,
    #[serde(default, deserialize_with = "de::vec")]
    pub networks: Vec<CompanySummary>,
    #[serde(default, deserialize_with = "de::vec")]
    pub production_companies: Vec<CompanySummary>,
    #[serde(default, deserialize_with = "de::opt_vec")]
    pub production_countries: Option<Vec<ProductionCountry>>,
    #[serde(default, deserialize_with = "de::opt_vec")]
    pub spoken_languages: Option<Vec<SpokenLanguage>>,
    #[serde(default, deserialize_with = "de::vec")]
    pub created_by: Vec<Creator>,
    #[serde(default, deserialize_with = "de::vec")]
    pub seasons: Vec<SeasonSummary>,
    #[serde(default, deserialize_with = "de::object")]
    pub last_episode_to_air: Option<TvEpisode>,
    #[serde(default, deserialize_with = "de::object")]
    pub next_episode_to_air: Option<TvEpisode>,

    #[serde(default, deserialize_with = "de::object")]
    pub aggregate_credits: Option<AggregateCredits>,
    #[serde(default, deserialize_with = "de::object")]
    pub alternative_titles: Option<AlternativeTitles>,
    #[serde(default, deserialize_with = "de::object")]
    pub content_ratings: Option<ContentRatings>,
    #[serde(default, deserialize_with = "de::object")]
    pub credits: Option<Credits>,
    #[serde(default, deserialize_with = "de::object")]
    pub external_ids: Option<ExternalIds>,
    #[serde(default, deserialize_with = "de::object")]
    pub images: Option<Images>,
    /// Series keywords come under `results`; use [`Keywords::all`].
    #[serde(default, deserialize_with = "de::object")]
    pub keywords: Option<Keywords>,
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
    /// `"season/N"` appends; see [`TvSeries::appended_seasons`].
    #[serde(flatten)]
    pub appended: AppendedSeasons,
}

impl TvSeries {
    /// The seasons appended as `season/N`, in season-number order.
    pub fn appended_seasons(&self) -> Vec<(u32, &TvSeason)> {
        self.appended.0.iter().map(|(n, s)| (*n, s)).collect()
    }

    /// One appended season by number, if it was requested and readable.
    pub fn appended_season(&self, number: u32) -> Option<&TvSeason> {
        self.appended.0.get(&number)
    }
}
