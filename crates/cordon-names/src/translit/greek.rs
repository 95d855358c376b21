//! Greek: ELOT 743 / UN (ISO 843 type 2) with the common English variants.

/// Renderings of one lowercase Greek token (accents allowed): ELOT 743
/// first (χ ch, ου ou, αυ av, μπ mp, η i, υ y), then a variant with
/// kh, u, b/d for initial μπ/ντ and i for υ.
pub fn variants(token: &str) -> Vec<String> {
    let base: String = token.chars().filter_map(strip_accent).collect();
    let chars: Vec<char> = base.chars().collect();
    let mut elot = String::with_capacity(chars.len() * 2);
    let mut alt = String::with_capacity(chars.len() * 2);
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        let next = chars.get(i + 1).copied();
        let after = chars.get(i + 2).copied();
        if let Some((e, a, used)) = digraph(c, next, after, i == 0) {
            elot.push_str(e);
            alt.push_str(a);
            i += used;
            continue;
        }
        let (e, a) = single(c);
        elot.push_str(e);
        alt.push_str(a);
        i += 1;
    }
    if alt == elot {
        vec![elot]
    } else {
        vec![elot, alt]
    }
}

fn strip_accent(c: char) -> Option<char> {
    Some(match c {
        'ά' => 'α',
        'έ' => 'ε',
        'ή' => 'η',
        'ί' | 'ϊ' | 'ΐ' => 'ι',
        'ό' => 'ο',
        'ύ' | 'ϋ' | 'ΰ' => 'υ',
        'ώ' => 'ω',
        'ς' => 'σ',
        c if unicode_normalization::char::is_combining_mark(c) => return None,
        c => c,
    })
}

fn is_voiced_or_vowel(c: Option<char>) -> bool {
    matches!(
        c,
        Some(
            'α' | 'ε'
                | 'η'
                | 'ι'
                | 'ο'
                | 'υ'
                | 'ω'
                | 'β'
                | 'γ'
                | 'δ'
                | 'ζ'
                | 'λ'
                | 'μ'
                | 'ν'
                | 'ρ'
        )
    )
}

fn digraph(
    c: char,
    next: Option<char>,
    after: Option<char>,
    initial: bool,
) -> Option<(&'static str, &'static str, usize)> {
    let voiced = is_voiced_or_vowel(after);
    Some(match (c, next?) {
        ('ο', 'υ') => ("ou", "u", 2),
        ('α', 'υ') if voiced => ("av", "av", 2),
        ('α', 'υ') => ("af", "af", 2),
        ('ε', 'υ') if voiced => ("ev", "ev", 2),
        ('ε', 'υ') => ("ef", "ef", 2),
        ('η', 'υ') if voiced => ("iv", "iv", 2),
        ('η', 'υ') => ("if", "if", 2),
        ('μ', 'π') if initial => ("b", "b", 2),
        ('μ', 'π') => ("mp", "b", 2),
        ('ν', 'τ') if initial => ("d", "d", 2),
        ('ν', 'τ') => ("nt", "d", 2),
        ('γ', 'γ') => ("ng", "ng", 2),
        ('γ', 'κ') if initial => ("g", "g", 2),
        ('γ', 'κ') => ("gk", "ng", 2),
        ('γ', 'χ') => ("nch", "nkh", 2),
        ('γ', 'ξ') => ("nx", "nks", 2),
        _ => return None,
    })
}

fn single(c: char) -> (&'static str, &'static str) {
    match c {
        'α' => ("a", "a"),
        'β' => ("v", "v"),
        'γ' => ("g", "g"),
        'δ' => ("d", "d"),
        'ε' => ("e", "e"),
        'ζ' => ("z", "z"),
        'η' => ("i", "i"),
        'θ' => ("th", "th"),
        'ι' => ("i", "i"),
        'κ' => ("k", "k"),
        'λ' => ("l", "l"),
        'μ' => ("m", "m"),
        'ν' => ("n", "n"),
        'ξ' => ("x", "ks"),
        'ο' => ("o", "o"),
        'π' => ("p", "p"),
        'ρ' => ("r", "r"),
        'σ' => ("s", "s"),
        'τ' => ("t", "t"),
        'υ' => ("y", "i"),
        'φ' => ("f", "ph"),
        'χ' => ("ch", "kh"),
        'ψ' => ("ps", "ps"),
        'ω' => ("o", "o"),
        _ => ("", ""),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn elot() {
        assert_eq!(variants("νικόλαοσ"), vec!["nikolaos"]);
        assert_eq!(variants("αλέξανδροσ"), vec!["alexandros", "aleksandros"]);
        assert_eq!(variants("πούτιν"), vec!["poutin", "putin"]);
        assert_eq!(variants("βλαντίμιρ"), vec!["vlantimir", "vladimir"]);
        assert_eq!(variants("χρήστοσ"), vec!["christos", "khristos"]);
        assert_eq!(variants("ευάγγελοσ")[0], "evangelos");
    }
}
