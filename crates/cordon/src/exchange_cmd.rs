//! `cordon exchange ...`: signed list publications between FIUs (keygen,
//! publish, verify; `lists import PUBDIR --trust` lands here too) and the
//! private subject query (serve, query). The protocol and every check live in
//! `cordon-exchange`; this module reads files, opens sockets and writes the
//! audit entries.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anyhow::{Context, Result};
use clap::Subcommand;
use cordon_exchange::keys::{PublicKey, PublisherKey, Rotation};
use cordon_exchange::log::Checkpoint;
use cordon_exchange::match_keys::Subject;
use cordon_exchange::oprf::{self, Holder, RateLimit, Reply};
use cordon_exchange::pubdir::{self, NewPublication};
use cordon_store::audit::NewAuditEntry;
use serde::Deserialize;
use serde_json::json;

use crate::store_open::{open_store_settled, AnyStore};
use crate::{tabular, Finding, InputError};

mod tls;
use tls::Connection;

/// The `exchange` subcommands.
#[derive(Subcommand)]
pub enum ExchangeCommand {
    /// Create a publisher key (ed25519): DIR/secret.json (keep it private) and DIR/public.json (give it to members).
    Keygen {
        /// Directory to create the key in (must not hold one).
        #[arg(long)]
        out: PathBuf,
        /// Rotate: the key in this directory signs the new key's rotation statement.
        #[arg(long, value_name = "OLDDIR")]
        rotate_from: Option<PathBuf>,
    },
    /// Publish a list as the next signed snapshot (and delta) of a publication directory.
    Publish {
        /// The publisher key directory (from `keygen`).
        #[arg(long)]
        key: PathBuf,
        /// The list to publish (FollowTheMoney JSON, CSV, or any format `lists inspect` reads).
        #[arg(long)]
        list: String,
        /// The publication directory (created at the first publication).
        #[arg(long)]
        out: PathBuf,
        /// The log's name, fixed at the first publication.
        #[arg(long, default_value = "cordon-national-list")]
        name: String,
    },
    /// Verify a publication directory against a trusted public key (exit 1 naming the fault).
    Verify {
        /// The publication directory.
        pubdir: PathBuf,
        /// The publisher's public key file (public.json), as the trust store holds it.
        #[arg(long)]
        trust: PathBuf,
        /// A checkpoint seen before (from another member, or an earlier fetch): the log must extend it.
        #[arg(long)]
        seen: Option<PathBuf>,
        /// JSON output.
        #[arg(long)]
        json: bool,
    },
    /// Answer private subject queries (OPRF) about the subjects in FILE.
    Serve {
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1:7741")]
        listen: String,
        /// The subjects held (CSV `id,name[,dob][,country][,document]` or JSON lines).
        #[arg(long)]
        subjects: PathBuf,
        /// Match keys one asker may have evaluated per hour.
        #[arg(long, default_value_t = 50_000)]
        max_keys_per_hour: usize,
        /// Stop after answering this many queries (for tests and one-off exchanges).
        #[arg(long)]
        max_queries: Option<usize>,
        /// Serve over TLS with this PEM certificate (chain); needs --tls-key.
        #[arg(long, requires = "tls_key")]
        tls_cert: Option<PathBuf>,
        /// The PEM private key of --tls-cert.
        #[arg(long, requires = "tls_cert")]
        tls_key: Option<PathBuf>,
        /// Mutual TLS: answer only askers whose client certificate chains to
        /// the CA certificates in this PEM file (needs --tls-cert).
        #[arg(long, requires = "tls_cert")]
        client_ca: Option<PathBuf>,
    },
    /// Ask a peer which of the subjects in FILE it holds; one JSON line per subject.
    Query {
        /// The peer's address (`host:port`, `tcp://host:port`, or `tls://host:port` with --peer-ca).
        #[arg(long)]
        peer: String,
        /// Speak TLS and trust only the certificates in this PEM file (the
        /// peer's CA, or its self-signed certificate) for the peer's host name.
        #[arg(long)]
        peer_ca: Option<PathBuf>,
        /// The asker's PEM client certificate, for a holder that requires
        /// mutual TLS (needs --peer-ca and --tls-key).
        #[arg(long, requires_all = ["tls_key", "peer_ca"])]
        tls_cert: Option<PathBuf>,
        /// The PEM private key of --tls-cert.
        #[arg(long, requires = "tls_cert")]
        tls_key: Option<PathBuf>,
        /// The subjects to ask about (CSV or JSON lines, as for `serve`).
        #[arg(long)]
        subjects: PathBuf,
        /// JSON lines output (`{"id", "known", "keys"}`).
        #[arg(long)]
        json: bool,
    },
}

/// Runs an `exchange` subcommand.
pub fn run(command: ExchangeCommand, data_dir: &Path) -> Result<()> {
    match command {
        ExchangeCommand::Keygen { out, rotate_from } => keygen(&out, rotate_from.as_deref()),
        ExchangeCommand::Publish {
            key,
            list,
            out,
            name,
        } => publish(&key, &list, &out, &name),
        ExchangeCommand::Verify {
            pubdir,
            trust,
            seen,
            json,
        } => verify(&pubdir, &trust, seen.as_deref(), json),
        ExchangeCommand::Serve {
            listen,
            subjects,
            max_keys_per_hour,
            max_queries,
            tls_cert,
            tls_key,
            client_ca,
        } => {
            let tls = match (tls_cert, tls_key) {
                (Some(cert), Some(key)) => {
                    let identity = tls::Identity {
                        cert: &cert,
                        key: &key,
                    };
                    Some(tls::server_config(&identity, client_ca.as_deref())?)
                }
                _ => None,
            };
            let limits = ServeLimits {
                max_keys_per_hour,
                max_queries,
            };
            serve(&listen, &subjects, limits, tls, data_dir)
        }
        ExchangeCommand::Query {
            peer,
            peer_ca,
            tls_cert,
            tls_key,
            subjects,
            json,
        } => {
            let identity = tls_cert
                .as_deref()
                .zip(tls_key.as_deref())
                .map(|(cert, key)| tls::Identity { cert, key });
            let peer = Peer {
                address: &peer,
                ca: peer_ca.as_deref(),
                identity,
            };
            query(&peer, &subjects, json, data_dir)
        }
    }
}

/// Maps the exchange crate's errors to exit codes: a publication that does
/// not verify is a finding (1), bad files are bad input (2).
fn exchange_error(error: cordon_exchange::Error) -> anyhow::Error {
    match error {
        cordon_exchange::Error::Verification(message) => {
            Finding(format!("verification failed: {message}")).into()
        }
        cordon_exchange::Error::Random(_) | cordon_exchange::Error::Json(_) => {
            anyhow::Error::new(error)
        }
        other => InputError::new(other.to_string()).into(),
    }
}

fn read_file(path: &Path) -> Result<Vec<u8>> {
    std::fs::read(path).map_err(|e| InputError::new(format!("{}: {e}", path.display())).into())
}

fn now_rfc3339() -> Result<String> {
    Ok(time::OffsetDateTime::now_utc().format(&time::format_description::well_known::Rfc3339)?)
}

/// Writes the secret key readable by its owner only.
fn write_secret(path: &Path, bytes: &[u8]) -> Result<()> {
    crate::secret_file::write_new_secret(path, bytes)
        .with_context(|| format!("creating {}", path.display()))
}

fn load_key(dir: &Path) -> Result<(PublisherKey, Option<Rotation>)> {
    let secret_path = dir.join("secret.json");
    let key = PublisherKey::from_secret_json(
        &read_file(&secret_path)?,
        &secret_path.display().to_string(),
    )
    .map_err(exchange_error)?;
    let rotation_path = dir.join("rotation.json");
    let rotation = if rotation_path.exists() {
        let bytes = read_file(&rotation_path)?;
        let origin = rotation_path.display().to_string();
        Some(Rotation::from_json(&bytes, &origin).map_err(exchange_error)?)
    } else {
        None
    };
    Ok((key, rotation))
}

fn keygen(out: &Path, rotate_from: Option<&Path>) -> Result<()> {
    if out.join("secret.json").exists() {
        return Err(InputError::new(format!(
            "{}: already holds a key (secret.json)",
            out.display()
        ))
        .into());
    }
    let old = rotate_from.map(load_key).transpose()?;
    std::fs::create_dir_all(out).with_context(|| format!("creating {}", out.display()))?;
    let key = PublisherKey::generate().map_err(exchange_error)?;
    write_secret(
        &out.join("secret.json"),
        &key.to_secret_json().map_err(exchange_error)?,
    )?;
    std::fs::write(
        out.join("public.json"),
        serde_json::to_vec_pretty(&key.public())?,
    )
    .with_context(|| format!("writing {}", out.join("public.json").display()))?;
    if let Some((old, _)) = old {
        let rotation = old.rotate_to(&key.public(), &now_rfc3339()?);
        std::fs::write(
            out.join("rotation.json"),
            serde_json::to_vec_pretty(&rotation)?,
        )?;
        outln!(
            "rotated key {} -> {} (rotation.json signed by the old key)",
            old.id(),
            key.id()
        );
    }
    outln!(
        "key {} in {} (give public.json to the members; keep secret.json)",
        key.id(),
        out.display()
    );
    Ok(())
}

fn publish(key_dir: &Path, list: &str, out: &Path, log_name: &str) -> Result<()> {
    let (key, rotation) = load_key(key_dir)?;
    let loaded = crate::sources::load(list)?;
    let (_, path) = crate::sources::split_spec(list);
    let path = Path::new(path);
    if path.is_dir() {
        return Err(InputError::new(format!("{list}: publish one list file, not a folder")).into());
    }
    let bytes = read_file(path)?;
    let delta = match pubdir::latest_snapshot(out).map_err(exchange_error)? {
        Some(previous) => {
            let previous = crate::sources::load(&previous.display().to_string())?;
            Some(serde_json::to_vec_pretty(&cordon_lists::diff(
                &previous.list,
                &loaded.list,
            ))?)
        }
        None => None,
    };
    let file_name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let at = now_rfc3339()?;
    let new = NewPublication {
        file_name: &file_name,
        list: &bytes,
        delta: delta.as_deref(),
        log_name,
        at: &at,
    };
    let checkpoint = pubdir::publish(out, &key, rotation.as_ref(), &new).map_err(exchange_error)?;
    outln!(
        "published {} as publication {} of log {:?} (root {}, key {})",
        loaded.origin,
        checkpoint.size,
        checkpoint.log,
        checkpoint.root,
        checkpoint.key_id
    );
    Ok(())
}

fn hex_of(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn load_trust(path: &Path) -> Result<PublicKey> {
    PublicKey::from_json(&read_file(path)?, &path.display().to_string()).map_err(exchange_error)
}

fn load_checkpoint(path: &Path) -> Result<Checkpoint> {
    Checkpoint::from_json(&read_file(path)?, &path.display().to_string()).map_err(exchange_error)
}

fn verify(dir: &Path, trust: &Path, seen: Option<&Path>, json: bool) -> Result<()> {
    let trusted = load_trust(trust)?;
    let seen = seen.map(load_checkpoint).transpose()?;
    let verified = pubdir::verify(dir, &trusted, seen.as_ref()).map_err(exchange_error)?;
    let head = &verified.checkpoint;
    if json {
        outln!(
            "{}",
            json!({"ok": true, "log": head.log, "size": head.size, "root": head.root, "key_id": head.key_id,
            "at": head.at, "keys": verified.keys.iter().map(|k| &k.key_id).collect::<Vec<_>>()})
        );
    } else {
        outln!(
            "verified: log {:?}, {} publications, root {}, signed by key {} at {}",
            head.log,
            head.size,
            head.root,
            head.key_id,
            head.at
        );
    }
    Ok(())
}

/// Where releases before the store table kept the last imported checkpoint
/// of a trusted publisher: read once when the store has none, so an upgrade
/// does not forget what was imported.
fn legacy_checkpoint_path(data_dir: &Path, trusted: &PublicKey) -> PathBuf {
    data_dir
        .join("exchange")
        .join(format!("{}.checkpoint.json", trusted.key_id))
}

/// The checkpoint of the last import under `trusted`: the store's
/// (`publisher_checkpoints`), else the file an older release kept.
fn last_imported_checkpoint(
    store: &AnyStore,
    data_dir: &Path,
    trusted: &PublicKey,
) -> Result<Option<Checkpoint>> {
    if let Some(kept) = store.publisher_checkpoint(&trusted.key_id)? {
        let origin = format!("the kept checkpoint of publisher key {}", trusted.key_id);
        let checkpoint = Checkpoint::from_json(kept.checkpoint.as_bytes(), &origin)
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        return Ok(Some(checkpoint));
    }
    let legacy = legacy_checkpoint_path(data_dir, trusted);
    legacy
        .exists()
        .then(|| load_checkpoint(&legacy))
        .transpose()
}

/// `cordon lists import PUBDIR... --trust PUBKEY`: verify each publication
/// directory, import its latest snapshot, and record the publisher's key
/// and checkpoint in the audit chain and the store (the next import must
/// extend it). Nothing is imported from a directory that does not verify.
pub fn import_publications(
    dirs: &[String],
    trust: &Path,
    json: bool,
    data_dir: &Path,
) -> Result<()> {
    let trusted = load_trust(trust)?;
    let store = open_store_settled(data_dir)?;
    let mut seen = last_imported_checkpoint(&store, data_dir, &trusted)?;
    let mut verified_all = Vec::new();
    for dir in dirs {
        let verified =
            pubdir::verify(Path::new(dir), &trusted, seen.as_ref()).map_err(exchange_error)?;
        let latest = verified
            .latest()
            .ok_or_else(|| Finding(format!("{dir}: the log holds no publication")))?;
        let snapshot = Path::new(dir).join(&latest.snapshot.path);
        let loaded = crate::sources::load(&snapshot.display().to_string())?;
        seen = Some(verified.checkpoint.clone());
        verified_all.push((dir, verified, loaded));
    }
    let caller = crate::local_caller();
    for (dir, verified, loaded) in &verified_all {
        let head = &verified.checkpoint;
        // Kept before the import: a log once verified may never be rolled back,
        // even when this import fails half-way and is run again.
        keep_checkpoint(&store, &trusted, head)?;
        let origin = format!("exchange:{dir}#{} (key {})", head.size, head.key_id);
        let new = cordon_engine::lists::NewVersion {
            list: &loaded.list,
            hash: &loaded.content_hash,
            origin: &origin,
        };
        let imported = cordon_engine::lists::import_list(
            &*store,
            new,
            cordon_match::DEFAULT_THRESHOLD,
            &caller,
        )?;
        crate::store_open::report_rescreen(&imported);
        let (leaf, proof) = verified.inclusion(head.size).ok_or_else(|| {
            Finding(format!(
                "{dir}: no publication {} in the verified log",
                head.size
            ))
        })?;
        store.append_audit(&NewAuditEntry {
            kind: "exchange_list_imported".into(),
            caller: caller.clone(),
            payload: json!({
                "publication_dir": dir,
                "trusted_key_id": trusted.key_id,
                "publisher_key_id": head.key_id,
                "checkpoint": head,
                "publication": head.size,
                "leaf_hash": hex_of(&leaf),
                "inclusion_proof": proof.iter().map(|h| hex_of(h)).collect::<Vec<_>>(),
                "version_id": imported.version.id,
                "created": imported.created,
            }),
        })?;
        if json {
            outln!(
                "{}",
                json!({"created": imported.created, "version": imported.version, "checkpoint": head})
            );
        } else {
            outln!(
                "imported {} from publication {} of log {:?} (key {}, root {})",
                imported.version.label(),
                head.size,
                head.log,
                head.key_id,
                head.root
            );
        }
    }
    Ok(())
}

/// Keeps the imported head for the next import; a smaller log than the one
/// kept (another process imported a longer one meanwhile) is a finding.
fn keep_checkpoint(store: &AnyStore, trusted: &PublicKey, head: &Checkpoint) -> Result<()> {
    let text = serde_json::to_string(head)?;
    match store.keep_publisher_checkpoint(&trusted.key_id, head.size, &text) {
        Err(cordon_store::Error::Conflict(message)) => {
            Err(Finding(format!("verification failed: {message}")).into())
        }
        other => Ok(other?),
    }
}

#[derive(Deserialize)]
struct SubjectRow {
    id: serde_json::Value,
    name: String,
    dob: Option<String>,
    country: Option<String>,
    document: Option<String>,
}

/// Reads a subjects file: CSV with `id,name[,dob][,country][,document]` or
/// JSON lines with those fields. A row without a name stops the read.
fn read_subjects(path: &Path) -> Result<Vec<Subject>> {
    let reader = tabular::open(path)?;
    let mut subjects = Vec::new();
    if tabular::is_json_lines(path) {
        for (index, line) in reader.lines().enumerate() {
            let line = line.map_err(|e| {
                InputError::new(format!("{}: line {}: {e}", path.display(), index + 1))
            })?;
            if line.trim().is_empty() {
                continue;
            }
            let row: SubjectRow = serde_json::from_str(&line).map_err(|e| {
                InputError::new(format!("{}: line {}: {e}", path.display(), index + 1))
            })?;
            let id = match row.id {
                serde_json::Value::String(s) => s,
                other => other.to_string(),
            };
            subjects.push(Subject {
                id,
                name: row.name,
                dob: row.dob,
                country: row.country,
                document: row.document,
            });
        }
        return Ok(subjects);
    }
    let mut csv = tabular::csv_reader(reader);
    let header = tabular::Header::read(&mut csv, path)?;
    let name_col = header.column(&["name"]).ok_or_else(|| {
        InputError::new(format!(
            "{}: no `name` column in the header",
            path.display()
        ))
    })?;
    let (id_col, dob_col, country_col) = (
        header.column(&["id"]),
        header.column(&["dob"]),
        header.column(&["country", "nationality"]),
    );
    let document_col = header.column(&["document", "passport", "id_number"]);
    for (index, record) in csv.records().enumerate() {
        let line = index + 2;
        let record =
            record.map_err(|e| InputError::new(format!("{}: line {line}: {e}", path.display())))?;
        let get = |col: Option<usize>| tabular::field(&record, col);
        let name = get(Some(name_col)).ok_or_else(|| {
            InputError::new(format!("{}: line {line}: empty name", path.display()))
        })?;
        subjects.push(Subject {
            id: get(id_col).unwrap_or_else(|| line.to_string()),
            name,
            dob: get(dob_col),
            country: get(country_col),
            document: get(document_col),
        });
    }
    Ok(subjects)
}

/// The largest request line read: [`oprf::MAX_KEYS_PER_QUERY`] points of
/// 64 hex digits and their quotes and commas, with room for the envelope.
const MAX_REQUEST_BYTES: u64 = (oprf::MAX_KEYS_PER_QUERY as u64) * 70 + 1024;

/// How much `serve` answers.
struct ServeLimits {
    /// Match keys one asker may have evaluated per hour.
    max_keys_per_hour: usize,
    /// Stop after this many queries.
    max_queries: Option<usize>,
}

fn serve(
    listen: &str,
    subjects_path: &Path,
    limits: ServeLimits,
    tls: Option<Arc<rustls::ServerConfig>>,
    data_dir: &Path,
) -> Result<()> {
    let subjects = read_subjects(subjects_path)?;
    let holder = Holder::new(&subjects).map_err(exchange_error)?;
    let store: Arc<AnyStore> = Arc::new(open_store_settled(data_dir)?);
    let limit = Mutex::new(RateLimit::new(
        limits.max_keys_per_hour,
        Duration::from_secs(3600),
    ));
    let listener = TcpListener::bind(listen)
        .map_err(|e| InputError::new(format!("--listen {listen}: {e}")))?;
    eprintln!(
        "answering private subject queries on {} about {} subjects ({} match-key outputs){}",
        listener.local_addr()?,
        holder.subjects(),
        holder.outputs(),
        if tls.is_some() { " over TLS" } else { "" }
    );
    let mut answered = 0;
    for stream in listener.incoming() {
        let stream = match stream {
            Ok(stream) => stream,
            Err(error) => {
                eprintln!("warning: accepting a connection: {error}");
                continue;
            }
        };
        // One query at a time: the work is CPU-bound and the allowance is
        // per asker, so a queue costs nothing that parallel answers would save.
        if let Err(error) = answer_connection(stream, tls.as_ref(), &holder, &limit, &store) {
            eprintln!("warning: a query failed: {error:#}");
        }
        answered += 1;
        if limits.max_queries.is_some_and(|max| answered >= max) {
            break;
        }
    }
    Ok(())
}

fn answer_connection(
    stream: TcpStream,
    tls: Option<&Arc<rustls::ServerConfig>>,
    holder: &Holder,
    limit: &Mutex<RateLimit>,
    store: &Arc<AnyStore>,
) -> Result<()> {
    let address = stream.peer_addr()?.ip().to_string();
    stream.set_read_timeout(Some(Duration::from_secs(60)))?;
    let mut connection = Connection::accept(stream, tls)?;
    let mut line = String::new();
    BufReader::new((&mut connection).take(MAX_REQUEST_BYTES))
        .read_line(&mut line)
        .with_context(|| format!("reading the query of {address}"))?;
    // Under mutual TLS the asker is its certificate (an FIU may ask from
    // several addresses, and an address may be shared); else its address.
    let certificate = connection
        .peer_certificate()
        .map(|sha256| format!("cert:{}", sha256.get(..16).unwrap_or(&sha256)));
    let asker = certificate.clone().unwrap_or_else(|| address.clone());
    let peer = match &certificate {
        Some(certificate) => format!("{address} {certificate}"),
        None => address,
    };
    let started = thread_cpu_nanos();
    let (reply, keys, outcome) = match oprf::parse_request(line.as_bytes()) {
        Err(e) => (
            Reply::Refused {
                error: e.to_string(),
            },
            0,
            "malformed",
        ),
        Ok(request) => {
            let keys = request.blinded.len();
            let allowed = limit
                .lock()
                .map_err(|_| anyhow::anyhow!("rate limit lock poisoned"))?
                .take(&asker, keys, Instant::now());
            match allowed.and_then(|()| holder.answer(&request)) {
                Ok(response) => (Reply::Answer(response), keys, "answered"),
                Err(error) => (
                    Reply::Refused {
                        error: error.to_string(),
                    },
                    keys,
                    "refused",
                ),
            }
        }
    };
    let cpu_micros = started
        .zip(thread_cpu_nanos())
        .map(|(before, after)| after.saturating_sub(before) / 1000);
    store.append_audit(&NewAuditEntry {
        kind: "exchange_query_answered".into(),
        caller: format!("peer:{peer}"),
        payload: json!({"keys": keys, "outcome": outcome, "subjects_held": holder.subjects(), "cpu_micros": cpu_micros}),
    })?;
    match cpu_micros {
        Some(micros) => eprintln!("query from {peer}: {keys} keys, {outcome}, {micros} us of CPU"),
        None => eprintln!("query from {peer}: {keys} keys, {outcome}"),
    }
    serde_json::to_writer(&mut connection, &reply)?;
    connection.write_all(b"\n")?;
    connection.finish()?;
    Ok(())
}

/// CPU time this thread has used, in nanoseconds (Linux
/// `/proc/thread-self/schedstat`, first field); `None` elsewhere. CPU time,
/// not wall time, because the holder's cost per subject is the figure that
/// matters and wall time on a loaded machine overstates it.
fn thread_cpu_nanos() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    text.split_whitespace().next()?.parse().ok()
}

/// The peer asked and how to reach it.
struct Peer<'a> {
    /// `--peer` as given.
    address: &'a str,
    /// `--peer-ca`: speak TLS, trusting these certificates.
    ca: Option<&'a Path>,
    /// `--tls-cert` / `--tls-key`: the client certificate for mutual TLS.
    identity: Option<tls::Identity<'a>>,
}

/// Connects to the peer: TLS when a CA to trust is given (required for a
/// `tls://` address), plain TCP otherwise.
fn connect_to_peer(peer: &Peer) -> Result<Connection> {
    let given = peer.address;
    let (address, wants_tls) = match given.strip_prefix("tls://") {
        Some(rest) => (rest, true),
        None => (given.strip_prefix("tcp://").unwrap_or(given), false),
    };
    let address = address.trim_end_matches('/');
    if wants_tls && peer.ca.is_none() {
        return Err(InputError::new(format!(
            "--peer {given}: a tls:// peer needs --peer-ca (the CA or certificate to trust)"
        ))
        .into());
    }
    let tls = match peer.ca {
        Some(ca) => Some((
            tls::client_config(ca, peer.identity.as_ref())?,
            tls::server_name(address)?,
        )),
        None => None,
    };
    let stream =
        TcpStream::connect(address).with_context(|| format!("connecting to the peer {given}"))?;
    stream.set_read_timeout(Some(Duration::from_secs(300)))?;
    Connection::connect(
        stream,
        tls.as_ref().map(|(config, name)| (config, name.clone())),
    )
}

fn query(peer: &Peer, subjects_path: &Path, json: bool, data_dir: &Path) -> Result<()> {
    let subjects = read_subjects(subjects_path)?;
    let (pending, request) = oprf::prepare(&subjects).map_err(exchange_error)?;
    let mut connection = connect_to_peer(peer)?;
    let peer = peer.address;
    serde_json::to_writer(&mut connection, &request)
        .with_context(|| format!("sending the query to {peer}"))?;
    connection.write_all(b"\n")?;
    connection.flush()?;
    let mut line = String::new();
    BufReader::new(&mut connection)
        .read_line(&mut line)
        .with_context(|| format!("reading the answer of {peer}"))?;
    let reply = oprf::parse_reply(line.as_bytes())
        .with_context(|| format!("the answer of {peer} is not a query reply"))?;
    let response = match reply {
        Reply::Answer(response) => response,
        Reply::Refused { error } => {
            return Err(Finding(format!("the peer {peer} refused the query: {error}")).into())
        }
    };
    let answers = oprf::conclude(pending, &response).map_err(exchange_error)?;
    let known = answers.iter().filter(|a| a.known).count();
    let store = open_store_settled(data_dir)?;
    store.append_audit(&NewAuditEntry {
        kind: "exchange_query_sent".into(),
        caller: crate::local_caller(),
        payload: json!({"peer": peer, "subjects": subjects.len(), "keys": request.blinded.len(), "known": known}),
    })?;
    for answer in &answers {
        if json {
            outln!("{}", serde_json::to_string(answer)?);
        } else if answer.known {
            outln!("{}: known ({})", answer.id, answer.keys.join(", "));
        } else {
            outln!("{}: not known", answer.id);
        }
    }
    eprintln!("{known} of {} subjects known to {peer}", subjects.len());
    Ok(())
}
