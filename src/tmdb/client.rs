//! The HTTP client for TMDb v3, on awc, behind the [`RateLimiter`].
//!
//! What the network does and what the crawler does about it:
//! - 2xx with a complete JSON body: parsed into the caller's type.
//! - 404 whose body is TMDb's `status_code` 34: [`Fetched::NotFound`], which is data, not an
//!   error; any other 404 is transient.
//! - 401 (`status_code` 7 or 10): [`TmdbError::InvalidCredentials`], fatal for the run.
//! - 429: the limiter pauses every requester, then the request is sent again.
//! - 5xx, timeouts, refused or reset connections, truncated or non-JSON bodies: retried with
//!   exponential backoff, a bounded number of times, then [`TmdbError::RetriesExhausted`].
//! - other 4xx: [`TmdbError::Rejected`] at once (retrying cannot help).
//!
//! The API key or token never appears in a log line or an error: errors carry the request path
//! without its query string, and any text from the HTTP stack is scrubbed of both secrets.

use std::rc::Rc;
use std::time::Duration;

use actix::Addr;
use awc::http::{StatusCode, header};
use serde::de::DeserializeOwned;

use crate::actors::rate_limiter::{Acquire, RateLimiter};
use crate::config::Secret;
use crate::tmdb::payload::TmdbStatus;

/// TMDb refuses more than 20 sub-requests in one `append_to_response`.
pub const MAX_APPENDS: usize = 20;

/// How the client proves who it is.
#[derive(Debug, Clone)]
pub enum Auth {
    /// `Authorization: Bearer <token>` (TMDb's "API read access token").
    Bearer(Secret),
    /// `?api_key=<key>` (TMDb's v3 key).
    ApiKey(Secret),
}

impl Auth {
    /// The token when one is configured (TMDb's recommended scheme), else the key.
    pub fn from_config(config: &crate::config::Config) -> Option<Auth> {
        match (&config.api_token, &config.api_key) {
            (Some(token), _) => Some(Auth::Bearer(token.clone())),
            (None, Some(key)) => Some(Auth::ApiKey(key.clone())),
            (None, None) => None,
        }
    }

    fn secret(&self) -> &str {
        match self {
            Auth::Bearer(s) | Auth::ApiKey(s) => s.expose(),
        }
    }
}

#[derive(Debug, Clone)]
pub struct ClientSettings {
    /// e.g. `https://api.themoviedb.org`; paths are appended (`/3/movie/550`).
    pub base_url: String,
    pub auth: Auth,
    /// The connector's connection limit; equal to the limiter's in-flight cap.
    pub max_in_flight: u32,
    pub connect_timeout: Duration,
    /// Deadline of each half of an attempt: sending and waiting for the head; then reading
    /// the body (a stalled body is cut and retried).
    pub request_timeout: Duration,
    /// Tries per request for transient failures (5xx, timeouts, resets, bad bodies).
    pub max_attempts: u32,
    /// 429s per request before giving up; a storm must not lose requests, so this is generous.
    pub max_rate_limited: u32,
    pub backoff_base: Duration,
    pub backoff_max: Duration,
    /// A larger body is refused rather than buffered.
    pub max_body_bytes: usize,
}

impl ClientSettings {
    pub fn new(base_url: impl Into<String>, auth: Auth, max_in_flight: u32) -> Self {
        ClientSettings {
            base_url: base_url.into().trim_end_matches('/').to_owned(),
            auth,
            max_in_flight,
            connect_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(60),
            max_attempts: 5,
            max_rate_limited: 100,
            backoff_base: Duration::from_millis(500),
            backoff_max: Duration::from_secs(16),
            max_body_bytes: 64 * 1024 * 1024,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum TmdbError {
    #[error(
        "TMDb refused the credentials (HTTP {http_status}, status_code {status_code:?}): check api_key / api_token"
    )]
    InvalidCredentials {
        http_status: u16,
        status_code: Option<i64>,
    },
    #[error("TMDb rejected {path}: HTTP {http_status}, status_code {status_code:?}: {message}")]
    Rejected {
        path: String,
        http_status: u16,
        status_code: Option<i64>,
        message: String,
    },
    #[error("{path}: gave up after {attempts} attempts; last failure: {last}")]
    RetriesExhausted {
        path: String,
        attempts: u32,
        last: String,
    },
    #[error("{path}: the response does not have the expected shape: {reason}")]
    UnexpectedShape { path: String, reason: String },
    #[error("at most {MAX_APPENDS} append_to_response entries are allowed, got {0}")]
    TooManyAppends(usize),
    #[error("the rate limiter has stopped")]
    LimiterGone,
}

impl TmdbError {
    /// Errors that must stop the whole run rather than fail one entity.
    pub fn is_fatal(&self) -> bool {
        matches!(
            self,
            TmdbError::InvalidCredentials { .. } | TmdbError::LimiterGone
        )
    }
}

/// The answer to a request for one resource.
#[derive(Debug, Clone, PartialEq)]
pub enum Fetched<T> {
    Found(T),
    /// HTTP 404 / TMDb status 34: the id does not exist (any more).
    NotFound,
}

/// One GET: a path under the base URL, query parameters and `append_to_response` entries.
#[derive(Debug, Clone, Default)]
pub struct TmdbRequest {
    path: String,
    query: Vec<(String, String)>,
    appends: Vec<String>,
}

impl TmdbRequest {
    pub fn new(path: impl Into<String>) -> Self {
        TmdbRequest {
            path: path.into(),
            ..TmdbRequest::default()
        }
    }

    pub fn query(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.query.push((key.into(), value.into()));
        self
    }

    /// Adds sub-resources to fetch in the same request; more than [`MAX_APPENDS`] is an error.
    pub fn append<I, S>(mut self, entries: I) -> Result<Self, TmdbError>
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.appends.extend(entries.into_iter().map(Into::into));
        if self.appends.len() > MAX_APPENDS {
            return Err(TmdbError::TooManyAppends(self.appends.len()));
        }
        Ok(self)
    }

    pub fn path(&self) -> &str {
        &self.path
    }

    fn query_pairs<'a>(&'a self, auth: &'a Auth) -> Vec<(&'a str, &'a str)> {
        let mut pairs: Vec<(&str, &str)> = self
            .query
            .iter()
            .map(|(k, v)| (k.as_str(), v.as_str()))
            .collect();
        if let Auth::ApiKey(key) = auth {
            pairs.push(("api_key", key.expose()));
        }
        pairs
    }
}

/// What one attempt produced, before the retry decision.
enum Attempt {
    Done(Vec<u8>),
    NotFound,
    Transient(String),
    RateLimited,
}

#[derive(Clone)]
pub struct TmdbClient {
    http: awc::Client,
    limiter: Addr<RateLimiter>,
    settings: Rc<ClientSettings>,
}

impl TmdbClient {
    /// Must be called inside an actix system (awc is single-threaded per arbiter).
    pub fn new(settings: ClientSettings, limiter: Addr<RateLimiter>) -> Self {
        let mut connector = awc::Connector::new()
            .limit(settings.max_in_flight as usize)
            .timeout(settings.connect_timeout);
        if let Some(tls) = crate::tmdb::tls::extra_roots() {
            connector = connector.rustls_0_23(tls);
        }
        let http = awc::Client::builder()
            .connector(connector)
            .timeout(settings.request_timeout)
            .add_default_header(("Accept", "application/json"))
            .finish();
        TmdbClient {
            http,
            limiter,
            settings: Rc::new(settings),
        }
    }

    /// GETs `request` and parses the body as `T`.
    pub async fn get<T: DeserializeOwned>(
        &self,
        request: &TmdbRequest,
    ) -> Result<Fetched<T>, TmdbError> {
        let path = request.path().to_owned();
        let mut failures = 0u32;
        let mut rate_limited = 0u32;
        loop {
            let reason = match self.attempt(request).await? {
                Attempt::NotFound => return Ok(Fetched::NotFound),
                Attempt::RateLimited => {
                    rate_limited += 1;
                    if rate_limited > self.settings.max_rate_limited {
                        return Err(TmdbError::RetriesExhausted {
                            path,
                            attempts: failures + rate_limited,
                            last: "HTTP 429 every time".to_owned(),
                        });
                    }
                    continue;
                }
                Attempt::Transient(reason) => reason,
                Attempt::Done(body) => match serde_json::from_slice::<T>(&body) {
                    Ok(value) => return Ok(Fetched::Found(value)),
                    Err(e) if e.is_data() => {
                        return Err(TmdbError::UnexpectedShape {
                            path,
                            reason: e.to_string(),
                        });
                    }
                    // Syntax or EOF: a cut or garbled body, worth another try.
                    Err(e) => format!("invalid JSON body: {e}"),
                },
            };
            failures += 1;
            if failures >= self.settings.max_attempts {
                return Err(TmdbError::RetriesExhausted {
                    path,
                    attempts: failures + rate_limited,
                    last: reason,
                });
            }
            let pause = self.backoff(failures);
            tracing::debug!(path = %path, attempt = failures, reason = %reason, pause_ms = pause.as_millis() as u64, "retrying");
            actix_rt::time::sleep(pause).await;
        }
    }

    async fn attempt(&self, request: &TmdbRequest) -> Result<Attempt, TmdbError> {
        let mut permit = self
            .limiter
            .send(Acquire)
            .await
            .map_err(|_| TmdbError::LimiterGone)?
            .map_err(|_| TmdbError::LimiterGone)?;
        let url = format!("{}{}", self.settings.base_url, request.path);
        let mut builder = self.http.get(url);
        let mut query = request.query_pairs(&self.settings.auth);
        let appends = request.appends.join(",");
        if !appends.is_empty() {
            query.push(("append_to_response", appends.as_str()));
        }
        builder = match builder.query(&query) {
            Ok(b) => b,
            Err(e) => {
                return Err(TmdbError::Rejected {
                    path: request.path.clone(),
                    http_status: 0,
                    status_code: None,
                    message: self.scrub(&format!("cannot encode the query: {e}")),
                });
            }
        };
        if let Auth::Bearer(token) = &self.settings.auth {
            match bearer_header(token.expose()) {
                Some(value) => builder = builder.insert_header((header::AUTHORIZATION, value)),
                None => {
                    return Err(TmdbError::Rejected {
                        path: request.path.clone(),
                        http_status: 0,
                        status_code: None,
                        message: "the API token holds characters a header cannot carry".to_owned(),
                    });
                }
            }
        }
        permit.sending();
        let mut response = match builder.send().await {
            Ok(r) => r,
            Err(e) => return Ok(Attempt::Transient(self.scrub(&e.to_string()))),
        };
        let status = response.status();
        if status == StatusCode::TOO_MANY_REQUESTS {
            let retry_after = response
                .headers()
                .get("retry-after")
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.trim().parse::<f64>().ok())
                .filter(|s| s.is_finite() && *s >= 0.0)
                .map(|s| Duration::from_secs_f64(s.min(300.0)));
            permit.rate_limited(retry_after);
            return Ok(Attempt::RateLimited);
        }
        // awc's request timeout ends with the head: the body gets a deadline of its own, or a
        // stalled connection would hold its rate-limiter permit for ever.
        let read = response.body().limit(self.settings.max_body_bytes);
        let body = match actix_rt::time::timeout(self.settings.request_timeout, read).await {
            Ok(Ok(b)) => b,
            Ok(Err(e)) => {
                return Ok(Attempt::Transient(
                    self.scrub(&format!("reading the body of HTTP {status}: {e}")),
                ));
            }
            Err(_) => {
                return Ok(Attempt::Transient(format!(
                    "the body of HTTP {status} stalled for {} s",
                    self.settings.request_timeout.as_secs_f64()
                )));
            }
        };
        if status.is_success() {
            permit.succeeded();
            return Ok(Attempt::Done(body.to_vec()));
        }
        let envelope: TmdbStatus = serde_json::from_slice(&body).unwrap_or_default();
        // Only TMDb's own "not found" means gone: a 404 without status 34 (a proxy's page, a
        // CDN hiccup, a wrong base URL) is retried like any other transient failure, so that
        // it never gets a live entity deleted.
        if status == StatusCode::NOT_FOUND {
            if envelope.is_not_found() {
                permit.succeeded();
                return Ok(Attempt::NotFound);
            }
            return Ok(Attempt::Transient(format!(
                "HTTP {status} without TMDb's status 34"
            )));
        }
        if refuses_credentials(status, envelope.status_code) {
            return Err(TmdbError::InvalidCredentials {
                http_status: status.as_u16(),
                status_code: envelope.status_code,
            });
        }
        if status.is_server_error() {
            return Ok(Attempt::Transient(format!("HTTP {status}")));
        }
        Err(TmdbError::Rejected {
            path: request.path.clone(),
            http_status: status.as_u16(),
            status_code: envelope.status_code,
            message: self.scrub(envelope.status_message.as_deref().unwrap_or("")),
        })
    }

    fn backoff(&self, failures: u32) -> Duration {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        let unit = f64::from(nanos % 1000) / 1000.0;
        retry_delay(
            self.settings.backoff_base,
            self.settings.backoff_max,
            failures,
            unit,
        )
    }

    /// Text from the HTTP stack may quote the URL; the key and the token must not survive.
    fn scrub(&self, text: &str) -> String {
        let secret = self.settings.auth.secret();
        if secret.is_empty() {
            text.to_owned()
        } else {
            text.replace(secret, "***")
        }
    }
}

/// `Bearer <token>`, marked sensitive: HTTP libraries print a sensitive header as `Sensitive`
/// when they trace a request head, and HPACK never indexes it.
fn bearer_header(token: &str) -> Option<header::HeaderValue> {
    let mut value = header::HeaderValue::from_str(&format!("Bearer {token}")).ok()?;
    value.set_sensitive(true);
    Some(value)
}

/// The wait before retry number `failures` (1 = the first): `base` doubled per failure up to
/// `max`, ±20 % (`jitter_unit` in 0..1) so that the retries of a burst do not land together.
fn retry_delay(base: Duration, max: Duration, failures: u32, jitter_unit: f64) -> Duration {
    let exp = base.saturating_mul(1u32 << failures.saturating_sub(1).min(10));
    exp.min(max).mul_f64(0.8 + 0.4 * jitter_unit)
}

/// TMDb's answer to a bad key or token: HTTP 401, or its status 7 (invalid key) or 10
/// (suspended key) whatever the HTTP status.
fn refuses_credentials(status: StatusCode, status_code: Option<i64>) -> bool {
    status == StatusCode::UNAUTHORIZED || matches!(status_code, Some(7 | 10))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn more_than_twenty_appends_are_refused() {
        let twenty: Vec<String> = (1..=20).map(|n| format!("season/{n}")).collect();
        let request = TmdbRequest::new("/3/tv/1399")
            .append(twenty)
            .expect("twenty appends are allowed");
        let err = request
            .append(["credits"])
            .expect_err("a 21st append must be refused");
        assert!(matches!(err, TmdbError::TooManyAppends(21)));
    }

    #[test]
    fn the_api_key_goes_into_the_query_only_for_key_auth() {
        let request = TmdbRequest::new("/3/movie/550").query("language", "en-US");
        let key = Auth::ApiKey(Secret::from("k3y"));
        assert_eq!(
            request.query_pairs(&key),
            vec![("language", "en-US"), ("api_key", "k3y")]
        );
        let token = Auth::Bearer(Secret::from("t0ken"));
        assert_eq!(request.query_pairs(&token), vec![("language", "en-US")]);
    }

    #[test]
    fn retries_wait_twice_as_long_each_time_up_to_the_cap() {
        let (base, max) = (Duration::from_millis(500), Duration::from_secs(8));
        let middle = |failures| retry_delay(base, max, failures, 0.5);
        assert_eq!(middle(1), Duration::from_millis(500));
        assert_eq!(middle(2), Duration::from_secs(1));
        assert_eq!(middle(3), Duration::from_secs(2));
        assert_eq!(middle(4), Duration::from_secs(4));
        assert_eq!(middle(5), Duration::from_secs(8));
        assert_eq!(middle(9), Duration::from_secs(8));
        assert_eq!(retry_delay(base, max, 1, 0.0), Duration::from_millis(400));
        assert_eq!(retry_delay(base, max, 1, 1.0), Duration::from_millis(600));
    }

    #[test]
    fn status_7_and_10_and_http_401_refuse_the_credentials() {
        assert!(refuses_credentials(StatusCode::UNAUTHORIZED, Some(7)));
        assert!(refuses_credentials(StatusCode::UNAUTHORIZED, Some(10)));
        assert!(refuses_credentials(StatusCode::UNAUTHORIZED, None));
        assert!(refuses_credentials(StatusCode::FORBIDDEN, Some(10)));
        assert!(!refuses_credentials(StatusCode::NOT_FOUND, Some(34)));
        assert!(!refuses_credentials(
            StatusCode::INTERNAL_SERVER_ERROR,
            None
        ));
    }

    #[test]
    fn the_token_is_preferred_over_the_key() {
        let config = crate::config::Config {
            api_key: Some(Secret::from("k3y")),
            api_token: Some(Secret::from("t0ken")),
            ..crate::config::Config::default()
        };
        assert!(
            matches!(Auth::from_config(&config), Some(Auth::Bearer(t)) if t.expose() == "t0ken")
        );
        let key_only = crate::config::Config {
            api_token: None,
            ..config
        };
        assert!(
            matches!(Auth::from_config(&key_only), Some(Auth::ApiKey(k)) if k.expose() == "k3y")
        );
        assert!(Auth::from_config(&crate::config::Config::default()).is_none());
    }

    #[test]
    fn errors_print_the_path_without_the_query() {
        let err = TmdbError::RetriesExhausted {
            path: "/3/movie/550".to_owned(),
            attempts: 5,
            last: "HTTP 500".to_owned(),
        };
        assert_eq!(
            err.to_string(),
            "/3/movie/550: gave up after 5 attempts; last failure: HTTP 500"
        );
    }
}
