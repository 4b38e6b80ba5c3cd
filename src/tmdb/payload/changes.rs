//! Change feeds: the global lists (`/movie/changes`, `/tv/changes`, `/person/changes`) and one
//! entity's history (`/movie/{id}/changes`, also for series, seasons, episodes and people).

use chrono::NaiveDateTime;
use serde::Deserialize;
use serde_json::Value;

use super::common::Page;
use super::de;

/// One id in a global changes list. `adult` is `null` for some ids.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct ChangedId {
    #[serde(deserialize_with = "de::id")]
    pub id: u64,
    #[serde(default, deserialize_with = "de::opt_bool")]
    pub adult: Option<bool>,
}

/// One page of `/movie/changes`, `/tv/changes` or `/person/changes`.
pub type ChangesList = Page<ChangedId>;

/// One change event.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct ChangeItem {
    #[serde(default, deserialize_with = "de::opt_string")]
    pub id: Option<String>,
    /// `"added"`, `"updated"` or `"deleted"`.
    #[serde(default, deserialize_with = "de::opt_string")]
    pub action: Option<String>,
    /// Kept as sent (`2022-10-10 17:09:48 UTC`); see [`ChangeItem::changed_at`].
    #[serde(default, deserialize_with = "de::opt_string")]
    pub time: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub iso_639_1: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub iso_3166_1: Option<String>,
    /// No fixed type: text, number or object depending on `key`; absent on `deleted`.
    #[serde(default)]
    pub value: Option<Value>,
    #[serde(default)]
    pub original_value: Option<Value>,
}

impl ChangeItem {
    /// `time` as a UTC timestamp.
    pub fn changed_at(&self) -> Option<NaiveDateTime> {
        self.time.as_deref().and_then(de::parse_timestamp)
    }
}

/// The events for one changed field (`key` such as `"overview"`, `"images"`, `"season"`).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct ChangeGroup {
    #[serde(default, deserialize_with = "de::opt_string")]
    pub key: Option<String>,
    #[serde(default, deserialize_with = "de::vec")]
    pub items: Vec<ChangeItem>,
}

/// One entity's change history, `/…/{id}/changes` or the `changes` append. An empty window is
/// `{"changes": []}`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct ItemChanges {
    #[serde(default, deserialize_with = "de::vec")]
    pub changes: Vec<ChangeGroup>,
}
