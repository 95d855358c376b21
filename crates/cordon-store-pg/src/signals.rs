//! List fan-out on PostgreSQL: the transaction that stores a list version
//! sends a notification on the store's channel (delivered at commit, never
//! for a rolled-back import), and every other process LISTENs on it, so each
//! `serve` and `worker` hears of a new version at once instead of at its next
//! periodic look.

use crate::{quote_ident, DbResult, PgStore};
use cordon_store::{ListWatcher, Result};
use postgres::fallible_iterator::FallibleIterator;
use postgres::{Client, GenericClient};
use std::time::Duration;

/// The store's channel, computed in SQL from the schema the connection uses:
/// a channel name is an identifier of at most 63 bytes, so the schema name
/// (up to 63 bytes itself) is hashed, and stores in other schemas of the
/// same database hear nothing of each other.
const CHANNEL_SQL: &str = "'cordon_lists_' || left(md5(current_schema()), 16)";

/// Announces a stored version (`label`) to the listeners, at the commit of `tx`.
pub(crate) fn announce(tx: &mut impl GenericClient, label: &str) -> Result<()> {
    tx.query_one(&format!("SELECT pg_notify({CHANNEL_SQL}, $1)"), &[&label])
        .db("announcing the new list version")?;
    Ok(())
}

/// A connection of its own LISTENing on the store's channel.
pub(crate) struct PgListWatcher {
    store_pool: std::sync::Arc<crate::pool::Pool>,
    client: Option<Client>,
}

impl PgListWatcher {
    /// Listens at once, so that nothing stored after this call is missed.
    pub(crate) fn start(store: &PgStore) -> Result<PgListWatcher> {
        let mut watcher = PgListWatcher {
            store_pool: store.pool.clone(),
            client: None,
        };
        watcher.listen()?;
        Ok(watcher)
    }

    fn listen(&mut self) -> Result<()> {
        let mut client = self.store_pool.connect_apart()?;
        let channel: String = client
            .query_one(&format!("SELECT {CHANNEL_SQL}"), &[])
            .db("naming the list channel")?
            .try_get(0)
            .db("naming the list channel")?;
        client
            .batch_execute(&format!("LISTEN {}", quote_ident(&channel)))
            .db("listening for new list versions")?;
        self.client = Some(client);
        Ok(())
    }
}

impl ListWatcher for PgListWatcher {
    fn wait(&mut self, timeout: Duration) -> Result<bool> {
        let Some(client) = self.client.as_mut().filter(|c| !c.is_closed()) else {
            // Whatever was announced while the connection was down is lost:
            // news, so that the caller looks at the versions.
            self.client = None;
            self.listen()?;
            return Ok(true);
        };
        let heard = {
            let mut notifications = client.notifications();
            let heard = notifications.timeout_iter(timeout).next();
            if let Ok(Some(_)) = heard {
                // One look at the versions answers every announcement pending.
                while let Ok(Some(_)) = notifications.iter().next() {}
            }
            heard
        };
        match heard {
            Ok(Some(_)) => Ok(true),
            Ok(None) => Ok(false),
            Err(e) => {
                self.client = None;
                Err(cordon_store::Error::Backend(format!(
                    "listening for new list versions: {e}"
                )))
            }
        }
    }
}
