//! Dataset names as yente clients use them: `default` (every imported list),
//! one per imported source (`un`, `ofac`, ...), and the OpenSanctions names
//! clients hard-code (`sanctions`, `us_ofac_sdn`, `un_sc_sanctions`, ...),
//! each mapped to the imported source that publishes the same list.

use super::ftm::ListContext;
use cordon_model::PartialDate;
use std::collections::BTreeSet;

/// OpenSanctions dataset names and the Cordon source holding the same
/// publisher's list. A name is offered only when its source is imported.
const OPENSANCTIONS_NAMES: &[(&str, &str, &str)] = &[
    (
        "un_sc_sanctions",
        "un",
        "UN Security Council Consolidated List",
    ),
    (
        "us_ofac_sdn",
        "ofac",
        "US OFAC Specially Designated Nationals",
    ),
    (
        "us_ofac_cons",
        "ofac",
        "US OFAC Consolidated (non-SDN) List",
    ),
    ("eu_fsf", "eu", "EU Financial Sanctions Files (FSF)"),
    ("gb_hmt", "uk", "UK HM Treasury / OFSI Consolidated List"),
    (
        "gb_hmt_sanctions",
        "uk",
        "UK HM Treasury / OFSI Consolidated List",
    ),
    ("gb_fcdo_sanctions", "uk", "UK FCDO Sanctions List"),
    (
        "ca_dfatd_sema_sanctions",
        "ca",
        "Canadian Consolidated Autonomous Sanctions List",
    ),
    (
        "us_trade_csl",
        "us_csl",
        "US Trade Consolidated Screening List",
    ),
    ("kg_fiu_national", "kg", "Kyrgyz FIU national list"),
];

/// Collections that hold every imported list.
const COLLECTIONS: &[(&str, &str)] = &[
    ("default", "Every list imported into this Cordon"),
    (
        "sanctions",
        "Sanctions lists (every list imported into this Cordon)",
    ),
];

/// A dataset clients may name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dataset {
    /// The name in paths and filters.
    pub name: String,
    /// A human title.
    pub title: String,
    /// The Cordon sources it covers.
    pub sources: BTreeSet<String>,
    /// Names of the datasets it groups (collections only).
    pub children: Vec<String>,
    /// The publisher's version of the list (`2026-02-27`), or the newest
    /// of the versions a collection holds.
    pub version: String,
}

/// The datasets of the lists indexed now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Catalog {
    /// Collections first, then one per source, then the OpenSanctions names.
    pub datasets: Vec<Dataset>,
}

/// The source and version of an index label (`un@2026-02-27#3`).
fn source_and_version(label: &str) -> (String, String) {
    let (source, rest) = label.split_once('@').unwrap_or((label, ""));
    let version = rest.split('#').next().unwrap_or("");
    (source.to_string(), version.to_string())
}

impl Catalog {
    /// The catalogue of the lists behind `labels` (`source@version#id`).
    pub fn of(labels: &[String]) -> Catalog {
        let lists: Vec<(String, String)> = labels.iter().map(|l| source_and_version(l)).collect();
        let newest = lists
            .iter()
            .map(|(_, v)| v.clone())
            .max()
            .unwrap_or_default();
        let all: BTreeSet<String> = lists.iter().map(|(s, _)| s.clone()).collect();
        let mut datasets: Vec<Dataset> = COLLECTIONS
            .iter()
            .map(|(name, title)| Dataset {
                name: name.to_string(),
                title: title.to_string(),
                sources: all.clone(),
                children: all.iter().cloned().collect(),
                version: newest.clone(),
            })
            .collect();
        for (source, version) in &lists {
            datasets.push(Dataset {
                name: source.clone(),
                title: format!("{source} list as imported into Cordon"),
                sources: [source.clone()].into(),
                children: Vec::new(),
                version: version.clone(),
            });
        }
        for (name, source, title) in OPENSANCTIONS_NAMES {
            if let Some((_, version)) = lists.iter().find(|(s, _)| s == source) {
                datasets.push(Dataset {
                    name: name.to_string(),
                    title: format!("{title} (served from Cordon's `{source}` list)"),
                    sources: [source.to_string()].into(),
                    children: Vec::new(),
                    version: version.clone(),
                });
            }
        }
        Catalog { datasets }
    }

    /// The dataset of that name.
    pub fn get(&self, name: &str) -> Option<&Dataset> {
        self.datasets.iter().find(|d| d.name == name)
    }

    /// The sources the named datasets cover together (unknown names add
    /// nothing, as in yente, where they match no entity).
    pub fn sources_of(&self, names: &[String]) -> BTreeSet<String> {
        names
            .iter()
            .filter_map(|n| self.get(n))
            .flat_map(|d| d.sources.iter().cloned())
            .collect()
    }

    /// What an entity of `source` is written with: its list's version date
    /// and the dataset names it is listed under.
    pub fn list_context(&self, source: &str) -> ListContext {
        ListContext {
            version: self
                .get(source)
                .and_then(|d| PartialDate::parse_iso(&d.version)),
            datasets: self.names_of_source(source),
        }
    }

    /// The names an entity of `source` is listed under: the source and the
    /// OpenSanctions names of the same list.
    pub fn names_of_source(&self, source: &str) -> Vec<String> {
        std::iter::once(source.to_string())
            .chain(
                OPENSANCTIONS_NAMES
                    .iter()
                    .filter(|(_, s, _)| *s == source)
                    .map(|(name, _, _)| name.to_string()),
            )
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_map_to_what_is_imported() {
        let catalog = Catalog::of(&["un@2025-04-19#1".into(), "ofac@2021-09-01#2".into()]);
        let all: BTreeSet<String> = ["ofac".to_string(), "un".to_string()].into();
        assert_eq!(catalog.get("default").unwrap().sources, all);
        assert_eq!(catalog.get("sanctions").unwrap().version, "2025-04-19");
        assert_eq!(
            catalog.sources_of(&["un_sc_sanctions".into(), "nowhere".into()]),
            ["un".to_string()].into()
        );
        assert_eq!(catalog.get("us_ofac_sdn").unwrap().version, "2021-09-01");
        // The EU list is not imported: its OpenSanctions name is unknown here.
        assert!(catalog.get("eu_fsf").is_none());
        assert!(catalog.sources_of(&["eu_fsf".into()]).is_empty());
        assert_eq!(
            catalog.names_of_source("un"),
            ["un".to_string(), "un_sc_sanctions".to_string()]
        );
    }
}
