//! Hebrew: consonantal transliteration with the usual vowel fill (ו between
//! consonants o/u, י i, final ה e/a) and the common spelling variants.

/// Renderings of one Hebrew token (points removed): a primary reading, then
/// one with the alternative values (ב v, ו u, כ kh, פ f, ח ch).
pub fn variants(token: &str) -> Vec<String> {
    let chars: Vec<char> = token.chars().filter(|c| !is_point(*c)).collect();
    let mut main = String::with_capacity(chars.len() * 2);
    let mut alt = String::with_capacity(chars.len() * 2);
    for (i, &c) in chars.iter().enumerate() {
        let first = i == 0;
        let last = i + 1 == chars.len();
        let (m, a) = match c {
            'ו' if first => ("v", "v"),
            'ו' if chars.get(i + 1) == Some(&'ו') => ("v", "v"),
            'ו' if i > 0 && chars.get(i - 1) == Some(&'ו') => ("", ""),
            'ו' => ("o", "u"),
            'י' if first => ("y", "y"),
            'י' if chars.get(i + 1) == Some(&'י') => ("y", "y"),
            'י' if i > 0 && chars.get(i - 1) == Some(&'י') => ("", ""),
            'י' => ("i", "i"),
            'ה' if last && i > 0 => ("e", "a"),
            'א' if first => ("a", "e"),
            'א' => ("a", ""),
            'ע' if first => ("a", "e"),
            'ע' => ("", "a"),
            _ => consonant(c),
        };
        main.push_str(m);
        alt.push_str(a);
    }
    if main == alt {
        vec![main]
    } else {
        vec![main, alt]
    }
}

fn is_point(c: char) -> bool {
    matches!(c as u32, 0x591..=0x5C7) && !matches!(c as u32, 0x5BE | 0x5C0 | 0x5C3 | 0x5C6)
}

fn consonant(c: char) -> (&'static str, &'static str) {
    match c {
        'ב' => ("b", "v"),
        'ג' => ("g", "g"),
        'ד' => ("d", "d"),
        'ה' => ("h", "h"),
        'ז' => ("z", "z"),
        'ח' => ("kh", "ch"),
        'ט' => ("t", "t"),
        'כ' => ("k", "kh"),
        'ך' => ("kh", "ch"),
        'ל' => ("l", "l"),
        'מ' | 'ם' => ("m", "m"),
        'נ' | 'ן' => ("n", "n"),
        'ס' => ("s", "s"),
        'פ' => ("p", "f"),
        'ף' => ("f", "f"),
        'צ' | 'ץ' => ("ts", "tz"),
        'ק' => ("k", "k"),
        'ר' => ("r", "r"),
        'ש' => ("sh", "sh"),
        'ת' => ("t", "t"),
        c => (any_ascii::any_ascii_char(c), any_ascii::any_ascii_char(c)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn consonantal_with_vowel_fill() {
        assert_eq!(variants("פוטין"), vec!["potin", "futin"]);
        assert_eq!(variants("משה"), vec!["mshe", "msha"]);
        assert_eq!(variants("דוד"), vec!["dod", "dud"]);
        assert_eq!(variants("ולדימיר")[0], "vldimir");
    }
}
