//! Streaming an XML list one record at a time.
//!
//! The newer list formats (UK Sanctions List, OFAC Advanced and Enhanced XML)
//! are deep but regular: a root, maybe a section, then many records that are
//! each small. [`stream_records`] reads from any `BufRead`, keeps only the
//! record being read as a small [`Node`] tree and hands each finished record
//! to the caller, so memory follows the largest record, not the file (the
//! real `sdn_advanced.xml` is ~100 MB). The hardening of [`crate::xml`]
//! applies: DOCTYPE refused, field size bounded, truncation reported.

use crate::{Error, Result};
use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;
use std::io::BufRead;

/// Elements one record may hold: the largest real record (an OFAC
/// DistinctParty with hundreds of aliases) has a few thousand; a million
/// means a broken or hostile file.
const MAX_RECORD_ELEMENTS: usize = 1_000_000;

/// One element of a record: name (namespace prefix dropped), attributes,
/// its own text (trimmed pieces joined by a space) and children in order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Node {
    /// Local name.
    pub name: String,
    /// Attributes by local name, unescaped, in document order.
    pub attributes: Vec<(String, String)>,
    /// The element's own text.
    pub text: String,
    /// Child elements in document order.
    pub children: Vec<Node>,
}

impl Node {
    /// The value of an attribute.
    pub fn attr(&self, name: &str) -> Option<&str> {
        self.attributes
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
    }

    /// The first child of that name.
    pub fn child(&self, name: &str) -> Option<&Node> {
        self.children.iter().find(|c| c.name == name)
    }

    /// All children of that name.
    pub fn children_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Node> + 'a {
        self.children.iter().filter(move |c| c.name == name)
    }

    /// Every node reached by following `path` (child names) from here.
    pub fn all<'a>(&'a self, path: &[&str]) -> Vec<&'a Node> {
        let mut current = vec![self];
        for step in path {
            current = current
                .into_iter()
                .flat_map(|node| node.children.iter().filter(|c| c.name == *step))
                .collect();
        }
        current
    }

    /// The text of the first node at `path`, when it is not blank.
    pub fn text_at(&self, path: &[&str]) -> Option<&str> {
        self.all(path)
            .into_iter()
            .map(|n| n.text.trim())
            .find(|t| !t.is_empty())
    }

    /// The non-blank texts of every node at `path`.
    pub fn texts_at<'a>(&'a self, path: &[&str]) -> Vec<&'a str> {
        self.all(path)
            .into_iter()
            .map(|n| n.text.trim())
            .filter(|t| !t.is_empty())
            .collect()
    }
}

/// Reads `source` and calls `on_record(ancestors, node)` for every element
/// at `depth` (the root is depth 0), with the names of its ancestors
/// (outermost first). Elements above `depth` are only walked through.
pub fn stream_records<R: BufRead>(
    source: R,
    depth: usize,
    mut on_record: impl FnMut(&[String], Node) -> Result<()>,
) -> Result<()> {
    let mut reader = Reader::from_reader(source);
    let config = reader.config_mut();
    config.trim_text(true);
    config.expand_empty_elements = true;
    let mut buf = Vec::new();
    let mut ancestors: Vec<String> = Vec::new();
    let mut open: Vec<Node> = Vec::new();
    let mut elements = 0usize;
    loop {
        buf.clear();
        let event = reader
            .read_event_into(&mut buf)
            .map_err(|e| at(&reader, format!("malformed XML: {e}")))?;
        match event {
            Event::DocType(_) => {
                return Err(at(
                    &reader,
                    "the file declares a DOCTYPE; DTDs are refused (entity expansion and external entities are not allowed in list files)",
                ))
            }
            Event::Start(start) => {
                let name = local_name(&start);
                if open.is_empty() && ancestors.len() < depth {
                    ancestors.push(name);
                    continue;
                }
                elements += 1;
                if elements > MAX_RECORD_ELEMENTS {
                    return Err(at(
                        &reader,
                        format!("one record holds more than {MAX_RECORD_ELEMENTS} elements"),
                    ));
                }
                let attributes = attributes(&reader, &start)?;
                open.push(Node {
                    name,
                    attributes,
                    ..Node::default()
                });
            }
            Event::End(_) => match open.pop() {
                Some(node) => match open.last_mut() {
                    Some(parent) => parent.children.push(node),
                    None => {
                        elements = 0;
                        on_record(&ancestors, node)?;
                    }
                },
                None => {
                    ancestors.pop();
                }
            },
            Event::Text(text) => {
                if let Some(node) = open.last_mut() {
                    let text = text
                        .unescape()
                        .map_err(|e| at(&reader, format!("bad text or entity: {e}")))?;
                    append_text(&reader, node, &text)?;
                }
            }
            Event::CData(data) => {
                if let Some(node) = open.last_mut() {
                    let text = String::from_utf8_lossy(&data).into_owned();
                    append_text(&reader, node, text.trim())?;
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    let mut path = ancestors;
    path.extend(open.into_iter().map(|n| n.name));
    if !path.is_empty() {
        return Err(at(
            &reader,
            format!(
                "unexpected end of file inside <{}> (the file is truncated)",
                path.join("/")
            ),
        ));
    }
    Ok(())
}

fn append_text<R>(reader: &Reader<R>, node: &mut Node, text: &str) -> Result<()> {
    if text.is_empty() {
        return Ok(());
    }
    if node.text.len() + text.len() > crate::MAX_FIELD_BYTES {
        return Err(at(
            reader,
            format!(
                "a field of more than {} bytes in <{}>",
                crate::MAX_FIELD_BYTES,
                node.name
            ),
        ));
    }
    if !node.text.is_empty() {
        node.text.push(' ');
    }
    node.text.push_str(text);
    Ok(())
}

fn local_name(start: &BytesStart<'_>) -> String {
    String::from_utf8_lossy(start.name().local_name().as_ref()).into_owned()
}

fn attributes<R>(reader: &Reader<R>, start: &BytesStart<'_>) -> Result<Vec<(String, String)>> {
    let mut out = Vec::new();
    for attribute in start.attributes() {
        let attribute = attribute.map_err(|e| at(reader, format!("bad attribute: {e}")))?;
        let key = String::from_utf8_lossy(attribute.key.local_name().as_ref()).into_owned();
        let value = attribute
            .unescape_value()
            .map_err(|e| at(reader, format!("bad attribute value: {e}")))?;
        out.push((key, value.into_owned()));
    }
    Ok(out)
}

fn at<R>(reader: &Reader<R>, message: impl Into<String>) -> Error {
    Error::Offset {
        offset: reader.buffer_position(),
        message: message.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn records(xml: &str, depth: usize) -> Result<Vec<(Vec<String>, Node)>> {
        let mut out = Vec::new();
        stream_records(xml.as_bytes(), depth, |path, node| {
            out.push((path.to_vec(), node));
            Ok(())
        })?;
        Ok(out)
    }

    #[test]
    fn records_at_a_depth_with_their_ancestors() {
        let xml = r#"<root><head>v1</head><items><item id="1"><a>x &amp; y</a><a>z</a></item>
            <item id="2"/></items></root>"#;
        // Depth 2: the items; `head` has no element at that depth.
        let found = records(xml, 2).unwrap();
        assert_eq!(found.len(), 2);
        assert_eq!(found[0].0, ["root", "items"]);
        let item = &found[0].1;
        assert_eq!(item.attr("id"), Some("1"));
        assert_eq!(item.texts_at(&["a"]), ["x & y", "z"]);
        assert_eq!(found[1].1.attr("id"), Some("2"));
        assert!(found[1].1.children.is_empty());
        // Depth 1: `head` and `items` whole.
        let found = records(xml, 1).unwrap();
        let names: Vec<&str> = found.iter().map(|(_, n)| n.name.as_str()).collect();
        assert_eq!(names, ["head", "items"]);
        assert_eq!(found[0].1.text, "v1");
        assert_eq!(found[1].1.all(&["item"]).len(), 2);
    }

    #[test]
    fn refuses_doctype_and_truncation() {
        let err = records("<!DOCTYPE x [<!ENTITY a 'b'>]><root/>", 1).unwrap_err();
        assert!(err.to_string().contains("DOCTYPE"), "{err}");
        let err = records("<root><item><a>x</a>", 1).unwrap_err();
        assert!(err.to_string().contains("root/item"), "{err}");
        let err = records("<root><item>", 1).unwrap_err();
        assert!(matches!(err, Error::Offset { .. }), "{err}");
    }
}
