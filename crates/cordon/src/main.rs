//! `cordon`: screen people, organisations and transfers against
//! terrorist-financing designations. This binary is glue: it parses the
//! command line, loads lists and the store, and calls the engine
//! (`cordon-engine`) for every use case.
//!
//! Exit codes: 0 ok (also when the reader of standard output went away: a
//! closed pipe ends the output quietly, as `head` expects), 1 ran and found
//! the problem asked about, 2 bad input or usage, 3 internal fault (the
//! store, the disk, a bug).

/// `println!` that returns an error instead of panicking when standard
/// output is closed (`cordon lists diff A B --json | head -c 1`): the caller
/// propagates it with `?` and `main` ends quietly.
macro_rules! outln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        writeln!(std::io::stdout().lock(), $($arg)*)?
    }};
}

mod audit_cmd;
mod customers_cmd;
mod download;
mod eval;
mod eval_cmd;
mod eval_customers;
mod exchange_cmd;
mod keys_cmd;
mod lists_cmd;
mod report_cmd;
mod screen_cmd;
mod secret_file;
mod serve_cmd;
mod sources;
mod store_open;
mod tabular;
mod transfers_cmd;
mod transfers_stream;
mod update;
mod worker_cmd;

use clap::{Parser, Subcommand};

/// Screening allocates many small, short-lived strings and vectors per query
/// on every core; mimalloc's per-thread heaps make that markedly cheaper than
/// the system allocator.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;
use std::path::PathBuf;
use std::process::ExitCode;

/// Bad input or usage: reported with exit code 2.
#[derive(Debug)]
pub struct InputError(String);

impl InputError {
    /// A new input error with a message that names the input and the place.
    pub fn new(message: impl Into<String>) -> InputError {
        InputError(message.into())
    }
}

impl std::fmt::Display for InputError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for InputError {}

/// The run finished but found the problem the user asked about: exit code 1.
#[derive(Debug)]
pub struct Finding(String);

impl std::fmt::Display for Finding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for Finding {}

/// Who runs a command, as the audit log records it: the command line has no
/// key, so the entry says plainly that the use was local and unauthenticated,
/// naming the account only as the environment reports it.
pub fn local_caller() -> String {
    let user = std::env::var("USER")
        .or_else(|_| std::env::var("USERNAME"))
        .unwrap_or_else(|_| "unknown".into());
    format!("local:{user} (unauthenticated command line)")
}

/// The exit code of a failed command (see the crate documentation).
fn exit_code(error: &anyhow::Error) -> u8 {
    if error.downcast_ref::<Finding>().is_some() {
        return 1;
    }
    let bad_input = error.chain().any(|cause| {
        cause.downcast_ref::<InputError>().is_some()
            || cause
                .downcast_ref::<cordon_engine::Error>()
                .is_some_and(cordon_engine::Error::is_bad_input)
    });
    if bad_input {
        2
    } else {
        3
    }
}

/// Whether the error is standard output closed under us (a pipe whose reader left).
fn is_broken_pipe(error: &anyhow::Error) -> bool {
    error.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|e| e.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

#[derive(Parser)]
#[command(
    name = "cordon",
    version,
    about = "Screen people, organisations and transfers against terrorist-financing designations"
)]
struct Cli {
    /// Where Cordon keeps its database (list versions). Default: the per-user data folder.
    #[arg(long, global = true, env = "CORDON_DATA_DIR", value_name = "DIR")]
    data_dir: Option<PathBuf>,
    /// The store to use instead of the data directory's SQLite database:
    /// `postgres://user@host:port/db`, shared by several Cordon processes.
    #[arg(long, global = true, env = "CORDON_STORE", value_name = "URL")]
    store: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Read, store, compare and update designation lists.
    Lists {
        #[command(subcommand)]
        command: lists_cmd::ListsCommand,
    },
    /// Screen one name against the lists.
    Screen(screen_cmd::ScreenArgs),
    /// Compare two names (or every pair of a CSV file).
    Compare(screen_cmd::CompareArgs),
    /// Screen a whole file of names (CSV or JSON lines) in parallel.
    Batch(screen_cmd::BatchArgs),
    /// Run the development evaluation sets and print precision, recall, F1 and timings.
    Eval(eval_cmd::EvalArgs),
    /// Run the HTTP screening service.
    Serve(serve_cmd::ServeArgs),
    /// Verify, show or purge the hash-chained audit log.
    Audit {
        #[command(subcommand)]
        command: audit_cmd::AuditCommand,
    },
    /// Create, list and revoke API keys.
    Keys {
        #[command(subcommand)]
        command: keys_cmd::KeysCommand,
    },
    /// Load the customer register and see its alerts.
    Customers {
        #[command(subcommand)]
        command: customers_cmd::CustomersCommand,
    },
    /// Between FIUs: signed list publications and private subject queries.
    Exchange {
        #[command(subcommand)]
        command: exchange_cmd::ExchangeCommand,
    },
    /// Screen payment messages: R16 checks, names, free text and typology rules.
    Transfers {
        #[command(subcommand)]
        command: transfers_cmd::TransfersCommand,
    },
    /// Reports to the FIU: goAML suspicious transaction reports.
    Report {
        #[command(subcommand)]
        command: report_cmd::ReportCommand,
    },
    /// Consume payment messages from NATS JetStream: screen, apply the rules, record, then acknowledge.
    Worker(worker_cmd::WorkerArgs),
}

fn default_data_dir() -> PathBuf {
    dirs::data_dir()
        .unwrap_or_else(|| PathBuf::from("."))
        .join("cordon")
}

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => {
            let code = if error.use_stderr() { 2 } else { 0 };
            let _ = error.print();
            return ExitCode::from(code);
        }
    };
    let _ = tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("CORDON_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .with_writer(std::io::stderr)
        .try_init();
    let data_dir = cli.data_dir.unwrap_or_else(default_data_dir);
    store_open::choose_store(cli.store);
    let result = match cli.command {
        Command::Lists { command } => lists_cmd::run(command, &data_dir),
        Command::Screen(args) => screen_cmd::screen(args, &data_dir),
        Command::Compare(args) => screen_cmd::compare(args),
        Command::Batch(args) => screen_cmd::batch(args, &data_dir),
        Command::Eval(args) => eval_cmd::command(args),
        Command::Serve(args) => serve_cmd::run(args, &data_dir),
        Command::Audit { command } => audit_cmd::run(command, &data_dir),
        Command::Keys { command } => keys_cmd::run(command, &data_dir),
        Command::Customers { command } => customers_cmd::run(command, &data_dir),
        Command::Transfers { command } => transfers_cmd::run(command, &data_dir),
        Command::Exchange { command } => exchange_cmd::run(command, &data_dir),
        Command::Report { command } => report_cmd::run(command, &data_dir),
        Command::Worker(args) => worker_cmd::run(args, &data_dir),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) if is_broken_pipe(&error) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::from(exit_code(&error))
        }
    }
}
