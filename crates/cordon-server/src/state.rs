//! Shared state: the store, the current index snapshot, the typology monitor
//! (its windows saved to the store and taken up again when the state is
//! built), the bounded queue of CPU work with its fixed worker pool, the
//! readiness probe of the database and the metrics.

use crate::error::ApiError;
use crate::metrics::Metrics;
use cordon_engine::follow::ListFollower;
use cordon_engine::monitor_state::StoredMonitor;
use cordon_engine::EngineStore;
use cordon_match::DEFAULT_THRESHOLD;
use cordon_model::transfer::Transfer;
use cordon_monitor::{Observation, RulePack, Stats};
use std::sync::{Arc, Mutex, MutexGuard, RwLock};
use std::time::Duration;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// Limits and defaults of the server.
#[derive(Debug, Clone, PartialEq)]
pub struct ServerConfig {
    /// Largest JSON body (screen, compare, decisions, match).
    pub max_body_bytes: usize,
    /// Largest NDJSON body (batch screening, customer upload).
    pub max_bulk_bytes: usize,
    /// Largest list upload.
    pub max_upload_bytes: usize,
    /// Largest payment message body (`POST /v1/transfers`).
    pub max_transfer_bytes: usize,
    /// CPU jobs (screenings, imports) running or waiting at once; more get 503.
    pub max_cpu_jobs: usize,
    /// Worker threads for CPU jobs (0: [`WORKERS_PER_CORE`] per core).
    pub workers: usize,
    /// Connections held open at once; more wait in the kernel's accept queue.
    pub max_connections: usize,
    /// Longest a request may take before 504.
    pub request_timeout: Duration,
    /// Default alert threshold.
    pub threshold: f64,
    /// Origins (`https://app.example.org`, or `*`) whose browser pages may
    /// call the API (CORS); empty, the default: none.
    pub cors_origins: Vec<String>,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            max_body_bytes: 64 * 1024,
            max_bulk_bytes: 64 * 1024 * 1024,
            max_upload_bytes: 512 * 1024 * 1024,
            max_transfer_bytes: 16 * 1024 * 1024,
            max_cpu_jobs: 64,
            workers: 0,
            // Enough for a busy client pool; each idle connection costs a
            // few kilobytes (buffers, a task), so 1,024 stay under 50 MB.
            max_connections: 1024,
            request_timeout: Duration::from_secs(300),
            threshold: DEFAULT_THRESHOLD,
            // Browsers may not call the API from other sites unless the
            // operator names them: keys in a browser page are exposed.
            cors_origins: Vec::new(),
        }
    }
}

/// How long the readiness probe waits for the database's write lock: longer
/// than any write the service itself makes (a batch's audit entries take
/// tens of milliseconds), far shorter than the 10 s requests would wait.
pub const PROBE_TIMEOUT: Duration = Duration::from_secs(2);

/// Worker threads per core. A screening is CPU work followed by its audit
/// entry's synchronous write (fsync, synchronous=FULL): with one thread per
/// core the cores idle while a job waits on the disk (8 connections: 27% fewer
/// requests/s than unbounded threads); four keep them busy, and the pool
/// stays fixed, so its per-thread scratch is bounded.
pub const WORKERS_PER_CORE: usize = 4;

pub use cordon_engine::screening::ENGINE;

/// The lists as indexed at one moment; swapped whole when a new version is
/// imported (the engine's [`cordon_engine::Indexed`]).
pub type Snapshot = cordon_engine::Indexed;

/// The typology monitor of the service, kept in the store by the engine
/// ([`StoredMonitor`]); one request at a time uses it.
struct Rules {
    monitor: Mutex<StoredMonitor>,
}

/// The typology monitor, locked for one request: evaluations and whatever
/// the caller does while holding it (storing the audit entries, saving the
/// windows) happen in one order.
pub struct MonitorGuard<'a> {
    monitor: MutexGuard<'a, StoredMonitor>,
}

impl MonitorGuard<'_> {
    /// The rules pack version.
    pub fn version(&self) -> &str {
        self.monitor.version()
    }

    /// Evaluates transfers in order; what the rules made of each (alerts, and
    /// whether it came late, repeated or too late).
    pub fn observe(&mut self, transfers: &[Transfer]) -> Vec<Observation> {
        self.monitor.observe(transfers)
    }

    /// The monitor's counters (observed, late, too late, repeats...).
    pub fn stats(&self) -> Stats {
        self.monitor.stats()
    }

    /// After a request that observed transfers, before it is answered: the
    /// changes journalled and, now and then, every window saved
    /// ([`StoredMonitor::keep`]). A failure is logged, not returned: the
    /// request has succeeded all the same.
    pub fn keep(&mut self, store: &dyn EngineStore) {
        if let Err(e) = self.monitor.keep(store) {
            tracing::warn!(pack = self.monitor.version(), "{e}");
        }
    }

    /// Saves every window to the store now (a graceful stop); a failure is logged.
    pub fn save(&mut self, store: &dyn EngineStore) {
        if let Err(e) = self.monitor.save(store) {
            tracing::warn!(pack = self.monitor.version(), "{e}");
        }
    }
}

impl Rules {
    fn start(store: &dyn EngineStore, pack: RulePack) -> Rules {
        Rules {
            monitor: Mutex::new(StoredMonitor::start(store, pack)),
        }
    }

    fn lock(&self) -> MonitorGuard<'_> {
        MonitorGuard {
            // A poisoned lock is reused: the monitor never panics mid-update
            // (no panics on input), and refusing every later request would
            // lose more than it protects.
            monitor: self.monitor.lock().unwrap_or_else(|p| p.into_inner()),
        }
    }
}

struct Inner {
    store: Box<dyn EngineStore>,
    rules: RwLock<Arc<Result<Rules, String>>>,
    snapshot: RwLock<Option<Arc<Snapshot>>>,
    cpu: Arc<Semaphore>,
    /// The fixed threads that run CPU jobs.
    workers: crate::limits::WorkerPool,
    /// One readiness probe at a time: a flood of `/readyz` waits for it
    /// instead of each taking a thread.
    probing: tokio::sync::Mutex<()>,
    metrics: Metrics,
    config: ServerConfig,
}

/// The state every handler sees. Cheap to clone.
#[derive(Clone)]
pub struct AppState {
    inner: Arc<Inner>,
}

impl AppState {
    /// A state over a store; call [`AppState::load_lists`] (blocking) to become ready.
    /// The typology monitor runs the built-in pack and takes up the windows
    /// saved in the store when they were taken under that pack.
    pub fn new(store: impl EngineStore + 'static, config: ServerConfig) -> AppState {
        AppState::with_boxed_store(Box::new(store), config)
    }

    /// [`AppState::new`] over a store chosen at run time (SQLite or PostgreSQL).
    pub fn with_boxed_store(store: Box<dyn EngineStore>, config: ServerConfig) -> AppState {
        let rules = RulePack::default_pack()
            .map_err(|e| format!("the built-in rules pack: {e}"))
            .map(|pack| Rules::start(store.as_ref(), pack));
        AppState {
            inner: Arc::new(Inner {
                store,
                rules: RwLock::new(Arc::new(rules)),
                snapshot: RwLock::new(None),
                cpu: Arc::new(Semaphore::new(config.max_cpu_jobs.max(1))),
                workers: crate::limits::WorkerPool::start(
                    match config.workers {
                        0 => crate::limits::cores() * WORKERS_PER_CORE,
                        n => n,
                    },
                    config.max_cpu_jobs,
                ),
                probing: tokio::sync::Mutex::new(()),
                metrics: Metrics::default(),
                config,
            }),
        }
    }

    /// The store.
    pub fn store(&self) -> &dyn EngineStore {
        self.inner.store.as_ref()
    }

    /// The configuration.
    pub fn config(&self) -> &ServerConfig {
        &self.inner.config
    }

    /// The metrics.
    pub fn metrics(&self) -> &Metrics {
        &self.inner.metrics
    }

    /// Replaces the typology rules with a monitor for `pack`, which takes up
    /// the windows saved in the store when they were taken under that pack
    /// (the old monitor's windows are forgotten once the requests using it
    /// finish). Never fails; the `Result` is kept for callers.
    pub fn set_rules(&self, pack: RulePack) -> Result<(), String> {
        let rules = Rules::start(self.store(), pack);
        *self.inner.rules.write().unwrap_or_else(|p| p.into_inner()) = Arc::new(Ok(rules));
        Ok(())
    }

    /// Saves the typology monitor's windows to the store now (for a shutdown
    /// hook; requests that observe transfers save them already). Failures are logged.
    pub fn save_rules_state(&self) {
        // Without a monitor (the pack failed to load) there is nothing to save.
        let _ = self.with_rules(|rules| {
            rules.save(self.store());
            Ok(())
        });
    }

    /// Keeps the index on the store's current lists for as long as the
    /// process runs, on a thread of its own: a version another process
    /// imports (the command line, another `serve`) is indexed and swapped in
    /// within seconds (the engine's [`cordon_engine::follow`]), and an import
    /// whose process died has its customer rescreen finished. Each round
    /// compares the stored current versions with the index in use, so a
    /// version stored before the call is caught too.
    pub fn follow_lists(&self, period: Duration) -> std::io::Result<()> {
        let follower = ListFollower::start(self.store(), period);
        let state = self.clone();
        std::thread::Builder::new()
            .name("cordon-lists".into())
            .spawn(move || {
                cordon_engine::follow::follow_lists(
                    state.store(),
                    follower,
                    state.config().threshold,
                    || {
                        state
                            .snapshot()
                            .map(|s| s.labels.clone())
                            .unwrap_or_default()
                    },
                    |indexed| state.swap_lists(indexed),
                )
            })
            .map(|_| ())
    }

    /// Runs `work` with the typology monitor locked (see [`MonitorGuard`]);
    /// `internal` when the monitor could not start.
    pub fn with_rules<T>(
        &self,
        work: impl FnOnce(&mut MonitorGuard<'_>) -> Result<T, ApiError>,
    ) -> Result<T, ApiError> {
        let engine = self
            .inner
            .rules
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone();
        let engine = engine
            .as_ref()
            .as_ref()
            .map_err(|e| ApiError::Internal(e.clone()))?;
        let mut guard = engine.lock();
        work(&mut guard)
    }

    /// (Re)builds the index from the current stored version of every list
    /// and swaps it in; returns the number of entities. Blocking: call it
    /// from a blocking thread.
    pub fn load_lists(&self) -> Result<usize, ApiError> {
        let snapshot = cordon_engine::Indexed::current(self.store())?;
        let count = snapshot.index.len();
        self.swap_lists(snapshot);
        Ok(count)
    }

    /// Serves `lists` from now on (requests under way finish on the old ones).
    fn swap_lists(&self, lists: Snapshot) {
        *self
            .inner
            .snapshot
            .write()
            .unwrap_or_else(|p| p.into_inner()) = Some(Arc::new(lists));
    }

    /// `store_unavailable` unless the database can be read and written
    /// within [`PROBE_TIMEOUT`] (another process holding the write lock,
    /// a failing disk): what `/readyz` reports besides the index.
    pub async fn database_ready(&self) -> Result<(), ApiError> {
        let _one_at_a_time = self.inner.probing.lock().await;
        let state = self.clone();
        let probe = tokio::task::spawn_blocking(move || state.store().probe(PROBE_TIMEOUT));
        // The probe's own timeout bounds the lock wait; this one bounds a
        // probe stuck elsewhere (opening the file on a hung disk).
        match tokio::time::timeout(PROBE_TIMEOUT * 2, probe).await {
            Ok(Ok(Ok(()))) => Ok(()),
            Ok(Ok(Err(e))) => Err(ApiError::StoreUnavailable(e.to_string())),
            Ok(Err(e)) => Err(ApiError::StoreUnavailable(format!("the probe failed: {e}"))),
            Err(_) => Err(ApiError::StoreUnavailable(format!(
                "no answer within {:?}",
                PROBE_TIMEOUT * 2
            ))),
        }
    }

    /// The current snapshot, or `not_ready` before the first load.
    pub fn snapshot(&self) -> Result<Arc<Snapshot>, ApiError> {
        self.inner
            .snapshot
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
            .ok_or(ApiError::NotReady)
    }

    /// Runs CPU or database work on the fixed worker pool (one thread per
    /// core), behind the bounded queue: when it is full the caller gets 503
    /// `overloaded` at once.
    pub async fn run_blocking<T, F>(&self, work: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(AppState) -> Result<T, ApiError> + Send + 'static,
    {
        let permit = self.cpu_permit()?;
        let state = self.clone();
        let (answer, answered) = tokio::sync::oneshot::channel();
        let job: crate::limits::Job = Box::new(move || {
            let _permit = permit;
            let _ = answer.send(work(state));
        });
        if self.inner.workers.try_run(job).is_err() {
            self.inner.metrics.count_rejection();
            return Err(ApiError::Overloaded);
        }
        answered
            .await
            .map_err(|_| ApiError::Internal("a worker failed (the job panicked)".into()))?
    }

    /// Runs long work that waits on something else (a client reading a
    /// stream, a whole-chain verification) on a thread of its own, so it
    /// never holds a pool worker; it counts in the same bounded queue, which
    /// bounds these threads too.
    pub async fn run_detached<T, F>(&self, work: F) -> Result<T, ApiError>
    where
        T: Send + 'static,
        F: FnOnce(AppState) -> Result<T, ApiError> + Send + 'static,
    {
        let permit = self.cpu_permit()?;
        let state = self.clone();
        tokio::task::spawn_blocking(move || {
            let _permit = permit;
            work(state)
        })
        .await
        .map_err(|e| ApiError::Internal(format!("a worker failed: {e}")))?
    }

    /// The number of threads in the worker pool.
    pub fn worker_threads(&self) -> usize {
        self.inner.workers.threads()
    }

    /// A place in the bounded CPU queue, or 503 `overloaded` (counted) when it is full.
    fn cpu_permit(&self) -> Result<OwnedSemaphorePermit, ApiError> {
        self.inner.cpu.clone().try_acquire_owned().map_err(|_| {
            self.inner.metrics.count_rejection();
            ApiError::Overloaded
        })
    }

    /// Starts blocking work behind the same queue without waiting for it
    /// (streamed responses), on a thread of its own since it waits for the
    /// client to read (see [`AppState::run_detached`]); 503 `overloaded` when
    /// the queue is full.
    pub fn start_blocking<F>(&self, work: F) -> Result<(), ApiError>
    where
        F: FnOnce(AppState) + Send + 'static,
    {
        let permit = self.cpu_permit()?;
        let state = self.clone();
        tokio::task::spawn_blocking(move || {
            let _permit = permit;
            work(state)
        });
        Ok(())
    }
}

/// The engine's errors in the API's table: bad input is `invalid_request`, an
/// older list version a `conflict` with the current one.
impl From<cordon_engine::Error> for ApiError {
    fn from(error: cordon_engine::Error) -> ApiError {
        match error {
            cordon_engine::Error::Store(e) => e.into(),
            cordon_engine::Error::OlderVersion { .. } => ApiError::Conflict(error.to_string()),
            cordon_engine::Error::Field(_)
            | cordon_engine::Error::ListFile { .. }
            | cordon_engine::Error::PaymentFile { .. }
            | cordon_engine::Error::Report(_) => ApiError::InvalidRequest(error.to_string()),
            cordon_engine::Error::Output(_) => ApiError::Internal(error.to_string()),
        }
    }
}
