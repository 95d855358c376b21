//! The command line on a PostgreSQL store: `--store URL` imports a list,
//! screens against it and verifies the audit chain in the database instead of
//! the data directory. Runs when `CORDON_TEST_POSTGRES` names a server (as in
//! CI); unset, it prints a note and passes. The store lives in a fresh schema
//! (named in the URL's `search_path`), dropped at the end.

use crate::support::{data, ok, stdout};
use std::process::{Command, Output};

const URL_VAR: &str = "CORDON_TEST_POSTGRES";

/// A fresh schema on the test server, dropped when the test ends.
struct Schema {
    server: String,
    name: String,
}

impl Schema {
    fn create(server: &str) -> Schema {
        let name = format!("cordon_cli_{}", cordon_store::keys::random_hex(6).unwrap());
        let mut client = postgres::Client::connect(server, postgres::NoTls).unwrap();
        client
            .batch_execute(&format!("CREATE SCHEMA {name}"))
            .unwrap();
        Schema {
            server: server.to_string(),
            name,
        }
    }

    /// The store URL: the server with the schema as its search path.
    fn url(&self) -> String {
        let separator = if self.server.contains('?') { '&' } else { '?' };
        format!(
            "{}{separator}options=-csearch_path%3D{}",
            self.server, self.name
        )
    }
}

impl Drop for Schema {
    fn drop(&mut self) {
        if let Ok(mut client) = postgres::Client::connect(&self.server, postgres::NoTls) {
            let _ = client.batch_execute(&format!("DROP SCHEMA IF EXISTS {} CASCADE", self.name));
        }
    }
}

/// Runs `cordon --store URL ...` with a data directory that must stay unused.
fn cordon_on(url: &str, data_dir: &std::path::Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cordon"))
        .arg("--data-dir")
        .arg(data_dir)
        .arg("--store")
        .arg(url)
        .args(args)
        .env_remove("CORDON_DATA_DIR")
        .env_remove("CORDON_STORE")
        .output()
        .expect("the cordon binary runs")
}

#[test]
fn the_command_line_imports_screens_and_verifies_on_postgres() {
    let Ok(server) = std::env::var(URL_VAR) else {
        eprintln!("note: {URL_VAR} is not set; the PostgreSQL story does not run");
        return;
    };
    let schema = Schema::create(&server);
    let url = schema.url();
    let dir = tempfile::tempdir().unwrap();
    let un = data("lists/un/un_consolidated_2026-02-27.xml");
    ok(cordon_on(&url, dir.path(), &["lists", "import", &un]));
    let screened = ok(cordon_on(
        &url,
        dir.path(),
        &["screen", "--json", "Гулмурод Ҳалимов"],
    ));
    let results: serde_json::Value = serde_json::from_str(&screened).unwrap();
    assert!(
        results.to_string().contains("un:"),
        "no UN hit for a listed name: {results}"
    );
    let verified = cordon_on(&url, dir.path(), &["audit", "verify"]);
    let text = ok(verified);
    assert!(text.contains("intact") || text.contains("ok"), "{text}");
    // Nothing went to the data directory: the store is the database.
    assert!(std::fs::read_dir(dir.path()).unwrap().next().is_none());
    // A URL that is not PostgreSQL is a usage error (exit 2).
    let refused = cordon_on("mysql://x", dir.path(), &["lists", "show"]);
    assert_eq!(refused.status.code(), Some(2), "{}", stdout(&refused));
}
