//! Latin script: diacritics stripped, German umlaut spelling, Uzbek x = kh.

/// Renderings of one lowercase Latin token: diacritics stripped first (é e,
/// ş s, ı i, ł l, ß ss, ø o, æ ae), then the German umlaut spelling (ü ue)
/// when the token has an umlaut, then Uzbek `x` as `kh` (Xalimov = Khalimov)
/// where the `x` does not sit between two vowels (so Maxim stays Maxim).
pub fn variants(token: &str) -> Vec<String> {
    let stripped = any_ascii::any_ascii(token);
    let mut out = vec![stripped];
    if token.contains(['ä', 'ö', 'ü']) {
        out.push(spelled(token, umlaut));
    }
    if token.contains(['č', 'ć', 'ç', 'š', 'ś', 'ş', 'ș', 'ž', 'ż', 'ź']) {
        out.push(spelled(token, digraph));
    }
    if let Some(kh) = out.first().and_then(|s| uzbek_x_as_kh(s)) {
        out.push(kh);
    }
    out
}

/// The token with `special` letters spelled out, the rest stripped.
fn spelled(token: &str, special: fn(char) -> Option<&'static str>) -> String {
    token
        .chars()
        .map(|c| special(c).unwrap_or_else(|| any_ascii::any_ascii_char(c)))
        .collect()
}

/// German umlauts: ä ae, ö oe, ü ue.
fn umlaut(c: char) -> Option<&'static str> {
    Some(match c {
        'ä' => "ae",
        'ö' => "oe",
        'ü' => "ue",
        _ => return None,
    })
}

/// Slavic and Turkic hačeks and cedillas as English digraphs (č ch, ş sh, ž zh).
fn digraph(c: char) -> Option<&'static str> {
    Some(match c {
        'č' | 'ć' | 'ç' => "ch",
        'š' | 'ś' | 'ş' | 'ș' => "sh",
        'ž' | 'ż' | 'ź' => "zh",
        _ => return None,
    })
}

/// `x` read as the Uzbek/Central Asian velar fricative, written `kh` in English
/// (Baxodir, Xolmatov, Mixail): a second spelling beside the first, which keeps the
/// English reading (Maxim, Alexander). A word-final `x` stays (Felix, Max).
fn uzbek_x_as_kh(ascii: &str) -> Option<String> {
    let bytes = ascii.as_bytes();
    let mut changed = false;
    let mut out = String::with_capacity(ascii.len() + 2);
    for (i, &b) in bytes.iter().enumerate() {
        let word_final = i + 1 == bytes.len();
        if b == b'x' && !word_final {
            out.push_str("kh");
            changed = true;
        } else {
            out.push(char::from(b));
        }
    }
    changed.then_some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_and_varies() {
        assert_eq!(variants("vladímír")[0], "vladimir");
        assert_eq!(variants("şükrü"), vec!["sukru", "suekrue", "shukru"]);
        assert_eq!(
            variants("vladimirovič"),
            vec!["vladimirovic", "vladimirovich"]
        );
        assert_eq!(variants("straße")[0], "strasse");
        assert_eq!(variants("łukasz")[0], "lukasz");
        assert_eq!(variants("ørsted")[0], "orsted");
        assert_eq!(variants("ıldız")[0], "ildiz");
        assert_eq!(variants("müller"), vec!["muller", "mueller"]);
        assert_eq!(variants("xalimov"), vec!["xalimov", "khalimov"]);
        assert_eq!(variants("toshxoja"), vec!["toshxoja", "toshkhoja"]);
        // Between vowels the English reading stays first.
        assert_eq!(variants("maxim"), vec!["maxim", "makhim"]);
        assert_eq!(variants("baxodir"), vec!["baxodir", "bakhodir"]);
        assert_eq!(variants("max"), vec!["max"]);
    }
}
