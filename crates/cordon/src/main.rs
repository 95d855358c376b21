//! The `cordon` command line.
fn main() {}
