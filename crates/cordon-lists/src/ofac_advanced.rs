//! OFAC **Advanced XML** (`sdn_advanced.xml`, `cons_advanced.xml`; schema
//! `sdn_advanced.xsd`, root `<Sanctions>`).
//!
//! The format is relational: reference tables (`ReferenceValueSets`), then
//! `Locations`, `IDRegDocuments`, `DistinctParties`, `ProfileRelationships`
//! and `SanctionsEntries`, linked by ids. The file is streamed one record at
//! a time ([`crate::tree`]); only the reference tables, the locations and the
//! documents waiting for their party are kept besides the entities themselves,
//! so peak memory stays far below the ~100 MB of the real `sdn_advanced.xml`
//! (docs/benchmarks.md).
//!
//! Field mapping: the `DistinctParty@FixedRef` is OFAC's uid (so versions
//! diff against the other OFAC readers); `PartySubType`/`PartyType` ->
//! schema; each `Alias` (`Primary`, `LowQuality`, type A.K.A./F.K.A./N.K.A.)
//! with one `DocumentedName` per script, parts ordered `LAST, First` as OFAC
//! prints them, non-Latin scripts as original-script names; `Feature`s:
//! birth date (`DatePeriod`: a day, month, year, circa or a range), place of
//! birth, citizenship/nationality (via the location's country), gender,
//! SWIFT/BIC, addresses (`Location`), others into the remarks; documents by
//! identity; relationships (`ProfileRelationship`) as [`Link`]s to the
//! related entity and a remark naming it; programmes/listing dates from the
//! sanctions entries.

use crate::generic::identifier;
use crate::ofac::{document_kind, gender};
use crate::ofac_enhanced::period;
use crate::text::{self, non_empty, push_unique, scripted};
use crate::tree::{stream_records, Node};
use crate::{Error, ParsedList, Result};
use cordon_model::identifier::comparable_of;
use cordon_model::{
    Address, Entity, Identifier, IdentifierKind, Link, Name, NameKind, NameParts, NameQuality,
    PartialDate, Place, Schema,
};
use std::collections::HashMap;
use std::io::BufRead;

/// Reads an Advanced XML file from bytes.
pub fn read(bytes: &[u8]) -> Result<ParsedList> {
    read_from(bytes)
}

/// Reads an Advanced XML file from any buffered reader, one record at a time.
pub fn read_from(source: impl BufRead) -> Result<ParsedList> {
    let mut state = State::default();
    let mut root_checked = false;
    stream_records(source, 2, |ancestors, node| {
        if !root_checked {
            check_root(ancestors)?;
            root_checked = true;
        }
        state.record(ancestors.get(1).map_or("", String::as_str), node)
    })?;
    if !root_checked {
        return Err(Error::Format(
            "not an OFAC Advanced XML file (no <Sanctions> root with content)".into(),
        ));
    }
    Ok(state.finish())
}

fn check_root(ancestors: &[String]) -> Result<()> {
    match ancestors.first().map(String::as_str) {
        Some("Sanctions") => Ok(()),
        other => Err(Error::Format(format!(
            "not an OFAC Advanced XML file: the root is <{}>, expected <Sanctions>",
            other.unwrap_or("")
        ))),
    }
}

/// A value of a reference table: its text and attributes (`ISO2`, ...).
#[derive(Default)]
struct Reference {
    text: String,
    attributes: Vec<(String, String)>,
}

/// A location, resolved once: its text and country code.
struct Location {
    text: String,
    city: Option<String>,
    country: Option<String>,
}

#[derive(Default)]
struct State {
    list: ParsedList,
    issued: [Option<i32>; 3],
    /// Reference tables by element name (`AliasType`, `Country`...) then ID.
    references: HashMap<String, HashMap<String, Reference>>,
    locations: HashMap<String, Location>,
    /// Documents by the identity they belong to, until the party is read.
    documents: HashMap<String, Vec<Identifier>>,
    /// Entity index by profile id, for relationships and sanctions entries.
    by_profile: HashMap<String, usize>,
    /// Remarks gathered after the party was read, by entity index.
    late_remarks: HashMap<usize, Vec<String>>,
}

impl State {
    fn record(&mut self, section: &str, node: Node) -> Result<()> {
        match (section, node.name.as_str()) {
            ("DateOfIssue", part) => self.date_part(part, &node.text),
            ("ReferenceValueSets", _) => self.reference_table(node),
            ("Locations", "Location") => self.location(&node),
            ("IDRegDocuments", "IDRegDocument") => self.document(&node),
            ("DistinctParties", "DistinctParty") => self.party(&node)?,
            ("ProfileRelationships", "ProfileRelationship") => self.relationship(&node),
            ("SanctionsEntries", "SanctionsEntry") => self.sanctions_entry(&node),
            _ => {}
        }
        Ok(())
    }

    fn date_part(&mut self, part: &str, text: &str) {
        let value = text.trim().parse::<i32>().ok();
        match part {
            "Year" => self.issued[0] = value,
            "Month" => self.issued[1] = value,
            "Day" => self.issued[2] = value,
            _ => {}
        }
    }

    fn reference_table(&mut self, table: Node) {
        for value in table.children {
            let Some(id) = value.attr("ID").map(str::to_string) else {
                continue;
            };
            self.references.entry(value.name).or_default().insert(
                id,
                Reference {
                    text: value.text,
                    attributes: value.attributes,
                },
            );
        }
    }

    /// The text of reference `id` in table `table` (`""` when absent).
    fn reference(&self, table: &str, id: Option<&str>) -> &str {
        id.and_then(|id| self.references.get(table)?.get(id))
            .map_or("", |r| r.text.trim())
    }

    fn reference_attr(&self, table: &str, id: Option<&str>, attribute: &str) -> Option<&str> {
        let reference = self.references.get(table)?.get(id?)?;
        reference
            .attributes
            .iter()
            .find(|(key, _)| key == attribute)
            .map(|(_, value)| value.as_str())
    }

    fn location(&mut self, node: &Node) {
        let Some(id) = node.attr("ID") else {
            return;
        };
        let mut parts = Vec::new();
        let mut city = None;
        for part in node.children_named("LocationPart") {
            let kind = self.reference("LocPartType", part.attr("LocPartTypeID"));
            let Some(value) = part
                .text_at(&["LocationPartValue", "Value"])
                .map(text::clean)
            else {
                continue;
            };
            if kind.eq_ignore_ascii_case("CITY") {
                city = Some(value.clone());
            }
            parts.push(value);
        }
        let country_id = node
            .child("LocationCountry")
            .and_then(|c| c.attr("CountryID"));
        let area_id = node
            .child("LocationAreaCode")
            .and_then(|c| c.attr("AreaCodeID"));
        let country = self
            .reference_attr("Country", country_id, "ISO2")
            .map(str::to_string)
            .or_else(|| text::country_code(self.reference("AreaCode", area_id)))
            .or_else(|| text::country_code(self.reference("Country", country_id)));
        let country_name = match self.reference("Country", country_id) {
            "" => self
                .reference_attr("AreaCode", area_id, "Description")
                .unwrap_or(""),
            name => name,
        };
        // OFAC's "undetermined" area says nothing: no text, no country.
        if let Some(name) =
            non_empty(country_name).filter(|n| !n.eq_ignore_ascii_case("undetermined"))
        {
            parts.push(name);
        }
        self.locations.insert(
            id.to_string(),
            Location {
                text: parts.join(", "),
                city,
                country,
            },
        );
    }

    fn document(&mut self, node: &Node) {
        let Some(number) = node.text_at(&["IDRegistrationNo"]).and_then(non_empty) else {
            return;
        };
        let Some(identity) = node.attr("IdentityID") else {
            return;
        };
        let document_type = self.reference("IDRegDocType", node.attr("IDRegDocTypeID"));
        let kind = document_kind(document_type, &number);
        let number = match kind {
            IdentifierKind::Imo => comparable_of(&kind, &number),
            _ => number,
        };
        let country_id = node.attr("IssuedBy-CountryID");
        let country = self
            .reference_attr("Country", country_id, "ISO2")
            .map(str::to_string)
            .or_else(|| text::country_code(self.reference("Country", country_id)));
        let validity = self.reference("Validity", node.attr("ValidityID"));
        let note = (!validity.is_empty() && !validity.eq_ignore_ascii_case("valid"))
            .then(|| format!("{validity} (OFAC)"));
        self.documents
            .entry(identity.to_string())
            .or_default()
            .push(Identifier {
                kind,
                number,
                country,
                note,
            });
    }

    fn party(&mut self, node: &Node) -> Result<()> {
        let id = node
            .attr("FixedRef")
            .ok_or_else(|| Error::Format("a <DistinctParty> without FixedRef".into()))?;
        let profile = node
            .child("Profile")
            .ok_or_else(|| Error::Format(format!("OFAC party {id}: no <Profile>")))?;
        let schema = self.schema(profile, id)?;
        let mut entity = Entity::new("ofac", id, schema);
        let mut remarks: Vec<String> = node
            .text_at(&["Comment"])
            .map(text::clean)
            .into_iter()
            .collect();
        for identity in profile.children_named("Identity") {
            self.names(&mut entity, identity);
            if let Some(documents) = identity.attr("ID").and_then(|i| self.documents.remove(i)) {
                for document in documents {
                    push_unique(&mut entity.identifiers, document);
                }
            }
        }
        entity.names.sort_by_key(|n| n.kind != NameKind::Primary);
        for feature in profile.children_named("Feature") {
            self.feature(&mut entity, feature, &mut remarks);
        }
        if !remarks.is_empty() {
            entity.designation.remarks = Some(remarks.join("\n"));
        }
        if let Some(profile_id) = profile.attr("ID") {
            self.by_profile
                .insert(profile_id.to_string(), self.list.entities.len());
        }
        // Complete but for programmes and late remarks: give back the
        // spare room now, while the list is still growing (see finish).
        entity.shrink_to_fit();
        self.list.entities.push(entity);
        Ok(())
    }

    fn schema(&self, profile: &Node, id: &str) -> Result<Schema> {
        let sub_type = profile.attr("PartySubTypeID");
        let sub_name = self.reference("PartySubType", sub_type);
        let party_type = self.reference(
            "PartyType",
            self.reference_attr("PartySubType", sub_type, "PartyTypeID"),
        );
        let schema = match (party_type, sub_name) {
            (_, "Vessel") => Some(Schema::Vessel),
            (_, "Aircraft") => Some(Schema::Aircraft),
            ("Individual", _) => Some(Schema::Person),
            ("Entity", _) | ("Other Entity", _) | ("Location", _) => Some(Schema::Organization),
            _ => None,
        };
        schema.ok_or_else(|| {
            Error::Format(format!(
                "OFAC party {id}: unknown party type `{party_type}`/`{sub_name}` (PartySubTypeID {})",
                sub_type.unwrap_or("missing")
            ))
        })
    }

    fn names(&self, entity: &mut Entity, identity: &Node) {
        let part_types: HashMap<&str, &str> = identity
            .all(&["NamePartGroups", "MasterNamePartGroup", "NamePartGroup"])
            .into_iter()
            .filter_map(|g| {
                let kind = self.reference("NamePartType", g.attr("NamePartTypeID"));
                Some((g.attr("ID")?, kind))
            })
            .collect();
        for alias in identity.children_named("Alias") {
            let alias_type = self.reference("AliasType", alias.attr("AliasTypeID"));
            let kind = if alias.attr("Primary") == Some("true") {
                NameKind::Primary
            } else if alias_type.eq_ignore_ascii_case("F.K.A.") {
                NameKind::Former
            } else {
                NameKind::Alias
            };
            let quality = if alias.attr("LowQuality") == Some("true") {
                NameQuality::Weak
            } else {
                NameQuality::Strong
            };
            for documented in alias.children_named("DocumentedName") {
                if let Some(name) =
                    self.documented_name(documented, &part_types, kind, entity.schema)
                {
                    entity.push_name(name.with_quality(quality));
                }
            }
        }
    }

    /// One documented name: `LAST, First Middle` for a person, its parts in
    /// order otherwise; a non-Latin script makes it an original-script name.
    fn documented_name(
        &self,
        documented: &Node,
        part_types: &HashMap<&str, &str>,
        kind: NameKind,
        schema: Schema,
    ) -> Option<Name> {
        let mut family = Vec::new();
        let mut given = Vec::new();
        let mut latin = true;
        for value in documented.all(&["DocumentedNamePart", "NamePartValue"]) {
            let Some(text) = non_empty(&value.text) else {
                continue;
            };
            let script = self.reference_attr("Script", value.attr("ScriptID"), "ScriptCode");
            latin &= script.is_none_or(|s| s.eq_ignore_ascii_case("latin"));
            let part_type = value
                .attr("NamePartGroupID")
                .and_then(|g| part_types.get(g))
                .copied()
                .unwrap_or("");
            if part_type == "Last Name" {
                family.push(text);
            } else {
                given.push(text);
            }
        }
        let (family, given) = (family.join(" "), given.join(" "));
        let full = match (family.is_empty(), given.is_empty()) {
            (false, false) if schema == Schema::Person => format!("{family}, {given}"),
            (false, false) => format!("{given} {family}"),
            (false, true) => family.clone(),
            (true, false) => given.clone(),
            (true, true) => return None,
        };
        let kind = if latin {
            kind
        } else {
            NameKind::OriginalScript
        };
        let mut name = scripted(Name::new(full, kind));
        if schema == Schema::Person {
            name.set_parts(NameParts {
                family: non_empty(&family),
                first: non_empty(&given),
                ..NameParts::default()
            });
        }
        Some(name)
    }

    fn feature(&self, entity: &mut Entity, feature: &Node, remarks: &mut Vec<String>) {
        let kind = self.reference("FeatureType", feature.attr("FeatureTypeID"));
        for version in feature.children_named("FeatureVersion") {
            let detail = version.child("VersionDetail");
            let detail_text = detail.and_then(|d| non_empty(&d.text)).or_else(|| {
                non_empty(self.reference(
                    "DetailReference",
                    detail.and_then(|d| d.attr("DetailReferenceID")),
                ))
            });
            let location = version
                .child("VersionLocation")
                .and_then(|l| l.attr("LocationID"))
                .and_then(|id| self.locations.get(id));
            match kind {
                "Birthdate" | "Vessel Year of Build" | "Aircraft Manufacture Date" => {
                    let date = version
                        .child("DatePeriod")
                        .and_then(date_period)
                        .or_else(|| detail_text.as_deref().and_then(crate::ofac::birth_date));
                    if let Some(date) = date {
                        push_unique(&mut entity.birth_dates, date);
                    }
                }
                "Place of Birth" => {
                    let place = match (location, detail_text) {
                        (Some(l), _) => Place {
                            text: l.text.clone(),
                            country: l.country.clone(),
                        },
                        (None, Some(text)) => crate::ofac::place(&text),
                        (None, None) => continue,
                    };
                    push_unique(&mut entity.birth_places, place);
                }
                "Citizenship Country" | "Nationality Country" => {
                    if let Some(code) = location.and_then(|l| l.country.clone()) {
                        push_unique(&mut entity.nationalities, code);
                    }
                }
                "Vessel Flag" | "Nationality of Registration" => {
                    if let Some(code) = location.and_then(|l| l.country.clone()) {
                        push_unique(&mut entity.countries, code);
                    }
                }
                "Location" => {
                    if let Some(location) = location.filter(|l| !l.text.is_empty()) {
                        if let Some(code) = &location.country {
                            push_unique(&mut entity.countries, code.clone());
                        }
                        push_unique(
                            &mut entity.addresses,
                            Address {
                                text: location.text.clone(),
                                city: location.city.clone(),
                                country: location.country.clone(),
                            },
                        );
                    }
                }
                "Gender" => entity.gender = detail_text.as_deref().and_then(gender),
                "SWIFT/BIC" => {
                    if let Some(bic) = detail_text {
                        push_unique(
                            &mut entity.identifiers,
                            identifier(IdentifierKind::Bic, bic),
                        );
                    }
                }
                _ => {
                    let value = detail_text.or_else(|| location.map(|l| l.text.clone()));
                    if let Some(value) = value {
                        let label = kind.trim_end_matches([' ', ':', '-']);
                        remarks.push(format!("{label}: {value}"));
                    }
                }
            }
        }
    }

    fn relationship(&mut self, node: &Node) {
        let (Some(&from), Some(&to)) = (
            node.attr("From-ProfileID")
                .and_then(|id| self.by_profile.get(id)),
            node.attr("To-ProfileID")
                .and_then(|id| self.by_profile.get(id)),
        ) else {
            return;
        };
        let kind = self.reference("RelationType", node.attr("RelationTypeID"));
        let Some(target) = self.list.entities.get(to) else {
            return;
        };
        let remark = format!("Related: {kind} {} ({})", target.caption(), target.id);
        let link = Link {
            relation: kind.to_string(),
            entity: target.id.clone(),
        };
        self.late_remarks.entry(from).or_default().push(remark);
        if let Some(source) = self.list.entities.get_mut(from) {
            push_unique(&mut source.links, link);
        }
    }

    fn sanctions_entry(&mut self, node: &Node) {
        let Some(&index) = node
            .attr("ProfileID")
            .and_then(|id| self.by_profile.get(id))
        else {
            return;
        };
        let listed = node
            .all(&["EntryEvent", "Date"])
            .into_iter()
            .filter_map(ymd)
            .min();
        let programmes: Vec<String> = node
            .children_named("SanctionsMeasure")
            .filter(|m| self.reference("SanctionsType", m.attr("SanctionsTypeID")) == "Program")
            .filter_map(|m| m.text_at(&["Comment"]).and_then(non_empty))
            .collect();
        if let Some(entity) = self.list.entities.get_mut(index) {
            let designation = &mut entity.designation;
            for programme in programmes {
                push_unique(&mut designation.programmes, programme);
            }
            if let Some(listed) = listed {
                designation.listed_on =
                    Some(designation.listed_on.map_or(listed, |d| d.min(listed)));
            }
        }
    }

    fn finish(mut self) -> ParsedList {
        for (index, remarks) in std::mem::take(&mut self.late_remarks) {
            if let Some(entity) = self.list.entities.get_mut(index) {
                let current = entity.designation.remarks.get_or_insert_with(String::new);
                for remark in remarks {
                    if !current.is_empty() {
                        current.push('\n');
                    }
                    current.push_str(&remark);
                }
            }
        }
        let orphans: usize = self.documents.values().map(Vec::len).sum();
        if orphans > 0 {
            self.list.warnings.push(format!(
                "{orphans} identity document(s) name an identity no party holds; left out"
            ));
        }
        if let [Some(year), month, day] = self.issued {
            let date = PartialDate::new(year, month.and_then(small), day.and_then(small));
            self.list.version = date.map(|d| d.to_string());
        }
        self.list.source = "ofac".into();
        // The sanctions entries added programmes after each party was shrunk.
        self.list.shrink_to_fit();
        self.list
    }
}

fn small(value: i32) -> Option<u8> {
    u8::try_from(value).ok()
}

/// A `<Date>` or `<From>`/`<To>` of `Year`, `Month`, `Day`.
fn ymd(node: &Node) -> Option<PartialDate> {
    let part = |name: &str| node.text_at(&[name]).and_then(|t| t.parse::<i32>().ok());
    PartialDate::new(
        part("Year")?,
        part("Month").and_then(small),
        part("Day").and_then(small),
    )
}

/// A `DatePeriod`: `Start` (`From`..`To`) and `End` (`From`..`To`).
fn date_period(node: &Node) -> Option<cordon_model::BirthDate> {
    let bound = |path: [&str; 2]| node.all(&path).first().and_then(|n| ymd(n));
    let approximate = ["Start", "End"]
        .iter()
        .filter_map(|side| node.child(side))
        .any(|side| side.attr("Approximate") == Some("true"));
    period(
        [
            bound(["Start", "From"])?,
            bound(["Start", "To"])?,
            bound(["End", "From"])?,
            bound(["End", "To"])?,
        ],
        approximate,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use cordon_model::DateQualifier;

    const CONS: &str = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../../shared/data/lists/public/ofac/ofac_cons_advanced_2020-03-17.xml"
    );

    fn cons() -> ParsedList {
        read(&std::fs::read(CONS).unwrap()).unwrap()
    }

    #[test]
    fn counts_match_the_file() {
        let list = cons();
        let text = std::fs::read_to_string(CONS).unwrap();
        // Counted on the raw text, independently of the reader.
        assert_eq!(list.entities.len(), text.matches("<DistinctParty ").count());
        assert_eq!(list.entities.len(), 375);
        assert_eq!(list.version.as_deref(), Some("2020-03-17"));
        let documents: usize = list.entities.iter().map(|e| e.identifiers.len()).sum();
        let bics = text.matches("FeatureTypeID=\"13\"").count();
        assert!(documents <= text.matches("<IDRegDocument ").count() + bics);
        assert!(list.warnings.is_empty(), "{:?}", list.warnings);
    }

    #[test]
    fn haniya_names_dates_and_place() {
        let list = cons();
        let e = list.entities.iter().find(|e| e.id == "ofac:9639").unwrap();
        assert_eq!(e.schema, Schema::Person);
        assert_eq!(e.caption(), "HANIYA, Ismail Abdul Salah");
        assert!(e.names.iter().any(|n| n.full == "HANIYYA, Ismaeel"));
        assert_eq!(e.birth_dates[0].date.to_string(), "1962");
        assert_eq!(e.birth_dates[0].qualifier, DateQualifier::Exact);
        assert_eq!(e.birth_places[0].text, "Shati");
        assert_eq!(e.designation.programmes, ["NS-PLC"]);
        assert_eq!(e.designation.listed_on.unwrap().to_string(), "2006-04-12");
        insta::assert_json_snapshot!("ofac_advanced_9639", e);
    }

    #[test]
    fn relationships_are_links_to_the_related_entity() {
        let list = cons();
        let text = std::fs::read_to_string(CONS).unwrap();
        // Counted on the raw text: every relationship of this file joins two
        // of its parties (checked with python's ElementTree: 276 of 276).
        let relationships = text.matches("<ProfileRelationship ").count();
        assert_eq!(relationships, 276);
        let links: usize = list.entities.iter().map(|e| e.links.len()).sum();
        assert_eq!(links, relationships);
        let owned = list.entities.iter().find(|e| e.id == "ofac:18267").unwrap();
        assert_eq!(
            owned.links,
            [Link {
                relation: "Owned or Controlled By".into(),
                entity: "ofac:17022".into(),
            }]
        );
        let ids: std::collections::HashSet<&str> =
            list.entities.iter().map(|e| e.id.as_str()).collect();
        assert!(list
            .entities
            .iter()
            .flat_map(|e| &e.links)
            .all(|l| ids.contains(l.entity.as_str())));
    }

    #[test]
    fn documents_reach_their_party_with_kind_and_country() {
        let list = cons();
        let vtb = list
            .entities
            .iter()
            .find(|e| e.identifiers.iter().any(|i| i.number == "1027739609391"))
            .unwrap();
        let registration = vtb
            .identifiers
            .iter()
            .find(|i| i.number == "1027739609391")
            .unwrap();
        assert_eq!(registration.kind, IdentifierKind::Registration);
        assert_eq!(registration.country.as_deref(), Some("RU"));
        let tax = vtb
            .identifiers
            .iter()
            .find(|i| i.number == "7702070139")
            .unwrap();
        assert_eq!(tax.kind, IdentifierKind::TaxId);
    }

    #[test]
    fn agrees_with_the_enhanced_reader_on_shared_entities() {
        // Two real OFAC consolidated files, five years apart, in the two
        // formats: an entity present in both is of the same kind and still
        // carries its 2020 primary name.
        let advanced = cons();
        let enhanced = crate::ofac_enhanced::read(
            &std::fs::read(CONS.replace("cons_advanced_2020-03-17", "cons_enhanced_2025-01-10"))
                .unwrap(),
        )
        .unwrap();
        let by_id: HashMap<&str, &Entity> = enhanced
            .entities
            .iter()
            .map(|e| (e.id.as_str(), e))
            .collect();
        let shared: Vec<(&Entity, &Entity)> = advanced
            .entities
            .iter()
            .filter_map(|a| by_id.get(a.id.as_str()).map(|b| (a, *b)))
            .collect();
        assert!(shared.len() > 100, "{}", shared.len());
        // Every shared entity is of the same kind in both readers.
        assert!(shared.iter().all(|(a, b)| a.schema == b.schema));
        // Names: OFAC renamed many Russian entities since 2020 and dropped
        // punctuation ("VTB BANK (BELARUS), CJSC" -> "VTB BANK BELARUS CJSC");
        // compared on letters and digits, the 2020 primary name is still
        // among the 2025 names for all but the renamed few.
        let plain = |text: &str| -> String {
            text.chars()
                .filter(|c| c.is_alphanumeric())
                .flat_map(char::to_uppercase)
                .collect()
        };
        let kept = shared
            .iter()
            .filter(|(a, b)| b.names.iter().any(|n| plain(&n.full) == plain(a.caption())))
            .count();
        assert!(
            kept * 100 >= shared.len() * 95,
            "{kept} of {}",
            shared.len()
        );
    }

    #[test]
    fn wrong_root_and_truncation() {
        let err = read(b"<sanctionsData><x/></sanctionsData>").unwrap_err();
        assert!(err.to_string().contains("<Sanctions>"), "{err}");
        let bytes = std::fs::read(CONS).unwrap();
        assert!(matches!(
            read(&bytes[..bytes.len() / 2]).unwrap_err(),
            Error::Offset { .. }
        ));
    }
}
