//! `/collection/{id}` with its appends.

use serde::Deserialize;

use super::common::MediaSummary;
use super::de;
use super::media::{Images, Translations};

/// A collection and its member movies.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct Collection {
    #[serde(deserialize_with = "de::id")]
    pub id: u64,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub name: Option<String>,
    /// Recent bodies only, like `original_language`.
    #[serde(default, deserialize_with = "de::opt_string")]
    pub original_name: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub original_language: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub overview: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub poster_path: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub backdrop_path: Option<String>,
    /// Member movies; may use `name` instead of `title`, see [`MediaSummary::title_or_name`].
    #[serde(default, deserialize_with = "de::vec")]
    pub parts: Vec<MediaSummary>,

    #[serde(default, deserialize_with = "de::object")]
    pub images: Option<Images>,
    #[serde(default, deserialize_with = "de::lenient")]
    pub translations: Option<Translations>,
}
