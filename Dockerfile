# Build stage: the release binary, with the dependency graph pinned by Cargo.lock.
FROM rust:1.95-slim-bookworm AS build
WORKDIR /src
COPY . .
RUN cargo build --release --locked --bin tmdb-crawler

# Runtime stage: a slim Debian with CA certificates (HTTPS to TMDb) and nothing else.
FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --user-group --home-dir /data --shell /usr/sbin/nologin crawler \
 && mkdir -p /data \
 && chown crawler:crawler /data
COPY --from=build /src/target/release/tmdb-crawler /usr/local/bin/tmdb-crawler
USER crawler
# From /, the built-in SQLite default `data/tmdb.sqlite` is /data/tmdb.sqlite, on the volume.
# No TMDB_CRAWLER_DATABASE_URL here: it would outrank the Python crawler's DB_* variables.
WORKDIR /
VOLUME ["/data"]
ENTRYPOINT ["tmdb-crawler"]
CMD ["run"]
