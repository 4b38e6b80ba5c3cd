//! The stall watchdog's heartbeat: whatever completes work (an entity, a selection page, a
//! change page, an export batch) beats it; the coordinator ends a run whose heartbeat has
//! been silent for `stall_timeout` while work remains, so a stalled run never holds the run
//! lock for ever.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// Shared, cheap to clone and to beat (one atomic store).
#[derive(Debug, Clone)]
pub struct Heartbeat(Arc<Beat>);

#[derive(Debug)]
struct Beat {
    origin: Instant,
    /// Milliseconds from `origin` to the last beat.
    last: AtomicU64,
}

impl Default for Heartbeat {
    fn default() -> Self {
        Heartbeat(Arc::new(Beat {
            origin: Instant::now(),
            last: AtomicU64::new(0),
        }))
    }
}

impl Heartbeat {
    /// Work completed just now.
    pub fn beat(&self) {
        let ms = self.0.origin.elapsed().as_millis() as u64;
        self.0.last.fetch_max(ms, Ordering::Relaxed);
    }

    /// Time since the last beat.
    pub fn silent_for(&self) -> Duration {
        let last = Duration::from_millis(self.0.last.load(Ordering::Relaxed));
        self.0.origin.elapsed().saturating_sub(last)
    }
}

/// Runs `work` until it ends, or until `heartbeat` has been silent for `limit`: then `None`
/// (`work` is dropped).
pub async fn within<F: std::future::Future>(
    heartbeat: &Heartbeat,
    limit: Duration,
    work: F,
) -> Option<F::Output> {
    tokio::pin!(work);
    loop {
        let left = limit.saturating_sub(heartbeat.silent_for());
        if left.is_zero() {
            return None;
        }
        tokio::select! {
            out = &mut work => return Some(out),
            _ = tokio::time::sleep(left) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn work_that_beats_runs_on_and_silent_work_is_cut() {
        let heartbeat = Heartbeat::default();
        let limit = Duration::from_millis(150);
        let beating = {
            let heartbeat = heartbeat.clone();
            async move {
                for _ in 0..5 {
                    tokio::time::sleep(Duration::from_millis(60)).await;
                    heartbeat.beat();
                }
                7
            }
        };
        assert_eq!(within(&heartbeat, limit, beating).await, Some(7));
        heartbeat.beat();
        let silent = tokio::time::sleep(Duration::from_secs(5));
        let started = Instant::now();
        assert_eq!(within(&heartbeat, limit, silent).await, None);
        assert!(started.elapsed() < Duration::from_secs(1));
    }
}
