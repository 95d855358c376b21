//! Matching: index, candidates, scorer, explanation.
//!
//! ```
//! assert!(true);
//! ```
