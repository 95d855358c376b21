//! Customer populations for measuring false alerts: a reader of customer rows
//! (the yente negatives layout), a seeded generator of a realistic customer base
//! of Central Asia and its neighbours, and the screening of a population in the
//! settings a bank uses (name alone as in a payment, name with birth date, name
//! with birth date and country), with the causes of the alerts it raises.
//!
//! The generator's vocabularies are assembled here by hand (common given and
//! family names per country, as people and passports write them), with native
//! spellings taken from the shared name tables the caller passes in: Han and
//! Hangul from name-variants, Arabic-script forms from the rigour equivalence
//! groups. Cyrillic, Uzbek Latin, Turkmen, Azerbaijani and Georgian spellings are
//! derived by letter rules. Everything is deterministic for a seed.

use crate::eval::XorShift;
use crate::{Index, Match, Query, Rule, ScreenOptions};
use cordon_model::{BirthDate, PartialDate, Schema};
use rayon::prelude::*;
use serde::Serialize;
use std::collections::HashMap;

/// One customer: a name as typed, and what else the bank knows.
#[derive(Debug, Clone, PartialEq)]
pub struct Customer {
    /// The name, in the script it was typed in.
    pub name: String,
    /// Date of birth, when known.
    pub birth_date: Option<BirthDate>,
    /// Nationality, ISO 3166-1 alpha-2, when known.
    pub country: Option<String>,
    /// The group it belongs to for reporting (country and script, e.g. `KZ cyrillic`).
    pub group: String,
}

/// What is screened of each customer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Setting {
    /// The name alone, as a person (a payment's party).
    NameOnly,
    /// The name and birth date, as a person.
    NameBirthDate,
    /// The name, birth date and nationality, as a person (onboarding).
    NameBirthDateCountry,
}

impl Setting {
    /// Every setting, most information last.
    pub const ALL: [Setting; 3] = [
        Setting::NameOnly,
        Setting::NameBirthDate,
        Setting::NameBirthDateCountry,
    ];

    /// A short label.
    pub fn label(self) -> &'static str {
        match self {
            Setting::NameOnly => "name only",
            Setting::NameBirthDate => "name + birth date",
            Setting::NameBirthDateCountry => "name + birth date + country",
        }
    }

    /// The query this setting makes of a customer (always typed as a person).
    pub fn query(self, c: &Customer) -> Query {
        let mut q = Query::name(&c.name);
        q.schema = Some(Schema::Person);
        if self != Setting::NameOnly {
            q.birth_date = c.birth_date.clone();
        }
        if self == Setting::NameBirthDateCountry {
            q.country = c.country.clone();
        }
        q
    }
}

/// One alert raised on a customer who should raise none.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PopulationAlert {
    /// The customer's name.
    pub query: String,
    /// The customer's group.
    pub group: String,
    /// The best match's listed name.
    pub matched: String,
    /// Its score.
    pub score: f64,
    /// Its cause ([`cause`]).
    pub cause: String,
}

/// Alerts on a population in one setting.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PopulationReport {
    /// The setting.
    pub setting: Setting,
    /// Customers screened.
    pub customers: usize,
    /// Customers with at least one alert.
    pub alerts: usize,
    /// alerts / customers.
    pub rate: f64,
    /// Alerts per cause, most frequent first.
    pub causes: Vec<(String, usize)>,
    /// Customers and alerts per group, by group name.
    pub groups: Vec<(String, usize, usize)>,
    /// Every alert.
    pub examples: Vec<PopulationAlert>,
}

/// Screens every customer in one setting and counts those that alert.
pub fn screen_population(
    index: &Index,
    customers: &[Customer],
    setting: Setting,
) -> PopulationReport {
    let options = ScreenOptions {
        limit: 1,
        ..ScreenOptions::default()
    };
    let hits: Vec<Option<Match>> = customers
        .par_iter()
        .map(|c| index.screen(&setting.query(c), &options).into_iter().next())
        .collect();
    let mut causes: HashMap<String, usize> = HashMap::new();
    let mut groups: HashMap<&str, (usize, usize)> = HashMap::new();
    let mut examples = Vec::new();
    for (c, hit) in customers.iter().zip(&hits) {
        let g = groups.entry(c.group.as_str()).or_default();
        g.0 += 1;
        if let Some(m) = hit {
            g.1 += 1;
            let why = cause(m);
            *causes.entry(why.clone()).or_default() += 1;
            examples.push(PopulationAlert {
                query: c.name.clone(),
                group: c.group.clone(),
                matched: m.matched_name.clone(),
                score: m.score,
                cause: why,
            });
        }
    }
    let alerts = examples.len();
    let mut causes: Vec<(String, usize)> = causes.into_iter().collect();
    causes.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let mut groups: Vec<(String, usize, usize)> = groups
        .into_iter()
        .map(|(g, (n, a))| (g.to_string(), n, a))
        .collect();
    groups.sort();
    PopulationReport {
        setting,
        customers: customers.len(),
        alerts,
        rate: if customers.is_empty() {
            0.0
        } else {
            alerts as f64 / customers.len() as f64
        },
        causes,
        groups,
        examples,
    }
}

/// Why a match alerted, in a few words: the listed kind when it is not a person,
/// a birth date that conflicts, partial coverage of the listed name, the loose
/// rules behind the name correspondence, or the same name (a namesake).
pub fn cause(m: &Match) -> String {
    let mut parts: Vec<String> = Vec::new();
    if m.schema != Schema::Person {
        parts.push(format!("listed {}", m.schema));
    }
    if m.explanation.qualifiers.iter().any(|q| {
        q.qualifier == crate::Qualifier::BirthDate && q.outcome == crate::Outcome::Conflict
    }) {
        parts.push("birth date conflicts".to_string());
    }
    let name = &m.explanation.name;
    if name.list_coverage < 0.8 {
        parts.push("part of a longer listed name".to_string());
    } else if name.query_coverage < 0.8 {
        parts.push("part of the query".to_string());
    }
    let mut loose: Vec<&'static str> = name
        .alignment
        .iter()
        .filter_map(|a| match a.rule {
            Rule::Exact | Rule::Transliteration => None,
            Rule::Equivalence => Some("equivalence"),
            Rule::Phonetic => Some("phonetic"),
            Rule::EditDistance => Some("spelling distance"),
            Rule::Initial => Some("initial"),
            Rule::Compound => Some("compound"),
        })
        .collect();
    loose.sort_unstable();
    loose.dedup();
    if !loose.is_empty() {
        parts.push(format!("via {}", loose.join("+")));
    }
    if parts.is_empty() {
        "same name (namesake)".to_string()
    } else {
        parts.join(", ")
    }
}

/// Reads customer rows in the yente negatives layout (`full_name, first_name,
/// middle_name, last_name, gender, date_of_birth, place_of_birth, nationality`),
/// at most `limit` of them. Rows without a name are skipped; a date or a
/// nationality that cannot be read is left out of that row.
pub fn parse_customer_rows(text: &str, limit: usize, group: &str) -> Vec<Customer> {
    let rows = crate::eval::parse_csv(text);
    let header = rows.first().cloned().unwrap_or_default();
    let col = |name: &str| header.iter().position(|h| h.trim() == name);
    let (Some(name_col), dob_col, nat_col) =
        (col("full_name"), col("date_of_birth"), col("nationality"))
    else {
        return Vec::new();
    };
    rows.iter()
        .skip(1)
        .filter_map(|r| {
            let name = r.get(name_col)?.trim();
            (!name.is_empty()).then(|| Customer {
                name: name.to_string(),
                birth_date: dob_col
                    .and_then(|i| r.get(i))
                    .and_then(|d| cordon_model::dates::parse_loose(d)),
                country: nat_col
                    .and_then(|i| r.get(i))
                    .and_then(|n| cordon_model::country::to_code(n))
                    .map(str::to_string),
                group: group.to_string(),
            })
        })
        .take(limit)
        .collect()
}

/// The shared name tables the generator draws native spellings from.
pub struct NameTables {
    /// Latin form (lowercase) -> a form in Arabic script, from rigour groups.
    arabic: HashMap<String, String>,
    /// name-variants rows by table: (native, romanised variants).
    variants: HashMap<String, Vec<(String, Vec<String>)>>,
}

impl NameTables {
    /// Builds the tables from rigour groups ([`crate::eval::parse_rigour_groups`])
    /// and the name-variants TSV (`table, native, variant`).
    pub fn new(rigour: &[Vec<String>], name_variants: &str) -> NameTables {
        let mut arabic = HashMap::new();
        for g in rigour {
            let Some(ar) = g.iter().find(|f| is_arabic(f)) else {
                continue;
            };
            for f in g.iter().filter(|f| f.is_ascii()) {
                arabic.entry(f.to_lowercase()).or_insert_with(|| ar.clone());
            }
        }
        let mut variants: HashMap<String, Vec<(String, Vec<String>)>> = HashMap::new();
        for line in name_variants.lines().skip(1) {
            let mut cols = line.split('\t');
            let (Some(table), Some(native), Some(variant)) =
                (cols.next(), cols.next(), cols.next())
            else {
                continue;
            };
            let rows = variants.entry(table.to_string()).or_default();
            match rows.iter_mut().find(|(n, _)| n == native) {
                Some((_, v)) => v.push(variant.to_string()),
                None => rows.push((native.to_string(), vec![variant.to_string()])),
            }
        }
        NameTables { arabic, variants }
    }

    fn table(&self, name: &str) -> &[(String, Vec<String>)] {
        self.variants.get(name).map_or(&[][..], Vec::as_slice)
    }
}

fn is_arabic(text: &str) -> bool {
    text.chars().any(|c| ('\u{0600}'..='\u{06FF}').contains(&c))
}

/// How a culture's names are built and written.
struct Culture {
    country: &'static str,
    /// Share of the customer base, in percent.
    share: usize,
    male: &'static [&'static str],
    female: &'static [&'static str],
    family: &'static [&'static str],
    kind: Kind,
}

/// The naming pattern and scripts of a culture.
#[derive(Clone, Copy, PartialEq)]
enum Kind {
    /// Russian-style family names (-ov/-ova), patronymics, Cyrillic or Latin;
    /// the letter style of the Cyrillic spelling.
    PostSoviet(Cyr),
    /// Turkmen Latin alphabet (-ow/-ewa), or Cyrillic, or passport Latin.
    Turkmen,
    /// Azerbaijani Latin alphabet, passport Latin or Cyrillic.
    Azerbaijani,
    /// Turkish Latin with or without diacritics.
    Turkish,
    /// Georgian script or Latin.
    Georgian,
    /// Arabic script or Latin; given + father's name + family name.
    ArabicScript,
    /// Han or pinyin.
    Chinese,
    /// Hangul or Latin.
    Korean,
}

/// Cyrillic letter styles.
#[derive(Clone, Copy, PartialEq)]
enum Cyr {
    Russian,
    Uzbek,
    Kazakh,
    Tajik,
}

// Common given and family names per country, as passports spell them in Latin;
// assembled for this generator from general knowledge of each country's names
// (no listed name was consulted). Female family names add -a where Russian-style.
const CULTURES: &[Culture] = &[
    Culture {
        country: "KZ",
        share: 20,
        male: &[
            "Nurlan", "Dauren", "Yerlan", "Askar", "Bakhyt", "Serik", "Marat", "Almas", "Daniyar",
            "Aidos", "Yerzhan", "Timur", "Arman", "Azamat", "Berik", "Kairat", "Nurzhan",
            "Zhanibek", "Aibek", "Olzhas", "Ruslan", "Samat", "Medet", "Yerbol",
        ],
        female: &[
            "Aigerim", "Gulnara", "Aizhan", "Dana", "Saule", "Madina", "Zhanar", "Aliya", "Dinara",
            "Ainur", "Gulmira", "Asel", "Kamila", "Akmaral", "Zarina", "Togzhan", "Moldir",
            "Assem",
        ],
        family: &[
            "Abenov",
            "Akhmetov",
            "Baimukhanov",
            "Zhakupov",
            "Omarov",
            "Kassymov",
            "Iskakov",
            "Sultanov",
            "Bekov",
            "Abdrakhmanov",
            "Mukhamedzhanov",
            "Ermekov",
            "Tulegenov",
            "Nurpeisov",
            "Utegenov",
            "Seitkaliyev",
            "Dzhaksybekov",
            "Kenzhebayev",
            "Amanzholov",
            "Sarsenbayev",
            "Zhumabekov",
            "Tokhtarov",
            "Nurmagambetov",
            "Yessenov",
        ],
        kind: Kind::PostSoviet(Cyr::Kazakh),
    },
    Culture {
        country: "RU",
        share: 15,
        male: &[
            "Aleksandr",
            "Sergey",
            "Dmitriy",
            "Andrey",
            "Aleksey",
            "Maksim",
            "Yevgeniy",
            "Ivan",
            "Mikhail",
            "Nikolay",
            "Vladimir",
            "Pavel",
            "Oleg",
            "Igor",
            "Artem",
            "Denis",
            "Roman",
            "Viktor",
            "Anton",
            "Konstantin",
        ],
        female: &[
            "Yelena",
            "Olga",
            "Natalya",
            "Tatyana",
            "Irina",
            "Svetlana",
            "Anna",
            "Mariya",
            "Yekaterina",
            "Yuliya",
            "Anastasiya",
            "Oksana",
            "Larisa",
            "Galina",
            "Valentina",
            "Viktoriya",
        ],
        family: &[
            "Ivanov",
            "Smirnov",
            "Kuznetsov",
            "Popov",
            "Vasilyev",
            "Petrov",
            "Sokolov",
            "Mikhaylov",
            "Novikov",
            "Fedorov",
            "Morozov",
            "Volkov",
            "Alekseyev",
            "Lebedev",
            "Semenov",
            "Yegorov",
            "Pavlov",
            "Kozlov",
            "Stepanov",
            "Nikolayev",
            "Orlov",
            "Andreyev",
            "Makarov",
            "Nikitin",
            "Zakharov",
            "Zaytsev",
            "Solovyev",
            "Borisov",
            "Romanov",
            "Belov",
        ],
        kind: Kind::PostSoviet(Cyr::Russian),
    },
    Culture {
        country: "UZ",
        share: 15,
        male: &[
            "Shavkat",
            "Farrukh",
            "Rustam",
            "Bakhodir",
            "Jasur",
            "Sardor",
            "Otabek",
            "Ulugbek",
            "Dilshod",
            "Sherzod",
            "Akmal",
            "Bobur",
            "Jakhongir",
            "Sanjar",
            "Aziz",
            "Timur",
            "Islom",
            "Davron",
            "Nodir",
            "Botir",
            "Kamoliddin",
            "Javlon",
        ],
        female: &[
            "Dilnoza",
            "Gulnora",
            "Nilufar",
            "Shakhnoza",
            "Madina",
            "Malika",
            "Zarina",
            "Feruza",
            "Nodira",
            "Dildora",
            "Sevara",
            "Mokhira",
            "Umida",
            "Barno",
            "Kamola",
            "Gulchekhra",
        ],
        family: &[
            "Karimov",
            "Rakhimov",
            "Yusupov",
            "Abdullayev",
            "Nazarov",
            "Ismoilov",
            "Khodjayev",
            "Mirzayev",
            "Saidov",
            "Tursunov",
            "Ergashev",
            "Rasulov",
            "Umarov",
            "Sobirov",
            "Alimov",
            "Usmonov",
            "Khamidov",
            "Kholmatov",
            "Jurayev",
            "Normatov",
            "Qodirov",
            "Toshmatov",
            "Boboyev",
            "Musayev",
        ],
        kind: Kind::PostSoviet(Cyr::Uzbek),
    },
    Culture {
        country: "KG",
        share: 6,
        male: &[
            "Almazbek",
            "Kubanychbek",
            "Bakyt",
            "Nurbek",
            "Azamat",
            "Ulan",
            "Talant",
            "Emil",
            "Aibek",
            "Bolot",
            "Chyngyz",
            "Kanat",
            "Adilet",
            "Bektur",
            "Ermek",
        ],
        female: &[
            "Aizada", "Cholpon", "Nazgul", "Aidai", "Gulzat", "Zhyldyz", "Begimai", "Elnura",
            "Aiperi", "Meerim", "Nurzhan",
        ],
        family: &[
            "Atambayev",
            "Sadyrov",
            "Abdyldayev",
            "Toktogulov",
            "Osmonov",
            "Mamytov",
            "Kasymaliyev",
            "Asanov",
            "Beishenaliyev",
            "Usenov",
            "Dzhumabayev",
            "Sydykov",
            "Mambetov",
            "Temirbekov",
            "Orozbekov",
            "Isakov",
            "Tashiyev",
            "Kadyrbekov",
        ],
        kind: Kind::PostSoviet(Cyr::Kazakh),
    },
    Culture {
        country: "TJ",
        share: 6,
        male: &[
            "Firdavs",
            "Rustam",
            "Daler",
            "Farkhod",
            "Jamshed",
            "Bakhrom",
            "Sukhrob",
            "Faridun",
            "Davlat",
            "Abdullo",
            "Behruz",
            "Parviz",
            "Shukhrat",
            "Umed",
            "Manuchehr",
            "Komron",
        ],
        female: &[
            "Zarina",
            "Parvina",
            "Manizha",
            "Nigina",
            "Firuza",
            "Mehrangez",
            "Tahmina",
            "Sitora",
            "Gulnora",
            "Shahlo",
            "Zebo",
            "Munira",
        ],
        family: &[
            "Rakhmonov",
            "Sharipov",
            "Nazarov",
            "Saidov",
            "Karimov",
            "Davlatov",
            "Qodirov",
            "Mirzoyev",
            "Safarov",
            "Khakimov",
            "Ismoilov",
            "Boboyev",
            "Jurayev",
            "Rakhmonzoda",
            "Sharifzoda",
            "Qurbonzoda",
            "Nematov",
            "Sattorov",
            "Odinayev",
            "Khalimov",
        ],
        kind: Kind::PostSoviet(Cyr::Tajik),
    },
    Culture {
        country: "TM",
        share: 4,
        male: &[
            "Serdar",
            "Merdan",
            "Myrat",
            "Batyr",
            "Dovlet",
            "Gurbanguly",
            "Maksat",
            "Rustam",
            "Atajan",
            "Begench",
            "Hojamyrat",
            "Annamurat",
            "Yusup",
            "Kerim",
            "Arslan",
        ],
        female: &[
            "Ogulgerek",
            "Maya",
            "Jennet",
            "Ayna",
            "Bahar",
            "Gulshat",
            "Leyli",
            "Ogulbibi",
            "Mahri",
            "Selbi",
            "Aylar",
        ],
        family: &[
            "Annayev",
            "Orazov",
            "Hojayev",
            "Berdiyev",
            "Atayev",
            "Gurbanov",
            "Amanov",
            "Charyyev",
            "Durdyyev",
            "Meredov",
            "Saparov",
            "Ovezov",
            "Nurmuradov",
            "Babayev",
            "Garayev",
            "Rejepov",
        ],
        kind: Kind::Turkmen,
    },
    Culture {
        country: "AZ",
        share: 4,
        male: &[
            "Elvin", "Rashad", "Orkhan", "Tural", "Kamran", "Elchin", "Ramil", "Vugar", "Farid",
            "Rauf", "Anar", "Emin", "Samir", "Nijat", "Ilkin", "Javid", "Mahir",
        ],
        female: &[
            "Aysel", "Leyla", "Gunel", "Nigar", "Sevinj", "Aynur", "Lala", "Narmin", "Konul",
            "Shahla", "Sabina", "Gulnar",
        ],
        family: &[
            "Aliyev",
            "Mammadov",
            "Hasanov",
            "Huseynov",
            "Guliyev",
            "Ismayilov",
            "Abbasov",
            "Babayev",
            "Rzayev",
            "Karimov",
            "Jafarov",
            "Mustafayev",
            "Ibrahimov",
            "Suleymanov",
            "Akhundov",
            "Bagirov",
            "Gasimov",
            "Valiyev",
            "Najafov",
            "Sadigov",
        ],
        kind: Kind::Azerbaijani,
    },
    Culture {
        country: "TR",
        share: 4,
        male: &[
            "Mehmet", "Mustafa", "Ahmet", "Ali", "Hüseyin", "Hasan", "İbrahim", "Murat", "Emre",
            "Burak", "Yusuf", "Ömer", "Osman", "Kemal", "Serkan", "Onur", "Oğuz", "Halil",
        ],
        female: &[
            "Ayşe", "Fatma", "Emine", "Hatice", "Zeynep", "Elif", "Merve", "Özlem", "Esra",
            "Selin", "Gül", "Derya", "Büşra",
        ],
        family: &[
            "Yılmaz",
            "Kaya",
            "Demir",
            "Şahin",
            "Çelik",
            "Yıldız",
            "Yıldırım",
            "Öztürk",
            "Aydın",
            "Özdemir",
            "Arslan",
            "Doğan",
            "Kılıç",
            "Aslan",
            "Çetin",
            "Kara",
            "Koç",
            "Kurt",
            "Özkan",
            "Şimşek",
            "Polat",
            "Korkmaz",
            "Erdoğan",
            "Güneş",
        ],
        kind: Kind::Turkish,
    },
    Culture {
        country: "GE",
        share: 2,
        male: &[
            "Giorgi",
            "Davit",
            "Levan",
            "Nikoloz",
            "Irakli",
            "Zurab",
            "Aleksandre",
            "Lasha",
            "Giga",
            "Tornike",
            "Luka",
            "Mikheil",
            "Beka",
            "Revaz",
        ],
        female: &[
            "Nino",
            "Mariam",
            "Tamar",
            "Ana",
            "Ekaterine",
            "Natia",
            "Salome",
            "Maka",
            "Tamta",
            "Eka",
            "Khatia",
        ],
        family: &[
            "Beridze",
            "Kapanadze",
            "Gelashvili",
            "Maisuradze",
            "Giorgadze",
            "Lomidze",
            "Tsiklauri",
            "Bolkvadze",
            "Khutsishvili",
            "Kvaratskhelia",
            "Nozadze",
            "Japaridze",
            "Mamulashvili",
            "Abashidze",
            "Chkheidze",
            "Gogoladze",
            "Kiknadze",
            "Lobjanidze",
            "Meladze",
            "Tsertsvadze",
        ],
        kind: Kind::Georgian,
    },
    Culture {
        country: "CN",
        share: 7,
        male: &[],
        female: &[],
        family: &[],
        kind: Kind::Chinese,
    },
    Culture {
        country: "KR",
        share: 5,
        male: &[],
        female: &[],
        family: &[],
        kind: Kind::Korean,
    },
    Culture {
        country: "AF",
        share: 5,
        male: &[
            "Ahmad", "Mohammad", "Ghulam", "Hamid", "Rahim", "Karim", "Naweed", "Farhad", "Jawad",
            "Wahid", "Shafiq", "Hekmat", "Nasir", "Qasim", "Bashir", "Jamshid", "Sayed", "Omid",
        ],
        female: &[
            "Fatima", "Zahra", "Mariam", "Nazanin", "Farzana", "Parwana", "Shabnam", "Roya",
            "Khadija", "Malalai", "Nasrin", "Homa",
        ],
        family: &[
            "Ahmadzai",
            "Popal",
            "Noori",
            "Sultani",
            "Rahimi",
            "Karimi",
            "Hashimi",
            "Safi",
            "Amiri",
            "Sadat",
            "Wardak",
            "Azizi",
            "Naseri",
            "Habibi",
            "Rasuli",
            "Hakimi",
            "Mohammadi",
            "Rezai",
        ],
        kind: Kind::ArabicScript,
    },
    Culture {
        country: "IR",
        share: 4,
        male: &[
            "Ali", "Reza", "Hossein", "Mehdi", "Amir", "Mohammad", "Hamid", "Saeed", "Majid",
            "Behnam", "Arash", "Kaveh", "Omid", "Babak", "Hassan", "Javad", "Morteza", "Navid",
        ],
        female: &[
            "Maryam", "Zahra", "Fatemeh", "Neda", "Sara", "Shirin", "Parisa", "Leila", "Mina",
            "Niloufar", "Elham", "Mahsa",
        ],
        family: &[
            "Hosseini",
            "Mohammadi",
            "Rezaei",
            "Ahmadi",
            "Karimi",
            "Jafari",
            "Moradi",
            "Rahimi",
            "Hashemi",
            "Sadeghi",
            "Ebrahimi",
            "Mousavi",
            "Kazemi",
            "Akbari",
            "Tehrani",
            "Najafi",
            "Ghasemi",
            "Salehi",
            "Bagheri",
            "Shirazi",
        ],
        kind: Kind::ArabicScript,
    },
    Culture {
        country: "SA",
        share: 3,
        male: &[
            "Mohammed", "Ahmed", "Ali", "Omar", "Khaled", "Hassan", "Ibrahim", "Youssef",
            "Mahmoud", "Mustafa", "Abdullah", "Tariq", "Hamza", "Saleh", "Faisal", "Nasser",
            "Karim", "Sami", "Majed",
        ],
        female: &[
            "Fatima", "Aisha", "Mariam", "Noor", "Layla", "Huda", "Salma", "Rania", "Amal", "Hana",
            "Reem", "Dana",
        ],
        family: &[
            "Hassan", "Ibrahim", "Abdullah", "Saleh", "Mahmoud", "Haddad", "Khalil", "Nasser",
            "Othman", "Darwish", "Mansour", "Youssef", "Harbi", "Shammari", "Qahtani", "Otaibi",
            "Ghamdi", "Zahrani", "Dosari", "Anazi",
        ],
        kind: Kind::ArabicScript,
    },
];

/// Generates `count` customers of a bank in Central Asia and its neighbours,
/// in the proportions of the cultures below, written in the scripts people type them in,
/// each with a birth date (1940-2006) and nationality.
pub fn regional_population(tables: &NameTables, count: usize, seed: u64) -> Vec<Customer> {
    let mut rng = XorShift::new(seed);
    let total: usize = CULTURES.iter().map(|c| c.share).sum();
    let mut out = Vec::with_capacity(count);
    while out.len() < count {
        let mut ticket = rng.below(total);
        let Some(culture) = CULTURES.iter().find(|c| {
            if ticket < c.share {
                true
            } else {
                ticket -= c.share;
                false
            }
        }) else {
            break;
        };
        let Some((name, script)) = person_name(culture, tables, &mut rng) else {
            continue;
        };
        let year = 1940 + rng.below(67) as i32;
        let month = 1 + rng.below(12) as u8;
        let day = 1 + rng.below(28) as u8;
        out.push(Customer {
            name,
            birth_date: PartialDate::new(year, Some(month), Some(day)).map(BirthDate::exact),
            country: Some(culture.country.to_string()),
            group: format!("{} {script}", culture.country),
        });
    }
    out
}

fn pick<'a>(rng: &mut XorShift, items: &'a [&'a str]) -> Option<&'a str> {
    items.get(rng.below(items.len())).copied()
}

/// A name of the culture, and the script it is written in.
fn person_name(
    culture: &Culture,
    tables: &NameTables,
    rng: &mut XorShift,
) -> Option<(String, &'static str)> {
    let female = rng.below(2) == 0;
    let given_list = if female { culture.female } else { culture.male };
    match culture.kind {
        Kind::Chinese => chinese(tables, rng),
        Kind::Korean => korean(tables, rng),
        Kind::PostSoviet(style) => {
            let given = pick(rng, given_list)?;
            let family = feminine(pick(rng, culture.family)?, female);
            let father = pick(rng, culture.male)?;
            post_soviet(given, &family, father, female, style, rng)
        }
        Kind::Turkmen => {
            let given = pick(rng, given_list)?;
            let family = feminine(pick(rng, culture.family)?, female);
            match rng.below(10) {
                0..=4 => Some((turkmen_latin(&format!("{given} {family}")), "turkmen latin")),
                5..=7 => Some((
                    cyrillic(&format!("{family} {given}"), Cyr::Russian),
                    "cyrillic",
                )),
                _ => Some((format!("{given} {family}").to_uppercase(), "latin")),
            }
        }
        Kind::Azerbaijani => {
            let given = pick(rng, given_list)?;
            let family = feminine(pick(rng, culture.family)?, female);
            match rng.below(10) {
                0..=4 => Some((
                    azerbaijani(&format!("{given} {family}")),
                    "azerbaijani latin",
                )),
                5..=7 => Some((format!("{given} {family}"), "latin")),
                _ => Some((
                    cyrillic(&format!("{family} {given}"), Cyr::Russian),
                    "cyrillic",
                )),
            }
        }
        Kind::Turkish => {
            let given = pick(rng, given_list)?;
            let family = pick(rng, culture.family)?;
            let name = format!("{given} {family}");
            if rng.below(10) < 7 {
                Some((name, "turkish latin"))
            } else {
                Some((cordon_names::normalize(&name).to_uppercase(), "latin"))
            }
        }
        Kind::Georgian => {
            let given = pick(rng, given_list)?;
            let family = pick(rng, culture.family)?;
            let name = format!("{given} {family}");
            if rng.below(10) < 6 {
                Some((georgian(&name), "georgian"))
            } else {
                Some((name, "latin"))
            }
        }
        Kind::ArabicScript => {
            let given = pick(rng, given_list)?;
            let family = pick(rng, culture.family)?;
            // Arab names often carry the father's name between given and family name.
            let name = if culture.country == "SA" && rng.below(2) == 0 {
                format!("{given} {} {family}", pick(rng, culture.male)?)
            } else {
                format!("{given} {family}")
            };
            if rng.below(10) < 5 {
                let native: Option<Vec<&String>> = name
                    .split(' ')
                    .map(|t| tables.arabic.get(&t.to_lowercase()))
                    .collect();
                if let Some(native) = native {
                    let joined: Vec<&str> = native.iter().map(|s| s.as_str()).collect();
                    return Some((joined.join(" "), "arabic script"));
                }
            }
            Some((name, "latin"))
        }
    }
}

/// The feminine of a Russian-style family name (-ov, -ev, -in take -a).
fn feminine(family: &str, female: bool) -> String {
    if female && (family.ends_with("ov") || family.ends_with("ev") || family.ends_with("in")) {
        format!("{family}a")
    } else {
        family.to_string()
    }
}

/// A patronymic from the father's given name, Russian style.
fn patronymic(father: &str, female: bool) -> String {
    let stem = father.trim_end_matches(['y', 'i']);
    let soft = stem.len() < father.len();
    match (soft, female) {
        (true, false) => format!("{stem}yevich"),
        (true, true) => format!("{stem}yevna"),
        (false, false) => format!("{father}ovich"),
        (false, true) => format!("{father}ovna"),
    }
}

fn post_soviet(
    given: &str,
    family: &str,
    father: &str,
    female: bool,
    style: Cyr,
    rng: &mut XorShift,
) -> Option<(String, &'static str)> {
    let with_patronymic = rng.below(2) == 0;
    let official = if with_patronymic {
        format!("{family} {given} {}", patronymic(father, female))
    } else {
        format!("{family} {given}")
    };
    match rng.below(10) {
        0..=5 => Some((cyrillic(&official, style), "cyrillic")),
        6..=7 if style == Cyr::Uzbek => {
            Some((uzbek_latin(&format!("{given} {family}")), "uzbek latin"))
        }
        6..=7 => Some((format!("{given} {family}"), "latin")),
        _ => Some((official.to_uppercase(), "latin")),
    }
}

fn chinese(tables: &NameTables, rng: &mut XorShift) -> Option<(String, &'static str)> {
    let surnames = tables.table("chinese_surnames");
    let given = tables.table("chinese_given_names");
    let (sn, sv) = surnames.get(rng.below(surnames.len()))?;
    let (g1, g1v) = given.get(rng.below(given.len()))?;
    let two = rng.below(3) != 0;
    let (g2, g2v) = given.get(rng.below(given.len()))?;
    let native_given = if two { format!("{g1}{g2}") } else { g1.clone() };
    let latin_given = if two {
        format!("{}{}", first(g1v), first(g2v))
    } else {
        first(g1v).to_string()
    };
    match rng.below(10) {
        0..=3 => Some((format!("{sn}{native_given}"), "han")),
        4..=5 => Some((format!("{native_given} {sn}"), "han")),
        _ => Some((
            format!("{} {}", title(first(sv)), title(&latin_given)),
            "latin",
        )),
    }
}

fn korean(tables: &NameTables, rng: &mut XorShift) -> Option<(String, &'static str)> {
    let surnames = tables.table("korean_surnames");
    let given = tables.table("korean_given_names");
    let (sn, sv) = surnames.get(rng.below(surnames.len()))?;
    let (g1, g1v) = given.get(rng.below(given.len()))?;
    let (g2, g2v) = given.get(rng.below(given.len()))?;
    let (l1, l2) = (
        g1v.get(rng.below(g1v.len()))?,
        g2v.get(rng.below(g2v.len()))?,
    );
    let surname = title(first(sv));
    match rng.below(10) {
        0..=3 => Some((format!("{sn}{g1}{g2}"), "hangul")),
        4 => Some((format!("{g1}{g2} {sn}"), "hangul")),
        5..=7 => Some((format!("{surname} {}-{l2}", title(l1)), "latin")),
        _ => Some((format!("{}{l2} {surname}", title(l1)), "latin")),
    }
}

fn first(v: &[String]) -> &str {
    v.first().map_or("", String::as_str)
}

fn title(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

/// Passport Latin -> Cyrillic by letter rules, in a letter style.
fn cyrillic(latin: &str, style: Cyr) -> String {
    let s = cordon_names::normalize(latin);
    let local = |ru: &'static str, uz: &'static str, kz: &'static str, tj: &'static str| match style
    {
        Cyr::Russian => ru,
        Cyr::Uzbek => uz,
        Cyr::Kazakh => kz,
        Cyr::Tajik => tj,
    };
    let digraphs: [(&str, &str); 12] = [
        ("kh", local("х", "х", "х", "х")),
        ("sh", "ш"),
        ("ch", "ч"),
        ("zh", local("ж", "ж", "ж", "ж")),
        ("ts", "ц"),
        ("yu", "ю"),
        ("ya", "я"),
        ("yo", "ё"),
        ("ye", "е"),
        ("gh", local("г", "ғ", "ғ", "ғ")),
        ("iy", "ий"),
        ("dj", "дж"),
    ];
    let mut out = String::with_capacity(s.len() * 2);
    let mut rest = s.as_str();
    let mut word_start = true;
    while let Some(c) = rest.chars().next() {
        if let Some((lat, cyr)) = digraphs.iter().find(|(l, _)| rest.starts_with(l)) {
            out.push_str(cyr);
            rest = &rest[lat.len()..];
            word_start = false;
            continue;
        }
        let t = match c {
            'a' => "а",
            'b' => "б",
            'v' | 'w' => "в",
            'g' => "г",
            'd' => "д",
            'e' if word_start => "э",
            'e' => "е",
            'z' => "з",
            'i' => "и",
            'y' => "й",
            'k' => "к",
            'q' => local("к", "қ", "қ", "қ"),
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
            'h' => local("х", "ҳ", "һ", "ҳ"),
            'x' => local("кс", "х", "х", "х"),
            'c' => "к",
            'j' => local("дж", "ж", "ж", "ҷ"),
            ' ' => " ",
            _ => "",
        };
        out.push_str(t);
        word_start = c == ' ';
        rest = &rest[c.len_utf8()..];
    }
    title_words(&out)
}

fn title_words(s: &str) -> String {
    s.split(' ').map(title).collect::<Vec<_>>().join(" ")
}

/// Passport Latin -> the Uzbek Latin alphabet (x for kh, o' and g').
fn uzbek_latin(latin: &str) -> String {
    latin
        .replace("kh", "x")
        .replace("Kh", "X")
        .replace("dj", "j")
}

/// Passport Latin -> the Turkmen alphabet (ş, ç, ž, ý, -ow/-ew).
fn turkmen_latin(latin: &str) -> String {
    let s = latin
        .replace("sh", "ş")
        .replace("Sh", "Ş")
        .replace("ch", "ç")
        .replace("Ch", "Ç")
        .replace("zh", "ž")
        .replace("yev", "ýew")
        .replace("ov", "ow")
        .replace("ev", "ew");
    s.replace('y', "ý").replace('Y', "Ý")
}

/// Passport Latin -> the Azerbaijani alphabet (ə, ş, ç, x for kh, c for j).
fn azerbaijani(latin: &str) -> String {
    latin
        .replace("Mammad", "Məmməd")
        .replace("Aliyev", "Əliyev")
        .replace("Huseyn", "Hüseyn")
        .replace("kh", "x")
        .replace("Kh", "X")
        .replace("sh", "ş")
        .replace("Sh", "Ş")
        .replace("ch", "ç")
        .replace("j", "c")
        .replace('J', "C")
}

/// Georgian Latin -> Mkhedruli by letter rules.
fn georgian(latin: &str) -> String {
    let s = cordon_names::normalize(latin);
    let digraphs: [(&str, &str); 8] = [
        ("kh", "ხ"),
        ("sh", "შ"),
        ("ch", "ჩ"),
        ("ts", "ც"),
        ("dz", "ძ"),
        ("gh", "ღ"),
        ("zh", "ჟ"),
        ("tch", "ჭ"),
    ];
    let mut out = String::new();
    let mut rest = s.as_str();
    while let Some(c) = rest.chars().next() {
        if let Some((lat, geo)) = digraphs.iter().find(|(l, _)| rest.starts_with(l)) {
            out.push_str(geo);
            rest = &rest[lat.len()..];
            continue;
        }
        out.push_str(match c {
            'a' => "ა",
            'b' => "ბ",
            'g' => "გ",
            'd' => "დ",
            'e' => "ე",
            'v' => "ვ",
            'z' => "ზ",
            't' => "თ",
            'i' => "ი",
            'k' => "კ",
            'l' => "ლ",
            'm' => "მ",
            'n' => "ნ",
            'o' => "ო",
            'p' => "პ",
            'r' => "რ",
            's' => "ს",
            'u' => "უ",
            'f' => "ფ",
            'q' => "ქ",
            'j' => "ჯ",
            'h' => "ჰ",
            ' ' => " ",
            _ => "",
        });
        rest = &rest[c.len_utf8()..];
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tables() -> NameTables {
        let rigour = vec![vec!["ahmad".to_string(), "احمد".to_string()]];
        let tsv =
            "table\tnative\tvariant\nchinese_surnames\t王\twang\nchinese_given_names\t伟\twei\n\
                   korean_surnames\t김\tkim\nkorean_given_names\t민\tmin\n";
        NameTables::new(&rigour, tsv)
    }

    #[test]
    fn generation_is_seeded_and_covers_the_region() {
        let t = tables();
        let a = regional_population(&t, 2_000, 7);
        let b = regional_population(&t, 2_000, 7);
        assert_eq!(a, b);
        assert_eq!(a.len(), 2_000);
        for country in [
            "KZ", "RU", "UZ", "KG", "TJ", "TM", "AZ", "TR", "GE", "CN", "KR", "AF", "IR", "SA",
        ] {
            assert!(
                a.iter().any(|c| c.country.as_deref() == Some(country)),
                "{country}"
            );
        }
        for script in ["cyrillic", "han", "hangul", "georgian", "uzbek latin"] {
            assert!(a.iter().any(|c| c.group.ends_with(script)), "{script}");
        }
        assert!(a.iter().all(|c| c.birth_date.is_some()));
    }

    #[test]
    fn letter_rules() {
        assert_eq!(cyrillic("Karimov Rustam", Cyr::Russian), "Каримов Рустам");
        assert_eq!(cyrillic("Qodirov", Cyr::Tajik), "Қодиров");
        assert_eq!(georgian("Khutsishvili"), "ხუციშვილი");
        assert_eq!(patronymic("Sergey", false), "Sergeyevich");
        assert_eq!(feminine("Ivanov", true), "Ivanova");
    }

    #[test]
    fn customer_rows_are_read_with_date_and_country() {
        let text = "full_name,first_name,middle_name,last_name,gender,date_of_birth,place_of_birth,nationality\n\
                    Kathryn Barr,Kathryn,,Barr,female,1966-07-06,Karachi,United Arab Emirates\n\
                    ,x,,y,male,1970-01-01,,France\n";
        let rows = parse_customer_rows(text, 10, "us");
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].country.as_deref(), Some("AE"));
        assert_eq!(rows[0].birth_date.as_ref().map(|d| d.date.year), Some(1966));
    }
}
