//! The environment of the Python crawler we replace, read so that existing deployments keep
//! working: `DB_HOST`, `DB_PORT`, `DB_NAME`, `DB_USER`, `DB_PASSWORD` (one MySQL URL),
//! `TMDB_API_KEY`, `TMDB_API_TOKEN`, `TMDB_API_DOMAIN_URL` and `USER_TIMEZONE`. It ranks above
//! the file and below the `TMDB_CRAWLER_*` variables.

use figment::value::{Dict, Value};

use super::{ConfigError, EnvSource};

/// Each setting the legacy environment feeds, and the variables that feed it.
pub const VARS: [(&str, &str); 5] = [
    (
        "database_url",
        "DB_HOST/DB_PORT/DB_NAME/DB_USER/DB_PASSWORD",
    ),
    ("api_key", "TMDB_API_KEY"),
    ("api_token", "TMDB_API_TOKEN"),
    ("api_base_url", "TMDB_API_DOMAIN_URL"),
    ("timezone", "USER_TIMEZONE"),
];

/// Variables whose values are secrets.
pub const SECRET_VARS: [&str; 3] = ["DB_PASSWORD", "TMDB_API_KEY", "TMDB_API_TOKEN"];

/// The settings the legacy variables set. `database_shadowed`: a database URL set the new way
/// shadows the `DB_*` variables entirely, so a stale or broken legacy setting must not stop
/// such a run.
pub fn settings(env: &EnvSource<'_>, database_shadowed: bool) -> Result<Dict, ConfigError> {
    let mut dict = Dict::new();
    if !database_shadowed && let Some(url) = database_url(env)? {
        dict.insert("database_url".to_owned(), Value::from(url));
    }
    for (key, var) in VARS.iter().skip(1) {
        if let Some(value) = env.var(var)? {
            dict.insert((*key).to_owned(), Value::from(value));
        }
    }
    Ok(dict)
}

/// `mysql://USER:PASSWORD@HOST:PORT/NAME` from the Python crawler's `DB_*` variables.
fn database_url(env: &EnvSource<'_>) -> Result<Option<String>, ConfigError> {
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
    let port: u16 = match env.var("DB_PORT")? {
        None => 3306,
        Some(text) => text.trim().parse().map_err(|_| ConfigError::InvalidEnv {
            var: "DB_PORT".to_owned(),
            reason: format!("expected a whole number, got `{text}`"),
        })?,
    };
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
