//! Screening, comparing and batches.
