//! Input encodings: UTF-8 is read as is; UTF-16 with a byte-order mark and XML whose declaration
//! says ISO-8859-1 (or windows-1252, Latin-1) are transcoded to UTF-8 first, with a note for
//! each transfer; any other declared encoding is refused with a message that names it.
//!
//! Errors found in the transcoded text are mapped back ([`original_offset`]): their byte
//! offsets and line numbers are those of the original file.

use std::borrow::Cow;

/// The input as UTF-8 (or as given when it declares nothing else), and a note when it was
/// transcoded.
pub(crate) type Decoded<'a> = (Cow<'a, [u8]>, Option<String>);

/// Looking further than this for the XML declaration's `?>` is pointless: it is the first
/// thing in the file and a few dozen bytes long.
const DECLARATION_WINDOW: usize = 256;

/// Transcodes `bytes` to UTF-8 when a byte-order mark or the XML declaration asks for it.
pub(crate) fn decode(bytes: &[u8]) -> Result<Decoded<'_>, (usize, String)> {
    if let Some(rest) = bytes.strip_prefix(&[0xFF, 0xFE]) {
        return utf16(rest, u16::from_le_bytes, "UTF-16LE");
    }
    if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        return utf16(rest, u16::from_be_bytes, "UTF-16BE");
    }
    let Some(label) = declared_encoding(bytes) else {
        return Ok((Cow::Borrowed(bytes), None));
    };
    match label.to_ascii_lowercase().as_str() {
        "utf-8" | "utf8" => Ok((Cow::Borrowed(bytes), None)),
        "us-ascii" | "ascii" if bytes.is_ascii() => Ok((Cow::Borrowed(bytes), None)),
        "iso-8859-1" | "iso8859-1" | "iso_8859-1" | "latin1" | "latin-1" | "l1"
        | "windows-1252" | "cp1252" | "us-ascii" | "ascii" => Ok(latin1(bytes, &label)),
        _ => Err((
            0,
            format!(
                "the XML declaration says encoding {label:?}, which is not supported \
                 (UTF-8, UTF-16 with a byte-order mark, ISO-8859-1, windows-1252)"
            ),
        )),
    }
}

/// UTF-16 code units to UTF-8; an odd length or an unpaired surrogate is an error at its byte.
fn utf16(
    rest: &[u8],
    unit: fn([u8; 2]) -> u16,
    name: &str,
) -> Result<Decoded<'static>, (usize, String)> {
    if !rest.len().is_multiple_of(2) {
        return Err((
            rest.len() + 1,
            format!("{name} input has an odd number of bytes (a truncated file?)"),
        ));
    }
    let units = rest.chunks_exact(2).map(|p| unit([p[0], p[1]]));
    let mut text = String::with_capacity(rest.len() / 2);
    for (i, c) in char::decode_utf16(units).enumerate() {
        match c {
            Ok(c) => text.push(c),
            Err(e) => {
                return Err((
                    2 + 2 * i,
                    format!("{name}: unpaired surrogate {:#06x}", e.unpaired_surrogate()),
                ))
            }
        }
    }
    let note = format!("input decoded from {name} (byte-order mark)");
    Ok((Cow::Owned(text.into_bytes()), Some(note)))
}

/// Bytes declared as ISO-8859-1 or windows-1252. Both are read as windows-1252, as browsers
/// do: senders who declare ISO-8859-1 mean it (0x80-0x9F are control characters there, never
/// in a payment). Bytes that are already valid UTF-8 are kept: the declaration is then wrong.
fn latin1<'a>(bytes: &'a [u8], label: &str) -> Decoded<'a> {
    if bytes.is_ascii() {
        return (Cow::Borrowed(bytes), None);
    }
    if std::str::from_utf8(bytes).is_ok() {
        let note =
            format!("the XML declaration says {label} but the bytes are UTF-8: read as UTF-8");
        return (Cow::Borrowed(bytes), Some(note));
    }
    let text: String = bytes.iter().map(|&b| windows_1252(b)).collect();
    let note = format!("input decoded from {label} as its XML declaration says");
    (Cow::Owned(text.into_bytes()), Some(note))
}

/// One windows-1252 byte as a character (0x80-0x9F differ from ISO-8859-1; the five
/// undefined ones map to the control character of the same number).
fn windows_1252(b: u8) -> char {
    const HIGH: [u16; 32] = [
        0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160,
        0x2039, 0x0152, 0x008D, 0x017D, 0x008F, 0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022,
        0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178,
    ];
    match b {
        0x80..=0x9F => HIGH
            .get(usize::from(b - 0x80))
            .and_then(|&u| char::from_u32(u32::from(u)))
            .unwrap_or(char::REPLACEMENT_CHARACTER),
        _ => char::from(b),
    }
}

/// The offset in `original` of byte `offset` of `decoded`, its transcoding by [`decode`]: two
/// bytes per UTF-16 code unit after the byte-order mark, one byte per windows-1252 character.
pub(crate) fn original_offset(original: &[u8], decoded: &[u8], offset: usize) -> usize {
    let utf16 = original.starts_with(&[0xFF, 0xFE]) || original.starts_with(&[0xFE, 0xFF]);
    let prefix =
        String::from_utf8_lossy(decoded.get(..offset.min(decoded.len())).unwrap_or_default());
    let mapped = if utf16 {
        2 + prefix.chars().map(|c| 2 * c.len_utf16()).sum::<usize>()
    } else {
        prefix.chars().count()
    };
    mapped.min(original.len())
}

/// The `encoding="..."` of an XML declaration at the start of `bytes` (after a UTF-8 BOM and
/// white space).
fn declared_encoding(bytes: &[u8]) -> Option<String> {
    let start = crate::significant_start(bytes);
    let head = bytes.get(start..)?;
    if !head.starts_with(b"<?xml") {
        return None;
    }
    let window = head.get(..DECLARATION_WINDOW.min(head.len()))?;
    let end = window.windows(2).position(|w| w == b"?>")?;
    let declaration = std::str::from_utf8(window.get(..end)?).ok()?;
    let after = declaration.split_once("encoding")?.1.trim_start();
    let after = after.strip_prefix('=')?.trim_start();
    let quote = after.chars().next().filter(|c| *c == '"' || *c == '\'')?;
    let value = after.get(1..)?;
    let close = value.find(quote)?;
    Some(value.get(..close)?.trim().to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_with_bom_is_transcoded() {
        let text = "<a>Café</a>";
        let mut le = vec![0xFF, 0xFE];
        le.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
        let mut be = vec![0xFE, 0xFF];
        be.extend(text.encode_utf16().flat_map(u16::to_be_bytes));
        for (bytes, name) in [(le, "UTF-16LE"), (be, "UTF-16BE")] {
            let (decoded, note) = decode(&bytes).unwrap();
            assert_eq!(&decoded[..], text.as_bytes());
            assert!(note.unwrap().contains(name));
            // "</a>" starts after the BOM and 7 characters.
            assert_eq!(
                original_offset(&bytes, &decoded, text.find("</a>").unwrap()),
                16
            );
        }
        let err = decode(&[0xFF, 0xFE, 0x3C]).unwrap_err();
        assert!(err.1.contains("odd number"), "{}", err.1);
        let err = decode(&[0xFF, 0xFE, 0x00, 0xD8, 0x41, 0x00]).unwrap_err();
        assert!(err.1.contains("surrogate"), "{}", err.1);
    }

    #[test]
    fn latin1_declaration_is_honoured_and_others_refused() {
        let bytes = b"<?xml version='1.0' encoding='ISO-8859-1'?><Nm>Jos\xE9 \x80</Nm>";
        let (decoded, note) = decode(bytes).unwrap();
        assert_eq!(
            std::str::from_utf8(&decoded).unwrap(),
            "<?xml version='1.0' encoding='ISO-8859-1'?><Nm>José €</Nm>"
        );
        assert!(note.unwrap().contains("ISO-8859-1"));
        let close = std::str::from_utf8(&decoded)
            .unwrap()
            .find("</Nm>")
            .unwrap();
        assert_eq!(original_offset(bytes, &decoded, close), bytes.len() - 5);
        let utf8 = "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><Nm>José</Nm>";
        let (decoded, note) = decode(utf8.as_bytes()).unwrap();
        assert_eq!(&decoded[..], utf8.as_bytes());
        assert!(note.unwrap().contains("bytes are UTF-8"));
        let ascii = b"<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><Nm>Jose</Nm>";
        assert_eq!(decode(ascii).unwrap().1, None);
        let err = decode(b"<?xml version=\"1.0\" encoding=\"Shift_JIS\"?><a/>").unwrap_err();
        assert!(err.1.contains("Shift_JIS") && err.1.contains("not supported"));
        assert_eq!(decode(b"<a/>").unwrap().1, None);
    }
}
