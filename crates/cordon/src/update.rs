//! `cordon lists update`: download the publishers' official files over HTTPS,
//! verify them and import them. A failed download never touches the last good
//! version; the list is then reported as stale.

use anyhow::{anyhow, bail, Result};
use cordon_engine::lists::{import_list, NewVersion};
use cordon_engine::ContentHash;
use cordon_lists::Format;
use cordon_match::DEFAULT_THRESHOLD;
use std::io::Read;
use std::path::Path;
use std::time::Duration;

use crate::{Finding, InputError};

/// The largest download accepted (the biggest official list is far smaller).
const MAX_DOWNLOAD_BYTES: u64 = 512 << 20;

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
        match update_from(&client, &*store, official, &attempts(official, chosen)) {
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
/// official file and then its fallback.
fn attempts(official: &Official, chosen: Option<&str>) -> Vec<(Format, String)> {
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
            .map(|(format, url)| (format, url.to_string()))
            .collect(),
    }
}

/// Updates from the first of `attempts` that works; the failures before it
/// are named in the message, and all of them in the error when none works.
fn update_from(
    client: &reqwest::blocking::Client,
    store: &dyn cordon_engine::EngineStore,
    official: &Official,
    attempts: &[(Format, String)],
) -> Result<String> {
    let mut failures: Vec<String> = Vec::new();
    for (format, url) in attempts {
        match update_one(client, store, official, *format, url) {
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
) -> Result<String> {
    let resolved;
    let url = match official.link_pattern.filter(|_| format == official.format) {
        Some((prefix, extension)) => {
            let page = download(client, url)?;
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
    let (list, parts) = if format == Format::OfacCsv {
        let base = if url.ends_with('/') {
            url.to_string()
        } else {
            format!("{url}/")
        };
        let mut files = Vec::new();
        for (index, name) in OFAC_FILES.iter().enumerate() {
            let upper = format!("{base}{name}");
            let lower = format!("{base}{}", name.to_lowercase());
            let body = download(client, &upper).or_else(|_| download(client, &lower));
            match body {
                Ok(body) => files.push(body),
                // Only the main file is required; comments may be absent.
                Err(error) if index == 0 => return Err(error),
                Err(_) => files.push(Vec::new()),
            }
        }
        if let Some(what) = files.first().and_then(|main| not_a_list(main)) {
            bail!("{base}SDN.CSV answered with {what}, not the ofac-csv file");
        }
        let opt = |i: usize| Some(files[i].as_slice()).filter(|b| !b.is_empty());
        let list = cordon_lists::ofac::read_csv_set(&files[0], opt(1), opt(2), opt(3))?;
        (list, files)
    } else {
        let body = download(client, url)?;
        if let Some(what) = not_a_list(&body) {
            bail!("{url} answered with {what}, not the {format} file");
        }
        let served = cordon_lists::detect(&body)?;
        if served != format {
            bail!("{url} served {served}, expected {format}");
        }
        (cordon_lists::read_bytes(format, &body)?, vec![body])
    };
    verify(store, official, &list)?;
    let hash = content_hash(&parts);
    let new = NewVersion {
        list: &list,
        hash: &hash,
        origin: url,
    };
    let imported = import_list(store, new, DEFAULT_THRESHOLD, &crate::local_caller())?;
    crate::store_open::report_rescreen(&imported);
    Ok(if imported.created {
        format!(
            "imported {} ({} entities)",
            imported.version.label(),
            list.entities.len()
        )
    } else {
        format!("unchanged ({})", imported.version.label())
    })
}

/// The content hash of a download: of the file, or of the OFAC CSV set's
/// manifest under the files' names in lowercase (see [`ContentHash`]), as a
/// folder on disk gets.
fn content_hash(parts: &[Vec<u8>]) -> ContentHash {
    if let [single] = parts {
        return ContentHash::of_bytes(single);
    }
    let names = OFAC_FILES.iter().map(|name| name.to_lowercase());
    let named: Vec<(String, &[u8])> = names
        .zip(parts)
        .filter(|(_, bytes)| !bytes.is_empty())
        .map(|(name, bytes)| (name, bytes.as_slice()))
        .collect();
    ContentHash::of_files(named.iter().map(|(n, b)| (n.as_str(), *b)))
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

fn download(client: &reqwest::blocking::Client, url: &str) -> Result<Vec<u8>> {
    let response = client.get(url).send()?;
    let status = response.status();
    if !status.is_success() {
        bail!("{url}: HTTP {status}");
    }
    if response
        .content_length()
        .is_some_and(|n| n > MAX_DOWNLOAD_BYTES)
    {
        bail!("{url}: larger than {MAX_DOWNLOAD_BYTES} bytes");
    }
    let mut body = Vec::new();
    response
        .take(MAX_DOWNLOAD_BYTES + 1)
        .read_to_end(&mut body)?;
    if body.len() as u64 > MAX_DOWNLOAD_BYTES {
        bail!("{url}: larger than {MAX_DOWNLOAD_BYTES} bytes");
    }
    Ok(body)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn official(source: &str) -> &'static Official {
        OFFICIAL.iter().find(|o| o.source == source).unwrap()
    }

    #[test]
    fn ofac_tries_the_advanced_xml_then_the_legacy_csv_set() {
        let plan = attempts(official("ofac"), None);
        let formats: Vec<Format> = plan.iter().map(|(f, _)| *f).collect();
        assert_eq!(formats, [Format::OfacAdvanced, Format::OfacCsv]);
        assert!(plan[0].1.ends_with("/SDN_ADVANCED.XML"), "{}", plan[0].1);
        assert!(plan[1].1.ends_with("/exports/"), "{}", plan[1].1);
        // An address given on the command line is the only one tried; a
        // folder means the CSV set.
        let chosen = attempts(official("ofac"), Some("https://mirror/ofac/"));
        assert_eq!(
            chosen,
            [(Format::OfacCsv, "https://mirror/ofac/".to_string())]
        );
        let chosen = attempts(official("ofac"), Some("https://mirror/sdn_advanced.xml"));
        assert_eq!(chosen[0].0, Format::OfacAdvanced);
        assert_eq!(chosen.len(), 1);
        // A trailing slash means nothing special for a list without a CSV set.
        assert_eq!(attempts(official("un"), Some("https://m/")).len(), 1);
        assert_eq!(
            attempts(official("un"), Some("https://m/"))[0].0,
            Format::UnXml
        );
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
