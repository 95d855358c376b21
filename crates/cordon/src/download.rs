//! Downloading a list file to disk. The response body is streamed to a
//! temporary file in the data directory's `downloads/` folder, never held in
//! memory (OFAC's SDN_ADVANCED.XML is ~100 MB); its first bytes are checked
//! before the rest is written, so an error page is refused at once. The
//! temporary file is deleted when the download is dropped (any failure), and
//! moved into place with one rename when the list it holds was imported:
//! nothing half written is ever left under a real name.

use anyhow::{anyhow, bail, Context, Result};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The largest list file accepted: the biggest official list (OFAC's
/// SDN_ADVANCED.XML) is ~100 MB, so five times that is a broken or hostile
/// server, not a list.
pub const MAX_DOWNLOAD_BYTES: u64 = 512 << 20;

/// The largest page accepted when a page only links to the file (Japan
/// MOF's list page is ~60 KB of HTML).
const MAX_PAGE_BYTES: u64 = 8 << 20;

/// How many first bytes are checked before the rest is written: the same
/// head `cordon_lists::detect` looks at (its XML root and CSV header tests
/// read the first 8 KiB).
const SNIFF_BYTES: usize = 8192;

/// The name prefix of a download not yet complete and imported.
const TEMP_PREFIX: &str = ".download-";

/// A temporary download older than this was left by a process that died
/// (killed mid-download: no destructor ran). A download lasts at most
/// `--timeout` (120 s by default); a day leaves room for any timeout given,
/// so a download in progress elsewhere is never removed.
const ABANDONED_AFTER: Duration = Duration::from_secs(24 * 60 * 60);

/// A response body saved to a temporary file.
pub struct Download {
    file: tempfile::NamedTempFile,
}

impl Download {
    /// Where the body is while the download lives.
    pub fn path(&self) -> &Path {
        self.file.path()
    }

    /// The whole body (for formats read whole: workbooks, CSV).
    pub fn bytes(&self) -> Result<Vec<u8>> {
        std::fs::read(self.path()).with_context(|| format!("{}", self.path().display()))
    }

    /// Moves the file to `destination` with one rename (same folder tree,
    /// so it is atomic): a reader of `destination` sees the old file or the
    /// new one, never a part.
    pub fn keep(self, destination: &Path) -> Result<()> {
        self.file
            .persist(destination)
            .map_err(|e| anyhow!("{}: {}", destination.display(), e.error))?;
        Ok(())
    }
}

/// The folder downloads are written to (created when missing), cleared of
/// temporary files that dead processes left.
pub fn downloads_dir(data_dir: &Path) -> Result<PathBuf> {
    let dir = data_dir.join("downloads");
    std::fs::create_dir_all(&dir).with_context(|| format!("{}", dir.display()))?;
    remove_abandoned(&dir, ABANDONED_AFTER);
    Ok(dir)
}

/// Removes the temporary downloads in `dir` at least `age` old. Best effort:
/// a file that cannot be removed now is tried again at the next update.
fn remove_abandoned(dir: &Path, age: Duration) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        if !entry.file_name().to_string_lossy().starts_with(TEMP_PREFIX) {
            continue;
        }
        let abandoned = entry
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|modified| modified.elapsed().ok())
            .is_some_and(|elapsed| elapsed >= age);
        if abandoned {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

/// Downloads `url` into a temporary file in `dir`. `check` sees the first
/// bytes before anything is written and refuses a body that is not the file
/// expected; its error is given with the response's Content-Type.
pub fn fetch(
    client: &reqwest::blocking::Client,
    url: &str,
    dir: &Path,
    check: impl Fn(&[u8]) -> Result<()>,
) -> Result<Download> {
    let response = successful(client, url, MAX_DOWNLOAD_BYTES)?;
    let served_as = content_type(&response);
    let mut body = response.take(MAX_DOWNLOAD_BYTES + 1);
    let head = read_head(&mut body, SNIFF_BYTES).with_context(|| url.to_string())?;
    check(&head).map_err(|e| anyhow!("{e:#} (served as {served_as})"))?;
    let mut file = tempfile::Builder::new()
        .prefix(TEMP_PREFIX)
        .tempfile_in(dir)
        .with_context(|| format!("{}", dir.display()))?;
    file.write_all(&head)?;
    let rest = std::io::copy(&mut body, &mut file).with_context(|| url.to_string())?;
    if head.len() as u64 + rest > MAX_DOWNLOAD_BYTES {
        bail!("{url}: larger than {MAX_DOWNLOAD_BYTES} bytes");
    }
    file.as_file().sync_all()?;
    Ok(Download { file })
}

/// Downloads a small page (one that links to the list file) into memory.
pub fn fetch_page(client: &reqwest::blocking::Client, url: &str) -> Result<Vec<u8>> {
    let response = successful(client, url, MAX_PAGE_BYTES)?;
    let mut body = Vec::new();
    response.take(MAX_PAGE_BYTES + 1).read_to_end(&mut body)?;
    if body.len() as u64 > MAX_PAGE_BYTES {
        bail!("{url}: a page larger than {MAX_PAGE_BYTES} bytes");
    }
    Ok(body)
}

/// Sends the request; a status other than success, or a declared length
/// over `limit`, is an error naming the address.
fn successful(
    client: &reqwest::blocking::Client,
    url: &str,
    limit: u64,
) -> Result<reqwest::blocking::Response> {
    let response = client.get(url).send()?;
    let status = response.status();
    if !status.is_success() {
        bail!(
            "{url}: HTTP {status} (served as {})",
            content_type(&response)
        );
    }
    if response.content_length().is_some_and(|n| n > limit) {
        bail!("{url}: larger than {limit} bytes");
    }
    Ok(response)
}

fn content_type(response: &reqwest::blocking::Response) -> String {
    response
        .headers()
        .get(reqwest::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("no Content-Type")
        .to_string()
}

/// Reads up to `limit` bytes (fewer only at the end of the body).
fn read_head(body: &mut impl Read, limit: usize) -> std::io::Result<Vec<u8>> {
    let mut head = Vec::with_capacity(limit);
    body.take(limit as u64).read_to_end(&mut head)?;
    Ok(head)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_head_is_the_first_bytes_and_no_more() {
        let body = vec![7u8; SNIFF_BYTES * 2 + 3];
        let mut reader = body.as_slice();
        let head = read_head(&mut reader, SNIFF_BYTES).unwrap();
        assert_eq!(head.len(), SNIFF_BYTES);
        assert_eq!(reader.len(), SNIFF_BYTES + 3);
        let mut short: &[u8] = b"abc";
        assert_eq!(read_head(&mut short, SNIFF_BYTES).unwrap(), b"abc");
    }

    #[test]
    fn only_temporary_downloads_of_the_age_are_removed() {
        let dir = tempfile::tempdir().unwrap();
        let left = dir.path().join(".download-abc123");
        let kept = dir.path().join("ofac");
        std::fs::write(&left, "half").unwrap();
        std::fs::create_dir(&kept).unwrap();
        // Younger than a day: a download in progress, left alone.
        remove_abandoned(dir.path(), ABANDONED_AFTER);
        assert!(left.exists());
        remove_abandoned(dir.path(), Duration::ZERO);
        assert!(!left.exists());
        assert!(kept.exists());
    }

    #[test]
    fn a_download_dropped_leaves_nothing_and_one_kept_is_whole() {
        let dir = tempfile::tempdir().unwrap();
        let make = |text: &str| {
            let mut file = tempfile::Builder::new()
                .prefix(TEMP_PREFIX)
                .tempfile_in(dir.path())
                .unwrap();
            file.write_all(text.as_bytes()).unwrap();
            Download { file }
        };
        drop(make("failed"));
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
        let kept = dir.path().join("un.xml");
        make("good").keep(&kept).unwrap();
        assert_eq!(std::fs::read_to_string(&kept).unwrap(), "good");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
    }
}
