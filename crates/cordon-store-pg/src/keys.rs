//! [`ApiKeys`] on PostgreSQL.

use crate::{audit, get, DbResult, PgStore};
use cordon_store::audit::NewAuditEntry;
use cordon_store::keys::{random_hex, ApiKeyInfo, ApiKeys, NewApiKey, Role};
use cordon_store::rows::{api_key_key, KeyRow};
use cordon_store::{sha256_hex, timestamp_now, Error, Result};
use postgres::{GenericClient, Row};
use serde_json::json;
use std::collections::BTreeMap;

const ROW_COLUMNS: &str = "id, person, role, key_hash, created_at, revoked_at";
const KEY_COLUMNS: &str = "id, person, role, created_at, revoked_at";

fn row_from(row: &Row) -> Result<KeyRow> {
    Ok(KeyRow {
        id: get(row, 0, "api_keys.id")?,
        person: get(row, 1, "api_keys.person")?,
        role: get(row, 2, "api_keys.role")?,
        key_hash: get(row, 3, "api_keys.key_hash")?,
        created_at: get(row, 4, "api_keys.created_at")?,
        revoked_at: get(row, 5, "api_keys.revoked_at")?,
    })
}

fn key_row(client: &mut impl GenericClient, id: &str) -> Result<KeyRow> {
    client
        .query_opt(
            &format!("SELECT {ROW_COLUMNS} FROM api_keys WHERE id = $1"),
            &[&id],
        )
        .db(&format!("reading key {id}"))?
        .as_ref()
        .map(row_from)
        .transpose()?
        .ok_or_else(|| Error::NotFound(format!("key {id}")))
}

/// Every key row's content hash, by ledger key (for verification).
pub(crate) fn row_hashes(client: &mut impl GenericClient) -> Result<BTreeMap<String, String>> {
    client
        .query(&format!("SELECT {ROW_COLUMNS} FROM api_keys"), &[])
        .db("reading key rows")?
        .iter()
        .map(|row| {
            let r = row_from(row)?;
            Ok((api_key_key(&r.id), r.row_hash()))
        })
        .collect()
}

fn key_from_row(row: &Row) -> Result<ApiKeyInfo> {
    let role: String = get(row, 2, "api_keys.role")?;
    Ok(ApiKeyInfo {
        id: get(row, 0, "api_keys.id")?,
        person: get(row, 1, "api_keys.person")?,
        // An unknown stored role grants nothing, as in SQLite.
        role: Role::parse(&role).unwrap_or(Role::Auditor),
        created_at: get(row, 3, "api_keys.created_at")?,
        revoked_at: get(row, 4, "api_keys.revoked_at")?,
    })
}

impl ApiKeys for PgStore {
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
        self.write(|tx| {
            tx.execute(
                "INSERT INTO api_keys (id, person, role, key_hash, created_at) VALUES ($1, $2, $3, $4, $5)",
                &[&info.id, &info.person, &role.as_str(), &sha256_hex(secret.as_bytes()), &info.created_at],
            )
            .db("storing a key")?;
            let row_hash = key_row(tx, &info.id)?.row_hash();
            audit::append(
                tx,
                &NewAuditEntry {
                    kind: "key_created".into(),
                    caller: caller.into(),
                    payload: json!({"key_id": info.id, "person": info.person, "role": role,
                                    "row_hash": row_hash}),
                },
            )?;
            Ok(())
        })?;
        Ok(NewApiKey { info, secret })
    }

    fn authenticate(&self, secret: &str) -> Result<Option<ApiKeyInfo>> {
        let hash = sha256_hex(secret.trim().as_bytes());
        self.read(|client| {
            client
                .query_opt(
                    &format!("SELECT {KEY_COLUMNS} FROM api_keys WHERE key_hash = $1 AND revoked_at IS NULL"),
                    &[&hash],
                )
                .db("authenticating a key")?
                .as_ref()
                .map(key_from_row)
                .transpose()
        })
    }

    fn keys(&self) -> Result<Vec<ApiKeyInfo>> {
        self.read(|client| {
            client
                .query(
                    &format!("SELECT {KEY_COLUMNS} FROM api_keys ORDER BY created_at, id"),
                    &[],
                )
                .db("listing keys")?
                .iter()
                .map(key_from_row)
                .collect()
        })
    }

    fn revoke_key(&self, id: &str, caller: &str) -> Result<()> {
        self.write(|tx| {
            let changed = tx
                .execute(
                    "UPDATE api_keys SET revoked_at = $2 WHERE id = $1 AND revoked_at IS NULL",
                    &[&id, &timestamp_now()],
                )
                .db(&format!("revoking key {id}"))?;
            if changed == 0 {
                return Err(Error::NotFound(format!("active key {id}")));
            }
            let row_hash = key_row(tx, id)?.row_hash();
            audit::append(
                tx,
                &NewAuditEntry {
                    kind: "key_revoked".into(),
                    caller: caller.into(),
                    payload: json!({"key_id": id, "row_hash": row_hash}),
                },
            )?;
            Ok(())
        })
    }
}
