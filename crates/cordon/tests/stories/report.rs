//! goAML reports (issue 16): `cordon report goaml` writes an STR from a payment file and audits
//! it; a config file lacking a key, an unreadable payment or an unknown alert is refused with
//! exit 2, the key or place named, and no report written. The XSD validation of these reports
//! is `.ci/goaml.sh`.

use std::path::Path;

use crate::support::{cordon, data, ok, stderr};

const ENTITY: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/goaml/entity.toml");

fn report(dir: &Path, payment: &str, config: &str, out: &Path) -> std::process::Output {
    let out = out.display().to_string();
    cordon(
        dir,
        &[
            "report",
            "goaml",
            "--transfer",
            payment,
            "--reason",
            "Listed beneficiary",
            "--config",
            config,
            "--out",
            &out,
        ],
    )
}

#[test]
fn report_goaml_writes_an_audited_str_from_a_payment_file() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("str.xml");
    let payment = data("payments/public/pacs008/cbprur_pacs008_max_2026.xml");
    let said = ok(report(&dir.path().join("data"), &payment, ENTITY, &out));
    assert!(said.contains("1 transaction(s)"), "{said}");
    let xml = std::fs::read_to_string(&out).unwrap();
    assert!(xml.contains("<report_code>STR</report_code>"));
    assert!(xml.contains("<reason>Listed beneficiary</reason>"));
    assert!(xml.contains("<currency_code_local>EUR</currency_code_local>"));
    let audit = ok(cordon(&dir.path().join("data"), &["audit", "show"]));
    assert!(audit.contains("\"kind\":\"goaml_report\""), "{audit}");
    assert!(audit.contains("cbprur_pacs008_max_2026.xml"), "{audit}");
}

#[test]
fn report_goaml_refuses_bad_input_naming_it_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let data_dir = dir.path().join("data");
    let out = dir.path().join("str.xml");
    let config = dir.path().join("entity.toml");
    let full = std::fs::read_to_string(ENTITY).unwrap();
    std::fs::write(&config, full.replace("currency_code_local = \"EUR\"\n", "")).unwrap();
    let payment = data("payments/public/mt103/gp_mt103_stp_59A_33B_fx.fin");
    let refused = report(&data_dir, &payment, &config.display().to_string(), &out);
    assert_eq!(refused.status.code(), Some(2));
    assert!(
        stderr(&refused).contains("missing field `currency_code_local`"),
        "{}",
        stderr(&refused)
    );
    assert!(
        stderr(&refused).contains("entity.toml"),
        "{}",
        stderr(&refused)
    );

    let statement = data("payments/public/camt053/prowide_camt053_v07.xml");
    let refused = report(&data_dir, &statement, ENTITY, &out);
    assert_eq!(refused.status.code(), Some(2));
    assert!(stderr(&refused).contains("prowide_camt053_v07.xml: message 1 (line"));

    let out_arg = out.display().to_string();
    let unknown = cordon(
        &data_dir,
        &[
            "report",
            "goaml",
            "--alert",
            "42",
            "--payment",
            &payment,
            "--config",
            ENTITY,
            "--out",
            &out_arg,
        ],
    );
    assert_eq!(unknown.status.code(), Some(2), "{}", stderr(&unknown));
    assert!(!out.exists());
    let leftovers: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(
        leftovers.len(),
        2,
        "only data/ and entity.toml, no report: {leftovers:?}"
    );
}
