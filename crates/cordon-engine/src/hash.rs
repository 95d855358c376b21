//! The one content hash of a list as published.
//!
//! A single file (an upload, a download, a file on disk) hashes to the
//! SHA-256 of its bytes, in lowercase hex: exactly what `sha256sum FILE`
//! prints, so the hash `cordon lists show --json` reports can be checked by
//! anyone. A set of files read together (an OFAC legacy CSV folder) hashes to
//! the SHA-256 of its manifest: one line `HASH  NAME\n` per file, sorted by
//! name (the caller gives the names; the command line uses the file names in
//! lowercase, so a folder and a download of the same set agree) — what
//! `sha256sum` prints for the files in name order — so
//! `cd DIR && sha256sum $(printf '%s\n' sdn.csv add.csv alt.csv sdn_comments.csv | sort) | sha256sum`
//! gives it back.

use sha2::{Digest, Sha256};
use std::fmt;

/// SHA-256 of a list's content, lowercase hex (64 characters).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ContentHash(String);

impl ContentHash {
    /// The hash of one file's bytes.
    pub fn of_bytes(bytes: &[u8]) -> ContentHash {
        ContentHash(hex::encode(Sha256::digest(bytes)))
    }

    /// The hash of a set of files, each given by its file name and bytes:
    /// the SHA-256 of the `sha256sum` manifest of the files sorted by name.
    pub fn of_files<'a>(files: impl IntoIterator<Item = (&'a str, &'a [u8])>) -> ContentHash {
        let mut lines: Vec<(String, String)> = files
            .into_iter()
            .map(|(name, bytes)| (name.to_string(), ContentHash::of_bytes(bytes).0))
            .collect();
        lines.sort();
        let manifest: String = lines
            .iter()
            .map(|(name, hash)| format!("{hash}  {name}\n"))
            .collect();
        ContentHash::of_bytes(manifest.as_bytes())
    }

    /// The hash of one file read as a stream (the same value as
    /// [`ContentHash::of_bytes`] over its whole content), for lists too large
    /// to hold in memory next to their parsed form.
    pub fn of_reader(mut reader: impl std::io::Read) -> std::io::Result<ContentHash> {
        let mut hasher = Sha256::new();
        let mut buffer = vec![0u8; 64 * 1024];
        loop {
            let read = reader.read(&mut buffer)?;
            if read == 0 {
                break;
            }
            hasher.update(buffer.get(..read).unwrap_or(&[]));
        }
        Ok(ContentHash(hex::encode(hasher.finalize())))
    }

    /// The hex text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ContentHash {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_stream_hashes_as_its_bytes() {
        let bytes: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
        assert_eq!(
            ContentHash::of_reader(bytes.as_slice()).unwrap(),
            ContentHash::of_bytes(&bytes)
        );
    }

    #[test]
    fn one_file_hashes_as_sha256sum_prints_it() {
        // `printf 'abc' | sha256sum`
        assert_eq!(
            ContentHash::of_bytes(b"abc").as_str(),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn a_set_hashes_its_sorted_manifest_whatever_the_order_given() {
        let a = ContentHash::of_files([("sdn.csv", &b"1"[..]), ("add.csv", &b"2"[..])]);
        let b = ContentHash::of_files([("add.csv", &b"2"[..]), ("sdn.csv", &b"1"[..])]);
        assert_eq!(a, b);
        let manifest = format!(
            "{}  add.csv\n{}  sdn.csv\n",
            ContentHash::of_bytes(b"2"),
            ContentHash::of_bytes(b"1")
        );
        assert_eq!(a, ContentHash::of_bytes(manifest.as_bytes()));
        // Moving bytes between files changes the hash.
        let moved = ContentHash::of_files([("sdn.csv", &b"12"[..]), ("add.csv", &b""[..])]);
        assert_ne!(a, moved);
    }
}
