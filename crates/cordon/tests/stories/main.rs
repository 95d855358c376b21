//! End-to-end stories: the real `cordon` binary on the real shared data.

mod audit;
mod evasion;
mod exchange;
mod integrity;
mod lists;
mod pg_store;
mod report;
mod screening;
mod service;
mod support;
mod transfers;
