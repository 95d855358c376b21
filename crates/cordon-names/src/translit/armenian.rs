//! Armenian: BGN/PCGN-style romanisation with the common English variants
//! (initial ե ye, ո vo; ու u; ղ gh; խ kh; և yev).

/// Renderings of one lowercase Armenian token: BGN/PCGN first, then a
/// variant without initial iotation/labialisation and with `x` for խ.
pub fn variants(token: &str) -> Vec<String> {
    let chars: Vec<char> = token.chars().collect();
    let mut main = String::with_capacity(token.len());
    let mut alt = String::with_capacity(token.len());
    let mut i = 0;
    while let Some(&c) = chars.get(i) {
        let initial = i == 0;
        if c == 'ո' && chars.get(i + 1) == Some(&'ւ') {
            main.push('u');
            alt.push('u');
            i += 2;
            continue;
        }
        let (m, a) = match c {
            'ե' if initial => ("ye", "e"),
            'ո' if initial => ("vo", "o"),
            'և' if initial => ("yev", "ev"),
            'և' => ("ev", "yev"),
            _ => letter(c),
        };
        main.push_str(m);
        alt.push_str(a);
        i += 1;
    }
    if main == alt {
        vec![main]
    } else {
        vec![main, alt]
    }
}

fn letter(c: char) -> (&'static str, &'static str) {
    match c {
        'ա' => ("a", "a"),
        'բ' => ("b", "b"),
        'գ' => ("g", "g"),
        'դ' => ("d", "d"),
        'ե' => ("e", "e"),
        'զ' => ("z", "z"),
        'է' => ("e", "e"),
        'ը' => ("y", "e"),
        'թ' => ("t", "th"),
        'ժ' => ("zh", "j"),
        'ի' => ("i", "i"),
        'լ' => ("l", "l"),
        'խ' => ("kh", "x"),
        'ծ' => ("ts", "ts"),
        'կ' => ("k", "k"),
        'հ' => ("h", "h"),
        'ձ' => ("dz", "dz"),
        'ղ' => ("gh", "gh"),
        'ճ' => ("ch", "ch"),
        'մ' => ("m", "m"),
        'յ' => ("y", "y"),
        'ն' => ("n", "n"),
        'շ' => ("sh", "sh"),
        'ո' => ("o", "o"),
        'չ' => ("ch", "ch"),
        'պ' => ("p", "p"),
        'ջ' => ("j", "j"),
        'ռ' => ("r", "r"),
        'ս' => ("s", "s"),
        'վ' => ("v", "v"),
        'տ' => ("t", "t"),
        'ր' => ("r", "r"),
        'ց' => ("ts", "c"),
        'ւ' => ("v", "v"),
        'փ' => ("p", "ph"),
        'ք' => ("k", "kh"),
        'օ' => ("o", "o"),
        'ֆ' => ("f", "f"),
        c => (any_ascii::any_ascii_char(c), any_ascii::any_ascii_char(c)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bgn() {
        assert_eq!(variants("վլադիմիր"), vec!["vladimir"]);
        assert_eq!(variants("պուտին"), vec!["putin"]);
        assert_eq!(variants("երևան"), vec!["yerevan", "eryevan"]);
        assert_eq!(variants("խաչատրյան"), vec!["khachatryan", "xachatryan"]);
    }
}
