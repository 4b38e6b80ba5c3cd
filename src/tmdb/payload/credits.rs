//! Credits in their four shapes: per title (`credits`), per series or season with all roles
//! (`aggregate_credits`), per person (`combined_credits`, `movie_credits`, `tv_credits`), and
//! series creators (`created_by`).
//!
//! Entries without a person or title id are dropped: they could not be linked to anything.
//! `credit_id` stays optional because 2014 bodies lack it.

use chrono::NaiveDate;
use serde::Deserialize;

use super::de;

/// `credits.cast[]` of a movie, series, season or episode, and `guest_stars[]`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct CastCredit {
    /// The person id.
    #[serde(deserialize_with = "de::id")]
    pub id: u64,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub credit_id: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub original_name: Option<String>,
    /// Often `""` when unknown.
    #[serde(default, deserialize_with = "de::opt_string")]
    pub character: Option<String>,
    #[serde(default, deserialize_with = "de::opt_i64")]
    pub order: Option<i64>,
    /// Movies only.
    #[serde(default, deserialize_with = "de::opt_i64")]
    pub cast_id: Option<i64>,
    /// 0 = not set, 1 = female, 2 = male, 3 = non-binary.
    #[serde(default, deserialize_with = "de::opt_i64")]
    pub gender: Option<i64>,
    #[serde(default, deserialize_with = "de::opt_bool")]
    pub adult: Option<bool>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub known_for_department: Option<String>,
    #[serde(default, deserialize_with = "de::opt_f64")]
    pub popularity: Option<f64>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub profile_path: Option<String>,
}

/// `credits.crew[]` (and an episode's top-level `crew[]`).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct CrewCredit {
    /// The person id.
    #[serde(deserialize_with = "de::id")]
    pub id: u64,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub credit_id: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub original_name: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub department: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub job: Option<String>,
    #[serde(default, deserialize_with = "de::opt_i64")]
    pub gender: Option<i64>,
    #[serde(default, deserialize_with = "de::opt_bool")]
    pub adult: Option<bool>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub known_for_department: Option<String>,
    #[serde(default, deserialize_with = "de::opt_f64")]
    pub popularity: Option<f64>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub profile_path: Option<String>,
}

/// The `credits` append (or `/…/credits`). Episodes add `guest_stars`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct Credits {
    #[serde(default, deserialize_with = "de::opt_id")]
    pub id: Option<u64>,
    #[serde(default, deserialize_with = "de::vec")]
    pub cast: Vec<CastCredit>,
    #[serde(default, deserialize_with = "de::vec")]
    pub crew: Vec<CrewCredit>,
    #[serde(default, deserialize_with = "de::vec")]
    pub guest_stars: Vec<CastCredit>,
}

/// One character played in `aggregate_credits.cast[].roles[]`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct AggregateRole {
    #[serde(default, deserialize_with = "de::opt_string")]
    pub credit_id: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub character: Option<String>,
    #[serde(default, deserialize_with = "de::opt_i64")]
    pub episode_count: Option<i64>,
}

/// One job held in `aggregate_credits.crew[].jobs[]`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct AggregateJob {
    #[serde(default, deserialize_with = "de::opt_string")]
    pub credit_id: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub job: Option<String>,
    #[serde(default, deserialize_with = "de::opt_i64")]
    pub episode_count: Option<i64>,
}

/// `aggregate_credits.cast[]`: one person with every role over the series or season.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct AggregateCast {
    #[serde(deserialize_with = "de::id")]
    pub id: u64,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub original_name: Option<String>,
    #[serde(default, deserialize_with = "de::vec")]
    pub roles: Vec<AggregateRole>,
    #[serde(default, deserialize_with = "de::opt_i64")]
    pub total_episode_count: Option<i64>,
    #[serde(default, deserialize_with = "de::opt_i64")]
    pub order: Option<i64>,
    #[serde(default, deserialize_with = "de::opt_i64")]
    pub gender: Option<i64>,
    #[serde(default, deserialize_with = "de::opt_bool")]
    pub adult: Option<bool>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub known_for_department: Option<String>,
    #[serde(default, deserialize_with = "de::opt_f64")]
    pub popularity: Option<f64>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub profile_path: Option<String>,
}

/// `aggregate_credits.crew[]`: one person with every job over the series or season.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct AggregateCrew {
    #[serde(deserialize_with = "de::id")]
    pub id: u64,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub original_name: Option<String>,
    #[serde(default, deserialize_with = "de::vec")]
    pub jobs: Vec<AggregateJob>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub department: Option<String>,
    #[serde(default, deserialize_with = "de::opt_i64")]
    pub total_episode_count: Option<i64>,
    #[serde(default, deserialize_with = "de::opt_i64")]
    pub gender: Option<i64>,
    #[serde(default, deserialize_with = "de::opt_bool")]
    pub adult: Option<bool>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub known_for_department: Option<String>,
    #[serde(default, deserialize_with = "de::opt_f64")]
    pub popularity: Option<f64>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub profile_path: Option<String>,
}

/// The `aggregate_credits` append of a series or season.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct AggregateCredits {
    #[serde(default, deserialize_with = "de::opt_id")]
    pub id: Option<u64>,
    #[serde(default, deserialize_with = "de::vec")]
    pub cast: Vec<AggregateCast>,
    #[serde(default, deserialize_with = "de::vec")]
    pub crew: Vec<AggregateCrew>,
}

/// One entry of a person's `combined_credits`, `movie_credits` or `tv_credits`: the title
/// (movie keys or TV keys) plus the role. `media_type` is only sent in `combined_credits`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct PersonCredit {
    /// The movie or series id.
    #[serde(deserialize_with = "de::id")]
    pub id: u64,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub media_type: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub credit_id: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub character: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub department: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub job: Option<String>,
    #[serde(default, deserialize_with = "de::opt_i64")]
    pub order: Option<i64>,
    #[serde(default, deserialize_with = "de::opt_i64")]
    pub episode_count: Option<i64>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub title: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub original_title: Option<String>,
    #[serde(default, deserialize_with = "de::opt_date")]
    pub release_date: Option<NaiveDate>,
    #[serde(default, deserialize_with = "de::opt_bool")]
    pub video: Option<bool>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub original_name: Option<String>,
    #[serde(default, deserialize_with = "de::opt_date")]
    pub first_air_date: Option<NaiveDate>,
    #[serde(default, deserialize_with = "de::string_list")]
    pub origin_country: Vec<String>,
    #[serde(default, deserialize_with = "de::opt_bool")]
    pub adult: Option<bool>,
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

impl PersonCredit {
    /// Movie or series, from `media_type` when sent, else from which title keys are present
    /// (`movie_credits` / `tv_credits` entries carry no `media_type`).
    pub fn is_tv(&self) -> bool {
        match self.media_type.as_deref() {
            Some(kind) => kind == "tv",
            None => self.title.is_none() && self.original_title.is_none() && self.name.is_some(),
        }
    }
}

/// A person's `combined_credits`, `movie_credits` or `tv_credits`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct PersonCredits {
    #[serde(default, deserialize_with = "de::opt_id")]
    pub id: Option<u64>,
    #[serde(default, deserialize_with = "de::vec")]
    pub cast: Vec<PersonCredit>,
    #[serde(default, deserialize_with = "de::vec")]
    pub crew: Vec<PersonCredit>,
}

/// `created_by[]` of a series; 2014 entries have no `credit_id`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct Creator {
    #[serde(deserialize_with = "de::id")]
    pub id: u64,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub credit_id: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub original_name: Option<String>,
    #[serde(default, deserialize_with = "de::opt_i64")]
    pub gender: Option<i64>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub profile_path: Option<String>,
}
