//! Lines of the daily ID exports (`{kind}_ids_MM_DD_YYYY.json.gz`), one JSON object per line.
//! Names are kept exactly as sent (untrimmed).

use serde::Deserialize;

use super::de;

/// A line of `movie_ids` or `adult_movie_ids`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct MovieExportLine {
    #[serde(deserialize_with = "de::id")]
    pub id: u64,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub original_title: Option<String>,
    #[serde(default, deserialize_with = "de::opt_f64")]
    pub popularity: Option<f64>,
    #[serde(default, deserialize_with = "de::opt_bool")]
    pub adult: Option<bool>,
    #[serde(default, deserialize_with = "de::opt_bool")]
    pub video: Option<bool>,
}

/// A line of `person_ids`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct PersonExportLine {
    #[serde(deserialize_with = "de::id")]
    pub id: u64,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub name: Option<String>,
    #[serde(default, deserialize_with = "de::opt_f64")]
    pub popularity: Option<f64>,
    #[serde(default, deserialize_with = "de::opt_bool")]
    pub adult: Option<bool>,
}

/// A line of `tv_series_ids` (no `adult`, no `video`).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct TvSeriesExportLine {
    #[serde(deserialize_with = "de::id")]
    pub id: u64,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub original_name: Option<String>,
    #[serde(default, deserialize_with = "de::opt_f64")]
    pub popularity: Option<f64>,
}

/// A line of the exports that only carry `{id, name}`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct NamedExportLine {
    #[serde(deserialize_with = "de::id")]
    pub id: u64,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub name: Option<String>,
}

/// A line of `collection_ids`.
pub type CollectionExportLine = NamedExportLine;
/// A line of `keyword_ids`.
pub type KeywordExportLine = NamedExportLine;
/// A line of `tv_network_ids`.
pub type NetworkExportLine = NamedExportLine;
/// A line of `production_company_ids`.
pub type CompanyExportLine = NamedExportLine;
