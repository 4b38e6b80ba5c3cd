//! Crawler configuration: one struct, [`Config`], whose fields are the settings (each with its
//! default and doc), loaded with figment.
//!
//! Sources, lowest precedence first; each one overrides the ones before it:
//! 1. the built-in defaults (`Config::default()`);
//! 2. the TOML file (`tmdb-crawler.toml` in the working directory unless another path is
//!    given; a missing file is fine, a malformed one is an error);
//! 3. the legacy environment of the Python crawler we replace ([`legacy`]);
//! 4. `TMDB_CRAWLER_<SETTING>` environment variables (`TMDB_CRAWLER_LANGUAGES=fr,de` for lists,
//!    `yes`/`no` for flags), read as the kind of value the setting has;
//! 5. command-line flags: anything `Serialize` with fields named like settings.
//!
//! A value is checked where its field is declared (`deserialize_with`), so a bad one is
//! reported with its setting and its source. An empty environment variable counts as unset:
//! `.env` files and compose files often declare `VAR=` without a value, and that must not wipe
//! out a lower layer.
//!
//! The API key, the API token and the database URL are secrets ([`Secret`], [`DatabaseUrl`]):
//! their `Debug`, `Display` and `Serialize` are masked, and no [`ConfigError`] message ever
//! carries their values.

pub mod legacy;
mod secret;

use std::ffi::OsString;
use std::num::NonZeroU32;
use std::path::{Path, PathBuf};

use chrono_tz::Tz;
use figment::error::Kind;
use figment::providers::{Env, Format, Toml};
use figment::value::{Dict, Map, Value};
use figment::{Figment, Metadata, Profile, Provider};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use smart_default::SmartDefault;
use url::Url;

pub use secret::{Backend, DatabaseUrl, Secret};

pub const DEFAULT_CONFIG_FILE: &str = "tmdb-crawler.toml";
/// The database when none is configured.
pub const DEFAULT_DATABASE_URL: &str = "sqlite://data/tmdb.sqlite?mode=rwc";
/// Prefix of the environment variables that set a setting (`TMDB_CRAWLER_API_KEY`...).
pub const ENV_PREFIX: &str = "TMDB_CRAWLER_";

/// The effective configuration. Adding a setting: a field here, with its default, its doc and
/// its check if any, and a line in the README's table.
#[derive(Debug, Clone, PartialEq, SmartDefault, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// `sqlite://…`, `mysql://…` (or `mariadb://…`) or `postgres://…`.
    #[default(DatabaseUrl::sqlite_default())]
    pub database_url: DatabaseUrl,
    #[serde(deserialize_with = "optional_secret")]
    pub api_key: Option<Secret>,
    /// A v4 read access token, preferred over the key.
    #[serde(deserialize_with = "optional_secret")]
    pub api_token: Option<Secret>,
    /// No trailing slash, so callers can append `/3/...`.
    #[default = "https://api.themoviedb.org"]
    #[serde(deserialize_with = "http_base_url")]
    pub api_base_url: String,
    /// No trailing slash, so callers can append `/{file}`.
    #[default = "https://files.tmdb.org/p/exports"]
    #[serde(deserialize_with = "http_base_url")]
    pub exports_base_url: String,
    /// Requests per second to TMDb.
    #[default(at_least_one(40))]
    #[serde(deserialize_with = "positive")]
    pub rate_limit_per_second: NonZeroU32,
    /// Requests in flight to TMDb at most.
    #[default(at_least_one(20))]
    #[serde(deserialize_with = "positive")]
    pub max_in_flight: NonZeroU32,
    /// Time zone of the stored timestamps and of "today" (an IANA name).
    #[default(Tz::Europe__Paris)]
    #[serde(deserialize_with = "time_zone", serialize_with = "time_zone_name")]
    pub timezone: Tz,
    /// Non-empty; each `xx` or `xx-YY`.
    #[default(vec!["fr".to_owned()])]
    #[serde(deserialize_with = "languages")]
    pub languages: Vec<String>,
    /// Also imports TMDb's adult ID export files (`adult_movie`, `adult_tv_series`,
    /// `adult_person`) and keeps adult entries of the changes feed.
    pub include_adult: bool,
    /// Fill the legacy raw-JSON columns (`API_URL`, `API_RESULT`, `CRAWLER_VERSION`) where the
    /// schema still has them.
    pub raw_json: bool,
    /// Processes 22 and 24-27 refresh records not updated for this many days.
    #[default = 30]
    pub refresh_after_days: u32,
    /// At most this many records per refresh process and run (oldest first).
    #[default = 5_000]
    pub refresh_max_per_run: u32,
    /// At most this many titles per backfill process (34-36) and run (most popular first).
    #[default = 5_000]
    pub backfill_max_per_run: u32,
    /// Seconds without any completed entity, page or export batch, while work remains,
    /// after which a run ends itself (exit code 1).
    #[default = 600]
    #[serde(deserialize_with = "seconds")]
    pub stall_timeout: u32,
    /// Seconds a unit of database work (an entity's transaction, a page, the variables) is
    /// retried while the database is unreachable; beyond it the run stops (exit code 3).
    #[default = 120]
    #[serde(deserialize_with = "seconds")]
    pub database_retry_budget: u32,
    /// Seconds to open a connection to TMDb (API and export files).
    #[default = 10]
    #[serde(deserialize_with = "seconds")]
    pub connect_timeout: u32,
    /// Seconds to wait for a response head, and then for each part of its body (an idle
    /// timeout): a stalled request or download is cut and retried.
    #[default = 60]
    #[serde(deserialize_with = "seconds")]
    pub request_timeout: u32,
}

/// Settings whose values must never appear in output or errors.
const SECRET_KEYS: [&str; 3] = ["database_url", "api_key", "api_token"];

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
    #[error("unknown key `{key}` in {origin} (known keys: {})", Config::keys().join(", "))]
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

impl Config {
    /// Every setting's name.
    pub fn keys() -> Vec<String> {
        Self::default().shown().into_keys().collect()
    }

    /// Every secret value of this configuration: the API key and token, the database URL and
    /// its password.
    pub fn secrets(&self) -> Vec<String> {
        let mut secrets = self.database_url.secrets();
        for secret in [&self.api_key, &self.api_token].into_iter().flatten() {
            secrets.push(secret.expose().to_owned());
        }
        secrets
    }

    /// Loads the configuration from `file`, the process environment and the command line's
    /// `overrides` (fields named like settings; `None` leaves the lower layers alone).
    pub fn load(file: &Path, overrides: &impl Serialize) -> Result<Self, ConfigError> {
        let mut secrets = Vec::new();
        let result = load_layers(file, overrides, &mut secrets);
        // Longest first, so a full URL is masked before the password inside it.
        secrets.retain(|s| !s.is_empty());
        secrets.sort_by_key(|s| std::cmp::Reverse(s.len()));
        result.map_err(|e| e.scrubbed(&secrets))
    }

    /// The effective configuration as `key = value` lines, secrets masked.
    pub fn render_masked(&self) -> String {
        self.shown()
            .iter()
            .map(|(key, value)| format!("{key} = {}\n", shown_value(value)))
            .collect()
    }

    /// The settings as figment values, as they may be shown (secrets masked).
    fn shown(&self) -> Dict {
        match Value::serialize(self) {
            Ok(Value::Dict(_, dict)) => dict,
            _ => Dict::new(),
        }
    }
}

impl std::fmt::Display for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.render_masked())
    }
}

/// One value of [`Config::render_masked`]: strings quoted, a set secret bare, unset ones
/// `(unset)`.
fn shown_value(value: &Value) -> String {
    match value {
        Value::Empty(..) => "(unset)".to_owned(),
        Value::String(_, s) if s == MASK => MASK.to_owned(),
        Value::Array(_, items) => {
            let items: Vec<String> = items.iter().map(shown_value).collect();
            format!("[{}]", items.join(", "))
        }
        other => serde_json::to_string(other).unwrap_or_default(),
    }
}

// ---- checks, one per kind of setting, named in the fields' `deserialize_with` ----------------

fn at_least_one(n: u32) -> NonZeroU32 {
    NonZeroU32::new(n).unwrap_or(NonZeroU32::MIN)
}

fn positive<'de, D: Deserializer<'de>>(deserializer: D) -> Result<NonZeroU32, D::Error> {
    let n = u32::deserialize(deserializer)?;
    NonZeroU32::new(n).ok_or_else(|| serde::de::Error::custom("must be at least 1, got 0"))
}

fn seconds<'de, D: Deserializer<'de>>(deserializer: D) -> Result<u32, D::Error> {
    match u32::deserialize(deserializer)? {
        0 => Err(serde::de::Error::custom("must be at least 1 second, got 0")),
        n => Ok(n),
    }
}

/// An empty secret is as good as none; treating it as set would only fail later.
fn optional_secret<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Option<Secret>, D::Error> {
    let text = Option::<String>::deserialize(deserializer)?;
    Ok(text.filter(|s| !s.is_empty()).map(Secret::from))
}

/// An http(s) base URL, trailing slashes dropped. The reason never quotes the URL, in case it
/// carries credentials.
fn http_base_url<'de, D: Deserializer<'de>>(deserializer: D) -> Result<String, D::Error> {
    let text = String::deserialize(deserializer)?;
    let parsed = Url::parse(&text)
        .map_err(|e| serde::de::Error::custom(format!("not a valid URL ({e})")))?;
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(serde::de::Error::custom(format!(
            "scheme must be http or https, not `{}`",
            parsed.scheme()
        )));
    }
    Ok(text.trim_end_matches('/').to_owned())
}

fn time_zone<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Tz, D::Error> {
    let name = String::deserialize(deserializer)?;
    name.parse().map_err(|_| {
        serde::de::Error::custom(format!(
            "unknown time zone `{name}` (expected an IANA name such as Europe/Paris)"
        ))
    })
}

fn time_zone_name<S: Serializer>(tz: &Tz, serializer: S) -> Result<S::Ok, S::Error> {
    serializer.serialize_str(tz.name())
}

fn languages<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<String>, D::Error> {
    let languages = Vec::<String>::deserialize(deserializer)?;
    if languages.is_empty() {
        return Err(serde::de::Error::custom("must list at least one language"));
    }
    if let Some(bad) = languages.iter().find(|l| !is_language_code(l)) {
        return Err(serde::de::Error::custom(format!(
            "`{bad}` is not a language code like `fr` or `fr-FR`"
        )));
    }
    Ok(languages)
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

// ---- loading ----------------------------------------------------------------------------------

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

/// Reads environment variables by name, an empty one counting as unset.
pub struct EnvSource<'a>(&'a dyn Fn(&str) -> Option<OsString>);

impl EnvSource<'_> {
    /// `None` when unset or empty.
    pub fn var(&self, name: &str) -> Result<Option<String>, ConfigError> {
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
}

fn load_layers(
    file: &Path,
    overrides: &impl Serialize,
    secrets: &mut Vec<String>,
) -> Result<Config, ConfigError> {
    let env = EnvSource(&|name| std::env::var_os(name));
    // Secrets are gathered before anything can fail, so every error can be scrubbed.
    for var in legacy::SECRET_VARS {
        secrets.extend(env.var(var).ok().flatten());
    }
    let prefixed = prefixed_env()?;
    let cli = command_line(overrides)?;
    let file_data = read_toml_file(file)?;
    for dict in [&prefixed, &cli].into_iter().chain(file_data.iter()) {
        collect_secrets(dict, secrets);
    }
    let shadowed = prefixed.contains_key("database_url") || cli.contains_key("database_url");
    let legacy = legacy::settings(&env, shadowed)?;
    collect_secrets(&legacy, secrets);

    let named = |name: &'static str, dict: Dict| NamedProvider {
        metadata: Metadata::named(name),
        dict,
    };
    let mut figment = Figment::new();
    if let Some(dict) = file_data {
        figment = figment.merge(NamedProvider {
            metadata: Metadata::named(ORIGIN_FILE).source(file),
            dict,
        });
    }
    let figment = figment
        .merge(named(ORIGIN_LEGACY_ENV, legacy))
        .merge(named(ORIGIN_ENV, prefixed))
        .merge(named(ORIGIN_CLI, cli));
    figment
        .extract()
        .map_err(|e| from_figment_error(&figment, e))
}

/// The secret settings' values of one layer, and the password inside a URL.
fn collect_secrets(dict: &Dict, secrets: &mut Vec<String>) {
    for key in SECRET_KEYS {
        if let Some(text) = dict.get(key).and_then(Value::as_str) {
            secret::collect_url_secrets(text, secrets);
        }
    }
}

/// `TMDB_CRAWLER_<SETTING>` variables (figment's `Env`), each read as the kind of value its
/// setting has: a whole number, a flag (`true`/`false`, `1`/`0`, `yes`/`no`), a
/// comma-separated list, or text. Other `TMDB_CRAWLER_*` variables are not settings.
fn prefixed_env() -> Result<Dict, ConfigError> {
    let kinds = Config::default().shown();
    let mut dict = Dict::new();
    for (key, text) in Env::prefixed(ENV_PREFIX).iter() {
        let key = key.as_str().to_ascii_lowercase();
        let Some(kind) = kinds.get(&key) else {
            continue;
        };
        if text.is_empty() {
            continue;
        }
        let var = format!("{ENV_PREFIX}{}", key.to_ascii_uppercase());
        dict.insert(key, env_value(kind, &text, var)?);
    }
    Ok(dict)
}

/// `text` as a value of the same kind as `kind`.
fn env_value(kind: &Value, text: &str, var: String) -> Result<Value, ConfigError> {
    let trimmed = text.trim();
    let invalid = |reason: String| ConfigError::InvalidEnv {
        var: var.clone(),
        reason,
    };
    Ok(match kind {
        Value::Num(..) => trimmed
            .parse::<u64>()
            .map(Value::from)
            .map_err(|_| invalid(format!("expected a whole number, got `{text}`")))?,
        Value::Bool(..) => match trimmed.to_ascii_lowercase().as_str() {
            "true" | "1" | "yes" => Value::from(true),
            "false" | "0" | "no" => Value::from(false),
            _ => {
                return Err(invalid(format!(
                    "expected true/false, 1/0 or yes/no, got `{text}`"
                )));
            }
        },
        Value::Array(..) => Value::from(
            text.split(',')
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(str::to_owned)
                .collect::<Vec<String>>(),
        ),
        _ => Value::from(text.to_owned()),
    })
}

/// The command line's settings: the fields of `overrides` that are set.
fn command_line(overrides: &impl Serialize) -> Result<Dict, ConfigError> {
    let invalid = |reason: String| ConfigError::InvalidValue {
        key: "configuration".to_owned(),
        origin: ORIGIN_CLI.to_owned(),
        reason,
    };
    match Value::serialize(overrides) {
        Ok(Value::Dict(_, mut dict)) => {
            dict.retain(|_, value| !matches!(value, Value::Empty(..)));
            Ok(dict)
        }
        Ok(_) => Err(invalid("not a set of named settings".to_owned())),
        Err(e) => Err(invalid(e.to_string())),
    }
}

/// The TOML file's data, `None` when the file does not exist.
fn read_toml_file(path: &Path) -> Result<Option<Dict>, ConfigError> {
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
    let data = Toml::string(&text)
        .data()
        .map_err(|e| ConfigError::ParseFile {
            path: path.to_owned(),
            reason: toml_problem(&e.kind.to_string()),
        })?;
    Ok(Some(data.into_values().next().unwrap_or_default()))
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
        ORIGIN_LEGACY_ENV => match legacy::VARS.iter().find(|(k, _)| *k == key) {
            Some((_, vars)) => format!("legacy environment variable {vars}"),
            None => ORIGIN_LEGACY_ENV.to_owned(),
        },
        name => match metadata.source.as_ref().and_then(|s| s.file_path()) {
            Some(path) => format!("{name} {}", path.display()),
            None => name.to_owned(),
        },
    }
}

/// Figment errors may quote the offending value; for secret keys the value is dropped. The
/// messages of our own checks never quote a secret and are kept.
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
        Kind::Message(message) => message.clone(),
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

    /// No command-line flags.
    fn none() -> serde_json::Value {
        serde_json::json!({})
    }

    fn load(overrides: &serde_json::Value) -> figment::Result<Config> {
        Config::load(Path::new(FILE), overrides).map_err(|e| e.to_string().into())
    }

    fn load_err(jail_file: &str) -> figment::Result<ConfigError> {
        match Config::load(Path::new(jail_file), &none()) {
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
            let config = load(&none())?;
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
            assert!(!config.raw_json);
            assert_eq!(config.refresh_after_days, 30);
            assert_eq!(config.refresh_max_per_run, 5_000);
            assert_eq!(config.backfill_max_per_run, 5_000);
            assert_eq!(config.stall_timeout, 600);
            assert_eq!(config.database_retry_budget, 120);
            assert_eq!(config.connect_timeout, 10);
            assert_eq!(config.request_timeout, 60);
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
            let config = load(&none())?;
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
            let config =
                Config::load(Path::new("etc/crawler.toml"), &none()).map_err(|e| e.to_string())?;
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
            let config = load(&none())?;
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
            let config = load(&none())?;
            assert_eq!(
                config.database_url.expose(),
                "mysql://crawler:p%40ss%3Aw%2Frd%25@db.example:3307/tmdb"
            );
            assert_eq!(config.database_url.backend(), Backend::MySql);

            jail.set_env("TMDB_CRAWLER_DATABASE_URL", "sqlite://other.sqlite");
            let config = load(&none())?;
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
            let config = load(&none())?;
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
            assert_eq!(load(&none())?.database_url.expose(), "sqlite://x.sqlite");
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
            let config = load(&none())?;
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
            let config = load(&none())?;
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
            let config = load(&none())?;
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
            let overrides = serde_json::json!({
                "api_key": "cli-key",
                "rate_limit_per_second": 3,
                "languages": ["de"],
                "timezone": null,
            });
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
            let config = load(&none())?;
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

        // Loaded from command-line values, secrets stay masked in every rendering.
        let overrides = serde_json::json!({
            "database_url": "postgres://u:pw-sekret@h/db?password=pw-sekret",
            "api_token": "sekret-token",
        });
        let config = Config::load(Path::new("/nonexistent/tmdb-crawler.toml"), &overrides)
            .map_err(|e| e.to_string())?;
        assert_no_secret(&format!("{config:?}"));
        assert_no_secret(&config.render_masked());
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
            let config = load(&none())?;
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
            let config = load(&none())?;
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
            assert!(load(&none())?.include_adult);
            for (text, expected) in [
                ("TRUE", true),
                ("1", true),
                ("Yes", true),
                ("false", false),
                ("0", false),
                ("NO", false),
            ] {
                jail.set_env("TMDB_CRAWLER_INCLUDE_ADULT", text);
                assert_eq!(load(&none())?.include_adult, expected, "{text}");
            }
            Ok(())
        });
    }

    #[test]
    fn include_adult_from_toml_below_env() {
        Jail::expect_with(|jail| {
            isolate(jail);
            jail.create_file(FILE, "include_adult = true\n")?;
            let config = load(&none())?;
            assert!(config.include_adult);
            assert!(config.render_masked().contains("include_adult = true\n"));

            jail.set_env("TMDB_CRAWLER_INCLUDE_ADULT", "no");
            assert!(!load(&none())?.include_adult);
            Ok(())
        });
    }

    #[test]
    fn include_adult_cli_override_wins() {
        Jail::expect_with(|jail| {
            isolate(jail);
            jail.create_file(FILE, "include_adult = false\n")?;
            jail.set_env("TMDB_CRAWLER_INCLUDE_ADULT", "0");
            let overrides = serde_json::json!({ "include_adult": true });
            assert!(load(&overrides)?.include_adult);
            // None leaves the lower layers alone.
            assert!(!load(&none())?.include_adult);
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
    fn only_settings_are_read_from_the_prefixed_environment() {
        Jail::expect_with(|jail| {
            isolate(jail);
            jail.set_env("TMDB_CRAWLER_LANGUAGES", "en");
            jail.set_env("TMDB_API_KEY", "k");
            // Prefixed variables that are not settings (the log filter, the tests' own).
            jail.set_env("TMDB_CRAWLER_LOG", "debug");
            jail.set_env("TMDB_CRAWLER_NOT_A_SETTING", "x");
            let config = load(&none())?;
            assert_eq!(config.languages, vec!["en"]);
            assert_eq!(config.api_key.as_ref().map(Secret::expose), Some("k"));
            Ok(())
        });
    }

    #[test]
    fn keys_and_rendering_cover_every_setting_in_one_line_each() {
        let keys = Config::keys();
        assert!(keys.len() >= 17, "{keys:?}");
        // The README's table documents every setting and its variable.
        let readme = include_str!(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md"));
        for key in &keys {
            let var = format!("`{ENV_PREFIX}{}`", key.to_ascii_uppercase());
            let row = readme
                .lines()
                .find(|l| l.starts_with('|') && l.contains(&format!("`{key}`")));
            assert!(
                row.is_some_and(|r| r.contains(&var)),
                "README.md's configuration table has no row for `{key}` with {var}"
            );
        }
        let rendered = Config::default().render_masked();
        for key in &keys {
            assert_eq!(
                rendered.matches(&format!("\n{key} = ")).count()
                    + usize::from(rendered.starts_with(&format!("{key} = "))),
                1,
                "{key} in {rendered}"
            );
        }
        assert!(
            rendered.contains("timezone = \"Europe/Paris\"\n"),
            "{rendered}"
        );
        assert!(
            rendered.contains("rate_limit_per_second = 40\n"),
            "{rendered}"
        );
        assert!(rendered.contains("api_token = (unset)\n"), "{rendered}");
    }
}
