//! `cordon lists update`: download the publishers' official files over HTTPS,
//! verify them and import them. A failed download never touches the last good
//! version; the list is then reported as stale.

use anyhow::{anyhow, bail, Result};
use cordon_engine::lists::{import_list, NewVersion};
use cordon_engine::ContentHash;
use cordon_lists::Format;
use cordon_match::DEFAULT_THRESHOLD;
use std::fs::File;
use std::path::Path;
use std::time::Duration;

use crate::{download, Finding, InputError};

/// The read buffer of a downloaded file read as a stream (as `lists import`
/// reads one: large enough that the reader's calls are few).
const READ_BUFFER: usize = 64 * 1024;

/// A list a publisher serves at a fixed address.
struct Official {
    source: &'static str,
    format: Format,
    /// The file's address; for the OFAC set, the folder its files are in;
    /// with [`Official::link_pattern`], the page that links to the file.
    url: &'static str,
    /// Updated when no `--source` is given; the others on request.
    default: bool,
    /// For a publisher that names each release anew (Japan MOF's
    /// `shisantouketsu20260305.xlsx`): `url` is its page, and the file is
    /// the newest link there whose file name has this prefix and extension.
    link_pattern: Option<(&'static str, &'static str)>,
    /// Another official file of the same list, in another format, tried
    /// when the main one fails (OFAC's legacy CSV set).
    fallback: Option<(Format, &'static str)>,
}

/// The publishers' official addresses (checked 2026-12).
const OFFICIAL: &[Official] = &[
    Official {
        source: "un",
        format: Format::UnXml,
        url: "https://scsanctions.un.org/resources/xml/en/consolidated.xml",
        default: true,
        link_pattern: None,
        fallback: None,
    },
    // OFAC Sanctions List Service exports: the SDN list in the advanced
    // standard (relationships, structured dates; ~100 MB, read as a stream),
    // and the legacy CSV set published next to it as the fallback.
    Official {
        source: "ofac",
        format: Format::OfacAdvanced,
        url: "https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/SDN_ADVANCED.XML",
        default: true,
        link_pattern: None,
        fallback: Some((
            Format::OfacCsv,
            "https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/",
        )),
    },
    Official {
        source: "eu",
        format: Format::EuXml,
        url: "https://webgate.ec.europa.eu/fsd/fsf/public/files/xmlFullSanctionsList_1_1/content?token=dG9rZW4tMjAxNw",
        default: true,
        link_pattern: None,
        fallback: None,
    },
    // The UK Sanctions List (FCDO) is the only UK list since 28 January 2026;
    // OFSI's ConList.csv is retired and would go stale without saying so.
    Official {
        source: "uk",
        format: Format::UkXml,
        url: "https://sanctionslist.fcdo.gov.uk/docs/UK-Sanctions-List.xml",
        default: true,
        link_pattern: None,
        fallback: None,
    },
    Official {
        source: "seco",
        format: Format::SecoXml,
        url: "https://www.sesam.search.admin.ch/sesam-search-web/pages/downloadXmlGesamtliste.xhtml?lang=en&action=downloadXmlGesamtlisteAction",
        default: false,
        link_pattern: None,
        fallback: None,
    },
    Official {
        source: "au_dfat",
        format: Format::AuDfatXlsx,
        url: "https://www.dfat.gov.au/sites/default/files/regulation8_consolidated.xlsx",
        default: false,
        link_pattern: None,
        fallback: None,
    },
    // Japan MOF names each release's workbook by its date
    // (`shisantouketsu20260305.xlsx`) and links it from this page.
    Official {
        source: "jp_mof",
        format: Format::JpMofXlsx,
        url: "https://www.mof.go.jp/policy/international_policy/gaitame_kawase/gaitame/economic_sanctions/list.html",
        default: false,
        link_pattern: Some(("shisantouketsu", ".xlsx")),
        fallback: None,
    },
    // The US Consolidated Screening List (trade.gov): OFAC's lists with
    // Commerce's and State's export-control lists, one CSV.
    Official {
        source: "us_csl",
        format: Format::UsCsl,
        url: "https://data.trade.gov/downloadable_consolidated_screening_list/v1/consolidated.csv",
        default: false,
        link_pattern: None,
        fallback: None,
    },
    Official {
        source: "ca",
        format: Format::CanadaXml,
        url: "https://www.international.gc.ca/world-monde/assets/office_docs/international_relations-relations_internationales/sanctions/sema-lmes.xml",
        default: false,
        link_pattern: None,
        fallback: None,
    },
];

/// The files of an OFAC legacy CSV set, in the order `read_csv_set` takes them.
const OFAC_FILES: [&str; 4] = ["SDN.CSV", "ADD.CSV", "ALT.CSV", "SDN_COMMENTS.CSV"];

/// Options of `cordon lists update`.
#[derive(clap::Args)]
pub struct UpdateArgs {
    /// Lists to update: un, ofac, eu, uk (the default), seco, au_dfat, jp_mof, us_csl, ca.
    #[arg(long, value_delimiter = ',', value_name = "SOURCE")]
    pub source: Vec<String>,
    /// Use another address for a list, e.g. a national mirror: `--url un=https://mirror/consolidated.xml`
    /// (for ofac, the SDN_ADVANCED.XML file, or a folder ending in `/` holding SDN.CSV, ADD.CSV,
    /// ALT.CSV, SDN_COMMENTS.CSV; for jp_mof, the page that links to the workbook). No fallback
    /// is tried for an address given here.
    #[arg(long, value_name = "SOURCE=URL")]
    pub url: Vec<String>,
    /// Fetch every official address, fallbacks included, through a mirror
    /// that keeps the publishers' host names and paths:
    /// `https://HOST/PATH` is fetched as `MIRROR/HOST/PATH` (an address
    /// given with `--url` is used as it is).
    #[arg(long, env = "CORDON_LISTS_MIRROR", value_name = "URL")]
    pub mirror: Option<String>,
    /// Seconds to wait for one download.
    #[arg(long, default_value_t = 120)]
    pub timeout: u64,
}

/// Runs the update; exit code 1 when any list could not be refreshed.
pub fn run(args: UpdateArgs, data_dir: &Path) -> Result<()> {
    let overrides = parse_overrides(&args.url)?;
    let wanted: Vec<&Official> = if args.source.is_empty() {
        OFFICIAL.iter().filter(|o| o.default).collect()
    } else {
        args.source
            .iter()
            .map(|s| {
                OFFICIAL.iter().find(|o| o.source == s).ok_or_else(|| {
                    let known: Vec<&str> = OFFICIAL.iter().map(|o| o.source).collect();
                    anyhow!(InputError::new(format!(
                        "--source {s}: unknown list (known: {})",
                        known.join(", ")
                    )))
                })
            })
            .collect::<Result<_>>()?
    };
    let client = reqwest::blocking::Client::builder()
        .timeout(Duration::from_secs(args.timeout))
        .connect_timeout(Duration::from_secs(20))
        .user_agent(concat!("cordon/", env!("CARGO_PKG_VERSION")))
        .build()?;
    let store = crate::store_open::open_store_settled(data_dir)?;
    let mut failed = Vec::new();
    for official in wanted {
        let chosen = overrides
            .iter()
            .find(|(s, _)| s == official.source)
            .map(|(_, u)| u.as_str());
        let plan = attempts(official, chosen, args.mirror.as_deref());
        match update_from(&client, &*store, official, &plan, data_dir) {
            Ok(message) => {
                store.record_update(official.source, None)?;
                outln!("{}: {message}", official.source);
            }
            Err(error) => {
                let message = format!("{error:#}");
                store.record_update(official.source, Some(&message))?;
                let serving = store
                    .find(official.source)
                    .map(|v| format!("still serving {}", v.label()))
                    .unwrap_or_else(|_| "no earlier version stored".into());
                eprintln!(
                    "{}: STALE: update failed: {message}; {serving}",
                    official.source
                );
                failed.push(official.source);
            }
        }
    }
    if failed.is_empty() {
        Ok(())
    } else {
        Err(Finding(format!("could not update: {}", failed.join(", "))).into())
    }
}

fn parse_overrides(urls: &[String]) -> Result<Vec<(String, String)>> {
    urls.iter()
        .map(|spec| {
            let (source, url) = spec
                .split_once('=')
                .ok_or_else(|| InputError::new(format!("--url {spec}: expected SOURCE=URL")))?;
            Ok((source.to_string(), url.to_string()))
        })
        .collect()
}

/// The files to try for a list, in order: the address given with `--url`
/// alone (one ending in `/` is a folder: the OFAC legacy CSV set), else the
/// official file and then its fallback, each through the mirror if one is given.
fn attempts(
    official: &Official,
    chosen: Option<&str>,
    mirror: Option<&str>,
) -> Vec<(Format, String)> {
    match chosen {
        Some(url)
            if url.ends_with('/')
                && official.fallback.is_some_and(|(f, _)| f == Format::OfacCsv) =>
        {
            vec![(Format::OfacCsv, url.to_string())]
        }
        Some(url) => vec![(official.format, url.to_string())],
        None => std::iter::once((official.format, official.url))
            .chain(official.fallback)
            .map(|(format, url)| (format, through_mirror(mirror, url)))
            .collect(),
    }
}

/// An official address as a mirror that keeps the publishers' paths serves
/// it: `https://HOST/PATH` becomes `MIRROR/HOST/PATH`.
fn through_mirror(mirror: Option<&str>, url: &str) -> String {
    match (mirror, url.split_once("://")) {
        (Some(mirror), Some((_, rest))) => format!("{}/{rest}", mirror.trim_end_matches('/')),
        _ => url.to_string(),
    }
}

/// Updates from the first of `attempts` that works; the failures before it
/// are named in the message, and all of them in the error when none works.
fn update_from(
    client: &reqwest::blocking::Client,
    store: &dyn cordon_engine::EngineStore,
    official: &Official,
    attempts: &[(Format, String)],
    data_dir: &Path,
) -> Result<String> {
    let mut failures: Vec<String> = Vec::new();
    for (format, url) in attempts {
        match update_one(client, store, official, *format, url, data_dir) {
            Ok(message) if failures.is_empty() => return Ok(message),
            Ok(message) => {
                return Ok(format!(
                    "{message} from the fallback {url} ({format}); the main file failed: {}",
                    failures.join("; ")
                ))
            }
            Err(error) => failures.push(format!("{error:#}")),
        }
    }
    bail!("{}", failures.join("; then the fallback: "))
}

fn update_one(
    client: &reqwest::blocking::Client,
    store: &dyn cordon_engine::EngineStore,
    official: &Official,
    format: Format,
    url: &str,
    data_dir: &Path,
) -> Result<String> {
    let resolved;
    let url = match official.link_pattern.filter(|_| format == official.format) {
        Some((prefix, extension)) => {
            let page = download::fetch_page(client, url)?;
            let page = String::from_utf8_lossy(&page);
            resolved = newest_link(url, &page, prefix, extension).ok_or_else(|| {
                anyhow!(
                    "{url}: the page links to no {prefix}*{extension} file (has the page moved?)"
                )
            })?;
            resolved.as_str()
        }
        None => url,
    };
    let dir = download::downloads_dir(data_dir)?;
    let mut fetched = if format == Format::OfacCsv {
        fetch_ofac_set(client, url, &dir)?
    } else {
        fetch_one(client, url, format, &dir)?
    };
    if let Some(date) = crate::sources::release_date(format, url) {
        fetched.list.version = Some(date);
    }
    verify(store, official, &fetched.list)?;
    let new = NewVersion {
        list: &fetched.list,
        hash: &fetched.hash,
        origin: url,
    };
    let imported = import_list(store, new, DEFAULT_THRESHOLD, &crate::local_caller())?;
    crate::store_open::report_rescreen(&imported);
    let entities = fetched.list.entities.len();
    // The version is stored: a file that cannot be kept costs only the copy.
    if let Err(error) = fetched.keep(&dir.join(official.source)) {
        eprintln!(
            "{}: imported, but the downloaded file was not kept: {error:#}",
            official.source
        );
    }
    Ok(if imported.created {
        format!(
            "imported {} ({entities} entities)",
            imported.version.label()
        )
    } else {
        format!("unchanged ({})", imported.version.label())
    })
}

/// A list downloaded and read, with the files it came from (still
/// temporary) and their content hash.
struct Fetched {
    list: cordon_lists::ParsedList,
    hash: ContentHash,
    /// Each file under the name it is kept as.
    files: Vec<(String, download::Download)>,
}

impl Fetched {
    /// Moves the files into `folder` (`downloads/SOURCE/`), each with one
    /// rename, so the last good download can be read again or checked with
    /// `sha256sum`.
    fn keep(self, folder: &Path) -> Result<()> {
        std::fs::create_dir_all(folder)?;
        for (name, file) in self.files {
            file.keep(&folder.join(name))?;
        }
        Ok(())
    }
}

/// Downloads one list file to disk and reads it from there: the formats
/// `cordon_lists::streams` names one record at a time, the others whole.
fn fetch_one(
    client: &reqwest::blocking::Client,
    url: &str,
    format: Format,
    dir: &Path,
) -> Result<Fetched> {
    let file = download::fetch(client, url, dir, |head| expect_format(url, format, head))?;
    let list = if is_workbook(format) {
        let bytes = file.bytes()?;
        let served = cordon_lists::detect(&bytes).map_err(|e| anyhow!("{url}: {e}"))?;
        if served != format {
            bail!("{url} served {served}, expected {format}");
        }
        cordon_lists::read_bytes(format, &bytes)
    } else {
        let reader = std::io::BufReader::with_capacity(READ_BUFFER, File::open(file.path())?);
        cordon_lists::read_from(format, reader)
    }
    .map_err(|e| anyhow!("{url} ({format}): {e}"))?;
    let hash = ContentHash::of_reader(File::open(file.path())?)?;
    let name = format!("{}.{}", format.name(), extension(format));
    Ok(Fetched {
        list,
        hash,
        files: vec![(name, file)],
    })
}

/// Downloads an OFAC legacy CSV set (each file under its upper- or
/// lowercase name) and reads it. SDN.CSV, ADD.CSV and ALT.CSV are required:
/// without the last two, the aliases and addresses would silently drop out;
/// OFAC publishes SDN_COMMENTS.CSV too, but a set without it loses only
/// remarks.
fn fetch_ofac_set(client: &reqwest::blocking::Client, url: &str, dir: &Path) -> Result<Fetched> {
    let base = if url.ends_with('/') {
        url.to_string()
    } else {
        format!("{url}/")
    };
    let mut files = Vec::new();
    for (index, name) in OFAC_FILES.iter().enumerate() {
        let check = |head: &[u8]| {
            if index == 0 {
                expect_format(&format!("{base}{name}"), Format::OfacCsv, head)
            } else {
                refuse_non_list(&format!("{base}{name}"), "CSV", head)
            }
        };
        let upper = format!("{base}{name}");
        let lower = format!("{base}{}", name.to_lowercase());
        match download::fetch(client, &upper, dir, check)
            .or_else(|_| download::fetch(client, &lower, dir, check))
        {
            Ok(file) => files.push((name.to_string(), file)),
            Err(_) if *name == "SDN_COMMENTS.CSV" => {}
            Err(error) => return Err(error),
        }
    }
    let bytes: Vec<(String, Vec<u8>)> = files
        .iter()
        .map(|(name, file)| Ok((name.to_lowercase(), file.bytes()?)))
        .collect::<Result<_>>()?;
    let part = |name: &str| {
        bytes
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, b)| b.as_slice())
    };
    let list = cordon_lists::ofac::read_csv_set(
        part("sdn.csv").unwrap_or_default(),
        part("add.csv"),
        part("alt.csv"),
        part("sdn_comments.csv"),
    )
    .map_err(|e| anyhow!("{base}SDN.CSV (ofac-csv): {e}"))?;
    let hash = ContentHash::of_files(bytes.iter().map(|(n, b)| (n.as_str(), b.as_slice())));
    Ok(Fetched { list, hash, files })
}

/// Checks the first bytes of a download: no error page, and the format
/// expected. A workbook is recognised by its header row inside the ZIP, so
/// it is checked once whole.
fn expect_format(url: &str, format: Format, head: &[u8]) -> Result<()> {
    refuse_non_list(url, &format.to_string(), head)?;
    if is_workbook(format) {
        return Ok(());
    }
    let served = cordon_lists::detect(head).map_err(|e| anyhow!("{url}: {e}"))?;
    if served != format {
        bail!("{url} served {served}, expected {format}");
    }
    Ok(())
}

fn refuse_non_list(url: &str, expected: &str, head: &[u8]) -> Result<()> {
    match not_a_list(head) {
        Some(what) => bail!("{url} answered with {what}, not the {expected} file"),
        None => Ok(()),
    }
}

fn is_workbook(format: Format) -> bool {
    matches!(format, Format::AuDfatXlsx | Format::JpMofXlsx)
}

/// The extension a kept download gets, after its content.
fn extension(format: Format) -> &'static str {
    match format {
        Format::AuDfatXlsx | Format::JpMofXlsx => "xlsx",
        Format::FtmJson => "json",
        Format::OfacCsv
        | Format::UkCsv
        | Format::EuCsv
        | Format::UsCsl
        | Format::OpenSanctionsCsv
        | Format::GenericCsv => "csv",
        _ => "xml",
    }
}

/// Refuses a download that parsed but cannot be the real list: empty, of the
/// wrong source, or less than half the size of the last good version.
fn verify(
    store: &dyn cordon_engine::EngineStore,
    official: &Official,
    list: &cordon_lists::ParsedList,
) -> Result<()> {
    if list.source != official.source {
        bail!(
            "the file is a {} list, expected {}",
            list.source,
            official.source
        );
    }
    if list.entities.is_empty() {
        bail!("the file holds no entities");
    }
    if let Ok(previous) = cordon_engine::indexed::find_version(store, official.source) {
        let before = previous.counts.persons
            + previous.counts.organizations
            + previous.counts.vessels
            + previous.counts.aircraft;
        if list.entities.len() * 2 < before {
            bail!(
                "the file holds {} entities, less than half of the {} in {}: refusing it as truncated",
                list.entities.len(),
                before,
                previous.label()
            );
        }
    }
    Ok(())
}

/// What a response that is no list file is: publishers and their CDNs
/// answer outages with an HTML page or a JSON error, sometimes with status
/// 200. `None` when the body may be a list (the reader then decides).
fn not_a_list(body: &[u8]) -> Option<&'static str> {
    let head = String::from_utf8_lossy(&body[..body.len().min(1024)]).to_ascii_lowercase();
    let head = head.trim_start_matches('\u{feff}').trim_start();
    if head.is_empty() {
        return Some("an empty body");
    }
    if head.starts_with("<!doctype html") || head.starts_with("<html") || head.contains("<html") {
        return Some("an HTML page (an error or maintenance page?)");
    }
    if head.starts_with('{') || head.starts_with('[') {
        return Some("a JSON document (an error response?)");
    }
    None
}

/// The newest file a publisher's page links to: among the `href`s whose file
/// name starts with `prefix` and ends with `extension` (any case), the one
/// whose name sorts last (the names carry the release date, `YYYYMMDD`),
/// made absolute against the page's address.
fn newest_link(page_url: &str, html: &str, prefix: &str, extension: &str) -> Option<String> {
    let base = reqwest::Url::parse(page_url).ok()?;
    let prefix = prefix.to_ascii_lowercase();
    let extension = extension.to_ascii_lowercase();
    hrefs(html)
        .filter_map(|href| {
            let path = href.split(['?', '#']).next().unwrap_or(href);
            let file = path.rsplit('/').next().unwrap_or(path).to_ascii_lowercase();
            (file.starts_with(&prefix) && file.ends_with(&extension)).then_some((file, href))
        })
        .max()
        .and_then(|(_, href)| base.join(href).ok())
        .map(String::from)
}

/// The values of `href` attributes in an HTML page (quoted with `"` or `'`).
fn hrefs(html: &str) -> impl Iterator<Item = &str> {
    html.match_indices("href=").filter_map(move |(at, key)| {
        let rest = &html[at + key.len()..];
        let quote = rest.chars().next().filter(|c| *c == '"' || *c == '\'')?;
        let value = &rest[1..];
        value.find(quote).map(|end| value[..end].trim())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn official(source: &str) -> &'static Official {
        OFFICIAL.iter().find(|o| o.source == source).unwrap()
    }

    #[test]
    fn ofac_tries_the_advanced_xml_then_the_legacy_csv_set() {
        let plan = attempts(official("ofac"), None, None);
        let formats: Vec<Format> = plan.iter().map(|(f, _)| *f).collect();
        assert_eq!(formats, [Format::OfacAdvanced, Format::OfacCsv]);
        assert!(plan[0].1.ends_with("/SDN_ADVANCED.XML"), "{}", plan[0].1);
        assert!(plan[1].1.ends_with("/exports/"), "{}", plan[1].1);
        // An address given on the command line is the only one tried; a
        // folder means the CSV set.
        let chosen = attempts(official("ofac"), Some("https://mirror/ofac/"), None);
        assert_eq!(
            chosen,
            [(Format::OfacCsv, "https://mirror/ofac/".to_string())]
        );
        let chosen = attempts(
            official("ofac"),
            Some("https://mirror/sdn_advanced.xml"),
            None,
        );
        assert_eq!(chosen[0].0, Format::OfacAdvanced);
        assert_eq!(chosen.len(), 1);
        // A trailing slash means nothing special for a list without a CSV set.
        assert_eq!(attempts(official("un"), Some("https://m/"), None).len(), 1);
        assert_eq!(
            attempts(official("un"), Some("https://m/"), None)[0].0,
            Format::UnXml
        );
    }

    #[test]
    fn a_mirror_serves_the_official_file_and_its_fallback_under_their_paths() {
        let plan = attempts(official("ofac"), None, Some("http://127.0.0.1:8080/"));
        assert_eq!(
            plan,
            [
                (
                    Format::OfacAdvanced,
                    "http://127.0.0.1:8080/sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/SDN_ADVANCED.XML".to_string()
                ),
                (
                    Format::OfacCsv,
                    "http://127.0.0.1:8080/sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/".to_string()
                ),
            ]
        );
        // An address given with --url is not rewritten.
        let chosen = attempts(official("un"), Some("https://m/un.xml"), Some("http://x"));
        assert_eq!(chosen, [(Format::UnXml, "https://m/un.xml".to_string())]);
    }

    #[test]
    fn every_official_address_is_https_and_every_source_once() {
        for (i, o) in OFFICIAL.iter().enumerate() {
            assert!(o.url.starts_with("https://"), "{}", o.source);
            assert!(o.fallback.is_none_or(|(_, u)| u.starts_with("https://")));
            assert!(
                OFFICIAL[..i].iter().all(|p| p.source != o.source),
                "{}",
                o.source
            );
        }
    }

    #[test]
    fn the_newest_workbook_a_page_links_to() {
        let page = "https://www.mof.go.jp/policy/x/economic_sanctions/list.html";
        let html = r#"<ul><li><a href="shisantouketsu20260115.xlsx">January</a>
            <li><a href='./shisantouketsu20260305.xlsx'>March</a>
            <li><a href="shisantouketsu20260401.csv">CSV</a>
            <li><a href="/policy/other/list20270101.xlsx">other</a>
            <li><a href="https://www.mof.go.jp/policy/x/economic_sanctions/shisantouketsu20251201.XLSX?v=2">old</a></ul>"#;
        assert_eq!(
            newest_link(page, html, "shisantouketsu", ".xlsx").as_deref(),
            Some("https://www.mof.go.jp/policy/x/economic_sanctions/shisantouketsu20260305.xlsx")
        );
        assert_eq!(
            newest_link(page, "<p>maintenance</p>", "shisantouketsu", ".xlsx"),
            None
        );
        assert_eq!(
            newest_link(page, r#"<a href="x.xlsx">"#, "shisantouketsu", ".xlsx"),
            None
        );
    }
}
