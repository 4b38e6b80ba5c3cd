//! The RateLimiter actor and the awc client against the fake TMDb server: the cap holds,
//! 429 storms and faults lose nothing, 34 is data, 7 is fatal, secrets never reach a log.

mod support;

use std::io::Write;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use actix::Actor;
use fake_tmdb::{FakeTmdb, FakeTmdbConfig, FaultKind};
use tmdb_crawler::actors::rate_limiter::{GetStats, LimiterStats, RateLimit, RateLimiter};
use tmdb_crawler::config::Secret;
use tmdb_crawler::tmdb::client::{
    Auth, ClientSettings, Fetched, TmdbClient, TmdbError, TmdbRequest,
};

const KEY: &str = "test-key-5f2b9c";
const TOKEN: &str = "test-token-eyJhbGciOiJIUzI1NiJ9";

fn server(configure: impl FnOnce(&mut FakeTmdbConfig)) -> FakeTmdb {
    let mut config = FakeTmdbConfig {
        api_key: KEY.to_owned(),
        api_token: TOKEN.to_owned(),
        ..FakeTmdbConfig::default()
    };
    configure(&mut config);
    FakeTmdb::start(config)
}

struct Harness {
    client: TmdbClient,
    limiter: actix::Addr<RateLimiter>,
}

fn client(
    fake: &FakeTmdb,
    auth: Auth,
    rate: u32,
    in_flight: u32,
    tune: impl FnOnce(&mut ClientSettings),
) -> Harness {
    let limit = RateLimit::for_rate(
        rate.try_into().expect("non-zero rate"),
        in_flight.try_into().expect("non-zero cap"),
    );
    let limiter = RateLimiter::new(limit).start();
    let mut settings = ClientSettings::new(fake.base_url.clone(), auth, in_flight);
    tune(&mut settings);
    Harness {
        client: TmdbClient::new(settings, limiter.clone()),
        limiter,
    }
}

fn key_auth() -> Auth {
    Auth::ApiKey(Secret::from(KEY))
}

fn token_auth() -> Auth {
    Auth::Bearer(Secret::from(TOKEN))
}

/// Fires one GET per path, all at once, and returns each outcome (status only).
async fn get_all(
    client: &TmdbClient,
    paths: Vec<String>,
) -> Vec<Result<Fetched<serde_json::Value>, TmdbError>> {
    let handles: Vec<_> = paths
        .into_iter()
        .map(|path| {
            let client = client.clone();
            actix_rt::spawn(async move {
                let request = TmdbRequest::new(path);
                client.get::<serde_json::Value>(&request).await
            })
        })
        .collect();
    let mut out = Vec::new();
    for handle in handles {
        out.push(handle.await.expect("request task"));
    }
    out
}

fn movie_paths(fake: &FakeTmdb, n: usize) -> Vec<String> {
    fake.catalogue()
        .movie_ids()
        .into_iter()
        .cycle()
        .take(n)
        .map(|id| format!("/3/movie/{id}"))
        .collect()
}

async fn stats(h: &Harness) -> LimiterStats {
    h.limiter.send(GetStats).await.expect("limiter stats")
}

/// The most requests the server saw in any window of `window` length.
fn max_in_window(times: &[Instant], window: Duration) -> usize {
    let mut times = times.to_vec();
    times.sort();
    let mut best = 0;
    let mut start = 0;
    for end in 0..times.len() {
        while times[end].duration_since(times[start]) >= window {
            start += 1;
        }
        best = best.max(end - start + 1);
    }
    best
}

#[actix_rt::test]
async fn the_server_never_sees_more_than_the_cap_over_five_seconds() {
    let fake = server(|_| {});
    let h = client(&fake, key_auth(), 40, 20, |_| {});
    let started = Instant::now();
    let results = get_all(&h.client, movie_paths(&fake, 320)).await;
    let elapsed = started.elapsed();
    assert!(results.iter().all(|r| matches!(r, Ok(Fetched::Found(_)))));
    let times = fake.request_times();
    assert_eq!(times.len(), 320);
    let worst = max_in_window(&times, Duration::from_secs(5));
    assert!(worst <= 210, "{worst} requests within 5 s at a cap of 40/s");
    // Speed is the benchmarks' business (`cargo bench --bench tmdb_rate`); printed here.
    eprintln!("320 requests at a cap of 40/s took {elapsed:?}");
    let s = stats(&h).await;
    assert_eq!(s.granted, 320);
    assert_eq!(s.rate_limited, 0);
}

async fn storm(retry_after: bool) {
    let fake = server(|c| {
        c.knobs.set_rate_limit(Some(20), retry_after);
    });
    let h = client(&fake, token_auth(), 40, 20, |_| {});
    let results = get_all(&h.client, movie_paths(&fake, 100)).await;
    let found = results
        .iter()
        .filter(|r| matches!(r, Ok(Fetched::Found(_))))
        .count();
    assert_eq!(found, 100, "{:?}", results.iter().find(|r| r.is_err()));
    let s = stats(&h).await;
    assert!(s.rate_limited > 0, "the server never answered 429: {s:?}");
    assert!(fake.total_requests() > 100);
    // The pause itself, from the server's clock: after the first 429, nothing arrives until the
    // pause is over (Retry-After: 1 s; without it, the first backoff is 0.75-1.25 s), but for
    // requests already on their way when the 429 left (150 ms allowed for them).
    let log = fake.request_log();
    let first = log
        .iter()
        .filter(|r| r.rate_limited)
        .map(|r| r.at)
        .min()
        .expect("a 429 in the log");
    let quiet = if retry_after { 950 } else { 700 };
    let (from, to) = (
        first + Duration::from_millis(150),
        first + Duration::from_millis(quiet),
    );
    let inside = log.iter().filter(|r| r.at > from && r.at < to).count();
    assert_eq!(
        inside, 0,
        "{inside} requests arrived 150-{quiet} ms after the first 429 (Retry-After: {retry_after})"
    );
}

#[actix_rt::test]
async fn a_429_storm_with_retry_after_completes_every_request() {
    storm(true).await;
}

#[actix_rt::test]
async fn a_429_storm_without_retry_after_completes_every_request() {
    storm(false).await;
}

#[actix_rt::test]
async fn at_ten_percent_faults_every_request_ends_ok_or_reported() {
    let fake = server(|c| c.knobs.set_fault_rate(0.10));
    let h = client(&fake, key_auth(), 200, 20, |s| {
        s.request_timeout = Duration::from_secs(2);
        s.backoff_base = Duration::from_millis(20);
        s.backoff_max = Duration::from_millis(200);
    });
    let n = 300;
    let results = get_all(&h.client, movie_paths(&fake, n)).await;
    assert_eq!(results.len(), n);
    let mut ok = 0;
    for r in &results {
        match r {
            Ok(Fetched::Found(v)) => {
                assert!(v.get("id").is_some(), "a body without id: {v}");
                ok += 1;
            }
            Err(TmdbError::RetriesExhausted { attempts, .. }) => assert_eq!(*attempts, 5),
            other => panic!("unexpected outcome {other:?}"),
        }
    }
    // Five tries at 10 % faults: a request is lost with probability 1e-5.
    assert!(ok >= n - 1, "only {ok} of {n} succeeded");
    assert!(fake.total_requests() > n as u64, "no fault was injected");
}

/// README, "TMDb access": 5xx, resets and truncated or non-JSON bodies are tried up to 5 times
/// in all: a request that meets the fault every time ends after exactly 5 requests.
#[actix_rt::test]
async fn each_transient_fault_is_tried_five_times_in_all() {
    let fake = server(|c| c.knobs.set_fault_rate(1.0));
    let h = client(&fake, key_auth(), 200, 10, |s| {
        s.request_timeout = Duration::from_secs(2);
        s.backoff_base = Duration::from_millis(5);
        s.backoff_max = Duration::from_millis(20);
    });
    let id = fake.catalogue().movie_ids()[0];
    for kind in [
        FaultKind::ServerError,
        FaultKind::BadGateway,
        FaultKind::ConnectionReset,
        FaultKind::TruncatedJson,
        FaultKind::IncompleteBody,
    ] {
        fake.knobs.set_fault_kinds(&[kind]);
        fake.reset_counters();
        let result = h
            .client
            .get::<serde_json::Value>(&TmdbRequest::new(format!("/3/movie/{id}")))
            .await;
        assert!(
            matches!(result, Err(TmdbError::RetriesExhausted { attempts: 5, .. })),
            "{kind:?}: {result:?}"
        );
        assert_eq!(fake.total_requests(), 5, "{kind:?}");
    }
}

#[actix_rt::test]
async fn status_34_is_not_found_after_one_request() {
    let fake = server(|_| {});
    let h = client(&fake, key_auth(), 40, 20, |_| {});
    let gone = fake.catalogue().deleted_movie_ids();
    let id = *gone.first().expect("the catalogue has deleted movies");
    let request = TmdbRequest::new(format!("/3/movie/{id}"));
    let result = h.client.get::<serde_json::Value>(&request).await;
    assert!(matches!(result, Ok(Fetched::NotFound)), "{result:?}");
    assert_eq!(fake.total_requests(), 1);
}

/// A 404 without TMDb's status 34 (a proxy's HTML page, an empty body) is not TMDb saying
/// "gone": the live movie is retried, never reported not found; when every answer is such a
/// 404, the request ends as a failure after 5 tries.
async fn a_404_without_status_34(kind: FaultKind) {
    let fake = server(|c| {
        c.knobs.set_fault_kinds(&[kind]);
        c.knobs.set_fault_rate(0.5);
    });
    let h = client(&fake, key_auth(), 200, 10, |s| {
        s.backoff_base = Duration::from_millis(5);
        s.backoff_max = Duration::from_millis(20);
    });
    // One at a time: every other answer is the proxy's page, so each is retried once at most.
    let n = 40;
    for path in movie_paths(&fake, n) {
        let result = h
            .client
            .get::<serde_json::Value>(&TmdbRequest::new(path))
            .await;
        assert!(matches!(result, Ok(Fetched::Found(_))), "{result:?}");
    }
    assert!(
        fake.total_requests() >= (n + n / 2 - 1) as u64,
        "no proxy 404 was served"
    );

    fake.knobs.set_fault_rate(1.0);
    let id = fake.catalogue().movie_ids()[0];
    let result = h
        .client
        .get::<serde_json::Value>(&TmdbRequest::new(format!("/3/movie/{id}")))
        .await;
    assert!(
        matches!(result, Err(TmdbError::RetriesExhausted { attempts: 5, .. })),
        "{result:?}"
    );
}

#[actix_rt::test]
async fn an_html_404_is_retried_not_taken_for_gone() {
    a_404_without_status_34(FaultKind::ProxyNotFound).await;
}

#[actix_rt::test]
async fn an_empty_404_is_retried_not_taken_for_gone() {
    a_404_without_status_34(FaultKind::EmptyNotFound).await;
}

/// A body that stops half way is cut at the request timeout and retried: every request ends,
/// and no stalled one keeps its rate-limiter slot (4 slots, 40 requests).
#[actix_rt::test]
async fn a_stalled_body_times_out_and_is_retried() {
    let fake = server(|c| {
        c.knobs.set_fault_kinds(&[FaultKind::StalledBody]);
        c.knobs.set_fault_rate(0.25);
    });
    let h = client(&fake, key_auth(), 200, 4, |s| {
        s.request_timeout = Duration::from_millis(300);
        s.backoff_base = Duration::from_millis(5);
        s.backoff_max = Duration::from_millis(20);
    });
    let n = 40;
    let started = Instant::now();
    let results = tokio::time::timeout(
        Duration::from_secs(30),
        get_all(&h.client, movie_paths(&fake, n)),
    )
    .await
    .expect("stalled bodies held the requests");
    for result in results {
        assert!(matches!(result, Ok(Fetched::Found(_))), "{result:?}");
    }
    assert!(fake.total_requests() > n as u64, "no body stalled");
    eprintln!(
        "{n} requests with 25 % stalled bodies in {:?}",
        started.elapsed()
    );
}

#[actix_rt::test]
async fn status_7_is_fatal_and_not_retried() {
    let fake = server(|c| c.knobs.set_invalid_key(true));
    let h = client(&fake, key_auth(), 40, 20, |_| {});
    let request = TmdbRequest::new("/3/movie/550");
    let err = h
        .client
        .get::<serde_json::Value>(&request)
        .await
        .expect_err("an invalid key must fail");
    assert!(err.is_fatal(), "{err:?}");
    assert!(
        matches!(
            err,
            TmdbError::InvalidCredentials {
                status_code: Some(7),
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(fake.total_requests(), 1);
}

#[actix_rt::test]
async fn append_to_response_arrives_in_one_request() {
    let fake = server(|_| {});
    let h = client(&fake, token_auth(), 40, 20, |_| {});
    let id = fake.catalogue().movie_ids()[0];
    let request = TmdbRequest::new(format!("/3/movie/{id}"))
        .append([
            "credits",
            "keywords",
            "images",
            "external_ids",
            "translations",
        ])
        .expect("five appends");
    let Fetched::Found(body) = h
        .client
        .get::<serde_json::Value>(&request)
        .await
        .expect("movie")
    else {
        panic!("movie {id} not found");
    };
    for key in [
        "credits",
        "keywords",
        "images",
        "external_ids",
        "translations",
    ] {
        assert!(body.get(key).is_some(), "{key} missing");
    }
    assert_eq!(fake.total_requests(), 1);
}

/// A `MakeWriter` that keeps everything logged in memory.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().expect("log buffer").extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for Captured {
    type Writer = Captured;
    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

#[actix_rt::test]
async fn a_trace_level_log_contains_neither_key_nor_token() {
    let captured = Captured::default();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(captured.clone())
        .finish();
    let _guard = tracing::subscriber::set_default(subscriber);

    let mut errors = Vec::new();
    for auth in [key_auth(), token_auth()] {
        let fake = server(|c| c.knobs.set_fault_rate(0.3));
        let h = client(&fake, auth.clone(), 200, 5, |s| {
            s.request_timeout = Duration::from_secs(2);
            s.backoff_base = Duration::from_millis(10);
            s.max_attempts = 2;
        });
        for r in get_all(&h.client, movie_paths(&fake, 30)).await {
            if let Err(e) = r {
                errors.push(format!("{e} {e:?}"));
            }
        }
        let gone = fake.catalogue().deleted_movie_ids()[0];
        let _ = h
            .client
            .get::<serde_json::Value>(&TmdbRequest::new(format!("/3/movie/{gone}")))
            .await;
        fake.knobs.set_invalid_key(true);
        if let Err(e) = h
            .client
            .get::<serde_json::Value>(&TmdbRequest::new("/3/configuration"))
            .await
        {
            errors.push(format!("{e} {e:?}"));
        }
        // Unreachable server: the connect error must not quote the URL with its key.
        let dead = ClientSettings::new("http://127.0.0.1:1", auth, 2);
        let dead = TmdbClient::new(
            ClientSettings {
                max_attempts: 1,
                ..dead
            },
            h.limiter.clone(),
        );
        if let Err(e) = dead
            .get::<serde_json::Value>(&TmdbRequest::new("/3/movie/1"))
            .await
        {
            errors.push(format!("{e} {e:?}"));
        }
    }
    let logged = String::from_utf8(captured.0.lock().expect("log buffer").clone()).expect("utf8");
    assert!(!logged.is_empty(), "nothing was logged at trace level");
    for secret in [KEY, TOKEN] {
        assert!(!logged.contains(secret), "the log holds {secret}");
        for e in &errors {
            assert!(!e.contains(secret), "an error holds {secret}: {e}");
        }
    }
    assert!(!errors.is_empty(), "no error was produced to check");
}

#[test]
fn check_api_exits_0_on_good_credentials_and_2_on_refused_ones_without_printing_them() {
    let fake = server(|_| {});
    let dir = tempfile::tempdir().expect("temporary directory");
    let run = |env: &[(&str, &str)]| {
        let mut all = vec![
            ("TMDB_CRAWLER_API_BASE_URL", fake.base_url.as_str()),
            ("TMDB_CRAWLER_LOG", "trace"),
        ];
        all.extend_from_slice(env);
        support::crawler(dir.path(), &["check-api"], &all)
    };
    let ok = run(&[("TMDB_CRAWLER_API_KEY", KEY)]);
    assert_eq!(
        ok.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    // One request, to /3/configuration.
    let routes = fake.route_counts();
    assert_eq!(routes.iter().map(|(_, n)| n).sum::<u64>(), 1, "{routes:?}");
    assert_eq!(fake.requests_to("/3/configuration"), 1, "{routes:?}");
    let ok = run(&[("TMDB_API_TOKEN", TOKEN)]);
    assert_eq!(
        ok.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );

    fake.knobs.set_invalid_key(true);
    for env in [
        ("TMDB_CRAWLER_API_KEY", KEY),
        ("TMDB_CRAWLER_API_TOKEN", TOKEN),
    ] {
        let refused = run(&[env]);
        let stderr = String::from_utf8_lossy(&refused.stderr);
        let stdout = String::from_utf8_lossy(&refused.stdout);
        assert_eq!(refused.status.code(), Some(2), "{stderr}");
        assert!(stderr.contains("refused the credentials"), "{stderr}");
        assert!(
            !stderr.contains(env.1) && !stdout.contains(env.1),
            "{stderr}"
        );
    }
    let none = run(&[]);
    assert_eq!(none.status.code(), Some(2));
}

/// Over TLS the HTTP libraries speak HTTP/2 and trace request heads (the URI with `api_key`, the
/// `Authorization` header) at trace level: a whole run at trace level, with the key and then
/// with the token, must print neither.
#[test]
fn a_trace_level_run_over_tls_and_http2_prints_no_key_and_no_token() {
    let fake = server(|c| c.tls = true);
    let ca_file = fake.ca_file.clone().expect("the TLS fake's certificate");
    let dir = tempfile::tempdir().expect("temporary directory");
    for (variable, secret) in [
        ("TMDB_CRAWLER_API_KEY", KEY),
        ("TMDB_CRAWLER_API_TOKEN", TOKEN),
    ] {
        let url = format!(
            "sqlite://{}/{variable}.sqlite?mode=rwc",
            dir.path().display()
        );
        let exports = fake.exports_base_url();
        let env = [
            ("TMDB_CRAWLER_DATABASE_URL", url.as_str()),
            ("TMDB_CRAWLER_API_BASE_URL", fake.base_url.as_str()),
            ("TMDB_CRAWLER_EXPORTS_BASE_URL", exports.as_str()),
            ("SSL_CERT_FILE", ca_file.to_str().expect("UTF-8 path")),
            ("TMDB_CRAWLER_LOG", "trace"),
            (variable, secret),
        ];
        let migrated = support::crawler(dir.path(), &["migrate", "up"], &env);
        assert!(
            migrated.status.success(),
            "{}",
            support::binary::describe(&migrated)
        );
        let http2_before = fake.http2_requests();
        let out = support::crawler(
            dir.path(),
            &["run", "--process", "41,2", "--limit", "5"],
            &env,
        );
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{}", support::binary::describe(&out));
        assert!(
            fake.http2_requests() >= http2_before + 5,
            "the run did not speak HTTP/2 ({} requests)",
            fake.http2_requests() - http2_before
        );
        assert!(
            stderr.contains("h2") && stderr.lines().count() > 100,
            "the HTTP/2 library's trace lines are missing: {} lines",
            stderr.lines().count()
        );
        for leaked in [KEY, TOKEN] {
            let line = stderr.lines().find(|l| l.contains(leaked));
            assert!(
                line.is_none(),
                "{variable} run: a log line holds {leaked}: {line:?}"
            );
        }
    }
}
