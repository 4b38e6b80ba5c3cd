//! tmdb-crawler: parse the command line, load the configuration, run the command, and map the
//! outcome to an exit code (0 success, 2 configuration or usage, 3 database).

use std::io::IsTerminal;
use std::process::ExitCode;

use clap::Parser;
use clap::error::ErrorKind;
use tmdb_crawler::{cli, redaction};
use tracing_subscriber::EnvFilter;

fn main() -> ExitCode {
    let cli = match cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => return usage_error(err),
    };
    init_logging();
    match actix_rt::System::with_tokio_rt(|| {
        tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()
            .unwrap_or_else(|e| {
                eprintln!("error: cannot start the async runtime: {e}");
                std::process::exit(1)
            })
    })
    .block_on(cli::execute(cli))
    {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {}", redaction::redact(&err.to_string()));
            ExitCode::from(err.exit_code())
        }
    }
}

/// clap's own report spans several lines (usage, tips); operators and scripts get one line.
fn usage_error(err: clap::Error) -> ExitCode {
    match err.kind() {
        ErrorKind::DisplayHelp
        | ErrorKind::DisplayVersion
        | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            let _ = err.print();
            if err.kind() == ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand {
                ExitCode::from(2)
            } else {
                ExitCode::SUCCESS
            }
        }
        _ => {
            let rendered = err.to_string();
            let first = rendered
                .lines()
                .find(|l| !l.trim().is_empty())
                .unwrap_or("invalid command line");
            eprintln!("{first} (see tmdb-crawler --help)");
            ExitCode::from(2)
        }
    }
}

/// Logs go to stderr so that command output on stdout stays clean for scripts.
/// `TMDB_CRAWLER_LOG` takes tracing's filter syntax, e.g. `debug` or `tmdb_crawler=trace`.
fn init_logging() {
    let filter = EnvFilter::try_from_env("TMDB_CRAWLER_LOG")
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,sea_orm_migration=warn"));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        // Secrets are masked in every line, whatever library logs them at whatever level.
        .with_writer(redaction::RedactingStderr)
        .with_ansi(std::io::stderr().is_terminal())
        .init();
}
