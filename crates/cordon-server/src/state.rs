//! Shared state: the store, the current index snapshot, the bounded queue of
//! CPU work and the metrics.

use crate::error::ApiError;
use crate::metrics::Metrics;
use crate::rules::{RulesEngine, RulesGuard};
use cordon_match::textscan::TextScanner;
use cordon_match::{Index, Query, DEFAULT_THRESHOLD};
use cordon_model::{country, dates, Entity};
use cordon_monitor::RulePack;
use cordon_store::{Customer, SqliteStore, Store};
use std::collections::HashMap;
use std::sync::{Arc, RwLock};
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
    /// Longest a request may take before 504.
    pub request_timeout: Duration,
    /// Default alert threshold.
    pub threshold: f64,
}

impl Default for ServerConfig {
    fn default() -> Self {
        ServerConfig {
            max_body_bytes: 64 * 1024,
            max_bulk_bytes: 64 * 1024 * 1024,
            max_upload_bytes: 512 * 1024 * 1024,
            max_transfer_bytes: 16 * 1024 * 1024,
            max_cpu_jobs: 64,
            request_timeout: Duration::from_secs(300),
            threshold: DEFAULT_THRESHOLD,
        }
    }
}

/// The engine label recorded with every screening.
pub const ENGINE: &str = concat!("cordon-match ", env!("CARGO_PKG_VERSION"));

/// The lists as indexed at one moment; swapped whole when a new version is imported.
pub struct Snapshot {
    /// The screening index.
    pub index: Index,
    /// The free-text scanner over the same entities (transfer remittance lines).
    pub scanner: TextScanner,
    /// Labels of the list versions (`un@2026-02-27#3`).
    pub labels: Vec<String>,
    /// Entity id -> content hash (for decisions and suppression).
    pub hashes: HashMap<String, String>,
}

struct Inner {
    store: SqliteStore,
    rules: RwLock<Arc<Result<RulesEngine, String>>>,
    snapshot: RwLock<Option<Arc<Snapshot>>>,
    cpu: Arc<Semaphore>,
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
    pub fn new(store: SqliteStore, config: ServerConfig) -> AppState {
        AppState {
            inner: Arc::new(Inner {
                store,
                rules: RwLock::new(Arc::new(
                    RulePack::default_pack()
                        .map_err(|e| format!("the built-in rules pack: {e}"))
                        .and_then(RulesEngine::start),
                )),
                snapshot: RwLock::new(None),
                cpu: Arc::new(Semaphore::new(config.max_cpu_jobs.max(1))),
                metrics: Metrics::default(),
                config,
            }),
        }
    }

    /// The store.
    pub fn store(&self) -> &SqliteStore {
        &self.inner.store
    }

    /// The configuration.
    pub fn config(&self) -> &ServerConfig {
        &self.inner.config
    }

    /// The metrics.
    pub fn metrics(&self) -> &Metrics {
        &self.inner.metrics
    }

    /// Replaces the typology rules with a fresh engine (the old engine's
    /// windows are forgotten once the requests using it finish).
    pub fn set_rules(&self, pack: RulePack) -> Result<(), String> {
        let engine = RulesEngine::start(pack)?;
        *self.inner.rules.write().unwrap_or_else(|p| p.into_inner()) = Arc::new(Ok(engine));
        Ok(())
    }

    /// Runs `work` with the typology engine locked (see [`RulesGuard`]);
    /// `internal` when the engine could not start.
    pub fn with_rules<T>(
        &self,
        work: impl FnOnce(&RulesGuard<'_>) -> Result<T, ApiError>,
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
        let guard = engine.lock();
        work(&guard)
    }

    /// (Re)builds the index from the newest stored version of every list and
    /// swaps it in; returns the number of entities. Blocking: call it from a
    /// blocking thread.
    pub fn load_lists(&self) -> Result<usize, ApiError> {
        let latest = self.inner.store.latest_lists()?;
        let labels = latest.iter().map(|(v, _)| v.label()).collect();
        let entities: Vec<Entity> = latest.into_iter().flat_map(|(_, l)| l.entities).collect();
        let hashes = entities
            .iter()
            .map(|e| (e.id.clone(), cordon_store::entity_hash(e)))
            .collect();
        let count = entities.len();
        let scanner = TextScanner::build(&entities);
        let snapshot = Snapshot {
            scanner,
            index: Index::build(entities),
            labels,
            hashes,
        };
        *self
            .inner
            .snapshot
            .write()
            .unwrap_or_else(|p| p.into_inner()) = Some(Arc::new(snapshot));
        Ok(count)
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

    /// Runs CPU or database work on a blocking thread, behind the bounded
    /// queue: when it is full the caller gets 503 `overloaded` at once.
    pub async fn run_blocking<T, F>(&self, work: F) -> Result<T, ApiError>
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

    /// A place in the bounded CPU queue, or 503 `overloaded` (counted) when it is full.
    fn cpu_permit(&self) -> Result<OwnedSemaphorePermit, ApiError> {
        self.inner.cpu.clone().try_acquire_owned().map_err(|_| {
            self.inner.metrics.count_rejection();
            ApiError::Overloaded
        })
    }

    /// Starts blocking work behind the same queue without waiting for it
    /// (streamed responses); 503 `overloaded` when the queue is full.
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

/// The screening query for a stored customer; unreadable optional fields are
/// left out (they were accepted at upload as written).
pub fn customer_query(customer: &Customer) -> Query {
    let mut query = Query::name(&customer.name);
    query.birth_date = customer.dob.as_deref().and_then(dates::parse_loose);
    query.country = customer
        .country
        .as_deref()
        .and_then(country::to_code)
        .map(str::to_string);
    query.schema = customer.schema;
    query.identifiers = customer.identifiers.clone();
    query
}
