//! Fuzzes the streamed XML readers against themselves: a list read through a
//! tiny read buffer (1 to 64 bytes, so every element, attribute and UTF-8
//! sequence can be cut at a buffer edge) must be exactly the list read from
//! the whole input at once. The first byte picks the format and the buffer
//! size; the rest is the file.
#![no_main]

use cordon_lists::{read_bytes, read_from, Format};
use libfuzzer_sys::fuzz_target;
use std::io::BufReader;

/// The formats `cordon_lists::streams` names (the large XML files).
const STREAMED: [Format; 4] = [
    Format::UkXml,
    Format::OfacAdvanced,
    Format::OfacEnhanced,
    Format::SecoXml,
];

fuzz_target!(|data: &[u8]| {
    let Some((&pick, file)) = data.split_first() else {
        return;
    };
    let format = STREAMED[usize::from(pick) % STREAMED.len()];
    let capacity = usize::from(pick / 4) % 64 + 1;
    let whole = read_bytes(format, file);
    let streamed = read_from(format, BufReader::with_capacity(capacity, file));
    // `read_bytes` also refuses binary input (ZIP, PDF) before reading, so
    // only a whole-input success binds the streamed result.
    if let Ok(whole) = whole {
        match streamed {
            Ok(streamed) => assert_eq!(whole, streamed, "{format}, buffer {capacity}"),
            Err(error) => panic!("{format}, buffer {capacity}: whole Ok, streamed {error}"),
        }
    }
});
