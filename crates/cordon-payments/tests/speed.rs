//! Rough throughput of parse + R16 on a pacs.008 and an MT103. Ignored by default:
//! `cargo test -p cordon-payments --release --test speed -- --ignored --nocapture`

use cordon_payments::{check_r16, parse, R16Config};
use std::time::Instant;

const DIR: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../../shared/data/payments/"
);

fn measure(name: &str) -> f64 {
    let bytes = std::fs::read(format!("{DIR}{name}")).unwrap();
    let config = R16Config::default();
    let rounds = 20_000;
    let start = Instant::now();
    let mut findings = 0;
    for _ in 0..rounds {
        for t in parse(&bytes).into_iter().flatten() {
            findings += check_r16(&t, &config).len();
        }
    }
    let per_second = f64::from(rounds) / start.elapsed().as_secs_f64();
    println!(
        "{name} ({} bytes): {per_second:.0} inputs/s, {findings} findings",
        bytes.len()
    );
    per_second
}

/// One pacs.008 with 1,000 transactions (the sample's, repeated): per-transaction cost.
fn measure_batch() {
    let name = "mx20022_cbpr_BAH_pacs.008.001.13_no_address.xml";
    let text = String::from_utf8(std::fs::read(format!("{DIR}{name}")).unwrap()).unwrap();
    let start = text.find("<CdtTrfTxInf>").unwrap();
    let end = text.find("</CdtTrfTxInf>").unwrap() + "</CdtTrfTxInf>".len();
    let batch = text.replacen(&text[start..end], &text[start..end].repeat(1000), 1);
    let config = R16Config::default();
    let started = Instant::now();
    let mut transfers = 0;
    for _ in 0..20 {
        for t in parse(batch.as_bytes()).into_iter().flatten() {
            check_r16(&t, &config);
            transfers += 1;
        }
    }
    let per_second = f64::from(transfers) / started.elapsed().as_secs_f64();
    println!(
        "pacs.008 batch of 1000 ({} bytes): {per_second:.0} transactions/s",
        batch.len()
    );
}

#[test]
#[ignore = "timing; run in release"]
fn throughput() {
    measure("cbpr_c_53_5_pacs.008.001.08_A_to_B.xml");
    measure("mx20022_cbpr_BAH_pacs.008.001.13_no_address.xml");
    measure("cbpr_c_53_5_MT103_A_to_B.fin");
    measure("cbpr_p_2_3_1_b_pacs.009.001.08COV_A_to_B.xml");
    measure("prowide_MT103-bulk-with-ack.rje");
    measure_batch();
}
