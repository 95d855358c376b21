//! `cordon serve`: the HTTP API over the data directory.

use anyhow::{Context, Result};
use cordon_server::{AppState, ServerConfig};
use std::io::Write;
use std::path::Path;

use crate::InputError;

/// Options of `cordon serve`.
#[derive(clap::Args)]
pub struct ServeArgs {
    /// Address to listen on (`127.0.0.1:0` picks a free port; the address is printed).
    #[arg(long, default_value = "127.0.0.1:8080", value_name = "ADDR")]
    pub listen: String,
    /// Screenings and imports running or queued at once; more are refused with 503.
    #[arg(long, default_value_t = 64, value_name = "N")]
    pub max_jobs: usize,
    /// Default alert threshold.
    #[arg(long)]
    pub threshold: Option<f64>,
    /// A TOML typology rules file for POST /v1/transfers instead of the built-in default pack.
    #[arg(long, value_name = "FILE")]
    pub rules: Option<std::path::PathBuf>,
    /// Longest a decision (false positive, true match) may stand, in days: a later
    /// `expires_at` is refused, and one left out lapses after this many days.
    #[arg(long, value_name = "DAYS", default_value_t = cordon_store::decisions::DEFAULT_MAX_DECISION_DAYS)]
    pub max_decision_days: u32,
    /// Worker threads for screenings and imports (default 0: four per core, since a
    /// screening spends part of its time waiting for its audit entry to reach the disk).
    #[arg(long, value_name = "N", default_value_t = 0)]
    pub workers: usize,
    /// An origin (`https://app.example.org`, or `*` for any) whose browser pages may call
    /// the API (CORS); repeat for several. None by default.
    #[arg(long = "cors-origin", value_name = "ORIGIN")]
    pub cors_origins: Vec<String>,
}

/// Checks a `--cors-origin`: `*`, or `http(s)://host[:port]` without a path,
/// as browsers send it in the `Origin` header.
fn check_origin(origin: &str) -> Result<()> {
    let plain = origin
        .strip_prefix("https://")
        .or_else(|| origin.strip_prefix("http://"));
    let valid = origin == "*"
        || plain.is_some_and(|host| {
            !host.is_empty() && !host.contains('/') && host.chars().all(|c| c.is_ascii_graphic())
        });
    if valid {
        Ok(())
    } else {
        Err(InputError::new(format!(
            "--cors-origin {origin:?}: expected `*` or scheme://host[:port], e.g. https://app.example.org"
        ))
        .into())
    }
}

/// Runs `cordon serve` until Ctrl-C or SIGTERM.
pub fn run(args: ServeArgs, data_dir: &Path) -> Result<()> {
    if args.max_decision_days == 0 {
        return Err(InputError::new(
            "--max-decision-days 0: a decision must be able to stand at least one day",
        )
        .into());
    }
    let mut config = ServerConfig {
        max_cpu_jobs: args.max_jobs.max(1),
        workers: args.workers,
        ..ServerConfig::default()
    };
    if let Some(threshold) = args.threshold {
        if !(0.0..=1.0).contains(&threshold) {
            return Err(InputError::new(format!(
                "--threshold {threshold}: must be between 0 and 1"
            ))
            .into());
        }
        config.threshold = threshold;
    }
    for origin in &args.cors_origins {
        check_origin(origin)?;
    }
    config.cors_origins = args.cors_origins.clone();
    // Read the rules first: a bad rules file is a usage error before anything starts.
    let rules = match &args.rules {
        Some(path) => Some(crate::transfers_cmd::load_rules(Some(path))?),
        None => None,
    };
    let store = crate::store_open::open_store_with(data_dir, args.max_decision_days)?;
    let state = AppState::with_boxed_store(store, config);
    if let Some(pack) = rules {
        state
            .set_rules(pack)
            .map_err(|e| InputError::new(format!("--rules: {e}")))?;
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("starting the async runtime")?;
    runtime.block_on(async move {
        let listener = tokio::net::TcpListener::bind(&args.listen)
            .await
            .map_err(|e| InputError::new(format!("--listen {}: {e}", args.listen)))?;
        let address = listener.local_addr()?;
        outln!("cordon listening on http://{address}");
        std::io::stdout().flush()?;
        // Liveness answers at once; readiness once the lists are indexed.
        let loader = state.clone();
        tokio::task::spawn_blocking(move || {
            match resume_then_load(&loader) {
                Ok(0) => eprintln!("warning: no list is imported: every screening will find nothing. Run `cordon lists import`."),
                Ok(n) => eprintln!("indexed {n} entities; ready"),
                Err(e) => eprintln!("error: indexing the stored lists failed: {e}"),
            }
            // Versions imported by other processes from now on (and any
            // stored while loading) are swapped in within seconds.
            if let Err(e) = loader.follow_lists(cordon_engine::follow::CHECK_EVERY) {
                eprintln!("error: following the store's lists failed to start: {e}");
            }
        });
        cordon_server::serve(listener, state, shutdown_signal())
            .await
            .context("serving HTTP")
    })
}

/// Finishes list imports a crash interrupted (their customer rescreen),
/// then indexes the current lists.
fn resume_then_load(state: &AppState) -> Result<usize> {
    let threshold = state.config().threshold;
    for resumed in cordon_engine::lists::resume_imports(state.store(), threshold)? {
        eprintln!(
            "finished the interrupted import of {}: rescreened {} customers, {} new alerts",
            resumed.version.label(),
            resumed.rescreen.screened,
            resumed.rescreen.alerts.len()
        );
    }
    state
        .load_lists()
        .map_err(|e| anyhow::anyhow!("{}", e.body()))
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    eprintln!("shutting down: finishing in-flight requests");
}
