//! Exact differences between two versions of one list, keyed by the
//! publisher's id.
//!
//! ```
//! use cordon_model::{Entity, Name, NameKind, ParsedList, Schema};
//! let mut old = ParsedList { source: "un".into(), ..Default::default() };
//! let mut a = Entity::new("un", "QDi.1", Schema::Person);
//! a.names.push(Name::new("A", NameKind::Primary));
//! old.entities.push(a.clone());
//! let mut new = old.clone();
//! new.entities[0].nationalities.push("UZ".into());
//! new.entities.push(Entity::new("un", "QDi.2", Schema::Person));
//! let diff = cordon_lists::diff(&old, &new);
//! assert_eq!(diff.added.len(), 1);
//! assert_eq!(diff.changed[0].fields[0].field, "nationalities");
//! ```

use cordon_model::{Entity, ParsedList};
use serde::Serialize;
use serde_json::Value;
use std::collections::BTreeMap;

/// A designation present in only one version.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DiffEntry {
    /// The publisher's id.
    pub source_id: String,
    /// Cordon's entity id.
    pub entity_id: String,
    /// Person, organization, vessel, aircraft.
    pub schema: cordon_model::Schema,
    /// The entity's primary name.
    pub name: String,
}

/// One field that differs between two versions of an entity.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct FieldChange {
    /// The model's field name (`names`, `birth_dates`, `designation.remarks`...).
    pub field: String,
    /// The value in the old version (JSON `null` when absent).
    pub old: Value,
    /// The value in the new version.
    pub new: Value,
}

/// A designation present in both versions with different content.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChangedEntry {
    /// The publisher's id.
    pub source_id: String,
    /// Cordon's entity id.
    pub entity_id: String,
    /// The entity's primary name in the new version.
    pub name: String,
    /// Every field that differs.
    pub fields: Vec<FieldChange>,
}

/// What changed between two versions of a list.
#[derive(Debug, Clone, PartialEq, Serialize, Default)]
pub struct ListDiff {
    /// The list's source.
    pub source: String,
    /// Old version label.
    pub from: Option<String>,
    /// New version label.
    pub to: Option<String>,
    /// Designations only in the new version, ordered by id.
    pub added: Vec<DiffEntry>,
    /// Designations only in the old version, ordered by id.
    pub removed: Vec<DiffEntry>,
    /// Designations in both whose content differs, ordered by id.
    pub changed: Vec<ChangedEntry>,
    /// Designations identical in both.
    pub unchanged: usize,
}

impl ListDiff {
    /// True when nothing was added, removed or changed.
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.removed.is_empty() && self.changed.is_empty()
    }
}

fn entry(entity: &Entity) -> DiffEntry {
    DiffEntry {
        source_id: entity.designation.source_id.clone(),
        entity_id: entity.id.clone(),
        schema: entity.schema,
        name: entity.caption().to_string(),
    }
}

/// Compares two versions of a list. Entities are keyed by `source_id`; when a
/// publisher repeats an id within one version the later record wins.
pub fn diff(old: &ParsedList, new: &ParsedList) -> ListDiff {
    let old_by_id: BTreeMap<&str, &Entity> = old
        .entities
        .iter()
        .map(|e| (e.designation.source_id.as_str(), e))
        .collect();
    let new_by_id: BTreeMap<&str, &Entity> = new
        .entities
        .iter()
        .map(|e| (e.designation.source_id.as_str(), e))
        .collect();
    let mut result = ListDiff {
        source: new.source.clone(),
        from: old.version.clone(),
        to: new.version.clone(),
        ..ListDiff::default()
    };
    for (id, new_entity) in &new_by_id {
        match old_by_id.get(id) {
            None => result.added.push(entry(new_entity)),
            Some(old_entity) => {
                let fields = field_changes(old_entity, new_entity);
                if fields.is_empty() {
                    result.unchanged += 1;
                } else {
                    result.changed.push(ChangedEntry {
                        source_id: id.to_string(),
                        entity_id: new_entity.id.clone(),
                        name: new_entity.caption().to_string(),
                        fields,
                    });
                }
            }
        }
    }
    for (id, old_entity) in &old_by_id {
        if !new_by_id.contains_key(id) {
            result.removed.push(entry(old_entity));
        }
    }
    result
}

/// Field-level changes, comparing the JSON form of each top-level field and
/// of each designation field.
pub fn field_changes(old: &Entity, new: &Entity) -> Vec<FieldChange> {
    let (Ok(Value::Object(old)), Ok(Value::Object(new))) =
        (serde_json::to_value(old), serde_json::to_value(new))
    else {
        return Vec::new();
    };
    let mut changes = Vec::new();
    compare_maps("", &old, &new, &mut changes);
    changes
}

fn compare_maps(
    prefix: &str,
    old: &serde_json::Map<String, Value>,
    new: &serde_json::Map<String, Value>,
    changes: &mut Vec<FieldChange>,
) {
    let keys: std::collections::BTreeSet<&String> = old.keys().chain(new.keys()).collect();
    for key in keys {
        let a = old.get(key).unwrap_or(&Value::Null);
        let b = new.get(key).unwrap_or(&Value::Null);
        if a == b || same_set(key, a, b) {
            continue;
        }
        if key == "designation" {
            if let (Value::Object(a), Value::Object(b)) = (a, b) {
                compare_maps("designation.", a, b, changes);
                continue;
            }
        }
        changes.push(FieldChange {
            field: format!("{prefix}{key}"),
            old: a.clone(),
            new: b.clone(),
        });
    }
}

/// Fields whose order carries no meaning: publishers reorder identifiers,
/// nationalities or programmes between versions without changing anything.
/// `names` is not one of them: the first name is the primary one.
const SET_LIKE_FIELDS: [&str; 8] = [
    "links",
    "identifiers",
    "nationalities",
    "countries",
    "addresses",
    "birth_dates",
    "birth_places",
    "programmes",
];

/// Whether `a` and `b` are the same set of values in a set-like field.
fn same_set(key: &str, a: &Value, b: &Value) -> bool {
    if !SET_LIKE_FIELDS.contains(&key) {
        return false;
    }
    let (Value::Array(a), Value::Array(b)) = (a, b) else {
        return false;
    };
    sorted_texts(a) == sorted_texts(b)
}

fn sorted_texts(values: &[Value]) -> Vec<String> {
    let mut texts: Vec<String> = values.iter().map(Value::to_string).collect();
    texts.sort_unstable();
    texts
}

#[cfg(test)]
mod tests {
    use super::*;
    use cordon_model::{Name, NameKind, Schema};

    fn list(entities: Vec<Entity>) -> ParsedList {
        ParsedList {
            source: "un".into(),
            entities,
            ..ParsedList::default()
        }
    }

    #[test]
    fn identical_lists_have_no_diff() {
        let mut e = Entity::new("un", "1", Schema::Person);
        e.names.push(Name::new("A", NameKind::Primary));
        let d = diff(&list(vec![e.clone()]), &list(vec![e]));
        assert!(d.is_empty());
        assert_eq!(d.unchanged, 1);
    }

    #[test]
    fn reordered_identifiers_and_programmes_are_no_change() {
        use cordon_model::{Identifier, IdentifierKind};
        let document = |number: &str| Identifier {
            kind: IdentifierKind::Passport,
            number: number.into(),
            country: None,
            note: None,
        };
        let mut a = Entity::new("ofac", "1", Schema::Person);
        a.identifiers = vec![document("A1"), document("B2")];
        a.designation.programmes = vec!["SDGT".into(), "IRGC".into()];
        let mut b = a.clone();
        b.identifiers.reverse();
        b.designation.programmes.reverse();
        let d = diff(&list(vec![a.clone()]), &list(vec![b]));
        assert!(d.is_empty(), "{d:?}");
        // A real change in a set-like field is still reported.
        let mut c = a.clone();
        c.identifiers[1].number = "C3".into();
        let d = diff(&list(vec![a.clone()]), &list(vec![c]));
        assert_eq!(d.changed[0].fields[0].field, "identifiers");
        // The order of names is meaningful (primary first).
        let mut e = a.clone();
        e.names = vec![
            Name::new("X", NameKind::Primary),
            Name::new("Y", NameKind::Alias),
        ];
        let mut f = e.clone();
        f.names.reverse();
        assert_eq!(diff(&list(vec![e]), &list(vec![f])).changed.len(), 1);
    }

    #[test]
    fn reports_added_removed_and_designation_fields() {
        let a = Entity::new("un", "1", Schema::Person);
        let b = Entity::new("un", "2", Schema::Person);
        let mut a2 = a.clone();
        a2.designation.remarks = Some("new remark".into());
        let d = diff(
            &list(vec![a, b]),
            &list(vec![a2, Entity::new("un", "3", Schema::Organization)]),
        );
        assert_eq!(d.added[0].source_id, "3");
        assert_eq!(d.removed[0].source_id, "2");
        assert_eq!(d.changed[0].fields.len(), 1);
        assert_eq!(d.changed[0].fields[0].field, "designation.remarks");
        assert_eq!(d.changed[0].fields[0].old, Value::Null);
    }
}
