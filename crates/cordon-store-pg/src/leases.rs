//! Partition leases: which worker process reads which partition of the
//! transfer stream, decided in the database with session advisory locks.
//! A lease lives as long as the connection that took it, so a worker that
//! dies (even by SIGKILL) gives its partitions back the moment PostgreSQL
//! notices the closed connection, and another worker takes them over.

use crate::{redact, DbResult};
use cordon_store::{Error, Result};
use postgres::Client;

/// Partition numbers stay below this; membership leases sit above it.
const MEMBER_BASE: i32 = 1 << 20;

/// The leases of one group of workers (one stream), on a connection of their own.
pub struct PartitionLeases {
    client: Client,
    class: i32,
}

impl PartitionLeases {
    /// Connects to the database at `url` for the worker group `group` (the
    /// stream's name: workers of another stream never compete).
    pub fn connect(url: &str, group: &str) -> Result<PartitionLeases> {
        let config: postgres::Config = url
            .parse()
            .map_err(|e| Error::Invalid(format!("--store {}: {e}", redact(url))))?;
        let client = config.connect(postgres::NoTls).db(&format!(
            "connecting to {} for partition leases",
            redact(url)
        ))?;
        Ok(PartitionLeases {
            client,
            class: group_class(group),
        })
    }

    /// Counts this worker among the group's workers while the connection
    /// lives (a lease of its own above every partition number), so that the
    /// shares are computed right before it holds any partition.
    pub fn join(&mut self) -> Result<()> {
        self.client
            .query_one(
                "SELECT pg_advisory_lock($1, $2 + pg_backend_pid())",
                &[&self.class, &MEMBER_BASE],
            )
            .db("joining the workers")?;
        Ok(())
    }

    /// Takes the lease of `partition` if no other worker holds it.
    pub fn try_take(&mut self, partition: u32) -> Result<bool> {
        let partition = i32::try_from(partition)
            .map_err(|_| Error::Invalid(format!("partition {partition}: too large")))?;
        self.client
            .query_one(
                "SELECT pg_try_advisory_lock($1, $2)",
                &[&self.class, &partition],
            )
            .db("taking a partition lease")?
            .try_get(0)
            .db("taking a partition lease")
    }

    /// Gives the lease of `partition` back.
    pub fn give_back(&mut self, partition: u32) -> Result<()> {
        let partition = i32::try_from(partition)
            .map_err(|_| Error::Invalid(format!("partition {partition}: too large")))?;
        self.client
            .query_one(
                "SELECT pg_advisory_unlock($1, $2)",
                &[&self.class, &partition],
            )
            .db("giving a partition lease back")?;
        Ok(())
    }

    /// How many worker processes (database sessions) hold at least one lease of the group.
    pub fn holders(&mut self) -> Result<u32> {
        let n: i64 = self
            .client
            .query_one(
                "SELECT COUNT(DISTINCT pid) FROM pg_locks
                 WHERE locktype = 'advisory' AND objsubid = 2 AND granted
                   AND classid::bigint = $1::bigint
                   AND database = (SELECT oid FROM pg_database WHERE datname = current_database())",
                &[&i64::from(self.class)],
            )
            .db("counting partition lease holders")?
            .try_get(0)
            .db("counting partition lease holders")?;
        Ok(u32::try_from(n).unwrap_or(0))
    }
}

/// The first key of the group's advisory locks: FNV-1a of its name, kept
/// non-negative so that it reads back the same from `pg_locks.classid` (an oid).
fn group_class(group: &str) -> i32 {
    let hash = group.bytes().fold(0x811c_9dc5_u32, |h, b| {
        (h ^ u32::from(b)).wrapping_mul(0x0100_0193)
    });
    (hash & 0x7fff_ffff) as i32
}

#[cfg(test)]
mod tests {
    #[test]
    fn group_classes_are_stable_and_non_negative() {
        let a = super::group_class("cordon");
        assert_eq!(a, super::group_class("cordon"));
        assert!(a >= 0);
        assert_ne!(a, super::group_class("cordon-test"));
    }
}
