//! Cyrillic: Russian, Ukrainian, Belarusian, Kazakh, Kyrgyz, Tajik and Uzbek.
//!
//! Every token is rendered in [`SCHEMES`] aligned systems:
//! 0. BGN/PCGN as used by OFAC and the UN (х kh, ж zh, й y, initial е ye, ий iy);
//! 1. ICAO 9303 passports (й i, ю iu, я ia, ё e, ъ ie, ий ii);
//! 2. common English spellings (х h, ий y, кс x, ьев iev: "Dmitry", "Alexandr", "Grigoriev");
//! 3. GOST 7.79-B / Central-European style (х x, ж j, ц c, й j, ю ju, я ja, щ shh);
//! 4. the national Latin alphabet for Central Asian names (Uzbek х x, ж j, ў o; Kazakh
//!    ң ng; Tajik ҷ j), otherwise a copy of system 0.

/// Number of aligned systems each token is rendered in.
pub const SCHEMES: usize = 5;

type Row = [&'static str; SCHEMES];

/// The language a Cyrillic name is most likely written in, from its letters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    /// Russian (the default).
    Russian,
    /// Ukrainian (і ї є ґ).
    Ukrainian,
    /// Belarusian (ў with і).
    Belarusian,
    /// Kazakh (ә ғ қ ң ө ұ ү һ і).
    Kazakh,
    /// Kyrgyz (ң ө ү without Kazakh-only letters).
    Kyrgyz,
    /// Tajik (ӣ ӯ ҷ).
    Tajik,
    /// Uzbek (ў қ ғ ҳ).
    Uzbek,
}

impl Lang {
    /// Guesses the language from the letters of all tokens of one name.
    pub fn detect<'a>(tokens: impl Iterator<Item = &'a str>) -> Lang {
        let (mut ukr, mut i, mut short_u, mut kaz, mut kyr, mut taj, mut uzb) =
            (false, false, false, false, false, false, false);
        for c in tokens.flat_map(str::chars) {
            match c {
                'ї' | 'є' | 'ґ' => ukr = true,
                'і' => i = true,
                'ў' => short_u = true,
                'ә' | 'ұ' | 'һ' => kaz = true,
                'ң' | 'ө' | 'ү' => kyr = true,
                'ӣ' | 'ӯ' | 'ҷ' => taj = true,
                'қ' | 'ғ' | 'ҳ' => uzb = true,
                _ => {}
            }
        }
        if taj {
            Lang::Tajik
        } else if kaz || (kyr && (i || uzb)) {
            Lang::Kazakh
        } else if kyr {
            Lang::Kyrgyz
        } else if short_u && i {
            Lang::Belarusian
        } else if ukr || i {
            Lang::Ukrainian
        } else if uzb || short_u {
            Lang::Uzbek
        } else {
            Lang::Russian
        }
    }
}

/// The [`SCHEMES`] renderings of one lowercase Cyrillic token, aligned by system.
pub fn variants(token: &str, lang: Lang) -> Vec<String> {
    let chars: Vec<char> = token.chars().collect();
    let mut out: Vec<String> = vec![String::with_capacity(token.len() * 2); SCHEMES];
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        let prev = i.checked_sub(1).and_then(|p| chars.get(p)).copied();
        let next = chars.get(i + 1).copied();
        let after_next = chars.get(i + 2).copied();
        if let Some(row) = word_final_ij(c, next, after_next) {
            push_row(&mut out, &row);
            i += 2;
            continue;
        }
        // дж writes a foreign j (Джамал, Джон, Джихад): common English
        // spellings and the Central Asian alphabets write "j".
        if c == 'д' && next == Some('ж') {
            push_row(&mut out, &["dzh", "dzh", "j", "dj", "j"]);
            i += 2;
            continue;
        }
        if c == 'к' && next == Some('с') {
            push_row(&mut out, &["ks", "ks", "x", "ks", "ks"]);
            i += 2;
            continue;
        }
        let row = letter(c, prev, next, lang);
        push_row(&mut out, &row);
        i += 1;
    }
    out
}

fn push_row(out: &mut [String], row: &Row) {
    for (s, part) in out.iter_mut().zip(row.iter()) {
        s.push_str(part);
    }
}

/// -ий / -ый at the end of a word: Dmitriy, Dmitrii, Dmitry, Dmitrij.
fn word_final_ij(c: char, next: Option<char>, after_next: Option<char>) -> Option<Row> {
    if next != Some('й') || after_next.is_some() {
        return None;
    }
    match c {
        'и' => Some(["iy", "ii", "y", "ij", "iy"]),
        'ы' => Some(["yy", "y", "y", "yj", "iy"]),
        _ => None,
    }
}

fn is_vowel(c: char) -> bool {
    matches!(
        c,
        'а' | 'е'
            | 'ё'
            | 'и'
            | 'о'
            | 'у'
            | 'ы'
            | 'э'
            | 'ю'
            | 'я'
            | 'і'
            | 'ї'
            | 'є'
            | 'ә'
            | 'ө'
            | 'ү'
            | 'ұ'
            | 'ў'
            | 'ӣ'
            | 'ӯ'
    )
}

fn letter(c: char, prev: Option<char>, next: Option<char>, lang: Lang) -> Row {
    if let Some(row) = lang_letter(c, prev, lang) {
        return row;
    }
    let iotated_position = prev.is_none_or(|p| is_vowel(p) || p == 'ъ' || p == 'ь');
    let soft_before_vowel = next.is_some_and(|n| matches!(n, 'е' | 'ё' | 'ю' | 'я' | 'и'));
    match c {
        'а' => ["a"; SCHEMES],
        'б' => ["b"; SCHEMES],
        'в' => ["v"; SCHEMES],
        'г' => ["g"; SCHEMES],
        'д' => ["d"; SCHEMES],
        'е' if iotated_position => ["ye", "e", "e", "e", "ye"],
        'е' => ["e"; SCHEMES],
        'ё' => ["yo", "e", "yo", "jo", "yo"],
        'ж' => ["zh", "zh", "zh", "j", "zh"],
        'з' => ["z"; SCHEMES],
        'и' | 'і' | 'ӣ' => ["i"; SCHEMES],
        'й' => ["y", "i", "y", "j", "y"],
        'к' => ["k"; SCHEMES],
        'л' => ["l"; SCHEMES],
        'м' => ["m"; SCHEMES],
        'н' => ["n"; SCHEMES],
        'о' | 'ө' => ["o"; SCHEMES],
        'п' => ["p"; SCHEMES],
        'р' => ["r"; SCHEMES],
        'с' => ["s"; SCHEMES],
        'т' => ["t"; SCHEMES],
        'у' | 'ү' | 'ұ' | 'ӯ' => ["u"; SCHEMES],
        'ф' => ["f"; SCHEMES],
        'х' => ["kh", "kh", "h", "x", "kh"],
        'ц' => ["ts", "ts", "ts", "c", "ts"],
        'ч' => ["ch"; SCHEMES],
        'ш' => ["sh"; SCHEMES],
        'щ' => ["shch", "shch", "sch", "shh", "shch"],
        'ъ' => ["", "ie", "", "", ""],
        'ы' => ["y"; SCHEMES],
        'ь' if soft_before_vowel => ["", "", "i", "", ""],
        'ь' => [""; SCHEMES],
        'э' => ["e"; SCHEMES],
        'ю' => ["yu", "iu", "yu", "ju", "yu"],
        'я' => ["ya", "ia", "ya", "ja", "ya"],
        'є' => ["ye", "ie", "ye", "je", "ye"],
        'ї' => ["yi", "i", "yi", "ji", "yi"],
        'ґ' => ["g"; SCHEMES],
        'ә' => ["a", "a", "a", "a", "a"],
        'ғ' => ["gh", "g", "g", "gh", "g"],
        'қ' => ["q", "k", "k", "q", "q"],
        'ң' => ["ng", "n", "ng", "n", "ng"],
        'һ' | 'ҳ' => ["kh", "h", "h", "x", "h"],
        'ҷ' => ["j", "dzh", "j", "dzh", "j"],
        'ў' => ["o", "u", "o", "w", "o"],
        _ => [""; SCHEMES],
    }
}

/// Letters whose reading depends on the language.
fn lang_letter(c: char, prev: Option<char>, lang: Lang) -> Option<Row> {
    Some(match (lang, c) {
        (Lang::Ukrainian | Lang::Belarusian, 'г') => ["h", "h", "h", "g", "h"],
        (Lang::Ukrainian, 'и') => ["y", "y", "y", "i", "y"],
        (Lang::Ukrainian, 'е') => ["e"; SCHEMES],
        (Lang::Ukrainian, 'й') => ["y", "i", "y", "j", "i"],
        (Lang::Belarusian, 'ў') => ["w", "u", "u", "w", "u"],
        (Lang::Kazakh, 'һ') => ["h"; SCHEMES],
        (Lang::Kazakh | Lang::Kyrgyz, 'ж') => ["zh", "zh", "j", "zh", "j"],
        (Lang::Kazakh, 'х') => ["kh", "kh", "h", "x", "h"],
        (Lang::Uzbek, 'ж') => ["j", "zh", "zh", "j", "j"],
        (Lang::Uzbek, 'х') => ["kh", "kh", "h", "x", "x"],
        (Lang::Uzbek, 'ҳ') => ["kh", "h", "h", "x", "h"],
        (Lang::Uzbek, 'е') if prev.is_none() => ["ye", "e", "e", "e", "ye"],
        (Lang::Tajik, 'ҳ') => ["kh", "h", "h", "x", "h"],
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all(token: &str) -> Vec<String> {
        let lang = Lang::detect(std::iter::once(token));
        variants(token, lang)
    }

    #[test]
    fn russian_systems() {
        let v = all("дмитрий");
        assert_eq!(
            v,
            vec!["dmitriy", "dmitrii", "dmitry", "dmitrij", "dmitriy"]
        );
        assert_eq!(all("путин")[0], "putin");
        assert_eq!(all("медведев")[0], "medvedev");
        assert!(all("александр").contains(&"alexandr".to_string()));
        assert!(all("хаматович").contains(&"hamatovich".to_string()));
        assert!(all("хаматович").contains(&"xamatovich".to_string()));
        assert_eq!(all("евгений")[0], "yevgeniy");
        let g = all("григорьев");
        assert!(g.contains(&"grigoryev".to_string()));
        assert!(g.contains(&"grigorev".to_string()));
        assert!(g.contains(&"grigoriev".to_string()));
        assert!(all("юлия").contains(&"iuliia".to_string()));
    }

    #[test]
    fn foreign_j() {
        let v = variants("джихад", Lang::Russian);
        assert_eq!(v[0], "dzhikhad");
        assert!(v.contains(&"jihad".to_string()), "{v:?}");
    }

    #[test]
    fn central_asian_and_slavic_languages() {
        assert_eq!(Lang::detect(["ҳалимов"].into_iter()), Lang::Uzbek);
        assert_eq!(all("ҳалимов")[0], "khalimov");
        assert!(all("ҳалимов").contains(&"halimov".to_string()));
        assert!(all("йўлдошев").contains(&"yoldoshev".to_string()));
        assert_eq!(all("нұрсұлтан")[0], "nursultan");
        assert_eq!(Lang::detect(["ҷалолов"].into_iter()), Lang::Tajik);
        assert!(all("ҷалолов").contains(&"dzhalolov".to_string()));
        assert_eq!(variants("володимир", Lang::Ukrainian)[0], "volodymyr");
        assert_eq!(
            Lang::detect(["путін", "володимир"].into_iter()),
            Lang::Ukrainian
        );
        assert_eq!(all("уладзімір")[0], "uladzimir");
        assert_eq!(all("пуцін")[0], "putsin");
    }
}
