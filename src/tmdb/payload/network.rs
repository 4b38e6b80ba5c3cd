//! `/network/{id}` with its appends.

use serde::Deserialize;

use super::de;
use super::media::{AlternativeNames, Images};

/// A TV network. `origin_country` is a single code and can be `""` (Netflix).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct Network {
    #[serde(deserialize_with = "de::id")]
    pub id: u64,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub headquarters: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub homepage: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub logo_path: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub origin_country: Option<String>,

    #[serde(default, deserialize_with = "de::object")]
    pub alternative_names: Option<AlternativeNames>,
    /// Network images are `logos`.
    #[serde(default, deserialize_with = "de::object")]
    pub images: Option<Images>,
}
