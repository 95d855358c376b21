//! A publication directory (PUBDIR) on disk: what `cordon exchange publish`
//! writes and `verify` checks. Layout:
//!
//! ```text
//! PUBDIR/checkpoint.json            the latest signed checkpoint (written last)
//! PUBDIR/log/000001.json            manifest of publication 1 (leaf 1 of the Merkle tree)
//! PUBDIR/log/000001.checkpoint.json the checkpoint signed with publication 1
//! PUBDIR/data/000001-NAME           the list as published (snapshot)
//! PUBDIR/data/000002.delta.json     what changed since publication 1
//! PUBDIR/keys/KEYID.json            public key of each key that signed
//! PUBDIR/keys/rotation-KEYID.json   the old key's statement handing over to KEYID
//! ```
//!
//! Fetching is copying the directory (a path, a mount, rsync, a web server's
//! folder); nothing in it is trusted until [`verify`] has checked it against
//! a key the member holds.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::keys::{PublicKey, PublisherKey, Rotation};
use crate::log::{checkpoint_name, manifest_name, Checkpoint, FileRef, Manifest, MANIFEST_FORMAT};
use crate::merkle::{self, Hash};
use crate::{Error, Result};

/// What [`verify`] established.
#[derive(Debug, Clone)]
pub struct Verified {
    /// The signed head of the log.
    pub checkpoint: Checkpoint,
    /// Every publication, in order.
    pub manifests: Vec<Manifest>,
    /// The key chain from the trusted key to the head's key (rotations followed).
    pub keys: Vec<PublicKey>,
    /// The Merkle leaf hash of each manifest, in order.
    pub leaves: Vec<Hash>,
}

impl Verified {
    /// The latest publication.
    pub fn latest(&self) -> Option<&Manifest> {
        self.manifests.last()
    }

    /// The leaf hash of publication `seq` and its RFC 6962 inclusion proof
    /// in the signed head: with the head's checkpoint, anyone can later check
    /// that this publication was in the log (an audit entry keeps both).
    pub fn inclusion(&self, seq: u64) -> Option<(Hash, Vec<Hash>)> {
        let index = usize::try_from(seq.checked_sub(1)?).ok()?;
        let leaf = *self.leaves.get(index)?;
        Some((leaf, merkle::inclusion_proof(&self.leaves, index)?))
    }
}

fn read(path: &Path) -> Result<Vec<u8>> {
    std::fs::read(path).map_err(|source| Error::Io {
        path: path.display().to_string(),
        source,
    })
}

/// Writes a file through a temporary name and a rename, so a reader never
/// sees half a file.
fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    let temporary = path.with_extension("partial");
    std::fs::write(&temporary, bytes)
        .and_then(|()| std::fs::rename(&temporary, path))
        .map_err(|source| Error::Io {
            path: path.display().to_string(),
            source,
        })
}

fn create_dir(path: &Path) -> Result<()> {
    std::fs::create_dir_all(path).map_err(|source| Error::Io {
        path: path.display().to_string(),
        source,
    })
}

fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

fn fault(message: impl Into<String>) -> Error {
    Error::Verification(message.into())
}

/// The file names in `dir` (empty when it does not exist).
fn file_names(dir: &Path) -> Result<Vec<String>> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(source) => {
            return Err(Error::Io {
                path: dir.display().to_string(),
                source,
            })
        }
    };
    let mut names = Vec::new();
    for entry in entries {
        let entry = entry.map_err(|source| Error::Io {
            path: dir.display().to_string(),
            source,
        })?;
        names.push(entry.file_name().to_string_lossy().into_owned());
    }
    names.sort();
    Ok(names)
}

/// The rotation statements in `PUBDIR/keys`, by the key they hand over from.
fn rotations(dir: &Path) -> Result<BTreeMap<String, (String, Rotation)>> {
    let keys = dir.join("keys");
    let mut by_old = BTreeMap::new();
    for name in file_names(&keys)? {
        if !name.starts_with("rotation-") {
            continue;
        }
        let origin = format!("keys/{name}");
        let rotation = Rotation::from_json(&read(&keys.join(&name))?, &origin)?;
        by_old.insert(rotation.old_key_id.clone(), (origin, rotation));
    }
    Ok(by_old)
}

/// The chain of keys a member trusting `trusted` accepts, oldest first, and
/// the trusted key's place in it. Forward: every rotation signed by the
/// latest key so far. Backward: the keys that handed over to the trusted
/// one, accepted for history only (the head must be signed by the trusted
/// key or a successor, and its root covers every older leaf).
fn key_chain(dir: &Path, trusted: &PublicKey) -> Result<(Vec<PublicKey>, usize)> {
    let rotations = rotations(dir)?;
    let mut chain = vec![trusted.clone()];
    while let Some((origin, rotation)) = chain.last().and_then(|k| rotations.get(&k.key_id)) {
        let Some(current) = chain.last() else { break };
        let next = rotation
            .verify(current, origin)
            .map_err(|e| fault(format!("{origin}: the key rotation does not verify: {e}")))?;
        if chain.iter().any(|k| k.key_id == next.key_id) {
            return Err(fault(format!("{origin}: the key rotations form a loop")));
        }
        chain.push(next);
    }
    let mut trusted_at = 0;
    while let Some(first) = chain.first() {
        let predecessor = rotations
            .values()
            .find(|(_, r)| r.new_key_id == first.key_id);
        let Some((origin, rotation)) = predecessor else {
            break;
        };
        let old = PublicKey {
            format: crate::keys::PUBLIC_KEY_FORMAT.into(),
            key_id: rotation.old_key_id.clone(),
            public_key: rotation.old_public_key.clone(),
        };
        if chain.iter().any(|k| k.key_id == old.key_id) {
            return Err(fault(format!("{origin}: the key rotations form a loop")));
        }
        let new = rotation
            .verify(&old, origin)
            .map_err(|e| fault(format!("{origin}: the key rotation does not verify: {e}")))?;
        if new != *first {
            return Err(fault(format!(
                "{origin}: hands over to a different public key than {}",
                first.key_id
            )));
        }
        chain.insert(0, old);
        trusted_at += 1;
    }
    Ok((chain, trusted_at))
}

/// Where `key_id` stands in the chain, or the fault of an untrusted key.
fn generation(chain: &[PublicKey], key_id: &str, what: &str) -> Result<usize> {
    chain.iter().position(|k| k.key_id == key_id).ok_or_else(|| {
        let trusted = chain.first().map(|k| k.key_id.as_str()).unwrap_or("");
        fault(format!(
            "{what} is signed by key {key_id}, which is not the trusted key {trusted} nor a rotation signed by it (wrong key)"
        ))
    })
}

/// Checks a publication directory against a trusted key and, when given, a
/// checkpoint seen before (which must be a prefix of this log: anything
/// else is a rolled-back or forked log). Every fault is an
/// [`Error::Verification`] naming the file and what is wrong.
pub fn verify(dir: &Path, trusted: &PublicKey, seen: Option<&Checkpoint>) -> Result<Verified> {
    if !dir.is_dir() {
        return Err(Error::invalid(
            &dir.display().to_string(),
            "not a directory",
        ));
    }
    let (chain, trusted_at) = key_chain(dir, trusted)?;
    let head_path = dir.join("checkpoint.json");
    if !head_path.exists() {
        return Err(fault(
            "checkpoint.json is missing: nothing in this directory is signed",
        ));
    }
    let head = Checkpoint::from_json(&read(&head_path)?, "checkpoint.json")
        .map_err(|e| fault(e.to_string()))?;
    let head_generation = generation(&chain, &head.key_id, "checkpoint.json")?;
    if head_generation < trusted_at {
        return Err(fault(format!(
            "checkpoint.json is signed by key {}, which handed over to the trusted key {} (rotated-out key)",
            head.key_id, trusted.key_id
        )));
    }
    if !head.signed_by(&chain[head_generation]) {
        return Err(fault(format!(
            "checkpoint.json: the signature does not verify under key {} (changed or forged)",
            head.key_id
        )));
    }
    let manifests = read_manifests(dir, head.size)?;
    let leaves = check_manifests(dir, &manifests, &chain)?;
    let head_root = head
        .root_hash()
        .ok_or_else(|| fault("checkpoint.json: root is not 32 bytes of hex"))?;
    if merkle::root(&leaves) != head_root {
        return Err(fault(explain_root_mismatch(dir, &leaves, &chain)));
    }
    check_history(dir, &leaves, &head_root, &chain)?;
    check_files(dir, &manifests)?;
    if let Some(seen) = seen {
        check_not_rolled_back(seen, &head, &leaves, &chain)?;
    }
    let keys = chain[..=head_generation].to_vec();
    Ok(Verified {
        checkpoint: head,
        manifests: manifests.into_iter().map(|(_, m, _)| m).collect(),
        keys,
        leaves,
    })
}

/// Reads `log/000001.json`...: exactly `size` of them, in order.
fn read_manifests(dir: &Path, size: u64) -> Result<Vec<(String, Manifest, Vec<u8>)>> {
    let log = dir.join("log");
    let present: Vec<String> = file_names(&log)?
        .into_iter()
        .filter(|n| n.ends_with(".json") && !n.ends_with(".checkpoint.json"))
        .collect();
    let mut manifests = Vec::new();
    for seq in 1..=size {
        let name = manifest_name(seq);
        if !present.contains(&name) {
            return Err(fault(format!(
                "publication {seq} (log/{name}) is missing: the signed checkpoint covers {size} publications (removed publication)"
            )));
        }
        let origin = format!("log/{name}");
        let bytes = read(&log.join(&name))?;
        let manifest = Manifest::from_json(&bytes, &origin)
            .map_err(|e| fault(format!("{e} (changed manifest)")))?;
        if manifest.seq != seq {
            return Err(fault(format!(
                "{origin} holds publication {} where publication {seq} belongs (reordered publications)",
                manifest.seq
            )));
        }
        manifests.push((origin, manifest, bytes));
    }
    if let Some(extra) = present
        .iter()
        .find(|n| !(1..=size).any(|s| manifest_name(s) == **n))
    {
        return Err(fault(format!(
            "log/{extra} is not covered by the signed checkpoint of {size} publications (added without a signature)"
        )));
    }
    Ok(manifests)
}

/// Checks order, dates and keys of the manifests; returns their leaf hashes.
fn check_manifests(
    dir: &Path,
    manifests: &[(String, Manifest, Vec<u8>)],
    chain: &[PublicKey],
) -> Result<Vec<Hash>> {
    let _ = dir;
    let mut leaves = Vec::with_capacity(manifests.len());
    let mut previous: Option<(&str, usize)> = None;
    for (origin, manifest, bytes) in manifests {
        let key_generation = generation(chain, &manifest.key_id, origin)?;
        if let Some((previous_at, previous_generation)) = previous {
            if manifest.published_at.as_str() < previous_at {
                return Err(fault(format!(
                    "{origin}: published_at {} is earlier than the previous publication's {previous_at} (back-dated)",
                    manifest.published_at
                )));
            }
            if key_generation < previous_generation {
                return Err(fault(format!(
                    "{origin}: signed by key {}, which was already rotated out",
                    manifest.key_id
                )));
            }
        }
        previous = Some((manifest.published_at.as_str(), key_generation));
        leaves.push(merkle::leaf_hash(bytes));
    }
    Ok(leaves)
}

/// When the head's root disagrees, names the first publication whose own
/// signed checkpoint no longer matches the manifests before it.
fn explain_root_mismatch(dir: &Path, leaves: &[Hash], chain: &[PublicKey]) -> String {
    for size in 1..=leaves.len() {
        let name = checkpoint_name(size as u64);
        let Ok(bytes) = std::fs::read(dir.join("log").join(&name)) else {
            continue;
        };
        let Ok(checkpoint) = Checkpoint::from_json(&bytes, &name) else {
            continue;
        };
        let signed = chain.iter().any(|k| checkpoint.signed_by(k));
        if signed && checkpoint.root_hash() != Some(merkle::root(&leaves[..size])) {
            return format!(
                "log/{}: the manifest was changed after it was signed (the log's root of {size} publications differs from log/{name})",
                manifest_name(size as u64)
            );
        }
    }
    "the Merkle root of log/ differs from checkpoint.json: a manifest was changed after it was signed".into()
}

/// Each publication's own checkpoint must be signed and a prefix of the head
/// (checked with an RFC 6962 consistency proof): a log rewritten behind the
/// head fails here.
fn check_history(dir: &Path, leaves: &[Hash], head_root: &Hash, chain: &[PublicKey]) -> Result<()> {
    let n = leaves.len();
    for size in 1..=n {
        let name = checkpoint_name(size as u64);
        let origin = format!("log/{name}");
        let path = dir.join("log").join(&name);
        if !path.exists() {
            return Err(fault(format!("{origin} is missing (removed checkpoint)")));
        }
        let checkpoint =
            Checkpoint::from_json(&read(&path)?, &origin).map_err(|e| fault(e.to_string()))?;
        let key_generation = generation(chain, &checkpoint.key_id, &origin)?;
        if !checkpoint.signed_by(&chain[key_generation]) || checkpoint.size != size as u64 {
            return Err(fault(format!(
                "{origin}: the signature does not verify or the size is not {size} (changed)"
            )));
        }
        let old_root = checkpoint
            .root_hash()
            .ok_or_else(|| fault(format!("{origin}: root is not 32 bytes of hex")))?;
        let consistent = merkle::consistency_proof(leaves, size)
            .is_some_and(|proof| merkle::verify_consistency(size, n, &old_root, head_root, &proof));
        if !consistent {
            return Err(fault(format!("{origin}: the log of {size} publications it signed is not a prefix of the head (rewritten log)")));
        }
    }
    Ok(())
}

/// Every snapshot and delta must have the bytes its manifest names.
fn check_files(dir: &Path, manifests: &[(String, Manifest, Vec<u8>)]) -> Result<()> {
    for (origin, manifest, _) in manifests {
        let files = std::iter::once(&manifest.snapshot).chain(manifest.delta.as_ref());
        for file in files {
            check_file(dir, origin, file)?;
        }
    }
    Ok(())
}

fn check_file(dir: &Path, origin: &str, file: &FileRef) -> Result<()> {
    if file.path.contains("..") || Path::new(&file.path).is_absolute() {
        return Err(fault(format!(
            "{origin}: path {} leaves the publication directory",
            file.path
        )));
    }
    let path = dir.join(&file.path);
    if !path.exists() {
        return Err(fault(format!(
            "{}: named by {origin}, is missing",
            file.path
        )));
    }
    let bytes = read(&path)?;
    if bytes.len() as u64 != file.bytes || sha256_hex(&bytes) != file.sha256 {
        return Err(fault(format!(
            "{}: its content differs from what {origin} signed (SHA-256 {} instead of {}; changed bytes)",
            file.path,
            sha256_hex(&bytes),
            file.sha256
        )));
    }
    Ok(())
}

/// A checkpoint seen before must be signed by a trusted key and be a prefix
/// of this log.
fn check_not_rolled_back(
    seen: &Checkpoint,
    head: &Checkpoint,
    leaves: &[Hash],
    chain: &[PublicKey],
) -> Result<()> {
    if !chain.iter().any(|k| seen.signed_by(k)) {
        return Err(Error::invalid(
            "the checkpoint seen before",
            "its signature does not verify under the trusted keys",
        ));
    }
    if seen.log != head.log {
        return Err(fault(format!(
            "the log is {:?}, the checkpoint seen before is of {:?}",
            head.log, seen.log
        )));
    }
    if seen.size > head.size {
        return Err(fault(format!(
            "rolled-back log: it holds {} publications, but a checkpoint of {} signed at {} was seen before",
            head.size, seen.size, seen.at
        )));
    }
    let seen_root = seen
        .root_hash()
        .ok_or_else(|| fault("the checkpoint seen before has a malformed root"))?;
    let head_root = merkle::root(leaves);
    let size = seen.size as usize;
    let consistent = size == 0
        || merkle::consistency_proof(leaves, size).is_some_and(|proof| {
            merkle::verify_consistency(size, leaves.len(), &seen_root, &head_root, &proof)
        });
    if !consistent {
        return Err(fault(format!(
            "forked log: the checkpoint of {} publications seen before is not a prefix of this log (a different history was shown)",
            seen.size
        )));
    }
    Ok(())
}

/// A list to publish.
pub struct NewPublication<'a> {
    /// The list's file name (kept in the snapshot's name, for people).
    pub file_name: &'a str,
    /// Its bytes as the publisher holds them.
    pub list: &'a [u8],
    /// What changed since the previous publication, when there is one.
    pub delta: Option<&'a [u8]>,
    /// The log's name, used at the first publication (later ones keep the log's).
    pub log_name: &'a str,
    /// Publication time (RFC 3339 UTC).
    pub at: &'a str,
}

/// The path of the latest snapshot in a publication directory, if any (to
/// compute the next delta from). Does not verify.
pub fn latest_snapshot(dir: &Path) -> Result<Option<PathBuf>> {
    let head_path = dir.join("checkpoint.json");
    if !head_path.exists() {
        return Ok(None);
    }
    let head = Checkpoint::from_json(&read(&head_path)?, "checkpoint.json")?;
    if head.size == 0 {
        return Ok(None);
    }
    let origin = format!("log/{}", manifest_name(head.size));
    let manifest = Manifest::from_json(&read(&dir.join(&origin))?, &origin)?;
    Ok(Some(dir.join(manifest.snapshot.path)))
}

/// Appends a publication: snapshot and delta, manifest, its checkpoint and
/// then the head. The existing log must verify under the key that started it
/// (through the rotations in `keys/`), and `key` must be its current key or
/// its successor through `rotation`.
pub fn publish(
    dir: &Path,
    key: &PublisherKey,
    rotation: Option<&Rotation>,
    new: &NewPublication<'_>,
) -> Result<Checkpoint> {
    for sub in ["log", "data", "keys"] {
        create_dir(&dir.join(sub))?;
    }
    if let Some(rotation) = rotation {
        let name = format!("rotation-{}.json", rotation.new_key_id);
        let path = dir.join("keys").join(name);
        if !path.exists() {
            write_atomically(&path, &serde_json::to_vec_pretty(rotation)?)?;
        }
    }
    let public = key.public();
    write_atomically(
        &dir.join("keys").join(format!("{}.json", public.key_id)),
        &serde_json::to_vec_pretty(&public)?,
    )?;
    let (log_name, mut manifests_bytes) = existing_log(dir, &public)?;
    let log_name = log_name.unwrap_or_else(|| new.log_name.to_string());
    let seq = manifests_bytes.len() as u64 + 1;
    let snapshot = write_data(
        dir,
        &format!("{seq:06}-{}", safe_file_name(new.file_name)),
        new.list,
    )?;
    let delta = match new.delta {
        Some(delta) => Some(write_data(dir, &format!("{seq:06}.delta.json"), delta)?),
        None => None,
    };
    let manifest = Manifest {
        format: MANIFEST_FORMAT.into(),
        seq,
        published_at: new.at.into(),
        key_id: public.key_id.clone(),
        snapshot,
        delta,
    };
    let bytes = serde_json::to_vec_pretty(&manifest)?;
    write_atomically(&dir.join("log").join(manifest_name(seq)), &bytes)?;
    manifests_bytes.push(bytes);
    let leaves: Vec<Hash> = manifests_bytes
        .iter()
        .map(|b| merkle::leaf_hash(b))
        .collect();
    let checkpoint = Checkpoint::sign(key, &log_name, seq, &merkle::root(&leaves), new.at);
    let checkpoint_bytes = serde_json::to_vec_pretty(&checkpoint)?;
    write_atomically(
        &dir.join("log").join(checkpoint_name(seq)),
        &checkpoint_bytes,
    )?;
    write_atomically(&dir.join("checkpoint.json"), &checkpoint_bytes)?;
    Ok(checkpoint)
}

/// The existing log's name and manifests, after verifying it under the key
/// that started it. A publisher never extends a log it cannot vouch for.
fn existing_log(dir: &Path, current: &PublicKey) -> Result<(Option<String>, Vec<Vec<u8>>)> {
    if !dir.join("checkpoint.json").exists() {
        if !file_names(&dir.join("log"))?.is_empty() {
            return Err(Error::invalid(
                &dir.display().to_string(),
                "holds a log/ but no checkpoint.json: not a publication directory this key can extend",
            ));
        }
        return Ok((None, Vec::new()));
    }
    drop_unsigned_leftovers(dir)?;
    let first = Checkpoint::from_json(
        &read(&dir.join("log").join(checkpoint_name(1)))?,
        "log/000001.checkpoint.json",
    )?;
    let first_key_path = dir.join("keys").join(format!("{}.json", first.key_id));
    let first_key = PublicKey::from_json(
        &read(&first_key_path)?,
        &first_key_path.display().to_string(),
    )?;
    let verified = verify(dir, &first_key, None)?;
    let (chain, _) = key_chain(dir, &first_key)?;
    let head_generation = generation(&chain, &verified.checkpoint.key_id, "checkpoint.json")?;
    if !chain[head_generation..]
        .iter()
        .any(|k| k.key_id == current.key_id)
    {
        return Err(Error::invalid(
            "--key",
            format!(
                "key {} is not the log's key {} nor its successor through a rotation (make one with `keygen --rotate-from`)",
                current.key_id, verified.checkpoint.key_id
            ),
        ));
    }
    let mut manifests = Vec::new();
    for seq in 1..=verified.checkpoint.size {
        manifests.push(read(&dir.join("log").join(manifest_name(seq)))?);
    }
    Ok((Some(verified.checkpoint.log), manifests))
}

/// Removes the manifests and checkpoints past the signed head: what a
/// publication interrupted before it wrote `checkpoint.json` left behind
/// (the head is written last, so they were never published).
fn drop_unsigned_leftovers(dir: &Path) -> Result<()> {
    let head = Checkpoint::from_json(&read(&dir.join("checkpoint.json"))?, "checkpoint.json")?;
    let log = dir.join("log");
    for name in file_names(&log)? {
        let seq = name.split('.').next().and_then(|n| n.parse::<u64>().ok());
        if seq.is_some_and(|seq| seq > head.size) {
            let path = log.join(&name);
            std::fs::remove_file(&path).map_err(|source| Error::Io {
                path: path.display().to_string(),
                source,
            })?;
        }
    }
    Ok(())
}

fn write_data(dir: &Path, name: &str, bytes: &[u8]) -> Result<FileRef> {
    write_atomically(&dir.join("data").join(name), bytes)?;
    Ok(FileRef {
        path: format!("data/{name}"),
        sha256: sha256_hex(bytes),
        bytes: bytes.len() as u64,
    })
}

/// A file name reduced to letters, digits, dot, dash and underscore.
fn safe_file_name(name: &str) -> String {
    let cleaned: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect();
    if cleaned.trim_matches('.').is_empty() {
        "list".into()
    } else {
        cleaned
    }
}
