//! TMDb's error envelope.

use serde::Deserialize;

use super::de;

/// The body of a refused request: `{status_code, status_message, success?}`, or
/// `{errors: [...]}` from validation failures (no `status_code` at all). Every key is
/// optional because each shape lacks some (`success` is missing before ~2017).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
pub struct TmdbStatus {
    /// 7 invalid key, 22 invalid page, 25 rate limit, 34 not found...
    #[serde(default, deserialize_with = "de::opt_i64")]
    pub status_code: Option<i64>,
    #[serde(default, deserialize_with = "de::opt_string")]
    pub status_message: Option<String>,
    #[serde(default, deserialize_with = "de::opt_bool")]
    pub success: Option<bool>,
    #[serde(default, deserialize_with = "de::vec")]
    pub errors: Vec<String>,
}

impl TmdbStatus {
    /// TMDb's "resource not found", which the crawler records as gone.
    pub const NOT_FOUND: i64 = 34;

    /// True for status 34.
    pub fn is_not_found(&self) -> bool {
        self.status_code == Some(Self::NOT_FOUND)
    }

    /// A short description for logs: the message, else the joined `errors`.
    pub fn message(&self) -> String {
        match de::non_empty(&self.status_message) {
            Some(m) => m.to_owned(),
            None => self.errors.join("; "),
        }
    }
}
