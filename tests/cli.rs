//! The command line as an operator meets it: exit codes, one-line errors, masked secrets.

mod support;

use std::process::Output;

use support::db::{Backend, TestDb};
use support::{crawler, one_error_line};

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn stdout(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

fn run(args: &[&str], env: &[(&str, &str)]) -> Output {
    let dir = tempfile::tempdir().expect("temporary directory");
    crawler(dir.path(), args, env)
}

#[test]
fn a_wrong_flag_is_one_line_and_exit_2() {
    for args in [
        &["--bogus"][..],
        &["migrate", "sideways"],
        &["processes", "--nope"],
    ] {
        let out = run(args, &[]);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = stderr(&out);
        assert_eq!(err.trim_end().lines().count(), 1, "{args:?}: {err}");
        assert!(err.starts_with("error: "), "{err}");
        assert!(
            !err.contains("panicked") && !err.contains("backtrace"),
            "{err}"
        );
    }
}

#[test]
fn an_invalid_setting_is_a_configuration_error_exit_2() {
    let out = run(&["config"], &[("TMDB_CRAWLER_TIMEZONE", "Mars/Olympus")]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("Mars/Olympus"), "{}", stderr(&out));
    one_error_line(&out, "an unknown time zone");
    let out = run(&["config"], &[("TMDB_CRAWLER_DATABASE_URL", "oracle://x")]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    one_error_line(&out, "an unsupported database URL");
    // The same errors stop `run` before it does anything.
    let out = run(
        &["run", "--process", "41"],
        &[("TMDB_CRAWLER_TIMEZONE", "Mars/Olympus")],
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    one_error_line(&out, "run with an unknown time zone");
}

/// Exit 2 for a `run` asked for the impossible, one line each: an unknown process, an id
/// process without TMDb credentials, a database whose schema is not migrated.
#[test]
fn run_refusals_are_one_line_and_exit_2() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let migrated = format!(
        "sqlite://{}?mode=rwc",
        dir.path().join("migrated.sqlite").display()
    );
    support::crawler_ok(&migrated, &["migrate", "up"]);
    let empty = format!(
        "sqlite://{}?mode=rwc",
        dir.path().join("empty.sqlite").display()
    );
    for (what, args, url, says) in [
        (
            "an unknown process",
            &["run", "--process", "99"][..],
            &migrated,
            "99",
        ),
        (
            "no credentials",
            &["run", "--process", "2"],
            &migrated,
            "API",
        ),
        (
            "a schema not migrated",
            &["run", "--process", "41"],
            &empty,
            "migrate up",
        ),
    ] {
        let out = run(args, &[("TMDB_CRAWLER_DATABASE_URL", url.as_str())]);
        assert_eq!(out.status.code(), Some(2), "{what}: {}", stderr(&out));
        let line = one_error_line(&out, what);
        assert!(line.contains(says), "{what}: {line}");
    }
}

/// TMDb refusing the credentials is exit 2, one line.
#[test]
fn check_api_with_refused_credentials_is_one_line_and_exit_2() {
    let fake = fake_tmdb::FakeTmdb::start(fake_tmdb::FakeTmdbConfig {
        sizes: fake_tmdb::CatalogueSizes::scaled(0.1),
        ..fake_tmdb::FakeTmdbConfig::default()
    });
    fake.knobs.set_invalid_key(true);
    let out = run(
        &["check-api"],
        &[
            ("TMDB_CRAWLER_API_BASE_URL", fake.base_url.as_str()),
            ("TMDB_CRAWLER_API_KEY", fake.api_key.as_str()),
        ],
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let line = one_error_line(&out, "refused credentials");
    assert!(line.contains("refused the credentials"), "{line}");
}

#[test]
fn an_unreachable_database_is_one_line_exit_3_without_the_password() {
    // Port 1 on loopback refuses connections.
    for url in [
        "mysql://root:pw-sekret@127.0.0.1:1/tmdb",
        "postgres://postgres:pw-sekret@127.0.0.1:1/tmdb",
    ] {
        let out = run(&["migrate", "up"], &[("TMDB_CRAWLER_DATABASE_URL", url)]);
        assert_eq!(out.status.code(), Some(3), "{url}: {}", stderr(&out));
        let err = stderr(&out);
        let line = err
            .lines()
            .find(|l| l.starts_with("error: "))
            .expect("an error line");
        assert!(line.contains("cannot connect"), "{line}");
        assert!(!err.contains("pw-sekret"), "{err}");
        assert!(!err.contains("panicked"), "{err}");
    }
}

/// `run` too exits 3 when the database does not answer at the start, with one `error:` line.
#[test]
fn run_with_an_unreachable_database_is_one_line_exit_3() {
    let urls = [
        "mysql://root:pw-sekret@127.0.0.1:1/tmdb",
        "postgres://postgres:pw-sekret@127.0.0.1:1/tmdb",
    ];
    // Side by side: each waits out the connection timeout (10 s).
    let outputs: Vec<Output> = std::thread::scope(|s| {
        let runs: Vec<_> = urls
            .iter()
            .map(|url| {
                s.spawn(move || {
                    run(
                        &["run", "--process", "41"],
                        &[("TMDB_CRAWLER_DATABASE_URL", url)],
                    )
                })
            })
            .collect();
        runs.into_iter()
            .map(|r| r.join().expect("a run thread"))
            .collect()
    });
    for (url, out) in urls.iter().zip(&outputs) {
        assert_eq!(out.status.code(), Some(3), "{url}: {}", stderr(out));
        let line = one_error_line(out, url);
        assert!(line.contains("cannot connect"), "{url}: {line}");
        assert!(!stderr(out).contains("pw-sekret"), "{}", stderr(out));
    }
}

#[test]
fn config_prints_the_effective_settings_with_secrets_masked() {
    let dir = tempfile::tempdir().expect("temporary directory");
    std::fs::write(
        dir.path().join("tmdb-crawler.toml"),
        "rate_limit_per_second = 25\nlanguages = [\"fr\", \"de\"]\n",
    )
    .expect("write config file");
    let out = crawler(
        dir.path(),
        &["config", "--max-in-flight", "7"],
        &[
            ("TMDB_CRAWLER_API_KEY", "key-sekret"),
            ("TMDB_API_TOKEN", "token-sekret"),
            (
                "TMDB_CRAWLER_DATABASE_URL",
                "mysql://crawler:pw-sekret@db.example:3306/tmdb",
            ),
            ("TMDB_CRAWLER_LOG", "trace"),
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    for secret in ["key-sekret", "token-sekret", "pw-sekret"] {
        assert!(!text.contains(secret), "{secret} printed:\n{text}");
        assert!(!stderr(&out).contains(secret), "{secret} logged");
    }
    assert!(
        text.contains("mysql://crawler:***@db.example:3306/tmdb"),
        "{text}"
    );
    assert!(text.contains("api_key = ***"), "{text}");
    assert!(text.contains("api_token = ***"), "{text}");
    assert!(text.contains("rate_limit_per_second = 25"), "{text}");
    assert!(text.contains("max_in_flight = 7"), "{text}");
    assert!(text.contains("\"de\""), "{text}");
}

#[test]
fn processes_lists_the_whole_catalogue() {
    let out = run(&["processes"], &[]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    let numbers: Vec<u16> = text
        .lines()
        .filter_map(|l| l.split('|').next()?.trim().parse().ok())
        .collect();
    let mut expected: Vec<u16> = (1..=4).chain(7..=19).chain(22..=28).collect();
    expected.extend([31, 32, 33, 34, 35, 36]);
    expected.extend(41..=47);
    expected.extend([51, 52, 53]);
    assert_eq!(numbers, expected, "{text}");
    let newmovies = text
        .lines()
        .find(|l| l.contains("newmovies"))
        .expect("process 2");
    assert!(newmovies.trim_start().starts_with("2 "), "{newmovies}");
}

#[tokio::test]
async fn down_and_fresh_refuse_without_yes_and_keep_the_tables() {
    let Some(db) = TestDb::create(Backend::Sqlite, "confirm").await else {
        return;
    };
    support::crawler_ok(&db.url, &["migrate", "up"]);
    for action in ["down", "fresh"] {
        let out = run(
            &["migrate", action],
            &[("TMDB_CRAWLER_DATABASE_URL", db.url.as_str())],
        );
        assert_eq!(out.status.code(), Some(2), "{action}");
        assert!(stderr(&out).contains("--yes"), "{}", stderr(&out));
        one_error_line(&out, action);
    }
    // The 92 tables of the 2026-08 schema.
    assert_eq!(db.table_names().await.len(), 92);
}

#[test]
fn the_database_url_flag_overrides_the_environment() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let flag_url = format!("sqlite://{}/flag.sqlite?mode=rwc", dir.path().display());
    let out = crawler(
        dir.path(),
        &["migrate", "up", "--database-url", &flag_url],
        &[(
            "TMDB_CRAWLER_DATABASE_URL",
            "mysql://root@127.0.0.1:1/never",
        )],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(dir.path().join("flag.sqlite").is_file());
}

#[test]
fn check_api_exits_1_when_tmdb_cannot_be_reached() {
    // Port 1 on loopback refuses connections: the request is retried, then given up.
    let out = run(
        &["check-api"],
        &[
            ("TMDB_CRAWLER_API_BASE_URL", "http://127.0.0.1:1"),
            ("TMDB_CRAWLER_API_KEY", "key-sekret"),
            ("TMDB_CRAWLER_CONNECT_TIMEOUT", "1"),
        ],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.starts_with("error: "), "{err}");
    assert!(!err.contains("key-sekret"), "{err}");
}

/// A database that answers but fails the query (here: a SQLite file without the schema) is a
/// database error too.
#[test]
fn a_reachable_but_failing_database_exits_3() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let url = format!(
        "sqlite://{}?mode=rwc",
        dir.path().join("empty.sqlite").display()
    );
    let out = crawler(
        dir.path(),
        &["status"],
        &[("TMDB_CRAWLER_DATABASE_URL", url.as_str())],
    );
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(stderr(&out).starts_with("error: "), "{}", stderr(&out));
}
