//! `/tv/{id}/season/{n}` with its appends (also what a `season/N` append of a series holds).

use chrono::NaiveDate;
use serde::Deserialize;

use super::common::CompanySummary;
use super::credits::{AggregateCredits, Credits};
use super::de;
use super::episode::TvEpisode;
use super::media::{ExternalIds, Images, Translations, Videos, WatchProviders};

/// A season with its episodes. `id` is the season id (3624 for Game of Thrones season 1);
/// `_id` is a different, hex identifier.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct TvSeason {
    #[serde(deserialize_with = "de::id")]
    pub id: u64,
    #[serde(default, rename = "_id", deserialize_with = "de::opt_string")]
    pub object_id: Option<String>,
    #[serde(default, deserialize_with = "de::opt_i64")]
    pub season_number: Option<i64>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub overview: Option<String>,
    #[serde(default, deserialize_with = "de::opt_date")]
    pub air_date: Option<NaiveDate>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub poster_path: Option<String>,
    #[serde(default, deserialize_with = "de::opt_f64")]
    pub vote_average: Option<f64>,
    /// Episodes without an id (2014 captures) are dropped.
    #[serde(default, deserialize_with = "de::vec")]
    pub episodes: Vec<TvEpisode>,
    /// Recent bodies only.
    #[serde(default, deserialize_with = "de::vec")]
    pub networks: Vec<CompanySummary>,

    #[serde(default, deserialize_with = "de::object")]
    pub credits: Option<Credits>,
    #[serde(default, deserialize_with = "de::object")]
    pub aggregate_credits: Option<AggregateCredits>,
    #[serde(default, deserialize_with = "de::object")]
    pub external_ids: Option<ExternalIds>,
    #[serde(default, deserialize_with = "de::object")]
    pub images: Option<Images>,
    #[serde(default, deserialize_with = "de::object")]
    pub videos: Option<Videos>,
    #[serde(default, deserialize_with = "de::lenient")]
    pub translations: Option<Translations>,
    #[serde(default, rename = "watch/providers", deserialize_with = "de::object")]
    pub watch_providers: Option<WatchProviders>,
}
