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
pub mod dfat;
pub mod diff;
pub mod eu;
pub mod ftm;
pub mod generic;
pub mod jp_mof;
pub mod ofac;
pub mod ofac_advanced;
pub mod ofac_enhanced;
pub mod os_simple;
pub mod seco;
pub mod text;
pub mod tree;
pub mod uk;
pub mod uk_xml;
pub mod un;
pub mod us_csl;
pub mod xlsx;
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

/// Whether a format is read one record at a time from a stream (its large
/// files need not be held in memory: OFAC Advanced is ~100 MB).
pub fn streams(format: Format) -> bool {
    matches!(
        format,
        Format::UkXml | Format::OfacAdvanced | Format::OfacEnhanced | Format::SecoXml
    )
}

/// Reads a list of a known format from a buffered reader: streamed, one
/// record at a time, for the formats [`streams`] names; read whole into
/// memory first for the others.
pub fn read_from(format: Format, mut source: impl std::io::BufRead) -> Result<ParsedList> {
    match format {
        Format::UkXml => uk_xml::read_from(source),
        Format::OfacAdvanced => ofac_advanced::read_from(source),
        Format::OfacEnhanced => ofac_enhanced::read_from(source),
        Format::SecoXml => seco::read_from(source),
        _ => {
            let mut bytes = Vec::new();
            source.read_to_end(&mut bytes)?;
            read_bytes(format, &bytes)
        }
    }
}

/// Reads a whole list of a known format from bytes.
///
/// Multi-file formats (the OFAC legacy CSV set) read only their main file
/// here; use [`ofac::read_csv_set`] for the full set.
pub fn read_bytes(format: Format, bytes: &[u8]) -> Result<ParsedList> {
    let workbook = matches!(format, Format::AuDfatXlsx | Format::JpMofXlsx);
    if let Some(kind) = detect::binary_kind(bytes).filter(|_| !workbook) {
        return Err(Error::Format(format!(
            "the file is {kind}, not {format} text; a ZIP download must be unpacked first"
        )));
    }
    match format {
        Format::UnXml => un::read(bytes),
        Format::OfacCsv => ofac::read_csv_set(bytes, None, None, None),
        Format::OfacXml => ofac::read_xml(bytes),
        Format::OfacAdvanced => ofac_advanced::read(bytes),
        Format::OfacEnhanced => ofac_enhanced::read(bytes),
        Format::UkCsv => uk::read(bytes),
        Format::UkXml => uk_xml::read(bytes),
        Format::EuCsv => eu::read_csv(bytes),
        Format::EuXml => eu::read_xml(bytes),
        Format::CanadaXml => canada::read(bytes),
        Format::SecoXml => seco::read(bytes),
        Format::AuDfatXlsx => dfat::read(bytes),
        Format::JpMofXlsx => jp_mof::read(bytes),
        Format::UsCsl => us_csl::read(bytes),
        Format::FtmJson => ftm::read(bytes),
        Format::OpenSanctionsCsv => os_simple::read(bytes),
        Format::GenericCsv => generic::read(bytes, &generic::Mapping::default()),
    }
}
