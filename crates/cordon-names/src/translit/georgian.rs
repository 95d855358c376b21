//! Georgian (Mkhedruli): the 2002 national system, then a variant with the
//! older aspirate spellings (th, ph, kh) and x/k/g forms seen in documents.

/// Renderings of one lowercase Georgian token.
pub fn variants(token: &str) -> Vec<String> {
    let mut national = String::with_capacity(token.len());
    let mut older = String::with_capacity(token.len());
    for c in token.chars() {
        let (n, o) = letter(c);
        national.push_str(n);
        older.push_str(o);
    }
    if national == older {
        vec![national]
    } else {
        vec![national, older]
    }
}

fn letter(c: char) -> (&'static str, &'static str) {
    match c {
        'ა' => ("a", "a"),
        'ბ' => ("b", "b"),
        'გ' => ("g", "g"),
        'დ' => ("d", "d"),
        'ე' => ("e", "e"),
        'ვ' => ("v", "v"),
        'ზ' => ("z", "z"),
        'თ' => ("t", "th"),
        'ი' => ("i", "i"),
        'კ' => ("k", "k"),
        'ლ' => ("l", "l"),
        'მ' => ("m", "m"),
        'ნ' => ("n", "n"),
        'ო' => ("o", "o"),
        'პ' => ("p", "p"),
        'ჟ' => ("zh", "j"),
        'რ' => ("r", "r"),
        'ს' => ("s", "s"),
        'ტ' => ("t", "t"),
        'უ' => ("u", "u"),
        'ფ' => ("p", "ph"),
        'ქ' => ("k", "kh"),
        'ღ' => ("gh", "g"),
        'ყ' => ("q", "k"),
        'შ' => ("sh", "sh"),
        'ჩ' => ("ch", "ch"),
        'ც' => ("ts", "ts"),
        'ძ' => ("dz", "dz"),
        'წ' => ("ts", "ts"),
        'ჭ' => ("ch", "ch"),
        'ხ' => ("kh", "x"),
        'ჯ' => ("j", "dj"),
        'ჰ' => ("h", "h"),
        c => (any_ascii::any_ascii_char(c), any_ascii::any_ascii_char(c)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn national_system() {
        assert_eq!(variants("ვლადიმერ"), vec!["vladimer"]);
        assert_eq!(variants("პუტინი"), vec!["putini"]);
        assert_eq!(variants("თბილისი"), vec!["tbilisi", "thbilisi"]);
        assert_eq!(variants("ხაჩაპური"), vec!["khachapuri", "xachapuri"]);
    }
}
