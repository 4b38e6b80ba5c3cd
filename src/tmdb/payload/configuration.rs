//! Reference data: `/configuration`, `/genre/{movie|tv}/list`, `/watch/providers/{movie|tv}`.

use serde::Deserialize;

use super::common::Genre;
use super::de;
use super::media::WatchProvider;

/// Image base URLs and the sizes TMDb can serve.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct ImagesConfiguration {
    #[serde(default, deserialize_with = "de::opt_string")]
    pub base_url: Option<String>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub secure_base_url: Option<String>,
    #[serde(default, deserialize_with = "de::string_list")]
    pub backdrop_sizes: Vec<String>,
    #[serde(default, deserialize_with = "de::string_list")]
    pub logo_sizes: Vec<String>,
    #[serde(default, deserialize_with = "de::string_list")]
    pub poster_sizes: Vec<String>,
    #[serde(default, deserialize_with = "de::string_list")]
    pub profile_sizes: Vec<String>,
    #[serde(default, deserialize_with = "de::string_list")]
    pub still_sizes: Vec<String>,
}

/// `/configuration`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct Configuration {
    #[serde(default, deserialize_with = "de::object")]
    pub images: Option<ImagesConfiguration>,
    /// The `key` values that change histories can carry.
    #[serde(default, deserialize_with = "de::string_list")]
    pub change_keys: Vec<String>,
}

/// `/genre/movie/list` and `/genre/tv/list`; names follow the requested language.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct GenreList {
    #[serde(default, deserialize_with = "de::vec")]
    pub genres: Vec<Genre>,
}

/// `/watch/providers/movie` and `/watch/providers/tv` (one unpaged list).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct WatchProviderList {
    #[serde(default, deserialize_with = "de::vec")]
    pub results: Vec<WatchProvider>,
}
