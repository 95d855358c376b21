//! STRs made from the shared public payment samples (../shared/data/payments/public): every
//! readable transfer gives a well-formed report holding its transaction, parties and amount.
//! The XSD validation of the same reports is `.ci/goaml.sh` (it needs Python's xmlschema).

use cordon_payments::Transfer;
use cordon_report::{write_str, ReportingEntity, StrInput};
use quick_xml::events::Event;
use std::path::{Path, PathBuf};

const ENTITY: &str = r#"
rentity_id = 101
rentity_branch = "DXB-MAIN"
currency_code_local = "AED"
indicators = ["STRUC"]
transaction_location = "Head office"
action = "Payment held; account under review"
[reporting_person]
first_name = "Sara"
last_name = "Khan"
email = "mlro@example.com"
occupation = "MLRO"
"#;

/// Folders of customer and bank transfers (statements and status reports carry no transfer).
const FOLDERS: &[&str] = &[
    "pacs008", "pacs009", "pain001", "pacs004", "mt103", "mt202", "mt202cov",
];

fn samples() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data/payments/public");
    let mut files: Vec<PathBuf> = FOLDERS
        .iter()
        .flat_map(|f| std::fs::read_dir(root.join(f)).unwrap())
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    files
}

fn entity() -> ReportingEntity {
    ReportingEntity::from_toml(ENTITY, "test").unwrap()
}

/// Element names in document order, after checking the XML is well formed.
fn elements(xml: &str) -> Vec<String> {
    let mut reader = quick_xml::Reader::from_str(xml);
    let mut names = Vec::new();
    loop {
        match reader.read_event().unwrap() {
            Event::Start(e) => names.push(String::from_utf8(e.name().as_ref().to_vec()).unwrap()),
            Event::Eof => return names,
            _ => {}
        }
    }
}

fn report(file: &Path, transfers: Vec<Transfer>) -> String {
    let input = StrInput {
        reference: format!("STR-{}", file.file_stem().unwrap().to_string_lossy()),
        submission_date: "2026-12-04T10:00:00".into(),
        reason: "Confirmed sanctions match".into(),
        transfers,
    };
    write_str(&entity(), &input).unwrap_or_else(|e| panic!("{}: {e}", file.display()))
}

#[test]
fn every_sample_transfer_makes_a_well_formed_str() {
    let out = std::env::var_os("CORDON_GOAML_OUT").map(PathBuf::from);
    let mut reported = 0;
    for file in samples() {
        let bytes = std::fs::read(&file).unwrap();
        let transfers: Vec<Transfer> = cordon_payments::parse(&bytes)
            .into_iter()
            .flatten()
            .collect();
        if transfers.is_empty() {
            continue;
        }
        let count = transfers.len();
        let xml = report(&file, transfers);
        let names = elements(&xml);
        assert_eq!(
            names.first().map(String::as_str),
            Some("report"),
            "{}",
            file.display()
        );
        let tally = |tag: &str| names.iter().filter(|n| *n == tag).count();
        assert_eq!(tally("transaction"), count, "{}", file.display());
        assert_eq!(tally("t_from"), count, "{}", file.display());
        assert_eq!(tally("t_to"), count, "{}", file.display());
        assert_eq!(tally("amount_local"), count, "{}", file.display());
        if let Some(dir) = &out {
            let name = format!("{}.xml", file.file_name().unwrap().to_string_lossy());
            std::fs::write(dir.join(name), &xml).unwrap();
        }
        reported += count;
    }
    assert!(reported >= 40, "only {reported} transfers reported");
}

/// What the FIU reads, pinned: an MT103 with an instructed amount in another currency.
#[test]
fn an_mt103_report_reads_as_pinned() {
    let file = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../../shared/data/payments/public/mt103/gp_mt103_stp_59A_33B_fx.fin");
    let transfers = cordon_payments::parse(&std::fs::read(&file).unwrap());
    let transfers: Vec<Transfer> = transfers.into_iter().flatten().collect();
    insta::assert_snapshot!(report(&file, transfers));
}

/// A name in another script is reported in the schema's alphabet, the original in comments.
#[test]
fn a_cyrillic_debtor_is_transliterated_and_kept_as_written() {
    let file = Path::new("cyrillic");
    let mut transfer = Transfer::default();
    transfer.message_type = "pacs.008.001.08".into();
    transfer.settlement_date = Some("2026-03-01".into());
    transfer.amount = Some(cordon_model::transfer::Money {
        amount: cordon_model::transfer::Amount::parse("950.00", b'.').unwrap(),
        currency: cordon_model::transfer::Currency::parse("AED").unwrap(),
    });
    transfer.debtor = Some(cordon_model::transfer::Party {
        name: Some("Иван Петров".into()),
        ..Default::default()
    });
    let xml = report(file, vec![transfer]);
    assert!(xml.contains("<name>Ivan Petrov</name>"), "{xml}");
    assert!(
        xml.contains("<comments>name as written: Иван Петров</comments>"),
        "{xml}"
    );
    assert!(xml.contains("<amount_local>950</amount_local>"), "{xml}");
    assert!(
        xml.contains("<to_entity>\n        <name>NOT PROVIDED</name>"),
        "{xml}"
    );
}

/// Reports read back as transfers (cordon-payments' goAML reader): the same transactions, the
/// same amounts as sent, the same parties' names.
#[test]
fn reports_read_back_as_the_transfers_they_report() {
    let mut compared = 0;
    for file in samples() {
        let bytes = std::fs::read(&file).unwrap();
        let sent: Vec<Transfer> = cordon_payments::parse(&bytes)
            .into_iter()
            .flatten()
            .collect();
        if sent.is_empty() {
            continue;
        }
        let xml = report(&file, sent.clone());
        let back: Vec<Transfer> = cordon_payments::parse(xml.as_bytes())
            .into_iter()
            .map(|r| r.unwrap_or_else(|e| panic!("{}: {e:?}", file.display())))
            .collect();
        assert_eq!(back.len(), sent.len(), "{}", file.display());
        for (was, is) in sent.iter().zip(&back) {
            let amount = was.amount.as_ref().or(was.instructed_amount.as_ref());
            assert_eq!(is.amount.as_ref(), amount, "{}", file.display());
            assert_eq!(is.message_type, "goAML STR");
            let name = |t: &Transfer| t.creditor.as_ref().and_then(|p| p.name.clone());
            let customer = was
                .underlying
                .as_deref()
                .filter(|u| u.creditor.is_some())
                .unwrap_or(was);
            let sent_name = name(customer)
                .filter(|n| n.is_ascii() && !cordon_model::transfer::is_placeholder(n));
            if let Some(sent_name) = sent_name {
                assert_eq!(
                    name(is),
                    Some(schema_alphabet(&sent_name)),
                    "{}",
                    file.display()
                );
            }
            compared += 1;
        }
    }
    assert!(compared >= 66, "{compared}");
}

/// A plain ASCII name as the schema's alphabet writes it: other characters are spaces.
fn schema_alphabet(name: &str) -> String {
    let kept: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || " .'-".contains(c) {
                c
            } else {
                ' '
            }
        })
        .collect();
    kept.split_whitespace().collect::<Vec<_>>().join(" ")
}
