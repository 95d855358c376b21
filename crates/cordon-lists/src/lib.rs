//! Readers for official designation lists, format detection, and exact diffs
//! between two versions of a list.
//!
//! Every reader turns a publisher's file into one [`ParsedList`] of
//! [`cordon_model::Entity`]. Readers take bytes or `impl BufRead`, never a
//! path: I/O stays at the edges. XML readers refuse DTDs (no entity
//! expansion, no external entities) and every error names the line or byte
//! offset where it occurred.
//!
//! ```
//! use cordon_lists::{read_bytes, Format};
//!
//! let xml = br#"<CONSOLIDATED_LIST dateGenerated="2026-01-02T00:00:00Z"><INDIVIDUALS>
//!   <INDIVIDUAL><REFERENCE_NUMBER>QDi.999</REFERENCE_NUMBER><FIRST_NAME>JOHN</FIRST_NAME>
//!   <SECOND_NAME>DOE</SECOND_NAME></INDIVIDUAL></INDIVIDUALS><ENTITIES/></CONSOLIDATED_LIST>"#;
//! let format = cordon_lists::detect(xml).unwrap();
//! assert_eq!(format, Format::UnXml);
//! let list = read_bytes(format, xml).unwrap();
//! assert_eq!(list.source, "un");
//! assert_eq!(list.entities[0].caption(), "JOHN DOE");
//! ```

pub use cordon_model::ParsedList;

pub mod canada;
pub mod detect;
pub mod diff;
pub mod eu;
pub mod ftm;
pub mod generic;
pub mod ofac;
pub mod text;
pub mod uk;
pub mod un;
pub mod us_csl;
pub mod xml;

pub use detect::{detect, Format};
pub use diff::{diff, ListDiff};

/// Everything that can go wrong while reading a list.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Bad content at a line (CSV, JSON lines).
    #[error("line {line}: {message}")]
    Line {
        /// 1-based line number.
        line: u64,
        /// What is wrong there.
        message: String,
    },
    /// Bad content at a byte offset (XML).
    #[error("byte {offset}: {message}")]
    Offset {
        /// 0-based byte offset into the input.
        offset: u64,
        /// What is wrong there.
        message: String,
    },
    /// The input is not in a format Cordon can read, or not in the format forced.
    #[error("{0}")]
    Format(String),
    /// Reading the input failed.
    #[error("I/O error: {0}")]
    Io(#[from] std::io::Error),
}

/// Results of this crate.
pub type Result<T> = std::result::Result<T, Error>;

/// The largest single field we accept (a name, a remark): larger means a broken or hostile file.
pub const MAX_FIELD_BYTES: usize = 1 << 20;

/// Reads a whole list of a known format from bytes.
///
/// Multi-file formats (the OFAC legacy CSV set) read only their main file
/// here; use [`ofac::read_csv_set`] for the full set.
pub fn read_bytes(format: Format, bytes: &[u8]) -> Result<ParsedList> {
    match format {
        Format::UnXml => un::read(bytes),
        Format::OfacCsv => ofac::read_csv_set(bytes, None, None, None),
        Format::OfacXml => ofac::read_xml(bytes),
        Format::UkCsv => uk::read(bytes),
        Format::EuCsv => eu::read_csv(bytes),
        Format::EuXml => eu::read_xml(bytes),
        Format::CanadaXml => canada::read(bytes),
        Format::UsCsl => us_csl::read(bytes),
        Format::FtmJson => ftm::read(bytes),
        Format::GenericCsv => generic::read(bytes, &generic::Mapping::default()),
    }
}
