//! The `rall` binary: the only crate that prints or uses `anyhow`.
fn main() {}
