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
    /// The file's address; for the OFAC set, the folder its files are in.
    url: &'static str,
    /// Updated when no `--source` is given; the others on request.
    default: bool,
}

/// The publishers' official addresses (checked 2026-12).
const OFFICIAL: &[Official] = &[
    Official {
        source: "un",
        format: Format::UnXml,
        url: "https://scsanctions.un.org/resources/xml/en/consolidated.xml",
        default: true,
    },
    // OFAC Sanctions List Service exports; the legacy CSV set is still
    // published there next to SDN_ADVANCED.XML and SDN_ENHANCED.XML.
    Official {
        source: "ofac",
        format: Format::OfacCsv,
        url: "https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/",
        default: true,
    },
    Official {
        source: "eu",
        format: Format::EuXml,
        url: "https://webgate.ec.europa.eu/fsd/fsf/public/files/xmlFullSanctionsList_1_1/content?token=dG9rZW4tMjAxNw",
        default: true,
    },
    // The UK Sanctions List (FCDO) is the only UK list since 28 January 2026;
    // OFSI's ConList.csv is retired and would go stale without saying so.
    Official {
        source: "uk",
        format: Format::UkXml,
        url: "https://sanctionslist.fcdo.gov.uk/docs/UK-Sanctions-List.xml",
        default: true,
    },
    Official {
        source: "seco",
        format: Format::SecoXml,
        url: "https://www.sesam.search.admin.ch/sesam-search-web/pages/downloadXmlGesamtliste.xhtml?lang=en&action=downloadXmlGesamtlisteAction",
        default: false,
    },
    Official {
        source: "au_dfat",
        format: Format::AuDfatXlsx,
        url: "https://www.dfat.gov.au/sites/default/files/regulation8_consolidated.xlsx",
        default: false,
    },
    // Japan MOF publishes its workbook under a new name each release (no fixed
    // address): import it with `cordon lists import`.
    Official {
        source: "ca",
        format: Format::CanadaXml,
        url: "https://www.international.gc.ca/world-monde/assets/office_docs/international_relations-relations_internationales/sanctions/sema-lmes.xml",
        default: false,
    },
];

/// The files of an OFAC legacy CSV set, in the order `read_csv_set` takes them.
const OFAC_FILES: [&str; 4] = ["SDN.CSV", "ADD.CSV", "ALT.CSV", "SDN_COMMENTS.CSV"];

/// Options of `cordon lists update`.
#[derive(clap::Args)]
pub struct UpdateArgs {
    /// Lists to update: un, ofac, eu, uk (the default), seco, au_dfat, ca.
    #[arg(long, value_delimiter = ',', value_name = "SOURCE")]
    pub source: Vec<String>,
    /// Use another address for a list, e.g. a national mirror: `--url un=https://mirror/consolidated.xml`
    /// (for ofac, the folder holding SDN.CSV, ADD.CSV, ALT.CSV, SDN_COMMENTS.CSV).
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
        let url = overrides
            .iter()
            .find(|(s, _)| s == official.source)
            .map_or(official.url, |(_, u)| u.as_str());
        match update_one(&client, &*store, official, url) {
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

fn update_one(
    client: &reqwest::blocking::Client,
    store: &dyn cordon_server::ServerStore,
    official: &Official,
    url: &str,
) -> Result<String> {
    let (list, parts) = if official.format == Format::OfacCsv {
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
            bail!(
                "{url} answered with {what}, not the {} file",
                official.format
            );
        }
        let format = cordon_lists::detect(&body)?;
        if format != official.format {
            bail!("{url} served {format}, expected {}", official.format);
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
    store: &dyn cordon_server::ServerStore,
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
