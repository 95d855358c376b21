//! The store the use cases run over: every trait of `cordon-store` in one
//! bound, so the CLI and the service hold one `Box<dyn EngineStore>` whatever
//! the backend.

use cordon_store::FullStore;

/// Every store trait the use cases need: any backend implementing them all
/// serves the CLI and the service alike (SQLite and PostgreSQL ship).
pub trait EngineStore: FullStore + Send + Sync {}

impl<S> EngineStore for S where S: FullStore + Send + Sync {}
