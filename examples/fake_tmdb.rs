//! Runs the fake TMDb server standalone (demos, benchmarks):
//!
//! ```text
//! cargo run --example fake_tmdb -- --port 8080 [--seed S] [--scale F] [--rate-limit R]
//!     [--latency-ms L] [--fault-rate X] [--api-key K] [--token T] [--workers W]
//!     [--export-size KIND=LINES]...
//! ```
//!
//! Prints the base URL, the exports URL and the credentials, then serves until Ctrl-C.

use std::time::Duration;

use clap::Parser;
use fake_tmdb::{CatalogueSizes, ExportKind, FakeTmdb, FakeTmdbConfig, Knobs};

/// A fake TMDb (API v3 and daily ID exports) generated from a seed.
#[derive(Parser, Debug)]
#[command(name = "fake_tmdb")]
struct Args {
    /// TCP port on 127.0.0.1 (0 = any free port).
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// Seed of the deterministic catalogue.
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Catalogue scale (1.0 = 60 movies, 12 series, 150 persons, …).
    #[arg(long, default_value_t = 1.0)]
    scale: f64,
    /// Answer 429 beyond this many API requests per second.
    #[arg(long)]
    rate_limit: Option<u32>,
    /// Send 429 without a Retry-After header.
    #[arg(long)]
    no_retry_after: bool,
    /// Delay added before every answer, in milliseconds.
    #[arg(long, default_value_t = 0)]
    latency_ms: u64,
    /// Fraction (0..1) of API requests that get a fault (500, 502, reset, truncated, slow).
    #[arg(long, default_value_t = 0.0)]
    fault_rate: f64,
    /// Accepted api_key query parameter.
    #[arg(long, default_value = "fake-api-key")]
    api_key: String,
    /// Accepted Bearer token.
    #[arg(long, default_value = "fake-api-token")]
    token: String,
    /// actix worker threads.
    #[arg(long, default_value_t = 1)]
    workers: usize,
    /// Serve HTTPS (HTTP/2 and HTTP/1.1) with a certificate of its own; its CA's PEM file is
    /// printed, for the crawler's SSL_CERT_FILE.
    #[arg(long)]
    tls: bool,
    /// Export lines of one kind, independent of the catalogue, e.g. `person_ids=4740000`.
    #[arg(long = "export-size", value_parser = parse_export_size)]
    export_sizes: Vec<(ExportKind, u64)>,
}

fn parse_export_size(s: &str) -> Result<(ExportKind, u64), String> {
    let (kind, lines) = s
        .split_once('=')
        .ok_or_else(|| format!("expected KIND=LINES, got {s:?}"))?;
    let kind = ExportKind::from_prefix(kind)
        .or_else(|| ExportKind::from_prefix(&format!("{kind}_ids")))
        .ok_or_else(|| format!("unknown export kind {kind:?}"))?;
    let lines = lines
        .parse()
        .map_err(|e| format!("bad line count {lines:?}: {e}"))?;
    Ok((kind, lines))
}

fn main() {
    let args = Args::parse();
    let knobs = Knobs::new();
    knobs.set_rate_limit(args.rate_limit, !args.no_retry_after);
    knobs.set_latency(Duration::from_millis(args.latency_ms));
    knobs.set_fault_rate(args.fault_rate);
    for (kind, lines) in &args.export_sizes {
        knobs.set_export_size(*kind, Some(*lines));
    }
    let sizes = CatalogueSizes::scaled(args.scale);
    let tmdb = FakeTmdb::start(FakeTmdbConfig {
        seed: args.seed,
        sizes: sizes.clone(),
        api_key: args.api_key,
        api_token: args.token,
        port: args.port,
        workers: args.workers,
        knobs,
        tls: args.tls,
    });
    if let Some(ca) = &tmdb.ca_file {
        println!("  SSL_CERT_FILE:    {}", ca.display());
    }
    println!("fake TMDb listening on {}", tmdb.base_url);
    println!("  api base url:     {}", tmdb.base_url);
    println!("  exports base url: {}", tmdb.exports_base_url());
    println!("  api key:          {}", tmdb.api_key);
    println!("  bearer token:     {}", tmdb.api_token);
    println!("  catalogue:        {sizes:?}");
    let first_movie = tmdb.catalogue().id_at(fake_tmdb::Kind::Movie, 0);
    println!(
        "  try:              curl '{}'",
        tmdb.url(&format!(
            "/3/movie/{first_movie}?append_to_response=credits,images"
        ))
    );
    println!("Ctrl-C to stop.");
    // Wait for Ctrl-C on a small runtime of our own (the server never installs signal
    // handlers, so that it can also run inside tests), then stop the server cleanly.
    let waited = actix_rt::System::new().block_on(actix_rt::signal::ctrl_c());
    if let Err(e) = waited {
        eprintln!("cannot listen for Ctrl-C ({e}); serving until killed");
        loop {
            std::thread::park();
        }
    }
    tmdb.stop();
    println!("fake TMDb stopped");
}
