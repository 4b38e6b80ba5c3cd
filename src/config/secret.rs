//! The redacting types of the configuration: a [`Secret`] (API key, token) and a
//! [`DatabaseUrl`], whose `Debug`, `Display` and `Serialize` never show the secret part.

use std::fmt;
use std::path::PathBuf;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use url::Url;

use super::{ConfigError, DEFAULT_DATABASE_URL, MASK};

/// A secret string (API key, token). `Debug`, `Display` and `Serialize` give `***`.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    /// The real value, for the one place that needs it (an HTTP header, a query).
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(MASK)
    }
}

impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(MASK)
    }
}

impl From<String> for Secret {
    fn from(value: String) -> Self {
        Self(value)
    }
}

impl From<&str> for Secret {
    fn from(value: &str) -> Self {
        Self(value.to_owned())
    }
}

/// Shown masked: the configuration serializes as it is printed.
impl Serialize for Secret {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(MASK)
    }
}

impl<'de> Deserialize<'de> for Secret {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer).map(Secret)
    }
}

/// Lets clap parse a flag straight into a `Secret`.
impl FromStr for Secret {
    type Err = std::convert::Infallible;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(Self::from(s))
    }
}

/// The database engine, from the URL scheme.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Backend {
    Sqlite,
    MySql,
    Postgres,
}

impl fmt::Display for Backend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Sqlite => "sqlite",
            Self::MySql => "mysql",
            Self::Postgres => "postgres",
        })
    }
}

/// A database URL with a known backend. `Debug`, `Display` and `Serialize` mask the password.
#[derive(Clone, PartialEq, Eq)]
pub struct DatabaseUrl {
    url: String,
    backend: Backend,
}

impl DatabaseUrl {
    /// The built-in default: a SQLite file under `data/`.
    pub fn sqlite_default() -> Self {
        DatabaseUrl {
            url: DEFAULT_DATABASE_URL.to_owned(),
            backend: Backend::Sqlite,
        }
    }

    /// Checks that `url` is a URL with a supported scheme.
    pub fn parse(url: &str) -> Result<Self, ConfigError> {
        Self::parse_reason(url).map_err(|reason| ConfigError::InvalidValue {
            key: "database_url".to_owned(),
            origin: "the given value".to_owned(),
            reason,
        })
    }

    /// Like `parse`, with a bare reason so the caller can say where the value came from.
    /// The reason never contains the URL: it may hold a password.
    pub(super) fn parse_reason(url: &str) -> Result<Self, String> {
        let parsed = Url::parse(url).map_err(|e| format!("not a valid URL ({e})"))?;
        let backend = match parsed.scheme() {
            "sqlite" => Backend::Sqlite,
            "mysql" | "mariadb" => Backend::MySql,
            "postgres" | "postgresql" => Backend::Postgres,
            other => {
                return Err(format!(
                    "unsupported scheme `{other}` (expected sqlite, mysql, mariadb, postgres or postgresql)"
                ));
            }
        };
        Ok(Self {
            url: url.to_owned(),
            backend,
        })
    }

    /// The real URL, password included: only for connecting.
    pub fn expose(&self) -> &str {
        &self.url
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The URL with its password (and any `password=` query parameter) replaced by `***`.
    pub fn masked(&self) -> String {
        mask_url(&self.url)
    }

    /// `text` (say, a driver error) with this URL and its password replaced by `***`:
    /// drivers sometimes quote what they were given.
    pub fn scrub(&self, text: &str) -> String {
        let mut text = text.to_owned();
        for secret in &self.secrets() {
            if text.contains(secret.as_str()) {
                text = text.replace(secret.as_str(), MASK);
            }
        }
        text
    }

    /// The texts of this URL that must never be shown (the URL, its password, raw and
    /// decoded), longest first.
    pub fn secrets(&self) -> Vec<String> {
        let mut secrets = Vec::new();
        collect_url_secrets(&self.url, &mut secrets);
        let decoded: Vec<String> = secrets
            .iter()
            .filter_map(|s| migration::database_lock::percent_decode(s))
            .collect();
        secrets.extend(decoded);
        secrets.retain(|s| !s.is_empty());
        secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
        secrets
    }

    /// The database file of a SQLite URL, read the way sqlx reads it; `None` for other
    /// backends and in-memory databases.
    pub fn sqlite_path(&self) -> Option<PathBuf> {
        if self.backend != Backend::Sqlite {
            return None;
        }
        migration::database_lock::sqlite_file(&self.url)
    }
}

impl FromStr for DatabaseUrl {
    type Err = ConfigError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

/// Shown masked: the configuration serializes as it is printed.
impl Serialize for DatabaseUrl {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.masked())
    }
}

impl<'de> Deserialize<'de> for DatabaseUrl {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let url = String::deserialize(deserializer)?;
        DatabaseUrl::parse_reason(&url).map_err(serde::de::Error::custom)
    }
}

impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("DatabaseUrl").field(&self.masked()).finish()
    }
}

impl fmt::Display for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.masked())
    }
}

/// Masks the password of any URL; an unparsable URL is hidden entirely, since we
/// cannot tell where its password is.
fn mask_url(url: &str) -> String {
    let Ok(mut parsed) = Url::parse(url) else {
        return "(unparsable URL hidden)".to_owned();
    };
    if parsed.password().is_some() && parsed.set_password(Some(MASK)).is_err() {
        return "(URL hidden)".to_owned();
    }
    // libpq-style URLs may carry the password as a query parameter instead.
    let has_password_param = parsed
        .query_pairs()
        .any(|(k, _)| k.eq_ignore_ascii_case("password"));
    if has_password_param {
        let pairs: Vec<(String, String)> = parsed
            .query_pairs()
            .into_owned()
            .map(|(k, v)| {
                if k.eq_ignore_ascii_case("password") {
                    (k, MASK.to_owned())
                } else {
                    (k, v)
                }
            })
            .collect();
        parsed.query_pairs_mut().clear().extend_pairs(pairs);
    }
    if parsed.password().is_none() && !has_password_param {
        // Nothing to hide: keep the text exactly as written (the url crate may normalise it).
        return url.to_owned();
    }
    parsed.to_string()
}

/// A URL and the passwords inside it (user-info or a `password=` query parameter).
pub(super) fn collect_url_secrets(url: &str, secrets: &mut Vec<String>) {
    secrets.push(url.to_owned());
    if let Ok(parsed) = Url::parse(url) {
        secrets.extend(parsed.password().map(str::to_owned));
        secrets.extend(
            parsed
                .query_pairs()
                .filter(|(k, _)| k.eq_ignore_ascii_case("password"))
                .map(|(_, v)| v.into_owned()),
        );
    }
}
