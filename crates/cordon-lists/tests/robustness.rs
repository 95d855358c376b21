//! Every reader must answer `Ok` or `Err` on any input, never panic: real
//! list files are truncated and have bytes flipped (deterministically, so a
//! failure names a reproducible input), random bytes are fed through
//! proptest, and hostile XML (entity bombs, external entities) and
//! oversized fields are refused with clear errors.

use std::panic::{catch_unwind, AssertUnwindSafe};

use cordon_lists::{detect, ofac, read_bytes, Error, Format};
use proptest::prelude::*;

const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data/lists/");

/// Every list file in the shared data, relative to `DATA`.
const FILES: &[&str] = &[
    "un/un_consolidated_2017-06-20.xml",
    "un/un_consolidated_2018-08-24.xml",
    "un/un_consolidated_2026-02-27.xml",
    "un/malformed/un_consolidated_2025-08-16_invalid_utf8.xml",
    "ofac/sdn_legacy_csv_2021/sdn.csv",
    "ofac/sdn_legacy_csv_2021/add.csv",
    "ofac/sdn_legacy_csv_2021/alt.csv",
    "ofac/sdn_legacy_csv_2021/sdn_comments.csv",
    "ofac/sdn_legacy_csv_2019/sdn.csv",
    "ofac/cons_nonsdn_csv/cons_prim.csv",
    "ofac/ofac_cons_nonsdn_2025-03-28.xml",
    "uk/uk_hmt_conlist_2018-04-13.csv",
    "eu/eu_fsf_short_2018-07-04.csv",
    "eu/eu_fsf_schema_1_1.xsd",
    "ca/ca_sema_autonomous_2025.xml",
    "us/csl_sample.csv",
    "us/csl_consolidated_sample13.csv",
    "us/bis_dpl.txt",
];

/// Mutations run every reader on a window of this many bytes from the start of a file.
const WINDOW: usize = 12 * 1024;

/// xorshift64*: deterministic and dependency-free.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// Runs detect and every reader on `input`; returns a description of each panic.
fn panics_on(input: &[u8], label: &str) -> Vec<String> {
    let mut failures = Vec::new();
    if catch_unwind(|| detect(input)).is_err() {
        failures.push(format!("detect panicked on {label}"));
    }
    for format in Format::ALL {
        if catch_unwind(AssertUnwindSafe(|| read_bytes(format, input))).is_err() {
            failures.push(format!("{format} panicked on {label}"));
        }
    }
    let set = catch_unwind(|| ofac::read_csv_set(input, Some(input), Some(input), Some(input)));
    if set.is_err() {
        failures.push(format!(
            "ofac::read_csv_set (all four files) panicked on {label}"
        ));
    }
    failures
}

fn load(path: &str) -> Vec<u8> {
    std::fs::read(format!("{DATA}{path}")).unwrap_or_else(|e| panic!("{path}: {e}"))
}

#[test]
fn truncated_and_flipped_windows_never_panic() {
    let mut failures = Vec::new();
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    for path in FILES {
        let bytes = load(path);
        let window = &bytes[..bytes.len().min(WINDOW)];
        for _ in 0..12 {
            let cut = rng.below(window.len() + 1);
            failures.extend(panics_on(&window[..cut], &format!("{path} cut at {cut}")));
        }
        for round in 0..12 {
            let mut mutated = window.to_vec();
            for _ in 0..1 + round % 8 {
                let at = rng.below(mutated.len());
                if let Some(byte) = mutated.get_mut(at) {
                    *byte = rng.next() as u8;
                }
            }
            failures.extend(panics_on(&mutated, &format!("{path} flip round {round}")));
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

#[test]
fn whole_files_cut_or_flipped_never_panic_in_their_own_reader() {
    let mut failures = Vec::new();
    let mut rng = Rng(0xD1B5_4A32_D192_ED03);
    for path in FILES {
        let bytes = load(path);
        let Ok(format) = detect(&bytes) else {
            continue;
        };
        for _ in 0..3 {
            let cut = bytes.len() / 100 + rng.below(bytes.len() * 98 / 100);
            let cut_input = &bytes[..cut];
            let result = catch_unwind(|| read_bytes(format, cut_input));
            match result {
                Err(_) => failures.push(format!("{format} panicked on {path} cut at {cut}")),
                // A cut XML file is missing its closing tags: it must not load.
                Ok(Ok(_)) if format == Format::UnXml || format == Format::OfacXml => {
                    failures.push(format!("{format} accepted {path} cut at {cut}"))
                }
                Ok(_) => {}
            }
            let mut flipped = bytes.clone();
            let at = rng.below(flipped.len());
            flipped[at] ^= 1 << rng.below(8);
            if catch_unwind(|| read_bytes(format, &flipped)).is_err() {
                failures.push(format!(
                    "{format} panicked on {path} with bit flipped at {at}"
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

/// The streamed readers give the same list whatever the read buffer: a
/// buffer edge may cut any element, attribute or UTF-8 sequence (the fuzz
/// target `streamed` checks the same on any input).
#[test]
fn streamed_readers_agree_with_whole_reads_through_tiny_buffers() {
    for (format, file) in [
        (
            Format::UkXml,
            "public/uk/uk_sanctions_list_xml_sample_2026-09-10_EDITED5.xml",
        ),
        (
            Format::UkXml,
            "public/uk/uk_sanctions_list_xml_2026-03-26_PREFIX4.xml",
        ),
        (
            Format::SecoXml,
            "public/ch/seco_amendment_TEST_EXAMPLE_2024-01-17.xml",
        ),
        (
            Format::OfacAdvanced,
            "public/ofac/ofac_cons_advanced_2020-03-17.xml",
        ),
        (
            Format::OfacEnhanced,
            "public/ofac/ofac_enhanced_xml_irgc_filtered_2024-08-28.xml",
        ),
    ] {
        let bytes = load(file);
        let whole = read_bytes(format, &bytes).unwrap();
        assert!(!whole.entities.is_empty(), "{file}");
        // One byte at a time is slow on the megabyte files; 7 is prime, so
        // its edges fall everywhere.
        let capacity = if bytes.len() < 64 * 1024 { 1 } else { 7 };
        let reader = std::io::BufReader::with_capacity(capacity, bytes.as_slice());
        let streamed = cordon_lists::read_from(format, reader).unwrap();
        assert_eq!(whole, streamed, "{file}");
    }
}

#[test]
fn truncated_un_file_names_its_offset() {
    let bytes = load("un/un_consolidated_2026-02-27.xml");
    let cut = bytes.len() * 2 / 3;
    match read_bytes(Format::UnXml, &bytes[..cut]) {
        Err(Error::Offset { offset, message }) => {
            assert!(offset > 0 && offset as usize <= cut, "offset {offset}");
            assert!(
                message.contains("truncated") || message.contains("malformed"),
                "{message}"
            );
        }
        other => panic!(
            "expected an offset error: {:?}",
            other.map(|l| l.entities.len())
        ),
    }
}

const XML_FORMATS: [Format; 4] = [
    Format::UnXml,
    Format::OfacXml,
    Format::EuXml,
    Format::CanadaXml,
];

#[test]
fn entity_expansion_bomb_is_refused() {
    let mut bomb =
        String::from("<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [\n<!ENTITY lol \"lol\">\n");
    for level in 1..10 {
        let previous = if level == 1 {
            "lol".to_string()
        } else {
            format!("lol{}", level - 1)
        };
        bomb.push_str(&format!(
            "<!ENTITY lol{level} \"{}\">\n",
            format!("&{previous};").repeat(10)
        ));
    }
    bomb.push_str("]>\n");
    for root in ["CONSOLIDATED_LIST", "sdnList", "export", "data-set"] {
        let input = format!("{bomb}<{root}>&lol9;</{root}>");
        for format in XML_FORMATS {
            let result = read_bytes(format, input.as_bytes());
            assert!(
                result.is_err(),
                "{format} accepted a billion-laughs bomb under <{root}>"
            );
        }
        let un = read_bytes(Format::UnXml, input.as_bytes())
            .unwrap_err()
            .to_string();
        assert!(un.contains("DOCTYPE"), "{un}");
    }
    let ofac = read_bytes(
        Format::OfacXml,
        format!("{bomb}<sdnList>&lol9;</sdnList>").as_bytes(),
    );
    assert!(ofac.unwrap_err().to_string().contains("DOCTYPE"));
}

#[test]
fn external_entities_are_never_resolved() {
    let xxe =
        "<?xml version=\"1.0\"?>\n<!DOCTYPE x [<!ENTITY xxe SYSTEM \"file:///etc/passwd\">]>\n\
               <CONSOLIDATED_LIST dateGenerated=\"2020-01-01\"><INDIVIDUALS><INDIVIDUAL>\
               <REFERENCE_NUMBER>QDi.1</REFERENCE_NUMBER><FIRST_NAME>&xxe;</FIRST_NAME>\
               </INDIVIDUAL></INDIVIDUALS></CONSOLIDATED_LIST>";
    for format in XML_FORMATS {
        assert!(
            read_bytes(format, xxe.as_bytes()).is_err(),
            "{format} accepted an XXE DOCTYPE"
        );
    }
    // Without a DTD an entity reference cannot be defined: it is kept as text, never resolved.
    let no_dtd = &xxe[xxe.find("<CONSOLIDATED_LIST").unwrap_or(0)..];
    let list = read_bytes(Format::UnXml, no_dtd.as_bytes()).unwrap();
    assert_eq!(list.entities[0].caption(), "&xxe;");
    assert!(!list.entities[0].caption().contains("root:"));
    assert!(list.warnings.iter().any(|w| w.contains("kept as written")));
}

#[test]
fn ten_megabyte_field_is_refused() {
    let big = "A".repeat(10 << 20);
    let un = format!(
        "<CONSOLIDATED_LIST dateGenerated=\"2020-01-01\"><INDIVIDUALS><INDIVIDUAL>\
         <FIRST_NAME>{big}</FIRST_NAME></INDIVIDUAL></INDIVIDUALS></CONSOLIDATED_LIST>"
    );
    let error = read_bytes(Format::UnXml, un.as_bytes())
        .unwrap_err()
        .to_string();
    assert!(error.contains("byte limit"), "{error}");
    let ofac_xml =
        format!("<sdnList><sdnEntry><uid>1</uid><lastName>{big}</lastName></sdnEntry></sdnList>");
    let error = read_bytes(Format::OfacXml, ofac_xml.as_bytes())
        .unwrap_err()
        .to_string();
    assert!(error.contains("byte limit"), "{error}");
    let csv = format!("1,\"{big}\",-0-,-0-\n");
    let error = read_bytes(Format::OfacCsv, csv.as_bytes())
        .unwrap_err()
        .to_string();
    assert!(
        error.starts_with("line 1:") && error.contains("byte limit"),
        "{error}"
    );
    // The other readers may refuse or read it, but must not panic.
    let generic = format!("name,id\n\"{big}\",1\n");
    let failures = panics_on(generic.as_bytes(), "a 10 MB CSV field");
    assert!(failures.is_empty(), "{failures:#?}");
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn random_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        let failures = panics_on(&bytes, &format!("{bytes:?}"));
        prop_assert!(failures.is_empty(), "{:#?}", failures);
    }

    #[test]
    fn random_markup_never_panics(
        parts in proptest::collection::vec(
            prop_oneof![
                Just("<CONSOLIDATED_LIST>"), Just("<INDIVIDUAL>"), Just("</INDIVIDUAL>"),
                Just("<sdnList>"), Just("<sdnEntry>"), Just("</sdnEntry>"), Just("<uid>1</uid>"),
                Just("<VALUE>"), Just("</VALUE>"), Just("&amp;"), Just("&"), Just("<"), Just("\""),
                Just(","), Just("-0-"), Just("\n"), Just("1,\"A, B\",individual"), Just("é"),
                Just("\u{feff}"), Just("<![CDATA[x]]>"), Just("<!-- c -->"),
            ],
            0..40,
        )
    ) {
        let input = parts.concat();
        let failures = panics_on(input.as_bytes(), &input);
        prop_assert!(failures.is_empty(), "{:#?}", failures);
    }
}
