//! Prints the transfers and R16 findings of each file given, as JSON lines.
//!
//! `cargo run -p cordon-payments --example dump -- FILE...`

fn main() {
    let config = cordon_payments::R16Config::default();
    for path in std::env::args().skip(1) {
        let bytes = match std::fs::read(&path) {
            Ok(bytes) => bytes,
            Err(e) => {
                eprintln!("{path}: {e}");
                continue;
            }
        };
        for result in cordon_payments::parse(&bytes) {
            let line = match result {
                Ok(transfer) => {
                    let findings = cordon_payments::check_r16(&transfer, &config);
                    serde_json::json!({ "file": path, "transfer": transfer, "r16": findings })
                }
                Err(error) => serde_json::json!({ "file": path, "error": error }),
            };
            println!("{line}");
        }
    }
}
