//! Names: normalise, detect script, transliterate to Latin with the variants
//! real documents use, classify tokens (legal forms, particles, honorifics),
//! phonetic keys and name-equivalence groups. Pure functions, no I/O.
//!
//! ```
//! use cordon_names::{normalize, romanize, script_of, Script};
//! assert_eq!(normalize("  Tohir  YOʻLDOSHEV "), "tohir yoldoshev");
//! assert_eq!(script_of("Гулмурод"), Script::Cyrillic);
//! assert!(romanize("Гулмурод Ҳалимов").iter().any(|v| v == "gulmurod khalimov"));
//! ```
//!
//! Modules: [`script`] (detection), [`mod@normalize`] (NFKC, case, punctuation,
//! invisible characters, bidi overrides), [`confusables`] (look-alike letters across
//! scripts), [`evasion`] (readings of spelt-out, leetspeak, padded and glued names),
//! [`translit`] (per-script romanisation), [`tokens`] (legal forms,
//! particles...), [`mod@phonetic`] (keys, skeletons, compounds) and
//! [`equivalence`] (generated name-equivalence table).

pub mod confusables;
pub mod equivalence;
pub mod evasion;
pub mod normalize;
pub mod phonetic;
pub mod script;
pub mod tokens;
pub mod translit;

pub use equivalence::{equivalence_groups, equivalent};
pub use normalize::{has_name_content, has_name_content_by, normalize, tokenize};
pub use phonetic::{compound_variants, consonant_skeleton, phonetic};
pub use script::{script_of, Script};
pub use tokens::{split_han_legal_suffix, token_kind};
pub use translit::{romanize, romanize_with_normal, MAX_VARIANTS};

/// What role a token plays in a name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TokenKind {
    /// An ordinary name token.
    Name,
    /// An organisation's legal form (LLC, Ltd, ООО, 有限公司...): weak, generic.
    LegalForm,
    /// A particle (al, el, bin, ibn, abu, ul, van, de...).
    Particle,
    /// An honorific or title (mr, dr, sheikh, mullah, haji...).
    Honorific,
    /// A generic word common in organisation names (company, trading, group...).
    Generic,
}
