//! The same payment as MT and as ISO 20022: the fields both formats carry must read the same.
//!
//! The shared samples come in pairs (the CBPR+ translation of an MT103 into pacs.008, of an
//! MT202COV into pacs.009 COV), linked by UETR. Each side is projected onto the facts both
//! formats can carry, normalised where the formats differ legitimately:
//!
//! - BIC: MT option A often carries the 8-character BIC and the XML the 11-character one (or the
//!   reverse); `BANKGB2L` and `BANKGB2LXXX` are the same head office, so 8 characters get `XXX`.
//! - Creation time: MT block 2 has date and minutes, the XML seconds and a zone; compare
//!   `YYYY-MM-DDTHH:MM`.
//! - Remittance: MT 70 is up to 4 lines of 35 characters, XML `Ustrd` up to 140 characters per
//!   occurrence; lines are concatenated on both sides before comparing.
//! - Amounts compare as exact decimals (`500000,` = `500000`), charge bearers as ISO codes
//!   (71A `OUR` = `DEBT`), accounts without MT's leading `/`: all done by the parsers.
//! - Not compared: message id (MT 108 vs `MsgId`), business service (119 `COV` vs BizSvc), the
//!   party `source`, 72 lines other than `/INS/`, and identifiers only one format can express
//!   (a 59F cannot carry the creditor's `OrgId`).

use cordon_model::transfer::{Agent, Party, PostalAddress, Transfer};
use cordon_payments::parse;

const DIR: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/data/payments/"
);

const PAIRS: [(&str, &str); 5] = [
    (
        "cbpr_c_53_5_MT103_A_to_B.fin",
        "cbpr_c_53_5_pacs.008.001.08_A_to_B.xml",
    ),
    (
        "cbpr_p_2_1_1_MT103_C_to_D.fin",
        "cbpr_p_2_1_1_pacs.008.001.08_C_to_D.xml",
    ),
    (
        "cbpr_p_2_3_1_b_MT103_A_to_D.fin",
        "cbpr_p_2_3_1_b_pacs.008.001.08_A_to_D.xml",
    ),
    (
        "cbpr_p_2_3_1_b_MT202COV_A_to_B.fin",
        "cbpr_p_2_3_1_b_pacs.009.001.08COV_A_to_B.xml",
    ),
    (
        "cbpr_c_29_2_2_MT202COV_A_to_B.fin",
        "cbpr_c_29_2_2_pacs.009.001.08COV_A_to_B.xml",
    ),
];

/// What both formats carry, normalised.
#[derive(Debug, PartialEq)]
struct Common {
    uetr: Option<String>,
    instruction_id: Option<String>,
    end_to_end_id: Option<String>,
    amount: Option<String>,
    instructed_amount: Option<String>,
    settlement_date: Option<String>,
    creation_minute: Option<String>,
    charge_bearer: Option<String>,
    debtor: Option<CommonParty>,
    creditor: Option<CommonParty>,
    debtor_agent: Option<String>,
    creditor_agent: Option<String>,
    intermediary_agents: Vec<Option<String>>,
    instructing_agent: Option<String>,
    instructed_agent: Option<String>,
    previous_instructing_agents: Vec<Option<String>>,
    reimbursement_agents: (Option<String>, Option<String>),
    remittance: String,
    underlying: Option<Box<Common>>,
}

#[derive(Debug, PartialEq)]
struct CommonParty {
    name: Option<String>,
    account: Option<String>,
    address: Option<PostalAddress>,
    bic: Option<String>,
}

fn bic(agent: Option<&Agent>) -> Option<String> {
    agent.and_then(|a| a.bic.as_deref()).map(normal_bic)
}

fn normal_bic(bic: &str) -> String {
    if bic.len() == 8 {
        format!("{bic}XXX")
    } else {
        bic.to_string()
    }
}

fn party(p: Option<&Party>) -> Option<CommonParty> {
    p.map(|p| CommonParty {
        name: p.name.clone(),
        account: p.account.as_ref().map(|a| a.id.clone()),
        address: p.address.clone(),
        bic: p.identifiers.bic.as_deref().map(normal_bic),
    })
}

fn common(t: &Transfer, with_ids: bool) -> Common {
    Common {
        uetr: t.uetr.clone(),
        instruction_id: t.instruction_id.clone().filter(|_| with_ids),
        end_to_end_id: t.end_to_end_id.clone().filter(|_| with_ids),
        amount: t.amount.map(|m| m.to_string()),
        instructed_amount: t.instructed_amount.map(|m| m.to_string()),
        settlement_date: t.settlement_date.clone(),
        creation_minute: t
            .creation_time
            .as_ref()
            .and_then(|c| c.get(..16))
            .map(str::to_string),
        charge_bearer: t.charge_bearer.map(|c| format!("{c:?}")),
        debtor: party(t.debtor.as_ref()),
        creditor: party(t.creditor.as_ref()),
        debtor_agent: bic(t.debtor_agent.as_ref()),
        creditor_agent: bic(t.creditor_agent.as_ref()),
        intermediary_agents: t.intermediary_agents.iter().map(|a| bic(Some(a))).collect(),
        instructing_agent: bic(t.instructing_agent.as_ref()),
        instructed_agent: bic(t.instructed_agent.as_ref()),
        previous_instructing_agents: t
            .previous_instructing_agents
            .iter()
            .map(|a| bic(Some(a)))
            .collect(),
        reimbursement_agents: (
            bic(t.instructing_reimbursement_agent.as_ref()),
            bic(t.instructed_reimbursement_agent.as_ref()),
        ),
        remittance: t.remittance.unstructured.concat(),
        // The underlying transfer has no identifiers of its own in either format.
        underlying: t.underlying.as_deref().map(|u| Box::new(common(u, false))),
    }
}

fn read_one(name: &str) -> Transfer {
    let bytes = std::fs::read(format!("{DIR}{name}")).unwrap();
    let mut results = parse(&bytes);
    assert_eq!(results.len(), 1, "{name}");
    results.remove(0).unwrap_or_else(|e| panic!("{name}: {e}"))
}

#[test]
fn mt_and_mx_of_the_same_payment_read_the_same() {
    for (fin, xml) in PAIRS {
        let mt = read_one(fin);
        let mx = read_one(xml);
        assert!(mt.uetr.is_some(), "{fin} has a UETR");
        let (mt_common, mx_common) = (common(&mt, true), common(&mx, true));
        assert_eq!(mt_common, mx_common, "{fin} vs {xml}");
        // The comparison is not vacuous: the key facts are there.
        assert!(mt_common.amount.is_some() && mt_common.settlement_date.is_some());
        let customer = mt_common.underlying.as_deref().unwrap_or(&mt_common);
        assert!(
            customer
                .debtor
                .as_ref()
                .and_then(|d| d.name.as_ref())
                .is_some(),
            "{fin}"
        );
        assert!(
            customer
                .creditor
                .as_ref()
                .and_then(|c| c.name.as_ref())
                .is_some(),
            "{fin}"
        );
        assert!(
            customer.debtor_agent.is_some() && customer.creditor_agent.is_some(),
            "{fin}"
        );
    }
}

#[test]
fn pairs_are_linked_by_uetr() {
    for (fin, xml) in PAIRS {
        assert_eq!(read_one(fin).uetr, read_one(xml).uetr, "{fin} vs {xml}");
    }
    // One payment in four representations: the MT103/pacs.008 and MT202COV/pacs.009 of p.2.3.1.b.
    let uetr = read_one(PAIRS[2].0).uetr;
    assert_eq!(read_one(PAIRS[3].1).uetr, uetr);
    let customer = common(&read_one(PAIRS[2].1), false);
    let cover = common(&read_one(PAIRS[3].1), false);
    let underlying = cover.underlying.unwrap();
    assert_eq!(customer.debtor, underlying.debtor);
    assert_eq!(customer.debtor_agent, underlying.debtor_agent);
    assert_eq!(customer.creditor_agent, underlying.creditor_agent);
}
