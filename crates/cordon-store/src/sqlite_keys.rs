//! [`ApiKeys`] on SQLite.

use crate::audit::NewAuditEntry;
use crate::keys::{random_hex, ApiKeyInfo, ApiKeys, NewApiKey, Role};
use crate::rows::{api_key_key, KeyRow};
use crate::{sha256_hex, sqlite_audit, timestamp_now, Error, Result, SqliteStore};
use rusqlite::{params, Connection, OptionalExtension};
use serde_json::json;
use std::collections::BTreeMap;

const ROW_COLUMNS: &str = "id, person, role, key_hash, created_at, revoked_at";

fn row_from(row: &rusqlite::Row<'_>) -> rusqlite::Result<KeyRow> {
    Ok(KeyRow {
        id: row.get(0)?,
        person: row.get(1)?,
        role: row.get(2)?,
        key_hash: row.get(3)?,
        created_at: row.get(4)?,
        revoked_at: row.get(5)?,
    })
}

/// One key's row as stored.
fn key_row(connection: &Connection, id: &str) -> Result<KeyRow> {
    connection
        .query_row(
            &format!("SELECT {ROW_COLUMNS} FROM api_keys WHERE id = ?1"),
            params![id],
            row_from,
        )
        .optional()?
        .ok_or_else(|| Error::NotFound(format!("key {id}")))
}

/// Every key row's content hash, by ledger key (for verification).
pub(crate) fn row_hashes(connection: &Connection) -> Result<BTreeMap<String, String>> {
    let mut statement = connection.prepare(&format!("SELECT {ROW_COLUMNS} FROM api_keys"))?;
    let rows = statement
        .query_map([], row_from)?
        .map(|row| row.map(|r| (api_key_key(&r.id), r.row_hash())))
        .collect::<rusqlite::Result<_>>()?;
    Ok(rows)
}

fn key_from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<(ApiKeyInfo, String)> {
    let role: String = row.get(2)?;
    Ok((
        ApiKeyInfo {
            id: row.get(0)?,
            person: row.get(1)?,
            // An unknown stored role grants nothing: it reads as the auditor's, which screens nothing.
            role: Role::parse(&role).unwrap_or(Role::Auditor),
            created_at: row.get(3)?,
            revoked_at: row.get(4)?,
        },
        role,
    ))
}

const KEY_COLUMNS: &str = "id, person, role, created_at, revoked_at";

impl ApiKeys for SqliteStore {
    fn create_key(&self, role: Role, person: Option<&str>, caller: &str) -> Result<NewApiKey> {
        let id = format!("key_{}", random_hex(6)?);
        let secret = format!("cordon_{}", random_hex(32)?);
        let person = match person.map(str::trim) {
            Some("") => return Err(Error::Invalid("person: empty".into())),
            Some(p) => p.to_string(),
            None => id.clone(),
        };
        let info = ApiKeyInfo {
            id,
            person,
            role,
            created_at: timestamp_now(),
            revoked_at: None,
        };
        let mut connection = self.conn();
        let tx = crate::sqlite::write_transaction(&mut connection)?;
        tx.execute(
            "INSERT INTO api_keys (id, person, role, key_hash, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![info.id, info.person, role.as_str(), sha256_hex(secret.as_bytes()), info.created_at],
        )?;
        let row_hash = key_row(&tx, &info.id)?.row_hash();
        sqlite_audit::append(
            &tx,
            &NewAuditEntry {
                kind: "key_created".into(),
                caller: caller.into(),
                payload: json!({"key_id": info.id, "person": info.person, "role": role,
                                "row_hash": row_hash}),
            },
        )?;
        tx.commit()?;
        Ok(NewApiKey { info, secret })
    }

    fn authenticate(&self, secret: &str) -> Result<Option<ApiKeyInfo>> {
        let connection = self.reader();
        // Every request authenticates: keep the compiled statement.
        let found = connection
            .prepare_cached(&format!(
                "SELECT {KEY_COLUMNS} FROM api_keys WHERE key_hash = ?1 AND revoked_at IS NULL"
            ))?
            .query_row(params![sha256_hex(secret.trim().as_bytes())], key_from_row)
            .optional()?;
        Ok(found.map(|(info, _)| info))
    }

    fn keys(&self) -> Result<Vec<ApiKeyInfo>> {
        let connection = self.reader();
        let mut statement = connection.prepare(&format!(
            "SELECT {KEY_COLUMNS} FROM api_keys ORDER BY created_at, id"
        ))?;
        let keys = statement
            .query_map([], key_from_row)?
            .map(|r| r.map(|(info, _)| info))
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(keys)
    }

    fn revoke_key(&self, id: &str, caller: &str) -> Result<()> {
        let mut connection = self.conn();
        let tx = crate::sqlite::write_transaction(&mut connection)?;
        let changed = tx.execute(
            "UPDATE api_keys SET revoked_at = ?2 WHERE id = ?1 AND revoked_at IS NULL",
            params![id, timestamp_now()],
        )?;
        if changed == 0 {
            return Err(Error::NotFound(format!("active key {id}")));
        }
        sqlite_audit::append(
            &tx,
            &NewAuditEntry {
                kind: "key_revoked".into(),
                caller: caller.into(),
                payload: json!({"key_id": id, "row_hash": key_row(&tx, id)?.row_hash()}),
            },
        )?;
        tx.commit()?;
        Ok(())
    }
}
