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
    /// UK HM Treasury (OFSI) consolidated list CSV (ConList, retired 28 Jan 2026).
    UkCsv,
    /// UK Sanctions List (FCDO) XML, `<Designations>`.
    UkXml,
    /// OFAC Advanced XML (`sdn_advanced.xml`, `cons_advanced.xml`).
    OfacAdvanced,
    /// OFAC Sanctions List Service Enhanced XML (`<sanctionsData>`).
    OfacEnhanced,
    /// EU financial sanctions file, CSV 1.1.
    EuCsv,
    /// EU financial sanctions file, XML 1.1.
    EuXml,
    /// Canada SEMA consolidated autonomous list XML.
    CanadaXml,
    /// Swiss SECO sanctions list XML (`<swiss-sanctions-list>`).
    SecoXml,
    /// Australia DFAT Consolidated List workbook (xlsx).
    AuDfatXlsx,
    /// Japan MOF asset-freeze list workbook (xlsx).
    JpMofXlsx,
    /// US Consolidated Screening List CSV.
    UsCsl,
    /// FollowTheMoney JSON lines (OpenSanctions exports).
    FtmJson,
    /// OpenSanctions `targets.simple.csv`.
    OpenSanctionsCsv,
    /// A member state's own list as CSV with a column mapping.
    GenericCsv,
}

impl Format {
    /// Every format, in the order `--list FORMAT:PATH` documents them.
    pub const ALL: [Format; 17] = [
        Format::UnXml,
        Format::OfacCsv,
        Format::OfacXml,
        Format::OfacAdvanced,
        Format::OfacEnhanced,
        Format::UkCsv,
        Format::UkXml,
        Format::EuCsv,
        Format::EuXml,
        Format::CanadaXml,
        Format::SecoXml,
        Format::AuDfatXlsx,
        Format::JpMofXlsx,
        Format::UsCsl,
        Format::FtmJson,
        Format::OpenSanctionsCsv,
        Format::GenericCsv,
    ];

    /// The name used in `--list FORMAT:PATH`.
    pub fn name(self) -> &'static str {
        match self {
            Format::UnXml => "un-xml",
            Format::OfacCsv => "ofac-csv",
            Format::OfacXml => "ofac-xml",
            Format::UkCsv => "uk-csv",
            Format::UkXml => "uk-xml",
            Format::OfacAdvanced => "ofac-advanced",
            Format::OfacEnhanced => "ofac-enhanced",
            Format::EuCsv => "eu-csv",
            Format::EuXml => "eu-xml",
            Format::CanadaXml => "ca-xml",
            Format::SecoXml => "seco-xml",
            Format::AuDfatXlsx => "au-dfat-xlsx",
            Format::JpMofXlsx => "jp-mof-xlsx",
            Format::UsCsl => "us-csl",
            Format::FtmJson => "ftm-json",
            Format::OpenSanctionsCsv => "os-simple-csv",
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
                "hmt" | "conlist" | "ofsi" => Some(Format::UkCsv),
                "uk" | "uksl" | "fcdo" => Some(Format::UkXml),
                "sdn-advanced" | "cons-advanced" => Some(Format::OfacAdvanced),
                "enhanced" | "sdn-enhanced" | "cons-enhanced" => Some(Format::OfacEnhanced),
                "eu" => Some(Format::EuCsv),
                "ca" | "canada" | "sema" => Some(Format::CanadaXml),
                "seco" | "ch" | "swiss" => Some(Format::SecoXml),
                "dfat" | "au" | "au-dfat" => Some(Format::AuDfatXlsx),
                "mof" | "jp" | "jp-mof" => Some(Format::JpMofXlsx),
                "csl" => Some(Format::UsCsl),
                "ftm" | "opensanctions" => Some(Format::FtmJson),
                "targets.simple" | "os-simple" | "opensanctions-csv" => {
                    Some(Format::OpenSanctionsCsv)
                }
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
    if is_xlsx(bytes) {
        return detect_workbook(bytes);
    }
    if let Some(kind) = binary_kind(bytes) {
        return Err(Error::Format(format!(
            "the file is {kind}, not a list format Cordon reads as text"
        )));
    }
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
    // ConList's version line and header; the FCDO UK Sanctions List CSV's
    // `Report Date:` line and header (`Last Updated,Unique ID,OFSI Group ID`).
    if first_line.starts_with("Last Updated,")
        || head.contains("Group Type,Alias Type")
        || (first_line.starts_with("Report Date:") && head.contains("Unique ID"))
        || head.contains("Unique ID,OFSI Group ID")
    {
        return Ok(Format::UkCsv);
    }
    if first_line.contains("Entity_logical_id")
        || first_line.contains("Naal_wholename")
        || first_line.contains("Entity_LogicalId")
        || first_line.contains("NameAlias_WholeName")
    {
        return Ok(Format::EuCsv);
    }
    if first_line.starts_with("source,entity_number,type")
        || first_line.starts_with("_id,source,entity_number")
    {
        return Ok(Format::UsCsl);
    }
    if looks_like_os_simple(first_line) {
        return Ok(Format::OpenSanctionsCsv);
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
    if head.contains("<swiss-sanctions-list") {
        return Ok(Format::SecoXml);
    }
    if head.contains("<Designations") {
        return Ok(Format::UkXml);
    }
    if head.contains("<sanctionsData") {
        return Ok(Format::OfacEnhanced);
    }
    if (head.contains("<Sanctions ") || head.contains("<Sanctions>"))
        && (head.contains("sdn_advanced") || head.contains("<ReferenceValueSets"))
    {
        return Ok(Format::OfacAdvanced);
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
        "XML that is not a known list (expected UN CONSOLIDATED_LIST, OFAC sdnList, Advanced <Sanctions> or Enhanced <sanctionsData>, UK <Designations>, SECO swiss-sanctions-list, EU export, Canada data-set)".into(),
    ))
}

/// Whether the bytes are an xlsx workbook (a ZIP holding `xl/` parts).
pub(crate) fn is_xlsx(bytes: &[u8]) -> bool {
    binary_kind(bytes).is_some_and(|kind| kind.contains("xlsx"))
}

/// Which list a workbook is, from its header row.
fn detect_workbook(bytes: &[u8]) -> Result<Format> {
    let sheets = crate::xlsx::sheets(bytes)?;
    let dfat = sheets.iter().any(|sheet| {
        sheet.rows.iter().take(5).any(|row| {
            row.iter()
                .any(|c| c.trim() == "Name of Individual or Entity")
                && row.iter().any(|c| c.trim() == "Name Type")
        })
    });
    if dfat {
        return Ok(Format::AuDfatXlsx);
    }
    let mof = sheets.iter().any(|sheet| {
        sheet
            .rows
            .iter()
            .take(20)
            .any(|row| crate::jp_mof::is_header(row))
    });
    if mof {
        return Ok(Format::JpMofXlsx);
    }
    Err(Error::Format(format!(
        "an Excel workbook of {} sheet(s) that is not a list Cordon reads (the Australia DFAT and Japan MOF lists are); export the list as CSV and map its columns with --list csv:PATH",
        sheets.len()
    )))
}

/// What a binary file is, named so an error can say it without printing its
/// bytes: ZIP (xlsx, ods, zipped downloads), gzip, PDF, or other binary
/// content (NUL bytes in the first 8 KiB, which no list text holds).
pub(crate) fn binary_kind(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(b"PK\x03\x04") {
        let head = &bytes[..bytes.len().min(4096)];
        let xlsx = head.windows(3).any(|w| w == b"xl/");
        return Some(if xlsx {
            "an Excel workbook (xlsx, a ZIP archive)"
        } else {
            "a ZIP archive"
        });
    }
    if bytes.starts_with(&[0x1f, 0x8b]) {
        return Some("gzip-compressed");
    }
    if bytes.starts_with(b"%PDF") {
        return Some("a PDF document");
    }
    let head = &bytes[..bytes.len().min(8192)];
    let utf16 = head.starts_with(&[0xff, 0xfe]) || head.starts_with(&[0xfe, 0xff]);
    (!utf16 && head.contains(&0)).then_some("binary (it holds NUL bytes)")
}

/// `"id","schema","name","aliases",...`: the OpenSanctions simple CSV header.
fn looks_like_os_simple(line: &str) -> bool {
    let columns: Vec<&str> = line
        .split(',')
        .map(|c| c.trim().trim_matches('"'))
        .take(crate::os_simple::SIGNATURE.len())
        .collect();
    columns == crate::os_simple::SIGNATURE
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

    fn public(path: &str) -> Vec<u8> {
        let root = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../../shared/data/lists/public/"
        );
        std::fs::read(format!("{root}{path}")).unwrap()
    }

    #[test]
    fn detects_the_new_formats_from_real_files() {
        for (path, format) in [
            (
                "uk/uk_sanctions_list_xml_2026-03-26_PREFIX4.xml",
                Format::UkXml,
            ),
            (
                "ofac/ofac_cons_advanced_2020-03-17.xml",
                Format::OfacAdvanced,
            ),
            (
                "ofac/ofac_cons_enhanced_2025-01-10.xml",
                Format::OfacEnhanced,
            ),
            (
                "ofac/ofac_enhanced_xml_irgc_filtered_2024-08-28.xml",
                Format::OfacEnhanced,
            ),
            ("ofac/ofac_cons_nonsdn_xml_2026-01-08.xml", Format::OfacXml),
            (
                "ch/seco_amendment_TEST_EXAMPLE_2024-01-17.xml",
                Format::SecoXml,
            ),
            ("eu/eu_csv_1_1_HEADER_PROBE_constructed.csv", Format::EuCsv),
            (
                "ftm/opensanctions_targets.simple_eu_cor_2022-08-08.csv",
                Format::OpenSanctionsCsv,
            ),
            (
                "au/au_dfat_regulation8_consolidated_2024-12.xlsx",
                Format::AuDfatXlsx,
            ),
        ] {
            assert_eq!(detect(&public(path)).unwrap(), format, "{path}");
        }
    }

    #[test]
    fn a_workbook_forced_as_csv_is_named_not_printed() {
        assert_eq!(
            detect(&public("jp/jp_mof_asset_freeze_list_2026-03-05.xlsx")).unwrap(),
            Format::JpMofXlsx
        );
        let japan = public("jp/jp_mof_asset_freeze_list_2026-03-05.xlsx");
        for format in [Format::GenericCsv, Format::UkCsv, Format::UnXml] {
            let err = crate::read_bytes(format, &japan).unwrap_err().to_string();
            assert!(err.contains("Excel workbook"), "{err}");
            assert!(!err.contains("PK"), "{err}");
            assert!(err.chars().all(|c| !c.is_control()), "{err}");
        }
    }
}
