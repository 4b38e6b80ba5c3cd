//! `/company/{id}` with its appends.

use serde::Deserialize;

use super::common::CompanySummary;
use super::de;
use super::media::{AlternativeNames, Images};

/// A production company. The text fields skip the database update when `""`, so they keep
/// `""` apart from `null` (see [`de::non_empty`]).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct Company {
    #[serde(deserialize_with = "de::id")]
    pub id: u64,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub description: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub headquarters: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub homepage: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub logo_path: Option<String>,
    /// A single country code, can be `""`; absent before 2015.
    #[serde(default, deserialize_with = "de::opt_string")]
    pub origin_country: Option<String>,
    /// Usually `null`.
    #[serde(default, deserialize_with = "de::object")]
    pub parent_company: Option<CompanySummary>,

    #[serde(default, deserialize_with = "de::object")]
    pub alternative_names: Option<AlternativeNames>,
    /// Company images are `logos`.
    #[serde(default, deserialize_with = "de::object")]
    pub images: Option<Images>,
}
