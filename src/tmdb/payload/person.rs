//! `/person/{id}` with its appends (also `/person/latest`).

use chrono::NaiveDate;
use serde::Deserialize;

use super::changes::ItemChanges;
use super::credits::PersonCredits;
use super::de;
use super::media::{ExternalIds, Images, Translations};

/// A person. `birthday`/`deathday` are `None` for `""` (2014) and `null` (today) alike.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct Person {
    #[serde(deserialize_with = "de::id")]
    pub id: u64,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub name: Option<String>,
    /// `None` when absent, so the pipe column can tell "absent" from "empty".
    #[serde(default, deserialize_with = "de::opt_vec")]
    pub also_known_as: Option<Vec<String>>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub biography: Option<String>,
    #[serde(default, deserialize_with = "de::opt_date")]
    pub birthday: Option<NaiveDate>,
    #[serde(default, deserialize_with = "de::opt_date")]
    pub deathday: Option<NaiveDate>,
    /// 0 = not set, 1 = female, 2 = male, 3 = non-binary.
    #[serde(default, deserialize_with = "de::opt_i64")]
    pub gender: Option<i64>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub homepage: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub imdb_id: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub known_for_department: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub place_of_birth: Option<String>,
    #[serde(default, deserialize_with = "de::opt_bool")]
    pub adult: Option<bool>,
    #[serde(default, deserialize_with = "de::opt_f64")]
    pub popularity: Option<f64>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub profile_path: Option<String>,

    #[serde(default, deserialize_with = "de::object")]
    pub combined_credits: Option<PersonCredits>,
    #[serde(default, deserialize_with = "de::object")]
    pub movie_credits: Option<PersonCredits>,
    #[serde(default, deserialize_with = "de::object")]
    pub tv_credits: Option<PersonCredits>,
    #[serde(default, deserialize_with = "de::object")]
    pub external_ids: Option<ExternalIds>,
    /// Person images are `profiles`.
    #[serde(default, deserialize_with = "de::object")]
    pub images: Option<Images>,
    #[serde(default, deserialize_with = "de::lenient")]
    pub translations: Option<Translations>,
    #[serde(default, deserialize_with = "de::object")]
    pub changes: Option<ItemChanges>,
}
