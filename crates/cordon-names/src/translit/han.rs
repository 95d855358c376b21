//! Chinese characters to Hanyu Pinyin without tones (the `pinyin` crate).
//! Wade-Giles (Mao Tse-tung) and Hong Kong / Taiwan spellings are out of
//! scope; Japanese and Korean readings of Han characters come from the
//! attested-reading table ([`super::readings`]).

use pinyin::ToPinyin;

/// Two-character family names: their syllables stay joined ("ouyang").
const COMPOUND_SURNAMES: &[&str] = &[
    "欧阳", "司马", "诸葛", "上官", "司徒", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙", "宇文",
    "夏侯", "令狐", "端木", "西门", "南宫", "独孤", "轩辕", "呼延",
];

/// Readings of characters that differ when they are a family name.
fn surname_reading(c: char) -> Option<&'static str> {
    Some(match c {
        '单' => "shan",
        '曾' => "zeng",
        '解' => "xie",
        '仇' => "qiu",
        '朴' => "piao",
        '查' => "zha",
        '区' => "ou",
        '乐' => "yue",
        '覃' => "qin",
        '盖' => "ge",
        '尉' => "yu",
        '缪' => "miao",
        '翟' => "zhai",
        '种' => "chong",
        '秘' => "bi",
        _ => return None,
    })
}

/// Renderings of one Han token: syllables separated ("chen quan guo"), then
/// family name + joined given name ("chen quanguo"); for organisation-length
/// tokens (over four characters) the second rendering joins everything.
/// Characters without a reading go through any_ascii.
pub fn variants(token: &str) -> Vec<String> {
    let syllables = syllables(token);
    let family_len = family_length(token);
    let spaced = syllables.join(" ");
    let mut out = vec![spaced];
    let joined = if syllables.len() > 4 {
        syllables.concat()
    } else {
        let split = family_len.min(syllables.len());
        let (family, given) = syllables.split_at(split);
        let given = given.concat();
        let family = family.concat();
        if given.is_empty() {
            family
        } else {
            format!("{family} {given}")
        }
    };
    if !out.contains(&joined) {
        out.push(joined);
    }
    out
}

fn family_length(token: &str) -> usize {
    if COMPOUND_SURNAMES.iter().any(|s| token.starts_with(s)) && token.chars().count() > 2 {
        2
    } else {
        1
    }
}

/// One lowercase syllable per character (non-Han runs are kept as one piece).
pub fn syllables(token: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(token.chars().count());
    let mut other = String::new();
    for (i, (c, reading)) in token.chars().zip(token.to_pinyin()).enumerate() {
        let text = match (i, surname_reading(c), reading) {
            (0, Some(s), _) => Some(s),
            (_, _, Some(p)) => Some(p.plain()),
            _ => None,
        };
        match text {
            Some(t) => {
                if !other.is_empty() {
                    out.push(any_ascii::any_ascii(&std::mem::take(&mut other)));
                }
                out.push(t.to_string());
            }
            None => other.push(c),
        }
    }
    if !other.is_empty() {
        out.push(any_ascii::any_ascii(&other));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pinyin_with_joined_given_name() {
        assert_eq!(variants("陈全国"), vec!["chen quan guo", "chen quanguo"]);
        assert_eq!(variants("李明"), vec!["li ming"]);
        assert_eq!(variants("习近平"), vec!["xi jin ping", "xi jinping"]);
        assert_eq!(variants("欧阳修"), vec!["ou yang xiu", "ouyang xiu"]);
        assert_eq!(variants("曾国藩")[0], "zeng guo fan");
        assert_eq!(variants("华为技术")[1], "hua weijishu");
        assert_eq!(variants("中国石油天然气")[1], "zhongguoshiyoutianranqi");
    }
}
