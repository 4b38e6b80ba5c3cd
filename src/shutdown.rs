//! The stop signal: set by SIGTERM or Ctrl-C, honoured by every loop of a run.
//!
//! The signals are watched on a thread of their own, with its own small runtime, so a busy
//! actor system cannot starve the handler: the stop is always seen, and the grace period
//! always ends the process.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use tokio::sync::Notify;

/// Stop feeding new work; what is in flight finishes or rolls back.
#[derive(Debug, Clone, Default)]
pub struct StopSignal(Arc<Inner>);

#[derive(Debug, Default)]
struct Inner {
    stopped: AtomicBool,
    wake: Notify,
}

impl StopSignal {
    pub fn stop(&self) {
        self.0.stopped.store(true, Ordering::SeqCst);
        self.0.wake.notify_waiters();
    }

    pub fn stopped(&self) -> bool {
        self.0.stopped.load(Ordering::SeqCst)
    }

    /// Resolves once the stop is requested (at once if it already was).
    pub async fn requested(&self) {
        loop {
            // Registered before the check, so a stop between the two is not missed.
            let wake = self.0.wake.notified();
            if self.stopped() {
                return;
            }
            wake.await;
        }
    }
}

/// After a stop request, the time in-flight work gets before the process exits anyway (open
/// transactions then roll back). Within the 10 s a container runtime waits before SIGKILL.
pub const GRACE: Duration = Duration::from_secs(9);

/// Watches SIGTERM and Ctrl-C on a dedicated thread: the first sets `stop`; if the process is
/// still alive `grace` later, it exits with status 0.
pub fn watch_signals(stop: StopSignal, grace: Duration) -> std::io::Result<()> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    std::thread::Builder::new()
        .name("signals".to_owned())
        .spawn(move || runtime.block_on(wait_then_stop(stop, grace)))?;
    Ok(())
}

async fn wait_then_stop(stop: StopSignal, grace: Duration) {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{SignalKind, signal};
        let Ok(mut term) = signal(SignalKind::terminate()) else {
            tracing::warn!("SIGTERM cannot be watched; Ctrl-C still stops the run");
            let _ = tokio::signal::ctrl_c().await;
            return stop_then_exit(stop, grace).await;
        };
        tokio::select! {
            _ = term.recv() => {}
            _ = tokio::signal::ctrl_c() => {}
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
    }
    stop_then_exit(stop, grace).await;
}

async fn stop_then_exit(stop: StopSignal, grace: Duration) {
    tracing::warn!(
        grace_seconds = grace.as_secs(),
        "stop requested: finishing entities in flight"
    );
    stop.stop();
    tokio::time::sleep(grace).await;
    tracing::warn!(
        "entities still in flight after the grace period: exiting, open transactions roll back"
    );
    std::process::exit(0);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_stop_wakes_a_waiter_and_a_late_waiter_returns_at_once() {
        let stop = StopSignal::default();
        let waiter = tokio::spawn({
            let stop = stop.clone();
            async move { stop.requested().await }
        });
        tokio::task::yield_now().await;
        assert!(!waiter.is_finished());
        stop.stop();
        tokio::time::timeout(Duration::from_secs(1), waiter)
            .await
            .expect("the waiter woke")
            .expect("the waiter ran");
        tokio::time::timeout(Duration::from_millis(10), stop.requested())
            .await
            .expect("a stop already requested returns at once");
    }
}
