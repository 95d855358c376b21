//! The typology rules engine of the service. [`cordon_monitor::Monitor`] is
//! not `Send`, so it lives on a thread of its own; requests hand it their
//! transfers through [`RulesGuard::observe`] (from [`RulesEngine::lock`]), which holds a lock for the
//! whole call so that the engine sees each request's transfers together
//! and in arrival order.

use cordon_model::transfer::Transfer;
use cordon_monitor::{Alert, Monitor, RulePack};
use std::sync::mpsc::{channel, Receiver, Sender};
use std::sync::{Mutex, MutexGuard};

/// Transfers to evaluate and where to send their alerts (one list per transfer).
struct Job {
    transfers: Vec<Transfer>,
    reply: Sender<Vec<Vec<Alert>>>,
}

/// A handle on the engine thread. The thread ends when the handle is dropped.
pub struct RulesEngine {
    version: String,
    jobs: Mutex<Sender<Job>>,
}

/// The engine, locked for one request: evaluations and whatever the caller
/// does while holding it (storing the audit entries) happen in one order.
pub struct RulesGuard<'a> {
    version: &'a str,
    jobs: MutexGuard<'a, Sender<Job>>,
}

impl RulesEngine {
    /// Starts an engine thread over a pack.
    pub fn start(pack: RulePack) -> Result<RulesEngine, String> {
        let version = pack.version.clone();
        let (sender, receiver) = channel::<Job>();
        std::thread::Builder::new()
            .name("cordon-rules".into())
            .spawn(move || run(Monitor::new(pack), receiver))
            .map_err(|e| format!("cannot start the rules engine thread: {e}"))?;
        Ok(RulesEngine {
            version,
            jobs: Mutex::new(sender),
        })
    }

    /// Locks the engine for one request.
    pub fn lock(&self) -> RulesGuard<'_> {
        RulesGuard {
            version: &self.version,
            // A sender cannot be left half-updated by a panic: reuse a poisoned lock.
            jobs: self.jobs.lock().unwrap_or_else(|p| p.into_inner()),
        }
    }
}

impl RulesGuard<'_> {
    /// The rules pack version.
    pub fn version(&self) -> &str {
        self.version
    }

    /// Evaluates transfers in order; one list of alerts per transfer.
    pub fn observe(&self, transfers: Vec<Transfer>) -> Result<Vec<Vec<Alert>>, String> {
        let (reply, answer) = channel();
        self.jobs
            .send(Job { transfers, reply })
            .map_err(|_| "the rules engine thread has stopped".to_string())?;
        answer
            .recv()
            .map_err(|_| "the rules engine thread failed".to_string())
    }
}

fn run(mut monitor: Monitor, jobs: Receiver<Job>) {
    for job in jobs {
        let alerts = job.transfers.iter().map(|t| monitor.observe(t)).collect();
        // The requester may have gone away (timeout); the engine state stands.
        let _ = job.reply.send(alerts);
    }
}
