//! goAML reports: a suspicious transaction report (STR) in the UNODC goAML 5.0.2 XML schema,
//! written from canonical [`Transfer`](cordon_model::transfer::Transfer)s.
//!
//! Pure functions only: [`ReportingEntity::from_toml`] reads the reporting entity's settings
//! from the text of its config file and [`write_str`] turns a [`StrInput`] into the XML text.
//! The caller (the engine's use case) reads files, picks the transfers, audits the report and
//! writes it out. The XML validates against `goAMLSchema.xsd` (checked by `.ci/goaml.sh` with
//! an XSD 1.1 validator); what each element holds is in `docs/goaml.md`.

pub mod codes;
mod config;
mod money;
mod text;
mod writer;
mod xml;

pub use config::{ReportingEntity, ReportingPerson};
pub use writer::{write_str, StrInput};

/// The goAML schema version the reports follow.
pub const SCHEMA_VERSION: &str = "5.0.2";

/// Why a report could not be made; each message names the file, key or transfer at fault.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum Error {
    /// The reporting entity's config file is not valid TOML or lacks a key.
    #[error("goAML config {file}: {message}")]
    Config {
        /// The config file as the user named it.
        file: String,
        /// What is wrong, naming the key (and line for TOML syntax).
        message: String,
    },
    /// A transfer cannot be expressed in goAML (no date, a currency the schema lacks...).
    #[error("transfer {index} ({reference}): {message}")]
    Transfer {
        /// 0-based position of the transfer in the report.
        index: usize,
        /// Its transaction number as reported.
        reference: String,
        /// What is missing or out of range, naming the field.
        message: String,
    },
    /// The report as a whole is incomplete (no transfer, a blank reason).
    #[error("goAML report: {0}")]
    Report(String),
}

/// Result with this crate's [`Error`].
pub type Result<T> = std::result::Result<T, Error>;
