//! Token classes: legal forms, particles, honorifics and generic words.

use crate::TokenKind;

/// Han legal-form suffixes, longest first so the longest one is split off.
const HAN_LEGAL_SUFFIXES: &[&str] = &[
    "股份有限公司",
    "有限责任公司",
    "有限公司",
    "集团公司",
    "控股集团",
    "集团",
    "公司",
];

/// Splits a Han organisation token into stem and legal-form suffix
/// (`华为技术有限公司` -> `华为技术`, `有限公司`). `None` when the token has
/// no such suffix or nothing before it.
pub fn split_han_legal_suffix(token: &str) -> Option<(&str, &str)> {
    if HAN_LEGAL_SUFFIXES.contains(&token) {
        return None;
    }
    HAN_LEGAL_SUFFIXES.iter().find_map(|suffix| {
        let stem = token.strip_suffix(suffix)?;
        (!stem.is_empty()).then(|| (stem, token.get(stem.len()..).unwrap_or(suffix)))
    })
}

/// Classifies a normalised (lowercase) token, Latin or original script.
///
/// ```
/// use cordon_names::{token_kind, TokenKind};
/// assert_eq!(token_kind("llc"), TokenKind::LegalForm);
/// assert_eq!(token_kind("ооо"), TokenKind::LegalForm);
/// assert_eq!(token_kind("bin"), TokenKind::Particle);
/// assert_eq!(token_kind("sheikh"), TokenKind::Honorific);
/// assert_eq!(token_kind("trading"), TokenKind::Generic);
/// assert_eq!(token_kind("khalimov"), TokenKind::Name);
/// ```
pub fn token_kind(token: &str) -> TokenKind {
    if is_legal_form(token) {
        TokenKind::LegalForm
    } else if is_particle(token) {
        TokenKind::Particle
    } else if is_honorific(token) {
        TokenKind::Honorific
    } else if is_generic(token) {
        TokenKind::Generic
    } else {
        TokenKind::Name
    }
}

fn is_legal_form(token: &str) -> bool {
    matches!(
        token,
        "llc"
            | "llp"
            | "lp"
            | "ltd"
            | "limited"
            | "inc"
            | "incorporated"
            | "corp"
            | "corporation"
            | "co"
            | "gmbh"
            | "mbh"
            | "ag"
            | "kg"
            | "ohg"
            | "ug"
            | "sa"
            | "sas"
            | "sarl"
            | "srl"
            | "spa"
            | "sl"
            | "sau"
            | "bv"
            | "nv"
            | "plc"
            | "pte"
            | "pty"
            | "bhd"
            | "sdn"
            | "jsc"
            | "ojsc"
            | "cjsc"
            | "pjsc"
            | "ooo"
            | "zao"
            | "oao"
            | "pao"
            | "tov"
            | "too"
            | "ao"
            | "ip"
            | "chp"
            | "mchj"
            | "qk"
            | "xk"
            | "aj"
            | "oaj"
            | "xj"
            | "fe"
            | "ltda"
            | "sae"
            | "wll"
            | "fzc"
            | "fze"
            | "fzco"
            | "fzllc"
            | "kft"
            | "zrt"
            | "sro"
            | "as"
            | "ab"
            | "oy"
            | "oyj"
            | "aps"
            | "asa"
            | "doo"
            | "dd"
            | "ad"
            | "ead"
            | "eood"
            | "jv"
            | "ооо"
            | "тоо"
            | "ао"
            | "пао"
            | "зао"
            | "оао"
            | "чп"
            | "ип"
            | "тов"
            | "пат"
            | "прат"
            | "ат"
            | "мчж"
            | "хк"
            | "ак"
            | "аж"
            | "хж"
            | "кк"
            | "жшс"
            | "ауж"
            | "有限公司"
            | "股份有限公司"
            | "有限责任公司"
            | "集团公司"
            | "公司"
            | "youxian"
            | "gongsi"
            | "youxiangongsi"
            | "gufen"
            | "zeren"
            | "شركة"
            | "ش.م.م"
            // Multi-word legal forms, word by word: "joint stock company",
            // "limited liability company", "obshchestvo s ogranichennoy
            // otvetstvennostyu", "mas'uliyati cheklangan jamiyat"...
            | "aktiengesellschaft"
            | "gesellschaft"
            | "kommanditgesellschaft"
            | "aktsionernoe"
            | "aktsionernoye"
            | "aktsionerno"
            | "obshchestvo"
            | "obshestvo"
            | "ogranichennoy"
            | "ogranichennoi"
            | "ogranichennoj"
            | "otvetstvennostyu"
            | "otvetstvennostiu"
            | "otvetstvennostju"
            | "tovarishchestvo"
            | "tovarystvo"
            | "masuliyati"
            | "masuliyat"
            | "cheklangan"
            | "jamiyati"
            | "jamiyat"
            | "aksiyadorlik"
            | "aktsiyadorlik"
            | "общество"
            | "ограниченной"
            | "ответственностью"
            | "товарищество"
            | "акционерное"
    )
}

fn is_particle(token: &str) -> bool {
    matches!(
        token,
        "al" | "el"
            | "ul"
            | "ur"
            | "ud"
            | "ad"
            | "ar"
            | "as"
            | "ash"
            | "at"
            | "az"
            | "an"
            | "bin"
            | "ibn"
            | "bint"
            | "binti"
            | "abu"
            | "abou"
            | "umm"
            | "ben"
            | "bn"
            | "ould"
            // Arabic, Persian and Pashto "and" (wa, va, aw), "and the", "in".
            | "fi"
            | "wa"
            | "wal"
            | "va"
            | "aw"
            | "lil"
            | "wuld"
            | "van"
            | "von"
            | "der"
            | "den"
            | "ter"
            | "de"
            | "da"
            | "di"
            | "du"
            | "la"
            | "le"
            | "del"
            | "della"
            | "dos"
            | "das"
            | "do"
            | "des"
            | "y"
            | "zu"
            | "ogli"
            | "ugli"
            | "oglu"
            | "qizi"
            | "kizi"
            | "uulu"
            | "kyzy"
            | "ال"
            | "بن"
            | "ابن"
            | "بنت"
            | "ابو"
            | "أبو"
            | "ام"
            | "أم"
            | "оглы"
            | "угли"
            | "ўғли"
            | "қизи"
            | "кызы"
            | "уулу"
    )
}

fn is_honorific(token: &str) -> bool {
    matches!(
        token,
        "mr" | "mrs"
            | "ms"
            | "miss"
            | "mx"
            | "dr"
            | "prof"
            | "sir"
            | "dame"
            | "lord"
            | "lady"
            | "sheikh"
            | "shaikh"
            | "sheik"
            | "shaykh"
            | "cheikh"
            | "mullah"
            | "mulla"
            | "mullo"
            | "maulana"
            | "mawlana"
            | "maulvi"
            | "mawlawi"
            | "moulvi"
            | "haji"
            | "hajji"
            | "hadji"
            | "hajj"
            | "hafiz"
            | "qari"
            | "sayyid"
            | "sayed"
            | "syed"
            | "imam"
            | "emir"
            | "amir"
            | "mufti"
            | "ustadh"
            | "ustad"
            | "ustaz"
            | "general"
            | "gen"
            | "colonel"
            | "col"
            | "major"
            | "maj"
            | "captain"
            | "capt"
            | "lieutenant"
            | "lt"
            | "sgt"
            | "commander"
            | "cmdr"
            | "admiral"
            | "adm"
            | "brigadier"
            | "president"
            | "minister"
            | "rev"
            | "fr"
            | "father"
            | "hon"
            | "mme"
            | "mlle"
            | "herr"
            | "frau"
            | "senor"
            | "господин"
            | "г-н"
            | "шейх"
            | "мулла"
            | "генерал"
            | "полковник"
            | "الشيخ"
            | "شيخ"
            | "الحاج"
            | "حاجي"
            | "ملا"
            | "مولانا"
            | "السيد"
            | "سيد"
            | "الامام"
            | "امام"
    )
}

fn is_generic(token: &str) -> bool {
    matches!(
        token,
        "company"
            | "companies"
            | "trading"
            | "trade"
            | "traders"
            | "group"
            | "holding"
            | "holdings"
            | "international"
            | "intl"
            | "global"
            | "bank"
            | "foundation"
            | "association"
            | "organization"
            | "organisation"
            | "org"
            | "charity"
            | "charitable"
            | "services"
            | "service"
            | "industries"
            | "industry"
            | "industrial"
            | "enterprises"
            | "enterprise"
            | "liability"
            | "the"
            | "and"
            | "of"
            | "for"
            | "in"
            | "general"
            | "import"
            | "export"
            | "exchange"
            | "investment"
            | "investments"
            | "capital"
            | "partners"
            | "society"
            | "institute"
            | "center"
            | "centre"
            | "committee"
            | "fund"
            | "relief"
            | "development"
            | "management"
            | "consulting"
            | "solutions"
            | "systems"
            | "technologies"
            | "technology"
            | "logistics"
            | "shipping"
            | "petroleum"
            | "oil"
            | "gas"
            | "construction"
            // Arabic and Persian words for organisation, movement, network,
            // office, company (Tanzim, Harakat, Shabakat, Maktab, Sharikat).
            | "tanzim"
            | "tanzeem"
            | "tandhim"
            | "haraka"
            | "harakah"
            | "harakat"
            | "shabaka"
            | "shabakah"
            | "shabakat"
            | "shabake"
            | "maktab"
            | "sharika"
            | "sharikah"
            | "sharikat"
            | "sherkat"
            | "muassasa"
            | "muassasat"
            | "sarafa"
            | "sirafa"
            | "jituan"
            | "konggu"
            | "компания"
            | "группа"
            | "холдинг"
            | "с"
            | "joint"
            | "stock"
            | "фонд"
            | "банк"
            | "и"
            | "集团"
            | "控股"
            | "国际"
            | "贸易"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes() {
        for t in [
            "llc",
            "ltd",
            "gmbh",
            "ooo",
            "ооо",
            "тоо",
            "mchj",
            "有限公司",
            "公司",
        ] {
            assert_eq!(token_kind(t), TokenKind::LegalForm, "{t}");
        }
        for t in ["al", "bin", "ibn", "abu", "van", "von", "bn", "ال", "بن"] {
            assert_eq!(token_kind(t), TokenKind::Particle, "{t}");
        }
        for t in ["mr", "dr", "sheikh", "mullah", "haji", "colonel", "شيخ"] {
            assert_eq!(token_kind(t), TokenKind::Honorific, "{t}");
        }
        for t in ["company", "trading", "the", "holding", "集团"] {
            assert_eq!(token_kind(t), TokenKind::Generic, "{t}");
        }
        for t in ["said", "khalimov", "umarov", "muhammad", "陈全国"] {
            assert_eq!(token_kind(t), TokenKind::Name, "{t}");
        }
    }

    #[test]
    fn han_suffix_split() {
        assert_eq!(
            split_han_legal_suffix("华为技术有限公司"),
            Some(("华为技术", "有限公司"))
        );
        assert_eq!(
            split_han_legal_suffix("中兴通讯股份有限公司"),
            Some(("中兴通讯", "股份有限公司"))
        );
        assert_eq!(split_han_legal_suffix("有限公司"), None);
        assert_eq!(split_han_legal_suffix("陈全国"), None);
    }
}
