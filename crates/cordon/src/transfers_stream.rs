//! `cordon transfers publish` (payment message files onto NATS JetStream,
//! each with its de-duplicating message id and partitioned by the
//! originator's party key) and `cordon transfers stats` (what the store holds).

use anyhow::{Context, Result};
use cordon_model::transfer::Transfer;
use cordon_monitor::facts::{delivery_key, party_key};
use cordon_stream::{OutgoingMessage, Topology, Transfers};
use serde_json::json;
use std::path::{Path, PathBuf};

use crate::InputError;

/// How many publications wait for the stream's acknowledgement at once: enough
/// to keep the connection busy, few enough that a refused one stops the run early.
const PUBLISH_IN_FLIGHT: usize = 256;

/// Options of `cordon transfers publish`.
#[derive(clap::Args)]
pub struct PublishArgs {
    /// Message files (one payment message each), or folders of them (read in name order).
    #[arg(required = true, value_name = "PATH")]
    pub paths: Vec<PathBuf>,
    /// The NATS server.
    #[arg(long, env = "CORDON_NATS", value_name = "URL")]
    pub nats: String,
    #[command(flatten)]
    pub topology: TopologyArgs,
}

/// The stream's name and partition count: every publisher and worker of a deployment gives the same.
#[derive(clap::Args, Clone)]
pub struct TopologyArgs {
    /// The JetStream stream (subjects `STREAM.transfers.<partition>`).
    #[arg(long, default_value = "cordon", value_name = "STREAM")]
    pub stream: String,
    /// How many partitions the party keys are spread over (at least the number of workers).
    #[arg(long, default_value_t = 12)]
    pub partitions: u32,
}

impl TopologyArgs {
    /// The names in use (bad ones are input errors).
    pub fn topology(&self) -> Result<Topology> {
        Topology::new(&self.stream, self.partitions)
            .map_err(|e| InputError::new(e.to_string()).into())
    }
}

/// Options of `cordon transfers stats`.
#[derive(clap::Args)]
pub struct StatsArgs {
    /// JSON output.
    #[arg(long)]
    pub json: bool,
}

/// Publishes every message; prints how many the stream took and how many it dropped as repeats.
pub fn publish(args: PublishArgs) -> Result<()> {
    let topology = args.topology.topology()?;
    // Read and identify everything first: an unreadable file publishes nothing.
    let files = expand(&args.paths)?;
    let mut messages = Vec::with_capacity(files.len());
    for path in &files {
        let bytes =
            std::fs::read(path).map_err(|e| InputError::new(format!("{}: {e}", path.display())))?;
        messages.push(outgoing(path, bytes)?);
    }
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    let published = runtime.block_on(async {
        let transfers = Transfers::connect(&args.nats, topology).await?;
        transfers.publish_all(messages, PUBLISH_IN_FLIGHT).await
    })?;
    outln!(
        "{}",
        json!({"published": published.published, "duplicates": published.duplicates})
    );
    Ok(())
}

/// The files of the paths given, folders expanded in name order.
fn expand(paths: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for path in paths {
        if path.is_dir() {
            let mut entries = std::fs::read_dir(path)
                .map_err(|e| InputError::new(format!("{}: {e}", path.display())))?
                .map(|entry| entry.map(|e| e.path()))
                .collect::<std::io::Result<Vec<_>>>()
                .map_err(|e| InputError::new(format!("{}: {e}", path.display())))?;
            entries.retain(|p| p.is_file());
            entries.sort();
            files.extend(entries);
        } else {
            files.push(path.clone());
        }
    }
    Ok(files)
}

/// A file as one message: its id is the delivery key of its transactions (a
/// re-sent message repeats them), its partition follows its first originator.
fn outgoing(path: &Path, bytes: Vec<u8>) -> Result<OutgoingMessage> {
    let transfers: Vec<Transfer> = cordon_payments::parse(&bytes)
        .into_iter()
        .filter_map(std::result::Result::ok)
        .collect();
    if transfers.is_empty() {
        return Err(InputError::new(format!(
            "{}: no readable payment message (see `cordon transfers screen {}`)",
            path.display(),
            path.display()
        ))
        .into());
    }
    let keys: Option<Vec<String>> = transfers.iter().map(delivery_key).collect();
    let id = match keys {
        Some(keys) => keys.join(" "),
        // Without ids the content is the only thing a repeat shares.
        None => format!("sha256:{}", cordon_store::sha256_hex(&bytes)),
    };
    Ok(OutgoingMessage {
        id,
        party_key: originator_key(&transfers[0]),
        payload: bytes.into(),
    })
}

/// The originator's party key as the typology monitor keys its windows (the
/// underlying customer transfer's debtor for a cover payment).
pub fn originator_key(transfer: &Transfer) -> Option<String> {
    let customer = transfer.underlying.as_deref().unwrap_or(transfer);
    let agent = customer
        .debtor_agent
        .as_ref()
        .or(transfer.debtor_agent.as_ref());
    party_key(customer.debtor.as_ref(), agent)
}

/// Prints the store's counts of screened transfers, alerts and repeats.
pub fn stats(args: StatsArgs, data_dir: &Path) -> Result<()> {
    let store = crate::store_open::open_store(data_dir)?;
    let counts = store.transfer_counts().context("counting transfers")?;
    if args.json {
        outln!("{}", serde_json::to_string(&counts)?);
    } else {
        outln!(
            "screened {}, alerts {} ({}), transfers with sanctions alerts {}, duplicates {}",
            counts.screened,
            counts.alerts,
            counts
                .alerts_by_kind
                .iter()
                .map(|(kind, n)| format!("{kind} {n}"))
                .collect::<Vec<_>>()
                .join(", "),
            counts.transfers_with_sanctions_alerts,
            counts.duplicates
        );
    }
    Ok(())
}

/// Options of `cordon transfers drop-stream`.
#[derive(clap::Args)]
pub struct DropStreamArgs {
    /// The NATS server.
    #[arg(long, env = "CORDON_NATS", value_name = "URL")]
    pub nats: String,
    /// The stream to delete, with its consumers and every message not yet consumed.
    #[arg(long, value_name = "STREAM")]
    pub stream: String,
}

/// Deletes a stream (tests and benchmarks clean up with it).
pub fn drop_stream(args: DropStreamArgs) -> Result<()> {
    let topology = Topology::new(&args.stream, 1).map_err(|e| InputError::new(e.to_string()))?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    runtime.block_on(async {
        Transfers::connect(&args.nats, topology)
            .await?
            .delete()
            .await
    })?;
    Ok(())
}
