//! `cordon worker`: consumes payment messages from NATS JetStream and runs
//! the engine's transfer use case on them (names, texts and R16 checked, the
//! typology rules, the audit entry and alerts recorded), acknowledging each
//! message only after the store commit (at-least-once delivery). A
//! redelivered transfer is recognised by the store's record of delivery keys
//! and never recorded twice.
//!
//! The stream's partitions (by originator party key) are shared out between
//! the workers of one PostgreSQL store with session advisory locks
//! (`cordon_store_pg::PartitionLeases`): each worker holds about
//! partitions / workers of them, and when a worker dies its leases end with
//! its connection and the others take its partitions over (unacknowledged
//! messages come back after the ack wait). On SQLite (one machine) the one
//! worker reads every partition.
//!
//! The worker screens against the store's current lists and follows them: a
//! version imported by any process is swapped in within seconds (the
//! engine's `follow`), between two batches.

use anyhow::{Context, Result};
use cordon_engine::follow::{follow_lists, ListFollower, CHECK_EVERY};
use cordon_engine::transfer_audit::{record_once, TransferBatch, TransferContext};
use cordon_engine::{EngineStore, Indexed, TransferScreener};
use cordon_match::DEFAULT_THRESHOLD;
use cordon_monitor::Monitor;
use cordon_store_pg::PartitionLeases;
use cordon_stream::{ConsumerSettings, Delivered, PartitionConsumer, Transfers};
use serde_json::json;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};
use tokio::runtime::Runtime;

use crate::transfers_stream::TopologyArgs;
use crate::InputError;

/// How often a worker looks at the partition leases: a dead worker's
/// partitions are taken over within about this long (plus the time
/// PostgreSQL takes to see its connection closed).
const REBALANCE_EVERY: Duration = Duration::from_millis(500);

/// How long to wait before asking idle partitions again: short enough that a
/// new message waits little, long enough that an idle worker costs nothing.
const IDLE_PAUSE: Duration = Duration::from_millis(50);

/// Options of `cordon worker`.
#[derive(clap::Args)]
pub struct WorkerArgs {
    /// The NATS server.
    #[arg(long, env = "CORDON_NATS", value_name = "URL")]
    pub nats: String,
    #[command(flatten)]
    pub topology: TopologyArgs,
    /// Messages fetched, screened and recorded in one store transaction.
    #[arg(long, default_value_t = 100)]
    pub batch: usize,
    /// Messages delivered but not yet acknowledged per partition (back-pressure).
    #[arg(long, default_value_t = 1000)]
    pub max_ack_pending: i64,
    /// Seconds before an unacknowledged message is delivered again (to whoever holds its partition).
    #[arg(long, default_value_t = 30)]
    pub ack_wait: u64,
    /// A TOML rules file instead of the built-in default pack.
    #[arg(long, value_name = "FILE")]
    pub rules: Option<PathBuf>,
    /// Name-screening alert threshold (default: the documented default).
    #[arg(long)]
    pub threshold: Option<f64>,
    /// Stop after this many seconds without a message, printing a JSON summary (tests, benchmarks).
    #[arg(long, value_name = "SECONDS")]
    pub idle_exit: Option<u64>,
}

/// What one worker did.
#[derive(Debug, Default)]
struct Tally {
    messages: u64,
    recorded: u64,
    repeats: u64,
    unreadable: u64,
}

/// Runs the worker until interrupted (or idle for `--idle-exit` seconds).
pub fn run(args: WorkerArgs, data_dir: &Path) -> Result<()> {
    let threshold = args.threshold.unwrap_or(DEFAULT_THRESHOLD);
    if !(0.0..=1.0).contains(&threshold) {
        return Err(
            InputError::new(format!("--threshold {threshold}: must be between 0 and 1")).into(),
        );
    }
    if args.batch == 0 {
        return Err(InputError::new("--batch 0: must be at least 1").into());
    }
    let topology = args.topology.topology()?;
    let pack = crate::transfers_cmd::load_rules(args.rules.as_deref())?;
    let store = crate::store_open::open_store_settled(data_dir)?;
    let leases = match crate::store_open::store_url() {
        Some(url) => Some(
            PartitionLeases::connect(url, topology.stream())
                .context("joining the workers of the stream")?,
        ),
        None => None,
    };
    let store: Arc<dyn EngineStore> = Arc::from(store);
    let lists = Arc::new(RwLock::new(Arc::new(Indexed::current(store.as_ref())?)));
    if current(&lists).labels.is_empty() {
        eprintln!("warning: no list is imported: names are screened against nothing until one is (it is picked up within seconds)");
    }
    follow(&store, &lists, threshold)?;
    let mut work = Work {
        store,
        lists,
        threshold,
        pack_version: pack.version.clone(),
        monitor: Monitor::new(pack),
        caller: format!("worker:{} ({})", std::process::id(), crate::local_caller()),
        tally: Tally::default(),
    };
    let settings = ConsumerSettings {
        ack_wait: Duration::from_secs(args.ack_wait.max(1)),
        max_ack_pending: args.max_ack_pending.max(1),
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    let started = Instant::now();
    // The NATS client runs on the runtime; the store's synchronous PostgreSQL
    // client must not (it starts a runtime of its own), so the loop is
    // synchronous and enters the runtime only for each NATS call.
    let transfers = runtime.block_on(Transfers::connect(&args.nats, topology))?;
    let mut shares = Shares {
        leases,
        held: BTreeMap::new(),
    };
    consume(
        &runtime,
        &transfers,
        &mut shares,
        &settings,
        &mut work,
        &args,
    )?;
    let t = &work.tally;
    outln!(
        "{}",
        json!({
            "messages": t.messages, "recorded": t.recorded, "repeats": t.repeats,
            "unreadable": t.unreadable, "seconds": started.elapsed().as_secs_f64(),
        })
    );
    Ok(())
}

/// The partitions this worker holds and the leases behind them.
struct Shares {
    leases: Option<PartitionLeases>,
    held: BTreeMap<u32, PartitionConsumer>,
}

impl Shares {
    /// Takes one more partition when this worker holds less than its share,
    /// gives one back when it holds more (so a worker that joins gets some).
    fn rebalance(
        &mut self,
        runtime: &Runtime,
        transfers: &Transfers,
        settings: &ConsumerSettings,
    ) -> Result<()> {
        let partitions = transfers.topology().partitions();
        let Some(leases) = self.leases.as_mut() else {
            for p in 0..partitions {
                if let std::collections::btree_map::Entry::Vacant(slot) = self.held.entry(p) {
                    slot.insert(runtime.block_on(transfers.partition_consumer(p, settings))?);
                }
            }
            return Ok(());
        };
        let workers = leases.holders()?.max(1);
        let share = partitions.div_ceil(workers) as usize;
        if self.held.len() > share {
            if let Some((&p, _)) = self.held.iter().next_back() {
                self.held.remove(&p);
                leases.give_back(p)?;
            }
        } else if self.held.len() < share {
            // Start at a place of our own so that workers starting together try different ones.
            let start = std::process::id() % partitions;
            for p in (0..partitions).map(|i| (start + i) % partitions) {
                if !self.held.contains_key(&p) && leases.try_take(p)? {
                    let consumer = runtime.block_on(transfers.partition_consumer(p, settings))?;
                    self.held.insert(p, consumer);
                    break;
                }
            }
        }
        Ok(())
    }
}

fn consume(
    runtime: &Runtime,
    transfers: &Transfers,
    shares: &mut Shares,
    settings: &ConsumerSettings,
    work: &mut Work,
    args: &WorkerArgs,
) -> Result<()> {
    if let Some(leases) = shares.leases.as_mut() {
        // Counted among the workers from the start, before holding any partition.
        leases.join()?;
    }
    let mut last_rebalance: Option<Instant> = None;
    let mut last_message = Instant::now();
    loop {
        if last_rebalance.is_none_or(|at| at.elapsed() >= REBALANCE_EVERY) {
            shares.rebalance(runtime, transfers, settings)?;
            last_rebalance = Some(Instant::now());
        }
        let mut any = false;
        for consumer in shares.held.values() {
            let messages = runtime.block_on(consumer.fetch(args.batch))?;
            if messages.is_empty() {
                continue;
            }
            any = true;
            work.process(&messages)?;
            // Only now, with the results committed: a crash before this
            // point has the messages delivered again, and the store knows them.
            runtime.block_on(async {
                for message in &messages {
                    message.ack().await?;
                }
                Ok::<(), cordon_stream::Error>(())
            })?;
        }
        if any {
            last_message = Instant::now();
        } else {
            if args
                .idle_exit
                .is_some_and(|secs| last_message.elapsed() >= Duration::from_secs(secs))
            {
                return Ok(());
            }
            std::thread::sleep(IDLE_PAUSE);
        }
    }
}

/// The lists in use now.
fn current(lists: &RwLock<Arc<Indexed>>) -> Arc<Indexed> {
    // A poisoned lock still holds a whole index: the swap is one assignment.
    lists.read().unwrap_or_else(|p| p.into_inner()).clone()
}

/// Swaps `lists` to every version imported from now on, on a thread of its own.
fn follow(
    store: &Arc<dyn EngineStore>,
    lists: &Arc<RwLock<Arc<Indexed>>>,
    threshold: f64,
) -> Result<()> {
    let follower = ListFollower::start(store.as_ref(), CHECK_EVERY);
    let (store, lists) = (store.clone(), lists.clone());
    std::thread::Builder::new()
        .name("cordon-lists".into())
        .spawn(move || {
            follow_lists(
                store.as_ref(),
                follower,
                threshold,
                || current(&lists).labels.clone(),
                |indexed| *lists.write().unwrap_or_else(|p| p.into_inner()) = Arc::new(indexed),
            )
        })
        .context("starting the list follower")?;
    Ok(())
}

/// The engine's transfer use case with this worker's monitor and store.
struct Work {
    store: Arc<dyn EngineStore>,
    /// The current lists, swapped by the follower thread.
    lists: Arc<RwLock<Arc<Indexed>>>,
    threshold: f64,
    pack_version: String,
    monitor: Monitor,
    caller: String,
    tally: Tally,
}

impl Work {
    /// Screens the messages against the lists current now, skips the repeats
    /// the store already holds, runs the typology rules on the rest and
    /// records them in one transaction.
    fn process(&mut self, messages: &[Delivered]) -> Result<()> {
        let lists = current(&self.lists);
        let screener = TransferScreener::for_lists(&lists, self.threshold);
        let mut batches: Vec<TransferBatch> = messages
            .iter()
            .map(|m| TransferBatch::check(&screener, m.payload()))
            .collect();
        let context = TransferContext {
            lists: &lists.labels,
            threshold: self.threshold,
            pack_version: &self.pack_version,
            caller: &self.caller,
        };
        let recorded = record_once(
            self.store.as_ref(),
            &mut self.monitor,
            &mut batches,
            &context,
        )
        .context("recording screened transfers")?;
        for (batch, recorded) in batches.iter().zip(&recorded) {
            self.tally.messages += 1;
            self.tally.unreadable += batch.parsed.iter().filter(|r| r.is_err()).count() as u64;
            let stored = recorded.iter().filter(|r| r.is_some()).count() as u64;
            self.tally.recorded += stored;
            self.tally.repeats += recorded.len() as u64 - stored;
        }
        Ok(())
    }
}
