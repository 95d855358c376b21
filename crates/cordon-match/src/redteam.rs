//! Red-team evaluation: listed names disguised with the tricks used to slip past
//! screening, and the recall of each trick at the default threshold.
//!
//! [`cases`] is a deterministic (seeded) generator: it picks names of a list
//! (persons and organisations; Latin primary names, Arabic and Cyrillic
//! original-script names) and disguises each with every [`Trick`]. Padding words
//! come from a plain vocabulary of company words and common names, never from
//! the list. [`evaluate`] screens them and reports recall per trick.
//!
//! ```
//! use cordon_match::redteam::{self, Trick};
//! use cordon_match::Index;
//! use cordon_model::{Entity, Name, NameKind, Schema};
//!
//! let mut entity = Entity::new("un", "QDi.290", Schema::Person);
//! entity.names.push(Name::new("Tohir Yuldashev", NameKind::Primary));
//! let cases = redteam::cases(std::slice::from_ref(&entity), 1, 7);
//! assert!(cases.iter().any(|c| c.trick == Trick::Leetspeak));
//! let report = redteam::evaluate(&Index::build(vec![entity]), &cases);
//! assert!(report.tricks.iter().all(|t| t.queries == 0 || t.recall > 0.0));
//! ```

use crate::eval::XorShift;
use crate::{Index, Query, ScreenOptions};
use cordon_model::{Entity, NameKind, NameQuality, Schema};
use cordon_names::{script_of, Script};
use rayon::prelude::*;
use serde::Serialize;

/// One disguise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Trick {
    /// A zero-width space between every two letters.
    ZeroWidthSpaces,
    /// The name reversed inside a right-to-left override, so it displays as written.
    BidiOverride,
    /// Digits and signs for letters (a 4, e 3, i 1, o 0, s 5, t 7).
    Leetspeak,
    /// Every letter followed by a dot (`O.S.A.M.A. B.I.N.`).
    DottedLetters,
    /// Letters one space apart, words three spaces apart.
    SpacedLetters,
    /// Three letters of every word doubled.
    DoubledLetters,
    /// A Cyrillic name written without spaces.
    CyrillicNoSpaces,
    /// Directional marks (LRM, RLM, ALM) inside the words of an Arabic name.
    ArabicDirectionalMarks,
    /// Two ordinary words added around the name.
    PaddedTwoWords,
    /// Four ordinary words around the name (two before, two after).
    PaddedFourWords,
    /// Every Latin letter with a Cyrillic look-alike replaced by it.
    CyrillicLookalikes,
}

impl Trick {
    /// Every trick, in report order.
    pub const ALL: [Trick; 11] = [
        Trick::ZeroWidthSpaces,
        Trick::BidiOverride,
        Trick::Leetspeak,
        Trick::DottedLetters,
        Trick::SpacedLetters,
        Trick::DoubledLetters,
        Trick::CyrillicNoSpaces,
        Trick::ArabicDirectionalMarks,
        Trick::PaddedTwoWords,
        Trick::PaddedFourWords,
        Trick::CyrillicLookalikes,
    ];

    /// A short human label.
    pub fn label(self) -> &'static str {
        match self {
            Trick::ZeroWidthSpaces => "zero-width spaces between letters",
            Trick::BidiOverride => "RLO override, reversed text",
            Trick::Leetspeak => "leetspeak",
            Trick::DottedLetters => "dotted letters",
            Trick::SpacedLetters => "spaced letters",
            Trick::DoubledLetters => "three doubled letters a word",
            Trick::CyrillicNoSpaces => "Cyrillic, no spaces",
            Trick::ArabicDirectionalMarks => "directional marks inside Arabic words",
            Trick::PaddedTwoWords => "padded with 2 ordinary words",
            Trick::PaddedFourWords => "4 ordinary words around it",
            Trick::CyrillicLookalikes => "Cyrillic look-alikes on every letter",
        }
    }
}

/// One disguised listed name.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Case {
    /// The disguise.
    pub trick: Trick,
    /// The listed name as published.
    pub original: String,
    /// The disguised query.
    pub query: String,
    /// The entity it must find.
    pub expected: String,
}

/// Recall of one trick.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TrickReport {
    /// The disguise.
    pub trick: Trick,
    /// Queries run.
    pub queries: usize,
    /// Queries that found their entity at the default threshold.
    pub found: usize,
    /// found / queries.
    pub recall: f64,
    /// The first misses (query, expected entity), at most 5.
    pub misses: Vec<(String, String)>,
}

/// Recall per trick.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RedTeamReport {
    /// One line per trick, in [`Trick::ALL`] order.
    pub tricks: Vec<TrickReport>,
}

/// Plain padding words: company words and common given names and surnames of
/// several countries (none of them a distinctive word of a sanctions list).
const PADDING: &[&str] = &[
    "Global",
    "Trade",
    "Holding",
    "Services",
    "Group",
    "Logistics",
    "Consulting",
    "Partners",
    "Capital",
    "Solutions",
    "Industries",
    "Marine",
    "Export",
    "Import",
    "Systems",
    "Supply",
    "John",
    "Maria",
    "David",
    "Anna",
    "Peter",
    "Laura",
    "Carlos",
    "Sophie",
    "Smith",
    "Jones",
    "Brown",
    "Miller",
    "Garcia",
    "Martin",
    "Rossi",
    "Novak",
];

/// Names taken per trick from Latin primary names (and from Arabic or Cyrillic
/// original-script names for the tricks about those scripts).
const NAMES_PER_TRICK: usize = 40;

/// Disguised cases: `per_trick` names of the list for each trick (at most), seeded.
pub fn cases(entities: &[Entity], per_trick: usize, seed: u64) -> Vec<Case> {
    let mut rng = XorShift::new(seed);
    let latin = pick(latin_names(entities), per_trick, &mut rng);
    let arabic = pick(
        original_names(entities, Script::Arabic),
        per_trick,
        &mut rng,
    );
    let mut cyrillic = original_names(entities, Script::Cyrillic);
    for (name, id) in latin_names(entities) {
        cyrillic.push((to_cyrillic(&name), id));
    }
    let cyrillic = pick_keeping_originals(cyrillic, per_trick, entities, &mut rng);
    let mut out = Vec::new();
    for trick in Trick::ALL {
        let source = match trick {
            Trick::ArabicDirectionalMarks => &arabic,
            Trick::CyrillicNoSpaces => &cyrillic,
            _ => &latin,
        };
        for (name, id) in source {
            out.push(Case {
                trick,
                original: name.clone(),
                query: disguise(trick, name, &mut rng),
                expected: id.clone(),
            });
        }
    }
    out
}

/// [`cases`] with the default number of names per trick (40).
pub fn default_cases(entities: &[Entity], seed: u64) -> Vec<Case> {
    cases(entities, NAMES_PER_TRICK, seed)
}

/// Screens every case; recall per trick at the default threshold.
pub fn evaluate(index: &Index, cases: &[Case]) -> RedTeamReport {
    let found: Vec<bool> = cases
        .par_iter()
        .map(|c| {
            index
                .screen(&Query::name(&c.query), &ScreenOptions::default())
                .iter()
                .any(|m| m.entity_id == c.expected)
        })
        .collect();
    let tricks = Trick::ALL
        .iter()
        .map(|&trick| {
            let of_trick: Vec<(&Case, bool)> = cases
                .iter()
                .zip(found.iter().copied())
                .filter(|(c, _)| c.trick == trick)
                .collect();
            let hits = of_trick.iter().filter(|(_, f)| *f).count();
            TrickReport {
                trick,
                queries: of_trick.len(),
                found: hits,
                recall: if of_trick.is_empty() {
                    0.0
                } else {
                    hits as f64 / of_trick.len() as f64
                },
                misses: of_trick
                    .iter()
                    .filter(|(_, f)| !*f)
                    .take(5)
                    .map(|(c, _)| (c.query.clone(), c.expected.clone()))
                    .collect(),
            }
        })
        .collect();
    RedTeamReport { tricks }
}

/// Strong Latin primary names of two words or more, persons and organisations.
fn latin_names(entities: &[Entity]) -> Vec<(String, String)> {
    entities
        .iter()
        .filter(|e| matches!(e.schema, Schema::Person | Schema::Organization))
        .flat_map(|e| {
            e.names
                .iter()
                .filter(|n| n.kind == NameKind::Primary && n.quality == NameQuality::Strong)
                .filter(|n| n.full.is_ascii() && n.full.split_whitespace().count() >= 2)
                .map(|n| (n.full.clone(), e.id.clone()))
        })
        .collect()
}

/// Original-script names of one script, of two words or more.
fn original_names(entities: &[Entity], script: Script) -> Vec<(String, String)> {
    entities
        .iter()
        .flat_map(|e| {
            e.names
                .iter()
                .filter(|n| n.kind == NameKind::OriginalScript)
                .filter(|n| script_of(&n.full) == script && n.full.split_whitespace().count() >= 2)
                .map(|n| (n.full.clone(), e.id.clone()))
        })
        .collect()
}

/// `count` names drawn without replacement, in a seeded order.
fn pick(
    mut names: Vec<(String, String)>,
    count: usize,
    rng: &mut XorShift,
) -> Vec<(String, String)> {
    for i in (1..names.len()).rev() {
        names.swap(i, rng.below(i + 1));
    }
    names.truncate(count);
    names
}

/// [`pick`], keeping every name published in Cyrillic before transliterated ones.
fn pick_keeping_originals(
    names: Vec<(String, String)>,
    count: usize,
    entities: &[Entity],
    rng: &mut XorShift,
) -> Vec<(String, String)> {
    let originals = original_names(entities, Script::Cyrillic);
    let rest: Vec<(String, String)> = names
        .into_iter()
        .filter(|n| !originals.contains(n))
        .collect();
    let mut out: Vec<(String, String)> = originals.into_iter().take(count).collect();
    let missing = count.saturating_sub(out.len());
    out.extend(pick(rest, missing, rng));
    out
}

fn disguise(trick: Trick, name: &str, rng: &mut XorShift) -> String {
    match trick {
        Trick::ZeroWidthSpaces => between_letters(name, "\u{200B}"),
        Trick::BidiOverride => {
            format!("\u{202E}{}\u{202C}", name.chars().rev().collect::<String>())
        }
        Trick::Leetspeak => leetspeak(name, rng),
        Trick::DottedLetters => words(name)
            .map(|w| w.chars().map(|c| format!("{c}.")).collect::<String>())
            .collect::<Vec<_>>()
            .join(" "),
        Trick::SpacedLetters => words(name)
            .map(|w| w.chars().map(String::from).collect::<Vec<_>>().join(" "))
            .collect::<Vec<_>>()
            .join("   "),
        Trick::DoubledLetters => words(name)
            .map(|w| doubled(w, rng))
            .collect::<Vec<_>>()
            .join(" "),
        Trick::CyrillicNoSpaces => words(name).map(title_case).collect(),
        Trick::ArabicDirectionalMarks => words(name)
            .map(|w| with_marks(w, rng))
            .collect::<Vec<_>>()
            .join(" "),
        Trick::PaddedTwoWords => {
            let (a, b) = (padding(rng), padding(rng));
            match rng.below(3) {
                0 => format!("{a} {b} {name}"),
                1 => format!("{name} {a} {b}"),
                _ => format!("{a} {name} {b}"),
            }
        }
        Trick::PaddedFourWords => {
            let (a, b, c, d) = (padding(rng), padding(rng), padding(rng), padding(rng));
            format!("{a} {b} {name} {c} {d}")
        }
        Trick::CyrillicLookalikes => name.chars().map(|c| lookalike(c).unwrap_or(c)).collect(),
    }
}

/// Words of a name, split on spaces, hyphens and commas.
fn words(name: &str) -> impl Iterator<Item = &str> {
    name.split([' ', '-', ',']).filter(|w| !w.is_empty())
}

fn between_letters(name: &str, mark: &str) -> String {
    let mut out = String::new();
    let mut prev_letter = false;
    for c in name.chars() {
        if c.is_alphanumeric() && prev_letter {
            out.push_str(mark);
        }
        prev_letter = c.is_alphanumeric();
        out.push(c);
    }
    out
}

fn leetspeak(name: &str, rng: &mut XorShift) -> String {
    let mut changed = false;
    let mut out: String = name
        .chars()
        .map(|c| match leet(c) {
            Some(d) if rng.below(2) == 0 => {
                changed = true;
                d
            }
            _ => c,
        })
        .collect();
    if !changed {
        out = name.chars().map(|c| leet(c).unwrap_or(c)).collect();
    }
    out
}

fn leet(c: char) -> Option<char> {
    Some(match c.to_ascii_lowercase() {
        'a' => '4',
        'e' => '3',
        'i' => '1',
        'o' => '0',
        's' => '5',
        't' => '7',
        _ => return None,
    })
}

/// The word with three of its letters doubled (all of them when it has fewer).
fn doubled(word: &str, rng: &mut XorShift) -> String {
    let chars: Vec<char> = word.chars().collect();
    let mut chosen: Vec<usize> = (0..chars.len()).collect();
    for i in (1..chosen.len()).rev() {
        chosen.swap(i, rng.below(i + 1));
    }
    chosen.truncate(3);
    chars
        .iter()
        .enumerate()
        .flat_map(|(i, &c)| std::iter::repeat_n(c, if chosen.contains(&i) { 2 } else { 1 }))
        .collect()
}

fn title_case(word: &str) -> String {
    let mut chars = word.chars();
    match chars.next() {
        Some(first) => first
            .to_uppercase()
            .chain(chars.flat_map(char::to_lowercase))
            .collect(),
        None => String::new(),
    }
}

/// The word with one or two directional marks (LRM, RLM or ALM) between letters.
fn with_marks(word: &str, rng: &mut XorShift) -> String {
    const MARKS: [char; 3] = ['\u{200E}', '\u{200F}', '\u{061C}'];
    let chars: Vec<char> = word.chars().collect();
    if chars.len() < 2 {
        return word.to_string();
    }
    let at: Vec<usize> = (0..1 + rng.below(2))
        .map(|_| 1 + rng.below(chars.len() - 1))
        .collect();
    let mut out = String::new();
    for (i, &c) in chars.iter().enumerate() {
        for _ in at.iter().filter(|&&a| a == i) {
            out.push(MARKS[rng.below(MARKS.len())]);
        }
        out.push(c);
    }
    out
}

fn padding(rng: &mut XorShift) -> &'static str {
    PADDING
        .get(rng.below(PADDING.len()))
        .copied()
        .unwrap_or("Global")
}

/// The Cyrillic letter drawn like a Latin letter (the red team's substitution table).
fn lookalike(c: char) -> Option<char> {
    Some(match c {
        'a' => 'а',
        'c' => 'с',
        'e' => 'е',
        'i' => 'і',
        'j' => 'ј',
        'o' => 'о',
        'p' => 'р',
        's' => 'ѕ',
        'x' => 'х',
        'y' => 'у',
        'h' => 'һ',
        'A' => 'А',
        'B' => 'В',
        'C' => 'С',
        'E' => 'Е',
        'H' => 'Н',
        'I' => 'І',
        'J' => 'Ј',
        'K' => 'К',
        'M' => 'М',
        'O' => 'О',
        'P' => 'Р',
        'S' => 'Ѕ',
        'T' => 'Т',
        'X' => 'Х',
        'Y' => 'У',
        _ => return None,
    })
}

/// A Latin name in Russian-style Cyrillic, as a Cyrillic document would write it.
fn to_cyrillic(latin: &str) -> String {
    const DIGRAPHS: [(&str, &str); 9] = [
        ("kh", "х"),
        ("sh", "ш"),
        ("ch", "ч"),
        ("zh", "ж"),
        ("ts", "ц"),
        ("yu", "ю"),
        ("ya", "я"),
        ("gh", "г"),
        ("dh", "з"),
    ];
    let mut out = String::new();
    for word in cordon_names::normalize(latin).split(' ') {
        let mut cyr = String::new();
        let mut rest = word;
        while let Some(c) = rest.chars().next() {
            if let Some((lat, cy)) = DIGRAPHS.iter().find(|(l, _)| rest.starts_with(l)) {
                cyr.push_str(cy);
                rest = rest.get(lat.len()..).unwrap_or_default();
                continue;
            }
            cyr.push_str(cyrillic_letter(c));
            rest = rest.get(c.len_utf8()..).unwrap_or_default();
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(&cyr);
    }
    out
}

fn cyrillic_letter(c: char) -> &'static str {
    match c {
        'a' => "а",
        'b' => "б",
        'v' | 'w' => "в",
        'g' => "г",
        'd' => "д",
        'e' => "е",
        'z' => "з",
        'i' => "и",
        'y' => "й",
        'k' | 'c' | 'q' => "к",
        'l' => "л",
        'm' => "м",
        'n' => "н",
        'o' => "о",
        'p' => "п",
        'r' => "р",
        's' => "с",
        't' => "т",
        'u' => "у",
        'f' => "ф",
        'h' => "х",
        'x' => "кс",
        'j' => "дж",
        _ => "",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn disguises_are_what_they_say() {
        let mut rng = XorShift::new(1);
        assert_eq!(
            disguise(Trick::DottedLetters, "Abu Ali", &mut rng),
            "A.b.u. A.l.i."
        );
        assert_eq!(
            disguise(Trick::SpacedLetters, "Abu Ali", &mut rng),
            "A b u   A l i"
        );
        assert_eq!(
            disguise(Trick::ZeroWidthSpaces, "Ab Cd", &mut rng),
            "A\u{200B}b C\u{200B}d"
        );
        assert_eq!(
            disguise(Trick::BidiOverride, "Abu", &mut rng),
            "\u{202E}ubA\u{202C}"
        );
        assert_eq!(
            disguise(Trick::CyrillicLookalikes, "Osama", &mut rng),
            "Оѕаmа"
        );
        assert_eq!(
            disguise(Trick::CyrillicNoSpaces, "доку умаров", &mut rng),
            "ДокуУмаров"
        );
        assert_eq!(doubled("abc", &mut rng), "aabbcc");
        assert_eq!(doubled("abcdef", &mut rng).len(), 9);
        assert_eq!(to_cyrillic("Doku Umarov"), "доку умаров");
    }

    #[test]
    fn generation_is_deterministic() {
        let mut e = Entity::new("un", "1", Schema::Person);
        e.names.push(cordon_model::Name::new(
            "Tohir Yuldashev",
            NameKind::Primary,
        ));
        let entities = vec![e];
        assert_eq!(cases(&entities, 5, 3), cases(&entities, 5, 3));
        assert_eq!(cases(&entities, 5, 3).len(), 10);
    }
}
