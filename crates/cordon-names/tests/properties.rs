//! Property tests: normalisation is idempotent; romanisation yields
//! lowercase ASCII, is non-empty for text with letters, never panics.

use cordon_names::{normalize, phonetic, romanize, script_of, token_kind, tokenize, MAX_VARIANTS};
use proptest::prelude::*;

/// Arbitrary text mixing the scripts the product cares about.
fn name_text() -> impl Strategy<Value = String> {
    let pieces = prop_oneof![
        "[a-zA-Z'ʻ’` -]{0,12}",
        "[а-яА-ЯёЁўқғҳҷӣӯәңөұүһі -]{0,12}",
        "[\u{0600}-\u{06FF} ]{0,12}",
        "[\u{4E00}-\u{4FFF}]{0,6}",
        "[\u{AC00}-\u{AD00}]{0,4}",
        "[\u{0370}-\u{03FF}\u{0590}-\u{05FF}\u{10A0}-\u{10FF}\u{0530}-\u{058F} ]{0,8}",
        any::<String>(),
    ];
    proptest::collection::vec(pieces, 0..4).prop_map(|v| v.join(" "))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn normalize_is_idempotent(text in name_text()) {
        let once = normalize(&text);
        prop_assert_eq!(normalize(&once), once.clone());
        prop_assert!(!once.starts_with(' ') && !once.ends_with(' ') && !once.contains("  "));
    }

    #[test]
    fn romanize_is_lowercase_ascii_and_bounded(text in name_text()) {
        let variants = romanize(&text);
        prop_assert!(variants.len() <= MAX_VARIANTS);
        for v in &variants {
            prop_assert!(!v.is_empty());
            prop_assert!(v.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b' '), "{:?}", v);
            prop_assert!(!v.starts_with(' ') && !v.ends_with(' ') && !v.contains("  "));
        }
        let mut seen = variants.clone();
        seen.sort();
        seen.dedup();
        prop_assert_eq!(seen.len(), variants.len());
    }

    /// Letters with a sound (not the Cyrillic hard and soft signs, which have no Latin value).
    #[test]
    fn romanize_non_empty_for_known_scripts(text in "[a-zA-Zа-щыэюяА-ЩЫЭЮЯ\u{0621}-\u{063A}\u{0641}-\u{064A}\u{4E00}-\u{4FFF}\u{AC00}-\u{AD00}]{1,10}") {
        prop_assert!(!romanize(&text).is_empty(), "{:?}", text);
    }

    #[test]
    fn other_functions_never_panic(text in any::<String>()) {
        for token in tokenize(&text) {
            let _ = script_of(&token);
            let _ = token_kind(&token);
            let _ = phonetic(&token);
        }
        let _ = phonetic(&text);
        let _ = cordon_names::compound_variants(&text);
        let _ = cordon_names::consonant_skeleton(&text);
    }
}
