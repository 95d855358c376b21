//! A small bounded pool of PostgreSQL connections: the engine is synchronous
//! and each request needs one connection for a short time, so a mutex, a
//! condition variable and a cap are all it takes (no extra dependency).

use crate::DbResult;
use cordon_store::{Error, Result};
use postgres::{Client, Config, NoTls};
use std::sync::{Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// Connections and how many are open.
struct State {
    idle: Vec<Client>,
    open: usize,
}

/// A bounded set of connections to one database, each with the store's
/// `search_path` set.
pub(crate) struct Pool {
    config: Config,
    /// `SET search_path ...` run on every new connection (the store's schema).
    setup: String,
    max: usize,
    wait: Duration,
    state: Mutex<State>,
    freed: Condvar,
}

impl Pool {
    /// A pool of at most `max` connections; a caller waits at most `wait` for one.
    pub(crate) fn new(config: Config, setup: String, max: usize, wait: Duration) -> Pool {
        Pool {
            config,
            setup,
            max: max.max(1),
            wait,
            state: Mutex::new(State {
                idle: Vec::new(),
                open: 0,
            }),
            freed: Condvar::new(),
        }
    }

    /// A connection of its own, outside the pool and its cap, set up like
    /// the pool's (a long-lived listener must not hold a pooled one).
    pub(crate) fn connect_apart(&self) -> Result<Client> {
        self.connect()
    }

    fn state(&self) -> MutexGuard<'_, State> {
        // A panic while holding the lock leaves a consistent Vec and count.
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Runs `work` on a connection: an idle one, a new one while under the
    /// cap, or the first one freed within `timeout` (at most the pool's
    /// wait). The connection goes back to the pool afterwards, unless it closed.
    pub(crate) fn with_within<T>(
        &self,
        timeout: Duration,
        work: impl FnOnce(&mut Client) -> Result<T>,
    ) -> Result<T> {
        let mut client = self.take(timeout)?;
        let outcome = work(&mut client);
        self.put_back(client);
        outcome
    }

    /// Runs `work` on a connection within the pool's wait.
    pub(crate) fn with<T>(&self, work: impl FnOnce(&mut Client) -> Result<T>) -> Result<T> {
        self.with_within(self.wait, work)
    }

    fn take(&self, timeout: Duration) -> Result<Client> {
        let waited = timeout.min(self.wait);
        let deadline = Instant::now() + waited;
        let mut state = self.state();
        loop {
            if let Some(client) = state.idle.pop() {
                return Ok(client);
            }
            if state.open < self.max {
                state.open += 1;
                drop(state);
                return self.connect().inspect_err(|_| self.forget());
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return Err(Error::Backend(format!(
                    "all {} PostgreSQL connections of this process stayed busy for {waited:?}",
                    self.max
                )));
            }
            state = self
                .freed
                .wait_timeout(state, left)
                .map(|(guard, _)| guard)
                .unwrap_or_else(|e| e.into_inner().0);
        }
    }

    fn connect(&self) -> Result<Client> {
        let mut client = self.config.connect(NoTls).db("connecting to PostgreSQL")?;
        client
            .batch_execute(&self.setup)
            .db("setting the store's schema")?;
        Ok(client)
    }

    /// One connection fewer (it failed to open or was closed).
    fn forget(&self) {
        let mut state = self.state();
        state.open = state.open.saturating_sub(1);
        drop(state);
        self.freed.notify_one();
    }

    fn put_back(&self, client: Client) {
        if client.is_closed() {
            return self.forget();
        }
        self.state().idle.push(client);
        self.freed.notify_one();
    }
}
