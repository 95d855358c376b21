//! [`Store`] (list versions) on PostgreSQL.

use crate::{big, get, DbResult, PgStore};
use cordon_model::{Entity, ListCounts, ParsedList};
use cordon_store::{
    now, Error, ImportOutcome, ImportRequest, ListWatcher, Result, Store, UpdateStatus, VersionInfo,
};
use postgres::types::ToSql;
use postgres::{GenericClient, Row};
use std::time::Duration;

const VERSION_COLUMNS: &str = "id, source, publisher_version, content_hash, imported_at, origin,
    persons, organizations, vessels, aircraft, names, warnings";

/// Entities written per INSERT: one round trip per chunk rather than per
/// entity (an OFAC import has about 18,000), well under PostgreSQL's 65,535
/// parameters per statement (4 per entity).
const ENTITIES_PER_INSERT: usize = 1_000;

fn count(row: &Row, index: usize, column: &str) -> Result<usize> {
    Ok(usize::try_from(get::<i64>(row, index, column)?).unwrap_or(0))
}

fn version_from_row(row: &Row) -> Result<VersionInfo> {
    let warnings: String = get(row, 11, "list_versions.warnings")?;
    Ok(VersionInfo {
        id: get(row, 0, "list_versions.id")?,
        source: get(row, 1, "list_versions.source")?,
        version: get(row, 2, "list_versions.publisher_version")?,
        content_hash: get(row, 3, "list_versions.content_hash")?,
        imported_at: get(row, 4, "list_versions.imported_at")?,
        origin: get(row, 5, "list_versions.origin")?,
        counts: ListCounts {
            persons: count(row, 6, "persons")?,
            organizations: count(row, 7, "organizations")?,
            vessels: count(row, 8, "vessels")?,
            aircraft: count(row, 9, "aircraft")?,
            names: count(row, 10, "names")?,
        },
        warnings: serde_json::from_str(&warnings).unwrap_or_default(),
    })
}

pub(crate) fn version_by_id(
    client: &mut impl GenericClient,
    id: i64,
) -> Result<Option<VersionInfo>> {
    client
        .query_opt(
            &format!("SELECT {VERSION_COLUMNS} FROM list_versions WHERE id = $1"),
            &[&id],
        )
        .db("reading a list version")?
        .as_ref()
        .map(version_from_row)
        .transpose()
}

fn load_entities(client: &mut impl GenericClient, version: &VersionInfo) -> Result<ParsedList> {
    let rows = client
        .query(
            "SELECT entity FROM list_entities WHERE version_id = $1 ORDER BY position",
            &[&version.id],
        )
        .db(&format!("reading the entities of {}", version.label()))?;
    let mut entities = Vec::with_capacity(rows.len());
    for row in &rows {
        let json: String = get(row, 0, "list_entities.entity")?;
        let entity: Entity = serde_json::from_str(&json).map_err(|e| Error::Corrupt {
            what: format!("entity of version {}", version.label()),
            message: e.to_string(),
        })?;
        entities.push(entity);
    }
    Ok(ParsedList {
        source: version.source.clone(),
        version: version.version.clone(),
        entities,
        warnings: version.warnings.clone(),
    })
}

/// The stored version holding exactly this content, if any.
pub(crate) fn stored_content(
    client: &mut impl GenericClient,
    request: &ImportRequest<'_>,
) -> Result<Option<VersionInfo>> {
    let id: Option<i64> = client
        .query_opt(
            "SELECT id FROM list_versions WHERE source = $1 AND content_hash = $2",
            &[&request.list.source, &request.content_hash],
        )
        .db("looking for stored content")?
        .map(|row| get(&row, 0, "list_versions.id"))
        .transpose()?;
    match id {
        Some(id) => Ok(Some(
            version_by_id(client, id)?.ok_or_else(|| Error::NotFound(format!("#{id}")))?,
        )),
        None => Ok(None),
    }
}

/// Writes a new version row and its entities inside the caller's transaction.
pub(crate) fn insert_version(
    tx: &mut impl GenericClient,
    request: &ImportRequest<'_>,
) -> Result<VersionInfo> {
    let list = request.list;
    let counts = list.counts();
    let warnings = serde_json::to_string(&list.warnings).unwrap_or_else(|_| "[]".into());
    let row = tx
        .query_one(
            "INSERT INTO list_versions (source, publisher_version, content_hash, imported_at, origin,
                persons, organizations, vessels, aircraft, names, warnings)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
            &[
                &list.source,
                &list.version,
                &request.content_hash,
                &now(),
                &request.origin,
                &big(counts.persons),
                &big(counts.organizations),
                &big(counts.vessels),
                &big(counts.aircraft),
                &big(counts.names),
                &warnings,
            ],
        )
        .db(&format!("storing a version of {}", list.source))?;
    let id: i64 = get(&row, 0, "list_versions.id")?;
    insert_entities(tx, id, &list.entities)?;
    let version = version_by_id(tx, id)?.ok_or_else(|| Error::NotFound(format!("#{id}")))?;
    crate::signals::announce(tx, &version.label())?;
    Ok(version)
}

fn insert_entities(
    tx: &mut impl GenericClient,
    version_id: i64,
    entities: &[Entity],
) -> Result<()> {
    for (chunk_index, chunk) in entities.chunks(ENTITIES_PER_INSERT).enumerate() {
        let mut rows: Vec<(i64, &str, String)> = Vec::with_capacity(chunk.len());
        for (offset, entity) in chunk.iter().enumerate() {
            let json = serde_json::to_string(entity).map_err(|e| Error::Corrupt {
                what: entity.id.clone(),
                message: e.to_string(),
            })?;
            let position = big(chunk_index * ENTITIES_PER_INSERT + offset);
            rows.push((position, entity.designation.source_id.as_str(), json));
        }
        let mut sql = String::from(
            "INSERT INTO list_entities (version_id, position, source_id, entity) VALUES ",
        );
        let mut params: Vec<&(dyn ToSql + Sync)> = Vec::with_capacity(rows.len() * 4);
        for (i, (position, source_id, json)) in rows.iter().enumerate() {
            let n = i * 4;
            if i > 0 {
                sql.push(',');
            }
            sql.push_str(&format!("(${}, ${}, ${}, ${})", n + 1, n + 2, n + 3, n + 4));
            params.extend([
                &version_id as &(dyn ToSql + Sync),
                position,
                source_id,
                json,
            ]);
        }
        tx.execute(sql.as_str(), &params)
            .db(&format!("storing the entities of version #{version_id}"))?;
    }
    Ok(())
}

impl Store for PgStore {
    fn probe(&self, timeout: Duration) -> Result<()> {
        PgStore::probe(self, timeout)
    }

    fn import(&self, request: &ImportRequest<'_>) -> Result<ImportOutcome> {
        self.write(|tx| {
            if let Some(version) = stored_content(tx, request)? {
                return Ok(ImportOutcome {
                    version,
                    created: false,
                });
            }
            Ok(ImportOutcome {
                version: insert_version(tx, request)?,
                created: true,
            })
        })
    }

    fn list_watcher(&self) -> Result<Option<Box<dyn ListWatcher>>> {
        Ok(Some(Box::new(crate::signals::PgListWatcher::start(self)?)))
    }

    fn versions(&self) -> Result<Vec<VersionInfo>> {
        self.read(|client| {
            client
                .query(
                    &format!("SELECT {VERSION_COLUMNS} FROM list_versions ORDER BY id"),
                    &[],
                )
                .db("listing list versions")?
                .iter()
                .map(version_from_row)
                .collect()
        })
    }

    fn load(&self, version_id: i64) -> Result<ParsedList> {
        self.read(|client| {
            let version = version_by_id(client, version_id)?
                .ok_or_else(|| Error::NotFound(format!("#{version_id}")))?;
            load_entities(client, &version)
        })
    }

    fn latest_lists(&self) -> Result<Vec<(VersionInfo, ParsedList)>> {
        self.read(|client| {
            // One snapshot: a version imported meanwhile is either wholly in or out.
            let mut tx = client
                .build_transaction()
                .isolation_level(postgres::IsolationLevel::RepeatableRead)
                .read_only(true)
                .start()
                .db("starting a read")?;
            let ids: Vec<i64> = tx
                .query(
                    "SELECT MAX(id) FROM list_versions GROUP BY source ORDER BY source",
                    &[],
                )
                .db("finding the latest versions")?
                .iter()
                .map(|row| get(row, 0, "max(id)"))
                .collect::<Result<_>>()?;
            let mut lists = Vec::with_capacity(ids.len());
            for id in ids {
                if let Some(version) = version_by_id(&mut tx, id)? {
                    let list = load_entities(&mut tx, &version)?;
                    lists.push((version, list));
                }
            }
            tx.commit().db("ending a read")?;
            Ok(lists)
        })
    }

    fn find(&self, spec: &str) -> Result<VersionInfo> {
        let not_found = || Error::NotFound(spec.to_string());
        self.read(|client| {
            if let Some(id) = spec.strip_prefix('#') {
                let id: i64 = id.parse().map_err(|_| not_found())?;
                return version_by_id(client, id)?.ok_or_else(not_found);
            }
            let row = match spec.split_once('@') {
                Some((source, version)) => client.query_opt(
                    &format!(
                        "SELECT {VERSION_COLUMNS} FROM list_versions
                         WHERE source = $1 AND publisher_version = $2 ORDER BY id DESC LIMIT 1"
                    ),
                    &[&source, &version],
                ),
                None => client.query_opt(
                    &format!(
                        "SELECT {VERSION_COLUMNS} FROM list_versions
                         WHERE source = $1 ORDER BY id DESC LIMIT 1"
                    ),
                    &[&spec],
                ),
            }
            .db(&format!("finding version {spec}"))?;
            row.as_ref()
                .map(version_from_row)
                .transpose()?
                .ok_or_else(not_found)
        })
    }

    fn record_update(&self, source: &str, error: Option<&str>) -> Result<()> {
        let at = now();
        self.read(|client| {
            client
                .execute(
                    "INSERT INTO list_updates (source, last_attempt, last_success, last_error)
                     VALUES ($1, $2, CASE WHEN $3::text IS NULL THEN $2 END, $3::text)
                     ON CONFLICT (source) DO UPDATE SET
                        last_attempt = excluded.last_attempt,
                        last_success = COALESCE(excluded.last_success, list_updates.last_success),
                        last_error = excluded.last_error",
                    &[&source, &at, &error],
                )
                .db(&format!("recording an update of {source}"))?;
            Ok(())
        })
    }

    fn update_statuses(&self) -> Result<Vec<UpdateStatus>> {
        self.read(|client| {
            client
                .query(
                    "SELECT source, last_attempt, last_success, last_error FROM list_updates ORDER BY source",
                    &[],
                )
                .db("reading update statuses")?
                .iter()
                .map(|row| {
                    Ok(UpdateStatus {
                        source: get(row, 0, "list_updates.source")?,
                        last_attempt: get(row, 1, "list_updates.last_attempt")?,
                        last_success: get(row, 2, "list_updates.last_success")?,
                        last_error: get(row, 3, "list_updates.last_error")?,
                    })
                })
                .collect()
        })
    }
}
