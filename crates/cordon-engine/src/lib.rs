//! Cordon's use cases, written once over the [`cordon_store`] traits (generic,
//! so any backend that implements them serves) and used by both doors: the
//! HTTP service (`cordon-server`) and the command line (`cordon`).
//!
//! - [`lists`]: import a list version — one [`ContentHash`], an older version
//!   refused, a diff against the current one, the version, its
//!   `list_imported` audit entry and a pending rescreen job in one
//!   transaction, the customer rescreen, and [`lists::resume_imports`] for an
//!   import a crash interrupted.
//! - [`catalog`]: lookups as catalogue clients make them (filters, several
//!   names of one party, identifiers alone, text search).
//! - [`query`]: the one validation of a screening query ([`QueryInput`]);
//!   [`json`]: the one rule for JSON input (no key twice in an object).
//! - [`screening`]: screen one party, apply standing decisions, audit.
//! - [`batch`]: a file of parties screened row by row, every row audited,
//!   the output in input order.
//! - [`register`]: the customer register kept screened (rescreen on a new
//!   version, screening on insert and update).
//! - [`transfers`] and [`transfer_audit`]: payment messages screened (R16,
//!   names, free texts, typology rules) and recorded; [`name_cache`] is the
//!   screener's bounded memory of the party and agent names a stream repeats;
//!   [`monitor_state`]: the typology monitor's windows kept in the store
//!   (snapshot and journal).
//! - [`follow`]: every process on a shared store swaps to a list version
//!   another imported (pushed by the backend, or seen at a periodic look).
//! - [`goaml`]: goAML suspicious transaction reports on a confirmed alert or
//!   a payment file, audited.
//!
//! Everything here is synchronous; callers choose their threads.
//!
//! ```
//! use cordon_engine::lists::{import_list, NewVersion};
//! use cordon_engine::{ContentHash, Indexed, QueryInput};
//! use cordon_model::{Entity, Name, NameKind, ParsedList, Schema};
//! use cordon_store::SqliteStore;
//!
//! let store = SqliteStore::open_in_memory().unwrap();
//! let mut list = ParsedList { source: "un".into(), version: Some("2026-02-27".into()), ..Default::default() };
//! let mut entity = Entity::new("un", "QDi.290", Schema::Person);
//! entity.names.push(Name::new("Doku Khamatovich Umarov", NameKind::Primary));
//! list.entities.push(entity);
//! let bytes = b"<the file as published>";
//! let hash = ContentHash::of_bytes(bytes);
//! let imported = import_list(&store, NewVersion { list: &list, hash: &hash, origin: "un.xml" }, 0.7, "local:demo").unwrap();
//! assert!(imported.created);
//!
//! // An older version of the same list is refused.
//! let older = ParsedList { version: Some("2025-04-19".into()), ..list.clone() };
//! let old_hash = ContentHash::of_bytes(b"<older file>");
//! assert!(import_list(&store, NewVersion { list: &older, hash: &old_hash, origin: "old.xml" }, 0.7, "local:demo").is_err());
//!
//! let lists = Indexed::current(&store).unwrap();
//! let query = QueryInput { name: "Umarov Doku", ..Default::default() }.validate().unwrap();
//! let matches = lists.index.screen(&query, &cordon_match::ScreenOptions { threshold: 0.7, limit: 10 });
//! assert_eq!(matches[0].entity_id, "un:QDi.290");
//! ```

pub mod batch;
pub mod catalog;
pub mod follow;
pub mod goaml;
pub mod hash;
pub mod indexed;
pub mod json;
pub mod lists;
pub mod monitor_state;
pub mod name_cache;
pub mod query;
pub mod register;
pub mod screening;
pub mod store;
pub mod transfer_audit;
pub mod transfers;

pub use hash::ContentHash;
pub use indexed::Indexed;
pub use query::{FieldError, QueryInput};
pub use register::{customer_query, Rescreen};
pub use store::EngineStore;
pub use transfers::{NameHit, TransferReport, TransferScreener};

/// Everything a use case can fail with.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The store failed, or refused the request (not found, conflict...).
    #[error(transparent)]
    Store(#[from] cordon_store::Error),
    /// A query field cannot be read; the message names it.
    #[error("{0}")]
    Field(#[from] FieldError),
    /// A list file cannot be read.
    #[error("{origin}: {message}")]
    ListFile {
        /// Where it came from (path, URL or `upload`).
        origin: String,
        /// Why, with the place in the file.
        message: String,
    },
    /// The output of a use case (a batch's lines) could not be written.
    #[error("writing the output: {0}")]
    Output(std::io::Error),
    /// A payment file cannot be read; the message names the message and line.
    #[error("{origin}: {message}")]
    PaymentFile {
        /// The file as the user named it.
        origin: String,
        /// Why, with the place in the file.
        message: String,
    },
    /// A goAML report cannot be made (config key, transfer field).
    #[error(transparent)]
    Report(#[from] cordon_report::Error),
    /// A list version older than the current one was offered.
    #[error("{offered} is older than the current version {current}: an older version never replaces a newer one")]
    OlderVersion {
        /// The version offered (`un@2025-04-19 (path)`).
        offered: String,
        /// The current version's label.
        current: String,
    },
}

impl Error {
    /// Whether the caller's input is at fault (a bad field, an unreadable
    /// list, an older version), as opposed to the store or the machine.
    pub fn is_bad_input(&self) -> bool {
        match self {
            Error::Field(_)
            | Error::ListFile { .. }
            | Error::PaymentFile { .. }
            | Error::Report(_)
            | Error::OlderVersion { .. } => true,
            Error::Output(_) => false,
            Error::Store(e) => matches!(
                e,
                cordon_store::Error::Invalid(_)
                    | cordon_store::Error::NotFound(_)
                    | cordon_store::Error::Forbidden(_)
                    | cordon_store::Error::Conflict(_)
            ),
        }
    }
}
