//! Phonetic keys for romanised tokens and compound splitting.
//!
//! The key is built for transliteration variants, not English homophones:
//! digraphs fold to one symbol (kh/x/h -> h, sh/sch -> S, ch/tsch -> C,
//! zh/j/dzh/dj -> J, ts/tz/cz -> T, ph -> f, ck/q/c -> k, w -> v, dh -> z,
//! th -> t, gh -> g), vowels (and y) are dropped except that a leading vowel
//! sound leaves a marker `A`, doubled symbols collapse and a word-final `h`
//! after a vowel is dropped ("abdullah" = "abdulla"). Arabic compounds with
//! the article (abdul-/abdur-/abdel-rahman) share one key.
//!
//! Trade-off: dropping vowels makes "yuldashev"/"yoldoshev" and
//! "mohammed"/"muhammad" collide, and also makes short distinct names
//! collide ("ali"/"eli", "omar"/"amir" are both `Alr`/`Al`-like); the
//! matcher must use the key only as a candidate filter and score the
//! spelling itself. `z` and `s` stay apart (Zaid vs Said).

/// A phonetic key for a lowercase ASCII token: common transliteration
/// variants share it.
///
/// ```
/// use cordon_names::phonetic;
/// assert_eq!(phonetic("yuldashev"), phonetic("yoldoshev"));
/// assert_eq!(phonetic("mohammed"), phonetic("muhammad"));
/// assert_eq!(phonetic("khalimov"), phonetic("halimov"));
/// assert_eq!(phonetic("abdulrahman"), phonetic("abdurrahman"));
/// assert_ne!(phonetic("zaid"), phonetic("said"));
/// ```
pub fn phonetic(token: &str) -> String {
    let lower: Vec<u8> = token
        .bytes()
        .filter(u8::is_ascii_alphanumeric)
        .map(|b| b.to_ascii_lowercase())
        .collect();
    let (head, rest) = split_abd_article(&lower);
    let mut key = skeleton_bytes(head, true);
    if let Some(rest) = rest {
        key.push('l');
        key.push_str(&skeleton_bytes(rest, false));
        return dedup(&key);
    }
    if key.is_empty() {
        return lower
            .first()
            .map(|&b| char::from(b).to_string())
            .unwrap_or_default();
    }
    key
}

/// The consonant skeleton of a Latin token: the phonetic key without the
/// leading-vowel marker. Compares vowel-less Arabic-derived renderings with
/// Latin spellings ("mhmd" = "muhammad" = "mohamed").
pub fn consonant_skeleton(token: &str) -> String {
    let lower: Vec<u8> = token
        .bytes()
        .filter(u8::is_ascii_alphanumeric)
        .map(|b| b.to_ascii_lowercase())
        .collect();
    skeleton_bytes(&lower, false)
}

/// `abd` + vowel + article consonant (possibly assimilated and doubled) +
/// rest: returns (`abd`, rest) so abdulrahman, abdurrahman, abdelrahman agree.
fn split_abd_article(word: &[u8]) -> (&[u8], Option<&[u8]>) {
    let Some(after) = word.strip_prefix(b"abd") else {
        return (word, None);
    };
    let Some((&vowel, tail)) = after.split_first() else {
        return (word, None);
    };
    if !matches!(vowel, b'a' | b'e' | b'u' | b'o' | b'i') {
        return (word, None);
    }
    let Some((&article, tail2)) = tail.split_first() else {
        return (word, None);
    };
    let rest = match article {
        b'l' => tail2,
        b'r' | b's' | b'z' | b'd' | b't' | b'n' if tail2.first() == Some(&article) => tail,
        _ => return (word, None),
    };
    if rest.len() < 2 {
        return (word, None);
    }
    (word.get(..3).unwrap_or(word), Some(rest))
}

fn is_vowel(b: u8) -> bool {
    matches!(b, b'a' | b'e' | b'i' | b'o' | b'u' | b'y')
}

/// Folds digraphs to one symbol, drops vowels, collapses repeats.
fn skeleton_bytes(word: &[u8], mark_initial_vowel: bool) -> String {
    let mut out = String::with_capacity(word.len());
    let mut i = 0;
    let at = |k: usize| word.get(k).copied();
    // A leading vowel sound: a vowel, or y + vowel as a glide (Yuldashev = Uldashev).
    let glide_start = at(0) == Some(b'y') && at(1).is_some_and(is_vowel);
    if mark_initial_vowel && (at(0).is_some_and(is_vowel) || glide_start) {
        out.push('A');
    }
    while let Some(b) = at(i) {
        let n1 = at(i + 1);
        let n2 = at(i + 2);
        let n3 = at(i + 3);
        let (symbol, used): (Option<char>, usize) = match (b, n1, n2, n3) {
            (b's', Some(b'h'), Some(b'c'), Some(b'h')) => (Some('S'), 4),
            (b't', Some(b's'), Some(b'c'), Some(b'h')) => (Some('C'), 4),
            (b'd', Some(b'z'), Some(b'h'), _) => (Some('J'), 3),
            (b's', Some(b'c'), Some(b'h'), _) => (Some('S'), 3),
            (b't', Some(b'c'), Some(b'h'), _) => (Some('C'), 3),
            (b's', Some(b'h'), _, _) => (Some('S'), 2),
            (b'c', Some(b'h'), _, _) => (Some('C'), 2),
            (b'z', Some(b'h'), _, _) => (Some('J'), 2),
            (b'd', Some(b'j'), _, _) => (Some('J'), 2),
            (b'k', Some(b'h'), _, _) => (Some('h'), 2),
            (b'g', Some(b'h'), _, _) => (Some('g'), 2),
            (b'p', Some(b'h'), _, _) => (Some('f'), 2),
            (b't', Some(b'h'), _, _) => (Some('t'), 2),
            (b'd', Some(b'h'), _, _) => (Some('z'), 2),
            (b't', Some(b's' | b'z'), _, _) | (b'c', Some(b'z'), _, _) => (Some('T'), 2),
            (b'c', Some(b'k'), _, _) => (Some('k'), 2),
            (b'c', Some(b'e' | b'i'), _, _) => (Some('T'), 1),
            (b'c' | b'q', _, _, _) => (Some('k'), 1),
            (b'x', _, _, _) if i == 0 || n1.is_some_and(|n| !is_vowel(n)) => (Some('h'), 1),
            (b'x', _, _, _) => {
                push_symbol(&mut out, 'k');
                (Some('s'), 1)
            }
            // French "ou" between vowels is a w (Zarkaoui = Zarqawi).
            (b'o', Some(b'u'), Some(n), _)
                if is_vowel(n) && i > 0 && at(i - 1).is_some_and(is_vowel) =>
            {
                (Some('v'), 2)
            }
            (b'w', _, _, _) => (Some('v'), 1),
            (b'j', _, _, _) => (Some('J'), 1),
            (b'h', None, _, _) if i > 0 && at(i - 1).is_some_and(is_vowel) => (None, 1),
            (b, _, _, _) if is_vowel(b) => (None, 1),
            (b, _, _, _) => (Some(char::from(b)), 1),
        };
        if let Some(symbol) = symbol {
            push_symbol(&mut out, symbol);
        }
        i += used;
    }
    out
}

fn push_symbol(out: &mut String, symbol: char) {
    if !out.ends_with(symbol) {
        out.push(symbol);
    }
}

fn dedup(key: &str) -> String {
    let mut out = String::with_capacity(key.len());
    for c in key.chars() {
        push_symbol(&mut out, c);
    }
    out
}

/// Known prefixes that are written joined to, or apart from, the next word.
const COMPOUND_PREFIXES: &[&str] = &[
    "abdul", "abdel", "abdal", "abdur", "abd", "abu", "al", "el", "ul",
];

/// Proposes the other spellings of an Arabic-style compound: a joined token
/// is split after a known prefix ("abdulrahman" -> "abdul rahman",
/// "abd al rahman"; "alqaida" -> "al qaida"), and a split name is joined
/// ("abdul rahman" -> "abdulrahman", "abd al rahman" -> "abdalrahman",
/// "abdulrahman"). Input is lowercase ASCII; the input itself is not returned.
pub fn compound_variants(text: &str) -> Vec<String> {
    let words: Vec<&str> = text.split(' ').filter(|w| !w.is_empty()).collect();
    let mut out: Vec<String> = Vec::new();
    let mut add = |s: String| {
        if s != text && !s.is_empty() && !out.contains(&s) {
            out.push(s);
        }
    };
    match words.as_slice() {
        [single] => {
            for prefix in COMPOUND_PREFIXES {
                if let Some(rest) = single.strip_prefix(prefix).filter(|r| r.len() >= 3) {
                    if prefix.starts_with("abd") {
                        add(format!("abdul {rest}"));
                        add(format!("abd al {rest}"));
                    } else {
                        add(format!("{prefix} {rest}"));
                    }
                    break;
                }
            }
        }
        ["abd", article, rest] if matches!(*article, "al" | "el" | "ul" | "ur" | "ar") => {
            add(format!("abd{article}{rest}"));
            add(format!("abdul{rest}"));
            add(format!("abdul {rest}"));
        }
        [prefix, rest] if COMPOUND_PREFIXES.contains(prefix) => {
            add(format!("{prefix}{rest}"));
            if prefix.starts_with("abd") {
                add(format!("abd al {rest}"));
            }
        }
        _ => {}
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn variants_collide() {
        let same = [
            ("yuldashev", "yoldoshev"),
            ("mohammed", "muhammad"),
            ("mohamed", "muhammad"),
            ("khalimov", "halimov"),
            ("xalimov", "halimov"),
            ("abdulrahman", "abdurrahman"),
            ("abdelrahman", "abdurrahman"),
            ("abdullah", "abdulla"),
            ("aleksandr", "alexandr"),
            ("vladimirovich", "wladimirowitsch"),
            ("yevgeniy", "evgeny"),
            ("tsarev", "czarev"),
            ("shchukin", "schukin"),
            ("zhukov", "jukov"),
            ("dzhalolov", "jalolov"),
            ("philip", "filip"),
            ("qodir", "kodir"),
            ("hassan", "hasan"),
            ("zarkaoui", "zarqawi"),
        ];
        for (a, b) in same {
            assert_eq!(phonetic(a), phonetic(b), "{a} vs {b}");
        }
        for (a, b) in [
            ("zaid", "said"),
            ("ivanov", "petrov"),
            ("umarov", "karimov"),
            ("ivan", "van"),
        ] {
            assert_ne!(phonetic(a), phonetic(b), "{a} vs {b}");
        }
        assert_eq!(phonetic(""), "");
        assert_eq!(phonetic("aeiou"), "A");
    }

    #[test]
    fn skeleton() {
        assert_eq!(consonant_skeleton("muhammad"), "mhmd");
        assert_eq!(consonant_skeleton("mhmd"), "mhmd");
        assert_eq!(consonant_skeleton("ahmed"), "hmd");
    }

    #[test]
    fn compounds() {
        let v = compound_variants("abdulrahman");
        assert!(v.contains(&"abdul rahman".to_string()));
        assert!(v.contains(&"abd al rahman".to_string()));
        assert!(compound_variants("abdul rahman").contains(&"abdulrahman".to_string()));
        assert!(compound_variants("abd al rahman").contains(&"abdulrahman".to_string()));
        assert!(compound_variants("abu bakr").contains(&"abubakr".to_string()));
        assert_eq!(compound_variants("alqaida"), vec!["al qaida"]);
        assert!(compound_variants("ivanov").is_empty());
        assert!(compound_variants("ali").is_empty());
    }
}
