//! What a person watching a run sees: a one-line display on a terminal, and a structured
//! progress log line per running process every [`LOG_EVERY`].

use std::io::IsTerminal;
use std::time::{Duration, Instant};

use super::EntityReport;

/// Between two progress log lines of a long process.
pub(super) const LOG_EVERY: Duration = Duration::from_secs(10);

/// A one-line progress display on stderr when it is a terminal (logs stay structured otherwise).
pub(super) struct ProgressBar {
    on: bool,
    last: Option<Instant>,
}

impl ProgressBar {
    pub(super) fn on_terminal() -> Self {
        ProgressBar {
            on: std::io::stderr().is_terminal(),
            last: None,
        }
    }

    fn line(number: u16, name: &str, r: &EntityReport, started: Instant) -> String {
        let done = r.stored + r.gone + r.failed.len() as u64;
        let rate = done as f64 / started.elapsed().as_secs_f64().max(0.001);
        format!(
            "{number:>2} {name}: {done}/{} done, {} stored, {} gone, {} failed, {rate:.1}/s",
            r.selected,
            r.stored,
            r.gone,
            r.failed.len()
        )
    }

    pub(super) fn show(&mut self, number: u16, name: &str, r: &EntityReport, started: Instant) {
        if !self.on || self.last.is_some_and(|t| t.elapsed().as_millis() < 250) {
            return;
        }
        self.last = Some(Instant::now());
        eprint!("\r\x1b[2K{}", Self::line(number, name, r, started));
    }

    pub(super) fn finish(&mut self, number: u16, name: &str, r: &EntityReport, started: Instant) {
        if self.on && self.last.is_some() {
            eprintln!("\r\x1b[2K{}", Self::line(number, name, r, started));
        }
    }
}

/// The structured progress line of one process.
pub(super) fn log_progress(number: u16, done: u64, report: &EntityReport, started: Instant) {
    let secs = started.elapsed().as_secs_f64().max(0.001);
    tracing::info!(
        process = number,
        selected = report.selected,
        done,
        stored = report.stored,
        gone = report.gone,
        failed = report.failed.len(),
        per_second = format!("{:.1}", done as f64 / secs),
        "progress"
    );
}
