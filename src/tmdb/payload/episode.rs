//! `/tv/{id}/season/{n}/episode/{m}`, also the shape of a season's `episodes[]` and of a
//! series' `last_episode_to_air` / `next_episode_to_air`.

use chrono::NaiveDate;
use serde::Deserialize;

use super::credits::{CastCredit, Credits, CrewCredit};
use super::de;
use super::media::{ExternalIds, Images, Translations, Videos};

/// A TV episode. Inside a season or as `last_episode_to_air` only the plain fields (and, in
/// a season, `crew`/`guest_stars`) are sent; the append blocks come with the episode call.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct TvEpisode {
    #[serde(deserialize_with = "de::id")]
    pub id: u64,
    #[serde(default, deserialize_with = "de::opt_id")]
    pub show_id: Option<u64>,
    #[serde(default, deserialize_with = "de::opt_i64")]
    pub season_number: Option<i64>,
    #[serde(default, deserialize_with = "de::opt_i64")]
    pub episode_number: Option<i64>,
    /// "standard", "finale", "mid_season" (recent bodies).
    #[serde(default, deserialize_with = "de::opt_string")]
    pub episode_type: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub overview: Option<String>,
    #[serde(default, deserialize_with = "de::opt_date")]
    pub air_date: Option<NaiveDate>,
    /// `""` today, `null` in 2014.
    #[serde(default, deserialize_with = "de::opt_string")]
    pub production_code: Option<String>,
    #[serde(default, deserialize_with = "de::opt_i64")]
    pub runtime: Option<i64>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub still_path: Option<String>,
    #[serde(default, deserialize_with = "de::opt_f64")]
    pub vote_average: Option<f64>,
    #[serde(default, deserialize_with = "de::opt_i64")]
    pub vote_count: Option<i64>,
    #[serde(default, deserialize_with = "de::vec")]
    pub crew: Vec<CrewCredit>,
    #[serde(default, deserialize_with = "de::vec")]
    pub guest_stars: Vec<CastCredit>,

    #[serde(default, deserialize_with = "de::object")]
    pub credits: Option<Credits>,
    #[serde(default, deserialize_with = "de::object")]
    pub external_ids: Option<ExternalIds>,
    /// Episode images are `stills`.
    #[serde(default, deserialize_with = "de::object")]
    pub images: Option<Images>,
    #[serde(default, deserialize_with = "de::object")]
    pub videos: Option<Videos>,
    #[serde(default, deserialize_with = "de::lenient")]
    pub translations: Option<Translations>,
}
