//! End-to-end stories: the real `cordon` binary on the real shared data.

mod audit;
mod evasion;
mod integrity;
mod lists;
mod screening;
mod service;
mod support;
mod transfers;
