//! Telling list formats apart from their content.

use crate::{Error, Result};

/// A list format Cordon can read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Format {
    /// UN Security Council Consolidated List XML.
    UnXml,
    /// OFAC legacy CSV set (sdn.csv + add.csv + alt.csv [+ sdn_comments.csv]).
    OfacCsv,
    /// OFAC `sdnList` XML (SDN or consolidated non-SDN).
    OfacXml,
    /// UK HM Treasury consolidated list CSV.
    UkCsv,
    /// EU financial sanctions file, CSV 1.1.
    EuCsv,
    /// EU financial sanctions file, XML 1.1.
    EuXml,
    /// Canada SEMA consolidated autonomous list XML.
    CanadaXml,
    /// US Consolidated Screening List CSV.
    UsCsl,
    /// FollowTheMoney JSON lines (OpenSanctions exports).
    FtmJson,
    /// A member state's own list as CSV with a column mapping.
    GenericCsv,
}

impl Format {
    /// Every format, in the order `--list FORMAT:PATH` documents them.
    pub const ALL: [Format; 10] = [
        Format::UnXml,
        Format::OfacCsv,
        Format::OfacXml,
        Format::UkCsv,
        Format::EuCsv,
        Format::EuXml,
        Format::CanadaXml,
        Format::UsCsl,
        Format::FtmJson,
        Format::GenericCsv,
    ];

    /// The name used in `--list FORMAT:PATH`.
    pub fn name(self) -> &'static str {
        match self {
            Format::UnXml => "un-xml",
            Format::OfacCsv => "ofac-csv",
            Format::OfacXml => "ofac-xml",
            Format::UkCsv => "uk-csv",
            Format::EuCsv => "eu-csv",
            Format::EuXml => "eu-xml",
            Format::CanadaXml => "ca-xml",
            Format::UsCsl => "us-csl",
            Format::FtmJson => "ftm-json",
            Format::GenericCsv => "csv",
        }
    }

    /// Reads a format name as given in `--list FORMAT:PATH`.
    pub fn from_name(name: &str) -> Option<Format> {
        let name = name.to_ascii_lowercase();
        Format::ALL
            .into_iter()
            .find(|f| f.name() == name)
            .or(match name.as_str() {
                "un" => Some(Format::UnXml),
                "ofac" | "sdn" => Some(Format::OfacCsv),
                "uk" | "hmt" => Some(Format::UkCsv),
                "eu" => Some(Format::EuCsv),
                "ca" | "canada" | "sema" => Some(Format::CanadaXml),
                "csl" => Some(Format::UsCsl),
                "ftm" | "opensanctions" => Some(Format::FtmJson),
                "generic" => Some(Format::GenericCsv),
                _ => None,
            })
    }
}

impl std::fmt::Display for Format {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// Detects a list's format from the first bytes of its content.
///
/// The OFAC legacy `sdn.csv` is recognised by its shape (numeric id, quoted
/// name, `-0-` placeholders); the other files of the set are found next to it
/// by the caller.
pub fn detect(bytes: &[u8]) -> Result<Format> {
    let head = &bytes[..bytes.len().min(8192)];
    let head = String::from_utf8_lossy(head);
    let head = head.trim_start_matches('\u{feff}').trim_start();
    if head.starts_with('<') {
        return detect_xml(head);
    }
    if head.starts_with('{') {
        if head.contains("\"schema\"") {
            return Ok(Format::FtmJson);
        }
        return Err(Error::Format(
            "JSON content without a FollowTheMoney \"schema\" field".into(),
        ));
    }
    let first_line = head.lines().next().unwrap_or("");
    if first_line.starts_with("Last Updated,") || head.contains("Group Type,Alias Type") {
        return Ok(Format::UkCsv);
    }
    if first_line.contains("Entity_logical_id") || first_line.contains("Naal_wholename") {
        return Ok(Format::EuCsv);
    }
    if first_line.starts_with("source,entity_number,type")
        || first_line.starts_with("_id,source,entity_number")
    {
        return Ok(Format::UsCsl);
    }
    if looks_like_ofac_sdn(first_line) {
        return Ok(Format::OfacCsv);
    }
    if first_line.contains(',') || first_line.contains(';') || first_line.contains('\t') {
        let lower = first_line.to_ascii_lowercase();
        if lower
            .split([',', ';', '\t'])
            .any(|c| c.trim_matches('"').trim() == "name")
        {
            return Ok(Format::GenericCsv);
        }
    }
    Err(Error::Format(
        "not a list format Cordon recognises (expected UN, OFAC, EU, UK, Canada, US CSL XML/CSV, FollowTheMoney JSON lines, or CSV with a `name` column); force one with --list FORMAT:PATH".into(),
    ))
}

fn detect_xml(head: &str) -> Result<Format> {
    if head.contains("<CONSOLIDATED_LIST") {
        return Ok(Format::UnXml);
    }
    if head.contains("<sdnList") {
        return Ok(Format::OfacXml);
    }
    if head.contains("<export")
        && (head.contains("sanctionEntity")
            || head.contains("globalFileId")
            || head.contains("fsd"))
    {
        return Ok(Format::EuXml);
    }
    if head.contains("<sanctionEntity") {
        return Ok(Format::EuXml);
    }
    if head.contains("<data-set") && head.contains("<record") {
        return Ok(Format::CanadaXml);
    }
    Err(Error::Format(
        "XML that is not a known list (expected UN CONSOLIDATED_LIST, OFAC sdnList, EU export, Canada data-set)".into(),
    ))
}

/// `36,"AEROCARIBBEAN AIRLINES",-0- ,"CUBA",...`: 12 columns, numeric id first.
fn looks_like_ofac_sdn(line: &str) -> bool {
    let Some((id, rest)) = line.split_once(',') else {
        return false;
    };
    !id.is_empty()
        && id.bytes().all(|b| b.is_ascii_digit())
        && rest.starts_with('"')
        && line.contains("-0-")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for format in Format::ALL {
            assert_eq!(Format::from_name(format.name()), Some(format));
        }
        assert_eq!(Format::from_name("nope"), None);
    }

    #[test]
    fn detects_by_content() {
        assert_eq!(
            detect(b"<?xml version=\"1.0\"?>\n<CONSOLIDATED_LIST>").unwrap(),
            Format::UnXml
        );
        assert_eq!(detect(b"<sdnList xmlns=\"x\">").unwrap(), Format::OfacXml);
        assert_eq!(
            detect(b"36,\"AEROCARIBBEAN AIRLINES\",-0- ,\"CUBA\",-0- ").unwrap(),
            Format::OfacCsv
        );
        assert_eq!(
            detect(b"id,name,dob\n1,A,1970").unwrap(),
            Format::GenericCsv
        );
        assert!(detect(b"hello world").is_err());
        assert!(detect(b"<html><body>").is_err());
    }
}
