//! Runs the binary's evaluation loader directly (`cargo run --release -p cordon-match --example eval`),
//! so the engine can be evaluated without building the whole CLI.
#[path = "../../cordon/src/eval_customers.rs"]
mod eval_customers;
#[path = "../../cordon/src/eval.rs"]
#[allow(dead_code)]
mod eval_loader;

fn main() -> anyhow::Result<()> {
    let data = std::path::Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/../../../shared/data"));
    let mut out = std::io::stdout();
    let report = eval_loader::run(data, &mut out)?;
    if std::env::args().any(|a| a == "--json") {
        println!("{}", serde_json::to_string_pretty(&report)?);
    }
    Ok(())
}
