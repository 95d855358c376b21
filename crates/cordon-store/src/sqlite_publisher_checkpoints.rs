//! [`PublisherCheckpoints`] on SQLite (migration 15).

use crate::publisher_checkpoints::{
    check_new_checkpoint, rolled_back, PublisherCheckpoints, StoredPublisherCheckpoint,
};
use crate::sqlite::write_transaction;
use crate::{timestamp_now, Error, Result, SqliteStore};
use rusqlite::{params, OptionalExtension};

fn size_from_column(size: i64, key_id: &str) -> Result<u64> {
    u64::try_from(size).map_err(|_| Error::Corrupt {
        what: format!("publisher_checkpoints row of key {key_id}"),
        message: format!("negative size {size}"),
    })
}

fn size_to_column(size: u64, key_id: &str) -> Result<i64> {
    i64::try_from(size).map_err(|_| {
        Error::Invalid(format!(
            "publisher checkpoint of key {key_id}: size {size} is out of range"
        ))
    })
}

impl PublisherCheckpoints for SqliteStore {
    fn publisher_checkpoint(&self, key_id: &str) -> Result<Option<StoredPublisherCheckpoint>> {
        let row = self
            .reader()
            .query_row(
                "SELECT size, checkpoint, saved_at FROM publisher_checkpoints WHERE key_id = ?1",
                params![key_id],
                |row| {
                    Ok((
                        row.get::<_, i64>(0)?,
                        row.get::<_, String>(1)?,
                        row.get::<_, String>(2)?,
                    ))
                },
            )
            .optional()?;
        row.map(|(size, checkpoint, saved_at)| {
            Ok(StoredPublisherCheckpoint {
                key_id: key_id.to_string(),
                size: size_from_column(size, key_id)?,
                checkpoint,
                saved_at,
            })
        })
        .transpose()
    }

    fn keep_publisher_checkpoint(&self, key_id: &str, size: u64, checkpoint: &str) -> Result<()> {
        check_new_checkpoint(key_id, checkpoint)?;
        let column_size = size_to_column(size, key_id)?;
        let mut connection = self.conn();
        let tx = write_transaction(&mut connection)?;
        let kept: Option<i64> = tx
            .query_row(
                "SELECT size FROM publisher_checkpoints WHERE key_id = ?1",
                params![key_id],
                |row| row.get(0),
            )
            .optional()?;
        if let Some(kept) = kept {
            if kept > column_size {
                return Err(rolled_back(key_id, size_from_column(kept, key_id)?, size));
            }
        }
        tx.execute(
            "INSERT INTO publisher_checkpoints (key_id, size, checkpoint, saved_at)
             VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT(key_id) DO UPDATE SET size = excluded.size,
                checkpoint = excluded.checkpoint, saved_at = excluded.saved_at",
            params![key_id, column_size, checkpoint, timestamp_now()],
        )?;
        tx.commit()?;
        Ok(())
    }
}
