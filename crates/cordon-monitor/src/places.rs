//! Places bordering conflict zones and non-profit name words, matched after `cordon-names`
//! normalisation so that spelling, case, diacritics and script do not hide them
//! (`ŞANLIURFA` = `Sanliurfa`, `Vakfı` = `VAKFI`, `Фонд` = `фонд`).

use crate::rules::BorderAreas;
use ahash::{AHashMap, AHashSet};
use cordon_model::transfer::{bic_country, Agent, Party, PostalAddress, Transfer};
use cordon_names::translit::clean_ascii;

/// The pack's `[border_areas]`, ready to match addresses.
#[derive(Debug, Clone)]
pub(crate) struct BorderIndex {
    as_of: String,
    areas: Vec<Area>,
}

#[derive(Debug, Clone)]
struct Area {
    country: String,
    borders: String,
    /// The place as written and its normalised ASCII form.
    places: Vec<(String, String)>,
}

impl BorderIndex {
    pub(crate) fn new(areas: &BorderAreas) -> BorderIndex {
        BorderIndex {
            as_of: areas.as_of.clone(),
            areas: areas
                .areas
                .iter()
                .map(|a| Area {
                    country: a.country.clone(),
                    borders: a.borders.clone(),
                    places: a
                        .places
                        .iter()
                        .map(|p| (p.clone(), clean_ascii(p)))
                        .filter(|(_, ascii)| !ascii.is_empty())
                        .collect(),
                })
                .collect(),
        }
    }

    /// Where the beneficiary or, failing it, the beneficiary's bank is when that is a listed
    /// place, in words (`beneficiary in Kilis, TR (borders SY; list as of 2025-06-30)`).
    /// For a cover payment the underlying transfer's beneficiary is looked at.
    pub(crate) fn locate(&self, transfer: &Transfer) -> Option<String> {
        let customer = transfer.underlying.as_deref().unwrap_or(transfer);
        let agent = customer
            .creditor_agent
            .as_ref()
            .or(transfer.creditor_agent.as_ref());
        let party = customer.creditor.as_ref();
        let places = [
            (
                "beneficiary",
                party.and_then(|p| p.address.as_ref()),
                party_country(party),
            ),
            (
                "beneficiary's bank",
                agent.and_then(|a| a.address.as_ref()),
                agent_country(agent),
            ),
        ];
        places.into_iter().find_map(|(role, address, fallback)| {
            let address = address?;
            let country = address.country.as_deref().or(fallback)?;
            let (area, place) = self.find(country, address)?;
            Some(format!(
                "{role} in {place}, {} (borders {}; list as of {})",
                area.country, area.borders, self.as_of
            ))
        })
    }

    fn find(&self, country: &str, address: &PostalAddress) -> Option<(&Area, &str)> {
        // Most transfers are in no listed country: no text is normalised for them.
        let areas: Vec<&Area> = self.areas.iter().filter(|a| a.country == country).collect();
        if areas.is_empty() {
            return None;
        }
        let texts = [&address.town_name, &address.country_subdivision]
            .into_iter()
            .flatten()
            .chain(&address.lines);
        for text in texts {
            let padded = format!(" {} ", clean_ascii(text));
            for area in &areas {
                if let Some((place, _)) = area
                    .places
                    .iter()
                    .find(|(_, ascii)| padded.contains(&format!(" {ascii} ")))
                {
                    return Some((area, place));
                }
            }
        }
        None
    }
}

fn party_country(party: Option<&Party>) -> Option<&str> {
    party.and_then(|p| p.country_of_residence.as_deref())
}

fn agent_country(agent: Option<&Agent>) -> Option<&str> {
    agent.and_then(|a| a.bic.as_deref()).and_then(bic_country)
}

/// Words (legal forms, common nouns) that mark a name, matched as whole words of the name
/// normalised by `cordon-names` in its own script and in ASCII.
#[derive(Debug, Clone, Default)]
pub(crate) struct WordSet {
    words: AHashSet<String>,
    /// Words of several tokens (`charitable trust`), matched as a run of whole words.
    phrases: Vec<String>,
}

impl WordSet {
    pub(crate) fn new(words: &[String]) -> WordSet {
        let mut set = WordSet::default();
        for word in words {
            for form in [cordon_names::normalize(word), clean_ascii(word)] {
                if form.is_empty() {
                    continue;
                }
                if form.contains(' ') {
                    set.phrases.push(form);
                } else {
                    set.words.insert(form);
                }
            }
        }
        set
    }

    /// The first word of the set found in `name`, as normalised.
    pub(crate) fn find(&self, name: &str) -> Option<String> {
        // For ASCII text both normalisations give the same form: one pass is enough.
        let forms = if name.is_ascii() {
            vec![clean_ascii(name)]
        } else {
            vec![cordon_names::normalize(name), clean_ascii(name)]
        };
        forms.iter().find_map(|form| self.find_in(form))
    }

    fn find_in(&self, form: &str) -> Option<String> {
        if let Some(word) = form.split(' ').find(|w| self.words.contains(*w)) {
            return Some(word.to_string());
        }
        if self.phrases.is_empty() {
            return None;
        }
        let padded = format!(" {form} ");
        self.phrases
            .iter()
            .find(|p| padded.contains(&format!(" {p} ")))
            .cloned()
    }

    /// Whether `name` holds a word of the set, remembered per name: account names repeat
    /// from transfer to transfer, normalising them does not need to.
    pub(crate) fn matches_cached(&self, name: &str, cache: &mut AHashMap<String, bool>) -> bool {
        if let Some(known) = cache.get(name) {
            return *known;
        }
        // Bounded: a stream of ever new names empties the memo rather than growing it
        // (65,536 names of ~40 bytes are a few MB).
        if cache.len() >= NAME_MEMO {
            cache.clear();
        }
        let found = self.find(name).is_some();
        cache.insert(name.to_string(), found);
        found
    }
}

/// Most names whose verdict a rule remembers at once.
const NAME_MEMO: usize = 65_536;

/// True when the name reads as a legal entity's: it carries a legal form (`LLC`, `GmbH`...).
pub(crate) fn has_legal_form(name: &str) -> bool {
    cordon_names::tokenize(name)
        .iter()
        .any(|t| cordon_names::token_kind(t) == cordon_names::TokenKind::LegalForm)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::BorderArea;

    fn index() -> BorderIndex {
        BorderIndex::new(&BorderAreas {
            as_of: "2025-06-30".into(),
            source: String::new(),
            areas: vec![BorderArea {
                country: "TR".into(),
                borders: "SY".into(),
                places: vec!["Kilis".into(), "Şanlıurfa".into(), "Reyhanlı".into()],
            }],
        })
    }

    fn transfer_to(town: &str, country: &str) -> Transfer {
        Transfer {
            creditor: Some(Party {
                name: Some("A".into()),
                address: Some(PostalAddress {
                    town_name: Some(town.into()),
                    country: Some(country.into()),
                    ..PostalAddress::default()
                }),
                ..Party::default()
            }),
            ..Transfer::default()
        }
    }

    #[test]
    fn places_match_whatever_their_case_and_diacritics() {
        let index = index();
        for town in ["SANLIURFA", "Şanlıurfa", "sanliurfa merkez", "REYHANLI"] {
            let found = index.locate(&transfer_to(town, "TR"));
            assert!(
                found.is_some_and(|f| f.contains("TR (borders SY")),
                "{town}"
            );
        }
        // Another country, or a name that only contains a place's letters, is not a match.
        assert_eq!(index.locate(&transfer_to("Kilis", "DE")), None);
        assert_eq!(index.locate(&transfer_to("Kilisebasi", "TR")), None);
    }

    #[test]
    fn the_bank_is_looked_at_when_the_beneficiary_is_elsewhere() {
        let mut transfer = transfer_to("Istanbul", "TR");
        transfer.creditor_agent = Some(Agent {
            bic: Some("TGBATRIS".into()),
            address: Some(PostalAddress {
                lines: vec!["Cumhuriyet Cd 5".into(), "79000 KILIS".into()],
                ..PostalAddress::default()
            }),
            ..Agent::default()
        });
        let found = index().locate(&transfer).unwrap_or_default();
        assert!(found.starts_with("beneficiary's bank in Kilis"), "{found}");
    }

    #[test]
    fn npo_words_match_in_every_script_and_form() {
        let words: Vec<String> = [
            "фонд",
            "қоры",
            "jamg'armasi",
            "vakfı",
            "جمعية",
            "charity",
            "charitable trust",
        ]
        .map(String::from)
        .to_vec();
        let set = WordSet::new(&words);
        for name in [
            "ФОНД ПОМОЩИ",
            "Mehr xayriya jamgʻarmasi",
            "Yardım VAKFI",
            "جمعية الخير",
            "Hope Charitable  Trust",
            "Қайырымдылық Қоры",
        ] {
            assert!(set.find(name).is_some(), "{name}");
        }
        for name in [
            "John Fondue",
            "Charityville Ltd",
            "Vakif Katilim Bankasi AS",
        ] {
            // `Vakif` is not `vakfı`: only the listed forms count.
            assert!(set.find(name).is_none(), "{name}");
        }
        assert!(has_legal_form("Nordic Timber LLC"));
        assert!(!has_legal_form("Olena B. Petrov"));
    }
}
