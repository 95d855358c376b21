//! [`PublisherCheckpoints`] on PostgreSQL (migration 6).

use crate::{get, DbResult, PgStore};
use cordon_store::publisher_checkpoints::{
    check_new_checkpoint, rolled_back, PublisherCheckpoints, StoredPublisherCheckpoint,
};
use cordon_store::{timestamp_now, Error, Result};

fn size_from_column(size: i64, key_id: &str) -> Result<u64> {
    u64::try_from(size).map_err(|_| Error::Corrupt {
        what: format!("publisher_checkpoints row of key {key_id}"),
        message: format!("negative size {size}"),
    })
}

impl PublisherCheckpoints for PgStore {
    fn publisher_checkpoint(&self, key_id: &str) -> Result<Option<StoredPublisherCheckpoint>> {
        self.read(|client| {
            client
                .query_opt(
                    "SELECT size, checkpoint, saved_at FROM publisher_checkpoints WHERE key_id = $1",
                    &[&key_id],
                )
                .db("reading a publisher checkpoint")?
                .map(|row| {
                    let size: i64 = get(&row, 0, "publisher_checkpoints.size")?;
                    Ok(StoredPublisherCheckpoint {
                        key_id: key_id.to_string(),
                        size: size_from_column(size, key_id)?,
                        checkpoint: get(&row, 1, "publisher_checkpoints.checkpoint")?,
                        saved_at: get(&row, 2, "publisher_checkpoints.saved_at")?,
                    })
                })
                .transpose()
        })
    }

    fn keep_publisher_checkpoint(&self, key_id: &str, size: u64, checkpoint: &str) -> Result<()> {
        check_new_checkpoint(key_id, checkpoint)?;
        let column_size = i64::try_from(size).map_err(|_| {
            Error::Invalid(format!(
                "publisher checkpoint of key {key_id}: size {size} is out of range"
            ))
        })?;
        self.write(|tx| {
            // Under the store's write lock: two importers of the same publisher
            // queue here, so the size compared is the one the replacement overwrites.
            let kept: Option<i64> = tx
                .query_opt(
                    "SELECT size FROM publisher_checkpoints WHERE key_id = $1",
                    &[&key_id],
                )
                .db("reading a publisher checkpoint")?
                .map(|row| get(&row, 0, "publisher_checkpoints.size"))
                .transpose()?;
            if let Some(kept) = kept {
                if kept > column_size {
                    return Err(rolled_back(key_id, size_from_column(kept, key_id)?, size));
                }
            }
            tx.execute(
                "INSERT INTO publisher_checkpoints (key_id, size, checkpoint, saved_at)
                 VALUES ($1, $2, $3, $4)
                 ON CONFLICT (key_id) DO UPDATE SET size = excluded.size,
                    checkpoint = excluded.checkpoint, saved_at = excluded.saved_at",
                &[&key_id, &column_size, &checkpoint, &timestamp_now()],
            )
            .db("keeping a publisher checkpoint")?;
            Ok(())
        })
    }
}
