//! Keywords: `/keyword/{id}` and the `keywords` append.

use serde::Deserialize;

use super::de;

/// `/keyword/{id}`, and each entry of a `keywords` block.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct Keyword {
    #[serde(deserialize_with = "de::id")]
    pub id: u64,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub name: Option<String>,
}

/// The `keywords` append or `/…/keywords`: movies send `keywords`, series send `results`.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct Keywords {
    #[serde(default, deserialize_with = "de::opt_id")]
    pub id: Option<u64>,
    #[serde(default, deserialize_with = "de::vec")]
    pub keywords: Vec<Keyword>,
    #[serde(default, deserialize_with = "de::vec")]
    pub results: Vec<Keyword>,
}

impl Keywords {
    /// The keywords, whichever key carried them.
    pub fn all(&self) -> &[Keyword] {
        if self.keywords.is_empty() {
            &self.results
        } else {
            &self.keywords
        }
    }
}
