//! Hardened XML reading shared by the XML readers.
//!
//! quick-xml never expands entities declared in a DTD nor fetches external
//! ones; we go further and refuse any `<!DOCTYPE>`, because no official list
//! carries one and it is the vehicle of entity-expansion bombs and XXE.

use crate::{Error, Result};
use quick_xml::events::Event;
use quick_xml::Reader;

/// A reader over bytes with the settings every list reader uses.
pub fn reader(bytes: &[u8]) -> Reader<&[u8]> {
    let mut reader = Reader::from_reader(bytes);
    let config = reader.config_mut();
    config.trim_text(true);
    config.expand_empty_elements = true;
    reader
}

/// An error at the reader's current position.
pub fn error_at(reader: &Reader<&[u8]>, message: impl Into<String>) -> Error {
    Error::Offset {
        offset: reader.buffer_position(),
        message: message.into(),
    }
}

/// Converts a quick-xml error into ours, at the reader's position.
pub fn xml_error(reader: &Reader<&[u8]>, error: quick_xml::Error) -> Error {
    error_at(reader, format!("malformed XML: {error}"))
}

/// Refuses DTDs (entity bombs, external entities).
pub fn refuse_doctype(reader: &Reader<&[u8]>, event: &Event<'_>) -> Result<()> {
    if let Event::DocType(_) = event {
        return Err(error_at(
            reader,
            "the file declares a DOCTYPE; DTDs are refused (entity expansion and external entities are not allowed in list files)",
        ));
    }
    Ok(())
}

/// Unescapes a text event, naming the position on failure. Unknown entities
/// (which only a DTD could define) are an error.
pub fn text(reader: &Reader<&[u8]>, event: &quick_xml::events::BytesText<'_>) -> Result<String> {
    let text = event
        .unescape()
        .map_err(|e| error_at(reader, format!("bad text or entity: {e}")))?;
    if text.len() > crate::MAX_FIELD_BYTES {
        return Err(error_at(
            reader,
            format!(
                "a field of {} bytes is larger than the {} byte limit",
                text.len(),
                crate::MAX_FIELD_BYTES
            ),
        ));
    }
    Ok(text.into_owned())
}

/// Refuses a file that ends with elements still open (a truncated file):
/// `stack` holds the names of the open elements, outermost first.
pub fn check_closed(reader: &Reader<&[u8]>, stack: &[String]) -> Result<()> {
    if stack.is_empty() {
        return Ok(());
    }
    Err(error_at(
        reader,
        format!("unexpected end of file inside <{}>", stack.join("/")),
    ))
}

/// Local name of an element (namespace prefix dropped), as a `String`.
pub fn local_name(name: quick_xml::name::QName<'_>) -> String {
    String::from_utf8_lossy(name.local_name().as_ref()).into_owned()
}
