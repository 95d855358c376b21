//! Loading lists from paths given on the command line (`PATH` or `FORMAT:PATH`,
//! a file or an OFAC CSV folder), and the embedded demo list.

use anyhow::{bail, Context, Result};
use cordon_engine::ContentHash;
use cordon_lists::{Format, ParsedList};
use std::io::Read;
use std::path::{Path, PathBuf};

use crate::InputError;

/// The demo list shipped in the binary: made-up entries in the UN XML format.
pub const DEMO_LIST: &[u8] = include_bytes!("../demo/demo_un.xml");

/// Files larger than this are refused before reading: no official list comes close.
const MAX_LIST_BYTES: u64 = 2 << 30;

/// A list read from disk, with what identifies its content.
pub struct LoadedList {
    /// The parsed list.
    pub list: ParsedList,
    /// The content hash (SHA-256 of the file; of the `sha256sum` manifest for an OFAC folder).
    pub content_hash: ContentHash,
    /// The path it came from.
    pub origin: String,
    /// The format it was read as.
    pub format: Format,
}

/// Splits `FORMAT:PATH` when the prefix names a known format.
pub fn split_spec(spec: &str) -> (Option<Format>, &str) {
    if let Some((prefix, rest)) = spec.split_once(':') {
        if let Some(format) = Format::from_name(prefix) {
            return (Some(format), rest);
        }
    }
    (None, spec)
}

/// Reads a file into memory, refusing absurd sizes.
fn read_file(path: &Path) -> Result<Vec<u8>> {
    let meta =
        std::fs::metadata(path).map_err(|e| InputError::new(format!("{}: {e}", path.display())))?;
    if meta.len() > MAX_LIST_BYTES {
        return Err(InputError::new(format!(
            "{}: {} bytes is larger than the {} byte limit for a list file",
            path.display(),
            meta.len(),
            MAX_LIST_BYTES
        ))
        .into());
    }
    std::fs::read(path).map_err(|e| InputError::new(format!("{}: {e}", path.display())).into())
}

/// The OFAC legacy CSV files of a set, found by name in a folder.
struct OfacFiles {
    sdn: PathBuf,
    add: Option<PathBuf>,
    alt: Option<PathBuf>,
    comments: Option<PathBuf>,
}

fn find_in(dir: &Path, names: &[&str]) -> Option<PathBuf> {
    names.iter().map(|n| dir.join(n)).find(|p| p.is_file())
}

fn ofac_files(dir: &Path) -> Option<OfacFiles> {
    let (sdn, prefix) = if let Some(sdn) = find_in(dir, &["sdn.csv", "SDN.CSV"]) {
        (sdn, "")
    } else {
        (find_in(dir, &["cons_prim.csv", "CONS_PRIM.CSV"])?, "cons_")
    };
    let both = |name: &str| {
        let lower = format!("{prefix}{name}");
        let upper = lower.to_uppercase();
        find_in(dir, &[&lower, &upper])
    };
    let comments = if prefix.is_empty() {
        find_in(dir, &["sdn_comments.csv", "SDN_COMMENTS.CSV"])
    } else {
        both("comments.csv")
    };
    Some(OfacFiles {
        sdn,
        add: both("add.csv"),
        alt: both("alt.csv"),
        comments,
    })
}

/// Loads one `PATH` or `FORMAT:PATH`.
pub fn load(spec: &str) -> Result<LoadedList> {
    let (forced, path) = split_spec(spec);
    let path = Path::new(path);
    if path.is_dir() {
        if forced.is_some_and(|f| f != Format::OfacCsv) {
            bail!(InputError::new(format!(
                "{}: a folder can only be an OFAC CSV set",
                path.display()
            )));
        }
        let files = ofac_files(path).ok_or_else(|| {
            InputError::new(format!(
                "{}: a folder must hold an OFAC legacy CSV set (sdn.csv, add.csv, alt.csv) or cons_prim.csv",
                path.display()
            ))
        })?;
        return load_ofac_set(files, path);
    }
    if let Some(format) = streamed_format(forced, path)? {
        return load_streamed(format, path);
    }
    let bytes = read_file(path)?;
    let format = match forced {
        Some(format) => format,
        None => cordon_lists::detect(&bytes)
            .map_err(|e| InputError::new(format!("{}: {e}", path.display())))?,
    };
    if format == Format::OfacCsv {
        if let Some(dir) = path.parent() {
            if let Some(mut files) = ofac_files(if dir.as_os_str().is_empty() {
                Path::new(".")
            } else {
                dir
            }) {
                if same_file(&files.sdn, path) {
                    files.sdn = path.to_path_buf();
                    return load_ofac_set(files, path);
                }
            }
        }
    }
    let mut list = cordon_lists::read_bytes(format, &bytes)
        .map_err(|e| InputError::new(format!("{} ({format}): {e}", path.display())))?;
    if let Some(date) = release_date(format, &path.display().to_string()) {
        list.version = Some(date);
    }
    Ok(LoadedList {
        list,
        content_hash: ContentHash::of_bytes(&bytes),
        origin: path.display().to_string(),
        format,
    })
}

/// The publication date a publisher puts in a release's file name (Japan
/// MOF's `shisantouketsu20260305.xlsx`), from a path or an address: it is
/// the list's version, where the file itself only tells the day of its
/// newest notice.
pub fn release_date(format: Format, path_or_url: &str) -> Option<String> {
    if format != Format::JpMofXlsx {
        return None;
    }
    let path = path_or_url.split(['?', '#']).next().unwrap_or(path_or_url);
    let name = path.rsplit(['/', '\\']).next().unwrap_or(path);
    cordon_lists::jp_mof::publication_date(name)
}

/// The format of a file that is read as a stream (forced, or detected from
/// its first 8 KiB), or `None` to read it whole.
fn streamed_format(forced: Option<Format>, path: &Path) -> Result<Option<Format>> {
    let format = match forced {
        Some(format) => format,
        None => {
            let mut head = Vec::with_capacity(8192);
            let file = std::fs::File::open(path)
                .map_err(|e| InputError::new(format!("{}: {e}", path.display())))?;
            file.take(8192)
                .read_to_end(&mut head)
                .map_err(|e| InputError::new(format!("{}: {e}", path.display())))?;
            match cordon_lists::detect(&head) {
                Ok(format) => format,
                Err(_) => return Ok(None),
            }
        }
    };
    Ok(cordon_lists::streams(format).then_some(format))
}

/// Reads a large XML list one record at a time; the content hash is taken in
/// a second pass over the file, so the file is never held in memory.
fn load_streamed(format: Format, path: &Path) -> Result<LoadedList> {
    let open = || {
        std::fs::File::open(path).map_err(|e| InputError::new(format!("{}: {e}", path.display())))
    };
    let reader = std::io::BufReader::with_capacity(64 * 1024, open()?);
    let list = cordon_lists::read_from(format, reader)
        .map_err(|e| InputError::new(format!("{} ({format}): {e}", path.display())))?;
    let content_hash = ContentHash::of_reader(open()?)
        .map_err(|e| InputError::new(format!("{}: {e}", path.display())))?;
    Ok(LoadedList {
        list,
        content_hash,
        origin: path.display().to_string(),
        format,
    })
}

fn same_file(a: &Path, b: &Path) -> bool {
    match (a.canonicalize(), b.canonicalize()) {
        (Ok(a), Ok(b)) => a == b,
        _ => false,
    }
}

fn load_ofac_set(files: OfacFiles, origin: &Path) -> Result<LoadedList> {
    let sdn = read_file(&files.sdn)?;
    let optional = |p: &Option<PathBuf>| -> Result<Option<Vec<u8>>> {
        p.as_deref().map(read_file).transpose()
    };
    let add = optional(&files.add)?;
    let alt = optional(&files.alt)?;
    let comments = optional(&files.comments)?;
    let list =
        cordon_lists::ofac::read_csv_set(&sdn, add.as_deref(), alt.as_deref(), comments.as_deref())
            .map_err(|e| InputError::new(format!("{} (ofac-csv): {e}", origin.display())))?;
    let named = |path: &Path, bytes: &[u8]| -> (String, Vec<u8>) {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().to_lowercase())
            .unwrap_or_default();
        (name, bytes.to_vec())
    };
    let mut parts = vec![named(&files.sdn, &sdn)];
    for (path, bytes) in [
        (&files.add, &add),
        (&files.alt, &alt),
        (&files.comments, &comments),
    ] {
        if let (Some(path), Some(bytes)) = (path, bytes) {
            parts.push(named(path, bytes));
        }
    }
    Ok(LoadedList {
        list,
        content_hash: ContentHash::of_files(parts.iter().map(|(n, b)| (n.as_str(), b.as_slice()))),
        origin: origin.display().to_string(),
        format: Format::OfacCsv,
    })
}

/// The demo list, parsed.
pub fn demo() -> Result<ParsedList> {
    let mut list = cordon_lists::un::read(DEMO_LIST).context("the embedded demo list")?;
    list.source = "demo".into();
    for entity in &mut list.entities {
        entity.designation.source = "demo".into();
        entity.id = format!("demo:{}", entity.designation.source_id);
    }
    Ok(list)
}
