//! `/list/{id}` (v3).

use serde::Deserialize;

use super::common::MediaSummary;
use super::de;

/// A user list. The id is text (`"509ec17b19c2950a0600050d"`, or `"1"`), also when TMDb sends
/// an integer. Paging keys are read when present; the samples have none.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct List {
    #[serde(deserialize_with = "de::string_id")]
    pub id: String,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub description: Option<String>,
    /// A user name in v3 (a display name in 2014).
    #[serde(default, deserialize_with = "de::opt_string")]
    pub created_by: Option<String>,
    #[serde(default, deserialize_with = "de::opt_i64")]
    pub favorite_count: Option<i64>,
    #[serde(default, deserialize_with = "de::opt_i64")]
    pub item_count: Option<i64>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub iso_639_1: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub poster_path: Option<String>,
    /// Movies and series; see [`MediaSummary::is_tv`].
    #[serde(default, deserialize_with = "de::vec")]
    pub items: Vec<MediaSummary>,
    #[serde(default, deserialize_with = "de::opt_i64")]
    pub page: Option<i64>,
    #[serde(default, deserialize_with = "de::opt_i64")]
    pub total_pages: Option<i64>,
    #[serde(default, deserialize_with = "de::opt_i64")]
    pub total_results: Option<i64>,
}
