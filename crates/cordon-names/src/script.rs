//! Script detection.

/// The writing system of a token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Script {
    /// Latin letters (with or without diacritics).
    Latin,
    /// Cyrillic.
    Cyrillic,
    /// Arabic and Persian.
    Arabic,
    /// Chinese characters (Han).
    Han,
    /// Georgian (Mkhedruli).
    Georgian,
    /// Armenian.
    Armenian,
    /// Greek.
    Greek,
    /// Hebrew.
    Hebrew,
    /// Korean Hangul.
    Hangul,
    /// Japanese kana.
    Kana,
    /// Digits only.
    Digits,
    /// Anything else or a mix.
    Other,
}

/// The script of a token: the script of its letters; `Other` for a mix.
/// Digits mixed with letters of one script count as that script.
pub fn script_of(token: &str) -> Script {
    let mut found: Option<Script> = None;
    let mut digits = false;
    for c in token.chars() {
        match char_script(c) {
            None => {}
            Some(Script::Digits) => digits = true,
            Some(s) => match found {
                None => found = Some(s),
                Some(f) if f == s => {}
                Some(_) => return Script::Other,
            },
        }
    }
    match found {
        Some(s) => s,
        None if digits => Script::Digits,
        None => Script::Other,
    }
}

/// The script of one character; `None` for marks, punctuation and spaces.
pub fn char_script(c: char) -> Option<Script> {
    let u = c as u32;
    Some(match u {
        0x30..=0x39 => Script::Digits,
        0x41..=0x5A | 0x61..=0x7A | 0xAA | 0xBA | 0xC0..=0xD6 | 0xD8..=0xF6 | 0xF8..=0x24F => {
            Script::Latin
        }
        0x1E00..=0x1EFF | 0x2C60..=0x2C7F | 0xA720..=0xA7FF | 0xFF21..=0xFF3A | 0xFF41..=0xFF5A => {
            Script::Latin
        }
        0x400..=0x52F | 0x1C80..=0x1C8F | 0x2DE0..=0x2DFF | 0xA640..=0xA69F => Script::Cyrillic,
        0x600..=0x6FF | 0x750..=0x77F | 0x8A0..=0x8FF | 0xFB50..=0xFDFF | 0xFE70..=0xFEFF => {
            Script::Arabic
        }
        0x4E00..=0x9FFF | 0x3400..=0x4DBF | 0xF900..=0xFAFF | 0x20000..=0x2FA1F => Script::Han,
        0x10A0..=0x10FF | 0x1C90..=0x1CBF | 0x2D00..=0x2D2F => Script::Georgian,
        0x530..=0x58F | 0xFB13..=0xFB17 => Script::Armenian,
        0x370..=0x3FF | 0x1F00..=0x1FFF => Script::Greek,
        0x590..=0x5FF | 0xFB1D..=0xFB4F => Script::Hebrew,
        0xAC00..=0xD7AF | 0x1100..=0x11FF | 0x3130..=0x318F => Script::Hangul,
        0x3040..=0x30FF | 0x31F0..=0x31FF | 0xFF66..=0xFF9F => Script::Kana,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_scripts() {
        assert_eq!(script_of("Гулмурод"), Script::Cyrillic);
        assert_eq!(script_of("Ҳалимов"), Script::Cyrillic);
        assert_eq!(script_of("Yoʻldoshev"), Script::Latin);
        assert_eq!(script_of("محمد"), Script::Arabic);
        assert_eq!(script_of("پوتین"), Script::Arabic);
        assert_eq!(script_of("陈全国"), Script::Han);
        assert_eq!(script_of("ვლადიმერ"), Script::Georgian);
        assert_eq!(script_of("Պուտին"), Script::Armenian);
        assert_eq!(script_of("Πούτιν"), Script::Greek);
        assert_eq!(script_of("פוטין"), Script::Hebrew);
        assert_eq!(script_of("김정은"), Script::Hangul);
        assert_eq!(script_of("プーチン"), Script::Kana);
        assert_eq!(script_of("1234"), Script::Digits);
        assert_eq!(script_of("abc2"), Script::Latin);
        assert_eq!(script_of("abcд"), Script::Other);
        assert_eq!(script_of(""), Script::Other);
    }
}
