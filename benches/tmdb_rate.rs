//! Benchmark: how close the client gets to the rate cap against the fake TMDb server.
//!
//! `cargo bench --bench tmdb_rate` — prints figures, asserts nothing. For each server latency
//! (0, 50, 200 ms) it sends `CAP × SECONDS` movie requests through one RateLimiter (cap 40/s,
//! 20 in flight) and reports achieved requests/s, utilization of the cap, limiter counters and
//! the process's peak RSS (the fake server runs in this process too, on its own thread).

use std::time::{Duration, Instant};

use actix::Actor;
use fake_tmdb::{FakeTmdb, FakeTmdbConfig};
use tmdb_crawler::actors::rate_limiter::{GetStats, RateLimit, RateLimiter};
use tmdb_crawler::config::Secret;
use tmdb_crawler::tmdb::client::{Auth, ClientSettings, Fetched, TmdbClient, TmdbRequest};

const CAP: u32 = 40;
const IN_FLIGHT: u32 = 20;

fn seconds() -> u32 {
    std::env::var("TMDB_BENCH_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(15)
}

fn peak_rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map(|kb| kb / 1024.0)
        .unwrap_or(f64::NAN)
}

async fn run(latency_ms: u64) {
    let fake = FakeTmdb::start(FakeTmdbConfig {
        api_key: "bench-key".to_owned(),
        ..FakeTmdbConfig::default()
    });
    fake.knobs.set_latency(Duration::from_millis(latency_ms));
    let limit = RateLimit::for_rate(
        CAP.try_into().expect("non-zero"),
        IN_FLIGHT.try_into().expect("non-zero"),
    );
    let limiter = RateLimiter::new(limit).start();
    let client = TmdbClient::new(
        ClientSettings::new(
            fake.base_url.clone(),
            Auth::ApiKey(Secret::from("bench-key")),
            IN_FLIGHT,
        ),
        limiter.clone(),
    );
    let total = (CAP * seconds()) as usize;
    let ids = fake.catalogue().movie_ids();
    let started = Instant::now();
    let handles: Vec<_> = ids
        .iter()
        .cycle()
        .take(total)
        .map(|id| {
            let client = client.clone();
            let request = TmdbRequest::new(format!("/3/movie/{id}"))
                .append([
                    "credits",
                    "keywords",
                    "images",
                    "external_ids",
                    "translations",
                ])
                .expect("five appends");
            actix_rt::spawn(async move { client.get::<serde_json::Value>(&request).await })
        })
        .collect();
    let mut ok = 0usize;
    for handle in handles {
        if let Ok(Ok(Fetched::Found(_))) = handle.await {
            ok += 1;
        }
    }
    let wall = started.elapsed().as_secs_f64();
    let stats = limiter.send(GetStats).await.expect("limiter stats");
    let rate = total as f64 / wall;
    println!(
        "latency {:>3} ms | {:>5} requests ({} ok) in {:>6.2} s | {:>6.2} req/s | utilization {:>5.1} % of {} req/s | waited {} | 429s {} | server saw {} | peak RSS {:.1} MB",
        latency_ms,
        total,
        ok,
        wall,
        rate,
        100.0 * rate / f64::from(CAP),
        CAP,
        stats.waited,
        stats.rate_limited,
        fake.total_requests(),
        peak_rss_mb()
    );
}

fn main() {
    println!(
        "tmdb_rate: cap {CAP} req/s, {IN_FLIGHT} in flight, {} s of requests per latency",
        seconds()
    );
    actix_rt::System::new().block_on(async {
        for latency in [0, 50, 200] {
            run(latency).await;
        }
    });
}
