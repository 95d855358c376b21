//! The shared payment samples: what each one reads into, and the R16 cases the README marks.

use cordon_payments::{check_r16, parse, R16Config, Severity, Transfer};

const DIR: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/data/payments/"
);

fn read(name: &str) -> Vec<u8> {
    std::fs::read(format!("{DIR}{name}")).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn parse_one(bytes: &[u8]) -> Transfer {
    let mut results = parse(bytes);
    assert_eq!(results.len(), 1, "expected one transfer");
    results.remove(0).unwrap()
}

fn errors(t: &Transfer) -> Vec<(&'static str, String)> {
    check_r16(t, &R16Config::default())
        .into_iter()
        .filter(|f| f.severity == Severity::Error)
        .map(|f| (f.rule, f.path))
        .collect()
}

#[test]
fn every_xml_and_fin_sample_parses() {
    let mut count = 0;
    for entry in std::fs::read_dir(DIR).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        if !(name.ends_with(".xml") || name.ends_with(".fin")) {
            continue;
        }
        let transfer = parse_one(&read(&name));
        assert!(transfer.amount.is_some(), "{name}: no amount");
        assert!(
            transfer.debtor.is_some() && transfer.creditor.is_some(),
            "{name}"
        );
        count += 1;
    }
    assert_eq!(count, 12, "5 .fin and 7 .xml samples");
}

#[test]
fn rje_batch_gives_three_mt103_and_skips_the_acks() {
    let results = parse(&read("prowide_MT103-bulk-with-ack.rje"));
    let transfers: Vec<Transfer> = results.into_iter().map(Result::unwrap).collect();
    let refs: Vec<_> = transfers
        .iter()
        .map(|t| t.instruction_id.clone().unwrap())
        .collect();
    assert_eq!(refs, ["234234233", "C4772342333", "201904250034434"]);
    let amounts: Vec<_> = transfers
        .iter()
        .map(|t| t.amount.unwrap().to_string())
        .collect();
    assert_eq!(amounts, ["3700 USD", "1321 USD", "1417.8 USD"]);
    let second = &transfers[1];
    assert_eq!(second.business_service.as_deref(), Some("STP"));
    assert_eq!(
        second.debtor_agent.as_ref().unwrap().bic.as_deref(),
        Some("CCCCNGLA")
    );
    let debtor = second.debtor.as_ref().unwrap();
    assert_eq!(debtor.account.as_ref().unwrap().id, "1111111111");
    assert_eq!(debtor.name.as_deref(), Some("ANANANANANANA"));
    assert_eq!(
        debtor.address.as_ref().unwrap().lines[1],
        "LEKKI LAGOS NIGERIA"
    );
    assert_eq!(second.remittance.unstructured, ["TITHE"]);
    // Output messages: the sender is in block 2, the receiver in block 1.
    assert_eq!(
        second.instructing_agent.as_ref().unwrap().bic.as_deref(),
        Some("BKTRUS33XXX")
    );
    assert_eq!(
        second.instructed_agent.as_ref().unwrap().bic.as_deref(),
        Some("AAAAUSLAXXX")
    );
}

#[test]
fn rje_r16_beneficiary_without_address_is_reported_but_not_an_error() {
    for t in parse(&read("prowide_MT103-bulk-with-ack.rje"))
        .into_iter()
        .map(Result::unwrap)
    {
        let findings = check_r16(&t, &R16Config::default());
        assert!(errors(&t).is_empty(), "{findings:?}");
        assert!(findings.iter().any(|f| f.rule == "R16.beneficiary.address"
            && f.path == "59"
            && f.severity == Severity::Info));
    }
}

#[test]
fn mt202cov_sequence_b_is_the_underlying_customer_transfer() {
    let t = parse_one(&read("cbpr_c_29_2_2_MT202COV_A_to_B.fin"));
    assert_eq!(t.message_type, "MT202COV");
    assert_eq!(
        t.debtor.as_ref().unwrap().identifiers.bic.as_deref(),
        Some("MYMBGB2LXXX")
    );
    assert_eq!(
        t.creditor.as_ref().unwrap().identifiers.bic.as_deref(),
        Some("GEBABEBBXXX")
    );
    let u = t.underlying.as_ref().unwrap();
    let debtor = u.debtor.as_ref().unwrap();
    assert_eq!(debtor.name.as_deref(), Some("Debtor Co"));
    assert_eq!(
        debtor.address.as_ref().unwrap().town_name.as_deref(),
        Some("Epping")
    );
    assert_eq!(debtor.source.as_deref(), Some("B/50F"));
    assert_eq!(
        u.creditor_agent.as_ref().unwrap().bic.as_deref(),
        Some("GEBABEBBXXX")
    );
    assert_eq!(u.uetr, t.uetr);
}

#[test]
fn r16_no_address_sample_fails_on_the_originator_address_only() {
    let t = parse_one(&read("mx20022_cbpr_BAH_pacs.008.001.13_no_address.xml"));
    assert_eq!(t.message_type, "pacs.008.001.13");
    assert_eq!(
        errors(&t),
        [("R16.originator.address", "Dbtr/PstlAdr".to_string())]
    );
}

#[test]
fn r16_missing_uetr_sample_has_no_uetr_and_fails_on_the_address() {
    let t = parse_one(&read(
        "mx20022_cbpr_pacs.008.001.13_invalid_missing_uetr.xml",
    ));
    assert!(t.uetr.is_none());
    assert_eq!(
        errors(&t),
        [("R16.originator.address", "Dbtr/PstlAdr".to_string())]
    );
    // Without UETR the end-to-end id is the unique reference; without both, a missing account
    // is no longer covered.
    let mut no_account = t.clone();
    no_account.debtor.as_mut().unwrap().account = None;
    let account_error = ("R16.originator.account", "DbtrAcct".to_string());
    assert!(!errors(&no_account).contains(&account_error));
    no_account.end_to_end_id = None;
    assert!(errors(&no_account).contains(&account_error));
}

#[test]
fn r16_notprovided_account_is_covered_by_the_uetr_only() {
    let t = parse_one(&read("cbpr_p_2_3_1_b_MT103_A_to_D.fin"));
    assert_eq!(
        t.debtor.as_ref().unwrap().account.as_ref().unwrap().id,
        "NOTPROVIDED"
    );
    let findings = check_r16(&t, &R16Config::default());
    assert!(findings.iter().any(|f| f.rule == "R16.originator.account"
        && f.path == "50F"
        && f.severity == Severity::Info));
    assert!(errors(&t).is_empty());
    // Before gpi, the end-to-end id (70 /ROC/) or field 20 is the unique reference.
    let mut without_uetr = t.clone();
    without_uetr.uetr = None;
    assert!(errors(&without_uetr).is_empty());
    without_uetr.end_to_end_id = None;
    let findings = check_r16(&without_uetr, &R16Config::default());
    assert!(findings.iter().any(|f| f.rule == "R16.originator.account"
        && f.severity == Severity::Info
        && f.message.contains("field 20")));
    without_uetr.instruction_id = None;
    assert_eq!(
        errors(&without_uetr),
        [
            ("R16.originator.account", "50F".to_string()),
            ("R16.beneficiary.account", "59F".to_string())
        ]
    );
}

#[test]
fn r16_cover_payment_is_checked_on_the_underlying_transfer() {
    let t = parse_one(&read("cbpr_p_2_3_1_b_pacs.009.001.08COV_A_to_B.xml"));
    let mut stripped = t.clone();
    let u = stripped.underlying.as_mut().unwrap();
    u.debtor.as_mut().unwrap().name = Some("NOT PROVIDED".into());
    u.uetr = None;
    u.end_to_end_id = None;
    stripped.uetr = None;
    stripped.end_to_end_id = None;
    let found = errors(&stripped);
    assert!(found.contains(&(
        "R16.originator.name",
        "UndrlygCstmrCdtTrf/Dbtr/Nm".to_string()
    )));
    assert!(found.contains(&(
        "R16.beneficiary.account",
        "UndrlygCstmrCdtTrf/CdtrAcct".to_string()
    )));
    // The same bank-to-bank message without the underlying transfer is out of scope.
    stripped.underlying = None;
    assert!(check_r16(&stripped, &R16Config::default()).is_empty());
}

#[test]
fn r16_below_threshold_or_domestic_needs_no_address() {
    let t = parse_one(&read("mx20022_cbpr_BAH_pacs.008.001.13_no_address.xml"));
    let small = String::from_utf8(read("mx20022_cbpr_BAH_pacs.008.001.13_no_address.xml"))
        .unwrap()
        .replace(">50000.00<", ">999.99<");
    assert!(errors(&parse_one(small.as_bytes())).is_empty());
    let mut domestic = t.clone();
    domestic.creditor_agent.as_mut().unwrap().bic = Some("BARCGB22XXX".into());
    assert!(errors(&domestic).is_empty());
    let mut nameless = domestic;
    nameless.creditor.as_mut().unwrap().name = Some("N/A".into());
    assert_eq!(
        errors(&nameless),
        [("R16.beneficiary.name", "Cdtr/Nm".to_string())]
    );
}

#[test]
fn xml_without_header_in_other_envelopes_and_versions() {
    let original =
        String::from_utf8(read("mx20022_cbpr_BAH_pacs.008.001.13_no_address.xml")).unwrap();
    let reference = parse_one(original.as_bytes());
    for version in ["08", "09", "10", "11", "12", "13"] {
        let text = original
            .replace("BizMsgEnvlp", "RequestPayload")
            .replace("pacs.008.001.13", &format!("pacs.008.001.{version}"));
        let t = parse_one(text.as_bytes());
        assert_eq!(t.message_type, format!("pacs.008.001.{version}"));
        assert_eq!(t.debtor, reference.debtor);
    }
    let start = original.find("<Document").unwrap();
    let end = original.find("</BizMsgEnvlp>").unwrap();
    let bare = parse_one(&original.as_bytes()[start..end]);
    assert_eq!(bare.message_type, "pacs.008.001.13");
    assert_eq!(bare.amount, reference.amount);
    assert_eq!(
        bare.message_id.as_deref(),
        Some("CBPR-PACS008-20240101-001")
    );
}

#[test]
fn several_transactions_give_several_transfers() {
    let original =
        String::from_utf8(read("mx20022_cbpr_BAH_pacs.008.001.13_no_address.xml")).unwrap();
    let start = original.find("<CdtTrfTxInf>").unwrap();
    let end = original.find("</CdtTrfTxInf>").unwrap() + "</CdtTrfTxInf>".len();
    let tx = &original[start..end];
    let second = tx
        .replace("Alice Smith", "Carol Brown")
        .replace(">50000.00<", ">1,0<");
    let third = tx.replace("Alice Smith", "Dan White");
    let text = original.replacen(tx, &format!("{tx}{second}{third}"), 1);
    let results = parse(text.as_bytes());
    assert_eq!(results.len(), 3);
    assert_eq!(
        results[0]
            .as_ref()
            .unwrap()
            .debtor
            .as_ref()
            .unwrap()
            .name
            .as_deref(),
        Some("Alice Smith")
    );
    let err = results[1].as_ref().unwrap_err();
    assert_eq!(err.index, 1);
    assert!(err.message.contains("IntrBkSttlmAmt"), "{}", err.message);
    assert_eq!(
        results[2]
            .as_ref()
            .unwrap()
            .debtor
            .as_ref()
            .unwrap()
            .name
            .as_deref(),
        Some("Dan White")
    );
}

#[test]
fn doctype_in_a_real_sample_is_refused() {
    let original = String::from_utf8(read(
        "mx20022_cbpr_pacs.008.001.13_invalid_missing_uetr.xml",
    ))
    .unwrap();
    let text = original.replacen(
        "<Document",
        "<!DOCTYPE d [<!ENTITY x SYSTEM \"file:///etc/passwd\">]><Document",
        1,
    );
    let results = parse(text.as_bytes());
    assert_eq!(results.len(), 1);
    let err = results[0].as_ref().unwrap_err();
    assert!(err.message.contains("DOCTYPE"));
    assert_eq!(err.position.line, 3);
}

#[test]
fn json_samples_are_refused_with_a_clear_message() {
    let err = parse(&read("tazama_pacs.008.001.10_abridged.json"))
        .remove(0)
        .unwrap_err();
    assert!(err.message.contains("JSON"), "{}", err.message);
}
