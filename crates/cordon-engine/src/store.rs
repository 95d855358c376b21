//! The store the use cases run over: every trait of `cordon-store` in one
//! bound, so the CLI and the service hold one `Box<dyn EngineStore>` whatever
//! the backend.

use cordon_store::{
    AlertQueue, ApiKeys, AuditLog, Customers, Decisions, ImportJobs, MonitorSnapshots, Store,
    TransferAlerts,
};

/// Every store trait the use cases need: any backend implementing them all
/// serves the CLI and the service alike (SQLite and PostgreSQL ship).
pub trait EngineStore:
    Store
    + AuditLog
    + Decisions
    + ApiKeys
    + Customers
    + TransferAlerts
    + MonitorSnapshots
    + ImportJobs
    + AlertQueue
    + Send
    + Sync
{
}

impl<S> EngineStore for S where
    S: Store
        + AuditLog
        + Decisions
        + ApiKeys
        + Customers
        + TransferAlerts
        + MonitorSnapshots
        + ImportJobs
        + AlertQueue
        + Send
        + Sync
{
}
