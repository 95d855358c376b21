//! `cordon eval`: the development evaluation sets, reproducible by anyone.

use anyhow::Result;
use std::path::PathBuf;

/// Options of `cordon eval`.
#[derive(clap::Args)]
pub struct EvalArgs {
    /// The shared data folder (lists/, names/).
    #[arg(long, default_value = "../shared/data", value_name = "DIR")]
    pub data: PathBuf,
    /// Print the report as JSON after the human summary.
    #[arg(long)]
    pub json: bool,
}

/// Runs the evaluation and prints its report.
pub fn command(args: EvalArgs) -> Result<()> {
    let mut stdout = std::io::stdout();
    let report = crate::eval::run(&args.data, &mut stdout)?;
    if args.json {
        outln!("{}", serde_json::to_string_pretty(&report)?);
    }
    Ok(())
}
