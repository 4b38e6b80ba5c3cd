//! Crawler configuration, loaded with figment.
//!
//! Sources, lowest precedence first; each one overrides the ones before it:
//! 1. built-in defaults;
//! 2. the TOML file (`tmdb-crawler.toml` in the working directory unless another path is
//!    given; a missing file is fine, a malformed one is an error);
//! 3. the legacy environment of the Python crawler we replace (`DB_HOST`, `DB_PORT`,
//!    `DB_NAME`, `DB_USER`, `DB_PASSWORD`, `TMDB_API_KEY`, `TMDB_API_TOKEN`,
//!    `TMDB_API_DOMAIN_URL`, `USER_TIMEZONE`), so existing deployments keep working;
//! 4. `TMDB_CRAWLER_*` environment variables (`TMDB_CRAWLER_LANGUAGES=fr,de` for lists);
//! 5. command-line flags ([`ConfigOverrides`]).
//!
//! An empty environment variable counts as unset: `.env` files and compose files often
//! declare `VAR=` without a value, and that must not wipe out a lower layer.
//!
//! The API key, the API token and the database URL are secrets: their `Debug` and
//! `Display` are masked, and no [`ConfigError`] message ever carries their values.

use std::ffi::OsString;
use std::fmt;
use std::num::NonZeroU32;
use std::path::{Path, PathBuf};
use std::str::FromStr;

use chrono_tz::Tz;
use figment::error::Kind;
use figment::providers::{Format, Toml};
use figment::value::{Dict, Map, Value};
use figment::{Figment, Metadata, Profile, Provider};
use serde::Deserialize;
use url::Url;

/// The file read when no other path is given.
pub const DEFAULT_CONFIG_FILE: &str = "tmdb-crawler.toml";
/// Prefix of the environment variables that override the file.
pub const ENV_PREFIX: &str = "TMDB_CRAWLER_";

pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/tmdb.sqlite?mode=rwc";
pub const DEFAULT_API_BASE_URL: &str = "https://api.themoviedb.org";
pub const DEFAULT_EXPORTS_BASE_URL: &str = "https://files.tmdb.org/p/exports";
pub const DEFAULT_RATE_LIMIT_PER_SECOND: u32 = 40;
pub const DEFAULT_MAX_IN_FLIGHT: u32 = 20;
pub const DEFAULT_TIMEZONE: &str = "Europe/Paris";
pub const DEFAULT_LANGUAGE: &str = "fr";
pub const DEFAULT_INCLUDE_ADULT: bool = false;
pub const DEFAULT_RAW_JSON: bool = false;
pub const DEFAULT_REFRESH_AFTER_DAYS: u32 = 30;
/// Ten minutes without completed work end a run.
pub const DEFAULT_STALL_TIMEOUT_SECS: u32 = 600;
/// Seconds a unit of database work is retried while the database is unavailable.
pub const DEFAULT_DATABASE_RETRY_BUDGET_SECS: u32 = 120;
pub const DEFAULT_CONNECT_TIMEOUT_SECS: u32 = 10;
pub const DEFAULT_REQUEST_TIMEOUT_SECS: u32 = 60;
pub const DEFAULT_REFRESH_MAX_PER_RUN: u32 = 5_000;

/// Every key the TOML file may hold (it is checked, so typos are reported).
pub const KEYS: [&str; 17] = [
    "database_url",
    "api_key",
    "api_token",
    "api_base_url",
    "exports_base_url",
    "rate_limit_per_second",
    "max_in_flight",
    "timezone",
    "languages",
    "include_adult",
    "raw_json",
    "refresh_after_days",
    "refresh_max_per_run",
    "stall_timeout",
    "database_retry_budget",
    "connect_timeout",
    "request_timeout",
];

/// Keys whose values must never appear in output or errors.
const SECRET_KEYS: [&str; 3] = ["database_url", "api_key", "api_token"];

/// Legacy (Python crawler) variables and the key each one feeds.
const LEGACY_VARS: [(&str, &str); 5] = [
    (
        "database_url",
        "DB_HOST/DB_PORT/DB_NAME/DB_USER/DB_PASSWORD",
    ),
    ("api_key", "TMDB_API_KEY"),
    ("api_token", "TMDB_API_TOKEN"),
    ("api_base_url", "TMDB_API_DOMAIN_URL"),
    ("timezone", "USER_TIMEZONE"),
];

const ORIGIN_DEFAULTS: &str = "built-in defaults";
const ORIGIN_FILE: &str = "TOML file";
const ORIGIN_LEGACY_ENV: &str = "legacy environment";
const ORIGIN_ENV: &str = "TMDB_CRAWLER_* environment";
const ORIGIN_CLI: &str = "command-line flags";

/// Shown instead of a secret.
const MASK: &str = "***";

/// A configuration problem. Messages are one line and never contain a secret value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read config file {}: {reason}", path.display())]
    ReadFile { path: PathBuf, reason: String },
    #[error("malformed config file {}: {reason}", path.display())]
    ParseFile { path: PathBuf, reason: String },
    #[error("unknown key `{key}` in {origin} (known keys: {})", KEYS.join(", "))]
    UnknownKey { key: String, origin: String },
    #[error("invalid `{key}` (from {origin}): {reason}")]
    InvalidValue {
        key: String,
        origin: String,
        reason: String,
    },
    #[error("invalid environment variable {var}: {reason}")]
    InvalidEnv { var: String, reason: String },
}

impl ConfigError {
    /// Last line of defence: replaces any known secret value that slipped into a message.
    fn scrubbed(self, secrets: &[String]) -> Self {
        let scrub = |mut text: String| {
            for secret in secrets {
                if text.contains(secret.as_str()) {
                    text = text.replace(secret.as_str(), MASK);
                }
            }
            text
        };
        match self {
            Self::ReadFile { path, reason } => Self::ReadFile {
                path,
                reason: scrub(reason),
            },
            Self::ParseFile { path, reason } => Self::ParseFile {
                path,
                reason: scrub(reason),
            },
            Self::UnknownKey { key, origin } => Self::UnknownKey {
                key: scrub(key),
                origin,
            },
            Self::InvalidValue {
                key,
                origin,
                reason,
            } => Self::InvalidValue {
                key,
                origin,
                reason: scrub(reason),
            },
            Self::InvalidEnv { var, reason } => Self::InvalidEnv {
                var,
                reason: scrub(reason),
            },
        }
    }
}

/// A secret string (API key, token). `Debug` and `Display` print `***`.
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

/// A database URL with a known backend. `Debug` and `Display` mask the password.
#[derive(Clone, PartialEq, Eq)]
pub struct DatabaseUrl {
    url: String,
    backend: Backend,
}

impl DatabaseUrl {
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
    fn parse_reason(url: &str) -> Result<Self, String> {
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

/// The effective configuration.
#[derive(Debug, Clone, PartialEq)]
pub struct Config {
    pub database_url: DatabaseUrl,
    pub api_key: Option<Secret>,
    pub api_token: Option<Secret>,
    /// No trailing slash, so callers can append `/3/...`.
    pub api_base_url: String,
    /// No trailing slash, so callers can append `/{file}`.
    pub exports_base_url: String,
    pub rate_limit_per_second: NonZeroU32,
    pub max_in_flight: NonZeroU32,
    pub timezone: Tz,
    /// Non-empty; each `xx` or `xx-YY`.
    pub languages: Vec<String>,
    /// Also imports TMDb's adult ID export files (`adult_movie`, `adult_tv_series`,
    /// `adult_person`) and keeps adult entries of the changes feed.
    pub include_adult: bool,
    /// Fill the legacy raw-JSON columns (`API_URL`, `API_RESULT`, `CRAWLER_VERSION`) where the
    /// schema still has them.
    pub raw_json: bool,
    /// Processes 22 and 24-27 refresh records not updated for this many days.
    pub refresh_after_days: u32,
    /// At most this many records per refresh process and run (oldest first).
    pub refresh_max_per_run: u32,
    /// Seconds without any completed entity, page or export batch, while work remains,
    /// after which a run ends itself (exit code 1).
    pub stall_timeout: u32,
    /// Seconds a unit of database work (an entity's transaction, a page, the variables) is
    /// retried while the database is unreachable; beyond it the run stops (exit code 3).
    pub database_retry_budget: u32,
    /// Seconds to open a connection to TMDb (API and export files).
    pub connect_timeout: u32,
    /// Seconds to wait for a response head, and then for each part of its body (an idle
    /// timeout): a stalled request or download is cut and retried.
    pub request_timeout: u32,
}

impl Default for Config {
    fn default() -> Self {
        Self {
            database_url: DatabaseUrl {
                url: DEFAULT_DATABASE_URL.to_owned(),
                backend: Backend::Sqlite,
            },
            api_key: None,
            api_token: None,
            api_base_url: DEFAULT_API_BASE_URL.to_owned(),
            exports_base_url: DEFAULT_EXPORTS_BASE_URL.to_owned(),
            rate_limit_per_second: NonZeroU32::new(DEFAULT_RATE_LIMIT_PER_SECOND)
                .unwrap_or(NonZeroU32::MIN),
            max_in_flight: NonZeroU32::new(DEFAULT_MAX_IN_FLIGHT).unwrap_or(NonZeroU32::MIN),
            timezone: Tz::Europe__Paris,
            languages: vec![DEFAULT_LANGUAGE.to_owned()],
            include_adult: DEFAULT_INCLUDE_ADULT,
            raw_json: DEFAULT_RAW_JSON,
            refresh_after_days: DEFAULT_REFRESH_AFTER_DAYS,
            refresh_max_per_run: DEFAULT_REFRESH_MAX_PER_RUN,
            stall_timeout: DEFAULT_STALL_TIMEOUT_SECS,
            database_retry_budget: DEFAULT_DATABASE_RETRY_BUDGET_SECS,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT_SECS,
            request_timeout: DEFAULT_REQUEST_TIMEOUT_SECS,
        }
    }
}

/// Values given on the command line; `None` leaves the lower layers alone.
#[derive(Clone, Default)]
pub struct ConfigOverrides {
    pub database_url: Option<String>,
    pub api_key: Option<Secret>,
    pub api_token: Option<Secret>,
    pub api_base_url: Option<String>,
    pub exports_base_url: Option<String>,
    pub rate_limit_per_second: Option<u32>,
    pub max_in_flight: Option<u32>,
    pub timezone: Option<String>,
    pub languages: Option<Vec<String>>,
    pub include_adult: Option<bool>,
    pub raw_json: Option<bool>,
    pub refresh_after_days: Option<u32>,
    pub refresh_max_per_run: Option<u32>,
    pub stall_timeout: Option<u32>,
    pub database_retry_budget: Option<u32>,
    pub connect_timeout: Option<u32>,
    pub request_timeout: Option<u32>,
}

// Written by hand: a derived Debug would print the database password.
impl fmt::Debug for ConfigOverrides {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ConfigOverrides")
            .field("database_url", &self.database_url.as_deref().map(mask_url))
            .field("api_key", &self.api_key)
            .field("api_token", &self.api_token)
            .field("api_base_url", &self.api_base_url)
            .field("exports_base_url", &self.exports_base_url)
            .field("rate_limit_per_second", &self.rate_limit_per_second)
            .field("max_in_flight", &self.max_in_flight)
            .field("timezone", &self.timezone)
            .field("languages", &self.languages)
            .field("include_adult", &self.include_adult)
            .field("raw_json", &self.raw_json)
            .field("refresh_after_days", &self.refresh_after_days)
            .field("refresh_max_per_run", &self.refresh_max_per_run)
            .field("stall_timeout", &self.stall_timeout)
            .field("database_retry_budget", &self.database_retry_budget)
            .field("connect_timeout", &self.connect_timeout)
            .field("request_timeout", &self.request_timeout)
            .finish()
    }
}

impl Config {
    /// Every secret value of this configuration: the API key and token, the database URL and
    /// its password.
    pub fn secrets(&self) -> Vec<String> {
        let mut secrets = self.database_url.secrets();
        for secret in [&self.api_key, &self.api_token].into_iter().flatten() {
            secrets.push(secret.expose().to_owned());
        }
        secrets
    }

    /// Loads the configuration from `file`, the process environment and `overrides`.
    pub fn load(file: &Path, overrides: &ConfigOverrides) -> Result<Self, ConfigError> {
        Self::load_with_env(file, overrides, |name| std::env::var_os(name))
    }

    /// Like [`Config::load`], with the environment read through `env` (a test seam).
    pub fn load_with_env<F>(
        file: &Path,
        overrides: &ConfigOverrides,
        env: F,
    ) -> Result<Self, ConfigError>
    where
        F: Fn(&str) -> Option<OsString>,
    {
        let env = EnvSource(&env);
        let mut secrets = Vec::new();
        let result = load_layers(file, overrides, &env, &mut secrets);
        // Longest first, so a full URL is masked before the password inside it.
        secrets.retain(|s| !s.is_empty());
        secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
        result.map_err(|e| e.scrubbed(&secrets))
    }

    /// The effective configuration as `key = value` lines, secrets masked.
    pub fn render_masked(&self) -> String {
        let secret = |s: &Option<Secret>| if s.is_some() { MASK } else { "(unset)" };
        let languages: Vec<String> = self.languages.iter().map(|l| format!("{l:?}")).collect();
        format!(
            "database_url = {:?}\n\
             api_key = {}\n\
             api_token = {}\n\
             api_base_url = {:?}\n\
             exports_base_url = {:?}\n\
             rate_limit_per_second = {}\n\
             max_in_flight = {}\n\
             timezone = {:?}\n\
             languages = [{}]\n\
             include_adult = {}\n\
             raw_json = {}\n\
             refresh_after_days = {}\n\
             refresh_max_per_run = {}\n\
             stall_timeout = {}\n\
             database_retry_budget = {}\n\
             connect_timeout = {}\n\
             request_timeout = {}\n",
            self.database_url.masked(),
            secret(&self.api_key),
            secret(&self.api_token),
            self.api_base_url,
            self.exports_base_url,
            self.rate_limit_per_second,
            self.max_in_flight,
            self.timezone.name(),
            languages.join(", "),
            self.include_adult,
            self.raw_json,
            self.refresh_after_days,
            self.refresh_max_per_run,
            self.stall_timeout,
            self.database_retry_budget,
            self.connect_timeout,
            self.request_timeout,
        )
    }
}

impl fmt::Display for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.render_masked())
    }
}

/// What figment extracts; validated into [`Config`] afterwards, where we control the
/// messages and can name the source of each bad value.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    database_url: String,
    api_key: Option<String>,
    api_token: Option<String>,
    api_base_url: String,
    exports_base_url: String,
    rate_limit_per_second: u32,
    max_in_flight: u32,
    timezone: String,
    languages: Vec<String>,
    include_adult: bool,
    raw_json: bool,
    refresh_after_days: u32,
    refresh_max_per_run: u32,
    stall_timeout: u32,
    database_retry_budget: u32,
    connect_timeout: u32,
    request_timeout: u32,
}

/// One partial layer (defaults, legacy env, prefixed env, CLI). No `Debug`: it holds
/// secrets in clear.
#[derive(Default)]
struct Layer {
    database_url: Option<String>,
    api_key: Option<String>,
    api_token: Option<String>,
    api_base_url: Option<String>,
    exports_base_url: Option<String>,
    rate_limit_per_second: Option<u32>,
    max_in_flight: Option<u32>,
    timezone: Option<String>,
    languages: Option<Vec<String>>,
    include_adult: Option<bool>,
    raw_json: Option<bool>,
    refresh_after_days: Option<u32>,
    refresh_max_per_run: Option<u32>,
    stall_timeout: Option<u32>,
    database_retry_budget: Option<u32>,
    connect_timeout: Option<u32>,
    request_timeout: Option<u32>,
}

impl Layer {
    fn defaults() -> Self {
        Self {
            database_url: Some(DEFAULT_DATABASE_URL.to_owned()),
            api_key: None,
            api_token: None,
            api_base_url: Some(DEFAULT_API_BASE_URL.to_owned()),
            exports_base_url: Some(DEFAULT_EXPORTS_BASE_URL.to_owned()),
            rate_limit_per_second: Some(DEFAULT_RATE_LIMIT_PER_SECOND),
            max_in_flight: Some(DEFAULT_MAX_IN_FLIGHT),
            timezone: Some(DEFAULT_TIMEZONE.to_owned()),
            languages: Some(vec![DEFAULT_LANGUAGE.to_owned()]),
            include_adult: Some(DEFAULT_INCLUDE_ADULT),
            raw_json: Some(DEFAULT_RAW_JSON),
            refresh_after_days: Some(DEFAULT_REFRESH_AFTER_DAYS),
            refresh_max_per_run: Some(DEFAULT_REFRESH_MAX_PER_RUN),
            stall_timeout: Some(DEFAULT_STALL_TIMEOUT_SECS),
            database_retry_budget: Some(DEFAULT_DATABASE_RETRY_BUDGET_SECS),
            connect_timeout: Some(DEFAULT_CONNECT_TIMEOUT_SECS),
            request_timeout: Some(DEFAULT_REQUEST_TIMEOUT_SECS),
        }
    }

    fn from_overrides(o: &ConfigOverrides) -> Self {
        Self {
            database_url: o.database_url.clone(),
            api_key: o.api_key.as_ref().map(|s| s.expose().to_owned()),
            api_token: o.api_token.as_ref().map(|s| s.expose().to_owned()),
            api_base_url: o.api_base_url.clone(),
            exports_base_url: o.exports_base_url.clone(),
            rate_limit_per_second: o.rate_limit_per_second,
            max_in_flight: o.max_in_flight,
            timezone: o.timezone.clone(),
            languages: o.languages.clone(),
            include_adult: o.include_adult,
            raw_json: o.raw_json,
            refresh_after_days: o.refresh_after_days,
            refresh_max_per_run: o.refresh_max_per_run,
            stall_timeout: o.stall_timeout,
            database_retry_budget: o.database_retry_budget,
            connect_timeout: o.connect_timeout,
            request_timeout: o.request_timeout,
        }
    }

    fn collect_secrets(&self, secrets: &mut Vec<String>) {
        secrets.extend(self.api_key.iter().cloned());
        secrets.extend(self.api_token.iter().cloned());
        if let Some(url) = &self.database_url {
            collect_url_secrets(url, secrets);
        }
    }

    /// Only the keys that are set, so unset ones do not hide lower layers.
    fn into_dict(self) -> Dict {
        fn put<V: Into<Value>>(dict: &mut Dict, key: &str, value: Option<V>) {
            if let Some(value) = value {
                dict.insert(key.to_owned(), value.into());
            }
        }
        let mut dict = Dict::new();
        put(&mut dict, "database_url", self.database_url);
        put(&mut dict, "api_key", self.api_key);
        put(&mut dict, "api_token", self.api_token);
        put(&mut dict, "api_base_url", self.api_base_url);
        put(&mut dict, "exports_base_url", self.exports_base_url);
        put(
            &mut dict,
            "rate_limit_per_second",
            self.rate_limit_per_second,
        );
        put(&mut dict, "max_in_flight", self.max_in_flight);
        put(&mut dict, "timezone", self.timezone);
        put(&mut dict, "languages", self.languages);
        put(&mut dict, "include_adult", self.include_adult);
        put(&mut dict, "raw_json", self.raw_json);
        put(&mut dict, "refresh_after_days", self.refresh_after_days);
        put(&mut dict, "refresh_max_per_run", self.refresh_max_per_run);
        put(&mut dict, "stall_timeout", self.stall_timeout);
        put(
            &mut dict,
            "database_retry_budget",
            self.database_retry_budget,
        );
        put(&mut dict, "connect_timeout", self.connect_timeout);
        put(&mut dict, "request_timeout", self.request_timeout);
        dict
    }
}

fn collect_url_secrets(url: &str, secrets: &mut Vec<String>) {
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

/// A figment provider with a name of ours, so errors can say where a value came from.
struct NamedProvider {
    metadata: Metadata,
    dict: Dict,
}

impl Provider for NamedProvider {
    fn metadata(&self) -> Metadata {
        self.metadata.clone()
    }

    fn data(&self) -> Result<Map<Profile, Dict>, figment::Error> {
        Ok(Profile::Default.collect(self.dict.clone()))
    }
}

fn layer_provider(name: &'static str, layer: Layer) -> NamedProvider {
    NamedProvider {
        metadata: Metadata::named(name),
        dict: layer.into_dict(),
    }
}

/// Reads environment variables through the given source.
struct EnvSource<'a>(&'a dyn Fn(&str) -> Option<OsString>);

impl EnvSource<'_> {
    /// `None` when unset or empty.
    fn var(&self, name: &str) -> Result<Option<String>, ConfigError> {
        match (self.0)(name) {
            None => Ok(None),
            Some(value) => match value.into_string() {
                Ok(value) if value.is_empty() => Ok(None),
                Ok(value) => Ok(Some(value)),
                Err(_) => Err(ConfigError::InvalidEnv {
                    var: name.to_owned(),
                    reason: "not valid UTF-8".to_owned(),
                }),
            },
        }
    }

    fn number<T: FromStr>(&self, name: &str) -> Result<Option<T>, ConfigError> {
        let Some(text) = self.var(name)? else {
            return Ok(None);
        };
        text.trim()
            .parse()
            .map(Some)
            .map_err(|_| ConfigError::InvalidEnv {
                var: name.to_owned(),
                reason: format!("expected a whole number, got `{text}`"),
            })
    }

    /// `true`/`false`, `1`/`0` or `yes`/`no`, in any case.
    fn flag(&self, name: &str) -> Result<Option<bool>, ConfigError> {
        let Some(text) = self.var(name)? else {
            return Ok(None);
        };
        match text.trim().to_ascii_lowercase().as_str() {
            "true" | "1" | "yes" => Ok(Some(true)),
            "false" | "0" | "no" => Ok(Some(false)),
            _ => Err(ConfigError::InvalidEnv {
                var: name.to_owned(),
                reason: format!("expected true/false, 1/0 or yes/no, got `{text}`"),
            }),
        }
    }
}

fn load_layers(
    file: &Path,
    overrides: &ConfigOverrides,
    env: &EnvSource<'_>,
    secrets: &mut Vec<String>,
) -> Result<Config, ConfigError> {
    // Secrets are gathered before anything can fail, so every error can be scrubbed.
    for var in ["DB_PASSWORD", "TMDB_API_KEY", "TMDB_API_TOKEN"] {
        if let Ok(Some(value)) = env.var(var) {
            secrets.push(value);
        }
    }
    let prefixed = prefixed_env_layer(env)?;
    prefixed.collect_secrets(secrets);
    let cli = Layer::from_overrides(overrides);
    cli.collect_secrets(secrets);

    let file_data = read_toml_file(file)?;
    if let Some(data) = &file_data {
        for dict in data.values() {
            for key in SECRET_KEYS {
                if let Some(text) = dict.get(key).and_then(Value::as_str) {
                    collect_url_secrets(text, secrets);
                }
            }
        }
    }

    // A database URL set the new way shadows the legacy DB_* variables entirely, so a
    // stale or broken legacy setting must not stop such a run.
    let shadowed = prefixed.database_url.is_some() || cli.database_url.is_some();
    let legacy = legacy_env_layer(env, shadowed)?;
    legacy.collect_secrets(secrets);

    let mut figment = Figment::new().merge(layer_provider(ORIGIN_DEFAULTS, Layer::defaults()));
    if let Some(data) = file_data {
        figment = figment.merge(NamedProvider {
            metadata: Metadata::named(ORIGIN_FILE).source(file),
            dict: data.into_values().next().unwrap_or_default(),
        });
    }
    let figment = figment
        .merge(layer_provider(ORIGIN_LEGACY_ENV, legacy))
        .merge(layer_provider(ORIGIN_ENV, prefixed))
        .merge(layer_provider(ORIGIN_CLI, cli));

    let raw: RawConfig = figment
        .extract()
        .map_err(|e| from_figment_error(&figment, e))?;
    validate(raw, |key| origin_of(&figment, key))
}

/// The TOML file's data, `None` when the file does not exist.
fn read_toml_file(path: &Path) -> Result<Option<Map<Profile, Dict>>, ConfigError> {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            tracing::debug!(path = %path.display(), "no config file, using defaults and environment");
            return Ok(None);
        }
        Err(e) => {
            return Err(ConfigError::ReadFile {
                path: path.to_owned(),
                reason: e.to_string(),
            });
        }
    };
    Toml::string(&text)
        .data()
        .map(Some)
        .map_err(|e| ConfigError::ParseFile {
            path: path.to_owned(),
            reason: toml_problem(&e.kind.to_string()),
        })
}

/// The toml crate quotes the offending source line, which may hold a secret; keep only
/// the position and the explanation, on one line.
fn toml_problem(message: &str) -> String {
    let mut position = None;
    let mut explanation = Vec::new();
    for line in message.lines().map(str::trim).filter(|l| !l.is_empty()) {
        if let Some(rest) = line.strip_prefix("TOML parse error at ") {
            position = Some(rest);
        } else if !line
            .trim_start_matches(|c: char| c.is_ascii_digit())
            .trim_start()
            .starts_with('|')
        {
            explanation.push(line);
        }
    }
    let explanation = if explanation.is_empty() {
        "syntax error".to_owned()
    } else {
        explanation.join("; ")
    };
    match position {
        Some(position) => format!("{position}: {explanation}"),
        None => explanation,
    }
}

fn prefixed_env_layer(env: &EnvSource<'_>) -> Result<Layer, ConfigError> {
    let var = |key: &str| env.var(&format!("{ENV_PREFIX}{}", key.to_ascii_uppercase()));
    let number = |key: &str| env.number(&format!("{ENV_PREFIX}{}", key.to_ascii_uppercase()));
    let flag = |key: &str| env.flag(&format!("{ENV_PREFIX}{}", key.to_ascii_uppercase()));
    Ok(Layer {
        database_url: var("database_url")?,
        api_key: var("api_key")?,
        api_token: var("api_token")?,
        api_base_url: var("api_base_url")?,
        exports_base_url: var("exports_base_url")?,
        rate_limit_per_second: number("rate_limit_per_second")?,
        max_in_flight: number("max_in_flight")?,
        timezone: var("timezone")?,
        languages: var("languages")?.map(|list| {
            list.split(',')
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(str::to_owned)
                .collect()
        }),
        include_adult: flag("include_adult")?,
        raw_json: flag("raw_json")?,
        refresh_after_days: number("refresh_after_days")?,
        refresh_max_per_run: number("refresh_max_per_run")?,
        stall_timeout: number("stall_timeout")?,
        database_retry_budget: number("database_retry_budget")?,
        connect_timeout: number("connect_timeout")?,
        request_timeout: number("request_timeout")?,
    })
}

fn legacy_env_layer(env: &EnvSource<'_>, database_shadowed: bool) -> Result<Layer, ConfigError> {
    let database_url = if database_shadowed {
        None
    } else {
        legacy_database_url(env)?
    };
    Ok(Layer {
        database_url,
        api_key: env.var("TMDB_API_KEY")?,
        api_token: env.var("TMDB_API_TOKEN")?,
        api_base_url: env.var("TMDB_API_DOMAIN_URL")?,
        timezone: env.var("USER_TIMEZONE")?,
        ..Layer::default()
    })
}

/// `mysql://USER:PASSWORD@HOST:PORT/NAME` from the Python crawler's `DB_*` variables.
fn legacy_database_url(env: &EnvSource<'_>) -> Result<Option<String>, ConfigError> {
    let host = env.var("DB_HOST")?;
    let name = env.var("DB_NAME")?;
    if host.is_none() && name.is_none() {
        return Ok(None);
    }
    let Some(name) = name else {
        return Err(ConfigError::InvalidEnv {
            var: "DB_NAME".to_owned(),
            reason: "must be set when DB_HOST is set (legacy MySQL settings)".to_owned(),
        });
    };
    // PyMySQL's defaults, which the Python crawler relied on.
    let host = host.unwrap_or_else(|| "localhost".to_owned());
    let host = if host.contains(':') && !host.starts_with('[') {
        format!("[{host}]") // bare IPv6 address
    } else {
        host
    };
    let port: u16 = env.number("DB_PORT")?.unwrap_or(3306);
    let user = env.var("DB_USER")?.unwrap_or_else(|| "root".to_owned());
    let password = env
        .var("DB_PASSWORD")?
        .map(|p| format!(":{}", percent_encode(&p)))
        .unwrap_or_default();
    Ok(Some(format!(
        "mysql://{}{password}@{host}:{port}/{}",
        percent_encode(&user),
        percent_encode(&name)
    )))
}

/// Encodes everything but RFC 3986 unreserved characters. The url crate's own setters
/// leave `%` alone, which would corrupt a password such as `50%off`.
fn percent_encode(text: &str) -> String {
    const HEX: &[u8; 16] = b"0123456789ABCDEF";
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            out.push(char::from(byte));
        } else {
            out.push('%');
            out.push(char::from(HEX[usize::from(byte >> 4)]));
            out.push(char::from(HEX[usize::from(byte & 0x0f)]));
        }
    }
    out
}

/// Describes the layer that set `key`, naming the variable when it is one.
fn origin_of(figment: &Figment, key: &str) -> String {
    let Some(metadata) = figment.find_metadata(key) else {
        return "configuration".to_owned();
    };
    match metadata.name.as_ref() {
        ORIGIN_ENV => format!(
            "environment variable {ENV_PREFIX}{}",
            key.to_ascii_uppercase()
        ),
        ORIGIN_LEGACY_ENV => match LEGACY_VARS.iter().find(|(k, _)| *k == key) {
            Some((_, vars)) => format!("legacy environment variable {vars}"),
            None => ORIGIN_LEGACY_ENV.to_owned(),
        },
        name => match metadata.source.as_ref().and_then(|s| s.file_path()) {
            Some(path) => format!("{name} {}", path.display()),
            None => name.to_owned(),
        },
    }
}

/// Figment errors may quote the offending value; for secret keys the value is dropped.
fn from_figment_error(figment: &Figment, error: figment::Error) -> ConfigError {
    // Deserialization stops at the first problem, so the first error is the one to report.
    let key = error.path.join(".");
    if let Kind::UnknownField(field, _) = &error.kind {
        return ConfigError::UnknownKey {
            key: field.clone(),
            origin: origin_of(figment, field),
        };
    }
    let secret = key.is_empty() || SECRET_KEYS.contains(&key.as_str());
    let reason = match &error.kind {
        Kind::InvalidType(_, expected) if secret => {
            format!("expected {expected} (value not shown)")
        }
        _ if secret => "invalid value (not shown)".to_owned(),
        kind => kind.to_string(),
    };
    let origin = if key.is_empty() {
        error
            .metadata
            .as_ref()
            .map_or_else(|| "configuration".to_owned(), |m| m.name.to_string())
    } else {
        origin_of(figment, &key)
    };
    ConfigError::InvalidValue {
        key: if key.is_empty() {
            "configuration".to_owned()
        } else {
            key
        },
        origin,
        reason,
    }
}

fn validate(raw: RawConfig, origin: impl Fn(&str) -> String) -> Result<Config, ConfigError> {
    let invalid = |key: &str, reason: String| ConfigError::InvalidValue {
        key: key.to_owned(),
        origin: origin(key),
        reason,
    };

    let database_url = DatabaseUrl::parse_reason(&raw.database_url)
        .map_err(|reason| invalid("database_url", reason))?;
    let api_base_url =
        http_base_url(&raw.api_base_url).map_err(|reason| invalid("api_base_url", reason))?;
    let exports_base_url = http_base_url(&raw.exports_base_url)
        .map_err(|reason| invalid("exports_base_url", reason))?;
    let at_least_one = |key: &str, value: u32| {
        NonZeroU32::new(value).ok_or_else(|| invalid(key, "must be at least 1, got 0".to_owned()))
    };
    let rate_limit_per_second = at_least_one("rate_limit_per_second", raw.rate_limit_per_second)?;
    let max_in_flight = at_least_one("max_in_flight", raw.max_in_flight)?;
    for (key, seconds) in [
        ("stall_timeout", raw.stall_timeout),
        ("database_retry_budget", raw.database_retry_budget),
        ("connect_timeout", raw.connect_timeout),
        ("request_timeout", raw.request_timeout),
    ] {
        if seconds == 0 {
            return Err(invalid(key, "must be at least 1 second, got 0".to_owned()));
        }
    }
    let timezone: Tz = raw.timezone.parse().map_err(|_| {
        invalid(
            "timezone",
            format!(
                "unknown time zone `{}` (expected an IANA name such as Europe/Paris)",
                raw.timezone
            ),
        )
    })?;
    if raw.languages.is_empty() {
        return Err(invalid(
            "languages",
            "must list at least one language".to_owned(),
        ));
    }
    if let Some(bad) = raw.languages.iter().find(|l| !is_language_code(l)) {
        return Err(invalid(
            "languages",
            format!("`{bad}` is not a language code like `fr` or `fr-FR`"),
        ));
    }

    Ok(Config {
        database_url,
        // An empty secret is as good as none; treating it as set would only fail later.
        api_key: raw.api_key.filter(|s| !s.is_empty()).map(Secret::from),
        api_token: raw.api_token.filter(|s| !s.is_empty()).map(Secret::from),
        api_base_url,
        exports_base_url,
        rate_limit_per_second,
        max_in_flight,
        timezone,
        languages: raw.languages,
        include_adult: raw.include_adult,
        raw_json: raw.raw_json,
        refresh_after_days: raw.refresh_after_days,
        refresh_max_per_run: raw.refresh_max_per_run,
        stall_timeout: raw.stall_timeout,
        database_retry_budget: raw.database_retry_budget,
        connect_timeout: raw.connect_timeout,
        request_timeout: raw.request_timeout,
    })
}

/// Checks an http(s) base URL and drops trailing slashes. The reason never quotes the
/// URL, in case it carries credentials.
fn http_base_url(text: &str) -> Result<String, String> {
    let parsed = Url::parse(text).map_err(|e| format!("not a valid URL ({e})"))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(format!(
            "scheme must be http or https, not `{}`",
            parsed.scheme()
        ));
    }
    Ok(text.trim_end_matches('/').to_owned())
}

/// `xx` or `xx-YY`, as TMDb's `language` parameter expects.
fn is_language_code(code: &str) -> bool {
    let bytes = code.as_bytes();
    match bytes {
        [a, b] => a.is_ascii_lowercase() && b.is_ascii_lowercase(),
        [a, b, b'-', c, d] => {
            a.is_ascii_lowercase()
                && b.is_ascii_lowercase()
                && c.is_ascii_uppercase()
                && d.is_ascii_uppercase()
        }
        _ => false,
    }
}

#[cfg(test)]
// figment::Jail closures must return figment::Error, which is large.
#[allow(clippy::result_large_err)]
mod tests {
    use super::*;
    use figment::Jail;

    const FILE: &str = DEFAULT_CONFIG_FILE;
    /// Every environment variable the module reads.
    const ENV_VARS: [&str; 23] = [
        "DB_HOST",
        "DB_PORT",
        "DB_NAME",
        "DB_USER",
        "DB_PASSWORD",
        "TMDB_API_KEY",
        "TMDB_API_TOKEN",
        "TMDB_API_DOMAIN_URL",
        "USER_TIMEZONE",
        "TMDB_CRAWLER_DATABASE_URL",
        "TMDB_CRAWLER_API_KEY",
        "TMDB_CRAWLER_API_TOKEN",
        "TMDB_CRAWLER_API_BASE_URL",
        "TMDB_CRAWLER_EXPORTS_BASE_URL",
        "TMDB_CRAWLER_RATE_LIMIT_PER_SECOND",
        "TMDB_CRAWLER_MAX_IN_FLIGHT",
        "TMDB_CRAWLER_TIMEZONE",
        "TMDB_CRAWLER_LANGUAGES",
        "TMDB_CRAWLER_INCLUDE_ADULT",
        "TMDB_CRAWLER_STALL_TIMEOUT",
        "TMDB_CRAWLER_DATABASE_RETRY_BUDGET",
        "TMDB_CRAWLER_CONNECT_TIMEOUT",
        "TMDB_CRAWLER_REQUEST_TIMEOUT",
    ];

    const SECRETS: [&str; 3] = ["sekret-key", "sekret-token", "pw-sekret"];

    /// Blanks every variable we read (empty = unset) without clearing the whole
    /// environment, which other tests running in parallel may need.
    fn isolate(jail: &mut Jail) {
        for var in ENV_VARS {
            jail.set_env(var, "");
        }
    }

    fn load(overrides: &ConfigOverrides) -> figment::Result<Config> {
        Config::load(Path::new(FILE), overrides).map_err(|e| e.to_string().into())
    }

    fn load_err(jail_file: &str) -> figment::Result<ConfigError> {
        match Config::load(Path::new(jail_file), &ConfigOverrides::default()) {
            Ok(_) => Err("expected a configuration error".into()),
            Err(e) => Ok(e),
        }
    }

    fn assert_no_secret(text: &str) {
        for secret in SECRETS {
            assert!(!text.contains(secret), "secret {secret} leaked in: {text}");
        }
    }

    #[test]
    fn defaults_when_nothing_is_configured() {
        Jail::expect_with(|jail| {
            isolate(jail);
            let config = load(&ConfigOverrides::default())?;
            assert_eq!(
                config.database_url.expose(),
                "sqlite://data/tmdb.sqlite?mode=rwc"
            );
            assert_eq!(config.database_url.backend(), Backend::Sqlite);
            assert_eq!(config.api_key, None);
            assert_eq!(config.api_token, None);
            assert_eq!(config.api_base_url, "https://api.themoviedb.org");
            assert_eq!(config.exports_base_url, "https://files.tmdb.org/p/exports");
            assert_eq!(config.rate_limit_per_second.get(), 40);
            assert_eq!(config.max_in_flight.get(), 20);
            assert_eq!(config.timezone, Tz::Europe__Paris);
            assert_eq!(config.languages, vec!["fr".to_owned()]);
            assert!(!config.include_adult);
            assert_eq!(config, Config::default());
            Ok(())
        });
    }

    #[test]
    fn toml_overrides_defaults() {
        Jail::expect_with(|jail| {
            isolate(jail);
            jail.create_file(
                FILE,
                r#"
                database_url = "postgres://crawler@db/tmdb"
                api_key = "file-key"
                api_base_url = "http://localhost:8080/"
                rate_limit_per_second = 10
                timezone = "UTC"
                languages = ["en", "fr-FR"]
                "#,
            )?;
            let config = load(&ConfigOverrides::default())?;
            assert_eq!(config.database_url.expose(), "postgres://crawler@db/tmdb");
            assert_eq!(config.database_url.backend(), Backend::Postgres);
            assert_eq!(
                config.api_key.as_ref().map(Secret::expose),
                Some("file-key")
            );
            assert_eq!(config.api_base_url, "http://localhost:8080");
            assert_eq!(config.rate_limit_per_second.get(), 10);
            assert_eq!(config.max_in_flight.get(), 20);
            assert_eq!(config.timezone, Tz::UTC);
            assert_eq!(config.languages, vec!["en".to_owned(), "fr-FR".to_owned()]);
            Ok(())
        });
    }

    #[test]
    fn file_path_is_the_one_given() {
        Jail::expect_with(|jail| {
            isolate(jail);
            jail.create_dir("etc")?;
            jail.create_file("etc/crawler.toml", "max_in_flight = 3")?;
            let config = Config::load(Path::new("etc/crawler.toml"), &ConfigOverrides::default())
                .map_err(|e| e.to_string())?;
            assert_eq!(config.max_in_flight.get(), 3);
            Ok(())
        });
    }

    #[test]
    fn prefixed_env_overrides_toml() {
        Jail::expect_with(|jail| {
            isolate(jail);
            jail.create_file(
                FILE,
                "database_url = \"postgres://db/tmdb\"\nrate_limit_per_second = 10\nmax_in_flight = 5\n",
            )?;
            jail.set_env("TMDB_CRAWLER_DATABASE_URL", "mariadb://u@db/tmdb");
            jail.set_env("TMDB_CRAWLER_RATE_LIMIT_PER_SECOND", "7");
            jail.set_env("TMDB_CRAWLER_TIMEZONE", "America/New_York");
            let config = load(&ConfigOverrides::default())?;
            assert_eq!(config.database_url.expose(), "mariadb://u@db/tmdb");
            assert_eq!(config.database_url.backend(), Backend::MySql);
            assert_eq!(config.rate_limit_per_second.get(), 7);
            assert_eq!(config.max_in_flight.get(), 5); // from the file, untouched
            assert_eq!(config.timezone, Tz::America__New_York);
            Ok(())
        });
    }

    #[test]
    fn legacy_db_env_builds_mysql_url_below_prefixed_env() {
        Jail::expect_with(|jail| {
            isolate(jail);
            jail.create_file(FILE, "database_url = \"postgres://db/tmdb\"")?;
            jail.set_env("DB_HOST", "db.example");
            jail.set_env("DB_PORT", "3307");
            jail.set_env("DB_NAME", "tmdb");
            jail.set_env("DB_USER", "crawler");
            jail.set_env("DB_PASSWORD", "p@ss:w/rd%");
            let config = load(&ConfigOverrides::default())?;
            assert_eq!(
                config.database_url.expose(),
                "mysql://crawler:p%40ss%3Aw%2Frd%25@db.example:3307/tmdb"
            );
            assert_eq!(config.database_url.backend(), Backend::MySql);

            jail.set_env("TMDB_CRAWLER_DATABASE_URL", "sqlite://other.sqlite");
            let config = load(&ConfigOverrides::default())?;
            assert_eq!(config.database_url.expose(), "sqlite://other.sqlite");
            Ok(())
        });
    }

    #[test]
    fn legacy_db_env_defaults_port_and_user() {
        Jail::expect_with(|jail| {
            isolate(jail);
            jail.set_env("DB_HOST", "db");
            jail.set_env("DB_NAME", "tmdb");
            let config = load(&ConfigOverrides::default())?;
            assert_eq!(config.database_url.expose(), "mysql://root@db:3306/tmdb");
            Ok(())
        });
    }

    #[test]
    fn legacy_db_host_without_name_fails_only_when_effective() {
        Jail::expect_with(|jail| {
            isolate(jail);
            jail.set_env("DB_HOST", "db");
            jail.set_env("DB_PASSWORD", "pw-sekret");
            let err = load_err(FILE)?;
            assert!(err.to_string().contains("DB_NAME"), "{err}");
            assert_no_secret(&err.to_string());

            jail.set_env("TMDB_CRAWLER_DATABASE_URL", "sqlite://x.sqlite");
            assert_eq!(
                load(&ConfigOverrides::default())?.database_url.expose(),
                "sqlite://x.sqlite"
            );
            Ok(())
        });
    }

    #[test]
    fn legacy_api_env_is_a_fallback_below_prefixed_env() {
        Jail::expect_with(|jail| {
            isolate(jail);
            jail.set_env("TMDB_API_KEY", "legacy-key");
            jail.set_env("TMDB_API_TOKEN", "legacy-token");
            jail.set_env("TMDB_API_DOMAIN_URL", "https://legacy.example");
            jail.set_env("USER_TIMEZONE", "UTC");
            let config = load(&ConfigOverrides::default())?;
            assert_eq!(
                config.api_key.as_ref().map(Secret::expose),
                Some("legacy-key")
            );
            assert_eq!(
                config.api_token.as_ref().map(Secret::expose),
                Some("legacy-token")
            );
            assert_eq!(config.api_base_url, "https://legacy.example");
            assert_eq!(config.timezone, Tz::UTC);

            jail.set_env("TMDB_CRAWLER_API_KEY", "new-key");
            let config = load(&ConfigOverrides::default())?;
            assert_eq!(config.api_key.as_ref().map(Secret::expose), Some("new-key"));
            assert_eq!(
                config.api_token.as_ref().map(Secret::expose),
                Some("legacy-token")
            );
            Ok(())
        });
    }

    #[test]
    fn legacy_env_overrides_toml() {
        Jail::expect_with(|jail| {
            isolate(jail);
            jail.create_file(FILE, "api_key = \"file-key\"")?;
            jail.set_env("TMDB_API_KEY", "legacy-key");
            let config = load(&ConfigOverrides::default())?;
            assert_eq!(
                config.api_key.as_ref().map(Secret::expose),
                Some("legacy-key")
            );
            Ok(())
        });
    }

    #[test]
    fn cli_overrides_env_and_none_overrides_nothing() {
        Jail::expect_with(|jail| {
            isolate(jail);
            jail.set_env("TMDB_CRAWLER_API_KEY", "env-key");
            jail.set_env("TMDB_CRAWLER_RATE_LIMIT_PER_SECOND", "7");
            jail.set_env("TMDB_CRAWLER_DATABASE_URL", "postgres://db/tmdb");
            let overrides = ConfigOverrides {
                api_key: Some(Secret::from("cli-key")),
                rate_limit_per_second: Some(3),
                languages: Some(vec!["de".to_owned()]),
                ..ConfigOverrides::default()
            };
            let config = load(&overrides)?;
            assert_eq!(config.api_key.as_ref().map(Secret::expose), Some("cli-key"));
            assert_eq!(config.rate_limit_per_second.get(), 3);
            assert_eq!(config.languages, vec!["de".to_owned()]);
            assert_eq!(config.database_url.expose(), "postgres://db/tmdb");
            Ok(())
        });
    }

    #[test]
    fn languages_from_env_comma_list() {
        Jail::expect_with(|jail| {
            isolate(jail);
            jail.set_env("TMDB_CRAWLER_LANGUAGES", "fr, de ,en-US");
            let config = load(&ConfigOverrides::default())?;
            assert_eq!(config.languages, vec!["fr", "de", "en-US"]);

            jail.set_env("TMDB_CRAWLER_LANGUAGES", "fr,FR");
            let err = load_err(FILE)?.to_string();
            assert!(err.contains("languages") && err.contains("`FR`"), "{err}");

            jail.set_env("TMDB_CRAWLER_LANGUAGES", ",");
            let err = load_err(FILE)?.to_string();
            assert!(err.contains("at least one language"), "{err}");
            Ok(())
        });
    }

    fn secret_config() -> figment::Result<Config> {
        Ok(Config {
            database_url: DatabaseUrl::parse("mysql://crawler:pw-sekret@db:3306/tmdb")
                .map_err(|e| e.to_string())?,
            api_key: Some(Secret::from("sekret-key")),
            api_token: Some(Secret::from("sekret-token")),
            ..Config::default()
        })
    }

    #[test]
    fn secrets_are_masked_in_debug_display_and_render() -> figment::Result<()> {
        let config = secret_config()?;
        let debug = format!("{config:?}");
        let display = config.to_string();
        let rendered = config.render_masked();
        for text in [&debug, &display, &rendered] {
            assert_no_secret(text);
        }
        assert!(rendered.contains("database_url = \"mysql://crawler:***@db:3306/tmdb\""));
        assert!(rendered.contains("api_key = ***\n"));
        assert!(rendered.contains("api_token = ***\n"));
        assert!(rendered.contains("languages = [\"fr\"]"));
        assert!(rendered.contains("include_adult = false\n"));
        assert!(
            Config::default()
                .render_masked()
                .contains("api_key = (unset)")
        );
        assert_eq!(
            config.database_url.to_string(),
            "mysql://crawler:***@db:3306/tmdb"
        );
        assert_eq!(
            config.database_url.expose(),
            "mysql://crawler:pw-sekret@db:3306/tmdb"
        );
        assert_eq!(
            config.api_key.as_ref().map(Secret::expose),
            Some("sekret-key")
        );
        assert_eq!(format!("{}", Secret::from("sekret-key")), "***");

        let overrides = ConfigOverrides {
            database_url: Some("postgres://u:pw-sekret@h/db?password=pw-sekret".to_owned()),
            api_token: Some(Secret::from("sekret-token")),
            ..ConfigOverrides::default()
        };
        assert_no_secret(&format!("{overrides:?}"));
        Ok(())
    }

    #[test]
    fn sqlite_urls_print_as_is() -> figment::Result<()> {
        let url = DatabaseUrl::parse(DEFAULT_DATABASE_URL).map_err(|e| e.to_string())?;
        assert_eq!(url.to_string(), DEFAULT_DATABASE_URL);
        let url = DatabaseUrl::parse("sqlite::memory:").map_err(|e| e.to_string())?;
        assert_eq!(url.to_string(), "sqlite::memory:");
        assert_eq!(url.backend(), Backend::Sqlite);
        let url = DatabaseUrl::parse("postgresql://h/db").map_err(|e| e.to_string())?;
        assert_eq!(url.backend(), Backend::Postgres);
        Ok(())
    }

    #[test]
    fn scrub_and_sqlite_path() -> figment::Result<()> {
        let url = DatabaseUrl::parse("mysql://u:pw%2Dsekret@h/db").map_err(|e| e.to_string())?;
        let scrubbed = url.scrub("denied for u (password pw-sekret) at mysql://u:pw%2Dsekret@h/db");
        assert_eq!(scrubbed, "denied for u (password ***) at ***");
        assert_eq!(url.sqlite_path(), None);
        let path = |u: &str| DatabaseUrl::parse(u).map(|u| u.sqlite_path());
        let path = |u: &str| path(u).map_err(|e| e.to_string());
        assert_eq!(
            path(DEFAULT_DATABASE_URL)?,
            Some(PathBuf::from("data/tmdb.sqlite"))
        );
        assert_eq!(
            path("sqlite:///var/lib/t.db")?,
            Some(PathBuf::from("/var/lib/t.db"))
        );
        assert_eq!(path("sqlite:t%20x.db")?, Some(PathBuf::from("t x.db")));
        assert_eq!(path("sqlite::memory:")?, None);
        assert_eq!(path("sqlite://t.db?mode=memory")?, None);
        Ok(())
    }

    /// Puts every secret in play, so error messages can be checked for leaks.
    fn set_secrets(jail: &mut Jail) {
        jail.set_env("TMDB_CRAWLER_API_KEY", "sekret-key");
        jail.set_env("TMDB_API_TOKEN", "sekret-token");
        jail.set_env("DB_HOST", "db");
        jail.set_env("DB_NAME", "tmdb");
        jail.set_env("DB_PASSWORD", "pw-sekret");
    }

    #[test]
    fn invalid_timezone_is_an_error() {
        Jail::expect_with(|jail| {
            isolate(jail);
            set_secrets(jail);
            jail.set_env("TMDB_CRAWLER_TIMEZONE", "Mars/Olympus");
            let err = load_err(FILE)?.to_string();
            assert!(
                err.contains("timezone") && err.contains("Mars/Olympus"),
                "{err}"
            );
            assert!(err.contains("TMDB_CRAWLER_TIMEZONE"), "{err}");
            assert_no_secret(&err);
            Ok(())
        });
    }

    #[test]
    fn timeouts_come_from_file_and_env_and_zero_is_an_error() {
        Jail::expect_with(|jail| {
            isolate(jail);
            set_secrets(jail);
            jail.create_file(FILE, "connect_timeout = 5\nstall_timeout = 90")?;
            jail.set_env("TMDB_CRAWLER_REQUEST_TIMEOUT", "7");
            let config = load(&ConfigOverrides::default())?;
            assert_eq!(
                (
                    config.connect_timeout,
                    config.request_timeout,
                    config.stall_timeout
                ),
                (5, 7, 90)
            );
            jail.set_env("TMDB_CRAWLER_REQUEST_TIMEOUT", "0");
            let err = load_err(FILE)?.to_string();
            assert!(
                err.contains("request_timeout") && err.contains("at least 1 second"),
                "{err}"
            );
            Ok(())
        });
    }

    #[test]
    fn zero_rate_is_an_error() {
        Jail::expect_with(|jail| {
            isolate(jail);
            set_secrets(jail);
            jail.create_file(FILE, "rate_limit_per_second = 0")?;
            let err = load_err(FILE)?.to_string();
            assert!(err.contains("rate_limit_per_second"), "{err}");
            assert!(err.contains("at least 1"), "{err}");
            assert!(err.contains(FILE), "{err}");
            assert_no_secret(&err);

            jail.set_env("TMDB_CRAWLER_MAX_IN_FLIGHT", "many");
            let err = load_err(FILE)?.to_string();
            assert!(err.contains("TMDB_CRAWLER_MAX_IN_FLIGHT"), "{err}");
            Ok(())
        });
    }

    #[test]
    fn unknown_toml_key_is_an_error() {
        Jail::expect_with(|jail| {
            isolate(jail);
            set_secrets(jail);
            jail.create_file(FILE, "api_key = \"sekret-key\"\nrate_limit = 5\n")?;
            let err = load_err(FILE)?;
            assert!(
                matches!(&err, ConfigError::UnknownKey { key, .. } if key == "rate_limit"),
                "{err}"
            );
            let err = err.to_string();
            assert!(err.contains(FILE), "{err}");
            assert_no_secret(&err);
            Ok(())
        });
    }

    #[test]
    fn unknown_url_scheme_is_an_error() {
        Jail::expect_with(|jail| {
            isolate(jail);
            set_secrets(jail);
            jail.set_env(
                "TMDB_CRAWLER_DATABASE_URL",
                "oracle://crawler:pw-sekret@db/tmdb",
            );
            let err = load_err(FILE)?.to_string();
            assert!(
                err.contains("database_url") && err.contains("oracle"),
                "{err}"
            );
            assert_no_secret(&err);
            Ok(())
        });
    }

    #[test]
    fn include_adult_defaults_to_false() {
        Jail::expect_with(|jail| {
            isolate(jail);
            let config = load(&ConfigOverrides::default())?;
            assert!(!config.include_adult);
            assert!(!Config::default().include_adult);
            Ok(())
        });
    }

    #[test]
    fn include_adult_from_env_accepts_yes_no_forms() {
        Jail::expect_with(|jail| {
            isolate(jail);
            jail.set_env("TMDB_CRAWLER_INCLUDE_ADULT", "yes");
            assert!(load(&ConfigOverrides::default())?.include_adult);
            for (text, expected) in [
                ("TRUE", true),
                ("1", true),
                ("Yes", true),
                ("false", false),
                ("0", false),
                ("NO", false),
            ] {
                jail.set_env("TMDB_CRAWLER_INCLUDE_ADULT", text);
                assert_eq!(
                    load(&ConfigOverrides::default())?.include_adult,
                    expected,
                    "{text}"
                );
            }
            Ok(())
        });
    }

    #[test]
    fn include_adult_from_toml_below_env() {
        Jail::expect_with(|jail| {
            isolate(jail);
            jail.create_file(FILE, "include_adult = true\n")?;
            let config = load(&ConfigOverrides::default())?;
            assert!(config.include_adult);
            assert!(config.render_masked().contains("include_adult = true\n"));

            jail.set_env("TMDB_CRAWLER_INCLUDE_ADULT", "no");
            assert!(!load(&ConfigOverrides::default())?.include_adult);
            Ok(())
        });
    }

    #[test]
    fn include_adult_cli_override_wins() {
        Jail::expect_with(|jail| {
            isolate(jail);
            jail.create_file(FILE, "include_adult = false\n")?;
            jail.set_env("TMDB_CRAWLER_INCLUDE_ADULT", "0");
            let overrides = ConfigOverrides {
                include_adult: Some(true),
                ..ConfigOverrides::default()
            };
            assert!(load(&overrides)?.include_adult);
            assert!(format!("{overrides:?}").contains("include_adult: Some(true)"));
            // None leaves the lower layers alone.
            assert!(!load(&ConfigOverrides::default())?.include_adult);
            Ok(())
        });
    }

    #[test]
    fn bad_include_adult_is_an_error() {
        Jail::expect_with(|jail| {
            isolate(jail);
            set_secrets(jail);
            jail.set_env("TMDB_CRAWLER_INCLUDE_ADULT", "maybe");
            let err = load_err(FILE)?;
            assert!(
                matches!(&err, ConfigError::InvalidEnv { var, .. } if var == "TMDB_CRAWLER_INCLUDE_ADULT"),
                "{err}"
            );
            let err = err.to_string();
            assert!(err.contains("`maybe`"), "{err}");
            assert_no_secret(&err);

            jail.set_env("TMDB_CRAWLER_INCLUDE_ADULT", "");
            jail.create_file(FILE, "include_adult = \"yes\"\n")?;
            let err = load_err(FILE)?.to_string();
            assert!(err.contains("include_adult") && err.contains(FILE), "{err}");
            Ok(())
        });
    }

    #[test]
    fn malformed_toml_is_an_error_naming_the_file_without_secrets() {
        Jail::expect_with(|jail| {
            isolate(jail);
            jail.create_file(FILE, "api_key = \"sekret-key\nmax_in_flight = 2\n")?;
            let err = load_err(FILE)?;
            assert!(matches!(err, ConfigError::ParseFile { .. }), "{err}");
            let err = err.to_string();
            assert!(err.contains(FILE) && err.contains("line 1"), "{err}");
            assert!(!err.contains('\n'), "{err}");
            assert_no_secret(&err);
            Ok(())
        });
    }

    #[test]
    fn badly_typed_secret_is_not_echoed() {
        Jail::expect_with(|jail| {
            isolate(jail);
            jail.create_file(FILE, "api_key = 987654321\n")?;
            let err = load_err(FILE)?.to_string();
            assert!(err.contains("api_key"), "{err}");
            assert!(!err.contains("987654321"), "{err}");

            jail.create_file(
                FILE,
                "database_url = { url = \"mysql://u:pw-sekret@h/db\" }\n",
            )?;
            let err = load_err(FILE)?.to_string();
            assert!(err.contains("database_url"), "{err}");
            assert_no_secret(&err);
            Ok(())
        });
    }

    #[test]
    fn explicit_env_source() -> figment::Result<()> {
        let vars = std::collections::HashMap::from([
            ("TMDB_CRAWLER_LANGUAGES", "en"),
            ("TMDB_API_KEY", "k"),
        ]);
        let config = Config::load_with_env(
            Path::new("/nonexistent/tmdb-crawler.toml"),
            &ConfigOverrides::default(),
            |name| vars.get(name).map(OsString::from),
        )
        .map_err(|e| e.to_string())?;
        assert_eq!(config.languages, vec!["en"]);
        assert_eq!(config.api_key.as_ref().map(Secret::expose), Some("k"));
        Ok(())
    }
}
