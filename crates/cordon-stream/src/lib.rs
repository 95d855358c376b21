//! Payment messages over NATS JetStream: the subjects, the partitioning by
//! party key, publishing with a de-duplicating message id, and the durable
//! pull consumer of each partition. Nothing here screens or stores: the
//! binary's `cordon worker` hands what it fetches to the engine and acks
//! after the store commit.
//!
//! One stream per deployment (name `S`, default `cordon`) takes the subjects
//! `S.transfers.<partition>`; partition `p` has the durable consumer `S-p<p>`
//! (explicit acks, a bounded number of unacknowledged messages for
//! back-pressure). A party's transfers always go to the same partition, so
//! its typology windows live in the one worker that holds that partition.
//!
//! ```
//! use cordon_stream::{partition_of, Topology};
//! let topology = Topology::new("cordon", 6).unwrap();
//! let p = partition_of(Some("bic:DEUTDEFF|iban:DE89370400440532013000"), 6);
//! assert!(p < 6);
//! assert_eq!(p, partition_of(Some("bic:DEUTDEFF|iban:DE89370400440532013000"), 6));
//! assert_eq!(topology.subject(p), format!("cordon.transfers.{p}"));
//! assert_eq!(topology.consumer(2), "cordon-p2");
//! ```

use async_nats::jetstream::{self, consumer, stream, Context};
use bytes::Bytes;
use futures_util::StreamExt;
use std::time::Duration;

/// How long JetStream remembers a message id to drop a second publication of
/// it. Two minutes is the server's default; a re-sent file within it is
/// dropped at the stream, a later one by the store's record of deliveries.
pub const DUPLICATE_WINDOW: Duration = Duration::from_secs(120);

/// Everything that can go wrong talking to NATS; each names the server,
/// stream, subject or consumer concerned.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The stream name or partition count is not usable.
    #[error("{0}")]
    Invalid(String),
    /// The server could not be reached.
    #[error("NATS {url}: {message}")]
    Connect {
        /// The server URL.
        url: String,
        /// Why.
        message: String,
    },
    /// A JetStream request failed.
    #[error("NATS JetStream, {what}: {message}")]
    JetStream {
        /// What was being done (naming the stream, subject or consumer).
        what: String,
        /// Why.
        message: String,
    },
}

/// Result with this crate's [`Error`].
pub type Result<T> = std::result::Result<T, Error>;

fn failed(what: impl Into<String>) -> impl FnOnce(String) -> Error {
    let what = what.into();
    move |message| Error::JetStream { what, message }
}

/// The names of one deployment's stream, subjects and consumers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Topology {
    stream: String,
    partitions: u32,
}

impl Topology {
    /// A stream name (letters, digits, `-` and `_`) and a partition count (1 to 1024).
    pub fn new(stream: &str, partitions: u32) -> Result<Topology> {
        let usable = !stream.is_empty()
            && stream
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if !usable {
            return Err(Error::Invalid(format!(
                "--stream {stream:?}: use letters, digits, '-' and '_' only"
            )));
        }
        if !(1..=1024).contains(&partitions) {
            return Err(Error::Invalid(format!(
                "--partitions {partitions}: must be between 1 and 1024"
            )));
        }
        Ok(Topology {
            stream: stream.to_string(),
            partitions,
        })
    }

    /// The stream name.
    pub fn stream(&self) -> &str {
        &self.stream
    }

    /// How many partitions the subjects are split into.
    pub fn partitions(&self) -> u32 {
        self.partitions
    }

    /// The subject of one partition.
    pub fn subject(&self, partition: u32) -> String {
        format!("{}.transfers.{partition}", self.stream)
    }

    /// The durable consumer of one partition.
    pub fn consumer(&self, partition: u32) -> String {
        format!("{}-p{partition}", self.stream)
    }
}

/// The partition of a party key: FNV-1a (stable across processes, builds and
/// machines, unlike a seeded hasher) modulo the count. Transfers without a
/// key go to partition 0.
pub fn partition_of(party_key: Option<&str>, partitions: u32) -> u32 {
    const FNV_OFFSET: u64 = 0xcbf2_9ce4_8422_2325;
    const FNV_PRIME: u64 = 0x0100_0000_01b3;
    let Some(key) = party_key else { return 0 };
    let hash = key.bytes().fold(FNV_OFFSET, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(FNV_PRIME)
    });
    (hash % u64::from(partitions.max(1))) as u32
}

/// A connection to JetStream with the deployment's stream created if absent.
pub struct Transfers {
    context: Context,
    stream: stream::Stream,
    topology: Topology,
}

impl Transfers {
    /// Connects to `url` and creates the stream if it does not exist (file
    /// storage, the subjects of every partition, [`DUPLICATE_WINDOW`]).
    pub async fn connect(url: &str, topology: Topology) -> Result<Transfers> {
        let client = async_nats::connect(url).await.map_err(|e| Error::Connect {
            url: url.to_string(),
            message: e.to_string(),
        })?;
        let context = jetstream::new(client);
        let config = stream::Config {
            name: topology.stream.clone(),
            subjects: vec![format!("{}.transfers.*", topology.stream)],
            duplicate_window: DUPLICATE_WINDOW,
            storage: stream::StorageType::File,
            ..Default::default()
        };
        let stream = context
            .get_or_create_stream(config)
            .await
            .map_err(|e| failed(format!("creating stream {}", topology.stream))(e.to_string()))?;
        Ok(Transfers {
            context,
            stream,
            topology,
        })
    }

    /// The names in use.
    pub fn topology(&self) -> &Topology {
        &self.topology
    }

    /// Publishes every message (payload, message id, party key) and waits
    /// for the stream's acknowledgements, `in_flight` at a time. Returns how
    /// many the stream took as new and how many it dropped as duplicates of
    /// an id seen within [`DUPLICATE_WINDOW`].
    pub async fn publish_all(
        &self,
        messages: impl IntoIterator<Item = OutgoingMessage>,
        in_flight: usize,
    ) -> Result<Published> {
        let mut counts = Published::default();
        let mut pending = Vec::with_capacity(in_flight);
        for message in messages {
            let subject = self.topology.subject(partition_of(
                message.party_key.as_deref(),
                self.topology.partitions,
            ));
            let publish = jetstream::context::Publish::build()
                .payload(message.payload)
                .message_id(&message.id);
            let ack = self
                .context
                .send_publish(subject.clone(), publish)
                .await
                .map_err(|e| {
                    failed(format!("publishing {} to {subject}", message.id))(e.to_string())
                })?;
            pending.push((message.id, ack));
            if pending.len() >= in_flight.max(1) {
                settle(&mut pending, &mut counts).await?;
            }
        }
        settle(&mut pending, &mut counts).await?;
        Ok(counts)
    }

    /// The durable pull consumer of one partition, created if absent.
    pub async fn partition_consumer(
        &self,
        partition: u32,
        settings: &ConsumerSettings,
    ) -> Result<PartitionConsumer> {
        let name = self.topology.consumer(partition);
        let config = consumer::pull::Config {
            durable_name: Some(name.clone()),
            filter_subject: self.topology.subject(partition),
            ack_policy: consumer::AckPolicy::Explicit,
            ack_wait: settings.ack_wait,
            max_ack_pending: settings.max_ack_pending,
            ..Default::default()
        };
        let consumer = self
            .stream
            .get_or_create_consumer(&name, config)
            .await
            .map_err(|e| failed(format!("creating consumer {name}"))(e.to_string()))?;
        Ok(PartitionConsumer {
            name,
            partition,
            consumer,
        })
    }

    /// Deletes the stream and its consumers (tests and benchmarks clean up with it).
    pub async fn delete(self) -> Result<()> {
        let name = self.topology.stream.clone();
        self.context
            .delete_stream(&name)
            .await
            .map_err(|e| failed(format!("deleting stream {name}"))(e.to_string()))?;
        Ok(())
    }
}

async fn settle(
    pending: &mut Vec<(String, jetstream::context::PublishAckFuture)>,
    counts: &mut Published,
) -> Result<()> {
    for (id, ack) in pending.drain(..) {
        let ack = ack
            .await
            .map_err(|e| failed(format!("acknowledgement of {id}"))(e.to_string()))?;
        if ack.duplicate {
            counts.duplicates += 1;
        } else {
            counts.published += 1;
        }
    }
    Ok(())
}

/// One payment message to publish.
#[derive(Debug, Clone)]
pub struct OutgoingMessage {
    /// The de-duplicating message id (the transfer's UETR or ids).
    pub id: String,
    /// The originator's party key, which picks the partition.
    pub party_key: Option<String>,
    /// The message as received.
    pub payload: Bytes,
}

/// What a publication did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Published {
    /// Messages the stream took.
    pub published: u64,
    /// Messages the stream dropped as repeats of an id.
    pub duplicates: u64,
}

/// How a partition's consumer delivers.
#[derive(Debug, Clone, Copy)]
pub struct ConsumerSettings {
    /// How long a delivered message may stay unacknowledged before it is
    /// delivered again (to whichever worker then holds the partition).
    pub ack_wait: Duration,
    /// How many messages may be delivered and unacknowledged at once: the
    /// back-pressure bound of a slow worker.
    pub max_ack_pending: i64,
}

/// The durable consumer of one partition.
pub struct PartitionConsumer {
    name: String,
    partition: u32,
    consumer: consumer::Consumer<consumer::pull::Config>,
}

impl PartitionConsumer {
    /// The partition it reads.
    pub fn partition(&self) -> u32 {
        self.partition
    }

    /// Up to `max` messages available now (none when the partition is idle).
    pub async fn fetch(&self, max: usize) -> Result<Vec<Delivered>> {
        let mut batch = self
            .consumer
            .fetch()
            .max_messages(max)
            .messages()
            .await
            .map_err(|e| failed(format!("fetching from {}", self.name))(e.to_string()))?;
        let mut messages = Vec::new();
        while let Some(message) = batch.next().await {
            let message = message
                .map_err(|e| failed(format!("receiving from {}", self.name))(e.to_string()))?;
            messages.push(Delivered { message });
        }
        Ok(messages)
    }
}

/// A delivered message, to acknowledge once its results are stored.
pub struct Delivered {
    message: jetstream::Message,
}

impl Delivered {
    /// The message as published.
    pub fn payload(&self) -> &[u8] {
        &self.message.payload
    }

    /// Tells the stream the message is done with (after the store commit).
    pub async fn ack(&self) -> Result<()> {
        self.message.ack().await.map_err(|e| {
            failed(format!("acknowledging on {}", self.message.subject))(e.to_string())
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partitions_are_stable_and_spread() {
        let mut seen = [0u32; 6];
        for i in 0..600 {
            let key = format!("iban:DE{i:020}");
            let p = partition_of(Some(&key), 6);
            assert_eq!(p, partition_of(Some(&key), 6));
            seen[p as usize] += 1;
        }
        // 600 keys over 6 partitions: none is starved.
        assert!(seen.iter().all(|&n| n > 50), "{seen:?}");
        assert_eq!(partition_of(None, 6), 0);
    }

    #[test]
    fn names_are_checked() {
        assert!(Topology::new("a.b", 3).is_err());
        assert!(Topology::new("ok", 0).is_err());
        assert!(Topology::new("", 3).is_err());
        assert_eq!(Topology::new("t-1", 3).unwrap().consumer(0), "t-1-p0");
    }
}
