//! Tells the integration tests which database servers they may use: `tmdbc_test_mysql` /
//! `tmdbc_test_postgres` when `TMDB_CRAWLER_TEST_MYSQL_URL` / `TMDB_CRAWLER_TEST_POSTGRES_URL`
//! are set. A test on a server that is not configured is then reported `ignored` (with the
//! variable to set), never a silent `ok`. With `TMDB_CRAWLER_TEST_REQUIRE_BACKENDS` set (CI),
//! a missing server is an error instead.

const SERVERS: [(&str, &str, &str); 2] = [
    ("TMDB_CRAWLER_TEST_MYSQL_URL", "tmdbc_test_mysql", "MariaDB"),
    (
        "TMDB_CRAWLER_TEST_POSTGRES_URL",
        "tmdbc_test_postgres",
        "PostgreSQL",
    ),
];
const REQUIRE: &str = "TMDB_CRAWLER_TEST_REQUIRE_BACKENDS";

fn main() {
    println!("cargo::rerun-if-changed=build.rs");
    println!("cargo::rerun-if-env-changed={REQUIRE}");
    let required = std::env::var_os(REQUIRE).is_some_and(|v| !v.is_empty() && v != "0");
    for (var, cfg, server) in SERVERS {
        println!("cargo::rustc-check-cfg=cfg({cfg})");
        println!("cargo::rerun-if-env-changed={var}");
        if std::env::var_os(var).is_some_and(|v| !v.is_empty()) {
            println!("cargo::rustc-cfg={cfg}");
        } else if required {
            println!(
                "cargo::error={REQUIRE} is set but {var} is not: the {server} tests cannot run"
            );
        }
    }
}
