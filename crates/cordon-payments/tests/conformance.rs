//! Conformance on the public messages of other projects (`../shared/data/payments/public`,
//! SOURCES.md there): every file gives as many results as an independent text count of its
//! transactions, nothing disappears, and hostile variants of real messages (cosmetic faults,
//! other encodings, other wrappers) are still read, with a warning, with the same parties.

use cordon_payments::{check_r16, parse, R16Config, Severity, Transfer};
use std::path::{Path, PathBuf};

const PUBLIC: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/data/payments/public"
);

/// ISO 20022 roots the reader supports: a file with none of them is one error.
const SUPPORTED_ROOTS: [&str; 4] = [
    "FIToFICstmrCdtTrf",
    "FICdtTrf",
    "CstmrCdtTrfInitn",
    "PmtRtr",
];

/// Real samples whose transaction is wrong in the data itself, with the text of the error.
const KNOWN_BAD: [(&str, &str); 1] = [
    // A stablecoin settlement "currency" that is not ISO 4217.
    ("coreum_pacs008-4_v09_Message_wrapper.xml", "USDDSO"),
];

fn public_files() -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut dirs = vec![PathBuf::from(PUBLIC)];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap_or_else(|e| panic!("{dir:?}: {e}")) {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_none_or(|e| e != "md") {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

fn name(path: &Path) -> String {
    path.file_name().unwrap().to_string_lossy().to_string()
}

/// Start tags `<X>`, `<X ...>` or `<p:X>` of element `local`, by a plain text scan.
fn count_elements(text: &str, local: &str) -> usize {
    text.match_indices('<')
        .filter(|(at, _)| {
            let tag = &text[at + 1..];
            let end = tag
                .find(|c: char| c == '>' || c == '/' || c.is_whitespace())
                .unwrap_or(tag.len());
            let qualified = &tag[..end];
            qualified.rsplit(':').next() == Some(local)
        })
        .count()
}

/// The independent count: transactions (`CdtTrfTxInf`, `TxInf`) of a supported ISO 20022
/// message, FIN user messages (`{4:` blocks less the service messages' ones) for MT.
/// `supported` is false for a file holding only unsupported messages.
fn independent_count(bytes: &[u8]) -> (usize, bool) {
    let text = String::from_utf8_lossy(bytes);
    if text
        .trim_start_matches('\u{feff}')
        .trim_start()
        .starts_with('<')
    {
        let supported = SUPPORTED_ROOTS
            .iter()
            .any(|root| count_elements(&text, root) > 0);
        let count = count_elements(&text, "CdtTrfTxInf") + count_elements(&text, "TxInf");
        return if supported { (count, true) } else { (1, false) };
    }
    let messages = text.matches("{4:").count() - text.matches("{1:F21").count();
    let supported = ["103", "202", "205"]
        .iter()
        .any(|mt| text.contains(&format!("{{2:I{mt}")) || text.contains(&format!("{{2:O{mt}")));
    (messages, supported)
}

#[test]
fn every_public_file_gives_its_transactions_and_nothing_disappears() {
    let files = public_files();
    assert!(files.len() >= 76, "{} files", files.len());
    let (mut transactions, mut errors) = (0, 0);
    for path in &files {
        let file = name(path);
        let bytes = std::fs::read(path).unwrap();
        let results = parse(&bytes);
        let (expected, supported) = independent_count(&bytes);
        assert_eq!(results.len(), expected.max(1), "{file}: result count");
        for (i, result) in results.iter().enumerate() {
            match result {
                Ok(t) => {
                    assert!(
                        supported,
                        "{file}: an unsupported message read as a transfer"
                    );
                    assert!(t.amount.is_some(), "{file} #{i}: no amount");
                    let customer = t.underlying.as_deref().unwrap_or(t);
                    // (A pacs.009 "min" sample has empty Dbtr and Cdtr: its banks are agents.)
                    assert!(
                        customer.debtor.is_some()
                            || customer.creditor.is_some()
                            || t.agents().next().is_some(),
                        "{file} #{i}: nothing to screen"
                    );
                    assert!(t.reference().is_some(), "{file} #{i}: no reference");
                    transactions += 1;
                }
                Err(e) => {
                    assert_eq!(e.index, i, "{file}");
                    let known = KNOWN_BAD
                        .iter()
                        .any(|(bad, text)| *bad == file && e.message.contains(text));
                    assert!(
                        !supported || known,
                        "{file} #{i}: unexpected error {}",
                        e.message
                    );
                    errors += 1;
                }
            }
        }
    }
    // 76 messages in SOURCES.md: 7 unsupported (camt.053 x3, pacs.002, MT940 x2, MT910) and
    // one with a non-ISO currency; the multi-transaction files bring the rest.
    assert_eq!((transactions, errors), (94, 8));
}

#[test]
fn transactions_of_a_multi_transaction_file_have_their_own_reference() {
    for file in [
        "pain001/moov_SIX_musterfile_pain001_ch_8tx.xml",
        "pain001/moov_gistfile1_ISO_MUG_3tx.xml",
        "pain001/dvbern_pain001_ch02_4tx.xml",
        "pacs008/coreum_pacs008-10_MUG_2tx_no_Document.xml",
        "mt103/prowide_MT103-out-ack.rje",
    ] {
        let transfers = read_all(file);
        let mut references: Vec<&str> = transfers.iter().filter_map(Transfer::reference).collect();
        references.sort_unstable();
        references.dedup();
        assert_eq!(references.len(), transfers.len(), "{file}: {references:?}");
    }
}

fn read(file: &str) -> Vec<u8> {
    std::fs::read(format!("{PUBLIC}/{file}")).unwrap_or_else(|e| panic!("{file}: {e}"))
}

fn read_all(file: &str) -> Vec<Transfer> {
    parse(&read(file))
        .into_iter()
        .map(|r| r.unwrap_or_else(|e| panic!("{file}: {e}")))
        .collect()
}

/// Names of the parties that screening sees, customer transfer first.
fn parties(t: &Transfer) -> Vec<String> {
    let customer = t.underlying.as_deref().unwrap_or(t);
    [customer, t]
        .iter()
        .flat_map(|t| t.parties())
        .filter_map(|(_, p)| p.name.clone().or_else(|| p.identifiers.bic.clone()))
        .collect()
}

/// `variant` reads into one transfer with the parties of `original` and a warning that
/// contains `warning`.
fn assert_same_with_warning(label: &str, original: &Transfer, variant: &[u8], warning: &str) {
    let results = parse(variant);
    assert_eq!(results.len(), 1, "{label}: {results:?}");
    let t = results[0]
        .as_ref()
        .unwrap_or_else(|e| panic!("{label}: {e}"));
    assert_eq!(parties(t), parties(original), "{label}");
    assert_eq!(t.amount, original.amount, "{label}");
    assert!(
        t.warnings.iter().any(|w| w.contains(warning)),
        "{label}: {:?}",
        t.warnings
    );
}

#[test]
fn cosmetic_fin_faults_are_warnings_and_every_party_is_read() {
    let file = "mt103/bal_p231a_MT103_50F_59F.fin";
    let clean = read(file);
    let original = &read_all(file)[0];
    assert!(original.warnings.is_empty(), "{:?}", original.warnings);
    assert!(!parties(original).is_empty());
    let text = String::from_utf8(clean).unwrap();
    let end = text.rfind("\r\n-}").expect("block 4 ends with CRLF-}");
    let variants = [
        (
            "stray }",
            format!("{}}}", &text[..end + 4]) + &text[end + 4..],
            "stray '}'",
        ),
        (
            "unclosed {5:",
            format!("{}{{5:{{CHK:46E46A6460F2}}", &text[..end + 4]),
            "{5:} is not closed",
        ),
        (
            "-} without line break",
            format!("{}-}}{}", &text[..end], &text[end + 4..]),
            "without a line break",
        ),
        (
            "{4::20: on one line",
            text.replacen("{4:\r\n", "{4:", 1),
            "does not start with a line break",
        ),
        (
            "lone { in a trailer",
            format!("{}{{\n", &text[..end + 4]),
            "after block 4",
        ),
    ];
    for (label, variant, warning) in variants {
        assert!(variant != text, "{label}: the variant changed nothing");
        assert_same_with_warning(label, original, variant.as_bytes(), warning);
    }
}

#[test]
fn an_mt202_that_lost_119_cov_is_screened_as_a_cover_payment() {
    let file = "mt202cov/gp_mt202_cov_50K_59.fin";
    let original = &read_all(file)[0];
    assert_eq!(original.message_type, "MT202COV");
    let text = String::from_utf8(read(file)).unwrap();
    let lost = text.replacen("{119:COV}", "", 1);
    assert!(lost != text, "the sample has {{119:COV}}");
    let results = parse(lost.as_bytes());
    let t = results[0].as_ref().unwrap();
    assert_eq!(t.message_type, "MT202COV");
    assert!(t.is_cover());
    assert!(
        t.warnings.iter().any(|w| w.contains("119:COV")),
        "{:?}",
        t.warnings
    );
    assert_eq!(parties(t), parties(original));
    let u = t.underlying.as_deref().unwrap();
    assert!(u.debtor.is_some() && u.creditor.is_some());
    // R16 looks at the customer transfer, as it does for the declared cover.
    assert_eq!(
        check_r16(t, &R16Config::default()),
        check_r16(original, &R16Config::default())
    );
}

#[test]
fn mt205cov_is_a_cover_payment() {
    for file in [
        "mt_other/gp_mt205_cover.fin",
        "mt_other/bal_p432_MT205COV.fin",
    ] {
        let t = &read_all(file)[0];
        assert_eq!(t.message_type, "MT205COV", "{file}");
        let u = t.underlying.as_deref().unwrap();
        assert!(
            u.debtor.as_ref().and_then(|d| d.name.as_ref()).is_some(),
            "{file}"
        );
        assert!(
            u.creditor.as_ref().and_then(|d| d.name.as_ref()).is_some(),
            "{file}"
        );
    }
}

#[test]
fn other_encodings_are_decoded() {
    let file = "pacs008/cbprur_pacs008_max_2026.xml";
    let original = &read_all(file)[0];
    let text = String::from_utf8(read(file)).unwrap();
    let mut le = vec![0xFF, 0xFE];
    le.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    assert_same_with_warning("UTF-16LE", original, &le, "UTF-16LE");
    let mut be = vec![0xFE, 0xFF];
    be.extend(text.encode_utf16().flat_map(u16::to_be_bytes));
    assert_same_with_warning("UTF-16BE", original, &be, "UTF-16BE");

    // The same message declared ISO-8859-1, with a debtor name in Latin-1 bytes.
    let name = original.debtor.as_ref().unwrap().name.clone().unwrap();
    let declared = text.replacen("encoding='UTF-8'", "encoding='ISO-8859-1'", 1);
    assert!(
        declared != text,
        "the sample declares UTF-8 in single quotes"
    );
    let mut latin1 = declared.into_bytes();
    let debtor = find(&latin1, b"<Dbtr>").unwrap();
    let at = debtor + find(&latin1[debtor..], format!(">{name}<").as_bytes()).unwrap() + 1;
    latin1.splice(at..at + name.len(), b"Jos\xE9 M\xFCller".iter().copied());
    let t = parse(&latin1).remove(0).unwrap();
    assert_eq!(
        t.debtor.as_ref().unwrap().name.as_deref(),
        Some("José Müller")
    );
    assert!(t.warnings.iter().any(|w| w.contains("ISO-8859-1")));

    let refused = text.replacen("encoding='UTF-8'", "encoding='EBCDIC-CP-US'", 1);
    let err = parse(refused.as_bytes()).remove(0).unwrap_err();
    assert!(err.message.contains("EBCDIC-CP-US"), "{}", err.message);
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

#[test]
fn empty_inputs_and_files_without_a_message_are_one_error() {
    for input in [&b""[..], b"   \r\n\t\n", b"\xEF\xBB\xBF", b"<Foo/>", b"$$"] {
        let results = parse(input);
        assert_eq!(results.len(), 1, "{input:?}");
        let err = results[0].as_ref().unwrap_err();
        assert_eq!(err.index, 0);
        assert!(!err.message.is_empty());
    }
}

#[test]
fn message_roots_are_found_without_a_document() {
    let file = "pacs008/cbprur_pacs008_max_2026.xml";
    let original = &read_all(file)[0];
    let text = String::from_utf8(read(file)).unwrap();
    let open = text.find("<FIToFICstmrCdtTrf").expect("root");
    let close =
        text.rfind("</FIToFICstmrCdtTrf>").expect("root end") + "</FIToFICstmrCdtTrf>".len();
    let root = &text[open..close];
    let namespace = "urn:iso:std:iso:20022:tech:xsd:pacs.008.001.08";
    let bare = root.replacen(
        "<FIToFICstmrCdtTrf",
        &format!("<FIToFICstmrCdtTrf xmlns=\"{namespace}\""),
        1,
    );
    let tch = format!(
        "<Message xmlns=\"urn:tch\" xmlns:ct=\"{namespace}\"><AppHdr><BizMsgIdr>B1</BizMsgIdr>\
         </AppHdr><CreditTransfer>{root}</CreditTransfer></Message>"
    );
    for (label, variant) in [("bare root", bare), ("TCH <Message> layout", tch)] {
        let results = parse(variant.as_bytes());
        assert_eq!(results.len(), 1, "{label}: {results:?}");
        let t = results[0]
            .as_ref()
            .unwrap_or_else(|e| panic!("{label}: {e}"));
        assert_eq!(t.message_type, "pacs.008.001.08", "{label}");
        assert_eq!(parties(t), parties(original), "{label}");
        assert_eq!(t.amount, original.amount, "{label}");
    }
}

#[test]
fn an_unknown_version_is_read_with_a_warning() {
    let file = "pacs008/coreum_pacs008-14_v12.xml";
    let original = &read_all(file)[0];
    assert!(original.warnings.is_empty(), "{:?}", original.warnings);
    let text = String::from_utf8(read(file)).unwrap();
    let future = text.replace("pacs.008.001.12", "pacs.008.001.99");
    assert!(future != text, "the sample is pacs.008.001.12");
    assert_same_with_warning(
        "pacs.008.001.99",
        original,
        future.as_bytes(),
        "unknown version",
    );
}

#[test]
fn a_placeholder_execution_date_is_a_warning() {
    let t = &read_all("pain001/svapnil_gs_pain001_sepa.xml")[0];
    assert_eq!(t.settlement_date, None);
    assert!(
        t.warnings.iter().any(|w| w.contains("ReqdExctnDt")),
        "{:?}",
        t.warnings
    );
    assert!(t.debtor.is_some() && t.creditor.is_some());
}

#[test]
fn equivalent_amount_is_the_amount_of_an_initiation() {
    let t = &read_all("pain001/cbprur_pain001_EqvtAmt_2026.xml")[0];
    assert_eq!(t.amount.unwrap().to_string(), "320000 AUD");
}

#[test]
fn r16_on_real_samples_with_passport_and_field_20() {
    // 50F CCPT: the passport is the originator's official identity.
    let t = &read_all("mt103/prowide_AbstractMtJsonTest_50F_CCPT_UETR.fin")[0];
    let mut no_address = t.clone();
    no_address.debtor.as_mut().unwrap().address = None;
    let errors: Vec<_> = check_r16(&no_address, &R16Config::default())
        .into_iter()
        .filter(|f| f.severity == Severity::Error)
        .collect();
    assert!(
        errors.iter().all(|f| f.rule != "R16.originator.address"),
        "{errors:?}"
    );
    // 50A: a customer identified by its BIC is named.
    let t = &read_all("mt103/prowide_MT103ParserTest_103_1.fin")[0];
    assert!(t.debtor.as_ref().unwrap().name.is_none());
    let findings = check_r16(t, &R16Config::default());
    assert!(
        findings.iter().all(|f| f.rule != "R16.originator.name"),
        "{findings:?}"
    );
}
