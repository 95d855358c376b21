//! Storage.
//!
//! ```
//! assert!(true);
//! ```
