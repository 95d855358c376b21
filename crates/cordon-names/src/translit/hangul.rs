//! Korean Hangul: Revised Romanization (any_ascii, syllable by syllable),
//! McCune-Reischauer-style variants and the usual spellings of family names.

/// Common family names: Revised Romanization first, then the spellings
/// passports and lists use.
fn family_spellings(syllable: char) -> Option<&'static [&'static str]> {
    Some(match syllable {
        '김' => &["kim", "gim"],
        '이' => &["lee", "yi", "ri", "i", "rhee"],
        '리' => &["ri", "lee", "li"],
        '박' => &["park", "pak", "bak"],
        '최' => &["choi", "choe"],
        '정' => &["jung", "chung", "jeong", "chong"],
        '조' => &["cho", "jo"],
        '강' => &["kang", "gang"],
        '윤' => &["yoon", "yun"],
        '장' => &["jang", "chang"],
        '임' => &["lim", "im", "rim"],
        '림' => &["rim", "lim"],
        '한' => &["han"],
        '오' => &["oh", "o"],
        '서' => &["seo", "suh", "so"],
        '신' => &["shin", "sin"],
        '권' => &["kwon", "gwon"],
        '황' => &["hwang"],
        '안' => &["ahn", "an"],
        '송' => &["song"],
        '류' | '유' => &["yoo", "yu", "ryu"],
        '홍' => &["hong"],
        '전' => &["jeon", "jun", "chon", "chun"],
        '고' => &["ko", "go"],
        '문' => &["moon", "mun"],
        '양' => &["yang"],
        '손' => &["son", "sohn"],
        '배' => &["bae", "pae"],
        '백' => &["baek", "paek", "paik"],
        '허' => &["heo", "hur", "ho"],
        '남' => &["nam"],
        '노' | '로' => &["noh", "roh", "ro", "no"],
        '하' => &["ha"],
        '곽' => &["kwak", "gwak"],
        '성' => &["sung", "seong"],
        '차' => &["cha"],
        '주' => &["joo", "ju", "chu"],
        '우' => &["woo", "u"],
        '구' => &["koo", "gu", "ku"],
        '민' => &["min"],
        '현' => &["hyun", "hyeon"],
        _ => return None,
    })
}

/// Renderings of one Hangul token. A token of two or more syllables is read
/// as family name + given name: "kim jeong eun" (RR), "kim jong un" (eo o,
/// eu u), "kim jung eun" (eo u), McCune-Reischauer devoicing, and the given
/// name joined ("kim jongun").
pub fn variants(token: &str) -> Vec<String> {
    let syllables: Vec<char> = token.chars().collect();
    let Some((&first, rest)) = syllables.split_first() else {
        return Vec::new();
    };
    let given: Vec<String> = rest.iter().map(|&c| syllable(c)).collect();
    let family_rr = syllable(first);
    let families: Vec<String> = match family_spellings(first) {
        Some(list) => list.iter().map(|s| s.to_string()).collect(),
        None => vec![family_rr.clone()],
    };
    let family0 = families.first().cloned().unwrap_or(family_rr);
    let systems: [fn(&str) -> String; 4] = [str::to_string, eo_to_o, eo_to_u, devoice];
    let mut out = Vec::with_capacity(8);
    for (k, system) in systems.iter().enumerate() {
        let given_parts: Vec<String> = given.iter().map(|s| system(s)).collect();
        push_unique(&mut out, join(&family0, &given_parts.join(" ")));
        if k <= 1 && given_parts.len() > 1 {
            push_unique(&mut out, join(&family0, &given_parts.concat()));
        }
    }
    let given_rr = given.join(" ");
    for family in families.iter().skip(1) {
        push_unique(&mut out, join(family, &given_rr));
    }
    out
}

/// Revised Romanization of one syllable, lowercase.
fn syllable(c: char) -> String {
    any_ascii::any_ascii_char(c).to_ascii_lowercase()
}

fn join(a: &str, b: &str) -> String {
    match (a.is_empty(), b.is_empty()) {
        (true, _) => b.to_string(),
        (_, true) => a.to_string(),
        _ => format!("{a} {b}"),
    }
}

fn push_unique(out: &mut Vec<String>, s: String) {
    if !s.is_empty() && !out.contains(&s) {
        out.push(s);
    }
}

fn eo_to_o(s: &str) -> String {
    s.replace("eo", "o").replace("eu", "u")
}

fn eo_to_u(s: &str) -> String {
    s.replace("eo", "u")
}

/// McCune-Reischauer writes initial g d b j as k t p ch.
fn devoice(s: &str) -> String {
    let s = eo_to_o(s);
    for (from, to) in [("g", "k"), ("d", "t"), ("b", "p"), ("j", "ch")] {
        if let Some(rest) = s.strip_prefix(from) {
            return format!("{to}{rest}");
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn korean_names() {
        let kim = variants("김정은");
        assert_eq!(kim[0], "kim jeong eun");
        assert!(kim.contains(&"kim jong un".to_string()));
        assert!(kim.contains(&"kim jongun".to_string()));
        assert!(kim.contains(&"gim jeong eun".to_string()));
        let park = variants("박지성");
        assert!(park.contains(&"park ji seong".to_string()));
        assert!(park.contains(&"park ji sung".to_string()));
        assert!(park.contains(&"pak ji seong".to_string()));
        let lee = variants("이민호");
        assert_eq!(lee[0], "lee min ho");
    }
}
